/*
 * fuzz/tmpl.c — libFuzzer driver for the Mustache parser and renderer (web/tmpl.h).
 *
 * The input is a template source of arbitrary bytes. When it parses, it is
 * rendered against one fixed JSON context that holds every kind of value the
 * renderer distinguishes (HTML specials, CJK, extreme integers and reals,
 * falsey values, nested objects, arrays of objects and of arrays), with two
 * partials: "self" (the input itself, so recursion reaches the depth guard)
 * and "p" (a multi-line partial, for standalone indentation).
 *
 * Promises checked, from tmpl.h:
 *   - a failed parse returns NULL with "line N: why" in err;
 *   - the output buffer is NUL-terminated at len;
 *   - a parsed template never changes: rendering it twice gives the same bytes;
 *   - a failed render (-1) leaves out exactly as it was, here a fixed prefix.
 *
 * Rendering time is not bounded by the template's size (a section over a
 * two-item array nested k deep renders its body 2^k times; that is Mustache,
 * and templates are ours, not users'), so inputs with more than MAX_HASHES
 * '#' bytes are only parsed. Every section tag needs one, whatever the
 * delimiters, and inverted sections render at most once.
 */
#include "fuzz.h"
#include "web/tmpl.h"
#include <stdbool.h>
#include <string.h>

#define MAX_HASHES 8

static const char CONTEXT[] =
    "{\"name\": \"<b>\\\"林里\\\" & 'x'</b>\", \"empty\": \"\", \"zero\": 0, \"negzero\": -0.0,"
    " \"int\": -9223372036854775807, \"max\": 9223372036854775807, \"real\": 1.21,"
    " \"tiny\": 5e-324, \"huge\": 1.7976931348623157e308, \"t\": true, \"f\": false,"
    " \"nil\": null, \"cjk\": \"二手自行车 出售\\n九成新\", \"nul\": \"a\\u0000b\","
    " \"obj\": {\"a\": {\"b\": {\"c\": \"deep & <deeper>\"}}, \"name\": \"inner\"},"
    " \"list\": [{\"name\": \"一\", \"n\": 1}, {\"name\": \"二\", \"list\": [], \"t\": false}],"
    " \"strs\": [\"a\", \"<&>\"], \"none\": [], \"emptyobj\": {},"
    " \"nested\": [[1, 2.5], [\"x\"]], \"dot.ted\": \"never reachable by a dotted name\"}";

static const char PARTIAL_P[] = "  {{name}}\n{{#list}}\n  - {{name}}{{>self}}\n{{/list}}\n";

typedef struct {
    const tmpl_t *self, *p;
} partials_t;

static const tmpl_t *find_partial(void *pctx, const char *name)
{
    const partials_t *ps = pctx;
    if (!strcmp(name, "self")) return ps->self;
    if (!strcmp(name, "p")) return ps->p;
    return NULL;
}

static json_t *context;
static tmpl_t *partial_p;
static tmpl_t *prefix_tmpl; /* text only: how a prefix gets into a tmpl_buf_t */
static const char PREFIX[] = "prefix:";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    json_error_t je;
    context = json_loads(CONTEXT, JSON_ALLOW_NUL, &je);
    if (!context) {
        fprintf(stderr, "fuzz/tmpl.c: context: %s\n", je.text);
        abort();
    }
    char err[200];
    partial_p = tmpl_parse(PARTIAL_P, strlen(PARTIAL_P), err, sizeof err);
    if (!partial_p) {
        fprintf(stderr, "fuzz/tmpl.c: partial p: %s\n", err);
        abort();
    }
    prefix_tmpl = tmpl_parse(PREFIX, sizeof PREFIX - 1, NULL, 0);
    if (!prefix_tmpl) abort();
    return 0;
}

/* Renders t after a fixed prefix; checks the buffer invariants and returns the rc. */
static int render(const tmpl_t *t, partials_t *ps, tmpl_buf_t *out)
{
    const char *prefix = PREFIX;
    tmpl_buf_reset(out);
    FUZZ_CHECK(tmpl_render(prefix_tmpl, context, NULL, NULL, out) == 0, "text-only render failed");
    FUZZ_CHECK(out->len == sizeof PREFIX - 1, "prefix is %zu bytes", out->len);
    int rc = tmpl_render(t, context, find_partial, ps, out);
    FUZZ_CHECK(rc == 0 || rc == -1, "tmpl_render returned %d", rc);
    FUZZ_CHECK(out->data && out->data[out->len] == '\0', "output not NUL-terminated at len");
    if (rc < 0)
        FUZZ_CHECK(out->len == sizeof PREFIX - 1 && !memcmp(out->data, prefix, out->len),
                   "a failed render changed the buffer (len %zu)", out->len);
    else
        FUZZ_CHECK(out->len >= sizeof PREFIX - 1 && !memcmp(out->data, prefix, sizeof PREFIX - 1),
                   "render overwrote what was already in the buffer");
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[128];
    memset(err, 'X', sizeof err);
    tmpl_t *t = tmpl_parse((const char *)data, size, err, sizeof err);
    if (!t) {
        FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL, "err not NUL-terminated");
        FUZZ_CHECK(!strncmp(err, "line ", 5), "parse error without a line: [%s]", err);
        /* a NULL or zero-length err buffer must be tolerated too */
        FUZZ_CHECK(tmpl_parse((const char *)data, size, NULL, 0) == NULL, "parse not repeatable");
        FUZZ_CHECK(tmpl_parse((const char *)data, size, err, 1) == NULL && err[0] == '\0',
                   "one-byte err buffer");
        return 0;
    }

    size_t hashes = 0;
    for (size_t i = 0; i < size; i++)
        hashes += data[i] == '#';
    if (hashes <= MAX_HASHES) {
        partials_t ps = {.self = t, .p = partial_p};
        tmpl_buf_t a, b;
        tmpl_buf_init(&a);
        tmpl_buf_init(&b);
        int rc1 = render(t, &ps, &a);
        int rc2 = render(t, &ps, &b);
        FUZZ_CHECK(rc1 == rc2, "second render returned %d, first %d", rc2, rc1);
        FUZZ_CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len),
                   "rendering twice gave different output (%zu vs %zu bytes)", a.len, b.len);
        /* without partials, and against a non-object context, nothing may go wrong either */
        tmpl_buf_reset(&a);
        json_t *scalar = json_string("<scalar>");
        rc1 = tmpl_render(t, scalar, NULL, NULL, &a);
        FUZZ_CHECK(rc1 == 0 || rc1 == -1, "tmpl_render returned %d", rc1);
        json_decref(scalar);
        tmpl_buf_free(&a);
        tmpl_buf_free(&b);
    }
    tmpl_free(t);
    return 0;
}
