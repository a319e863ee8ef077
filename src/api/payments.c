/*
 * payments.c — paying an order, the providers' signed callbacks and the
 * sandbox provider's cashier pages (C5). Only the provider the setting
 * pay_provider chooses answers; the others' routes are 404, so a deployment
 * on a real provider has no sandbox that could mark a payment paid. The
 * cashier's confirm form carries the site's CSRF token (web/form.h) like every
 * other form, so a page elsewhere cannot make a signed-in payer pay.
 */
#include "api/api.h"
#include "base/conf.h"
#include "base/result.h"
#include "domain/payhttp.h"
#include "domain/payment.h"
#include "domain/paysandbox.h"
#include "web/form.h"
#include "web/web.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_order_pay(req_t *r)
{
    const char *url, *trade_no;
    int res = pay_start(&r->ctx, r->params[0], &url, &trade_no);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s, s:s, s:s}", "provider", pay_current(r->ctx.conf)->name, "payment_url",
                                       url, "trade_no", trade_no));
}

static bool chosen(req_t *r, const pay_provider_t *pv)
{
    return pay_current(r->ctx.conf) == pv;
}

/* The provider's acknowledgement is the 200; anything else makes it deliver again later. */
static int callback(req_t *r, const pay_provider_t *pv, const char *sig_header)
{
    if (!chosen(r, pv)) return http_error(r, "not_found", NULL);
    const char *sig = http_req_header(r, sig_header);
    int res = pay_callback(&r->ctx, pv, r->body ? r->body : "", r->body_len, sig);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

int api_pay_sandbox_callback(req_t *r)
{
    return callback(r, &pay_sandbox, "X-Sandbox-Signature");
}

int api_pay_http_callback(req_t *r)
{
    return callback(r, &pay_http, PAY_HTTP_SIG_HEADER);
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

/* The sandbox's own page, as a provider's cashier would show it: what is paid, how much, one button, and
 * the way back to the merchant's site (a real provider's return address; it changes nothing there). */
static int page(req_t *r, const sandbox_trade_t *t, const char *note)
{
    const char *form = strcmp(t->status, "waiting")
                           ? ""
                           : arena_printf(r->arena, "<form method=\"post\" action=\"/sandbox/pay/%s\">"
                                                    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                                                    "<button type=\"submit\">确认支付</button></form>",
                                          t->trade_no, web_csrf_token(r)); /* [A-Za-z0-9_-] only: nothing to escape */
    const char *html = arena_printf(
        r->arena,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\"><title>支付沙箱</title></head><body><h1>支付沙箱</h1>"
        "<p>这是邻里内置的测试支付服务，不会产生真实扣款。</p><dl><dt>商品</dt><dd id=\"item\">%s</dd><dt>订单号</dt>"
        "<dd id=\"order\">%s</dd><dt>金额</dt><dd id=\"amount\">¥%lld.%02lld</dd><dt>状态</dt><dd id=\"status\">%s</dd>"
        "</dl>%s%s<p><a id=\"return\" href=\"/pay/return?order_no=%s\">%s</a></p></body></html>",
        html_escape(r, t->item), html_escape(r, t->order_no), (long long)(t->amount_fen / 100),
        (long long)(t->amount_fen % 100), t->status, note, form, html_escape(r, t->order_no),
        strcmp(t->status, "waiting") ? "返回商户" : "暂不支付，返回商户");
    return http_html(r, 200, html, strlen(html));
}

/* The trade in the path, if the sandbox is the provider and the signed-in caller is its payer; else 404. */
static int payers_trade(req_t *r, sandbox_trade_t *t)
{
    const char *trade_no = strrchr(r->path, '/') + 1; /* the route's {file}: its last segment */
    if (!chosen(r, &pay_sandbox) || !pay_trade_no_ok(trade_no)) return ctx_fail(&r->ctx, LL_NOTFOUND, "not_found", NULL);
    int res = pay_check_payer(&r->ctx, &pay_sandbox, trade_no);
    return res ? res : sandbox_trade(&r->ctx, trade_no, t);
}

int api_sandbox_page(req_t *r)
{
    sandbox_trade_t t;
    int res = payers_trade(r, &t);
    if (res == LL_NOTFOUND) return web_not_found(r); /* a browser's page: the site's 404 page, not JSON */
    if (res) return http_fail(r, res);
    return page(r, &t, "");
}

/* Confirming again changes nothing and shows the paid page again. */
int api_sandbox_confirm(req_t *r)
{
    sandbox_trade_t t;
    web_form_t f;
    int res = payers_trade(r, &t);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    if (web_form_read(r, &f)) return 0; /* answered with a page: the form is malformed or its token wrong */
    if ((res = sandbox_confirm(&r->ctx, t.trade_no)) || (res = sandbox_trade(&r->ctx, t.trade_no, &t)))
        return http_fail(r, res);
    return page(r, &t, "<p>支付成功，商户将收到异步通知。</p>");
}
