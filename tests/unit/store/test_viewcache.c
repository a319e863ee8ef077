/* test_viewcache.c — the shared copies of rendered views: exact copies, replacement, the byte budget (B8). */
#include "support.h"
#include "store/viewcache.h"
#include <stdio.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_B8_a_copy_comes_back_exactly),
        cmocka_unit_test(test_B8_the_budget_holds_and_the_least_recent_go_first),
        cmocka_unit_test(test_B8_no_budget_is_no_cache_and_huge_texts_are_not_kept),
    };
    return cmocka_run_group_tests_name("viewcache", tests, NULL, NULL);
}
