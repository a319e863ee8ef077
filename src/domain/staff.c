/* staff.c — granting and checking staff roles (see staff.h); every change is audited. */
#include "domain/staff.h"
#include "base/arena.h"
#include "base/result.h"
#include "domain/account.h"
#include "privacy/audit.h"
#include "store/db.h"
#include <string.h>

bool staff_role_valid(const char *role)
{
    return role && (!strcmp(role, "admin") || !strcmp(role, "moderator") || !strcmp(role, "support") ||
                    !strcmp(role, "auditor"));
}

static const char SQL_GRANT[] = "INSERT OR IGNORE INTO staff_roles(user_id, role, granted_at) VALUES (?,?,?)";
static const char SQL_REVOKE[] = "DELETE FROM staff_roles WHERE user_id = ? AND role = ?";
static const char SQL_HAS[] = "SELECT 1 FROM staff_roles WHERE user_id = ? AND role = ?";

static int change(ctx_t *c, const char *phone, const char *role, bool grant)
{
    int64_t uid;
    if (!staff_role_valid(role)) return ctx_fail(c, LL_INVALID, "invalid_field", "role");
    int res = acct_find_by_phone(c, phone, &uid);
    if (res) return res;
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, grant ? SQL_GRANT : SQL_REVOKE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    if (grant) sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st)) goto fail;
    if (db_changes(c->db) == 0) { /* nothing changed: nothing to record */
        db_rollback(c->db);
        return grant ? LL_OK : ctx_fail(c, LL_NOTFOUND, "not_found", "role");
    }
    if (audit_append(c, grant ? "staff.granted" : "staff.revoked", 0, uid,
                     arena_printf(c->arena, "{\"role\":\"%s\"}", role)))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

int staff_grant(ctx_t *c, const char *phone, const char *role)
{
    return change(c, phone, role, true);
}

int staff_revoke(ctx_t *c, const char *phone, const char *role)
{
    return change(c, phone, role, false);
}

bool staff_has(ctx_t *c, int64_t uid, const char *role)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_HAS);
    if (!st) return false;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    bool has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return has;
}
