/*
 * http.h — the HTTP edge: requests, routes, input checking, responses.
 *
 * A request lives in its own arena from its first byte to its completion.
 * Handlers receive checked input only: the route fixed the method and the
 * path parameters, http_input checked the JSON body against a declared
 * field list (unknown fields, wrong types and over-long values are refused
 * before the handler runs). Every error leaves as JSON:
 *   {"error": {"code": "...", "message": "中文", "message_en": "...", "field"?: "..."}}
 */
#ifndef LL_HTTP_H
#define LL_HTTP_H
#include "base/arena.h"
#include "base/ctx.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;
struct server;
typedef struct req req_t;
typedef int (*handler_fn)(req_t *r);

enum {
    R_PUBLIC = 0,
    R_AUTH = 1u << 0,    /* a valid session is required (F4) */
    R_OPTAUTH = 1u << 1, /* a session is used when present (own drafts, footprints) */
    R_UPLOAD = 1u << 2,  /* raw body up to max_upload_kb, not parsed as JSON (multipart uploads) */
    R_READ = 1u << 3,    /* reads only: the handler runs in one read transaction (one snapshot, one lock) */
    R_READ_ANON = 1u << 4, /* reads only when nobody is signed in (signed in, it records footprints) */
    R_NODB = 1u << 5,    /* needs no database connection */
    R_ANY_POLICY = 1u << 6, /* allowed before accepting a new major policy (accept, leave, export) */
    R_HELD_OK = 1u << 7,    /* allowed while a child's account awaits a guardian's consent (H1) */
    R_FORM = 1u << 8,       /* an HTML form post: body left raw for web_form_parse (application/x-www-form-urlencoded) */
    R_PAGE = 1u << 9,       /* a web page: a refusal before the handler is answered by server.page_refusal
                               (sign-in redirect, re-consent, an HTML message) instead of JSON */
};

typedef struct route {
    const char *method;
    const char *pattern; /* "/api/v1/me/sessions/{id}": {id} matches a positive integer;
                            a last segment {file} matches a file name (router.c) */
    handler_fn fn;
    unsigned flags;
    const char *role; /* staff role required (F5, least privilege), or NULL */
} route_t;

#define REQ_MAX_PARAMS 4

struct req {
    arena_t *arena;
    struct server *srv;
    struct MHD_Connection *conn;
    const char *method, *path;
    char *body;
    size_t body_len, body_cap, body_limit;
    bool too_large, responded, cookie_auth, path_known;
    const route_t *route;
    int64_t params[REQ_MAX_PARAMS];
    json_t *json; /* the parsed body, owned by the arena */
    ctx_t ctx;
    unsigned status;
    int64_t started_us; /* clock_mono_us() when the request arrived */
    struct req_header *headers; /* extra response headers */
    const char *csrf_set;       /* the CSRF cookie this response sets (web/form.c), so a page sets one only */
};

struct req_header {
    struct req_header *next;
    const char *name, *value;
};

/* IN_ARRAY: any JSON array of at most max items; the domain checks the items */
typedef enum { IN_STR, IN_INT, IN_BOOL, IN_STR_NULL, IN_STR_ARRAY, IN_INT_NULL, IN_NUM_NULL, IN_OBJECT, IN_ARRAY } in_type_t;

typedef struct {
    const char *name;
    in_type_t type;
    bool required;
    int max; /* characters for strings, items for arrays, largest value for ints */
} in_field_t;

typedef struct {
    bool present, is_null;
    const char *s;
    long long i;
    bool b;
    double d;
    json_t *arr, *obj;
} in_val_t;

/*
 * Checks the JSON body against spec; out[i] matches spec[i]. On any fault
 * the 4xx is already queued and -1 returned: the handler just returns.
 */
int http_input(req_t *r, const in_field_t *spec, int n, in_val_t *out);

/* Sends obj (reference stolen) with status. */
int http_json(req_t *r, unsigned status, json_t *obj);
/* A JSON body the caller has already written (copied; text may live in the arena). */
int http_json_text(req_t *r, unsigned status, const char *text, size_t len);
/*
 * Sends bytes (malloc'd data, ownership taken) with a content type and a
 * Cache-Control value (NULL: no-store); security headers as for JSON.
 */
int http_bytes(req_t *r, unsigned status, const char *content_type, void *data, size_t len,
               const char *cache_control);
/*
 * Sends an HTML page (copied) as text/html with the pages' strict
 * Content-Security-Policy (no inline script or style, no framing, no
 * outside origins); security headers and Cache-Control as for JSON.
 */
int http_html(req_t *r, unsigned status, const char *html, size_t len);
/*
 * Sends bytes that outlive every response (static files cached at start):
 * neither copied nor freed. Security headers as for JSON.
 */
int http_static(req_t *r, const char *content_type, const void *data, size_t len,
                const char *cache_control);
/* Sends the error for a stable code (see errors.c); field may be NULL. */
int http_error(req_t *r, const char *code, const char *field);
/* Sends the error for a domain result, from r->ctx.err_code or the result. */
int http_fail(req_t *r, int res);
/* Adds a response header to the next response. */
void http_header(req_t *r, const char *name, const char *value);
/* A query-string argument, or NULL. */
const char *http_query(req_t *r, const char *name);
/* A request header, or NULL. */
const char *http_req_header(req_t *r, const char *name);

/* Route matching: the route for method+path, with params filled. *method_ok false → 405. */
const route_t *http_route(const route_t *routes, size_t n, const char *method, const char *path,
                          int64_t params[REQ_MAX_PARAMS], bool *path_known);

#endif
