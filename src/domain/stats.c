/* stats.c — aggregated, suppressed counts (see stats.h). */
#include "domain/stats.h"
#include "base/conf.h"
#include "base/result.h"
#include "domain/region.h"
#include "store/db.h"

static const char SQL_CELLS[] =
    "SELECT city, category, count(*), count(DISTINCT user_id) FROM listings WHERE status = 'published' "
    "AND expires_at > ?1 " /* past its date but not yet swept: no longer on offer, not counted */
    "GROUP BY city, category ORDER BY city, category";

/* A count shown only when at least k; otherwise null (the cell is marked suppressed). */
static json_t *shown(int64_t n, int k)
{
    return n >= k ? json_integer(n) : json_null();
}

int stats_public(ctx_t *c, json_t **out)
{
    int k = c->conf->stats_k;
    json_t *cells = json_array();
    sqlite3_stmt *st = db_stmt(c->db, SQL_CELLS);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t city = sqlite3_column_int64(st, 0), listings = sqlite3_column_int64(st, 2),
                posters = sqlite3_column_int64(st, 3);
        const char *name = region_name(c->regions, (uint32_t)city);
        json_array_append_new(cells, json_pack("{s:{s:I, s:s}, s:s, s:o, s:o, s:b}", "city", "code", (json_int_t)city,
                                               "name", name ? name : "", "category",
                                               (const char *)sqlite3_column_text(st, 1), "listings",
                                               shown(listings < k || posters < k ? 0 : listings, k), "posters",
                                               shown(listings < k || posters < k ? 0 : posters, k), "suppressed",
                                               listings < k || posters < k));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(cells);
        return LL_ERR;
    }
    *out = json_pack("{s:i, s:o, s:s}", "k", k, "cells", cells, "note",
                     "少于 k 的数字不公布（显示为 null），以免任何数字指向个别的人");
    return LL_OK;
}
