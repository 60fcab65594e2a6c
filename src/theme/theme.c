/* Themes: the YAML loader (yaml/ytree.h reads a small, bounded tree; every key is checked
 * against fixed tables) and the themes folder. The built-in styles and the 8-colour
 * fallback are in theme_builtin.c. */
#include "theme/theme.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "theme/theme_internal.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/suggest.h"
#include "yaml/ytree.h"

/* Bounds on what a theme file may be: a real theme is about 2 KiB, three levels deep
 * (roles → role → attrs) and has at most five attributes in a list. */
#define THEME_MAX_BYTES (64 * 1024)
#define THEME_MAX_DEPTH 6
#define THEME_MAX_LIST  16
#define THEME_MAX_FILES 256 /* theme_list stops here */

#define D THEME_COLOR_DEFAULT

/* ---- tables ---------------------------------------------------------------------------- */

static const char *const top_keys[] = {"name", "description", "roles"};
enum { TOP_NAME, TOP_DESCRIPTION, TOP_ROLES, TOP_COUNT };

static const char *const field_keys[] = {"fg", "bg", "fg8", "bg8", "attrs", "mono"};
enum { F_FG, F_BG, F_FG8, F_BG8, F_ATTRS, F_MONO, F_COUNT };

/* Index = the colour number on 8-colour terminals; "default" is the ninth name. */
static const char *const color_names[] = {"black",   "red",  "green", "yellow", "blue",
                                          "magenta", "cyan", "white", "default"};
#define COLOR_NAMES_LIST "black red green yellow blue magenta cyan white"

static const char *const attr_names[] = {"bold", "underline", "reverse", "dim", "italic"};
static const unsigned attr_bits[] = {THEME_BOLD, THEME_UNDERLINE, THEME_REVERSE, THEME_DIM,
                                     THEME_ITALIC};
#define ATTR_NAMES_LIST "bold underline reverse dim italic"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *theme_error_format(const struct theme_error *e, char *buf, size_t n)
{
    return ytree_error_format(e->file, e->line, e->col, e->message, buf, n);
}

/* ---- values ---------------------------------------------------------------------------- */

/* The text of a scalar, or NULL with the error "`what` expects <expects>, found ...". */
static const char *scalar_text(struct ytree_ctx *ld, const char *what, const char *expects,
                               const struct ynode *v)
{
    char d[320];
    if (v->kind != YN_SCALAR || ynode_is_null(v)) {
        ytree_fail_at(ld, v, "`%s` expects %s, found %s", what, expects,
                      ynode_describe(v, d, sizeof(d)));
        return NULL;
    }
    if (v->len == YNODE_NUL_LEN) {
        ytree_fail_at(ld, v, "`%s` contains a NUL character", what);
        return NULL;
    }
    return v->text;
}

static int name_index(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, names[i]))
            return (int)i;
    return -1;
}

/* "-12", "300": a decimal with an optional minus sign (saturating), else false. */
static bool parse_decimal(const char *s, long *out)
{
    const char *p = s + (*s == '-');
    long v = 0;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (v < 100000)
            v = v * 10 + (*p - '0');
    }
    *out = *s == '-' ? -v : v;
    return true;
}

/* A colour: 0-max, a colour name, or default. `what` is "ok.fg" for messages. */
static int parse_color(struct ytree_ctx *ld, const char *what, const struct ynode *v, int max,
                       int *out)
{
    char expects[160], b[256];
    snprintf(expects, sizeof(expects), "a colour: 0-%d, " COLOR_NAMES_LIST " or default", max);
    const char *s = scalar_text(ld, what, expects, v);
    if (!s)
        return -1;
    long num;
    if (parse_decimal(s, &num)) {
        if (num < 0 || num > max)
            return ytree_fail_at(ld, v, "`%s`: %s is out of range 0-%d%s", what, s, max,
                                 max == 7 ? " (the 8 basic colours; or use a name)" : "");
        *out = (int)num;
        return 0;
    }
    int i = name_index(s, color_names, COUNT(color_names));
    if (i >= 0) {
        *out = i == 8 ? D : i;
        return 0;
    }
    const char *sug = suggest_nearest(s, color_names, COUNT(color_names));
    if (sug)
        return ytree_fail_at(ld, v, "`%s`: unknown colour `%s`, did you mean `%s`?", what,
                             ytree_show(s, b, sizeof(b)), sug);
    return ytree_fail_at(ld, v, "`%s` expects %s, found `%s`", what, expects,
                         ytree_show(s, b, sizeof(b)));
}

static int parse_attr(struct ytree_ctx *ld, const char *what, const struct ynode *item,
                      unsigned *bits)
{
    char b[256], d[320];
    if (item->kind != YN_SCALAR)
        return ytree_fail_at(ld, item,
                             "`%s` items must be attribute names (" ATTR_NAMES_LIST "), found %s",
                             what, ynode_describe(item, d, sizeof(d)));
    if (ynode_is_null(item))
        return ytree_fail_at(ld, item, "`%s` has an empty item", what);
    const char *s = scalar_text(ld, what, "an attribute", item);
    if (!s)
        return -1;
    int i = name_index(s, attr_names, COUNT(attr_names));
    if (i >= 0) {
        *bits |= attr_bits[i];
        return 0;
    }
    const char *sug = suggest_nearest(s, attr_names, COUNT(attr_names));
    if (sug)
        return ytree_fail_at(ld, item, "`%s`: unknown attribute `%s`, did you mean `%s`?", what,
                             ytree_show(s, b, sizeof(b)), sug);
    return ytree_fail_at(ld, item, "`%s`: unknown attribute `%s` (use " ATTR_NAMES_LIST ")", what,
                         ytree_show(s, b, sizeof(b)));
}

/* A list of attribute names ([] for none); a single name stands for a list of one. */
static int parse_attrs(struct ytree_ctx *ld, const char *what, const struct ynode *v, unsigned *out)
{
    char d[320];
    unsigned bits = 0;
    if (v->kind == YN_MAP)
        return ytree_fail_at(ld, v,
                             "`%s` expects a list of attributes (" ATTR_NAMES_LIST "), found %s",
                             what, ynode_describe(v, d, sizeof(d)));
    if (v->kind == YN_SCALAR) {
        if (parse_attr(ld, what, v, &bits) < 0)
            return -1;
    } else {
        for (size_t i = 0; i < v->n; i++)
            if (parse_attr(ld, what, v->kids[i], &bits) < 0)
                return -1;
    }
    *out = bits;
    return 0;
}

/* ---- the document ---------------------------------------------------------------------- */

/* Looks up the key of entry i of map in names; fails on a non-scalar key, an unknown one
 * (`kind` says what it is, e.g. "key" or "role", suggesting the nearest name) and a repeat.
 * first_line[] (one per name, zeroed by the caller) remembers where each key was seen. */
static int map_key(struct ytree_ctx *ld, const struct ynode *map, size_t i,
                   const char *const *names, size_t n, const char *kind, const char *where,
                   int *first_line)
{
    const struct ynode *key = map->kids[i];
    char d[320], b[256];
    if (key->kind != YN_SCALAR)
        return ytree_fail_at(ld, key, "keys must be names, found %s",
                             ynode_describe(key, d, sizeof(d)));
    int k = key->len == YNODE_NUL_LEN ? -1 : name_index(key->text, names, n);
    if (k < 0) {
        const char *sug = suggest_nearest(key->text, names, n);
        ytree_show(key->text, b, sizeof(b));
        if (sug)
            return ytree_fail_at(ld, key, "unknown %s `%s`%s, did you mean `%s`?", kind, b, where,
                                 sug);
        char all[200] = "";
        for (size_t j = 0; j < n; j++)
            snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", j ? " " : "", names[j]);
        return ytree_fail_at(ld, key, "unknown %s `%s`%s (expected one of: %s)", kind, b, where,
                             all);
    }
    if (first_line[k])
        return ytree_fail_at(ld, key, "duplicate %s `%s`%s (first at line %d)", kind, names[k],
                             where, first_line[k]);
    first_line[k] = key->line;
    return k;
}

/* Fills one role from its mapping. Absent keys: fg/bg default, fg8/bg8 from fg/bg, no
 * attributes, mono the same as attrs. */
static int apply_role(struct ytree_ctx *ld, enum theme_role r, const struct ynode *map,
                      struct theme_style *st)
{
    const char *rn = theme_role_names[r];
    char d[320], where[64], what[64];
    if (map->kind != YN_MAP)
        return ytree_fail_at(
            ld, map, "role `%s` expects a mapping such as { fg: 114, attrs: [bold] }, found %s", rn,
            ynode_describe(map, d, sizeof(d)));
    int first_line[F_COUNT] = {0};
    struct theme_style s = {D, D, D, D, 0, 0};
    snprintf(where, sizeof(where), " in role `%s`", rn);
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        int k = map_key(ld, map, i, field_keys, F_COUNT, "key", where, first_line);
        if (k < 0)
            return -1;
        const struct ynode *v = map->kids[i + 1];
        snprintf(what, sizeof(what), "%s.%s", rn, field_keys[k]);
        if (ynode_is_null(v))
            return ytree_fail_at(ld, map->kids[i],
                                 "`%s` has no value; remove the key for the default", what);
        int rc;
        switch (k) {
        case F_FG: rc = parse_color(ld, what, v, 255, &s.fg); break;
        case F_BG: rc = parse_color(ld, what, v, 255, &s.bg); break;
        case F_FG8: rc = parse_color(ld, what, v, 7, &s.fg8); break;
        case F_BG8: rc = parse_color(ld, what, v, 7, &s.bg8); break;
        case F_ATTRS: rc = parse_attrs(ld, what, v, &s.attrs); break;
        default: rc = parse_attrs(ld, what, v, &s.mono); break;
        }
        if (rc < 0)
            return -1;
    }
    if (!first_line[F_FG8])
        s.fg8 = theme_color_to_8(s.fg);
    if (!first_line[F_BG8])
        s.bg8 = theme_color_to_8(s.bg);
    if (!first_line[F_MONO])
        s.mono = s.attrs;
    *st = s;
    return 0;
}

static int apply_roles(struct ytree_ctx *ld, const struct ynode *map, struct theme *t)
{
    char d[320];
    if (map->kind != YN_MAP)
        return ytree_fail_at(ld, map, "`roles` expects a mapping of role names, found %s",
                             ynode_describe(map, d, sizeof(d)));
    int first_line[TR_COUNT] = {0};
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        int r = map_key(ld, map, i, theme_role_names, TR_COUNT, "role", "", first_line);
        if (r < 0)
            return -1;
        if (ynode_is_null(map->kids[i + 1]))
            return ytree_fail_at(ld, map->kids[i],
                                 "role `%s` has no value; remove it to keep the built-in style",
                                 theme_role_names[r]);
        if (apply_role(ld, (enum theme_role)r, map->kids[i + 1], &t->roles[r]) < 0)
            return -1;
    }
    return 0;
}

/* Theme names: letters, digits, - _ . (no leading dot), shorter than theme.name. */
static bool valid_theme_name(const char *s)
{
    if (!*s || s[0] == '.' || strlen(s) >= sizeof(((struct theme *)0)->name))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

static int apply_top(struct ytree_ctx *ld, const struct ynode *root, struct theme *t)
{
    char d[320], b[256];
    if (!root)
        return ytree_fail(ld, 1, 1,
                          "expected a mapping with name, description and roles, found an "
                          "empty file");
    if (root->kind != YN_MAP)
        return ytree_fail_at(ld, root,
                             "expected a mapping with name, description and roles, found %s",
                             ynode_describe(root, d, sizeof(d)));
    int first_line[TOP_COUNT] = {0};
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        int k = map_key(ld, root, i, top_keys, TOP_COUNT, "key", "", first_line);
        if (k < 0)
            return -1;
        const struct ynode *v = root->kids[i + 1];
        const char *s;
        switch (k) {
        case TOP_NAME:
            if (!(s = scalar_text(ld, "name", "a theme name", v)))
                return -1;
            if (!valid_theme_name(s))
                return ytree_fail_at(ld, v,
                                     "`name`: `%s` is not a theme name (letters, digits, - _ ., at "
                                     "most %zu characters)",
                                     ytree_show(s, b, sizeof(b)), sizeof(t->name) - 1);
            theme_set_name(t, s);
            break;
        case TOP_DESCRIPTION:
            if (!scalar_text(ld, "description", "a string", v))
                return -1;
            break;
        default:
            if (ynode_is_null(v))
                return ytree_fail_at(ld, root->kids[i],
                                     "`roles` has no value; remove the key for the "
                                     "built-in styles");
            if (apply_roles(ld, v, t) < 0)
                return -1;
        }
    }
    return 0;
}

/* The name a file gives a theme when it has no `name:` key: "dir/light.yaml" → "light". */
static void name_from_file(const char *path, struct theme *t)
{
    char *stem = ytree_file_stem(path);
    if (valid_theme_name(stem))
        theme_set_name(t, stem);
    free(stem);
}

int theme_parse(const char *data, size_t n, const char *filename, struct theme *t,
                struct theme_error *err)
{
    static const struct ytree_limits lim = {THEME_MAX_BYTES, THEME_MAX_DEPTH, THEME_MAX_LIST,
                                            "a theme", "themes"};
    struct ytree_ctx ld = {data, n, filename ? filename : "<theme>", YTREE_SINK(err)};
    struct ynode *root = NULL;
    struct theme work;
    int rc = -1;
    if (err)
        memset(err, 0, sizeof(*err));
    theme_builtin(&work);
    theme_set_name(&work, "custom");
    if (filename)
        name_from_file(filename, &work);
    if (ytree_read(&ld, &lim, &root) < 0 || apply_top(&ld, root, &work) < 0)
        goto out;
    rc = 0;
out:
    ynode_free(root);
    if (rc == 0)
        *t = work;
    else
        theme_builtin(t);
    return rc;
}

/* ---- files ----------------------------------------------------------------------------- */

int theme_load_file(const char *path, struct theme *t, struct theme_error *err)
{
    char *data = NULL, msg[64];
    size_t n = 0;
    if (file_read_bounded(path, THEME_MAX_BYTES, &data, &n, msg, sizeof(msg)) < 0) {
        int e = errno;
        theme_builtin(t);
        if (e == EFBIG)
            return ytree_fail_file(YTREE_SINK(err), path,
                                   "cannot read theme: file is larger than %d KiB",
                                   THEME_MAX_BYTES / 1024);
        if (e == EINVAL)
            return ytree_fail_file(YTREE_SINK(err), path, "cannot read theme: not a regular file");
        return ytree_fail_file(YTREE_SINK(err), path, "cannot read theme: %s", strerror(e));
    }
    int rc = theme_parse(data, n, path, t, err);
    free(data);
    return rc;
}

char *theme_dir(void)
{
    return datadir_find("themes");
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **theme_list(size_t *n)
{
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    char *dir = theme_dir();
    DIR *d = opendir(dir);
    free(dir);
    if (!d)
        return NULL;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && *n < THEME_MAX_FILES) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
            continue;
        char *name = xstrndup(de->d_name, len - 5);
        if (!valid_theme_name(name)) {
            free(name);
            continue;
        }
        xgrow((void **)&names, &cap, *n + 1, sizeof(*names));
        names[(*n)++] = name;
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof(*names), name_cmp);
    return names;
}

/* A name that is not in the themes folder: say so, with the nearest one there. */
static int no_such_theme(const char *name, const char *dir, struct theme_error *err)
{
    size_t n = 0;
    char **names = theme_list(&n);
    const char *sug = suggest_nearest(name, (const char *const *)names, n);
    char all[256] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i ? " " : "", names[i]);
    if (sug)
        ytree_fail_file(YTREE_SINK(err), "",
                        "no theme named '%s'; did you mean '%s'? (looked in %s)", name, sug, dir);
    else
        ytree_fail_file(YTREE_SINK(err), "", "no theme named '%s' in %s (themes: %s)", name, dir,
                        n ? all : "none");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return -1;
}

int theme_load(const char *name_or_path, struct theme *t, struct theme_error *err)
{
    size_t len = strlen(name_or_path);
    if (strchr(name_or_path, '/') || (len > 5 && !strcmp(name_or_path + len - 5, ".yaml")))
        return theme_load_file(name_or_path, t, err);
    char b[256];
    theme_builtin(t);
    if (!valid_theme_name(name_or_path))
        return ytree_fail_file(
            YTREE_SINK(err), "",
            "'%s' is not a theme name (letters, digits, '-', '_', '.') or a path",
            ytree_show(name_or_path, b, sizeof(b)));
    char *dir = theme_dir();
    char *path = xasprintf("%s/%s.yaml", dir, name_or_path);
    struct stat st;
    int rc = stat(path, &st) == 0 ? theme_load_file(path, t, err)
                                  : no_such_theme(name_or_path, dir, err);
    free(path);
    free(dir);
    return rc;
}
