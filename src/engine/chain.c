/* Sent-chain analysis: roles of the sent certificates and the issues of the chain. */
#include "engine/chain.h"

#include <openssl/x509_vfy.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool has_error(const struct report *r, int code)
{
    for (size_t i = 0; i < r->n_verify_errors; i++)
        if (r->verify_errors[i].code == code)
            return true;
    return false;
}

static bool has_issuer_error(const struct report *r)
{
    return has_error(r, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) ||
           has_error(r, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) ||
           has_error(r, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE);
}

/* Index of the verified certificate with c's fingerprint, or -1. */
static int verified_index(const struct report *r, const struct cert_info *c)
{
    for (size_t j = 0; c->sha256 && j < r->n_verified; j++)
        if (same(r->verified[j].sha256, c->sha256))
            return (int)j;
    return -1;
}

/* The same subject and public key: one CA, whoever signed this copy of it. */
static bool same_ca(const struct cert_info *a, const struct cert_info *b)
{
    return same(a->subject, b->subject) && same(a->spki_sha256, b->spki_sha256);
}

/* Puts sent certificate i on the path at depth d. */
static void on_path(struct report *r, size_t i, int d)
{
    r->sent[i].path_depth = d;
    r->sent[i].role = d == 0                   ? CHAIN_ROLE_LEAF
                      : r->sent[i].self_signed ? CHAIN_ROLE_ROOT
                                               : CHAIN_ROLE_INTERMEDIATE;
}

/* From the path certificate `top` (a sent index) at depth d, follows issuer names through the
 * sent certificates not placed yet. Bounded by n_sent hops: each hop places one certificate. */
static void continue_path(struct report *r, size_t top, int d)
{
    for (size_t hops = 0; hops < r->n_sent && !r->sent[top].self_signed; hops++) {
        size_t next = r->n_sent;
        for (size_t j = 1; j < r->n_sent && next == r->n_sent; j++)
            if (r->sent[j].path_depth < 0 && r->sent[j].role != CHAIN_ROLE_DUPLICATE &&
                same(r->sent[top].issuer, r->sent[j].subject))
                next = j;
        if (next == r->n_sent)
            return;
        on_path(r, next, ++d);
        top = next;
    }
}

void chain_roles(struct report *r)
{
    size_t n = r->n_sent;
    struct cert_info *s = r->sent;
    for (size_t i = 0; i < n; i++) {
        s[i].role = CHAIN_ROLE_UNRELATED;
        s[i].path_depth = -1;
        for (size_t j = 0; j < i && s[i].role != CHAIN_ROLE_DUPLICATE; j++)
            if (same(s[i].sha256, s[j].sha256) || (!s[i].sha256 && same(s[i].pem, s[j].pem)))
                s[i].role = CHAIN_ROLE_DUPLICATE;
    }
    if (!n)
        return;
    on_path(r, 0, 0);
    s[0].role = CHAIN_ROLE_LEAF; /* even when it signed itself */
    /* The verified path, where the server sent its certificates. */
    size_t top = 0;
    int top_depth = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i].role == CHAIN_ROLE_DUPLICATE)
            continue;
        int v = verified_index(r, &s[i]);
        if (v <= 0)
            continue;
        on_path(r, i, v);
        if (v + 1 == (int)r->n_verified && r->verified[v].self_signed)
            s[i].role = CHAIN_ROLE_ROOT;
        if (v > top_depth) {
            top = i;
            top_depth = v;
        }
    }
    /* A path that stops short of a self-signed top goes on through what was sent, provided
     * its top was sent (else there is no sent certificate to follow from). */
    bool partial = !r->n_verified || !r->verified[r->n_verified - 1].self_signed;
    if (partial && (int)r->n_verified <= top_depth + 1)
        continue_path(r, top, top_depth);
    /* Off the path: a cross-signed copy of a path CA, or unrelated. */
    for (size_t i = 1; i < n; i++) {
        if (s[i].role != CHAIN_ROLE_UNRELATED)
            continue;
        bool cross = false;
        for (size_t j = 1; j < r->n_verified && !cross; j++)
            cross = same_ca(&s[i], &r->verified[j]) && !same(s[i].issuer, r->verified[j].issuer);
        for (size_t j = 1; j < n && !cross; j++)
            cross = s[j].path_depth > 0 && same_ca(&s[i], &s[j]) && !same(s[i].issuer, s[j].issuer);
        if (cross)
            s[i].role = CHAIN_ROLE_CROSS_SIGNED;
    }
}

/* The path certificates sent must come first, in path order (a repeated copy among them is a
 * duplicate, not a disorder). */
static bool wrong_order(const struct report *r)
{
    size_t k = 0; /* path certificates and copies seen so far */
    int last = -1;
    for (size_t i = 0; i < r->n_sent; i++) {
        int d = r->sent[i].path_depth;
        if (r->sent[i].role == CHAIN_ROLE_DUPLICATE && i == k)
            k++;
        if (d < 0 || r->sent[i].role == CHAIN_ROLE_DUPLICATE)
            continue;
        if (i != k || d <= last)
            return true;
        k++;
        last = d;
    }
    return false;
}

/* Index of the highest sent certificate on the path. */
static size_t sent_top(const struct report *r)
{
    size_t top = 0;
    for (size_t i = 0; i < r->n_sent; i++)
        if (r->sent[i].path_depth > r->sent[top].path_depth)
            top = i;
    return top;
}

unsigned chain_analyse(const struct report *r)
{
    unsigned issues = 0;
    size_t n = r->n_sent;
    const struct cert_info *s = r->sent;
    if (r->n_sent_total > REPORT_CHAIN_MAX || r->n_verified_total > REPORT_CHAIN_MAX ||
        has_error(r, X509_V_ERR_CERT_CHAIN_TOO_LONG))
        issues |= CHAIN_TOO_LONG;
    if (n == 0)
        return issues;
    if (wrong_order(r))
        issues |= CHAIN_WRONG_ORDER;
    for (size_t i = 1; i < n; i++) {
        if (s[i].role == CHAIN_ROLE_UNRELATED)
            issues |= CHAIN_EXTRA_CERTIFICATE;
        else if (s[i].role == CHAIN_ROLE_DUPLICATE)
            issues |= CHAIN_DUPLICATE;
        else if (s[i].role == CHAIN_ROLE_ROOT)
            issues |= CHAIN_ROOT_INCLUDED;
    }
    const struct cert_info *top = &s[sent_top(r)];
    if (!top->self_signed && !top->is_ca && has_issuer_error(r) && top->ca_issuers_url &&
        *top->ca_issuers_url)
        issues |= CHAIN_MISSING_INTERMEDIATE;
    return issues;
}
