/*
 * test_fts.c — the "linli" FTS5 tokenizer and fts_query (store/fts.h).
 *
 * The central check compares FTS5 against a brute-force scan written here
 * independently of fts.c: over a deterministic corpus (fixed seed), every
 * query's FTS5 row set must equal the rows where each CJK part of the query
 * is a substring of the normalised title or body, and each Latin/digit part
 * is a whole token of it. The corpus draws its Han characters only from the
 * unified block and extension A, which is all this scan classifies as CJK.
 */
#include "support.h"
#include "base/arena.h"
#include "base/mem.h"
#include "store/fts.h"
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CORPUS_ROWS 3000
#define TEXT_CAP    1024
#define MAX_TERMS   32

/* ---- deterministic generator ------------------------------------------ */

typedef struct {
    uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *g)
{
    uint64_t z = (g->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static int rng_below(rng_t *g, int n)
{
    return (int)(rng_next(g) % (uint64_t)n);
}

static const char *const zh_words[] = {
    "搬家",   "租房", "保姆",   "二手车", "家政",   "保洁", "月嫂",     "开锁",     "维修",
    "空调",   "房东", "直租",   "急",     "单间",   "手机", "出售",     "转让",     "招聘",
    "司机",   "厨师", "服务员", "小区",   "地铁",   "附近", "押一付一", "拎包入住", "精装修",
    "个人",   "全新", "九成新", "电动车", "自行车", "冰箱", "洗衣机",   "上门",     "清洗",
    "疏通",   "管道", "家教",   "宠物",   "猫",     "狗",   "二手",     "公司",     "北京",
    "朝阳区", "面议", "包吃住", "日结",   "兼职",   "周末", "笔记本",   "沙发",     "车",
    "房",     "租",   "新",     "家",
};
static const char *const latin_words[] = {
    "iPhone", "13",  "iPad", "WiFi", "BMW", "5G",  "Pro",
    "Max",    "USB", "A4",   "2000", "ok",  "K12", "24h",
};
static const char *const fullwidth_words[] = {"ＡＢＣ",   "１２３", "ｉＰｈｏｎｅ",
                                              "ＷｉＦｉ", "１３",   "Ｐｒｏ"};
static const char *const separators[] = {
    " ", "，", "。", "！", "、", "🏠", "-", "/", "\n", "·", "（", "）", "~", "\t", "　", ":", "\"",
};
/* Common Han characters (3 bytes each in UTF-8) and a few from extension A. */
static const char common_han[] =
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可"
    "主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电"
    "力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还";
static const char *const ext_a[] = {"㐀", "㑇", "㒰", "㓁", "䶵"};

typedef struct {
    char *p;
    size_t n, cap;
} sbuf_t;

static void sb_put(sbuf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) return; /* the generator stays well under TEXT_CAP */
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_puts(sbuf_t *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void gen_latin(rng_t *g, sbuf_t *b)
{
    const char *w = latin_words[rng_below(g, (int)ARRAY_LEN(latin_words))];
    int mode = rng_below(g, 3); /* as written, upper, lower */
    for (const char *p = w; *p; p++) {
        char c = *p;
        if (mode == 1 && c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (mode == 2 && c >= 'A' && c <= 'Z') c = (char)(c + 32);
        sb_put(b, &c, 1);
    }
}

static void gen_han_run(rng_t *g, sbuf_t *b)
{
    int n = 1 + rng_below(g, 3);
    for (int i = 0; i < n; i++) {
        if (rng_below(g, 20) == 0) {
            sb_puts(b, ext_a[rng_below(g, (int)ARRAY_LEN(ext_a))]);
        } else {
            int k = rng_below(g, (int)(sizeof common_han - 1) / 3);
            sb_put(b, common_han + 3 * k, 3);
        }
    }
}

static void gen_item(rng_t *g, sbuf_t *b)
{
    int r = rng_below(g, 100);
    char num[16];
    if (r < 55)
        sb_puts(b, zh_words[rng_below(g, (int)ARRAY_LEN(zh_words))]);
    else if (r < 75)
        gen_han_run(g, b);
    else if (r < 88)
        gen_latin(g, b);
    else if (r < 94)
        sb_puts(b, fullwidth_words[rng_below(g, (int)ARRAY_LEN(fullwidth_words))]);
    else
        snprintf(num, sizeof num, "%d", rng_below(g, 5000)), sb_puts(b, num);
}

/* Items joined sometimes directly, so words also fuse into longer runs. */
static void gen_text(rng_t *g, char *out, int items)
{
    sbuf_t b = {out, 0, TEXT_CAP};
    out[0] = '\0';
    for (int i = 0; i < items; i++) {
        if (i > 0 && rng_below(g, 2))
            sb_puts(&b, separators[rng_below(g, (int)ARRAY_LEN(separators))]);
        gen_item(g, &b);
    }
}

/* ---- the independent brute-force model ---------------------------------- */

/* Lenient decoder for the model: returns the code point, or -1 and skips one byte. */
static long model_decode(const unsigned char *s, size_t *i)
{
    unsigned char c = s[*i];
    int n = c < 0x80             ? 1
            : (c & 0xE0) == 0xC0 ? 2
            : (c & 0xF0) == 0xE0 ? 3
            : (c & 0xF8) == 0xF0 ? 4
                                 : 0;
    if (n == 0) return (*i)++, -1;
    long cp = n == 1 ? c : c & (0x3F >> (n - 1));
    for (int k = 1; k < n; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) return (*i)++, -1;
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    }
    *i += (size_t)n;
    return cp;
}

static bool model_is_han(long cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

/* Han kept, letters/digits folded to half-width lower case, all else a space;
 * out starts and ends with a space so whole-token checks need no edge cases. */
static void model_normalise(const char *in, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;
    out[o++] = ' ';
    while (s[i] && o + 6 < cap) {
        size_t at = i;
        long cp = model_decode(s, &i);
        if (cp >= 0xFF10 && cp <= 0xFF5A) cp -= 0xFEE0;
        if (cp >= 'A' && cp <= 'Z') cp += 32;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
            out[o++] = (char)cp;
        else if (model_is_han(cp))
            memcpy(out + o, in + at, i - at), o += i - at;
        else
            out[o++] = ' ';
    }
    out[o++] = ' ';
    out[o] = '\0';
}

static bool is_word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

typedef struct {
    char text[TEXT_CAP];
    bool latin;
} term_t;

/* Splits a normalised query into runs of Han and runs of letters/digits. */
static int model_terms(const char *query, term_t *terms)
{
    char norm[TEXT_CAP];
    model_normalise(query, norm, sizeof norm);
    int n = 0;
    for (size_t i = 0; norm[i] && n < MAX_TERMS;) {
        if (norm[i] == ' ') {
            i++;
            continue;
        }
        bool latin = is_word_byte(norm[i]);
        size_t j = i;
        while (norm[j] && norm[j] != ' ' && is_word_byte(norm[j]) == latin)
            j++;
        memcpy(terms[n].text, norm + i, j - i);
        terms[n].text[j - i] = '\0';
        terms[n++].latin = latin;
        i = j;
    }
    return n;
}

static bool model_has(const char *norm, const term_t *t)
{
    if (!t->latin) return strstr(norm, t->text) != NULL;
    size_t n = strlen(t->text);
    for (const char *p = strstr(norm, t->text); p; p = strstr(p + 1, t->text))
        if (!is_word_byte(p[-1]) && !is_word_byte(p[n])) return true;
    return false;
}

/* ---- fixture ------------------------------------------------------------ */

typedef struct {
    sqlite3 *db;
    int nrows;
    char (*title)[TEXT_CAP]; /* raw, as inserted; row i has rowid i + 1 */
    char (*body)[TEXT_CAP];
    char (*ntitle)[TEXT_CAP]; /* model_normalise'd */
    char (*nbody)[TEXT_CAP];
} corpus_t;

static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(fts_register(db), 0);
    /* sc: the same rows, each indexed in a scope (fts_scoped), as listings are in their city and category */
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='linli');"
                                  "CREATE VIRTUAL TABLE sc USING fts5(title, body, tokenize='linli')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

/* Row i's scope in table sc: scopes that share prefixes, so a prefix slip would show. */
static const char *const SCOPES[] = {"1101jobs", "1101goods", "110jobs", "3301jobs"};

static const char *scope_of(int i)
{
    return SCOPES[i % (int)ARRAY_LEN(SCOPES)];
}

static void insert_scoped(sqlite3 *db, const char *scope, const char *title, const char *body)
{
    arena_t *a = arena_new(4096);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sc(title, body) VALUES (?1, ?2)", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, fts_scoped(a, scope, title), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, fts_scoped(a, scope, body), -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    arena_free(a);
}

static void insert_row(sqlite3 *db, const char *title, int tlen, const char *body, int blen)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db, "INSERT INTO t(title, body) VALUES (?1, ?2)", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, title, tlen, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, body, blen, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

static void corpus_build(corpus_t *c, int nrows, uint64_t seed)
{
    rng_t g = {seed};
    c->db = open_db();
    c->nrows = nrows;
    c->title = mem_alloc((size_t)nrows * TEXT_CAP);
    c->body = mem_alloc((size_t)nrows * TEXT_CAP);
    c->ntitle = mem_alloc((size_t)nrows * TEXT_CAP);
    c->nbody = mem_alloc((size_t)nrows * TEXT_CAP);
    assert_int_equal(sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    for (int i = 0; i < nrows; i++) {
        gen_text(&g, c->title[i], 2 + rng_below(&g, 4));
        gen_text(&g, c->body[i], 6 + rng_below(&g, 14));
        model_normalise(c->title[i], c->ntitle[i], TEXT_CAP);
        model_normalise(c->body[i], c->nbody[i], TEXT_CAP);
        insert_row(c->db, c->title[i], -1, c->body[i], -1);
        insert_scoped(c->db, scope_of(i), c->title[i], c->body[i]);
    }
    assert_int_equal(sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

static void corpus_free(corpus_t *c)
{
    sqlite3_close(c->db);
    free(c->title), free(c->body), free(c->ntitle), free(c->nbody);
}

/* One corpus for the whole group: building it is most of the run time. */
static int setup_corpus(void **state)
{
    corpus_t *c = mem_calloc(1, sizeof(*c));
    corpus_build(c, CORPUS_ROWS, 20240601);
    *state = c;
    return 0;
}

static int teardown_corpus(void **state)
{
    corpus_free(*state);
    free(*state);
    return 0;
}

/* Row set of a MATCH expression on table t (or sc), as flags indexed by rowid - 1; returns the count. */
static int fts_rows_in(sqlite3 *db, const char *table, const char *match, bool *hit, int nrows)
{
    sqlite3_stmt *st = NULL;
    int n = 0, rc;
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT rowid FROM %s WHERE %s MATCH ?1", table, table);
    memset(hit, 0, (size_t)nrows * sizeof *hit);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        assert_true(id >= 1 && id <= nrows);
        hit[id - 1] = true;
        n++;
    }
    if (rc != SQLITE_DONE) fail_msg("MATCH %s failed: %s", match, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return n;
}

static int fts_rows(sqlite3 *db, const char *match, bool *hit, int nrows)
{
    return fts_rows_in(db, "t", match, hit, nrows);
}

/* Whether row i's scope is one of the nscopes asked for (nscopes == 0: any scope). */
static bool in_scopes(int i, const char *const *scopes, int nscopes)
{
    for (int k = 0; k < nscopes; k++)
        if (!strcmp(scope_of(i), scopes[k])) return true;
    return nscopes == 0;
}

/* The scoped table sc against the model, for one query and one choice of scopes. */
static void check_scoped(const corpus_t *c, const char *query, const term_t *terms, int nterms,
                         const char *const *scopes, int nscopes)
{
    arena_t *a = arena_new(4096);
    char *match = fts_query_in(a, query, scopes, nscopes);
    if (!match) fail_msg("fts_query_in gave nothing for searchable query [%s]", query);
    bool *hit = mem_alloc((size_t)c->nrows * sizeof *hit);
    fts_rows_in(c->db, "sc", match, hit, c->nrows);
    for (int i = 0; i < c->nrows; i++) {
        bool want = in_scopes(i, scopes, nscopes);
        for (int k = 0; k < nterms && want; k++)
            want = model_has(c->ntitle[i], &terms[k]) || model_has(c->nbody[i], &terms[k]);
        if (want != hit[i])
            fail_msg("scoped query [%s] -> %s: row %d (scope %s) %s by FTS5 but %s by the scan", query, match,
                     i + 1, scope_of(i), hit[i] ? "found" : "missed", want ? "matches" : "does not match");
    }
    free(hit);
    arena_free(a);
}

/* Compares FTS5 with the model for one typed query; returns the number of rows found. */
static int check_query(const corpus_t *c, const char *query)
{
    term_t terms[MAX_TERMS];
    int nterms = model_terms(query, terms);
    arena_t *a = arena_new(4096);
    char *match = fts_query(a, query);
    if (!match) {
        if (nterms != 0) fail_msg("fts_query gave nothing for searchable query [%s]", query);
        arena_free(a);
        return 0;
    }
    assert_true(nterms > 0);
    bool *hit = mem_alloc((size_t)c->nrows * sizeof *hit);
    int found = fts_rows(c->db, match, hit, c->nrows);
    for (int i = 0; i < c->nrows; i++) {
        bool want = true;
        for (int k = 0; k < nterms && want; k++)
            want = model_has(c->ntitle[i], &terms[k]) || model_has(c->nbody[i], &terms[k]);
        if (want != hit[i])
            fail_msg(
                "query [%s] -> %s: row %d %s by FTS5 but %s by the scan\n  title: %s\n  body: %s",
                query, match, i + 1, hit[i] ? "found" : "missed",
                want ? "matches" : "does not match", c->title[i], c->body[i]);
    }
    /* the same query within one scope, within two, and in any scope (prefix queries) */
    check_scoped(c, query, terms, nterms, SCOPES, 1);
    check_scoped(c, query, terms, nterms, SCOPES + 1, 2);
    check_scoped(c, query, terms, nterms, NULL, 0);
    free(hit);
    arena_free(a);
    return found;
}

/* ---- query generators ----------------------------------------------------- */

/* A piece of a random row: a substring of n Han characters, or a Latin/digit token. */
static bool pick_piece(const corpus_t *c, rng_t *g, bool latin, int nchars, char *out)
{
    const char *norm =
        rng_below(g, 2) ? c->ntitle[rng_below(g, c->nrows)] : c->nbody[rng_below(g, c->nrows)];
    term_t terms[MAX_TERMS];
    int n = model_terms(norm, terms);
    for (int tries = 0; tries < n; tries++) {
        const term_t *t = &terms[(tries + rng_below(g, n)) % n];
        if (t->latin != latin) continue;
        if (latin) return strcpy(out, t->text), true;
        int len = (int)strlen(t->text) / 3; /* the corpus's Han are all 3 bytes */
        if (len < nchars) continue;
        int at = rng_below(g, len - nchars + 1);
        memcpy(out, t->text + 3 * at, (size_t)(3 * nchars));
        out[3 * nchars] = '\0';
        return true;
    }
    return false;
}

/* Writes a Latin piece back in mixed case or full width, as people type. */
static void retype(rng_t *g, const char *in, char *out)
{
    int mode = rng_below(g, 3);
    size_t o = 0;
    for (const char *p = in; *p; p++) {
        char ch = *p;
        if (mode == 2) {
            unsigned cp =
                (unsigned char)(ch >= 'a' && ch <= 'z' && rng_below(g, 2) ? ch - 32 : ch) + 0xFEE0u;
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = mode == 1 && ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
        }
    }
    out[o] = '\0';
}

/* Runs `count` sampled queries of Han length n (0 = Latin); each must hit at least one row. */
static void sampled_queries(const corpus_t *c, uint64_t seed, int n, int count)
{
    rng_t g = {seed};
    char piece[TEXT_CAP], typed[TEXT_CAP];
    for (int q = 0; q < count; q++) {
        if (!pick_piece(c, &g, n == 0, n == 0 ? 0 : n, piece)) continue;
        if (n == 0)
            retype(&g, piece, typed);
        else
            strcpy(typed, piece);
        if (check_query(c, typed) == 0)
            fail_msg("sampled query [%s] found no row, but it came from one", typed);
    }
}

/* ---- tests: FTS5 against the model --------------------------------------- */

static void test_B8_two_char_query_finds_every_containing_row(void **state)
{
    const corpus_t *c = *state;
    const char *queries[] = {"搬家", "租房", "保姆", "家政", "保洁", "月嫂",
                             "开锁", "维修", "房东", "直租", "单间"};
    for (size_t i = 0; i < ARRAY_LEN(queries); i++)
        assert_true(check_query(c, queries[i]) > 0);
    sampled_queries(c, 2, 2, 300);
}

static void test_B8_one_char_query_finds_every_row_with_that_char(void **state)
{
    const corpus_t *c = *state;
    const char *queries[] = {"急", "车", "房", "租", "家", "新", "猫", "㐀", "䶵"};
    for (size_t i = 0; i < ARRAY_LEN(queries); i++)
        assert_true(check_query(c, queries[i]) > 0);
    sampled_queries(c, 1, 1, 200);
}

static void test_B8_three_and_more_char_queries_are_substrings(void **state)
{
    const corpus_t *c = *state;
    assert_true(check_query(c, "二手车") > 0);
    assert_true(check_query(c, "押一付一") > 0);
    assert_true(check_query(c, "拎包入住") > 0);
    sampled_queries(c, 3, 3, 200);
    sampled_queries(c, 4, 4, 150);
    sampled_queries(c, 5, 6, 100);
}

static void test_B8_latin_and_digit_queries_match_whole_tokens(void **state)
{
    const corpus_t *c = *state;
    const char *queries[] = {"iphone", "IPHONE", "ｉＰｈｏｎｅ", "13",  "１３", "abc",
                             "ＡＢＣ", "123",    "wifi",         "5g",  "pro",  "iphone13",
                             "k12",    "24H",    "a4",           "2000"};
    for (size_t i = 0; i < ARRAY_LEN(queries); i++)
        check_query(c, queries[i]);
    assert_true(check_query(c, "iPhone") > 0);
    sampled_queries(c, 7, 0, 200);
}

static void test_B8_unseen_words_find_nothing_on_both_sides(void **state)
{
    const corpus_t *c = *state;
    const char *queries[] = {"火星", "量子计算机", "zebra", "99999999", "鑫", "搬家公司北京朝阳"};
    for (size_t i = 0; i < ARRAY_LEN(queries); i++)
        check_query(c, queries[i]);
}

static void test_B8_mixed_queries_and_every_part(void **state)
{
    const corpus_t *c = *state;
    const char *fixed[] = {"iPhone手机", "iPhone 13",        "急 租房",
                           "二手车 BMW", "搬家 北京",        "租房,单间",
                           "手机13",     "ｉＰｈｏｎｅ１３", "  搬家\t\n保洁  "};
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        check_query(c, fixed[i]);
    rng_t g = {11};
    char typed[TEXT_CAP], piece[TEXT_CAP];
    for (int q = 0; q < 300; q++) {
        typed[0] = '\0';
        int parts = 2 + rng_below(&g, 3);
        for (int p = 0; p < parts; p++) {
            bool latin = rng_below(&g, 3) == 0;
            if (!pick_piece(c, &g, latin, 1 + rng_below(&g, 3), piece)) continue;
            if (p > 0 && rng_below(&g, 4)) strcat(typed, rng_below(&g, 2) ? " " : "，");
            strcat(typed, piece); /* pieces stay short: well inside TEXT_CAP */
        }
        check_query(c, typed);
    }
}

static void test_B8_hostile_queries_are_quoted_not_obeyed(void **state)
{
    const corpus_t *c = *state;
    const char *queries[] = {"\"",
                             "*",
                             "NEAR(",
                             "OR",
                             "-",
                             "^",
                             ":",
                             "搬家 OR 租房",
                             "搬家 NOT 租房",
                             "搬家 AND",
                             "NEAR(搬家 租房, 2)",
                             "title:搬家",
                             "{title body}:租房",
                             "-搬家",
                             "^租房",
                             "搬家*",
                             "\"搬家\" OR \"租房\"",
                             "a\"b",
                             "(租房)",
                             "租房 + 保姆",
                             "iphone:13",
                             "'); DROP TABLE t;--"};
    for (size_t i = 0; i < ARRAY_LEN(queries); i++)
        check_query(c, queries[i]);

    arena_t *a = arena_new(4096);
    assert_null(fts_query(a, "\""));
    assert_null(fts_query(a, "*"));
    assert_null(fts_query(a, "-"));
    assert_null(fts_query(a, "^"));
    assert_null(fts_query(a, ":"));
    assert_string_equal(fts_query(a, "NEAR("), "\"near\"");
    assert_string_equal(fts_query(a, "OR"), "\"or\"");
    assert_string_equal(fts_query(a, "搬家 OR 租房"), "\"搬家\" AND \"or\" AND \"租房\"");
    assert_string_equal(fts_query(a, "title:搬家*"), "\"title\" AND \"搬家\"");
    assert_string_equal(fts_query(a, "a\"b"), "\"a\" AND \"b\"");
    assert_string_equal(fts_query(a, "iPhone手机13"), "\"iphone\" AND \"手机\" AND \"13\"");
    arena_free(a);
}

static void test_B8_two_char_rows_the_trigram_tokenizer_cannot_find(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    const char *rows[] = {"搬家",    "专业搬家公司", "租房",   "二手车出售",
                          "二手 车", "二手自行车",   "车手二", "保姆 急聘"};
    for (size_t i = 0; i < ARRAY_LEN(rows); i++)
        insert_row(db, rows[i], -1, "", 0);
    bool hit[ARRAY_LEN(rows)];
    /* why this module exists: the built-in trigram table answers 搬家 with nothing */
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE tri USING fts5(title, body, tokenize='trigram');"
                     "INSERT INTO tri SELECT title, body FROM t",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT count(*) FROM tri WHERE tri MATCH '搬家'", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    arena_t *a = arena_new(4096);
    assert_int_equal(fts_rows(db, fts_query(a, "搬家"), hit, (int)ARRAY_LEN(rows)), 2);
    assert_true(hit[0] && hit[1]);
    assert_int_equal(fts_rows(db, fts_query(a, "二手车"), hit, (int)ARRAY_LEN(rows)), 1);
    assert_true(hit[3]); /* not "二手 车", not "二手自行车" */
    assert_int_equal(fts_rows(db, fts_query(a, "车"), hit, (int)ARRAY_LEN(rows)), 4);
    assert_int_equal(fts_rows(db, fts_query(a, "保姆"), hit, (int)ARRAY_LEN(rows)), 1);
    assert_int_equal(fts_rows(db, fts_query(a, "姆急"), hit, (int)ARRAY_LEN(rows)), 0);
    arena_free(a);
    sqlite3_close(db);
}

/* ---- tests: the tokenizer itself ------------------------------------------ */

typedef struct {
    int n;
    char text[16][72];
    int tflags[16], start[16], end[16];
} toks_t;

static int collect(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
    toks_t *t = ctx;
    assert_true(t->n < 16 && ntok > 0 && ntok < 72);
    memcpy(t->text[t->n], tok, (size_t)ntok);
    t->text[t->n][ntok] = '\0';
    t->tflags[t->n] = tflags, t->start[t->n] = start, t->end[t->n] = end;
    t->n++;
    return SQLITE_OK;
}

typedef struct {
    int len;
    long count;
} bounds_t;

/* Checks only what must hold for any input: spans inside the text, short valid tokens. */
static int check_bounds(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
    bounds_t *b = ctx;
    (void)tflags;
    assert_true(ntok >= 1 && ntok <= 64);
    assert_true(start >= 0 && start < end && end <= b->len);
    unsigned char copy[72] = {0}; /* terminated, so a bad token cannot make the check overread */
    memcpy(copy, tok, (size_t)ntok);
    size_t i = 0;
    while (i < (size_t)ntok)
        assert_true(model_decode(copy, &i) >= 0);
    assert_true(i == (size_t)ntok);
    b->count++;
    return SQLITE_OK;
}

typedef int (*xtoken_fn)(void *, int, const char *, int, int, int);

/* Runs the registered tokenizer straight on a buffer of exactly len bytes. */
static int run_tokenizer(const char *text, int len, int flags, xtoken_fn cb, void *ctx)
{
    sqlite3 *db = open_db();
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    assert_non_null(api);
    void *user = NULL;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;
    assert_int_equal(api->xFindTokenizer(api, "linli", &user, &tk), SQLITE_OK);
    assert_int_equal(tk.xCreate(user, NULL, 0, &tok), SQLITE_OK);
    char *exact = mem_alloc(len > 0 ? (size_t)len : 1); /* no terminator: ASan sees any overread */
    if (len > 0) memcpy(exact, text, (size_t)len);
    int rc = tk.xTokenize(tok, ctx, flags, exact, len, cb);
    free(exact);
    tk.xDelete(tok);
    sqlite3_close(db);
    return rc;
}

static void test_cjk_and_latin_runs_are_separate_tokens(void **state)
{
    (void)state;
    const char *s = "iPhone手机13";
    toks_t t = {0};
    assert_int_equal(run_tokenizer(s, (int)strlen(s), FTS5_TOKENIZE_DOCUMENT, collect, &t),
                     SQLITE_OK);
    const char *want[] = {"iphone", "手机", "手", "机", "13"};
    const int flags[] = {0, 0, FTS5_TOKEN_COLOCATED, 0, 0}; /* 手 shares 手机's position */
    assert_int_equal(t.n, 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(t.text[i], want[i]), assert_int_equal(t.tflags[i], flags[i]);
    assert_int_equal(t.start[1], 6), assert_int_equal(t.end[1], 12);
    assert_int_equal(t.start[4], 12), assert_int_equal(t.end[4], 14);

    toks_t q = {0};
    assert_int_equal(run_tokenizer(s, (int)strlen(s), FTS5_TOKENIZE_QUERY, collect, &q), SQLITE_OK);
    assert_int_equal(q.n, 3);
    assert_string_equal(q.text[0], "iphone"), assert_string_equal(q.text[1], "手机"),
        assert_string_equal(q.text[2], "13");
}

static void test_full_width_ascii_is_folded_and_punctuation_separates(void **state)
{
    (void)state;
    const char *s = "ＡＢＣ１２３，Ｐｒｏ！🏠Ｍａｘ　x-y";
    toks_t t = {0};
    assert_int_equal(run_tokenizer(s, (int)strlen(s), FTS5_TOKENIZE_DOCUMENT, collect, &t),
                     SQLITE_OK);
    const char *want[] = {"abc123", "pro", "max", "x", "y"};
    assert_int_equal(t.n, 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(t.text[i], want[i]);
    assert_int_equal(t.start[0], 0), assert_int_equal(t.end[0], 18); /* offsets are in the source */
}

static void test_invalid_utf8_is_skipped_without_reading_past_the_end(void **state)
{
    (void)state;
    /* lone continuation, overlong '/', surrogate, above U+10FFFF, three overlong 'A's
     * (which must not become a token), and 搬 cut short at the very end */
    const char s[] = "\x80搬\xc0\xaf家\xed\xa0\x80"
                     "ab\xf4\x90\x80\x80"
                     "z\xe0\x81\x81\xf0\x80\x81\x81\xc1\x81\xe6\x90";
    toks_t t = {0};
    assert_int_equal(run_tokenizer(s, (int)sizeof s - 1, FTS5_TOKENIZE_DOCUMENT, collect, &t),
                     SQLITE_OK);
    const char *want[] = {"搬", "家", "ab", "z"};
    assert_int_equal(t.n, 4);
    for (int i = 0; i < 4; i++)
        assert_string_equal(t.text[i], want[i]);

    arena_t *a = arena_new(4096);
    assert_string_equal(fts_query(a, "\xff搬\xc0\xaf家\xe6\x90"), "\"搬\" AND \"家\"");
    assert_null(fts_query(a, "\xff\xfe\xc0\x80\xe6\x90"));
    arena_free(a);
}

static void test_random_bytes_never_escape_the_buffer(void **state)
{
    (void)state;
    rng_t g = {99};
    char buf[512];
    for (int round = 0; round < 300; round++) {
        int len = rng_below(&g, (int)sizeof buf);
        for (int i = 0; i < len; i++) {
            /* bias towards UTF-8 lead and continuation bytes and real Han */
            int r = rng_below(&g, 4);
            buf[i] = (char)(r == 0   ? 0x80 + rng_below(&g, 64)
                            : r == 1 ? 0xE4 + rng_below(&g, 6)
                                     : rng_below(&g, 256));
        }
        bounds_t b = {len, 0};
        assert_int_equal(run_tokenizer(buf, len,
                                       round % 2 ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT,
                                       check_bounds, &b),
                         SQLITE_OK);
    }
}

/* Whatever bytes are typed, the expression is well formed and names no column or operator. */
static void test_B8_random_typed_bytes_make_a_valid_match(void **state)
{
    const corpus_t *c = *state;
    rng_t g = {5};
    char buf[160];
    bool *hit = mem_alloc((size_t)c->nrows * sizeof *hit);
    arena_t *a = arena_new(4096);
    for (int round = 0; round < 300; round++) {
        int len = rng_below(&g, (int)sizeof buf);
        for (int i = 0; i < len; i++) {
            int r = rng_below(&g, 3);
            buf[i] = (char)(r == 0   ? 1 + rng_below(&g, 127)
                            : r == 1 ? 0xE4 + rng_below(&g, 6)
                                     : 0x80 + rng_below(&g, 64));
        }
        buf[len] = '\0';
        const char *m = fts_query(a, buf);
        if (!m) continue;
        for (const char *p = m; *p; p++)
            assert_true((unsigned char)*p >= 0x80 ||
                        strchr("\" ANDabcdefghijklmnopqrstuvwxyz0123456789", *p));
        fts_rows(c->db, m, hit, c->nrows);
    }
    arena_free(a);
    free(hit);
}

static void test_empty_and_huge_inputs(void **state)
{
    (void)state;
    bounds_t b = {0, 0};
    assert_int_equal(run_tokenizer("", 0, FTS5_TOKENIZE_DOCUMENT, check_bounds, &b), SQLITE_OK);
    assert_int_equal(b.count, 0);

    int len = 1 << 20;
    char *big = mem_alloc((size_t)len);
    for (int i = 0; i + 3 <= len; i += 3)
        memcpy(big + i, "房", 3);
    big[len - 1] = 'x'; /* 1 MB of one Han run, then a letter */
    b = (bounds_t){len, 0};
    assert_int_equal(run_tokenizer(big, len, FTS5_TOKENIZE_DOCUMENT, check_bounds, &b), SQLITE_OK);
    assert_true(b.count > 600000);
    memset(big, 'Q', (size_t)len); /* one enormous word becomes one capped token */
    b = (bounds_t){len, 0};
    assert_int_equal(run_tokenizer(big, len, FTS5_TOKENIZE_DOCUMENT, check_bounds, &b), SQLITE_OK);
    assert_int_equal(b.count, 1);
    memset(big, 0xFF, (size_t)len);
    b = (bounds_t){len, 0};
    assert_int_equal(run_tokenizer(big, len, FTS5_TOKENIZE_DOCUMENT, check_bounds, &b), SQLITE_OK);
    assert_int_equal(b.count, 0);
    free(big);
}

static void test_B8_empty_query_has_no_keyword(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    assert_null(fts_query(a, NULL));
    assert_null(fts_query(a, ""));
    assert_null(fts_query(a, "   \t\n"));
    assert_null(fts_query(a, "，。！？🏠　·…"));
    arena_free(a);
}

static void test_query_caps_terms_and_bytes(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    char q[512] = "";
    for (int i = 0; i < 20; i++)
        strcat(q, "a ");
    const char *m = fts_query(a, q);
    int n = 0;
    for (const char *p = m; (p = strstr(p, "\"a\"")); p++)
        n++;
    assert_int_equal(n, 16);

    q[0] = '\0';
    for (int i = 0; i < 40; i++)
        strcat(q, "房");
    m = fts_query(a, q);
    assert_int_equal(strlen(m), 2 + 33 * 3); /* the run is cut at a character boundary */

    char word[80], want[80];
    memset(word, 'w', 70), word[70] = '\0';
    memset(want, 'w', 66), want[0] = want[65] = '"', want[66] = '\0';
    assert_string_equal(fts_query(a, word), want); /* cut at 64 bytes, as the index cuts it */
    arena_free(a);
}

static void test_B8_long_latin_word_still_finds_its_row(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    char word[100];
    memset(word, 'k', 90), word[90] = '\0';
    insert_row(db, word, -1, "", 0);
    insert_row(db, "kkk", -1, "", 0);
    bool hit[2];
    arena_t *a = arena_new(4096);
    assert_int_equal(fts_rows(db, fts_query(a, word), hit, 2), 1);
    assert_true(hit[0]);
    arena_free(a);
    sqlite3_close(db);
}

static void test_invalid_utf8_rows_are_indexed_safely(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    const char bad[] = "\xe6\x90\xac\xe5\xae\xb6\xff\xc0iphone\xe6";
    insert_row(db, bad, (int)sizeof bad - 1, "\xed\xa0\x80", 3);
    bool hit[1];
    arena_t *a = arena_new(4096);
    assert_int_equal(fts_rows(db, fts_query(a, "搬家"), hit, 1), 1);
    assert_int_equal(fts_rows(db, fts_query(a, "iPhone"), hit, 1), 1);
    arena_free(a);
    sqlite3_close(db);
}

static void test_register_rejects_no_db_and_unknown_options(void **state)
{
    (void)state;
    assert_int_equal(fts_register(NULL), -1);
    sqlite3 *db = open_db();
    assert_int_not_equal(
        sqlite3_exec(db, "CREATE VIRTUAL TABLE x USING fts5(a, tokenize='linli bigram')", NULL,
                     NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_B8_two_char_query_finds_every_containing_row),
        cmocka_unit_test(test_B8_one_char_query_finds_every_row_with_that_char),
        cmocka_unit_test(test_B8_three_and_more_char_queries_are_substrings),
        cmocka_unit_test(test_B8_latin_and_digit_queries_match_whole_tokens),
        cmocka_unit_test(test_B8_unseen_words_find_nothing_on_both_sides),
        cmocka_unit_test(test_B8_mixed_queries_and_every_part),
        cmocka_unit_test(test_B8_hostile_queries_are_quoted_not_obeyed),
        cmocka_unit_test(test_B8_two_char_rows_the_trigram_tokenizer_cannot_find),
        cmocka_unit_test(test_cjk_and_latin_runs_are_separate_tokens),
        cmocka_unit_test(test_full_width_ascii_is_folded_and_punctuation_separates),
        cmocka_unit_test(test_invalid_utf8_is_skipped_without_reading_past_the_end),
        cmocka_unit_test(test_random_bytes_never_escape_the_buffer),
        cmocka_unit_test(test_B8_random_typed_bytes_make_a_valid_match),
        cmocka_unit_test(test_empty_and_huge_inputs),
        cmocka_unit_test(test_B8_empty_query_has_no_keyword),
        cmocka_unit_test(test_query_caps_terms_and_bytes),
        cmocka_unit_test(test_B8_long_latin_word_still_finds_its_row),
        cmocka_unit_test(test_invalid_utf8_rows_are_indexed_safely),
        cmocka_unit_test(test_register_rejects_no_db_and_unknown_options),
    };
    return cmocka_run_group_tests(tests, setup_corpus, teardown_corpus);
}
