/*
 * org_page.c — 企业认证 (C7): an employer registers its organisation (name
 * and unified social credit code), uploads the business licence photo, and
 * follows the review: pending, approved, or rejected with the reason staff
 * chose from the fixed list (org_reasons), after which it may resubmit.
 *
 * What always holds: the same domain calls as POST /api/v1/organizations and
 * PUT /api/v1/organizations/{id}/licence, so the credit code is checked per
 * GB 32100 and sealed, and the licence is re-encoded without metadata and
 * sealed before it is stored; the licence is never shown back on a page.
 * The upload is a multipart form whose csrf part is checked before anything
 * else is read.
 */
#include "base/result.h"
#include "domain/org.h"
#include "http/multipart.h"
#include "web/form.h"
#include "web/jobs.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <string.h>

static const struct {
    const char *done, *text;
} dones[] = {
    {"submitted", "已提交。请上传营业执照照片，上传后进入审核。"},
    {"licence", "营业执照已上传，等待审核人员审核。"},
};

static const char *org_state_text(const char *s)
{
    if (!strcmp(s, "approved")) return "已通过审核";
    if (!strcmp(s, "rejected")) return "未通过审核";
    return "等待审核";
}

typedef struct {
    const char *field, *text; /* field NULL: for the whole page */
    const web_form_t *sent;
} oerr_t;

static int render_org(req_t *r, unsigned status, const oerr_t *e, const char *licence_error)
{
    org_t o;
    r->ctx.err_code = NULL;
    int res = org_mine(&r->ctx, &o);
    if (res && res != LL_NOTFOUND) return http_fail(r, res);
    json_t *ctx = json_pack("{s:s, s:s, s:b}", "title", "企业认证", "csrf", web_csrf_token(r), "nav_me", true);
    bool has = res == LL_OK;
    if (has) {
        json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)o.id, "name", o.name, "status",
                              o.status, "state", org_state_text(o.status), "has_licence", o.has_licence, "date",
                              web_date_cn(r->arena, o.created_at, NULL));
        if (o.review_note) json_object_set_new(j, "reason", json_string(o.review_note));
        if (o.reviewed_at) json_object_set_new(j, "reviewed", json_string(web_date_cn(r->arena, o.reviewed_at, NULL)));
        json_object_set_new(j, "approved", json_boolean(!strcmp(o.status, "approved")));
        json_object_set_new(j, "rejected", json_boolean(!strcmp(o.status, "rejected")));
        json_object_set_new(ctx, "org", j);
    }
    /* the registration form: for a first submission, and again after a rejection */
    bool form = !has || !strcmp(o.status, "rejected");
    json_object_set_new(ctx, "show_form", json_boolean(form));
    json_object_set_new(ctx, "show_licence", json_boolean(has && !form));
    const char *name = e && e->sent ? web_form_get(e->sent, "name") : has ? o.name : NULL;
    const char *code = e && e->sent ? web_form_get(e->sent, "credit_code") : has ? o.credit_code : NULL;
    if (name) json_object_set_new(ctx, "name_value", json_string(name));
    if (code) json_object_set_new(ctx, "code_value", json_string(code));
    if (e && e->field) json_object_set_new(ctx, arena_printf(r->arena, "%s_error", e->field), json_string(e->text));
    if (e && !e->field) json_object_set_new(ctx, "error", json_string(e->text));
    if (licence_error) json_object_set_new(ctx, "licence_error", json_string(licence_error));
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && status == 200 && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
    return web_page(r, status, "org", ctx);
}

int web_org(req_t *r)
{
    return render_org(r, 200, NULL, NULL);
}

int web_org_submit(req_t *r)
{
    web_form_t f;
    int64_t id;
    if (web_form_read(r, &f)) return 0;
    const char *name = web_form_get(&f, "name"), *code = web_form_get(&f, "credit_code");
    oerr_t e = {.sent = &f};
    if (!name || strlen(name) > 240) name = "";
    if (!code || strlen(code) > 18) code = "";
    r->ctx.err_code = r->ctx.err_field = NULL;
    int res = org_submit(&r->ctx, name, code, &id);
    if (res == LL_INVALID) {
        const char *c = r->ctx.err_code ? r->ctx.err_code : "";
        e.field = r->ctx.err_field && !strcmp(r->ctx.err_field, "credit_code") ? "credit_code" : "name";
        e.text = !strcmp(e.field, "name")            ? "请填写营业执照上登记的单位名称（2 到 60 个字）。"
                 : !strcmp(c, "credit_code_check") ? "统一社会信用代码的校验位不对，请对照营业执照检查是否输错。"
                                                   : "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。";
        return render_org(r, 422, &e, NULL);
    }
    if (res == LL_CONFLICT) return e.text = "您已经提交过企业认证，不能重复提交。", render_org(r, 409, &e, NULL);
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me/org?done=submitted");
}

int web_org_licence(req_t *r)
{
    multipart_t mp;
    org_t o;
    if (web_upload_read(r, &mp, "上传没有生效：页面已过期或内容无法识别。请返回企业认证页面刷新后重新上传。", "/me/org", "返回企业认证"))
        return 0;
    r->ctx.err_code = NULL;
    int res = org_mine(&r->ctx, &o);
    if (res == LL_NOTFOUND) return render_org(r, 409, &(oerr_t){NULL, "请先填写单位名称和统一社会信用代码。", NULL}, NULL);
    if (res) return http_fail(r, res);
    const multipart_part_t *part = multipart_find(&mp, "licence");
    if (!part || !part->len || multipart_count(&mp, "licence") > 1)
        return render_org(r, 400, NULL, "请先选择一张营业执照照片。");
    r->ctx.err_code = NULL;
    res = org_licence_set(&r->ctx, o.id, part->data, part->len);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_INVALID)
        return render_org(r, 422, NULL, web_photo_refusal(r->ctx.err_code, "营业执照照片没有上传成功，请换一张照片再试。"));
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me/org?done=licence");
}
