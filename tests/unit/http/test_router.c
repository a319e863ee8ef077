/*
 * test_router.c — route matching (src/http/router.c): integer {id} segments and the
 * {file} last segment that serves stored photos without letting a path leave their folder.
 */
#include "support.h"

#include "http/http.h"

#include <string.h>

static int handler(req_t *r)
{
    (void)r;
    return 0;
}

static const route_t routes[] = {
    {"GET", "/api/v1/listings/{id}", handler, R_PUBLIC, NULL},
    {"DELETE", "/api/v1/listings/{id}/photos/{id}", handler, R_AUTH, NULL},
    {"GET", "/photos/{file}", handler, R_PUBLIC, NULL},
};
#define NROUTES (sizeof routes / sizeof routes[0])

static const route_t *route(const char *method, const char *path, int64_t params[REQ_MAX_PARAMS],
                            bool *known)
{
    return http_route(routes, NROUTES, method, path, params, known);
}

static void test_integer_params(void **state)
{
    (void)state;
    int64_t p[REQ_MAX_PARAMS] = {0};
    bool known;
    assert_ptr_equal(route("DELETE", "/api/v1/listings/12/photos/34", p, &known), &routes[1]);
    assert_int_equal(p[0], 12);
    assert_int_equal(p[1], 34);
    assert_null(route("DELETE", "/api/v1/listings/12/photos/abc", p, &known));
    assert_false(known);
    assert_null(route("DELETE", "/api/v1/listings/012/photos/3", p, &known));
    assert_null(route("POST", "/api/v1/listings/1", p, &known));
    assert_true(known); /* 405, not 404 */
}

static void test_file_segment_accepts_file_names(void **state)
{
    (void)state;
    int64_t p[REQ_MAX_PARAMS];
    bool known;
    static const char *const good[] = {
        "/photos/0123456789abcdef0123456789abcdef.jpg",
        "/photos/0123456789abcdef0123456789abcdef_t.jpg",
        "/photos/a",
        "/photos/Name-1.v2.jpg",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_ptr_equal(route("GET", good[i], p, &known), &routes[2]);
    assert_ptr_equal(route("HEAD", good[0], p, &known), &routes[2]);
}

static void test_file_segment_refuses_traversal_and_odd_names(void **state)
{
    (void)state;
    int64_t p[REQ_MAX_PARAMS];
    bool known;
    char longname[200];
    memset(longname, 'a', sizeof longname);
    memcpy(longname, "/photos/", 8);
    longname[8 + 129] = '\0'; /* 129 characters */
    static const char *const bad[] = {
        "/photos/",
        "/photos/..",
        "/photos/../linli.db",
        "/photos/../keys.json",
        "/photos/.hidden",
        "/photos/a/b.jpg",
        "/photos/a.jpg/",
        "/photos/%2e%2e%2fkeys.json",
        "/photos/..%2fkeys.json",
        "/photos/a b.jpg",
        "/photos/a\\b.jpg",
        "/photos//a.jpg",
        "/photos/\xe7\x85\xa7.jpg",
        "/photo/a.jpg",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (route("GET", bad[i], p, &known) || known) fail_msg("%s was routed", bad[i]);
    }
    assert_null(route("GET", longname, p, &known));
    longname[8 + 128] = '\0';
    assert_ptr_equal(route("GET", longname, p, &known), &routes[2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integer_params),
        cmocka_unit_test(test_file_segment_accepts_file_names),
        cmocka_unit_test(test_file_segment_refuses_traversal_and_odd_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
