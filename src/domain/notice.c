/*
 * notice.c — incidents and the message centre (see notice.h).
 *
 * The message body is composed from the incident and the Chinese labels of
 * the declared fields; it holds nothing about any one person, so the same
 * text goes to everyone affected. Phone numbers are opened for P_SECURITY,
 * the purpose the declaration gives for security notices.
 */
#include "domain/notice.h"
#include "base/arena.h"
#include "base/result.h"
#include "domain/sms.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "privacy/share.h"
#include "store/db.h"
#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

static const char SMS_TEXT[] =
    "【邻里】我们发生了一起个人信息安全事件，可能涉及您的信息。事件经过、已采取的措施和您可以做的事，"
    "请登录邻里在“消息中心”查看。邻里不会索要您的验证码或密码。";

static const char *beijing_time(ctx_t *c, int64_t t)
{
    time_t bt = (time_t)(t + 8 * 3600);
    struct tm tm;
    char buf[64];
    gmtime_r(&bt, &tm);
    strftime(buf, sizeof buf, "%Y年%m月%d日 %H:%M", &tm);
    return arena_printf(c->arena, "%s（北京时间）", buf);
}

/* Checks every field id against the declarations; the labels joined with 、 into *labels. */
static int field_labels(ctx_t *c, const notice_incident_t *in, const char **labels, char **ids_json)
{
    json_t *ids = json_array();
    const char *out = "";
    if (in->nfields == 0 || in->nfields > NOTICE_MAX_FIELDS) goto bad;
    for (size_t i = 0; i < in->nfields; i++) {
        size_t f = 0;
        while (f < PI__COUNT && strcmp(pi_fields[f].ad, in->fields[i])) f++;
        if (f == PI__COUNT) goto bad;
        json_array_append_new(ids, json_string(in->fields[i]));
        out = arena_printf(c->arena, "%s%s%s", out, *out ? "、" : "", pi_fields[f].label);
    }
    char *s = json_dumps(ids, JSON_COMPACT);
    json_decref(ids);
    *ids_json = arena_strdup(c->arena, s);
    free(s);
    *labels = out;
    return LL_OK;
bad:
    json_decref(ids);
    return ctx_fail(c, LL_INVALID, "invalid_field", "fields");
}

static int text_ok(const char *s, size_t max)
{
    return s && *s && strlen(s) <= max;
}

static const char SQL_INCIDENT[] = "INSERT INTO incidents(title, what, occurred_at, fields, remedies, advice, "
                                   "created_by, created_at) VALUES (?,?,?,?,?,?,?,?)";
static const char SQL_ALL_USERS[] = "SELECT id FROM users WHERE status = 'active' ORDER BY id";
static const char SQL_USER_ACTIVE[] = "SELECT 1 FROM users WHERE id = ? AND status = 'active'";
static const char SQL_MESSAGE[] =
    "INSERT INTO messages(user_id, kind, title, body, created_at) VALUES (?, 'breach', ?, ?, ?)";
static const char SQL_AFFECTED[] = "INSERT OR IGNORE INTO incident_users(incident_id, user_id) VALUES (?, ?)";
static const char SQL_NOTIFIED[] = "UPDATE incident_users SET notified_at = ? WHERE incident_id = ? AND user_id = ?";
static const char SQL_PHONE[] = "SELECT phone FROM users WHERE id = ?";
static const char SQL_TRIED[] =
    "UPDATE incident_users SET attempts = attempts + 1, failed_at = CASE WHEN ?4 OR attempts + 1 >= ?5 THEN ?1 END, "
    "fail_reason = CASE WHEN ?4 OR attempts + 1 >= ?5 THEN ?6 END WHERE incident_id = ?2 AND user_id = ?3 "
    "RETURNING failed_at"; /* not "failed_at IS NOT NULL": SQLite 3.40 answers 1 for it here even when NULL */

/* The recipients: every active account, or the given ones (each must be an active account). */
static int recipients_of(ctx_t *c, const notice_incident_t *in, int64_t **out, size_t *n)
{
    sqlite3_stmt *st;
    int rc;
    *n = 0;
    if (!in->all) {
        if (in->nusers == 0 || in->nusers > NOTICE_MAX_USERS) return ctx_fail(c, LL_INVALID, "invalid_field", "users");
        *out = arena_alloc(c->arena, in->nusers * sizeof **out);
        for (size_t i = 0; i < in->nusers; i++) {
            if (!(st = db_stmt(c->db, SQL_USER_ACTIVE))) return LL_ERR;
            sqlite3_bind_int64(st, 1, in->users[i]);
            rc = sqlite3_step(st);
            sqlite3_reset(st);
            if (rc == SQLITE_DONE) return ctx_fail(c, LL_INVALID, "invalid_field", "users");
            if (rc != SQLITE_ROW) return LL_ERR;
            (*out)[(*n)++] = in->users[i];
        }
        return LL_OK;
    }
    size_t cap = 256;
    *out = arena_alloc(c->arena, cap * sizeof **out);
    if (!(st = db_stmt(c->db, SQL_ALL_USERS))) return LL_ERR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *bigger = arena_alloc(c->arena, 2 * cap * sizeof *bigger);
            memcpy(bigger, *out, cap * sizeof *bigger);
            *out = bigger, cap *= 2;
        }
        (*out)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* Checks the incident's texts and time; LL_INVALID names the field at fault. */
static int incident_valid(ctx_t *c, const notice_incident_t *in)
{
    if (!text_ok(in->title, 400)) return ctx_fail(c, LL_INVALID, "invalid_field", "title");
    if (!text_ok(in->what, 8000)) return ctx_fail(c, LL_INVALID, "invalid_field", "what");
    if (!text_ok(in->remedies, 8000)) return ctx_fail(c, LL_INVALID, "invalid_field", "remedies");
    if (!text_ok(in->advice, 8000)) return ctx_fail(c, LL_INVALID, "invalid_field", "advice");
    if (in->occurred_at <= 0 || in->occurred_at > c->now) return ctx_fail(c, LL_INVALID, "invalid_field", "occurred_at");
    return LL_OK;
}

static int insert_incident(ctx_t *c, const notice_incident_t *in, const char *ids_json, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_INCIDENT);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, in->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->what, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, in->occurred_at);
    sqlite3_bind_text(st, 4, ids_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, in->remedies, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, in->advice, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, c->user_id);
    sqlite3_bind_int64(st, 8, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    *id = db_last_id(c->db);
    return LL_OK;
}

/* One affected account: its incident_users row (SMS pending) and its message; *added false if named twice. */
static int add_recipient(ctx_t *c, int64_t id, int64_t uid, const char *title, const char *body, bool *added)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_AFFECTED);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, uid);
    if (db_run(c->db, st)) return LL_ERR;
    *added = db_changes(c->db) == 1;
    if (!*added) return LL_OK;
    if (!(st = db_stmt(c->db, SQL_MESSAGE))) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static const char *incident_body(ctx_t *c, const notice_incident_t *in, const char *labels)
{
    return arena_printf(c->arena,
                        "发生了什么：%s\n发生时间：%s\n可能涉及的个人信息：%s\n我们已采取的措施：%s\n"
                        "您可以采取的措施：%s\n如有疑问，请通过“帮助与反馈”联系我们。",
                        in->what, beijing_time(c, in->occurred_at), labels, in->remedies, in->advice);
}

int notice_incident_record(ctx_t *c, const notice_incident_t *in, int64_t *id, int64_t *recipients)
{
    const char *labels;
    char *ids_json;
    int64_t *users;
    size_t n;
    int res;
    *recipients = 0;
    if ((res = incident_valid(c, in)) || (res = field_labels(c, in, &labels, &ids_json))) return res;
    const char *body = incident_body(c, in, labels);
    if (db_begin(c->db)) return LL_ERR;
    if ((res = recipients_of(c, in, &users, &n))) goto fail;
    res = LL_ERR;
    if (insert_incident(c, in, ids_json, id)) goto fail;
    for (size_t i = 0; i < n; i++) {
        bool added;
        if (add_recipient(c, *id, users[i], in->title, body, &added)) goto fail;
        *recipients += added;
    }
    const char *detail = arena_printf(c->arena, "{\"incident\":%lld,\"fields\":%s,\"recipients\":%lld}",
                                      (long long)*id, ids_json, (long long)*recipients);
    if (audit_append(c, "incident.recorded", c->user_id, 0, detail) || db_commit(c->db)) goto fail;
    return LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

/* The phone of uid opened for the security notice, or NULL (no key, no phone). */
static char *notice_phone(ctx_t *c, int64_t uid)
{
    uint8_t dek[VAULT_KEY_LEN];
    char *phone = NULL;
    if (pi_subject_key(c, uid, dek)) return NULL;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHONE);
    if (st) {
        sqlite3_bind_int64(st, 1, uid);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB)
            pi_open(c->arena, PI_USER_PHONE, P_SECURITY, dek, sqlite3_column_blob(st, 0),
                    (size_t)sqlite3_column_bytes(st, 0), &phone);
        sqlite3_reset(st);
    }
    sodium_memzero(dek, sizeof dek);
    return phone;
}

/*
 * Counts a try that sent nothing; at the last try (or at once when the phone
 * cannot be opened: trying again opens nothing) the notice is recorded as
 * failed, with its reason and an audit entry, and is never tried again.
 */
static int record_try(ctx_t *c, int64_t incident, int64_t uid, bool no_phone)
{
    const char *reason = no_phone ? "no_phone" : "refused";
    sqlite3_stmt *st;
    if (db_begin(c->db)) return LL_ERR;
    if (!(st = db_stmt(c->db, SQL_TRIED))) goto fail;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_int64(st, 2, incident);
    sqlite3_bind_int64(st, 3, uid);
    sqlite3_bind_int(st, 4, no_phone);
    sqlite3_bind_int(st, 5, NOTICE_SMS_MAX_TRIES);
    sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    bool gave_up = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (rc == SQLITE_ROW) rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) goto fail;
    if (gave_up && audit_append(c, "incident.notice_failed", 0, uid,
                                arena_printf(c->arena, "{\"incident\":%lld,\"reason\":\"%s\"}", (long long)incident,
                                             reason)))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_EXPIRED;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

/*
 * Sends one pending notice SMS, outside any transaction (the provider may
 * take seconds), then records it: the share with the provider (E1; notifying
 * is a legal duty) and notified_at, in one transaction. LL_EXPIRED: refused
 * by the gateway; LL_NOTFOUND: no phone to send to. Either try is counted.
 */
static int notify_one(ctx_t *c, int64_t incident, int64_t uid)
{
    char *phone = notice_phone(c, uid);
    if (!phone) return record_try(c, incident, uid, true) == LL_ERR ? LL_ERR : LL_NOTFOUND;
    if (c->sms->send(c->sms, phone, SMS_TEXT, NULL, "breach", c->now)) return record_try(c, incident, uid, false);
    sqlite3_stmt *st;
    if (db_begin(c->db)) return LL_ERR;
    if (share_record_sms(c, pi_fields[PI_USER_PHONE].ad, SHARE_BASIS_LAW, uid) ||
        !(st = db_stmt(c->db, SQL_NOTIFIED)))
        goto fail;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_int64(st, 2, incident);
    sqlite3_bind_int64(st, 3, uid);
    if (db_run(c->db, st) || db_commit(c->db)) goto fail;
    return LL_OK;
fail:
    db_rollback(c->db); /* sent but not recorded: sent again next time, which is the safer side */
    return LL_ERR;
}

/* pending notices after (incident, user), in key order, so one sweep tries each once */
static const char SQL_PENDING[] =
    "SELECT incident_id, user_id FROM incident_users WHERE notified_at IS NULL AND failed_at IS NULL "
    "AND (incident_id, user_id) > (?1, ?2) "
    "ORDER BY incident_id, user_id LIMIT 200";

/* The next batch of pending notices after *after; *n of them into ids (pairs). */
static int pending_batch(ctx_t *c, int64_t after[2], int64_t ids[][2], size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PENDING);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, after[0]);
    sqlite3_bind_int64(st, 2, after[1]);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ids[*n][0] = sqlite3_column_int64(st, 0);
        ids[(*n)++][1] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (*n) after[0] = ids[*n - 1][0], after[1] = ids[*n - 1][1];
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

int notice_sms_sweep(ctx_t *c, int64_t *sent, int64_t *failed)
{
    int64_t after[2] = {0, 0}, ids[200][2];
    size_t n;
    int in_a_row = 0, res;
    *sent = *failed = 0;
    if (!c->sms) return LL_OK;
    do {
        if ((res = pending_batch(c, after, ids, &n))) return res;
        for (size_t i = 0; i < n; i++) {
            res = notify_one(c, ids[i][0], ids[i][1]);
            if (res == LL_ERR) return res;
            if (res == LL_OK) (*sent)++, in_a_row = 0;
            else if (res == LL_NOTFOUND) (*failed)++; /* not the gateway's refusal: says nothing about it being down */
            else (*failed)++, in_a_row++;
            if (in_a_row == NOTICE_SMS_GIVE_UP) return LL_OK; /* the gateway is down: the next sweep retries */
        }
    } while (n);
    return LL_OK;
}

static const char SQL_MESSAGE_ANY[] = "INSERT INTO messages(user_id, kind, title, body, created_at) VALUES (?,?,?,?,?)";

int notice_message(ctx_t *c, int64_t uid, const char *kind, const char *title, const char *body)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_MESSAGE_ANY);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static const char SQL_LIST[] = "SELECT id, kind, title, body, created_at, read_at FROM messages WHERE user_id = ? "
                               "ORDER BY id DESC LIMIT 100";
static const char SQL_READ[] = "UPDATE messages SET read_at = coalesce(read_at, ?) WHERE id = ? AND user_id = ?";

int notice_list(ctx_t *c, int64_t uid, notice_msg_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_LIST);
    if (!st) return LL_ERR;
    *items = arena_zalloc(c->arena, 100 * sizeof **items);
    *n = 0;
    sqlite3_bind_int64(st, 1, uid);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < 100) {
        notice_msg_t *m = &(*items)[(*n)++];
        m->id = sqlite3_column_int64(st, 0);
        m->kind = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
        m->title = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
        m->body = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 3));
        m->created_at = sqlite3_column_int64(st, 4);
        m->read_at = sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

int notice_read(ctx_t *c, int64_t uid, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_READ);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, uid);
    if (db_run(c->db, st)) return LL_ERR;
    return db_changes(c->db) == 1 ? LL_OK : ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
}
