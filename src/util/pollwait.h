/* Waiting on descriptors until an absolute deadline with microsecond precision: the one wait
 * behind every poll loop's blocking convenience (a connection, a scan, the doctor's fetches).
 * A millisecond poll() would add up to 2 ms to every wait (e.g. after the last session
 * ticket). */
#ifndef TLSCOPE_UTIL_POLLWAIT_H
#define TLSCOPE_UTIL_POLLWAIT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

/* ppoll()s fds until deadline_us (mono_us clock; INT64_MAX: none), at most max_wait_us. When
 * nothing is ready (timeout, signal, error) every revents is cleared. */
void poll_until(struct pollfd *fds, size_t n, int64_t deadline_us, int64_t max_wait_us);

#endif
