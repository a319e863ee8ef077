/*
 * test_pi_decl.c — the PI declaration is complete and true (DESIGN.md "one
 * source of truth"): every column of the migrated schema is declared exactly
 * once, as PI or as not-PI with a reason; no declaration names a missing
 * column; every sealed column is a BLOB; every PI field has published text.
 */
#include "support.h"
#include "privacy/pi.h"
#include <stdio.h>
#include <string.h>

static int declared_count(const char *table, const char *column)
{
    int n = 0;
    for (int i = 0; i < PI__COUNT; i++)
        if (!strcmp(pi_fields[i].table, table) && !strcmp(pi_fields[i].column, column)) n++;
    for (size_t i = 0; i < pi_nonpi_count; i++)
        if (!strcmp(pi_nonpi[i].table, table) && !strcmp(pi_nonpi[i].column, column)) n++;
    return n;
}

static int column_exists(env_t *e, const char *table, const char *column, char *type, size_t typelen)
{
    sqlite3_stmt *st;
    int found = 0;
    sqlite3_prepare_v2(db_handle(e->db), "SELECT type FROM pragma_table_info(?) WHERE name = ?", -1, &st, NULL);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        snprintf(type, typelen, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return found;
}

static void test_every_schema_column_is_declared_exactly_once(void **state)
{
    env_t *e = *state;
    sqlite3_stmt *st;
    int columns = 0, bad = 0;
    sqlite3_prepare_v2(db_handle(e->db),
                       "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p "
                       "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
                       "AND NOT EXISTS (SELECT 1 FROM sqlite_schema v WHERE v.sql LIKE 'CREATE VIRTUAL%' "
                       "  AND m.name LIKE v.name || '\\_%' ESCAPE '\\' AND m.sql NOT LIKE 'CREATE VIRTUAL%') "
                       "UNION ALL SELECT m.name, p.name FROM keys.sqlite_schema m "
                       "JOIN pragma_table_info(m.name, 'keys') p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
                       -1, &st, NULL);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0), *c = (const char *)sqlite3_column_text(st, 1);
        int n = declared_count(t, c);
        columns++;
        if (n != 1) {
            fprintf(stderr, "column %s.%s is declared %d times in pi_decl.h (must be once)\n", t, c, n);
            bad++;
        }
    }
    sqlite3_finalize(st);
    assert_true(columns > 40);
    assert_int_equal(bad, 0);
}

static void test_every_declaration_names_a_real_column(void **state)
{
    env_t *e = *state;
    char type[64];
    for (int i = 0; i < PI__COUNT; i++) {
        if (!column_exists(e, pi_fields[i].table, pi_fields[i].column, type, sizeof type))
            fail_msg("PI %s.%s is declared but not in the schema", pi_fields[i].table, pi_fields[i].column);
    }
    for (size_t i = 0; i < pi_nonpi_count; i++) {
        if (!column_exists(e, pi_nonpi[i].table, pi_nonpi[i].column, type, sizeof type))
            fail_msg("NOTPI %s.%s is declared but not in the schema", pi_nonpi[i].table, pi_nonpi[i].column);
    }
}

static void test_F3_sealed_and_blind_columns_are_blobs(void **state)
{
    env_t *e = *state;
    char type[64];
    for (int i = 0; i < PI__COUNT; i++) {
        if (!(pi_fields[i].flags & (F_ENCRYPT | F_BLIND))) continue;
        assert_true(column_exists(e, pi_fields[i].table, pi_fields[i].column, type, sizeof type));
        if (strcmp(type, "BLOB")) fail_msg("%s.%s is sealed but typed %s", pi_fields[i].table, pi_fields[i].column, type);
    }
}

static void test_F3_name_phone_email_qq_are_declared_encrypted(void **state)
{
    (void)state;
    static const char *const must[][2] = {{"users", "phone"}, {"users", "username"}, {"users", "email"}, {"users", "qq"}};
    for (size_t i = 0; i < 4; i++) {
        int f = pi_find(must[i][0], must[i][1]);
        assert_true(f >= 0);
        assert_true(pi_fields[f].flags & F_ENCRYPT);
    }
}

static void test_E7_every_pi_field_has_published_text(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    for (int i = 0; i < PI__COUNT; i++) {
        const pi_field_t *f = &pi_fields[i];
        assert_true(strlen(f->label) > 0);
        assert_true(strlen(f->scenario) > 0);
        assert_true(strlen(pi_cat_label(f->cat)) > 0);
        assert_true(strlen(pi_basis_label(f->basis)) > 0);
        assert_true(strlen(pi_retention_label(a, (pi_id_t)i)) > 0);
        assert_true(f->purposes & ~P_EXPORT); /* a real purpose besides answering the user */
        if (f->retention == RET_DAYS || f->retention == RET_LAW) assert_true(f->days > 0 && f->since != NULL);
        else assert_true(f->days == 0 && f->since == NULL);
    }
    arena_free(a);
}

static void test_F2_ip_addresses_tied_to_users_kept_at_most_30_days(void **state)
{
    (void)state;
    for (int i = 0; i < PI__COUNT; i++) {
        const pi_field_t *f = &pi_fields[i];
        if (f->cat == CAT_WEB_RECORD && !(f->flags & F_KEPT_BY_LAW)) {
            assert_int_equal(f->retention, RET_DAYS);
            assert_true(f->days <= 30);
        }
    }
}

static void test_G4_G5_every_table_with_personal_data_declares_its_owner(void **state)
{
    env_t *e = *state;
    for (int i = 0; i < PI__COUNT; i++) {
        const pi_owner_t *o = pi_owner(pi_fields[i].table);
        if (!o) fail_msg("table %s holds personal data but has no OWNER(...) in pi_decl.h", pi_fields[i].table);
        if (!o->where) continue;
        char sql[512];
        sqlite3_stmt *st;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\" WHERE %s", o->table, o->where);
        if (sqlite3_prepare_v2(db_handle(e->db), sql, -1, &st, NULL) != SQLITE_OK)
            fail_msg("OWNER condition of %s does not compile: %s", o->table, sqlite3_errmsg(db_handle(e->db)));
        assert_int_equal(sqlite3_bind_parameter_count(st), 1);
        sqlite3_finalize(st);
    }
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_schema_column_is_declared_exactly_once),
        cmocka_unit_test(test_every_declaration_names_a_real_column),
        cmocka_unit_test(test_F3_sealed_and_blind_columns_are_blobs),
        cmocka_unit_test(test_F3_name_phone_email_qq_are_declared_encrypted),
        cmocka_unit_test(test_E7_every_pi_field_has_published_text),
        cmocka_unit_test(test_F2_ip_addresses_tied_to_users_kept_at_most_30_days),
        cmocka_unit_test(test_G4_G5_every_table_with_personal_data_declares_its_owner),
    };
    return cmocka_run_group_tests_name("pi_decl", tests, support_env_setup, support_env_teardown);
}
