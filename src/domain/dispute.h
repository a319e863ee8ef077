/*
 * dispute.h — staff settle disputed home-service orders (E6, C8, C5).
 *
 * A customer disputes an order in service or completed (order_dispute); the
 * support staff see the open disputes, oldest first, and settle each one in
 * one of three ways:
 *   refund   all the paid money goes back (order → refunded);
 *   partial  amount_fen (integer fen, 0 < amount ≤ paid) goes back, the rest
 *            stays with the merchant (order → resolved; the whole amount is a
 *            full refund);
 *   release  the money stays with the merchant (order → resolved).
 * A refund is asked of the payment provider through its interface with an
 * idempotency key (the payment's for a full refund, "DP" + the order number
 * for a partial one), so no retry ever refunds twice; the ledger moves when the
 * provider's callback confirms it, by balanced entries only.
 *
 * Invariants: only an order in state disputed is settled, once (the check
 * runs again inside the writing transaction, so two staff racing settle it
 * once and the second gets order_wrong_state); the settlement, the refund
 * request, the audit entry (order.dispute_resolved, the staff member as
 * actor, the customer as subject) and a message to both parties are written
 * in one transaction or not at all. An order that does not exist is
 * LL_NOTFOUND. Staff see no contact data of the customer here.
 */
#ifndef LL_DISPUTE_H
#define LL_DISPUTE_H
#include "base/ctx.h"
#include <stddef.h>
#include <stdint.h>

#define DISPUTE_PAGE_MAX 100

typedef struct {
    int64_t order_id, amount_fen, paid_fen, disputed_at, slot_at, city, district;
    const char *number, *item, *category, *merchant_name, *reason, *reason_label;
} dispute_t;

/* The open disputes, oldest first, at most DISPUTE_PAGE_MAX. */
int dispute_list(ctx_t *c, dispute_t **items, size_t *n);
typedef struct {
    const char *status, *outcome; /* the order's new state; the outcome as settled */
    int64_t refund_fen;           /* the amount going back to the customer */
} dispute_result_t;

/*
 * Settles the dispute of order_id: outcome "refund", "partial" (amount_fen) or
 * "release". LL_INVALID names "outcome" or "amount"; LL_CONFLICT
 * order_wrong_state, or nothing_to_refund when no payment holds money.
 */
int dispute_resolve(ctx_t *c, int64_t order_id, const char *outcome, int64_t amount_fen, dispute_result_t *out);

#endif
