/* issue 13: the certificate doctor. `tlscope --check-chain` over every kind of chain file the
 * issue lists (generated here with the lab PKI, the pki factory and the openssl tool), the
 * key check, --fix-chain, and --aia / --revocation against a local HTTP peer that serves an
 * intermediate (DER and PKCS#7), CRLs and OCSP answers (good, revoked, unknown, a bad
 * signature, a stale one) and logs every request it sees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/pki.h"
#include "lib/harness.h"
#include "lib/pty.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *lab(const char *f)
{
    return harness_path(f);
}

static char *slurp(const char *path)
{
    char *data = NULL, err[256];
    size_t n;
    if (file_read_bounded(path, 1 << 22, &data, &n, err, sizeof err) < 0)
        fail_msg("%s", err);
    return data;
}

static void put(const char *path, const char *data, size_t n)
{
    char err[512];
    if (file_write_atomic(path, data, n, 0600, true, err, sizeof err) < 0)
        fail_msg("%s", err);
}

/* A new file in the lab directory made of the named lab files, concatenated. */
static char *cat_files(const char *out, const char *const *names)
{
    struct strbuf sb = {0};
    for (size_t i = 0; names[i]; i++) {
        char *p = lab(names[i]), *d = slurp(p);
        sb_puts(&sb, d);
        free(d);
        free(p);
    }
    char *path = lab(out);
    put(path, sb.buf, sb.len);
    sb_free(&sb);
    return path;
}

/* Runs openssl with argv (argv[0] "openssl"), failing the test when it fails. */
static void openssl(const char *const *argv)
{
    char *err = NULL;
    int st = harness_run(argv, NULL, 30, NULL, &err);
    if (st != 0)
        fail_msg("%s %s failed (%d): %s", argv[0], argv[1], st, err);
    free(err);
}

struct run {
    int status;
    json_t *j;
    char *out, *err;
};

static struct run check_json(const char *const *args)
{
    struct run r = {0};
    const char *argv[32];
    size_t n = 0;
    argv[n++] = "--json";
    for (size_t i = 0; args[i] && n < 30; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    r.status = run_tlscope(argv, 60, &r.out, &r.err);
    json_error_t je;
    r.j = r.out && *r.out ? json_loads(r.out, 0, &je) : NULL;
    return r;
}

static void run_free(struct run *r)
{
    json_decref(r->j);
    free(r->out);
    free(r->err);
}

static json_t *jget(json_t *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
    return o;
}

static const char *jstrv(json_t *o, const char *path)
{
    const char *s = json_string_value(jget(o, path));
    return s ? s : "";
}

static bool has_finding(json_t *j, const char *id)
{
    json_t *f = json_object_get(j, "findings");
    for (size_t i = 0; i < json_array_size(f); i++)
        if (!strcmp(jstrv(json_array_get(f, i), "id"), id))
            return true;
    return false;
}

static bool has_issue(json_t *j, const char *issue)
{
    json_t *a = jget(j, "chain.issues");
    for (size_t i = 0; i < json_array_size(a); i++)
        if (!strcmp(json_string_value(json_array_get(a, i)), issue))
            return true;
    return false;
}

#define EXPECT(r, st)                                                                              \
    do {                                                                                           \
        if ((r).status != (st) || !(r).j)                                                          \
            fail_msg("exit %d (want %d)\nstdout: %.2000s\nstderr: %s", (r).status, (st), (r).out,  \
                     (r).err);                                                                     \
    } while (0)

/* ---- chain files ---------------------------------------------------------------------------- */

/* good: leaf + intermediate, the right key and name: ready (exit 0). */
static void test_good(void **state)
{
    (void)state;
    char *f = lab("chain.pem"), *ca = lab("root.crt"), *key = lab("leaf.key");
    struct run r =
        check_json(ARGV("--check-chain", f, "--cafile", ca, "--name", "localhost", "--key", key));
    EXPECT(r, 0);
    assert_true(json_is_true(jget(r.j, "source.ready")));
    assert_string_equal(jstrv(r.j, "source.format"), "PEM");
    assert_true(json_is_true(jget(r.j, "source.key.match")));
    assert_true(json_is_true(jget(r.j, "verify.ok")));
    assert_string_equal(jstrv(r.j, "chain.sent.0.role"), "leaf");
    assert_string_equal(jstrv(r.j, "chain.sent.1.role"), "intermediate");
    assert_int_equal(json_array_size(jget(r.j, "chain.fetched")), 0);
    run_free(&r);
    free(f), free(ca), free(key);
}

/* misordered: the intermediate first (servers take it as their own), and leaf, unrelated,
 * intermediate: both not ready. */
static void test_misordered(void **state)
{
    (void)state;
    char *f = cat_files("d_inter_first.pem", ARGV("inter.crt", "leaf.crt"));
    char *ca = lab("root.crt"), *g = lab("chain_wrongorder.pem");
    struct run r = check_json(ARGV("--check-chain", f, "--cafile", ca));
    EXPECT(r, 1);
    assert_true(has_finding(r.j, "leaf_not_first"));
    assert_int_equal(json_integer_value(jget(r.j, "source.leaf_index")), 1);
    run_free(&r);
    r = check_json(ARGV("--check-chain", g, "--cafile", ca));
    EXPECT(r, 1);
    assert_true(has_issue(r.j, "wrong_order"));
    assert_true(has_issue(r.j, "extra_certificate"));
    run_free(&r);
    free(f), free(ca), free(g);
}

/* unrelated certificate and root included; --fix-chain removes both and says so. */
static void test_unrelated_and_root_fixed(void **state)
{
    (void)state;
    char *f = cat_files("d_extra.pem", ARGV("leaf.crt", "inter.crt", "root2.crt"));
    char *g = cat_files("d_root.pem", ARGV("leaf.crt", "inter.crt", "root.crt"));
    char *ca = lab("root.crt"), *out = lab("d_fixed.pem"), *out2 = lab("d_fixed2.pem");
    unlink(out);
    unlink(out2);
    struct run r = check_json(ARGV("--check-chain", f, "--cafile", ca, "--fix-chain", out));
    EXPECT(r, 1);
    assert_true(has_issue(r.j, "extra_certificate"));
    assert_string_equal(jstrv(r.j, "chain.sent.2.role"), "unrelated");
    assert_non_null(strstr(r.err, "removed CN=TLS Lab Untrusted Root CA"));
    char *fixed = slurp(out), *want = NULL;
    {
        char *a = lab("leaf.crt"), *b = lab("inter.crt"), *da = slurp(a), *db = slurp(b);
        want = xasprintf("%s%s", da, db);
        free(a), free(b), free(da), free(db);
    }
    assert_string_equal(fixed, want);
    run_free(&r);
    /* the fixed file is ready; never replaced without --force */
    r = check_json(ARGV("--check-chain", out, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    run_free(&r);
    r = check_json(ARGV("--check-chain", f, "--cafile", ca, "--fix-chain", out));
    assert_int_equal(r.status, 64);
    assert_non_null(strstr(r.err, "use --force"));
    run_free(&r);
    r = check_json(ARGV("--check-chain", g, "--cafile", ca, "--fix-chain", out2));
    EXPECT(r, 0); /* a root sent along is only info */
    assert_true(has_issue(r.j, "root_included"));
    assert_non_null(strstr(r.err, "removed CN=TLS Lab Root CA"));
    char *fixed2 = slurp(out2);
    assert_string_equal(fixed2, want);
    run_free(&r);
    free(fixed), free(fixed2), free(want), free(f), free(g), free(ca), free(out), free(out2);
}

/* missing intermediate, expired, other name, key of another certificate: not ready. */
static void test_not_ready(void **state)
{
    (void)state;
    char *leaf = lab("leaf.crt"), *ca = lab("root.crt"), *chain = lab("chain.pem");
    char *exp = cat_files("d_expired.pem", ARGV("expired.crt", "inter.crt")),
         *k2 = lab("leaf2.key");
    struct run r = check_json(ARGV("--check-chain", leaf, "--cafile", ca));
    EXPECT(r, 1);
    assert_true(has_issue(r.j, "missing_intermediate"));
    assert_true(has_finding(r.j, "incomplete_chain"));
    run_free(&r);
    r = check_json(ARGV("--check-chain", exp, "--cafile", ca));
    EXPECT(r, 1);
    assert_true(has_finding(r.j, "cert_expired"));
    run_free(&r);
    r = check_json(ARGV("--check-chain", chain, "--cafile", ca, "--name", "other.example"));
    EXPECT(r, 1);
    assert_true(has_finding(r.j, "hostname_mismatch"));
    run_free(&r);
    r = check_json(ARGV("--check-chain", chain, "--cafile", ca, "--key", k2));
    EXPECT(r, 1);
    assert_true(has_finding(r.j, "key_mismatch"));
    assert_true(json_is_false(jget(r.j, "source.key.match")));
    run_free(&r);
    free(leaf), free(ca), free(chain), free(exp), free(k2);
}

/* Certificates made for one case: root → inter (the lab's), plus specs. */
static struct pki *make_pki(const struct pki_spec *specs, size_t n)
{
    struct pki *p = NULL;
    char err[512];
    if (pki_generate(specs, n, &p, err, sizeof err) < 0)
        fail_msg("%s", err);
    return p;
}

static char *write_pem(const struct pki *p, const char *file, const char *const *names)
{
    struct strbuf sb = {0};
    for (size_t i = 0; names[i]; i++)
        sb_puts(&sb, pki_cert_pem(p, names[i]));
    char *path = lab(file);
    put(path, sb.buf, sb.len);
    sb_free(&sb);
    return path;
}

#define ROOT_SPEC                                                                                  \
    {                                                                                              \
        .name = "root", .subject = "CN=Doctor Root", .key = PKI_EC_P256, .not_before_days = -1,    \
        .not_after_days = 3650, .is_ca = true, .path_len = -1                                      \
    }
#define LEAF_SPEC(n_, cn_, nb_, na_, san_)                                                         \
    {                                                                                              \
        .name = n_, .subject = cn_, .issuer = "root", .key = PKI_EC_P256, .not_before_days = nb_,  \
        .not_after_days = na_, .path_len = -1, .san = san_                                         \
    }

/* A 6-day certificate 3 days from expiry is fine; one day from expiry it warns (a third of
 * its lifetime), still ready. A name only in the CN is not. */
static void test_short_lived_and_cn_only(void **state)
{
    (void)state;
    const struct pki_spec specs[] = {
        ROOT_SPEC,
        LEAF_SPEC("six3", "CN=localhost", -3, 3, "DNS:localhost"),
        LEAF_SPEC("six1", "CN=localhost", -5, 1, "DNS:localhost"),
        LEAF_SPEC("cnonly", "CN=localhost", -1, 300, NULL),
    };
    struct pki *p = make_pki(specs, 4);
    char *f3 = write_pem(p, "d_six3.pem", ARGV("six3")),
         *f1 = write_pem(p, "d_six1.pem", ARGV("six1"));
    char *fc = write_pem(p, "d_cnonly.pem", ARGV("cnonly")),
         *ca = write_pem(p, "d_root.crt", ARGV("root"));
    struct run r = check_json(ARGV("--check-chain", f3, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    assert_false(has_finding(r.j, "cert_expiring"));
    run_free(&r);
    r = check_json(ARGV("--check-chain", f1, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    assert_true(has_finding(r.j, "cert_expiring"));
    run_free(&r);
    r = check_json(ARGV("--check-chain", fc, "--cafile", ca));
    EXPECT(r, 1);
    assert_true(has_finding(r.j, "name_cn_only"));
    run_free(&r);
    free(f3), free(f1), free(fc), free(ca);
    pki_free(p);
}

/* A CT precertificate (poison) and an unknown critical extension, made with openssl req. */
static void test_poison_and_unknown_critical(void **state)
{
    (void)state;
    char *key = lab("leaf.key"), *poison = lab("d_poison.pem"), *crit = lab("d_crit.pem");
    openssl(ARGV("openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=localhost", "-days",
                 "30", "-addext", "subjectAltName=DNS:localhost", "-addext",
                 "1.3.6.1.4.1.11129.2.4.3=critical,ASN1:NULL", "-out", poison));
    openssl(ARGV("openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=localhost", "-days",
                 "30", "-addext", "subjectAltName=DNS:localhost", "-addext",
                 "1.2.3.4.5=critical,ASN1:UTF8String:x", "-out", crit));
    struct run r = check_json(ARGV("--check-chain", poison, "--cafile", poison));
    EXPECT(r, 1);
    assert_true(has_finding(r.j, "ct_precertificate"));
    assert_true(json_is_true(jget(r.j, "chain.sent.0.precertificate")));
    run_free(&r);
    r = check_json(ARGV("--check-chain", crit, "--cafile", crit));
    EXPECT(r, 1);
    assert_true(has_finding(r.j, "unknown_critical_extension"));
    assert_string_equal(jstrv(r.j, "chain.sent.0.unknown_critical_extensions.0"), "1.2.3.4.5");
    run_free(&r);
    free(key), free(poison), free(crit);
}

/* DER, PKCS#7 (DER and PEM), PKCS#12 with and without a password, stdin. */
static void test_formats(void **state)
{
    (void)state;
    char *leaf = lab("leaf.crt"), *chain = lab("chain.pem"), *key = lab("leaf.key");
    char *ca = lab("root.crt"), *der = lab("d_leaf.der"), *p7 = lab("d_chain.p7b"),
         *p7pem = lab("d_chain.p7.pem"), *p12 = lab("d_nopass.p12"), *p12pw = lab("d_pass.p12");
    openssl(ARGV("openssl", "x509", "-in", leaf, "-outform", "DER", "-out", der));
    openssl(
        ARGV("openssl", "crl2pkcs7", "-nocrl", "-certfile", chain, "-outform", "DER", "-out", p7));
    openssl(ARGV("openssl", "crl2pkcs7", "-nocrl", "-certfile", chain, "-out", p7pem));
    openssl(ARGV("openssl", "pkcs12", "-export", "-in", chain, "-inkey", key, "-passout",
                 "pass:", "-out", p12));
    openssl(ARGV("openssl", "pkcs12", "-export", "-in", chain, "-inkey", key, "-passout",
                 "pass:s3cret", "-out", p12pw));
    struct run r = check_json(ARGV("--check-chain", der, "--cafile", ca));
    EXPECT(r, 1); /* a lone leaf: the intermediate is missing */
    assert_string_equal(jstrv(r.j, "source.format"), "DER");
    run_free(&r);
    r = check_json(ARGV("--check-chain", p7, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    assert_string_equal(jstrv(r.j, "source.format"), "PKCS#7");
    assert_int_equal(json_array_size(jget(r.j, "chain.sent")), 2);
    run_free(&r);
    r = check_json(ARGV("--check-chain", p7pem, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    run_free(&r);
    r = check_json(ARGV("--check-chain", p12, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    assert_string_equal(jstrv(r.j, "source.format"), "PKCS#12");
    assert_true(json_is_true(jget(r.j, "source.key.match"))); /* the bundle's own key */
    run_free(&r);
    r = check_json(ARGV("--check-chain", p12pw, "--cafile", ca));
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "protected by a password"));
    run_free(&r);
    setenv("DOCTOR_P12_PASS", "wrong", 1);
    r = check_json(ARGV("--check-chain", p12pw, "--cafile", ca, "--pass", "env:DOCTOR_P12_PASS"));
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "does not open"));
    run_free(&r);
    setenv("DOCTOR_P12_PASS", "s3cret", 1);
    r = check_json(ARGV("--check-chain", p12pw, "--cafile", ca, "--pass", "env:DOCTOR_P12_PASS",
                        "--name", "localhost"));
    EXPECT(r, 0);
    run_free(&r);
    r = check_json(ARGV("--check-chain", p12pw, "--pass", "s3cret"));
    assert_int_equal(r.status, 64); /* never a literal */
    run_free(&r);
    /* stdin */
    char *data = slurp(chain), *out = NULL, *err = NULL;
    char *bin = harness_tlscope_path();
    int st = harness_run(
        ARGV(bin, "--json", "--check-chain", "-", "--cafile", ca, "--name", "localhost"), data, 30,
        &out, &err);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "\"file\": \"-\""));
    free(out), free(err), free(bin), free(data);
    free(leaf), free(chain), free(key), free(ca), free(der), free(p7), free(p7pem), free(p12),
        free(p12pw);
}

static char *b64(const char *path)
{
    char *out = NULL, *err = NULL;
    if (harness_run(ARGV("base64", "-w0", path), NULL, 10, &out, &err) != 0)
        fail_msg("base64: %s", err);
    free(err);
    return out;
}

/* A Kubernetes TLS secret, YAML and JSON, with its key. */
static void test_k8s_secret(void **state)
{
    (void)state;
    char *chain = lab("chain.pem"), *key = lab("leaf.key"), *ca = lab("root.crt");
    char *c64 = b64(chain), *k64 = b64(key), *r64 = b64(ca);
    char *yaml = xasprintf("apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-tls\n"
                           "type: kubernetes.io/tls\ndata:\n  tls.crt: %s\n  tls.key: %s\n"
                           "  ca.crt: %s\n",
                           c64, k64, r64);
    char *json = xasprintf("{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"type\": "
                           "\"kubernetes.io/tls\", \"data\": {\"tls.crt\": \"%s\", \"tls.key\": "
                           "\"%s\"}}",
                           c64, k64);
    char *fy = lab("d_secret.yaml"), *fj = lab("d_secret.json");
    put(fy, yaml, strlen(yaml));
    put(fj, json, strlen(json));
    struct run r = check_json(ARGV("--check-chain", fy, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    assert_string_equal(jstrv(r.j, "source.format"), "Kubernetes secret");
    assert_true(json_is_true(jget(r.j, "source.key.match")));
    assert_int_equal(json_integer_value(jget(r.j, "source.ca_crt_certificates")), 1);
    run_free(&r);
    r = check_json(ARGV("--check-chain", fj, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    assert_string_equal(jstrv(r.j, "source.format"), "Kubernetes secret");
    run_free(&r);
    /* a broken secret says where */
    const char *bad = "kind: Secret\ndata:\n  tls.crt: [1, 2]\n";
    put(fy, bad, strlen(bad));
    r = check_json(ARGV("--check-chain", fy));
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "3:12"));
    run_free(&r);
    free(chain), free(key), free(ca), free(c64), free(k64), free(r64), free(yaml), free(json),
        free(fy), free(fj);
}

/* A password-protected PKCS#12 file with no --pass asks on the terminal (echo off) and opens
 * with the typed password; an encrypted --key needs its passphrase source. */
static void test_passwords(void **state)
{
    (void)state;
    char *chain = lab("chain.pem"), *key = lab("leaf.key"), *ca = lab("root.crt"),
         *p12 = lab("d_prompt.p12"), *enc = lab("client.key.enc");
    openssl(ARGV("openssl", "pkcs12", "-export", "-in", chain, "-inkey", key, "-passout",
                 "pass:typed-pw", "-out", p12));
    char *bin = harness_tlscope_path();
    struct pty_child c;
    if (pty_start(&c, ARGV(bin, "--check-chain", p12, "--cafile", ca, "--name", "localhost"),
                  "xterm", 100, 40) != 0)
        fail_msg("pty_start");
    if (!pty_wait_for(&c, "Password for", 10))
        fail_msg("no prompt: %s", c.out);
    pty_send(&c, "typed-pw\r");
    if (!pty_wait_for(&c, "READY for deployment", 20))
        fail_msg("not opened: %s", c.out);
    assert_true(pty_wait_exit(&c, 10));
    assert_int_equal(WEXITSTATUS(c.status), 0);
    assert_null(strstr(c.out, "typed-pw")); /* never echoed */
    pty_stop(&c);
    struct run r = check_json(ARGV("--check-chain", chain, "--cafile", ca, "--key", enc));
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "is encrypted"));
    run_free(&r);
    setenv("DOCTOR_KEY_PASS", HARNESS_CLIENT_KEY_PASS, 1);
    r = check_json(ARGV("--check-chain", chain, "--cafile", ca, "--key", enc, "--pass",
                        "env:DOCTOR_KEY_PASS"));
    EXPECT(r, 1);
    assert_true(has_finding(r.j, "key_mismatch")); /* opened: the client's key, not the leaf's */
    run_free(&r);
    free(chain), free(key), free(ca), free(p12), free(enc), free(bin);
}

/* ---- the HTTP peer: --aia and --revocation ------------------------------------------------ */

static char http_dir[512];

/* Serves http_dir/NAME for the path /a/b... (NAME: the first two components joined by '_',
 * so an OCSP GET /ocsp/good/<base64> serves ocsp_good), logging "METHOD PATH" lines. */
static void http_serve(int fd, const void *arg)
{
    (void)arg;
    char buf[16384];
    size_t n = 0;
    for (int k = 0; k < 100 && n + 1 < sizeof buf; k++) {
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        char *h = strstr(buf, "\r\n\r\n");
        if (!h)
            continue;
        char *cl = strstr(buf, "Content-Length: ");
        if (!cl || (size_t)(h + 4 - buf) + (size_t)atoi(cl + 16) <= n)
            break;
    }
    buf[n] = '\0';
    char method[8] = "", path[2048] = "";
    sscanf(buf, "%7s %2047s", method, path);
    char logp[600];
    snprintf(logp, sizeof logp, "%s/requests.log", http_dir);
    int lf = open(logp, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (lf >= 0) {
        dprintf(lf, "%s %s\n", method, path);
        close(lf);
    }
    char name[256] = "";
    const char *p = path + 1;
    size_t k = 0;
    for (int slashes = 0; *p && k + 1 < sizeof name; p++) {
        if (*p == '/' && ++slashes == 2)
            break;
        name[k++] = *p == '/' ? '_' : *p;
    }
    name[k] = '\0';
    char file[800], *data = NULL, err[256];
    size_t len = 0;
    snprintf(file, sizeof file, "%s/%s", http_dir, name);
    if (!strcmp(name, "ocsp_postonly") && strcmp(method, "POST") != 0)
        dprintf(fd, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
    else if (file_read_bounded(file, 1 << 22, &data, &len, err, sizeof err) < 0)
        dprintf(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    else {
        dprintf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", len);
        (void)!write(fd, data, len);
    }
    free(data);
    close(fd);
}

static size_t log_count(void)
{
    char path[600], *data = NULL, err[256];
    size_t n = 0, lines = 0;
    snprintf(path, sizeof path, "%s/requests.log", http_dir);
    if (file_read_bounded(path, 1 << 20, &data, &n, err, sizeof err) < 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        lines += data[i] == '\n';
    free(data);
    return lines;
}

static bool log_has(const char *needle)
{
    char path[600], *data = NULL, err[256];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/requests.log", http_dir);
    if (file_read_bounded(path, 1 << 20, &data, &n, err, sizeof err) < 0)
        return false;
    bool ok = strstr(data, needle) != NULL;
    free(data);
    return ok;
}

static void put_bytes(const char *name, const unsigned char *data, size_t n)
{
    char *path = xasprintf("%s/%s", http_dir, name);
    if (!data)
        fail_msg("no data for %s", name);
    put(path, (const char *)data, n);
    free(path);
}

static struct peer http;
static struct pki *net_pki;

static int net_setup(void **state)
{
    (void)state;
    snprintf(http_dir, sizeof http_dir, "%s/http", harness_dir());
    mkdir(http_dir, 0700);
    if (peer_fork(&http, false, http_serve, NULL) != 0)
        return -1;
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)http.port);
    char *u_der = xasprintf("%s/inter.der", base), *u_p7 = xasprintf("%s/inter.p7", base);
    char *u_crl = xasprintf("%s/crl", base), *u_crl_stale = xasprintf("%s/crlstale", base);
    char *o_good = xasprintf("%s/ocsp/good", base), *o_rev = xasprintf("%s/ocsp/revoked", base),
         *o_unk = xasprintf("%s/ocsp/unknown", base), *o_bad = xasprintf("%s/ocsp/badsig", base),
         *o_stale = xasprintf("%s/ocsp/stale", base), *o_post = xasprintf("%s/ocsp/postonly", base);
#define NLEAF(n_, ocsp_, crl_, aia_)                                                               \
    {                                                                                              \
        .name = n_, .subject = "CN=localhost", .issuer = "inter", .key = PKI_EC_P256,              \
        .not_before_days = -1, .not_after_days = 90, .path_len = -1, .san = "DNS:localhost",       \
        .ocsp_url = ocsp_, .crl_url = crl_, .ca_issuers_url = aia_                                 \
    }
    const struct pki_spec specs[] = {
        ROOT_SPEC,
        {.name = "inter",
         .subject = "CN=Doctor Intermediate",
         .issuer = "root",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 3000,
         .is_ca = true,
         .path_len = 0},
        NLEAF("aia_der", NULL, NULL, u_der),
        NLEAF("aia_p7", NULL, NULL, u_p7),
        NLEAF("good", o_good, u_crl, NULL),
        NLEAF("revoked", o_rev, u_crl, NULL),
        NLEAF("unknown", o_unk, NULL, NULL),
        NLEAF("badsig", o_bad, NULL, NULL),
        NLEAF("stale", o_stale, u_crl_stale, NULL),
        NLEAF("postonly", o_post, NULL, NULL),
    };
    net_pki = make_pki(specs, sizeof specs / sizeof specs[0]);
    free(u_der), free(u_p7), free(u_crl), free(u_crl_stale), free(o_good), free(o_rev), free(o_unk),
        free(o_bad), free(o_stale), free(o_post);
    /* the intermediate as DER and as a PKCS#7 bundle */
    char *inter = xasprintf("%s/inter.pem", http_dir), *der = xasprintf("%s/inter.der", http_dir),
         *p7 = xasprintf("%s/inter.p7", http_dir);
    put(inter, pki_cert_pem(net_pki, "inter"), strlen(pki_cert_pem(net_pki, "inter")));
    openssl(ARGV("openssl", "x509", "-in", inter, "-outform", "DER", "-out", der));
    openssl(
        ARGV("openssl", "crl2pkcs7", "-nocrl", "-certfile", inter, "-outform", "DER", "-out", p7));
    free(inter), free(der), free(p7);
    size_t n;
    unsigned char *b;
    const char *revoked[] = {"revoked"};
    b = pki_crl(net_pki, "inter", revoked, 1, false, &n), put_bytes("crl", b, n), free(b);
    b = pki_crl(net_pki, "inter", revoked, 1, true, &n), put_bytes("crlstale", b, n), free(b);
    b = pki_ocsp_response_ex(net_pki, "good", 0, 0, &n), put_bytes("ocsp_good", b, n), free(b);
    b = pki_ocsp_response_ex(net_pki, "revoked", 1, 0, &n), put_bytes("ocsp_revoked", b, n),
    free(b);
    b = pki_ocsp_response_ex(net_pki, "unknown", 2, 0, &n), put_bytes("ocsp_unknown", b, n),
    free(b);
    b = pki_ocsp_response_ex(net_pki, "badsig", 0, PKI_OCSP_BAD_SIGNATURE, &n),
    put_bytes("ocsp_badsig", b, n), free(b);
    b = pki_ocsp_response_ex(net_pki, "postonly", 0, 0, &n), put_bytes("ocsp_postonly", b, n),
    free(b);
    b = pki_ocsp_response_ex(net_pki, "stale", 0, PKI_OCSP_STALE, &n),
    put_bytes("ocsp_stale", b, n), free(b);
    return 0;
}

static int net_teardown(void **state)
{
    (void)state;
    peer_stop(&http);
    pki_free(net_pki);
    return 0;
}

/* A leaf alone, its intermediate behind caIssuers: nothing fetched without --aia; with it
 * the intermediate (DER, then PKCS#7) completes the chain and --fix-chain writes it. */
static void test_aia(void **state)
{
    (void)state;
    char *ca = write_pem(net_pki, "n_root.crt", ARGV("root"));
    char *leaf = write_pem(net_pki, "n_aia_der.pem", ARGV("aia_der"));
    char *leaf7 = write_pem(net_pki, "n_aia_p7.pem", ARGV("aia_p7"));
    char *out = lab("n_fixed.pem");
    unlink(out);
    size_t before = log_count();
    struct run r = check_json(ARGV("--check-chain", leaf, "--cafile", ca));
    EXPECT(r, 1);
    assert_int_equal(log_count(), before); /* the peer saw no request */
    assert_int_equal(json_array_size(jget(r.j, "chain.fetched")), 0);
    run_free(&r);
    r = check_json(ARGV("--check-chain", leaf, "--cafile", ca, "--aia", "--fix-chain", out));
    EXPECT(r, 1); /* the file itself is still incomplete */
    assert_true(log_has("GET /inter.der"));
    assert_string_equal(jstrv(r.j, "chain.fetched.0.outcome"), "ok");
    assert_string_equal(jstrv(r.j, "chain.fetched.0.subject"), "CN=Doctor Intermediate");
    assert_true(json_is_true(jget(r.j, "chain.fetched_verify_ok")));
    assert_true(json_is_false(jget(r.j, "verify.ok"))); /* what a client that does not fetch sees */
    assert_true(has_finding(r.j, "aia_fetched"));
    assert_non_null(strstr(r.err, "added CN=Doctor Intermediate"));
    run_free(&r);
    r = check_json(ARGV("--check-chain", out, "--cafile", ca, "--name", "localhost"));
    EXPECT(r, 0);
    run_free(&r);
    r = check_json(ARGV("--check-chain", leaf7, "--cafile", ca, "--aia"));
    assert_true(log_has("GET /inter.p7"));
    assert_string_equal(jstrv(r.j, "chain.fetched.0.outcome"), "ok");
    run_free(&r);
    free(ca), free(leaf), free(leaf7), free(out);
}

static json_t *rev(json_t *j, const char *method)
{
    json_t *a = json_object_get(j, "revocation");
    for (size_t i = 0; i < json_array_size(a); i++)
        if (!strcmp(jstrv(json_array_get(a, i), "method"), method))
            return json_array_get(a, i);
    fail_msg("no %s entry", method);
    return NULL;
}

static struct run rev_check(const char *leaf)
{
    char file[64];
    snprintf(file, sizeof file, "n_%s.pem", leaf);
    char *f = write_pem(net_pki, file, ARGV(leaf, "inter")),
         *ca = write_pem(net_pki, "n_root.crt", ARGV("root"));
    struct run r = check_json(ARGV("--check-chain", f, "--cafile", ca, "--revocation"));
    free(f), free(ca);
    return r;
}

/* OCSP and CRL: good, revoked (fails, with time and reason), unknown, a bad signature, stale
 * answers; nothing asked without --revocation. */
static void test_revocation(void **state)
{
    (void)state;
    char *f = write_pem(net_pki, "n_good.pem", ARGV("good", "inter")),
         *ca = write_pem(net_pki, "n_root.crt", ARGV("root"));
    size_t before = log_count();
    struct run r = check_json(ARGV("--check-chain", f, "--cafile", ca));
    EXPECT(r, 0);
    assert_int_equal(log_count(), before);
    assert_true(json_is_null(jget(r.j, "revocation")));
    run_free(&r);
    r = rev_check("good");
    EXPECT(r, 0);
    assert_string_equal(jstrv(rev(r.j, "ocsp"), "status"), "good");
    assert_string_equal(jstrv(rev(r.j, "crl"), "status"), "good");
    assert_true(log_has("GET /ocsp/good/"));
    run_free(&r);
    r = rev_check("revoked");
    EXPECT(r, 1);
    assert_string_equal(jstrv(rev(r.j, "ocsp"), "status"), "revoked");
    assert_string_equal(jstrv(rev(r.j, "ocsp"), "reason"), "keyCompromise");
    assert_string_equal(jstrv(rev(r.j, "crl"), "status"), "revoked");
    assert_true(json_is_false(jget(r.j, "verify.ok")));
    assert_true(has_finding(r.j, "cert_revoked"));
    run_free(&r);
    r = rev_check("unknown");
    assert_string_equal(jstrv(rev(r.j, "ocsp"), "status"), "unknown");
    run_free(&r);
    r = rev_check("badsig");
    assert_string_equal(jstrv(rev(r.j, "ocsp"), "status"), "error");
    assert_non_null(strstr(jstrv(rev(r.j, "ocsp"), "problem"), "signature"));
    assert_true(has_finding(r.j, "revocation_error"));
    run_free(&r);
    r = rev_check("postonly"); /* the GET is refused: the request goes again by POST */
    assert_string_equal(jstrv(rev(r.j, "ocsp"), "status"), "good");
    assert_true(log_has("GET /ocsp/postonly/"));
    assert_true(log_has("POST /ocsp/postonly\n"));
    run_free(&r);
    r = rev_check("stale");
    assert_non_null(strstr(jstrv(rev(r.j, "ocsp"), "problem"), "stale"));
    assert_non_null(strstr(jstrv(rev(r.j, "crl"), "problem"), "stale"));
    run_free(&r);
    free(f), free(ca);
}

/* Writes the net PKI's cert and key of name into the lab directory; returns "@name.crt" style
 * harness arguments' files. */
static void write_pair(const char *name)
{
    char crt[64], key[64], *pc, *pk;
    snprintf(crt, sizeof crt, "n_%s.crt", name);
    snprintf(key, sizeof key, "n_%s.key", name);
    pc = lab(crt);
    pk = lab(key);
    put(pc, pki_cert_pem(net_pki, name), strlen(pki_cert_pem(net_pki, name)));
    put(pk, pki_key_pem(net_pki, name), strlen(pki_key_pem(net_pki, name)));
    free(pc), free(pk);
}

static struct run live(uint16_t port, const char *extra1, const char *extra2)
{
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)port);
    char *ca = write_pem(net_pki, "n_root.crt", ARGV("root"));
    struct run r =
        extra2 ? check_json(
                     ARGV("--cafile", ca, "--sni", "localhost", "--ocsp", extra1, extra2, target))
        : extra1 ? check_json(ARGV("--cafile", ca, "--sni", "localhost", "--ocsp", extra1, target))
                 : check_json(ARGV("--cafile", ca, "--sni", "localhost", "--ocsp", target));
    free(ca);
    return r;
}

/* A live server that sends only its leaf: --aia fetches the intermediate (nothing without it);
 * a revoked leaf with a good staple: --revocation fails it and says the staple differs. */
static void test_live(void **state)
{
    (void)state;
    write_pair("aia_der");
    write_pair("revoked");
    char *inter = write_pem(net_pki, "n_inter.crt", ARGV("inter"));
    size_t n;
    unsigned char *good = pki_ocsp_response_ex(net_pki, "revoked", 0, 0, &n);
    char *staple = lab("n_staple_good.der");
    put(staple, (const char *)good, n);
    free(good);
    struct peer p;
    if (peer_s_server(&p, false, ARGV("-cert", "@n_aia_der.crt", "-key", "@n_aia_der.key")) != 0)
        fail_msg("s_server");
    size_t before = log_count();
    struct run r = live(p.port, NULL, NULL);
    EXPECT(r, 1);
    assert_int_equal(log_count(), before);
    run_free(&r);
    r = live(p.port, "--aia", NULL);
    EXPECT(r, 1); /* what a client that does not fetch sees */
    assert_string_equal(jstrv(r.j, "chain.fetched.0.outcome"), "ok");
    assert_true(json_is_true(jget(r.j, "chain.fetched_verify_ok")));
    assert_true(has_finding(r.j, "aia_fetched"));
    run_free(&r);
    peer_stop(&p);
    if (peer_s_server(&p, false,
                      ARGV("-cert", "@n_revoked.crt", "-key", "@n_revoked.key", "-cert_chain",
                           "@n_inter.crt", "-status_file", "@n_staple_good.der")) != 0)
        fail_msg("s_server");
    r = live(p.port, "--revocation", NULL);
    EXPECT(r, 1);
    assert_string_equal(jstrv(r.j, "ocsp.status"), "good");
    assert_string_equal(jstrv(rev(r.j, "ocsp"), "status"), "revoked");
    assert_true(has_finding(r.j, "ocsp_staple_differs"));
    assert_true(has_finding(r.j, "cert_revoked"));
    run_free(&r);
    peer_stop(&p);
    free(inter), free(staple);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest files[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_misordered),
        cmocka_unit_test(test_unrelated_and_root_fixed),
        cmocka_unit_test(test_not_ready),
        cmocka_unit_test(test_short_lived_and_cn_only),
        cmocka_unit_test(test_poison_and_unknown_critical),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_k8s_secret),
        cmocka_unit_test(test_passwords),
    };
    const struct CMUnitTest net[] = {
        cmocka_unit_test(test_aia),
        cmocka_unit_test(test_revocation),
        cmocka_unit_test(test_live),
    };
    int failed = cmocka_run_group_tests_name("doctor_files", files, NULL, NULL);
    failed += cmocka_run_group_tests_name("doctor_net", net, net_setup, net_teardown);
    return failed;
}
