/* test_audit.c — the security audit log is append-only and its chain exposes tampering (F5, F6). */
#include "support.h"
#include "privacy/audit.h"
#include <string.h>

static void append_some(env_t *e, int n)
{
    for (int i = 0; i < n; i++) {
        e->ctx.now++;
        assert_int_equal(audit_append(&e->ctx, "auth.login", i + 1, i + 1, "{\"method\":\"sms\"}"), 0);
    }
}

static void test_F6_chain_verifies_when_untouched(void **state)
{
    env_t *e = *state;
    audit_report_t r;
    append_some(e, 20);
    assert_int_equal(audit_verify(e->db, e->vault, &r), 0);
    assert_int_equal(r.entries, 20);
}

static void test_F6_update_and_early_delete_are_refused(void **state)
{
    env_t *e = *state;
    append_some(e, 3);
    assert_int_not_equal(db_exec(e->db, "UPDATE audit_log SET event = 'x' WHERE id = 2"), 0);
    assert_int_not_equal(db_exec(e->db, "DELETE FROM audit_log WHERE id = 2"), 0);
}

static void test_F6_edited_entry_breaks_the_chain(void **state)
{
    env_t *e = *state;
    audit_report_t r;
    append_some(e, 10);
    /* an attacker with write access drops the guard and edits an entry */
    assert_int_equal(db_exec(e->db, "DROP TRIGGER audit_log_append_only; "
                                    "UPDATE audit_log SET actor = 99 WHERE id = 5"), 0);
    assert_int_equal(audit_verify(e->db, e->vault, &r), 1);
    assert_int_equal(r.first_bad, 5);
}

static void test_F6_removed_entry_breaks_the_chain(void **state)
{
    env_t *e = *state;
    audit_report_t r;
    append_some(e, 10);
    assert_int_equal(db_exec(e->db, "DROP TRIGGER audit_log_kept_180_days; DELETE FROM audit_log WHERE id = 4"), 0);
    assert_int_equal(audit_verify(e->db, e->vault, &r), 1);
    assert_int_equal(r.first_bad, 5);
}

static void test_audit_entries_carry_no_client_address_in_clear(void **state)
{
    env_t *e = *state;
    append_some(e, 1);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(e->db), "SELECT client FROM audit_log", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_bytes(st, 0), 16);
    assert_false(support_contains(sqlite3_column_blob(st, 0), 16, "192.0.2.1", 9));
    sqlite3_finalize(st);
}


#define T(f) cmocka_unit_test_setup_teardown(f, support_env_setup, support_env_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_F6_chain_verifies_when_untouched),
        T(test_F6_update_and_early_delete_are_refused),
        T(test_F6_edited_entry_breaks_the_chain),
        T(test_F6_removed_entry_breaks_the_chain),
        T(test_audit_entries_carry_no_client_address_in_clear),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
