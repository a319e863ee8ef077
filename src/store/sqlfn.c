/* sqlfn.c — SQL functions added to every connection (sqlfn.h). */
#include "store/sqlfn.h"
#include <math.h>
#include <stddef.h>

static double geo_km_of(double lat0, double lng0, double lat, double lng)
{
    const double rad = M_PI / 180.0;
    double c = sin(lat0 * rad) * sin(lat * rad) + cos(lat0 * rad) * cos(lat * rad) * cos((lng - lng0) * rad);
    return 6371.0 * acos(c < 1.0 ? c : 1.0); /* rounding can push c of a point onto itself just above 1 */
}

static void geo_km(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    double v[4];
    for (int i = 0; i < argc; i++) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return; /* the result stays NULL */
        v[i] = sqlite3_value_double(argv[i]);
    }
    sqlite3_result_double(cx, geo_km_of(v[0], v[1], v[2], v[3]));
}

int sqlfn_register(sqlite3 *db)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    return sqlite3_create_function(db, "geo_km", 4, flags, NULL, geo_km, NULL, NULL) == SQLITE_OK ? 0 : -1;
}
