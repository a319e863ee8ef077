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

/* Sends the SMS to uid; true when the gateway accepted it. */
static bool send_sms(ctx_t *c, int64_t uid)
{
    uint8_t dek[VAULT_KEY_LEN];
    char *phone = NULL;
    if (pi_subject_key(c, uid, dek)) return false;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHONE);
    if (st) {
        sqlite3_bind_int64(st, 1, uid);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB)
            pi_open(c->arena, PI_USER_PHONE, P_SECURITY, dek, sqlite3_column_blob(st, 0),
                    (size_t)sqlite3_column_bytes(st, 0), &phone);
        sqlite3_reset(st);
    }
    sodium_memzero(dek, sizeof dek);
    return phone && c->sms->send(c->sms, phone, SMS_TEXT, NULL, "breach", c->now) == 0;
}

int notice_incident_record(ctx_t *c, const notice_incident_t *in, int64_t *id, int64_t *recipients,
                           int64_t *sms_sent)
{
    const char *labels;
    char *ids_json;
    int64_t *users;
    size_t n;
    int res;
    *recipients = *sms_sent = 0;
    if (!text_ok(in->title, 400)) return ctx_fail(c, LL_INVALID, "invalid_field", "title");
    if (!text_ok(in->what, 8000)) return ctx_fail(c, LL_INVALID, "invalid_field", "what");
    if (!text_ok(in->remedies, 8000)) return ctx_fail(c, LL_INVALID, "invalid_field", "remedies");
    if (!text_ok(in->advice, 8000)) return ctx_fail(c, LL_INVALID, "invalid_field", "advice");
    if (in->occurred_at <= 0 || in->occurred_at > c->now) return ctx_fail(c, LL_INVALID, "invalid_field", "occurred_at");
    if ((res = field_labels(c, in, &labels, &ids_json))) return res;
    const char *body = arena_printf(c->arena,
                                    "发生了什么：%s\n发生时间：%s\n可能涉及的个人信息：%s\n我们已采取的措施：%s\n"
                                    "您可以采取的措施：%s\n如有疑问，请通过“帮助与反馈”联系我们。",
                                    in->what, beijing_time(c, in->occurred_at), labels, in->remedies, in->advice);
    if (db_begin(c->db)) return LL_ERR;
    if ((res = recipients_of(c, in, &users, &n))) goto fail;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_INCIDENT);
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, in->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->what, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, in->occurred_at);
    sqlite3_bind_text(st, 4, ids_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, in->remedies, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, in->advice, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, c->user_id);
    sqlite3_bind_int64(st, 8, c->now);
    if (db_run(c->db, st)) goto fail;
    *id = db_last_id(c->db);
    for (size_t i = 0; i < n; i++) {
        if (!(st = db_stmt(c->db, SQL_AFFECTED))) goto fail;
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int64(st, 2, users[i]);
        if (db_run(c->db, st)) goto fail;
        if (db_changes(c->db) == 0) { /* the same account named twice */
            users[i] = 0;
            continue;
        }
        if (!(st = db_stmt(c->db, SQL_MESSAGE))) goto fail;
        sqlite3_bind_int64(st, 1, users[i]);
        sqlite3_bind_text(st, 2, in->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, c->now);
        if (db_run(c->db, st)) goto fail;
        (*recipients)++;
    }
    const char *detail = arena_printf(c->arena, "{\"incident\":%lld,\"fields\":%s,\"recipients\":%lld}",
                                      (long long)*id, ids_json, (long long)*recipients);
    if (audit_append(c, "incident.recorded", c->user_id, 0, detail) || db_commit(c->db)) goto fail;
    for (size_t i = 0; i < n; i++) {
        if (!users[i] || !send_sms(c, users[i])) continue;
        if (!(st = db_stmt(c->db, SQL_NOTIFIED))) return LL_ERR;
        sqlite3_bind_int64(st, 1, c->now);
        sqlite3_bind_int64(st, 2, *id);
        sqlite3_bind_int64(st, 3, users[i]);
        if (db_run(c->db, st)) return LL_ERR;
        (*sms_sent)++;
    }
    return LL_OK;
fail:
    db_rollback(c->db);
    return res;
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
