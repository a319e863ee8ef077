/*
 * sharing.c — outbound shares as the API shows them (E1, E3, E4, F1):
 * staff record disclosures to authorities and register partners; a person
 * sees every recorded share about them.
 */
#include "api/api.h"
#include "base/conf.h"
#include "base/result.h"
#include "privacy/pi.h"
#include "privacy/share.h"
#include <string.h>

/* Field ids: declared "table.column" names, ASCII, at most 64 characters each. */
static int field_ids(req_t *r, const char *name, json_t **out)
{
    json_t *v = json_object_get(r->json, name);
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 64)
        return http_error(r, "invalid_field", name), -1;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const char *s = json_string_value(json_array_get(v, i));
        if (!s || !*s || strlen(s) > 64 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(s))
            return http_error(r, "invalid_field", name), -1;
    }
    *out = v;
    return 0;
}

/* Takes "fields" out of the body so http_input checks the rest; puts it back on return. */
static int input_with_fields(req_t *r, const in_field_t *spec, int n, in_val_t *in, json_t **fields)
{
    if (!json_is_object(r->json)) return http_input(r, spec, n, in);
    json_t *f = json_incref(json_object_get(r->json, "fields"));
    if (!f) {
        http_error(r, "missing_field", "fields");
        return -1;
    }
    json_object_del(r->json, "fields");
    int bad = http_input(r, spec, n, in);
    json_object_set_new(r->json, "fields", f);
    if (bad) return -1;
    return field_ids(r, "fields", fields);
}

static bool declared(const char *id)
{
    for (int i = 0; i < PI__COUNT; i++)
        if (!strcmp(pi_fields[i].ad, id)) return true;
    return false;
}

int api_admin_disclosure(req_t *r)
{
    static const in_field_t spec[] = {{"recipient", IN_STR, true, 100},
                                      {"reference", IN_STR, true, 200},
                                      {"user_id", IN_INT, false, 0}};
    in_val_t in[3];
    json_t *fields;
    if (input_with_fields(r, spec, 3, in, &fields)) return 0;
    if (!*in[1].s) return http_error(r, "invalid_field", "reference");
    for (size_t i = 0; i < json_array_size(fields); i++)
        if (!declared(json_string_value(json_array_get(fields, i)))) return http_error(r, "invalid_field", "fields");
    int res = share_record(&r->ctx, in[0].s, r->ctx.conf->data_region, fields, SHARE_BASIS_LAW, in[1].s,
                           in[2].present ? in[2].i : 0, 1);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:s}", "status", "recorded"));
}

int api_admin_partner_add(req_t *r)
{
    static const in_field_t spec[] = {{"name", IN_STR, true, 100}, {"purpose", IN_STR, true, 200},
                                      {"region", IN_STR, true, 2}};
    in_val_t in[3];
    json_t *fields;
    int64_t id;
    if (input_with_fields(r, spec, 3, in, &fields)) return 0;
    int res = share_partner_add(&r->ctx, in[0].s, in[1].s, in[2].s, fields, &id);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "registered"));
}

int api_admin_partners(req_t *r)
{
    share_partner_t *v;
    size_t n;
    if (share_partners(&r->ctx, &v, &n)) return http_fail(r, LL_ERR);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:o, s:s}", "id", (json_int_t)v[i].id, "name",
                                               v[i].name, "purpose", v[i].purpose, "region", v[i].region, "fields",
                                               json_loads(v[i].fields, 0, NULL), "created_at",
                                               api_time(r, v[i].created_at)));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

static json_t *fields_with_labels(const char *text)
{
    json_t *ids = json_loads(text, 0, NULL), *out = json_array();
    for (size_t i = 0; i < json_array_size(ids); i++) {
        const char *id = json_string_value(json_array_get(ids, i));
        const char *label = id ? share_field_label(id) : NULL;
        json_array_append_new(out, json_pack("{s:s, s:s}", "id", id ? id : "", "label", label ? label : id ? id : ""));
    }
    json_decref(ids);
    return out;
}

int api_me_shares(req_t *r)
{
    share_t *v;
    size_t n;
    if (share_list_of(&r->ctx, r->ctx.user_id, &v, &n)) return http_fail(r, LL_ERR);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s}", "at", api_time(r, v[i].at), "recipient", v[i].recipient,
                              "region", v[i].region, "fields", fields_with_labels(v[i].fields), "basis", v[i].basis);
        json_object_set_new(o, "reference", v[i].reference ? json_string(v[i].reference) : json_null());
        json_array_append_new(items, o);
    }
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}
