/*
 * review.h — reviews of completed home-service orders (C9).
 *
 * The customer of a completed order posts one review (a rating 1–5 and a
 * text of 1–REVIEW_TEXT_MAX characters), then adds up to REVIEW_PHOTOS_MAX
 * photos; the order moves completed → reviewed in the review's transaction.
 * The merchant may reply once. Reviews are public on the service, newest
 * first, the reviewer shown by a masked nickname (王**). The reviewer may
 * change the rating and text within REVIEW_EDIT_DAYS of posting (then
 * LL_CONFLICT review_locked), and delete the review at any time: it is their
 * personal information, so removing it is never refused; its photos and the
 * merchant's reply go with it, and the order stays reviewed.
 *
 * Invariants: at most one review per order; text, reply and photos are
 * sealed with the reviewer's data key, so cancelling the account removes
 * them and crypto-shredding reaches backups; every photo passes
 * photo_sanitize before it is stored, so no metadata (GPS EXIF) is ever
 * stored or served; the service's rating_sum and rating_count follow the rows
 * by trigger. Who: not a party → LL_NOTFOUND; the merchant reviewing →
 * LL_DENIED order_wrong_party; a state other than completed → LL_CONFLICT;
 * a second review → LL_CONFLICT review_exists. Nothing is written on a refusal.
 */
#ifndef LL_REVIEW_H
#define LL_REVIEW_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REVIEW_TEXT_MAX   500
#define REVIEW_REPLY_MAX  500
#define REVIEW_PHOTOS_MAX 9
#define REVIEW_PAGE_MAX   50
#define REVIEW_EDIT_DAYS  30

typedef struct {
    int64_t id, order_id, service_id, rating, created_at, replied_at;
    int64_t edited_at;         /* 0 until the reviewer changes it */
    const char *reviewer;      /* masked nickname, or 邻里用户 without one */
    const char *text, *reply;  /* reply NULL until the merchant answers */
    int64_t *photos;           /* photo ids, oldest first */
    size_t nphotos;
} review_t;

/* The caller reviews their completed order; *id is the new review. */
int review_create(ctx_t *c, int64_t order_id, int64_t rating, const char *text, int64_t *id);
/* Sanitises one photo and adds it to the caller's review of order_id. */
int review_add_photo(ctx_t *c, int64_t order_id, const void *data, size_t len, int64_t *photo_id);
/* The review of an order, for either party; LL_NOTFOUND when none or not a party. */
int review_of_order(ctx_t *c, int64_t order_id, review_t *out);
/* The merchant of the reviewed service answers once: LL_CONFLICT review_replied the second time. */
int review_reply(ctx_t *c, int64_t review_id, const char *text);
/* A page of a visible service's reviews, newest first, ids below before; *next is 0 on the last page. */
int review_list(ctx_t *c, int64_t service_id, int64_t before, int limit, review_t **items, size_t *n, int64_t *next);
/* The reviewer changes rating (0: keep) and/or text (NULL: keep) within REVIEW_EDIT_DAYS; others LL_NOTFOUND. */
int review_edit(ctx_t *c, int64_t review_id, int64_t rating, const char *text);
/* The caller's own review by its number; LL_NOTFOUND for anyone else's. */
int review_by_id(ctx_t *c, int64_t review_id, review_t *out);
/* The reviewer deletes the review with its photos and reply (audited); others LL_NOTFOUND. */
int review_delete(ctx_t *c, int64_t review_id);
/* A review photo's JPEG bytes (malloc'd; caller frees); LL_NOTFOUND if none. */
int review_photo(ctx_t *c, int64_t review_id, int64_t photo_id, void **data, size_t *len);

#endif
