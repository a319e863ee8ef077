/*
 * photos.h — the photos of a listing (B11): adding, deleting, reading stored files.
 *
 * A photo is two files in the photo folder (conf.photo_dir, or <data_dir>/photos), the main
 * image `<32 hex>.jpg` and its thumbnail `<32 hex>_t.jpg`, both re-encoded by photo_sanitize
 * (no metadata survives), plus one row in listing_photos. The name is 16 random bytes, so
 * nobody can guess the address of a photo they were not shown.
 *
 * Invariants: a row exists only after both of its files are complete on disk (written to a
 * temporary name, synced, renamed); a failed add leaves neither files nor row; a delete
 * removes the row first and the files after its commit, so a row never points at a missing
 * file except after a crash between the two, which costs only a 404.
 */
#ifndef LL_PHOTOS_H
#define LL_PHOTOS_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHOTOS_PER_LISTING 9
#define PHOTOS_MAX_EDGE    2048 /* the main image is shrunk to fit 2048 x 2048 */
#define PHOTOS_NAME_LEN    38   /* the longest name: 32 hex digits + "_t.jpg" */
#define PHOTOS_MAX_FILE    (32u * 1024u * 1024u)

typedef struct photos_added {
    int64_t id;
    char name[PHOTOS_NAME_LEN + 1];  /* main image */
    char thumb[PHOTOS_NAME_LEN + 1]; /* thumbnail */
    int width, height;
} photos_added_t;

/*
 * Sanitises an upload and adds it to the caller's own listing. LL_NOTFOUND for a listing that is
 * missing or someone else's, LL_CONFLICT when it has PHOTOS_PER_LISTING already, LL_INVALID with
 * a photo_err_info code (field "photo") for an upload photo_sanitize refuses, LL_ERR otherwise.
 */
int photos_add(ctx_t *c, int64_t listing_id, const void *data, size_t len, photos_added_t *out);
/* Deletes photo photo_id of the caller's own listing listing_id and its files; else LL_NOTFOUND. */
int photos_delete(ctx_t *c, int64_t listing_id, int64_t photo_id);
/* One stored photo of a listing: its row id (for photos_delete) and file name. */
typedef struct {
    int64_t id;
    const char *name;
} photos_ref_t;
/* The photos of the caller's own listing, oldest first (in the arena); else LL_NOTFOUND. */
int photos_list(ctx_t *c, int64_t listing_id, photos_ref_t **items, size_t *n);
/* The path of a photo file: <conf.photo_dir>/name, or <data_dir>/photos/name when it is empty. */
struct conf;
void photos_path(const struct conf *conf, const char *name, char *out, size_t n);
/* True for exactly the names photos_add makes: ^[0-9a-f]{32}(_t)?\.jpg$ */
bool photos_name_ok(const char *name);
/* A stored photo file in a malloc'd buffer (caller frees); LL_NOTFOUND for a bad name or none. */
int photos_read(ctx_t *c, const char *name, void **data, size_t *len);

#endif
