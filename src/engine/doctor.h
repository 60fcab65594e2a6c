/* issue 13: the certificate doctor — a chain file checked the way a connection's chain is
 * (roles, order, missing intermediates, verification with every error explained, validity,
 * names, keys and signatures, the private key), plus what --aia fetches and --revocation asks.
 * The result is a struct report (model/report.h) with r->check set, so the JSON and text
 * renderers and the findings read it like a connection's chain. No OpenSSL in this header. */
#ifndef TLSCOPE_ENGINE_DOCTOR_H
#define TLSCOPE_ENGINE_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/report.h"

/* The Kubernetes secret reader the engine cannot include (YAML lives in yaml/): front ends
 * register ysecret's functions at start-up. Without one, a secret is "not a certificate file".
 * read fills the base64 texts (or plain ones, *plain) of tls.crt, tls.key, ca.crt (each may
 * stay NULL but crt), returns 0 or -1 with err. */
struct doctor_secret_reader {
    bool (*sniff)(const char *data, size_t n);
    int (*read)(const char *data, size_t n, char **crt, char **key, char **ca, bool *plain,
                char *err, size_t errlen);
};
void doctor_set_secret_reader(const struct doctor_secret_reader *r);
const struct doctor_secret_reader *doctor_secret_reader(void);

struct doctor_opts {
    const char *file;          /* for the report and messages; "-" for stdin */
    const unsigned char *data; /* the file's bytes (the caller read them, bounded) */
    size_t n;
    const char *pass;     /* PKCS#12 / in-file key password (resolved), or NULL */
    const char *key_file; /* --key, or NULL */
    const char *key_pass; /* its passphrase (resolved), or NULL */
    const char *name;     /* --name, or NULL */
    const char *ca_file, *ca_path;
    bool aia, revocation;
    const char *ct_logs; /* the CT log list; NULL: the shipped one */
    double timeout_s;    /* per network fetch */
    time_t now;          /* 0: now */
};

/* Outcomes of doctor_check (the chain-file reader's codes). */
#define DOCTOR_OK        0
#define DOCTOR_ERROR     (-1)
#define DOCTOR_NEED_PASS (-2) /* a PKCS#12 file or key needs a password (none or a wrong one) */

/* Checks the chain in o->data. Returns DOCTOR_OK with a new report in *out, or an error code
 * with a message (file and what) in err. */
int doctor_check(const struct doctor_opts *o, struct report **out, char *err, size_t errlen);

/* A passphrase from its source: "env:VAR" or "file:PATH" (first line), never a literal.
 * flag names the option for messages ("--pass"). Returns 0 or -1 with err. */
int doctor_pass_source(const char *flag, const char *src, char *out, size_t outlen, char *err,
                       size_t errlen);

/* The chain a server should be given, after the check: the leaf, then the intermediates of the
 * verified path in order (with --aia: the path the fetched certificates completed), never the
 * root or an unrelated certificate. Pointers into r; returns how many (at most max). */
size_t doctor_chain_to_serve(const struct report *r, const struct cert_info **out, size_t max);

#endif
