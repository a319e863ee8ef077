/*
 * order.h — home-service orders (C8, C5, E6).
 *
 * States: created → paid → accepted → in_service → completed → reviewed,
 * with cancelled (before payment), refunded (after payment, before the
 * service starts) and disputed (during or after the service); staff settle a
 * dispute (dispute.h) into refunded (all the money back) or resolved (part of
 * it back, or all of it released to the merchant). Who moves what:
 *   customer: pay (created), cancel (created → cancelled; paid/accepted →
 *             refunded), dispute (in_service/completed), review (completed →
 *             reviewed, through review.c)
 *   merchant: accept (paid), start (accepted), complete (in_service),
 *             cancel (paid/accepted → refunded: declining the order)
 *   provider: paid (through the signed payment callback only)
 * Anyone else gets 404 for the order; a party moving what is not theirs gets
 * 403 order_wrong_party; a move the state does not allow gets 409.
 *
 * Invariants: the customer's address and phone are sealed with the
 * customer's data key. The merchant sees neither before accepting; from
 * acceptance until order_contact_days after completion the server opens them
 * for the merchant's view, auditing every reveal and recording the first as a
 * share to the merchant; afterwards the merchant sees them masked.
 */
#ifndef LL_ORDER_H
#define LL_ORDER_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t service_id, district;
    const char *time, *address, *phone, *idem_key; /* time: RFC 3339; idem_key may be NULL */
} order_in_t;

typedef enum { ORDER_CONTACT_HIDDEN, ORDER_CONTACT_SHOWN, ORDER_CONTACT_MASKED } order_contact_t;

typedef struct {
    int64_t id, customer_id, merchant_id, service_id, amount_fen, city, district, slot_at;
    int64_t created_at, paid_at, accepted_at, started_at, completed_at, closed_at, revealed_at;
    const char *number, *category, *item, *status, *merchant_name;
    bool is_customer;            /* the caller's role in the view */
    order_contact_t contact;     /* what the caller sees of address and phone */
    const char *address, *phone; /* per contact: full, masked, or NULL */
    const void *sealed_address, *sealed_phone;
    size_t address_len, phone_len;
    /* a dispute (E6): reason code, and how staff settled it (outcome NULL while open) */
    int64_t disputed_at, refund_fen, resolved_at;
    const char *dispute_reason, *dispute_outcome;
} order_t;

/* Why a customer disputes an order: a fixed list, so no free text (and no personal data) is stored. */
typedef struct {
    const char *code, *label;
} order_reason_t;
extern const order_reason_t order_dispute_reasons[];
extern const size_t order_dispute_reason_count;
const order_reason_t *order_dispute_reason(const char *code);

/* Creates an order for the caller; *replayed when an idempotency key returned an existing one. */
int order_create(ctx_t *c, const order_in_t *in, int64_t *id, bool *replayed);
/* The caller's view of an order (customer or merchant); LL_NOTFOUND for anyone else. Reveals are audited. */
int order_view(ctx_t *c, int64_t id, order_t *out);
/* A move by the caller: "accept", "start", "complete", "cancel", "dispute". *status is the new state. */
int order_move(ctx_t *c, int64_t id, const char *action, const char **status);
/* The customer disputes their order (in service or completed) for a reason code (NULL: "other"); the merchant
 * is told in the message centre. LL_INVALID names "reason" for a code not in the list. */
int order_dispute(ctx_t *c, int64_t id, const char *reason, const char **status);
/* The account of the order's merchant; 0 when that account is gone. */
int order_merchant_user(ctx_t *c, const order_t *o, int64_t *uid);
/* The caller's orders as customer (merchant false) or as merchant, newest first, at most 100, without contact. */
int order_list(ctx_t *c, bool merchant, order_t **items, size_t *n);

/* The order row if the caller is a party (is_customer set), without contact and without any audit; else LL_NOTFOUND. */
int order_load_party(ctx_t *c, int64_t id, order_t *out);
/* For payments: the order row, whoever asks (no view rules). */
int order_load(ctx_t *c, int64_t id, order_t *out);
int order_by_number(ctx_t *c, const char *number, order_t *out);
/* Sets a state and its time column inside the caller's transaction. */
int order_set_status(ctx_t *c, int64_t id, const char *status);
/*
 * Before an account is erased (inside the caller's transaction): the
 * customer's orders lose their link to the account, the address, the phone
 * and the district; the transaction record stays for the merchant as the law
 * requires. *n counts them.
 */
int order_erase_prepare(ctx_t *c, int64_t uid, int64_t *n);

#endif
