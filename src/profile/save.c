/* Saving a configuration as a user profile: file names made absolute, YAML emitted through
 * profile_emit and parsed back with the loader (what does not load, or loads as something
 * else, is never written), then the file replaced atomically (util/fsutil.h) so a crash never
 * leaves half a profile. */
#include "profile/profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    for (size_t i = 0; i < settings_count(); i++)
        if (setting_at(i)->type != SET_META && !setting_equal(setting_at(i), cfg, &parent))
            *which |= UINT64_C(1) << i;
    config_free(&parent);
    return 0;
}

/* path as an absolute name, so the profile means the same file from any directory: "/x"
 * as it is; "~/x" with $HOME (as the loader reads it); anything else joined to the current
 * directory, lexically ("./" dropped; no symlink resolved, so a link that is later repointed,
 * such as certbot's live/, keeps working). NULL when the current directory is unknown. */
static char *absolute_path(const char *path)
{
    const char *home = getenv("HOME");
    if (path[0] == '/')
        return xstrdup(path);
    if (path[0] == '~' && path[1] == '/' && home && *home)
        return xasprintf("%s%s", home, path + 1);
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
        return NULL;
    while (path[0] == '.' && path[1] == '/')
        for (path += 2; *path == '/';)
            path++;
    char *abs = !strcmp(path, ".") || !*path ? xstrdup(cwd)
                : !strcmp(cwd, "/")          ? xasprintf("/%s", path)
                                             : xasprintf("%s/%s", cwd, path);
    free(cwd);
    return abs;
}

/* Makes every file name in cfg absolute (SET_PATH keys and a file: passphrase source). */
static int absolute_paths(const char *name, struct tls_config *cfg, struct profile_error *err)
{
    for (size_t i = 0; i < settings_count(); i++) {
        const struct setting *k = setting_at(i);
        if (k->type != SET_PATH && k->type != SET_PASS_SOURCE)
            continue;
        char **f = (char **)((char *)cfg + k->offset);
        bool pass = k->type == SET_PASS_SOURCE;
        if (!*f || (pass && strncmp(*f, "file:", 5) != 0))
            continue;
        const char *file = pass ? *f + 5 : *f;
        if (!*file)
            continue;
        char *abs = absolute_path(file);
        if (!abs) {
            save_error(err,
                       "profile '%s' not saved: cannot make `%s` absolute: the current "
                       "directory is unknown",
                       name, k->name);
            return -1;
        }
        free(*f);
        *f = pass ? xasprintf("file:%s", abs) : xstrdup(abs);
        free(abs);
    }
    return 0;
}

/* Parses doc back with the loader: it must load, and every key written must read back as the
 * value in cfg. Whatever the loader would refuse is never written. */
static int check_loads_back(const char *name, const char *path, const char *doc,
                            const struct tls_config *cfg, uint64_t which, struct profile_error *err)
{
    struct profile back;
    struct profile_error perr;
    if (profile_parse(doc, strlen(doc), path, &back, &perr) < 0) {
        save_error(err, "profile '%s' not saved: it would not load back: %s", name, perr.message);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < settings_count() && rc == 0; i++) {
        const struct setting *k = setting_at(i);
        if (k->type == SET_META || !(which & (UINT64_C(1) << i)) ||
            setting_equal(k, cfg, &back.cfg))
            continue;
        save_error(err, "profile '%s' not saved: `%s` would load back as a different value", name,
                   k->name);
        rc = -1;
    }
    profile_free(&back);
    return rc;
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
    struct tls_config abs;
    config_copy(&abs, cfg);
    uint64_t which = 0;
    if (absolute_paths(name, &abs, err) < 0 || keys_to_save(name, &abs, extends, &which, err) < 0) {
        config_free(&abs);
        free(dir);
        return NULL;
    }
    char *path = xasprintf("%s/%s.yaml", dir, name);
    char *doc = profile_emit(&abs, which, description, extends, err);
    char msg[sizeof(err->message)];
    bool ok = false;
    if (!doc) {
        /* err was filled by profile_emit; say which file it was for. */
        snprintf(err->file, sizeof(err->file), "%s", path);
    } else if (check_loads_back(name, path, doc, &abs, which, err) < 0) {
        /* err says which key */
    } else if (mkdir_p(dir, 0700, msg, sizeof(msg)) < 0 ||
               file_write_atomic(path, doc, strlen(doc), 0600, force, msg, sizeof(msg)) < 0) {
        save_error(err, "%s", msg);
    } else {
        ok = true;
    }
    free(doc);
    free(dir);
    config_free(&abs);
    if (!ok) {
        free(path);
        return NULL;
    }
    return path;
}
