/* Findings about each certificate's dates, and about names and trust (hostname, self-signed,
 * untrusted root). Part of findings_compute; see findings_internal.h. */
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

/* ---- certificate dates ------------------------------------------------------------------- */

static void add_expired(struct fctx *x, size_t i)
{
    const struct cert_info *c = &x->r->sent[i];
    char when[24];
    f_cert_time(c->not_after, c->not_after_t, when);
    char *name = f_cert_name(c);
    char *ago = f_days_text((long)((x->now - c->not_after_t) / SECS_PER_DAY));
    char *title = xasprintf("%s expired on %.10s", f_cert_role(x->r, i), when);
    char *detail = xasprintf("notAfter %s on depth %zu, %s; %s ago.", when, i, name, ago);
    if (i == 0)
        f_add(x, "cert_expired", SEV_CRITICAL, title, detail,
              xstrdup("Renew the certificate and reload the server, e.g. `certbot renew && "
                      "systemctl reload nginx`; then make sure automatic renewal runs "
                      "(`systemctl list-timers | grep certbot`)."));
    else
        f_add(x, "cert_chain_expired", SEV_HIGH, title, detail,
              xstrdup(f_is_anchor(x->r, i)
                          ? "Remove the expired root from the chain file; clients use the root in "
                            "their own trust store."
                          : "Replace the expired CA certificate in the served chain with the "
                            "current one from your CA (download the CA bundle again, or use "
                            "certbot's fullchain.pem), then reload the server."));
    free(name);
    free(ago);
    f_cover(x, E_EXPIRED);
}

static void add_not_yet_valid(struct fctx *x, size_t i)
{
    const struct cert_info *c = &x->r->sent[i];
    char when[24], now[24];
    f_cert_time(c->not_before, c->not_before_t, when);
    iso8601_utc(x->now, now, sizeof(now));
    char *name = f_cert_name(c);
    char *in = f_days_text((long)((c->not_before_t - x->now) / SECS_PER_DAY));
    f_add(x, "cert_not_yet_valid", SEV_HIGH,
          xasprintf("%s not valid until %.10s", f_cert_role(x->r, i), when),
          xasprintf("notBefore %s on depth %zu, %s; valid in %s (checked at %s).", when, i, name,
                    in, now),
          xstrdup("Check the clocks first: if both the server's and this machine's time are "
                  "right, the certificate was issued with a future start date; keep serving the "
                  "previous certificate until then, or have it reissued."));
    free(name);
    free(in);
    f_cover(x, E_NOT_YET_VALID);
}

static void add_expiring(struct fctx *x, size_t i)
{
    const struct cert_info *c = &x->r->sent[i];
    char when[24];
    f_cert_time(c->not_after, c->not_after_t, when);
    char *name = f_cert_name(c);
    char *left = f_days_text((long)((c->not_after_t - x->now) / SECS_PER_DAY));
    f_add(x, "cert_expiring", SEV_MEDIUM,
          xasprintf("%s expires on %.10s", f_cert_role(x->r, i), when),
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
        f_cert_time(c->not_before, c->not_before_t, out);
    else
        f_cert_time(c->not_after, c->not_after_t, out);
}

/* One finding for several CA certificates with the same date problem. */
static void add_dates_group(struct fctx *x, const char *id, enum severity sev, const char *what,
                            const struct hits *h, bool by_start, const char *fix)
{
    char first[24];
    hits_first(x->r, h, by_start, first);
    struct strbuf sb = {0};
    f_list_hits(&sb, x->r, h);
    sb_printf(&sb, "; the first on %s.", first);
    f_add(x, id, sev, xasprintf("%zu certificates %s", h->n, what), sb_take(&sb), xstrdup(fix));
}

bool f_expiring_soon(const struct cert_info *c, time_t now)
{
    long limit = EXPIRING_DAYS * SECS_PER_DAY;
    if (c->not_before_t && c->not_after_t > c->not_before_t &&
        (c->not_after_t - c->not_before_t) / 3 < limit)
        limit = (long)((c->not_after_t - c->not_before_t) / 3);
    return c->not_after_t - now < limit;
}

void f_check_cert_dates(struct fctx *x)
{
    const struct report *r = x->r;
    struct hits expired = {0}, notyet = {0}, expiring = {0};
    for (size_t i = 0; i < r->n_sent; i++) {
        const struct cert_info *c = &r->sent[i];
        if (!f_dates_known(c) || f_is_duplicate(r, i))
            continue;
        bool leaf = i == 0;
        if (c->not_after_t < x->now) {
            if (leaf)
                add_expired(x, i);
            else
                f_hit(&expired, i);
        } else if (c->not_before_t > x->now) {
            if (leaf)
                add_not_yet_valid(x, i);
            else
                f_hit(&notyet, i);
        } else if (!f_is_anchor(r, i) && f_expiring_soon(c, x->now)) {
            if (leaf)
                add_expiring(x, i);
            else
                f_hit(&expiring, i);
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
        f_cover(x, E_EXPIRED);
    }
    if (notyet.n == 1)
        add_not_yet_valid(x, notyet.idx[0]);
    else if (notyet.n > 1) {
        add_dates_group(x, "cert_not_yet_valid", SEV_HIGH, "in the chain are not valid yet",
                        &notyet, true,
                        "Check the clocks first; if they are right, serve the CA certificates "
                        "that are valid today.");
        f_cover(x, E_NOT_YET_VALID);
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

void f_check_hostname(struct fctx *x)
{
    const struct report *r = x->r;
    if (!r->hostname_checked || r->hostname_match || r->n_sent == 0)
        return;
    const struct cert_info *leaf = &r->sent[0];
    const char *host = r->hostname ? r->hostname : "(unknown)";
    char *name = f_cert_name(leaf);
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
    f_add(x, "hostname_mismatch", SEV_HIGH, xasprintf("Certificate not valid for %s", host),
          sb_take(&sb), fix);
    free(name);
    f_cover(x, E_HOSTNAME);
    f_cover(x, E_IP);
}

void f_check_self_signed(struct fctx *x)
{
    const struct report *r = x->r;
    const struct verify_error *e = f_find_error(r, E_DEPTH_ZERO_SELF_SIGNED);
    if (r->n_sent == 0 || (!r->sent[0].self_signed && !e))
        return;
    /* Self-signed yet no depth-zero error: the certificate is in the trust store on purpose. */
    bool trusted = e == NULL;
    const struct cert_info *leaf = &r->sent[0];
    char *name = f_cert_name(leaf);
    f_add(x, "self_signed", trusted ? SEV_INFO : SEV_HIGH,
          xstrdup(trusted ? "Self-signed certificate, trusted explicitly"
                          : "Self-signed certificate"),
          xasprintf("The leaf certificate (%s) is issued by itself (issuer \"%s\"); no CA vouches "
                    "for it, so clients trust it only if they hold this exact certificate%s.",
                    name, leaf->issuer ? leaf->issuer : "",
                    trusted ? ", as this connection did" : ""),
          xasprintf("Use a certificate from a CA your clients trust (e.g. Let's Encrypt: `certbot "
                    "--nginx -d %s`); for internal services, issue it from an internal CA and "
                    "install that CA's root on the clients.",
                    f_site_name(r)));
    free(name);
    f_cover(x, E_DEPTH_ZERO_SELF_SIGNED);
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

void f_check_untrusted_root(struct fctx *x)
{
    const struct report *r = x->r;
    const struct verify_error *e = f_find_error(r, E_SELF_SIGNED_IN_CHAIN);
    bool in_chain = e != NULL;
    if (!e)
        e = f_find_error(r, E_ISSUER_LOCALLY);
    if (!e || (r->chain_issues & CHAIN_MISSING_INTERMEDIATE))
        return;
    const struct cert_info *c = f_chain_cert(r, e->depth);
    char *name = f_depth_name(r, e->depth);
    char *store = f_trust_store(r);
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
    f_add(x, "untrusted_root", SEV_HIGH,
          xstrdup(in_chain ? "Chain ends in an untrusted root"
                           : "Issued by an unknown CA: the root is not trusted here"),
          detail, fix);
    free(file);
    free(name);
    free(store);
    f_cover(x, E_SELF_SIGNED_IN_CHAIN);
    f_cover(x, E_ISSUER_LOCALLY);
    if (!in_chain)
        f_cover(x, E_LEAF_SIGNATURE);
}
