/*
 * payment.h — paying orders through a payment provider (C5), refunds, and
 * the double-entry ledger.
 *
 * A provider is a struct of function pointers, so a real one (an HTTP API
 * with its own signatures) fits beside the sandbox built into Linli. The
 * provider receives the order number, the item name and the amount, and
 * nothing else (C5); each payment started is recorded as a share.
 *
 * The money facts arrive only through the provider's signed, asynchronous
 * callback. Invariants: a callback with a bad signature, an unknown trade or
 * a wrong amount changes nothing; a callback is applied at most once however
 * often and in whatever order it arrives (a payment only moves forward:
 * pending → paid → refunded, and each ledger movement has a unique key);
 * every movement posts entries that sum to zero, so the whole ledger always
 * sums to zero.
 *
 * The setting pay_provider chooses the provider: "sandbox" (built in), "http"
 * (a gateway speaking the signed JSON protocol of payhttp.h) or "none" (paying
 * answers 503 payment_off). Only the chosen provider's callbacks and
 * pages answer; a trade number is the provider's and never guessable from ours.
 */
#ifndef LL_PAYMENT_H
#define LL_PAYMENT_H
#include "base/arena.h"
#include "base/conf.h"
#include "base/ctx.h"
#include "domain/order.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Everything a provider is told about a payment (C5). */
typedef struct {
    const char *order_no, *item;
    int64_t amount_fen;
} pay_request_t;

/*
 * A verified callback: event "paid", "refunded" (the whole payment went back)
 * or "refunded_part" (part of it went back: refund_no names that refund and
 * amount_fen is its amount, not the payment's).
 */
typedef struct {
    const char *event, *trade_no, *order_no;
    int64_t amount_fen;
    const char *refund_no; /* NULL unless the callback names a refund */
} pay_notice_t;

typedef struct pay_provider {
    const char *name;      /* in URLs and ledger accounts: "sandbox", "http" */
    const char *recipient; /* who receives the data, for the sharing record; NULL: the setting pay_http_name */
    /* Starts a payment, outside any transaction of ours; the page the customer confirms on, and the
     * provider's trade number (unguessable: it is the key to the cashier page). */
    int (*create)(ctx_t *c, const pay_request_t *rq, const char **trade_no, const char **pay_url);
    /* Asks for a refund of amount_fen (all of the trade, or a part), once per refund_no however often it is
     * asked (the idempotency key: the same refund_no never refunds twice); the provider confirms later with a
     * "refunded" (all) or "refunded_part" callback. */
    int (*refund)(ctx_t *c, const char *trade_no, const char *refund_no, int64_t amount_fen);
    /* Checks the signature over the raw body and reads it; LL_DENIED (bad_signature) if it does not verify. */
    int (*verify)(ctx_t *c, const char *body, size_t len, const char *signature, pay_notice_t *out);
    /* A standing payment agreement (auto-renewal), asked with the first payment rq (order number, item, amount:
     * C5, nothing else) outside any transaction; the payer signs it when confirming that payment. *agreement_no is
     * the provider's number for it. */
    int (*agree)(ctx_t *c, const pay_request_t *rq, const char **agreement_no);
    /* Charges the agreement for rq, once per rq->order_no however often it is asked (the idempotency key). Accepting
     * is not paying: a signed "paid" or "failed" callback naming *trade_no and the order number tells, maybe late. */
    int (*charge)(ctx_t *c, const char *agreement_no, const pay_request_t *rq, const char **trade_no);
    /* Ends the agreement: no charge against it is made afterwards; asking again changes nothing. */
    int (*revoke)(ctx_t *c, const char *agreement_no);
} pay_provider_t;

extern const pay_provider_t pay_sandbox, pay_http;
/* The provider named name, or NULL. */
const pay_provider_t *pay_provider(const char *name);
/* The provider the setting pay_provider chooses; NULL for "none" (or an unknown name, refused at start). */
const pay_provider_t *pay_current(const conf_t *conf);
/* Who receives a payment's data under pv: the name in each share record and in the published sharing list (E7). */
const char *pay_recipient(arena_t *a, const conf_t *conf, const pay_provider_t *pv);
/* LL_OK when the caller is the customer whose order provider pv's trade pays; LL_NOTFOUND otherwise. */
int pay_check_payer(ctx_t *c, const pay_provider_t *pv, const char *trade_no);
/* A provider's trade number: 4–64 of [A-Za-z0-9_-]. */
bool pay_trade_no_ok(const char *s);

/* The hex HMAC-SHA256 of body under key (65 bytes with the NUL): how callbacks and requests are signed. */
void pay_sign(const char *key, const char *body, size_t len, char hex[65]);
/* Checks a callback signed under key and reads it into out (strings live in c's arena). */
int pay_verify_signed(ctx_t *c, const char *key, const char *body, size_t len, const char *signature,
                      pay_notice_t *out);

/* The customer starts (or resumes) paying a created order; *pay_url is the provider's page. */
int pay_start(ctx_t *c, int64_t order_id, const char **pay_url, const char **trade_no);
/* Applies a provider's callback (raw body and signature header). */
int pay_callback(ctx_t *c, const pay_provider_t *p, const char *body, size_t len, const char *signature);
/* Posts one balanced movement inside the caller's transaction: +amount to debit, -amount to credit, once per txn
 * key (a repeat posts nothing); order_id 0 for a movement that is not a service order's (a membership). */
int pay_post(ctx_t *c, const char *txn, const char *debit, const char *credit, int64_t amount, int64_t order_id);
/* Asks the provider to refund the order's paid payment, if any (inside the caller's transaction). */
int pay_refund_order(ctx_t *c, int64_t order_id);
/* The amount of the order's paid payment; LL_NOTFOUND when none holds money. */
int pay_paid_amount(ctx_t *c, int64_t order_id, int64_t *amount_fen);
/*
 * Asks the provider to refund part of the order's paid payment (inside the
 * caller's transaction), under the idempotency key refund_no (4–64 of
 * [A-Za-z0-9_-]); 0 < amount_fen < paid. The ledger moves when the provider's
 * "refunded_part" callback arrives, once per refund_no.
 */
int pay_refund_part(ctx_t *c, int64_t order_id, const char *refund_no, int64_t amount_fen);

/*
 * The payment outbox. A request to a provider that follows from one of our
 * transactions (a refund, a renewal charge, revoking an agreement) is never
 * made inside it: it is written in the transaction and sent after commit — at
 * once by the request that committed it (pay_outbox_send) and again by every
 * sweep until the provider accepts it, always under the same idempotency key,
 * so a resend never refunds or charges twice. Both providers go this way.
 */
/* Inside the caller's transaction: a refund of amount_fen of pv's trade under refund_no; a repeat adds nothing. */
int pay_enqueue_refund(ctx_t *c, const pay_provider_t *pv, const char *trade_no, const char *refund_no,
                       int64_t amount_fen);
/* Inside the caller's transaction: a charge of agreement_no for rq, keyed by rq->order_no. */
int pay_enqueue_charge(ctx_t *c, const pay_provider_t *pv, const char *agreement_no, const pay_request_t *rq);
/* Inside the caller's transaction: revoking agreement_no; unsent charges against it are withdrawn. */
int pay_enqueue_revoke(ctx_t *c, const pay_provider_t *pv, const char *agreement_no);
/* Outside any transaction: sends the requests due now (at most 50); *sent of them were accepted (may be NULL). */
int pay_outbox_send(ctx_t *c, int64_t *sent);

#endif
