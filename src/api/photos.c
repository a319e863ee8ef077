/*
 * photos.c — a listing's photos (B11): upload, delete, and serving the stored files.
 *
 * Uploads are multipart/form-data with one part named "photo" (R_UPLOAD: the whole body is in
 * memory, up to max_upload_kb). Every stored file has a random, never reused name, so files are
 * served as immutable and cacheable for a year; they carry no metadata (photo.h).
 */
#include "api/api.h"
#include "base/result.h"
#include "domain/photos.h"
#include "http/multipart.h"
#include <string.h>

#define PHOTO_CACHE "public, max-age=31536000, immutable"

const multipart_part_t *api_one_part(req_t *r, const char *field, multipart_t *mp)
{
    int rc = multipart_parse(http_req_header(r, "Content-Type"), r->body, r->body_len, mp);
    if (rc == MULTIPART_ERR_TYPE) return http_error(r, "multipart_required", NULL), NULL;
    if (rc) return http_error(r, "multipart_invalid", NULL), NULL;
    const multipart_part_t *part = multipart_find(mp, field);
    if (!part) return http_error(r, "missing_field", field), NULL;
    if (multipart_count(mp, field) > 1) return http_error(r, "multipart_invalid", field), NULL;
    return part;
}

int api_photo_add(req_t *r)
{
    multipart_t mp;
    photos_added_t p;
    const multipart_part_t *part = api_one_part(r, "photo", &mp);
    if (!part) return 0;
    int res = photos_add(&r->ctx, r->params[0], part->data, part->len, &p);
    if (res) return http_fail(r, res);
    return http_json(r, 201,
                     json_pack("{s:I, s:s, s:s, s:i, s:i}", "id", (json_int_t)p.id, "url",
                               arena_printf(r->arena, "/photos/%s", p.name), "thumbnail",
                               arena_printf(r->arena, "/photos/%s", p.thumb), "width", p.width,
                               "height", p.height));
}

int api_photo_delete(req_t *r)
{
    int res = photos_delete(&r->ctx, r->params[0], r->params[1]);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:s}", "status", "deleted"));
}

int api_photo_file(req_t *r)
{
    const char *name = strrchr(r->path, '/') + 1; /* the route's {file}: its last segment */
    void *data;
    size_t len;
    int res = photos_read(&r->ctx, name, &data, &len);
    if (res) return http_fail(r, res);
    return http_bytes(r, 200, "image/jpeg", data, len, PHOTO_CACHE);
}
