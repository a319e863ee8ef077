/* merchant.c — merchant applications and their review (see merchant.h). */
#include "domain/merchant.h"
#include "base/arena.h"
#include "base/result.h"
#include "domain/region.h"
#include "domain/validate.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <sodium.h>
#include <string.h>

static const char SQL_COLS[] = "SELECT id, user_id, name, city, status, review_note, created_at, updated_at, license_no "
                               "FROM merchants WHERE id = ?";
static const char SQL_OF_USER[] = "SELECT id, user_id, name, city, status, review_note, created_at, updated_at, "
                                  "license_no FROM merchants WHERE user_id = ?";
static const char SQL_QUEUE[] = "SELECT id, user_id, name, city, status, review_note, created_at, updated_at, "
                                "license_no FROM merchants WHERE status = ? ORDER BY id LIMIT 100";
static const char SQL_INSERT[] = "INSERT INTO merchants(user_id, name, city, license_no, status, created_at, updated_at) "
                                 "VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)";
static const char SQL_REAPPLY[] = "UPDATE merchants SET name = ?2, city = ?3, license_no = ?4, status = 'pending', "
                                  "review_note = NULL, updated_at = ?5 WHERE id = ?1";
static const char SQL_REVIEW[] = "UPDATE merchants SET status = ?2, review_note = ?3, updated_at = ?4 WHERE id = ?1";

const reason_t merchant_reasons[] = {
    {"license_invalid", "统一社会信用代码无法核验"},
    {"name_mismatch", "商家名称与营业执照登记名称不符"},
    {"city_mismatch", "所在城市与营业执照登记地不符"},
    {"scope_mismatch", "经营范围不包含所申请的上门服务"},
    {"other", "其他原因，请联系客服了解详情"},
    {NULL, NULL},
};

static void fill(ctx_t *c, sqlite3_stmt *st, merchant_t *m)
{
    m->id = sqlite3_column_int64(st, 0);
    m->user_id = sqlite3_column_int64(st, 1);
    m->name = db_text(c->arena, st, 2);
    m->city = sqlite3_column_int64(st, 3);
    m->status = db_text(c->arena, st, 4);
    const reason_t *why = reason_find(merchant_reasons, (const char *)sqlite3_column_text(st, 5));
    m->reason = why ? why->code : NULL;
    m->note = why ? why->text : NULL;
    m->created_at = sqlite3_column_int64(st, 6);
    m->updated_at = sqlite3_column_int64(st, 7);
}

/* One row by the statement's single parameter; the sealed licence is copied when blob is given. */
static int load_one(ctx_t *c, const char *sql, int64_t key, merchant_t *m, void **blob, size_t *len)
{
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill(c, st, m);
        if (blob) {
            *len = (size_t)sqlite3_column_bytes(st, 8);
            *blob = memcpy(arena_alloc(c->arena, *len + 1), sqlite3_column_blob(st, 8), *len);
        }
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

int merchant_load(ctx_t *c, int64_t id, merchant_t *out)
{
    return load_one(c, SQL_COLS, id, out, NULL, NULL);
}

int merchant_of(ctx_t *c, int64_t uid, merchant_t *out)
{
    return load_one(c, SQL_OF_USER, uid, out, NULL, NULL);
}

int merchant_mine(ctx_t *c, merchant_t *out)
{
    return merchant_of(c, c->user_id, out);
}

/* 统一社会信用代码: 18 characters of digits and capitals without I, O, S, V, Z. */
static bool license_ok(const char *s)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    if (strlen(s) != 18) return false;
    for (const char *p = s; *p; p++)
        if (!strchr(alphabet, *p)) return false;
    return true;
}

static bool name_ok(const char *s)
{
    size_t n = utf8_chars(s);
    return n >= 2 && n <= 40 && !has_control(s);
}

int merchant_apply(ctx_t *c, const char *name, int64_t city, const char *license_no, int64_t *id)
{
    merchant_t old;
    uint8_t dek[VAULT_KEY_LEN];
    size_t n;
    if (!name_ok(name)) return ctx_fail(c, LL_INVALID, "invalid_field", "name");
    if (region_level(c->regions, (uint32_t)city) != REGION_CITY) return ctx_fail(c, LL_INVALID, "invalid_field", "city");
    if (!license_ok(license_no)) return ctx_fail(c, LL_INVALID, "invalid_field", "license_no");
    int res = merchant_mine(c, &old);
    if (res == LL_OK && strcmp(old.status, "rejected")) return ctx_fail(c, LL_CONFLICT, "merchant_exists", NULL);
    if (res != LL_OK && res != LL_NOTFOUND) return res;
    bool again = res == LL_OK; /* after a rejection: the same row goes back to the queue */
    c->err_code = NULL;
    if ((res = pi_subject_key(c, c->user_id, dek))) return res;
    uint8_t *sealed = pi_seal(c->arena, PI_MERCHANT_LICENSE, dek, license_no, strlen(license_no), &n);
    sodium_memzero(dek, sizeof dek);
    sqlite3_stmt *st = db_stmt(c->db, again ? SQL_REAPPLY : SQL_INSERT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, again ? old.id : c->user_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, city);
    sqlite3_bind_blob(st, 4, sealed, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    *id = again ? old.id : db_last_id(c->db);
    return LL_OK;
}

int merchant_queue(ctx_t *c, const char *status, merchant_t **items, size_t *n)
{
    if (strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
        return ctx_fail(c, LL_INVALID, "invalid_field", "status");
    merchant_t *v = arena_zalloc(c->arena, 100 * sizeof(*v));
    size_t k = 0;
    int rc = SQLITE_DONE;
    sqlite3_stmt *st = db_stmt(c->db, SQL_QUEUE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    while (k < 100 && (rc = sqlite3_step(st)) == SQLITE_ROW) fill(c, st, &v[k++]);
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

int merchant_review(ctx_t *c, int64_t id, bool approve, const char *reason)
{
    merchant_t m;
    if (!approve && !reason_find(merchant_reasons, reason))
        return ctx_fail(c, LL_INVALID, reason ? "invalid_field" : "missing_field", "reason");
    int res = merchant_load(c, id, &m);
    if (res) return res;
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_REVIEW);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, approve ? "approved" : "rejected", -1, SQLITE_STATIC);
    if (!approve) sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    if (db_run(c->db, st)) goto fail;
    if (audit_append(c, "merchant.reviewed", c->user_id, m.user_id,
                     arena_printf(c->arena, "{\"merchant\":%lld,\"decision\":\"%s\"}", (long long)id,
                                  approve ? "approve" : "reject")))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

int merchant_license(ctx_t *c, int64_t id, const char **license_no)
{
    merchant_t m;
    void *blob;
    size_t len;
    uint8_t dek[VAULT_KEY_LEN];
    char *plain = NULL;
    int res = load_one(c, SQL_COLS, id, &m, &blob, &len);
    if (res || (res = pi_subject_key(c, m.user_id, dek))) return res;
    res = pi_open(c->arena, PI_MERCHANT_LICENSE, P_VERIFY, dek, blob, len, &plain);
    sodium_memzero(dek, sizeof dek);
    if (res) return res;
    *license_no = plain;
    /* F5: a staff read of personal data is recorded, with what was read and why */
    return audit_append(c, "pi.staff_read", c->user_id, m.user_id,
                        arena_printf(c->arena, "{\"merchant\":%lld,\"purpose\":\"verify\",\"fields\":[\"license_no\"]}",
                                     (long long)id))
               ? LL_ERR
               : LL_OK;
}
