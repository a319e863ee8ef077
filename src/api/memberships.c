/* memberships.c — VIP plans and the caller's membership (A6); paying goes through the payment interface (C5). */
#include "api/api.h"
#include "base/result.h"
#include "domain/membership.h"
#include <string.h>

int api_membership_plans(req_t *r)
{
    json_t *items = json_array();
    for (size_t i = 0; i < vip_plan_count; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:i, s:s}", "plan", vip_plans[i].slug, "label",
                                               vip_plans[i].label, "price_fen", (json_int_t)vip_plans[i].price_fen,
                                               "days", vip_plans[i].days, "benefits", vip_plans[i].benefits));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

static json_t *state_json(req_t *r, const vip_state_t *v)
{
    const vip_plan_t *p = vip_plan(v->plan);
    if (!strcmp(v->status, "none")) return json_pack("{s:s, s:n, s:n, s:b}", "status", "none", "plan", "expires_at", "auto_renew", 0);
    /* A6: the payment method auto-renewal charges (the provider holding the agreement) */
    return json_pack("{s:s, s:s, s:s?, s:s, s:s, s:b, s:s?}", "status", v->status, "plan", v->plan, "label",
                     p ? p->label : NULL, "started_at", api_time(r, v->started_at), "expires_at",
                     api_time(r, v->expires_at), "auto_renew", v->auto_renew, "renewal_provider",
                     v->auto_renew ? v->provider : NULL);
}

int api_me_membership(req_t *r)
{
    vip_state_t v;
    int res = vip_get(&r->ctx, &v);
    if (res) return http_fail(r, res);
    return http_json(r, 200, state_json(r, &v));
}

int api_me_membership_buy(req_t *r)
{
    static const in_field_t spec[] = {{"plan", IN_STR, true, 20}, {"auto_renew", IN_BOOL, false, 0}};
    in_val_t in[2];
    const char *number, *url, *trade_no;
    if (http_input(r, spec, 2, in)) return 0;
    int res = vip_buy_auto(&r->ctx, in[0].s, in[1].present && in[1].b, &number, &url, &trade_no);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:s, s:s, s:s, s:s, s:s}", "number", number, "status", "pending", "provider",
                                       pay_current(r->ctx.conf)->name, "payment_url", url, "trade_no", trade_no));
}

int api_me_membership_cancel(req_t *r)
{
    vip_state_t v;
    int res = vip_cancel_renewal(&r->ctx, &v);
    if (res) return http_fail(r, res);
    return http_json(r, 200, state_json(r, &v));
}
