/* order.c — home-service orders, their states and each party's view (see order.h). */
#include "domain/order.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/result.h"
#include "domain/merchant.h"
#include "domain/notice.h"
#include "domain/payment.h"
#include "domain/service.h"
#include "domain/validate.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "privacy/share.h"
#include "store/db.h"
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define ORDER_AHEAD_DAYS 90 /* an order is for a time within this many days */

#define ORDER_COLS                                                                                                     \
    "SELECT o.id, o.number, o.customer_id, o.merchant_id, o.service_id, o.category, o.item, o.amount_fen, o.city, "   \
    "o.district, o.slot_at, o.status, o.created_at, o.paid_at, o.accepted_at, o.started_at, o.completed_at, "         \
    "o.closed_at, o.revealed_at, m.name, o.address, o.phone, m.user_id, o.disputed_at, o.dispute_reason, "           \
    "o.dispute_outcome, o.refund_fen, o.resolved_at FROM orders o LEFT JOIN merchants m ON m.id = o.merchant_id "

static const char SQL_BY_ID[] = ORDER_COLS "WHERE o.id = ?";
static const char SQL_BY_NUMBER[] = ORDER_COLS "WHERE o.number = ?";
static const char SQL_BY_KEY[] = ORDER_COLS "WHERE o.customer_id = ?1 AND o.idem_key = ?2";
static const char SQL_MINE[] = ORDER_COLS "WHERE o.customer_id = ? ORDER BY o.id DESC LIMIT 100";
static const char SQL_FOR_MERCHANT[] = ORDER_COLS "WHERE o.merchant_id = ? ORDER BY o.id DESC LIMIT 100";

static const void *col_blob(ctx_t *c, sqlite3_stmt *st, int i, size_t *len)
{
    *len = (size_t)sqlite3_column_bytes(st, i);
    if (sqlite3_column_type(st, i) != SQLITE_BLOB) return NULL;
    return memcpy(arena_alloc(c->arena, *len), sqlite3_column_blob(st, i), *len);
}

/* Fills the row; *merchant_user is the merchant's account (0 when it is gone). */
static void fill(ctx_t *c, sqlite3_stmt *st, order_t *o, int64_t *merchant_user)
{
    memset(o, 0, sizeof(*o));
    o->id = sqlite3_column_int64(st, 0);
    o->number = db_text(c->arena, st, 1);
    o->customer_id = sqlite3_column_int64(st, 2);
    o->merchant_id = sqlite3_column_int64(st, 3);
    o->service_id = sqlite3_column_int64(st, 4);
    o->category = db_text(c->arena, st, 5);
    o->item = db_text(c->arena, st, 6);
    o->amount_fen = sqlite3_column_int64(st, 7);
    o->city = sqlite3_column_int64(st, 8);
    o->district = sqlite3_column_int64(st, 9);
    o->slot_at = sqlite3_column_int64(st, 10);
    o->status = db_text(c->arena, st, 11);
    int64_t *times[] = {&o->created_at, &o->paid_at, &o->accepted_at, &o->started_at, &o->completed_at, &o->closed_at,
                        &o->revealed_at};
    for (int i = 0; i < 7; i++) *times[i] = sqlite3_column_int64(st, 12 + i);
    o->merchant_name = db_text(c->arena, st, 19);
    o->sealed_address = col_blob(c, st, 20, &o->address_len);
    o->sealed_phone = col_blob(c, st, 21, &o->phone_len);
    *merchant_user = sqlite3_column_int64(st, 22);
    o->disputed_at = sqlite3_column_int64(st, 23);
    o->dispute_reason = db_text(c->arena, st, 24);
    o->dispute_outcome = db_text(c->arena, st, 25);
    o->refund_fen = sqlite3_column_int64(st, 26);
    o->resolved_at = sqlite3_column_int64(st, 27);
}

static int load_by(ctx_t *c, const char *sql, int64_t id, const char *text, order_t *o, int64_t *merchant_user)
{
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return LL_ERR;
    if (text) sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    else sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) fill(c, st, o, merchant_user);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

int order_load(ctx_t *c, int64_t id, order_t *out)
{
    int64_t mu;
    return load_by(c, SQL_BY_ID, id, NULL, out, &mu);
}

int order_by_number(ctx_t *c, const char *number, order_t *out)
{
    int64_t mu;
    return load_by(c, SQL_BY_NUMBER, 0, number, out, &mu);
}

/* ---- creating ---- */

/* RFC 3339 "YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)" into unix seconds; -1 if malformed. */
static int64_t parse_time(const char *s)
{
    int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, used = 0;
    char sign;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &used) != 5 || used != 16) return -1;
    const char *p = s + used;
    if (*p == ':' && sscanf(p, ":%2d%n", &sec, &used) == 1 && used == 3) p += 3;
    if (*p == 'Z' && !p[1]) sign = '+';
    else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d%n", &oh, &om, &used) == 2 && used == 5 && !p[6])
        sign = *p;
    else return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || oh > 14 || om > 59 || y < 2000)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    int64_t t = (int64_t)timegm(&tm);
    if (tm.tm_mday != d) return -1; /* 2026-02-30 */
    return t - (sign == '+' ? 1 : -1) * (oh * 3600 + om * 60);
}

static bool key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n < 1 || n > 64) return false;
    for (const char *p = k; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || strchr("-_.:", *p)))
            return false;
    return true;
}

static int check_input(ctx_t *c, const order_in_t *in, const svc_t *s, int64_t *slot_at)
{
    size_t n = in->address ? utf8_chars(in->address) : 0;
    *slot_at = parse_time(in->time);
    if (*slot_at < 0) return ctx_fail(c, LL_INVALID, "invalid_field", "time");
    if (*slot_at <= c->now || *slot_at > c->now + ORDER_AHEAD_DAYS * 86400 || !svc_slot_ok(s, *slot_at))
        return ctx_fail(c, LL_INVALID, "slot_unavailable", "time");
    if (!svc_serves(s, in->district)) return ctx_fail(c, LL_INVALID, "not_served", "district");
    if (n < 5 || n > 100 || has_control(in->address)) return ctx_fail(c, LL_INVALID, "invalid_field", "address");
    if (!valid_contact_phone(in->phone)) return ctx_fail(c, LL_INVALID, "invalid_field", "phone");
    if (in->idem_key && !key_ok(in->idem_key)) return ctx_fail(c, LL_INVALID, "invalid_field", "Idempotency-Key");
    return LL_OK;
}

/* Same key, same request: the stored order answers again; same key, another request: refused. */
static int replay(ctx_t *c, const order_in_t *in, int64_t slot_at, const uint8_t *dek, int64_t *id, bool *found)
{
    order_t o;
    int64_t mu;
    char *addr = NULL, *phone = NULL;
    *found = false;
    sqlite3_stmt *st = db_stmt(c->db, SQL_BY_KEY);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_text(st, 2, in->idem_key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) fill(c, st, &o, &mu);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return LL_OK;
    if (rc != SQLITE_ROW) return LL_ERR;
    *found = true;
    *id = o.id;
    if (!o.sealed_address || !o.sealed_phone ||
        pi_open(c->arena, PI_ORDER_ADDRESS, P_ORDER, dek, o.sealed_address, o.address_len, &addr) ||
        pi_open(c->arena, PI_ORDER_PHONE, P_ORDER, dek, o.sealed_phone, o.phone_len, &phone))
        return LL_ERR;
    if (o.service_id != in->service_id || o.slot_at != slot_at || o.district != in->district ||
        strcmp(addr, in->address) || strcmp(phone, in->phone))
        return ctx_fail(c, LL_INVALID, "idempotency_key_reused", "Idempotency-Key");
    return LL_OK;
}

static const char SQL_INSERT[] =
    "INSERT INTO orders(number, customer_id, merchant_id, service_id, category, item, amount_fen, city, district, "
    "slot_at, address, phone, status, idem_key, created_at, updated_at, ended_at) "
    "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,'created',?13,?14,?14,?14)";

static int insert(ctx_t *c, const order_in_t *in, const svc_t *s, int64_t slot_at, const uint8_t *dek, int64_t *id)
{
    size_t na, np;
    uint8_t *addr = pi_seal(c->arena, PI_ORDER_ADDRESS, dek, in->address, strlen(in->address), &na);
    uint8_t *phone = pi_seal(c->arena, PI_ORDER_PHONE, dek, in->phone, strlen(in->phone), &np);
    char number[32], day[16];
    time_t bj = (time_t)(c->now + 8 * 3600);
    struct tm tm;
    gmtime_r(&bj, &tm);
    strftime(day, sizeof day, "%Y%m%d", &tm);
    snprintf(number, sizeof number, "LL%s%010u", day, (unsigned)randombytes_uniform(4000000000u));
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, number, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_int64(st, 3, s->merchant_id);
    sqlite3_bind_int64(st, 4, s->id);
    sqlite3_bind_text(st, 5, s->category, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, s->title, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, s->price_fen);
    sqlite3_bind_int64(st, 8, s->city);
    sqlite3_bind_int64(st, 9, in->district);
    sqlite3_bind_int64(st, 10, slot_at);
    sqlite3_bind_blob(st, 11, addr, (int)na, SQLITE_STATIC);
    sqlite3_bind_blob(st, 12, phone, (int)np, SQLITE_STATIC);
    if (in->idem_key) sqlite3_bind_text(st, 13, in->idem_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 14, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    *id = db_last_id(c->db);
    return svc_count_order(c, s->id);
}

int order_create(ctx_t *c, const order_in_t *in, int64_t *id, bool *replayed)
{
    svc_t s;
    merchant_t m;
    int64_t slot_at;
    uint8_t dek[VAULT_KEY_LEN];
    *replayed = false;
    int res = svc_get(c, in->service_id, &s);
    if (res == LL_NOTFOUND) return ctx_fail(c, LL_INVALID, "invalid_field", "service_id");
    if (res || (res = check_input(c, in, &s, &slot_at))) return res;
    if (merchant_mine(c, &m) == LL_OK && m.id == s.merchant_id) return ctx_fail(c, LL_INVALID, "own_service", "service_id");
    c->err_code = NULL;
    if ((res = pi_subject_key(c, c->user_id, dek))) return res;
    if (db_begin(c->db)) goto out;
    /* inside the write transaction, so two retries with one key cannot both insert */
    res = in->idem_key ? replay(c, in, slot_at, dek, id, replayed) : LL_OK;
    /* the slot's room is counted in the same write transaction as the insert: parallel orders never overbook */
    if (res == LL_OK && !*replayed) res = svc_slot_room(c, s.id, slot_at);
    if (res == LL_OK && !*replayed) res = insert(c, in, &s, slot_at, dek, id);
    if (res || db_commit(c->db)) {
        db_rollback(c->db);
        if (!res) res = LL_ERR;
    }
out:
    sodium_memzero(dek, sizeof dek);
    return res;
}

/* ---- views ---- */

/* What the merchant may see of the customer's contact now (C8, E6). */
static order_contact_t merchant_contact(ctx_t *c, const order_t *o)
{
    const char *s = o->status;
    if (!strcmp(s, "accepted") || !strcmp(s, "in_service")) return ORDER_CONTACT_SHOWN;
    if (strcmp(s, "completed") && strcmp(s, "reviewed") && strcmp(s, "disputed")) return ORDER_CONTACT_HIDDEN;
    if (!o->completed_at) return ORDER_CONTACT_SHOWN; /* disputed during the service: needed to settle it */
    return c->now < o->completed_at + (int64_t)c->conf->order_contact_days * 86400 ? ORDER_CONTACT_SHOWN
                                                                                     : ORDER_CONTACT_MASKED;
}

static int open_contact(ctx_t *c, order_t *o, bool mask)
{
    uint8_t dek[VAULT_KEY_LEN];
    char *addr = NULL, *phone = NULL;
    if (!o->customer_id || !o->sealed_address || !o->sealed_phone) return LL_OK; /* erased with the account */
    int res = pi_subject_key(c, o->customer_id, dek);
    if (res == LL_OK) res = pi_open(c->arena, PI_ORDER_ADDRESS, P_ORDER, dek, o->sealed_address, o->address_len, &addr);
    if (res == LL_OK) res = pi_open(c->arena, PI_ORDER_PHONE, P_ORDER, dek, o->sealed_phone, o->phone_len, &phone);
    sodium_memzero(dek, sizeof dek);
    if (res) return res == LL_NOTFOUND ? LL_OK : res;
    o->address = mask ? pi_mask(c->arena, PI_ORDER_ADDRESS, addr) : addr;
    o->phone = mask ? pi_mask(c->arena, PI_ORDER_PHONE, phone) : phone;
    return LL_OK;
}

static const char SQL_REVEALED[] = "UPDATE orders SET revealed_at = ?2 WHERE id = ?1 AND revealed_at IS NULL";

/* Every reveal to the merchant is audited; the first is recorded as a share to the merchant (E6). */
static int record_reveal(ctx_t *c, const order_t *o)
{
    if (db_begin(c->db)) return LL_ERR;
    if (audit_append(c, "order.contact_revealed", c->user_id, o->customer_id,
                     arena_printf(c->arena, "{\"order\":%lld}", (long long)o->id)))
        goto fail;
    sqlite3_stmt *st = db_stmt(c->db, SQL_REVEALED);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_int64(st, 2, c->now);
    if (db_run(c->db, st)) goto fail;
    if (db_changes(c->db)) {
        json_t *fields = json_pack("[s, s]", "orders.address", "orders.phone");
        int res = share_record(c, arena_printf(c->arena, "服务商家：%s", o->merchant_name ? o->merchant_name : ""),
                               c->conf->data_region, fields, SHARE_BASIS_CONTRACT,
                               arena_printf(c->arena, "订单 %s", o->number), o->customer_id, 1);
        json_decref(fields);
        if (res) goto fail;
    }
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

/* Loads the order if the caller is a party to it; everyone else gets LL_NOTFOUND. */
static int load_party(ctx_t *c, int64_t id, order_t *o)
{
    int64_t merchant_user;
    int res = load_by(c, SQL_BY_ID, id, NULL, o, &merchant_user);
    if (res) return res;
    o->is_customer = o->customer_id && o->customer_id == c->user_id;
    if (!o->is_customer && (!merchant_user || merchant_user != c->user_id))
        return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return LL_OK;
}

int order_load_party(ctx_t *c, int64_t id, order_t *o)
{
    return load_party(c, id, o);
}

int order_view(ctx_t *c, int64_t id, order_t *o)
{
    int res = load_party(c, id, o);
    if (res) return res;
    o->contact = o->is_customer ? ORDER_CONTACT_SHOWN : merchant_contact(c, o);
    if (o->contact == ORDER_CONTACT_HIDDEN) return LL_OK;
    if ((res = open_contact(c, o, o->contact == ORDER_CONTACT_MASKED))) return res;
    if (!o->is_customer && o->contact == ORDER_CONTACT_SHOWN && o->phone) return record_reveal(c, o);
    return LL_OK;
}

int order_list(ctx_t *c, bool merchant, order_t **items, size_t *n)
{
    merchant_t m;
    int64_t key = c->user_id, mu;
    if (merchant) {
        int res = merchant_mine(c, &m);
        if (res) return res;
        key = m.id;
    }
    sqlite3_stmt *st = db_stmt(c->db, merchant ? SQL_FOR_MERCHANT : SQL_MINE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, key);
    order_t *v = arena_zalloc(c->arena, 100 * sizeof(*v));
    size_t k = 0;
    int rc = SQLITE_DONE;
    while (k < 100 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        fill(c, st, &v[k], &mu);
        v[k].is_customer = !merchant;
        v[k].sealed_address = v[k].sealed_phone = NULL; /* lists never carry contact */
        k++;
    }
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* ---- moves ---- */

static const char SQL_STATUS[] =
    "UPDATE orders SET status = ?2, updated_at = ?3, "
    "paid_at = CASE WHEN ?2 = 'paid' THEN ?3 ELSE paid_at END, "
    "accepted_at = CASE WHEN ?2 = 'accepted' THEN ?3 ELSE accepted_at END, "
    "started_at = CASE WHEN ?2 = 'in_service' THEN ?3 ELSE started_at END, "
    "completed_at = CASE WHEN ?2 = 'completed' THEN ?3 ELSE completed_at END, "
    "closed_at = CASE WHEN ?2 IN ('cancelled','refunded','resolved') THEN ?3 ELSE closed_at END, "
    /* the transaction record's retention counts from here (pi_decl.h): completion, or the end without it */
    "ended_at = CASE WHEN ?2 IN ('completed','cancelled','refunded','resolved') THEN ?3 ELSE ended_at END WHERE id = ?1";

int order_set_status(ctx_t *c, int64_t id, const char *status)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_STATUS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

typedef struct {
    const char *action, *from, *to;
    bool by_customer;
} move_t;

/* The whole table of who may move what; the first row matching action and state wins. */
static const move_t moves[] = {
    {"accept", "paid", "accepted", false},          {"start", "accepted", "in_service", false},
    {"complete", "in_service", "completed", false}, {"cancel", "created", "cancelled", true},
    {"cancel", "paid", "refunded", true},           {"cancel", "accepted", "refunded", true},
    {"cancel", "paid", "refunded", false},          {"cancel", "accepted", "refunded", false},
    {"dispute", "in_service", "disputed", true},    {"dispute", "completed", "disputed", true},
};

static bool known_action(const char *a)
{
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (!strcmp(moves[i].action, a)) return true;
    return false;
}

const order_reason_t order_dispute_reasons[] = {
    {"no_show", "商家未按约上门"}, {"quality", "服务质量问题"}, {"overcharge", "额外收费"},
    {"damage", "财物损坏"},       {"other", "其他"},
};
const size_t order_dispute_reason_count = sizeof order_dispute_reasons / sizeof order_dispute_reasons[0];

const order_reason_t *order_dispute_reason(const char *code)
{
    for (size_t i = 0; code && i < order_dispute_reason_count; i++)
        if (!strcmp(order_dispute_reasons[i].code, code)) return &order_dispute_reasons[i];
    return NULL;
}

int order_merchant_user(ctx_t *c, const order_t *o, int64_t *uid)
{
    merchant_t m;
    int res = merchant_load(c, o->merchant_id, &m);
    *uid = res == LL_OK ? m.user_id : 0;
    return res == LL_NOTFOUND ? LL_OK : res; /* the merchant's account is gone: nobody to tell */
}

static const char SQL_DISPUTED[] = "UPDATE orders SET disputed_at = ?2, dispute_reason = ?3 WHERE id = ?1";

/* Inside the move's transaction: when and why, and a word to the merchant (E6). */
static int record_dispute(ctx_t *c, const order_t *o, const char *reason)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_DISPUTED);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_int64(st, 2, c->now);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    if (db_run(c->db, st)) return LL_ERR;
    int64_t merchant_user;
    if (order_merchant_user(c, o, &merchant_user)) return LL_ERR;
    if (!merchant_user) return LL_OK;
    return notice_message(c, merchant_user, "order", "订单有争议",
                          arena_printf(c->arena, "顾客对订单 %s（%s）提出了争议，原因：%s。客服会联系双方处理，"
                                                 "处理结果会发到消息中心。",
                                       o->number, o->item, order_dispute_reason(reason)->label));
}

static int do_move(ctx_t *c, int64_t id, const char *action, const char *reason, const char **status);

int order_move(ctx_t *c, int64_t id, const char *action, const char **status)
{
    return do_move(c, id, action, "other", status);
}

int order_dispute(ctx_t *c, int64_t id, const char *reason, const char **status)
{
    if (!reason) reason = "other";
    if (!order_dispute_reason(reason)) return ctx_fail(c, LL_INVALID, "invalid_field", "reason");
    return do_move(c, id, "dispute", reason, status);
}

static int do_move(ctx_t *c, int64_t id, const char *action, const char *reason, const char **status)
{
    order_t o;
    if (!known_action(action)) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    int res = load_party(c, id, &o);
    if (res) return res;
    const move_t *m = NULL;
    bool other_party = false;
    for (size_t i = 0; i < sizeof moves / sizeof moves[0] && !m; i++) {
        if (strcmp(moves[i].action, action) || strcmp(moves[i].from, o.status)) continue;
        if (moves[i].by_customer == o.is_customer) m = &moves[i];
        else other_party = true;
    }
    if (!m && other_party) return ctx_fail(c, LL_DENIED, "order_wrong_party", NULL);
    if (!m) return ctx_fail(c, LL_CONFLICT, "order_wrong_state", NULL);
    if (db_begin(c->db)) return LL_ERR;
    /* a paid order that ends before the service begins gives the money back */
    if (order_set_status(c, id, m->to) || (!strcmp(m->to, "refunded") && pay_refund_order(c, id)) ||
        (!strcmp(m->to, "disputed") && record_dispute(c, &o, reason)) ||
        audit_append(c, "order.moved", c->user_id, o.is_customer ? 0 : o.customer_id,
                     arena_printf(c->arena, "{\"order\":%lld,\"from\":\"%s\",\"to\":\"%s\"}", (long long)id, m->from,
                                  m->to)) ||
        db_commit(c->db)) {
        db_rollback(c->db);
        return LL_ERR;
    }
    *status = m->to;
    if (!strcmp(m->to, "refunded")) pay_outbox_send(c, NULL); /* the refund goes out after commit; the sweep retries */
    return LL_OK;
}

static const char SQL_ANONYMISE[] = "UPDATE orders SET customer_id = NULL, address = NULL, phone = NULL, "
                                    "district = NULL, idem_key = NULL, updated_at = ?2 WHERE customer_id = ?1";

int order_erase_prepare(ctx_t *c, int64_t uid, int64_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ANONYMISE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_int64(st, 2, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    *n = db_changes(c->db);
    return LL_OK;
}
