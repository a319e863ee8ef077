/*
 * account.c — sign-in and profile (see account.h).
 *
 * Order of a code sign-in: check the code without using it up, then the
 * policy consent (409 leaves the code usable, so the person can tick the
 * box and retry), then in one transaction use the code, create or update
 * the account, record consent, open a session and audit it. A failure at
 * any step leaves no account and no session behind.
 */
#include "domain/account.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/result.h"
#include "domain/policy.h"
#include "domain/ratelimit.h"
#include "domain/session.h"
#include "domain/sms.h"
#include "domain/validate.h"
#include "domain/listing.h"
#include "domain/membership.h"
#include "domain/order.h"
#include "domain/minor.h"
#include "privacy/subject.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "privacy/share.h"
#include "store/db.h"
#include "base/gate.h"
#include "base/mem.h"
#include <ctype.h>
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

int acct_phone_normalize(const char *in, char out[ACCT_PHONE_LEN + 1])
{
    char digits[32];
    size_t n = 0;
    if (!in || strlen(in) > 24) return LL_INVALID;
    const char *p = in;
    if (*p == '+') {
        if (strncmp(p, "+86", 3) != 0) return LL_INVALID; /* another country's number */
        p += 3;
    }
    for (; *p; p++) {
        if (*p == ' ' || *p == '-') continue;
        if (!isdigit((unsigned char)*p) || n + 1 >= sizeof digits) return LL_INVALID;
        digits[n++] = *p;
    }
    digits[n] = '\0';
    const char *d = digits;
    if (n == 15 && !strncmp(d, "0086", 4)) d += 4, n -= 4;
    else if (n == 13 && !strncmp(d, "86", 2)) d += 2, n -= 2;
    if (n != ACCT_PHONE_LEN || d[0] != '1' || d[1] < '3' || d[1] > '9') return LL_INVALID;
    memcpy(out, d, ACCT_PHONE_LEN + 1);
    return LL_OK;
}

static bool valid_purpose(const char *p)
{
    return p && (!strcmp(p, "login") || !strcmp(p, "password") || !strcmp(p, "cancel"));
}

static void code_hash(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], const char *code, uint8_t out[VAULT_BLIND_LEN])
{
    uint8_t msg[VAULT_BLIND_LEN + 8];
    memcpy(msg, bi, VAULT_BLIND_LEN);
    memcpy(msg + VAULT_BLIND_LEN, code, 6);
    vault_blind(c->vault, VAULT_BI_CODE, msg, VAULT_BLIND_LEN + 6, out);
}

static const char SQL_RECENT[] =
    "SELECT max(created_at), count(*), min(created_at) FROM sms_codes WHERE phone_bi = ? AND created_at > ?";
static const char SQL_RETIRE[] = "UPDATE sms_codes SET used = 1 WHERE phone_bi = ? AND purpose = ? AND used = 0";
static const char SQL_NEW_CODE[] =
    "INSERT INTO sms_codes(phone_bi, purpose, code_hash, created_at, expires_at) VALUES (?,?,?,?,?)";

/* Per-number limits, counted from the codes themselves: an interval and a daily cap. */
static int number_limits(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN])
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_RECENT);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, bi, VAULT_BLIND_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->now - 86400);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return LL_ERR;
    }
    int64_t last = sqlite3_column_int64(st, 0);
    int today = sqlite3_column_int(st, 1);
    int64_t oldest = sqlite3_column_int64(st, 2);
    bool any = sqlite3_column_type(st, 0) != SQLITE_NULL;
    sqlite3_reset(st);
    if (any && c->now - last < c->conf->sms_interval_s) {
        c->retry_after = (int)(last + c->conf->sms_interval_s - c->now);
        return ctx_fail(c, LL_LIMIT, "rate_limited", "phone");
    }
    if (today >= c->conf->sms_per_number_day) {
        c->retry_after = (int)(oldest + 86400 - c->now); /* the window is a rolling day */
        return ctx_fail(c, LL_LIMIT, "rate_limited", "phone");
    }
    return LL_OK;
}

static int store_code(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], const char *purpose, const char *code)
{
    uint8_t h[VAULT_BLIND_LEN];
    code_hash(c, bi, code, h);
    sqlite3_stmt *st = db_stmt(c->db, SQL_RETIRE);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, bi, VAULT_BLIND_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
    if (db_run(c->db, st)) return LL_ERR;
    st = db_stmt(c->db, SQL_NEW_CODE);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, bi, VAULT_BLIND_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, h, sizeof h, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    sqlite3_bind_int64(st, 5, c->now + c->conf->code_ttl_s);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static const char *code_text(ctx_t *c, const char *purpose, const char *code)
{
    if (!strcmp(purpose, "guardian")) /* to the guardian: no name, no number, nothing of the child's */
        return arena_printf(c->arena,
                            "【邻里】有未成年人申请由您作为监护人同意其使用邻里。如您同意，验证码是%s，%d分钟内有效；"
                            "如不同意，请忽略本短信。",
                            code, c->conf->code_ttl_s / 60);
    const char *what = !strcmp(purpose, "cancel")     ? "注销账号"
                       : !strcmp(purpose, "password") ? "设置登录密码"
                                                      : "登录";
    return arena_printf(c->arena, "【邻里】您的%s验证码是%s，%d分钟内有效。请勿告诉他人。", what, code,
                        c->conf->code_ttl_s / 60);
}

static const char SQL_USER_BY_BI[] = "SELECT id FROM users WHERE phone_bi = ?";

/*
 * E1: the HTTP gateway hands the number to the SMS provider, a third party; the
 * local outbox does not leave the platform and records nothing. A code to a
 * guardian shares the child's declared guardian_phone (the child is the
 * person); any other code shares users.phone of the account holding the
 * number (0 for a newcomer), whoever is signed in.
 */
static int record_gateway_share(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], const char *purpose)
{
    if (strcmp(c->conf->sms_gateway, "http")) return LL_OK;
    bool guardian = !strcmp(purpose, "guardian");
    int64_t uid = guardian ? c->user_id : 0;
    if (!guardian) {
        sqlite3_stmt *st = db_stmt(c->db, SQL_USER_BY_BI);
        if (!st) return LL_ERR;
        sqlite3_bind_blob(st, 1, bi, VAULT_BLIND_LEN, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) uid = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    }
    return share_record_sms(c, pi_fields[guardian ? PI_USER_GUARDIAN_PHONE : PI_USER_PHONE].ad,
                            guardian ? SHARE_BASIS_LAW : SHARE_BASIS_CONTRACT, uid);
}

static int send_code(ctx_t *c, const char *phone, const char *purpose);
static int drop_shredded(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN]);

int acct_send_code(ctx_t *c, const char *phone_in, const char *purpose)
{
    char phone[ACCT_PHONE_LEN + 1];
    if (!valid_purpose(purpose)) return ctx_fail(c, LL_INVALID, "invalid_field", "purpose");
    if (acct_phone_normalize(phone_in, phone)) return ctx_fail(c, LL_INVALID, "invalid_phone", "phone");
    return send_code(c, phone, purpose);
}

/* The per-client hourly limit on codes, counted before any transaction. */
static int client_limit(ctx_t *c)
{
    int limited = c->client ? rl_hit(c, "sms-ip", c->client, 3600, c->conf->sms_per_ip_hour) : LL_OK;
    if (limited == LL_ERR || !limited) return limited;
    audit_append(c, "auth.code_refused", 0, 0, "{\"reason\":\"ip_rate\"}");
    return ctx_fail(c, LL_LIMIT, "rate_limited", NULL);
}

/*
 * Inside the caller's transaction: the per-number limits, then a new code
 * stored, audited and its share recorded. LL_LIMIT leaves an audit entry the
 * caller should commit; any other failure, roll back.
 */
static int code_issue(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], const char *purpose, char code[8])
{
    int res = number_limits(c, bi);
    if (res == LL_LIMIT) {
        audit_append(c, "auth.code_refused", 0, 0, "{\"reason\":\"number_rate\"}");
        return res;
    }
    snprintf(code, 8, "%06u", (unsigned)randombytes_uniform(1000000));
    if (res || store_code(c, bi, purpose, code) ||
        audit_append(c, "auth.code_sent", c->user_id, 0, arena_printf(c->arena, "{\"purpose\":\"%s\"}", purpose)) ||
        record_gateway_share(c, bi, purpose))
        return LL_ERR;
    return LL_OK;
}

/*
 * Sends the code as the last step inside the transaction, then commits: if
 * the gateway refuses, no code row (and no share record) is left behind.
 */
static int code_deliver(ctx_t *c, const char *phone, const char *purpose, const char *code)
{
    if (c->sms->send(c->sms, phone, code_text(c, purpose, code), code, purpose, c->now)) {
        db_rollback(c->db);
        return ctx_fail(c, LL_ERR, "sms_unavailable", NULL);
    }
    return db_commit(c->db) ? LL_ERR : LL_OK;
}

/* Limits, stores and sends a code for a normalised number. */
static int send_code(ctx_t *c, const char *phone, const char *purpose)
{
    char code[8];
    uint8_t bi[VAULT_BLIND_LEN];
    vault_blind(c->vault, VAULT_BI_PHONE, phone, ACCT_PHONE_LEN, bi);
    int res = client_limit(c);
    if (res) return res;
    if (drop_shredded(c, bi) || db_begin(c->db)) return LL_ERR;
    if ((res = code_issue(c, bi, purpose, code))) {
        if (res == LL_LIMIT) db_commit(c->db);
        else db_rollback(c->db);
        return res;
    }
    return code_deliver(c, phone, purpose, code);
}

static const char SQL_CODE[] = "SELECT id, code_hash, tries FROM sms_codes WHERE phone_bi = ? AND purpose = ? "
                               "AND used = 0 AND expires_at > ? ORDER BY created_at DESC, id DESC LIMIT 1";
static const char SQL_CODE_TRY[] = "UPDATE sms_codes SET tries = tries + 1 WHERE id = ?";
static const char SQL_CODE_USE[] = "UPDATE sms_codes SET used = 1 WHERE id = ? AND used = 0";

static bool code_shape_ok(const char *code)
{
    if (!code || strlen(code) != 6) return false;
    for (int i = 0; i < 6; i++)
        if (!isdigit((unsigned char)code[i])) return false;
    return true;
}

/* Checks a code; on success *code_id names the row to use up. Wrong tries are counted. */
static int check_code(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], const char *purpose, const char *code,
                      int64_t *code_id)
{
    uint8_t h[VAULT_BLIND_LEN];
    sqlite3_stmt *st = db_stmt(c->db, SQL_CODE);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, bi, VAULT_BLIND_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? ctx_fail(c, LL_EXPIRED, "code_expired", "code") : LL_ERR;
    }
    int64_t id = sqlite3_column_int64(st, 0);
    int tries = sqlite3_column_int(st, 2);
    bool match = false;
    if (code_shape_ok(code) && sqlite3_column_bytes(st, 1) == VAULT_BLIND_LEN) {
        code_hash(c, bi, code, h);
        match = sodium_memcmp(h, sqlite3_column_blob(st, 1), VAULT_BLIND_LEN) == 0;
    }
    sqlite3_reset(st);
    if (tries >= c->conf->code_max_tries) return ctx_fail(c, LL_LIMIT, "code_tries_exceeded", "code");
    if (!match) {
        st = db_stmt(c->db, SQL_CODE_TRY);
        if (!st) return LL_ERR;
        sqlite3_bind_int64(st, 1, id);
        if (db_run(c->db, st)) return LL_ERR;
        return ctx_fail(c, tries + 1 >= c->conf->code_max_tries ? LL_LIMIT : LL_INVALID,
                        tries + 1 >= c->conf->code_max_tries ? "code_tries_exceeded" : "code_invalid", "code");
    }
    *code_id = id;
    return LL_OK;
}

static int use_code(ctx_t *c, int64_t code_id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_CODE_USE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, code_id);
    if (db_run(c->db, st)) return LL_ERR;
    /* a concurrent sign-in used it first */
    return db_changes(c->db) == 1 ? LL_OK : ctx_fail(c, LL_EXPIRED, "code_expired", "code");
}

typedef struct {
    int64_t id;
    int policy_version;
    const char *password_hash;
} account_row_t;

static const char SQL_BY_PHONE[] =
    "SELECT u.id, u.policy_version, u.password_hash, k.user_id IS NOT NULL FROM users u "
    "LEFT JOIN keys.deks k ON k.user_id = u.id WHERE u.phone_bi = ? AND u.status = 'active'";

/* The row of the account with this number, whether or not its data key still exists. */
static int account_row(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], account_row_t *a, bool *keyless)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_BY_PHONE);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, bi, VAULT_BLIND_LEN, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        a->id = sqlite3_column_int64(st, 0);
        a->policy_version = sqlite3_column_int(st, 1);
        const char *ph = (const char *)sqlite3_column_text(st, 2);
        a->password_hash = ph ? arena_strdup(c->arena, ph) : NULL;
        *keyless = !sqlite3_column_int(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

/*
 * LL_OK with the row, LL_NOTFOUND when no account has this number. An account
 * without a data key was cancelled after the backup this database was
 * restored from: it counts as gone (drop_shredded finishes it off).
 */
static int find_account(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], account_row_t *a)
{
    bool keyless = false;
    int res = account_row(c, bi, a, &keyless);
    if (res == LL_OK && keyless) {
        memset(a, 0, sizeof(*a));
        return LL_NOTFOUND;
    }
    return res;
}

/* Erases what is left of a keyless account with this number, so the number can sign up again (G4). */
static int drop_shredded(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN])
{
    account_row_t a = {0};
    bool keyless = false;
    int res = account_row(c, bi, &a, &keyless);
    if (res != LL_OK || !keyless) return res == LL_NOTFOUND ? LL_OK : res;
    json_t *receipt = NULL;
    res = acct_erase(c, a.id, "data_key_destroyed", &receipt);
    json_decref(receipt);
    return res;
}

static const char SQL_CONSENT[] =
    "INSERT INTO consents(user_id, purpose, policy_version, granted, at) VALUES (?, 'policy', ?, 1, ?)";
static const char SQL_SET_POLICY[] = "UPDATE users SET policy_version = ?, updated_at = ? WHERE id = ?";

int acct_accept_policy(ctx_t *c, int64_t uid, int version)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_CONSENT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    st = db_stmt(c->db, SQL_SET_POLICY);
    if (!st) return LL_ERR;
    sqlite3_bind_int(st, 1, version);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_int64(st, 3, uid);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

/* Decides whether the sign-in may go ahead; *accept is the version to record, 0 for none. */
static int consent_gate(ctx_t *c, const account_row_t *a, bool exists, int accept_version, int *accept)
{
    policy_t cur;
    bool needs = true;
    *accept = 0;
    if (policy_current(c, &cur)) return LL_ERR;
    if (exists && policy_needs_consent(c, a->policy_version, &needs)) return LL_ERR;
    if (accept_version && accept_version != cur.id) return ctx_fail(c, LL_CONFLICT, "consent_required", NULL);
    if (needs && !accept_version) return ctx_fail(c, LL_CONFLICT, "consent_required", NULL);
    if (accept_version && (!exists || a->policy_version != cur.id)) *accept = cur.id;
    return LL_OK;
}

static const char SQL_NEW_USER[] = "INSERT INTO users(phone_bi, phone, policy_version, created_at, updated_at) "
                                   "VALUES (?,?,?,?,?)";

static int create_account(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], const char *phone, int version,
                          uint8_t dek[VAULT_KEY_LEN], int64_t *uid)
{
    uint8_t wrapped[VAULT_WRAPPED_LEN];
    size_t n;
    vault_dek_new(c->vault, dek, wrapped);
    uint8_t *sealed = pi_seal(c->arena, PI_USER_PHONE, dek, phone, strlen(phone), &n);
    sqlite3_stmt *st = db_stmt(c->db, SQL_NEW_USER);
    if (!st) return LL_ERR;
    sqlite3_bind_blob(st, 1, bi, VAULT_BLIND_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, sealed, (int)n, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, version);
    sqlite3_bind_int64(st, 4, c->now);
    sqlite3_bind_int64(st, 5, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    *uid = db_last_id(c->db);
    return pi_subject_key_store(c, *uid, wrapped); /* the key store, not the users row (G4, F7) */
}

/* The transactional half of a sign-in, shared by code and password. */
static int finish_login(ctx_t *c, const uint8_t bi[VAULT_BLIND_LEN], const char *phone, account_row_t *a,
                        bool exists, int accept, int64_t code_id, const char *method, acct_login_t *out)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = LL_ERR;
    memset(out, 0, sizeof(*out));
    if (db_begin(c->db)) return LL_ERR;
    if (code_id && (res = use_code(c, code_id))) goto fail;
    res = LL_ERR;
    if (!exists) {
        if (create_account(c, bi, phone, accept, dek, &a->id)) goto fail;
        out->created = true;
    } else if (pi_subject_key(c, a->id, dek)) {
        goto fail;
    }
    if (accept && acct_accept_policy(c, a->id, accept)) goto fail;
    if (sess_create(c, a->id, dek, &out->token, &out->session_id)) goto fail;
    const char *detail = arena_printf(c->arena, "{\"method\":\"%s\",\"new_account\":%s,\"session\":%lld}", method,
                                      out->created ? "true" : "false", (long long)out->session_id);
    if (audit_append(c, "auth.login", a->id, a->id, detail)) goto fail;
    if (db_commit(c->db)) goto fail;
    out->user_id = a->id;
    sodium_memzero(dek, sizeof dek);
    return LL_OK;
fail:
    sodium_memzero(dek, sizeof dek);
    db_rollback(c->db);
    memset(out, 0, sizeof(*out));
    return res;
}

static void audit_failure(ctx_t *c, int64_t uid, const char *method)
{
    const char *detail =
        arena_printf(c->arena, "{\"method\":\"%s\",\"reason\":\"%s\"}", method, c->err_code ? c->err_code : "error");
    audit_append(c, "auth.login_failed", 0, uid, detail);
}

int acct_login_code(ctx_t *c, const char *phone_in, const char *code, int accept_version, acct_login_t *out)
{
    char phone[ACCT_PHONE_LEN + 1];
    uint8_t bi[VAULT_BLIND_LEN];
    account_row_t a = {0};
    int64_t code_id = 0;
    int accept;
    if (acct_phone_normalize(phone_in, phone)) return ctx_fail(c, LL_INVALID, "invalid_phone", "phone");
    vault_blind(c->vault, VAULT_BI_PHONE, phone, ACCT_PHONE_LEN, bi);
    int res = find_account(c, bi, &a);
    if (res != LL_OK && res != LL_NOTFOUND) return res;
    bool exists = res == LL_OK;
    if ((res = check_code(c, bi, "login", code, &code_id))) {
        if (res != LL_ERR) audit_failure(c, a.id, "sms");
        return res;
    }
    if ((res = consent_gate(c, &a, exists, accept_version, &accept))) return res;
    res = finish_login(c, bi, phone, &a, exists, accept, code_id, "sms", out);
    if (res != LL_OK && res != LL_ERR) audit_failure(c, a.id, "sms");
    return res;
}

/*
 * The hash of a random, forgotten password with the same cost parameters:
 * verified when the number has no account or no password, so every failed
 * password sign-in costs one Argon2id and timing tells nothing.
 */
static const char DECOY_HASH[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$ybfF9ZaFyT/20hmTaLhE/A$KyBRUgHqlmzKG9sik1Vq8e8RGDi7mCdcqF2IfLW3FQQ";

int acct_login_password(ctx_t *c, const char *phone_in, const char *password, int accept_version,
                        acct_login_t *out)
{
    char phone[ACCT_PHONE_LEN + 1];
    uint8_t bi[VAULT_BLIND_LEN];
    account_row_t a = {0};
    int accept;
    if (acct_phone_normalize(phone_in, phone)) return ctx_fail(c, LL_INVALID, "invalid_phone", "phone");
    vault_blind(c->vault, VAULT_BI_PHONE, phone, ACCT_PHONE_LEN, bi);
    int res = rl_peek(c, "pw-fail", phone, 3600, 10);
    if (res) return res;
    res = find_account(c, bi, &a);
    if (res != LL_OK && res != LL_NOTFOUND) return res;
    const char *hash = res == LL_OK && a.password_hash ? a.password_hash : DECOY_HASH;
    if (gate_enter(c->hash_gate, 0)) return ctx_fail(c, LL_LIMIT, "server_busy", NULL);
    bool ok = password && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 &&
              res == LL_OK && a.password_hash;
    gate_leave(c->hash_gate);
    if (!ok) {
        if (rl_hit(c, "pw-fail", phone, 3600, 10) == LL_ERR) return LL_ERR;
        ctx_fail(c, LL_DENIED, "login_failed", NULL);
        audit_failure(c, a.id, "password");
        return LL_DENIED;
    }
    if ((res = consent_gate(c, &a, true, accept_version, &accept))) return res;
    return finish_login(c, bi, phone, &a, true, accept, 0, "password", out);
}

int acct_find_by_phone(ctx_t *c, const char *phone_in, int64_t *uid)
{
    char phone[ACCT_PHONE_LEN + 1];
    uint8_t bi[VAULT_BLIND_LEN];
    account_row_t a;
    if (acct_phone_normalize(phone_in, phone)) return ctx_fail(c, LL_INVALID, "invalid_phone", "phone");
    vault_blind(c->vault, VAULT_BI_PHONE, phone, ACCT_PHONE_LEN, bi);
    int res = find_account(c, bi, &a);
    if (res == LL_OK) *uid = a.id;
    return res;
}

/* The profile columns, in acct_profile_t order; every one sealed with the account's key. */
static const struct {
    const char *name;
    pi_id_t field;
    size_t offset;
    int max_chars;
} profile_fields[] = {
    {"username", PI_USER_USERNAME, offsetof(acct_profile_t, username), 20},
    {"nickname", PI_USER_NICKNAME, offsetof(acct_profile_t, nickname), 20},
    {"city", PI_USER_CITY, offsetof(acct_profile_t, city), 30},
    {"hometown", PI_USER_HOMETOWN, offsetof(acct_profile_t, hometown), 30},
    {"occupation", PI_USER_OCCUPATION, offsetof(acct_profile_t, occupation), 30},
    {"position", PI_USER_POSITION, offsetof(acct_profile_t, position), 30},
    {"interests", PI_USER_INTERESTS, offsetof(acct_profile_t, interests), 400}, /* JSON of 10 x 20 */
    {"email", PI_USER_EMAIL, offsetof(acct_profile_t, email), 100},
    {"qq", PI_USER_QQ, offsetof(acct_profile_t, qq), 12},
};

static const char SQL_PROFILE[] =
    "SELECT phone, username, nickname, city, hometown, occupation, position, interests, email, qq, "
    "password_hash IS NOT NULL, policy_version, created_at, birth_year, guardian_phone, guardian_consent_at, "
    "birth_date FROM users WHERE id = ? AND status = 'active'";

static char *open_col(ctx_t *c, sqlite3_stmt *st, int col, pi_id_t f, const uint8_t *dek)
{
    char *out = NULL;
    if (sqlite3_column_type(st, col) != SQLITE_BLOB) return NULL;
    if (pi_open(c->arena, f, f == PI_USER_GUARDIAN_PHONE ? P_ACCOUNT : P_PROFILE, dek, sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col),
                &out))
        return NULL;
    return out;
}

int acct_profile_get(ctx_t *c, int64_t uid, acct_profile_t *p)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, uid, dek);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PROFILE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(p, 0, sizeof(*p));
        p->id = uid;
        p->phone = open_col(c, st, 0, PI_USER_PHONE, dek);
        for (size_t i = 0; i < ARRAY_LEN(profile_fields); i++)
            *(char **)((char *)p + profile_fields[i].offset) =
                open_col(c, st, (int)i + 1, profile_fields[i].field, dek);
        p->has_password = sqlite3_column_int(st, 10) != 0;
        p->policy_version = sqlite3_column_int(st, 11);
        p->created_at = sqlite3_column_int64(st, 12);
        p->birth_year = sqlite3_column_int(st, 13);
        p->guardian_phone = open_col(c, st, 14, PI_USER_GUARDIAN_PHONE, dek);
        p->guardian_consent_at = sqlite3_column_int64(st, 15);
        p->held = minor_held(c->now, minor_effective_year(c->now, p->birth_year, sqlite3_column_int(st, 16)),
                             p->guardian_consent_at);
    }
    sqlite3_reset(st);
    sodium_memzero(dek, sizeof dek);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}




static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

/* Format rules beyond length; the field name goes to c->err_field. */
static int validate_value(ctx_t *c, const char *name, const char *v, int max_chars)
{
    size_t n = utf8_chars(v);
    if (n == 0 || n > (size_t)max_chars || has_control(v)) return ctx_fail(c, LL_INVALID, "invalid_field", name);
    if (!strcmp(name, "email") && !valid_email(v)) return ctx_fail(c, LL_INVALID, "invalid_field", name);
    if (!strcmp(name, "qq") && (!all_digits(v) || n < 5 || v[0] == '0'))
        return ctx_fail(c, LL_INVALID, "invalid_field", name);
    /* a user name of digits only could pass for someone's phone number */
    if (!strcmp(name, "username") && (n < 2 || all_digits(v))) return ctx_fail(c, LL_INVALID, "invalid_field", name);
    return LL_OK;
}

static const char *const SQL_SET[] = {
    "UPDATE users SET username = ?2 WHERE id = ?1",   "UPDATE users SET nickname = ?2 WHERE id = ?1",
    "UPDATE users SET city = ?2 WHERE id = ?1",       "UPDATE users SET hometown = ?2 WHERE id = ?1",
    "UPDATE users SET occupation = ?2 WHERE id = ?1", "UPDATE users SET position = ?2 WHERE id = ?1",
    "UPDATE users SET interests = ?2 WHERE id = ?1",  "UPDATE users SET email = ?2 WHERE id = ?1",
    "UPDATE users SET qq = ?2 WHERE id = ?1",
};
static const char SQL_SET_USERNAME_BI[] = "UPDATE users SET username_bi = ?2 WHERE id = ?1";
static const char SQL_USERNAME_TAKEN[] = "SELECT 1 FROM users WHERE username_bi = ? AND id <> ?";
static const char SQL_TOUCH_USER[] = "UPDATE users SET updated_at = ? WHERE id = ?";

static int set_username_index(ctx_t *c, int64_t uid, const char *v)
{
    uint8_t bi[VAULT_BLIND_LEN];
    sqlite3_stmt *st;
    if (v) {
        vault_blind(c->vault, VAULT_BI_USERNAME, v, strlen(v), bi);
        st = db_stmt(c->db, SQL_USERNAME_TAKEN);
        if (!st) return LL_ERR;
        sqlite3_bind_blob(st, 1, bi, sizeof bi, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, uid);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_ROW) return ctx_fail(c, LL_CONFLICT, "username_taken", "username");
        if (rc != SQLITE_DONE) return LL_ERR;
    }
    st = db_stmt(c->db, SQL_SET_USERNAME_BI);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    if (v) sqlite3_bind_blob(st, 2, bi, sizeof bi, SQLITE_TRANSIENT);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

typedef struct {
    int birth_year; /* effective: a verified date of birth counts over the declared year */
    int64_t consent_at, held_since;
    bool verified;
} age_row_t;

static const char SQL_AGE_ROW[] =
    "SELECT birth_year, guardian_consent_at, held_since, birth_date FROM users WHERE id = ?";
static const char SQL_SET_BIRTH_YEAR[] = "UPDATE users SET birth_year = ?2, held_since = ?3 WHERE id = ?1";

static int age_row(ctx_t *c, int64_t uid, age_row_t *a)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_AGE_ROW);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        a->birth_year = minor_effective_year(c->now, sqlite3_column_int(st, 0), sqlite3_column_int(st, 3));
        a->consent_at = sqlite3_column_int64(st, 1);
        a->held_since = sqlite3_column_int64(st, 2);
        a->verified = sqlite3_column_int(st, 3) > 0;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

/*
 * H1: sets or clears the declared birth year. A change may make the person
 * younger but never lift an age rule (a held child cannot type an older year
 * to get out); a correction that would is support's, not self-service.
 * Becoming a child without a guardian's consent starts the H2 clock.
 */
static int set_birth_year(ctx_t *c, int64_t uid, const char *v)
{
    age_row_t a;
    int year = 0, res;
    if (v) {
        char *end;
        long y = strtol(v, &end, 10);
        if (*end || y < MINOR_FIRST_YEAR || y > minor_year(c->now))
            return ctx_fail(c, LL_INVALID, "invalid_field", "birth_year");
        year = (int)y;
    }
    if ((res = age_row(c, uid, &a))) return res;
    if (a.verified) return ctx_fail(c, LL_CONFLICT, "birth_year_locked", "birth_year"); /* H1: the ID's date counts */
    if (a.birth_year && minor_bracket(c->now, year) > minor_bracket(c->now, a.birth_year))
        return ctx_fail(c, LL_CONFLICT, "birth_year_locked", "birth_year");
    int64_t held_since = minor_held(c->now, year, a.consent_at) ? (a.held_since ? a.held_since : c->now) : 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_SET_BIRTH_YEAR);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    if (year) sqlite3_bind_int(st, 2, year);
    if (held_since) sqlite3_bind_int64(st, 3, held_since);
    if (db_run(c->db, st)) return LL_ERR;
    /* H1: a held child's listings leave publication; a minor's adults-only ones too */
    if (held_since) return listing_withdraw(c, uid, false);
    if (year && minor_bracket(c->now, year) != AGE_ADULT) return listing_withdraw(c, uid, true);
    return LL_OK;
}

static int apply_change(ctx_t *c, int64_t uid, const uint8_t *dek, const acct_change_t *ch)
{
    if (!strcmp(ch->name, "birth_year")) return set_birth_year(c, uid, ch->value);
    for (size_t i = 0; i < ARRAY_LEN(profile_fields); i++) {
        if (strcmp(profile_fields[i].name, ch->name)) continue;
        int res;
        if (ch->value && (res = validate_value(c, ch->name, ch->value, profile_fields[i].max_chars))) return res;
        if (profile_fields[i].field == PI_USER_USERNAME && (res = set_username_index(c, uid, ch->value)))
            return res;
        sqlite3_stmt *st = db_stmt(c->db, SQL_SET[i]);
        if (!st) return LL_ERR;
        sqlite3_bind_int64(st, 1, uid);
        if (ch->value) {
            size_t n;
            uint8_t *b = pi_seal(c->arena, profile_fields[i].field, dek, ch->value, strlen(ch->value), &n);
            sqlite3_bind_blob(st, 2, b, (int)n, SQLITE_STATIC);
        }
        return db_run(c->db, st) ? LL_ERR : LL_OK;
    }
    return ctx_fail(c, LL_INVALID, "unknown_field", ch->name);
}

int acct_profile_update(ctx_t *c, int64_t uid, const acct_change_t *changes, int n)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, uid, dek);
    if (res) return res;
    if (db_begin(c->db)) return LL_ERR;
    bool others = false;
    for (int i = 0; i < n; i++) {
        if ((res = apply_change(c, uid, dek, &changes[i]))) goto fail;
        others |= strcmp(changes[i].name, "birth_year") != 0;
    }
    /* H1: while held (before or after these changes) nothing but the birth year is processed */
    age_row_t a;
    if (others && (c->held || ((res = age_row(c, uid, &a)) == LL_OK && minor_held(c->now, a.birth_year, a.consent_at)))) {
        res = ctx_fail(c, LL_DENIED, "guardian_consent_required", NULL);
        goto fail;
    }
    if (res) goto fail;
    sqlite3_stmt *st = db_stmt(c->db, SQL_TOUCH_USER);
    res = LL_ERR;
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_int64(st, 2, uid);
    if (db_run(c->db, st)) goto fail;
    sodium_memzero(dek, sizeof dek);
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    sodium_memzero(dek, sizeof dek);
    db_rollback(c->db);
    return res;
}

static const char SQL_PHONE_OF[] = "SELECT phone_bi FROM users WHERE id = ?";
static const char SQL_SET_PASSWORD[] = "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?";

/* The blind index of an account's phone; LL_NOTFOUND if the account is gone, LL_ERR if malformed. */
static int phone_index_of(ctx_t *c, int64_t uid, uint8_t bi[VAULT_BLIND_LEN])
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHONE_OF);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st), res = rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == VAULT_BLIND_LEN) {
        memcpy(bi, sqlite3_column_blob(st, 0), VAULT_BLIND_LEN);
        res = LL_OK;
    }
    sqlite3_reset(st);
    return res;
}

static const char SQL_END_OTHERS[] = "DELETE FROM sessions WHERE user_id = ? AND id <> ?";

int acct_password_set(ctx_t *c, int64_t uid, const char *code, const char *password)
{
    uint8_t bi[VAULT_BLIND_LEN];
    char hash[crypto_pwhash_STRBYTES];
    int64_t code_id;
    size_t n = password ? strlen(password) : 0, chars = password ? utf8_chars(password) : 0;
    if (chars < 8 || chars > 128) return ctx_fail(c, LL_INVALID, "weak_password", "password");
    int res = phone_index_of(c, uid, bi);
    if (res) return res;
    res = check_code(c, bi, "password", code, &code_id);
    if (res) return res;
    if (gate_enter(c->hash_gate, 0)) return ctx_fail(c, LL_LIMIT, "server_busy", NULL);
    int hashed = crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE);
    gate_leave(c->hash_gate);
    if (hashed) return LL_ERR;
    if (db_begin(c->db)) return LL_ERR;
    if ((res = use_code(c, code_id))) goto fail;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_SET_PASSWORD);
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_int64(st, 3, uid);
    if (db_run(c->db, st)) goto fail;
    /* whoever knew the old password is signed out everywhere else */
    if (!(st = db_stmt(c->db, SQL_END_OTHERS))) goto fail;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_int64(st, 2, c->session_id);
    if (db_run(c->db, st) || audit_append(c, "auth.password_set", uid, uid, NULL)) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

/*
 * Inside an open transaction: listings leave the indexes, every owned row is
 * erased per the declarations (the data key too), the audit entry is written
 * with actor (0 = the system, no person), then commit and the photo files go.
 * Rolls back on any failure.
 */
static int erase_and_commit(ctx_t *c, int64_t uid, int64_t actor, const char *event, const char *detail,
                            json_t **receipt)
{
    const char **files = NULL;
    *receipt = NULL;
    int64_t orders = 0, vip_orders = 0;
    if (listing_erase_prepare(c, uid, &files) || order_erase_prepare(c, uid, &orders) ||
        vip_erase_prepare(c, uid, &vip_orders) ||
        subject_erase(c, uid, receipt))
        goto fail;
    if (orders) /* G4: the merchant keeps the transaction record the law requires, no longer tied to the person */
        json_array_append_new(json_object_get(*receipt, "kept"),
                              json_pack("{s:s, s:s}", "table", "orders", "reason",
                                        "电子商务法要求保存的交易记录（订单号、服务项目、金额、时间，三年）；已删除其中您的账号、地址、电话和区县，无法再关联到您"));
    if (audit_append(c, event, actor, uid, detail) || db_commit(c->db)) goto fail;
    listing_unlink_photos(c, files);
    return LL_OK;
fail:
    json_decref(*receipt);
    *receipt = NULL;
    db_rollback(c->db);
    return LL_ERR;
}

int acct_cancel(ctx_t *c, int64_t uid, const char *code, json_t **receipt)
{
    uint8_t bi[VAULT_BLIND_LEN];
    int64_t code_id;
    int res = phone_index_of(c, uid, bi);
    if (res) return res;
    res = check_code(c, bi, "cancel", code, &code_id);
    if (res) return res;
    if (db_begin(c->db)) return LL_ERR;
    if ((res = use_code(c, code_id))) goto fail;
    return erase_and_commit(c, uid, uid, "account.cancelled", NULL, receipt);
fail:
    db_rollback(c->db);
    return res;
}

int acct_erase(ctx_t *c, int64_t uid, const char *reason, json_t **receipt)
{
    *receipt = NULL;
    if (db_begin(c->db)) return LL_ERR;
    return erase_and_commit(c, uid, 0, "account.erased",
                            arena_printf(c->arena, "{\"reason\":\"%s\"}", reason), receipt);
}

/* accounts past their first hour whose key is gone; and whether the key store holds any key at all */
static const char SQL_KEYLESS[] =
    "SELECT u.id FROM users u WHERE u.created_at < ?1 "
    "AND NOT EXISTS (SELECT 1 FROM keys.deks k WHERE k.user_id = u.id) "
    "AND EXISTS (SELECT 1 FROM keys.deks) LIMIT 500";
static const char SQL_ORPHAN_KEYS[] =
    "DELETE FROM keys.deks WHERE created_at < ?1 AND user_id NOT IN (SELECT id FROM users)";

int acct_sweep_keys(ctx_t *c, int64_t *erased, int64_t *orphans)
{
    int64_t ids[500];
    int n = 0, rc;
    *erased = *orphans = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_KEYLESS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now - 3600); /* an account is made with its key in one transaction */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 500) ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return LL_ERR;
    for (int i = 0; i < n; i++) {
        json_t *receipt = NULL;
        int res = acct_erase(c, ids[i], "data_key_destroyed", &receipt);
        json_decref(receipt);
        if (res) return res;
        (*erased)++;
    }
    if (!(st = db_stmt(c->db, SQL_ORPHAN_KEYS))) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now - 3600);
    if (db_run(c->db, st)) return LL_ERR;
    *orphans = db_changes(c->db);
    /* the deleted keys' old pages must not linger in the key store's WAL */
    sqlite3_exec(db_handle(c->db), "PRAGMA keys.wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    return LL_OK;
}

static const char SQL_GUARDIAN_ROW[] =
    "SELECT phone_bi, birth_year, guardian_consent_at, guardian_phone, birth_date FROM users WHERE id = ? AND status = 'active'";
static const char SQL_SET_GUARDIAN[] = "UPDATE users SET guardian_phone = ?, updated_at = ? WHERE id = ?";
static const char SQL_GUARDIAN_CONSENT[] =
    "UPDATE users SET guardian_consent_at = ?1, held_since = NULL, updated_at = ?1 WHERE id = ?2";

typedef struct {
    uint8_t phone_bi[VAULT_BLIND_LEN];
    int birth_year;
    int64_t consent_at;
    char *guardian_phone;
} guardian_row_t;

static int guardian_row(ctx_t *c, int64_t uid, const uint8_t *dek, guardian_row_t *g)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_GUARDIAN_ROW);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) != VAULT_BLIND_LEN) rc = SQLITE_CORRUPT;
    if (rc == SQLITE_ROW) {
        memcpy(g->phone_bi, sqlite3_column_blob(st, 0), VAULT_BLIND_LEN);
        g->birth_year = minor_effective_year(c->now, sqlite3_column_int(st, 1), sqlite3_column_int(st, 4));
        g->consent_at = sqlite3_column_int64(st, 2);
        g->guardian_phone = dek ? open_col(c, st, 3, PI_USER_GUARDIAN_PHONE, dek) : NULL;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

/* H1: one transaction stores the guardian's number, the code and its share record; the SMS goes last. */
static int guardian_store_and_send(ctx_t *c, int64_t uid, const char *phone, const uint8_t bi[VAULT_BLIND_LEN],
                                   const uint8_t *sealed, size_t n)
{
    char code[8];
    if (db_begin(c->db)) return LL_ERR;
    int res = code_issue(c, bi, "guardian", code);
    if (res == LL_LIMIT) {
        db_commit(c->db); /* keeps the refusal's audit entry */
        return res;
    }
    sqlite3_stmt *st = res ? NULL : db_stmt(c->db, SQL_SET_GUARDIAN);
    if (!st) goto fail;
    sqlite3_bind_blob(st, 1, sealed, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_int64(st, 3, uid);
    if (db_run(c->db, st)) goto fail;
    return code_deliver(c, phone, "guardian", code);
fail:
    db_rollback(c->db);
    return LL_ERR;
}

int acct_guardian_request(ctx_t *c, int64_t uid, const char *phone_in)
{
    char phone[ACCT_PHONE_LEN + 1];
    uint8_t bi[VAULT_BLIND_LEN], dek[VAULT_KEY_LEN];
    guardian_row_t g;
    int res = guardian_row(c, uid, NULL, &g);
    if (res) return res;
    if (!g.birth_year || minor_bracket(c->now, g.birth_year) == AGE_ADULT)
        return ctx_fail(c, LL_CONFLICT, "not_a_minor", "birth_year");
    if (g.consent_at) return ctx_fail(c, LL_CONFLICT, "guardian_consented", NULL);
    if (acct_phone_normalize(phone_in, phone)) return ctx_fail(c, LL_INVALID, "invalid_phone", "guardian_phone");
    vault_blind(c->vault, VAULT_BI_PHONE, phone, ACCT_PHONE_LEN, bi);
    if (!sodium_memcmp(bi, g.phone_bi, VAULT_BLIND_LEN))
        return ctx_fail(c, LL_INVALID, "guardian_same_phone", "guardian_phone");
    if ((res = pi_subject_key(c, uid, dek))) return res;
    size_t n;
    uint8_t *sealed = pi_seal(c->arena, PI_USER_GUARDIAN_PHONE, dek, phone, strlen(phone), &n);
    sodium_memzero(dek, sizeof dek);
    if ((res = client_limit(c))) return res;
    return guardian_store_and_send(c, uid, phone, bi, sealed, n);
}

int acct_guardian_confirm(ctx_t *c, int64_t uid, const char *code)
{
    uint8_t bi[VAULT_BLIND_LEN], dek[VAULT_KEY_LEN];
    guardian_row_t g;
    int64_t code_id;
    int res = pi_subject_key(c, uid, dek);
    if (res) return res;
    res = guardian_row(c, uid, dek, &g);
    sodium_memzero(dek, sizeof dek);
    if (res) return res;
    if (g.consent_at) return ctx_fail(c, LL_CONFLICT, "guardian_consented", NULL);
    if (!g.guardian_phone) return ctx_fail(c, LL_CONFLICT, "guardian_not_requested", "guardian_phone");
    vault_blind(c->vault, VAULT_BI_PHONE, g.guardian_phone, strlen(g.guardian_phone), bi);
    if ((res = check_code(c, bi, "guardian", code, &code_id))) return res;
    if (db_begin(c->db)) return LL_ERR;
    if ((res = use_code(c, code_id))) goto fail;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_GUARDIAN_CONSENT);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_int64(st, 2, uid);
    if (db_run(c->db, st) || audit_append(c, "guardian.consented", uid, uid, NULL)) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

int acct_accept_current_policy(ctx_t *c, int64_t uid, int version)
{
    policy_t cur;
    int res = policy_current(c, &cur);
    if (res) return res;
    if (version != cur.id) return ctx_fail(c, LL_CONFLICT, "consent_required", "version");
    if (db_begin(c->db)) return LL_ERR;
    if (acct_accept_policy(c, uid, cur.id) ||
        audit_append(c, "policy.accepted", uid, uid, arena_printf(c->arena, "{\"policy\":%d}", cur.id))) {
        db_rollback(c->db);
        return LL_ERR;
    }
    return db_commit(c->db) ? LL_ERR : LL_OK;
}
