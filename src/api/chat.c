/*
 * chat.c — 微聊 over the JSON API (C10): conversations, text and voice
 * messages, read receipts, blocks, reports; the moderators' report queue.
 * Cursors are opaque to clients: "<last_at>.<id>" for conversations, a
 * message id for messages.
 */
#include "api/api.h"
#include "base/result.h"
#include "domain/chat.h"
#include "http/multipart.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole number from the query string within [lo, hi], default def; -1 (response sent) when malformed. */
static int query_num(req_t *r, const char *name, long long lo, long long hi, long long def, int64_t *out)
{
    const char *s = http_query(r, name);
    char *end;
    *out = def;
    if (!s || !*s) return 0;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return http_error(r, "invalid_field", name), -1;
    *out = v;
    return 0;
}

static json_t *conv_json(req_t *r, const chat_conv_t *v)
{
    return json_pack("{s:I, s:{s:s, s:I, s:o}, s:s, s:{s:b, s:I}, s:s, s:I, s:I, s:b, s:b}", "id", (json_int_t)v->id,
                     "subject", "kind", v->subject_kind, "id", (json_int_t)v->subject_id, "title",
                     v->title ? json_string(v->title) : json_null(), "role", v->role, "peer", "gone", v->peer_gone,
                     "read_upto", (json_int_t)v->peer_read_upto, "last_at", api_time(r, v->last_at), "read_upto",
                     (json_int_t)v->read_upto, "unread", (json_int_t)v->unread, "blocked", v->blocked_by_me,
                     "blocked_by_peer", v->blocked_by_peer);
}

static json_t *msg_json(req_t *r, const chat_msg_t *m)
{
    json_t *o = json_pack("{s:I, s:s, s:b, s:s, s:b, s:b, s:s}", "id", (json_int_t)m->id, "kind", m->kind, "mine",
                          m->mine, "text", m->text, "masked", m->masked, "shared", m->shared, "created_at",
                          api_time(r, m->created_at));
    if (m->mine) json_object_set_new(o, "read", json_boolean(m->read_by_peer));
    if (!strcmp(m->kind, "voice"))
        json_object_set_new(o, "voice", json_pack("{s:s, s:I}", "type", m->audio_type ? m->audio_type : "",
                                                   "duration_ms", (json_int_t)m->duration_ms));
    return o;
}

int api_chat_open(req_t *r)
{
    static const in_field_t spec[] = {{"subject_kind", IN_STR, true, 20}, {"subject_id", IN_INT, true, 0},
                                      {"text", IN_STR, false, CHAT_TEXT_MAX * 4}};
    in_val_t in[3];
    int64_t id, msg_id;
    bool created, shared;
    if (http_input(r, spec, 3, in)) return 0;
    int res = chat_open(&r->ctx, in[0].s, in[1].i, &id, &created);
    if (res == LL_OK && in[2].present) res = chat_send_text(&r->ctx, id, in[2].s, false, &msg_id, &shared);
    if (res) return http_fail(r, res);
    chat_conv_t v;
    if ((res = chat_get(&r->ctx, id, &v))) return http_fail(r, res);
    return http_json(r, created ? 201 : 200, conv_json(r, &v));
}

int api_chat_list(req_t *r)
{
    int64_t limit, at = INT64_MAX, id = INT64_MAX;
    const char *cursor = http_query(r, "cursor");
    if (query_num(r, "limit", 1, CHAT_PAGE_MAX, 20, &limit)) return 0;
    if (cursor) {
        long long a, b;
        char tail;
        if (sscanf(cursor, "%lld.%lld%c", &a, &b, &tail) != 2 || a < 0 || b < 0)
            return http_error(r, "invalid_field", "cursor");
        at = a, id = b;
    }
    chat_conv_t *v;
    size_t n;
    bool more;
    int res = chat_list(&r->ctx, at, id, (int)limit, &v, &n, &more);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, conv_json(r, &v[i]));
    const char *next = more ? arena_printf(r->arena, "%lld.%lld", (long long)v[n - 1].last_at, (long long)v[n - 1].id) : NULL;
    return http_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next ? json_string(next) : json_null()));
}

int api_chat_get(req_t *r)
{
    chat_conv_t v;
    int res = chat_get(&r->ctx, r->params[0], &v);
    if (res) return http_fail(r, res);
    return http_json(r, 200, conv_json(r, &v));
}

int api_chat_messages(req_t *r)
{
    int64_t before, after, limit;
    if (query_num(r, "before", 1, INT64_MAX, 0, &before) || query_num(r, "after", 0, INT64_MAX, 0, &after) ||
        query_num(r, "limit", 1, CHAT_PAGE_MAX, 30, &limit))
        return 0;
    if (before && after) return http_error(r, "invalid_field", "after");
    chat_msg_t *v;
    size_t n;
    bool more;
    int res = chat_messages(&r->ctx, r->params[0], before, after, (int)limit, &v, &n, &more);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, msg_json(r, &v[i]));
    json_t *next = more && !after ? json_sprintf("%lld", (long long)v[n - 1].id) : json_null();
    return http_json(r, 200, json_pack("{s:o, s:o, s:b}", "items", items, "next_cursor", next, "more", more));
}

int api_chat_send(req_t *r)
{
    static const in_field_t spec[] = {{"text", IN_STR, true, CHAT_TEXT_MAX * 4}, {"share_contact", IN_BOOL, false, 0}};
    in_val_t in[2];
    int64_t msg_id;
    bool shared;
    if (http_input(r, spec, 2, in)) return 0;
    int res = chat_send_text(&r->ctx, r->params[0], in[0].s, in[1].present && in[1].b, &msg_id, &shared);
    if (res) return http_fail(r, res);
    chat_msg_t m = {.id = msg_id, .kind = "text", .text = in[0].s, .mine = true, .shared = shared,
                    .created_at = r->ctx.now};
    return http_json(r, 201, msg_json(r, &m));
}

int api_chat_voice_add(req_t *r)
{
    multipart_t mp;
    const multipart_part_t *part = api_one_part(r, "audio", &mp); /* exactly one */
    if (!part) return 0;
    int64_t msg_id;
    chat_msg_t m;
    int res = chat_send_voice(&r->ctx, r->params[0], part->data, part->len, &msg_id, &m);
    if (res) return http_fail(r, res);
    return http_json(r, 201, msg_json(r, &m));
}

int api_chat_voice_get(req_t *r)
{
    void *data;
    size_t len;
    const char *mime;
    int res = chat_voice(&r->ctx, r->params[0], r->params[1], &data, &len, &mime);
    if (res) return http_fail(r, res);
    return http_bytes(r, 200, mime, data, len, "private, no-store");
}

int api_chat_read(req_t *r)
{
    static const in_field_t spec[] = {{"up_to", IN_INT, false, 0}};
    in_val_t in[1];
    int64_t upto;
    if (http_input(r, spec, 1, in)) return 0;
    int res = chat_mark_read(&r->ctx, r->params[0], in[0].present ? in[0].i : 0, &upto);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:I}", "read_upto", (json_int_t)upto));
}

static int block(req_t *r, bool on)
{
    int res = chat_block(&r->ctx, r->params[0], on);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:b}", "blocked", on));
}

int api_chat_block(req_t *r)
{
    return block(r, true);
}

int api_chat_unblock(req_t *r)
{
    return block(r, false);
}

int api_chat_report(req_t *r)
{
    static const in_field_t spec[] = {{"reason", IN_STR, true, 20}};
    in_val_t in[1];
    if (http_input(r, spec, 1, in)) return 0;
    int res = chat_report(&r->ctx, r->params[0], in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:s, s:b}", "status", "reported", "blocked", 1));
}

int api_admin_chat_reports(req_t *r)
{
    chat_report_t *v;
    size_t n;
    int res = chat_reports(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)v[i].id, "conversation",
                                               (json_int_t)v[i].conversation_id, "reason", v[i].reason, "at",
                                               api_time(r, v[i].at)));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_admin_chat_report(req_t *r)
{
    chat_msg_t *v;
    size_t n;
    int res = chat_report_messages(&r->ctx, r->params[0], &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, msg_json(r, &v[i]));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}
