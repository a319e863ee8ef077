/*
 * fuzz/redact.c — libFuzzer driver for contact masking in chat text (src/privacy/redact.c).
 *
 * The input is made a NUL-terminated heap string of exactly its length (bytes after an inner
 * NUL are dropped). Promises checked (redact.h): the output is a string; with nothing found it
 * is the input byte for byte; masking the output again finds nothing new in what was masked
 * (the count of a second pass is never larger than the first).
 */
#include "fuzz.h"
#include "base/arena.h"
#include "privacy/redact.h"
#include <string.h>

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
    int again = -1;
    redact_contacts(a, out, &again);
    FUZZ_CHECK(again <= found, "a second pass found %d after %d", again, found);
    arena_free(a);
    free(in);
    return 0;
}
