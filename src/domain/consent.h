/*
 * consent.h — consent per purpose (G3): each optional use of personal data
 * is off until the person turns it on, and turning it off takes one call
 * and takes effect on the next request. The latest decision wins; every
 * decision is kept as a record (consents table).
 */
#ifndef LL_CONSENT_H
#define LL_CONSENT_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *slug, *label, *explain, *promise;
} consent_purpose_t;

extern const consent_purpose_t consent_purposes[];
extern const size_t consent_count;

const consent_purpose_t *consent_find(const char *slug);
/* The person's current decision for a purpose (false when never asked). */
bool consent_granted(ctx_t *c, int64_t uid, const char *slug);
/* Records a decision; a repeat of the current one records nothing. */
int consent_set(ctx_t *c, int64_t uid, const char *slug, bool granted);
/* Time of the current decision, 0 when never decided. */
int64_t consent_decided_at(ctx_t *c, int64_t uid, const char *slug);

#endif
