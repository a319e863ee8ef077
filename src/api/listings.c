/* listings.c — posting and viewing listings, contact reveal, reports (B1–B7, B12, B13). */
#include "api/api.h"
#include "base/result.h"
#include "domain/history.h"
#include "domain/listing.h"
#include "domain/org.h"
#include "domain/verification.h"
#include "domain/region.h"
#include <math.h>
#include <string.h>

static const in_field_t listing_spec[] = {
    {"category", IN_STR, false, 20},       {"subcategory", IN_STR, false, 20}, {"title", IN_STR, false, 50},
    {"description", IN_STR, false, 2000}, {"price", IN_INT_NULL, false, 0},  {"city", IN_INT, false, 0},
    {"district", IN_INT_NULL, false, 0},  {"lat", IN_NUM_NULL, false, 0},   {"lng", IN_NUM_NULL, false, 0},
    {"contact_phone", IN_STR, false, 20}, {"fields", IN_OBJECT, false, 0},
};
enum { F_CATEGORY, F_SUB, F_TITLE, F_DESC, F_PRICE, F_CITY, F_DISTRICT, F_LAT, F_LNG, F_PHONE, F_FIELDS, F__N };

/* Turns checked input into a listing_in_t; -1 (response sent) when lat/lng come apart. */
static int to_input(req_t *r, const in_val_t *in, listing_in_t *out)
{
    memset(out, 0, sizeof(*out));
    out->category = in[F_CATEGORY].s;
    out->subcategory = in[F_SUB].s;
    out->title = in[F_TITLE].s;
    out->description = in[F_DESC].s;
    out->contact_phone = in[F_PHONE].s;
    out->fields = in[F_FIELDS].present ? in[F_FIELDS].obj : NULL;
    out->has_price = in[F_PRICE].present && !in[F_PRICE].is_null;
    out->clear_price = in[F_PRICE].present && in[F_PRICE].is_null;
    out->price_fen = in[F_PRICE].i;
    out->has_city = in[F_CITY].present;
    out->city = in[F_CITY].i;
    out->has_district = in[F_DISTRICT].present;
    out->district = in[F_DISTRICT].is_null ? 0 : in[F_DISTRICT].i;
    bool lat = in[F_LAT].present && !in[F_LAT].is_null, lng = in[F_LNG].present && !in[F_LNG].is_null;
    if (lat != lng) return http_error(r, "invalid_field", lat ? "lng" : "lat"), -1;
    out->has_point = lat;
    out->clear_point = in[F_LAT].present && in[F_LAT].is_null;
    out->lat = in[F_LAT].d;
    out->lng = in[F_LNG].d;
    return 0;
}

int api_listing_create(req_t *r)
{
    in_val_t in[F__N];
    listing_in_t li;
    int64_t id;
    const char *status;
    if (http_input(r, listing_spec, F__N, in) || to_input(r, in, &li)) return 0;
    for (int f = F_CATEGORY; f <= F_PHONE; f++) /* required on create; optional in a change */
        if (f != F_SUB && f != F_DESC && f != F_PRICE && f != F_DISTRICT && f != F_LAT && f != F_LNG &&
            !in[f].present)
            return http_error(r, "missing_field", listing_spec[f].name);
    int res = listing_create(&r->ctx, &li, &id, &status);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", status));
}

static json_t *region_json(req_t *r, int64_t code)
{
    const char *name = code ? region_name(r->ctx.regions, (uint32_t)code) : NULL;
    return name ? json_pack("{s:I, s:s}", "code", (json_int_t)code, "name", name) : json_null();
}

json_t *api_listing_summary(req_t *r, const listing_t *l, const char *photo)
{
    json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:s, s:s, s:O}", "id", (json_int_t)l->id,
                          "category", l->cat->slug, "subcategory", l->subcategory ? json_string(l->subcategory) : json_null(),
                          "title", l->title, "price", l->has_price ? json_integer(l->price_fen) : json_null(), "city",
                          region_json(r, l->city), "district", region_json(r, l->district), "status", l->status,
                          "created_at", api_time(r, l->created_at), "attrs", l->attrs);
    json_object_set_new(o, "thumbnail", photo ? json_string(arena_printf(r->arena, "/photos/%.*s_t.jpg",
                                                                            (int)strlen(photo) - 4, photo))
                                              : json_null());
    return o;
}

static json_t *masked_fields(req_t *r, const listing_t *l)
{
    json_t *m = json_object();
    for (size_t i = 0; i < l->cat->nfields; i++) {
        const cat_field_t *f = &l->cat->fields[i];
        if (f->show == CF_SHOW_MASKED && l->masked[f->pi])
            json_object_set_new(m, f->name, json_string(l->masked[f->pi]));
    }
    (void)r;
    return m;
}

int api_listing_get(req_t *r)
{
    listing_t l;
    int res = listing_get(&r->ctx, r->params[0], &l);
    if (res) return http_fail(r, res);
    if (!l.own) history_add_browse(&r->ctx, l.id); /* a footprint only for the person's own benefit (G2) */
    json_t *o = api_listing_summary(r, &l, l.photos[0]);
    json_t *photos = json_array();
    for (const char **p = l.photos; *p; p++)
        json_array_append_new(photos, json_pack("{s:s, s:s}", "url", arena_printf(r->arena, "/photos/%s", *p),
                                                "thumbnail",
                                                arena_printf(r->arena, "/photos/%.*s_t.jpg", (int)strlen(*p) - 4, *p)));
    json_object_set_new(o, "description", json_string(l.description));
    json_object_set_new(o, "photos", photos);
    json_object_set_new(o, "contact", json_pack("{s:o, s:o}", "phone", l.contact_masked ? json_string(l.contact_masked) : json_null(),
                                                "fields", masked_fields(r, &l)));
    json_object_set_new(o, "expires_at", json_string(api_time(r, l.expires_at)));
    /* C1, C7: about the poster, only badges: verified, and the approved organisation's name */
    const char *org = org_public_name(&r->ctx, l.user_id);
    json_object_set_new(o, "poster", json_pack("{s:b, s:o}", "verified", verif_badge(&r->ctx, l.user_id),
                                               "organization", org ? json_string(org) : json_null()));
    if (l.has_point) /* the listing's own place, already rounded to about 100 m */
        json_object_set_new(o, "location", json_pack("{s:f, s:f}", "lat", l.lat, "lng", l.lng));
    if (l.own) {
        json_object_set_new(o, "own", json_true());
        if (l.moderation_note) json_object_set_new(o, "moderation_note", json_string(l.moderation_note));
    }
    return http_json(r, 200, o);
}

int api_listing_patch(req_t *r)
{
    in_val_t in[F__N];
    listing_in_t li;
    const char *status;
    if (http_input(r, listing_spec, F__N, in) || to_input(r, in, &li)) return 0;
    int res = listing_update(&r->ctx, r->params[0], &li, &status);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->params[0], "status", status));
}

int api_listing_delete(req_t *r)
{
    int res = listing_delete(&r->ctx, r->params[0]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "deleted"));
}

int api_listing_renew(req_t *r)
{
    int res = listing_renew(&r->ctx, r->params[0]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "published"));
}

int api_listing_contact(req_t *r)
{
    listing_contact_t ct;
    const category_t *cat;
    int res = listing_contact(&r->ctx, r->params[0], &ct, &cat);
    if (res) return http_fail(r, res);
    json_t *fields = json_object();
    for (size_t i = 0; i < cat->nfields; i++) {
        const cat_field_t *f = &cat->fields[i];
        if (f->pi >= 0 && ct.fields[f->pi]) json_object_set_new(fields, f->name, json_string(ct.fields[f->pi]));
    }
    return http_json(r, 200, json_pack("{s:o, s:o}", "phone", ct.phone ? json_string(ct.phone) : json_null(),
                                       "fields", fields));
}

int api_listing_report(req_t *r)
{
    static const in_field_t spec[] = {{"reason", IN_STR, true, 20}};
    in_val_t in[1];
    if (http_input(r, spec, 1, in)) return 0;
    int res = listing_report(&r->ctx, r->params[0], in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:s}", "status", "reported"));
}

int api_me_listings(req_t *r)
{
    listing_t *v;
    size_t n;
    int res = listing_mine(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = api_listing_summary(r, &v[i], NULL);
        json_object_set_new(o, "expires_at", json_string(api_time(r, v[i].expires_at)));
        if (v[i].moderation_note) json_object_set_new(o, "moderation_note", json_string(v[i].moderation_note));
        json_array_append_new(items, o);
    }
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}
