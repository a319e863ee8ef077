/* test_viewcache.c — the shared copies of rendered views: exact copies, replacement, the byte budget (B8). */
#include "support.h"
#include "store/viewcache.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vc_entry_t entry(const char *text, int64_t city, int64_t epoch)
{
    return (vc_entry_t){text, strlen(text), city, epoch, 1234};
}

static void test_B8_a_copy_comes_back_exactly(void **state)
{
    (void)state;
    viewcache_t *vc = vc_new(1 << 20);
    arena_t *a = arena_new(4096);
    vc_entry_t e = entry("{\"id\":7,\"title\":\"搬家\"}", 1101, 3), got;
    vc_put(vc, 7, &e);
    assert_false(vc_get(vc, 8, a, &got));
    assert_true(vc_get(vc, 7, a, &got));
    assert_string_equal(got.text, e.text);
    assert_int_equal(got.len, e.len);
    assert_int_equal(got.city, 1101);
    assert_int_equal(got.epoch, 3);
    assert_int_equal(got.expires_at, 1234);
    /* a put replaces; a drop forgets */
    vc_entry_t newer = entry("{\"id\":7,\"title\":\"搬家公司\"}", 1101, 4);
    vc_put(vc, 7, &newer);
    assert_true(vc_get(vc, 7, a, &got));
    assert_string_equal(got.text, newer.text);
    assert_int_equal(got.epoch, 4);
    vc_drop(vc, 7);
    assert_false(vc_get(vc, 7, a, &got));
    vc_stats_t st;
    vc_stats(vc, &st);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.bytes, 0);
    arena_free(a);
    vc_free(vc);
}

static void test_B8_the_budget_holds_and_the_least_recent_go_first(void **state)
{
    (void)state;
    const size_t budget = 256 << 10;
    viewcache_t *vc = vc_new(budget);
    arena_t *a = arena_new(1 << 16);
    char text[400];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    vc_entry_t e = entry(text, 1, 1), got;
    vc_put(vc, 1, &e);
    for (int64_t id = 2; id <= 5000; id++) {
        assert_true(vc_get(vc, 1, a, &got)); /* id 1 stays the most recently used */
        vc_put(vc, id, &e);
    }
    vc_stats_t st;
    vc_stats(vc, &st);
    assert_true(st.bytes <= budget);
    assert_true(st.entries > 100 && st.entries < 5000); /* full, not overfull */
    assert_true(vc_get(vc, 1, a, &got));
    assert_true(vc_get(vc, 5000, a, &got));
    assert_false(vc_get(vc, 2, a, &got)); /* the oldest were evicted */
    arena_free(a);
    vc_free(vc);
}

static void test_B8_no_budget_is_no_cache_and_huge_texts_are_not_kept(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    vc_entry_t got, e = entry("{}", 1, 1);
    assert_null(vc_new(0));
    vc_put(NULL, 1, &e); /* every call accepts "no cache" */
    assert_false(vc_get(NULL, 1, a, &got));
    vc_drop(NULL, 1);
    viewcache_t *vc = vc_new(1 << 20);
    static char big[20000];
    memset(big, 'y', sizeof big - 1);
    vc_entry_t b = entry(big, 1, 1);
    vc_put(vc, 9, &b);
    assert_false(vc_get(vc, 9, a, &got));
    arena_free(a);
    vc_free(vc);
}

/* Drops shift later entries of a probe run back: after any mix of puts and drops, exactly the live ids are found. */
static void test_B8_drops_keep_every_other_entry_reachable(void **state)
{
    (void)state;
    enum { IDS = 4000 };
    viewcache_t *vc = vc_new(64 << 20); /* room for all: nothing is evicted, so the model is exact */
    arena_t *a = arena_new(1 << 16);
    static bool live[IDS];
    memset(live, 0, sizeof live);
    srand(7);
    char text[32];
    vc_entry_t got;
    for (int round = 0; round < 40000; round++) {
        int64_t id = rand() % IDS;
        if (rand() % 3) {
            snprintf(text, sizeof text, "card-%lld", (long long)id);
            vc_entry_t e = entry(text, 1, 1);
            vc_put(vc, id, &e);
            live[id] = true;
        } else {
            vc_drop(vc, id);
            live[id] = false;
        }
    }
    for (int64_t id = 0; id < IDS; id++) {
        assert_int_equal(vc_get(vc, id, a, &got), live[id]);
        if (!live[id]) continue;
        snprintf(text, sizeof text, "card-%lld", (long long)id);
        assert_string_equal(got.text, text);
    }
    /* a page at a time, as a search asks: the same answers */
    int64_t ids[21];
    vc_entry_t outs[21];
    bool found[21];
    for (int64_t first = 0; first + 21 <= IDS; first += 21) {
        size_t want = 0;
        for (int i = 0; i < 21; i++) ids[i] = (first * 7919 + i * 104729) % IDS, want += live[ids[i]];
        assert_int_equal(vc_get_many(vc, ids, 21, a, outs, found), want);
        for (int i = 0; i < 21; i++) {
            assert_int_equal(found[i], live[ids[i]]);
            if (!found[i]) continue;
            snprintf(text, sizeof text, "card-%lld", (long long)ids[i]);
            assert_string_equal(outs[i].text, text);
        }
    }
    arena_free(a);
    vc_free(vc);
}

typedef struct {
    viewcache_t *vc;
    int seed, wrong;
} hammer_t;

/* Reads and writes from several threads on a small cache: every copy read is the text put for that id. */
static void *hammer(void *arg)
{
    hammer_t *h = arg;
    arena_t *a = arena_new(1 << 16);
    unsigned r = (unsigned)h->seed;
    char text[64];
    vc_entry_t got;
    for (int i = 0; i < 50000; i++) {
        int64_t id = rand_r(&r) % 3000;
        snprintf(text, sizeof text, "%lld:%0*d", (long long)id, (int)(id % 40), 0);
        if (rand_r(&r) % 4 == 0) {
            vc_entry_t e = entry(text, id, id);
            vc_put(h->vc, id, &e);
        } else if (vc_get(h->vc, id, a, &got)) {
            h->wrong += strcmp(got.text, text) != 0 || got.city != id;
        }
        if (i % 1000 == 999) {
            arena_free(a);
            a = arena_new(1 << 16);
        }
    }
    arena_free(a);
    return NULL;
}

static void test_B8_concurrent_readers_and_writers_see_whole_entries(void **state)
{
    (void)state;
    viewcache_t *vc = vc_new(256 << 10); /* far smaller than the ids: evictions all along */
    pthread_t t[4];
    hammer_t h[4];
    for (int i = 0; i < 4; i++) {
        h[i] = (hammer_t){vc, i + 1, 0};
        pthread_create(&t[i], NULL, hammer, &h[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(h[i].wrong, 0);
    }
    vc_stats_t st;
    vc_stats(vc, &st);
    assert_true(st.bytes <= 256 << 10);
    assert_true(st.hits > 0 && st.misses > 0);
    vc_free(vc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_B8_a_copy_comes_back_exactly),
        cmocka_unit_test(test_B8_the_budget_holds_and_the_least_recent_go_first),
        cmocka_unit_test(test_B8_no_budget_is_no_cache_and_huge_texts_are_not_kept),
        cmocka_unit_test(test_B8_drops_keep_every_other_entry_reachable),
        cmocka_unit_test(test_B8_concurrent_readers_and_writers_see_whole_entries),
    };
    return cmocka_run_group_tests_name("viewcache", tests, NULL, NULL);
}
