/*
 * reviews.c — reviews of completed orders over the JSON API (C9): the
 * customer's review and photos under /api/v1/orders/{id}/review, the
 * merchant's reply, and the public list on a service.
 */
#include "api/api.h"
#include "base/result.h"
#include "domain/review.h"
#include "http/multipart.h"
#include <errno.h>
#include <stdlib.h>

static json_t *review_json(req_t *r, const review_t *v)
{
    json_t *photos = json_array();
    for (size_t i = 0; i < v->nphotos; i++)
        json_array_append_new(photos, json_string(arena_printf(r->arena, "/api/v1/reviews/%lld/photos/%lld",
                                                               (long long)v->id, (long long)v->photos[i])));
    json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)v->id, "service_id",
                          (json_int_t)v->service_id, "rating", (json_int_t)v->rating, "reviewer", v->reviewer, "text",
                          v->text, "photos", photos, "created_at", api_time(r, v->created_at));
    json_object_set_new(o, "edited_at", v->edited_at ? json_string(api_time(r, v->edited_at)) : json_null());
    json_object_set_new(o, "reply", v->reply ? json_pack("{s:s, s:s}", "text", v->reply, "at", api_time(r, v->replied_at))
                                             : json_null());
    return o;
}

static int show(req_t *r, int64_t order_id, unsigned status)
{
    review_t v;
    int res = review_of_order(&r->ctx, order_id, &v);
    if (res) return http_fail(r, res);
    json_t *o = review_json(r, &v);
    json_object_set_new(o, "order_id", json_integer(v.order_id));
    return http_json(r, status, o);
}

int api_order_review(req_t *r)
{
    static const in_field_t spec[] = {{"rating", IN_INT, true, 5}, {"text", IN_STR, true, REVIEW_TEXT_MAX * 4}};
    in_val_t in[2];
    int64_t id;
    if (http_input(r, spec, 2, in)) return 0;
    int res = review_create(&r->ctx, r->params[0], in[0].i, in[1].s, &id);
    if (res) return http_fail(r, res);
    return show(r, r->params[0], 201);
}

int api_order_review_get(req_t *r)
{
    return show(r, r->params[0], 200);
}

int api_order_review_photo(req_t *r)
{
    multipart_t mp;
    int64_t id;
    const multipart_part_t *part = api_one_part(r, "photo", &mp);
    if (!part) return 0;
    int res = review_add_photo(&r->ctx, r->params[0], part->data, part->len, &id);
    if (res) return http_fail(r, res);
    return show(r, r->params[0], 201);
}

int api_review_reply(req_t *r)
{
    static const in_field_t spec[] = {{"text", IN_STR, true, REVIEW_REPLY_MAX * 4}};
    in_val_t in[1];
    if (http_input(r, spec, 1, in)) return 0;
    int res = review_reply(&r->ctx, r->params[0], in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->params[0], "status", "replied"));
}

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

int api_service_reviews(req_t *r)
{
    int64_t limit, before, next;
    review_t *v;
    size_t n;
    if (query_num(r, "limit", 1, REVIEW_PAGE_MAX, 20, &limit) || query_num(r, "before", 1, INT64_MAX, INT64_MAX, &before))
        return 0;
    int res = review_list(&r->ctx, r->params[0], before, (int)limit, &v, &n, &next);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, review_json(r, &v[i]));
    return http_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor",
                                       next ? json_string(arena_printf(r->arena, "%lld", (long long)next)) : json_null()));
}

int api_review_photo(req_t *r)
{
    void *data;
    size_t len;
    int res = review_photo(&r->ctx, r->params[0], r->params[1], &data, &len);
    if (res) return http_fail(r, res);
    /* public, but short-lived in caches: a review erased with its account should vanish soon */
    return http_bytes(r, 200, "image/jpeg", data, len, "public, max-age=300");
}

/* The reviewer changes the rating and/or the text: {"rating": 1..5, "text": "..."}. */
int api_review_patch(req_t *r)
{
    static const in_field_t spec[] = {{"rating", IN_INT, false, 5}, {"text", IN_STR, false, REVIEW_TEXT_MAX * 4}};
    in_val_t in[2] = {{0}};
    review_t v;
    if (http_input(r, spec, 2, in)) return 0;
    if (in[0].present && in[0].i < 1) return http_error(r, "invalid_field", "rating");
    int res = review_edit(&r->ctx, r->params[0], in[0].present ? in[0].i : 0, in[1].present ? in[1].s : NULL);
    if (res || (res = review_by_id(&r->ctx, r->params[0], &v))) return http_fail(r, res);
    json_t *o = review_json(r, &v);
    json_object_set_new(o, "order_id", json_integer(v.order_id));
    return http_json(r, 200, o);
}

int api_review_delete(req_t *r)
{
    int res = review_delete(&r->ctx, r->params[0]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->params[0], "status", "deleted"));
}
