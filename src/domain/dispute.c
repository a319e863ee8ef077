/* dispute.c — staff settle disputed orders (see dispute.h). */
#include "domain/dispute.h"
#include "base/arena.h"
#include "base/result.h"
#include "domain/notice.h"
#include "domain/order.h"
#include "domain/payment.h"
#include "privacy/audit.h"
#include "store/db.h"
#include <string.h>

static const char SQL_OPEN[] =
    "SELECT o.id, o.number, o.item, o.category, o.amount_fen, o.disputed_at, o.dispute_reason, o.slot_at, o.city, "
    "o.district, m.name, (SELECT p.amount_fen FROM payments p WHERE p.order_id = o.id AND p.status = 'paid') "
    "FROM orders o LEFT JOIN merchants m ON m.id = o.merchant_id WHERE o.status = 'disputed' "
    "ORDER BY o.disputed_at, o.id LIMIT 100";
/* the settlement, only while the order is still disputed: a second settlement changes nothing */
static const char SQL_SETTLE[] = "UPDATE orders SET dispute_outcome = ?2, refund_fen = ?3, resolved_by = ?4, "
                                 "resolved_at = ?5 WHERE id = ?1 AND status = 'disputed'";

static const char *col_text(ctx_t *c, sqlite3_stmt *st, int i)
{
    const char *s = db_text(c->arena, st, i);
    return s ? s : "";
}

int dispute_list(ctx_t *c, dispute_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_OPEN);
    if (!st) return LL_ERR;
    dispute_t *v = arena_zalloc(c->arena, DISPUTE_PAGE_MAX * sizeof(*v));
    size_t k = 0;
    int rc;
    while (k < DISPUTE_PAGE_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        dispute_t *d = &v[k++];
        d->order_id = sqlite3_column_int64(st, 0);
        d->number = col_text(c, st, 1);
        d->item = col_text(c, st, 2);
        d->category = col_text(c, st, 3);
        d->amount_fen = sqlite3_column_int64(st, 4);
        d->disputed_at = sqlite3_column_int64(st, 5);
        d->reason = col_text(c, st, 6);
        const order_reason_t *r = order_dispute_reason(d->reason);
        d->reason_label = r ? r->label : "其他";
        d->slot_at = sqlite3_column_int64(st, 7);
        d->city = sqlite3_column_int64(st, 8);
        d->district = sqlite3_column_int64(st, 9);
        d->merchant_name = col_text(c, st, 10);
        d->paid_fen = sqlite3_column_int64(st, 11);
    }
    if (k == DISPUTE_PAGE_MAX) rc = SQLITE_DONE;
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* "¥120.50" from fen. */
static const char *yuan(ctx_t *c, int64_t fen)
{
    return arena_printf(c->arena, "¥%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* What each party reads in the message centre (E6: both are told how it was settled). */
static int tell_parties(ctx_t *c, const order_t *o, const char *outcome, int64_t refunded)
{
    int64_t merchant_user;
    const char *what = !strcmp(outcome, "release")
                           ? "款项结算给商家，不退款"
                           : arena_printf(c->arena, "%s %s，将原路退回顾客的支付账户",
                                          strcmp(outcome, "partial") ? "全额退款" : "部分退款", yuan(c, refunded));
    const char *body = arena_printf(c->arena, "订单 %s（%s）的争议已由客服处理：%s。如有疑问，请通过“帮助与反馈”联系我们。",
                                    o->number, o->item, what);
    if (o->customer_id && notice_message(c, o->customer_id, "order", "订单争议处理结果", body)) return LL_ERR;
    if (order_merchant_user(c, o, &merchant_user)) return LL_ERR;
    return merchant_user ? notice_message(c, merchant_user, "order", "订单争议处理结果", body) : LL_OK;
}

/* The outcome and amount checked against what was paid; a "partial" of everything is a full refund. */
static int check_outcome(ctx_t *c, int64_t order_id, const char **outcome, int64_t amount, int64_t *refunded)
{
    int64_t paid = 0;
    int res;
    *refunded = 0;
    if (!*outcome || (strcmp(*outcome, "refund") && strcmp(*outcome, "partial") && strcmp(*outcome, "release")))
        return ctx_fail(c, LL_INVALID, "invalid_field", "outcome");
    if (!strcmp(*outcome, "release")) return amount ? ctx_fail(c, LL_INVALID, "invalid_field", "amount") : LL_OK;
    if ((res = pay_paid_amount(c, order_id, &paid)) == LL_NOTFOUND)
        return ctx_fail(c, LL_CONFLICT, "nothing_to_refund", NULL);
    if (res) return res;
    if (!strcmp(*outcome, "refund")) {
        if (amount && amount != paid) return ctx_fail(c, LL_INVALID, "invalid_field", "amount");
        *refunded = paid;
        return LL_OK;
    }
    if (amount <= 0 || amount > paid) return ctx_fail(c, LL_INVALID, "invalid_field", "amount");
    if (amount == paid) *outcome = "refund";
    *refunded = amount;
    return LL_OK;
}

/* Inside the transaction: the settlement row, the order's state, the refund request. */
static int settle(ctx_t *c, const order_t *o, const char *outcome, int64_t refunded, const char *status)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_SETTLE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_text(st, 2, outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, refunded);
    sqlite3_bind_int64(st, 4, c->user_id);
    sqlite3_bind_int64(st, 5, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    if (db_changes(c->db) != 1) return ctx_fail(c, LL_CONFLICT, "order_wrong_state", NULL); /* settled meanwhile */
    if (order_set_status(c, o->id, status)) return LL_ERR;
    if (!strcmp(outcome, "refund")) return pay_refund_order(c, o->id);
    if (!strcmp(outcome, "partial"))
        return pay_refund_part(c, o->id, arena_printf(c->arena, "DP%s", o->number), refunded);
    return LL_OK;
}

int dispute_resolve(ctx_t *c, int64_t order_id, const char *outcome, int64_t amount_fen, dispute_result_t *out)
{
    order_t o;
    int res = order_load(c, order_id, &o);
    if (res) return res;
    if (strcmp(o.status, "disputed")) return ctx_fail(c, LL_CONFLICT, "order_wrong_state", NULL);
    if ((res = check_outcome(c, order_id, &outcome, amount_fen, &out->refund_fen))) return res;
    out->outcome = outcome;
    out->status = !strcmp(outcome, "refund") ? "refunded" : "resolved";
    if (db_begin(c->db)) return LL_ERR;
    if ((res = settle(c, &o, outcome, out->refund_fen, out->status))) goto fail;
    res = LL_ERR;
    if (tell_parties(c, &o, outcome, out->refund_fen) ||
        audit_append(c, "order.dispute_resolved", c->user_id, o.customer_id,
                     arena_printf(c->arena, "{\"order\":%lld,\"outcome\":\"%s\",\"refund_fen\":%lld}",
                                  (long long)order_id, outcome, (long long)out->refund_fen)))
        goto fail;
    if (db_commit(c->db)) goto fail;
    if (out->refund_fen) pay_outbox_send(c, NULL); /* the refund goes out after commit; the sweep retries it */
    return LL_OK;
fail:
    db_rollback(c->db);
    return res;
}
