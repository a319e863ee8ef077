/*
 * membership.h — VIP memberships (A6), bought through the payment interface.
 *
 * Plans are defined in code (vip_plans). Buying makes a membership order —
 * the payment subject of kind "membership", beside the service orders that
 * payments.c records — and starts a payment at the current provider, which
 * receives the membership order's number, the plan's name and the amount only
 * (C5). The provider's signed callback (pay_callback) hands a trade it does
 * not find among service-order payments to vip_apply_notice, which activates
 * or extends the membership once per trade however often the callback comes.
 *
 * Invariants: a membership only moves forward in time by the days paid for;
 * every paid membership order posts one balanced ledger movement (provider →
 * platform:membership), keyed by the order so a duplicate posts nothing;
 * cancelling auto-renewal keeps the membership until its expiry (no refund);
 * the sweep marks memberships past their end expired. Auto-renewal is opt-in: a
 * standing agreement is asked of the provider with the first payment; the
 * sweep makes at most one renewal order per membership and period (its unique
 * renewal_key) and charges it through the payment outbox; only its "paid"
 * callback extends, once; a "failed" one tells the member and the membership
 * lapses at its end; ending, lapsing or cancelling revokes the agreement; a
 * provider refund of a paid order takes its days back. At account cancellation
 * the membership goes and each membership order keeps only plan, amount and
 * times (E-commerce Law), no longer tied to the person.
 */
#ifndef LL_MEMBERSHIP_H
#define LL_MEMBERSHIP_H
#include "base/ctx.h"
#include "domain/payment.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *slug, *label, *benefits;
    int64_t price_fen;
    int days;
} vip_plan_t;

extern const vip_plan_t vip_plans[];
extern const size_t vip_plan_count;
/* The plan named slug, or NULL. */
const vip_plan_t *vip_plan(const char *slug);

typedef struct {
    const char *plan, *status; /* status: none, active, expired */
    int64_t started_at, expires_at;
    bool auto_renew;
    const char *provider, *agreement_no; /* the standing payment agreement while auto-renewal is on (A6) */
} vip_state_t;

/* The caller's membership (status "none" if never bought). */
int vip_get(ctx_t *c, vip_state_t *out);
/* Creates (or resumes) a pending membership order for plan and its payment; the provider's page and trade. */
int vip_buy(ctx_t *c, const char *plan, const char **number, const char **pay_url, const char **trade_no);
/* vip_buy, and with auto_renew (the member's explicit choice) a standing agreement asked of the provider with the
 * first payment: paid, it turns auto-renewal on; the sweep then charges it a day before each period ends. */
int vip_buy_auto(ctx_t *c, const char *plan, bool auto_renew, const char **number, const char **pay_url,
                 const char **trade_no);
/* Turns auto-renewal off; the membership stays until it expires. LL_NOTFOUND if the caller has none active. */
int vip_cancel_renewal(ctx_t *c, vip_state_t *out);
/* Inside pay_callback's transaction: a verified notice for a trade that is not a service order's. */
int vip_apply_notice(ctx_t *c, const pay_provider_t *pv, const pay_notice_t *n);
/* LL_OK if the caller bought the membership order that pv's trade pays; LL_NOTFOUND otherwise. */
int vip_check_payer(ctx_t *c, const pay_provider_t *pv, const char *trade_no);
/* The provider accepted the charge for renewal order number as trade_no (from the outbox, or a callback that came
 * first); a repeat changes nothing. */
int vip_charge_accepted(ctx_t *c, const pay_provider_t *pv, const char *number, const char *trade_no);
/* The sweep: memberships renewing automatically and ending within a day are charged once per period (the charge
 * goes to the outbox); active memberships past their end become expired and their agreements are revoked; *n of
 * them. */
int vip_sweep(ctx_t *c, int64_t *n);
/* Inside the erasure transaction: membership orders lose their tie to uid (kept by law); *n of them. */
int vip_erase_prepare(ctx_t *c, int64_t uid, int64_t *n);

#endif
