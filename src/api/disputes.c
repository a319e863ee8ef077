/* disputes.c — support staff settle disputed orders over the JSON API (E6, C8; see domain/dispute.h). */
#include "api/api.h"
#include "base/result.h"
#include "domain/dispute.h"

int api_staff_disputes(req_t *r)
{
    dispute_t *v;
    size_t n;
    int res = dispute_list(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "order_id",
                             (json_int_t)v[i].order_id, "number", v[i].number, "item", v[i].item, "category",
                             v[i].category, "amount", (json_int_t)v[i].amount_fen, "paid", (json_int_t)v[i].paid_fen,
                             "reason", v[i].reason, "reason_label", v[i].reason_label, "merchant", v[i].merchant_name,
                             "disputed_at", api_time(r, v[i].disputed_at), "city", api_region_ref(r, v[i].city),
                             "district", api_region_ref(r, v[i].district)));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

/* {"outcome": "refund" | "partial" | "release", "amount": fen (partial only)} */
int api_staff_order_resolve(req_t *r)
{
    static const in_field_t spec[] = {{"outcome", IN_STR, true, 10}, {"amount", IN_INT, false, 100000000}};
    in_val_t in[2] = {{0}};
    dispute_result_t out;
    if (http_input(r, spec, 2, in)) return 0;
    int res = dispute_resolve(&r->ctx, r->params[0], in[0].s, in[1].present ? in[1].i : 0, &out);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)r->params[0], "status", out.status,
                                       "outcome", out.outcome, "refund", (json_int_t)out.refund_fen));
}
