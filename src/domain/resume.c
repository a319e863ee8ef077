/*
 * resume.c — resumes and who may read them (see resume.h).
 *
 * Invariant: resume_get is the only function that opens another person's
 * resume, and it decides access from the stored visibility and applications
 * at the moment of the read.
 */
#include "domain/resume.h"
#include "base/arena.h"
#include "base/result.h"
#include "domain/org.h"
#include "domain/region.h"
#include "domain/validate.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "privacy/share.h"
#include "store/db.h"
#include <jansson.h>
#include <sodium.h>
#include <string.h>

/* The sealed columns, in SQL_LOAD's order from column 8. */
static const pi_id_t sealed_cols[] = {PI_RESUME_NAME, PI_RESUME_PHONE, PI_RESUME_EMAIL,
                                      PI_RESUME_EDUCATION, PI_RESUME_EXPERIENCE, PI_RESUME_SALARY};
#define NSEALED (sizeof sealed_cols / sizeof sealed_cols[0])

static const char SQL_LOAD[] = "SELECT id, user_id, visibility, position, city, years, created_at, updated_at, "
                               "name, phone, email, education, experience, salary FROM resumes WHERE id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO resumes(user_id, visibility, name, phone, email, education, experience, salary, position, city, "
    "years, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12)";
static const char SQL_UPDATE[] =
    "UPDATE resumes SET visibility = ?2, name = ?3, phone = ?4, email = ?5, education = ?6, experience = ?7, "
    "salary = ?8, position = ?9, city = ?10, years = ?11, updated_at = ?12 WHERE id = ?1";
static const char SQL_DELETE[] = "DELETE FROM resumes WHERE id = ? AND user_id = ?";
static const char SQL_MINE[] = "SELECT id, user_id, visibility, position, city, years, created_at, updated_at "
                               "FROM resumes WHERE user_id = ? ORDER BY id DESC LIMIT 50";
/* two statements, so each walks its index newest first without a sort (plans tested) */
static const char SQL_SEARCH_CITY[] =
    "SELECT id, user_id, visibility, position, city, years, created_at, updated_at FROM resumes "
    "WHERE visibility = 'public' AND city = ?1 AND years >= ?2 AND (?3 = '' OR instr(position, ?3) > 0) "
    "ORDER BY id DESC LIMIT 50";
static const char SQL_SEARCH_ALL[] =
    "SELECT id, user_id, visibility, position, city, years, created_at, updated_at FROM resumes "
    "WHERE visibility = 'public' AND ?1 = 0 AND years >= ?2 AND (?3 = '' OR instr(position, ?3) > 0) "
    "ORDER BY id DESC LIMIT 50";

const char *resume_search_sql(bool by_city)
{
    return by_city ? SQL_SEARCH_CITY : SQL_SEARCH_ALL;
}
static const char SQL_APPLIED[] = "SELECT 1 FROM applications WHERE resume_id = ? AND employer_id = ? "
                                  "AND status <> 'withdrawn' LIMIT 1";
static const char SQL_OWNER[] = "SELECT user_id FROM resumes WHERE id = ?";
static const char SQL_SHARED_BEFORE[] = "SELECT 1 FROM shares WHERE user_id = ? AND recipient = ? LIMIT 1";

json_t *resume_share_fields(void)
{
    return json_pack("[s,s,s,s,s,s,s,s,s]", "resumes.name", "resumes.phone", "resumes.email", "resumes.education",
                     "resumes.experience", "resumes.salary", "resumes.position", "resumes.city", "resumes.years");
}

static bool text_ok(const char *s, size_t min, size_t max)
{
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) return false;
    size_t n = utf8_chars(s);
    return n >= min && n <= max;
}

static void fill_plain(ctx_t *c, sqlite3_stmt *st, resume_t *r)
{
    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(st, 0);
    r->user_id = sqlite3_column_int64(st, 1);
    r->visibility = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 2));
    r->position = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 3));
    r->city = sqlite3_column_int64(st, 4);
    r->years = sqlite3_column_int(st, 5);
    r->created_at = sqlite3_column_int64(st, 6);
    r->updated_at = sqlite3_column_int64(st, 7);
    r->own = c->user_id && c->user_id == r->user_id;
}

static const char **field_slot(resume_t *r, size_t i)
{
    const char **slots[NSEALED] = {&r->name, &r->phone, &r->email, &r->education, &r->experience, &r->salary};
    return slots[i];
}

/* Loads a row; with dek, opens the sealed fields for purpose. */
static int load(ctx_t *c, int64_t id, resume_t *r, bool open)
{
    uint8_t dek[VAULT_KEY_LEN];
    sqlite3_stmt *st = db_stmt(c->db, SQL_LOAD);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), res = rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? LL_NOTFOUND : LL_ERR;
    if (rc == SQLITE_ROW) fill_plain(c, st, r);
    if (rc == SQLITE_ROW && open && !(res = pi_subject_key(c, r->user_id, dek))) {
        for (size_t i = 0; i < NSEALED; i++) {
            char *v = NULL;
            if (sqlite3_column_type(st, 8 + (int)i) == SQLITE_BLOB &&
                pi_open(c->arena, sealed_cols[i], P_CONTACT, dek, sqlite3_column_blob(st, 8 + (int)i),
                        (size_t)sqlite3_column_bytes(st, 8 + (int)i), &v) == LL_OK)
                *field_slot(r, i) = v;
        }
        sodium_memzero(dek, sizeof dek);
    }
    sqlite3_reset(st);
    return res;
}

int resume_deny(ctx_t *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_OWNER);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int64_t owner = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    /* C6: the caller learns nothing; the audit log learns who tried */
    audit_append(c, "resume.access_denied", c->user_id, owner,
                 arena_printf(c->arena, "{\"resume\":%lld}", (long long)id));
    return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
}

static bool applied_to(ctx_t *c, int64_t resume_id, int64_t employer)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_APPLIED);
    if (!st) return false;
    sqlite3_bind_int64(st, 1, resume_id);
    sqlite3_bind_int64(st, 2, employer);
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return yes;
}

/* E1: a public resume opened by an employer it was not sent to is a share, recorded once per employer. */
static int record_public_share(ctx_t *c, const resume_t *r)
{
    const char *org = org_public_name(c, c->user_id);
    const char *recipient = arena_printf(c->arena, "招聘方：%s（账号 %lld）", org ? org : "",
                                         (long long)c->user_id);
    sqlite3_stmt *st = db_stmt(c->db, SQL_SHARED_BEFORE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, r->user_id);
    sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
    bool before = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    if (before) return LL_OK;
    json_t *fields = resume_share_fields();
    int res = share_record(c, recipient, "CN", fields, SHARE_BASIS_CONSENT, NULL, r->user_id, 1);
    json_decref(fields);
    return res;
}

int resume_get(ctx_t *c, int64_t id, resume_t *out)
{
    resume_t r;
    int res = load(c, id, &r, false);
    if (res == LL_NOTFOUND) return resume_deny(c, id);
    if (res) return res;
    bool sent = !r.own && strcmp(r.visibility, "hidden") && applied_to(c, id, c->user_id);
    bool public = !r.own && !sent && !strcmp(r.visibility, "public") && org_approved(c, c->user_id);
    if (!r.own && !sent && !public) return resume_deny(c, id);
    if ((res = load(c, id, out, true))) return res;
    if (r.own) return LL_OK;
    if (public && (res = record_public_share(c, out))) return res;
    return audit_append(c, "resume.read", c->user_id, r.user_id,
                        arena_printf(c->arena, "{\"resume\":%lld,\"via\":\"%s\"}", (long long)id,
                                     sent ? "application" : "public"))
               ? LL_ERR
               : LL_OK;
}

static const char *opt(const char *given, bool clear, const char *old)
{
    return clear ? NULL : given ? given : old;
}

/* Merges in over r and checks the result; the field at fault goes to err_field. */
static int merge_check(ctx_t *c, resume_t *r, const resume_in_t *in)
{
    r->name = in->name ? in->name : r->name;
    r->phone = in->phone ? in->phone : r->phone;
    r->position = in->position ? in->position : r->position;
    r->visibility = in->visibility ? in->visibility : r->visibility ? r->visibility : "applied";
    r->email = opt(in->email, in->clear_email, r->email);
    r->education = opt(in->education, in->clear_education, r->education);
    r->experience = opt(in->experience, in->clear_experience, r->experience);
    r->salary = opt(in->salary, in->clear_salary, r->salary);
    if (in->has_city) r->city = in->city;
    if (in->has_years) r->years = in->years;
    if (!r->name || !text_ok(r->name, 2, 30) || strchr(r->name, '\n')) return ctx_fail(c, LL_INVALID, "invalid_field", "name");
    if (!r->phone || !valid_contact_phone(r->phone)) return ctx_fail(c, LL_INVALID, "invalid_field", "phone");
    if (r->email && !valid_email(r->email)) return ctx_fail(c, LL_INVALID, "invalid_field", "email");
    if (r->education && !text_ok(r->education, 0, 2000)) return ctx_fail(c, LL_INVALID, "invalid_field", "education");
    if (r->experience && !text_ok(r->experience, 0, 2000)) return ctx_fail(c, LL_INVALID, "invalid_field", "experience");
    if (r->salary && !text_ok(r->salary, 0, 30)) return ctx_fail(c, LL_INVALID, "invalid_field", "salary");
    if (!r->position || !text_ok(r->position, 1, 30) || strchr(r->position, '\n'))
        return ctx_fail(c, LL_INVALID, "invalid_field", "position");
    if (region_level(c->regions, (uint32_t)r->city) != REGION_CITY) return ctx_fail(c, LL_INVALID, "invalid_field", "city");
    if (r->years < 0 || r->years > 60) return ctx_fail(c, LL_INVALID, "invalid_field", "years");
    if (strcmp(r->visibility, "applied") && strcmp(r->visibility, "public") && strcmp(r->visibility, "hidden"))
        return ctx_fail(c, LL_INVALID, "invalid_field", "visibility");
    return LL_OK;
}

static void bind_row(ctx_t *c, sqlite3_stmt *st, const resume_t *r, const uint8_t *dek)
{
    sqlite3_bind_text(st, 2, r->visibility, -1, SQLITE_STATIC);
    for (size_t i = 0; i < NSEALED; i++) {
        const char *v = *field_slot((resume_t *)r, i);
        if (!v) continue;
        size_t n;
        uint8_t *b = pi_seal(c->arena, sealed_cols[i], dek, v, strlen(v), &n);
        sqlite3_bind_blob(st, 3 + (int)i, b, (int)n, SQLITE_STATIC);
    }
    sqlite3_bind_text(st, 9, r->position, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, r->city);
    sqlite3_bind_int(st, 11, r->years);
    sqlite3_bind_int64(st, 12, c->now);
}

static int write_row(ctx_t *c, const char *sql, int64_t key, const resume_t *r)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, c->user_id, dek);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, sql);
    if (st) {
        sqlite3_bind_int64(st, 1, key);
        bind_row(c, st, r, dek);
    }
    sodium_memzero(dek, sizeof dek);
    return !st || db_run(c->db, st) ? LL_ERR : LL_OK;
}

int resume_create(ctx_t *c, const resume_in_t *in, int64_t *id)
{
    resume_t r = {.user_id = c->user_id, .years = -1};
    int res = merge_check(c, &r, in);
    if (res || (res = write_row(c, SQL_INSERT, c->user_id, &r))) return res;
    *id = db_last_id(c->db);
    return LL_OK;
}

/* The caller's own resume (opened), or 404 without a word on whose it is. */
static int load_own(ctx_t *c, int64_t id, resume_t *r)
{
    int res = load(c, id, r, true);
    if (res == LL_OK && !r->own) res = LL_NOTFOUND;
    return res == LL_NOTFOUND ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : res;
}

int resume_update(ctx_t *c, int64_t id, const resume_in_t *in)
{
    resume_t r;
    int res = load_own(c, id, &r);
    if (res || (res = merge_check(c, &r, in))) return res;
    return write_row(c, SQL_UPDATE, id, &r);
}

int resume_delete(ctx_t *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_DELETE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->user_id);
    if (db_run(c->db, st)) return LL_ERR;
    return db_changes(c->db) ? LL_OK : ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
}

static int collect(ctx_t *c, sqlite3_stmt *st, resume_t **items, size_t *n)
{
    resume_t *v = arena_zalloc(c->arena, 50 * sizeof(*v));
    size_t k = 0;
    int rc;
    while (k < 50 && (rc = sqlite3_step(st)) == SQLITE_ROW) fill_plain(c, st, &v[k++]);
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return k == 50 || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

int resume_mine(ctx_t *c, resume_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_MINE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    return collect(c, st, items, n);
}

int resume_search(ctx_t *c, const char *q, int64_t city, int min_years, resume_t **items, size_t *n)
{
    if (!org_approved(c, c->user_id)) return ctx_fail(c, LL_DENIED, "employer_review_required", NULL);
    if (q && (!text_ok(q, 0, 30) || strchr(q, '\n'))) return ctx_fail(c, LL_INVALID, "invalid_field", "q");
    sqlite3_stmt *st = db_stmt(c->db, resume_search_sql(city != 0));
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, city);
    sqlite3_bind_int(st, 2, min_years);
    sqlite3_bind_text(st, 3, q ? q : "", -1, SQLITE_STATIC);
    return collect(c, st, items, n);
}
