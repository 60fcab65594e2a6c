/* libFuzzer target for the TLS wire parsers: the input is one handshake message as the
 * message callback hands it over (type, 3-byte length, body), and every parser and the
 * detail-view decoder run on it — ClientHello, ServerHello/HelloRetryRequest,
 * CertificateRequest (TLS 1.3 and 1.2 layouts), the extension list, wire_describe for both
 * layouts, the hex dump. Any input must parse or fail cleanly (no crash, leak, out-of-bounds
 * read or undefined behaviour), and what the parsers promise must hold:
 *   - a failure sets a reason and leaves the struct owning nothing;
 *   - a parsed hello's spans point inside its own copy of the message, a ServerHello has
 *     exactly one suite and one compression, lists stay within WIRE_LIST_MAX;
 *   - wire_describe never returns NULL, has "type" first when a header is there, and every
 *     value is valid UTF-8.
 * The same bytes also go to the SSLv2 hello parsers (as an SSLv2 record body): a parsed
 * hello's spans lie inside the input and its specs within WIRE_SSL2_SPECS_MAX; a failure
 * leaves the struct zeroed.
 * Seeds (tests/fuzz/corpus/wire/) are real messages captured from openssl s_server by
 * tests/tools/fuzz_seeds. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/serve.h"
#include "wire/wire.h"
#include "model/report.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/strlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_wire: broken promise: %s\n", what);
        abort();
    }
}

static bool zeroed(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* A span of a parsed struct lies inside its raw copy. */
static bool inside(struct wire_span s, const uint8_t *raw, size_t raw_len)
{
    return s.len == 0 || (s.data >= raw && s.data + s.len <= raw + raw_len);
}

static void check_hello(const struct wire_hello *h, bool server)
{
    must(h->raw && h->raw_len > 0, "hello owns a copy of the message");
    for (size_t i = 0; i < h->n_exts; i++)
        must(inside(h->exts[i].body, h->raw, h->raw_len), "extension body inside raw");
    for (size_t i = 0; i < h->n_alpn; i++)
        must(inside(h->alpn[i], h->raw, h->raw_len), "ALPN name inside raw");
    must(inside(h->sni, h->raw, h->raw_len), "SNI inside raw");
    must(h->n_exts <= WIRE_EXT_MAX, "extensions within WIRE_EXT_MAX");
    must(h->n_ciphers <= WIRE_LIST_MAX && h->n_groups <= WIRE_LIST_MAX &&
             h->n_sigalgs <= WIRE_LIST_MAX && h->n_versions <= WIRE_LIST_MAX,
         "lists within WIRE_LIST_MAX");
    must(h->session_id_len <= 32, "session id at most 32 bytes");
    if (server)
        must(h->n_ciphers == 1 && h->n_compressions == 1, "one suite, one compression");
    for (size_t i = 0; i < h->n_exts; i++)
        must(wire_hello_find_ext(h, h->exts[i].type) != NULL, "find_ext finds every type");
}

static void run_hello(const uint8_t *data, size_t size, bool server)
{
    struct wire_hello h;
    const char *why = NULL;
    int rc = server ? wire_parse_server_hello(data, size, &h, &why)
                    : wire_parse_client_hello(data, size, &h, &why);
    if (rc != 0) {
        must(why && *why, "a failure has a reason");
        must(zeroed(&h, sizeof h), "a failed parse leaves the hello zeroed");
        return;
    }
    check_hello(&h, server);
    if (!server) {
        struct offered o;
        memset(&o, 0, sizeof o);
        wire_fill_offered(&h, &o);
        struct strlist *lists[] = {&o.versions, &o.ciphers,    &o.ciphers_openssl,
                                   &o.groups,   &o.key_shares, &o.sigalgs,
                                   &o.alpn,     &o.extensions};
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
            strlist_free(lists[i]);
    }
    wire_hello_free(&h);
}

static void run_cert_request(const uint8_t *data, size_t size, bool tls13)
{
    struct wire_cert_request cr;
    const char *why = NULL;
    if (wire_parse_certificate_request(data, size, tls13, &cr, &why) != 0) {
        must(why && *why, "a failure has a reason");
        must(zeroed(&cr, sizeof cr), "a failed parse leaves the request zeroed");
        return;
    }
    must(cr.raw && cr.raw_len == size, "request owns a copy of the message");
    must(inside(cr.context, cr.raw, cr.raw_len), "context inside raw");
    for (size_t i = 0; i < cr.n_ca_names; i++)
        must(inside(cr.ca_names[i], cr.raw, cr.raw_len), "CA name inside raw");
    for (size_t i = 0; i < cr.n_exts; i++)
        must(inside(cr.exts[i].body, cr.raw, cr.raw_len), "extension body inside raw");
    wire_cert_request_free(&cr);
}

static void run_describe(const uint8_t *data, size_t size, bool tls13)
{
    size_t n = 0;
    struct name_value *nv = wire_describe(data, size, tls13, &n);
    must(nv && n >= 1, "describe returns at least one entry");
    if (size >= 4) /* a header is there */
        must(nv[0].name && strcmp(nv[0].name, "type") == 0, "describe starts with type");
    for (size_t i = 0; i < n; i++) {
        must(nv[i].name && nv[i].value, "every entry has a name and a value");
        char *fixed = utf8_repair(nv[i].value, strlen(nv[i].value));
        must(strcmp(fixed, nv[i].value) == 0, "describe values are valid UTF-8");
        free(fixed);
    }
    wire_describe_free(nv, n);
}

static void run_ssl2(const uint8_t *data, size_t size)
{
    static struct wire_ssl2_hello h;
    for (int server = 0; server < 2; server++) {
        const char *why = NULL;
        int rc = server ? wire_parse_ssl2_server_hello(data, size, &h, &why)
                        : wire_parse_ssl2_client_hello(data, size, &h, &why);
        if (rc != 0) {
            must(why != NULL && zeroed(&h, sizeof h), "a failed SSLv2 parse: reason, zeroed");
            continue;
        }
        must(h.n_specs <= WIRE_SSL2_SPECS_MAX, "SSLv2 specs within bound");
        must(inside(h.session_id, data, size) && inside(h.challenge, data, size) &&
                 inside(h.cert, data, size) && inside(h.conn_id, data, size),
             "SSLv2 spans inside the input");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > EVENT_BYTES_MAX)
        return 0; /* the engine never keeps more of one message */
    run_hello(data, size, false);
    run_hello(data, size, true);
    run_ssl2(data, size);
    run_cert_request(data, size, true);
    run_cert_request(data, size, false);
    struct wire_ext_list l = {0};
    if (wire_parse_extension_list(data, size, &l) == 0)
        must(l.n <= WIRE_EXT_MAX, "extension list within WIRE_EXT_MAX");
    else
        must(l.n == 0 && l.types == NULL, "a failed extension list holds nothing");
    wire_ext_list_free(&l);
    run_describe(data, size, true);
    run_describe(data, size, false);
    struct strbuf sb = {0};
    wire_hexdump(data, size < 512 ? size : 512, &sb);
    sb_free(&sb);
    return 0;
}
