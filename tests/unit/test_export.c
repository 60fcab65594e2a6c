/* Unit tests for the PEM export (src/ui/export.c): the chain as sent and the chain to serve,
 * refusing to overwrite, file modes, default names, and a real certificate openssl reads back.
 * The panes: test_panes_a.c, test_panes_b.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/chain.h"
#include "lab/pki.h"
#include "lib/check.h"
#include "lib/fixture.h"
#include "model/report.h"
#include "ui/export.h"
#include "ui/pane.h"
#include "util/mem.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = xcalloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_export(void **state)
{
    (void)state;
    char dir[] = "/tmp/tlscope-export-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/localhost.pem", dir);
    struct report *r = fixture_chain_report("localhost");
    char err[512] = "";
    assert_int_equal(export_chain_pem(r, path, false, err, sizeof(err)), 0);
    char *data = read_all(path);
    assert_string_equal(data, FIXTURE_LEAF_PEM FIXTURE_INTER_PEM "\n");
    free(data);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    /* It exists now: refused without the flag (file untouched), replaced with it. */
    free(r->sent[1].pem);
    r->sent[1].pem = NULL;
    errno = 0;
    assert_int_equal(export_chain_pem(r, path, false, err, sizeof(err)), -1);
    assert_int_equal(errno, EEXIST);
    char *want = xasprintf("%s exists", path);
    assert_string_equal(err, want);
    free(want);
    data = read_all(path);
    assert_string_equal(data, FIXTURE_LEAF_PEM FIXTURE_INTER_PEM "\n");
    free(data);
    assert_int_equal(export_chain_pem(r, path, true, err, sizeof(err)), 0);
    data = read_all(path);
    assert_string_equal(data, FIXTURE_LEAF_PEM);
    free(data);
    report_free(r);

    /* Nothing sent: an error, no file. */
    struct report *empty = report_new();
    char *path2 = xasprintf("%s/none.pem", dir);
    assert_int_equal(export_chain_pem(empty, path2, false, err, sizeof(err)), -1);
    check_contains(err, "no certificate");
    assert_int_equal(access(path2, F_OK), -1);
    report_free(empty);
    unlink(path);
    free(path2);
    free(path);
    rmdir(dir);
}

/* The chain to serve: the leaf and the path's intermediates, in order, never the root or an
 * unrelated certificate the server sent; the sent export keeps everything as sent. */
static void test_export_to_serve(void **state)
{
    (void)state;
    char dir[] = "/tmp/tlscope-export-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/serve.pem", dir);
    struct report *r = fixture_chain_report("localhost");
    /* the server sends: leaf, an unrelated CA, the root; the intermediate came from the store */
    free(r->sent[1].pem);
    r->sent[1].pem = xstrdup("-----BEGIN CERTIFICATE-----\nUNRELATED\n-----END CERTIFICATE-----\n");
    free(r->sent[1].sha256);
    r->sent[1].sha256 = xstrdup("EE:05");
    free(r->sent[1].subject);
    r->sent[1].subject = xstrdup("CN=Someone Else");
    r->sent = xrealloc(r->sent, 3 * sizeof(*r->sent));
    memset(&r->sent[2], 0, sizeof(r->sent[2]));
    fixture_fill_lab_cert(&r->sent[2], "TLS Lab Root CA", "TLS Lab Root CA", -5, "CC:03");
    r->sent[2].self_signed = r->sent[2].is_ca = true;
    r->sent[2].pem = xstrdup("-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n");
    r->n_sent = 3;
    r->verified[1].pem = xstrdup(FIXTURE_INTER_PEM);
    chain_roles(r);
    assert_int_equal(r->sent[1].role, CHAIN_ROLE_UNRELATED);
    assert_int_equal(r->sent[2].role, CHAIN_ROLE_ROOT);
    const struct cert_info *picked[8];
    assert_int_equal(export_pick(r, EXPORT_TO_SERVE, picked, 8), 2);
    assert_int_equal(export_pick(r, EXPORT_SENT, picked, 8), 3);
    char err[512] = "";
    assert_int_equal(export_chain_pem_of(r, EXPORT_TO_SERVE, path, false, err, sizeof(err)), 0);
    char *data = read_all(path);
    assert_string_equal(data, FIXTURE_LEAF_PEM FIXTURE_INTER_PEM "\n");
    free(data);
    char *name = export_default_name_for(r, EXPORT_TO_SERVE);
    assert_string_equal(name, "localhost.fullchain.pem");
    free(name);
    assert_int_equal(pane_certificates.key(NULL, NULL, 'X', ACT_EXPORT_SERVE, 0),
                     PANE_EXPORT_SERVE);
    report_free(r);
    unlink(path);
    free(path);
    rmdir(dir);
}

/* A real certificate goes out in a file that openssl x509 reads back. */
static void test_export_real_pem(void **state)
{
    (void)state;
    static const struct pki_spec specs[] = {
        {.name = "leaf",
         .subject = "CN=export.test",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 30,
         .path_len = -1,
         .san = "DNS:export.test"},
    };
    struct pki *pki = NULL;
    char err[512] = "";
    if (pki_generate(specs, 1, &pki, err, sizeof(err)))
        fail_msg("pki: %s", err);
    char dir[] = "/tmp/tlscope-export-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/real.pem", dir);
    struct report *r = report_new();
    r->sent = xcalloc(1, sizeof(*r->sent));
    r->n_sent = 1;
    r->sent[0].pem = xstrdup(pki_cert_pem(pki, "leaf"));
    assert_int_equal(export_chain_pem(r, path, false, err, sizeof(err)), 0);
    char *cmd = xasprintf("openssl x509 -noout -subject -in '%s' 2>&1", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char out[512] = "";
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    if (status == 0)
        check_contains(out, "CN = export.test");
    else { /* no openssl binary: the file still holds the PEM text */
        char *data = read_all(path);
        check_contains(data, "-----BEGIN CERTIFICATE-----");
        free(data);
    }
    free(cmd);
    report_free(r);
    pki_free(pki);
    unlink(path);
    free(path);
    rmdir(dir);
}

static void test_export_default_name(void **state)
{
    (void)state;
    static const struct {
        const char *host, *want;
    } cases[] = {
        {"example.com", "example.com.pem"},
        {"::1", "__1.pem"},
        {"../etc/passwd", "_._etc_passwd.pem"},
        {"evil\x1b[31m", "evil__31m.pem"},
        {"a b", "a_b.pem"},
        {"", "chain.pem"},
        {NULL, "chain.pem"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct report *r = report_new();
        r->host = cases[i].host ? xstrdup(cases[i].host) : NULL;
        char *name = export_default_name(r);
        assert_string_equal(name, cases[i].want);
        free(name);
        report_free(r);
    }
}
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_export_real_pem),
        cmocka_unit_test(test_export_to_serve),
        cmocka_unit_test(test_export_default_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
