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
        T(test_C6_resume_search_uses_its_indexes_without_sorting),
    };
    return cmocka_run_group_tests_name("search_plan", tests, NULL, NULL);
}
