/* The profile schema: one table of every profile key — name, type, allowed values, default,
 * the equivalent command-line flag and help text. The YAML loader, the saver, --help, and
 * later the UI's editor form and help screen all read this table; nothing else lists keys. */
#ifndef TLSCOPE_PROFILE_SCHEMA_H
#define TLSCOPE_PROFILE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"

enum pk_type {
    PK_STRING,      /* free text: char * in tls_config */
    PK_PATH,        /* a file or directory name: char * */
    PK_BOOL,        /* bool */
    PK_INT,         /* int within [min, max] */
    PK_PORT,        /* uint16_t 1-65535 */
    PK_SECONDS,     /* double > 0 and <= max */
    PK_PROTO,       /* enum proto_version: tls1.0 tls1.1 tls1.2 tls1.3 */
    PK_LIST,        /* struct strlist: a YAML sequence (or one scalar) */
    PK_SNI,         /* a name, or false for "send none" (sni + no_sni) */
    PK_FAMILY,      /* enum addr_family: any, ipv4, ipv6 */
    PK_PASS_SOURCE, /* env:VAR or file:PATH; a literal passphrase is rejected */
    PK_META,        /* about the profile, not the connection: description, extends */
};

/* How a string value is checked beyond its type. */
enum pk_check {
    PKC_NONE,
    PKC_ENGINE,  /* OpenSSL's own parser, through engine_check_config */
    PKC_HOST,    /* a host name or literal address */
    PKC_ERROR,   /* a verification error name (ignore_errors items) */
    PKC_PIN,     /* sha256//BASE64 (pins items) */
    PKC_CA_FILE, /* config_ca_file_check: a readable regular file */
    PKC_CA_DIR,  /* config_ca_path_check: an existing directory */
};

struct pkey {
    const char *name;
    enum pk_type type;
    size_t offset; /* of the field in struct tls_config (unused for PK_META/PK_SNI) */
    int min, max;  /* PK_INT range; PK_SECONDS max */
    enum pk_check check;
    const char *values;       /* allowed values, for help and errors ("tls1.0 ... tls1.3") */
    const char *default_text; /* what applies when the key is absent */
    const char *flag;         /* the equivalent command-line option, or NULL */
    const char *help;         /* one sentence */
};

/* Profile files may set at most this many keys (the set mask is 64 bits). */
#define PROFILE_KEYS_MAX 64

size_t pkey_count(void);
const struct pkey *pkey_at(size_t i);
/* By exact name; NULL when unknown. */
const struct pkey *pkey_find(const char *name);
/* Index of k in the table (for set masks). */
size_t pkey_index(const struct pkey *k);
/* The nearest known key by edit distance ("cipher" → "ciphers"), or NULL if none is close. */
const char *pkey_suggest(const char *name);

/* Copies key k's value from src into dst (deep copy; frees what dst held). */
void pkey_copy(const struct pkey *k, struct tls_config *dst, const struct tls_config *src);
/* True when k has the same value in a and b. */
bool pkey_equal(const struct pkey *k, const struct tls_config *a, const struct tls_config *b);
/* True when k holds its default value in c (as config_init leaves it). */
bool pkey_is_default(const struct pkey *k, const struct tls_config *c);

/* True when every connection key (not PK_META) is equal in a and b. */
bool config_equal(const struct tls_config *a, const struct tls_config *b);

#endif
