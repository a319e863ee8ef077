/*
 * org.h — employers' organisations and their review by staff (C7).
 *
 * An account submits one organisation: its name, its unified social credit
 * code (checked per GB 32100, sealed) and a photo of its business licence
 * (re-encoded by the photo sanitiser, sealed, never served publicly). Staff
 * with the moderator role see the queue and decide; reading the code or the
 * licence is an audited staff read (F5). Until approved, an account may have
 * at most conf.job_quota live job listings and cannot search resumes.
 *
 * States: pending → approved | rejected; a new licence or a resubmission
 * after a rejection goes back to pending. A rejection names one reason from
 * a fixed list (org_reasons): staff never type free text about an employer
 * or its people, so the stored note is a code holding no personal information.
 */
#ifndef LL_ORG_H
#define LL_ORG_H
#include "base/ctx.h"
#include "domain/validate.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t id, user_id, created_at, reviewed_at;
    const char *name, *status;
    const char *review_reason, *review_note; /* a rejection's reason code and its Chinese text; NULL otherwise */
    const char *credit_code; /* opened only for the owner and for an audited staff read */
    bool has_licence;
} org_t;

/* The reasons staff may give for a rejection, ended by {NULL, NULL}. */
extern const reason_t org_reasons[];

/* Submits (or, after a rejection, resubmits) the caller's organisation. */
int org_submit(ctx_t *c, const char *name, const char *credit_code, int64_t *id);
/* Sanitises and stores the licence photo of the caller's organisation id; LL_NOTFOUND if not theirs. */
int org_licence_set(ctx_t *c, int64_t id, const void *data, size_t len);
/* The caller's organisation; LL_NOTFOUND if none. */
int org_mine(ctx_t *c, org_t *out);
/* Staff: organisations in a state, oldest first (no personal fields opened). */
int org_queue(ctx_t *c, const char *status, org_t **items, size_t *n);
/* Staff: one organisation with its credit code (audited). */
int org_review_read(ctx_t *c, int64_t id, org_t *out);
/* Staff: the licence as a JPEG in a malloc'd buffer (audited). */
int org_licence_read(ctx_t *c, int64_t id, void **jpeg, size_t *len);
/* Staff: approve, or reject with a reason code of org_reasons (required). Audited. */
int org_decide(ctx_t *c, int64_t id, bool approve, const char *reason);
/* Whether uid has an approved organisation. */
bool org_approved(ctx_t *c, int64_t uid);
/* The approved organisation's name of uid, or NULL. */
const char *org_public_name(ctx_t *c, int64_t uid);
/* LL_OK if uid may have one more live job listing (C7 quota), else LL_DENIED job_quota_reached. */
int org_job_quota(ctx_t *c, int64_t uid);

#endif
