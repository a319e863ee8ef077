/* test_check.c — `linli audit` finds each planted violation of the declarations (F3). */
#include "support.h"
#include "privacy/check.h"
#include <stdio.h>
#include <string.h>

static int run(int (*check)(db_t *, FILE *), env_t *e, char *buf, size_t n)
{
    FILE *f = fmemopen(buf, n, "w");
    int res = check(e->db, f);
    fclose(f);
    return res;
}

static void test_clean_database_has_no_findings(void **state)
{
    env_t *e = *state;
    char buf[4096] = "";
    assert_int_equal(run(check_schema, e, buf, sizeof buf), 0);
    assert_int_equal(run(check_sealed, e, buf, sizeof buf), 0);
}

static void test_F3_plaintext_phone_is_reported(void **state)
{
    env_t *e = *state;
    char buf[4096] = "";
    assert_int_equal(db_exec(e->db, "INSERT INTO users(phone_bi, phone, dek, policy_version, created_at, updated_at) "
                                    "VALUES (zeroblob(32), '13800138000', zeroblob(78), 1, 0, 0)"), 0);
    assert_int_equal(run(check_sealed, e, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "plaintext-pi: 1 rows of users.phone"));
}

static void test_undeclared_column_is_reported(void **state)
{
    env_t *e = *state;
    char buf[4096] = "";
    assert_int_equal(db_exec(e->db, "ALTER TABLE users ADD COLUMN wechat_id TEXT"), 0);
    assert_int_equal(run(check_schema, e, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "users.wechat_id is declared 0 times"));
}

static int run_retention(db_t *db, FILE *f)
{
    return check_retention(db, 1800000000, f);
}

static void test_F2_values_past_their_period_are_reported(void **state)
{
    env_t *e = *state;
    char buf[4096] = "";
    assert_int_equal(run(run_retention, e, buf, sizeof buf), 0);
    assert_int_equal(db_exec(e->db, "INSERT INTO users(id, phone_bi, phone, dek, policy_version, created_at, updated_at) "
                                    "VALUES (1, zeroblob(32), X'4C31', zeroblob(78), 1, 0, 0);"
                                    "INSERT INTO search_history(user_id, query, at) VALUES (1, X'4C31', 1700000000)"), 0);
    assert_int_equal(run(run_retention, e, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "past-retention: 1 values of search_history.query"));
}


#define T(f) cmocka_unit_test_setup_teardown(f, support_env_setup, support_env_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_clean_database_has_no_findings),
        T(test_F3_plaintext_phone_is_reported),
        T(test_undeclared_column_is_reported),
        T(test_F2_values_past_their_period_are_reported),
    };
    return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
