/*
 * test_search_plan.c — each hot search uses the index designed for it
 * (STYLE: "each hot query has a test that its plan uses the intended index"),
 * and none sorts its rows in a temporary B-tree.
 */
#include "support.h"
#include "domain/search.h"
#include "domain/resume.h"
#include "store/db.h"
#include <stdio.h>
#include <string.h>

static void plan(env_t *e, search_params_t *p, char *buf, size_t n)
{
    if (!p->limit) p->limit = 20;
    assert_int_equal(search_plan(&e->ctx, p, buf, n), 0);
}

static void test_keyword_city_category_newest_walks_the_full_text_index(void **state)
{
    env_t *e = *state;
    char buf[2048];
    search_params_t p = {.q = "搬家", .city = 1101, .cat = cat_find("services"), .sort = SORT_NEWEST};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "SCAN f VIRTUAL TABLE INDEX"));
    assert_non_null(strstr(buf, "SEARCH l USING INTEGER PRIMARY KEY"));
    assert_null(strstr(buf, "TEMP B-TREE")); /* newest first comes from the index order, not a sort */
}

static void test_browse_city_category_uses_listings_browse(void **state)
{
    env_t *e = *state;
    char buf[2048];
    search_params_t p = {.city = 1101, .cat = cat_find("housing"), .sort = SORT_NEWEST};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "USING INDEX listings_browse"));
    assert_null(strstr(buf, "TEMP B-TREE"));
}

static void test_browse_city_uses_listings_city(void **state)
{
    env_t *e = *state;
    char buf[2048];
    search_params_t p = {.city = 1101, .sort = SORT_NEWEST};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "USING INDEX listings_city"));
    assert_null(strstr(buf, "TEMP B-TREE"));
}

static void test_nearby_uses_the_rtree(void **state)
{
    env_t *e = *state;
    char buf[2048];
    search_params_t p = {.has_near = true, .lat = 39.96, .lng = 116.3, .radius_km = 5, .cat = cat_find("services"),
                         .sort = SORT_DISTANCE};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "SCAN g VIRTUAL TABLE INDEX"));
    assert_non_null(strstr(buf, "SEARCH l USING INTEGER PRIMARY KEY"));
    assert_null(strstr(buf, "SCAN l")); /* the box narrows first; only its rows are sorted by distance */
}

/* The API's searches (cards): the statement reads the index alone (ids; each card comes from lidx_view by its
 * key, mostly from the shared copies); neither listings nor listing_cards rows are read by it. Both parts of the
 * full text are walked in their own order and merged, by date and by relevance: no sort of all the matches. */
static void test_B8_keyword_cards_walk_both_parts_in_order_and_read_them_alone(void **state)
{
    env_t *e = *state;
    char buf[2048];
    search_params_t p = {.q = "搬家", .city = 1101, .cat = cat_find("services"), .sort = SORT_NEWEST, .cards = true};
    for (int by_rank = 0; by_rank < 2; by_rank++) {
        p.sort = by_rank ? SORT_RELEVANCE : SORT_NEWEST;
        plan(e, &p, buf, sizeof buf);
        assert_non_null(strstr(buf, "MERGE (UNION ALL)"));
        assert_non_null(strstr(buf, "SCAN listings_fts VIRTUAL TABLE INDEX"));
        assert_non_null(strstr(buf, "SCAN listings_fts_new VIRTUAL TABLE INDEX"));
        assert_null(strstr(buf, " c "));
        assert_null(strstr(buf, " l "));
        assert_null(strstr(buf, "TEMP B-TREE"));
    }
}

/* With a filter on the row (price), each part still drives its own leg in date order. */
static void test_B8_keyword_rows_merge_both_parts_in_date_order(void **state)
{
    env_t *e = *state;
    char buf[4096];
    search_params_t p = {.q = "搬家", .city = 1101, .cat = cat_find("services"), .sort = SORT_NEWEST, .cards = true,
                         .has_max = true, .price_max = 100000};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "MERGE (UNION ALL)"));
    char *first = strstr(buf, "SCAN f VIRTUAL TABLE INDEX");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "SCAN f VIRTUAL TABLE INDEX"));
    assert_null(strstr(buf, "TEMP B-TREE"));
}

static void test_B8_browse_cards_use_listing_cards_browse(void **state)
{
    env_t *e = *state;
    char buf[2048];
    search_params_t p = {.city = 1101, .cat = cat_find("housing"), .sort = SORT_NEWEST, .cards = true};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "USING COVERING INDEX listing_cards_browse"));
    assert_null(strstr(buf, "TEMP B-TREE"));
    p.cat = NULL;
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "USING COVERING INDEX listing_cards_city"));
    assert_null(strstr(buf, "TEMP B-TREE"));
}

/* Nearby newest: each cell of listings_near walked by its key, the legs merged in id order, no sort. */
static void test_B9_nearby_newest_merges_cells_walked_by_their_keys(void **state)
{
    env_t *e = *state;
    char buf[8192];
    search_params_t p = {.has_near = true, .lat = 39.96, .lng = 116.3, .radius_km = 5, .cat = cat_find("services"),
                         .sort = SORT_NEWEST, .cards = true};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "MERGE (UNION ALL)"));
    assert_non_null(strstr(buf, "SEARCH listings_near USING PRIMARY KEY (cell=? AND cat=? AND id<?)"));
    assert_null(strstr(buf, " c "));
    assert_null(strstr(buf, "TEMP B-TREE FOR RIGHT PART OF ORDER BY"));
    assert_null(strstr(buf, " l "));
}

/* By distance, or past 10 km: category and box both constrain the tree (6 constraints). */
static void test_B9_nearby_by_distance_ranks_the_tree_points_alone(void **state)
{
    env_t *e = *state;
    char buf[2048];
    search_params_t p = {.has_near = true, .lat = 39.96, .lng = 116.3, .radius_km = 30, .cat = cat_find("services"),
                         .sort = SORT_NEWEST, .cards = true};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "SCAN g VIRTUAL TABLE INDEX 2:D0B1D2B3D4B5"));
    assert_null(strstr(buf, " c "));
    assert_null(strstr(buf, " l "));
    p.radius_km = 5, p.sort = SORT_DISTANCE;
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "SCAN g VIRTUAL TABLE INDEX 2:D0B1D2B3D4B5"));
}

/* A filter on the row (price) falls back to the listings path, which still narrows by the index. */
static void test_B8_price_filter_falls_back_to_rows(void **state)
{
    env_t *e = *state;
    char buf[2048];
    search_params_t p = {.city = 1101, .cat = cat_find("housing"), .sort = SORT_NEWEST, .cards = true,
                         .has_max = true, .price_max = 100000};
    plan(e, &p, buf, sizeof buf);
    assert_non_null(strstr(buf, "USING INDEX listings_browse"));
}
/* C6: the resume search walks the index of public resumes newest first, with or without a city. */
static void resume_plan(env_t *e, bool by_city, char *buf, size_t n)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", resume_search_sql(by_city));
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db_handle(e->db), sql, -1, &st, NULL), SQLITE_OK);
    buf[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        strncat(buf, (const char *)sqlite3_column_text(st, 3), n - strlen(buf) - 2);
        strcat(buf, "\n");
    }
    sqlite3_finalize(st);
}

static void test_C6_resume_search_uses_its_indexes_without_sorting(void **state)
{
    env_t *e = *state;
    char buf[1024];
    resume_plan(e, true, buf, sizeof buf);
    assert_non_null(strstr(buf, "USING INDEX resumes_public (visibility=? AND city=?)"));
    assert_null(strstr(buf, "TEMP B-TREE"));
    resume_plan(e, false, buf, sizeof buf);
    assert_non_null(strstr(buf, "USING INDEX resumes_by_visibility (visibility=?)"));
    assert_null(strstr(buf, "TEMP B-TREE"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, support_env_setup, support_env_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_keyword_city_category_newest_walks_the_full_text_index),
        T(test_browse_city_category_uses_listings_browse),
        T(test_browse_city_uses_listings_city),
        T(test_nearby_uses_the_rtree),
        T(test_B8_keyword_cards_walk_both_parts_in_order_and_read_them_alone),
        T(test_B8_keyword_rows_merge_both_parts_in_date_order),
        T(test_B8_browse_cards_use_listing_cards_browse),
        T(test_B9_nearby_newest_merges_cells_walked_by_their_keys),
        T(test_B9_nearby_by_distance_ranks_the_tree_points_alone),
        T(test_B8_price_filter_falls_back_to_rows),
        T(test_C6_resume_search_uses_its_indexes_without_sorting),
    };
    return cmocka_run_group_tests_name("search_plan", tests, NULL, NULL);
}
