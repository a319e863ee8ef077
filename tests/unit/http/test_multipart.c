/*
 * test_multipart.c — the strict multipart/form-data parser (src/http/multipart.c).
 *
 * Every body is copied into a heap block of exactly its length before parsing, so under
 * AddressSanitizer (make asan-test) a read one byte past the end fails the test.
 */
#include "support.h"

#include "http/multipart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CT "multipart/form-data; boundary=XyZ"

/* Parses len bytes of text from an exact-size heap copy. */
static int parse_n(const char *ct, const char *text, size_t len, multipart_t *m)
{
    unsigned char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    int rc = multipart_parse(ct, len ? copy : NULL, len, m);
    /* the parts point into the copy: keep what the caller checks by moving it to the original */
    for (size_t i = 0; rc == MULTIPART_OK && i < m->n; i++) {
        assert_true(m->parts[i].data >= copy && m->parts[i].data + m->parts[i].len <= copy + len);
        m->parts[i].data = (const unsigned char *)text + (m->parts[i].data - copy);
    }
    free(copy);
    return rc;
}

static int parse(const char *ct, const char *text, multipart_t *m)
{
    return parse_n(ct, text, strlen(text), m);
}

static const char simple[] =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
    "Content-Type: image/jpeg\r\n"
    "\r\n"
    "JPEGDATA\r\n"
    "--XyZ--\r\n";

/* ---- the boundary ---- */

static void test_boundary_forms(void **state)
{
    (void)state;
    char b[MULTIPART_MAX_BOUNDARY + 1];
    assert_int_equal(multipart_boundary("multipart/form-data; boundary=abc", b), MULTIPART_OK);
    assert_string_equal(b, "abc");
    assert_int_equal(multipart_boundary("Multipart/Form-Data;BOUNDARY=\"a b:c\"", b), MULTIPART_OK);
    assert_string_equal(b, "a b:c");
    assert_int_equal(
        multipart_boundary(
            "multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundary7MA4YWxk ", b),
        MULTIPART_OK);
    assert_string_equal(b, "----WebKitFormBoundary7MA4YWxk");
    assert_int_equal(multipart_boundary(" multipart/form-data ;boundary=x; foo=\"bar\"", b),
                     MULTIPART_OK);
    assert_string_equal(b, "x");
}

static void test_boundary_length_limit(void **state)
{
    (void)state;
    char b[MULTIPART_MAX_BOUNDARY + 1], ct[200];
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%070d", 7);
    assert_int_equal(multipart_boundary(ct, b), MULTIPART_OK);
    assert_int_equal(strlen(b), 70);
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%071d", 7);
    assert_int_equal(multipart_boundary(ct, b), MULTIPART_ERR_MALFORMED);
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=\"%071d\"", 7);
    assert_int_equal(multipart_boundary(ct, b), MULTIPART_ERR_MALFORMED);
}

static void test_boundary_wrong_type(void **state)
{
    (void)state;
    char b[MULTIPART_MAX_BOUNDARY + 1];
    assert_int_equal(multipart_boundary(NULL, b), MULTIPART_ERR_TYPE);
    assert_int_equal(multipart_boundary("", b), MULTIPART_ERR_TYPE);
    assert_int_equal(multipart_boundary("application/json", b), MULTIPART_ERR_TYPE);
    assert_int_equal(multipart_boundary("multipart/mixed; boundary=x", b), MULTIPART_ERR_TYPE);
    assert_int_equal(multipart_boundary("multipart/form-data-x; boundary=x", b),
                     MULTIPART_ERR_TYPE);
    assert_int_equal(multipart_boundary("image/jpeg", b), MULTIPART_ERR_TYPE);
}

static void test_boundary_bad(void **state)
{
    (void)state;
    char b[MULTIPART_MAX_BOUNDARY + 1];
    static const char *const bad[] = {
        "multipart/form-data",                         /* none */
        "multipart/form-data;",                        /* no parameter after ; */
        "multipart/form-data; boundary=",              /* empty */
        "multipart/form-data; boundary=\"\"",          /* empty, quoted */
        "multipart/form-data; boundary=\"abc \"",      /* ends with a space */
        "multipart/form-data; boundary=\"a@b\"",       /* not a bchar */
        "multipart/form-data; boundary=a; boundary=b", /* twice */
        "multipart/form-data; boundary=abc junk",      /* trailing garbage */
        "multipart/form-data; boundary=\"abc",         /* unterminated quote */
        "multipart/form-data; boundary = abc",         /* spaces around = */
        "multipart/form-data boundary=abc",            /* no ; */
        "multipart/form-data; boundary=\"a\x01\"",     /* control character */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = multipart_boundary(bad[i], b);
        if (rc != MULTIPART_ERR_MALFORMED) fail_msg("'%s' gave %d", bad[i], rc);
    }
}

/* ---- bodies that parse ---- */

static void test_simple_file_part(void **state)
{
    (void)state;
    multipart_t m;
    assert_int_equal(parse(CT, simple, &m), MULTIPART_OK);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.parts[0].name, "photo");
    assert_true(m.parts[0].is_file);
    assert_int_equal(m.parts[0].len, 8);
    assert_memory_equal(m.parts[0].data, "JPEGDATA", 8);
}

static void test_binary_data_with_near_delimiters(void **state)
{
    (void)state;
    /* data holding CR, LF, NUL, "--", and the delimiter cut short or with a different boundary */
    static const char data[] = "\r\n--XY\r\n--Xy\r\n\0--XyZ\r\n-\xff\xd8\xff";
    size_t dlen = sizeof data - 1;
    /* "\r\n--XyZ" must not be in the data: the pieces above stop short of it (checked) */
    assert_false(support_contains((const unsigned char *)data, dlen, "\r\n--XyZ", 7));
    char body[512];
    size_t n = 0;
    n += (size_t)sprintf(body + n,
                         "--XyZ\r\nContent-Disposition: form-data; name=title\r\n\r\nhello\r\n");
    n += (size_t)sprintf(
        body + n,
        "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"x\"\r\n\r\n");
    memcpy(body + n, data, dlen);
    n += dlen;
    n += (size_t)sprintf(body + n, "\r\n--XyZ--");
    multipart_t m;
    assert_int_equal(parse_n(CT, body, n, &m), MULTIPART_OK);
    assert_int_equal(m.n, 2);
    assert_string_equal(m.parts[0].name, "title");
    assert_false(m.parts[0].is_file);
    assert_int_equal(m.parts[0].len, 5);
    assert_memory_equal(m.parts[0].data, "hello", 5);
    assert_int_equal(m.parts[1].len, dlen);
    assert_memory_equal(m.parts[1].data, data, dlen);
}

static void test_empty_part_and_padding(void **state)
{
    (void)state;
    multipart_t m;
    /* transport padding after a delimiter, an empty value, no CRLF after the close delimiter */
    assert_int_equal(
        parse(CT, "--XyZ \t\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--XyZ--", &m),
        MULTIPART_OK);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.parts[0].len, 0);
}

static void test_names_unescaped_and_other_parameters_ignored(void **state)
{
    (void)state;
    multipart_t m;
    char body[2048];
    char longname[901];
    memset(longname, 'n', 900);
    longname[900] = '\0';
    snprintf(body, sizeof body,
             "--XyZ\r\ncontent-disposition: FORM-DATA; filename*=UTF-8''%%E5%%BC%%A0.jpg; "
             "name=\"a\\\"b\"; "
             "filename=\"%s\"\r\nX-Other: whatever\r\n\r\nv\r\n--XyZ--\r\n",
             longname);
    assert_int_equal(parse(CT, body, &m), MULTIPART_OK);
    assert_string_equal(m.parts[0].name, "a\"b");
    assert_true(m.parts[0].is_file);
}

static void test_find_and_count(void **state)
{
    (void)state;
    multipart_t m;
    const char *body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
                       "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
                       "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n3\r\n--XyZ--\r\n";
    assert_int_equal(parse(CT, body, &m), MULTIPART_OK);
    assert_int_equal(m.n, 3);
    assert_memory_equal(multipart_find(&m, "a")->data, "1", 1);
    assert_memory_equal(multipart_find(&m, "b")->data, "2", 1);
    assert_null(multipart_find(&m, "photo"));
    assert_int_equal(multipart_count(&m, "a"), 2);
    assert_int_equal(multipart_count(&m, "b"), 1);
    assert_int_equal(multipart_count(&m, "c"), 0);
}

/* ---- bodies that do not ---- */

static void expect(const char *body, int want)
{
    multipart_t m;
    int rc = parse(CT, body, &m);
    if (rc != want) fail_msg("expected %d, got %d for:\n%s", want, rc, body);
    assert_int_equal(m.n, 0); /* nothing half-parsed is handed back */
}

#define CD "Content-Disposition: form-data; name=\"photo\"\r\n"

static void test_missing_final_boundary(void **state)
{
    (void)state;
    expect("--XyZ\r\n" CD "\r\nJPEGDATA", MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\n" CD "\r\nJPEGDATA\r\n", MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\n" CD "\r\nJPEGDATA\r\n--XyZ", MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\n" CD "\r\nJPEGDATA\r\n--XyZ\r\n", MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\n" CD "\r\nJPEGDATA\r\n--XyZ-", MULTIPART_ERR_MALFORMED);
}

static void test_every_truncation_is_refused(void **state)
{
    (void)state;
    size_t n = strlen(simple);
    for (size_t cut = 0; cut < n; cut++) {
        multipart_t m;
        int rc = parse_n(CT, simple, cut, &m);
        if (cut == n - 2) { /* only the final CRLF is gone: still complete */
            assert_int_equal(rc, MULTIPART_OK);
            continue;
        }
        if (rc != MULTIPART_ERR_MALFORMED) fail_msg("cut at %zu of %zu gave %d", cut, n, rc);
    }
}

static void test_framing_errors(void **state)
{
    (void)state;
    expect("", MULTIPART_ERR_MALFORMED);
    expect("preamble\r\n--XyZ\r\n" CD "\r\nx\r\n--XyZ--", MULTIPART_ERR_MALFORMED);
    expect("--XyZ--\r\n", MULTIPART_ERR_MALFORMED);                     /* no part */
    expect("--xyz\r\n" CD "\r\nx\r\n--xyz--", MULTIPART_ERR_MALFORMED); /* case matters */
    expect("--XyZ\r\n" CD "\r\nx\r\n--XyZ--\r\nepilogue",
           MULTIPART_ERR_MALFORMED); /* no epilogue */
    expect("--XyZ\r\n" CD "\r\nx\r\n--XyZ--\r\n\r\n", MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\n" CD "\r\nx\r\n--XyZz\r\n" CD "\r\ny\r\n--XyZ--", MULTIPART_ERR_MALFORMED);
    expect("--XyZ junk\r\n" CD "\r\nx\r\n--XyZ--", MULTIPART_ERR_MALFORMED);
    expect("--XyZ\n" CD "\r\nx\r\n--XyZ--", MULTIPART_ERR_MALFORMED);
}

static void test_header_errors(void **state)
{
    (void)state;
    expect("--XyZ\r\n\r\nx\r\n--XyZ--", MULTIPART_ERR_MALFORMED); /* no headers */
    expect("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED); /* no C-D */
    expect("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--", MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\nContent-Disposition: form-data; name=a; filename=x; "
           "filename=y\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\n" CD CD "\r\nx\r\n--XyZ--", MULTIPART_ERR_MALFORMED); /* twice */
    expect("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\nContent-Disposition: form-data; name=a b\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\n" CD " folded: line\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED); /* obs-fold */
    expect("--XyZ\r\n" CD "No colon here\r\n\r\nx\r\n--XyZ--", MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\n" CD "X: a\x01z\r\n\r\nx\r\n--XyZ--", MULTIPART_ERR_MALFORMED); /* CTL */
    expect("--XyZ\r\nContent-Disposition: form-data; name=a\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED);
    expect("--XyZ\r\nContent-Disposition: form-data; name=a\rb\r\n\r\nx\r\n--XyZ--",
           MULTIPART_ERR_MALFORMED);
}

static void test_name_length_limit(void **state)
{
    (void)state;
    char body[512], name[MULTIPART_MAX_NAME + 2];
    multipart_t m;
    memset(name, 'n', sizeof name - 1);
    name[MULTIPART_MAX_NAME] = '\0';
    snprintf(body, sizeof body,
             "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\nx\r\n--XyZ--", name);
    assert_int_equal(parse(CT, body, &m), MULTIPART_OK);
    assert_string_equal(m.parts[0].name, name);
    name[MULTIPART_MAX_NAME] = 'n';
    name[MULTIPART_MAX_NAME + 1] = '\0';
    snprintf(body, sizeof body,
             "--XyZ\r\nContent-Disposition: form-data; name=%s\r\n\r\nx\r\n--XyZ--", name);
    expect(body, MULTIPART_ERR_LIMIT);
}

/* A body with one part whose extra header line is exactly line_len bytes long (CRLF excluded). */
static char *body_with_line(size_t line_len)
{
    char *line = malloc(line_len + 1), *body = malloc(line_len + 256);
    memcpy(line, "X-Pad: ", 7);
    memset(line + 7, 'p', line_len - 7);
    line[line_len] = '\0';
    sprintf(body, "--XyZ\r\n" CD "%s\r\n\r\nx\r\n--XyZ--\r\n", line);
    free(line);
    return body;
}

static void test_header_line_limit(void **state)
{
    (void)state;
    multipart_t m;
    char *ok = body_with_line(MULTIPART_MAX_LINE), *over = body_with_line(MULTIPART_MAX_LINE + 1);
    assert_int_equal(parse(CT, ok, &m), MULTIPART_OK);
    expect(over, MULTIPART_ERR_LIMIT);
    /* an over-long line is refused as such even when the body ends inside it */
    size_t cut = strlen("--XyZ\r\n" CD) + MULTIPART_MAX_LINE + 1;
    assert_int_equal(parse_n(CT, over, cut, &m), MULTIPART_ERR_LIMIT);
    free(ok);
    free(over);
}

static void test_header_count_limit(void **state)
{
    (void)state;
    char body[1024];
    multipart_t m;
    for (int extra = 6; extra <= 8; extra++) { /* C-D plus extra more lines */
        size_t n = (size_t)sprintf(body, "--XyZ\r\n" CD);
        for (int i = 0; i < extra; i++)
            n += (size_t)sprintf(body + n, "X-H%d: v\r\n", i);
        sprintf(body + n, "\r\nx\r\n--XyZ--");
        int rc = parse(CT, body, &m);
        assert_int_equal(rc,
                         1 + extra <= MULTIPART_MAX_HEADERS ? MULTIPART_OK : MULTIPART_ERR_LIMIT);
    }
}

static void test_part_count_limit(void **state)
{
    (void)state;
    char body[4096];
    multipart_t m;
    for (int parts = 7; parts <= 9; parts++) {
        size_t n = 0;
        for (int i = 0; i < parts; i++)
            n += (size_t)sprintf(
                body + n, "--XyZ\r\nContent-Disposition: form-data; name=f%d\r\n\r\n%d\r\n", i, i);
        sprintf(body + n, "--XyZ--\r\n");
        int rc = parse(CT, body, &m);
        if (parts <= MULTIPART_MAX_PARTS) {
            assert_int_equal(rc, MULTIPART_OK);
            assert_int_equal(m.n, (size_t)parts);
        } else {
            assert_int_equal(rc, MULTIPART_ERR_LIMIT);
            assert_int_equal(m.n, 0);
        }
    }
}

static void test_wrong_content_type_refused_before_body(void **state)
{
    (void)state;
    multipart_t m;
    assert_int_equal(parse("application/json", simple, &m), MULTIPART_ERR_TYPE);
    assert_int_equal(parse(NULL, simple, &m), MULTIPART_ERR_TYPE);
    assert_int_equal(parse("multipart/form-data; boundary=Other", simple, &m),
                     MULTIPART_ERR_MALFORMED);
}

/* Random damage to valid bodies: any answer is fine, reading outside the buffer is not (ASan). */
static void test_mutations_stay_in_bounds(void **state)
{
    (void)state;
    static const char base[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"f\\\"g\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--XyZ\r\n"
        "Content-Disposition: form-data; name=b\r\n\r\n\r\n--XyZ--\r\n";
    static const char alphabet[] = "\r\n-\"\\;=: XyZab\x00\xff";
    uint32_t seed = 12345;
    char buf[sizeof base + 8];
    int ok = 0;
    for (int iter = 0; iter < 50000; iter++) {
        size_t n = sizeof base - 1;
        memcpy(buf, base, n);
        for (int k = 0; k < 1 + iter % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            switch ((seed >> 16) % 3) {
            case 0:
                buf[at] = alphabet[(seed >> 4) % (sizeof alphabet - 1)];
                break;
            case 1:
                n = at;
                break; /* truncate */
            default:
                memmove(buf + at, buf + at + 1, n - at - 1), n--;
                break; /* delete */
            }
            if (!n) break;
        }
        multipart_t m;
        int rc = parse_n(CT, buf, n, &m);
        assert_true(rc == MULTIPART_OK || rc == MULTIPART_ERR_MALFORMED ||
                    rc == MULTIPART_ERR_LIMIT);
        ok += rc == MULTIPART_OK;
    }
    assert_true(ok > 0); /* some damage (in a data byte) leaves a valid body */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary_forms),
        cmocka_unit_test(test_boundary_length_limit),
        cmocka_unit_test(test_boundary_wrong_type),
        cmocka_unit_test(test_boundary_bad),
        cmocka_unit_test(test_simple_file_part),
        cmocka_unit_test(test_binary_data_with_near_delimiters),
        cmocka_unit_test(test_empty_part_and_padding),
        cmocka_unit_test(test_names_unescaped_and_other_parameters_ignored),
        cmocka_unit_test(test_find_and_count),
        cmocka_unit_test(test_missing_final_boundary),
        cmocka_unit_test(test_every_truncation_is_refused),
        cmocka_unit_test(test_framing_errors),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_name_length_limit),
        cmocka_unit_test(test_header_line_limit),
        cmocka_unit_test(test_header_count_limit),
        cmocka_unit_test(test_part_count_limit),
        cmocka_unit_test(test_wrong_content_type_refused_before_body),
        cmocka_unit_test(test_mutations_stay_in_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
