/*
 * pi.c — the inventory generated from pi_decl.h, labels, sealing with
 * purpose checks, masking.
 */
#include "privacy/pi.h"
#include "base/mem.h"
#include "base/result.h"
#include <string.h>
#include <sodium.h>
#include "store/db.h"

const pi_field_t pi_fields[PI__COUNT] = {
#define PI(id, tbl, col, label, cat, purposes, basis, ret, days, since, flags, mask, share, scenario)             \
    [PI_##id] = {tbl, col, tbl "." col, label, scenario, cat, (purposes) | P_EXPORT, basis, ret, days, since,    \
                 flags, mask, share},
#define NOTPI(...)
#define OWNER(...)
#include "privacy/pi_decl.h"
#undef PI
#undef NOTPI
#undef OWNER
};

const pi_nonpi_t pi_nonpi[] = {
#define PI(...)
#define NOTPI(tbl, col, why) {tbl, col, why},
#define OWNER(...)
#include "privacy/pi_decl.h"
#undef PI
#undef NOTPI
#undef OWNER
};

const pi_owner_t pi_owners[] = {
#define PI(...)
#define NOTPI(...)
#define OWNER(tbl, where) {tbl, where},
#include "privacy/pi_decl.h"
#undef PI
#undef NOTPI
#undef OWNER
};
const size_t pi_owner_count = ARRAY_LEN(pi_owners);

const pi_owner_t *pi_owner(const char *table)
{
    for (size_t i = 0; i < pi_owner_count; i++)
        if (!strcmp(pi_owners[i].table, table)) return &pi_owners[i];
    return NULL;
}
const size_t pi_nonpi_count = ARRAY_LEN(pi_nonpi);

const char *pi_cat_label(pi_cat_t c)
{
    static const char *const labels[CAT__COUNT] = {
        [CAT_BASIC] = "个人基本资料",       [CAT_IDENTITY] = "个人身份信息",
        [CAT_IDENTIFIER] = "网络身份标识信息", [CAT_WORK] = "个人教育工作信息",
        [CAT_PROPERTY] = "个人财产信息",    [CAT_COMMS] = "个人通信信息",
        [CAT_WEB_RECORD] = "个人上网记录",   [CAT_DEVICE] = "个人常用设备信息",
        [CAT_LOCATION] = "个人位置信息",    [CAT_OTHER] = "其他信息",
    };
    return (unsigned)c < CAT__COUNT ? labels[c] : "其他信息";
}

const char *pi_basis_label(pi_basis_t b)
{
    switch (b) {
    case BASIS_CONSENT: return "您的同意";
    case BASIS_CONTRACT: return "订立、履行您作为一方当事人的合同所必需";
    case BASIS_LEGAL_DUTY: return "履行法定职责或者法定义务所必需";
    case BASIS_LEGITIMATE: return "保障账号与交易安全所必需";
    }
    return "";
}

const char *pi_purpose_label(unsigned bit)
{
    switch (bit) {
    case P_ACCOUNT: return "账号注册与登录";
    case P_SECURITY: return "账号与交易安全";
    case P_PROFILE: return "个人资料展示与管理";
    case P_EXPORT: return "响应您查阅、复制个人信息的请求";
    case P_PUBLISH: return "信息发布与展示";
    case P_CONTACT: return "帮助有意者联系发布者";
    case P_VERIFY: return "核验信息真实性";
    case P_ORDER: return "完成上门服务订单";
    case P_CHAT: return "用户之间就信息或订单沟通";
    case P_SUPPORT: return "客户服务与投诉处理";
    case P_MARKETING: return "营销活动与礼品寄送";
    case P_MEMBERSHIP: return "会员服务（购买、续费与会员权益）";
    }
    return "";
}

const char *pi_retention_label(arena_t *a, pi_id_t f)
{
    const pi_field_t *d = &pi_fields[f];
    switch (d->retention) {
    case RET_ACCOUNT: return "账号存续期间；注销后删除";
    case RET_DAYS: return arena_printf(a, "%d天，期满删除或匿名化", d->days);
    case RET_LAW: return arena_printf(a, "%d天（法律规定的最短期限）", d->days);
    case RET_LISTING: return "信息存续期间；信息删除或账号注销后删除";
    }
    return "";
}

int pi_find(const char *table, const char *column)
{
    for (int i = 0; i < PI__COUNT; i++)
        if (!strcmp(pi_fields[i].table, table) && !strcmp(pi_fields[i].column, column)) return i;
    return -1;
}

uint8_t *pi_seal(arena_t *a, pi_id_t f, const uint8_t dek[VAULT_KEY_LEN], const void *plain, size_t len,
                 size_t *outlen)
{
    if (!(pi_fields[f].flags & F_ENCRYPT)) PANIC("pi_seal on a field not declared F_ENCRYPT");
    *outlen = VAULT_SEALED_LEN(len);
    uint8_t *out = arena_alloc(a, *outlen);
    vault_seal(dek, pi_fields[f].ad, plain, len, out);
    return out;
}

int pi_open(arena_t *a, pi_id_t f, unsigned purpose, const uint8_t dek[VAULT_KEY_LEN], const void *blob,
            size_t len, char **out)
{
    *out = NULL;
    if (!(pi_fields[f].purposes & purpose)) return LL_DENIED;
    if (!vault_is_sealed(blob, len)) return LL_ERR;
    size_t n = len - VAULT_HDR_LEN - VAULT_TAG_LEN;
    char *p = arena_alloc(a, n + 1);
    if (vault_unseal(dek, pi_fields[f].ad, blob, len, (uint8_t *)p)) return LL_ERR;
    p[n] = '\0';
    *out = p;
    return LL_OK;
}

char *pi_mask_phone(arena_t *a, const char *phone)
{
    size_t n = strlen(phone);
    if (n < 7) return arena_strdup(a, "****");
    return arena_printf(a, "%.3s****%s", phone, phone + n - 4);
}

/* Keeps the first UTF-8 character, stars the rest: 张** */
static char *mask_name(arena_t *a, const char *s)
{
    size_t first = 1;
    while (s[first] && ((unsigned char)s[first] & 0xC0) == 0x80) first++;
    return arena_printf(a, "%.*s**", (int)first, s);
}

char *pi_mask_name(arena_t *a, const char *name)
{
    return *name ? mask_name(a, name) : arena_strdup(a, "");
}

static char *mask_email(arena_t *a, const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s) return arena_strdup(a, "****");
    return arena_printf(a, "%c***%s", s[0], at);
}

static char *mask_ip(arena_t *a, const char *s)
{
    const char *dot = strrchr(s, strchr(s, ':') ? ':' : '.');
    if (!dot) return arena_strdup(a, "*");
    return arena_printf(a, "%.*s*", (int)(dot - s + 1), s);
}

/* 京A·****5: province character, letter, the last character */
static char *mask_plate(arena_t *a, const char *s)
{
    size_t first = 1;
    while (s[first] && ((unsigned char)s[first] & 0xC0) == 0x80) first++;
    size_t n = strlen(s);
    if (n < first + 3) return arena_strdup(a, "****");
    return arena_printf(a, "%.*s%c·****%c", (int)first, s, s[first], s[n - 1]);
}

/* The first six characters (city, district), the rest starred. */
static char *mask_address(arena_t *a, const char *s)
{
    size_t i = 0;
    for (int chars = 0; s[i] && chars < 6; chars++) {
        i++;
        while (s[i] && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
    }
    return arena_printf(a, "%.*s****", (int)i, s);
}

/* 1101**********002X: region prefix and last four. */
static char *mask_id(arena_t *a, const char *s)
{
    size_t n = strlen(s);
    if (n < 8) return arena_strdup(a, "****");
    return arena_printf(a, "%.4s**********%s", s, s + n - 4);
}

/* **** 1234: the last four digits only. */
static char *mask_card(arena_t *a, const char *s)
{
    size_t n = strlen(s);
    return n < 8 ? arena_strdup(a, "****") : arena_printf(a, "**** %s", s + n - 4);
}

char *pi_mask(arena_t *a, pi_id_t f, const char *plain)
{
    if (!plain) return NULL;
    switch (pi_fields[f].mask) {
    case MASK_NONE: return arena_strdup(a, plain);
    case MASK_HIDE: return arena_strdup(a, "******");
    case MASK_PHONE: return pi_mask_phone(a, plain);
    case MASK_NAME: return *plain ? mask_name(a, plain) : arena_strdup(a, "");
    case MASK_EMAIL: return mask_email(a, plain);
    case MASK_IP: return mask_ip(a, plain);
    case MASK_PLATE: return mask_plate(a, plain);
    case MASK_ADDRESS: return mask_address(a, plain);
    case MASK_ID: return mask_id(a, plain);
    case MASK_CARD: return mask_card(a, plain);
    }
    return arena_strdup(a, "******");
}

static const char SQL_DEK[] = "SELECT dek FROM keys.deks WHERE user_id = ?";

int pi_subject_key(ctx_t *c, int64_t uid, uint8_t dek[VAULT_KEY_LEN])
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_DEK);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc = sqlite3_step(st);
    int res = LL_NOTFOUND;
    if (rc == SQLITE_ROW)
        res = vault_dek_unwrap(c->vault, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), dek)
                  ? LL_ERR
                  : LL_OK;
    else if (rc != SQLITE_DONE)
        res = LL_ERR;
    sqlite3_reset(st);
    return res;
}

static const char SQL_NEW_DEK[] = "INSERT INTO keys.deks(user_id, dek, created_at) VALUES (?, ?, ?)";

int pi_subject_key_store(ctx_t *c, int64_t uid, const uint8_t wrapped[VAULT_WRAPPED_LEN])
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_NEW_DEK);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_blob(st, 2, wrapped, VAULT_WRAPPED_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static const char SQL_STALE_DEKS[] =
    "SELECT user_id, dek FROM keys.deks WHERE substr(dek, 3, 4) <> ?1 LIMIT 500";
static const char SQL_SET_DEK[] = "UPDATE keys.deks SET dek = ?2 WHERE user_id = ?1";

/* Re-wraps one batch inside one transaction; returns how many, or -1. */
static int rewrap_batch(ctx_t *c, uint32_t cur)
{
    uint8_t ver[4] = {(uint8_t)(cur >> 24), (uint8_t)(cur >> 16), (uint8_t)(cur >> 8), (uint8_t)cur};
    int n = 0;
    if (db_begin(c->db)) return -1;
    sqlite3_stmt *st = db_stmt(c->db, SQL_STALE_DEKS);
    if (!st) goto fail;
    sqlite3_bind_blob(st, 1, ver, 4, SQLITE_STATIC);
    int64_t ids[500];
    uint8_t deks[500][VAULT_KEY_LEN];
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (vault_dek_unwrap(c->vault, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), deks[n]))
            continue; /* unreadable: leave for `linli audit` to report */
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    for (int i = 0; i < n; i++) {
        uint8_t wrapped[VAULT_WRAPPED_LEN];
        vault_dek_wrap(c->vault, deks[i], wrapped);
        sqlite3_stmt *up = db_stmt(c->db, SQL_SET_DEK);
        if (!up) goto fail;
        sqlite3_bind_int64(up, 1, ids[i]);
        sqlite3_bind_blob(up, 2, wrapped, sizeof wrapped, SQLITE_STATIC);
        if (db_run(c->db, up)) goto fail;
    }
    sodium_memzero(deks, sizeof deks);
    return db_commit(c->db) ? -1 : n;
fail:
    sodium_memzero(deks, sizeof deks);
    db_rollback(c->db);
    return -1;
}

int pi_rewrap_keys(ctx_t *c, int64_t *done)
{
    uint32_t cur = vault_current(c->vault);
    *done = 0;
    for (;;) {
        int n = rewrap_batch(c, cur);
        if (n < 0) return LL_ERR;
        if (n == 0) return LL_OK;
        *done += n;
    }
}
