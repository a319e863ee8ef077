/*
 * merchant.h — home-service merchants (JX): an account applies with its
 * business name, city and licence number; staff approve or reject it with a
 * reason, as they review listings. Only an approved merchant offers services
 * and receives orders.
 *
 * Invariants: one merchant per account; the licence number is sealed with
 * the owner's data key and opened only for staff verification (P_VERIFY),
 * each opening audited (F5); a rejected merchant may apply again, which puts
 * it back in the queue. A rejection names one reason from a fixed list
 * (merchant_reasons): staff never type free text about a business or its
 * owner, so the stored note is a code that holds no personal information.
 */
#ifndef LL_MERCHANT_H
#define LL_MERCHANT_H
#include "base/ctx.h"
#include "domain/validate.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t id, user_id, city, created_at, updated_at;
    const char *name, *status;
    const char *reason, *note; /* a rejection's reason code and its Chinese text; NULL otherwise */
} merchant_t;

/* The reasons staff may give for a rejection, ended by {NULL, NULL}. */
extern const reason_t merchant_reasons[];

/* Applies (or, after a rejection, applies again) for the caller's account. */
int merchant_apply(ctx_t *c, const char *name, int64_t city, const char *license_no, int64_t *id);
/* The caller's own merchant in any state; LL_NOTFOUND if none. */
int merchant_mine(ctx_t *c, merchant_t *out);
/* The merchant of an account in any state; LL_NOTFOUND if none. */
int merchant_of(ctx_t *c, int64_t uid, merchant_t *out);
/* Any merchant by number, in any state (the domain decides who may see it). */
int merchant_load(ctx_t *c, int64_t id, merchant_t *out);
/* Staff: the merchants in a state (pending, approved, rejected), oldest first, at most 100. */
int merchant_queue(ctx_t *c, const char *status, merchant_t **items, size_t *n);
/* Staff: approve, or reject with a reason code of merchant_reasons (required). Audited. */
int merchant_review(ctx_t *c, int64_t id, bool approve, const char *reason);
/* Staff: the licence number for verification; the read is audited (F5). */
int merchant_license(ctx_t *c, int64_t id, const char **license_no);

#endif
