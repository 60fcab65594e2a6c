/* stamps.so — an LD_PRELOAD shim that timestamps the phases of one TLS client run, for
 * bench/phases.sh. It wraps a few calls any OpenSSL client makes (SSL_CTX_new, loading the
 * CA file, getaddrinfo, connect, the socket's reads and writes, close) and, at exit, prints
 * one line to stderr:
 *
 *     stamps: start=… ctx=…+… ca=…+… dns=…+… connect=… hello=… first_rx=… finished=…
 *             last_rx=… close=… exit=…
 *
 * every figure in µs from the moment the environment variable STAMPS_T0 names (the shell's
 * $EPOCHREALTIME just before exec; "start" is thus the time to load and link the program),
 * "a+b" meaning "began at a, took b". A phase that did not happen is -1. The shim adds two
 * clock reads per wrapped call; it has no other effect. Not part of tlscope. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_method_st SSL_METHOD;

static int64_t t0_us; /* STAMPS_T0, µs of the realtime clock */
static _Atomic int sock = -1;
static int64_t s_start = -1, s_ctx = -1, d_ctx = -1, s_ca = -1, d_ca = -1, s_dns = -1, d_dns = -1,
               s_connect = -1, s_hello = -1, s_first_rx = -1, s_finished = -1, s_last_rx = -1,
               s_close = -1;
static int writes;
static int depth_ca;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - t0_us;
}

#define REAL(ret, name, ...)                                                                       \
    static ret (*real_##name)(__VA_ARGS__);                                                        \
    if (!real_##name)                                                                              \
    real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

__attribute__((constructor)) static void stamps_init(void)
{
    const char *t = getenv("STAMPS_T0"); /* "1733360000.123456" */
    if (t) {
        char *end;
        long long sec = strtoll(t, &end, 10);
        long long us = *end == '.' ? strtoll(end + 1, NULL, 10) : 0;
        t0_us = sec * 1000000 + us;
    }
    s_start = now_us();
}

__attribute__((destructor)) static void stamps_done(void)
{
    fprintf(stderr,
            "stamps: start=%lld ctx=%lld+%lld ca=%lld+%lld dns=%lld+%lld connect=%lld hello=%lld "
            "first_rx=%lld finished=%lld last_rx=%lld close=%lld exit=%lld\n",
            (long long)s_start, (long long)s_ctx, (long long)d_ctx, (long long)s_ca,
            (long long)d_ca, (long long)s_dns, (long long)d_dns, (long long)s_connect,
            (long long)s_hello, (long long)s_first_rx, (long long)s_finished, (long long)s_last_rx,
            (long long)s_close, (long long)now_us());
}

SSL_CTX *SSL_CTX_new(const SSL_METHOD *m)
{
    REAL(SSL_CTX *, SSL_CTX_new, const SSL_METHOD *);
    int64_t a = now_us();
    SSL_CTX *c = real_SSL_CTX_new(m);
    if (s_ctx < 0)
        s_ctx = a, d_ctx = now_us() - a;
    return c;
}

SSL_CTX *SSL_CTX_new_ex(void *libctx, const char *propq, const SSL_METHOD *m)
{
    REAL(SSL_CTX *, SSL_CTX_new_ex, void *, const char *, const SSL_METHOD *);
    int64_t a = now_us();
    SSL_CTX *c = real_SSL_CTX_new_ex(libctx, propq, m);
    if (s_ctx < 0)
        s_ctx = a, d_ctx = now_us() - a;
    return c;
}

static void ca_begin(int64_t *a)
{
    *a = depth_ca++ == 0 ? now_us() : -1;
}

static void ca_end(int64_t a)
{
    if (--depth_ca == 0 && a >= 0 && s_ca < 0)
        s_ca = a, d_ca = now_us() - a;
}

int SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *file, const char *path)
{
    REAL(int, SSL_CTX_load_verify_locations, SSL_CTX *, const char *, const char *);
    int64_t a;
    ca_begin(&a);
    int rc = real_SSL_CTX_load_verify_locations(ctx, file, path);
    ca_end(a);
    return rc;
}

int SSL_CTX_load_verify_file(SSL_CTX *ctx, const char *file)
{
    REAL(int, SSL_CTX_load_verify_file, SSL_CTX *, const char *);
    int64_t a;
    ca_begin(&a);
    int rc = real_SSL_CTX_load_verify_file(ctx, file);
    ca_end(a);
    return rc;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    REAL(int, getaddrinfo, const char *, const char *, const struct addrinfo *, struct addrinfo **);
    int64_t a = now_us();
    int rc = real_getaddrinfo(node, service, hints, res);
    /* a numeric-only probe that fails is not the lookup */
    if (!(rc != 0 && hints && (hints->ai_flags & AI_NUMERICHOST)) && s_dns < 0)
        s_dns = a, d_dns = now_us() - a;
    return rc;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    REAL(int, connect, int, const struct sockaddr *, socklen_t);
    if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
        if (s_connect < 0)
            s_connect = now_us();
        sock = fd;
    }
    return real_connect(fd, sa, len);
}

/* a write to the socket: stamped when it began (the moment the bytes left the program) */
static void wrote(int fd, ssize_t n, int64_t began)
{
    if (fd != sock || n <= 0)
        return;
    writes++;
    if (writes == 1)
        s_hello = began;
    else if (writes == 2)
        s_finished = began;
}

static void got(int fd, ssize_t n)
{
    if (fd != sock || n <= 0)
        return;
    s_last_rx = now_us();
    if (s_first_rx < 0)
        s_first_rx = s_last_rx;
}

ssize_t write(int fd, const void *b, size_t n)
{
    REAL(ssize_t, write, int, const void *, size_t);
    int64_t a = now_us();
    ssize_t r = real_write(fd, b, n);
    wrote(fd, r, a);
    return r;
}

ssize_t send(int fd, const void *b, size_t n, int fl)
{
    REAL(ssize_t, send, int, const void *, size_t, int);
    int64_t a = now_us();
    ssize_t r = real_send(fd, b, n, fl);
    wrote(fd, r, a);
    return r;
}

ssize_t sendto(int fd, const void *b, size_t n, int fl, const struct sockaddr *sa, socklen_t l)
{
    REAL(ssize_t, sendto, int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    int64_t a = now_us();
    ssize_t r = real_sendto(fd, b, n, fl, sa, l);
    wrote(fd, r, a);
    return r;
}

ssize_t read(int fd, void *b, size_t n)
{
    REAL(ssize_t, read, int, void *, size_t);
    ssize_t r = real_read(fd, b, n);
    got(fd, r);
    return r;
}

ssize_t recv(int fd, void *b, size_t n, int fl)
{
    REAL(ssize_t, recv, int, void *, size_t, int);
    ssize_t r = real_recv(fd, b, n, fl);
    got(fd, r);
    return r;
}

ssize_t recvfrom(int fd, void *b, size_t n, int fl, struct sockaddr *sa, socklen_t *l)
{
    REAL(ssize_t, recvfrom, int, void *, size_t, int, struct sockaddr *, socklen_t *);
    ssize_t r = real_recvfrom(fd, b, n, fl, sa, l);
    got(fd, r);
    return r;
}

int close(int fd)
{
    REAL(int, close, int);
    if (fd >= 0 && fd == sock) {
        if (s_close < 0)
            s_close = now_us();
        sock = -1;
    }
    return real_close(fd);
}
