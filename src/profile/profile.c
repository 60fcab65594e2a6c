/* Finding profiles on disk, following `extends`, applying a chain onto a config, listing. */
#include "profile/profile.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "profile/schema.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/suggest.h"

static void set_error(struct profile_error *err, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(struct profile_error *err, const char *file, const char *fmt, ...)
{
    va_list ap;
    memset(err, 0, sizeof(*err));
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *profile_user_dir(void)
{
    char *base = xdg_dir("XDG_CONFIG_HOME", ".config");
    if (!base)
        return NULL;
    char *dir = xasprintf("%s/profiles", base);
    free(base);
    return dir;
}

char *profile_bundled_dir(void)
{
    return datadir_find("profiles");
}

static bool valid_name(const char *name)
{
    if (!*name || name[0] == '.' || strlen(name) > 128)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

static bool looks_like_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".yaml"));
}

/* Looks NAME up in one directory. */
static char *in_dir(const char *dir, const char *name)
{
    if (!dir)
        return NULL;
    char *p = xasprintf("%s/%s.yaml", dir, name);
    if (is_file(p))
        return p;
    free(p);
    return NULL;
}

static char *locate(const char *name_or_path, bool bundled_only, enum profile_origin *origin,
                    struct profile_error *err)
{
    if (looks_like_path(name_or_path)) {
        if (!is_file(name_or_path)) {
            set_error(err, name_or_path, "cannot read profile: %s",
                      errno ? strerror(errno) : "not a regular file");
            return NULL;
        }
        *origin = PROFILE_FILE;
        return xstrdup(name_or_path);
    }
    if (!valid_name(name_or_path)) {
        set_error(err, name_or_path,
                  "'%s' is not a profile name (letters, digits, '-', '_', '.') or a path",
                  name_or_path);
        return NULL;
    }
    char *user = profile_user_dir(), *bundled = profile_bundled_dir();
    char *found = bundled_only ? NULL : in_dir(user, name_or_path);
    *origin = PROFILE_USER;
    if (!found) {
        found = in_dir(bundled, name_or_path);
        *origin = PROFILE_BUNDLED;
    }
    if (!found) {
        struct profile_entry *e = NULL;
        size_t n = 0;
        const char *names[256];
        size_t k = 0;
        if (profile_list(&e, &n) == 0)
            for (size_t i = 0; i < n && k < 256; i++)
                names[k++] = e[i].name;
        const char *s = suggest_nearest(name_or_path, names, k);
        if (s && !strcmp(s, name_or_path))
            s = NULL; /* the user profile itself, when only bundled ones count */
        set_error(err, name_or_path, "no profile named '%s'%s%s%s (looked in %s and %s)",
                  name_or_path, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "",
                  bundled_only ? "(bundled only)" : (user ? user : "(no user dir)"), bundled);
        profile_entries_free(e, n);
    }
    free(user);
    free(bundled);
    return found;
}

char *profile_locate(const char *name_or_path, enum profile_origin *origin,
                     struct profile_error *err)
{
    return locate(name_or_path, false, origin, err);
}

/* Loads NAME|PATH and its extends chain and applies it onto *cfg, ancestors first. `child`,
 * when given, is the user profile that will extend NAME: it counts as the chain's first link
 * (so a chain that comes back to it is a cycle), and when NAME is its own name, NAME means
 * the bundled profile it shadows. */
static int apply_chain(const char *name_or_path, const char *child, struct tls_config *cfg,
                       uint64_t *set_out, struct profile_error *err)
{
    struct profile chain[PROFILE_EXTENDS_MAX];
    size_t n = 0;
    int rc = -1;
    enum profile_origin origin;
    bool bundled_only = child && !strcmp(child, name_or_path);
    char *path = locate(name_or_path, bundled_only, &origin, err);
    if (!path)
        return -1;
    for (;;) {
        if (profile_load_file(path, origin, &chain[n], err) < 0) {
            free(path);
            goto out;
        }
        free(path);
        n++;
        const struct profile *p = &chain[n - 1];
        if (!p->extends)
            break;
        /* A user profile may extend the bundled profile it shadows. */
        bundled_only = p->origin == PROFILE_USER && !strcmp(p->extends, p->name);
        bool cycle = !bundled_only && child && !strcmp(child, p->extends);
        for (size_t i = 0; i < n && !bundled_only && !cycle; i++)
            cycle = strcmp(chain[i].name, p->extends) == 0;
        if (cycle) {
            char trail[256] = "";
            size_t used = 0;
            if (child)
                used += (size_t)snprintf(trail, sizeof(trail), "%s → ", child);
            for (size_t k = 0; k < n && used < sizeof(trail); k++)
                used +=
                    (size_t)snprintf(trail + used, sizeof(trail) - used, "%s → ", chain[k].name);
            set_error(err, p->path, "extends cycle: %s%s", trail, p->extends);
            goto out;
        }
        if (n == PROFILE_EXTENDS_MAX) {
            set_error(err, p->path, "extends chain longer than %d profiles", PROFILE_EXTENDS_MAX);
            goto out;
        }
        path = locate(p->extends, bundled_only, &origin, err);
        if (!path && bundled_only) {
            set_error(err, p->path,
                      "extends '%.64s' names this profile itself; a user profile may extend "
                      "only the bundled profile it shadows, and there is no bundled profile "
                      "'%.64s'",
                      p->extends, p->extends);
            goto out;
        }
        if (!path) {
            char msg[sizeof(err->message)];
            memcpy(msg, err->message, sizeof(msg));
            msg[200] = '\0'; /* room for the prefix */
            set_error(err, p->path, "extends '%.64s': %s", p->extends, msg);
            goto out;
        }
    }
    /* Ancestors first; the caller's config is replaced only now that all loaded. */
    struct tls_config tmp;
    config_copy(&tmp, cfg);
    uint64_t set = 0;
    for (size_t i = n; i-- > 0;) {
        for (size_t k = 0; k < settings_count(); k++)
            if (chain[i].set & (UINT64_C(1) << k))
                setting_copy(setting_at(k), &tmp, &chain[i].cfg);
        set |= chain[i].set;
    }
    if (tmp.min_proto && tmp.max_proto && tmp.min_proto > tmp.max_proto) {
        set_error(err, chain[0].path,
                  "min_protocol %s is above max_protocol %s once the extends chain is merged; "
                  "no version is left to offer",
                  proto_label(tmp.min_proto), proto_label(tmp.max_proto));
        config_free(&tmp);
        goto out;
    }
    config_free(cfg);
    *cfg = tmp;
    if (set_out)
        *set_out = set;
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        profile_free(&chain[i]);
    return rc;
}

int profile_apply(const char *name_or_path, struct tls_config *cfg, uint64_t *set_out,
                  struct profile_error *err)
{
    return apply_chain(name_or_path, NULL, cfg, set_out, err);
}

int profile_apply_parent(const char *child, const char *extends, struct tls_config *cfg,
                         struct profile_error *err)
{
    return apply_chain(extends, child, cfg, NULL, err);
}

static int entry_cmp(const void *a, const void *b)
{
    const struct profile_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (int)x->origin - (int)y->origin;
}

static void list_dir(const char *dir, enum profile_origin origin, struct profile_entry **out,
                     size_t *n, size_t *cap)
{
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && *n < 1024) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
            continue;
        xgrow((void **)out, cap, *n + 1, sizeof(**out));
        struct profile_entry *e = &(*out)[(*n)++];
        memset(e, 0, sizeof(*e));
        e->name = xstrndup(de->d_name, len - 5);
        e->path = xasprintf("%s/%s", dir, de->d_name);
        e->origin = origin;
        struct profile p;
        struct profile_error perr;
        if (profile_load_file(e->path, origin, &p, &perr) == 0) {
            e->description = xstrdup(p.description ? p.description : "");
            profile_free(&p);
        } else {
            char buf[700];
            e->description =
                xasprintf("(invalid: %s)", profile_error_format(&perr, buf, sizeof(buf)));
        }
    }
    closedir(d);
}

int profile_list(struct profile_entry **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    char *user = profile_user_dir(), *bundled = profile_bundled_dir();
    list_dir(bundled, PROFILE_BUNDLED, out, n, &cap);
    list_dir(user, PROFILE_USER, out, n, &cap);
    free(user);
    free(bundled);
    if (*n)
        qsort(*out, *n, sizeof(**out), entry_cmp);
    for (size_t i = 0; i + 1 < *n; i++)
        if (!strcmp((*out)[i].name, (*out)[i + 1].name) && (*out)[i].origin == PROFILE_BUNDLED)
            (*out)[i].shadowed = true;
    return 0;
}

void profile_entries_free(struct profile_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].path);
        free(e[i].description);
    }
    free(e);
}
