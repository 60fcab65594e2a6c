/* The raw-hello test helpers of rawhello.h: offers, bounded probes, the answer corpus,
 * s_server and the s_client comparison. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rawhello.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"
#include "wire/record.h"

/* A TLS 1.3-only offer like s_client -tls1_3 makes: suites, groups and one share as given. */
struct wire_ch_spec rawhello_offer13(const uint16_t *suites, size_t n_suites,
                                     const uint16_t *groups, size_t n_groups,
                                     const struct wire_key_share *share)
{
    return (struct wire_ch_spec){
        .random = client_random,
        .session_id = session_id,
        .session_id_len = sizeof session_id,
        .ciphers = suites,
        .n_ciphers = n_suites,
        .versions = v13,
        .n_versions = NELEM(v13),
        .groups = groups,
        .n_groups = n_groups,
        .shares = share,
        .n_shares = share ? 1 : 0,
        .sigalgs = sigalgs,
        .n_sigalgs = NELEM(sigalgs),
        .psk_modes = true,
        .extended_master_secret = true,
    };
}

/* A TLS 1.2 offer without supported_versions, the extensions a TLS 1.2 client sends. */
struct wire_ch_spec rawhello_offer12(const uint16_t *suites, size_t n_suites)
{
    return (struct wire_ch_spec){
        .random = client_random,
        .ciphers = suites,
        .n_ciphers = n_suites,
        .groups = g_x25519_p256,
        .n_groups = NELEM(g_x25519_p256),
        .ec_point_formats = true,
        .sigalgs = sigalgs,
        .n_sigalgs = NELEM(sigalgs),
        .renegotiation_info = true,
        .extended_master_secret = true,
        .session_ticket = true,
    };
}

/* ---- running probes ---------------------------------------------------------------------- */

/* Runs c to its end, failing the test when it takes more than limit_s or an absurd number of
 * steps (a step must wait for something). */
struct report *rawhello_run(struct conn *c, double limit_s, int *steps_out)
{
    struct conn_poll p;
    int64_t end = mono_us() + (int64_t)(limit_s * 1e6);
    int steps = 0;
    for (bool first = true; conn_step(c, first ? NULL : &p); first = false) {
        if (++steps > 10000 || mono_us() > end) {
            conn_cancel(c);
            fail_msg("the probe did not end: %d steps, %.1f s", steps, limit_s);
        }
        conn_want(c, &p);
        conn_poll_wait(&p, 100000);
    }
    if (steps_out)
        *steps_out = steps;
    return conn_take_report(c);
}

struct report *rawhello_probe_host(struct engine *eng, const char *host, uint16_t port,
                                   enum addr_family family, double timeout_s,
                                   const struct wire_ch_spec *spec)
{
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup(host);
    cfg.port = port;
    cfg.family = family;
    cfg.timeout_s = timeout_s;
    struct conn *c;
    char err[256];
    if (conn_new_hello(eng, &cfg, spec, &c, err, sizeof err) < 0)
        fail_msg("conn_new_hello: %s", err);
    config_free(&cfg);
    struct report *r = rawhello_run(c, timeout_s + 3, NULL);
    conn_free(c);
    return r;
}

struct report *rawhello_probe(struct engine *eng, uint16_t port, const struct wire_ch_spec *spec)
{
    return rawhello_probe_host(eng, "127.0.0.1", port, FAMILY_ANY, 5, spec);
}

/* Writes bytes to $TLSCOPE_RAW_CORPUS/name after a control byte for fuzz_record (limit 2^16,
 * pieces of 1 to 29 bytes). */
void rawhello_corpus_write(const char *name, const uint8_t *bytes, size_t n)
{
    const char *dir = getenv("TLSCOPE_RAW_CORPUS");
    if (!dir || !*dir || n == 0)
        return;
    uint8_t *buf = xmalloc(n + 1);
    buf[0] = 7 << 2 | 3;
    memcpy(buf + 1, bytes, n);
    char path[512], err[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (file_write_atomic(path, buf, n + 1, 0644, true, err, sizeof err) < 0)
        print_message("# corpus: %s\n", err);
    free(buf);
}

/* corpus_write of the messages r received, each in a record of its own. */
void rawhello_corpus_save(const char *name, const struct report *r)
{
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->dir != DIR_RECEIVED || ev->truncated || ev->content_type == 0)
            continue;
        xgrow((void **)&buf, &cap, n + 5 + ev->n_bytes, 1);
        uint8_t hdr[5] = {(uint8_t)ev->content_type, (uint8_t)(ev->version >> 8),
                          (uint8_t)ev->version, (uint8_t)(ev->n_bytes >> 8), (uint8_t)ev->n_bytes};
        memcpy(buf + n, hdr, 5);
        memcpy(buf + n + 5, ev->bytes, ev->n_bytes);
        n += 5 + ev->n_bytes;
    }
    rawhello_corpus_write(name, buf, n);
    free(buf);
}

void rawhello_expect_no_error(const struct report *r)
{
    if (r->error.stage != STAGE_NONE)
        fail_msg("error (%s): %s", stage_name(r->error.stage),
                 r->error.message ? r->error.message : "");
}

/* The first event in direction dir of that handshake type (-1: an alert), or NULL. */
const struct hs_event *rawhello_find_event(const struct report *r, enum event_dir dir, int hs_type)
{
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->dir != dir)
            continue;
        if (hs_type >= 0 ? ev->hs_type == hs_type : ev->content_type == WIRE_CT_ALERT)
            return ev;
    }
    return NULL;
}

/* ---- openssl s_client, for the same offer ------------------------------------------------ */

struct sclient {
    enum hello_outcome outcome; /* of its first answer: SH, HRR, alert, or closed */
    char version[32];           /* negotiated in the end: "TLSv1.2" (Protocol), or "" */
    char cipher[80];            /* OpenSSL's name, or "" */
    uint16_t temp_group;        /* "Server Temp Key", 0 when none */
    int alert;                  /* the alert it received, -1 none */
    char *text;                 /* stdout and stderr, for messages */
};

/* The bytes of the hex dump line that follows a -msg header line (line_end: its '\n'). */
static size_t msg_hex(const char *line_end, uint8_t *out, size_t max)
{
    if (!line_end || !*line_end)
        return 0;
    const char *p = line_end + 1;
    size_t n = 0;
    while (n < max) {
        while (*p == ' ')
            p++;
        char *end;
        unsigned long v = strtoul(p, &end, 16);
        if (end != p + 2 || v > 0xff)
            break;
        out[n++] = (uint8_t)v;
        p = end;
    }
    return n;
}

static void sclient_parse(struct sclient *s)
{
    s->outcome = HELLO_CLOSED;
    s->alert = -1;
    bool answered = false;
    char protocol[32] = "";
    for (const char *line = s->text; line && *line;) {
        const char *eol = strchr(line, '\n');
        char buf[256];
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len >= sizeof buf)
            len = sizeof buf - 1;
        memcpy(buf, line, len);
        buf[len] = 0;
        uint8_t b[16];
        if (!strncmp(buf, "<<< ", 4) && strstr(buf, "], ServerHello") && !answered) {
            size_t n = msg_hex(eol, b, sizeof b);
            answered = true;
            s->outcome =
                n >= 16 && !memcmp(b + 6, wire_hrr_random, 10) ? HELLO_RETRY : HELLO_SERVER_HELLO;
        } else if (!strncmp(buf, "<<< ", 4) && strstr(buf, ", Alert [")) {
            if (msg_hex(eol, b, 2) == 2 && s->alert < 0) {
                s->alert = b[1];
                if (!answered)
                    s->outcome = HELLO_ALERT;
                answered = true;
            }
        } else if (!strncmp(buf, "New, ", 5)) {
            /* "New, <the version that defined the suite>, Cipher is <suite>" */
            char v[32], c[80];
            if (sscanf(buf, "New, %31[^,], Cipher is %79s", v, c) == 2 && strcmp(v, "(NONE)")) {
                snprintf(s->version, sizeof s->version, "%s", v);
                snprintf(s->cipher, sizeof s->cipher, "%s", c);
            }
        } else if (!strncmp(buf, "    Protocol  : ", 16)) {
            snprintf(protocol, sizeof protocol, "%.31s", buf + 16); /* the session's version */
        } else if (!strncmp(buf, "Server Temp Key: ", 17)) {
            /* "X25519, 253 bits", "ECDH, secp521r1, 521 bits", "DH, 2048 bits" */
            char a[32], b2[32];
            int k = sscanf(buf + 17, "%31[^,], %31[^,]", a, b2);
            const char *name = k == 2 && !strcmp(a, "ECDH") ? b2 : a;
            if (k == 2 && !strcmp(a, "DH"))
                snprintf(a, sizeof a, "ffdhe%d", atoi(b2)), name = a;
            if (wire_group_from_name(name, &s->temp_group) != 0)
                s->temp_group = 0xffff;
        } else if (s->alert < 0 && strstr(buf, "SSL alert number ")) {
            s->alert = atoi(strstr(buf, "SSL alert number ") + 17);
            if (!answered)
                s->outcome = HELLO_ALERT;
        }
        line = eol ? eol + 1 : NULL;
    }
    if (s->cipher[0] && protocol[0]) /* TLS 1.3 prints no session block */
        snprintf(s->version, sizeof s->version, "%s", protocol);
}

/* "TLSv1" / "TLSv1.0" ... "TLSv1.3" → 0x0301 ... 0x0304; 0 otherwise. */
static uint16_t version_code(const char *v)
{
    if (!strcmp(v, "TLSv1") || !strcmp(v, "TLSv1.0"))
        return 0x0301;
    if (!strncmp(v, "TLSv1.", 6) && v[6] >= '1' && v[6] <= '3' && !v[7])
        return (uint16_t)(0x0301 + (v[6] - '0'));
    return 0;
}

/* Runs `openssl s_client -connect 127.0.0.1:port -msg <extra>` (and -noservername unless extra
 * names one) with an empty stdin (it ends after the handshake), bounded to 10 s. */
static void sclient_run(uint16_t port, const char *const *extra, struct sclient *s)
{
    memset(s, 0, sizeof(*s));
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)port);
    const char *argv[24] = {"openssl", "s_client", "-connect", target, "-msg"};
    size_t n = 5;
    bool sni = false;
    for (size_t i = 0; extra && extra[i] && n < NELEM(argv) - 2; i++) {
        argv[n++] = extra[i];
        sni |= !strcmp(extra[i], "-servername");
    }
    if (!sni)
        argv[n++] = "-noservername";
    argv[n] = NULL;
    char *out = NULL, *err = NULL;
    int st = harness_run(argv, "", 10, &out, &err);
    size_t lo = out ? strlen(out) : 0, le = err ? strlen(err) : 0;
    s->text = xmalloc(lo + le + 2);
    snprintf(s->text, lo + le + 2, "%s\n%s", out ? out : "", err ? err : "");
    free(out);
    free(err);
    if (st == -1)
        fail_msg("s_client did not end in 10 s:\n%s", s->text);
    sclient_parse(s);
}

/* The driver's answer equals s_client's for the same offer. */
static void same_as_sclient(const struct report *r, const struct sclient *s)
{
    const struct hello_result *h = &r->hello;
    if (getenv("HARNESS_VERBOSE"))
        print_message(
            "# raw: %s 0x%04x 0x%04x 0x%04x alert %d | s_client: %s %s %s 0x%04x alert %d\n",
            hello_outcome_name(h->outcome), h->version, h->cipher, h->group,
            h->outcome == HELLO_ALERT ? h->alert_desc : -1, hello_outcome_name(s->outcome),
            s->version, s->cipher, s->temp_group, s->alert);
    if (h->outcome != s->outcome)
        fail_msg("raw hello: %s, s_client: %s\n%s", hello_outcome_name(h->outcome),
                 hello_outcome_name(s->outcome), s->text);
    char buf[WIRE_NAME_BUF];
    switch (h->outcome) {
    case HELLO_SERVER_HELLO:
        assert_int_equal(h->version, version_code(s->version));
        assert_string_equal(OPENSSL_cipher_name(wire_cipher_name(h->cipher, buf, sizeof buf)),
                            s->cipher);
        if (h->version == WIRE_TLS1_3)
            assert_int_equal(h->group, s->temp_group);
        break;
    case HELLO_RETRY: /* s_client went on with the group the HRR asked for */
        assert_int_equal(h->group, s->temp_group);
        assert_string_equal(s->version, "TLSv1.3");
        assert_string_equal(OPENSSL_cipher_name(wire_cipher_name(h->cipher, buf, sizeof buf)),
                            s->cipher);
        break;
    case HELLO_ALERT: assert_int_equal(h->alert_desc, s->alert); break;
    default: break;
    }
}

static void sclient_free(struct sclient *s)
{
    free(s->text);
    s->text = NULL;
}

void rawhello_same_as_sclient(const struct report *r, uint16_t port, const char *const *extra)
{
    struct sclient s;
    sclient_run(port, extra, &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
}

void rawhello_s_server(struct peer *p, const char *const *extra)
{
    const char *args[16] = {"-cert", "@leaf.crt", "-key", "@leaf.key"};
    size_t n = 4;
    for (size_t i = 0; extra && extra[i] && n < NELEM(args) - 1; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    assert_int_equal(peer_s_server(p, false, args), 0);
}

bool rawhello_in_list(uint16_t v, const uint16_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}
