/*
 * fuzz/form.c — libFuzzer driver for the HTML form parser (web/form.h, web_form_parse_body).
 *
 * The input is "CONTENT-TYPE\nBODY"; without a line break the Content-Type is
 * application/x-www-form-urlencoded and the whole input is the body. The body
 * is copied to a heap block of exactly its size (no NUL after it), so a read
 * past its end is an ASan report.
 * Promises checked (form.h):
 *   - the result is 0 or -1; on -1 no field is handed back (n == 0);
 *   - without the urlencoded Content-Type nothing parses;
 *   - on success there are at most WEB_FORM_MAX_FIELDS fields, each name
 *     non-empty and unique, each name and value NUL-terminated valid UTF-8
 *     without a NUL inside, and no longer than the body (decoding shrinks);
 *   - web_form_get finds every parsed field by its name, with its value.
 */
#include "fuzz.h"
#include "base/arena.h"
#include "web/form.h"
#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool valid_utf8(const unsigned char *p)
{
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
        if (n < 0) return false;
        for (int i = 1; i <= n; i++)
            if ((p[i] & 0xc0) != 0x80) return false;
        p += n + 1;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char ct[256] = "application/x-www-form-urlencoded";
    const uint8_t *body_in = data;
    size_t blen = size;
    const uint8_t *nl = memchr(data, '\n', size < sizeof ct ? size : sizeof ct);
    if (nl) {
        memcpy(ct, data, (size_t)(nl - data));
        ct[nl - data] = '\0';
        body_in = nl + 1;
        blen = size - (size_t)(nl + 1 - data);
    }
    char *body = malloc(blen ? blen : 1);
    if (blen) memcpy(body, body_in, blen);
    arena_t *a = arena_new(4096);
    web_form_t f;
    int rc = web_form_parse_body(a, ct, blen ? body : NULL, blen, &f);
    FUZZ_CHECK(rc == 0 || rc == -1, "result %d", rc);
    bool urlencoded = strlen(ct) >= 33 && !strncasecmp(ct, "application/x-www-form-urlencoded", 33) &&
                      (ct[33] == '\0' || ct[33] == ';');
    if (rc) {
        FUZZ_CHECK(f.n == 0, "a refusal handed back %zu fields", f.n);
    } else {
        FUZZ_CHECK(urlencoded, "parsed with Content-Type '%s'", ct);
        FUZZ_CHECK(f.n <= WEB_FORM_MAX_FIELDS, "%zu fields", f.n);
        for (size_t i = 0; i < f.n; i++) {
            FUZZ_CHECK(f.name[i][0] != '\0', "field %zu has an empty name", i);
            FUZZ_CHECK(strlen(f.name[i]) <= blen && strlen(f.value[i]) <= blen, "field %zu longer than the body", i);
            FUZZ_CHECK(valid_utf8((const unsigned char *)f.name[i]) && valid_utf8((const unsigned char *)f.value[i]),
                       "field %zu is not UTF-8", i);
            for (size_t j = 0; j < i; j++) FUZZ_CHECK(strcmp(f.name[i], f.name[j]), "duplicate name '%s'", f.name[i]);
            FUZZ_CHECK(web_form_get(&f, f.name[i]) == f.value[i], "field '%s' not found by name", f.name[i]);
        }
    }
    arena_free(a);
    free(body);
    return 0;
}
