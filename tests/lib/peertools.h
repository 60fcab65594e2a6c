/* Peer tools for comparison: run sslscan and testssl.sh against a server on loopback and
 * parse what they report into one shape (accepted suites per version, groups), so tests and
 * benchmarks can compare the scanner's results with theirs.
 *
 *   sslscan:    sslscan --no-colour --xml=- [--no-groups] 127.0.0.1:PORT   (XML on stdout)
 *   testssl.sh: testssl --nodns none -E --jsonfile FILE 127.0.0.1:PORT with
 *               NXCONNECT=127.0.0.1:0 in the environment (nothing leaves loopback).
 * Both run through harness_run: bounded in time, killed by PID when it passes. */
#ifndef TLSCOPE_TESTS_PEERTOOLS_H
#define TLSCOPE_TESTS_PEERTOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct peertool_cipher {
    char version[16]; /* "SSLv3", "TLSv1.0" ... "TLSv1.3" */
    uint16_t code;    /* IANA code point */
    char name[96];    /* as the tool names it (OpenSSL form for sslscan, IANA for testssl) */
    int bits;         /* symmetric key bits, 0 when not reported */
    bool preferred;   /* sslscan: status="preferred" (the server's first choice) */
};

struct peertool_group {
    char version[16];
    uint16_t code; /* 0 when the tool gave no code point */
    char name[64];
    int bits;
};

struct peertool_result {
    char protocols[8][16]; /* enabled versions, as named in version above */
    size_t n_protocols;
    struct peertool_cipher *ciphers; /* in the tool's order */
    size_t n_ciphers;
    struct peertool_group *groups;
    size_t n_groups;
    double elapsed_ms; /* wall time of the tool's run (0 for a parse alone) */
};

void peertool_result_free(struct peertool_result *r);
/* The cipher of that version and code, or NULL. */
const struct peertool_cipher *peertool_find(const struct peertool_result *r, const char *version,
                                            uint16_t code);

/* The tool's path when installed ("sslscan", "testssl" or "testssl.sh" in PATH), else NULL. */
const char *peertools_sslscan(void);
const char *peertools_testssl(void);

/* Parses sslscan's XML (2.x). 0, or -1 with err (no <ssltest> element, a malformed tag). */
int peertools_parse_sslscan(const char *xml, struct peertool_result *out, char *err, size_t errlen);
/* Runs sslscan against 127.0.0.1:port (groups enumerated when groups is true). 0, or -1 with
 * err (not installed, timed out, failed, unparsable). */
int peertools_run_sslscan(uint16_t port, bool groups, double timeout_s, struct peertool_result *out,
                          char *err, size_t errlen);

/* Parses testssl.sh's --jsonfile output (a flat array of findings): its "cipher-*" and
 * "cipherorder_*" ids give ciphers, "TLS1"... ids give protocols. 0, or -1 with err. */
int peertools_parse_testssl(const char *json, struct peertool_result *out, char *err,
                            size_t errlen);
/* Runs testssl.sh -E (cipher enumeration per protocol) against 127.0.0.1:port, writing its
 * JSON into a temp file. 0, or -1 with err. */
int peertools_run_testssl(uint16_t port, double timeout_s, struct peertool_result *out, char *err,
                          size_t errlen);

#endif
