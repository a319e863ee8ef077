/*
 * marketing.c — invitations, points, gift claims, campaigns (see marketing.h).
 *
 * Points are a ledger (reward_points): a balance is a sum, a claim is a
 * negative entry written in the same transaction that checks the balance, so
 * two claims racing cannot spend the same points (BEGIN IMMEDIATE serialises
 * them). The consent test of a campaign is the same "latest decision wins"
 * rule as consent.c, evaluated inside the one INSERT ... SELECT that sends.
 */
#include "domain/marketing.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/validate.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <sodium.h>
#include <string.h>

const mkt_gift_t mkt_gifts[] = {
    {"tote_bag", "邻里帆布袋", 20},
    {"umbrella", "邻里折叠伞", 50},
};
const size_t mkt_gift_count = ARRAY_LEN(mkt_gifts);

/* ---- invitations ---- */

static const char SQL_CODE[] = "SELECT code FROM invite_codes WHERE user_id = ?";
static const char SQL_NEW_CODE[] = "INSERT OR IGNORE INTO invite_codes(user_id, code, created_at) VALUES (?,?,?)";
static const char SQL_INVITED[] = "SELECT count(*) FROM invitations WHERE inviter_id = ?";
static const char SQL_POINTS[] = "SELECT coalesce(sum(points), 0) FROM reward_points WHERE user_id = ?";

static int64_t count_of(ctx_t *c, const char *sql, int64_t uid)
{
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, uid);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

int64_t mkt_points(ctx_t *c, int64_t uid)
{
    return count_of(c, SQL_POINTS, uid);
}

static const char *load_code(ctx_t *c)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_CODE);
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, c->user_id);
    const char *code = sqlite3_step(st) == SQLITE_ROW ? arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0)) : NULL;
    sqlite3_reset(st);
    return code;
}

/* 8 characters from an alphabet without 0/O/1/I: read aloud and typed on a phone without mistakes. */
static void new_code(char out[9])
{
    static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    for (int i = 0; i < 8; i++) out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[8] = '\0';
}

int mkt_invite_info(ctx_t *c, const char **code, int64_t *invited, int64_t *points)
{
    *code = load_code(c);
    for (int tries = 0; !*code && tries < 5; tries++) {
        char fresh[9];
        new_code(fresh);
        sqlite3_stmt *st = db_stmt(c->db, SQL_NEW_CODE);
        if (!st) return LL_ERR;
        sqlite3_bind_int64(st, 1, c->user_id);
        sqlite3_bind_text(st, 2, fresh, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, c->now);
        if (db_run(c->db, st) != 0 && sqlite3_extended_errcode(db_handle(c->db)) != SQLITE_CONSTRAINT_UNIQUE)
            return LL_ERR;
        *code = load_code(c);
    }
    *invited = count_of(c, SQL_INVITED, c->user_id);
    *points = mkt_points(c, c->user_id);
    return *code && *invited >= 0 && *points >= 0 ? LL_OK : LL_ERR;
}

static const char SQL_BY_CODE[] = "SELECT user_id FROM invite_codes WHERE code = ?";
static const char SQL_ME[] = "SELECT created_at, (SELECT 1 FROM invitations WHERE invitee_id = ?1) FROM users WHERE id = ?1";
static const char SQL_INVITE[] = "INSERT INTO invitations(invitee_id, inviter_id, at) VALUES (?,?,?)";
static const char SQL_CREDIT[] = "INSERT INTO reward_points(user_id, points, reason, at) VALUES (?,?,?,?)";

static int credit(ctx_t *c, int64_t uid, int points, const char *reason)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_CREDIT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_int(st, 2, points);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

/* Who owns code (0: nobody); whether the caller is new enough and not yet invited. */
static int check_invite(ctx_t *c, const char *code, int64_t *inviter)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_BY_CODE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    *inviter = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (!*inviter || *inviter == c->user_id) return ctx_fail(c, LL_INVALID, "invalid_field", "code");
    if (!(st = db_stmt(c->db, SQL_ME))) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    int rc = sqlite3_step(st);
    int64_t created = sqlite3_column_int64(st, 0);
    bool invited = sqlite3_column_type(st, 1) != SQLITE_NULL;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return LL_ERR;
    if (invited) return ctx_fail(c, LL_CONFLICT, "already_invited", NULL);
    if (c->now - created > INVITE_WINDOW_DAYS * 86400) return ctx_fail(c, LL_CONFLICT, "invite_too_late", NULL);
    return LL_OK;
}

int mkt_invite_accept(ctx_t *c, const char *code)
{
    int64_t inviter;
    if (!code || strlen(code) != 8) return ctx_fail(c, LL_INVALID, "invalid_field", "code");
    if (db_begin(c->db)) return LL_ERR;
    int res = check_invite(c, code, &inviter);
    if (res) goto fail;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_INVITE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_int64(st, 2, inviter);
    sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st) || credit(c, inviter, INVITE_POINTS, "invite")) goto fail;
    if (audit_append(c, "marketing.invited", c->user_id, inviter, NULL)) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

/* ---- gifts ---- */

static const char SQL_CLAIM[] =
    "INSERT INTO gift_claims(user_id, gift, name, phone, address, status, created_at) VALUES (?,?,?,?,?,'pending',?)";

static bool line_ok(const char *s, size_t min, size_t max)
{
    size_t n = s ? utf8_chars(s) : 0;
    return s && !has_control(s) && n >= min && n <= max;
}

static int check_claim(ctx_t *c, const mkt_claim_in_t *in, const mkt_gift_t **gift)
{
    *gift = NULL;
    for (size_t i = 0; in->gift && i < mkt_gift_count; i++)
        if (!strcmp(in->gift, mkt_gifts[i].slug)) *gift = &mkt_gifts[i];
    if (!*gift) return ctx_fail(c, LL_INVALID, "invalid_field", "gift");
    if (!line_ok(in->name, 1, 30)) return ctx_fail(c, LL_INVALID, "invalid_field", "name");
    if (!in->phone || !valid_contact_phone(in->phone)) return ctx_fail(c, LL_INVALID, "invalid_field", "phone");
    if (!line_ok(in->address, 6, 120)) return ctx_fail(c, LL_INVALID, "invalid_field", "address");
    return LL_OK;
}

static void bind_sealed(ctx_t *c, sqlite3_stmt *st, int col, pi_id_t f, const uint8_t *dek, const char *v)
{
    size_t n;
    uint8_t *b = pi_seal(c->arena, f, dek, v, strlen(v), &n);
    sqlite3_bind_blob(st, col, b, (int)n, SQLITE_STATIC);
}

int mkt_claim(ctx_t *c, const mkt_claim_in_t *in, int64_t *id)
{
    const mkt_gift_t *gift;
    uint8_t dek[VAULT_KEY_LEN];
    int res = check_claim(c, in, &gift);
    if (res || (res = pi_subject_key(c, c->user_id, dek))) return res;
    res = LL_ERR;
    if (db_begin(c->db)) goto out;
    int64_t have = mkt_points(c, c->user_id);
    if (have < gift->points) {
        res = have < 0 ? LL_ERR : ctx_fail(c, LL_CONFLICT, "not_enough_points", NULL);
        goto fail;
    }
    sqlite3_stmt *st = db_stmt(c->db, SQL_CLAIM);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_text(st, 2, gift->slug, -1, SQLITE_STATIC);
    bind_sealed(c, st, 3, PI_GIFT_NAME, dek, in->name);
    bind_sealed(c, st, 4, PI_GIFT_PHONE, dek, in->phone);
    bind_sealed(c, st, 5, PI_GIFT_ADDRESS, dek, in->address);
    sqlite3_bind_int64(st, 6, c->now);
    if (db_run(c->db, st)) goto fail;
    *id = db_last_id(c->db);
    if (credit(c, c->user_id, -gift->points, "gift") || db_commit(c->db)) goto fail;
    res = LL_OK;
    goto out;
fail:
    db_rollback(c->db);
out:
    sodium_memzero(dek, sizeof dek);
    return res;
}

static const char SQL_CLAIMS[] =
    "SELECT id, gift, status, created_at, name, phone, address FROM gift_claims WHERE user_id = ? ORDER BY id DESC LIMIT 100";

static const char *masked(ctx_t *c, sqlite3_stmt *st, int col, pi_id_t f, const uint8_t *dek)
{
    char *v = NULL;
    if (pi_open(c->arena, f, P_MARKETING, dek, sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col), &v))
        return "";
    return pi_mask(c->arena, f, v);
}

int mkt_claims_mine(ctx_t *c, mkt_claim_t **items, size_t *n)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, c->user_id, dek);
    if (res) return res;
    mkt_claim_t *v = arena_zalloc(c->arena, 100 * sizeof(*v));
    sqlite3_stmt *st = db_stmt(c->db, SQL_CLAIMS);
    size_t k = 0;
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, c->user_id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            v[k].id = sqlite3_column_int64(st, 0);
            v[k].gift = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
            v[k].status = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
            v[k].created_at = sqlite3_column_int64(st, 3);
            v[k].name = masked(c, st, 4, PI_GIFT_NAME, dek);
            v[k].phone = masked(c, st, 5, PI_GIFT_PHONE, dek);
            v[k++].address = masked(c, st, 6, PI_GIFT_ADDRESS, dek);
        }
        sqlite3_reset(st);
    }
    sodium_memzero(dek, sizeof dek);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* ---- campaigns ---- */

static const char SQL_CAMPAIGN[] =
    "INSERT INTO messages(user_id, kind, title, body, created_at) "
    "SELECT u.id, 'marketing', ?1, ?2, ?3 FROM users u WHERE u.status = 'active' AND "
    "(SELECT granted FROM consents c WHERE c.user_id = u.id AND c.purpose = 'marketing' "
    " ORDER BY c.at DESC, c.id DESC LIMIT 1) = 1";

int mkt_campaign(ctx_t *c, const char *title, const char *body, int64_t *sent)
{
    if (!line_ok(title, 2, 60)) return ctx_fail(c, LL_INVALID, "invalid_field", "title");
    if (!body || utf8_chars(body) < 2 || utf8_chars(body) > 500) return ctx_fail(c, LL_INVALID, "invalid_field", "body");
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_CAMPAIGN);
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st)) goto fail;
    *sent = db_changes(c->db);
    if (audit_append(c, "marketing.sent", c->user_id, 0, arena_printf(c->arena, "{\"recipients\":%lld}", (long long)*sent)))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}
