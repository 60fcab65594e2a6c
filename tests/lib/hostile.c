/* Hostile TLS peers: see hostile.h. */
#include "lib/hostile.h"

#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/timeutil.h"

/* The ServerHello: TLS 1.2, ECDHE-RSA-AES128-GCM-SHA256, no session id, null compression,
 * renegotiation_info (empty) so that OpenSSL 3 carries on to read the next message. The
 * random (32 bytes) has no downgrade sentinel at its end. */
static const unsigned char
    server_hello[] =
        {
            0x16, 0x03, 0x03, 0x00, 0x31, /* record: handshake, 49 bytes */
            0x02, 0x00, 0x00, 0x2d,       /* ServerHello, 45 bytes */
            0x03, 0x03,                   /* legacy_version TLS 1.2 */
            't',  'l',  's',  'c',  'o',  'p',  'e',  ' ', 'h', 'o', 's',
            't',  'i',  'l',  'e',  ' ',  'p',  'e',  'e', 'r', ' ', 'f',
            'o',  'r',  ' ',  't',  'e',  's',  't',  's', '.', '.', 0x00, /* session id: empty */
            0xc0, 0x2f,                                                    /* cipher suite */
            0x00,                                                          /* compression: null */
            0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00, /* extensions: renegotiation_info */
};
_Static_assert(sizeof server_hello == 5 + 49, "ServerHello lengths");

/* A HelloRequest in its own record. A client in the middle of a handshake must ignore it
 * (RFC 5246 7.4.1.1), so each one costs the client a record read and nothing else. */
static const unsigned char hello_request[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00};

/* Waits (bounded) for the ClientHello's first bytes; false when the client never spoke. */
static bool read_client_hello(int fd)
{
    unsigned char buf[16384];
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (poll(&pfd, 1, 5000) <= 0)
        return false;
    return recv(fd, buf, sizeof buf, 0) > 0;
}

/* Sends all of buf before the deadline; false when the client went away or stalled. */
static bool send_all(int fd, const unsigned char *buf, size_t n, int64_t deadline)
{
    while (n > 0) {
        int64_t left = deadline - mono_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return false;
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0)
            return false;
        buf += w;
        n -= (size_t)w;
    }
    return true;
}

static void serve_records(int fd, bool drip)
{
    int64_t deadline = mono_ms() + HOSTILE_MAX_MS;
    if (!read_client_hello(fd) || !send_all(fd, server_hello, sizeof server_hello, deadline))
        return;
    if (drip) {
        const struct timespec ms = {0, 1000000};
        while (mono_ms() < deadline && send_all(fd, hello_request, sizeof hello_request, deadline))
            nanosleep(&ms, NULL);
        return;
    }
    static unsigned char burst[sizeof hello_request * 7000];
    for (size_t i = 0; i < sizeof burst; i += sizeof hello_request)
        memcpy(burst + i, hello_request, sizeof hello_request);
    while (mono_ms() < deadline && send_all(fd, burst, sizeof burst, deadline))
        ;
}

static void serve(int fd, const void *arg)
{
    enum hostile_kind kind = *(const enum hostile_kind *)arg;
    switch (kind) {
    case HOSTILE_FIN: break;
    case HOSTILE_RESET: {
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        break;
    }
    case HOSTILE_FLOOD: serve_records(fd, false); break;
    case HOSTILE_DRIP: serve_records(fd, true); break;
    }
    close(fd);
}

int peer_hostile(struct peer *p, enum hostile_kind kind)
{
    static const enum hostile_kind kinds[] = {HOSTILE_FIN, HOSTILE_RESET, HOSTILE_FLOOD,
                                              HOSTILE_DRIP};
    return peer_fork(p, false, serve, &kinds[kind]);
}
