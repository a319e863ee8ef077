/*
 * test_retention.c — every declared period is enforced by the sweep (F2):
 * footprints, search history and addresses tied to users go after 30 days,
 * codes and rate-limit keys after a day, audit entries only after 180 days
 * of real time; values inside their period stay.
 */
#include "support.h"
#include "base/result.h"
#include "privacy/audit.h"
#include "privacy/retention.h"
#include <string.h>

#define DAY 86400

static int count(env_t *e, const char *sql)
{
    sqlite3_stmt *st;
    int n = -1;
    sqlite3_prepare_v2(db_handle(e->db), sql, -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void exec(env_t *e, const char *sql)
{
    assert_int_equal(db_exec(e->db, sql), 0);
}

static void seed(env_t *e, int64_t t0)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO users(id, phone_bi, phone, policy_version, created_at, updated_at) VALUES "
             "(1, zeroblob(32), X'4C31', 1, %lld, %lld);"
             "INSERT INTO browse_history(user_id, listing_id, ip, at) VALUES (1, 7, X'4C31', %lld), (1, 8, X'4C31', %lld);"
             "INSERT INTO search_history(user_id, query, ip, at) VALUES (1, X'4C31', NULL, %lld), (1, X'4C31', NULL, %lld);"
             "INSERT INTO sessions(user_id, token_hash, created_at, last_seen, expires_at, ip, user_agent) VALUES "
             "(1, X'01', %lld, %lld, %lld, X'4C31', X'4C31');"
             "INSERT INTO sms_codes(phone_bi, purpose, code_hash, created_at, expires_at) VALUES "
             "(zeroblob(32), 'login', zeroblob(32), %lld, %lld), (zeroblob(32), 'login', zeroblob(32), %lld, %lld);",
             (long long)t0, (long long)t0, (long long)(t0 - 31 * DAY), (long long)(t0 - 29 * DAY),
             (long long)(t0 - 31 * DAY), (long long)(t0 - 29 * DAY), (long long)(t0 - 31 * DAY), (long long)(t0 - DAY),
             (long long)(t0 + 59 * DAY), (long long)(t0 - 2 * DAY), (long long)(t0 - 2 * DAY + 300),
             (long long)(t0 - 3600), (long long)t0);
    exec(e, sql);
}

static void test_F2_footprints_searches_and_ips_older_than_30_days_are_gone(void **state)
{
    env_t *e = *state;
    retention_report_t r;
    seed(e, e->ctx.now);
    assert_int_equal(retention_run(&e->ctx, &r), LL_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM browse_history"), 1);
    assert_int_equal(count(e, "SELECT listing_id FROM browse_history"), 8); /* the 29-day-old one stays */
    assert_int_equal(count(e, "SELECT count(*) FROM search_history"), 1);
    /* the session lives on (90 days), but its address and device are cleared after 30 */
    assert_int_equal(count(e, "SELECT count(*) FROM sessions"), 1);
    assert_int_equal(count(e, "SELECT count(*) FROM sessions WHERE ip IS NULL AND user_agent IS NULL"), 1);
    assert_int_equal(count(e, "SELECT count(*) FROM sms_codes"), 1); /* codes go after a day */
    assert_true(r.rows_deleted >= 3);
    assert_true(r.values_cleared >= 2);
}

static void test_F2_nothing_inside_its_period_is_touched(void **state)
{
    env_t *e = *state;
    retention_report_t r;
    seed(e, e->ctx.now);
    e->ctx.now -= 2 * DAY; /* the sweep ran two days earlier */
    assert_int_equal(retention_run(&e->ctx, &r), LL_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM browse_history"), 2);
    assert_int_equal(count(e, "SELECT count(*) FROM sessions WHERE ip IS NOT NULL"), 1);
}

static void test_F5_audit_entries_survive_a_clock_set_far_ahead(void **state)
{
    env_t *e = *state;
    retention_report_t r;
    assert_int_equal(audit_append(&e->ctx, "auth.login", 1, 1, NULL), 0);
    e->ctx.now += 400 * DAY; /* an injected clock cannot shorten a period the law sets */
    assert_int_equal(retention_run(&e->ctx, &r), LL_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM audit_log"), 1);
}

static void test_expired_sessions_end(void **state)
{
    env_t *e = *state;
    retention_report_t r;
    seed(e, e->ctx.now);
    e->ctx.now += 15 * DAY; /* idle longer than 14 days */
    assert_int_equal(retention_run(&e->ctx, &r), LL_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM sessions"), 0);
    assert_int_equal(r.sessions_ended, 1);
}


#define T(f) cmocka_unit_test_setup_teardown(f, support_env_setup, support_env_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_F2_footprints_searches_and_ips_older_than_30_days_are_gone),
        T(test_F2_nothing_inside_its_period_is_touched),
        T(test_F5_audit_entries_survive_a_clock_set_far_ahead),
        T(test_expired_sessions_end),
    };
    return cmocka_run_group_tests_name("retention", tests, NULL, NULL);
}
