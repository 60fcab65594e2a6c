/* The demo lab against the real engine: lab_start returns before the servers are up and the
 * lab becomes ready through lab_fd / lab_step; every target shows what it promises, the client
 * certificate files get through, connections are bounded, a failed start says why, and no
 * server or file outlives lab_stop or its parent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "engine/engine.h"
#include "lab/lab.h"
#include "lib/harness.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* The lab shared by most tests, started once by the group setup. */
struct fixture {
    struct lab *lab;
    int64_t start_ms; /* how long lab_start took */
    int64_t ready_ms; /* from lab_start until ready */
};

/* A ready lab: lab_start, then lab_wait. */
static struct lab *start_lab(int64_t *start_ms, int64_t *ready_ms)
{
    char err[512];
    struct lab *l = NULL;
    int64_t t0 = mono_ms();
    if (lab_start(&l, err, sizeof err) != 0)
        fail_msg("lab_start: %s", err);
    if (start_ms)
        *start_ms = mono_ms() - t0;
    assert_non_null(l);
    if (lab_wait(l, err, sizeof err) != 0)
        fail_msg("lab_wait: %s", err);
    if (ready_ms)
        *ready_ms = mono_ms() - t0;
    return l;
}

static const struct lab_target *target(const struct lab *l, const char *name)
{
    for (size_t i = 0; i < lab_count(l); i++)
        if (!strcmp(lab_target_at(l, i)->name, name))
            return lab_target_at(l, i);
    fail_msg("no lab target %s", name);
    return NULL;
}

/* One engine connection to a lab target by name, trusting the lab root. */
static struct report *connect_target(const struct lab *l, const char *name, const char *host,
                                     void (*tweak)(struct tls_config *, const struct lab *))
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup(host ? host : "localhost");
    c.port = target(l, name)->port;
    c.timeout_s = 5;
    c.ca_file = xstrdup(lab_ca_file(l));
    c.starttls = xstrdup(target(l, name)->starttls); /* what the target needs (issue 12) */
    if (tweak)
        tweak(&c, l);
    struct report *r = engine_connect(&c);
    config_free(&c);
    assert_non_null(r);
    return r;
}

static bool has_error(const struct report *r, const char *name, int depth)
{
    for (size_t i = 0; i < r->n_verify_errors; i++)
        if (!strcmp(r->verify_errors[i].name, name) && r->verify_errors[i].depth == depth)
            return true;
    return false;
}

static bool tcp_connects(uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* Processes whose parent is pid, from /proc (zombies included: they are not reaped yet). */
static int count_children(pid_t pid)
{
    DIR *d = opendir("/proc");
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char path[300], buf[512];
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        const char *rp = strrchr(buf, ')'); /* "pid (comm) state ppid ..." */
        char state;
        int ppid;
        if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && ppid == pid)
            n++;
    }
    closedir(d);
    return n;
}

/* ---- the targets ----------------------------------------------------------------------------- */

static void test_targets_listed(void **state)
{
    struct fixture *fx = *state;
    static const char *const names[] = {
        "good",   "expired",     "self-signed", "wrong-host",    "missing-intermediate",
        "legacy", "client-cert", "wide-legacy", "smtp-starttls", "imap-starttls"};
    size_t n = sizeof names / sizeof names[0];
    assert_int_equal(lab_count(fx->lab), n);
    assert_null(lab_target_at(fx->lab, n));
    for (size_t i = 0; i < n; i++) {
        const struct lab_target *t = lab_target_at(fx->lab, i);
        assert_string_equal(t->name, names[i]);
        assert_true(strlen(t->title) > 0 && strlen(t->description) > 20);
        assert_true(!strcmp(t->expect, "verified") || !strcmp(t->expect, "not verified") ||
                    !strcmp(t->expect, "handshake fails"));
        assert_true(t->port > 0);
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(t->port, lab_target_at(fx->lab, j)->port);
    }
    print_message("lab_start took %lld ms, ready after %lld ms\n", (long long)fx->start_ms,
                  (long long)fx->ready_ms);
    assert_true(fx->ready_ms < 5000); /* ~30 ms with EC keys; RSA would show here */
}

/* lab_start returns before the servers are up (the PKI is made in the server process): the
 * lab is starting, the targets are listed without ports or files, lab_fd is what to poll; it
 * becomes ready only through lab_step, and then everything is there. */
static void test_start_does_not_wait(void **state)
{
    (void)state;
    char err[512];
    struct lab *l = NULL;
    assert_int_equal(lab_start(&l, err, sizeof err), 0);
    assert_int_equal(lab_state(l), LAB_STARTING);
    assert_false(lab_ready(l));
    assert_true(lab_fd(l) >= 0);
    assert_true(lab_timeout_ms(l) > 0);
    assert_int_equal(lab_count(l), 10);
    assert_string_equal(lab_target_at(l, 0)->name, "good");
    assert_int_equal(lab_target_at(l, 0)->port, 0);
    assert_null(lab_ca_file(l));
    assert_null(lab_client_key_file(l));
    assert_string_equal(lab_error(l), "");

    int64_t deadline = mono_ms() + 60000;
    int polls = 0;
    while (lab_step(l) == LAB_STARTING && mono_ms() < deadline) {
        struct pollfd pfd = {.fd = lab_fd(l), .events = POLLIN};
        int timeout = lab_timeout_ms(l);
        assert_true(timeout >= 0);
        poll(&pfd, 1, timeout < 1000 ? timeout : 1000);
        polls++;
    }
    if (!lab_ready(l))
        fail_msg("not ready after polling: %s", lab_error(l));
    print_message("ready after %d polls\n", polls);
    assert_int_equal(lab_fd(l), -1);
    assert_int_equal(lab_timeout_ms(l), -1);
    assert_int_equal(lab_step(l), LAB_READY); /* settled: nothing changes */
    for (size_t i = 0; i < lab_count(l); i++) {
        assert_true(lab_target_at(l, i)->port > 0);
        assert_true(tcp_connects(lab_target_at(l, i)->port));
    }
    assert_int_equal(access(lab_ca_file(l), R_OK), 0);
    assert_int_equal(access(lab_client_key_file(l), R_OK), 0);
    lab_stop(l);
}

static void test_files(void **state)
{
    struct fixture *fx = *state;
    struct stat st;
    const char *key = lab_client_key_file(fx->lab);
    assert_int_equal(stat(lab_ca_file(fx->lab), &st), 0);
    assert_true(st.st_size > 100);
    assert_int_equal(stat(lab_client_cert_file(fx->lab), &st), 0);
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *dir = xstrndup(key, (size_t)(strrchr(key, '/') - key));
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    free(dir);
    /* the root only: trusting it must not also trust the client CA */
    FILE *f = fopen(lab_ca_file(fx->lab), "r");
    assert_non_null(f);
    char buf[8192];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    const char *first = strstr(buf, "BEGIN CERTIFICATE");
    assert_non_null(first);
    assert_null(strstr(first + 1, "BEGIN CERTIFICATE"));
}

/* What a client with default settings sees at each target, and that it matches `expect`. */
static void test_outcomes(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *name;
        bool ok, verified;        /* verified is checked only when the handshake completes */
        const char *verify_error; /* at depth 0, or NULL */
        const char *message;      /* in the error message, or NULL */
    } rows[] = {
        {"good", true, true, NULL, NULL},
        {"expired", true, false, "X509_V_ERR_CERT_HAS_EXPIRED", NULL},
        {"self-signed", true, false, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT", NULL},
        {"wrong-host", true, false, "X509_V_ERR_HOSTNAME_MISMATCH", NULL},
        {"missing-intermediate", true, false, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", NULL},
        {"legacy", false, false, NULL, "server wants TLS 1.0"},
        {"client-cert", false, false, NULL, "client certificate"},
        {"wide-legacy", true, true, NULL, NULL},
        {"smtp-starttls", true, true, NULL, NULL}, /* with the target's --starttls */
        {"imap-starttls", true, true, NULL, NULL},
    };
    assert_int_equal(sizeof rows / sizeof rows[0], lab_count(fx->lab));
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct report *r = connect_target(fx->lab, rows[i].name, NULL, NULL);
        const char *expect = target(fx->lab, rows[i].name)->expect;
        print_message("%-22s %-16s %s\n", rows[i].name, expect,
                      r->error.message         ? r->error.message
                      : r->n_verify_errors > 0 ? r->verify_errors[0].name
                                               : "-");
        if (r->ok != rows[i].ok)
            fail_msg("%s: ok %d, error %s", rows[i].name, r->ok,
                     r->error.message ? r->error.message : "-");
        if (r->ok) /* a chain can verify in a handshake the server then refuses */
            assert_int_equal(r->verify_ok, rows[i].verified);
        if (rows[i].verify_error && !has_error(r, rows[i].verify_error, 0))
            fail_msg("%s: no %s at depth 0", rows[i].name, rows[i].verify_error);
        if (rows[i].message && !strstr(r->error.message, rows[i].message))
            fail_msg("%s: message '%s'", rows[i].name, r->error.message);
        const char *seen = !r->ok ? "handshake fails" : r->verify_ok ? "verified" : "not verified";
        assert_string_equal(seen, expect);
        report_free(r);
    }
}

static void ocsp_and_alpn(struct tls_config *c, const struct lab *l)
{
    (void)l;
    c->ocsp = true;
    strlist_push(&c->alpn, "http/1.1");
    strlist_push(&c->alpn, "h2");
}

static void only_http11_tls12(struct tls_config *c, const struct lab *l)
{
    (void)l;
    c->max_proto = PROTO_TLS1_2;
    strlist_push(&c->alpn, "http/1.1");
}

static void test_good(void **state)
{
    struct fixture *fx = *state;
    struct report *r = connect_target(fx->lab, "good", NULL, ocsp_and_alpn);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_string_equal(r->protocol, "TLSv1.3");
    assert_int_equal(r->n_sent, 2);
    assert_int_equal(r->n_verified, 3);
    assert_string_equal(r->sent[0].subject_cn, "localhost");
    assert_string_equal(r->sent[1].subject_cn, "TLS Lab Intermediate CA");
    assert_string_equal(r->verified[2].subject_cn, "TLS Lab Root CA");
    assert_string_equal(r->sent[0].key_type, "EC");
    assert_int_equal(r->chain_issues, 0);
    assert_true(r->hostname_match);
    assert_string_equal(r->alpn, "h2"); /* the server's preference, though we listed it second */
    assert_true(r->ocsp_stapled);
    assert_string_equal(r->ocsp_status, "good");
    if (r->ocsp_problem)
        fail_msg("ocsp problem: %s", r->ocsp_problem);
    assert_false(r->client_cert_requested);
    report_free(r);

    r = connect_target(fx->lab, "good", NULL, only_http11_tls12);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_string_equal(r->protocol, "TLSv1.2");
    assert_string_equal(r->alpn, "http/1.1");
    assert_false(r->ocsp_stapled); /* not asked for */
    report_free(r);
}

static void test_ipv6_localhost(void **state)
{
    struct fixture *fx = *state;
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                             .sin6_port = htons(target(fx->lab, "good")->port)};
    a.sin6_addr = in6addr_loopback;
    bool v6 = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    if (!v6)
        skip(); /* no IPv6 loopback here: the lab listens on 127.0.0.1 only */
    struct report *r = connect_target(fx->lab, "good", "::1", NULL);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_string_equal(r->address, "::1");
    report_free(r);
}

static void test_missing_intermediate(void **state)
{
    struct fixture *fx = *state;
    struct report *r = connect_target(fx->lab, "missing-intermediate", NULL, NULL);
    assert_true(r->ok);
    assert_int_equal(r->n_sent, 1);
    assert_true(r->chain_issues & CHAIN_MISSING_INTERMEDIATE);
    assert_true(r->hostname_match);    /* the only thing wrong is the chain */
    assert_int_equal(r->n_fetched, 0); /* nothing fetched unless asked */
    report_free(r);
}

static void with_aia(struct tls_config *c, const struct lab *l)
{
    (void)l;
    c->aia = true;
}

static void with_revocation(struct tls_config *c, const struct lab *l)
{
    (void)l;
    c->revocation = true;
}

/* The lab's certificate repository (issue 13): --aia on the missing intermediate fetches it
 * from the leaf's caIssuers URL and the chain verifies with it; --revocation on the good
 * target asks its OCSP responder and fetches its CRL, both "good". Offline, on loopback. */
static void test_repository(void **state)
{
    struct fixture *fx = *state;
    struct report *r = connect_target(fx->lab, "missing-intermediate", NULL, with_aia);
    assert_true(r->ok);
    assert_false(r->verify_ok); /* what a client that does not fetch sees */
    assert_int_equal(r->n_fetched, 1);
    assert_string_equal(r->fetched[0].outcome, "ok");
    assert_string_equal(r->fetched[0].subject, "CN=TLS Lab Intermediate CA,O=TLS Lab");
    assert_true(r->aia_verify_ok);
    report_free(r);
    r = connect_target(fx->lab, "good", NULL, with_revocation);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_int_equal(r->n_revocation, 2);
    for (size_t i = 0; i < 2; i++) {
        if (strcmp(r->revocation[i].status, "good") != 0)
            fail_msg("%s: %s (%s)", r->revocation[i].method, r->revocation[i].status,
                     r->revocation[i].problem ? r->revocation[i].problem : "");
        assert_int_equal(r->revocation[i].depth, 0);
    }
    assert_string_equal(r->revocation[0].method, "ocsp");
    assert_string_equal(r->revocation[1].method, "crl");
    report_free(r);
}

static void wide_dhe_client(struct tls_config *c, const struct lab *l)
{
    (void)l;
    c->min_proto = PROTO_TLS1_0;
    c->max_proto = PROTO_TLS1_0;
    c->sec_level = 0;
    c->ciphers = xstrdup("DHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA");
}

static void legacy_client(struct tls_config *c, const struct lab *l)
{
    (void)l;
    c->min_proto = PROTO_TLS1_0;
    c->sec_level = 0;
}

/* The hint of the failure works: the server is otherwise fine. */
static void test_legacy_hint(void **state)
{
    struct fixture *fx = *state;
    struct report *r = connect_target(fx->lab, "legacy", NULL, NULL);
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_non_null(r->error.hint);
    assert_non_null(strstr(r->error.hint, "--sec-level 0"));
    report_free(r);

    r = connect_target(fx->lab, "legacy", NULL, legacy_client);
    assert_true(r->ok);
    assert_string_equal(r->protocol, "TLSv1");
    assert_true(r->verify_ok);
    assert_int_equal(r->n_sent, 2);
    report_free(r);
}

/* The wide legacy server: the tlscope binary, told --min-proto tls1.0 --max-proto tls1.0,
 * gets TLS 1.0 and a CBC suite; DHE uses a 1024-bit group and the RSA certificate; a TLS 1.3
 * client gets TLS 1.3, and the default client a verified chain (test_outcomes). */
static void test_wide_legacy(void **state)
{
    struct fixture *fx = *state;
    char port[16];
    snprintf(port, sizeof port, "localhost:%u", target(fx->lab, "wide-legacy")->port);
    const char *ca = lab_ca_file(fx->lab);
    char *out = NULL, *err = NULL;
    const char *argv[] = {"--json", "--cafile",    ca,  "--min-proto", "tls1.0", "--max-proto",
                          "tls1.0", "--sec-level", "0", port,          NULL};
    int rc = run_tlscope(argv, 20, &out, &err);
    json_error_t je;
    json_t *doc = json_loads(out ? out : "", 0, &je);
    if (!doc)
        fail_msg("exit %d, no JSON: %s\n%s", rc, je.text, err ? err : "");
    const char *proto = json_string_value(json_object_get(doc, "protocol"));
    const char *cipher = json_string_value(json_object_get(json_object_get(doc, "cipher"), "name"));
    print_message("wide-legacy at TLS 1.0: %s %s\n", proto ? proto : "-", cipher ? cipher : "-");
    assert_non_null(proto);
    assert_string_equal(proto, "TLSv1");
    assert_non_null(cipher);
    assert_non_null(strstr(cipher, "-SHA")); /* TLS 1.0 has no AEAD: every suite here is CBC */
    assert_null(strstr(cipher, "GCM"));
    json_decref(doc);
    free(out);
    free(err);
    /* DHE: the RSA certificate and the 1024-bit group */
    struct report *r = connect_target(fx->lab, "wide-legacy", NULL, wide_dhe_client);
    if (!r->ok)
        fail_msg("DHE: %s", r->error.message ? r->error.message : "-");
    assert_string_equal(r->protocol, "TLSv1");
    assert_non_null(strstr(r->cipher_name, "DHE-RSA-AES"));
    print_message("wide-legacy DHE: %s %s, temp key %s %d\n", r->protocol, r->cipher_name,
                  r->peer_key_type ? r->peer_key_type : "-", r->peer_key_bits);
    assert_string_equal(r->peer_key_type, "DH");
    assert_int_equal(r->peer_key_bits, 1024);
    report_free(r);
    r = connect_target(fx->lab, "wide-legacy", NULL, NULL);
    assert_true(r->ok);
    assert_string_equal(r->protocol, "TLSv1.3");
    report_free(r);
}

static void lab_client_files(struct tls_config *c, const struct lab *l)
{
    c->cert_file = xstrdup(lab_client_cert_file(l));
    c->key_file = xstrdup(lab_client_key_file(l));
}

static void test_client_cert(void **state)
{
    struct fixture *fx = *state;
    struct report *r = connect_target(fx->lab, "client-cert", NULL, NULL);
    assert_false(r->ok);
    assert_true(r->client_cert_requested);
    assert_int_equal(r->client_ca_names.len, 1);
    assert_non_null(strstr(r->client_ca_names.items[0], "CN=TLS Lab Client CA"));
    assert_null(r->client_cert_sent);
    report_free(r);

    r = connect_target(fx->lab, "client-cert", NULL, lab_client_files);
    if (!r->ok)
        fail_msg("with the lab's client files: %s", r->error.message);
    assert_true(r->verify_ok);
    assert_true(r->client_cert_requested);
    assert_non_null(r->client_cert_sent);
    assert_non_null(strstr(r->client_cert_sent, "tlscope client"));
    report_free(r);
}

/* ---- bounds and life cycle ------------------------------------------------------------------- */

#define FLOOD 70 /* more than the lab's 64 open connections */

/* True when fd sees EOF or a reset within ms. */
static bool closed_within(int fd, int ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (poll(&pfd, 1, ms) <= 0)
        return false;
    char c;
    return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

/* Silent TCP clients fill the lab: the oldest are dropped, the rest wait, TLS still works. */
static void test_connection_bound(void **state)
{
    (void)state;
    struct lab *l = start_lab(NULL, NULL);
    uint16_t port = target(l, "good")->port;
    int fds[FLOOD];
    for (int i = 0; i < FLOOD; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(fds[i] >= 0);
        assert_int_equal(connect(fds[i], (struct sockaddr *)&a, sizeof a), 0);
    }
    /* one more, a real client: it is the newest, so it drops one more of ours */
    struct report *r = connect_target(l, "good", "127.0.0.1", NULL);
    assert_true(r->ok);
    assert_true(r->verify_ok);
    report_free(r);
    int dropped = FLOOD + 1 - 64;
    for (int i = 0; i < dropped; i++)
        if (!closed_within(fds[i], 2000))
            fail_msg("connection %d (of the oldest %d) was not dropped", i, dropped);
    for (int i = dropped; i < FLOOD; i++)
        if (closed_within(fds[i], i == dropped ? 200 : 0))
            fail_msg("connection %d was dropped, though only %d had to go", i, dropped);
    for (int i = 0; i < FLOOD; i++)
        close(fds[i]);
    lab_stop(l);
}

static void test_stop_leaves_nothing(void **state)
{
    (void)state;
    int before = count_children(getpid());
    struct lab *l = start_lab(NULL, NULL);
    assert_int_equal(count_children(getpid()), before + 1);
    size_t n = lab_count(l);
    uint16_t ports[16];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++)
        ports[i] = lab_target_at(l, i)->port;
    char *files[3] = {xstrdup(lab_ca_file(l)), xstrdup(lab_client_cert_file(l)),
                      xstrdup(lab_client_key_file(l))};
    char *dir = xstrndup(files[0], (size_t)(strrchr(files[0], '/') - files[0]));

    int64_t t0 = mono_ms();
    lab_stop(l);
    print_message("lab_stop took %lld ms\n", (long long)(mono_ms() - t0));
    assert_int_equal(count_children(getpid()), before); /* gone and reaped */
    for (size_t i = 0; i < n; i++)
        assert_false(tcp_connects(ports[i]));
    for (int i = 0; i < 3; i++) {
        assert_int_not_equal(access(files[i], F_OK), 0);
        free(files[i]);
    }
    assert_int_not_equal(access(dir, F_OK), 0);
    free(dir);
    lab_stop(NULL);
}

/* What a process that started a lab tells the test: a port and the CA file. */
struct started {
    uint16_t port;
    char ca_file[512];
};

/* The lab's server process ends, and removes the lab's files, when the process that started
 * it dies without lab_stop. */
static void test_dies_with_parent(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t mid = fork();
    assert_true(mid >= 0);
    if (mid == 0) {
        close(p[0]);
        char err[512];
        struct lab *l = NULL;
        struct started st = {0};
        if (lab_start(&l, err, sizeof err) == 0 && lab_wait(l, err, sizeof err) == 0) {
            st.port = lab_target_at(l, 0)->port;
            snprintf(st.ca_file, sizeof st.ca_file, "%s", lab_ca_file(l));
        }
        if (write(p[1], &st, sizeof st) != (ssize_t)sizeof st)
            _exit(1);
        sleep(30); /* killed long before */
        _exit(0);
    }
    close(p[1]);
    struct started st = {0};
    assert_int_equal(read(p[0], &st, sizeof st), (ssize_t)sizeof st);
    close(p[0]);
    uint16_t port = st.port;
    assert_true(port > 0);
    assert_true(tcp_connects(port));
    assert_int_equal(access(st.ca_file, F_OK), 0);
    assert_int_equal(count_children(mid), 1);
    kill(mid, SIGKILL);
    assert_int_equal(waitpid(mid, NULL, 0), mid);
    int64_t deadline = mono_ms() + 3000;
    while (tcp_connects(port) && mono_ms() < deadline)
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    assert_false(tcp_connects(port));
    while (access(st.ca_file, F_OK) == 0 && mono_ms() < deadline)
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    assert_int_not_equal(access(st.ca_file, F_OK), 0);
    *strrchr(st.ca_file, '/') = '\0';
    assert_int_not_equal(access(st.ca_file, F_OK), 0); /* the directory too */
}

/* Entries of dir other than "." and ".." (-1 when it cannot be read). */
static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* A private TMPDIR for one test, so that what the lab leaves there can be counted; the
 * previous value is restored by tmpdir_end. */
static char *tmpdir_begin(char **old)
{
    const char *cur = getenv("TMPDIR");
    *old = cur ? xstrdup(cur) : NULL;
    char *dir = xstrdup("/tmp/tlscope-test-lab-XXXXXX");
    assert_non_null(mkdtemp(dir));
    setenv("TMPDIR", dir, 1);
    return dir;
}

static void tmpdir_end(char *dir, char *old)
{
    if (old)
        setenv("TMPDIR", old, 1);
    else
        unsetenv("TMPDIR");
    rmdir(dir);
    free(dir);
    free(old);
}

/* lab_stop while the lab is still starting: the server process is gone and reaped at once,
 * and its directory with whatever it had written so far. */
static void test_stop_while_starting(void **state)
{
    (void)state;
    char *old, *tmp = tmpdir_begin(&old);
    int before = count_children(getpid());
    for (int delay_ms = 0; delay_ms <= 20; delay_ms += 5) {
        char err[512];
        struct lab *l = NULL;
        assert_int_equal(lab_start(&l, err, sizeof err), 0);
        assert_int_equal(count_children(getpid()), before + 1);
        assert_int_equal(dir_entries(tmp), 1); /* tlscope-demo-XXXXXX */
        nanosleep(&(struct timespec){0, delay_ms * 1000L * 1000L}, NULL);
        int64_t t0 = mono_ms();
        lab_stop(l);
        int64_t took = mono_ms() - t0;
        if (took > 1000)
            fail_msg("lab_stop while starting took %lld ms", (long long)took);
        assert_int_equal(count_children(getpid()), before);
        assert_int_equal(dir_entries(tmp), 0);
    }
    tmpdir_end(tmp, old);
}

/* A start that fails in the server process (here: too few file descriptors for its
 * listening sockets) ends in LAB_FAILED with the reason; lab_stop then leaves nothing. Runs in
 * a child process, whose descriptor limit it lowers; the verdict comes back through a pipe. */
static void test_failed_start_says_why(void **state)
{
    (void)state;
    char *old, *tmp = tmpdir_begin(&old);
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char msg[600] = "";
        char err[512] = "";
        close(p[0]);
        if (p[1] != 3 && (dup2(p[1], 3) < 0 || close(p[1]) < 0))
            _exit(2);
        close_range(4, ~0u, 0);
        struct rlimit rl = {8, 8}; /* 0-2, 3 (the verdict), the lab's pipe, a few more */
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            _exit(2);
        struct lab *l = NULL;
        if (lab_start(&l, err, sizeof err) != 0) {
            snprintf(msg, sizeof msg, "lab_start: %s", err);
        } else {
            int rc = lab_wait(l, err, sizeof err);
            snprintf(msg, sizeof msg, "%d %d %s|%s", rc, (int)lab_state(l), err, lab_error(l));
            lab_stop(l);
        }
        if (write(3, msg, strlen(msg)) < 0)
            _exit(2);
        _exit(0);
    }
    close(p[1]);
    char buf[600];
    ssize_t n = 0, r;
    while ((r = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += r;
    close(p[0]);
    buf[n > 0 ? n : 0] = '\0';
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    print_message("%s\n", buf);
    char want[64];
    snprintf(want, sizeof want, "-1 %d demo lab, target ", (int)LAB_FAILED);
    if (strncmp(buf, want, strlen(want)) != 0 || !strstr(buf, "cannot listen") ||
        !strstr(buf, "Too many open files"))
        fail_msg("verdict: %s", buf);
    assert_int_equal(dir_entries(tmp), 0); /* nothing left behind */
    tmpdir_end(tmp, old);
}

static int group_setup(void **state)
{
    struct fixture *fx = xcalloc(1, sizeof *fx);
    fx->lab = start_lab(&fx->start_ms, &fx->ready_ms);
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    struct fixture *fx = *state;
    lab_stop(fx->lab);
    free(fx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets_listed),
        cmocka_unit_test(test_start_does_not_wait),
        cmocka_unit_test(test_stop_while_starting),
        cmocka_unit_test(test_failed_start_says_why),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_outcomes),
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_ipv6_localhost),
        cmocka_unit_test(test_missing_intermediate),
        cmocka_unit_test(test_repository),
        cmocka_unit_test(test_legacy_hint),
        cmocka_unit_test(test_wide_legacy),
        cmocka_unit_test(test_client_cert),
        cmocka_unit_test(test_connection_bound),
        cmocka_unit_test(test_stop_leaves_nothing),
        cmocka_unit_test(test_dies_with_parent),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
