/* consent.c — purposes and decisions (see consent.h). */
#include "domain/consent.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "privacy/audit.h"
#include "store/db.h"
#include <string.h>

const consent_purpose_t consent_purposes[] = {
    {"personalization", "个性化推荐", "根据您近30天的浏览足迹推荐信息；关闭后推荐只按城市和发布时间，不使用您的个人信息", "C3, D2"},
    /* gates mkt_campaign (marketing.c): only accounts whose latest decision is a grant get a campaign (C4) */
    {"marketing", "营销信息", "在站内消息中心向您发送活动、优惠等营销消息；关闭后不再收到，不影响订单、工单等服务通知", "C4"},
    {"precise_location", "精确位置",
     "登录后搜索附近信息时使用您设备提供的精确位置计算距离；关闭时位置先取整到约1公里再使用。位置只用于当次请求，从不保存",
     "B9, B10"},
    {"partner_sharing", "向合作方共享", "在第三方共享清单列出的范围内，向合作方提供去标识化的信息", "E2, E4"},
    {"cross_border", "向境外提供", "在您已同意向合作方共享的前提下，另行同意把去标识化的信息提供给处理地在中国境外的合作方（见第三方共享清单中的“处理地”）；不同意时，任何境外合作方都收不到您的信息", "F1"},
    {"sensitive_identity", "实名认证（敏感个人信息）", "为实名认证处理您的真实姓名、身份证号和（选填的）银行卡号，并以身份证号判断年龄；这是敏感个人信息，需要您单独同意；撤回同意会删除认证信息和“已实名”标记", "C1"},
};
const size_t consent_count = ARRAY_LEN(consent_purposes);

const consent_purpose_t *consent_find(const char *slug)
{
    for (size_t i = 0; slug && i < consent_count; i++)
        if (!strcmp(consent_purposes[i].slug, slug)) return &consent_purposes[i];
    return NULL;
}

static const char SQL_LATEST[] =
    "SELECT granted, at FROM consents WHERE user_id = ? AND purpose = ? ORDER BY at DESC, id DESC LIMIT 1";
static const char SQL_RECORD[] = "INSERT INTO consents(user_id, purpose, granted, at) VALUES (?,?,?,?)";

static int latest(ctx_t *c, int64_t uid, const char *slug, bool *granted, int64_t *at)
{
    *granted = false;
    *at = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LATEST);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *granted = sqlite3_column_int(st, 0) != 0;
        *at = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

bool consent_granted(ctx_t *c, int64_t uid, const char *slug)
{
    bool g;
    int64_t at;
    return uid && latest(c, uid, slug, &g, &at) == LL_OK && g;
}

int64_t consent_decided_at(ctx_t *c, int64_t uid, const char *slug)
{
    bool g;
    int64_t at;
    return latest(c, uid, slug, &g, &at) == LL_OK ? at : 0;
}

int consent_set(ctx_t *c, int64_t uid, const char *slug, bool granted)
{
    bool now;
    int64_t at;
    if (!consent_find(slug)) return ctx_fail(c, LL_INVALID, "unknown_field", slug);
    if (latest(c, uid, slug, &now, &at)) return LL_ERR;
    if (at && now == granted) return LL_OK;
    sqlite3_stmt *st = db_stmt(c->db, SQL_RECORD);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, granted);
    sqlite3_bind_int64(st, 4, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    return audit_append(c, granted ? "consent.granted" : "consent.withdrawn", uid, uid,
                        arena_printf(c->arena, "{\"purpose\":\"%s\"}", slug))
               ? LL_ERR
               : LL_OK;
}
