/* issue 13: Certificate Transparency — the Signed Certificate Timestamps of a chain from all
 * three sources (embedded in the certificate, the TLS extension, the stapled OCSP response),
 * each named by the CT log list (a file a person updates: data/ct_logs.cnf, or --ct-logs) and
 * checked against its log's key. Engine-private. */
#ifndef TLSCOPE_ENGINE_CT_H
#define TLSCOPE_ENGINE_CT_H

#include <openssl/ct.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <time.h>

#include "model/report.h"

#define CT_SCTS_MAX 64 /* SCTs kept per report */

/* Appends to r->scts the SCTs of leaf (embedded), of tls (the TLS extension's, may be NULL)
 * and of the stapled OCSP response (DER, may be NULL), verified at `now` against the logs of
 * the list at path (NULL: the shipped list); issuer (may be NULL) is needed for embedded ones.
 * Sets r->ct_log_list when there was any SCT. */
void ct_collect(struct report *r, const char *path, X509 *leaf, X509 *issuer,
                const STACK_OF(SCT) * tls, const unsigned char *ocsp, size_t ocsp_len, time_t now);

#endif
