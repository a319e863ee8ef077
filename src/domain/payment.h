/*
 * payment.h — paying orders through a payment provider (C5), refunds, and
 * the double-entry ledger.
 *
 * A provider is a struct of function pointers, so a real one (an HTTP API
 * with its own signatures) fits beside the sandbox built into Linli. The
 * provider receives the order number, the item name and the amount, and
 * nothing else (C5); each payment started is recorded as a share.
 *
 * The money facts arrive only through the provider's signed, asynchronous
 * callback. Invariants: a callback with a bad signature, an unknown trade or
 * a wrong amount changes nothing; a callback is applied at most once however
 * often and in whatever order it arrives (a payment only moves forward:
 * pending → paid → refunded, and each ledger movement has a unique key);
 * every movement posts entries that sum to zero, so the whole ledger always
 * sums to zero.
 */
#ifndef LL_PAYMENT_H
#define LL_PAYMENT_H
#include "base/ctx.h"
#include "domain/order.h"
#include <stddef.h>
#include <stdint.h>

/* Everything a provider is told about a payment (C5). */
typedef struct {
    const char *order_no, *item;
    int64_t amount_fen;
} pay_request_t;

/* A verified callback: event "paid" or "refunded". */
typedef struct {
    const char *event, *trade_no, *order_no;
    int64_t amount_fen;
} pay_notice_t;

typedef struct pay_provider {
    const char *name;      /* in URLs and ledger accounts: "sandbox" */
    const char *recipient; /* who receives the data, for the sharing record */
    /* Starts a payment; the page the customer confirms on, and the provider's trade number. */
    int (*create)(ctx_t *c, const pay_request_t *rq, const char **trade_no, const char **pay_url);
    /* Asks for a full refund; the provider confirms later with a "refunded" callback. */
    int (*refund)(ctx_t *c, const char *trade_no, int64_t amount_fen);
    /* Checks the signature over the raw body and reads it; LL_DENIED (bad_signature) if it does not verify. */
    int (*verify)(ctx_t *c, const char *body, size_t len, const char *signature, pay_notice_t *out);
} pay_provider_t;

extern const pay_provider_t pay_sandbox;
/* The provider named name, or NULL. */
const pay_provider_t *pay_provider(const char *name);

/* The customer starts (or resumes) paying a created order; *pay_url is the provider's page. */
int pay_start(ctx_t *c, int64_t order_id, const char **pay_url, const char **trade_no);
/* Applies a provider's callback (raw body and signature header). */
int pay_callback(ctx_t *c, const pay_provider_t *p, const char *body, size_t len, const char *signature);
/* Asks the provider to refund the order's paid payment, if any (inside the caller's transaction). */
int pay_refund_order(ctx_t *c, int64_t order_id);

#endif
