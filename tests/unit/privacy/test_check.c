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
    assert_int_equal(db_exec(e->db, "INSERT INTO users(phone_bi, phone, policy_version, created_at, updated_at) "
                                    "VALUES (zeroblob(32), '13800138000', 1, 0, 0)"), 0);
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
    assert_int_equal(db_exec(e->db, "INSERT INTO users(id, phone_bi, phone, policy_version, created_at, updated_at) "
                                    "VALUES (1, zeroblob(32), X'4C31', 1, 0, 0);"
                                    "INSERT INTO search_history(user_id, query, at) VALUES (1, X'4C31', 1700000000)"), 0);
    assert_int_equal(run(run_retention, e, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "past-retention: 1 values of search_history.query"));
}

static void test_F3_a_table_in_the_key_store_is_checked_for_declarations(void **state)
{
    env_t *e = *state;
    char buf[4096] = "";
    assert_int_equal(db_exec(e->db, "ALTER TABLE keys.deks ADD COLUMN phone TEXT"), 0);
    assert_int_equal(run(check_schema, e, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "deks.phone is declared 0 times"));
}

static int keys_of(env_t *e, char *buf, size_t n)
{
    FILE *f = fmemopen(buf, n, "w");
    int res = check_keys(e->db, e->vault, f);
    fclose(f);
    return res;
}

static void test_G4_accounts_without_a_key_and_keys_without_an_account_are_reported(void **state)
{
    env_t *e = *state;
    char buf[4096] = "";
    uint8_t dek[VAULT_KEY_LEN], wrapped[VAULT_WRAPPED_LEN];
    assert_int_equal(keys_of(e, buf, sizeof buf), 0);
    assert_int_equal(db_exec(e->db, "INSERT INTO users(id, phone_bi, phone, policy_version, created_at, updated_at) "
                                    "VALUES (1, zeroblob(32), X'4C31', 1, 0, 0), (2, randomblob(32), X'4C31', 1, 0, 0)"), 0);
    vault_dek_new(e->vault, dek, wrapped);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(e->db), "INSERT INTO keys.deks VALUES (?, ?, 0)", -1, &st, NULL);
    for (int uid = 1; uid <= 3; uid += 2) { /* account 2 has no key; key 3 has no account */
        sqlite3_bind_int(st, 1, uid);
        sqlite3_bind_blob(st, 2, wrapped, sizeof wrapped, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    assert_int_equal(keys_of(e, buf, sizeof buf), 2);
    assert_non_null(strstr(buf, "shredded-accounts: 1 accounts have no data key"));
    assert_non_null(strstr(buf, "orphan-keys: 1 data keys belong to no account"));
}

static void test_F3_a_key_that_does_not_unwrap_is_reported(void **state)
{
    env_t *e = *state;
    char buf[4096] = "";
    assert_int_equal(db_exec(e->db, "INSERT INTO users(id, phone_bi, phone, policy_version, created_at, updated_at) "
                                    "VALUES (1, zeroblob(32), X'4C31', 1, 0, 0);"
                                    "INSERT INTO keys.deks VALUES (1, X'4B3100000001' || zeroblob(72), 0)"), 0);
    assert_int_equal(keys_of(e, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "unreadable-keys: 1 data keys do not open"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, support_env_setup, support_env_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_clean_database_has_no_findings),
        T(test_F3_plaintext_phone_is_reported),
        T(test_undeclared_column_is_reported),
        T(test_F2_values_past_their_period_are_reported),
        T(test_F3_a_table_in_the_key_store_is_checked_for_declarations),
        T(test_G4_accounts_without_a_key_and_keys_without_an_account_are_reported),
        T(test_F3_a_key_that_does_not_unwrap_is_reported),
    };
    return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
