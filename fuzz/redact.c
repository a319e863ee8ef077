/*
 * fuzz/redact.c — libFuzzer driver for contact masking in chat text (src/privacy/redact.c).
 *
 * The input is made a NUL-terminated heap string of exactly its length (bytes after an inner
 * NUL are dropped). Promises checked (redact.h): the output is a string; with nothing found it
 * is the input byte for byte; the output is valid UTF-8 whenever the input is.
 */
#include "fuzz.h"
#include "base/arena.h"
#include "privacy/redact.h"
#include <string.h>

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
        if (n == 9) return 0;
        unsigned cp = n ? c & (0x3F >> n) : c;
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += n + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = strnlen((const char *)data, size);
    char *in = malloc(n + 1);
    memcpy(in, data, n);
    in[n] = '\0';
    arena_t *a = arena_new(4096);
    int found = -1;
    char *out = redact_contacts(a, in, &found);
    FUZZ_CHECK(out != NULL && found >= 0, "no output");
    if (found == 0) FUZZ_CHECK(!strcmp(out, in), "changed text with nothing found");
    if (utf8_valid(in)) FUZZ_CHECK(utf8_valid(out), "valid UTF-8 in, invalid out");
    arena_free(a);
    free(in);
    return 0;
}
