/* me.c — the signed-in person's own account: profile, password, sessions, guardian (A2, A4, G1, F4, H1). */
#include "api/api.h"
#include "base/conf.h"
#include "base/result.h"
#include "domain/account.h"
#include "domain/session.h"
#include "domain/verification.h"
#include "privacy/pi.h"
#include <string.h>

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* interests are stored as a JSON array text; give them back as an array */
static json_t *interests_json(const char *s)
{
    json_t *v = s ? json_loads(s, 0, NULL) : NULL;
    return json_is_array(v) ? v : (json_decref(v), json_array());
}

int api_me_get(req_t *r)
{
    acct_profile_t p;
    int res = acct_profile_get(&r->ctx, r->ctx.user_id, &p);
    if (res) return http_fail(r, res);
    json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:i, s:s}", "id",
                          (json_int_t)p.id, "phone", p.phone, "username", str_or_null(p.username), "nickname",
                          str_or_null(p.nickname), "city", str_or_null(p.city), "hometown", str_or_null(p.hometown),
                          "occupation", str_or_null(p.occupation), "position", str_or_null(p.position),
                          "interests", interests_json(p.interests), "email", str_or_null(p.email), "qq",
                          str_or_null(p.qq), "has_password", p.has_password, "policy_version", p.policy_version,
                          "created_at", api_time(r, p.created_at));
    json_object_set_new(o, "birth_year", p.birth_year ? json_integer(p.birth_year) : json_null());
    json_object_set_new(o, "verified", json_boolean(verif_badge(&r->ctx, p.id)));
    json_object_set_new(o, "guardian",
                        json_pack("{s:o, s:o, s:b}", "phone",
                                  p.guardian_phone ? json_string(pi_mask_phone(r->arena, p.guardian_phone)) : json_null(),
                                  "consented_at", p.guardian_consent_at ? json_string(api_time(r, p.guardian_consent_at)) : json_null(),
                                  "required", p.held));
    return http_json(r, 200, o);
}

int api_me_patch(req_t *r)
{
    static const in_field_t spec[] = {
        {"username", IN_STR_NULL, false, 20},   {"nickname", IN_STR_NULL, false, 20},
        {"city", IN_STR_NULL, false, 30},       {"hometown", IN_STR_NULL, false, 30},
        {"occupation", IN_STR_NULL, false, 30}, {"position", IN_STR_NULL, false, 30},
        {"interests", IN_STR_ARRAY, false, 10}, {"email", IN_STR_NULL, false, 100},
        {"qq", IN_STR_NULL, false, 12},         {"birth_year", IN_INT_NULL, false, 9999},
    };
    enum { N = sizeof spec / sizeof spec[0] };
    in_val_t in[N];
    acct_change_t ch[N];
    int n = 0;
    if (http_input(r, spec, N, in)) return 0;
    for (int i = 0; i < N; i++) {
        if (!in[i].present) continue;
        ch[n].name = spec[i].name;
        if (spec[i].type == IN_INT_NULL) { /* birth_year: range-checked by the domain (H1) */
            ch[n].value = in[i].is_null ? NULL : arena_printf(r->arena, "%lld", in[i].i);
        } else if (spec[i].type == IN_STR_ARRAY) {
            char *text = json_array_size(in[i].arr) ? json_dumps(in[i].arr, JSON_COMPACT) : NULL;
            ch[n].value = text ? arena_strdup(r->arena, text) : NULL;
            free(text);
        } else {
            ch[n].value = in[i].is_null || (in[i].s && !*in[i].s) ? NULL : in[i].s;
        }
        n++;
    }
    int res = acct_profile_update(&r->ctx, r->ctx.user_id, ch, n);
    if (res) return http_fail(r, res);
    return api_me_get(r);
}

int api_me_password(req_t *r)
{
    static const in_field_t spec[] = {{"password", IN_STR, true, 128}, {"code", IN_STR, true, 6}};
    in_val_t in[2];
    if (http_input(r, spec, 2, in)) return 0;
    int res = acct_password_set(&r->ctx, r->ctx.user_id, in[1].s, in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "password_set"));
}

int api_me_sessions(req_t *r)
{
    sess_info_t *v;
    size_t n;
    int res = sess_list(&r->ctx, r->ctx.user_id, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items,
                              json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b}", "id", (json_int_t)v[i].id,
                                        "created_at", api_time(r, v[i].created_at), "last_seen",
                                        api_time(r, v[i].last_seen), "expires_at", api_time(r, v[i].expires_at),
                                        "ip", str_or_null(v[i].ip), "device", str_or_null(v[i].agent), "current",
                                        v[i].current != 0));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_me_session_delete(req_t *r)
{
    int res = sess_revoke(&r->ctx, r->ctx.user_id, r->params[0]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "revoked"));
}

/* H1: a minor names a guardian; a code goes to the guardian's phone. */
int api_me_guardian(req_t *r)
{
    static const in_field_t spec[] = {{"guardian_phone", IN_STR, true, 24}};
    in_val_t in[1];
    if (http_input(r, spec, 1, in)) return 0;
    int res = acct_guardian_request(&r->ctx, r->ctx.user_id, in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 202, json_pack("{s:s, s:i}", "status", "sent", "expires_in", r->ctx.conf->code_ttl_s));
}

int api_me_guardian_confirm(req_t *r)
{
    static const in_field_t spec[] = {{"code", IN_STR, true, 6}};
    in_val_t in[1];
    if (http_input(r, spec, 1, in)) return 0;
    int res = acct_guardian_confirm(&r->ctx, r->ctx.user_id, in[0].s);
    if (res) return http_fail(r, res);
    return api_me_get(r);
}
