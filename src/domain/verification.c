/*
 * verification.c — real-name verification (see verification.h).
 *
 * Invariant: a verifications row exists only with a granted
 * "sensitive_identity" consent at the time it was written and a MATCH from
 * the verifier; users.birth_date is set in the same transaction and cleared
 * with the row.
 */
#include "domain/verification.h"
#include "base/arena.h"
#include "base/result.h"
#include "domain/consent.h"
#include "domain/idcheck.h"
#include "domain/listing.h"
#include "domain/minor.h"
#include "domain/validate.h"
#include "domain/verifier.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "privacy/share.h"
#include "store/db.h"
#include <sodium.h>
#include <string.h>

#define CONSENT_SLUG "sensitive_identity"

static const char SQL_EXISTS[] = "SELECT 1 FROM verifications WHERE user_id = ?";
static const char SQL_PHONE[] = "SELECT phone FROM users WHERE id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO verifications(user_id, name, id_number, bank_card, method, verified_at) VALUES (?,?,?,?,?,?)";
static const char SQL_SET_AGE[] =
    "UPDATE users SET birth_date = ?2, birth_year = ?3, held_since = ?4, updated_at = ?5 WHERE id = ?1";
static const char SQL_CONSENT_AT[] = "SELECT guardian_consent_at, held_since FROM users WHERE id = ?";
static const char SQL_LOAD[] = "SELECT name, id_number, bank_card, method, verified_at FROM verifications WHERE user_id = ?";
static const char SQL_DELETE[] = "DELETE FROM verifications WHERE user_id = ?";
static const char SQL_CLEAR_DATE[] = "UPDATE users SET birth_date = NULL WHERE id = ?";

static bool name_ok(const char *s)
{
    size_t n = utf8_chars(s);
    if (n < 2 || n > 30 || has_control(s)) return false;
    for (const char *p = s; *p; p++)
        if ((*p >= '0' && *p <= '9') || *p == '<' || *p == '>' || *p == '@') return false;
    return true;
}

static int id_fail(ctx_t *c, idc_res_t r)
{
    static const char *const codes[] = {
        [IDC_FORMAT] = "id_number_format", [IDC_REGION] = "id_number_region",
        [IDC_BIRTH] = "id_number_birth", [IDC_CHECK] = "id_number_check"};
    return ctx_fail(c, LL_INVALID, codes[r], "id_number");
}

/* Checks the input's formats; *who gets the date of birth. */
static int check_input(ctx_t *c, const verif_in_t *in, char id[19], idc_person_t *who)
{
    if (!name_ok(in->name)) return ctx_fail(c, LL_INVALID, "invalid_field", "name");
    idc_res_t r = idc_id_number(c->regions, in->id_number, c->now, who);
    if (r) return id_fail(c, r);
    memcpy(id, in->id_number, 18);
    id[18] = '\0';
    if (id[17] == 'x') id[17] = 'X'; /* one spelling, so a known-list or provider comparison is exact */
    if (in->bank_card) {
        r = idc_bank_card(in->bank_card);
        if (r) return ctx_fail(c, LL_INVALID, r == IDC_FORMAT ? "bank_card_format" : "bank_card_check", "bank_card");
    }
    return LL_OK;
}

static int already(ctx_t *c, int64_t uid, bool *yes)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_EXISTS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    *yes = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static const char *account_phone(ctx_t *c, const uint8_t *dek)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHONE);
    char *out = NULL;
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, c->user_id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB)
        pi_open(c->arena, PI_USER_PHONE, P_VERIFY, dek, sqlite3_column_blob(st, 0),
                (size_t)sqlite3_column_bytes(st, 0), &out);
    sqlite3_reset(st);
    return out;
}

/* E1: a provider outside the platform received the identity; the local verifier sends nothing anywhere. */
static int record_share(ctx_t *c, const verifier_t *v, bool card)
{
    if (!v->host) return LL_OK;
    json_t *fields = json_pack("[s, s, s]", "verifications.name", "verifications.id_number", "users.phone");
    if (card) json_array_append_new(fields, json_string("verifications.bank_card"));
    int res = share_record(c, arena_printf(c->arena, "实名认证服务商（%s）", v->host), "CN", fields,
                           SHARE_BASIS_CONSENT, NULL, c->user_id, 1);
    json_decref(fields);
    return res;
}

static int ask_verifier(ctx_t *c, const verif_in_t *in, const char *id, const uint8_t *dek)
{
    verifier_t *v = c->verifier;
    if (!v) return ctx_fail(c, LL_ERR, "verifier_unavailable", NULL);
    idv_person_t p = {in->name, id, in->bank_card, account_phone(c, dek)};
    idv_verdict_t verdict = v->identity(v, &p);
    int res = record_share(c, v, in->bank_card != NULL);
    if (res) return res;
    if (verdict == IDV_UNAVAILABLE) return ctx_fail(c, LL_ERR, "verifier_unavailable", NULL);
    if (verdict == IDV_MISMATCH) return ctx_fail(c, LL_INVALID, "identity_mismatch", "name");
    return LL_OK;
}

static void bind_sealed(ctx_t *c, sqlite3_stmt *st, int col, pi_id_t f, const uint8_t *dek, const char *v)
{
    if (!v) return;
    size_t n;
    uint8_t *b = pi_seal(c->arena, f, dek, v, strlen(v), &n);
    sqlite3_bind_blob(st, col, b, (int)n, SQLITE_STATIC);
}

/*
 * H1: the ID's date of birth replaces the declared year. A child without a
 * guardian's consent is held (its listings withdrawn); a minor loses the
 * adults-only listings.
 */
static int apply_age(ctx_t *c, const idc_person_t *who, bool *child_held)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_CONSENT_AT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    int rc = sqlite3_step(st);
    int64_t consent_at = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int64_t held_since = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return LL_ERR;
    int dob = who->year * 10000 + who->month * 100 + who->day;
    int year = minor_effective_year(c->now, who->year, dob);
    *child_held = minor_held(c->now, year, consent_at);
    if (!*child_held) held_since = 0;
    else if (!held_since) held_since = c->now;
    if (!(st = db_stmt(c->db, SQL_SET_AGE))) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_int(st, 2, dob);
    sqlite3_bind_int(st, 3, who->year);
    if (held_since) sqlite3_bind_int64(st, 4, held_since);
    sqlite3_bind_int64(st, 5, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    if (*child_held) return listing_withdraw(c, c->user_id, false);
    if (minor_bracket(c->now, year) != AGE_ADULT) return listing_withdraw(c, c->user_id, true);
    return LL_OK;
}

static int store(ctx_t *c, const verif_in_t *in, const char *id, const uint8_t *dek)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    bind_sealed(c, st, 2, PI_VERIFY_NAME, dek, in->name);
    bind_sealed(c, st, 3, PI_VERIFY_ID, dek, id);
    bind_sealed(c, st, 4, PI_VERIFY_CARD, dek, in->bank_card);
    sqlite3_bind_text(st, 5, c->verifier->method, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    return audit_append(c, "verification.passed", c->user_id, c->user_id,
                        arena_printf(c->arena, "{\"method\":\"%s\"}", c->verifier->method))
               ? LL_ERR
               : LL_OK;
}

int verif_submit(ctx_t *c, const verif_in_t *in, verif_status_t *out)
{
    char id[19];
    idc_person_t who;
    uint8_t dek[VAULT_KEY_LEN];
    bool done, child;
    /* C1: nothing sensitive is even looked at without the separate consent */
    if (!consent_granted(c, c->user_id, CONSENT_SLUG))
        return ctx_fail(c, LL_CONFLICT, "sensitive_consent_required", CONSENT_SLUG);
    int res = check_input(c, in, id, &who);
    if (res || (res = already(c, c->user_id, &done))) return res;
    if (done) return ctx_fail(c, LL_CONFLICT, "already_verified", NULL);
    if ((res = pi_subject_key(c, c->user_id, dek))) return res;
    if ((res = ask_verifier(c, in, id, dek))) goto out;
    res = LL_ERR;
    if (db_begin(c->db)) goto out;
    if (apply_age(c, &who, &child)) goto fail;
    if (!child && store(c, in, id, dek)) goto fail;
    if (!child && listing_cards_refresh_of(c, c->user_id)) goto fail; /* the badge is on the cards */
    if (db_commit(c->db)) goto fail;
    /* a child's age is recorded (legal duty) but its ID is not kept before a guardian consents */
    res = child ? ctx_fail(c, LL_DENIED, "guardian_consent_required", NULL) : verif_status(c, c->user_id, out);
    goto out;
fail:
    db_rollback(c->db);
out:
    sodium_memzero(dek, sizeof dek);
    sodium_memzero(id, sizeof id);
    return res;
}

static const char *open_masked(ctx_t *c, sqlite3_stmt *st, int col, pi_id_t f, const uint8_t *dek)
{
    char *v = NULL;
    if (sqlite3_column_type(st, col) != SQLITE_BLOB) return NULL;
    if (pi_open(c->arena, f, P_VERIFY, dek, sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col), &v))
        return NULL;
    char *m = pi_mask(c->arena, f, v);
    sodium_memzero(v, strlen(v));
    return m;
}

int verif_status(ctx_t *c, int64_t uid, verif_status_t *out)
{
    uint8_t dek[VAULT_KEY_LEN];
    memset(out, 0, sizeof(*out));
    int res = pi_subject_key(c, uid, dek);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LOAD);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->verified = true;
        out->name = open_masked(c, st, 0, PI_VERIFY_NAME, dek);
        out->id_number = open_masked(c, st, 1, PI_VERIFY_ID, dek);
        out->bank_card = open_masked(c, st, 2, PI_VERIFY_CARD, dek);
        out->method = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 3));
        out->verified_at = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    sodium_memzero(dek, sizeof dek);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

bool verif_badge(ctx_t *c, int64_t uid)
{
    bool yes = false;
    return already(c, uid, &yes) == LL_OK && yes;
}

int verif_erase(ctx_t *c, int64_t uid)
{
    bool own = !db_in_txn(c->db);
    if (own && db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_DELETE), *clear = NULL;
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, uid);
    if (db_run(c->db, st)) goto fail;
    int erased = db_changes(c->db);
    if (!(clear = db_stmt(c->db, SQL_CLEAR_DATE))) goto fail;
    sqlite3_bind_int64(clear, 1, uid);
    if (db_run(c->db, clear)) goto fail;
    if (erased && (audit_append(c, "verification.erased", uid, uid, NULL) || listing_cards_refresh_of(c, uid))) goto fail;
    return own && db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    if (own) db_rollback(c->db);
    return LL_ERR;
}

int verif_consent_set(ctx_t *c, int64_t uid, const char *slug, bool granted)
{
    if (granted || strcmp(slug, "sensitive_identity")) return consent_set(c, uid, slug, granted);
    if (db_begin(c->db)) return LL_ERR;
    int res = consent_set(c, uid, slug, false);
    if (res == LL_OK) res = verif_erase(c, uid);
    if (res == LL_OK && db_commit(c->db)) res = LL_ERR;
    if (res) db_rollback(c->db);
    return res;
}

static const char SQL_IDENTITY[] = "SELECT name, id_number FROM verifications WHERE user_id = ?";

int verif_face(ctx_t *c, const void *image, size_t len)
{
    verifier_t *v = c->verifier;
    uint8_t dek[VAULT_KEY_LEN];
    char *name = NULL, *id = NULL;
    /* the interface allows it; without a provider that compares faces nothing is pretended */
    if (!v || v->face == NULL || !v->host) return ctx_fail(c, LL_ERR, "face_check_unavailable", NULL);
    int res = pi_subject_key(c, c->user_id, dek);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_IDENTITY);
    if (!st) goto out;
    sqlite3_bind_int64(st, 1, c->user_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        pi_open(c->arena, PI_VERIFY_NAME, P_VERIFY, dek, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), &name);
        pi_open(c->arena, PI_VERIFY_ID, P_VERIFY, dek, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &id);
    }
    sqlite3_reset(st);
    res = !name || !id ? ctx_fail(c, LL_CONFLICT, "not_verified", NULL) : LL_OK;
    if (res) goto out;
    idv_person_t p = {name, id, NULL, NULL};
    idv_verdict_t verdict = v->face(v, &p, image, len);
    if (verdict == IDV_UNAVAILABLE) res = ctx_fail(c, LL_ERR, "face_check_unavailable", NULL);
    else if (verdict == IDV_MISMATCH) res = ctx_fail(c, LL_INVALID, "face_mismatch", "photo");
    else res = audit_append(c, "verification.face_passed", c->user_id, c->user_id, NULL) ? LL_ERR : LL_OK;
out:
    sodium_memzero(dek, sizeof dek);
    return res;
}
