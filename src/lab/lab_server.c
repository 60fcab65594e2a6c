/* The demo lab's server process (the child lab_spawn forks): generates the PKI, writes the
 * lab's files, serves one TLS situation per loopback port, and reports its ports to the parent. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "lab/lab_internal.h"
#include "lab/pki.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define LAB_MAX_CONNS    64    /* open connections in the child; past it the oldest is dropped */
#define LAB_HANDSHAKE_MS 10000 /* a client must finish its handshake within this */
#define LAB_IDLE_MS      2000  /* after the handshake: closed after this long without data */
#define LAB_TICK_MS      250   /* the child looks at its parent at least this often */
#define LAB_BIND_TRIES   8     /* the ::1 twin of a 127.0.0.1 port may be taken: pick another */
#define LAB_ACCEPT_BURST 16    /* accepts per wake-up and listener, so no port starves others */
#define LAB_READ_BURST   16    /* reads per wake-up and connection, likewise */

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
    bool established;       /* handshake done: now reading until close or idle */
    bool failed;            /* a fatal error: no close_notify */
    short events;           /* what OpenSSL waits for: POLLIN or POLLOUT */
    int64_t deadline;       /* handshake deadline, then idle deadline (mono_ms) */
    struct lab_plain plain; /* the STARTTLS dialogue before the handshake (active: running) */
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
    struct lab_http http; /* the certificate repository (lab_http.c) */
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

/* DH parameters of RFC 2409's 1024-bit MODP group (Oakley group 2), g = 2: weak on purpose
 * (Logjam), and known, so nothing is generated at start. */
static EVP_PKEY *lab_dh1024(void)
{
    BIGNUM *p = BN_get_rfc2409_prime_1024(NULL), *g = BN_new();
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    EVP_PKEY *dh = NULL;
    if (p && g && bld && pctx && BN_set_word(g, 2) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) != NULL && EVP_PKEY_fromdata_init(pctx) == 1)
        EVP_PKEY_fromdata(pctx, &dh, EVP_PKEY_KEY_PARAMETERS, params);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(pctx);
    BN_free(p);
    BN_free(g);
    return dh;
}

/* The wide legacy server: everything OpenSSL still has, set explicitly (Debian's openssl.cnf
 * raises the defaults: security level 2, TLS 1.2 at least). */
static bool lab_ctx_wide(SSL_CTX *ctx)
{
    SSL_CTX_set_security_level(ctx, 0);
    if (!SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0") ||
        !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                                       "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256"))
        return false;
    EVP_PKEY *dh = lab_dh1024();
    if (!dh || SSL_CTX_set0_tmp_dh_pkey(ctx, dh) != 1) { /* owns dh on success */
        EVP_PKEY_free(dh);
        return false;
    }
    return true;
}

/* Settings beyond the certificate: protocol range, ALPN, OCSP, client authentication. */
static bool lab_ctx_configure(SSL_CTX *ctx, const struct lab_def *d, struct lab_server *srv,
                              X509 *client_ca)
{
    SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN); /* send exactly the chain we add */
    if (d->wide && !lab_ctx_wide(ctx))
        return false;
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
    X509 *leaf2 = d->leaf2 ? lab_x509(p, d->leaf2) : NULL;
    EVP_PKEY *key2 = d->leaf2 ? lab_key(p, d->leaf2) : NULL;
    const char *what = "reading the generated certificates";

    if (!leaf || !key || (d->chain && !chain) || (d->client_auth && !client_ca) ||
        (d->leaf2 && (!leaf2 || !key2)))
        goto out;
    what = "SSL_CTX_new";
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        goto out;
    what = "certificate and key";
    if (SSL_CTX_use_certificate(ctx, leaf) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1 || (chain && SSL_CTX_add1_chain_cert(ctx, chain) != 1))
        goto out;
    /* a second key type: OpenSSL picks the certificate that fits the suite negotiated */
    if (leaf2 && (SSL_CTX_use_certificate(ctx, leaf2) != 1 ||
                  SSL_CTX_use_PrivateKey(ctx, key2) != 1 || SSL_CTX_check_private_key(ctx) != 1 ||
                  (chain && SSL_CTX_add1_chain_cert(ctx, chain) != 1)))
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
    X509_free(leaf2);
    EVP_PKEY_free(key2);
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
    if (c->plain.active) {
        int rc = lab_plain_step(&c->plain, c->fd, &c->events);
        if (rc <= 0)
            return rc == 0;
    }
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
        if (lab_defs[target].starttls) { /* the server speaks first: its greeting */
            struct lab_conn *c = &srv->conns[srv->n_conns - 1];
            lab_plain_start(&c->plain, lab_defs[target].starttls);
            c->events = POLLOUT;
        }
    }
}

/* Fills pfd with the listeners (their targets in owner[]), the connections and then the
 * repository's descriptors (*n_http of them). Returns the number of listeners; *timeout is the
 * time to the nearest deadline, at most a tick. */
static size_t lab_poll_fill(const struct lab_server *srv, struct pollfd *pfd, size_t *owner,
                            int *timeout, size_t *n_http)
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
    *n_http = lab_http_fill(&srv->http, pfd + nl + srv->n_conns, &wake);
    *timeout = wake > now ? (int)(wake - now) : 0;
    return nl;
}

/* The child's loop: runs until SIGTERM or until its parent is gone. */
static void lab_serve(struct lab_server *srv)
{
    struct pollfd all[1 + LAB_N * 2 + LAB_MAX_CONNS + 1 + LAB_HTTP_CONNS];
    struct pollfd *pfd = all + 1; /* all[0] is the signal fd */
    size_t owner[LAB_N * 2];
    while (getppid() == srv->parent) {
        int timeout;
        size_t nh;
        all[0] = (struct pollfd){.fd = srv->sigfd, .events = POLLIN};
        size_t nl = lab_poll_fill(srv, pfd, owner, &timeout, &nh);
        size_t nc = srv->n_conns;
        if (poll(all, 1 + nl + nc + nh, timeout) < 0 && errno != EINTR)
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
        lab_http_step(&srv->http, pfd + nl + nc, now);
        for (size_t i = 0; i < nl; i++)
            if (pfd[i].revents & POLLIN)
                lab_accept(srv, owner[i], pfd[i].fd, now);
    }
}

/* ---- the server process: life cycle ------------------------------------------------------- */

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
    /* The repository listens first: the leaf's caIssuers, OCSP and CRL URLs name its port. */
    uint16_t hport = 0;
    int hfd = lab_listen(AF_INET, 0, &hport);
    if (hfd < 0) {
        snprintf(err, errlen, "demo lab, certificate repository: cannot listen on loopback: %s",
                 strerror(errno));
        return -1;
    }
    lab_http_init(&srv->http, hfd, hport);
    char aia[64], ocsp[64], crl[64];
    snprintf(aia, sizeof aia, "http://127.0.0.1:%u/inter.crt", (unsigned)hport);
    snprintf(ocsp, sizeof ocsp, "http://127.0.0.1:%u/ocsp", (unsigned)hport);
    snprintf(crl, sizeof crl, "http://127.0.0.1:%u/inter.crl", (unsigned)hport);
    struct pki_spec *specs = xmalloc(lab_spec_count * sizeof(*specs));
    memcpy(specs, lab_specs, lab_spec_count * sizeof(*specs));
    for (size_t i = 0; i < lab_spec_count; i++)
        if (!strcmp(specs[i].name, "leaf")) {
            specs[i].ca_issuers_url = aia;
            specs[i].ocsp_url = ocsp;
            specs[i].crl_url = crl;
        }
    struct pki *p = NULL;
    char why[LAB_MSG_MAX - 64];
    int rc = pki_generate(specs, lab_spec_count, &p, why, sizeof why);
    free(specs);
    if (rc < 0)
        snprintf(err, errlen, "demo lab: making the certificates: %s", why);
    if (rc == 0 && !lab_child_stopping())
        rc = lab_write_files(l, p, err, errlen);
    if (rc == 0 && !lab_child_stopping())
        rc = lab_server_init(srv, p, err, errlen);
    if (rc == 0)
        rc = lab_http_load(&srv->http, p, err, errlen);
    pki_free(p); /* the contexts hold their own references */
    return rc;
}

/* The child: makes the PKI and l's files, builds the servers, reports "ok PORT..." or
 * "error MESSAGE" (one line) on wfd, serves, and removes l's files when it ends (lab_stop
 * does too: the parent may be gone). */
__attribute__((noreturn)) void lab_child(const struct lab *l, int wfd, pid_t parent)
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
