/*
 * fuzz/fts.c — libFuzzer driver for the "linli" FTS5 tokenizer and fts_query (store/fts.h).
 *
 * The input is what a person typed into the search box and, at once, the text
 * of a listing. Each run, inside a transaction that is rolled back (so every
 * run starts from the same empty table):
 *   1. fts_query(input) — the input cut at its first NUL, as a C string;
 *   2. the input, NULs and invalid UTF-8 included, is indexed as a title by
 *      the linli tokenizer (document mode);
 *   3. the fts_query expression is run as MATCH, with highlight() and
 *      snippet() re-tokenizing the title (auxiliary mode);
 *   4. the raw input is run as a MATCH expression too (query mode on
 *      arbitrary bytes); FTS5 syntax errors are expected there and ignored.
 *
 * Promises checked, from fts.h and fts.c's header:
 *   - fts_query's output is a non-empty AND of quoted terms, each of CJK
 *     characters or [a-z0-9] only, never longer than its buffer;
 *   - FTS5 accepts every expression fts_query makes (no syntax error);
 *   - the query made from a text finds that text: a CJK part is a substring of
 *     a CJK run, a Latin part a whole token. Checked only when all of the text
 *     is scanned (shorter than QUERY_SCAN_MAX, no NUL), since a cut at the scan
 *     limit may halve a word.
 */
#include "fuzz.h"
#include "base/arena.h"
#include "store/fts.h"
#include <stdbool.h>
#include <string.h>

#define QUERY_SCAN_MAX 4096               /* fts.c's limit on typed input */
#define QUERY_OUT_MAX  (100 + 16 * 7 + 1) /* fts.c's buffer: token bytes plus quotes and ANDs */

static sqlite3 *db;
static sqlite3_stmt *st_insert, *st_match, *st_aux;

static void die(const char *what)
{
    fprintf(stderr, "fuzz/fts.c: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no db");
    abort();
}

static sqlite3_stmt *prepare(const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) die(sql);
    return st;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) die("open");
    if (fts_register(db) != 0) die("fts_register");
    if (sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='linli')", NULL,
                     NULL, NULL) != SQLITE_OK)
        die("create");
    st_insert = prepare("INSERT INTO t(rowid, title, body) VALUES (1, ?1, '二手 iPhone 13 出售')");
    st_match = prepare("SELECT rowid FROM t WHERE t MATCH ?1");
    st_aux = prepare("SELECT highlight(t, 0, '[', ']'), snippet(t, -1, '<', '>', '…', 8) "
                     "FROM t WHERE t MATCH ?1");
    return 0;
}

static bool is_term_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* `"t1" AND "t2" ...`: quoted, non-empty terms of [a-z0-9] or UTF-8 bytes. */
static void check_query_shape(const char *q)
{
    size_t len = strlen(q);
    FUZZ_CHECK(len > 0 && len < QUERY_OUT_MAX, "query of %zu bytes: [%s]", len, q);
    for (const char *p = q;;) {
        FUZZ_CHECK(*p == '"', "term does not start with a quote at %zu: [%s]", (size_t)(p - q), q);
        const char *e = strchr(p + 1, '"');
        FUZZ_CHECK(e && e > p + 1, "empty or unterminated term: [%s]", q);
        for (const char *c = p + 1; c < e; c++)
            FUZZ_CHECK(is_term_byte((unsigned char)*c), "byte 0x%02x in a term: [%s]",
                       (unsigned char)*c, q);
        p = e + 1;
        if (!*p) break;
        FUZZ_CHECK(!strncmp(p, " AND ", 5), "terms not joined by AND: [%s]", q);
        p += 5;
    }
}

/* Runs a MATCH; the number of rows, or -1 if FTS5 refused the expression. */
static int run_match(sqlite3_stmt *st, const char *expr, int len)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, expr, len, SQLITE_STATIC);
    int rows = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        rows++;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? rows : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return -1; /* sqlite binds take an int length; -max_len keeps us far below */
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    arena_t *a = arena_new(1024);
    char *q = fts_query(a, text);
    if (q) check_query_shape(q);

    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) die("begin");
    sqlite3_bind_text(st_insert, 1, text, (int)size, SQLITE_STATIC);
    if (sqlite3_step(st_insert) != SQLITE_DONE) die("insert");
    sqlite3_reset(st_insert);
    sqlite3_clear_bindings(st_insert);

    if (q) {
        int rows = run_match(st_match, q, -1);
        FUZZ_CHECK(rows >= 0, "FTS5 refused fts_query's expression [%s]: %s", q,
                   sqlite3_errmsg(db));
        bool whole = size < QUERY_SCAN_MAX && !memchr(data, '\0', size);
        FUZZ_CHECK(!whole || rows == 1, "the query made from a title does not find it: [%s]", q);
        FUZZ_CHECK(run_match(st_aux, q, -1) == rows, "highlight/snippet changed the result");
    }
    run_match(st_match, text, (int)size); /* a syntax error is a fine answer here */
    run_match(st_aux, text, (int)size);

    if (sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK) die("rollback");
    arena_free(a);
    free(text);
    return 0;
}
