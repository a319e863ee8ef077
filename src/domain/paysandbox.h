/*
 * paysandbox.h — the sandbox payment provider built into Linli, behaving like
 * a real one: a confirm page at its own address, signed callbacks delivered
 * asynchronously over HTTP and retried until acknowledged, refunds confirmed
 * by a later callback.
 *
 * Its records (sandbox_trades, sandbox_refunds, sandbox_notices) stand for the
 * provider's own system: a trade holds exactly the request Linli sent (order
 * number, item, amount: C5). A refund of part of a trade is kept under its
 * refund number (the idempotency key: the same one twice refunds once) and
 * never lets the refunds of a trade pass its amount. Callbacks are JSON signed with HMAC-SHA256 under the setting
 * pay_sandbox_key, hex in the X-Sandbox-Signature header.
 *
 * A trade number is "SBX" and 32 hex digits from the system's random source
 * (128 bits): it is the address of the cashier page, so it must not be
 * guessable. Confirming needs more than the address: the API checks that the
 * signed-in caller is the payer (pay_check_payer), as a real cashier asks its
 * payer to log in. Trades made before that rule keep their old numbers.
 */
#ifndef LL_PAYSANDBOX_H
#define LL_PAYSANDBOX_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t id, amount_fen;
    const char *trade_no, *order_no, *item, *status; /* status: waiting, paid, refunded */
} sandbox_trade_t;

/* One trade for its confirm page; LL_NOTFOUND if none. */
int sandbox_trade(ctx_t *c, const char *trade_no, sandbox_trade_t *out);
/* The payer confirms: waiting → paid, and a "paid" callback is queued; a repeat changes nothing. */
int sandbox_confirm(ctx_t *c, const char *trade_no);

typedef struct {
    int64_t id;
    const char *body, *signature;
} sandbox_notice_t;

/* Callbacks due now (at most 20), for delivery outside any transaction. */
int sandbox_due(ctx_t *c, sandbox_notice_t **items, size_t *n);
/* Records a delivery: acknowledged, or retried later with a growing delay. */
int sandbox_delivered(ctx_t *c, int64_t id, bool ok);
/* POSTs one callback to url; true when it answered 2xx. */
bool sandbox_post(const char *url, const char *body, const char *signature);

#endif
