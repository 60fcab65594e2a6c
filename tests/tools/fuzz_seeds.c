/* fuzz_seeds DIR — writes seed corpora for the libFuzzer targets from real connections:
 * openssl s_server on loopback (the lab PKI of tests/lib/harness.h) in several set-ups
 * (TLS 1.3, a HelloRetryRequest, CertificateRequest in both layouts, TLS 1.2, ALPN, an OCSP
 * staple, a client certificate), each connected to by the engine.
 *   DIR/wire/SCENARIO-NN-Message.bin  every handshake message received (and the ClientHello
 *                                     sent), as the engine saw it
 *   DIR/diff/SCENARIO.json            the --json report
 *   DIR/diff/pair-A-B.json            two reports separated by a NUL byte (fuzz_diff's input)
 * tests/fuzz/corpus/{wire,diff} were made with it: `build/tests/tools/fuzz_seeds
 * tests/fuzz/corpus`. Timings and ports differ from run to run; nothing depends on the exact bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "model/config.h"
#include "model/report.h"
#include "render/json.h"
#include "util/mem.h"

#define GOOD_CHAIN "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define ARGS(...)  ((const char *const[]){__VA_ARGS__, NULL})

struct scenario {
    const char *name;
    const char *const *server;
    enum proto_version max_proto;
    const char *alpn;
    const char *groups;
    bool ocsp, client_cert;
};

static int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "fuzz_seeds: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Runs one scenario; returns its JSON report (caller frees) or NULL. */
static char *run(const char *dir, const struct scenario *s)
{
    struct peer p;
    if (peer_s_server(&p, false, s->server) != 0)
        return NULL;
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("localhost");
    cfg.port = p.port;
    cfg.ca_file = harness_path("root.crt");
    cfg.max_proto = s->max_proto;
    cfg.timeout_s = 5;
    cfg.ocsp = s->ocsp;
    if (s->groups)
        cfg.groups = xstrdup(s->groups);
    if (s->alpn)
        strlist_push(&cfg.alpn, s->alpn);
    if (s->client_cert) {
        cfg.cert_file = harness_path("client.crt");
        cfg.key_file = harness_path("client.key");
    }
    struct report *r = engine_connect(&cfg);
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        bool sent_hello = ev->dir == DIR_SENT && ev->hs_type == 1;
        if ((ev->dir != DIR_RECEIVED && !sent_hello) || ev->content_type != 22 || !ev->n_bytes)
            continue;
        if (ev->hs_type == 4 && i > 0 && ev[-1].hs_type == 4)
            continue; /* the second NewSessionTicket is the first one again */
        char *path = xasprintf("%s/wire/%s-%02zu-%s.bin", dir, s->name, i, ev->name);
        write_file(path, ev->bytes, ev->n_bytes);
        free(path);
    }
    char *json = json_render_report(r, true);
    char *path = xasprintf("%s/diff/%s.json", dir, s->name);
    write_file(path, json, strlen(json));
    free(path);
    report_free(r);
    config_free(&cfg);
    peer_stop(&p);
    return json;
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s DIR\nWrites DIR/wire and DIR/diff seed corpora.\n",
                argc > 0 ? argv[0] : "fuzz_seeds");
        return 2;
    }
    const char *dir = argv[1];
    for (int i = 0; i < 3; i++) {
        char *sub = xasprintf("%s%s", dir, i == 0 ? "" : i == 1 ? "/wire" : "/diff");
        if (mkdir(sub, 0755) < 0 && errno != EEXIST) {
            fprintf(stderr, "fuzz_seeds: %s: %s\n", sub, strerror(errno));
            return 1;
        }
        free(sub);
    }
    const struct scenario sc[] = {
        {"tls13", ARGS(GOOD_CHAIN), PROTO_UNSET, NULL, NULL, false, false},
        /* the client's key share is for x25519 only; the server wants P-256: a HRR */
        {"tls13-hrr", ARGS(GOOD_CHAIN, "-groups", "P-256"), PROTO_UNSET, NULL, "x25519:P-256",
         false, false},
        {"tls13-certreq", ARGS(GOOD_CHAIN, "-verify", "1", "-CAfile", "@client_ca.crt"),
         PROTO_UNSET, NULL, NULL, false, false},
        {"tls13-clientcert", ARGS(GOOD_CHAIN, "-Verify", "1", "-CAfile", "@client_ca.crt"),
         PROTO_UNSET, NULL, NULL, false, true},
        {"tls13-alpn", ARGS(GOOD_CHAIN, "-alpn", "h2,http/1.1"), PROTO_UNSET, "h2", NULL, false,
         false},
        {"tls12", ARGS(GOOD_CHAIN), PROTO_TLS1_2, NULL, NULL, false, false},
        {"tls12-certreq", ARGS(GOOD_CHAIN, "-verify", "1", "-CAfile", "@client_ca.crt"),
         PROTO_TLS1_2, NULL, NULL, false, false},
        {"tls12-ocsp", ARGS(GOOD_CHAIN, "-status_file", "@ocsp_good.der"), PROTO_TLS1_2, NULL, NULL,
         true, false},
        {"tls13-expired",
         ARGS("-cert", "@expired.crt", "-key", "@expired.key", "-cert_chain", "@inter.crt"),
         PROTO_UNSET, NULL, NULL, false, false},
        {"tls13-untrusted",
         ARGS("-cert", "@leaf2.crt", "-key", "@leaf2.key", "-cert_chain", "@inter2.crt"),
         PROTO_UNSET, NULL, NULL, false, false},
    };
    size_t n = sizeof sc / sizeof sc[0];
    char **json = xcalloc(n, sizeof *json);
    for (size_t i = 0; i < n; i++)
        if (!(json[i] = run(dir, &sc[i])))
            fprintf(stderr, "fuzz_seeds: %s: the server did not start\n", sc[i].name);
    /* Pairs that differ in protocol, verification, chain and findings. */
    static const size_t pairs[][2] = {{0, 5}, {0, 8}, {0, 9}, {2, 6}, {4, 1}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *a = json[pairs[i][0]], *b = json[pairs[i][1]];
        if (!a || !b)
            continue;
        size_t la = strlen(a), lb = strlen(b);
        char *both = xmalloc(la + 1 + lb);
        memcpy(both, a, la + 1);
        memcpy(both + la + 1, b, lb);
        char *path =
            xasprintf("%s/diff/pair-%s-%s.json", dir, sc[pairs[i][0]].name, sc[pairs[i][1]].name);
        write_file(path, both, la + 1 + lb);
        free(path);
        free(both);
    }
    for (size_t i = 0; i < n; i++)
        free(json[i]);
    free(json);
    return 0;
}
