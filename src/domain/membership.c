/* membership.c — VIP plans, membership orders and their payments (A6, C5; see membership.h). */
#include "domain/membership.h"
#include "base/arena.h"
#include "base/result.h"
#include "domain/notice.h"
#include "privacy/audit.h"
#include "privacy/share.h"
#include "store/db.h"
#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

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
    int64_t id, user_id, amount_fen, failed_at;
    const char *number, *plan, *provider, *trade_no, *pay_url, *status;
    const char *agreement_no; /* the standing agreement signed with this purchase; NULL without auto-renewal */
    bool renewal;             /* a charge against an agreement, not a purchase */
} vorder_t;

#define VORDER_COLS "SELECT id, coalesce(user_id, 0), amount_fen, number, plan, provider, trade_no, pay_url, status, " \
                    "agreement_no, renewal_key IS NOT NULL, coalesce(failed_at, 0) FROM membership_orders "
/* a purchase is resumed only with the same choice about auto-renewal; renewal charges are never resumed */
static const char SQL_PENDING[] = VORDER_COLS "WHERE user_id = ?1 AND plan = ?2 AND provider = ?3 AND status = 'pending' "
                                              "AND renewal_key IS NULL AND (agreement_no IS NOT NULL) = ?4 "
                                              "ORDER BY id DESC LIMIT 1";
static const char SQL_BY_TRADE[] = VORDER_COLS "WHERE provider = ?1 AND trade_no = ?2";
/* a renewal whose callback came before the answer to the charge: its number still stands in for the trade */
static const char SQL_BY_CHARGE[] = VORDER_COLS "WHERE provider = ?1 AND number = ?2 AND renewal_key IS NOT NULL "
                                                "AND trade_no = number";
static const char SQL_ADOPT_TRADE[] = "UPDATE membership_orders SET trade_no = ?3 WHERE provider = ?1 AND number = ?2 "
                                      "AND renewal_key IS NOT NULL AND trade_no = number";
static const char SQL_INSERT[] =
    "INSERT INTO membership_orders(number, user_id, plan, amount_fen, provider, trade_no, pay_url, status, created_at, "
    "ended_at, agreement_no, renewal_key) VALUES (?1,?2,?3,?4,?5,?6,?7,'pending',?8,?8,?9,?10)";
static const char SQL_FAILED[] = "UPDATE membership_orders SET failed_at = ?2 WHERE id = ?1 AND failed_at IS NULL";
static const char SQL_ORDER_STATUS[] =
    "UPDATE membership_orders SET status = ?2, paid_at = CASE WHEN ?2 = 'paid' THEN ?3 ELSE paid_at END, ended_at = ?3 "
    "WHERE id = ?1";
static const char SQL_GET[] = "SELECT plan, status, started_at, expires_at, auto_renew, provider, agreement_no "
                              "FROM memberships WHERE user_id = ?";
/* a live membership is extended from its end; a lapsed or new one starts now. A purchase with an agreement (?5)
 * turns auto-renewal on with it; one without leaves the standing choice as it was */
static const char SQL_EXTEND[] =
    "INSERT INTO memberships(user_id, plan, status, started_at, expires_at, auto_renew, provider, agreement_no, "
    "updated_at) VALUES (?1, ?2, 'active', ?3, ?3 + ?4, ?5 IS NOT NULL, CASE WHEN ?5 IS NOT NULL THEN ?6 END, ?5, ?3) "
    "ON CONFLICT(user_id) DO UPDATE SET plan = ?2, status = 'active', "
    "started_at = CASE WHEN status = 'active' AND expires_at > ?3 THEN started_at ELSE ?3 END, "
    "expires_at = CASE WHEN status = 'active' AND expires_at > ?3 THEN expires_at ELSE ?3 END + ?4, "
    "auto_renew = CASE WHEN ?5 IS NOT NULL THEN 1 ELSE auto_renew END, "
    "provider = CASE WHEN ?5 IS NOT NULL THEN ?6 ELSE provider END, agreement_no = coalesce(?5, agreement_no), "
    "renew_cancelled_at = CASE WHEN ?5 IS NOT NULL THEN NULL ELSE renew_cancelled_at END, updated_at = ?3";
/* a paid renewal: the period follows on; the agreement stays as it is (renewal may have been cancelled meanwhile) */
static const char SQL_RENEW[] =
    "UPDATE memberships SET status = 'active', "
    "started_at = CASE WHEN status = 'active' AND expires_at > ?2 THEN started_at ELSE ?2 END, "
    "expires_at = CASE WHEN status = 'active' AND expires_at > ?2 THEN expires_at ELSE ?2 END + ?3, updated_at = ?2 "
    "WHERE user_id = ?1";
static const char SQL_NO_RENEW[] = "UPDATE memberships SET auto_renew = 0, agreement_no = NULL, renew_cancelled_at = ?2, "
                                   "updated_at = ?2 WHERE user_id = ?1 AND status = 'active' AND auto_renew = 1";
/* a refunded purchase takes its days back, never into the past */
static const char SQL_SHORTEN[] = "UPDATE memberships SET expires_at = max(?2, expires_at - ?3), updated_at = ?2 "
                                  "WHERE user_id = ?1 AND status = 'active'";
static const char SQL_ENDING[] = "SELECT user_id, provider, agreement_no FROM memberships WHERE status = 'active' "
                                 "AND expires_at <= ?1 AND (?2 = 0 OR user_id = ?2) LIMIT 500";
static const char SQL_END[] = "UPDATE memberships SET status = 'expired', auto_renew = 0, agreement_no = NULL, "
                              "updated_at = ?2 WHERE user_id = ?1 AND status = 'active' AND expires_at <= ?2";
static const char SQL_RENEW_DUE[] =
    "SELECT user_id, plan, provider, agreement_no, expires_at FROM memberships WHERE status = 'active' "
    "AND auto_renew = 1 AND agreement_no IS NOT NULL AND expires_at > ?1 AND expires_at <= ?1 + 86400 LIMIT 500";
static const char SQL_RENEWAL_MADE[] = "SELECT 1 FROM membership_orders WHERE renewal_key = ?";
static const char SQL_ANONYMISE[] = "UPDATE membership_orders SET user_id = NULL WHERE user_id = ?1";

static int one_order(ctx_t *c, sqlite3_stmt *st, vorder_t *o)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        o->id = sqlite3_column_int64(st, 0);
        o->user_id = sqlite3_column_int64(st, 1);
        o->amount_fen = sqlite3_column_int64(st, 2);
        o->number = db_text(c->arena, st, 3);
        o->plan = db_text(c->arena, st, 4);
        o->provider = db_text(c->arena, st, 5);
        o->trade_no = db_text(c->arena, st, 6);
        o->pay_url = db_text(c->arena, st, 7);
        o->status = db_text(c->arena, st, 8);
        o->agreement_no = db_text(c->arena, st, 9);
        o->renewal = sqlite3_column_int(st, 10) != 0;
        o->failed_at = sqlite3_column_int64(st, 11);
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

static int pending_of(ctx_t *c, const vip_plan_t *p, const pay_provider_t *pv, bool auto_renew, vorder_t *o)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PENDING);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_text(st, 2, p->slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, auto_renew);
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
        out->plan = db_text(c->arena, st, 0);
        out->status = db_text(c->arena, st, 1);
        out->started_at = sqlite3_column_int64(st, 2);
        out->expires_at = sqlite3_column_int64(st, 3);
        out->auto_renew = sqlite3_column_int(st, 4) != 0;
        out->provider = db_text(c->arena, st, 5);
        out->agreement_no = db_text(c->arena, st, 6);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* ---- buying ---- */

typedef struct {
    const char *number, *trade_no, *url, *agreement_no, *renewal_key;
} vnew_t;

/* C5: what the provider received — the number (names no one), the plan's name and the amount — as a share. */
static int record_share(ctx_t *c, const pay_provider_t *pv, const char *number, int64_t uid)
{
    json_t *fields = json_pack("[s, s]", "membership_orders.plan", "membership_orders.amount_fen");
    int res = share_record(c, pay_recipient(c->arena, c->conf, pv), c->conf->data_region, fields, SHARE_BASIS_CONTRACT,
                           arena_printf(c->arena, "会员订单 %s", number), uid, 1);
    json_decref(fields);
    return res;
}

static int record(ctx_t *c, const pay_provider_t *pv, const vip_plan_t *p, int64_t uid, const vnew_t *v)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, v->number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, uid);
    sqlite3_bind_text(st, 3, p->slug, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, p->price_fen);
    sqlite3_bind_text(st, 5, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, v->trade_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, v->url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, c->now);
    if (v->agreement_no) sqlite3_bind_text(st, 9, v->agreement_no, -1, SQLITE_STATIC);
    if (v->renewal_key) sqlite3_bind_text(st, 10, v->renewal_key, -1, SQLITE_STATIC);
    if (db_run(c->db, st) || record_share(c, pv, v->number, uid)) return LL_ERR;
    return audit_append(c, v->renewal_key ? "membership.renewal_charged" : "membership.ordered", c->user_id, uid,
                        arena_printf(c->arena, "{\"number\":\"%s\",\"plan\":\"%s\",\"auto_renew\":%s}", v->number,
                                     p->slug, v->agreement_no ? "true" : "false"))
               ? LL_ERR
               : LL_OK;
}

/* "VIP" and 20 random digits: [0-9A-Z] like a service order's number, never guessable. */
static const char *new_number(ctx_t *c)
{
    return arena_printf(c->arena, "VIP%010u%010u", (unsigned)randombytes_uniform(4000000000u),
                        (unsigned)randombytes_uniform(4000000000u));
}

int vip_buy(ctx_t *c, const char *plan, const char **number, const char **pay_url, const char **trade_no)
{
    return vip_buy_auto(c, plan, false, number, pay_url, trade_no);
}

int vip_buy_auto(ctx_t *c, const char *plan, bool auto_renew, const char **number, const char **pay_url,
                 const char **trade_no)
{
    vorder_t o;
    vnew_t v = {.agreement_no = NULL};
    const vip_plan_t *p = vip_plan(plan);
    const pay_provider_t *pv = pay_current(c->conf);
    if (!p) return ctx_fail(c, LL_INVALID, "membership_plan_unknown", "plan");
    if (!pv) return ctx_fail(c, LL_ERR, "payment_off", NULL);
    int res = pending_of(c, p, pv, auto_renew, &o);
    if (res == LL_OK) { /* buying the same plan again resumes the unpaid cashier page */
        *number = o.number, *pay_url = o.pay_url, *trade_no = o.trade_no;
        return LL_OK;
    }
    if (res != LL_NOTFOUND) return res;
    v.number = *number = new_number(c);
    pay_request_t rq = {.order_no = *number, .item = p->label, .amount_fen = p->price_fen};
    /* outside our transaction: network calls. The agreement is signed with this first payment (A6: opt-in only) */
    if ((res = pv->create(c, &rq, trade_no, pay_url))) return res;
    if (auto_renew && (res = pv->agree(c, &rq, &v.agreement_no))) return res;
    v.trade_no = *trade_no, v.url = *pay_url;
    if (db_begin(c->db)) return LL_ERR;
    if ((res = record(c, pv, p, c->user_id, &v)) || db_commit(c->db)) {
        db_rollback(c->db);
        return res ? res : LL_ERR;
    }
    return LL_OK;
}

/* Inside the caller's transaction: asks the provider (after commit) to end uid's standing agreement, if any. */
static int revoke_of(ctx_t *c, const char *provider, const char *agreement_no)
{
    const pay_provider_t *pv = pay_provider(provider);
    if (!agreement_no) return LL_OK;
    return pv ? pay_enqueue_revoke(c, pv, agreement_no) : LL_ERR;
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
    /* the agreement ends with the choice: no later charge can be made against it, even one already queued */
    if (db_run(c->db, st) || revoke_of(c, out->provider, out->agreement_no) ||
        audit_append(c, "membership.renewal_cancelled", c->user_id, c->user_id, NULL) || db_commit(c->db))
        goto fail;
    out->auto_renew = false;
    out->agreement_no = NULL;
    pay_outbox_send(c, NULL); /* the revocation goes out now; the sweep retries it */
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

/* The member's standing agreement now (provider and number; NULLs when none). */
static int agreement_of(ctx_t *c, int64_t uid, const char **provider, const char **agreement_no)
{
    int64_t caller = c->user_id;
    vip_state_t v;
    c->user_id = uid;
    int res = vip_get(c, &v);
    c->user_id = caller;
    *provider = v.provider, *agreement_no = res ? NULL : v.agreement_no;
    return res;
}

/* A purchase: its days, and its agreement replaces an older one (which is revoked). */
static int extend_purchase(ctx_t *c, const vorder_t *o, const vip_plan_t *p)
{
    const char *old_provider, *old_agreement;
    if (agreement_of(c, o->user_id, &old_provider, &old_agreement)) return LL_ERR;
    if (o->agreement_no && old_agreement && strcmp(old_agreement, o->agreement_no) &&
        revoke_of(c, old_provider, old_agreement))
        return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_EXTEND);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, o->user_id);
    sqlite3_bind_text(st, 2, p->slug, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    sqlite3_bind_int64(st, 4, (int64_t)p->days * DAY);
    if (o->agreement_no) sqlite3_bind_text(st, 5, o->agreement_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, o->provider, -1, SQLITE_STATIC);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static int extend(ctx_t *c, const vorder_t *o)
{
    const vip_plan_t *p = vip_plan(o->plan);
    if (!p || !o->user_id) return LL_OK; /* a withdrawn plan or an erased account: the money is booked, no one to serve */
    if (!o->renewal && extend_purchase(c, o, p)) return LL_ERR;
    if (o->renewal) {
        sqlite3_stmt *st = db_stmt(c->db, SQL_RENEW);
        if (!st) return LL_ERR;
        sqlite3_bind_int64(st, 1, o->user_id);
        sqlite3_bind_int64(st, 2, c->now);
        sqlite3_bind_int64(st, 3, (int64_t)p->days * DAY);
        if (db_run(c->db, st)) return LL_ERR;
    }
    return audit_append(c, o->renewal ? "membership.renewed" : "membership.activated", 0, o->user_id,
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

/* Memberships (all, or uid's) whose end has come: expired, and their agreements revoked; *n of them. */
static int end_due(ctx_t *c, int64_t uid, int64_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ENDING);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_int64(st, 2, uid);
    int64_t ids[500];
    const char *providers[500], *agreements[500];
    int k = 0, rc;
    while (k < 500 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ids[k] = sqlite3_column_int64(st, 0);
        providers[k] = db_text(c->arena, st, 1);
        agreements[k++] = db_text(c->arena, st, 2);
    }
    sqlite3_reset(st);
    *n = 0;
    for (int i = 0; i < k; i++) {
        if (revoke_of(c, providers[i], agreements[i]) || !(st = db_stmt(c->db, SQL_END))) return LL_ERR;
        sqlite3_bind_int64(st, 1, ids[i]);
        sqlite3_bind_int64(st, 2, c->now);
        if (db_run(c->db, st)) return LL_ERR;
        *n += db_changes(c->db);
    }
    return LL_OK;
}

/* A provider-side refund of a paid purchase or renewal takes its days back; a membership left with none ends now. */
static int shorten(ctx_t *c, const vorder_t *o)
{
    const vip_plan_t *p = vip_plan(o->plan);
    int64_t ended;
    if (!p || !o->user_id) return LL_OK;
    sqlite3_stmt *st = db_stmt(c->db, SQL_SHORTEN);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, o->user_id);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_int64(st, 3, (int64_t)p->days * DAY);
    if (db_run(c->db, st) || end_due(c, o->user_id, &ended)) return LL_ERR;
    const char *body = arena_printf(c->arena, "会员订单 %s（%s）的款项已由支付服务商退回，对应的会员时长已扣除%s。", o->number,
                                    p->label, ended ? "，会员已终止" : "");
    return notice_message(c, o->user_id, "membership", "会员款项已退回", body) ||
                   audit_append(c, "membership.refunded", 0, o->user_id,
                                arena_printf(c->arena, "{\"number\":\"%s\"}", o->number))
               ? LL_ERR
               : LL_OK;
}

/* A renewal charge was declined: the member is told; the membership lapses at its end unless they pay. */
static int charge_failed(ctx_t *c, const vorder_t *o)
{
    const vip_plan_t *p = vip_plan(o->plan);
    vip_state_t v = {.expires_at = 0};
    if (!o->renewal) return ctx_fail(c, LL_INVALID, "invalid_field", "event");
    if (strcmp(o->status, "pending") || o->failed_at) return LL_OK; /* paid after all, or told already */
    sqlite3_stmt *st = db_stmt(c->db, SQL_FAILED);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_int64(st, 2, c->now);
    if (db_run(c->db, st) || !o->user_id) return db_changes(c->db) >= 0 ? LL_OK : LL_ERR;
    int64_t caller = c->user_id;
    c->user_id = o->user_id;
    int res = vip_get(c, &v);
    c->user_id = caller;
    if (res) return res;
    char end[32];
    time_t t = (time_t)(v.expires_at + 8 * 3600); /* Beijing time */
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(end, sizeof end, "%Y年%m月%d日 %H:%M", &tm);
    const char *body = arena_printf(c->arena, "您的%s自动续费扣款未成功（会员订单 %s）。会员将在 %s 到期，到期前您可以在“我的会员”"
                                    "手动续费；本期不会再次自动扣款。",
                                    p ? p->label : "会员", o->number, end);
    return notice_message(c, o->user_id, "membership", "会员自动续费失败", body) ||
                   audit_append(c, "membership.renewal_failed", 0, o->user_id,
                                arena_printf(c->arena, "{\"number\":\"%s\"}", o->number))
               ? LL_ERR
               : LL_OK;
}

/* The order a notice is for: by the provider's trade, or a renewal's by its number when the callback outran the
 * answer to the charge (the trade is then taken from the signed notice). */
static int notice_order(ctx_t *c, const pay_provider_t *pv, const pay_notice_t *n, vorder_t *o)
{
    int res = by_trade(c, pv, n->trade_no, o);
    if (res != LL_NOTFOUND) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_BY_CHARGE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, n->order_no, -1, SQLITE_STATIC);
    if ((res = one_order(c, st, o))) return res == LL_NOTFOUND ? ctx_fail(c, LL_NOTFOUND, "not_found", "trade_no") : res;
    return vip_charge_accepted(c, pv, n->order_no, n->trade_no);
}

int vip_apply_notice(ctx_t *c, const pay_provider_t *pv, const pay_notice_t *n)
{
    vorder_t o;
    int res = notice_order(c, pv, n, &o);
    if (res) return res;
    if (o.amount_fen != n->amount_fen || strcmp(o.number, n->order_no))
        return ctx_fail(c, LL_INVALID, "payment_mismatch", "amount_fen");
    if (!strcmp(n->event, "paid")) {
        if (strcmp(o.status, "pending")) return LL_OK; /* a duplicate, or late after a refund: applied once */
        return set_status(c, o.id, "paid") || book(c, &o, false) || extend(c, &o) ? LL_ERR : LL_OK;
    }
    if (!strcmp(n->event, "failed")) return charge_failed(c, &o);
    if (!strcmp(n->event, "refunded")) { /* only a provider-side refund: Linli never asks for one (no refunds) */
        if (!strcmp(o.status, "refunded")) return LL_OK;
        bool served = !strcmp(o.status, "paid"); /* a refund before its payment notice never gave any days */
        if (book(c, &o, false) || book(c, &o, true) || set_status(c, o.id, "refunded")) return LL_ERR;
        return served ? shorten(c, &o) : LL_OK;
    }
    return ctx_fail(c, LL_INVALID, "invalid_field", "event");
}

int vip_charge_accepted(ctx_t *c, const pay_provider_t *pv, const char *number, const char *trade_no)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ADOPT_TRADE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, pv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, number, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, trade_no, -1, SQLITE_TRANSIENT);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
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

typedef struct {
    int64_t uid, expires_at;
    const char *plan, *provider, *agreement_no;
} due_t;

/* Inside the sweep's transaction: one renewal order per membership and period, and its charge in the outbox. */
static int charge_one(ctx_t *c, const due_t *d)
{
    const vip_plan_t *p = vip_plan(d->plan);
    const pay_provider_t *pv = pay_provider(d->provider);
    vnew_t v = {.agreement_no = d->agreement_no};
    if (!p || !pv) return LL_OK; /* a withdrawn plan or provider: no renewal; the membership lapses at its end */
    v.renewal_key = arena_printf(c->arena, "%lld:%lld", (long long)d->uid, (long long)d->expires_at);
    sqlite3_stmt *st = db_stmt(c->db, SQL_RENEWAL_MADE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, v.renewal_key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return LL_OK; /* this period was charged (or tried) already */
    if (rc != SQLITE_DONE) return LL_ERR;
    v.number = v.trade_no = new_number(c); /* the number stands in for the trade until the provider names it */
    v.url = "";
    pay_request_t rq = {.order_no = v.number, .item = p->label, .amount_fen = p->price_fen}; /* C5 */
    if (record(c, pv, p, d->uid, &v)) return LL_ERR;
    return pay_enqueue_charge(c, pv, d->agreement_no, &rq);
}

/* Memberships ending within a day that renew automatically: each is charged once for its next period. */
static int charge_due(ctx_t *c)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_RENEW_DUE);
    if (!st) return LL_ERR;
    due_t *v = arena_zalloc(c->arena, 500 * sizeof(*v));
    int k = 0, rc;
    sqlite3_bind_int64(st, 1, c->now);
    while (k < 500 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        v[k].uid = sqlite3_column_int64(st, 0);
        v[k].plan = db_text(c->arena, st, 1);
        v[k].provider = db_text(c->arena, st, 2);
        v[k].agreement_no = db_text(c->arena, st, 3);
        v[k++].expires_at = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    for (int i = 0; i < k; i++)
        if (charge_one(c, &v[i])) return LL_ERR;
    return LL_OK;
}

int vip_sweep(ctx_t *c, int64_t *n)
{
    if (db_begin(c->db)) return LL_ERR;
    if (charge_due(c) || end_due(c, 0, n) || db_commit(c->db)) {
        db_rollback(c->db);
        return LL_ERR;
    }
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
