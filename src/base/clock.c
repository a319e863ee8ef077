/* clock.c — see clock.h. */
#include "base/clock.h"
#include <time.h>

char *clock_iso(int64_t t, char buf[CLOCK_ISO_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (!strftime(buf, CLOCK_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm)) buf[0] = '\0'; /* a year past 9999 */
    return buf;
}
