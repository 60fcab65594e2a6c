/* The bounded YAML tree both loaders read documents into (libyaml's event parser), with the
 * error and message helpers they share. */
#include "yaml/ytree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "util/mem.h"
#include "util/sanitize.h"

/* The tree under construction: the open collections, innermost last. */
struct tree {
    const struct ytree_limits *lim;
    struct ynode *root;
    struct ynode **open; /* lim->max_depth entries */
    size_t depth;
    int docs;
    bool ended;
};

/* ---- errors ---------------------------------------------------------------------------- */

static void sink_vset(struct ytree_sink s, const char *file, int line, int col, const char *fmt,
                      va_list ap) __attribute__((format(printf, 5, 0)));

/* Clears every field of s, then fills it. */
static void sink_vset(struct ytree_sink s, const char *file, int line, int col, const char *fmt,
                      va_list ap)
{
    if (!s.message)
        return;
    memset(s.file, 0, s.file_size);
    memset(s.message, 0, s.message_size);
    snprintf(s.file, s.file_size, "%s", file);
    *s.line = line;
    *s.col = col;
    vsnprintf(s.message, s.message_size, fmt, ap);
}

int ytree_vfail(struct ytree_ctx *ctx, int line, int col, const char *fmt, va_list ap)
{
    sink_vset(ctx->err, ctx->file, line, col, fmt, ap);
    return -1;
}

int ytree_fail_file(struct ytree_sink s, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sink_vset(s, file, 0, 0, fmt, ap);
    va_end(ap);
    return -1;
}

int ytree_fail(struct ytree_ctx *ctx, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ytree_vfail(ctx, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

int ytree_fail_at(struct ytree_ctx *ctx, const struct ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ytree_vfail(ctx, at->line, at->col, fmt, ap);
    va_end(ap);
    return -1;
}

const char *ytree_error_format(const char *file, int line, int col, const char *message, char *buf,
                               size_t n)
{
    if (n == 0)
        return buf;
    if (line > 0)
        snprintf(buf, n, "%s:%d:%d: %s", file, line, col, message);
    else if (file[0])
        snprintf(buf, n, "%s: %s", file, message);
    else
        snprintf(buf, n, "%s", message);
    return buf;
}

const char *ytree_show(const char *s, char *buf, size_t n)
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
static void offset_to_mark(const struct ytree_ctx *ctx, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < ctx->n; i++) {
        unsigned char c = (unsigned char)ctx->data[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= ctx->n || ctx->data[i + 1] != '\n'))) {
            (*line)++;
            *col = 1;
        } else if (c != '\r' && (c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* The byte at a libyaml mark (0-based line, column in characters), or 0 past its line. */
static char byte_at_mark(const struct ytree_ctx *ctx, size_t line, size_t col)
{
    size_t i = 0;
    for (size_t l = 0; l < line && i < ctx->n; i++)
        if (ctx->data[i] == '\n' ||
            (ctx->data[i] == '\r' && (i + 1 >= ctx->n || ctx->data[i + 1] != '\n')))
            l++;
    for (size_t c = 0; i < ctx->n && ctx->data[i] != '\n' && ctx->data[i] != '\r'; i++) {
        if (((unsigned char)ctx->data[i] & 0xC0) == 0x80)
            continue;
        if (c++ == col)
            return ctx->data[i];
    }
    return 0;
}

static int parser_error(struct ytree_ctx *ctx, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "syntax error";
    int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
    switch (p->error) {
    case YAML_MEMORY_ERROR: return ytree_fail(ctx, 0, 0, "out of memory while parsing");
    case YAML_READER_ERROR:
        offset_to_mark(ctx, p->problem_offset, &line, &col);
        if (p->problem_value != -1)
            return ytree_fail(ctx, line, col, "%s (0x%02X)", problem, (unsigned)p->problem_value);
        return ytree_fail(ctx, line, col, "%s", problem);
    default: break;
    }
    if (byte_at_mark(ctx, p->problem_mark.line, p->problem_mark.column) == '\t' ||
        strstr(problem, "tab character"))
        return ytree_fail(ctx, line, col, "tab character: YAML indentation must use spaces");
    if (p->context)
        return ytree_fail(ctx, line, col, "%s (%s at line %d, column %d)", problem, p->context,
                          (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    return ytree_fail(ctx, line, col, "%s", problem);
}

/* ---- the tree -------------------------------------------------------------------------- */

static struct ynode *node_new(enum ynode_kind kind, const yaml_mark_t *m)
{
    struct ynode *nd = xcalloc(1, sizeof(*nd));
    nd->kind = kind;
    nd->line = (int)m->line + 1;
    nd->col = (int)m->column + 1;
    return nd;
}

/* Recursion is bounded by the max_depth the tree was read with. */
void ynode_free(struct ynode *nd)
{
    if (!nd)
        return;
    for (size_t i = 0; i < nd->n; i++)
        ynode_free(nd->kids[i]);
    free(nd->kids);
    free(nd->text);
    free(nd);
}

/* Adds nd under the innermost open collection (or as the root); takes nd either way. */
static int tree_attach(struct ytree_ctx *ctx, struct tree *t, struct ynode *nd)
{
    if (t->depth == 0) {
        t->root = nd;
        return 0;
    }
    struct ynode *parent = t->open[t->depth - 1];
    if (parent->kind == YN_SEQ && parent->n >= t->lim->max_list) {
        ytree_fail_at(ctx, nd, "a list holds at most %zu items", t->lim->max_list);
        ynode_free(nd);
        return -1;
    }
    xgrow((void **)&parent->kids, &parent->cap, parent->n + 1, sizeof(*parent->kids));
    parent->kids[parent->n++] = nd;
    return 0;
}

/* Anchors and aliases are refused (which also defeats "billion laughs"), and so are tags:
 * the types come from the caller's tables. */
static int check_props(struct ytree_ctx *ctx, const struct tree *t, const yaml_event_t *ev,
                       const yaml_char_t *anchor, const yaml_char_t *tag)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (anchor)
        return ytree_fail(ctx, line, col, "anchors and aliases are not supported in %s",
                          t->lim->many);
    if (tag)
        return ytree_fail(ctx, line, col, "tags are not supported in %s", t->lim->many);
    return 0;
}

static int on_scalar(struct ytree_ctx *ctx, struct tree *t, const yaml_event_t *ev)
{
    if (check_props(ctx, t, ev, ev->data.scalar.anchor, ev->data.scalar.tag) < 0)
        return -1;
    struct ynode *nd = node_new(YN_SCALAR, &ev->start_mark);
    nd->len = ev->data.scalar.length;
    nd->text = xstrndup((const char *)ev->data.scalar.value, nd->len);
    if (memchr(ev->data.scalar.value, '\0', nd->len))
        nd->len = YNODE_NUL_LEN;
    nd->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return tree_attach(ctx, t, nd);
}

static int on_open(struct ytree_ctx *ctx, struct tree *t, const yaml_event_t *ev,
                   enum ynode_kind kind)
{
    const yaml_char_t *anchor =
        kind == YN_SEQ ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
    const yaml_char_t *tag =
        kind == YN_SEQ ? ev->data.sequence_start.tag : ev->data.mapping_start.tag;
    if (check_props(ctx, t, ev, anchor, tag) < 0)
        return -1;
    if (t->depth == t->lim->max_depth)
        return ytree_fail(ctx, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                          "nesting deeper than %zu levels", t->lim->max_depth);
    struct ynode *nd = node_new(kind, &ev->start_mark);
    if (tree_attach(ctx, t, nd) < 0)
        return -1;
    t->open[t->depth++] = nd;
    return 0;
}

static int on_event(struct ytree_ctx *ctx, struct tree *t, const yaml_event_t *ev)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (t->docs++ > 0)
            return ytree_fail(ctx, line, col, "%s is one YAML document; a second one starts here",
                              t->lim->one);
        return 0;
    case YAML_ALIAS_EVENT:
        return ytree_fail(ctx, line, col, "aliases are not supported in %s", t->lim->many);
    case YAML_SCALAR_EVENT: return on_scalar(ctx, t, ev);
    case YAML_SEQUENCE_START_EVENT: return on_open(ctx, t, ev, YN_SEQ);
    case YAML_MAPPING_START_EVENT: return on_open(ctx, t, ev, YN_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (t->depth > 0)
            t->depth--;
        return 0;
    case YAML_STREAM_END_EVENT: t->ended = true; return 0;
    default: return 0;
    }
}

int ytree_read(struct ytree_ctx *ctx, const struct ytree_limits *lim, struct ynode **root)
{
    yaml_parser_t parser;
    struct tree t = {.lim = lim};
    int rc = 0;
    *root = NULL;
    if (ctx->n > lim->max_bytes)
        return ytree_fail(ctx, 0, 0, "file is %zu bytes; %s are at most %zu KiB", ctx->n, lim->many,
                          lim->max_bytes / 1024);
    if (!yaml_parser_initialize(&parser))
        return ytree_fail(ctx, 0, 0, "out of memory while parsing");
    t.open = xcalloc(lim->max_depth ? lim->max_depth : 1, sizeof(*t.open));
    yaml_parser_set_input_string(&parser, (const unsigned char *)ctx->data, ctx->n);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    while (rc == 0 && !t.ended) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(ctx, &parser);
            break;
        }
        rc = on_event(ctx, &t, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    free(t.open);
    *root = t.root;
    return rc;
}

/* ---- values ---------------------------------------------------------------------------- */

bool ynode_is_null(const struct ynode *v)
{
    return v->kind == YN_SCALAR && v->plain &&
           (v->len == 0 || !strcmp(v->text, "~") || !strcasecmp(v->text, "null"));
}

const char *ynode_describe(const struct ynode *v, char *buf, size_t n)
{
    char s[256];
    if (v->kind == YN_SEQ)
        return "a sequence";
    if (v->kind == YN_MAP)
        return "a mapping";
    if (ynode_is_null(v))
        return "nothing";
    if (v->plain)
        snprintf(buf, n, "`%s`", ytree_show(v->text, s, sizeof(s)));
    else
        snprintf(buf, n, "the string \"%s\"", ytree_show(v->text, s, sizeof(s)));
    return buf;
}

char *ytree_file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".yaml"))
        n -= 5;
    else if (n > 4 && !strcmp(base + n - 4, ".yml"))
        n -= 4;
    return xstrndup(base, n);
}
