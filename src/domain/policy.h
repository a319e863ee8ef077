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
/*
 * Publishes a new version (staff) with its content (snapshot: the JSON the
 * policy page is generated from, frozen now); *id is its number.
 */
int policy_publish(ctx_t *c, const char *version, bool major, const char *summary, const char *snapshot, int *id);
/* The content of version id as published, and when it was frozen; LL_NOTFOUND if none was kept. */
int policy_text(ctx_t *c, int id, const char **snapshot, int64_t *taken_at);
/*
 * Keeps snapshot as the current version's content if it has none yet (a
 * version published before contents were kept: frozen at the next start).
 */
int policy_text_keep_current(ctx_t *c, const char *snapshot);
/* True if an account that accepted `accepted` must accept the current one. */
int policy_needs_consent(ctx_t *c, int accepted, bool *needs);

#endif
