/*
 * fuzz/audio.c — libFuzzer driver for the voice-note checker (src/media/audio.c).
 *
 * The input is copied to a heap block of exactly its size, so any read past its end is an ASan
 * report. Promises checked (audio.h): the result is one of the three documented values; on
 * success a kind and a type are named and the duration is positive; on failure *out is zeroed.
 */
#include "fuzz.h"
#include "media/audio.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *in = malloc(size ? size : 1);
    if (size) memcpy(in, data, size);
    audio_info_t info;
    int rc = audio_probe(in, size, &info);
    FUZZ_CHECK(rc == AUDIO_OK || rc == AUDIO_ERR_TYPE || rc == AUDIO_ERR_CORRUPT, "result %d", rc);
    if (rc == AUDIO_OK)
        FUZZ_CHECK(info.kind && info.mime && info.duration_ms > 0, "success without kind or length");
    else
        FUZZ_CHECK(!info.kind && !info.mime && !info.duration_ms, "failure %d left a result", rc);
    free(in);
    return 0;
}
