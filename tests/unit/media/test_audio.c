/*
 * test_audio.c — voice notes are recognised by their bytes and measured by
 * walking every frame (C10): each accepted kind, its duration, and the
 * refusals (other types, a magic followed by junk, truncation, video in MP4).
 * The streams are built here frame by frame; their payloads are silence-sized
 * zeros, which is all the checker reads.
 */
#include "support.h"
#include "media/audio.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *p;
    size_t n, cap;
} buf_t;

static void put(buf_t *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

static void put_zeros(buf_t *b, size_t n)
{
    uint8_t z[256] = {0};
    while (n) {
        size_t k = n < sizeof z ? n : sizeof z;
        put(b, z, k);
        n -= k;
    }
}

static void put_be32(buf_t *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(b, x, 4);
}

/* AMR-NB 12.2 kbps: 32-byte frames of 20 ms. */
static buf_t amr(int frames)
{
    buf_t b = {0};
    put(&b, "#!AMR\n", 6);
    for (int i = 0; i < frames; i++) {
        uint8_t h = 7 << 3 | 0x04;
        put(&b, &h, 1);
        put_zeros(&b, 31);
    }
    return b;
}

/* MPEG-1 layer III, 128 kbps, 44.1 kHz: 417-byte frames of 1152 samples. */
static buf_t mp3(int frames, bool id3)
{
    buf_t b = {0};
    if (id3) {
        uint8_t tag[10] = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 20};
        put(&b, tag, 10);
        put_zeros(&b, 20);
    }
    for (int i = 0; i < frames; i++) {
        uint8_t h[4] = {0xFF, 0xFB, 0x90, 0x00};
        put(&b, h, 4);
        put_zeros(&b, 417 - 4);
    }
    return b;
}

/* ADTS AAC-LC, 16 kHz, one raw block (1024 samples) per 100-byte frame. */
static buf_t adts(int frames)
{
    buf_t b = {0};
    for (int i = 0; i < frames; i++) {
        size_t len = 100;
        uint8_t h[7] = {0xFF, 0xF1, (uint8_t)(1 << 6 | 8 << 2), (uint8_t)(1 << 6 | (len >> 11)),
                        (uint8_t)(len >> 3), (uint8_t)((len & 7) << 5 | 0x1F), 0xFC};
        put(&b, h, 7);
        put_zeros(&b, len - 7);
    }
    return b;
}

static void ogg_page(buf_t *b, uint64_t granule, uint32_t serial, const void *body, uint8_t len)
{
    uint8_t h[28] = {'O', 'g', 'g', 'S', 0, 0};
    for (int i = 0; i < 8; i++) h[6 + i] = (uint8_t)(granule >> (8 * i));
    for (int i = 0; i < 4; i++) h[14 + i] = (uint8_t)(serial >> (8 * i));
    h[26] = 1;
    h[27] = len;
    put(b, h, 28);
    put(b, body, len);
}

/* Ogg Opus lasting ms milliseconds after a 312-sample pre-skip. */
static buf_t opus(uint64_t ms, uint32_t second_serial)
{
    buf_t b = {0};
    uint8_t head[19] = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0};
    uint8_t data[40] = {0};
    ogg_page(&b, 0, 7, head, sizeof head);
    ogg_page(&b, 0, 7, "OpusTags", 8);
    ogg_page(&b, 312 + ms * 48 / 2, 7, data, sizeof data);
    ogg_page(&b, 312 + ms * 48, second_serial, data, sizeof data);
    return b;
}

static void box(buf_t *b, const char *type, const buf_t *payload)
{
    put_be32(b, (uint32_t)(8 + payload->n));
    put(b, type, 4);
    put(b, payload->p, payload->n);
}

/* M4A: ftyp, moov (mvhd with timescale 1000, one track per handler), mdat. */
static buf_t m4a(uint32_t ms, const char *handlers)
{
    buf_t out = {0}, ftyp = {0}, mvhd = {0}, moov = {0}, mdat = {0};
    put(&ftyp, "M4A \0\0\0\0M4A isom", 16);
    put_zeros(&mvhd, 12);
    put_be32(&mvhd, 1000);
    put_be32(&mvhd, ms);
    put_zeros(&mvhd, 80);
    box(&moov, "mvhd", &mvhd);
    for (const char *h = handlers; *h; h += 4) {
        buf_t hdlr = {0}, mdia = {0}, trak = {0};
        put_zeros(&hdlr, 8);
        put(&hdlr, h, 4);
        put_zeros(&hdlr, 13);
        box(&mdia, "hdlr", &hdlr);
        box(&trak, "mdia", &mdia);
        box(&moov, "trak", &trak);
        free(hdlr.p), free(mdia.p), free(trak.p);
    }
    put_zeros(&mdat, 500);
    box(&out, "ftyp", &ftyp);
    box(&out, "moov", &moov);
    box(&out, "mdat", &mdat);
    free(ftyp.p), free(mvhd.p), free(moov.p), free(mdat.p);
    return out;
}

static void expect(buf_t b, int res, const char *kind, uint32_t ms)
{
    audio_info_t info;
    int got = audio_probe(b.p, b.n, &info);
    free(b.p);
    assert_int_equal(got, res);
    if (res) return;
    assert_string_equal(info.kind, kind);
    assert_int_equal(info.duration_ms, ms);
}

static void test_C10_amr_is_recognised_and_measured_frame_by_frame(void **state)
{
    (void)state;
    expect(amr(250), AUDIO_OK, "amr", 5000);
    buf_t b = amr(10);
    b.n -= 5; /* the last frame is cut */
    expect(b, AUDIO_ERR_CORRUPT, NULL, 0);
    b = amr(10);
    b.p[6 + 32] = 12 << 3; /* a reserved frame type */
    expect(b, AUDIO_ERR_CORRUPT, NULL, 0);
    expect(amr(0), AUDIO_ERR_CORRUPT, NULL, 0);
}

static void test_C10_mp3_with_or_without_id3_is_measured(void **state)
{
    (void)state;
    expect(mp3(100, false), AUDIO_OK, "mp3", 2612);
    expect(mp3(100, true), AUDIO_OK, "mp3", 2612);
    buf_t b = mp3(20, false);
    b.p[417 * 5 + 1] = 0x00; /* junk in the middle */
    expect(b, AUDIO_ERR_CORRUPT, NULL, 0);
}

static void test_C10_aac_adts_is_measured(void **state)
{
    (void)state;
    expect(adts(160), AUDIO_OK, "aac", 10240);
    buf_t b = adts(3);
    b.n -= 1;
    expect(b, AUDIO_ERR_CORRUPT, NULL, 0);
}

static void test_C10_ogg_opus_length_comes_from_the_last_granule(void **state)
{
    (void)state;
    expect(opus(12000, 7), AUDIO_OK, "opus", 12000);
    expect(opus(12000, 8), AUDIO_ERR_CORRUPT, NULL, 0); /* a second stream */
    buf_t b = opus(1000, 7);
    memcpy(b.p + 28, "VorbisHd", 8); /* Ogg, but not Opus */
    expect(b, AUDIO_ERR_CORRUPT, NULL, 0);
}

static void test_C10_m4a_with_one_sound_track_only(void **state)
{
    (void)state;
    expect(m4a(42000, "soun"), AUDIO_OK, "m4a", 42000);
    expect(m4a(42000, "sounvide"), AUDIO_ERR_TYPE, NULL, 0); /* a video is not a voice note */
    expect(m4a(42000, ""), AUDIO_ERR_TYPE, NULL, 0);
    buf_t b = m4a(1000, "soun");
    b.n -= 10; /* mdat runs past the end */
    expect(b, AUDIO_ERR_CORRUPT, NULL, 0);
}

static void test_C10_type_is_decided_by_content_never_by_name(void **state)
{
    (void)state;
    static const char jpeg[] = "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00";
    static const char html[] = "<html><body>#!AMR\n</body></html>";
    audio_info_t info;
    assert_int_equal(audio_probe(jpeg, sizeof jpeg - 1, &info), AUDIO_ERR_TYPE);
    assert_int_equal(audio_probe(html, sizeof html - 1, &info), AUDIO_ERR_TYPE);
    assert_int_equal(audio_probe("", 0, &info), AUDIO_ERR_TYPE);
    assert_int_equal(audio_probe(NULL, 0, &info), AUDIO_ERR_TYPE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_C10_amr_is_recognised_and_measured_frame_by_frame),
        cmocka_unit_test(test_C10_mp3_with_or_without_id3_is_measured),
        cmocka_unit_test(test_C10_aac_adts_is_measured),
        cmocka_unit_test(test_C10_ogg_opus_length_comes_from_the_last_granule),
        cmocka_unit_test(test_C10_m4a_with_one_sound_track_only),
        cmocka_unit_test(test_C10_type_is_decided_by_content_never_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
