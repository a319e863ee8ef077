/*
 * test_minor.c — age brackets from a declared birth year (H1): the younger
 * possible age counts, the year is Beijing's, no year means an adult.
 */
#include "support.h"
#include "domain/minor.h"

/* 2025-01-01 00:30 in Beijing is still 2024-12-31 in UTC */
#define NEW_YEAR_BEIJING ((int64_t)1735662600)
#define MID_2025 ((int64_t)1750000000)

static void test_H1_year_is_counted_in_beijing(void **state)
{
    (void)state;
    assert_int_equal(minor_year(NEW_YEAR_BEIJING), 2025);
    assert_int_equal(minor_year(NEW_YEAR_BEIJING - 3600), 2024);
}

static void test_H1_the_younger_possible_age_counts(void **state)
{
    (void)state;
    assert_int_equal(minor_bracket(MID_2025, 0), AGE_ADULT);
    assert_int_equal(minor_bracket(MID_2025, 2012), AGE_CHILD); /* 12 or 13 */
    assert_int_equal(minor_bracket(MID_2025, 2011), AGE_CHILD); /* 13 or 14: maybe 13 */
    assert_int_equal(minor_bracket(MID_2025, 2010), AGE_MINOR); /* 14 or 15 */
    assert_int_equal(minor_bracket(MID_2025, 2007), AGE_MINOR); /* 17 or 18: maybe 17 */
    assert_int_equal(minor_bracket(MID_2025, 2006), AGE_ADULT);
}

static void test_H1_only_a_child_without_consent_is_held(void **state)
{
    (void)state;
    assert_true(minor_held(MID_2025, 2013, 0));
    assert_false(minor_held(MID_2025, 2013, MID_2025 - 10));
    assert_false(minor_held(MID_2025, 2009, 0));
    assert_false(minor_held(MID_2025, 0, 0));
}

/* MID_2025 is 2025-06-15 in Beijing */
static void test_H1_a_verified_date_of_birth_gives_the_exact_bracket(void **state)
{
    (void)state;
    assert_int_equal(minor_effective_year(MID_2025, 2000, 0), 2000); /* no date: the declared year */
    /* 14 on 2025-06-01: a child by the year rule, 14 by the date */
    assert_int_equal(minor_bracket(MID_2025, 2011), AGE_CHILD);
    assert_int_equal(minor_bracket(MID_2025, minor_effective_year(MID_2025, 2011, 20110601)), AGE_MINOR);
    /* 14 only on 2025-07-01: still a child */
    assert_int_equal(minor_bracket(MID_2025, minor_effective_year(MID_2025, 2011, 20110701)), AGE_CHILD);
    /* 18 today, and 18 tomorrow */
    assert_int_equal(minor_bracket(MID_2025, minor_effective_year(MID_2025, 1990, 20070615)), AGE_ADULT);
    assert_int_equal(minor_bracket(MID_2025, minor_effective_year(MID_2025, 1990, 20070616)), AGE_MINOR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_H1_year_is_counted_in_beijing),
        cmocka_unit_test(test_H1_the_younger_possible_age_counts),
        cmocka_unit_test(test_H1_only_a_child_without_consent_is_held),
        cmocka_unit_test(test_H1_a_verified_date_of_birth_gives_the_exact_bracket),
    };
    return cmocka_run_group_tests_name("minor", tests, NULL, NULL);
}
