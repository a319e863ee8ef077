/*
 * ratelimit.h — fixed-window counters kept in the database, so several
 * `linli serve` processes share them. Keys are keyed hashes (the thing
 * limited may be a phone number or an address: personal data).
 */
#ifndef LL_RATELIMIT_H
#define LL_RATELIMIT_H
#include "base/ctx.h"

/*
 * Counts one event for (scope, key) in a window of window_s seconds.
 * LL_OK while the count is within limit; LL_LIMIT past it, with
 * c->retry_after set to the seconds until the window ends.
 */
int rl_hit(ctx_t *c, const char *scope, const char *key, int window_s, int limit);

/* Like rl_hit but counts nothing: LL_LIMIT if the window is already past limit. */
int rl_peek(ctx_t *c, const char *scope, const char *key, int window_s, int limit);

#endif
