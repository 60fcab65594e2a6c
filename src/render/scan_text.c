/* A scan report as text for people (see render/scan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/scan.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "wire/record.h"
#include "wire/suites.h"
#include "wire/wire.h"

static const char *tri(enum tristate t, const char *yes, const char *no)
{
    return t == TRI_YES ? yes : t == TRI_NO ? no : "not tested";
}

/* A peer or file string, safe for a terminal. */
static void put_safe(struct strbuf *sb, const char *s)
{
    char *t = sanitize_terminal(s ? s : "");
    sb_puts(sb, t);
    free(t);
}

static void protocols(struct strbuf *sb, const struct scan_report *r)
{
    sb_puts(sb, "\nProtocols\n");
    for (int v = SCAN_VERSIONS - 1; v >= 0; v--) {
        const struct scan_proto *p = &r->protos[v];
        sb_printf(sb, "  %-9s %s", scan_version_name((enum scan_version)v),
                  p->supported == TRI_YES  ? "yes"
                  : p->supported == TRI_NO ? "no"
                                           : "unknown");
        if (p->supported == TRI_YES)
            sb_printf(sb, "  (%zu suites, %s)", p->n_suites,
                      tri(p->server_order, "server order", "client order"));
        if (p->error) {
            sb_puts(sb, "  ");
            put_safe(sb, p->error);
        }
        if (p->probe >= 0)
            sb_printf(sb, "  [probe %d]", p->probe);
        sb_putc(sb, '\n');
    }
}

static void suites(struct strbuf *sb, const struct scan_report *r)
{
    for (int v = SCAN_VERSIONS - 1; v >= 0; v--) {
        const struct scan_proto *p = &r->protos[v];
        if (!p->n_suites)
            continue;
        sb_printf(sb, "\nCipher suites, %s (%s)\n", scan_version_name((enum scan_version)v),
                  p->server_order == TRI_YES  ? "the server's order"
                  : p->server_order == TRI_NO ? "the client chooses"
                                              : "order not tested");
        for (size_t i = 0; i < p->n_suites; i++) {
            struct wire_suite_info in;
            if (p->suites[i].ssl2_spec) {
                const char *name, *ossl;
                int bits;
                wire_ssl2_spec_info(p->suites[i].ssl2_spec, &name, &ossl, &bits);
                sb_printf(sb, "  %3zu  0x%06X  %-43s %-30s %3d bits  RSA\n", i + 1,
                          (unsigned)p->suites[i].ssl2_spec, name, ossl ? ossl : "-", bits);
                continue;
            }
            wire_suite_info(p->suites[i].code, &in);
            char ord[8] = "  -";
            if (p->suites[i].order)
                snprintf(ord, sizeof ord, "%3d", p->suites[i].order);
            sb_printf(sb, "  %s  0x%04X  %-45s %-30s %3d bits  %s\n", ord, in.code, in.iana,
                      in.openssl ? in.openssl : "-", in.bits, in.kx);
        }
    }
}

static void groups(struct strbuf *sb, const struct scan_report *r)
{
    if (!r->n_groups)
        return;
    sb_printf(sb, "\nKey-exchange groups (%s)\n",
              tri(r->groups_server_order, "the server's preference", "the client chooses"));
    for (size_t i = 0; i < r->n_groups; i++) {
        const struct scan_group *g = &r->groups[i];
        char buf[WIRE_NAME_BUF];
        sb_printf(sb, "  %-26s 0x%04X  %s%s%s\n", wire_group_name(g->code, buf, sizeof buf),
                  g->code, g->tls13 ? "TLS 1.3" : "", g->tls13 && g->tls12 ? ", " : "",
                  g->tls12 ? "TLS 1.2 ECDHE" : "");
    }
}

static void sigalgs(struct strbuf *sb, const struct scan_report *r)
{
    if (!r->n_sigalgs)
        return;
    sb_puts(sb, "\nSignature algorithms\n");
    for (size_t i = 0; i < r->n_sigalgs; i++) {
        const struct scan_sigalg *s = &r->sigalgs[i];
        char buf[WIRE_NAME_BUF];
        sb_printf(sb, "  %-34s %s%s%s\n", wire_sigalg_name(s->code, buf, sizeof buf),
                  s->tls13 ? "TLS 1.3" : "", s->tls13 && s->tls12 ? ", " : "",
                  s->tls12 ? "TLS 1.2" : "");
    }
}

static void certificates(struct strbuf *sb, const struct scan_report *r)
{
    if (!r->n_certs)
        return;
    sb_puts(sb, "\nCertificates\n");
    for (size_t i = 0; i < r->n_certs; i++) {
        const struct scan_cert *c = &r->certs[i];
        const struct report *f = c->full;
        sb_puts(sb, "  ");
        put_safe(sb, c->kind);
        sb_printf(sb, " (%s, %s) [probe %d]: chain of %zu, %s\n", f->protocol ? f->protocol : "?",
                  f->cipher_iana ? f->cipher_iana : "?", c->probe, f->n_sent,
                  f->verify_ok ? "verified" : "NOT verified");
        for (size_t k = 0; k < f->n_sent; k++) {
            const struct cert_info *ci = &f->sent[k];
            sb_printf(sb, "    #%zu %-13s ", k, chain_role_label(ci->role));
            put_safe(sb, ci->subject);
            sb_printf(sb, "  %s %d, until %s\n", ci->key_type ? ci->key_type : "?", ci->key_bits,
                      ci->not_after);
        }
        for (size_t k = 0; k < f->n_verify_errors; k++) {
            sb_puts(sb, "    error: ");
            put_safe(sb, f->verify_errors[k].message);
            sb_putc(sb, '\n');
        }
    }
}

static void features(struct strbuf *sb, const struct scan_report *r)
{
    const struct scan_features *f = &r->features;
    sb_puts(sb, "\nFeatures\n");
    sb_printf(sb, "  %-26s %s\n", "secure renegotiation",
              tri(f->secure_renegotiation, "yes", "NO"));
    sb_printf(sb, "  %-26s %s\n", "compression", tri(f->compression, "ENABLED", "off"));
    sb_printf(sb, "  %-26s %s\n", "fallback SCSV", tri(f->fallback_scsv, "honoured", "ignored"));
    sb_printf(sb, "  %-26s %s\n", "session tickets", tri(f->session_tickets, "yes", "no"));
    sb_printf(sb, "  %-26s %s\n", "session resumption", tri(f->session_resumption, "yes", "no"));
    sb_printf(sb, "  %-26s %s\n", "OCSP stapling", tri(f->ocsp_stapling, "yes", "no"));
    sb_printf(sb, "  %-26s %s\n", "extended master secret",
              tri(f->extended_master_secret, "yes", "no"));
    sb_printf(sb, "  %-26s %s\n", "TLS 1.3 middlebox compat",
              tri(f->tls13_middlebox_compat, "yes", "no"));
    sb_printf(sb, "  %-26s %s\n", "hellos over 512 bytes",
              tri(f->large_hello_tolerant, "accepted", "REFUSED"));
    sb_printf(sb, "  %-26s %s\n", "prefers post-quantum", tri(f->pq_preferred, "yes", "no"));
    sb_printf(sb, "  %-26s ", "ALPN");
    for (size_t i = 0; i < f->alpn.len; i++) {
        if (i)
            sb_puts(sb, ", ");
        put_safe(sb, f->alpn.items[i]);
    }
    sb_puts(sb, f->alpn.len ? "\n" : "none accepted\n");
    if (f->dh_bits)
        sb_printf(sb, "  %-26s %d bits\n", "DHE group", f->dh_bits);
}

static void findings(struct strbuf *sb, const struct scan_report *r)
{
    sb_printf(sb, "\nFindings (%zu)\n", r->n_findings);
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct scan_finding *f = &r->findings[i];
        sb_printf(sb, "  %-8s %s", severity_name(f->severity), f->title);
        if (f->probe >= 0)
            sb_printf(sb, "  [probe %d]", f->probe);
        sb_puts(sb, "\n           ");
        put_safe(sb, f->detail);
        sb_puts(sb, "\n           fix: ");
        put_safe(sb, f->fix);
        sb_putc(sb, '\n');
    }
}

char *scan_render_text(const struct scan_report *r)
{
    struct strbuf sb = {0};
    sb_puts(&sb, "Target\n  ");
    put_safe(&sb, r->host);
    sb_printf(&sb, ":%u", r->port);
    if (r->sni) {
        sb_puts(&sb, "  (SNI ");
        put_safe(&sb, r->sni);
        sb_puts(&sb, ")");
    }
    sb_printf(&sb, "  scanned %s%s\n", r->started_at, r->cancelled ? "  CANCELLED" : "");
    if (r->error) {
        sb_puts(&sb, "  error: ");
        put_safe(&sb, r->error);
        sb_putc(&sb, '\n');
    }
    protocols(&sb, r);
    suites(&sb, r);
    groups(&sb, r);
    sigalgs(&sb, r);
    certificates(&sb, r);
    features(&sb, r);
    findings(&sb, r);
    const struct scan_throttle *t = &r->throttle;
    sb_printf(&sb, "\nScan\n  %zu probes, %u connections, %.1f ms\n", r->n_probes, r->connections,
              r->elapsed_ms);
    if (t->retries || t->detected)
        sb_printf(&sb,
                  "  throttled: %d probes sent again; parallel %d -> %d, delay %d -> %d ms%s\n",
                  t->retries, t->parallel_from, t->parallel_to, t->delay_from_ms, t->delay_to_ms,
                  t->detected ? " (the server refused, then answered)" : "");
    if (t->unknown) {
        sb_printf(&sb, "  %d probes got no answer:\n", t->unknown);
        for (size_t i = 0; i < r->n_probes; i++)
            if (r->probes[i].error) {
                sb_printf(&sb, "    [probe %zu] %s: ", i, r->probes[i].what);
                put_safe(&sb, r->probes[i].error);
                sb_putc(&sb, '\n');
            }
    }
    return sb_take(&sb);
}

/* Each record of data, decoded (handshake messages via wire_describe) and in hex. */
static void records(struct strbuf *sb, const uint8_t *d, size_t n)
{
    size_t off = 0;
    for (int guard = 0; off < n && guard < 64; guard++) {
        if (d[off] & 0x80) { /* SSLv2 */
            size_t len = off + 2 <= n ? ((size_t)(d[off] & 0x7f) << 8 | d[off + 1]) : 0;
            size_t take = off + 2 + len <= n ? 2 + len : n - off;
            sb_puts(sb, "    SSLv2 record\n");
            wire_hexdump(d + off, take, sb);
            off += take;
            continue;
        }
        if (off + WIRE_RECORD_HEADER > n)
            break;
        size_t len = (size_t)d[off + 3] << 8 | d[off + 4];
        size_t take = off + WIRE_RECORD_HEADER + len <= n ? len : n - off - WIRE_RECORD_HEADER;
        const uint8_t *body = d + off + WIRE_RECORD_HEADER;
        if (d[off] == WIRE_CT_HANDSHAKE) {
            size_t cnt;
            struct name_value *nv = wire_describe(body, take, false, &cnt);
            for (size_t i = 0; i < cnt; i++) {
                sb_puts(sb, "    ");
                put_safe(sb, nv[i].name);
                sb_puts(sb, ": ");
                put_safe(sb, nv[i].value);
                sb_putc(sb, '\n');
            }
            wire_describe_free(nv, cnt);
        } else if (d[off] == WIRE_CT_ALERT && take >= 2) {
            sb_printf(sb, "    alert: level %u, %s\n", body[0], alert_name(body[1]));
        } else {
            sb_printf(sb, "    %s record\n", content_type_name(d[off]));
        }
        wire_hexdump(d + off, WIRE_RECORD_HEADER + take, sb);
        off += WIRE_RECORD_HEADER + take;
    }
}

char *scan_render_probe(const struct scan_report *r, int probe)
{
    struct strbuf sb = {0};
    if (probe < 0 || (size_t)probe >= r->n_probes) {
        sb_printf(&sb, "no probe %d\n", probe);
        return sb_take(&sb);
    }
    const struct scan_probe *p = &r->probes[probe];
    sb_printf(&sb, "Probe %d: %s\n  answer: %s", probe, p->what,
              p->full ? "full handshake" : hello_outcome_name(p->outcome));
    if (p->outcome == HELLO_ALERT)
        sb_printf(&sb, " (%s)", alert_name(p->alert));
    sb_printf(&sb, ", %d connection%s, %.2f ms\n", p->attempts, p->attempts == 1 ? "" : "s", p->ms);
    if (p->error) {
        sb_puts(&sb, "  no answer: ");
        put_safe(&sb, p->error);
        sb_putc(&sb, '\n');
    }
    sb_printf(&sb, "  sent (%zu bytes)\n", p->n_sent);
    records(&sb, p->sent, p->n_sent);
    sb_printf(&sb, "  received (%zu bytes)\n", p->n_received);
    records(&sb, p->received, p->n_received);
    return sb_take(&sb);
}
