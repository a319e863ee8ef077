/*
 * listing_index.c — the full-text index, the nearby tree and the cards of
 * published listings (listing_index.h).
 *
 * A card is the listing's public summary, and its public detail view, rendered
 * once as JSON text when the listing is published or changes (text, renewal,
 * photos); a search, and a detail view for someone signed out, write them out
 * as they are, so answering needs neither the listings row, nor the poster's
 * key to mask the contact, nor a JSON library (docs/performance.md). A card
 * holds only what anyone is shown (the contact masked, B12); it goes when the
 * listing stops being published.
 *
 * The full-text index is contentless, so removing an entry needs the text it
 * was added with: lidx_text() derives it from the stored row the same way
 * every time.
 */
#include "domain/listing_index.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/org.h"
#include "domain/region.h"
#include "domain/verification.h"
#include "store/db.h"
#include "store/fts.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char SQL_FTS_ADD[] = "INSERT INTO listings_fts(rowid, title, description, tags) VALUES (?,?,?,?)";
static const char SQL_FTS_DEL[] =
    "INSERT INTO listings_fts(listings_fts, rowid, title, description, tags) VALUES ('delete',?,?,?,?)";
static const char SQL_NEW_ADD[] = "INSERT INTO listings_fts_new(rowid, title, description, tags) VALUES (?,?,?,?)";
static const char SQL_NEW_DEL[] =
    "INSERT INTO listings_fts_new(listings_fts_new, rowid, title, description, tags) VALUES ('delete',?,?,?,?)";
static const char SQL_NEW_ID_ADD[] = "INSERT INTO listings_fts_new_ids(id) VALUES (?)";
static const char SQL_NEW_ID_DEL[] = "DELETE FROM listings_fts_new_ids WHERE id = ?";
static const char SQL_GEO_ADD[] = "INSERT INTO listings_geo VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_GEO_DEL[] = "DELETE FROM listings_geo WHERE id = ?";
/* an upsert, not INSERT OR REPLACE: the replaced row's delete would not fire its trigger (view_epochs) */
static const char SQL_CARD_PUT[] =
    "INSERT INTO listing_cards(id, city, category, expires_at, card, detail) VALUES (?,?,?,?,?,?) "
    "ON CONFLICT(id) DO UPDATE SET city = excluded.city, category = excluded.category, "
    "expires_at = excluded.expires_at, card = excluded.card, detail = excluded.detail";
static const char SQL_CARD_DEL[] = "DELETE FROM listing_cards WHERE id = ?";

int lidx_cat_code(const category_t *cat)
{
    return (int)(cat - cat_all) + 1; /* cat_all's order is append-only (category.c) */
}

static const char *index_tags(ctx_t *c, const listing_t *l)
{
    return arena_printf(c->arena, "c%lld d%lld k%s s%s", (long long)l->city, (long long)l->district, l->cat->slug,
                        l->subcategory ? l->subcategory : "none");
}

const char *lidx_scope(ctx_t *c, int64_t city, const category_t *cat)
{
    return arena_printf(c->arena, "%lld%s", (long long)city, cat->slug);
}

const char *lidx_text(ctx_t *c, const listing_t *l)
{
    const char *text = l->description, *key;
    json_t *v;
    json_object_foreach(l->attrs, key, v)
    {
        if (json_is_string(v)) text = arena_printf(c->arena, "%s %s", text, json_string_value(v));
    }
    return text;
}

static json_t *region_json(ctx_t *c, int64_t code)
{
    const char *name = code ? region_name(c->regions, (uint32_t)code) : NULL;
    return name ? json_pack("{s:I, s:s}", "code", (json_int_t)code, "name", name) : json_null();
}

static const char *iso_time(ctx_t *c, int64_t t)
{
    char buf[CLOCK_ISO_LEN];
    return arena_strdup(c->arena, clock_iso(t, buf));
}

json_t *lidx_summary(ctx_t *c, const listing_t *l, const char *photo)
{
    json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:s, s:s, s:O}", "id", (json_int_t)l->id,
                          "category", l->cat->slug, "subcategory", l->subcategory ? json_string(l->subcategory) : json_null(),
                          "title", l->title, "price", l->has_price ? json_integer(l->price_fen) : json_null(), "city",
                          region_json(c, l->city), "district", region_json(c, l->district), "status", l->status,
                          "created_at", iso_time(c, l->created_at), "attrs", l->attrs);
    if (!o) PANIC("listing summary");
    json_object_set_new(o, "thumbnail", photo ? json_string(arena_printf(c->arena, "/photos/%.*s_t.jpg",
                                                                            (int)strlen(photo) - 4, photo))
                                              : json_null());
    return o;
}

static json_t *photos_json(ctx_t *c, const listing_t *l)
{
    json_t *a = json_array();
    for (const char **p = l->photos; p && *p; p++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "url", arena_printf(c->arena, "/photos/%s", *p), "thumbnail",
                                           arena_printf(c->arena, "/photos/%.*s_t.jpg", (int)strlen(*p) - 4, *p)));
    return a;
}

static json_t *masked_fields(const listing_t *l)
{
    json_t *m = json_object();
    for (size_t i = 0; i < l->cat->nfields; i++) {
        const cat_field_t *f = &l->cat->fields[i];
        if (f->show == CF_SHOW_MASKED && l->masked[f->pi]) json_object_set_new(m, f->name, json_string(l->masked[f->pi]));
    }
    return m;
}

json_t *lidx_detail(ctx_t *c, const listing_t *l)
{
    json_t *o = lidx_summary(c, l, l->photos ? l->photos[0] : NULL);
    json_object_set_new(o, "description", json_string(l->description));
    json_object_set_new(o, "photos", photos_json(c, l));
    json_object_set_new(o, "contact", json_pack("{s:o, s:o}", "phone",
                                                l->contact_masked ? json_string(l->contact_masked) : json_null(),
                                                "fields", masked_fields(l)));
    json_object_set_new(o, "expires_at", json_string(iso_time(c, l->expires_at)));
    /* C1, C7: about the poster, only badges: verified, and the approved organisation's name; a change of
     * either refreshes the poster's cards (listing_cards_refresh_of) */
    const char *org = org_public_name(c, l->user_id);
    json_object_set_new(o, "poster", json_pack("{s:b, s:o}", "verified", verif_badge(c, l->user_id), "organization",
                                               org ? json_string(org) : json_null()));
    if (l->has_point) /* the listing's own place, already rounded to about 100 m */
        json_object_set_new(o, "location", json_pack("{s:f, s:f}", "lat", l->lat, "lng", l->lng));
    return o;
}

static char *dump(json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!text) PANIC("json_dumps");
    return text;
}

int lidx_card_put(ctx_t *c, const listing_t *l)
{
    listing_t pub = *l;
    pub.status = "published"; /* a card exists only while it is */
    char *card = dump(lidx_summary(c, &pub, l->photos ? l->photos[0] : NULL)), *detail = dump(lidx_detail(c, &pub));
    sqlite3_stmt *st = db_stmt(c->db, SQL_CARD_PUT);
    int rc = LL_ERR;
    if (st) {
        sqlite3_bind_int64(st, 1, l->id);
        sqlite3_bind_int64(st, 2, l->city);
        sqlite3_bind_text(st, 3, l->cat->slug, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, l->expires_at);
        sqlite3_bind_text(st, 5, card, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, detail, -1, SQLITE_STATIC);
        rc = db_run(c->db, st) ? LL_ERR : LL_OK;
    }
    free(card);
    free(detail);
    return rc;
}

/* the card and its city's epoch read in one statement: one snapshot (store/viewcache.h) */
static const char SQL_VIEW_CARD[] = "SELECT c.card, c.city, c.expires_at, coalesce(v.n, 0) FROM listing_cards c "
                                    "LEFT JOIN view_epochs v ON v.city = c.city WHERE c.id = ?";
static const char SQL_EPOCH[] = "SELECT n FROM view_epochs WHERE city = ?";

/* The epoch of a city's views in this snapshot, remembered for the request's later results. */
static int epoch_of(ctx_t *c, lidx_epochs_t *m, int64_t city, int64_t *epoch)
{
    for (int i = 0; i < m->n; i++)
        if (m->city[i] == city) return *epoch = m->epoch[i], LL_OK;
    sqlite3_stmt *st = db_stmt(c->db, SQL_EPOCH);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, city);
    int rc = sqlite3_step(st);
    *epoch = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    if (m->n < LIDX_EPOCH_MEMO) m->city[m->n] = city, m->epoch[m->n++] = *epoch;
    return LL_OK;
}

/* A card read from listing_cards (then shared); LL_OK, LL_NOTFOUND or LL_ERR. */
static int card_read(ctx_t *c, viewcache_t *vc, int64_t id, vc_entry_t *out)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_VIEW_CARD);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->len = (size_t)sqlite3_column_bytes(st, 0);
        out->text = arena_strndup(c->arena, (const char *)sqlite3_column_text(st, 0), out->len);
        out->city = sqlite3_column_int64(st, 1);
        out->expires_at = sqlite3_column_int64(st, 2);
        out->epoch = sqlite3_column_int64(st, 3);
        vc_put(vc, id, out);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

int lidx_cards(ctx_t *c, const int64_t *ids, size_t n, lidx_epochs_t *m, vc_entry_t *out, int *res)
{
    viewcache_t *vc = db_views(c->db);
    bool *found = arena_alloc(c->arena, (n ? n : 1) * sizeof(*found));
    vc_get_many(vc, ids, n, c->arena, out, found);
    for (size_t i = 0; i < n; i++) {
        int64_t epoch;
        if (found[i]) {
            if (epoch_of(c, m, out[i].city, &epoch)) return LL_ERR;
            if (epoch == out[i].epoch) {
                res[i] = LL_OK;
                continue;
            }
            vc_drop(vc, ids[i]); /* older than this snapshot */
        }
        if ((res[i] = card_read(c, vc, ids[i], &out[i])) == LL_ERR) return LL_ERR;
    }
    return LL_OK;
}

int lidx_card(ctx_t *c, int64_t id, lidx_epochs_t *m, vc_entry_t *out)
{
    int res;
    return lidx_cards(c, &id, 1, m, out, &res) ? LL_ERR : res;
}

/*
 * Not through the shared copies: detail views are read one listing at a time,
 * spread over every listing (measured: a cache that mostly misses cost more
 * than the one read by key it would save, and evicted the search's cards).
 */
static const char SQL_DETAIL[] = "SELECT detail FROM listing_cards WHERE id = ? AND expires_at > ?";

int lidx_detail_text(ctx_t *c, int64_t id, const char **text, size_t *len)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_DETAIL);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *len = (size_t)sqlite3_column_bytes(st, 0);
        *text = arena_strndup(c->arena, (const char *)sqlite3_column_text(st, 0), *len);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
}

typedef struct {
    const char *sql;
    int64_t rowid;
    const char *title, *text, *tags;
} fts_row_t;

static int fts_run(db_t *db, void *arg)
{
    const fts_row_t *r = arg;
    sqlite3_stmt *st = db_stmt(db, r->sql);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, r->rowid);
    sqlite3_bind_text(st, 2, r->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->tags, -1, SQLITE_STATIC);
    return db_run(db, st);
}

static fts_row_t *fts_row(ctx_t *c, const char *sql, const listing_t *l)
{
    fts_row_t *r = arena_alloc(c->arena, sizeof(*r));
    const char *scope = lidx_scope(c, l->city, l->cat);
    *r = (fts_row_t){sql, LIDX_FTS_BASE - l->id, fts_scoped(c->arena, scope, l->title),
                     fts_scoped(c->arena, scope, lidx_text(c, l)), index_tags(c, l)};
    return r;
}

/* Deferred to the commit (db_defer): a batch of postings flushes one full-text segment, not one each. */
static int fts_write(ctx_t *c, const char *sql, const listing_t *l)
{
    return db_defer(c->db, fts_run, fts_row(c, sql, l)) ? LL_ERR : LL_OK;
}

static int geo_add(ctx_t *c, const listing_t *l)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_GEO_ADD);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, l->id);
    sqlite3_bind_double(st, 2, l->lat);
    sqlite3_bind_double(st, 3, l->lat);
    sqlite3_bind_double(st, 4, l->lng);
    sqlite3_bind_double(st, 5, l->lng);
    sqlite3_bind_int(st, 6, lidx_cat_code(l->cat));
    sqlite3_bind_int(st, 7, lidx_cat_code(l->cat));
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int64_t lidx_cell(double lat, double lng)
{
    return (int64_t)floor(lat * LIDX_CELLS_PER_DEGREE) * 100000 + (int64_t)floor(lng * LIDX_CELLS_PER_DEGREE);
}

static const char SQL_NEAR_ADD[] = "INSERT INTO listings_near(cell, cat, id, lat, lng) VALUES (?, ?, ?, ?, ?)";
static const char SQL_NEAR_DEL[] = "DELETE FROM listings_near WHERE cell = ?1 AND cat IN (0, ?2) AND id = ?3";

static int near_add(ctx_t *c, const listing_t *l)
{
    for (int any = 0; any < 2; any++) {
        sqlite3_stmt *st = db_stmt(c->db, SQL_NEAR_ADD);
        if (!st) return LL_ERR;
        sqlite3_bind_int64(st, 1, lidx_cell(l->lat, l->lng));
        sqlite3_bind_int(st, 2, any ? 0 : lidx_cat_code(l->cat));
        sqlite3_bind_int64(st, 3, l->id);
        sqlite3_bind_double(st, 4, l->lat);
        sqlite3_bind_double(st, 5, l->lng);
        if (db_run(c->db, st)) return LL_ERR;
    }
    return LL_OK;
}

static int near_remove(ctx_t *c, const listing_t *l)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_NEAR_DEL);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, lidx_cell(l->lat, l->lng));
    sqlite3_bind_int(st, 2, lidx_cat_code(l->cat));
    sqlite3_bind_int64(st, 3, l->id);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static int delete_id(ctx_t *c, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int lidx_add_views(ctx_t *c, const listing_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lidx_card_put(c, &v[i]) || (v[i].has_point && (geo_add(c, &v[i]) || near_add(c, &v[i]))))
            return LL_ERR;
    return LL_OK;
}

/* Into the recent part of the full text, and noted there. */
static int add_recent_text(ctx_t *c, const listing_t *l)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_NEW_ID_ADD);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, l->id);
    return db_run(c->db, st) || fts_write(c, SQL_NEW_ADD, l) ? LL_ERR : LL_OK;
}

/*
 * The full-text write comes last: in SQLite 3.40 every later statement of the
 * transaction that opens a statement journal makes FTS5 flush its pending
 * terms to a new segment (its xSavepoint), which made a rebuild five times
 * slower when cards were written between full-text inserts.
 */
int lidx_add(ctx_t *c, const listing_t *l)
{
    return lidx_add_views(c, l, 1) || add_recent_text(c, l) ? LL_ERR : LL_OK;
}

/* From whichever part of the full text holds l. */
static int remove_text(ctx_t *c, const listing_t *l)
{
    if (delete_id(c, SQL_NEW_ID_DEL, l->id)) return LL_ERR;
    return fts_write(c, db_changes(c->db) ? SQL_NEW_DEL : SQL_FTS_DEL, l);
}

int lidx_remove(ctx_t *c, const listing_t *l)
{
    if (delete_id(c, SQL_GEO_DEL, l->id) || delete_id(c, SQL_CARD_DEL, l->id)) return LL_ERR;
    if (l->has_point && near_remove(c, l)) return LL_ERR;
    return remove_text(c, l);
}

/*
 * Written at once, not deferred: a fold or a rebuild is a transaction of its
 * own whose only writes are these, so they add up in FTS5's pending terms and
 * the caller can let each chunk's rows go before reading the next.
 */
int lidx_main_add(ctx_t *c, const listing_t *v, size_t n, bool from_recent)
{
    for (size_t i = 0; i < n; i++) {
        if (from_recent && (delete_id(c, SQL_NEW_ID_DEL, v[i].id) || fts_run(c->db, fts_row(c, SQL_NEW_DEL, &v[i]))))
            return LL_ERR;
        if (fts_run(c->db, fts_row(c, SQL_FTS_ADD, &v[i]))) return LL_ERR;
    }
    return LL_OK;
}

/*
 * Whole, with delete-all: deleting row by row from a contentless table
 * writes a tombstone for every term of every listing.
 */
int lidx_recent_clear(ctx_t *c)
{
    return db_exec(c->db, "INSERT INTO listings_fts_new(listings_fts_new) VALUES ('delete-all');"
                          "DELETE FROM listings_fts_new_ids;")
               ? LL_ERR
               : LL_OK;
}

static const char SQL_RECENT_COUNT[] = "SELECT count(*) FROM listings_fts_new_ids";

int lidx_recent_count(ctx_t *c, int64_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_RECENT_COUNT);
    if (!st) return LL_ERR;
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

static const char SQL_SEGMENT_AFTER_MAIN[] = "SELECT segid FROM listings_fts_idx WHERE segid > ? ORDER BY segid LIMIT 1";
static const char SQL_SEGMENT_AFTER_NEW[] =
    "SELECT segid FROM listings_fts_new_idx WHERE segid > ? ORDER BY segid LIMIT 1";

/* One seek per segment in the %_idx table's key (segid, term): the index's size does not matter. */
int lidx_segments(ctx_t *c, bool recent, int *n)
{
    sqlite3_stmt *st = db_stmt(c->db, recent ? SQL_SEGMENT_AFTER_NEW : SQL_SEGMENT_AFTER_MAIN);
    if (!st) return LL_ERR;
    int64_t seg = -1;
    int rc;
    for (*n = 0;; ++*n) {
        sqlite3_bind_int64(st, 1, seg);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) seg = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW) break;
    }
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static const char SQL_MERGE_MAIN[] = "INSERT INTO listings_fts(listings_fts, rank) VALUES ('merge', ?)";
static const char SQL_MERGE_NEW[] = "INSERT INTO listings_fts_new(listings_fts_new, rank) VALUES ('merge', ?)";

/*
 * FTS5's 'merge': with a negative page count it gathers every segment of the
 * part into one merge, with a positive one it merges the segments of a level
 * that holds usermerge of them; either writes about that many pages. A call
 * that found nothing to merge changes at most one row.
 */
int lidx_merge(ctx_t *c, bool recent, int pages, bool *more)
{
    sqlite3 *h = db_handle(c->db);
    sqlite3_stmt *st = db_stmt(c->db, recent ? SQL_MERGE_NEW : SQL_MERGE_MAIN);
    if (!st) return LL_ERR;
    sqlite3_bind_int(st, 1, pages);
    int before = sqlite3_total_changes(h);
    if (db_run(c->db, st)) return LL_ERR;
    *more = sqlite3_total_changes(h) - before >= 2;
    return LL_OK;
}
