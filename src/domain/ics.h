/*
 * ics.h — one interview as an iCalendar file (RFC 5545) for the seeker's calendar (C11).
 *
 * Lines end in CRLF and are folded at 75 octets without splitting a UTF-8
 * character; TEXT values escape backslash, semicolon, comma and newlines;
 * times are UTC ("Z"), which every calendar converts to local time.
 */
#ifndef LL_ICS_H
#define LL_ICS_H
#include "base/arena.h"
#include <stdint.h>

typedef struct {
    const char *uid;                            /* globally unique, stable for the same event */
    int64_t stamp, start, end;                  /* unix seconds */
    const char *summary, *location, *description; /* description may be NULL */
} ics_event_t;

/* A TEXT value escaped per RFC 5545 §3.3.11. */
char *ics_escape(arena_t *a, const char *s);
/* A VCALENDAR with one VEVENT. */
char *ics_event(arena_t *a, const ics_event_t *e);

#endif
