/*
 * tmpl.h — Mustache templates for the server-rendered HTML pages.
 *
 * A template is parsed once (tmpl_parse) into an immutable node list and can
 * then be rendered any number of times, from any number of threads at once,
 * against a jansson JSON context. It follows the Mustache spec's required
 * modules: interpolation, sections, inverted sections, comments, partials and
 * set delimiters, including the standalone-line and partial-indentation rules.
 * Lambdas, inheritance and dynamic names are not supported.
 *
 * What always holds:
 *   - {{x}} is HTML-escaped (& < > " '); only {{{x}}} and {{&x}} write raw bytes.
 *   - A parsed tmpl_t never changes, and owns a private copy of its source.
 *   - Rendering never nests deeper than TMPL_MAX_DEPTH sections plus partials,
 *     so a self-including partial fails with -1 instead of exhausting the stack.
 *   - On failure tmpl_render leaves out's contents exactly as it found them.
 *
 * Falsey values, following the spec's "!!data" rule: a missing name, null,
 * false, 0, 0.0, "" and []. Every other value, including {}, is truthy.
 * Interpolation writes strings as they are, integers in decimal, reals in
 * their shortest round-trip form (1.21 -> "1.21"), booleans as "true" and
 * "false", and nothing for null, objects and arrays.
 */
#ifndef LL_TMPL_H
#define LL_TMPL_H
#include <stddef.h>
#include <jansson.h>

/* Deepest nesting of sections and partials together, at parse and at render. */
#define TMPL_MAX_DEPTH 64

typedef struct tmpl tmpl_t;

/* A growable byte buffer; data is NUL-terminated whenever it is non-NULL. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} tmpl_buf_t;

/* Looks up a partial by its NUL-terminated name; NULL renders as nothing. */
typedef const tmpl_t *(*tmpl_partials_fn)(void *pctx, const char *name);

/* Compiles src[0..len); NULL on a malformed template, with "line N: why" in err. */
tmpl_t *tmpl_parse(const char *src, size_t len, char *err, size_t errlen);

/* Frees a template from tmpl_parse; NULL is ignored. */
void tmpl_free(tmpl_t *t);

/* Appends t rendered against ctx to out; 0, or -1 if nesting is too deep. */
int tmpl_render(const tmpl_t *t, json_t *ctx, tmpl_partials_fn partials, void *pctx,
                tmpl_buf_t *out);

/* Makes an empty buffer that owns no memory yet. */
void tmpl_buf_init(tmpl_buf_t *b);

/* Empties the buffer but keeps its memory for the next render. */
void tmpl_buf_reset(tmpl_buf_t *b);

/* Releases the buffer's memory and leaves it empty and reusable. */
void tmpl_buf_free(tmpl_buf_t *b);

#endif
