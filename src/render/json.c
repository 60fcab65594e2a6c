/* The JSON renderer: builds a jansson tree from a report, in the order and under the names
 * docs/json.md documents, and dumps it with terminal-unsafe code points escaped. */
#include "render/json.h"
#include "render/json_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#ifndef TLSCOPE_VERSION
#define TLSCOPE_VERSION "dev"
#endif

/* jansson reports allocation failure as NULL; like xmalloc we stop rather than emit half a
 * document. */
static void json_oom(void)
{
    fputs("tlscope: out of memory while building JSON\n", stderr);
    abort();
}

json_t *jcheck(json_t *v)
{
    if (!v)
        json_oom();
    return v;
}

/* Sets o[key] = v, taking v's reference. */
void jset(json_t *o, const char *key, json_t *v)
{
    if (json_object_set_new(o, key, jcheck(v)) != 0)
        json_oom();
}

void jpush(json_t *a, json_t *v)
{
    if (json_array_append_new(a, jcheck(v)) != 0)
        json_oom();
}

json_t *jobj(void)
{
    return jcheck(json_object());
}

json_t *jarr(void)
{
    return jcheck(json_array());
}

/* A string, or null for NULL. Invalid UTF-8 (a model bug) is repaired, never dropped. */
json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    if (!v) {
        char *fixed = utf8_repair(s, strlen(s));
        v = json_string(fixed);
        free(fixed);
    }
    return jcheck(v);
}

/* A string, or null for NULL and "" (fixed-size date fields are "" when unknown). */
static json_t *jstr_or_null(const char *s)
{
    return s && *s ? jstr(s) : json_null();
}

json_t *jint(long long v)
{
    return jcheck(json_integer((json_int_t)v));
}

/* An integer, or null when v is the model's "none" value -1. */
json_t *jint_or_null(long long v)
{
    return v < 0 ? json_null() : jint(v);
}

/* Milliseconds rounded to the microsecond, or null for -1 (stage did not run). */
json_t *jms(double ms)
{
    if (ms < 0)
        return json_null();
    long long us = (long long)(ms * 1000.0 + 0.5); /* no libm: ms is never negative here */
    return jcheck(json_real((double)us / 1000.0));
}

json_t *jtri(enum tristate t)
{
    return t == TRI_NA ? json_null() : json_boolean(t == TRI_YES);
}

/* "0x1302"-style code point, or null for 0. */
json_t *jhex16(unsigned v)
{
    if (!v)
        return json_null();
    char buf[8];
    snprintf(buf, sizeof(buf), "0x%04X", v & 0xFFFFu);
    return jstr(buf);
}

json_t *jlist(const struct strlist *l)
{
    json_t *a = jarr();
    for (size_t i = 0; i < l->len; i++)
        jpush(a, jstr(l->items[i]));
    return a;
}

json_t *json_tool(void)
{
    json_t *o = jobj();
    jset(o, "name", jstr("tlscope"));
    jset(o, "version", jstr(TLSCOPE_VERSION));
    return o;
}

static json_t *json_target(const struct report *r)
{
    json_t *o = jobj();
    jset(o, "host", jstr(r->host));
    jset(o, "port", jint(r->port));
    jset(o, "address", jstr(r->address));
    json_t *list = json_array();
    for (size_t i = 0; i < r->n_addresses; i++) {
        const struct addr_attempt *a = &r->addresses[i];
        json_t *e = jobj();
        jset(e, "address", jstr(a->address));
        jset(e, "family", jint(a->family));
        jset(e, "result", jstr(addr_result_name(a->result)));
        jset(e, "error", jstr(a->error));
        jset(e, "start_ms", jms(a->start_ms));
        jset(e, "ms", jms(a->ms));
        json_array_append_new(list, e);
    }
    jset(o, "addresses", list);
    jset(o, "sni", jstr(r->sni));
    return o;
}

/* The raw-hello driver's result; null for an ordinary connection. */
static json_t *json_hello(const struct report *r)
{
    const struct hello_result *h = &r->hello;
    if (h->outcome == HELLO_NONE)
        return json_null();
    json_t *o = jobj();
    jset(o, "outcome", jstr(hello_outcome_name(h->outcome)));
    bool answered = h->outcome == HELLO_SERVER_HELLO || h->outcome == HELLO_RETRY;
    jset(o, "version", answered ? jhex16(h->version) : json_null());
    jset(o, "cipher", answered ? jhex16(h->cipher) : json_null());
    jset(o, "group", answered && h->group ? jhex16(h->group) : json_null());
    jset(o, "alert", h->outcome == HELLO_ALERT ? jstr(alert_name(h->alert_desc)) : json_null());
    jset(o, "ms", jms(h->ms));
    return o;
}

static json_t *json_error(const struct report_error *e)
{
    if (e->stage == STAGE_NONE)
        return json_null();
    json_t *o = jobj();
    jset(o, "stage", jstr(stage_name(e->stage)));
    jset(o, "during", e->stage == STAGE_TIMEOUT ? jstr(stage_name(e->during)) : json_null());
    jset(o, "message", jstr(e->message));
    jset(o, "hint", jstr(e->hint));
    return o;
}

static json_t *json_cipher(const struct report *r)
{
    if (!r->cipher_name && !r->cipher_iana)
        return json_null();
    json_t *o = jobj();
    jset(o, "name", jstr(r->cipher_name));
    jset(o, "iana", jstr(r->cipher_iana));
    jset(o, "id", jhex16(r->cipher_id));
    jset(o, "bits", jint(r->cipher_bits));
    jset(o, "kx", jstr(r->cipher_kx));
    jset(o, "auth", jstr(r->cipher_auth));
    return o;
}

static json_t *json_peer_key(const struct report *r)
{
    if (!r->peer_key_type)
        return json_null();
    json_t *o = jobj();
    jset(o, "type", jstr(r->peer_key_type));
    jset(o, "bits", jint(r->peer_key_bits));
    return o;
}

static json_t *json_signature(const struct report *r)
{
    if (!r->sig_type && !r->sig_digest && !r->sig_scheme)
        return json_null();
    json_t *o = jobj();
    jset(o, "type", jstr(r->sig_type));
    jset(o, "digest", jstr(r->sig_digest));
    jset(o, "scheme", jstr(r->sig_scheme));
    return o;
}

static json_t *json_session(const struct report *r)
{
    json_t *o = jobj();
    jset(o, "reused", json_boolean(r->session_reused));
    jset(o, "tickets", jint(r->tickets));
    jset(o, "ticket_lifetime_hint", jint_or_null(r->ticket_lifetime_hint));
    jset(o, "resumed_on_reconnect", jtri(r->resumed_on_reconnect));
    return o;
}

static json_t *json_ocsp(const struct report *r)
{
    if (!r->ocsp_requested)
        return json_null();
    bool revoked = r->ocsp_status && !strcmp(r->ocsp_status, "revoked");
    json_t *o = jobj();
    jset(o, "requested", json_true());
    jset(o, "stapled", json_boolean(r->ocsp_stapled));
    jset(o, "status", jstr(r->ocsp_status));
    jset(o, "this_update", jstr_or_null(r->ocsp_this_update));
    jset(o, "next_update", jstr_or_null(r->ocsp_next_update));
    jset(o, "responder", jstr(r->ocsp_responder));
    jset(o, "revoked_at", revoked ? jstr_or_null(r->ocsp_revoked_at) : json_null());
    jset(o, "problem", jstr(r->ocsp_problem));
    return o;
}

static json_t *json_client_auth(const struct report *r)
{
    json_t *o = jobj();
    jset(o, "requested", json_boolean(r->client_cert_requested));
    jset(o, "ca_names", jlist(&r->client_ca_names));
    jset(o, "sigalgs", jlist(&r->client_sigalgs));
    jset(o, "cert_sent", jstr(r->client_cert_sent));
    return o;
}

static json_t *json_verify_error(const struct verify_error *e)
{
    json_t *o = jobj();
    jset(o, "depth", jint_or_null(e->depth));
    jset(o, "code", jint(e->code));
    jset(o, "name", jstr(e->name));
    jset(o, "message", jstr(e->message));
    jset(o, "explanation", jstr(e->explanation));
    jset(o, "fix", jstr(e->fix));
    jset(o, "ignored", json_boolean(e->ignored));
    return o;
}

json_t *json_verify(const struct report *r)
{
    json_t *o = jobj();
    jset(o, "ok", json_boolean(r->verify_ok));
    json_t *errors = jarr();
    for (size_t i = 0; i < r->n_verify_errors; i++)
        jpush(errors, json_verify_error(&r->verify_errors[i]));
    jset(o, "errors", errors);

    json_t *h = jobj();
    jset(h, "checked", json_boolean(r->hostname_checked));
    jset(h, "name", jstr(r->hostname));
    jset(h, "match", r->hostname_checked ? json_boolean(r->hostname_match) : json_null());
    jset(h, "matched_name", jstr(r->hostname_matched));
    jset(o, "hostname", h);

    json_t *p = jobj();
    jset(p, "checked", json_boolean(r->pins_checked));
    jset(p, "match", r->pins_checked ? json_boolean(r->pin_match) : json_null());
    jset(p, "depth", jint_or_null(r->pin_depth));
    jset(o, "pins", p);
    return o;
}

static json_t *json_cert_key(const struct cert_info *c)
{
    json_t *o = jobj();
    jset(o, "type", jstr(c->key_type));
    jset(o, "bits", jint(c->key_bits));
    jset(o, "curve", jstr(c->key_curve));
    return o;
}

static json_t *json_cert_extensions(const struct cert_info *c)
{
    json_t *a = jarr();
    for (size_t i = 0; i < c->n_extensions; i++) {
        json_t *e = jobj();
        jset(e, "name", jstr(c->extensions[i].name));
        jset(e, "critical", json_boolean(c->extensions[i].critical));
        jset(e, "value", jstr(c->extensions[i].value));
        jpush(a, e);
    }
    return a;
}

/* role and path_depth are those of the list: sent certificates carry their own, verified ones
 * get theirs from their place on the path. */
static json_t *json_cert(const struct cert_info *c, enum chain_role role, int path_depth)
{
    json_t *o = jobj();
    jset(o, "subject", jstr(c->subject));
    jset(o, "issuer", jstr(c->issuer));
    jset(o, "subject_cn", jstr(c->subject_cn));
    jset(o, "serial", jstr(c->serial));
    jset(o, "not_before", jstr_or_null(c->not_before));
    jset(o, "not_after", jstr_or_null(c->not_after));
    jset(o, "days_left", jint(c->days_left));
    jset(o, "key", json_cert_key(c));
    jset(o, "signature_algorithm", jstr(c->signature_algorithm));
    jset(o, "san", jlist(&c->san));
    jset(o, "is_ca", json_boolean(c->is_ca));
    jset(o, "path_len", jint_or_null(c->path_len));
    jset(o, "self_signed", json_boolean(c->self_signed));
    jset(o, "key_usage", jlist(&c->key_usage));
    jset(o, "extended_key_usage", jlist(&c->ext_key_usage));
    jset(o, "sha256", jstr(c->sha256));
    jset(o, "sha1", jstr(c->sha1));
    jset(o, "spki_sha256", jstr(c->spki_sha256));
    jset(o, "ocsp_url", jstr(c->ocsp_url));
    jset(o, "ca_issuers_url", jstr(c->ca_issuers_url));
    jset(o, "extensions", json_cert_extensions(c));
    jset(o, "pem", jstr(c->pem));
    jset(o, "role", jstr(chain_role_name(role)));
    jset(o, "path_depth", jint_or_null(path_depth));
    jset(o, "precertificate", json_boolean(c->ct_poison));
    jset(o, "unknown_critical_extensions", jlist(&c->unknown_critical));
    return o;
}

/* issue 13: what --aia fetched. */
static json_t *json_fetched(const struct report *r)
{
    json_t *a = jarr();
    for (size_t i = 0; i < r->n_fetched; i++) {
        json_t *o = jobj();
        jset(o, "url", jstr(r->fetched[i].url));
        jset(o, "for_depth", jint(r->fetched[i].for_depth));
        jset(o, "subject", jstr_or_null(r->fetched[i].subject));
        jset(o, "outcome", jstr(r->fetched[i].outcome));
        jpush(a, o);
    }
    return a;
}

/* issue 13: --revocation, one entry per certificate and method; null when not asked. */
static json_t *json_revocation(const struct report *r)
{
    if (!r->revocation_checked)
        return json_null();
    json_t *a = jarr();
    for (size_t i = 0; i < r->n_revocation; i++) {
        const struct revocation *v = &r->revocation[i];
        json_t *o = jobj();
        jset(o, "depth", jint(v->depth));
        jset(o, "subject", jstr(v->subject));
        jset(o, "method", jstr(v->method));
        jset(o, "url", jstr(v->url));
        jset(o, "status", jstr(v->status));
        jset(o, "revoked_at", jstr_or_null(v->revoked_at[0] ? v->revoked_at : NULL));
        jset(o, "reason", jstr_or_null(v->reason));
        jset(o, "this_update", jstr_or_null(v->this_update[0] ? v->this_update : NULL));
        jset(o, "next_update", jstr_or_null(v->next_update[0] ? v->next_update : NULL));
        jset(o, "problem", jstr_or_null(v->problem));
        jpush(a, o);
    }
    return a;
}

/* issue 13: SCTs from every source. */
static json_t *json_scts(const struct report *r)
{
    json_t *a = jarr();
    for (size_t i = 0; i < r->n_scts; i++) {
        const struct sct_info *s = &r->scts[i];
        json_t *o = jobj();
        jset(o, "source", jstr(s->source));
        jset(o, "log_id", jstr(s->log_id));
        jset(o, "log_name", jstr_or_null(s->log_name));
        jset(o, "log_operator", jstr_or_null(s->log_operator));
        jset(o, "timestamp", jstr(s->timestamp));
        jset(o, "signature_algorithm", jstr(s->sig_alg));
        jset(o, "verified", jtri(s->verified));
        jpush(a, o);
    }
    return a;
}

/* issue 13: the chain file of a --check-chain report; null for a connection. */
static json_t *json_source(const struct report *r)
{
    const struct chain_check *ck = r->check;
    if (!ck)
        return json_null();
    json_t *o = jobj(), *key = jobj();
    jset(o, "file", jstr(ck->file));
    jset(o, "format", jstr(ck->format));
    jset(o, "leaf_index", jint((long long)ck->leaf_index));
    jset(key, "checked", json_boolean(ck->key_checked));
    jset(key, "match", ck->key_checked ? json_boolean(ck->key_match) : json_null());
    jset(key, "source", jstr_or_null(ck->key_source));
    jset(key, "belongs_to", jstr_or_null(ck->key_matches));
    jset(key, "in_file", json_boolean(ck->key_in_file));
    jset(o, "key", key);
    jset(o, "name", jstr_or_null(ck->name));
    jset(o, "ca_crt_certificates", jint((long long)ck->n_ca_crt));
    jset(o, "ready", json_boolean(ck->ready));
    return o;
}

json_t *json_chain(const struct report *r)
{
    json_t *o = jobj();
    json_t *sent = jarr(), *verified = jarr();
    for (size_t i = 0; i < r->n_sent; i++)
        jpush(sent, json_cert(&r->sent[i], r->sent[i].role, r->sent[i].path_depth));
    for (size_t j = 0; j < r->n_verified; j++)
        jpush(verified, json_cert(&r->verified[j], report_verified_role(r, j), (int)j));
    jset(o, "sent", sent);
    jset(o, "verified", verified);
    json_t *issues = jarr();
    for (unsigned bit = 0; bit < CHAIN_ISSUE_COUNT; bit++)
        if (r->chain_issues & (1u << bit))
            jpush(issues, jstr(chain_issue_name((enum chain_issue)(1u << bit))));
    jset(o, "issues", issues);
    size_t sent_total = report_sent_total(r), verified_total = report_verified_total(r);
    jset(o, "sent_total", jint((long)sent_total));
    jset(o, "verified_total", jint((long)verified_total));
    jset(o, "truncated", json_boolean(sent_total > r->n_sent || verified_total > r->n_verified));
    jset(o, "fetched", json_fetched(r));
    jset(o, "fetched_verify_ok", r->n_fetched ? json_boolean(r->aia_verify_ok) : json_null());
    return o;
}

static json_t *json_offered(const struct offered *off)
{
    json_t *o = jobj();
    jset(o, "versions", jlist(&off->versions));
    json_t *ciphers = jarr();
    for (size_t i = 0; i < off->ciphers.len; i++) {
        const char *ossl = i < off->ciphers_openssl.len ? off->ciphers_openssl.items[i] : NULL;
        json_t *c = jobj();
        jset(c, "iana", jstr(off->ciphers.items[i]));
        jset(c, "openssl", jstr_or_null(ossl));
        jpush(ciphers, c);
    }
    jset(o, "ciphers", ciphers);
    jset(o, "groups", jlist(&off->groups));
    jset(o, "key_shares", jlist(&off->key_shares));
    jset(o, "sigalgs", jlist(&off->sigalgs));
    jset(o, "alpn", jlist(&off->alpn));
    jset(o, "extensions", jlist(&off->extensions));
    jset(o, "client_hello_length", jint((long long)off->client_hello_len));
    return o;
}

/* {value, source}; value null when the model has none ("" or NULL, or a negative level). */
static json_t *json_setting(json_t *value, const char *source)
{
    json_t *o = jobj();
    jset(o, "value", value);
    jset(o, "source", jstr(source));
    return o;
}

static json_t *json_settings(const struct effective *e)
{
    json_t *o = jobj();
    jset(o, "min_protocol", json_setting(jstr_or_null(e->min_proto), e->min_proto_source));
    jset(o, "max_protocol", json_setting(jstr_or_null(e->max_proto), e->max_proto_source));
    jset(o, "security_level", json_setting(jint_or_null(e->sec_level), e->sec_level_source));
    jset(o, "verify", json_boolean(e->verify));
    jset(o, "hostname_check", json_boolean(e->hostname_check));
    jset(o, "trust", jstr(e->trust));
    jset(o, "openssl_version", jstr(e->openssl_version));
    jset(o, "openssl_conf", jstr(e->openssl_conf));
    jset(o, "weakened", jlist(&e->weakened));
    return o;
}

static json_t *json_alert(const struct hs_event *ev)
{
    if (ev->content_type != 21 && ev->alert_level == 0)
        return json_null();
    const char *level = ev->alert_level == 1   ? "warning"
                        : ev->alert_level == 2 ? "fatal"
                                               : "unknown";
    json_t *o = jobj();
    jset(o, "level", jstr(level));
    jset(o, "description", jstr(alert_name(ev->alert_desc)));
    jset(o, "code", jint(ev->alert_desc));
    return o;
}

static json_t *json_event(const struct hs_event *ev)
{
    int outer = ev->record_type ? ev->record_type : ev->content_type;
    json_t *o = jobj();
    jset(o, "t_us", jint(ev->t_us));
    jset(o, "connection", jint(ev->connection));
    jset(o, "dir", jstr(ev->dir == DIR_SENT ? "sent" : "received"));
    jset(o, "record", jstr(content_type_name(outer)));
    jset(o, "content", jstr(content_type_name(ev->content_type)));
    jset(o, "type", jstr(ev->name ? ev->name : content_type_name(ev->content_type)));
    jset(o, "handshake_type", jint_or_null(ev->hs_type));
    jset(o, "version", jhex16((unsigned)ev->version));
    jset(o, "length", jint(ev->length));
    jset(o, "alert", json_alert(ev));
    return o;
}

static json_t *json_handshake(const struct report *r)
{
    json_t *a = jarr();
    for (size_t i = 0; i < r->n_events; i++)
        jpush(a, json_event(&r->events[i]));
    return a;
}

static json_t *json_timing(const struct report *r)
{
    json_t *o = jobj();
    jset(o, "dns_ms", jms(r->dns_ms));
    jset(o, "connect_ms", jms(r->connect_ms));
    jset(o, "handshake_ms", jms(r->handshake_ms));
    jset(o, "reconnect_ms", jms(r->reconnect_ms));
    jset(o, "total_ms", jms(r->total_ms));
    return o;
}

static json_t *json_bytes(const struct report *r)
{
    json_t *o = jobj();
    jset(o, "sent", jint((long long)r->bytes_sent));
    jset(o, "received", jint((long long)r->bytes_received));
    return o;
}

json_t *json_finding(const char *id, enum severity sev, const char *title, const char *detail,
                     const char *fix)
{
    json_t *o = jobj();
    jset(o, "id", jstr(id));
    jset(o, "severity", jstr(severity_name(sev)));
    jset(o, "title", jstr(title));
    jset(o, "detail", jstr(detail));
    jset(o, "fix", jstr(fix));
    return o;
}

static json_t *json_findings(const struct report *r)
{
    json_t *a = jarr();
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct finding *f = &r->findings[i];
        jpush(a, json_finding(f->id, f->severity, f->title, f->detail, f->fix));
    }
    return a;
}

/* The plaintext dialogue before TLS (issue 12). */
static json_t *json_starttls(const struct starttls_report *st)
{
    json_t *o = jobj();
    jset(o, "protocol", jstr(st->protocol));
    jset(o, "chosen_by", jstr(st->chosen_by));
    jset(o, "reason", jstr(st->reason));
    jset(o, "ok", json_boolean(st->ok));
    jset(o, "failure", jstr(st->failure));
    jset(o, "ms", jms(st->protocol ? st->ms : -1));
    jset(o, "capabilities", jlist(&st->capabilities));
    json_t *t = jarr();
    for (size_t i = 0; i < st->n_lines; i++) {
        json_t *l = jobj();
        jset(l, "t_ms", jms(st->lines[i].t_ms));
        jset(l, "dir", jstr(st->lines[i].dir == DIR_SENT ? "sent" : "received"));
        jset(l, "text", jstr(st->lines[i].text));
        jpush(t, l);
    }
    jset(o, "transcript", t);
    jset(o, "transcript_truncated", json_boolean(st->truncated));
    json_t *inj = json_null();
    if (st->injection_checked) {
        inj = jobj();
        jset(inj, "command", jstr(st->injected));
        jset(inj, "vulnerable", json_boolean(st->injection_vulnerable));
        jset(inj, "answer", jstr(st->injection_answer));
    }
    jset(o, "injection", inj);
    return o;
}

/* The HTTP probe (issue 12); null when --http was not given. */
static json_t *json_http(const struct http_report *h)
{
    if (!h->requested)
        return json_null();
    json_t *o = jobj();
    jset(o, "sent", json_boolean(h->sent));
    jset(o, "skipped", jstr(h->skipped));
    jset(o, "request", jstr(h->request));
    jset(o, "error", jstr(h->error));
    jset(o, "status", h->status ? jint(h->status) : json_null());
    jset(o, "status_line", jstr(h->status_line));
    jset(o, "server", jstr(h->server));
    json_t *hsts = json_null();
    if (h->hsts) {
        hsts = jobj();
        jset(hsts, "value", jstr(h->hsts));
        jset(hsts, "max_age", jint_or_null(h->hsts_max_age));
        jset(hsts, "include_subdomains", json_boolean(h->hsts_include_subdomains));
        jset(hsts, "preload", json_boolean(h->hsts_preload));
        jset(hsts, "problem", jstr(h->hsts_problem));
    }
    jset(o, "hsts", hsts);
    jset(o, "alt_svc", jstr(h->alt_svc));
    jset(o, "location", jstr(h->location));
    jset(o, "ms", jms(h->ms));
    return o;
}

/* The whole document; the order of the jset calls is the documented key order. */
static json_t *json_report(const struct report *r)
{
    json_t *o = jobj();
    jset(o, "version", jint(JSON_FORMAT_VERSION));
    jset(o, "tool", json_tool());
    jset(o, "started_at", jstr_or_null(r->started_at));
    jset(o, "target", json_target(r));
    jset(o, "source", json_source(r));
    jset(o, "ok", json_boolean(r->ok));
    jset(o, "error", json_error(&r->error));
    jset(o, "reached", jstr(stage_name(r->reached)));
    jset(o, "exit_status", jint(report_exit_status(r)));
    jset(o, "protocol", jstr(r->protocol));
    jset(o, "protocol_version", jhex16((unsigned)r->protocol_version));
    jset(o, "cipher", json_cipher(r));
    jset(o, "group", jstr(r->group));
    jset(o, "peer_temp_key", json_peer_key(r));
    jset(o, "signature", json_signature(r));
    jset(o, "alpn", jstr(r->alpn));
    jset(o, "server_extensions", jlist(&r->server_extensions));
    jset(o, "session", json_session(r));
    jset(o, "extended_master_secret", jtri(r->extended_master_secret));
    jset(o, "secure_renegotiation", jtri(r->secure_renegotiation));
    jset(o, "ocsp", json_ocsp(r));
    jset(o, "client_auth", json_client_auth(r));
    jset(o, "verify", json_verify(r));
    jset(o, "chain", json_chain(r));
    jset(o, "revocation", json_revocation(r));
    jset(o, "scts", json_scts(r));
    jset(o, "ct_log_list", jstr_or_null(r->ct_log_list));
    jset(o, "offered", json_offered(&r->offered));
    jset(o, "settings", json_settings(&r->effective));
    jset(o, "hello", json_hello(r));
    jset(o, "starttls", json_starttls(&r->starttls));
    jset(o, "handshake", json_handshake(r));
    jset(o, "handshake_truncated", json_boolean(r->events_truncated));
    jset(o, "timing", json_timing(r));
    jset(o, "bytes", json_bytes(r));
    jset(o, "http", json_http(&r->http));
    jset(o, "findings", json_findings(r));
    return o;
}

/* Code points jansson writes raw that a terminal (or a JavaScript parser) would act on: DEL,
 * C1 controls, bidi controls, U+2028/U+2029. Returns the sequence length (2 or 3) when the
 * well-formed UTF-8 at p (n bytes left) is one, storing the code point; else 0. */
static size_t json_unsafe_seq(const unsigned char *p, size_t n, unsigned *cp)
{
    if (p[0] == 0x7F) {
        *cp = 0x7F;
        return 1;
    }
    if (p[0] == 0xC2 && n >= 2 && p[1] >= 0x80 && p[1] <= 0x9F) {
        *cp = p[1];
        return 2;
    }
    if (p[0] == 0xD8 && n >= 2 && p[1] == 0x9C) { /* U+061C arabic letter mark */
        *cp = 0x061C;
        return 2;
    }
    if (p[0] == 0xE2 && n >= 3 && (p[1] == 0x80 || p[1] == 0x81)) {
        unsigned v = 0x2000u | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3Fu);
        if (v == 0x200E || v == 0x200F || v == 0x2028 || v == 0x2029 ||
            (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)) {
            *cp = v;
            return 3;
        }
    }
    return 0;
}

/* Copies jansson's output and a final newline, escaping the code points above. They can only
 * occur inside strings (JSON syntax is ASCII), where "\uXXXX" means the same character. */
char *json_escape_unsafe(const char *doc)
{
    struct strbuf sb = {0};
    const unsigned char *p = (const unsigned char *)doc;
    size_t n = strlen(doc), start = 0, i = 0;
    while (i < n) {
        unsigned cp;
        size_t len = json_unsafe_seq(p + i, n - i, &cp);
        if (!len) {
            i++;
            continue;
        }
        sb_add(&sb, doc + start, i - start);
        sb_printf(&sb, "\\u%04X", cp);
        i += len;
        start = i;
    }
    sb_add(&sb, doc + start, n - start);
    sb_putc(&sb, '\n');
    return sb_take(&sb);
}

char *json_render_report(const struct report *r, bool pretty)
{
    json_t *root = json_report(r);
    size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15);
    flags |= pretty ? JSON_INDENT(2) : JSON_COMPACT;
    char *doc = json_dumps(root, flags);
    json_decref(root);
    if (!doc)
        json_oom();
    char *out = json_escape_unsafe(doc);
    free(doc);
    return out;
}
