/*
 * test_ics.c — the interview calendar file (C11): RFC 5545 line endings,
 * folding that never splits a character, TEXT escaping, UTC times.
 */
#include "support.h"
#include "domain/ics.h"
#include <string.h>

static void test_C11_text_values_are_escaped(void **state)
{
    (void)state;
    arena_t *a = arena_new(1024);
    assert_string_equal(ics_escape(a, "a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    arena_free(a);
}

static void test_C11_event_has_crlf_lines_uid_stamp_and_utc_times(void **state)
{
    (void)state;
    arena_t *a = arena_new(1024);
    ics_event_t e = {"interview-7@linli", 1800000000, 1800003600, 1800005400, "面试：厨师", "广州市天河区, 体育西路8号",
                     NULL};
    const char *s = ics_event(a, &e);
    assert_non_null(strstr(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert_non_null(strstr(s, "\r\nUID:interview-7@linli\r\n"));
    assert_non_null(strstr(s, "\r\nDTSTAMP:20270115T080000Z\r\n"));
    assert_non_null(strstr(s, "\r\nDTSTART:20270115T090000Z\r\n"));
    assert_non_null(strstr(s, "\r\nDTEND:20270115T093000Z\r\n"));
    assert_non_null(strstr(s, "\r\nLOCATION:广州市天河区\\, 体育西路8号\r\n"));
    assert_null(strstr(s, "DESCRIPTION"));
    size_t n = strlen(s);
    assert_string_equal(s + n - 15, "END:VCALENDAR\r\n");
    for (const char *p = s; *p; p++) /* no bare LF */
        if (*p == '\n') assert_true(p > s && p[-1] == '\r');
    arena_free(a);
}

static void test_C11_long_lines_fold_at_75_octets_between_characters(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    char note[400] = "";
    for (int i = 0; i < 60; i++) strcat(note, "面试");
    ics_event_t e = {"u@linli", 0, 0, 60, "s", "l", note};
    const char *s = ics_event(a, &e);
    const char *start = strstr(s, "DESCRIPTION:");
    assert_non_null(start);
    size_t lines = 0, total = 0;
    for (const char *p = start; *p;) {
        const char *end = strstr(p, "\r\n");
        size_t len = (size_t)(end - p);
        assert_true(len <= 75);
        if (p != start) {
            if (*p != ' ') break; /* the next property */
            assert_true(((unsigned char)p[1] & 0xC0) != 0x80); /* a continuation never starts mid-character */
        }
        total += len - (p == start ? 0 : 1);
        lines++;
        p = end + 2;
    }
    assert_true(lines > 4);
    assert_int_equal(total, strlen("DESCRIPTION:") + strlen(note)); /* unfolding gives the value back */
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_C11_text_values_are_escaped),
        cmocka_unit_test(test_C11_event_has_crlf_lines_uid_stamp_and_utc_times),
        cmocka_unit_test(test_C11_long_lines_fold_at_75_octets_between_characters),
    };
    return cmocka_run_group_tests_name("ics", tests, NULL, NULL);
}
