/* Findings: what one connection shows to be wrong or worth knowing, derived from the report.
 *
 * Pure C over struct report (no OpenSSL): the engine calls findings_compute once after it has
 * filled the report; renderers read r->findings. Each finding has a stable static id, a
 * severity, and title/detail/fix strings owned by the report (report_free releases them).
 *
 * A check that hits several CA certificates of one chain says so in one finding listing them
 * ("63 certificates expire within 30 days"), not one finding each; the leaf keeps its own.
 * Chain findings follow the roles the engine gave the sent certificates (enum chain_role).
 *
 * Ids (severity): cert_expired (critical), cert_chain_expired (high), cert_not_yet_valid
 * (high), cert_expiring (medium, under 30 days), hostname_mismatch (high), self_signed (high;
 * info when the leaf is trusted explicitly), untrusted_root (high), incomplete_chain (high),
 * chain_order (low), chain_extra (info: unrelated certificates sent), chain_duplicate (info),
 * chain_root_included (info: the path's own root sent), chain_too_long (high: more than
 * REPORT_CHAIN_MAX certificates, or past the verification depth), key_too_small (high),
 * sha1_signature (medium), md5_signature (high), old_protocol (high for SSLv3, else medium),
 * no_forward_secrecy (medium), weak_cipher (high), sweet32 (medium, 3DES), no_ocsp_staple
 * (info), ocsp_revoked (critical), ocsp_staple_problem (low), verify_error (high, one per
 * verification error no other finding explains), ignored_errors (info), verification_off
 * (medium), weakened_settings (info), insecure_renegotiation (medium),
 * no_extended_master_secret (low).
 * After the probe (findings_probe, issue 12): starttls_injection (high), hsts_missing
 * (medium), hsts_malformed (medium), hsts_short (low, max-age under 180 days).
 * Issue 13 (findings_doctor.c): name_cn_only (high), ct_precertificate (critical),
 * unknown_critical_extension (high), key_mismatch (critical), leaf_not_first (high),
 * aia_fetched (high when the fetched certificates complete the chain, else medium),
 * cert_revoked (critical), revocation_error (low), ocsp_staple_differs (high), sct_invalid
 * (high). cert_expiring uses 30 days or a third of the certificate's lifetime, whichever is
 * shorter. */
#ifndef TLSCOPE_MODEL_FINDINGS_H
#define TLSCOPE_MODEL_FINDINGS_H

#include <time.h>

#include "model/report.h"

/* Appends findings to r (report_add_finding) from the facts already in r, `now` being the
 * reference time for date maths, then sorts all of r's findings by severity, highest first,
 * keeping the order within one severity. A report without a TLS session (!r->ok) gets none:
 * its error is shown instead. Not idempotent: call once after the engine filled the report.
 * Peer strings (names, SANs) are copied as they are; renderers sanitise. */
void findings_compute(struct report *r, time_t now);
/* findings_app.c — the findings of the probe stage (the STARTTLS injection check, the HTTP
 * probe's HSTS), appended after findings_compute, then all sorted again. Once, after the
 * probe; nothing when neither ran. */
void findings_probe(struct report *r);

#endif
