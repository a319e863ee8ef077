/*
 * browse_page.c — the pages for finding information: the home page (city,
 * categories, search box, newest listings), search results and one listing.
 *
 * What always holds: every value shown comes from search_run / listing_get,
 * so a page shows exactly what the API would (published listings, private
 * fields masked, B4 fields never); the chosen city is a preference in a
 * cookie the person set with the city picker, never derived from where they
 * are (B9). Pages record no footprints or search history.
 */
#include "base/result.h"
#include "domain/listing.h"
#include "domain/region.h"
#include "domain/search.h"
#include "http/server.h"
#include "web/policy_page.h"
#include "web/web.h"
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
static uint32_t city_code(req_t *r, const char *s)
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

/* fen → "¥1,234.50"; no price → "面议". */
static const char *price_text(arena_t *a, const listing_t *l)
{
    if (!l->has_price) return "面议";
    long long yuan = l->price_fen / 100, fen = l->price_fen % 100;
    char digits[32], grouped[48];
    int n = snprintf(digits, sizeof digits, "%lld", yuan), k = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    return arena_printf(a, "¥%s.%02lld", grouped, fen);
}

static const char *thumb_url(arena_t *a, const char *photo)
{
    return arena_printf(a, "/photos/%.*s_t.jpg", (int)strlen(photo) - 4, photo);
}

static const char *place(req_t *r, const listing_t *l)
{
    const char *city = l->city ? region_name(r->ctx.regions, (uint32_t)l->city) : NULL;
    const char *district = l->district ? region_name(r->ctx.regions, (uint32_t)l->district) : NULL;
    if (city && district) return arena_printf(r->arena, "%s·%s", city, district);
    return city ? city : "";
}

static json_t *hit_json(req_t *r, const search_hit_t *h)
{
    const listing_t *l = &h->l;
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)l->id, "url",
                          arena_printf(r->arena, "/l/%lld", (long long)l->id), "title", l->title,
                          "price", price_text(r->arena, l), "category", l->cat->name, "place",
                          place(r, l), "date", web_date_cn(r->arena, l->created_at, NULL));
    if (h->photo) json_object_set_new(o, "thumb", json_string(thumb_url(r->arena, h->photo)));
    return o;
}

/* Provinces with their cities, for the city <select>; the chosen one selected. */
static json_t *city_options(req_t *r, uint32_t chosen)
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
    json_t *ctx = json_pack("{s:s, s:o}", "title", title, "cities", city_options(r, city));
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
        city = city_code(r, arg);
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
        city = city_code(r, MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CITY_COOKIE));
    }
    search_params_t p = {.city = city, .sort = SORT_NEWEST, .limit = HOME_LISTINGS};
    search_hit_t *hits;
    size_t n;
    const char *next;
    int res = search_run(&r->ctx, &p, &hits, &n, &next);
    if (res) return http_fail(r, res);

    json_t *ctx = base_ctx(r, "本地分类信息", city), *items = json_array(), *cats = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, hit_json(r, &hits[i]));
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
                 ? city_code(r, city_arg)
                 : city_code(r, MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CITY_COOKIE));
    p.cat = cat && *cat ? cat_find(cat) : NULL;
    p.sort = p.q ? SORT_RELEVANCE : SORT_NEWEST;
    const char *sort_slug = NULL;
    for (size_t i = 0; sort && *sort && i < sizeof sorts / sizeof sorts[0]; i++)
        if (!strcmp(sort, sorts[i].slug)) p.sort = sorts[i].sort, sort_slug = sorts[i].slug;
    const char *cursor = http_query(r, "cursor");
    p.cursor = cursor && *cursor ? cursor : NULL;

    json_t *ctx =
        base_ctx(r, p.q ? arena_printf(r->arena, "“%s”的搜索结果", p.q) : "搜索", (uint32_t)p.city);
    json_object_set_new(ctx, "q", json_string(p.q ? p.q : ""));
    if (p.q && strlen(p.q) > QUERY_MAX) json_object_set_new(ctx, "q", json_string(""));
    json_object_set_new(ctx, "category_options", category_options(p.cat));
    json_t *sort_opts = json_array();
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
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
    if (sort && *sort && !sort_slug) return search_error(r, ctx, "不支持这种排序方式。");

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
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, hit_json(r, &hits[i]));
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

int web_listing(req_t *r)
{
    listing_t l;
    int res = listing_get(&r->ctx, r->params[0], &l);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);

    json_t *fields = json_array();
    const cat_sub_t *sub = l.subcategory ? cat_sub_find(l.cat, l.subcategory) : NULL;
    if (sub)
        json_array_append_new(fields, json_pack("{s:s, s:s}", "label", "类别", "value", sub->name));
    for (size_t i = 0; i < l.cat->nfields; i++) {
        const cat_field_t *f = &l.cat->fields[i];
        const char *v = NULL;
        bool masked = false;
        if (f->show == CF_SHOW_PUBLIC)
            v = attr_text(r, f, json_object_get(l.attrs, f->name));
        else if (f->show == CF_SHOW_MASKED && f->pi >= 0)
            v = l.masked[f->pi], masked = true;
        if (v && *v)
            json_array_append_new(fields, json_pack("{s:s, s:s, s:b}", "label", f->label, "value",
                                                    v, "masked", masked));
    }
    json_t *photos = json_array();
    for (const char **p = l.photos; p && *p; p++)
        json_array_append_new(
            photos, json_pack("{s:s, s:s, s:i}", "url", arena_printf(r->arena, "/photos/%s", *p),
                              "thumb", thumb_url(r->arena, *p), "n", (int)(p - l.photos) + 1));
    json_t *ctx = json_pack(
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "title", l.title, "id",
        (json_int_t)l.id, "price", price_text(r->arena, &l), "price_label",
        l.cat->price_label ? l.cat->price_label : "价格", "category", l.cat->name, "category_url",
        arena_printf(r->arena, "/s?category=%s", l.cat->slug), "place", place(r, &l), "date",
        web_date_cn(r->arena, l.created_at, NULL), "fields", fields, "photos", photos);
    json_object_set_new(ctx, "has_fields", json_boolean(json_array_size(fields) > 0));
    json_object_set_new(ctx, "has_photos", json_boolean(l.photos && l.photos[0]));
    json_object_set_new(ctx, "description", json_string(l.description ? l.description : ""));
    if (l.contact_masked) json_object_set_new(ctx, "contact", json_string(l.contact_masked));
    if (l.own) json_object_set_new(ctx, "own", json_true());
    if (l.own && strcmp(l.status, "published"))
        json_object_set_new(ctx, "status", json_string(l.status));
    return web_page(r, 200, "listing", ctx);
}
