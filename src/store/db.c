/*
 * db.c — SQLite connections, statement cache and pool (see db.h).
 *
 * The cache is an open-addressing table keyed by the SQL text's address.
 * The pool is a mutex-guarded stack: a request takes one connection for its
 * whole life and gives it back, so each worker thread works on its own
 * connection without locks inside SQLite.
 */
#include "store/db.h"
#include "base/mem.h"
#include "store/fts.h"
#include "store/sqlfn.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CACHE_SLOTS 256 /* power of two; far more than the distinct statements */

typedef struct {
    const char *sql;
    sqlite3_stmt *st;
} cached_t;

struct db {
    sqlite3 *h;
    log_t *log;
    viewcache_t *views; /* shared by the pool's connections, or NULL */
    cached_t cache[CACHE_SLOTS];
};

struct dbpool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    db_t **free;
    int nfree, size;
};

void db_log_error(db_t *db, const char *what)
{
    log_error(db->log, "sqlite: %s: %s (%d)", what, sqlite3_errmsg(db->h), sqlite3_extended_errcode(db->h));
}

int db_exec(db_t *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_error(db->log, "sqlite: exec: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/*
 * The key store: keys.db beside the database, attached as schema "keys". It
 * holds the wrapped data keys (G4/F7): a data backup copies only "main", so a
 * cancellation's deleted key is missing from every later restore of it.
 */
static int attach_keys(db_t *db, const char *path)
{
    char keys[1024];
    const char *slash = strrchr(path, '/');
    int n = slash ? (int)(slash - path + 1) : 0;
    snprintf(keys, sizeof keys, "%.*skeys.db", n, path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, "ATTACH DATABASE ?1 AS keys", -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(st, 1, keys, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_log_error(db, "attach the key store");
        return -1;
    }
    return db_exec(db, "PRAGMA keys.journal_mode=WAL; PRAGMA keys.secure_delete=ON; PRAGMA keys.synchronous=FULL;"
                       "CREATE TABLE IF NOT EXISTS keys.deks ("
                       "  user_id INTEGER PRIMARY KEY, dek BLOB NOT NULL, created_at INTEGER NOT NULL);");
}

int db_open(db_t **out, const char *path, bool sync_full, log_t *log)
{
    db_t *db = mem_calloc(1, sizeof(*db));
    db->log = log;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
        log_error(log, "sqlite: cannot open database");
        sqlite3_close(db->h);
        free(db);
        return -1;
    }
    sqlite3_busy_timeout(db->h, 5000);
    sqlite3_extended_result_codes(db->h, 1);
    if (db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
                    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;") ||
        db_exec(db, sync_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;") ||
        attach_keys(db, path) || fts_register(db->h) || sqlfn_register(db->h)) {
        db_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

void db_close(db_t *db)
{
    if (!db) return;
    for (int i = 0; i < CACHE_SLOTS; i++) sqlite3_finalize(db->cache[i].st);
    sqlite3_close(db->h);
    free(db);
}

viewcache_t *db_views(db_t *db)
{
    /* a write transaction's snapshot is not committed: it neither reads nor fills the shared copies */
    if (!db->views || sqlite3_txn_state(db->h, "main") == SQLITE_TXN_WRITE) return NULL;
    return db->views;
}

void db_set_views(db_t *db, viewcache_t *vc)
{
    db->views = vc;
}

void dbpool_set_views(dbpool_t *p, viewcache_t *vc)
{
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->nfree; i++) db_set_views(p->free[i], vc);
    pthread_mutex_unlock(&p->mu);
}

sqlite3 *db_handle(db_t *db)
{
    return db->h;
}

static unsigned slot_of(const char *sql)
{
    uintptr_t k = (uintptr_t)sql;
    k ^= k >> 17;
    k *= 0x9E3779B97F4A7C15ull;
    return (unsigned)(k >> 40) & (CACHE_SLOTS - 1);
}

sqlite3_stmt *db_stmt(db_t *db, const char *sql)
{
    unsigned i = slot_of(sql);
    for (unsigned probe = 0; probe < CACHE_SLOTS; probe++, i = (i + 1) & (CACHE_SLOTS - 1)) {
        cached_t *c = &db->cache[i];
        if (c->sql == sql) {
            sqlite3_reset(c->st);
            sqlite3_clear_bindings(c->st);
            return c->st;
        }
        if (c->sql) continue;
        if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->st, NULL) != SQLITE_OK) {
            db_log_error(db, "prepare");
            c->st = NULL;
            return NULL;
        }
        c->sql = sql;
        return c->st;
    }
    PANIC("statement cache full");
}

int db_run(db_t *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return 0;
    db_log_error(db, "step");
    return -1;
}

/* Cached: a read-only request opens and closes one snapshot, and parsing these each time was measurable. */
static const char SQL_BEGIN_READ[] = "BEGIN", SQL_END_READ[] = "COMMIT";

int db_read_begin(db_t *db)
{
    sqlite3_stmt *st = db_stmt(db, SQL_BEGIN_READ);
    return st ? db_run(db, st) : -1;
}

void db_read_end(db_t *db)
{
    sqlite3_stmt *st = db_stmt(db, SQL_END_READ);
    if (!st || db_run(db, st)) db_rollback(db);
}

int db_begin(db_t *db)
{
    return db_exec(db, "BEGIN IMMEDIATE");
}

int db_commit(db_t *db)
{
    if (db_exec(db, "COMMIT") == 0) return 0;
    db_rollback(db);
    return -1;
}

void db_rollback(db_t *db)
{
    if (!sqlite3_get_autocommit(db->h)) sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

bool db_in_txn(db_t *db)
{
    return !sqlite3_get_autocommit(db->h);
}

int64_t db_last_id(db_t *db)
{
    return sqlite3_last_insert_rowid(db->h);
}

int db_changes(db_t *db)
{
    return sqlite3_changes(db->h);
}

void db_reset_all(db_t *db)
{
    sqlite3_stmt *st = NULL;
    while ((st = sqlite3_next_stmt(db->h, st)))
        if (sqlite3_stmt_busy(st)) sqlite3_reset(st);
    db_rollback(db);
}

dbpool_t *dbpool_new(const char *path, int size, bool sync_full, log_t *log)
{
    dbpool_t *p = mem_calloc(1, sizeof(*p));
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->free = mem_calloc((size_t)size, sizeof(db_t *));
    p->size = size;
    for (int i = 0; i < size; i++) {
        if (db_open(&p->free[i], path, sync_full, log)) {
            p->nfree = i;
            dbpool_free(p);
            return NULL;
        }
    }
    p->nfree = size;
    return p;
}

void dbpool_free(dbpool_t *p)
{
    if (!p) return;
    for (int i = 0; i < p->nfree; i++) db_close(p->free[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->free);
    free(p);
}

db_t *dbpool_acquire(dbpool_t *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->nfree == 0) pthread_cond_wait(&p->cv, &p->mu);
    db_t *db = p->free[--p->nfree];
    pthread_mutex_unlock(&p->mu);
    return db;
}

void dbpool_release(dbpool_t *p, db_t *db)
{
    db_reset_all(db);
    pthread_mutex_lock(&p->mu);
    p->free[p->nfree++] = db;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}
