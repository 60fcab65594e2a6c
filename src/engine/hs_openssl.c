/* The OpenSSL handshake driver: SSL_connect on the connected socket through the engine's own
 * BIO (bounded reads per step), then — for TLS 1.3 — a short linger that collects the
 * server's NewSessionTickets and any verdict on our client certificate. Everything the
 * handshake showed is copied into the report (facts.c); a failure is explained (failure.c). */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "engine/conn_internal.h"
#include "engine/sockbio.h"
#include "util/timeutil.h"

/* After a TLS 1.3 handshake the server's NewSessionTickets follow in the next flight. We wait
 * for them at most this long, and stop early once one arrived and nothing more is queued. */
#define LINGER_MIN_US          20000
#define LINGER_MAX_US          300000
#define LINGER_AFTER_TICKET_US 500

static int ossl_start(struct conn *c, char *err, size_t errlen)
{
    if (tlsctx_new_ssl(c, err, errlen) < 0)
        return -1;
    c->want_events = POLLOUT;
    c->lingering = false;
    c->post_failed = false;
    c->hdr_record_type[0] = c->hdr_record_type[1] = 0;
    return 0;
}

/* The server's first TLS 1.3 ticket usually arrives right after our Finished. */
static void start_linger(struct conn *c)
{
    int64_t wait = (int64_t)(c->r->connect_ms * 1000.0 * 3);
    if (wait < LINGER_MIN_US)
        wait = LINGER_MIN_US;
    if (wait > LINGER_MAX_US || c->cert_requested)
        wait = LINGER_MAX_US; /* the verdict on our client certificate comes in this flight */
    c->linger_until_us = mono_us() + wait;
    c->want_events = POLLIN;
    c->lingering = true;
}

/* Why the resumption handshake failed, in a few words: the server's alert, OpenSSL's reason,
 * or what the socket said. */
static void reconnect_reason(const struct conn *c, int ssl_err, unsigned long lib, int sys,
                             char *buf, size_t n)
{
    for (size_t i = c->r->n_events; i-- > 0;) {
        const struct hs_event *ev = &c->r->events[i];
        if (ev->connection == 2 && ev->dir == DIR_RECEIVED && ev->content_type == 21 &&
            ev->alert_level == 2) {
            snprintf(buf, n, "the server sent the fatal alert %s", alert_name(ev->alert_desc));
            return;
        }
    }
    if (lib) {
        const char *reason = ERR_reason_error_string(lib);
        snprintf(buf, n, "TLS handshake failed: %s", reason ? reason : "an OpenSSL error");
    } else if (ssl_err == SSL_ERROR_SYSCALL && sys) {
        snprintf(buf, n, "TLS handshake failed: %s", strerror(sys));
    } else {
        snprintf(buf, n, "the server closed the connection during the handshake");
    }
}

static enum hs_status step_handshake(struct conn *c)
{
    sockbio_step(c->bio);
    ERR_clear_error();
    errno = 0;
    int rc = SSL_connect(c->ssl);
    if (rc == 1) {
        double ms = (double)(mono_us() - c->t_stage_us) / 1000.0;
        if (c->run == 2) {
            c->r->reconnect_ms = ms;
            facts_collect_reconnect(c);
            return HS_DONE;
        }
        c->r->handshake_ms = ms;
        c->r->ok = true;
        if (SSL_version(c->ssl) == TLS1_3_VERSION) {
            start_linger(c);
            return HS_RUNNING;
        }
        facts_collect(c);
        return HS_DONE;
    }
    int e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ) {
        c->want_events = POLLIN;
        return HS_RUNNING;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        c->want_events = POLLOUT;
        return HS_RUNNING;
    }
    int sys = errno;
    unsigned long lib = ossl_first_error();
    if (c->run == 2) {
        char why[300];
        reconnect_reason(c, e, lib, sys, why, sizeof(why));
        conn_reconnect_failed(c, why);
        return HS_FAILED;
    }
    c->r->handshake_ms = (double)(mono_us() - c->t_stage_us) / 1000.0;
    facts_offered(c);
    failure_explain(c, e, lib, sys);
    return HS_FAILED;
}

/* A fatal alert the server sent after the handshake, if any. */
static bool post_handshake_alert(const struct conn *c)
{
    for (size_t i = 0; i < c->r->n_events; i++) {
        const struct hs_event *ev = &c->r->events[i];
        if (ev->connection == 1 && ev->dir == DIR_RECEIVED && ev->content_type == 21 &&
            ev->alert_level == 2)
            return true;
    }
    return false;
}

static enum hs_status step_linger(struct conn *c, short revents)
{
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        sockbio_step(c->bio);
        unsigned char buf[4096];
        for (int i = 0; i < 64; i++) { /* bounded: a chatty server cannot keep us here */
            ERR_clear_error();
            int n = SSL_read(c->ssl, buf, sizeof(buf));
            if (n > 0) {
                conn_app_data(c, buf, (size_t)n); /* for the probe (an injection answer) */
                continue;
            }
            int e = SSL_get_error(c->ssl, n);
            if (e != SSL_ERROR_WANT_READ) {
                c->linger_until_us = 0; /* closed or failed: stop waiting */
                c->post_ssl_err = e;
                c->post_sys_errno = errno;
                c->post_lib_err = ossl_first_error();
                c->post_failed = e != SSL_ERROR_ZERO_RETURN;
            }
            break;
        }
    }
    int64_t now = mono_us();
    /* Once a ticket has arrived, wait only for what is already in flight (the rest of the
     * server's ticket flight follows within microseconds). The usual flight is two tickets
     * (OpenSSL's default, so nginx's and Apache's): with two in and nothing more queued on
     * the socket, the flight is over. */
    if (c->tickets_seen > 0 && c->linger_until_us > now + LINGER_AFTER_TICKET_US)
        c->linger_until_us = now + LINGER_AFTER_TICKET_US;
    if (c->tickets_seen >= 2 && !SSL_has_pending(c->ssl)) {
        int queued = 0;
        if (ioctl(c->fd, FIONREAD, &queued) == 0 && queued == 0)
            c->linger_until_us = now;
    }
    if (now < c->linger_until_us)
        return HS_RUNNING;
    c->lingering = false;
    /* TLS 1.3: the server judges our certificate after our Finished and says no with an
     * alert; the handshake looked complete to us, but there is no session. Said before the
     * facts are collected, so a report without a session gets no findings. */
    bool refused = c->post_failed && post_handshake_alert(c);
    if (refused)
        c->r->ok = false;
    facts_collect(c);
    if (refused) {
        failure_explain(c, c->post_ssl_err, c->post_lib_err, c->post_sys_errno);
        return HS_FAILED;
    }
    return HS_DONE;
}

static enum hs_status ossl_step(struct conn *c, short revents)
{
    return c->lingering ? step_linger(c, revents) : step_handshake(c);
}

static void ossl_want(const struct conn *c, short *events, int64_t *deadline_us)
{
    *events = (short)c->want_events;
    *deadline_us = c->lingering ? c->linger_until_us : INT64_MAX;
}

static void ossl_stop(struct conn *c, bool graceful)
{
    if (!c->ssl)
        return;
    if (graceful)
        SSL_shutdown(c->ssl);
    SSL_free(c->ssl); /* frees the BIO too */
    c->ssl = NULL;
    c->bio = NULL;
    c->lingering = false;
}

static void ossl_release(struct conn *c)
{
    ossl_stop(c, false);
    if (c->session)
        SSL_SESSION_free(c->session);
    c->session = NULL;
    if (c->ctx)
        SSL_CTX_free(c->ctx);
    c->ctx = NULL;
}

/* A timeout while lingering is no timeout: the linger has its own, shorter deadline. */
const struct hs_driver hs_openssl_driver = {
    .name = "openssl",
    .start = ossl_start,
    .step = ossl_step,
    .want = ossl_want,
    .stop = ossl_stop,
    .release = ossl_release,
};
