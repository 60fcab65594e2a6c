/* Findings about the chain as the server sent it, and about the keys and signatures of its
 * certificates. Part of findings_compute; see findings_internal.h. */
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

/* ---- the chain as sent ------------------------------------------------------------------- */

void f_check_incomplete_chain(struct fctx *x)
{
    const struct report *r = x->r;
    if (!(r->chain_issues & CHAIN_MISSING_INTERMEDIATE) || r->n_sent == 0)
        return;
    size_t top = f_path_top(r);
    const struct cert_info *c = &r->sent[top];
    char *name = f_cert_name(c);
    struct strbuf sb = {0};
    sb_printf(&sb,
              "The server sent %zu certificate%s; the highest on the path, %s (depth %zu), "
              "is issued by \"%s\", which was not sent and is not a trusted root.",
              r->n_sent, r->n_sent == 1 ? "" : "s", name, top, c->issuer ? c->issuer : "?");
    if (c->ca_issuers_url)
        sb_printf(&sb, " The missing issuer is published at %s.", c->ca_issuers_url);
    f_add(x, "incomplete_chain", SEV_HIGH, xstrdup("Incomplete certificate chain"), sb_take(&sb),
          xasprintf("Serve the full chain file, leaf first and then each intermediate: nginx "
                    "`ssl_certificate /etc/letsencrypt/live/%s/fullchain.pem;` (fullchain.pem, "
                    "not cert.pem); Apache 2.4.8+ `SSLCertificateFile` pointing at the same full "
                    "chain file. Browsers may hide the gap; curl, Java and mobile apps fail.",
                    f_site_name(r)));
    free(name);
    f_cover(x, E_ISSUER_LOCALLY);
    f_cover(x, E_ISSUER);
    f_cover(x, E_LEAF_SIGNATURE);
}

/* Appends "NAME (depth i), ..." for the sent certificates of one role (bounded). */
static void list_role(struct strbuf *sb, const struct report *r, enum chain_role role)
{
    struct hits h = {0};
    for (size_t i = 1; i < r->n_sent; i++)
        if (r->sent[i].role == role)
            f_hit(&h, i);
    f_list_hits(sb, r, &h);
}

void f_check_chain_shape(struct fctx *x)
{
    const struct report *r = x->r;
    struct strbuf sb = {0};
    if (r->chain_issues & CHAIN_WRONG_ORDER) {
        sb_puts(&sb, "Sent order: ");
        for (size_t i = 0; i < r->n_sent && i < LIST_MAX; i++) {
            char *name = f_cert_name(&r->sent[i]);
            sb_printf(&sb, "%s%zu %s (issuer \"%s\")", i ? "; " : "", i, name,
                      r->sent[i].issuer ? r->sent[i].issuer : "?");
            free(name);
        }
        sb_puts(&sb, ". Each certificate should be followed by the one that issued it.");
        f_add(x, "chain_order", SEV_LOW, xstrdup("Chain sent in the wrong order"), sb_take(&sb),
              xstrdup("Order the chain file leaf first, then its issuer, and so on upward: "
                      "`cat server.pem intermediate.pem > fullchain.pem`."));
    }
    if (r->chain_issues & CHAIN_EXTRA_CERTIFICATE) {
        sb_puts(&sb, "Sent but not on the path to the leaf: ");
        list_role(&sb, r, CHAIN_ROLE_UNRELATED);
        sb_putc(&sb, '.');
        f_add(x, "chain_extra", SEV_INFO, xstrdup("Unneeded certificates in the chain"),
              sb_take(&sb),
              xstrdup("Remove the unrelated certificates from the chain file; every handshake "
                      "carries them."));
    }
    if (r->chain_issues & CHAIN_DUPLICATE) {
        sb_puts(&sb, "Sent more than once: ");
        list_role(&sb, r, CHAIN_ROLE_DUPLICATE);
        sb_puts(&sb, " repeats a certificate sent before it.");
        f_add(x, "chain_duplicate", SEV_INFO, xstrdup("Certificate sent twice"), sb_take(&sb),
              xstrdup("Keep one copy of each certificate in the chain file: leaf, then each "
                      "intermediate once."));
    }
    if (r->chain_issues & CHAIN_ROOT_INCLUDED) {
        sb_puts(&sb, "The server sends its root CA: ");
        list_role(&sb, r, CHAIN_ROLE_ROOT);
        sb_puts(&sb, ". Clients must already hold a root to trust it, so sending it only adds "
                     "bytes to every handshake.");
        f_add(x, "chain_root_included", SEV_INFO, xstrdup("Root CA sent in the chain"),
              sb_take(&sb),
              xstrdup("Drop the root from the chain file; keep the leaf and the intermediates."));
    }
}

/* A chain longer than the report keeps, or deeper than verification goes. */
void f_check_chain_length(struct fctx *x)
{
    const struct report *r = x->r;
    if (!(r->chain_issues & CHAIN_TOO_LONG))
        return;
    size_t sent = r->n_sent_total > r->n_sent ? r->n_sent_total : r->n_sent;
    struct strbuf sb = {0};
    sb_printf(&sb, "The server sent %zu certificate%s", sent, sent == 1 ? "" : "s");
    if (sent > r->n_sent)
        sb_printf(&sb, "; tlscope keeps and examines the first %zu", r->n_sent);
    const struct verify_error *e = f_find_error(r, E_CHAIN_TOO_LONG);
    if (e)
        sb_printf(&sb, "; verification gave up at depth %d, past its depth limit", e->depth);
    sb_puts(&sb, ". Real chains hold two to four certificates: a longer one is a misconfigured "
                 "chain file or a peer trying to exhaust its clients.");
    f_add(x, "chain_too_long", SEV_HIGH, xasprintf("Chain too long: %zu certificates", sent),
          sb_take(&sb),
          xstrdup("Serve only the leaf and its intermediates (export \"the chain the server "
                  "should send\" from the Certificates pane), in that order."));
    f_cover(x, E_CHAIN_TOO_LONG);
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
    char *name = f_cert_name(c);
    f_add(x, "key_too_small", SEV_HIGH,
          xasprintf("%d-bit %s key on the %s", c->key_bits, c->key_type,
                    i == 0 ? "certificate" : "intermediate CA"),
          xasprintf("%s key of %d bits on depth %zu, %s; the minimum for %s keys is %d bits.",
                    c->key_type, c->key_bits, i, name, c->key_type, min),
          xstrdup(i == 0 ? "Generate a new key and have the certificate reissued: `openssl req "
                           "-new -newkey rsa:3072 -nodes -keyout server.key -out server.csr` "
                           "(or ECDSA: `-newkey ec -pkeyopt ec_paramgen_curve:P-256`)."
                         : CA_KEY_FIX));
    free(name);
    f_cover(x, i == 0 ? E_EE_KEY : E_CA_KEY);
}

void f_check_keys(struct fctx *x)
{
    const struct report *r = x->r;
    struct hits ca = {0};
    for (size_t i = 0; i < r->n_sent; i++) {
        const struct cert_info *c = &r->sent[i];
        int min = key_min_bits(c->key_type);
        if (f_is_anchor(r, i) || f_is_duplicate(r, i) || min == 0 || c->key_bits <= 0 ||
            c->key_bits >= min)
            continue;
        if (i == 0)
            add_small_key(x, i);
        else
            f_hit(&ca, i);
    }
    if (ca.n == 1)
        add_small_key(x, ca.idx[0]);
    if (ca.n > 1) {
        struct strbuf sb = {0};
        sb_puts(&sb, "Keys below the minimum for their type (RSA 2048, EC 224 bits): ");
        f_list_hits(&sb, r, &ca);
        sb_putc(&sb, '.');
        f_add(x, "key_too_small", SEV_HIGH,
              xasprintf("%zu CA certificates with too small keys", ca.n), sb_take(&sb),
              xstrdup(CA_KEY_FIX));
        f_cover(x, E_CA_KEY);
    }
}

static void add_weak_sig(struct fctx *x, size_t i, bool md5)
{
    const struct cert_info *c = &x->r->sent[i];
    char *name = f_cert_name(c);
    const char *digest = md5 ? "MD5" : "SHA-1";
    f_add(x, md5 ? "md5_signature" : "sha1_signature", md5 ? SEV_HIGH : SEV_MEDIUM,
          xasprintf("%s signature on the %s", digest, i == 0 ? "certificate" : "intermediate CA"),
          xasprintf("%s signature on depth %zu, %s; %s collisions are practical, so clients "
                    "reject such signatures.",
                    c->signature_algorithm, i, name, digest),
          xstrdup(WEAK_SIG_FIX));
    free(name);
    f_cover(x, E_CA_MD);
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
    f_list_hits(&sb, x->r, h);
    sb_putc(&sb, '.');
    f_add(x, md5 ? "md5_signature" : "sha1_signature", md5 ? SEV_HIGH : SEV_MEDIUM,
          xasprintf("%s signatures on %zu certificates", digest, h->n), sb_take(&sb),
          xstrdup(WEAK_SIG_FIX));
    f_cover(x, E_CA_MD);
}

void f_check_signatures(struct fctx *x)
{
    const struct report *r = x->r;
    struct hits md5s = {0}, sha1s = {0};
    for (size_t i = 0; i < r->n_sent; i++) {
        const struct cert_info *c = &r->sent[i];
        const char *alg = c->signature_algorithm;
        /* A self-signature is never checked by clients, so its digest does not matter. */
        if (!alg || c->self_signed || f_is_duplicate(r, i))
            continue;
        bool md5 = strcasestr(alg, "md5") || strcasestr(alg, "md2") || strcasestr(alg, "md4");
        bool sha1 = !md5 && strcasestr(alg, "sha1");
        if (md5)
            f_hit(&md5s, i);
        else if (sha1)
            f_hit(&sha1s, i);
    }
    add_weak_sigs(x, &md5s, true);
    add_weak_sigs(x, &sha1s, false);
}
