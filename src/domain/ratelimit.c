/* ratelimit.c — database-backed fixed windows (see ratelimit.h). */
#include "domain/ratelimit.h"
#include "base/result.h"
#include "store/db.h"
#include "store/vault.h"
#include <stdio.h>
#include <string.h>

static const char SQL_HIT[] =
    "INSERT INTO rate_limits(key, window_start, count) VALUES (?1, ?2, 1) "
    "ON CONFLICT(key) DO UPDATE SET "
    "  count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END, "
    "  window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END "
    "RETURNING window_start, count";

static void limit_key(ctx_t *c, const char *scope, const char *key, int window_s, uint8_t k[VAULT_BLIND_LEN])
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "%s/%d/%s", scope, window_s, key);
    vault_blind(c->vault, VAULT_BI_LIMIT, msg, (size_t)(n < (int)sizeof msg ? n : (int)sizeof msg - 1), k);
}

static int over(ctx_t *c, int64_t start, int count, int window_s, int limit)
{
    if (count <= limit) return LL_OK;
    c->retry_after = (int)(start + window_s - c->now);
    if (c->retry_after < 1) c->retry_after = 1;
    return ctx_fail(c, LL_LIMIT, "rate_limited", NULL);
}

static const char SQL_PEEK[] = "SELECT window_start, count FROM rate_limits WHERE key = ? AND window_start > ? - ?";

int rl_peek(ctx_t *c, const char *scope, const char *key, int window_s, int limit)
{
    uint8_t k[VAULT_BLIND_LEN];
    limit_key(c, scope, key, window_s, k);
    sqlite3_stmt *st = db_stmt(c->db, SQL_PEEK);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, k, sizeof k, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_int(st, 3, window_s);
    int rc = sqlite3_step(st), res = LL_OK;
    if (rc == SQLITE_ROW) res = over(c, sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1) + 1, window_s, limit);
    else if (rc != SQLITE_DONE) res = LL_ERR;
    sqlite3_reset(st);
    return res;
}

int rl_hit(ctx_t *c, const char *scope, const char *key, int window_s, int limit)
{
    uint8_t k[VAULT_BLIND_LEN];
    limit_key(c, scope, key, window_s, k);
    sqlite3_stmt *st = db_stmt(c->db, SQL_HIT);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, k, sizeof k, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_int(st, 3, window_s);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        db_log_error(c->db, "rate limit");
        return LL_ERR;
    }
    int64_t start = sqlite3_column_int64(st, 0);
    int count = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    return over(c, start, count, window_s, limit);
}
