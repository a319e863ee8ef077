/*
 * history.h — a signed-in person's footprints (浏览足迹) and search history
 * (B8, F2, G2): kept for the person's own benefit, shown to them, clearable
 * by them, and deleted by the retention sweep after 30 days. Search words
 * and addresses are sealed with the person's key.
 */
#ifndef LL_HISTORY_H
#define LL_HISTORY_H
#include "base/ctx.h"
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t listing_id; /* footprints */
    const char *query;  /* searches */
    int64_t at;
} history_item_t;

int history_add_search(ctx_t *c, const char *query);
int history_add_browse(ctx_t *c, int64_t listing_id);
int history_list(ctx_t *c, history_item_t **browse, size_t *nb, history_item_t **search, size_t *ns);
/* what: "all", "browse" or "search". */
int history_clear(ctx_t *c, const char *what);

#endif
