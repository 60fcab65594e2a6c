/* The scripted negotiation peer: see rawpeer.h. */
#include "lib/rawpeer.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/timeutil.h"
#include "wire/build.h"
#include "wire/record.h"
#include "wire/serve.h"
#include "wire/wire.h"

#define FALLBACK_SCSV 0x5600
#define RENEG_SCSV    0x00FF
#define ANSWER_MAX    (2 * 16384 + 4096)

static void count(unsigned *field)
{
    __atomic_add_fetch(field, 1, __ATOMIC_RELAXED);
}

static void rst(int fd)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

static bool send_all(int fd, const uint8_t *buf, size_t n, int64_t deadline)
{
    while (n > 0) {
        int64_t left = deadline - mono_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return false;
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w <= 0)
            return false;
        buf += w;
        n -= (size_t)w;
    }
    return true;
}

/* Waits (bounded) for the client to close, so it reads the answer before our FIN. */
static void linger_close(int fd)
{
    int64_t deadline = mono_ms() + RAWPEER_LINGER_MS;
    uint8_t buf[4096];
    for (int i = 0; i < 64; i++) {
        int64_t left = deadline - mono_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            break;
        if (recv(fd, buf, sizeof buf, MSG_DONTWAIT) <= 0)
            break;
    }
}

/* Reads the first item: 1 with *it (a handshake message or an SSLv2 record), 0 otherwise. */
static int read_hello(int fd, struct wire_reader *rd, struct wire_item *it)
{
    int64_t deadline = mono_ms() + RAWPEER_READ_MS;
    for (int i = 0; i < 1000; i++) {
        int rc = wire_reader_next(rd, it);
        if (rc > 0)
            return it->kind == WIRE_ITEM_HANDSHAKE || it->kind == WIRE_ITEM_SSL2;
        if (rc < 0)
            return 0;
        int64_t left = deadline - mono_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return 0;
        size_t room;
        uint8_t *space = wire_reader_space(rd, &room);
        ssize_t n = room ? recv(fd, space, room, MSG_DONTWAIT) : -1;
        if (n <= 0)
            return 0;
        wire_reader_commit(rd, (size_t)n);
    }
    return 0;
}

static bool has16(const uint16_t *v, size_t n, uint16_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

static unsigned version_bit(uint16_t v)
{
    switch (v) {
    case 0x0300: return RAWPEER_SSL3;
    case 0x0301: return RAWPEER_TLS1_0;
    case 0x0302: return RAWPEER_TLS1_1;
    case 0x0303: return RAWPEER_TLS1_2;
    case 0x0304: return RAWPEER_TLS1_3;
    default: return 0;
    }
}

static uint16_t highest_accepted(unsigned versions)
{
    for (uint16_t v = 0x0304; v >= 0x0300; v--)
        if (versions & version_bit(v))
            return v;
    return 0;
}

/* The version to answer with, and the client's highest offer; 0 when none is shared. */
static uint16_t pick_version(const struct rawpeer_config *cfg, const struct wire_hello *ch,
                             uint16_t *client_max)
{
    uint16_t best = 0;
    *client_max = 0;
    if (ch->n_versions) {
        for (size_t i = 0; i < ch->n_versions; i++) {
            uint16_t v = ch->versions[i];
            if (!wire_is_grease(v) && v > *client_max && v <= 0x0304)
                *client_max = v;
            if ((cfg->versions & version_bit(v)) && v > best)
                best = v;
        }
        return best;
    }
    *client_max = ch->legacy_version > 0x0303 ? 0x0303 : ch->legacy_version;
    for (uint16_t v = *client_max; v >= 0x0300; v--)
        if (cfg->versions & version_bit(v))
            return v;
    return 0;
}

static bool is_ecdhe(uint16_t suite)
{
    char buf[WIRE_NAME_BUF];
    return strstr(wire_cipher_name(suite, buf, sizeof buf), "ECDHE") != NULL;
}

/* The first element of `first` that `second` also holds (NULL second: any), or 0. */
static uint16_t pick16(const uint16_t *first, size_t n_first, const uint16_t *second,
                       size_t n_second, bool (*ok)(uint16_t, const void *), const void *arg)
{
    for (size_t i = 0; i < n_first; i++)
        if (has16(second, n_second, first[i]) && (!ok || ok(first[i], arg)))
            return first[i];
    return 0;
}

struct suite_ctx {
    uint16_t version;
    bool group_shared;
};

static bool suite_ok(uint16_t s, const void *arg)
{
    const struct suite_ctx *x = arg;
    bool v13 = (s >> 8) == 0x13;
    if (x->version == 0x0304 ? !v13 : v13)
        return false;
    return x->version == 0x0304 || !is_ecdhe(s) || x->group_shared;
}

static bool shared_group_exists(const struct rawpeer_config *cfg, const struct wire_hello *ch)
{
    return ch->n_groups == 0 || cfg->n_groups == 0 ||
           pick16(cfg->groups, cfg->n_groups, ch->groups, ch->n_groups, NULL, NULL) != 0;
}

/* The size of a server key share for group (ML-KEM: its ciphertext). */
static size_t share_len(uint16_t g)
{
    switch (g) {
    case 0x001d: return 32;
    case 0x001e: return 56;
    case 0x0017: return 65;
    case 0x0018: return 97;
    case 0x0019: return 133;
    case 0x0100: return 256;
    case 0x0101: return 384;
    case 0x0102: return 512;
    case 0x0103: return 768;
    case 0x0104: return 1024;
    case 0x0200: return 768;
    case 0x0201: return 1088;
    case 0x0202: return 1568;
    case 0x11EC: return 1088 + 32;
    case 0x11EB: return 65 + 1088;
    case 0x11ED: return 97 + 1568;
    case 0x6399: return 32 + 1088;
    default: return 32;
    }
}

struct answer {
    uint8_t buf[ANSWER_MAX];
    size_t len;
};

static void alert(struct answer *a, uint16_t version, uint8_t desc, struct rawpeer_stats *st)
{
    a->len = wire_build_alert(version, 2, desc, a->buf, sizeof a->buf);
    count(&st->alerts);
}

static bool client_offers_ext(const struct wire_hello *ch, uint16_t type)
{
    return wire_hello_find_ext(ch, type) != NULL;
}

/* The TLS 1.3 answer for suite: ServerHello or HRR. */
static void answer13(const struct rawpeer_config *cfg, const struct wire_hello *ch, uint16_t suite,
                     struct answer *a, struct rawpeer_stats *st)
{
    const uint16_t *pref = cfg->client_order ? ch->groups : cfg->groups;
    size_t n_pref = cfg->client_order ? ch->n_groups : cfg->n_groups;
    const uint16_t *other = cfg->client_order ? cfg->groups : ch->groups;
    size_t n_other = cfg->client_order ? cfg->n_groups : ch->n_groups;
    uint16_t best = pick16(pref, n_pref, other, n_other, NULL, NULL);
    uint16_t with_share = 0;
    for (size_t i = 0; i < n_pref && !with_share; i++)
        if (has16(other, n_other, pref[i]) && has16(ch->key_shares, ch->n_key_shares, pref[i]))
            with_share = pref[i];
    if (!best) {
        alert(a, 0x0303, 40, st);
        return;
    }
    bool hrr = !with_share || (cfg->group_strict && with_share != best);
    uint16_t group = hrr ? best : with_share;
    static uint8_t key[2048];
    size_t klen = share_len(group);
    const uint8_t *gen;
    size_t glen = wire_default_share(group, key, sizeof key, &gen);
    uint8_t ks[4 + sizeof key], sv[2] = {0x03, 0x04};
    size_t ks_len;
    ks[0] = (uint8_t)(group >> 8);
    ks[1] = (uint8_t)group;
    if (hrr) {
        ks_len = 2;
    } else {
        ks[2] = (uint8_t)(klen >> 8);
        ks[3] = (uint8_t)klen;
        memset(ks + 4, 0, klen);
        if (glen == klen)
            memcpy(ks + 4, gen, glen);
        ks_len = 4 + klen;
    }
    struct wire_ext exts[2] = {{WIRE_EXT_SUPPORTED_VERSIONS, {sv, 2}},
                               {WIRE_EXT_KEY_SHARE, {ks, ks_len}}};
    static const uint8_t random[32] = "tlscope rawpeer server random..";
    struct wire_sh_spec sh = {
        .record_version = 0x0303,
        .legacy_version = 0x0303,
        .random = random,
        .hrr = hrr,
        .session_id = cfg->no_session_id_echo ? NULL : ch->session_id,
        .session_id_len = cfg->no_session_id_echo ? 0 : ch->session_id_len,
        .cipher = suite,
        .exts = exts,
        .n_exts = 2,
    };
    a->len = wire_build_server_hello(&sh, a->buf, sizeof a->buf, NULL);
    count(hrr ? &st->retries : &st->server_hellos);
}

/* The TLS <= 1.2 answer: ServerHello with the extensions the client asked for, and the
 * Certificate when configured. */
static void answer12(const struct rawpeer_config *cfg, const struct wire_hello *ch,
                     uint16_t version, uint16_t suite, struct answer *a, struct rawpeer_stats *st)
{
    struct wire_ext exts[8];
    size_t n = 0;
    static const uint8_t reneg[] = {0}, uncompressed[] = {1, 0};
    uint8_t alpn[2 + 1 + 255];
    if (cfg->secure_renegotiation && (client_offers_ext(ch, WIRE_EXT_RENEGOTIATION_INFO) ||
                                      has16(ch->ciphers, ch->n_ciphers, RENEG_SCSV)))
        exts[n++] = (struct wire_ext){WIRE_EXT_RENEGOTIATION_INFO, {reneg, 1}};
    if (cfg->ems && client_offers_ext(ch, WIRE_EXT_EXTENDED_MASTER_SECRET))
        exts[n++] = (struct wire_ext){WIRE_EXT_EXTENDED_MASTER_SECRET, {NULL, 0}};
    if (cfg->session_ticket && client_offers_ext(ch, WIRE_EXT_SESSION_TICKET))
        exts[n++] = (struct wire_ext){WIRE_EXT_SESSION_TICKET, {NULL, 0}};
    if (cfg->status_request && client_offers_ext(ch, WIRE_EXT_STATUS_REQUEST))
        exts[n++] = (struct wire_ext){WIRE_EXT_STATUS_REQUEST, {NULL, 0}};
    if (is_ecdhe(suite) && client_offers_ext(ch, WIRE_EXT_EC_POINT_FORMATS))
        exts[n++] = (struct wire_ext){WIRE_EXT_EC_POINT_FORMATS, {uncompressed, 2}};
    for (size_t i = 0; i < cfg->n_alpn; i++) {
        size_t len = strlen(cfg->alpn[i]);
        bool offered = false;
        for (size_t j = 0; j < ch->n_alpn && !offered; j++)
            offered = ch->alpn[j].len == len && memcmp(ch->alpn[j].data, cfg->alpn[i], len) == 0;
        if (offered && len > 0 && len < 256) {
            alpn[0] = 0;
            alpn[1] = (uint8_t)(len + 1);
            alpn[2] = (uint8_t)len;
            memcpy(alpn + 3, cfg->alpn[i], len);
            exts[n++] = (struct wire_ext){WIRE_EXT_ALPN, {alpn, len + 3}};
            break;
        }
    }
    uint8_t comp = 0;
    for (size_t i = 0; i < cfg->n_compressions && !comp; i++)
        for (size_t j = 0; j < ch->n_compressions; j++)
            if (ch->compressions[j] == cfg->compressions[i] && cfg->compressions[i] != 0)
                comp = cfg->compressions[i];
    static const uint8_t random[32] = "tlscope rawpeer server random..";
    struct wire_sh_spec sh = {
        .record_version = version,
        .legacy_version = version,
        .random = random,
        .cipher = suite,
        .compression = comp,
        .exts = exts,
        .n_exts = n,
        .no_extensions = n == 0,
    };
    a->len = wire_build_server_hello(&sh, a->buf, sizeof a->buf, NULL);
    count(&st->server_hellos);
    if (a->len && cfg->cert_der_len) {
        static uint8_t body[3 + 3 + 16384];
        const uint8_t *der[1] = {cfg->cert_der};
        size_t der_len[1] = {cfg->cert_der_len};
        size_t bl = wire_build_certificate_body(der, der_len, 1, body, sizeof body, NULL);
        if (bl)
            a->len += wire_build_handshake_records(version, WIRE_HS_CERTIFICATE, body, bl,
                                                   a->buf + a->len, sizeof a->buf - a->len, NULL);
    }
}

static void answer_tls(const struct rawpeer_config *cfg, const struct wire_item *it,
                       struct answer *a, struct rawpeer_stats *st)
{
    struct wire_hello ch;
    if (it->data[0] != WIRE_HS_CLIENT_HELLO ||
        wire_parse_client_hello(it->data, it->len, &ch, NULL) != 0) {
        alert(a, 0x0303, 50 /* decode_error */, st);
        return;
    }
    uint16_t client_max, version = pick_version(cfg, &ch, &client_max);
    uint16_t alert_version = client_max >= 0x0303 || client_max < 0x0300 ? 0x0303 : client_max;
    if (!version) {
        alert(a, alert_version, 70 /* protocol_version */, st);
    } else if (cfg->honour_fallback && has16(ch.ciphers, ch.n_ciphers, FALLBACK_SCSV) &&
               highest_accepted(cfg->versions) > client_max) {
        alert(a, alert_version, 86 /* inappropriate_fallback */, st);
    } else if (cfg->n_sigalgs && ch.n_sigalgs &&
               !pick16(cfg->sigalgs, cfg->n_sigalgs, ch.sigalgs, ch.n_sigalgs, NULL, NULL)) {
        alert(a, version, 40 /* handshake_failure */, st);
    } else {
        struct suite_ctx x = {version, shared_group_exists(cfg, &ch)};
        uint16_t suite =
            cfg->client_order
                ? pick16(ch.ciphers, ch.n_ciphers, cfg->suites, cfg->n_suites, suite_ok, &x)
                : pick16(cfg->suites, cfg->n_suites, ch.ciphers, ch.n_ciphers, suite_ok, &x);
        if (!suite)
            alert(a, version == 0x0304 ? 0x0303 : version, 40 /* handshake_failure */, st);
        else if (version == 0x0304)
            answer13(cfg, &ch, suite, a, st);
        else
            answer12(cfg, &ch, version, suite, a, st);
    }
    wire_hello_free(&ch);
}

/* SSLv2: the accepted specs the client offered, in server order; false when none. */
static bool answer_ssl2(const struct rawpeer_config *cfg, const struct wire_item *it,
                        struct answer *a, struct rawpeer_stats *st)
{
    static struct wire_ssl2_hello ch;
    if (!(cfg->versions & RAWPEER_SSL2) ||
        wire_parse_ssl2_client_hello(it->data, it->len, &ch, NULL) != 0)
        return false;
    uint32_t specs[64];
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_ssl2_specs && n < 64; i++)
        for (size_t j = 0; j < ch.n_specs; j++)
            if (ch.specs[j] == cfg->ssl2_specs[i]) {
                specs[n++] = cfg->ssl2_specs[i];
                break;
            }
    if (!n)
        return false;
    static const uint8_t conn_id[16] = "rawpeer conn id";
    a->len = wire_build_ssl2_server_hello(specs, n, cfg->cert_der, cfg->cert_der_len, conn_id,
                                          a->buf, sizeof a->buf, NULL);
    count(&st->ssl2_hellos);
    return a->len > 0;
}

static void serve(int fd, const void *arg)
{
    const struct rawpeer *rp = arg;
    const struct rawpeer_config *cfg = &rp->cfg;
    struct rawpeer_stats *st = rp->stats;
    unsigned nth = __atomic_add_fetch(&st->connections, 1, __ATOMIC_RELAXED);
    static struct wire_reader rd;
    static struct answer a;
    struct wire_item it;
    a.len = 0;
    if (cfg->refuse_after && nth > cfg->refuse_after) {
        rst(fd);
        count(&st->resets);
        close(fd);
        return;
    }
    wire_reader_init(&rd, 1 << 16);
    bool got = read_hello(fd, &rd, &it) == 1;
    if (got && cfg->max_hello && it.len > cfg->max_hello)
        got = false;
    else if (got && cfg->reset_every && nth % cfg->reset_every == 0) {
        rst(fd);
        count(&st->resets);
        wire_reader_free(&rd);
        close(fd);
        return;
    }
    if (got && it.kind == WIRE_ITEM_SSL2)
        got = answer_ssl2(cfg, &it, &a, st);
    else if (got)
        answer_tls(cfg, &it, &a, st);
    wire_reader_free(&rd);
    if (got && a.len && send_all(fd, a.buf, a.len, mono_ms() + RAWPEER_READ_MS))
        linger_close(fd);
    else
        count(&st->closes);
    close(fd);
}

int rawpeer_start(struct rawpeer *rp, bool v6, const struct rawpeer_config *cfg)
{
    memset(rp, 0, sizeof(*rp));
    rp->peer.listen_fd = -1;
    rp->cfg = *cfg;
    void *m = mmap(NULL, sizeof(struct rawpeer_stats), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        perror("rawpeer: mmap");
        return -1;
    }
    rp->stats = m;
    memset(rp->stats, 0, sizeof(*rp->stats));
    if (peer_fork_limits(&rp->peer, v6, serve, rp, RAWPEER_MAX_CONNS, RAWPEER_MAX_MS) < 0) {
        rawpeer_stop(rp);
        return -1;
    }
    return 0;
}

struct rawpeer_stats rawpeer_stats(const struct rawpeer *rp)
{
    struct rawpeer_stats s = {0};
    if (!rp->stats)
        return s;
    unsigned *dst = (unsigned *)&s;
    unsigned *src = (unsigned *)rp->stats;
    for (size_t i = 0; i < sizeof s / sizeof(unsigned); i++)
        dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
    return s;
}

void rawpeer_stop(struct rawpeer *rp)
{
    peer_stop(&rp->peer);
    if (rp->stats) {
        munmap(rp->stats, sizeof(*rp->stats));
        rp->stats = NULL;
    }
}
