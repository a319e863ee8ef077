/*
 * login_page.c — signing in with a phone number and an SMS code, as plain
 * form posts (A1, H3).
 *
 * One form, two buttons: 获取验证码 posts to /login/code, 登录 to /login.
 * Both check the CSRF token first (web/form.h). The policy checkbox is never
 * pre-ticked and carries the id of the version shown; unticked, the sign-in
 * passes 0 and the account layer answers consent_required where acceptance
 * is needed, which is shown next to the box. On success the session cookie
 * is set exactly as the API sets it and the browser is sent (303) to the page
 * that asked for a sign-in (?next=, a path on this site only) or to /.
 */
#include "base/result.h"
#include "domain/account.h"
#include "domain/policy.h"
#include "http/server.h"
#include "web/form.h"
#include "web/policy_page.h"
#include "web/web.h"
#include "privacy/pi.h"
#include <string.h>

#define PHONE_MAX 24
#define CODE_MAX  6

/* What a field's error says, by the account layer's stable code. */
static const struct {
    const char *code, *field, *zh;
} messages[] = {
    {"invalid_phone", "phone", "请输入正确的中国大陆手机号码（11位）。"},
    {"rate_limited", "phone", "获取验证码太频繁，请稍后再试。"},
    {"code_invalid", "code", "验证码不正确，请检查短信后重新输入。"},
    {"code_expired", "code", "验证码已失效，请重新获取。"},
    {"code_tries_exceeded", "code", "验证码错误次数过多，请重新获取。"},
    {"consent_required", "accept", "请阅读并勾选同意最新版《个人信息保护政策》。"},
    {"guardian_consent_required", "phone", "未满14周岁的用户需监护人同意后才能继续使用。"},
};

/* Where to go after signing in: a path on this site that asked for a sign-in, else the home page. */
static const char *next_of(const char *next)
{
    return next && strlen(next) <= 200 && web_local_path(next) ? next : NULL;
}

static json_t *login_ctx(req_t *r, const policy_t *pol, const char *phone, const char *next)
{
    const char *iso, *date = web_date_cn(r->arena, pol->published_at, &iso);
    json_t *ctx = json_pack("{s:s, s:b, s:s, s:s, s:{s:i, s:s, s:s, s:s, s:s}}", "title", "登录 / 注册",
                     "nav_login", 1, "csrf", web_csrf_token(r), "phone", phone ? phone : "",
                     "policy", "id", pol->id, "version", pol->version, "date", date, "date_iso",
                     iso, "summary", pol->summary);
    if (next_of(next)) json_object_set_new(ctx, "next", json_string(next));
    return ctx;
}

/* Renders the form with one error, placed next to its field (or above the form). */
static int login_error(req_t *r, unsigned status, json_t *ctx, const char *field,
                       const char *message)
{
    json_object_set_new(ctx, arena_printf(r->arena, "error_%s", field ? field : "form"),
                        json_string(message));
    json_object_set_new(ctx, "has_error", json_true());
    return web_page(r, status, "login", ctx);
}

static int login_fail(req_t *r, json_t *ctx, int res)
{
    for (size_t i = 0; r->ctx.err_code && i < sizeof messages / sizeof messages[0]; i++)
        if (!strcmp(r->ctx.err_code, messages[i].code))
            return login_error(r, res == LL_LIMIT ? 429 : 400, ctx, messages[i].field,
                               messages[i].zh);
    if (res == LL_ERR) {
        json_decref(ctx);
        return http_fail(r, res);
    }
    return login_error(r, 400, ctx, NULL, "登录没有成功，请稍后再试。");
}

int web_login(req_t *r)
{
    policy_t pol;
    if (policy_current(&r->ctx, &pol)) return http_fail(r, LL_ERR);
    return web_page(r, 200, "login", login_ctx(r, &pol, NULL, http_query(r, "next")));
}

/* Parses the form and checks its token; on failure the page is sent and -1 returned. */
static int read_form(req_t *r, const policy_t *pol, web_form_t *f, const char **phone)
{
    bool parsed = web_form_parse(r, f) == 0;
    *phone = parsed ? web_form_get(f, "phone") : NULL;
    if (*phone && strlen(*phone) > PHONE_MAX) *phone = NULL;
    json_t *ctx = login_ctx(r, pol, *phone, parsed ? web_form_get(f, "next") : NULL);
    if (!parsed) return login_error(r, 400, ctx, NULL, "表单内容无效，请重新填写。"), -1;
    if (!web_csrf_ok(r, f))
        return login_error(r, 403, ctx, NULL, "页面已过期或来源不明，请重新提交。"), -1;
    json_decref(ctx);
    return 0;
}

int web_login_code(req_t *r)
{
    policy_t pol;
    web_form_t f;
    const char *phone;
    if (policy_current(&r->ctx, &pol)) return http_fail(r, LL_ERR);
    if (read_form(r, &pol, &f, &phone)) return 0;
    json_t *ctx = login_ctx(r, &pol, phone, web_form_get(&f, "next"));
    if (!phone || !*phone) return login_error(r, 400, ctx, "phone", "请输入手机号码。");
    int res = acct_send_code(&r->ctx, phone, "login");
    if (res) return login_fail(r, ctx, res);
    char norm[ACCT_PHONE_LEN + 1];
    acct_phone_normalize(phone, norm);
    json_object_set_new(ctx, "sent", json_string(pi_mask_phone(r->arena, norm)));
    json_object_set_new(ctx, "ttl_min", json_integer((r->ctx.conf->code_ttl_s + 59) / 60));
    return web_page(r, 200, "login", ctx);
}

int web_login_submit(req_t *r)
{
    policy_t pol;
    web_form_t f;
    const char *phone;
    if (policy_current(&r->ctx, &pol)) return http_fail(r, LL_ERR);
    if (read_form(r, &pol, &f, &phone)) return 0;
    json_t *ctx = login_ctx(r, &pol, phone, web_form_get(&f, "next"));
    const char *code = web_form_get(&f, "code"), *accept = web_form_get(&f, "accept");
    if (!phone || !*phone) return login_error(r, 400, ctx, "phone", "请输入手机号码。");
    if (!code || !*code) return login_error(r, 400, ctx, "code", "请输入短信验证码。");
    if (strlen(code) > CODE_MAX) return login_error(r, 400, ctx, "code", "验证码是6位数字。");
    /* the box names the version it was shown with; an older page's tick is not a tick for a newer
     * policy */
    int version = accept && !strcmp(accept, arena_printf(r->arena, "%d", pol.id)) ? pol.id : 0;
    if (accept && !version)
        return login_error(r, 409, ctx, "accept", "隐私政策已更新，请阅读新版本后重新勾选。");
    acct_login_t out;
    int res = acct_login_code(&r->ctx, phone, code, version, &out);
    if (res) return login_fail(r, ctx, res);
    json_decref(ctx);
    const char *secure = r->srv->conf.cookie_secure ? "; Secure" : "";
    http_header(r, "Set-Cookie",
                arena_printf(r->arena,
                             "linli_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
                             out.token, r->srv->conf.session_max_days * 86400, secure));
    const char *next = next_of(web_form_get(&f, "next"));
    return web_redirect(r, next ? next : "/");
}
