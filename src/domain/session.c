/*
 * session.c — sessions (see session.h).
 *
 * last_seen is written at most once a minute per session, so an active user
 * costs one write a minute, not one per request.
 */
#include "domain/session.h"
#include "domain/minor.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/result.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <sodium.h>
#include <string.h>

#define TOKEN_BYTES 32
#define TOUCH_EVERY 60

static void token_hash(const char *token, uint8_t out[32])
{
    crypto_generichash(out, 32, (const uint8_t *)token, strlen(token), NULL, 0);
}

static const char SQL_INSERT[] = "INSERT INTO sessions(user_id, token_hash, created_at, last_seen, expires_at, "
                                 "ip, user_agent) VALUES (?,?,?,?,?,?,?)";

static void bind_sealed(ctx_t *c, sqlite3_stmt *st, int idx, pi_id_t f, const uint8_t *dek, const char *v)
{
    if (!v || !*v) return;
    size_t n;
    uint8_t *blob = pi_seal(c->arena, f, dek, v, strlen(v), &n);
    sqlite3_bind_blob(st, idx, blob, (int)n, SQLITE_STATIC);
}

/* A User-Agent as shown in the session list: printable ASCII, at most 200 bytes. */
static char *clean_agent(ctx_t *c)
{
    if (!c->agent) return NULL;
    size_t n = strnlen(c->agent, 200);
    char *s = arena_strndup(c->arena, c->agent, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) s[i] = '?';
    return s;
}

int sess_create(ctx_t *c, int64_t uid, const uint8_t dek[VAULT_KEY_LEN], char **token, int64_t *sid)
{
    uint8_t raw[TOKEN_BYTES], h[32];
    char *tok = arena_alloc(c->arena, sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(tok, sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING), raw,
                      sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token_hash(tok, h);
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_blob(st, 2, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, c->now);
    sqlite3_bind_int64(st, 4, c->now);
    sqlite3_bind_int64(st, 5, c->now + (int64_t)c->conf->session_max_days * 86400);
    bind_sealed(c, st, 6, PI_SESSION_IP, dek, c->client);
    bind_sealed(c, st, 7, PI_SESSION_AGENT, dek, clean_agent(c));
    if (db_run(c->db, st)) return LL_ERR;
    *sid = db_last_id(c->db);
    *token = tok;
    return LL_OK;
}

static const char SQL_FIND[] =
    "SELECT s.id, s.user_id, s.last_seen, s.expires_at, u.policy_version, u.birth_year, u.guardian_consent_at, "
    "  u.birth_date, k.user_id IS NOT NULL "
    "FROM sessions s "
    "JOIN users u ON u.id = s.user_id "
    "LEFT JOIN keys.deks k ON k.user_id = s.user_id "
    "WHERE s.token_hash = ? AND u.status = 'active'";
static const char SQL_TOUCH[] = "UPDATE sessions SET last_seen = ? WHERE id = ?";

int sess_authenticate(ctx_t *c, const char *token, int64_t *uid, int64_t *sid)
{
    uint8_t h[32];
    if (!token || strlen(token) > 64) return LL_DENIED;
    token_hash(token, h);
    sqlite3_stmt *st = db_stmt(c->db, SQL_FIND);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? LL_DENIED : LL_ERR;
    }
    *sid = sqlite3_column_int64(st, 0);
    *uid = sqlite3_column_int64(st, 1);
    int64_t last = sqlite3_column_int64(st, 2), expires = sqlite3_column_int64(st, 3);
    c->policy_version = sqlite3_column_int(st, 4);
    c->held = minor_held(c->now, minor_effective_year(c->now, sqlite3_column_int(st, 5), sqlite3_column_int(st, 7)),
                         sqlite3_column_int64(st, 6));
    bool keyless = !sqlite3_column_int(st, 8);
    sqlite3_reset(st);
    /* no data key: the account was cancelled after the backup this database came from (G4) */
    if (keyless) return ctx_fail(c, LL_DENIED, "account_erased", NULL);
    if (c->now >= expires || c->now - last > (int64_t)c->conf->session_idle_days * 86400) return LL_DENIED;
    if (c->now - last >= TOUCH_EVERY) {
        st = db_stmt(c->db, SQL_TOUCH);
        if (!st) return LL_ERR;
        sqlite3_bind_int64(st, 1, c->now);
        sqlite3_bind_int64(st, 2, *sid);
        db_run(c->db, st); /* a missed touch only shortens the idle window */
    }
    return LL_OK;
}

static const char SQL_LIST[] = "SELECT id, created_at, last_seen, expires_at, ip, user_agent FROM sessions "
                               "WHERE user_id = ?1 AND expires_at > ?2 AND last_seen > ?2 - ?3 ORDER BY last_seen DESC LIMIT 100";

static char *open_field(ctx_t *c, sqlite3_stmt *st, int col, pi_id_t f, const uint8_t *dek)
{
    char *out = NULL;
    if (sqlite3_column_type(st, col) != SQLITE_BLOB) return NULL;
    pi_open(c->arena, f, P_SECURITY, dek, sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col),
            &out);
    return out;
}

int sess_list(ctx_t *c, int64_t uid, sess_info_t **items, size_t *n)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, uid, dek);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LIST);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_int64(st, 3, (int64_t)c->conf->session_idle_days * 86400);
    sess_info_t *v = arena_zalloc(c->arena, 100 * sizeof(*v));
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < 100) {
        sess_info_t *s = &v[k++];
        s->id = sqlite3_column_int64(st, 0);
        s->created_at = sqlite3_column_int64(st, 1);
        s->last_seen = sqlite3_column_int64(st, 2);
        s->expires_at = sqlite3_column_int64(st, 3);
        s->ip = pi_mask(c->arena, PI_SESSION_IP, open_field(c, st, 4, PI_SESSION_IP, dek));
        s->agent = open_field(c, st, 5, PI_SESSION_AGENT, dek);
        s->current = s->id == c->session_id;
    }
    sqlite3_reset(st);
    sodium_memzero(dek, sizeof dek);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

static const char SQL_REVOKE[] = "DELETE FROM sessions WHERE id = ? AND user_id = ?";

int sess_revoke(ctx_t *c, int64_t uid, int64_t sid)
{
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_REVOKE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, sid);
    sqlite3_bind_int64(st, 2, uid);
    if (db_run(c->db, st)) goto fail;
    if (db_changes(c->db) == 0) {
        db_rollback(c->db);
        return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    }
    const char *detail = arena_printf(c->arena, "{\"session\":%lld,\"own\":%s}", (long long)sid,
                                      sid == c->session_id ? "true" : "false");
    if (audit_append(c, "session.revoked", uid, uid, detail)) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}
