/* Unit tests for the JSON renderer: a hand-built report is rendered, parsed back with jansson
 * and checked key by key (names, order, types, values, nulls, escaping). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fixture.h"
#include "model/report.h"
#include "render/json.h"
#include "util/mem.h"

#define EVIL_SUBJECT "CN=evil\x1b[31mred,O=Lab"

static void add_cert(struct cert_info *c, const char *subject, const char *issuer)
{
    c->subject = xstrdup(subject);
    c->issuer = xstrdup(issuer);
    c->subject_cn = xstrdup("evil\x1b[31mred");
    c->serial = xstrdup("0A1B");
    snprintf(c->not_before, sizeof(c->not_before), "2026-01-01T00:00:00Z");
    snprintf(c->not_after, sizeof(c->not_after), "2026-02-01T00:00:00Z");
    c->days_left = -3;
    c->key_type = xstrdup("EC");
    c->key_bits = 256;
    c->key_curve = xstrdup("prime256v1");
    c->signature_algorithm = xstrdup("ecdsa-with-SHA256");
    strlist_push(&c->san, "DNS:localhost");
    strlist_push(&c->san, "IP:127.0.0.1");
    c->path_len = -1;
    strlist_push(&c->key_usage, "Digital Signature");
    strlist_push(&c->ext_key_usage, "TLS Web Server Authentication");
    c->sha256 = xstrdup("AA:BB");
    c->sha1 = xstrdup("CC:DD");
    c->spki_sha256 = xstrdup("c3BraQ==");
    c->ocsp_url = xstrdup("http://127.0.0.1:8080/ocsp");
    c->extensions = xcalloc(1, sizeof(*c->extensions));
    c->extensions[0].name = xstrdup("X509v3 Basic Constraints");
    c->extensions[0].value = xstrdup("CA:FALSE");
    c->extensions[0].critical = true;
    c->n_extensions = 1;
    c->pem = xstrdup("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
}

static void add_event(struct report *r, int64_t t_us, enum event_dir dir, int ct, int rt,
                      const char *name, uint32_t len, int level, int desc)
{
    struct hs_event ev = {0};
    ev.t_us = t_us;
    ev.dir = dir;
    ev.content_type = ct;
    ev.record_type = rt;
    ev.version = 0x0303;
    ev.hs_type = ct == 22 ? 1 : -1;
    ev.name = name;
    ev.length = len;
    ev.alert_level = level;
    ev.alert_desc = desc;
    ev.bytes = xmalloc(4);
    memcpy(ev.bytes, "\x16\x03\x01\x00", 4);
    ev.n_bytes = 4;
    ev.connection = 1;
    report_add_event(r, &ev);
}

/* Not verified: one expired certificate (the hostname still matches). */
static void fill_verification(struct report *r)
{
    r->verify_ok = false;
    r->verify_errors = xcalloc(1, sizeof(*r->verify_errors));
    r->n_verify_errors = 1;
    struct verify_error *e = &r->verify_errors[0];
    e->depth = 0;
    e->code = 10;
    e->name = xstrdup("X509_V_ERR_CERT_HAS_EXPIRED");
    e->message = xstrdup("certificate has expired");
    e->explanation = xstrdup("The server certificate expired 3 days ago.");
    e->fix = xstrdup("Renew the certificate.");
    r->sent = xcalloc(2, sizeof(*r->sent));
    r->n_sent = 2;
    add_cert(&r->sent[0], EVIL_SUBJECT, "CN=Inter");
    add_cert(&r->sent[1], "CN=Inter", "CN=Root");
    r->sent[1].is_ca = true;
    r->sent[1].path_len = 0;
    r->chain_issues = CHAIN_MISSING_INTERMEDIATE | CHAIN_ROOT_INCLUDED;
}

static void fill_offered_and_settings(struct report *r)
{
    strlist_push(&r->offered.ciphers, "TLS_AES_256_GCM_SHA384");
    strlist_push(&r->offered.ciphers_openssl, "TLS_AES_256_GCM_SHA384");
    strlist_push(&r->offered.ciphers, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    strlist_push(&r->offered.ciphers_openssl, "");
    strlist_push(&r->offered.groups, "x25519");
    strlist_push(&r->offered.key_shares, "x25519");
    strlist_push(&r->offered.sigalgs, "rsa_pss_rsae_sha256");
    strlist_push(&r->offered.alpn, "h2");
    strlist_push(&r->offered.extensions, "server_name");
    r->offered.client_hello_len = 517;
    r->effective.sec_level_source = "system";
    r->effective.trust = xstrdup("/tmp/root.crt");
    r->effective.openssl_conf = xstrdup("/usr/lib/ssl/openssl.cnf");
    strlist_push(&r->effective.weakened, "session keys written to /tmp/k");
}

/* The shared good report with every part filled: an evil subject, one verify error (so not
 * verified), two events, a finding. */
static struct report *full_report(void)
{
    struct report *r = fixture_good_report();
    snprintf(r->started_at, sizeof(r->started_at), "2026-11-26T23:47:00Z");
    strlist_push(&r->server_extensions, "supported_versions");
    strlist_push(&r->server_extensions, "key_share");
    r->ticket_lifetime_hint = 7200;
    r->ocsp_requested = true;
    r->ocsp_stapled = true;
    r->ocsp_status = xstrdup("good");
    snprintf(r->ocsp_this_update, sizeof(r->ocsp_this_update), "2026-11-26T00:00:00Z");
    snprintf(r->ocsp_next_update, sizeof(r->ocsp_next_update), "2026-12-03T00:00:00Z");
    snprintf(r->ocsp_revoked_at, sizeof(r->ocsp_revoked_at), "2026-11-01T00:00:00Z");
    r->ocsp_responder = xstrdup("CN=Inter");
    fill_verification(r);
    fill_offered_and_settings(r);
    add_event(r, 412, DIR_SENT, 22, 22, "ClientHello", 517, 0, 0);
    add_event(r, 3100, DIR_RECEIVED, 21, 23, "Alert", 2, 2, 40);
    r->dns_ms = 1.5;
    r->connect_ms = 0.25;
    r->handshake_ms = 12.3456789;
    r->total_ms = 14.0;
    r->bytes_sent = 600;
    r->bytes_received = 4000;
    report_add_finding(r, "cert_expired", SEV_CRITICAL, xstrdup("The certificate has expired"),
                       xstrdup("It expired 3 days ago."), xstrdup("Renew it."));
    return r;
}

static json_t *render_parse(const struct report *r, bool pretty)
{
    char *doc = json_render_report(r, pretty);
    assert_non_null(doc);
    json_error_t je;
    json_t *j = json_loads(doc, 0, &je);
    if (!j)
        fail_msg("not JSON (%s at line %d): %s", je.text, je.line, doc);
    free(doc);
    return j;
}

/* o[path] where path is "a.b.c"; fails the test when a step is missing. */
static json_t *jpath(json_t *o, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    json_t *cur = o;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
        cur = json_is_array(cur) ? json_array_get(cur, strtoul(k, NULL, 10))
                                 : json_object_get(cur, k);
        if (!cur)
            fail_msg("no key '%s' in path '%s'", k, path);
    }
    return cur;
}

static const char *jpath_str(json_t *o, const char *path)
{
    json_t *v = jpath(o, path);
    if (!json_is_string(v))
        fail_msg("'%s' is not a string", path);
    return json_string_value(v);
}

static long long jpath_int(json_t *o, const char *path)
{
    json_t *v = jpath(o, path);
    if (!json_is_integer(v))
        fail_msg("'%s' is not an integer", path);
    return json_integer_value(v);
}

static void assert_keys(json_t *o, const char *const *keys, size_t n)
{
    assert_true(json_is_object(o));
    size_t i = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), i++) {
        if (i >= n)
            fail_msg("unexpected key '%s'", json_object_iter_key(it));
        if (strcmp(json_object_iter_key(it), keys[i]))
            fail_msg("key %zu is '%s', expected '%s'", i, json_object_iter_key(it), keys[i]);
    }
    assert_int_equal(i, n);
}

/* target.addresses lists every address tried with its result; hello is null for an ordinary
 * connection and holds the answer for a raw-hello probe. */
static void test_addresses_and_hello(void **state)
{
    (void)state;
    struct report *r = full_report();
    report_add_address(r, "::1", 6, ADDR_TIMEOUT, "timed out", 0, 5000.25);
    report_add_address(r, "127.0.0.1", 4, ADDR_CONNECTED, NULL, 250.1, 0.5);
    report_add_address(r, "192.0.2.1", 4, ADDR_NOT_TRIED, NULL, -1, -1);
    json_t *j = render_parse(r, true);
    json_t *a = jpath(j, "target.addresses");
    assert_int_equal(json_array_size(a), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "result")),
                        "timeout");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "family")), 6);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "result")),
                        "connected");
    assert_true(json_is_null(json_object_get(json_array_get(a, 1), "error")));
    assert_true(json_is_null(json_object_get(json_array_get(a, 2), "ms")));
    assert_true(json_is_null(json_object_get(j, "hello")));
    json_decref(j);
    r->hello.outcome = HELLO_RETRY;
    r->hello.version = 0x0304;
    r->hello.cipher = 0x1301;
    r->hello.group = 0x0017;
    r->hello.ms = 1.5;
    j = render_parse(r, true);
    assert_string_equal(jpath_str(j, "hello.outcome"), "hello_retry_request");
    assert_string_equal(jpath_str(j, "hello.version"), "0x0304");
    assert_string_equal(jpath_str(j, "hello.group"), "0x0017");
    assert_true(json_is_null(jpath(j, "hello.alert")));
    json_decref(j);
    r->hello.outcome = HELLO_ALERT;
    r->hello.alert_desc = 40;
    j = render_parse(r, true);
    assert_string_equal(jpath_str(j, "hello.alert"), "handshake_failure");
    assert_true(json_is_null(jpath(j, "hello.version")));
    json_decref(j);
    report_free(r);
}

static void test_top_level_order(void **state)
{
    (void)state;
    static const char *const keys[] = {"version",
                                       "tool",
                                       "started_at",
                                       "target",
                                       "source",
                                       "ok",
                                       "error",
                                       "reached",
                                       "exit_status",
                                       "protocol",
                                       "protocol_version",
                                       "cipher",
                                       "group",
                                       "peer_temp_key",
                                       "signature",
                                       "alpn",
                                       "server_extensions",
                                       "session",
                                       "extended_master_secret",
                                       "secure_renegotiation",
                                       "ocsp",
                                       "client_auth",
                                       "verify",
                                       "chain",
                                       "revocation",
                                       "scts",
                                       "ct_log_list",
                                       "offered",
                                       "settings",
                                       "hello",
                                       "starttls",
                                       "handshake",
                                       "handshake_truncated",
                                       "timing",
                                       "bytes",
                                       "http",
                                       "findings"};
    struct report *r = full_report();
    json_t *j = render_parse(r, true);
    assert_keys(j, keys, sizeof(keys) / sizeof(keys[0]));
    static const char *const cert_keys[] = {"subject",
                                            "issuer",
                                            "subject_cn",
                                            "serial",
                                            "not_before",
                                            "not_after",
                                            "days_left",
                                            "key",
                                            "signature_algorithm",
                                            "san",
                                            "is_ca",
                                            "path_len",
                                            "self_signed",
                                            "key_usage",
                                            "extended_key_usage",
                                            "sha256",
                                            "sha1",
                                            "spki_sha256",
                                            "ocsp_url",
                                            "ca_issuers_url",
                                            "extensions",
                                            "pem",
                                            "role",
                                            "path_depth",
                                            "precertificate",
                                            "unknown_critical_extensions"};
    assert_keys(jpath(j, "chain.sent.0"), cert_keys, sizeof(cert_keys) / sizeof(cert_keys[0]));
    static const char *const ev_keys[] = {"t_us", "connection",     "dir",     "record", "content",
                                          "type", "handshake_type", "version", "length", "alert"};
    assert_keys(jpath(j, "handshake.0"), ev_keys, sizeof(ev_keys) / sizeof(ev_keys[0]));
    json_decref(j);
    report_free(r);
}

static void test_negotiated_values(void **state)
{
    (void)state;
    struct report *r = full_report();
    json_t *j = render_parse(r, false);
    assert_int_equal(jpath_int(j, "version"), 1);
    assert_string_equal(jpath_str(j, "tool.name"), "tlscope");
    assert_true(strlen(jpath_str(j, "tool.version")) > 0);
    assert_string_equal(jpath_str(j, "started_at"), "2026-11-26T23:47:00Z");
    assert_string_equal(jpath_str(j, "target.host"), "localhost");
    assert_int_equal(jpath_int(j, "target.port"), 8443);
    assert_string_equal(jpath_str(j, "target.address"), "127.0.0.1");
    assert_true(json_is_true(jpath(j, "ok")));
    assert_true(json_is_null(jpath(j, "error")));
    assert_int_equal(jpath_int(j, "exit_status"), 1); /* verify_ok false, verification on */
    assert_string_equal(jpath_str(j, "protocol"), "TLSv1.3");
    assert_string_equal(jpath_str(j, "protocol_version"), "0x0304");
    assert_string_equal(jpath_str(j, "cipher.id"), "0x1302");
    assert_int_equal(jpath_int(j, "cipher.bits"), 256);
    assert_string_equal(jpath_str(j, "cipher.iana"), "TLS_AES_256_GCM_SHA384");
    assert_string_equal(jpath_str(j, "peer_temp_key.type"), "X25519");
    assert_int_equal(jpath_int(j, "peer_temp_key.bits"), 253);
    assert_string_equal(jpath_str(j, "signature.scheme"), "rsa_pss_rsae_sha256");
    assert_string_equal(jpath_str(j, "alpn"), "h2");
    assert_string_equal(jpath_str(j, "server_extensions.1"), "key_share");
    assert_int_equal(jpath_int(j, "session.tickets"), 2);
    assert_int_equal(jpath_int(j, "session.ticket_lifetime_hint"), 7200);
    assert_true(json_is_false(jpath(j, "session.reused")));
    assert_true(json_is_null(jpath(j, "session.resumed_on_reconnect")));
    assert_true(json_is_null(jpath(j, "extended_master_secret")));
    assert_true(json_is_null(jpath(j, "secure_renegotiation")));
    assert_string_equal(jpath_str(j, "ocsp.status"), "good");
    assert_true(json_is_true(jpath(j, "ocsp.stapled")));
    assert_true(json_is_null(jpath(j, "ocsp.revoked_at"))); /* not revoked: never shown */
    assert_true(json_is_false(jpath(j, "client_auth.requested")));
    assert_int_equal(json_array_size(jpath(j, "client_auth.ca_names")), 0);
    assert_true(json_is_null(jpath(j, "client_auth.cert_sent")));
    json_decref(j);
    report_free(r);
}

static void test_verify_chain_values(void **state)
{
    (void)state;
    struct report *r = full_report();
    json_t *j = render_parse(r, true);
    assert_true(json_is_false(jpath(j, "verify.ok")));
    assert_int_equal(json_array_size(jpath(j, "verify.errors")), 1);
    assert_int_equal(jpath_int(j, "verify.errors.0.depth"), 0);
    assert_int_equal(jpath_int(j, "verify.errors.0.code"), 10);
    assert_string_equal(jpath_str(j, "verify.errors.0.name"), "X509_V_ERR_CERT_HAS_EXPIRED");
    assert_string_equal(jpath_str(j, "verify.errors.0.fix"), "Renew the certificate.");
    assert_true(json_is_false(jpath(j, "verify.errors.0.ignored")));
    assert_true(json_is_true(jpath(j, "verify.hostname.match")));
    assert_string_equal(jpath_str(j, "verify.hostname.matched_name"), "DNS:localhost");
    assert_true(json_is_false(jpath(j, "verify.pins.checked")));
    assert_true(json_is_null(jpath(j, "verify.pins.match")));
    assert_true(json_is_null(jpath(j, "verify.pins.depth")));
    /* the raw ESC survives the round trip: JSON escapes, it does not sanitise */
    assert_string_equal(jpath_str(j, "chain.sent.0.subject"), EVIL_SUBJECT);
    assert_int_equal(jpath_int(j, "chain.sent.0.days_left"), -3);
    assert_string_equal(jpath_str(j, "chain.sent.0.key.curve"), "prime256v1");
    assert_int_equal(jpath_int(j, "chain.sent.0.key.bits"), 256);
    assert_true(json_is_null(jpath(j, "chain.sent.0.path_len")));
    assert_int_equal(jpath_int(j, "chain.sent.1.path_len"), 0);
    assert_true(json_is_true(jpath(j, "chain.sent.1.is_ca")));
    assert_string_equal(jpath_str(j, "chain.sent.0.san.1"), "IP:127.0.0.1");
    assert_true(json_is_null(jpath(j, "chain.sent.0.ca_issuers_url")));
    assert_true(json_is_true(jpath(j, "chain.sent.0.extensions.0.critical")));
    assert_string_equal(jpath_str(j, "chain.sent.0.extensions.0.value"), "CA:FALSE");
    assert_non_null(strstr(jpath_str(j, "chain.sent.0.pem"), "BEGIN CERTIFICATE"));
    assert_int_equal(json_array_size(jpath(j, "chain.verified")), 0);
    assert_int_equal(json_array_size(jpath(j, "chain.issues")), 2);
    assert_string_equal(jpath_str(j, "chain.issues.0"), "missing_intermediate");
    assert_string_equal(jpath_str(j, "chain.issues.1"), "root_included");
    json_decref(j);
    report_free(r);
}

/* Every sent certificate carries its role (and depth on the path); a cut chain says how many
 * certificates there really were; every chain issue is named. */
static void test_chain_roles_and_truncation(void **state)
{
    (void)state;
    struct report *r = full_report();
    r->sent[0].role = CHAIN_ROLE_LEAF;
    r->sent[0].path_depth = 0;
    r->sent[1].role = CHAIN_ROLE_UNRELATED;
    r->sent[1].path_depth = -1;
    r->n_sent_total = 101;
    r->chain_issues = CHAIN_TOO_LONG | CHAIN_DUPLICATE;
    json_t *j = render_parse(r, false);
    assert_string_equal(jpath_str(j, "chain.sent.0.role"), "leaf");
    assert_int_equal(jpath_int(j, "chain.sent.0.path_depth"), 0);
    assert_string_equal(jpath_str(j, "chain.sent.1.role"), "unrelated");
    assert_true(json_is_null(jpath(j, "chain.sent.1.path_depth")));
    assert_int_equal(jpath_int(j, "chain.sent_total"), 101);
    assert_int_equal(jpath_int(j, "chain.verified_total"), 0);
    assert_true(json_is_true(jpath(j, "chain.truncated")));
    assert_string_equal(jpath_str(j, "chain.issues.0"), "duplicate_certificate");
    assert_string_equal(jpath_str(j, "chain.issues.1"), "chain_too_long");
    json_decref(j);
    report_free(r);
    /* role names: one per value, stable */
    static const char *const names[CHAIN_ROLE_COUNT] = {
        "leaf", "intermediate", "root", "unrelated", "duplicate", "cross_signed"};
    for (int i = 0; i < CHAIN_ROLE_COUNT; i++)
        assert_string_equal(chain_role_name((enum chain_role)i), names[i]);
}

static void test_trace_offered_settings(void **state)
{
    (void)state;
    struct report *r = full_report();
    json_t *j = render_parse(r, true);
    assert_int_equal(json_array_size(jpath(j, "handshake")), 2);
    assert_int_equal(jpath_int(j, "handshake.0.t_us"), 412);
    assert_string_equal(jpath_str(j, "handshake.0.dir"), "sent");
    assert_string_equal(jpath_str(j, "handshake.0.record"), "handshake");
    assert_string_equal(jpath_str(j, "handshake.0.type"), "ClientHello");
    assert_int_equal(jpath_int(j, "handshake.0.length"), 517);
    assert_true(json_is_null(jpath(j, "handshake.0.alert")));
    assert_string_equal(jpath_str(j, "handshake.1.dir"), "received");
    assert_string_equal(jpath_str(j, "handshake.1.record"), "application_data");
    assert_string_equal(jpath_str(j, "handshake.1.content"), "alert");
    assert_true(json_is_null(jpath(j, "handshake.1.handshake_type")));
    assert_string_equal(jpath_str(j, "handshake.1.alert.level"), "fatal");
    assert_string_equal(jpath_str(j, "handshake.1.alert.description"), "handshake_failure");
    assert_int_equal(jpath_int(j, "handshake.1.alert.code"), 40);
    assert_null(json_object_get(jpath(j, "handshake.0"), "bytes")); /* bytes stay in the UI */
    assert_true(json_is_false(jpath(j, "handshake_truncated")));
    assert_string_equal(jpath_str(j, "offered.ciphers.0.openssl"), "TLS_AES_256_GCM_SHA384");
    assert_true(json_is_null(jpath(j, "offered.ciphers.1.openssl")));
    assert_int_equal(jpath_int(j, "offered.client_hello_length"), 517);
    assert_string_equal(jpath_str(j, "settings.min_protocol.value"), "TLSv1.2");
    assert_string_equal(jpath_str(j, "settings.min_protocol.source"), "option");
    assert_true(json_is_null(jpath(j, "settings.max_protocol.value")));
    assert_int_equal(jpath_int(j, "settings.security_level.value"), 2);
    assert_string_equal(jpath_str(j, "settings.weakened.0"), "session keys written to /tmp/k");
    assert_true(json_is_real(jpath(j, "timing.dns_ms")));
    assert_true(json_real_value(jpath(j, "timing.dns_ms")) == 1.5);
    assert_true(json_real_value(jpath(j, "timing.handshake_ms")) == 12.346);
    assert_true(json_is_null(jpath(j, "timing.reconnect_ms")));
    assert_int_equal(jpath_int(j, "bytes.received"), 4000);
    assert_int_equal(json_array_size(jpath(j, "findings")), 1);
    assert_string_equal(jpath_str(j, "findings.0.id"), "cert_expired");
    assert_string_equal(jpath_str(j, "findings.0.severity"), "critical");
    assert_string_equal(jpath_str(j, "findings.0.fix"), "Renew it.");
    json_decref(j);
    report_free(r);
}

/* No raw control byte but the layout's '\n'; pretty has 2-space indent, compact one line. */
static void test_layout_and_no_raw_controls(void **state)
{
    (void)state;
    struct report *r = full_report();
    for (int pretty = 0; pretty <= 1; pretty++) {
        char *doc = json_render_report(r, pretty);
        size_t n = strlen(doc), newlines = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)doc[i];
            if (c < 0x20 && c != '\n')
                fail_msg("raw byte 0x%02X at offset %zu (pretty=%d)", c, i, pretty);
            newlines += c == '\n';
        }
        assert_true(n > 0 && doc[n - 1] == '\n');
        assert_non_null(strstr(doc, "\\u001B[31m"));
        if (pretty)
            assert_int_equal(strncmp(doc, "{\n  \"version\": 1,\n  \"tool\": {\n    \"name\"", 39),
                             0);
        else
            assert_int_equal(newlines, 1);
        free(doc);
    }
    report_free(r);
}

/* Code points jansson would leave raw but a terminal would act on come out as \uXXXX. */
static void test_terminal_unsafe_code_points(void **state)
{
    (void)state;
    static const struct {
        const char *raw, *escaped;
    } cases[] = {
        {"a\x7f"
         "b",
         "a\\u007Fb"},
        {"a\xc2\x9b"
         "31m",
         "a\\u009B31m"},
        {"x\xe2\x80\xae"
         "cod.exe",
         "x\\u202Ecod.exe"},
        {"l\xe2\x80\xa8"
         "s",
         "l\\u2028s"},
        {"i\xe2\x81\xa6"
         "z",
         "i\\u2066z"},
        {"caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac"}, /* ordinary UTF-8 stays */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct report *r = report_new();
        r->host = xstrdup(cases[i].raw);
        char *doc = json_render_report(r, false);
        char *want = xasprintf("\"host\":\"%s\"", cases[i].escaped);
        if (!strstr(doc, want))
            fail_msg("case %zu: %s not in %s", i, want, doc);
        json_t *j = json_loads(doc, 0, NULL);
        assert_non_null(j);
        assert_string_equal(jpath_str(j, "target.host"), cases[i].raw);
        json_decref(j);
        free(want);
        free(doc);
        report_free(r);
    }
}

/* A model string that is not UTF-8 (a bug elsewhere) is repaired, never dropped or fatal. */
static void test_invalid_utf8_repaired(void **state)
{
    (void)state;
    struct report *r = report_new();
    r->host = xstrdup("bad\xff\xfe");
    json_t *j = render_parse(r, false);
    assert_string_equal(jpath_str(j, "target.host"), "bad\\xFF\\xFE");
    json_decref(j);
    report_free(r);
}

/* An error-only report: every negotiated key present and null. */
static void test_error_only_nulls(void **state)
{
    (void)state;
    struct report *r = report_new();
    r->host = xstrdup("127.0.0.1");
    r->port = 1;
    r->reached = STAGE_TCP;
    report_set_error(r, STAGE_TCP, "Is the server running on that port?",
                     "connection refused by %s", "127.0.0.1:1");
    r->connect_ms = 0.2;
    r->total_ms = 0.3;
    json_t *j = render_parse(r, true);
    assert_true(json_is_false(jpath(j, "ok")));
    assert_string_equal(jpath_str(j, "error.stage"), "tcp");
    assert_string_equal(jpath_str(j, "error.message"), "connection refused by 127.0.0.1:1");
    assert_string_equal(jpath_str(j, "error.hint"), "Is the server running on that port?");
    assert_true(json_is_null(jpath(j, "error.during")));
    assert_int_equal(jpath_int(j, "exit_status"), 2);
    assert_string_equal(jpath_str(j, "reached"), "tcp");
    static const char *const nulls[] = {"started_at",
                                        "target.address",
                                        "target.sni",
                                        "protocol",
                                        "protocol_version",
                                        "cipher",
                                        "group",
                                        "peer_temp_key",
                                        "signature",
                                        "alpn",
                                        "ocsp",
                                        "extended_master_secret",
                                        "secure_renegotiation",
                                        "session.ticket_lifetime_hint",
                                        "session.resumed_on_reconnect",
                                        "client_auth.cert_sent",
                                        "verify.hostname.match",
                                        "verify.hostname.name",
                                        "verify.pins.depth",
                                        "settings.min_protocol.value",
                                        "settings.min_protocol.source",
                                        "settings.security_level.value",
                                        "settings.trust",
                                        "timing.dns_ms",
                                        "timing.handshake_ms"};
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
        if (!json_is_null(jpath(j, nulls[i])))
            fail_msg("'%s' is not null", nulls[i]);
    static const char *const empty[] = {"server_extensions", "verify.errors",     "chain.sent",
                                        "chain.verified",    "chain.issues",      "handshake",
                                        "offered.versions",  "settings.weakened", "findings"};
    for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
        if (json_array_size(jpath(j, empty[i])) != 0 || !json_is_array(jpath(j, empty[i])))
            fail_msg("'%s' is not an empty array", empty[i]);
    assert_true(json_real_value(jpath(j, "timing.total_ms")) == 0.3);
    json_decref(j);
    report_free(r);
}

static void test_timeout_during(void **state)
{
    (void)state;
    struct report *r = report_new();
    r->reached = STAGE_TLS;
    report_set_error(r, STAGE_TIMEOUT, NULL, "no answer within %d s", 5);
    json_t *j = render_parse(r, false);
    assert_string_equal(jpath_str(j, "error.stage"), "timeout");
    assert_string_equal(jpath_str(j, "error.during"), "tls");
    assert_true(json_is_null(jpath(j, "error.hint")));
    json_decref(j);
    report_free(r);
}

/* The ocsp object in each state the model can be in. */
static void test_ocsp_states(void **state)
{
    (void)state;
    static const struct {
        bool requested, stapled;
        const char *status;
        bool want_null, want_revoked_at;
    } cases[] = {
        {false, false, NULL, true, false},
        {true, false, NULL, false, false},
        {true, true, "good", false, false},
        {true, true, "revoked", false, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct report *r = report_new();
        r->ocsp_requested = cases[i].requested;
        r->ocsp_stapled = cases[i].stapled;
        r->ocsp_status = xstrdup(cases[i].status);
        snprintf(r->ocsp_revoked_at, sizeof(r->ocsp_revoked_at), "2026-11-01T00:00:00Z");
        json_t *j = render_parse(r, false);
        json_t *o = jpath(j, "ocsp");
        assert_int_equal(json_is_null(o), cases[i].want_null);
        if (!cases[i].want_null) {
            assert_true(json_is_true(jpath(o, "requested")));
            assert_int_equal(json_is_true(jpath(o, "stapled")), cases[i].stapled);
            assert_int_equal(json_is_string(jpath(o, "status")), cases[i].status != NULL);
            assert_int_equal(json_is_string(jpath(o, "revoked_at")), cases[i].want_revoked_at);
            assert_true(json_is_null(jpath(o, "this_update")));
            assert_true(json_is_null(jpath(o, "problem")));
        }
        json_decref(j);
        report_free(r);
    }
}

/* Tristates: null for TRI_NA, else a boolean. */
static void test_tristates(void **state)
{
    (void)state;
    static const enum tristate vals[] = {TRI_NA, TRI_NO, TRI_YES};
    for (size_t i = 0; i < 3; i++) {
        struct report *r = report_new();
        r->extended_master_secret = vals[i];
        r->secure_renegotiation = vals[i];
        r->resumed_on_reconnect = vals[i];
        json_t *j = render_parse(r, false);
        static const char *const keys[] = {"extended_master_secret", "secure_renegotiation",
                                           "session.resumed_on_reconnect"};
        for (size_t k = 0; k < 3; k++) {
            json_t *v = jpath(j, keys[k]);
            if (vals[i] == TRI_NA)
                assert_true(json_is_null(v));
            else
                assert_int_equal(json_is_true(v), vals[i] == TRI_YES);
            assert_true(json_is_null(v) || json_is_boolean(v));
        }
        json_decref(j);
        report_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_level_order),
        cmocka_unit_test(test_addresses_and_hello),
        cmocka_unit_test(test_chain_roles_and_truncation),
        cmocka_unit_test(test_negotiated_values),
        cmocka_unit_test(test_verify_chain_values),
        cmocka_unit_test(test_trace_offered_settings),
        cmocka_unit_test(test_layout_and_no_raw_controls),
        cmocka_unit_test(test_terminal_unsafe_code_points),
        cmocka_unit_test(test_invalid_utf8_repaired),
        cmocka_unit_test(test_error_only_nulls),
        cmocka_unit_test(test_timeout_during),
        cmocka_unit_test(test_ocsp_states),
        cmocka_unit_test(test_tristates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
