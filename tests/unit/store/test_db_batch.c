/*
 * test_db_batch.c — a pool's write transactions, batched on one write
 * connection (db.c): each one is kept or undone on its own, its deferred
 * work runs with it and only with it, and a writer that was told "committed"
 * finds its rows from any other connection (B1: posting, durable commits).
 */
#include "support.h"
#include "store/db.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { THREADS = 8, PER_THREAD = 150 };

typedef struct {
    dbpool_t *pool;
    int thread;
    int committed[PER_THREAD]; /* 1: db_commit said yes; -1: rolled back on purpose; 0: failed */
    int deferred_ran;
} writer_t;

static const char SQL_ROW[] = "INSERT INTO t(id, thread) VALUES (?, ?)";
static const char SQL_LOG[] = "INSERT INTO deferred(id) VALUES (?)";

typedef struct {
    int64_t id;
} defer_arg_t;

/* Deferred work: written with the transaction only if it is kept (the full-text write of a listing). */
static int log_row(db_t *db, void *arg)
{
    sqlite3_stmt *st = db_stmt(db, SQL_LOG);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, ((defer_arg_t *)arg)->id);
    return db_run(db, st);
}

static void *write_rows(void *arg)
{
    writer_t *w = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        db_t *db = dbpool_acquire(w->pool);
        int64_t id = (int64_t)w->thread * 100000 + i;
        defer_arg_t d = {id};
        bool undo = i % 7 == 3; /* some transactions change their mind after writing */
        if (db_begin(db) == 0) {
            sqlite3_stmt *st = db_stmt(db, SQL_ROW);
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int(st, 2, w->thread);
            int rc = db_run(db, st);
            if (rc == 0) rc = db_defer(db, log_row, &d);
            if (rc || undo) {
                db_rollback(db);
                w->committed[i] = undo ? -1 : 0;
            } else {
                w->committed[i] = db_commit(db) == 0 ? 1 : 0;
            }
        }
        dbpool_release(w->pool, db);
    }
    return NULL;
}

static int64_t count(db_t *db, const char *sql, int64_t id)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A pool on a new database file in a new directory (*dir, to remove after), its path in path. */
static dbpool_t *new_pool(char **dir, char path[1100], int size, bool sync_full, log_t *log)
{
    *dir = support_tmpdir();
    snprintf(path, 1100, "%s/batch.db", *dir);
    log_open(log, NULL);
    dbpool_t *pool = dbpool_new(path, size, sync_full, log);
    assert_non_null(pool);
    return pool;
}

static void test_B1_concurrent_writers_each_keep_or_undo_their_own(void **state)
{
    (void)state;
    char *dir, path[1100];
    log_t log;
    dbpool_t *pool = new_pool(&dir, path, THREADS + 2, true, &log);
    db_t *db = dbpool_acquire(pool);
    assert_int_equal(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, thread INTEGER NOT NULL);"
                                 "CREATE TABLE deferred (id INTEGER PRIMARY KEY);"),
                     0);
    dbpool_release(pool, db);

    pthread_t th[THREADS];
    static writer_t w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (writer_t){.pool = pool, .thread = i + 1};
        pthread_create(&th[i], NULL, write_rows, &w[i]);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);

    /* read back on a connection of its own: only what was committed, each row with its deferred write */
    db_t *check;
    assert_int_equal(db_open(&check, path, true, &log), 0);
    int64_t kept = 0;
    for (int i = 0; i < THREADS; i++) {
        for (int k = 0; k < PER_THREAD; k++) {
            int64_t id = (int64_t)w[i].thread * 100000 + k;
            int64_t in_t = count(check, "SELECT count(*) FROM t WHERE id = ?", id);
            int64_t in_log = count(check, "SELECT count(*) FROM deferred WHERE id = ?", id);
            assert_int_not_equal(w[i].committed[k], 0); /* nothing failed that was not meant to */
            assert_int_equal(in_t, w[i].committed[k] == 1);
            assert_int_equal(in_log, in_t);
            kept += in_t;
        }
    }
    assert_int_equal(count(check, "SELECT count(*) FROM t WHERE id > ?", 0), kept);
    assert_int_equal(count(check, "SELECT count(*) FROM deferred WHERE id > ?", 0), kept);
    db_close(check);
    dbpool_free(pool);
    log_close(&log);
    support_rmtree(dir);
    free(dir);
}

/* A write transaction inside another is refused, and the outer one still commits. */
static void test_B1_a_nested_write_transaction_is_refused(void **state)
{
    (void)state;
    char *dir, path[1100];
    log_t log;
    dbpool_t *pool = new_pool(&dir, path, 2, false, &log);
    db_t *db = dbpool_acquire(pool);
    assert_int_equal(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, thread INTEGER);"), 0);
    assert_int_equal(db_begin(db), 0);
    assert_true(db_in_txn(db));
    assert_int_equal(db_exec(db, "INSERT INTO t(id) VALUES (1)"), 0);
    assert_int_not_equal(db_begin(db), 0);
    assert_int_equal(db_commit(db), 0);
    assert_false(db_in_txn(db));
    assert_int_equal(count(db, "SELECT count(*) FROM t WHERE id = ?", 1), 1);
    dbpool_release(pool, db);
    dbpool_free(pool);
    log_close(&log);
    support_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_B1_concurrent_writers_each_keep_or_undo_their_own),
        cmocka_unit_test(test_B1_a_nested_write_transaction_is_refused),
    };
    return cmocka_run_group_tests_name("db_batch", tests, NULL, NULL);
}
