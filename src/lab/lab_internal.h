/* Private to the demo lab: what lab.c (the parent side) and lab_server.c (the server
 * process) share. Included only by those two files; nothing outside src/lab/ sees it. */
#ifndef TLSCOPE_LAB_LAB_INTERNAL_H
#define TLSCOPE_LAB_LAB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

#include "lab/lab.h"
#include "lab/pki.h"

#define LAB_MSG_MAX 1024 /* the child's one-line start report */

#define LAB_CA_FILE     "root-ca.crt"
#define LAB_CLIENT_CERT "client.crt"
#define LAB_CLIENT_KEY  "client.key"

/* One target: what lab_target_at shows, and how its server is set up. */
struct lab_def {
    const char *name, *title, *description, *expect;
    const char *leaf;             /* pki name of the certificate the server presents */
    const char *chain;            /* pki name of the intermediate it also sends, or NULL */
    int min_version, max_version; /* TLS1_VERSION ... TLS1_3_VERSION */
    bool legacy;                  /* security level 0 and the legacy cipher list */
    bool alpn;                    /* selects h2 or http/1.1 when offered */
    bool ocsp;                    /* staples a "good" OCSP response for the leaf */
    bool client_auth;             /* requires a certificate issued by client_ca */
    const char *leaf2;            /* pki name of a second certificate (another key type), sent
                                     with chain too; NULL for none */
    bool wide;                    /* security level 0, every suite OpenSSL has (ALL), and DHE
                                     with a 1024-bit group: what a scanner should flag */
    const char *starttls;         /* "smtp" or "imap": a plaintext dialogue first (issue 12) */
};

#define LAB_N 10 /* the entries of lab_defs (checked where it is defined, in lab.c) */

extern const struct lab_def lab_defs[];   /* the targets, in lab_target_at order */
extern const struct pki_spec lab_specs[]; /* the PKI the server process generates */
extern const size_t lab_spec_count;

struct lab {
    pid_t pid; /* the server process; 0 when none */
    enum lab_state state;
    int rfd;                      /* the start report pipe (non-blocking), or -1 */
    int64_t deadline_ms;          /* the start deadline (mono_ms) */
    char report[LAB_MSG_MAX + 1]; /* the start report read so far */
    size_t report_len;
    char err[LAB_MSG_MAX + 64];               /* why the start failed */
    char *dir;                                /* private temp dir (mkdtemp, 0700), or NULL */
    char *ca_file, *client_cert, *client_key; /* files in dir (written by the child) */
    struct lab_target targets[LAB_N];         /* strings point into lab_defs */
};

/* lab.c: removes l's directory and the files in it (the server process does too when it
 * ends: the parent may be gone). */
void lab_remove_files(const struct lab *l);

/* lab_starttls.c: the server side of a STARTTLS dialogue (issue 12), before SSL_accept. */
struct lab_plain {
    bool active, imap, go_tls, closing;
    char in[512], out[512];
    size_t n_in, n_out, sent;
    int lines;
};
/* Queues the greeting of proto ("smtp" or "imap"). */
void lab_plain_start(struct lab_plain *p, const char *proto);
/* One non-blocking step on fd: 1 when TLS may start (the go-ahead is sent), 0 to wait for
 * *events, -1 when the connection is over. */
int lab_plain_step(struct lab_plain *p, int fd, short *events);

/* lab_http.c: the certificate repository the lab's leaf names (caIssuers, OCSP, CRL). */
#define LAB_HTTP_CONNS 16
struct lab_http_conn {
    int fd;
    bool answering; /* the request line is in: sending head, then body */
    char in[4096];
    size_t n_in;
    char head[200];
    size_t n_head;
    const unsigned char *body; /* points into struct lab_http */
    size_t n_body, sent;
    int64_t deadline; /* mono_ms */
};
struct lab_http {
    int lfd; /* listening on 127.0.0.1:port */
    uint16_t port;
    unsigned char *body[4]; /* by what is asked: [1] the intermediate, [2] OCSP, [3] the CRL */
    size_t len[4];
    struct lab_http_conn conns[LAB_HTTP_CONNS];
    size_t n;
};
/* Takes the listening socket (bound before the PKI is made: its port is in the leaf's URLs). */
void lab_http_init(struct lab_http *h, int lfd, uint16_t port);
/* Makes what it serves from the lab's PKI. Returns 0 or -1 with err. */
int lab_http_load(struct lab_http *h, const struct pki *p, char *err, size_t errlen);
/* Its descriptors (the listener, then each connection) into pfd; lowers *wake (mono_ms) to the
 * nearest deadline. Returns how many. */
size_t lab_http_fill(const struct lab_http *h, struct pollfd *pfd, int64_t *wake);
/* After poll: pfd as lab_http_fill filled it. Bounded work. */
void lab_http_step(struct lab_http *h, const struct pollfd *pfd, int64_t now);

/* lab_server.c: the server process, run in the child of fork; never returns. */
__attribute__((noreturn)) void lab_child(const struct lab *l, int wfd, pid_t parent);

#endif
