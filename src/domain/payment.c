/* payment.c — payments, callbacks, refunds and the ledger (see payment.h). */
#include "domain/payment.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/result.h"
#include "domain/membership.h"
#include "privacy/audit.h"
#include "privacy/share.h"
#include "store/db.h"
#include <jansson.h>
#include <sodium.h>
#include <string.h>

const pay_provider_t *pay_provider(const char *name)
{
    if (name && !strcmp(name, pay_sandbox.name)) return &pay_sandbox;
    if (name && !strcmp(name, pay_http.name)) return &pay_http;
    return NULL;
}

const pay_provider_t *pay_current(const conf_t *conf)
{
    return pay_provider(conf->pay_provider);
}

const char *pay_recipient(arena_t *a, const conf_t *conf, const pay_provider_t *pv)
{
    return pv->recipient ? pv->recipient : arena_printf(a, "支付服务商：%s", conf->pay_http_name);
}

bool pay_trade_no_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 4 || n > 64) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_' ||
              *s == '-'))
            return false;
    return true;
}

void pay_sign(const char *key, const char *body, size_t len, char hex[65])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, 65, mac, sizeof mac);
}

static bool order_no_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 4 || n > 32) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z'))) return false;
    return true;
}

int pay_verify_signed(ctx_t *c, const char *key, const char *body, size_t len, const char *signature,
                      pay_notice_t *out)
{
    char want[65];
    if (!*key || !signature || strlen(signature) != 64) return ctx_fail(c, LL_DENIED, "bad_signature", NULL);
    pay_sign(key, body, len, want);
    if (sodium_memcmp(want, signature, 64)) return ctx_fail(c, LL_DENIED, "bad_signature", NULL);
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    if (!o) return ctx_fail(c, LL_INVALID, "invalid_json", NULL);
    arena_on_free(c->arena, (arena_cleanup_fn)json_decref, o);
    out->event = json_string_value(json_object_get(o, "event"));
    out->trade_no = json_string_value(json_object_get(o, "trade_no"));
    out->order_no = json_string_value(json_object_get(o, "order_no"));
    json_t *amount = json_object_get(o, "amount_fen");
    out->amount_fen = json_is_integer(amount) ? json_integer_value(amount) : -1;
    json_t *refund_no = json_object_get(o, "refund_no");
    out->refund_no = json_string_value(refund_no);
    if (!out->event || !pay_trade_no_ok(out->trade_no) || !order_no_ok(out->order_no) || out->amount_fen <= 0 ||
        (refund_no && !pay_trade_no_ok(out->refund_no)))
        return ctx_fail(c, LL_INVALID, "invalid_field", "body");
    return LL_OK;
}

typedef struct {
    int64_t id, order_id, amount_fen;
    const char *provider, *trade_no, *pay_url, *status;
} payment_t;

static const char SQL_PAY_COLS_ORDER[] =
    "SELECT id, order_id, amount_fen, provider, trade_no, pay_url, status FROM payments WHERE order_id = ?1 "
    "AND status = ?2 ORDER BY id DESC LIMIT 1";
static const char SQL_PAY_BY_TRADE[] =
    "SELECT id, order_id, amount_fen, provider, trade_no, pay_url, status FROM payments WHERE provider = ?1 "
    "AND trade_no = ?2";
static const char SQL_PAY_INSERT[] =
    "INSERT INTO payments(order_id, provider, trade_no, pay_url, amount_fen, status, created_at) "
    "VALUES (?,?,?,?,?,'pending',?)";
static const char SQL_PAY_STATUS[] =
    "UPDATE payments SET status = ?2, paid_at = CASE WHEN ?2 = 'paid' THEN ?3 ELSE paid_at END, "
    "refunded_at = CASE WHEN ?2 = 'refunded' THEN ?3 ELSE refunded_at END WHERE id = ?1";
static const char SQL_PAY_REFUND_ASKED[] = "UPDATE payments SET refund_requested_at = ?2 WHERE id = ?1";
static const char SQL_PAYER[] = "SELECT o.customer_id FROM payments p JOIN orders o ON o.id = p.order_id "
                                "WHERE p.provider = ?1 AND p.trade_no = ?2";
static const char SQL_OTHER_PAID[] = "SELECT 1 FROM payments WHERE order_id = ?1 AND id <> ?2 AND status = 'paid'";
static const char SQL_LEDGER_HAS[] = "SELECT 1 FROM ledger WHERE txn = ? LIMIT 1";
static const char SQL_LEDGER_POST[] =
    "INSERT INTO ledger(txn, account, amount_fen, order_id, at) VALUES (?,?,?,?,?)";

static int one_payment(ctx_t *c, sqlite3_stmt *st, payment_t *p)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        p->id = sqlite3_column_int64(st, 0);
        p->order_id = sqlite3_column_int64(st, 1);
        p->amount_fen = sqlite3_column_int64(st, 2);
        p->provider = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 3));
        p->trade_no = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 4));
        p->pay_url = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 5));
        p->status = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 6));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

static int payment_of_order(ctx_t *c, int64_t order_id, const char *status, payment_t *p)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PAY_COLS_ORDER);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    return one_payment(c, st, p);
}

/* ---- starting a payment ---- */

int pay_check_payer(ctx_t *c, const pay_provider_t *pv, const char *trade_no)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PAYER);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, trade_no, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    bool mine = rc == SQLITE_ROW && c->user_id && sqlite3_column_int64(st, 0) == c->user_id;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    if (rc == SQLITE_DONE) return vip_check_payer(c, pv, trade_no); /* not a service order's: a membership's? */
    return mine ? LL_OK : ctx_fail(c, LL_NOTFOUND, "not_found", NULL); /* someone else's trade is no trade */
}

static int record_payment(ctx_t *c, const pay_provider_t *pv, const order_t *o, const char *trade_no,
                          const char *url)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PAY_INSERT);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_text(st, 2, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, trade_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, o->amount_fen);
    sqlite3_bind_int64(st, 6, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    /* C5: what the provider received, recorded as a share about the customer */
    json_t *fields = json_pack("[s, s]", "orders.item", "orders.amount_fen");
    int res = share_record(c, pay_recipient(c->arena, c->conf, pv), c->conf->data_region, fields, SHARE_BASIS_CONTRACT,
                           arena_printf(c->arena, "订单 %s", o->number), o->customer_id, 1);
    json_decref(fields);
    return res;
}

/* The order, if the caller may pay it now. */
static int payable(ctx_t *c, int64_t order_id, order_t *o)
{
    int res = order_load(c, order_id, o);
    if (res) return res;
    if (o->customer_id != c->user_id) {
        bool merchant = order_view(c, order_id, o) == LL_OK; /* the merchant is a party, not the payer */
        return merchant ? ctx_fail(c, LL_DENIED, "order_wrong_party", NULL) : ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    }
    return strcmp(o->status, "created") ? ctx_fail(c, LL_CONFLICT, "order_wrong_state", NULL) : LL_OK;
}

/* Records the new trade unless another request recorded one meanwhile, which then wins. */
static int keep_trade(ctx_t *c, const pay_provider_t *pv, const order_t *o, const char **pay_url, const char **trade_no)
{
    payment_t p;
    if (db_begin(c->db)) return LL_ERR; /* IMMEDIATE: one writer, so the check below cannot race */
    int res = payment_of_order(c, o->id, "pending", &p);
    if (res == LL_OK && !strcmp(p.provider, pv->name)) {
        *pay_url = p.pay_url; /* the trade just made at the provider is left unpaid, like an abandoned cashier */
        *trade_no = p.trade_no;
    } else if (res == LL_OK || res == LL_NOTFOUND) {
        res = record_payment(c, pv, o, *trade_no, *pay_url);
    }
    if (res || db_commit(c->db)) {
        db_rollback(c->db);
        return res ? res : LL_ERR;
    }
    return LL_OK;
}

int pay_start(ctx_t *c, int64_t order_id, const char **pay_url, const char **trade_no)
{
    order_t o;
    payment_t p;
    const pay_provider_t *pv = pay_current(c->conf);
    int res = payable(c, order_id, &o);
    if (res) return res;
    if (!pv) return ctx_fail(c, LL_ERR, "payment_off", NULL); /* pay_provider = none */
    if ((res = payment_of_order(c, order_id, "pending", &p)) == LL_OK && !strcmp(p.provider, pv->name)) {
        *pay_url = p.pay_url; /* paying again resumes the same page */
        *trade_no = p.trade_no;
        return LL_OK;
    }
    if (res != LL_OK && res != LL_NOTFOUND) return res;
    pay_request_t rq = {.order_no = o.number, .item = o.item, .amount_fen = o.amount_fen};
    /* the provider is asked outside our transaction: a real one is a network call away */
    if ((res = pv->create(c, &rq, trade_no, pay_url))) return res;
    return keep_trade(c, pv, &o, pay_url, trade_no);
}

/* ---- the ledger ---- */

int pay_post(ctx_t *c, const char *txn, const char *debit, const char *credit, int64_t amount, int64_t order_id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_LEDGER_HAS);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, txn, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return LL_OK; /* posted before: a duplicate callback */
    if (rc != SQLITE_DONE) return LL_ERR;
    const char *accounts[2] = {debit, credit};
    for (int i = 0; i < 2; i++) {
        if (!(st = db_stmt(c->db, SQL_LEDGER_POST))) return LL_ERR;
        sqlite3_bind_text(st, 1, txn, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, accounts[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, i == 0 ? amount : -amount);
        if (order_id) sqlite3_bind_int64(st, 4, order_id);
        else sqlite3_bind_null(st, 4); /* a membership's movement: no service order */
        sqlite3_bind_int64(st, 5, c->now);
        if (db_run(c->db, st)) return LL_ERR;
    }
    return LL_OK;
}

/* The provider holds the customer's money for the platform; the platform owes it to the merchant. */
static int post_payment(ctx_t *c, const payment_t *p, const order_t *o, bool refund)
{
    const char *provider = arena_printf(c->arena, "provider:%s", p->provider);
    const char *merchant = arena_printf(c->arena, "merchant:%lld", (long long)o->merchant_id);
    const char *txn = arena_printf(c->arena, "%s:%lld", refund ? "refund" : "pay", (long long)p->id);
    return refund ? pay_post(c, txn, merchant, provider, p->amount_fen, o->id)
                  : pay_post(c, txn, provider, merchant, p->amount_fen, o->id);
}

static int set_payment(ctx_t *c, int64_t id, const char *status)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PAY_STATUS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

/* A whole payment's refund has one key of its own, so asking again never refunds twice; it goes out after commit. */
static int ask_refund(ctx_t *c, const pay_provider_t *pv, const payment_t *p)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PAY_REFUND_ASKED);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_int64(st, 2, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    return pay_enqueue_refund(c, pv, p->trade_no, arena_printf(c->arena, "RF%lld", (long long)p->id), p->amount_fen);
}

int pay_refund_order(ctx_t *c, int64_t order_id)
{
    payment_t p;
    int res = payment_of_order(c, order_id, "paid", &p);
    if (res == LL_NOTFOUND) return LL_OK;
    const pay_provider_t *pv = res ? NULL : pay_provider(p.provider);
    return pv ? ask_refund(c, pv, &p) : LL_ERR;
}

int pay_paid_amount(ctx_t *c, int64_t order_id, int64_t *amount_fen)
{
    payment_t p;
    int res = payment_of_order(c, order_id, "paid", &p);
    if (res == LL_OK) *amount_fen = p.amount_fen;
    return res;
}

int pay_refund_part(ctx_t *c, int64_t order_id, const char *refund_no, int64_t amount_fen)
{
    payment_t p;
    int res = payment_of_order(c, order_id, "paid", &p);
    if (res) return res;
    if (amount_fen <= 0 || amount_fen >= p.amount_fen || !pay_trade_no_ok(refund_no))
        return ctx_fail(c, LL_INVALID, "invalid_field", "amount");
    const pay_provider_t *pv = pay_provider(p.provider);
    return pv ? pay_enqueue_refund(c, pv, p.trade_no, refund_no, amount_fen) : LL_ERR;
}

/* ---- the outbox (see payment.h) ---- */

static const char SQL_OUT_FIND[] =
    "SELECT coalesce(trade_no, ''), coalesce(amount_fen, 0) FROM pay_outbox WHERE provider = ?1 AND kind = ?2 "
    "AND idem_key = ?3";
static const char SQL_OUT_NEW[] =
    "INSERT INTO pay_outbox(provider, kind, idem_key, trade_no, agreement_no, order_no, item, amount_fen, created_at, "
    "next_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?9)";
static const char SQL_OUT_DROP[] = "UPDATE pay_outbox SET dropped_at = ?3 WHERE provider = ?1 AND kind = 'charge' "
                                   "AND agreement_no = ?2 AND sent_at IS NULL AND dropped_at IS NULL";
static const char SQL_OUT_DUE[] =
    "SELECT id, provider, kind, idem_key, trade_no, agreement_no, order_no, item, coalesce(amount_fen, 0) "
    "FROM pay_outbox WHERE sent_at IS NULL AND dropped_at IS NULL AND next_at <= ?1 AND attempts < 20 "
    "ORDER BY id LIMIT 50";
/* a sender takes a row for a minute, so the sweep and a request seldom send the same one at once (if they do, the
 * idempotency key makes the second a no-op at the provider) */
static const char SQL_OUT_TAKE[] = "UPDATE pay_outbox SET next_at = ?2 + 60 WHERE id = ?1 AND sent_at IS NULL "
                                   "AND dropped_at IS NULL AND next_at <= ?2";
static const char SQL_OUT_SENT[] = "UPDATE pay_outbox SET sent_at = ?2, attempts = attempts + 1 WHERE id = ?1";
static const char SQL_OUT_RETRY[] =
    "UPDATE pay_outbox SET attempts = attempts + 1, next_at = ?2 + min(3600, 30 << min(attempts, 7)) WHERE id = ?1";

typedef struct {
    const char *kind, *key, *trade_no, *agreement_no;
    const pay_request_t *rq; /* a charge's */
    int64_t amount_fen;
} outgoing_t;

static void bind_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, i);
}

/* Once per (provider, kind, key): the same request again adds nothing; another one under that key is refused. */
static int enqueue(ctx_t *c, const pay_provider_t *pv, const outgoing_t *o)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_OUT_FIND);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    bool same = rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), o->trade_no ? o->trade_no : "") &&
                sqlite3_column_int64(st, 1) == o->amount_fen;
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return same ? LL_OK : ctx_fail(c, LL_INVALID, "payment_mismatch", NULL);
    if (rc != SQLITE_DONE || !(st = db_stmt(c->db, SQL_OUT_NEW))) return LL_ERR;
    sqlite3_bind_text(st, 1, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->key, -1, SQLITE_TRANSIENT);
    bind_or_null(st, 4, o->trade_no);
    bind_or_null(st, 5, o->agreement_no);
    bind_or_null(st, 6, o->rq ? o->rq->order_no : NULL);
    bind_or_null(st, 7, o->rq ? o->rq->item : NULL);
    if (o->amount_fen) sqlite3_bind_int64(st, 8, o->amount_fen);
    else sqlite3_bind_null(st, 8);
    sqlite3_bind_int64(st, 9, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int pay_enqueue_refund(ctx_t *c, const pay_provider_t *pv, const char *trade_no, const char *refund_no,
                       int64_t amount_fen)
{
    outgoing_t o = {.kind = "refund", .key = refund_no, .trade_no = trade_no, .amount_fen = amount_fen};
    return enqueue(c, pv, &o);
}

int pay_enqueue_charge(ctx_t *c, const pay_provider_t *pv, const char *agreement_no, const pay_request_t *rq)
{
    outgoing_t o = {.kind = "charge", .key = rq->order_no, .agreement_no = agreement_no, .rq = rq,
                    .amount_fen = rq->amount_fen};
    return enqueue(c, pv, &o);
}

int pay_enqueue_revoke(ctx_t *c, const pay_provider_t *pv, const char *agreement_no)
{
    outgoing_t o = {.kind = "revoke", .key = agreement_no, .agreement_no = agreement_no};
    sqlite3_stmt *st = db_stmt(c->db, SQL_OUT_DROP);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, agreement_no, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    return enqueue(c, pv, &o);
}

typedef struct {
    int64_t id, amount_fen;
    const char *provider, *kind, *key, *trade_no, *agreement_no, *order_no, *item;
} queued_t;

static int due_requests(ctx_t *c, queued_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_OUT_DUE);
    if (!st) return LL_ERR;
    queued_t *v = arena_zalloc(c->arena, 50 * sizeof(*v));
    size_t k = 0;
    int rc;
    sqlite3_bind_int64(st, 1, c->now);
    while (k < 50 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        queued_t *q = &v[k++];
        q->id = sqlite3_column_int64(st, 0);
        q->provider = db_text(c->arena, st, 1);
        q->kind = db_text(c->arena, st, 2);
        q->key = db_text(c->arena, st, 3);
        q->trade_no = db_text(c->arena, st, 4);
        q->agreement_no = db_text(c->arena, st, 5);
        q->order_no = db_text(c->arena, st, 6);
        q->item = db_text(c->arena, st, 7);
        q->amount_fen = sqlite3_column_int64(st, 8);
    }
    if (k == 50) rc = SQLITE_DONE;
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static int outbox_mark(ctx_t *c, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    return db_changes(c->db) == 1 ? LL_OK : LL_NOTFOUND;
}

/* One request to its provider, outside any transaction of ours. */
static int send_one(ctx_t *c, const queued_t *q)
{
    const pay_provider_t *pv = pay_provider(q->provider);
    if (!pv) return LL_ERR;
    if (!strcmp(q->kind, "refund")) return pv->refund(c, q->trade_no, q->key, q->amount_fen);
    if (!strcmp(q->kind, "revoke")) return pv->revoke(c, q->agreement_no);
    const char *trade_no;
    pay_request_t rq = {.order_no = q->order_no, .item = q->item, .amount_fen = q->amount_fen};
    int res = pv->charge(c, q->agreement_no, &rq, &trade_no);
    return res ? res : vip_charge_accepted(c, pv, q->order_no, trade_no);
}

int pay_outbox_send(ctx_t *c, int64_t *sent)
{
    queued_t *v;
    size_t n;
    int64_t ok = 0;
    const char *code = c->err_code, *field = c->err_field; /* a refusal here is the sender's, not the request's */
    int res = due_requests(c, &v, &n);
    for (size_t i = 0; res == LL_OK && i < n; i++) {
        int taken = outbox_mark(c, SQL_OUT_TAKE, v[i].id);
        if (taken == LL_NOTFOUND) continue; /* another sender has it */
        if (taken) {
            res = LL_ERR;
            break;
        }
        bool accepted = send_one(c, &v[i]) == LL_OK;
        if (outbox_mark(c, accepted ? SQL_OUT_SENT : SQL_OUT_RETRY, v[i].id)) res = LL_ERR;
        ok += accepted;
    }
    c->err_code = code, c->err_field = field;
    if (sent) *sent = ok;
    return res;
}

/* ---- callbacks ---- */

/* Money arrived: the payment and the order move forward once; an order cancelled meanwhile is refunded. */
static int apply_paid(ctx_t *c, const pay_provider_t *pv, payment_t *p, const order_t *o)
{
    if (strcmp(p->status, "pending")) return LL_OK; /* duplicate, or late after the refund */
    if (set_payment(c, p->id, "paid") || post_payment(c, p, o, false)) return LL_ERR;
    if (!strcmp(o->status, "created")) return order_set_status(c, o->id, "paid");
    /* the customer cancelled while paying: the order is refunded and the money goes back */
    if (!strcmp(o->status, "cancelled") && order_set_status(c, o->id, "refunded")) return LL_ERR;
    /* otherwise the order was paid through an older trade (a page left open): this money goes back alone */
    return ask_refund(c, pv, p);
}

/* Whether another payment of the order holds its money (this one was a second, returned trade). */
static int other_paid(ctx_t *c, const payment_t *p, bool *yes)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_OTHER_PAID);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, p->order_id);
    sqlite3_bind_int64(st, 2, p->id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    *yes = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* Money went back: a refund notice before its payment notice posts both, in order. */
static int apply_refunded(ctx_t *c, payment_t *p, const order_t *o)
{
    bool paid_otherwise;
    if (!strcmp(p->status, "refunded")) return LL_OK;
    if (post_payment(c, p, o, false) || post_payment(c, p, o, true) || set_payment(c, p->id, "refunded")) return LL_ERR;
    if (!strcmp(o->status, "refunded") || !strcmp(o->status, "cancelled")) return LL_OK;
    if (other_paid(c, p, &paid_otherwise)) return LL_ERR;
    return paid_otherwise ? LL_OK : order_set_status(c, o->id, "refunded");
}

/* Part of the money went back (a dispute settled): the ledger moves once per refund number. */
static int apply_refunded_part(ctx_t *c, const payment_t *p, const order_t *o, const pay_notice_t *n)
{
    if (!n->refund_no || n->amount_fen >= p->amount_fen) return ctx_fail(c, LL_INVALID, "payment_mismatch", "amount_fen");
    if (strcmp(p->status, "paid")) return ctx_fail(c, LL_CONFLICT, "order_wrong_state", NULL);
    const char *provider = arena_printf(c->arena, "provider:%s", p->provider);
    const char *merchant = arena_printf(c->arena, "merchant:%lld", (long long)o->merchant_id);
    return pay_post(c, arena_printf(c->arena, "refund:%s", n->refund_no), merchant, provider, n->amount_fen, o->id);
}

static int apply(ctx_t *c, const pay_provider_t *pv, const pay_notice_t *n)
{
    payment_t p;
    order_t o;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PAY_BY_TRADE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, n->trade_no, -1, SQLITE_STATIC);
    int res = one_payment(c, st, &p);
    if (res == LL_NOTFOUND) return vip_apply_notice(c, pv, n); /* the other kind of payment subject */
    if (res || (res = order_load(c, p.order_id, &o))) return res;
    if (!strcmp(n->event, "refunded_part") && !strcmp(o.number, n->order_no)) return apply_refunded_part(c, &p, &o, n);
    if (p.amount_fen != n->amount_fen || strcmp(o.number, n->order_no))
        return ctx_fail(c, LL_INVALID, "payment_mismatch", "amount_fen"); /* never trust a number we did not send */
    if (!strcmp(n->event, "paid")) return apply_paid(c, pv, &p, &o);
    if (!strcmp(n->event, "refunded")) return apply_refunded(c, &p, &o);
    return ctx_fail(c, LL_INVALID, "invalid_field", "event");
}

int pay_callback(ctx_t *c, const pay_provider_t *pv, const char *body, size_t len, const char *signature)
{
    pay_notice_t n;
    int res = pv->verify(c, body, len, signature, &n);
    if (res) return res;
    if (db_begin(c->db)) return LL_ERR;
    res = apply(c, pv, &n);
    if (res == LL_OK)
        res = audit_append(c, "payment.callback", 0, 0,
                           arena_printf(c->arena, "{\"provider\":\"%s\",\"event\":\"%s\",\"trade\":\"%s\"}", pv->name,
                                        n.event, n.trade_no))
                  ? LL_ERR
                  : LL_OK;
    if (res || db_commit(c->db)) {
        db_rollback(c->db);
        return res ? res : LL_ERR;
    }
    pay_outbox_send(c, NULL); /* a refund the callback asked for goes out now; the sweep retries it if it fails */
    return LL_OK;
}
