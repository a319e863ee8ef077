/* search.c — search, categories, regions and the person's own history (B8, B9, B10, G2). */
#include "api/api.h"
#include "domain/consent.h"
#include "base/result.h"
#include "domain/history.h"
#include "domain/region.h"
#include "domain/search.h"
#include "base/arena.h"
#include "base/mem.h"
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int api_categories(req_t *r)
{
    return http_json(r, 200, json_pack("{s:o}", "items", cat_json()));
}

static json_t *region_list(req_t *r, const uint32_t *codes, size_t n)
{
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        double lat, lng;
        json_t *o = json_pack("{s:I, s:s}", "code", (json_int_t)codes[i], "name", region_name(r->ctx.regions, codes[i]));
        if (region_centre(r->ctx.regions, codes[i], &lat, &lng) == 0)
            json_object_set_new(o, "centre", json_pack("{s:f, s:f}", "lat", lat, "lng", lng));
        json_array_append_new(items, o);
    }
    return items;
}

/* ?parent= absent: provinces; a province: its cities; a city: its districts. */
int api_regions(req_t *r)
{
    const char *parent = http_query(r, "parent");
    const uint32_t *codes;
    uint32_t code = 0;
    size_t n;
    if (!parent) {
        n = region_provinces(r->ctx.regions, &codes);
    } else {
        if (region_parse_code(parent, strlen(parent), &code)) return http_error(r, "invalid_field", "parent");
        int level = region_level(r->ctx.regions, code);
        if (level == REGION_PROVINCE) n = region_cities(r->ctx.regions, code, &codes);
        else if (level == REGION_CITY) n = region_districts(r->ctx.regions, code, &codes);
        else return http_error(r, "not_found", "parent");
    }
    return http_json(r, 200, json_pack("{s:o}", "items", region_list(r, codes, n)));
}

/* A whole number from the query string within [lo, hi]; -1 (response sent) when malformed. */
static int query_int(req_t *r, const char *name, long long lo, long long hi, bool *present, int64_t *out)
{
    const char *s = http_query(r, name);
    char *end;
    *present = s && *s;
    if (!*present) return 0;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return http_error(r, "invalid_field", name), -1;
    *out = v;
    return 0;
}

static int query_point(req_t *r, search_params_t *p)
{
    const char *near = http_query(r, "near"), *radius = http_query(r, "radius_km");
    char *end;
    if (!near) return 0;
    p->lat = strtod(near, &end);
    if (*end != ',') return http_error(r, "invalid_field", "near"), -1;
    p->lng = strtod(end + 1, &end);
    if (*end || !isfinite(p->lat) || !isfinite(p->lng) || fabs(p->lat) > 90 || fabs(p->lng) > 180)
        return http_error(r, "invalid_field", "near"), -1;
    p->radius_km = 5;
    if (radius) {
        p->radius_km = strtod(radius, &end);
        if (*end || !isfinite(p->radius_km)) return http_error(r, "invalid_field", "radius_km"), -1;
    }
    p->has_near = true;
    /* a signed-in person's exact position is used only with precise_location; otherwise ~1 km (B9, G3) */
    if (r->ctx.user_id && !consent_granted(&r->ctx, r->ctx.user_id, "precise_location"))
        p->lat = round(p->lat * 100) / 100, p->lng = round(p->lng * 100) / 100;
    return 0;
}

/* attr.NAME=VALUE for the category's declared filter fields. */
static int query_attrs(req_t *r, search_params_t *p)
{
    for (size_t i = 0; p->cat && i < p->cat->nfields; i++) {
        const cat_field_t *f = &p->cat->fields[i];
        const char *v = f->filter ? http_query(r, arena_printf(r->arena, "attr.%s", f->name)) : NULL;
        if (!v) continue;
        const char *name = arena_printf(r->arena, "attr.%s", f->name);
        if (p->nattrs == SEARCH_MAX_ATTRS || strlen(v) > 40) return http_error(r, "invalid_field", name), -1;
        if (f->type == CF_INT) {
            char *end;
            long long n = strtoll(v, &end, 10);
            if (!*v || *end || n < f->min || n > f->max) return http_error(r, "invalid_field", name), -1;
        }
        p->attrs[p->nattrs].field = f;
        p->attrs[p->nattrs++].value = v;
    }
    return 0;
}

static int parse_params(req_t *r, search_params_t *p)
{
    bool has;
    int64_t limit = 20;
    memset(p, 0, sizeof(*p));
    p->q = http_query(r, "q");
    if (p->q && (!*p->q || strlen(p->q) > 100)) p->q = p->q && *p->q ? (http_error(r, "invalid_field", "q"), NULL) : NULL;
    if (r->responded) return -1;
    const char *cat = http_query(r, "category"), *sort = http_query(r, "sort");
    if (cat && !(p->cat = cat_find(cat))) return http_error(r, "invalid_field", "category"), -1;
    p->subcategory = http_query(r, "subcategory");
    if (query_int(r, "city", 1, 999999, &has, &p->city) || query_int(r, "district", 1, 999999, &has, &p->district) ||
        query_int(r, "price_min", 0, 100000000000LL, &p->has_min, &p->price_min) ||
        query_int(r, "price_max", 0, 100000000000LL, &p->has_max, &p->price_max) ||
        query_int(r, "limit", 1, SEARCH_MAX_LIMIT, &has, &limit) || query_point(r, p) || query_attrs(r, p))
        return -1;
    p->limit = (int)limit;
    p->sort = p->q ? SORT_RELEVANCE : SORT_NEWEST;
    if (sort && search_sort_parse(sort, &p->sort)) return http_error(r, "invalid_field", "sort"), -1;
    p->cursor = http_query(r, "cursor");
    return 0;
}

/* One result as JSON text: its card, or the summary rendered now; the distance goes in front. */
/* One result as pieces to paste: an optional head (the distance) and the card's text after its '{'. */
typedef struct {
    char head[40];
    size_t hlen, blen;
    const char *body;
} part_t;

static void hit_part(req_t *r, const search_hit_t *h, part_t *p)
{
    const char *text = h->card;
    if (!text) {
        json_t *summary = api_listing_summary(r, &h->l, h->photo); /* a new reference: ours to drop */
        char *t = json_dumps(summary, JSON_COMPACT | JSON_REAL_PRECISION(10));
        json_decref(summary);
        if (!t) PANIC("json_dumps");
        text = arena_strdup(r->arena, t);
        free(t);
    }
    p->hlen = 0;
    p->body = text;
    if (h->has_distance) { /* rounded to 0.1 km by the search: printed from integers, no float formatting */
        long long tenths = llround(h->distance_km * 10.0);
        p->hlen = (size_t)snprintf(p->head, sizeof p->head, "{\"distance_km\":%lld.%lld,", tenths / 10, tenths % 10);
        p->body = text + 1;
    }
    p->blen = strlen(p->body);
}

/* {"items":[...],"next_cursor":...} written straight from the cards: no JSON tree per result. */
static int send_results(req_t *r, const search_hit_t *hits, size_t n, const char *next)
{
    part_t *parts = arena_alloc(r->arena, (n + 1) * sizeof(*parts));
    size_t len = 64 + (next ? strlen(next) : 0);
    for (size_t i = 0; i < n; i++) {
        hit_part(r, &hits[i], &parts[i]);
        len += parts[i].hlen + parts[i].blen + 1;
    }
    char *out = arena_alloc(r->arena, len), *o = out;
    o += sprintf(o, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i) *o++ = ',';
        memcpy(o, parts[i].head, parts[i].hlen);
        memcpy(o + parts[i].hlen, parts[i].body, parts[i].blen);
        o += parts[i].hlen + parts[i].blen;
    }
    /* cursors are our own [a-z0-9_] strings (search.c), safe inside quotes */
    o += next ? sprintf(o, "],\"next_cursor\":\"%s\"}", next) : sprintf(o, "],\"next_cursor\":null}");
    return http_json_text(r, 200, out, (size_t)(o - out));
}

int api_search(req_t *r)
{
    search_params_t p;
    search_hit_t *hits;
    size_t n;
    const char *next;
    if (parse_params(r, &p)) return 0;
    p.cards = true;
    int res = search_run(&r->ctx, &p, &hits, &n, &next);
    if (res == LL_INVALID && r->ctx.err_field && !strcmp(r->ctx.err_field, "q")) return http_error(r, "no_keyword", "q");
    if (res) return http_fail(r, res);
    if (p.q && !p.cursor) history_add_search(&r->ctx, p.q); /* kept for the person, 30 days (B8) */
    return send_results(r, hits, n, next);
}

int api_me_history(req_t *r)
{
    history_item_t *b, *s;
    size_t nb, ns;
    int res = history_list(&r->ctx, &b, &nb, &s, &ns);
    if (res) return http_fail(r, res);
    json_t *browse = json_array(), *search = json_array();
    for (size_t i = 0; i < nb; i++)
        json_array_append_new(browse, json_pack("{s:I, s:s}", "listing_id", (json_int_t)b[i].listing_id, "at",
                                                api_time(r, b[i].at)));
    for (size_t i = 0; i < ns; i++)
        json_array_append_new(search, json_pack("{s:s, s:s}", "query", s[i].query, "at", api_time(r, s[i].at)));
    return http_json(r, 200, json_pack("{s:o, s:o, s:i}", "browse", browse, "search", search, "kept_days", 30));
}

int api_me_history_clear(req_t *r)
{
    const char *what = http_query(r, "what");
    int res = history_clear(&r->ctx, what ? what : "all");
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "cleared"));
}
