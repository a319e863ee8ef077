/*
 * test_region.c — the region database: the shipped TSV holds every province,
 * city and district of the shared division data with the right parents; lookups
 * and lists behave; known centres are where they should be; unknown codes fail
 * cleanly; a malformed file is refused with the line at fault.
 * Runs from the repository root (paths below are relative to it).
 */
#include "support.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/region.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TSV            "assets/regions/regions.tsv"
#define SHARED_CSV_DIR "../shared/testdata/china-division"
#define HEADER         "code\tparent_code\tlevel\tname\tlat\tlng\n"

static int setup(void **state)
{
    char err[256];
    region_db_t *db = region_load(TSV, err, sizeof err);
    if (!db) fprintf(stderr, "%s\n", err);
    *state = db;
    return db ? 0 : -1;
}

static int teardown(void **state)
{
    region_free(*state);
    return 0;
}

/* One row of the shared CSVs: code, "name", then up to two parent codes. */
typedef struct {
    uint32_t code, parent1, parent2;
    char name[128];
} csv_row_t;

static int parse_csv_row(char *line, csv_row_t *r)
{
    memset(r, 0, sizeof *r);
    char *q1 = strchr(line, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
    if (!q1 || !q2 || (size_t)(q2 - q1 - 1) >= sizeof r->name) return -1;
    memcpy(r->name, q1 + 1, (size_t)(q2 - q1 - 1));
    r->code = (uint32_t)strtoul(line, NULL, 10);
    char *rest = q2 + 1;
    if (*rest == ',') r->parent1 = (uint32_t)strtoul(rest + 1, &rest, 10);
    if (*rest == ',') r->parent2 = (uint32_t)strtoul(rest + 1, &rest, 10);
    return 0;
}

/* Checks every row of one CSV against the database; returns the number of rows. */
static size_t check_csv(const region_db_t *db, FILE *fp, int level)
{
    char line[512];
    size_t rows = 0;
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp)) {
        csv_row_t r;
        assert_int_equal(parse_csv_row(line, &r), 0);
        assert_int_equal(region_level(db, r.code), level);
        uint32_t parent = level == REGION_PROVINCE ? 0 : r.parent1;
        assert_int_equal(region_parent(db, r.code), parent);
        if (level == REGION_DISTRICT) {
            assert_true(region_is_district_of(db, r.code, r.parent1));
            assert_int_equal(region_parent(db, r.parent1), r.parent2);
        }
        /* Municipal pseudo-cities are renamed (北京市 for 市辖区); every other name is kept. */
        if (!(level == REGION_CITY &&
              (r.code == 1101 || r.code == 1201 || r.code == 3101 || r.code / 100 == 50)))
            assert_string_equal(region_name(db, r.code), r.name);
        rows++;
    }
    return rows;
}

/* Checks the three CSVs of a folder; false if the folder is not there. */
static bool check_csv_dir(const region_db_t *db, const char *dir)
{
    static const char *const files[] = {"provinces.csv", "cities.csv", "areas.csv"};
    size_t rows[3];
    for (int i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *fp = fopen(path, "r");
        if (!fp) return false;
        rows[i] = check_csv(db, fp, i + 1);
        fclose(fp);
    }
    assert_int_equal(rows[0], 31);
    assert_int_equal(region_count(db, REGION_PROVINCE), rows[0]);
    assert_int_equal(region_count(db, REGION_CITY), rows[1]);
    assert_int_equal(region_count(db, REGION_DISTRICT), rows[2]);
    return true;
}

static void test_every_code_of_the_shared_csvs_is_present_with_its_parent(void **state)
{
    const region_db_t *db = *state;
    assert_true(check_csv_dir(db, "assets/regions/src/china-division"));
    /* The shared originals, beside the repository in CI and on developers' machines. */
    if (!check_csv_dir(db, SHARED_CSV_DIR)) print_message("note: %s not found\n", SHARED_CSV_DIR);
}

static void test_dongcheng_is_a_district_of_beijing_city(void **state)
{
    const region_db_t *db = *state;
    assert_string_equal(region_name(db, 110101), "东城区");
    assert_string_equal(region_name(db, 1101), "北京市");
    assert_string_equal(region_name(db, 11), "北京市");
    assert_int_equal(region_parent(db, 110101), 1101);
    assert_int_equal(region_parent(db, 1101), 11);
    assert_int_equal(region_parent(db, 11), 0);
    assert_true(region_is_district_of(db, 110101, 1101));
    assert_false(region_is_district_of(db, 110101, 1201)); /* 天津 */
    assert_false(region_is_district_of(db, 110101, 11));   /* a province is no city */
    assert_false(region_is_district_of(db, 1101, 11));     /* a city is no district */
    assert_false(region_is_district_of(db, 120101, 1101)); /* 天津 和平区 */
}

static void test_municipal_pseudo_cities_carry_the_municipality_name(void **state)
{
    const region_db_t *db = *state;
    assert_string_equal(region_name(db, 1201), "天津市");
    assert_string_equal(region_name(db, 3101), "上海市");
    assert_string_equal(region_name(db, 5001), "重庆市");
    assert_string_equal(region_name(db, 5002), "重庆市辖县");
    assert_true(region_is_district_of(db, 500229, 5002)); /* 城口县 */
}

static void assert_centre_in(const region_db_t *db, uint32_t code, double lat0, double lat1,
                             double lng0, double lng1)
{
    double lat = 0, lng = 0;
    assert_int_equal(region_centre(db, code, &lat, &lng), 0);
    if (lat < lat0 || lat > lat1 || lng < lng0 || lng > lng1)
        fail_msg("centre of %u is %f,%f, outside %f-%f N %f-%f E", code, lat, lng, lat0, lat1, lng0,
                 lng1);
}

static void test_known_centres_are_plausible(void **state)
{
    const region_db_t *db = *state;
    assert_centre_in(db, 11, 39.5, 40.5, 116, 117);         /* 北京市 (province) */
    assert_centre_in(db, 1101, 39.5, 40.5, 116, 117);       /* 北京市 (city) */
    assert_centre_in(db, 110101, 39.8, 40.0, 116.3, 116.5); /* 东城区 */
    assert_centre_in(db, 4401, 22.9, 23.5, 113, 113.6);     /* 广州市 */
    assert_centre_in(db, 44, 22.9, 23.5, 113, 113.6);       /* 广东省: its capital */
    assert_centre_in(db, 3101, 31.0, 31.5, 121.2, 121.8);   /* 上海市 */
    assert_centre_in(db, 5401, 29.5, 29.8, 90.9, 91.3);     /* 拉萨市 */
    assert_centre_in(db, 6501, 43.6, 44.0, 87.4, 87.8);     /* 乌鲁木齐市 */
    assert_centre_in(db, 340124, 31.0, 31.5, 117.0, 117.5); /* 庐江县, not Hefei's point */
}

static void test_every_place_has_a_centre_inside_china(void **state)
{
    const region_db_t *db = *state;
    const uint32_t *prov, *cities, *districts;
    size_t np = region_provinces(db, &prov), with = 0, without = 0;
    for (size_t i = 0; i < np; i++) {
        size_t nc = region_cities(db, prov[i], &cities);
        for (size_t j = 0; j < nc; j++) {
            size_t nd = region_districts(db, cities[j], &districts);
            for (size_t k = 0; k < nd; k++) {
                double lat, lng;
                if (region_centre(db, districts[k], &lat, &lng) != 0) {
                    without++;
                    continue;
                }
                with++;
                assert_true(lat > 3 && lat < 54 && lng > 73 && lng < 136);
            }
        }
    }
    assert_int_equal(with, region_count(db, REGION_DISTRICT));
    assert_int_equal(without, 0);
}

static void test_groupings_that_are_no_place_have_no_centre(void **state)
{
    const region_db_t *db = *state;
    double lat = 1.5, lng = 2.5;
    assert_int_equal(region_centre(db, 4190, &lat, &lng), -1); /* 省直辖县级行政区划 */
    assert_int_equal(region_centre(db, 5002, &lat, &lng), -1); /* 重庆市辖县 */
    assert_true(lat == 1.5 && lng == 2.5);
    assert_int_equal(region_level(db, 4190), REGION_CITY);
}

static void test_lists_are_complete_and_in_code_order(void **state)
{
    const region_db_t *db = *state;
    const uint32_t *codes;
    size_t n = region_provinces(db, &codes);
    assert_int_equal(n, 31);
    assert_int_equal(codes[0], 11);
    for (size_t i = 1; i < n; i++)
        assert_true(codes[i - 1] < codes[i]);

    assert_int_equal(region_cities(db, 11, &codes), 1);
    assert_int_equal(codes[0], 1101);
    n = region_cities(db, 44, &codes);
    assert_int_equal(n, 21); /* 广东: 21 prefecture-level cities */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(region_parent(db, codes[i]), 44);

    n = region_districts(db, 1101, &codes);
    assert_int_equal(n, 16);
    assert_int_equal(codes[0], 110101);
    for (size_t i = 1; i < n; i++)
        assert_true(codes[i - 1] < codes[i]);

    /* The wrong level gives an empty list. */
    assert_int_equal(region_cities(db, 1101, &codes), 0);
    assert_null(codes);
    assert_int_equal(region_districts(db, 11, &codes), 0);
    assert_int_equal(region_districts(db, 110101, &codes), 0);
}

static void test_unknown_codes_fail_cleanly(void **state)
{
    const region_db_t *db = *state;
    const uint32_t *codes = NULL;
    double lat = 7, lng = 8;
    uint32_t unknown[] = {0, 10, 99, 1100, 9999, 110100, 999999, 4294967295u};
    for (size_t i = 0; i < ARRAY_LEN(unknown); i++) {
        uint32_t c = unknown[i];
        assert_int_equal(region_level(db, c), 0);
        assert_null(region_name(db, c));
        assert_int_equal(region_parent(db, c), 0);
        assert_int_equal(region_centre(db, c, &lat, &lng), -1);
        assert_false(region_is_district_of(db, c, 1101));
        assert_false(region_is_district_of(db, 110101, c));
        assert_int_equal(region_cities(db, c, &codes), 0);
        assert_int_equal(region_districts(db, c, &codes), 0);
    }
    assert_true(lat == 7 && lng == 8);
    /* A NULL database knows nothing and does not crash. */
    assert_null(region_name(NULL, 11));
    assert_int_equal(region_centre(NULL, 11, &lat, &lng), -1);
    assert_int_equal(region_provinces(NULL, &codes), 0);
}

static void test_codes_from_clients_are_parsed_strictly(void **state)
{
    (void)state;
    uint32_t c = 0;
    assert_int_equal(region_parse_code("110101", 6, &c), LL_OK);
    assert_int_equal(c, 110101);
    assert_int_equal(region_parse_code("44", 2, &c), LL_OK);
    assert_int_equal(c, 44);
    assert_int_equal(region_parse_code("4401", 4, &c), LL_OK);
    const char *bad[] = {"",       "1",      "110",    "11010",  "1101011",
                         "011010", "11010a", "+11010", " 11010", "4401\n"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_int_equal(region_parse_code(bad[i], strlen(bad[i]), &c), LL_INVALID);
    assert_int_equal(region_parse_code("1101", 2, &c), LL_OK); /* only len bytes are read */
    assert_int_equal(c, 11);
}

/* Writes body to a fresh file, loads it, and checks the error names the line. */
static void assert_rejected(const char *body, unsigned line, const char *what)
{
    char *dir = support_tmpdir();
    char path[512], err[256], want[32];
    snprintf(path, sizeof path, "%s/r.tsv", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(body, fp);
    fclose(fp);
    region_db_t *db = region_load(path, err, sizeof err);
    if (db) fail_msg("accepted a file with %s", what);
    snprintf(want, sizeof want, "r.tsv:%u: ", line);
    if (!strstr(err, want)) fail_msg("%s: error \"%s\" does not name line %u", what, err, line);
    support_rmtree(dir);
    free(dir);
}

#define P11   "11\t\t1\t北京市\t39.9\t116.4\n"
#define C1101 "1101\t11\t2\t北京市\t39.9\t116.4\n"

static void test_malformed_files_are_rejected_with_their_line_number(void **state)
{
    (void)state;
    assert_rejected("code\tname\n" P11, 1, "a wrong header");
    assert_rejected(HEADER P11 "1101\t11\t2\t北京市\t39.9\n", 3, "five fields");
    assert_rejected(HEADER P11 C1101 "110101\t1101\t3\t东城区\t39.9\t116.4\textra\n", 4,
                    "seven fields");
    assert_rejected(HEADER P11 "1101\t11\t4\t北京市\t\t\n", 3, "level 4");
    assert_rejected(HEADER P11 "11a1\t11\t2\t北京市\t\t\n", 3, "a non-digit code");
    assert_rejected(HEADER P11 "110101\t11\t2\t北京市\t\t\n", 3, "a code too long for its level");
    assert_rejected(HEADER P11 "1201\t11\t2\t天津市\t\t\n", 3, "a code outside its parent");
    assert_rejected(HEADER "11\t1\t1\t北京市\t\t\n", 2, "a province with a parent");
    assert_rejected(HEADER P11 "1101\t11\t2\t\t\t\n", 3, "an empty name");
    assert_rejected(HEADER P11 "1101\t11\t2\t\xe5\x8c\x97\xff\t\t\n", 3,
                    "a name that is not UTF-8");
    assert_rejected(HEADER P11 "1101\t11\t2\t\xc0\xae\t\t\n", 3, "an overlong UTF-8 name");
    assert_rejected(HEADER P11 "1101\t11\t2\tA\rB\t\t\n", 3, "a control character in a name");
    assert_rejected(HEADER P11 "1101\t11\t2\t北京市\t91\t116.4\n", 3, "a latitude past 90");
    assert_rejected(HEADER P11 "1101\t11\t2\t北京市\t39.9\t\n", 3, "a latitude without longitude");
    assert_rejected(HEADER P11 "1101\t11\t2\t北京市\t39,9\t116.4\n", 3, "a decimal comma");
    assert_rejected(HEADER P11 "1101\t11\t2\t北京市\t3e1\t116.4\n", 3, "an exponent");
    assert_rejected(HEADER P11 C1101 "\n", 4, "an empty line");
    assert_rejected(HEADER P11 C1101 P11, 4, "a duplicate code");
    assert_rejected(HEADER P11 "110101\t1101\t3\t东城区\t\t\n", 3,
                    "a district whose city is missing");
}

static void test_a_small_valid_file_loads(void **state)
{
    (void)state;
    char *dir = support_tmpdir();
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/ok.tsv", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    /* Out of order and without a final newline: both are fine. */
    fputs(HEADER "110101\t1101\t3\t东城区\t39.92718\t116.41006\n" C1101
                 "11\t\t1\t北京市\t-0.5\t-179.25",
          fp);
    fclose(fp);
    region_db_t *db = region_load(path, err, sizeof err);
    if (!db) fail_msg("%s", err);
    double lat, lng;
    assert_int_equal(region_centre(db, 11, &lat, &lng), 0);
    assert_true(lat == -0.5 && lng == -179.25);
    assert_int_equal(region_centre(db, 110101, &lat, &lng), 0);
    assert_true(lat > 39.927179 && lat < 39.927181);
    assert_true(region_is_district_of(db, 110101, 1101));
    region_free(db);
    support_rmtree(dir);
    free(dir);
}

static void test_missing_or_empty_files_are_reported(void **state)
{
    (void)state;
    char err[256];
    assert_null(region_load("assets/regions/no-such-file.tsv", err, sizeof err));
    assert_non_null(strstr(err, "no-such-file.tsv: cannot open"));
    assert_null(region_load(NULL, err, sizeof err));
    assert_null(region_load("/dev/null", err, sizeof err));
    assert_non_null(strstr(err, "empty"));
    assert_null(region_load("/dev/null", NULL, 0)); /* no error buffer: still refused */
}

int main(void)
{
    const struct CMUnitTest with_db[] = {
        cmocka_unit_test(test_every_code_of_the_shared_csvs_is_present_with_its_parent),
        cmocka_unit_test(test_dongcheng_is_a_district_of_beijing_city),
        cmocka_unit_test(test_municipal_pseudo_cities_carry_the_municipality_name),
        cmocka_unit_test(test_known_centres_are_plausible),
        cmocka_unit_test(test_every_place_has_a_centre_inside_china),
        cmocka_unit_test(test_groupings_that_are_no_place_have_no_centre),
        cmocka_unit_test(test_lists_are_complete_and_in_code_order),
        cmocka_unit_test(test_unknown_codes_fail_cleanly),
    };
    const struct CMUnitTest alone[] = {
        cmocka_unit_test(test_codes_from_clients_are_parsed_strictly),
        cmocka_unit_test(test_malformed_files_are_rejected_with_their_line_number),
        cmocka_unit_test(test_a_small_valid_file_loads),
        cmocka_unit_test(test_missing_or_empty_files_are_reported),
    };
    int failed = cmocka_run_group_tests_name("region (shipped data)", with_db, setup, teardown);
    return failed + cmocka_run_group_tests_name("region (loader)", alone, NULL, NULL);
}
