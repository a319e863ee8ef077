/*
 * account_page.c — the account pages of 我的 beyond the profile: 邀请有礼
 * (invitation code, points, gifts; C4), the guardian's consent for a minor
 * (H1, H2), the login password (A4, G6), and signing in with that password
 * as the alternative to the SMS code on /login/password (A4).
 *
 * What always holds: each page calls the domain function its API route
 * calls (mkt_*, acct_guardian_*, acct_password_set, acct_login_password),
 * so limits, audit entries and sealing are the same. A delivery address is
 * asked for only on the page that claims a gift, with the reason beside
 * it (C4). A password is never written back into a form, and setting one
 * needs a fresh "password" code sent to the account's own phone (G6).
 * The guardian's code goes to the guardian's phone; the child's device
 * shows the guardian what they consent to before the code is entered.
 */
#include "base/conf.h"
#include "base/result.h"
#include "domain/account.h"
#include "domain/marketing.h"
#include "domain/minor.h"
#include "domain/policy.h"
#include "http/server.h"
#include "privacy/pi.h"
#include "web/form.h"
#include "web/policy_page.h"
#include "web/webchat.h"
#include "web/web.h"
#include <string.h>

/* The message for a domain error code, placed next to its field. */
typedef struct {
    const char *code, *field, *zh;
} field_msg_t;

static const field_msg_t *msg_for(const field_msg_t *v, size_t n, const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (!strcmp(v[i].code, code)) return &v[i];
    return NULL;
}

static void set_error(req_t *r, json_t *ctx, const char *field, const char *text)
{
    json_object_set_new(ctx, arena_printf(r->arena, "error_%s", field ? field : "form"), json_string(text));
}

static void set_done(req_t *r, json_t *ctx, unsigned status, const char *const (*dones)[2], size_t n)
{
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && status == 200 && i < n; i++)
        if (!strcmp(done, dones[i][0])) json_object_set_new(ctx, "done", json_string(dones[i][1]));
}

/* ==== 邀请有礼 (C4) ==== */

static const char *const invite_dones[][2] = {
    {"accepted", "邀请码已填写，谢谢！邀请您的朋友获得了奖励积分。"},
    {"claimed", "礼品已申请，我们会尽快寄出。"},
};

static const mkt_gift_t *gift_find(const char *slug)
{
    for (size_t i = 0; slug && i < mkt_gift_count; i++)
        if (!strcmp(mkt_gifts[i].slug, slug)) return &mkt_gifts[i];
    return NULL;
}

static const char *gift_label(const char *slug)
{
    const mkt_gift_t *g = gift_find(slug);
    return g ? g->label : slug;
}

static json_t *claims_json(req_t *r)
{
    mkt_claim_t *v;
    size_t n;
    json_t *a = json_array();
    if (mkt_claims_mine(&r->ctx, &v, &n)) return a;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "gift", gift_label(v[i].gift), "status",
                                           !strcmp(v[i].status, "pending") ? "待寄出" : "已寄出", "date",
                                           web_date_cn(r->arena, v[i].created_at, NULL), "name", v[i].name, "phone",
                                           v[i].phone, "address", v[i].address));
    return a;
}

static int render_invite(req_t *r, unsigned status, const char *code_error, const char *typed)
{
    const char *code;
    int64_t invited, points;
    int res = mkt_invite_info(&r->ctx, &code, &invited, &points);
    if (res) return http_fail(r, res);
    json_t *gifts = json_array(), *claims = claims_json(r);
    for (size_t i = 0; i < mkt_gift_count; i++) {
        json_t *g = json_pack("{s:s, s:s, s:i}", "slug", mkt_gifts[i].slug, "label", mkt_gifts[i].label, "points",
                              mkt_gifts[i].points);
        if (points >= mkt_gifts[i].points) json_object_set_new(g, "can_claim", json_true());
        else json_object_set_new(g, "short", json_integer(mkt_gifts[i].points - points));
        json_array_append_new(gifts, g);
    }
    json_t *ctx = json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:i, s:o, s:o, s:b, s:s, s:b}", "title", "邀请有礼", "csrf",
                            web_csrf_token(r), "code", code, "invited", (json_int_t)invited, "points", (json_int_t)points,
                            "per_invite", INVITE_POINTS, "window_days", INVITE_WINDOW_DAYS, "gifts", gifts, "claims",
                            claims, "has_claims", json_array_size(claims) > 0, "typed", typed ? typed : "", "nav_me", 1);
    json_object_set_new(ctx, "keep_days", json_integer(GIFT_KEEP_DAYS));
    if (code_error) set_error(r, ctx, "code", code_error);
    set_done(r, ctx, status, invite_dones, sizeof invite_dones / sizeof invite_dones[0]);
    return web_page(r, status, "invite", ctx);
}

int web_invite(req_t *r)
{
    return render_invite(r, 200, NULL, NULL);
}

/* POST /me/invite/accept: a new account names the code of the person who invited it. */
int web_invite_accept(req_t *r)
{
    static const field_msg_t errs[] = {
        {"invalid_field", "code", "没有这个邀请码，请检查后重新输入（不能填写自己的邀请码）。"},
        {"already_invited", "code", "您已经填写过邀请码，每个账号只能填写一次。"},
        {"invite_too_late", "code", "只有注册 7 天内的新账号可以填写邀请码。"},
    };
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *code = web_form_get(&f, "code");
    r->ctx.err_code = NULL;
    int res = mkt_invite_accept(&r->ctx, code);
    if (res == LL_ERR) return http_fail(r, res);
    if (res) {
        const field_msg_t *m = msg_for(errs, sizeof errs / sizeof errs[0], r->ctx.err_code);
        return render_invite(r, res == LL_CONFLICT ? 409 : 422, m ? m->zh : errs[0].zh,
                             code && strlen(code) <= 16 ? code : NULL);
    }
    return web_redirect(r, "/me/invite?done=accepted");
}

/* The claim form for one gift: the delivery details are asked for here and nowhere else (C4). */
static int render_claim(req_t *r, unsigned status, const mkt_gift_t *g, const web_form_t *sent, const char *field,
                        const char *error)
{
    int64_t points = mkt_points(&r->ctx, r->ctx.user_id);
    if (points < 0) return http_fail(r, LL_ERR);
    const char *name = sent ? web_form_get(sent, "name") : NULL, *phone = sent ? web_form_get(sent, "phone") : NULL,
               *address = sent ? web_form_get(sent, "address") : NULL;
    json_t *ctx = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:s, s:s, s:i, s:b}", "title", "领取礼品", "csrf",
                            web_csrf_token(r), "gift", g->slug, "gift_label", g->label, "gift_points", g->points, "points",
                            (json_int_t)points, "name", name ? name : "", "phone", phone ? phone : "", "address",
                            address ? address : "", "keep_days", GIFT_KEEP_DAYS, "nav_me", 1);
    if (points >= g->points) json_object_set_new(ctx, "can_claim", json_true());
    if (error) set_error(r, ctx, field, error);
    return web_page(r, status, "gift_claim", ctx);
}

int web_gift_claim(req_t *r)
{
    const mkt_gift_t *g = gift_find(http_query(r, "gift"));
    if (!g) return web_not_found(r);
    return render_claim(r, 200, g, NULL, NULL, NULL);
}

int web_gift_claim_submit(req_t *r)
{
    static const field_msg_t errs[] = {
        {"name", "name", "请填写收件人姓名（1 到 30 个字）。"},
        {"phone", "phone", "请填写正确的手机号码或座机号码（如 010-12345678）。"},
        {"address", "address", "请填写详细的收货地址（6 到 120 个字）。"},
    };
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const mkt_gift_t *g = gift_find(web_form_get(&f, "gift"));
    if (!g) return web_not_found(r);
    mkt_claim_in_t in = {g->slug, web_form_get(&f, "name"), web_form_get(&f, "phone"), web_form_get(&f, "address")};
    int64_t id;
    r->ctx.err_field = r->ctx.err_code = NULL;
    int res = mkt_claim(&r->ctx, &in, &id);
    if (res == LL_CONFLICT) return render_claim(r, 409, g, &f, NULL, "积分不足，暂时不能领取这份礼品。");
    if (res == LL_INVALID) {
        const field_msg_t *m = msg_for(errs, sizeof errs / sizeof errs[0], r->ctx.err_field);
        return render_claim(r, 422, g, &f, m ? m->field : NULL, m ? m->zh : "提交的内容有误，请检查后重试。");
    }
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me/invite?done=claimed#claims");
}

/* ==== the guardian's consent (H1, H2) ==== */

static const char *const guardian_dones[][2] = {
    {"sent", "验证码已发送到监护人的手机。"},
    {"consented", "监护人已同意，您现在可以正常使用邻里了。"},
};

static int render_guardian(req_t *r, unsigned status, const char *field, const char *error, const char *typed)
{
    acct_profile_t p;
    int res = acct_profile_get(&r->ctx, r->ctx.user_id, &p);
    if (res) return http_fail(r, res);
    minor_age_t age = minor_bracket(r->ctx.now, p.birth_year);
    json_t *ctx = json_pack("{s:s, s:s, s:b, s:b, s:i, s:s, s:i, s:b}", "title", "监护人同意", "csrf", web_csrf_token(r),
                            "held", p.held, "minor", age != AGE_ADULT, "hold_days", MINOR_HOLD_DAYS, "typed",
                            typed ? typed : "", "ttl_min", (r->ctx.conf->code_ttl_s + 59) / 60, "nav_me", 1);
    if (p.guardian_consent_at) {
        json_object_set_new(ctx, "consented", json_string(web_date_cn(r->arena, p.guardian_consent_at, NULL)));
    } else if (age != AGE_ADULT) {
        json_object_set_new(ctx, "asking", json_true());
        if (p.guardian_phone) json_object_set_new(ctx, "guardian", json_string(pi_mask_phone(r->arena, p.guardian_phone)));
    }
    if (p.birth_year) json_object_set_new(ctx, "birth_year", json_integer(p.birth_year));
    if (error) set_error(r, ctx, field, error);
    set_done(r, ctx, status, guardian_dones, sizeof guardian_dones / sizeof guardian_dones[0]);
    return web_page(r, status, "guardian", ctx);
}

int web_guardian(req_t *r)
{
    return render_guardian(r, 200, NULL, NULL, NULL);
}

static const field_msg_t guardian_errs[] = {
    {"invalid_phone", "guardian_phone", "请输入监护人正确的中国大陆手机号码（11位）。"},
    {"guardian_same_phone", "guardian_phone", "监护人的手机号码不能是您自己的号码。"},
    {"rate_limited", "guardian_phone", "获取验证码太频繁，请稍后再试。"},
    {"not_a_minor", "form", "只有未满18周岁的用户需要监护人同意。"},
    {"guardian_consented", "form", "监护人已经同意过了。"},
    {"guardian_not_requested", "guardian_phone", "请先填写监护人的手机号码并获取验证码。"},
    {"code_invalid", "code", "验证码不正确，请让监护人核对短信后重新输入。"},
    {"code_expired", "code", "验证码已失效，请重新获取。"},
    {"code_tries_exceeded", "code", "验证码错误次数过多，请重新获取。"},
};

static int guardian_fail(req_t *r, int res, const char *typed)
{
    if (res == LL_ERR) return http_fail(r, res);
    const field_msg_t *m = msg_for(guardian_errs, sizeof guardian_errs / sizeof guardian_errs[0], r->ctx.err_code);
    unsigned status = res == LL_LIMIT ? 429 : res == LL_CONFLICT ? 409 : res == LL_INVALID ? 422 : 400;
    return render_guardian(r, status, m ? m->field : NULL, m ? m->zh : "操作没有成功，请稍后再试。", typed);
}

/* POST /me/guardian/code: the child names the guardian's mobile; a "guardian" code goes to it. */
int web_guardian_code(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *phone = web_form_get(&f, "guardian_phone");
    if (!phone || !*phone) return render_guardian(r, 400, "guardian_phone", "请输入监护人的手机号码。", NULL);
    r->ctx.err_code = NULL;
    int res = acct_guardian_request(&r->ctx, r->ctx.user_id, phone);
    if (res) return guardian_fail(r, res, strlen(phone) <= 24 ? phone : NULL);
    return web_redirect(r, "/me/guardian?done=sent#confirm");
}

/* POST /me/guardian/confirm: the guardian, on the child's device, ticks the statement and enters the code. */
int web_guardian_confirm(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *code = web_form_get(&f, "code");
    if (!web_form_get(&f, "agree"))
        return render_guardian(r, 400, "agree", "请监护人阅读说明后勾选同意。", NULL);
    if (!code || strlen(code) != 6) return render_guardian(r, 400, "code", "请输入监护人手机收到的6位验证码。", NULL);
    r->ctx.err_code = NULL;
    int res = acct_guardian_confirm(&r->ctx, r->ctx.user_id, code);
    if (res) return guardian_fail(r, res, NULL);
    return web_redirect(r, "/me/guardian?done=consented");
}

/* ==== the login password (A4, G6) ==== */

static const char *const password_dones[][2] = {
    {"set", "登录密码已设置。其他设备上的登录已退出，下次可以用手机号码和密码登录。"},
};

static int render_password(req_t *r, unsigned status, const char *sent_to, const char *field, const char *error)
{
    acct_profile_t p;
    int res = acct_profile_get(&r->ctx, r->ctx.user_id, &p);
    if (res) return http_fail(r, res);
    json_t *ctx = json_pack("{s:s, s:s, s:b, s:s, s:b}", "title", "登录密码", "csrf", web_csrf_token(r), "has_password",
                            p.has_password, "phone", pi_mask_phone(r->arena, p.phone), "nav_me", 1);
    if (sent_to) {
        json_object_set_new(ctx, "sent", json_string(sent_to));
        json_object_set_new(ctx, "ttl_min", json_integer((r->ctx.conf->code_ttl_s + 59) / 60));
    }
    if (error) set_error(r, ctx, field, error);
    set_done(r, ctx, status, password_dones, sizeof password_dones / sizeof password_dones[0]);
    return web_page(r, status, "password", ctx);
}

int web_password(req_t *r)
{
    return render_password(r, 200, NULL, NULL, NULL);
}

/* Sends a "password" code to the account's own phone (never a number typed in the form). */
int web_password_code(req_t *r)
{
    web_code_sent_t c;
    if (web_own_phone_code(r, "password", &c)) return 0;
    return render_password(r, c.status, c.sent_to, c.error ? "code" : NULL, c.error);
}

int web_password_submit(req_t *r)
{
    static const field_msg_t errs[] = {
        {"weak_password", "password", "密码须为 8 到 128 个字符。"},
        {"code_invalid", "code", "验证码不正确，请检查短信后重新输入。"},
        {"code_expired", "code", "验证码已失效，请重新获取。"},
        {"code_tries_exceeded", "code", "验证码错误次数过多，请重新获取。"},
        {"server_busy", "form", "服务器繁忙，请稍后再试。"},
    };
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *code = web_form_get(&f, "code"), *pw = web_form_get(&f, "password"), *pw2 = web_form_get(&f, "password2");
    if (!code || strlen(code) != 6) return render_password(r, 400, NULL, "code", "请输入短信中的6位验证码。");
    if (!pw || !*pw) return render_password(r, 400, NULL, "password", "请输入新密码。");
    if (!pw2 || strcmp(pw, pw2)) return render_password(r, 400, NULL, "password2", "两次输入的密码不一致。");
    r->ctx.err_code = NULL;
    int res = acct_password_set(&r->ctx, r->ctx.user_id, code, pw);
    if (res == LL_ERR) return http_fail(r, res);
    if (res) {
        const field_msg_t *m = msg_for(errs, sizeof errs / sizeof errs[0], r->ctx.err_code);
        return render_password(r, res == LL_LIMIT ? 429 : res == LL_INVALID ? 422 : 400, NULL, m ? m->field : "form",
                               m ? m->zh : "设置没有成功，请稍后再试。");
    }
    return web_redirect(r, "/me/password?done=set");
}

/* ==== signing in with a password (A4) ==== */

static json_t *login_ctx(req_t *r, const policy_t *pol, const char *phone, const char *next)
{
    const char *iso, *date = web_date_cn(r->arena, pol->published_at, &iso);
    json_t *ctx = json_pack("{s:s, s:b, s:s, s:s, s:{s:i, s:s, s:s, s:s, s:s}}", "title", "密码登录", "nav_login", 1,
                            "csrf", web_csrf_token(r), "phone", phone && strlen(phone) <= 24 ? phone : "", "policy", "id",
                            pol->id, "version", pol->version, "date", date, "date_iso", iso, "summary", pol->summary);
    if (next && strlen(next) <= 200 && web_local_path(next)) json_object_set_new(ctx, "next", json_string(next));
    return ctx;
}

int web_login_password(req_t *r)
{
    policy_t pol;
    if (policy_current(&r->ctx, &pol)) return http_fail(r, LL_ERR);
    return web_page(r, 200, "login_password", login_ctx(r, &pol, NULL, http_query(r, "next")));
}

static int login_error(req_t *r, unsigned status, json_t *ctx, const char *field, const char *text)
{
    set_error(r, ctx, field, text);
    return web_page(r, status, "login_password", ctx);
}

int web_login_password_submit(req_t *r)
{
    static const field_msg_t errs[] = {
        {"invalid_phone", "phone", "请输入正确的中国大陆手机号码（11位）。"},
        {"login_failed", "password", "手机号码或密码不正确。没有设置过密码的账号请用短信验证码登录。"},
        {"rate_limited", "password", "密码错误次数过多，请 1 小时后再试，或用短信验证码登录。"},
        {"consent_required", "accept", "请阅读并勾选同意最新版《个人信息保护政策》。"},
        {"server_busy", "form", "服务器繁忙，请稍后再试。"},
    };
    policy_t pol;
    web_form_t f;
    if (policy_current(&r->ctx, &pol)) return http_fail(r, LL_ERR);
    bool parsed = web_form_parse(r, &f) == 0;
    const char *phone = parsed ? web_form_get(&f, "phone") : NULL, *pw = parsed ? web_form_get(&f, "password") : NULL,
               *accept = parsed ? web_form_get(&f, "accept") : NULL;
    json_t *ctx = login_ctx(r, &pol, phone, parsed ? web_form_get(&f, "next") : NULL);
    if (!parsed) return login_error(r, 400, ctx, NULL, "表单内容无效，请重新填写。");
    if (!web_csrf_ok(r, &f)) return login_error(r, 403, ctx, NULL, "页面已过期或来源不明，请重新提交。");
    if (!phone || !*phone) return login_error(r, 400, ctx, "phone", "请输入手机号码。");
    if (!pw || !*pw) return login_error(r, 400, ctx, "password", "请输入密码。");
    int version = accept && !strcmp(accept, arena_printf(r->arena, "%d", pol.id)) ? pol.id : 0;
    if (accept && !version) return login_error(r, 409, ctx, "accept", "隐私政策已更新，请阅读新版本后重新勾选。");
    acct_login_t out;
    r->ctx.err_code = NULL;
    int res = strlen(pw) > 512 ? (r->ctx.err_code = "login_failed", LL_DENIED)
                               : acct_login_password(&r->ctx, phone, pw, version, &out);
    if (res == LL_ERR) {
        json_decref(ctx);
        return http_fail(r, res);
    }
    if (res) {
        const field_msg_t *m = msg_for(errs, sizeof errs / sizeof errs[0], r->ctx.err_code);
        return login_error(r, res == LL_LIMIT ? 429 : 400, ctx, m ? m->field : NULL, m ? m->zh : "登录没有成功，请稍后再试。");
    }
    json_decref(ctx);
    http_header(r, "Set-Cookie",
                arena_printf(r->arena, "linli_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", out.token,
                             r->srv->conf.session_max_days * 86400, r->srv->conf.cookie_secure ? "; Secure" : ""));
    const char *next = web_form_get(&f, "next");
    return web_redirect(r, next && strlen(next) <= 200 && web_local_path(next) ? next : "/");
}
