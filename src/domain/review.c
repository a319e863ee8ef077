/*
 * review.c — reviews of completed orders (see review.h).
 *
 * Every check that decides a refusal runs again inside the writing
 * transaction (BEGIN IMMEDIATE: one writer), so two racing requests cannot
 * both review an order, reply twice, or pass the photo limit. Photos are
 * sanitised before that transaction: it is the slow part.
 */
#include "domain/review.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/order.h"
#include "domain/service.h"
#include "domain/validate.h"
#include "media/photo.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <sodium.h>
#include <string.h>

static const char SQL_BY_ORDER[] = "SELECT id, user_id FROM reviews WHERE order_id = ?";
static const char SQL_STATUS[] = "SELECT status FROM orders WHERE id = ?";
static const char SQL_INSERT[] = "INSERT INTO reviews(order_id, service_id, merchant_id, user_id, rating, body, created_at) "
                                 "VALUES (?,?,?,?,?,?,?)";
static const char SQL_PHOTO_COUNT[] = "SELECT count(*) FROM review_photos WHERE review_id = ?";
static const char SQL_PHOTO_INSERT[] =
    "INSERT INTO review_photos(review_id, photo, width, height, created_at) VALUES (?,?,?,?,?)";
static const char SQL_FOR_REPLY[] = "SELECT r.user_id, r.reply IS NOT NULL, m.user_id FROM reviews r "
                                    "JOIN merchants m ON m.id = r.merchant_id WHERE r.id = ?";
static const char SQL_REPLY[] = "UPDATE reviews SET reply = ?2, replied_at = ?3 WHERE id = ?1 AND reply IS NULL";
#define REVIEW_COLS                                                                                                    \
    "SELECT r.id, r.order_id, r.service_id, r.user_id, r.rating, r.body, r.reply, r.replied_at, r.created_at, "        \
    "u.nickname, r.edited_at FROM reviews r JOIN users u ON u.id = r.user_id "
static const char SQL_ONE[] = REVIEW_COLS "WHERE r.order_id = ?";
static const char SQL_OWN[] = REVIEW_COLS "WHERE r.id = ?1 AND r.user_id = ?2";
static const char SQL_PAGE[] = REVIEW_COLS "WHERE r.service_id = ?1 AND r.id < ?2 ORDER BY r.id DESC LIMIT ?3";
static const char SQL_PHOTO_IDS[] = "SELECT id FROM review_photos WHERE review_id = ? ORDER BY id";
static const char SQL_PHOTO[] = "SELECT p.photo, r.user_id FROM review_photos p JOIN reviews r ON r.id = p.review_id "
                                "WHERE p.id = ?2 AND p.review_id = ?1";

static bool text_ok(const char *s, size_t max)
{
    if (!s) return false;
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f) return false;
    size_t n = utf8_chars(s);
    return n >= 1 && n <= max;
}

/* The review of an order: its id and reviewer, or LL_NOTFOUND. */
static int by_order(ctx_t *c, int64_t order_id, int64_t *id, int64_t *uid)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_BY_ORDER);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *id = sqlite3_column_int64(st, 0), *uid = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

/* Inside the transaction: the order is still completed and has no review. */
static int still_reviewable(ctx_t *c, int64_t order_id)
{
    int64_t id, uid;
    int res = by_order(c, order_id, &id, &uid);
    if (res == LL_OK) return ctx_fail(c, LL_CONFLICT, "review_exists", NULL);
    if (res != LL_NOTFOUND) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_STATUS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    bool completed = rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "completed");
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return LL_ERR;
    return completed ? LL_OK : ctx_fail(c, LL_CONFLICT, "order_wrong_state", NULL);
}

static int insert_review(ctx_t *c, const order_t *o, int64_t rating, const char *text, const uint8_t *dek)
{
    size_t blen;
    uint8_t *body = pi_seal(c->arena, PI_REVIEW_BODY, dek, text, strlen(text), &blen);
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_int64(st, 2, o->service_id);
    sqlite3_bind_int64(st, 3, o->merchant_id);
    sqlite3_bind_int64(st, 4, c->user_id);
    sqlite3_bind_int64(st, 5, rating);
    sqlite3_bind_blob(st, 6, body, (int)blen, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

/* The order, if the caller is its customer; the merchant is told it is the other party's move. */
static int customers_order(ctx_t *c, int64_t order_id, order_t *o)
{
    int res = order_load_party(c, order_id, o);
    if (res) return res;
    return o->is_customer ? LL_OK : ctx_fail(c, LL_DENIED, "order_wrong_party", NULL);
}

int review_create(ctx_t *c, int64_t order_id, int64_t rating, const char *text, int64_t *id)
{
    order_t o;
    uint8_t dek[VAULT_KEY_LEN];
    int res = customers_order(c, order_id, &o);
    if (res) return res;
    if (rating < 1 || rating > 5) return ctx_fail(c, LL_INVALID, "invalid_field", "rating");
    if (!text_ok(text, REVIEW_TEXT_MAX)) return ctx_fail(c, LL_INVALID, "invalid_field", "text");
    if ((res = pi_subject_key(c, c->user_id, dek))) return res;
    if (db_begin(c->db)) {
        res = LL_ERR;
        goto out;
    }
    if ((res = still_reviewable(c, order_id)) || (res = insert_review(c, &o, rating, text, dek))) goto fail;
    *id = db_last_id(c->db);
    res = LL_ERR;
    if (order_set_status(c, order_id, "reviewed") ||
        audit_append(c, "order.moved", c->user_id, 0,
                     arena_printf(c->arena, "{\"order\":%lld,\"from\":\"completed\",\"to\":\"reviewed\"}",
                                  (long long)order_id)))
        goto fail;
    res = db_commit(c->db) ? LL_ERR : LL_OK;
    goto out;
fail:
    db_rollback(c->db);
out:
    sodium_memzero(dek, sizeof dek);
    return res;
}

/* ---- photos ---- */

/* Inside the transaction: the caller's review of the order, with room for one more photo. */
static int photo_room(ctx_t *c, int64_t order_id, int64_t *review_id)
{
    int64_t uid;
    int res = by_order(c, order_id, review_id, &uid);
    if (res == LL_NOTFOUND || (res == LL_OK && uid != c->user_id)) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHOTO_COUNT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, *review_id);
    int rc = sqlite3_step(st);
    int64_t have = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return LL_ERR;
    return have < REVIEW_PHOTOS_MAX ? LL_OK : ctx_fail(c, LL_CONFLICT, "too_many_photos", NULL);
}

static int insert_photo(ctx_t *c, int64_t order_id, const photo_out_t *img, const uint8_t *dek, int64_t *photo_id)
{
    int64_t review_id;
    size_t plen;
    if (db_begin(c->db)) return LL_ERR;
    int res = photo_room(c, order_id, &review_id);
    if (res) goto fail;
    res = LL_ERR;
    uint8_t *sealed = pi_seal(c->arena, PI_REVIEW_PHOTO, dek, img->data, img->len, &plen);
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHOTO_INSERT);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, review_id);
    sqlite3_bind_blob(st, 2, sealed, (int)plen, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, img->width);
    sqlite3_bind_int(st, 4, img->height);
    sqlite3_bind_int64(st, 5, c->now);
    if (db_run(c->db, st)) goto fail;
    *photo_id = db_last_id(c->db);
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

int review_add_photo(ctx_t *c, int64_t order_id, const void *data, size_t len, int64_t *photo_id)
{
    order_t o;
    int64_t review_id;
    uint8_t dek[VAULT_KEY_LEN];
    photo_out_t img;
    photo_limits_t lim = {.max_edge = 1600};
    int res = customers_order(c, order_id, &o);
    if (res || (res = photo_room(c, order_id, &review_id))) return res; /* cheap checks before the slow part */
    int pr = photo_sanitize(data, len, &lim, &img); /* B11: no metadata survives */
    if (pr == PHOTO_ERR_INTERNAL) return LL_ERR;
    if (pr) return ctx_fail(c, LL_INVALID, photo_err_info(pr)->code, "photo");
    res = pi_subject_key(c, c->user_id, dek);
    if (res == LL_OK) res = insert_photo(c, order_id, &img, dek, photo_id);
    sodium_memzero(dek, sizeof dek);
    photo_out_free(&img);
    return res;
}

/* ---- reading ---- */

static const char *open_text(ctx_t *c, pi_id_t f, const uint8_t *dek, sqlite3_stmt *st, int col)
{
    char *v = NULL;
    if (sqlite3_column_type(st, col) != SQLITE_BLOB ||
        pi_open(c->arena, f, P_PUBLISH, dek, sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col), &v))
        return NULL;
    return v;
}

static int load_photo_ids(ctx_t *c, review_t *v)
{
    int64_t ids[REVIEW_PHOTOS_MAX];
    size_t n = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHOTO_IDS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, v->id);
    int rc;
    while (n < REVIEW_PHOTOS_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    v->photos = arena_alloc(c->arena, (n ? n : 1) * sizeof(int64_t));
    memcpy(v->photos, ids, n * sizeof(int64_t));
    v->nphotos = n;
    return LL_OK;
}

/* One row into v, opened with the reviewer's key; the nickname masked for the public. */
static int fill(ctx_t *c, sqlite3_stmt *st, review_t *v)
{
    uint8_t dek[VAULT_KEY_LEN];
    memset(v, 0, sizeof(*v));
    v->id = sqlite3_column_int64(st, 0);
    v->order_id = sqlite3_column_int64(st, 1);
    v->service_id = sqlite3_column_int64(st, 2);
    v->rating = sqlite3_column_int64(st, 4);
    v->replied_at = sqlite3_column_int64(st, 7);
    v->created_at = sqlite3_column_int64(st, 8);
    v->edited_at = sqlite3_column_int64(st, 10);
    v->text = "";
    v->reviewer = "邻里用户";
    int res = pi_subject_key(c, sqlite3_column_int64(st, 3), dek);
    if (res == LL_NOTFOUND) return LL_OK; /* a key already shredded (the sweep removes the row soon): nothing to show */
    if (res) return res;
    const char *text = open_text(c, PI_REVIEW_BODY, dek, st, 5);
    const char *nick = open_text(c, PI_USER_NICKNAME, dek, st, 9);
    v->reply = open_text(c, PI_REVIEW_REPLY, dek, st, 6);
    sodium_memzero(dek, sizeof dek);
    if (text) v->text = text;
    if (nick && *nick) v->reviewer = pi_mask_name(c->arena, nick);
    return LL_OK;
}

int review_of_order(ctx_t *c, int64_t order_id, review_t *out)
{
    order_t o;
    int res = order_load_party(c, order_id, &o);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_ONE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    res = rc == SQLITE_ROW ? fill(c, st, out) : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
    sqlite3_reset(st);
    return res ? res : load_photo_ids(c, out);
}

int review_by_id(ctx_t *c, int64_t review_id, review_t *out)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_OWN);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, review_id);
    sqlite3_bind_int64(st, 2, c->user_id);
    int rc = sqlite3_step(st);
    int res = rc == SQLITE_ROW ? fill(c, st, out) : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
    sqlite3_reset(st);
    return res ? res : load_photo_ids(c, out);
}

int review_list(ctx_t *c, int64_t service_id, int64_t before, int limit, review_t **items, size_t *n, int64_t *next)
{
    svc_t s;
    int res = svc_get(c, service_id, &s); /* only a service the caller may see has reviews to show */
    if (res) return res;
    review_t *v = arena_zalloc(c->arena, (size_t)(limit + 1) * sizeof(*v));
    size_t k = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PAGE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, service_id);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int(st, 3, limit + 1); /* one more says whether a next page exists */
    int rc;
    while (res == LL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) res = fill(c, st, &v[k++]);
    sqlite3_reset(st);
    if (res) return res;
    *next = k > (size_t)limit ? v[limit - 1].id : 0;
    if (k > (size_t)limit) k = (size_t)limit;
    for (size_t i = 0; i < k && res == LL_OK; i++) res = load_photo_ids(c, &v[i]);
    *items = v;
    *n = k;
    return res;
}

int review_photo(ctx_t *c, int64_t review_id, int64_t photo_id, void **data, size_t *len)
{
    uint8_t dek[VAULT_KEY_LEN];
    *data = NULL;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHOTO);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, review_id);
    sqlite3_bind_int64(st, 2, photo_id);
    int rc = sqlite3_step(st);
    int res = rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
    if (res == LL_OK) res = pi_subject_key(c, sqlite3_column_int64(st, 1), dek);
    if (res == LL_OK) {
        char *plain;
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        res = pi_open(c->arena, PI_REVIEW_PHOTO, P_PUBLISH, dek, sqlite3_column_blob(st, 0), n, &plain);
        if (res == LL_OK) {
            *len = n - VAULT_HDR_LEN - VAULT_TAG_LEN;
            *data = memcpy(mem_alloc(*len ? *len : 1), plain, *len);
        }
        sodium_memzero(dek, sizeof dek);
    }
    sqlite3_reset(st);
    return res;
}

/* ---- the merchant's reply ---- */

/* Inside the transaction: the reviewer, if the caller is the review's merchant and it has no reply yet. */
static int may_reply(ctx_t *c, int64_t review_id, int64_t *reviewer)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_FOR_REPLY);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, review_id);
    int rc = sqlite3_step(st);
    bool merchant = rc == SQLITE_ROW && c->user_id && sqlite3_column_int64(st, 2) == c->user_id;
    bool replied = rc == SQLITE_ROW && sqlite3_column_int(st, 1);
    *reviewer = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    if (!merchant) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return replied ? ctx_fail(c, LL_CONFLICT, "review_replied", NULL) : LL_OK;
}

int review_reply(ctx_t *c, int64_t review_id, const char *text)
{
    uint8_t dek[VAULT_KEY_LEN];
    int64_t reviewer;
    size_t len;
    int res = may_reply(c, review_id, &reviewer);
    if (res) return res;
    if (!text_ok(text, REVIEW_REPLY_MAX)) return ctx_fail(c, LL_INVALID, "invalid_field", "text");
    if ((res = pi_subject_key(c, reviewer, dek))) return res;
    /* sealed with the reviewer's key: the reply lives and goes with the review it answers */
    uint8_t *sealed = pi_seal(c->arena, PI_REVIEW_REPLY, dek, text, strlen(text), &len);
    sodium_memzero(dek, sizeof dek);
    if (db_begin(c->db)) return LL_ERR;
    if ((res = may_reply(c, review_id, &reviewer))) goto fail;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_REPLY);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, review_id);
    sqlite3_bind_blob(st, 2, sealed, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st)) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

/* ---- the reviewer's changes ---- */

static const char SQL_MINE[] = "SELECT created_at FROM reviews WHERE id = ? AND user_id = ?";
static const char SQL_EDIT[] = "UPDATE reviews SET rating = CASE WHEN ?2 > 0 THEN ?2 ELSE rating END, "
                               "body = coalesce(?3, body), edited_at = ?4 WHERE id = ?1";
static const char SQL_DELETE[] = "DELETE FROM reviews WHERE id = ? AND user_id = ?";

/* Inside the transaction: the caller's own review and when it was posted; anyone else's is LL_NOTFOUND. */
static int own_review(ctx_t *c, int64_t id, int64_t *created_at)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_MINE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *created_at = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
}

static int edit_row(ctx_t *c, int64_t id, int64_t rating, const uint8_t *body, size_t blen)
{
    int64_t created_at;
    int res = own_review(c, id, &created_at);
    if (res) return res;
    if (c->now > created_at + (int64_t)REVIEW_EDIT_DAYS * 86400) return ctx_fail(c, LL_CONFLICT, "review_locked", NULL);
    sqlite3_stmt *st = db_stmt(c->db, SQL_EDIT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, rating);
    if (body) sqlite3_bind_blob(st, 3, body, (int)blen, SQLITE_STATIC);
    else sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int review_edit(ctx_t *c, int64_t review_id, int64_t rating, const char *text)
{
    uint8_t dek[VAULT_KEY_LEN];
    uint8_t *body = NULL;
    size_t blen = 0;
    int64_t created_at;
    int res = own_review(c, review_id, &created_at); /* someone else's review: 404 before any check of the input */
    if (res) return res;
    if (rating < 0 || rating > 5) return ctx_fail(c, LL_INVALID, "invalid_field", "rating");
    if (text && !text_ok(text, REVIEW_TEXT_MAX)) return ctx_fail(c, LL_INVALID, "invalid_field", "text");
    if (text) {
        if ((res = pi_subject_key(c, c->user_id, dek))) return res;
        body = pi_seal(c->arena, PI_REVIEW_BODY, dek, text, strlen(text), &blen);
        sodium_memzero(dek, sizeof dek);
    }
    if (db_begin(c->db)) return LL_ERR;
    /* the service's rating follows the new one by trigger (reviews_rerate) */
    if ((res = edit_row(c, review_id, rating, body, blen))) goto fail;
    res = LL_ERR;
    if (audit_append(c, "review.edited", c->user_id, 0, arena_printf(c->arena, "{\"review\":%lld}", (long long)review_id)) ||
        db_commit(c->db))
        goto fail;
    return LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

int review_delete(ctx_t *c, int64_t review_id)
{
    int64_t created_at;
    if (db_begin(c->db)) return LL_ERR;
    int res = own_review(c, review_id, &created_at);
    if (res) goto fail;
    res = LL_ERR;
    /* photos go by ON DELETE CASCADE, the rating by trigger (reviews_unrate); secure_delete zeroes the freed pages */
    sqlite3_stmt *st = db_stmt(c->db, SQL_DELETE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, review_id);
    sqlite3_bind_int64(st, 2, c->user_id);
    if (db_run(c->db, st) ||
        audit_append(c, "review.deleted", c->user_id, 0, arena_printf(c->arena, "{\"review\":%lld}", (long long)review_id)) ||
        db_commit(c->db))
        goto fail;
    return LL_OK;
fail:
    db_rollback(c->db);
    return res;
}
