/*
 * router.c — matches a method and path against the route table.
 * Patterns are literal segments and {name} segments that accept a positive
 * decimal integer up to 2^53, so handlers get ids, never raw strings.
 * One exception, for serving stored files: {file} as the last segment of a
 * pattern accepts a file name (see file_value) and captures nothing; the
 * handler reads it as the path's last segment and checks it again.
 */
#include "http/http.h"
#include <stdint.h>
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
    if (v > (INT64_C(1) << 53)) return false; /* ids stay exact in JSON numbers */
    *out = v;
    return true;
}

/* Matches a {file} segment [s, e): 1–128 of [A-Za-z0-9_.-], not starting with a dot (so never ".."). */
static bool file_value(const char *s, const char *e)
{
    if (s == e || e - s > 128 || *s == '.') return false;
    for (const char *p = s; p < e; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  ch == '.' || ch == '-';
        if (!ok) return false;
    }
    return true;
}

static bool match(const char *pat, const char *path, int64_t params[REQ_MAX_PARAMS])
{
    int np = 0;
    while (*pat && *path) {
        if (*pat != '{') { /* the common case: a literal character */
            if (*pat++ != *path++) return false;
            continue;
        }
        if (!strcmp(pat, "{file}")) {
            if (!file_value(path, path + strlen(path))) return false;
            pat += 6, path += strlen(path);
            continue;
        }
        const char *pe = strchr(pat, '}'), *se = strchr(path, '/');
        if (!se) se = path + strlen(path);
        if (!pe || np == REQ_MAX_PARAMS || !param_value(path, se, &params[np++])) return false;
        pat = pe + 1, path = se;
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
