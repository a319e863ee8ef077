/*
 * viewcache.c — the shared cache of rendered views (viewcache.h).
 *
 * SHARDS independent parts, each an open-addressing table (linear probing,
 * backward-shift deletion, so no tombstones) under its own read-write lock.
 * A search reads twenty entries per request from every worker at once, so a
 * lookup must not write shared state: it takes the lock for reading, sets the
 * entry's reference bit and copies the text out. Eviction is CLOCK (second
 * chance) over the table's slots: an entry read since the hand last passed
 * survives one more round. Profiled under wrk (session 4), the LRU list this
 * replaces cost four cache misses and a mutex hand-off per lookup, 14% of a
 * keyword search's CPU.
 *
 * Each part keeps to its share of the byte budget, its slot array included;
 * the slot count also caps the number of entries (at 3/4 load).
 */
#include "store/viewcache.h"
#include "base/mem.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define SHARDS      16
#define MAX_TEXT    16384
#define SLOT_BUDGET 192 /* bytes of budget per slot: a card with its header is about twice that */

typedef struct {
    atomic_bool ref; /* read since the clock hand last passed */
    int64_t city, epoch, expires_at;
    size_t len;
    char text[];
} entry_t;

typedef struct {
    uint64_t key;
    entry_t *e; /* NULL: the slot is free */
} slot_t;

typedef struct {
    pthread_rwlock_t lock;
    slot_t *slot;
    size_t mask, hand;
    size_t bytes, max_bytes, entries, max_entries;
} shard_t;

struct viewcache {
    shard_t shard[SHARDS];
    atomic_uint_fast64_t hits, misses;
};

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static shard_t *shard_of(viewcache_t *vc, uint64_t key)
{
    return &vc->shard[mix(key) % SHARDS];
}

static size_t home_of(const shard_t *s, uint64_t key)
{
    return (size_t)(mix(key) / SHARDS) & s->mask;
}

static size_t cost(size_t len)
{
    return sizeof(entry_t) + len + 1;
}

/* The slot holding key, or the free slot ending its probe sequence. */
static size_t probe(const shard_t *s, uint64_t key)
{
    size_t i = home_of(s, key);
    while (s->slot[i].e && s->slot[i].key != key) i = (i + 1) & s->mask;
    return i;
}

static int shard_init(shard_t *s, size_t max_bytes)
{
    size_t n = 64;
    while (n * SLOT_BUDGET < max_bytes) n <<= 1;
    if (n * sizeof(slot_t) >= max_bytes) return -1;
    pthread_rwlock_init(&s->lock, NULL);
    s->slot = mem_calloc(n, sizeof(slot_t));
    s->mask = n - 1;
    s->max_bytes = max_bytes - n * sizeof(slot_t);
    s->max_entries = n / 4 * 3;
    return 0;
}

viewcache_t *vc_new(size_t max_bytes)
{
    if (max_bytes == 0) return NULL;
    viewcache_t *vc = mem_calloc(1, sizeof(*vc));
    for (int i = 0; i < SHARDS; i++) {
        if (shard_init(&vc->shard[i], max_bytes / SHARDS)) {
            vc_free(vc);
            return NULL;
        }
    }
    return vc;
}

void vc_free(viewcache_t *vc)
{
    if (!vc) return;
    for (int i = 0; i < SHARDS; i++) {
        shard_t *s = &vc->shard[i];
        if (!s->slot) continue;
        for (size_t j = 0; j <= s->mask; j++) free(s->slot[j].e);
        free(s->slot);
        pthread_rwlock_destroy(&s->lock);
    }
    free(vc);
}

/* Frees slot i's entry and shifts later members of its cluster back, so every key stays reachable from its home. */
static void remove_at(shard_t *s, size_t i)
{
    s->bytes -= cost(s->slot[i].e->len);
    s->entries--;
    free(s->slot[i].e);
    for (size_t j = (i + 1) & s->mask; s->slot[j].e; j = (j + 1) & s->mask) {
        size_t home = home_of(s, s->slot[j].key);
        /* j's entry may move to i only if its home is not cyclically within (i, j] */
        bool stays = i < j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays) continue;
        s->slot[i] = s->slot[j];
        i = j;
    }
    s->slot[i] = (slot_t){0};
}

/* CLOCK: the hand clears reference bits until it meets an entry not read since its last pass. */
static void evict_one(shard_t *s)
{
    for (;;) {
        entry_t *e = s->slot[s->hand].e;
        if (e && !atomic_exchange_explicit(&e->ref, false, memory_order_relaxed)) {
            remove_at(s, s->hand); /* the slot may now hold a shifted entry: it is looked at next */
            return;
        }
        s->hand = (s->hand + 1) & s->mask;
    }
}

/* Copies e out and marks it read; under the shard's shared lock. */
static void copy_out(entry_t *e, arena_t *a, vc_entry_t *out)
{
    if (!atomic_load_explicit(&e->ref, memory_order_relaxed)) atomic_store_explicit(&e->ref, true, memory_order_relaxed);
    char *t = arena_alloc(a, e->len + 1);
    memcpy(t, e->text, e->len + 1);
    *out = (vc_entry_t){t, e->len, e->city, e->epoch, e->expires_at};
}

/*
 * Three passes so that the cache misses of a page of results overlap instead
 * of following one another: prefetch every home slot, then (under the shared
 * locks of the shards involved, taken in shard order) find every entry and
 * prefetch it, then copy them out.
 */
size_t vc_get_many(viewcache_t *vc, const int64_t *ids, size_t n, arena_t *a, vc_entry_t *out, bool *found)
{
    memset(found, 0, n * sizeof(*found));
    if (!vc || n == 0) return 0;
    entry_t **e = arena_alloc(a, n * sizeof(*e));
    unsigned locked = 0;
    for (size_t i = 0; i < n; i++) {
        shard_t *s = shard_of(vc, (uint64_t)ids[i]);
        __builtin_prefetch(&s->slot[home_of(s, (uint64_t)ids[i])]);
        locked |= 1u << (s - vc->shard);
    }
    for (int k = 0; k < SHARDS; k++)
        if (locked & (1u << k)) pthread_rwlock_rdlock(&vc->shard[k].lock);
    for (size_t i = 0; i < n; i++) {
        shard_t *s = shard_of(vc, (uint64_t)ids[i]);
        if ((e[i] = s->slot[probe(s, (uint64_t)ids[i])].e)) __builtin_prefetch(e[i]);
    }
    size_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        if (!e[i]) continue;
        copy_out(e[i], a, &out[i]);
        found[i] = true;
        hits++;
    }
    for (int k = 0; k < SHARDS; k++) {
        if (!(locked & (1u << k))) continue;
        pthread_rwlock_unlock(&vc->shard[k].lock);
    }
    atomic_fetch_add_explicit(&vc->hits, hits, memory_order_relaxed);
    atomic_fetch_add_explicit(&vc->misses, n - hits, memory_order_relaxed);
    return hits;
}

bool vc_get(viewcache_t *vc, int64_t id, arena_t *a, vc_entry_t *out)
{
    bool found;
    vc_get_many(vc, &id, 1, a, out, &found);
    return found;
}

void vc_put(viewcache_t *vc, int64_t id, const vc_entry_t *in)
{
    if (!vc || in->len > MAX_TEXT) return;
    uint64_t key = (uint64_t)id;
    shard_t *s = shard_of(vc, key);
    size_t need = cost(in->len);
    entry_t *e = mem_alloc(need);
    e->city = in->city, e->epoch = in->epoch, e->expires_at = in->expires_at, e->len = in->len;
    atomic_init(&e->ref, false);
    memcpy(e->text, in->text, in->len);
    e->text[in->len] = '\0';
    pthread_rwlock_wrlock(&s->lock);
    size_t i = probe(s, key);
    if (s->slot[i].e) remove_at(s, i);
    while (s->entries && (s->entries >= s->max_entries || s->bytes + need > s->max_bytes)) evict_one(s);
    if (need <= s->max_bytes) {
        s->slot[probe(s, key)] = (slot_t){key, e};
        s->bytes += need;
        s->entries++;
        e = NULL;
    }
    pthread_rwlock_unlock(&s->lock);
    free(e);
}

void vc_drop(viewcache_t *vc, int64_t id)
{
    if (!vc) return;
    shard_t *s = shard_of(vc, (uint64_t)id);
    pthread_rwlock_wrlock(&s->lock);
    size_t i = probe(s, (uint64_t)id);
    if (s->slot[i].e) remove_at(s, i);
    pthread_rwlock_unlock(&s->lock);
}

void vc_stats(viewcache_t *vc, vc_stats_t *out)
{
    *out = (vc_stats_t){0};
    if (!vc) return;
    for (int i = 0; i < SHARDS; i++) {
        shard_t *s = &vc->shard[i];
        pthread_rwlock_rdlock(&s->lock);
        out->entries += s->entries, out->bytes += s->bytes;
        pthread_rwlock_unlock(&s->lock);
    }
    out->hits = atomic_load(&vc->hits), out->misses = atomic_load(&vc->misses);
}
