/* meta.c — health and the published privacy policy versions (H3, H4). */
#include "api/api.h"
#include "base/clock.h"
#include "base/result.h"
#include "domain/policy.h"
#include "domain/account.h"
#include "domain/stats.h"
#include "web/policy_page.h"
#include <time.h>

const char *api_time(req_t *r, int64_t t)
{
    char buf[CLOCK_ISO_LEN];
    return arena_strdup(r->arena, clock_iso(t, buf));
}

int api_healthz(req_t *r)
{
    return http_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static json_t *policy_json(req_t *r, const policy_t *p)
{
    return json_pack("{s:i, s:s, s:b, s:s, s:s, s:s}", "id", p->id, "version", p->version, "major", p->major,
                     "published_at", api_time(r, p->published_at), "summary", p->summary, "text_url",
                     arena_printf(r->arena, "/privacy/versions/%d", p->id));
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

int api_admin_policy_publish(req_t *r)
{
    static const in_field_t spec[] = {
        {"version", IN_STR, true, 20}, {"major", IN_BOOL, true, 0}, {"summary", IN_STR, true, 500}};
    in_val_t in[3];
    int id;
    if (http_input(r, spec, 3, in)) return 0;
    if (!*in[0].s || !*in[2].s) return http_error(r, "invalid_field", !*in[0].s ? "version" : "summary");
    const char *content = web_policy_snapshot(&r->ctx); /* frozen with the version (H4) */
    if (!content) return http_fail(r, LL_ERR);
    int res = policy_publish(&r->ctx, in[0].s, in[1].b, in[2].s, content, &id);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:i, s:s, s:b}", "id", id, "version", in[0].s, "major", in[1].b));
}

/* Accepting the current version from a session (after a major change, H3). */
int api_me_policy_accept(req_t *r)
{
    static const in_field_t spec[] = {{"version", IN_INT, true, 1000000}};
    in_val_t in[1];
    if (http_input(r, spec, 1, in)) return 0;
    int res = acct_accept_current_policy(&r->ctx, r->ctx.user_id, (int)in[0].i);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:i}", "policy_version", (int)in[0].i));
}

int api_stats(req_t *r)
{
    json_t *out;
    int res = stats_public(&r->ctx, &out);
    if (res) return http_fail(r, res);
    return http_json(r, 200, out);
}
