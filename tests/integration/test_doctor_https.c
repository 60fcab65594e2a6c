/* issue 13: --aia over https:// — the caIssuers URL answered by `openssl s_server -WWW` (the
 * lab's localhost certificate) is fetched through the engine's TLS, verified against the
 * check's trust store: trusted, the intermediate completes the chain; untrusted, the fetch
 * fails and says why. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/pki.h"
#include "lib/harness.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static pid_t server;
static uint16_t port;
static char dir[600];

static uint16_t free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        fail_msg("no free port");
    close(fd);
    return ntohs(a.sin_port);
}

static bool accepts(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* s_server -WWW serves files relative to its working directory: it runs in dir. */
static void start_server(void)
{
    char *crt = harness_path("leaf.crt"), *key = harness_path("leaf.key"),
         *chain = harness_path("inter.crt");
    char accept[32];
    port = free_port();
    snprintf(accept, sizeof accept, "127.0.0.1:%u", (unsigned)port);
    server = fork();
    if (server == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (chdir(dir) != 0)
            _exit(127);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(null, 1), dup2(null, 2);
        execlp("openssl", "openssl", "s_server", "-accept", accept, "-WWW", "-cert", crt, "-key",
               key, "-cert_chain", chain, "-quiet", (char *)NULL);
        _exit(127);
    }
    free(crt), free(key), free(chain);
    for (int i = 0; i < 100 && !accepts(); i++)
        usleep(50000);
    if (!accepts())
        fail_msg("s_server -WWW did not start");
}

static void stop_server(void)
{
    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
        server = 0;
    }
}

static json_t *check(const char *const *argv, int *st)
{
    char *out = NULL, *err = NULL;
    *st = run_tlscope(argv, 60, &out, &err);
    json_error_t je;
    json_t *j = out ? json_loads(out, 0, &je) : NULL;
    if (!j)
        fail_msg("exit %d\nstdout: %.1000s\nstderr: %s", *st, out, err);
    free(out), free(err);
    return j;
}

static const char *fetched(json_t *j, const char *key)
{
    json_t *f = json_array_get(json_object_get(json_object_get(j, "chain"), "fetched"), 0);
    const char *s = json_string_value(json_object_get(f, key));
    return s ? s : "(null)";
}

static void test_aia_https(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/https", harness_dir());
    mkdir(dir, 0700);
    start_server();
    char *url = xasprintf("https://127.0.0.1:%u/inter.pem", (unsigned)port);
    const struct pki_spec specs[] = {
        {.name = "root",
         .subject = "CN=HTTPS AIA Root",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 300,
         .is_ca = true,
         .path_len = -1},
        {.name = "inter",
         .subject = "CN=HTTPS AIA Intermediate",
         .issuer = "root",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 300,
         .is_ca = true,
         .path_len = 0},
        {.name = "leaf",
         .subject = "CN=localhost",
         .issuer = "inter",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 90,
         .path_len = -1,
         .san = "DNS:localhost",
         .ca_issuers_url = url},
    };
    struct pki *p = NULL;
    char err[512];
    if (pki_generate(specs, 3, &p, err, sizeof err) < 0)
        fail_msg("%s", err);
    char *inter = xasprintf("%s/inter.pem", dir), *leaf = harness_path("https_leaf.pem"),
         *roots = harness_path("https_roots.pem"), *own = harness_path("https_own_root.pem");
    char *lab_root = harness_path("root.crt"), *lab_root_pem = NULL;
    size_t n;
    assert_int_equal(file_read_bounded(lab_root, 1 << 20, &lab_root_pem, &n, err, sizeof err), 0);
    struct strbuf sb = {0};
    sb_puts(&sb, pki_cert_pem(p, "root"));
    sb_puts(&sb, lab_root_pem);
    const char *ip = pki_cert_pem(p, "inter"), *lp = pki_cert_pem(p, "leaf"),
               *rp = pki_cert_pem(p, "root");
    assert_int_equal(file_write_atomic(inter, ip, strlen(ip), 0644, true, err, sizeof err), 0);
    assert_int_equal(file_write_atomic(leaf, lp, strlen(lp), 0600, true, err, sizeof err), 0);
    assert_int_equal(file_write_atomic(roots, sb.buf, sb.len, 0600, true, err, sizeof err), 0);
    assert_int_equal(file_write_atomic(own, rp, strlen(rp), 0600, true, err, sizeof err), 0);
    sb_free(&sb);
    int st;
    json_t *j = check(ARGV("--json", "--check-chain", leaf, "--cafile", roots, "--aia"), &st);
    assert_string_equal(fetched(j, "url"), url);
    assert_string_equal(fetched(j, "outcome"), "ok");
    assert_string_equal(fetched(j, "subject"), "CN=HTTPS AIA Intermediate");
    assert_true(json_is_true(json_object_get(json_object_get(j, "chain"), "fetched_verify_ok")));
    json_decref(j);
    /* the HTTPS server's certificate is not trusted by this store: the fetch says so */
    j = check(ARGV("--json", "--check-chain", leaf, "--cafile", own, "--aia"), &st);
    assert_non_null(strstr(fetched(j, "outcome"), "TLS handshake failed"));
    json_decref(j);
    stop_server();
    pki_free(p);
    free(url), free(inter), free(leaf), free(roots), free(own), free(lab_root), free(lab_root_pem);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_aia_https)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stop_server();
    return rc;
}
