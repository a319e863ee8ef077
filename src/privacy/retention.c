/*
 * retention.c — the declaration-driven sweep (see retention.h).
 *
 * Table and column names come from pi_decl.h (compile-time constants), never
 * from input; identifiers cannot be bound as parameters.
 */
#include "privacy/retention.h"
#include "base/conf.h"
#include "base/result.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <string.h>
#include <time.h>

static int column_not_null(db_t *db, const char *table, const char *column, bool *not_null)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT \"notnull\" FROM pragma_table_info(?) WHERE name = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *not_null = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Applies one field's period; adds to the report. */
static int sweep_field(ctx_t *c, const pi_field_t *f, retention_report_t *r)
{
    char sql[512];
    bool not_null;
    int64_t now = c->now;
    if (f->retention == RET_LAW && (int64_t)time(NULL) < now) now = (int64_t)time(NULL);
    int64_t cutoff = now - (int64_t)f->days * 86400;
    if (column_not_null(c->db, f->table, f->column, &not_null)) return LL_ERR;
    if (not_null)
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE \"%s\" < ?", f->table, f->since);
    else
        snprintf(sql, sizeof sql, "UPDATE \"%s\" SET \"%s\" = NULL WHERE \"%s\" < ? AND \"%s\" IS NOT NULL", f->table,
                 f->column, f->since, f->column);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(c->db), sql, -1, &st, NULL) != SQLITE_OK) return LL_ERR;
    sqlite3_bind_int64(st, 1, cutoff);
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(db_handle(c->db));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_log_error(c->db, "retention");
        return LL_ERR;
    }
    if (not_null) r->rows_deleted += changed;
    else r->values_cleared += changed;
    return LL_OK;
}

static const char SQL_END_SESSIONS[] = "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen < ?1 - ?2";

int retention_run(ctx_t *c, retention_report_t *r)
{
    memset(r, 0, sizeof(*r));
    for (int i = 0; i < PI__COUNT; i++) {
        const pi_field_t *f = &pi_fields[i];
        if ((f->retention == RET_DAYS || f->retention == RET_LAW) && sweep_field(c, f, r)) return LL_ERR;
    }
    sqlite3_stmt *st = db_stmt(c->db, SQL_END_SESSIONS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_int64(st, 2, (int64_t)c->conf->session_idle_days * 86400);
    if (db_run(c->db, st)) return LL_ERR;
    r->sessions_ended = db_changes(c->db);
    return LL_OK;
}

void retention_print(const retention_report_t *r, FILE *out)
{
    fprintf(out, "retention: %lld rows deleted, %lld values cleared, %lld sessions ended, %lld listings expired\n",
            (long long)r->rows_deleted, (long long)r->values_cleared, (long long)r->sessions_ended,
            (long long)r->listings_expired);
}
