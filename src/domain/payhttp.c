/* payhttp.c — the HTTP payment provider (see payhttp.h and payment.h). */
#include "domain/payhttp.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/result.h"
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX 8192

typedef struct {
    char buf[ANSWER_MAX];
    size_t len;
    bool overflow;
} answer_t;

static size_t keep(void *p, size_t size, size_t n, void *arg)
{
    answer_t *a = arg;
    size_t k = size * n;
    if (a->len + k >= sizeof a->buf) {
        a->overflow = true;
        return k;
    }
    memcpy(a->buf + a->len, p, k);
    a->len += k;
    a->buf[a->len] = 0;
    return k;
}

/* Signs and POSTs body to <pay_http_url><path>; LL_OK when it answered 2xx (answer kept in *ans). */
static int call(ctx_t *c, const char *path, json_t *body, answer_t *ans)
{
    char sig[65], header[128];
    char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    CURL *curl = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    long status = 0;
    if (!text || !curl || !*c->conf->pay_http_key) goto done;
    pay_sign(c->conf->pay_http_key, text, strlen(text), sig);
    snprintf(header, sizeof header, PAY_HTTP_SIG_HEADER ": %s", sig);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, header);
    curl_easy_setopt(curl, CURLOPT_URL, arena_printf(c->arena, "%s%s", c->conf->pay_http_url, path));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, ans);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
done:
    curl_slist_free_all(hdrs);
    if (curl) curl_easy_cleanup(curl);
    free(text);
    if (status < 200 || status >= 300 || ans->overflow) return ctx_fail(c, LL_ERR, "payment_unavailable", NULL);
    return LL_OK;
}

static bool url_ok(const char *u)
{
    return u && strlen(u) <= 500 && (!strncmp(u, "https://", 8) || !strncmp(u, "http://", 7)) && !strpbrk(u, "\"<> \r\n");
}

static int ph_create(ctx_t *c, const pay_request_t *rq, const char **trade_no, const char **pay_url)
{
    answer_t ans = {.len = 0};
    json_t *body = json_pack("{s:s, s:s, s:I}", "order_no", rq->order_no, "item", rq->item, "amount_fen",
                             (json_int_t)rq->amount_fen); /* C5: all the provider is told */
    int res = body ? call(c, "/trades", body, &ans) : LL_ERR;
    json_decref(body);
    if (res) return res;
    json_t *o = json_loadb(ans.buf, ans.len, 0, NULL);
    const char *no = json_string_value(json_object_get(o, "trade_no"));
    const char *url = json_string_value(json_object_get(o, "pay_url"));
    if (pay_trade_no_ok(no) && url_ok(url)) {
        *trade_no = arena_strdup(c->arena, no);
        *pay_url = arena_strdup(c->arena, url);
    } else {
        res = ctx_fail(c, LL_ERR, "payment_unavailable", NULL);
    }
    json_decref(o);
    return res;
}

static int ph_refund(ctx_t *c, const char *trade_no, const char *refund_no, int64_t amount_fen)
{
    answer_t ans = {.len = 0};
    /* refund_no is the gateway's idempotency key: the same refund asked twice is made once */
    json_t *body = json_pack("{s:s, s:s, s:I}", "trade_no", trade_no, "refund_no", refund_no, "amount_fen",
                             (json_int_t)amount_fen);
    int res = body ? call(c, "/refunds", body, &ans) : LL_ERR;
    json_decref(body);
    return res;
}

/* Reads a string field of a 2xx answer that must be a provider number; payment_unavailable otherwise. */
static int answer_no(ctx_t *c, const answer_t *ans, const char *field, const char **out)
{
    json_t *o = json_loadb(ans->buf, ans->len, 0, NULL);
    const char *no = json_string_value(json_object_get(o, field));
    int res = pay_trade_no_ok(no) ? LL_OK : ctx_fail(c, LL_ERR, "payment_unavailable", NULL);
    if (res == LL_OK) *out = arena_strdup(c->arena, no);
    json_decref(o);
    return res;
}

static int ph_agree(ctx_t *c, const pay_request_t *rq, const char **agreement_no)
{
    answer_t ans = {.len = 0};
    json_t *body = json_pack("{s:s, s:s, s:I}", "order_no", rq->order_no, "item", rq->item, "amount_fen",
                             (json_int_t)rq->amount_fen); /* C5: all the provider is told */
    int res = body ? call(c, "/agreements", body, &ans) : LL_ERR;
    json_decref(body);
    return res ? res : answer_no(c, &ans, "agreement_no", agreement_no);
}

static int ph_charge(ctx_t *c, const char *agreement_no, const pay_request_t *rq, const char **trade_no)
{
    answer_t ans = {.len = 0};
    /* order_no is the gateway's idempotency key: the same renewal asked twice is charged once */
    json_t *body = json_pack("{s:s, s:s, s:s, s:I}", "agreement_no", agreement_no, "order_no", rq->order_no, "item",
                             rq->item, "amount_fen", (json_int_t)rq->amount_fen);
    int res = body ? call(c, "/charges", body, &ans) : LL_ERR;
    json_decref(body);
    return res ? res : answer_no(c, &ans, "trade_no", trade_no);
}

static int ph_revoke(ctx_t *c, const char *agreement_no)
{
    answer_t ans = {.len = 0};
    json_t *body = json_pack("{s:s}", "agreement_no", agreement_no);
    int res = body ? call(c, "/agreements/revoke", body, &ans) : LL_ERR;
    json_decref(body);
    return res;
}

static int ph_verify(ctx_t *c, const char *body, size_t len, const char *signature, pay_notice_t *out)
{
    return pay_verify_signed(c, c->conf->pay_http_key, body, len, signature, out);
}

const pay_provider_t pay_http = {
    .name = "http",
    .recipient = NULL, /* the setting pay_http_name */
    .create = ph_create,
    .refund = ph_refund,
    .verify = ph_verify,
    .agree = ph_agree,
    .charge = ph_charge,
    .revoke = ph_revoke,
};
