/* What a connection offers: the configuration that goes into the engine.
 *
 * A tls_config is plain data, filled by the command line (and later by profiles and the UI
 * editor). It owns every string and list in it; config_free releases them. Unset values
 * mean "leave OpenSSL's effective default" and the report says where each effective value
 * came from. */
#ifndef TLSCOPE_MODEL_CONFIG_H
#define TLSCOPE_MODEL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strlist.h"

/* Protocol versions in order; PROTO_UNSET leaves the library default. */
enum proto_version {
    PROTO_UNSET = 0,
    PROTO_SSL3,
    PROTO_TLS1_0,
    PROTO_TLS1_1,
    PROTO_TLS1_2,
    PROTO_TLS1_3,
};

/* "tls1.2" / "TLSv1.2" / "1.2" → PROTO_TLS1_2; PROTO_UNSET when unknown. */
enum proto_version proto_from_name(const char *name);
/* PROTO_TLS1_2 → "TLSv1.2" (OpenSSL's spelling); "" for PROTO_UNSET. */
const char *proto_name(enum proto_version v);
/* PROTO_TLS1_2 → "TLS 1.2", for prose. */
const char *proto_label(enum proto_version v);

enum addr_family { FAMILY_ANY = 0, FAMILY_V4 = 4, FAMILY_V6 = 6 };

struct tls_config {
    /* target */
    char *host;    /* name or literal address, without brackets */
    uint16_t port; /* 443 when not given */
    char *sni;     /* server name to send; NULL means "the host, if it is a name" */
    bool no_sni;   /* send no server_name at all */
    enum addr_family family;

    /* what to offer */
    enum proto_version min_proto, max_proto;
    char *ciphers;       /* TLS <= 1.2 cipher string, OpenSSL syntax */
    char *ciphersuites;  /* TLS 1.3 suites */
    char *groups;        /* colon-separated, OpenSSL syntax */
    char *sigalgs;       /* colon-separated */
    int sec_level;       /* -1: leave the library default (openssl.cnf) */
    struct strlist alpn; /* protocols in preference order */

    /* verification */
    bool verify;                  /* verify the peer chain (default on) */
    bool hostname_check;          /* check the name against the leaf (default on) */
    char *ca_file, *ca_path;      /* NULL: the system store */
    struct strlist ignore_errors; /* OpenSSL symbols, e.g. X509_V_ERR_CERT_HAS_EXPIRED */
    struct strlist pins;          /* "sha256//BASE64" SPKI pins */

    /* client certificate */
    char *cert_file, *key_file;
    char *key_pass; /* passphrase source: "env:VAR" or "file:PATH", never the secret */
    /* The passphrase itself, typed into the UI: in-memory only, never saved (not in the
     * profile schema), wiped (explicit_bzero) by config_free; wins over key_pass. */
    char *key_pass_value;

    /* extras */
    bool ocsp;          /* ask for a stapled OCSP response */
    bool ocsp_required; /* no good, valid staple fails verification (implies ocsp) */
    bool reconnect;     /* a second connection that tries to resume */
    char *keylog;       /* NSS key log file */
    double timeout_s;   /* per stage */

    /* issue 13: the certificate doctor's network checks, only when asked */
    bool aia;        /* fetch a missing intermediate from its caIssuers URL */
    bool revocation; /* ask OCSP responders and CRLs about the verified path */
    bool ct;         /* ask for SCTs in the handshake (signed_certificate_timestamp) */
    char *ct_logs;   /* the CT log list file; NULL: the shipped data/ct_logs.cnf */
    /* plaintext around TLS (issue 12) */
    char *starttls;       /* "auto" (NULL too), "none", or a protocol: smtp, imap, ... */
    char *xmpp_host;      /* the `to` domain of the XMPP stream (default: the host) */
    char *ehlo_name;      /* the name in EHLO/LHLO (default: the SNI name, else "tlscope") */
    char *http;           /* the HTTP probe: NULL or "off" none, "on" for "/", or a path */
    bool check_injection; /* the STARTTLS command-injection check (CVE-2011-0411) */

    /* UI preference a profile may carry; the engine ignores it */
    char *theme;

    /* the scanner (issue 11; the engine ignores them) */
    int scan_parallel; /* connections at once, 1-64 (default 6) */
    int scan_delay_ms; /* at least this long between two connection starts */
};

/* Fills c with the defaults (verify on, hostname check on, port 443, timeout 10 s). */
void config_init(struct tls_config *c);
void config_free(struct tls_config *c);
/* Deep copy; dst must not hold owned data. */
void config_copy(struct tls_config *dst, const struct tls_config *src);

/* ---- value validators ---------------------------------------------------------------------
 * One rule per value, shared by the command line (main.c) and the profile loader (and so the
 * UI editor): each checks a value as typed and on success gives the form to use. On failure
 * err->reason holds a sentence naming the value and what is wrong, without the flag or key
 * name, which the caller puts in front ("--sni 'a b': ..." / "file:3:6: `sni`: ..."). */
struct config_error {
    char reason[320];
};

#define CONFIG_TIMEOUT_MIN 0.001 /* seconds: below this no stage could finish */
#define CONFIG_TIMEOUT_MAX 3600

/* A host to connect to: an IP literal (IPv4 in any form inet_aton reads — "0x7f.1", "6",
 * "127.1" — comes out as a dotted quad, IPv6 as given), or a host name: an international
 * name (UTF-8) comes out as its A-labels ("xn--bcher-kva.example"), a final dot is dropped;
 * labels of 1-63 letters, digits, '-' or '_', not starting or ending with '-'. out has room
 * for 256 bytes. Returns 0 or -1 with err. */
int config_host_normalize(const char *in, char *out, size_t outlen, struct config_error *err);
/* A server name to send (RFC 6066): a host name as above, never an IP address. */
int config_sni_normalize(const char *in, char *out, size_t outlen, struct config_error *err);
/* A per-stage timeout in seconds: finite, at least CONFIG_TIMEOUT_MIN, at most
 * CONFIG_TIMEOUT_MAX. parse reads a decimal number first. */
int config_timeout_check(double v, struct config_error *err);
int config_timeout_parse(const char *text, double *out, struct config_error *err);
/* A trust directory must exist and be a directory we can search; a CA file must be a
 * readable regular file. */
int config_ca_path_check(const char *path, struct config_error *err);
int config_ca_file_check(const char *path, struct config_error *err);

/* What in c weakens verification or the connection's secrecy, one phrase each, appended to
 * out in a fixed order: verification off (or the hostname check off), each ignored
 * verification error, security level 0, a minimum protocol below TLS 1.2, a key log. The one
 * answer the engine's report, the home screen, the editor and the reports give. The engine
 * adds "security level 0" itself when openssl.cnf (not c) makes the level 0. */
void config_weakenings(const struct tls_config *c, struct strlist *out);
/* The phrase config_weakenings uses for security level 0 (the engine's check reuses it). */
#define CONFIG_WEAK_SECLEVEL0 "security level 0: weak keys, SHA-1 and old protocols allowed"

/* The name sent as SNI for this config, or NULL when none is sent (no_sni, or host is an
 * IP literal and no explicit sni was given). */
const char *config_sni(const struct tls_config *c);
/* True when host is an IPv4 (any form inet_aton reads) or IPv6 literal. */
bool host_is_ip_literal(const char *host);

/* Parses "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT" into c->host / c->port; the host goes
 * through config_host_normalize (so an international name is stored as A-labels).
 * Returns 0, or -1 with a message in err (size errlen) naming what is wrong. */
int target_parse(const char *spec, struct tls_config *c, char *err, size_t errlen);
/* True when spec names a port explicitly ("host:8443", "[::1]:8443"). */
bool target_has_port(const char *spec);

#endif
