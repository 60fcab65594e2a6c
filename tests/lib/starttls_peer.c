/* STARTTLS test peers: see starttls_peer.h. Blocking I/O with poll-bounded waits: a test
 * peer serves one connection at a time. */
#include "lib/starttls_peer.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"
#include "util/timeutil.h"

struct spec {
    char proto[16];
    enum stp_mode mode;
    char head[1024];
};

/* One connection's state: the socket, what was read and not yet used, the deadline. */
struct pc {
    int fd;
    const struct spec *sp;
    char buf[8192];
    size_t n;
    int64_t deadline;
    SSL *ssl;
};

static bool put(struct pc *c, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        int64_t left = c->deadline - mono_ms();
        struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return false;
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static bool puts_(struct pc *c, const char *s)
{
    return put(c, s, strlen(s));
}

/* Reads more into the buffer (bounded wait); false on close or timeout. */
static bool fill(struct pc *c)
{
    int64_t left = c->deadline - mono_ms();
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    if (left <= 0 || c->n == sizeof c->buf || poll(&pfd, 1, (int)left) <= 0)
        return false;
    ssize_t r = recv(c->fd, c->buf + c->n, sizeof c->buf - c->n, 0);
    if (r <= 0)
        return false;
    c->n += (size_t)r;
    return true;
}

/* One line (without CRLF) into out; false on close or timeout. */
static bool get_line(struct pc *c, char *out, size_t n)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->n);
        if (nl) {
            size_t len = (size_t)(nl - c->buf), k = len < n - 1 ? len : n - 1;
            memcpy(out, c->buf, k);
            out[k] = '\0';
            if (k && out[k - 1] == '\r')
                out[k - 1] = '\0';
            memmove(c->buf, nl + 1, c->n - len - 1);
            c->n -= len + 1;
            return true;
        }
        if (!fill(c))
            return false;
    }
}

/* Exactly n bytes. */
static bool get_bytes(struct pc *c, void *out, size_t n)
{
    while (c->n < n)
        if (!fill(c))
            return false;
    memcpy(out, c->buf, n);
    memmove(c->buf, c->buf + n, c->n - n);
    c->n -= n;
    return true;
}

/* Exactly n bytes, reading no further: what follows (a ClientHello sent right behind, as
 * after MySQL's SSLRequest) stays in the socket for SSL_accept. */
static bool get_exact(struct pc *c, void *out, size_t n)
{
    size_t got = 0;
    while (got < n) {
        int64_t left = c->deadline - mono_ms();
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return false;
        ssize_t r = recv(c->fd, (char *)out + got, n - got, 0);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Until the client leaves (silence), bounded. */
static void wait_close(struct pc *c)
{
    c->n = 0;
    while (fill(c))
        c->n = 0;
}

static void flood(struct pc *c, const char *line)
{
    static char burst[64 * 1024];
    size_t k = strlen(line), n = 0;
    while (n + k <= sizeof burst) {
        memcpy(burst + n, line, k);
        n += k;
    }
    while (mono_ms() < c->deadline && put(c, burst, n))
        ;
}

/* ---- TLS ---- */

static bool tls_accept(struct pc *c)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    char *crt = harness_path("leaf.crt"), *key = harness_path("leaf.key"),
         *chain = harness_path("inter.crt");
    bool ok = ctx && SSL_CTX_use_certificate_file(ctx, crt, SSL_FILETYPE_PEM) == 1 &&
              SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1;
    FILE *f = ok ? fopen(chain, "r") : NULL;
    X509 *inter = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    ok = ok && inter && SSL_CTX_add_extra_chain_cert(ctx, inter) == 1;
    free(crt);
    free(key);
    free(chain);
    if (ok) {
        c->ssl = SSL_new(ctx);
        SSL_set_fd(c->ssl, c->fd);
        struct timeval tv = {5, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ok = SSL_accept(c->ssl) == 1;
    }
    SSL_CTX_free(ctx); /* the SSL keeps its reference */
    ERR_clear_error();
    return ok;
}

static void tls_write(struct pc *c, const char *s)
{
    if (c->ssl)
        SSL_write(c->ssl, s, (int)strlen(s));
}

/* After the handshake: answers what was pipelined before TLS (vulnerable mode only), then
 * reads until the client closes (bounded by SO_RCVTIMEO). */
static void after_tls(struct pc *c, const char *(*answer)(const char *line, char *buf, size_t n),
                      const char *first)
{
    if (first)
        tls_write(c, first);
    if (c->sp->mode == STP_INJECT_VULNERABLE && answer) {
        char line[512], out[512];
        while (c->n && get_line(c, line, sizeof line)) {
            const char *a = answer(line, out, sizeof out);
            if (a)
                tls_write(c, a);
        }
    }
    char buf[1024];
    for (int i = 0; i < 100 && SSL_read(c->ssl, buf, sizeof buf) > 0; i++)
        ;
    SSL_shutdown(c->ssl);
}

/* Drops what was pipelined before TLS (the correct behaviour) unless vulnerable. */
static void before_tls(struct pc *c)
{
    if (c->sp->mode != STP_INJECT_VULNERABLE)
        c->n = 0;
}

static void starttls_then(struct pc *c, const char *go,
                          const char *(*answer)(const char *, char *, size_t), const char *first)
{
    before_tls(c);
    if (!puts_(c, go) || !tls_accept(c))
        return;
    after_tls(c, answer, first);
}

/* ---- the line protocols ---- */

static const char *ans_smtp(const char *l, char *b, size_t n)
{
    (void)l, (void)b, (void)n;
    return "250 2.0.0 Ok\r\n";
}

static void serve_smtp(struct pc *c, bool lmtp)
{
    enum stp_mode m = c->sp->mode;
    char line[1024];
    if (m == STP_THROTTLE) {
        puts_(c, "421 4.7.0 localhost Too many connections, try again later\r\n");
        return;
    }
    if (m == STP_GARBAGE) {
        puts_(c, "HELLO THIS IS NOT SMTP\r\n");
        wait_close(c);
        return;
    }
    if (m == STP_FLOOD) {
        flood(c, "220-localhost flooding you with greeting lines\r\n");
        return;
    }
    if (!puts_(c, lmtp ? "220 localhost LMTP ready\r\n" : "220 localhost ESMTP test\r\n") ||
        !get_line(c, line, sizeof line))
        return;
    puts_(c, m == STP_NOT_OFFERED ? "250-localhost\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
                                  : "250-localhost\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 "
                                    "8BITMIME\r\n");
    if (m == STP_NOT_OFFERED || !get_line(c, line, sizeof line))
        return;
    if (m == STP_REFUSED) {
        puts_(c, "454 4.7.0 TLS not available due to local problem\r\n");
        wait_close(c);
        return;
    }
    starttls_then(c, "220 2.0.0 Ready to start TLS\r\n", ans_smtp, NULL);
}

static const char *ans_imap(const char *l, char *b, size_t n)
{
    snprintf(b, n, "%.*s OK NOOP completed\r\n", (int)strcspn(l, " "), l);
    return b;
}

static void serve_imap(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    char line[1024], out[1200];
    if (!puts_(c, m == STP_GARBAGE ? "garbage\x01\x02 not imap\r\n" : "* OK IMAP4rev1 ready\r\n") ||
        !get_line(c, line, sizeof line))
        return;
    int tl = (int)strcspn(line, " ");
    snprintf(out, sizeof out, "* CAPABILITY IMAP4rev1 %sLOGINDISABLED\r\n%.*s OK done\r\n",
             m == STP_NOT_OFFERED ? "" : "STARTTLS ", tl, line);
    if (!puts_(c, out) || !get_line(c, line, sizeof line))
        return;
    tl = (int)strcspn(line, " ");
    if (m == STP_REFUSED) {
        snprintf(out, sizeof out, "%.*s NO TLS is not available\r\n", tl, line);
        puts_(c, out);
        wait_close(c);
        return;
    }
    snprintf(out, sizeof out, "%.*s OK Begin TLS negotiation now\r\n", tl, line);
    starttls_then(c, out, ans_imap, NULL);
}

static const char *ans_pop3(const char *l, char *b, size_t n)
{
    (void)l, (void)b, (void)n;
    return "+OK\r\nUSER\r\n.\r\n";
}

static void serve_pop3(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    char line[1024];
    if (!puts_(c, "+OK POP3 ready\r\n") || !get_line(c, line, sizeof line))
        return;
    puts_(c, m == STP_NOT_OFFERED ? "+OK\r\nUSER\r\n.\r\n" : "+OK\r\nUSER\r\nSTLS\r\n.\r\n");
    if (!get_line(c, line, sizeof line))
        return;
    if (m == STP_REFUSED) {
        puts_(c, "-ERR TLS not available\r\n");
        wait_close(c);
        return;
    }
    starttls_then(c, "+OK Begin TLS negotiation\r\n", ans_pop3, NULL);
}

static const char *ans_ftp(const char *l, char *b, size_t n)
{
    (void)l, (void)b, (void)n;
    return "200 NOOP ok\r\n";
}

static void serve_ftp(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    char line[1024];
    if (!puts_(c, "220-Welcome\r\n220 FTP server ready\r\n") || !get_line(c, line, sizeof line))
        return;
    puts_(c, m == STP_NOT_OFFERED ? "211-Features:\r\n PASV\r\n211 End\r\n"
                                  : "211-Features:\r\n AUTH TLS\r\n PBSZ\r\n211 End\r\n");
    if (!get_line(c, line, sizeof line))
        return;
    if (m == STP_REFUSED) {
        puts_(c, "534 Policy requires no TLS\r\n");
        wait_close(c);
        return;
    }
    starttls_then(c, "234 AUTH TLS OK\r\n", ans_ftp, NULL);
}

static const char *ans_nntp(const char *l, char *b, size_t n)
{
    (void)l, (void)b, (void)n;
    return "111 20261205031500\r\n";
}

static void serve_nntp(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    char line[1024];
    if (!puts_(c, "200 news.localhost ready\r\n") || !get_line(c, line, sizeof line))
        return;
    puts_(c, m == STP_NOT_OFFERED
                 ? "101 Capability list:\r\nVERSION 2\r\nREADER\r\n.\r\n"
                 : "101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n");
    if (!get_line(c, line, sizeof line))
        return;
    if (m == STP_REFUSED) {
        puts_(c, "580 Can not initiate TLS negotiation\r\n");
        wait_close(c);
        return;
    }
    starttls_then(c, "382 Continue with TLS negotiation\r\n", ans_nntp, NULL);
}

static const char *ans_sieve(const char *l, char *b, size_t n)
{
    const char *q = strchr(l, '"');
    snprintf(b, n, "OK (TAG \"%.*s\") \"Done\"\r\n", q ? (int)strcspn(q + 1, "\"") : 0,
             q ? q + 1 : "");
    return b;
}

static void serve_sieve(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    char line[1024];
    const char *caps = "\"IMPLEMENTATION\" \"tlscope test sieve\"\r\n\"SIEVE\" \"fileinto\"\r\n";
    if (!puts_(c, caps) || (m != STP_NOT_OFFERED && !puts_(c, "\"STARTTLS\"\r\n")) ||
        !puts_(c, "\"VERSION\" \"1.0\"\r\nOK \"ready\"\r\n"))
        return;
    if (m == STP_NOT_OFFERED || !get_line(c, line, sizeof line))
        return;
    if (m == STP_REFUSED) {
        puts_(c, "NO \"TLS unavailable\"\r\n");
        wait_close(c);
        return;
    }
    /* RFC 5804: the server repeats its capabilities inside TLS, unasked */
    starttls_then(c, "OK \"Begin TLS\"\r\n", ans_sieve,
                  "\"IMPLEMENTATION\" \"tlscope test sieve\"\r\n\"SIEVE\" \"fileinto\"\r\nOK\r\n");
}

static void serve_irc(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    char line[1024];
    if (!puts_(c, ":irc.localhost NOTICE * :*** Looking up your hostname\r\n") ||
        !get_line(c, line, sizeof line))
        return;
    puts_(c, m == STP_NOT_OFFERED ? ":irc.localhost CAP * LS :multi-prefix sasl\r\n"
                                  : ":irc.localhost CAP * LS :multi-prefix tls sasl\r\n");
    if (m == STP_NOT_OFFERED || !get_line(c, line, sizeof line))
        return;
    if (m == STP_REFUSED) {
        puts_(c, ":irc.localhost 691 * :STARTTLS failure\r\n");
        wait_close(c);
        return;
    }
    starttls_then(c, ":irc.localhost 670 * :STARTTLS successful, go ahead with TLS handshake\r\n",
                  NULL, NULL);
}

/* ---- XMPP, LDAP, PostgreSQL, MySQL, RDP ---- */

static void serve_xmpp(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    while (!memmem(c->buf, c->n, "version='1.0'>", 14))
        if (!fill(c))
            return;
    c->n = 0;
    char out[1024];
    snprintf(out, sizeof out,
             "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
             "xmlns:stream='http://etherx.jabber.org/streams' id='t1' from='localhost' "
             "version='1.0'><stream:features>%s<mechanisms "
             "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
             "</stream:features>",
             m == STP_NOT_OFFERED
                 ? ""
                 : "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>");
    if (!puts_(c, out) || m == STP_NOT_OFFERED)
        return;
    while (!memmem(c->buf, c->n, "/>", 2))
        if (!fill(c))
            return;
    c->n = 0;
    if (m == STP_REFUSED) {
        puts_(c, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
        wait_close(c);
        return;
    }
    starttls_then(c, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", NULL, NULL);
}

static void serve_ldap(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    unsigned char hdr[2], body[256];
    if (!get_bytes(c, hdr, 2) || hdr[0] != 0x30 || hdr[1] >= 0x80 || !get_bytes(c, body, hdr[1]))
        return;
    if (m == STP_OK) {
        static const unsigned char ok[] = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07,
                                           0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
        before_tls(c);
        if (put(c, ok, sizeof ok) && tls_accept(c))
            after_tls(c, NULL, NULL);
        return;
    }
    /* resultCode 2 "unsupported extended operation" (not offered) or 53 (refused) */
    const char *diag =
        m == STP_NOT_OFFERED ? "unsupported extended operation" : "TLS is not configured here";
    unsigned char res[96];
    size_t dl = strlen(diag);
    unsigned char r[] = {0x30,
                         (unsigned char)(12 + dl),
                         0x02,
                         0x01,
                         0x01,
                         0x78,
                         (unsigned char)(7 + dl),
                         0x0a,
                         0x01,
                         m == STP_NOT_OFFERED ? 2 : 53,
                         0x04,
                         0x00,
                         0x04,
                         (unsigned char)dl};
    memcpy(res, r, sizeof r);
    memcpy(res + sizeof r, diag, dl);
    put(c, res, sizeof r + dl);
    wait_close(c);
}

static void serve_postgres(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    unsigned char req[8];
    if (!get_bytes(c, req, 8))
        return;
    if (m == STP_NOT_OFFERED) {
        put(c, "N", 1);
        wait_close(c);
        return;
    }
    if (m == STP_REFUSED) {
        static const char e[] = "E\0\0\0\x34"
                                "SFATAL\0C53300\0Msorry, too many clients already\0";
        put(c, e, sizeof e); /* the array's NUL ends the fields */
        wait_close(c);
        return;
    }
    starttls_then(c, "S", NULL, NULL);
}

static void serve_mysql(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    if (m == STP_REFUSED) {
        static const char e[] = "\x17\0\0\0\xff\x10\x04Too many connections";
        put(c, e, sizeof e - 1);
        wait_close(c);
        return;
    }
    unsigned char g[128];
    size_t n = 4;
    g[n++] = 10;
    memcpy(g + n, "8.0.99-tlscope\0", 15);
    n += 15;
    memset(g + n, 1, 4 + 8); /* connection id, auth data part 1 */
    n += 12;
    g[n++] = 0;
    unsigned caps = m == STP_NOT_OFFERED ? 0xf7ffu : 0xffffu; /* low 16 bits; 0x0800 SSL */
    g[n++] = (unsigned char)(caps & 0xff);
    g[n++] = (unsigned char)(caps >> 8);
    g[n++] = 0x21;                /* charset */
    g[n++] = 2, g[n++] = 0;       /* status */
    g[n++] = 0xff, g[n++] = 0x81; /* capabilities, high */
    g[n++] = 21;
    memset(g + n, 0, 10);
    n += 10;
    memcpy(g + n, "abcdefghijkl\0mysql_native_password\0", 35);
    n += 35;
    g[0] = (unsigned char)(n - 4), g[1] = 0, g[2] = 0, g[3] = 0;
    if (!put(c, g, n) || m == STP_NOT_OFFERED)
        return;
    unsigned char req[36];
    if (!get_exact(c, req, sizeof req) || !tls_accept(c))
        return;
    after_tls(c, NULL, NULL);
}

static void serve_rdp(struct pc *c)
{
    enum stp_mode m = c->sp->mode;
    unsigned char req[19];
    if (!get_bytes(c, req, sizeof req))
        return;
    if (m == STP_NOT_OFFERED) { /* a confirm without negotiation: standard RDP security */
        static const unsigned char cc[] = {3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0};
        put(c, cc, sizeof cc);
        wait_close(c);
        return;
    }
    unsigned char cc[] = {3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 1, 0, 0, 0};
    if (m == STP_REFUSED)
        cc[11] = 3, cc[15] = 2; /* RDP_NEG_FAILURE: SSL_NOT_ALLOWED_BY_SERVER */
    if (m == STP_REFUSED) {
        put(c, cc, sizeof cc);
        wait_close(c);
        return;
    }
    before_tls(c);
    if (put(c, cc, sizeof cc) && tls_accept(c))
        after_tls(c, NULL, NULL);
}

static void serve_https(struct pc *c)
{
    if (!tls_accept(c))
        return;
    char req[4096];
    size_t n = 0;
    while (n < sizeof req - 1) {
        int r = SSL_read(c->ssl, req + n, (int)(sizeof req - 1 - n));
        if (r <= 0)
            break;
        n += (size_t)r;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    char out[1200];
    snprintf(out, sizeof out, "%s\r\nContent-Length: 0\r\n\r\n", c->sp->head);
    tls_write(c, out);
    SSL_shutdown(c->ssl);
}

static void serve(int fd, const void *arg)
{
    struct pc c = {.fd = fd, .sp = arg, .deadline = mono_ms() + STP_MAX_MS};
    const char *p = c.sp->proto;
    if (c.sp->mode == STP_SILENCE) {
        wait_close(&c);
    } else if (!strcmp(p, "smtp") || !strcmp(p, "lmtp")) {
        serve_smtp(&c, !strcmp(p, "lmtp"));
    } else if (!strcmp(p, "imap")) {
        serve_imap(&c);
    } else if (!strcmp(p, "pop3")) {
        serve_pop3(&c);
    } else if (!strcmp(p, "ftp")) {
        serve_ftp(&c);
    } else if (!strcmp(p, "nntp")) {
        serve_nntp(&c);
    } else if (!strcmp(p, "sieve")) {
        serve_sieve(&c);
    } else if (!strcmp(p, "irc")) {
        serve_irc(&c);
    } else if (!strncmp(p, "xmpp", 4)) {
        serve_xmpp(&c);
    } else if (!strcmp(p, "ldap")) {
        serve_ldap(&c);
    } else if (!strcmp(p, "postgres")) {
        serve_postgres(&c);
    } else if (!strcmp(p, "mysql")) {
        serve_mysql(&c);
    } else if (!strcmp(p, "rdp")) {
        serve_rdp(&c);
    } else if (!strcmp(p, "https")) {
        serve_https(&c);
    }
    if (c.ssl)
        SSL_free(c.ssl);
    close(fd);
}

int peer_starttls(struct peer *p, const char *proto, enum stp_mode mode, const char *http_head)
{
    (void)harness_dir(); /* the lab PKI exists before the fork: the child serves the same one */
    static struct spec specs[32]; /* valid across fork; a test starts a few at a time */
    static size_t next;
    struct spec *sp = &specs[next++ % (sizeof specs / sizeof specs[0])];
    memset(sp, 0, sizeof(*sp));
    snprintf(sp->proto, sizeof sp->proto, "%s", proto);
    sp->mode = mode;
    snprintf(sp->head, sizeof sp->head, "%s", http_head ? http_head : "HTTP/1.1 200 OK");
    return peer_fork(p, false, serve, sp);
}
