/*
 * listing.c — posting, changing, showing and moderating listings (listing.h).
 *
 * Invariants: a listing is in listings_fts and listings_geo exactly while its
 * status is 'published' (lidx_add / lidx_remove are called on every
 * transition, inside the transaction that changes the status). The search
 * index is contentless, so removing an entry needs the text it was added
 * with: lidx_text() derives it from the stored row the same way every time.
 * Private fields are sealed with the poster's data key.
 */
#include "domain/listing.h"
#include "domain/listing_index.h"
#include "domain/minor.h"
#include "domain/org.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/ratelimit.h"
#include "domain/region.h"
#include "domain/validate.h"
#include "privacy/audit.h"
#include "store/db.h"
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The private columns, in the order of SQL_LOAD's columns 17.. */
static const pi_id_t private_cols[] = {PI_LISTING_EMAIL, PI_LISTING_ADDRESS, PI_LISTING_PLATE,
                                       PI_LISTING_OWNER_NAME, PI_LISTING_OWNER_ID, PI_LISTING_OWNERSHIP_DOC};
#define NPRIV (sizeof private_cols / sizeof private_cols[0])

/* The columns fill() reads, in its order (SQL_LOAD adds the sealed ones after them). */
#define ROW_COLS                                                                                                 \
    "listings.id, user_id, category, subcategory, title, description, attrs, price_fen, city, district, lat, lng, status, " \
    "moderation_note, created_at, updated_at, expires_at"

static const char SQL_LOAD[] =
    "SELECT " ROW_COLS ", contact_email, address, plate, owner_name, "
    "owner_id_number, ownership_doc, contact_phone FROM listings WHERE id = ?";

static json_t *parse_attrs(ctx_t *c, const char *text)
{
    json_t *a = json_loads(text ? text : "{}", 0, NULL);
    if (!json_is_object(a)) {
        json_decref(a);
        a = json_object();
    }
    arena_on_free(c->arena, (arena_cleanup_fn)json_decref, a);
    return a;
}

/* Sealed columns of a loaded row, kept for the callers that open them. */
typedef struct {
    const void *blob[PI__COUNT];
    size_t len[PI__COUNT];
} sealed_t;

static int index_add(ctx_t *c, int64_t id);

static void keep_blob(ctx_t *c, sqlite3_stmt *st, int col, pi_id_t f, sealed_t *s)
{
    if (sqlite3_column_type(st, col) != SQLITE_BLOB) return;
    s->len[f] = (size_t)sqlite3_column_bytes(st, col);
    s->blob[f] = memcpy(arena_alloc(c->arena, s->len[f]), sqlite3_column_blob(st, col), s->len[f]);
}

static void fill(ctx_t *c, sqlite3_stmt *st, listing_t *l, sealed_t *s)
{
    memset(l, 0, sizeof(*l));
    l->id = sqlite3_column_int64(st, 0);
    l->user_id = sqlite3_column_int64(st, 1);
    l->cat = cat_find((const char *)sqlite3_column_text(st, 2));
    l->subcategory = db_text(c->arena, st, 3);
    l->title = db_text(c->arena, st, 4);
    l->description = db_text(c->arena, st, 5);
    l->attrs = parse_attrs(c, (const char *)sqlite3_column_text(st, 6));
    l->has_price = sqlite3_column_type(st, 7) != SQLITE_NULL;
    l->price_fen = sqlite3_column_int64(st, 7);
    l->city = sqlite3_column_int64(st, 8);
    l->district = sqlite3_column_int64(st, 9);
    l->has_point = sqlite3_column_type(st, 10) != SQLITE_NULL;
    l->lat = sqlite3_column_double(st, 10);
    l->lng = sqlite3_column_double(st, 11);
    l->status = db_text(c->arena, st, 12);
    l->moderation_note = db_text(c->arena, st, 13);
    l->created_at = sqlite3_column_int64(st, 14);
    l->updated_at = sqlite3_column_int64(st, 15);
    l->expires_at = sqlite3_column_int64(st, 16);
    l->own = c->user_id && c->user_id == l->user_id;
    if (!s) return;
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < NPRIV; i++) keep_blob(c, st, 17 + (int)i, private_cols[i], s);
    keep_blob(c, st, 23, PI_LISTING_PHONE, s);
}

static int load(ctx_t *c, int64_t id, listing_t *l, sealed_t *s)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_LOAD);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) fill(c, st, l, s);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW && !l->cat) return LL_ERR;
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
}

void listing_fill_row(ctx_t *c, sqlite3_stmt *st, listing_t *out)
{
    fill(c, st, out, NULL);
}

int listing_load(ctx_t *c, int64_t id, listing_t *out)
{
    return load(c, id, out, NULL);
}

/* ---- moderation rules (B13) ---- */

static const char SQL_BLOCKED_WORD[] =
    "SELECT 1 FROM blocklist WHERE kind = 'word' AND instr(?1, pattern) > 0 LIMIT 1";
static const char SQL_BLOCKED_HOST[] =
    "SELECT 1 FROM blocklist WHERE kind = 'url' AND (?1 = pattern OR ?1 LIKE '%.' || pattern) LIMIT 1";

static bool host_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
           ch == '-';
}

static int host_blocked(ctx_t *c, const char *host, size_t n, bool *blocked)
{
    char *h = arena_strndup(c->arena, host, n);
    for (char *p = h; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    sqlite3_stmt *st = db_stmt(c->db, SQL_BLOCKED_HOST);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, h, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    *blocked = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

/* Every link in the text (http://, https://, www.) against the URL blocklist. */
static int links_blocked(ctx_t *c, const char *text, bool *blocked)
{
    static const char *const starts[] = {"http://", "https://", "www."};
    *blocked = false;
    for (const char *p = text; *p && !*blocked; p++) {
        for (size_t i = 0; i < ARRAY_LEN(starts) && !*blocked; i++) {
            size_t k = strlen(starts[i]);
            if (strncasecmp(p, starts[i], k)) continue;
            const char *h = i == 2 ? p : p + k, *e = h;
            while (host_char(*e)) e++;
            if (e > h && host_blocked(c, h, (size_t)(e - h), blocked)) return LL_ERR;
            p = e > p ? e - 1 : p;
            break;
        }
    }
    return LL_OK;
}

/* True when the listing must wait for a moderator. */
static int needs_review(ctx_t *c, const listing_t *l, bool *review)
{
    const char *text = arena_printf(c->arena, "%s\n%s", l->title, lidx_text(c, l));
    *review = c->conf->premoderate;
    sqlite3_stmt *st = db_stmt(c->db, SQL_BLOCKED_WORD);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) *review = true;
    else if (rc != SQLITE_DONE) return LL_ERR;
    bool link = false;
    if (links_blocked(c, text, &link)) return LL_ERR;
    if (link) *review = true;
    return LL_OK;
}

/* ---- checking input ---- */

static bool text_ok(const char *s, size_t min, size_t max)
{
    size_t n = utf8_chars(s);
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) return false;
    return n >= min && n <= max;
}

/* China's extent, with a margin: a point outside is a mistake, not a place we serve. */
static bool point_ok(double lat, double lng)
{
    return isfinite(lat) && isfinite(lng) && lat >= 3 && lat <= 54 && lng >= 73 && lng <= 136;
}

/* Checks the merged listing l and its category values; the field at fault goes to c->err_field. */
static int check_listing(ctx_t *c, const listing_t *l, const char *phone)
{
    if (!l->cat) return ctx_fail(c, LL_INVALID, "invalid_field", "category");
    if (l->subcategory && !cat_sub_find(l->cat, l->subcategory))
        return ctx_fail(c, LL_INVALID, "invalid_field", "subcategory");
    if (!l->title || !text_ok(l->title, 2, 50)) return ctx_fail(c, LL_INVALID, "invalid_field", "title");
    if (!l->description || !text_ok(l->description, 0, 2000))
        return ctx_fail(c, LL_INVALID, "invalid_field", "description");
    if (l->has_price && (l->price_fen < 0 || l->price_fen > 100000000000LL))
        return ctx_fail(c, LL_INVALID, "invalid_field", "price");
    if (region_level(c->regions, (uint32_t)l->city) != REGION_CITY)
        return ctx_fail(c, LL_INVALID, "invalid_field", "city");
    if (l->district && !region_is_district_of(c->regions, (uint32_t)l->district, (uint32_t)l->city))
        return ctx_fail(c, LL_INVALID, "invalid_field", "district");
    if (l->has_point && !point_ok(l->lat, l->lng)) return ctx_fail(c, LL_INVALID, "invalid_field", "lat");
    if (!phone || !valid_contact_phone(phone)) return ctx_fail(c, LL_INVALID, "invalid_field", "contact_phone");
    return LL_OK;
}

/* ---- writing ---- */

static void bind_sealed(ctx_t *c, sqlite3_stmt *st, int idx, pi_id_t f, const uint8_t *dek, const char *v)
{
    if (!v) return;
    size_t n;
    uint8_t *b = pi_seal(c->arena, f, dek, v, strlen(v), &n);
    sqlite3_bind_blob(st, idx, b, (int)n, SQLITE_STATIC);
}

static const char SQL_INSERT[] =
    "INSERT INTO listings(user_id, category, subcategory, title, description, attrs, price_fen, city, district, "
    "lat, lng, status, created_at, updated_at, expires_at, contact_email, address, plate, owner_name, "
    "owner_id_number, ownership_doc, contact_phone) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_UPDATE[] =
    "UPDATE listings SET subcategory=?2, title=?3, description=?4, attrs=?5, price_fen=?6, city=?7, "
    "district=?8, lat=?9, lng=?10, status=?11, updated_at=?12, contact_email=?13, address=?14, plate=?15, "
    "owner_name=?16, owner_id_number=?17, ownership_doc=?18, contact_phone=?19 WHERE id=?1";

/* Binds the columns shared by INSERT (from first) and UPDATE, in SQL_INSERT order. */
static void bind_row(sqlite3_stmt *st, int first, const listing_t *l)
{
    char *attrs = json_dumps(l->attrs, JSON_COMPACT | JSON_SORT_KEYS);
    int i = first;
    if (l->subcategory) sqlite3_bind_text(st, i, l->subcategory, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i + 1, l->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i + 2, l->description, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i + 3, attrs ? attrs : "{}", -1, SQLITE_TRANSIENT);
    free(attrs);
    if (l->has_price) sqlite3_bind_int64(st, i + 4, l->price_fen);
    sqlite3_bind_int64(st, i + 5, l->city);
    if (l->district) sqlite3_bind_int64(st, i + 6, l->district);
    if (l->has_point) {
        sqlite3_bind_double(st, i + 7, l->lat);
        sqlite3_bind_double(st, i + 8, l->lng);
    }
    sqlite3_bind_text(st, i + 9, l->status, -1, SQLITE_STATIC);
}

static void bind_private(ctx_t *c, sqlite3_stmt *st, int first, const cat_values_t *v, const char *phone,
                         const uint8_t *dek)
{
    for (size_t k = 0; k < NPRIV; k++) bind_sealed(c, st, first + (int)k, private_cols[k], dek, v->priv[private_cols[k]]);
    bind_sealed(c, st, first + (int)NPRIV, PI_LISTING_PHONE, dek, phone);
}

static double round3(double x)
{
    return round(x * 1000.0) / 1000.0; /* about 100 m: where the offer is, not where someone stands */
}

/* Copies the input over l (a change keeps what is not given). */
static void apply_input(ctx_t *c, listing_t *l, const listing_in_t *in)
{
    if (in->category) l->cat = cat_find(in->category);
    if (in->subcategory) l->subcategory = *in->subcategory ? in->subcategory : NULL;
    if (in->title) l->title = in->title;
    if (in->description) l->description = in->description;
    if (in->has_price) l->has_price = true, l->price_fen = in->price_fen;
    if (in->clear_price) l->has_price = false;
    if (in->has_city) l->city = in->city;
    if (in->has_district) l->district = in->district;
    if (in->has_point) l->has_point = true, l->lat = round3(in->lat), l->lng = round3(in->lng);
    if (in->clear_point) l->has_point = false;
    (void)c;
}

int listing_create(ctx_t *c, const listing_in_t *in, int64_t *id, const char **status)
{
    listing_t l = {.user_id = c->user_id, .description = ""};
    cat_values_t v = {0};
    uint8_t dek[VAULT_KEY_LEN];
    bool review;
    apply_input(c, &l, in);
    if (!in->category || !l.cat) return ctx_fail(c, LL_INVALID, in->category ? "invalid_field" : "missing_field", "category");
    int res = l.cat->adults_only ? minor_require_adult(c, c->user_id) : LL_OK; /* H1 */
    if (!res && !strcmp(l.cat->slug, "jobs")) res = org_job_quota(c, c->user_id); /* C7 */
    if (res || (res = check_listing(c, &l, in->contact_phone))) return res;
    if ((res = cat_validate(c, l.cat, in->fields, &v))) return res;
    arena_on_free(c->arena, (arena_cleanup_fn)json_decref, v.attrs);
    l.attrs = v.attrs;
    if ((res = pi_subject_key(c, c->user_id, dek)) || (res = needs_review(c, &l, &review))) return res;
    l.status = review ? "pending" : "published";
    l.created_at = l.updated_at = c->now;
    l.expires_at = c->now + LISTING_DAYS * 86400;
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, c->user_id);
    sqlite3_bind_text(st, 2, l.cat->slug, -1, SQLITE_STATIC);
    bind_row(st, 3, &l);
    sqlite3_bind_int64(st, 13, l.created_at);
    sqlite3_bind_int64(st, 14, l.updated_at);
    sqlite3_bind_int64(st, 15, l.expires_at);
    bind_private(c, st, 16, &v, in->contact_phone, dek);
    if (db_run(c->db, st)) goto fail;
    l.id = db_last_id(c->db);
    if (!review && index_add(c, l.id)) goto fail;
    if (db_commit(c->db)) goto fail;
    sodium_memzero(dek, sizeof dek);
    *id = l.id;
    *status = l.status;
    return LL_OK;
fail:
    sodium_memzero(dek, sizeof dek);
    db_rollback(c->db);
    return LL_ERR;
}

/* Opens one sealed private value for purpose; NULL if absent or not allowed. */
static const char *open_priv(ctx_t *c, const sealed_t *s, pi_id_t f, unsigned purpose, const uint8_t *dek)
{
    char *out = NULL;
    if (!s->blob[f]) return NULL;
    return pi_open(c->arena, f, purpose, dek, s->blob[f], s->len[f], &out) == LL_OK ? out : NULL;
}

static int load_photos(ctx_t *c, listing_t *l);

/* The masked contact and masked private fields everyone is shown (B12). */
static int reveal_masked(ctx_t *c, listing_t *l, const sealed_t *s)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, l->user_id, dek);
    if (res) return res;
    const char *phone = open_priv(c, s, PI_LISTING_PHONE, P_PUBLISH, dek);
    l->contact_masked = phone ? pi_mask(c->arena, PI_LISTING_PHONE, phone) : NULL;
    for (size_t i = 0; i < l->cat->nfields; i++) {
        const cat_field_t *f = &l->cat->fields[i];
        if (f->show != CF_SHOW_MASKED) continue;
        const char *v = open_priv(c, s, (pi_id_t)f->pi, P_PUBLISH, dek);
        l->masked[f->pi] = v ? pi_mask(c->arena, (pi_id_t)f->pi, v) : NULL;
    }
    sodium_memzero(dek, sizeof dek);
    return LL_OK;
}

int listing_get(ctx_t *c, int64_t id, listing_t *out)
{
    sealed_t s;
    int res = load(c, id, out, &s);
    if (res) return res;
    if (strcmp(out->status, "published") && !out->own) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if ((res = reveal_masked(c, out, &s))) return res;
    return load_photos(c, out);
}

/* The stored listing as anyone sees it, whoever asks: what its card is rendered from. */
static int public_view(ctx_t *c, int64_t id, listing_t *out)
{
    sealed_t s;
    int res = load(c, id, out, &s);
    if (res == LL_OK) res = reveal_masked(c, out, &s);
    if (res == LL_OK) res = load_photos(c, out);
    out->own = false;
    return res ? LL_ERR : LL_OK;
}

/* The stored row of a listing that is now published, into every index (after its row is written). */
static int index_add(ctx_t *c, int64_t id)
{
    listing_t v;
    return public_view(c, id, &v) || lidx_add(c, &v) ? LL_ERR : LL_OK;
}

/* Its card again, from the stored row (a renewal, a photo). */
static int card_refresh(ctx_t *c, int64_t id)
{
    listing_t v;
    return public_view(c, id, &v) || lidx_card_put(c, &v) ? LL_ERR : LL_OK;
}

static const char SQL_PHOTOS[] = "SELECT name FROM listing_photos WHERE listing_id = ? ORDER BY id LIMIT 20";

static int load_photos(ctx_t *c, listing_t *l)
{
    const char **names = arena_zalloc(c->arena, 21 * sizeof(char *));
    sqlite3_stmt *st = db_stmt(c->db, SQL_PHOTOS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, l->id);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 20) names[n++] = db_text(c->arena, st, 0);
    sqlite3_reset(st);
    l->photos = names;
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

/* Loads the caller's own listing or answers 404, whoever else owns it. */
static int load_own(ctx_t *c, int64_t id, listing_t *l, sealed_t *s)
{
    int res = load(c, id, l, s);
    if (res == LL_OK && !l->own) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return res;
}

/* The stored fields as one object, private ones opened, for merging a change. */
static json_t *current_fields(ctx_t *c, const listing_t *l, const sealed_t *s, const uint8_t *dek)
{
    json_t *f = json_deep_copy(l->attrs);
    for (size_t i = 0; i < l->cat->nfields; i++) {
        const cat_field_t *fd = &l->cat->fields[i];
        if (fd->pi < 0) continue;
        const char *v = open_priv(c, s, (pi_id_t)fd->pi, P_EXPORT, dek);
        if (v) json_object_set_new(f, fd->name, json_string(v));
    }
    arena_on_free(c->arena, (arena_cleanup_fn)json_decref, f);
    return f;
}

/* The state after a change: rejected listings go back to review; hidden and expired stay. */
static const char *state_after_change(const char *old, bool review)
{
    if (!strcmp(old, "hidden") || !strcmp(old, "expired")) return old;
    return review || !strcmp(old, "rejected") ? "pending" : "published";
}

int listing_update(ctx_t *c, int64_t id, const listing_in_t *in, const char **status)
{
    listing_t old, l;
    sealed_t s;
    cat_values_t v;
    uint8_t dek[VAULT_KEY_LEN];
    bool review;
    int res = load_own(c, id, &old, &s);
    if (res) return res;
    if (in->category && strcmp(in->category, old.cat->slug))
        return ctx_fail(c, LL_INVALID, "invalid_field", "category"); /* a new category is a new listing */
    if (old.cat->adults_only && (res = minor_require_adult(c, c->user_id))) return res; /* H1 */
    if ((res = pi_subject_key(c, c->user_id, dek))) return res;
    json_t *fields = current_fields(c, &old, &s, dek);
    if (in->fields && json_is_object(in->fields)) json_object_update(fields, in->fields);
    else if (in->fields) return ctx_fail(c, LL_INVALID, "invalid_type", "fields");
    const char *phone = in->contact_phone ? in->contact_phone : open_priv(c, &s, PI_LISTING_PHONE, P_EXPORT, dek);
    l = old;
    apply_input(c, &l, in);
    if ((res = check_listing(c, &l, phone)) || (res = cat_validate(c, l.cat, fields, &v))) goto out;
    arena_on_free(c->arena, (arena_cleanup_fn)json_decref, v.attrs);
    l.attrs = v.attrs;
    if ((res = needs_review(c, &l, &review))) goto out;
    l.status = state_after_change(old.status, review);
    res = LL_ERR;
    if (db_begin(c->db)) goto out;
    sqlite3_stmt *st = db_stmt(c->db, SQL_UPDATE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    bind_row(st, 2, &l);
    sqlite3_bind_int64(st, 12, c->now);
    bind_private(c, st, 13, &v, phone, dek);
    if (db_run(c->db, st)) goto fail;
    if (!strcmp(old.status, "published") && lidx_remove(c, &old)) goto fail;
    if (!strcmp(l.status, "published") && index_add(c, id)) goto fail;
    if (db_commit(c->db)) goto fail;
    *status = l.status;
    res = LL_OK;
    goto out;
fail:
    db_rollback(c->db);
out:
    sodium_memzero(dek, sizeof dek);
    return res;
}

static void photo_path(ctx_t *c, const char *name, char *out, size_t n)
{
    if (*c->conf->photo_dir) snprintf(out, n, "%s/%s", c->conf->photo_dir, name);
    else snprintf(out, n, "%s/photos/%s", c->conf->data_dir, name);
}

static const char SQL_DELETE[] = "DELETE FROM listings WHERE id = ?";

int listing_delete(ctx_t *c, int64_t id)
{
    listing_t l;
    int res = load_own(c, id, &l, NULL);
    if (res || (res = load_photos(c, &l))) return res;
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_DELETE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    if ((!strcmp(l.status, "published") && lidx_remove(c, &l)) || db_run(c->db, st)) goto fail;
    if (db_commit(c->db)) goto fail;
    listing_unlink_photos(c, l.photos); /* the rows are gone: the files follow */
    return LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

static const char SQL_RENEW[] = "UPDATE listings SET expires_at = ?2, status = ?3, updated_at = ?4 WHERE id = ?1";

int listing_renew(ctx_t *c, int64_t id)
{
    listing_t l;
    int res = load_own(c, id, &l, NULL);
    if (res) return res;
    bool expired = !strcmp(l.status, "expired");
    if (!expired && strcmp(l.status, "published")) return ctx_fail(c, LL_CONFLICT, "invalid_state", NULL);
    if (l.cat->adults_only && (res = minor_require_adult(c, c->user_id))) return res;
    if (expired && !strcmp(l.cat->slug, "jobs") && (res = org_job_quota(c, c->user_id))) return res; /* C7 */
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_RENEW);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    l.expires_at = c->now + LISTING_DAYS * 86400;
    sqlite3_bind_int64(st, 2, l.expires_at);
    sqlite3_bind_text(st, 3, "published", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    /* the card carries the expiry the search checks */
    if (db_run(c->db, st) || (expired ? index_add(c, id) : card_refresh(c, id))) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

/* Runs a SELECT of SQL_LOAD's columns (bound by the caller) into an arena array. */
static int collect(ctx_t *c, sqlite3_stmt *st, listing_t **items, size_t *n, size_t max)
{
    listing_t *v = arena_zalloc(c->arena, max * sizeof(*v));
    size_t k = 0;
    int rc;
    while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        fill(c, st, &v[k], NULL);
        if (v[k].cat) k++;
    }
    if (k == max) rc = SQLITE_DONE;
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static const char SQL_MINE[] =
    "SELECT " ROW_COLS " FROM listings WHERE user_id = ? "
    "ORDER BY id DESC LIMIT 200";

int listing_mine(ctx_t *c, listing_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_MINE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    return collect(c, st, items, n, 200);
}

int listing_contact(ctx_t *c, int64_t id, listing_contact_t *out, const category_t **cat)
{
    listing_t l;
    sealed_t s;
    uint8_t dek[VAULT_KEY_LEN];
    char uid[24];
    memset(out, 0, sizeof(*out));
    int res = load(c, id, &l, &s);
    if (res) return res;
    if (strcmp(l.status, "published") && !l.own) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if (l.cat->adults_only && (res = minor_require_adult(c, c->user_id))) return res; /* H1: no contact for minors */
    snprintf(uid, sizeof uid, "%lld", (long long)c->user_id);
    if ((res = rl_hit(c, "contact", uid, 3600, 30))) return res;
    if ((res = pi_subject_key(c, l.user_id, dek))) return res;
    out->phone = open_priv(c, &s, PI_LISTING_PHONE, P_CONTACT, dek);
    for (size_t i = 0; i < l.cat->nfields; i++) {
        const cat_field_t *f = &l.cat->fields[i];
        if (f->show == CF_SHOW_MASKED || f->show == CF_SHOW_CONTACT)
            out->fields[f->pi] = open_priv(c, &s, (pi_id_t)f->pi, P_CONTACT, dek);
    }
    sodium_memzero(dek, sizeof dek);
    *cat = l.cat;
    if (!l.own &&
        audit_append(c, "listing.contact_revealed", c->user_id, l.user_id,
                     arena_printf(c->arena, "{\"listing\":%lld}", (long long)id)))
        return LL_ERR;
    return LL_OK;
}

const reason_t listing_report_reasons[] = {
    {"fraud", "虚假信息或诈骗"}, {"spam", "广告或重复发布"}, {"illegal", "违法违规内容"},
    {"wrong_category", "分类错误"}, {"duplicate", "重复信息"}, {"other", "其他原因"}, {NULL, NULL},
};
static const char SQL_REPORT[] = "INSERT OR IGNORE INTO listing_reports(listing_id, user_id, reason, at) VALUES (?,?,?,?)";
static const char SQL_REPORTED[] =
    "UPDATE listings SET report_count = report_count + 1 WHERE id = ? RETURNING report_count";
static const char SQL_SET_STATUS[] = "UPDATE listings SET status = ?2, moderation_note = ?3, updated_at = ?4 WHERE id = ?1";

static int set_status(ctx_t *c, int64_t id, const char *status, const char *note)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_SET_STATUS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    if (note) sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static bool reason_ok(const char *r)
{
    return reason_find(listing_report_reasons, r) != NULL;
}

int listing_report(ctx_t *c, int64_t id, const char *reason)
{
    listing_t l;
    if (!reason_ok(reason)) return ctx_fail(c, LL_INVALID, "invalid_field", "reason");
    int res = load(c, id, &l, NULL);
    if (res) return res;
    if (strcmp(l.status, "published") && !l.own) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if (l.own) return ctx_fail(c, LL_INVALID, "invalid_field", "reason"); /* a poster cannot hide their own */
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_REPORT);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->now);
    if (db_run(c->db, st)) goto fail;
    if (db_changes(c->db) == 0) {
        db_rollback(c->db);
        return ctx_fail(c, LL_CONFLICT, "already_reported", NULL);
    }
    if (!(st = db_stmt(c->db, SQL_REPORTED))) goto fail;
    sqlite3_bind_int64(st, 1, id);
    int count = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    if (count < 0) goto fail;
    if (count >= LISTING_REPORTS_HIDE && !strcmp(l.status, "published") &&
        (set_status(c, id, "hidden", "reported") || lidx_remove(c, &l)))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

static const char SQL_QUEUE[] =
    "SELECT " ROW_COLS " FROM listings WHERE status = ? "
    "ORDER BY id LIMIT 100";

int listing_queue(ctx_t *c, const char *status, listing_t **items, size_t *n)
{
    if (strcmp(status, "pending") && strcmp(status, "hidden") && strcmp(status, "rejected"))
        return ctx_fail(c, LL_INVALID, "invalid_field", "status");
    sqlite3_stmt *st = db_stmt(c->db, SQL_QUEUE);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    return collect(c, st, items, n, 100);
}

static const char SQL_CLEAR_REPORTS[] = "UPDATE listings SET report_count = 0 WHERE id = ?";

int listing_moderate(ctx_t *c, int64_t id, bool approve, const char *note)
{
    listing_t l;
    int res = load(c, id, &l, NULL);
    if (res) return res;
    bool was_published = !strcmp(l.status, "published");
    if (!strcmp(l.status, "expired")) return ctx_fail(c, LL_CONFLICT, "invalid_state", NULL);
    /* H1: withdrawn because of the poster's age; only the age rules (a guardian, a birthday) may bring it back */
    if (approve && l.moderation_note && !strcmp(l.moderation_note, "minor"))
        return ctx_fail(c, LL_CONFLICT, "invalid_state", NULL);
    if (db_begin(c->db)) return LL_ERR;
    if (set_status(c, id, approve ? "published" : "rejected", approve ? NULL : note)) goto fail;
    if (approve && !was_published && index_add(c, id)) goto fail;
    if (!approve && was_published && lidx_remove(c, &l)) goto fail;
    sqlite3_stmt *st = db_stmt(c->db, SQL_CLEAR_REPORTS);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    if (approve && db_run(c->db, st)) goto fail;
    if (audit_append(c, "listing.moderated", c->user_id, l.user_id,
                     arena_printf(c->arena, "{\"listing\":%lld,\"decision\":\"%s\"}", (long long)id,
                                  approve ? "approve" : "reject")))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

int listing_private(ctx_t *c, int64_t id, const char *values[PI__COUNT], const category_t **cat)
{
    listing_t l;
    sealed_t s;
    uint8_t dek[VAULT_KEY_LEN];
    int res = load(c, id, &l, &s);
    if (res || (res = pi_subject_key(c, l.user_id, dek))) return res;
    const char *names = "";
    for (size_t i = 0; i < l.cat->nfields; i++) {
        const cat_field_t *f = &l.cat->fields[i];
        if (f->show != CF_SHOW_STAFF || !s.blob[f->pi]) continue;
        values[f->pi] = open_priv(c, &s, (pi_id_t)f->pi, P_VERIFY, dek);
        names = arena_printf(c->arena, "%s%s\"%s\"", names, *names ? "," : "", f->name);
    }
    sodium_memzero(dek, sizeof dek);
    *cat = l.cat;
    /* F5: every staff read of personal data is recorded, with what was read */
    return audit_append(c, "pi.staff_read", c->user_id, l.user_id,
                        arena_printf(c->arena, "{\"listing\":%lld,\"purpose\":\"verify\",\"fields\":[%s]}",
                                     (long long)id, names))
               ? LL_ERR
               : LL_OK;
}

static const char SQL_BLOCK_ADD[] = "INSERT OR IGNORE INTO blocklist(kind, pattern, added_at) VALUES (?,?,?)";
static const char SQL_BLOCK_DEL[] = "DELETE FROM blocklist WHERE id = ?";
static const char SQL_BLOCK_LIST[] = "SELECT id, kind, pattern FROM blocklist ORDER BY kind, pattern";

int listing_block_add(ctx_t *c, const char *kind, const char *pattern)
{
    if (strcmp(kind, "word") && strcmp(kind, "url")) return ctx_fail(c, LL_INVALID, "invalid_field", "kind");
    if (!text_ok(pattern, 1, 100) || strchr(pattern, '\n'))
        return ctx_fail(c, LL_INVALID, "invalid_field", "pattern");
    char *p = arena_strdup(c->arena, pattern);
    if (!strcmp(kind, "url")) /* hosts are matched in lower case */
        for (char *q = p; *q; q++)
            if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
    sqlite3_stmt *st = db_stmt(c->db, SQL_BLOCK_ADD);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int listing_block_remove(ctx_t *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_BLOCK_DEL);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    if (db_run(c->db, st)) return LL_ERR;
    return db_changes(c->db) ? LL_OK : ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
}

json_t *listing_block_list(ctx_t *c)
{
    json_t *items = json_array();
    sqlite3_stmt *st = db_stmt(c->db, SQL_BLOCK_LIST);
    if (!st) return items;
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                                               "kind", (const char *)sqlite3_column_text(st, 1), "pattern",
                                               (const char *)sqlite3_column_text(st, 2)));
    sqlite3_reset(st);
    return items;
}

static const char SQL_DUE[] =
    "SELECT " ROW_COLS " FROM listings "
    "WHERE status = 'published' AND expires_at <= ? ORDER BY id LIMIT 500";

int listing_expire_due(ctx_t *c, int64_t *n)
{
    *n = 0;
    for (;;) {
        listing_t *v;
        size_t k;
        if (db_begin(c->db)) return LL_ERR;
        sqlite3_stmt *st = db_stmt(c->db, SQL_DUE);
        if (!st) goto fail;
        sqlite3_bind_int64(st, 1, c->now);
        if (collect(c, st, &v, &k, 500)) goto fail;
        for (size_t i = 0; i < k; i++)
            if (set_status(c, v[i].id, "expired", NULL) || lidx_remove(c, &v[i])) goto fail;
        if (db_commit(c->db)) return LL_ERR;
        *n += (int64_t)k;
        if (k < 500) return LL_OK;
    }
fail:
    db_rollback(c->db);
    return LL_ERR;
}

void listing_unlink_photos(ctx_t *c, const char **names)
{
    for (const char **p = names; p && *p; p++) {
        char path[1200];
        photo_path(c, *p, path, sizeof path);
        unlink(path);
        snprintf(path + strlen(path) - 4, 16, "_t.jpg");
        unlink(path);
    }
}

static const char SQL_ALL_OF[] =
    "SELECT " ROW_COLS " FROM listings WHERE user_id = ? LIMIT 100000";
static const char SQL_PHOTOS_OF[] =
    "SELECT p.name FROM listing_photos p JOIN listings l ON l.id = p.listing_id WHERE l.user_id = ? LIMIT 10000";

int listing_erase_prepare(ctx_t *c, int64_t uid, const char ***files)
{
    listing_t *v;
    size_t n, k = 0;
    sqlite3_stmt *st = db_stmt(c->db, SQL_ALL_OF);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    if (collect(c, st, &v, &n, 100000)) return LL_ERR;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].status, "published") && lidx_remove(c, &v[i])) return LL_ERR;
    const char **names = arena_zalloc(c->arena, 10001 * sizeof(char *));
    if (!(st = db_stmt(c->db, SQL_PHOTOS_OF))) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    while (k < 10000 && sqlite3_step(st) == SQLITE_ROW) names[k++] = db_text(c->arena, st, 0);
    sqlite3_reset(st);
    *files = names;
    return LL_OK;
}

int listing_withdraw(ctx_t *c, int64_t uid, bool adults_only)
{
    listing_t *v;
    size_t n;
    sqlite3_stmt *st = db_stmt(c->db, SQL_ALL_OF);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    if (collect(c, st, &v, &n, 100000)) return LL_ERR;
    for (size_t i = 0; i < n; i++) {
        bool published = !strcmp(v[i].status, "published");
        /* a listing waiting for review would be published by the moderator's approval: it is withdrawn too */
        if ((!published && strcmp(v[i].status, "pending")) || (adults_only && !v[i].cat->adults_only)) continue;
        if (set_status(c, v[i].id, "hidden", "minor") || (published && lidx_remove(c, &v[i]))) return LL_ERR;
    }
    return LL_OK;
}

/* ---- the derived indexes as a whole ---- */

int listing_card_refresh(ctx_t *c, int64_t id)
{
    listing_t l;
    int res = load(c, id, &l, NULL);
    if (res) return res;
    return strcmp(l.status, "published") ? LL_OK : card_refresh(c, id);
}

static const char SQL_PUBLISHED_OF[] =
    "SELECT id FROM listings WHERE user_id = ? AND status = 'published' ORDER BY id LIMIT 100000";

int listing_cards_refresh_of(ctx_t *c, int64_t uid)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PUBLISHED_OF);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    /* the ids first: card_refresh runs other statements, and the walk should not see its own writes */
    size_t n = 0, cap = 64;
    int64_t *ids = arena_alloc(c->arena, cap * sizeof(*ids));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            int64_t *more = arena_alloc(c->arena, 2 * cap * sizeof(*ids));
            memcpy(more, ids, n * sizeof(*ids));
            ids = more, cap *= 2;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return LL_ERR;
    for (size_t i = 0; i < n; i++)
        if (card_refresh(c, ids[i])) return LL_ERR;
    return LL_OK;
}

static const char SQL_PUBLISHED_BELOW[] =
    "SELECT " ROW_COLS " FROM listings "
    "WHERE status = 'published' AND id < ?1 ORDER BY id DESC LIMIT ?2";
#define REINDEX_BATCH 10000 /* listings read at a time: their rows are let go before the next */
/*
 * Batches in one transaction of the full-text pass: every commit makes FTS5
 * write its pending terms as a segment, and the 'optimize' at the end reads
 * and rewrites them all (measured on the 1M copy: 100 segments, a commit per
 * batch, took 26-29 s to optimize; 20 segments, 14-16 s).
 */
#define REINDEX_TEXT_BATCHES 10

/* Indexes the next batch of published listings below *below, in an arena of its own. */
static int reindex_batch(ctx_t *c, bool text, int64_t *below, size_t *k)
{
    arena_t *outer = c->arena;
    listing_t *v;
    int res = LL_ERR;
    c->arena = arena_new(1 << 16);
    sqlite3_stmt *st = db_stmt(c->db, SQL_PUBLISHED_BELOW);
    if (!st) goto done;
    sqlite3_bind_int64(st, 1, *below);
    sqlite3_bind_int(st, 2, REINDEX_BATCH);
    if (collect(c, st, &v, k, REINDEX_BATCH)) goto done;
    for (size_t i = 0; i < *k && !text; i++)
        if (public_view(c, v[i].id, &v[i])) goto done;
    if (text ? lidx_main_add(c, v, *k, false) : lidx_add_views(c, v, *k)) goto done;
    if (*k) *below = v[*k - 1].id;
    res = LL_OK;
done:
    arena_free(c->arena);
    c->arena = outer;
    return res;
}

/* One pass over the published listings, newest first, a transaction per batch (text: per batches). */
static int reindex_pass(ctx_t *c, bool text, int64_t *n)
{
    int64_t below = INT64_MAX;
    size_t k = REINDEX_BATCH;
    *n = 0;
    while (k == REINDEX_BATCH) {
        if (db_begin(c->db)) return LL_ERR;
        for (int b = 0; b < (text ? REINDEX_TEXT_BATCHES : 1) && k == REINDEX_BATCH; b++) {
            if (reindex_batch(c, text, &below, &k)) goto fail;
            *n += (int64_t)k;
        }
        if (db_commit(c->db)) goto fail;
    }
    return LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

int listing_reindex_views(ctx_t *c, int64_t *n)
{
    if (db_exec(c->db, "DELETE FROM listing_cards; DELETE FROM listings_geo; DELETE FROM listings_near;"))
        return LL_ERR;
    return reindex_pass(c, false, n);
}

/*
 * Newest first, so the full-text rowids (base - id) arrive in ascending order
 * and FTS5 appends; a segment per 64 MB of pending terms, none merged before
 * the end (FTS5's crisis merge of 16 segments on a level rewrote them once
 * more: the 1M pass wrote 5.7 GB with it, 1.6 GB without); then one segment
 * per term, so a search reads each posting list once (measured: 3x more
 * keyword searches on the rebuilt 1M index). The settings are FTS5's own and
 * persist, so serving's come back at the end.
 */
int listing_reindex_text(ctx_t *c, int64_t *n)
{
    if (lidx_recent_clear(c) ||
        db_exec(c->db, "INSERT INTO listings_fts(listings_fts) VALUES ('delete-all');"
                       "INSERT INTO listings_fts(listings_fts, rank) VALUES ('automerge', 0);"
                       "INSERT INTO listings_fts(listings_fts, rank) VALUES ('crisismerge', 1000);"
                       "INSERT INTO listings_fts(listings_fts, rank) VALUES ('hashsize', 67108864);") ||
        reindex_pass(c, true, n))
        return LL_ERR;
    return db_exec(c->db, "INSERT INTO listings_fts(listings_fts) VALUES ('optimize');"
                          "INSERT INTO listings_fts(listings_fts, rank) VALUES ('automerge', 4);"
                          "INSERT INTO listings_fts(listings_fts, rank) VALUES ('crisismerge', 16);"
                          "INSERT INTO listings_fts(listings_fts, rank) VALUES ('hashsize', 1048576);")
               ? LL_ERR
               : LL_OK;
}

/* The recent part's listings, newest first, from below ?1 on (the main part's rowids ascend: FTS5 appends). */
static const char SQL_RECENT_ROWS[] = "SELECT " ROW_COLS " FROM listings_fts_new_ids AS n CROSS JOIN listings "
                                      "ON listings.id = n.id WHERE n.id < ?1 ORDER BY n.id DESC LIMIT ?2";
/*
 * The main part's pending terms before FTS5 writes a segment (a fold of
 * 9,010 listings fitted in one, at 43 MB resident for the whole process);
 * and small segments merged two at a time (FTS5's usermerge), so that the
 * fold's segments join each other and not the big one.
 */
static const char SQL_FOLD_SETTINGS[] = "INSERT INTO listings_fts(listings_fts, rank) VALUES ('hashsize', 8388608);"
                                        "INSERT INTO listings_fts(listings_fts, rank) VALUES ('usermerge', 2);";
#define FOLD_CHUNK  500 /* listings a fold reads at a time: their rows are let go before the next */
/*
 * Listings a fold moves in one transaction at most, so that writers never
 * wait for it near their WRITER_WAIT_S (measured: 1.2 s for 9,010 on the 1M
 * copy). A recent part that grew past it under a long run of posts (the
 * tidy waits for an idle write path) is folded oldest first, in parts.
 */
#define FOLD_MAX 10000
/*
 * A fold waits for a write path quiet this long: during a run of posts it
 * would find gaps between them and make the next posts wait for it (measured
 * in the bench: a 510 ms fold during posting put the posting p99 at 467 ms).
 */
#define FOLD_QUIET_MS 1000
#define MERGE_PAGES 250 /* pages merged per transaction: about 20 ms (a step costs a fixed part too) */

/* The next chunk of the fold from below *below on; *last: it was the last one. */
static int fold_chunk(ctx_t *c, int chunk, bool partial, int64_t *below, bool *last)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_RECENT_ROWS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, *below);
    sqlite3_bind_int(st, 2, chunk);
    listing_t *v = arena_zalloc(c->arena, (size_t)chunk * sizeof(*v));
    size_t seen = 0, k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fill(c, st, &v[k], NULL);
        *below = v[k].id;
        seen++;
        if (v[k].cat) k++; /* as a rebuild does: a listing of no known category is not indexed */
    }
    sqlite3_reset(st);
    *last = seen < (size_t)chunk;
    return rc == SQLITE_DONE ? lidx_main_add(c, v, k, partial) : LL_ERR;
}

static const char SQL_RECENT_NTH[] = "SELECT id FROM listings_fts_new_ids ORDER BY id LIMIT 1 OFFSET ?";

/*
 * Moves the recent part into the main one in one transaction, so that the
 * main part gains one segment (or one per hashsize of terms) and a search
 * never sees a listing in both parts: the whole part when it holds at most
 * max listings, else its oldest max. The tidy takes the write turn for it
 * only when nobody waits.
 */
static int fold(ctx_t *c, const listing_tidy_t *t, int64_t recent, bool *did)
{
    arena_t *outer = c->arena;
    int64_t below = INT64_MAX, max = t->fold_max > 0 ? t->fold_max : FOLD_MAX;
    int chunk = t->fold_chunk > 0 ? t->fold_chunk : FOLD_CHUNK;
    bool last = false, partial = recent > max;
    int rc = db_begin_idle(c->db, t->fold_quiet_ms > 0 ? t->fold_quiet_ms : FOLD_QUIET_MS), res = LL_ERR;
    if (rc) return rc < 0 ? LL_ERR : LL_OK;
    if (db_exec(c->db, SQL_FOLD_SETTINGS)) goto done;
    if (partial) {
        sqlite3_stmt *st = db_stmt(c->db, SQL_RECENT_NTH);
        if (!st) goto done;
        sqlite3_bind_int64(st, 1, max - 1);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) below = sqlite3_column_int64(st, 0) + 1;
        sqlite3_reset(st);
        if (rc != SQLITE_ROW) goto done;
    }
    while (!last) {
        c->arena = arena_new(1 << 16);
        rc = fold_chunk(c, chunk, partial, &below, &last);
        arena_free(c->arena);
        c->arena = outer;
        if (rc) goto done;
    }
    res = (!partial && lidx_recent_clear(c)) || db_commit(c->db) ? LL_ERR : LL_OK;
done:
    if (res) db_rollback(c->db);
    *did = res == LL_OK;
    return res;
}

/*
 * One transaction of merging a part: its small segments among themselves
 * (FTS5's 'merge' with a positive page count), or whole into one (negative).
 * *more, and *did: there is more of it to do (or the write path was busy).
 */
static int merge_step(ctx_t *c, bool recent, bool whole, bool *more, bool *did)
{
    int rc = db_begin_idle(c->db, 0);
    *more = true;
    if (rc) return rc < 0 ? LL_ERR : LL_OK;
    if (lidx_merge(c, recent, whole ? -MERGE_PAGES : MERGE_PAGES, more) || db_commit(c->db)) {
        db_rollback(c->db);
        return LL_ERR;
    }
    *did = *more;
    return LL_OK;
}

/*
 * The main part, after a fold and every main_every_s (deletions of older
 * listings add segments too): its small segments merged; then, if it is
 * still in more than MAIN_SEGMENTS, rewritten whole (about 190,000 pages at
 * 1M listings). A few small segments beside the big one cost a search
 * little (measured: 11.1 us against 8.9 for the full-text match with one
 * more of 9,010 listings).
 */
#define MAIN_SEGMENTS 3

static int main_step(ctx_t *c, listing_tidy_t *t, bool *did)
{
    bool more;
    int n;
    if (merge_step(c, false, t->main_whole, &more, did)) return LL_ERR;
    if (more) return LL_OK;
    if (t->main_whole) {
        t->main_merging = t->main_whole = false;
        return LL_OK;
    }
    if (lidx_segments(c, false, &n)) return LL_ERR;
    t->main_whole = n > MAIN_SEGMENTS;
    t->main_merging = *did = t->main_whole;
    return LL_OK;
}

int listing_tidy_step(ctx_t *c, listing_tidy_t *t, bool *did)
{
    int64_t recent;
    bool more;
    *did = false;
    if (lidx_recent_count(c, &recent)) return LL_ERR;
    if (recent > 0 && recent >= t->fold_rows) {
        if (fold(c, t, recent, did)) return LL_ERR;
        t->main_merging = t->main_merging || *did;
        return LL_OK;
    }
    if (!t->main_merging && c->now - t->main_at >= t->main_every_s) t->main_merging = true;
    if (t->main_merging) {
        t->main_at = c->now;
        if (main_step(c, t, did)) return LL_ERR;
        if (t->main_merging) return LL_OK;
    }
    /* the recent part is small: merged whole, at most every recent_every_s */
    if (c->now - t->recent_at < t->recent_every_s) return LL_OK;
    if (merge_step(c, true, true, &more, did)) return LL_ERR;
    if (!more) t->recent_at = c->now;
    return LL_OK;
}

/*
 * A rebuild runs before serving (or in the benchmark's generator); if it stops
 * half-way the task stays pending and the next start begins again.
 */
int listing_reindex(ctx_t *c, int64_t *n)
{
    int64_t text;
    if (listing_reindex_views(c, n) || listing_reindex_text(c, &text)) return LL_ERR;
    return text == *n ? LL_OK : LL_ERR;
}

/* grouped by listing and reason, so no reporter is named; the primary key (listing_id, user_id) groups */
static const char SQL_REPORTS[] =
    "SELECT r.listing_id, l.title, l.status, r.reason, count(*), max(r.at) FROM listing_reports r "
    "JOIN listings l ON l.id = r.listing_id GROUP BY r.listing_id, r.reason ORDER BY max(r.at) DESC LIMIT 200";

int listing_reports(ctx_t *c, listing_report_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_REPORTS);
    if (!st) return LL_ERR;
    listing_report_t *v = arena_zalloc(c->arena, 200 * sizeof(*v));
    size_t k = 0;
    int rc;
    while (k < 200 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        v[k].listing_id = sqlite3_column_int64(st, 0);
        v[k].title = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
        v[k].status = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
        const reason_t *why = reason_find(listing_report_reasons, (const char *)sqlite3_column_text(st, 3));
        if (!why) why = reason_find(listing_report_reasons, "other"); /* a code from before the list changed */
        v[k].reason = why->code;
        v[k].reason_text = why->text;
        v[k].count = sqlite3_column_int(st, 4);
        v[k++].last_at = sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return k == 200 || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}
