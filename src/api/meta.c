/* meta.c — health and the published privacy policy versions (H3, H4). */
#include "api/api.h"
#include "base/result.h"
#include "domain/policy.h"
#include <time.h>

const char *api_time(req_t *r, int64_t t)
{
    char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(r->arena, buf);
}

int api_healthz(req_t *r)
{
    return http_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static json_t *policy_json(req_t *r, const policy_t *p)
{
    return json_pack("{s:i, s:s, s:b, s:s, s:s, s:s}", "id", p->id, "version", p->version, "major", p->major,
                     "published_at", api_time(r, p->published_at), "summary", p->summary, "text_url",
                     arena_printf(r->arena, "/privacy?version=%d", p->id));
}

int api_policy_current(req_t *r)
{
    policy_t p;
    int res = policy_current(&r->ctx, &p);
    if (res) return http_fail(r, res);
    json_t *o = policy_json(r, &p);
    json_object_set_new(o, "versions_url", json_string("/api/v1/policy/versions"));
    return http_json(r, 200, o);
}

int api_policy_versions(req_t *r)
{
    policy_t *v;
    size_t n;
    int res = policy_list(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, policy_json(r, &v[i]));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}
