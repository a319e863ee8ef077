/*
 * listing.h — information people post (B1–B7), its life cycle, contact
 * reveal (B12), reports and moderation (B13).
 *
 * States: pending (waiting for a moderator) → published → expired / removed,
 * and hidden (many reports) or rejected by moderation. Only published
 * listings are in the search and nearby indexes; every other state is
 * invisible to everyone but the poster and staff, and answers 404.
 */
#ifndef LL_LISTING_H
#define LL_LISTING_H
#include "base/ctx.h"
#include "domain/category.h"
#include "domain/validate.h"
#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define LISTING_DAYS 30       /* a listing is shown this long, then renewed or expired */
#define LISTING_REPORTS_HIDE 3 /* reports from this many people hide it until reviewed */

/* Input of a create or a change; NULL / has_ false = not given (a change keeps the old value). */
typedef struct {
    const char *category, *subcategory, *title, *description, *contact_phone;
    bool has_price, has_city, has_district, has_point, clear_price, clear_point;
    int64_t price_fen, city, district;
    double lat, lng;
    json_t *fields; /* category fields; in a change, merged by name (null removes one) */
} listing_in_t;

typedef struct listing {
    int64_t id, user_id;
    const category_t *cat;
    const char *subcategory, *title, *description, *status, *moderation_note;
    json_t *attrs; /* public fields; freed with the arena */
    bool has_price, has_point;
    int64_t price_fen, city, district;
    double lat, lng;
    const char *contact_masked;
    const char *masked[PI__COUNT]; /* CF_SHOW_MASKED private fields, masked */
    const char **photos;           /* photo names, NULL-terminated */
    int64_t created_at, updated_at, expires_at;
    bool own; /* the caller posted it */
} listing_t;

int listing_create(ctx_t *c, const listing_in_t *in, int64_t *id, const char **status);
/* The listing as the caller may see it: published, or the caller's own; else LL_NOTFOUND. */
int listing_get(ctx_t *c, int64_t id, listing_t *out);
int listing_update(ctx_t *c, int64_t id, const listing_in_t *in, const char **status);
int listing_delete(ctx_t *c, int64_t id);
int listing_renew(ctx_t *c, int64_t id);
/* The caller's listings, newest first. */
int listing_mine(ctx_t *c, listing_t **items, size_t *n);

/* Full contact of a published listing for a signed-in person; rate-limited and audited (B12). */
typedef struct {
    const char *phone;
    const char *fields[PI__COUNT]; /* CF_SHOW_MASKED and CF_SHOW_CONTACT fields in full */
} listing_contact_t;
int listing_contact(ctx_t *c, int64_t id, listing_contact_t *out, const category_t **cat);

/* The reasons a report may give (codes stored in listing_reports.reason), ended by {NULL, NULL}. */
extern const reason_t listing_report_reasons[];
/* One report per person per listing; enough reports hide it for review. */
int listing_report(ctx_t *c, int64_t id, const char *reason);
/* Staff (moderator): reports grouped by listing and reason, newest first, at most 200; no reporter named. */
typedef struct {
    int64_t listing_id, last_at;
    const char *title, *status, *reason, *reason_text;
    int count;
} listing_report_t;
int listing_reports(ctx_t *c, listing_report_t **items, size_t *n);

/* Staff (moderator): the queue, a decision, the private fields for verification (audited, F5). */
int listing_queue(ctx_t *c, const char *status, listing_t **items, size_t *n);
int listing_moderate(ctx_t *c, int64_t id, bool approve, const char *note);
int listing_private(ctx_t *c, int64_t id, const char *values[PI__COUNT], const category_t **cat);

/* The blocklist (B13). */
int listing_block_add(ctx_t *c, const char *kind, const char *pattern);
int listing_block_remove(ctx_t *c, int64_t id);
json_t *listing_block_list(ctx_t *c);

/*
 * Before an account is erased: takes its published listings out of the
 * indexes (inside the caller's transaction) and lists its photo files
 * (NULL-terminated, in the arena) for removal after the commit.
 */
int listing_erase_prepare(ctx_t *c, int64_t uid, const char ***files);
/* Removes photo files (main and thumbnail) by name. */
void listing_unlink_photos(ctx_t *c, const char **names);
/*
 * Takes an account's published and pending listings (all, or only adults-only
 * ones) out of publication and the indexes, status 'hidden' with note "minor"
 * (H1); a moderator cannot approve such a listing back into publication.
 * Runs inside the caller's transaction.
 */
int listing_withdraw(ctx_t *c, int64_t uid, bool adults_only);
/* Moves published listings past their expiry to 'expired' and out of the indexes; *n counts them. */
int listing_expire_due(ctx_t *c, int64_t *n);
/* Writes the card of a published listing again (its photos changed); nothing for another state. */
int listing_card_refresh(ctx_t *c, int64_t id);
/*
 * Writes the cards of every published listing of account uid again: their
 * detail carries the poster's badges (verified, approved organisation), so a
 * change of either calls this inside the transaction that makes it (C1, C7).
 */
int listing_cards_refresh_of(ctx_t *c, int64_t uid);
/* Rebuilds every derived index (full text, nearby tree, cards) from the listings rows; *n indexed. */
int listing_reindex(ctx_t *c, int64_t *n);
/* Its two passes: cards and the nearby indexes; the full-text index alone (e.g. after a tokenizer change). */
int listing_reindex_views(ctx_t *c, int64_t *n);
int listing_reindex_text(ctx_t *c, int64_t *n);
/*
 * Upkeep of the full-text index in two parts (listing_index.h; decisions.md,
 * "The full-text index in two parts"), one transaction a step, each taken
 * only while the write path is idle (db_begin_idle): once the recent part
 * holds fold_rows listings it is folded into the main part in one
 * transaction; the main part's small segments are then merged among
 * themselves, and the whole part into one segment when it is still in more
 * than a few (also every main_every_s: deletions of older listings add
 * segments to it); the recent part is merged every recent_every_s.
 * The state is the caller's (zeroed, then the settings).
 * *did: a step did work, call again; else the write path was busy or there
 * was nothing to do.
 */
typedef struct {
    int64_t fold_rows, main_every_s, recent_every_s;
    int fold_chunk, fold_max; /* listings a fold reads at a time (0: 500), moves at most (0: 10,000) */
    int fold_quiet_ms;        /* how long the write path must have been quiet before a fold (0: 1000) */
    bool main_merging, main_whole; /* the main part is being merged; whole, into one segment */
    int64_t main_at, recent_at;    /* when each part was last merged (c->now) */
} listing_tidy_t;
int listing_tidy_step(ctx_t *c, listing_tidy_t *t, bool *did);
/* Loads one listing row by id regardless of state; LL_NOTFOUND if absent. */
int listing_load(ctx_t *c, int64_t id, listing_t *out);
/* Fills out from the first 17 columns of a row in SQL_LOAD order (for search results). */
void listing_fill_row(ctx_t *c, sqlite3_stmt *st, listing_t *out);

#endif
