/* Why a handshake failed, in words a person can act on: the alert the server sent, the
 * version it wanted, bytes that are not TLS at all, or a local setting that excluded
 * everything. Sets the report's error (stage "tls"). */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string.h>

#include "engine/conn_internal.h"
#include "starttls/starttls.h"
#include "util/mem.h"
#include "util/sanitize.h"

static const struct hs_event *last_alert(const struct report *r, enum event_dir dir)
{
    for (size_t i = r->n_events; i-- > 0;)
        if (r->events[i].dir == dir && r->events[i].content_type == 21 &&
            r->events[i].connection == 1)
            return &r->events[i];
    return NULL;
}

static const struct hs_event *server_hello(const struct report *r)
{
    for (size_t i = 0; i < r->n_events; i++)
        if (r->events[i].dir == DIR_RECEIVED && r->events[i].hs_type == 2 &&
            r->events[i].connection == 1)
            return &r->events[i];
    return NULL;
}

/* "TLS 1.2–1.3", "only TLS 1.2" from the effective settings. OpenSSL 3 cannot do TLS 1.0/1.1
 * above security level 0 (their signatures use MD5/SHA-1), so that is the real floor. */
static void allowed_range(const struct report *r, char *buf, size_t n)
{
    enum proto_version lo = proto_from_name(r->effective.min_proto);
    enum proto_version hi = proto_from_name(r->effective.max_proto);
    if (r->effective.sec_level >= 1 && lo < PROTO_TLS1_2)
        lo = PROTO_TLS1_2;
    if (!hi)
        hi = PROTO_TLS1_3;
    if (lo && hi && lo == hi)
        snprintf(buf, n, "only %s", proto_label(lo));
    else if (lo && hi)
        snprintf(buf, n, "%s–%s", proto_label(lo), proto_label(hi) + 4);
    else if (lo)
        snprintf(buf, n, "%s–1.3", proto_label(lo));
    else if (hi)
        snprintf(buf, n, "up to %s", proto_label(hi));
    else
        snprintf(buf, n, "every version this OpenSSL supports");
}

static const char *version_label(int v)
{
    switch (v) {
    case 0x0300: return "SSL 3.0";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    }
    return "an unknown version";
}

/* What the first bytes look like when they are not a TLS record. */
static bool explain_not_tls(struct conn *c)
{
    const unsigned char *b = c->first_bytes;
    size_t n = c->n_first_bytes;
    if (n == 0)
        return false;
    bool tls = b[0] >= 20 && b[0] <= 24 && (n < 2 || b[1] == 3);
    if (tls)
        return false;
    char *preview = sanitize_preview(b, n, 40);
    const char *looks = "", *hint = "check the port: this service does not speak TLS here";
    if (n >= 5 && !memcmp(b, "HTTP/", 5)) {
        looks = " (first bytes look like HTTP)";
        hint = "this port serves plain HTTP; the TLS port is usually 443";
    } else if (n >= 4 && !memcmp(b, "220", 3)) {
        looks = " (first bytes look like an SMTP or FTP greeting)";
        hint = "the service expects STARTTLS: connect to its implicit-TLS port (465 for SMTP, "
               "990 for FTP) or use STARTTLS";
    } else if (n >= 3 && !memcmp(b, "+OK", 3)) {
        looks = " (first bytes look like a POP3 greeting)";
        hint = "use port 995 for POP3 over TLS, or STARTTLS (STLS)";
    } else if (n >= 4 && !memcmp(b, "* OK", 4)) {
        looks = " (first bytes look like an IMAP greeting)";
        hint = "use port 993 for IMAP over TLS, or STARTTLS";
    } else if (n >= 4 && !memcmp(b, "SSH-", 4)) {
        looks = " (this is an SSH server)";
    }
    /* A STARTTLS service's greeting: name the --starttls that speaks it. */
    char suggest[300];
    enum st_proto guess = st_guess_from_banner(b, n);
    if (guess != ST_NONE && c->st_proto == ST_NONE) {
        snprintf(suggest, sizeof suggest,
                 "the server greets in plaintext like %s: try --starttls %s (%s)",
                 st_proto_name(guess), st_proto_name(guess),
                 c->r->starttls.reason ? c->r->starttls.reason : "no STARTTLS was chosen");
        hint = suggest;
    }
    report_set_error(c->r, STAGE_TLS, hint, "server sent no TLS%s: \"%s\"", looks, preview);
    free(preview);
    return true;
}

static bool explain_alert(struct conn *c, const struct hs_event *a)
{
    struct report *r = c->r;
    char range[64];
    allowed_range(r, range, sizeof(range));
    int d = a->alert_desc;
    const char *an = alert_name(d);
    bool sent_cert = c->cert_requested && SSL_get_certificate(c->ssl) != NULL;
    switch (d) {
    case 70:
        report_set_error(r, STAGE_TLS,
                         "a new server may need TLS 1.3 (--max-proto tls1.3); an old one only TLS "
                         "1.0/1.1 (--min-proto tls1.0 --sec-level 0)",
                         "no shared protocol version: the server refused %s (alert "
                         "protocol_version)",
                         range);
        return true;
    case 116:
        report_set_error(r, STAGE_TLS, "pass a client certificate with --cert FILE --key FILE",
                         "the server requires a client certificate and we sent none (alert "
                         "certificate_required)");
        return true;
    case 40:
        if (c->cert_requested && !sent_cert) {
            report_set_error(r, STAGE_TLS, "pass a client certificate with --cert FILE --key FILE",
                             "the server requires a client certificate and we sent none (alert "
                             "handshake_failure)");
        } else {
            report_set_error(r, STAGE_TLS,
                             "compare the offered lists with the server's configuration; a "
                             "legacy server may need --ciphers 'ALL:@SECLEVEL=0'",
                             "the server refused the handshake (alert handshake_failure): no "
                             "cipher suite, group or signature algorithm in common — we offered "
                             "%zu suites and %zu groups",
                             r->offered.ciphers.len, r->offered.groups.len);
        }
        return true;
    case 42:
    case 43:
    case 44:
    case 45:
    case 46:
    case 48:
    case 49:
    case 51:
        if (sent_cert) {
            report_set_error(r, STAGE_TLS,
                             "the server does not trust our client certificate: use one issued "
                             "by a CA it accepts (see the CA names it sent)",
                             "the server rejected our client certificate (alert %s)", an);
            return true;
        }
        if (c->cert_requested) {
            report_set_error(r, STAGE_TLS, "pass a client certificate with --cert FILE --key FILE",
                             "the server requires a client certificate and we sent none (alert %s)",
                             an);
            return true;
        }
        break;
    case 112:
        report_set_error(r, STAGE_TLS, "set the name the server expects with --sni NAME",
                         "the server does not serve the name we sent as SNI ('%s') (alert "
                         "unrecognized_name)",
                         r->sni ? r->sni : "");
        return true;
    case 120:
        report_set_error(r, STAGE_TLS, "offer a protocol the server speaks, e.g. --alpn http/1.1",
                         "no application protocol in common: the server accepts none of the ALPN "
                         "protocols we offered (alert no_application_protocol)");
        return true;
    case 71:
        report_set_error(r, STAGE_TLS, NULL,
                         "the server wants stronger parameters than we offered (alert "
                         "insufficient_security): allow newer suites or groups");
        return true;
    }
    report_set_error(r, STAGE_TLS, NULL, "the server aborted the handshake with alert %s (%d)", an,
                     d);
    return true;
}

static bool explain_local(struct conn *c, unsigned long lib)
{
    struct report *r = c->r;
    char range[64];
    allowed_range(r, range, sizeof(range));
    if (ERR_GET_LIB(lib) != ERR_LIB_SSL)
        return false;
    int reason = ERR_GET_REASON(lib);
    const struct hs_event *sh = server_hello(r);
    int sh_version = sh && sh->n_bytes >= 6 ? (sh->bytes[4] << 8) | sh->bytes[5] : 0;
    if (sh_version && sh_version < 0x0303 && r->effective.sec_level >= 1) {
        /* The server chose TLS 1.0/1.1 and OpenSSL refused one of its legacy algorithms. */
        report_set_error(r, STAGE_TLS,
                         "to talk to it anyway: --min-proto tls1.0 --sec-level 0 (OpenSSL 3 allows "
                         "TLS 1.0/1.1 only at security level 0); better, upgrade the server",
                         "no shared protocol version: server wants %s, we allow %s (security "
                         "level %d)",
                         version_label(sh_version), range, r->effective.sec_level);
        return true;
    }
    switch (reason) {
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_WRONG_SSL_VERSION:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
        if (sh && sh->n_bytes >= 6) {
            int v = (sh->bytes[4] << 8) | sh->bytes[5];
            report_set_error(r, STAGE_TLS,
                             v < 0x0303 ? "to talk to it anyway: --min-proto tls1.0 --sec-level 0 "
                                          "(OpenSSL 3 allows TLS 1.0/1.1 only at security level "
                                          "0); better, upgrade the server"
                                        : NULL,
                             "no shared protocol version: server wants %s, we allow %s",
                             version_label(v), range);
        } else {
            report_set_error(r, STAGE_TLS, NULL, "no shared protocol version: we allow %s", range);
        }
        return true;
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
        report_set_error(r, STAGE_TLS,
                         "OpenSSL 3 disables TLS 1.0/1.1 above security level 0: add --sec-level 0",
                         "no protocol version is usable with these settings (%s at security level "
                         "%d)",
                         range, r->effective.sec_level);
        return true;
    case SSL_R_NO_CIPHERS_AVAILABLE:
        report_set_error(r, STAGE_TLS, NULL,
                         "no cipher suite is usable with these settings (check --ciphers and "
                         "--sec-level)");
        return true;
    case SSL_R_DH_KEY_TOO_SMALL:
        report_set_error(r, STAGE_TLS, "the server should use ECDHE or DH groups of 2048 bits",
                         "the server's Diffie-Hellman key is too small for security level %d",
                         r->effective.sec_level);
        return true;
    case SSL_R_CA_MD_TOO_WEAK:
    case SSL_R_EE_KEY_TOO_SMALL:
    case SSL_R_CA_KEY_TOO_SMALL:
        report_set_error(r, STAGE_TLS, "--sec-level 0 shows the rest of the handshake",
                         "the server's certificate is too weak for security level %d (%s)",
                         r->effective.sec_level, ERR_reason_error_string(lib));
        return true;
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_RECORD_LENGTH_MISMATCH:
        report_set_error(r, STAGE_TLS, "check the port: this may not be a TLS service",
                         "the server's reply is not a valid TLS record (%s)",
                         ERR_reason_error_string(lib));
        return true;
    case SSL_R_UNEXPECTED_EOF_WHILE_READING: return false;
    }
    return false;
}

void failure_explain(struct conn *c, int ssl_err, unsigned long lib, int sys_errno)
{
    struct report *r = c->r;
    if (explain_not_tls(c))
        return;
    const struct hs_event *a = last_alert(r, DIR_RECEIVED);
    if (a && a->alert_level == 2 && explain_alert(c, a))
        return;
    if (explain_local(c, lib))
        return;
    bool eof = ssl_err == SSL_ERROR_ZERO_RETURN ||
               (ssl_err == SSL_ERROR_SYSCALL && sys_errno == 0) ||
               (ERR_GET_LIB(lib) == ERR_LIB_SSL &&
                ERR_GET_REASON(lib) == SSL_R_UNEXPECTED_EOF_WHILE_READING);
    if (eof || sys_errno == ECONNRESET) {
        bool nothing = c->n_first_bytes == 0;
        report_set_error(r, STAGE_TLS,
                         "some servers drop a ClientHello they dislike without an alert: try "
                         "another --sni, protocol range or cipher list; or this is not a TLS port",
                         "the server %s %s",
                         sys_errno == ECONNRESET ? "reset the connection" : "closed the connection",
                         nothing ? "without answering our ClientHello"
                                 : "in the middle of the handshake");
        return;
    }
    if (ssl_err == SSL_ERROR_SYSCALL && sys_errno) {
        report_set_error(r, STAGE_TLS, NULL, "socket error during the handshake: %s",
                         strerror(sys_errno));
        return;
    }
    const char *why = lib ? ERR_reason_error_string(lib) : NULL;
    report_set_error(r, STAGE_TLS, NULL, "TLS handshake failed: %s",
                     why ? why : "no reason given by OpenSSL");
}
