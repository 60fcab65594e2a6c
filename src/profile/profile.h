/* Connection profiles: YAML files that hold what a connection offers (and optionally its
 * target), loaded with libyaml's parser and written with its emitter.
 *
 * Where they live: bundled read-only defaults in the data directory's profiles/ (see
 * profile_bundled_dir), a person's own in $XDG_CONFIG_HOME/tlscope/profiles/ (fallback
 * ~/.config/tlscope/profiles/). A user profile shadows a bundled one of the same name.
 *
 * Applying a profile never half-applies: profile_apply works on a copy and only replaces the
 * caller's config when every file in the extends chain loaded and validated. */
#ifndef TLSCOPE_PROFILE_PROFILE_H
#define TLSCOPE_PROFILE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"

enum profile_origin { PROFILE_BUNDLED, PROFILE_USER, PROFILE_FILE };
const char *profile_origin_name(enum profile_origin o); /* "bundled", "user", "file" */

/* Input bounds: a larger or deeper document is refused before it is parsed further. */
#define PROFILE_MAX_BYTES   (256 * 1024)
#define PROFILE_MAX_DEPTH   8
#define PROFILE_MAX_LIST    256
#define PROFILE_EXTENDS_MAX 16

/* Where a problem is: file, 1-based line and column (0 when not tied to a place). */
struct profile_error {
    char file[512];
    int line, col;
    char message[512];
};
/* "file:line:col: message" (or "file: message") into buf. */
const char *profile_error_format(const struct profile_error *e, char *buf, size_t n);

/* One parsed file. cfg holds the values of the keys this file sets; `set` has bit
 * setting_index(k) for each of them; other fields hold config_init defaults. Owns everything. */
struct profile {
    char *name; /* file stem */
    char *path; /* file it came from, or the name given to profile_parse */
    enum profile_origin origin;
    char *description; /* or NULL */
    char *extends;     /* parent profile name, or NULL */
    struct tls_config cfg;
    uint64_t set;
};

/* Parses a YAML document (n bytes, need not be NUL-terminated) named `filename` in errors.
 * Returns 0, or -1 with err filled: unknown key (with a suggestion), wrong type, value out of
 * range, unknown protocol, a string OpenSSL rejects, duplicate key, tab indentation, not a
 * mapping, aliases, too large or too deep. out is zeroed on failure. */
int profile_parse(const char *data, size_t n, const char *filename, struct profile *out,
                  struct profile_error *err);
/* Reads and parses a file (bounded by PROFILE_MAX_BYTES). */
int profile_load_file(const char *path, enum profile_origin origin, struct profile *out,
                      struct profile_error *err);
void profile_free(struct profile *p);

/* Directories. Both return newly allocated strings (caller frees). */
char *profile_user_dir(void);    /* $XDG_CONFIG_HOME/tlscope/profiles or ~/.config/... */
char *profile_bundled_dir(void); /* $TLSCOPE_DATADIR/profiles, next to the binary, or PREFIX */

/* Finds NAME (user first, then bundled) or a PATH (anything with a '/' or ending in .yaml).
 * Returns the path (caller frees) and the origin, or NULL with err. */
char *profile_locate(const char *name_or_path, enum profile_origin *origin,
                     struct profile_error *err);

/* Loads NAME|PATH with its extends chain (cycles and missing parents rejected) and applies
 * it onto *cfg, ancestors first. On error *cfg is untouched. *set_out (may be NULL) receives
 * the union of keys set by the chain. */
int profile_apply(const char *name_or_path, struct tls_config *cfg, uint64_t *set_out,
                  struct profile_error *err);

/* Applies onto *cfg the profile EXTENDS as the user profile CHILD would inherit it: its
 * chain must not come back to CHILD, and EXTENDS equal to CHILD means the bundled profile of
 * that name. On error *cfg is untouched. */
int profile_apply_parent(const char *child, const char *extends, struct tls_config *cfg,
                         struct profile_error *err);

/* Emits YAML for the keys in `which` (bit per schema index) from cfg, plus description and
 * extends when given. Returns a newly allocated document, or NULL with err. */
char *profile_emit(const struct tls_config *cfg, uint64_t which, const char *description,
                   const char *extends, struct profile_error *err);
/* The keys of cfg that differ from the defaults. */
uint64_t profile_nondefault_keys(const struct tls_config *cfg);

/* Writes cfg as the user profile NAME: the keys that differ from the defaults, or with
 * `extends` (may be NULL) an `extends:` line and the keys that differ from what that parent
 * gives. File names (ca_file, ca_path, cert, key, keylog, key_passphrase file:) are written
 * absolute: "~/" expanded, a relative name joined to the current directory. The document is
 * parsed back with the loader first: when it would not load, or a key would read back as
 * another value, nothing is written and err names the key. Atomic: a temp file in the same
 * directory, fsync, rename; mode 0600; the directory is created 0700. Refuses to replace an
 * existing file unless force. Returns the path written (caller frees), or NULL with err. */
char *profile_save(const char *name, const struct tls_config *cfg, const char *description,
                   const char *extends, bool force, struct profile_error *err);

struct profile_entry {
    char *name, *path, *description;
    enum profile_origin origin;
    bool shadowed; /* a bundled profile hidden by a user profile of the same name */
};
/* Every profile in both directories, sorted by name; entries that fail to parse are listed
 * with description "(invalid: ...)". Caller frees with profile_entries_free. */
int profile_list(struct profile_entry **out, size_t *n);
void profile_entries_free(struct profile_entry *e, size_t n);

/* ---- editing one key (the UI's profile editor) ---- */
struct setting;
/* Parses text for key k exactly as the loader parses that value in a file (same checks, same
 * messages; OpenSSL checks through the validators in settings/) and stores it in cfg. Lists are
 * comma-separated; empty text restores the key's default. Description and extends are checked
 * but not stored (they are not part of tls_config). Returns 0, or -1 with the reason in err
 * and cfg untouched. */
int profile_set_text(const struct setting *k, const char *text, struct tls_config *cfg, char *err,
                     size_t errlen);
/* The inverse, for showing a value: what profile_set_text takes back ("" for an unset or
 * system-default value; lists joined with ", "; sni false as "false"). Caller frees. */
char *profile_get_text(const struct setting *k, const struct tls_config *cfg);
/* The loader's per-type setters for values that come from no file: items as plain scalars,
 * a sequence when seq (else exactly one item). As profile_set_text; used by it. */
int profile_set_items(const struct setting *k, const char *const *items, size_t n, bool seq,
                      struct tls_config *cfg, char *err, size_t errlen);

#endif
