/*
 * check.c — declaration checks for `linli audit` (see check.h).
 *
 * The per-column queries name tables and columns from pi_decl.h, compile-time
 * constants, never input: identifiers cannot be bound as parameters. Virtual
 * tables (search and nearby indexes) are declared like tables; their shadow
 * tables are their storage and are not checked column by column.
 */
#include "privacy/check.h"
#include "privacy/pi.h"
#include "store/vault.h"
#include <sodium.h>
#include <string.h>

static int declared(const char *table, const char *column)
{
    int n = 0;
    for (int i = 0; i < PI__COUNT; i++)
        if (!strcmp(pi_fields[i].table, table) && !strcmp(pi_fields[i].column, column)) n++;
    for (size_t i = 0; i < pi_nonpi_count; i++)
        if (!strcmp(pi_nonpi[i].table, table) && !strcmp(pi_nonpi[i].column, column)) n++;
    return n;
}

static const char SQL_COLUMNS[] =
    "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
    "AND NOT EXISTS (SELECT 1 FROM sqlite_schema v WHERE v.sql LIKE 'CREATE VIRTUAL%' "
    "  AND m.name LIKE v.name || '\\_%' ESCAPE '\\' AND m.sql NOT LIKE 'CREATE VIRTUAL%') "
    "UNION ALL SELECT m.name, p.name FROM keys.sqlite_schema m JOIN pragma_table_info(m.name, 'keys') p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'";

int check_schema(db_t *db, FILE *out)
{
    sqlite3_stmt *st;
    int findings = 0;
    if (sqlite3_prepare_v2(db_handle(db), SQL_COLUMNS, -1, &st, NULL) != SQLITE_OK) return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0), *c = (const char *)sqlite3_column_text(st, 1);
        int n = declared(t, c);
        if (n == 1) continue;
        fprintf(out, "FAIL undeclared-column: %s.%s is declared %d times in pi_decl.h\n", t, c, n);
        findings++;
    }
    sqlite3_finalize(st);
    return findings;
}

/* Rows of table.column whose value is present but not in the form the declaration promises. */
static int count_bad(db_t *db, const pi_field_t *f, long long *bad)
{
    char sql[512];
    sqlite3_stmt *st;
    if (f->flags & F_ENCRYPT)
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM \"%s\" WHERE \"%s\" IS NOT NULL AND (typeof(\"%s\") <> 'blob' OR "
                 "length(\"%s\") < %d OR substr(\"%s\", 1, 2) <> X'4C31')",
                 f->table, f->column, f->column, f->column, VAULT_HDR_LEN + VAULT_TAG_LEN, f->column);
    else
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM \"%s\" WHERE \"%s\" IS NOT NULL AND (typeof(\"%s\") <> 'blob' OR "
                 "length(\"%s\") NOT IN (16, 32))",
                 f->table, f->column, f->column, f->column);
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int rc = sqlite3_step(st);
    *bad = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int check_sealed(db_t *db, FILE *out)
{
    int findings = 0;
    for (int i = 0; i < PI__COUNT; i++) {
        const pi_field_t *f = &pi_fields[i];
        long long bad;
        if (!(f->flags & (F_ENCRYPT | F_BLIND))) continue;
        if (count_bad(db, f, &bad)) return -1;
        if (!bad) continue;
        fprintf(out, "FAIL %s: %lld rows of %s.%s are not %s\n", f->flags & F_ENCRYPT ? "plaintext-pi" : "blind-index",
                bad, f->table, f->column, f->flags & F_ENCRYPT ? "sealed" : "keyed hashes");
        findings++;
    }
    return findings;
}

int check_retention(db_t *db, int64_t now, FILE *out)
{
    int findings = 0;
    for (int i = 0; i < PI__COUNT; i++) {
        const pi_field_t *f = &pi_fields[i];
        if (f->retention != RET_DAYS && f->retention != RET_LAW) continue;
        char sql[512];
        sqlite3_stmt *st;
        /* a day of grace: the sweep runs every few minutes, not continuously */
        snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\" WHERE \"%s\" IS NOT NULL AND \"%s\" < ?",
                 f->table, f->column, f->since);
        if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) return -1;
        sqlite3_bind_int64(st, 1, now - (int64_t)(f->days + 1) * 86400);
        long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
        sqlite3_finalize(st);
        if (n < 0) return -1;
        if (!n) continue;
        fprintf(out, "FAIL past-retention: %lld values of %s.%s are older than %d days\n", n, f->table, f->column,
                f->days);
        findings++;
    }
    return findings;
}

static long long count_of(db_t *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) return -1;
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

/* Wrapped keys that the key file cannot open; -1 on error. */
static long long count_unreadable(db_t *db, vault_t *v)
{
    sqlite3_stmt *st;
    uint8_t dek[VAULT_KEY_LEN];
    long long bad = 0;
    int rc;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT dek FROM keys.deks", -1, &st, NULL) != SQLITE_OK) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (vault_dek_unwrap(v, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), dek)) bad++;
    sqlite3_finalize(st);
    sodium_memzero(dek, sizeof dek);
    return rc == SQLITE_DONE ? bad : -1;
}

int check_keys(db_t *db, vault_t *v, FILE *out)
{
    long long keyless = count_of(db, "SELECT count(*) FROM users u "
                                     "WHERE NOT EXISTS (SELECT 1 FROM keys.deks k WHERE k.user_id = u.id)");
    long long orphans = count_of(db, "SELECT count(*) FROM keys.deks k "
                                     "WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = k.user_id)");
    long long unreadable = count_unreadable(db, v);
    if (keyless < 0 || orphans < 0 || unreadable < 0) return -1;
    if (keyless)
        fprintf(out, "FAIL shredded-accounts: %lld accounts have no data key (cancelled after the backup this "
                     "database was restored from): their sealed fields can never be opened; `linli retention run` "
                     "erases the rest\n", keyless);
    if (orphans)
        fprintf(out, "FAIL orphan-keys: %lld data keys belong to no account; `linli retention run` destroys them\n",
                orphans);
    if (unreadable)
        fprintf(out, "FAIL unreadable-keys: %lld data keys do not open with the key file (wrong or old keys.json?)\n",
                unreadable);
    return (keyless > 0) + (orphans > 0) + (unreadable > 0);
}
