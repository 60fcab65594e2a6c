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
#include <arpa/inet.h>

#include "util/mem.h"
#include "util/punycode.h"

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
    int other_family; /* the name failed for the family asked but has one of these (AF_*) */
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

/* After a lookup limited to one family found nothing: the family the name does have, or
 * AF_UNSPEC when it has none either. glibc answers EAI_NONAME both for a name that does not
 * exist and for "localhost" under -6, so only a second lookup tells them apart. */
static int resolver_other_family(const struct resolver *r)
{
    struct addrinfo hints = r->hints, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    if (getaddrinfo(r->host, r->port, &hints, &res) != 0)
        return AF_UNSPEC;
    int fam = res ? res->ai_family : AF_UNSPEC;
    freeaddrinfo(res);
    return fam;
}

static void *resolver_thread(void *arg)
{
    struct resolver *r = arg;
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(r->host, r->port, &r->hints, &res);
    int saved = errno;
    int other = AF_UNSPEC;
    if (r->hints.ai_family != AF_UNSPEC && (rc == EAI_NONAME || rc == EAI_ADDRFAMILY
#ifdef EAI_NODATA
                                            || rc == EAI_NODATA
#endif
                                            ))
        other = resolver_other_family(r);
    pthread_mutex_lock(&r->lock);
    r->gai_rc = rc;
    r->gai_errno = saved;
    r->other_family = other;
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
    int rc = r->gai_rc, e = r->gai_errno, other = r->other_family;
    struct addrinfo *res = r->res;
    pthread_mutex_unlock(&r->lock);
    if (rc == 0 && res)
        return res;
    /* An international name is looked up as its A-labels; name both forms. */
    char uni[256], shown[600];
    if (idna_to_unicode(r->host, uni, sizeof uni) == 1)
        snprintf(shown, sizeof shown, "'%s' (%s)", r->host, uni);
    else
        snprintf(shown, sizeof shown, "'%s'", r->host);
    const char *want = r->hints.ai_family == AF_INET6 ? "IPv6" : "IPv4";
    const char *flag = r->hints.ai_family == AF_INET6 ? "-6" : "-4";
    unsigned char lit[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, r->host, lit) == 1 || inet_pton(AF_INET6, r->host, lit) == 1) {
        if (rc == EAI_FAMILY || rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
            snprintf(err, errlen, "'%s' is an %s address, but %s asks for %s", r->host,
                     strchr(r->host, ':') ? "IPv6" : "IPv4", flag, want);
            return NULL;
        }
    } else if (other != AF_UNSPEC) {
        snprintf(err, errlen, "%s has no %s address (it has an %s address; %s asks for %s only)",
                 shown, want, other == AF_INET6 ? "IPv6" : "IPv4", flag, want);
        return NULL;
    }
    switch (rc) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
        snprintf(err, errlen, "the name %s does not exist in DNS (no address found)", shown);
        break;
    case EAI_AGAIN:
        snprintf(err, errlen,
                 "could not resolve %s: the DNS server did not answer (temporary failure)", shown);
        break;
    case EAI_FAMILY:
    case EAI_ADDRFAMILY:
        snprintf(err, errlen, "%s has no address of the requested family (-4/-6)", shown);
        break;
    case EAI_SYSTEM: snprintf(err, errlen, "could not resolve %s: %s", shown, strerror(e)); break;
    default: snprintf(err, errlen, "could not resolve %s: %s", shown, gai_strerror(rc));
    }
    return NULL;
}

void resolver_release(struct resolver *r)
{
    if (r)
        resolver_unref(r);
}
