/*
 * console_page.c — the staff console's additions (C7, B13, F5, H3, H4):
 * the organisation review queue, the listing reports with their reasons,
 * and publishing a new version of the privacy policy.
 *
 * What always holds: the routes carry the role the API's twin requires
 * (moderator for organisations and reports, admin for the policy), so a
 * handler never runs for anyone else. An organisation's credit code and
 * licence are read only after the moderator asked with a POST, through
 * org_review_read / org_licence_read, which write pi.staff_read entries
 * before anything is shown; the licence goes into that one response as a
 * data: image and is never given an address. A decision goes through
 * org_decide (audited organization.reviewed); a rejection names a reason of
 * the fixed list, never free text. Reports are shown grouped by listing and
 * reason, without the reporters. Publishing freezes the policy's content
 * with the version (H4), as POST /api/v1/admin/policy does.
 */
#include "base/result.h"
#include "domain/listing.h"
#include "domain/org.h"
#include "domain/policy.h"
#include "domain/validate.h"
#include "web/form.h"
#include "web/jobs.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *status, *label;
} org_tabs[] = {
    {"pending", "待审核"},
    {"approved", "已通过"},
    {"rejected", "未通过"},
};

static const char *org_tab(const char *s)
{
    for (size_t i = 0; s && i < sizeof org_tabs / sizeof org_tabs[0]; i++)
        if (!strcmp(org_tabs[i].status, s)) return org_tabs[i].status;
    return "pending";
}

static const struct {
    const char *done, *text;
} dones[] = {
    {"approve", "已通过，该招聘方现在可以搜索公开简历、发布更多职位。"},
    {"reject", "已拒绝，招聘方会看到您选择的原因。"},
    {"published", "新版本已发布并成为当前版本。"},
};

static void set_done(req_t *r, json_t *ctx)
{
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
}

static json_t *reasons_json(void)
{
    json_t *a = json_array();
    for (const reason_t *why = org_reasons; why->code; why++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "code", why->code, "text", why->text));
    return a;
}

/* The queue of one state; shown: the organisation just read (credit code, licence), or NULL. */
static int render_orgs(req_t *r, unsigned status, const char *tab, json_t *shown, const char *error)
{
    org_t *v;
    size_t n;
    int res = org_queue(&r->ctx, tab, &v, &n);
    if (res) {
        json_decref(shown);
        return http_fail(r, res);
    }
    json_t *items = json_array(), *tabs = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:s, s:b}", "id", (json_int_t)v[i].id, "name", v[i].name, "date",
                              web_date_cn(r->arena, v[i].created_at, NULL), "has_licence", v[i].has_licence, "tab",
                              tab, "pending", !strcmp(v[i].status, "pending"));
        if (v[i].review_note) json_object_set_new(o, "reason", json_string(v[i].review_note));
        json_array_append_new(items, o);
    }
    for (size_t i = 0; i < sizeof org_tabs / sizeof org_tabs[0]; i++)
        json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}", "status", org_tabs[i].status, "label",
                                              org_tabs[i].label, "current", !strcmp(org_tabs[i].status, tab)));
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:o, s:b, s:o, s:b}", "title", "企业认证审核", "csrf", web_csrf_token(r),
                            "items", items, "tabs", tabs, "has_items", n > 0, "reasons", reasons_json(), "nav_orgs",
                            true);
    if (shown) json_object_set_new(ctx, "shown", shown);
    if (status == 200) set_done(r, ctx);
    if (error) json_object_set_new(ctx, "error", json_string(error));
    return web_page(r, status, "staff_orgs", ctx);
}

int web_staff_orgs(req_t *r)
{
    return render_orgs(r, 200, org_tab(http_query(r, "status")), NULL, NULL);
}

/* A JPEG as a data: address for an <img> of this one response (the CSP allows data: images). */
static const char *jpeg_data_url(arena_t *a, const void *jpeg, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *s = arena_alloc(a, n + 32);
    strcpy(s, "data:image/jpeg;base64,");
    sodium_bin2base64(s + strlen(s), n, jpeg, len, sodium_base64_VARIANT_ORIGINAL);
    return s;
}

/* POST: reading the credit code and the licence is an audited act (F5), never a link. */
int web_staff_org_read(req_t *r)
{
    web_form_t f;
    org_t o;
    if (web_form_read(r, &f)) return 0;
    int res = org_review_read(&r->ctx, r->params[0], &o);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    json_t *shown = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)o.id, "name", o.name, "credit_code",
                              o.credit_code ? o.credit_code : "（无法读取）");
    if (o.has_licence) {
        void *jpeg;
        size_t len;
        res = org_licence_read(&r->ctx, o.id, &jpeg, &len);
        if (res) {
            json_decref(shown);
            return http_fail(r, res);
        }
        json_object_set_new(shown, "licence", json_string(jpeg_data_url(r->arena, jpeg, len)));
        sodium_memzero(jpeg, len);
        free(jpeg);
    }
    return render_orgs(r, 200, org_tab(web_form_get(&f, "tab")), shown, NULL);
}

int web_staff_org_decide(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *decision = web_form_get(&f, "decision"), *reason = web_form_get(&f, "reason"),
               *tab = org_tab(web_form_get(&f, "tab"));
    bool approve = decision && !strcmp(decision, "approve");
    if (!approve && (!decision || strcmp(decision, "reject")))
        return render_orgs(r, 400, tab, NULL, "请选择通过或拒绝。");
    r->ctx.err_code = NULL;
    int res = org_decide(&r->ctx, r->params[0], approve, approve ? NULL : reason && *reason ? reason : NULL);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_CONFLICT) return render_orgs(r, 409, tab, NULL, "该单位还没有上传营业执照，不能通过审核。");
    if (res == LL_INVALID) return render_orgs(r, 422, tab, NULL, "拒绝时请从列表中选择一个原因。");
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/staff/orgs?status=%s&done=%s", tab, approve ? "approve" : "reject"));
}

/* ---- reports (B13) ---- */

int web_staff_reports(req_t *r)
{
    listing_report_t *v;
    size_t n;
    int res = listing_reports(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s}", "id", (json_int_t)v[i].listing_id,
                                               "title", v[i].title, "status", v[i].status, "status_text",
                                               web_status_text(v[i].status), "reason", v[i].reason_text, "count",
                                               v[i].count, "date", web_date_cn(r->arena, v[i].last_at, NULL)));
    json_t *ctx = json_pack("{s:s, s:o, s:b, s:b}", "title", "举报记录", "items", items, "has_items", n > 0,
                            "nav_reports", true);
    return web_page(r, 200, "staff_reports", ctx);
}

/* ---- publishing a policy version (H3, H4) ---- */

typedef struct {
    const char *field, *text;
    const web_form_t *sent;
} perr_t;

static int render_policy(req_t *r, unsigned status, const perr_t *e)
{
    policy_t *v;
    size_t n;
    int res = policy_list(&r->ctx, &v, &n);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:i, s:s, s:b, s:s, s:s, s:b}", "id", v[i].id, "version",
                                               v[i].version, "major", v[i].major, "summary", v[i].summary, "date",
                                               web_date_cn(r->arena, v[i].published_at, NULL), "current", i == 0));
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:b}", "title", "发布隐私政策新版本", "csrf", web_csrf_token(r),
                            "items", items, "nav_policy", true);
    if (e && e->sent) {
        const char *ver = web_form_get(e->sent, "version"), *sum = web_form_get(e->sent, "summary"),
                   *kind = web_form_get(e->sent, "kind");
        if (ver) json_object_set_new(ctx, "version_value", json_string(ver));
        if (sum) json_object_set_new(ctx, "summary_value", json_string(sum));
        if (kind && !strcmp(kind, "major")) json_object_set_new(ctx, "major_checked", json_true());
        if (kind && !strcmp(kind, "minor")) json_object_set_new(ctx, "minor_checked", json_true());
    }
    if (e) {
        json_object_set_new(ctx, arena_printf(r->arena, "%s_error", e->field), json_string(e->text));
        json_object_set_new(ctx, "error", json_string("没有发布，请按提示修改。"));
    }
    if (status == 200) set_done(r, ctx);
    return web_page(r, status, "staff_policy", ctx);
}

int web_staff_policy(req_t *r)
{
    return render_policy(r, 200, NULL);
}

static bool text_ok(const char *s, size_t max)
{
    return s && *s && utf8_chars(s) <= max && !has_control(s);
}

int web_staff_policy_publish(req_t *r)
{
    web_form_t f;
    int id;
    if (web_form_read(r, &f)) return 0;
    const char *version = web_form_get(&f, "version"), *kind = web_form_get(&f, "kind"),
               *summary = web_form_get(&f, "summary");
    if (summary) { /* a textarea's line ends become spaces: the summary is one paragraph wherever it is shown */
        char *one = arena_strdup(r->arena, summary), *o = one;
        for (const char *p = summary; *p; p++)
            if (*p != '\r') *o++ = *p == '\n' ? ' ' : *p;
        *o = '\0';
        summary = one;
    }
    if (!text_ok(version, 20))
        return render_policy(r, 422, &(perr_t){"version", "请填写版本号（1 到 20 个字），例如 2.1。", &f});
    if (!kind || (strcmp(kind, "major") && strcmp(kind, "minor")))
        return render_policy(r, 422, &(perr_t){"kind", "请选择这是重大变更还是一般变更。", &f});
    if (!text_ok(summary, 500))
        return render_policy(r, 422, &(perr_t){"summary", "请用 1 到 500 个字说明本次变更了什么（不能换行）。", &f});
    const char *content = web_policy_snapshot(&r->ctx); /* frozen with the version (H4) */
    if (!content) return http_fail(r, LL_ERR);
    r->ctx.err_code = NULL;
    int res = policy_publish(&r->ctx, version, !strcmp(kind, "major"), summary, content, &id);
    if (res == LL_CONFLICT) return render_policy(r, 409, &(perr_t){"version", "这个版本号已经用过，请换一个。", &f});
    if (res) return http_fail(r, res);
    return web_redirect(r, "/staff/policy?done=published");
}
