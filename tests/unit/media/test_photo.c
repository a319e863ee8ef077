/*
 * test_photo.c — the upload sanitiser (src/media/photo.c), promise B11.
 *
 * Fixtures are in tests/data/photos (made by make-fixtures.sh there) and are read relative to
 * the repository root, where the test runner starts. Every "is gone" test first proves the
 * fixture really carried the data, then looks at the output twice: through libvips's own
 * metadata fields and as raw bytes, including a walk of the JPEG segments before the first scan.
 */
#include "support.h"

#include "media/photo.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#define DATA "tests/data/photos/"

static unsigned char *fixture(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, DATA "%s", name);
    unsigned char *buf = support_read_file(path, len);
    if (!buf) fail_msg("missing fixture %s (run from the repository root)", path);
    return buf;
}

static int setup_vips(void **state)
{
    (void)state;
    return photo_init("test_photo") == PHOTO_OK ? 0 : -1;
}

static int teardown_vips(void **state)
{
    (void)state;
    photo_shutdown();
    return 0;
}

static VipsImage *decode(const unsigned char *buf, size_t len)
{
    VipsImage *img = vips_image_new_from_buffer(buf, len, "", NULL);
    if (!img) fail_msg("libvips cannot read the buffer: %s", vips_error_buffer());
    return img;
}

/* 1 if any metadata field name contains one of the words that mean personal data rides along. */
static int has_metadata_field(VipsImage *img)
{
    static const char *const words[] = {"exif", "xmp", "iptc", "icc", "gps", "comment", "orient"};
    gchar **names = vips_image_get_fields(img);
    int found = 0;
    for (size_t i = 0; names[i] && !found; i++)
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
            if (strstr(names[i], words[w])) {
                print_error("metadata field left: %s\n", names[i]);
                found = 1;
            }
    g_strfreev(names);
    return found;
}

/* Length of the JPEG header: everything before the first scan's data (where metadata lives). */
static size_t jpeg_header_len(const unsigned char *p, size_t n)
{
    size_t i = 2;
    while (i + 4 <= n && p[i] == 0xFF) {
        unsigned m = p[i + 1];
        size_t seg = (size_t)p[i + 2] << 8 | p[i + 3];
        i += 2 + seg;
        if (m == 0xDA) return i;
    }
    return n;
}

/* Fails if the JPEG has any segment that can carry metadata: APP1..APP15 (EXIF, XMP, ICC,
 * IPTC, MPF) or COM. APP0 (JFIF: version and pixel density) is all a clean JPEG needs. */
static void assert_no_metadata_segments(const unsigned char *p, size_t n)
{
    size_t i = 2;
    assert_true(n > 4 && p[0] == 0xFF && p[1] == 0xD8);
    while (i + 4 <= n && p[i] == 0xFF) {
        unsigned m = p[i + 1];
        if (m == 0xDA) return;
        if ((m >= 0xE1 && m <= 0xEF) || m == 0xFE) fail_msg("segment FF%02X left in output", m);
        i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
    }
    fail_msg("no scan found in output JPEG");
}

/* Every way the fixture's personal data could survive, checked on one output JPEG. */
static void assert_clean_jpeg(const unsigned char *p, size_t n)
{
    static const char *const anywhere[] = {"Exif",          "http://ns.adobe.com/xap",
                                           "adobe:ns:meta", "Photoshop",
                                           "Zhang San",     "13800138000",
                                           "LinliTestCam",  "fixture comment",
                                           "ICC_PROFILE"};
    assert_no_metadata_segments(p, n);
    for (size_t i = 0; i < sizeof anywhere / sizeof anywhere[0]; i++)
        if (support_contains(p, n, anywhere[i], strlen(anywhere[i])))
            fail_msg("\"%s\" found in output", anywhere[i]);
    /* Three letters occur by chance in compressed data; metadata can only be in the header. */
    assert_false(support_contains(p, jpeg_header_len(p, n), "GPS", 3));
    VipsImage *img = decode(p, n);
    assert_false(has_metadata_field(img));
    g_object_unref(img);
}

/* Proves a fixture carries GPS before we claim to remove it. */
static void assert_fixture_has_gps(const unsigned char *p, size_t n)
{
    assert_true(support_contains(p, n, "GPS", 3));
    assert_true(support_contains(p, n, "adobe:ns:meta", 13)); /* XMP, in any container */
    VipsImage *img = decode(p, n);
    assert_true(vips_image_get_typeof(img, "exif-ifd3-GPSLatitude"));
    assert_true(vips_image_get_typeof(img, "exif-ifd3-GPSLongitude"));
    assert_true(vips_image_get_typeof(img, "xmp-data"));
    g_object_unref(img);
}

/* Sanitises a fixture with the given limits (NULL: defaults) and checks the output is clean. */
static void sanitize_clean(const char *name, const photo_limits_t *lim, photo_out_t *out)
{
    size_t len;
    unsigned char *in = fixture(name, &len);
    int rc = photo_sanitize(in, len, lim, out);
    free(in);
    if (rc != PHOTO_OK) fail_msg("%s: %s (%s)", name, photo_err_info(rc)->code, out->detail);
    assert_string_equal(out->mime, "image/jpeg");
    assert_non_null(out->data);
    assert_non_null(out->thumb);
    assert_clean_jpeg(out->data, out->len);
    assert_clean_jpeg(out->thumb, out->thumb_len);
}

static void check_gps_removed(const char *name, int width, int height)
{
    size_t len;
    unsigned char *in = fixture(name, &len);
    assert_fixture_has_gps(in, len);
    free(in);
    photo_out_t out;
    sanitize_clean(name, NULL, &out);
    assert_int_equal(out.width, width);
    assert_int_equal(out.height, height);
    photo_out_free(&out);
}

static void test_B11_gps_exif_is_gone_after_sanitize(void **state)
{
    (void)state;
    size_t len;
    unsigned char *in = fixture("gps.jpg", &len);
    /* The JPEG fixture also has IPTC, a comment and an ICC profile to lose. */
    assert_true(support_contains(in, len, "Exif", 4));
    assert_true(support_contains(in, len, "ICC_PROFILE", 11));
    assert_true(support_contains(in, len, "fixture comment", 15));
    free(in);
    check_gps_removed("gps.jpg", 320, 240);
}

static void test_B11_png_gps_is_gone_after_sanitize(void **state)
{
    (void)state;
    check_gps_removed("gps.png", 96, 72);
}

static void test_B11_webp_gps_is_gone_after_sanitize(void **state)
{
    (void)state;
    check_gps_removed("gps.webp", 96, 72);
}

static void assert_pixel(VipsImage *img, int x, int y, const double want[3], double tolerance)
{
    double *v = NULL;
    int n = 0;
    assert_int_equal(vips_getpoint(img, &v, &n, x, y, NULL), 0);
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++)
        if (v[i] < want[i] - tolerance || v[i] > want[i] + tolerance)
            fail_msg("pixel (%d,%d) band %d is %.0f, want about %.0f", x, y, i, v[i], want[i]);
    g_free(v);
}

static void test_B11_orientation_6_is_applied_then_dropped(void **state)
{
    (void)state;
    static const double red[3] = {255, 0, 0}, blue[3] = {0, 0, 255};
    photo_out_t out;
    sanitize_clean("orient6.jpg", NULL, &out);
    /* Stored 64x32 red|blue; turned clockwise it is 32x64, red on top. */
    assert_int_equal(out.width, 32);
    assert_int_equal(out.height, 64);
    assert_int_equal(out.thumb_width, 32);
    assert_int_equal(out.thumb_height, 64);
    VipsImage *img = decode(out.data, out.len);
    assert_int_equal(img->Xsize, 32);
    assert_int_equal(img->Ysize, 64);
    assert_pixel(img, 16, 8, red, 40);
    assert_pixel(img, 16, 56, blue, 40);
    g_object_unref(img);
    photo_out_free(&out);
}

static void test_B11_transparency_is_flattened_onto_white(void **state)
{
    (void)state;
    static const double green[3] = {0, 255, 0}, white[3] = {255, 255, 255};
    photo_out_t out;
    sanitize_clean("alpha.png", NULL, &out);
    VipsImage *img = decode(out.data, out.len);
    assert_int_equal(img->Bands, 3);
    assert_pixel(img, 8, 16, green, 40);
    assert_pixel(img, 56, 16, white, 40);
    g_object_unref(img);
    photo_out_free(&out);
}

/* The profile is about to be dropped, so its meaning must first be baked into the pixels. */
static void test_B11_colour_profile_is_applied_before_it_is_dropped(void **state)
{
    (void)state;
    static const double p3_red[3] = {234, 51, 35}, srgb_red[3] = {255, 0, 0};
    size_t len;
    unsigned char *in = fixture("p3.jpg", &len);
    VipsImage *img = decode(in, len);
    assert_true(vips_image_get_typeof(img, VIPS_META_ICC_NAME));
    assert_pixel(img, 4, 4, p3_red, 6);
    g_object_unref(img);
    free(in);

    photo_out_t out;
    sanitize_clean("p3.jpg", NULL, &out);
    img = decode(out.data, out.len);
    assert_pixel(img, 4, 4, srgb_red, 12);
    g_object_unref(img);
    photo_out_free(&out);
}

static double mean_of(const photo_out_t *out)
{
    double m = 0;
    VipsImage *img = decode(out->data, out->len);
    assert_int_equal(img->Bands, 3);
    assert_int_equal(img->BandFmt, VIPS_FORMAT_UCHAR);
    assert_int_equal(vips_avg(img, &m, NULL), 0);
    g_object_unref(img);
    return m;
}

/* 16-bit and CMYK sources come out as ordinary 8-bit sRGB of about the same picture. */
static void test_B11_deep_and_cmyk_sources_become_srgb(void **state)
{
    (void)state;
    photo_out_t ref, deep, cmyk;
    sanitize_clean("gps.png", NULL, &ref);
    sanitize_clean("deep.png", NULL, &deep);
    sanitize_clean("cmyk.jpg", NULL, &cmyk);
    double m = mean_of(&ref);
    assert_true(m > 60 && m < 200);
    assert_true(abs((int)(mean_of(&deep) - m)) <= 3);
    assert_true(abs((int)(mean_of(&cmyk) - m)) <= 25);
    photo_out_free(&ref);
    photo_out_free(&deep);
    photo_out_free(&cmyk);
}

static void test_B11_main_and_thumbnail_fit_their_edges(void **state)
{
    (void)state;
    photo_out_t out;
    sanitize_clean("gps.jpg", NULL, &out);
    assert_int_equal(out.thumb_width, 320); /* already fits 320x320: never enlarged */
    assert_int_equal(out.thumb_height, 240);
    photo_out_free(&out);

    photo_limits_t lim = {.max_edge = 160, .thumb_edge = 64};
    sanitize_clean("gps.jpg", &lim, &out);
    assert_int_equal(out.width, 160);
    assert_int_equal(out.height, 120);
    assert_int_equal(out.thumb_width, 64);
    assert_int_equal(out.thumb_height, 48);
    photo_out_free(&out);
}

static void assert_rejected(const void *in, size_t len, const photo_limits_t *lim, int want)
{
    photo_out_t out;
    memset(&out, 0x5A, sizeof out); /* photo_sanitize must not trust what it is handed */
    int rc = photo_sanitize(in, len, lim, &out);
    if (rc != want)
        fail_msg("got %s, want %s (%s)", photo_err_info(rc)->code, photo_err_info(want)->code,
                 out.detail);
    assert_null(out.data);
    assert_null(out.thumb);
    assert_int_equal(out.len, 0);
    assert_int_equal(out.width, 0);
    photo_out_free(&out);
}

static void assert_fixture_rejected(const char *name, int want)
{
    size_t len;
    unsigned char *in = fixture(name, &len);
    assert_rejected(in, len, NULL, want);
    free(in);
}

static void test_B11_truncated_jpeg_is_corrupt(void **state)
{
    (void)state;
    assert_fixture_rejected("truncated.jpg", PHOTO_ERR_CORRUPT);
}

static void test_B11_truncated_png_and_webp_are_corrupt(void **state)
{
    (void)state;
    static const char *const names[] = {"gps.png", "gps.webp", "progressive.jpg"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len;
        unsigned char *in = fixture(names[i], &len);
        assert_rejected(in, len / 2, NULL, PHOTO_ERR_CORRUPT);
        assert_rejected(in, 40, NULL, PHOTO_ERR_CORRUPT); /* magic but not even a header */
        free(in);
    }
}

static void test_B11_jpeg_magic_then_garbage_is_corrupt(void **state)
{
    (void)state;
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 7919u >> 3);
    junk[0] = 0xFF, junk[1] = 0xD8, junk[2] = 0xFF;
    assert_rejected(junk, sizeof junk, NULL, PHOTO_ERR_CORRUPT);
}

static void test_B11_text_named_jpg_is_unsupported(void **state)
{
    (void)state;
    assert_fixture_rejected("text.jpg", PHOTO_ERR_TYPE);
}

static void test_B11_gif_svg_html_are_unsupported(void **state)
{
    (void)state;
    assert_fixture_rejected("anim.gif", PHOTO_ERR_TYPE);
    assert_fixture_rejected("image.svg", PHOTO_ERR_TYPE);
    assert_fixture_rejected("page.html", PHOTO_ERR_TYPE);
}

static void test_B11_empty_input_is_unsupported(void **state)
{
    (void)state;
    static const unsigned char one = 0xFF;
    assert_rejected(NULL, 0, NULL, PHOTO_ERR_TYPE);
    assert_rejected(&one, 0, NULL, PHOTO_ERR_TYPE);
    assert_rejected(&one, 1, NULL, PHOTO_ERR_TYPE);
}

static void test_B11_png_bomb_is_refused_before_decoding(void **state)
{
    (void)state;
    size_t len;
    unsigned char *in = fixture("bomb.png", &len);
    assert_true(len < 50 * 1024);
    /* It is a real, valid image: the header says 20000x20000 (400 megapixels). */
    VipsImage *img = decode(in, len);
    assert_int_equal(img->Xsize, 20000);
    assert_int_equal(img->Ysize, 20000);
    g_object_unref(img);
    assert_rejected(in, len, NULL, PHOTO_ERR_PIXELS);
    free(in);
}

static void test_B11_limits_are_applied(void **state)
{
    (void)state;
    size_t len;
    unsigned char *in = fixture("gps.jpg", &len);
    photo_limits_t bytes = {.max_bytes = len - 1}, pixels = {.max_pixels = 320 * 240 - 1};
    assert_rejected(in, len, &bytes, PHOTO_ERR_BYTES);
    assert_rejected(in, len, &pixels, PHOTO_ERR_PIXELS);
    pixels.max_pixels = 320 * 240;
    photo_out_t out;
    assert_int_equal(photo_sanitize(in, len, &pixels, &out), PHOTO_OK);
    photo_out_free(&out);
    free(in);
}

/* Builds orient6.jpg with its one scan repeated: a stand-in for a scan bomb. The guard must
 * refuse it before libjpeg spends any time on it. */
static void test_B11_jpeg_with_too_many_scans_is_refused(void **state)
{
    (void)state;
    size_t len;
    unsigned char *in = fixture("orient6.jpg", &len);
    size_t sos = 2;
    while (!(in[sos] == 0xFF && in[sos + 1] == 0xDA))
        sos += 2 + ((size_t)in[sos + 2] << 8 | in[sos + 3]);
    size_t scan_len = len - 2 - sos; /* SOS segment and its data, without EOI */
    size_t copies = PHOTO_MAX_JPEG_SCANS + 1;
    size_t blen = sos + copies * scan_len + 2;
    unsigned char *bomb = malloc(blen);
    assert_non_null(bomb);
    memcpy(bomb, in, sos);
    for (size_t i = 0; i < copies; i++)
        memcpy(bomb + sos + i * scan_len, in + sos, scan_len);
    memcpy(bomb + blen - 2, "\xFF\xD9", 2);
    assert_rejected(bomb, blen, NULL, PHOTO_ERR_PIXELS);
    /* One copy fewer is within the limit and goes on to libjpeg, whatever it makes of it. */
    photo_out_t out;
    memcpy(bomb + blen - 2 - scan_len, "\xFF\xD9", 2);
    assert_int_not_equal(photo_sanitize(bomb, blen - scan_len, NULL, &out), PHOTO_ERR_PIXELS);
    photo_out_free(&out);
    free(bomb);
    free(in);
}

/* A progressive JPEG passes, and so does a JPEG followed by a motion photo's video whose bytes
 * happen to look like markers: the scan count stops at EOI. */
static void test_B11_progressive_and_trailing_data_are_accepted(void **state)
{
    (void)state;
    photo_out_t out;
    sanitize_clean("progressive.jpg", NULL, &out);
    photo_out_free(&out);

    size_t len;
    unsigned char *in = fixture("gps.jpg", &len);
    size_t tail = 2 * 1000 * PHOTO_MAX_JPEG_SCANS;
    unsigned char *big = malloc(len + tail);
    assert_non_null(big);
    memcpy(big, in, len);
    for (size_t i = 0; i < tail; i += 2)
        big[len + i] = 0xFF, big[len + i + 1] = 0xDA;
    int rc = photo_sanitize(big, len + tail, NULL, &out);
    if (rc != PHOTO_OK) fail_msg("%s (%s)", photo_err_info(rc)->code, out.detail);
    assert_clean_jpeg(out.data, out.len);
    photo_out_free(&out);
    free(big);
    free(in);
}

typedef struct {
    const char *name;
    unsigned char *in;
    size_t len;
    int failures;
} worker_t;

static void *worker(void *arg)
{
    worker_t *w = arg;
    for (int i = 0; i < 8; i++) {
        photo_out_t out;
        if (photo_sanitize(w->in, w->len, NULL, &out) != PHOTO_OK ||
            support_contains(out.data, out.len, "Exif", 4) ||
            support_contains(out.data, out.len, "http://ns.adobe.com/xap", 23))
            w->failures++;
        photo_out_free(&out);
    }
    return NULL;
}

/* HTTP workers call in parallel; cmocka's asserts are not thread-safe, so workers only count. */
static void test_B11_parallel_uploads_are_all_sanitised(void **state)
{
    (void)state;
    static const char *const names[] = {"gps.jpg", "gps.png",   "gps.webp", "orient6.jpg",
                                        "gps.jpg", "alpha.png", "cmyk.jpg", "deep.png"};
    enum { N = sizeof names / sizeof names[0] };
    worker_t w[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker_t){.name = names[i]};
        w[i].in = fixture(names[i], &w[i].len);
        assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < N; i++) {
        if (w[i].failures) fail_msg("%s failed %d times in parallel", w[i].name, w[i].failures);
        free(w[i].in);
    }
}

static void test_B11_error_codes_are_distinct_and_mapped(void **state)
{
    (void)state;
    static const int codes[] = {PHOTO_ERR_INTERNAL, PHOTO_ERR_TYPE, PHOTO_ERR_BYTES,
                                PHOTO_ERR_PIXELS, PHOTO_ERR_CORRUPT};
    static const int status[] = {500, 415, 413, 422, 422};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const photo_err_info_t *e = photo_err_info(codes[i]);
        assert_int_equal(e->http_status, status[i]);
        assert_true(*e->msg_zh && *e->msg_en);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(e->code, photo_err_info(codes[j])->code);
    }
    assert_int_equal(photo_err_info(12345)->http_status, 500);
}

static void test_B11_out_free_is_safe_twice(void **state)
{
    (void)state;
    photo_out_t out = {0};
    photo_out_free(&out);
    photo_out_free(NULL);
    sanitize_clean("gps.webp", NULL, &out);
    photo_out_free(&out);
    photo_out_free(&out);
    assert_null(out.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_B11_gps_exif_is_gone_after_sanitize),
        cmocka_unit_test(test_B11_png_gps_is_gone_after_sanitize),
        cmocka_unit_test(test_B11_webp_gps_is_gone_after_sanitize),
        cmocka_unit_test(test_B11_orientation_6_is_applied_then_dropped),
        cmocka_unit_test(test_B11_transparency_is_flattened_onto_white),
        cmocka_unit_test(test_B11_colour_profile_is_applied_before_it_is_dropped),
        cmocka_unit_test(test_B11_deep_and_cmyk_sources_become_srgb),
        cmocka_unit_test(test_B11_main_and_thumbnail_fit_their_edges),
        cmocka_unit_test(test_B11_truncated_jpeg_is_corrupt),
        cmocka_unit_test(test_B11_truncated_png_and_webp_are_corrupt),
        cmocka_unit_test(test_B11_jpeg_magic_then_garbage_is_corrupt),
        cmocka_unit_test(test_B11_text_named_jpg_is_unsupported),
        cmocka_unit_test(test_B11_gif_svg_html_are_unsupported),
        cmocka_unit_test(test_B11_empty_input_is_unsupported),
        cmocka_unit_test(test_B11_png_bomb_is_refused_before_decoding),
        cmocka_unit_test(test_B11_limits_are_applied),
        cmocka_unit_test(test_B11_jpeg_with_too_many_scans_is_refused),
        cmocka_unit_test(test_B11_progressive_and_trailing_data_are_accepted),
        cmocka_unit_test(test_B11_parallel_uploads_are_all_sanitised),
        cmocka_unit_test(test_B11_error_codes_are_distinct_and_mapped),
        cmocka_unit_test(test_B11_out_free_is_safe_twice),
    };
    return cmocka_run_group_tests_name("photo", tests, setup_vips, teardown_vips);
}
