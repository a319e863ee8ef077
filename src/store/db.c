/*
 * db.c — SQLite connections, statement cache and pool (see db.h).
 *
 * The cache is an open-addressing table keyed by the SQL text's address.
 * The pool is a mutex-guarded stack: a request takes one connection for its
 * whole life and gives it back, so each worker thread works on its own
 * connection without locks inside SQLite.
 *
 * Writes of a pool are batched (decisions.md, "Group commit"). Every write
 * transaction of the pool runs on one write connection, in turn (a mutex,
 * not SQLite's busy handler, which makes a waiting writer sleep 1, 2, 5...
 * ms), as a SAVEPOINT inside a batch transaction: the connection that asked
 * is redirected to the write connection until its transaction ends. The
 * last writer of a burst (nobody else waiting for the turn), or the one that
 * finds the batch full or old, commits it: one COMMIT — one full-text flush,
 * one WAL append — for all of them. Each waits for its batch's commit and,
 * with db_sync_full, for an fdatasync of the WAL that began after it, run
 * by one waiter for all and outside the turn, so the next batch goes on
 * meanwhile. A writer that gave up its turn never returns before its batch
 * committed: what a request reports done is in the database (and on disk).
 */
#include "store/db.h"
#include "base/clock.h"
#include "base/mem.h"
#include "store/fts.h"
#include "store/sqlfn.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CACHE_SLOTS 256 /* power of two; far more than the distinct statements */

#define WRITER_WAIT_S 5      /* as long as the busy timeout: a writer never waits forever */
#define BATCH_MAX     64     /* transactions per batch */
#define BATCH_AGE_US  10000  /* a batch older than this is committed by its next writer */
#define RESCUE_MS     20     /* a waiter commits its batch itself when nobody did within this */
#define BATCH_RING    64     /* outcomes kept for waiters: far more batches than can end while one wakes */

typedef struct {
    const char *sql;
    sqlite3_stmt *st;
} cached_t;

/* What the connections of one pool share to write: the write connection, its turn, the batch, the syncs. */
typedef struct {
    pthread_mutex_t turn; /* held while a transaction runs on conn */
    db_t *conn;
    atomic_int queued;    /* threads waiting for the turn */
    _Atomic int64_t written_us; /* when a request's write transaction last ended (clock_mono_us) */
    /* the open batch: touched only with the turn held */
    uint64_t batch;       /* its number, 0 when none is open */
    int members;
    int64_t opened_us;
    struct deferred {
        db_deferred_fn fn;
        void *arg;
    } *deferred;          /* run at its commit, in order (db_defer) */
    size_t ndeferred, cap_deferred;
    pthread_mutex_t mu;   /* guards what follows */
    pthread_cond_t cv;
    uint64_t numbered;     /* the last batch number given (with the turn held) */
    uint64_t batches_done; /* every batch up to this one has ended */
    struct {
        uint64_t batch, ticket; /* ticket 0: rolled back */
    } ended[BATCH_RING];   /* how the last batches ended, by number modulo BATCH_RING */
    uint64_t committed, synced; /* commit tickets, and those covered by a finished fdatasync */
    bool syncing;
    char wal[1100];
} writers_t;

struct db {
    sqlite3 *h;
    log_t *log;
    viewcache_t *views;  /* shared by the pool's connections, or NULL */
    writers_t *writers;  /* the pool's, or NULL for a connection of its own */
    db_t *redirect;      /* the write connection, while this connection's write transaction runs there */
    uint64_t batch;      /* the batch that transaction joined */
    size_t defer_mark;   /* the batch's deferred work before this transaction's */
    bool sync_full;      /* durable commits wanted */
    bool lazy;           /* this transaction is upkeep (db_begin_idle): its commit need not be on disk */
    cached_t cache[CACHE_SLOTS];
};

struct dbpool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    db_t **free;
    int nfree, size;
    writers_t writers;
};

/* The connection statements of db go to: the write connection during db's write transaction. */
static db_t *on(db_t *db)
{
    return db->redirect ? db->redirect : db;
}

void db_log_error(db_t *db, const char *what)
{
    db = on(db);
    log_error(db->log, "sqlite: %s: %s (%d)", what, sqlite3_errmsg(db->h), sqlite3_extended_errcode(db->h));
}

int db_exec(db_t *db, const char *sql)
{
    char *msg = NULL;
    db = on(db);
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
    db->sync_full = sync_full;
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
    if (db->redirect) return NULL;
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
    return on(db)->h;
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
    db = on(db);
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

const char *db_text(arena_t *a, sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? arena_strdup(a, s) : NULL;
}

int db_run(db_t *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        sqlite3_reset(st);
        return 0;
    }
    /* the statement's first words tell which one failed */
    db_t *w = on(db);
    log_error(w->log, "sqlite: step: %s (%d) in \"%.60s\"", sqlite3_errmsg(w->h), sqlite3_extended_errcode(w->h),
              sqlite3_sql(st));
    sqlite3_reset(st);
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

static const char SQL_BEGIN_WRITE[] = "BEGIN IMMEDIATE", SQL_COMMIT[] = "COMMIT";
static const char SQL_SAVEPOINT[] = "SAVEPOINT w", SQL_RELEASE[] = "RELEASE w", SQL_UNDO[] = "ROLLBACK TO w";

static int run_cached(db_t *db, const char *sql)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    return st ? db_run(db, st) : -1;
}

/* A transaction on a connection of its own (no pool): SQLite's own locking. */
static int solo_begin(db_t *db)
{
    return run_cached(db, SQL_BEGIN_WRITE);
}

static int take_turn(writers_t *w, db_t *db)
{
    struct timespec until = clock_after_ms(WRITER_WAIT_S * 1000);
    atomic_fetch_add(&w->queued, 1);
    int rc = pthread_mutex_timedlock(&w->turn, &until);
    atomic_fetch_sub(&w->queued, 1);
    if (rc) log_error(db->log, "sqlite: no turn to write within %d s", WRITER_WAIT_S);
    return rc ? -1 : 0;
}

/* Runs the batch's deferred work, then commits it (turn held), and tells its members; the commit's ticket for
 * wait_durable, or 0 when it was rolled back. */
static uint64_t end_batch(writers_t *w)
{
    int rc = 0;
    for (size_t i = 0; i < w->ndeferred && rc == 0; i++) rc = w->deferred[i].fn(w->conn, w->deferred[i].arg);
    w->ndeferred = 0;
    if (rc == 0) rc = run_cached(w->conn, SQL_COMMIT);
    if (rc) db_rollback(w->conn);
    pthread_mutex_lock(&w->mu);
    uint64_t ticket = rc ? 0 : ++w->committed;
    w->batches_done = w->batch;
    w->ended[w->batch % BATCH_RING].batch = w->batch;
    w->ended[w->batch % BATCH_RING].ticket = ticket;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    w->batch = 0;
    return ticket;
}

/* fdatasync of the WAL (any descriptor of the file will do); a WAL already checkpointed away is durable. */
static int sync_wal(writers_t *w)
{
    int fd = open(w->wal, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? 0 : -1;
    int rc = fdatasync(fd);
    close(fd);
    return rc;
}

/* Returns once an fdatasync that began after commit number ticket has finished; one waiter syncs for all. */
static int wait_durable(writers_t *w, log_t *log, uint64_t ticket)
{
    int rc = 0;
    pthread_mutex_lock(&w->mu);
    while (w->synced < ticket && rc == 0) {
        if (w->syncing) {
            pthread_cond_wait(&w->cv, &w->mu);
            continue;
        }
        uint64_t upto = w->committed;
        w->syncing = true;
        pthread_mutex_unlock(&w->mu);
        rc = sync_wal(w);
        pthread_mutex_lock(&w->mu);
        w->syncing = false;
        if (rc == 0 && upto > w->synced) w->synced = upto;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    if (rc) log_error(log, "sqlite: fdatasync of the WAL failed: %s", strerror(errno));
    return rc;
}

/*
 * Waits for batch b to end; commits it itself when nobody has within
 * RESCUE_US (its last member gave the turn to a writer that then gave up).
 * 0 when it committed, with *ticket set; -1 when it did not.
 */
static int await_batch(writers_t *w, uint64_t b, uint64_t *ticket)
{
    pthread_mutex_lock(&w->mu);
    while (w->batches_done < b) {
        struct timespec until = clock_after_ms(RESCUE_MS);
        if (pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT || w->batches_done >= b) continue;
        pthread_mutex_unlock(&w->mu);
        if (pthread_mutex_trylock(&w->turn) == 0) {
            uint64_t t = w->batch == b ? end_batch(w) : 0;
            pthread_mutex_unlock(&w->turn);
            if (t) {
                *ticket = t;
                return 0;
            }
        }
        pthread_mutex_lock(&w->mu);
    }
    /* an outcome overwritten before this waiter woke is unknown: reported as a failure, the safe side */
    bool known = w->ended[b % BATCH_RING].batch == b;
    *ticket = known ? w->ended[b % BATCH_RING].ticket : 0;
    pthread_mutex_unlock(&w->mu);
    return *ticket ? 0 : -1;
}

/* With the turn held: joins (or opens) the batch and redirects db to the write connection. */
static int join_batch(writers_t *w, db_t *db)
{
    if (!w->batch) {
        if (run_cached(w->conn, SQL_BEGIN_WRITE)) goto fail;
        w->batch = ++w->numbered;
        w->members = 0;
        w->opened_us = clock_mono_us();
    }
    if (run_cached(w->conn, SQL_SAVEPOINT)) goto fail;
    db->redirect = w->conn;
    db->batch = w->batch;
    db->defer_mark = w->ndeferred;
    return 0;
fail:
    if (w->batch && !w->members) end_batch(w);
    pthread_mutex_unlock(&w->turn);
    return -1;
}

static bool nested(db_t *db)
{
    if (db->redirect) log_error(db->log, "sqlite: a write transaction inside another");
    return db->redirect != NULL;
}

int db_begin(db_t *db)
{
    writers_t *w = db->writers;
    if (!w) return solo_begin(db);
    if (nested(db) || take_turn(w, db)) return -1;
    db->lazy = false;
    return join_batch(w, db);
}

int db_begin_idle(db_t *db, int quiet_ms)
{
    writers_t *w = db->writers;
    if (!w) return solo_begin(db);
    if (nested(db)) return -1;
    if (clock_mono_us() - atomic_load(&w->written_us) < (int64_t)quiet_ms * 1000) return 1;
    if (atomic_load(&w->queued) || pthread_mutex_trylock(&w->turn)) return 1;
    /* a batch still open is one whose members wait for its commit by the next writer */
    if (w->batch || atomic_load(&w->queued)) {
        pthread_mutex_unlock(&w->turn);
        return 1;
    }
    db->lazy = true;
    return join_batch(w, db);
}

/* Ends db's part of the batch (kept: its savepoint released; or undone) and gives the turn on. */
static int leave_batch(db_t *db, bool keep)
{
    writers_t *w = db->writers;
    db_t *conn = db->redirect;
    int rc = 0;
    if (keep && run_cached(conn, SQL_RELEASE)) keep = false, rc = -1;
    if (!keep && (run_cached(conn, SQL_UNDO) || run_cached(conn, SQL_RELEASE))) rc = -1;
    if (!keep) w->ndeferred = db->defer_mark; /* its deferred work goes with it */
    db->redirect = NULL;
    if (!db->lazy) atomic_store(&w->written_us, clock_mono_us());
    w->members += keep;
    bool last = atomic_load(&w->queued) == 0 || w->members >= BATCH_MAX || clock_mono_us() - w->opened_us > BATCH_AGE_US;
    if (rc && !db_in_txn(conn)) last = true; /* SQLite ended the batch itself (an I/O error): end_batch reports it */
    uint64_t ticket = 0, b = db->batch;
    int brc = 0;
    if (w->batch == b && last) {
        ticket = end_batch(w);
        brc = ticket ? 0 : -1;
    }
    pthread_mutex_unlock(&w->turn);
    if (!keep) return rc;
    if (!ticket && brc == 0) brc = await_batch(w, b, &ticket);
    if (brc) return -1;
    return db->sync_full && !db->lazy ? wait_durable(w, db->log, ticket) : 0;
}

int db_defer(db_t *db, db_deferred_fn fn, void *arg)
{
    if (!db->redirect) return fn(db, arg);
    writers_t *w = db->writers;
    if (w->ndeferred == w->cap_deferred) {
        w->cap_deferred = w->cap_deferred ? 2 * w->cap_deferred : 64;
        w->deferred = mem_realloc(w->deferred, w->cap_deferred * sizeof(*w->deferred));
    }
    w->deferred[w->ndeferred++] = (struct deferred){fn, arg};
    return 0;
}

int db_commit(db_t *db)
{
    if (db->redirect) return leave_batch(db, true);
    if (run_cached(db, SQL_COMMIT) == 0) return 0;
    db_rollback(db);
    return -1;
}

void db_rollback(db_t *db)
{
    if (db->redirect) {
        leave_batch(db, false);
        return;
    }
    if (!sqlite3_get_autocommit(db->h)) sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

bool db_in_txn(db_t *db)
{
    return !sqlite3_get_autocommit(on(db)->h);
}

int64_t db_last_id(db_t *db)
{
    return sqlite3_last_insert_rowid(on(db)->h);
}

int db_changes(db_t *db)
{
    return sqlite3_changes(on(db)->h);
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
    pthread_mutex_init(&p->writers.turn, NULL);
    pthread_mutex_init(&p->writers.mu, NULL);
    pthread_cond_init(&p->writers.cv, NULL);
    snprintf(p->writers.wal, sizeof p->writers.wal, "%s-wal", path);
    /* the write connection syncs nothing itself: with sync_full, wait_durable does, once per group */
    if (db_open(&p->writers.conn, path, false, log) || db_exec(p->writers.conn, "PRAGMA wal_autocheckpoint=4000")) {
        dbpool_free(p);
        return NULL;
    }
    for (int i = 0; i < size; i++) {
        if (db_open(&p->free[i], path, sync_full, log)) {
            p->nfree = i;
            dbpool_free(p);
            return NULL;
        }
        p->free[i]->writers = &p->writers;
    }
    p->nfree = size;
    return p;
}

void dbpool_free(dbpool_t *p)
{
    if (!p) return;
    for (int i = 0; i < p->nfree; i++) db_close(p->free[i]);
    db_close(p->writers.conn);
    free(p->writers.deferred);
    pthread_mutex_destroy(&p->writers.turn);
    pthread_mutex_destroy(&p->writers.mu);
    pthread_cond_destroy(&p->writers.cv);
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
