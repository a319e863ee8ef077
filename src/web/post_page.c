/*
 * post_page.c — posting, changing and managing one's own listings as plain
 * forms (B1–B7, B11, B13): pick a category and city, fill the form the
 * category declares (category.c), see the review state afterwards, add and
 * delete photos, renew or delete.
 *
 * What always holds: the form is generated from the category's field
 * declarations, so a new field appears without a template change; every
 * rule is the domain's (listing_create / listing_update / cat_validate):
 * this file only turns text into typed input and the domain's one failing
 * field (c->err_field) into a message next to that field. Private fields
 * are never written back into a form: on the edit form they are blank and
 * "blank keeps what is stored", so an ID number is never sent to a browser
 * again. Someone else's listing answers the 404 page, as in the API.
 */
#include "base/result.h"
#include "domain/account.h"
#include "domain/listing.h"
#include "domain/photos.h"
#include "domain/region.h"
#include "http/multipart.h"
#include "http/server.h"
#include "web/form.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PRICE_MAX_FEN 100000000000LL /* the domain's limit: 10亿元 */

/* ---- turning form text into typed values ---- */

/* "12", "12.5", "12.50" yuan → fen; false for anything else. */
static bool parse_yuan(const char *s, int64_t *fen)
{
    int64_t yuan = 0, cents = 0;
    int digits = 0, decimals = -1;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && decimals < 0 && digits) {
            decimals = 0;
        } else if (*p >= '0' && *p <= '9' && decimals < 2 && digits < 12) {
            if (decimals < 0) yuan = yuan * 10 + (*p - '0'), digits++;
            else cents = cents * 10 + (*p - '0'), decimals++;
        } else {
            return false;
        }
    }
    if (!digits || decimals == 0) return false;
    if (decimals == 1) cents *= 10;
    *fen = yuan * 100 + cents;
    return *fen <= PRICE_MAX_FEN;
}

/* A whole number, optionally negative; false for anything else. */
static bool parse_int(const char *s, long long *v)
{
    char *end;
    if (!*s || strlen(s) > 15) return false;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return !*end && !errno;
}

/* Trims spaces around a value (a phone pasted with a trailing space is still a phone). */
static const char *trim(arena_t *a, const char *s)
{
    if (!s) return NULL;
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ') n--;
    return arena_strndup(a, s, n);
}

/* CRLF from a <textarea> → LF: the domain refuses other control characters. */
static const char *textarea(arena_t *a, const char *s)
{
    if (!s) return NULL;
    char *out = arena_strdup(a, s), *o = out;
    for (const char *p = s; *p; p++)
        if (*p != '\r') *o++ = *p;
    *o = '\0';
    return out;
}

/* ---- messages, by field ---- */

typedef struct {
    const char *field; /* form name: "title", "f.position", or NULL for the whole form */
    const char *text;
} form_error_t;

static const char *field_message(arena_t *a, const cat_field_t *f, bool missing)
{
    if (missing) return arena_printf(a, f->type == CF_ENUM ? "请选择%s。" : "请填写%s。", f->label);
    switch (f->format) {
    case CF_FMT_EMAIL: return "请输入正确的电子邮箱地址，例如 name@example.com。";
    case CF_FMT_ID_NUMBER: return "请输入18位居民身份证号码。";
    case CF_FMT_PLATE: return "请输入正确的车牌号码，例如 粤A12345。";
    case CF_FMT_NONE: break;
    }
    if (f->type == CF_ENUM) return arena_printf(a, "请从列表中选择%s。", f->label);
    if (f->type == CF_INT)
        return arena_printf(a, "%s请填写 %ld 到 %ld 之间的整数%s%s。", f->label, f->min, f->max,
                            f->unit ? "，单位：" : "", f->unit ? f->unit : "");
    return arena_printf(a, "%s须为 %ld 到 %ld 个字。", f->label, f->min, f->max);
}

/* The domain's failing field and code as a form error. */
static form_error_t domain_error(req_t *r, const category_t *cat, int res)
{
    const char *field = r->ctx.err_field, *code = r->ctx.err_code ? r->ctx.err_code : "";
    bool missing = !strcmp(code, "missing_field");
    if (res == LL_DENIED && !strcmp(code, "adults_only"))
        return (form_error_t){NULL, "未满18周岁不能在该类别发布信息。"};
    if (res == LL_DENIED) return (form_error_t){NULL, "您的账号暂时不能发布信息。"};
    if (res != LL_INVALID || !field) return (form_error_t){NULL, "保存没有成功，请稍后再试。"};
    if (!strncmp(field, "fields.", 7)) {
        const cat_field_t *f = cat_field_find(cat, field + 7);
        if (f)
            return (form_error_t){arena_printf(r->arena, "f.%s", f->name), field_message(r->arena, f, missing)};
    }
    static const struct {
        const char *field, *text;
    } fixed[] = {
        {"title", "标题须为 2 到 50 个字，不能含有特殊控制字符。"},
        {"description", "描述最多 2000 个字。"},
        {"price", "价格须在 0 到 10 亿元之间。"},
        {"district", "请选择该城市下的区县。"},
        {"subcategory", "请从列表中选择类别。"},
        {"contact_phone", "请输入正确的联系电话（手机号码或带区号的固定电话）。"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strcmp(field, fixed[i].field)) return (form_error_t){fixed[i].field, fixed[i].text};
    if (!strcmp(field, "city")) return (form_error_t){NULL, "请重新选择城市。"};
    return (form_error_t){NULL, "提交的内容有误，请检查后再试。"};
}

/* ---- the form: one list of fields, the fixed ones and the category's ---- */

typedef struct {
    const category_t *cat;
    uint32_t city;
    const listing_t *l;         /* editing: the stored listing (public values prefill) */
    const web_form_t *sent;     /* shown again after an error: what was typed */
    const char *phone;          /* creating: the account's phone, to prefill the contact */
    form_error_t *errors;
    size_t nerrors;
} form_view_t;

static const char *error_for(const form_view_t *v, const char *name)
{
    for (size_t i = 0; i < v->nerrors; i++)
        if (v->errors[i].field && !strcmp(v->errors[i].field, name)) return v->errors[i].text;
    return NULL;
}

/* The value to put back in the input: typed, else stored (public only), else empty. */
static const char *value_for(req_t *r, const form_view_t *v, const char *name, const char *stored)
{
    if (v->sent) {
        const char *s = web_form_get(v->sent, name);
        return s ? s : "";
    }
    (void)r;
    return stored ? stored : "";
}

static json_t *field_obj(req_t *r, const form_view_t *v, const char *name, const char *label, const char *kind,
                         bool required, const char *stored)
{
    const char *id = arena_printf(r->arena, "%s", name);
    for (char *p = (char *)id; *p; p++)
        if (*p == '.') *p = '-';
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "name", name, "id", id, "label", label, "required",
                          required, kind, 1, "value", value_for(r, v, name, stored));
    const char *err = error_for(v, name);
    if (err) json_object_set_new(o, "error", json_string(err));
    return o;
}

static void set_hint(json_t *o, const char *hint)
{
    json_object_set_new(o, "hint", json_string(hint));
}

static json_t *options(const char *const *opts, const char *chosen)
{
    json_t *a = json_array();
    for (const char *const *p = opts; *p; p++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", *p, "label", *p, "selected",
                                           chosen && !strcmp(chosen, *p)));
    return a;
}

static const char *private_hint(const cat_field_t *f, bool editing)
{
    const char *keep = editing ? "已保存的内容不再显示；留空则保持不变。" : "";
    switch (f->show) {
    case CF_SHOW_MASKED: return editing ? "对外只显示部分内容。已保存的内容不再显示；留空则保持不变。" : "对外只显示部分内容。";
    case CF_SHOW_CONTACT: return editing ? "只向登录后查看联系方式的用户显示。已保存的内容不再显示；留空则保持不变。"
                                         : "只向登录后查看联系方式的用户显示。";
    case CF_SHOW_STAFF: return editing ? "只供审核人员核验房源真实性，从不公开显示。已保存的内容不再显示；留空则保持不变。"
                                       : "只供审核人员核验房源真实性，从不公开显示。";
    case CF_SHOW_PUBLIC: break;
    }
    return keep;
}

static json_t *category_field(req_t *r, const form_view_t *v, const cat_field_t *f)
{
    const char *name = arena_printf(r->arena, "f.%s", f->name);
    const char *stored = NULL;
    json_t *sv = v->l && f->pi < 0 ? json_object_get(v->l->attrs, f->name) : NULL;
    if (json_is_string(sv)) stored = json_string_value(sv);
    if (json_is_integer(sv)) stored = arena_printf(r->arena, "%lld", (long long)json_integer_value(sv));
    const char *kind = f->type == CF_ENUM ? "is_select" : f->type == CF_INT ? "is_number" : "is_text";
    bool required = f->required && !(v->l && f->pi >= 0); /* editing: a blank private field keeps its value */
    json_t *o = field_obj(r, v, name, f->label, kind, required, stored);
    if (f->type == CF_ENUM) {
        json_t *opts = options(f->options, json_string_value(json_object_get(o, "value")));
        json_object_set_new(o, "options", opts);
    } else if (f->type == CF_INT) {
        json_object_set_new(o, "min", json_integer(f->min));
        json_object_set_new(o, "max", json_integer(f->max));
        if (f->unit) json_object_set_new(o, "unit", json_string(f->unit));
    } else {
        json_object_set_new(o, "maxlength", json_integer(f->max));
        if (f->format == CF_FMT_EMAIL) json_object_set_new(o, "type_email", json_true());
    }
    if (f->pi >= 0) set_hint(o, private_hint(f, v->l != NULL));
    return o;
}

static json_t *subcategory_field(req_t *r, const form_view_t *v)
{
    json_t *o = field_obj(r, v, "subcategory", "类别", "is_select", false, v->l ? v->l->subcategory : NULL);
    const char *chosen = json_string_value(json_object_get(o, "value"));
    json_t *opts = json_array();
    for (size_t i = 0; i < v->cat->nsubs; i++)
        json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", v->cat->subs[i].slug, "label",
                                              v->cat->subs[i].name, "selected",
                                              !strcmp(chosen, v->cat->subs[i].slug)));
    json_object_set_new(o, "options", opts);
    return o;
}

static json_t *district_field(req_t *r, const form_view_t *v)
{
    const char *stored = v->l && v->l->district ? arena_printf(r->arena, "%lld", (long long)v->l->district) : NULL;
    json_t *o = field_obj(r, v, "district", "区县", "is_select", false, stored);
    const char *chosen = json_string_value(json_object_get(o, "value"));
    const uint32_t *codes;
    size_t n = region_districts(r->ctx.regions, v->city, &codes);
    json_t *opts = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *code = arena_printf(r->arena, "%u", codes[i]);
        json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", code, "label",
                                              region_name(r->ctx.regions, codes[i]), "selected",
                                              !strcmp(chosen, code)));
    }
    json_object_set_new(o, "options", opts);
    return o;
}

static json_t *form_fields(req_t *r, const form_view_t *v)
{
    json_t *a = json_array(), *o;
    if (v->cat->nsubs) json_array_append_new(a, subcategory_field(r, v));
    o = field_obj(r, v, "title", "标题", "is_text", true, v->l ? v->l->title : NULL);
    json_object_set_new(o, "maxlength", json_integer(50));
    set_hint(o, "2 到 50 个字，写清楚是什么，例如“天河区 两房一厅 近地铁”。");
    json_array_append_new(a, o);
    for (size_t i = 0; i < v->cat->nfields; i++) json_array_append_new(a, category_field(r, v, &v->cat->fields[i]));
    const char *price = v->l && v->l->has_price
                            ? arena_printf(r->arena, "%lld.%02lld", (long long)(v->l->price_fen / 100),
                                           (long long)(v->l->price_fen % 100))
                            : NULL;
    o = field_obj(r, v, "price", arena_printf(r->arena, "%s（元）", v->cat->price_label ? v->cat->price_label : "价格"),
                  "is_text", false, price);
    json_object_set_new(o, "inputmode", json_string("decimal"));
    json_object_set_new(o, "maxlength", json_integer(16));
    set_hint(o, "单位为元；不填写则显示“面议”。");
    json_array_append_new(a, o);
    json_array_append_new(a, district_field(r, v));
    o = field_obj(r, v, "description", "描述", "is_textarea", false, v->l ? v->l->description : NULL);
    json_object_set_new(o, "maxlength", json_integer(2000));
    set_hint(o, "最多 2000 个字。请不要在描述里写身份证号等个人敏感信息。");
    json_array_append_new(a, o);
    o = field_obj(r, v, "contact_phone", "联系电话", "is_tel", v->l == NULL, v->phone);
    set_hint(o, v->l ? "对外只显示部分数字，登录用户点按后才能看到完整号码。已保存的号码不再显示；留空则保持不变。"
                     : "对外只显示部分数字，登录用户点按后才能看到完整号码。");
    json_array_append_new(a, o);
    return a;
}

static int render_form(req_t *r, unsigned status, const form_view_t *v)
{
    bool editing = v->l != NULL;
    json_t *ctx = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:o}", "title", editing ? "修改信息" : "发布信息",
                            "csrf", web_csrf_token(r), "category", v->cat->slug, "category_name", v->cat->name,
                            "city", (json_int_t)v->city, "city_name", region_name(r->ctx.regions, v->city),
                            "fields", form_fields(r, v));
    json_object_set_new(ctx, "action", json_string(editing ? arena_printf(r->arena, "/me/listings/%lld/edit",
                                                                          (long long)v->l->id)
                                                           : "/post"));
    if (editing) json_object_set_new(ctx, "editing", json_true());
    json_object_set_new(ctx, "nav_post", json_true());
    for (size_t i = 0; i < v->nerrors; i++)
        if (!v->errors[i].field) json_object_set_new(ctx, "error", json_string(v->errors[i].text));
    if (v->nerrors) json_object_set_new(ctx, "has_errors", json_true());
    return web_page(r, status, "post", ctx);
}

/* ---- GET /post ---- */

static int render_pick(req_t *r, uint32_t city, const char *error)
{
    json_t *cats = json_array();
    for (size_t i = 0; i < cat_count; i++)
        json_array_append_new(cats, json_pack("{s:s, s:s, s:b}", "slug", cat_all[i].slug, "name", cat_all[i].name,
                                              "first", i == 0));
    json_t *ctx = json_pack("{s:s, s:o, s:o, s:b}", "title", "发布信息", "categories", cats, "cities",
                            web_city_options(r, city), "nav_post", 1);
    if (city) json_object_set_new(ctx, "city", json_integer(city));
    if (error) json_object_set_new(ctx, "error", json_string(error));
    return web_page(r, error ? 400 : 200, "post_pick", ctx);
}

int web_post(req_t *r)
{
    const category_t *cat = cat_find(http_query(r, "category"));
    uint32_t city = web_city_code(r, http_query(r, "city"));
    const char *asked = http_query(r, "category");
    if (!cat || !city)
        return render_pick(r, city ? city : web_city_pref(r),
                           asked ? (cat ? "请选择信息所在的城市。" : "请选择一个分类。") : NULL);
    acct_profile_t p;
    const char *phone = acct_profile_get(&r->ctx, r->ctx.user_id, &p) == LL_OK ? p.phone : NULL;
    form_view_t v = {.cat = cat, .city = city, .phone = phone};
    return render_form(r, 200, &v);
}

/* ---- reading the posted form ---- */

typedef struct {
    listing_in_t in;
    form_error_t errors[24];
    size_t nerrors;
} parsed_t;

static void add_error(parsed_t *p, const char *field, const char *text)
{
    if (p->nerrors < sizeof p->errors / sizeof p->errors[0]) p->errors[p->nerrors++] = (form_error_t){field, text};
}

/*
 * The form as listing input. Creating, a blank field is not given; editing, a
 * blank public field is removed and a blank private one (or phone) is kept.
 */
static void parse_listing(req_t *r, const web_form_t *f, const category_t *cat, uint32_t city, bool editing,
                          parsed_t *p)
{
    arena_t *a = r->arena;
    memset(p, 0, sizeof *p);
    listing_in_t *in = &p->in;
    in->category = editing ? NULL : cat->slug;
    in->has_city = true;
    in->city = city;
    in->title = trim(a, web_form_get(f, "title"));
    in->description = textarea(a, web_form_get(f, "description"));
    if (!in->description && !editing) in->description = "";
    const char *sub = web_form_get(f, "subcategory"), *price = trim(a, web_form_get(f, "price")),
               *district = web_form_get(f, "district"), *phone = trim(a, web_form_get(f, "contact_phone"));
    in->subcategory = sub && (*sub || editing) ? sub : NULL;
    in->contact_phone = phone && *phone ? phone : NULL;
    if (price && *price) {
        if (parse_yuan(price, &in->price_fen)) in->has_price = true;
        else add_error(p, "price", "请填写金额（元），最多两位小数，例如 1500 或 99.50。");
    } else if (editing) {
        in->clear_price = true;
    }
    long long d = 0;
    if (district && *district && !parse_int(district, &d)) add_error(p, "district", "请选择该城市下的区县。");
    in->has_district = (district && *district) || editing;
    in->district = d;
    in->fields = json_object();
    arena_on_free(a, (arena_cleanup_fn)json_decref, in->fields);
    for (size_t i = 0; i < cat->nfields; i++) {
        const cat_field_t *fd = &cat->fields[i];
        const char *v = trim(a, web_form_get(f, arena_printf(a, "f.%s", fd->name)));
        if (!v || !*v) {
            if (editing && fd->pi < 0) json_object_set_new(in->fields, fd->name, json_null());
            continue;
        }
        long long n;
        if (fd->type == CF_INT && !parse_int(v, &n)) {
            add_error(p, arena_printf(a, "f.%s", fd->name), field_message(a, fd, false));
            continue;
        }
        json_object_set_new(in->fields, fd->name, fd->type == CF_INT ? json_integer(n) : json_string(v));
    }
}

int web_post_submit(req_t *r)
{
    web_form_t f;
    parsed_t p;
    if (web_form_read(r, &f)) return 0;
    const category_t *cat = cat_find(web_form_get(&f, "category"));
    uint32_t city = web_city_code(r, web_form_get(&f, "city"));
    if (!cat || !city) return render_pick(r, city, "请重新选择分类和城市。");
    parse_listing(r, &f, cat, city, false, &p);
    form_view_t v = {.cat = cat, .city = city, .sent = &f, .errors = p.errors};
    if (p.nerrors) return v.nerrors = p.nerrors, render_form(r, 422, &v);
    int64_t id;
    const char *status;
    r->ctx.err_code = r->ctx.err_field = NULL;
    int res = listing_create(&r->ctx, &p.in, &id, &status);
    if (res == LL_ERR) return http_fail(r, res);
    if (res) {
        p.errors[0] = domain_error(r, cat, res);
        v.nerrors = 1;
        return render_form(r, res == LL_DENIED ? 403 : 422, &v);
    }
    return web_redirect(r, arena_printf(r->arena, "/me/listings/%lld?done=posted", (long long)id));
}

/* ---- one's own listing ---- */

/* The caller's own listing, or the 404 page (someone else's is "not found", never "forbidden"). */
static int load_mine(req_t *r, int64_t id, listing_t *l)
{
    int res = listing_get(&r->ctx, id, l);
    if (res == LL_NOTFOUND || (res == LL_OK && !l->own)) return web_not_found(r), -1;
    if (res) return http_fail(r, res), -1;
    return 0;
}

static const struct {
    const char *done, *text;
} dones[] = {
    {"posted", "信息已提交。"},       {"saved", "修改已保存。"},   {"photo", "照片已上传。"},
    {"photo_deleted", "照片已删除。"}, {"renewed", "信息已续期 30 天。"},
};

static int render_mine(req_t *r, unsigned status, const listing_t *l, const char *photo_error, const char *error)
{
    const char *iso, *expires = web_date_cn(r->arena, l->expires_at, &iso);
    json_t *photos = json_array();
    photos_ref_t *refs;
    size_t nphotos = 0;
    if (photos_list(&r->ctx, l->id, &refs, &nphotos)) nphotos = 0;
    for (size_t i = 0; i < nphotos; i++)
        json_array_append_new(photos, json_pack("{s:s, s:I, s:i}", "thumb", web_thumb_url(r->arena, refs[i].name),
                                                "photo_id", (json_int_t)refs[i].id, "n", (int)i + 1));
    json_t *ctx = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "title", l->title, "id",
                            (json_int_t)l->id, "status", l->status, "status_text", web_status_text(l->status),
                            "status_explain", web_status_explain(l->status), "price", web_price_text(r->arena, l),
                            "place", web_place(r, l), "category", l->cat->name, "expires", expires, "csrf",
                            web_csrf_token(r), "photos", photos);
    json_object_set_new(ctx, "expires_iso", json_string(iso));
    json_object_set_new(ctx, "has_photos", json_boolean(nphotos > 0));
    json_object_set_new(ctx, "can_add_photo", json_boolean(nphotos < PHOTOS_PER_LISTING));
    json_object_set_new(ctx, "photos_left", json_integer(PHOTOS_PER_LISTING - (int)nphotos));
    json_object_set_new(ctx, "public", json_boolean(!strcmp(l->status, "published")));
    json_object_set_new(ctx, "can_renew",
                        json_boolean(!strcmp(l->status, "published") || !strcmp(l->status, "expired")));
    if (l->moderation_note && !strcmp(l->status, "rejected"))
        json_object_set_new(ctx, "note", json_string(l->moderation_note));
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && status == 200 && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
    if (photo_error) json_object_set_new(ctx, "photo_error", json_string(photo_error));
    if (error) json_object_set_new(ctx, "error", json_string(error));
    return web_page(r, status, "my_listing", ctx);
}

int web_my_listing(req_t *r)
{
    listing_t l;
    if (load_mine(r, r->params[0], &l)) return 0;
    return render_mine(r, 200, &l, NULL, NULL);
}

int web_edit(req_t *r)
{
    listing_t l;
    if (load_mine(r, r->params[0], &l)) return 0;
    form_view_t v = {.cat = l.cat, .city = (uint32_t)l.city, .l = &l};
    return render_form(r, 200, &v);
}

int web_edit_submit(req_t *r)
{
    web_form_t f;
    listing_t l;
    parsed_t p;
    if (web_form_read(r, &f) || load_mine(r, r->params[0], &l)) return 0;
    uint32_t city = web_city_code(r, web_form_get(&f, "city"));
    if (!city) city = (uint32_t)l.city;
    parse_listing(r, &f, l.cat, city, true, &p);
    form_view_t v = {.cat = l.cat, .city = city, .l = &l, .sent = &f, .errors = p.errors};
    if (p.nerrors) return v.nerrors = p.nerrors, render_form(r, 422, &v);
    const char *status;
    r->ctx.err_code = r->ctx.err_field = NULL;
    int res = listing_update(&r->ctx, l.id, &p.in, &status);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_ERR) return http_fail(r, res);
    if (res) {
        p.errors[0] = domain_error(r, l.cat, res);
        v.nerrors = 1;
        return render_form(r, res == LL_DENIED ? 403 : 422, &v);
    }
    return web_redirect(r, arena_printf(r->arena, "/me/listings/%lld?done=saved", (long long)l.id));
}

/* ---- photos (B11) ---- */

/* POST /me/listings/{id}/photos: multipart with a csrf part and one photo part. */
int web_photo_upload(req_t *r)
{
    multipart_t mp;
    listing_t l;
    photos_added_t added;
    if (web_upload_read(r, &mp, "上传没有生效：页面已过期或内容无法识别。请返回信息管理页刷新后重新上传。", "/me", "前往我的页面"))
        return 0;
    if (load_mine(r, r->params[0], &l)) return 0;
    const multipart_part_t *part = multipart_find(&mp, "photo");
    if (!part || !part->len || multipart_count(&mp, "photo") > 1)
        return render_mine(r, 400, &l, "请先选择一张照片。", NULL);
    r->ctx.err_code = NULL;
    int res = photos_add(&r->ctx, l.id, part->data, part->len, &added);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res == LL_CONFLICT) return render_mine(r, 409, &l, "每条信息最多 9 张照片。", NULL);
    if (res == LL_INVALID)
        return render_mine(r, 422, &l, web_photo_refusal(r->ctx.err_code, "照片没有上传成功，请换一张照片再试。"), NULL);
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/me/listings/%lld?done=photo", (long long)l.id));
}

int web_photo_delete(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    int res = photos_delete(&r->ctx, r->params[0], r->params[1]);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/me/listings/%lld?done=photo_deleted", (long long)r->params[0]));
}

int web_my_renew(req_t *r)
{
    web_form_t f;
    listing_t l;
    if (web_form_read(r, &f) || load_mine(r, r->params[0], &l)) return 0;
    int res = listing_renew(&r->ctx, l.id);
    if (res == LL_CONFLICT) return render_mine(r, 409, &l, NULL, "只有已发布或已过期的信息可以续期。");
    if (res) return http_fail(r, res);
    return web_redirect(r, arena_printf(r->arena, "/me/listings/%lld?done=renewed", (long long)l.id));
}

int web_my_delete(req_t *r)
{
    web_form_t f;
    listing_t l;
    if (web_form_read(r, &f) || load_mine(r, r->params[0], &l)) return 0;
    if (!web_form_get(&f, "confirm")) return render_mine(r, 400, &l, NULL, "请先勾选“确认删除”。");
    int res = listing_delete(&r->ctx, l.id);
    if (res == LL_NOTFOUND) return web_not_found(r);
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me?done=deleted#listings");
}
