/*
 * backup.c — online backup and restore (see backup.h).
 * The database goes through sqlite3_backup in steps of 256 pages, so writers
 * are held up only for the length of a step; photos are plain files copied
 * after the snapshot (a photo added meanwhile has no row in it, harmless).
 */
#include "store/backup.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), out = -1, rc = -1;
    char buf[65536];
    ssize_t n;
    if (in < 0) return -1;
    out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) goto done;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) goto done;
    rc = n == 0 && fsync(out) == 0 ? 0 : -1;
done:
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0) rc = -1;
    return rc;
}

/* Copies every regular file of one folder into another (created). A missing source is an empty one. */
static int copy_dir(const char *from, const char *to)
{
    if (mkdir(to, 0700) && errno != EEXIST) return -1;
    DIR *d = opendir(from);
    if (!d) return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        char a[1024], b[1024];
        if (e->d_name[0] == '.' || e->d_type != DT_REG) continue;
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        rc = copy_file(a, b);
    }
    closedir(d);
    return rc;
}

static int snapshot(sqlite3 *from, const char *schema, const char *path)
{
    sqlite3 *to;
    if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_close(to);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, schema);
    int rc = SQLITE_ERROR;
    if (b) {
        while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(rc == SQLITE_OK ? 0 : 5);
        sqlite3_backup_finish(b);
    }
    int ok = rc == SQLITE_DONE && sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(to);
    chmod(path, 0600);
    return ok ? 0 : -1;
}

int backup_create(db_t *db, const char *photo_dir, const char *dest, char *err, size_t errlen)
{
    char path[1024];
    if (mkdir(dest, 0700)) {
        snprintf(err, errlen, "cannot create %s: %s", dest, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/linli.db", dest);
    if (snapshot(db_handle(db), "main", path)) {
        snprintf(err, errlen, "the database snapshot failed");
        return -1;
    }
    snprintf(path, sizeof path, "%s/photos", dest);
    if (copy_dir(photo_dir, path)) {
        snprintf(err, errlen, "copying photos failed");
        return -1;
    }
    return 0;
}

int backup_restore(const char *src, const char *data_dir, const char *photo_dir, char *err, size_t errlen)
{
    char from[1024], to[1024];
    struct stat sb;
    snprintf(to, sizeof to, "%s/linli.db", data_dir);
    if (stat(to, &sb) == 0) {
        snprintf(err, errlen, "%s exists: restore only into a data folder without a database", to);
        return -1;
    }
    snprintf(from, sizeof from, "%s/linli.db", src);
    if (mkdir(data_dir, 0700) && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s", data_dir);
        return -1;
    }
    if (copy_file(from, to)) {
        snprintf(err, errlen, "cannot copy %s", from);
        return -1;
    }
    snprintf(from, sizeof from, "%s/photos", src);
    if (copy_dir(from, photo_dir)) {
        snprintf(err, errlen, "copying photos failed");
        return -1;
    }
    return 0;
}

int backup_keys(db_t *db, const char *key_file, const char *dest, char *err, size_t errlen)
{
    char path[1024];
    if (mkdir(dest, 0700)) {
        snprintf(err, errlen, "cannot create %s: %s", dest, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/keys.db", dest);
    if (snapshot(db_handle(db), "keys", path)) {
        snprintf(err, errlen, "the key store snapshot failed");
        return -1;
    }
    snprintf(path, sizeof path, "%s/keys.json", dest);
    if (copy_file(key_file, path)) {
        snprintf(err, errlen, "copying the key file failed");
        return -1;
    }
    return 0;
}
