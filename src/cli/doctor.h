/* issue 13: `tlscope --check-chain FILE` on the command line — reads the file (or stdin),
 * resolves passphrases (--pass env:VAR|file:PATH, or a prompt on the terminal), runs the
 * engine's certificate doctor, prints the report (text or JSON) and, with --fix-chain OUT,
 * writes the chain the server should be given through the safe writer. */
#ifndef TLSCOPE_CLI_DOCTOR_H
#define TLSCOPE_CLI_DOCTOR_H

#include <stdbool.h>

#include "model/config.h"

#define DOCTOR_EXIT_USAGE 64

struct doctor_cli {
    const char *file;    /* path, or "-" for stdin */
    const char *name;    /* --name, or NULL */
    const char *fix_out; /* --fix-chain OUT, or NULL */
    bool force;          /* --force: --fix-chain may replace OUT */
    bool json, compact;
    const struct tls_config *cfg; /* key, pass, cafile/capath, aia, revocation, timeout */
};

/* Registers the Kubernetes secret reader (yaml/ysecret) with the engine. Call once at start. */
void doctor_cli_init(void);

/* Runs the check; prints to stdout (report) and stderr (errors, what --fix-chain changed).
 * Returns 0 ready to deploy, 1 not (or the file is no certificate file), 64 usage/IO errors. */
int doctor_cli_run(const struct doctor_cli *o);

#endif
