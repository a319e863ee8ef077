/*
 * fuzz/http_input.c — libFuzzer driver for the JSON input checker (http_input, src/http/input.c).
 *
 * The input is a request body. It is parsed as server.c's parse_body does
 * (json_loadb with JSON_REJECT_DUPLICATES, the tree owned by the request's
 * arena); a body jansson refuses never reaches http_input, as in the server,
 * while an empty body reaches it with no JSON at all. The body is then checked
 * against the field lists of every endpoint that takes one — sign-in,
 * SMS code, profile update, password, listing, report, moderation, consents,
 * account erasure — each in a fresh request.
 *
 * Errors travel the real path: http_error → http_json (src/http/server.c) →
 * libmicrohttpd. The request has no connection (conn NULL), which the
 * libmicrohttpd calls on that path accept: MHD_queue_response(NULL, ...)
 * returns MHD_NO. scripts/fuzz.sh links this driver with
 * -Wl,--wrap=MHD_create_response_from_buffer so the wrapper below sees each
 * response body before passing it on to the real function.
 *
 * Promises checked, from http.h:
 *   - on 0, nothing was sent, every required field is present, and each
 *     present value has the declared type and is within its limit;
 *   - on -1, exactly one response was sent, a 4xx, of the form
 *     {"error": {"code", "message", "message_en", "field"?}}; when the body was
 *     an object the fault is in one of its fields, and "field" names it.
 */
#include "fuzz.h"
#include "base/arena.h"
#include "base/mem.h"
#include "http/http.h"
#include <microhttpd.h>
#include <stdbool.h>
#include <string.h>

/* ---- the response bodies server.c hands to libmicrohttpd ---- */

struct MHD_Response *__real_MHD_create_response_from_buffer(size_t size, void *buffer,
                                                            enum MHD_ResponseMemoryMode mode);
struct MHD_Response *__wrap_MHD_create_response_from_buffer(size_t size, void *buffer,
                                                            enum MHD_ResponseMemoryMode mode);

static char last_body[4096];
static int responses;

struct MHD_Response *__wrap_MHD_create_response_from_buffer(size_t size, void *buffer,
                                                            enum MHD_ResponseMemoryMode mode)
{
    FUZZ_CHECK(size < sizeof last_body, "response of %zu bytes", size);
    memcpy(last_body, buffer, size);
    last_body[size] = '\0';
    responses++;
    return __real_MHD_create_response_from_buffer(size, buffer, mode);
}

/* ---- the endpoints' field lists, copied from src/api/{auth,me,listings,admin,rights}.c
 * (rights.c builds its consent list from consent_purposes; these are its slugs) ---- */

static const in_field_t sms_code[] = {{"phone", IN_STR, true, 24}, {"purpose", IN_STR, false, 16}};
static const in_field_t login[] = {
    {"phone", IN_STR, true, 24},
    {"code", IN_STR, false, 6},
    {"password", IN_STR, false, 128},
    {"accept_policy_version", IN_INT, false, 1000000},
};
static const in_field_t me_patch[] = {
    {"username", IN_STR_NULL, false, 20},   {"nickname", IN_STR_NULL, false, 20},
    {"city", IN_STR_NULL, false, 30},       {"hometown", IN_STR_NULL, false, 30},
    {"occupation", IN_STR_NULL, false, 30}, {"position", IN_STR_NULL, false, 30},
    {"interests", IN_STR_ARRAY, false, 10}, {"email", IN_STR_NULL, false, 100},
    {"qq", IN_STR_NULL, false, 12},
};
static const in_field_t me_password[] = {{"password", IN_STR, true, 128},
                                         {"code", IN_STR, true, 6}};

static const in_field_t listing[] = {
    {"category", IN_STR, false, 20},     {"subcategory", IN_STR, false, 20},
    {"title", IN_STR, false, 50},        {"description", IN_STR, false, 2000},
    {"price", IN_INT_NULL, false, 0},    {"city", IN_INT, false, 0},
    {"district", IN_INT_NULL, false, 0}, {"lat", IN_NUM_NULL, false, 0},
    {"lng", IN_NUM_NULL, false, 0},      {"contact_phone", IN_STR, false, 20},
    {"fields", IN_OBJECT, false, 0},
};
static const in_field_t consents[] = {
    {"personalization", IN_BOOL, false, 0},
    {"marketing", IN_BOOL, false, 0},
    {"precise_location", IN_BOOL, false, 0},
    {"partner_sharing", IN_BOOL, false, 0},
};
static const in_field_t erase_code[] = {{"code", IN_STR, true, 6}};
static const in_field_t report[] = {{"reason", IN_STR, true, 20}};
static const in_field_t admin_note[] = {{"note", IN_STR, false, 200}};
static const in_field_t admin_block[] = {{"kind", IN_STR, true, 8}, {"pattern", IN_STR, true, 100}};

typedef struct {
    const in_field_t *spec;
    int n;
} endpoint_t;

static const endpoint_t endpoints[] = {
    {sms_code, ARRAY_LEN(sms_code)},     {login, ARRAY_LEN(login)},
    {me_patch, ARRAY_LEN(me_patch)},     {me_password, ARRAY_LEN(me_password)},
    {listing, ARRAY_LEN(listing)},       {report, ARRAY_LEN(report)},
    {admin_note, ARRAY_LEN(admin_note)}, {admin_block, ARRAY_LEN(admin_block)},
    {consents, ARRAY_LEN(consents)},     {erase_code, ARRAY_LEN(erase_code)},
};
#define MAX_FIELDS 11

/* ---- checks ---- */

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void check_accepted(const req_t *r, const endpoint_t *ep, const in_val_t *out)
{
    FUZZ_CHECK(responses == 0 && !r->responded, "accepted, yet a response was sent");
    FUZZ_CHECK(json_is_object(r->json), "accepted a body that is not an object");
    const char *key;
    json_t *val;
    json_object_foreach(r->json, key, val)
    {
        bool declared = false;
        for (int i = 0; i < ep->n; i++)
            declared |= !strcmp(ep->spec[i].name, key);
        FUZZ_CHECK(declared, "accepted the undeclared field \"%s\"", key);
    }
    for (int i = 0; i < ep->n; i++) {
        const in_field_t *f = &ep->spec[i];
        const in_val_t *v = &out[i];
        FUZZ_CHECK(!f->required || v->present, "required %s missing", f->name);
        if (!v->present) continue;
        FUZZ_CHECK(json_object_get(r->json, f->name), "%s present but not in the body", f->name);
        if (v->is_null) {
            FUZZ_CHECK(f->type == IN_STR_NULL || f->type == IN_INT_NULL || f->type == IN_NUM_NULL,
                       "%s null but not nullable", f->name);
            continue;
        }
        switch (f->type) {
        case IN_STR:
        case IN_STR_NULL:
            FUZZ_CHECK(v->s, "%s: no string", f->name);
            FUZZ_CHECK(!f->max || utf8_chars(v->s) <= (size_t)f->max, "%s: %zu characters", f->name,
                       utf8_chars(v->s));
            break;
        case IN_INT:
        case IN_INT_NULL:
            FUZZ_CHECK(json_is_integer(json_object_get(r->json, f->name)), "%s: not an integer",
                       f->name);
            FUZZ_CHECK(v->i >= 0 && (!f->max || v->i <= f->max), "%s: %lld", f->name, v->i);
            break;
        case IN_NUM_NULL:
            FUZZ_CHECK(json_is_number(json_object_get(r->json, f->name)), "%s: not a number",
                       f->name);
            break;
        case IN_OBJECT:
            FUZZ_CHECK(json_is_object(v->obj), "%s: not an object", f->name);
            break;
        case IN_BOOL:
            FUZZ_CHECK(json_is_boolean(json_object_get(r->json, f->name)), "%s: not a boolean",
                       f->name);
            FUZZ_CHECK(v->b == json_is_true(json_object_get(r->json, f->name)), "%s: wrong value",
                       f->name);
            break;
        case IN_ARRAY: /* any items: the domain checks them */
            FUZZ_CHECK(json_is_array(v->arr), "%s: not an array", f->name);
            FUZZ_CHECK(!f->max || json_array_size(v->arr) <= (size_t)f->max, "%s: %zu items",
                       f->name, json_array_size(v->arr));
            break;
        case IN_STR_ARRAY:
            FUZZ_CHECK(json_is_array(v->arr), "%s: not an array", f->name);
            FUZZ_CHECK(!f->max || json_array_size(v->arr) <= (size_t)f->max, "%s: %zu items",
                       f->name, json_array_size(v->arr));
            for (size_t k = 0; k < json_array_size(v->arr); k++) {
                const char *s = json_string_value(json_array_get(v->arr, k));
                FUZZ_CHECK(s && utf8_chars(s) >= 1 && utf8_chars(s) <= 20, "%s[%zu]", f->name, k);
            }
            break;
        }
    }
}

static void check_refused(const req_t *r)
{
    FUZZ_CHECK(responses == 1 && r->responded, "refused with %d responses sent", responses);
    FUZZ_CHECK(r->status >= 400 && r->status < 500, "refused with status %u", r->status);
    json_error_t je;
    json_t *body = json_loads(last_body, 0, &je);
    FUZZ_CHECK(body, "error body is not JSON (%s): %s", je.text, last_body);
    json_t *err = json_object_get(body, "error");
    FUZZ_CHECK(json_is_string(json_object_get(err, "code")) &&
                   json_is_string(json_object_get(err, "message")) &&
                   json_is_string(json_object_get(err, "message_en")),
               "error body lacks code or messages: %s", last_body);
    if (json_is_object(r->json))
        FUZZ_CHECK(json_is_string(json_object_get(err, "field")),
                   "a field was at fault but the error does not name it: %s", last_body);
    json_decref(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t e = 0; e < ARRAY_LEN(endpoints); e++) {
        arena_t *a = arena_new(8192);
        req_t *r = arena_zalloc(a, sizeof *r);
        r->arena = a;
        r->ctx.arena = a;
        r->conn = NULL;
        r->method = "POST";
        r->path = "/fuzz";
        if (size > 0) {
            json_error_t je;
            r->json = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
            if (!r->json) { /* the server answers invalid_json before any handler runs */
                arena_free(a);
                return 0;
            }
            arena_on_free(a, (arena_cleanup_fn)json_decref, r->json);
        }
        in_val_t out[MAX_FIELDS];
        FUZZ_CHECK(endpoints[e].n <= MAX_FIELDS, "raise MAX_FIELDS to %d", endpoints[e].n);
        responses = 0;
        int rc = http_input(r, endpoints[e].spec, endpoints[e].n, out);
        FUZZ_CHECK(rc == 0 || rc == -1, "http_input returned %d", rc);
        if (rc == 0)
            check_accepted(r, &endpoints[e], out);
        else
            check_refused(r);
        arena_free(a);
    }
    return 0;
}
