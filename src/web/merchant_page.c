/*
 * merchant_page.c — the merchant's side of 到家服务 (JX) and its review by
 * staff: applying with business name, city and licence number, the review
 * state and a rejection's reason, offering a service (category, price per
 * unit, the districts served, a weekly time slot), and the moderators' queue
 * of applications with approve / reject-with-a-listed-reason (C7-style
 * review, F5).
 *
 * What always holds: the rules are the domain's (merchant_apply, svc_create,
 * merchant_review); this file turns form text into typed input and the
 * domain's failing field into a message next to it. A rejection's reason is
 * one of merchant_reasons, never free text. The licence number is shown to
 * staff only after a POST asking for it, through merchant_license, which
 * audits the read (F5); it is never written back into any form.
 */
#include "base/result.h"
#include "domain/merchant.h"
#include "domain/region.h"
#include "domain/service.h"
#include "http/server.h"
#include "web/form.h"
#include "web/hs_pages.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRICE_MAX_FEN 100000000LL /* the domain's limit: 100万元 */
#define MINE_MAX      2000

static const char *merchant_state_text(const char *status)
{
    if (!strcmp(status, "pending")) return "审核中";
    if (!strcmp(status, "approved")) return "已通过";
    if (!strcmp(status, "rejected")) return "未通过";
    return status;
}

/* ---- GET /merchant ---- */

/*
 * The merchant's active services. The domain has no "my services" call yet, so this asks svc_find for the
 * merchant's city (where the service form puts every service) and keeps the merchant's own.
 */
static json_t *my_services(req_t *r, const merchant_t *m)
{
    svc_query_t q = {.city = m->city, .limit = MINE_MAX};
    svc_t *v;
    size_t n;
    bool personal;
    json_t *items = json_array();
    if (svc_find(&r->ctx, &q, &v, &n, &personal)) return items;
    for (size_t i = 0; i < n; i++) {
        if (v[i].merchant_id != m->id) continue;
        const svc_category_t *cat = svc_category(v[i].category);
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)v[i].id, "title",
                                               v[i].title, "category", cat ? cat->label : v[i].category, "price",
                                               web_hs_yuan(r->arena, v[i].price_fen), "unit", v[i].unit, "rating",
                                               web_hs_rating(r->arena, v[i].rating_sum, v[i].rating_count)));
    }
    return items;
}

int web_merchant(req_t *r)
{
    merchant_t m;
    json_t *ctx = json_pack("{s:s}", "title", "商家中心");
    int res = merchant_mine(&r->ctx, &m);
    if (res && res != LL_NOTFOUND) {
        json_decref(ctx);
        return http_fail(r, res);
    }
    if (res == LL_OK) {
        json_object_set_new(ctx, "m", json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", m.name, "status", m.status,
                                                "status_text", merchant_state_text(m.status), "city",
                                                web_hs_place(r, m.city, 0), "date",
                                                web_date_cn(r->arena, m.updated_at, NULL)));
        json_object_set_new(ctx, m.status, json_true()); /* pending / approved / rejected */
        if (m.note) json_object_set_new(ctx, "note", json_string(m.note));
        if (!strcmp(m.status, "approved")) {
            json_t *items = my_services(r, &m);
            json_object_set_new(ctx, "has_services", json_boolean(json_array_size(items) > 0));
            json_object_set_new(ctx, "services", items);
        }
    }
    web_hs_set_done(r, ctx, (const web_hs_done_t[]){{"applied", "申请已提交，审核通过后即可发布服务。"}, {NULL, NULL}});
    return web_page(r, 200, "merchant", ctx);
}

/* ---- applying ---- */

typedef struct {
    const char *field, *text;
} field_error_t;

static int render_apply(req_t *r, unsigned status, const web_form_t *sent, const field_error_t *err)
{
    merchant_t m;
    bool again = merchant_mine(&r->ctx, &m) == LL_OK; /* after a rejection */
    const char *name = sent ? web_form_get(sent, "name") : again ? m.name : NULL;
    uint32_t city = sent ? web_city_code(r, web_form_get(sent, "city")) : again ? (uint32_t)m.city : web_city_pref(r);
    json_t *ctx = json_pack("{s:s, s:s, s:s, s:o, s:s}", "title", "申请成为商家", "csrf", web_csrf_token(r), "name",
                            name ? name : "", "cities", web_city_options(r, city), "license_no",
                            sent && web_form_get(sent, "license_no") ? web_form_get(sent, "license_no") : "");
    if (city) json_object_set_new(ctx, "city", json_integer(city));
    if (again && m.note) json_object_set_new(ctx, "note", json_string(m.note));
    if (err) json_object_set_new(ctx, arena_printf(r->arena, "%s_error", err->field), json_string(err->text));
    if (err) json_object_set_new(ctx, "error", json_string("有内容需要修改，请查看下方标红的项目。"));
    return web_page(r, status, "merchant_apply", ctx);
}

int web_merchant_apply(req_t *r)
{
    merchant_t m;
    if (merchant_mine(&r->ctx, &m) == LL_OK && strcmp(m.status, "rejected")) return web_redirect(r, "/merchant");
    return render_apply(r, 200, NULL, NULL);
}

int web_merchant_apply_submit(req_t *r)
{
    web_form_t f;
    int64_t id;
    if (web_form_read(r, &f)) return 0;
    const char *name = web_form_get(&f, "name"), *license = web_form_get(&f, "license_no");
    uint32_t city = web_city_code(r, web_form_get(&f, "city"));
    if (!city) return render_apply(r, 422, &f, &(field_error_t){"city", "请选择商家所在的城市。"});
    r->ctx.err_code = r->ctx.err_field = NULL;
    int res = merchant_apply(&r->ctx, name ? name : "", city, license ? license : "", &id);
    if (res == LL_CONFLICT) return web_redirect(r, "/merchant");
    if (res == LL_INVALID) {
        const char *field = r->ctx.err_field ? r->ctx.err_field : "name";
        field_error_t e = {field, !strcmp(field, "license_no") ? "请输入 18 位统一社会信用代码（数字和大写字母，不含 I、O、S、V、Z）。"
                                  : !strcmp(field, "city")     ? "请选择商家所在的城市。"
                                                               : "商家名称须为 2 到 40 个字。"};
        return render_apply(r, 422, &f, &e);
    }
    if (res) return http_fail(r, res);
    return web_redirect(r, "/merchant?done=applied");
}

/* ---- offering a service ---- */

/* The domain's units (service.c checks them again). */
static const char *const units[] = {"次", "小时", "平方米", "天", "月", "件", "套"};

/* The weekly days a slot can cover, as the form offers them. */
static const struct {
    const char *value, *label;
    int days[7];
    int n;
} day_sets[] = {
    {"all", "每天", {1, 2, 3, 4, 5, 6, 7}, 7},
    {"weekdays", "周一至周五", {1, 2, 3, 4, 5}, 5},
    {"mon_sat", "周一至周六", {1, 2, 3, 4, 5, 6}, 6},
    {"weekend", "周六、周日", {6, 7}, 2},
};

static json_t *options_of(const char *const *v, size_t n, const char *chosen)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", v[i], "label", v[i], "selected",
                                           chosen && !strcmp(chosen, v[i])));
    return a;
}

static json_t *hour_options(req_t *r, int from, int to, const char *chosen, const char *dflt)
{
    json_t *a = json_array();
    for (int h = from; h <= to; h++) {
        const char *v = arena_printf(r->arena, "%02d:00", h);
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", v, "label", v, "selected",
                                           !strcmp(v, chosen ? chosen : dflt)));
    }
    return a;
}

static int render_service_form(req_t *r, unsigned status, const merchant_t *m, const web_form_t *f,
                               const field_error_t *err)
{
    const char *get[] = {"category", "title", "description", "price", "unit", "days", "from", "to"};
    const char *v[8];
    for (size_t i = 0; i < 8; i++) v[i] = f ? web_form_get(f, get[i]) : NULL;
    json_t *cats = json_array(), *days = json_array(), *districts = json_array();
    for (size_t i = 0; i < svc_category_count; i++)
        json_array_append_new(cats, json_pack("{s:s, s:s, s:b}", "value", svc_categories[i].slug, "label",
                                              svc_categories[i].label, "selected",
                                              v[0] && !strcmp(v[0], svc_categories[i].slug)));
    for (size_t i = 0; i < sizeof day_sets / sizeof day_sets[0]; i++)
        json_array_append_new(days, json_pack("{s:s, s:s, s:b}", "value", day_sets[i].value, "label", day_sets[i].label,
                                              "selected", v[5] && !strcmp(v[5], day_sets[i].value)));
    const uint32_t *codes;
    size_t n = region_districts(r->ctx.regions, (uint32_t)m->city, &codes);
    for (size_t i = 0; i < n; i++) {
        const char *name = arena_printf(r->arena, "d.%u", codes[i]);
        json_array_append_new(districts, json_pack("{s:s, s:I, s:s, s:b}", "name", name, "code", (json_int_t)codes[i], "label",
                                                   region_name(r->ctx.regions, codes[i]), "checked",
                                                   f && web_form_get(f, name)));
    }
    json_t *ctx = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "title", "发布服务", "csrf",
                            web_csrf_token(r), "city", web_hs_place(r, m->city, 0), "categories", cats, "svc_title",
                            v[1] ? v[1] : "", "description", v[2] ? v[2] : "", "price", v[3] ? v[3] : "", "units",
                            options_of(units, sizeof units / sizeof units[0], v[4]), "days", days, "districts",
                            districts, "from", hour_options(r, 0, 23, v[6], "08:00"), "to",
                            hour_options(r, 1, 24, v[7], "20:00"));
    if (err) json_object_set_new(ctx, arena_printf(r->arena, "%s_error", err->field), json_string(err->text));
    if (err) json_object_set_new(ctx, "error", json_string("有内容需要修改，请查看下方标红的项目。"));
    return web_page(r, status, "service_form", ctx);
}

/* The caller's approved merchant, else a redirect to /merchant (which says why). */
static int approved(req_t *r, merchant_t *m)
{
    int res = merchant_mine(&r->ctx, m);
    if (res == LL_NOTFOUND || (res == LL_OK && strcmp(m->status, "approved"))) return web_redirect(r, "/merchant"), -1;
    if (res) return http_fail(r, res), -1;
    return 0;
}

int web_service_new(req_t *r)
{
    merchant_t m;
    if (approved(r, &m)) return 0;
    return render_service_form(r, 200, &m, NULL, NULL);
}

/* "120", "99.5" yuan → fen; -1 when malformed. */
static int64_t yuan_to_fen(const char *s)
{
    int64_t yuan = 0, cents = 0;
    int digits = 0, decimals = -1;
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '.' && decimals < 0 && digits) decimals = 0;
        else if (*p >= '0' && *p <= '9' && decimals < 2 && digits < 10) {
            if (decimals < 0) yuan = yuan * 10 + (*p - '0'), digits++;
            else cents = cents * 10 + (*p - '0'), decimals++;
        } else return -1;
    }
    if (!digits || decimals == 0) return -1;
    if (decimals == 1) cents *= 10;
    return yuan * 100 + cents;
}

static const char *domain_field_text(const char *field)
{
    static const struct {
        const char *field, *text;
    } t[] = {
        {"category", "请选择服务类型。"},
        {"title", "服务名称须为 2 到 50 个字。"},
        {"description", "服务说明最多 1000 个字。"},
        {"price", "价格须在 0.01 到 100 万元之间。"},
        {"unit", "请从列表中选择计价单位。"},
        {"slots", "请选择服务日和时间段，结束时间须晚于开始时间。"},
        {"area.districts", "请至少选择一个服务区县。"},
        {"area", "请至少选择一个服务区县。"},
        {"city", "商家所在城市无效，请联系客服。"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (field && !strcmp(field, t[i].field)) return t[i].text;
    return "提交的内容有误，请检查后再试。";
}

/* The form as service input: the checked districts and one weekly slot. */
static json_t *parse_slots(const web_form_t *f)
{
    const char *days = web_form_get(f, "days"), *from = web_form_get(f, "from"), *to = web_form_get(f, "to");
    for (size_t i = 0; days && i < sizeof day_sets / sizeof day_sets[0]; i++) {
        if (strcmp(days, day_sets[i].value)) continue;
        json_t *d = json_array();
        for (int k = 0; k < day_sets[i].n; k++) json_array_append_new(d, json_integer(day_sets[i].days[k]));
        return json_pack("[{s:o, s:s, s:s}]", "days", d, "from", from ? from : "", "to", to ? to : "");
    }
    return json_array(); /* no days chosen: the domain refuses "slots" */
}

int web_service_create(req_t *r)
{
    web_form_t f;
    merchant_t m;
    int64_t id;
    if (web_form_read(r, &f) || approved(r, &m)) return 0;
    int64_t price = yuan_to_fen(web_form_get(&f, "price"));
    if (price < 0 || price > PRICE_MAX_FEN)
        return render_service_form(r, 422, &m, &f, &(field_error_t){"price", "请填写价格（元），最多两位小数，例如 120 或 99.50。"});
    json_t *list = json_array();
    for (size_t i = 0; i < f.n; i++)
        if (!strncmp(f.name[i], "d.", 2)) json_array_append_new(list, json_integer(atoll(f.name[i] + 2)));
    json_t *area = json_pack("{s:o}", "districts", list), *slots = parse_slots(&f);
    arena_on_free(r->arena, (arena_cleanup_fn)json_decref, area);
    arena_on_free(r->arena, (arena_cleanup_fn)json_decref, slots);
    const char *desc = web_form_get(&f, "description");
    char *clean = desc ? arena_strdup(r->arena, desc) : NULL, *o = clean; /* a <textarea> sends CRLF */
    for (const char *p = desc; p && *p; p++)
        if (*p != '\r') *o++ = *p;
    if (o) *o = '\0';
    svc_in_t in = {.category = web_form_get(&f, "category"), .title = web_form_get(&f, "title"), .description = clean,
                   .unit = web_form_get(&f, "unit"), .price_fen = price, .city = m.city, .area = area, .slots = slots};
    r->ctx.err_code = r->ctx.err_field = NULL;
    int res = svc_create(&r->ctx, &in, &id);
    if (res == LL_INVALID) {
        const char *field = r->ctx.err_field ? r->ctx.err_field : "";
        const char *at = !strncmp(field, "area", 4) ? "districts" : field;
        return render_service_form(r, 422, &m, &f, &(field_error_t){*at ? at : "title", domain_field_text(field)});
    }
    if (res == LL_DENIED) return web_redirect(r, "/merchant");
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/services/%lld?done=created", (long long)id));
}

/* ---- the staff's review queue (F5) ---- */

static const struct {
    const char *status, *label;
} queues[] = {{"pending", "待审核"}, {"approved", "已通过"}, {"rejected", "已拒绝"}};

static const char *queue_of(const char *s)
{
    for (size_t i = 0; s && i < sizeof queues / sizeof queues[0]; i++)
        if (!strcmp(queues[i].status, s)) return queues[i].status;
    return "pending";
}

static int render_staff(req_t *r, unsigned status, const char *queue, json_t *license, const char *error)
{
    merchant_t *v;
    size_t n;
    int res = merchant_queue(&r->ctx, queue, &v, &n);
    if (res) {
        json_decref(license);
        return http_fail(r, res);
    }
    json_t *items = json_array(), *tabs = json_array(), *reasons = json_array();
    for (const reason_t *p = merchant_reasons; p->code; p++)
        json_array_append_new(reasons, json_pack("{s:s, s:s}", "code", p->code, "text", p->text));
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)v[i].id, "name", v[i].name, "city",
                              web_hs_place(r, v[i].city, 0), "date", web_date_cn(r->arena, v[i].updated_at, NULL),
                              "queue", queue, "pending", !strcmp(v[i].status, "pending"));
        if (v[i].note) json_object_set_new(o, "note", json_string(v[i].note));
        json_object_set_new(o, "reasons", json_deep_copy(reasons));
        json_array_append_new(items, o);
    }
    json_decref(reasons);
    for (size_t i = 0; i < sizeof queues / sizeof queues[0]; i++)
        json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}", "status", queues[i].status, "label", queues[i].label,
                                              "current", !strcmp(queues[i].status, queue)));
    json_t *ctx = json_pack("{s:s, s:s, s:o, s:o, s:b}", "title", "商家审核", "csrf", web_csrf_token(r), "items", items,
                            "tabs", tabs, "has_items", n > 0);
    if (license) json_object_set_new(ctx, "license", license);
    if (status == 200)
        web_hs_set_done(r, ctx, (const web_hs_done_t[]){{"approve", "已通过，商家现在可以发布服务。"},
                                                        {"reject", "已拒绝，商家会看到所选的拒绝原因。"},
                                                        {NULL, NULL}});
    if (error) json_object_set_new(ctx, "error", json_string(error));
    return web_page(r, status, "staff_merchants", ctx);
}

int web_staff_merchants(req_t *r)
{
    return render_staff(r, 200, queue_of(http_query(r, "status")), NULL, NULL);
}

int web_staff_merchant_review(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    const char *decision = web_form_get(&f, "decision"), *reason = web_form_get(&f, "reason"),
               *queue = queue_of(web_form_get(&f, "queue"));
    bool approve = decision && !strcmp(decision, "approve");
    if (!approve && (!decision || strcmp(decision, "reject"))) return render_staff(r, 400, queue, NULL, "请选择通过或拒绝。");
    int res = merchant_review(&r->ctx, r->params[0], approve, approve ? NULL : reason && *reason ? reason : NULL);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_INVALID) return render_staff(r, 422, queue, NULL, "拒绝时请从列表中选择一个拒绝原因。");
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/staff/merchants?status=%s&done=%s", queue, approve ? "approve" : "reject"));
}

/* POST: reading the licence number is an audited act (F5), so it is never a link a crawler could follow. */
int web_staff_merchant_license(req_t *r)
{
    web_form_t f;
    merchant_t m;
    const char *license;
    if (web_form_read(r, &f)) return 0;
    int res = merchant_load(&r->ctx, r->params[0], &m);
    if (res == LL_OK) res = merchant_license(&r->ctx, m.id, &license);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    json_t *shown = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)m.id, "name", m.name, "value", license);
    return render_staff(r, 200, queue_of(web_form_get(&f, "queue")), shown, NULL);
}
