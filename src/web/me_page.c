/*
 * me_page.c — 我的: everything a signed-in person holds and decides, as
 * plain forms (A2, F4, F5, F8, G1–G6, C3, H3): profile, own listings,
 * footprints and search history with "clear", sessions, one switch per
 * consent purpose, the data download, who read the person's data, the
 * message centre, signing out, re-accepting a changed policy, and
 * cancelling the account with an SMS code.
 *
 * What always holds: every value comes from the same domain call the API
 * uses (so the page and GET /api/v1/me/... agree), every change is a POST
 * with the CSRF token, answered 303 back to /me with a ?done= code that
 * names a fixed sentence (never data). The account's phone is shown
 * masked. Cancelling needs a fresh "cancel" code sent to the account's own
 * phone (G6) and erases through acct_cancel, as DELETE /api/v1/me does.
 */
#include "base/conf.h"
#include "base/result.h"
#include "domain/account.h"
#include "domain/consent.h"
#include "domain/history.h"
#include "domain/listing.h"
#include "domain/notice.h"
#include "domain/policy.h"
#include "domain/session.h"
#include "http/server.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "web/form.h"
#include "web/policy_page.h"
#include "web/web.h"
#include "web/webchat.h"
#include "domain/verification.h"
#include <string.h>

#define HISTORY_SHOWN 20

static const struct {
    const char *done, *text;
} dones[] = {
    {"profile", "个人资料已保存。"},
    {"history_all", "浏览足迹和搜索记录已全部清除。"},
    {"history_browse", "浏览足迹已清除。"},
    {"history_search", "搜索记录已清除。"},
    {"session", "已退出该设备上的登录。"},
    {"consents", "隐私设置已保存，立即生效。"},
    {"message", "消息已标记为已读。"},
    {"deleted", "信息已删除。"},
    {"policy", "您已同意最新版个人信息保护政策。"},
};

/* The profile's optional fields, in the form's order, with the input limits of PATCH /api/v1/me. */
static const struct {
    const char *name, *label, *hint;
    int max;
    const char *inputmode;
} profile_fields[] = {
    {"nickname", "昵称", "对外显示的称呼，可不填。", 20, NULL},
    {"username", "用户名", "2 到 20 个字，不能全是数字；可用于以后的账号登录。", 20, NULL},
    {"city", "所在城市", NULL, 30, NULL},
    {"hometown", "家乡", NULL, 30, NULL},
    {"occupation", "职业", NULL, 30, NULL},
    {"position", "职位", NULL, 30, NULL},
    {"email", "电子邮箱", NULL, 100, "email"},
    {"qq", "QQ号", NULL, 12, "numeric"},
    {"birth_year", "出生年份", "只用于判断是否需要监护人同意，例如 1990。", 4, "numeric"},
};
#define NPROFILE (sizeof profile_fields / sizeof profile_fields[0])

static const char *profile_value(const acct_profile_t *p, size_t i, arena_t *a)
{
    const char *v[] = {p->nickname, p->username, p->city, p->hometown, p->occupation, p->position, p->email, p->qq,
                       p->birth_year ? arena_printf(a, "%d", p->birth_year) : NULL};
    return v[i];
}

/* The person's listings, newest first, each linking to its management page. */
static json_t *my_listings(req_t *r)
{
    listing_t *v;
    size_t n;
    json_t *items = json_array();
    if (listing_mine(&r->ctx, &v, &n)) return items;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)v[i].id, "title",
                                               v[i].title, "status", v[i].status, "status_text",
                                               web_status_text(v[i].status), "price",
                                               web_price_text(r->arena, &v[i]), "date",
                                               web_date_cn(r->arena, v[i].created_at, NULL)));
    return items;
}

/* Footprints (titles of listings still published, else "已下架") and search words, newest first. */
static void history_ctx(req_t *r, json_t *ctx)
{
    history_item_t *b, *s;
    size_t nb, ns;
    json_t *browse = json_array(), *search = json_array();
    if (history_list(&r->ctx, &b, &nb, &s, &ns) == LL_OK) {
        for (size_t i = 0; i < nb && i < HISTORY_SHOWN; i++) {
            listing_t l;
            bool shown = listing_load(&r->ctx, b[i].listing_id, &l) == LL_OK && !strcmp(l.status, "published");
            json_t *o = json_pack("{s:s, s:s}", "title", shown ? l.title : "信息已下架或已删除", "date",
                                  web_date_cn(r->arena, b[i].at, NULL));
            if (shown)
                json_object_set_new(o, "url", json_string(arena_printf(r->arena, "/l/%lld", (long long)l.id)));
            json_array_append_new(browse, o);
        }
        for (size_t i = 0; i < ns && i < HISTORY_SHOWN; i++)
            json_array_append_new(search, json_pack("{s:s, s:s, s:s}", "query", s[i].query, "url",
                                                    arena_printf(r->arena, "/s?q=%s",
                                                                 web_url_escape(r->arena, s[i].query)),
                                                    "date", web_date_cn(r->arena, s[i].at, NULL)));
    }
    json_object_set_new(ctx, "has_browse", json_boolean(json_array_size(browse) > 0));
    json_object_set_new(ctx, "has_search", json_boolean(json_array_size(search) > 0));
    json_object_set_new(ctx, "browse", browse);
    json_object_set_new(ctx, "searches", search);
}

static json_t *sessions_json(req_t *r)
{
    sess_info_t *v;
    size_t n;
    json_t *items = json_array();
    if (sess_list(&r->ctx, r->ctx.user_id, &v, &n)) return items;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)v[i].id, "device",
                                               v[i].agent ? v[i].agent : "未知设备", "ip", v[i].ip ? v[i].ip : "—",
                                               "last_seen", web_date_cn(r->arena, v[i].last_seen, NULL),
                                               "current", v[i].current != 0));
    return items;
}

static json_t *consents_json(req_t *r)
{
    json_t *items = json_array();
    for (size_t i = 0; i < consent_count; i++) {
        const consent_purpose_t *p = &consent_purposes[i];
        int64_t at = consent_decided_at(&r->ctx, r->ctx.user_id, p->slug);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "purpose", p->slug, "label", p->label, "explain",
                              p->explain, "promises", p->promise, "granted",
                              consent_granted(&r->ctx, r->ctx.user_id, p->slug));
        if (at) json_object_set_new(o, "decided", json_string(web_date_cn(r->arena, at, NULL)));
        json_array_append_new(items, o);
    }
    return items;
}

static json_t *reads_json(req_t *r)
{
    audit_read_t *v;
    size_t n;
    json_t *items = json_array();
    if (audit_reads_of(&r->ctx, r->ctx.user_id, &v, &n)) return items;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "date", web_date_cn(r->arena, v[i].at, NULL),
                                               "who", v[i].who, "why", audit_read_why(v[i].event)));
    return items;
}

static json_t *messages_json(req_t *r, int *unread)
{
    notice_msg_t *v;
    size_t n;
    json_t *items = json_array();
    *unread = 0;
    if (notice_list(&r->ctx, r->ctx.user_id, &v, &n)) return items;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].read_at) (*unread)++;
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)v[i].id, "title",
                                               v[i].title, "body", v[i].body, "date",
                                               web_date_cn(r->arena, v[i].created_at, NULL), "unread",
                                               !v[i].read_at));
    }
    return items;
}

static json_t *profile_json(req_t *r, const acct_profile_t *p, const web_form_t *sent, const char *err_field,
                            const char *err_text)
{
    json_t *a = json_array();
    for (size_t i = 0; i < NPROFILE; i++) {
        const char *v = sent ? web_form_get(sent, profile_fields[i].name) : profile_value(p, i, r->arena);
        json_t *o = json_pack("{s:s, s:s, s:s, s:i}", "name", profile_fields[i].name, "label", profile_fields[i].label,
                              "value", v ? v : "", "max", profile_fields[i].max);
        if (profile_fields[i].hint) json_object_set_new(o, "hint", json_string(profile_fields[i].hint));
        if (profile_fields[i].inputmode) json_object_set_new(o, "inputmode", json_string(profile_fields[i].inputmode));
        if (err_field && !strcmp(err_field, profile_fields[i].name))
            json_object_set_new(o, "error", json_string(err_text));
        json_array_append_new(a, o);
    }
    return a;
}

static int render_me(req_t *r, unsigned status, const web_form_t *sent, const char *err_field, const char *err_text)
{
    acct_profile_t p;
    int res = acct_profile_get(&r->ctx, r->ctx.user_id, &p);
    if (res) return http_fail(r, res);
    int unread;
    json_t *ctx = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "title", "我的", "csrf", web_csrf_token(r),
                            "phone", pi_mask_phone(r->arena, p.phone), "listings", my_listings(r), "sessions",
                            sessions_json(r), "consents", consents_json(r), "reads", reads_json(r), "messages",
                            messages_json(r, &unread));
    json_object_set_new(ctx, "profile", profile_json(r, &p, sent, err_field, err_text));
    json_object_set_new(ctx, "has_listings", json_boolean(json_array_size(json_object_get(ctx, "listings")) > 0));
    json_object_set_new(ctx, "has_reads", json_boolean(json_array_size(json_object_get(ctx, "reads")) > 0));
    json_object_set_new(ctx, "has_messages", json_boolean(json_array_size(json_object_get(ctx, "messages")) > 0));
    json_object_set_new(ctx, "unread", json_integer(unread));
    json_object_set_new(ctx, "chat_unread", json_integer(web_chat_unread(r))); /* C10 */
    if (p.nickname) json_object_set_new(ctx, "nickname", json_string(p.nickname));
    if (p.held) json_object_set_new(ctx, "held", json_true());
    json_object_set_new(ctx, "nav_me", json_true());
    bool needs = false;
    if (!policy_needs_consent(&r->ctx, r->ctx.policy_version, &needs) && needs) /* H3 */
        json_object_set_new(ctx, "needs_consent", json_true());
    json_object_set_new(ctx, "since", json_string(web_date_cn(r->arena, p.created_at, NULL)));
    history_ctx(r, ctx);
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && status == 200 && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
    if (err_text && !err_field) json_object_set_new(ctx, "error", json_string(err_text));
    return web_page(r, status, "me", ctx);
}

int web_me(req_t *r)
{
    return render_me(r, 200, NULL, NULL, NULL);
}

/* The profile form's failure, next to its field. */
static const char *profile_error(const char *code, const char *field)
{
    if (!strcmp(code, "username_taken")) return "该用户名已被使用，请换一个。";
    if (!strcmp(code, "birth_year_locked")) return "出生年份不能改为解除年龄限制的年份，如需更正请联系客服。";
    if (!strcmp(code, "guardian_consent_required")) return "等待监护人同意期间，只能修改出生年份。";
    if (field && !strcmp(field, "email")) return "请输入正确的电子邮箱地址。";
    if (field && !strcmp(field, "username")) return "用户名须为 2 到 20 个字，不能全是数字。";
    if (field && !strcmp(field, "qq")) return "请输入正确的QQ号（5 到 12 位数字）。";
    if (field && !strcmp(field, "birth_year")) return "请输入四位数的出生年份，例如 1990。";
    return "内容过长或含有不能使用的字符，请修改。";
}

int web_me_profile(req_t *r)
{
    web_form_t f;
    acct_change_t ch[NPROFILE];
    int n = 0;
    acct_profile_t p;
    if (web_form_read(r, &f)) return 0;
    int res = acct_profile_get(&r->ctx, r->ctx.user_id, &p);
    if (res) return http_fail(r, res);
    for (size_t i = 0; i < NPROFILE; i++) {
        const char *v = web_form_get(&f, profile_fields[i].name), *had = profile_value(&p, i, r->arena);
        /* not in the form, or as it was: unchanged (H1: a held child's form then changes the birth year only) */
        if (!v || !strcmp(v, had ? had : "")) continue;
        ch[n].name = profile_fields[i].name;
        ch[n++].value = *v ? v : NULL;
    }
    r->ctx.err_code = r->ctx.err_field = NULL;
    res = acct_profile_update(&r->ctx, r->ctx.user_id, ch, n);
    if (res == LL_ERR) return http_fail(r, res);
    if (res) {
        const char *field = r->ctx.err_field ? r->ctx.err_field : "nickname";
        return render_me(r, res == LL_CONFLICT ? 409 : 422, &f, field,
                         profile_error(r->ctx.err_code ? r->ctx.err_code : "", field));
    }
    return web_redirect(r, "/me?done=profile#profile");
}

/* G2: what=all|browse|search, one button each. */
int web_me_history_clear(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *what = web_form_get(&f, "what");
    if (!what || (strcmp(what, "all") && strcmp(what, "browse") && strcmp(what, "search"))) what = "all";
    int res = history_clear(&r->ctx, what);
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/me?done=history_%s#history", what));
}

int web_me_session_end(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    bool current = r->params[0] == r->ctx.session_id;
    int res = sess_revoke(&r->ctx, r->ctx.user_id, r->params[0]);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    if (current) return web_logout(r);
    return web_redirect(r, "/me?done=session#sessions");
}

/* G3, C3: every purpose's box is in the form, so an unticked box is a "no". */
int web_me_consents(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    for (size_t i = 0; i < consent_count; i++) {
        bool on = web_form_get(&f, consent_purposes[i].slug) != NULL;
        if (on && r->ctx.held) continue; /* H1: a held child may withdraw, not grant */
        int res = verif_consent_set(&r->ctx, r->ctx.user_id, consent_purposes[i].slug, on); /* C1 */
        if (res) return http_fail(r, res);
    }
    return web_redirect(r, "/me?done=consents#privacy");
}

int web_me_message_read(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    int res = notice_read(&r->ctx, r->ctx.user_id, r->params[0]);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me?done=message#messages");
}

static void clear_session_cookie(req_t *r)
{
    http_header(r, "Set-Cookie",
                arena_printf(r->arena, "linli_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
                             r->srv->conf.cookie_secure ? "; Secure" : ""));
}

/* POST /logout (and ending the current session from the list). */
int web_logout(req_t *r)
{
    web_form_t f;
    if (r->body_len && !strcmp(r->path, "/logout") && web_form_read(r, &f)) return 0;
    int res = sess_revoke(&r->ctx, r->ctx.user_id, r->ctx.session_id);
    if (res && res != LL_NOTFOUND) return http_fail(r, res);
    clear_session_cookie(r);
    return web_redirect(r, "/");
}

/* ---- re-consent after a major change (H3) ---- */

static int render_consent(req_t *r, unsigned status, const char *error)
{
    policy_t pol;
    if (policy_current(&r->ctx, &pol)) return http_fail(r, LL_ERR);
    const char *iso, *date = web_date_cn(r->arena, pol.published_at, &iso);
    bool needs = false;
    if (policy_needs_consent(&r->ctx, r->ctx.policy_version, &needs)) return http_fail(r, LL_ERR);
    json_t *ctx = json_pack("{s:s, s:s, s:{s:i, s:s, s:s, s:s, s:s, s:b}, s:b}", "title", "个人信息保护政策已更新",
                            "csrf", web_csrf_token(r), "policy", "id", pol.id, "version", pol.version, "date", date,
                            "date_iso", iso, "summary", pol.summary, "major", pol.major, "needs", needs);
    if (error) json_object_set_new(ctx, "error", json_string(error));
    return web_page(r, status, "consent", ctx);
}

int web_consent(req_t *r)
{
    return render_consent(r, 200, NULL);
}

int web_consent_accept(req_t *r)
{
    web_form_t f;
    policy_t pol;
    if (web_form_read(r, &f)) return 0;
    if (policy_current(&r->ctx, &pol)) return http_fail(r, LL_ERR);
    const char *accept = web_form_get(&f, "accept");
    if (!accept) return render_consent(r, 400, "请阅读并勾选同意最新版《个人信息保护政策》。");
    if (strcmp(accept, arena_printf(r->arena, "%d", pol.id)))
        return render_consent(r, 409, "隐私政策刚刚又更新了，请阅读新版本后重新勾选。");
    int res = acct_accept_current_policy(&r->ctx, r->ctx.user_id, pol.id);
    if (res == LL_CONFLICT) return render_consent(r, 409, "隐私政策刚刚又更新了，请阅读新版本后重新勾选。");
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me?done=policy");
}

/* ---- cancelling the account (G4, G6) ---- */

static int render_cancel(req_t *r, unsigned status, const char *sent_to, const char *error)
{
    json_t *ctx = json_pack("{s:s, s:s}", "title", "注销账号", "csrf", web_csrf_token(r));
    if (sent_to) {
        json_object_set_new(ctx, "sent", json_string(sent_to));
        json_object_set_new(ctx, "ttl_min", json_integer((r->ctx.conf->code_ttl_s + 59) / 60));
    }
    if (error) json_object_set_new(ctx, "error", json_string(error));
    return web_page(r, status, "cancel", ctx);
}

int web_cancel(req_t *r)
{
    return render_cancel(r, 200, NULL, NULL);
}

/* Sends a "cancel" code to the account's own phone (never a number typed in the form). */
int web_cancel_code(req_t *r)
{
    web_code_sent_t c;
    if (web_own_phone_code(r, "cancel", &c)) return 0;
    return render_cancel(r, c.status, c.sent_to, c.error);
}

static const char *cancel_error(const char *code)
{
    if (!strcmp(code, "code_expired")) return "验证码已失效，请重新获取。";
    if (!strcmp(code, "code_tries_exceeded")) return "验证码错误次数过多，请重新获取。";
    return "验证码不正确，请检查短信后重新输入。";
}

int web_cancel_submit(req_t *r)
{
    web_form_t f;
    json_t *receipt;
    if (web_form_read(r, &f)) return 0;
    const char *code = web_form_get(&f, "code");
    if (!web_form_get(&f, "confirm")) return render_cancel(r, 400, NULL, "请先勾选确认您已了解注销的后果。");
    if (!code || strlen(code) != 6) return render_cancel(r, 400, NULL, "请输入短信中的6位验证码。");
    r->ctx.err_code = NULL;
    int res = acct_cancel(&r->ctx, r->ctx.user_id, code, &receipt);
    if (res == LL_ERR) return http_fail(r, res);
    if (res) return render_cancel(r, res == LL_LIMIT ? 429 : 400, NULL, cancel_error(r->ctx.err_code ? r->ctx.err_code : ""));
    json_decref(receipt);
    clear_session_cookie(r);
    r->ctx.user_id = 0; /* the page that follows is for someone signed out */
    return web_message(r, 200, "账号已注销",
                       "您的账号已注销：个人资料、发布的信息和照片、浏览足迹和搜索记录已删除，账号的数据密钥已销毁。"
                       "法律要求留存的安全审计记录（只含账号编号，不含手机号码）在法定期限届满后删除。",
                       "/", "返回首页");
}
