/* libFuzzer target for the scanner's probe-reply path: the bytes a server answered a probe
 * with (as a scan keeps them: records, or an SSLv2 record) go through scan_read_reply (the
 * ServerHello / HRR / alert / SSLv2 reading, the ServerKeyExchange's DH size) and through the
 * evidence view (scan_render_probe: every record decoded and dumped in hex). Checks: the reply
 * is consistent with its outcome, the DH size is bounded by the input, and the evidence text
 * holds no control character but newlines. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/scan.h"
#include "scan/scan_internal.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scan_reply rp;
    int rc = scan_read_reply(data, size, &rp);
    if ((rc == 0) != (rp.outcome != HELLO_NONE))
        abort();
    if (rp.outcome != HELLO_SERVER_HELLO && (rp.ske || rp.dh_bits))
        abort(); /* a key exchange is read only after a ServerHello */
    if ((size_t)rp.dh_bits > 8 * size || rp.session_id_len > 32 || strlen(rp.alpn) >= 64)
        abort();
    struct scan_report *r = scan_report_new();
    struct scan_probe *p = scan_report_add_probe(r, "fuzz");
    p->outcome = rp.outcome;
    p->alert = rp.alert;
    p->received = xmalloc(size ? size : 1);
    memcpy(p->received, data, size);
    p->n_received = size;
    char *text = scan_render_probe(r, 0);
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\n')
            abort();
    free(text);
    scan_report_free(r);
    return 0;
}
