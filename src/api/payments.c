/* payments.c — paying an order, the sandbox provider's pages and its signed callback (C5). */
#include "api/api.h"
#include "base/result.h"
#include "domain/payment.h"
#include "domain/paysandbox.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_order_pay(req_t *r)
{
    const char *url, *trade_no;
    int res = pay_start(&r->ctx, r->params[0], &url, &trade_no);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s, s:s, s:s}", "provider", pay_sandbox.name, "payment_url", url, "trade_no",
                                       trade_no));
}

/* The provider's acknowledgement is the 200; anything else makes it deliver again later. */
int api_pay_sandbox_callback(req_t *r)
{
    const char *sig = http_req_header(r, "X-Sandbox-Signature");
    int res = pay_callback(&r->ctx, &pay_sandbox, r->body ? r->body : "", r->body_len, sig);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static const char *html_escape(req_t *r, const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++) n += strchr("<>&\"'", *p) ? 6 : 1;
    char *out = arena_alloc(r->arena, n + 1), *o = out;
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '<': o = stpcpy(o, "&lt;"); break;
        case '>': o = stpcpy(o, "&gt;"); break;
        case '&': o = stpcpy(o, "&amp;"); break;
        case '"': o = stpcpy(o, "&quot;"); break;
        case '\'': o = stpcpy(o, "&#39;"); break;
        default: *o++ = *p;
        }
    }
    *o = 0;
    return out;
}

/* The sandbox's own page, as a provider's cashier would show it: what is paid, how much, one button. */
static int page(req_t *r, const sandbox_trade_t *t, const char *note)
{
    const char *form = strcmp(t->status, "waiting")
                           ? ""
                           : arena_printf(r->arena, "<form method=\"post\" action=\"/sandbox/pay/%lld/confirm\">"
                                                    "<button type=\"submit\">确认支付</button></form>",
                                          (long long)t->id);
    const char *html = arena_printf(
        r->arena,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\"><title>支付沙箱</title></head><body><h1>支付沙箱</h1>"
        "<p>这是邻里内置的测试支付服务，不会产生真实扣款。</p><dl><dt>商品</dt><dd id=\"item\">%s</dd><dt>订单号</dt>"
        "<dd id=\"order\">%s</dd><dt>金额</dt><dd id=\"amount\">¥%lld.%02lld</dd><dt>状态</dt><dd id=\"status\">%s</dd>"
        "</dl>%s%s</body></html>",
        html_escape(r, t->item), html_escape(r, t->order_no), (long long)(t->amount_fen / 100),
        (long long)(t->amount_fen % 100), t->status, note, form);
    return http_html(r, 200, html, strlen(html));
}

int api_sandbox_page(req_t *r)
{
    sandbox_trade_t t;
    int res = sandbox_trade(&r->ctx, r->params[0], &t);
    if (res) return http_fail(r, res);
    return page(r, &t, "");
}

int api_sandbox_confirm(req_t *r)
{
    sandbox_trade_t t;
    int res = sandbox_confirm(&r->ctx, r->params[0]);
    if (res || (res = sandbox_trade(&r->ctx, r->params[0], &t))) return http_fail(r, res);
    return page(r, &t, "<p>支付成功，商户将收到异步通知。</p>");
}
