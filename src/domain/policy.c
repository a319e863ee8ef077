/* policy.c — policy versions from the database (see policy.h). */
#include "domain/policy.h"
#include "base/arena.h"
#include "base/result.h"
#include "store/db.h"

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
