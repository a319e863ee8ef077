/*
 * test_form.c — the urlencoded form parser behind every page's form (src/web/form.c):
 * what browsers send parses; duplicates, NUL bytes, bad escapes, text that is not
 * UTF-8, other Content-Types and too many fields are refused with no field handed back.
 */
#include "support.h"

#include "base/arena.h"
#include "web/form.h"

#include <stdio.h>
#include <string.h>

#define URLENC "application/x-www-form-urlencoded"

static int parse(arena_t *a, const char *ct, const char *body, web_form_t *f)
{
    return web_form_parse_body(a, ct, body, strlen(body), f);
}

static void test_a_browser_form_parses_with_plus_and_escapes(void **state)
{
    (void)state;
    arena_t *a = arena_new(1024);
    web_form_t f;
    assert_int_equal(parse(a, URLENC "; charset=UTF-8",
                           "csrf=x-_1&title=%E6%90%AC%E5%AE%B6+%E5%B0%8F%E8%BD%A6&empty=&f.rooms=2&d=a%0D%0Ab", &f),
                     0);
    assert_int_equal(f.n, 5);
    assert_string_equal(web_form_get(&f, "title"), "搬家 小车");
    assert_string_equal(web_form_get(&f, "empty"), "");
    assert_string_equal(web_form_get(&f, "f.rooms"), "2");
    assert_string_equal(web_form_get(&f, "d"), "a\r\nb");
    assert_null(web_form_get(&f, "missing"));
    assert_int_equal(parse(a, URLENC, "", &f), 0); /* an empty form: every box unticked */
    assert_int_equal(f.n, 0);
    assert_int_equal(parse(a, URLENC, "&&a=1&", &f), 0); /* empty pairs are skipped */
    assert_int_equal(f.n, 1);
    arena_free(a);
}

static void test_malformed_forms_are_refused_whole(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a=1&a=2",      /* a duplicate could smuggle a second value past a check */
        "a=%00",        /* NUL inside a value */
        "a=%4",         /* a cut escape */
        "a=%zz",        /* not hex */
        "a=%C0%80",     /* overlong UTF-8 */
        "a=%ED%A0%80",  /* a surrogate */
        "a=%FF",        /* not UTF-8 */
        "novalue",      /* no '=' */
        "=v",           /* empty name */
    };
    arena_t *a = arena_new(1024);
    web_form_t f;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f.n = 99;
        assert_int_equal(parse(a, URLENC, bad[i], &f), -1);
        assert_int_equal(f.n, 0);
    }
    assert_int_equal(parse(a, "text/plain", "a=1", &f), -1);
    assert_int_equal(parse(a, URLENC "x", "a=1", &f), -1);
    assert_int_equal(parse(a, NULL, "a=1", &f), -1);
    assert_int_equal(web_form_parse_body(a, URLENC, "a=1\0b=2", 7, &f), -1); /* raw NUL in the body */
    arena_free(a);
}

static void test_the_field_limit_fits_the_longest_listing_form(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    web_form_t f;
    char body[1024] = "";
    for (int i = 0; i < WEB_FORM_MAX_FIELDS; i++)
        snprintf(body + strlen(body), sizeof body - strlen(body), "%sf%d=v", i ? "&" : "", i);
    assert_int_equal(parse(a, URLENC, body, &f), 0);
    assert_int_equal(f.n, WEB_FORM_MAX_FIELDS);
    assert_true(WEB_FORM_MAX_FIELDS >= 20); /* housing: 11 declared fields + 9 fixed ones */
    strcat(body, "&one=more");
    assert_int_equal(parse(a, URLENC, body, &f), -1);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_browser_form_parses_with_plus_and_escapes),
        cmocka_unit_test(test_malformed_forms_are_refused_whole),
        cmocka_unit_test(test_the_field_limit_fits_the_longest_listing_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
