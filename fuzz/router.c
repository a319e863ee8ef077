/*
 * fuzz/router.c — libFuzzer driver for route matching (http_route, src/http/router.c)
 * against the real route table, api_routes (src/api/routes.c).
 *
 * The input is "METHOD\nPATH"; without a line break it is all path and the
 * method is GET. Both are C strings, as libmicrohttpd hands them over, so a
 * NUL ends either early.
 *
 * The driver carries its own matcher, written from the promises in http.h and
 * router.c rather than from the code: a path matches a pattern when it has
 * the same '/'-separated segments, each literal segment equal and each {name}
 * segment a positive decimal integer up to 2^53 without leading zeros,
 * except that a {file} last segment takes a file name (1 to 128 of
 * [A-Za-z0-9_.-], not starting with a dot) and captures nothing. Then:
 *   - http_route returns the first route that matches with the method (HEAD
 *     also takes a GET route), else NULL;
 *   - *path_known says whether any route matches the path, whatever the method;
 *   - the returned route's params are the path's integers, in order.
 */
#include "fuzz.h"
#include "http/http.h"
#include <stdbool.h>
#include <string.h>

extern const route_t api_routes[];
extern const size_t api_nroutes;

#define PARAM_MAX 9007199254740992LL /* 2^53, the largest id JavaScript clients keep exact */

/* Segment [s, e) as a documented {param}: canonical positive decimal <= 2^53. */
static bool ref_param(const char *s, const char *e, int64_t *out)
{
    if (s == e || *s == '0' || e - s > 16) return false;
    int64_t v = 0;
    for (const char *p = s; p < e; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (*p - '0');
    }
    if (v > PARAM_MAX) return false;
    *out = v;
    return true;
}

/* Segment [s, e) as a documented {file}. */
static bool ref_file(const char *s, const char *e)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
    if (s == e || e - s > 128 || *s == '.') return false;
    for (const char *p = s; p < e; p++)
        if (!memchr(ok, *p, sizeof ok - 1)) return false;
    return true;
}

static bool ref_match(const char *pat, const char *path, int64_t params[REQ_MAX_PARAMS])
{
    int np = 0;
    for (;;) {
        const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
        size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
        size_t sl = se ? (size_t)(se - path) : strlen(path);
        if (!pe && !strcmp(pat, "{file}")) {
            if (!ref_file(path, path + sl)) return false;
        } else if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
            if (np == REQ_MAX_PARAMS || !ref_param(path, path + sl, &params[np++])) return false;
        } else if (pl != sl || memcmp(pat, path, pl) != 0) {
            return false;
        }
        if (!pe || !se) return !pe && !se;
        pat = pe + 1;
        path = se + 1;
    }
}

static bool method_ok(const route_t *rt, const char *method)
{
    return !strcmp(rt->method, method) || (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 5);
    const char *method = "GET", *path = buf;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *nl = memchr(buf, '\n', size);
    if (nl) {
        *nl = '\0';
        method = buf;
        path = nl + 1;
    }

    int64_t params[REQ_MAX_PARAMS] = {0};
    bool known = true;
    const route_t *got = http_route(api_routes, api_nroutes, method, path, params, &known);

    const route_t *want = NULL;
    int64_t want_params[REQ_MAX_PARAMS] = {0};
    bool want_known = false;
    for (size_t i = 0; i < api_nroutes; i++) {
        int64_t p[REQ_MAX_PARAMS] = {0};
        if (!ref_match(api_routes[i].pattern, path, p)) continue;
        want_known = true;
        if (!want && method_ok(&api_routes[i], method)) {
            want = &api_routes[i];
            memcpy(want_params, p, sizeof p);
        }
    }
    FUZZ_CHECK(got == want, "%s %s: routed to %s %s, expected %s %s", method, path,
               got ? got->method : "-", got ? got->pattern : "(none)", want ? want->method : "-",
               want ? want->pattern : "(none)");
    FUZZ_CHECK(known == want_known, "%s %s: path_known %d, expected %d", method, path, known,
               want_known);
    if (got) {
        size_t np = 0;
        for (const char *c = got->pattern; (c = strchr(c, '{')) != NULL; c++)
            np += strcmp(c, "{file}") != 0;
        for (size_t i = 0; i < np; i++)
            FUZZ_CHECK(params[i] == want_params[i], "%s: param %zu is %lld, expected %lld", path, i,
                       (long long)params[i], (long long)want_params[i]);
    }
    free(buf);
    return 0;
}
