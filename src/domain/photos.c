/*
 * photos.c — the photos of a listing (see photos.h).
 *
 * Order of an add: ownership and room are checked first (cheap), then the upload is sanitised
 * (slow, outside any transaction), both files are written and synced, and only then is the row
 * inserted, in a transaction that checks ownership and room again (two uploads racing for the
 * ninth place: one wins, the other's files are removed). Every failure after the first file
 * is written goes through one path that removes what was written.
 *
 * The folder rule (conf.photo_dir, else <data_dir>/photos) is photos_path's; listing.c (files of
 * a deleted listing or account) and api/rights.c (the export) still spell it out themselves.
 */
#include "domain/photos.h"
#include "base/arena.h"
#include "base/conf.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/listing.h"
#include "media/photo.h"
#include "store/db.h"
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PATH_BUF = 1100 }; /* a 512-byte folder setting, a separator, a name and ".tmp" */

static void photo_dir(const ctx_t *c, char *out, size_t n)
{
    if (*c->conf->photo_dir)
        snprintf(out, n, "%s", c->conf->photo_dir);
    else
        snprintf(out, n, "%s/photos", c->conf->data_dir);
}

void photos_path(const conf_t *conf, const char *name, char *out, size_t n)
{
    if (*conf->photo_dir)
        snprintf(out, n, "%s/%s", conf->photo_dir, name);
    else
        snprintf(out, n, "%s/photos/%s", conf->data_dir, name);
}

bool photos_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n != 36 && n != 38) return false;
    for (size_t i = 0; i < 32; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return false;
    return !strcmp(name + 32, n == 36 ? ".jpg" : "_t.jpg");
}

/* ---- files ---- */

/* Writes data to dir/name through a synced temporary file; 0, or -1 with nothing left behind. */
static int write_file(ctx_t *c, const char *dir, const char *name, const void *data, size_t len)
{
    char tmp[PATH_BUF], dst[PATH_BUF];
    /* the temporary name starts with a dot: never a servable name */
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(dst, sizeof dst, "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        log_error(c->log, "photos: cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    const unsigned char *p = data;
    bool ok = fchmod(fd, 0644) == 0; /* whatever the umask */
    for (size_t left = len; ok && left;) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            ok = false;
        else
            p += w, left -= (size_t)w;
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, dst) == 0) return 0;
    log_error(c->log, "photos: cannot write %s: %s", dst, strerror(errno));
    unlink(tmp);
    return -1;
}

/* Makes the renames in dir durable before a row points at them. */
static int sync_dir(ctx_t *c, const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
    if (rc) log_error(c->log, "photos: cannot sync %s: %s", dir, strerror(errno));
    if (fd >= 0) close(fd);
    return rc;
}

static void unlink_pair(ctx_t *c, const char *main_name)
{
    char dir[PATH_BUF / 2], path[PATH_BUF];
    photo_dir(c, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, main_name);
    if (unlink(path) && errno != ENOENT)
        log_warn(c->log, "photos: cannot remove %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/%.32s_t.jpg", dir, main_name);
    if (unlink(path) && errno != ENOENT)
        log_warn(c->log, "photos: cannot remove %s: %s", path, strerror(errno));
}

int photos_read(ctx_t *c, const char *name, void **data, size_t *len)
{
    char dir[PATH_BUF / 2], path[PATH_BUF];
    struct stat sb;
    *data = NULL;
    *len = 0;
    if (!photos_name_ok(name)) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    photo_dir(c, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT) return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
        log_error(c->log, "photos: cannot open %s: %s", path, strerror(err));
        /* a symbolic link is never followed: as good as absent */
        return err == ELOOP ? ctx_fail(c, LL_NOTFOUND, "not_found", NULL) : LL_ERR;
    }
    int res = LL_ERR;
    unsigned char *buf = NULL;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
        (uint64_t)sb.st_size > PHOTOS_MAX_FILE) {
        log_error(c->log, "photos: %s is not a photo file", path);
        goto done;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    buf = mem_alloc(n);
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    if (got != n) goto done;
    *data = buf;
    *len = n;
    buf = NULL;
    res = LL_OK;
done:
    free(buf);
    close(fd);
    return res;
}

/* ---- rows ---- */

static const char SQL_ROOM[] =
    "SELECT l.user_id, (SELECT count(*) FROM listing_photos p WHERE p.listing_id = l.id) "
    "FROM listings l WHERE l.id = ?";
static const char SQL_INSERT[] = "INSERT INTO listing_photos(listing_id, name, width, height, "
                                 "bytes, created_at) VALUES (?,?,?,?,?,?)";
static const char SQL_DELETE[] =
    "DELETE FROM listing_photos WHERE id = ? AND listing_id = ? RETURNING name";

/* LL_OK when listing_id is the caller's, with *count its photos; else LL_NOTFOUND. */
static int own_listing(ctx_t *c, int64_t listing_id, int64_t *count)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ROOM);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, listing_id);
    int rc = sqlite3_step(st);
    int64_t owner = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    *count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    if (rc == SQLITE_DONE || !c->user_id || owner != c->user_id)
        return ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
    return LL_OK;
}

/* LL_OK when listing_id is the caller's and has room for one more photo. */
static int check_room(ctx_t *c, int64_t listing_id)
{
    int64_t count;
    int res = own_listing(c, listing_id, &count);
    if (res) return res;
    return count < PHOTOS_PER_LISTING ? LL_OK : ctx_fail(c, LL_CONFLICT, "too_many_photos", NULL);
}

/* Checks room again and inserts the row, in one transaction; *id gets the row's id. */
static int insert_row(ctx_t *c, int64_t listing_id, const photos_added_t *p, size_t bytes,
                      int64_t *id)
{
    if (db_begin(c->db)) return LL_ERR;
    int res = check_room(c, listing_id);
    if (res) goto fail;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_INSERT);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, listing_id);
    sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, p->width);
    sqlite3_bind_int(st, 4, p->height);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)bytes);
    sqlite3_bind_int64(st, 6, c->now);
    if (db_run(c->db, st)) goto fail;
    *id = db_last_id(c->db);
    if (listing_card_refresh(c, listing_id)) goto fail; /* the first photo is the card's thumbnail */
    return db_commit(c->db) ? LL_ERR : LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

int photos_add(ctx_t *c, int64_t listing_id, const void *data, size_t len, photos_added_t *out)
{
    photo_out_t img;
    photo_limits_t lim = {.max_edge = PHOTOS_MAX_EDGE};
    char dir[PATH_BUF / 2], hex[33];
    unsigned char rnd[16];
    bool wrote = false;
    memset(out, 0, sizeof(*out));
    int res = check_room(c, listing_id);
    if (res) return res;
    int pr = photo_sanitize(data, len, &lim, &img);
    if (pr == PHOTO_ERR_INTERNAL) {
        log_error(c->log, "photos: sanitiser failed: %s", img.detail);
        return LL_ERR;
    }
    if (pr) return ctx_fail(c, LL_INVALID, photo_err_info(pr)->code, "photo");
    res = LL_ERR;
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(out->name, sizeof out->name, "%s.jpg", hex);
    snprintf(out->thumb, sizeof out->thumb, "%s_t.jpg", hex);
    out->width = img.width;
    out->height = img.height;
    photo_dir(c, dir, sizeof dir);
    if (mkdir(dir, 0755) && errno != EEXIST) {
        log_error(c->log, "photos: cannot create the folder %s: %s", dir, strerror(errno));
        goto done;
    }
    if (write_file(c, dir, out->name, img.data, img.len)) goto done;
    wrote = true;
    if (write_file(c, dir, out->thumb, img.thumb, img.thumb_len) || sync_dir(c, dir)) goto done;
    res = insert_row(c, listing_id, out, img.len, &out->id);
done:
    if (res != LL_OK) {
        if (wrote) unlink_pair(c, out->name);
        memset(out, 0, sizeof(*out));
    }
    photo_out_free(&img);
    return res;
}

int photos_delete(ctx_t *c, int64_t listing_id, int64_t photo_id)
{
    char name[PHOTOS_NAME_LEN + 1] = "";
    int64_t count;
    if (db_begin(c->db)) return LL_ERR;
    int res = own_listing(c, listing_id, &count);
    if (res) goto fail;
    res = LL_ERR;
    sqlite3_stmt *st = db_stmt(c->db, SQL_DELETE);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, photo_id);
    sqlite3_bind_int64(st, 2, listing_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 0));
    if (rc == SQLITE_ROW) rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) goto fail;
    if (!*name) {
        res = ctx_fail(c, LL_NOTFOUND, "not_found", NULL);
        goto fail;
    }
    if (listing_card_refresh(c, listing_id) || db_commit(c->db)) goto fail;
    if (photos_name_ok(name)) unlink_pair(c, name); /* the row is gone: its files follow */
    return LL_OK;
fail:
    db_rollback(c->db);
    return res;
}

static const char SQL_LIST[] = "SELECT id, name FROM listing_photos WHERE listing_id = ? ORDER BY id LIMIT 20";

int photos_list(ctx_t *c, int64_t listing_id, photos_ref_t **items, size_t *n)
{
    int64_t count;
    int res = own_listing(c, listing_id, &count);
    if (res) return res;
    sqlite3_stmt *st = db_stmt(c->db, SQL_LIST);
    if (!st) return LL_ERR;
    photos_ref_t *v = arena_zalloc(c->arena, 20 * sizeof *v);
    size_t k = 0;
    int rc;
    sqlite3_bind_int64(st, 1, listing_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < 20) {
        v[k].id = sqlite3_column_int64(st, 0);
        v[k++].name = arena_strdup(c->arena, (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    *items = v;
    *n = k;
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? LL_OK : LL_ERR;
}
