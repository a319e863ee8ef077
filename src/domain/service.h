/*
 * service.h — what home-service merchants offer (JX): category, price in
 * integer fen per unit, the area served and weekly time slots; and finding
 * services near a point, in a district or a city (B9, B10, C3).
 *
 * An area is either a city's districts or a centre (rounded to about 100 m)
 * with a radius. Either way the service keeps an anchor point and how far
 * the area reaches from it, and service_districts lists every district it
 * reaches, so a district search is one index lookup.
 *
 * A merchant edits a service's price, description and slots, pauses it (a
 * paused service is found by nobody and takes no orders; its merchant still
 * sees it) and resumes it. A service may take at most `capacity` orders per
 * slot: per occurrence of one of its weekly time windows (Tuesday 08:00–12:00
 * of one week), counting orders not cancelled or refunded; without a capacity
 * it is not limited. The count is checked inside the order's write
 * transaction (one writer at a time), so parallel orders never overbook.
 *
 * A nearby search reads the R*Tree services_geo (each service's reach as a
 * box around its anchor) and keeps the exact circle test in C.
 *
 * Invariants: a search point is used for that call and written nowhere
 * (B10); results use the caller's past orders only while the caller's
 * "personalization" consent is on (C3), otherwise distance and popularity
 * alone, the same for everybody.
 */
#ifndef LL_SERVICE_H
#define LL_SERVICE_H
#include "base/ctx.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SVC_MAX_DISTRICTS 64
#define SVC_MAX_RADIUS_KM 100

typedef struct {
    const char *slug, *label;
} svc_category_t;
extern const svc_category_t svc_categories[];
extern const size_t svc_category_count;
const svc_category_t *svc_category(const char *slug);

typedef struct {
    const char *category, *title, *description, *unit;
    int64_t price_fen, city;
    json_t *area;  /* {"districts":[codes]} or {"centre":{"lat","lng"},"radius_km":n} */
    json_t *slots; /* [{"days":[1..7],"from":"HH:MM","to":"HH:MM"}] */
    int64_t capacity; /* orders per slot, 1..SVC_MAX_CAPACITY; 0: not limited */
} svc_in_t;

#define SVC_MAX_CAPACITY 100

/* A merchant's change to a service: only the fields marked present change. */
typedef struct {
    bool has_price, has_description, has_slots, has_status, has_capacity;
    int64_t price_fen, capacity; /* capacity 0: no longer limited */
    const char *description, *status; /* status: "active" or "paused" */
    json_t *slots;
} svc_patch_t;

typedef struct svc {
    int64_t id, merchant_id, city, price_fen, orders, rating_sum, rating_count, created_at;
    int64_t capacity; /* orders per slot; 0: not limited */
    const char *category, *title, *description, *unit, *status, *merchant_name;
    double lat, lng, radius_km, reach_km, distance_km;
    bool has_radius, has_distance;
    json_t *slots; /* freed with the arena */
    int64_t *districts;
    size_t ndistricts;
} svc_t;

typedef struct {
    bool has_near;
    double lat, lng, radius_km;
    const char *q, *category;
    int64_t district, city;
    int limit;
} svc_query_t;

/* The caller's approved merchant offers a service; LL_DENIED (merchant_not_approved) otherwise. */
int svc_create(ctx_t *c, const svc_in_t *in, int64_t *id);
/* An offered service of an approved merchant (or the caller's own); else LL_NOTFOUND. */
int svc_get(ctx_t *c, int64_t id, svc_t *out);
/* Services matching q, best first; *personal tells whether the caller's past orders ranked them. */
int svc_find(ctx_t *c, const svc_query_t *q, svc_t **items, size_t *n, bool *personal);
/* True when time t (unix seconds) falls in one of the service's slots, in Beijing time. */
bool svc_slot_ok(const svc_t *s, int64_t t);
/* True when the service reaches district d. */
bool svc_serves(const svc_t *s, int64_t d);
/* Counts one more order for popularity (inside the caller's transaction). */
int svc_count_order(ctx_t *c, int64_t id);
/* The caller's merchant changes its service (LL_NOTFOUND for anyone else's); LL_INVALID names the field. */
int svc_update(ctx_t *c, int64_t id, const svc_patch_t *p);
/*
 * Inside the order's write transaction: the service still takes orders
 * (else LL_INVALID on service_id) and the slot holding slot_at has room
 * (else LL_CONFLICT slot_full).
 */
int svc_slot_room(ctx_t *c, int64_t id, int64_t slot_at);
/* The SQL of a nearby search (for its plan test). */
const char *svc_near_sql(void);

#endif
