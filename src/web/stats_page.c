/*
 * stats_page.c — the public statistics page (D4): published listings per
 * category as a bar chart drawn here as inline SVG (no script, no outside
 * library), and the table of cities and categories behind it.
 *
 * What always holds: every figure comes from stats_public, which already
 * withholds any count under k; the chart adds up only figures that are
 * published in the table, so nothing withheld can be recovered from it.
 */
#include "base/result.h"
#include "domain/category.h"
#include "domain/stats.h"
#include "web/web.h"
#include <string.h>

/* Chart geometry, in SVG user units (the SVG scales to the page width). */
#define CHART_W     340
#define LABEL_W     72
#define VALUE_W     48
#define ROW_H       36
#define BAR_H       22
#define BAR_MAX     (CHART_W - LABEL_W - VALUE_W)

/* One bar per category: y, width and the label's baseline, computed here so the template only places them. */
static json_t *chart_bars(const long long *totals, long long max)
{
    json_t *bars = json_array();
    for (size_t i = 0; i < cat_count; i++) {
        int w = max > 0 ? (int)(totals[i] * BAR_MAX / max) : 0;
        if (totals[i] > 0 && w < 2) w = 2; /* a small but real count stays visible */
        int y = (int)i * ROW_H;
        json_array_append_new(bars, json_pack("{s:s, s:I, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "label",
                                              cat_all[i].name, "value", (json_int_t)totals[i], "y", y + (ROW_H - BAR_H) / 2,
                                              "h", BAR_H, "w", w, "x", LABEL_W, "text_y", y + ROW_H / 2 + 6, "value_x",
                                              LABEL_W + w + 6, "label_x", LABEL_W - 8));
    }
    return bars;
}

int web_stats(req_t *r)
{
    json_t *out, *cell;
    size_t i;
    int res = stats_public(&r->ctx, &out);
    if (res) return http_fail(r, res);
    long long totals[16] = {0}, max = 0;
    int withheld = 0;
    json_t *rows = json_array();
    json_array_foreach(json_object_get(out, "cells"), i, cell)
    {
        const category_t *cat = cat_find(json_string_value(json_object_get(cell, "category")));
        json_t *listings = json_object_get(cell, "listings"), *posters = json_object_get(cell, "posters");
        bool suppressed = json_is_true(json_object_get(cell, "suppressed"));
        if (!cat) continue;
        if (suppressed) {
            withheld++;
            continue;
        }
        totals[cat - cat_all] += json_integer_value(listings);
        json_array_append_new(rows, json_pack("{s:O, s:s, s:O, s:O}", "city",
                                              json_object_get(json_object_get(cell, "city"), "name"), "category",
                                              cat->name, "listings", listings, "posters", posters));
    }
    for (size_t k = 0; k < cat_count; k++)
        if (totals[k] > max) max = totals[k];
    json_t *ctx = json_pack("{s:s, s:o, s:o, s:I, s:i, s:i, s:i, s:b}", "title", "平台统计", "bars",
                            chart_bars(totals, max), "rows", rows, "k", json_integer_value(json_object_get(out, "k")),
                            "withheld", withheld, "chart_w", CHART_W, "chart_h", (int)cat_count * ROW_H, "has_rows",
                            json_array_size(rows) > 0);
    json_object_set_new(ctx, "nav_stats", json_true());
    json_decref(out);
    return web_page(r, 200, "stats", ctx);
}
