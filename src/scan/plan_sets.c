/* Set testing (see scan_internal.h): the jobs whose candidates are found by offering sets of
 * them — TLS 1.2's ECDHE groups and the signature algorithms per version. This file owns the
 * sets (how they are cut, handed out in turn, split when the server takes one) and what each
 * answer means for those two jobs; plan.c owns every other job and the dispatch to these.
 * A refused set rules out all of its members in one probe; a taken one is split until each
 * member was offered alone, so no member is ever ruled in or out by a guess. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan_internal.h"
#include "util/mem.h"
#include "wire/suites.h"
#include "wire/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the sets ----
 * A job's candidates sit in j->list; its sets are triples (start, length, level) in j->aux,
 * handed out in turn (j->seg: the next one); an answer that takes a set pushes its parts. */

static void set_push(struct job *j, size_t at, size_t len, int level)
{
    if (len == 0)
        return;
    j->aux = xrealloc(j->aux, (j->n_aux + 3) * sizeof *j->aux);
    j->aux[j->n_aux++] = (uint16_t)at;
    j->aux[j->n_aux++] = (uint16_t)len;
    j->aux[j->n_aux++] = (uint16_t)level;
}

/* The next set not yet offered: its index (for q->tag), or -1. */
static int set_next(struct job *j, size_t *at, size_t *len)
{
    if ((size_t)j->seg * 3 >= j->n_aux)
        return -1;
    *at = j->aux[j->seg * 3], *len = j->aux[j->seg * 3 + 1];
    return j->seg++;
}

/* TLS 1.2: the ServerHello does not name the curve; a probe offering only ECDHE suites and a
 * set of groups is answered only when the server takes one of them. The common curves are
 * offered one by one (most servers take them), the rest as one set, halved when taken. */
static const uint16_t groups12_each[] = {29, 23, 24, 25, 30};

int sets_groups12_next(struct scan *s, struct job *j, struct probe_req *q)
{
    const struct scan_proto *p = &s->rep->protos[j->ver];
    if (j->step == 0) {
        j->step = 1;
        uint16_t all[PLAN_N_GROUPS12];
        size_t n = 0;
        for (size_t i = 0; i < NELEM(groups12_each); i++)
            all[n++] = groups12_each[i];
        for (size_t i = 0; i < PLAN_N_GROUPS12; i++)
            if (!plan_has(groups12_each, NELEM(groups12_each), plan_groups12[i]) &&
                plan_groups12[i] < 256)
                all[n++] = plan_groups12[i];
        plan_list_set(&j->list, &j->n_list, all, n);
        for (size_t i = 0; i < NELEM(groups12_each); i++)
            set_push(j, i, 1, 0);
        set_push(j, NELEM(groups12_each), n - NELEM(groups12_each), 0);
    }
    if ((size_t)j->seg * 3 >= j->n_aux) /* no set left to offer: nothing to build */
        return j->inflight ? 0 : -1;
    plan_req_version(q, j->ver);
    q->n_ciphers = 0;
    for (size_t i = 0; i < p->n_suites; i++) {
        struct wire_suite_info in;
        wire_suite_info(p->suites[i].code, &in);
        if (!strcmp(in.kx, "ECDHE"))
            q->ciphers[q->n_ciphers++] = p->suites[i].code;
    }
    if (!q->n_ciphers)
        return j->inflight ? 0 : -1; /* no ECDHE suite: no TLS 1.2 group to find */
    size_t at, len;
    int k = set_next(j, &at, &len);
    if (k < 0)
        return j->inflight ? 0 : -1;
    q->tag = k;
    memcpy(q->groups, j->list + at, len * sizeof *q->groups);
    q->n_groups = len;
    char buf[WIRE_NAME_BUF];
    if (len == 1)
        snprintf(q->what, sizeof q->what, "%s ECDHE group %s", scan_version_name(j->ver),
                 wire_group_name(q->groups[0], buf, sizeof buf));
    else
        plan_name_req(q, scan_version_name(j->ver), "ECDHE groups", len, "rarer curves");
    return 1;
}

void sets_groups12_done(struct scan *s, struct job *j, const struct probe_req *q, int idx)
{
    const struct scan_probe *pr = &s->rep->probes[idx];
    if (pr->error || pr->outcome != HELLO_SERVER_HELLO ||
        !plan_has(q->ciphers, q->n_ciphers, pr->cipher))
        return;
    if (q->n_groups == 1) {
        struct scan_group *g = scan_report_group(s->rep, q->groups[0]);
        g->tls12 = true;
        if (g->probe < 0)
            g->probe = idx;
        return;
    }
    size_t at = j->aux[q->tag * 3], half = q->n_groups / 2;
    set_push(j, at, half, 0);
    set_push(j, at + half, q->n_groups - half, 0);
}

/* ---- signature algorithms, per version ----
 * Families by the key that signs. The families whose key the server is known to have (the
 * accepted TLS <= 1.2 suites' authentication) are offered one algorithm per probe; any other
 * family as one set (taken: then one by one); the families no suite points at together, as
 * one pool (taken: split into its families). Every algorithm is either offered alone or ruled
 * out by a refused set containing it: no false negatives, and only a few probes for the key
 * types the server does not have. A probe offers every accepted (forward-secret,
 * authenticated) suite, so the suite matching the algorithm's key is among them. */
enum { FAM_RSA, FAM_ECDSA, FAM_PSS, FAM_ED, FAM_BP, FAM_DSA, FAM_COUNT };
static const struct {
    uint16_t code;
    uint8_t fam;
    bool tls13; /* may sign a TLS 1.3 handshake (RFC 8446 4.2.3) */
} sigalg_fam[] = {
    {0x0804, FAM_RSA, true},    {0x0805, FAM_RSA, true},   {0x0806, FAM_RSA, true},
    {0x0401, FAM_RSA, false},   {0x0501, FAM_RSA, false},  {0x0601, FAM_RSA, false},
    {0x0301, FAM_RSA, false},   {0x0201, FAM_RSA, false},  {0x0403, FAM_ECDSA, true},
    {0x0503, FAM_ECDSA, true},  {0x0603, FAM_ECDSA, true}, {0x0303, FAM_ECDSA, false},
    {0x0203, FAM_ECDSA, false}, {0x0809, FAM_PSS, true},   {0x080A, FAM_PSS, true},
    {0x080B, FAM_PSS, true},    {0x0807, FAM_ED, true},    {0x0808, FAM_ED, true},
    {0x081A, FAM_BP, true},     {0x081B, FAM_BP, true},    {0x081C, FAM_BP, true},
    {0x0402, FAM_DSA, false},   {0x0202, FAM_DSA, false},
};
enum { SIG_POOL, SIG_FAMILY }; /* set levels: a pool splits into families, a family into each */

static int sigalg_family(uint16_t code)
{
    for (size_t i = 0; i < NELEM(sigalg_fam); i++)
        if (sigalg_fam[i].code == code)
            return sigalg_fam[i].fam;
    return FAM_COUNT;
}

/* Appends the algorithms of family f (TLS 1.3: only those that can sign a TLS 1.3 handshake
 * when core, the rest when !core) to j->list; returns how many. */
static size_t sig_family_add(struct job *j, int f, int core13)
{
    size_t n = 0;
    for (size_t i = 0; i < NELEM(sigalg_fam); i++)
        if (sigalg_fam[i].fam == f && (core13 < 0 || sigalg_fam[i].tls13 == (core13 > 0))) {
            j->list[j->n_list++] = sigalg_fam[i].code;
            n++;
        }
    return n;
}

static void sigalgs_init(const struct scan *s, struct job *j)
{
    j->list = xcalloc(NELEM(sigalg_fam), sizeof *j->list);
    j->n_list = 0;
    bool have[FAM_COUNT] = {false};
    if (j->ver == SCAN_TLS13) { /* the suites do not say: the usual keys as families */
        have[FAM_RSA] = have[FAM_ECDSA] = true;
        for (int f = FAM_RSA; f <= FAM_ECDSA; f++) {
            size_t at = j->n_list;
            set_push(j, at, sig_family_add(j, f, 1), SIG_FAMILY);
        }
        size_t at = j->n_list; /* the rest: RSA/ECDSA legacy ones, then the other families */
        for (int f = FAM_RSA; f <= FAM_ECDSA; f++)
            sig_family_add(j, f, 0);
        for (int f = FAM_PSS; f < FAM_COUNT; f++)
            sig_family_add(j, f, -1);
        set_push(j, at, j->n_list - at, SIG_POOL);
        return;
    }
    const struct scan_proto *p = &s->rep->protos[j->ver];
    for (size_t i = 0; i < p->n_suites; i++) {
        struct wire_suite_info in;
        wire_suite_info(p->suites[i].code, &in);
        have[FAM_RSA] |= !strcmp(in.auth, "RSA");
        have[FAM_ECDSA] |= !strcmp(in.auth, "ECDSA");
        have[FAM_DSA] |= !strcmp(in.auth, "DSS");
    }
    for (int f = 0; f < FAM_COUNT; f++) {
        if (!have[f])
            continue;
        size_t at = j->n_list, n = sig_family_add(j, f, -1);
        for (size_t i = 0; i < n; i++)
            set_push(j, at + i, 1, SIG_FAMILY);
    }
    size_t at = j->n_list;
    for (int f = 0; f < FAM_COUNT; f++)
        if (!have[f])
            sig_family_add(j, f, -1);
    set_push(j, at, j->n_list - at, SIG_POOL);
}

int sets_sigalgs_next(struct scan *s, struct job *j, struct probe_req *q)
{
    enum scan_version v = j->ver;
    if (j->step == 0) {
        j->step = 1;
        sigalgs_init(s, j);
    }
    if ((size_t)j->seg * 3 >= j->n_aux) /* no set left to offer: nothing to build */
        return j->inflight ? 0 : -1;
    plan_req_version(q, v);
    plan_req_suites(q, &s->rep->protos[v], v != SCAN_TLS13);
    if (!q->n_ciphers || !plan_supported(s, v) || v < SCAN_TLS12)
        return j->inflight ? 0 : -1;
    size_t at, len;
    int k = set_next(j, &at, &len);
    if (k < 0)
        return j->inflight ? 0 : -1;
    q->tag = k;
    memcpy(q->sigalgs, j->list + at, len * sizeof *q->sigalgs);
    q->n_sigalgs = len;
    char buf[WIRE_NAME_BUF];
    if (len == 1)
        snprintf(q->what, sizeof q->what, "%s signature algorithm %s", scan_version_name(v),
                 wire_sigalg_name(q->sigalgs[0], buf, sizeof buf));
    else
        plan_name_req(q, scan_version_name(v), "signature algorithms", len, "offered together");
    return 1;
}

void sets_sigalgs_done(struct scan *s, struct job *j, const struct probe_req *q, int idx)
{
    const struct scan_probe *pr = &s->rep->probes[idx];
    if (pr->error || (pr->outcome != HELLO_SERVER_HELLO && pr->outcome != HELLO_RETRY))
        return; /* refused: none of the set is accepted */
    size_t at = j->aux[q->tag * 3], n = q->n_sigalgs;
    if (n > 1 && j->aux[q->tag * 3 + 2] == SIG_POOL) { /* split into its families */
        for (size_t i = 0; i < n;) {
            size_t k = i + 1;
            while (k < n && sigalg_family(j->list[at + k]) == sigalg_family(j->list[at + i]))
                k++;
            set_push(j, at + i, k - i, SIG_FAMILY);
            i = k;
        }
        return;
    }
    if (n > 1) { /* a family: each of its algorithms alone */
        for (size_t i = 0; i < n; i++)
            set_push(j, at + i, 1, SIG_FAMILY);
        return;
    }
    struct scan_sigalg *sa = scan_report_sigalg(s->rep, q->sigalgs[0]);
    if (q->n_versions)
        sa->tls13 = true;
    else
        sa->tls12 = true;
    if (sa->probe < 0)
        sa->probe = idx;
}
