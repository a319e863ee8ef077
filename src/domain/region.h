/*
 * region.h — China's administrative divisions (province, city, district) with a
 * centre point each, loaded once from assets/regions/regions.tsv.
 *
 * Codes are GB/T 2260 codes as numbers, their length giving the level: 2 digits
 * a province (44), 4 a city (4401), 6 a district or county (440106). A city's code
 * starts with its province's, a district's with its city's.
 *
 * The database is immutable after region_load: every function takes it const and
 * any number of threads may share it without locks. Its one owner calls
 * region_free after the last reader is done. Lists handed out point into the
 * database and live as long as it does.
 *
 * Centres are representative points (the seat of government, in WGS-84) for
 * "nearby" search, not boundaries. Some entries have none: the groupings
 * 省直辖县级行政区划 and 重庆's 县 are not places. See assets/regions/README.md.
 */
#ifndef LL_REGION_H
#define LL_REGION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct region_db region_db_t;

typedef enum {
    REGION_PROVINCE = 1,
    REGION_CITY = 2,
    REGION_DISTRICT = 3,
} region_level_t;

/* Longest name the loader accepts, in bytes of UTF-8. */
#define REGION_NAME_MAX 96

/*
 * Loads and checks the whole file. NULL on any error, with "PATH:LINE: what" (or
 * "PATH: what") in err; a file with one bad line loads nothing.
 */
region_db_t *region_load(const char *tsv_path, char *err, size_t errlen);
/* Frees the database; NULL is allowed. */
void region_free(region_db_t *db);

/* Number of regions of one level. */
size_t region_count(const region_db_t *db, region_level_t level);
/* The level of a known code; 0 if the code is unknown. */
int region_level(const region_db_t *db, uint32_t code);
/* The display name (UTF-8), owned by db; NULL if the code is unknown. */
const char *region_name(const region_db_t *db, uint32_t code);
/* The parent's code; 0 for a province or an unknown code. */
uint32_t region_parent(const region_db_t *db, uint32_t code);
/* 0 and the centre in *lat, *lng; -1 (outputs untouched) if the code is unknown or has none. */
int region_centre(const region_db_t *db, uint32_t code, double *lat, double *lng);

/* All provinces in code order; returns their number, *codes points into db. */
size_t region_provinces(const region_db_t *db, const uint32_t **codes);
/* The cities of a province in code order; 0 (and *codes NULL) if it is not a province. */
size_t region_cities(const region_db_t *db, uint32_t province, const uint32_t **codes);
/* The districts of a city in code order; 0 (and *codes NULL) if it is not a city. */
size_t region_districts(const region_db_t *db, uint32_t city, const uint32_t **codes);

/* Whether district is a district and city is the city it belongs to. */
bool region_is_district_of(const region_db_t *db, uint32_t district, uint32_t city);

/*
 * Parses a code as received from a client: exactly 2, 4 or 6 ASCII digits, not
 * starting with 0. LL_OK and *code set, or LL_INVALID. Says nothing of whether
 * the code exists: ask region_level.
 */
int region_parse_code(const char *s, size_t len, uint32_t *code);

#endif
