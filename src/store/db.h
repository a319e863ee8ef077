/*
 * db.h — the SQLite store: connections, cached prepared statements, pool.
 *
 * Invariants: every statement is prepared once per connection and cached by
 * the address of its SQL text (callers pass string constants, so the address
 * is the identity); db_stmt hands it back reset and unbound. SQL is only ever
 * prepared, never built from input. A connection released to the pool has no
 * statement left running, so no stale read snapshot survives a request.
 * Every connection also attaches the key store, keys.db beside the database,
 * as schema "keys" (wrapped data keys only; see decisions.md): backups copy
 * the main database alone.
 */
#ifndef LL_DB_H
#define LL_DB_H
#include "base/arena.h"
#include "base/log.h"
#include "store/viewcache.h"
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct db db_t;
typedef struct dbpool dbpool_t;

int db_open(db_t **out, const char *path, bool sync_full, log_t *log);
void db_close(db_t *db);
sqlite3 *db_handle(db_t *db);
/* The shared cache of rendered views, or NULL: none set, or the connection is in a write transaction. */
viewcache_t *db_views(db_t *db);
void db_set_views(db_t *db, viewcache_t *vc); /* the connection does not own it */
/* The cached statement for a constant SQL text, reset; NULL (and logged) on error. */
sqlite3_stmt *db_stmt(db_t *db, const char *sql);
/* Steps a statement expected to finish (INSERT/UPDATE/DELETE); resets it; 0 or -1. */
int db_run(db_t *db, sqlite3_stmt *st);
/* Column i of the current row as text copied into a, or NULL when it is NULL. */
const char *db_text(arena_t *a, sqlite3_stmt *st, int i);
/* Runs literal SQL (schema, pragmas). */
int db_exec(db_t *db, const char *sql);
/* A read-only snapshot for several statements (deferred BEGIN ... COMMIT, both prepared once). */
int db_read_begin(db_t *db);
void db_read_end(db_t *db);
/*
 * A write transaction. On a pool's connection it runs on the pool's write
 * connection, batched with others (db.c): take statements with db_stmt
 * after db_begin and finish them before db_commit. db_commit returns once
 * the batch committed (and, with sync_full, is on disk). All return 0 or -1.
 */
int db_begin(db_t *db);
/*
 * db_begin for background upkeep that must never hold up a request: on a
 * pool's connection it takes the turn only while nobody writes or waits to,
 * and no request's write has ended in the last quiet_ms (1 then: try later);
 * its db_commit does not wait for the disk (losing upkeep in a crash loses
 * nothing). On a connection of its own, db_begin.
 */
int db_begin_idle(db_t *db, int quiet_ms);
/*
 * Work for the end of the transaction, just before it commits: full-text
 * writes, which FTS5 flushes to a new segment at every savepoint, go there
 * so that a batch flushes once. Deferred works run in the order given, on
 * the connection they are passed; dropped if db's transaction is rolled
 * back; a failure rolls back the batch. arg must live until db_commit
 * returns. Outside a batch (a connection of its own) fn runs at once.
 */
typedef int (*db_deferred_fn)(db_t *db, void *arg);
int db_defer(db_t *db, db_deferred_fn fn, void *arg);
int db_commit(db_t *db);
void db_rollback(db_t *db);
bool db_in_txn(db_t *db);
int64_t db_last_id(db_t *db);
int db_changes(db_t *db);
/* Resets every statement still running on the connection. */
void db_reset_all(db_t *db);
/* Logs the connection's last error with a label. */
void db_log_error(db_t *db, const char *what);

/* Brings the schema to the newest version (schema.c); 0 or -1. */
int db_migrate(db_t *db);
int db_schema_version(db_t *db);
/* A one-off task a migration left for code (schema_tasks), e.g. rebuilding derived indexes. */
bool db_task_pending(db_t *db, const char *task);
int db_task_done(db_t *db, const char *task);

dbpool_t *dbpool_new(const char *path, int size, bool sync_full, log_t *log);
void dbpool_free(dbpool_t *p);
db_t *dbpool_acquire(dbpool_t *p);
/* Gives every connection of the pool (all idle, at start) the shared view cache; the pool does not own it. */
void dbpool_set_views(dbpool_t *p, viewcache_t *vc);
void dbpool_release(dbpool_t *p, db_t *db);

#endif
