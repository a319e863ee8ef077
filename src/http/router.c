/*
 * router.c — matches a method and path against the route table.
 * Patterns are literal segments and {name} segments that accept a positive
 * decimal integer up to 2^53, so handlers get ids, never raw strings.
 */
#include "http/http.h"
#include <string.h>

/* Matches one {param} segment [s, e) as a positive integer. */
static bool param_value(const char *s, const char *e, int64_t *out)
{
    int64_t v = 0;
    if (s == e || e - s > 16 || *s == '0') return false;
    for (const char *p = s; p < e; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return true;
}

static bool match(const char *pat, const char *path, int64_t params[REQ_MAX_PARAMS])
{
    int np = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *pe = strchr(pat, '}'), *se = strchr(path, '/');
            if (!se) se = path + strlen(path);
            if (!pe || np == REQ_MAX_PARAMS || !param_value(path, se, &params[np++])) return false;
            pat = pe + 1, path = se;
            continue;
        }
        if (*pat++ != *path++) return false;
    }
    return *pat == '\0' && *path == '\0';
}

const route_t *http_route(const route_t *routes, size_t n, const char *method, const char *path,
                          int64_t params[REQ_MAX_PARAMS], bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < n; i++) {
        if (!match(routes[i].pattern, path, params)) continue;
        *path_known = true;
        if (!strcmp(routes[i].method, method) || (!strcmp(method, "HEAD") && !strcmp(routes[i].method, "GET")))
            return &routes[i];
    }
    return NULL;
}
