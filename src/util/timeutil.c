/* Monotonic clocks and ISO 8601 formatting. */
#define _POSIX_C_SOURCE 200809L
#include "util/timeutil.h"

int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t mono_ms(void)
{
    return mono_us() / 1000;
}

void iso8601_utc(time_t t, char *out, size_t n)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        if (n)
            out[0] = '\0';
    }
}
