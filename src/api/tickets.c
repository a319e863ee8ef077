/*
 * tickets.c — customer service tickets and complaints over the JSON API
 * (C2, H5): the person's side under /api/v1/tickets, support's under
 * /api/v1/admin/tickets (role support; every opening audited).
 */
#include "api/api.h"
#include "base/result.h"
#include "domain/ticket.h"
#include "http/multipart.h"
#include <string.h>

static json_t *ticket_json(req_t *r, const ticket_t *t)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:b}", "id", (json_int_t)t->id, "category", t->category,
                          "status", t->status, "listing_id", t->listing_id ? json_integer(t->listing_id) : json_null(),
                          "created_at", api_time(r, t->created_at), "deadline_at", api_time(r, t->deadline_at),
                          "overdue", t->overdue);
    if (t->subject) json_object_set_new(o, "subject", json_string(t->subject));
    json_object_set_new(o, "answered_at", t->answered_at ? json_string(api_time(r, t->answered_at)) : json_null());
    json_object_set_new(o, "closed_at", t->closed_at ? json_string(api_time(r, t->closed_at)) : json_null());
    return o;
}

static json_t *messages_json(req_t *r, int64_t ticket, const ticket_msg_t *m, size_t n, bool staff)
{
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)m[i].id, "from", m[i].from_staff ? "support" : "user",
                              "text", m[i].text, "created_at", api_time(r, m[i].created_at));
        json_object_set_new(o, "photo", m[i].has_photo ? json_string(arena_printf(r->arena, "/api/v1/%stickets/%lld/messages/%lld/photo",
                                                                                  staff ? "admin/" : "", (long long)ticket, (long long)m[i].id))
                                                       : json_null());
        json_array_append_new(items, o);
    }
    return items;
}

static int show(req_t *r, int64_t id, bool staff, unsigned status)
{
    ticket_t t;
    ticket_msg_t *m;
    size_t n;
    int res = ticket_get(&r->ctx, id, staff, &t, &m, &n);
    if (res) return http_fail(r, res);
    json_t *o = ticket_json(r, &t);
    json_object_set_new(o, "messages", messages_json(r, id, m, n, staff));
    return http_json(r, status, o);
}

int api_ticket_open(req_t *r)
{
    static const in_field_t spec[] = {{"category", IN_STR, true, 20}, {"subject", IN_STR, true, TICKET_SUBJECT_MAX * 4},
                                      {"text", IN_STR, true, TICKET_TEXT_MAX * 4}, {"listing_id", IN_INT_NULL, false, 0}};
    in_val_t in[4];
    int64_t id;
    if (http_input(r, spec, 4, in)) return 0;
    ticket_in_t ti = {in[0].s, in[1].s, in[2].s, in[3].present && !in[3].is_null ? in[3].i : 0};
    int res = ticket_open(&r->ctx, &ti, &id);
    if (res) return http_fail(r, res);
    return show(r, id, false, 201);
}

int api_ticket_mine(req_t *r)
{
    ticket_t *v;
    size_t n;
    int res = ticket_mine(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, ticket_json(r, &v[i]));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_ticket_get(req_t *r)
{
    return show(r, r->params[0], false, 200);
}

static int reply(req_t *r, bool staff)
{
    static const in_field_t spec[] = {{"text", IN_STR, true, TICKET_TEXT_MAX * 4}};
    in_val_t in[1];
    int64_t msg;
    if (http_input(r, spec, 1, in)) return 0;
    int res = ticket_reply(&r->ctx, r->params[0], staff, in[0].s, &msg);
    if (res) return http_fail(r, res);
    return show(r, r->params[0], staff, 201);
}

int api_ticket_reply(req_t *r)
{
    return reply(r, false);
}

int api_admin_ticket_reply(req_t *r)
{
    return reply(r, true);
}

int api_ticket_photo_add(req_t *r)
{
    multipart_t mp;
    int64_t msg;
    const multipart_part_t *part = api_one_part(r, "photo", &mp);
    if (!part) return 0;
    int res = ticket_add_photo(&r->ctx, r->params[0], part->data, part->len, &msg);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)msg, "photo",
                                       arena_printf(r->arena, "/api/v1/tickets/%lld/messages/%lld/photo",
                                                    (long long)r->params[0], (long long)msg)));
}

static int photo(req_t *r, bool staff)
{
    void *data;
    size_t len;
    int res = ticket_photo(&r->ctx, r->params[0], r->params[1], staff, &data, &len);
    if (res) return http_fail(r, res);
    return http_bytes(r, 200, "image/jpeg", data, len, "private, no-store");
}

int api_ticket_photo(req_t *r)
{
    return photo(r, false);
}

int api_admin_ticket_photo(req_t *r)
{
    return photo(r, true);
}

static int close_ticket(req_t *r, bool staff)
{
    int res = ticket_close(&r->ctx, r->params[0], staff);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "closed"));
}

int api_ticket_close(req_t *r)
{
    return close_ticket(r, false);
}

int api_admin_ticket_close(req_t *r)
{
    return close_ticket(r, true);
}

int api_admin_tickets(req_t *r)
{
    ticket_t *v;
    size_t n;
    int res = ticket_queue(&r->ctx, http_query(r, "status"), &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    size_t overdue = 0;
    for (size_t i = 0; i < n; i++) {
        overdue += v[i].overdue;
        json_array_append_new(items, ticket_json(r, &v[i]));
    }
    return http_json(r, 200, json_pack("{s:o, s:I}", "items", items, "overdue", (json_int_t)overdue));
}

int api_admin_ticket(req_t *r)
{
    return show(r, r->params[0], true, 200);
}
