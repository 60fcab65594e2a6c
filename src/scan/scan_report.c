/* The scan report's storage (see scan_report.h). */
#include "scan/scan_report.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static const struct {
    const char *name;
    uint16_t code;
} versions[SCAN_VERSIONS] = {
    {"SSLv2", 0x0002},   {"SSLv3", 0x0300},   {"TLSv1.0", 0x0301},
    {"TLSv1.1", 0x0302}, {"TLSv1.2", 0x0303}, {"TLSv1.3", 0x0304},
};

const char *scan_version_name(enum scan_version v)
{
    return (unsigned)v < SCAN_VERSIONS ? versions[v].name : "unknown";
}

uint16_t scan_version_code(enum scan_version v)
{
    return (unsigned)v < SCAN_VERSIONS ? versions[v].code : 0;
}

struct scan_report *scan_report_new(void)
{
    struct scan_report *r = xcalloc(1, sizeof *r);
    for (int v = 0; v < SCAN_VERSIONS; v++) {
        r->protos[v].supported = TRI_NA;
        r->protos[v].probe = -1;
        r->protos[v].server_order = TRI_NA;
        r->protos[v].order_probe = -1;
    }
    r->groups_server_order = TRI_NA;
    r->groups_order_probe = -1;
    struct scan_features *f = &r->features;
    f->secure_renegotiation = f->compression = f->fallback_scsv = f->session_tickets =
        f->session_resumption = f->ocsp_stapling = f->extended_master_secret =
            f->tls13_middlebox_compat = f->large_hello_tolerant = f->pq_preferred = TRI_NA;
    f->probe_renegotiation = f->probe_compression = f->probe_fallback = f->probe_tickets =
        f->probe_resumption = f->probe_ocsp = f->probe_ems = f->probe_middlebox =
            f->probe_large_hello = f->probe_pq = f->probe_dh = -1;
    return r;
}

void scan_report_findings_clear(struct scan_report *r)
{
    for (size_t i = 0; i < r->n_findings; i++) {
        free(r->findings[i].title);
        free(r->findings[i].detail);
        free(r->findings[i].fix);
    }
    free(r->findings);
    r->findings = NULL;
    r->n_findings = 0;
}

void scan_report_free(struct scan_report *r)
{
    if (!r)
        return;
    free(r->host);
    free(r->sni);
    free(r->error);
    for (int v = 0; v < SCAN_VERSIONS; v++) {
        free(r->protos[v].error);
        free(r->protos[v].suites);
    }
    free(r->groups);
    free(r->sigalgs);
    for (size_t i = 0; i < r->n_certs; i++) {
        free(r->certs[i].kind);
        report_free(r->certs[i].full);
    }
    free(r->certs);
    strlist_free(&r->features.alpn);
    scan_report_findings_clear(r);
    for (size_t i = 0; i < r->n_probes; i++) {
        free(r->probes[i].what);
        free(r->probes[i].error);
        free(r->probes[i].sent);
        free(r->probes[i].received);
    }
    free(r->probes);
    free(r);
}

struct scan_probe *scan_report_add_probe(struct scan_report *r, const char *what)
{
    if (r->n_probes == r->cap_probes) {
        r->cap_probes = r->cap_probes ? 2 * r->cap_probes : 64;
        r->probes = xrealloc(r->probes, r->cap_probes * sizeof *r->probes);
    }
    struct scan_probe *p = &r->probes[r->n_probes];
    memset(p, 0, sizeof *p);
    p->index = (int)r->n_probes++;
    p->what = xstrdup(what);
    return p;
}

void scan_report_add_suite(struct scan_proto *p, uint16_t code, int probe)
{
    for (size_t i = 0; i < p->n_suites; i++)
        if (p->suites[i].code == code)
            return;
    p->suites = xrealloc(p->suites, (p->n_suites + 1) * sizeof *p->suites);
    p->suites[p->n_suites++] = (struct scan_suite){code, 0, 0, probe};
}

struct scan_group *scan_report_group(struct scan_report *r, uint16_t code)
{
    for (size_t i = 0; i < r->n_groups; i++)
        if (r->groups[i].code == code)
            return &r->groups[i];
    r->groups = xrealloc(r->groups, (r->n_groups + 1) * sizeof *r->groups);
    r->groups[r->n_groups] = (struct scan_group){.code = code, .probe = -1};
    return &r->groups[r->n_groups++];
}

struct scan_sigalg *scan_report_sigalg(struct scan_report *r, uint16_t code)
{
    for (size_t i = 0; i < r->n_sigalgs; i++)
        if (r->sigalgs[i].code == code)
            return &r->sigalgs[i];
    r->sigalgs = xrealloc(r->sigalgs, (r->n_sigalgs + 1) * sizeof *r->sigalgs);
    r->sigalgs[r->n_sigalgs] = (struct scan_sigalg){.code = code, .probe = -1};
    return &r->sigalgs[r->n_sigalgs++];
}
