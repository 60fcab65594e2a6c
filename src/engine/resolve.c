/* getaddrinfo() on a helper thread, signalled through a pipe. */
#include "engine/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/mem.h"

struct resolver {
    pthread_mutex_t lock;
    int refs; /* caller + thread */
    int pipe_rd, pipe_wr;
    char *host;
    char port[8];
    struct addrinfo hints;
    bool done;
    int gai_rc;
    int gai_errno;
    struct addrinfo *res;
};

static void resolver_unref(struct resolver *r)
{
    pthread_mutex_lock(&r->lock);
    int left = --r->refs;
    pthread_mutex_unlock(&r->lock);
    if (left > 0)
        return;
    if (r->res)
        freeaddrinfo(r->res);
    if (r->pipe_rd >= 0)
        close(r->pipe_rd);
    if (r->pipe_wr >= 0)
        close(r->pipe_wr);
    pthread_mutex_destroy(&r->lock);
    free(r->host);
    free(r);
}

static void *resolver_thread(void *arg)
{
    struct resolver *r = arg;
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(r->host, r->port, &r->hints, &res);
    int saved = errno;
    pthread_mutex_lock(&r->lock);
    r->gai_rc = rc;
    r->gai_errno = saved;
    r->res = res;
    r->done = true;
    pthread_mutex_unlock(&r->lock);
    ssize_t w;
    do {
        w = write(r->pipe_wr, "x", 1);
    } while (w < 0 && errno == EINTR);
    resolver_unref(r);
    return NULL;
}

int resolver_start(const char *host, uint16_t port, int family, struct resolver **out, char *err,
                   size_t errlen)
{
    struct resolver *r = xcalloc(1, sizeof(*r));
    pthread_mutex_init(&r->lock, NULL);
    r->refs = 1;
    r->pipe_rd = r->pipe_wr = -1;
    r->host = xstrdup(host);
    snprintf(r->port, sizeof(r->port), "%u", (unsigned)port);
    r->hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
    r->hints.ai_socktype = SOCK_STREAM;
    r->hints.ai_protocol = IPPROTO_TCP;
    r->hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;

    /* Literal addresses need no lookup and no thread. */
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(r->host, r->port, &r->hints, &res);
    if (rc == 0) {
        r->res = res;
        r->done = true;
        *out = r;
        return 0;
    }
    if (rc == EAI_FAMILY || rc == EAI_ADDRFAMILY) {
        r->gai_rc = rc;
        r->done = true;
        *out = r;
        return 0;
    }
    r->hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;

    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        snprintf(err, errlen, "cannot create a pipe for the resolver: %s", strerror(errno));
        resolver_unref(r);
        return -1;
    }
    r->pipe_rd = fds[0];
    r->pipe_wr = fds[1];
    r->refs = 2;
    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* The thread blocks every signal: SIGINT, SIGTERM and SIGHUP go to the thread that polls
     * (so its poll() wakes up), and no signal can stop the lookup's own writes. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int prc = pthread_create(&tid, &attr, resolver_thread, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (prc != 0) {
        r->refs = 1;
        snprintf(err, errlen, "cannot start the resolver thread: %s", strerror(prc));
        resolver_unref(r);
        return -1;
    }
    *out = r;
    return 0;
}

int resolver_fd(const struct resolver *r)
{
    return r->pipe_rd;
}

int resolver_done(struct resolver *r)
{
    pthread_mutex_lock(&r->lock);
    int d = r->done;
    pthread_mutex_unlock(&r->lock);
    return d;
}

const struct addrinfo *resolver_result(struct resolver *r, char *err, size_t errlen)
{
    pthread_mutex_lock(&r->lock);
    int rc = r->gai_rc, e = r->gai_errno;
    struct addrinfo *res = r->res;
    pthread_mutex_unlock(&r->lock);
    if (rc == 0 && res)
        return res;
    switch (rc) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
        snprintf(err, errlen, "the name '%s' does not exist in DNS (no address found)", r->host);
        break;
    case EAI_AGAIN:
        snprintf(err, errlen,
                 "could not resolve '%s': the DNS server did not answer (temporary failure)",
                 r->host);
        break;
    case EAI_FAMILY:
    case EAI_ADDRFAMILY:
        snprintf(err, errlen, "'%s' has no address of the requested family (-4/-6)", r->host);
        break;
    case EAI_SYSTEM:
        snprintf(err, errlen, "could not resolve '%s': %s", r->host, strerror(e));
        break;
    default: snprintf(err, errlen, "could not resolve '%s': %s", r->host, gai_strerror(rc));
    }
    return NULL;
}

void resolver_release(struct resolver *r)
{
    if (r)
        resolver_unref(r);
}
