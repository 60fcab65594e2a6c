/* issue 13: the certificate doctor's findings — names only in the CN, a CT precertificate
 * served, an unknown critical extension, a private key of another certificate, a leaf that is
 * not first in its file, what --aia fetched and what --revocation found. Part of
 * findings_compute; see findings_internal.h. */
#include "model/findings_internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strlist.h"

static bool has_dns_or_ip(const struct cert_info *c)
{
    for (size_t i = 0; i < c->san.len; i++)
        if (!strncmp(c->san.items[i], "DNS:", 4) || !strncmp(c->san.items[i], "IP:", 3))
            return true;
    return false;
}

void f_check_doctor_certs(struct fctx *x)
{
    const struct report *r = x->r;
    if (!r->n_sent)
        return;
    const struct cert_info *leaf = &r->sent[0];
    if (leaf->subject_cn && !has_dns_or_ip(leaf))
        f_add(x, "name_cn_only", SEV_HIGH,
              xasprintf("The name %s is only in the subject CN, not in a SAN", leaf->subject_cn),
              xasprintf("The certificate has no subjectAltName with a DNS name or IP address; "
                        "browsers and current TLS libraries ignore the CN (RFC 6125), so no name "
                        "matches, \"%s\" included.",
                        leaf->subject_cn),
              xasprintf("Have the certificate reissued with the name as a SAN, e.g. `openssl "
                        "req ... -addext \"subjectAltName=DNS:%s\"`.",
                        leaf->subject_cn));
    struct hits poison = {0}, unknown = {0};
    for (size_t i = 0; i < r->n_sent; i++) {
        if (r->sent[i].ct_poison)
            f_hit(&poison, i);
        if (r->sent[i].unknown_critical.len)
            f_hit(&unknown, i);
    }
    if (poison.n) {
        struct strbuf sb = {0};
        sb_puts(&sb, "A precertificate carries the critical CT poison extension "
                     "(1.3.6.1.4.1.11129.2.4.3) so that no client accepts it; it is what the CA "
                     "logs before issuing, not the certificate: ");
        f_list_hits(&sb, r, &poison);
        sb_puts(&sb, ".");
        f_add(x, "ct_precertificate", SEV_CRITICAL, xstrdup("CT precertificate served by mistake"),
              sb_take(&sb),
              xstrdup("Download the issued certificate from your CA (not the precertificate "
                      "from a CT log) and serve that."));
    }
    if (unknown.n) {
        struct strbuf sb = {0};
        for (size_t k = 0; k < unknown.n && k < LIST_MAX; k++) {
            const struct cert_info *c = &r->sent[unknown.idx[k]];
            char *name = f_cert_name(c), *oids = strlist_join(&c->unknown_critical, ", ");
            sb_printf(&sb, "%s%s (depth %zu): %s", k ? "; " : "", name, unknown.idx[k], oids);
            free(name);
            free(oids);
        }
        sb_puts(&sb, ". A client must refuse a certificate with a critical extension it does "
                     "not understand.");
        f_add(x, "unknown_critical_extension", SEV_HIGH,
              xstrdup("Unknown critical certificate extension"), sb_take(&sb),
              xstrdup("Have the certificate reissued without the extension, or with it "
                      "marked non-critical."));
    }
}

static void check_key(struct fctx *x)
{
    const struct chain_check *ck = x->r->check;
    if (!ck || !ck->key_checked || ck->key_match)
        return;
    const struct cert_info *leaf = x->r->n_sent ? &x->r->sent[0] : NULL;
    char *name = leaf ? f_cert_name(leaf) : xstrdup("the leaf");
    struct strbuf sb = {0};
    sb_printf(&sb, "The key from %s is not the key of %s",
              ck->key_source ? ck->key_source : "the key file", name);
    if (ck->key_matches)
        sb_printf(&sb, "; it belongs to %s", ck->key_matches);
    sb_puts(&sb, ". A server configured this way fails to start, or fails every handshake.");
    free(name);
    f_add(x, "key_mismatch", SEV_CRITICAL,
          xstrdup("The private key does not belong to the leaf certificate"), sb_take(&sb),
          xstrdup("Pair the certificate with the key it was issued for (the one its CSR was made "
                  "with): compare `openssl x509 -noout -pubkey -in CERT` with `openssl pkey "
                  "-pubout -in KEY`."));
}

static void check_leaf_first(struct fctx *x)
{
    const struct chain_check *ck = x->r->check;
    if (!ck || ck->leaf_index == 0)
        return;
    f_add(x, "leaf_not_first", SEV_HIGH,
          xstrdup("The server's own certificate is not the first in the file"),
          xasprintf("The leaf is certificate #%zu of %s; servers (nginx, Apache, HAProxy) take "
                    "the first certificate as their own and the rest as its chain.",
                    ck->leaf_index + 1, ck->file ? ck->file : "the file"),
          xstrdup("Put the leaf first, then its intermediates in order (tlscope --check-chain "
                  "FILE --fix-chain OUT writes that file)."));
}

static void check_fetched(struct fctx *x)
{
    const struct report *r = x->r;
    if (!r->n_fetched)
        return;
    struct strbuf sb = {0};
    for (size_t i = 0; i < r->n_fetched && i < LIST_MAX; i++)
        sb_printf(&sb, "%s%s: %s%s%s", i ? "; " : "Fetched ", r->fetched[i].url,
                  r->fetched[i].outcome ? r->fetched[i].outcome : "?",
                  r->fetched[i].subject ? " — " : "",
                  r->fetched[i].subject ? r->fetched[i].subject : "");
    sb_printf(&sb,
              ". With the fetched certificates the chain %s. Browsers may paper over this, "
              "curl / Java / Python / most APIs fail.",
              r->aia_verify_ok ? "verifies" : "still does not verify");
    const char *file = r->check && r->check->file ? r->check->file : NULL;
    f_add(x, "aia_fetched", r->aia_verify_ok ? SEV_HIGH : SEV_MEDIUM,
          xstrdup(r->aia_verify_ok ? "Missing intermediate found through caIssuers"
                                   : "caIssuers did not complete the chain"),
          sb_take(&sb),
          file ? xasprintf("Serve the full chain: `tlscope --check-chain %s --aia --fix-chain "
                           "fullchain.pem` writes it (leaf, then the intermediates); point the "
                           "server's certificate file at fullchain.pem.",
                           file)
               : xasprintf("Serve the leaf followed by the fetched intermediate(s): save the "
                           "server's chain with the fetched certificates as fullchain.pem "
                           "(tlscope --aia shows their PEM) and point the server at it."));
}

static void check_revocation(struct fctx *x)
{
    const struct report *r = x->r;
    struct strbuf err = {0};
    size_t n_err = 0;
    for (size_t i = 0; i < r->n_revocation; i++) {
        const struct revocation *v = &r->revocation[i];
        if (!strcmp(v->status, "revoked")) {
            f_add(x, "cert_revoked", SEV_CRITICAL,
                  xasprintf("%s is revoked (%s)",
                            v->depth == 0 ? "The certificate" : "A CA certificate", v->method),
                  xasprintf("%s (depth %d) was revoked on %s%s%s, says %s.", v->subject, v->depth,
                            v->revoked_at[0] ? v->revoked_at : "?", v->reason ? ", reason " : "",
                            v->reason ? v->reason : "", v->url),
                  xstrdup("Get a new certificate (a new key if the old one was compromised) and "
                          "serve it; clients that check revocation refuse this one."));
            f_cover(x, E_REVOKED);
        } else if (!strcmp(v->status, "error") && n_err++ < LIST_MAX) {
            sb_printf(&err, "%s%s for depth %d (%s): %s", err.len ? "; " : "", v->method, v->depth,
                      v->url, v->problem ? v->problem : "error");
        }
    }
    /* The stapled answer against the live one, for the leaf. */
    for (size_t i = 0; r->ocsp_stapled && r->ocsp_status && i < r->n_revocation; i++) {
        const struct revocation *v = &r->revocation[i];
        if (v->depth != 0 || strcmp(v->method, "ocsp") || !strcmp(v->status, "error") ||
            !strcmp(v->status, r->ocsp_status))
            continue;
        f_add(x, "ocsp_staple_differs", SEV_HIGH,
              xasprintf("The stapled OCSP response says %s, the responder now says %s",
                        r->ocsp_status, v->status),
              xasprintf("The server stapled a response with status %s (this update %s); %s "
                        "answers %s (this update %s).",
                        r->ocsp_status, r->ocsp_this_update[0] ? r->ocsp_this_update : "?", v->url,
                        v->status, v->this_update[0] ? v->this_update : "?"),
              xstrdup("The server serves an old staple: make it refresh its OCSP cache (nginx: "
                      "reload; check that it can reach the responder)."));
    }
    if (n_err) {
        f_add(x, "revocation_error", SEV_LOW,
              xasprintf("Revocation could not be checked (%zu answer%s)", n_err,
                        n_err == 1 ? "" : "s"),
              sb_take(&err),
              xstrdup("Clients that require revocation checks (some enterprise setups) fail "
                      "the same way: ask the CA about its responder, or staple OCSP."));
    }
    sb_free(&err);
}

static void check_scts(struct fctx *x)
{
    const struct report *r = x->r;
    struct strbuf sb = {0};
    size_t bad = 0;
    for (size_t i = 0; i < r->n_scts; i++)
        if (r->scts[i].verified == TRI_NO && bad++ < LIST_MAX)
            sb_printf(&sb, "%s%s (from the %s, %s)", sb.len ? "; " : "",
                      r->scts[i].log_name ? r->scts[i].log_name : "unknown log", r->scts[i].source,
                      r->scts[i].timestamp);
    if (!bad) {
        sb_free(&sb);
        return;
    }
    sb_puts(&sb, ": the log's signature over the certificate does not verify.");
    f_add(x, "sct_invalid", SEV_HIGH,
          xasprintf("%zu Signed Certificate Timestamp%s do%s not verify", bad, bad == 1 ? "" : "s",
                    bad == 1 ? "es" : ""),
          sb_take(&sb),
          xstrdup("Browsers that enforce Certificate Transparency refuse the certificate: "
                  "serve the certificate exactly as the CA issued it (not a modified or "
                  "re-encoded copy), or ask the CA to reissue it."));
}

void f_check_doctor_file(struct fctx *x)
{
    check_scts(x);
    check_key(x);
    check_leaf_first(x);
    check_fetched(x);
    check_revocation(x);
}
