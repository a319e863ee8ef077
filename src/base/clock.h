/*
 * clock.h — how Linli writes a moment: UTC, ISO 8601 to the second
 * ("2026-11-24T00:30:00Z"), in the API, cards and the SMS outbox alike.
 */
#ifndef LL_CLOCK_H
#define LL_CLOCK_H
#include <stdint.h>
#include <time.h>

#define CLOCK_ISO_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" and its NUL */

/* Writes the Unix time t into buf and returns buf. */
char *clock_iso(int64_t t, char buf[CLOCK_ISO_LEN]);
/* The wall-clock moment ms milliseconds from now, as the timed waits of pthreads and semaphores take it. */
struct timespec clock_after_ms(int64_t ms);
/* Microseconds on a clock that never goes back (for durations only). */
int64_t clock_mono_us(void);

#endif
