/* A scan report as one JSON document (docs/json.md, "Scan reports"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/json.h"
#include "render/json_internal.h"
#include "render/scan.h"
#include "util/strbuf.h"
#include "wire/suites.h"
#include "wire/wire.h"

static json_t *jhex_bytes(const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    char *s = malloc(2 * n + 1);
    if (!s)
        abort();
    for (size_t i = 0; i < n; i++)
        s[2 * i] = hx[p[i] >> 4], s[2 * i + 1] = hx[p[i] & 15];
    s[2 * n] = '\0';
    json_t *v = jstr(s);
    free(s);
    return v;
}

static json_t *evidence(const struct scan_report *r, int probe)
{
    if (probe < 0 || (size_t)probe >= r->n_probes)
        return json_null();
    const struct scan_probe *p = &r->probes[probe];
    json_t *o = jobj();
    jset(o, "probe", jint(probe));
    jset(o, "what", jstr(p->what));
    jset(o, "outcome", jstr(p->full ? "handshake" : hello_outcome_name(p->outcome)));
    jset(o, "sent", jhex_bytes(p->sent, p->n_sent));
    jset(o, "received", jhex_bytes(p->received, p->n_received));
    return o;
}

static json_t *protocols(const struct scan_report *r)
{
    json_t *o = jobj();
    for (int v = 0; v < SCAN_VERSIONS; v++) {
        const struct scan_proto *p = &r->protos[v];
        json_t *e = jobj();
        jset(e, "supported", jtri(p->supported));
        jset(e, "suites", jint((long long)p->n_suites));
        jset(e, "probe", jint_or_null(p->probe));
        jset(e, "error", jstr(p->error));
        jset(o, scan_version_name((enum scan_version)v), e);
    }
    return o;
}

static json_t *ciphers(const struct scan_report *r)
{
    json_t *o = jobj();
    for (int v = 0; v < SCAN_VERSIONS; v++) {
        const struct scan_proto *p = &r->protos[v];
        json_t *a = jarr();
        for (size_t i = 0; i < p->n_suites; i++) {
            struct wire_suite_info in;
            wire_suite_info(p->suites[i].code, &in);
            json_t *e = jobj();
            if (p->suites[i].ssl2_spec) {
                const char *name, *ossl;
                int bits;
                char hex[12];
                wire_ssl2_spec_info(p->suites[i].ssl2_spec, &name, &ossl, &bits);
                snprintf(hex, sizeof hex, "0x%06X", (unsigned)p->suites[i].ssl2_spec);
                jset(e, "iana", jstr(name));
                jset(e, "openssl", jstr(ossl));
                jset(e, "code", jstr(hex));
                jset(e, "bits", jint(bits));
                jset(e, "kx", jstr("RSA"));
                jset(e, "order", jint((long long)i + 1)); /* the server's SERVER-HELLO order */
                jpush(a, e);
                continue;
            }
            jset(e, "iana", jstr(in.iana));
            jset(e, "openssl", jstr(in.openssl));
            jset(e, "code", jhex16(in.code ? in.code : 0));
            jset(e, "bits", jint(in.bits));
            jset(e, "kx", jstr(in.kx));
            jset(e, "order", p->suites[i].order ? jint(p->suites[i].order) : json_null());
            jpush(a, e);
        }
        jset(o, scan_version_name((enum scan_version)v), a);
    }
    return o;
}

static json_t *server_order(const struct scan_report *r)
{
    json_t *o = jobj();
    for (int v = 0; v < SCAN_VERSIONS; v++)
        jset(o, scan_version_name((enum scan_version)v), jtri(r->protos[v].server_order));
    return o;
}

static bool is_pq(uint16_t g)
{
    return g == 0x11EB || g == 0x11EC || g == 0x11ED || g == 0x6399 || g == 0x639A ||
           (g >= 512 && g <= 514);
}

static json_t *groups(const struct scan_report *r)
{
    json_t *o = jobj(), *a = jarr();
    jset(o, "server_order", jtri(r->groups_server_order));
    for (size_t i = 0; i < r->n_groups; i++) {
        const struct scan_group *g = &r->groups[i];
        char buf[WIRE_NAME_BUF];
        json_t *e = jobj();
        jset(e, "name", jstr(wire_group_name(g->code, buf, sizeof buf)));
        jset(e, "code", jhex16(g->code));
        jset(e, "tls13", json_boolean(g->tls13));
        jset(e, "tls12", json_boolean(g->tls12));
        jset(e, "order", g->order ? jint(g->order) : json_null());
        jset(e, "post_quantum", json_boolean(is_pq(g->code)));
        jpush(a, e);
    }
    jset(o, "accepted", a);
    return o;
}

static json_t *sigalgs(const struct scan_report *r)
{
    json_t *a = jarr();
    for (size_t i = 0; i < r->n_sigalgs; i++) {
        const struct scan_sigalg *s = &r->sigalgs[i];
        char buf[WIRE_NAME_BUF];
        json_t *e = jobj();
        jset(e, "name", jstr(wire_sigalg_name(s->code, buf, sizeof buf)));
        jset(e, "code", jhex16(s->code));
        jset(e, "tls12", json_boolean(s->tls12));
        jset(e, "tls13", json_boolean(s->tls13));
        jpush(a, e);
    }
    return a;
}

static json_t *certificates(const struct scan_report *r)
{
    json_t *a = jarr();
    for (size_t i = 0; i < r->n_certs; i++) {
        const struct scan_cert *c = &r->certs[i];
        const struct report *f = c->full;
        json_t *e = jobj();
        jset(e, "kind", jstr(c->kind));
        jset(e, "probe", jint(c->probe));
        jset(e, "protocol", jstr(f->protocol));
        jset(e, "cipher", jstr(f->cipher_iana));
        jset(e, "verify", json_verify(f));
        jset(e, "chain", json_chain(f));
        jpush(a, e);
    }
    return a;
}

static json_t *features(const struct scan_report *r)
{
    const struct scan_features *f = &r->features;
    json_t *o = jobj();
    jset(o, "secure_renegotiation", jtri(f->secure_renegotiation));
    jset(o, "compression", jtri(f->compression));
    jset(o, "fallback_scsv", jtri(f->fallback_scsv));
    jset(o, "session_tickets", jtri(f->session_tickets));
    jset(o, "session_resumption", jtri(f->session_resumption));
    jset(o, "ocsp_stapling", jtri(f->ocsp_stapling));
    jset(o, "alpn", jlist(&f->alpn));
    jset(o, "extended_master_secret", jtri(f->extended_master_secret));
    jset(o, "tls13_middlebox_compat", jtri(f->tls13_middlebox_compat));
    jset(o, "large_hello_tolerant", jtri(f->large_hello_tolerant));
    jset(o, "pq_preferred", jtri(f->pq_preferred));
    jset(o, "dh_bits", f->dh_bits ? jint(f->dh_bits) : json_null());
    return o;
}

static json_t *findings(const struct scan_report *r)
{
    json_t *a = jarr();
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct scan_finding *f = &r->findings[i];
        json_t *o = json_finding(f->id, f->severity, f->title, f->detail, f->fix);
        jset(o, "evidence", evidence(r, f->probe));
        jpush(a, o);
    }
    return a;
}

static json_t *throttled(const struct scan_report *r)
{
    const struct scan_throttle *t = &r->throttle;
    json_t *o = jobj(), *un = jarr();
    jset(o, "detected", json_boolean(t->detected));
    jset(o, "retries", jint(t->retries));
    jset(o, "parallel_from", jint(t->parallel_from));
    jset(o, "parallel_to", jint(t->parallel_to));
    jset(o, "delay_from_ms", jint(t->delay_from_ms));
    jset(o, "delay_to_ms", jint(t->delay_to_ms));
    for (size_t i = 0; i < r->n_probes; i++)
        if (r->probes[i].error) {
            json_t *e = jobj();
            jset(e, "probe", jint((long long)i));
            jset(e, "what", jstr(r->probes[i].what));
            jset(e, "error", jstr(r->probes[i].error));
            jpush(un, e);
        }
    jset(o, "unknown", un);
    return o;
}

static json_t *scan_object(const struct scan_report *r)
{
    json_t *o = jobj();
    jset(o, "protocols", protocols(r));
    jset(o, "ciphers", ciphers(r));
    jset(o, "server_order", server_order(r));
    jset(o, "groups", groups(r));
    jset(o, "sigalgs", sigalgs(r));
    jset(o, "certificates", certificates(r));
    jset(o, "features", features(r));
    jset(o, "findings", findings(r));
    jset(o, "probes", jint((long long)r->n_probes));
    jset(o, "connections", jint(r->connections));
    jset(o, "elapsed_ms", jms(r->elapsed_ms));
    jset(o, "throttled", throttled(r));
    return o;
}

char *scan_render_json(const struct scan_report *r, bool pretty)
{
    json_t *root = jobj(), *target = jobj();
    jset(root, "version", jint(JSON_FORMAT_VERSION));
    jset(root, "tool", json_tool());
    jset(root, "started_at", jstr(r->started_at[0] ? r->started_at : NULL));
    jset(target, "host", jstr(r->host));
    jset(target, "port", jint(r->port));
    jset(target, "sni", jstr(r->sni));
    jset(root, "target", target);
    jset(root, "cancelled", json_boolean(r->cancelled));
    jset(root, "error", jstr(r->error));
    jset(root, "scan", scan_object(r));
    size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15);
    flags |= pretty ? JSON_INDENT(2) : JSON_COMPACT;
    char *doc = json_dumps(root, flags);
    json_decref(root);
    if (!doc)
        abort();
    char *out = json_escape_unsafe(doc);
    free(doc);
    return out;
}
