/*
 * listing_index.c — the full-text index, the nearby tree and the cards of
 * published listings (listing_index.h).
 *
 * A card is the listing's public summary rendered once, as JSON text, when
 * the listing is published or its photos change; a search reads cards and
 * writes them out as they are, so answering needs neither the listings row
 * nor a JSON library per result (the cost measured in docs/performance.md).
 * A card holds only what the public summary shows; it goes when the listing
 * stops being published.
 *
 * The full-text index is contentless, so removing an entry needs the text it
 * was added with: lidx_text() derives it from the stored row the same way
 * every time.
 */
#include "domain/listing_index.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/region.h"
#include "store/db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char SQL_FTS_ADD[] = "INSERT INTO listings_fts(rowid, title, description, tags) VALUES (?,?,?,?)";
static const char SQL_FTS_DEL[] =
    "INSERT INTO listings_fts(listings_fts, rowid, title, description, tags) VALUES ('delete',?,?,?,?)";
static const char SQL_GEO_ADD[] = "INSERT INTO listings_geo VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_GEO_DEL[] = "DELETE FROM listings_geo WHERE id = ?";
static const char SQL_CARD_PUT[] =
    "INSERT OR REPLACE INTO listing_cards(id, city, category, expires_at, card) VALUES (?,?,?,?,?)";
static const char SQL_CARD_DEL[] = "DELETE FROM listing_cards WHERE id = ?";

int lidx_cat_code(const category_t *cat)
{
    return (int)(cat - cat_all) + 1; /* cat_all's order is append-only (category.c) */
}

static const char *index_tags(ctx_t *c, const listing_t *l)
{
    /* x<city><category>: one posting list for the commonest pair of filters, far shorter than c or k alone */
    return arena_printf(c->arena, "c%lld d%lld k%s s%s x%lld%s", (long long)l->city, (long long)l->district,
                        l->cat->slug, l->subcategory ? l->subcategory : "none", (long long)l->city, l->cat->slug);
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
    char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(c->arena, buf);
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

static const char SQL_FIRST_PHOTO[] = "SELECT name FROM listing_photos WHERE listing_id = ? ORDER BY id LIMIT 1";

static int first_photo(ctx_t *c, int64_t id, const char **photo)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_FIRST_PHOTO);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    *photo = rc == SQLITE_ROW ? arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 0)) : NULL;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

int lidx_card_put(ctx_t *c, const listing_t *l)
{
    const char *photo;
    listing_t pub = *l;
    pub.status = "published"; /* a card exists only while it is */
    if (first_photo(c, l->id, &photo)) return LL_ERR;
    json_t *o = lidx_summary(c, &pub, photo);
    char *card = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!card) PANIC("json_dumps");
    sqlite3_stmt *st = db_stmt(c->db, SQL_CARD_PUT);
    int rc = LL_ERR;
    if (st) {
        sqlite3_bind_int64(st, 1, l->id);
        sqlite3_bind_int64(st, 2, l->city);
        sqlite3_bind_text(st, 3, l->cat->slug, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, l->expires_at);
        sqlite3_bind_text(st, 5, card, -1, SQLITE_STATIC);
        rc = db_run(c->db, st) ? LL_ERR : LL_OK;
    }
    free(card);
    return rc;
}

static int fts_write(ctx_t *c, const char *sql, const listing_t *l)
{
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, LIDX_FTS_BASE - l->id);
    sqlite3_bind_text(st, 2, l->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, lidx_text(c, l), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, index_tags(c, l), -1, SQLITE_STATIC);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
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

static int delete_id(ctx_t *c, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

/*
 * The full-text writes come last: in SQLite 3.40 every later statement of the
 * transaction that opens a statement journal makes FTS5 flush its pending
 * terms to a new segment (its xSavepoint), which made a rebuild five times
 * slower when cards were written between full-text inserts.
 */
int lidx_add_many(ctx_t *c, const listing_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lidx_card_put(c, &v[i]) || (v[i].has_point && geo_add(c, &v[i]))) return LL_ERR;
    for (size_t i = 0; i < n; i++)
        if (fts_write(c, SQL_FTS_ADD, &v[i])) return LL_ERR;
    return LL_OK;
}

int lidx_add(ctx_t *c, const listing_t *l)
{
    return lidx_add_many(c, l, 1);
}

int lidx_remove(ctx_t *c, const listing_t *l)
{
    if (delete_id(c, SQL_GEO_DEL, l->id) || delete_id(c, SQL_CARD_DEL, l->id)) return LL_ERR;
    return fts_write(c, SQL_FTS_DEL, l);
}
