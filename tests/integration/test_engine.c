/* The engine against real TLS peers on loopback: openssl s_server with the lab PKI, a tarpit,
 * a plain-text server and a refused port. Each case asserts the facts in the report. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* Runs one connection to 127.0.0.1:port (or [::1]) trusting the lab root. */
static struct report *connect_to(uint16_t port, const char *host,
                                 void (*tweak)(struct tls_config *))
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup(host ? host : "127.0.0.1");
    c.port = port;
    c.timeout_s = 5;
    c.ca_file = harness_path("root.crt");
    if (tweak)
        tweak(&c);
    struct report *r = engine_connect(&c);
    config_free(&c);
    return r;
}

static bool has_error(const struct report *r, const char *name)
{
    for (size_t i = 0; i < r->n_verify_errors; i++)
        if (!strcmp(r->verify_errors[i].name, name))
            return true;
    return false;
}

static bool has_finding(const struct report *r, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].id, id))
            return true;
    return false;
}

static const struct hs_event *find_event(const struct report *r, enum event_dir dir,
                                         const char *name, int connection)
{
    for (size_t i = 0; i < r->n_events; i++)
        if (r->events[i].dir == dir && r->events[i].name && !strcmp(r->events[i].name, name) &&
            r->events[i].connection == connection)
            return &r->events[i];
    return NULL;
}

#define SERVER(...) ((const char *const[]){__VA_ARGS__, NULL})
#define GOOD_CHAIN  "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"

static void start(struct peer *p, const char *const *args)
{
    if (peer_s_server(p, false, args) != 0)
        fail_msg("could not start openssl s_server");
}

/* ---- good servers -------------------------------------------------------------------- */

static void test_good_tls13(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_int_equal(r->error.stage, STAGE_NONE);
    assert_true(r->verify_ok);
    assert_int_equal(report_exit_status(r), 0);
    assert_string_equal(r->protocol, "TLSv1.3");
    assert_string_equal(r->address, "127.0.0.1");
    assert_null(r->sni); /* an IP literal gets no SNI */
    assert_non_null(r->cipher_iana);
    assert_string_equal(r->cipher_iana, r->cipher_name); /* TLS 1.3 names are IANA names */
    assert_int_equal(r->cipher_id >> 8, 0x13);
    assert_non_null(r->group);
    assert_string_equal(r->sig_type, "RSASSA-PSS");
    assert_string_equal(r->sig_scheme, "rsa_pss_rsae_sha256");
    assert_int_equal(r->n_sent, 2);
    assert_int_equal(r->n_verified, 3);
    assert_string_equal(r->sent[0].subject_cn, "localhost");
    assert_string_equal(r->verified[2].subject_cn, "TLS Lab Root CA");
    assert_int_equal(r->chain_issues, 0);
    assert_true(r->hostname_checked);
    assert_true(r->hostname_match);
    assert_string_equal(r->hostname_matched, "IP:127.0.0.1");
    assert_int_equal(r->extended_master_secret, TRI_NA);
    /* the ladder: ClientHello first, then the server's flight, our Finished */
    assert_true(r->n_events >= 6);
    assert_string_equal(r->events[0].name, "ClientHello");
    assert_int_equal(r->events[0].dir, DIR_SENT);
    assert_non_null(find_event(r, DIR_RECEIVED, "ServerHello", 1));
    assert_non_null(find_event(r, DIR_RECEIVED, "EncryptedExtensions", 1));
    assert_non_null(find_event(r, DIR_RECEIVED, "Certificate", 1));
    assert_non_null(find_event(r, DIR_RECEIVED, "CertificateVerify", 1));
    assert_non_null(find_event(r, DIR_SENT, "Finished", 1));
    const struct hs_event *ee = find_event(r, DIR_RECEIVED, "EncryptedExtensions", 1);
    assert_int_equal(ee->record_type, 23); /* encrypted under TLS 1.3 */
    for (size_t i = 1; i < r->n_events; i++)
        assert_true(r->events[i].t_us >= r->events[i - 1].t_us);
    /* TLS 1.3 tickets arrive after the handshake; s_server sends two */
    assert_int_equal(r->tickets, 2);
    /* what we offered, decoded from our own ClientHello */
    assert_true(strlist_contains(&r->offered.versions, "TLSv1.3"));
    assert_true(strlist_contains(&r->offered.ciphers, "TLS_AES_256_GCM_SHA384"));
    assert_int_equal(r->offered.ciphers.len, r->offered.ciphers_openssl.len);
    assert_true(r->offered.groups.len > 0);
    assert_true(r->offered.sigalgs.len > 0);
    assert_true(r->offered.client_hello_len > 100);
    assert_true(strlist_contains(&r->server_extensions, "supported_versions"));
    assert_true(strlist_contains(&r->server_extensions, "key_share"));
    /* timing */
    assert_true(r->connect_ms >= 0 && r->handshake_ms > 0 && r->total_ms >= r->handshake_ms);
    assert_true(r->bytes_sent > 0 && r->bytes_received > 1000);
    /* settings in effect */
    assert_string_equal(r->effective.min_proto_source, "system");
    assert_true(r->effective.verify);
    assert_int_equal(r->effective.weakened.len, 0);
    assert_int_equal(r->n_findings, 0);
    report_free(r);
}

static void tls12(struct tls_config *c)
{
    c->max_proto = PROTO_TLS1_2;
}

static void test_good_tls12(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN, "-no_tls1_3"));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_string_equal(r->protocol, "TLSv1.2");
    assert_string_equal(r->cipher_kx, "ECDHE");
    assert_string_equal(r->cipher_auth, "RSA");
    assert_string_equal(r->cipher_iana, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assert_string_equal(r->cipher_name, "ECDHE-RSA-AES256-GCM-SHA384");
    assert_int_equal(r->extended_master_secret, TRI_YES);
    assert_int_equal(r->secure_renegotiation, TRI_YES);
    assert_non_null(find_event(r, DIR_RECEIVED, "ServerKeyExchange", 1));
    assert_non_null(find_event(r, DIR_RECEIVED, "ServerHelloDone", 1));
    assert_non_null(find_event(r, DIR_SENT, "ClientKeyExchange", 1));
    report_free(r);

    /* the same from our side: --max-proto tls1.2 against a TLS 1.3 server */
    start(&p, SERVER(GOOD_CHAIN));
    r = connect_to(p.port, NULL, tls12);
    peer_stop(&p);
    assert_true(r->ok);
    assert_string_equal(r->protocol, "TLSv1.2");
    assert_string_equal(r->effective.max_proto, "TLSv1.2");
    assert_string_equal(r->effective.max_proto_source, "option");
    assert_false(strlist_contains(&r->offered.versions, "TLSv1.3"));
    report_free(r);
}

static void test_ecdsa(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER("-cert", "@leaf_ec.crt", "-key", "@leaf_ec.key", "-cert_chain", "@inter.crt"));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_string_equal(r->sent[0].key_type, "EC");
    assert_string_equal(r->sent[0].key_curve, "prime256v1");
    assert_int_equal(r->sent[0].key_bits, 256);
    assert_string_equal(r->sig_scheme, "ecdsa_secp256r1_sha256");
    report_free(r);
}

static void localhost_name(struct tls_config *c)
{
    free(c->host);
    c->host = xstrdup("localhost");
}

static void test_localhost_name_and_sni(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN));
    struct report *r = connect_to(p.port, NULL, localhost_name);
    peer_stop(&p);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_string_equal(r->sni, "localhost");
    assert_string_equal(r->hostname, "localhost");
    assert_string_equal(r->hostname_matched, "localhost");
    assert_true(r->dns_ms >= 0);
    assert_true(strlist_contains(&r->offered.extensions, "server_name"));
    report_free(r);
}

static void test_ipv6(void **state)
{
    (void)state;
    struct peer p;
    if (peer_s_server(&p, true, SERVER(GOOD_CHAIN)) != 0) {
        skip(); /* no IPv6 loopback on this machine */
        return;
    }
    struct tls_config c;
    config_init(&c);
    assert_int_equal(target_parse("[::1]:1", &c, NULL, 0), 0);
    c.port = p.port;
    c.ca_file = harness_path("root.crt");
    struct report *r = engine_connect(&c);
    peer_stop(&p);
    assert_true(r->ok);
    assert_string_equal(r->address, "::1");
    assert_true(r->verify_ok); /* SAN IP:::1 */
    assert_string_equal(r->hostname_matched, "IP:::1");
    report_free(r);
    config_free(&c);
}

/* ---- broken certificates ------------------------------------------------------------------ */

static void test_expired(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER("-cert", "@expired.crt", "-key", "@expired.key", "-cert_chain", "@inter.crt"));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_false(r->verify_ok);
    assert_int_equal(report_exit_status(r), 1);
    assert_true(has_error(r, "X509_V_ERR_CERT_HAS_EXPIRED"));
    const struct verify_error *e = &r->verify_errors[0];
    assert_int_equal(e->depth, 0);
    assert_non_null(e->explanation);
    assert_non_null(strstr(e->explanation, "expired"));
    assert_non_null(e->fix);
    assert_true(r->sent[0].days_left < 0);
    assert_true(has_finding(r, "cert_expired"));
    report_free(r);
}

static void ignore_expired(struct tls_config *c)
{
    strlist_push(&c->ignore_errors, "X509_V_ERR_CERT_HAS_EXPIRED");
}

static void test_ignore_error(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER("-cert", "@expired.crt", "-key", "@expired.key", "-cert_chain", "@inter.crt"));
    struct report *r = connect_to(p.port, NULL, ignore_expired);
    peer_stop(&p);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_int_equal(report_exit_status(r), 0);
    assert_true(r->verify_errors[0].ignored);
    assert_true(r->effective.weakened.len >= 1);
    report_free(r);
}

static void test_self_signed(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER("-cert", "@selfsigned.crt", "-key", "@selfsigned.key"));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_false(r->verify_ok);
    assert_true(has_error(r, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT"));
    assert_true(r->sent[0].self_signed);
    assert_true(has_finding(r, "self_signed"));
    report_free(r);
}

static void test_wrong_host(void **state)
{
    (void)state;
    struct peer p;
    start(&p,
          SERVER("-cert", "@wronghost.crt", "-key", "@wronghost.key", "-cert_chain", "@inter.crt"));
    struct report *r = connect_to(p.port, NULL, localhost_name);
    peer_stop(&p);
    assert_true(r->ok);
    assert_false(r->verify_ok);
    assert_true(has_error(r, "X509_V_ERR_HOSTNAME_MISMATCH"));
    assert_true(r->hostname_checked);
    assert_false(r->hostname_match);
    assert_null(r->hostname_matched);
    assert_true(has_finding(r, "hostname_mismatch"));
    report_free(r);
}

static void test_missing_intermediate(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER("-cert", "@leaf.crt", "-key", "@leaf.key"));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_false(r->verify_ok);
    assert_int_equal(r->n_sent, 1);
    assert_true(has_error(r, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"));
    assert_true(r->chain_issues & CHAIN_MISSING_INTERMEDIATE);
    assert_true(has_finding(r, "incomplete_chain"));
    report_free(r);
}

static void test_untrusted_root(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER("-cert", "@leaf2.crt", "-key", "@leaf2.key", "-cert_chain", "@inter2.crt"));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_false(r->verify_ok);
    assert_int_equal(r->n_sent, 2);
    assert_false(r->chain_issues & CHAIN_MISSING_INTERMEDIATE);
    assert_true(has_finding(r, "untrusted_root"));
    report_free(r);
}

static void test_root_included(void **state)
{
    (void)state;
    struct peer p;
    start(&p,
          SERVER("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@chain_with_root.pem"));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_int_equal(r->n_sent, 3);
    assert_true(r->chain_issues & CHAIN_ROOT_INCLUDED);
    report_free(r);
}

static void test_wrong_order_and_extra(void **state)
{
    (void)state;
    struct peer p;
    /* the server sends leaf, an unrelated intermediate, then the leaf's issuer */
    start(&p, SERVER("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain",
                     "@wrongorder_extra.pem"));
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_true(r->ok);
    assert_true(r->verify_ok); /* clients reorder, but not all of them */
    assert_int_equal(r->n_sent, 3);
    assert_true(r->chain_issues & CHAIN_WRONG_ORDER);
    assert_true(r->chain_issues & CHAIN_EXTRA_CERTIFICATE);
    assert_false(r->chain_issues & CHAIN_MISSING_INTERMEDIATE);
    assert_true(has_finding(r, "chain_order"));
    report_free(r);
}

/* ---- negotiation ------------------------------------------------------------------------- */

static void alpn_h2(struct tls_config *c)
{
    strlist_split(&c->alpn, "h2,http/1.1", ",");
}

static void test_alpn(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN, "-alpn", "h2,http/1.1"));
    struct report *r = connect_to(p.port, NULL, alpn_h2);
    peer_stop(&p);
    assert_true(r->ok);
    assert_string_equal(r->alpn, "h2");
    assert_int_equal(r->offered.alpn.len, 2);
    assert_string_equal(r->offered.alpn.items[1], "http/1.1");
    assert_true(strlist_contains(&r->server_extensions, "alpn"));
    report_free(r);
}

static void test_protocol_too_new(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN, "-tls1_3"));
    struct report *r = connect_to(p.port, NULL, tls12);
    peer_stop(&p);
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_int_equal(report_exit_status(r), 2);
    assert_non_null(strstr(r->error.message, "no shared protocol version"));
    assert_non_null(find_event(r, DIR_RECEIVED, "Alert", 1));
    report_free(r);
}

static void legacy_client(struct tls_config *c)
{
    c->min_proto = PROTO_TLS1_0;
    c->sec_level = 0;
}

static void test_protocol_too_old(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN, "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"));
    struct report *r = connect_to(p.port, NULL, NULL);
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TLS);
    if (!strstr(r->error.message, "server wants TLS 1.0"))
        fail_msg("message: %s", r->error.message);
    assert_non_null(strstr(r->error.hint, "--sec-level 0"));
    report_free(r);
    /* following the hint works, and says what is wrong with it */
    r = connect_to(p.port, NULL, legacy_client);
    peer_stop(&p);
    assert_true(r->ok);
    assert_string_equal(r->protocol, "TLSv1");
    assert_int_equal(r->effective.sec_level, 0);
    assert_true(has_finding(r, "old_protocol"));
    assert_true(r->effective.weakened.len >= 2); /* sec level 0, TLS 1.0 allowed */
    report_free(r);
}

static void cipher_mismatch(struct tls_config *c)
{
    c->max_proto = PROTO_TLS1_2;
    c->ciphers = xstrdup("ECDHE-RSA-CHACHA20-POLY1305");
}

static void test_no_shared_cipher(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN, "-no_tls1_3", "-cipher", "AES128-SHA256"));
    struct report *r = connect_to(p.port, NULL, cipher_mismatch);
    peer_stop(&p);
    assert_false(r->ok);
    if (!strstr(r->error.message, "handshake_failure"))
        fail_msg("message: %s", r->error.message);
    assert_int_equal(r->offered.ciphers.len, 2); /* the suite and the renegotiation SCSV */
    report_free(r);
}

/* ---- client certificates ----------------------------------------------------------------- */

static void with_client_cert(struct tls_config *c)
{
    c->cert_file = harness_path("client.crt");
    c->key_file = harness_path("client.key");
}

static void test_client_cert_required(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN, "-Verify", "1", "-CAfile", "@client_ca.crt"));
    struct report *r = connect_to(p.port, NULL, NULL);
    assert_true(r->client_cert_requested);
    assert_true(r->client_ca_names.len >= 1);
    assert_non_null(strstr(r->client_ca_names.items[0], "TLS Lab Client CA"));
    assert_true(r->client_sigalgs.len > 0);
    /* TLS 1.3: the server's verdict comes after our Finished, as an alert */
    if (r->ok)
        fail_msg("handshake should fail without a client certificate");
    assert_non_null(strstr(r->error.message, "client certificate"));
    report_free(r);

    r = connect_to(p.port, NULL, with_client_cert);
    peer_stop(&p);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_true(r->client_cert_requested);
    assert_non_null(r->client_cert_sent);
    assert_non_null(strstr(r->client_cert_sent, "tlscope client"));
    report_free(r);
}

/* ---- OCSP, resumption, pins ---------------------------------------------------------------- */

static void want_ocsp(struct tls_config *c)
{
    c->ocsp = true;
}

static void test_ocsp_staple(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN, "-status_file", "@ocsp_good.der"));
    struct report *r = connect_to(p.port, NULL, want_ocsp);
    peer_stop(&p);
    assert_true(r->ok);
    assert_true(r->ocsp_requested);
    assert_true(r->ocsp_stapled);
    assert_string_equal(r->ocsp_status, "good");
    assert_true(r->ocsp_this_update[0] != '\0');
    assert_true(r->ocsp_next_update[0] != '\0');
    assert_non_null(r->ocsp_responder);
    if (r->ocsp_problem)
        fail_msg("ocsp problem: %s", r->ocsp_problem);
    report_free(r);

    start(&p, SERVER(GOOD_CHAIN));
    r = connect_to(p.port, NULL, want_ocsp);
    peer_stop(&p);
    assert_true(r->ok);
    assert_false(r->ocsp_stapled);
    assert_true(has_finding(r, "no_ocsp_staple"));
    report_free(r);
}

static void want_reconnect(struct tls_config *c)
{
    c->reconnect = true;
}

static void test_reconnect(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN));
    struct report *r = connect_to(p.port, NULL, want_reconnect);
    assert_true(r->ok);
    assert_int_equal(r->resumed_on_reconnect, TRI_YES);
    assert_true(r->reconnect_ms > 0);
    assert_non_null(find_event(r, DIR_SENT, "ClientHello", 2));
    assert_null(find_event(r, DIR_RECEIVED, "Certificate", 2)); /* resumed: no certificate */
    assert_true(r->ticket_lifetime_hint > 0);
    report_free(r);
    r = connect_to(p.port, NULL, NULL);
    assert_int_equal(r->resumed_on_reconnect, TRI_NA);
    report_free(r);
    peer_stop(&p);

    /* a server without tickets or a cache cannot resume */
    start(&p, SERVER(GOOD_CHAIN, "-no_ticket", "-no_cache"));
    r = connect_to(p.port, NULL, want_reconnect);
    peer_stop(&p);
    assert_true(r->ok);
    assert_int_equal(r->resumed_on_reconnect, TRI_NO);
    report_free(r);
}

static char *leaf_pin;

static void pin_leaf(struct tls_config *c)
{
    strlist_take(&c->pins, xasprintf("sha256//%s", leaf_pin));
}

static void pin_other(struct tls_config *c)
{
    strlist_push(&c->pins, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
}

static void test_pins(void **state)
{
    (void)state;
    struct peer p;
    start(&p, SERVER(GOOD_CHAIN));
    struct report *r = connect_to(p.port, NULL, NULL);
    assert_non_null(r->sent[0].spki_sha256);
    leaf_pin = xstrdup(r->sent[0].spki_sha256);
    report_free(r);

    r = connect_to(p.port, NULL, pin_leaf);
    assert_true(r->pins_checked);
    assert_true(r->pin_match);
    assert_int_equal(r->pin_depth, 0);
    assert_true(r->verify_ok);
    report_free(r);

    r = connect_to(p.port, NULL, pin_other);
    peer_stop(&p);
    assert_true(r->pins_checked);
    assert_false(r->pin_match);
    assert_false(r->verify_ok);
    assert_true(has_error(r, "TLSCOPE_PIN_MISMATCH"));
    report_free(r);
    free(leaf_pin);
}

/* ---- peers that are not TLS servers ------------------------------------------------------ */

static uint16_t closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    bind(fd, (struct sockaddr *)&a, sizeof(a));
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd); /* nothing listens there now */
    return ntohs(a.sin_port);
}

static void test_refused(void **state)
{
    (void)state;
    struct report *r = connect_to(closed_port(), NULL, NULL);
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TCP);
    assert_non_null(strstr(r->error.message, "refused"));
    assert_non_null(strstr(r->error.message, "127.0.0.1"));
    assert_int_equal(report_exit_status(r), 2);
    report_free(r);
}

static void short_timeout(struct tls_config *c)
{
    c->timeout_s = 1;
}

static void test_tarpit(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_tarpit(&p), 0);
    int64_t t0 = mono_ms();
    struct report *r = connect_to(p.port, NULL, short_timeout);
    int64_t took = mono_ms() - t0;
    peer_stop(&p);
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TIMEOUT);
    assert_int_equal(r->error.during, STAGE_TLS);
    assert_non_null(strstr(r->error.message, "timed out after 1 s"));
    assert_true(took >= 900 && took < 2500);
    /* the ClientHello was sent and is in the trace */
    assert_non_null(find_event(r, DIR_SENT, "ClientHello", 1));
    report_free(r);
}

static void test_plaintext_peer(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_plaintext(&p, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
                     0);
    struct report *r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TLS);
    if (!strstr(r->error.message, "server sent no TLS") || !strstr(r->error.message, "HTTP"))
        fail_msg("message: %s", r->error.message);
    assert_non_null(r->error.hint);
    report_free(r);

    assert_int_equal(peer_plaintext(&p, "220 mail.example ESMTP ready\r\n"), 0);
    r = connect_to(p.port, NULL, NULL);
    peer_stop(&p);
    assert_false(r->ok);
    assert_non_null(strstr(r->error.message, "SMTP"));
    assert_non_null(strstr(r->error.hint, "STARTTLS"));
    report_free(r);
}

static void test_cancel(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_tarpit(&p), 0);
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = p.port;
    struct conn *conn;
    char err[256];
    assert_int_equal(conn_new(NULL, &c, &conn, err, sizeof(err)), 0);
    int64_t t0 = mono_ms();
    struct conn_poll cp;
    bool first = true;
    while (conn_step(conn, first ? NULL : &cp) && mono_ms() - t0 < 200) {
        first = false;
        conn_want(conn, &cp);
        conn_poll_wait(&cp, 20000);
    }
    assert_int_equal(conn_stage(conn), STAGE_TLS);
    conn_cancel(conn);
    assert_false(conn_step(conn, NULL));
    struct report *r = conn_take_report(conn);
    conn_free(conn);
    peer_stop(&p);
    assert_int_equal(r->error.stage, STAGE_CANCELLED);
    assert_true(mono_ms() - t0 < 1000);
    report_free(r);
    config_free(&c);
}

static void test_bad_config(void **state)
{
    (void)state;
    struct tls_config c;
    char err[512];
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.ciphers = xstrdup("NOT-A-CIPHER");
    assert_int_equal(engine_check_config(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--ciphers"));
    free(c.ciphers);
    c.ciphers = NULL;
    c.groups = xstrdup("P-999");
    assert_int_equal(engine_check_config(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--groups"));
    free(c.groups);
    c.groups = NULL;
    strlist_push(&c.ignore_errors, "CERT_HAS_EXPRIED");
    assert_int_equal(engine_check_config(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "did you mean"));
    strlist_clear(&c.ignore_errors);
    c.cert_file = harness_path("client.crt");
    c.key_file = harness_path("client.key.enc");
    assert_int_equal(engine_check_config(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "encrypted"));
    setenv("TLSCOPE_TEST_PASS", "secret", 1);
    c.key_pass = xstrdup("env:TLSCOPE_TEST_PASS");
    if (engine_check_config(&c, err, sizeof(err)) != 0)
        fail_msg("encrypted key with the right passphrase: %s", err);
    setenv("TLSCOPE_TEST_PASS", "wrong", 1);
    assert_int_equal(engine_check_config(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "wrong passphrase"));
    config_free(&c);
}

/* inter + root: a server that also sends its root (harmless, wasteful). */
static void make_chain_with_root(void)
{
    char *path = harness_path("chain_with_root.pem");
    FILE *out = fopen(path, "w");
    const char *parts[] = {"inter.crt", "root.crt"};
    for (size_t i = 0; out && i < 2; i++) {
        char *p = harness_path(parts[i]);
        FILE *in = fopen(p, "r");
        char buf[4096];
        size_t n;
        while (in && (n = fread(buf, 1, sizeof(buf), in)) > 0)
            fwrite(buf, 1, n, out);
        if (in)
            fclose(in);
        free(p);
    }
    if (out)
        fclose(out);
    free(path);
}

int main(void)
{
    harness_dir(); /* generate the PKI once, before any test */
    make_chain_with_root();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_tls13),
        cmocka_unit_test(test_good_tls12),
        cmocka_unit_test(test_ecdsa),
        cmocka_unit_test(test_localhost_name_and_sni),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_ignore_error),
        cmocka_unit_test(test_self_signed),
        cmocka_unit_test(test_wrong_host),
        cmocka_unit_test(test_missing_intermediate),
        cmocka_unit_test(test_untrusted_root),
        cmocka_unit_test(test_root_included),
        cmocka_unit_test(test_wrong_order_and_extra),
        cmocka_unit_test(test_alpn),
        cmocka_unit_test(test_protocol_too_new),
        cmocka_unit_test(test_protocol_too_old),
        cmocka_unit_test(test_no_shared_cipher),
        cmocka_unit_test(test_client_cert_required),
        cmocka_unit_test(test_ocsp_staple),
        cmocka_unit_test(test_reconnect),
        cmocka_unit_test(test_pins),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_tarpit),
        cmocka_unit_test(test_plaintext_peer),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
