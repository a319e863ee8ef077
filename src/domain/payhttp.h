/*
 * payhttp.h — a payment provider reached over HTTP (pay_provider = http):
 * the shape a real gateway (or an adapter in front of one) plugs into.
 *
 * Protocol, every body compact JSON with sorted keys, signed as sent with
 * HMAC-SHA256 under the setting pay_http_key, hex in X-Pay-Signature:
 *   POST <pay_http_url>/trades  {"amount_fen","item","order_no"} (C5: nothing
 *        else) → 2xx {"trade_no": 4–64 of [A-Za-z0-9_-], "pay_url": http(s)}
 *   POST <pay_http_url>/refunds {"amount_fen","refund_no","trade_no"} → 2xx:
 *        accepted, once per refund_no (the idempotency key); the "refunded"
 *        callback (all of the trade) or "refunded_part" (with refund_no and
 *        that refund's amount) confirms it later
 *   POST <pay_http_url>/agreements {"amount_fen","item","order_no"} → 2xx
 *        {"agreement_no": 4–64 of [A-Za-z0-9_-]}: a standing agreement for
 *        auto-renewal, asked with the first payment of order_no (the payer
 *        signs it on the gateway's page for that payment)
 *   POST <pay_http_url>/charges {"agreement_no","amount_fen","item","order_no"}
 *        → 2xx {"trade_no"}: accepted, once per order_no (the idempotency key:
 *        a resent charge returns the same trade); the "paid" or "failed"
 *        callback (with that trade_no and order_no) tells the outcome, maybe late
 *   POST <pay_http_url>/agreements/revoke {"agreement_no"} → 2xx: no charge
 *        against it is made afterwards; asking again is accepted again
 *   callbacks to POST /api/v1/payments/http/callback, the same body shape and
 *        signature header as the sandbox's (payment.h applies them once).
 * Refunds, charges and revocations are sent from our outbox after our
 * transaction commits, and resent under the same key until answered 2xx.
 * Invariant: an answer that is not 2xx, not signed-shape JSON or names a bad
 * trade number or page fails the call; nothing of ours is written then.
 */
#ifndef LL_PAYHTTP_H
#define LL_PAYHTTP_H
#include "domain/payment.h"

/* The header carrying the signature of the gateway's callbacks. */
#define PAY_HTTP_SIG_HEADER "X-Pay-Signature"

#endif
