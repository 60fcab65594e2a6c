/* Shared test fixtures: the good TLS 1.3 report, the certificate filler and the small helpers
 * for building reports and looking up findings (see fixture.h). */
#include "lib/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/chain.h"
#include "util/mem.h"
#include "util/strlist.h"

struct report *fixture_good_report(void)
{
    struct report *r = report_new();
    r->host = xstrdup("localhost");
    r->port = 8443;
    r->address = xstrdup("127.0.0.1");
    r->sni = xstrdup("localhost");
    r->ok = true;
    r->reached = STAGE_DONE;
    r->protocol = xstrdup("TLSv1.3");
    r->protocol_version = 0x0304;
    r->cipher_name = xstrdup("TLS_AES_256_GCM_SHA384");
    r->cipher_iana = xstrdup("TLS_AES_256_GCM_SHA384");
    r->cipher_id = 0x1302;
    r->cipher_bits = 256;
    r->cipher_kx = xstrdup("any");
    r->cipher_auth = xstrdup("any");
    r->group = xstrdup("x25519");
    r->peer_key_type = xstrdup("X25519");
    r->peer_key_bits = 253;
    r->sig_type = xstrdup("RSASSA-PSS");
    r->sig_digest = xstrdup("SHA256");
    r->sig_scheme = xstrdup("rsa_pss_rsae_sha256");
    r->alpn = xstrdup("h2");
    r->tickets = 2;
    r->verify_ok = true;
    r->hostname_checked = r->hostname_match = true;
    r->hostname = xstrdup("localhost");
    r->hostname_matched = xstrdup("DNS:localhost");
    strlist_push(&r->offered.versions, "TLSv1.3");
    strlist_push(&r->offered.versions, "TLSv1.2");
    r->effective.min_proto = xstrdup("TLSv1.2");
    r->effective.min_proto_source = "option";
    r->effective.max_proto = xstrdup("");
    r->effective.max_proto_source = "library";
    r->effective.sec_level = 2;
    r->effective.verify = r->effective.hostname_check = true;
    r->effective.openssl_version = xstrdup("OpenSSL 3.0.19 27 Jan 2026");
    return r;
}

void fixture_fill_cert(struct cert_info *c, const char *subject, const char *issuer,
                       const char *sha256, long days_left)
{
    c->subject = xstrdup(subject);
    c->issuer = xstrdup(issuer);
    c->serial = xstrdup("1F2E3D");
    snprintf(c->not_before, sizeof(c->not_before), "2026-01-01T00:00:00Z");
    snprintf(c->not_after, sizeof(c->not_after), "2027-01-01T00:00:00Z");
    c->days_left = days_left;
    c->key_type = xstrdup("RSA");
    c->key_bits = 2048;
    c->signature_algorithm = xstrdup("sha256WithRSAEncryption");
    c->path_len = -1;
    c->sha256 = xstrdup(sha256);
    c->sha1 = xstrdup("01:02:03:04");
    c->spki_sha256 = xstrdup("q4xyzPIN+/=");
}

void fixture_push_verify_error(struct report *r, const char *name, int depth, bool ignored)
{
    r->verify_errors =
        xrealloc(r->verify_errors, (r->n_verify_errors + 1) * sizeof(*r->verify_errors));
    struct verify_error *e = &r->verify_errors[r->n_verify_errors++];
    memset(e, 0, sizeof(*e));
    e->depth = depth;
    e->name = xstrdup(name);
    e->message = xasprintf("message for %s", name);
    e->explanation = xasprintf("explanation for %s", name);
    e->fix = xasprintf("fix for %s", name);
    e->ignored = ignored;
    if (!ignored)
        r->verify_ok = false;
}

void fixture_set_str(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

const struct finding *fixture_finding(const struct report *r, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].id, id))
            return &r->findings[i];
    return NULL;
}

/* The shared certificate for "CN=cn, O=TLS Lab, C=XX" issued by issuer_cn likewise, with its
 * CN and an EC P-256 key signed with ECDSA. */
void fixture_fill_lab_cert(struct cert_info *c, const char *cn, const char *issuer_cn, long days,
                           const char *sha256)
{
    char *subject = xasprintf("CN=%s, O=TLS Lab, C=XX", cn);
    char *issuer = xasprintf("CN=%s, O=TLS Lab, C=XX", issuer_cn);
    fixture_fill_cert(c, subject, issuer, sha256, days);
    free(subject);
    free(issuer);
    c->subject_cn = xstrdup(cn);
    free(c->key_type);
    c->key_type = xstrdup("EC");
    c->key_bits = 256;
    c->key_curve = xstrdup("prime256v1");
    free(c->signature_algorithm);
    c->signature_algorithm = xstrdup("ecdsa-with-SHA256");
}

static void add_extension(struct cert_info *c, const char *name, bool critical, const char *value)
{
    c->extensions = xrealloc(c->extensions, (c->n_extensions + 1) * sizeof(*c->extensions));
    c->extensions[c->n_extensions++] =
        (struct name_value){.name = xstrdup(name), .value = xstrdup(value), .critical = critical};
}

static void push_issuer_error(struct report *r, int depth, bool ignored)
{
    r->verify_errors =
        xrealloc(r->verify_errors, (r->n_verify_errors + 1) * sizeof(*r->verify_errors));
    r->verify_errors[r->n_verify_errors++] = (struct verify_error){
        .depth = depth,
        .code = 20,
        .name = xstrdup("X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"),
        .message = xstrdup("unable to get local issuer certificate"),
        .explanation = xstrdup("The intermediate's issuer is not in the trust store."),
        .fix = xstrdup("Install the root on the clients."),
        .ignored = ignored,
    };
}

/* Sent: leaf, intermediate. Verified: leaf, intermediate, root (self-signed, not sent). An
 * error at depth 1; days left 364 (ok), 20 (warn), -5 (bad); no chain issue. */
struct report *fixture_chain_report(const char *leaf_cn)
{
    struct report *r = report_new();
    r->host = xstrdup("localhost");
    r->port = 8443;
    r->ok = true;
    r->protocol = xstrdup("TLSv1.3");
    r->sent = xcalloc(2, sizeof(*r->sent));
    r->n_sent = 2;
    fixture_fill_lab_cert(&r->sent[0], leaf_cn, "TLS Lab Intermediate CA", 364, "AA:01");
    fixture_fill_lab_cert(&r->sent[1], "TLS Lab Intermediate CA", "TLS Lab Root CA", 20, "BB:02");
    r->sent[1].is_ca = true;
    r->sent[1].path_len = 0;
    strlist_push(&r->sent[0].san, "DNS:localhost");
    strlist_push(&r->sent[0].san, "IP:127.0.0.1");
    strlist_push(&r->sent[0].key_usage, "digitalSignature");
    strlist_push(&r->sent[0].ext_key_usage, "serverAuth");
    r->sent[0].ocsp_url = xstrdup("http://ocsp.example/");
    add_extension(&r->sent[0], "X509v3 Basic Constraints", true, "CA:FALSE");
    add_extension(&r->sent[0], "Authority Information Access", false,
                  "OCSP - URI:http://ocsp.example/\nCA Issuers - URI:http://ca.example/i.crt\n");
    r->sent[0].pem = xstrdup(FIXTURE_LEAF_PEM);
    r->sent[1].pem = xstrdup(FIXTURE_INTER_PEM);
    r->verified = xcalloc(3, sizeof(*r->verified));
    r->n_verified = 3;
    fixture_fill_lab_cert(&r->verified[0], leaf_cn, "TLS Lab Intermediate CA", 364, "AA:01");
    fixture_fill_lab_cert(&r->verified[1], "TLS Lab Intermediate CA", "TLS Lab Root CA", 20,
                          "BB:02");
    fixture_fill_lab_cert(&r->verified[2], "TLS Lab Root CA", "TLS Lab Root CA", -5, "CC:03");
    r->verified[2].is_ca = r->verified[2].self_signed = true;
    push_issuer_error(r, 1, false);
    r->effective.verify = true;
    chain_roles(r);
    return r;
}
