/* orders.c — home-service orders and each party's view of them (C8, C5, E6). */
#include "api/api.h"
#include "base/result.h"
#include "domain/order.h"
#include "domain/service.h"
#include <string.h>

static const char *contact_word(order_contact_t c)
{
    return c == ORDER_CONTACT_SHOWN ? "shown" : c == ORDER_CONTACT_MASKED ? "masked" : "hidden";
}

static json_t *opt_time(req_t *r, int64_t t)
{
    return t ? json_string(api_time(r, t)) : json_null();
}

static json_t *order_json(req_t *r, const order_t *o, bool with_contact)
{
    const svc_category_t *cat = svc_category(o->category);
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s, s:s, s:s}, s:{s:I, s:o}, s:I, s:s, s:o, s:o}", "id",
                          (json_int_t)o->id, "number", o->number, "status", o->status, "role",
                          o->is_customer ? "customer" : "merchant", "service", "id", (json_int_t)o->service_id,
                          "title", o->item, "category", o->category, "category_label", cat ? cat->label : "",
                          "merchant", "id", (json_int_t)o->merchant_id, "name",
                          o->merchant_name ? json_string(o->merchant_name) : json_null(), "amount",
                          (json_int_t)o->amount_fen, "time", api_time(r, o->slot_at), "city",
                          api_region_ref(r, o->city), "district", api_region_ref(r, o->district));
    json_object_set_new(j, "created_at", json_string(api_time(r, o->created_at)));
    json_object_set_new(j, "paid_at", opt_time(r, o->paid_at));
    json_object_set_new(j, "accepted_at", opt_time(r, o->accepted_at));
    json_object_set_new(j, "started_at", opt_time(r, o->started_at));
    json_object_set_new(j, "completed_at", opt_time(r, o->completed_at));
    json_object_set_new(j, "closed_at", opt_time(r, o->closed_at));
    if (o->disputed_at) {
        const order_reason_t *why = order_dispute_reason(o->dispute_reason);
        json_t *d = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "reason", o->dispute_reason ? o->dispute_reason : "other",
                              "reason_label", why ? why->label : "其他", "opened_at", opt_time(r, o->disputed_at),
                              "outcome", o->dispute_outcome ? json_string(o->dispute_outcome) : json_null(), "refund",
                              o->dispute_outcome ? json_integer(o->refund_fen) : json_null(), "resolved_at",
                              opt_time(r, o->resolved_at));
        json_object_set_new(j, "dispute", d);
    }
    if (!with_contact) return j;
    json_object_set_new(j, "contact", json_string(contact_word(o->contact)));
    json_object_set_new(j, "address", o->address ? json_string(o->address) : json_null());
    json_object_set_new(j, "phone", o->phone ? json_string(o->phone) : json_null());
    return j;
}

int api_order_create(req_t *r)
{
    static const in_field_t spec[] = {{"service_id", IN_INT, true, 0}, {"time", IN_STR, true, 40},
                                      {"district", IN_INT, true, 999999}, {"address", IN_STR, true, 100},
                                      {"phone", IN_STR, true, 20}};
    in_val_t in[5];
    int64_t id;
    bool replayed;
    order_t o;
    if (http_input(r, spec, 5, in)) return 0;
    order_in_t oi = {.service_id = in[0].i, .time = in[1].s, .district = in[2].i, .address = in[3].s,
                     .phone = in[4].s, .idem_key = http_req_header(r, "Idempotency-Key")};
    int res = order_create(&r->ctx, &oi, &id, &replayed);
    if (res || (res = order_view(&r->ctx, id, &o))) return http_fail(r, res);
    if (replayed) http_header(r, "Idempotent-Replayed", "true");
    return http_json(r, 201, order_json(r, &o, true));
}

int api_order_get(req_t *r)
{
    order_t o;
    int res = order_view(&r->ctx, r->params[0], &o);
    if (res) return http_fail(r, res);
    return http_json(r, 200, order_json(r, &o, true));
}

static int move(req_t *r, const char *action)
{
    const char *status;
    int res = order_move(&r->ctx, r->params[0], action, &status);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->params[0], "status", status));
}

int api_order_accept(req_t *r)
{
    return move(r, "accept");
}

int api_order_start(req_t *r)
{
    return move(r, "start");
}

int api_order_complete(req_t *r)
{
    return move(r, "complete");
}

int api_order_cancel(req_t *r)
{
    return move(r, "cancel");
}

/* An optional body {"reason": code of order_dispute_reasons}; without one the reason is "other". */
int api_order_dispute(req_t *r)
{
    static const in_field_t spec[] = {{"reason", IN_STR, false, 20}};
    in_val_t in[1] = {{0}};
    const char *status;
    if (r->json && http_input(r, spec, 1, in)) return 0;
    int res = order_dispute(&r->ctx, r->params[0], in[0].s, &status);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->params[0], "status", status));
}

static int list(req_t *r, bool merchant)
{
    order_t *v;
    size_t n;
    int res = order_list(&r->ctx, merchant, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, order_json(r, &v[i], false));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_me_orders(req_t *r)
{
    return list(r, false);
}

int api_merchant_orders(req_t *r)
{
    return list(r, true);
}
