/* The raw-hello driver: sends a ClientHello the wire codec built, reads records until the
 * server answers — a ServerHello, a HelloRetryRequest, a fatal alert, an SSLv2 record or a
 * close — records what came back, and stops. No key exchange, no certificates, no OpenSSL:
 * a probe costs a socket, one write and a few reads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/conn_internal.h"
#include "starttls/starttls.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "wire/record.h"
#include "wire/wire.h"

#define RAW_READS_PER_STEP 4     /* recv() calls per step: a flood cannot hold a step */
#define RAW_MSG_MAX        65536 /* the longest handshake message we reassemble */

struct hs_raw {
    size_t hello_len, sent;
    int64_t sent_us;
    bool reading;
    struct wire_reader rd;
    uint8_t first[64]; /* the first bytes received, for "not TLS" */
    size_t n_first;
    uint8_t hello[]; /* the ClientHello record, hello_len bytes */
};

static void add_event(struct conn *c, enum event_dir dir, int content_type, int version,
                      const uint8_t *data, size_t len)
{
    conn_record_message(c, dir, content_type, content_type, version, data, len);
}

static void set_text(char **dst, const char *v)
{
    free(*dst);
    *dst = v ? xstrdup(v) : NULL;
}

/* The ServerHello (or HRR) answered: copy what it says into the report. HS_DONE, or
 * HS_FAILED (the report's error says why) when it does not parse. */
static enum hs_status server_hello(struct conn *c, const uint8_t *msg, size_t len)
{
    struct report *r = c->r;
    struct wire_hello sh;
    const char *why = NULL;
    if (wire_parse_server_hello(msg, len, &sh, &why) != 0) {
        report_set_error(r, STAGE_TLS, NULL, "the server's ServerHello is malformed: %s", why);
        return HS_FAILED;
    }
    struct hello_result *h = &r->hello;
    h->outcome = sh.is_hello_retry_request ? HELLO_RETRY : HELLO_SERVER_HELLO;
    h->version = sh.selected_version;
    h->cipher = sh.n_ciphers ? sh.ciphers[0] : 0;
    h->compression = sh.n_compressions ? sh.compressions[0] : 0;
    h->group = sh.n_key_shares ? sh.key_shares[0] : 0;
    char buf[WIRE_NAME_BUF];
    set_text(&r->protocol, wire_version_name(h->version, buf, sizeof buf));
    r->protocol_version = h->version;
    r->cipher_id = h->cipher;
    set_text(&r->cipher_iana, wire_cipher_name(h->cipher, buf, sizeof buf));
    set_text(&r->group, h->group ? wire_group_name(h->group, buf, sizeof buf) : NULL);
    strlist_clear(&r->server_extensions);
    for (size_t i = 0; i < sh.n_exts; i++)
        strlist_push(&r->server_extensions, wire_extension_name(sh.exts[i].type, buf, sizeof buf));
    wire_hello_free(&sh);
    return HS_DONE;
}

static void answered(struct conn *c)
{
    struct hs_raw *x = c->raw;
    c->r->hello.ms = (double)(mono_us() - x->sent_us) / 1000.0;
    c->r->handshake_ms = (double)(mono_us() - c->t_stage_us) / 1000.0;
}

/* TLS <= 1.2: the rest of the ServerHello's flight that was read with it (Certificate,
 * ServerKeyExchange, ServerHelloDone) is recorded too — no further read, no wait — so that
 * the scanner reads a DHE group's size from a probe instead of a full handshake. */
static void rest_of_flight(struct conn *c)
{
    struct wire_item it;
    for (int k = 0; k < 8 && wire_reader_next(&c->raw->rd, &it) > 0; k++) {
        if (it.kind != WIRE_ITEM_HANDSHAKE)
            break;
        add_event(c, DIR_RECEIVED, WIRE_CT_HANDSHAKE, it.record_version, it.data, it.len);
        if (it.data[0] == WIRE_HS_SERVER_HELLO_DONE)
            break;
    }
}

/* Takes every complete item the reader holds; HS_DONE once the server has answered. */
static enum hs_status take_items(struct conn *c)
{
    struct hs_raw *x = c->raw;
    struct wire_item it;
    int rc;
    while ((rc = wire_reader_next(&x->rd, &it)) > 0) {
        switch (it.kind) {
        case WIRE_ITEM_HANDSHAKE:
            add_event(c, DIR_RECEIVED, WIRE_CT_HANDSHAKE, it.record_version, it.data, it.len);
            if (it.data[0] == WIRE_HS_SERVER_HELLO) {
                answered(c);
                enum hs_status st = server_hello(c, it.data, it.len);
                if (st == HS_DONE && c->r->hello.outcome == HELLO_SERVER_HELLO &&
                    c->r->hello.version < WIRE_TLS1_3)
                    rest_of_flight(c);
                return st;
            }
            break; /* anything before the ServerHello (HelloRequest): skipped */
        case WIRE_ITEM_ALERT:
            add_event(c, DIR_RECEIVED, WIRE_CT_ALERT, it.record_version, it.data, it.len);
            if (it.alert_level != 2)
                break; /* a warning (unrecognized_name) may come before the ServerHello */
            answered(c);
            c->r->hello.outcome = HELLO_ALERT;
            c->r->hello.alert_level = it.alert_level;
            c->r->hello.alert_desc = it.alert_desc;
            return HS_DONE;
        case WIRE_ITEM_SSL2:
            add_event(c, DIR_RECEIVED, 0, it.record_version, it.data, it.len);
            answered(c);
            c->r->hello.outcome = HELLO_SSL2;
            return HS_DONE;
        case WIRE_ITEM_CCS:
        case WIRE_ITEM_RECORD:
            add_event(c, DIR_RECEIVED, it.content_type, it.record_version, it.data, it.len);
            answered(c);
            report_set_error(c->r, STAGE_TLS, NULL,
                             "the server sent a %s record before any ServerHello",
                             content_type_name(it.content_type));
            return HS_FAILED;
        }
    }
    if (rc < 0 && x->rd.records == 0) { /* the very first record is not TLS */
        char *preview = sanitize_preview(x->first, x->n_first, 40);
        enum st_proto guess = st_guess_from_banner(x->first, x->n_first);
        char hint[120] = "is this port TLS?";
        if (guess != ST_NONE && c->st_proto == ST_NONE) /* a STARTTLS service's greeting */
            snprintf(hint, sizeof hint, "the server greets in plaintext like %s: try --starttls %s",
                     st_proto_name(guess), st_proto_name(guess));
        report_set_error(c->r, STAGE_TLS, hint, "server sent no TLS (%s): \"%s\"", x->rd.why,
                         preview);
        free(preview);
        return HS_FAILED;
    }
    if (rc < 0) {
        report_set_error(c->r, STAGE_TLS, NULL,
                         "the server answered in TLS records, then sent a malformed one: %s",
                         x->rd.why);
        return HS_FAILED;
    }
    return HS_RUNNING;
}

static enum hs_status raw_read(struct conn *c)
{
    struct hs_raw *x = c->raw;
    for (int i = 0; i < RAW_READS_PER_STEP; i++) {
        size_t room;
        uint8_t *space = wire_reader_space(&x->rd, &room);
        if (room == 0)
            break; /* take_items makes room */
        ssize_t n = recv(c->fd, space, room, 0);
        if (n > 0) {
            c->r->bytes_received += (uint64_t)n;
            if (x->n_first < sizeof x->first) {
                size_t k = (size_t)n < sizeof x->first - x->n_first ? (size_t)n
                                                                    : sizeof x->first - x->n_first;
                memcpy(x->first + x->n_first, space, k);
                x->n_first += k;
            }
            wire_reader_commit(&x->rd, (size_t)n);
            enum hs_status st = take_items(c);
            if (st != HS_RUNNING)
                return st;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return HS_RUNNING;
        answered(c); /* a close (FIN, or RST) before any answer */
        c->r->hello.outcome = HELLO_CLOSED;
        c->r->hello.close_errno = n == 0 ? 0 : errno;
        return HS_DONE;
    }
    return HS_RUNNING;
}

/* Sends the ClientHello (as far as the socket takes it); once it is all out, waits for the
 * answer: reads only when poll said so, so that a loop of many probes makes no recv() for a
 * probe that has nothing to read. */
static enum hs_status raw_step(struct conn *c, short revents)
{
    struct hs_raw *x = c->raw;
    if (x->reading)
        return revents & (POLLIN | POLLHUP | POLLERR) ? raw_read(c) : HS_RUNNING;
    while (x->sent < x->hello_len) {
        ssize_t n =
            send(c->fd, x->hello + x->sent, x->hello_len - x->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            x->sent += (size_t)n;
            c->r->bytes_sent += (uint64_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return HS_RUNNING;
        answered(c);
        c->r->hello.outcome = HELLO_CLOSED;
        c->r->hello.close_errno = n < 0 ? errno : 0;
        return HS_DONE;
    }
    x->reading = true;
    x->sent_us = mono_us();
    if (x->hello[0] & 0x80) /* an SSLv2 CLIENT-HELLO: 2-byte header, no TLS record */
        add_event(c, DIR_SENT, 0, 0x0002, x->hello + 2, x->hello_len - 2);
    else
        add_event(c, DIR_SENT, WIRE_CT_HANDSHAKE, x->hello[1] << 8 | x->hello[2],
                  x->hello + WIRE_RECORD_HEADER, x->hello_len - WIRE_RECORD_HEADER);
    return HS_RUNNING; /* the answer cannot be there yet: wait for POLLIN */
}

static int raw_start(struct conn *c, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct hs_raw *x = c->raw;
    x->sent = 0;
    x->reading = false;
    x->n_first = 0;
    wire_reader_free(&x->rd);
    wire_reader_init(&x->rd, RAW_MSG_MAX);
    return 0;
}

static void raw_want(const struct conn *c, short *events, int64_t *deadline_us)
{
    *events = c->raw->reading ? POLLIN : POLLOUT;
    *deadline_us = INT64_MAX;
}

static void raw_stop(struct conn *c, bool graceful)
{
    (void)c, (void)graceful; /* nothing to say to the peer: the pipeline closes the socket */
}

static void raw_release(struct conn *c)
{
    if (!c->raw)
        return;
    wire_reader_free(&c->raw->rd);
    free(c->raw);
    c->raw = NULL;
}

const struct hs_driver hs_raw_driver = {
    .name = "raw-hello",
    .start = raw_start,
    .step = raw_step,
    .want = raw_want,
    .stop = raw_stop,
    .release = raw_release,
};

/* What the report says we offered: the ClientHello as built (IANA names only: OpenSSL's would
 * cost a table search per suite on every probe). */
static void fill_offered(struct conn *c, const struct wire_ch_spec *spec)
{
    struct hs_raw *x = c->raw;
    struct wire_hello ch;
    if (wire_parse_client_hello(x->hello + WIRE_RECORD_HEADER, x->hello_len - WIRE_RECORD_HEADER,
                                &ch, NULL) == 0) {
        wire_fill_offered(&ch, &c->r->offered);
        wire_hello_free(&ch);
    }
    free(c->r->sni); /* the name in the hello, not the one cfg would send */
    c->r->sni = spec->sni ? xstrdup(spec->sni) : NULL;
    c->r->ocsp_requested = spec->status_request;
}

int conn_new_hello(struct engine *e, const struct tls_config *cfg, const struct wire_ch_spec *spec,
                   struct conn **out, char *err, size_t errlen)
{
    if (!cfg->host || !*cfg->host) {
        snprintf(err, errlen, "no target host given");
        return -1;
    }
    uint8_t hello[WIRE_CH_MAX];
    const char *why = NULL;
    size_t len = wire_build_client_hello(spec, hello, sizeof hello, &why);
    if (len == 0) {
        snprintf(err, errlen, "cannot build the ClientHello: %s", why);
        return -1;
    }
    struct hs_raw *x = xmalloc(sizeof(*x) + len);
    memcpy(x->hello, hello, len);
    x->hello_len = len;
    x->sent = 0;
    x->reading = false;
    x->n_first = 0;
    wire_reader_init(&x->rd, RAW_MSG_MAX);
    struct conn *c = conn_create(e, cfg, &hs_raw_driver);
    c->raw = x;
    if (preamble_choose(c, err, errlen) < 0) { /* the hello runs after any STARTTLS dialogue */
        conn_free(c);
        return -1;
    }
    /* 1220 bytes fit one segment even at IPv6's minimum MTU (1280 less the headers) */
    c->one_segment = x->hello_len <= 1220;
    fill_offered(c, spec);
    conn_begin(c);
    *out = c;
    return 0;
}
