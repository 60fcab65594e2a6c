/* Shared by the raw-hello driver tests (test_raw_hello*.c): the offers they make (static data:
 * each test file gets its own copy), bounded probes with conn_new_hello, the optional corpus
 * of answers ($TLSCOPE_RAW_CORPUS), looking up events in a report, an `openssl s_server` with the
 * lab's leaf, and the same offer made with `openssl s_client` to compare outcomes.
 * The helpers fail the running cmocka test (fail_msg) when something that must work does not. */
#ifndef TLSCOPE_TESTS_RAWHELLO_H
#define TLSCOPE_TESTS_RAWHELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "wire/build.h"
#include "wire/wire.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NELEM(a)  (sizeof(a) / sizeof((a)[0]))

/* ---- offers ------------------------------------------------------------------------------ */

static const uint8_t client_random[32] = {
    0x74, 0x6c, 0x73, 0x63, 0x6f, 0x70, 0x65, 0x20, 0x72, 0x61, 0x77, 0x20, 0x68, 0x65, 0x6c, 0x6c,
    0x6f, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x72, 0x61, 0x6e, 0x64, 0x6f, 0x6d, 0x21, 0x21, 0x21,
};
static const uint8_t session_id[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                       12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                       23, 24, 25, 26, 27, 28, 29, 30, 31};
static const uint16_t sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805,
                                   0x0806, 0x0401, 0x0501, 0x0601, 0x0201};
static const uint16_t v13[] = {WIRE_TLS1_3};
static const uint16_t v13_12[] = {WIRE_TLS1_3, WIRE_TLS1_2};
static const uint16_t suites13[] = {0x1302, 0x1301, 0x1303};
static const uint16_t suites12[] = {0xC02F, 0xC030, 0xC02B, 0xC02C, 0x009E};
#define SUITES12_OSSL                                                                              \
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:"       \
    "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256"
#define SUITES13_OSSL "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
static const uint16_t g_x25519[] = {0x001d};
static const uint16_t g_x25519_p256[] = {0x001d, 0x0017};
static const uint16_t g_p384_x25519[] = {0x0018, 0x001d};
static const struct wire_key_share share_x25519[] = {{0x001d, NULL, 0}};
static const struct wire_key_share share_p384[] = {{0x0018, NULL, 0}};

/* A TLS 1.3-only offer like s_client -tls1_3 makes: suites, groups and one share as given. */
struct wire_ch_spec rawhello_offer13(const uint16_t *suites, size_t n_suites,
                                     const uint16_t *groups, size_t n_groups,
                                     const struct wire_key_share *share);
/* A TLS 1.2 offer without supported_versions, the extensions a TLS 1.2 client sends. */
struct wire_ch_spec rawhello_offer12(const uint16_t *suites, size_t n_suites);

/* ---- running probes ---------------------------------------------------------------------- */

/* Runs c to its end and takes its report (the caller frees both), failing the test when it
 * takes more than limit_s or an absurd number of steps; *steps_out (if not NULL): the steps. */
struct report *rawhello_run(struct conn *c, double limit_s, int *steps_out);
/* A raw-hello probe of host:port with spec through eng (timeout_s the engine's timeout),
 * bounded to timeout_s + 3 s; the caller frees the report. */
struct report *rawhello_probe_host(struct engine *eng, const char *host, uint16_t port,
                                   enum addr_family family, double timeout_s,
                                   const struct wire_ch_spec *spec);
/* rawhello_probe_host of 127.0.0.1:port, any family, timeout 5 s. */
struct report *rawhello_probe(struct engine *eng, uint16_t port, const struct wire_ch_spec *spec);

/* With $TLSCOPE_RAW_CORPUS set: writes bytes to $TLSCOPE_RAW_CORPUS/name after a control byte
 * for tests/fuzz/fuzz_record.c (limit 2^16, pieces of 1 to 29 bytes); else nothing. */
void rawhello_corpus_write(const char *name, const uint8_t *bytes, size_t n);
/* rawhello_corpus_write of the messages r received, each in a record of its own. */
void rawhello_corpus_save(const char *name, const struct report *r);

/* Fails the test when r has an error. */
void rawhello_expect_no_error(const struct report *r);
/* The first event in direction dir of that handshake type (-1: an alert), or NULL. */
const struct hs_event *rawhello_find_event(const struct report *r, enum event_dir dir, int hs_type);
/* True when v is one of list[0..n). */
bool rawhello_in_list(uint16_t v, const uint16_t *list, size_t n);

/* Starts `openssl s_server -cert @leaf.crt -key @leaf.key EXTRA...` (extra: NULL-terminated,
 * or NULL) as p; fails the test when it does not start. */
void rawhello_s_server(struct peer *p, const char *const *extra);

/* ---- openssl s_client, for the same offer ------------------------------------------------ */

/* Runs `openssl s_client -connect 127.0.0.1:port -msg <extra>` (extra: NULL-terminated, or
 * NULL; -noservername unless extra names one) with an empty stdin (it ends after the
 * handshake), bounded to 10 s, and fails the test unless the driver's answer in r equals
 * s_client's (the outcome of its first answer; the negotiated version, cipher and TLS 1.3
 * group; the group an HRR asked for; the alert it received). */
void rawhello_same_as_sclient(const struct report *r, uint16_t port, const char *const *extra);

#endif
