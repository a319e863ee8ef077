/* membership.c — VIP plans, membership orders and their payments (A6, C5; see membership.h). */
#include "domain/membership.h"
#include "base/arena.h"
#include "base/result.h"
#include "privacy/audit.h"
#include "privacy/share.h"
#include "store/db.h"
#include <jansson.h>
#include <sodium.h>
#include <string.h>

#define DAY 86400

const vip_plan_t vip_plans[] = {
    {"monthly", "月度会员", "免费置顶 3 次/月；发布条数上限提高到 50 条；专属客服优先处理", 1800, 31},
    {"yearly", "年度会员", "免费置顶 5 次/月；发布条数上限提高到 100 条；专属客服优先处理；年付立省 36 元", 18000, 366},
};
const size_t vip_plan_count = sizeof vip_plans / sizeof vip_plans[0];

const vip_plan_t *vip_plan(const char *slug)
{
    for (size_t i = 0; slug && i < vip_plan_count; i++)
        if (!strcmp(vip_plans[i].slug, slug)) return &vip_plans[i];
    return NULL;
}

typedef struct {
    int64_t id, user_id, amount_fen;
    const char *number, *plan, *provider, *trade_no, *pay_url, *status;
} vorder_t;

#define VORDER_COLS "SELECT id, coalesce(user_id, 0), amount_fen, number, plan, provider, trade_no, pay_url, status " \
                    "FROM membership_orders "
static const char SQL_PENDING[] = VORDER_COLS "WHERE user_id = ?1 AND plan = ?2 AND provider = ?3 AND status = 'pending' "
                                              "ORDER BY id DESC LIMIT 1";
static const char SQL_BY_TRADE[] = VORDER_COLS "WHERE provider = ?1 AND trade_no = ?2";
static const char SQL_INSERT[] =
    "INSERT INTO membership_orders(number, user_id, plan, amount_fen, provider, trade_no, pay_url, status, created_at, "
    "ended_at) VALUES (?1,?2,?3,?4,?5,?6,?7,'pending',?8,?8)";
static const char SQL_ORDER_STATUS[] =
    "UPDATE membership_orders SET status = ?2, paid_at = CASE WHEN ?2 = 'paid' THEN ?3 ELSE paid_at END, ended_at = ?3 "
    "WHERE id = ?1";
static const char SQL_GET[] = "SELECT plan, status, started_at, expires_at, auto_renew FROM memberships WHERE user_id = ?";
/* a live membership is extended from its end; a lapsed or new one starts now */
static const char SQL_EXTEND[] =
    "INSERT INTO memberships(user_id, plan, status, started_at, expires_at, auto_renew, updated_at) "
    "VALUES (?1, ?2, 'active', ?3, ?3 + ?4, 1, ?3) ON CONFLICT(user_id) DO UPDATE SET plan = ?2, status = 'active', "
    "started_at = CASE WHEN status = 'active' AND expires_at > ?3 THEN started_at ELSE ?3 END, "
    "expires_at = CASE WHEN status = 'active' AND expires_at > ?3 THEN expires_at ELSE ?3 END + ?4, "
    "auto_renew = 1, renew_cancelled_at = NULL, updated_at = ?3";
static const char SQL_NO_RENEW[] = "UPDATE memberships SET auto_renew = 0, renew_cancelled_at = ?2, updated_at = ?2 "
                                   "WHERE user_id = ?1 AND status = 'active' AND auto_renew = 1";
static const char SQL_EXPIRE[] = "UPDATE memberships SET status = 'expired', auto_renew = 0, updated_at = ?1 "
                                 "WHERE status = 'active' AND expires_at <= ?1";
static const char SQL_ANONYMISE[] = "UPDATE membership_orders SET user_id = NULL WHERE user_id = ?1";

static const char *col_text(ctx_t *c, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? arena_strdup(c->arena, (const char *)s) : NULL;
}

static int one_order(ctx_t *c, sqlite3_stmt *st, vorder_t *o)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        o->id = sqlite3_column_int64(st, 0);
        o->user_id = sqlite3_column_int64(st, 1);
        o->amount_fen = sqlite3_column_int64(st, 2);
        o->number = col_text(c, st, 3);
        o->plan = col_text(c, st, 4);
        o->provider = col_text(c, st, 5);
        o->trade_no = col_text(c, st, 6);
        o->pay_url = col_text(c, st, 7);
        o->status = col_text(c, st, 8);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

static int by_trade(ctx_t *c, const pay_provider_t *pv, const char *trade_no, vorder_t *o)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_BY_TRADE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, trade_no, -1, SQLITE_TRANSIENT);
    return one_order(c, st, o);
}

static int pending_of(ctx_t *c, const vip_plan_t *p, const pay_provider_t *pv, vorder_t *o)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PENDING);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_text(st, 2, p->slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pv->name, -1, SQLITE_STATIC);
    return one_order(c, st, o);
}

int vip_get(ctx_t *c, vip_state_t *out)
{
    memset(out, 0, sizeof *out);
    out->status = "none";
    sqlite3_stmt *st = db_stmt(c->db, SQL_GET);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->plan = col_text(c, st, 0);
        out->status = col_text(c, st, 1);
        out->started_at = sqlite3_column_int64(st, 2);
        out->expires_at = sqlite3_column_int64(st, 3);
        out->auto_renew = sqlite3_column_int(st, 4) != 0;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* ---- buying ---- */

static int record(ctx_t *c, const pay_provider_t *pv, const vip_plan_t *p, const char *number, const char *trade_no,
                  const char *url)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_text(st, 3, p->slug, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, p->price_fen);
    sqlite3_bind_text(st, 5, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, trade_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    /* C5: what the provider received — the number (names no one), the plan's name and the amount */
    json_t *fields = json_pack("[s, s]", "membership_orders.plan", "membership_orders.amount_fen");
    int res = share_record(c, pay_recipient(c->arena, c->conf, pv), c->conf->data_region, fields, SHARE_BASIS_CONTRACT,
                           arena_printf(c->arena, "会员订单 %s", number), c->user_id, 1);
    json_decref(fields);
    if (res) return res;
    return audit_append(c, "membership.ordered", c->user_id, c->user_id,
                        arena_printf(c->arena, "{\"number\":\"%s\",\"plan\":\"%s\"}", number, p->slug))
               ? LL_ERR
               : LL_OK;
}

int vip_buy(ctx_t *c, const char *plan, const char **number, const char **pay_url, const char **trade_no)
{
    vorder_t o;
    const vip_plan_t *p = vip_plan(plan);
    const pay_provider_t *pv = pay_current(c->conf);
    if (!p) return ctx_fail(c, LL_INVALID, "membership_plan_unknown", "plan");
    if (!pv) return ctx_fail(c, LL_ERR, "payment_off", NULL);
    int res = pending_of(c, p, pv, &o);
    if (res == LL_OK) { /* buying the same plan again resumes the unpaid cashier page */
        *number = o.number, *pay_url = o.pay_url, *trade_no = o.trade_no;
        return LL_OK;
    }
    if (res != LL_NOTFOUND) return res;
    /* "VIP" and 20 random digits: [0-9A-Z] like a service order's number, never guessable */
    char num[32];
    snprintf(num, sizeof num, "VIP%010u%010u", (unsigned)randombytes_uniform(4000000000u),
             (unsigned)randombytes_uniform(4000000000u));
    *number = arena_strdup(c->arena, num);
    pay_request_t rq = {.order_no = *number, .item = p->label, .amount_fen = p->price_fen};
    if ((res = pv->create(c, &rq, trade_no, pay_url))) return res; /* outside our transaction: a network call */
    if (db_begin(c->db)) return LL_ERR;
    if ((res = record(c, pv, p, *number, *trade_no, *pay_url)) || db_commit(c->db)) {
        db_rollback(c->db);
        return res ? res : LL_ERR;
    }
    return LL_OK;
}

int vip_cancel_renewal(ctx_t *c, vip_state_t *out)
{
    int res = vip_get(c, out);
    if (res) return res;
    if (strcmp(out->status, "active")) return ctx_fail(c, LL_NOTFOUND, "membership_none", NULL);
    if (!out->auto_renew) return LL_OK; /* already off: cancelling again changes nothing */
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_NO_RENEW);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_int64(st, 2, c->now);
    if (db_run(c->db, st) || audit_append(c, "membership.renewal_cancelled", c->user_id, c->user_id, NULL) ||
        db_commit(c->db))
        goto fail;
    out->auto_renew = false;
    return LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

/* ---- callbacks ---- */

static int set_status(ctx_t *c, int64_t id, const char *status)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ORDER_STATUS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static int extend(ctx_t *c, const vorder_t *o)
{
    const vip_plan_t *p = vip_plan(o->plan);
    if (!p || !o->user_id) return LL_OK; /* a withdrawn plan or an erased account: the money is booked, no one to serve */
    sqlite3_stmt *st = db_stmt(c->db, SQL_EXTEND);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, o->user_id);
    sqlite3_bind_text(st, 2, p->slug, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    sqlite3_bind_int64(st, 4, (int64_t)p->days * DAY);
    if (db_run(c->db, st)) return LL_ERR;
    return audit_append(c, "membership.activated", 0, o->user_id,
                        arena_printf(c->arena, "{\"number\":\"%s\",\"plan\":\"%s\"}", o->number, p->slug))
               ? LL_ERR
               : LL_OK;
}

/* The provider holds the member's money for the platform, which earned it: no merchant is involved. */
static int book(ctx_t *c, const vorder_t *o, bool refund)
{
    const char *provider = arena_printf(c->arena, "provider:%s", o->provider);
    const char *txn = arena_printf(c->arena, "%s:membership:%lld", refund ? "refund" : "pay", (long long)o->id);
    return refund ? pay_post(c, txn, "platform:membership", provider, o->amount_fen, 0)
                  : pay_post(c, txn, provider, "platform:membership", o->amount_fen, 0);
}

int vip_apply_notice(ctx_t *c, const pay_provider_t *pv, const pay_notice_t *n)
{
    vorder_t o;
    int res = by_trade(c, pv, n->trade_no, &o);
    if (res == LL_NOTFOUND) return ctx_fail(c, LL_NOTFOUND, "not_found", "trade_no");
    if (res) return res;
    if (o.amount_fen != n->amount_fen || strcmp(o.number, n->order_no))
        return ctx_fail(c, LL_INVALID, "payment_mismatch", "amount_fen");
    if (!strcmp(n->event, "paid")) {
        if (strcmp(o.status, "pending")) return LL_OK; /* a duplicate, or late after a refund: applied once */
        return set_status(c, o.id, "paid") || book(c, &o, false) || extend(c, &o) ? LL_ERR : LL_OK;
    }
    if (!strcmp(n->event, "refunded")) { /* only a provider-side refund: Linli never asks for one (no refunds) */
        if (!strcmp(o.status, "refunded")) return LL_OK;
        return book(c, &o, false) || book(c, &o, true) || set_status(c, o.id, "refunded") ? LL_ERR : LL_OK;
    }
    return ctx_fail(c, LL_INVALID, "invalid_field", "event");
}

int vip_check_payer(ctx_t *c, const pay_provider_t *pv, const char *trade_no)
{
    vorder_t o;
    int res = by_trade(c, pv, trade_no, &o);
    if (res && res != LL_NOTFOUND) return res;
    bool mine = res == LL_OK && c->user_id && o.user_id == c->user_id;
    return mine ? LL_OK : ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
}

/* ---- the sweep and erasure ---- */

int vip_sweep(ctx_t *c, int64_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_EXPIRE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    *n = db_changes(c->db);
    return LL_OK;
}

int vip_erase_prepare(ctx_t *c, int64_t uid, int64_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ANONYMISE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    if (db_run(c->db, st)) return LL_ERR;
    *n = db_changes(c->db);
    return LL_OK;
}
