/*
 * audit.c — append and verify the hash-chained security audit log.
 *
 * The hashed message is a length-prefixed encoding of every column, so no
 * two different entries can encode alike. The oldest surviving entry's
 * `prev` is taken as given, because retention deletes the oldest entries.
 */
#include "privacy/audit.h"
#include "base/arena.h"
#include "base/mem.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    unsigned char buf[4096];
    size_t n;
} msg_t;

static void put(msg_t *m, const void *p, size_t n)
{
    if (n > sizeof m->buf - m->n - 4) n = sizeof m->buf - m->n - 4; /* detail is bounded by callers */
    uint32_t len = (uint32_t)n;
    memcpy(m->buf + m->n, &len, 4);
    if (n) memcpy(m->buf + m->n + 4, p, n);
    m->n += 4 + n;
}

static void put_i64(msg_t *m, int64_t v)
{
    put(m, &v, sizeof v);
}

static void entry_hash(vault_t *v, const uint8_t prev[32], int64_t at, const char *event, int64_t actor,
                       int64_t subject, const void *client, size_t client_len, const char *detail,
                       uint8_t out[32])
{
    msg_t m = {.n = 0};
    put(&m, prev, 32);
    put_i64(&m, at);
    put(&m, event, strlen(event));
    put_i64(&m, actor);
    put_i64(&m, subject);
    put(&m, client, client_len);
    put(&m, detail, strlen(detail));
    vault_blind(v, VAULT_MAC_AUDIT, m.buf, m.n, out);
}

static const char SQL_LAST[] = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
static const char SQL_INSERT[] =
    "INSERT INTO audit_log(at, event, actor, subject, client, detail, prev, hash) VALUES (?,?,?,?,?,?,?,?)";

static int append_locked(ctx_t *c, const char *event, int64_t actor, int64_t subject, const char *detail)
{
    uint8_t prev[32] = {0}, hash[32], client[16];
    size_t client_len = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LAST);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) memcpy(prev, sqlite3_column_blob(st, 0), 32);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return -1;
    if (c->client && *c->client) {
        uint8_t full[VAULT_BLIND_LEN];
        vault_blind(c->vault, VAULT_BI_CLIENT, c->client, strlen(c->client), full);
        memcpy(client, full, sizeof client);
        client_len = sizeof client;
    }
    entry_hash(c->vault, prev, c->now, event, actor, subject, client, client_len, detail, hash);
    st = db_stmt(c->db, SQL_INSERT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_text(st, 2, event, -1, SQLITE_STATIC);
    if (actor) sqlite3_bind_int64(st, 3, actor);
    if (subject) sqlite3_bind_int64(st, 4, subject);
    if (client_len) sqlite3_bind_blob(st, 5, client, (int)client_len, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, detail, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, prev, 32, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 8, hash, 32, SQLITE_TRANSIENT);
    return db_run(c->db, st);
}

/* The events in which someone reads another person's data: shown to that person (F5); SQL_READS lists the same. */
static bool is_read_event(const char *event)
{
    static const char *const reads[] = {"pi.staff_read",          "listing.contact_revealed", "listing.moderated",
                                        "order.contact_revealed", "chat.staff_read",          "ticket.staff_read"};
    for (size_t i = 0; i < ARRAY_LEN(reads); i++)
        if (!strcmp(event, reads[i])) return true;
    return false;
}

static const char SQL_ROLES_NOW[] =
    "SELECT coalesce(group_concat(role, ','), '') FROM (SELECT role FROM staff_roles WHERE user_id = ? ORDER BY role)";

/*
 * F5: a read names the reader's staff roles as they are at the time of
 * reading ("actor_roles", "" for none), so the person later sees the role
 * that read, not whatever the reader holds by then.
 */
static const char *with_roles(ctx_t *c, int64_t actor, const char *detail)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ROLES_NOW);
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, actor);
    const char *roles = sqlite3_step(st) == SQLITE_ROW ? arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0))
                                                       : NULL;
    sqlite3_reset(st);
    size_t n = strlen(detail);
    if (!roles || n < 2 || detail[n - 1] != '}') return roles ? detail : NULL;
    return arena_printf(c->arena, "%.*s%s\"actor_roles\":\"%s\"}", (int)(n - 1), detail, n > 2 ? "," : "", roles);
}

int audit_append(ctx_t *c, const char *event, int64_t actor, int64_t subject, const char *detail)
{
    if (!detail) detail = "{}";
    if (actor && is_read_event(event) && !(detail = with_roles(c, actor, detail))) return -1;
    if (db_in_txn(c->db)) return append_locked(c, event, actor, subject, detail);
    if (db_begin(c->db)) return -1;
    if (append_locked(c, event, actor, subject, detail)) {
        db_rollback(c->db);
        return -1;
    }
    return db_commit(c->db);
}

static const char SQL_WALK[] =
    "SELECT id, at, event, actor, subject, client, detail, prev, hash FROM audit_log ORDER BY id";

int audit_verify(db_t *db, vault_t *v, audit_report_t *r)
{
    uint8_t expect_prev[32], hash[32];
    bool first = true;
    r->entries = 0;
    r->first_bad = 0;
    sqlite3_stmt *st = db_stmt(db, SQL_WALK);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *prev = sqlite3_column_blob(st, 7), *stored = sqlite3_column_blob(st, 8);
        const char *event = (const char *)sqlite3_column_text(st, 2);
        const char *detail = (const char *)sqlite3_column_text(st, 6);
        r->entries++;
        bool ok = sqlite3_column_bytes(st, 7) == 32 && sqlite3_column_bytes(st, 8) == 32 && event && detail;
        if (ok && !first && memcmp(prev, expect_prev, 32) != 0) ok = false;
        if (ok) {
            entry_hash(v, prev, sqlite3_column_int64(st, 1), event, sqlite3_column_int64(st, 3),
                       sqlite3_column_int64(st, 4), sqlite3_column_blob(st, 5),
                       (size_t)sqlite3_column_bytes(st, 5), detail, hash);
            ok = sodium_memcmp(hash, stored, 32) == 0;
        }
        if (!ok) {
            r->first_bad = sqlite3_column_int64(st, 0);
            break;
        }
        memcpy(expect_prev, stored, 32);
        first = false;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return -1;
    return r->first_bad ? 1 : 0;
}

const char *audit_read_why(const char *event)
{
    if (!strcmp(event, "pi.staff_read")) return "审核人员核验信息真实性时查看了您提交的核验资料";
    if (!strcmp(event, "listing.contact_revealed")) return "有登录用户查看了您发布信息中的完整联系方式";
    if (!strcmp(event, "order.contact_revealed")) return "为您上门服务的商家查看了订单中的地址和电话";
    if (!strcmp(event, "chat.staff_read")) return "审核人员处理举报时查看了您参与的微聊会话";
    if (!strcmp(event, "ticket.staff_read")) return "客服人员处理您的工单时查看了工单内容";
    if (!strcmp(event, "resume.read")) return "招聘方查看了您的简历（您投递的职位，或您设为公开的简历）";
    return "审核人员审核了您发布的信息";
}

static const char SQL_READS[] =
    "SELECT a.at, a.event, a.detail, coalesce(json_extract(a.detail, '$.actor_roles'), " /* older entries: today's */
    "  (SELECT group_concat(role, ',') FROM staff_roles s WHERE s.user_id = a.actor)) "
    "FROM audit_log a WHERE a.subject = ?1 AND (a.actor IS NULL OR a.actor <> ?1) "
    "AND a.event IN ('pi.staff_read', 'listing.contact_revealed', 'listing.moderated', 'order.contact_revealed', "
    "'chat.staff_read', 'ticket.staff_read', 'resume.read') ORDER BY a.id DESC LIMIT 200";

int audit_reads_of(ctx_t *c, int64_t uid, audit_read_t **items, size_t *n)
{
    audit_read_t *v = arena_zalloc(c->arena, 200 * sizeof(*v));
    size_t k = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_READS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, uid);
    int rc;
    while (k < 200 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *roles = (const char *)sqlite3_column_text(st, 3);
        v[k].at = sqlite3_column_int64(st, 0);
        v[k].event = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
        v[k].detail = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
        /* staff are named by role, other people not at all: who looked is not the reader's to expose */
        v[k++].who = arena_strdup(c->arena, roles && *roles ? roles : "登录用户");
    }
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return 0;
}
