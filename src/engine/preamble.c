/* The preamble stage: the plaintext STARTTLS dialogue between the TCP connect and the TLS
 * handshake. The dialogue itself is a pure state machine (starttls/starttls.h); this file
 * moves its bytes over the connection's non-blocking socket, a bounded amount per step,
 * times its transcript on the connection's clock (from the TCP connect, like the handshake's
 * events) and turns its verdict into the report's error (stage "starttls"). Every connection
 * of a run repeats the dialogue: the reconnect, and each raw-hello probe of the scanner. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "engine/conn_internal.h"
#include "starttls/starttls.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define PREAMBLE_READS_PER_STEP 4
#define PREAMBLE_READ_CHUNK     2048

int preamble_choose(struct conn *c, char *err, size_t errlen)
{
    struct st_choice ch;
    struct starttls_report *s = &c->r->starttls;
    int rc = st_choose(c->cfg.starttls, c->cfg.port, &ch);
    free(s->chosen_by);
    free(s->reason);
    free(s->protocol);
    s->chosen_by = xstrdup(ch.chosen_by);
    s->reason = xstrdup(ch.reason);
    s->protocol = ch.proto != ST_NONE ? xstrdup(st_proto_name(ch.proto)) : NULL;
    c->st_proto = (int)ch.proto;
    if (rc < 0) {
        snprintf(err, errlen, "%s; expected one of %s", ch.reason, st_values());
        return -1;
    }
    return 0;
}

static double clock_ms(const struct conn *c)
{
    return (double)(mono_us() - c->t_tcp_us) / 1000.0;
}

bool preamble_start(struct conn *c)
{
    if (c->st_proto == ST_NONE)
        return false;
    preamble_free(c);
    /* The name in EHLO: --ehlo-name, else "tlscope.invalid" (a name of our own: servers
     * reject a client greeting with theirs, and many want a dotted name). The XMPP domain:
     * --xmpp-host, else the name we send as SNI, else the host. */
    const char *sni = config_sni(&c->cfg);
    struct st_params p = {
        .proto = (enum st_proto)c->st_proto,
        .ehlo_name = c->cfg.ehlo_name ? c->cfg.ehlo_name : "tlscope.invalid",
        .xmpp_host = c->cfg.xmpp_host ? c->cfg.xmpp_host
                     : sni            ? sni
                                      : c->cfg.host,
        .inject = c->cfg.check_injection && c->run == 1 && c->drv == &hs_openssl_driver &&
                  st_has_injection_check((enum st_proto)c->st_proto),
    };
    struct starttls_report *sink = c->run == 1 ? &c->r->starttls : &c->st_scratch;
    c->st = st_new(&p, sink);
    st_start(c->st, clock_ms(c));
    if (p.inject) {
        free(c->r->starttls.injected);
        c->r->starttls.injected = xstrdup(st_injected(c->st));
    }
    return true;
}

void preamble_free(struct conn *c)
{
    if (c->st)
        st_free(c->st);
    c->st = NULL;
    starttls_report_free(&c->st_scratch);
}

/* The dialogue failed: the error names the stage, the server's words and a hint. */
static enum hs_status failed(struct conn *c)
{
    const char *msg = st_message(c->st);
    if (c->run == 2) {
        conn_reconnect_failed(c, msg);
        return HS_FAILED;
    }
    c->r->starttls.ms = (double)(mono_us() - c->t_stage_us) / 1000.0;
    c->r->starttls.failure = st_failure_name(st_failure(c->st));
    const char *hint = st_hint(c->st);
    if (!hint) { /* every failure gets one */
        switch (st_failure(c->st)) {
        case ST_FAIL_REFUSED:
            hint = "the server refused TLS: it may allow it only to some clients, or serve TLS "
                   "on its implicit-TLS port";
            break;
        case ST_FAIL_CLOSED: hint = "check the port and --starttls (the protocol)"; break;
        default: hint = "check --starttls (the protocol) and the port"; break;
        }
    }
    report_set_error(c->r, STAGE_STARTTLS, hint, "%s", msg);
    return HS_FAILED;
}

static enum hs_status ready(struct conn *c)
{
    if (c->run == 1) {
        c->r->starttls.ok = true;
        c->r->starttls.ms = (double)(mono_us() - c->t_stage_us) / 1000.0;
    }
    return HS_DONE;
}

/* Sends what the dialogue has queued, as far as the socket takes it. */
static bool flush(struct conn *c)
{
    size_t n;
    const uint8_t *out = st_output(c->st, &n);
    while (out && n) {
        ssize_t k = send(c->fd, out, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k > 0) {
            c->r->bytes_sent += (uint64_t)k;
            st_sent(c->st, (size_t)k);
            out = st_output(c->st, &n);
            continue;
        }
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return true;
        st_closed(c->st, clock_ms(c));
        return false;
    }
    return true;
}

enum hs_status preamble_step(struct conn *c, short revents)
{
    if (!flush(c))
        return failed(c);
    if (st_status(c->st) == ST_READY) {
        size_t n;
        return st_output(c->st, &n) ? HS_RUNNING : ready(c); /* MySQL: our request first */
    }
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        uint8_t buf[PREAMBLE_READ_CHUNK];
        for (int i = 0; i < PREAMBLE_READS_PER_STEP && st_status(c->st) == ST_RUNNING; i++) {
            /* Before the last reply, read no further than the dialogue needs: what follows the
             * go-ahead belongs to TLS. Lines: peek, then take up to the newline. */
            ssize_t k = recv(c->fd, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
            if (k > 0) {
                uint8_t *nl = memchr(buf, '\n', (size_t)k);
                size_t take = nl ? (size_t)(nl - buf) + 1 : (size_t)k;
                k = recv(c->fd, buf, take, MSG_DONTWAIT);
            }
            if (k > 0) {
                c->r->bytes_received += (uint64_t)k;
                st_received(c->st, buf, (size_t)k, clock_ms(c));
                continue;
            }
            if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                break;
            st_closed(c->st, clock_ms(c));
        }
    }
    if (!flush(c))
        return failed(c);
    switch (st_status(c->st)) {
    case ST_FAILED: return failed(c);
    case ST_READY: {
        size_t n;
        return st_output(c->st, &n) ? HS_RUNNING : ready(c);
    }
    case ST_RUNNING: break;
    }
    return HS_RUNNING;
}

void preamble_want(const struct conn *c, short *events)
{
    size_t n;
    *events = st_output(c->st, &n) ? POLLOUT : POLLIN;
}

void preamble_timed_out(struct conn *c)
{
    const char *proto = st_proto_name((enum st_proto)c->st_proto);
    char why[600];
    if (st_heard_nothing(c->st))
        snprintf(why, sizeof why,
                 "the server said nothing for %g s during the %s dialogue (silence): this port "
                 "may run another service, or a tarpit",
                 c->cfg.timeout_s, proto);
    else
        snprintf(why, sizeof why,
                 "the %s dialogue did not finish in %g s; the server's last words: \"%s\"", proto,
                 c->cfg.timeout_s, st_last_line(c->st));
    if (c->run == 2) {
        conn_reconnect_failed(c, why);
        return;
    }
    c->r->starttls.ms = (double)(mono_us() - c->t_stage_us) / 1000.0;
    c->r->starttls.failure = "silence";
    report_set_error(c->r, STAGE_STARTTLS,
                     "check --starttls (the protocol) and the port; --timeout gives it longer",
                     "%s", why);
}

int preamble_check_starttls(const char *v, char *reason, size_t n)
{
    if (!strcasecmp(v, "auto") || st_proto_from_name(v) >= 0)
        return 0;
    snprintf(reason, n, "unknown protocol; expected one of %s", st_values());
    return -1;
}
