/* policy.c — policy versions from the database (see policy.h). */
#include "domain/policy.h"
#include "base/arena.h"
#include "base/result.h"
#include "store/db.h"
#include "privacy/audit.h"
#include <string.h>

static const char SQL_CURRENT[] =
    "SELECT id, version, major, published_at, summary FROM policy_versions ORDER BY id DESC LIMIT 1";
static const char SQL_ALL[] =
    "SELECT id, version, major, published_at, summary FROM policy_versions ORDER BY id DESC";
static const char SQL_MAJOR_AFTER[] = "SELECT 1 FROM policy_versions WHERE major = 1 AND id > ? LIMIT 1";

static void row(ctx_t *c, sqlite3_stmt *st, policy_t *p)
{
    p->id = sqlite3_column_int(st, 0);
    p->version = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
    p->major = sqlite3_column_int(st, 2) != 0;
    p->published_at = sqlite3_column_int64(st, 3);
    p->summary = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 4));
}

int policy_current(ctx_t *c, policy_t *p)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_CURRENT);
    if (!st) return LL_ERR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) row(c, st, p);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

int policy_list(ctx_t *c, policy_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ALL);
    if (!st) return LL_ERR;
    size_t cap = 8, k = 0;
    policy_t *v = arena_alloc(c->arena, cap * sizeof(*v));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            policy_t *w = arena_alloc(c->arena, 2 * cap * sizeof(*v));
            for (size_t i = 0; i < k; i++) w[i] = v[i];
            v = w, cap *= 2;
        }
        row(c, st, &v[k++]);
    }
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

int policy_needs_consent(ctx_t *c, int accepted, bool *needs)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_MAJOR_AFTER);
    if (!st) return LL_ERR;
    sqlite3_bind_int(st, 1, accepted);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    *needs = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static const char SQL_TEXT[] = "SELECT snapshot, taken_at FROM policy_texts WHERE policy_id = ?";
static const char SQL_TEXT_ADD[] = "INSERT OR IGNORE INTO policy_texts(policy_id, taken_at, snapshot) VALUES (?, ?, ?)";

int policy_text(ctx_t *c, int id, const char **snapshot, int64_t *taken_at)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_TEXT);
    if (!st) return LL_ERR;
    sqlite3_bind_int(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *snapshot = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0));
        *taken_at = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

/* Stores the content of version id unless it has one already (a version's content never changes). */
static int text_add(ctx_t *c, int id, const char *snapshot)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_TEXT_ADD);
    if (!st) return LL_ERR;
    sqlite3_bind_int(st, 1, id);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_text(st, 3, snapshot, -1, SQLITE_STATIC);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int policy_text_keep_current(ctx_t *c, const char *snapshot)
{
    policy_t cur;
    int res = policy_current(c, &cur);
    return res ? res : text_add(c, cur.id, snapshot);
}

static const char SQL_PUBLISH[] =
    "INSERT INTO policy_versions(id, version, major, published_at, summary) "
    "VALUES ((SELECT max(id) + 1 FROM policy_versions), ?, ?, ?, ?)";
static const char SQL_VERSION_TAKEN[] = "SELECT 1 FROM policy_versions WHERE version = ?";

int policy_publish(ctx_t *c, const char *version, bool major, const char *summary, const char *snapshot, int *id)
{
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_VERSION_TAKEN);
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) {
        db_rollback(c->db);
        return ctx_fail(c, LL_CONFLICT, "version_exists", "version");
    }
    if (!(st = db_stmt(c->db, SQL_PUBLISH))) goto fail;
    sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, major);
    sqlite3_bind_int64(st, 3, c->now);
    sqlite3_bind_text(st, 4, summary, -1, SQLITE_STATIC);
    if (db_run(c->db, st)) goto fail;
    *id = (int)db_last_id(c->db);
    if (text_add(c, *id, snapshot)) goto fail;
    if (audit_append(c, "policy.published", c->user_id, 0,
                     arena_printf(c->arena, "{\"policy\":%d,\"major\":%s}", *id, major ? "true" : "false")))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}
