/* libFuzzer target for the STARTTLS reply parsers and dialogues (src/starttls) and the HTTP
 * probe's parser.
 *
 * Input: a control byte, then the bytes a server sends. The control byte's low 4 bits pick the
 * protocol (1-14; 0 and 15: the HTTP head parser), bit 4 the injection check, the top 3 bits
 * how the bytes arrive (0: at once, else pieces of 1 to 4k+1 bytes in a pattern). The same
 * bytes also go through each reply parser directly (SMTP/FTP code lines, IMAP lines, LDAP BER,
 * the MySQL greeting, the RDP confirm). Checked: the transcript and capabilities keep their
 * bounds, every text is valid UTF-8 within STARTTLS_TEXT_MAX plus its note, a parser never
 * takes more bytes than it was given, and a finished dialogue stays finished. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "starttls/http.h"
#include "starttls/starttls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parsers(const uint8_t *p, size_t n)
{
    struct st_ldap_result l;
    int k = st_parse_ldap(p, n, &l);
    if (k > (int)n || strlen(l.diag) >= sizeof l.diag)
        abort();
    struct st_mysql_greeting m;
    k = st_parse_mysql_greeting(p, n, &m);
    if (k > (int)n)
        abort();
    struct st_rdp_confirm cc;
    k = st_parse_rdp_confirm(p, n, &cc);
    if (k > (int)n)
        abort();
    char line[512], tag[17], status[8];
    size_t ln = n < sizeof line - 1 ? n : sizeof line - 1;
    memcpy(line, p, ln);
    line[ln] = '\0';
    bool more;
    int code = st_parse_code_line(line, &more);
    if (code != -1 && (code < 100 || code > 599))
        abort();
    if (st_parse_imap_line(line, tag, status) == 0 && (strlen(tag) > 16 || strlen(status) > 7))
        abort();
}

static void check_report(const struct starttls_report *rep)
{
    if (rep->n_lines > STARTTLS_LINES_MAX || rep->capabilities.len > 64)
        abort();
    for (size_t i = 0; i < rep->n_lines; i++)
        if (strlen(rep->lines[i].text) > STARTTLS_TEXT_MAX * 4 + 40) /* \xNN repairs */
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t ctl = data[0];
    data++, size--;
    parsers(data, size);
    unsigned proto = ctl & 15;
    if (proto == 0 || proto >= ST_PROTO_COUNT) {
        struct http_report h = {.hsts_max_age = -1};
        http_parse_head((const char *)data, size, &h);
        if (h.status && (h.status < 100 || h.status > 599))
            abort();
        struct report r = {0};
        r.http = h;
        report_app_free(&r);
        return 0;
    }
    struct starttls_report rep = {0};
    struct st_params p = {
        .proto = (enum st_proto)proto, .ehlo_name = "fuzz", .xmpp_host = "x", .inject = ctl & 16};
    struct st_dialogue *d = st_new(&p, &rep);
    st_start(d, 0);
    size_t piece = ctl >> 5, off = 0;
    unsigned seed = ctl;
    while (off < size) {
        size_t n =
            piece == 0 ? size - off : 1 + (seed = seed * 1103515245u + 12345u) % (4 * piece + 1);
        if (n > size - off)
            n = size - off;
        size_t out;
        if (st_output(d, &out))
            st_sent(d, out);
        enum st_status before = st_status(d);
        enum st_status after = st_received(d, data + off, n, (double)off);
        if (before != ST_RUNNING && after != before)
            abort(); /* a finished dialogue stays finished */
        off += n;
    }
    if (st_status(d) == ST_RUNNING)
        st_closed(d, (double)size);
    if (st_status(d) == ST_FAILED && (st_failure(d) == ST_FAIL_NONE || !*st_message(d)))
        abort();
    st_injection_answered(d, (const char *)data, size);
    check_report(&rep);
    st_free(d);
    starttls_report_free(&rep);
    return 0;
}
