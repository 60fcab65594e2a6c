/* The demo lab: one child process serves a TLS situation per loopback port (good chain,
 * expired, self-signed, ...) from a PKI it generates in memory at start; the parent learns the
 * ports through a pipe it polls (lab_fd / lab_step), so starting never blocks its event loop.
 * A sibling of the engine: OpenSSL is allowed here (check-layers names src/lab/), the engine's
 * internals are not; the lab has its own OpenSSL error helper. */
#include "lab/lab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "lab/pki.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define LAB_MAX_CONNS    64    /* open connections in the child; past it the oldest is dropped */
#define LAB_HANDSHAKE_MS 10000 /* a client must finish its handshake within this */
#define LAB_IDLE_MS      2000  /* after the handshake: closed after this long without data */
#define LAB_TICK_MS      250   /* the child looks at its parent at least this often */
#define LAB_START_MS     30000 /* the start fails past this (the PKI is made in the child) */
#define LAB_STOP_MS      2000  /* SIGTERM grace before SIGKILL */
#define LAB_BIND_TRIES   8     /* the ::1 twin of a 127.0.0.1 port may be taken: pick another */
#define LAB_ACCEPT_BURST 16    /* accepts per wake-up and listener, so no port starves others */
#define LAB_READ_BURST   16    /* reads per wake-up and connection, likewise */
#define LAB_MSG_MAX      1024  /* the child's one-line start report */

#define LAB_CA_FILE     "root-ca.crt"
#define LAB_CLIENT_CERT "client.crt"
#define LAB_CLIENT_KEY  "client.key"
#define LAB_SAN         "DNS:localhost,IP:127.0.0.1,IP:::1"

/* ---- what the lab serves ------------------------------------------------------------------ */

/* EC P-256 everywhere: RSA key generation alone would cost 80-200 ms at start. */
#define LAB_CA(n, subj, iss, pathlen)                                                              \
    {                                                                                              \
        .name = n, .subject = subj, .issuer = iss, .key = PKI_EC_P256, .not_before_days = -1,      \
        .not_after_days = 3650, .is_ca = true, .path_len = pathlen                                 \
    }
#define LAB_LEAF(n, subj, iss, from, to, sans)                                                     \
    {                                                                                              \
        .name = n, .subject = subj, .issuer = iss, .key = PKI_EC_P256, .not_before_days = from,    \
        .not_after_days = to, .path_len = -1, .san = sans                                          \
    }

static const struct pki_spec lab_specs[] = {
    LAB_CA("root", "CN=TLS Lab Root CA,O=TLS Lab", NULL, -1),
    LAB_CA("inter", "CN=TLS Lab Intermediate CA,O=TLS Lab", "root", 0),
    {.name = "leaf", /* names its issuer (caIssuers) as a CA's certificates do */
     .subject = "CN=localhost,O=TLS Lab",
     .issuer = "inter",
     .key = PKI_EC_P256,
     .not_before_days = -1,
     .not_after_days = 365,
     .path_len = -1,
     .san = LAB_SAN,
     .ca_issuers_url = "http://127.0.0.1:9/inter.crt"},
    LAB_LEAF("expired", "CN=localhost,O=TLS Lab", "inter", -400, -30, LAB_SAN),
    LAB_LEAF("selfsigned", "CN=localhost,O=TLS Lab", NULL, -1, 365, LAB_SAN),
    LAB_LEAF("wronghost", "CN=wrong.example,O=TLS Lab", "inter", -1, 365, "DNS:wrong.example"),
    LAB_CA("client_ca", "CN=TLS Lab Client CA,O=TLS Lab", NULL, 0),
    {.name = "client",
     .subject = "CN=tlscope client,O=TLS Lab",
     .issuer = "client_ca",
     .key = PKI_EC_P256,
     .not_before_days = -1,
     .not_after_days = 365,
     .path_len = -1,
     .client_auth = true},
};

/* One target: what lab_target_at shows, and how its server is set up. */
struct lab_def {
    const char *name, *title, *description, *expect;
    const char *leaf;             /* pki name of the certificate the server presents */
    const char *chain;            /* pki name of the intermediate it also sends, or NULL */
    int min_version, max_version; /* TLS1_VERSION ... TLS1_3_VERSION */
    bool legacy;                  /* security level 0 and the legacy cipher list */
    bool alpn;                    /* selects h2 or http/1.1 when offered */
    bool ocsp;                    /* staples a "good" OCSP response for the leaf */
    bool client_auth;             /* requires a certificate issued by client_ca */
};

#define LAB_MODERN .min_version = TLS1_2_VERSION, .max_version = TLS1_3_VERSION

static const struct lab_def lab_defs[] = {
    {.name = "good",
     .title = "Good chain",
     .description = "A healthy server: leaf + intermediate, TLS 1.2-1.3, ALPN h2, stapled OCSP",
     .expect = "verified",
     .leaf = "leaf",
     .chain = "inter",
     LAB_MODERN,
     .alpn = true,
     .ocsp = true},
    {.name = "expired",
     .title = "Expired certificate",
     .description = "The leaf expired 30 days ago: see the verify error, its depth and the fix",
     .expect = "not verified",
     .leaf = "expired",
     .chain = "inter",
     LAB_MODERN},
    {.name = "self-signed",
     .title = "Self-signed certificate",
     .description = "A lone self-signed certificate: nothing links it to a trusted root",
     .expect = "not verified",
     .leaf = "selfsigned",
     LAB_MODERN},
    {.name = "wrong-host",
     .title = "Wrong host name",
     .description = "A valid chain issued to wrong.example: the hostname check fails for localhost",
     .expect = "not verified",
     .leaf = "wronghost",
     .chain = "inter",
     LAB_MODERN},
    {.name = "missing-intermediate",
     .title = "Missing intermediate",
     .description = "Only the leaf is sent: no path to the root without the intermediate",
     .expect = "not verified",
     .leaf = "leaf",
     LAB_MODERN},
    {.name = "legacy",
     .title = "Legacy TLS 1.0 only",
     .description = "TLS 1.0 only: defaults fail; --min-proto tls1.0 --sec-level 0 gets through",
     .expect = "handshake fails",
     .leaf = "leaf",
     .chain = "inter",
     .min_version = TLS1_VERSION,
     .max_version = TLS1_VERSION,
     .legacy = true},
    {.name = "client-cert",
     .title = "Client certificate required",
     .description =
         "Wants a client certificate from TLS Lab Client CA; the lab's client files pass",
     .expect = "handshake fails",
     .leaf = "leaf",
     .chain = "inter",
     LAB_MODERN,
     .client_auth = true},
};

#define LAB_N (sizeof lab_defs / sizeof lab_defs[0])

struct lab {
    pid_t pid; /* the server process; 0 when none */
    enum lab_state state;
    int rfd;                      /* the start report pipe (non-blocking), or -1 */
    int64_t deadline_ms;          /* the start deadline (mono_ms) */
    char report[LAB_MSG_MAX + 1]; /* the start report read so far */
    size_t report_len;
    char err[LAB_MSG_MAX + 64];               /* why the start failed */
    char *dir;                                /* private temp dir (mkdtemp, 0700), or NULL */
    char *ca_file, *client_cert, *client_key; /* files in dir (written by the child) */
    struct lab_target targets[LAB_N];         /* strings point into lab_defs */
};

/* ---- OpenSSL errors ------------------------------------------------------------------------ */

/* Empties OpenSSL's error queue into buf: the reasons, "; "-separated. Returns buf. */
static const char *lab_ossl_errors(char *buf, size_t n)
{
    size_t used = 0;
    unsigned long e;
    buf[0] = '\0';
    while ((e = ERR_get_error()) != 0) {
        char tmp[256];
        const char *reason = ERR_reason_error_string(e);
        if (!reason) {
            ERR_error_string_n(e, tmp, sizeof tmp);
            reason = tmp;
        }
        if (used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? "; " : "", reason);
    }
    return buf;
}

/* ---- the server process: TLS contexts ------------------------------------------------------ */

struct lab_conn {
    int fd;
    SSL *ssl;
    bool established; /* handshake done: now reading until close or idle */
    bool failed;      /* a fatal error: no close_notify */
    short events;     /* what OpenSSL waits for: POLLIN or POLLOUT */
    int64_t deadline; /* handshake deadline, then idle deadline (mono_ms) */
};

/* Everything the child owns. It ends with _exit, which releases it all. */
struct lab_server {
    pid_t parent;
    int sigfd; /* SIGTERM (from lab_stop, or PR_SET_PDEATHSIG) arrives here */
    SSL_CTX *ctx[LAB_N];
    int lfd[LAB_N][2]; /* listening on 127.0.0.1 and ::1 (-1 when ::1 is unavailable) */
    uint16_t port[LAB_N];
    unsigned char *ocsp; /* DER staple for "leaf" */
    size_t ocsp_len;
    struct lab_conn conns[LAB_MAX_CONNS]; /* conns[0] is the oldest */
    size_t n_conns;
};

static X509 *lab_x509(const struct pki *p, const char *name)
{
    const char *pem = pki_cert_pem(p, name);
    BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return x;
}

static EVP_PKEY *lab_key(const struct pki *p, const char *name)
{
    const char *pem = pki_key_pem(p, name);
    BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return k;
}

/* Server preference: h2, then http/1.1; no ALPN answer when neither was offered. */
static int lab_alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    static const unsigned char protos[] = "\x02h2\x08http/1.1";
    unsigned char *sel = NULL;
    unsigned char sel_len = 0;
    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto(&sel, &sel_len, protos, sizeof protos - 1, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = sel;
    *outlen = sel_len;
    return SSL_TLSEXT_ERR_OK;
}

/* Called only when the client asked for a staple; OpenSSL frees the copy it is given. */
static int lab_status_cb(SSL *ssl, void *arg)
{
    const struct lab_server *srv = arg;
    unsigned char *copy = OPENSSL_malloc(srv->ocsp_len);
    if (!copy)
        return SSL_TLSEXT_ERR_NOACK;
    memcpy(copy, srv->ocsp, srv->ocsp_len);
    SSL_set_tlsext_status_ocsp_resp(ssl, copy, (long)srv->ocsp_len);
    return SSL_TLSEXT_ERR_OK;
}

/* Settings beyond the certificate: protocol range, ALPN, OCSP, client authentication. */
static bool lab_ctx_configure(SSL_CTX *ctx, const struct lab_def *d, struct lab_server *srv,
                              X509 *client_ca)
{
    SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN); /* send exactly the chain we add */
    if (d->legacy) {
        SSL_CTX_set_security_level(ctx, 0);
        if (!SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0"))
            return false;
    }
    if (!SSL_CTX_set_min_proto_version(ctx, d->min_version) ||
        !SSL_CTX_set_max_proto_version(ctx, d->max_version))
        return false;
    /* resumption with client authentication needs a session id context */
    if (!SSL_CTX_set_session_id_context(ctx, (const unsigned char *)d->name,
                                        (unsigned)strlen(d->name)))
        return false;
    if (d->alpn)
        SSL_CTX_set_alpn_select_cb(ctx, lab_alpn_cb, NULL);
    if (d->ocsp) {
        SSL_CTX_set_tlsext_status_cb(ctx, lab_status_cb);
        SSL_CTX_set_tlsext_status_arg(ctx, srv);
    }
    if (client_ca) {
        if (!X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), client_ca) ||
            !SSL_CTX_add_client_CA(ctx, client_ca))
            return false;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    return true;
}

/* The SSL_CTX for target d. Returns NULL with a message naming the target in err. */
static SSL_CTX *lab_ctx_new(const struct lab_def *d, const struct pki *p, struct lab_server *srv,
                            char *err, size_t errlen)
{
    SSL_CTX *ctx = NULL, *ret = NULL;
    X509 *leaf = lab_x509(p, d->leaf);
    X509 *chain = d->chain ? lab_x509(p, d->chain) : NULL;
    X509 *client_ca = d->client_auth ? lab_x509(p, "client_ca") : NULL;
    EVP_PKEY *key = lab_key(p, d->leaf);
    const char *what = "reading the generated certificates";

    if (!leaf || !key || (d->chain && !chain) || (d->client_auth && !client_ca))
        goto out;
    what = "SSL_CTX_new";
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        goto out;
    what = "certificate and key";
    if (SSL_CTX_use_certificate(ctx, leaf) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1 || (chain && SSL_CTX_add1_chain_cert(ctx, chain) != 1))
        goto out;
    what = "settings";
    if (!lab_ctx_configure(ctx, d, srv, client_ca))
        goto out;
    ret = ctx;
    ctx = NULL;
out:
    if (!ret) {
        char ossl[256];
        snprintf(err, errlen, "demo lab, target %s: %s failed: %s", d->name, what,
                 lab_ossl_errors(ossl, sizeof ossl));
    }
    SSL_CTX_free(ctx);
    X509_free(leaf);
    X509_free(chain);
    X509_free(client_ca);
    EVP_PKEY_free(key);
    return ret;
}

/* ---- the server process: sockets ---------------------------------------------------------- */

/* A non-blocking socket listening on the loopback address of family at port (0: any).
 * Returns the fd and sets *bound (when not NULL), or -1 with errno set. */
static int lab_listen(int family, uint16_t port, uint16_t *bound)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    if ((family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
        bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0)
        goto fail;
    len = sizeof ss;
    if (bound && getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        goto fail;
    if (bound)
        *bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return fd;
fail:;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

/* Listens on 127.0.0.1 at a free port and on ::1 at the same port when the host has IPv6
 * loopback (so "localhost" works whichever address it resolves to first). Returns 0 or -1. */
static int lab_listen_pair(int fds[2], uint16_t *port)
{
    for (int i = 0; i < LAB_BIND_TRIES; i++) {
        fds[0] = lab_listen(AF_INET, 0, port);
        if (fds[0] < 0)
            return -1;
        fds[1] = lab_listen(AF_INET6, *port, NULL);
        if (fds[1] >= 0 || errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)
            return 0; /* both, or no IPv6 loopback here: 127.0.0.1 only */
        int e = errno;
        close(fds[0]);
        fds[0] = -1;
        if ((errno = e) != EADDRINUSE)
            return -1; /* out of descriptors, say: not a reason to drop ::1 quietly */
    }
    fds[1] = -1;
    fds[0] = lab_listen(AF_INET, 0, port);
    return fds[0] < 0 ? -1 : 0;
}

static int lab_server_init(struct lab_server *srv, const struct pki *p, char *err, size_t errlen)
{
    srv->ocsp = pki_ocsp_response(p, "leaf", 0, &srv->ocsp_len);
    if (!srv->ocsp) {
        snprintf(err, errlen, "demo lab: cannot make the OCSP response for the good leaf");
        return -1;
    }
    for (size_t i = 0; i < LAB_N; i++) {
        srv->ctx[i] = lab_ctx_new(&lab_defs[i], p, srv, err, errlen);
        if (!srv->ctx[i])
            return -1;
        if (lab_listen_pair(srv->lfd[i], &srv->port[i]) < 0) {
            snprintf(err, errlen, "demo lab, target %s: cannot listen on loopback: %s",
                     lab_defs[i].name, strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* ---- the server process: connections ------------------------------------------------------ */

/* Ends a connection; close_notify only after a handshake that did not fail. */
static void lab_conn_end(struct lab_conn *c)
{
    if (c->established && !c->failed)
        SSL_shutdown(c->ssl); /* non-blocking: one attempt, the result does not matter */
    SSL_free(c->ssl);
    close(c->fd);
    ERR_clear_error();
    c->ssl = NULL;
    c->fd = -1;
}

/* What an SSL call that returned rc needs next. Returns false when the connection is over. */
static bool lab_conn_want(struct lab_conn *c, int rc)
{
    switch (SSL_get_error(c->ssl, rc)) {
    case SSL_ERROR_WANT_READ: c->events = POLLIN; return true;
    case SSL_ERROR_WANT_WRITE: c->events = POLLOUT; return true;
    case SSL_ERROR_ZERO_RETURN: return false; /* close_notify: we answer with ours */
    default: c->failed = true; return false;
    }
}

/* Advances the handshake, then reads and discards. Returns false when the connection is over. */
static bool lab_conn_step(struct lab_conn *c, int64_t now)
{
    if (!c->established) {
        ERR_clear_error();
        int rc = SSL_accept(c->ssl);
        if (rc != 1)
            return lab_conn_want(c, rc);
        c->established = true;
        c->events = POLLIN;
        c->deadline = now + LAB_IDLE_MS;
    }
    char buf[4096];
    for (int i = 0; i < LAB_READ_BURST; i++) {
        ERR_clear_error();
        int rc = SSL_read(c->ssl, buf, sizeof buf);
        if (rc <= 0)
            return lab_conn_want(c, rc);
        c->deadline = now + LAB_IDLE_MS;
    }
    return true;
}

/* Removes ended connections (fd -1), keeping the oldest-first order. */
static void lab_compact(struct lab_server *srv)
{
    size_t n = 0;
    for (size_t i = 0; i < srv->n_conns; i++)
        if (srv->conns[i].fd >= 0)
            srv->conns[n++] = srv->conns[i];
    srv->n_conns = n;
}

static void lab_accept(struct lab_server *srv, size_t target, int lfd, int64_t now)
{
    for (int i = 0; i < LAB_ACCEPT_BURST; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN, or a transient error: the next wake-up tries again */
        if (srv->n_conns == LAB_MAX_CONNS) {
            lab_conn_end(&srv->conns[0]);
            lab_compact(srv);
        }
        SSL *ssl = SSL_new(srv->ctx[target]);
        if (!ssl || SSL_set_fd(ssl, fd) != 1) {
            SSL_free(ssl);
            close(fd);
            ERR_clear_error();
            continue;
        }
        srv->conns[srv->n_conns++] = (struct lab_conn){
            .fd = fd, .ssl = ssl, .events = POLLIN, .deadline = now + LAB_HANDSHAKE_MS};
    }
}

/* Fills pfd with the listeners (their targets in owner[]) and then the connections. Returns
 * the number of listeners; *timeout is the time to the nearest deadline, at most a tick. */
static size_t lab_poll_fill(const struct lab_server *srv, struct pollfd *pfd, size_t *owner,
                            int *timeout)
{
    size_t nl = 0;
    for (size_t t = 0; t < LAB_N; t++) {
        for (int k = 0; k < 2; k++) {
            if (srv->lfd[t][k] < 0)
                continue;
            owner[nl] = t;
            pfd[nl++] = (struct pollfd){.fd = srv->lfd[t][k], .events = POLLIN};
        }
    }
    int64_t now = mono_ms(), wake = now + LAB_TICK_MS;
    for (size_t i = 0; i < srv->n_conns; i++) {
        const struct lab_conn *c = &srv->conns[i];
        pfd[nl + i] = (struct pollfd){.fd = c->fd, .events = c->events};
        if (c->deadline < wake)
            wake = c->deadline;
    }
    *timeout = wake > now ? (int)(wake - now) : 0;
    return nl;
}

/* The child's loop: runs until SIGTERM or until its parent is gone. */
static void lab_serve(struct lab_server *srv)
{
    struct pollfd all[1 + LAB_N * 2 + LAB_MAX_CONNS];
    struct pollfd *pfd = all + 1; /* all[0] is the signal fd */
    size_t owner[LAB_N * 2];
    while (getppid() == srv->parent) {
        int timeout;
        all[0] = (struct pollfd){.fd = srv->sigfd, .events = POLLIN};
        size_t nl = lab_poll_fill(srv, pfd, owner, &timeout);
        size_t nc = srv->n_conns;
        if (poll(all, 1 + nl + nc, timeout) < 0 && errno != EINTR)
            return;
        if (all[0].revents)
            return;
        int64_t now = mono_ms();
        for (size_t i = 0; i < nc; i++) {
            struct lab_conn *c = &srv->conns[i];
            if (pfd[nl + i].revents && !lab_conn_step(c, now))
                lab_conn_end(c);
            else if (now >= c->deadline)
                lab_conn_end(c); /* handshake too slow, or idle */
        }
        lab_compact(srv);
        for (size_t i = 0; i < nl; i++)
            if (pfd[i].revents & POLLIN)
                lab_accept(srv, owner[i], pfd[i].fd, now);
    }
}

/* ---- the server process: life cycle ------------------------------------------------------- */

/* Removes the directory of lab_make_dir and what is in it: the lab's files, and a temporary
 * file of the safe writer left by a server process killed while it wrote. The directory is
 * private (0700, ours), and holds no subdirectories. */
static void lab_remove_files(const struct lab *l)
{
    if (!l->dir)
        return;
    DIR *d = opendir(l->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(l->dir);
}

/* Writes all of s to fd; errors are ignored (the parent then sees EOF and reports it). */
static void lab_write_all(int fd, const char *s)
{
    for (size_t n = strlen(s); n > 0;) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* A clean process: SIGTERM when its parent dies, read from *sigfd so that the child can
 * remove the lab's files before it ends; no terminal; no inherited descriptors but wfd
 * (returned, moved above stderr); default signal dispositions; its own process group so that
 * Ctrl-C in the terminal reaches only the UI. */
static int lab_child_setup(int wfd, pid_t parent, int *sigfd)
{
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_SETMASK, &term, NULL); /* only SIGTERM blocked: it goes to the signalfd */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(0);
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    if (wfd < 3 && (wfd = fcntl(wfd, F_DUPFD_CLOEXEC, 3)) < 0)
        _exit(1);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
        _exit(1);
    if (wfd > 3)
        close_range(3, (unsigned)wfd - 1, 0);
    close_range((unsigned)wfd + 1, ~0u, 0);
    if ((*sigfd = signalfd(-1, &term, SFD_CLOEXEC)) < 0)
        _exit(1);
    return wfd;
}

/* True when SIGTERM is pending: lab_stop (or the parent's death) came during the start,
 * before the serving loop reads the signalfd. */
static bool lab_child_stopping(void)
{
    sigset_t pending;
    return sigpending(&pending) == 0 && sigismember(&pending, SIGTERM) == 1;
}

/* Writes the root CA and the client certificate and key (0600) into l's directory. */
static int lab_write_files(const struct lab *l, const struct pki *p, char *err, size_t errlen)
{
    const char *ca = pki_cert_pem(p, "root");
    const char *crt = pki_cert_pem(p, "client");
    const char *key = pki_key_pem(p, "client");
    char why[LAB_MSG_MAX - 64];
    if (pki_write_file(l->dir, LAB_CA_FILE, ca, strlen(ca), 0644, why, sizeof why) < 0 ||
        pki_write_file(l->dir, LAB_CLIENT_CERT, crt, strlen(crt), 0644, why, sizeof why) < 0 ||
        pki_write_file(l->dir, LAB_CLIENT_KEY, key, strlen(key), 0600, why, sizeof why) < 0) {
        snprintf(err, errlen, "demo lab: %s", why);
        return -1;
    }
    return 0;
}

/* Everything the server process does before it serves: the PKI, l's files, the servers. */
static int lab_child_init(const struct lab *l, struct lab_server *srv, char *err, size_t errlen)
{
    struct pki *p = NULL;
    char why[LAB_MSG_MAX - 64];
    int rc = pki_generate(lab_specs, sizeof lab_specs / sizeof lab_specs[0], &p, why, sizeof why);
    if (rc < 0)
        snprintf(err, errlen, "demo lab: making the certificates: %s", why);
    if (rc == 0 && !lab_child_stopping())
        rc = lab_write_files(l, p, err, errlen);
    if (rc == 0 && !lab_child_stopping())
        rc = lab_server_init(srv, p, err, errlen);
    pki_free(p); /* the contexts hold their own references */
    return rc;
}

/* The child: makes the PKI and l's files, builds the servers, reports "ok PORT..." or
 * "error MESSAGE" (one line) on wfd, serves, and removes l's files when it ends (lab_stop
 * does too: the parent may be gone). */
__attribute__((noreturn)) static void lab_child(const struct lab *l, int wfd, pid_t parent)
{
    struct lab_server srv = {.parent = parent};
    wfd = lab_child_setup(wfd, parent, &srv.sigfd);
    char msg[LAB_MSG_MAX];
    for (size_t i = 0; i < LAB_N; i++)
        srv.lfd[i][0] = srv.lfd[i][1] = -1;
    int rc = lab_child_init(l, &srv, msg, sizeof msg);
    if (lab_child_stopping()) {
        lab_remove_files(l);
        _exit(0);
    }
    if (rc < 0) {
        for (char *c = msg; *c; c++)
            if (*c == '\n' || *c == '\r')
                *c = ' ';
        lab_write_all(wfd, "error ");
        lab_write_all(wfd, msg);
        lab_write_all(wfd, "\n");
        lab_remove_files(l);
        _exit(1);
    }
    size_t used = (size_t)snprintf(msg, sizeof msg, "ok");
    for (size_t i = 0; i < LAB_N && used < sizeof msg; i++)
        used += (size_t)snprintf(msg + used, sizeof msg - used, " %u", (unsigned)srv.port[i]);
    lab_write_all(wfd, msg);
    lab_write_all(wfd, "\n");
    close(wfd);
    lab_serve(&srv);
    lab_remove_files(l);
    _exit(0);
}

/* ---- the parent --------------------------------------------------------------------------- */

/* The private directory (0700) and the paths of the files the server process writes there. */
static int lab_make_dir(struct lab *l, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/tlscope-demo-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "demo lab: cannot create %s: %s", dir, strerror(errno));
        free(dir);
        return -1;
    }
    l->dir = dir;
    l->ca_file = xasprintf("%s/%s", dir, LAB_CA_FILE);
    l->client_cert = xasprintf("%s/%s", dir, LAB_CLIENT_CERT);
    l->client_key = xasprintf("%s/%s", dir, LAB_CLIENT_KEY);
    return 0;
}

/* Forks the server process; keeps the read end of its report pipe (non-blocking) in l. */
static int lab_spawn(struct lab *l, char *err, size_t errlen)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "demo lab: pipe: %s", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        lab_child(l, fds[1], parent);
    }
    close(fds[1]);
    if (pid < 0) {
        snprintf(err, errlen, "demo lab: fork: %s", strerror(errno));
        close(fds[0]);
        return -1;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK); /* cannot fail on a pipe we own */
    l->pid = pid;
    l->rfd = fds[0];
    return 0;
}

/* SIGTERM, a bounded wait, then SIGKILL (at once when !grace); always reaps. */
static void lab_end_process(pid_t pid, bool grace)
{
    kill(pid, grace ? SIGTERM : SIGKILL);
    int64_t deadline = mono_ms() + LAB_STOP_MS;
    for (;;) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return; /* reaped, or already reaped by someone ignoring SIGCHLD */
        if (mono_ms() >= deadline)
            break;
        nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* The start failed: says why, stops listening to the pipe. The process is left to lab_stop. */
__attribute__((format(printf, 2, 3))) static void lab_fail(struct lab *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->err, sizeof l->err, fmt, ap);
    va_end(ap);
    l->state = LAB_FAILED;
    if (l->rfd >= 0)
        close(l->rfd);
    l->rfd = -1;
}

/* The server process ended before it was ready: how, when it can be told without waiting. */
static void lab_fail_exited(struct lab *l)
{
    int status;
    pid_t r = l->pid > 0 ? waitpid(l->pid, &status, WNOHANG) : 0;
    if (r == l->pid) {
        l->pid = 0; /* reaped: lab_stop must not signal a PID that may be reused */
        if (WIFSIGNALED(status)) {
            lab_fail(l, "demo lab: the server process was killed by signal %d before it was ready",
                     WTERMSIG(status));
            return;
        }
        if (WIFEXITED(status)) {
            lab_fail(l, "demo lab: the server process exited with status %d before it was ready",
                     WEXITSTATUS(status));
            return;
        }
    }
    lab_fail(l, "demo lab: the server process ended before it was ready");
}

/* One complete line from the server process: "ok PORT..." or "error MESSAGE". */
static void lab_take_report(struct lab *l)
{
    char *line = l->report;
    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, "error ", 6)) {
        lab_fail(l, "%s", line + 6);
        return;
    }
    uint16_t ports[LAB_N];
    char *s = line + 2;
    bool ok = !strncmp(line, "ok", 2);
    for (size_t i = 0; ok && i < LAB_N; i++) {
        char *end;
        unsigned long port = strtoul(s, &end, 10);
        ok = end != s && port > 0 && port <= 65535;
        ports[i] = (uint16_t)port;
        s = end;
    }
    if (!ok) {
        lab_fail(l, "demo lab: bad start report from the server process");
        return;
    }
    for (size_t i = 0; i < LAB_N; i++)
        l->targets[i].port = ports[i];
    l->state = LAB_READY;
    close(l->rfd);
    l->rfd = -1;
}

enum lab_state lab_step(struct lab *l)
{
    if (!l)
        return LAB_FAILED;
    /* Each pass reads at least one byte into a bounded buffer, or leaves. */
    while (l->state == LAB_STARTING) {
        if (memchr(l->report, '\n', l->report_len)) {
            lab_take_report(l);
            break;
        }
        if (l->report_len == LAB_MSG_MAX) {
            lab_fail(l, "demo lab: the server process's start report is too long");
            break;
        }
        ssize_t r = read(l->rfd, l->report + l->report_len, LAB_MSG_MAX - l->report_len);
        if (r > 0) {
            l->report_len += (size_t)r;
            l->report[l->report_len] = '\0';
        } else if (r == 0) {
            lab_fail_exited(l);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (mono_ms() >= l->deadline_ms)
                lab_fail(l, "demo lab: the servers did not start within %d ms", LAB_START_MS);
            break;
        } else if (errno != EINTR) {
            lab_fail(l, "demo lab: reading the start report: %s", strerror(errno));
        }
    }
    return l->state;
}

int lab_start(struct lab **out, char *err, size_t errlen)
{
    struct lab *l = xcalloc(1, sizeof *l);
    *out = NULL;
    l->rfd = -1;
    l->state = LAB_STARTING;
    for (size_t i = 0; i < LAB_N; i++) {
        const struct lab_def *d = &lab_defs[i];
        l->targets[i] = (struct lab_target){d->name, d->title, d->description, d->expect, 0};
    }
    if (lab_make_dir(l, err, errlen) < 0 || lab_spawn(l, err, errlen) < 0) {
        lab_stop(l);
        return -1;
    }
    l->deadline_ms = mono_ms() + LAB_START_MS;
    *out = l;
    return 0;
}

int lab_fd(const struct lab *l)
{
    return l && l->state == LAB_STARTING ? l->rfd : -1;
}

int lab_timeout_ms(const struct lab *l)
{
    if (!l || l->state != LAB_STARTING)
        return -1;
    int64_t left = l->deadline_ms - mono_ms();
    return left < 0 ? 0 : left > LAB_START_MS ? LAB_START_MS : (int)left;
}

int lab_wait(struct lab *l, char *err, size_t errlen)
{
    /* Bounded: every pass either settles the state or waits for the fd, at most until the
     * deadline, after which lab_step fails the start. */
    while (lab_step(l) == LAB_STARTING) {
        struct pollfd pfd = {.fd = lab_fd(l), .events = POLLIN};
        if (poll(&pfd, 1, lab_timeout_ms(l)) < 0 && errno != EINTR)
            lab_fail(l, "demo lab: poll: %s", strerror(errno));
    }
    if (lab_ready(l))
        return 0;
    snprintf(err, errlen, "%s", l ? l->err : "demo lab: not started");
    return -1;
}

enum lab_state lab_state(const struct lab *l)
{
    return l ? l->state : LAB_FAILED;
}

bool lab_ready(const struct lab *l)
{
    return l && l->state == LAB_READY;
}

const char *lab_error(const struct lab *l)
{
    return l && l->state == LAB_FAILED ? l->err : "";
}

size_t lab_count(const struct lab *l)
{
    return l ? LAB_N : 0;
}

const struct lab_target *lab_target_at(const struct lab *l, size_t i)
{
    return l && i < LAB_N ? &l->targets[i] : NULL;
}

const char *lab_ca_file(const struct lab *l)
{
    return lab_ready(l) ? l->ca_file : NULL;
}

const char *lab_client_cert_file(const struct lab *l)
{
    return lab_ready(l) ? l->client_cert : NULL;
}

const char *lab_client_key_file(const struct lab *l)
{
    return lab_ready(l) ? l->client_key : NULL;
}

void lab_stop(struct lab *l)
{
    if (!l)
        return;
    if (l->rfd >= 0)
        close(l->rfd);
    /* A ready server process ends on SIGTERM and removes the files itself; one that is not
     * ready has nothing worth a grace period (it may be stuck: that is why the start failed),
     * and the files are removed here once it is reaped. */
    if (l->pid > 0)
        lab_end_process(l->pid, l->state == LAB_READY);
    lab_remove_files(l);
    free(l->ca_file);
    free(l->client_cert);
    free(l->client_key);
    free(l->dir);
    free(l);
}
