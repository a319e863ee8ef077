/* ics.c — iCalendar text (see ics.h). */
#include "domain/ics.h"
#include <string.h>
#include <time.h>

char *ics_escape(arena_t *a, const char *s)
{
    char *out = arena_alloc(a, strlen(s) * 2 + 1), *o = out;
    for (; *s; s++) {
        if (*s == '\r') continue; /* CRLF and LF both become one \n */
        if (*s == '\n') {
            *o++ = '\\', *o++ = 'n';
            continue;
        }
        if (*s == '\\' || *s == ';' || *s == ',') *o++ = '\\';
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* Appends one content line, folded: at most 75 octets a line, never inside a UTF-8 character. */
static char *line(arena_t *a, char *doc, const char *text)
{
    size_t n = strlen(text), dn = strlen(doc);
    char *out = arena_alloc(a, dn + n + n / 40 * 3 + 8), *o = out + dn;
    memcpy(out, doc, dn);
    size_t width = 0, limit = 75;
    for (size_t i = 0; i < n;) {
        size_t k = 1;
        while (i + k < n && ((unsigned char)text[i + k] & 0xC0) == 0x80) k++;
        if (width + k > limit) {
            *o++ = '\r', *o++ = '\n', *o++ = ' ';
            width = 1; /* the leading space counts towards the next line's 75 */
        }
        memcpy(o, text + i, k);
        o += k, width += k, i += k;
    }
    *o++ = '\r', *o++ = '\n', *o = '\0';
    return out;
}

static const char *utc(arena_t *a, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char buf[20];
    strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return arena_strdup(a, buf);
}

char *ics_event(arena_t *a, const ics_event_t *e)
{
    char *d = arena_strdup(a, "");
    d = line(a, d, "BEGIN:VCALENDAR");
    d = line(a, d, "VERSION:2.0");
    d = line(a, d, "PRODID:-//Linli//Jobs//ZH");
    d = line(a, d, "CALSCALE:GREGORIAN");
    d = line(a, d, "METHOD:PUBLISH");
    d = line(a, d, "BEGIN:VEVENT");
    d = line(a, d, arena_printf(a, "UID:%s", e->uid));
    d = line(a, d, arena_printf(a, "DTSTAMP:%s", utc(a, e->stamp)));
    d = line(a, d, arena_printf(a, "DTSTART:%s", utc(a, e->start)));
    d = line(a, d, arena_printf(a, "DTEND:%s", utc(a, e->end)));
    d = line(a, d, arena_printf(a, "SUMMARY:%s", ics_escape(a, e->summary)));
    d = line(a, d, arena_printf(a, "LOCATION:%s", ics_escape(a, e->location)));
    if (e->description && *e->description)
        d = line(a, d, arena_printf(a, "DESCRIPTION:%s", ics_escape(a, e->description)));
    d = line(a, d, "END:VEVENT");
    return line(a, d, "END:VCALENDAR");
}
