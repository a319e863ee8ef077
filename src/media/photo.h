/*
 * photo.h — the upload sanitiser: every user photo passes through here before it is stored.
 *
 * Promise B11: uploaded photos may carry geotags; what anyone can fetch is re-encoded and
 * carries no metadata at all (no EXIF, GPS, XMP, IPTC, ICC profile, comments or text chunks).
 *
 * Input is accepted only if its first bytes say JPEG, PNG or WebP (the name and the declared
 * Content-Type are never consulted). The output is always a baseline JPEG, main image and
 * thumbnail, upright (EXIF orientation applied), sRGB, 8 bit; transparency is flattened onto
 * white. One output type keeps storage, caching and the Content-Type trivial; a product
 * cut-out on white looks as it would on the listing page anyway.
 *
 * Thread-safe: photo_sanitize may run on many HTTP worker threads at once. photo_init and
 * photo_shutdown run once, on the main thread, before the workers start and after they stop.
 */
#ifndef LL_PHOTO_H
#define LL_PHOTO_H
#include <stddef.h>
#include <stdint.h>

/* Results. 0 is success; the values do not collide with ll_res_t except PHOTO_ERR_INTERNAL,
 * which means the same as LL_ERR. photo_err_info() gives the HTTP status and messages. */
typedef enum {
    PHOTO_OK = 0,
    PHOTO_ERR_INTERNAL = -1, /* our fault (not initialised, encoder failed): 500 */
    PHOTO_ERR_TYPE = -40,    /* not JPEG, PNG or WebP by content, or empty: 415 */
    PHOTO_ERR_BYTES = -41,   /* input longer than max_bytes: 413 */
    PHOTO_ERR_PIXELS = -42,  /* width*height over max_pixels, or too many JPEG scans: 422 */
    PHOTO_ERR_CORRUPT = -43, /* right type but truncated or undecodable: 422 */
} photo_res_t;

/* Limits for one call. A zero field takes the default shown. */
typedef struct photo_limits {
    size_t max_bytes;    /* input size; default PHOTO_DEFAULT_MAX_BYTES */
    uint64_t max_pixels; /* width*height read from the header; default PHOTO_DEFAULT_MAX_PIXELS */
    int max_edge;        /* main image shrunk to fit max_edge x max_edge; 0: kept full size */
    int thumb_edge;      /* thumbnail fits thumb_edge x thumb_edge; default PHOTO_DEFAULT_THUMB */
} photo_limits_t;

#define PHOTO_DEFAULT_MAX_BYTES  (20u * 1024u * 1024u)
#define PHOTO_DEFAULT_MAX_PIXELS 50000000u /* 50 MP: every phone camera's full size */
#define PHOTO_DEFAULT_THUMB      320
#define PHOTO_JPEG_QUALITY       82
#define PHOTO_MAX_JPEG_SCANS     200 /* baseline has 1, progressive about 10 */

/* A sanitised photo. Buffers are owned by the struct; release with photo_out_free. */
typedef struct photo_out {
    unsigned char *data; /* the main image, JPEG */
    size_t len;
    int width, height;    /* after rotation and any max_edge shrink */
    unsigned char *thumb; /* the thumbnail, JPEG */
    size_t thumb_len;
    int thumb_width, thumb_height;
    const char *mime; /* static string, "image/jpeg" for both */
    char detail[160]; /* on failure, the decoder's words for the error log; never for users */
} photo_out_t;

/* What the API tells the user about a result: a stable code, the HTTP status, two messages. */
typedef struct photo_err_info {
    const char *code; /* e.g. "photo_unsupported_type" */
    int http_status;
    const char *msg_zh;
    const char *msg_en;
} photo_err_info_t;

/* Starts libvips for this process (call once, before any worker thread); 0 or PHOTO_ERR_INTERNAL.
 */
int photo_init(const char *argv0);
/* Stops libvips; no photo_* call may follow (libvips cannot be started twice). */
void photo_shutdown(void);
/* Checks, decodes, rotates, strips and re-encodes one upload into *out (zeroed first);
 * lim NULL means all defaults. On failure *out holds no buffers, only detail. */
int photo_sanitize(const void *in, size_t len, const photo_limits_t *lim, photo_out_t *out);
/* Frees the buffers of *out and zeroes it; safe on a zeroed or already freed struct. */
void photo_out_free(photo_out_t *out);
/* The user-facing description of a photo_sanitize result; never NULL. */
const photo_err_info_t *photo_err_info(int res);
/* The refusal of an upload (wrong type, too large, too many pixels, corrupt) whose code is code; NULL for any other. */
const photo_err_info_t *photo_refusal(const char *code);

#endif
