/*
 * search.c — the search paths and their SQL (see search.h).
 *
 * Paths, chosen so an index narrows every filter at once:
 *   keyword  FTS5 MATCH of the words AND the tag tokens of city, district,
 *            category, sub-category (one posting-list intersection), newest
 *            first by walking the (counting-down) rowids upwards;
 *   nearby   the R*Tree box around the point, category a dimension of the tree;
 *   browse   listing_cards(city, category, id), or listings_browse when a
 *            filter needs the row.
 * A search that asks for cards (the API) gets each result as its rendered
 * card wherever no filter needs the listings row (card_sql).
 * Every variant is a compile-time constant, so prepared statements are cached.
 * Expiry: the sweep moves expired listings out of 'published' and out of the
 * indexes; until it runs, the statements skip them (+expires_at > :now, the
 * unary plus so that it is a filter and never an index choice), so pages stay
 * full and the cursor goes on. A nearby page, cut in the index before the
 * card is read, skips them in C and may come back short, with a cursor.
 * Pagination is by keyset (newest, price) or by offset (relevance, distance,
 * both bounded by SEARCH_MAX_OFFSET).
 */
#include "domain/search.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "store/db.h"
#include "store/fts.h"
#include "domain/listing_index.h"
#include "domain/consent.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_MAX_OFFSET 1000
#define KM_PER_DEGREE (6371.0 * M_PI / 180.0) /* the same sphere as the distance in the SQL */

#define COLS                                                                                                     \
    "SELECT l.id, l.user_id, l.category, l.subcategory, l.title, l.description, l.attrs, l.price_fen, l.city, "  \
    "l.district, l.lat, l.lng, l.status, l.moderation_note, l.created_at, l.updated_at, l.expires_at, "          \
    "geo_km(:lat, :lng, l.lat, l.lng) AS dist, "                                                                 \
    "(SELECT name FROM listing_photos p WHERE p.listing_id = l.id ORDER BY p.id LIMIT 1) AS photo "

#define FILTERS                                                                                                  \
    " AND l.status = 'published'"                                                                              \
    " AND (:district IS NULL OR l.district = :district) AND (:sub IS NULL OR l.subcategory = :sub)"              \
    " AND (:pmin IS NULL OR l.price_fen >= :pmin) AND (:pmax IS NULL OR l.price_fen <= :pmax)"                   \
    " AND (:a1 IS NULL OR json_extract(l.attrs, :a1) = :v1) AND (:a2 IS NULL OR json_extract(l.attrs, :a2) = :v2)" \
    " AND (:a3 IS NULL OR json_extract(l.attrs, :a3) = :v3) AND (:a4 IS NULL OR json_extract(l.attrs, :a4) = :v4)" \
    " AND (:lat IS NULL OR (l.lat BETWEEN :lat0 AND :lat1 AND l.lng BETWEEN :lng0 AND :lng1 AND dist <= :r))"

/* CROSS JOIN fixes the order: the index drives, listings rows are fetched by rowid */
#define FROM_FTS(t) "FROM " t " f CROSS JOIN listings l ON l.id = :base - f.rowid WHERE " t " MATCH :match"
#define IN_BOX                                                                                                   \
    "g.min_lat >= :lat0 AND g.max_lat <= :lat1 AND g.min_lng >= :lng0 AND g.max_lng <= :lng1 "                   \
    "AND g.min_cat >= :cat0 AND g.max_cat <= :cat1"
#define FROM_GEO                                                                                                 \
    "FROM listings_geo g CROSS JOIN listings l ON l.id = g.id WHERE " IN_BOX " AND (:city IS NULL OR l.city = :city)"
#define FROM_CC "FROM listings l WHERE l.city = :city AND l.category = :cat"
#define FROM_C "FROM listings l WHERE l.city = :city"
#define FROM_ALL "FROM listings l WHERE (:cat IS NULL OR l.category = :cat)"

#define BY_NEWEST " AND l.id < :after ORDER BY l.id DESC LIMIT :limit"
#define AFTER_PRICE_ASC                                                                                          \
    " AND l.price_fen IS NOT NULL AND (:cp IS NULL OR l.price_fen > :cp OR (l.price_fen = :cp AND l.id > :cid))"
#define AFTER_PRICE_DESC                                                                                         \
    " AND l.price_fen IS NOT NULL AND (:cp IS NULL OR l.price_fen < :cp OR (l.price_fen = :cp AND l.id < :cid))"
#define BY_PRICE_ASC AFTER_PRICE_ASC " ORDER BY l.price_fen, l.id LIMIT :limit"
#define BY_PRICE_DESC AFTER_PRICE_DESC " ORDER BY l.price_fen DESC, l.id DESC LIMIT :limit"
#define BY_DISTANCE " AND dist IS NOT NULL ORDER BY dist, l.id LIMIT :limit OFFSET :offset"

/*
 * A keyword search reads both parts of the full text (listing_index.h): one
 * leg each, merged by SQLite in the order asked for (a compound ORDER BY on
 * result columns: 1 l.id, 8 l.price_fen, 18 dist, 20 the leg's own key),
 * each leg walked in its index's order where it has one (newest: rowid;
 * relevance: rank, each part by its own statistics), so that a page reads
 * about as much as it shows.
 */
#define FTS_LEG(t, key, where) COLS ", " key " " FROM_FTS(t) FILTERS where
#define FTS_LEGS(key, where, order)                                                                              \
    FTS_LEG("listings_fts", key, where) " UNION ALL " FTS_LEG("listings_fts_new", key, where) order

enum { PATH_FTS, PATH_GEO, PATH_CC, PATH_C, PATH_ALL, PATH__COUNT };

/* without the full text there is no relevance: newest first */
#define VARIANTS(from)                                                                                           \
    {                                                                                                            \
        [SORT_NEWEST] = COLS from FILTERS BY_NEWEST, [SORT_RELEVANCE] = COLS from FILTERS BY_NEWEST,             \
        [SORT_PRICE_ASC] = COLS from FILTERS BY_PRICE_ASC, [SORT_PRICE_DESC] = COLS from FILTERS BY_PRICE_DESC,  \
        [SORT_DISTANCE] = COLS from FILTERS BY_DISTANCE,                                                         \
    }

static const char *const SQL[PATH__COUNT][5] = {
    [PATH_FTS] =
        {
            [SORT_NEWEST] = FTS_LEGS("f.rowid", " AND f.rowid > :base - :after", " ORDER BY 20 LIMIT :limit"),
            [SORT_RELEVANCE] = FTS_LEGS("f.rank", "", " ORDER BY 20 LIMIT :limit OFFSET :offset"),
            [SORT_PRICE_ASC] = FTS_LEGS("NULL", AFTER_PRICE_ASC, " ORDER BY 8, 1 LIMIT :limit"),
            [SORT_PRICE_DESC] = FTS_LEGS("NULL", AFTER_PRICE_DESC, " ORDER BY 8 DESC, 1 DESC LIMIT :limit"),
            [SORT_DISTANCE] = FTS_LEGS("NULL", " AND dist IS NOT NULL", " ORDER BY 18, 1 LIMIT :limit OFFSET :offset"),
        },
    [PATH_GEO] = VARIANTS(FROM_GEO),
    [PATH_CC] = VARIANTS(FROM_CC),
    [PATH_C] = VARIANTS(FROM_C),
    [PATH_ALL] = VARIANTS(FROM_ALL),
};

/*
 * The card paths: the same searches when no filter needs the listings row
 * (price, attributes; district or sub-category outside the full-text tags;
 * a city with a point). The statement reads only the index and yields ids
 * (the nearby ones with the distance from the tree's own point); each
 * result's card then comes from lidx_card, mostly from the shared copies
 * (store/viewcache.h) rather than a random page of listing_cards. Expiry is
 * checked on the card: an expired one is skipped and counted for the cursor.
 */
#define GEO_DIST "geo_km(:lat, :lng, g.min_lat, g.min_lng)"
#define GEO_PAGE(order)                                                                                          \
    "SELECT g.id, NULL, NULL, " GEO_DIST " AS dist FROM listings_geo g WHERE " IN_BOX " AND dist <= :r " order

/*
 * Nearby, newest first, within 10 km: the box covers at most NEAR_CELLS cells of listings_near; each leg
 * walks one cell's ids downwards keeping the points inside the circle, and SQLite merges the legs in id
 * order (a compound ORDER BY), so a page reads about as many index entries as it needs, not every point
 * in the box as the R*Tree does (measured in docs/performance.md). One statement per number of cells.
 */
#define NEAR_CELLS 12
#define NEAR_DIST "geo_km(:lat, :lng, lat, lng)"
#define NEAR_LEG(k)                                                                                              \
    "SELECT id, " NEAR_DIST " AS dist FROM listings_near WHERE cell = :c" #k " AND cat = :catn AND id < :after "  \
    "AND lat >= :lat0 AND lat <= :lat1 AND lng >= :lng0 AND lng <= :lng1 AND dist <= :r"
/* one statement per number of cells: a search runs only the legs its box needs */
#define NEAR_LEGS1  NEAR_LEG(0)
#define NEAR_LEGS2  NEAR_LEGS1 " UNION ALL " NEAR_LEG(1)
#define NEAR_LEGS3  NEAR_LEGS2 " UNION ALL " NEAR_LEG(2)
#define NEAR_LEGS4  NEAR_LEGS3 " UNION ALL " NEAR_LEG(3)
#define NEAR_LEGS5  NEAR_LEGS4 " UNION ALL " NEAR_LEG(4)
#define NEAR_LEGS6  NEAR_LEGS5 " UNION ALL " NEAR_LEG(5)
#define NEAR_LEGS7  NEAR_LEGS6 " UNION ALL " NEAR_LEG(6)
#define NEAR_LEGS8  NEAR_LEGS7 " UNION ALL " NEAR_LEG(7)
#define NEAR_LEGS9  NEAR_LEGS8 " UNION ALL " NEAR_LEG(8)
#define NEAR_LEGS10 NEAR_LEGS9 " UNION ALL " NEAR_LEG(9)
#define NEAR_LEGS11 NEAR_LEGS10 " UNION ALL " NEAR_LEG(10)
#define NEAR_LEGS12 NEAR_LEGS11 " UNION ALL " NEAR_LEG(11)
#define NEAR_SQL(legs) "SELECT id, NULL, NULL, dist FROM (" legs " ORDER BY id DESC LIMIT :limit)"

static const char *const NEAR_SQL_OF[NEAR_CELLS + 1] = {
    NULL, NEAR_SQL(NEAR_LEGS1), NEAR_SQL(NEAR_LEGS2), NEAR_SQL(NEAR_LEGS3), NEAR_SQL(NEAR_LEGS4),
    NEAR_SQL(NEAR_LEGS5), NEAR_SQL(NEAR_LEGS6), NEAR_SQL(NEAR_LEGS7), NEAR_SQL(NEAR_LEGS8),
    NEAR_SQL(NEAR_LEGS9), NEAR_SQL(NEAR_LEGS10), NEAR_SQL(NEAR_LEGS11), NEAR_SQL(NEAR_LEGS12),
};

/* both parts of the full text, merged on column 5 as the row path's legs above */
#define CARD_FTS_LEG(t, key, where)                                                                              \
    "SELECT :base - rowid, NULL, NULL, NULL, " key " FROM " t " WHERE " t " MATCH :match" where
#define CARD_FTS_LEGS(key, where, order)                                                                         \
    CARD_FTS_LEG("listings_fts", key, where) " UNION ALL " CARD_FTS_LEG("listings_fts_new", key, where) order

enum { CARD_FTS_NEWEST, CARD_FTS_RANK, CARD_CC, CARD_C, CARD_GEO_NEWEST, CARD_GEO_DISTANCE, CARD__COUNT };

static const char *const CARD_SQL[CARD__COUNT] = {
    [CARD_FTS_NEWEST] = CARD_FTS_LEGS("rowid", " AND rowid > :base - :after", " ORDER BY 5 LIMIT :limit"),
    [CARD_FTS_RANK] = CARD_FTS_LEGS("rank", "", " ORDER BY 5 LIMIT :limit OFFSET :offset"),
    [CARD_CC] = "SELECT c.id, NULL, NULL, NULL FROM listing_cards c WHERE c.city = :city AND c.category = :cat "
                "AND c.id < :after ORDER BY c.id DESC LIMIT :limit",
    [CARD_C] = "SELECT c.id, NULL, NULL, NULL FROM listing_cards c WHERE c.city = :city AND c.id < :after "
               "ORDER BY c.id DESC LIMIT :limit",
    [CARD_GEO_NEWEST] = GEO_PAGE("AND g.id < :after ORDER BY g.id DESC LIMIT :limit"),
    [CARD_GEO_DISTANCE] = GEO_PAGE("ORDER BY dist, g.id LIMIT :limit OFFSET :offset"),
};

/* The box of a nearby search, in degrees. */
static void near_box(const search_params_t *p, double *dlat, double *dlng)
{
    *dlat = p->radius_km / KM_PER_DEGREE;
    *dlng = p->radius_km / (KM_PER_DEGREE * cos(p->lat * M_PI / 180.0));
}

/* The listings_near cells the box covers, row by row: how many, or 0 when there are more than NEAR_CELLS. */
static int near_cells(const search_params_t *p, int64_t cells[NEAR_CELLS])
{
    double dlat, dlng;
    near_box(p, &dlat, &dlng);
    int64_t la0 = (int64_t)floor((p->lat - dlat) * LIDX_CELLS_PER_DEGREE), la1 = (int64_t)floor((p->lat + dlat) * LIDX_CELLS_PER_DEGREE);
    int64_t lo0 = (int64_t)floor((p->lng - dlng) * LIDX_CELLS_PER_DEGREE), lo1 = (int64_t)floor((p->lng + dlng) * LIDX_CELLS_PER_DEGREE);
    if ((la1 - la0 + 1) * (lo1 - lo0 + 1) > NEAR_CELLS) return 0;
    int k = 0;
    for (int64_t a = la0; a <= la1; a++)
        for (int64_t o = lo0; o <= lo1; o++) cells[k++] = a * 100000 + o; /* lidx_cell's key */
    return k;
}

int search_sort_parse(const char *s, search_sort_t *out)
{
    static const char *const names[] = {"newest", "relevance", "price_asc", "price_desc", "distance"};
    for (int i = 0; i < 5; i++)
        if (s && !strcmp(s, names[i])) return *out = (search_sort_t)i, LL_OK;
    return LL_INVALID;
}

typedef struct {
    int64_t after, cp, cid, offset;
    bool has_price;
} cursor_t;

/* Cursors are our own strings: n<id>, p<price>_<id>, o<offset>; anything else is refused. */
static int cursor_parse(const char *s, search_sort_t sort, cursor_t *cur)
{
    char *end;
    memset(cur, 0, sizeof(*cur));
    cur->after = INT64_MAX;
    if (!s) return LL_OK;
    if (sort == SORT_NEWEST && s[0] == 'n') {
        cur->after = strtoll(s + 1, &end, 10);
        return *end || cur->after <= 0 ? LL_INVALID : LL_OK;
    }
    if ((sort == SORT_PRICE_ASC || sort == SORT_PRICE_DESC) && s[0] == 'p') {
        cur->cp = strtoll(s + 1, &end, 10);
        if (*end != '_') return LL_INVALID;
        cur->cid = strtoll(end + 1, &end, 10);
        cur->has_price = true;
        return *end || cur->cid <= 0 ? LL_INVALID : LL_OK;
    }
    if ((sort == SORT_RELEVANCE || sort == SORT_DISTANCE) && s[0] == 'o') {
        cur->offset = strtoll(s + 1, &end, 10);
        return *end || cur->offset < 0 || cur->offset > SEARCH_MAX_OFFSET ? LL_INVALID : LL_OK;
    }
    return LL_INVALID;
}

static void bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i && v) sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void bind_int(sqlite3_stmt *st, const char *name, bool present, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i && present) sqlite3_bind_int64(st, i, v);
}

static void bind_double(sqlite3_stmt *st, const char *name, bool present, double v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i && present) sqlite3_bind_double(st, i, v);
}

/*
 * The MATCH expression. Words are indexed in their listing's city-and-category
 * scope (lidx_scope): with a city and a category the words are looked up in
 * that one scope; with a city alone, in the city's scope of each category
 * (ORed); without a city, in every scope (prefix queries), narrowed by the
 * category tag. District and sub-category stay tag tokens.
 */
static const char *match_expr(ctx_t *c, const search_params_t *p)
{
    const char *m;
    if (p->city && p->cat) {
        const char *scope = lidx_scope(c, p->city, p->cat);
        m = fts_query_in(c->arena, p->q, &scope, 1);
    } else if (p->city) {
        const char **scopes = arena_alloc(c->arena, cat_count * sizeof *scopes);
        for (size_t i = 0; i < cat_count; i++) scopes[i] = lidx_scope(c, p->city, &cat_all[i]);
        m = fts_query_in(c->arena, p->q, scopes, (int)cat_count);
    } else {
        m = fts_query_in(c->arena, p->q, NULL, 0);
        if (m && p->cat) m = arena_printf(c->arena, "(%s) AND tags : \"k%s\"", m, p->cat->slug);
    }
    if (!m) return NULL;
    if (p->district) m = arena_printf(c->arena, "(%s) AND tags : \"d%lld\"", m, (long long)p->district);
    if (p->subcategory) m = arena_printf(c->arena, "(%s) AND tags : \"s%s\"", m, p->subcategory);
    return m;
}

static void bind_attrs(ctx_t *c, sqlite3_stmt *st, const search_params_t *p)
{
    static const char *const an[] = {":a1", ":a2", ":a3", ":a4"}, *const vn[] = {":v1", ":v2", ":v3", ":v4"};
    for (int i = 0; i < p->nattrs; i++) {
        const cat_field_t *f = p->attrs[i].field;
        bind_text(st, an[i], arena_printf(c->arena, "$.%s", f->name));
        if (f->type == CF_INT) bind_int(st, vn[i], true, strtoll(p->attrs[i].value, NULL, 10));
        else bind_text(st, vn[i], p->attrs[i].value);
    }
}

static void bind_near(sqlite3_stmt *st, const search_params_t *p)
{
    static const char *const cn[NEAR_CELLS] = {":c0", ":c1", ":c2", ":c3", ":c4", ":c5",
                                               ":c6", ":c7", ":c8", ":c9", ":c10", ":c11"};
    int64_t cells[NEAR_CELLS];
    if (!p->has_near) return;
    int n = sqlite3_bind_parameter_index(st, ":c0") ? near_cells(p, cells) : 0;
    for (int k = 0; k < n; k++) bind_int(st, cn[k], true, cells[k]);
    double dlat, dlng;
    near_box(p, &dlat, &dlng);
    bind_double(st, ":lat", true, p->lat);
    bind_double(st, ":lng", true, p->lng);
    bind_double(st, ":lat0", true, p->lat - dlat);
    bind_double(st, ":lat1", true, p->lat + dlat);
    bind_double(st, ":lng0", true, p->lng - dlng);
    bind_double(st, ":lng1", true, p->lng + dlng);
    bind_double(st, ":r", true, p->radius_km);
}

static void bind_all(ctx_t *c, sqlite3_stmt *st, const search_params_t *p, const char *match, const cursor_t *cur)
{
    bind_text(st, ":match", match);
    bind_int(st, ":base", true, LIDX_FTS_BASE);
    bind_int(st, ":now", true, c->now);
    bind_int(st, ":cat0", true, p->cat ? lidx_cat_code(p->cat) : 0);
    bind_int(st, ":cat1", true, p->cat ? lidx_cat_code(p->cat) : INT32_MAX);
    bind_int(st, ":catn", true, p->cat ? lidx_cat_code(p->cat) : 0);
    bind_int(st, ":city", p->city != 0, p->city);
    bind_int(st, ":district", p->district != 0, p->district);
    bind_text(st, ":cat", p->cat ? p->cat->slug : NULL);
    bind_text(st, ":sub", p->subcategory);
    bind_int(st, ":pmin", p->has_min, p->price_min);
    bind_int(st, ":pmax", p->has_max, p->price_max);
    bind_attrs(c, st, p);
    bind_near(st, p);
    bind_int(st, ":after", true, cur->after);
    bind_int(st, ":cp", cur->has_price, cur->cp);
    bind_int(st, ":cid", cur->has_price, cur->cid);
    bind_int(st, ":offset", true, cur->offset);
    bind_int(st, ":limit", true, p->limit + 1); /* one more tells whether a next page exists */
}

static int choose_path(const search_params_t *p, const char *match)
{
    if (match) return PATH_FTS;
    if (p->has_near) return PATH_GEO;
    if (p->city && p->cat) return PATH_CC;
    return p->city ? PATH_C : PATH_ALL;
}

/* The card statement for p, or NULL when a filter needs the listings row. */
static const char *card_sql(const search_params_t *p, const char *match, search_sort_t sort)
{
    if (!p->cards || p->has_min || p->has_max || p->nattrs || sort == SORT_PRICE_ASC || sort == SORT_PRICE_DESC)
        return NULL;
    if (match) return p->has_near ? NULL : CARD_SQL[sort == SORT_RELEVANCE ? CARD_FTS_RANK : CARD_FTS_NEWEST];
    if (p->district || p->subcategory) return NULL;
    int64_t cells[NEAR_CELLS];
    int n = p->has_near && !p->city && sort == SORT_NEWEST ? near_cells(p, cells) : 0;
    if (n) return NEAR_SQL_OF[n];
    if (p->has_near) return p->city ? NULL : CARD_SQL[sort == SORT_DISTANCE ? CARD_GEO_DISTANCE : CARD_GEO_NEWEST];
    return p->city ? CARD_SQL[p->cat ? CARD_CC : CARD_C] : NULL;
}

static const char *search_sql(const search_params_t *p, const char *match, search_sort_t sort)
{
    const char *sql = card_sql(p, match, sort);
    return sql ? sql : SQL[choose_path(p, match)][sort];
}

/* The cursor after the row `last`, the consumed-th row of this statement. */
static const char *next_cursor(ctx_t *c, search_sort_t sort, const search_hit_t *last, const cursor_t *cur,
                               size_t consumed)
{
    switch (sort) {
    case SORT_NEWEST: return arena_printf(c->arena, "n%lld", (long long)last->id);
    case SORT_PRICE_ASC:
    case SORT_PRICE_DESC:
        return arena_printf(c->arena, "p%lld_%lld", (long long)last->l.price_fen, (long long)last->id);
    default:
        return cur->offset + (int64_t)consumed > SEARCH_MAX_OFFSET
                   ? NULL
                   : arena_printf(c->arena, "o%lld", (long long)(cur->offset + (int64_t)consumed));
    }
}

static int check_params(ctx_t *c, const search_params_t *p, search_sort_t *sort)
{
    *sort = p->sort;
    if (p->sort == SORT_DISTANCE && !p->has_near) return ctx_fail(c, LL_INVALID, "invalid_field", "sort");
    if (p->has_near && (p->radius_km <= 0 || p->radius_km > 50)) return ctx_fail(c, LL_INVALID, "invalid_field", "radius_km");
    if (p->subcategory && (!p->cat || !cat_sub_find(p->cat, p->subcategory)))
        return ctx_fail(c, LL_INVALID, "invalid_field", "subcategory");
    return LL_OK;
}

/*
 * Reads one result row into h; false when the listing expired since the last
 * sweep. A card row gives only the id (and distance): its card comes after,
 * with the page's others (attach_cards).
 */
static bool read_row(ctx_t *c, sqlite3_stmt *st, bool card, search_hit_t *h)
{
    int dist_col = card ? 3 : 17;
    bool live = true;
    if (card) {
        h->id = sqlite3_column_int64(st, 0);
    } else {
        listing_fill_row(c, st, &h->l);
        h->id = h->l.id;
        live = h->l.cat && h->l.expires_at > c->now;
        const char *photo = live ? (const char *)sqlite3_column_text(st, 18) : NULL;
        h->photo = photo ? arena_strdup(c->arena, photo) : NULL;
    }
    h->has_distance = sqlite3_column_type(st, dist_col) != SQLITE_NULL;
    if (h->has_distance) h->distance_km = round(sqlite3_column_double(st, dist_col) * 10.0) / 10.0;
    return live;
}

/* The rendered cards of rows [0, n), read together; a row whose listing expired or went since the sweep is
 * marked not live. */
static int attach_cards(ctx_t *c, search_hit_t *v, size_t n, bool *live)
{
    int64_t *ids = arena_alloc(c->arena, (n + 1) * sizeof(*ids));
    vc_entry_t *e = arena_alloc(c->arena, (n + 1) * sizeof(*e));
    int *res = arena_alloc(c->arena, (n + 1) * sizeof(*res));
    lidx_epochs_t epochs = {0};
    for (size_t i = 0; i < n; i++) ids[i] = v[i].id;
    if (lidx_cards(c, ids, n, &epochs, e, res)) return LL_ERR;
    for (size_t i = 0; i < n; i++) {
        live[i] = res[i] == LL_OK && e[i].expires_at > c->now;
        if (live[i]) v[i].card = e[i].text;
    }
    return LL_OK;
}

int search_run(ctx_t *c, const search_params_t *p, search_hit_t **hits, size_t *n, const char **next)
{
    cursor_t cur;
    search_sort_t sort;
    int res = check_params(c, p, &sort);
    if (res) return res;
    const char *match = p->q ? match_expr(c, p) : NULL;
    if (p->q && !match) return ctx_fail(c, LL_INVALID, "invalid_field", "q");
    if (sort == SORT_RELEVANCE && !match) sort = SORT_NEWEST;
    if (cursor_parse(p->cursor, sort, &cur)) return ctx_fail(c, LL_INVALID, "invalid_field", "cursor");
    const char *sql = search_sql(p, match, sort);
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (!st) return LL_ERR;
    bind_all(c, st, p, match, &cur);
    size_t limit = (size_t)p->limit, rows = 0, k = 0;
    search_hit_t *v = arena_zalloc(c->arena, (limit + 1) * sizeof(*v));
    bool *live = arena_alloc(c->arena, (limit + 1) * sizeof(*live));
    bool card = sql != SQL[choose_path(p, match)][sort];
    int rc = SQLITE_DONE;
    while (rows <= limit && (rc = sqlite3_step(st)) == SQLITE_ROW) { /* limit + 1 rows at most */
        live[rows] = read_row(c, st, card, &v[rows]);
        rows++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return LL_ERR;
    if (card && attach_cards(c, v, rows, live)) return LL_ERR;
    search_hit_t last = rows ? v[rows - 1] : (search_hit_t){0}; /* the last row read, live or not */
    for (size_t i = 0; i < rows; i++)
        if (live[i]) v[k++] = v[i];
    /* A full page continues after its last row; a page shortened by rows that expired since the sweep
     * continues after the last row read, so paging goes on. */
    if (k > limit) *next = next_cursor(c, sort, &v[limit - 1], &cur, rows - 1);
    else *next = rows > limit ? next_cursor(c, sort, &last, &cur, rows) : NULL;
    *n = k > limit ? limit : k;
    *hits = v;
    return LL_OK;
}

int search_plan(ctx_t *c, const search_params_t *p, char *out, size_t n)
{
    const char *match = p->q ? match_expr(c, p) : NULL;
    search_sort_t sort = p->sort == SORT_RELEVANCE && !match ? SORT_NEWEST : p->sort;
    const char *sql = arena_printf(c->arena, "EXPLAIN QUERY PLAN %s", search_sql(p, match, sort));
    cursor_t cur;
    sqlite3_stmt *st;
    cursor_parse(NULL, sort, &cur);
    if (sqlite3_prepare_v2(db_handle(c->db), sql, -1, &st, NULL) != SQLITE_OK) return LL_ERR;
    bind_all(c, st, p, match, &cur);
    size_t k = 0;
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW && k < n) {
        int w = snprintf(out + k, n - k, "%s\n", (const char *)sqlite3_column_text(st, 3));
        k += w > 0 ? (size_t)w : 0;
    }
    sqlite3_finalize(st);
    return LL_OK;
}

static const char SQL_TASTE[] =
    "SELECT l.category FROM browse_history b JOIN listings l ON l.id = b.listing_id "
    "WHERE b.user_id = ? AND b.at > ? GROUP BY l.category ORDER BY count(*) DESC LIMIT 1";

int search_recommend(ctx_t *c, int64_t city, int limit, search_hit_t **hits, size_t *n, bool *personal)
{
    search_params_t p = {.city = city, .sort = SORT_NEWEST, .limit = limit};
    const char *next;
    *personal = false;
    if (consent_granted(c, c->user_id, "personalization")) {
        sqlite3_stmt *st = db_stmt(c->db, SQL_TASTE);
        if (!st) return LL_ERR;
        sqlite3_bind_int64(st, 1, c->user_id);
        sqlite3_bind_int64(st, 2, c->now - 30 * 86400);
        if (sqlite3_step(st) == SQLITE_ROW) {
            p.cat = cat_find((const char *)sqlite3_column_text(st, 0));
            *personal = p.cat != NULL;
        }
        sqlite3_reset(st);
    }
    return search_run(c, &p, hits, n, &next);
}
