/* Saving a configuration as a user profile: emit YAML through profile_emit, then replace the
 * file atomically (util/fsutil.h) so a crash never leaves half a profile. */
#include "profile/profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/schema.h"
#include "util/fsutil.h"
#include "util/mem.h"

/* Longest name profile_locate accepts; a longer one could be saved but never found. */
#define SAVE_NAME_MAX 128

/* Errors from saving are not tied to a line; their message names the profile or the file,
 * so err->file stays empty (profile_error_format then prints the message alone). */
static void save_error(struct profile_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void save_error(struct profile_error *err, const char *fmt, ...)
{
    va_list ap;
    memset(err, 0, sizeof(*err));
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

/* A plain name: [A-Za-z0-9._-]+, not starting with '.', so it can only ever name a file
 * inside the profile directory (no '/', no "..", no hidden or temp file). */
static bool save_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > SAVE_NAME_MAX || name[0] == '.')
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool ends_with_yaml(const char *name)
{
    size_t n = strlen(name);
    return n >= 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* The keys of cfg worth writing: those that differ from the defaults, or from what the
 * parent gives when there is one. */
static int keys_to_save(const char *name, const struct tls_config *cfg, const char *extends,
                        uint64_t *which, struct profile_error *err)
{
    if (!extends) {
        *which = profile_nondefault_keys(cfg);
        return 0;
    }
    struct tls_config parent;
    config_init(&parent);
    if (profile_apply_parent(name, extends, &parent, err) < 0) {
        config_free(&parent);
        return -1;
    }
    *which = 0;
    for (size_t i = 0; i < pkey_count(); i++)
        if (pkey_at(i)->type != PK_META && !pkey_equal(pkey_at(i), cfg, &parent))
            *which |= UINT64_C(1) << i;
    config_free(&parent);
    return 0;
}

char *profile_save(const char *name, const struct tls_config *cfg, const char *description,
                   const char *extends, bool force, struct profile_error *err)
{
    if (!name || !save_name_valid(name) || ends_with_yaml(name)) {
        save_error(err, "'%s' is not a valid profile name: use %s", name ? name : "",
                   name && ends_with_yaml(name)
                       ? "the name without .yaml"
                       : "letters, digits, '.', '_' and '-' (at most 128), not starting "
                         "with '.'");
        return NULL;
    }
    char *dir = profile_user_dir();
    if (!dir) {
        save_error(err, "nowhere to save profile '%s': neither XDG_CONFIG_HOME nor HOME is set",
                   name);
        return NULL;
    }
    uint64_t which = 0;
    if (keys_to_save(name, cfg, extends, &which, err) < 0) {
        free(dir);
        return NULL;
    }
    char *path = xasprintf("%s/%s.yaml", dir, name);
    char *doc = profile_emit(cfg, which, description, extends, err);
    char msg[sizeof(err->message)];
    bool ok = false;
    if (!doc) {
        /* err was filled by profile_emit; say which file it was for. */
        snprintf(err->file, sizeof(err->file), "%s", path);
    } else if (mkdir_p(dir, 0700, msg, sizeof(msg)) < 0 ||
               file_write_atomic(path, doc, strlen(doc), 0600, force, msg, sizeof(msg)) < 0) {
        save_error(err, "%s", msg);
    } else {
        ok = true;
    }
    free(doc);
    free(dir);
    if (!ok) {
        free(path);
        return NULL;
    }
    return path;
}
