/* Findings: turns the facts in a report into problems and advice a server admin can act on.
 * Pure C over struct report; each check below reads facts and appends findings. */
#include "model/findings.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/timeutil.h"

/* Bounds on how much of a (peer-controlled) list a detail quotes. */
#define LIST_MAX      20
#define SECS_PER_DAY  86400L
#define EXPIRING_DAYS 30
#define CA_KEY_FIX                                                                                 \
    "Ask your CA for its current chain; CA keys this small are no longer issued or trusted."
#define WEAK_SIG_FIX                                                                               \
    "Have the certificate reissued with a SHA-256 signature; current CAs do so by default (for "   \
    "your own CA: `openssl x509 -req -sha256 ...`)."

/* Verification error symbols as the engine names them (verify_error.name). */
#define E_EXPIRED                "X509_V_ERR_CERT_HAS_EXPIRED"
#define E_NOT_YET_VALID          "X509_V_ERR_CERT_NOT_YET_VALID"
#define E_DEPTH_ZERO_SELF_SIGNED "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT"
#define E_SELF_SIGNED_IN_CHAIN   "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN"
#define E_ISSUER_LOCALLY         "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
#define E_ISSUER                 "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT"
#define E_LEAF_SIGNATURE         "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE"
#define E_HOSTNAME               "X509_V_ERR_HOSTNAME_MISMATCH"
#define E_IP                     "X509_V_ERR_IP_ADDRESS_MISMATCH"
#define E_REVOKED                "X509_V_ERR_CERT_REVOKED"
#define E_EE_KEY                 "X509_V_ERR_EE_KEY_TOO_SMALL"
#define E_CA_KEY                 "X509_V_ERR_CA_KEY_TOO_SMALL"
#define E_CA_MD                  "X509_V_ERR_CA_MD_TOO_WEAK"
#define E_CHAIN_TOO_LONG         "X509_V_ERR_CERT_CHAIN_TOO_LONG"

/* State shared by the checks of one findings_compute call. `covered` collects the verify
 * error symbols some specific finding already explains, so check_verify_errors (run last)
 * does not repeat them as generic verify_error findings. */
struct fctx {
    struct report *r;
    time_t now;
    struct strlist covered;
};

static void add(struct fctx *x, const char *id, enum severity sev, char *title, char *detail,
                char *fix)
{
    report_add_finding(x->r, id, sev, title, detail, fix);
}

static void cover(struct fctx *x, const char *error_name)
{
    if (!strlist_contains(&x->covered, error_name))
        strlist_push(&x->covered, error_name);
}

static const struct verify_error *find_error(const struct report *r, const char *name)
{
    for (size_t i = 0; i < r->n_verify_errors; i++)
        if (r->verify_errors[i].name && !strcmp(r->verify_errors[i].name, name))
            return &r->verify_errors[i];
    return NULL;
}

/* ---- formatting helpers ------------------------------------------------------------------ */

/* "2,156 days", "1 day", "less than a day" (caller frees). */
static char *days_text(long days)
{
    if (days <= 0)
        return xstrdup("less than a day");
    char digits[32], grouped[48];
    snprintf(digits, sizeof(digits), "%ld", days);
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[o++] = ',';
        grouped[o++] = digits[i];
    }
    grouped[o] = '\0';
    return xasprintf("%s day%s", grouped, days == 1 ? "" : "s");
}

/* "CN=localhost", else the full subject (caller frees). */
static char *cert_name(const struct cert_info *c)
{
    if (c->subject_cn)
        return xasprintf("CN=%s", c->subject_cn);
    return xstrdup(c->subject && *c->subject ? c->subject : "(empty subject)");
}

/* The ISO 8601 date the report holds, or one formatted from the time_t. */
static void cert_time(const char *iso, time_t t, char out[24])
{
    if (iso[0])
        snprintf(out, 24, "%s", iso);
    else
        iso8601_utc(t, out, 24);
}

static bool dates_known(const struct cert_info *c)
{
    return c->not_after[0] || c->not_after_t != 0;
}

/* A root the server sent along: self-signed and not the leaf. Clients use their own copy. */
static bool is_anchor(const struct report *r, size_t i)
{
    return i > 0 && (r->sent[i].self_signed || r->sent[i].role == CHAIN_ROLE_ROOT);
}

/* A second copy of a certificate sent before: its facts were judged on the first one. */
static bool is_duplicate(const struct report *r, size_t i)
{
    return i > 0 && r->sent[i].role == CHAIN_ROLE_DUPLICATE;
}

/* "Certificate" / "Intermediate CA certificate" ... for titles, after the sent role. */
static const char *cert_role(const struct report *r, size_t i)
{
    if (i == 0)
        return "Certificate";
    switch (r->sent[i].role) {
    case CHAIN_ROLE_ROOT: return "Root CA certificate in the chain";
    case CHAIN_ROLE_UNRELATED: return "Unrelated certificate in the chain";
    case CHAIN_ROLE_CROSS_SIGNED: return "Cross-signed CA certificate";
    default: break;
    }
    return is_anchor(r, i) ? "Root CA certificate in the chain" : "Intermediate CA certificate";
}

/* The sent certificates a check found, for one finding per check however many there are. */
struct hits {
    size_t idx[REPORT_CHAIN_MAX];
    size_t n;
};

static void hit(struct hits *h, size_t i)
{
    if (h->n < REPORT_CHAIN_MAX)
        h->idx[h->n++] = i;
}

/* Appends "NAME (depth i), ..." for the hits (bounded). */
static void list_hits(struct strbuf *sb, const struct report *r, const struct hits *h)
{
    for (size_t k = 0; k < h->n && k < LIST_MAX; k++) {
        char *name = cert_name(&r->sent[h->idx[k]]);
        sb_printf(sb, "%s%s (depth %zu)", k ? ", " : "", name, h->idx[k]);
        free(name);
    }
    if (h->n > LIST_MAX)
        sb_printf(sb, " and %zu more", h->n - LIST_MAX);
}

/* The server's name for example commands in fixes. */
static const char *site_name(const struct report *r)
{
    if (r->hostname && *r->hostname)
        return r->hostname;
    if (r->sni && *r->sni)
        return r->sni;
    return r->host && *r->host ? r->host : "example.com";
}

/* "the trust store (system store (/usr/lib/ssl/certs))", or without the parenthesis. */
static char *trust_store(const struct report *r)
{
    if (r->effective.trust && *r->effective.trust)
        return xasprintf("the trust store (%s)", r->effective.trust);
    return xstrdup("the trust store");
}

/* Follows issuer links from the leaf through the sent certificates; returns the index of the
 * highest certificate reached (bounded by n_sent hops, so a loop cannot hang us). */
static size_t path_top(const struct report *r)
{
    size_t top = 0;
    for (size_t hops = 0; hops < r->n_sent && !r->sent[top].self_signed; hops++) {
        size_t next = r->n_sent;
        for (size_t j = 0; j < r->n_sent; j++)
            if (j != top && r->sent[top].issuer && r->sent[j].subject &&
                !strcmp(r->sent[top].issuer, r->sent[j].subject))
                next = j;
        if (next == r->n_sent)
            break;
        top = next;
    }
    return top;
}

/* The certificate a verify error's depth names: the verified chain first, else the sent one. */
static const struct cert_info *chain_cert(const struct report *r, int depth)
{
    if (depth >= 0 && (size_t)depth < r->n_verified)
        return &r->verified[depth];
    if (depth >= 0 && (size_t)depth < r->n_sent)
        return &r->sent[depth];
    return NULL;
}

/* The name of the certificate at a verify error's depth; for a depth past what the report
 * kept, says so instead of "unknown". Caller frees. */
static char *depth_name(const struct report *r, int depth)
{
    const struct cert_info *c = chain_cert(r, depth);
    if (c)
        return cert_name(c);
    size_t total = r->n_verified_total > r->n_sent_total ? r->n_verified_total : r->n_sent_total;
    if (depth >= 0 && total > REPORT_CHAIN_MAX)
        return xasprintf("a certificate past the first %d of %zu (not kept)", REPORT_CHAIN_MAX,
                         total);
    return xstrdup("(unknown certificate)");
}

/* ---- certificate dates ------------------------------------------------------------------- */

static void add_expired(struct fctx *x, size_t i)
{
    const struct cert_info *c = &x->r->sent[i];
    char when[24];
    cert_time(c->not_after, c->not_after_t, when);
    char *name = cert_name(c);
    char *ago = days_text((long)((x->now - c->not_after_t) / SECS_PER_DAY));
    char *title = xasprintf("%s expired on %.10s", cert_role(x->r, i), when);
    char *detail = xasprintf("notAfter %s on depth %zu, %s; %s ago.", when, i, name, ago);
    if (i == 0)
        add(x, "cert_expired", SEV_CRITICAL, title, detail,
            xstrdup("Renew the certificate and reload the server, e.g. `certbot renew && "
                    "systemctl reload nginx`; then make sure automatic renewal runs "
                    "(`systemctl list-timers | grep certbot`)."));
    else
        add(x, "cert_chain_expired", SEV_HIGH, title, detail,
            xstrdup(is_anchor(x->r, i)
                        ? "Remove the expired root from the chain file; clients use the root in "
                          "their own trust store."
                        : "Replace the expired CA certificate in the served chain with the "
                          "current one from your CA (download the CA bundle again, or use "
                          "certbot's fullchain.pem), then reload the server."));
    free(name);
    free(ago);
    cover(x, E_EXPIRED);
}

static void add_not_yet_valid(struct fctx *x, size_t i)
{
    const struct cert_info *c = &x->r->sent[i];
    char when[24], now[24];
    cert_time(c->not_before, c->not_before_t, when);
    iso8601_utc(x->now, now, sizeof(now));
    char *name = cert_name(c);
    char *in = days_text((long)((c->not_before_t - x->now) / SECS_PER_DAY));
    add(x, "cert_not_yet_valid", SEV_HIGH,
        xasprintf("%s not valid until %.10s", cert_role(x->r, i), when),
        xasprintf("notBefore %s on depth %zu, %s; valid in %s (checked at %s).", when, i, name, in,
                  now),
        xstrdup("Check the clocks first: if both the server's and this machine's time are "
                "right, the certificate was issued with a future start date; keep serving the "
                "previous certificate until then, or have it reissued."));
    free(name);
    free(in);
    cover(x, E_NOT_YET_VALID);
}

static void add_expiring(struct fctx *x, size_t i)
{
    const struct cert_info *c = &x->r->sent[i];
    char when[24];
    cert_time(c->not_after, c->not_after_t, when);
    char *name = cert_name(c);
    char *left = days_text((long)((c->not_after_t - x->now) / SECS_PER_DAY));
    add(x, "cert_expiring", SEV_MEDIUM, xasprintf("%s expires on %.10s", cert_role(x->r, i), when),
        xasprintf("notAfter %s on depth %zu, %s; %s left.", when, i, name, left),
        xstrdup(i == 0 ? "Renew now (e.g. `certbot renew`) and reload the server; automate "
                         "renewal so it happens well before the last month."
                       : "Your CA's certificate runs out soon: fetch the current chain from "
                         "the CA and serve it with the renewed certificate."));
    free(name);
    free(left);
}

/* The earliest notAfter (or notBefore, when by_start) of the hits, as a date. */
static void hits_first(const struct report *r, const struct hits *h, bool by_start, char out[24])
{
    size_t best = h->idx[0];
    for (size_t k = 1; k < h->n; k++) {
        const struct cert_info *c = &r->sent[h->idx[k]], *b = &r->sent[best];
        if (by_start ? c->not_before_t < b->not_before_t : c->not_after_t < b->not_after_t)
            best = h->idx[k];
    }
    const struct cert_info *c = &r->sent[best];
    if (by_start)
        cert_time(c->not_before, c->not_before_t, out);
    else
        cert_time(c->not_after, c->not_after_t, out);
}

/* One finding for several CA certificates with the same date problem. */
static void add_dates_group(struct fctx *x, const char *id, enum severity sev, const char *what,
                            const struct hits *h, bool by_start, const char *fix)
{
    char first[24];
    hits_first(x->r, h, by_start, first);
    struct strbuf sb = {0};
    list_hits(&sb, x->r, h);
    sb_printf(&sb, "; the first on %s.", first);
    add(x, id, sev, xasprintf("%zu certificates %s", h->n, what), sb_take(&sb), xstrdup(fix));
}

static void check_cert_dates(struct fctx *x)
{
    const struct report *r = x->r;
    struct hits expired = {0}, notyet = {0}, expiring = {0};
    for (size_t i = 0; i < r->n_sent; i++) {
        const struct cert_info *c = &r->sent[i];
        if (!dates_known(c) || is_duplicate(r, i))
            continue;
        bool leaf = i == 0;
        if (c->not_after_t < x->now) {
            if (leaf)
                add_expired(x, i);
            else
                hit(&expired, i);
        } else if (c->not_before_t > x->now) {
            if (leaf)
                add_not_yet_valid(x, i);
            else
                hit(&notyet, i);
        } else if (!is_anchor(r, i) && c->not_after_t - x->now < EXPIRING_DAYS * SECS_PER_DAY) {
            if (leaf)
                add_expiring(x, i);
            else
                hit(&expiring, i);
        }
    }
    if (expired.n == 1)
        add_expired(x, expired.idx[0]);
    else if (expired.n > 1) {
        add_dates_group(x, "cert_chain_expired", SEV_HIGH, "in the chain have expired", &expired,
                        false,
                        "Serve the current chain from your CA (download the CA bundle again, "
                        "or use certbot's fullchain.pem) without expired or unrelated "
                        "certificates, then reload the server.");
        cover(x, E_EXPIRED);
    }
    if (notyet.n == 1)
        add_not_yet_valid(x, notyet.idx[0]);
    else if (notyet.n > 1) {
        add_dates_group(x, "cert_not_yet_valid", SEV_HIGH, "in the chain are not valid yet",
                        &notyet, true,
                        "Check the clocks first; if they are right, serve the CA certificates "
                        "that are valid today.");
        cover(x, E_NOT_YET_VALID);
    }
    if (expiring.n == 1)
        add_expiring(x, expiring.idx[0]);
    else if (expiring.n > 1) {
        char *what = xasprintf("expire within %d days", EXPIRING_DAYS);
        add_dates_group(x, "cert_expiring", SEV_MEDIUM, what, &expiring, false,
                        "Your CA's certificates run out soon: fetch the current chain from the "
                        "CA and serve it with the renewed certificate.");
        free(what);
    }
}

/* ---- names and trust --------------------------------------------------------------------- */

static void check_hostname(struct fctx *x)
{
    const struct report *r = x->r;
    if (!r->hostname_checked || r->hostname_match || r->n_sent == 0)
        return;
    const struct cert_info *leaf = &r->sent[0];
    const char *host = r->hostname ? r->hostname : "(unknown)";
    char *name = cert_name(leaf);
    struct strbuf sb = {0};
    sb_printf(&sb, "Checked \"%s\" against the leaf certificate (%s), ", host, name);
    if (leaf->san.len == 0) {
        sb_puts(&sb, "which has no subjectAltName; clients ignore the CN for name checks.");
    } else {
        sb_puts(&sb, "which lists: ");
        for (size_t i = 0; i < leaf->san.len && i < LIST_MAX; i++)
            sb_printf(&sb, "%s%s", i ? ", " : "", leaf->san.items[i]);
        if (leaf->san.len > LIST_MAX)
            sb_printf(&sb, " and %zu more", leaf->san.len - LIST_MAX);
        sb_putc(&sb, '.');
    }
    if (!r->sni)
        sb_puts(&sb, " No SNI was sent, so the server may have answered with its default "
                     "certificate.");
    char *fix;
    if (host_is_ip_literal(host))
        fix = xasprintf("Reissue the certificate with IP:%s in its subjectAltName, or connect "
                        "by a name the certificate lists.",
                        host);
    else
        fix = xasprintf("Reissue the certificate with DNS:%s in its subjectAltName (e.g. "
                        "`certbot certonly --nginx -d %s`), or check that the server block for "
                        "this name serves the right certificate (nginx `server_name`, Apache "
                        "`ServerName`).",
                        host, host);
    add(x, "hostname_mismatch", SEV_HIGH, xasprintf("Certificate not valid for %s", host),
        sb_take(&sb), fix);
    free(name);
    cover(x, E_HOSTNAME);
    cover(x, E_IP);
}

static void check_self_signed(struct fctx *x)
{
    const struct report *r = x->r;
    const struct verify_error *e = find_error(r, E_DEPTH_ZERO_SELF_SIGNED);
    if (r->n_sent == 0 || (!r->sent[0].self_signed && !e))
        return;
    /* Self-signed yet no depth-zero error: the certificate is in the trust store on purpose. */
    bool trusted = e == NULL;
    const struct cert_info *leaf = &r->sent[0];
    char *name = cert_name(leaf);
    add(x, "self_signed", trusted ? SEV_INFO : SEV_HIGH,
        xstrdup(trusted ? "Self-signed certificate, trusted explicitly"
                        : "Self-signed certificate"),
        xasprintf("The leaf certificate (%s) is issued by itself (issuer \"%s\"); no CA vouches "
                  "for it, so clients trust it only if they hold this exact certificate%s.",
                  name, leaf->issuer ? leaf->issuer : "",
                  trusted ? ", as this connection did" : ""),
        xasprintf("Use a certificate from a CA your clients trust (e.g. Let's Encrypt: `certbot "
                  "--nginx -d %s`); for internal services, issue it from an internal CA and "
                  "install that CA's root on the clients.",
                  site_name(r)));
    free(name);
    cover(x, E_DEPTH_ZERO_SELF_SIGNED);
}

/* The issuer's CN for a file name in an example ("TLS Lab Root CA" → "TLS_Lab_Root_CA.pem"),
 * bounded; "root.pem" when there is none. Caller frees. */
static char *issuer_file(const char *issuer)
{
    const char *cn = issuer ? strstr(issuer, "CN=") : NULL;
    if (!cn)
        return xstrdup("root.pem");
    struct strbuf sb = {0};
    for (const char *p = cn + 3; *p && *p != ',' && sb.len < 40; p++) {
        char c = *p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
        sb_putc(&sb, keep ? c : '_');
    }
    if (!sb.len)
        sb_puts(&sb, "root");
    sb_puts(&sb, ".pem");
    return sb_take(&sb);
}

static void check_untrusted_root(struct fctx *x)
{
    const struct report *r = x->r;
    const struct verify_error *e = find_error(r, E_SELF_SIGNED_IN_CHAIN);
    bool in_chain = e != NULL;
    if (!e)
        e = find_error(r, E_ISSUER_LOCALLY);
    if (!e || (r->chain_issues & CHAIN_MISSING_INTERMEDIATE))
        return;
    const struct cert_info *c = chain_cert(r, e->depth);
    char *name = depth_name(r, e->depth);
    char *store = trust_store(r);
    /* The CA to trust: the self-signed top itself, or the issuer nobody sent. */
    const char *ca =
        in_chain ? (c && c->subject ? c->subject : "?") : (c && c->issuer ? c->issuer : "?");
    char *file = issuer_file(ca);
    char *detail, *fix;
    if (in_chain) {
        detail = xasprintf("The chain ends in the self-signed CA %s (depth %d), which is not in "
                           "%s.",
                           name, e->depth, store);
        fix = xasprintf("For a private CA, install its root certificate (\"%s\") on the "
                        "clients; for tlscope, pass it with `--cafile %s`. For a public "
                        "service, use a certificate from a publicly trusted CA.",
                        ca, file);
    } else {
        detail = xasprintf("The issuer of %s (depth %d), \"%s\", is neither sent by the server "
                           "nor in %s, so its root is unknown here. If \"%s\" is a private root "
                           "CA, the server is right to send no more than it does.",
                           name, e->depth, ca, store, ca);
        fix = xasprintf("Trust that CA: install its certificate (\"%s\") on the clients; for "
                        "tlscope, pass it with `--cafile %s`. Only if \"%s\" is an "
                        "intermediate CA rather than a root must the server send it too "
                        "(serve the leaf followed by the intermediates).",
                        ca, file, ca);
    }
    add(x, "untrusted_root", SEV_HIGH,
        xstrdup(in_chain ? "Chain ends in an untrusted root"
                         : "Issued by an unknown CA: the root is not trusted here"),
        detail, fix);
    free(file);
    free(name);
    free(store);
    cover(x, E_SELF_SIGNED_IN_CHAIN);
    cover(x, E_ISSUER_LOCALLY);
    if (!in_chain)
        cover(x, E_LEAF_SIGNATURE);
}

/* ---- the chain as sent ------------------------------------------------------------------- */

static void check_incomplete_chain(struct fctx *x)
{
    const struct report *r = x->r;
    if (!(r->chain_issues & CHAIN_MISSING_INTERMEDIATE) || r->n_sent == 0)
        return;
    size_t top = path_top(r);
    const struct cert_info *c = &r->sent[top];
    char *name = cert_name(c);
    struct strbuf sb = {0};
    sb_printf(&sb,
              "The server sent %zu certificate%s; the highest on the path, %s (depth %zu), "
              "is issued by \"%s\", which was not sent and is not a trusted root.",
              r->n_sent, r->n_sent == 1 ? "" : "s", name, top, c->issuer ? c->issuer : "?");
    if (c->ca_issuers_url)
        sb_printf(&sb, " The missing issuer is published at %s.", c->ca_issuers_url);
    add(x, "incomplete_chain", SEV_HIGH, xstrdup("Incomplete certificate chain"), sb_take(&sb),
        xasprintf("Serve the full chain file, leaf first and then each intermediate: nginx "
                  "`ssl_certificate /etc/letsencrypt/live/%s/fullchain.pem;` (fullchain.pem, "
                  "not cert.pem); Apache 2.4.8+ `SSLCertificateFile` pointing at the same full "
                  "chain file. Browsers may hide the gap; curl, Java and mobile apps fail.",
                  site_name(r)));
    free(name);
    cover(x, E_ISSUER_LOCALLY);
    cover(x, E_ISSUER);
    cover(x, E_LEAF_SIGNATURE);
}

/* Appends "NAME (depth i), ..." for the sent certificates of one role (bounded). */
static void list_role(struct strbuf *sb, const struct report *r, enum chain_role role)
{
    struct hits h = {0};
    for (size_t i = 1; i < r->n_sent; i++)
        if (r->sent[i].role == role)
            hit(&h, i);
    list_hits(sb, r, &h);
}

static void check_chain_shape(struct fctx *x)
{
    const struct report *r = x->r;
    struct strbuf sb = {0};
    if (r->chain_issues & CHAIN_WRONG_ORDER) {
        sb_puts(&sb, "Sent order: ");
        for (size_t i = 0; i < r->n_sent && i < LIST_MAX; i++) {
            char *name = cert_name(&r->sent[i]);
            sb_printf(&sb, "%s%zu %s (issuer \"%s\")", i ? "; " : "", i, name,
                      r->sent[i].issuer ? r->sent[i].issuer : "?");
            free(name);
        }
        sb_puts(&sb, ". Each certificate should be followed by the one that issued it.");
        add(x, "chain_order", SEV_LOW, xstrdup("Chain sent in the wrong order"), sb_take(&sb),
            xstrdup("Order the chain file leaf first, then its issuer, and so on upward: "
                    "`cat server.pem intermediate.pem > fullchain.pem`."));
    }
    if (r->chain_issues & CHAIN_EXTRA_CERTIFICATE) {
        sb_puts(&sb, "Sent but not on the path to the leaf: ");
        list_role(&sb, r, CHAIN_ROLE_UNRELATED);
        sb_putc(&sb, '.');
        add(x, "chain_extra", SEV_INFO, xstrdup("Unneeded certificates in the chain"), sb_take(&sb),
            xstrdup("Remove the unrelated certificates from the chain file; every handshake "
                    "carries them."));
    }
    if (r->chain_issues & CHAIN_DUPLICATE) {
        sb_puts(&sb, "Sent more than once: ");
        list_role(&sb, r, CHAIN_ROLE_DUPLICATE);
        sb_puts(&sb, " repeats a certificate sent before it.");
        add(x, "chain_duplicate", SEV_INFO, xstrdup("Certificate sent twice"), sb_take(&sb),
            xstrdup("Keep one copy of each certificate in the chain file: leaf, then each "
                    "intermediate once."));
    }
    if (r->chain_issues & CHAIN_ROOT_INCLUDED) {
        sb_puts(&sb, "The server sends its root CA: ");
        list_role(&sb, r, CHAIN_ROLE_ROOT);
        sb_puts(&sb, ". Clients must already hold a root to trust it, so sending it only adds "
                     "bytes to every handshake.");
        add(x, "chain_root_included", SEV_INFO, xstrdup("Root CA sent in the chain"), sb_take(&sb),
            xstrdup("Drop the root from the chain file; keep the leaf and the intermediates."));
    }
}

/* A chain longer than the report keeps, or deeper than verification goes. */
static void check_chain_length(struct fctx *x)
{
    const struct report *r = x->r;
    if (!(r->chain_issues & CHAIN_TOO_LONG))
        return;
    size_t sent = r->n_sent_total > r->n_sent ? r->n_sent_total : r->n_sent;
    struct strbuf sb = {0};
    sb_printf(&sb, "The server sent %zu certificate%s", sent, sent == 1 ? "" : "s");
    if (sent > r->n_sent)
        sb_printf(&sb, "; tlscope keeps and examines the first %zu", r->n_sent);
    const struct verify_error *e = find_error(r, E_CHAIN_TOO_LONG);
    if (e)
        sb_printf(&sb, "; verification gave up at depth %d, past its depth limit", e->depth);
    sb_puts(&sb, ". Real chains hold two to four certificates: a longer one is a misconfigured "
                 "chain file or a peer trying to exhaust its clients.");
    add(x, "chain_too_long", SEV_HIGH, xasprintf("Chain too long: %zu certificates", sent),
        sb_take(&sb),
        xstrdup("Serve only the leaf and its intermediates (export \"the chain the server "
                "should send\" from the Certificates pane), in that order."));
    cover(x, E_CHAIN_TOO_LONG);
}

/* ---- keys and signatures ----------------------------------------------------------------- */

/* Minimum sensible size for a key type, 0 when the type has no size concern. */
static int key_min_bits(const char *type)
{
    if (!type)
        return 0;
    if (!strcmp(type, "RSA") || !strcmp(type, "RSA-PSS") || !strcmp(type, "DSA") ||
        !strcmp(type, "DH"))
        return 2048;
    if (!strcmp(type, "EC"))
        return 224;
    return 0;
}

static void add_small_key(struct fctx *x, size_t i)
{
    const struct cert_info *c = &x->r->sent[i];
    int min = key_min_bits(c->key_type);
    char *name = cert_name(c);
    add(x, "key_too_small", SEV_HIGH,
        xasprintf("%d-bit %s key on the %s", c->key_bits, c->key_type,
                  i == 0 ? "certificate" : "intermediate CA"),
        xasprintf("%s key of %d bits on depth %zu, %s; the minimum for %s keys is %d bits.",
                  c->key_type, c->key_bits, i, name, c->key_type, min),
        xstrdup(i == 0 ? "Generate a new key and have the certificate reissued: `openssl req "
                         "-new -newkey rsa:3072 -nodes -keyout server.key -out server.csr` "
                         "(or ECDSA: `-newkey ec -pkeyopt ec_paramgen_curve:P-256`)."
                       : CA_KEY_FIX));
    free(name);
    cover(x, i == 0 ? E_EE_KEY : E_CA_KEY);
}

static void check_keys(struct fctx *x)
{
    const struct report *r = x->r;
    struct hits ca = {0};
    for (size_t i = 0; i < r->n_sent; i++) {
        const struct cert_info *c = &r->sent[i];
        int min = key_min_bits(c->key_type);
        if (is_anchor(r, i) || is_duplicate(r, i) || min == 0 || c->key_bits <= 0 ||
            c->key_bits >= min)
            continue;
        if (i == 0)
            add_small_key(x, i);
        else
            hit(&ca, i);
    }
    if (ca.n == 1)
        add_small_key(x, ca.idx[0]);
    if (ca.n > 1) {
        struct strbuf sb = {0};
        sb_puts(&sb, "Keys below the minimum for their type (RSA 2048, EC 224 bits): ");
        list_hits(&sb, r, &ca);
        sb_putc(&sb, '.');
        add(x, "key_too_small", SEV_HIGH,
            xasprintf("%zu CA certificates with too small keys", ca.n), sb_take(&sb),
            xstrdup(CA_KEY_FIX));
        cover(x, E_CA_KEY);
    }
}

static void add_weak_sig(struct fctx *x, size_t i, bool md5)
{
    const struct cert_info *c = &x->r->sent[i];
    char *name = cert_name(c);
    const char *digest = md5 ? "MD5" : "SHA-1";
    add(x, md5 ? "md5_signature" : "sha1_signature", md5 ? SEV_HIGH : SEV_MEDIUM,
        xasprintf("%s signature on the %s", digest, i == 0 ? "certificate" : "intermediate CA"),
        xasprintf("%s signature on depth %zu, %s; %s collisions are practical, so clients "
                  "reject such signatures.",
                  c->signature_algorithm, i, name, digest),
        xstrdup(WEAK_SIG_FIX));
    free(name);
    cover(x, E_CA_MD);
}

static void add_weak_sigs(struct fctx *x, const struct hits *h, bool md5)
{
    if (h->n == 1) {
        add_weak_sig(x, h->idx[0], md5);
        return;
    }
    if (h->n == 0)
        return;
    const char *digest = md5 ? "MD5" : "SHA-1";
    struct strbuf sb = {0};
    sb_printf(&sb, "%s signatures (collisions are practical, so clients reject them) on: ", digest);
    list_hits(&sb, x->r, h);
    sb_putc(&sb, '.');
    add(x, md5 ? "md5_signature" : "sha1_signature", md5 ? SEV_HIGH : SEV_MEDIUM,
        xasprintf("%s signatures on %zu certificates", digest, h->n), sb_take(&sb),
        xstrdup(WEAK_SIG_FIX));
    cover(x, E_CA_MD);
}

static void check_signatures(struct fctx *x)
{
    const struct report *r = x->r;
    struct hits md5s = {0}, sha1s = {0};
    for (size_t i = 0; i < r->n_sent; i++) {
        const struct cert_info *c = &r->sent[i];
        const char *alg = c->signature_algorithm;
        /* A self-signature is never checked by clients, so its digest does not matter. */
        if (!alg || c->self_signed || is_duplicate(r, i))
            continue;
        bool md5 = strcasestr(alg, "md5") || strcasestr(alg, "md2") || strcasestr(alg, "md4");
        bool sha1 = !md5 && strcasestr(alg, "sha1");
        if (md5)
            hit(&md5s, i);
        else if (sha1)
            hit(&sha1s, i);
    }
    add_weak_sigs(x, &md5s, true);
    add_weak_sigs(x, &sha1s, false);
}

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

static void check_protocol(struct fctx *x)
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
    add(x, "old_protocol", v == PROTO_SSL3 ? SEV_HIGH : SEV_MEDIUM,
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

static void check_forward_secrecy(struct fctx *x)
{
    const struct report *r = x->r;
    enum proto_version v = negotiated_version(r);
    if (v == PROTO_UNSET || v >= PROTO_TLS1_3 || !r->cipher_kx ||
        !strcmp(r->cipher_kx, "unknown") || kx_is_ephemeral(r->cipher_kx))
        return;
    add(x, "no_forward_secrecy", SEV_MEDIUM, xstrdup("No forward secrecy"),
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

static void check_cipher(struct fctx *x)
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
        add(x, "weak_cipher", SEV_HIGH, xasprintf("Weak cipher %s", name),
            xasprintf("Negotiated %s (%s): %s.", name, iana, reasons_text),
            xstrdup("Disable weak suites: nginx `ssl_ciphers "
                    "HIGH:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!RC4:!MD5;`, Apache `SSLCipherSuite` "
                    "with the same string (or use Mozilla's \"intermediate\" configuration)."));
        free(reasons_text);
    } else if (f.des3) {
        add(x, "sweet32", SEV_MEDIUM, xasprintf("3DES cipher %s (Sweet32)", name),
            xasprintf("Negotiated %s (%s): 3DES has 64-bit blocks, so long connections leak "
                      "plaintext (Sweet32, CVE-2016-2183); %d-bit effective strength.",
                      name, iana, r->cipher_bits),
            xstrdup("Remove 3DES: add `!3DES` to nginx `ssl_ciphers` or Apache "
                    "`SSLCipherSuite`, and prefer AES-GCM or ChaCha20 suites."));
    }
    sb_free(&why);
}

static void check_ocsp(struct fctx *x)
{
    const struct report *r = x->r;
    if (r->ocsp_status && !strcmp(r->ocsp_status, "revoked")) {
        add(x, "ocsp_revoked", SEV_CRITICAL, xstrdup("Certificate revoked"),
            xasprintf("The stapled OCSP response%s%s says the certificate was revoked%s%s.",
                      r->ocsp_responder ? " from " : "", r->ocsp_responder ? r->ocsp_responder : "",
                      r->ocsp_revoked_at[0] ? " at " : "", r->ocsp_revoked_at),
            xstrdup("Replace the certificate now: generate a new key, get a new certificate "
                    "and reload the server."));
        cover(x, E_REVOKED);
    }
    if (r->ocsp_stapled && r->ocsp_problem)
        add(x, "ocsp_staple_problem", SEV_LOW, xstrdup("Stapled OCSP response unusable"),
            xasprintf("The server stapled an OCSP response, but: %s.", r->ocsp_problem),
            xstrdup("Check the server's stapling setup (nginx `ssl_trusted_certificate` with the "
                    "CA chain, a working `resolver`) and that it can reach the responder."));
    if (r->ocsp_requested && !r->ocsp_stapled)
        add(x, "no_ocsp_staple", SEV_INFO, xstrdup("No OCSP staple"),
            xstrdup("An OCSP staple was requested (status_request) and none came back, so "
                    "clients must ask the CA themselves or skip the revocation check."),
            xstrdup("nginx: `ssl_stapling on; ssl_stapling_verify on;` with a `resolver`; "
                    "Apache: `SSLUseStapling on` and `SSLStaplingCache "
                    "shmcb:/var/run/ocsp(128000)`."));
}

static void check_renegotiation(struct fctx *x)
{
    const struct report *r = x->r;
    enum proto_version v = negotiated_version(r);
    if (v == PROTO_UNSET || v >= PROTO_TLS1_3)
        return;
    if (r->secure_renegotiation == TRI_NO)
        add(x, "insecure_renegotiation", SEV_MEDIUM, xstrdup("No secure renegotiation"),
            xasprintf("The server did not signal RFC 5746 secure renegotiation on %s; if it "
                      "allows renegotiation, an attacker can splice a prefix into the session "
                      "(CVE-2009-3555).",
                      proto_name(v)),
            xstrdup("Update the server's TLS library (every OpenSSL since 0.9.8m supports RFC "
                    "5746) or disable client-initiated renegotiation."));
    if (v == PROTO_TLS1_2 && r->extended_master_secret == TRI_NO)
        add(x, "no_extended_master_secret", SEV_LOW, xstrdup("No extended master secret"),
            xstrdup("The server did not use the extended master secret (RFC 7627) on TLS 1.2, "
                    "which leaves session resumption open to triple-handshake attacks."),
            xstrdup("Update the server's TLS library (OpenSSL 1.1.0 and later enable it by "
                    "default), or enable TLS 1.3."));
}

/* ---- how this connection checked ---------------------------------------------------------- */

static void check_settings(struct fctx *x)
{
    const struct report *r = x->r;
    if (!r->effective.verify)
        add(x, "verification_off", SEV_MEDIUM,
            xstrdup("Connection trusted without checking the certificate"),
            r->verify_ok ? xstrdup("Verification was turned off; the chain would have passed.")
                         : xasprintf("Verification was turned off; the chain would have failed "
                                     "with %zu error%s.",
                                     r->n_verify_errors, r->n_verify_errors == 1 ? "" : "s"),
            xstrdup("Turn verification back on; for a private CA, pass its root as the CA file "
                    "instead of disabling the check."));
    if (r->effective.weakened.len) {
        char *list = strlist_join(&r->effective.weakened, "; ");
        add(x, "weakened_settings", SEV_INFO, xstrdup("Client settings weakened"),
            xasprintf("In effect for this connection: %s.", list),
            xstrdup("These are settings of this tlscope run, not of the server: remove the "
                    "options or profile keys that set them to see what a normal client sees."));
        free(list);
    }
}

static void add_verify_error(struct fctx *x, const struct verify_error *e)
{
    const char *name = e->name ? e->name : "unknown error";
    char *who = e->depth >= 0 ? depth_name(x->r, e->depth) : NULL;
    struct strbuf sb = {0};
    sb_puts(&sb, name);
    if (e->depth >= 0)
        sb_printf(&sb, " at depth %d%s%s%s", e->depth, who ? " (" : "", who ? who : "",
                  who ? ")" : "");
    sb_printf(&sb, ": %s", e->explanation ? e->explanation : e->message ? e->message : name);
    add(x, "verify_error", SEV_HIGH,
        xasprintf("Verification error: %s", e->message ? e->message : name), sb_take(&sb),
        xstrdup(e->fix ? e->fix
                       : "See the explanation; fix the certificate or chain the server "
                         "sends."));
    free(who);
}

/* Runs last: the generic finding for every error no specific finding covered. */
static void check_verify_errors(struct fctx *x)
{
    const struct report *r = x->r;
    struct strbuf ignored = {0};
    size_t n_ignored = 0;
    for (size_t i = 0; i < r->n_verify_errors; i++) {
        const struct verify_error *e = &r->verify_errors[i];
        if (e->ignored) {
            if (n_ignored++ < LIST_MAX)
                sb_printf(&ignored, "%s%s (depth %d)", ignored.len ? ", " : "",
                          e->name ? e->name : "?", e->depth);
        } else if (!e->name || !strlist_contains(&x->covered, e->name)) {
            add_verify_error(x, e);
        }
    }
    if (n_ignored > LIST_MAX)
        sb_printf(&ignored, " and %zu more", n_ignored - LIST_MAX);
    if (n_ignored) {
        char *list = sb_take(&ignored);
        add(x, "ignored_errors", SEV_INFO,
            xasprintf("%zu verification error%s ignored", n_ignored, n_ignored == 1 ? "" : "s"),
            xasprintf("Accepted through --ignore-error: %s.", list),
            xstrdup("Fix the underlying problems and drop --ignore-error: clients that do not "
                    "ignore them will refuse the connection."));
        free(list);
    }
    sb_free(&ignored);
}

/* ---- driver ------------------------------------------------------------------------------ */

/* Stable insertion sort, highest severity first (lists are short). */
static void sort_findings(struct report *r)
{
    for (size_t i = 1; i < r->n_findings; i++) {
        struct finding f = r->findings[i];
        size_t j = i;
        while (j > 0 && r->findings[j - 1].severity < f.severity) {
            r->findings[j] = r->findings[j - 1];
            j--;
        }
        r->findings[j] = f;
    }
}

void findings_compute(struct report *r, time_t now)
{
    /* Order matters within a severity (the sort keeps it), and check_verify_errors must run
     * after every check that covers an error. */
    static void (*const checks[])(struct fctx *) = {
        check_cert_dates,       check_hostname,     check_self_signed,     check_untrusted_root,
        check_incomplete_chain, check_keys,         check_signatures,      check_ocsp,
        check_protocol,         check_cipher,       check_forward_secrecy, check_renegotiation,
        check_chain_shape,      check_chain_length, check_settings,        check_verify_errors,
    };
    if (!r || !r->ok)
        return;
    struct fctx x = {.r = r, .now = now};
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
        checks[i](&x);
    strlist_free(&x.covered);
    sort_findings(r);
}
