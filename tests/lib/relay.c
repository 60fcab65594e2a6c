/* The counting, resetting TCP relay (see relay.h). */
#include "lib/relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAIRS 64

static volatile sig_atomic_t stop_flag;

static void on_term(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int backend(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

static void reset_close(int fd)
{
    struct linger l = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

void relay_block_term(void)
{
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
}

long relay_serve(int lfd, uint16_t backend_port, int reset_every)
{
    int a[PAIRS], b[PAIRS];
    size_t n = 0;
    long count = 0;
    signal(SIGPIPE, SIG_IGN);
    /* SIGTERM stays blocked except inside ppoll, which unblocks it atomically: a SIGTERM that
     * came before (even before this call: relay_block_term) or between the flag's test and the
     * wait wakes the wait at once instead of being noticed one timeout later (or never, when
     * it arrived before the handler existed). */
    sigset_t waitmask;
    relay_block_term();
    sigprocmask(SIG_BLOCK, NULL, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    struct sigaction sa = {.sa_handler = on_term};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    const struct timespec tick = {0, 200 * 1000000L};
    while (!stop_flag) {
        struct pollfd p[1 + 2 * PAIRS];
        p[0] = (struct pollfd){.fd = lfd, .events = n < PAIRS ? POLLIN : 0};
        for (size_t i = 0; i < n; i++) {
            p[1 + 2 * i] = (struct pollfd){.fd = a[i], .events = POLLIN};
            p[2 + 2 * i] = (struct pollfd){.fd = b[i], .events = POLLIN};
        }
        if (ppoll(p, 1 + 2 * n, &tick, &waitmask) < 0) {
            if (errno == EINTR)
                continue; /* the flag is tested again */
            break;
        }
        if (p[0].revents & POLLIN) {
            int c = accept(lfd, NULL, NULL);
            if (c >= 0) {
                count++;
                int s = reset_every > 0 && count % reset_every == 0 ? -1 : backend(backend_port);
                if (s < 0) {
                    reset_close(c);
                } else {
                    a[n] = c, b[n] = s;
                    n++;
                }
            }
        }
        for (size_t i = n; i-- > 0;) {
            bool closed = false;
            for (int side = 0; side < 2 && !closed; side++) {
                short re = p[1 + 2 * i + side].revents;
                if (!re)
                    continue;
                int from = side ? b[i] : a[i], to = side ? a[i] : b[i];
                char buf[16384];
                ssize_t k = recv(from, buf, sizeof buf, MSG_DONTWAIT);
                if (k > 0) {
                    if (send(to, buf, (size_t)k, MSG_NOSIGNAL) != k)
                        closed = true;
                } else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
                    closed = true;
                }
            }
            if (closed) {
                close(a[i]);
                close(b[i]);
                a[i] = a[n - 1], b[i] = b[n - 1];
                n--;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        close(a[i]), close(b[i]);
    return count;
}

int relay_start(struct relay *r, uint16_t backend_port, int reset_every)
{
    r->pid = 0, r->port = 0, r->count_fd = -1;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int pipefd[2];
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 256) < 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &len) < 0 || pipe(pipefd) < 0) {
        if (lfd >= 0)
            close(lfd);
        return -1;
    }
    /* SIGTERM blocked across fork: a relay_stop right after relay_start is not lost */
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &old);
    pid_t pid = fork();
    if (pid != 0)
        sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        close(lfd), close(pipefd[0]), close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(pipefd[0]);
        alarm(300); /* never outlives a stuck test */
        long count = relay_serve(lfd, backend_port, reset_every);
        char msg[32];
        int m = snprintf(msg, sizeof msg, "%ld\n", count);
        if (write(pipefd[1], msg, (size_t)m) < 0)
            _exit(1);
        _exit(0);
    }
    close(lfd);
    close(pipefd[1]);
    r->pid = pid;
    r->port = ntohs(a.sin_port);
    r->count_fd = pipefd[0];
    return 0;
}

long relay_stop(struct relay *r)
{
    long count = -1;
    if (r->pid > 0) {
        kill(r->pid, SIGTERM);
        char buf[32] = "";
        ssize_t k = read(r->count_fd, buf, sizeof buf - 1);
        if (k > 0) {
            buf[k] = '\0';
            sscanf(buf, "%ld", &count);
        }
        waitpid(r->pid, NULL, 0);
        r->pid = 0;
    }
    if (r->count_fd >= 0)
        close(r->count_fd);
    r->count_fd = -1;
    return count;
}
