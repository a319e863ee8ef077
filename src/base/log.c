/* log.c — line-buffered error and access logs (see log.h for the PI rule). */
#include "base/log.h"
#include <limits.h>
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

int log_open(log_t *l, const char *dir)
{
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
    l->error = e;
    l->access = a;
    return 0;
}

void log_close(log_t *l)
{
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

void log_access(log_t *l, const char *method, const char *path, unsigned status, long usec)
{
    if (!l->access) return;
    char ts[40];
    stamp(ts, sizeof ts);
    size_t n = strcspn(path, "?"); /* a query string may hold a search keyword: PI (B8) */
    fprintf(l->access, "%s %s %.*s %u %ldus\n", ts, method, (int)(n > 512 ? 512 : n), path, status, usec);
}
