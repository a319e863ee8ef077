/* notices.c — the message centre and breach incidents (F8). */
#include "api/api.h"
#include "base/result.h"
#include "domain/notice.h"
#include <string.h>

int api_me_messages(req_t *r)
{
    notice_msg_t *v;
    size_t n;
    int res = notice_list(&r->ctx, r->ctx.user_id, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)v[i].id, "kind",
                                               v[i].kind, "title", v[i].title, "body", v[i].body, "created_at",
                                               api_time(r, v[i].created_at), "read_at",
                                               v[i].read_at ? json_string(api_time(r, v[i].read_at)) : json_null()));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_me_message_read(req_t *r)
{
    int res = notice_read(&r->ctx, r->ctx.user_id, r->params[0]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "read"));
}

/*
 * "users" is "all" or an array of account ids, two JSON types the input
 * checker has no single type for, and "fields" holds ids longer than its
 * 20-character array items: both are taken out of the body and checked
 * here (the domain checks each field id against the declarations), the
 * rest goes through http_input.
 */
static int take_fields(req_t *r, notice_incident_t *in)
{
    json_t *f = r->json ? json_object_get(r->json, "fields") : NULL, *v;
    size_t i;
    if (!f) return http_error(r, "missing_field", "fields"), -1;
    if (!json_is_array(f)) return http_error(r, "invalid_type", "fields"), -1;
    if (json_array_size(f) == 0 || json_array_size(f) > NOTICE_MAX_FIELDS)
        return http_error(r, "invalid_field", "fields"), -1;
    const char **ids = arena_alloc(r->arena, json_array_size(f) * sizeof *ids);
    json_array_foreach(f, i, v) {
        if (!json_is_string(v) || strlen(json_string_value(v)) > 64) return http_error(r, "invalid_field", "fields"), -1;
        ids[i] = arena_strdup(r->arena, json_string_value(v));
    }
    in->fields = ids, in->nfields = json_array_size(f);
    json_object_del(r->json, "fields");
    return 0;
}

static int take_users(req_t *r, notice_incident_t *in)
{
    json_t *u = r->json ? json_object_get(r->json, "users") : NULL;
    if (!u) return http_error(r, "missing_field", "users"), -1;
    if (json_is_string(u) && !strcmp(json_string_value(u), "all")) {
        in->all = true;
    } else if (json_is_array(u) && json_array_size(u) > 0 && json_array_size(u) <= NOTICE_MAX_USERS) {
        int64_t *ids = arena_alloc(r->arena, json_array_size(u) * sizeof *ids);
        size_t i;
        json_t *v;
        json_array_foreach(u, i, v) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0) return http_error(r, "invalid_field", "users"), -1;
            ids[i] = json_integer_value(v);
        }
        in->users = ids, in->nusers = json_array_size(u);
    } else {
        return http_error(r, "invalid_field", "users"), -1;
    }
    json_object_del(r->json, "users");
    return 0;
}

int api_admin_incident(req_t *r)
{
    static const in_field_t spec[] = {
        {"title", IN_STR, true, 100},    {"what", IN_STR, true, 2000},   {"occurred_at", IN_INT, true, 0},
        {"remedies", IN_STR, true, 2000}, {"advice", IN_STR, true, 2000},
    };
    in_val_t v[5];
    notice_incident_t in = {0};
    if (!r->json) return http_error(r, "body_required", NULL);
    if (take_users(r, &in) || take_fields(r, &in) || http_input(r, spec, 5, v)) return 0;
    in.title = v[0].s, in.what = v[1].s, in.occurred_at = v[2].i, in.remedies = v[3].s, in.advice = v[4].s;
    int64_t id, recipients;
    int res = notice_incident_record(&r->ctx, &in, &id, &recipients);
    if (res) return http_fail(r, res);
    /* the SMS go out from the background sweep, never inside this request */
    return http_json(r, 201, json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "recipients", (json_int_t)recipients,
                                       "sms_pending", (json_int_t)recipients));
}
