/* services.c — home-service merchants, their review, service offerings and finding them (JX, B9, B10, C3). */
#include "api/api.h"
#include "base/result.h"
#include "domain/merchant.h"
#include "domain/region.h"
#include "domain/service.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *region_ref(req_t *r, int64_t code)
{
    const char *name = code ? region_name(r->ctx.regions, (uint32_t)code) : NULL;
    return name ? json_pack("{s:I, s:s}", "code", (json_int_t)code, "name", name) : json_null();
}

json_t *api_region_ref(req_t *r, int64_t code)
{
    return region_ref(r, code);
}

static json_t *merchant_json(req_t *r, const merchant_t *m, bool own)
{
    json_t *o = json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)m->id, "name", m->name, "city", region_ref(r, m->city),
                          "status", m->status);
    if (own || m->note) {
        json_object_set_new(o, "review_note", m->note ? json_string(m->note) : json_null());
        json_object_set_new(o, "review_reason", m->reason ? json_string(m->reason) : json_null());
    }
    if (own) json_object_set_new(o, "created_at", json_string(api_time(r, m->created_at)));
    return o;
}

int api_merchant_apply(req_t *r)
{
    static const in_field_t spec[] = {{"name", IN_STR, true, 40}, {"city", IN_INT, true, 999999},
                                      {"license_no", IN_STR, true, 18}};
    in_val_t in[3];
    int64_t id;
    if (http_input(r, spec, 3, in)) return 0;
    int res = merchant_apply(&r->ctx, in[0].s, in[1].i, in[2].s, &id);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "pending"));
}

int api_me_merchant(req_t *r)
{
    merchant_t m;
    int res = merchant_mine(&r->ctx, &m);
    if (res) return http_fail(r, res);
    return http_json(r, 200, merchant_json(r, &m, true));
}

int api_admin_merchants(req_t *r)
{
    const char *status = http_query(r, "status");
    merchant_t *v;
    size_t n;
    int res = merchant_queue(&r->ctx, status ? status : "pending", &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, merchant_json(r, &v[i], true));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

/* The application with its licence number for verification; the read is audited (F5). */
int api_admin_merchant(req_t *r)
{
    merchant_t m;
    const char *license;
    int res = merchant_load(&r->ctx, r->params[0], &m);
    if (res || (res = merchant_license(&r->ctx, m.id, &license))) return http_fail(r, res);
    json_t *o = merchant_json(r, &m, true);
    json_object_set_new(o, "license_no", json_string(license));
    return http_json(r, 200, o);
}

static int review(req_t *r, bool approve)
{
    static const in_field_t spec[] = {{"reason", IN_STR, false, 40}};
    in_val_t in[1] = {{0}};
    if (r->json && http_input(r, spec, 1, in)) return 0;
    int res = merchant_review(&r->ctx, r->params[0], approve, in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", approve ? "approved" : "rejected"));
}

int api_admin_merchant_approve(req_t *r)
{
    return review(r, true);
}

int api_admin_merchant_reject(req_t *r)
{
    return review(r, false);
}

/* ---- services ---- */

static json_t *service_json(req_t *r, const svc_t *s, bool full)
{
    const svc_category_t *cat = svc_category(s->category);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:o, s:{s:I, s:s}, s:I}", "id", (json_int_t)s->id, "category",
                          s->category, "category_label", cat ? cat->label : "", "title", s->title, "price",
                          (json_int_t)s->price_fen, "unit", s->unit, "city", region_ref(r, s->city), "merchant", "id",
                          (json_int_t)s->merchant_id, "name", s->merchant_name, "orders", (json_int_t)s->orders);
    json_object_set_new(o, "rating", s->rating_count ? json_real(round((double)s->rating_sum * 10 / (double)s->rating_count) / 10)
                                                     : json_null());
    json_object_set_new(o, "rating_count", json_integer(s->rating_count));
    if (s->has_distance) json_object_set_new(o, "distance_km", json_real(s->distance_km));
    if (!full) return o;
    json_t *districts = json_array();
    for (size_t i = 0; i < s->ndistricts; i++) json_array_append_new(districts, region_ref(r, s->districts[i]));
    json_t *area = s->has_radius ? json_pack("{s:{s:f, s:f}, s:f}", "centre", "lat", s->lat, "lng", s->lng, "radius_km",
                                             s->radius_km)
                                 : json_object();
    json_object_set_new(area, "districts", districts);
    json_object_set_new(o, "description", json_string(s->description));
    json_object_set_new(o, "area", area);
    json_object_set_new(o, "slots", json_deep_copy(s->slots));
    json_object_set_new(o, "status", json_string(s->status));
    json_object_set_new(o, "capacity", s->capacity ? json_integer(s->capacity) : json_null());
    json_object_set_new(o, "created_at", json_string(api_time(r, s->created_at)));
    return o;
}

int api_service_create(req_t *r)
{
    static const in_field_t spec[] = {
        {"category", IN_STR, true, 20}, {"title", IN_STR, true, 50},   {"description", IN_STR, false, 1000},
        {"price", IN_INT, true, 0},     {"unit", IN_STR, true, 8},     {"city", IN_INT, true, 999999},
        {"area", IN_OBJECT, true, 0},   {"slots", IN_ARRAY, true, 7},  {"capacity", IN_INT_NULL, false, SVC_MAX_CAPACITY},
    };
    in_val_t in[9];
    int64_t id;
    if (http_input(r, spec, 9, in)) return 0;
    if (in[8].present && !in[8].is_null && in[8].i < 1) return http_error(r, "invalid_field", "capacity");
    svc_in_t si = {.category = in[0].s, .title = in[1].s, .description = in[2].s, .price_fen = in[3].i,
                   .unit = in[4].s, .city = in[5].i, .area = in[6].obj, .slots = in[7].arr,
                   .capacity = in[8].present && !in[8].is_null ? in[8].i : 0};
    int res = svc_create(&r->ctx, &si, &id);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "active"));
}

/* The merchant changes price, description, slots, status (active | paused) or capacity (null: not limited). */
int api_service_patch(req_t *r)
{
    static const in_field_t spec[] = {
        {"price", IN_INT, false, 0},        {"description", IN_STR, false, 1000},
        {"slots", IN_ARRAY, false, 7},      {"status", IN_STR, false, 10},
        {"capacity", IN_INT_NULL, false, SVC_MAX_CAPACITY},
    };
    in_val_t in[5] = {{0}};
    svc_t s;
    if (http_input(r, spec, 5, in)) return 0;
    if (in[4].present && !in[4].is_null && in[4].i < 1) return http_error(r, "invalid_field", "capacity");
    svc_patch_t p = {.has_price = in[0].present, .price_fen = in[0].i, .has_description = in[1].present,
                     .description = in[1].s, .has_slots = in[2].present, .slots = in[2].arr,
                     .has_status = in[3].present, .status = in[3].s, .has_capacity = in[4].present,
                     .capacity = in[4].is_null ? 0 : in[4].i};
    int res = svc_update(&r->ctx, r->params[0], &p);
    if (res || (res = svc_get(&r->ctx, r->params[0], &s))) return http_fail(r, res);
    return http_json(r, 200, service_json(r, &s, true));
}

int api_service_get(req_t *r)
{
    svc_t s;
    int res = svc_get(&r->ctx, r->params[0], &s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, service_json(r, &s, true));
}

static int query_code(req_t *r, const char *name, int64_t *out)
{
    const char *s = http_query(r, name);
    char *end;
    *out = 0;
    if (!s) return 0;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || errno || *end || v <= 0 || v > 999999) return http_error(r, "invalid_field", name), -1;
    *out = v;
    return 0;
}

/* near=lat,lng and radius_km: the point is used for this answer only and stored nowhere (B10). */
static int query_near(req_t *r, svc_query_t *q)
{
    const char *near = http_query(r, "near"), *radius = http_query(r, "radius_km");
    char *end;
    q->radius_km = 5;
    if (radius) {
        q->radius_km = strtod(radius, &end);
        if (!*radius || *end || !isfinite(q->radius_km) || q->radius_km < 0 || q->radius_km > 50)
            return http_error(r, "invalid_field", "radius_km"), -1;
    }
    if (!near) return 0;
    q->lat = strtod(near, &end);
    if (*end != ',') return http_error(r, "invalid_field", "near"), -1;
    q->lng = strtod(end + 1, &end);
    if (*end || !isfinite(q->lat) || !isfinite(q->lng) || fabs(q->lat) > 90 || fabs(q->lng) > 180)
        return http_error(r, "invalid_field", "near"), -1;
    q->has_near = true;
    return 0;
}

int api_services(req_t *r)
{
    svc_query_t q = {.limit = 20};
    svc_t *items;
    size_t n;
    bool personal;
    int64_t limit;
    q.q = http_query(r, "q");
    q.category = http_query(r, "category");
    if (q.q && (!*q.q || strlen(q.q) > 100)) return http_error(r, "invalid_field", "q");
    if (q.category && !svc_category(q.category)) return http_error(r, "invalid_field", "category");
    if (query_near(r, &q) || query_code(r, "district", &q.district) || query_code(r, "city", &q.city) ||
        query_code(r, "limit", &limit))
        return 0;
    if (limit) q.limit = limit > 50 ? 50 : (int)limit;
    int res = svc_find(&r->ctx, &q, &items, &n, &personal);
    if (res) return http_fail(r, res);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, service_json(r, &items[i], false));
    return http_json(r, 200, json_pack("{s:o, s:b}", "items", arr, "personalized", personal));
}
