/*
 * ticket.c — customer service tickets (see ticket.h).
 *
 * Access is decided once per call by load(): the author always, support
 * staff when the caller says so (the route already required the role);
 * anyone else gets the same LL_NOTFOUND as for a missing ticket. The
 * deadline is stored, not computed on read, so the queue is one index walk.
 */
#include "domain/ticket.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/ratelimit.h"
#include "domain/validate.h"
#include "media/photo.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define DAY 86400

static const char *const categories[] = {"question", "complaint", "appeal", "privacy"};

static bool text_ok(const char *s, size_t min, size_t max)
{
    if (!s) return false;
    size_t n = utf8_chars(s);
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) return false;
    return n >= min && n <= max;
}

static const char *open_sealed(ctx_t *c, pi_id_t f, const uint8_t *dek, sqlite3_stmt *st, int col)
{
    char *v = NULL;
    if (sqlite3_column_type(st, col) != SQLITE_BLOB ||
        pi_open(c->arena, f, P_SUPPORT, dek, sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col), &v))
        return "";
    return v;
}

/* ---- loading ---- */

static const char SQL_LOAD[] =
    "SELECT id, user_id, category, subject, listing_id, status, created_at, deadline_at, answered_at, closed_at "
    "FROM tickets WHERE id = ?";

static void fill(ctx_t *c, sqlite3_stmt *st, ticket_t *t)
{
    memset(t, 0, sizeof(*t));
    t->id = sqlite3_column_int64(st, 0);
    t->user_id = sqlite3_column_int64(st, 1);
    t->category = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
    t->listing_id = sqlite3_column_int64(st, 4);
    t->status = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 5));
    t->created_at = sqlite3_column_int64(st, 6);
    t->deadline_at = sqlite3_column_int64(st, 7);
    t->answered_at = sqlite3_column_int64(st, 8);
    t->closed_at = sqlite3_column_int64(st, 9);
    t->overdue = !strcmp(t->status, "open") && c->now > t->deadline_at;
}

/* The ticket if the caller may see it (author, or staff), with its subject opened when dek is given. */
static int load(ctx_t *c, int64_t id, bool staff, ticket_t *t, uint8_t *dek)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_LOAD);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), res = LL_OK;
    if (rc == SQLITE_ROW) {
        fill(c, st, t);
        if (!staff && t->user_id != c->user_id) res = ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
        else if (dek && (res = pi_subject_key(c, t->user_id, dek)) == LL_OK)
            t->subject = open_sealed(c, PI_TICKET_SUBJECT, dek, st, 3);
    } else {
        res = rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
    }
    sqlite3_reset(st);
    return res;
}

/* ---- opening ---- */

static const char SQL_LISTING_EXISTS[] = "SELECT 1 FROM listings WHERE id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO tickets(user_id, category, subject, listing_id, status, created_at, deadline_at, updated_at) "
    "VALUES (?,?,?,?,'open',?,?,?)";
static const char SQL_INSERT_MSG[] =
    "INSERT INTO ticket_messages(ticket_id, author_id, from_staff, body, photo, created_at) VALUES (?,?,?,?,?,?)";

static int check_input(ctx_t *c, const ticket_in_t *in)
{
    size_t i = 0;
    while (in->category && i < ARRAY_LEN(categories) && strcmp(in->category, categories[i])) i++;
    if (!in->category || i == ARRAY_LEN(categories)) return ctx_fail(c, LL_INVALID, "invalid_field", "category");
    if (!text_ok(in->subject, 2, TICKET_SUBJECT_MAX) || strchr(in->subject, '\n'))
        return ctx_fail(c, LL_INVALID, "invalid_field", "subject");
    if (!text_ok(in->text, 1, TICKET_TEXT_MAX)) return ctx_fail(c, LL_INVALID, "invalid_field", "text");
    if (!in->listing_id) return LL_OK;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LISTING_EXISTS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, in->listing_id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return ctx_fail(c, LL_INVALID, "invalid_field", "listing_id");
    return rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

/* Inserts one message sealed with the ticket owner's key; inside the caller's transaction. */
static int insert_msg(ctx_t *c, int64_t ticket, bool staff, const uint8_t *dek, const char *text, const void *photo,
                      size_t photo_len, int64_t *msg_id)
{
    size_t blen, plen = 0;
    uint8_t *body = pi_seal(c->arena, PI_TICKET_BODY, dek, text, strlen(text), &blen);
    uint8_t *ph = photo ? pi_seal(c->arena, PI_TICKET_PHOTO, dek, photo, photo_len, &plen) : NULL;
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT_MSG);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, ticket);
    if (staff) sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_int(st, 3, staff);
    sqlite3_bind_blob(st, 4, body, (int)blen, SQLITE_STATIC);
    if (ph) sqlite3_bind_blob(st, 5, ph, (int)plen, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    if (msg_id) *msg_id = db_last_id(c->db);
    return LL_OK;
}

int ticket_open(ctx_t *c, const ticket_in_t *in, int64_t *id)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = check_input(c, in);
    if (res || (res = rl_hit(c, "ticket_open", arena_printf(c->arena, "%lld", (long long)c->user_id), DAY,
                             TICKET_OPEN_PER_DAY)))
        return res;
    if ((res = pi_subject_key(c, c->user_id, dek))) return res;
    size_t slen;
    uint8_t *subject = pi_seal(c->arena, PI_TICKET_SUBJECT, dek, in->subject, strlen(in->subject), &slen);
    res = LL_ERR;
    if (db_begin(c->db)) goto out;
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_text(st, 2, in->category, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, subject, (int)slen, SQLITE_STATIC);
    if (in->listing_id) sqlite3_bind_int64(st, 4, in->listing_id);
    sqlite3_bind_int64(st, 5, c->now);
    sqlite3_bind_int64(st, 6, c->now + TICKET_ANSWER_DAYS * DAY);
    sqlite3_bind_int64(st, 7, c->now);
    if (db_run(c->db, st)) goto fail;
    *id = db_last_id(c->db);
    if (insert_msg(c, *id, false, dek, in->text, NULL, 0, NULL) || db_commit(c->db)) goto fail;
    res = LL_OK;
    goto out;
fail:
    db_rollback(c->db);
out:
    sodium_memzero(dek, sizeof dek);
    return res;
}

/* ---- reading ---- */

static const char SQL_MINE[] =
    "SELECT id, user_id, category, subject, listing_id, status, created_at, deadline_at, answered_at, closed_at "
    "FROM tickets WHERE user_id = ? ORDER BY id DESC LIMIT 100";

int ticket_mine(ctx_t *c, ticket_t **items, size_t *n)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, c->user_id, dek);
    if (res) return res;
    ticket_t *v = arena_zalloc(c->arena, 100 * sizeof(*v));
    sqlite3_stmt *st = db_stmt(c->db, SQL_MINE);
    size_t k = 0;
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, c->user_id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            fill(c, st, &v[k]);
            v[k++].subject = open_sealed(c, PI_TICKET_SUBJECT, dek, st, 3);
        }
        sqlite3_reset(st);
    }
    sodium_memzero(dek, sizeof dek);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static const char SQL_MSGS[] =
    "SELECT id, from_staff, body, photo IS NOT NULL, created_at FROM ticket_messages WHERE ticket_id = ? "
    "ORDER BY id LIMIT 500";

static int audit_staff(ctx_t *c, const ticket_t *t, const char *what)
{
    return audit_append(c, "ticket.staff_read", c->user_id, t->user_id,
                        arena_printf(c->arena, "{\"ticket\":%lld,\"purpose\":\"support\",\"read\":\"%s\"}",
                                     (long long)t->id, what))
               ? LL_ERR
               : LL_OK;
}

int ticket_get(ctx_t *c, int64_t id, bool staff, ticket_t *t, ticket_msg_t **msgs, size_t *n)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = load(c, id, staff, t, dek);
    if (res) return res;
    ticket_msg_t *v = arena_zalloc(c->arena, 500 * sizeof(*v));
    sqlite3_stmt *st = db_stmt(c->db, SQL_MSGS);
    size_t k = 0;
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            v[k].id = sqlite3_column_int64(st, 0);
            v[k].from_staff = sqlite3_column_int(st, 1) != 0;
            v[k].text = open_sealed(c, PI_TICKET_BODY, dek, st, 2);
            v[k].has_photo = sqlite3_column_int(st, 3) != 0;
            v[k++].created_at = sqlite3_column_int64(st, 4);
        }
        sqlite3_reset(st);
    }
    sodium_memzero(dek, sizeof dek);
    if (rc != SQLITE_DONE) return LL_ERR;
    *msgs = v;
    *n = k;
    return staff && t->user_id != c->user_id ? audit_staff(c, t, "conversation") : LL_OK; /* F5 */
}

static const char SQL_PHOTO[] = "SELECT photo FROM ticket_messages WHERE id = ? AND ticket_id = ? AND photo IS NOT NULL";

int ticket_photo(ctx_t *c, int64_t id, int64_t msg_id, bool staff, void **data, size_t *len)
{
    ticket_t t;
    uint8_t dek[VAULT_KEY_LEN];
    *data = NULL;
    int res = load(c, id, staff, &t, dek);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHOTO);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, msg_id);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    res = rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
    if (res == LL_OK) {
        char *plain;
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        res = pi_open(c->arena, PI_TICKET_PHOTO, P_SUPPORT, dek, sqlite3_column_blob(st, 0), n, &plain);
        if (res == LL_OK) {
            *len = n - VAULT_HDR_LEN - VAULT_TAG_LEN;
            *data = memcpy(mem_alloc(*len ? *len : 1), plain, *len);
        }
    }
    sqlite3_reset(st);
    sodium_memzero(dek, sizeof dek);
    if (res == LL_OK && staff && t.user_id != c->user_id && audit_staff(c, &t, "photo")) {
        free(*data);
        *data = NULL;
        return LL_ERR;
    }
    return res;
}

/* ---- writing ---- */

static const char SQL_AFTER_USER[] =
    "UPDATE tickets SET status = 'open', deadline_at = CASE WHEN status = 'open' THEN deadline_at ELSE ?2 END, "
    "updated_at = ?3 WHERE id = ?1";
static const char SQL_AFTER_STAFF[] =
    "UPDATE tickets SET status = 'answered', answered_at = coalesce(answered_at, ?2), updated_at = ?2 WHERE id = ?1";

/* The ticket's state after a message: a person's follow-up waits for support with a fresh deadline (H5). */
static int after_message(ctx_t *c, int64_t id, bool staff)
{
    sqlite3_stmt *st = db_stmt(c->db, staff ? SQL_AFTER_STAFF : SQL_AFTER_USER);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, staff ? c->now : c->now + TICKET_ANSWER_DAYS * DAY);
    if (!staff) sqlite3_bind_int64(st, 3, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

/* Adds a message (text, or a photo with empty text) to a ticket that is not closed. */
static int add_message(ctx_t *c, int64_t id, bool staff, const char *text, const void *photo, size_t plen,
                       int64_t *msg_id)
{
    ticket_t t;
    uint8_t dek[VAULT_KEY_LEN];
    int res = load(c, id, staff, &t, dek);
    if (res) return res;
    res = LL_ERR;
    if (!strcmp(t.status, "closed")) {
        res = ctx_fail(c, LL_CONFLICT, "ticket_closed", NULL);
        goto out;
    }
    if (db_begin(c->db)) goto out;
    if (insert_msg(c, id, staff, dek, text, photo, plen, msg_id) || after_message(c, id, staff)) goto fail;
    if (staff && audit_append(c, "ticket.answered", c->user_id, t.user_id,
                              arena_printf(c->arena, "{\"ticket\":%lld}", (long long)id)))
        goto fail;
    res = db_commit(c->db) ? LL_ERR : LL_OK;
    goto out;
fail:
    db_rollback(c->db);
out:
    sodium_memzero(dek, sizeof dek);
    return res;
}

int ticket_reply(ctx_t *c, int64_t id, bool staff, const char *text, int64_t *msg_id)
{
    if (!text_ok(text, 1, TICKET_TEXT_MAX)) return ctx_fail(c, LL_INVALID, "invalid_field", "text");
    return add_message(c, id, staff, text, NULL, 0, msg_id);
}

static const char SQL_PHOTO_COUNT[] = "SELECT count(*) FROM ticket_messages WHERE ticket_id = ? AND photo IS NOT NULL";

int ticket_add_photo(ctx_t *c, int64_t id, const void *data, size_t len, int64_t *msg_id)
{
    ticket_t t;
    int res = load(c, id, false, &t, NULL);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHOTO_COUNT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int64_t have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : TICKET_PHOTOS_MAX;
    sqlite3_reset(st);
    if (have >= TICKET_PHOTOS_MAX) return ctx_fail(c, LL_CONFLICT, "too_many_photos", NULL);
    photo_out_t img;
    photo_limits_t lim = {.max_edge = 1600};
    int pr = photo_sanitize(data, len, &lim, &img); /* B11: no metadata survives */
    if (pr == PHOTO_ERR_INTERNAL) return LL_ERR;
    if (pr) return ctx_fail(c, LL_INVALID, photo_err_info(pr)->code, "photo");
    res = add_message(c, id, false, "", img.data, img.len, msg_id);
    photo_out_free(&img);
    return res;
}

static const char SQL_CLOSE[] = "UPDATE tickets SET status = 'closed', closed_at = ?2, updated_at = ?2 WHERE id = ?1";
static const char SQL_CLOSE_MSGS[] = "UPDATE ticket_messages SET closed_at = ?2 WHERE ticket_id = ?1";

/* Closes inside the caller's transaction: retention of the ticket and its messages starts now. */
static int close_rows(ctx_t *c, int64_t id)
{
    const char *sqls[] = {SQL_CLOSE, SQL_CLOSE_MSGS};
    for (size_t i = 0; i < ARRAY_LEN(sqls); i++) {
        sqlite3_stmt *st = db_stmt(c->db, sqls[i]);
        if (!st) return LL_ERR;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, c->now);
        if (db_run(c->db, st)) return LL_ERR;
    }
    return LL_OK;
}

int ticket_close(ctx_t *c, int64_t id, bool staff)
{
    ticket_t t;
    int res = load(c, id, staff, &t, NULL);
    if (res) return res;
    if (!strcmp(t.status, "closed")) return ctx_fail(c, LL_CONFLICT, "ticket_closed", NULL);
    if (db_begin(c->db)) return LL_ERR;
    if (close_rows(c, id) || audit_append(c, "ticket.closed", c->user_id, t.user_id,
                                          arena_printf(c->arena, "{\"ticket\":%lld}", (long long)id)))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

/* ---- support's queue and the sweep ---- */

static const char SQL_QUEUE_OPEN[] =
    "SELECT id, user_id, category, NULL, listing_id, status, created_at, deadline_at, answered_at, closed_at "
    "FROM tickets WHERE status = 'open' ORDER BY deadline_at, id LIMIT 200";
static const char SQL_QUEUE_ALL[] =
    "SELECT id, user_id, category, NULL, listing_id, status, created_at, deadline_at, answered_at, closed_at "
    "FROM tickets WHERE status IN ('open','answered') ORDER BY status DESC, deadline_at, id LIMIT 200";

int ticket_queue(ctx_t *c, const char *status, ticket_t **items, size_t *n)
{
    bool all = status && !strcmp(status, "all");
    if (status && !all && strcmp(status, "open")) return ctx_fail(c, LL_INVALID, "invalid_field", "status");
    ticket_t *v = arena_zalloc(c->arena, 200 * sizeof(*v));
    sqlite3_stmt *st = db_stmt(c->db, all ? SQL_QUEUE_ALL : SQL_QUEUE_OPEN);
    if (!st) return LL_ERR;
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) fill(c, st, &v[k++]);
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static const char SQL_IDLE[] = "SELECT id FROM tickets WHERE status = 'answered' AND updated_at < ? LIMIT 500";

int ticket_sweep(ctx_t *c, int64_t *n)
{
    int64_t ids[500];
    size_t k = 0;
    *n = 0;
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_IDLE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->now - TICKET_IDLE_DAYS * DAY);
    while (k < ARRAY_LEN(ids) && sqlite3_step(st) == SQLITE_ROW) ids[k++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (size_t i = 0; i < k; i++)
        if (close_rows(c, ids[i])) goto fail;
    if (db_commit(c->db)) goto fail;
    *n = (int64_t)k;
    return LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}
