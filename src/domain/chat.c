/*
 * chat.c — conversations, messages, voice notes, receipts, blocks and
 * reports (see chat.h for the invariants).
 *
 * Every entry point starts by loading the caller's own membership row of the
 * conversation (member()); a missing row is the 404 for everyone who is not a
 * member, whether the conversation exists or not. Sealed values are opened
 * with their sender's key; a page holds at most two senders, so keys are
 * fetched once per sender per call (keys_t).
 */
#include "domain/chat.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/listing.h"
#include "domain/merchant.h"
#include "domain/minor.h"
#include "domain/order.h"
#include "domain/ratelimit.h"
#include "domain/validate.h"
#include "media/audio.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "privacy/redact.h"
#include "privacy/share.h"
#include "store/db.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ---- subjects: what a conversation can be about ---- */

static int listing_counterpart(ctx_t *c, int64_t id, int64_t *other)
{
    listing_t l;
    int res = listing_load(c, id, &l);
    if (res) return res;
    if (strcmp(l.status, "published")) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if (l.user_id == c->user_id) return ctx_fail(c, LL_INVALID, "invalid_field", "subject_id");
    if (l.cat->adults_only && (res = minor_require_adult(c, c->user_id))) return res; /* H1 */
    *other = l.user_id;
    return LL_OK;
}

static const char *listing_title(ctx_t *c, int64_t id)
{
    listing_t l;
    return listing_load(c, id, &l) == LL_OK && !strcmp(l.status, "published") ? l.title : NULL;
}

/* An order's two parties, customer and merchant (E6: the other side of a transaction); nobody else. */
static int order_counterpart(ctx_t *c, int64_t id, int64_t *other)
{
    order_t o;
    merchant_t m;
    int res = order_load_party(c, id, &o);
    if (res) return res;
    if (!o.is_customer) *other = o.customer_id; /* 0: the customer cancelled their account */
    else if ((res = merchant_load(c, o.merchant_id, &m)) == LL_OK) *other = m.user_id;
    else return res == LL_NOTFOUND ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : res;
    if (!*other) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if (*other == c->user_id) return ctx_fail(c, LL_INVALID, "invalid_field", "subject_id");
    return LL_OK;
}

static const char *order_title(ctx_t *c, int64_t id)
{
    order_t o;
    return order_load(c, id, &o) == LL_OK ? arena_printf(c->arena, "订单 %s · %s", o.number, o.item) : NULL;
}

/* Add a row here for a new kind of subject. */
static const chat_subject_t subjects[] = {
    {"listing", listing_counterpart, listing_title},
    {"order", order_counterpart, order_title},
};

static const chat_subject_t *subject_find(const char *kind)
{
    for (size_t i = 0; kind && i < ARRAY_LEN(subjects); i++)
        if (!strcmp(subjects[i].kind, kind)) return &subjects[i];
    return NULL;
}

/* ---- membership ---- */

typedef struct {
    int64_t conversation_id, user_id, last_at, read_upto;
    const char *role;
    bool blocked;
    bool peer_present, peer_blocked;
    int64_t peer_id, peer_read_upto;
    const char *subject_kind;
    int64_t subject_id;
} member_t;

static const char SQL_MEMBER[] =
    "SELECT m.role, m.last_at, m.read_upto, m.blocked, p.user_id, p.read_upto, p.blocked, c.subject_kind, "
    "c.subject_id FROM chat_members m JOIN chat_conversations c ON c.id = m.conversation_id "
    "LEFT JOIN chat_members p ON p.conversation_id = m.conversation_id AND p.user_id <> m.user_id "
    "WHERE m.conversation_id = ?1 AND m.user_id = ?2";

/* The caller's membership of conversation id, or LL_NOTFOUND (not a member, or no such conversation). */
static int member(ctx_t *c, int64_t id, member_t *m)
{
    memset(m, 0, sizeof(*m));
    sqlite3_stmt *st = db_stmt(c->db, SQL_MEMBER);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        m->conversation_id = id;
        m->user_id = c->user_id;
        m->role = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0));
        m->last_at = sqlite3_column_int64(st, 1);
        m->read_upto = sqlite3_column_int64(st, 2);
        m->blocked = sqlite3_column_int(st, 3) != 0;
        m->peer_present = sqlite3_column_type(st, 4) != SQLITE_NULL;
        m->peer_id = sqlite3_column_int64(st, 4);
        m->peer_read_upto = sqlite3_column_int64(st, 5);
        m->peer_blocked = sqlite3_column_int(st, 6) != 0;
        m->subject_kind = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 7));
        m->subject_id = sqlite3_column_int64(st, 8);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return LL_OK;
    return rc == SQLITE_DONE || !c->user_id ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
}

/* ---- opening ---- */

static const char SQL_FIND[] =
    "SELECT m.conversation_id FROM chat_conversations c JOIN chat_members m ON m.conversation_id = c.id "
    "WHERE c.subject_kind = ?1 AND c.subject_id = ?2 AND m.user_id = ?3";
static const char SQL_NEW_CONV[] = "INSERT INTO chat_conversations(subject_kind, subject_id, created_at) VALUES (?,?,?)";
static const char SQL_NEW_MEMBER[] =
    "INSERT INTO chat_members(conversation_id, user_id, role, last_at) VALUES (?,?,?,?)";

/*
 * The caller's conversation about a subject in either role: for an order either party may open it, and the
 * second finds the first's; for a listing only the starter can get here (its poster is refused before).
 */
static int find_open(ctx_t *c, const char *kind, int64_t subject_id, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_FIND);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, subject_id);
    sqlite3_bind_int64(st, 3, c->user_id);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static int add_member(ctx_t *c, int64_t conv, int64_t uid, const char *role)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_NEW_MEMBER);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, conv);
    sqlite3_bind_int64(st, 2, uid);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static const char *uid_key(ctx_t *c)
{
    return arena_printf(c->arena, "%lld", (long long)c->user_id);
}

int chat_open(ctx_t *c, const char *kind, int64_t subject_id, int64_t *id, bool *created)
{
    const chat_subject_t *s = subject_find(kind);
    int64_t other;
    *created = false;
    if (!s) return ctx_fail(c, LL_INVALID, "invalid_field", "subject_kind");
    int res = s->counterpart(c, subject_id, &other);
    if (res || (res = find_open(c, kind, subject_id, id))) return res;
    if (*id) return LL_OK;
    if ((res = rl_hit(c, "chat_open", uid_key(c), 3600, CHAT_OPEN_PER_HOUR))) return res;
    if (db_begin(c->db)) return LL_ERR;
    if (find_open(c, kind, subject_id, id)) goto fail; /* again inside the write lock: one per starter */
    if (*id) return db_commit(c->db) ? LL_ERR : LL_OK;
    sqlite3_stmt *st = db_stmt(c->db, SQL_NEW_CONV);
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, s->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, subject_id);
    sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st)) goto fail;
    *id = db_last_id(c->db);
    if (add_member(c, *id, c->user_id, "starter") || add_member(c, *id, other, "owner")) goto fail;
    if (db_commit(c->db)) goto fail;
    *created = true;
    return LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

/* ---- listing conversations ---- */

static const char SQL_LIST[] =
    "SELECT m.conversation_id, m.role, m.last_at, m.read_upto, m.blocked, c.subject_kind, c.subject_id, "
    "p.user_id, p.read_upto, p.blocked, "
    "(SELECT count(*) FROM chat_messages x WHERE x.conversation_id = m.conversation_id AND x.id > m.read_upto "
    "AND x.sender_id <> m.user_id) "
    "FROM chat_members m JOIN chat_conversations c ON c.id = m.conversation_id "
    "LEFT JOIN chat_members p ON p.conversation_id = m.conversation_id AND p.user_id <> m.user_id "
    "WHERE m.user_id = ?1 AND (m.last_at, m.conversation_id) < (?2, ?3) "
    "ORDER BY m.last_at DESC, m.conversation_id DESC LIMIT ?4";

static void fill_conv(ctx_t *c, sqlite3_stmt *st, chat_conv_t *v)
{
    memset(v, 0, sizeof(*v));
    v->id = sqlite3_column_int64(st, 0);
    v->role = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
    v->last_at = sqlite3_column_int64(st, 2);
    v->read_upto = sqlite3_column_int64(st, 3);
    v->blocked_by_me = sqlite3_column_int(st, 4) != 0;
    v->subject_kind = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 5));
    v->subject_id = sqlite3_column_int64(st, 6);
    v->peer_gone = sqlite3_column_type(st, 7) == SQLITE_NULL;
    v->peer_read_upto = sqlite3_column_int64(st, 8);
    v->blocked_by_peer = sqlite3_column_int(st, 9) != 0;
    v->unread = sqlite3_column_int64(st, 10);
}

static void add_titles(ctx_t *c, chat_conv_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const chat_subject_t *s = subject_find(v[i].subject_kind);
        v[i].title = s && s->title ? s->title(c, v[i].subject_id) : NULL;
    }
}

int chat_list(ctx_t *c, int64_t before_at, int64_t before_id, int limit, chat_conv_t **items, size_t *n,
              bool *more)
{
    if (limit < 1 || limit > CHAT_PAGE_MAX) return ctx_fail(c, LL_INVALID, "invalid_field", "limit");
    chat_conv_t *v = arena_zalloc(c->arena, (size_t)(limit + 1) * sizeof(*v));
    sqlite3_stmt *st = db_stmt(c->db, SQL_LIST);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_int64(st, 2, before_at);
    sqlite3_bind_int64(st, 3, before_id);
    sqlite3_bind_int(st, 4, limit + 1);
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) fill_conv(c, st, &v[k++]);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return LL_ERR;
    *more = k > (size_t)limit;
    *n = *more ? (size_t)limit : k;
    *items = v;
    add_titles(c, v, *n);
    return LL_OK;
}

int chat_get(ctx_t *c, int64_t id, chat_conv_t *out)
{
    chat_conv_t *v;
    size_t n;
    bool more;
    member_t m;
    int res = member(c, id, &m);
    if (res) return res;
    /* the list query from just above this conversation's position: its first row is this one */
    if ((res = chat_list(c, m.last_at, id + 1, 1, &v, &n, &more))) return res;
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id) return *out = v[i], LL_OK;
    return LL_ERR;
}

/* ---- reading messages ---- */

typedef struct {
    int64_t uid[2];
    uint8_t dek[2][VAULT_KEY_LEN];
    int n;
} keys_t;

static const uint8_t *key_of(ctx_t *c, keys_t *k, int64_t uid)
{
    for (int i = 0; i < k->n; i++)
        if (k->uid[i] == uid) return k->dek[i];
    if (k->n == 2 || pi_subject_key(c, uid, k->dek[k->n])) return NULL;
    k->uid[k->n] = uid;
    return k->dek[k->n++];
}

static const char SQL_BEFORE[] =
    "SELECT id, sender_id, kind, body, shared, audio_type, duration_ms, created_at FROM chat_messages "
    "WHERE conversation_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3";
static const char SQL_AFTER[] =
    "SELECT id, sender_id, kind, body, shared, audio_type, duration_ms, created_at FROM chat_messages "
    "WHERE conversation_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";

/* One message row as `viewer` may see it; staff (viewer 0) see the text unmasked. */
static void fill_msg(ctx_t *c, sqlite3_stmt *st, keys_t *keys, int64_t viewer, int64_t peer_read, chat_msg_t *m)
{
    memset(m, 0, sizeof(*m));
    m->id = sqlite3_column_int64(st, 0);
    int64_t sender = sqlite3_column_int64(st, 1);
    m->mine = viewer && sender == viewer;
    m->kind = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
    m->shared = sqlite3_column_int(st, 4) != 0;
    const char *type = (const char *)sqlite3_column_text(st, 5);
    m->audio_type = type ? arena_strdup(c->arena, type) : NULL;
    m->duration_ms = sqlite3_column_int64(st, 6);
    m->created_at = sqlite3_column_int64(st, 7);
    m->read_by_peer = m->mine && peer_read >= m->id;
    const uint8_t *dek = key_of(c, keys, sender);
    char *text = NULL;
    if (!dek || pi_open(c->arena, PI_CHAT_BODY, P_CHAT, dek, sqlite3_column_blob(st, 3),
                        (size_t)sqlite3_column_bytes(st, 3), &text) != LL_OK)
        text = "";
    int found = 0;
    if (viewer && !m->mine && !m->shared) {
        text = redact_contacts(c->arena, text, &found);
        m->masked = found > 0;
    }
    m->text = text;
}

static int page(ctx_t *c, int64_t conv, int64_t before, int64_t after, int limit, int64_t viewer,
                int64_t peer_read, chat_msg_t **items, size_t *n, bool *more)
{
    keys_t keys = {0};
    sqlite3_stmt *st = db_stmt(c->db, after > 0 ? SQL_AFTER : SQL_BEFORE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, conv);
    sqlite3_bind_int64(st, 2, after > 0 ? after : before > 0 ? before : INT64_MAX);
    sqlite3_bind_int(st, 3, limit + 1);
    chat_msg_t *v = arena_zalloc(c->arena, (size_t)(limit + 1) * sizeof(*v));
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) fill_msg(c, st, &keys, viewer, peer_read, &v[k++]);
    sqlite3_reset(st);
    sodium_memzero(&keys, sizeof keys);
    if (rc != SQLITE_DONE) return LL_ERR;
    *more = k > (size_t)limit;
    *n = *more ? (size_t)limit : k;
    *items = v;
    return LL_OK;
}

int chat_messages(ctx_t *c, int64_t id, int64_t before, int64_t after, int limit, chat_msg_t **items, size_t *n,
                  bool *more)
{
    member_t m;
    int res = member(c, id, &m);
    if (res) return res;
    if (limit < 1 || limit > CHAT_PAGE_MAX) return ctx_fail(c, LL_INVALID, "invalid_field", "limit");
    return page(c, id, before, after, limit, c->user_id, m.peer_read_upto, items, n, more);
}

/* ---- sending ---- */

static const char SQL_INSERT_MSG[] =
    "INSERT INTO chat_messages(conversation_id, sender_id, kind, body, shared, audio_type, duration_ms, created_at) "
    "VALUES (?,?,?,?,?,?,?,?)";
static const char SQL_INSERT_VOICE[] = "INSERT INTO chat_voice(message_id, audio, created_at) VALUES (?,?,?)";
static const char SQL_TOUCH[] = "UPDATE chat_members SET last_at = ?2 WHERE conversation_id = ?1";
static const char SQL_READ_OWN[] =
    "UPDATE chat_members SET read_upto = max(read_upto, ?3) WHERE conversation_id = ?1 AND user_id = ?2";

/* Whether the caller may send into the conversation now. */
static int may_send(ctx_t *c, int64_t id, member_t *m)
{
    int res = member(c, id, m);
    if (res) return res;
    if (!m->peer_present) return ctx_fail(c, LL_CONFLICT, "chat_peer_gone", NULL);
    if (m->blocked || m->peer_blocked) return ctx_fail(c, LL_CONFLICT, "chat_blocked", NULL);
    return rl_hit(c, "chat_send", uid_key(c), 60, CHAT_SEND_PER_MIN);
}

typedef struct {
    const char *kind, *audio_type;
    const void *body;
    size_t body_len;
    bool shared;
    int64_t duration_ms;
} msg_row_t;

/* Inserts a message, moves both members' last_at and the sender's read mark; inside a transaction. */
static int insert_msg(ctx_t *c, int64_t conv, const msg_row_t *r, int64_t *msg_id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT_MSG);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, conv);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_text(st, 3, r->kind, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, r->body, (int)r->body_len, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, r->shared);
    if (r->audio_type) sqlite3_bind_text(st, 6, r->audio_type, -1, SQLITE_STATIC);
    if (r->audio_type) sqlite3_bind_int64(st, 7, r->duration_ms);
    sqlite3_bind_int64(st, 8, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    *msg_id = db_last_id(c->db);
    if (!(st = db_stmt(c->db, SQL_TOUCH))) return LL_ERR;
    sqlite3_bind_int64(st, 1, conv);
    sqlite3_bind_int64(st, 2, c->now);
    if (db_run(c->db, st) || !(st = db_stmt(c->db, SQL_READ_OWN))) return LL_ERR;
    sqlite3_bind_int64(st, 1, conv);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_int64(st, 3, *msg_id);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static bool text_ok(const char *s)
{
    size_t n = utf8_chars(s);
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) return false;
    return n >= 1 && n <= CHAT_TEXT_MAX;
}

/* E1/E5: the sender showed the contact details of one message to the other member. */
static int record_share(ctx_t *c, int64_t conv, int64_t msg_id)
{
    json_t *fields = json_pack("[s]", pi_fields[PI_CHAT_BODY].ad);
    int res = share_record(c, "微聊中的对方用户（由您选择展示联系方式）", c->conf->data_region, fields, SHARE_BASIS_CONSENT,
                           arena_printf(c->arena, "微聊会话 %lld 消息 %lld", (long long)conv, (long long)msg_id),
                           c->user_id, 1);
    json_decref(fields);
    return res;
}

int chat_send_text(ctx_t *c, int64_t id, const char *text, bool share, int64_t *msg_id, bool *shared)
{
    member_t m;
    uint8_t dek[VAULT_KEY_LEN];
    int res = may_send(c, id, &m);
    if (res) return res;
    if (!text || !text_ok(text)) return ctx_fail(c, LL_INVALID, "invalid_field", "text");
    int found = 0;
    if (share) redact_contacts(c->arena, text, &found);
    *shared = share && found > 0; /* a share is recorded only when there was something to show */
    if ((res = pi_subject_key(c, c->user_id, dek))) return res;
    msg_row_t r = {.kind = "text", .shared = *shared};
    r.body = pi_seal(c->arena, PI_CHAT_BODY, dek, text, strlen(text), &r.body_len);
    sodium_memzero(dek, sizeof dek);
    if (db_begin(c->db)) return LL_ERR;
    if (insert_msg(c, id, &r, msg_id) || (*shared && record_share(c, id, *msg_id))) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

int chat_send_voice(ctx_t *c, int64_t id, const void *data, size_t len, int64_t *msg_id, chat_msg_t *out)
{
    member_t m;
    audio_info_t info;
    uint8_t dek[VAULT_KEY_LEN];
    int res = may_send(c, id, &m);
    if (res) return res;
    if (len > CHAT_VOICE_MAX_BYTES) return ctx_fail(c, LL_INVALID, "voice_too_large", "audio");
    int ar = audio_probe(data, len, &info);
    if (ar == AUDIO_ERR_TYPE) return ctx_fail(c, LL_INVALID, "voice_unsupported_type", "audio");
    if (ar) return ctx_fail(c, LL_INVALID, "voice_corrupt", "audio");
    if (info.duration_ms > CHAT_VOICE_MAX_MS) return ctx_fail(c, LL_INVALID, "voice_too_long", "audio");
    if ((res = pi_subject_key(c, c->user_id, dek))) return res;
    size_t alen;
    msg_row_t r = {.kind = "voice", .audio_type = info.mime, .duration_ms = info.duration_ms};
    r.body = pi_seal(c->arena, PI_CHAT_BODY, dek, "", 0, &r.body_len);
    const uint8_t *audio = pi_seal(c->arena, PI_CHAT_VOICE, dek, data, len, &alen);
    sodium_memzero(dek, sizeof dek);
    if (db_begin(c->db)) return LL_ERR;
    if (insert_msg(c, id, &r, msg_id)) goto fail;
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT_VOICE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, *msg_id);
    sqlite3_bind_blob(st, 2, audio, (int)alen, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st) || db_commit(c->db)) goto fail;
    *out = (chat_msg_t){.id = *msg_id, .created_at = c->now, .kind = "voice", .text = "", .audio_type = info.mime,
                        .duration_ms = info.duration_ms, .mine = true};
    return LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

static const char SQL_VOICE[] =
    "SELECT m.sender_id, m.audio_type, v.audio FROM chat_messages m JOIN chat_voice v ON v.message_id = m.id "
    "WHERE m.id = ?1 AND m.conversation_id = ?2";

int chat_voice(ctx_t *c, int64_t id, int64_t msg_id, void **data, size_t *len, const char **mime)
{
    member_t m;
    uint8_t dek[VAULT_KEY_LEN];
    *data = NULL;
    int res = member(c, id, &m);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_VOICE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, msg_id);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    res = rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
    if (res == LL_OK && (res = pi_subject_key(c, sqlite3_column_int64(st, 0), dek)) == LL_OK) {
        char *plain;
        size_t n = (size_t)sqlite3_column_bytes(st, 2);
        *mime = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
        res = pi_open(c->arena, PI_CHAT_VOICE, P_CHAT, dek, sqlite3_column_blob(st, 2), n, &plain);
        if (res == LL_OK) {
            *len = n - VAULT_HDR_LEN - VAULT_TAG_LEN;
            *data = memcpy(mem_alloc(*len ? *len : 1), plain, *len);
        }
        sodium_memzero(dek, sizeof dek);
    }
    sqlite3_reset(st);
    return res;
}

/* ---- receipts, blocks, reports ---- */

static const char SQL_LAST_ID[] = "SELECT max(id) FROM chat_messages WHERE conversation_id = ?";

int chat_mark_read(ctx_t *c, int64_t id, int64_t upto, int64_t *read_upto)
{
    member_t m;
    int res = member(c, id, &m);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LAST_ID);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int64_t last = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (upto <= 0 || upto > last) upto = last; /* never past what exists: a receipt cannot be pre-dated */
    if (!(st = db_stmt(c->db, SQL_READ_OWN))) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_int64(st, 3, upto);
    if (db_run(c->db, st)) return LL_ERR;
    *read_upto = upto > m.read_upto ? upto : m.read_upto;
    return LL_OK;
}

static const char SQL_BLOCK[] = "UPDATE chat_members SET blocked = ?3 WHERE conversation_id = ?1 AND user_id = ?2";

static int set_block(ctx_t *c, int64_t id, bool on)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_BLOCK);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_int(st, 3, on);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int chat_block(ctx_t *c, int64_t id, bool on)
{
    member_t m;
    int res = member(c, id, &m);
    return res ? res : set_block(c, id, on);
}

static const char *const report_reasons[] = {"fraud", "spam", "harassment", "illegal", "other"};
static const char SQL_REPORT[] =
    "INSERT OR IGNORE INTO chat_reports(conversation_id, user_id, reason, at) VALUES (?,?,?,?)";

int chat_report(ctx_t *c, int64_t id, const char *reason)
{
    member_t m;
    size_t i = 0;
    int res = member(c, id, &m);
    if (res) return res;
    while (reason && i < ARRAY_LEN(report_reasons) && strcmp(reason, report_reasons[i])) i++;
    if (!reason || i == ARRAY_LEN(report_reasons)) return ctx_fail(c, LL_INVALID, "invalid_field", "reason");
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_REPORT);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_text(st, 3, report_reasons[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    if (db_run(c->db, st)) goto fail;
    if (!db_changes(c->db)) {
        db_rollback(c->db);
        return ctx_fail(c, LL_CONFLICT, "already_reported", NULL);
    }
    if (set_block(c, id, true) ||
        audit_append(c, "chat.reported", c->user_id, 0,
                     arena_printf(c->arena, "{\"conversation\":%lld,\"reason\":\"%s\"}", (long long)id, report_reasons[i])))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

/* ---- staff ---- */

static const char SQL_REPORTS[] = "SELECT id, conversation_id, reason, at FROM chat_reports ORDER BY id LIMIT 200";

int chat_reports(ctx_t *c, chat_report_t **items, size_t *n)
{
    chat_report_t *v = arena_zalloc(c->arena, 200 * sizeof(*v));
    sqlite3_stmt *st = db_stmt(c->db, SQL_REPORTS);
    if (!st) return LL_ERR;
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v[k].id = sqlite3_column_int64(st, 0);
        v[k].conversation_id = sqlite3_column_int64(st, 1);
        v[k].reason = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
        v[k++].at = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static const char SQL_REPORTED_CONV[] = "SELECT conversation_id FROM chat_reports WHERE id = ?";
static const char SQL_MEMBERS[] = "SELECT user_id FROM chat_members WHERE conversation_id = ?";

int chat_report_messages(ctx_t *c, int64_t report_id, chat_msg_t **items, size_t *n)
{
    bool more;
    sqlite3_stmt *st = db_stmt(c->db, SQL_REPORTED_CONV);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, report_id);
    int rc = sqlite3_step(st);
    int64_t conv = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
    int res = page(c, conv, 0, 0, CHAT_PAGE_MAX, 0, 0, items, n, &more);
    if (res || !(st = db_stmt(c->db, SQL_MEMBERS))) return res ? res : LL_ERR;
    sqlite3_bind_int64(st, 1, conv);
    const char *detail = arena_printf(c->arena, "{\"conversation\":%lld,\"report\":%lld,\"purpose\":\"review\"}",
                                      (long long)conv, (long long)report_id);
    int64_t who[2] = {0, 0};
    for (int k = 0; k < 2 && sqlite3_step(st) == SQLITE_ROW; k++) who[k] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (int k = 0; k < 2; k++) /* F5: each member can see that staff read the conversation */
        if (who[k] && audit_append(c, "chat.staff_read", c->user_id, who[k], detail)) return LL_ERR;
    return LL_OK;
}

/* ---- sweep ---- */

static const char SQL_EMPTY[] =
    "DELETE FROM chat_conversations WHERE NOT EXISTS (SELECT 1 FROM chat_members m WHERE m.conversation_id = "
    "chat_conversations.id)";

int chat_sweep(ctx_t *c, int64_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_EMPTY);
    *n = 0;
    if (!st || db_run(c->db, st)) return LL_ERR;
    *n = db_changes(c->db);
    return LL_OK;
}
