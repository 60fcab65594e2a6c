/* The settings table: one row per setting — key, type, allowed values or range, default, the
 * equivalent command-line flag, help text, and how a value is checked. The profile loader and
 * emitter, the UI's editor form, --help and the man page test read it; nothing else lists
 * keys. Checks that need OpenSSL (cipher strings, groups, sigalgs, verification error names,
 * pins) are validators the engine registers at start-up (engine_register_validators), so
 * nothing above the engine includes it to check a value. Below the front ends: includes only
 * model/ and util/. */
#ifndef TLSCOPE_SETTINGS_SETTINGS_H
#define TLSCOPE_SETTINGS_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"

enum setting_type {
    SET_STRING,      /* free text: char * in tls_config */
    SET_PATH,        /* a file or directory name: char * */
    SET_BOOL,        /* bool */
    SET_INT,         /* int within [min, max] */
    SET_PORT,        /* uint16_t 1-65535 */
    SET_SECONDS,     /* double > 0 and <= max */
    SET_PROTO,       /* enum proto_version: tls1.0 tls1.1 tls1.2 tls1.3 */
    SET_LIST,        /* struct strlist: a YAML sequence (or one scalar) */
    SET_SNI,         /* a name, or false for "send none" (sni + no_sni) */
    SET_FAMILY,      /* enum addr_family: any, ipv4, ipv6 */
    SET_PASS_SOURCE, /* env:VAR or file:PATH; a literal passphrase is rejected */
    SET_META,        /* about the profile, not the connection: description, extends */
};

/* How a string value is checked beyond its type. */
enum setting_check {
    CHECK_NONE,
    CHECK_VALIDATOR, /* the validator registered for the key (a list: for each item) */
    CHECK_HOST,      /* a host name or literal address */
    CHECK_CA_FILE,   /* config_ca_file_check: a readable regular file */
    CHECK_CA_DIR,    /* config_ca_path_check: an existing directory */
};

/* A command-line flag that sets its row's key: with its argument (parsed by setting_parse; a
 * list key takes a comma-separated list, or one item per use when `append`), or with a fixed
 * value (--no-verify sets verify to false). */
struct setting_flag {
    const char *name;    /* long name without "--", or NULL (an unused slot: name and short_opt
                          * both unset) */
    int short_opt;       /* 0 when none */
    const char *fixed;   /* the value the flag sets, or NULL: the flag takes an argument;
                          * with a metavar too, the argument is optional (--http[=PATH]) */
    bool append;         /* a list key: each use adds one item */
    const char *metavar; /* for --help, with an argument */
    const char *help;
};
#define SETTING_FLAGS_MAX 2

/* One row: a setting and everything that names it. Adding a setting is one row (plus its
 * field in struct tls_config and its use). */
struct setting {
    const char *name;
    enum setting_type type;
    size_t offset; /* of the field in struct tls_config (unused for SET_META/SET_SNI) */
    int min, max;  /* SET_INT range; SET_SECONDS max */
    enum setting_check check;
    const char *values;       /* allowed values, for help and errors ("tls1.0 ... tls1.3") */
    const char *default_text; /* what applies when the key is absent */
    const char *help;         /* one sentence */
    struct setting_flag flags[SETTING_FLAGS_MAX]; /* the command-line flags that set it */
};

/* Profile files may set at most this many keys (the set mask is 64 bits). */
#define PROFILE_KEYS_MAX 64

size_t settings_count(void);
const struct setting *setting_at(size_t i);
/* By exact name; NULL when unknown. */
const struct setting *setting_find(const char *name);
/* Index of k in the table (for set masks). */
size_t setting_index(const struct setting *k);
/* The nearest known key by edit distance ("cipher" → "ciphers"), or NULL if none is close. */
const char *setting_suggest(const char *name);

/* Copies key k's value from src into dst (deep copy; frees what dst held). */
void setting_copy(const struct setting *k, struct tls_config *dst, const struct tls_config *src);
/* True when k has the same value in a and b. */
bool setting_equal(const struct setting *k, const struct tls_config *a, const struct tls_config *b);
/* True when k holds its default value in c (as config_init leaves it). */
bool setting_is_default(const struct setting *k, const struct tls_config *c);

/* True when every connection key (not SET_META) is equal in a and b. */
bool config_equal(const struct tls_config *a, const struct tls_config *b);

/* ---- validators registered from below ------------------------------------------------------
 * A structured refusal: which key, the value as given (cut to fit, shown sanitised by the
 * formatter), and the reason alone — no flag, key or value in it — so each front end puts its
 * own name in front: "--ciphers 'X': reason", "file:3:10: ciphers 'X': reason", the editor's
 * "ciphers 'X': reason". */
struct setting_error {
    const char *key; /* the table's name, static */
    char value[128];
    char reason[400];
    bool value_in_reason; /* the reason already quotes the value (host and file checks) */
};

/* ---- one value from text: the one parser flags, profiles and the editor share ----
 * Parses text as key k's value and stores it in cfg: bools (true/false/yes/no/on/off), whole
 * numbers within [min, max], seconds (config_timeout_parse), protocol names, address
 * families, a server name or "false", env:VAR / file:PATH, host names, file names ("~/" is
 * the home directory; CA files and directories must exist), and registered validators. A
 * list key appends one item. Returns 0, or -1 with err filled and cfg untouched. */
int setting_parse(const struct setting *k, const char *text, struct tls_config *cfg,
                  struct setting_error *err);

/* The inverse, for showing a value: text setting_parse takes back ("" for an unset or
 * system-default value; lists joined with ", "; sni false as "false"). Caller frees. */
char *setting_format(const struct setting *k, const struct tls_config *cfg);

/* ---- command-line flags: every row's flags, in table order ---- */
size_t settings_flag_count(void);
const struct setting_flag *settings_flag_at(size_t i);
/* "--sni", or "-4" for a flag with no long name; static storage per flag. */
const char *setting_flag_label(const struct setting_flag *f);
/* The row f belongs to. */
const struct setting *setting_flag_setting(const struct setting_flag *f);
/* "--sni/--no-sni", "-4/-6": the row's flags for help and the editor, or NULL when none. */
const char *setting_flags_text(const struct setting *k);
/* Applies f (with arg when it takes one) onto cfg. Returns 0, or -1 with err filled (err->key
 * is the key; format with setting_flag_label as the name). */
int setting_flag_apply(const struct setting_flag *f, const char *arg, struct tls_config *cfg,
                       struct setting_error *err);

/* Checks one value (a list: one item); returns 0, or -1 with a sentence in reason. */
typedef int (*setting_validator_fn)(const char *value, char *reason, size_t n);

/* Registers fn for key (replacing any before). Returns 0, or -1 when the key is not in the
 * table or is not checked by a validator (CHECK_VALIDATOR). Start-up only: not thread-safe. */
int settings_set_validator(const char *key, setting_validator_fn fn);
/* True once every CHECK_VALIDATOR row has a validator. */
bool settings_validators_ready(void);
/* Runs k's validator on value. 0 when it passes or k has none; -1 with err filled (a row
 * whose validator was never registered refuses every value, so a missing registration shows
 * at once rather than letting anything through). */
int settings_validate(const struct setting *k, const char *value, struct setting_error *err);
/* "NAME 'VALUE': REASON" (or "NAME: REASON" when the reason quotes the value itself), the
 * value sanitised for a terminal; name is the key, or the flag that set it. */
const char *setting_error_format(const struct setting_error *e, const char *name, char *buf,
                                 size_t n);

#endif
