/*
 * listing_index.h — the read side of published listings: the full-text
 * index, the nearby tree and the summary cards (B8, B9).
 *
 * Invariant: a listing has an entry in the full text (listings_fts or
 * listings_fts_new, see lidx_main_add), listing_cards and (when
 * it has a point) listings_geo exactly while its status is 'published'; the
 * callers in listing.c call lidx_add / lidx_remove inside the transaction that
 * changes the status. Everything here is derived from the listings row and
 * can be rebuilt from it (listing_reindex).
 *
 * Full-text rowids count down: rowid = LIDX_FTS_BASE - listing id, so
 * "newest first" is FTS5's cheap ascending walk.
 */
#ifndef LL_LISTING_INDEX_H
#define LL_LISTING_INDEX_H
#include "base/ctx.h"
#include "store/viewcache.h"
#include "domain/listing.h"
#include <jansson.h>

#define LIDX_FTS_BASE ((int64_t)1 << 53) /* listing ids stay below 2^53 (the router's bound) */

#define LIDX_CELLS_PER_DEGREE 10 /* listings_near's cells are 0.1 degree of latitude and of longitude */

/* The listings_near cell of a point. */
int64_t lidx_cell(double lat, double lng);
/* Adds l (its public view, as for lidx_card_put) to every index, with its card. */
int lidx_add(ctx_t *c, const listing_t *l);
/* Cards and nearby indexes of n listings, as lidx_add writes them (a rebuild's first pass). */
int lidx_add_views(ctx_t *c, const listing_t *v, size_t n);
/* Removes l (as it was added) from every index. */
int lidx_remove(ctx_t *c, const listing_t *l);
/*
 * The full text is in two parts (decisions.md): lidx_add writes to the
 * recent part, listings_fts_new, which stays small and so cheap to keep in
 * one segment; the listing tidy folds it into listings_fts now and then.
 * A listing is in exactly one part; a search reads both.
 */
/*
 * A fold or a rebuild, in a transaction of its own: lidx_main_add adds the
 * text of n listings (rows as the listings table holds them) to the main
 * part, as many times as it takes; lidx_recent_clear empties the recent part
 * (a whole fold, a rebuild). A partial fold (from_recent true) takes each
 * listing out of the recent part instead.
 */
int lidx_main_add(ctx_t *c, const listing_t *v, size_t n, bool from_recent);
int lidx_recent_clear(ctx_t *c);
/* How many segments a part of the full text is in. */
int lidx_segments(ctx_t *c, bool recent, int *n);
/* How many listings the recent part holds. */
int lidx_recent_count(ctx_t *c, int64_t *n);
/* One step of merging a part's segments, writing about |pages| pages: all into one (pages < 0), or
 * those of one level (pages > 0); *more: it did work. */
int lidx_merge(ctx_t *c, bool recent, int pages, bool *more);
/*
 * Writes the card of the published listing l; l is its public view: contact
 * and private fields masked, photos loaded, as listing_get gives a stranger.
 */
int lidx_card_put(ctx_t *c, const listing_t *l);
/* The public detail view (the card's `detail`), the shape of GET /listings/{id} for anyone but the poster. */
json_t *lidx_detail(ctx_t *c, const listing_t *l);
/*
 * A published listing's rendered card, from the shared copies when they
 * hold this snapshot's version (store/viewcache.h), else
 * from listing_cards (and then shared); LL_NOTFOUND when it is not published.
 * Expired ones are returned too: out->expires_at tells. m remembers the
 * cities' epochs read for one request (zero it first).
 */
#define LIDX_EPOCH_MEMO 8
typedef struct {
    int64_t city[LIDX_EPOCH_MEMO], epoch[LIDX_EPOCH_MEMO];
    int n;
} lidx_epochs_t;
int lidx_card(ctx_t *c, int64_t id, lidx_epochs_t *m, vc_entry_t *out);
/* lidx_card for n ids at once (a page of results: the shared copies are read together); res[i] is LL_OK or
 * LL_NOTFOUND for out[i]; the call returns LL_ERR on a database error, else LL_OK. */
int lidx_cards(ctx_t *c, const int64_t *ids, size_t n, lidx_epochs_t *m, vc_entry_t *out, int *res);
/* The rendered detail of a published, unexpired listing; LL_NOTFOUND otherwise. */
int lidx_detail_text(ctx_t *c, int64_t id, const char **text, size_t *len);
/* The text indexed with the title: the description and the public text attributes. */
const char *lidx_text(ctx_t *c, const listing_t *l);
/* The public summary of a listing, the shape of a search result and of a card. */
json_t *lidx_summary(ctx_t *c, const listing_t *l, const char *photo);
/*
 * The full-text scope of a city and category (store/fts.h): a listing's words
 * are indexed in its scope, so a keyword search in one city and category reads
 * one short posting list.
 */
const char *lidx_scope(ctx_t *c, int64_t city, const category_t *cat);
/* The category's number in the nearby tree. */
int lidx_cat_code(const category_t *cat);

#endif
