/* What is wrong with the chain as the server sent it (order, gaps, extras), judged from the
 * copied certificates and the verification errors in a report. */
#ifndef TLSCOPE_ENGINE_CHAIN_H
#define TLSCOPE_ENGINE_CHAIN_H

#include "model/report.h"

/* Returns enum chain_issue bits for r->sent, using r->verify_errors. Heuristics:
 * - wrong_order: a certificate is not followed by its issuer although the issuer was sent;
 * - extra_certificate: a sent certificate (not the leaf) issued nothing else that was sent;
 * - root_included: a self-signed CA was sent after the leaf (clients ignore it);
 * - missing_intermediate: verification could not find an issuer and the top of the sent path
 *   is not a CA (the server sends its leaf without the intermediate that signed it). */
unsigned chain_analyse(const struct report *r);

#endif
