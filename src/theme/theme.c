/* Themes: the YAML loader (libyaml's event parser builds a small, bounded tree; every key is
 * checked against fixed tables) and the themes folder. The built-in styles and the 8-colour
 * fallback are in theme_builtin.c. */
#include "theme/theme.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "theme/theme_internal.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/suggest.h"

#ifndef TLSCOPE_DATADIR
#define TLSCOPE_DATADIR "/usr/local/share/tlscope"
#endif

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
    if (n == 0)
        return buf;
    if (e->line > 0)
        snprintf(buf, n, "%s:%d:%d: %s", e->file, e->line, e->col, e->message);
    else if (e->file[0])
        snprintf(buf, n, "%s: %s", e->file, e->message);
    else
        snprintf(buf, n, "%s", e->message);
    return buf;
}

/* ---- errors ---------------------------------------------------------------------------- */

/* What the parse is working on; err is where the first problem goes. */
struct loader {
    const char *data;
    size_t n;
    const char *file;
    struct theme_error *err;
};

static int vfail(struct loader *ld, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static int fail(struct loader *ld, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int vfail(struct loader *ld, int line, int col, const char *fmt, va_list ap)
{
    struct theme_error *e = ld->err;
    memset(e, 0, sizeof(*e));
    snprintf(e->file, sizeof(e->file), "%s", ld->file);
    e->line = line;
    e->col = col;
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    return -1;
}

static int fail(struct loader *ld, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ld, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

/* A value as it may appear in a message: at most 60 bytes (cut at a character boundary)
 * with every control character escaped, so a message never carries terminal controls. */
static const char *show(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s), cut = len;
    if (cut > 60) {
        cut = 60;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    char *safe = utf8_repair(s, cut);
    char *clean = sanitize_terminal(safe);
    snprintf(buf, n, "%s%s", clean, cut < len ? "…" : "");
    free(clean);
    free(safe);
    return buf;
}

/* 1-based line and column of a byte offset (columns count characters, as libyaml's do). */
static void offset_to_mark(const struct loader *ld, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < ld->n; i++) {
        unsigned char c = (unsigned char)ld->data[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= ld->n || ld->data[i + 1] != '\n'))) {
            (*line)++;
            *col = 1;
        } else if (c != '\r' && (c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* The byte at a libyaml mark (0-based line, column in characters), or 0 past its line. */
static char byte_at_mark(const struct loader *ld, size_t line, size_t col)
{
    size_t i = 0;
    for (size_t l = 0; l < line && i < ld->n; i++)
        if (ld->data[i] == '\n' ||
            (ld->data[i] == '\r' && (i + 1 >= ld->n || ld->data[i + 1] != '\n')))
            l++;
    for (size_t c = 0; i < ld->n && ld->data[i] != '\n' && ld->data[i] != '\r'; i++) {
        if (((unsigned char)ld->data[i] & 0xC0) == 0x80)
            continue;
        if (c++ == col)
            return ld->data[i];
    }
    return 0;
}

static int parser_error(struct loader *ld, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "syntax error";
    int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
    switch (p->error) {
    case YAML_MEMORY_ERROR: return fail(ld, 0, 0, "out of memory while parsing");
    case YAML_READER_ERROR:
        offset_to_mark(ld, p->problem_offset, &line, &col);
        if (p->problem_value != -1)
            return fail(ld, line, col, "%s (0x%02X)", problem, (unsigned)p->problem_value);
        return fail(ld, line, col, "%s", problem);
    default: break;
    }
    if (byte_at_mark(ld, p->problem_mark.line, p->problem_mark.column) == '\t' ||
        strstr(problem, "tab character"))
        return fail(ld, line, col, "tab character: YAML indentation must use spaces");
    if (p->context)
        return fail(ld, line, col, "%s (%s at line %d, column %d)", problem, p->context,
                    (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    return fail(ld, line, col, "%s", problem);
}

/* ---- the tree -------------------------------------------------------------------------- */

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };

/* One node of the document. A node owns its text and its children; a mapping's children
 * alternate key, value. */
struct ynode {
    enum ynode_kind kind;
    char *text;    /* scalar value, NUL-terminated */
    bool has_nul;  /* the scalar held a NUL (an escape); refused where the text is used */
    bool plain;    /* unquoted scalar: may stand for null */
    int line, col; /* 1-based */
    struct ynode **kids;
    size_t n, cap;
};

/* The tree under construction: the open collections, innermost last. */
struct tree {
    struct ynode *root;
    struct ynode *open[THEME_MAX_DEPTH];
    size_t depth;
    int docs;
    bool ended;
};

static int fail_at(struct loader *ld, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct loader *ld, const struct ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ld, at->line, at->col, fmt, ap);
    va_end(ap);
    return -1;
}

static struct ynode *node_new(enum ynode_kind kind, const yaml_mark_t *m)
{
    struct ynode *nd = xcalloc(1, sizeof(*nd));
    nd->kind = kind;
    nd->line = (int)m->line + 1;
    nd->col = (int)m->column + 1;
    return nd;
}

/* Recursion is bounded by THEME_MAX_DEPTH. */
static void node_free(struct ynode *nd)
{
    if (!nd)
        return;
    for (size_t i = 0; i < nd->n; i++)
        node_free(nd->kids[i]);
    free(nd->kids);
    free(nd->text);
    free(nd);
}

/* Adds nd under the innermost open collection (or as the root); takes nd either way. */
static int tree_attach(struct loader *ld, struct tree *t, struct ynode *nd)
{
    if (t->depth == 0) {
        t->root = nd;
        return 0;
    }
    struct ynode *parent = t->open[t->depth - 1];
    if (parent->kind == YN_SEQ && parent->n >= THEME_MAX_LIST) {
        fail_at(ld, nd, "a list holds at most %d items", THEME_MAX_LIST);
        node_free(nd);
        return -1;
    }
    xgrow((void **)&parent->kids, &parent->cap, parent->n + 1, sizeof(*parent->kids));
    parent->kids[parent->n++] = nd;
    return 0;
}

/* Anchors and aliases are refused (which also defeats "billion laughs"), and so are tags. */
static int check_props(struct loader *ld, const yaml_event_t *ev, const yaml_char_t *anchor,
                       const yaml_char_t *tag)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (anchor)
        return fail(ld, line, col, "anchors and aliases are not supported in themes");
    if (tag)
        return fail(ld, line, col, "tags are not supported in themes");
    return 0;
}

static int on_scalar(struct loader *ld, struct tree *t, const yaml_event_t *ev)
{
    if (check_props(ld, ev, ev->data.scalar.anchor, ev->data.scalar.tag) < 0)
        return -1;
    struct ynode *nd = node_new(YN_SCALAR, &ev->start_mark);
    size_t len = ev->data.scalar.length;
    nd->text = xstrndup((const char *)ev->data.scalar.value, len);
    nd->has_nul = memchr(ev->data.scalar.value, '\0', len) != NULL;
    nd->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return tree_attach(ld, t, nd);
}

static int on_open(struct loader *ld, struct tree *t, const yaml_event_t *ev, enum ynode_kind kind)
{
    const yaml_char_t *anchor =
        kind == YN_SEQ ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
    const yaml_char_t *tag =
        kind == YN_SEQ ? ev->data.sequence_start.tag : ev->data.mapping_start.tag;
    if (check_props(ld, ev, anchor, tag) < 0)
        return -1;
    if (t->depth == THEME_MAX_DEPTH)
        return fail(ld, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                    "nesting deeper than %d levels", THEME_MAX_DEPTH);
    struct ynode *nd = node_new(kind, &ev->start_mark);
    if (tree_attach(ld, t, nd) < 0)
        return -1;
    t->open[t->depth++] = nd;
    return 0;
}

static int on_event(struct loader *ld, struct tree *t, const yaml_event_t *ev)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (t->docs++ > 0)
            return fail(ld, line, col, "a theme is one YAML document; a second one starts here");
        return 0;
    case YAML_ALIAS_EVENT: return fail(ld, line, col, "aliases are not supported in themes");
    case YAML_SCALAR_EVENT: return on_scalar(ld, t, ev);
    case YAML_SEQUENCE_START_EVENT: return on_open(ld, t, ev, YN_SEQ);
    case YAML_MAPPING_START_EVENT: return on_open(ld, t, ev, YN_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (t->depth > 0)
            t->depth--;
        return 0;
    case YAML_STREAM_END_EVENT: t->ended = true; return 0;
    default: return 0;
    }
}

/* Parses the whole input into *root (NULL for an empty stream), enforcing the bounds: one
 * document, no anchors, aliases or tags, nesting and list lengths within the limits.
 * *root is the caller's to free, also on error. */
static int read_tree(struct loader *ld, struct ynode **root)
{
    yaml_parser_t parser;
    struct tree t;
    int rc = 0;
    memset(&t, 0, sizeof(t));
    if (!yaml_parser_initialize(&parser))
        return fail(ld, 0, 0, "out of memory while parsing");
    yaml_parser_set_input_string(&parser, (const unsigned char *)ld->data, ld->n);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    while (rc == 0 && !t.ended) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(ld, &parser);
            break;
        }
        rc = on_event(ld, &t, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    *root = t.root;
    return rc;
}

/* ---- values ---------------------------------------------------------------------------- */

static bool is_null(const struct ynode *v)
{
    return v->kind == YN_SCALAR && v->plain &&
           (!v->text[0] || !strcmp(v->text, "~") || !strcasecmp(v->text, "null"));
}

/* "a mapping", "`word`", "the string \"word\"", "nothing". */
static const char *describe(const struct ynode *v, char *buf, size_t n)
{
    char s[256];
    if (v->kind == YN_SEQ)
        return "a sequence";
    if (v->kind == YN_MAP)
        return "a mapping";
    if (is_null(v))
        return "nothing";
    if (v->plain)
        snprintf(buf, n, "`%s`", show(v->text, s, sizeof(s)));
    else
        snprintf(buf, n, "the string \"%s\"", show(v->text, s, sizeof(s)));
    return buf;
}

/* The text of a scalar, or NULL with the error "`what` expects <expects>, found ...". */
static const char *scalar_text(struct loader *ld, const char *what, const char *expects,
                               const struct ynode *v)
{
    char d[320];
    if (v->kind != YN_SCALAR || is_null(v)) {
        fail_at(ld, v, "`%s` expects %s, found %s", what, expects, describe(v, d, sizeof(d)));
        return NULL;
    }
    if (v->has_nul) {
        fail_at(ld, v, "`%s` contains a NUL character", what);
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
static int parse_color(struct loader *ld, const char *what, const struct ynode *v, int max,
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
            return fail_at(ld, v, "`%s`: %s is out of range 0-%d%s", what, s, max,
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
        return fail_at(ld, v, "`%s`: unknown colour `%s`, did you mean `%s`?", what,
                       show(s, b, sizeof(b)), sug);
    return fail_at(ld, v, "`%s` expects %s, found `%s`", what, expects, show(s, b, sizeof(b)));
}

static int parse_attr(struct loader *ld, const char *what, const struct ynode *item, unsigned *bits)
{
    char b[256], d[320];
    if (item->kind != YN_SCALAR)
        return fail_at(ld, item,
                       "`%s` items must be attribute names (" ATTR_NAMES_LIST "), found %s", what,
                       describe(item, d, sizeof(d)));
    if (is_null(item))
        return fail_at(ld, item, "`%s` has an empty item", what);
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
        return fail_at(ld, item, "`%s`: unknown attribute `%s`, did you mean `%s`?", what,
                       show(s, b, sizeof(b)), sug);
    return fail_at(ld, item, "`%s`: unknown attribute `%s` (use " ATTR_NAMES_LIST ")", what,
                   show(s, b, sizeof(b)));
}

/* A list of attribute names ([] for none); a single name stands for a list of one. */
static int parse_attrs(struct loader *ld, const char *what, const struct ynode *v, unsigned *out)
{
    char d[320];
    unsigned bits = 0;
    if (v->kind == YN_MAP)
        return fail_at(ld, v, "`%s` expects a list of attributes (" ATTR_NAMES_LIST "), found %s",
                       what, describe(v, d, sizeof(d)));
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
static int map_key(struct loader *ld, const struct ynode *map, size_t i, const char *const *names,
                   size_t n, const char *kind, const char *where, int *first_line)
{
    const struct ynode *key = map->kids[i];
    char d[320], b[256];
    if (key->kind != YN_SCALAR)
        return fail_at(ld, key, "keys must be names, found %s", describe(key, d, sizeof(d)));
    int k = key->has_nul ? -1 : name_index(key->text, names, n);
    if (k < 0) {
        const char *sug = suggest_nearest(key->text, names, n);
        show(key->text, b, sizeof(b));
        if (sug)
            return fail_at(ld, key, "unknown %s `%s`%s, did you mean `%s`?", kind, b, where, sug);
        char all[200] = "";
        for (size_t j = 0; j < n; j++)
            snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", j ? " " : "", names[j]);
        return fail_at(ld, key, "unknown %s `%s`%s (expected one of: %s)", kind, b, where, all);
    }
    if (first_line[k])
        return fail_at(ld, key, "duplicate %s `%s`%s (first at line %d)", kind, names[k], where,
                       first_line[k]);
    first_line[k] = key->line;
    return k;
}

/* Fills one role from its mapping. Absent keys: fg/bg default, fg8/bg8 from fg/bg, no
 * attributes, mono the same as attrs. */
static int apply_role(struct loader *ld, enum theme_role r, const struct ynode *map,
                      struct theme_style *st)
{
    const char *rn = theme_role_names[r];
    char d[320], where[64], what[64];
    if (map->kind != YN_MAP)
        return fail_at(ld, map,
                       "role `%s` expects a mapping such as { fg: 114, attrs: [bold] }, found %s",
                       rn, describe(map, d, sizeof(d)));
    int first_line[F_COUNT] = {0};
    struct theme_style s = {D, D, D, D, 0, 0};
    snprintf(where, sizeof(where), " in role `%s`", rn);
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        int k = map_key(ld, map, i, field_keys, F_COUNT, "key", where, first_line);
        if (k < 0)
            return -1;
        const struct ynode *v = map->kids[i + 1];
        snprintf(what, sizeof(what), "%s.%s", rn, field_keys[k]);
        if (is_null(v))
            return fail_at(ld, map->kids[i], "`%s` has no value; remove the key for the default",
                           what);
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

static int apply_roles(struct loader *ld, const struct ynode *map, struct theme *t)
{
    char d[320];
    if (map->kind != YN_MAP)
        return fail_at(ld, map, "`roles` expects a mapping of role names, found %s",
                       describe(map, d, sizeof(d)));
    int first_line[TR_COUNT] = {0};
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        int r = map_key(ld, map, i, theme_role_names, TR_COUNT, "role", "", first_line);
        if (r < 0)
            return -1;
        if (is_null(map->kids[i + 1]))
            return fail_at(ld, map->kids[i],
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

static int apply_top(struct loader *ld, const struct ynode *root, struct theme *t)
{
    char d[320], b[256];
    if (!root)
        return fail(ld, 1, 1,
                    "expected a mapping with name, description and roles, found an "
                    "empty file");
    if (root->kind != YN_MAP)
        return fail_at(ld, root, "expected a mapping with name, description and roles, found %s",
                       describe(root, d, sizeof(d)));
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
                return fail_at(ld, v,
                               "`name`: `%s` is not a theme name (letters, digits, - _ ., at "
                               "most %zu characters)",
                               show(s, b, sizeof(b)), sizeof(t->name) - 1);
            theme_set_name(t, s);
            break;
        case TOP_DESCRIPTION:
            if (!scalar_text(ld, "description", "a string", v))
                return -1;
            break;
        default:
            if (is_null(v))
                return fail_at(ld, root->kids[i],
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
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".yaml"))
        n -= 5;
    else if (n > 4 && !strcmp(base + n - 4, ".yml"))
        n -= 4;
    char *stem = xstrndup(base, n);
    if (valid_theme_name(stem))
        theme_set_name(t, stem);
    free(stem);
}

int theme_parse(const char *data, size_t n, const char *filename, struct theme *t,
                struct theme_error *err)
{
    struct theme_error scratch;
    struct loader ld = {data, n, filename ? filename : "<theme>", err ? err : &scratch};
    struct ynode *root = NULL;
    struct theme work;
    int rc = -1;
    memset(ld.err, 0, sizeof(*ld.err));
    theme_builtin(&work);
    theme_set_name(&work, "custom");
    if (filename)
        name_from_file(filename, &work);
    if (n > THEME_MAX_BYTES) {
        fail(&ld, 0, 0, "file is %zu bytes; themes are at most %d KiB", n, THEME_MAX_BYTES / 1024);
        goto out;
    }
    if (read_tree(&ld, &root) < 0 || apply_top(&ld, root, &work) < 0)
        goto out;
    rc = 0;
out:
    node_free(root);
    if (rc == 0)
        *t = work;
    else
        theme_builtin(t);
    return rc;
}

/* ---- files ----------------------------------------------------------------------------- */

static int file_fail(struct theme_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int file_fail(struct theme_error *err, const char *path, const char *fmt, ...)
{
    struct theme_error scratch;
    struct loader ld = {NULL, 0, path, err ? err : &scratch};
    va_list ap;
    va_start(ap, fmt);
    vfail(&ld, 0, 0, fmt, ap);
    va_end(ap);
    return -1;
}

int theme_load_file(const char *path, struct theme *t, struct theme_error *err)
{
    char *data = NULL, msg[64];
    size_t n = 0;
    if (file_read_bounded(path, THEME_MAX_BYTES, &data, &n, msg, sizeof(msg)) < 0) {
        int e = errno;
        theme_builtin(t);
        if (e == EFBIG)
            return file_fail(err, path, "cannot read theme: file is larger than %d KiB",
                             THEME_MAX_BYTES / 1024);
        if (e == EINVAL)
            return file_fail(err, path, "cannot read theme: not a regular file");
        return file_fail(err, path, "cannot read theme: %s", strerror(e));
    }
    int rc = theme_parse(data, n, path, t, err);
    free(data);
    return rc;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *theme_dir(void)
{
    const char *env = getenv("TLSCOPE_DATADIR");
    if (env && *env)
        return xasprintf("%s/themes", env);
    /* Next to the binary: build/tlscope and build/asan/tlscope run from the source tree;
     * PREFIX/bin/tlscope finds PREFIX/share/tlscope. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        static const char *const rel[] = {"../themes", "../../themes", "../share/tlscope/themes"};
        for (size_t i = 0; i < COUNT(rel); i++) {
            char *p = xasprintf("%s/%s", exe, rel[i]);
            char real[PATH_MAX];
            if (is_dir(p) && realpath(p, real)) {
                free(p);
                return xstrdup(real);
            }
            free(p);
        }
    }
    return xstrdup(TLSCOPE_DATADIR "/themes");
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
        file_fail(err, "", "no theme named '%s'; did you mean '%s'? (looked in %s)", name, sug,
                  dir);
    else
        file_fail(err, "", "no theme named '%s' in %s (themes: %s)", name, dir, n ? all : "none");
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
        return file_fail(err, "",
                         "'%s' is not a theme name (letters, digits, '-', '_', '.') or a path",
                         show(name_or_path, b, sizeof(b)));
    char *dir = theme_dir();
    char *path = xasprintf("%s/%s.yaml", dir, name_or_path);
    struct stat st;
    int rc = stat(path, &st) == 0 ? theme_load_file(path, t, err)
                                  : no_such_theme(name_or_path, dir, err);
    free(path);
    free(dir);
    return rc;
}
