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

#endif
