/*
 * test_idcheck.c — ID number (GB 11643), bank card (Luhn) and unified social
 * credit code (GB 32100) checks (C1, C7). Every "valid" number here is proven
 * valid by a second computation written from the standard's definition
 * (a brute-force search for the one character that satisfies the checksum),
 * not by the code under test.
 */
#include "support.h"
#include "domain/idcheck.h"
#include "domain/region.h"
#include <stdio.h>
#include <string.h>

#define MID_2026 ((int64_t)1782000000) /* 2026-06-21 */

/* ISO 7064 MOD 11-2: the whole number, check value included, weighted by 2^(17-i), is 1 mod 11. */
static char oracle_id_check(const char *d17)
{
    for (int c = 0; c <= 10; c++) {
        long sum = c;
        for (int i = 0; i < 17; i++) {
            long w = 1;
            for (int k = 0; k < 17 - i; k++) w = w * 2 % 11;
            sum += (d17[i] - '0') * w;
        }
        if (sum % 11 == 1) return c == 10 ? 'X' : (char)('0' + c);
    }
    return '?';
}

/* Luhn, read from the left: digits at an even distance from the last one are doubled. */
static bool oracle_luhn_ok(const char *s)
{
    size_t n = strlen(s);
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = s[i] - '0';
        if ((n - 1 - i) % 2 == 1) v = (v * 2) / 10 + (v * 2) % 10;
        sum += v;
    }
    return sum % 10 == 0;
}

/* GB 32100 defines C18 = 31 - (Σ Ci·Wi mod 31) with Wi = 3^i mod 31, so Σ + C18 ≡ 0 mod 31: search the
 * alphabet for the one value that makes it so. */
static char oracle_uscc_check(const char *s17)
{
    const char *alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    long sum = 0, w = 1;
    for (int i = 0; i < 17; i++) {
        sum += (long)(strchr(alpha, s17[i]) - alpha) * w;
        w = w * 3 % 31;
    }
    for (int v = 0; v < 31; v++)
        if ((sum + v) % 31 == 0) return alpha[v];
    return '?';
}

static region_db_t *regions(void)
{
    char err[256];
    region_db_t *db = region_load("assets/regions/regions.tsv", err, sizeof err);
    assert_non_null(db);
    return db;
}

static void with_check(char *id18)
{
    id18[17] = oracle_id_check(id18);
}

static void test_C1_the_standards_sample_id_number_is_valid(void **state)
{
    (void)state;
    region_db_t *db = regions();
    const char *id = "11010519491231002X";
    assert_int_equal(oracle_id_check(id), 'X');
    idc_person_t p;
    assert_int_equal(idc_id_number(db, id, MID_2026, &p), IDC_OK);
    assert_int_equal(p.year, 1949);
    assert_int_equal(p.month, 12);
    assert_int_equal(p.day, 31);
    assert_true(p.female);
    assert_int_equal(idc_age(&p, MID_2026), 76);
    assert_int_equal(idc_id_number(db, "11010519491231002x", MID_2026, NULL), IDC_OK);
    region_free(db);
}

static void test_C1_id_check_char_matches_the_oracle_on_many_numbers(void **state)
{
    (void)state;
    char d[19] = "440106200001010000";
    for (int k = 0; k < 2000; k++) {
        d[14] = (char)('0' + k % 1000 / 100), d[15] = (char)('0' + k % 100 / 10), d[16] = (char)('0' + k % 10);
        d[6] = (char)('1' + (k / 1000)); /* 1xxx and 2xxx years: only the digits matter here */
        assert_int_equal(idc_id_check_char(d), oracle_id_check(d));
    }
}

static void test_C1_every_single_digit_change_is_refused(void **state)
{
    (void)state;
    region_db_t *db = regions();
    char id[] = "44010619900307123?";
    with_check(id);
    assert_int_equal(idc_id_number(db, id, MID_2026, NULL), IDC_OK);
    for (int i = 14; i < 18; i++) { /* the sequence digits and the check: only the checksum can catch these */
        for (char ch = '0'; ch <= '9'; ch++) {
            char m[19];
            memcpy(m, id, 19);
            if (m[i] == ch) continue;
            m[i] = ch;
            assert_int_not_equal(idc_id_number(db, m, MID_2026, NULL), IDC_OK);
        }
    }
    char swapped[19];
    memcpy(swapped, id, 19);
    swapped[14] = id[15], swapped[15] = id[14];
    if (swapped[14] != swapped[15]) assert_int_equal(idc_id_number(db, swapped, MID_2026, NULL), IDC_CHECK);
    region_free(db);
}

static void test_C1_region_birth_date_and_format_are_checked(void **state)
{
    (void)state;
    region_db_t *db = regions();
    char bad_region[] = "99010619900307123?", bad_day[] = "44010619900230123?", future[] = "44010620270101123?",
         old[] = "44010618991231123?";
    with_check(bad_region), with_check(bad_day), with_check(future), with_check(old);
    assert_int_equal(idc_id_number(db, bad_region, MID_2026, NULL), IDC_REGION);
    assert_int_equal(idc_id_number(db, bad_day, MID_2026, NULL), IDC_BIRTH);
    assert_int_equal(idc_id_number(db, future, MID_2026, NULL), IDC_BIRTH);
    assert_int_equal(idc_id_number(db, old, MID_2026, NULL), IDC_BIRTH);
    char leap[] = "44010620000229123?";
    with_check(leap);
    assert_int_equal(idc_id_number(db, leap, MID_2026, NULL), IDC_OK);
    assert_int_equal(idc_id_number(db, "4401062000022912", MID_2026, NULL), IDC_FORMAT);
    assert_int_equal(idc_id_number(db, "44010620000229123A", MID_2026, NULL), IDC_FORMAT);
    assert_int_equal(idc_id_number(db, "4401062000022912X3", MID_2026, NULL), IDC_FORMAT);
    region_free(db);
}

static void test_H1_age_counts_the_birthday_on_the_beijing_date(void **state)
{
    (void)state;
    idc_person_t p = {2008, 6, 21, false};
    assert_int_equal(idc_age(&p, MID_2026), 18);
    p.day = 22;
    assert_int_equal(idc_age(&p, MID_2026), 17);
}

static void test_C1_bank_cards_follow_luhn(void **state)
{
    (void)state;
    const char *payloads[] = {"62220202001122", "411111111111111", "621700123456789012", "60110000000"};
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        char card[24];
        snprintf(card, sizeof card, "%s%c", payloads[i], idc_luhn_digit(payloads[i]));
        assert_true(oracle_luhn_ok(card));
        assert_int_equal(idc_bank_card(card), IDC_OK);
        size_t n = strlen(card);
        for (size_t pos = 0; pos < n; pos++) { /* every single-digit change */
            char m[24];
            memcpy(m, card, n + 1);
            m[pos] = m[pos] == '9' ? '0' : (char)(m[pos] + 1);
            assert_false(oracle_luhn_ok(m));
            assert_int_equal(idc_bank_card(m), IDC_CHECK);
        }
    }
    assert_true(oracle_luhn_ok("4111111111111111"));
    assert_int_equal(idc_bank_card("4111111111111111"), IDC_OK);
    assert_int_equal(idc_bank_card("41111111111"), IDC_FORMAT);       /* 11 digits */
    assert_int_equal(idc_bank_card("41111111111111111111"), IDC_FORMAT); /* 20 digits */
    assert_int_equal(idc_bank_card("4111 1111 1111 1111"), IDC_FORMAT);
}

static void test_C7_credit_codes_follow_gb32100(void **state)
{
    (void)state;
    const char *bases[] = {"91350100M000100Y4", "91440101MA5CXXXX0", "12100000400000624", "92440106L12345678"};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        char code[19];
        snprintf(code, sizeof code, "%s%c", bases[i], oracle_uscc_check(bases[i]));
        assert_int_equal(idc_uscc_check_char(bases[i]), code[17]);
        assert_int_equal(idc_uscc(code), IDC_OK);
        for (int pos = 0; pos < 18; pos++) { /* every single-character change within the alphabet */
            char m[19];
            memcpy(m, code, 19);
            m[pos] = m[pos] == '1' ? '2' : '1';
            if (pos >= 2 && pos < 8) assert_int_equal(idc_uscc(m), IDC_CHECK);
            else assert_int_not_equal(idc_uscc(m), IDC_OK);
        }
    }
    assert_int_equal(oracle_uscc_check("91350100M000100Y4"), '3'); /* the code printed in the standard's example */
    assert_int_equal(idc_uscc("91350100M000100Y43"), IDC_OK);
    assert_int_equal(idc_uscc("91350100M000100I43"), IDC_FORMAT); /* I is not in the alphabet */
    assert_int_equal(idc_uscc("91350100m000100Y43"), IDC_FORMAT);
    assert_int_equal(idc_uscc("913501A0M000100Y43"), IDC_FORMAT); /* the division code is digits */
    assert_int_equal(idc_uscc("91350100M000100Y4"), IDC_FORMAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_C1_the_standards_sample_id_number_is_valid),
        cmocka_unit_test(test_C1_id_check_char_matches_the_oracle_on_many_numbers),
        cmocka_unit_test(test_C1_every_single_digit_change_is_refused),
        cmocka_unit_test(test_C1_region_birth_date_and_format_are_checked),
        cmocka_unit_test(test_H1_age_counts_the_birthday_on_the_beijing_date),
        cmocka_unit_test(test_C1_bank_cards_follow_luhn),
        cmocka_unit_test(test_C7_credit_codes_follow_gb32100),
    };
    return cmocka_run_group_tests_name("idcheck", tests, NULL, NULL);
}
