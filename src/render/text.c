/* The plain-text renderer: a report as labelled, aligned, wrapped sections for a person.
 * Every value goes through sanitize_terminal before it is laid out. */
#include "render/text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#define TX_VALUE_COL 16 /* "  " + a label of at most 13 columns + at least one blank */
#define TX_MIN_WIDTH 40
#define TX_MIN_ROOM  10 /* a value always gets at least this many columns per line */

/* Output state of one rendering; the buffer is handed to the caller at the end. */
struct tx {
    struct strbuf sb;
    size_t width; /* 0: no wrapping */
    bool any_section;
};

static const char *tx_next_cp(const char *p)
{
    p++;
    while (((unsigned char)*p & 0xC0) == 0x80)
        p++;
    return p;
}

static void tx_pad(struct tx *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_putc(&t->sb, ' ');
}

/* Finds where the line that starts at p must end when room code points fit: at the end of the
 * text, at the last blank that fits, else after the last ':' ',' ';' '/' that fits (so a
 * fingerprint breaks between bytes), else after room code points. */
static const char *tx_cut(const char *p, size_t room)
{
    const char *q = p, *blank = NULL, *soft = NULL;
    size_t cps = 0;
    while (*q && cps < room) {
        if (*q == ' ' && q > p)
            blank = q;
        else if (strchr(":,;/", *q) && q > p)
            soft = q + 1;
        q = tx_next_cp(q);
        cps++;
    }
    if (!*q || *q == ' ')
        return q;
    return blank ? blank : soft ? soft : q;
}

/* Appends text (already sanitised, no newline) starting at column col, wrapping at the width
 * with continuation lines indented to TX_VALUE_COL, and ends the line. */
static void tx_wrap(struct tx *t, size_t col, const char *text)
{
    const char *p = text;
    for (;;) {
        size_t room = SIZE_MAX;
        if (t->width)
            room = t->width > col + TX_MIN_ROOM ? t->width - col : TX_MIN_ROOM;
        const char *cut = tx_cut(p, room);
        const char *end = cut;
        while (end > p && end[-1] == ' ')
            end--;
        sb_add(&t->sb, p, (size_t)(end - p));
        p = cut;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        sb_putc(&t->sb, '\n');
        tx_pad(t, TX_VALUE_COL);
        col = TX_VALUE_COL;
    }
    sb_putc(&t->sb, '\n');
}

static void tx_section(struct tx *t, const char *title)
{
    if (t->any_section)
        sb_putc(&t->sb, '\n');
    t->any_section = true;
    sb_puts(&t->sb, title);
    sb_putc(&t->sb, '\n');
}

/* "  label         value", value sanitised and wrapped. A NULL value writes nothing. */
static void tx_field(struct tx *t, const char *label, const char *value)
{
    if (!value)
        return;
    size_t n = strlen(label);
    sb_puts(&t->sb, "  ");
    sb_puts(&t->sb, label);
    size_t col = 2 + n;
    if (col < TX_VALUE_COL) {
        tx_pad(t, TX_VALUE_COL - col);
        col = TX_VALUE_COL;
    } else {
        sb_putc(&t->sb, ' ');
        col++;
    }
    char *safe = sanitize_terminal(value);
    tx_wrap(t, col, safe);
    free(safe);
}

static void tx_fieldf(struct tx *t, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void tx_fieldf(struct tx *t, const char *label, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *buf = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(buf, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    tx_field(t, label, buf);
    free(buf);
}

/* The items joined with ", "; empty lists write empty_text (or nothing when it is NULL). */
static void tx_list(struct tx *t, const char *label, const struct strlist *l,
                    const char *empty_text)
{
    if (l->len == 0) {
        tx_field(t, label, empty_text);
        return;
    }
    char *joined = strlist_join(l, ", ");
    tx_field(t, label, joined);
    free(joined);
}

static const char *str_or(const char *s, const char *fallback)
{
    return s && *s ? s : fallback;
}

/* ---- sections ---------------------------------------------------------------------------- */

static void text_target(struct tx *t, const struct report *r)
{
    tx_section(t, "Target");
    tx_field(t, "host", str_or(r->host, "(none)"));
    tx_fieldf(t, "port", "%u", (unsigned)r->port);
    tx_field(t, "address", r->address);
    for (size_t i = 0; r->n_addresses > 1 && i < r->n_addresses; i++) {
        char *line = text_addr_attempt(&r->addresses[i]);
        tx_field(t, i == 0 ? "tried" : "", line);
        free(line);
    }
    tx_field(t, "sni", str_or(r->sni, "(none sent)"));
    tx_field(t, "started", r->started_at[0] ? r->started_at : NULL);
}

static size_t ignored_errors(const struct report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_verify_errors; i++)
        n += r->verify_errors[i].ignored;
    return n;
}

static void text_verdict(struct tx *t, const struct report *r)
{
    char *line;
    if (!r->ok && r->error.stage == STAGE_NONE) {
        line = xstrdup("FAILED: no TLS session");
    } else if (!r->ok) {
        const struct report_error *e = &r->error;
        char *where = e->stage == STAGE_TIMEOUT ? xasprintf("timeout in %s", stage_name(e->during))
                                                : xstrdup(stage_name(e->stage));
        line = e->message ? xasprintf("FAILED (%s): %s", where, e->message)
                          : xasprintf("FAILED (%s)", where);
        free(where);
    } else if (r->verify_ok) {
        size_t n = ignored_errors(r);
        const char *word = verdict_label(report_verdict(r));
        line =
            n ? xasprintf("%s (%zu error%s ignored)", word, n, n == 1 ? "" : "s") : xstrdup(word);
    } else {
        /* Lead with the first error that counts: the reason a person reads first. */
        const struct verify_error *first = NULL;
        for (size_t i = 0; i < r->n_verify_errors && !first; i++)
            if (!r->verify_errors[i].ignored)
                first = &r->verify_errors[i];
        const char *off = r->effective.verify ? "" : " (verification off: connection kept)";
        if (first && first->depth >= 0)
            line = xasprintf("NOT VERIFIED: %s (depth %d)%s", str_or(first->message, first->name),
                             first->depth, off);
        else if (first)
            line = xasprintf("NOT VERIFIED: %s%s", str_or(first->message, first->name), off);
        else
            line = xasprintf("NOT VERIFIED%s", off);
    }
    char *safe = sanitize_terminal(line);
    sb_puts(&t->sb, "  ");
    tx_wrap(t, 2, safe);
    free(safe);
    free(line);
}

static void text_result(struct tx *t, const struct report *r)
{
    tx_section(t, "Result");
    text_verdict(t, r);
    const struct report_error *e = &r->error;
    if (r->ok && e->stage != STAGE_NONE)
        tx_fieldf(t, "problem", "(%s) %s", stage_name(e->stage), str_or(e->message, ""));
    if (e->stage != STAGE_NONE)
        tx_field(t, "hint", e->hint);
    tx_fieldf(t, "exit status", "%d", report_exit_status(r));
}

static void text_cipher(struct tx *t, const struct report *r)
{
    const char *iana = str_or(r->cipher_iana, r->cipher_name);
    if (!iana)
        return;
    if (r->cipher_id)
        tx_fieldf(t, "cipher", "%s (0x%04X, %d bits)", iana, (unsigned)r->cipher_id,
                  r->cipher_bits);
    else
        tx_fieldf(t, "cipher", "%s (%d bits)", iana, r->cipher_bits);
    if (r->cipher_name && strcmp(r->cipher_name, iana))
        tx_field(t, "openssl name", r->cipher_name);
    tx_field(t, "key exchange", r->cipher_kx);
    tx_field(t, "auth", r->cipher_auth);
}

static void text_negotiated(struct tx *t, const struct report *r)
{
    tx_field(t, "protocol", r->protocol);
    text_cipher(t, r);
    tx_field(t, "group", r->group);
    if (r->peer_key_type)
        tx_fieldf(t, "peer key", "%s, %d bits", r->peer_key_type, r->peer_key_bits);
    if (r->sig_type || r->sig_scheme) {
        char *scheme = r->sig_scheme ? xasprintf(" (%s)", r->sig_scheme) : xstrdup("");
        tx_fieldf(t, "signature", "%s%s%s%s", str_or(r->sig_type, "?"),
                  r->sig_digest ? " with " : "", str_or(r->sig_digest, ""), scheme);
        free(scheme);
    }
    tx_field(t, "alpn", str_or(r->alpn, "none"));
    tx_list(t, "extensions", &r->server_extensions, NULL);
}

static void text_session(struct tx *t, const struct report *r)
{
    tx_field(t, "session", r->session_reused ? "reused" : "new");
    if (r->ticket_lifetime_hint >= 0)
        tx_fieldf(t, "tickets", "%d (lifetime hint %ld s)", r->tickets, r->ticket_lifetime_hint);
    else
        tx_fieldf(t, "tickets", "%d", r->tickets);
    if (r->resumed_on_reconnect != TRI_NA)
        tx_field(t, "reconnect",
                 r->resumed_on_reconnect == TRI_YES ? "session resumed" : "session not resumed");
    if (r->extended_master_secret != TRI_NA)
        tx_field(t, "master secret",
                 r->extended_master_secret == TRI_YES ? "extended (RFC 7627)"
                                                      : "not extended (no RFC 7627)");
    if (r->secure_renegotiation != TRI_NA)
        tx_field(t, "renegotiation",
                 r->secure_renegotiation == TRI_YES ? "secure (RFC 5746)"
                                                    : "insecure (no RFC 5746)");
}

static void text_ocsp(struct tx *t, const struct report *r)
{
    if (!r->ocsp_requested)
        return;
    if (!r->ocsp_stapled) {
        tx_field(t, "ocsp", "requested, not stapled");
    } else {
        bool revoked = r->ocsp_status && !strcmp(r->ocsp_status, "revoked");
        tx_fieldf(t, "ocsp", "%s%s%s, this update %s, next update %s",
                  str_or(r->ocsp_status, "unreadable"), revoked ? " at " : "",
                  revoked ? str_or(r->ocsp_revoked_at, "?") : "", str_or(r->ocsp_this_update, "?"),
                  str_or(r->ocsp_next_update, "?"));
        tx_field(t, "responder", r->ocsp_responder);
    }
    tx_field(t, "ocsp problem", r->ocsp_problem);
}

static void text_client_auth(struct tx *t, const struct report *r)
{
    if (!r->client_cert_requested)
        return;
    tx_field(t, "client auth", "requested by the server");
    tx_list(t, "client CAs", &r->client_ca_names, "any");
    tx_list(t, "client algs", &r->client_sigalgs, NULL);
    tx_field(t, "cert sent", str_or(r->client_cert_sent, "none"));
}

static void text_connection(struct tx *t, const struct report *r)
{
    if (!r->protocol && !r->cipher_name && !r->cipher_iana)
        return;
    tx_section(t, "Connection");
    text_negotiated(t, r);
    text_session(t, r);
    text_ocsp(t, r);
    text_client_auth(t, r);
}

static void text_verify_error(struct tx *t, const struct report *r, size_t i)
{
    const struct verify_error *e = &r->verify_errors[i];
    char *where = e->depth >= 0 ? xasprintf("depth %d", e->depth) : xstrdup("chain");
    tx_fieldf(t, where, "%s (%d): %s%s", str_or(e->name, "?"), e->code, str_or(e->message, ""),
              e->ignored ? " [ignored]" : "");
    free(where);
    if (report_error_same_cause(r, i)) {
        tx_field(t, "meaning", "the same cause as the error above");
        return;
    }
    tx_field(t, "meaning", e->explanation);
    tx_field(t, "fix", e->fix);
}

static void text_verification(struct tx *t, const struct report *r)
{
    if (!r->ok && !r->n_verify_errors && !r->n_sent)
        return;
    tx_section(t, "Verification");
    tx_fieldf(t, "chain", "%s%s", r->verify_ok ? "verified" : "not verified",
              r->effective.verify ? "" : " (verification off)");
    if (!r->hostname_checked)
        tx_field(t, "hostname", "not checked");
    else if (r->hostname_match)
        tx_fieldf(t, "hostname", "%s matches %s", str_or(r->hostname, "?"),
                  str_or(r->hostname_matched, "the certificate"));
    else
        tx_fieldf(t, "hostname", "%s does not match the certificate", str_or(r->hostname, "?"));
    if (r->pins_checked && r->pin_match)
        tx_fieldf(t, "pins", "match at depth %d", r->pin_depth);
    else if (r->pins_checked)
        tx_field(t, "pins", "no certificate in the chain matches a pin");
    if (!r->n_verify_errors)
        tx_field(t, "errors", "none");
    for (size_t i = 0; i < r->n_verify_errors; i++)
        text_verify_error(t, r, i);
}

static void text_cert_validity(struct tx *t, const struct cert_info *c)
{
    char *left = c->days_left < 0 ? xasprintf("expired %ld days ago", -c->days_left)
                                  : xasprintf("%ld days left", c->days_left);
    tx_fieldf(t, "valid", "%s to %s (%s)", str_or(c->not_before, "?"), str_or(c->not_after, "?"),
              left);
    free(left);
}

/* The key facts of one certificate; heading is "#N" (the label of the subject line). */
static void text_cert(struct tx *t, const char *heading, const struct cert_info *c)
{
    tx_field(t, heading, str_or(c->subject, "(empty subject)"));
    tx_field(t, "issuer", str_or(c->issuer, "(empty issuer)"));
    text_cert_validity(t, c);
    tx_fieldf(t, "key", "%s %d bits%s%s%s", str_or(c->key_type, "?"), c->key_bits,
              c->key_curve ? " (" : "", str_or(c->key_curve, ""), c->key_curve ? ")" : "");
    tx_field(t, "signed with", c->signature_algorithm);
    tx_list(t, "san", &c->san, NULL);
    if (c->is_ca && c->path_len >= 0)
        tx_fieldf(t, "ca", "yes, path length %d", c->path_len);
    else if (c->is_ca)
        tx_field(t, "ca", "yes");
    if (c->self_signed)
        tx_field(t, "self-signed", "yes");
    tx_list(t, "key usage", &c->key_usage, NULL);
    tx_list(t, "ext key usage", &c->ext_key_usage, NULL);
    tx_field(t, "serial", c->serial);
    tx_field(t, "sha256", c->sha256);
    tx_field(t, "spki sha256", c->spki_sha256);
    tx_field(t, "ocsp url", c->ocsp_url);
    tx_field(t, "ca issuers", c->ca_issuers_url);
}

/* Index of the sent certificate with the same SHA-256 fingerprint, or -1. */
static long sent_index(const struct report *r, const struct cert_info *c)
{
    for (size_t i = 0; c->sha256 && i < r->n_sent; i++)
        if (r->sent[i].sha256 && !strcmp(r->sent[i].sha256, c->sha256))
            return (long)i;
    return -1;
}

static void text_chain_issues(struct tx *t, const struct report *r)
{
    struct strlist names = {0};
    for (unsigned bit = 0; bit < CHAIN_ISSUE_COUNT; bit++)
        if (r->chain_issues & (1u << bit))
            strlist_push(&names, chain_issue_name((enum chain_issue)(1u << bit)));
    tx_list(t, "chain issues", &names, NULL);
    strlist_free(&names);
}

static void text_certificates(struct tx *t, const struct report *r)
{
    if (!r->n_sent && !r->n_verified)
        return;
    tx_section(t, "Certificates");
    char heading[32];
    size_t sent = report_sent_total(r), verified = report_verified_total(r);
    tx_fieldf(t, "sent chain", "%zu certificate%s", sent, sent == 1 ? "" : "s");
    if (sent > r->n_sent)
        tx_fieldf(t, "truncated", "only the first %zu are kept and examined", r->n_sent);
    for (size_t i = 0; i < r->n_sent; i++) {
        snprintf(heading, sizeof(heading), "#%zu", i);
        text_cert(t, heading, &r->sent[i]);
        tx_field(t, "role", chain_role_label(r->sent[i].role));
    }
    if (r->n_verified)
        tx_fieldf(t, "verified path", "%zu certificate%s%s", verified, verified == 1 ? "" : "s",
                  verified > r->n_verified ? " (only the first ones kept)" : "");
    else
        tx_field(t, "verified path", "none (no path to a trusted root was built)");
    for (size_t i = 0; i < r->n_verified; i++) {
        const struct cert_info *c = &r->verified[i];
        long s = sent_index(r, c);
        snprintf(heading, sizeof(heading), "#%zu", i);
        if (s >= 0) {
            tx_fieldf(t, heading, "%s (sent #%ld)", str_or(c->subject, "(empty subject)"), s);
            continue;
        }
        text_cert(t, heading, c);
        tx_field(t, "from", "the trust store (not sent by the server)");
    }
    text_chain_issues(t, r);
}

/* issue 13: the chain file a --check-chain report is about. */
static void text_chain_file(struct tx *t, const struct report *r)
{
    const struct chain_check *ck = r->check;
    tx_section(t, "Chain file");
    tx_field(t, "file", !strcmp(str_or(ck->file, ""), "-") ? "standard input" : ck->file);
    tx_field(t, "format", ck->format);
    if (ck->leaf_index)
        tx_fieldf(t, "leaf", "certificate #%zu of the file (not the first)", ck->leaf_index + 1);
    if (ck->key_checked)
        tx_fieldf(t, "private key", "%s %s%s%s", str_or(ck->key_source, "?"),
                  ck->key_match ? "belongs to the leaf" : "does NOT belong to the leaf",
                  ck->key_matches ? "; it belongs to " : "", str_or(ck->key_matches, ""));
    else if (ck->key_in_file)
        tx_field(t, "private key", "in the file, but it could not be opened (encrypted?)");
    if (ck->n_ca_crt)
        tx_fieldf(t, "ca.crt", "%zu certificate%s (the secret's CA, not served)", ck->n_ca_crt,
                  ck->n_ca_crt == 1 ? "" : "s");
    if (r->n_sent) {
        char *names = strlist_join(&r->sent[0].san, ", ");
        tx_field(t, "names", *names ? names : "(no SAN: none a client accepts)");
        free(names);
    }
    tx_field(t, "name", ck->name ? ck->name : "(not given: --name HOST checks one)");
    tx_field(t, "deploy", ck->ready ? "READY for deployment" : "NOT READY (see the findings)");
}

/* issue 13: --aia and --revocation. */
static void text_doctor_net(struct tx *t, const struct report *r)
{
    if (r->n_fetched) {
        tx_section(t, "Fetched (caIssuers)");
        for (size_t i = 0; i < r->n_fetched; i++) {
            const struct fetched_cert *f = &r->fetched[i];
            tx_fieldf(t, "url", "%s (for depth %d)", str_or(f->url, "?"), f->for_depth);
            tx_field(t, "outcome", f->outcome);
            tx_field(t, "subject", f->subject);
        }
        tx_field(t, "with them",
                 r->aia_verify_ok ? "the chain verifies" : "the chain still does not verify");
    }
    if (r->revocation_checked) {
        tx_section(t, "Revocation");
        if (!r->n_revocation)
            tx_field(t, "status", "no certificate names an OCSP responder or a CRL");
        for (size_t i = 0; i < r->n_revocation; i++) {
            const struct revocation *v = &r->revocation[i];
            char label[32];
            snprintf(label, sizeof label, "#%d %s", v->depth, v->method);
            if (!strcmp(v->status, "revoked"))
                tx_fieldf(t, label, "REVOKED at %s%s%s — %s", v->revoked_at, v->reason ? ", " : "",
                          str_or(v->reason, ""), str_or(v->subject, "?"));
            else
                tx_fieldf(t, label, "%s — %s", v->status, str_or(v->subject, "?"));
            tx_field(t, "url", v->url);
            tx_field(t, "problem", v->problem);
            if (v->next_update[0])
                tx_fieldf(t, "updates", "this %s, next %s", v->this_update, v->next_update);
        }
    }
}

/* issue 13: SCTs. */
static void text_scts(struct tx *t, const struct report *r)
{
    if (!r->n_scts)
        return;
    tx_section(t, "Certificate Transparency");
    for (size_t i = 0; i < r->n_scts; i++) {
        const struct sct_info *s = &r->scts[i];
        tx_fieldf(t, "sct", "%s, %s, %s", s->log_name ? s->log_name : "unknown log", s->timestamp,
                  s->verified == TRI_YES  ? "signature verifies"
                  : s->verified == TRI_NO ? "signature does NOT verify"
                                          : "not checked");
        tx_fieldf(t, "", "from the %s; log id %s; %s%s%s", s->source, str_or(s->log_id, "?"),
                  str_or(s->sig_alg, "?"), s->log_operator ? "; operator " : "",
                  str_or(s->log_operator, ""));
    }
    tx_field(t, "log list", r->ct_log_list);
}

static void text_event(struct tx *t, const struct hs_event *ev)
{
    const char *name = ev->name ? ev->name : content_type_name(ev->content_type);
    char *what;
    if (ev->content_type == 21 || ev->alert_level)
        what = xasprintf("%s %s %s (%d)", name,
                         ev->alert_level == 2   ? "fatal"
                         : ev->alert_level == 1 ? "warning"
                                                : "level?",
                         alert_name(ev->alert_desc), ev->alert_desc);
    else if (ev->record_type == 23 && ev->content_type != 23)
        what = xasprintf("%s [encrypted]", name);
    else
        what = xstrdup(name);
    char *line = xasprintf("%10.3f ms  %s  %-34s %6u byte%s", (double)ev->t_us / 1000.0,
                           ev->dir == DIR_SENT ? "→" : "←", what, (unsigned)ev->length,
                           ev->length == 1 ? "" : "s");
    char *safe = sanitize_terminal(line);
    sb_puts(&t->sb, "  ");
    tx_wrap(t, 2, safe);
    free(safe);
    free(line);
    free(what);
}

static void text_handshake(struct tx *t, const struct report *r)
{
    if (!r->n_events)
        return;
    tx_section(t, "Handshake");
    int conn = r->events[0].connection;
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->connection != conn) {
            conn = ev->connection;
            sb_printf(&t->sb, "  -- connection %d%s --\n", conn, conn == 2 ? " (reconnect)" : "");
        }
        text_event(t, ev);
    }
    if (r->events_truncated)
        sb_printf(&t->sb, "  ... later messages not recorded (limit %d)\n", EVENT_MAX);
}

/* The plaintext dialogue before TLS (issue 12): the choice always when one was made by
 * option or port, the transcript when a dialogue ran. */
static void text_starttls(struct tx *t, const struct report *r)
{
    const struct starttls_report *st = &r->starttls;
    if (!st->protocol && (!st->chosen_by || !strcmp(st->chosen_by, "default")))
        return;
    tx_section(t, "STARTTLS");
    tx_field(t, "protocol", st->protocol ? st->protocol : "none (TLS at once)");
    tx_fieldf(t, "chosen by", "%s: %s", str_or(st->chosen_by, "?"), str_or(st->reason, ""));
    if (!st->protocol)
        return;
    if (st->ok)
        tx_field(t, "result", "the server agreed to start TLS");
    else if (st->failure)
        tx_fieldf(t, "result", "failed (%s): see the error above", st->failure);
    else if (!st->n_lines)
        tx_field(t, "result", "not reached");
    tx_list(t, "capabilities", &st->capabilities, NULL);
    for (size_t i = 0; i < st->n_lines; i++) {
        const struct starttls_line *l = &st->lines[i];
        char *line =
            xasprintf("%10.3f ms  %s  %s", l->t_ms, l->dir == DIR_SENT ? "→" : "←", l->text);
        char *safe = sanitize_terminal(line);
        sb_puts(&t->sb, "  ");
        tx_wrap(t, 2, safe);
        free(safe);
        free(line);
    }
    if (st->truncated)
        sb_printf(&t->sb, "  ... later lines not recorded (limit %d)\n", STARTTLS_LINES_MAX);
    if (st->injection_checked)
        tx_fieldf(t, "injection", "%s (sent \"%s\" with STARTTLS)",
                  st->injection_vulnerable ? "VULNERABLE: the server answered it inside TLS"
                                           : "not vulnerable: no answer inside TLS",
                  str_or(st->injected, "?"));
}

/* The HTTP probe (issue 12). */
static void text_http(struct tx *t, const struct report *r)
{
    const struct http_report *h = &r->http;
    if (!h->requested)
        return;
    tx_section(t, "HTTP");
    if (!h->sent) {
        tx_field(t, "not sent", str_or(h->skipped, "the connection failed"));
        return;
    }
    tx_field(t, "request", h->request);
    tx_field(t, "error", h->error);
    tx_field(t, "status", h->status_line);
    tx_field(t, "server", h->server);
    if (h->hsts) {
        tx_field(t, "HSTS", h->hsts);
        if (h->hsts_problem)
            tx_fieldf(t, "", "malformed: %s", h->hsts_problem);
        else
            tx_fieldf(t, "", "max-age %ld s (%ld days)%s%s", h->hsts_max_age,
                      h->hsts_max_age / 86400,
                      h->hsts_include_subdomains ? ", includeSubDomains" : "",
                      h->hsts_preload ? ", preload" : "");
    } else if (h->status) {
        tx_field(t, "HSTS", "none");
    }
    tx_field(t, "Alt-Svc", h->alt_svc);
    tx_field(t, "Location", h->location);
}

static void text_offered(struct tx *t, const struct offered *o)
{
    if (!o->client_hello_len && !o->versions.len && !o->ciphers.len)
        return;
    tx_section(t, "Offered");
    tx_list(t, "versions", &o->versions, "none");
    tx_list(t, "ciphers", &o->ciphers, "none");
    tx_list(t, "groups", &o->groups, "none");
    tx_list(t, "key shares", &o->key_shares, "none");
    tx_list(t, "sigalgs", &o->sigalgs, "none");
    tx_list(t, "alpn", &o->alpn, "none");
    tx_list(t, "extensions", &o->extensions, "none");
    if (o->client_hello_len)
        tx_fieldf(t, "hello size", "%zu bytes", o->client_hello_len);
}

static void text_proto_setting(struct tx *t, const char *label, const char *value,
                               const char *source, const char *blank)
{
    tx_fieldf(t, label, "%s (%s)", str_or(value, blank), str_or(source, "unknown source"));
}

static void text_settings(struct tx *t, const struct effective *e)
{
    if (!e->openssl_version && !e->trust && !e->min_proto && !e->weakened.len)
        return;
    tx_section(t, "Settings in effect");
    text_proto_setting(t, "min protocol", e->min_proto, e->min_proto_source, "library lowest");
    text_proto_setting(t, "max protocol", e->max_proto, e->max_proto_source, "library highest");
    if (e->sec_level >= 0)
        tx_fieldf(t, "sec level", "%d (%s)", e->sec_level, str_or(e->sec_level_source, "?"));
    tx_field(t, "verify", e->verify ? "on" : "OFF");
    tx_field(t, "name check", e->hostname_check ? "on" : "OFF");
    tx_field(t, "trust", e->trust);
    tx_field(t, "openssl", e->openssl_version);
    tx_field(t, "openssl conf", e->openssl_conf);
    for (size_t i = 0; i < e->weakened.len; i++)
        tx_field(t, "WEAKENED", e->weakened.items[i]);
}

static void text_findings(struct tx *t, const struct report *r)
{
    if (!r->n_findings)
        return;
    tx_section(t, "Findings");
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct finding *f = &r->findings[i];
        if (i)
            sb_putc(&t->sb, '\n');
        char sev[16];
        snprintf(sev, sizeof(sev), "%s", severity_name(f->severity));
        for (char *p = sev; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
        tx_fieldf(t, sev, "%s [%s]", str_or(f->title, "?"), str_or(f->id, "?"));
        tx_field(t, "", f->detail);
        tx_field(t, "fix", f->fix);
    }
}

static void text_ms(struct tx *t, const char *label, double ms)
{
    if (ms >= 0)
        tx_fieldf(t, label, "%.1f ms", ms);
}

static void text_timing(struct tx *t, const struct report *r)
{
    tx_section(t, "Timing");
    text_ms(t, "dns", r->dns_ms);
    text_ms(t, "connect", r->connect_ms);
    text_ms(t, "handshake", r->handshake_ms);
    text_ms(t, "reconnect", r->reconnect_ms);
    text_ms(t, "total", r->total_ms);
    tx_fieldf(t, "bytes", "%llu sent, %llu received", (unsigned long long)r->bytes_sent,
              (unsigned long long)r->bytes_received);
}

char *text_render_report(const struct report *r, int width)
{
    struct tx t = {0};
    if (width > 0)
        t.width = width < TX_MIN_WIDTH ? TX_MIN_WIDTH : (size_t)width;
    if (r->check) { /* a chain file (issue 13): no connection to show */
        text_chain_file(&t, r);
        text_result(&t, r);
        text_verification(&t, r);
        text_certificates(&t, r);
        text_doctor_net(&t, r);
        text_scts(&t, r);
        text_findings(&t, r);
        return sb_take(&t.sb);
    }
    text_target(&t, r);
    text_result(&t, r);
    text_connection(&t, r);
    text_verification(&t, r);
    text_certificates(&t, r);
    text_starttls(&t, r);
    text_doctor_net(&t, r);
    text_scts(&t, r);
    text_handshake(&t, r);
    text_http(&t, r);
    text_offered(&t, &r->offered);
    text_settings(&t, &r->effective);
    text_findings(&t, r);
    text_timing(&t, r);
    return sb_take(&t.sb);
}

char *text_addr_attempt(const struct addr_attempt *a)
{
    bool v6 = a->family == 6;
    const char *what = a->result == ADDR_CONNECTED ? "connected"
                       : a->error                  ? a->error
                                                   : addr_result_name(a->result);
    if (a->ms < 0)
        return xasprintf("%s%s%s  %s", v6 ? "[" : "", a->address, v6 ? "]" : "", what);
    return xasprintf("%s%s%s  %s · %.1f ms", v6 ? "[" : "", a->address, v6 ? "]" : "", what, a->ms);
}
