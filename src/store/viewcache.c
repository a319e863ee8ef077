/*
 * viewcache.c — the shared cache of rendered views (viewcache.h).
 *
 * SHARDS independent parts, each a chained hash table and an LRU list under
 * its own mutex, so the workers rarely wait on each other; each part keeps
 * to its share of the byte budget. The critical sections only link, unlink
 * and copy: a lookup copies the text out under the lock, so an entry can be
 * freed by the next put without anyone holding a pointer into it.
 */
#include "store/viewcache.h"
#include "base/mem.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SHARDS   16
#define BUCKETS  8192 /* per shard, a power of two */
#define MAX_TEXT 16384

typedef struct entry {
    struct entry *hnext;       /* bucket chain */
    struct entry *prev, *next; /* LRU list, most recent first */
    uint64_t key;
    int64_t city, epoch, expires_at;
    size_t len;
    char text[];
} entry_t;

typedef struct {
    pthread_mutex_t mu;
    entry_t *bucket[BUCKETS];
    entry_t *head, *tail;
    size_t bytes, max_bytes;
    uint64_t hits, misses, entries;
} shard_t;

struct viewcache {
    shard_t shard[SHARDS];
};

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static shard_t *shard_of(viewcache_t *vc, uint64_t h)
{
    return &vc->shard[h % SHARDS];
}

static size_t cost(const entry_t *e)
{
    return sizeof(*e) + e->len + 1;
}

viewcache_t *vc_new(size_t max_bytes)
{
    if (max_bytes == 0) return NULL;
    viewcache_t *vc = mem_calloc(1, sizeof(*vc));
    for (int i = 0; i < SHARDS; i++) {
        pthread_mutex_init(&vc->shard[i].mu, NULL);
        vc->shard[i].max_bytes = max_bytes / SHARDS;
    }
    return vc;
}

void vc_free(viewcache_t *vc)
{
    if (!vc) return;
    for (int i = 0; i < SHARDS; i++) {
        for (entry_t *e = vc->shard[i].head, *n; e; e = n) {
            n = e->next;
            free(e);
        }
        pthread_mutex_destroy(&vc->shard[i].mu);
    }
    free(vc);
}

static void lru_unlink(shard_t *s, entry_t *e)
{
    if (e->prev) e->prev->next = e->next;
    else s->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else s->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push(shard_t *s, entry_t *e)
{
    e->prev = NULL;
    e->next = s->head;
    if (s->head) s->head->prev = e;
    s->head = e;
    if (!s->tail) s->tail = e;
}

/* The link that points at key's entry (or at the NULL ending its chain). */
static entry_t **find(shard_t *s, uint64_t h, uint64_t key)
{
    entry_t **p = &s->bucket[(h / SHARDS) & (BUCKETS - 1)];
    while (*p && (*p)->key != key) p = &(*p)->hnext;
    return p;
}

/* Unlinks and frees the entry *p points at. */
static void remove_at(shard_t *s, entry_t **p)
{
    entry_t *e = *p;
    *p = e->hnext;
    lru_unlink(s, e);
    s->bytes -= cost(e);
    s->entries--;
    free(e);
}

bool vc_get(viewcache_t *vc, int64_t id, arena_t *a, vc_entry_t *out)
{
    if (!vc) return false;
    uint64_t key = (uint64_t)id, h = mix(key);
    shard_t *s = shard_of(vc, h);
    pthread_mutex_lock(&s->mu);
    entry_t *e = *find(s, h, key);
    if (e) {
        lru_unlink(s, e);
        lru_push(s, e);
        char *t = arena_alloc(a, e->len + 1);
        memcpy(t, e->text, e->len + 1);
        *out = (vc_entry_t){t, e->len, e->city, e->epoch, e->expires_at};
        s->hits++;
    } else {
        s->misses++;
    }
    pthread_mutex_unlock(&s->mu);
    return e != NULL;
}

void vc_put(viewcache_t *vc, int64_t id, const vc_entry_t *in)
{
    if (!vc || in->len > MAX_TEXT) return;
    uint64_t key = (uint64_t)id, h = mix(key);
    shard_t *s = shard_of(vc, h);
    entry_t *e = mem_alloc(sizeof(*e) + in->len + 1);
    *e = (entry_t){.key = key, .city = in->city, .epoch = in->epoch, .expires_at = in->expires_at, .len = in->len};
    memcpy(e->text, in->text, in->len);
    e->text[in->len] = '\0';
    pthread_mutex_lock(&s->mu);
    entry_t **p = find(s, h, key);
    if (*p) remove_at(s, p);
    while (s->tail && s->bytes + cost(e) > s->max_bytes) remove_at(s, find(s, mix(s->tail->key), s->tail->key));
    if (cost(e) <= s->max_bytes) {
        e->hnext = NULL;
        *find(s, h, key) = e;
        lru_push(s, e);
        s->bytes += cost(e);
        s->entries++;
        e = NULL;
    }
    pthread_mutex_unlock(&s->mu);
    free(e);
}

void vc_drop(viewcache_t *vc, int64_t id)
{
    if (!vc) return;
    uint64_t key = (uint64_t)id, h = mix(key);
    shard_t *s = shard_of(vc, h);
    pthread_mutex_lock(&s->mu);
    entry_t **p = find(s, h, key);
    if (*p) remove_at(s, p);
    pthread_mutex_unlock(&s->mu);
}

void vc_stats(viewcache_t *vc, vc_stats_t *out)
{
    *out = (vc_stats_t){0};
    if (!vc) return;
    for (int i = 0; i < SHARDS; i++) {
        shard_t *s = &vc->shard[i];
        pthread_mutex_lock(&s->mu);
        out->hits += s->hits, out->misses += s->misses, out->entries += s->entries, out->bytes += s->bytes;
        pthread_mutex_unlock(&s->mu);
    }
}
