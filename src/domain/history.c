/*
 * history.c — footprints and search history (see history.h).
 * A repeat visit to the same listing within an hour is not written again.
 */
#include "domain/history.h"
#include "base/arena.h"
#include "base/result.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <sodium.h>
#include <string.h>

static const char SQL_ADD_SEARCH[] = "INSERT INTO search_history(user_id, query, ip, at) VALUES (?,?,?,?)";
static const char SQL_RECENT_BROWSE[] =
    "SELECT 1 FROM browse_history WHERE user_id = ? AND listing_id = ? AND at > ? LIMIT 1";
static const char SQL_ADD_BROWSE[] = "INSERT INTO browse_history(user_id, listing_id, ip, at) VALUES (?,?,?,?)";

static void bind_sealed(ctx_t *c, sqlite3_stmt *st, int i, pi_id_t f, const uint8_t *dek, const char *v)
{
    if (!v) return;
    size_t n;
    uint8_t *b = pi_seal(c->arena, f, dek, v, strlen(v), &n);
    sqlite3_bind_blob(st, i, b, (int)n, SQLITE_STATIC);
}

int history_add_search(ctx_t *c, const char *query)
{
    uint8_t dek[VAULT_KEY_LEN];
    if (!c->user_id || !query || !*query) return LL_OK;
    int res = pi_subject_key(c, c->user_id, dek);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_ADD_SEARCH);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    bind_sealed(c, st, 2, PI_SEARCH_QUERY, dek, query);
    bind_sealed(c, st, 3, PI_SEARCH_IP, dek, c->client);
    sqlite3_bind_int64(st, 4, c->now);
    sodium_memzero(dek, sizeof dek);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int history_add_browse(ctx_t *c, int64_t listing_id)
{
    uint8_t dek[VAULT_KEY_LEN];
    if (!c->user_id) return LL_OK;
    sqlite3_stmt *st = db_stmt(c->db, SQL_RECENT_BROWSE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_int64(st, 2, listing_id);
    sqlite3_bind_int64(st, 3, c->now - 3600);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return LL_OK;
    int res = pi_subject_key(c, c->user_id, dek);
    if (res) return res;
    if (!(st = db_stmt(c->db, SQL_ADD_BROWSE))) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_int64(st, 2, listing_id);
    bind_sealed(c, st, 3, PI_BROWSE_IP, dek, c->client);
    sqlite3_bind_int64(st, 4, c->now);
    sodium_memzero(dek, sizeof dek);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static const char SQL_LIST_BROWSE[] =
    "SELECT listing_id, max(at) FROM browse_history WHERE user_id = ? AND at > ? GROUP BY listing_id "
    "ORDER BY max(at) DESC LIMIT 100";
static const char SQL_LIST_SEARCH[] =
    "SELECT query, at FROM search_history WHERE user_id = ? AND at > ? ORDER BY at DESC LIMIT 50";

int history_list(ctx_t *c, history_item_t **browse, size_t *nb, history_item_t **search, size_t *ns)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, c->user_id, dek);
    if (res) return res;
    history_item_t *b = arena_zalloc(c->arena, 100 * sizeof(*b)), *s = arena_zalloc(c->arena, 50 * sizeof(*s));
    size_t kb = 0, ks = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LIST_BROWSE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_int64(st, 2, c->now - 30 * 86400); /* past the retention period even before the sweep */
    while (kb < 100 && sqlite3_step(st) == SQLITE_ROW) {
        b[kb].listing_id = sqlite3_column_int64(st, 0);
        b[kb++].at = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (!(st = db_stmt(c->db, SQL_LIST_SEARCH))) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_int64(st, 2, c->now - 30 * 86400);
    while (ks < 50 && sqlite3_step(st) == SQLITE_ROW) {
        char *q = NULL;
        if (pi_open(c->arena, PI_SEARCH_QUERY, P_PROFILE, dek, sqlite3_column_blob(st, 0),
                    (size_t)sqlite3_column_bytes(st, 0), &q) == LL_OK) {
            s[ks].query = q;
            s[ks++].at = sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_reset(st);
    sodium_memzero(dek, sizeof dek);
    *browse = b, *nb = kb, *search = s, *ns = ks;
    return LL_OK;
}

static const char SQL_CLEAR_BROWSE[] = "DELETE FROM browse_history WHERE user_id = ?";
static const char SQL_CLEAR_SEARCH[] = "DELETE FROM search_history WHERE user_id = ?";

int history_clear(ctx_t *c, const char *what)
{
    bool all = !strcmp(what, "all"), browse = all || !strcmp(what, "browse"), search = all || !strcmp(what, "search");
    if (!browse && !search) return ctx_fail(c, LL_INVALID, "invalid_field", "what");
    if (db_begin(c->db)) return LL_ERR;
    const char *sqls[2] = {browse ? SQL_CLEAR_BROWSE : NULL, search ? SQL_CLEAR_SEARCH : NULL};
    for (int i = 0; i < 2; i++) {
        if (!sqls[i]) continue;
        sqlite3_stmt *st = db_stmt(c->db, sqls[i]);
        if (!st) goto fail;
        sqlite3_bind_int64(st, 1, c->user_id);
        if (db_run(c->db, st)) goto fail;
    }
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}
