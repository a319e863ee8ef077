/*
 * audio.h — the voice-note checker (C10): what kind of audio an upload is and how long it plays,
 * decided by its bytes alone (the file name and the declared Content-Type are never consulted).
 *
 * Accepted: AMR-NB and AMR-WB (RFC 4867 storage format), MP3 (MPEG-1/2/2.5 layer III, with or
 * without an ID3v2 tag), Ogg Opus, and AAC either raw (ADTS) or in an MP4/M4A container. The
 * whole stream is walked frame by frame (or page by page, box by box), so a file that only
 * starts like audio is refused as corrupt; the duration is summed from the frames, never taken
 * from a header that could lie, except for MP4 where the movie header is the only source.
 *
 * Invariants: reads only in[0, len); no allocation; no state; safe on any bytes (fuzzed).
 */
#ifndef LL_AUDIO_H
#define LL_AUDIO_H
#include <stddef.h>
#include <stdint.h>

typedef enum {
    AUDIO_OK = 0,
    AUDIO_ERR_TYPE = -60,    /* not one of the accepted kinds by content, or empty */
    AUDIO_ERR_CORRUPT = -61, /* the right magic, but the frames do not add up */
} audio_res_t;

typedef struct {
    const char *kind; /* "amr", "amr-wb", "mp3", "opus", "aac", "m4a" (static) */
    const char *mime; /* the Content-Type it is served with (static) */
    uint32_t duration_ms;
} audio_info_t;

/* Identifies and measures in[0, len) into *out (zeroed first). */
int audio_probe(const void *in, size_t len, audio_info_t *out);

#endif
