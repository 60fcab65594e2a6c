/* Inside the scanner: probe requests, jobs (planning) and the scheduler they share. */
#ifndef TLSCOPE_SCAN_SCAN_INTERNAL_H
#define TLSCOPE_SCAN_SCAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/scan.h"
#include "wire/build.h"

#define REQ_CIPHERS_MAX 512
#define REQ_LIST_MAX    64
#define REQ_ALPN_MAX    8

/* What one probe sends: a raw ClientHello, or (full) an OpenSSL handshake with cfg. */
struct probe_req {
    char what[96];
    bool full;
    struct tls_config cfg; /* full: owned (config_free) */
    uint16_t record_version, legacy_version;
    uint16_t ciphers[REQ_CIPHERS_MAX];
    size_t n_ciphers;
    uint16_t versions[4];
    size_t n_versions;
    uint16_t groups[REQ_LIST_MAX];
    size_t n_groups;
    uint16_t shares[4];
    size_t n_shares;
    bool share_empty;
    uint16_t sigalgs[REQ_LIST_MAX];
    size_t n_sigalgs;
    const char *alpn[REQ_ALPN_MAX]; /* static strings */
    size_t n_alpn;
    uint8_t compressions[2];
    size_t n_compressions;
    bool tls12_exts; /* renegotiation_info, extended_master_secret, session_ticket,
                        status_request, encrypt_then_mac, ec_point_formats */
    bool no_exts;    /* SSLv3: no extensions at all */
    bool session_id; /* a 32-byte session id (TLS 1.3 middlebox compatibility) */
    size_t pad_to;
    bool sslv2;
    int tag; /* job-specific: which feature, which certificate */
};

/* The server's answer, read back from a probe's received bytes (reply.c). */
struct scan_reply {
    enum hello_outcome outcome;
    uint16_t version, cipher, group;
    uint8_t compression, alert;
    bool hrr;
    bool ext_reneg, ext_ems, ext_ticket, ext_status, ext_etm;
    char alpn[64]; /* selected ALPN (TLS <= 1.2 ServerHello), "" none */
    uint8_t session_id[32];
    size_t session_id_len;
    bool ske;    /* a ServerKeyExchange followed */
    int dh_bits; /* its DH prime's size, for DHE */
};
/* Reads the records a server sent (as stored in scan_probe.received) into out. Returns 0, or
 * -1 when they hold no ServerHello, alert or SSLv2 record (out->outcome HELLO_NONE). Never
 * reads past n; any bytes are safe. */
int scan_read_reply(const uint8_t *data, size_t n, struct scan_reply *out);
/* The DH prime's size in bits of a DHE ServerKeyExchange message (type byte first), 0 when it
 * does not hold one. */
int scan_ske_dh_bits(const uint8_t *msg, size_t len);

enum job_kind {
    JOB_SUITES,   /* per version: offer many suites, remove the chosen one, repeat */
    JOB_ORDER,    /* per version: does the choice follow the client? the server's order */
    JOB_GROUPS13, /* TLS 1.3 groups, by HelloRetryRequest, in the server's preference */
    JOB_GROUPS12, /* ECDHE groups in TLS 1.2, one (or a split set) per probe */
    JOB_SIGALGS,  /* per version: signature algorithms, families as sets, split when taken */
    JOB_FEATURES, /* renegotiation, compression, fallback SCSV, ALPN, EMS, ... */
    JOB_FULL,     /* full handshakes: certificates, resumption, OCSP, DH size */
};

struct job {
    enum job_kind kind;
    enum scan_version ver;
    int inflight;
    bool finished;
    int step;       /* job-specific progress */
    uint16_t *list; /* candidates still to find (suites, groups) */
    size_t n_list;
    uint16_t *aux; /* job-specific (split sets, found order) */
    size_t n_aux;
    uint16_t segs[8][2]; /* JOB_SUITES: [start, len] of split segments into list */
    int n_segs, seg;
    bool multi_seg;
    bool part; /* JOB_SUITES: one of a version's parallel partitions (or split already) */
};

struct slot;

struct scan {
    struct engine *e;
    struct tls_config cfg; /* the target as given */
    char *address;         /* the literal the first probe connected to (later probes use it) */
    struct scan_opts opts;
    int parallel, delay_ms; /* current (throttling lowers/raises them) */
    int clean_streak;
    struct scan_report *rep;
    struct job **jobs; /* each allocated once: slots and retries point at them */
    size_t n_jobs;
    struct report *last;      /* plan_done: the finished connection's report; set it to NULL to
                                 take it over */
    unsigned phase2;          /* PH_* bits: which of the later jobs were added (plan_phase2) */
    bool phase2_all;          /* every one was */
    struct probe_req **retry; /* probes to send again, with their probe index */
    int *retry_idx;
    struct job **retry_job;
    size_t n_retry;
    struct slot *slots;
    size_t n_slots;
    int64_t start_us, next_start_us;
    bool cancelled, done;
    bool fatal;       /* the first probe reached no server: the scan stops */
    bool numeric;     /* the target is an address literal: no name to look up per probe */
    bool start_waits; /* a probe is ready but the delay holds it back until next_start_us */
    bool order_added[SCAN_VERSIONS];
    unsigned running_full;
    uint8_t random_seed[32];
    uint32_t counter;
};

/* plan.c */
void plan_init(struct scan *s);
/* The next request of job j: 1 (req filled), 0 (nothing until an answer), -1 (finished). */
int plan_next(struct scan *s, struct job *j, struct probe_req *req);
/* Probe idx of job j was answered (or given up: the probe's error is set). */
void plan_done(struct scan *s, struct job *j, const struct probe_req *req, int idx);
/* Adds the jobs that need the versions' results, each as soon as the versions it needs are
 * known (TLS 1.3 groups and signature algorithms once the TLS 1.3 suites are; the TLS 1.2
 * ones once the best version <= TLS 1.2 is; features and the later full handshakes once
 * TLS 1.0-1.3 are). Called whenever the scheduler looks for work; cheap. */
void plan_phase2(struct scan *s);
/* Where a signature algorithm sits in the fixed order the report lists them in. */
size_t plan_sigalg_rank(uint16_t code);
/* Probes still expected from unfinished jobs (a guess, for the progress bar). */
unsigned plan_estimate(const struct scan *s);
struct job *plan_add(struct scan *s, enum job_kind kind, enum scan_version ver);
/* Helpers the planners share (plan.c). */
bool plan_supported(const struct scan *s, enum scan_version v);
enum scan_version plan_best12(const struct scan *s); /* highest <= TLS 1.2; SCAN_SSL2: none */
enum scan_version plan_best(const struct scan *s);
bool plan_has(const uint16_t *v, size_t n, uint16_t x);
/* A hello for version v: record and legacy version, groups, shares, sigalgs. */
void plan_req_version(struct probe_req *q, enum scan_version v);
/* The suites accepted for p (forward-secret, authenticated ones only when fs_only). */
void plan_req_suites(struct probe_req *q, const struct scan_proto *p, bool fs_only);
/* What every TLS <= 1.2 probe offers as groups (plan.c). */
extern const uint16_t plan_groups12[];
#define PLAN_N_GROUPS12 36
/* *dst = a copy of src's k codes (the old list freed). */
void plan_list_set(uint16_t **dst, size_t *n, const uint16_t *src, size_t k);
/* "TLSv1.2 suites (42 offered)": what the probe is, for the evidence view. */
void plan_name_req(struct probe_req *q, const char *label, const char *what, size_t n,
                   const char *unit);
/* plan_sets.c: set testing — TLS 1.2 ECDHE groups and signature algorithms. */
int sets_groups12_next(struct scan *s, struct job *j, struct probe_req *q);
void sets_groups12_done(struct scan *s, struct job *j, const struct probe_req *q, int idx);
int sets_sigalgs_next(struct scan *s, struct job *j, struct probe_req *q);
void sets_sigalgs_done(struct scan *s, struct job *j, const struct probe_req *q, int idx);
/* plan_extra.c: features and full handshakes. */
int features_next(struct scan *s, struct job *j, struct probe_req *q);
void features_done(struct scan *s, struct job *j, const struct probe_req *q, int idx);
/* early: the RSA and ECDSA certificates (before any answer); else the rest: DSA, DHE
 * parameters, Ed25519 and Ed448 (once the signature algorithms are known). */
void full_plan(struct scan *s, struct job *j, bool early);
int full_next(struct scan *s, struct job *j, struct probe_req *q);
void full_done(struct scan *s, struct job *j, const struct probe_req *q, int idx);

#endif
