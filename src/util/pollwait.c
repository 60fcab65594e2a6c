/* Waiting on descriptors until a deadline (see pollwait.h). */
#include "util/pollwait.h"

#include <time.h>

#include "util/timeutil.h"

void poll_until(struct pollfd *fds, size_t n, int64_t deadline_us, int64_t max_wait_us)
{
    int64_t wait = deadline_us == INT64_MAX ? max_wait_us : deadline_us - mono_us();
    if (wait < 0)
        wait = 0;
    if (wait > max_wait_us)
        wait = max_wait_us;
    struct timespec ts = {(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
    if (ppoll(fds, (nfds_t)n, &ts, NULL) <= 0)
        for (size_t i = 0; i < n; i++)
            fds[i].revents = 0;
}
