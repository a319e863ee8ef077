/* marketing.c — invitation codes, points, gift claims, marketing messages (C4, G3). */
#include "api/api.h"
#include "base/result.h"
#include "domain/marketing.h"

int api_me_invite(req_t *r)
{
    const char *code;
    int64_t invited, points;
    int res = mkt_invite_info(&r->ctx, &code, &invited, &points);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s, s:I, s:I, s:i}", "code", code, "invited", (json_int_t)invited, "points",
                                       (json_int_t)points, "points_per_invite", INVITE_POINTS));
}

int api_me_invitation(req_t *r)
{
    static const in_field_t spec[] = {{"code", IN_STR, true, 8}};
    in_val_t in[1];
    if (http_input(r, spec, 1, in)) return 0;
    int res = mkt_invite_accept(&r->ctx, in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:s}", "status", "accepted"));
}

int api_gifts(req_t *r)
{
    json_t *items = json_array();
    for (size_t i = 0; i < mkt_gift_count; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:i}", "gift", mkt_gifts[i].slug, "label", mkt_gifts[i].label,
                                               "points", mkt_gifts[i].points));
    return http_json(r, 200, json_pack("{s:o, s:I}", "items", items, "points", (json_int_t)mkt_points(&r->ctx, r->ctx.user_id)));
}

static json_t *claim_json(req_t *r, const mkt_claim_t *v)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "id", (json_int_t)v->id, "gift", v->gift, "status",
                     v->status, "created_at", api_time(r, v->created_at), "delivery", "name", v->name, "phone", v->phone,
                     "address", v->address);
}

int api_gift_claim(req_t *r)
{
    static const in_field_t spec[] = {{"gift", IN_STR, true, 20}, {"name", IN_STR, true, 120}, {"phone", IN_STR, true, 20},
                                      {"address", IN_STR, true, 480}};
    in_val_t in[4];
    int64_t id;
    if (http_input(r, spec, 4, in)) return 0;
    mkt_claim_in_t ci = {in[0].s, in[1].s, in[2].s, in[3].s};
    int res = mkt_claim(&r->ctx, &ci, &id);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "status", "pending", "points",
                                       (json_int_t)mkt_points(&r->ctx, r->ctx.user_id)));
}

int api_gift_claims(req_t *r)
{
    mkt_claim_t *v;
    size_t n;
    int res = mkt_claims_mine(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, claim_json(r, &v[i]));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_admin_campaign(req_t *r)
{
    static const in_field_t spec[] = {{"title", IN_STR, true, 240}, {"body", IN_STR, true, 2000}};
    in_val_t in[2];
    int64_t sent;
    if (http_input(r, spec, 2, in)) return 0;
    int res = mkt_campaign(&r->ctx, in[0].s, in[1].s, &sent);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I}", "recipients", (json_int_t)sent));
}
