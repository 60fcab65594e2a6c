/* The dialogue's frame: the protocol table (names, ports, injection checks), the choice by
 * port, the banner guess, and the bounded input, output and transcript every protocol
 * shares. The protocols themselves: st_lines.c (line protocols), st_binary.c (the rest). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "starttls/st_internal.h"
#include "util/mem.h"
#include "util/sanitize.h"

static const struct {
    const char *name;
    const struct st_ops *ops;
} protos[ST_PROTO_COUNT] = {
    [ST_NONE] = {"none", NULL},
    [ST_SMTP] = {"smtp", &st_ops_smtp},
    [ST_LMTP] = {"lmtp", &st_ops_lmtp},
    [ST_IMAP] = {"imap", &st_ops_imap},
    [ST_POP3] = {"pop3", &st_ops_pop3},
    [ST_FTP] = {"ftp", &st_ops_ftp},
    [ST_XMPP] = {"xmpp", &st_ops_xmpp},
    [ST_XMPP_SERVER] = {"xmpp-server", &st_ops_xmpp_server},
    [ST_LDAP] = {"ldap", &st_ops_ldap},
    [ST_NNTP] = {"nntp", &st_ops_nntp},
    [ST_SIEVE] = {"sieve", &st_ops_sieve},
    [ST_POSTGRES] = {"postgres", &st_ops_postgres},
    [ST_MYSQL] = {"mysql", &st_ops_mysql},
    [ST_IRC] = {"irc", &st_ops_irc},
    [ST_RDP] = {"rdp", &st_ops_rdp},
};

/* Well-known ports: a STARTTLS protocol, or (proto ST_NONE) TLS at once. */
static const struct {
    uint16_t port;
    enum st_proto proto;
    const char *what;
} ports[] = {
    {25, ST_SMTP, "SMTP (mail relay)"},
    {587, ST_SMTP, "SMTP submission"},
    {24, ST_LMTP, "LMTP"},
    {143, ST_IMAP, "IMAP"},
    {110, ST_POP3, "POP3"},
    {21, ST_FTP, "FTP"},
    {5222, ST_XMPP, "XMPP client-to-server"},
    {5269, ST_XMPP_SERVER, "XMPP server-to-server"},
    {389, ST_LDAP, "LDAP"},
    {119, ST_NNTP, "NNTP"},
    {4190, ST_SIEVE, "ManageSieve"},
    {5432, ST_POSTGRES, "PostgreSQL"},
    {3306, ST_MYSQL, "MySQL"},
    {6667, ST_IRC, "IRC"},
    {3389, ST_RDP, "RDP"},
    {443, ST_NONE, "HTTPS"},
    {465, ST_NONE, "SMTP submission over TLS"},
    {993, ST_NONE, "IMAP over TLS"},
    {995, ST_NONE, "POP3 over TLS"},
    {990, ST_NONE, "FTP over TLS"},
    {636, ST_NONE, "LDAP over TLS"},
    {563, ST_NONE, "NNTP over TLS"},
    {5061, ST_NONE, "SIP over TLS"},
    {5223, ST_NONE, "XMPP over TLS"},
    {6697, ST_NONE, "IRC over TLS"},
    {853, ST_NONE, "DNS over TLS"},
    {3269, ST_NONE, "LDAP global catalog over TLS"},
    {5349, ST_NONE, "TURN over TLS"},
    {8443, ST_NONE, "HTTPS (alternate)"},
};

const char *st_proto_name(enum st_proto p)
{
    return (unsigned)p < ST_PROTO_COUNT ? protos[p].name : "none";
}

int st_proto_from_name(const char *name)
{
    for (int i = 0; name && i < ST_PROTO_COUNT; i++)
        if (!strcasecmp(name, protos[i].name))
            return i;
    return -1;
}

const char *st_values(void)
{
    return "auto none smtp lmtp imap pop3 ftp xmpp xmpp-server ldap nntp sieve postgres mysql "
           "irc rdp";
}

bool st_has_injection_check(enum st_proto p)
{
    return (unsigned)p < ST_PROTO_COUNT && protos[p].ops && protos[p].ops->inject;
}

int st_choose(const char *setting, uint16_t port, struct st_choice *out)
{
    memset(out, 0, sizeof(*out));
    if (setting && *setting && strcasecmp(setting, "auto")) {
        int p = st_proto_from_name(setting);
        out->chosen_by = "option";
        if (p < 0) {
            snprintf(out->reason, sizeof out->reason, "--starttls '%.40s' names no protocol",
                     setting);
            return -1;
        }
        out->proto = (enum st_proto)p;
        snprintf(out->reason, sizeof out->reason,
                 p == ST_NONE ? "--starttls none: TLS at once" : "--starttls %s", setting);
        return 0;
    }
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        if (ports[i].port != port)
            continue;
        out->proto = ports[i].proto;
        out->chosen_by = "port";
        out->implicit_tls = ports[i].proto == ST_NONE;
        if (out->implicit_tls)
            snprintf(out->reason, sizeof out->reason, "port %u is %s (implicit TLS): TLS at once",
                     (unsigned)port, ports[i].what);
        else
            snprintf(out->reason, sizeof out->reason,
                     "port %u is %s's: STARTTLS %s (--starttls none to skip it)", (unsigned)port,
                     ports[i].what, protos[ports[i].proto].name);
        return 0;
    }
    out->chosen_by = "default";
    snprintf(out->reason, sizeof out->reason,
             "port %u is no well-known STARTTLS port: TLS at once (--starttls PROTO to change)",
             (unsigned)port);
    return 0;
}

static bool starts(const uint8_t *b, size_t n, const char *s)
{
    size_t k = strlen(s);
    return n >= k && !memcmp(b, s, k);
}

static bool contains(const uint8_t *b, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; k && i + k <= n; i++)
        if (!strncasecmp((const char *)b + i, s, k))
            return true;
    return false;
}

enum st_proto st_guess_from_banner(const uint8_t *b, size_t n)
{
    if (starts(b, n, "220") && contains(b, n, "FTP"))
        return ST_FTP;
    if (starts(b, n, "220") && contains(b, n, "LMTP"))
        return ST_LMTP;
    if (starts(b, n, "220"))
        return ST_SMTP;
    if (starts(b, n, "* OK") || starts(b, n, "* PREAUTH"))
        return ST_IMAP;
    if (starts(b, n, "+OK"))
        return ST_POP3;
    if (starts(b, n, "200 ") || starts(b, n, "201 "))
        return ST_NNTP;
    if (starts(b, n, "\"IMPLEMENTATION\"") || starts(b, n, "\"SIEVE\""))
        return ST_SIEVE;
    if (starts(b, n, "<?xml") || starts(b, n, "<stream:"))
        return ST_XMPP;
    if (n >= 5 && b[3] == 0 && b[4] == 10) /* a MySQL packet, sequence 0, protocol 10 */
        return ST_MYSQL;
    if (starts(b, n, ":") && (contains(b, n, " NOTICE ") || contains(b, n, " 020 ")))
        return ST_IRC;
    return ST_NONE;
}

const char *st_failure_name(enum st_failure f)
{
    switch (f) {
    case ST_FAIL_NONE: return "none";
    case ST_FAIL_NOT_OFFERED: return "not_offered";
    case ST_FAIL_REFUSED: return "refused";
    case ST_FAIL_THROTTLED: return "throttled";
    case ST_FAIL_GARBAGE: return "garbage";
    case ST_FAIL_CLOSED: return "closed";
    case ST_FAIL_FLOOD: return "flood";
    }
    return "none";
}

/* ---- the frame ---- */

struct st_dialogue *st_new(const struct st_params *p, struct starttls_report *rep)
{
    struct st_dialogue *d = xcalloc(1, sizeof(*d));
    d->p = *p;
    const char *ehlo = p->ehlo_name && *p->ehlo_name ? p->ehlo_name : "tlscope.invalid";
    bool literal = strspn(ehlo, "0123456789.") == strlen(ehlo) || strchr(ehlo, ':');
    if (literal) /* RFC 5321's address literal */
        snprintf(d->ehlo, sizeof d->ehlo, "[%s%s]", strchr(ehlo, ':') ? "IPv6:" : "", ehlo);
    else
        snprintf(d->ehlo, sizeof d->ehlo, "%s", ehlo);
    snprintf(d->xmpp, sizeof d->xmpp, "%s", p->xmpp_host ? p->xmpp_host : "");
    d->p.ehlo_name = d->ehlo;
    d->p.xmpp_host = d->xmpp;
    d->ops = (unsigned)p->proto < ST_PROTO_COUNT ? protos[p->proto].ops : NULL;
    d->rep = rep;
    d->tag = 1;
    if (!d->ops)
        st_fail(d, ST_FAIL_GARBAGE, NULL, "no STARTTLS protocol chosen");
    return d;
}

void st_free(struct st_dialogue *d)
{
    free(d);
}

void st_start(struct st_dialogue *d, double now_ms)
{
    d->now = now_ms;
    if (d->status == ST_RUNNING && d->ops->start)
        d->ops->start(d);
}

void st_send(struct st_dialogue *d, const void *bytes, size_t n, const char *text)
{
    if (d->status == ST_FAILED)
        return;
    if (n > sizeof d->out - d->n_out) { /* answers the peer asked for piled up */
        st_fail(d, ST_FAIL_FLOOD, NULL, "the server asked for more answers than we send at once");
        return;
    }
    memcpy(d->out + d->n_out, bytes, n);
    d->n_out += n;
    starttls_add_line(d->rep, d->now, DIR_SENT, text, strlen(text));
}

void st_sendline(struct st_dialogue *d, const char *fmt, ...)
{
    char line[ST_OUT_MAX];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof line - 2)
        k = (int)strlen(line);
    char wire[ST_OUT_MAX];
    memcpy(wire, line, (size_t)k);
    memcpy(wire + k, "\r\n", 2);
    st_send(d, wire, (size_t)k + 2, line);
}

void st_send_starttls(struct st_dialogue *d, const char *command)
{
    if (!d->p.inject || !d->ops->inject) {
        st_sendline(d, "%s", command);
        return;
    }
    char both[ST_OUT_MAX];
    int k = snprintf(both, sizeof both, "%s\r\n%s\r\n", command, d->ops->inject);
    char text[ST_OUT_MAX];
    snprintf(text, sizeof text, "%s + %s (pipelined in the same packet: the injection check)",
             command, d->ops->inject);
    st_send(d, both, (size_t)k, text);
}

void st_heard(struct st_dialogue *d, const char *text, size_t n)
{
    starttls_add_line(d->rep, d->now, DIR_RECEIVED, text, n);
    size_t k = n < sizeof d->last - 1 ? n : sizeof d->last - 1;
    memcpy(d->last, text, k);
    d->last[k] = '\0';
}

void st_ready(struct st_dialogue *d)
{
    if (d->status == ST_RUNNING)
        d->status = ST_READY;
}

void st_fail(struct st_dialogue *d, enum st_failure kind, const char *hint, const char *fmt, ...)
{
    if (d->status != ST_RUNNING)
        return;
    d->status = ST_FAILED;
    d->fail = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    snprintf(d->hint, sizeof d->hint, "%s", hint ? hint : "");
}

void st_refused(struct st_dialogue *d, int code, const char *what, const char *line)
{
    const char *name = protos[d->p.proto].name;
    if (code == 421 || code == 400)
        st_fail(d, ST_FAIL_THROTTLED,
                "the server is busy or limits connections from this address: try again later "
                "(the scanner backs off)",
                "the %s server refused %s for now (%d, a throttle): \"%s\"", name, what, code,
                line);
    else
        st_fail(d, ST_FAIL_REFUSED, NULL, "the %s server refused %s: \"%s\"", name, what, line);
}

void st_cap(struct st_dialogue *d, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (!n || d->rep->capabilities.len >= ST_CAPS_MAX)
        return;
    char buf[STARTTLS_TEXT_MAX + 1];
    size_t k = n < STARTTLS_TEXT_MAX ? n : STARTTLS_TEXT_MAX;
    memcpy(buf, s, k);
    buf[k] = '\0';
    char *valid = utf8_repair(buf, k);
    strlist_take(&d->rep->capabilities, valid);
}

bool st_has_cap(const struct st_dialogue *d, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i < d->rep->capabilities.len; i++) {
        const char *c = d->rep->capabilities.items[i];
        if (!strncasecmp(c, word, k) && (c[k] == '\0' || c[k] == ' '))
            return true;
    }
    return false;
}

void st_consume(struct st_dialogue *d, size_t n)
{
    if (n > d->n_in)
        n = d->n_in;
    memmove(d->in, d->in + n, d->n_in - n);
    d->n_in -= n;
}

/* Splits the input into lines for a line protocol; a line longer than ST_LINE_MAX is a
 * flood. */
static void take_lines(struct st_dialogue *d)
{
    while (d->status == ST_RUNNING) {
        uint8_t *nl = memchr(d->in, '\n', d->n_in);
        if (!nl || nl - d->in > ST_LINE_MAX) {
            if (nl || d->n_in >= ST_LINE_MAX)
                st_fail(d, ST_FAIL_FLOOD, "is this the right protocol and port?",
                        "the server sent a line longer than %d bytes before TLS", ST_LINE_MAX);
            return;
        }
        size_t len = (size_t)(nl - d->in);
        char line[ST_LINE_MAX + 1];
        memcpy(line, d->in, len);
        line[len] = '\0';
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        st_consume(d, (size_t)(nl - d->in) + 1);
        if (++d->rx_lines > ST_RX_LINES_MAX) {
            st_fail(d, ST_FAIL_FLOOD, "is this the right protocol and port?",
                    "the server sent more than %d lines without finishing the dialogue",
                    ST_RX_LINES_MAX);
            return;
        }
        for (size_t i = 0; i < len; i++) /* a NUL would cut the line short: show it */
            if (!line[i])
                line[i] = '?';
        st_heard(d, line, len);
        d->ops->line(d, line);
    }
}

enum st_status st_received(struct st_dialogue *d, const uint8_t *data, size_t n, double now_ms)
{
    d->now = now_ms;
    if (d->status != ST_RUNNING)
        return d->status;
    d->rx_total += n;
    if (d->rx_total > ST_RX_MAX) {
        st_fail(d, ST_FAIL_FLOOD, "is this the right protocol and port?",
                "the server sent more than %d bytes without finishing the dialogue", ST_RX_MAX);
        return d->status;
    }
    while (n && d->status == ST_RUNNING) {
        size_t room = sizeof d->in - d->n_in, k = n < room ? n : room;
        memcpy(d->in + d->n_in, data, k);
        d->n_in += k;
        data += k;
        n -= k;
        if (d->ops->line)
            take_lines(d);
        else
            d->ops->bytes(d);
        if (d->status == ST_RUNNING && d->n_in == sizeof d->in)
            st_fail(d, ST_FAIL_FLOOD, "is this the right protocol and port?",
                    "the server sent a message longer than %zu bytes before TLS", sizeof d->in);
    }
    if (d->status == ST_READY && (n || d->n_in)) {
        char text[96];
        int k =
            snprintf(text, sizeof text,
                     "(%zu more bytes before TLS, left unread by the TLS handshake)", n + d->n_in);
        starttls_add_line(d->rep, d->now, DIR_RECEIVED, text, (size_t)k);
    }
    return d->status;
}

enum st_status st_closed(struct st_dialogue *d, double now_ms)
{
    d->now = now_ms;
    if (d->rx_total == 0)
        st_fail(d, ST_FAIL_CLOSED, "is this the right protocol and port?",
                "the server closed the connection without a word");
    else
        st_fail(d, ST_FAIL_CLOSED, NULL,
                "the server closed the connection during the %s dialogue; its last words: \"%s\"",
                protos[d->p.proto].name, d->last);
    return d->status;
}

const uint8_t *st_output(const struct st_dialogue *d, size_t *n)
{
    *n = d->n_out;
    return d->n_out ? d->out : NULL;
}

void st_sent(struct st_dialogue *d, size_t n)
{
    if (n > d->n_out)
        n = d->n_out;
    memmove(d->out, d->out + n, d->n_out - n);
    d->n_out -= n;
}

enum st_status st_status(const struct st_dialogue *d)
{
    return d->status;
}

enum st_failure st_failure(const struct st_dialogue *d)
{
    return d->fail;
}

const char *st_message(const struct st_dialogue *d)
{
    return d->msg;
}

const char *st_hint(const struct st_dialogue *d)
{
    return d->hint[0] ? d->hint : NULL;
}

bool st_heard_nothing(const struct st_dialogue *d)
{
    return d->rx_total == 0;
}

const char *st_last_line(const struct st_dialogue *d)
{
    return d->last;
}

const char *st_injected(const struct st_dialogue *d)
{
    return d->p.inject && d->ops ? d->ops->inject : NULL;
}

bool st_injection_answered(const struct st_dialogue *d, const char *text, size_t n)
{
    if (!d->p.inject || !d->ops || !d->ops->inject || !n)
        return false;
    if (d->p.proto != ST_SIEVE) /* the others say nothing after STARTTLS until asked */
        return true;
    /* ManageSieve repeats its capabilities after TLS: only the NOOP's tag is an answer */
    return memmem(text, n, "tlscope-probe", 13) != NULL;
}
