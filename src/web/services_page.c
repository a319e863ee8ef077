/*
 * services_page.c — 到家服务: finding services in a city, a district or near
 * a point (B9), one service with its price, area, time slots, merchant rating
 * and reviews with photos (C9), and the order form (C8).
 *
 * What always holds: the search point comes with one request (typed, or set
 * by static/near.js only after a tap) and is written nowhere (B10); results
 * are svc_find's, so with personalisation off they are the same for everyone
 * (C3). The order form says before anything is sent that the merchant sees
 * the phone and address only after payment and acceptance (C8); it carries a
 * random idempotency key, so a form sent twice makes one order.
 */
#include "base/result.h"
#include "domain/account.h"
#include "domain/merchant.h"
#include "domain/order.h"
#include "domain/region.h"
#include "domain/review.h"
#include "domain/service.h"
#include "http/server.h"
#include "web/form.h"
#include "web/hs_pages.h"
#include "web/policy_page.h"
#include "web/site.h"
#include "web/web.h"
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CST            (8 * 3600) /* Beijing time has no daylight saving */
#define NEAR_RADIUS_KM 10
#define FOUND_MAX      30
#define ORDER_DAYS     14 /* the order form offers the next two weeks */
#define REVIEWS_SHOWN  20

static const char *const weekdays[] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};

/* ---- shared helpers (hs_pages.h) ---- */

const char *web_hs_yuan(arena_t *a, int64_t fen)
{
    char digits[32], grouped[48];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(fen / 100)), k = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    return arena_printf(a, "¥%s.%02lld", grouped, (long long)(fen % 100));
}

/* Monday = 0 of a Beijing day number (days since 1970-01-01, a Thursday). */
static int weekday_of(int64_t day)
{
    return (int)(((day + 3) % 7 + 7) % 7);
}

const char *web_hs_when(arena_t *a, int64_t t)
{
    time_t bj = (time_t)(t + CST);
    struct tm tm;
    gmtime_r(&bj, &tm);
    return arena_printf(a, "%d月%d日（%s）%02d:%02d", tm.tm_mon + 1, tm.tm_mday,
                        weekdays[weekday_of((t + CST) / 86400)], tm.tm_hour, tm.tm_min);
}

const char *web_hs_place(req_t *r, int64_t city, int64_t district)
{
    const char *c = city ? region_name(r->ctx.regions, (uint32_t)city) : NULL;
    const char *d = district ? region_name(r->ctx.regions, (uint32_t)district) : NULL;
    if (c && d) return arena_printf(r->arena, "%s·%s", c, d);
    return c ? c : d ? d : "";
}

static const struct {
    const char *status, *text;
} order_states[] = {
    {"created", "待支付"},      {"paid", "已支付，待商家接单"}, {"accepted", "商家已接单"},
    {"in_service", "服务中"},   {"completed", "已完成"},        {"reviewed", "已评价"},
    {"cancelled", "已取消"},    {"refunded", "已退款"},         {"disputed", "有争议，客服处理中"},
    {"resolved", "争议已处理"},
};

const char *web_hs_status_text(const char *status)
{
    for (size_t i = 0; i < sizeof order_states / sizeof order_states[0]; i++)
        if (!strcmp(order_states[i].status, status)) return order_states[i].text;
    return status;
}

const char *web_hs_rating(arena_t *a, int64_t sum, int64_t count)
{
    if (!count) return "暂无评价";
    return arena_printf(a, "%.1f 分（%lld 条评价）", round((double)sum * 10 / (double)count) / 10, (long long)count);
}

void web_hs_set_done(req_t *r, json_t *ctx, const web_hs_done_t *list)
{
    const char *done = http_query(r, "done");
    for (const web_hs_done_t *d = list; done && d->done; d++)
        if (!strcmp(done, d->done)) json_object_set_new(ctx, "done", json_string(d->text));
}

/* ---- describing a service ---- */

/* [1,2,3,4,5] → "周一至周五"; [6,7] → "周六、周日"; all seven → "每天". */
static const char *days_text(arena_t *a, json_t *days)
{
    bool on[7] = {0};
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(days); i++) {
        json_int_t d = json_integer_value(json_array_get(days, i));
        if (d >= 1 && d <= 7 && !on[d - 1]) on[d - 1] = true, n++;
    }
    if (n == 7) return "每天";
    int first = -1, last = -1;
    for (int i = 0; i < 7; i++)
        if (on[i]) last = i, first = first < 0 ? i : first;
    if (n >= 3 && (size_t)(last - first + 1) == n) return arena_printf(a, "%s至%s", weekdays[first], weekdays[last]);
    const char *s = "";
    for (int i = 0; i < 7; i++)
        if (on[i]) s = arena_printf(a, "%s%s%s", s, *s ? "、" : "", weekdays[i]);
    return s;
}

static json_t *slots_json(arena_t *a, json_t *slots)
{
    json_t *out = json_array();
    for (size_t i = 0; i < json_array_size(slots); i++) {
        json_t *s = json_array_get(slots, i);
        const char *from = json_string_value(json_object_get(s, "from")), *to = json_string_value(json_object_get(s, "to"));
        json_array_append_new(out, json_pack("{s:s}", "text",
                                             arena_printf(a, "%s %s–%s", days_text(a, json_object_get(s, "days")),
                                                          from ? from : "", to ? to : "")));
    }
    return out;
}

static const char *area_text(req_t *r, const svc_t *s)
{
    const char *names = "";
    for (size_t i = 0; i < s->ndistricts; i++) {
        const char *n = region_name(r->ctx.regions, (uint32_t)s->districts[i]);
        if (n) names = arena_printf(r->arena, "%s%s%s", names, *names ? "、" : "", n);
    }
    if (s->has_radius)
        return arena_printf(r->arena, "服务点周边 %.1f 公里内（约覆盖：%s）", s->radius_km, *names ? names : "—");
    return *names ? names : "—";
}

static json_t *card_json(req_t *r, const svc_t *s)
{
    const svc_category_t *cat = svc_category(s->category);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)s->id, "url",
                          arena_printf(r->arena, "/services/%lld", (long long)s->id), "title", s->title, "category",
                          cat ? cat->label : s->category, "price", web_hs_yuan(r->arena, s->price_fen), "unit", s->unit,
                          "merchant", s->merchant_name, "rating",
                          web_hs_rating(r->arena, s->rating_sum, s->rating_count));
    if (s->has_distance)
        json_object_set_new(o, "distance",
                            json_string(s->distance_km > 0 ? arena_printf(r->arena, "距您约 %.1f 公里", s->distance_km)
                                                           : "服务范围覆盖您的位置"));
    return o;
}

/* ---- GET /services ---- */

/* "lat,lng" in China's extent (B9: used for this request only). */
static bool parse_point(const char *s, double *lat, double *lng)
{
    char *end;
    if (!s || !*s || strlen(s) > 40) return false;
    *lat = strtod(s, &end);
    if (*end != ',') return false;
    *lng = strtod(end + 1, &end);
    return !*end && isfinite(*lat) && isfinite(*lng) && *lat >= 3 && *lat <= 54 && *lng >= 73 && *lng <= 136;
}

static int64_t parse_code(const char *s)
{
    uint32_t code;
    return s && *s && !region_parse_code(s, strlen(s), &code) ? (int64_t)code : 0;
}

static json_t *category_options(const char *chosen)
{
    json_t *a = json_array();
    for (size_t i = 0; i < svc_category_count; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "slug", svc_categories[i].slug, "label",
                                           svc_categories[i].label, "selected",
                                           chosen && !strcmp(chosen, svc_categories[i].slug)));
    return a;
}

static json_t *district_options(req_t *r, int64_t city, int64_t chosen)
{
    const uint32_t *codes;
    size_t n = city ? region_districts(r->ctx.regions, (uint32_t)city, &codes) : 0;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:I, s:s, s:b}", "code", (json_int_t)codes[i], "name",
                                           region_name(r->ctx.regions, codes[i]), "selected", codes[i] == chosen));
    return a;
}

static int search_error(req_t *r, json_t *ctx, const char *text)
{
    json_object_set_new(ctx, "error", json_string(text));
    return web_page(r, 400, "services", ctx);
}

int web_services(req_t *r)
{
    const char *q = http_query(r, "q"), *cat = http_query(r, "category"), *near = http_query(r, "near");
    const char *city_arg = http_query(r, "city"), *district_arg = http_query(r, "district");
    svc_query_t sq = {.limit = FOUND_MAX};
    sq.q = q && *q ? q : NULL;
    sq.category = cat && *cat ? cat : NULL;
    sq.city = city_arg ? web_city_code(r, city_arg) : web_city_pref(r);
    sq.district = parse_code(district_arg);
    if (sq.district && (!sq.city || !region_is_district_of(r->ctx.regions, (uint32_t)sq.district, (uint32_t)sq.city)))
        sq.district = 0; /* a district of another city (the city was changed): the whole city */
    sq.has_near = parse_point(near, &sq.lat, &sq.lng);
    if (sq.has_near) sq.radius_km = NEAR_RADIUS_KM, sq.city = sq.district = 0;

    json_t *ctx = json_pack("{s:s, s:s, s:o, s:o, s:o}", "title", "到家服务", "q", sq.q ? sq.q : "", "cities",
                            web_city_options(r, (uint32_t)sq.city), "categories", category_options(sq.category),
                            "districts", district_options(r, sq.city, sq.district));
    if (sq.city) json_object_set_new(ctx, "city", json_integer(sq.city));
    json_object_set_new(ctx, "js", json_string(arena_printf(r->arena, "/static/near.js?v=%s",
                                                            web_site_version(r->srv->site))));
    if (sq.has_near) {
        json_object_set_new(ctx, "near", json_string(arena_printf(r->arena, "%.3f,%.3f", sq.lat, sq.lng)));
        json_object_set_new(ctx, "near_km", json_integer(NEAR_RADIUS_KM));
    }
    if (sq.q && strlen(sq.q) > 100) return search_error(r, ctx, "关键词太长，请不超过 100 个字节（约 33 个汉字）。");
    if (sq.category && !svc_category(sq.category)) return search_error(r, ctx, "没有这个服务类型，请从列表中选择。");
    if (city_arg && *city_arg && !sq.city && !sq.has_near) return search_error(r, ctx, "没有这个城市，请从列表中选择。");
    if (near && *near && !sq.has_near) return search_error(r, ctx, "无法识别您的位置，请重新点按“搜索我附近的服务”。");
    if (!sq.city && !sq.district && !sq.has_near) { /* nothing to search in yet: the form alone */
        json_object_set_new(ctx, "pick_city", json_true());
        return web_page(r, 200, "services", ctx);
    }
    svc_t *v;
    size_t n;
    bool personal;
    int res = svc_find(&r->ctx, &sq, &v, &n, &personal);
    if (res) {
        json_decref(ctx);
        return http_fail(r, res);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, card_json(r, &v[i]));
    json_object_set_new(ctx, "searched", json_true());
    json_object_set_new(ctx, "services", items);
    json_object_set_new(ctx, "has_services", json_boolean(n > 0));
    json_object_set_new(ctx, "personal", json_boolean(personal));
    json_object_set_new(ctx, "where", json_string(sq.has_near ? "您附近" : web_hs_place(r, sq.city, sq.district)));
    return web_page(r, 200, "services", ctx);
}

/* ---- GET /services/{id} ---- */

static json_t *reviews_json(req_t *r, int64_t service_id)
{
    review_t *v;
    size_t n;
    int64_t next;
    json_t *items = json_array();
    if (review_list(&r->ctx, service_id, INT64_MAX, REVIEWS_SHOWN, &v, &n, &next)) return items;
    for (size_t i = 0; i < n; i++) {
        json_t *photos = json_array();
        for (size_t k = 0; k < v[i].nphotos; k++)
            json_array_append_new(photos, json_pack("{s:s, s:i}", "url",
                                                    arena_printf(r->arena, "/api/v1/reviews/%lld/photos/%lld",
                                                                 (long long)v[i].id, (long long)v[i].photos[k]),
                                                    "n", (int)k + 1));
        json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)v[i].id, "rating",
                              (json_int_t)v[i].rating, "reviewer", v[i].reviewer, "text", v[i].text, "date",
                              web_date_cn(r->arena, v[i].created_at, NULL), "photos", photos);
        json_object_set_new(o, "has_photos", json_boolean(v[i].nphotos > 0));
        if (v[i].reply) json_object_set_new(o, "reply", json_string(v[i].reply));
        json_array_append_new(items, o);
    }
    return items;
}

int web_service(req_t *r)
{
    svc_t s;
    int res = svc_get(&r->ctx, r->params[0], &s);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    const svc_category_t *cat = svc_category(s.category);
    json_t *reviews = reviews_json(r, s.id);
    json_t *ctx = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o}", "title", s.title, "id",
                            (json_int_t)s.id, "category", cat ? cat->label : s.category, "price",
                            web_hs_yuan(r->arena, s.price_fen), "unit", s.unit, "description", s.description,
                            "merchant", s.merchant_name, "rating", web_hs_rating(r->arena, s.rating_sum, s.rating_count),
                            "city", web_hs_place(r, s.city, 0), "slots", slots_json(r->arena, s.slots), "area",
                            area_text(r, &s), "reviews", reviews);
    json_object_set_new(ctx, "has_reviews", json_boolean(json_array_size(reviews) > 0));
    json_object_set_new(ctx, "orders", json_integer(s.orders));
    json_object_set_new(ctx, "category_url", json_string(arena_printf(r->arena, "/services?category=%s&city=%lld",
                                                                       s.category, (long long)s.city)));
    merchant_t m;
    bool own = r->ctx.user_id && merchant_mine(&r->ctx, &m) == LL_OK && m.id == s.merchant_id;
    bool active = !strcmp(s.status, "active");
    if (own) json_object_set_new(ctx, "own", json_true());
    else if (active) json_object_set_new(ctx, "order_url", json_string(arena_printf(r->arena, "/services/%lld/order", (long long)s.id)));
    if (!active) json_object_set_new(ctx, "inactive", json_true());
    web_hs_set_done(r, ctx, (const web_hs_done_t[]){{"created", "服务已发布，顾客现在可以找到并预约它。"}, {NULL, NULL}});
    return web_page(r, 200, "service", ctx);
}

/* ---- the order form: GET and POST /services/{id}/order ---- */

typedef struct {
    const char *field, *text; /* field NULL: the whole form */
} order_error_t;

/* Minute m of the day falls in a slot on any weekday: the hours the form offers. */
static bool hour_offered(const svc_t *s, int hour)
{
    for (size_t i = 0; i < json_array_size(s->slots); i++) {
        json_t *slot = json_array_get(s->slots, i);
        const char *from = json_string_value(json_object_get(slot, "from")), *to = json_string_value(json_object_get(slot, "to"));
        int f = from && strlen(from) == 5 ? atoi(from) * 60 + atoi(from + 3) : -1;
        int t = to && strlen(to) == 5 ? atoi(to) * 60 + atoi(to + 3) : -1;
        if (f >= 0 && hour * 60 >= f && hour * 60 < t) return true;
    }
    return false;
}

static bool day_offered(const svc_t *s, int weekday /* 1 = Monday */)
{
    for (size_t i = 0; i < json_array_size(s->slots); i++) {
        json_t *days = json_object_get(json_array_get(s->slots, i), "days");
        for (size_t k = 0; k < json_array_size(days); k++)
            if (json_integer_value(json_array_get(days, k)) == weekday) return true;
    }
    return false;
}

static const char *sent_or(const web_form_t *sent, const char *name, const char *dflt)
{
    const char *v = sent ? web_form_get(sent, name) : NULL;
    return v ? v : dflt ? dflt : "";
}

static json_t *date_options(req_t *r, const svc_t *s, const char *chosen)
{
    json_t *a = json_array();
    int64_t today = (r->ctx.now + CST) / 86400;
    for (int64_t d = today; d < today + ORDER_DAYS; d++) {
        if (!day_offered(s, weekday_of(d) + 1)) continue;
        time_t t = (time_t)(d * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        const char *value = arena_printf(r->arena, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        const char *label = arena_printf(r->arena, "%d月%d日（%s）%s", tm.tm_mon + 1, tm.tm_mday, weekdays[weekday_of(d)],
                                         d == today ? " 今天" : d == today + 1 ? " 明天" : "");
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", value, "label", label, "selected",
                                           !strcmp(value, chosen)));
    }
    return a;
}

static json_t *hour_options(req_t *r, const svc_t *s, const char *chosen)
{
    json_t *a = json_array();
    for (int h = 0; h < 24; h++) {
        if (!hour_offered(s, h)) continue;
        const char *v = arena_printf(r->arena, "%02d:00", h);
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", v, "label", v, "selected", !strcmp(v, chosen)));
    }
    return a;
}

static json_t *served_options(req_t *r, const svc_t *s, const char *chosen)
{
    json_t *a = json_array();
    for (size_t i = 0; i < s->ndistricts; i++) {
        const char *v = arena_printf(r->arena, "%lld", (long long)s->districts[i]);
        const char *name = region_name(r->ctx.regions, (uint32_t)s->districts[i]);
        if (name) json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", v, "label", name, "selected", !strcmp(v, chosen)));
    }
    return a;
}

static const char *new_idem_key(arena_t *a)
{
    unsigned char rnd[16];
    char hex[33];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    return arena_strdup(a, hex);
}

static int render_order_form(req_t *r, unsigned status, const svc_t *s, const web_form_t *sent, const order_error_t *err)
{
    acct_profile_t p;
    const char *phone = !sent && acct_profile_get(&r->ctx, r->ctx.user_id, &p) == LL_OK ? p.phone : NULL;
    json_t *ctx = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:o}", "title",
                            arena_printf(r->arena, "预约：%s", s->title), "id", (json_int_t)s->id, "service", s->title,
                            "price", web_hs_yuan(r->arena, s->price_fen), "unit", s->unit, "merchant", s->merchant_name,
                            "csrf", web_csrf_token(r), "dates", date_options(r, s, sent_or(sent, "date", NULL)),
                            "hours", hour_options(r, s, sent_or(sent, "hour", NULL)), "districts",
                            served_options(r, s, sent_or(sent, "district", NULL)), "address",
                            sent_or(sent, "address", NULL), "phone", sent_or(sent, "phone", phone), "idem",
                            sent ? sent_or(sent, "idem", new_idem_key(r->arena)) : new_idem_key(r->arena), "city",
                            web_hs_place(r, s->city, 0), "slots", slots_json(r->arena, s->slots));
    json_object_set_new(ctx, "contact_days", json_integer(r->ctx.conf->order_contact_days));
    if (err && err->field) json_object_set_new(ctx, arena_printf(r->arena, "%s_error", err->field), json_string(err->text));
    if (err) json_object_set_new(ctx, "error", json_string(err->field ? "有内容需要修改，请查看下方标红的项目。" : err->text));
    return web_page(r, status, "order_form", ctx);
}

/* The service to order, or the 404 page: not visible, or not active (a merchant's paused one). */
static int orderable(req_t *r, svc_t *s)
{
    int res = svc_get(&r->ctx, r->params[0], s);
    if (res == LL_NOTFOUND || (res == LL_OK && strcmp(s->status, "active"))) return web_not_found(r), -1;
    if (res) return http_fail(r, res), -1;
    return 0;
}

int web_order_form(req_t *r)
{
    svc_t s;
    if (orderable(r, &s)) return 0;
    return render_order_form(r, 200, &s, NULL, NULL);
}

/* The domain's refusal of an order as a message next to its field. */
static order_error_t order_error(req_t *r)
{
    const char *field = r->ctx.err_field ? r->ctx.err_field : "", *code = r->ctx.err_code ? r->ctx.err_code : "";
    if (!strcmp(code, "own_service")) return (order_error_t){NULL, "不能预约自己发布的服务。"};
    if (!strcmp(code, "idempotency_key_reused"))
        return (order_error_t){NULL, "这张表单已经提交过一次。请到“我的订单”查看，或重新打开预约页面填写。"};
    if (!strcmp(field, "time") && !strcmp(code, "invalid_field")) return (order_error_t){"time", "请选择预约日期和时间。"};
    if (!strcmp(field, "time")) return (order_error_t){"time", "这个时间已过、商家不提供服务或已约满，请另选时间。"};
    if (!strcmp(field, "district")) return (order_error_t){"district", "该服务不覆盖这个区县，请从列表中选择。"};
    if (!strcmp(field, "address")) return (order_error_t){"address", "请填写 5 到 100 个字的详细地址（街道、小区、门牌号）。"};
    if (!strcmp(field, "phone")) return (order_error_t){"phone", "请输入正确的联系电话（手机号码或带区号的固定电话）。"};
    return (order_error_t){NULL, "下单没有成功，请检查后再试。"};
}

static bool shape_ok(const char *s, const char *shape)
{
    if (!s || strlen(s) != strlen(shape)) return false;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == '9' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]) return false;
    return true;
}

int web_order_submit(req_t *r)
{
    web_form_t f;
    svc_t s;
    if (web_form_read(r, &f) || orderable(r, &s)) return 0;
    const char *date = web_form_get(&f, "date"), *hour = web_form_get(&f, "hour"), *idem = web_form_get(&f, "idem");
    if (!shape_ok(date, "9999-99-99") || !shape_ok(hour, "99:99"))
        return render_order_form(r, 422, &s, &f, &(order_error_t){"time", "请选择预约日期和时间。"});
    const char *district = web_form_get(&f, "district");
    order_in_t in = {.service_id = s.id, .time = arena_printf(r->arena, "%sT%s:00+08:00", date, hour),
                     .district = parse_code(district), .address = web_form_get(&f, "address"),
                     .phone = web_form_get(&f, "phone"), .idem_key = idem && *idem ? idem : NULL};
    if (!in.district) return render_order_form(r, 422, &s, &f, &(order_error_t){"district", "请选择服务地址所在的区县。"});
    if (!in.address) in.address = "";
    if (!in.phone) in.phone = "";
    int64_t id;
    bool replayed;
    r->ctx.err_code = r->ctx.err_field = NULL;
    int res = order_create(&r->ctx, &in, &id, &replayed);
    if (res == LL_INVALID || res == LL_CONFLICT) {
        order_error_t e = order_error(r);
        return render_order_form(r, res == LL_CONFLICT ? 409 : 422, &s, &f, &e);
    }
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/orders/%lld?done=created", (long long)id));
}
