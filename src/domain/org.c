/*
 * org.c — organisations and their review (see org.h).
 *
 * The licence is kept as a sealed "data:image/jpeg;base64,..." text: sealed
 * with the owner's key like every other personal field (so cancellation
 * shreds it), and readable as text by the generic export (G5).
 */
#include "domain/org.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/idcheck.h"
#include "domain/listing.h"
#include "domain/validate.h"
#include "media/photo.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <sodium.h>
#include <string.h>

#define LICENCE_EDGE 2000
#define DATA_URL "data:image/jpeg;base64,"

static const char SQL_BY_USER[] = "SELECT id, status FROM organizations WHERE user_id = ?";
static const char SQL_INSERT[] = "INSERT INTO organizations(user_id, name, credit_code, status, created_at, updated_at) "
                                 "VALUES (?1, ?2, ?3, 'pending', ?4, ?4)";
static const char SQL_RESUBMIT[] = "UPDATE organizations SET name = ?2, credit_code = ?3, status = 'pending', "
                                   "review_note = NULL, updated_at = ?4 WHERE id = ?1";
static const char SQL_LICENCE[] =
    "UPDATE organizations SET licence = ?3, status = 'pending', review_note = NULL, updated_at = ?4 "
    "WHERE id = ?1 AND user_id = ?2";
static const char SQL_ROW[] = "SELECT id, user_id, name, status, review_note, created_at, reviewed_at, "
                              "licence IS NOT NULL, credit_code FROM organizations WHERE id = ?";
static const char SQL_MINE[] = "SELECT id, user_id, name, status, review_note, created_at, reviewed_at, "
                               "licence IS NOT NULL, credit_code FROM organizations WHERE user_id = ?";
static const char SQL_QUEUE[] = "SELECT id, user_id, name, status, review_note, created_at, reviewed_at, "
                                "licence IS NOT NULL FROM organizations WHERE status = ? ORDER BY id LIMIT 100";
static const char SQL_LICENCE_OF[] = "SELECT user_id, licence FROM organizations WHERE id = ?";
static const char SQL_DECIDE[] =
    "UPDATE organizations SET status = ?2, review_note = ?3, reviewed_at = ?4, updated_at = ?4 WHERE id = ?1";
static const char SQL_APPROVED[] = "SELECT name FROM organizations WHERE user_id = ? AND status = 'approved'";
static const char SQL_LIVE_JOBS[] =
    "SELECT count(*) FROM listings WHERE user_id = ? AND category = 'jobs' AND status IN ('pending','published')";

const reason_t org_reasons[] = {
    {"licence_unreadable", "营业执照照片不清晰或不完整"},
    {"credit_code_invalid", "统一社会信用代码无法核验"},
    {"name_mismatch", "单位名称与营业执照登记名称不符"},
    {"licence_invalid", "营业执照已过期、吊销或注销"},
    {"other", "其他原因，请联系客服了解详情"},
    {NULL, NULL},
};

static bool name_ok(const char *s)
{
    size_t n = utf8_chars(s);
    return n >= 2 && n <= 60 && !has_control(s);
}

static void fill(ctx_t *c, sqlite3_stmt *st, org_t *o)
{
    memset(o, 0, sizeof(*o));
    o->id = sqlite3_column_int64(st, 0);
    o->user_id = sqlite3_column_int64(st, 1);
    o->name = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
    o->status = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 3));
    const reason_t *why = reason_find(org_reasons, (const char *)sqlite3_column_text(st, 4));
    o->review_reason = why ? why->code : NULL;
    o->review_note = why ? why->text : NULL;
    o->created_at = sqlite3_column_int64(st, 5);
    o->reviewed_at = sqlite3_column_int64(st, 6);
    o->has_licence = sqlite3_column_int(st, 7) != 0;
}

/* Opens column col (the credit code) of a row of uid's organisation for purpose. */
static const char *open_code(ctx_t *c, sqlite3_stmt *st, int col, int64_t uid, unsigned purpose)
{
    uint8_t dek[VAULT_KEY_LEN];
    char *out = NULL;
    if (sqlite3_column_type(st, col) != SQLITE_BLOB || pi_subject_key(c, uid, dek)) return NULL;
    pi_open(c->arena, PI_ORG_CREDIT_CODE, purpose, dek, sqlite3_column_blob(st, col),
            (size_t)sqlite3_column_bytes(st, col), &out);
    sodium_memzero(dek, sizeof dek);
    return out;
}

int org_submit(ctx_t *c, const char *name, const char *code, int64_t *id)
{
    uint8_t dek[VAULT_KEY_LEN];
    if (!name_ok(name)) return ctx_fail(c, LL_INVALID, "invalid_field", "name");
    idc_res_t r = idc_uscc(code);
    if (r) return ctx_fail(c, LL_INVALID, r == IDC_FORMAT ? "credit_code_format" : "credit_code_check", "credit_code");
    int res = pi_subject_key(c, c->user_id, dek);
    if (res) return res;
    size_t n;
    uint8_t *sealed = pi_seal(c->arena, PI_ORG_CREDIT_CODE, dek, code, strlen(code), &n);
    sodium_memzero(dek, sizeof dek);
    if (db_begin(c->db)) return LL_ERR;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_BY_USER);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->user_id);
    int rc = sqlite3_step(st);
    int64_t existing = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    bool rejected = rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 1), "rejected");
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) goto fail;
    if (existing && !rejected) {
        res = ctx_fail(c, LL_CONFLICT, "organization_exists", NULL);
        goto fail;
    }
    if (!(st = db_stmt(c->db, existing ? SQL_RESUBMIT : SQL_INSERT))) goto fail;
    sqlite3_bind_int64(st, 1, existing ? existing : c->user_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, sealed, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    if (db_run(c->db, st)) goto fail;
    *id = existing ? existing : db_last_id(c->db);
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

/* The sanitised licence as a data URL in the arena. */
static int licence_url(ctx_t *c, const void *data, size_t len, const char **url)
{
    photo_out_t img;
    photo_limits_t lim = {.max_edge = LICENCE_EDGE};
    int pr = photo_sanitize(data, len, &lim, &img);
    if (pr == PHOTO_ERR_INTERNAL) {
        log_error(c->log, "org: sanitiser failed: %s", img.detail);
        return LL_ERR;
    }
    if (pr) return ctx_fail(c, LL_INVALID, photo_err_info(pr)->code, "licence");
    size_t n = sodium_base64_ENCODED_LEN(img.len, sodium_base64_VARIANT_ORIGINAL);
    char *s = arena_alloc(c->arena, sizeof DATA_URL + n);
    memcpy(s, DATA_URL, sizeof DATA_URL - 1);
    sodium_bin2base64(s + sizeof DATA_URL - 1, n, img.data, img.len, sodium_base64_VARIANT_ORIGINAL);
    photo_out_free(&img);
    *url = s;
    return LL_OK;
}

int org_licence_set(ctx_t *c, int64_t id, const void *data, size_t len)
{
    org_t mine;
    uint8_t dek[VAULT_KEY_LEN];
    const char *url;
    int res = org_mine(c, &mine);
    if (res || mine.id != id) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if ((res = licence_url(c, data, len, &url)) || (res = pi_subject_key(c, c->user_id, dek))) return res;
    size_t n;
    uint8_t *sealed = pi_seal(c->arena, PI_ORG_LICENCE, dek, url, strlen(url), &n);
    sodium_memzero(dek, sizeof dek);
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LICENCE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_blob(st, 3, sealed, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    /* a new licence sends an approved organisation back to review: its name leaves the cards until then */
    if (db_run(c->db, st) || listing_cards_refresh_of(c, c->user_id)) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

static int load(ctx_t *c, const char *sql, int64_t key, org_t *out, unsigned purpose)
{
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill(c, st, out);
        out->credit_code = open_code(c, st, 8, out->user_id, purpose);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
}

int org_mine(ctx_t *c, org_t *out)
{
    return load(c, SQL_MINE, c->user_id, out, P_EXPORT);
}

int org_queue(ctx_t *c, const char *status, org_t **items, size_t *n)
{
    if (strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
        return ctx_fail(c, LL_INVALID, "invalid_field", "status");
    sqlite3_stmt *st = db_stmt(c->db, SQL_QUEUE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    org_t *v = arena_zalloc(c->arena, 100 * sizeof(*v));
    size_t k = 0;
    int rc;
    while (k < 100 && (rc = sqlite3_step(st)) == SQLITE_ROW) fill(c, st, &v[k++]);
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return k == 100 || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* F5: every staff read of an organisation's private fields is recorded with what was read. */
static int audit_read(ctx_t *c, int64_t id, int64_t owner, const char *field)
{
    return audit_append(c, "pi.staff_read", c->user_id, owner,
                        arena_printf(c->arena, "{\"organization\":%lld,\"purpose\":\"verify\",\"fields\":[\"%s\"]}",
                                     (long long)id, field))
               ? LL_ERR
               : LL_OK;
}

int org_review_read(ctx_t *c, int64_t id, org_t *out)
{
    int res = load(c, SQL_ROW, id, out, P_VERIFY);
    return res ? res : audit_read(c, id, out->user_id, "credit_code");
}

int org_licence_read(ctx_t *c, int64_t id, void **jpeg, size_t *len)
{
    uint8_t dek[VAULT_KEY_LEN];
    char *url = NULL;
    *jpeg = NULL;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LICENCE_OF);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), res = rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
    int64_t owner = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 1) == SQLITE_BLOB && !(res = pi_subject_key(c, owner, dek)))
        res = pi_open(c->arena, PI_ORG_LICENCE, P_VERIFY, dek, sqlite3_column_blob(st, 1),
                      (size_t)sqlite3_column_bytes(st, 1), &url);
    else if (rc == SQLITE_ROW && !res)
        res = LL_NOTFOUND; /* no licence uploaded */
    sqlite3_reset(st);
    sodium_memzero(dek, sizeof dek);
    if (res) return res == LL_NOTFOUND ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : res;
    const char *b64 = url + sizeof DATA_URL - 1;
    size_t cap = strlen(b64) * 3 / 4 + 3;
    unsigned char *buf = mem_alloc(cap);
    if (strncmp(url, DATA_URL, sizeof DATA_URL - 1) ||
        sodium_base642bin(buf, cap, b64, strlen(b64), NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL)) {
        free(buf);
        return LL_ERR;
    }
    if (audit_read(c, id, owner, "licence")) {
        free(buf);
        return LL_ERR;
    }
    *jpeg = buf;
    return LL_OK;
}

int org_decide(ctx_t *c, int64_t id, bool approve, const char *reason)
{
    org_t o;
    int res = load(c, SQL_ROW, id, &o, 0);
    if (res) return res;
    if (approve && !o.has_licence) return ctx_fail(c, LL_CONFLICT, "licence_missing", NULL);
    if (!approve && !reason_find(org_reasons, reason))
        return ctx_fail(c, LL_INVALID, reason ? "invalid_field" : "missing_field", "reason");
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_DECIDE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, approve ? "approved" : "rejected", -1, SQLITE_STATIC);
    if (!approve) sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    if (db_run(c->db, st) ||
        audit_append(c, "organization.reviewed", c->user_id, o.user_id,
                     arena_printf(c->arena, "{\"organization\":%lld,\"decision\":\"%s\"}", (long long)id,
                                  approve ? "approve" : "reject")) ||
        listing_cards_refresh_of(c, o.user_id)) /* the organisation's name is on the poster's cards */
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

const char *org_public_name(ctx_t *c, int64_t uid)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_APPROVED);
    const char *name = NULL;
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, uid);
    if (sqlite3_step(st) == SQLITE_ROW) name = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return name;
}

bool org_approved(ctx_t *c, int64_t uid)
{
    return org_public_name(c, uid) != NULL;
}

int org_job_quota(ctx_t *c, int64_t uid)
{
    if (org_approved(c, uid)) return LL_OK;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LIVE_JOBS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st);
    int64_t live = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (live < 0) return LL_ERR;
    return live < c->conf->job_quota ? LL_OK : ctx_fail(c, LL_DENIED, "job_quota_reached", "category");
}
