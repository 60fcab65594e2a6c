/* The line protocols: SMTP, LMTP, FTP, NNTP (numeric replies), IMAP (tagged), POP3 (+OK),
 * ManageSieve (OK/NO after quoted capabilities) and IRC (CAP LS, then STARTTLS → 670). Each
 * gets one complete line at a time from the frame (dialogue.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "starttls/st_internal.h"

int st_parse_code_line(const char *line, bool *more)
{
    if (!isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) ||
        !isdigit((unsigned char)line[2]))
        return -1;
    char sep = line[3];
    if (sep != ' ' && sep != '-' && sep != '\0')
        return -1;
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 100 || code > 599)
        return -1;
    *more = sep == '-';
    return code;
}

/* Assembles a numeric reply. Returns the code once the reply is complete, 0 while it goes
 * on, -1 for garbage (a failure is set). lenient: lines without a code inside a multi-line
 * reply are text (FTP's FEAT). caps 1: each line between the first and the last of a
 * multi-line reply is a capability (FEAT); 2: the last one too (EHLO keywords). */
static int code_reply(struct st_dialogue *d, const char *line, bool lenient, int caps)
{
    bool more = false;
    int code = st_parse_code_line(line, &more);
    if (d->multi && (code != d->code || more)) {
        if (code < 0 && !lenient) {
            st_fail(d, ST_FAIL_GARBAGE, "is this the right protocol and port?",
                    "the server's reply is not %s: \"%s\"", st_proto_name(d->p.proto), line);
            return -1;
        }
        if (caps)
            st_cap(d, code >= 0 ? line + 4 : line, strlen(code >= 0 ? line + 4 : line));
        return 0;
    }
    if (code < 0) {
        st_fail(d, ST_FAIL_GARBAGE, "is this the right protocol and port?",
                "the server does not speak %s: \"%s\"", st_proto_name(d->p.proto), line);
        return -1;
    }
    if (!d->multi && more) {
        d->multi = true;
        d->code = code;
        return 0;
    }
    if (d->multi && caps == 2 && strlen(line) > 4)
        st_cap(d, line + 4, strlen(line + 4));
    d->multi = false;
    return code;
}

/* ---- SMTP and LMTP (RFC 3207, RFC 2033) ---- */

static void smtp_line(struct st_dialogue *d, const char *line)
{
    int code = code_reply(d, line, false, d->state == 1 ? 2 : 0);
    if (code <= 0)
        return;
    const char *hello = d->p.proto == ST_LMTP ? "LHLO" : "EHLO";
    switch (d->state) {
    case 0: /* greeting */
        if (code != 220) {
            st_refused(d, code, "the session", line);
            return;
        }
        st_sendline(d, "%s %s", hello, d->ehlo);
        d->state = 1;
        break;
    case 1: /* EHLO */
        if (code != 250) {
            st_refused(d, code, hello, line);
            return;
        }
        d->caps_seen = true;
        if (!st_has_cap(d, "STARTTLS")) {
            st_fail(d, ST_FAIL_NOT_OFFERED,
                    "the server does not offer TLS on this port: try its implicit-TLS port (465)",
                    "STARTTLS is not offered: the %s reply lists no STARTTLS", hello);
            return;
        }
        st_send_starttls(d, "STARTTLS");
        d->state = 2;
        break;
    case 2:
        if (code != 220) {
            st_refused(d, code, "STARTTLS", line);
            return;
        }
        st_ready(d);
        break;
    }
}

const struct st_ops st_ops_smtp = {NULL, smtp_line, NULL, "NOOP"};
const struct st_ops st_ops_lmtp = {NULL, smtp_line, NULL, "NOOP"};

/* ---- FTP (RFC 4217) ---- */

static void ftp_line(struct st_dialogue *d, const char *line)
{
    int code = code_reply(d, line, true, d->state == 1 ? 1 : 0);
    if (code <= 0)
        return;
    switch (d->state) {
    case 0:
        if (code == 120 || code == 421) {
            st_refused(d, 421, "the session", line);
            return;
        }
        if (code != 220) {
            st_refused(d, code, "the session", line);
            return;
        }
        st_sendline(d, "FEAT");
        d->state = 1;
        break;
    case 1: /* FEAT: 211 with the features, or 500/502 when FEAT is unknown */
        if (code == 211) {
            d->caps_seen = true;
            if (!st_has_cap(d, "AUTH TLS") && !st_has_cap(d, "AUTH")) {
                st_fail(d, ST_FAIL_NOT_OFFERED, "try the implicit-TLS port (990)",
                        "AUTH TLS is not offered: FEAT lists no AUTH TLS");
                return;
            }
        } else if (code == 421) {
            st_refused(d, code, "FEAT", line);
            return;
        }
        st_send_starttls(d, "AUTH TLS");
        d->state = 2;
        break;
    case 2:
        if (code != 234) {
            st_refused(d, code, "AUTH TLS", line);
            return;
        }
        st_ready(d);
        break;
    }
}

const struct st_ops st_ops_ftp = {NULL, ftp_line, NULL, "NOOP"};

/* ---- NNTP (RFC 4642) ---- */

static void nntp_line(struct st_dialogue *d, const char *line)
{
    if (d->state == 2) { /* the capability list, ended by "." */
        if (!strcmp(line, ".")) {
            d->state = 3;
            if (!st_has_cap(d, "STARTTLS")) {
                st_fail(d, ST_FAIL_NOT_OFFERED, "try the implicit-TLS port (563)",
                        "STARTTLS is not offered: CAPABILITIES lists no STARTTLS");
                return;
            }
            st_send_starttls(d, "STARTTLS");
            return;
        }
        st_cap(d, line[0] == '.' ? line + 1 : line, strlen(line[0] == '.' ? line + 1 : line));
        return;
    }
    bool more;
    int code = st_parse_code_line(line, &more);
    if (code < 0) {
        st_fail(d, ST_FAIL_GARBAGE, "is this the right protocol and port?",
                "the server does not speak NNTP: \"%s\"", line);
        return;
    }
    switch (d->state) {
    case 0:
        if (code != 200 && code != 201) {
            st_refused(d, code, "the session", line);
            return;
        }
        st_sendline(d, "CAPABILITIES");
        d->state = 1;
        break;
    case 1:
        if (code == 101) {
            d->caps_seen = true;
            d->state = 2;
            return;
        }
        if (code == 400) {
            st_refused(d, code, "CAPABILITIES", line);
            return;
        }
        d->state = 3; /* no capability list: ask anyway */
        st_send_starttls(d, "STARTTLS");
        break;
    case 3:
        if (code != 382) {
            st_refused(d, code, "STARTTLS", line);
            return;
        }
        st_ready(d);
        break;
    }
}

const struct st_ops st_ops_nntp = {NULL, nntp_line, NULL, "DATE"};

/* ---- IMAP (RFC 3501) ---- */

int st_parse_imap_line(const char *line, char tag[17], char status[8])
{
    tag[0] = status[0] = '\0';
    const char *sp = strchr(line, ' ');
    size_t tl = sp ? (size_t)(sp - line) : strlen(line);
    if (tl == 0 || tl > 16)
        return -1;
    for (size_t i = 0; i < tl; i++)
        if (!isgraph((unsigned char)line[i]) || line[i] == '(' || line[i] == ')' ||
            line[i] == '{' || line[i] == '"')
            return -1;
    if (!(tl == 1 && (line[0] == '*' || line[0] == '+'))) {
        memcpy(tag, line, tl);
        tag[tl] = '\0';
    } else if (line[0] == '+') {
        strcpy(status, "+");
        return 0;
    }
    if (!sp)
        return tag[0] ? -1 : 0;
    const char *w = sp + 1;
    static const char *const words[] = {"OK", "NO", "BAD", "BYE", "PREAUTH"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t k = strlen(words[i]);
        if (!strncasecmp(w, words[i], k) && (w[k] == ' ' || w[k] == '\0')) {
            strcpy(status, words[i]);
            return 0;
        }
    }
    return tag[0] ? -1 : 0; /* a tagged line must carry a status */
}

/* "* CAPABILITY IMAP4rev1 STARTTLS ..." or "* OK [CAPABILITY ...] ..." */
static void imap_caps(struct st_dialogue *d, const char *p)
{
    const char *c = strcasestr(p, "CAPABILITY ");
    if (!c)
        return;
    d->caps_seen = true;
    c += 11;
    const char *end = c + strcspn(c, "]");
    while (c < end) {
        size_t k = strcspn(c, " ]");
        if ((size_t)(end - c) < k)
            k = (size_t)(end - c);
        st_cap(d, c, k);
        c += k;
        while (c < end && *c == ' ')
            c++;
    }
}

static void imap_line(struct st_dialogue *d, const char *line)
{
    char tag[17], status[8], want[17];
    if (st_parse_imap_line(line, tag, status) < 0) {
        st_fail(d, ST_FAIL_GARBAGE, "is this the right protocol and port?",
                "the server does not speak IMAP: \"%s\"", line);
        return;
    }
    snprintf(want, sizeof want, "A%d", d->tag - 1);
    if (d->state == 0) { /* the greeting */
        if (tag[0] || (strcmp(status, "OK") && strcmp(status, "PREAUTH"))) {
            if (!strcmp(status, "BYE"))
                st_refused(d, 421, "the session", line);
            else
                st_fail(d, ST_FAIL_GARBAGE, "is this the right protocol and port?",
                        "the server's greeting is not IMAP: \"%s\"", line);
            return;
        }
        st_sendline(d, "A%d CAPABILITY", d->tag++);
        d->state = 1;
        return;
    }
    if (!tag[0]) { /* untagged data: capabilities, or a BYE */
        if (!strcmp(status, "BYE")) {
            st_refused(d, 421, "the session", line);
            return;
        }
        if (strncmp(line, "* CAPABILITY ", 13) == 0 || strcasestr(line, "[CAPABILITY "))
            imap_caps(d, line + 2);
        return;
    }
    if (strcmp(tag, want)) /* the pipelined command's tag, or a stray one */
        return;
    if (d->state == 1) {
        if (strcmp(status, "OK")) {
            st_refused(d, 0, "CAPABILITY", line);
            return;
        }
        if (!st_has_cap(d, "STARTTLS")) {
            st_fail(d, ST_FAIL_NOT_OFFERED,
                    st_has_cap(d, "LOGINDISABLED") ? "logins are disabled too: use port 993"
                                                   : "try the implicit-TLS port (993)",
                    "STARTTLS is not offered: CAPABILITY lists no STARTTLS");
            return;
        }
        char cmd[32];
        snprintf(cmd, sizeof cmd, "A%d STARTTLS", d->tag++);
        st_send_starttls(d, cmd);
        d->state = 2;
        return;
    }
    if (strcmp(status, "OK")) {
        st_refused(d, 0, "STARTTLS", line);
        return;
    }
    st_ready(d);
}

const struct st_ops st_ops_imap = {NULL, imap_line, NULL, "A9 NOOP"};

/* ---- POP3 (RFC 2595) ---- */

static void pop3_line(struct st_dialogue *d, const char *line)
{
    bool ok = !strncmp(line, "+OK", 3), err = !strncmp(line, "-ERR", 4);
    if (d->state == 2) { /* CAPA list */
        if (strcmp(line, ".")) {
            st_cap(d, line[0] == '.' ? line + 1 : line, strlen(line[0] == '.' ? line + 1 : line));
            return;
        }
        if (!st_has_cap(d, "STLS")) {
            st_fail(d, ST_FAIL_NOT_OFFERED, "try the implicit-TLS port (995)",
                    "STLS is not offered: CAPA lists no STLS");
            return;
        }
        st_send_starttls(d, "STLS");
        d->state = 3;
        return;
    }
    if (!ok && !err) {
        st_fail(d, ST_FAIL_GARBAGE, "is this the right protocol and port?",
                "the server does not speak POP3: \"%s\"", line);
        return;
    }
    switch (d->state) {
    case 0:
        if (err) {
            st_refused(d, strcasestr(line, "too many") || strcasestr(line, "later") ? 421 : 0,
                       "the session", line);
            return;
        }
        st_sendline(d, "CAPA");
        d->state = 1;
        break;
    case 1:
        if (ok) {
            d->caps_seen = true;
            d->state = 2;
            return;
        }
        st_send_starttls(d, "STLS"); /* no CAPA: ask anyway */
        d->state = 3;
        break;
    case 3:
        if (err) {
            st_refused(d, 0, "STLS", line);
            return;
        }
        st_ready(d);
        break;
    }
}

const struct st_ops st_ops_pop3 = {NULL, pop3_line, NULL, "CAPA"};

/* ---- ManageSieve (RFC 5804) ---- */

static void sieve_line(struct st_dialogue *d, const char *line)
{
    if (line[0] == '"') { /* "STARTTLS" / "SIEVE" "fileinto ..." */
        const char *end = strchr(line + 1, '"');
        if (!end) {
            st_fail(d, ST_FAIL_GARBAGE, NULL, "a malformed ManageSieve capability: \"%s\"", line);
            return;
        }
        if (d->state == 0) {
            char cap[STARTTLS_TEXT_MAX];
            const char *v = strchr(end + 1, '"');
            const char *ve = v ? strchr(v + 1, '"') : NULL;
            int k = ve ? snprintf(cap, sizeof cap, "%.*s %.*s", (int)(end - line - 1), line + 1,
                                  (int)(ve - v - 1), v + 1)
                       : snprintf(cap, sizeof cap, "%.*s", (int)(end - line - 1), line + 1);
            st_cap(d, cap, k < (int)sizeof cap ? (size_t)k : sizeof cap - 1);
        }
        return;
    }
    bool ok = !strncasecmp(line, "OK", 2) && (line[2] == ' ' || !line[2]);
    bool no = (!strncasecmp(line, "NO", 2) && (line[2] == ' ' || !line[2])) ||
              (!strncasecmp(line, "BYE", 3) && (line[3] == ' ' || !line[3]));
    if (!ok && !no) {
        st_fail(d, ST_FAIL_GARBAGE, "is this the right protocol and port?",
                "the server does not speak ManageSieve: \"%s\"", line);
        return;
    }
    if (d->state == 0) {
        if (no) {
            st_refused(d, strcasestr(line, "TRYLATER") ? 421 : 0, "the session", line);
            return;
        }
        d->caps_seen = true;
        if (!st_has_cap(d, "STARTTLS")) {
            st_fail(d, ST_FAIL_NOT_OFFERED, NULL,
                    "STARTTLS is not offered: the capabilities list no STARTTLS");
            return;
        }
        st_send_starttls(d, "STARTTLS");
        d->state = 1;
        return;
    }
    if (no) {
        st_refused(d, 0, "STARTTLS", line);
        return;
    }
    st_ready(d);
}

const struct st_ops st_ops_sieve = {NULL, sieve_line, NULL, "NOOP \"tlscope-probe\""};

/* ---- IRC (the IRCv3 tls capability, numerics 670/691) ---- */

static void irc_start(struct st_dialogue *d)
{
    st_sendline(d, "CAP LS");
}

/* The command of a line (after an optional ":prefix"), and the rest. */
static const char *irc_command(const char *line, char *cmd, size_t n)
{
    const char *p = line;
    if (*p == ':')
        p += strcspn(p, " ");
    while (*p == ' ')
        p++;
    size_t k = strcspn(p, " ");
    snprintf(cmd, n, "%.*s", (int)(k < n ? k : n - 1), p);
    p += k;
    while (*p == ' ')
        p++;
    return p;
}

static void irc_line(struct st_dialogue *d, const char *line)
{
    char cmd[16];
    const char *rest = irc_command(line, cmd, sizeof cmd);
    if (!cmd[0]) {
        st_fail(d, ST_FAIL_GARBAGE, NULL, "the server does not speak IRC: \"%s\"", line);
        return;
    }
    if (!strcasecmp(cmd, "PING")) {
        st_sendline(d, "PONG %.100s", rest); /* bounded: a PING cannot fill our output */
        return;
    }
    if (!strcasecmp(cmd, "ERROR")) {
        st_refused(d, strcasestr(line, "throttl") || strcasestr(line, "too fast") ? 421 : 0,
                   "the session", line);
        return;
    }
    if (d->state == 0 && !strcasecmp(cmd, "CAP")) { /* "* LS [*] :multi-prefix tls ..." */
        const char *ls = strcasestr(rest, " LS ");
        const char *list = ls ? strchr(ls, ':') : NULL;
        if (!list)
            return;
        bool more = !strncmp(ls + 4, "* ", 2);
        for (const char *c = list + 1; *c;) {
            size_t k = strcspn(c, " ");
            st_cap(d, c, k);
            c += k;
            while (*c == ' ')
                c++;
        }
        d->caps_seen = true;
        if (more)
            return;
        if (!st_has_cap(d, "tls")) {
            st_fail(d, ST_FAIL_NOT_OFFERED, "try the implicit-TLS port (6697)",
                    "STARTTLS is not offered: CAP LS lists no tls");
            return;
        }
        st_sendline(d, "STARTTLS");
        d->state = 1;
        return;
    }
    if (d->state == 0 && (!strcmp(cmd, "421") || !strcmp(cmd, "451"))) {
        st_sendline(d, "STARTTLS"); /* no CAP: ask anyway */
        d->state = 1;
        return;
    }
    if (d->state == 1 && !strcmp(cmd, "670")) {
        st_ready(d);
        return;
    }
    if (d->state == 1 && !strcmp(cmd, "691")) {
        st_refused(d, 0, "STARTTLS", line);
        return;
    }
    if (d->state == 1 && !strcmp(cmd, "421")) {
        st_fail(d, ST_FAIL_NOT_OFFERED, "try the implicit-TLS port (6697)",
                "STARTTLS is not offered: the server does not know the command: \"%s\"", line);
        return;
    }
    /* NOTICE AUTH, 020 and the like: keep reading (bounded by the frame) */
}

const struct st_ops st_ops_irc = {irc_start, irc_line, NULL, NULL};
