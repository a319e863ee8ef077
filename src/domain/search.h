/*
 * search.h — finding published listings (B8, B9, B10): by keyword (Chinese
 * full text), city, district, category, price and category attributes,
 * near a point, sorted, with keyset pagination.
 *
 * The point of a nearby search comes with the request and is used for that
 * request only: nothing here writes a coordinate (B10).
 */
#ifndef LL_SEARCH_H
#define LL_SEARCH_H
#include "base/ctx.h"
#include "domain/listing.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEARCH_MAX_ATTRS 4
#define SEARCH_MAX_LIMIT 50

typedef enum { SORT_NEWEST, SORT_RELEVANCE, SORT_PRICE_ASC, SORT_PRICE_DESC, SORT_DISTANCE } search_sort_t;

typedef struct {
    const cat_field_t *field;
    const char *value;
} search_attr_t;

typedef struct {
    const char *q;
    int64_t city, district;
    const category_t *cat;
    const char *subcategory;
    bool has_min, has_max, has_near;
    int64_t price_min, price_max;
    search_attr_t attrs[SEARCH_MAX_ATTRS];
    int nattrs;
    double lat, lng, radius_km;
    search_sort_t sort;
    const char *cursor;
    int limit;
    bool cards; /* results as rendered cards where possible (hit.card), else as rows (hit.l) */
} search_params_t;

typedef struct {
    int64_t id;
    const char *card; /* the listing's summary as JSON text (listing_index.h); NULL when l is filled */
    listing_t l;
    bool has_distance;
    double distance_km; /* rounded to 0.1 km */
    const char *photo;  /* the first photo's name, or NULL */
} search_hit_t;

/* Runs a search; *next is the cursor of the next page or NULL. LL_INVALID with err_field on bad params. */
int search_run(ctx_t *c, const search_params_t *p, search_hit_t **hits, size_t *n, const char **next);
/*
 * Recommendations for a city (C3, D2): with the person's "personalization"
 * consent, newest listings in the categories of their footprints of the last
 * 30 days; without it (or signed out), newest listings in the city, the same
 * for everyone.
 */
int search_recommend(ctx_t *c, int64_t city, int limit, search_hit_t **hits, size_t *n, bool *personal);
/* The query plan (EXPLAIN QUERY PLAN details, one per line) of the statement search_run would use. */
int search_plan(ctx_t *c, const search_params_t *p, char *out, size_t n);
/* Parses sort names: newest, relevance, price_asc, price_desc, distance. */
int search_sort_parse(const char *s, search_sort_t *out);

#endif
