/*
 * photo.c — the upload sanitiser (see photo.h), on libvips.
 *
 * Invariants:
 *  - The type is decided by magic bytes only, and the matching libvips loader is called by
 *    name. Every other loader (SVG, PDF, GIF, TIFF, HEIF, ImageMagick, ...) is blocked
 *    process-wide in photo_init, so not even a libvips call that sniffs by itself (the
 *    thumbnailer) can reach one.
 *  - The size checks come before any pixel is decoded: bytes first, then width*height from
 *    the header, then the number of JPEG scans (libjpeg revisits the whole image for each
 *    scan of a progressive JPEG, so its CPU time grows with scans x pixels, not file size).
 *  - Loaders run with fail_on=error, so a truncated or damaged file is rejected, not stored
 *    half grey. Plain warnings (which many phones' JPEGs trigger) are tolerated.
 *  - Nothing leaves here with metadata: every field is removed from the image before it is
 *    encoded, and the encoder is also told to strip. The thumbnail is made from the already
 *    clean main JPEG, never from the upload.
 *  - The libvips operation cache is off: it keys results by their arguments, and nothing
 *    decoded from one upload may outlive its call or be handed to another.
 *  - Every call builds its images under one local VipsObject, released on one path; output
 *    buffers belong to the caller's photo_out_t only on success.
 */
#include "media/photo.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

typedef enum { TYPE_NONE, TYPE_JPEG, TYPE_PNG, TYPE_WEBP } photo_type_t;

enum { MAX_STEPS = 12 }; /* intermediate images one call may hold */

static atomic_int photo_ready;

/* The loaders we trust; everything under VipsForeignLoad except these is blocked. */
static const char *const allowed_loaders[] = {
    "VipsForeignLoadJpegBuffer",
    "VipsForeignLoadPngBuffer",
    "VipsForeignLoadWebpBuffer",
};

int photo_init(const char *argv0)
{
    if (atomic_load(&photo_ready)) return PHOTO_OK;
    if (VIPS_INIT(argv0 ? argv0 : "linli")) return PHOTO_ERR_INTERNAL;
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (size_t i = 0; i < sizeof allowed_loaders / sizeof allowed_loaders[0]; i++)
        vips_operation_block_set(allowed_loaders[i], FALSE);
    atomic_store(&photo_ready, 1);
    return PHOTO_OK;
}

void photo_shutdown(void)
{
    if (!atomic_exchange(&photo_ready, 0)) return;
    vips_shutdown();
}

static photo_type_t sniff(const unsigned char *p, size_t n)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return TYPE_JPEG;
    if (n >= 8 && memcmp(p, png, 8) == 0) return TYPE_PNG;
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) return TYPE_WEBP;
    return TYPE_NONE;
}

static int is_rst(unsigned m)
{
    return m >= 0xD0 && m <= 0xD7;
}

/* Index of the marker that ends the entropy-coded data starting at i. Inside it 0xFF is only
 * ever followed by a stuffed 0x00 or a restart marker, so any other pair is a real marker. */
static size_t skip_entropy(const unsigned char *p, size_t n, size_t i)
{
    while (i + 1 < n) {
        const unsigned char *ff = memchr(p + i, 0xFF, n - i - 1);
        if (!ff) return n;
        i = (size_t)(ff - p);
        if (p[i + 1] != 0x00 && !is_rst(p[i + 1])) return i;
        i += 2;
    }
    return n;
}

/* Counts the scans of the first image in a JPEG by walking its segments, so that bytes inside
 * metadata, and whatever follows EOI (a motion photo's video), are never taken for markers.
 * Stops early past the limit; a broken structure just ends the count (the decoder judges it). */
static int jpeg_scans(const unsigned char *p, size_t n)
{
    size_t i = 2;
    int scans = 0;
    while (i + 1 < n && scans <= PHOTO_MAX_JPEG_SCANS) {
        if (p[i] != 0xFF) break;
        unsigned m = p[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        i += 2;
        if (m == 0xD9) break;                 /* EOI */
        if (is_rst(m) || m == 0x01) continue; /* no length field */
        if (i + 2 > n) break;
        size_t seg = (size_t)p[i] << 8 | p[i + 1];
        if (seg < 2) break;
        i += seg;
        if (m == 0xDA) {
            scans++;
            i = skip_entropy(p, n, i);
        }
    }
    return scans;
}

/* Keeps libvips's last error message for the log, without newlines. */
static void note_vips_error(photo_out_t *out)
{
    char *msg = vips_error_buffer_copy();
    if (!out->detail[0] && msg) snprintf(out->detail, sizeof out->detail, "%s", msg);
    g_free(msg);
    for (char *c = out->detail; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';
}

/* Opens the upload with its own loader; only the header is read until pixels are asked for.
 * Sequential access: pixels stream through once, never held whole unless we must rotate. */
static int load_header(const void *in, size_t len, photo_type_t type, VipsImage **out)
{
    void *buf = (void *)in; /* the loaders take void * but only read it */
    switch (type) {
    case TYPE_JPEG:
        return vips_jpegload_buffer(buf, len, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                    VIPS_FAIL_ON_ERROR, NULL);
    case TYPE_PNG:
        return vips_pngload_buffer(buf, len, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                   VIPS_FAIL_ON_ERROR, NULL);
    case TYPE_WEBP:
        return vips_webpload_buffer(buf, len, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                    VIPS_FAIL_ON_ERROR, NULL);
    case TYPE_NONE:
        break;
    }
    return -1;
}

/* To 8-bit sRGB (or 8-bit grey). An embedded profile (Display P3 from phones, CMYK) is used to
 * convert the colours, since the profile itself is about to be dropped; a profile lcms cannot
 * parse is ignored rather than failing the upload. */
static int to_srgb8(VipsImage *in, VipsImage **t, VipsImage **out)
{
    int colour = in->Bands - (vips_image_hasalpha(in) ? 1 : 0);
    if (vips_image_get_typeof(in, VIPS_META_ICC_NAME)) {
        if (vips_icc_transform(in, &t[0], "srgb", "embedded", TRUE, "depth", 8, NULL) == 0) {
            *out = t[0];
            return 0;
        }
        vips_error_clear();
    }
    if (vips_colourspace(in, &t[0], colour < 3 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB,
                         NULL))
        return -1;
    *out = t[0];
    return 0;
}

/* Flattens any alpha onto white (JPEG has none) and makes sure the bands are 8-bit. */
static int opaque8(VipsImage *in, VipsImage **t, VipsImage **out)
{
    if (vips_image_hasalpha(in)) {
        double white[4] = {255, 255, 255, 255};
        VipsArrayDouble *bg = vips_array_double_new(white, in->Bands - 1);
        int r = vips_flatten(in, &t[0], "background", bg, NULL);
        vips_area_unref(VIPS_AREA(bg));
        if (r) return -1;
        in = t[0];
    }
    if (vips_cast(in, &t[1], VIPS_FORMAT_UCHAR, NULL)) return -1;
    *out = t[1];
    return 0;
}

/* Applies the EXIF orientation. Rotation reads the source out of order, so the (already 8-bit,
 * already size-checked) pixels are decoded into memory first. */
static int upright(VipsImage *in, VipsImage **t, VipsImage **out)
{
    if (vips_image_get_orientation(in) == 1) {
        *out = in;
        return 0;
    }
    if (!(t[0] = vips_image_copy_memory(in))) return -1;
    if (vips_autorot(t[0], &t[1], NULL)) return -1;
    *out = t[1];
    return 0;
}

/* Shrinks to fit edge x edge (never enlarges); edge 0 keeps the size. */
static int fit(VipsImage *in, int edge, VipsImage **t, VipsImage **out)
{
    int longest = in->Xsize > in->Ysize ? in->Xsize : in->Ysize;
    if (edge <= 0 || longest <= edge) {
        *out = in;
        return 0;
    }
    if (vips_resize(in, &t[0], (double)edge / longest, NULL)) return -1;
    *out = t[0];
    return 0;
}

/* Encodes to JPEG with no metadata: every field is removed from a copy, and strip is set.
 * optimize: two-pass Huffman tables, 3% (big) to 15% (thumbnail) smaller, but libjpeg then holds
 * every DCT coefficient of the image: about 36 MB more for 12 MP. Worth it for thumbnails only. */
static int encode_jpeg(VipsImage *in, int optimize, unsigned char **buf, size_t *len)
{
    VipsImage *bare = NULL;
    void *data = NULL;
    size_t n = 0;
    int r = -1;
    if (vips_copy(in, &bare, NULL)) goto done;
    gchar **names = vips_image_get_fields(bare);
    for (size_t i = 0; names[i]; i++)
        if (!vips_isprefix("vips-", names[i])) vips_image_remove(bare, names[i]);
    g_strfreev(names);
    r = vips_jpegsave_buffer(bare, &data, &n, "Q", PHOTO_JPEG_QUALITY, "strip", TRUE,
                             "optimize_coding", optimize, NULL);
    if (r == 0) {
        *buf = data;
        *len = n;
    }
done:
    if (bare) g_object_unref(bare);
    return r;
}

/* Header check, then the pixel pipeline into out->data. Any failure after the header has
 * passed is the input's fault (a bad profile, truncated pixels), so it reports CORRUPT. */
static int make_main(const void *in, size_t len, photo_type_t type, const photo_limits_t *lim,
                     photo_out_t *out)
{
    VipsObject *ctx = VIPS_OBJECT(vips_image_new());
    VipsImage **t = (VipsImage **)vips_object_local_array(ctx, MAX_STEPS);
    VipsImage *img;
    int rc = PHOTO_ERR_CORRUPT;

    if (load_header(in, len, type, &t[0])) goto done;
    img = t[0];
    if ((uint64_t)img->Xsize * (uint64_t)img->Ysize > lim->max_pixels) {
        rc = PHOTO_ERR_PIXELS;
        snprintf(out->detail, sizeof out->detail, "%dx%d over %llu pixels", img->Xsize, img->Ysize,
                 (unsigned long long)lim->max_pixels);
        goto done;
    }
    if (to_srgb8(img, &t[1], &img) || opaque8(img, &t[2], &img) || upright(img, &t[4], &img) ||
        fit(img, lim->max_edge, &t[6], &img))
        goto done;
    if (encode_jpeg(img, FALSE, &out->data, &out->len)) goto done;
    out->width = img->Xsize;
    out->height = img->Ysize;
    rc = PHOTO_OK;
done:
    g_object_unref(ctx);
    return rc;
}

/* The thumbnail, from our own clean JPEG (shrink-on-load makes this cheap). Our output failing
 * to decode would be our bug, hence INTERNAL. */
static int make_thumb(int edge, photo_out_t *out)
{
    VipsImage *th = NULL;
    int rc = PHOTO_ERR_INTERNAL;
    if (vips_thumbnail_buffer(out->data, out->len, &th, edge, "height", edge, "size",
                              VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR, NULL))
        goto done;
    if (encode_jpeg(th, TRUE, &out->thumb, &out->thumb_len)) goto done;
    out->thumb_width = th->Xsize;
    out->thumb_height = th->Ysize;
    rc = PHOTO_OK;
done:
    if (th) g_object_unref(th);
    return rc;
}

static photo_limits_t effective_limits(const photo_limits_t *lim)
{
    photo_limits_t l = lim ? *lim : (photo_limits_t){0};
    if (!l.max_bytes) l.max_bytes = PHOTO_DEFAULT_MAX_BYTES;
    if (!l.max_pixels) l.max_pixels = PHOTO_DEFAULT_MAX_PIXELS;
    if (l.thumb_edge <= 0) l.thumb_edge = PHOTO_DEFAULT_THUMB;
    return l;
}

static void free_buffers(photo_out_t *out)
{
    g_free(out->data);
    g_free(out->thumb);
    out->data = out->thumb = NULL;
    out->len = out->thumb_len = 0;
}

int photo_sanitize(const void *in, size_t len, const photo_limits_t *lim, photo_out_t *out)
{
    photo_limits_t l = effective_limits(lim);
    photo_type_t type;
    int rc;

    memset(out, 0, sizeof *out);
    if (!atomic_load(&photo_ready)) {
        snprintf(out->detail, sizeof out->detail, "photo_init was not called");
        return PHOTO_ERR_INTERNAL;
    }
    if (len > l.max_bytes) return PHOTO_ERR_BYTES;
    type = in ? sniff(in, len) : TYPE_NONE;
    if (type == TYPE_NONE) return PHOTO_ERR_TYPE;
    if (type == TYPE_JPEG && jpeg_scans(in, len) > PHOTO_MAX_JPEG_SCANS) {
        snprintf(out->detail, sizeof out->detail, "more than %d JPEG scans", PHOTO_MAX_JPEG_SCANS);
        return PHOTO_ERR_PIXELS;
    }
    rc = make_main(in, len, type, &l, out);
    if (rc == PHOTO_OK) rc = make_thumb(l.thumb_edge, out);
    if (rc == PHOTO_OK) {
        out->mime = "image/jpeg";
        return PHOTO_OK;
    }
    note_vips_error(out);
    free_buffers(out);
    out->width = out->height = out->thumb_width = out->thumb_height = 0;
    return rc;
}

void photo_out_free(photo_out_t *out)
{
    if (!out) return;
    free_buffers(out);
    memset(out, 0, sizeof *out);
}

static const photo_err_info_t err_table[] = {
    {"ok", 200, "", ""},
    {"photo_internal", 500, "照片处理失败，请稍后再试。",
     "The photo could not be processed; please try again later."},
    {"photo_unsupported_type", 415, "只支持 JPEG、PNG 或 WebP 格式的照片。",
     "Only JPEG, PNG and WebP photos are accepted."},
    {"photo_too_large", 413, "照片文件太大。", "The photo file is too large."},
    {"photo_too_many_pixels", 422, "照片分辨率过高或结构过于复杂。",
     "The photo's resolution is too high or its structure too complex."},
    {"photo_corrupt", 422, "照片已损坏或不完整，请重新上传。",
     "The photo is damaged or incomplete; please upload it again."},
};

const photo_err_info_t *photo_err_info(int res)
{
    switch (res) {
    case PHOTO_OK:
        return &err_table[0];
    case PHOTO_ERR_TYPE:
        return &err_table[2];
    case PHOTO_ERR_BYTES:
        return &err_table[3];
    case PHOTO_ERR_PIXELS:
        return &err_table[4];
    case PHOTO_ERR_CORRUPT:
        return &err_table[5];
    default:
        return &err_table[1];
    }
}

const photo_err_info_t *photo_refusal(const char *code)
{
    for (size_t i = 2; code && i < sizeof err_table / sizeof err_table[0]; i++)
        if (!strcmp(err_table[i].code, code)) return &err_table[i];
    return NULL;
}
