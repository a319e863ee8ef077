/*
 * orders_page.c — home-service orders as pages (C8, C5, C9, E6): the
 * customer's list (/me/orders), the merchant's incoming orders
 * (/merchant/orders), one order at /orders/{id} as either party sees it,
 * its moves (pay, accept, start, complete, cancel, dispute), the review with
 * a photo, and the way back from the payment provider's cashier.
 *
 * What always holds: the order page renders order_view's result and nothing
 * else, so the merchant sees the district and time before acceptance, the
 * phone and street address from paid+accepted on (each view audited by the
 * domain, the first recorded as a share), and masked values order_contact_days
 * after completion. Anyone who is not a party gets the 404 page for the order
 * and for every action on it, and nothing is written. Paying leaves for the
 * provider's page (pay_start's URL); the order becomes paid only by the
 * provider's signed callback, never by coming back.
 */
#include "base/conf.h"
#include "base/result.h"
#include "domain/merchant.h"
#include "domain/order.h"
#include "domain/payment.h"
#include "domain/review.h"
#include "domain/service.h"
#include "http/multipart.h"
#include "http/server.h"
#include "web/form.h"
#include "web/hs_pages.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <stdlib.h>
#include <string.h>

static const web_hs_done_t dones[] = {
    {"created", "订单已提交。支付后商家才会收到订单。"},
    {"returned", "已从支付页面返回。"},
    {"accept", "已接单。请按约定时间上门服务。"},
    {"start", "已开始服务。"},
    {"complete", "服务已完成。"},
    {"cancel", "订单已取消；已支付的款项会原路退回。"},
    {"dispute", "已申请客服介入，客服会尽快联系双方。"},
    {"reviewed", "评价已发布，谢谢！"},
    {"photo", "照片已添加到评价。"},
    {NULL, NULL},
};

/* ---- lists ---- */

static json_t *order_item(req_t *r, const order_t *o)
{
    bool cancellable = o->is_customer && (!strcmp(o->status, "created") || !strcmp(o->status, "paid") ||
                                          !strcmp(o->status, "accepted"));
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)o->id, "number",
                     o->number, "item", o->item, "status", o->status, "status_text", web_hs_status_text(o->status),
                     "when", web_hs_when(r->arena, o->slot_at), "place", web_hs_place(r, o->city, o->district),
                     "amount", web_hs_yuan(r->arena, o->amount_fen), "merchant",
                     o->merchant_name ? o->merchant_name : "", "can_cancel", cancellable, "refund",
                     cancellable && strcmp(o->status, "created"));
}

static int render_list(req_t *r, bool merchant)
{
    order_t *v;
    size_t n;
    int res = order_list(&r->ctx, merchant, &v, &n);
    if (res == LL_NOTFOUND && merchant) return web_redirect(r, "/merchant"); /* not a merchant (yet) */
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, order_item(r, &v[i]));
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:b, s:b}", "title", merchant ? "收到的订单" : "我的订单", "csrf",
                            web_csrf_token(r), "orders", items, "has_orders", n > 0, "merchant", merchant);
    merchant_t m;
    if (!merchant && merchant_mine(&r->ctx, &m) == LL_OK && !strcmp(m.status, "approved"))
        json_object_set_new(ctx, "is_merchant", json_true());
    return web_page(r, 200, "orders", ctx);
}

int web_my_orders(req_t *r)
{
    return render_list(r, false);
}

int web_merchant_orders(req_t *r)
{
    return render_list(r, true);
}

/* ---- one order ---- */

typedef struct {
    const char *error;        /* above the actions */
    const char *review_field; /* "rating", "text" or "photo" */
    const char *review_error;
} order_msgs_t;

static json_t *times_json(req_t *r, const order_t *o)
{
    const struct {
        const char *label;
        int64_t at;
    } t[] = {{"下单时间", o->created_at}, {"支付时间", o->paid_at},     {"接单时间", o->accepted_at},
             {"开始服务", o->started_at}, {"完成时间", o->completed_at}, {"结束时间", o->closed_at}};
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].at)
            json_array_append_new(a, json_pack("{s:s, s:s}", "label", t[i].label, "value", web_hs_when(r->arena, t[i].at)));
    return a;
}

/* One move button: the action, its label, whether it is a warning (red), and what it means. */
static json_t *move_json(const char *move, const char *label, bool danger, const char *explain)
{
    return json_pack("{s:s, s:s, s:b, s:s}", "move", move, "label", label, "danger", danger, "explain", explain);
}

static json_t *moves_json(const order_t *o)
{
    const char *s = o->status;
    json_t *a = json_array();
    if (o->is_customer) {
        if (!strcmp(s, "created")) json_array_append_new(a, move_json("cancel", "取消订单", true, "订单尚未支付，取消后不会产生费用。"));
        if (!strcmp(s, "paid") || !strcmp(s, "accepted"))
            json_array_append_new(a, move_json("cancel", "取消订单并退款", true, "服务开始前可以取消，已支付的款项原路退回。"));
        if (!strcmp(s, "in_service") || !strcmp(s, "completed"))
            json_array_append_new(a, move_json("dispute", "申请客服介入", false, "对服务有异议时，客服会联系双方协调处理。"));
        return a;
    }
    if (!strcmp(s, "paid")) json_array_append_new(a, move_json("accept", "接单", false, "接单后可以看到顾客的电话和详细地址。"));
    if (!strcmp(s, "accepted")) json_array_append_new(a, move_json("start", "开始服务", false, "到达顾客处开始服务时点按。"));
    if (!strcmp(s, "in_service")) json_array_append_new(a, move_json("complete", "完成服务", false, "服务完成后点按，顾客随后可以评价。"));
    if (!strcmp(s, "paid") || !strcmp(s, "accepted"))
        json_array_append_new(a, move_json("cancel", "拒单并退款", true, "无法提供服务时拒单，顾客的款项原路退回。"));
    return a;
}

/* What the page says about the customer's phone and address, by the domain's decision (C8, E6). */
static void contact_ctx(req_t *r, const order_t *o, json_t *ctx)
{
    int days = r->ctx.conf->order_contact_days;
    const char *why;
    if (o->is_customer)
        why = "您的电话和详细地址在您支付且商家接单后才向商家显示，服务完成后商家只能再查看有限天数。";
    else if (o->contact == ORDER_CONTACT_HIDDEN)
        why = "顾客支付且您接单后，才能看到顾客的电话和详细地址。在此之前只显示区县和预约时间。";
    else if (o->contact == ORDER_CONTACT_SHOWN)
        why = arena_printf(r->arena, "顾客的电话和地址只用于完成本次服务或处理争议。每次查看都会记录，顾客可以看到；服务完成 %d 天后将不再显示。", days);
    else
        why = arena_printf(r->arena, "服务已完成超过 %d 天，顾客的电话和地址已隐藏。", days);
    json_object_set_new(ctx, "contact_why", json_string(why));
    json_object_set_new(ctx, "contact", json_string(o->contact == ORDER_CONTACT_SHOWN    ? "shown"
                                                    : o->contact == ORDER_CONTACT_MASKED ? "masked"
                                                                                         : "hidden"));
    if (o->address) json_object_set_new(ctx, "address", json_string(o->address));
    if (o->phone) json_object_set_new(ctx, "phone", json_string(o->phone));
    if (o->phone && o->contact == ORDER_CONTACT_SHOWN) json_object_set_new(ctx, "phone_tel", json_true());
}

static void review_ctx(req_t *r, const order_t *o, json_t *ctx, const order_msgs_t *m)
{
    review_t v;
    if (!strcmp(o->status, "completed") && o->is_customer) {
        json_object_set_new(ctx, "can_review", json_true());
        json_t *stars = json_array();
        for (int i = 5; i >= 1; i--) json_array_append_new(stars, json_pack("{s:i, s:b}", "n", i, "top", i == 5));
        json_object_set_new(ctx, "stars", stars);
    }
    if (review_of_order(&r->ctx, o->id, &v) == LL_OK) {
        json_t *photos = json_array();
        for (size_t i = 0; i < v.nphotos; i++)
            json_array_append_new(photos, json_pack("{s:s, s:i}", "url",
                                                    arena_printf(r->arena, "/api/v1/reviews/%lld/photos/%lld",
                                                                 (long long)v.id, (long long)v.photos[i]),
                                                    "n", (int)i + 1));
        json_object_set_new(ctx, "review", json_pack("{s:I, s:s, s:o, s:b}", "rating", (json_int_t)v.rating, "text",
                                                     v.text, "photos", photos, "has_photos", v.nphotos > 0));
        if (o->is_customer && v.nphotos < REVIEW_PHOTOS_MAX) {
            json_object_set_new(ctx, "can_add_photo", json_true());
            json_object_set_new(ctx, "photos_left", json_integer(REVIEW_PHOTOS_MAX - (int)v.nphotos));
        }
    }
    if (m && m->review_error)
        json_object_set_new(ctx, arena_printf(r->arena, "review_%s_error", m->review_field ? m->review_field : "form"),
                            json_string(m->review_error));
}

static int render_order(req_t *r, unsigned status, const order_t *o, const order_msgs_t *m)
{
    const svc_category_t *cat = svc_category(o->category);
    json_t *ctx = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "title",
                            arena_printf(r->arena, "订单 %s", o->number), "id", (json_int_t)o->id, "number", o->number,
                            "item", o->item, "category", cat ? cat->label : o->category, "status", o->status,
                            "status_text", web_hs_status_text(o->status), "when", web_hs_when(r->arena, o->slot_at),
                            "place", web_hs_place(r, o->city, o->district), "amount",
                            web_hs_yuan(r->arena, o->amount_fen), "csrf", web_csrf_token(r), "times",
                            times_json(r, o), "moves", moves_json(o), "customer", o->is_customer);
    json_object_set_new(ctx, "merchant", json_string(o->merchant_name ? o->merchant_name : ""));
    json_object_set_new(ctx, "service_url",
                        json_string(arena_printf(r->arena, "/services/%lld", (long long)o->service_id)));
    json_object_set_new(ctx, "can_pay", json_boolean(o->is_customer && !strcmp(o->status, "created")));
    json_object_set_new(ctx, "list_url", json_string(o->is_customer ? "/me/orders" : "/merchant/orders"));
    contact_ctx(r, o, ctx);
    review_ctx(r, o, ctx, m);
    if (status == 200) web_hs_set_done(r, ctx, dones);
    const char *done = http_query(r, "done");
    if (done && !strcmp(done, "returned") && !strcmp(o->status, "created") && o->is_customer)
        json_object_set_new(ctx, "awaiting_payment", json_true());
    if (m && m->error) json_object_set_new(ctx, "error", json_string(m->error));
    return web_page(r, status, "order", ctx);
}

/* The caller's view of the order in the path, or the 404 page. */
static int view(req_t *r, order_t *o)
{
    int res = order_view(&r->ctx, r->params[0], o);
    if (res == LL_NOTFOUND) return web_not_found(r), -1;
    if (res) return http_fail(r, res), -1;
    return 0;
}

int web_order(req_t *r)
{
    order_t o;
    if (view(r, &o)) return 0;
    return render_order(r, 200, &o, NULL);
}

/* ---- actions ---- */

int web_order_pay(req_t *r)
{
    web_form_t f;
    order_t o;
    const char *url, *trade_no;
    if (web_form_read(r, &f)) return 0;
    r->ctx.err_code = NULL;
    int res = pay_start(&r->ctx, r->params[0], &url, &trade_no);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_OK && (web_local_path(url) || !strncmp(url, "https://", 8) || !strncmp(url, "http://", 7)))
        return web_redirect(r, url);
    if (res == LL_OK || (r->ctx.err_code && !strcmp(r->ctx.err_code, "payment_off")))
        return web_message(r, 503, "暂时无法支付", "支付服务暂时不可用，请稍后再试。订单会保留，您可以稍后在“我的订单”中继续支付。",
                           "/me/orders", "查看我的订单");
    if (res != LL_DENIED && res != LL_CONFLICT) return http_fail(r, res);
    if (view(r, &o)) return 0;
    return render_order(r, res == LL_DENIED ? 403 : 409, &o,
                        &(order_msgs_t){.error = res == LL_DENIED ? "只有下单的顾客可以支付这个订单。" : "这个订单现在不能支付（可能已经支付或已取消）。"});
}

int web_order_move(req_t *r)
{
    web_form_t f;
    order_t o;
    const char *status;
    if (web_form_read(r, &f)) return 0;
    const char *move = web_form_get(&f, "move");
    static const char *const known[] = {"accept", "start", "complete", "cancel", "dispute"};
    bool ok = false;
    for (size_t i = 0; move && i < sizeof known / sizeof known[0]; i++) ok |= !strcmp(move, known[i]);
    r->ctx.err_code = NULL;
    int res = ok ? order_move(&r->ctx, r->params[0], move, &status) : LL_INVALID;
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_OK) return web_redirect(r, arena_printf(r->arena, "/orders/%lld?done=%s", (long long)r->params[0], move));
    if (res != LL_DENIED && res != LL_CONFLICT && res != LL_INVALID) return http_fail(r, res);
    if (view(r, &o)) return 0;
    const char *why = res == LL_DENIED    ? "这个操作应由订单的另一方完成。"
                      : res == LL_INVALID ? "请选择要进行的操作。"
                                          : "订单状态已经变化，这个操作现在不能进行。请查看订单的最新状态。";
    return render_order(r, res == LL_DENIED ? 403 : res == LL_INVALID ? 400 : 409, &o, &(order_msgs_t){.error = why});
}

/* A short multipart part as text, CRLF made LF (a <textarea> sends CRLF; the domain refuses CR). */
static const char *part_text(arena_t *a, const multipart_t *mp, const char *name, size_t max)
{
    const multipart_part_t *p = multipart_find(mp, name);
    if (!p || p->is_file || p->len > max || memchr(p->data, '\0', p->len) || multipart_count(mp, name) > 1) return NULL;
    char *s = arena_alloc(a, p->len + 1), *o = s;
    for (size_t i = 0; i < p->len; i++)
        if (p->data[i] != '\r') *o++ = (char)p->data[i];
    *o = '\0';
    return s;
}

/* The multipart form with its CSRF part checked; NULL when refused (the page is sent). */
static const multipart_t *upload_form(req_t *r, multipart_t *mp)
{
    int rc = multipart_parse(http_req_header(r, "Content-Type"), r->body, r->body_len, mp);
    if (rc || !web_csrf_value_ok(r, part_text(r->arena, mp, "csrf", 128)))
        return web_message(r, rc ? 400 : 403, "页面已过期", "提交没有生效：页面已过期或内容无法识别。请返回订单页面刷新后重新提交。",
                           "/me/orders", "查看我的订单"),
               NULL;
    return mp;
}

/* Adds the photo part, if one was chosen; 0, or the refusal's message in *err. */
static int add_photo(req_t *r, const multipart_t *mp, const char **err)
{
    const multipart_part_t *part = multipart_find(mp, "photo");
    int64_t pid;
    *err = NULL;
    if (!part || !part->len) return 0;
    if (multipart_count(mp, "photo") > 1) return *err = "每次请只选择一张照片。", LL_INVALID;
    r->ctx.err_code = NULL;
    int res = review_add_photo(&r->ctx, r->params[0], part->data, part->len, &pid);
    if (res == LL_CONFLICT) *err = "每条评价最多 9 张照片。";
    else if (res == LL_INVALID) *err = web_photo_refusal(r->ctx.err_code, "照片没有上传成功，请换一张照片再试。");
    return res;
}

/* POST /orders/{id}/review: rating, text and an optional photo in one multipart form (C9). */
int web_order_review(req_t *r)
{
    multipart_t mp;
    order_t o;
    int64_t rid;
    const char *err;
    if (!upload_form(r, &mp) || view(r, &o)) return 0;
    const char *rating = part_text(r->arena, &mp, "rating", 2), *text = part_text(r->arena, &mp, "text", REVIEW_TEXT_MAX * 4);
    int stars = rating && strlen(rating) == 1 ? atoi(rating) : 0;
    if (stars < 1 || stars > 5)
        return render_order(r, 422, &o, &(order_msgs_t){.review_field = "rating", .review_error = "请选择 1 到 5 星的评分。"});
    r->ctx.err_code = r->ctx.err_field = NULL;
    int res = review_create(&r->ctx, o.id, stars, text ? text : "", &rid);
    if (res == LL_INVALID)
        return render_order(r, 422, &o, &(order_msgs_t){.review_field = "text", .review_error = "评价内容须为 1 到 500 个字。"});
    if (res == LL_CONFLICT || res == LL_DENIED)
        return render_order(r, res == LL_DENIED ? 403 : 409, &o,
                            &(order_msgs_t){.error = res == LL_DENIED ? "只有下单的顾客可以评价。" : "这个订单已经评价过，或还没有完成。"});
    if (res) return http_fail(r, res);
    res = add_photo(r, &mp, &err);
    if (res && err) { /* the review stands; the photo can be added again below it */
        if (view(r, &o)) return 0;
        return render_order(r, 422, &o, &(order_msgs_t){.review_field = "photo", .review_error = err});
    }
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/orders/%lld?done=reviewed#review", (long long)o.id));
}

int web_order_review_photo(req_t *r)
{
    multipart_t mp;
    order_t o;
    const char *err;
    if (!upload_form(r, &mp) || view(r, &o)) return 0;
    const multipart_part_t *part = multipart_find(&mp, "photo");
    if (!part || !part->len)
        return render_order(r, 400, &o, &(order_msgs_t){.review_field = "photo", .review_error = "请先选择一张照片。"});
    int res = add_photo(r, &mp, &err);
    if (res == LL_NOTFOUND) return web_not_found(r); /* no review of the caller's on this order */
    if (res == LL_DENIED) /* the merchant: a party, so the order's page with the reason, not the API's JSON */
        return render_order(r, 403, &o, &(order_msgs_t){.error = "只有下单的顾客可以为评价添加照片。"});
    if (res && err) return render_order(r, 422, &o, &(order_msgs_t){.review_field = "photo", .review_error = err});
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/orders/%lld?done=photo#review", (long long)o.id));
}

/*
 * GET /pay/return?order_no=…: where the provider's cashier sends the payer back. It changes nothing (only
 * the signed callback does); it finds the caller's own service order, or the membership page for a
 * membership order's number ("VIP…"); anything else is the 404 page.
 */
int web_pay_return(req_t *r)
{
    const char *no = http_query(r, "order_no");
    order_t o;
    if (!no || strlen(no) > 32) return web_not_found(r);
    if (order_by_number(&r->ctx, no, &o) == LL_OK && o.customer_id && o.customer_id == r->ctx.user_id)
        return web_redirect(r, arena_printf(r->arena, "/orders/%lld?done=returned", (long long)o.id));
    if (!strncmp(no, "VIP", 3)) return web_redirect(r, "/me/membership?done=returned");
    return web_not_found(r);
}
