/* Reading a probe's answer back from the records the server sent: the ServerHello (or HRR),
 * an alert or an SSLv2 record, the ServerHello's extensions, and a ServerKeyExchange's DH
 * prime size when one follows. The bytes come from a hostile peer: wire/ parses them. */
#include <stdlib.h>
#include <string.h>

#include "scan/scan_internal.h"
#include "wire/record.h"
#include "wire/wire.h"

static void server_hello(const uint8_t *msg, size_t len, struct scan_reply *out)
{
    struct wire_hello sh;
    if (wire_parse_server_hello(msg, len, &sh, NULL) != 0)
        return;
    out->outcome = sh.is_hello_retry_request ? HELLO_RETRY : HELLO_SERVER_HELLO;
    out->hrr = sh.is_hello_retry_request;
    out->version = sh.selected_version;
    out->cipher = sh.n_ciphers ? sh.ciphers[0] : 0;
    out->compression = sh.n_compressions ? sh.compressions[0] : 0;
    out->group = sh.n_key_shares ? sh.key_shares[0] : 0;
    out->session_id_len = sh.session_id_len;
    memcpy(out->session_id, sh.session_id, sh.session_id_len);
    out->ext_reneg = wire_hello_find_ext(&sh, WIRE_EXT_RENEGOTIATION_INFO) != NULL;
    out->ext_ems = wire_hello_find_ext(&sh, WIRE_EXT_EXTENDED_MASTER_SECRET) != NULL;
    out->ext_ticket = wire_hello_find_ext(&sh, WIRE_EXT_SESSION_TICKET) != NULL;
    out->ext_status = wire_hello_find_ext(&sh, WIRE_EXT_STATUS_REQUEST) != NULL;
    out->ext_etm = wire_hello_find_ext(&sh, WIRE_EXT_ENCRYPT_THEN_MAC) != NULL;
    if (sh.n_alpn && sh.alpn[0].len < sizeof out->alpn) {
        memcpy(out->alpn, sh.alpn[0].data, sh.alpn[0].len);
        out->alpn[sh.alpn[0].len] = '\0';
    }
    wire_hello_free(&sh);
}

/* ServerKeyExchange of a DHE suite starts with dh_p<1..2^16-1>: its length in bits. */
int scan_ske_dh_bits(const uint8_t *msg, size_t len)
{
    if (len < 6 || msg[0] != WIRE_HS_SERVER_KEY_EXCHANGE)
        return 0;
    size_t plen = (size_t)msg[4] << 8 | msg[5];
    if (plen == 0 || 6 + plen > len)
        return 0;
    const uint8_t *p = msg + 6;
    while (plen > 0 && *p == 0) /* leading zero bytes do not count */
        p++, plen--;
    if (plen == 0)
        return 0;
    int bits = (int)plen * 8;
    for (uint8_t top = p[0]; !(top & 0x80); top <<= 1)
        bits--;
    return bits;
}

static void server_key_exchange(const uint8_t *msg, size_t len, struct scan_reply *out)
{
    out->ske = true;
    out->dh_bits = scan_ske_dh_bits(msg, len);
}

int scan_read_reply(const uint8_t *data, size_t n, struct scan_reply *out)
{
    memset(out, 0, sizeof *out);
    if (!data || n == 0)
        return -1; /* nothing was received */
    struct wire_reader *rd = malloc(sizeof *rd);
    if (!rd)
        return -1;
    wire_reader_init(rd, 1 << 16);
    size_t off = 0;
    bool stop = false;
    for (int rounds = 0; !stop && rounds < 64; rounds++) {
        off += wire_reader_feed(rd, data + off, n - off);
        struct wire_item it;
        int rc = 0;
        bool progress = false;
        while (!stop && (rc = wire_reader_next(rd, &it)) > 0) {
            progress = true;
            if (it.kind == WIRE_ITEM_HANDSHAKE && it.data[0] == WIRE_HS_SERVER_HELLO &&
                out->outcome == HELLO_NONE) {
                server_hello(it.data, it.len, out);
                if (out->outcome == HELLO_NONE)
                    stop = true; /* malformed */
                if (out->hrr || out->version == WIRE_TLS1_3)
                    stop = true; /* the rest is encrypted */
            } else if (it.kind == WIRE_ITEM_HANDSHAKE &&
                       it.data[0] == WIRE_HS_SERVER_KEY_EXCHANGE && out->outcome != HELLO_NONE) {
                server_key_exchange(it.data, it.len, out);
                stop = true;
            } else if (it.kind == WIRE_ITEM_ALERT && it.alert_level == 2 &&
                       out->outcome == HELLO_NONE) {
                out->outcome = HELLO_ALERT;
                out->alert = it.alert_desc;
                stop = true;
            } else if (it.kind == WIRE_ITEM_SSL2 && out->outcome == HELLO_NONE) {
                out->outcome = HELLO_SSL2;
                stop = true;
            }
        }
        if (rc < 0 || (!progress && off >= n))
            break;
    }
    wire_reader_free(rd);
    free(rd);
    return out->outcome == HELLO_NONE ? -1 : 0;
}
