/*
 * dispute_page.c — the support staff's console for disputed orders (E6, C8):
 * the open disputes, oldest first, and per dispute a form to settle it with
 * a full refund, a partial refund (typed in yuan, kept in integer fen) or a
 * release to the merchant. The settling itself is dispute_resolve, the same
 * as the API's: provider refund with an idempotency key, balanced ledger,
 * both parties told, audited.
 *
 * What always holds: the routes require the support role (routes.c), so a
 * handler never runs for anyone else; the page shows no contact data of the
 * customer; a refusal re-renders the page with the message next to the
 * field at fault and writes nothing; success is POST-redirect-GET.
 */
#include "web/dispute_page.h"
#include "base/result.h"
#include "domain/dispute.h"
#include "domain/region.h"
#include "domain/service.h"
#include "web/form.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <string.h>

static const struct {
    const char *done, *text;
} dones[] = {
    {"refund", "已全额退款，款项将原路退回顾客；双方已收到通知。"},
    {"partial", "已部分退款，其余款项结算给商家；双方已收到通知。"},
    {"release", "已将款项结算给商家；双方已收到通知。"},
};

static const char *yuan(arena_t *a, int64_t fen)
{
    return arena_printf(a, "¥%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* "30", "30.5", "30.50" yuan into fen; -1 for anything else (a sign, a third decimal, letters, too large). */
static int64_t fen_of(const char *s)
{
    int64_t v = 0;
    int decimals = -1;
    if (!s || !*s || strlen(s) > 12) return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && decimals < 0 && p != s && p[1]) decimals = 0;
        else if (*p >= '0' && *p <= '9' && decimals < 2) v = v * 10 + (*p - '0'), decimals += decimals >= 0;
        else return -1;
    }
    for (int d = decimals < 0 ? 0 : decimals; d < 2; d++) v *= 10;
    return v;
}

/* The form's error for one dispute: which field (outcome or amount) and what to say. */
typedef struct {
    int64_t order_id;
    const char *field, *text, *outcome, *amount;
} form_error_t;

static json_t *item_json(req_t *r, const dispute_t *d, const form_error_t *err)
{
    const char *district = d->district ? region_name(r->ctx.regions, (uint32_t)d->district) : NULL;
    const svc_category_t *cat = svc_category(d->category);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)d->order_id, "number",
                          d->number, "item", d->item, "category", cat ? cat->label : d->category, "merchant",
                          d->merchant_name, "paid", yuan(r->arena, d->paid_fen), "reason", d->reason_label, "date",
                          web_date_cn(r->arena, d->disputed_at, NULL), "district", district ? district : "");
    json_object_set_new(o, "refundable", json_boolean(d->paid_fen > 0));
    if (err && err->order_id == d->order_id) {
        json_object_set_new(o, strcmp(err->field, "amount") ? "outcome_error" : "amount_error", json_string(err->text));
        if (err->amount) json_object_set_new(o, "amount", json_string(err->amount));
        if (err->outcome) json_object_set_new(o, arena_printf(r->arena, "is_%s", err->outcome), json_true());
    }
    return o;
}

static int render(req_t *r, unsigned status, const form_error_t *err)
{
    dispute_t *v;
    size_t n;
    int res = dispute_list(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, item_json(r, &v[i], err));
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:b, s:i}", "title", "订单争议处理", "csrf", web_csrf_token(r), "items",
                            items, "has_items", n > 0, "count", (int)n);
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && status == 200 && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
    if (err) json_object_set_new(ctx, "error", json_string("有内容需要修改，请查看下方标红的项目。"));
    return web_page(r, status, "disputes", ctx);
}

int web_staff_disputes(req_t *r)
{
    return render(r, 200, NULL);
}

/* The refusal in words next to the field at fault. */
static int refused(req_t *r, int res, form_error_t *e)
{
    const char *code = r->ctx.err_code ? r->ctx.err_code : "";
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_CONFLICT && !strcmp(code, "nothing_to_refund")) {
        e->field = "outcome", e->text = "这个订单没有已支付的款项可以退还，只能结算给商家。";
        return render(r, 409, e);
    }
    if (res == LL_CONFLICT) return web_message(r, 409, "争议已处理", "这个订单的争议已经处理过了。", "/staff/disputes", "返回争议列表");
    if (res != LL_INVALID) return http_fail(r, res);
    bool amount = r->ctx.err_field && !strcmp(r->ctx.err_field, "amount");
    e->field = amount ? "amount" : "outcome";
    e->text = amount ? "部分退款请填写退款金额（元，最多两位小数），不能超过实付金额。" : "请选择处理方式。";
    return render(r, 422, e);
}

int web_staff_dispute_resolve(req_t *r)
{
    web_form_t f;
    dispute_result_t out;
    if (web_form_read(r, &f)) return 0;
    const char *outcome = web_form_get(&f, "outcome"), *amount = web_form_get(&f, "amount");
    form_error_t e = {.order_id = r->params[0], .outcome = outcome, .amount = amount};
    if (outcome && strcmp(outcome, "refund") && strcmp(outcome, "partial") && strcmp(outcome, "release"))
        e.outcome = NULL;
    int64_t fen = 0;
    if (outcome && !strcmp(outcome, "partial")) {
        fen = fen_of(amount);
        if (fen <= 0) {
            e.field = "amount", e.text = "部分退款请填写退款金额（元，最多两位小数），不能超过实付金额。";
            return render(r, 422, &e);
        }
    }
    r->ctx.err_field = r->ctx.err_code = NULL;
    int res = dispute_resolve(&r->ctx, r->params[0], outcome, fen, &out);
    if (res) return refused(r, res, &e);
    return web_redirect(r, arena_printf(r->arena, "/staff/disputes?done=%s", out.outcome));
}
