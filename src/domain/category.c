/*
 * category.c — the categories and their field declarations (see category.h).
 */
#include "domain/category.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/validate.h"
#include <string.h>

#define PUB -1
#define TEXT(n, l, req, lo, hi, filt) {n, l, CF_TEXT, req, lo, hi, NULL, NULL, filt, CF_SHOW_PUBLIC, PUB, CF_FMT_NONE}
#define INT(n, l, req, lo, hi, unit, filt) {n, l, CF_INT, req, lo, hi, NULL, unit, filt, CF_SHOW_PUBLIC, PUB, CF_FMT_NONE}
#define ENUM(n, l, req, opts, filt) {n, l, CF_ENUM, req, 0, 0, opts, NULL, filt, CF_SHOW_PUBLIC, PUB, CF_FMT_NONE}
#define PRIV(n, l, req, lo, hi, show, pi, fmt) {n, l, CF_TEXT, req, lo, hi, NULL, NULL, false, show, pi, fmt}

static const char *const experience[] = {"不限", "1年以下", "1-3年", "3-5年", "5-10年", "10年以上", NULL};
static const char *const education[] = {"不限", "初中及以下", "高中/中专", "大专", "本科", "硕士及以上", NULL};
static const char *const orientation[] = {"东", "南", "西", "北", "南北通透", "东西", NULL};
static const char *const decoration[] = {"毛坯", "简装", "精装", "豪装", NULL};
static const char *const transmission[] = {"手动", "自动", NULL};
static const char *const condition[] = {"全新", "九成新", "八成新", "七成新及以下", NULL};
static const char *const gender[] = {"男", "女", NULL};

static const cat_field_t job_fields[] = {
    TEXT("position", "职位名称", true, 2, 30, true),
    TEXT("company", "公司名称", false, 2, 50, false),
    INT("salary_min", "最低月薪", false, 0, 1000000, "元/月", true),
    INT("salary_max", "最高月薪", false, 0, 1000000, "元/月", false),
    ENUM("experience", "经验要求", false, experience, true),
    ENUM("education", "学历要求", false, education, true),
    INT("headcount", "招聘人数", false, 1, 1000, "人", false),
    PRIV("contact_email", "联系邮箱", false, 5, 100, CF_SHOW_CONTACT, PI_LISTING_EMAIL, CF_FMT_EMAIL),
};
static const cat_sub_t job_subs[] = {{"fulltime", "全职"}, {"parttime", "兼职"}, {"intern", "实习"}};

static const cat_field_t service_fields[] = {
    TEXT("service_area", "服务范围", true, 2, 50, false),
    TEXT("business_hours", "营业时间", false, 2, 30, false),
    PRIV("address", "详细地址", true, 4, 100, CF_SHOW_MASKED, PI_LISTING_ADDRESS, CF_FMT_NONE),
};
static const cat_sub_t service_subs[] = {{"moving", "搬家"},    {"cleaning", "保洁"}, {"repair", "维修"},
                                         {"locksmith", "开锁"}, {"nanny", "保姆月嫂"}, {"appliance", "家电维修"},
                                         {"other", "其他服务"}};

static const cat_field_t housing_fields[] = {
    INT("rooms", "室", true, 0, 20, "室", true),
    INT("halls", "厅", false, 0, 10, "厅", false),
    INT("area_m2", "面积", true, 1, 10000, "㎡", true),
    INT("floor", "楼层", false, -5, 200, "层", false),
    INT("total_floors", "总楼层", false, 1, 200, "层", false),
    ENUM("orientation", "朝向", false, orientation, false),
    ENUM("decoration", "装修", false, decoration, true),
    PRIV("address", "详细地址", true, 4, 100, CF_SHOW_MASKED, PI_LISTING_ADDRESS, CF_FMT_NONE),
    PRIV("owner_name", "权利人姓名", false, 2, 30, CF_SHOW_STAFF, PI_LISTING_OWNER_NAME, CF_FMT_NONE),
    PRIV("owner_id_number", "权利人身份证号", false, 18, 18, CF_SHOW_STAFF, PI_LISTING_OWNER_ID, CF_FMT_ID_NUMBER),
    PRIV("ownership_doc", "房产证编号", false, 4, 40, CF_SHOW_STAFF, PI_LISTING_OWNERSHIP_DOC, CF_FMT_NONE),
};
static const cat_sub_t housing_subs[] = {{"rent", "出租"}, {"shared", "合租"}, {"sale", "出售"}};

static const cat_field_t car_fields[] = {
    TEXT("brand", "品牌", true, 1, 20, true),
    TEXT("model", "车型", false, 1, 30, false),
    INT("year", "上牌年份", true, 1990, 2030, "年", true),
    INT("mileage_km", "行驶里程", true, 0, 2000000, "公里", false),
    ENUM("transmission", "变速箱", false, transmission, true),
    TEXT("viewing_place", "看车地点", true, 2, 50, false),
    PRIV("plate", "车牌号", false, 6, 12, CF_SHOW_MASKED, PI_LISTING_PLATE, CF_FMT_PLATE),
};
static const cat_sub_t car_subs[] = {
    {"sedan", "轿车"}, {"suv", "SUV"}, {"mpv", "MPV"}, {"truck", "货车"}, {"other", "其他"}};

static const cat_field_t goods_fields[] = {
    ENUM("condition", "新旧程度", true, condition, true),
    TEXT("brand", "品牌", false, 1, 20, false),
    TEXT("trade_place", "交易地点", false, 2, 50, false),
};
static const cat_sub_t goods_subs[] = {{"digital", "手机数码"}, {"appliance", "家用电器"}, {"furniture", "家具家居"},
                                       {"baby", "母婴用品"},    {"books", "图书音像"},   {"clothes", "服饰鞋包"},
                                       {"other", "其他物品"}};

static const cat_field_t dating_fields[] = {
    ENUM("gender", "性别", true, gender, true),
    INT("age", "年龄", true, 18, 100, "岁", true),
    INT("height_cm", "身高", false, 100, 250, "厘米", false),
    TEXT("looking_for", "希望认识", false, 2, 100, false),
};
static const cat_sub_t dating_subs[] = {{"friends", "交朋友"}, {"marriage", "婚恋"}};

#define CAT(slug, name, price, subs, fields, adults)                                                              \
    {slug, name, price, subs, ARRAY_LEN(subs), fields, ARRAY_LEN(fields), adults}

const category_t cat_all[] = {
    CAT("jobs", "招聘", "月薪", job_subs, job_fields, false),
    CAT("services", "生活服务", "价格", service_subs, service_fields, false),
    CAT("housing", "房产", "价格", housing_subs, housing_fields, false),
    CAT("cars", "二手车", "价格", car_subs, car_fields, false),
    CAT("goods", "二手物品", "价格", goods_subs, goods_fields, false),
    CAT("dating", "交友", NULL, dating_subs, dating_fields, true),
};
const size_t cat_count = ARRAY_LEN(cat_all);

const category_t *cat_find(const char *slug)
{
    for (size_t i = 0; slug && i < cat_count; i++)
        if (!strcmp(cat_all[i].slug, slug)) return &cat_all[i];
    return NULL;
}

const cat_sub_t *cat_sub_find(const category_t *cat, const char *slug)
{
    for (size_t i = 0; slug && i < cat->nsubs; i++)
        if (!strcmp(cat->subs[i].slug, slug)) return &cat->subs[i];
    return NULL;
}

const cat_field_t *cat_field_find(const category_t *cat, const char *name)
{
    for (size_t i = 0; name && i < cat->nfields; i++)
        if (!strcmp(cat->fields[i].name, name)) return &cat->fields[i];
    return NULL;
}

static bool option_ok(const cat_field_t *f, const char *v)
{
    for (const char *const *o = f->options; *o; o++)
        if (!strcmp(*o, v)) return true;
    return false;
}

static bool format_ok(const cat_field_t *f, const char *v)
{
    switch (f->format) {
    case CF_FMT_EMAIL: return valid_email(v);
    case CF_FMT_ID_NUMBER: return valid_id_number(v);
    case CF_FMT_PLATE: return valid_plate(v);
    case CF_FMT_NONE: return true;
    }
    return false;
}

/* Checks one value; LL_OK or LL_INVALID. */
static int check_value(const cat_field_t *f, json_t *v)
{
    if (f->type == CF_INT) {
        if (!json_is_integer(v)) return LL_INVALID;
        json_int_t n = json_integer_value(v);
        return n >= f->min && n <= f->max ? LL_OK : LL_INVALID;
    }
    if (!json_is_string(v)) return LL_INVALID;
    const char *s = json_string_value(v);
    if (has_control(s)) return LL_INVALID;
    if (f->type == CF_ENUM) return option_ok(f, s) ? LL_OK : LL_INVALID;
    size_t n = utf8_chars(s);
    return n >= (size_t)f->min && n <= (size_t)f->max && format_ok(f, s) ? LL_OK : LL_INVALID;
}

int cat_validate(ctx_t *c, const category_t *cat, json_t *fields, cat_values_t *v)
{
    memset(v, 0, sizeof(*v));
    if (fields && !json_is_object(fields)) return ctx_fail(c, LL_INVALID, "invalid_type", "fields");
    v->attrs = json_object();
    const char *key;
    json_t *val;
    json_object_foreach(fields, key, val)
    {
        const cat_field_t *f = cat_field_find(cat, key);
        size_t cut = strnlen(key, 40);
        while (key[cut] && cut > 0 && ((unsigned char)key[cut] & 0xC0) == 0x80) cut--; /* whole characters only */
        const char *name = arena_printf(c->arena, "fields.%.*s", (int)cut, key);
        if (!f) goto unknown;
        if (json_is_null(val)) continue;
        if (check_value(f, val)) goto invalid;
        if (f->pi >= 0) v->priv[f->pi] = json_string_value(val);
        else json_object_set(v->attrs, key, val);
        continue;
    unknown:
        json_decref(v->attrs);
        v->attrs = NULL;
        return ctx_fail(c, LL_INVALID, "unknown_field", name);
    invalid:
        json_decref(v->attrs);
        v->attrs = NULL;
        return ctx_fail(c, LL_INVALID, "invalid_field", name);
    }
    for (size_t i = 0; i < cat->nfields; i++) {
        const cat_field_t *f = &cat->fields[i];
        bool present = f->pi >= 0 ? v->priv[f->pi] != NULL : json_object_get(v->attrs, f->name) != NULL;
        if (f->required && !present) {
            json_decref(v->attrs);
            v->attrs = NULL;
            return ctx_fail(c, LL_INVALID, "missing_field", arena_printf(c->arena, "fields.%s", f->name));
        }
    }
    return LL_OK;
}

static const char *show_name(cat_show_t s)
{
    switch (s) {
    case CF_SHOW_PUBLIC: return "public";
    case CF_SHOW_MASKED: return "masked";
    case CF_SHOW_CONTACT: return "contact";
    case CF_SHOW_STAFF: return "staff";
    }
    return "public";
}

static json_t *field_json(const cat_field_t *f)
{
    static const char *const types[] = {"text", "int", "enum"};
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "name", f->name, "label", f->label, "type",
                          types[f->type], "required", f->required, "filter", f->filter, "show", show_name(f->show));
    if (f->type != CF_ENUM) {
        json_object_set_new(o, f->type == CF_INT ? "min" : "min_length", json_integer(f->min));
        json_object_set_new(o, f->type == CF_INT ? "max" : "max_length", json_integer(f->max));
    }
    if (f->unit) json_object_set_new(o, "unit", json_string(f->unit));
    if (f->options) {
        json_t *opts = json_array();
        for (const char *const *p = f->options; *p; p++) json_array_append_new(opts, json_string(*p));
        json_object_set_new(o, "options", opts);
    }
    if (f->pi >= 0) json_object_set_new(o, "personal_data", json_string(pi_fields[f->pi].label));
    return o;
}

json_t *cat_json(void)
{
    json_t *all = json_array();
    for (size_t i = 0; i < cat_count; i++) {
        const category_t *cat = &cat_all[i];
        json_t *subs = json_array(), *fields = json_array();
        for (size_t j = 0; j < cat->nsubs; j++)
            json_array_append_new(subs, json_pack("{s:s, s:s}", "slug", cat->subs[j].slug, "name", cat->subs[j].name));
        for (size_t j = 0; j < cat->nfields; j++) json_array_append_new(fields, field_json(&cat->fields[j]));
        json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:b}", "slug", cat->slug, "name", cat->name, "subcategories", subs,
                              "fields", fields, "adults_only", cat->adults_only);
        if (cat->price_label) json_object_set_new(o, "price_label", json_string(cat->price_label));
        json_array_append_new(all, o);
    }
    return all;
}
