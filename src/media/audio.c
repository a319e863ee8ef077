/*
 * audio.c — identifies and measures voice notes by their bytes (see audio.h).
 *
 * Each format has one walker that steps through the whole stream and sums the
 * duration; a walker returns AUDIO_ERR_CORRUPT as soon as something does not
 * fit, so "starts with the magic" is never enough. All reads are bounds-checked
 * against the end pointer before they happen.
 */
#include "media/audio.h"
#include <stdbool.h>
#include <string.h>

typedef struct {
    const uint8_t *p, *end;
} span_t;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static int done(audio_info_t *out, const char *kind, const char *mime, uint64_t ms)
{
    if (ms == 0 || ms > UINT32_MAX) return AUDIO_ERR_CORRUPT;
    out->kind = kind;
    out->mime = mime;
    out->duration_ms = (uint32_t)ms;
    return AUDIO_OK;
}

/* ---- AMR (RFC 4867 section 5): a magic line, then frames of 20 ms ---- */

static int probe_amr(span_t s, bool wide, audio_info_t *out)
{
    /* bytes after the header byte, by frame type; -1 = not allowed in a file */
    static const int nb[16] = {12, 13, 15, 17, 19, 20, 26, 31, 5, -1, -1, -1, -1, -1, -1, 0};
    static const int wb[16] = {17, 23, 32, 36, 40, 46, 50, 58, 60, 5, -1, -1, -1, -1, 0, 0};
    const int *sizes = wide ? wb : nb;
    uint64_t frames = 0;
    while (s.p < s.end) {
        uint8_t h = *s.p++;
        int n = sizes[(h >> 3) & 0x0F];
        if ((h & 0x83) || n < 0 || (size_t)(s.end - s.p) < (size_t)n) return AUDIO_ERR_CORRUPT;
        s.p += n;
        frames++;
    }
    return done(out, wide ? "amr-wb" : "amr", wide ? "audio/amr-wb" : "audio/amr", frames * 20);
}

/* ---- MP3: MPEG audio layer III frames, an optional ID3v2 tag before and ID3v1 after ---- */

typedef struct {
    uint32_t len, samples, rate;
} mp3_frame_t;

static bool mp3_header(const uint8_t *h, mp3_frame_t *f)
{
    static const uint16_t br1[16] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0};
    static const uint16_t br2[16] = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0};
    static const uint32_t rates[4][3] = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}};
    if (h[0] != 0xFF || (h[1] & 0xE0) != 0xE0) return false;
    unsigned ver = (h[1] >> 3) & 3, layer = (h[1] >> 1) & 3, bri = h[2] >> 4, sri = (h[2] >> 2) & 3;
    if (ver == 1 || layer != 1 || bri == 0 || bri == 15 || sri == 3) return false;
    uint32_t kbps = ver == 3 ? br1[bri] : br2[bri], rate = rates[ver][sri];
    f->rate = rate;
    f->samples = ver == 3 ? 1152 : 576;
    f->len = (ver == 3 ? 144000 : 72000) * kbps / rate + ((h[2] >> 1) & 1);
    return f->len >= 4;
}

static int probe_mp3(span_t s, audio_info_t *out)
{
    if (s.end - s.p >= 10 && !memcmp(s.p, "ID3", 3)) {
        const uint8_t *h = s.p;
        if ((h[6] | h[7] | h[8] | h[9]) & 0x80) return AUDIO_ERR_CORRUPT;
        size_t tag = 10 + ((size_t)h[6] << 21 | (size_t)h[7] << 14 | (size_t)h[8] << 7 | h[9]) + ((h[5] & 0x10) ? 10 : 0);
        if ((size_t)(s.end - s.p) < tag) return AUDIO_ERR_CORRUPT;
        s.p += tag;
    }
    uint64_t us = 0, frames = 0;
    while (s.p < s.end) {
        size_t left = (size_t)(s.end - s.p);
        if (left == 128 && !memcmp(s.p, "TAG", 3)) break; /* ID3v1 */
        mp3_frame_t f;
        if (left < 4 || !mp3_header(s.p, &f)) return AUDIO_ERR_CORRUPT;
        if (f.len > left) { /* a recording cut short: its last frame is partial */
            if (!frames) return AUDIO_ERR_CORRUPT;
            break;
        }
        us += (uint64_t)f.samples * 1000000 / f.rate;
        s.p += f.len;
        frames++;
    }
    return frames ? done(out, "mp3", "audio/mpeg", us / 1000) : AUDIO_ERR_CORRUPT;
}

/* ---- AAC in ADTS frames of 1024 samples per raw block ---- */

static int probe_adts(span_t s, audio_info_t *out)
{
    static const uint32_t rates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
    uint64_t us = 0;
    while (s.p < s.end) {
        const uint8_t *h = s.p;
        size_t left = (size_t)(s.end - s.p);
        if (left < 7 || h[0] != 0xFF || (h[1] & 0xF6) != 0xF0) return AUDIO_ERR_CORRUPT;
        unsigned sri = (h[2] >> 2) & 0x0F;
        size_t len = (size_t)(h[3] & 3) << 11 | (size_t)h[4] << 3 | h[5] >> 5;
        if (sri >= 13 || len < 7 || len > left) return AUDIO_ERR_CORRUPT;
        us += (uint64_t)((h[6] & 3) + 1) * 1024 * 1000000 / rates[sri];
        s.p += len;
    }
    return done(out, "aac", "audio/aac", us / 1000);
}

/* ---- Ogg Opus: pages; the first holds OpusHead, the last granule position is the length ---- */

static int probe_opus(span_t s, audio_info_t *out)
{
    uint64_t granule = 0;
    uint32_t serial = 0, pre_skip = 0;
    for (int page = 0; s.p < s.end; page++) {
        const uint8_t *h = s.p;
        size_t left = (size_t)(s.end - s.p);
        if (left < 27 || memcmp(h, "OggS", 4) || h[4] != 0) return AUDIO_ERR_CORRUPT;
        size_t nseg = h[26], body = 0;
        if (left < 27 + nseg) return AUDIO_ERR_CORRUPT;
        for (size_t i = 0; i < nseg; i++) body += h[27 + i];
        if (left < 27 + nseg + body) return AUDIO_ERR_CORRUPT;
        const uint8_t *b = h + 27 + nseg;
        uint32_t ser = (uint32_t)h[14] | (uint32_t)h[15] << 8 | (uint32_t)h[16] << 16 | (uint32_t)h[17] << 24;
        if (page == 0) {
            if (body < 19 || memcmp(b, "OpusHead", 8) || (b[8] & 0xF0) || b[9] == 0) return AUDIO_ERR_CORRUPT;
            serial = ser;
            pre_skip = (uint32_t)b[10] | (uint32_t)b[11] << 8;
        } else if (ser != serial) {
            return AUDIO_ERR_CORRUPT; /* one voice note is one stream */
        }
        uint64_t g = le64(h + 6);
        if (g != UINT64_MAX && g > granule) granule = g;
        s.p = b + body;
    }
    if (granule <= pre_skip) return AUDIO_ERR_CORRUPT;
    return done(out, "opus", "audio/ogg", (granule - pre_skip) / 48);
}

/* ---- MP4 / M4A: boxes; the movie header gives the length; only sound tracks allowed ---- */

/* The next box of s: its type and payload; false when s is exhausted or the box does not fit. */
static bool next_box(span_t *s, char type[4], span_t *payload)
{
    size_t left = (size_t)(s->end - s->p);
    if (left < 8) return false;
    uint64_t size = be32(s->p), hdr = 8;
    memcpy(type, s->p + 4, 4);
    if (size == 1) {
        if (left < 16) return false;
        size = be64(s->p + 8);
        hdr = 16;
    } else if (size == 0) {
        size = left;
    }
    if (size < hdr || size > left) return false;
    payload->p = s->p + hdr;
    payload->end = s->p + size;
    s->p += size;
    return true;
}

/* Finds the first child box of type t in s. */
static bool find_box(span_t s, const char *t, span_t *out)
{
    char type[4];
    while (next_box(&s, type, out))
        if (!memcmp(type, t, 4)) return true;
    return false;
}

/* Counts the tracks of moov by handler: sound and anything else. */
static void mp4_tracks(span_t moov, int *sound, int *other)
{
    char type[4];
    span_t trak, mdia, hdlr;
    while (next_box(&moov, type, &trak)) {
        if (memcmp(type, "trak", 4)) continue;
        if (find_box(trak, "mdia", &mdia) && find_box(mdia, "hdlr", &hdlr) && hdlr.end - hdlr.p >= 12 &&
            !memcmp(hdlr.p + 8, "soun", 4))
            (*sound)++;
        else
            (*other)++;
    }
}

static int probe_mp4(span_t s, audio_info_t *out)
{
    char type[4];
    span_t box, moov = {0}, mvhd;
    bool ftyp = false, mdat = false, have_moov = false;
    for (int i = 0; s.p < s.end; i++) {
        if (!next_box(&s, type, &box)) return AUDIO_ERR_CORRUPT;
        if (i == 0 && memcmp(type, "ftyp", 4)) return AUDIO_ERR_CORRUPT;
        ftyp |= i == 0;
        mdat |= !memcmp(type, "mdat", 4);
        if (!memcmp(type, "moov", 4)) moov = box, have_moov = true;
    }
    if (!ftyp || !mdat || !have_moov || !find_box(moov, "mvhd", &mvhd)) return AUDIO_ERR_CORRUPT;
    int sound = 0, other = 0;
    mp4_tracks(moov, &sound, &other);
    if (sound != 1 || other) return AUDIO_ERR_TYPE; /* a video, or several tracks, is not a voice note */
    size_t n = (size_t)(mvhd.end - mvhd.p);
    uint64_t scale, dur;
    if (n >= 20 && mvhd.p[0] == 0) {
        scale = be32(mvhd.p + 12);
        dur = be32(mvhd.p + 16);
    } else if (n >= 32 && mvhd.p[0] == 1) {
        scale = be32(mvhd.p + 20);
        dur = be64(mvhd.p + 24);
    } else {
        return AUDIO_ERR_CORRUPT;
    }
    if (!scale || dur > UINT64_MAX / 1000) return AUDIO_ERR_CORRUPT;
    return done(out, "m4a", "audio/mp4", dur * 1000 / scale);
}

int audio_probe(const void *in, size_t len, audio_info_t *out)
{
    memset(out, 0, sizeof(*out));
    span_t s = {in, (const uint8_t *)in + len};
    if (!in || len < 6) return AUDIO_ERR_TYPE;
    if (len >= 9 && !memcmp(s.p, "#!AMR-WB\n", 9)) return probe_amr((span_t){s.p + 9, s.end}, true, out);
    if (!memcmp(s.p, "#!AMR\n", 6)) return probe_amr((span_t){s.p + 6, s.end}, false, out);
    if (!memcmp(s.p, "OggS", 4)) return probe_opus(s, out);
    if (len >= 8 && !memcmp(s.p + 4, "ftyp", 4)) return probe_mp4(s, out);
    if (!memcmp(s.p, "ID3", 3)) return probe_mp3(s, out);
    if (s.p[0] == 0xFF && (s.p[1] & 0xF6) == 0xF0) return probe_adts(s, out);
    if (s.p[0] == 0xFF && (s.p[1] & 0xE6) == 0xE2) return probe_mp3(s, out);
    return AUDIO_ERR_TYPE;
}
