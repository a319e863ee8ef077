/*
 * browse_page.c — the pages for finding information: the home page (city,
 * categories, search box, newest listings), search results and one listing.
 *
 * What always holds: every value shown comes from search_run / listing_get,
 * so a page shows exactly what the API would (published listings, private
 * fields masked, B4 fields never); the chosen city is a preference in a
 * cookie the person set with the city picker, never derived from where they
 * are (B9). A point for "near me" comes with one request and is written
 * nowhere (B10). Signed in, a listing view leaves a footprint and a keyword
 * search a history entry, exactly as through the API (G2 lets the person
 * clear both); signed out, nothing is recorded.
 */
#include "base/result.h"
#include "domain/history.h"
#include "domain/listing.h"
#include "domain/region.h"
#include "domain/search.h"
#include "http/server.h"
#include "web/form.h"
#include "web/policy_page.h"
#include "web/site.h"
#include "web/web.h"
#include "web/jobs.h"
#include <math.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define CITY_COOKIE   "linli_city"
#define CITY_MAX_AGE  (365 * 86400)
#define HOME_LISTINGS 20
#define PAGE_LISTINGS 20
#define QUERY_MAX     100 /* bytes, as the API */

/* ---- helpers shared by the three pages ---- */

/* A city code (4 digits, a known city), or 0. */
uint32_t web_city_code(req_t *r, const char *s)
{
    uint32_t code;
    if (!s || region_parse_code(s, strlen(s), &code) ||
        region_level(r->ctx.regions, code) != REGION_CITY)
        return 0;
    return code;
}

static const char *url_escape(arena_t *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.~", *p))
            *o++ = (char)*p;
        else
            *o++ = '%', *o++ = hex[*p >> 4], *o++ = hex[*p & 15];
    *o = '\0';
    return out;
}

/* "lat,lng" as the browser gave it (near=): a point in China's extent, or false. Used for one request only (B9). */
static bool parse_point(const char *s, double *lat, double *lng)
{
    char *end;
    if (!s || !*s || strlen(s) > 40) return false;
    *lat = strtod(s, &end);
    if (*end != ',') return false;
    *lng = strtod(end + 1, &end);
    return !*end && isfinite(*lat) && isfinite(*lng) && *lat >= 3 && *lat <= 54 && *lng >= 73 && *lng <= 136;
}

/* "850 米" / "3.2 公里" */
static const char *distance_text(arena_t *a, double km)
{
    if (km < 1) return arena_printf(a, "%d 米", (int)(km * 1000 / 10 + 0.5) * 10);
    return arena_printf(a, "%.1f 公里", km);
}

/* Great-circle distance in km (haversine). */
static double distance_km(double lat1, double lng1, double lat2, double lng2)
{
    const double rad = M_PI / 180;
    double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);
    return 2 * 6371.0 * asin(sqrt(h));
}

static json_t *hit_json(req_t *r, const search_hit_t *h, const char *near)
{
    const listing_t *l = &h->l;
    const char *url = near ? arena_printf(r->arena, "/l/%lld?near=%s", (long long)l->id, near)
                           : arena_printf(r->arena, "/l/%lld", (long long)l->id);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)l->id, "url", url, "title", l->title,
                          "price", web_price_text(r->arena, l), "category", l->cat->name, "place",
                          web_place(r, l), "date", web_date_cn(r->arena, l->created_at, NULL));
    if (h->photo) json_object_set_new(o, "thumb", json_string(web_thumb_url(r->arena, h->photo)));
    if (h->has_distance) json_object_set_new(o, "distance", json_string(distance_text(r->arena, h->distance_km)));
    return o;
}

uint32_t web_city_pref(req_t *r)
{
    return web_city_code(r, MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CITY_COOKIE));
}

/* Provinces with their cities, for the city <select>; the chosen one selected. */
json_t *web_city_options(req_t *r, uint32_t chosen)
{
    const uint32_t *provs, *cities;
    size_t np = region_provinces(r->ctx.regions, &provs);
    json_t *groups = json_array();
    for (size_t i = 0; i < np; i++) {
        size_t nc = region_cities(r->ctx.regions, provs[i], &cities);
        json_t *items = json_array();
        for (size_t j = 0; j < nc; j++)
            json_array_append_new(items, json_pack("{s:I, s:s, s:b}", "code", (json_int_t)cities[j],
                                                   "name", region_name(r->ctx.regions, cities[j]),
                                                   "selected", cities[j] == chosen));
        json_array_append_new(groups,
                              json_pack("{s:s, s:o}", "label",
                                        region_name(r->ctx.regions, provs[i]), "cities", items));
    }
    return groups;
}

static json_t *category_options(const category_t *chosen)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < cat_count; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "slug", cat_all[i].slug, "name",
                                             cat_all[i].name, "selected", &cat_all[i] == chosen));
    return arr;
}

static json_t *base_ctx(req_t *r, const char *title, uint32_t city)
{
    json_t *ctx = json_pack("{s:s, s:o}", "title", title, "cities", web_city_options(r, city));
    if (city) {
        json_object_set_new(ctx, "city", json_integer(city));
        json_object_set_new(ctx, "city_name", json_string(region_name(r->ctx.regions, city)));
    }
    return ctx;
}

/* ---- GET / ---- */

int web_home(req_t *r)
{
    const char *arg = http_query(r, "city");
    uint32_t city;
    if (arg) { /* the picker was used: remember the choice, or forget it on "全部城市" */
        city = web_city_code(r, arg);
        const char *secure = r->srv->conf.cookie_secure ? "; Secure" : "";
        http_header(
            r, "Set-Cookie",
            city ? arena_printf(r->arena,
                                CITY_COOKIE "=%u; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
                                city, CITY_MAX_AGE, secure)
                 : arena_printf(r->arena,
                                CITY_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
                                secure));
    } else {
        city = web_city_code(r, MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CITY_COOKIE));
    }
    search_params_t p = {.city = city, .sort = SORT_NEWEST, .limit = HOME_LISTINGS};
    search_hit_t *hits;
    size_t n;
    const char *next;
    int res = search_run(&r->ctx, &p, &hits, &n, &next);
    if (res) return http_fail(r, res);

    json_t *ctx = base_ctx(r, "本地分类信息", city), *items = json_array(), *cats = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, hit_json(r, &hits[i], NULL));
    for (size_t i = 0; i < cat_count; i++) {
        const char *url =
            city ? arena_printf(r->arena, "/s?category=%s&city=%u", cat_all[i].slug, city)
                 : arena_printf(r->arena, "/s?category=%s", cat_all[i].slug);
        json_array_append_new(cats, json_pack("{s:s, s:s, s:s}", "slug", cat_all[i].slug, "name",
                                              cat_all[i].name, "url", url));
    }
    json_object_set_new(ctx, "nav_home", json_true());
    json_object_set_new(ctx, "categories", cats);
    json_object_set_new(ctx, "listings", items);
    json_object_set_new(ctx, "has_listings", json_boolean(n > 0));
    if (next)
        json_object_set_new(ctx, "more_url",
                            json_string(city ? arena_printf(r->arena, "/s?city=%u", city) : "/s"));
    return web_page(r, 200, "home", ctx);
}

/* ---- GET /s ---- */

static const struct {
    const char *slug, *label;
    search_sort_t sort;
} sorts[] = {
    {"relevance", "最相关", SORT_RELEVANCE},
    {"newest", "最新发布", SORT_NEWEST},
    {"price_asc", "价格从低到高", SORT_PRICE_ASC},
    {"price_desc", "价格从高到低", SORT_PRICE_DESC},
    {"distance", "离我最近", SORT_DISTANCE}, /* offered only with a point */
};

/* The page's own link with the same filters and another cursor (NULL: the first page). */
static const char *page_url(req_t *r, const search_params_t *p, const char *sort,
                            const char *cursor)
{
    const char *u = "/s?";
    if (p->q) u = arena_printf(r->arena, "%sq=%s&", u, url_escape(r->arena, p->q));
    if (p->city) u = arena_printf(r->arena, "%scity=%lld&", u, (long long)p->city);
    if (p->cat) u = arena_printf(r->arena, "%scategory=%s&", u, p->cat->slug);
    if (sort) u = arena_printf(r->arena, "%ssort=%s&", u, sort);
    if (p->has_near) u = arena_printf(r->arena, "%snear=%.3f,%.3f&", u, p->lat, p->lng);
    if (cursor) u = arena_printf(r->arena, "%scursor=%s&", u, url_escape(r->arena, cursor));
    return arena_strndup(r->arena, u, strlen(u) - 1);
}

/* The error state: the form again, with what was wrong, answered 400. */
static int search_error(req_t *r, json_t *ctx, const char *message)
{
    json_object_set_new(ctx, "error", json_string(message));
    return web_page(r, 400, "search", ctx);
}

int web_search(req_t *r)
{
    const char *q = http_query(r, "q"), *cat = http_query(r, "category"),
               *sort = http_query(r, "sort");
    const char *city_arg = http_query(r, "city");
    search_params_t p = {.limit = PAGE_LISTINGS};
    p.q = q && *q ? q : NULL;
    p.city = city_arg
                 ? web_city_code(r, city_arg)
                 : web_city_code(r, MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CITY_COOKIE));
    p.cat = cat && *cat ? cat_find(cat) : NULL;
    p.sort = p.q ? SORT_RELEVANCE : SORT_NEWEST;
    const char *sort_slug = NULL;
    for (size_t i = 0; sort && *sort && i < sizeof sorts / sizeof sorts[0]; i++)
        if (!strcmp(sort, sorts[i].slug)) p.sort = sorts[i].sort, sort_slug = sorts[i].slug;
    const char *cursor = http_query(r, "cursor"), *near = http_query(r, "near");
    p.cursor = cursor && *cursor ? cursor : NULL;
    /* B9: a point only when the person tapped "near me"; used for this request, written nowhere */
    p.has_near = parse_point(near, &p.lat, &p.lng);
    if (p.has_near) p.radius_km = 10;
    const char *near_arg = p.has_near ? arena_printf(r->arena, "%.3f,%.3f", p.lat, p.lng) : NULL;

    json_t *ctx =
        base_ctx(r, p.q ? arena_printf(r->arena, "“%s”的搜索结果", p.q) : "搜索", (uint32_t)p.city);
    json_object_set_new(ctx, "q", json_string(p.q ? p.q : ""));
    if (p.q && strlen(p.q) > QUERY_MAX) json_object_set_new(ctx, "q", json_string(""));
    json_object_set_new(ctx, "category_options", category_options(p.cat));
    json_t *sort_opts = json_array();
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
        if (sorts[i].sort != SORT_DISTANCE || p.has_near)
        json_array_append_new(sort_opts, json_pack("{s:s, s:s, s:b}", "slug", sorts[i].slug,
                                                   "label", sorts[i].label, "selected",
                                                   sort_slug && !strcmp(sort_slug, sorts[i].slug)));
    json_object_set_new(ctx, "sorts", sort_opts);
    if (p.cat) json_object_set_new(ctx, "category_name", json_string(p.cat->name));

    if (p.q && strlen(p.q) > QUERY_MAX)
        return search_error(r, ctx, "关键词太长，请不超过 100 个字节（约 33 个汉字）。");
    if (city_arg && *city_arg && !p.city)
        return search_error(r, ctx, "没有这个城市，请从列表中选择。");
    if (cat && *cat && !p.cat) return search_error(r, ctx, "没有这个分类，请从列表中选择。");
    if (near_arg) {
        search_params_t far = p;
        far.has_near = false;
        json_object_set_new(ctx, "near", json_string(near_arg));
        json_object_set_new(ctx, "no_near_url", json_string(page_url(r, &far, NULL, NULL)));
    }
    json_object_set_new(ctx, "js", json_string(arena_printf(r->arena, "/static/near.js?v=%s", web_site_version(r->srv->site))));
    if (near && *near && !p.has_near) return search_error(r, ctx, "无法识别您的位置，请重新点按“附近”。");
    if (sort && *sort && !sort_slug) return search_error(r, ctx, "不支持这种排序方式。");
    if (p.sort == SORT_DISTANCE && !p.has_near) return search_error(r, ctx, "按距离排序需要先点按“附近”提供位置。");

    search_hit_t *hits;
    size_t n;
    const char *next;
    r->ctx.err_field = r->ctx.err_code = NULL;
    int res = search_run(&r->ctx, &p, &hits, &n, &next);
    if (res == LL_INVALID && r->ctx.err_field && !strcmp(r->ctx.err_field, "q"))
        return search_error(r, ctx,
                            "关键词里没有可以搜索的字词，请换一个关键词（至少两个汉字或字母）。");
    if (res == LL_INVALID && r->ctx.err_field && !strcmp(r->ctx.err_field, "cursor"))
        return search_error(r, ctx, "翻页链接已失效，请从第一页重新浏览。");
    if (res == LL_INVALID) return search_error(r, ctx, "搜索条件有误，请修改后再试。");
    if (res) {
        json_decref(ctx);
        return http_fail(r, res);
    }
    if (p.q && !p.cursor) history_add_search(&r->ctx, p.q); /* signed in: kept for the person, 30 days (B8) */
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, hit_json(r, &hits[i], near_arg));
    json_object_set_new(ctx, "searched", json_true());
    json_object_set_new(ctx, "listings", items);
    json_object_set_new(ctx, "has_listings", json_boolean(n > 0));
    if (next) json_object_set_new(ctx, "next_url", json_string(page_url(r, &p, sort_slug, next)));
    if (p.cursor)
        json_object_set_new(ctx, "first_url", json_string(page_url(r, &p, sort_slug, NULL)));
    return web_page(r, 200, "search", ctx);
}

/* ---- GET /l/{id} ---- */

/* A public field's value as shown: text as it is, numbers with their unit. */
static const char *attr_text(req_t *r, const cat_field_t *f, json_t *v)
{
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(r->arena, "%lld%s%s", (long long)json_integer_value(v),
                            f->unit ? " " : "", f->unit ? f->unit : "");
    return NULL;
}

/* Everything the listing page shows of l; near is the person's point for this request, or NULL. */
static json_t *listing_ctx(req_t *r, const listing_t *l, const char *near)
{
    json_t *fields = json_array();
    const cat_sub_t *sub = l->subcategory ? cat_sub_find(l->cat, l->subcategory) : NULL;
    if (sub)
        json_array_append_new(fields, json_pack("{s:s, s:s}", "label", "类别", "value", sub->name));
    for (size_t i = 0; i < l->cat->nfields; i++) {
        const cat_field_t *f = &l->cat->fields[i];
        const char *v = NULL;
        bool masked = false;
        if (f->show == CF_SHOW_PUBLIC)
            v = attr_text(r, f, json_object_get(l->attrs, f->name));
        else if (f->show == CF_SHOW_MASKED && f->pi >= 0)
            v = l->masked[f->pi], masked = true;
        if (v && *v)
            json_array_append_new(fields, json_pack("{s:s, s:s, s:b}", "label", f->label, "value",
                                                    v, "masked", masked));
    }
    json_t *photos = json_array();
    for (const char **p = l->photos; p && *p; p++)
        json_array_append_new(
            photos, json_pack("{s:s, s:s, s:i}", "url", arena_printf(r->arena, "/photos/%s", *p),
                              "thumb", web_thumb_url(r->arena, *p), "n", (int)(p - l->photos) + 1));
    json_t *ctx = json_pack(
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "title", l->title, "id",
        (json_int_t)l->id, "price", web_price_text(r->arena, l), "price_label",
        l->cat->price_label ? l->cat->price_label : "价格", "category", l->cat->name, "category_url",
        arena_printf(r->arena, "/s?category=%s", l->cat->slug), "place", web_place(r, l), "date",
        web_date_cn(r->arena, l->created_at, NULL), "fields", fields, "photos", photos);
    json_object_set_new(ctx, "has_fields", json_boolean(json_array_size(fields) > 0));
    json_object_set_new(ctx, "has_photos", json_boolean(l->photos && l->photos[0]));
    json_object_set_new(ctx, "description", json_string(l->description ? l->description : ""));
    if (l->contact_masked) json_object_set_new(ctx, "contact", json_string(l->contact_masked));
    double lat, lng;
    if (l->has_point && parse_point(near, &lat, &lng))
        json_object_set_new(ctx, "distance",
                            json_string(distance_text(r->arena, distance_km(lat, lng, l->lat, l->lng))));
    if (l->own) {
        json_object_set_new(ctx, "own", json_true());
        json_object_set_new(ctx, "manage_url", json_string(arena_printf(r->arena, "/me/listings/%lld", (long long)l->id)));
        if (strcmp(l->status, "published"))
            json_object_set_new(ctx, "status", json_string(web_status_text(l->status)));
    } else if (r->ctx.user_id) {
        json_t *opts = json_array();
        for (const reason_t *why = listing_report_reasons; why->code; why++) /* the domain's list, in its order */
            json_array_append_new(opts, json_pack("{s:s, s:s}", "slug", why->code, "label", why->text));
        json_object_set_new(ctx, "csrf", json_string(web_csrf_token(r)));
        json_object_set_new(ctx, "reasons", opts);
        json_object_set_new(ctx, "can_act", json_true());
    }
    json_object_set_new(ctx, "login_url",
                        json_string(arena_printf(r->arena, "/login?next=/l/%lld", (long long)l->id)));
    if (!strcmp(l->cat->slug, "jobs")) web_jobs_listing_ctx(r, l, ctx); /* apply with a resume (jobs_page.c) */
    return ctx;
}

int web_listing(req_t *r)
{
    listing_t l;
    int res = listing_get(&r->ctx, r->params[0], &l);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    if (!l.own && r->ctx.user_id) history_add_browse(&r->ctx, l.id); /* a footprint for the person's own use (G2) */
    return web_page(r, 200, "listing", listing_ctx(r, &l, http_query(r, "near")));
}

/* POST /l/{id}/contact: the full number, for a signed-in person; rate-limited and audited by the domain (B12). */
int web_listing_contact(req_t *r)
{
    web_form_t f;
    listing_t l;
    listing_contact_t ct;
    const category_t *cat;
    if (web_form_read(r, &f)) return 0;
    int res = listing_get(&r->ctx, r->params[0], &l);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    json_t *ctx = listing_ctx(r, &l, web_form_get(&f, "near"));
    r->ctx.err_code = NULL;
    res = listing_contact(&r->ctx, r->params[0], &ct, &cat);
    if (res == LL_LIMIT) {
        json_object_set_new(ctx, "contact_error", json_string("查看联系方式太频繁，请稍后再试。"));
        return web_page(r, 429, "listing", ctx);
    }
    if (res == LL_DENIED) {
        json_object_set_new(ctx, "contact_error", json_string("未满18周岁不能查看该类别的联系方式。"));
        return web_page(r, 403, "listing", ctx);
    }
    if (res) {
        json_decref(ctx);
        return res == LL_NOTFOUND ? web_not_found(r) : http_fail(r, res);
    }
    json_t *shown = json_array();
    if (ct.phone) json_array_append_new(shown, json_pack("{s:s, s:s, s:b}", "label", "电话", "value", ct.phone, "tel", 1));
    for (size_t i = 0; i < cat->nfields; i++) {
        const cat_field_t *fd = &cat->fields[i];
        if (fd->pi >= 0 && ct.fields[fd->pi])
            json_array_append_new(shown, json_pack("{s:s, s:s}", "label", fd->label, "value", ct.fields[fd->pi]));
    }
    json_object_set_new(ctx, "has_revealed", json_boolean(json_array_size(shown) > 0));
    json_object_set_new(ctx, "revealed", shown);
    return web_page(r, 200, "listing", ctx);
}

/* POST /l/{id}/report: one report per person per listing (the domain refuses a second). */
int web_listing_report(req_t *r)
{
    web_form_t f;
    listing_t l;
    if (web_form_read(r, &f)) return 0;
    int res = listing_get(&r->ctx, r->params[0], &l);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    json_t *ctx = listing_ctx(r, &l, NULL);
    r->ctx.err_code = NULL;
    res = listing_report(&r->ctx, l.id, web_form_get(&f, "reason"));
    if (res == LL_CONFLICT) {
        json_object_set_new(ctx, "report_error", json_string("您已经举报过这条信息，每条信息只能举报一次。"));
        return web_page(r, 409, "listing", ctx);
    }
    if (res == LL_INVALID) {
        json_object_set_new(ctx, "report_error", json_string("请选择举报原因。"));
        return web_page(r, 400, "listing", ctx);
    }
    if (res) {
        json_decref(ctx);
        return http_fail(r, res);
    }
    json_object_set_new(ctx, "reported", json_true());
    return web_page(r, 200, "listing", ctx);
}
