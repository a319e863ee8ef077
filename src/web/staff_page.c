/*
 * staff_page.c — the staff console for moderators (B4, B13, F5): the
 * review queue with approve / reject, listings hidden by reports, the
 * verification data of one listing, and the blocked words and web sites.
 *
 * What always holds: the routes require the moderator role (routes.c), so a
 * handler never runs for anyone else; the private verification fields are
 * read only through listing_private, which writes a pi.staff_read entry to
 * the audit log before anything is shown (the owner sees it under "who read
 * my data"), and only after the moderator asked for them with a POST.
 */
#include "base/result.h"
#include "domain/listing.h"
#include "web/form.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <string.h>

static const struct {
    const char *status, *label;
} queues[] = {
    {"pending", "待审核"},
    {"hidden", "被举报隐藏"},
    {"rejected", "已拒绝"},
};

static const char *queue_of(const char *s)
{
    for (size_t i = 0; s && i < sizeof queues / sizeof queues[0]; i++)
        if (!strcmp(queues[i].status, s)) return queues[i].status;
    return "pending";
}

static const struct {
    const char *done, *text;
} dones[] = {
    {"approve", "已通过，信息已公开显示。"}, {"reject", "已拒绝，信息不会公开显示。"},
    {"block_add", "已加入屏蔽列表。"},       {"block_remove", "已从屏蔽列表移除。"},
};

/* The console for one queue; verify: the listing whose verification data was just read (or NULL). */
static int render_staff(req_t *r, unsigned status, const char *queue, json_t *verify, const char *error)
{
    listing_t *v;
    size_t n;
    int res = listing_queue(&r->ctx, queue, &v, &n);
    if (res) {
        json_decref(verify);
        return http_fail(r, res);
    }
    json_t *items = json_array(), *tabs = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)v[i].id, "title", v[i].title,
                              "description", v[i].description ? v[i].description : "", "category", v[i].cat->name,
                              "place", web_place(r, &v[i]), "price", web_price_text(r->arena, &v[i]), "date",
                              web_date_cn(r->arena, v[i].created_at, NULL));
        if (v[i].moderation_note) json_object_set_new(o, "note", json_string(v[i].moderation_note));
        bool has_staff_fields = false;
        for (size_t k = 0; k < v[i].cat->nfields; k++) has_staff_fields |= v[i].cat->fields[k].show == CF_SHOW_STAFF;
        json_object_set_new(o, "verifiable", json_boolean(has_staff_fields));
        json_object_set_new(o, "queue", json_string(queue));
        json_array_append_new(items, o);
    }
    for (size_t i = 0; i < sizeof queues / sizeof queues[0]; i++)
        json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}", "status", queues[i].status, "label", queues[i].label,
                                              "current", !strcmp(queues[i].status, queue)));
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:o, s:b, s:o}", "title", "审核工作台", "csrf", web_csrf_token(r),
                            "items", items, "tabs", tabs, "has_items", n > 0, "blocklist", listing_block_list(&r->ctx));
    json_object_set_new(ctx, "queue", json_string(queue));
    json_object_set_new(ctx, "nav_staff", json_true()); /* the console's section links (staff_nav.html) */
    if (verify) json_object_set_new(ctx, "verify", verify);
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && status == 200 && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
    if (error) json_object_set_new(ctx, "error", json_string(error));
    return web_page(r, status, "staff", ctx);
}

int web_staff(req_t *r)
{
    return render_staff(r, 200, queue_of(http_query(r, "status")), NULL, NULL);
}

int web_staff_decide(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *decision = web_form_get(&f, "decision"), *note = web_form_get(&f, "note"),
               *queue = queue_of(web_form_get(&f, "queue"));
    bool approve = decision && !strcmp(decision, "approve");
    if (!approve && (!decision || strcmp(decision, "reject")))
        return render_staff(r, 400, queue, NULL, "请选择通过或拒绝。");
    if (note && strlen(note) > 600) return render_staff(r, 400, queue, NULL, "审核意见最多 200 个字。");
    int res = listing_moderate(&r->ctx, r->params[0], approve, note && *note ? note : NULL);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_CONFLICT) return render_staff(r, 409, queue, NULL, "已过期的信息不能审核。");
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/staff?status=%s&done=%s", queue, approve ? "approve" : "reject"));
}

/* POST: reading verification data is an audited act (F5), so it is never a link a crawler could follow. */
int web_staff_verify(req_t *r)
{
    web_form_t f;
    const char *values[PI__COUNT] = {0};
    const category_t *cat;
    if (web_form_read(r, &f)) return 0;
    int res = listing_private(&r->ctx, r->params[0], values, &cat);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    json_t *fields = json_array();
    for (size_t i = 0; i < cat->nfields; i++)
        if (cat->fields[i].show == CF_SHOW_STAFF)
            json_array_append_new(fields, json_pack("{s:s, s:s}", "label", cat->fields[i].label, "value",
                                                    values[cat->fields[i].pi] ? values[cat->fields[i].pi] : "（未填写）"));
    json_t *verify = json_pack("{s:I, s:o}", "id", (json_int_t)r->params[0], "fields", fields);
    return render_staff(r, 200, queue_of(web_form_get(&f, "queue")), verify, NULL);
}

int web_staff_block_add(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *kind = web_form_get(&f, "kind"), *pattern = web_form_get(&f, "pattern");
    r->ctx.err_field = NULL;
    int res = kind && pattern ? listing_block_add(&r->ctx, kind, pattern) : LL_INVALID;
    if (res == LL_INVALID)
        return render_staff(r, 422, "pending", NULL,
                            kind && r->ctx.err_field && !strcmp(r->ctx.err_field, "kind")
                                ? "请选择屏蔽词或网址。"
                                : "请填写 1 到 100 个字的屏蔽内容（网址只填域名，例如 example.com）。");
    if (res) return http_fail(r, res);
    return web_redirect(r, "/staff?done=block_add#blocklist");
}

int web_staff_block_remove(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    int res = listing_block_remove(&r->ctx, r->params[0]);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return web_redirect(r, "/staff?done=block_remove#blocklist");
}
