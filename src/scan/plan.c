/* Planning: which probes a scan sends, and what each answer means (see scan_internal.h).
 *
 * Suites: per version, one hello offers every suite still unknown; the server's choice is
 * removed and the rest offered again until it refuses — one probe per accepted suite, plus
 * one. A list refused for its size is split. Then the accepted suites reversed: does the
 * choice follow the client (client order) or stay (server order, and the order is the order
 * they were found in)? Groups for TLS 1.3: an empty key_share makes the server name its
 * choice in a HelloRetryRequest, so every group — post-quantum ones too — is found without
 * any key exchange of ours. The rest (TLS 1.2 groups, signature algorithms, features) are
 * independent probes the scheduler runs side by side (TLS 1.2 groups and signature
 * algorithms by set testing: plan_sets.c); certificates, resumption and the DH size when no
 * probe showed it take full handshakes (plan_extra.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan_internal.h"
#include "util/mem.h"
#include "wire/serve.h"
#include "wire/suites.h"
#include "wire/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What every TLS <= 1.2 probe offers besides its suites: the common curves first (P-256 too,
 * or ECDHE-ECDSA suites would be missed), then the rest; FFDHE for RFC 7919 servers. */
const uint16_t plan_groups12[PLAN_N_GROUPS12] = {
    29, 23, 24, 25, 30, 26, 27, 28, 22, 21, 19, 20, 18, 256, 257, 258, 259, 260,
    1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14,  15,  16,  17,  41};
/* TLS 1.3 key exchange groups, post-quantum hybrids and ML-KEM by code point included. */
static const uint16_t groups13[] = {0x11EC, 0x11EB, 0x11ED, 0x6399, 0x639A, 512, 513, 514, 29, 23,
                                    24,     25,     30,     256,    257,    258, 259, 260, 31, 32,
                                    33,     41,     34,     35,     36,     37,  38,  39,  40};
static const uint16_t pq_groups[] = {0x11EC, 0x11EB, 0x11ED, 0x6399, 0x639A, 512, 513, 514};
/* What every probe offers as signature algorithms (JOB_SIGALGS offers its own). */
static const uint16_t sigalgs_all[] = {
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B, 0x081A,
    0x081B, 0x081C, 0x0401, 0x0501, 0x0601, 0x0301, 0x0303, 0x0201, 0x0203, 0x0402, 0x0202};

/* ---- helpers ---- */

struct job *plan_add(struct scan *s, enum job_kind kind, enum scan_version ver)
{
    s->jobs = xrealloc(s->jobs, (s->n_jobs + 1) * sizeof *s->jobs);
    struct job *j = xcalloc(1, sizeof *j);
    j->kind = kind;
    j->ver = ver;
    s->jobs[s->n_jobs++] = j;
    return j;
}

bool plan_has(const uint16_t *v, size_t n, uint16_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

void plan_list_set(uint16_t **dst, size_t *n, const uint16_t *src, size_t k)
{
    free(*dst);
    *dst = xcalloc(k ? k : 1, sizeof **dst);
    memcpy(*dst, src, k * sizeof *src);
    *n = k;
}

static void list_remove(uint16_t *v, size_t *n, uint16_t x)
{
    for (size_t i = 0; i < *n; i++)
        if (v[i] == x) {
            memmove(v + i, v + i + 1, (*n - i - 1) * sizeof *v);
            (*n)--;
            return;
        }
}

bool plan_supported(const struct scan *s, enum scan_version v)
{
    return s->rep->protos[v].supported == TRI_YES;
}

/* The highest supported version <= TLS 1.2 (SCAN_SSL2 when none). */
enum scan_version plan_best12(const struct scan *s)
{
    for (int v = SCAN_TLS12; v >= SCAN_SSL3; v--)
        if (plan_supported(s, (enum scan_version)v))
            return (enum scan_version)v;
    return SCAN_SSL2;
}

enum scan_version plan_best(const struct scan *s)
{
    return plan_supported(s, SCAN_TLS13) ? SCAN_TLS13 : plan_best12(s);
}

/* A hello for version v with everything but suites and what the job sets itself. */
void plan_req_version(struct probe_req *q, enum scan_version v)
{
    q->record_version = v == SCAN_SSL3 ? 0x0300 : 0x0301;
    q->legacy_version = v == SCAN_TLS13 ? 0x0303 : scan_version_code(v);
    if (v == SCAN_SSL3) {
        q->no_exts = true;
        return;
    }
    memcpy(q->sigalgs, sigalgs_all, sizeof sigalgs_all);
    q->n_sigalgs = NELEM(sigalgs_all);
    if (v == SCAN_TLS13) {
        q->versions[0] = 0x0304;
        q->n_versions = 1;
        static const uint16_t g[] = {29, 23, 24, 25, 30, 256, 257, 258};
        memcpy(q->groups, g, sizeof g);
        q->n_groups = NELEM(g);
        q->shares[0] = 29, q->shares[1] = 23;
        q->n_shares = 2;
        q->session_id = true;
    } else {
        memcpy(q->groups, plan_groups12, PLAN_N_GROUPS12 * sizeof *plan_groups12);
        q->n_groups = PLAN_N_GROUPS12;
    }
}

void plan_req_suites(struct probe_req *q, const struct scan_proto *p, bool fs_only)
{
    q->n_ciphers = 0;
    for (size_t i = 0; i < p->n_suites && q->n_ciphers < REQ_CIPHERS_MAX; i++) {
        struct wire_suite_info in;
        wire_suite_info(p->suites[i].code, &in);
        if (!fs_only || (in.forward_secret && !in.anonymous))
            q->ciphers[q->n_ciphers++] = p->suites[i].code;
    }
}

/* "TLSv1.2 suites (42 offered)": what the probe is, for the evidence view. */
void plan_name_req(struct probe_req *q, const char *label, const char *what, size_t n,
                   const char *unit)
{
    snprintf(q->what, sizeof q->what, "%s %s (%zu %s)", label, what, n, unit);
}

/* ---- suites per version ---- */

static void suites_init(struct job *j)
{
    size_t n = wire_suite_count(), k = 0;
    j->list = xcalloc(n, sizeof *j->list);
    for (size_t i = 0; i < n; i++) {
        struct wire_suite_info in;
        uint16_t code = wire_suite_at(i);
        wire_suite_info(code, &in);
        if (in.tls13 == (j->ver == SCAN_TLS13) && k < REQ_CIPHERS_MAX)
            j->list[k++] = code;
    }
    j->n_list = k;
    j->segs[0][0] = 0, j->segs[0][1] = (uint16_t)k;
    j->n_segs = 1;
    j->seg = 0;
}

static void partition(struct scan *s, struct job *j);

static int suites_next(struct scan *s, struct job *j, struct probe_req *q)
{
    if (j->inflight)
        return 0;
    if (j->ver == SCAN_SSL2) { /* one hello offering the seven SSLv2 specs */
        if (j->step++)
            return -1;
        q->sslv2 = true;
        snprintf(q->what, sizeof q->what, "SSLv2 CLIENT-HELLO (7 cipher specs)");
        return 1;
    }
    if (j->step++ == 0) {
        suites_init(j);
        /* TLS 1.0-1.2: the chains start side by side at once, the server busy from the first
         * answer on (a version the server refuses costs one refused probe per chain) */
        if (j->ver >= SCAN_TLS10 && j->ver <= SCAN_TLS12)
            partition(s, j);
    }
    while (j->seg < j->n_segs && j->segs[j->seg][1] == 0)
        j->seg++;
    if (j->seg >= j->n_segs) {
        bool last = true; /* the order is tested once every partition of the version is done */
        for (size_t i = 0; i < s->n_jobs; i++) {
            const struct job *o = s->jobs[i];
            if (o != j && o->kind == JOB_SUITES && o->ver == j->ver && !o->finished)
                last = false;
        }
        if (last && s->rep->protos[j->ver].n_suites >= 2 && !s->order_added[j->ver]) {
            s->order_added[j->ver] = true;
            plan_add(s, JOB_ORDER, j->ver)->multi_seg = j->multi_seg || j->part;
        }
        return -1;
    }
    plan_req_version(q, j->ver);
    size_t at = j->segs[j->seg][0], len = j->segs[j->seg][1];
    memcpy(q->ciphers, j->list + at, len * sizeof *q->ciphers);
    q->n_ciphers = len;
    plan_name_req(q, scan_version_name(j->ver), "suites", len, "offered");
    return 1;
}

static void seg_remove(struct job *j, uint16_t code)
{
    uint16_t *v = j->list + j->segs[j->seg][0];
    size_t n = j->segs[j->seg][1];
    list_remove(v, &n, code);
    j->segs[j->seg][1] = (uint16_t)n;
}

/* The SERVER-HELLO lists every spec the server shares with us: one answer is the list. */
static void ssl2_done(struct scan *s, int idx)
{
    const struct scan_probe *pr = &s->rep->probes[idx];
    struct scan_proto *p = &s->rep->protos[SCAN_SSL2];
    p->probe = idx;
    if (pr->error) {
        p->supported = TRI_NA;
        p->error = xstrdup(pr->error);
        return;
    }
    p->supported = TRI_NO;
    if (pr->outcome != HELLO_SSL2 || pr->n_received < 2)
        return;
    struct wire_ssl2_hello *sh = xmalloc(sizeof *sh);
    size_t len = (size_t)(pr->received[0] & 0x7f) << 8 | pr->received[1];
    if (len <= pr->n_received - 2 &&
        wire_parse_ssl2_server_hello(pr->received + 2, len, sh, NULL) == 0) {
        p->suites = xcalloc(sh->n_specs ? sh->n_specs : 1, sizeof *p->suites);
        for (size_t i = 0; i < sh->n_specs; i++)
            p->suites[p->n_suites++] = (struct scan_suite){.ssl2_spec = sh->specs[i], .probe = idx};
        p->supported = sh->n_specs ? TRI_YES : TRI_NO;
    }
    free(sh);
}

/* The version answers: the rest of its list is found by chains side by side, each removing
 * what the server chose — ECDHE suites, DHE suites, everything else; TLS 1.2 (two to four
 * times as many suites as TLS 1.0) by key exchange and authentication in six chains. A chain
 * is a string of probes each waiting for the last answer, so the longest one bounds the scan
 * (~35 accepted suites x 6 probes queued at the server ahead of each one, on a wide server):
 * more, shorter chains keep the server busy to the end, for one refused probe per chain. */
static int part_of(const struct wire_suite_info *in, bool fine)
{
    bool ecdhe = !strcmp(in->kx, "ECDHE"), dhe = !strcmp(in->kx, "DHE");
    if (!fine)
        return ecdhe ? 0 : dhe ? 1 : 2;
    if (ecdhe)
        return !strcmp(in->auth, "ECDSA") ? 0 : 1;
    if (dhe && !strcmp(in->auth, "RSA"))
        return 2;
    if (dhe || !strcmp(in->kx, "DH") || !strcmp(in->kx, "ECDH"))
        return 3;
    return !strcmp(in->kx, "RSA") ? 4 : 5;
}

#define PARTS_MAX 6

static void partition(struct scan *s, struct job *j)
{
    j->part = true;
    if (j->n_segs != 1 || j->segs[0][1] < 24)
        return;
    bool fine = j->ver == SCAN_TLS12;
    int parts = fine ? PARTS_MAX : 3;
    size_t n = j->segs[0][1];
    uint16_t *rest = xcalloc(n, sizeof *rest);
    size_t k[PARTS_MAX] = {0};
    uint16_t *lists[PARTS_MAX] = {j->list};
    for (int c = 1; c < parts; c++)
        lists[c] = xcalloc(n, sizeof *rest);
    memcpy(rest, j->list + j->segs[0][0], n * sizeof *rest);
    for (size_t i = 0; i < n; i++) {
        struct wire_suite_info in;
        wire_suite_info(rest[i], &in);
        int c = part_of(&in, fine);
        lists[c][k[c]++] = rest[i];
    }
    free(rest);
    j->segs[0][0] = 0, j->segs[0][1] = (uint16_t)k[0];
    for (int c = 1; c < parts; c++) {
        struct job *o = plan_add(s, JOB_SUITES, j->ver);
        o->step = 1; /* initialised here */
        o->part = true;
        o->list = lists[c];
        o->n_list = k[c];
        o->segs[0][0] = 0, o->segs[0][1] = (uint16_t)k[c];
        o->n_segs = 1;
    }
}

static void suites_done(struct scan *s, struct job *j, int idx)
{
    if (j->ver == SCAN_SSL2) {
        ssl2_done(s, idx);
        return;
    }
    const struct scan_probe *pr = &s->rep->probes[idx];
    struct scan_proto *p = &s->rep->protos[j->ver];
    uint16_t want = scan_version_code(j->ver);
    const uint16_t *seg = j->list + j->segs[j->seg][0];
    size_t seg_n = j->segs[j->seg][1];
    if (pr->error) {
        if (!p->n_suites) {
            p->supported = TRI_NA;
            free(p->error);
            p->error = xstrdup(pr->error);
            p->probe = idx;
        }
        j->seg = j->n_segs; /* stop: never a guess */
        return;
    }
    bool chose = pr->outcome == HELLO_SERVER_HELLO || pr->outcome == HELLO_RETRY;
    if (chose && pr->version == want && plan_has(seg, seg_n, pr->cipher)) {
        scan_report_add_suite(p, pr->cipher, idx);
        if (p->supported != TRI_YES)
            p->probe = idx;
        p->supported = TRI_YES;
        seg_remove(j, pr->cipher);
        if (!j->part && j->ver != SCAN_TLS13)
            partition(s, j);
        return;
    }
    if (chose && pr->version == want) { /* a suite we did not offer: nothing more to learn */
        free(p->error);
        p->error = xstrdup("the server chose a cipher suite that was not offered");
        j->seg = j->n_segs;
        return;
    }
    /* refused: a list this long may be refused for its size, so split it */
    bool sizeish = pr->outcome == HELLO_CLOSED ||
                   (pr->outcome == HELLO_ALERT &&
                    (pr->alert == 50 || pr->alert == 47 || pr->alert == 22 || pr->alert == 80));
    if (!chose && sizeish && seg_n > 48 && j->n_segs + 2 <= (int)NELEM(j->segs) &&
        !(chose || pr->outcome == HELLO_SSL2)) {
        uint16_t at = j->segs[j->seg][0], half = (uint16_t)(seg_n / 2);
        j->segs[j->n_segs][0] = at, j->segs[j->n_segs++][1] = half;
        j->segs[j->n_segs][0] = (uint16_t)(at + half);
        j->segs[j->n_segs++][1] = (uint16_t)(seg_n - half);
        j->multi_seg = true;
    }
    j->seg++;
    if (!p->n_suites && p->supported != TRI_NA) {
        p->supported = TRI_NO;
        p->probe = idx;
    } else if (!p->n_suites) {
        p->supported = TRI_NO;
        p->probe = idx;
    }
}

/* ---- server order ---- */

static void sort_by_order(struct scan_proto *p)
{
    for (size_t i = 1; i < p->n_suites; i++) /* insertion sort: a few dozen at most */
        for (size_t k = i; k > 0 && p->suites[k].order < p->suites[k - 1].order; k--) {
            struct scan_suite t = p->suites[k];
            p->suites[k] = p->suites[k - 1];
            p->suites[k - 1] = t;
        }
}

/* The forward offer (found in segments: what does the whole list get?) and the reversed one
 * go out together; the answer is judged once both are in (order_judge). */
enum { ORD_FWD = 1, ORD_REV = 2 };

static int order_next(struct scan *s, struct job *j, struct probe_req *q)
{
    struct scan_proto *p = &s->rep->protos[j->ver];
    if (j->inflight && j->step != 6)
        return 0;
    if (j->step == 0 && j->multi_seg) {
        plan_req_version(q, j->ver);
        for (size_t i = 0; i < p->n_suites; i++)
            q->ciphers[i] = p->suites[i].code;
        q->n_ciphers = p->n_suites;
        q->tag = ORD_FWD;
        plan_name_req(q, scan_version_name(j->ver), "server order", p->n_suites, "suites");
        j->step = 6;
        return 1;
    }
    if (j->step == 0 || j->step == 6) {
        plan_req_version(q, j->ver);
        for (size_t i = 0; i < p->n_suites; i++)
            q->ciphers[i] = p->suites[p->n_suites - 1 - i].code;
        q->n_ciphers = p->n_suites;
        q->tag = ORD_REV;
        plan_name_req(q, scan_version_name(j->ver), "server order", p->n_suites, "suites reversed");
        j->step = 7;
        return 1;
    }
    if (j->step == 7)
        return 0;                        /* both answers come first */
    if (j->step == 2 && j->n_list > 1) { /* the server's order, found in segments: rebuild */
        plan_req_version(q, j->ver);
        memcpy(q->ciphers, j->list, j->n_list * sizeof *j->list);
        q->n_ciphers = j->n_list;
        plan_name_req(q, scan_version_name(j->ver), "server order", j->n_list, "left");
        return 1;
    }
    if (j->step == 2 && j->n_list == 1) {
        for (size_t i = 0; i < p->n_suites; i++)
            if (p->suites[i].code == j->list[0])
                p->suites[i].order = (int)j->n_aux + 1;
        sort_by_order(p);
    }
    return -1;
}

/* Both the forward (when sent) and the reversed offer are answered: client or server order. */
static void order_judge(struct scan *s, struct job *j, int idx)
{
    struct scan_proto *p = &s->rep->protos[j->ver];
    const struct scan_probe *pr = &s->rep->probes[idx];
    uint16_t fwd = j->multi_seg ? j->segs[0][0] : p->suites[0].code;
    p->order_probe = idx;
    if (pr->error || (pr->outcome != HELLO_SERVER_HELLO && pr->outcome != HELLO_RETRY)) {
        j->step = 3; /* unknown: left TRI_NA */
        return;
    }
    if (pr->cipher == p->suites[p->n_suites - 1].code && fwd == p->suites[0].code &&
        pr->cipher != fwd) {
        p->server_order = TRI_NO;                /* each time the client's first */
        for (size_t i = 1; i < p->n_suites; i++) /* listed by code point then */
            for (size_t k = i; k > 0 && p->suites[k].code < p->suites[k - 1].code; k--) {
                struct scan_suite t = p->suites[k];
                p->suites[k] = p->suites[k - 1];
                p->suites[k - 1] = t;
            }
        j->step = 3;
        return;
    }
    p->server_order = TRI_YES;
    if (!j->multi_seg && pr->cipher == p->suites[0].code) {
        for (size_t i = 0; i < p->n_suites; i++)
            p->suites[i].order = (int)i + 1; /* found in the server's order */
        j->step = 3;
        return;
    }
    j->list = xcalloc(p->n_suites, sizeof *j->list);
    for (size_t i = 0; i < p->n_suites; i++)
        j->list[i] = p->suites[i].code;
    j->n_list = p->n_suites;
    j->n_aux = 0;
    j->step = 2;
}

static void order_done(struct scan *s, struct job *j, const struct probe_req *q, int idx)
{
    struct scan_proto *p = &s->rep->protos[j->ver];
    const struct scan_probe *pr = &s->rep->probes[idx];
    if (q->tag == ORD_FWD || q->tag == ORD_REV) {
        if (q->tag == ORD_FWD) { /* keep its choice for the reversed one */
            bool chose =
                !pr->error && (pr->outcome == HELLO_SERVER_HELLO || pr->outcome == HELLO_RETRY);
            j->segs[0][0] = chose ? pr->cipher : 0;
            j->n_segs = 1; /* the forward answer is in */
        } else {
            j->seg = idx + 1; /* the reversed answer is in */
        }
        if (!j->seg || (j->multi_seg && !j->n_segs))
            return;
        if (j->multi_seg && !j->segs[0][0]) {
            j->step = 3; /* the whole list refused: unknown */
            return;
        }
        order_judge(s, j, j->seg - 1);
        return;
    }
    if (pr->error || !plan_has(j->list, j->n_list, pr->cipher)) {
        j->step = 3;
        return;
    }
    for (size_t i = 0; i < p->n_suites; i++)
        if (p->suites[i].code == pr->cipher)
            p->suites[i].order = (int)++j->n_aux;
    list_remove(j->list, &j->n_list, pr->cipher);
}

/* ---- groups ---- */

static int groups13_next(struct scan *s, struct job *j, struct probe_req *q)
{
    if (j->inflight)
        return 0;
    const struct scan_proto *p = &s->rep->protos[SCAN_TLS13];
    if (j->step == 0) {
        plan_list_set(&j->list, &j->n_list, groups13, NELEM(groups13));
        j->step = 1;
    }
    plan_req_version(q, SCAN_TLS13);
    plan_req_suites(q, p, false);
    q->n_shares = 0;
    q->share_empty = true;
    if (j->step == 1 && j->n_list > 0) {
        memcpy(q->groups, j->list, j->n_list * sizeof *j->list);
        q->n_groups = j->n_list;
        plan_name_req(q, "TLSv1.3", "groups", j->n_list, "offered, no key share");
        return 1;
    }
    if (j->step == 1)
        j->step = 2;
    if (j->step == 2) { /* does the choice follow the client? found groups reversed */
        j->step = 3;
        if (j->n_aux >= 2) {
            for (size_t i = 0; i < j->n_aux; i++)
                q->groups[i] = j->aux[j->n_aux - 1 - i];
            q->n_groups = j->n_aux;
            plan_name_req(q, "TLSv1.3", "group order", j->n_aux, "groups reversed");
            return 1;
        }
    }
    if (j->step == 3) { /* a post-quantum group offered with a key share for x25519 only */
        j->step = 4;
        static const uint16_t g[] = {0x11EC, 0x11EB, 0x11ED, 0x6399, 29, 23};
        memcpy(q->groups, g, sizeof g);
        q->n_groups = NELEM(g);
        q->share_empty = false;
        q->shares[0] = 29;
        q->n_shares = 1;
        plan_name_req(q, "TLSv1.3", "post-quantum preference", NELEM(g), "groups, x25519 share");
        return 1;
    }
    return -1;
}

static void groups13_done(struct scan *s, struct job *j, int idx)
{
    const struct scan_probe *pr = &s->rep->probes[idx];
    bool chose = !pr->error && (pr->outcome == HELLO_RETRY || pr->outcome == HELLO_SERVER_HELLO);
    if (j->step == 1) {
        if (!chose || !plan_has(j->list, j->n_list, pr->group)) {
            j->step = 2;
            return;
        }
        struct scan_group *g = scan_report_group(s->rep, pr->group);
        g->tls13 = true;
        g->probe = idx;
        j->aux = xrealloc(j->aux, (j->n_aux + 1) * sizeof *j->aux);
        j->aux[j->n_aux++] = pr->group;
        g->order = (int)j->n_aux;
        list_remove(j->list, &j->n_list, pr->group);
        return;
    }
    if (j->step == 3) { /* the reversed offer */
        s->rep->groups_order_probe = idx;
        if (chose)
            s->rep->groups_server_order =
                pr->group == j->aux[0] && pr->group != j->aux[j->n_aux - 1] ? TRI_YES : TRI_NO;
        if (s->rep->groups_server_order == TRI_NO)
            for (size_t i = 0; i < s->rep->n_groups; i++)
                s->rep->groups[i].order = 0;
        return;
    }
    if (j->step == 4) {
        struct scan_features *f = &s->rep->features;
        f->probe_pq = idx;
        if (chose)
            f->pq_preferred = plan_has(pq_groups, NELEM(pq_groups), pr->group) ? TRI_YES : TRI_NO;
        if (chose && pr->group)
            scan_report_group(s->rep, pr->group)->tls13 = true;
    }
}

/* ---- signature algorithms: the order the report lists them in ---- */

size_t plan_sigalg_rank(uint16_t code)
{
    size_t i = 0;
    while (i < NELEM(sigalgs_all) && sigalgs_all[i] != code)
        i++;
    return i;
}

/* ---- dispatch ---- */

void plan_init(struct scan *s)
{
    /* TLS 1.3 first: its probe also finds the address every later probe connects to */
    static const enum scan_version order[] = {SCAN_TLS13, SCAN_TLS12, SCAN_TLS11,
                                              SCAN_TLS10, SCAN_SSL3,  SCAN_SSL2};
    for (size_t i = 0; i < NELEM(order); i++)
        plan_add(s, JOB_SUITES, order[i]);
    /* an RSA and an ECDSA certificate at once: they need no other answer, and take longest */
    if (!s->opts.no_full)
        full_plan(s, plan_add(s, JOB_FULL, SCAN_TLS13), true);
}

/* Every probe of version v's suites is answered: its accepted list is final. */
static bool ver_known(const struct scan *s, enum scan_version v)
{
    bool any = false;
    for (size_t i = 0; i < s->n_jobs; i++) {
        const struct job *j = s->jobs[i];
        if (j->kind != JOB_SUITES || j->ver != v)
            continue;
        any = true;
        bool exhausted = j->step > 0 && (v == SCAN_SSL2 || j->seg >= j->n_segs);
        if (j->inflight || !(j->finished || exhausted))
            return false;
    }
    return any;
}

/* The best version <= TLS 1.2 once it is known (SCAN_SSL2: none), or -1 while it is not. */
static int best12_known(const struct scan *s)
{
    for (int v = SCAN_TLS12; v >= SCAN_SSL3; v--) {
        if (!ver_known(s, (enum scan_version)v))
            return -1;
        if (plan_supported(s, (enum scan_version)v))
            return v;
    }
    return SCAN_SSL2;
}

enum { PH_13 = 1, PH_12 = 2, PH_REST = 4, PH_ALL = 7 };

void plan_phase2(struct scan *s)
{
    if (s->phase2_all)
        return;
    if (!(s->phase2 & PH_13) && ver_known(s, SCAN_TLS13)) {
        s->phase2 |= PH_13;
        if (plan_supported(s, SCAN_TLS13)) {
            plan_add(s, JOB_GROUPS13, SCAN_TLS13);
            plan_add(s, JOB_SIGALGS, SCAN_TLS13);
        }
    }
    int b12 = best12_known(s);
    if (!(s->phase2 & PH_12) && b12 >= 0) {
        s->phase2 |= PH_12;
        if (b12 >= SCAN_TLS10)
            plan_add(s, JOB_GROUPS12, (enum scan_version)b12);
        if (b12 >= SCAN_TLS12)
            plan_add(s, JOB_SIGALGS, (enum scan_version)b12);
    }
    /* features and the rest of the full handshakes look at every TLS version */
    bool rest = (s->phase2 & (PH_13 | PH_12)) == (PH_13 | PH_12);
    for (int v = SCAN_TLS10; v <= SCAN_TLS13 && rest; v++)
        rest = ver_known(s, (enum scan_version)v);
    if (!(s->phase2 & PH_REST) && rest) {
        s->phase2 |= PH_REST;
        if (!s->opts.no_full && plan_best(s) != SCAN_SSL2)
            full_plan(s, plan_add(s, JOB_FULL, plan_best(s)), false);
        plan_add(s, JOB_FEATURES, plan_best(s));
    }
    s->phase2_all = s->phase2 == PH_ALL;
}

int plan_next(struct scan *s, struct job *j, struct probe_req *q)
{
    switch (j->kind) {
    case JOB_SUITES: return suites_next(s, j, q);
    case JOB_ORDER: return order_next(s, j, q);
    case JOB_GROUPS13: return groups13_next(s, j, q);
    case JOB_GROUPS12: return sets_groups12_next(s, j, q);
    case JOB_SIGALGS: return sets_sigalgs_next(s, j, q);
    case JOB_FEATURES: return features_next(s, j, q);
    case JOB_FULL: return full_next(s, j, q);
    }
    return -1;
}

void plan_done(struct scan *s, struct job *j, const struct probe_req *q, int idx)
{
    switch (j->kind) {
    case JOB_SUITES: suites_done(s, j, idx); break;
    case JOB_ORDER: order_done(s, j, q, idx); break;
    case JOB_GROUPS13: groups13_done(s, j, idx); break;
    case JOB_GROUPS12: sets_groups12_done(s, j, q, idx); break;
    case JOB_SIGALGS: sets_sigalgs_done(s, j, q, idx); break;
    case JOB_FEATURES: features_done(s, j, q, idx); break;
    case JOB_FULL: full_done(s, j, q, idx); break;
    }
}

unsigned plan_estimate(const struct scan *s)
{
    unsigned n = s->phase2_all ? 0 : 30; /* groups, signature algorithms, features to come */
    for (size_t i = 0; i < s->n_jobs; i++) {
        const struct job *j = s->jobs[i];
        if (j->finished)
            continue;
        switch (j->kind) {
        case JOB_SUITES: n += 2; break;
        case JOB_ORDER: n += 1; break;
        case JOB_GROUPS13: n += 3; break;
        case JOB_GROUPS12: n += (unsigned)(j->n_aux / 3 - (size_t)j->seg) + 1; break;
        case JOB_SIGALGS: n += (unsigned)(j->n_aux / 3 - (size_t)j->seg) + 2; break;
        case JOB_FEATURES: n += 4; break;
        case JOB_FULL: n += 2; break;
        }
    }
    return n;
}
