/*
 * test_service_plan.c — a nearby service search reads the R*Tree of reach
 * boxes and then each service by its key (B9; STYLE: "each hot query has a
 * test that its plan uses the intended index"); it never scans services.
 */
#include "support.h"
#include "domain/service.h"
#include "store/db.h"
#include <stdio.h>
#include <string.h>

static void plan_of(env_t *e, const char *sql, char *buf, size_t n)
{
    char q[2048];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db_handle(e->db), q, -1, &st, NULL), SQLITE_OK);
    buf[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        strncat(buf, (const char *)sqlite3_column_text(st, 3), n - strlen(buf) - 2);
        strcat(buf, "\n");
    }
    sqlite3_finalize(st);
}

static void test_B9_services_near_walk_the_rtree_then_rows_by_key(void **state)
{
    env_t *e = *state;
    char buf[2048];
    plan_of(e, svc_near_sql(), buf, sizeof buf);
    assert_non_null(strstr(buf, "SCAN g VIRTUAL TABLE INDEX"));
    assert_non_null(strstr(buf, "SEARCH s USING INTEGER PRIMARY KEY"));
    assert_non_null(strstr(buf, "SEARCH m USING INTEGER PRIMARY KEY"));
    assert_null(strstr(buf, "SCAN s")); /* the box narrows first: no walk over every service */
    assert_null(strstr(buf, "SCAN m"));
}

/* The slot count reads the (service, time) index: counting a slot never walks a service's whole history. */
static void test_slot_count_uses_orders_by_slot(void **state)
{
    env_t *e = *state;
    char buf[1024];
    plan_of(e,
            "SELECT count(*) FROM orders WHERE service_id = ?1 AND slot_at >= ?2 AND slot_at < ?3 "
            "AND status NOT IN ('cancelled','refunded')",
            buf, sizeof buf);
    assert_non_null(strstr(buf, "USING INDEX orders_by_slot (service_id=? AND slot_at>? AND slot_at<?)"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, support_env_setup, support_env_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_B9_services_near_walk_the_rtree_then_rows_by_key),
        T(test_slot_count_uses_orders_by_slot),
    };
    return cmocka_run_group_tests_name("service_plan", tests, NULL, NULL);
}
