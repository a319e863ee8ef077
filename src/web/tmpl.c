/*
 * tmpl.c — Mustache parser and renderer (see tmpl.h).
 *
 * Parsing turns the source into one flat array of nodes. A section's body is
 * the run of nodes between the section node and its `end` index, so rendering
 * walks index ranges and no tree is ever built. Text and names point into the
 * template's own copy of the source. Names are NUL-terminated in that copy:
 * the byte after a name always belongs to its tag (padding or the closing
 * delimiter), never to text, so overwriting it changes no output.
 *
 * Standalone lines are settled at parse time: a section, inverted, close,
 * comment, partial or set-delimiter tag alone on its line takes the line's
 * blanks and line break with it, and a standalone partial keeps those blanks
 * as its indent.
 *
 * Partial indentation is applied while rendering instead of re-parsing an
 * indented copy of each partial. After each template line break the level's
 * indent becomes "pending"; it is written just before the next output byte or
 * at the next tag that is not standalone. So interpolated data is never
 * indented, and a partial's final line break leaves no dangling indent —
 * exactly what the spec's "indent every line of the partial" produces.
 */
#include "web/tmpl.h"
#include "base/mem.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DELIM_MAX  16 /* longest delimiter a set-delimiter tag may choose */
#define NAME_SHOWN 40 /* longest name quoted in an error message */

typedef enum { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL } node_kind_t;

typedef struct {
    node_kind_t kind;
    bool standalone;    /* sections and partials: the tag was alone on its line */
    const char *str;    /* text bytes, or a NUL-terminated name */
    size_t len;         /* a zero-length text is a marker that only flushes indent */
    const char *indent; /* standalone partial: the blanks before the tag */
    size_t indent_len;
    size_t end; /* sections: index one past the body */
} node_t;

struct tmpl {
    char *src; /* private copy of the source; nodes point into it */
    node_t *nodes;
    size_t n, cap;
};

/* ---- buffer ---- */

void tmpl_buf_init(tmpl_buf_t *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void tmpl_buf_reset(tmpl_buf_t *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void tmpl_buf_free(tmpl_buf_t *b)
{
    free(b->data);
    tmpl_buf_init(b);
}

static void buf_put(tmpl_buf_t *b, const char *s, size_t n)
{
    if (n >= b->cap - b->len) { /* strictly less keeps a byte for the NUL */
        if (n > SIZE_MAX / 2 - b->len) PANIC("template output too large");
        size_t cap = b->cap ? b->cap : 256;
        while (cap <= b->len + n)
            cap *= 2;
        b->data = mem_realloc(b->data, cap);
        b->cap = cap;
    }
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* ---- parsing ---- */

typedef struct {
    const char *src; /* the caller's bytes: scanned, never written */
    size_t len;
    tmpl_t *t;
    char otag[DELIM_MAX], ctag[DELIM_MAX];
    size_t olen, clen;
    size_t text_start;           /* first byte not yet claimed by a text node or tag */
    size_t open[TMPL_MAX_DEPTH]; /* node indices of the unclosed sections */
    size_t nopen;
    char *err;
    size_t errlen;
} parser_t;

typedef struct {
    char sigil;  /* '#', '^', '/', '>', '!', '=', '&', '{', or 0 for a variable */
    size_t end;  /* one past the closing delimiter */
    size_t name; /* trimmed content */
    size_t name_len;
    bool standalone;
    size_t line_start; /* standalone: where the tag's line begins */
    size_t after;      /* standalone: one past the line break that ends it */
} tag_t;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static size_t line_of(const char *s, size_t at)
{
    size_t line = 1;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + at - p))) != NULL; p++)
        line++;
    return line;
}

__attribute__((format(printf, 3, 4))) static int fail(parser_t *p, size_t at, const char *fmt, ...)
{
    if (!p->err || !p->errlen) return -1;
    int k = snprintf(p->err, p->errlen, "line %zu: ", line_of(p->src, at));
    if (k < 0 || (size_t)k >= p->errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

static int shown(size_t len)
{
    return (int)(len < NAME_SHOWN ? len : NAME_SHOWN);
}

static node_t *add_node(parser_t *p, node_kind_t kind, size_t at, size_t len)
{
    tmpl_t *t = p->t;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->nodes = mem_realloc(t->nodes, t->cap * sizeof *t->nodes);
    }
    node_t *nd = &t->nodes[t->n++];
    *nd = (node_t){.kind = kind, .str = t->src + at, .len = len};
    return nd;
}

static void add_text(parser_t *p, size_t from, size_t to)
{
    if (to > from) add_node(p, N_TEXT, from, to - from);
}

/* Names are non-empty runs of visible bytes; dotted names have no empty parts. */
static bool valid_name(const char *s, size_t n, bool dotted)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f) return false;
    if (!dotted || (n == 1 && s[0] == '.')) return true;
    if (s[0] == '.' || s[n - 1] == '.') return false;
    for (size_t i = 1; i < n; i++)
        if (s[i] == '.' && s[i - 1] == '.') return false;
    return true;
}

/* Finds the tag's closing delimiter and trims its content; at is the opening one. */
static int scan_tag(parser_t *p, size_t at, tag_t *tag)
{
    size_t c = at + p->olen;
    while (c < p->len && is_space(p->src[c]))
        c++;
    tag->sigil = 0;
    if (c < p->len && p->src[c] && strchr("#^/>!=&{", p->src[c])) tag->sigil = p->src[c++];

    /* {{{x}}} and {{=a b=}} end at their own character followed by the delimiter */
    char needle[DELIM_MAX + 1];
    size_t nn = 0;
    if (tag->sigil == '{') needle[nn++] = '}';
    if (tag->sigil == '=') needle[nn++] = '=';
    memcpy(needle + nn, p->ctag, p->clen);
    nn += p->clen;

    const char *close = memmem(p->src + c, p->len - c, needle, nn);
    if (!close) return fail(p, at, "tag opened here is never closed");
    size_t e = (size_t)(close - p->src);
    tag->end = e + nn;
    while (c < e && is_space(p->src[c]))
        c++;
    while (e > c && is_space(p->src[e - 1]))
        e--;
    tag->name = c;
    tag->name_len = e - c;
    return 0;
}

/* A tag is standalone when only blanks share its line; the line break goes with it. */
static void find_standalone(const parser_t *p, size_t at, tag_t *tag)
{
    tag->standalone = false;
    if (!tag->sigil || !strchr("#^/>!=", tag->sigil)) return;
    size_t b = at;
    while (b > p->text_start && is_blank(p->src[b - 1]))
        b--;
    /* b == text_start after another tag ends in '}' etc., never in '\n', unless that
     * tag was standalone and took its line break — then this line is fresh too */
    if (b > 0 && p->src[b - 1] != '\n') return;
    size_t e = tag->end;
    while (e < p->len && is_blank(p->src[e]))
        e++;
    if (e < p->len) {
        if (p->src[e] == '\n')
            e++;
        else if (p->src[e] == '\r' && e + 1 < p->len && p->src[e + 1] == '\n')
            e += 2;
        else
            return;
    }
    tag->standalone = true;
    tag->line_start = b;
    tag->after = e;
}

static int set_delims(parser_t *p, size_t at, const tag_t *tag)
{
    const char *s = p->src + tag->name, *e = s + tag->name_len;
    const char *a = s;
    while (a < e && !is_space(*a))
        a++;
    const char *b = a;
    while (b < e && is_space(*b))
        b++;
    size_t olen = (size_t)(a - s), clen = (size_t)(e - b);
    bool ok = olen && clen && olen <= DELIM_MAX && clen <= DELIM_MAX && !memchr(s, '=', olen) &&
              !memchr(b, '=', clen);
    for (const char *q = b; ok && q < e; q++)
        ok = !is_space(*q) && *q;
    for (const char *q = s; ok && q < a; q++)
        ok = *q != '\0';
    if (!ok)
        return fail(p, at, "set-delimiter tag needs two delimiters of 1 to %d bytes, without '='",
                    DELIM_MAX);
    memcpy(p->otag, s, olen);
    memcpy(p->ctag, b, clen);
    p->olen = olen;
    p->clen = clen;
    return 0;
}

/* Ends the tag's name with a NUL in the template's copy, for the partials callback. */
static void terminate_name(parser_t *p, const tag_t *tag)
{
    p->t->src[tag->name + tag->name_len] = '\0';
}

static int open_section(parser_t *p, size_t at, const tag_t *tag)
{
    if (p->nopen == TMPL_MAX_DEPTH)
        return fail(p, at, "sections nested deeper than %d", TMPL_MAX_DEPTH);
    node_t *nd = add_node(p, tag->sigil == '#' ? N_SECTION : N_INVERTED, tag->name, tag->name_len);
    terminate_name(p, tag);
    nd->standalone = tag->standalone;
    p->open[p->nopen++] = p->t->n - 1;
    return 0;
}

static int close_section(parser_t *p, size_t at, const tag_t *tag)
{
    const char *name = p->src + tag->name;
    if (p->nopen == 0)
        return fail(p, at, "closing tag '%.*s' has no open section", shown(tag->name_len), name);
    node_t *nd = &p->t->nodes[p->open[--p->nopen]];
    if (nd->len != tag->name_len || memcmp(nd->str, name, nd->len) != 0)
        return fail(p, at, "section '%.*s' closed by '%.*s'", shown(nd->len), nd->str,
                    shown(tag->name_len), name);
    nd->end = p->t->n;
    return 0;
}

static void add_partial(parser_t *p, size_t at, const tag_t *tag)
{
    node_t *nd = add_node(p, N_PARTIAL, tag->name, tag->name_len);
    terminate_name(p, tag);
    nd->standalone = tag->standalone;
    if (tag->standalone) {
        nd->indent = p->t->src + tag->line_start;
        nd->indent_len = at - tag->line_start;
    }
}

static int add_tag(parser_t *p, size_t at, const tag_t *tag)
{
    bool named = tag->sigil != '!' && tag->sigil != '=';
    if (named && !valid_name(p->src + tag->name, tag->name_len, tag->sigil != '>'))
        return fail(p, at, "tag needs a name without spaces (dotted names without empty parts)");
    switch (tag->sigil) {
    case '!':
        break;
    case '=':
        if (set_delims(p, at, tag) < 0) return -1;
        break;
    case '#':
    case '^':
        return open_section(p, at, tag);
    case '/':
        if (close_section(p, at, tag) < 0) return -1;
        break;
    case '>':
        add_partial(p, at, tag);
        return 0;
    default:
        add_node(p, tag->sigil ? N_RAW : N_VAR, tag->name, tag->name_len);
        terminate_name(p, tag);
        return 0;
    }
    /* comments, delimiters and closes leave no node, but an inline one still
     * counts as content on its line, so a pending indent must be written */
    if (!tag->standalone) add_node(p, N_TEXT, at, 0);
    return 0;
}

static int parse_tag(parser_t *p, size_t at)
{
    tag_t tag = {0};
    if (scan_tag(p, at, &tag) < 0) return -1;
    find_standalone(p, at, &tag);
    add_text(p, p->text_start, tag.standalone ? tag.line_start : at);
    p->text_start = tag.standalone ? tag.after : tag.end;
    return add_tag(p, at, &tag);
}

static int parse_all(parser_t *p)
{
    const char *o;
    while (p->text_start < p->len &&
           (o = memmem(p->src + p->text_start, p->len - p->text_start, p->otag, p->olen)))
        if (parse_tag(p, (size_t)(o - p->src)) < 0) return -1;
    add_text(p, p->text_start, p->len);
    if (p->nopen) {
        const node_t *nd = &p->t->nodes[p->open[p->nopen - 1]];
        return fail(p, (size_t)(nd->str - p->t->src), "section '%.*s' is never closed",
                    shown(nd->len), nd->str);
    }
    return 0;
}

tmpl_t *tmpl_parse(const char *src, size_t len, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!src) {
        if (len) return NULL;
        src = "";
    }
    tmpl_t *t = mem_calloc(1, sizeof *t);
    t->src = mem_alloc(len + 1);
    memcpy(t->src, src, len);
    t->src[len] = '\0';
    parser_t p = {
        .src = src, .len = len, .t = t, .olen = 2, .clen = 2, .err = err, .errlen = errlen};
    memcpy(p.otag, "{{", 2);
    memcpy(p.ctag, "}}", 2);
    if (parse_all(&p) < 0) {
        tmpl_free(t);
        return NULL;
    }
    return t;
}

void tmpl_free(tmpl_t *t)
{
    if (!t) return;
    free(t->nodes);
    free(t->src);
    free(t);
}

/* ---- rendering ---- */

typedef struct {
    tmpl_buf_t *out;
    tmpl_partials_fn partials;
    void *pctx;
    json_t *stack[TMPL_MAX_DEPTH + 1]; /* the root plus one entry per entered section */
    size_t nstack;
    int depth; /* sections and partials currently entered */
    char *ind; /* the indents of all active partial levels, end to end */
    size_t ind_used, ind_cap;
    size_t cur_off, cur_len;   /* this level's indent, within ind */
    size_t pend_off, pend_len; /* indent owed before the next output byte; 0 = none */
} render_t;

typedef struct {
    const char *s;
    size_t n;
} escape_t;

/* Nonzero at each byte {{x}} must escape: its index in html_entities. */
static const unsigned char html_special[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const escape_t html_entities[] = {
    {"", 0}, {"&amp;", 5}, {"&lt;", 4}, {"&gt;", 4}, {"&quot;", 6}, {"&#39;", 5},
};

static int render_range(render_t *r, const tmpl_t *t, size_t i, size_t end);

static void flush_indent(render_t *r)
{
    if (!r->pend_len) return;
    buf_put(r->out, r->ind + r->pend_off, r->pend_len);
    r->pend_len = 0;
}

static void put_text(render_t *r, const char *s, size_t n)
{
    flush_indent(r);
    if (!r->cur_len) {
        buf_put(r->out, s, n);
        return;
    }
    for (const char *end = s + n; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *stop = nl ? nl + 1 : end;
        flush_indent(r);
        buf_put(r->out, s, (size_t)(stop - s));
        if (nl) {
            r->pend_off = r->cur_off;
            r->pend_len = r->cur_len;
        }
        s = stop;
    }
}

static void put_escaped(tmpl_buf_t *out, const char *s, size_t n)
{
    for (const char *end = s + n; s < end;) {
        const char *p = s;
        while (p < end && !html_special[(unsigned char)*p])
            p++;
        buf_put(out, s, (size_t)(p - s));
        if (p == end) break;
        const escape_t *e = &html_entities[html_special[(unsigned char)*p]];
        buf_put(out, e->s, e->n);
        s = p + 1;
    }
}

/* Decimal digits without snprintf, which dominated number-heavy pages. */
static size_t format_int(char *buf, json_int_t v)
{
    char digits[24];
    size_t n = 0, k = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        digits[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0) buf[k++] = '-';
    while (n)
        buf[k++] = digits[--n];
    return k;
}

/* Shortest "%g" form that reads back as the same double, as JSON writers do. */
static size_t format_real(char *buf, size_t size, double d)
{
    int k = 0;
    for (int prec = 1; prec <= 17; prec++) {
        k = snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    return k > 0 ? (size_t)k : 0;
}

static void put_value(render_t *r, const json_t *v, bool escape)
{
    char num[40];
    const char *s;
    size_t n;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        s = json_string_value(v);
        n = json_string_length(v);
        break;
    case JSON_INTEGER:
        n = format_int(num, json_integer_value(v));
        s = num;
        break;
    case JSON_REAL:
        n = format_real(num, sizeof num, json_real_value(v));
        s = num;
        break;
    case JSON_TRUE:
        s = "true", n = 4;
        break;
    case JSON_FALSE:
        s = "false", n = 5;
        break;
    default:
        return;
    }
    if (escape)
        put_escaped(r->out, s, n);
    else
        buf_put(r->out, s, n);
}

/* The first part resolves up the context stack; later parts only inside it. */
static json_t *lookup(const render_t *r, const char *name, size_t len)
{
    if (len == 1 && name[0] == '.') return r->stack[r->nstack - 1];
    const char *end = name + len;
    const char *dot = memchr(name, '.', len);
    size_t part = (size_t)((dot ? dot : end) - name);
    json_t *v = NULL;
    for (size_t k = r->nstack; k-- > 0 && !v;)
        if (json_is_object(r->stack[k])) v = json_object_getn(r->stack[k], name, part);
    while (v && dot) {
        name = dot + 1;
        dot = memchr(name, '.', (size_t)(end - name));
        part = (size_t)((dot ? dot : end) - name);
        v = json_is_object(v) ? json_object_getn(v, name, part) : NULL;
    }
    return v;
}

static bool truthy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT:
    case JSON_TRUE:
        return true;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0.0;
    default:
        return false;
    }
}

/* Renders a section body once, with item (if any) on top of the context stack. */
static int render_body(render_t *r, const tmpl_t *t, const node_t *nd, json_t *item)
{
    if (r->depth >= TMPL_MAX_DEPTH) return -1;
    r->depth++;
    if (item) r->stack[r->nstack++] = item;
    size_t first = (size_t)(nd - t->nodes) + 1;
    int rc = render_range(r, t, first, nd->end);
    if (item) r->nstack--;
    r->depth--;
    return rc;
}

static int render_section(render_t *r, const tmpl_t *t, const node_t *nd)
{
    if (!nd->standalone) flush_indent(r);
    json_t *v = lookup(r, nd->str, nd->len);
    if (nd->kind == N_INVERTED) return truthy(v) ? 0 : render_body(r, t, nd, NULL);
    if (!truthy(v)) return 0;
    if (!json_is_array(v)) return render_body(r, t, nd, v);
    for (size_t k = 0; k < json_array_size(v); k++)
        if (render_body(r, t, nd, json_array_get(v, k)) < 0) return -1;
    return 0;
}

/* A standalone partial's indent is its parent's indent plus its own blanks. */
static void push_indent(render_t *r, const node_t *nd)
{
    size_t len = r->cur_len + nd->indent_len;
    size_t off = r->ind_used;
    if (len) {
        if (len > r->ind_cap - off) {
            r->ind_cap = (off + len) * 2;
            r->ind = mem_realloc(r->ind, r->ind_cap);
        }
        if (r->cur_len) memcpy(r->ind + off, r->ind + r->cur_off, r->cur_len);
        memcpy(r->ind + off + r->cur_len, nd->indent, nd->indent_len);
    }
    r->cur_off = r->pend_off = off;
    r->cur_len = r->pend_len = len;
    r->ind_used = off + len;
}

static int render_partial(render_t *r, const node_t *nd)
{
    if (!nd->standalone) flush_indent(r);
    const tmpl_t *p = r->partials ? r->partials(r->pctx, nd->str) : NULL;
    if (!p) return 0;
    if (r->depth >= TMPL_MAX_DEPTH) return -1;
    size_t saved_off = r->cur_off, saved_len = r->cur_len, saved_used = r->ind_used;
    if (nd->standalone)
        push_indent(r, nd);
    else
        r->cur_len = 0; /* an inline partial's lines are not indented */
    r->depth++;
    int rc = render_range(r, p, 0, p->n);
    r->depth--;
    r->cur_off = saved_off;
    r->cur_len = saved_len;
    r->ind_used = saved_used;
    if (nd->standalone) { /* the parent resumes at the start of its next line */
        r->pend_off = saved_off;
        r->pend_len = saved_len;
    }
    return rc;
}

static int render_range(render_t *r, const tmpl_t *t, size_t i, size_t end)
{
    while (i < end) {
        const node_t *nd = &t->nodes[i];
        switch (nd->kind) {
        case N_TEXT:
            put_text(r, nd->str, nd->len);
            break;
        case N_VAR:
        case N_RAW:
            flush_indent(r);
            put_value(r, lookup(r, nd->str, nd->len), nd->kind == N_VAR);
            break;
        case N_SECTION:
        case N_INVERTED:
            if (render_section(r, t, nd) < 0) return -1;
            i = nd->end;
            continue;
        case N_PARTIAL:
            if (render_partial(r, nd) < 0) return -1;
            break;
        }
        i++;
    }
    return 0;
}

int tmpl_render(const tmpl_t *t, json_t *ctx, tmpl_partials_fn partials, void *pctx,
                tmpl_buf_t *out)
{
    if (!t || !out) return -1;
    render_t r = {.out = out, .partials = partials, .pctx = pctx, .nstack = 1};
    r.stack[0] = ctx;
    size_t mark = out->len;
    int rc = render_range(&r, t, 0, t->n);
    free(r.ind);
    if (rc < 0) {
        out->len = mark;
        if (out->data) out->data[mark] = '\0';
    }
    return rc;
}
