/* The settings table, generic access to the config fields it describes, and the validators
 * registered into it. */
#include "settings/settings.h"

#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/suggest.h"

#define OFF(field) offsetof(struct tls_config, field)

/* One row per setting, its flags on the lines below it. */
/* clang-format off */
static const struct setting keys[] = {
    /* meta */
    {"description", SET_META, 0, 0, 0, CHECK_NONE, NULL, "none",
     "What this profile is for, shown in lists.",
     {{0}}},
    {"extends", SET_META, 0, 0, 0, CHECK_NONE, "a profile name", "none",
     "Start from another profile's values; keys here override them.",
     {{0}}},
    /* target */
    {"host", SET_STRING, OFF(host), 0, 0, CHECK_HOST, NULL, "none",
     "Host to connect to when none is given on the command line.",
     {{0}}},
    {"port", SET_PORT, OFF(port), 1, 65535, CHECK_NONE, "1-65535", "443", "TCP port.", {{0}}},
    {"sni", SET_SNI, 0, 0, 0, CHECK_HOST, "a name, or false", "the host when it is a name",
     "Server name to send; false sends none.",
     {{"sni", 0, NULL, false, "NAME", "server name to send (default: the host)"},
      {"no-sni", 0, "false", false, NULL, "send no server_name extension"}}},
    {"family", SET_FAMILY, OFF(family), 0, 0, CHECK_NONE, "any ipv4 ipv6", "any",
     "Address family to connect over.",
     {{NULL, '4', "ipv4", false, NULL, "IPv4 only"},
      {NULL, '6', "ipv6", false, NULL, "IPv6 only"}}},
    /* what to offer */
    {"min_protocol", SET_PROTO, OFF(min_proto), 0, 0, CHECK_NONE,
     "tls1.0 tls1.1 tls1.2 tls1.3", "the system's (openssl.cnf)",
     "Lowest protocol version to offer.",
     {{"min-proto", 0, NULL, false, "VER", "lowest version: tls1.0 tls1.1 tls1.2 tls1.3"}}},
    {"max_protocol", SET_PROTO, OFF(max_proto), 0, 0, CHECK_NONE,
     "tls1.0 tls1.1 tls1.2 tls1.3", "the system's (openssl.cnf)",
     "Highest protocol version to offer.",
     {{"max-proto", 0, NULL, false, "VER", "highest version"}}},
    {"ciphers", SET_STRING, OFF(ciphers), 0, 0, CHECK_VALIDATOR,
     "OpenSSL cipher string", "the system's",
     "Cipher suites for TLS 1.2 and older (OpenSSL syntax).",
     {{"ciphers", 0, NULL, false, "STR", "TLS <= 1.2 cipher list, OpenSSL syntax"}}},
    {"ciphersuites", SET_STRING, OFF(ciphersuites), 0, 0, CHECK_VALIDATOR,
     "colon-separated suites", "the system's",
     "TLS 1.3 cipher suites.",
     {{"ciphersuites", 0, NULL, false, "STR", "TLS 1.3 cipher suites"}}},
    {"groups", SET_STRING, OFF(groups), 0, 0, CHECK_VALIDATOR,
     "colon-separated groups", "the system's",
     "Key-exchange groups, e.g. X25519:P-256.",
     {{"groups", 0, NULL, false, "LIST", "key-exchange groups, e.g. X25519:P-256"}}},
    {"sigalgs", SET_STRING, OFF(sigalgs), 0, 0, CHECK_VALIDATOR,
     "colon-separated algorithms", "the system's",
     "Signature algorithms to offer.",
     {{"sigalgs", 0, NULL, false, "LIST",
       "signature algorithms, e.g. rsa_pss_rsae_sha256:ed25519"}}},
    {"security_level", SET_INT, OFF(sec_level), 0, 5, CHECK_NONE,
     "0-5", "the system's (openssl.cnf)",
     "OpenSSL security level; 0 allows TLS 1.0/1.1 and weak keys.",
     {{"sec-level", 0, NULL, false, "N", "OpenSSL security level 0-5 (default: openssl.cnf)"}}},
    {"alpn", SET_LIST, OFF(alpn), 0, 0, CHECK_NONE, "list of protocol names", "none",
     "ALPN protocols to offer, in order, e.g. [h2, http/1.1].",
     {{"alpn", 0, NULL, false, "LIST", "offer these ALPN protocols, e.g. h2,http/1.1"}}},
    /* verification */
    {"verify", SET_BOOL, OFF(verify), 0, 0, CHECK_NONE, "true false", "true",
     "Fail when the chain does not verify (errors are reported either way).",
     {{"no-verify", 0, "false", false, NULL,
       "do not fail on verification errors (still reported)"}}},
    {"hostname_check", SET_BOOL, OFF(hostname_check), 0, 0, CHECK_NONE, "true false", "true",
     "Check the name against the certificate.",
     {{"no-hostname-check", 0, "false", false, NULL,
       "do not check the name against the certificate"}}},
    {"ca_file", SET_PATH, OFF(ca_file), 0, 0, CHECK_CA_FILE, "a PEM file", "the system store",
     "Trust these CA certificates instead of the system store.",
     {{"cafile", 0, NULL, false, "FILE",
       "trust these CA certificates instead of the system store"}}},
    {"ca_path", SET_PATH, OFF(ca_path), 0, 0, CHECK_CA_DIR,
     "a hashed directory", "the system store",
     "Trust a hashed CA directory.",
     {{"capath", 0, NULL, false, "DIR", "trust a hashed CA directory"}}},
    {"ignore_errors", SET_LIST, OFF(ignore_errors), 0, 0, CHECK_VALIDATOR,
     "list of verification error names", "none",
     "Verification errors to accept, e.g. [X509_V_ERR_CERT_HAS_EXPIRED].",
     {{"ignore-error", 0, NULL, true, "NAME", "accept this verification error (repeatable)"}}},
    {"pins", SET_LIST, OFF(pins), 0, 0, CHECK_VALIDATOR, "list of sha256//BASE64", "none",
     "Accept the chain only if a certificate's public key matches one of these.",
     {{"pin", 0, NULL, true, "sha256//B64", "require a certificate with this SPKI (repeatable)"}}},
    /* client certificate */
    {"cert", SET_PATH, OFF(cert_file), 0, 0, CHECK_NONE, "a PEM file", "none",
     "Client certificate (may hold its chain).",
     {{"cert", 0, NULL, false, "FILE", "client certificate (PEM, may hold the chain)"}}},
    {"key", SET_PATH, OFF(key_file), 0, 0, CHECK_NONE, "a PEM file", "none",
     "Client private key.",
     {{"key", 0, NULL, false, "FILE", "client private key (PEM)"}}},
    {"key_passphrase", SET_PASS_SOURCE, OFF(key_pass), 0, 0, CHECK_NONE,
     "env:VAR or file:PATH", "none",
     "Where the key's passphrase comes from; never the passphrase itself.",
     {{"pass", 0, NULL, false, "SRC", "key passphrase from env:VAR or file:PATH"}}},
    /* extras */
    {"ocsp", SET_BOOL, OFF(ocsp), 0, 0, CHECK_NONE, "true false", "false",
     "Ask for a stapled OCSP response.",
     {{"ocsp", 0, "true", false, NULL, "ask for a stapled OCSP response"}}},
    {"ocsp_required", SET_BOOL, OFF(ocsp_required), 0, 0, CHECK_NONE, "true false", "false",
     "Fail verification unless the server staples a good, valid OCSP response.",
     {{"ocsp-required", 0, "true", false, NULL,
       "fail verification without a good stapled OCSP response"}}},
    {"reconnect", SET_BOOL, OFF(reconnect), 0, 0, CHECK_NONE, "true false", "false",
     "Connect a second time and report session resumption.",
     {{"reconnect", 0, "true", false, NULL, "connect again and report session resumption"}}},
    {"keylog", SET_PATH, OFF(keylog), 0, 0, CHECK_NONE, "a file", "none",
     "Append TLS secrets in NSS key log format (for Wireshark).",
     {{"keylog", 0, NULL, false, "FILE", "append NSS key log lines (for Wireshark)"}}},
    {"theme", SET_STRING, OFF(theme), 0, 0, CHECK_NONE, "a theme name (themes/)", "default",
     "Colours for the terminal UI.",
     {{"theme", 0, NULL, false, "NAME",
       "UI colours: default, light, high-contrast, mono (NO_COLOR: mono)"}}},
    {"timeout", SET_SECONDS, OFF(timeout_s), 0, 3600, CHECK_NONE, "seconds, 0.001-3600", "10",
     "Limit for each stage: DNS, TCP, TLS.",
     {{"timeout", 0, NULL, false, "SECONDS", "limit for each stage (default 10)"}}},
    /* STARTTLS and the HTTP probe */
    {"starttls", SET_STRING, OFF(starttls), 0, 0, CHECK_VALIDATOR,
     "auto none smtp lmtp imap pop3 ftp xmpp xmpp-server ldap nntp sieve postgres mysql irc rdp",
     "auto (by port: 25 smtp, 143 imap, ...)",
     "Plaintext dialogue before TLS; auto picks it by the port, none connects with TLS at once.",
     {{"starttls", 0, NULL, false, "PROTO",
       "STARTTLS first: auto (by port), none, smtp, imap, pop3, ftp, ldap, ... (see keys)"}}},
    {"xmpp_host", SET_STRING, OFF(xmpp_host), 0, 0, CHECK_HOST, "a domain", "the host",
     "The XMPP stream's `to` domain (--starttls xmpp, xmpp-server).",
     {{"xmpp-host", 0, NULL, false, "DOMAIN", "XMPP stream domain (default: the host)"}}},
    {"ehlo_name", SET_STRING, OFF(ehlo_name), 0, 0, CHECK_HOST, "a host name", "tlscope.invalid",
     "The name we give in SMTP's EHLO and LMTP's LHLO (an address goes in brackets).",
     {{"ehlo-name", 0, NULL, false, "NAME", "name sent in EHLO/LHLO"}}},
    {"http", SET_STRING, OFF(http), 0, 0, CHECK_VALIDATOR,
     "off, on, auto (port 443 or ALPN http/1.1), or a path such as /login", "off (the UI: auto)",
     "After the handshake send one HEAD request and report its status and HSTS.",
     {{"http", 0, "on", false, "[=PATH]",
       "after the handshake send HEAD PATH (default /): status, Server, HSTS"}}},
    {"check_injection", SET_BOOL, OFF(check_injection), 0, 0, CHECK_NONE, "true false", "false",
     "STARTTLS command-injection check (CVE-2011-0411): pipeline a command after STARTTLS.",
     {{"check-injection", 0, "true", false, NULL,
       "check for STARTTLS command injection (CVE-2011-0411)"}}},
    /* the scanner */
    {"scan_parallel", SET_INT, OFF(scan_parallel), 1, 64, CHECK_NONE, "1-64", "6",
     "Scanner (--scan): connections at once.",
     {{"parallel", 0, NULL, false, "N", "--scan: connections at once, 1-64 (default 6)"}}},
    {"scan_delay", SET_INT, OFF(scan_delay_ms), 0, 60000, CHECK_NONE, "milliseconds, 0-60000", "0",
     "Scanner (--scan): least time between two connection starts.",
     {{"delay", 0, NULL, false, "MS",
       "--scan: milliseconds between connection starts (default 0)"}}},
    /* the certificate doctor */
    {"aia", SET_BOOL, OFF(aia), 0, 0, CHECK_NONE, "true false", "false",
     "Fetch a missing intermediate from its caIssuers URL (HTTP or HTTPS; nothing else is "
     "fetched).",
     {{"aia", 0, "true", false, NULL, "fetch a missing intermediate (caIssuers URL)"}}},
    {"revocation", SET_BOOL, OFF(revocation), 0, 0, CHECK_NONE, "true false", "false",
     "Ask the OCSP responder and fetch the CRL of every certificate on the path.",
     {{"revocation", 0, "true", false, NULL,
       "check OCSP and CRLs for every certificate on the path"}}},
    {"ct", SET_BOOL, OFF(ct), 0, 0, CHECK_NONE, "true false", "false",
     "Ask for Signed Certificate Timestamps in the handshake (embedded ones are always shown).",
     {{"ct", 0, "true", false, NULL, "ask for SCTs in the handshake (TLS extension)"}}},
    {"ct_logs", SET_PATH, OFF(ct_logs), 0, 0, CHECK_NONE, "a CT log list file", "data/ct_logs.cnf",
     "Known Certificate Transparency logs (name, operator, key, state).",
     {{"ct-logs", 0, NULL, false, "FILE", "CT log list (default: data/ct_logs.cnf)"}}},
};
/* clang-format on */

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(NKEYS <= PROFILE_KEYS_MAX, "the set mask holds 64 keys");

size_t settings_count(void)
{
    return NKEYS;
}

const struct setting *setting_at(size_t i)
{
    return i < NKEYS ? &keys[i] : NULL;
}

const struct setting *setting_find(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].name, name))
            return &keys[i];
    return NULL;
}

size_t setting_index(const struct setting *k)
{
    return (size_t)(k - keys);
}

const char *setting_suggest(const char *name)
{
    const char *names[NKEYS];
    for (size_t i = 0; i < NKEYS; i++)
        names[i] = keys[i].name;
    return suggest_nearest(name, names, NKEYS);
}

#define FIELD(c, k, type)  ((type *)((char *)(c) + (k)->offset))
#define CFIELD(c, k, type) ((const type *)((const char *)(c) + (k)->offset))

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

void setting_copy(const struct setting *k, struct tls_config *dst, const struct tls_config *src)
{
    switch (k->type) {
    case SET_STRING:
    case SET_PATH:
    case SET_PASS_SOURCE: {
        char **d = FIELD(dst, k, char *);
        free(*d);
        *d = xstrdup(*CFIELD(src, k, char *));
        break;
    }
    case SET_BOOL: *FIELD(dst, k, bool) = *CFIELD(src, k, bool); break;
    case SET_INT: *FIELD(dst, k, int) = *CFIELD(src, k, int); break;
    case SET_PORT: *FIELD(dst, k, uint16_t) = *CFIELD(src, k, uint16_t); break;
    case SET_SECONDS: *FIELD(dst, k, double) = *CFIELD(src, k, double); break;
    case SET_PROTO: *FIELD(dst, k, enum proto_version) = *CFIELD(src, k, enum proto_version); break;
    case SET_FAMILY: *FIELD(dst, k, enum addr_family) = *CFIELD(src, k, enum addr_family); break;
    case SET_LIST: {
        struct strlist *d = FIELD(dst, k, struct strlist);
        strlist_clear(d);
        strlist_copy(d, CFIELD(src, k, struct strlist));
        break;
    }
    case SET_SNI:
        free(dst->sni);
        dst->sni = xstrdup(src->sni);
        dst->no_sni = src->no_sni;
        break;
    case SET_META: break;
    }
}

bool setting_equal(const struct setting *k, const struct tls_config *a, const struct tls_config *b)
{
    switch (k->type) {
    case SET_STRING:
    case SET_PATH:
    case SET_PASS_SOURCE: return str_eq(*CFIELD(a, k, char *), *CFIELD(b, k, char *));
    case SET_BOOL: return *CFIELD(a, k, bool) == *CFIELD(b, k, bool);
    case SET_INT: return *CFIELD(a, k, int) == *CFIELD(b, k, int);
    case SET_PORT: return *CFIELD(a, k, uint16_t) == *CFIELD(b, k, uint16_t);
    case SET_SECONDS: return *CFIELD(a, k, double) == *CFIELD(b, k, double);
    case SET_PROTO: return *CFIELD(a, k, enum proto_version) == *CFIELD(b, k, enum proto_version);
    case SET_FAMILY: return *CFIELD(a, k, enum addr_family) == *CFIELD(b, k, enum addr_family);
    case SET_LIST: {
        const struct strlist *x = CFIELD(a, k, struct strlist), *y = CFIELD(b, k, struct strlist);
        if (x->len != y->len)
            return false;
        for (size_t i = 0; i < x->len; i++)
            if (strcmp(x->items[i], y->items[i]))
                return false;
        return true;
    }
    case SET_SNI: return a->no_sni == b->no_sni && str_eq(a->sni, b->sni);
    case SET_META: return true;
    }
    return true;
}

bool setting_is_default(const struct setting *k, const struct tls_config *c)
{
    struct tls_config def;
    config_init(&def);
    bool eq = setting_equal(k, c, &def);
    config_free(&def);
    return eq;
}

bool config_equal(const struct tls_config *a, const struct tls_config *b)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!setting_equal(&keys[i], a, b))
            return false;
    return true;
}

/* ---- validators ---- */

/* value into err->value, cut at a character boundary, never inside a UTF-8 sequence. */
static void err_value(struct setting_error *err, const char *value)
{
    size_t len = strlen(value), cut = len < sizeof(err->value) ? len : sizeof(err->value) - 1;
    while (cut < len && cut > 0 && ((unsigned char)value[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(err->value, value, cut);
    err->value[cut] = '\0';
}

static setting_validator_fn validators[NKEYS];

int settings_set_validator(const char *key, setting_validator_fn fn)
{
    const struct setting *k = setting_find(key);
    if (!k || k->check != CHECK_VALIDATOR)
        return -1;
    validators[setting_index(k)] = fn;
    return 0;
}

bool settings_validators_ready(void)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].check == CHECK_VALIDATOR && !validators[i])
            return false;
    return true;
}

int settings_validate(const struct setting *k, const char *value, struct setting_error *err)
{
    if (k->check != CHECK_VALIDATOR)
        return 0;
    setting_validator_fn fn = validators[setting_index(k)];
    memset(err, 0, sizeof(*err));
    err->key = k->name;
    if (fn && fn(value, err->reason, sizeof(err->reason)) == 0)
        return 0;
    err_value(err, value);
    if (!fn)
        snprintf(err->reason, sizeof(err->reason),
                 "cannot be checked: no validator registered (engine_register_validators)");
    return -1;
}

const char *setting_error_format(const struct setting_error *e, const char *name, char *buf,
                                 size_t n)
{
    char *raw = e->value_in_reason ? xasprintf("%s: %s", name, e->reason)
                                   : xasprintf("%s '%s': %s", name, e->value, e->reason);
    char *valid = utf8_repair(raw, strlen(raw));
    char *clean = sanitize_terminal(valid);
    snprintf(buf, n, "%s", clean);
    free(clean);
    free(valid);
    free(raw);
    return buf;
}

/* ---- parsing one value ---- */

static int fail(struct setting_error *err, const struct setting *k, const char *value,
                bool value_in_reason, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(struct setting_error *err, const struct setting *k, const char *value,
                bool value_in_reason, const char *fmt, ...)
{
    va_list ap;
    memset(err, 0, sizeof(*err));
    err->key = k->name;
    err_value(err, value);
    err->value_in_reason = value_in_reason;
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
    va_end(ap);
    return -1;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    for (size_t i = 0; i < 3; i++) {
        if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
            *out = !strcasecmp(s, yes[i]);
            return true;
        }
    }
    return false;
}

/* Decimal with an optional sign; values beyond ±10^10 saturate (they are out of range). */
static bool parse_whole(const char *s, long long *out)
{
    const char *p = s + (*s == '-' || *s == '+');
    long long v = 0;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (v < 10000000000LL)
            v = v * 10 + (*p - '0');
    }
    *out = *s == '-' ? -v : v;
    return true;
}

static void *field(struct tls_config *c, const struct setting *k)
{
    return (char *)c + k->offset;
}

static void set_owned(struct tls_config *c, const struct setting *k, char *value)
{
    char **f = field(c, k);
    free(*f);
    *f = value;
}

static int parse_string(const struct setting *k, const char *s, struct tls_config *c,
                        struct setting_error *err)
{
    char host[256];
    struct config_error ce;
    if (k->check == CHECK_HOST) {
        if (config_host_normalize(s, host, sizeof host, &ce) < 0)
            return fail(err, k, s, true, "not a host name or an IP address: %s", ce.reason);
        s = host;
    }
    if (settings_validate(k, s, err) < 0)
        return -1;
    /* "~/x" in a file name means the home directory, as in a shell. */
    const char *home = getenv("HOME");
    char *value = k->type == SET_PATH && s[0] == '~' && s[1] == '/' && home && *home
                      ? xasprintf("%s%s", home, s + 1)
                      : xstrdup(s);
    if ((k->check == CHECK_CA_FILE && config_ca_file_check(value, &ce) < 0) ||
        (k->check == CHECK_CA_DIR && config_ca_path_check(value, &ce) < 0)) {
        free(value);
        return fail(err, k, s, true, "%s", ce.reason);
    }
    set_owned(c, k, value);
    return 0;
}

static int parse_whole_key(const struct setting *k, const char *s, struct tls_config *c,
                           struct setting_error *err)
{
    long long n;
    if (!parse_whole(s, &n))
        return fail(err, k, s, false, "expected a whole number %d-%d", k->min, k->max);
    if (n < k->min || n > k->max)
        return fail(err, k, s, false, "out of range, expected %d-%d", k->min, k->max);
    if (k->type == SET_PORT)
        *(uint16_t *)field(c, k) = (uint16_t)n;
    else
        *(int *)field(c, k) = (int)n;
    return 0;
}

static int parse_proto(const struct setting *k, const char *s, struct tls_config *c,
                       struct setting_error *err)
{
    enum proto_version p = proto_from_name(s);
    if (p == PROTO_UNSET)
        return fail(err, k, s, false, "unknown protocol; expected one of %s", k->values);
    if (p < PROTO_TLS1_0)
        return fail(err, k, s, false, "%s is not supported; expected one of %s", proto_label(p),
                    k->values);
    *(enum proto_version *)field(c, k) = p;
    return 0;
}

static int parse_family(const struct setting *k, const char *s, struct tls_config *c,
                        struct setting_error *err)
{
    static const struct {
        const char *name;
        enum addr_family f;
    } fams[] = {{"any", FAMILY_ANY}, {"ipv4", FAMILY_V4}, {"ipv6", FAMILY_V6}};
    for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
        if (!strcasecmp(s, fams[i].name)) {
            *(enum addr_family *)field(c, k) = fams[i].f;
            return 0;
        }
    }
    return fail(err, k, s, false, "unknown address family; expected one of %s", k->values);
}

static int parse_sni(const struct setting *k, const char *s, struct tls_config *c,
                     struct setting_error *err)
{
    bool flag;
    if (parse_bool(s, &flag)) {
        if (flag)
            return fail(err, k, s, false, "expected a server name, or false to send none");
        free(c->sni);
        c->sni = NULL;
        c->no_sni = true;
        return 0;
    }
    struct config_error ce;
    char name[256];
    if (config_sni_normalize(s, name, sizeof name, &ce) < 0)
        return fail(err, k, s, true, "%s", ce.reason);
    free(c->sni);
    c->sni = xstrdup(name);
    c->no_sni = false;
    return 0;
}

static int parse_item(const struct setting *k, const char *s, struct tls_config *c,
                      struct setting_error *err)
{
    if (!*s)
        return fail(err, k, s, false, "an empty item");
    if (settings_validate(k, s, err) < 0)
        return -1;
    strlist_push(field(c, k), s);
    return 0;
}

int setting_parse(const struct setting *k, const char *text, struct tls_config *cfg,
                  struct setting_error *err)
{
    const char *s = text ? text : "";
    switch (k->type) {
    case SET_STRING:
    case SET_PATH: return parse_string(k, s, cfg, err);
    case SET_BOOL: {
        bool b;
        if (!parse_bool(s, &b))
            return fail(err, k, s, false, "expected true or false");
        *(bool *)field(cfg, k) = b;
        return 0;
    }
    case SET_INT:
    case SET_PORT: return parse_whole_key(k, s, cfg, err);
    case SET_SECONDS: {
        struct config_error ce;
        if (config_timeout_parse(s, (double *)field(cfg, k), &ce) < 0)
            return fail(err, k, s, false, "%s", ce.reason);
        return 0;
    }
    case SET_PROTO: return parse_proto(k, s, cfg, err);
    case SET_LIST: return parse_item(k, s, cfg, err);
    case SET_SNI: return parse_sni(k, s, cfg, err);
    case SET_FAMILY: return parse_family(k, s, cfg, err);
    case SET_PASS_SOURCE:
        if (!((!strncmp(s, "env:", 4) && s[4]) || (!strncmp(s, "file:", 5) && s[5])))
            return fail(
                err, k, "", true,
                "expected env:VAR or file:PATH; a literal passphrase is readable by others (in a "
                "file, or on the command line through ps and the shell history)");
        set_owned(cfg, k, xstrdup(s));
        return 0;
    case SET_META: break;
    }
    return fail(err, k, s, false, "not a connection setting");
}

static const char *proto_text(enum proto_version v)
{
    switch (v) {
    case PROTO_TLS1_0: return "tls1.0";
    case PROTO_TLS1_1: return "tls1.1";
    case PROTO_TLS1_2: return "tls1.2";
    case PROTO_TLS1_3: return "tls1.3";
    default: return "";
    }
}

char *setting_format(const struct setting *k, const struct tls_config *cfg)
{
    const void *f = (const char *)cfg + k->offset;
    switch (k->type) {
    case SET_STRING:
    case SET_PATH:
    case SET_PASS_SOURCE: {
        const char *s = *(char *const *)f;
        return xstrdup(s ? s : "");
    }
    case SET_BOOL: return xstrdup(*(const bool *)f ? "true" : "false");
    case SET_INT: {
        int v = *(const int *)f;
        return v < k->min ? xstrdup("") : xasprintf("%d", v);
    }
    case SET_PORT: return xasprintf("%u", (unsigned)*(const uint16_t *)f);
    case SET_SECONDS: return xasprintf("%.15g", *(const double *)f);
    case SET_PROTO: return xstrdup(proto_text(*(const enum proto_version *)f));
    case SET_LIST: return strlist_join((const struct strlist *)f, ", ");
    case SET_SNI: return xstrdup(cfg->no_sni ? "false" : cfg->sni ? cfg->sni : "");
    case SET_FAMILY: {
        enum addr_family a = *(const enum addr_family *)f;
        return xstrdup(a == FAMILY_V4 ? "ipv4" : a == FAMILY_V6 ? "ipv6" : "any");
    }
    case SET_META: break;
    }
    return xstrdup("");
}

/* ---- flags: the rows' flags slots, in table order ---- */

static bool flag_used(const struct setting_flag *f)
{
    return f->name || f->short_opt;
}

/* The flag's position among every used slot (its label's index), or NFLAGS_MAX. */
#define NFLAGS_MAX (NKEYS * SETTING_FLAGS_MAX)

size_t settings_flag_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < NKEYS; i++)
        for (size_t j = 0; j < SETTING_FLAGS_MAX; j++)
            n += flag_used(&keys[i].flags[j]);
    return n;
}

const struct setting_flag *settings_flag_at(size_t i)
{
    for (size_t r = 0; r < NKEYS; r++)
        for (size_t j = 0; j < SETTING_FLAGS_MAX; j++)
            if (flag_used(&keys[r].flags[j]) && i-- == 0)
                return &keys[r].flags[j];
    return NULL;
}

/* The row index of f: f points into one row's flags[]. */
static size_t flag_row(const struct setting_flag *f)
{
    for (size_t r = 0; r < NKEYS; r++)
        if (f >= keys[r].flags && f < keys[r].flags + SETTING_FLAGS_MAX)
            return r;
    abort(); /* not a flag of the table: a programming error */
}

const struct setting *setting_flag_setting(const struct setting_flag *f)
{
    return &keys[flag_row(f)];
}

const char *setting_flag_label(const struct setting_flag *f)
{
    static char labels[NFLAGS_MAX][40];
    size_t r = flag_row(f), i = r * SETTING_FLAGS_MAX + (size_t)(f - keys[r].flags);
    if (!labels[i][0]) {
        if (f->name)
            snprintf(labels[i], sizeof labels[i], "--%s", f->name);
        else
            snprintf(labels[i], sizeof labels[i], "-%c", f->short_opt);
    }
    return labels[i];
}

const char *setting_flags_text(const struct setting *k)
{
    static char texts[NKEYS][80];
    size_t r = setting_index(k);
    if (!flag_used(&k->flags[0]))
        return NULL;
    if (!texts[r][0])
        for (size_t j = 0; j < SETTING_FLAGS_MAX && flag_used(&k->flags[j]); j++) {
            size_t len = strlen(texts[r]);
            snprintf(texts[r] + len, sizeof texts[r] - len, "%s%s", j ? "/" : "",
                     setting_flag_label(&k->flags[j]));
        }
    return texts[r];
}

int setting_flag_apply(const struct setting_flag *f, const char *arg, struct tls_config *cfg,
                       struct setting_error *err)
{
    const struct setting *k = setting_flag_setting(f);
    struct tls_config tmp;
    int rc = 0;
    config_copy(&tmp, cfg);
    if (f->fixed && !arg) { /* a fixed value with a metavar: the argument is optional */
        rc = setting_parse(k, f->fixed, &tmp, err);
    } else if (k->type == SET_LIST && !f->append) {
        strlist_clear(field(&tmp, k)); /* --alpn h2,http/1.1 replaces the list */
        struct strlist items = {0};
        strlist_split(&items, arg, ",");
        for (size_t i = 0; i < items.len && rc == 0; i++)
            rc = setting_parse(k, items.items[i], &tmp, err);
        strlist_free(&items);
    } else {
        rc = setting_parse(k, arg, &tmp, err);
    }
    /* --ocsp-required implies asking for a staple */
    if (rc == 0 && !strcmp(k->name, "ocsp_required") && tmp.ocsp_required)
        tmp.ocsp = true;
    if (rc == 0) {
        config_free(cfg);
        *cfg = tmp;
    } else {
        config_free(&tmp);
    }
    return rc;
}
