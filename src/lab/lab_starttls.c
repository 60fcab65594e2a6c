/* The demo lab's STARTTLS servers (issue 12): the server side of an SMTP or IMAP dialogue,
 * non-blocking, run by the server process (lab_server.c) before it hands the connection to
 * SSL_accept. Small on purpose: the commands a client needs to reach STARTTLS, bounded lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lab/lab_internal.h"

void lab_plain_start(struct lab_plain *p, const char *proto)
{
    memset(p, 0, sizeof(*p));
    p->imap = proto && !strcmp(proto, "imap");
    p->active = true;
    const char *greeting = p->imap ? "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] tlscope "
                                     "lab IMAP ready\r\n"
                                   : "220 localhost ESMTP tlscope lab\r\n";
    p->n_out = (size_t)snprintf(p->out, sizeof p->out, "%s", greeting);
}

static void queue(struct lab_plain *p, const char *s)
{
    size_t k = strlen(s);
    if (k <= sizeof p->out - p->n_out) {
        memcpy(p->out + p->n_out, s, k);
        p->n_out += k;
    }
}

/* One command line; sets go_tls once the STARTTLS answer is queued. */
static void command(struct lab_plain *p, const char *line)
{
    char out[300];
    if (p->imap) {
        int tl = (int)strcspn(line, " ");
        const char *cmd = line + tl + (line[tl] == ' ');
        if (!strncasecmp(cmd, "CAPABILITY", 10))
            snprintf(out, sizeof out,
                     "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n%.*s OK done\r\n", tl, line);
        else if (!strncasecmp(cmd, "STARTTLS", 8)) {
            snprintf(out, sizeof out, "%.*s OK Begin TLS negotiation now\r\n", tl, line);
            p->go_tls = true;
        } else if (!strncasecmp(cmd, "LOGOUT", 6)) {
            snprintf(out, sizeof out, "* BYE\r\n%.*s OK bye\r\n", tl, line);
            p->closing = true;
        } else
            snprintf(out, sizeof out, "%.*s BAD say STARTTLS first\r\n", tl, line);
    } else if (!strncasecmp(line, "EHLO", 4) || !strncasecmp(line, "LHLO", 4)) {
        snprintf(out, sizeof out,
                 "250-localhost\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 "
                 "8BITMIME\r\n");
    } else if (!strncasecmp(line, "HELO", 4)) {
        snprintf(out, sizeof out, "250 localhost\r\n");
    } else if (!strncasecmp(line, "STARTTLS", 8)) {
        snprintf(out, sizeof out, "220 2.0.0 Ready to start TLS\r\n");
        p->go_tls = true;
    } else if (!strncasecmp(line, "QUIT", 4)) {
        snprintf(out, sizeof out, "221 2.0.0 Bye\r\n");
        p->closing = true;
    } else {
        snprintf(out, sizeof out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
    }
    queue(p, out);
}

int lab_plain_step(struct lab_plain *p, int fd, short *events)
{
    while (p->sent < p->n_out) {
        ssize_t k = send(fd, p->out + p->sent, p->n_out - p->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k > 0) {
            p->sent += (size_t)k;
            continue;
        }
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            *events = POLLOUT;
            return 0;
        }
        return -1;
    }
    p->n_out = p->sent = 0;
    if (p->closing)
        return -1;
    if (p->go_tls) {
        p->active = false; /* whatever was pipelined after STARTTLS is dropped (CVE-2011-0411) */
        return 1;
    }
    *events = POLLIN;
    for (int i = 0; i < 8; i++) {
        ssize_t k = recv(fd, p->in + p->n_in, sizeof p->in - p->n_in, MSG_DONTWAIT);
        if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return -1;
        if (k < 0)
            return 0;
        p->n_in += (size_t)k;
        char *nl;
        while ((nl = memchr(p->in, '\n', p->n_in)) != NULL && !p->go_tls && !p->closing) {
            size_t len = (size_t)(nl - p->in);
            char line[sizeof p->in];
            memcpy(line, p->in, len);
            line[len] = '\0';
            if (len && line[len - 1] == '\r')
                line[len - 1] = '\0';
            memmove(p->in, nl + 1, p->n_in - len - 1);
            p->n_in -= len + 1;
            if (++p->lines > 32)
                return -1; /* a lab client says a few lines, not more */
            command(p, line);
        }
        if (p->n_in == sizeof p->in)
            return -1; /* a line longer than the buffer */
        if (p->n_out)
            return lab_plain_step(p, fd, events);
    }
    return 0;
}
