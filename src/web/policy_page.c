/*
 * policy_page.c — the privacy policy pages and lists (see policy_page.h).
 *
 * The policy's text lives in templates/privacy.html; everything in it that
 * describes personal data comes from here, computed from pi_fields[] on each
 * request (42 fields: microseconds), so the page can never drift from what
 * the code enforces.
 */
#include "web/policy_page.h"
#include "base/result.h"
#include "domain/consent.h"
#include "domain/payment.h"
#include "domain/policy.h"
#include "http/server.h"
#include "privacy/pi.h"
#include "privacy/share.h"
#include "web/web.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CST_OFFSET     (8 * 3600) /* China Standard Time, no daylight saving */
#define NOTHING_SHARED "目前我们不向任何第三方共享您的个人信息。"

const char *web_pi_anchor(arena_t *a, int field)
{
    return arena_printf(a, "pi-%s-%s", pi_fields[field].table, pi_fields[field].column);
}

/* How the stored value is protected, or NULL when it is stored as it is. */
static const char *protection(unsigned flags)
{
    if (flags & F_HASHED) return "不可逆散列，无法还原";
    if (flags & F_BLIND) return "带密钥的单向散列";
    if (flags & F_ENCRYPT) return "加密存储";
    return NULL;
}

static const char *retention(arena_t *a, int field)
{
    const char *s = pi_retention_label(a, (pi_id_t)field);
    if (pi_fields[field].flags & F_KEPT_BY_LAW)
        return arena_printf(a, "%s；注销账号后仍依法保存至期满", s);
    return s;
}

static json_t *purposes(unsigned bits)
{
    json_t *arr = json_array();
    for (unsigned i = 0; i < P__COUNT; i++)
        if (bits & (1u << i)) json_array_append_new(arr, json_string(pi_purpose_label(1u << i)));
    return arr;
}

static json_t *field_json(arena_t *a, int i)
{
    const pi_field_t *f = &pi_fields[i];
    const char *anchor = web_pi_anchor(a, i), *prot = protection(f->flags);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(f->ad));
    json_object_set_new(o, "label", json_string(f->label));
    json_object_set_new(o, "category", json_string(pi_cat_label(f->cat)));
    json_object_set_new(o, "purposes", purposes(f->purposes));
    json_object_set_new(o, "scenario", json_string(f->scenario));
    json_object_set_new(o, "basis", json_string(pi_basis_label(f->basis)));
    json_object_set_new(o, "retention", json_string(retention(a, i)));
    json_object_set_new(o, "encrypted", json_boolean(prot != NULL));
    json_object_set_new(o, "protection", prot ? json_string(prot) : json_null());
    json_object_set_new(o, "sensitive", json_boolean(f->flags & F_SENSITIVE));
    json_object_set_new(o, "kept_by_law", json_boolean(f->flags & F_KEPT_BY_LAW));
    json_object_set_new(o, "shared", json_boolean(f->share != SHARE_NONE));
    json_object_set_new(o, "anchor", json_string(anchor));
    json_object_set_new(o, "url", json_string(arena_printf(a, "/privacy#%s", anchor)));
    return o;
}

json_t *web_pi_inventory(arena_t *a)
{
    json_t *items = json_array();
    for (int i = 0; i < PI__COUNT; i++)
        json_array_append_new(items, field_json(a, i));
    return items;
}

json_t *web_pi_by_category(arena_t *a)
{
    json_t *cats = json_array();
    for (int c = 0; c < CAT__COUNT; c++) {
        json_t *fields = json_array();
        for (int i = 0; i < PI__COUNT; i++)
            if ((int)pi_fields[i].cat == c)
                json_array_append_new(
                    fields, json_pack("{s:s, s:s, s:s}", "label", pi_fields[i].label, "scenario",
                                      pi_fields[i].scenario, "anchor", web_pi_anchor(a, i)));
        if (json_array_size(fields))
            json_array_append_new(cats, json_pack("{s:s, s:o}", "label", pi_cat_label((pi_cat_t)c),
                                                  "fields", fields));
        else
            json_decref(fields);
    }
    return cats;
}

json_t *web_pi_time_limited(arena_t *a)
{
    json_t *items = json_array();
    for (int i = 0; i < PI__COUNT; i++)
        if (pi_fields[i].retention == RET_DAYS || pi_fields[i].retention == RET_LAW)
            json_array_append_new(items,
                                  json_pack("{s:s, s:s, s:s, s:i}", "label", pi_fields[i].label,
                                            "anchor", web_pi_anchor(a, i), "retention",
                                            retention(a, i), "days", pi_fields[i].days));
    return items;
}

static json_t *field_ref(arena_t *a, int i)
{
    return json_pack("{s:s, s:s, s:s}", "id", pi_fields[i].ad, "label", pi_fields[i].label,
                     "anchor", web_pi_anchor(a, i));
}

json_t *web_pi_sharing(arena_t *a, const conf_t *conf)
{
    return web_pi_sharing_with(a, conf, NULL, 0);
}

/* A registered partner (E4): what its de-identified export carries, by label. */
static json_t *partner_json(arena_t *a, const conf_t *conf, const share_partner_t *p)
{
    json_t *fields = json_array(), *ids = json_loads(p->fields, 0, NULL);
    for (size_t i = 0; i < json_array_size(ids); i++) {
        const char *id = json_string_value(json_array_get(ids, i));
        const char *label = id ? share_field_label(id) : NULL;
        if (label)
            json_array_append_new(fields, json_pack("{s:s, s:s, s:s}", "id", id, "label", label, "anchor", "sharing"));
    }
    json_decref(ids);
    bool cross = strcmp(p->region, conf->data_region) != 0;
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "name", p->name, "kind", "去标识化数据导出", "purpose",
                     p->purpose, "basis", pi_basis_label(BASIS_CONSENT), "region",
                     cross ? arena_printf(a, "%s（境外，需您另行同意）", p->region)
                           : arena_printf(a, "%s（境内）", p->region),
                     "cross_border", cross, "fields", fields);
}

json_t *web_pi_sharing_with(arena_t *a, const conf_t *conf, const share_partner_t *partners, size_t npartners)
{
    json_t *recipients = json_array();
    /* declared shares: one recipient per share bit. No bit exists yet (SHARE_NONE); when one is
     * added to pi.h with its recipient's name, this lists it under a placeholder until it is named
     */
    for (unsigned bit = 0; bit < 32; bit++) {
        json_t *fields = json_array();
        for (int i = 0; i < PI__COUNT; i++)
            if (pi_fields[i].share & (1u << bit)) json_array_append_new(fields, field_ref(a, i));
        if (json_array_size(fields))
            json_array_append_new(
                recipients, json_pack("{s:s, s:s, s:s, s:o}", "name",
                                      arena_printf(a, "第三方接收方（共享标记 %u）", bit), "kind",
                                      "共享", "purpose", "见各字段的使用目的", "fields", fields));
        else
            json_decref(fields);
    }
    /* the production SMS gateway necessarily receives the number it sends a code to */
    if (conf && !strcmp(conf->sms_gateway, "http")) {
        json_t *fields = json_array();
        json_array_append_new(fields, field_ref(a, PI_USER_PHONE));
        json_array_append_new(
            recipients,
            json_pack("{s:s, s:s, s:s, s:s, s:o}", "name",
                      arena_printf(a, "短信服务商（%s）", share_url_host(a, conf->sms_http_url)), "kind",
                      "委托处理", "purpose", "向您的手机发送短信验证码", "basis",
                      pi_basis_label(BASIS_CONTRACT), "fields", fields));
    }
    /* C1/E1: a verification provider receives the identity it checks */
    if (conf && !strcmp(conf->verifier, "http")) {
        json_t *fields = json_array();
        json_array_append_new(fields, field_ref(a, PI_VERIFY_NAME));
        json_array_append_new(fields, field_ref(a, PI_VERIFY_ID));
        json_array_append_new(fields, field_ref(a, PI_VERIFY_CARD));
        json_array_append_new(fields, field_ref(a, PI_USER_PHONE));
        json_array_append_new(
            recipients,
            json_pack("{s:s, s:s, s:s, s:s, s:o}", "name",
                      arena_printf(a, "实名认证服务商（%s）", share_url_host(a, conf->verify_http_url)), "kind",
                      "委托处理", "purpose", "核验您提交的姓名与身份证号是否一致（实名认证）", "basis",
                      pi_basis_label(BASIS_CONSENT), "fields", fields));
    }
    /* C5: a payment gateway receives the item and amount of what it takes payment for (the order number names
     * no one); the built-in sandbox stays on the platform, like the SMS outbox */
    if (conf && pay_current(conf) == &pay_http) {
        json_t *fields = json_array();
        json_array_append_new(fields, field_ref(a, PI_ORDER_ITEM));
        json_array_append_new(fields, field_ref(a, PI_ORDER_AMOUNT));
        json_array_append_new(
            recipients, json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", pay_recipient(a, conf, &pay_http), "kind",
                                  "共享", "purpose", "为您的服务订单收款与退款", "basis",
                                  pi_basis_label(BASIS_CONTRACT), "fields", fields));
    }
    for (size_t i = 0; i < npartners; i++) json_array_append_new(recipients, partner_json(a, conf, &partners[i]));
    const char *statement = json_array_size(recipients)
                                ? "我们仅在下列范围内向第三方提供您的个人信息。"
                                : NOTHING_SHARED;
    return json_pack("{s:o, s:[], s:s}", "recipients", recipients, "sdks", "statement", statement);
}

const char *web_date_cn(arena_t *a, int64_t t, const char **iso)
{
    time_t tt = (time_t)(t + CST_OFFSET);
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (iso) *iso = arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return arena_printf(a, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* ---- handlers ---- */

static json_t *version_json(req_t *r, const policy_t *p, int current_id)
{
    const char *iso, *date = web_date_cn(r->arena, p->published_at, &iso);
    return json_pack("{s:i, s:s, s:b, s:s, s:s, s:s, s:b, s:s}", "id", p->id, "version", p->version,
                     "major", p->major, "summary", p->summary, "date", date, "date_iso", iso,
                     "current", p->id == current_id, "url",
                     arena_printf(r->arena, "/privacy/versions/%d", p->id));
}

/* ?version=N: a positive number of at most nine digits, or 0 when absent; -1 when malformed. */
static int version_arg(req_t *r)
{
    const char *q = http_query(r, "version");
    if (!q) return 0;
    size_t n = strlen(q);
    if (n == 0 || n > 9 || q[0] == '0' || strspn(q, "0123456789") != n) return -1;
    return atoi(q);
}

static json_t *consent_list(void)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < consent_count; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "label", consent_purposes[i].label,
                                             "explain", consent_purposes[i].explain, "promise",
                                             consent_purposes[i].promise));
    return arr;
}

/* The policy's content generated from the declarations now: what a version freezes when published (H4). */
static json_t *policy_content(ctx_t *c)
{
    const conf_t *conf = c->conf;
    share_partner_t *partners;
    size_t npartners;
    if (share_partners(c, &partners, &npartners)) return NULL;
    json_t *sharing = web_pi_sharing_with(c->arena, conf, partners, npartners);
    json_t *o = json_object();
    json_object_set_new(o, "categories", web_pi_by_category(c->arena));
    json_object_set_new(o, "fields", web_pi_inventory(c->arena));
    json_object_set_new(o, "field_count", json_integer(PI__COUNT));
    json_object_set_new(o, "time_limited", web_pi_time_limited(c->arena));
    json_object_set_new(o, "nothing_shared",
                        json_boolean(json_array_size(json_object_get(sharing, "recipients")) == 0));
    json_object_set_new(o, "sharing", sharing);
    json_object_set_new(o, "consents", consent_list());
    if (*conf->operator_name) json_object_set_new(o, "operator_name", json_string(conf->operator_name));
    if (*conf->privacy_contact) json_object_set_new(o, "privacy_contact", json_string(conf->privacy_contact));
    return o;
}

char *web_policy_snapshot(ctx_t *c)
{
    json_t *o = policy_content(c);
    if (!o) return NULL;
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    char *out = s ? arena_strdup(c->arena, s) : NULL;
    free(s);
    return out;
}

/*
 * The content of version p: live for the current one, the frozen snapshot
 * for a past one; *frozen_at is 0 when a past version has none (published
 * before contents were kept), and the live content stands in, said so.
 */
static json_t *content_of(req_t *r, const policy_t *p, bool current, int64_t *frozen_at)
{
    const char *text;
    *frozen_at = 0;
    if (current) return policy_content(&r->ctx);
    int res = policy_text(&r->ctx, p->id, &text, frozen_at);
    if (res == LL_NOTFOUND) return policy_content(&r->ctx);
    return res ? NULL : json_loads(text, 0, NULL);
}

/* The policy page for version `want` (0: the current one). */
static int privacy_page(req_t *r, int want)
{
    policy_t *v;
    size_t n;
    int64_t frozen_at;
    int res = policy_list(&r->ctx, &v, &n);
    if (res || n == 0) return http_fail(r, res ? res : LL_ERR);
    const policy_t *shown = want == 0 ? &v[0] : NULL; /* the list is newest first */
    for (size_t i = 0; want > 0 && i < n; i++)
        if (v[i].id == want) shown = &v[i];
    if (!shown) return web_not_found(r);
    bool past = shown != &v[0];
    json_t *ctx = content_of(r, shown, !past, &frozen_at);
    if (!ctx) return http_fail(r, LL_ERR);
    json_object_set_new(ctx, "title", json_string("个人信息保护政策"));
    json_object_set_new(ctx, "nav_privacy", json_true());
    json_object_set_new(ctx, "policy", version_json(r, shown, v[0].id));
    json_object_set_new(ctx, "latest", version_json(r, &v[0], v[0].id));
    json_object_set_new(ctx, "past", json_boolean(past));
    json_object_set_new(ctx, "past_frozen", json_boolean(past && frozen_at));
    json_object_set_new(ctx, "past_live", json_boolean(past && !frozen_at));
    if (frozen_at) json_object_set_new(ctx, "frozen_date", json_string(web_date_cn(r->arena, frozen_at, NULL)));
    return web_page(r, 200, "privacy", ctx);
}

int web_privacy(req_t *r)
{
    int want = version_arg(r);
    return want < 0 ? web_not_found(r) : privacy_page(r, want);
}

/* ---- GET /privacy/versions/{id} ---- */
int web_privacy_version(req_t *r)
{
    return r->params[0] > 0 && r->params[0] < 1000000000 ? privacy_page(r, (int)r->params[0]) : web_not_found(r);
}

/* ---- GET /api/v1/policy/versions/{id}: a version with its content as published ---- */
int web_api_policy_version(req_t *r)
{
    policy_t *v;
    size_t n;
    int64_t frozen_at;
    const policy_t *p = NULL;
    int res = policy_list(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    for (size_t i = 0; i < n; i++)
        if (v[i].id == r->params[0]) p = &v[i];
    if (!p) return http_error(r, "not_found", NULL);
    bool current = p == &v[0];
    json_t *content = content_of(r, p, current, &frozen_at);
    if (!content) return http_fail(r, LL_ERR);
    json_t *o = version_json(r, p, v[0].id);
    json_object_set_new(o, "html_url", json_string(arena_printf(r->arena, "/privacy/versions/%d", p->id)));
    json_object_set_new(o, "content_as_published", json_boolean(current || frozen_at));
    if (frozen_at) json_object_set_new(o, "content_frozen_at", json_integer(frozen_at));
    json_object_set_new(o, "content", content);
    return http_json(r, 200, o);
}

int web_privacy_versions(req_t *r)
{
    policy_t *v;
    size_t n;
    int res = policy_list(&r->ctx, &v, &n);
    if (res || n == 0) return http_fail(r, res ? res : LL_ERR);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, version_json(r, &v[i], v[0].id));
    return web_page(r, 200, "privacy_versions",
                    json_pack("{s:s, s:b, s:o}", "title", "隐私政策历史版本", "nav_privacy", 1,
                              "versions", items));
}

int web_api_inventory(req_t *r)
{
    json_t *items = web_pi_inventory(r->arena);
    return http_json(r, 200,
                     json_pack("{s:i, s:o, s:s}", "count", (int)json_array_size(items), "items",
                               items, "policy_url", "/privacy"));
}

int web_api_sharing(req_t *r)
{
    share_partner_t *partners;
    size_t npartners;
    if (share_partners(&r->ctx, &partners, &npartners)) return http_fail(r, LL_ERR);
    json_t *o = web_pi_sharing_with(r->arena, r->ctx.conf, partners, npartners);
    json_object_set_new(o, "policy_url", json_string("/privacy#sharing"));
    return http_json(r, 200, o);
}
