/* service.c — service offerings and finding them (see service.h). */
#include "domain/service.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/consent.h"
#include "domain/merchant.h"
#include "domain/region.h"
#include "domain/validate.h"
#include "privacy/audit.h"
#include "store/db.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const svc_category_t svc_categories[] = {
    {"cleaning", "保洁"}, {"moving", "搬家"}, {"repair", "维修"}, {"maternity", "月嫂"}, {"locksmith", "开锁"},
};
const size_t svc_category_count = ARRAY_LEN(svc_categories);
static const char *const units[] = {"次", "小时", "平方米", "天", "月", "件", "套"};

#define DISTRICT_MARGIN_KM 5.0 /* a district is not a point: its centre plus this covers most of it */
#define FIND_MAX 2000          /* candidates read per search before ranking */

const svc_category_t *svc_category(const char *slug)
{
    for (size_t i = 0; slug && i < svc_category_count; i++)
        if (!strcmp(svc_categories[i].slug, slug)) return &svc_categories[i];
    return NULL;
}

static double km_between(double lat1, double lng1, double lat2, double lng2)
{
    const double rad = M_PI / 180.0;
    double a = sin((lat2 - lat1) * rad / 2), b = sin((lng2 - lng1) * rad / 2);
    double h = a * a + cos(lat1 * rad) * cos(lat2 * rad) * b * b;
    return 2 * 6371.0088 * asin(sqrt(h < 1 ? h : 1));
}

static double round3(double x)
{
    return round(x * 1000.0) / 1000.0; /* about 100 m: where the business works from, not where someone stands */
}

/* ---- checking input ---- */

static bool text_ok(const char *s, size_t min, size_t max)
{
    size_t n = utf8_chars(s);
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f) return false;
    return n >= min && n <= max;
}

static bool unit_ok(const char *u)
{
    for (size_t i = 0; u && i < ARRAY_LEN(units); i++)
        if (!strcmp(units[i], u)) return true;
    return false;
}

/* "HH:MM" into minutes of the day; -1 if malformed. 24:00 is allowed as an end. */
static int minutes(const char *s)
{
    int h, m;
    char tail;
    if (!s || strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2) return -1;
    if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m)) return -1;
    return h * 60 + m;
}

static bool slot_ok(json_t *slot)
{
    json_t *days = json_object_get(slot, "days");
    if (!json_is_object(slot) || json_object_size(slot) != 3 || !json_is_array(days) || !json_array_size(days) ||
        json_array_size(days) > 7)
        return false;
    for (size_t i = 0; i < json_array_size(days); i++) {
        json_t *d = json_array_get(days, i);
        if (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 7) return false;
    }
    int from = minutes(json_string_value(json_object_get(slot, "from")));
    int to = minutes(json_string_value(json_object_get(slot, "to")));
    return from >= 0 && to > from;
}

static bool slots_ok(json_t *slots)
{
    if (!json_is_array(slots) || !json_array_size(slots) || json_array_size(slots) > 7) return false;
    for (size_t i = 0; i < json_array_size(slots); i++)
        if (!slot_ok(json_array_get(slots, i))) return false;
    return true;
}

static bool point_ok(double lat, double lng)
{
    return isfinite(lat) && isfinite(lng) && lat >= 3 && lat <= 54 && lng >= 73 && lng <= 136;
}

/* The area's anchor, reach and districts; the field at fault in c->err_field. */
typedef struct {
    double lat, lng, radius_km, reach_km;
    bool has_radius;
    int64_t districts[SVC_MAX_DISTRICTS];
    size_t n;
} area_t;

static int area_districts(ctx_t *c, int64_t city, json_t *list, area_t *a)
{
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0 || n > SVC_MAX_DISTRICTS)
        return ctx_fail(c, LL_INVALID, "invalid_field", "area.districts");
    double lat[SVC_MAX_DISTRICTS], lng[SVC_MAX_DISTRICTS];
    a->lat = a->lng = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_array_get(list, i);
        int64_t code = json_is_integer(d) ? json_integer_value(d) : 0;
        if (code <= 0 || code > 999999 || !region_is_district_of(c->regions, (uint32_t)code, (uint32_t)city) ||
            region_centre(c->regions, (uint32_t)code, &lat[i], &lng[i]))
            return ctx_fail(c, LL_INVALID, "invalid_field", "area.districts");
        for (size_t k = 0; k < i; k++)
            if (a->districts[k] == code) return ctx_fail(c, LL_INVALID, "invalid_field", "area.districts");
        a->districts[i] = code;
        a->lat += lat[i] / (double)n;
        a->lng += lng[i] / (double)n;
    }
    a->n = n;
    a->reach_km = DISTRICT_MARGIN_KM;
    for (size_t i = 0; i < n; i++) {
        double d = km_between(a->lat, a->lng, lat[i], lng[i]) + DISTRICT_MARGIN_KM;
        if (d > a->reach_km) a->reach_km = d;
    }
    return LL_OK;
}

static int area_circle(ctx_t *c, int64_t city, json_t *area, area_t *a)
{
    json_t *centre = json_object_get(area, "centre"), *r = json_object_get(area, "radius_km");
    json_t *la = json_object_get(centre, "lat"), *ln = json_object_get(centre, "lng");
    if (!json_is_object(centre) || json_object_size(centre) != 2 || !json_is_number(la) || !json_is_number(ln) ||
        !point_ok(json_number_value(la), json_number_value(ln)))
        return ctx_fail(c, LL_INVALID, "invalid_field", "area.centre");
    if (!json_is_number(r) || !(json_number_value(r) >= 0.5) || json_number_value(r) > SVC_MAX_RADIUS_KM)
        return ctx_fail(c, LL_INVALID, "invalid_field", "area.radius_km");
    a->lat = round3(json_number_value(la));
    a->lng = round3(json_number_value(ln));
    a->radius_km = a->reach_km = json_number_value(r);
    a->has_radius = true;
    const uint32_t *codes;
    size_t n = region_districts(c->regions, (uint32_t)city, &codes);
    for (size_t i = 0; i < n && a->n < SVC_MAX_DISTRICTS; i++) {
        double lat, lng;
        if (!region_centre(c->regions, codes[i], &lat, &lng) &&
            km_between(a->lat, a->lng, lat, lng) <= a->radius_km + DISTRICT_MARGIN_KM)
            a->districts[a->n++] = codes[i];
    }
    return LL_OK;
}

static int check_area(ctx_t *c, int64_t city, json_t *area, area_t *a)
{
    memset(a, 0, sizeof(*a));
    if (region_level(c->regions, (uint32_t)city) != REGION_CITY) return ctx_fail(c, LL_INVALID, "invalid_field", "city");
    if (!json_is_object(area)) return ctx_fail(c, LL_INVALID, "missing_field", "area");
    json_t *d = json_object_get(area, "districts");
    if (d && json_object_size(area) == 1) return area_districts(c, city, d, a);
    if (!d && json_object_size(area) == 2) return area_circle(c, city, area, a);
    return ctx_fail(c, LL_INVALID, "invalid_field", "area");
}

static int check_input(ctx_t *c, const svc_in_t *in)
{
    if (!svc_category(in->category)) return ctx_fail(c, LL_INVALID, "invalid_field", "category");
    if (!in->title || !text_ok(in->title, 2, 50)) return ctx_fail(c, LL_INVALID, "invalid_field", "title");
    if (!text_ok(in->description ? in->description : "", 0, 1000))
        return ctx_fail(c, LL_INVALID, "invalid_field", "description");
    if (in->price_fen <= 0 || in->price_fen > 100000000) return ctx_fail(c, LL_INVALID, "invalid_field", "price");
    if (!unit_ok(in->unit)) return ctx_fail(c, LL_INVALID, "invalid_field", "unit");
    if (!slots_ok(in->slots)) return ctx_fail(c, LL_INVALID, "invalid_field", "slots");
    if (in->capacity < 0 || in->capacity > SVC_MAX_CAPACITY) return ctx_fail(c, LL_INVALID, "invalid_field", "capacity");
    return LL_OK;
}

/* ---- writing ---- */

static const char SQL_INSERT[] =
    "INSERT INTO services(merchant_id, category, title, description, price_fen, unit, city, lat, lng, radius_km, "
    "reach_km, slots, created_at, updated_at, slot_capacity) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13,?14)";
static const char SQL_DISTRICT[] = "INSERT INTO service_districts(district, service_id) VALUES (?, ?)";
static const char SQL_GEO[] = "INSERT INTO services_geo(id, min_lat, max_lat, min_lng, max_lng) VALUES (?,?,?,?,?)";

#define KM_PER_DEGREE 111.0 /* a little under the true 111.2: boxes err on the large side, the exact test is in C */

/* Degrees of longitude that km spans at latitude lat and anywhere up to km north of it. */
static double lng_degrees(double lat, double km)
{
    double top = fabs(lat) + km / KM_PER_DEGREE;
    double per = KM_PER_DEGREE * cos((top < 89 ? top : 89) * M_PI / 180.0);
    return km / per;
}

/* The nearby index: the box around the anchor that the reach covers. */
static int insert_geo(ctx_t *c, int64_t id, const area_t *a)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_GEO);
    if (!st) return LL_ERR;
    double dlat = a->reach_km / KM_PER_DEGREE, dlng = lng_degrees(a->lat, a->reach_km);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, a->lat - dlat);
    sqlite3_bind_double(st, 3, a->lat + dlat);
    sqlite3_bind_double(st, 4, a->lng - dlng);
    sqlite3_bind_double(st, 5, a->lng + dlng);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static int insert(ctx_t *c, int64_t merchant, const svc_in_t *in, const area_t *a, int64_t *id)
{
    char *slots = json_dumps(in->slots, JSON_COMPACT);
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st || !slots) {
        free(slots);
        return LL_ERR;
    }
    sqlite3_bind_int64(st, 1, merchant);
    sqlite3_bind_text(st, 2, in->category, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->description ? in->description : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, in->price_fen);
    sqlite3_bind_text(st, 6, in->unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, in->city);
    sqlite3_bind_double(st, 8, a->lat);
    sqlite3_bind_double(st, 9, a->lng);
    if (a->has_radius) sqlite3_bind_double(st, 10, a->radius_km);
    sqlite3_bind_double(st, 11, a->reach_km);
    sqlite3_bind_text(st, 12, slots, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 13, c->now);
    if (in->capacity) sqlite3_bind_int64(st, 14, in->capacity);
    free(slots);
    if (db_run(c->db, st)) return LL_ERR;
    *id = db_last_id(c->db);
    if (insert_geo(c, *id, a)) return LL_ERR;
    for (size_t i = 0; i < a->n; i++) {
        if (!(st = db_stmt(c->db, SQL_DISTRICT))) return LL_ERR;
        sqlite3_bind_int64(st, 1, a->districts[i]);
        sqlite3_bind_int64(st, 2, *id);
        if (db_run(c->db, st)) return LL_ERR;
    }
    return LL_OK;
}

int svc_create(ctx_t *c, const svc_in_t *in, int64_t *id)
{
    merchant_t m;
    area_t a;
    int res = merchant_mine(c, &m);
    if (res == LL_NOTFOUND || (res == LL_OK && strcmp(m.status, "approved")))
        return ctx_fail(c, LL_DENIED, "merchant_not_approved", NULL);
    if (res || (res = check_input(c, in)) || (res = check_area(c, in->city, in->area, &a))) return res;
    if (db_begin(c->db)) return LL_ERR;
    if (insert(c, m.id, in, &a, id) || db_commit(c->db)) {
        db_rollback(c->db);
        return LL_ERR;
    }
    return LL_OK;
}

/* ---- reading ---- */

#define SVC_COLS                                                                                                      \
    "SELECT s.id, s.merchant_id, s.category, s.title, s.description, s.price_fen, s.unit, s.city, s.lat, s.lng, "   \
    "s.radius_km, s.reach_km, s.slots, s.status, s.orders, s.rating_sum, s.rating_count, s.created_at, m.name, "     \
    "(s.status = 'active' AND m.status = 'approved') OR m.user_id = ?9, s.slot_capacity "

static const char SQL_GET[] = SVC_COLS "FROM services s JOIN merchants m ON m.id = s.merchant_id WHERE s.id = ?1";
static const char SQL_DISTRICTS_OF[] = "SELECT district FROM service_districts WHERE service_id = ? ORDER BY district";
static const char SQL_IN_DISTRICT[] =
    SVC_COLS "FROM service_districts d JOIN services s ON s.id = d.service_id JOIN merchants m ON m.id = s.merchant_id "
             "WHERE d.district = ?1 AND s.status = 'active' AND m.status = 'approved' LIMIT 2000";
static const char SQL_IN_CITY[] = SVC_COLS "FROM services s JOIN merchants m ON m.id = s.merchant_id "
                                           "WHERE s.city = ?1 AND s.status = 'active' AND m.status = 'approved' LIMIT 2000";
/* the services whose reach box meets the search box; CROSS JOIN: the tree first, then each row by its key */
static const char SQL_NEAR[] = SVC_COLS "FROM services_geo g CROSS JOIN services s ON s.id = g.id "
                                        "JOIN merchants m ON m.id = s.merchant_id "
                                        "WHERE g.max_lat >= ?1 AND g.min_lat <= ?2 AND g.max_lng >= ?3 AND g.min_lng <= ?4 "
                                        "AND s.status = 'active' AND m.status = 'approved' LIMIT 2000";

const char *svc_near_sql(void)
{
    return SQL_NEAR;
}

static const char *col_text(ctx_t *c, sqlite3_stmt *st, int i)
{
    const char *s = db_text(c->arena, st, i);
    return s ? s : "";
}

static void fill(ctx_t *c, sqlite3_stmt *st, svc_t *s)
{
    memset(s, 0, sizeof(*s));
    s->id = sqlite3_column_int64(st, 0);
    s->merchant_id = sqlite3_column_int64(st, 1);
    s->category = col_text(c, st, 2);
    s->title = col_text(c, st, 3);
    s->description = col_text(c, st, 4);
    s->price_fen = sqlite3_column_int64(st, 5);
    s->unit = col_text(c, st, 6);
    s->city = sqlite3_column_int64(st, 7);
    s->lat = sqlite3_column_double(st, 8);
    s->lng = sqlite3_column_double(st, 9);
    s->has_radius = sqlite3_column_type(st, 10) != SQLITE_NULL;
    s->radius_km = sqlite3_column_double(st, 10);
    s->reach_km = sqlite3_column_double(st, 11);
    s->slots = json_loads((const char *)sqlite3_column_text(st, 12), 0, NULL);
    if (!s->slots) s->slots = json_array();
    arena_on_free(c->arena, (arena_cleanup_fn)json_decref, s->slots);
    s->status = col_text(c, st, 13);
    s->orders = sqlite3_column_int64(st, 14);
    s->rating_sum = sqlite3_column_int64(st, 15);
    s->rating_count = sqlite3_column_int64(st, 16);
    s->created_at = sqlite3_column_int64(st, 17);
    s->merchant_name = col_text(c, st, 18);
    s->capacity = sqlite3_column_int64(st, 20);
}

static int load_districts(ctx_t *c, svc_t *s)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_DISTRICTS_OF);
    if (!st) return LL_ERR;
    s->districts = arena_zalloc(c->arena, (SVC_MAX_DISTRICTS + 1) * sizeof(int64_t));
    sqlite3_bind_int64(st, 1, s->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->ndistricts < SVC_MAX_DISTRICTS)
        s->districts[s->ndistricts++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

int svc_get(ctx_t *c, int64_t id, svc_t *out)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_GET);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 9, c->user_id);
    int rc = sqlite3_step(st);
    bool visible = rc == SQLITE_ROW && sqlite3_column_int(st, 19);
    if (visible) fill(c, st, out);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    if (!visible) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return load_districts(c, out);
}

bool svc_serves(const svc_t *s, int64_t d)
{
    for (size_t i = 0; i < s->ndistricts; i++)
        if (s->districts[i] == d) return true;
    return false;
}

/* The occurrence of a slot window holding time t (unix seconds, Beijing time): [*from, *to); false if none. */
static bool slot_window(json_t *slots, int64_t t, int64_t *from, int64_t *to)
{
    int64_t local = t + 8 * 3600; /* Beijing time has no daylight saving */
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int weekday = (int)(((day + 3) % 7 + 7) % 7) + 1; /* 1970-01-01 was a Thursday; 1 = Monday */
    int minute = (int)((local - day * 86400) / 60);
    for (size_t i = 0; i < json_array_size(slots); i++) {
        json_t *slot = json_array_get(slots, i), *days = json_object_get(slot, "days");
        int start = minutes(json_string_value(json_object_get(slot, "from")));
        int end = minutes(json_string_value(json_object_get(slot, "to")));
        bool on = false;
        for (size_t k = 0; k < json_array_size(days); k++) on |= json_integer_value(json_array_get(days, k)) == weekday;
        if (on && minute >= start && minute < end) {
            *from = day * 86400 - 8 * 3600 + start * 60;
            *to = day * 86400 - 8 * 3600 + end * 60;
            return true;
        }
    }
    return false;
}

bool svc_slot_ok(const svc_t *s, int64_t t)
{
    int64_t from, to;
    return slot_window(s->slots, t, &from, &to);
}

static const char SQL_ROOM[] = "SELECT s.status = 'active' AND m.status = 'approved', s.slot_capacity, s.slots "
                               "FROM services s JOIN merchants m ON m.id = s.merchant_id WHERE s.id = ?";
static const char SQL_BOOKED[] = "SELECT count(*) FROM orders WHERE service_id = ?1 AND slot_at >= ?2 AND slot_at < ?3 "
                                 "AND status NOT IN ('cancelled','refunded')";

/* Active orders of service id in [from, to); -1 on error. */
static int64_t booked(ctx_t *c, int64_t id, int64_t from, int64_t to)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_BOOKED);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

int svc_slot_room(ctx_t *c, int64_t id, int64_t slot_at)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ROOM);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    bool open = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    int64_t capacity = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    json_t *slots = rc == SQLITE_ROW ? json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL) : NULL;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    arena_on_free(c->arena, (arena_cleanup_fn)json_decref, slots);
    /* re-read in the write transaction: paused or slots changed since the request looked */
    if (!open) return ctx_fail(c, LL_INVALID, "invalid_field", "service_id");
    int64_t from, to, n;
    if (!slot_window(slots, slot_at, &from, &to)) return ctx_fail(c, LL_INVALID, "slot_unavailable", "time");
    if (!capacity) return LL_OK;
    if ((n = booked(c, id, from, to)) < 0) return LL_ERR;
    return n < capacity ? LL_OK : ctx_fail(c, LL_CONFLICT, "slot_full", "time");
}

/* ---- changing ---- */

static const char SQL_OWNED[] = "SELECT 1 FROM services s JOIN merchants m ON m.id = s.merchant_id "
                                "WHERE s.id = ? AND m.user_id = ?";
static const char SQL_UPDATE[] =
    "UPDATE services SET price_fen = CASE WHEN ?2 THEN ?3 ELSE price_fen END, "
    "description = CASE WHEN ?4 THEN ?5 ELSE description END, slots = CASE WHEN ?6 THEN ?7 ELSE slots END, "
    "status = CASE WHEN ?8 THEN ?9 ELSE status END, slot_capacity = CASE WHEN ?10 THEN ?11 ELSE slot_capacity END, "
    "updated_at = ?12 WHERE id = ?1";

static int check_patch(ctx_t *c, const svc_patch_t *p)
{
    if (p->has_price && (p->price_fen <= 0 || p->price_fen > 100000000))
        return ctx_fail(c, LL_INVALID, "invalid_field", "price");
    if (p->has_description && (!p->description || !text_ok(p->description, 0, 1000)))
        return ctx_fail(c, LL_INVALID, "invalid_field", "description");
    if (p->has_slots && !slots_ok(p->slots)) return ctx_fail(c, LL_INVALID, "invalid_field", "slots");
    if (p->has_status && (!p->status || (strcmp(p->status, "active") && strcmp(p->status, "paused"))))
        return ctx_fail(c, LL_INVALID, "invalid_field", "status");
    if (p->has_capacity && (p->capacity < 0 || p->capacity > SVC_MAX_CAPACITY))
        return ctx_fail(c, LL_INVALID, "invalid_field", "capacity");
    return LL_OK;
}

static int owned(ctx_t *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_OWNED);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL); /* someone else's is no service */
    return rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

int svc_update(ctx_t *c, int64_t id, const svc_patch_t *p)
{
    int res = owned(c, id);
    if (res || (res = check_patch(c, p))) return res;
    char *slots = p->has_slots ? json_dumps(p->slots, JSON_COMPACT) : NULL;
    if (p->has_slots && !slots) return LL_ERR;
    /* the statement is taken inside the transaction: a write transaction runs on the pool's write connection */
    if (db_begin(c->db)) {
        free(slots);
        return LL_ERR;
    }
    sqlite3_stmt *st = db_stmt(c->db, SQL_UPDATE);
    if (!st) {
        free(slots);
        db_rollback(c->db);
        return LL_ERR;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, p->has_price);
    sqlite3_bind_int64(st, 3, p->price_fen);
    sqlite3_bind_int(st, 4, p->has_description);
    sqlite3_bind_text(st, 5, p->description ? p->description : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, p->has_slots);
    sqlite3_bind_text(st, 7, slots ? slots : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 8, p->has_status);
    sqlite3_bind_text(st, 9, p->status ? p->status : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 10, p->has_capacity);
    if (p->capacity) sqlite3_bind_int64(st, 11, p->capacity);
    else sqlite3_bind_null(st, 11);
    sqlite3_bind_int64(st, 12, c->now);
    free(slots);
    if (db_run(c->db, st) ||
        audit_append(c, "service.changed", c->user_id, 0,
                     arena_printf(c->arena, "{\"service\":%lld,\"status\":\"%s\"}", (long long)id,
                                  p->has_status ? p->status : "")) ||
        db_commit(c->db)) {
        db_rollback(c->db);
        return LL_ERR;
    }
    return LL_OK;
}

static const char SQL_COUNT_ORDER[] = "UPDATE services SET orders = orders + 1 WHERE id = ?";

int svc_count_order(ctx_t *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_COUNT_ORDER);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

/* ---- finding ---- */

/* The caller's past behaviour, read only with the personalisation consent (C3): order counts by category. */
static const char SQL_PAST[] =
    "SELECT category, count(*) FROM orders WHERE customer_id = ? AND status <> 'cancelled' GROUP BY category";

static int past_orders(ctx_t *c, int64_t counts[], bool *personal)
{
    *personal = false;
    if (!c->user_id || !consent_granted(c, c->user_id, "personalization")) return LL_OK;
    *personal = true;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PAST);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cat = (const char *)sqlite3_column_text(st, 0);
        for (size_t i = 0; cat && i < svc_category_count; i++)
            if (!strcmp(cat, svc_categories[i].slug)) counts[i] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

typedef struct {
    svc_t s;
    int64_t boost;
    double band; /* distance in 2 km steps: nearer first, then popularity decides */
} ranked_t;

static int cmp_ranked(const void *pa, const void *pb)
{
    const ranked_t *a = pa, *b = pb;
    if (a->boost != b->boost) return a->boost > b->boost ? -1 : 1;
    if (a->band != b->band) return a->band < b->band ? -1 : 1;
    if (a->s.orders != b->s.orders) return a->s.orders > b->s.orders ? -1 : 1;
    return a->s.id < b->s.id ? -1 : a->s.id > b->s.id;
}

/* True when the row passes the filters the SQL did not apply; sets its distance. */
static bool keep(const svc_query_t *q, svc_t *s)
{
    if (q->category && strcmp(q->category, s->category)) return false;
    if (q->city && s->city != q->city) return false;
    if (q->q && !strcasestr(s->title, q->q) && !strcasestr(s->description, q->q)) return false;
    if (!q->has_near) return true;
    double d = km_between(q->lat, q->lng, s->lat, s->lng) - s->reach_km;
    if (d > q->radius_km) return false;
    s->has_distance = true;
    s->distance_km = d > 0 ? round(d * 10) / 10 : 0; /* 0: the area covers the point */
    return true;
}

static sqlite3_stmt *candidates(ctx_t *c, const svc_query_t *q)
{
    sqlite3_stmt *st;
    if (q->district) {
        if ((st = db_stmt(c->db, SQL_IN_DISTRICT))) sqlite3_bind_int64(st, 1, q->district);
    } else if (q->has_near) {
        /* the point's box widened by the radius meets each service's reach box; the exact test is in keep() */
        double km = q->radius_km + 1, dlat = km / KM_PER_DEGREE, dlng = lng_degrees(q->lat, km);
        if ((st = db_stmt(c->db, SQL_NEAR))) {
            sqlite3_bind_double(st, 1, q->lat - dlat);
            sqlite3_bind_double(st, 2, q->lat + dlat);
            sqlite3_bind_double(st, 3, q->lng - dlng);
            sqlite3_bind_double(st, 4, q->lng + dlng);
        }
    } else if ((st = db_stmt(c->db, SQL_IN_CITY))) {
        sqlite3_bind_int64(st, 1, q->city);
    }
    if (st) sqlite3_bind_int64(st, 9, c->user_id);
    return st;
}

int svc_find(ctx_t *c, const svc_query_t *q, svc_t **items, size_t *n, bool *personal)
{
    int64_t past[ARRAY_LEN(svc_categories)] = {0};
    if (!q->district && !q->has_near && !q->city) return ctx_fail(c, LL_INVALID, "missing_field", "near");
    if (past_orders(c, past, personal)) return LL_ERR;
    sqlite3_stmt *st = candidates(c, q);
    if (!st) return LL_ERR;
    ranked_t *v = arena_alloc(c->arena, FIND_MAX * sizeof(*v));
    size_t k = 0;
    int rc;
    while (k < FIND_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        fill(c, st, &v[k].s);
        if (!keep(q, &v[k].s)) continue;
        v[k].boost = 0;
        for (size_t i = 0; i < svc_category_count; i++)
            if (!strcmp(v[k].s.category, svc_categories[i].slug)) v[k].boost = past[i];
        v[k].band = v[k].s.has_distance ? floor(v[k].s.distance_km / 2.0) : 0;
        k++;
    }
    if (k == FIND_MAX) rc = SQLITE_DONE;
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return LL_ERR;
    qsort(v, k, sizeof(*v), cmp_ranked);
    size_t out = k < (size_t)q->limit ? k : (size_t)q->limit;
    svc_t *res = arena_zalloc(c->arena, (out + 1) * sizeof(*res));
    for (size_t i = 0; i < out; i++) res[i] = v[i].s;
    *items = res;
    *n = out;
    return LL_OK;
}
