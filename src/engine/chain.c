/* Sent-chain analysis. */
#include "engine/chain.h"

#include <openssl/x509_vfy.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool has_issuer_error(const struct report *r)
{
    for (size_t i = 0; i < r->n_verify_errors; i++) {
        int code = r->verify_errors[i].code;
        if (code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
            code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
            code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)
            return true;
    }
    return false;
}

unsigned chain_analyse(const struct report *r)
{
    unsigned issues = 0;
    size_t n = r->n_sent;
    const struct cert_info *s = r->sent;
    if (n == 0)
        return 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i].self_signed || same(s[i].issuer, s[i + 1].subject))
            continue;
        for (size_t j = 0; j < n; j++)
            if (j != i && j != i + 1 && same(s[i].issuer, s[j].subject))
                issues |= CHAIN_WRONG_ORDER;
    }
    for (size_t i = 1; i < n; i++) {
        if (s[i].self_signed && s[i].is_ca)
            issues |= CHAIN_ROOT_INCLUDED;
        bool used = false;
        for (size_t j = 0; j < n && !used; j++)
            if (j != i && same(s[j].issuer, s[i].subject))
                used = true;
        if (!used && !(s[i].self_signed && s[i].is_ca))
            issues |= CHAIN_EXTRA_CERTIFICATE;
    }
    /* Follow issuer links from the leaf through what was sent to find the top of the path. */
    size_t top = 0;
    for (size_t hops = 0; hops < n; hops++) {
        if (s[top].self_signed)
            break;
        size_t next = n;
        for (size_t j = 0; j < n; j++)
            if (j != top && same(s[top].issuer, s[j].subject))
                next = j;
        if (next == n)
            break;
        top = next;
    }
    if (!s[top].self_signed && !s[top].is_ca && has_issuer_error(r))
        issues |= CHAIN_MISSING_INTERMEDIATE;
    return issues;
}
