/*
 * stats.h — public statistics of use (D4): published listings and active
 * posters per city and category. A cell counting fewer than k (setting
 * stats_k) is suppressed, so no figure can point at a few people.
 */
#ifndef LL_STATS_H
#define LL_STATS_H
#include "base/ctx.h"
#include <jansson.h>

/* {"k", "cells": [{"city", "category", "listings" | null, "posters" | null, "suppressed"}]} */
int stats_public(ctx_t *c, json_t **out);

#endif
