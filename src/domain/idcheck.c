/* idcheck.c — identity and registration number formats (see idcheck.h). */
#include "domain/idcheck.h"
#include "domain/region.h"
#include <string.h>
#include <time.h>

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

char idc_id_check_char(const char *d)
{
    /* weight of position i is 2^(17-i) mod 11 (ISO 7064 MOD 11-2) */
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (d[i] - '0') * weight[i];
    return "10X98765432"[sum % 11];
}

static void beijing_date(int64_t now, int *y, int *m, int *d)
{
    time_t t = (time_t)(now + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    *y = tm.tm_year + 1900, *m = tm.tm_mon + 1, *d = tm.tm_mday;
}

static bool date_ok(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* A district we know, or (for counties merged away since the number was issued) a prefecture we know. */
static bool region_ok(const region_db_t *db, const char *s)
{
    uint32_t code6 = (uint32_t)num(s, 6), code4 = (uint32_t)num(s, 4);
    return region_level(db, code6) == REGION_DISTRICT || region_level(db, code4) == REGION_CITY;
}

idc_res_t idc_id_number(const region_db_t *regions, const char *s, int64_t now, idc_person_t *out)
{
    if (!s || strlen(s) != 18 || !all_digits(s, 17)) return IDC_FORMAT;
    if (!((s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x')) return IDC_FORMAT;
    if (regions && !region_ok(regions, s)) return IDC_REGION;
    int y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2), ny, nm, nd;
    beijing_date(now, &ny, &nm, &nd);
    if (y < 1900 || !date_ok(y, m, d)) return IDC_BIRTH;
    if (y * 10000 + m * 100 + d > ny * 10000 + nm * 100 + nd) return IDC_BIRTH;
    char want = idc_id_check_char(s), got = s[17] == 'x' ? 'X' : s[17];
    if (want != got) return IDC_CHECK;
    if (out) *out = (idc_person_t){y, m, d, (s[16] - '0') % 2 == 0};
    return IDC_OK;
}

int idc_age(const idc_person_t *p, int64_t now)
{
    int y, m, d;
    beijing_date(now, &y, &m, &d);
    int age = y - p->year;
    if (m < p->month || (m == p->month && d < p->day)) age--; /* this year's birthday is still to come */
    return age;
}

char idc_luhn_digit(const char *payload)
{
    size_t n = strlen(payload);
    int sum = 0;
    /* from the right, every first digit of the payload is doubled (the check digit will follow it) */
    for (size_t i = 0; i < n; i++) {
        int v = payload[n - 1 - i] - '0';
        if (i % 2 == 0) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        sum += v;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

idc_res_t idc_bank_card(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 12 || n > 19 || !all_digits(s, n)) return IDC_FORMAT;
    char payload[20];
    memcpy(payload, s, n - 1);
    payload[n - 1] = '\0';
    return idc_luhn_digit(payload) == s[n - 1] ? IDC_OK : IDC_CHECK;
}

/* GB 32100's alphabet: digits and capitals without I, O, Z, S, V; a character's value is its index. */
static const char USCC_ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char ch)
{
    const char *p = ch ? strchr(USCC_ALPHABET, ch) : NULL;
    return p ? (int)(p - USCC_ALPHABET) : -1;
}

char idc_uscc_check_char(const char *s)
{
    int sum = 0, w = 1; /* the weight of position i is 3^i mod 31 */
    for (int i = 0; i < 17; i++) {
        int v = uscc_value(s[i]);
        if (v < 0) return 0;
        sum += v * w;
        w = w * 3 % 31;
    }
    return USCC_ALPHABET[(31 - sum % 31) % 31];
}

idc_res_t idc_uscc(const char *s)
{
    if (!s || strlen(s) != 18) return IDC_FORMAT;
    for (int i = 0; i < 18; i++)
        if (uscc_value(s[i]) < 0) return IDC_FORMAT;
    if (!all_digits(s + 2, 6)) return IDC_FORMAT; /* the registering authority's division code */
    return idc_uscc_check_char(s) == s[17] ? IDC_OK : IDC_CHECK;
}
