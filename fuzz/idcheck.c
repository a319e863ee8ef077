/*
 * fuzz/idcheck.c — libFuzzer driver for the identity number checks (domain/idcheck.h)
 * and the iCalendar escaping (domain/ics.h), all fed outside input.
 *
 * The input, cut at its first NUL, is one candidate string. Promises checked:
 *   - an accepted ID number is 18 characters, its check character is the one
 *     idc_id_check_char computes, its date is a real date, and its age is >= 0;
 *   - an accepted bank card is 12–19 digits and changing its last digit makes it fail;
 *   - an accepted credit code is 18 characters and changing its check character makes it fail;
 *   - an escaped iCalendar text holds no raw newline, and every ; , and \ in it is escaped.
 */
#include "fuzz.h"
#include "base/arena.h"
#include "domain/idcheck.h"
#include "domain/ics.h"
#include <string.h>

#define NOW ((int64_t)1800000000)

static void check_id(const char *s)
{
    idc_person_t p;
    if (idc_id_number(NULL, s, NOW, &p) != IDC_OK) return;
    FUZZ_CHECK(strlen(s) == 18, "accepted %zu characters", strlen(s));
    char want = idc_id_check_char(s);
    FUZZ_CHECK(want == s[17] || (want == 'X' && s[17] == 'x'), "check %c vs %c", want, s[17]);
    FUZZ_CHECK(p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= 31, "date %d-%d", p.month, p.day);
    FUZZ_CHECK(idc_age(&p, NOW) >= 0, "negative age");
}

static void check_card(const char *s)
{
    if (idc_bank_card(s) != IDC_OK) return;
    size_t n = strlen(s);
    FUZZ_CHECK(n >= 12 && n <= 19, "accepted %zu digits", n);
    char m[20];
    memcpy(m, s, n + 1);
    m[n - 1] = m[n - 1] == '9' ? '0' : (char)(m[n - 1] + 1);
    FUZZ_CHECK(idc_bank_card(m) != IDC_OK, "a changed check digit still passes");
}

static void check_uscc(const char *s)
{
    if (idc_uscc(s) != IDC_OK) return;
    FUZZ_CHECK(strlen(s) == 18, "accepted %zu characters", strlen(s));
    char m[19];
    memcpy(m, s, 19);
    m[17] = m[17] == '0' ? '1' : '0';
    FUZZ_CHECK(idc_uscc(m) != IDC_OK, "a changed check character still passes");
}

static void check_ics(const char *s)
{
    arena_t *a = arena_new(4096);
    const char *e = ics_escape(a, s);
    for (const char *p = e; *p; p++) {
        FUZZ_CHECK(*p != '\n' && *p != '\r', "raw line break");
        if (*p == '\\') {
            FUZZ_CHECK(p[1] == '\\' || p[1] == ';' || p[1] == ',' || p[1] == 'n', "lone backslash");
            p++;
        } else {
            FUZZ_CHECK(*p != ';' && *p != ',', "unescaped %c", *p);
        }
    }
    arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    check_id(s);
    check_card(s);
    check_uscc(s);
    check_ics(s);
    free(s);
    return 0;
}
