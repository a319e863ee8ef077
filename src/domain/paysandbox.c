/* paysandbox.c — the sandbox payment provider (see paysandbox.h and payment.h). */
#include "domain/paysandbox.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/result.h"
#include "domain/payment.h"
#include "store/db.h"
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char SQL_TRADE_NEW[] =
    "INSERT INTO sandbox_trades(request, order_no, item, amount_fen, status, created_at) VALUES (?,?,?,?,'waiting',?)";
static const char SQL_TRADE[] = "SELECT id, order_no, item, amount_fen, status FROM sandbox_trades WHERE id = ?";
static const char SQL_TRADE_MOVE[] = "UPDATE sandbox_trades SET status = ?3, paid_at = CASE WHEN ?3 = 'paid' THEN ?4 "
                                     "ELSE paid_at END, refunded_at = CASE WHEN ?3 = 'refunded' THEN ?4 ELSE "
                                     "refunded_at END WHERE id = ?1 AND status = ?2";
static const char SQL_NOTICE_NEW[] = "INSERT INTO sandbox_notices(body, signature, due_at) VALUES (?,?,?)";
static const char SQL_DUE[] = "SELECT id, body, signature FROM sandbox_notices WHERE delivered_at IS NULL AND due_at <= ? "
                              "AND attempts < 10 ORDER BY id LIMIT 20";
static const char SQL_DONE[] = "UPDATE sandbox_notices SET delivered_at = ?2, attempts = attempts + 1 WHERE id = ?1";
static const char SQL_RETRY[] =
    "UPDATE sandbox_notices SET attempts = attempts + 1, due_at = ?2 + min(300, 1 << attempts) WHERE id = ?1";

void sandbox_sign(const char *key, const char *body, size_t len, char hex[65])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, 65, mac, sizeof mac);
}

static const char *trade_no_of(ctx_t *c, int64_t id)
{
    return arena_printf(c->arena, "SBX%010lld", (long long)id);
}

static int64_t trade_id(const char *trade_no)
{
    char *end;
    if (!trade_no || strncmp(trade_no, "SBX", 3) || strlen(trade_no) != 13) return 0;
    long long id = strtoll(trade_no + 3, &end, 10);
    return *end || id <= 0 ? 0 : id;
}

/* Queues a signed callback for the asynchronous deliverer. */
static int queue_notice(ctx_t *c, const char *event, int64_t id, const char *order_no, int64_t amount)
{
    char sig[65];
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I}", "event", event, "trade_no", trade_no_of(c, id), "order_no",
                          order_no, "amount_fen", (json_int_t)amount, "at", (json_int_t)c->now);
    char *body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!body) return LL_ERR;
    sandbox_sign(c->conf->pay_sandbox_key, body, strlen(body), sig);
    sqlite3_stmt *st = db_stmt(c->db, SQL_NOTICE_NEW);
    int res = LL_ERR;
    if (st) {
        sqlite3_bind_text(st, 1, body, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, sig, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, c->now);
        res = db_run(c->db, st) ? LL_ERR : LL_OK;
    }
    free(body);
    return res;
}

int sandbox_trade(ctx_t *c, int64_t id, sandbox_trade_t *t)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_TRADE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        t->id = id;
        t->order_no = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
        t->item = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
        t->amount_fen = sqlite3_column_int64(st, 3);
        t->status = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 4));
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

/* Moves a trade from one state to the next; false when it was not in `from`. */
static int move(ctx_t *c, int64_t id, const char *from, const char *to, bool *moved)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_TRADE_MOVE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    *moved = db_changes(c->db) > 0;
    return LL_OK;
}

int sandbox_confirm(ctx_t *c, int64_t id)
{
    sandbox_trade_t t;
    bool moved;
    int res = sandbox_trade(c, id, &t);
    if (res) return res;
    if (db_begin(c->db)) return LL_ERR;
    if (move(c, id, "waiting", "paid", &moved) || (moved && queue_notice(c, "paid", id, t.order_no, t.amount_fen)) ||
        db_commit(c->db)) {
        db_rollback(c->db);
        return LL_ERR;
    }
    return LL_OK;
}

/* ---- the provider interface ---- */

static int sb_create(ctx_t *c, const pay_request_t *rq, const char **trade_no, const char **pay_url)
{
    /* C5: the request is all the provider ever gets, and it keeps it as received */
    json_t *o = json_pack("{s:s, s:s, s:I}", "order_no", rq->order_no, "item", rq->item, "amount_fen",
                          (json_int_t)rq->amount_fen);
    char *request = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    sqlite3_stmt *st = db_stmt(c->db, SQL_TRADE_NEW);
    if (!st || !request) {
        free(request);
        return LL_ERR;
    }
    sqlite3_bind_text(st, 1, request, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, rq->order_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, rq->item, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, rq->amount_fen);
    sqlite3_bind_int64(st, 5, c->now);
    free(request);
    if (db_run(c->db, st)) return LL_ERR;
    int64_t id = db_last_id(c->db);
    *trade_no = trade_no_of(c, id);
    *pay_url = arena_printf(c->arena, "/sandbox/pay/%lld", (long long)id);
    return LL_OK;
}

static int sb_refund(ctx_t *c, const char *trade_no, int64_t amount_fen)
{
    sandbox_trade_t t;
    bool moved;
    int64_t id = trade_id(trade_no);
    int res = sandbox_trade(c, id, &t);
    if (res) return res;
    if (t.amount_fen != amount_fen) return ctx_fail(c, LL_INVALID, "payment_mismatch", NULL);
    if ((res = move(c, id, "paid", "refunded", &moved))) return res;
    return moved ? queue_notice(c, "refunded", id, t.order_no, t.amount_fen) : LL_OK;
}

static bool order_no_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 4 || n > 32) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z'))) return false;
    return true;
}

static int sb_verify(ctx_t *c, const char *body, size_t len, const char *signature, pay_notice_t *out)
{
    char want[65];
    if (!*c->conf->pay_sandbox_key || !signature || strlen(signature) != 64)
        return ctx_fail(c, LL_DENIED, "bad_signature", NULL);
    sandbox_sign(c->conf->pay_sandbox_key, body, len, want);
    if (sodium_memcmp(want, signature, 64)) return ctx_fail(c, LL_DENIED, "bad_signature", NULL);
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    if (!o) return ctx_fail(c, LL_INVALID, "invalid_json", NULL);
    arena_on_free(c->arena, (arena_cleanup_fn)json_decref, o);
    out->event = json_string_value(json_object_get(o, "event"));
    out->trade_no = json_string_value(json_object_get(o, "trade_no"));
    out->order_no = json_string_value(json_object_get(o, "order_no"));
    json_t *amount = json_object_get(o, "amount_fen");
    out->amount_fen = json_is_integer(amount) ? json_integer_value(amount) : -1;
    if (!out->event || !trade_id(out->trade_no) || !order_no_ok(out->order_no) || out->amount_fen <= 0)
        return ctx_fail(c, LL_INVALID, "invalid_field", "body");
    return LL_OK;
}

const pay_provider_t pay_sandbox = {
    .name = "sandbox",
    .recipient = "支付沙箱（邻里内置的测试支付服务）",
    .create = sb_create,
    .refund = sb_refund,
    .verify = sb_verify,
};

/* ---- asynchronous delivery ---- */

int sandbox_due(ctx_t *c, sandbox_notice_t **items, size_t *n)
{
    sandbox_notice_t *v = arena_zalloc(c->arena, 20 * sizeof(*v));
    size_t k = 0;
    int rc = SQLITE_DONE;
    sqlite3_stmt *st = db_stmt(c->db, SQL_DUE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now);
    while (k < 20 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        v[k].id = sqlite3_column_int64(st, 0);
        v[k].body = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
        v[k++].signature = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

int sandbox_delivered(ctx_t *c, int64_t id, bool ok)
{
    sqlite3_stmt *st = db_stmt(c->db, ok ? SQL_DONE : SQL_RETRY);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static size_t discard(void *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

bool sandbox_post(const char *url, const char *body, const char *signature)
{
    char header[128];
    long status = 0;
    CURL *curl = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    if (!curl) return false;
    snprintf(header, sizeof header, "X-Sandbox-Signature: %s", signature);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, header);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(curl);
    return status >= 200 && status < 300;
}
