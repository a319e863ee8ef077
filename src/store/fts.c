/*
 * fts.c — the "linli" FTS5 tokenizer and the query translator (fts.h).
 *
 * Text is cut into runs: a run of CJK characters (Han incl. extensions A–G and
 * compatibility ideographs, 々〆〇, kana, hangul syllables) or a run of ASCII
 * letters/digits (full-width ＡＢＣ１２３ folded to half-width, then
 * lower-cased). Everything else — punctuation, spaces, emoji, invalid UTF-8
 * bytes — only separates runs. A CJK run and an adjacent Latin run are two
 * runs: "iPhone手机13" is iphone / 手机 / 13.
 *
 * Tokens. A Latin run is one token (its first LATIN_MAX bytes; the rest of an
 * absurdly long run is not indexed, and queries are cut the same way). A CJK
 * run c0 c1 … cn-1 gives one position per character: at position i the bigram
 * ci ci+1 (when there is a next character) and, colocated with it, the unigram
 * ci. In query mode only the bigrams are emitted (the unigram for a run of one
 * character), so a quoted CJK string becomes the phrase of its overlapping
 * bigrams: consecutive positions, which is exactly substring semantics, and a
 * one-character query is a plain term lookup.
 *
 * Why unigrams at every position, rather than bigrams plus only the
 * run-final character with one-character searches answered by the prefix
 * query "X"* (which also finds every row containing X): measured on 10,000
 * listings from the test_fts.c generator (fixed seed), -O2, one transaction,
 * file database; index = sum(pgsize) from dbstat of t_data, t_idx, t_docsize,
 * t_config (the t_content copy of the text is the same for both):
 *                            index      build    1-char query  2-4-char query
 *   bodies ~35 chars (1.1 MB of text)
 *     unigrams everywhere    2.43 MB    0.14 s   0.07 ms       0.15 ms
 *     run-final + "X"*       1.70 MB    0.14 s   0.20 ms       0.15 ms
 *   bodies ~180 chars (4.7 MB of text)
 *     unigrams everywhere    8.59 MB    0.42 s   0.14-0.19 ms  0.32-0.47 ms
 *     run-final + "X"*       6.12 MB    0.36 s   0.53-0.59 ms  0.37-0.41 ms
 *   (built-in trigram, for scale: 14.9 MB, 1.46 s, and 0 rows for 搬家)
 * Unigrams cost about 40% more index; the prefix design makes a one-character
 * search about three times slower, because it merges the doclists of every
 * bigram that starts with the character, and that grows with the site's
 * vocabulary (the generator draws from a small pool, so real text is worse).
 * Single characters (房 车 急 租) are common searches here and the index is
 * small either way, so we index unigrams.
 *
 * Queries. fts_query cuts what was typed into the same runs and ANDs them,
 * each quoted, so whitespace-separated parts are ANDed and so are the CJK and
 * Latin runs inside one part ("iPhone手机" is iphone AND 手机, in any order,
 * in either column). It keeps at most QUERY_MAX_TERMS runs and
 * QUERY_MAX_BYTES of token text: a CJK run that overflows is cut at a
 * character boundary (a shorter substring only widens the match), a Latin
 * run that overflows ends the query (a cut word would be another word).
 *
 * Invariants: every read is bounded by the given length, and a multi-byte
 * sequence is accepted only when complete and valid (no overlongs, no
 * surrogates, nothing above U+10FFFF); an invalid byte is consumed alone.
 * Tokens are either bytes of the source (CJK) or the folded copy of a Latin
 * run, so the tokenizer allocates nothing per call. Query terms contain only
 * CJK characters or [a-z0-9], and are always emitted inside double quotes.
 */
#include "store/fts.h"
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define LATIN_MAX       64   /* bytes kept of one Latin/digit token */
#define QUERY_SCAN_MAX  4096 /* bytes of typed input looked at */
#define QUERY_MAX_BYTES 100  /* bytes of token text in one query */
#define QUERY_MAX_TERMS 16   /* runs in one query */

typedef enum { CH_END, CH_SEP, CH_CJK, CH_ALNUM } ch_kind_t;

typedef struct {
    ch_kind_t kind;
    int start, end; /* byte span in the source */
    char ascii;     /* CH_ALNUM: the folded, lower-cased character */
} ch_t;

typedef struct {
    ch_kind_t kind;       /* CH_CJK, CH_ALNUM, or CH_END when the text is used up */
    int start, end;       /* byte span of the whole run in the source */
    int nchar;            /* characters in the run */
    int nfold;            /* CH_ALNUM: bytes in fold */
    char fold[LATIN_MAX]; /* CH_ALNUM: the token text, cut at LATIN_MAX */
} run_t;

typedef int (*token_fn)(void *ctx, int tflags, const char *tok, int ntok, int start, int end);

static bool is_cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

/* Strictly decodes the character at s[pos]; -1 (one byte long) if invalid. */
static int32_t utf8_decode(const unsigned char *s, int len, int pos, int *n)
{
    unsigned char b = s[pos];
    int need;
    int32_t cp;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    *n = 1;
    if (b < 0x80) return b;
    if (b >= 0xC2 && b <= 0xDF)
        need = 1, cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF)
        need = 2, cp = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4)
        need = 3, cp = b & 0x07;
    else
        return -1;
    if (b == 0xE0)
        lo = 0xA0; /* overlong */
    else if (b == 0xED)
        hi = 0x9F; /* surrogates */
    else if (b == 0xF0)
        lo = 0x90; /* overlong */
    else if (b == 0xF4)
        hi = 0x8F; /* above U+10FFFF */
    if (len - pos <= need) return -1;
    if (s[pos + 1] < lo || s[pos + 1] > hi) return -1;
    for (int i = 1; i <= need; i++) {
        if (!is_cont(s[pos + i])) return -1;
        cp = (cp << 6) | (s[pos + i] & 0x3F);
    }
    *n = need + 1;
    return cp;
}

static bool is_cjk(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF)      /* unified ideographs */
           || (c >= 0x3400 && c <= 0x4DBF)   /* extension A */
           || (c >= 0x20000 && c <= 0x3134F) /* extensions B–G, compatibility supplement */
           || (c >= 0xF900 && c <= 0xFAFF)   /* compatibility ideographs */
           || (c >= 0x3005 && c <= 0x3007)   /* 々 〆 〇 (〇 is a Chinese zero) */
           || (c >= 0x3041 && c <= 0x30FF && c != 0x30A0 && c != 0x30FB) /* kana, not ゠ ・ */
           || (c >= 0xAC00 && c <= 0xD7A3);                              /* hangul syllables */
}

/* The half-width lower-case letter or digit c stands for, or 0. */
static char fold_alnum(int32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0; /* full-width ASCII block */
    if (c >= 'A' && c <= 'Z') return (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return (char)c;
    return 0;
}

static ch_t read_ch(const unsigned char *s, int len, int pos)
{
    ch_t c = {.kind = CH_END, .start = pos, .end = pos, .ascii = 0};
    if (pos >= len) return c;
    int n;
    int32_t cp = utf8_decode(s, len, pos, &n);
    c.end = pos + n;
    c.ascii = cp < 0 ? 0 : fold_alnum(cp);
    c.kind = c.ascii ? CH_ALNUM : cp >= 0 && is_cjk(cp) ? CH_CJK : CH_SEP;
    return c;
}

/* Finds the next run at or after *pos and moves *pos past it. */
static void next_run(const unsigned char *s, int len, int *pos, run_t *r)
{
    ch_t c = read_ch(s, len, *pos);
    while (c.kind == CH_SEP)
        c = read_ch(s, len, c.end);
    r->kind = c.kind;
    r->start = r->end = c.start;
    r->nchar = r->nfold = 0;
    while (c.kind == r->kind && c.kind != CH_END) {
        if (c.kind == CH_ALNUM && r->nfold < LATIN_MAX) r->fold[r->nfold++] = c.ascii;
        r->nchar++;
        r->end = c.end;
        c = read_ch(s, len, c.end);
    }
    *pos = r->end;
}

/* Byte length of a character the run scan has already validated, from its lead byte. */
static int valid_len(unsigned char lead)
{
    return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

/*
 * Where the tokens of one call go: straight to FTS5, or, for scoped text, with
 * SCOPE_SEP and the scope appended to each (copied into buf, which holds the
 * longest token, a CJK bigram of two 4-byte characters or LATIN_MAX bytes).
 */
typedef struct {
    token_fn fn;
    void *ctx;
    const char *scope; /* NULL: unscoped text */
    int nscope, shift; /* shift: bytes of the scope marker, added to the offsets */
    char buf[LATIN_MAX + 1 + FTS_SCOPE_MAX];
} sink_t;

static int put(sink_t *k, int tflags, const char *tok, int n, int start, int end)
{
    if (!k->scope) return k->fn(k->ctx, tflags, tok, n, start, end);
    memcpy(k->buf, tok, (size_t)n);
    k->buf[n] = FTS_SCOPE_SEP;
    memcpy(k->buf + n + 1, k->scope, (size_t)k->nscope);
    return k->fn(k->ctx, tflags, k->buf, n + 1 + k->nscope, start + k->shift, end + k->shift);
}

/* Bigrams of a CJK run, plus colocated unigrams when indexing (see the header). */
static int emit_cjk(const char *s, const run_t *r, bool indexing, sink_t *k)
{
    int rc = SQLITE_OK;
    for (int a = r->start; a < r->end && rc == SQLITE_OK;) {
        int b = a + valid_len((unsigned char)s[a]);
        if (b < r->end) {
            int c = b + valid_len((unsigned char)s[b]);
            rc = put(k, 0, s + a, c - a, a, c);
            if (rc == SQLITE_OK && indexing) rc = put(k, FTS5_TOKEN_COLOCATED, s + a, b - a, a, b);
        } else if (indexing || r->nchar == 1) {
            rc = put(k, 0, s + a, b - a, a, b);
        }
        a = b;
    }
    return rc;
}

/* A scope marker at the very start of the text: the scope, and the text after it. */
static void read_scope(sink_t *k, const char **text, int *len)
{
    const char *t = *text;
    if (*len < 2 || t[0] != FTS_SCOPE_MARK) return;
    const char *end = memchr(t + 1, FTS_SCOPE_MARK, (size_t)(*len - 1 < FTS_SCOPE_MAX + 1 ? *len - 1 : FTS_SCOPE_MAX + 1));
    if (!end) return;
    k->scope = t + 1;
    k->nscope = (int)(end - t - 1);
    k->shift = (int)(end - t + 1);
    *text = end + 1;
    *len -= k->shift;
}

static int tok_tokenize(Fts5Tokenizer *self, void *ctx, int flags, const char *text, int len,
                        token_fn tok)
{
    (void)self;
    if (!text || len <= 0) return SQLITE_OK;
    bool indexing = !(flags & FTS5_TOKENIZE_QUERY); /* documents and auxiliary functions */
    sink_t k = {.fn = tok, .ctx = ctx};
    read_scope(&k, &text, &len);
    const unsigned char *s = (const unsigned char *)text;
    int rc = SQLITE_OK;
    run_t r;
    for (int pos = 0; rc == SQLITE_OK;) {
        next_run(s, len, &pos, &r);
        if (r.kind == CH_END) break;
        if (r.kind == CH_ALNUM)
            rc = put(&k, 0, r.fold, r.nfold, r.start, r.end);
        else
            rc = emit_cjk(text, &r, indexing, &k);
    }
    return rc;
}

/* The tokenizer keeps no state, but FTS5 wants an object per table. */
typedef struct {
    int unused;
} tok_t;

static int tok_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)user, (void)argv;
    *out = NULL;
    if (argc != 0) return SQLITE_ERROR; /* no options: a typo must not pass silently */
    tok_t *t = sqlite3_malloc(sizeof(*t));
    if (!t) return SQLITE_NOMEM;
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    sqlite3_free(t);
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return NULL;
    if (sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL) == SQLITE_OK) sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

int fts_register(sqlite3 *db)
{
    fts5_api *api = db ? fts5_api_of(db) : NULL;
    if (!api || api->iVersion < 2) return -1;
    fts5_tokenizer t = {tok_create, tok_delete, tok_tokenize};
    return api->xCreateTokenizer(api, "linli", NULL, &t, NULL) == SQLITE_OK ? 0 : -1;
}

/* Bytes of a CJK run's leading whole characters that fit in `room`. */
static int cjk_fit(const char *s, const run_t *r, int room)
{
    int n = 0;
    while (r->start + n < r->end) {
        int k = valid_len((unsigned char)s[r->start + n]);
        if (n + k > room) break;
        n += k;
    }
    return n;
}

typedef struct {
    const char *p; /* token text: bytes of the query (CJK) or an arena copy of the folded run */
    int n;
    bool cjk;
} term_t;

/* Cuts what was typed into at most QUERY_MAX_TERMS terms of QUERY_MAX_BYTES in all; returns their number. */
static int query_terms(arena_t *a, const char *q, term_t *t)
{
    int len = (int)strnlen(q, QUERY_SCAN_MAX), used = 0, nt = 0;
    run_t r;
    for (int pos = 0; nt < QUERY_MAX_TERMS;) {
        next_run((const unsigned char *)q, len, &pos, &r);
        if (r.kind == CH_END) break;
        /* A cut CJK run still means "contains this"; a cut Latin word would mean another word. */
        int n = r.kind == CH_CJK ? cjk_fit(q, &r, QUERY_MAX_BYTES - used) : r.nfold;
        if (n == 0 || used + n > QUERY_MAX_BYTES) break;
        t[nt++] = (term_t){r.kind == CH_CJK ? q + r.start : arena_strndup(a, r.fold, (size_t)n), n,
                           r.kind == CH_CJK};
        used += n;
    }
    return nt;
}

/* A writer into one buffer sized up front by the caller. */
typedef struct {
    char *o;
} out_t;

static void put_bytes(out_t *w, const char *b, size_t n)
{
    memcpy(w->o, b, n);
    w->o += n;
}

static void put_str(out_t *w, const char *s)
{
    put_bytes(w, s, strlen(s));
}

/* One quoted string, its text preceded by the scope marker when scope is not NULL. */
static void put_quoted(out_t *w, const char *scope, const char *b, int n)
{
    put_str(w, "\"");
    if (scope) {
        *w->o++ = FTS_SCOPE_MARK;
        put_str(w, scope);
        *w->o++ = FTS_SCOPE_MARK;
    }
    put_bytes(w, b, (size_t)n);
    put_str(w, "\"");
}

/* Every term in one scope (or none), ANDed. */
static void put_terms(out_t *w, const term_t *t, int nt, const char *scope)
{
    for (int i = 0; i < nt; i++) {
        if (i) put_str(w, " AND ");
        put_quoted(w, scope, t[i].p, t[i].n);
    }
}

/*
 * A term in any scope: each of its tokens as a prefix of the scoped tokens
 * ("电脑\x1f"* is 电脑 in every scope). A CJK run of two or more characters is
 * the phrase of its bigrams, each a prefix query, joined by +.
 */
static void put_any_scope(out_t *w, const term_t *t)
{
    int k = t->cjk ? valid_len((unsigned char)t->p[0]) : t->n;
    if (k >= t->n) {
        put_quoted(w, "", t->p, t->n);
        put_str(w, " *");
        return;
    }
    for (int a = 0; a + k < t->n; a += k, k = valid_len((unsigned char)t->p[a])) {
        int k2 = valid_len((unsigned char)t->p[a + k]);
        if (a) put_str(w, " + ");
        put_quoted(w, "", t->p + a, k + k2);
        put_str(w, " *");
    }
}

static bool scope_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > FTS_SCOPE_MAX) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))) return false;
    return true;
}

char *fts_query_in(arena_t *a, const char *user_query, const char *const *scopes, int nscopes)
{
    term_t t[QUERY_MAX_TERMS];
    int nt = user_query ? query_terms(a, user_query, t) : 0;
    if (nt == 0 || nscopes < 0) return NULL;
    for (int i = 0; i < nscopes; i++)
        if (!scope_ok(scopes[i])) return NULL;
    /* per term and scope: the text (at most 20 bytes of syntax per character in the prefix form), quotes,
     * markers, the scope and " AND "; per scope the parentheses and " OR " */
    size_t bound = 16;
    for (int i = 0; i < nt; i++) bound += (size_t)(20 * t[i].n + 16 + FTS_SCOPE_MAX) * (size_t)(nscopes ? nscopes : 1);
    bound += (size_t)nscopes * 8;
    out_t w = {arena_alloc(a, bound)};
    char *out = w.o;
    if (nscopes == 0) {
        for (int i = 0; i < nt; i++) {
            if (i) put_str(&w, " AND ");
            put_any_scope(&w, &t[i]);
        }
    } else if (nscopes == 1) {
        put_terms(&w, t, nt, scopes[0]);
    } else {
        for (int s = 0; s < nscopes; s++) {
            put_str(&w, s ? " OR (" : "(");
            put_terms(&w, t, nt, scopes[s]);
            put_str(&w, ")");
        }
    }
    *w.o = '\0';
    return out;
}

char *fts_query(arena_t *a, const char *user_query)
{
    term_t t[QUERY_MAX_TERMS];
    int nt = user_query ? query_terms(a, user_query, t) : 0;
    if (nt == 0) return NULL;
    size_t bound = 1;
    for (int i = 0; i < nt; i++) bound += (size_t)t[i].n + 7; /* two quotes and " AND " */
    out_t w = {arena_alloc(a, bound)};
    char *out = w.o;
    put_terms(&w, t, nt, NULL);
    *w.o = '\0';
    return out;
}

char *fts_scoped(arena_t *a, const char *scope, const char *text)
{
    return arena_printf(a, "%c%s%c%s", FTS_SCOPE_MARK, scope, FTS_SCOPE_MARK, text ? text : "");
}
