/*
 * application.c — applications and interviews (see application.h).
 *
 * Invariant: an application row is written in the same transaction as its
 * share record and audit entry; an employer reads the resume only through
 * resume_get, which re-checks the application and visibility on every read.
 */
#include "domain/application.h"
#include "base/arena.h"
#include "base/result.h"
#include "domain/ics.h"
#include "domain/listing.h"
#include "domain/org.h"
#include "domain/validate.h"
#include "privacy/audit.h"
#include "privacy/share.h"
#include "store/db.h"
#include <jansson.h>
#include <string.h>

static const char SQL_RESUME_OF[] = "SELECT user_id, visibility FROM resumes WHERE id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO applications(listing_id, resume_id, user_id, employer_id, status, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, 'submitted', ?5, ?5) "
    "ON CONFLICT (listing_id, resume_id) DO UPDATE SET status = 'submitted', updated_at = ?5 "
    "WHERE status = 'withdrawn' RETURNING id";
#define SELECT_APP                                                                                                \
    "SELECT a.id, a.listing_id, a.resume_id, a.user_id, a.created_at, a.updated_at, a.status, l.title, "            \
    "i.starts_at, i.minutes, i.place, i.note, i.status, a.employer_id "                                               \
    "FROM applications a JOIN listings l ON l.id = a.listing_id LEFT JOIN interviews i ON i.application_id = a.id "
static const char SQL_FOR_LISTING[] = SELECT_APP "WHERE a.listing_id = ? ORDER BY a.id DESC LIMIT 200";
static const char SQL_MINE[] = SELECT_APP "WHERE a.user_id = ? ORDER BY a.id DESC LIMIT 200";
static const char SQL_ONE[] = SELECT_APP "WHERE a.id = ?";
static const char SQL_SET_STATUS[] = "UPDATE applications SET status = ?2, updated_at = ?3 WHERE id = ?1";
static const char SQL_PROPOSE[] =
    "INSERT INTO interviews(application_id, starts_at, minutes, place, note, status, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, 'proposed', ?6, ?6) ON CONFLICT (application_id) DO UPDATE SET "
    "starts_at = ?2, minutes = ?3, place = ?4, note = ?5, status = 'proposed', updated_at = ?6";
static const char SQL_ANSWER[] =
    "UPDATE interviews SET status = ?2, updated_at = ?3 WHERE application_id = ?1 AND status = 'proposed'";
static const char SQL_DECLINE_ALL[] = "UPDATE interviews SET status = 'declined', updated_at = ?2 WHERE application_id = ?1";

static void fill(ctx_t *c, sqlite3_stmt *st, app_t *a, int64_t *employer)
{
    memset(a, 0, sizeof(*a));
    a->id = sqlite3_column_int64(st, 0);
    a->listing_id = sqlite3_column_int64(st, 1);
    a->resume_id = sqlite3_column_int64(st, 2);
    a->user_id = sqlite3_column_int64(st, 3);
    a->created_at = sqlite3_column_int64(st, 4);
    a->updated_at = sqlite3_column_int64(st, 5);
    a->status = db_text(c->arena, st, 6);
    a->listing_title = db_text(c->arena, st, 7);
    a->has_interview = sqlite3_column_type(st, 8) != SQLITE_NULL;
    a->starts_at = sqlite3_column_int64(st, 8);
    a->minutes = sqlite3_column_int(st, 9);
    a->place = db_text(c->arena, st, 10);
    a->note = db_text(c->arena, st, 11);
    a->interview_status = db_text(c->arena, st, 12);
    if (employer) *employer = sqlite3_column_int64(st, 13);
}

static int load(ctx_t *c, int64_t id, app_t *a, int64_t *employer)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ONE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) fill(c, st, a, employer);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? LL_OK : rc == SQLITE_DONE ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
}

/* The application as its seeker (seeker true) or its employer may act on it; else 404. */
static int load_as(ctx_t *c, int64_t id, bool seeker, app_t *a)
{
    int64_t employer;
    int res = load(c, id, a, &employer);
    if (res) return res;
    if (seeker ? a->user_id != c->user_id : employer != c->user_id) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return LL_OK;
}

/* The caller's resume id, not hidden; a resume of someone else is a denied read (404 + audit). */
static int check_resume(ctx_t *c, int64_t resume_id)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_RESUME_OF);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, resume_id);
    int rc = sqlite3_step(st);
    int64_t owner = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    bool hidden = rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 1), "hidden");
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    if (owner != c->user_id) return resume_deny(c, resume_id);
    return hidden ? ctx_fail(c, LL_INVALID, "invalid_field", "resume_id") : LL_OK;
}

static const char *recipient_of(ctx_t *c, int64_t employer)
{
    const char *org = org_public_name(c, employer);
    return arena_printf(c->arena, "招聘方：%s（账号 %lld）", org ? org : "", (long long)employer);
}

int app_apply(ctx_t *c, int64_t listing_id, int64_t resume_id, int64_t *id)
{
    listing_t l;
    int res = listing_load(c, listing_id, &l);
    if (res || strcmp(l.status, "published")) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if (strcmp(l.cat->slug, "jobs")) return ctx_fail(c, LL_INVALID, "not_a_job", NULL);
    if (l.user_id == c->user_id) return ctx_fail(c, LL_INVALID, "own_listing", NULL);
    if ((res = check_resume(c, resume_id))) return res;
    if (db_begin(c->db)) return LL_ERR;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, listing_id);
    sqlite3_bind_int64(st, 2, resume_id);
    sqlite3_bind_int64(st, 3, c->user_id);
    sqlite3_bind_int64(st, 4, l.user_id);
    sqlite3_bind_int64(st, 5, c->now);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) goto fail;
    if (!*id) {
        res = ctx_fail(c, LL_CONFLICT, "already_applied", "resume_id");
        goto fail;
    }
    /* E1/E5: the resume goes to the one employer the seeker chose */
    json_t *fields = resume_share_fields();
    int shared = share_record(c, recipient_of(c, l.user_id), "CN", fields, SHARE_BASIS_CONSENT, NULL, c->user_id, 1);
    json_decref(fields);
    if (shared || audit_append(c, "application.submitted", c->user_id, l.user_id,
                               arena_printf(c->arena, "{\"application\":%lld,\"listing\":%lld}", (long long)*id,
                                            (long long)listing_id)))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

static int collect(ctx_t *c, sqlite3_stmt *st, app_t **items, size_t *n)
{
    app_t *v = arena_zalloc(c->arena, 200 * sizeof(*v));
    size_t k = 0;
    int rc;
    while (k < 200 && (rc = sqlite3_step(st)) == SQLITE_ROW) fill(c, st, &v[k++], NULL);
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return k == 200 || rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

int app_for_listing(ctx_t *c, int64_t listing_id, app_t **items, size_t *n)
{
    listing_t l;
    int res = listing_load(c, listing_id, &l);
    if (res || l.user_id != c->user_id) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    sqlite3_stmt *st = db_stmt(c->db, SQL_FOR_LISTING);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, listing_id);
    if ((res = collect(c, st, items, n))) return res;
    for (size_t i = 0; i < *n; i++) {
        app_t *a = &(*items)[i];
        if (!strcmp(a->status, "withdrawn")) continue; /* the seeker took it back: its state only */
        res = resume_get(c, a->resume_id, &a->resume);
        if (res == LL_OK) a->has_resume = true;
        else if (res != LL_NOTFOUND) return res;
        c->err_code = NULL, c->err_field = NULL; /* a hidden resume is a state, not this call's failure */
    }
    return LL_OK;
}

int app_mine(ctx_t *c, app_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_MINE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->user_id);
    return collect(c, st, items, n);
}

static int set_status(ctx_t *c, int64_t id, const char *status)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_SET_STATUS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

int app_mark(ctx_t *c, int64_t id, const char *status)
{
    app_t a;
    int res = load_as(c, id, false, &a); /* someone else's application is a 404 whatever the input */
    if (res) return res;
    if (!status || (strcmp(status, "viewed") && strcmp(status, "interview") && strcmp(status, "rejected")))
        return ctx_fail(c, LL_INVALID, "invalid_field", "status");
    if (!strcmp(a.status, "withdrawn")) return ctx_fail(c, LL_CONFLICT, "invalid_state", NULL);
    return set_status(c, id, status);
}

int app_withdraw(ctx_t *c, int64_t id)
{
    app_t a;
    int res = load_as(c, id, true, &a);
    if (res) return res;
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_DECLINE_ALL);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, c->now);
    if (set_status(c, id, "withdrawn") || db_run(c->db, st) ||
        audit_append(c, "application.withdrawn", c->user_id, c->user_id,
                     arena_printf(c->arena, "{\"application\":%lld}", (long long)id)))
        goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

int app_interview_propose(ctx_t *c, int64_t id, int64_t starts_at, int minutes, const char *place, const char *note)
{
    app_t a;
    int res = load_as(c, id, false, &a); /* someone else's application is a 404 whatever the input */
    if (res) return res;
    if (starts_at <= c->now || starts_at > c->now + 366LL * 86400) return ctx_fail(c, LL_INVALID, "invalid_field", "starts_at");
    if (minutes < 10 || minutes > 480) return ctx_fail(c, LL_INVALID, "invalid_field", "minutes");
    if (!place || utf8_chars(place) < 2 || utf8_chars(place) > 100 || has_control(place))
        return ctx_fail(c, LL_INVALID, "invalid_field", "place");
    if (note && (utf8_chars(note) > 500 || has_control(note))) return ctx_fail(c, LL_INVALID, "invalid_field", "note");
    if (!strcmp(a.status, "withdrawn") || !strcmp(a.status, "rejected")) return ctx_fail(c, LL_CONFLICT, "invalid_state", NULL);
    if (db_begin(c->db)) return LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_PROPOSE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, starts_at);
    sqlite3_bind_int(st, 3, minutes);
    sqlite3_bind_text(st, 4, place, -1, SQLITE_STATIC);
    if (note) sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->now);
    if (db_run(c->db, st) || set_status(c, id, "interview")) goto fail;
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return LL_ERR;
}

int app_interview_answer(ctx_t *c, int64_t id, bool accept)
{
    app_t a;
    int res = load_as(c, id, true, &a);
    if (res) return res;
    if (!strcmp(a.status, "withdrawn")) return ctx_fail(c, LL_CONFLICT, "invalid_state", NULL);
    sqlite3_stmt *st = db_stmt(c->db, SQL_ANSWER);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, accept ? "accepted" : "declined", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->now);
    if (db_run(c->db, st)) return LL_ERR;
    return db_changes(c->db) ? LL_OK : ctx_fail(c, LL_CONFLICT, "interview_not_proposed", NULL);
}

int app_interview_ics(ctx_t *c, int64_t id, const char **ics)
{
    app_t a;
    int64_t employer;
    int res = load(c, id, &a, &employer);
    if (res) return res;
    if (a.user_id != c->user_id && employer != c->user_id) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    if (!a.has_interview || strcmp(a.interview_status, "accepted") || !strcmp(a.status, "withdrawn"))
        return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    ics_event_t e = {arena_printf(c->arena, "interview-%lld@linli", (long long)a.id), c->now, a.starts_at,
                     a.starts_at + (int64_t)a.minutes * 60, arena_printf(c->arena, "面试：%s", a.listing_title),
                     a.place, a.note};
    *ics = ics_event(c->arena, &e);
    return LL_OK;
}
