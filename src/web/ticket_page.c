/*
 * ticket_page.c — 客服 (C2, H5, F5): a person opens a ticket (咨询, 投诉,
 * 申诉, 个人信息请求), follows its state and the 15-day answer deadline,
 * replies and closes it; support staff work the queue ordered by deadline
 * with overdue tickets marked, answer and close.
 *
 * What always holds: everything goes through domain/ticket.c, the same
 * calls as /api/v1/tickets and /api/v1/admin/tickets — a ticket is visible
 * to its author (anyone else: the 404 page) and to the `support` role
 * (routes.c), and every staff opening of a ticket is the audited
 * ticket_get(staff) read, shown to the person under 谁查看过我的信息. The
 * queue shows no personal data: no subject and no text.
 */
#include "base/result.h"
#include "domain/ticket.h"
#include "web/form.h"
#include "web/policy_page.h"
#include "web/webchat.h"
#include "web/web.h"
#include <string.h>

#define DAY 86400

static const struct {
    const char *slug, *label, *hint;
} categories[] = {
    {"question", "咨询", "使用中的问题"},
    {"complaint", "投诉", "对其他用户、商家或平台的投诉"},
    {"appeal", "申诉", "对审核结果或账号处理的申诉"},
    {"privacy", "个人信息请求", "查阅、更正、删除个人信息或撤回同意等请求"},
};

static const char *category_label(const char *slug)
{
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (!strcmp(categories[i].slug, slug)) return categories[i].label;
    return slug;
}

static const char *status_text(const char *status)
{
    if (!strcmp(status, "open")) return "等待客服答复";
    if (!strcmp(status, "answered")) return "客服已答复";
    return "已关闭";
}

/* One ticket's summary: state, category, dates, and for a waiting one its deadline (H5). */
static json_t *ticket_json(req_t *r, const ticket_t *t)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)t->id, "category",
                          category_label(t->category), "status", t->status, "status_text", status_text(t->status),
                          "created", web_time_cn(r, t->created_at), "overdue", t->overdue);
    if (t->subject) json_object_set_new(o, "subject", json_string(t->subject));
    if (!strcmp(t->status, "open")) {
        const char *iso;
        json_object_set_new(o, "deadline", json_string(web_date_cn(r->arena, t->deadline_at, &iso)));
        json_object_set_new(o, "deadline_iso", json_string(iso));
        if (t->overdue)
            json_object_set_new(o, "late_days", json_integer((r->ctx.now - t->deadline_at) / DAY ? (r->ctx.now - t->deadline_at) / DAY : 1));
    }
    return o;
}

/* ---- the person's side ---- */

typedef struct {
    unsigned status;
    const char *field, *error;
    const web_form_t *sent; /* the form as posted, kept after an error */
} ticket_form_t;

static json_t *category_options(const char *chosen)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:b}", "slug", categories[i].slug, "label", categories[i].label,
                                           "hint", categories[i].hint, "checked",
                                           chosen ? !strcmp(chosen, categories[i].slug) : i == 0));
    return a;
}

static int render_tickets(req_t *r, const ticket_form_t *form)
{
    ticket_t *v;
    size_t n;
    int res = ticket_mine(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, ticket_json(r, &v[i]));
    const char *cat = form->sent ? web_form_get(form->sent, "category") : NULL,
               *subject = form->sent ? web_form_get(form->sent, "subject") : NULL,
               *text = form->sent ? web_form_get(form->sent, "text") : NULL;
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:b, s:o, s:s, s:s, s:i, s:i, s:i, s:b}", "title", "客服", "csrf",
                            web_csrf_token(r), "items", items, "has_items", n > 0, "categories", category_options(cat),
                            "subject", subject ? subject : "", "text", text ? text : "", "subject_max",
                            TICKET_SUBJECT_MAX, "text_max", TICKET_TEXT_MAX, "days", TICKET_ANSWER_DAYS, "nav_me", 1);
    if (form->error)
        json_object_set_new(ctx, arena_printf(r->arena, "error_%s", form->field ? form->field : "form"),
                            json_string(form->error));
    return web_page(r, form->status, "tickets", ctx);
}

int web_tickets(req_t *r)
{
    ticket_form_t form = {.status = 200};
    return render_tickets(r, &form);
}

static const char *open_error(const char *field)
{
    if (field && !strcmp(field, "category")) return "请选择问题类型。";
    if (field && !strcmp(field, "subject")) return "标题须为 2 到 60 个字，只能写一行。";
    return "内容须为 1 到 2000 个字，不能含有控制字符。";
}

int web_ticket_open(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    ticket_in_t in = {web_form_get(&f, "category"), web_form_get(&f, "subject"), web_form_get(&f, "text"), 0};
    int64_t id;
    r->ctx.err_field = r->ctx.err_code = NULL;
    int res = ticket_open(&r->ctx, &in, &id);
    if (res == LL_INVALID) {
        ticket_form_t form = {422, r->ctx.err_field ? r->ctx.err_field : "text", NULL, &f};
        form.error = open_error(form.field);
        return render_tickets(r, &form);
    }
    if (res == LL_LIMIT) {
        ticket_form_t form = {429, NULL, "每天最多提交 10 个问题，请明天再试，或在已有的问题中补充说明。", &f};
        return render_tickets(r, &form);
    }
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/me/tickets/%lld?done=opened", (long long)id));
}

static const struct {
    const char *done, *text;
} dones[] = {
    {"opened", "已提交。客服会在 15 天内答复，答复后会显示在这里。"},
    {"replied", "已发送。"},
    {"closed", "已关闭。"},
};

/* One ticket with its conversation, for its author (staff false) or for support (staff true, audited). */
static int render_ticket(req_t *r, bool staff, unsigned status, const char *error, const char *kept)
{
    ticket_t t;
    ticket_msg_t *m;
    size_t n;
    int res = ticket_get(&r->ctx, r->params[0], staff, &t, &m, &n);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    json_t *msgs = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:b, s:s, s:s, s:b}", "from_staff", m[i].from_staff, "text", m[i].text, "time",
                              web_time_cn(r, m[i].created_at), "has_photo", m[i].has_photo);
        json_array_append_new(msgs, o);
    }
    json_t *ctx = ticket_json(r, &t);
    json_object_set_new(ctx, "title", json_string(t.subject && *t.subject ? t.subject : "客服工单"));
    json_object_set_new(ctx, "messages", msgs);
    json_object_set_new(ctx, "csrf", json_string(web_csrf_token(r)));
    json_object_set_new(ctx, "reply", json_string(kept ? kept : ""));
    json_object_set_new(ctx, "text_max", json_integer(TICKET_TEXT_MAX));
    json_object_set_new(ctx, "base", json_string(arena_printf(r->arena, "%s/tickets/%lld", staff ? "/staff" : "/me",
                                                              (long long)t.id)));
    json_object_set_new(ctx, staff ? "staff" : "nav_me", json_true());
    if (strcmp(t.status, "closed")) json_object_set_new(ctx, "can_reply", json_true());
    if (error) json_object_set_new(ctx, "error_reply", json_string(error));
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && status == 200 && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
    return web_page(r, status, "ticket", ctx);
}

int web_ticket(req_t *r)
{
    return render_ticket(r, false, 200, NULL, NULL);
}

static int reply(req_t *r, bool staff)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *text = web_form_get(&f, "text");
    int64_t msg;
    r->ctx.err_code = NULL;
    int res = ticket_reply(&r->ctx, r->params[0], staff, text, &msg);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_INVALID) return render_ticket(r, staff, 422, "内容须为 1 到 2000 个字，不能含有控制字符。", text);
    if (res == LL_CONFLICT) return render_ticket(r, staff, 409, "这个问题已关闭，不能再回复。如有新问题请重新提交。", text);
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "%s/tickets/%lld?done=replied", staff ? "/staff" : "/me",
                                        (long long)r->params[0]));
}

static int close_ticket(req_t *r, bool staff)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    int res = ticket_close(&r->ctx, r->params[0], staff);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_CONFLICT) return render_ticket(r, staff, 409, "这个问题已经关闭。", NULL);
    if (res) return http_fail(r, res);
    return web_redirect(r, staff ? "/staff/tickets?done=closed"
                                 : arena_printf(r->arena, "/me/tickets/%lld?done=closed", (long long)r->params[0]));
}

int web_ticket_reply(req_t *r)
{
    return reply(r, false);
}

int web_ticket_close(req_t *r)
{
    return close_ticket(r, false);
}

/* ---- support's side ---- */

int web_staff_tickets(req_t *r)
{
    const char *q = http_query(r, "status");
    bool all = q && !strcmp(q, "all");
    ticket_t *v;
    size_t n, overdue = 0;
    int res = ticket_queue(&r->ctx, all ? "all" : "open", &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        overdue += v[i].overdue;
        json_array_append_new(items, ticket_json(r, &v[i]));
    }
    json_t *tabs = json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}]", "url", "/staff/tickets", "label", "待答复", "current",
                             !all, "url", "/staff/tickets?status=all", "label", "全部未关闭", "current", all);
    json_t *ctx = json_pack("{s:s, s:o, s:b, s:I, s:o, s:i}", "title", "客服工单", "items", items, "has_items", n > 0,
                            "overdue", (json_int_t)overdue, "tabs", tabs, "days", TICKET_ANSWER_DAYS);
    const char *done = http_query(r, "done");
    if (done && !strcmp(done, "closed")) json_object_set_new(ctx, "done", json_string("工单已关闭。"));
    return web_page(r, 200, "staff_tickets", ctx);
}

int web_staff_ticket(req_t *r)
{
    return render_ticket(r, true, 200, NULL, NULL);
}

int web_staff_ticket_reply(req_t *r)
{
    return reply(r, true);
}

int web_staff_ticket_close(req_t *r)
{
    return close_ticket(r, true);
}
