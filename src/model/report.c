/* The report: construction, ownership and the small name tables renderers share. */
#include "model/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/strbuf.h"

static const struct stage_info stage_rows[] = {
#define STAGE_ROW(id, name, doing, title, what, hint, timed)                                       \
    {name, doing, title, what, hint, timed},
    STAGE_TABLE(STAGE_ROW)
#undef STAGE_ROW
};

const struct stage_info *stage_info(enum stage s)
{
    size_t i = (size_t)s;
    return i < sizeof stage_rows / sizeof stage_rows[0] ? &stage_rows[i] : &stage_rows[0];
}

const char *stage_name(enum stage s)
{
    return stage_info(s)->name;
}

const char *addr_result_name(enum addr_result r)
{
    switch (r) {
    case ADDR_NOT_TRIED: return "not_tried";
    case ADDR_TRYING: return "trying";
    case ADDR_CONNECTED: return "connected";
    case ADDR_REFUSED: return "refused";
    case ADDR_TIMEOUT: return "timeout";
    case ADDR_UNREACHABLE: return "unreachable";
    case ADDR_FAILED: return "error";
    case ADDR_ABANDONED: return "abandoned";
    }
    return "error";
}

void report_add_address(struct report *r, const char *address, int family, enum addr_result res,
                        const char *error, double start_ms, double ms)
{
    r->addresses = xrealloc(r->addresses, (r->n_addresses + 1) * sizeof(*r->addresses));
    struct addr_attempt *a = &r->addresses[r->n_addresses++];
    a->address = xstrdup(address);
    a->family = family;
    a->result = res;
    a->error = error ? xstrdup(error) : NULL;
    a->start_ms = start_ms;
    a->ms = ms;
}

void report_clear_addresses(struct report *r)
{
    for (size_t i = 0; i < r->n_addresses; i++) {
        free(r->addresses[i].address);
        free(r->addresses[i].error);
    }
    free(r->addresses);
    r->addresses = NULL;
    r->n_addresses = 0;
}

const char *hello_outcome_name(enum hello_outcome o)
{
    switch (o) {
    case HELLO_NONE: return "none";
    case HELLO_SERVER_HELLO: return "server_hello";
    case HELLO_RETRY: return "hello_retry_request";
    case HELLO_ALERT: return "alert";
    case HELLO_CLOSED: return "closed";
    case HELLO_SSL2: return "sslv2";
    }
    return "none";
}

const char *chain_issue_name(enum chain_issue i)
{
    switch (i) {
    case CHAIN_MISSING_INTERMEDIATE: return "missing_intermediate";
    case CHAIN_WRONG_ORDER: return "wrong_order";
    case CHAIN_EXTRA_CERTIFICATE: return "extra_certificate";
    case CHAIN_ROOT_INCLUDED: return "root_included";
    case CHAIN_DUPLICATE: return "duplicate_certificate";
    case CHAIN_TOO_LONG: return "chain_too_long";
    }
    return "unknown";
}

const char *chain_role_name(enum chain_role role)
{
    static const char *const names[CHAIN_ROLE_COUNT] = {
        "leaf", "intermediate", "root", "unrelated", "duplicate", "cross_signed",
    };
    return (unsigned)role < CHAIN_ROLE_COUNT ? names[role] : "unrelated";
}

const char *chain_role_label(enum chain_role role)
{
    static const char *const labels[CHAIN_ROLE_COUNT] = {
        "leaf",      "path intermediate",        "path root (sent)", "unrelated, not on the path",
        "duplicate", "cross-signed alternative",
    };
    return (unsigned)role < CHAIN_ROLE_COUNT ? labels[role] : "unrelated, not on the path";
}

enum chain_role report_verified_role(const struct report *r, size_t j)
{
    if (j == 0)
        return CHAIN_ROLE_LEAF;
    if (j + 1 == r->n_verified && r->verified[j].self_signed)
        return CHAIN_ROLE_ROOT;
    return CHAIN_ROLE_INTERMEDIATE;
}

size_t report_sent_total(const struct report *r)
{
    return r->n_sent_total > r->n_sent ? r->n_sent_total : r->n_sent;
}

size_t report_verified_total(const struct report *r)
{
    return r->n_verified_total > r->n_verified ? r->n_verified_total : r->n_verified;
}

/* The sent certificate at path depth d (role leaf, intermediate or root), or NULL. */
static const struct cert_info *sent_at_depth(const struct report *r, int d)
{
    for (size_t i = 0; i < r->n_sent; i++)
        if (r->sent[i].path_depth == d && r->sent[i].role != CHAIN_ROLE_DUPLICATE)
            return &r->sent[i];
    return NULL;
}

size_t report_chain_to_serve(const struct report *r, const struct cert_info **out, size_t max)
{
    if (!r->n_sent || !max)
        return 0;
    size_t n = 0;
    out[n++] = &r->sent[0];
    /* Bounded: at most one certificate per depth, and depths stop at REPORT_CHAIN_MAX * 2. */
    for (int d = 1; n < max && d < 2 * REPORT_CHAIN_MAX; d++) {
        const struct cert_info *c =
            (size_t)d < r->n_verified ? &r->verified[d] : sent_at_depth(r, d);
        if (!c || c->self_signed)
            break;
        out[n++] = c;
    }
    return n;
}

const char *severity_name(enum severity s)
{
    static const char *names[] = {"info", "low", "medium", "high", "critical"};
    return (unsigned)s < 5 ? names[s] : "info";
}

const char *content_type_name(int type)
{
    switch (type) {
    case 20: return "change_cipher_spec";
    case 21: return "alert";
    case 22: return "handshake";
    case 23: return "application_data";
    case 24: return "heartbeat";
    }
    return "unknown";
}

const char *alert_name(int desc)
{
    switch (desc) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 21: return "decryption_failed";
    case 22: return "record_overflow";
    case 30: return "decompression_failure";
    case 40: return "handshake_failure";
    case 41: return "no_certificate";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 60: return "export_restriction";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 111: return "certificate_unobtainable";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 114: return "bad_certificate_hash_value";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    }
    return "unknown_alert";
}

struct report *report_new(void)
{
    struct report *r = xcalloc(1, sizeof(*r));
    r->ticket_lifetime_hint = -1;
    r->resumed_on_reconnect = TRI_NA;
    r->extended_master_secret = TRI_NA;
    r->secure_renegotiation = TRI_NA;
    r->pin_depth = -1;
    r->dns_ms = r->connect_ms = r->handshake_ms = r->reconnect_ms = r->total_ms = -1;
    r->effective.sec_level = -1;
    r->starttls.ms = -1;
    r->http.hsts_max_age = -1;
    r->http.ms = -1;
    return r;
}

void cert_info_free(struct cert_info *c)
{
    free(c->subject);
    free(c->issuer);
    free(c->subject_cn);
    free(c->serial);
    free(c->key_type);
    free(c->key_curve);
    free(c->signature_algorithm);
    strlist_free(&c->san);
    strlist_free(&c->key_usage);
    strlist_free(&c->ext_key_usage);
    free(c->sha256);
    free(c->sha1);
    free(c->spki_sha256);
    free(c->ocsp_url);
    free(c->ca_issuers_url);
    for (size_t i = 0; i < c->n_extensions; i++) {
        free(c->extensions[i].name);
        free(c->extensions[i].value);
    }
    free(c->extensions);
    free(c->pem);
    strlist_free(&c->unknown_critical);
    memset(c, 0, sizeof(*c));
}

void sct_info_free(struct sct_info *s)
{
    free(s->log_id);
    free(s->log_name);
    free(s->log_operator);
    free(s->sig_alg);
    memset(s, 0, sizeof(*s));
}

void chain_check_free(struct chain_check *c)
{
    if (!c)
        return;
    free(c->file);
    free(c->key_source);
    free(c->key_matches);
    free(c->name);
    free(c);
}

static void doctor_free(struct report *r)
{
    chain_check_free(r->check);
    for (size_t i = 0; i < r->n_fetched; i++) {
        free(r->fetched[i].url);
        free(r->fetched[i].subject);
        free(r->fetched[i].outcome);
    }
    free(r->fetched);
    for (size_t i = 0; i < r->n_revocation; i++) {
        free(r->revocation[i].subject);
        free(r->revocation[i].url);
        free(r->revocation[i].reason);
        free(r->revocation[i].problem);
    }
    free(r->revocation);
    for (size_t i = 0; i < r->n_scts; i++)
        sct_info_free(&r->scts[i]);
    free(r->scts);
    free(r->ct_log_list);
    for (size_t i = 0; i < r->n_aia_path; i++)
        cert_info_free(&r->aia_path[i]);
    free(r->aia_path);
}

long cert_days_expired(const struct cert_info *c, time_t now)
{
    if (c->not_after_t == 0) /* no time stamp (a hand-built record): trust days_left */
        return c->days_left < 0 ? -c->days_left : 0;
    return now > c->not_after_t ? (long)((now - c->not_after_t) / 86400) : 0;
}

static void offered_free(struct offered *o)
{
    strlist_free(&o->versions);
    strlist_free(&o->ciphers);
    strlist_free(&o->ciphers_openssl);
    strlist_free(&o->groups);
    strlist_free(&o->key_shares);
    strlist_free(&o->sigalgs);
    strlist_free(&o->alpn);
    strlist_free(&o->extensions);
}

void effective_copy(struct effective *dst, const struct effective *src)
{
    effective_free(dst);
    *dst = *src; /* the scalars and static strings; what is owned is copied below */
    dst->min_proto = xstrdup(src->min_proto);
    dst->max_proto = xstrdup(src->max_proto);
    dst->trust = xstrdup(src->trust);
    dst->openssl_version = xstrdup(src->openssl_version);
    dst->openssl_conf = xstrdup(src->openssl_conf);
    memset(&dst->weakened, 0, sizeof dst->weakened);
    for (size_t i = 0; i < src->weakened.len; i++)
        strlist_push(&dst->weakened, src->weakened.items[i]);
}

void effective_free(struct effective *e)
{
    free(e->min_proto);
    free(e->max_proto);
    free(e->trust);
    free(e->openssl_version);
    free(e->openssl_conf);
    strlist_free(&e->weakened);
    e->min_proto = e->max_proto = e->trust = e->openssl_version = e->openssl_conf = NULL;
    memset(&e->weakened, 0, sizeof e->weakened);
}

void report_free(struct report *r)
{
    if (!r)
        return;
    free(r->host);
    free(r->address);
    report_clear_addresses(r);
    free(r->sni);
    free(r->error.message);
    free(r->error.hint);
    free(r->protocol);
    free(r->cipher_name);
    free(r->cipher_iana);
    free(r->cipher_kx);
    free(r->cipher_auth);
    free(r->group);
    free(r->peer_key_type);
    free(r->sig_type);
    free(r->sig_digest);
    free(r->sig_scheme);
    free(r->alpn);
    strlist_free(&r->server_extensions);
    free(r->ocsp_status);
    free(r->ocsp_responder);
    free(r->ocsp_problem);
    strlist_free(&r->client_ca_names);
    strlist_free(&r->client_sigalgs);
    free(r->client_cert_sent);
    for (size_t i = 0; i < r->n_verify_errors; i++) {
        struct verify_error *e = &r->verify_errors[i];
        free(e->name);
        free(e->message);
        free(e->explanation);
        free(e->fix);
    }
    free(r->verify_errors);
    free(r->hostname);
    free(r->hostname_matched);
    for (size_t i = 0; i < r->n_sent; i++)
        cert_info_free(&r->sent[i]);
    free(r->sent);
    for (size_t i = 0; i < r->n_verified; i++)
        cert_info_free(&r->verified[i]);
    free(r->verified);
    offered_free(&r->offered);
    effective_free(&r->effective);
    for (size_t i = 0; i < r->n_events; i++)
        free(r->events[i].bytes);
    free(r->events);
    for (size_t i = 0; i < r->n_findings; i++) {
        free(r->findings[i].title);
        free(r->findings[i].detail);
        free(r->findings[i].fix);
    }
    free(r->findings);
    doctor_free(r);
    report_app_free(r);
    free(r);
}

void report_set_error(struct report *r, enum stage stage, const char *hint, const char *fmt, ...)
{
    if (r->error.stage != STAGE_NONE)
        return;
    va_list ap;
    va_start(ap, fmt);
    struct strbuf sb = {0};
    char tmp[1024];
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    sb_puts(&sb, tmp);
    r->error.stage = stage;
    r->error.during = r->reached;
    r->error.message = sb_take(&sb);
    r->error.hint = xstrdup(hint);
}

void report_add_event(struct report *r, const struct hs_event *ev)
{
    if (r->n_events >= EVENT_MAX) {
        free(ev->bytes);
        r->events_truncated = true;
        return;
    }
    xgrow((void **)&r->events, &r->cap_events, r->n_events + 1, sizeof(*r->events));
    r->events[r->n_events++] = *ev;
}

void report_add_finding(struct report *r, const char *id, enum severity sev, char *title,
                        char *detail, char *fix)
{
    xgrow((void **)&r->findings, &r->cap_findings, r->n_findings + 1, sizeof(*r->findings));
    struct finding *f = &r->findings[r->n_findings++];
    f->id = id;
    f->severity = sev;
    f->title = title;
    f->detail = detail;
    f->fix = fix;
}

enum verdict report_verdict(const struct report *r)
{
    if (!r->ok)
        return VERDICT_FAILED;
    if (!r->verify_ok)
        return VERDICT_NOT_VERIFIED;
    if (r->effective.weakened.len)
        return VERDICT_WARNINGS;
    for (size_t i = 0; i < r->n_verify_errors; i++)
        if (r->verify_errors[i].ignored)
            return VERDICT_WARNINGS;
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].severity >= SEV_MEDIUM)
            return VERDICT_WARNINGS;
    return VERDICT_VERIFIED;
}

const char *verdict_label(enum verdict v)
{
    switch (v) {
    case VERDICT_VERIFIED: return "VERIFIED";
    case VERDICT_WARNINGS: return "VERIFIED WITH WARNINGS";
    case VERDICT_NOT_VERIFIED: return "NOT VERIFIED";
    case VERDICT_FAILED: return "FAILED";
    }
    return "FAILED";
}

int report_exit_status(const struct report *r)
{
    if (r->check) /* a chain file: ready to deploy for the name, or not */
        return r->check->ready ? 0 : 1;
    if (!r->ok)
        return 2;
    return r->verify_ok || !r->effective.verify ? 0 : 1;
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

bool report_error_same_cause(const struct report *r, size_t i)
{
    const struct verify_error *e = &r->verify_errors[i];
    if (!e->explanation && !e->fix)
        return false;
    for (size_t j = 0; j < i; j++) {
        const struct verify_error *o = &r->verify_errors[j];
        if (o->depth == e->depth && same_text(o->explanation, e->explanation) &&
            same_text(o->fix, e->fix))
            return true;
    }
    return false;
}
