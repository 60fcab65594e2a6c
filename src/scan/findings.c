/* What is weak on a scanned server, each with its severity, the probe that proves it, and the
 * fix in the server's own terms (nginx, Apache, HAProxy). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan_report.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "wire/suites.h"

#define SB_STR(sb) ((sb).buf ? (sb).buf : "")

#define PROTOS_FIX(keep)                                                                           \
    "nginx: ssl_protocols " keep ";  Apache: SSLProtocol -all " keep                               \
    ";  HAProxy: ssl-default-bind-options ssl-min-ver TLSv1.2"

#define CIPHERS_FIX                                                                                \
    "nginx: ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM;  Apache: SSLCipherSuite "          \
    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM;  HAProxy: ssl-default-bind-ciphers "                  \
    "ECDHE+AESGCM:ECDHE+CHACHA20"

static void add(struct scan_report *r, const char *id, enum severity sev, int probe,
                const char *title, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void add(struct scan_report *r, const char *id, enum severity sev, int probe,
                const char *title, const char *fix, const char *fmt, ...)
{
    r->findings = xrealloc(r->findings, (r->n_findings + 1) * sizeof *r->findings);
    struct scan_finding *f = &r->findings[r->n_findings++];
    va_list ap;
    va_start(ap, fmt);
    char *detail = NULL;
    if (vasprintf(&detail, fmt, ap) < 0)
        detail = xstrdup(title);
    va_end(ap);
    *f = (struct scan_finding){id, sev, xstrdup(title), detail, xstrdup(fix), probe};
}

/* The accepted suites (any version) matching pred: names joined, the first one's probe. */
struct match {
    struct strbuf names;
    int n, probe;
    bool with_server_order; /* every version where one is accepted enforces server order */
};

static void match(const struct scan_report *r, bool (*pred)(const struct wire_suite_info *, int),
                  struct match *m)
{
    m->names = (struct strbuf){0};
    m->n = 0, m->probe = -1, m->with_server_order = true;
    for (int v = 0; v < SCAN_VERSIONS; v++) {
        const struct scan_proto *p = &r->protos[v];
        for (size_t i = 0; i < p->n_suites; i++) {
            struct wire_suite_info in;
            if (p->suites[i].ssl2_spec)
                continue; /* SSLv2 is a finding of its own */
            wire_suite_info(p->suites[i].code, &in);
            if (!pred(&in, v))
                continue;
            if (p->server_order != TRI_YES)
                m->with_server_order = false;
            if (m->n < 4 && !strstr(SB_STR(m->names), in.iana))
                sb_printf(&m->names, "%s%s", m->n ? ", " : "", in.iana);
            if (m->probe < 0)
                m->probe = p->suites[i].probe;
            m->n++;
        }
    }
}

static bool is_null(const struct wire_suite_info *in, int v)
{
    (void)v;
    return in->null_cipher;
}
static bool is_anon(const struct wire_suite_info *in, int v)
{
    (void)v;
    return in->anonymous && !in->null_cipher;
}
static bool is_export(const struct wire_suite_info *in, int v)
{
    (void)v;
    return in->exportable;
}
static bool is_rc4(const struct wire_suite_info *in, int v)
{
    (void)v;
    return !strcmp(in->enc, "RC4");
}
static bool is_3des(const struct wire_suite_info *in, int v)
{
    (void)v;
    return !strcmp(in->enc, "3DES") || strstr(in->iana, "3DES") != NULL;
}
static bool is_cbc10(const struct wire_suite_info *in, int v)
{
    return v <= SCAN_TLS10 && !in->aead && strstr(in->iana, "_CBC_") != NULL;
}
static bool no_fs(const struct wire_suite_info *in, int v)
{
    (void)v;
    return !in->forward_secret;
}
static bool is_fs(const struct wire_suite_info *in, int v)
{
    (void)v;
    return in->forward_secret && !in->anonymous;
}
static bool is_aead(const struct wire_suite_info *in, int v)
{
    (void)v;
    return in->aead;
}
static bool is_weak(const struct wire_suite_info *in, int v)
{
    return is_null(in, v) || is_anon(in, v) || in->exportable || is_rc4(in, v) || is_3des(in, v);
}

static void suite_finding(struct scan_report *r, bool (*pred)(const struct wire_suite_info *, int),
                          const char *id, enum severity sev, const char *title, const char *why)
{
    struct match m;
    match(r, pred, &m);
    if (m.n)
        add(r, id, sev, m.probe, title, CIPHERS_FIX, "%d accepted (%s%s). %s", m.n, SB_STR(m.names),
            m.n > 4 ? ", ..." : "", why);
    sb_free(&m.names);
}

static void proto_findings(struct scan_report *r)
{
    const struct scan_proto *p = r->protos;
    if (p[SCAN_SSL2].supported == TRI_YES)
        add(r, "sslv2_enabled", SEV_CRITICAL, p[SCAN_SSL2].probe, "SSLv2 is enabled",
            PROTOS_FIX("TLSv1.2 TLSv1.3"),
            "The server answered an SSLv2 hello: DROWN lets an attacker decrypt TLS sessions "
            "that share its key.");
    if (p[SCAN_SSL3].supported == TRI_YES)
        add(r, "sslv3_enabled", SEV_HIGH, p[SCAN_SSL3].probe, "SSLv3 is enabled",
            PROTOS_FIX("TLSv1.2 TLSv1.3"), "SSLv3 is broken by POODLE (CBC padding).");
    if (p[SCAN_TLS10].supported == TRI_YES)
        add(r, "tls10_enabled", SEV_MEDIUM, p[SCAN_TLS10].probe, "TLS 1.0 is enabled",
            PROTOS_FIX("TLSv1.2 TLSv1.3"),
            "TLS 1.0 is deprecated (RFC 8996): SHA-1/MD5 handshake, CBC attacks (BEAST).");
    if (p[SCAN_TLS11].supported == TRI_YES)
        add(r, "tls11_enabled", SEV_MEDIUM, p[SCAN_TLS11].probe, "TLS 1.1 is enabled",
            PROTOS_FIX("TLSv1.2 TLSv1.3"), "TLS 1.1 is deprecated (RFC 8996).");
    if (p[SCAN_TLS13].supported == TRI_NO && p[SCAN_TLS12].supported == TRI_YES)
        add(r, "no_tls13", SEV_LOW, p[SCAN_TLS13].probe, "TLS 1.3 is not offered",
            PROTOS_FIX("TLSv1.2 TLSv1.3"),
            "TLS 1.3 is faster (one round trip) and has only forward-secret AEAD suites.");
}

static void suites_findings(struct scan_report *r)
{
    suite_finding(r, is_null, "null_ciphers", SEV_CRITICAL, "NULL cipher suites are accepted",
                  "They encrypt nothing.");
    suite_finding(r, is_anon, "anonymous_ciphers", SEV_HIGH, "Anonymous cipher suites are accepted",
                  "They authenticate no server: anyone in the middle can answer.");
    suite_finding(r, is_export, "export_ciphers", SEV_CRITICAL, "EXPORT cipher suites are accepted",
                  "40- and 56-bit keys break in hours (FREAK, Logjam).");
    suite_finding(r, is_rc4, "rc4_ciphers", SEV_HIGH, "RC4 cipher suites are accepted",
                  "RC4 keystream biases reveal plaintext (RFC 7465 forbids RC4).");
    suite_finding(r, is_3des, "3des_ciphers", SEV_MEDIUM, "3DES cipher suites are accepted",
                  "64-bit blocks: SWEET32 recovers cookies from long connections.");
    suite_finding(r, is_cbc10, "cbc_tls10", SEV_LOW, "CBC suites in TLS 1.0 and older",
                  "The predictable IV of TLS 1.0 CBC allows BEAST.");
    struct match fs, nofs, aead;
    match(r, is_fs, &fs);
    match(r, no_fs, &nofs);
    match(r, is_aead, &aead);
    bool any = fs.n + nofs.n > 0;
    if (any && fs.n == 0)
        add(r, "no_forward_secrecy", SEV_HIGH, nofs.probe, "No forward secrecy", CIPHERS_FIX,
            "No accepted suite uses ECDHE or DHE: a stolen key decrypts every recorded session.");
    else if (nofs.n)
        add(r, "static_key_exchange", SEV_LOW, nofs.probe,
            "Suites without forward secrecy are accepted", CIPHERS_FIX,
            "%d accepted (%s%s): a stolen key decrypts sessions that used them.", nofs.n,
            SB_STR(nofs.names), nofs.n > 4 ? ", ..." : "");
    if (any && aead.n == 0)
        add(r, "no_aead", SEV_MEDIUM, nofs.probe >= 0 ? nofs.probe : fs.probe,
            "No AEAD cipher suite", CIPHERS_FIX,
            "Only CBC or stream ciphers: padding-oracle attacks (Lucky13) remain possible.");
    sb_free(&fs.names);
    sb_free(&nofs.names);
    sb_free(&aead.names);
    struct match weak;
    match(r, is_weak, &weak);
    if (weak.n && !weak.with_server_order)
        add(r, "weak_without_server_order", SEV_MEDIUM, weak.probe,
            "Weak suites are accepted and the client chooses",
            "nginx: ssl_prefer_server_ciphers on;  Apache: SSLHonorCipherOrder on;  HAProxy: drop "
            "prefer-client-ciphers from ssl-default-bind-options",
            "Without server order a client (or a downgrade) can pick %s.", SB_STR(weak.names));
    sb_free(&weak.names);
}

static void other_findings(struct scan_report *r)
{
    const struct scan_features *f = &r->features;
    if (f->dh_bits > 0 && f->dh_bits < 2048)
        add(r, "dh_weak", f->dh_bits < 1024 ? SEV_HIGH : SEV_MEDIUM, f->probe_dh,
            "Weak Diffie-Hellman parameters",
            "nginx: ssl_dhparam dhparam4096.pem (openssl dhparam 4096);  Apache: SSLOpenSSLConfCmd "
            "DHParameters dhparam.pem;  HAProxy: ssl-dh-param-file dhparam.pem",
            "DHE suites use a %d-bit group: Logjam breaks groups below 2048 bits.", f->dh_bits);
    if (f->compression == TRI_YES)
        add(r, "compression", SEV_HIGH, f->probe_compression, "TLS compression is enabled",
            "nginx: built without zlib compression (default);  Apache: SSLCompression off;  "
            "HAProxy: link OpenSSL without zlib (HAProxy never enables compression)",
            "The server accepted DEFLATE: CRIME recovers secrets from compressed records.");
    if (f->secure_renegotiation == TRI_NO)
        add(r, "insecure_renegotiation", SEV_HIGH, f->probe_renegotiation,
            "Secure renegotiation is not supported",
            "Upgrade the TLS library (RFC 5746 is in every OpenSSL since 0.9.8m);  Apache: "
            "SSLInsecureRenegotiation off",
            "The ServerHello has no renegotiation_info: renegotiation injection is possible.");
    if (f->fallback_scsv == TRI_NO)
        add(r, "no_fallback_scsv", SEV_LOW, f->probe_fallback, "TLS_FALLBACK_SCSV is not honoured",
            "Upgrade the TLS library (OpenSSL >= 1.0.1j honours it);  or drop old "
            "versions: " PROTOS_FIX("TLSv1.2 TLSv1.3"),
            "A lower version with the fallback signal was accepted: downgrades go unnoticed.");
    if (f->large_hello_tolerant == TRI_NO)
        add(r, "large_hello_intolerant", SEV_MEDIUM, f->probe_large_hello,
            "ClientHellos over 512 bytes are refused",
            "Update the load balancer's firmware (the F5 ClientHello bug)",
            "A padded hello got no answer: clients offering many suites or post-quantum key "
            "shares will fail.");
    if (r->protos[SCAN_TLS13].supported == TRI_YES) {
        bool pq = false;
        for (size_t i = 0; i < r->n_groups; i++)
            pq |=
                r->groups[i].tls13 && (r->groups[i].code == 0x11EC || r->groups[i].code == 0x11EB ||
                                       r->groups[i].code == 0x11ED || r->groups[i].code == 0x6399 ||
                                       (r->groups[i].code >= 512 && r->groups[i].code <= 514));
        if (!pq && r->n_groups)
            add(r, "no_pq_group", SEV_INFO,
                r->groups_order_probe >= 0 ? r->groups_order_probe : r->protos[SCAN_TLS13].probe,
                "No post-quantum key exchange",
                "nginx (OpenSSL >= 3.5): ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1;  "
                "Apache: SSLOpenSSLConfCmd Groups X25519MLKEM768:X25519;  HAProxy: curves "
                "X25519MLKEM768:X25519",
                "TLS 1.3 is offered without X25519MLKEM768 or another hybrid group: recorded "
                "traffic is open to a future quantum computer.");
    }
}

void scan_report_findings(struct scan_report *r)
{
    scan_report_findings_clear(r);
    proto_findings(r);
    suites_findings(r);
    other_findings(r);
}
