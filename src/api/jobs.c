/*
 * jobs.c — resumes, applications and interviews (C6, C11, E5).
 * Every refusal to read a resume is a 404 (resume.h); the domain audits it.
 */
#include "api/api.h"
#include "base/result.h"
#include "domain/application.h"
#include "domain/region.h"
#include "domain/resume.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const in_field_t resume_spec[] = {
    {"name", IN_STR, false, 30},          {"phone", IN_STR, false, 20},        {"email", IN_STR_NULL, false, 100},
    {"education", IN_STR_NULL, false, 2000}, {"experience", IN_STR_NULL, false, 2000},
    {"salary", IN_STR_NULL, false, 30},   {"position", IN_STR, false, 30},     {"city", IN_INT, false, 0},
    {"years", IN_INT, false, 60},         {"visibility", IN_STR, false, 10},
};
enum { R_NAME, R_PHONE, R_EMAIL, R_EDU, R_EXP, R_SALARY, R_POSITION, R_CITY, R_YEARS, R_VIS, R__N };

static void to_input(const in_val_t *in, resume_in_t *out)
{
    memset(out, 0, sizeof(*out));
    out->name = in[R_NAME].s;
    out->phone = in[R_PHONE].s;
    out->email = in[R_EMAIL].is_null ? NULL : in[R_EMAIL].s;
    out->clear_email = in[R_EMAIL].is_null;
    out->education = in[R_EDU].is_null ? NULL : in[R_EDU].s;
    out->clear_education = in[R_EDU].is_null;
    out->experience = in[R_EXP].is_null ? NULL : in[R_EXP].s;
    out->clear_experience = in[R_EXP].is_null;
    out->salary = in[R_SALARY].is_null ? NULL : in[R_SALARY].s;
    out->clear_salary = in[R_SALARY].is_null;
    out->position = in[R_POSITION].s;
    out->has_city = in[R_CITY].present;
    out->city = in[R_CITY].i;
    out->has_years = in[R_YEARS].present;
    out->years = (int)in[R_YEARS].i;
    out->visibility = in[R_VIS].s;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *city_json(req_t *r, int64_t code)
{
    const char *name = region_name(r->ctx.regions, (uint32_t)code);
    return json_pack("{s:I, s:s}", "code", (json_int_t)code, "name", name ? name : "");
}

/* The projection anyone allowed to see the resume in a list gets. */
static json_t *resume_summary(req_t *r, const resume_t *v)
{
    return json_pack("{s:I, s:s, s:o, s:i, s:s, s:s}", "id", (json_int_t)v->id, "position", v->position, "city",
                     city_json(r, v->city), "years", v->years, "visibility", v->visibility, "updated_at",
                     api_time(r, v->updated_at));
}

static json_t *resume_full(req_t *r, const resume_t *v)
{
    json_t *o = resume_summary(r, v);
    json_object_set_new(o, "name", str_or_null(v->name));
    json_object_set_new(o, "phone", str_or_null(v->phone));
    json_object_set_new(o, "email", str_or_null(v->email));
    json_object_set_new(o, "education", str_or_null(v->education));
    json_object_set_new(o, "experience", str_or_null(v->experience));
    json_object_set_new(o, "salary", str_or_null(v->salary));
    if (v->own) json_object_set_new(o, "own", json_true());
    return o;
}

int api_resume_create(req_t *r)
{
    in_val_t in[R__N];
    resume_in_t ri;
    int64_t id;
    if (http_input(r, resume_spec, R__N, in)) return 0;
    static const int required[] = {R_NAME, R_PHONE, R_POSITION, R_CITY, R_YEARS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!in[required[i]].present) return http_error(r, "missing_field", resume_spec[required[i]].name);
    to_input(in, &ri);
    int res = resume_create(&r->ctx, &ri, &id);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "visibility",
                                       ri.visibility ? ri.visibility : "applied"));
}

int api_resume_get(req_t *r)
{
    resume_t v;
    int res = resume_get(&r->ctx, r->params[0], &v);
    if (res) return http_fail(r, res);
    return http_json(r, 200, resume_full(r, &v));
}

int api_resume_patch(req_t *r)
{
    in_val_t in[R__N];
    resume_in_t ri;
    if (http_input(r, resume_spec, R__N, in)) return 0;
    to_input(in, &ri);
    int res = resume_update(&r->ctx, r->params[0], &ri);
    if (res) return http_fail(r, res);
    return api_resume_get(r);
}

int api_resume_delete(req_t *r)
{
    int res = resume_delete(&r->ctx, r->params[0]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "deleted"));
}

static int list_json(req_t *r, int res, resume_t *v, size_t n)
{
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, resume_summary(r, &v[i]));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_me_resumes(req_t *r)
{
    resume_t *v = NULL;
    size_t n = 0;
    int res = resume_mine(&r->ctx, &v, &n);
    return list_json(r, res, v, n);
}

/* A whole number from the query string within [0, hi]; -1 (response sent) when malformed. */
static int query_int(req_t *r, const char *name, long long hi, int64_t *out)
{
    const char *s = http_query(r, name);
    char *end;
    if (!s || !*s) return 0;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0 || v > hi) return http_error(r, "invalid_field", name), -1;
    *out = v;
    return 0;
}

int api_resume_search(req_t *r)
{
    int64_t city = 0, years = 0;
    resume_t *v = NULL;
    size_t n = 0;
    if (query_int(r, "city", 999999, &city) || query_int(r, "min_years", 60, &years)) return 0;
    int res = resume_search(&r->ctx, http_query(r, "q"), city, (int)years, &v, &n);
    return list_json(r, res, v, n);
}

/* ---- applications ---- */

static json_t *app_json(req_t *r, const app_t *a, bool employer)
{
    json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "listing_id",
                          (json_int_t)a->listing_id, "resume_id", (json_int_t)a->resume_id, "status", a->status,
                          "listing_title", a->listing_title ? a->listing_title : "", "created_at",
                          api_time(r, a->created_at));
    json_object_set_new(o, "interview",
                        a->has_interview
                            ? json_pack("{s:s, s:i, s:s, s:o, s:s}", "starts_at", api_time(r, a->starts_at), "minutes",
                                        a->minutes, "place", a->place ? a->place : "", "note", str_or_null(a->note),
                                        "status", a->interview_status ? a->interview_status : "")
                            : json_null());
    if (employer) json_object_set_new(o, "resume", a->has_resume ? resume_full(r, &a->resume) : json_null());
    return o;
}

int api_application_create(req_t *r)
{
    static const in_field_t spec[] = {{"resume_id", IN_INT, true, 0}};
    in_val_t in[1];
    int64_t id;
    if (http_input(r, spec, 1, in)) return 0;
    int res = app_apply(&r->ctx, r->params[0], in[0].i, &id);
    if (res) return http_fail(r, res);
    return http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "submitted"));
}

int api_listing_applications(req_t *r)
{
    app_t *v;
    size_t n;
    int res = app_for_listing(&r->ctx, r->params[0], &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, app_json(r, &v[i], true));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_me_applications(req_t *r)
{
    app_t *v;
    size_t n;
    int res = app_mine(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, app_json(r, &v[i], false));
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_application_patch(req_t *r)
{
    static const in_field_t spec[] = {{"status", IN_STR, true, 10}};
    in_val_t in[1];
    if (http_input(r, spec, 1, in)) return 0;
    int res = app_mark(&r->ctx, r->params[0], in[0].s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", in[0].s));
}

int api_application_withdraw(req_t *r)
{
    int res = app_withdraw(&r->ctx, r->params[0]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "withdrawn"));
}

int api_interview_propose(req_t *r)
{
    static const in_field_t spec[] = {{"starts_at", IN_INT, true, 0}, {"minutes", IN_INT, false, 480},
                                      {"place", IN_STR, true, 100},  {"note", IN_STR, false, 500}};
    in_val_t in[4];
    if (http_input(r, spec, 4, in)) return 0;
    int res = app_interview_propose(&r->ctx, r->params[0], in[0].i, in[1].present ? (int)in[1].i : 60, in[2].s, in[3].s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "proposed"));
}

static int answer(req_t *r, bool accept)
{
    int res = app_interview_answer(&r->ctx, r->params[0], accept);
    if (res) return http_fail(r, res);
    json_t *o = json_pack("{s:s}", "status", accept ? "accepted" : "declined");
    if (accept)
        json_object_set_new(o, "calendar", json_string(arena_printf(r->arena, "/api/v1/applications/%lld/interview.ics",
                                                                    (long long)r->params[0])));
    return http_json(r, 200, o);
}

int api_interview_accept(req_t *r)
{
    return answer(r, true);
}

int api_interview_decline(req_t *r)
{
    return answer(r, false);
}

int api_interview_ics(req_t *r)
{
    const char *ics;
    int res = app_interview_ics(&r->ctx, r->params[0], &ics);
    if (res) return http_fail(r, res);
    size_t n = strlen(ics);
    char *copy = malloc(n);
    if (!copy) return http_error(r, "internal", NULL);
    memcpy(copy, ics, n);
    http_header(r, "Content-Disposition", "attachment; filename=\"interview.ics\"");
    return http_bytes(r, 200, "text/calendar; charset=utf-8", copy, n, NULL);
}
