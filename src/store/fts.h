/*
 * fts.h — the "linli" FTS5 tokenizer for Chinese text, and the translation of
 * what a person typed into a safe FTS5 MATCH expression.
 *
 * Invariants: the tokenizer must be registered on a connection before it
 * touches a table declared with tokenize='linli'; such a table keeps FTS5's
 * default detail=full (CJK searches are phrase queries) and is only
 * queried with expressions made by fts_query, whose tokens are the same
 * normalised forms the tokenizer indexes; fts_query never lets FTS5 syntax
 * from the user through (every token is quoted, operators are ours). A CJK
 * part of the query matches as a substring of a run of CJK characters; a
 * Latin/digit part matches a whole lower-cased token.
 */
#ifndef LL_FTS_H
#define LL_FTS_H
#include "base/arena.h"
#include <sqlite3.h>

/* Registers the tokenizer "linli" on a connection (call once per connection); 0 or -1. */
int fts_register(sqlite3 *db);

/* A MATCH expression for a typed query, in the arena; NULL if nothing in it is searchable. */
char *fts_query(arena_t *a, const char *user_query);

/*
 * Scopes. Text that starts with FTS_SCOPE_MARK scope FTS_SCOPE_MARK is indexed
 * with every token written as token FTS_SCOPE_SEP scope, so that one posting
 * list holds a word in one scope only (listings: the word in one city and
 * category), and a search within a scope reads just that list instead of
 * intersecting the word with a long list of the scope's rows. A scope is
 * 1..FTS_SCOPE_MAX bytes of [a-z0-9].
 */
#define FTS_SCOPE_MARK '\x1e'
#define FTS_SCOPE_SEP  '\x1f'
#define FTS_SCOPE_MAX  24

/* Column text to index in a scope, in the arena. */
char *fts_scoped(arena_t *a, const char *scope, const char *text);

/*
 * A MATCH expression for a typed query over scoped text: within any of the
 * nscopes scopes (the words ANDed within one scope, the scopes ORed), or, with
 * nscopes == 0, within any scope at all (each token a prefix query, which reads
 * the word's lists in every scope). NULL if nothing is searchable or a scope
 * is not valid.
 */
char *fts_query_in(arena_t *a, const char *user_query, const char *const *scopes, int nscopes);

#endif
