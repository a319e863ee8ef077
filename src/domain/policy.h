/*
 * policy.h — versions of the privacy policy and acceptance rules (H3, H4).
 *
 * A user must accept again when a major version newer than the one they
 * accepted exists; minor versions are announced, not re-asked.
 */
#ifndef LL_POLICY_H
#define LL_POLICY_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int id;
    const char *version;
    bool major;
    int64_t published_at;
    const char *summary;
} policy_t;

int policy_current(ctx_t *c, policy_t *p);
/* All versions, newest first, in the context's arena. */
int policy_list(ctx_t *c, policy_t **items, size_t *n);
/* Publishes a new version (staff); *id is its number. */
int policy_publish(ctx_t *c, const char *version, bool major, const char *summary, int *id);
/* True if an account that accepted `accepted` must accept the current one. */
int policy_needs_consent(ctx_t *c, int accepted, bool *needs);

#endif
