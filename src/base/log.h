/*
 * log.h — the error log and the access log.
 *
 * Promise: no line ever carries personal data. Callers log events, ids and
 * result names, never request bodies, query strings, phone numbers, codes,
 * tokens or cookies; the access log records the path without its query.
 */
#ifndef LL_LOG_H
#define LL_LOG_H
#include <pthread.h>
#include <stdio.h>
#include <time.h>

typedef struct log {
    FILE *error;  /* owned unless it is stderr */
    FILE *access; /* NULL: access log off */
    /* access lines gather here and are written at 64 KiB, after a second, or at close */
    pthread_mutex_t mu;
    char *buf;
    size_t len;
    time_t flushed, stamped;
    char stamp[24]; /* "YYYY-MM-DDTHH:MM:SS" of `stamped` */
} log_t;

int log_open(log_t *l, const char *dir);   /* dir NULL: errors to stderr, no access log */
void log_close(log_t *l);
void log_msg(log_t *l, const char *level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void log_access(log_t *l, const char *method, const char *path, unsigned status, long usec);
/* Writes out buffered access lines. */
void log_flush(log_t *l);

#define log_error(l, ...) log_msg((l), "error", __VA_ARGS__)
#define log_warn(l, ...) log_msg((l), "warn", __VA_ARGS__)
#define log_info(l, ...) log_msg((l), "info", __VA_ARGS__)

#endif
