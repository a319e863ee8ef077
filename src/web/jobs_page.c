/*
 * jobs_page.c — 我的简历, applying to a job, 我的求职 and 收到的简历
 * (C6, C11, E5, G1).
 *
 * What always holds: a resume is opened only by the domain (resume.h), so
 * its owner decides who reads it (C6). The edit page opens a resume only
 * when it is among the person's own; any other number answers the 404 page
 * and a resume.access_denied audit entry, as GET /api/v1/resumes/{id} does.
 * An employer reads applicants' resumes only through app_for_listing, the
 * call behind GET /api/v1/listings/{id}/applications: each read is audited
 * (resume.read), a withdrawn application or a hidden resume shows its state
 * only. Someone else's listing or application answers the 404 page and
 * changes nothing. Every change is a POST with the CSRF token, answered 303
 * with a ?done= code that names a fixed sentence (never data).
 */
#include "base/result.h"
#include "domain/application.h"
#include "domain/listing.h"
#include "domain/org.h"
#include "domain/region.h"
#include "domain/resume.h"
#include "domain/validate.h"
#include "web/form.h"
#include "web/jobs.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BEIJING_OFFSET (8 * 3600)

static const struct {
    const char *done, *text;
} dones[] = {
    {"created", "简历已保存。"},
    {"saved", "简历已更新，立即生效。"},
    {"deleted", "简历已删除。"},
    {"applied", "投递成功，招聘方现在可以查看您这份简历。"},
    {"withdrawn", "已撤回投递，招聘方不能再通过这份申请查看您的简历。"},
    {"accepted", "已接受面试邀请，可以把面试加入日历。"},
    {"declined", "已谢绝面试邀请。"},
    {"marked", "申请状态已更新，求职者会在“我的求职”中看到。"},
    {"proposed", "面试邀请已发出，等待求职者确认。"},
};

/* The sentence of ?done=, or NULL. */
static const char *done_text(req_t *r)
{
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) return dones[i].text;
    return NULL;
}

static void set_done(req_t *r, json_t *ctx)
{
    const char *text = done_text(r);
    if (text) json_object_set_new(ctx, "done", json_string(text));
}

static const struct {
    const char *status, *text;
} app_states[] = {
    {"submitted", "已投递"}, {"viewed", "招聘方已查看"}, {"interview", "邀请面试"},
    {"rejected", "不合适"},  {"withdrawn", "已撤回"},
};

const char *web_app_state_text(const char *status)
{
    for (size_t i = 0; status && i < sizeof app_states / sizeof app_states[0]; i++)
        if (!strcmp(app_states[i].status, status)) return app_states[i].text;
    return status ? status : "";
}

static const char *interview_state_text(const char *s)
{
    if (s && !strcmp(s, "accepted")) return "已接受";
    if (s && !strcmp(s, "declined")) return "已谢绝";
    return "待求职者确认";
}

/* "2026年5月1日 14:30", Beijing time. */
static const char *when_cn(arena_t *a, int64_t t)
{
    time_t s = (time_t)(t + BEIJING_OFFSET);
    struct tm tm;
    gmtime_r(&s, &tm);
    return arena_printf(a, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                        tm.tm_min);
}

/* A positive decimal id from a form field, or 0. */
static int64_t form_id(const web_form_t *f, const char *name)
{
    const char *s = web_form_get(f, name);
    char *end;
    if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s)) return 0;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    return errno || *end || v <= 0 ? 0 : (int64_t)v;
}

/* ---- 我的简历 ---- */

/* The form's text fields, in its order, with the input limits of POST /api/v1/resumes. */
enum { RF_NAME, RF_PHONE, RF_EMAIL, RF_POSITION, RF_YEARS, RF_SALARY, RF_EDUCATION, RF_EXPERIENCE, RF__N };
static const struct {
    const char *name, *label, *hint, *type;
    int max;
    bool required;
} rfields[RF__N] = {
    {"name", "姓名", "招聘方看到的称呼，2 到 30 个字。", "text", 30, true},
    {"phone", "联系电话", "手机号码或固定电话，例如 13800138000 或 010-12345678。", "tel", 20, true},
    {"email", "电子邮箱", "可不填。", "email", 100, false},
    {"position", "期望职位", "例如 服务员、司机、会计，最多 30 个字。", "text", 30, true},
    {"years", "工作年限（年）", "0 到 60 的整数，应届生填 0。", "number", 2, true},
    {"salary", "期望薪资", "例如 6000-8000元/月，可不填。", "text", 30, false},
    {"education", "教育经历", "学校、专业、起止年份，可不填，最多 2000 个字。", "textarea", 2000, false},
    {"experience", "工作经历", "单位、职位、起止年份和工作内容，可不填，最多 2000 个字。", "textarea", 2000, false},
};

static const struct {
    const char *value, *label, *explain;
} visibilities[] = {
    {"applied", "仅我投递过的招聘方", "只有您投递过的职位的招聘方能看到；撤回投递后对方就不能再看到。"},
    {"public", "所有通过企业认证的招聘方", "通过企业认证的招聘方可以搜索到并查看这份简历；每次查看都会记录。"},
    {"hidden", "不公开（暂停求职）", "除您自己以外谁都看不到，已投递的申请中招聘方也看不到简历内容。"},
};

static const char *visibility_text(const char *v)
{
    for (size_t i = 0; i < sizeof visibilities / sizeof visibilities[0]; i++)
        if (!strcmp(visibilities[i].value, v)) return visibilities[i].label;
    return v;
}

/* What to say next to a field the domain or the page refused. */
static const char *resume_error(const char *field)
{
    static const struct {
        const char *field, *text;
    } msgs[] = {
        {"name", "请填写 2 到 30 个字的姓名（不能换行）。"},
        {"phone", "请填写正确的手机号码或固定电话，例如 13800138000 或 010-12345678。"},
        {"email", "请输入正确的电子邮箱地址，或者留空。"},
        {"position", "请填写 1 到 30 个字的期望职位。"},
        {"years", "请填写 0 到 60 之间的整数。"},
        {"salary", "期望薪资最多 30 个字。"},
        {"education", "教育经历最多 2000 个字，且不能含有特殊控制字符。"},
        {"experience", "工作经历最多 2000 个字，且不能含有特殊控制字符。"},
        {"city", "请选择期望工作的城市。"},
        {"visibility", "请选择谁可以看到这份简历。"},
    };
    for (size_t i = 0; field && i < sizeof msgs / sizeof msgs[0]; i++)
        if (!strcmp(msgs[i].field, field)) return msgs[i].text;
    return "内容有误，请检查后重新提交。";
}

/* What the form shows: a stored resume, or what was just sent, and the field at fault. */
typedef struct {
    int64_t id; /* 0: a new resume */
    const resume_t *v;
    const web_form_t *sent;
    const char *bad;
} rform_t;

static const char *stored_value(req_t *r, const resume_t *v, size_t i)
{
    if (!v) return NULL;
    const char *vals[RF__N] = {v->name, v->phone, v->email, v->position, arena_printf(r->arena, "%d", v->years),
                               v->salary, v->education, v->experience};
    return vals[i];
}

static json_t *rfields_json(req_t *r, const rform_t *fv)
{
    json_t *a = json_array();
    for (size_t i = 0; i < RF__N; i++) {
        const char *v = fv->sent ? web_form_get(fv->sent, rfields[i].name) : stored_value(r, fv->v, i);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:b}", "name", rfields[i].name, "label",
                              rfields[i].label, "hint", rfields[i].hint, "value", v ? v : "", "max", rfields[i].max,
                              "required", rfields[i].required, "textarea", !strcmp(rfields[i].type, "textarea"));
        json_object_set_new(o, "type", json_string(rfields[i].type));
        if (!strcmp(rfields[i].type, "number")) json_object_set_new(o, "numeric", json_true());
        if (fv->bad && !strcmp(fv->bad, rfields[i].name))
            json_object_set_new(o, "error", json_string(resume_error(fv->bad)));
        json_array_append_new(a, o);
    }
    return a;
}

static int render_resume_form(req_t *r, unsigned status, const rform_t *fv, const char *next)
{
    const char *vis = fv->sent ? web_form_get(fv->sent, "visibility") : fv->v ? fv->v->visibility : "applied";
    uint32_t city = fv->sent ? web_city_code(r, web_form_get(fv->sent, "city")) : fv->v ? (uint32_t)fv->v->city : 0;
    json_t *opts = json_array();
    for (size_t i = 0; i < sizeof visibilities / sizeof visibilities[0]; i++)
        json_array_append_new(opts, json_pack("{s:s, s:s, s:s, s:b}", "value", visibilities[i].value, "label",
                                              visibilities[i].label, "explain", visibilities[i].explain, "checked",
                                              vis && !strcmp(vis, visibilities[i].value)));
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:o, s:o}", "title", fv->id ? "修改简历" : "新建简历", "csrf",
                            web_csrf_token(r), "fields", rfields_json(r, fv), "cities", web_city_options(r, city),
                            "visibilities", opts);
    json_object_set_new(ctx, "action", json_string(fv->id ? arena_printf(r->arena, "/me/resume/%lld", (long long)fv->id)
                                                          : "/me/resume"));
    if (fv->id) json_object_set_new(ctx, "id", json_integer(fv->id));
    if (fv->bad && !strcmp(fv->bad, "city")) json_object_set_new(ctx, "city_error", json_string(resume_error("city")));
    if (fv->bad && !strcmp(fv->bad, "visibility"))
        json_object_set_new(ctx, "visibility_error", json_string(resume_error("visibility")));
    if (fv->bad) json_object_set_new(ctx, "form_error", json_string("简历没有保存，请按提示修改后重新提交。"));
    if (next && web_local_path(next)) json_object_set_new(ctx, "next", json_string(next));
    json_object_set_new(ctx, "nav_me", json_true());
    if (status == 200) set_done(r, ctx);
    return web_page(r, status, "resume", ctx);
}

int web_resume_list(req_t *r)
{
    resume_t *v;
    size_t n;
    int res = resume_mine(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *city = region_name(r->ctx.regions, (uint32_t)v[i].city);
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:i, s:s, s:s}", "id", (json_int_t)v[i].id, "position",
                                               v[i].position, "city", city ? city : "", "years", v[i].years,
                                               "visibility", visibility_text(v[i].visibility), "date",
                                               web_date_cn(r->arena, v[i].updated_at, NULL)));
    }
    json_t *ctx = json_pack("{s:s, s:o, s:b, s:b}", "title", "我的简历", "items", items, "has_items", n > 0, "nav_me",
                            true);
    set_done(r, ctx);
    return web_page(r, 200, "resumes", ctx);
}

int web_resume_new(req_t *r)
{
    rform_t fv = {0};
    return render_resume_form(r, 200, &fv, http_query(r, "next"));
}

/* Drops the CR of CRLF line ends (a textarea's), which the domain refuses as a control character. */
static const char *no_cr(arena_t *a, const char *s)
{
    char *out = arena_strdup(a, s), *o = out;
    for (const char *p = s; *p; p++)
        if (*p != '\r') *o++ = *p;
    *o = '\0';
    return out;
}

/* The posted form as the domain's input; false with *bad naming the field the page itself refuses. */
static bool parse_resume(req_t *r, const web_form_t *f, bool update, resume_in_t *in, const char **bad)
{
    const char *v[RF__N];
    memset(in, 0, sizeof(*in));
    for (size_t i = 0; i < RF__N; i++) {
        const char *s = web_form_get(f, rfields[i].name);
        v[i] = s ? no_cr(r->arena, s) : "";
        if (utf8_chars(v[i]) > (size_t)rfields[i].max) return *bad = rfields[i].name, false;
    }
    in->name = v[RF_NAME], in->phone = v[RF_PHONE], in->position = v[RF_POSITION];
    /* optional: empty means none; in a change it clears the stored value */
    in->email = *v[RF_EMAIL] ? v[RF_EMAIL] : NULL, in->clear_email = update && !*v[RF_EMAIL];
    in->salary = *v[RF_SALARY] ? v[RF_SALARY] : NULL, in->clear_salary = update && !*v[RF_SALARY];
    in->education = *v[RF_EDUCATION] ? v[RF_EDUCATION] : NULL, in->clear_education = update && !*v[RF_EDUCATION];
    in->experience = *v[RF_EXPERIENCE] ? v[RF_EXPERIENCE] : NULL,
    in->clear_experience = update && !*v[RF_EXPERIENCE];
    const char *y = v[RF_YEARS];
    if (!*y || strspn(y, "0123456789") != strlen(y) || atoi(y) > 60) return *bad = "years", false;
    in->has_years = true, in->years = atoi(y);
    uint32_t city = web_city_code(r, web_form_get(f, "city"));
    if (!city) return *bad = "city", false;
    in->has_city = true, in->city = city;
    in->visibility = web_form_get(f, "visibility");
    if (!in->visibility) return *bad = "visibility", false;
    return true;
}

int web_resume_create(req_t *r)
{
    web_form_t f;
    resume_in_t in;
    int64_t id;
    rform_t fv = {0};
    if (web_form_read(r, &f)) return 0;
    fv.sent = &f;
    const char *next = web_form_get(&f, "next");
    if (!parse_resume(r, &f, false, &in, &fv.bad)) return render_resume_form(r, 422, &fv, next);
    r->ctx.err_field = NULL;
    int res = resume_create(&r->ctx, &in, &id);
    if (res == LL_INVALID) return fv.bad = r->ctx.err_field, render_resume_form(r, 422, &fv, next);
    if (res) return http_fail(r, res);
    if (next && web_local_path(next)) return web_redirect(r, next);
    return web_redirect(r, arena_printf(r->arena, "/me/resume/%lld?done=created", (long long)id));
}

/* Whether id is one of the caller's resumes; else the 404 page, audited as a denied read (C6). */
static bool own_resume(req_t *r, int64_t id)
{
    resume_t *v;
    size_t n;
    if (resume_mine(&r->ctx, &v, &n) == LL_OK)
        for (size_t i = 0; i < n; i++)
            if (v[i].id == id) return true;
    return false;
}

int web_resume_edit(req_t *r)
{
    resume_t v;
    rform_t fv = {.id = r->params[0], .v = &v};
    if (!own_resume(r, r->params[0])) {
        if (resume_deny(&r->ctx, r->params[0]) == LL_ERR) return http_fail(r, LL_ERR);
        return web_not_found(r);
    }
    int res = resume_get(&r->ctx, r->params[0], &v);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return render_resume_form(r, 200, &fv, NULL);
}

int web_resume_update(req_t *r)
{
    web_form_t f;
    resume_in_t in;
    rform_t fv = {.id = r->params[0]};
    if (web_form_read(r, &f)) return 0;
    fv.sent = &f;
    if (!own_resume(r, r->params[0])) return web_not_found(r); /* before any check: someone else's is only a 404 */
    if (!parse_resume(r, &f, true, &in, &fv.bad)) return render_resume_form(r, 422, &fv, NULL);
    r->ctx.err_field = NULL;
    int res = resume_update(&r->ctx, r->params[0], &in);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_INVALID) return fv.bad = r->ctx.err_field, render_resume_form(r, 422, &fv, NULL);
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/me/resume/%lld?done=saved", (long long)r->params[0]));
}

int web_resume_delete(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    int res = resume_delete(&r->ctx, r->params[0]);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me/resume?done=deleted");
}

/* ---- applying, on a job's page ---- */

/* The caller's standing application to listing id, or NULL. */
static const app_t *applied_to(req_t *r, int64_t listing_id)
{
    app_t *v;
    size_t n;
    if (app_mine(&r->ctx, &v, &n)) return NULL;
    for (size_t i = 0; i < n; i++)
        if (v[i].listing_id == listing_id && strcmp(v[i].status, "withdrawn")) return &v[i];
    return NULL;
}

void web_jobs_listing_ctx(req_t *r, const listing_t *l, json_t *ctx)
{
    json_t *job = json_object();
    json_object_set_new(ctx, "job", job);
    if (l->own) {
        json_object_set_new(job, "own_url", json_string(arena_printf(r->arena, "/me/hiring/%lld", (long long)l->id)));
        return;
    }
    if (!r->ctx.user_id || strcmp(l->status, "published")) return;
    json_object_set_new(job, "signed_in", json_true());
    set_done(r, job);
    const app_t *a = applied_to(r, l->id);
    if (a) {
        json_object_set_new(job, "applied", json_pack("{s:s, s:s}", "state", web_app_state_text(a->status), "date",
                                                      web_date_cn(r->arena, a->created_at, NULL)));
        return;
    }
    resume_t *v;
    size_t n;
    json_t *opts = json_array();
    if (resume_mine(&r->ctx, &v, &n) == LL_OK)
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(v[i].visibility, "hidden")) continue; /* a hidden resume cannot be sent (application.h) */
            const char *city = region_name(r->ctx.regions, (uint32_t)v[i].city);
            json_array_append_new(opts, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)v[i].id, "label",
                                                  arena_printf(r->arena, "%s · %s · %d年经验", v[i].position,
                                                               city ? city : "", v[i].years),
                                                  "first", json_array_size(opts) == 0));
        }
    json_object_set_new(job, "has_resumes", json_boolean(json_array_size(opts) > 0));
    json_object_set_new(job, "resumes", opts);
    /* the form uses the page's token (listing_ctx set it): a second web_csrf_token call on a first visit would set
     * a second cookie and leave one of the page's forms with a token of the other */
    if (!json_object_get(ctx, "csrf")) json_object_set_new(ctx, "csrf", json_string(web_csrf_token(r)));
    json_object_set_new(job, "new_url",
                        json_string(arena_printf(r->arena, "/me/resume/new?next=/l/%lld", (long long)l->id)));
}

static int apply_refused(req_t *r, unsigned status, int64_t id, const char *text)
{
    return web_message(r, status, "投递没有成功", text, arena_printf(r->arena, "/l/%lld#apply", (long long)id),
                       "返回职位页面");
}

int web_apply(req_t *r)
{
    web_form_t f;
    int64_t app_id;
    if (web_form_read(r, &f)) return 0;
    int64_t resume = form_id(&f, "resume_id"), id = r->params[0];
    if (!resume) return apply_refused(r, 400, id, "请选择一份要投递的简历。");
    r->ctx.err_code = NULL;
    int res = app_apply(&r->ctx, id, resume, &app_id);
    if (res == LL_NOTFOUND) return web_not_found(r); /* no such job, or someone else's resume (audited) */
    if (res == LL_CONFLICT) return apply_refused(r, 409, id, "您已经用这份简历投递过这个职位。");
    if (res == LL_INVALID) {
        const char *code = r->ctx.err_code ? r->ctx.err_code : "";
        return apply_refused(r, 422, id,
                             !strcmp(code, "not_a_job")     ? "这条信息不是招聘信息，不能投递简历。"
                             : !strcmp(code, "own_listing") ? "不能投递自己发布的职位。"
                                                            : "这份简历设为了“不公开”，请换一份简历或先修改它的公开范围。");
    }
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/l/%lld?done=applied#apply", (long long)id));
}

/* ---- 我的求职: the seeker's applications ---- */

static json_t *interview_json(req_t *r, const app_t *a)
{
    json_t *o = json_pack("{s:s, s:i, s:s, s:s}", "when", when_cn(r->arena, a->starts_at), "minutes", a->minutes,
                          "place", a->place ? a->place : "", "state", interview_state_text(a->interview_status));
    if (a->note) json_object_set_new(o, "note", json_string(a->note));
    bool proposed = a->interview_status && !strcmp(a->interview_status, "proposed");
    bool accepted = a->interview_status && !strcmp(a->interview_status, "accepted");
    json_object_set_new(o, "proposed", json_boolean(proposed && strcmp(a->status, "withdrawn")));
    if (accepted && strcmp(a->status, "withdrawn")) /* C11: the calendar file of an accepted interview */
        json_object_set_new(o, "ics", json_string(arena_printf(r->arena, "/api/v1/applications/%lld/interview.ics",
                                                               (long long)a->id)));
    return o;
}

int web_my_applications(req_t *r)
{
    app_t *v;
    size_t n;
    int res = app_mine(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)v[i].id, "listing_id",
                              (json_int_t)v[i].listing_id, "title", v[i].listing_title ? v[i].listing_title : "",
                              "status", v[i].status, "state", web_app_state_text(v[i].status), "date",
                              web_date_cn(r->arena, v[i].created_at, NULL), "open", strcmp(v[i].status, "withdrawn") != 0);
        if (v[i].has_interview) json_object_set_new(o, "interview", interview_json(r, &v[i]));
        json_array_append_new(items, o);
    }
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:b, s:b}", "title", "我的求职", "csrf", web_csrf_token(r), "items",
                            items, "has_items", n > 0, "nav_me", true);
    set_done(r, ctx);
    return web_page(r, 200, "applications", ctx);
}

/* Whether id is one of the caller's own applications. */
static bool own_application(req_t *r, int64_t id)
{
    app_t *v;
    size_t n;
    if (app_mine(&r->ctx, &v, &n) == LL_OK)
        for (size_t i = 0; i < n; i++)
            if (v[i].id == id) return true;
    return false;
}

int web_app_withdraw(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    int res = app_withdraw(&r->ctx, r->params[0]);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me/applications?done=withdrawn");
}

int web_app_answer(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *answer = web_form_get(&f, "answer");
    bool accept = answer && !strcmp(answer, "accept");
    if (!accept && (!answer || strcmp(answer, "decline"))) {
        if (!own_application(r, r->params[0])) return web_not_found(r); /* someone else's: a 404 whatever was sent */
        return web_message(r, 400, "没有回复", "请选择接受或谢绝面试邀请。", "/me/applications", "返回我的求职");
    }
    int res = app_interview_answer(&r->ctx, r->params[0], accept);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_CONFLICT)
        return web_message(r, 409, "无法回复", "这个面试邀请已经回复过，或者申请已经撤回。", "/me/applications",
                           "返回我的求职");
    if (res) return http_fail(r, res);
    return web_redirect(r, accept ? "/me/applications?done=accepted" : "/me/applications?done=declined");
}

/* ---- 收到的简历: the employer's side ---- */

int web_hiring(req_t *r)
{
    listing_t *v;
    size_t n;
    org_t o;
    int res = listing_mine(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].cat->slug, "jobs"))
            json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)v[i].id, "title",
                                                   v[i].title, "status_text", web_status_text(v[i].status), "date",
                                                   web_date_cn(r->arena, v[i].created_at, NULL)));
    json_t *ctx = json_pack("{s:s, s:b, s:b}", "title", "收到的简历", "has_items", json_array_size(items) > 0,
                            "nav_me", true);
    json_object_set_new(ctx, "items", items);
    r->ctx.err_code = NULL;
    res = org_mine(&r->ctx, &o);
    if (res && res != LL_NOTFOUND) return json_decref(ctx), http_fail(r, res);
    json_object_set_new(ctx, "org_approved", json_boolean(res == LL_OK && !strcmp(o.status, "approved")));
    return web_page(r, 200, "hiring", ctx);
}

/* A failed interview proposal: which application, which field, what to say, and what was sent. */
typedef struct {
    int64_t app;
    const char *field, *text;
    const web_form_t *sent;
} propose_err_t;

static json_t *applicant_json(req_t *r, const app_t *a, const propose_err_t *pe)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "status", a->status, "state",
                          web_app_state_text(a->status), "date", web_date_cn(r->arena, a->created_at, NULL));
    if (a->has_resume) {
        const resume_t *v = &a->resume;
        const char *city = region_name(r->ctx.regions, (uint32_t)v->city);
        json_t *rv = json_pack("{s:s, s:s, s:s, s:s, s:i}", "name", v->name ? v->name : "", "phone",
                               v->phone ? v->phone : "", "position", v->position, "city", city ? city : "", "years",
                               v->years);
        if (v->email) json_object_set_new(rv, "email", json_string(v->email));
        if (v->salary) json_object_set_new(rv, "salary", json_string(v->salary));
        if (v->education) json_object_set_new(rv, "education", json_string(v->education));
        if (v->experience) json_object_set_new(rv, "experience", json_string(v->experience));
        json_object_set_new(o, "resume", rv);
    }
    bool open = strcmp(a->status, "withdrawn") != 0;
    json_object_set_new(o, "open", json_boolean(open));
    json_object_set_new(o, arena_printf(r->arena, "is_%s", a->status), json_true()); /* the state form's selection */
    json_object_set_new(o, "can_propose", json_boolean(open && strcmp(a->status, "rejected")));
    if (a->has_interview) json_object_set_new(o, "interview", interview_json(r, a));
    if (pe && pe->app == a->id) {
        json_object_set_new(o, "p_error", json_string(pe->text));
        json_object_set_new(o, arena_printf(r->arena, "p_%s_error", pe->field), json_true());
        static const char *const keep[] = {"starts_at", "minutes", "place", "note"};
        for (size_t i = 0; i < 4; i++) {
            const char *s = web_form_get(pe->sent, keep[i]);
            if (s) json_object_set_new(o, arena_printf(r->arena, "p_%s", keep[i]), json_string(s));
        }
    }
    if (!json_object_get(o, "p_minutes")) json_object_set_new(o, "p_minutes", json_string("60"));
    return o;
}

static int render_hiring_listing(req_t *r, unsigned status, int64_t id, const propose_err_t *pe)
{
    listing_t l;
    app_t *v;
    size_t n;
    int res = listing_get(&r->ctx, id, &l);
    if (res == LL_OK && (!l.own || strcmp(l.cat->slug, "jobs"))) res = LL_NOTFOUND;
    if (res == LL_OK) res = app_for_listing(&r->ctx, id, &v, &n); /* audits every resume it opens (C6) */
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, applicant_json(r, &v[i], pe));
    json_t *ctx = json_pack("{s:s, s:I, s:s, s:s, s:o, s:b, s:b}", "title", l.title, "listing_id", (json_int_t)id, "status_text",
                            web_status_text(l.status), "csrf", web_csrf_token(r), "items", items, "has_items", n > 0,
                            "nav_me", true);
    if (status == 200) set_done(r, ctx);
    if (pe) json_object_set_new(ctx, "error", json_string("面试邀请没有发出，请按提示修改。"));
    return web_page(r, status, "hiring_listing", ctx);
}

int web_hiring_listing(req_t *r)
{
    return render_hiring_listing(r, 200, r->params[0], NULL);
}

int web_app_mark(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *back = arena_printf(r->arena, "/me/hiring/%lld", (long long)r->params[0]);
    int res = app_mark(&r->ctx, r->params[1], web_form_get(&f, "status"));
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_INVALID) return web_message(r, 400, "没有更新", "请选择要设置的状态。", back, "返回收到的简历");
    if (res == LL_CONFLICT)
        return web_message(r, 409, "没有更新", "求职者已撤回这份申请，不能再修改状态。", back, "返回收到的简历");
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "%s?done=marked#app-%lld", back, (long long)r->params[1]));
}

/* "2026-05-01T14:30" (a datetime-local input, Beijing time) as unix seconds; -1 when malformed. */
static int64_t parse_local_time(const char *s)
{
    int y, mo, d, h, mi;
    char tail;
    if (!s || strlen(s) != 16 || sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5) return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || y < 2000 || y > 2200) return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    time_t t = timegm(&tm);
    if (tm.tm_mday != d) return -1; /* 2月30日 rolled over */
    return (int64_t)t - BEIJING_OFFSET;
}

static const char *propose_error(const char *field)
{
    if (!strcmp(field, "starts_at")) return "请选择一个将来的面试时间（一年以内）。";
    if (!strcmp(field, "minutes")) return "面试时长须为 10 到 480 分钟。";
    if (!strcmp(field, "place")) return "请填写 2 到 100 个字的面试地点。";
    return "备注最多 500 个字。";
}

int web_app_propose(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    int64_t starts = parse_local_time(web_form_get(&f, "starts_at"));
    const char *m = web_form_get(&f, "minutes"), *place = web_form_get(&f, "place"), *note = web_form_get(&f, "note");
    int minutes = m && *m && strlen(m) <= 3 && strspn(m, "0123456789") == strlen(m) ? atoi(m) : -1;
    propose_err_t pe = {.app = r->params[1], .sent = &f};
    r->ctx.err_field = NULL;
    /* a malformed time (-1) goes to the domain too: it looks the application up first, so someone else's is a 404
     * whatever was typed, and only then refuses the time (starts_at) */
    int res = app_interview_propose(&r->ctx, r->params[1], starts, minutes, place ? place : "",
                                    note && *note ? no_cr(r->arena, note) : NULL);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_INVALID) {
        pe.field = r->ctx.err_field ? r->ctx.err_field : "starts_at";
        pe.text = propose_error(pe.field);
        return render_hiring_listing(r, 422, r->params[0], &pe);
    }
    const char *back = arena_printf(r->arena, "/me/hiring/%lld", (long long)r->params[0]);
    if (res == LL_CONFLICT)
        return web_message(r, 409, "没有发出", "已撤回或已标为不合适的申请不能邀请面试。", back, "返回收到的简历");
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "%s?done=proposed#app-%lld", back, (long long)r->params[1]));
}
