/*
 * clock.h — how Linli writes a moment: UTC, ISO 8601 to the second
 * ("2026-11-24T00:30:00Z"), in the API, cards and the SMS outbox alike.
 */
#ifndef LL_CLOCK_H
#define LL_CLOCK_H
#include <stdint.h>

#define CLOCK_ISO_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" and its NUL */

/* Writes the Unix time t into buf and returns buf. */
char *clock_iso(int64_t t, char buf[CLOCK_ISO_LEN]);

#endif
