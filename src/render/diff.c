/* A comparison of two connections as JSON ({"changed": [...], "unchanged": [...]}) or as
 * text lines for a person; the comparison itself is compare/diff.c. */
#include "render/diff.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#define DIFF_OLD_COL_MAX 28 /* text: old values wider than this do not widen the column */

/* ---- rendering: JSON ------------------------------------------------------------------------ */

static void jcheck(int rc)
{
    if (rc != 0) {
        fputs("tlscope: out of memory while building JSON\n", stderr);
        abort();
    }
}

static json_t *jnew(json_t *v)
{
    if (!v)
        jcheck(-1);
    return v;
}

/* A string, or null for "" (the fact is absent in that document). Values came out of jansson,
 * so they are valid UTF-8. */
static json_t *jvalue(const char *s)
{
    return s && *s ? jnew(json_string(s)) : json_null();
}

static json_t *jstrings(const struct strlist *l)
{
    json_t *a = jnew(json_array());
    for (size_t i = 0; i < l->len; i++)
        jcheck(json_array_append_new(a, jnew(json_string(l->items[i]))));
    return a;
}

static json_t *jchanged(const struct diff_item *it)
{
    json_t *o = jnew(json_object());
    jcheck(json_object_set_new(o, "fact", jnew(json_string(it->fact))));
    jcheck(json_object_set_new(o, "label", jnew(json_string(it->label))));
    jcheck(json_object_set_new(o, "old", jvalue(it->old_value)));
    jcheck(json_object_set_new(o, "new", jvalue(it->new_value)));
    jcheck(json_object_set_new(o, "added", jstrings(&it->added)));
    jcheck(json_object_set_new(o, "removed", jstrings(&it->removed)));
    jcheck(json_object_set_new(o, "truncated", json_boolean(it->truncated)));
    return o;
}

char *diff_render_json(const struct diff *d, bool pretty)
{
    json_t *root = jnew(json_object()), *changed = jnew(json_array());
    json_t *unchanged = jnew(json_array());
    for (size_t i = 0; i < d->n; i++) {
        const struct diff_item *it = &d->items[i];
        if (it->changed)
            jcheck(json_array_append_new(changed, jchanged(it)));
        else
            jcheck(json_array_append_new(unchanged, jnew(json_string(it->fact))));
    }
    jcheck(json_object_set_new(root, "changed", changed));
    jcheck(json_object_set_new(root, "unchanged", unchanged));
    /* ENSURE_ASCII: every non-ASCII character (C1 and bidi controls too) becomes \uXXXX, so
     * the document is as safe to print as a report; DEL is escaped below. */
    size_t flags = JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII;
    flags |= pretty ? JSON_INDENT(2) : JSON_COMPACT;
    char *doc = json_dumps(root, flags);
    json_decref(root);
    if (!doc)
        jcheck(-1);
    struct strbuf sb = {0};
    for (const char *p = doc; *p; p++) {
        if (*p == 0x7F)
            sb_puts(&sb, "\\u007F"); /* only possible inside a string */
        else
            sb_putc(&sb, *p);
    }
    sb_putc(&sb, '\n');
    free(doc);
    return sb_take(&sb);
}

/* ---- rendering: text ------------------------------------------------------------------------ */

static size_t text_cols(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void text_pad(struct strbuf *sb, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_putc(sb, ' ');
}

/* A value for the terminal: sanitised, "(none)" when absent. Caller frees. */
static char *text_value(const char *s)
{
    return sanitize_terminal(s && *s ? s : "(none)");
}

/* Column layout shared by every line of one rendering. */
struct text_layout {
    size_t label_w; /* widest label */
    size_t old_w;   /* widest old value shown, at most DIFF_OLD_COL_MAX */
    size_t width;   /* 0: never wrap */
};

/* "  label   OLD  →  NEW[   (same)]", with NEW on its own line when the line would not fit. */
static void text_line(struct strbuf *sb, const struct text_layout *lay, const struct diff_item *it)
{
    char *o = text_value(it->old_value), *n = text_value(it->new_value);
    size_t col = 2 + lay->label_w + 2, ow = text_cols(o);
    sb_puts(sb, "  ");
    sb_puts(sb, it->label);
    text_pad(sb, lay->label_w + 2 - text_cols(it->label));
    sb_puts(sb, o);
    const char *same = it->changed ? "" : "   (same)";
    size_t pad = ow < lay->old_w ? lay->old_w - ow : 0;
    size_t total = col + ow + pad + 5 + text_cols(n) + strlen(same);
    if (lay->width && total > lay->width) {
        sb_putc(sb, '\n');
        text_pad(sb, col > 3 ? col - 3 : 0);
    } else {
        text_pad(sb, pad + 2);
    }
    sb_printf(sb, "→  %s%s\n", n, same);
    free(o);
    free(n);
}

static void text_members(struct strbuf *sb, const struct text_layout *lay, const char *mark,
                         const struct strlist *l)
{
    for (size_t i = 0; i < l->len; i++) {
        char *s = sanitize_terminal(l->items[i]);
        text_pad(sb, 2 + lay->label_w + 2);
        sb_printf(sb, "%s %s\n", mark, s);
        free(s);
    }
}

char *diff_render_text(const struct diff *d, bool all_facts, int width)
{
    struct text_layout lay = {0, 0, width > 0 ? (size_t)width : 0};
    for (size_t i = 0; i < d->n; i++) {
        const struct diff_item *it = &d->items[i];
        size_t lw = text_cols(it->label);
        lay.label_w = lw > lay.label_w ? lw : lay.label_w;
        if (!it->changed && !all_facts)
            continue;
        char *o = text_value(it->old_value);
        size_t ow = text_cols(o);
        free(o);
        if (ow <= DIFF_OLD_COL_MAX && ow > lay.old_w)
            lay.old_w = ow;
    }
    struct strbuf sb = {0};
    for (size_t i = 0; i < d->n; i++) {
        const struct diff_item *it = &d->items[i];
        if (!it->changed && !all_facts)
            continue;
        text_line(&sb, &lay, it);
        text_members(&sb, &lay, "+", &it->added);
        text_members(&sb, &lay, "-", &it->removed);
    }
    if (d->n_changed == 0 && !all_facts)
        sb_printf(&sb, "  no differences in %zu facts\n", d->n);
    return sb_take(&sb);
}
