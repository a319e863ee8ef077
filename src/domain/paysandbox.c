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


static const char SQL_TRADE_NEW[] = "INSERT INTO sandbox_trades(trade_no, request, order_no, item, amount_fen, status, "
                                    "created_at) VALUES (?,?,?,?,?,'waiting',?)";
static const char SQL_TRADE[] =
    "SELECT id, trade_no, order_no, item, amount_fen, status FROM sandbox_trades WHERE trade_no = ?";
static const char SQL_TRADE_MOVE[] = "UPDATE sandbox_trades SET status = ?3, paid_at = CASE WHEN ?3 = 'paid' THEN ?4 "
                                     "ELSE paid_at END, refunded_at = CASE WHEN ?3 = 'refunded' THEN ?4 ELSE "
                                     "refunded_at END WHERE id = ?1 AND status = ?2";
static const char SQL_REFUND_NEW[] =
    "INSERT INTO sandbox_refunds(refund_no, trade_no, amount_fen, created_at) VALUES (?1,?2,?3,?4)";
static const char SQL_REFUND[] = "SELECT trade_no, amount_fen FROM sandbox_refunds WHERE refund_no = ?";
static const char SQL_REFUNDED_SUM[] = "SELECT coalesce(sum(amount_fen), 0) FROM sandbox_refunds WHERE trade_no = ?";
static const char SQL_NOTICE_NEW[] = "INSERT INTO sandbox_notices(body, signature, due_at) VALUES (?,?,?)";
static const char SQL_AGREE_NEW[] = "INSERT INTO sandbox_agreements(agreement_no, request, order_no, status, created_at) "
                                    "VALUES (?1,?2,?3,'waiting',?4)";
static const char SQL_AGREE_ACTIVATE[] =
    "UPDATE sandbox_agreements SET status = 'active' WHERE order_no = ?1 AND status = 'waiting'";
static const char SQL_AGREE[] = "SELECT status, next_charge FROM sandbox_agreements WHERE agreement_no = ?";
static const char SQL_AGREE_REVOKE[] = "UPDATE sandbox_agreements SET status = 'revoked', revoked_at = ?2 "
                                       "WHERE agreement_no = ?1 AND status <> 'revoked'";
static const char SQL_CHARGED[] = "SELECT trade_no FROM sandbox_trades WHERE agreement_no = ?1 AND order_no = ?2";
static const char SQL_CHARGE_NEW[] =
    "INSERT INTO sandbox_trades(trade_no, request, order_no, item, amount_fen, status, created_at, agreement_no, "
    "paid_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,CASE WHEN ?6 = 'paid' THEN ?7 END)";
static const char SQL_DUE[] = "SELECT id, body, signature FROM sandbox_notices WHERE delivered_at IS NULL AND due_at <= ? "
                              "AND attempts < 10 ORDER BY id LIMIT 20";
static const char SQL_DONE[] = "UPDATE sandbox_notices SET delivered_at = ?2, attempts = attempts + 1 WHERE id = ?1";
static const char SQL_RETRY[] =
    "UPDATE sandbox_notices SET attempts = attempts + 1, due_at = ?2 + min(300, 1 << attempts) WHERE id = ?1";

/* 128 random bits: the trade number is the cashier page's address. */
static const char *new_trade_no(ctx_t *c)
{
    unsigned char r[16];
    char hex[33];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    return arena_printf(c->arena, "SBX%s", hex);
}

/* Queues a signed callback for the asynchronous deliverer; refund_no names a partial refund (else NULL). */
static int queue_notice(ctx_t *c, const char *event, const char *trade_no, const char *order_no, int64_t amount,
                        const char *refund_no, int64_t delay)
{
    char sig[65];
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I}", "event", event, "trade_no", trade_no, "order_no",
                          order_no, "amount_fen", (json_int_t)amount, "at", (json_int_t)c->now);
    if (refund_no) json_object_set_new(o, "refund_no", json_string(refund_no));
    char *body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!body) return LL_ERR;
    pay_sign(c->conf->pay_sandbox_key, body, strlen(body), sig);
    sqlite3_stmt *st = db_stmt(c->db, SQL_NOTICE_NEW);
    int res = LL_ERR;
    if (st) {
        sqlite3_bind_text(st, 1, body, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, sig, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, c->now + delay);
        res = db_run(c->db, st) ? LL_ERR : LL_OK;
    }
    free(body);
    return res;
}

int sandbox_trade(ctx_t *c, const char *trade_no, sandbox_trade_t *t)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_TRADE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, trade_no ? trade_no : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        t->id = sqlite3_column_int64(st, 0);
        t->trade_no = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
        t->order_no = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
        t->item = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 3));
        t->amount_fen = sqlite3_column_int64(st, 4);
        t->status = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 5));
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

/* The payer signs the agreements asked with this payment when confirming it (as a real cashier shows both). */
static int activate(ctx_t *c, const char *order_no)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_AGREE_ACTIVATE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, order_no, -1, SQLITE_STATIC);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int sandbox_confirm(ctx_t *c, const char *trade_no)
{
    sandbox_trade_t t;
    bool moved;
    int res = sandbox_trade(c, trade_no, &t);
    if (res) return res;
    if (db_begin(c->db)) return LL_ERR;
    if (move(c, t.id, "waiting", "paid", &moved) ||
        (moved && queue_notice(c, "paid", t.trade_no, t.order_no, t.amount_fen, NULL, 0)) ||
        (moved && activate(c, t.order_no)) ||
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
    const char *no = new_trade_no(c);
    sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, request, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, rq->order_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rq->item, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, rq->amount_fen);
    sqlite3_bind_int64(st, 6, c->now);
    free(request);
    if (db_run(c->db, st)) return LL_ERR;
    *trade_no = no;
    *pay_url = arena_printf(c->arena, "/sandbox/pay/%s", no);
    return LL_OK;
}

/* A refund asked before under refund_no: its trade and amount; LL_NOTFOUND if none. */
static int refund_asked(ctx_t *c, const char *refund_no, const char **trade_no, int64_t *amount)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_REFUND);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, refund_no, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *trade_no = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0));
        *amount = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

/* How much of a trade its partial refunds gave back so far; -1 on error. */
static int64_t refunded_sum(ctx_t *c, const char *trade_no)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_REFUNDED_SUM);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, trade_no, -1, SQLITE_STATIC);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

/* Part of a paid trade back, once per refund_no: a repeat with the same key and amount changes nothing. */
static int sb_refund_part(ctx_t *c, const sandbox_trade_t *t, const char *refund_no, int64_t amount_fen)
{
    const char *for_trade;
    int64_t had, before;
    int res = refund_asked(c, refund_no, &for_trade, &had);
    if (res == LL_OK) /* asked before: the same request is accepted again, another one under that key refused */
        return had == amount_fen && !strcmp(for_trade, t->trade_no) ? LL_OK
                                                                     : ctx_fail(c, LL_INVALID, "payment_mismatch", NULL);
    if (res != LL_NOTFOUND || (before = refunded_sum(c, t->trade_no)) < 0) return LL_ERR;
    if (strcmp(t->status, "paid") || before + amount_fen > t->amount_fen)
        return ctx_fail(c, LL_INVALID, "payment_mismatch", NULL);
    sqlite3_stmt *st = db_stmt(c->db, SQL_REFUND_NEW);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, refund_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->trade_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, amount_fen);
    sqlite3_bind_int64(st, 4, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    return queue_notice(c, "refunded_part", t->trade_no, t->order_no, amount_fen, refund_no, 0);
}

static int refund_in(ctx_t *c, const char *trade_no, const char *refund_no, int64_t amount_fen)
{
    sandbox_trade_t t;
    bool moved;
    int res = sandbox_trade(c, trade_no, &t);
    if (res) return res;
    if (amount_fen <= 0 || amount_fen > t.amount_fen) return ctx_fail(c, LL_INVALID, "payment_mismatch", NULL);
    if (amount_fen < t.amount_fen) return sb_refund_part(c, &t, refund_no, amount_fen);
    /* all of it: the trade's own state makes a repeat a no-op */
    if ((res = move(c, t.id, "paid", "refunded", &moved))) return res;
    return moved ? queue_notice(c, "refunded", t.trade_no, t.order_no, t.amount_fen, NULL, 0) : LL_OK;
}

/* Called from our outbox, outside our transactions: the provider's records move in a transaction of their own. */
static int in_txn(ctx_t *c, int res)
{
    if (res || db_commit(c->db)) {
        db_rollback(c->db);
        return res ? res : LL_ERR;
    }
    return LL_OK;
}

static int sb_refund(ctx_t *c, const char *trade_no, const char *refund_no, int64_t amount_fen)
{
    if (db_begin(c->db)) return LL_ERR;
    return in_txn(c, refund_in(c, trade_no, refund_no, amount_fen));
}

static const char *random_no(ctx_t *c, const char *prefix)
{
    unsigned char r[16];
    char hex[33];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    return arena_printf(c->arena, "%s%s", prefix, hex);
}

static char *request_json(const pay_request_t *rq)
{
    json_t *o = json_pack("{s:s, s:s, s:I}", "order_no", rq->order_no, "item", rq->item, "amount_fen",
                          (json_int_t)rq->amount_fen);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return s;
}

static int sb_agree(ctx_t *c, const pay_request_t *rq, const char **agreement_no)
{
    char *request = request_json(rq); /* C5: what the provider keeps is what it was told */
    sqlite3_stmt *st = request ? db_stmt(c->db, SQL_AGREE_NEW) : NULL;
    const char *no = random_no(c, "SBA");
    int res = LL_ERR;
    if (st) {
        sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, request, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, rq->order_no, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, c->now);
        res = db_run(c->db, st) ? LL_ERR : LL_OK;
    }
    free(request);
    if (res == LL_OK) *agreement_no = no;
    return res;
}

/* The agreement's state and the payer's account dial; "" when there is no such agreement. */
static int agreement(ctx_t *c, const char *agreement_no, const char **status, const char **next)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_AGREE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, agreement_no, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *status = rc == SQLITE_ROW ? arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0)) : "";
    *next = rc == SQLITE_ROW ? arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1)) : "";
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* The trade an earlier charge under this order number made, if any (the idempotency key). */
static int charged_before(ctx_t *c, const char *agreement_no, const char *order_no, const char **trade_no)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_CHARGED);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, agreement_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, order_no, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *trade_no = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

/* A charge is accepted at once and answered by callback: paid, declined (a revoked or unsigned agreement, or the
 * payer's account refuses), or paid with the callback an hour late. */
static int charge_in(ctx_t *c, const char *agreement_no, const pay_request_t *rq, const char **trade_no)
{
    const char *status, *next;
    char *request = NULL;
    int res = charged_before(c, agreement_no, rq->order_no, trade_no);
    if (res != LL_NOTFOUND) return res;
    if ((res = agreement(c, agreement_no, &status, &next))) return res;
    bool ok = !strcmp(status, "active") && strcmp(next, "decline");
    sqlite3_stmt *st = db_stmt(c->db, SQL_CHARGE_NEW);
    if (!st || !(request = request_json(rq))) return LL_ERR;
    *trade_no = random_no(c, "SBX");
    sqlite3_bind_text(st, 1, *trade_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, request, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, rq->order_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rq->item, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, rq->amount_fen);
    sqlite3_bind_text(st, 6, ok ? "paid" : "declined", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, c->now);
    sqlite3_bind_text(st, 8, agreement_no, -1, SQLITE_STATIC);
    free(request);
    if (db_run(c->db, st)) return LL_ERR;
    int64_t delay = ok && !strcmp(next, "delay") ? 3600 : 0;
    return queue_notice(c, ok ? "paid" : "failed", *trade_no, rq->order_no, rq->amount_fen, NULL, delay);
}

static int sb_charge(ctx_t *c, const char *agreement_no, const pay_request_t *rq, const char **trade_no)
{
    if (db_begin(c->db)) return LL_ERR;
    return in_txn(c, charge_in(c, agreement_no, rq, trade_no));
}

static int sb_revoke(ctx_t *c, const char *agreement_no)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_AGREE_REVOKE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, agreement_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static int sb_verify(ctx_t *c, const char *body, size_t len, const char *signature, pay_notice_t *out)
{
    return pay_verify_signed(c, c->conf->pay_sandbox_key, body, len, signature, out);
}

const pay_provider_t pay_sandbox = {
    .name = "sandbox",
    .recipient = "支付沙箱（邻里内置的测试支付服务）",
    .create = sb_create,
    .refund = sb_refund,
    .verify = sb_verify,
    .agree = sb_agree,
    .charge = sb_charge,
    .revoke = sb_revoke,
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
