/* Findings about the session: protocol version, cipher, forward secrecy, OCSP stapling and
 * renegotiation. Part of findings_compute; see findings_internal.h. */
#include "model/findings_internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/timeutil.h"

/* ---- the session ------------------------------------------------------------------------- */

static enum proto_version negotiated_version(const struct report *r)
{
    switch (r->protocol_version) {
    case 0x0300: return PROTO_SSL3;
    case 0x0301: return PROTO_TLS1_0;
    case 0x0302: return PROTO_TLS1_1;
    case 0x0303: return PROTO_TLS1_2;
    case 0x0304: return PROTO_TLS1_3;
    }
    return proto_from_name(r->protocol);
}

void f_check_protocol(struct fctx *x)
{
    const struct report *r = x->r;
    enum proto_version v = negotiated_version(r);
    if (v == PROTO_UNSET || v >= PROTO_TLS1_2)
        return;
    struct strbuf sb = {0};
    sb_printf(&sb, "The server negotiated %s", proto_name(v));
    if (r->offered.versions.len && proto_from_name(r->offered.versions.items[0]) > v)
        sb_printf(&sb, " although %s was offered", r->offered.versions.items[0]);
    sb_puts(&sb, v == PROTO_SSL3 ? "; SSL 3.0 is broken (POODLE) and prohibited by RFC 7568."
                                 : "; TLS 1.0 and 1.1 are deprecated by RFC 8996 and "
                                   "refused by current browsers.");
    f_add(x, "old_protocol", v == PROTO_SSL3 ? SEV_HIGH : SEV_MEDIUM,
          xasprintf("%s accepted", proto_label(v)), sb_take(&sb),
          xstrdup("Allow only TLS 1.2 and 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Apache "
                  "`SSLProtocol -all +TLSv1.2 +TLSv1.3`."));
}

static bool kx_is_ephemeral(const char *kx)
{
    static const char *const fs[] = {"ECDHE", "DHE", "ECDHE-PSK", "DHE-PSK", "any"};
    for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
        if (!strcmp(kx, fs[i]))
            return true;
    return false;
}

void f_check_forward_secrecy(struct fctx *x)
{
    const struct report *r = x->r;
    enum proto_version v = negotiated_version(r);
    if (v == PROTO_UNSET || v >= PROTO_TLS1_3 || !r->cipher_kx ||
        !strcmp(r->cipher_kx, "unknown") || kx_is_ephemeral(r->cipher_kx))
        return;
    f_add(x, "no_forward_secrecy", SEV_MEDIUM, xstrdup("No forward secrecy"),
          xasprintf("%s uses %s key exchange: whoever obtains the server's private key later can "
                    "decrypt recorded sessions.",
                    r->cipher_name ? r->cipher_name : "The cipher", r->cipher_kx),
          xstrdup("Prefer ECDHE suites: nginx `ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;` with "
                  "`ssl_prefer_server_ciphers on;`, Apache `SSLCipherSuite "
                  "ECDHE+AESGCM:ECDHE+CHACHA20` with `SSLHonorCipherOrder on`; better, enable "
                  "TLS 1.3."));
}

/* What is wrong with a cipher, read from the tokens of its OpenSSL and IANA names. */
struct cipher_flaws {
    bool rc4, rc2, des, des3, null, export, anon;
};

static void cipher_tokens(const char *name, struct cipher_flaws *f)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", name ? name : "");
    char *save = NULL;
    for (char *t = strtok_r(buf, "-_", &save); t; t = strtok_r(NULL, "-_", &save)) {
        f->rc4 |= !strcasecmp(t, "RC4");
        f->rc2 |= !strcasecmp(t, "RC2");
        f->des |= !strcasecmp(t, "DES");
        f->des3 |= !strcasecmp(t, "3DES") || !strcasecmp(t, "CBC3") || !strcasecmp(t, "EDE");
        f->null |= !strcasecmp(t, "NULL");
        f->export |= !strncasecmp(t, "EXP", 3);
        f->anon |= !strcasecmp(t, "anon") || !strcasecmp(t, "ADH") || !strcasecmp(t, "AECDH");
    }
}

void f_check_cipher(struct fctx *x)
{
    const struct report *r = x->r;
    if (!r->cipher_name && !r->cipher_iana)
        return;
    struct cipher_flaws f = {0};
    cipher_tokens(r->cipher_name, &f);
    cipher_tokens(r->cipher_iana, &f);
    f.anon |= r->cipher_auth && !strcmp(r->cipher_auth, "none");
    struct strbuf why = {0};
    const struct {
        bool on;
        const char *text;
    } reasons[] = {
        {f.rc4, "RC4 (broken, RFC 7465)"},
        {f.rc2, "RC2"},
        {f.des && !f.des3, "single DES (56-bit)"},
        {f.null, "NULL encryption (no confidentiality)"},
        {f.export, "export grade"},
        {f.anon, "anonymous key exchange (no server authentication)"},
    };
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (reasons[i].on)
            sb_printf(&why, "%s%s", why.len ? ", " : "", reasons[i].text);
    if (!f.des3 && !f.null && r->cipher_bits > 0 && r->cipher_bits < 128)
        sb_printf(&why, "%s%d-bit key", why.len ? ", " : "", r->cipher_bits);
    const char *name = r->cipher_name ? r->cipher_name : r->cipher_iana;
    const char *iana = r->cipher_iana ? r->cipher_iana : name;
    if (why.len) {
        char *reasons_text = sb_take(&why);
        f_add(x, "weak_cipher", SEV_HIGH, xasprintf("Weak cipher %s", name),
              xasprintf("Negotiated %s (%s): %s.", name, iana, reasons_text),
              xstrdup("Disable weak suites: nginx `ssl_ciphers "
                      "HIGH:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!RC4:!MD5;`, Apache `SSLCipherSuite` "
                      "with the same string (or use Mozilla's \"intermediate\" configuration)."));
        free(reasons_text);
    } else if (f.des3) {
        f_add(x, "sweet32", SEV_MEDIUM, xasprintf("3DES cipher %s (Sweet32)", name),
              xasprintf("Negotiated %s (%s): 3DES has 64-bit blocks, so long connections leak "
                        "plaintext (Sweet32, CVE-2016-2183); %d-bit effective strength.",
                        name, iana, r->cipher_bits),
              xstrdup("Remove 3DES: add `!3DES` to nginx `ssl_ciphers` or Apache "
                      "`SSLCipherSuite`, and prefer AES-GCM or ChaCha20 suites."));
    }
    sb_free(&why);
}

void f_check_ocsp(struct fctx *x)
{
    const struct report *r = x->r;
    if (r->ocsp_status && !strcmp(r->ocsp_status, "revoked")) {
        f_add(x, "ocsp_revoked", SEV_CRITICAL, xstrdup("Certificate revoked"),
              xasprintf("The stapled OCSP response%s%s says the certificate was revoked%s%s.",
                        r->ocsp_responder ? " from " : "",
                        r->ocsp_responder ? r->ocsp_responder : "",
                        r->ocsp_revoked_at[0] ? " at " : "", r->ocsp_revoked_at),
              xstrdup("Replace the certificate now: generate a new key, get a new certificate "
                      "and reload the server."));
        f_cover(x, E_REVOKED);
    }
    if (r->ocsp_stapled && r->ocsp_problem)
        f_add(x, "ocsp_staple_problem", SEV_LOW, xstrdup("Stapled OCSP response unusable"),
              xasprintf("The server stapled an OCSP response, but: %s.", r->ocsp_problem),
              xstrdup("Check the server's stapling setup (nginx `ssl_trusted_certificate` with the "
                      "CA chain, a working `resolver`) and that it can reach the responder."));
    if (r->ocsp_requested && !r->ocsp_stapled)
        f_add(x, "no_ocsp_staple", SEV_INFO, xstrdup("No OCSP staple"),
              xstrdup("An OCSP staple was requested (status_request) and none came back, so "
                      "clients must ask the CA themselves or skip the revocation check."),
              xstrdup("nginx: `ssl_stapling on; ssl_stapling_verify on;` with a `resolver`; "
                      "Apache: `SSLUseStapling on` and `SSLStaplingCache "
                      "shmcb:/var/run/ocsp(128000)`."));
}

void f_check_renegotiation(struct fctx *x)
{
    const struct report *r = x->r;
    enum proto_version v = negotiated_version(r);
    if (v == PROTO_UNSET || v >= PROTO_TLS1_3)
        return;
    if (r->secure_renegotiation == TRI_NO)
        f_add(x, "insecure_renegotiation", SEV_MEDIUM, xstrdup("No secure renegotiation"),
              xasprintf("The server did not signal RFC 5746 secure renegotiation on %s; if it "
                        "allows renegotiation, an attacker can splice a prefix into the session "
                        "(CVE-2009-3555).",
                        proto_name(v)),
              xstrdup("Update the server's TLS library (every OpenSSL since 0.9.8m supports RFC "
                      "5746) or disable client-initiated renegotiation."));
    if (v == PROTO_TLS1_2 && r->extended_master_secret == TRI_NO)
        f_add(x, "no_extended_master_secret", SEV_LOW, xstrdup("No extended master secret"),
              xstrdup("The server did not use the extended master secret (RFC 7627) on TLS 1.2, "
                      "which leaves session resumption open to triple-handshake attacks."),
              xstrdup("Update the server's TLS library (OpenSSL 1.1.0 and later enable it by "
                      "default), or enable TLS 1.3."));
}
