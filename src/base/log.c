/* log.c — line-buffered error and access logs (see log.h for the PI rule). */
#include "base/log.h"
#include <limits.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void stamp(char *buf, size_t n)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

static FILE *open_append(const char *dir, const char *name)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "a");
    if (f) setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

#define ACCESS_BUF (64 * 1024)

int log_open(log_t *l, const char *dir)
{
    memset(l, 0, sizeof(*l));
    pthread_mutex_init(&l->mu, NULL);
    l->error = stderr;
    l->access = NULL;
    if (!dir) return 0;
    char logs[PATH_MAX];
    snprintf(logs, sizeof logs, "%s/logs", dir);
    mkdir(logs, 0750);
    FILE *e = open_append(logs, "error.log");
    FILE *a = open_append(logs, "access.log");
    if (!e || !a) {
        if (e) fclose(e);
        if (a) fclose(a);
        return -1;
    }
    setvbuf(a, NULL, _IONBF, 0); /* we buffer ourselves: one write(2) per 64 KiB */
    l->error = e;
    l->access = a;
    l->buf = malloc(ACCESS_BUF);
    return l->buf ? 0 : -1;
}

void log_close(log_t *l)
{
    log_flush(l);
    free(l->buf);
    l->buf = NULL;
    if (l->error && l->error != stderr) fclose(l->error);
    if (l->access) fclose(l->access);
    l->error = stderr;
    l->access = NULL;
}

void log_msg(log_t *l, const char *level, const char *fmt, ...)
{
    char ts[40], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    stamp(ts, sizeof ts);
    FILE *f = l && l->error ? l->error : stderr;
    fprintf(f, "%s %s %s\n", ts, level, msg);
    /* a mirror on stderr keeps a foreground `linli serve` readable */
    if (f != stderr && strcmp(level, "info") != 0) fprintf(stderr, "%s %s %s\n", ts, level, msg);
}

static void flush_locked(log_t *l)
{
    if (l->len && l->access) fwrite(l->buf, 1, l->len, l->access);
    l->len = 0;
    l->flushed = time(NULL);
}

void log_flush(log_t *l)
{
    pthread_mutex_lock(&l->mu);
    flush_locked(l);
    pthread_mutex_unlock(&l->mu);
}

void log_access(log_t *l, const char *method, const char *path, unsigned status, long usec)
{
    if (!l->access || !l->buf) return;
    size_t n = strcspn(path, "?"); /* a query string may hold a search keyword: PI (B8) */
    time_t now = time(NULL);
    char line[700];
    pthread_mutex_lock(&l->mu);
    if (now != l->stamped) { /* one strftime a second, not one a request */
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(l->stamp, sizeof l->stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        l->stamped = now;
    }
    int k = snprintf(line, sizeof line, "%sZ %s %.*s %u %ldus\n", l->stamp, method, (int)(n > 512 ? 512 : n), path,
                     status, usec);
    if (k > 0 && (size_t)k >= sizeof line) k = (int)sizeof line - 1;
    if (k > 0 && l->len + (size_t)k > ACCESS_BUF) flush_locked(l);
    if (k > 0) {
        memcpy(l->buf + l->len, line, (size_t)k);
        l->len += (size_t)k;
    }
    if (now - l->flushed >= 1) flush_locked(l);
    pthread_mutex_unlock(&l->mu);
}
