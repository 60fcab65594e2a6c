/* One connection as a pipeline of stages — transport (resolve → connect, Happy Eyeballs) →
 * preamble (the STARTTLS dialogue, preamble.c) → handshake driver (OpenSSL's, or the raw
 * hello) → application probe (the injection check or the HTTP probe, probe.c) → close → fetch
 * (--aia and --revocation ask other servers, side by side: doctor_net.c) — driven by the
 * caller's poll loop. A reconnect runs the pipeline again with the saved session. Every step
 * does a bounded amount of work, so the deadline and a cancel always get their turn. Stage
 * names, error kinds and timeout words come from the one table in model/stage.h. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/conn_internal.h"
#include "engine/doctor_net.h"
#include "model/findings.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/pollwait.h"
#include "util/timeutil.h"
#include "wire/wire.h"

const char *engine_openssl_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION);
}

/* ---- the run: contexts shared by connections ---------------------------------------------- */

struct engine *engine_new(void)
{
    return xcalloc(1, sizeof(struct engine));
}

void engine_free(struct engine *e)
{
    if (!e)
        return;
    tlsctx_cache_free(e);
    free(e);
}

void engine_set_resolver(struct engine *e, engine_resolve_fn fn, void *arg)
{
    e->resolve_fn = fn;
    e->resolve_arg = arg;
}

unsigned long engine_contexts_built(const struct engine *e)
{
    return e->built;
}

int engine_check_config(const struct tls_config *cfg, char *err, size_t errlen)
{
    int *codes = NULL;
    size_t n = 0;
    if (tlsctx_ignore_codes(cfg, &codes, &n, err, errlen) < 0)
        return -1;
    free(codes);
    SSL_CTX *ctx = tlsctx_build(cfg, NULL, err, errlen);
    if (!ctx)
        return -1;
    SSL_CTX_free(ctx);
    return 0;
}

/* ---- the trace ---------------------------------------------------------------------------- */

void conn_record_message(struct conn *c, enum event_dir dir, int content_type, int record_type,
                         int version, const uint8_t *p, size_t len)
{
    if (dir == DIR_RECEIVED && content_type == SSL3_RT_HANDSHAKE) {
        c->rx_messages++; /* counted past EVENT_MAX too: the timeout's explanation uses them */
        if (len >= 1 && p[0] == SSL3_MT_HELLO_REQUEST)
            c->rx_hello_requests++;
    }
    if (c->r->n_events >= EVENT_MAX) {
        c->r->events_truncated = true; /* a flood: count it, keep nothing */
        return;
    }
    struct hs_event ev = {0};
    ev.t_us = mono_us() - c->t_tcp_us;
    ev.dir = dir;
    ev.content_type = content_type;
    ev.record_type = record_type;
    ev.version = version;
    ev.hs_type = -1;
    ev.length = (uint32_t)len;
    ev.connection = c->run;
    if (content_type == SSL3_RT_HANDSHAKE && len >= 1) {
        ev.hs_type = p[0];
        ev.name = wire_handshake_name(p[0]);
    } else if (content_type == SSL3_RT_ALERT && len >= 2) {
        ev.name = "Alert";
        ev.alert_level = p[0];
        ev.alert_desc = p[1];
    } else if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC) {
        ev.name = "ChangeCipherSpec";
    } else if (content_type == SSL3_RT_ALERT) {
        ev.name = "Alert";
    } else {
        ev.name = content_type == 0 ? "SSLv2" : "ApplicationData";
    }
    size_t keep = len < EVENT_BYTES_MAX ? len : EVENT_BYTES_MAX;
    ev.bytes = xmalloc(keep ? keep : 1);
    memcpy(ev.bytes, p, keep);
    ev.n_bytes = keep;
    ev.truncated = keep < len;
    report_add_event(c->r, &ev);
}

_Static_assert(DOCTOR_PARALLEL <= CONN_FDS_MAX, "the fetch stage polls through struct conn_poll");

/* ---- phases ------------------------------------------------------------------------------- */

int64_t conn_stage_timeout_us(const struct conn *c)
{
    return (int64_t)(c->cfg.timeout_s * 1e6);
}

static void enter(struct conn *c, enum conn_phase ph, enum stage st)
{
    c->phase = ph;
    c->t_stage_us = mono_us();
    if (st != STAGE_NONE)
        c->r->reached = st;
}

static void close_socket(struct conn *c, bool graceful)
{
    preamble_free(c);
    if (c->drv)
        c->drv->stop(c, graceful);
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

static void finish(struct conn *c)
{
    close_socket(c, false);
    doctor_job_free(c->doc);
    c->doc = NULL;
    transport_close(&c->tr);
    if (c->run == 1)
        transport_record(&c->tr, c->r);
    c->r->total_ms = (double)(mono_us() - c->t_start_us) / 1000.0;
    if (c->r->error.stage == STAGE_NONE && c->r->ok)
        c->r->reached = STAGE_DONE;
    c->phase = PH_DONE;
}

void conn_reconnect_failed(struct conn *c, const char *why)
{
    c->r->resumed_on_reconnect = TRI_NO;
    report_set_error(c->r, STAGE_RECONNECT,
                     "the first connection is reported in full; connect again to see whether the "
                     "failure repeats",
                     "the second connection (--reconnect, to resume the session) failed: %s", why);
}

static void start_transport(struct conn *c)
{
    enter(c, PH_TRANSPORT, c->run == 1 ? STAGE_DNS : STAGE_RECONNECT);
    if (c->run == 1) {
        transport_start(&c->tr, &c->cfg, c->engine, c->r, conn_stage_timeout_us(c));
        c->tr.nodelay = !c->one_segment;
        if (c->r->error.stage != STAGE_NONE)
            finish(c);
    } else {
        transport_restart(&c->tr);
        c->r->reached = STAGE_RECONNECT;
    }
}

static void start_handshake(struct conn *c)
{
    char err[512];
    enter(c, PH_HANDSHAKE, c->run == 1 ? STAGE_TLS : STAGE_RECONNECT);
    if (c->drv->start(c, err, sizeof(err)) < 0) {
        report_set_error(c->r, STAGE_INTERNAL, NULL, "%s", err);
        finish(c);
    }
}

/* The socket is connected: the preamble (a STARTTLS dialogue, when one was chosen) and then
 * the handshake. */
static void connected(struct conn *c)
{
    c->fd = transport_take_fd(&c->tr, &c->addr, &c->addr_len);
    const struct transport_attempt *w = &c->tr.a[c->tr.winner];
    c->t_tcp_us = w->start_us;
    if (c->run == 1) {
        c->r->connect_ms = (double)(w->end_us - w->start_us) / 1000.0;
        char a[64];
        transport_addr_text((struct sockaddr *)&c->addr, 0, a, sizeof a);
        free(c->r->address);
        c->r->address = xstrdup(a);
        transport_record(&c->tr, c->r);
    }
    if (preamble_start(c)) {
        enter(c, PH_PREAMBLE, c->run == 1 ? STAGE_STARTTLS : STAGE_RECONNECT);
        return;
    }
    start_handshake(c);
}

/* Every address failed. All timed out: a timeout of the TCP stage; else an error naming each. */
static void transport_failed(struct conn *c)
{
    char why[1024];
    transport_error(&c->tr, why, sizeof why);
    if (c->run == 2) {
        conn_reconnect_failed(c, why);
        finish(c);
        return;
    }
    if (c->r->error.stage != STAGE_NONE) { /* DNS said why */
        finish(c);
        return;
    }
    bool all_timeout = c->tr.n > 0, any_refused = false;
    for (size_t i = 0; i < c->tr.n; i++) {
        all_timeout &= c->tr.a[i].result == ADDR_TIMEOUT;
        any_refused |= c->tr.a[i].result == ADDR_REFUSED;
    }
    if (all_timeout && c->tr.n == 1) {
        char a[80];
        transport_addr_text((struct sockaddr *)&c->tr.a[0].addr, 0, a, sizeof a);
        report_set_error(c->r, STAGE_TIMEOUT, stage_info(STAGE_TCP)->timeout_hint,
                         "%s of %s:%u (%s) timed out after %g s",
                         stage_info(STAGE_TCP)->timeout_what, c->cfg.host, (unsigned)c->cfg.port, a,
                         c->cfg.timeout_s);
    } else if (all_timeout) {
        report_set_error(c->r, STAGE_TIMEOUT, stage_info(STAGE_TCP)->timeout_hint,
                         "%s of %s:%u timed out after %g s on every address (%zu)",
                         stage_info(STAGE_TCP)->timeout_what, c->cfg.host, (unsigned)c->cfg.port,
                         c->cfg.timeout_s, c->tr.n);
    } else {
        report_set_error(c->r, STAGE_TCP,
                         any_refused ? "check the port number and that the server runs" : NULL,
                         "%s", why);
    }
    finish(c);
}

static void start_reconnect(struct conn *c)
{
    close_socket(c, true);
    c->run = 2;
    c->r->resumed_on_reconnect = TRI_NO;
    start_transport(c);
}

/* The first connection's facts are all in: its findings (once). */
static void findings_now(struct conn *c)
{
    if (!c->findings_due)
        return;
    c->findings_due = false;
    findings_compute(c->r, c->facts_now);
    findings_probe(c->r);
}

/* Every stage of the first connection ran: the findings, then run again or close. */
static void stages_done(struct conn *c)
{
    findings_now(c);
    if (c->run == 1 && c->cfg.reconnect && c->drv == &hs_openssl_driver) {
        start_reconnect(c);
        return;
    }
    close_socket(c, true);
    finish(c);
}

/* The probe is over (or none ran): the fetch stage when --aia or --revocation asks (the
 * connection closes first: other servers are asked, for as long as they take). */
static void probe_done(struct conn *c)
{
    if (c->run == 1 && facts_fetch_start(c)) {
        close_socket(c, true);
        enter(c, PH_FETCH, STAGE_FETCH);
        if (doctor_job_step(c->doc, NULL, 0)) { /* nothing to fetch after all */
            doctor_job_free(c->doc);
            c->doc = NULL;
            stages_done(c);
        }
        return;
    }
    stages_done(c);
}

/* The handshake driver is done: the probe, when one was asked for. */
static void handshake_done(struct conn *c)
{
    if (probe_start(c)) {
        enter(c, PH_PROBE, STAGE_NONE);
        return;
    }
    probe_done(c);
}

/* ---- the loop's side ---------------------------------------------------------------------- */

static void timed_out(struct conn *c)
{
    if (c->run == 2) {
        c->r->resumed_on_reconnect = TRI_NO;
        report_set_error(c->r, STAGE_TIMEOUT, NULL, "%s of %s:%u timed out after %g s",
                         stage_info(STAGE_RECONNECT)->timeout_what, c->cfg.host,
                         (unsigned)c->cfg.port, c->cfg.timeout_s);
        finish(c);
        return;
    }
    enum stage during = c->r->reached;
    char a[64] = "";
    if (c->r->address)
        snprintf(a, sizeof(a), " (%s)", c->r->address);
    const char *hint = stage_info(during)->timeout_hint;
    char talked[300];
    if (during == STAGE_TLS && c->rx_hello_requests > 0) {
        snprintf(talked, sizeof(talked),
                 "the server answered, then sent %lu HelloRequest messages in the middle of the "
                 "handshake and never finished it: a broken or hostile TLS stack, or a middlebox "
                 "replaying records",
                 c->rx_hello_requests);
        hint = talked;
    } else if (during == STAGE_TLS && c->rx_messages > 0) {
        snprintf(talked, sizeof(talked),
                 "the server answered (%lu handshake messages) but did not finish the handshake "
                 "in time: it may be overloaded, or waiting for something we did not send",
                 c->rx_messages);
        hint = talked;
    }
    report_set_error(c->r, STAGE_TIMEOUT, hint, "%s of %s:%u%s timed out after %g s",
                     stage_info(during)->timeout_what, c->cfg.host, (unsigned)c->cfg.port, a,
                     c->cfg.timeout_s);
    if (during == STAGE_TLS && c->drv == &hs_openssl_driver)
        facts_offered(c);
    finish(c);
}

static short revents_of(const struct conn_poll *p, int fd)
{
    if (!p || fd < 0)
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->fds[i].fd == fd)
            return p->fds[i].revents;
    return 0;
}

bool conn_step(struct conn *c, const struct conn_poll *p)
{
    if (c->phase == PH_DONE)
        return false;
    int64_t now = mono_us();
    switch (c->phase) {
    case PH_TRANSPORT: {
        if (transport_stage(&c->tr) == STAGE_DNS &&
            now - c->t_stage_us >= conn_stage_timeout_us(c)) {
            timed_out(c);
            break;
        }
        enum transport_status st = transport_step(&c->tr, p ? p->fds : NULL, p ? p->n : 0, c->r);
        if (c->run == 2)
            c->r->reached = STAGE_RECONNECT;
        if (st == TRANSPORT_CONNECTED)
            connected(c);
        else if (st == TRANSPORT_FAILED)
            transport_failed(c);
        break;
    }
    case PH_PREAMBLE: {
        if (now - c->t_stage_us >= conn_stage_timeout_us(c)) {
            preamble_timed_out(c);
            finish(c);
            break;
        }
        enum hs_status st = preamble_step(c, revents_of(p, c->fd));
        if (st == HS_DONE)
            start_handshake(c);
        else if (st == HS_FAILED)
            finish(c);
        break;
    }
    case PH_HANDSHAKE: {
        if (!c->lingering && now - c->t_stage_us >= conn_stage_timeout_us(c)) {
            timed_out(c);
            break;
        }
        enum hs_status st = c->drv->step(c, revents_of(p, c->fd));
        if (st == HS_DONE)
            handshake_done(c);
        else if (st == HS_FAILED)
            finish(c);
        break;
    }
    case PH_PROBE:
        if (probe_step(c, revents_of(p, c->fd)))
            probe_done(c);
        break;
    case PH_FETCH:
        if (doctor_job_step(c->doc, p ? p->fds : NULL, p ? p->n : 0)) {
            doctor_job_free(c->doc);
            c->doc = NULL;
            stages_done(c);
        }
        break;
    case PH_DONE: break;
    }
    return c->phase != PH_DONE;
}

void conn_want(const struct conn *c, struct conn_poll *p)
{
    p->n = 0;
    p->deadline_us = 0;
    switch (c->phase) {
    case PH_TRANSPORT:
        p->n = transport_want(&c->tr, p->fds, CONN_FDS_MAX, &p->deadline_us);
        if (transport_stage(&c->tr) == STAGE_DNS) {
            int64_t dl = c->t_stage_us + conn_stage_timeout_us(c);
            p->deadline_us = dl < p->deadline_us ? dl : p->deadline_us;
        }
        break;
    case PH_HANDSHAKE: {
        short events = 0;
        int64_t dl = INT64_MAX;
        c->drv->want(c, &events, &dl);
        p->fds[0] = (struct pollfd){.fd = c->fd, .events = events};
        p->n = 1;
        int64_t stage_dl = c->t_stage_us + conn_stage_timeout_us(c);
        p->deadline_us = c->lingering ? dl : (dl < stage_dl ? dl : stage_dl);
        break;
    }
    case PH_PREAMBLE: {
        short events = 0;
        preamble_want(c, &events);
        p->fds[0] = (struct pollfd){.fd = c->fd, .events = events};
        p->n = 1;
        p->deadline_us = c->t_stage_us + conn_stage_timeout_us(c);
        break;
    }
    case PH_PROBE: {
        short events = 0;
        probe_want(c, &events, &p->deadline_us);
        p->fds[0] = (struct pollfd){.fd = c->fd, .events = events};
        p->n = 1;
        break;
    }
    case PH_FETCH: p->n = doctor_job_want(c->doc, p->fds, CONN_FDS_MAX, &p->deadline_us); break;
    case PH_DONE: p->deadline_us = 0; break;
    }
    for (size_t i = 0; i < p->n; i++)
        p->fds[i].revents = 0;
}

enum stage conn_stage(const struct conn *c)
{
    if (c->phase == PH_DONE)
        return STAGE_DONE;
    if (c->phase == PH_TRANSPORT && c->run == 1)
        return transport_stage(&c->tr);
    return c->r->reached;
}

int64_t conn_elapsed_ms(const struct conn *c)
{
    return (mono_us() - c->t_start_us) / 1000;
}

void conn_cancel(struct conn *c)
{
    if (c->phase == PH_DONE)
        return;
    enum stage during = conn_stage(c);
    if (c->doc) /* what was asked and not answered says so */
        doctor_job_cancel(c->doc);
    findings_now(c); /* a completed handshake keeps its findings */
    report_set_error(c->r, STAGE_CANCELLED, NULL, "cancelled during %s", stage_name(during));
    finish(c);
}

bool conn_has_result(const struct conn *c)
{
    return c->r && c->r->ok;
}

struct report *conn_take_report(struct conn *c)
{
    doctor_job_free(c->doc); /* it writes into the report: not past here */
    c->doc = NULL;
    struct report *r = c->r;
    c->r = NULL;
    return r;
}

/* ---- construction ------------------------------------------------------------------------- */

struct conn *conn_create(struct engine *e, const struct tls_config *cfg,
                         const struct hs_driver *drv)
{
    struct conn *c = xcalloc(1, sizeof(*c));
    c->drv = drv;
    config_copy(&c->cfg, cfg);
    c->fd = -1;
    c->run = 1;
    c->engine = e ? e : engine_new();
    c->own_engine = !e;
    c->r = report_new();
    c->t_start_us = mono_us();
    iso8601_utc(time(NULL), c->r->started_at, sizeof(c->r->started_at));
    c->r->host = xstrdup(cfg->host);
    c->r->port = cfg->port;
    c->r->sni = xstrdup(config_sni(cfg));
    c->r->ocsp_requested = cfg->ocsp || cfg->ocsp_required;
    return c;
}

void conn_begin(struct conn *c)
{
    start_transport(c);
}

int conn_new(struct engine *e, const struct tls_config *cfg, struct conn **out, char *err,
             size_t errlen)
{
    struct conn *c = conn_create(e, cfg, &hs_openssl_driver);
    if (!cfg->host || !*cfg->host) {
        snprintf(err, errlen, "no target host given");
        goto fail;
    }
    if (preamble_choose(c, err, errlen) < 0)
        goto fail;
    if (tlsctx_ignore_codes(cfg, &c->ignore_codes, &c->n_ignore, err, errlen) < 0)
        goto fail;
    if (cfg->keylog) { /* the safe writer: a regular file, no symlink, 0600 (see fsutil.h) */
        char kerr[600];
        int kfd = file_open_safe(cfg->keylog, 0600, FILE_OPEN_APPEND | FILE_OPEN_PRIVATE, kerr,
                                 sizeof(kerr));
        if (kfd < 0 || !(c->keylog = fdopen(kfd, "a"))) {
            size_t n = strlen(cfg->keylog); /* kerr may begin with the path: say it once */
            if (kfd < 0 && strncmp(kerr, cfg->keylog, n) == 0 && kerr[n] == ' ')
                snprintf(err, errlen, "--keylog %s", kerr);
            else
                snprintf(err, errlen, "--keylog %s: %s", cfg->keylog,
                         kfd < 0 ? kerr : strerror(errno));
            if (kfd >= 0)
                close(kfd);
            goto fail;
        }
    }
    /* The lookup (a thread) and the first TCP attempt start before the TLS context is built,
     * so the context's few milliseconds overlap the network's. */
    conn_begin(c);
    if (c->phase == PH_TRANSPORT)
        conn_step(c, NULL);
    c->ctx = tlsctx_get(c->engine, cfg, &c->r->effective, err, errlen);
    if (!c->ctx)
        goto fail;
    *out = c;
    return 0;
fail:
    conn_free(c);
    return -1;
}

void conn_free(struct conn *c)
{
    if (!c)
        return;
    close_socket(c, false);
    doctor_job_free(c->doc);
    transport_close(&c->tr);
    preamble_free(c);
    if (c->drv)
        c->drv->release(c);
    if (c->keylog)
        fclose(c->keylog);
    free(c->ignore_codes);
    report_free(c->r);
    config_free(&c->cfg);
    if (c->own_engine)
        engine_free(c->engine);
    free(c);
}

/* ---- blocking convenience ----------------------------------------------------------------- */

void conn_poll_wait(struct conn_poll *p, int64_t max_wait_us)
{
    poll_until(p->fds, p->n, p->deadline_us, max_wait_us);
}

struct report *conn_run(struct conn *c)
{
    struct conn_poll p;
    bool first = true;
    while (conn_step(c, first ? NULL : &p)) {
        first = false;
        conn_want(c, &p);
        conn_poll_wait(&p, 60000000);
    }
    return conn_take_report(c);
}

struct report *engine_connect(const struct tls_config *cfg)
{
    char err[512];
    struct conn *c;
    if (conn_new(NULL, cfg, &c, err, sizeof(err)) < 0) {
        struct report *r = report_new();
        r->host = xstrdup(cfg->host);
        r->port = cfg->port;
        report_set_error(r, STAGE_INTERNAL, NULL, "%s", err);
        return r;
    }
    struct report *r = conn_run(c);
    conn_free(c);
    return r;
}
