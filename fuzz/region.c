/*
 * fuzz/region.c — libFuzzer driver for the region database loader (domain/region.h).
 *
 * The input is the whole regions.tsv, header included. region_load reads a
 * path, so the bytes go into one memfd, opened by the loader as
 * /proc/self/fd/N: no files on disk, and each run replaces the contents.
 *
 * Promises checked when a file loads, from region.h and region.c's header:
 *   - walking provinces, their cities and their districts visits every region
 *     exactly once (the counts add up), in strictly increasing code order;
 *   - each code has 2, 4 or 6 digits by level and starts with its parent's;
 *     region_parent, region_level and region_is_district_of agree with the lists;
 *   - names are 1..REGION_NAME_MAX bytes; centres lie within WGS-84 ranges;
 *   - an unknown code is unknown everywhere.
 * When it does not load, err names the path. region_parse_code is fed the
 * first field too: when it accepts, the code prints back as the same digits.
 */
#include "fuzz.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/region.h"
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fd = memfd_create("regions.tsv", MFD_CLOEXEC);
    if (fd < 0) {
        perror("fuzz/region.c: memfd_create");
        abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return 0;
}

static unsigned digits(uint32_t code)
{
    unsigned n = 0;
    do
        n++;
    while ((code /= 10) != 0);
    return n;
}

/* Checks one region against its level and parent; returns 1 for the count. */
static size_t check_region(const region_db_t *db, uint32_t code, int level, uint32_t parent)
{
    FUZZ_CHECK(region_level(db, code) == level, "%u: level %d, expected %d", code,
               region_level(db, code), level);
    FUZZ_CHECK(digits(code) == 2u * (unsigned)level, "%u has the wrong length for level %d", code,
               level);
    FUZZ_CHECK(region_parent(db, code) == parent, "%u: parent %u, expected %u", code,
               region_parent(db, code), parent);
    FUZZ_CHECK(level == REGION_PROVINCE || code / 100 == parent, "%u does not start with %u", code,
               parent);
    const char *name = region_name(db, code);
    FUZZ_CHECK(name, "%u has no name", code);
    size_t n = strlen(name);
    FUZZ_CHECK(n >= 1 && n <= REGION_NAME_MAX, "%u: name of %zu bytes", code, n);
    double lat = 1000, lng = 1000;
    if (region_centre(db, code, &lat, &lng) == 0)
        FUZZ_CHECK(lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180, "%u: centre %f,%f", code,
                   lat, lng);
    else
        FUZZ_CHECK(lat == 1000 && lng == 1000, "%u: region_centre failed but wrote", code);
    return 1;
}

static void check_sorted(const uint32_t *codes, size_t n, const char *what)
{
    for (size_t i = 1; i < n; i++)
        FUZZ_CHECK(codes[i - 1] < codes[i], "%s not in code order: %u then %u", what, codes[i - 1],
                   codes[i]);
}

static void check_db(const region_db_t *db)
{
    const uint32_t *prov, *cities, *dists;
    size_t np = region_provinces(db, &prov), seen[4] = {0};
    FUZZ_CHECK(np == region_count(db, REGION_PROVINCE), "province list and count differ");
    check_sorted(prov, np, "provinces");
    for (size_t i = 0; i < np; i++) {
        seen[1] += check_region(db, prov[i], REGION_PROVINCE, 0);
        FUZZ_CHECK(region_districts(db, prov[i], &dists) == 0 && !dists,
                   "province %u has districts", prov[i]);
        size_t nc = region_cities(db, prov[i], &cities);
        FUZZ_CHECK(nc ? cities != NULL : cities == NULL, "city list of %u", prov[i]);
        check_sorted(cities, nc, "cities");
        for (size_t j = 0; j < nc; j++) {
            seen[2] += check_region(db, cities[j], REGION_CITY, prov[i]);
            FUZZ_CHECK(region_cities(db, cities[j], NULL) == 0, "city %u has cities", cities[j]);
            size_t nd = region_districts(db, cities[j], &dists);
            check_sorted(dists, nd, "districts");
            for (size_t k = 0; k < nd; k++) {
                seen[3] += check_region(db, dists[k], REGION_DISTRICT, cities[j]);
                FUZZ_CHECK(region_is_district_of(db, dists[k], cities[j]),
                           "%u is in %u's list but not its district", dists[k], cities[j]);
                FUZZ_CHECK(region_cities(db, dists[k], NULL) == 0 &&
                               region_districts(db, dists[k], NULL) == 0,
                           "district %u has children", dists[k]);
            }
        }
    }
    for (int level = 1; level <= 3; level++)
        FUZZ_CHECK(seen[level] == region_count(db, (region_level_t)level),
                   "level %d: %zu reachable, %zu counted", level, seen[level],
                   region_count(db, (region_level_t)level));
    static const uint32_t unknown[] = {0, 1, 100, 999999, 1000000, UINT32_MAX};
    for (size_t i = 0; i < ARRAY_LEN(unknown); i++) {
        uint32_t c = unknown[i];
        double lat, lng;
        FUZZ_CHECK(region_level(db, c) == 0 && !region_name(db, c) && region_parent(db, c) == 0 &&
                       region_centre(db, c, &lat, &lng) == -1,
                   "impossible code %u is known", c);
    }
}

static void check_parse_code(const uint8_t *data, size_t size)
{
    size_t len = 0; /* the first field, as a client might send a code */
    while (len < size && len < 16 && data[len] != '\t' && data[len] != '\n')
        len++;
    uint32_t code = 0;
    if (region_parse_code((const char *)data, len, &code) != LL_OK) return;
    char back[16];
    int n = snprintf(back, sizeof back, "%u", code);
    FUZZ_CHECK((size_t)n == len && !memcmp(back, data, len), "parsed %.*s as %u", (int)len,
               (const char *)data, code);
    FUZZ_CHECK(len == 2 || len == 4 || len == 6, "accepted %zu digits", len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_parse_code(data, size);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
        perror("fuzz/region.c: memfd");
        abort();
    }
    char err[256];
    memset(err, 'X', sizeof err);
    region_db_t *db = region_load(path, err, sizeof err);
    if (db) {
        FUZZ_CHECK(err[0] == '\0', "loaded, yet err says [%.*s]", (int)sizeof err, err);
        check_db(db);
        region_free(db);
    } else {
        FUZZ_CHECK(memchr(err, '\0', sizeof err), "err not NUL-terminated");
        FUZZ_CHECK(!strncmp(err, path, strlen(path)), "error without the path: [%s]", err);
    }
    return 0;
}
