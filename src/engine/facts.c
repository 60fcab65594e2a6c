/* After a handshake: copy every negotiated fact, certificate, verification result and OCSP
 * staple from the live SSL into the report, so nothing above the engine needs OpenSSL. */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/certinfo.h"
#include "engine/chain.h"
#include "engine/conn_internal.h"
#include "engine/ct.h"
#include "engine/doctor_net.h"
#include "engine/verify_errors.h"
#include "wire/wire.h"
#include "model/findings.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/timeutil.h"

static const char *kx_name(int nid)
{
    switch (nid) {
    case NID_kx_rsa: return "RSA";
    case NID_kx_ecdhe: return "ECDHE";
    case NID_kx_dhe: return "DHE";
    case NID_kx_ecdhe_psk: return "ECDHE-PSK";
    case NID_kx_dhe_psk: return "DHE-PSK";
    case NID_kx_rsa_psk: return "RSA-PSK";
    case NID_kx_psk: return "PSK";
    case NID_kx_srp: return "SRP";
    case NID_kx_gost: return "GOST";
    case NID_kx_any: return "any";
    }
    return "unknown";
}

static const char *auth_name(int nid)
{
    switch (nid) {
    case NID_auth_rsa: return "RSA";
    case NID_auth_ecdsa: return "ECDSA";
    case NID_auth_dss: return "DSS";
    case NID_auth_psk: return "PSK";
    case NID_auth_null: return "none";
    case NID_auth_srp: return "SRP";
    case NID_auth_any: return "any";
    }
    return "unknown";
}

/* The handshake signature's algorithm as docs/json.md names it (`signature.type`), from the
 * key type OpenSSL reports; OpenSSL's own short name for anything else. */
static const char *sig_type_name(int type_nid)
{
    switch (type_nid) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSASSA-PSS";
    case EVP_PKEY_EC: return "ECDSA";
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    case EVP_PKEY_DSA: return "DSA";
    }
    const char *sn = OBJ_nid2sn(type_nid);
    return sn ? sn : "unknown";
}

/* TLS 1.3 style scheme name from the signature type and digest OpenSSL reports. */
static char *sig_scheme(int type_nid, int md_nid, const struct report *r)
{
    const char *md = md_nid != NID_undef ? OBJ_nid2sn(md_nid) : NULL;
    char mdl[16] = "";
    for (size_t i = 0; md && md[i] && i + 1 < sizeof(mdl); i++)
        mdl[i] = (char)(md[i] >= 'A' && md[i] <= 'Z' ? md[i] + 32 : md[i]);
    switch (type_nid) {
    case EVP_PKEY_RSA_PSS:
        return xasprintf("rsa_pss_%s_%s",
                         r->n_sent && r->sent[0].key_type && !strcmp(r->sent[0].key_type, "RSA-PSS")
                             ? "pss"
                             : "rsae",
                         mdl);
    case EVP_PKEY_RSA: return xasprintf("rsa_pkcs1_%s", mdl);
    case EVP_PKEY_EC: {
        const char *curve = r->n_sent ? r->sent[0].key_curve : NULL;
        if (curve && !strcmp(curve, "prime256v1"))
            return xasprintf("ecdsa_secp256r1_%s", mdl);
        if (curve && !strcmp(curve, "secp384r1"))
            return xasprintf("ecdsa_secp384r1_%s", mdl);
        if (curve && !strcmp(curve, "secp521r1"))
            return xasprintf("ecdsa_secp521r1_%s", mdl);
        return xasprintf("ecdsa_%s", mdl);
    }
    case EVP_PKEY_ED25519: return xstrdup("ed25519");
    case EVP_PKEY_ED448: return xstrdup("ed448");
    }
    return NULL;
}

/* The signature scheme the server used: read from its CertificateVerify in TLS 1.3 (the
 * exact code point), else derived from the type and digest OpenSSL reports and the leaf key.
 * Needs the sent chain already copied. */
static void collect_sig_scheme(struct conn *c)
{
    struct report *r = c->r;
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->connection == 1 && ev->dir == DIR_RECEIVED &&
            ev->hs_type == SSL3_MT_CERTIFICATE_VERIFY && ev->n_bytes >= 6) {
            char buf[WIRE_NAME_BUF];
            uint16_t id = (uint16_t)((ev->bytes[4] << 8) | ev->bytes[5]);
            r->sig_scheme = xstrdup(wire_sigalg_name(id, buf, sizeof(buf)));
            return;
        }
    }
    int type_nid = NID_undef, md_nid = NID_undef;
    if (SSL_get_peer_signature_type_nid(c->ssl, &type_nid) && type_nid != NID_undef) {
        SSL_get_peer_signature_nid(c->ssl, &md_nid);
        r->sig_scheme = sig_scheme(type_nid, md_nid, r);
    }
}

static void collect_negotiated(struct conn *c)
{
    SSL *ssl = c->ssl;
    struct report *r = c->r;
    r->protocol = xstrdup(SSL_get_version(ssl));
    r->protocol_version = SSL_version(ssl);
    const SSL_CIPHER *ciph = SSL_get_current_cipher(ssl);
    if (ciph) {
        r->cipher_name = xstrdup(SSL_CIPHER_get_name(ciph));
        r->cipher_iana = xstrdup(SSL_CIPHER_standard_name(ciph));
        r->cipher_id = SSL_CIPHER_get_protocol_id(ciph);
        r->cipher_bits = SSL_CIPHER_get_bits(ciph, NULL);
        r->cipher_kx = xstrdup(kx_name(SSL_CIPHER_get_kx_nid(ciph)));
        r->cipher_auth = xstrdup(auth_name(SSL_CIPHER_get_auth_nid(ciph)));
    }
    int group = SSL_get_negotiated_group(ssl);
    if (group != 0 && group != NID_undef) {
        const char *g = SSL_group_to_name(ssl, group);
        r->group = xstrdup(g ? g : OBJ_nid2sn(group));
    }
    EVP_PKEY *tmp = NULL;
    if (SSL_get_peer_tmp_key(ssl, &tmp) && tmp) {
        const char *t = EVP_PKEY_get0_type_name(tmp);
        r->peer_key_type = xstrdup(t ? t : OBJ_nid2sn(EVP_PKEY_get_id(tmp)));
        r->peer_key_bits = EVP_PKEY_get_bits(tmp);
        EVP_PKEY_free(tmp);
    }
    int type_nid = NID_undef, md_nid = NID_undef;
    if (SSL_get_peer_signature_type_nid(ssl, &type_nid) && type_nid != NID_undef) {
        SSL_get_peer_signature_nid(ssl, &md_nid);
        r->sig_type = xstrdup(sig_type_name(type_nid));
        r->sig_digest = md_nid != NID_undef ? xstrdup(OBJ_nid2sn(md_nid)) : NULL;
    }
    const unsigned char *alpn = NULL;
    unsigned alpn_len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    if (alpn && alpn_len)
        r->alpn = utf8_repair((const char *)alpn, alpn_len);

    r->session_reused = SSL_session_reused(ssl) == 1;
    bool tls13 = r->protocol_version == TLS1_3_VERSION;
    if (!tls13) {
        r->extended_master_secret = SSL_get_extms_support(ssl) == 1 ? TRI_YES : TRI_NO;
        r->secure_renegotiation = SSL_get_secure_renegotiation_support(ssl) ? TRI_YES : TRI_NO;
    }
    r->tickets = 0;
    for (size_t i = 0; i < r->n_events; i++)
        if (r->events[i].connection == 1 && r->events[i].dir == DIR_RECEIVED &&
            r->events[i].hs_type == SSL3_MT_NEWSESSION_TICKET)
            r->tickets++;
    if (c->session && SSL_SESSION_has_ticket(c->session))
        r->ticket_lifetime_hint = (long)SSL_SESSION_get_ticket_lifetime_hint(c->session);
}

static void asn1_time_iso(const ASN1_GENERALIZEDTIME *t, char *out, size_t n)
{
    struct tm tm;
    out[0] = '\0';
    if (t && ASN1_TIME_to_tm(t, &tm) == 1)
        strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void collect_ocsp(struct conn *c, STACK_OF(X509) * chain)
{
    struct report *r = c->r;
    if (!c->cfg.ocsp && !c->cfg.ocsp_required)
        return;
    const unsigned char *p = NULL;
    long len = SSL_get_tlsext_status_ocsp_resp(c->ssl, &p);
    if (len <= 0 || !p)
        return;
    r->ocsp_stapled = true;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, len);
    OCSP_BASICRESP *bs = NULL;
    if (!resp) {
        r->ocsp_problem = xstrdup("the stapled response is not valid DER");
        goto out;
    }
    int st = OCSP_response_status(resp);
    if (st != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        r->ocsp_problem = xasprintf("the responder answered '%s'", OCSP_response_status_str(st));
        goto out;
    }
    bs = OCSP_response_get1_basic(resp);
    if (!bs || OCSP_resp_count(bs) < 1) {
        r->ocsp_problem = xstrdup("the stapled response holds no certificate status");
        goto out;
    }
    OCSP_SINGLERESP *single = OCSP_resp_get0(bs, 0);
    int reason = 0;
    ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
    int status = OCSP_single_get0_status(single, &reason, &rev, &thisupd, &nextupd);
    r->ocsp_status = xstrdup(status == V_OCSP_CERTSTATUS_GOOD      ? "good"
                             : status == V_OCSP_CERTSTATUS_REVOKED ? "revoked"
                                                                   : "unknown");
    asn1_time_iso(thisupd, r->ocsp_this_update, sizeof(r->ocsp_this_update));
    asn1_time_iso(nextupd, r->ocsp_next_update, sizeof(r->ocsp_next_update));
    asn1_time_iso(rev, r->ocsp_revoked_at, sizeof(r->ocsp_revoked_at));
    const ASN1_OCTET_STRING *keyid = NULL;
    const X509_NAME *name = NULL;
    if (OCSP_resp_get0_id(bs, &keyid, &name) == 1) {
        if (name) {
            r->ocsp_responder = certinfo_name(name);
        } else if (keyid) {
            char *hex = OPENSSL_buf2hexstr(keyid->data, keyid->length);
            r->ocsp_responder = xasprintf("key id %s", hex ? hex : "?");
            OPENSSL_free(hex);
        }
    }
    /* Check the response's signature against the chain and the trust store. */
    X509_STORE *store = SSL_CTX_get_cert_store(c->ctx);
    if (OCSP_basic_verify(bs, chain, store, 0) != 1) {
        char e[256];
        r->ocsp_problem =
            xasprintf("the response's signature does not verify (%s)", ossl_errors(e, sizeof(e)));
    } else if (OCSP_check_validity(thisupd, nextupd, 300, -1) != 1) {
        r->ocsp_problem = xstrdup("the response is outside its validity period (stale staple)");
    }
out:
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    ERR_clear_error();
}

/* Copies at most REPORT_CHAIN_MAX certificates of sk; *total keeps how many there were. */
static void copy_chain(STACK_OF(X509) * sk, struct cert_info **out, size_t *n, size_t *total,
                       time_t now)
{
    int count = sk ? sk_X509_num(sk) : 0;
    *total = count > 0 ? (size_t)count : 0;
    if (count > REPORT_CHAIN_MAX)
        count = REPORT_CHAIN_MAX; /* bound: a chain longer than this is an attack or a mistake */
    *out = xcalloc((size_t)(count ? count : 1), sizeof(**out));
    *n = 0;
    for (int i = 0; i < count; i++)
        if (certinfo_from_x509(sk_X509_value(sk, i), now, &(*out)[*n]) == 0)
            (*n)++;
}

static bool code_ignored(const struct conn *c, int code)
{
    for (size_t i = 0; i < c->n_ignore; i++)
        if (c->ignore_codes[i] == code)
            return true;
    return false;
}

static void add_verify_error(struct report *r, int depth, int code, const char *name,
                             const char *message, char *explanation, char *fix, bool ignored)
{
    r->verify_errors =
        xrealloc(r->verify_errors, (r->n_verify_errors + 1) * sizeof(*r->verify_errors));
    struct verify_error *e = &r->verify_errors[r->n_verify_errors++];
    e->depth = depth;
    e->code = code;
    e->name = xstrdup(name);
    e->message = xstrdup(message);
    e->explanation = explanation;
    e->fix = fix;
    e->ignored = ignored;
}

static void collect_verify(struct conn *c, time_t now)
{
    struct report *r = c->r;
    const char *name = config_sni(&c->cfg) ? config_sni(&c->cfg) : c->cfg.host;
    bool all_ignored = true;
    for (size_t i = 0; i < c->n_verify; i++) {
        int code = c->verify[i].code, depth = c->verify[i].depth;
        const struct cert_info *ci = NULL;
        if (depth >= 0 && (size_t)depth < r->n_verified)
            ci = &r->verified[depth];
        else if (depth >= 0 && (size_t)depth < r->n_sent)
            ci = &r->sent[depth];
        char buf[64];
        char *expl = NULL, *fix = NULL;
        verify_error_describe(code, depth, ci, r->n_verified ? r->n_verified : r->n_sent, name, now,
                              &expl, &fix);
        bool ign = code_ignored(c, code);
        if (!ign)
            all_ignored = false;
        add_verify_error(r, depth, code, verify_error_name(code, buf, sizeof(buf)),
                         X509_verify_cert_error_string(code), expl, fix, ign);
    }
    /* Pins: accept the chain only if some certificate's public key matches one of them. */
    if (c->cfg.pins.len) {
        r->pins_checked = true;
        for (size_t d = 0; d < r->n_verified && !r->pin_match; d++)
            for (size_t p = 0; p < c->cfg.pins.len; p++)
                if (r->verified[d].spki_sha256 &&
                    !strcmp(c->cfg.pins.items[p] + 8, r->verified[d].spki_sha256)) {
                    r->pin_match = true;
                    r->pin_depth = (int)d;
                }
        for (size_t d = 0; d < r->n_sent && !r->pin_match; d++)
            for (size_t p = 0; p < c->cfg.pins.len; p++)
                if (r->sent[d].spki_sha256 &&
                    !strcmp(c->cfg.pins.items[p] + 8, r->sent[d].spki_sha256)) {
                    r->pin_match = true;
                    r->pin_depth = (int)d;
                }
        if (!r->pin_match) {
            all_ignored = false;
            add_verify_error(
                r, -1, 0, "TLSCOPE_PIN_MISMATCH", "no certificate matches a configured pin",
                xasprintf("None of the %zu certificates the server presented has a public key "
                          "matching the %zu pin(s) given; the leaf's pin is sha256//%s.",
                          r->n_sent, c->cfg.pins.len,
                          r->n_sent && r->sent[0].spki_sha256 ? r->sent[0].spki_sha256 : "?"),
                xstrdup("If the server's key was rotated on purpose, update the pin; otherwise "
                        "this may not be the server you meant to reach."),
                false);
        }
    }
    r->verify_ok = all_ignored && r->n_sent > 0;

    /* The name check, with the name that matched. */
    if (c->cfg.hostname_check && r->n_sent) {
        X509 *leaf = SSL_get0_peer_certificate(c->ssl);
        r->hostname_checked = true;
        r->hostname = xstrdup(name);
        if (host_is_ip_literal(name)) {
            r->hostname_match = X509_check_ip_asc(leaf, name, 0) == 1;
            if (r->hostname_match)
                r->hostname_matched = xasprintf("IP:%s", name);
        } else {
            char *peername = NULL;
            r->hostname_match = X509_check_host(leaf, name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                                                &peername) == 1;
            if (peername) {
                r->hostname_matched = utf8_repair(peername, strlen(peername));
                OPENSSL_free(peername);
            }
        }
    }
}

static void collect_server_extensions(struct report *r)
{
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->connection != 1 || ev->dir != DIR_RECEIVED || ev->content_type != 22)
            continue;
        if (ev->hs_type != 2 && ev->hs_type != 8)
            continue;
        struct wire_ext_list exts = {0};
        if (wire_parse_extension_list(ev->bytes, ev->n_bytes, &exts) == 0) {
            for (size_t k = 0; k < exts.n; k++) {
                char buf[32];
                const char *n = wire_extension_name(exts.types[k], buf, sizeof(buf));
                if (!strlist_contains(&r->server_extensions, n))
                    strlist_push(&r->server_extensions, n);
            }
        }
        wire_ext_list_free(&exts);
    }
}

void facts_offered(struct conn *c)
{
    struct report *r = c->r;
    if (r->offered.client_hello_len)
        return;
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->dir != DIR_SENT || ev->hs_type != SSL3_MT_CLIENT_HELLO || ev->connection != 1)
            continue;
        struct wire_hello ch;
        const char *why = NULL;
        if (wire_parse_client_hello(ev->bytes, ev->n_bytes, &ch, &why) == 0) {
            wire_fill_offered(&ch, &r->offered);
            /* OpenSSL's names beside the IANA ones, for people who write cipher strings. */
            strlist_clear(&r->offered.ciphers_openssl);
            for (size_t k = 0; k < ch.n_ciphers; k++) {
                if (wire_cipher_is_grease(ch.ciphers[k]))
                    continue;
                unsigned char id[2] = {(unsigned char)(ch.ciphers[k] >> 8),
                                       (unsigned char)ch.ciphers[k]};
                const SSL_CIPHER *sc = c->ssl ? SSL_CIPHER_find(c->ssl, id) : NULL;
                strlist_push(&r->offered.ciphers_openssl, sc ? SSL_CIPHER_get_name(sc) : "");
            }
            wire_hello_free(&ch);
        }
        break;
    }
}

/* --ocsp-required: a missing, bad or stale staple fails verification like a chain error. */
static void require_ocsp(struct conn *c)
{
    struct report *r = c->r;
    if (!c->cfg.ocsp_required)
        return;
    const char *problem = NULL;
    if (!r->ocsp_stapled)
        problem = "the server stapled no OCSP response";
    else if (r->ocsp_problem)
        problem = r->ocsp_problem;
    else if (!r->ocsp_status || strcmp(r->ocsp_status, "good") != 0)
        problem = "the stapled OCSP response does not say the certificate is good";
    if (!problem)
        return;
    add_verify_error(r, 0, 0, "TLSCOPE_OCSP_REQUIRED", problem,
                     xasprintf("OCSP stapling is required by this profile and %s.", problem),
                     xstrdup("Enable stapling on the server (nginx: ssl_stapling on; "
                             "ssl_stapling_verify on; Apache: SSLUseStapling on) and make sure it "
                             "can reach its CA's OCSP responder."),
                     false);
    r->verify_ok = false;
}

/* issue 13: --aia and --revocation on a live chain: the fetch stage's job, made while the
 * connection's certificates are at hand (the job keeps its own references). */
bool facts_fetch_start(struct conn *c)
{
    STACK_OF(X509) *sent = c->ssl ? SSL_get_peer_cert_chain(c->ssl) : NULL;
    if ((!c->cfg.aia && !c->cfg.revocation) || !c->r->ok || !sent || sk_X509_num(sent) < 1)
        return false;
    struct doctor_net net = {SSL_CTX_get_cert_store(c->ctx), c->facts_now,
                             c->cfg.timeout_s > 0 ? c->cfg.timeout_s : 10};
    const char *name =
        c->cfg.hostname_check ? (config_sni(&c->cfg) ? config_sni(&c->cfg) : c->cfg.host) : NULL;
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    for (int i = 1; untrusted && i < sk_X509_num(sent); i++)
        sk_X509_push(untrusted, sk_X509_value(sent, i));
    c->doc = doctor_job_new(c->r, &net, sk_X509_value(sent, 0), untrusted,
                            SSL_get0_verified_chain(c->ssl), name, c->cfg.aia, c->cfg.revocation);
    sk_X509_free(untrusted);
    ERR_clear_error();
    return true;
}

/* issue 13: SCTs from the leaf, the TLS extension (with --ct) and the OCSP staple. */
static void collect_scts(struct conn *c, STACK_OF(X509) * sent, STACK_OF(X509) * verified,
                         time_t now)
{
    X509 *leaf = sent && sk_X509_num(sent) ? sk_X509_value(sent, 0) : NULL;
    X509 *issuer = verified && sk_X509_num(verified) > 1 ? sk_X509_value(verified, 1)
                   : sent && sk_X509_num(sent) > 1       ? sk_X509_value(sent, 1)
                                                         : NULL;
    const unsigned char *ocsp = NULL;
    long n = SSL_get_tlsext_status_ocsp_resp(c->ssl, &ocsp);
    const STACK_OF(SCT) *all = c->cfg.ct ? SSL_get0_peer_scts(c->ssl) : NULL;
    STACK_OF(SCT) *tls = sk_SCT_new_null();
    for (int i = 0; all && tls && i < sk_SCT_num(all); i++)
        if (SCT_get_source(sk_SCT_value(all, i)) == SCT_SOURCE_TLS_EXTENSION)
            sk_SCT_push(tls, sk_SCT_value(all, i));
    ct_collect(c->r, c->cfg.ct_logs, leaf, issuer, tls, n > 0 ? ocsp : NULL, n > 0 ? (size_t)n : 0,
               now);
    sk_SCT_free(tls);
    ERR_clear_error();
}

void facts_collect(struct conn *c)
{
    struct report *r = c->r;
    time_t now = time(NULL);
    collect_negotiated(c);
    STACK_OF(X509) *sent = SSL_get_peer_cert_chain(c->ssl);
    STACK_OF(X509) *verified = SSL_get0_verified_chain(c->ssl);
    copy_chain(sent, &r->sent, &r->n_sent, &r->n_sent_total, now);
    copy_chain(verified, &r->verified, &r->n_verified, &r->n_verified_total, now);
    collect_sig_scheme(c);
    collect_verify(c, now);
    chain_roles(r);
    r->chain_issues = chain_analyse(r);
    collect_ocsp(c, sent);
    require_ocsp(c);
    collect_scts(c, sent, verified, now);
    if (c->cert_requested && SSL_get_certificate(c->ssl))
        r->client_cert_sent = certinfo_name(X509_get_subject_name(SSL_get_certificate(c->ssl)));
    facts_offered(c);
    collect_server_extensions(r);
    c->facts_now = now;
    c->findings_due = r->ok; /* computed once every stage has added its facts (conn.c) */
    ERR_clear_error();
}

void facts_collect_reconnect(struct conn *c)
{
    c->r->resumed_on_reconnect = SSL_session_reused(c->ssl) == 1 ? TRI_YES : TRI_NO;
}
