/* Context-aware explanations of verification errors: who the failing certificate is, what
 * its dates and names say, and what to change on the server (verify_error_describe). */
#include "engine/verify_errors.h"

#include <openssl/x509_vfy.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/verify_errors_internal.h"
#include "util/mem.h"
#include "util/strbuf.h"

/* ---- context-aware descriptions ------------------------------------------------------- */

/* Names from the certificate are cut to this many bytes (at a UTF-8 boundary) in prose. */
#define PROSE_NAME_MAX 96
/* At most this many subjectAltName entries are listed in prose. */
#define PROSE_SAN_MAX 8

enum cert_role { ROLE_CHAIN, ROLE_LEAF, ROLE_INTERMEDIATE, ROLE_ROOT };

/* One describe() call: the inputs plus the two texts being written. */
struct desc {
    int code, depth;
    const struct cert_info *cert; /* may be NULL */
    size_t n_chain;               /* 0 when unknown */
    const char *host;             /* may be NULL */
    time_t now;
    enum cert_role role;
    char *label;      /* "CN=..." or the subject, clipped; NULL when unknown (owned) */
    char *who;        /* "The server's own certificate (CN=...)" (owned) */
    char *who_lc;     /* the same, starting in lower case (owned) */
    struct strbuf ex; /* explanation */
    struct strbuf fx; /* fix */
};

/* A copy of s cut to PROSE_NAME_MAX bytes on a character boundary, "…" marking a cut. */
static char *clip(const char *s)
{
    size_t n = strlen(s);
    if (n <= PROSE_NAME_MAX)
        return xstrdup(s);
    size_t cut = PROSE_NAME_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return xasprintf("%.*s…", (int)cut, s);
}

static enum cert_role role_of(int code, int depth, const struct cert_info *cert, size_t n_chain)
{
    if (depth < 0)
        return ROLE_CHAIN;
    if (depth == 0)
        return ROLE_LEAF;
    if (code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
        return ROLE_ROOT; /* OpenSSL reports it at the self-signed top of the chain */
    if (cert)
        return cert->self_signed ? ROLE_ROOT : ROLE_INTERMEDIATE;
    return n_chain > 0 && (size_t)depth == n_chain - 1 ? ROLE_ROOT : ROLE_INTERMEDIATE;
}

static void desc_init(struct desc *d)
{
    const struct cert_info *c = d->cert;
    if (c && c->subject_cn && *c->subject_cn) {
        char *cn = clip(c->subject_cn);
        d->label = xasprintf("CN=%s", cn);
        free(cn);
    } else if (c && c->subject && *c->subject) {
        d->label = clip(c->subject);
    }
    struct strbuf sb = {0};
    switch (d->role) {
    case ROLE_LEAF: sb_puts(&sb, "The server's own certificate"); break;
    case ROLE_ROOT: sb_puts(&sb, "The root CA"); break;
    case ROLE_INTERMEDIATE: sb_printf(&sb, "The intermediate CA at depth %d", d->depth); break;
    case ROLE_CHAIN: sb_puts(&sb, "The certificate chain"); break;
    }
    if (d->label && d->role != ROLE_CHAIN)
        sb_printf(&sb, " (%s)", d->label);
    d->who = sb_take(&sb);
    d->who_lc = xstrdup(d->who);
    d->who_lc[0] = 't';
}

/* "1 day", "2,156 days" (days >= 0). */
static void days_text(long days, char *out, size_t n)
{
    char digits[24], grouped[32];
    int len = snprintf(digits, sizeof digits, "%ld", days);
    size_t j = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            grouped[j++] = ',';
        grouped[j++] = digits[i];
    }
    grouped[j] = '\0';
    snprintf(out, n, "%s day%s", grouped, days == 1 ? "" : "s");
}

/* Appends " (N days ago)" / " (in N days)" for the distance between t and now, when t lies
 * on the expected side of now. */
static void add_distance(struct strbuf *sb, time_t t, time_t now, bool past)
{
    double secs = past ? difftime(now, t) : difftime(t, now);
    if (secs < 0)
        return;
    if (secs < 86400) {
        sb_puts(sb, past ? " (less than a day ago)" : " (in less than a day)");
        return;
    }
    char days[40];
    days_text((long)(secs / 86400), days, sizeof days);
    sb_printf(sb, past ? " (%s ago)" : " (in %s)", days);
}

/* Joins up to max entries of l starting with prefix (all when NULL) as "a, b and 3 more";
 * returns how many entries matched in total. */
static size_t list_names(struct strbuf *sb, const struct strlist *l, const char *prefix, size_t max)
{
    size_t matched = 0;
    for (size_t i = 0; i < l->len; i++) {
        if (prefix && strncmp(l->items[i], prefix, strlen(prefix)) != 0)
            continue;
        if (matched < max) {
            char *s = clip(l->items[i]);
            sb_printf(sb, "%s%s", matched ? ", " : "", s);
            free(s);
        }
        matched++;
    }
    if (matched > max)
        sb_printf(sb, " and %zu more", matched - max);
    return matched;
}

static bool list_has(const struct strlist *l, const char *s)
{
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

static void d_expired(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_puts(&d->ex, d->who);
    if (c && c->not_after[0]) {
        sb_printf(&d->ex, " expired on %.10s", c->not_after);
        add_distance(&d->ex, c->not_after_t, d->now, true);
    } else {
        sb_puts(&d->ex, " has expired");
    }
    switch (d->role) {
    case ROLE_INTERMEDIATE:
        sb_puts(&d->ex, "; every client that builds the chain through it rejects the server, "
                        "however new the server's own certificate is.");
        sb_puts(&d->fx, "Download the CA's current intermediate (or the full chain your CA or "
                        "ACME client provides today), rebuild the chain file with it and reload "
                        "the server.");
        break;
    case ROLE_ROOT:
        sb_puts(&d->ex, "; clients reject chains that end in it. Servers hit this when they "
                        "keep sending an old cross-signed chain after the CA moved to a new "
                        "root.");
        sb_puts(&d->fx, "Serve the chain your CA issues today (re-fetch fullchain.pem or the "
                        "CA bundle and drop the expired cross-signed certificate); clients with "
                        "an outdated trust store need their ca-certificates package updated.");
        break;
    case ROLE_LEAF:
    case ROLE_CHAIN:
        sb_puts(&d->ex, "; every client rejects it.");
        sb_puts(&d->fx, "Renew the certificate and reload the server (e.g. `certbot renew` then "
                        "reload nginx/apache). If it was already renewed, the server still "
                        "serves the old file: check the certificate path in its configuration "
                        "and reload it.");
        break;
    }
}

static void d_not_yet_valid(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_puts(&d->ex, d->who);
    if (c && c->not_before[0]) {
        sb_printf(&d->ex, " is not valid before %.10s", c->not_before);
        add_distance(&d->ex, c->not_before_t, d->now, false);
    } else {
        sb_puts(&d->ex, " is not valid yet");
    }
    sb_puts(&d->ex, "; clients reject it until then. If that date looks wrong, suspect a clock: "
                    "a client clock running behind, or a certificate made on a machine whose "
                    "clock ran ahead.");
    sb_puts(&d->fx, "Check the clock of the machine running tlscope first (`date -u`; turn on "
                    "NTP with `timedatectl set-ntp true`). If it is right, the certificate has "
                    "a future start date: keep serving the previous certificate until then, or "
                    "have it reissued.");
}

static void d_self_signed_leaf(struct desc *d)
{
    sb_printf(&d->ex,
              "%s is self-signed: no CA vouches for it, so every client rejects it "
              "unless it was told to trust this exact certificate.",
              d->who);
    if (d->host && *d->host && !host_is_ip_literal(d->host))
        sb_printf(&d->fx,
                  "For a public server, get a certificate from a CA (e.g. Let's "
                  "Encrypt: `certbot --nginx -d %s`) and configure it instead. ",
                  d->host);
    else
        sb_puts(&d->fx, "For a public server, get a certificate from a CA (e.g. Let's Encrypt "
                        "with certbot) and configure it instead. ");
    sb_puts(&d->fx, "For an internal service, add this certificate to the clients' trust store "
                    "(tlscope: --cafile with this certificate), or better, issue it from a "
                    "private CA whose root the clients trust.");
}

static void d_self_signed_in_chain(struct desc *d)
{
    if (d->role == ROLE_CHAIN)
        sb_puts(&d->ex, "The chain ends in a self-signed root CA");
    else
        sb_puts(&d->ex, d->who);
    sb_puts(&d->ex, " is self-signed but not in the trust store used here, so nothing trusted "
                    "vouches for the chain. This is what a private or test CA looks like, and "
                    "also a TLS-intercepting proxy or antivirus.");
    sb_puts(&d->fx, "If it is your own CA, install its root on the clients (Debian: copy it to "
                    "/usr/local/share/ca-certificates/ and run update-ca-certificates; tlscope: "
                    "--cafile root.pem). If the server should present a public certificate, it "
                    "serves a test or self-made chain: install the certificate and chain from a "
                    "public CA. If only some networks see this root, something on the path "
                    "intercepts TLS.");
}

/* 2, 20, 21 at the leaf: the server leaves out its intermediate. */
/* The leaf's issuer is unknown and the leaf does not name where to fetch it (caIssuers), as
 * public CAs' certificates do: an intermediate the server forgot, or a private root this
 * client does not trust (then the server is right to send only its leaf). */
static void d_unknown_leaf_issuer(struct desc *d)
{
    const struct cert_info *c = d->cert;
    char *issuer = clip(c->issuer && *c->issuer ? c->issuer : "an unnamed CA");
    sb_printf(&d->ex,
              "%s was issued by %s, which the server does not send and the trust store used "
              "here does not hold. If %s is a private root CA, the server rightly sends only "
              "its own certificate and this client does not trust that root; if it is an "
              "intermediate CA, the server must send it.",
              d->role == ROLE_LEAF ? d->who : "The server's own certificate", issuer, issuer);
    sb_printf(&d->fx,
              "For a private root, trust it: install it on the clients (tlscope: --cafile FILE "
              "holding the certificate of %s). For an intermediate, serve the full chain, leaf "
              "first (nginx: ssl_certificate fullchain.pem).",
              issuer);
    free(issuer);
}

static void d_missing_intermediate(struct desc *d)
{
    const struct cert_info *c = d->cert;
    if (c && (!c->ca_issuers_url || !*c->ca_issuers_url)) {
        d_unknown_leaf_issuer(d);
        return;
    }
    sb_puts(&d->ex, d->role == ROLE_LEAF ? d->who : "The server's own certificate");
    sb_puts(&d->ex, " arrives without the intermediate CA certificate that issued it");
    if (c && c->issuer && *c->issuer) {
        char *issuer = clip(c->issuer);
        sb_printf(&d->ex, " (%s)", issuer);
        free(issuer);
    }
    sb_puts(&d->ex, ": the server does not send its intermediate, so clients cannot link its "
                    "certificate to a trusted root. Browsers often hide this by fetching or "
                    "caching intermediates; curl, OpenSSL, Python, Java and most other clients "
                    "fail.");
    sb_puts(&d->fx, FULLCHAIN_FIX);
    if (c && c->ca_issuers_url && *c->ca_issuers_url) {
        char *url = clip(c->ca_issuers_url);
        sb_printf(&d->fx,
                  " The missing certificate can be downloaded from %s (if it is DER, "
                  "convert it with `openssl x509 -inform der -in FILE`).",
                  url);
        free(url);
    }
}

static void d_missing_issuer(struct desc *d)
{
    const struct cert_info *c = d->cert;
    if (d->role == ROLE_LEAF && c && c->self_signed) {
        d_self_signed_leaf(d);
        return;
    }
    bool at_leaf = d->role == ROLE_LEAF ||
                   (d->role == ROLE_CHAIN && d->code != X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT);
    if (at_leaf) {
        d_missing_intermediate(d);
        return;
    }
    sb_puts(&d->ex, d->who);
    if (c && c->issuer && *c->issuer) {
        char *issuer = clip(c->issuer);
        sb_printf(&d->ex, " was issued by %s, which is", issuer);
        free(issuer);
    } else {
        sb_puts(&d->ex, " has an issuer that is");
    }
    sb_puts(&d->ex, " neither among the certificates the server sends nor in the trust store "
                    "used here. Either the server's chain still lacks a certificate above it, "
                    "or it leads to a CA this client does not trust (a private CA, or a root "
                    "newer than the client's trust store).");
    sb_puts(&d->fx, "If the issuer is a public CA, send the full chain your CA provides and "
                    "update the client's CA bundle (the ca-certificates package); if it is a "
                    "private CA, add its root to the client's trust store (tlscope: --cafile "
                    "root.pem).");
}

/* A wildcard that almost covers host: "*.example.com" for "example.com" or "a.b.example.com". */
static const char *near_wildcard(const struct strlist *san, const char *host)
{
    size_t hl = strlen(host);
    for (size_t i = 0; i < san->len; i++) {
        const char *s = san->items[i];
        if (strncmp(s, "DNS:*.", 6) != 0)
            continue;
        const char *suffix = s + 5; /* ".example.com" */
        size_t sl = strlen(suffix);
        if (strcasecmp(host, suffix + 1) == 0)
            return s + 4;
        if (hl > sl && strcasecmp(host + hl - sl, suffix) == 0 && memchr(host, '.', hl - sl))
            return s + 4;
    }
    return NULL;
}

static void d_hostname(struct desc *d)
{
    const struct cert_info *c = d->cert;
    const char *host = d->host && *d->host ? d->host : NULL;
    sb_puts(&d->ex, d->role == ROLE_CHAIN ? "The server's certificate" : d->who);
    if (host)
        sb_printf(&d->ex, " is not valid for \"%s\": ", host);
    else
        sb_puts(&d->ex, " is not valid for the name that was checked: ");
    if (!c) {
        sb_puts(&d->ex, "the name is not in its subjectAltName.");
    } else if (c->san.len) {
        sb_puts(&d->ex, "it covers ");
        list_names(&d->ex, &c->san, NULL, PROSE_SAN_MAX);
        sb_puts(&d->ex, ".");
    } else {
        sb_puts(&d->ex, "it has no subjectAltName names at all");
        if (d->label)
            sb_printf(&d->ex, ", only its subject %s, which current clients ignore", d->label);
        sb_puts(&d->ex, ".");
    }
    const char *wild = c && host ? near_wildcard(&c->san, host) : NULL;
    if (wild)
        sb_printf(&d->ex,
                  " A wildcard covers exactly one label: %s matches neither the bare "
                  "domain nor names with more labels, such as \"%s\".",
                  wild, host);
    if (c && host && c->san.len && c->subject_cn && strcasecmp(c->subject_cn, host) == 0)
        sb_puts(&d->ex, " The name appears only in the Common Name (CN), which clients ignore "
                        "when a subjectAltName is present.");
    if (host)
        sb_printf(&d->fx,
                  "Reissue the certificate with \"%s\" in its subjectAltName (certbot: "
                  "add `-d %s`; openssl: `subjectAltName=DNS:%s`), or connect using a "
                  "name it covers. If the server hosts several sites, check that \"%s\" "
                  "has its own virtual host with the right certificate (nginx "
                  "`server_name`, Apache `ServerName`/`ServerAlias`); an unknown name "
                  "gets the default site's certificate.",
                  host, host, host, host);
    else
        sb_puts(&d->fx, "Reissue the certificate with the name in its subjectAltName, or check "
                        "that the server picks the right certificate for this name (nginx "
                        "`server_name`, Apache `ServerName`/`ServerAlias`).");
}

static void d_ip_mismatch(struct desc *d)
{
    const struct cert_info *c = d->cert;
    const char *addr = d->host && *d->host ? d->host : "the address that was checked";
    sb_printf(&d->ex, "%s is not valid for the IP address %s: ",
              d->role == ROLE_CHAIN ? "The server's certificate" : d->who, addr);
    struct strbuf ips = {0};
    if (c && list_names(&ips, &c->san, "IP:", PROSE_SAN_MAX))
        sb_printf(&d->ex, "it lists only %s.", ips.buf);
    else
        sb_puts(&d->ex, "its subjectAltName lists no IP address, and a DNS name never covers "
                        "an address.");
    sb_free(&ips);
    sb_printf(&d->fx,
              "Connect by a host name the certificate covers, or reissue it with "
              "`subjectAltName=IP:%s` (public CAs rarely issue for IP addresses; a "
              "private CA can).",
              d->host && *d->host ? d->host : "ADDRESS");
}

static void d_invalid_ca(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_printf(&d->ex,
              "%s is used to sign the certificate below it, but it is not a valid CA: ", d->who);
    if (c && !c->is_ca)
        sb_puts(&d->ex, "its basicConstraints does not say CA:TRUE.");
    else if (c && c->key_usage.len && !list_has(&c->key_usage, "keyCertSign"))
        sb_puts(&d->ex, "its key usage does not allow signing certificates (no keyCertSign).");
    else
        sb_puts(&d->ex, "its extensions do not allow it to act as a CA.");
    sb_puts(&d->ex, " Usually the chain file is out of order or holds a server certificate "
                    "where an intermediate belongs, or a home-made CA was created without CA "
                    "extensions.");
    sb_puts(&d->fx, "Check the chain file order: the server's certificate first, then the CA "
                    "that issued it, and so on upwards; remove certificates that do not belong. "
                    "For your own CA, re-create the CA certificate with "
                    "`basicConstraints=critical,CA:TRUE` and "
                    "`keyUsage=critical,keyCertSign,cRLSign`, then re-sign the server "
                    "certificate.");
}

static void d_path_length(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_puts(&d->ex, d->who);
    if (c && c->path_len >= 0)
        sb_printf(&d->ex, " allows at most %d intermediate CA%s below it (pathlen:%d)", c->path_len,
                  c->path_len == 1 ? "" : "s", c->path_len);
    else
        sb_puts(&d->ex, " allows only a limited number of intermediate CAs below it");
    if (d->depth >= 1)
        sb_printf(&d->ex, ", but the chain has %d.", d->depth - 1);
    else
        sb_puts(&d->ex, ", and the chain has more.");
    sb_puts(&d->fx, "Serve a chain that respects the constraint (drop extra or wrong "
                    "intermediates; a cross-signed duplicate often adds one). For your own CA, "
                    "re-create the constrained CA with a larger pathlen, or sign the server "
                    "certificate from a CA higher up.");
}

static void d_invalid_purpose(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_printf(&d->ex, "%s may not be used for TLS server authentication: ", d->who);
    if (c && c->ext_key_usage.len) {
        char *eku = strlist_join(&c->ext_key_usage, ", ");
        char *clipped = clip(eku);
        sb_printf(&d->ex, "its extended key usage allows only %s, not serverAuth.", clipped);
        free(clipped);
        free(eku);
    } else if (c && c->key_usage.len) {
        char *ku = strlist_join(&c->key_usage, ", ");
        sb_printf(&d->ex, "its key usage (%s) does not fit a TLS server.", ku);
        free(ku);
    } else {
        sb_puts(&d->ex, "its key usage or extended key usage excludes it.");
    }
    if (d->role == ROLE_LEAF || d->role == ROLE_CHAIN) {
        sb_puts(&d->fx, "Reissue it as a TLS server certificate: `extendedKeyUsage=serverAuth` "
                        "and `keyUsage=digitalSignature,keyEncipherment` (a client, e-mail or "
                        "code-signing certificate cannot serve TLS).");
    } else {
        sb_puts(&d->ex, " A CA's extended key usage restricts every certificate below it.");
        sb_puts(&d->fx, "Use a chain through a CA that may issue TLS server certificates (its "
                        "extendedKeyUsage, if present, must include serverAuth).");
    }
}

static void d_untrusted(struct desc *d)
{
    const char *who = d->role == ROLE_CHAIN ? "The root CA" : d->who;
    if (d->code == X509_V_ERR_CERT_REJECTED) {
        sb_printf(&d->ex,
                  "%s is marked as rejected (distrusted) in the trust store; "
                  "certificates issued under it are refused.",
                  who);
        sb_puts(&d->fx, "Move to a certificate from a CA that clients still trust; a distrusted "
                        "CA cannot be fixed on the server.");
        return;
    }
    sb_printf(&d->ex,
              "%s is in the trust store, but its trust settings do not include TLS "
              "server authentication, so chains ending in it are not accepted for "
              "servers.",
              who);
    sb_puts(&d->fx, "Use a certificate from a CA trusted for TLS servers. For your own CA, "
                    "trust its root for serverAuth (a plain BEGIN CERTIFICATE file, or "
                    "`openssl x509 -addtrust serverAuth`).");
}

static void d_key_too_small(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_puts(&d->ex, d->who);
    if (c && c->key_bits > 0)
        sb_printf(&d->ex, " has a %d-bit %s key", c->key_bits,
                  c->key_type && *c->key_type ? c->key_type : "public");
    else
        sb_puts(&d->ex, " has a key");
    sb_puts(&d->ex, ", below the minimum the security level in effect accepts. OpenSSL "
                    "security level 2 (the default on Debian and most distributions) needs RSA, "
                    "DSA and DH keys of at least 2048 bits and EC keys of at least 224 bits; "
                    "level 1 needs 1024 and 160. Lowering the client's level only hides the "
                    "problem.");
    if (d->code == X509_V_ERR_EE_KEY_TOO_SMALL)
        sb_puts(&d->fx, "Generate a new key (RSA 2048 or 3072 bits, or ECDSA P-256: `openssl "
                        "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`) and reissue "
                        "the certificate with it.");
    else
        sb_puts(&d->fx, "Chain through a CA with a current key: get the CA's current "
                        "intermediate; for a private CA, create a new CA key (RSA 2048+ or "
                        "P-256) and reissue.");
}

static void d_md_too_weak(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_printf(&d->ex, "The signature on %s uses ", d->who_lc);
    if (c && c->signature_algorithm && *c->signature_algorithm)
        sb_puts(&d->ex, c->signature_algorithm);
    else
        sb_puts(&d->ex, "a digest");
    sb_puts(&d->ex, ", which the security level in effect rejects: OpenSSL 3 treats SHA-1 and "
                    "MD5 signatures as too weak from security level 1 up.");
    if (d->role == ROLE_LEAF || d->role == ROLE_CHAIN)
        sb_puts(&d->fx, "Reissue the certificate signed with SHA-256 (every current CA does "
                        "this; for your own CA use `openssl x509 -req -sha256` or `default_md = "
                        "sha256`).");
    else
        sb_puts(&d->fx, "Get the CA's current intermediate, signed with SHA-256, and rebuild "
                        "the chain file; for your own CA, re-sign it with -sha256.");
}

static void d_revoked(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_printf(&d->ex, "%s has been revoked by its CA", d->who);
    if (c && c->serial && *c->serial) {
        char *serial = clip(c->serial);
        sb_printf(&d->ex, " (serial %s)", serial);
        free(serial);
    }
    sb_puts(&d->ex, ": it must not be used any more, and clients that check revocation (CRL, "
                    "OCSP or a stapled OCSP response) reject it.");
    if (d->role == ROLE_LEAF || d->role == ROLE_CHAIN)
        sb_puts(&d->fx, "Install a new certificate; a revoked one cannot be un-revoked. If it "
                        "was revoked because the key may be compromised, generate a new private "
                        "key as well, then reload the server so it also stops stapling the old "
                        "status.");
    else
        sb_puts(&d->fx, "The CA revoked this CA certificate: get a new chain from the CA and, "
                        "if needed, a new certificate issued under a valid intermediate.");
}

static void d_signature_failure(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_printf(&d->ex, "The signature on %s does not verify with the public key of its issuer",
              d->who_lc);
    if (c && c->issuer && *c->issuer) {
        char *issuer = clip(c->issuer);
        sb_printf(&d->ex, " (%s)", issuer);
        free(issuer);
    }
    sb_puts(&d->ex, ": the certificate was altered, or the chain pairs it with a different CA "
                    "certificate that has the same name, for example an old intermediate after "
                    "the CA changed its key.");
    sb_puts(&d->fx, "Rebuild the chain file from the CA's current intermediates (download them "
                    "again rather than reusing an old chain.pem) and check it with `openssl "
                    "verify -untrusted chain.pem cert.pem` before reloading the server.");
}

static void d_chain_too_long(struct desc *d)
{
    sb_puts(&d->ex, "The chain");
    if (d->n_chain)
        sb_printf(&d->ex, " (%zu certificates)", d->n_chain);
    sb_puts(&d->ex, " is longer than the maximum verification depth");
    if (d->depth >= 0)
        sb_printf(&d->ex, ", exceeded at depth %d", d->depth);
    sb_puts(&d->ex, ". Real chains have two to four certificates; one this long means a loop of "
                    "cross-signed CAs or a chain file stuffed with unrelated certificates.");
    sb_puts(&d->fx, "Send only the server certificate and the intermediates that lead to one "
                    "root (usually two or three certificates); remove any CA bundle that was "
                    "pasted into the chain file.");
}

static void d_critical_extension(struct desc *d)
{
    const struct cert_info *c = d->cert;
    sb_printf(&d->ex,
              "%s has an extension marked critical that this client does not "
              "understand",
              d->who);
    size_t listed = 0;
    for (size_t i = 0; c && i < c->n_extensions && listed < PROSE_SAN_MAX; i++) {
        if (!c->extensions[i].critical || !c->extensions[i].name)
            continue;
        char *name = clip(c->extensions[i].name);
        sb_printf(&d->ex, "%s%s", listed ? ", " : " (critical extensions: ", name);
        free(name);
        listed++;
    }
    if (listed)
        sb_puts(&d->ex, ")");
    sb_puts(&d->ex, "; RFC 5280 requires a client to reject such a certificate.");
    sb_puts(&d->fx, "Reissue the certificate without marking that extension critical (normally "
                    "only basicConstraints, keyUsage and nameConstraints are); if a private CA "
                    "tool added it, fix the tool's extension config.");
}

static void d_name_constraints(struct desc *d)
{
    const struct cert_info *c = d->cert;
    if (d->code == X509_V_ERR_PERMITTED_VIOLATION)
        sb_printf(&d->ex,
                  "%s has a name outside the names a CA above it may issue for "
                  "(nameConstraints, permitted subtrees).",
                  d->who);
    else
        sb_printf(&d->ex,
                  "%s has a name that a CA above it is forbidden to issue for "
                  "(nameConstraints, excluded subtrees).",
                  d->who);
    if (c && c->san.len) {
        sb_puts(&d->ex, " Its names: ");
        list_names(&d->ex, &c->san, NULL, PROSE_SAN_MAX);
        sb_puts(&d->ex, ".");
    }
    sb_puts(&d->fx, "Get the certificate from a CA whose constraints allow these names, or, for "
                    "your own CA, change the nameConstraints of the constrained CA and re-sign "
                    "it. Show the constraints with `openssl x509 -noout -ext nameConstraints "
                    "-in ca.pem`.");
}

static void d_key_identifier(struct desc *d)
{
    if (d->code == X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER) {
        sb_printf(&d->ex,
                  "%s has no Authority Key Identifier, which RFC 5280 requires in "
                  "every certificate except a self-signed root.",
                  d->who);
        sb_puts(&d->fx, "Reissue it with `authorityKeyIdentifier=keyid,issuer` in the extension "
                        "config (for example the file given to `openssl x509 -req -extfile`).");
    } else {
        sb_printf(&d->ex,
                  "%s is a CA certificate without a Subject Key Identifier, which RFC "
                  "5280 requires in CA certificates.",
                  d->who);
        sb_puts(&d->fx, "Re-create the CA certificate with `subjectKeyIdentifier=hash` (OpenSSL "
                        "3 adds it by default; older tools and hand-written configs often did "
                        "not), then re-sign the certificates below it.");
    }
    sb_puts(&d->ex, STRICT_NOTE);
}

static void d_ocsp(struct desc *d)
{
    const struct cert_info *c = d->cert;
    const char *url = c && c->ocsp_url && *c->ocsp_url ? c->ocsp_url : NULL;
    char *url_c = url ? clip(url) : NULL;
    switch (d->code) {
    case X509_V_ERR_OCSP_VERIFY_NEEDED:
        sb_printf(&d->ex,
                  "Revocation status through OCSP was required for %s but was not "
                  "checked.",
                  d->who_lc);
        sb_puts(&d->fx, "Have the server staple OCSP (nginx `ssl_stapling on; "
                        "ssl_stapling_verify on;` with `ssl_trusted_certificate` set to the "
                        "chain; Apache `SSLUseStapling on` with an `SSLStaplingCache`).");
        break;
    case X509_V_ERR_OCSP_VERIFY_FAILED:
        sb_printf(&d->ex,
                  "The OCSP response for %s could not be verified: its signature, "
                  "responder certificate or validity period is wrong. A server that "
                  "staples a stale or mismatched response causes this.",
                  d->who_lc);
        sb_printf(&d->fx,
                  "Reload the server so it fetches a fresh response, and check that it "
                  "can reach the CA's OCSP responder%s%s; with nginx, point "
                  "`ssl_trusted_certificate` at the CA chain so it can verify what it "
                  "staples.",
                  url_c ? " at " : "", url_c ? url_c : "");
        break;
    default:
        sb_printf(&d->ex,
                  "The CA's OCSP responder%s%s does not know %s: the certificate is "
                  "very new and the responder has not caught up, or the request named "
                  "the wrong issuer because the chain holds the wrong intermediate.",
                  url_c ? " at " : "", url_c ? url_c : "", d->who_lc);
        sb_puts(&d->fx, "If the certificate was issued minutes ago, wait and retry; otherwise "
                        "check that the server sends the intermediate that really issued it.");
        break;
    }
    free(url_c);
}

/* Writes the context-specific texts; false when the code has no specific describer. */
static bool describe_specific(struct desc *d)
{
    switch (d->code) {
    case X509_V_ERR_CERT_HAS_EXPIRED: d_expired(d); return true;
    case X509_V_ERR_CERT_NOT_YET_VALID: d_not_yet_valid(d); return true;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: d_self_signed_leaf(d); return true;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: d_self_signed_in_chain(d); return true;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: d_missing_issuer(d); return true;
    case X509_V_ERR_HOSTNAME_MISMATCH: d_hostname(d); return true;
    case X509_V_ERR_IP_ADDRESS_MISMATCH: d_ip_mismatch(d); return true;
    case X509_V_ERR_PATH_LENGTH_EXCEEDED: d_path_length(d); return true;
    case X509_V_ERR_INVALID_PURPOSE: d_invalid_purpose(d); return true;
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED: d_untrusted(d); return true;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL: d_key_too_small(d); return true;
    case X509_V_ERR_CA_MD_TOO_WEAK: d_md_too_weak(d); return true;
    case X509_V_ERR_CERT_REVOKED: d_revoked(d); return true;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE: d_signature_failure(d); return true;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG: d_chain_too_long(d); return true;
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION: d_critical_extension(d); return true;
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION: d_name_constraints(d); return true;
    case X509_V_ERR_OCSP_VERIFY_NEEDED:
    case X509_V_ERR_OCSP_VERIFY_FAILED:
    case X509_V_ERR_OCSP_CERT_UNKNOWN: d_ocsp(d); return true;
#ifdef X509_V_ERR_INVALID_CA
    case X509_V_ERR_INVALID_CA:
        if (d->depth <= 0)
            return false; /* strict-mode complaint about a leaf: the generic text fits */
        d_invalid_ca(d);
        return true;
#endif
#if defined(X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER) &&                                        \
    defined(X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER)
    case X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER:
    case X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER: d_key_identifier(d); return true;
#endif
    }
    return false;
}

/* The table's texts, plus which certificate the error was reported for. */
static void describe_generic(struct desc *d)
{
    const struct verify_error_info *e = verify_error_by_code(d->code);
    if (e) {
        sb_puts(&d->ex, e->explanation);
        sb_puts(&d->fx, e->fix);
    } else {
        sb_printf(&d->ex,
                  "OpenSSL reported verification error %d, which this version of "
                  "tlscope does not know.",
                  d->code);
        sb_puts(&d->fx, "Look the code up in `man X509_STORE_CTX_get_error`. " FIX_INSPECT);
    }
    if (d->role != ROLE_CHAIN)
        sb_printf(&d->ex, " It was reported for %s.", d->who_lc);
}

void verify_error_describe(int code, int depth, const struct cert_info *cert, size_t n_chain,
                           const char *hostname, time_t now, char **explanation, char **fix)
{
    struct desc d = {
        .code = code,
        .depth = depth < 0 ? -1 : depth,
        .cert = cert,
        .n_chain = n_chain,
        .host = hostname,
        .now = now,
    };
    d.role = role_of(code, d.depth, cert, n_chain);
    desc_init(&d);
    if (!describe_specific(&d))
        describe_generic(&d);
    *explanation = sb_take(&d.ex);
    *fix = sb_take(&d.fx);
    free(d.label);
    free(d.who);
    free(d.who_lc);
}
