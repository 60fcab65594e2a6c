/* The profile key table and generic access to the config fields it describes. */
#include "profile/schema.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/suggest.h"

#define OFF(field) offsetof(struct tls_config, field)

static const struct pkey keys[] = {
    /* meta */
    {"description", PK_META, 0, 0, 0, PKC_NONE, NULL, "none", NULL,
     "What this profile is for, shown in lists."},
    {"extends", PK_META, 0, 0, 0, PKC_NONE, "a profile name", "none", NULL,
     "Start from another profile's values; keys here override them."},
    /* target */
    {"host", PK_STRING, OFF(host), 0, 0, PKC_HOST, NULL, "none", NULL,
     "Host to connect to when none is given on the command line."},
    {"port", PK_PORT, OFF(port), 1, 65535, PKC_NONE, "1-65535", "443", NULL, "TCP port."},
    {"sni", PK_SNI, 0, 0, 0, PKC_HOST, "a name, or false", "the host when it is a name", "--sni",
     "Server name to send; false sends none."},
    {"family", PK_FAMILY, OFF(family), 0, 0, PKC_NONE, "any ipv4 ipv6", "any", "-4/-6",
     "Address family to connect over."},
    /* what to offer */
    {"min_protocol", PK_PROTO, OFF(min_proto), 0, 0, PKC_NONE, "tls1.0 tls1.1 tls1.2 tls1.3",
     "the system's (openssl.cnf)", "--min-proto", "Lowest protocol version to offer."},
    {"max_protocol", PK_PROTO, OFF(max_proto), 0, 0, PKC_NONE, "tls1.0 tls1.1 tls1.2 tls1.3",
     "the system's (openssl.cnf)", "--max-proto", "Highest protocol version to offer."},
    {"ciphers", PK_STRING, OFF(ciphers), 0, 0, PKC_ENGINE, "OpenSSL cipher string", "the system's",
     "--ciphers", "Cipher suites for TLS 1.2 and older (OpenSSL syntax)."},
    {"ciphersuites", PK_STRING, OFF(ciphersuites), 0, 0, PKC_ENGINE, "colon-separated suites",
     "the system's", "--ciphersuites", "TLS 1.3 cipher suites."},
    {"groups", PK_STRING, OFF(groups), 0, 0, PKC_ENGINE, "colon-separated groups", "the system's",
     "--groups", "Key-exchange groups, e.g. X25519:P-256."},
    {"sigalgs", PK_STRING, OFF(sigalgs), 0, 0, PKC_ENGINE, "colon-separated algorithms",
     "the system's", "--sigalgs", "Signature algorithms to offer."},
    {"security_level", PK_INT, OFF(sec_level), 0, 5, PKC_NONE, "0-5", "the system's (openssl.cnf)",
     "--sec-level", "OpenSSL security level; 0 allows TLS 1.0/1.1 and weak keys."},
    {"alpn", PK_LIST, OFF(alpn), 0, 0, PKC_NONE, "list of protocol names", "none", "--alpn",
     "ALPN protocols to offer, in order, e.g. [h2, http/1.1]."},
    /* verification */
    {"verify", PK_BOOL, OFF(verify), 0, 0, PKC_NONE, "true false", "true", "--no-verify",
     "Fail when the chain does not verify (errors are reported either way)."},
    {"hostname_check", PK_BOOL, OFF(hostname_check), 0, 0, PKC_NONE, "true false", "true",
     "--no-hostname-check", "Check the name against the certificate."},
    {"ca_file", PK_PATH, OFF(ca_file), 0, 0, PKC_CA_FILE, "a PEM file", "the system store",
     "--cafile", "Trust these CA certificates instead of the system store."},
    {"ca_path", PK_PATH, OFF(ca_path), 0, 0, PKC_CA_DIR, "a hashed directory", "the system store",
     "--capath", "Trust a hashed CA directory."},
    {"ignore_errors", PK_LIST, OFF(ignore_errors), 0, 0, PKC_ERROR,
     "list of verification error names", "none", "--ignore-error",
     "Verification errors to accept, e.g. [X509_V_ERR_CERT_HAS_EXPIRED]."},
    {"pins", PK_LIST, OFF(pins), 0, 0, PKC_PIN, "list of sha256//BASE64", "none", "--pin",
     "Accept the chain only if a certificate's public key matches one of these."},
    /* client certificate */
    {"cert", PK_PATH, OFF(cert_file), 0, 0, PKC_NONE, "a PEM file", "none", "--cert",
     "Client certificate (may hold its chain)."},
    {"key", PK_PATH, OFF(key_file), 0, 0, PKC_NONE, "a PEM file", "none", "--key",
     "Client private key."},
    {"key_passphrase", PK_PASS_SOURCE, OFF(key_pass), 0, 0, PKC_NONE, "env:VAR or file:PATH",
     "none", "--pass", "Where the key's passphrase comes from; never the passphrase itself."},
    /* extras */
    {"ocsp", PK_BOOL, OFF(ocsp), 0, 0, PKC_NONE, "true false", "false", "--ocsp",
     "Ask for a stapled OCSP response."},
    {"ocsp_required", PK_BOOL, OFF(ocsp_required), 0, 0, PKC_NONE, "true false", "false",
     "--ocsp-required", "Fail verification unless the server staples a good, valid OCSP response."},
    {"reconnect", PK_BOOL, OFF(reconnect), 0, 0, PKC_NONE, "true false", "false", "--reconnect",
     "Connect a second time and report session resumption."},
    {"keylog", PK_PATH, OFF(keylog), 0, 0, PKC_NONE, "a file", "none", "--keylog",
     "Append TLS secrets in NSS key log format (for Wireshark)."},
    {"theme", PK_STRING, OFF(theme), 0, 0, PKC_NONE, "a theme name (themes/)", "default", "--theme",
     "Colours for the terminal UI."},
    {"timeout", PK_SECONDS, OFF(timeout_s), 0, 3600, PKC_NONE, "seconds, 0.001-3600", "10",
     "--timeout", "Limit for each stage: DNS, TCP, TLS."},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(NKEYS <= PROFILE_KEYS_MAX, "the set mask holds 64 keys");

size_t pkey_count(void)
{
    return NKEYS;
}

const struct pkey *pkey_at(size_t i)
{
    return i < NKEYS ? &keys[i] : NULL;
}

const struct pkey *pkey_find(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].name, name))
            return &keys[i];
    return NULL;
}

size_t pkey_index(const struct pkey *k)
{
    return (size_t)(k - keys);
}

const char *pkey_suggest(const char *name)
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

void pkey_copy(const struct pkey *k, struct tls_config *dst, const struct tls_config *src)
{
    switch (k->type) {
    case PK_STRING:
    case PK_PATH:
    case PK_PASS_SOURCE: {
        char **d = FIELD(dst, k, char *);
        free(*d);
        *d = xstrdup(*CFIELD(src, k, char *));
        break;
    }
    case PK_BOOL: *FIELD(dst, k, bool) = *CFIELD(src, k, bool); break;
    case PK_INT: *FIELD(dst, k, int) = *CFIELD(src, k, int); break;
    case PK_PORT: *FIELD(dst, k, uint16_t) = *CFIELD(src, k, uint16_t); break;
    case PK_SECONDS: *FIELD(dst, k, double) = *CFIELD(src, k, double); break;
    case PK_PROTO: *FIELD(dst, k, enum proto_version) = *CFIELD(src, k, enum proto_version); break;
    case PK_FAMILY: *FIELD(dst, k, enum addr_family) = *CFIELD(src, k, enum addr_family); break;
    case PK_LIST: {
        struct strlist *d = FIELD(dst, k, struct strlist);
        strlist_clear(d);
        strlist_copy(d, CFIELD(src, k, struct strlist));
        break;
    }
    case PK_SNI:
        free(dst->sni);
        dst->sni = xstrdup(src->sni);
        dst->no_sni = src->no_sni;
        break;
    case PK_META: break;
    }
}

bool pkey_equal(const struct pkey *k, const struct tls_config *a, const struct tls_config *b)
{
    switch (k->type) {
    case PK_STRING:
    case PK_PATH:
    case PK_PASS_SOURCE: return str_eq(*CFIELD(a, k, char *), *CFIELD(b, k, char *));
    case PK_BOOL: return *CFIELD(a, k, bool) == *CFIELD(b, k, bool);
    case PK_INT: return *CFIELD(a, k, int) == *CFIELD(b, k, int);
    case PK_PORT: return *CFIELD(a, k, uint16_t) == *CFIELD(b, k, uint16_t);
    case PK_SECONDS: return *CFIELD(a, k, double) == *CFIELD(b, k, double);
    case PK_PROTO: return *CFIELD(a, k, enum proto_version) == *CFIELD(b, k, enum proto_version);
    case PK_FAMILY: return *CFIELD(a, k, enum addr_family) == *CFIELD(b, k, enum addr_family);
    case PK_LIST: {
        const struct strlist *x = CFIELD(a, k, struct strlist), *y = CFIELD(b, k, struct strlist);
        if (x->len != y->len)
            return false;
        for (size_t i = 0; i < x->len; i++)
            if (strcmp(x->items[i], y->items[i]))
                return false;
        return true;
    }
    case PK_SNI: return a->no_sni == b->no_sni && str_eq(a->sni, b->sni);
    case PK_META: return true;
    }
    return true;
}

bool pkey_is_default(const struct pkey *k, const struct tls_config *c)
{
    struct tls_config def;
    config_init(&def);
    bool eq = pkey_equal(k, c, &def);
    config_free(&def);
    return eq;
}

bool config_equal(const struct tls_config *a, const struct tls_config *b)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!pkey_equal(&keys[i], a, b))
            return false;
    return true;
}
