/* The verification-error catalogue: every X509_V_ERR_* code OpenSSL defines, with its symbol,
 * a headline, and a plain-words explanation and fix aimed at the person running the server. */
#ifndef TLSCOPE_ENGINE_VERIFY_ERRORS_H
#define TLSCOPE_ENGINE_VERIFY_ERRORS_H

#include <stddef.h>
#include <time.h>

#include "model/report.h"

/* One catalogue entry. Everything is static: nothing here is ever freed. */
struct verify_error_info {
    int code;                 /* OpenSSL X509_V_ERR_* value */
    const char *name;         /* the symbol, "X509_V_ERR_CERT_HAS_EXPIRED" */
    const char *message_hint; /* a short headline: "Certificate expired" */
    const char *explanation;  /* what it means, without context (verify_error_describe adds it) */
    const char *fix;          /* what to change, without context */
};

/* The table, for listing and tests: entries 0 .. verify_error_count() - 1, ordered by code. */
size_t verify_error_count(void);
const struct verify_error_info *verify_error_at(size_t i); /* NULL when i is out of range */

/* By OpenSSL code; NULL for unknown codes (and for 0, X509_V_OK, which is no error). */
const struct verify_error_info *verify_error_by_code(int code);

/* Accepts "X509_V_ERR_CERT_HAS_EXPIRED", "CERT_HAS_EXPIRED", "cert_has_expired",
 * "cert-has-expired" or the number "10" (blanks around it are ignored). Returns the code, or -1
 * when the name or number is not in the catalogue. */
int verify_error_code_from_name(const char *name);

/* The symbol for a code: static for known codes; otherwise "X509_V_ERR_UNKNOWN_<n>" written
 * into buf (truncated to buflen) and buf returned. Code 0 gives "X509_V_OK". */
const char *verify_error_name(int code, char *buf, size_t buflen);

/* Writes a context-aware explanation and fix (both malloc'ed, never NULL, caller frees) for an
 * error seen at `depth` (-1: not tied to one certificate) on certificate `cert` (may be NULL)
 * of a chain of n_chain certificates (0 if unknown), checked against `hostname` (may be NULL),
 * at time `now`.
 *
 * Who is named: depth 0 reads "The server's own certificate (CN=...)"; a self-signed CA above
 * it, or the top of the chain when cert is NULL, reads "The root CA (CN=...)"; any other
 * depth reads "The intermediate CA at depth N (CN=...)". Dates and day counts come from
 * cert->not_before / not_after, measured against now. Names from the certificate are copied
 * as they are (bounded in length), so terminal renderers must sanitise the result like any
 * other peer text. */
void verify_error_describe(int code, int depth, const struct cert_info *cert, size_t n_chain,
                           const char *hostname, time_t now, char **explanation, char **fix);

/* "Did you mean" for --ignore-error typos: the symbol of the nearest known entry (by edit
 * distance, transpositions counting once, or else the first symbol containing the name), or
 * NULL when nothing is close. Static string. */
const char *verify_error_suggest(const char *name);

#endif
