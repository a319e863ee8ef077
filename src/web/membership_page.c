/*
 * membership_page.c — 会员 (A6): the plans, the person's membership (state,
 * expiry, auto-renewal), buying a plan through the payment provider's cashier
 * (C5) and turning auto-renewal off.
 *
 * What always holds: the state shown is vip_get's; buying only starts a
 * payment (vip_buy) and leaves for the provider's page — the membership
 * starts or extends when the provider's signed callback arrives, never
 * because the person came back. Cancelling renewal keeps the membership
 * until it ends (no refund), as the page says before the button.
 */
#include "base/conf.h"
#include "base/result.h"
#include "domain/membership.h"
#include "domain/payment.h"
#include "http/server.h"
#include "web/form.h"
#include "web/hs_pages.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <string.h>

static const web_hs_done_t dones[] = {
    {"returned", "已从支付页面返回。支付结果到达后会员状态会自动更新。"},
    {"cancelled", "已关闭自动续费。会员在到期前仍然有效，到期后不再扣费。"},
    {NULL, NULL},
};

static int render(req_t *r, unsigned status, const char *error)
{
    vip_state_t v;
    int res = vip_get(&r->ctx, &v);
    if (res) return http_fail(r, res);
    json_t *plans = json_array();
    for (size_t i = 0; i < vip_plan_count; i++)
        json_array_append_new(plans, json_pack("{s:s, s:s, s:s, s:s, s:i}", "slug", vip_plans[i].slug, "label",
                                               vip_plans[i].label, "benefits", vip_plans[i].benefits, "price",
                                               web_hs_yuan(r->arena, vip_plans[i].price_fen), "days", vip_plans[i].days));
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:s}", "title", "会员", "csrf", web_csrf_token(r), "plans", plans,
                            "status", v.status);
    bool active = !strcmp(v.status, "active");
    if (strcmp(v.status, "none")) {
        const vip_plan_t *p = vip_plan(v.plan);
        json_object_set_new(ctx, "member", json_pack("{s:s, s:s, s:s, s:b, s:b}", "plan", p ? p->label : v.plan,
                                                     "since", web_date_cn(r->arena, v.started_at, NULL), "until",
                                                     web_date_cn(r->arena, v.expires_at, NULL), "active", active,
                                                     "auto_renew", active && v.auto_renew));
    }
    json_object_set_new(ctx, "state_text", json_string(active ? "会员有效" : !strcmp(v.status, "expired") ? "会员已过期" : "还不是会员"));
    const char *done = http_query(r, "done");
    if (status == 200) web_hs_set_done(r, ctx, dones);
    if (done && !strcmp(done, "returned") && !active) json_object_set_new(ctx, "awaiting_payment", json_true());
    if (error) json_object_set_new(ctx, "error", json_string(error));
    return web_page(r, status, "membership", ctx);
}

int web_membership(req_t *r)
{
    return render(r, 200, NULL);
}

int web_membership_buy(req_t *r)
{
    web_form_t f;
    const char *number, *url, *trade_no;
    if (web_form_read(r, &f)) return 0;
    r->ctx.err_code = NULL;
    const char *renew = web_form_get(&f, "auto_renew"); /* A6: auto-renewal only when ticked, never by default */
    int res = vip_buy_auto(&r->ctx, web_form_get(&f, "plan"), renew && !strcmp(renew, "1"), &number, &url, &trade_no);
    if (res == LL_INVALID) return render(r, 422, "请选择一个会员套餐。");
    if (res == LL_OK && (web_local_path(url) || !strncmp(url, "https://", 8) || !strncmp(url, "http://", 7)))
        return web_redirect(r, url);
    if (res == LL_OK || (r->ctx.err_code && !strcmp(r->ctx.err_code, "payment_off")))
        return render(r, 503, "支付服务暂时不可用，请稍后再试。");
    return http_fail(r, res);
}

int web_membership_cancel(req_t *r)
{
    web_form_t f;
    vip_state_t v;
    if (web_form_read(r, &f)) return 0;
    int res = vip_cancel_renewal(&r->ctx, &v);
    if (res == LL_NOTFOUND) return render(r, 409, "您目前没有有效的会员，无需关闭自动续费。");
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me/membership?done=cancelled");
}
