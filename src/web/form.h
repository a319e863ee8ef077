/*
 * form.h — HTML form posts: the urlencoded body and the per-form CSRF token.
 *
 * A form route is declared R_FORM, so the server leaves its body raw;
 * web_form_parse checks the Content-Type, splits and percent-decodes the
 * fields into the request's arena, and refuses duplicates, unknown encodings,
 * bytes that are not UTF-8 and more than WEB_FORM_MAX_FIELDS fields.
 *
 * CSRF (signed double submit): a page with a form makes sure the browser
 * holds a random `linli_csrf` cookie (HttpOnly, SameSite=Strict) and puts
 * keyed BLAKE2b(cookie) in a hidden `csrf` field; a post is accepted only
 * when the field matches the MAC of the cookie it came with. The key is drawn
 * at process start and never leaves memory, so a sub-domain that can plant a
 * cookie still cannot forge the field; a restart only asks people to submit
 * the form once more.
 */
#ifndef LL_WEB_FORM_H
#define LL_WEB_FORM_H
#include "http/http.h"
#include <stdbool.h>

#define WEB_FORM_MAX_FIELDS 48 /* the longest form, a service's: 10 fields and a city's districts (up to 26) */

typedef struct web_form {
    size_t n;
    const char *name[WEB_FORM_MAX_FIELDS];
    const char *value[WEB_FORM_MAX_FIELDS];
} web_form_t;

/* Parses r's urlencoded body into f; 0, or -1 when malformed. */
int web_form_parse(req_t *r, web_form_t *f);
/* The same for a body and its Content-Type (NULL: none), decoded into arena a (the fuzzed part). */
int web_form_parse_body(arena_t *a, const char *content_type, const char *body, size_t len, web_form_t *f);
/* The field's value, or NULL when absent. */
const char *web_form_get(const web_form_t *f, const char *name);
/* The token for the hidden field; sets the cookie when the request carried none. */
const char *web_csrf_token(req_t *r);
/* Whether the form's csrf field matches the request's cookie. */
bool web_csrf_ok(req_t *r, const web_form_t *f);
/* Whether a token sent another way (a multipart upload's csrf part) matches the request's cookie. */
bool web_csrf_value_ok(req_t *r, const char *sent);

#endif
