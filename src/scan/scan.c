/* The scanner's scheduler: one poll loop over many probes (see scan.h). Jobs (plan.c) say
 * what to send; this file runs at most `parallel` connections at once, spaces their starts by
 * the delay, keeps each probe's evidence, and slows down when the server starts refusing. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "scan/scan_internal.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/pollwait.h"
#include "util/timeutil.h"
#include "wire/record.h"
#include "wire/suites.h"
#include "wire/wire.h"

#define RETRY_MAX      4   /* connections one probe may take after a reset or refusal */
#define FIN_RETRY_MAX  2   /* a plain close is an answer when a second connection gets it too */
#define DELAY_STEP_MS  10  /* each refusal adds this much delay between starts ... */
#define DELAY_CAP_MS   100 /* ... up to this (unless --delay asks for more) */
#define FULL_PARALLEL  2   /* full handshakes at once (they cost the server a signature) */
#define CLEAN_TO_RELAX 8   /* answers in a row before a throttled delay is halved again */

struct slot {
    struct conn *c;
    struct conn_poll cp;
    size_t off; /* of its descriptors in the scan_poll */
    int idx;    /* probe index */
    struct job *job;
    struct probe_req *req;
};

static void rnd(struct scan *s, uint8_t *out, size_t n)
{
    /* a counter mixed into a seed: distinct, unpredictable enough for a probe's random */
    for (size_t i = 0; i < n; i++) {
        uint32_t x = s->counter++ * 2654435761u ^ s->random_seed[i % 32];
        x ^= x >> 13;
        out[i] = (uint8_t)(x * 0x5bd1e995u >> 24);
    }
}

int scan_new(struct engine *e, const struct tls_config *cfg, const struct scan_opts *opts,
             struct scan **out, char *err, size_t errlen)
{
    if (!cfg->host || !*cfg->host) {
        snprintf(err, errlen, "no target host given");
        return -1;
    }
    int parallel = opts && opts->parallel ? opts->parallel : SCAN_PARALLEL_DEFAULT;
    int delay = opts ? opts->delay_ms : 0;
    if (parallel < 1 || parallel > SCAN_PARALLEL_MAX) {
        snprintf(err, errlen, "--parallel %d: expected 1-%d", parallel, SCAN_PARALLEL_MAX);
        return -1;
    }
    if (delay < 0 || delay > SCAN_DELAY_MAX_MS) {
        snprintf(err, errlen, "--delay %d: expected 0-%d milliseconds", delay, SCAN_DELAY_MAX_MS);
        return -1;
    }
    struct scan *s = xcalloc(1, sizeof *s);
    s->e = e;
    config_copy(&s->cfg, cfg);
    if (opts)
        s->opts = *opts;
    s->opts.parallel = s->parallel = parallel;
    s->opts.delay_ms = s->delay_ms = delay;
    s->rep = scan_report_new();
    s->rep->host = xstrdup(cfg->host);
    s->rep->port = cfg->port;
    const char *sni = config_sni(cfg);
    s->rep->sni = sni ? xstrdup(sni) : NULL;
    s->rep->throttle.parallel_from = s->rep->throttle.parallel_to = parallel;
    s->rep->throttle.delay_from_ms = s->rep->throttle.delay_to_ms = delay;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(s->rep->started_at, sizeof s->rep->started_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (getrandom(s->random_seed, sizeof s->random_seed, GRND_NONBLOCK) != sizeof s->random_seed)
        for (size_t i = 0; i < sizeof s->random_seed; i++)
            s->random_seed[i] = (uint8_t)(mono_us() >> (i % 8));
    struct in6_addr a6;
    s->numeric =
        inet_pton(AF_INET, cfg->host, &a6) == 1 || inet_pton(AF_INET6, cfg->host, &a6) == 1;
    s->slots = xcalloc(SCAN_PARALLEL_MAX, sizeof *s->slots);
    s->start_us = mono_us();
    plan_init(s);
    *out = s;
    return 0;
}

/* ---- evidence ---- */

static void keep(uint8_t **dst, size_t *n, int ct, int version, const uint8_t *b, size_t len)
{
    size_t head = ct ? WIRE_RECORD_HEADER : 2, room = SCAN_EVIDENCE_MAX - *n;
    if (*n >= SCAN_EVIDENCE_MAX || len > 0xffff || head + len > room)
        return; /* bounded: an answer's first messages are the evidence */
    *dst = xrealloc(*dst, *n + head + len);
    uint8_t *p = *dst + *n;
    if (ct) {
        p[0] = (uint8_t)ct, p[1] = (uint8_t)(version >> 8), p[2] = (uint8_t)version;
        p[3] = (uint8_t)(len >> 8), p[4] = (uint8_t)len;
    } else { /* an SSLv2 record: two-byte header, high bit set */
        p[0] = (uint8_t)(0x80 | len >> 8), p[1] = (uint8_t)len;
    }
    memcpy(p + head, b, len);
    *n += head + len;
}

static void keep_evidence(struct scan_probe *pr, const struct report *r)
{
    free(pr->sent), free(pr->received);
    pr->sent = pr->received = NULL;
    pr->n_sent = pr->n_received = 0;
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->connection != 1 || ev->record_type != ev->content_type)
            continue; /* encrypted records and the reconnect are not evidence */
        if (ev->dir == DIR_SENT)
            keep(&pr->sent, &pr->n_sent, ev->content_type, ev->version, ev->bytes, ev->n_bytes);
        else
            keep(&pr->received, &pr->n_received, ev->content_type, ev->version, ev->bytes,
                 ev->n_bytes);
    }
}

/* ---- throttling ---- */

static void slow_down(struct scan *s)
{
    s->clean_streak = 0;
    s->parallel = s->parallel > 1 ? s->parallel / 2 : 1;
    s->delay_ms += DELAY_STEP_MS;
    if (s->delay_ms > DELAY_CAP_MS && s->delay_ms > s->opts.delay_ms)
        s->delay_ms = DELAY_CAP_MS > s->opts.delay_ms ? DELAY_CAP_MS : s->opts.delay_ms;
    s->rep->throttle.parallel_to = s->parallel;
    if (s->delay_ms > s->rep->throttle.delay_to_ms)
        s->rep->throttle.delay_to_ms = s->delay_ms;
}

static void answered_clean(struct scan *s)
{
    if (++s->clean_streak >= CLEAN_TO_RELAX && s->delay_ms > s->opts.delay_ms) {
        s->delay_ms = s->delay_ms / 2 > s->opts.delay_ms ? s->delay_ms / 2 : s->opts.delay_ms;
        s->clean_streak = 0;
    }
}

enum probe_verdict { V_ANSWER, V_RETRY, V_FINAL_CLOSE, V_UNKNOWN };

static enum probe_verdict judge(const struct probe_req *req, const struct report *r, int attempts,
                                char *why, size_t n)
{
    enum stage st = r->error.stage;
    /* a STARTTLS server that says "come back later" (SMTP 421 ...) throttles like a reset */
    bool throttled =
        st == STAGE_STARTTLS && r->starttls.failure && !strcmp(r->starttls.failure, "throttled");
    bool transport = st == STAGE_TCP || st == STAGE_DNS || st == STAGE_TIMEOUT || throttled;
    if (req->full) {
        if (r->ok || (!transport && st != STAGE_NONE))
            return V_ANSWER; /* a handshake failure is an answer too */
    } else {
        switch (r->hello.outcome) {
        case HELLO_SERVER_HELLO:
        case HELLO_RETRY:
        case HELLO_ALERT:
        case HELLO_SSL2: return V_ANSWER;
        case HELLO_CLOSED:
            if (r->hello.close_errno == 0) {
                snprintf(why, n, "the server closed the connection without an answer");
                return attempts < FIN_RETRY_MAX ? V_RETRY : V_FINAL_CLOSE;
            }
            snprintf(why, n, "the connection was reset (%s)", strerror(r->hello.close_errno));
            return attempts < RETRY_MAX ? V_RETRY : V_UNKNOWN;
        case HELLO_NONE: break;
        }
        if (!transport) {
            snprintf(why, n, "%s", r->error.message ? r->error.message : "no answer");
            return V_UNKNOWN; /* not TLS, malformed: sending it again would not help */
        }
    }
    snprintf(why, n, "%s", r->error.message ? r->error.message : "no answer");
    return attempts < RETRY_MAX ? V_RETRY : V_UNKNOWN;
}

/* ---- launching ---- */

static void fill_spec(struct scan *s, const struct probe_req *q, struct wire_ch_spec *sp,
                      struct wire_key_share *ks, uint8_t *random, uint8_t *sid)
{
    memset(sp, 0, sizeof *sp);
    rnd(s, random, 32);
    sp->record_version = q->record_version;
    sp->legacy_version = q->legacy_version;
    sp->random = random;
    if (q->session_id) {
        rnd(s, sid, 32);
        sp->session_id = sid;
        sp->session_id_len = 32;
    }
    sp->ciphers = q->ciphers, sp->n_ciphers = q->n_ciphers;
    if (q->sslv2) {
        sp->sslv2 = true;
        sp->legacy_version = 0x0002;
        sp->ssl2_ciphers = wire_ssl2_specs;
        sp->n_ssl2_ciphers = sizeof wire_ssl2_specs / sizeof wire_ssl2_specs[0];
        return;
    }
    sp->no_extensions = q->no_exts;
    sp->compressions = q->n_compressions ? q->compressions : NULL;
    sp->n_compressions = q->n_compressions;
    if (q->no_exts)
        return;
    sp->versions = q->versions, sp->n_versions = q->n_versions;
    sp->groups = q->groups, sp->n_groups = q->n_groups;
    for (size_t i = 0; i < q->n_shares; i++)
        ks[i] = (struct wire_key_share){q->shares[i], NULL, 0};
    sp->shares = ks, sp->n_shares = q->n_shares;
    sp->key_share_empty = q->share_empty;
    sp->sigalgs = q->sigalgs, sp->n_sigalgs = q->n_sigalgs;
    sp->sni = s->rep->sni;
    sp->alpn = q->alpn, sp->n_alpn = q->n_alpn;
    sp->ec_point_formats = q->n_groups > 0;
    sp->psk_modes = q->n_versions > 0;
    if (q->tls12_exts) {
        sp->renegotiation_info = sp->extended_master_secret = sp->session_ticket = true;
        sp->status_request = sp->encrypt_then_mac = true;
    }
    sp->pad_to = q->pad_to;
}

static bool finish_probe(struct scan *s, struct job *j, struct probe_req *req, int idx,
                         struct report *r, const char *why);

/* Starts req for job j (idx < 0: a new probe). Takes req. */
static void launch(struct scan *s, struct job *j, struct probe_req *req, int idx)
{
    if (idx < 0)
        idx = scan_report_add_probe(s->rep, req->what)->index;
    struct scan_probe *pr = &s->rep->probes[idx];
    pr->full = req->full;
    pr->attempts++;
    pr->start_ms = (double)(mono_us() - s->start_us) / 1000.0;
    struct tls_config c;
    config_copy(&c, req->full ? &req->cfg : &s->cfg);
    if (s->address) { /* the address the first probe found: no name lookup per probe */
        free(c.host);
        c.host = xstrdup(s->address);
        free(c.sni);
        c.sni = s->rep->sni ? xstrdup(s->rep->sni) : NULL;
        c.no_sni = !s->rep->sni;
    }
    char err[512];
    struct conn *conn = NULL;
    int rc;
    if (req->full) {
        rc = conn_new(s->e, &c, &conn, err, sizeof err);
    } else {
        struct wire_ch_spec sp;
        struct wire_key_share ks[4];
        uint8_t random[32], sid[32];
        fill_spec(s, req, &sp, ks, random, sid);
        rc = conn_new_hello(s->e, &c, &sp, &conn, err, sizeof err);
    }
    config_free(&c);
    s->rep->connections++;
    if (rc < 0) {
        finish_probe(s, j, req, idx, NULL, err);
        return;
    }
    struct slot *sl = &s->slots[s->n_slots++];
    *sl = (struct slot){.c = conn, .idx = idx, .job = j, .req = req};
    s->running_full += req->full;
    conn_step(conn, NULL);
}

/* A raw probe answered with a DHE suite: its ServerKeyExchange, when it came in the same flight
 * (hs_raw records that flight), gives the DH group's size — no full handshake needed for it. */
static int ske_dh_bits(const struct report *r)
{
    if (r->hello.outcome != HELLO_SERVER_HELLO)
        return 0;
    struct wire_suite_info in;
    wire_suite_info(r->hello.cipher, &in);
    if (strcmp(in.kx, "DHE"))
        return 0;
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->dir == DIR_RECEIVED && ev->hs_type == WIRE_HS_SERVER_KEY_EXCHANGE && !ev->truncated)
            return scan_ske_dh_bits(ev->bytes, ev->n_bytes);
    }
    return 0;
}

/* Hands the probe's answer to its job; true when the job took r over. */
static bool finish_probe(struct scan *s, struct job *j, struct probe_req *req, int idx,
                         struct report *r, const char *why)
{
    struct scan_probe *pr = &s->rep->probes[idx];
    pr->end_ms = (double)(mono_us() - s->start_us) / 1000.0;
    if (r) {
        keep_evidence(pr, r);
        pr->outcome = r->hello.outcome;
        pr->version = r->hello.version ? r->hello.version : (uint16_t)r->protocol_version;
        pr->cipher = r->hello.outcome ? r->hello.cipher : r->cipher_id;
        pr->group = r->hello.group;
        pr->compression = r->hello.compression;
        pr->alert = r->hello.alert_desc;
        pr->close_errno = r->hello.close_errno;
        pr->ms = r->hello.outcome ? r->hello.ms : r->handshake_ms;
        pr->dh_bits = req->full ? 0 : ske_dh_bits(r);
    }
    if (why) {
        free(pr->error);
        pr->error = xstrdup(why);
        s->rep->throttle.unknown++;
    }
    s->last = r;
    j->inflight--;
    plan_done(s, j, req, idx);
    bool taken = r && !s->last;
    s->last = NULL;
    if (req->full)
        config_free(&req->cfg);
    free(req);
    return taken;
}

/* The slot's connection is done: judge it, then retry it or hand it to its job. */
static void slot_done(struct scan *s, size_t i)
{
    struct slot sl = s->slots[i];
    s->slots[i] = s->slots[--s->n_slots];
    s->running_full -= sl.req->full;
    struct report *r = conn_take_report(sl.c);
    conn_free(sl.c);
    if (sl.req->full && r->reconnect_ms >= 0)
        s->rep->connections++; /* the resumption's second connection */
    struct scan_probe *pr = &s->rep->probes[sl.idx];
    char why[512] = "";
    enum probe_verdict v = judge(sl.req, r, pr->attempts, why, sizeof why);
    if (!s->address && r->address && (v == V_ANSWER || v == V_FINAL_CLOSE))
        s->address = xstrdup(r->address);
    if (v == V_RETRY && !s->cancelled) {
        slow_down(s);
        s->rep->throttle.retries++;
        keep_evidence(pr, r);
        report_free(r);
        s->retry = xrealloc(s->retry, (s->n_retry + 1) * sizeof *s->retry);
        s->retry_idx = xrealloc(s->retry_idx, (s->n_retry + 1) * sizeof *s->retry_idx);
        s->retry_job = xrealloc(s->retry_job, (s->n_retry + 1) * sizeof *s->retry_job);
        s->retry[s->n_retry] = sl.req;
        s->retry_idx[s->n_retry] = sl.idx;
        s->retry_job[s->n_retry++] = sl.job;
        return;
    }
    if (!s->address && v == V_UNKNOWN) { /* the first probe found no server: nothing to scan */
        free(s->rep->error);
        s->rep->error = xasprintf("no connection to the server: %s", why);
        for (int k = 0; k < SCAN_VERSIONS; k++)
            if (s->rep->protos[k].supported == TRI_NA && !s->rep->protos[k].error)
                s->rep->protos[k].error = xstrdup(why);
        s->fatal = true;
    }
    if (v == V_ANSWER && pr->attempts > 1)
        s->rep->throttle.detected = true; /* refused first, answered when sent again */
    if (v == V_ANSWER)
        answered_clean(s);
    if (!finish_probe(s, sl.job, sl.req, sl.idx, r, v == V_UNKNOWN ? why : NULL))
        report_free(r);
}

/* Chains of dependent probes (each waits for the last answer) and the full handshakes (the
 * longest probes) go first: the independent probes fill the slots they leave. */
static bool urgent(const struct job *j)
{
    return j->kind == JOB_SUITES || j->kind == JOB_ORDER || j->kind == JOB_GROUPS13 ||
           j->kind == JOB_FULL;
}

/* The first probe finds the address the others connect to, and whether there is a server at
 * all. A target given as an address needs no lookup: the others start as soon as the first is
 * in its TLS stage (TCP connected, any STARTTLS dialogue done) rather than answered — ~2 ms
 * of a server's first answer — while a server that is not there still stops the scan after
 * that one probe. */
static bool first_reached(const struct scan *s)
{
    if (!s->numeric)
        return false;
    for (size_t i = 0; i < s->n_slots; i++)
        if (s->slots[i].idx == 0)
            return conn_stage(s->slots[i].c) == STAGE_TLS;
    return false;
}

/* Starts what may start now; true when something is still to come. */
static bool fill(struct scan *s)
{
    bool pending = false;
    if (s->fatal)
        return false;
    s->start_waits = false;
    for (int guard = 0; guard < SCAN_PARALLEL_MAX * 4; guard++) {
        int64_t now = mono_us();
        if ((int)s->n_slots >= s->parallel)
            return true;
        if (now < s->next_start_us) {
            s->start_waits = true; /* the delay holds a start back: wake up for it */
            return true;
        }
        if (s->n_retry) {
            s->n_retry--;
            launch(s, s->retry_job[s->n_retry], s->retry[s->n_retry], s->retry_idx[s->n_retry]);
            s->next_start_us = now + (int64_t)s->delay_ms * 1000;
            continue;
        }
        if (!s->address && s->rep->n_probes > 0 && !first_reached(s))
            return s->n_slots > 0; /* the first probe finds the address the others use */
        size_t had = s->n_jobs;
        plan_phase2(s); /* the jobs whose versions are known now */
        struct probe_req *req = NULL;
        struct job *jj = NULL;
        pending = false;
        for (size_t i = 0; i < 2 * s->n_jobs && !jj; i++) {
            struct job *j = s->jobs[i % s->n_jobs];
            if (urgent(j) != (i < s->n_jobs))
                continue; /* first the jobs on the critical path, then the rest */
            if (j->finished) {
                pending |= j->inflight > 0;
                continue;
            }
            if (j->kind == JOB_FULL && s->running_full >= FULL_PARALLEL) {
                pending = true; /* full handshakes cost the server a signature each */
                continue;
            }
            if (!req)
                req = xmalloc(sizeof *req);
            memset(req, 0, sizeof *req); /* a job that said "not now" may have written to it */
            int rc = plan_next(s, j, req);
            if (rc > 0) {
                jj = j;
            } else if (rc < 0) {
                j->finished = true;
                pending |= j->inflight > 0;
            } else {
                pending = true;
            }
        }
        if (!jj) {
            free(req);
            plan_phase2(s); /* a job finished just now may have made a version known */
            if (s->n_jobs > had)
                continue; /* new jobs: look again */
            return pending || s->n_slots > 0;
        }
        jj->inflight++;
        launch(s, jj, req, -1);
        s->next_start_us = now + (int64_t)s->delay_ms * 1000;
    }
    return true;
}

/* TLSCOPE_SCAN_DUMP=FILE (for bench/scan.sh's floor): one line per probe — index, raw or full,
 * its ClientHello-to-answer ms, when it was launched and answered (ms since the scan started), and
 * the records it sent in hex (the first one is its ClientHello) — so a replay tool can send the
 * scan's own probes one at a time. Written with the safe writer; a failure to write is reported on
 * stderr and changes nothing else. */
static void dump_probes(const struct scan *s)
{
    const char *path = getenv("TLSCOPE_SCAN_DUMP");
    if (!path || !*path)
        return;
    char err[512];
    int fd = file_open_safe(path, 0644, 0, err, sizeof err);
    if (fd < 0) {
        fprintf(stderr, "TLSCOPE_SCAN_DUMP: %s\n", err);
        return;
    }
    struct strbuf sb = {0};
    for (size_t i = 0; i < s->rep->n_probes; i++) {
        const struct scan_probe *pr = &s->rep->probes[i];
        sb_printf(&sb, "%zu %s %.3f %.3f %.3f ", i, pr->full ? "full" : "raw", pr->ms, pr->start_ms,
                  pr->end_ms);
        for (size_t k = 0; k < pr->n_sent; k++)
            sb_printf(&sb, "%02x", pr->sent[k]);
        sb_printf(&sb, "%s # %s\n", pr->n_sent ? "" : "-", pr->what);
    }
    if (file_write_fd(fd, path, sb.buf ? sb.buf : "", sb.len, err, sizeof err) < 0)
        fprintf(stderr, "TLSCOPE_SCAN_DUMP: %s\n", err);
    close(fd);
    free(sb.buf);
}

static void finish_scan(struct scan *s)
{
    s->done = true;
    s->rep->elapsed_ms = (double)(mono_us() - s->start_us) / 1000.0;
    struct scan_report *r = s->rep; /* one order, whatever order the answers came in */
    for (size_t i = 1; i < r->n_sigalgs; i++)
        for (size_t k = i; k > 0 && plan_sigalg_rank(r->sigalgs[k].code) <
                                        plan_sigalg_rank(r->sigalgs[k - 1].code);
             k--) {
            struct scan_sigalg t = r->sigalgs[k];
            r->sigalgs[k] = r->sigalgs[k - 1], r->sigalgs[k - 1] = t;
        }
    scan_report_findings(s->rep);
    dump_probes(s);
}

bool scan_step(struct scan *s, const struct scan_poll *p)
{
    if (s->done)
        return false;
    for (size_t i = 0; i < s->n_slots;) {
        struct slot *sl = &s->slots[i];
        for (size_t k = 0; k < sl->cp.n; k++)
            sl->cp.fds[k].revents =
                p && sl->off + k < p->n && p->fds[sl->off + k].fd == sl->cp.fds[k].fd
                    ? p->fds[sl->off + k].revents
                    : 0;
        if (!conn_step(sl->c, p ? &sl->cp : NULL))
            slot_done(s, i); /* the last slot moved into i: look at i again */
        else
            i++;
    }
    bool more = fill(s);
    if (!more && s->n_slots == 0 && s->n_retry == 0) {
        finish_scan(s);
        return false;
    }
    return true;
}

void scan_want(const struct scan *s, struct scan_poll *p)
{
    p->n = 0;
    p->deadline_us = INT64_MAX;
    for (size_t i = 0; i < s->n_slots; i++) {
        struct slot *sl = &s->slots[i];
        conn_want(sl->c, &sl->cp);
        sl->off = p->n;
        for (size_t k = 0; k < sl->cp.n && p->n < SCAN_FDS_MAX; k++)
            p->fds[p->n++] = sl->cp.fds[k];
        if (sl->cp.deadline_us < p->deadline_us)
            p->deadline_us = sl->cp.deadline_us;
    }
    if (s->start_waits && s->next_start_us < p->deadline_us)
        p->deadline_us = s->next_start_us;
    if (s->n_slots == 0 && p->deadline_us == INT64_MAX)
        p->deadline_us = 0;
}

void scan_poll_wait(struct scan_poll *p, int64_t max_wait_us)
{
    poll_until(p->fds, p->n, p->deadline_us, max_wait_us);
}

void scan_get_progress(const struct scan *s, struct scan_progress *pr)
{
    pr->done = (unsigned)(s->rep->n_probes - s->n_slots - s->n_retry);
    pr->planned = (unsigned)s->rep->n_probes + (s->done ? 0 : plan_estimate(s));
    pr->connections = s->rep->connections;
    pr->running = (unsigned)s->n_slots;
    pr->throttled = s->rep->throttle.retries > 0;
}

const struct scan_report *scan_peek(const struct scan *s)
{
    return s->rep;
}

void scan_cancel(struct scan *s)
{
    if (s->done)
        return;
    s->cancelled = true;
    for (size_t i = 0; i < s->n_slots; i++) {
        conn_cancel(s->slots[i].c);
        struct report *r = conn_take_report(s->slots[i].c);
        report_free(r);
        conn_free(s->slots[i].c);
        if (s->slots[i].req->full)
            config_free(&s->slots[i].req->cfg);
        free(s->slots[i].req);
    }
    s->n_slots = 0;
    for (size_t i = 0; i < s->n_retry; i++) {
        if (s->retry[i]->full)
            config_free(&s->retry[i]->cfg);
        free(s->retry[i]);
    }
    s->n_retry = 0;
    s->rep->cancelled = true;
    finish_scan(s);
}

struct scan_report *scan_take_report(struct scan *s)
{
    if (!s->done)
        scan_cancel(s);
    struct scan_report *r = s->rep;
    s->rep = NULL;
    return r;
}

void scan_free(struct scan *s)
{
    if (!s)
        return;
    if (!s->done && s->rep)
        scan_cancel(s);
    for (size_t i = 0; i < s->n_jobs; i++) {
        free(s->jobs[i]->list);
        free(s->jobs[i]->aux);
        free(s->jobs[i]);
    }
    free(s->jobs);
    free(s->retry);
    free(s->retry_idx);
    free(s->retry_job);
    free(s->slots);
    free(s->address);
    scan_report_free(s->rep);
    config_free(&s->cfg);
    free(s);
}

struct scan_report *scan_run(struct scan *s, void (*progress)(const struct scan *, void *),
                             void *arg)
{
    struct scan_poll *p = xmalloc(sizeof *p); /* large: not on the stack */
    for (bool first = true; scan_step(s, first ? NULL : p); first = false) {
        if (progress)
            progress(s, arg);
        scan_want(s, p);
        scan_poll_wait(p, 1000000);
    }
    free(p);
    if (progress)
        progress(s, arg);
    return scan_take_report(s);
}
