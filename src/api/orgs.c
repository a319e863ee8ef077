/* orgs.c — employers' organisations and their review by staff (C7, F5). */
#include "api/api.h"
#include "base/result.h"
#include "domain/org.h"
#include "http/multipart.h"
#include <string.h>

static json_t *org_json(req_t *r, const org_t *o)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:s}", "id", (json_int_t)o->id, "name", o->name, "status", o->status,
                          "has_licence", o->has_licence, "created_at", api_time(r, o->created_at));
    json_object_set_new(j, "review_note", o->review_note ? json_string(o->review_note) : json_null());
    json_object_set_new(j, "review_reason", o->review_reason ? json_string(o->review_reason) : json_null());
    if (o->reviewed_at) json_object_set_new(j, "reviewed_at", json_string(api_time(r, o->reviewed_at)));
    return j;
}

int api_org_create(req_t *r)
{
    static const in_field_t spec[] = {{"name", IN_STR, true, 60}, {"credit_code", IN_STR, true, 18}};
    in_val_t in[2];
    int64_t id;
    if (http_input(r, spec, 2, in)) return 0;
    int res = org_submit(&r->ctx, in[0].s, in[1].s, &id);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "pending"));
}

int api_me_organization(req_t *r)
{
    org_t o;
    int res = org_mine(&r->ctx, &o);
    if (res) return http_fail(r, res);
    json_t *j = org_json(r, &o);
    json_object_set_new(j, "credit_code", o.credit_code ? json_string(o.credit_code) : json_null());
    return http_json(r, 200, j);
}

int api_org_licence(req_t *r)
{
    multipart_t mp;
    const multipart_part_t *part = api_one_part(r, "licence", &mp); /* exactly one */
    if (!part) return 0;
    int res = org_licence_set(&r->ctx, r->params[0], part->data, part->len);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:b, s:s}", "has_licence", true, "status", "pending"));
}

int api_admin_orgs(req_t *r)
{
    const char *status = http_query(r, "status");
    org_t *v;
    size_t n;
    int res = org_queue(&r->ctx, status ? status : "pending", &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, org_json(r, &v[i]));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_admin_org(req_t *r)
{
    org_t o;
    int res = org_review_read(&r->ctx, r->params[0], &o);
    if (res) return http_fail(r, res);
    json_t *j = org_json(r, &o);
    json_object_set_new(j, "credit_code", o.credit_code ? json_string(o.credit_code) : json_null());
    json_object_set_new(j, "licence", o.has_licence ? json_string(arena_printf(r->arena,
                                                        "/api/v1/admin/organizations/%lld/licence", (long long)o.id))
                                                    : json_null());
    return http_json(r, 200, j);
}

int api_admin_org_licence(req_t *r)
{
    void *jpeg;
    size_t len;
    int res = org_licence_read(&r->ctx, r->params[0], &jpeg, &len);
    if (res) return http_fail(r, res);
    return http_bytes(r, 200, "image/jpeg", jpeg, len, NULL); /* no-store: never cached anywhere */
}

static int decide(req_t *r, bool approve)
{
    static const in_field_t spec[] = {{"reason", IN_STR, false, 40}};
    in_val_t in[1] = {{0}};
    if (r->json && http_input(r, spec, 1, in)) return 0;
    int res = org_decide(&r->ctx, r->params[0], approve, in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", approve ? "approved" : "rejected"));
}

int api_admin_org_approve(req_t *r)
{
    return decide(r, true);
}

int api_admin_org_reject(req_t *r)
{
    return decide(r, false);
}
