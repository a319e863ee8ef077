/*
 * marketing.h — invitation rewards, gifts and marketing messages (C4, G3).
 *
 * Every account can have one random invitation code. A new account (at most
 * INVITE_WINDOW_DAYS old, not yet invited) may enter someone's code once: the
 * inviter is credited INVITE_POINTS reward points. Points buy gifts from a
 * fixed catalogue; only when a gift is claimed is a delivery name, phone and
 * address collected — sealed, shown masked, deleted GIFT_KEEP_DAYS after the
 * claim (pi_decl.h). Marketing messages go to the message centre of exactly
 * the accounts whose latest `marketing` consent is a grant, at the moment of
 * sending.
 */
#ifndef LL_MARKETING_H
#define LL_MARKETING_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INVITE_POINTS      10
#define INVITE_WINDOW_DAYS 7
#define GIFT_KEEP_DAYS     90

typedef struct {
    const char *slug, *label;
    int points;
} mkt_gift_t;
extern const mkt_gift_t mkt_gifts[];
extern const size_t mkt_gift_count;

/* The caller's code (made on first use), how many people it brought, the points balance. */
int mkt_invite_info(ctx_t *c, const char **code, int64_t *invited, int64_t *points);
/* The caller (a new account) names who invited them; the inviter is credited. */
int mkt_invite_accept(ctx_t *c, const char *code);
int64_t mkt_points(ctx_t *c, int64_t uid);

typedef struct {
    const char *gift, *name, *phone, *address;
} mkt_claim_in_t;
typedef struct {
    int64_t id, created_at;
    const char *gift, *status, *name, *phone, *address; /* masked */
} mkt_claim_t;
/* Spends points on a gift and records where to send it. */
int mkt_claim(ctx_t *c, const mkt_claim_in_t *in, int64_t *id);
int mkt_claims_mine(ctx_t *c, mkt_claim_t **items, size_t *n);

/* Admin: a marketing message to every account that currently consents; *sent counts them. */
int mkt_campaign(ctx_t *c, const char *title, const char *body, int64_t *sent);

#endif
