/* Integration-test harness: the standard lab PKI, real TLS and hostile peers on loopback, and
 * a runner for the tlscope binary. Every child process is tracked so none outlives the test.
 *
 * Process-wide state (this is test code): one lab directory and one table of children. An
 * atexit handler and SIGINT/SIGTERM/SIGHUP/SIGABRT handlers kill every tracked child; children also
 * get PR_SET_PDEATHSIG, so even a crashing test binary leaves no server behind. Not thread-safe. */
#ifndef TLSCOPE_TESTS_HARNESS_H
#define TLSCOPE_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab/pki.h"

/* ---- the lab PKI --------------------------------------------------------------------------
 * Files written by harness_make_lab (NAME.crt + NAME.key, keys mode 0600):
 *   root, inter            trusted hierarchy: "TLS Lab Root CA" → "TLS Lab Intermediate CA"
 *   leaf                   CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1, RSA 2048
 *   leaf_ec                same names, EC P-256
 *   expired, notyet        localhost, not_after -30 days / not_before +30 days
 *   expiring               localhost, expires in 10 days
 *   wronghost              CN=wrong.example, SAN DNS:wrong.example
 *   selfsigned             self-signed localhost (not a CA)
 *   root2, inter2, leaf2   a second hierarchy nobody trusts (leaf2 is localhost)
 *   sha1                   localhost, signed with sha1WithRSAEncryption
 *   weak                   localhost, RSA 1024
 *   evil                   localhost SANs, CN "evil\x1b[31mRED\x1b[0m\x07name" (control bytes)
 *   client_ca, client      self-signed client CA and a clientAuth leaf "tlscope client"
 *   leaf_root2             localhost issued straight by root2 (a private root nobody trusts)
 *   root_cross             root's subject and key, issued by root2: a cross-signed root
 *   evil_lf                localhost SANs, CN with a line feed and a CR that forge an
 *                          "issuer … (trusted)" line when printed raw
 * All leaves except selfsigned, leaf2, leaf_root2 and client are issued by inter; leaf names
 * its issuer in authorityInfoAccess (caIssuers http://127.0.0.1:9/inter.crt) as CAs do.
 * Bundles (PEM, in the order a server would send them):
 *   chain.pem              leaf, inter                 (s_server: -cert @leaf.crt -key @leaf.key
 *   chain_ec.pem           leaf_ec, inter               -cert_chain @inter.crt)
 *   chain_wrongorder.pem   leaf, inter2 (unrelated), inter
 *   wrongorder_extra.pem   inter2, inter: the -cert_chain file that makes s_server send
 *                          chain_wrongorder.pem (with -cert @leaf.crt)
 *   extra_unrelated_ca.pem inter, root2 (a self-signed CA not on the path)   -cert_chain files
 *   extra_duplicate.pem    inter, inter                                      for -cert leaf
 *   extra_cross.pem        inter, root_cross
 *   extra_root.pem         inter, root
 * OCSP (DER, signed by inter, valid 7 days from generation):
 *   ocsp_good.der, ocsp_revoked.der   for leaf
 * client.key.enc           client's key, PKCS#8 AES-256-CBC, passphrase "secret". */
#define HARNESS_CLIENT_KEY_PASS "secret"

/* The spec table of the lab above (static storage; *n set to its length). */
const struct pki_spec *harness_lab_specs(size_t *n);
/* Generates the lab PKI and writes every file above into the existing directory dir.
 * When pki_out is not NULL the generated PKI is handed to the caller (free with pki_free).
 * Returns 0 or -1 with err. */
int harness_make_lab(const char *dir, struct pki **pki_out, char *err, size_t errlen);

/* Creates (once per process) a temp dir with the lab PKI; removed at exit. Never returns NULL:
 * if the lab cannot be made the process exits with a message (nothing could be tested). */
const char *harness_dir(void);
/* The PKI behind harness_dir() (to make more OCSP responses, encrypted keys ...). */
const struct pki *harness_pki(void);
char *harness_path(const char *file); /* harness_dir()/file, caller frees */

/* ---- peers --------------------------------------------------------------------------------
 * A peer: pid is 0 when no child runs for it; listen_fd is a socket the test process itself
 * holds (tarpit), else -1. Start functions fill *p (also on failure: then pid 0, fd -1). */
struct peer {
    pid_t pid;
    uint16_t port;
    int listen_fd;
};

/* Starts `openssl s_server -accept 127.0.0.1:PORT -quiet -ign_eof <args...>` (or [::1] when
 * v6) on a free port, waits (bounded, ~5 s) until it accepts TCP, returns 0 or -1 (reason on
 * stderr). args are NULL-terminated (NULL itself means none); an argument "@file" names
 * harness_dir()/file. stdin is a pipe nobody writes to, stdout/stderr go to /dev/null, unless
 * the environment variable HARNESS_VERBOSE is set (then stderr is kept). */
int peer_s_server(struct peer *p, bool v6, const char *const *args);
/* Listens on 127.0.0.1 and never accepts or answers: connect() succeeds, the handshake hangs. */
int peer_tarpit(struct peer *p);
/* A child that accepts on 127.0.0.1, writes banner, closes; at most 100 connections / 60 s. */
int peer_plaintext(struct peer *p, const char *banner);
/* A peer of our own: a forked child accepts on 127.0.0.1 (or ::1) and calls serve(fd, arg) for
 * each connection, one at a time; serve closes fd. At most 100 connections / 60 s; SIGPIPE is
 * ignored in the child. arg must stay valid across fork (static or heap data of the parent). */
typedef void (*peer_serve_fn)(int fd, const void *arg);
int peer_fork(struct peer *p, bool v6, peer_serve_fn serve, const void *arg);
/* peer_fork with other bounds: at most max_conns connections, max_ms milliseconds. */
int peer_fork_limits(struct peer *p, bool v6, peer_serve_fn serve, const void *arg, int max_conns,
                     int64_t max_ms);
/* Stops the peer: SIGTERM (SIGKILL after 2 s), waitpid, closes fds. Safe to call twice. */
void peer_stop(struct peer *p);

/* ---- cleanup on every exit path ----------------------------------------------------------
 * Registers fn (once; at most 4) to run in the test process at exit (from_signal false) and
 * when SIGINT, SIGTERM, SIGHUP or SIGABRT ends it (from_signal true: fn must then be
 * async-signal-safe, e.g. kill(2) only). Hooks run newest first, before the children die. */
typedef void (*harness_cleanup_fn)(bool from_signal);
void harness_on_cleanup(harness_cleanup_fn fn);

/* ---- running programs ---------------------------------------------------------------------
 * Runs argv (argv[0] looked up in PATH) with stdin fed from stdin_data (NULL: /dev/null),
 * captures stdout and stderr (each bounded to 4 MB; the rest is read and dropped) into new
 * strings *out / *errout (either pointer may be NULL to discard). Kills the child after
 * timeout_s. Returns its exit status (127 when argv[0] cannot be executed), or -1 when it
 * could not be started, was killed by a signal or timed out (*out / *errout are set anyway). */
int harness_run(const char *const *argv, const char *stdin_data, double timeout_s, char **out,
                char **errout);
/* The tlscope binary: $TLSCOPE_BIN, else BUILD/tlscope where the test binary is
 * BUILD/tests/<kind>/<name>. Returns a new string (caller frees). */
char *harness_tlscope_path(void);
/* harness_run of the tlscope binary; argv excludes argv[0]. */
int run_tlscope(const char *const *argv, double timeout_s, char **out, char **errout);

#endif
