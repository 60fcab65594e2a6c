/* Planning, continued: features (raw probes) and full handshakes (certificates, resumption,
 * OCSP stapling, the DH size). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan_internal.h"
#include "util/mem.h"
#include "wire/suites.h"
#include "wire/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const alpn_try[] = {"h2", "http/1.1", "http/1.0", "spdy/3.1", "acme-tls/1"};

enum feature {
    F_BASE12,      /* a TLS <= 1.2 hello with every extension: what the ServerHello echoes */
    F_COMPRESSION, /* DEFLATE offered before null */
    F_FALLBACK,    /* a lower version with TLS_FALLBACK_SCSV */
    F_LARGE,       /* a hello padded past 512 bytes */
    F_MIDDLEBOX,   /* TLS 1.3 with a legacy session id: echoed? */
    F_ALPN,        /* F_ALPN + i: alpn_try[i] */
};
#define F_COUNT (F_ALPN + (int)NELEM(alpn_try))

/* The supported TLS version just below the highest (<= TLS 1.2), or SCAN_SSL2 when none. */
static enum scan_version lower(const struct scan *s)
{
    enum scan_version top = plan_best(s);
    for (int v = (int)top - 1; v >= SCAN_TLS10; v--)
        if (plan_supported(s, (enum scan_version)v))
            return (enum scan_version)v;
    return SCAN_SSL2;
}

static void tls12_hello(const struct scan *s, struct probe_req *q, enum scan_version v)
{
    plan_req_version(q, v);
    plan_req_suites(q, &s->rep->protos[v], false);
}

static int feature_req(struct scan *s, int f, struct probe_req *q)
{
    enum scan_version b12 = plan_best12(s), top = plan_best(s);
    bool have12 = b12 >= SCAN_TLS10;
    q->tag = f;
    switch (f) {
    case F_BASE12:
        if (!have12)
            return 0;
        tls12_hello(s, q, b12);
        q->tls12_exts = true;
        snprintf(q->what, sizeof q->what, "%s extensions (renegotiation, EMS, ticket, OCSP)",
                 scan_version_name(b12));
        return 1;
    case F_COMPRESSION:
        if (!have12)
            return 0;
        tls12_hello(s, q, b12);
        q->compressions[0] = 1, q->compressions[1] = 0;
        q->n_compressions = 2;
        snprintf(q->what, sizeof q->what, "%s compression (DEFLATE offered)",
                 scan_version_name(b12));
        return 1;
    case F_FALLBACK: {
        enum scan_version lo = lower(s);
        if (lo == SCAN_SSL2)
            return 0;
        tls12_hello(s, q, lo);
        if (q->n_ciphers < REQ_CIPHERS_MAX)
            q->ciphers[q->n_ciphers++] = 0x5600;
        snprintf(q->what, sizeof q->what, "%s with TLS_FALLBACK_SCSV", scan_version_name(lo));
        return 1;
    }
    case F_LARGE:
        if (top == SCAN_SSL2 || top == SCAN_SSL3)
            return 0;
        plan_req_version(q, top);
        plan_req_suites(q, &s->rep->protos[top], false);
        q->n_ciphers = q->n_ciphers > 1 ? 1 : q->n_ciphers;
        q->pad_to = 700;
        snprintf(q->what, sizeof q->what, "%s hello padded to 700 bytes", scan_version_name(top));
        return 1;
    case F_MIDDLEBOX:
        if (top != SCAN_TLS13)
            return 0;
        plan_req_version(q, SCAN_TLS13);
        plan_req_suites(q, &s->rep->protos[SCAN_TLS13], false);
        q->session_id = true;
        snprintf(q->what, sizeof q->what, "TLSv1.3 with a legacy session id (middlebox mode)");
        return 1;
    default: break;
    }
    const char *proto = alpn_try[f - F_ALPN];
    if (have12) {
        tls12_hello(s, q, b12);
        q->alpn[0] = proto;
        q->n_alpn = 1;
    } else if (top == SCAN_TLS13 && !s->opts.no_full) {
        q->full = true; /* ALPN is encrypted in TLS 1.3: a full handshake shows it */
        config_copy(&q->cfg, &s->cfg);
        q->cfg.verify = false;
        strlist_clear(&q->cfg.alpn);
        strlist_push(&q->cfg.alpn, proto);
    } else {
        return 0;
    }
    snprintf(q->what, sizeof q->what, "ALPN %s", proto);
    return 1;
}

int features_next(struct scan *s, struct job *j, struct probe_req *q)
{
    while (j->step < F_COUNT) {
        int f = j->step++;
        if (feature_req(s, f, q))
            return 1;
        memset(q, 0, sizeof *q);
    }
    return j->inflight ? 0 : -1;
}

static enum tristate yes(bool b)
{
    return b ? TRI_YES : TRI_NO;
}

void features_done(struct scan *s, struct job *j, const struct probe_req *q, int idx)
{
    (void)j;
    const struct scan_probe *pr = &s->rep->probes[idx];
    struct scan_features *f = &s->rep->features;
    struct scan_reply rp;
    if (pr->error)
        return;
    bool got = scan_read_reply(pr->received, pr->n_received, &rp) == 0;
    bool sh = got && rp.outcome == HELLO_SERVER_HELLO;
    switch (q->tag) {
    case F_BASE12:
        if (!sh)
            return;
        f->secure_renegotiation = yes(rp.ext_reneg), f->probe_renegotiation = idx;
        f->extended_master_secret = yes(rp.ext_ems), f->probe_ems = idx;
        if (rp.ext_ticket)
            f->session_tickets = TRI_YES, f->probe_tickets = idx;
        if (rp.ext_status)
            f->ocsp_stapling = TRI_YES, f->probe_ocsp = idx;
        return;
    case F_COMPRESSION:
        if (sh)
            f->compression = yes(rp.compression != 0), f->probe_compression = idx;
        return;
    case F_FALLBACK:
        f->probe_fallback = idx;
        if (got && rp.outcome == HELLO_ALERT)
            f->fallback_scsv = yes(rp.alert == 86); /* inappropriate_fallback */
        else if (sh)
            f->fallback_scsv = TRI_NO;
        return;
    case F_LARGE:
        f->probe_large_hello = idx;
        f->large_hello_tolerant = yes(got && (sh || rp.outcome == HELLO_RETRY));
        return;
    case F_MIDDLEBOX:
        if (got && (sh || rp.outcome == HELLO_RETRY))
            f->tls13_middlebox_compat = yes(rp.session_id_len == 32), f->probe_middlebox = idx;
        return;
    default: break;
    }
    const char *proto = alpn_try[q->tag - F_ALPN];
    bool ok = q->full ? s->last && s->last->alpn && !strcmp(s->last->alpn, proto)
                      : sh && !strcmp(rp.alpn, proto);
    if (ok && !strlist_contains(&f->alpn, proto))
        strlist_push(&f->alpn, proto);
}

/* ---- full handshakes ---- */

enum cert_kind { K_RSA = 1, K_ECDSA, K_ED25519, K_ED448, K_DSS, K_DH };
static const struct {
    const char *name, *sigalgs, *ciphers;
} kinds[] = {
    [K_RSA] = {"RSA",
               "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:RSA+SHA256:"
               "RSA+SHA384:RSA+SHA512:RSA+SHA1",
               "aRSA:@SECLEVEL=0"},
    [K_ECDSA] = {"ECDSA", "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ECDSA+SHA1",
                 "aECDSA:@SECLEVEL=0"},
    [K_ED25519] = {"Ed25519", "ed25519", "aECDSA:@SECLEVEL=0"},
    [K_ED448] = {"Ed448", "ed448", "aECDSA:@SECLEVEL=0"},
    [K_DSS] = {"DSA", "DSA+SHA256:DSA+SHA1", "aDSS:@SECLEVEL=0"},
    [K_DH] = {"DH", NULL, "kDHE:@SECLEVEL=0"},
};

static void add_kind(struct job *j, uint16_t k)
{
    if (plan_has(j->aux, j->n_aux, k))
        return;
    j->aux = xrealloc(j->aux, (j->n_aux + 1) * sizeof *j->aux);
    j->aux[j->n_aux++] = k;
}

/* The DH group's size from a raw probe's answer: a server sends its ServerKeyExchange in the
 * ServerHello's flight, so a probe that was answered with a DHE suite often holds it already
 * (scan.c ske_dh_bits). Then no full handshake is needed for it: the client's side of one
 * costs ~90 M instructions (~10-20 ms of the poll loop: two checks of the server's public
 * value, a key generation, a derivation), every other probe waiting. True when found. */
static bool dh_from_raw(struct scan *s)
{
    for (int v = SCAN_TLS12; v >= SCAN_TLS10; v--) {
        const struct scan_proto *p = &s->rep->protos[v];
        for (size_t i = 0; i < p->n_suites; i++) {
            struct wire_suite_info in;
            wire_suite_info(p->suites[i].code, &in);
            if (strcmp(in.kx, "DHE") || p->suites[i].probe < 0 ||
                (size_t)p->suites[i].probe >= s->rep->n_probes)
                continue;
            const struct scan_probe *pr = &s->rep->probes[p->suites[i].probe];
            if (!pr->full && pr->cipher == p->suites[i].code && pr->dh_bits > 0) {
                s->rep->features.dh_bits = pr->dh_bits;
                s->rep->features.probe_dh = p->suites[i].probe;
                return true;
            }
        }
    }
    return false;
}

void full_plan(struct scan *s, struct job *j, bool early)
{
    j->multi_seg = early; /* marks the early job */
    if (early) {
        add_kind(j, K_RSA);
        add_kind(j, K_ECDSA);
        return;
    }
    bool dhe = false;
    for (int v = SCAN_TLS10; v <= SCAN_TLS12; v++) {
        const struct scan_proto *p = &s->rep->protos[v];
        for (size_t i = 0; i < p->n_suites; i++) {
            struct wire_suite_info in;
            wire_suite_info(p->suites[i].code, &in);
            if (!strcmp(in.auth, "DSS"))
                add_kind(j, K_DSS);
            dhe |= !strcmp(in.kx, "DHE") && in.openssl;
        }
    }
    if (dhe && !dh_from_raw(s))
        add_kind(j, K_DH);
    if (plan_supported(s, SCAN_TLS13)) { /* last: only when the signature probes found them */
        add_kind(j, K_ED25519);
        add_kind(j, K_ED448);
    }
}

/* Ed25519 / Ed448 certificates exist only where the server signs with them: wait for the
 * signature algorithm probes, then skip the handshake when it does not. */
static int eddsa_wanted(const struct scan *s, uint16_t sigalg)
{
    for (size_t i = 0; i < s->n_jobs; i++)
        if (s->jobs[i]->kind == JOB_SIGALGS && (!s->jobs[i]->finished || s->jobs[i]->inflight))
            return 0;
    for (size_t i = 0; i < s->rep->n_sigalgs; i++)
        if (s->rep->sigalgs[i].code == sigalg)
            return 1;
    return -1;
}

static enum proto_version proto_of(enum scan_version v)
{
    switch (v) {
    case SCAN_TLS10: return PROTO_TLS1_0;
    case SCAN_TLS11: return PROTO_TLS1_1;
    case SCAN_TLS12: return PROTO_TLS1_2;
    case SCAN_TLS13: return PROTO_TLS1_3;
    default: return PROTO_UNSET;
    }
}

int full_next(struct scan *s, struct job *j, struct probe_req *q)
{
    while (j->step < (int)j->n_aux &&
           (j->aux[j->step] == K_ED25519 || j->aux[j->step] == K_ED448)) {
        int w = eddsa_wanted(s, j->aux[j->step] == K_ED25519 ? 0x0807 : 0x0808);
        if (w == 0)
            return 0;
        if (w > 0)
            break;
        j->step++;
    }
    if (j->step >= (int)j->n_aux)
        return j->inflight ? 0 : -1;
    int k = j->aux[j->step];
    q->tag = j->step++;
    q->full = true;
    config_copy(&q->cfg, &s->cfg);
    struct tls_config *c = &q->cfg;
    c->verify = false; /* every chain is fetched; its verification is reported */
    c->sec_level = 0;
    enum scan_version lo = SCAN_TLS13, hi = plan_best(s);
    for (int v = SCAN_TLS10; v <= SCAN_TLS13; v++)
        if (plan_supported(s, (enum scan_version)v) && (enum scan_version)v < lo)
            lo = (enum scan_version)v;
    if (k == K_DH) { /* DHE lives in TLS <= 1.2 only */
        hi = plan_best12(s);
        lo = lo < hi ? lo : hi;
    }
    c->min_proto = proto_of(lo) ? proto_of(lo) : PROTO_TLS1_0;
    c->max_proto = proto_of(hi) ? proto_of(hi) : PROTO_TLS1_2;
    if (j->multi_seg) { /* early: no version known yet, OpenSSL takes the best */
        c->min_proto = PROTO_TLS1_0;
        c->max_proto = PROTO_TLS1_3;
    }
    free(c->ciphers);
    c->ciphers = xstrdup(kinds[k].ciphers);
    free(c->sigalgs);
    c->sigalgs = kinds[k].sigalgs ? xstrdup(kinds[k].sigalgs) : NULL;
    if (q->tag == 0 && j->multi_seg) { /* the first also asks for a staple, tries to resume */
        c->reconnect = true;
        c->ocsp = true;
    }
    if (k == K_DH)
        snprintf(q->what, sizeof q->what, "full handshake: DHE parameters");
    else
        snprintf(q->what, sizeof q->what, "full handshake: %s certificate", kinds[k].name);
    return 1;
}

void full_done(struct scan *s, struct job *j, const struct probe_req *q, int idx)
{
    struct report *r = s->last;
    struct scan_features *f = &s->rep->features;
    int k = j->aux[q->tag];
    if (!r || !r->ok)
        return;
    if (q->cfg.reconnect) {
        f->session_tickets = r->tickets > 0                  ? TRI_YES
                             : f->session_tickets == TRI_YES ? TRI_YES
                                                             : TRI_NO;
        f->probe_tickets = f->probe_tickets < 0 ? idx : f->probe_tickets;
        f->session_resumption = r->resumed_on_reconnect, f->probe_resumption = idx;
        if (r->ocsp_stapled || f->ocsp_stapling != TRI_YES)
            f->ocsp_stapling = yes(r->ocsp_stapled), f->probe_ocsp = idx;
        if (f->extended_master_secret == TRI_NA && r->extended_master_secret != TRI_NA)
            f->extended_master_secret = r->extended_master_secret, f->probe_ems = idx;
        if (f->secure_renegotiation == TRI_NA && r->secure_renegotiation != TRI_NA)
            f->secure_renegotiation = r->secure_renegotiation, f->probe_renegotiation = idx;
    }
    if (k == K_DH) {
        struct scan_reply rp;
        const struct scan_probe *pr = &s->rep->probes[idx];
        scan_read_reply(pr->received, pr->n_received, &rp);
        f->dh_bits = rp.dh_bits                                            ? rp.dh_bits
                     : r->peer_key_type && !strcmp(r->peer_key_type, "DH") ? r->peer_key_bits
                                                                           : 0;
        f->probe_dh = idx;
        return;
    }
    if (!r->n_sent || !r->sent[0].sha256)
        return;
    for (size_t i = 0; i < s->rep->n_certs; i++) {
        const struct report *o = s->rep->certs[i].full;
        if (o->n_sent && o->sent[0].sha256 && !strcmp(o->sent[0].sha256, r->sent[0].sha256))
            return; /* the same certificate: this server has one for both */
    }
    s->rep->certs = xrealloc(s->rep->certs, (s->rep->n_certs + 1) * sizeof *s->rep->certs);
    s->rep->certs[s->rep->n_certs++] = (struct scan_cert){
        xstrdup(r->sent[0].key_type ? r->sent[0].key_type : kinds[k].name), r, idx};
    s->last = NULL; /* the report is the certificate's now */
}
