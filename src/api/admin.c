/* admin.c — the moderation queue, decisions, verification reads and the blocklist (B4, B13, F5). */
#include "api/api.h"
#include "base/result.h"
#include "domain/listing.h"
#include <string.h>

int api_admin_queue(req_t *r)
{
    const char *status = http_query(r, "status");
    listing_t *v;
    size_t n;
    int res = listing_queue(&r->ctx, status ? status : "pending", &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = api_listing_summary(r, &v[i], NULL);
        json_object_set_new(o, "description", json_string(v[i].description));
        if (v[i].moderation_note) json_object_set_new(o, "moderation_note", json_string(v[i].moderation_note));
        json_array_append_new(items, o);
    }
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

/* The private verification fields (owner's name, ID number, ownership document): read audited. */
int api_admin_listing(req_t *r)
{
    const char *values[PI__COUNT] = {0};
    const category_t *cat;
    int res = listing_private(&r->ctx, r->params[0], values, &cat);
    if (res) return http_fail(r, res);
    json_t *fields = json_object();
    for (size_t i = 0; i < cat->nfields; i++)
        if (cat->fields[i].show == CF_SHOW_STAFF && values[cat->fields[i].pi])
            json_object_set_new(fields, cat->fields[i].name, json_string(values[cat->fields[i].pi]));
    return http_json(r, 200, json_pack("{s:I, s:o}", "id", (json_int_t)r->params[0], "verification", fields));
}

static int decide(req_t *r, bool approve)
{
    static const in_field_t spec[] = {{"note", IN_STR, false, 200}};
    in_val_t in[1] = {{0}};
    if (r->json && http_input(r, spec, 1, in)) return 0;
    int res = listing_moderate(&r->ctx, r->params[0], approve, in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", approve ? "published" : "rejected"));
}

int api_admin_approve(req_t *r)
{
    return decide(r, true);
}

int api_admin_reject(req_t *r)
{
    return decide(r, false);
}

int api_admin_blocklist(req_t *r)
{
    return http_json(r, 200, json_pack("{s:o}", "items", listing_block_list(&r->ctx)));
}

int api_admin_block_add(req_t *r)
{
    static const in_field_t spec[] = {{"kind", IN_STR, true, 8}, {"pattern", IN_STR, true, 100}};
    in_val_t in[2];
    if (http_input(r, spec, 2, in)) return 0;
    int res = listing_block_add(&r->ctx, in[0].s, in[1].s);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:s}", "status", "added"));
}

int api_admin_block_delete(req_t *r)
{
    int res = listing_block_remove(&r->ctx, r->params[0]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "removed"));
}
