/* issue 13: what `tlscope --diff A B` compares. Each side is a saved --json report, a
 * certificate chain file (checked with the certificate doctor), or a live target HOST[:PORT]
 * (connected with the run's settings), so two load-balanced nodes or an old and a new chain
 * file can be compared; certificates are matched by SHA-256, not by name. */
#ifndef TLSCOPE_CLI_DIFFSRC_H
#define TLSCOPE_CLI_DIFFSRC_H

#include <stdbool.h>
#include <stddef.h>

#include "model/config.h"

#define DIFFSRC_FILE_MAX (16u << 20) /* a saved report is at most 16 MiB */

enum diffsrc_kind { DIFFSRC_REPORT, DIFFSRC_CHAIN, DIFFSRC_LIVE };

/* The JSON report for arg: the file as it is when it holds a JSON document that is not a
 * Kubernetes secret (diff_json then says whether it is a tlscope report), else the chain
 * file's --check-chain report, else (no such file) a connection to arg as HOST[:PORT] with cfg.
 * *kind says which. Returns a new string, or NULL with err naming the argument. */
char *diffsrc_json(const char *arg, const struct tls_config *cfg, enum diffsrc_kind *kind,
                   char *err, size_t errlen);

#endif
