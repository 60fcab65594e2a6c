/* Clocks and time formatting. */
#ifndef TLSCOPE_UTIL_TIMEUTIL_H
#define TLSCOPE_UTIL_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

int64_t mono_us(void); /* CLOCK_MONOTONIC in microseconds */
int64_t mono_ms(void);
/* Formats t as ISO 8601 UTC "2026-11-26T23:47:00Z" into out (at least 21 bytes). */
void iso8601_utc(time_t t, char *out, size_t n);

#endif
