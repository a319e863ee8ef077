/*
 * chat_page.c — 消息 (C10, E5, E6): the person's conversations with unread
 * counts, one conversation with its messages, sending text and voice notes,
 * read receipts, refusing messages, and starting a conversation about a
 * listing (to its poster) or an order (customer ↔ merchant).
 *
 * What always holds: every read and write goes through domain/chat.c, so
 * the page shows exactly what GET /api/v1/conversations/... shows — phone
 * numbers and other contact details in the other side's messages masked
 * unless the sender shared them, and for anyone who is not a member the
 * conversation, its messages and its voice notes are the site's 404 page.
 * Opening a conversation page is reading it: the GET moves the person's read
 * mark to the newest message (the other side then sees 已读), as
 * POST /api/v1/conversations/{id}/read does, so that route is not R_READ.
 */
#include "base/result.h"
#include "domain/chat.h"
#include "http/multipart.h"
#include "http/server.h"
#include "web/form.h"
#include "web/webchat.h"
#include "web/web.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CST_OFFSET (8 * 3600)
#define MSGS_SHOWN 30

const char *web_time_cn(req_t *r, int64_t t)
{
    time_t tt = (time_t)(t + CST_OFFSET), now = (time_t)(r->ctx.now + CST_OFFSET);
    struct tm tm, tn;
    gmtime_r(&tt, &tm);
    gmtime_r(&now, &tn);
    if (tm.tm_year != tn.tm_year)
        return arena_printf(r->arena, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min);
    return arena_printf(r->arena, "%d月%d日 %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* A positive whole number of at most 18 digits, or 0. */
static int64_t id_of(const char *s)
{
    if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s)) return 0;
    return strtoll(s, NULL, 10);
}

int64_t web_chat_unread(req_t *r)
{
    chat_conv_t *v;
    size_t n;
    bool more;
    int64_t sum = 0;
    if (chat_list(&r->ctx, INT64_MAX, INT64_MAX, CHAT_PAGE_MAX, &v, &n, &more)) return 0;
    for (size_t i = 0; i < n; i++) sum += v[i].unread;
    return sum;
}

static const char *subject_url(req_t *r, const chat_conv_t *v)
{
    if (!strcmp(v->subject_kind, "listing") && v->title)
        return arena_printf(r->arena, "/l/%lld", (long long)v->subject_id);
    return NULL;
}

static const char *title_of(const chat_conv_t *v)
{
    if (v->title) return v->title;
    return !strcmp(v->subject_kind, "listing") ? "信息已下架或已删除" : "订单";
}

/* What the conversation's state means for sending, or NULL when the person may send. */
static const char *state_note(const chat_conv_t *v)
{
    if (v->peer_gone) return "对方已注销账号，对方的消息已随账号删除，您不能再发送消息；您自己的消息仍保留在这里。";
    if (v->blocked_by_me) return "您已拒收对方的消息，双方都不能再发送消息。可以随时恢复接收。";
    if (v->blocked_by_peer) return "对方已拒收您的消息，暂时不能发送。";
    return NULL;
}

/* ---- GET /me/chats ---- */

static json_t *conv_json(req_t *r, const chat_conv_t *v)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)v->id, "title", title_of(v), "role",
                          !strcmp(v->role, "starter") ? "我发起的" : "对方发起的", "time", web_time_cn(r, v->last_at),
                          "unread", (json_int_t)v->unread, "order", !strcmp(v->subject_kind, "order"));
    const char *note = v->peer_gone ? "对方已注销" : v->blocked_by_me ? "已拒收" : v->blocked_by_peer ? "对方已拒收" : NULL;
    if (note) json_object_set_new(o, "note", json_string(note));
    return o;
}

int web_chats(req_t *r)
{
    int64_t at = INT64_MAX, cid = INT64_MAX;
    const char *cursor = http_query(r, "cursor");
    if (cursor) { /* "<last_at>.<id>", as the API's */
        const char *dot = strchr(cursor, '.');
        at = dot ? id_of(arena_strndup(r->arena, cursor, (size_t)(dot - cursor))) : 0;
        cid = dot ? id_of(dot + 1) : 0;
        if (!at || !cid) return web_message(r, 400, "链接已失效", "翻页链接已失效，请从第一页重新浏览。", "/me/chats", "返回消息");
    }
    chat_conv_t *v;
    size_t n;
    bool more;
    int res = chat_list(&r->ctx, at, cid, 20, &v, &n, &more);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    int64_t unread = 0;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(items, conv_json(r, &v[i]));
        unread += v[i].unread;
    }
    json_t *ctx = json_pack("{s:s, s:o, s:b, s:I, s:b}", "title", "消息", "items", items, "has_items", n > 0, "unread",
                            (json_int_t)unread, "nav_me", 1);
    if (more)
        json_object_set_new(ctx, "next_url", json_string(arena_printf(r->arena, "/me/chats?cursor=%lld.%lld",
                                                                      (long long)v[n - 1].last_at, (long long)v[n - 1].id)));
    if (cursor) json_object_set_new(ctx, "paged", json_true());
    return web_page(r, 200, "chats", ctx);
}

/* ---- GET /me/chats/{id} ---- */

static const struct {
    const char *done, *text;
} dones[] = {
    {"sent", "消息已发送。"},
    {"voice", "语音已发送。"},
    {"blocked", "已拒收对方的消息。"},
    {"unblocked", "已恢复接收对方的消息。"},
};

static json_t *msg_json(req_t *r, int64_t conv, const chat_msg_t *m)
{
    json_t *o = json_pack("{s:I, s:b, s:s, s:s, s:b, s:b}", "id", (json_int_t)m->id, "mine", m->mine, "text", m->text,
                          "time", web_time_cn(r, m->created_at), "masked", m->masked, "shared", m->shared);
    if (m->mine) json_object_set_new(o, "read", json_boolean(m->read_by_peer));
    if (!strcmp(m->kind, "voice"))
        json_object_set_new(o, "voice",
                            json_pack("{s:s, s:s, s:I}", "url",
                                      arena_printf(r->arena, "/me/chats/%lld/voice/%lld", (long long)conv, (long long)m->id),
                                      "type", m->audio_type ? m->audio_type : "", "seconds",
                                      (json_int_t)((m->duration_ms + 999) / 1000)));
    return o;
}

typedef struct {
    unsigned status;
    const char *field, *error; /* an error next to "text" or "audio" */
    const char *text;          /* what was typed, kept after an error */
} chat_view_t;

static int render_chat(req_t *r, int64_t id, const chat_view_t *view)
{
    chat_conv_t v;
    chat_msg_t *m;
    size_t n;
    bool more;
    int64_t before = id_of(http_query(r, "before")), upto;
    int res = chat_get(&r->ctx, id, &v);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res || (res = chat_messages(&r->ctx, id, before, 0, MSGS_SHOWN, &m, &n, &more))) return http_fail(r, res);
    /* opening the page is reading it: the read mark moves to what exists now (C10 read receipts) */
    if (!before && v.unread && (res = chat_mark_read(&r->ctx, id, 0, &upto))) return http_fail(r, res);
    json_t *msgs = json_array();
    for (size_t i = n; i-- > 0;) json_array_append_new(msgs, msg_json(r, id, &m[i])); /* oldest first */
    json_t *ctx = json_pack("{s:s, s:I, s:s, s:o, s:b, s:s, s:i, s:I, s:b, s:b}", "title", title_of(&v), "id",
                            (json_int_t)id, "csrf", web_csrf_token(r), "messages", msgs, "has_messages", n > 0, "text",
                            view->text ? view->text : "", "text_max", CHAT_TEXT_MAX, "voice_mb",
                            (json_int_t)(CHAT_VOICE_MAX_BYTES / (1024 * 1024)), "blocked", v.blocked_by_me, "nav_me", 1);
    json_object_set_new(ctx, "voice_s", json_integer(CHAT_VOICE_MAX_MS / 1000));
    const char *url = subject_url(r, &v), *note = state_note(&v);
    if (url) json_object_set_new(ctx, "subject_url", json_string(url));
    if (note) json_object_set_new(ctx, "state_note", json_string(note));
    else json_object_set_new(ctx, "can_send", json_true());
    if (!v.peer_gone) json_object_set_new(ctx, "can_block", json_true());
    if (more)
        json_object_set_new(ctx, "older_url", json_string(arena_printf(r->arena, "/me/chats/%lld?before=%lld", (long long)id,
                                                                       (long long)m[n - 1].id)));
    if (before) json_object_set_new(ctx, "newest_url", json_string(arena_printf(r->arena, "/me/chats/%lld", (long long)id)));
    if (view->error)
        json_object_set_new(ctx, arena_printf(r->arena, "error_%s", view->field ? view->field : "form"),
                            json_string(view->error));
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && view->status == 200 && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
    return web_page(r, view->status, "chat", ctx);
}

int web_chat(req_t *r)
{
    chat_view_t view = {.status = 200};
    return render_chat(r, r->params[0], &view);
}

/* The page's sentence for a refused send, by the domain's code; *status gets the HTTP status. */
static const char *send_error(const char *code, unsigned *status)
{
    static const struct {
        const char *code, *zh;
        unsigned status;
    } errs[] = {
        {"chat_blocked", "对方或您已拒收消息，暂时不能发送。", 409},
        {"chat_peer_gone", "对方已注销账号，不能再发送消息。", 409},
        {"rate_limited", "发送太频繁，请稍后再试。", 429},
        {"voice_too_large", "语音文件超过 1 MB，请录一段更短的语音。", 413},
        {"voice_unsupported_type", "只支持 AMR、MP3、Opus（Ogg）、AAC 或 M4A 格式的语音文件。", 415},
        {"voice_corrupt", "语音文件已损坏或不完整，请重新录制。", 422},
        {"voice_too_long", "语音最长 60 秒，请录一段更短的语音。", 422},
    };
    for (size_t i = 0; code && i < sizeof errs / sizeof errs[0]; i++)
        if (!strcmp(code, errs[i].code)) return *status = errs[i].status, errs[i].zh;
    *status = 422;
    return "消息须为 1 到 1000 个字，不能含有控制字符。";
}

int web_chat_send(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *text = web_form_get(&f, "text");
    int64_t msg;
    bool shared;
    r->ctx.err_code = NULL;
    int res = chat_send_text(&r->ctx, r->params[0], text ? text : "", web_form_get(&f, "share") != NULL, &msg, &shared);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_ERR) return http_fail(r, res);
    if (res) {
        chat_view_t view = {.field = "text", .text = text};
        view.error = send_error(r->ctx.err_code, &view.status);
        return render_chat(r, r->params[0], &view);
    }
    return web_redirect(r, arena_printf(r->arena, "/me/chats/%lld?done=sent#send", (long long)r->params[0]));
}

/* POST /me/chats/{id}/voice: multipart with a csrf part and one audio part (the file input). */
int web_chat_voice(req_t *r)
{
    multipart_t mp;
    if (web_upload_read(r, &mp, "语音没有发送：页面已过期或内容无法识别。请返回对话页刷新后重新上传。", "/me/chats", "返回消息"))
        return 0;
    const multipart_part_t *part = multipart_find(&mp, "audio");
    chat_view_t view = {.status = 400, .field = "audio", .error = "请先选择一个语音文件。"};
    if (!part || !part->len || multipart_count(&mp, "audio") > 1) return render_chat(r, r->params[0], &view);
    int64_t msg;
    chat_msg_t out;
    r->ctx.err_code = NULL;
    int res = chat_send_voice(&r->ctx, r->params[0], part->data, part->len, &msg, &out);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_ERR) return http_fail(r, res);
    if (res) {
        view.error = send_error(r->ctx.err_code, &view.status);
        return render_chat(r, r->params[0], &view);
    }
    return web_redirect(r, arena_printf(r->arena, "/me/chats/%lld?done=voice#send", (long long)r->params[0]));
}

/* GET /me/chats/{id}/voice/{msg}: the note's bytes for an <audio> element, members only. */
int web_chat_voice_file(req_t *r)
{
    void *data;
    size_t len;
    const char *mime;
    int res = chat_voice(&r->ctx, r->params[0], r->params[1], &data, &len, &mime);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return http_bytes(r, 200, mime, data, len, "private, no-store");
}

/* POST /me/chats/{id}/block: on=1 refuses the other side's messages, on=0 accepts them again. */
int web_chat_block(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *on = web_form_get(&f, "on");
    bool block = on && !strcmp(on, "1");
    int res = chat_block(&r->ctx, r->params[0], block);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/me/chats/%lld?done=%s", (long long)r->params[0],
                                        block ? "blocked" : "unblocked"));
}

/* ---- POST /chats/start: listing_id (to the poster) or order_id (the order's other party) ---- */

int web_chat_start(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *lid = web_form_get(&f, "listing_id"), *oid = web_form_get(&f, "order_id");
    if (!lid == !oid)
        return web_message(r, 400, "无法发起对话", "请从信息详情页或订单页点按“发消息”。", "/me/chats", "查看我的消息");
    int64_t subject = id_of(lid ? lid : oid), id;
    bool created;
    if (!subject) return web_not_found(r);
    r->ctx.err_code = NULL;
    int res = chat_open(&r->ctx, lid ? "listing" : "order", subject, &id, &created);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_INVALID)
        return web_message(r, 422, "不能给自己发消息", "这是您自己发布的信息或您自己的订单。", "/me/chats", "查看我的消息");
    if (res == LL_DENIED)
        return web_message(r, 403, "未满18周岁不能联系", "未满18周岁的用户不能联系该类别信息的发布者。", "/", "返回首页");
    if (res == LL_LIMIT)
        return web_message(r, 429, "发起对话太频繁", "一小时内最多发起 30 个新对话，请稍后再试。", "/me/chats", "查看我的消息");
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/me/chats/%lld", (long long)id));
}
