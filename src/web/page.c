/*
 * page.c — the HTTP side of the pages: render a template into a response,
 * the 404 page, and the static files loaded at start.
 */
#include "web/web.h"
#include "base/log.h"
#include "base/result.h"
#include "domain/account.h"
#include "domain/listing.h"
#include "domain/region.h"
#include "http/multipart.h"
#include "http/server.h"
#include "media/photo.h"
#include "privacy/pi.h"
#include "web/form.h"
#include "web/site.h"
#include <stdio.h>
#include <string.h>

#define SITE_NAME "邻里"
/* a link carrying the current ?v= never goes stale, so it may be kept a year */
#define ASSET_CACHE_FOREVER "public, max-age=31536000, immutable"
#define ASSET_CACHE_CHECK   "no-cache"

/* Every template a handler names; a site without one of them does not start. */
static const char *const views[] = {"privacy", "privacy_versions", "not_found", "home", "search", "listing",
                                    "login", "message", "post", "post_pick", "my_listing", "me", "cancel",
                                    "consent", "stats", "staff",
                                    /* websvc: home services and memberships */
                                    "services", "service", "order_form", "order", "orders", "merchant",
                                    "merchant_apply", "service_form", "staff_merchants", "membership",
                                    /* jobs (jobs_page.c, verify_page.c, org_page.c, console_page.c) */
                                    "resumes", "resume", "applications", "hiring", "hiring_listing", "verify", "org",
                                    "staff_orgs", "staff_reports", "staff_policy",
                                    /* webchat */
                                    "chats", "chat", "tickets", "ticket", "staff_tickets", "invite", "gift_claim",
                                    "guardian", "password", "login_password",
                                    /* svc3 */
                                    "disputes"};

int web_check_site(const struct web_site *site, const char *templates_dir, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
        if (!web_site_view(site, views[i])) {
            snprintf(err, errlen, "%s/%s.html: missing (the pages need it)", templates_dir,
                     views[i]);
            return -1;
        }
    if (!web_site_asset(site, "site.css")) {
        snprintf(err, errlen, "site.css: missing from the static folder (every page links it)");
        return -1;
    }
    return 0;
}

int web_page(req_t *r, unsigned status, const char *view, json_t *ctx)
{
    const web_site_t *site = r->srv->site;
    json_object_set_new(ctx, "site_name", json_string(SITE_NAME));
    json_object_set_new(ctx, "signed_in", json_boolean(r->ctx.user_id != 0));
    json_object_set_new(
        ctx, "css",
        json_string(arena_printf(r->arena, "/static/site.css?v=%s", web_site_version(site))));
    json_object_set_new(ctx, "asset_v", json_string(web_site_version(site))); /* for ?v= on other static files */
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    int rc = web_site_render(site, view, ctx, &out);
    json_decref(ctx);
    if (rc) {
        tmpl_buf_free(&out);
        log_error(r->ctx.log, "web: template '%s' did not render", view);
        return http_error(r, "internal", NULL);
    }
    http_html(r, status, out.data, out.len);
    tmpl_buf_free(&out);
    return 0;
}

int web_not_found(req_t *r)
{
    return web_page(r, 404, "not_found", json_pack("{s:s}", "title", "页面不存在"));
}

int web_static_file(req_t *r)
{
    const char *name = strrchr(r->path, '/') + 1; /* the route's {file} */
    const web_asset_t *a = web_site_asset(r->srv->site, name);
    if (!a) return http_error(r, "not_found", NULL);
    const char *v = http_query(r, "v");
    bool current = v && !strcmp(v, web_site_version(r->srv->site));
    return http_static(r, a->type, a->data, a->len,
                       current ? ASSET_CACHE_FOREVER : ASSET_CACHE_CHECK);
}

int web_redirect(req_t *r, const char *url)
{
    http_header(r, "Location", url);
    return http_html(r, 303, "", 0);
}

int web_message(req_t *r, unsigned status, const char *title, const char *text, const char *link,
                const char *link_label)
{
    json_t *ctx = json_pack("{s:s, s:s}", "title", title, "text", text);
    if (link)
        json_object_set_new(ctx, "link", json_pack("{s:s, s:s}", "url", link, "label", link_label));
    return web_page(r, status, "message", ctx);
}

int web_form_read(req_t *r, web_form_t *f)
{
    if (web_form_parse(r, f))
        return web_message(r, 400, "表单内容无效", "提交的内容无法识别，请返回上一页重新填写。", "/", "返回首页"), -1;
    if (!web_csrf_ok(r, f))
        return web_message(r, 403, "页面已过期", "页面已过期或来源不明，为保护您的账号，本次提交没有生效。请返回上一页刷新后重新提交。",
                           "/", "返回首页"), -1;
    return 0;
}

/* The csrf part as a string (a token is short; anything longer is not one). */
static const char *csrf_part(arena_t *a, const multipart_part_t *p)
{
    return p && p->len <= 128 && !memchr(p->data, '\0', p->len) ? arena_strndup(a, (const char *)p->data, p->len)
                                                                : NULL;
}

int web_upload_read(req_t *r, multipart_t *mp, const char *text, const char *link, const char *link_label)
{
    int rc = multipart_parse(http_req_header(r, "Content-Type"), r->body, r->body_len, mp);
    if (rc || !web_csrf_value_ok(r, csrf_part(r->arena, multipart_find(mp, "csrf"))))
        return web_message(r, rc ? 400 : 403, "页面已过期", text, link, link_label), -1;
    return 0;
}

const char *web_photo_refusal(const char *code, const char *otherwise)
{
    const photo_err_info_t *e = photo_refusal(code);
    return e ? e->msg_zh : otherwise;
}

int web_own_phone_code(req_t *r, const char *purpose, web_code_sent_t *out)
{
    web_form_t f;
    acct_profile_t p;
    if (web_form_read(r, &f)) return -1;
    int res = acct_profile_get(&r->ctx, r->ctx.user_id, &p);
    if (res) return http_fail(r, res), -1;
    r->ctx.err_code = NULL;
    res = acct_send_code(&r->ctx, p.phone, purpose);
    if (res == LL_LIMIT) *out = (web_code_sent_t){429, NULL, "获取验证码太频繁，请稍后再试。"};
    else if (res) *out = (web_code_sent_t){503, NULL, "短信暂时无法发送，请稍后再试。"};
    else *out = (web_code_sent_t){200, pi_mask_phone(r->arena, p.phone), NULL};
    return 0;
}

/* Only a path of this site may be a "next" address: one slash, then no second one or backslash, and no control
 * character anywhere — a browser drops tabs and line ends from a URL, so "/\t/evil.example" would become
 * "//evil.example", another site. */
bool web_local_path(const char *p)
{
    if (!p || p[0] != '/' || p[1] == '/' || p[1] == '\\') return false;
    for (const unsigned char *c = (const unsigned char *)p; *c; c++)
        if (*c < 0x20 || *c == 0x7f) return false;
    return true;
}

int web_refusal(req_t *r, const char *code)
{
    if (!strcmp(code, "unauthenticated")) {
        /* a GET can be resumed after signing in; a post was a form on a page that has expired */
        bool get = !strcmp(r->method, "GET") && web_local_path(r->path);
        return web_redirect(r, get ? arena_printf(r->arena, "/login?next=%s", web_url_escape(r->arena, r->path))
                                   : "/login");
    }
    if (!strcmp(code, "consent_required")) return web_redirect(r, "/consent");
    if (!strcmp(code, "account_erased")) /* G4: a session of an account cancelled after a restored backup */
        return web_message(r, 401, "账号已注销", "该账号已注销，其个人信息已销毁，无法恢复。", "/login", "登录其他账号");
    if (!strcmp(code, "forbidden"))
        return web_message(r, 403, "没有权限", "这个页面只对有相应角色的工作人员开放。", "/", "返回首页");
    if (!strcmp(code, "csrf_failed"))
        return web_message(r, 403, "请求来源不被允许", "为保护您的账号，来自其他网站的提交不会生效。", "/", "返回首页");
    if (!strcmp(code, "guardian_consent_required"))
        return web_message(r, 403, "需要监护人同意", "未满14周岁的用户需监护人同意后才能继续使用。您仍可以查看和下载自己的信息或注销账号。",
                           "/me/guardian", "请监护人同意");
    if (!strcmp(code, "body_too_large"))
        return web_message(r, 413, "内容过大", "提交的内容（例如照片）超过了大小限制，请换一张较小的照片后重试。", "/me",
                           "前往我的页面");
    if (!strcmp(code, "internal"))
        return web_message(r, 500, "出错了", "服务器暂时无法完成这个操作，请稍后再试。", "/", "返回首页");
    return -1;
}

const char *web_url_escape(arena_t *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.~/", *p))
            *o++ = (char)*p;
        else
            *o++ = '%', *o++ = hex[*p >> 4], *o++ = hex[*p & 15];
    *o = '\0';
    return out;
}

const char *web_price_text(arena_t *a, const listing_t *l)
{
    if (!l->has_price) return "面议";
    long long yuan = l->price_fen / 100, fen = l->price_fen % 100;
    char digits[32], grouped[48];
    int n = snprintf(digits, sizeof digits, "%lld", yuan), k = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    return arena_printf(a, "¥%s.%02lld", grouped, fen);
}

const char *web_thumb_url(arena_t *a, const char *photo)
{
    return arena_printf(a, "/photos/%.*s_t.jpg", (int)strlen(photo) - 4, photo);
}

const char *web_place(req_t *r, const listing_t *l)
{
    const char *city = l->city ? region_name(r->ctx.regions, (uint32_t)l->city) : NULL;
    const char *district = l->district ? region_name(r->ctx.regions, (uint32_t)l->district) : NULL;
    if (city && district) return arena_printf(r->arena, "%s·%s", city, district);
    return city ? city : "";
}

static const struct {
    const char *status, *text, *explain;
} states[] = {
    {"pending", "待审核", "信息正在等待审核人员审核，审核通过后才会公开显示。"},
    {"published", "已发布", "信息已公开显示，其他人可以搜索和查看。"},
    {"expired", "已过期", "信息已过有效期，不再公开显示；续期后可重新显示。"},
    {"rejected", "未通过审核", "信息没有通过审核，不会公开显示；修改后会重新提交审核。"},
    {"hidden", "已隐藏", "信息因被多人举报或其他原因暂时隐藏，等待审核人员复核。"},
};

const char *web_status_text(const char *status)
{
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (!strcmp(states[i].status, status)) return states[i].text;
    return status;
}

const char *web_status_explain(const char *status)
{
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (!strcmp(states[i].status, status)) return states[i].explain;
    return "";
}
