/*
 * viewcache.h — rendered public views (listing cards) kept in memory and shared by every connection of the pool, so that a search's
 * twenty results do not each read a random page of listing_cards.
 *
 * Invariants: an entry is the text a committed snapshot held for an id,
 * tagged with the view epoch of its city in that same snapshot
 * (view_epochs, bumped by trigger in the transaction of every change to a
 * card of the city). A reader uses an entry only when its own snapshot has
 * the same epoch for that city, so it never sees a view older than its
 * snapshot, across threads, transactions and processes. Nothing is put
 * from inside a write transaction (its epoch is not committed yet). The
 * cache never holds more than its byte budget (its tables included); an
 * entry not read since the clock hand last passed goes first. All
 * functions are thread-safe; lookups only take a shared lock.
 */
#ifndef LL_VIEWCACHE_H
#define LL_VIEWCACHE_H
#include "base/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct viewcache viewcache_t;

typedef struct {
    const char *text; /* in the caller's arena, NUL-terminated */
    size_t len;
    int64_t city, epoch, expires_at;
} vc_entry_t;

/* A cache of at most max_bytes (entries, their text and the tables); NULL when max_bytes is 0 (no cache). */
viewcache_t *vc_new(size_t max_bytes);
void vc_free(viewcache_t *vc);
/* Copies the entry of id into the arena; false when absent. */
bool vc_get(viewcache_t *vc, int64_t id, arena_t *a, vc_entry_t *out);
/* vc_get for n ids at once, their memory reads overlapped; found[i] tells whether out[i] was filled. The count found. */
size_t vc_get_many(viewcache_t *vc, const int64_t *ids, size_t n, arena_t *a, vc_entry_t *out, bool *found);
/* Adds or replaces the entry of id; too large a text is not kept. */
void vc_put(viewcache_t *vc, int64_t id, const vc_entry_t *e);
/* Forgets the entry of id, e.g. when it was found stale. */
void vc_drop(viewcache_t *vc, int64_t id);

typedef struct {
    uint64_t hits, misses, entries, bytes;
} vc_stats_t;
void vc_stats(viewcache_t *vc, vc_stats_t *out);

#endif
