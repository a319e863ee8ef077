/*
 * sqlfn.h — SQL functions Linli adds to every connection.
 *
 * geo_km(lat0, lng0, lat, lng): the great-circle distance in km on a sphere
 * of radius 6371 km (spherical law of cosines), NULL when any argument is
 * NULL. One C call per row instead of the dozen SQL function calls the same
 * formula costs when written in SQL (nearby searches evaluate it per point).
 */
#ifndef LL_SQLFN_H
#define LL_SQLFN_H
#include <sqlite3.h>

int sqlfn_register(sqlite3 *db);

#endif
