/*
 * test_pages.c — the web layer's pure parts: the site cache (src/web/site.c) and the
 * privacy policy's lists built from the declarations (src/web/policy_page.c, E7, F2).
 * Run from the repository root (it loads the real templates/ and static/).
 */
#include "support.h"

#include "base/arena.h"
#include "base/conf.h"
#include "base/mem.h"
#include "privacy/pi.h"
#include "web/policy_page.h"
#include "web/site.h"
#include "web/web.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A site folder with templates/ and static/ holding the given files (NULL-terminated name, text
 * pairs). */
static char *make_site(const char *const *files)
{
    char *dir = support_tmpdir(), path[1024];
    snprintf(path, sizeof path, "%s/templates", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/static", dir);
    mkdir(path, 0700);
    for (size_t i = 0; files[i]; i += 2)
        write_file(dir, files[i], files[i + 1]);
    return dir;
}

/* Loads the site in dir; NULL with the error in err. */
static web_site_t *load(const char *dir, char *err, size_t errlen)
{
    char t[1024], s[1024];
    snprintf(t, sizeof t, "%s/templates", dir);
    snprintf(s, sizeof s, "%s/static", dir);
    return web_site_load(t, s, err, errlen);
}

static void test_the_shipped_site_loads_and_has_every_page(void **state)
{
    (void)state;
    char err[512] = "";
    web_site_t *s = web_site_load("templates", "static", err, sizeof err);
    if (!s) fail_msg("%s", err);
    assert_int_equal(web_check_site(s, "templates", err, sizeof err), 0);
    const web_asset_t *css = web_site_asset(s, "site.css");
    assert_non_null(css);
    assert_string_equal(css->type, "text/css; charset=utf-8");
    assert_int_equal(strlen(web_site_version(s)), 8);
    assert_null(web_site_view(s, "layout"));       /* a prefix of layout_head is not a template */
    assert_null(web_site_view(s, "layout_head_")); /* nor is a longer name */
    web_site_free(s);
}

static void test_partials_resolve_by_name_and_values_are_escaped(void **state)
{
    (void)state;
    const char *files[] = {"templates/page.html",
                           "{{> head}}<p>{{x}}</p>{{{raw}}}",
                           "templates/head.html",
                           "<h1>{{title}}</h1>",
                           "static/a.css",
                           "p{}",
                           NULL};
    char *dir = make_site(files), err[512] = "";
    web_site_t *s = load(dir, err, sizeof err);
    if (!s) fail_msg("%s", err);
    json_t *ctx = json_pack("{s:s, s:s, s:s}", "title", "A&B", "x", "<script>alert(1)</script>",
                            "raw", "<b>");
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    assert_int_equal(web_site_render(s, "page", ctx, &out), 0);
    assert_string_equal(out.data,
                        "<h1>A&amp;B</h1><p>&lt;script&gt;alert(1)&lt;/script&gt;</p><b>");
    assert_int_equal(web_site_render(s, "nope", ctx, &out), -1);
    json_decref(ctx);
    tmpl_buf_free(&out);
    web_site_free(s);
    support_rmtree(dir);
    free(dir);
}

static void expect_load_error(const char *const *files, const char *want)
{
    char *dir = make_site(files), err[512] = "";
    web_site_t *s = load(dir, err, sizeof err);
    if (s) fail_msg("loaded, expected '%s'", want);
    if (!strstr(err, want)) fail_msg("error '%s' lacks '%s'", err, want);
    support_rmtree(dir);
    free(dir);
}

static void test_a_broken_site_does_not_load(void **state)
{
    (void)state;
    const char *unclosed[] = {"templates/a.html", "x\n{{#s}}", "static/a.css", "", NULL};
    expect_load_error(unclosed, "a.html: line 2: section 's' is never closed");
    const char *partial[] = {"templates/a.html", "{{>  missing }}", "static/a.css", "", NULL};
    expect_load_error(partial, "a.html: partial 'missing' is not a template");
    const char *name[] = {"templates/Bad-Name.html", "x", "static/a.css", "", NULL};
    expect_load_error(name, "Bad-Name.html: a template's name");
    const char *delims[] = {"templates/a.html", "{{=<% %>=}}", "static/a.css", "", NULL};
    expect_load_error(delims, "a.html: page templates keep the {{ }} delimiters");
    const char *none[] = {"templates/readme.txt", "x", "static/a.css", "", NULL};
    expect_load_error(none, "no .html templates");
    const char *type[] = {"templates/a.html", "x", "static/a.exe", "", NULL};
    expect_load_error(type, "a.exe: unknown file type");
    char err[256];
    assert_null(web_site_load("/nonexistent/templates", "static", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/templates: cannot open the folder"));
}

static void test_the_asset_version_follows_the_files(void **state)
{
    (void)state;
    const char *v1[] = {"templates/a.html", "x", "static/a.css", "p{color:red}", NULL};
    const char *v2[] = {"templates/a.html", "x", "static/a.css", "p{color:blue}", NULL};
    char *d1 = make_site(v1), *d2 = make_site(v2), err[256];
    web_site_t *s1 = load(d1, err, sizeof err), *s1b = load(d1, err, sizeof err),
               *s2 = load(d2, err, sizeof err);
    assert_non_null(s1);
    assert_non_null(s2);
    assert_string_equal(web_site_version(s1), web_site_version(s1b));
    assert_string_not_equal(web_site_version(s1), web_site_version(s2));
    web_site_free(s1);
    web_site_free(s1b);
    web_site_free(s2);
    support_rmtree(d1);
    support_rmtree(d2);
    free(d1);
    free(d2);
}

static void test_E7_inventory_has_every_declared_field_once(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    json_t *items = web_pi_inventory(a);
    assert_int_equal(json_array_size(items), PI__COUNT);
    for (int i = 0; i < PI__COUNT; i++) {
        json_t *f = json_array_get(items, (size_t)i);
        const pi_field_t *d = &pi_fields[i];
        assert_string_equal(json_string_value(json_object_get(f, "id")), d->ad);
        assert_string_equal(json_string_value(json_object_get(f, "label")), d->label);
        assert_string_equal(json_string_value(json_object_get(f, "anchor")), web_pi_anchor(a, i));
        /* one purpose per bit, P_EXPORT included */
        assert_int_equal(json_array_size(json_object_get(f, "purposes")),
                         __builtin_popcount(d->purposes));
        bool sealed = d->flags & (F_ENCRYPT | F_BLIND | F_HASHED);
        assert_int_equal(json_is_true(json_object_get(f, "encrypted")), sealed);
        assert_int_equal(json_is_string(json_object_get(f, "protection")), sealed);
        assert_int_equal(json_is_true(json_object_get(f, "sensitive")),
                         (d->flags & F_SENSITIVE) != 0);
        for (int j = 0; j < i; j++)
            if (!strcmp(web_pi_anchor(a, i), web_pi_anchor(a, j)))
                fail_msg("anchor %s twice", web_pi_anchor(a, i));
    }
    json_decref(items);
    arena_free(a);
}

static void test_E7_categories_hold_every_field_in_category_order(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    json_t *cats = web_pi_by_category(a);
    size_t total = 0;
    int last = -1;
    for (size_t i = 0; i < json_array_size(cats); i++) {
        json_t *c = json_array_get(cats, i);
        size_t n = json_array_size(json_object_get(c, "fields"));
        assert_true(n > 0);
        total += n;
        int k = 0;
        while (k < CAT__COUNT &&
               strcmp(pi_cat_label((pi_cat_t)k), json_string_value(json_object_get(c, "label"))))
            k++;
        assert_true(k > last);
        last = k;
    }
    assert_int_equal(total, PI__COUNT);
    json_decref(cats);
    arena_free(a);
}

static void test_E7_sharing_is_empty_unless_an_outside_service_is_configured(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    conf_t conf;
    conf_defaults(&conf);
    json_t *s = web_pi_sharing(a, &conf);
    assert_int_equal(json_array_size(json_object_get(s, "recipients")), 0);
    assert_int_equal(json_array_size(json_object_get(s, "sdks")), 0);
    assert_string_equal(json_string_value(json_object_get(s, "statement")),
                        "目前我们不向任何第三方共享您的个人信息。");
    json_decref(s);

    strcpy(conf.sms_gateway, "http");
    strcpy(conf.sms_http_url, "https://key:pw@sms.example.cn:443/send?x=1");
    s = web_pi_sharing(a, &conf);
    json_t *r = json_array_get(json_object_get(s, "recipients"), 0);
    assert_non_null(r);
    assert_string_equal(json_string_value(json_object_get(r, "name")),
                        "短信服务商（sms.example.cn）");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(r, "fields"), 0), "id")),
        "users.phone");
    json_decref(s);
    arena_free(a);
}

/* The page says browsing records and IP addresses are kept at most a month: the declarations must
 * agree. */
static void test_F2_page_claim_browsing_records_and_ips_at_most_a_month(void **state)
{
    (void)state;
    for (int i = 0; i < PI__COUNT; i++) {
        const pi_field_t *d = &pi_fields[i];
        bool browsing = d->cat == CAT_WEB_RECORD && !(d->flags & F_KEPT_BY_LAW);
        bool ip = strstr(d->label, "IP") && !(d->flags & F_BLIND);
        if (!browsing && !ip) continue;
        if (d->retention != RET_DAYS || d->days > 30)
            fail_msg("%s is kept longer than the month the policy promises", d->ad);
    }
}

static void test_dates_are_in_china_standard_time(void **state)
{
    (void)state;
    arena_t *a = arena_new(1024);
    const char *iso;
    assert_string_equal(web_date_cn(a, 1793491200, &iso), "2026年11月1日");
    assert_string_equal(iso, "2026-11-01");
    assert_string_equal(web_date_cn(a, 1793491200 - 8 * 3600, NULL),
                        "2026年11月1日"); /* 16:00 UTC the day before */
    assert_string_equal(web_date_cn(a, 1793491200 - 8 * 3600 - 1, NULL), "2026年10月31日");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_shipped_site_loads_and_has_every_page),
        cmocka_unit_test(test_partials_resolve_by_name_and_values_are_escaped),
        cmocka_unit_test(test_a_broken_site_does_not_load),
        cmocka_unit_test(test_the_asset_version_follows_the_files),
        cmocka_unit_test(test_E7_inventory_has_every_declared_field_once),
        cmocka_unit_test(test_E7_categories_hold_every_field_in_category_order),
        cmocka_unit_test(test_E7_sharing_is_empty_unless_an_outside_service_is_configured),
        cmocka_unit_test(test_F2_page_claim_browsing_records_and_ips_at_most_a_month),
        cmocka_unit_test(test_dates_are_in_china_standard_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
