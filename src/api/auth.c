/* auth.c — SMS codes, sign-in and sign-out (A1, A4, F4, H3). */
#include "api/api.h"
#include "base/conf.h"
#include "base/result.h"
#include "domain/account.h"
#include "domain/session.h"
#include "http/server.h"
#include <string.h>

int api_auth_sms_code(req_t *r)
{
    static const in_field_t spec[] = {{"phone", IN_STR, true, 24}, {"purpose", IN_STR, false, 16}};
    in_val_t in[2];
    if (http_input(r, spec, 2, in)) return 0;
    int res = acct_send_code(&r->ctx, in[0].s, in[1].present ? in[1].s : "login");
    if (res) return http_fail(r, res);
    return http_json(r, 202, json_pack("{s:s, s:i}", "status", "sent", "expires_in", r->ctx.conf->code_ttl_s));
}

static void set_session_cookie(req_t *r, const char *token, int max_age)
{
    const char *secure = r->srv->conf.cookie_secure ? "; Secure" : "";
    http_header(r, "Set-Cookie",
                arena_printf(r->arena, "linli_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", token,
                             max_age, secure));
}

int api_auth_login(req_t *r)
{
    static const in_field_t spec[] = {
        {"phone", IN_STR, true, 24},
        {"code", IN_STR, false, 6},
        {"password", IN_STR, false, 128},
        {"accept_policy_version", IN_INT, false, 1000000},
    };
    in_val_t in[4];
    acct_login_t out;
    if (http_input(r, spec, 4, in)) return 0;
    if (!in[1].present && !in[2].present) return http_error(r, "missing_field", "code");
    if (in[1].present && in[2].present) return http_error(r, "invalid_field", "password"); /* one way at a time */
    int accept = in[3].present ? (int)in[3].i : 0;
    int res = in[1].present ? acct_login_code(&r->ctx, in[0].s, in[1].s, accept, &out)
                            : acct_login_password(&r->ctx, in[0].s, in[2].s, accept, &out);
    if (res) return http_fail(r, res);
    acct_profile_t p;
    r->ctx.session_id = out.session_id;
    if ((res = acct_profile_get(&r->ctx, out.user_id, &p))) return http_fail(r, res);
    set_session_cookie(r, out.token, r->srv->conf.session_max_days * 86400);
    json_t *user = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)p.id, "phone", p.phone, "new", out.created);
    return http_json(r, 200, json_pack("{s:s, s:s, s:o}", "token", out.token, "token_type", "Bearer", "user", user));
}

int api_auth_logout(req_t *r)
{
    int res = sess_revoke(&r->ctx, r->ctx.user_id, r->ctx.session_id);
    if (res) return http_fail(r, res);
    set_session_cookie(r, "", 0);
    return http_json(r, 200, json_pack("{s:s}", "status", "signed_out"));
}
