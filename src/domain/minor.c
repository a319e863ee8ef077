/*
 * minor.c — age brackets, the adults-only check and the H2 sweep (see minor.h).
 *
 * The guardian's code lives with the other codes in account.c; this file
 * only reads users.birth_year, guardian_consent_at and held_since.
 */
#include "domain/minor.h"
#include "base/result.h"
#include "domain/account.h"
#include "store/db.h"
#include <jansson.h>
#include <time.h>

int minor_year(int64_t now)
{
    time_t t = (time_t)(now + 8 * 3600); /* China Standard Time, no daylight saving */
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

minor_age_t minor_bracket(int64_t now, int birth_year)
{
    if (birth_year <= 0) return AGE_ADULT;
    int age = minor_year(now) - birth_year - 1; /* the younger possible age */
    return age < 14 ? AGE_CHILD : age < 18 ? AGE_MINOR : AGE_ADULT;
}

int minor_effective_year(int64_t now, int birth_year, int birth_date)
{
    if (birth_date <= 0) return birth_year;
    time_t t = (time_t)(now + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    bool passed = (tm.tm_mon + 1) * 100 + tm.tm_mday >= birth_date % 10000;
    /* the rule counts year − birth year − 1: one year earlier once this year's birthday has come */
    return birth_date / 10000 - (passed ? 1 : 0);
}

bool minor_held(int64_t now, int birth_year, int64_t guardian_consent_at)
{
    return minor_bracket(now, birth_year) == AGE_CHILD && guardian_consent_at == 0;
}

static const char SQL_BIRTH_YEAR[] = "SELECT birth_year, birth_date FROM users WHERE id = ?";

int minor_require_adult(ctx_t *c, int64_t uid)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_BIRTH_YEAR);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st);
    int year = rc == SQLITE_ROW ? minor_effective_year(c->now, sqlite3_column_int(st, 0), sqlite3_column_int(st, 1)) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
    return minor_bracket(c->now, year) == AGE_ADULT ? LL_OK : ctx_fail(c, LL_DENIED, "adults_only", "category");
}

static const char SQL_OVERDUE[] = "SELECT id, birth_year, birth_date FROM users WHERE held_since IS NOT NULL AND held_since <= ? "
                                  "AND guardian_consent_at IS NULL AND status = 'active' ORDER BY id LIMIT 500";

int minor_sweep(ctx_t *c, int64_t *erased)
{
    int64_t ids[500];
    int n = 0;
    *erased = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_OVERDUE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now - (int64_t)MINOR_HOLD_DAYS * 86400);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        /* a child who has since turned 14 is no longer held; their data stays */
        if (minor_bracket(c->now, minor_effective_year(c->now, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2))) ==
            AGE_CHILD) ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return LL_ERR;
    for (int i = 0; i < n; i++) {
        json_t *receipt = NULL;
        int res = acct_erase(c, ids[i], "guardian_consent_missing", &receipt);
        json_decref(receipt);
        if (res == LL_NOTFOUND) continue;
        if (res) return res;
        (*erased)++;
    }
    return LL_OK;
}
