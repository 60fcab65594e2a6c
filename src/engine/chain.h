/* The chain as the server sent it: the role of every sent certificate (leaf, path
 * intermediate, path root, unrelated, duplicate, cross-signed alternative) and what is wrong
 * with the chain (order, gaps, extras), judged from the copied certificates, the verified path
 * and the verification errors in a report. Pure over the report: no live OpenSSL object. */
#ifndef TLSCOPE_ENGINE_CHAIN_H
#define TLSCOPE_ENGINE_CHAIN_H

#include "model/report.h"

/* Sets role and path_depth of every r->sent[i] (see enum chain_role):
 * - sent #0 is the leaf (depth 0); a later copy of a certificate already sent is a duplicate;
 * - the path is r->verified (matched by SHA-256 fingerprint); where it stops below a
 *   self-signed certificate (no issuer found, chain too long), it is continued through the
 *   sent certificates by issuer name, so the rest of a sent path still counts as on it;
 * - a path certificate is an intermediate, or the root when it is the self-signed top;
 * - a certificate off the path with the subject and public key of a path certificate but
 *   another issuer is a cross-signed alternative; anything else is unrelated.
 * Without a verified path the path is the sent one, followed by issuer name from the leaf. */
void chain_roles(struct report *r);

/* Returns enum chain_issue bits for r->sent, using the roles (call chain_roles first),
 * r->verify_errors and the totals:
 * - wrong_order: the path certificates sent are not the first ones, leaf first, each followed
 *   by its issuer;
 * - extra_certificate: an unrelated certificate was sent;
 * - duplicate_certificate: a certificate was sent twice;
 * - root_included: the path's own root was sent (clients use their own copy);
 * - chain_too_long: more than REPORT_CHAIN_MAX certificates were sent or verified, or
 *   verification stopped at its depth limit (X509_V_ERR_CERT_CHAIN_TOO_LONG);
 * - missing_intermediate: verification could not find an issuer, the top of the sent path is
 *   not a CA, and there is a sign that its issuer is an intermediate (the top publishes its
 *   issuer, authorityInfoAccess caIssuers, as public CAs' certificates do). A lone leaf whose
 *   issuer nobody knows may as well come straight from a private root: that is left to the
 *   untrusted_root finding, which says both. */
unsigned chain_analyse(const struct report *r);

#endif
