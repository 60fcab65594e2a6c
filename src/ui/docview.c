/* The generic document view: scrolling, a selected line that skips non-selectable lines,
 * case-insensitive search with highlighted matches, mouse clicks and the wheel. */
#include "ui/docview.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/term_ext.h"
#include "util/mem.h"

static bool dv_selectable(const struct docview *v, size_t i)
{
    return i < v->doc.n && v->doc.lines[i].id >= 0;
}

/* The first selectable line at or after i going in direction dir (+1/-1), or SIZE_MAX. */
static size_t dv_seek(const struct docview *v, size_t i, int dir)
{
    while (i < v->doc.n) {
        if (dv_selectable(v, i))
            return i;
        if (dir < 0 && i == 0)
            break;
        i = dir > 0 ? i + 1 : i - 1;
    }
    return SIZE_MAX;
}

static size_t dv_max_top(const struct docview *v, int page)
{
    size_t p = page > 0 ? (size_t)page : 1;
    return v->doc.n > p ? v->doc.n - p : 0;
}

static void dv_clamp_top(struct docview *v, int page)
{
    size_t max = dv_max_top(v, page);
    if (v->top > max)
        v->top = max;
}

/* Scrolls the least needed so that line i is on screen. */
static void dv_show(struct docview *v, size_t i, int page)
{
    size_t p = page > 0 ? (size_t)page : 1;
    if (i < v->top)
        v->top = i;
    else if (i >= v->top + p)
        v->top = i - p + 1;
    dv_clamp_top(v, page);
}

static bool dv_visible(const struct docview *v, size_t i, int page)
{
    return i >= v->top && i < v->top + (size_t)(page > 0 ? page : 1);
}

/* After a scroll: keeps the selection on screen when a selectable line is visible. */
static void dv_follow(struct docview *v, int page, int dir)
{
    if (dv_visible(v, v->sel, page) || v->doc.n == 0)
        return;
    size_t last = v->top + (size_t)(page > 0 ? page : 1) - 1;
    size_t i =
        dir > 0 ? dv_seek(v, v->top, 1) : dv_seek(v, last < v->doc.n ? last : v->doc.n - 1, -1);
    if (i != SIZE_MAX && dv_visible(v, i, page))
        v->sel = i;
}

void docview_set(struct docview *v, struct doc *d)
{
    int keep_id = docview_selected_id(v);
    doc_free(&v->doc);
    v->doc = *d;
    memset(d, 0, sizeof *d);
    v->found = 0;
    size_t sel = SIZE_MAX;
    if (keep_id >= 0)
        for (size_t i = 0; i < v->doc.n && sel == SIZE_MAX; i++)
            if (v->doc.lines[i].id == keep_id)
                sel = i;
    if (sel == SIZE_MAX && dv_selectable(v, v->sel))
        sel = v->sel;
    if (sel == SIZE_MAX)
        sel = dv_seek(v, 0, 1);
    v->sel = sel == SIZE_MAX ? 0 : sel;
    if (v->top >= v->doc.n)
        v->top = 0;
    if (v->page > 0) {
        dv_clamp_top(v, v->page);
        if (dv_selectable(v, v->sel))
            dv_show(v, v->sel, v->page);
    }
}

int docview_selected_id(const struct docview *v)
{
    return dv_selectable(v, v->sel) ? v->doc.lines[v->sel].id : -1;
}

static bool dv_scroll_one(struct docview *v, int dir, int page)
{
    if (dir < 0 && v->top > 0)
        v->top--;
    else if (dir > 0 && v->top < dv_max_top(v, page))
        v->top++;
    else
        return false;
    return true;
}

/* One step up or down: the next selectable line, or a scroll when there is none. */
static void dv_step(struct docview *v, int dir, int page)
{
    bool any = dv_seek(v, 0, 1) != SIZE_MAX;
    if (any && !dv_visible(v, v->sel, page)) {
        /* The wheel left the selection off screen: pick up from what is shown, or go on
         * scrolling when nothing shown is selectable. */
        dv_follow(v, page, dir);
        if (!dv_visible(v, v->sel, page))
            dv_scroll_one(v, dir, page);
        return;
    }
    size_t next = SIZE_MAX;
    if (any && dir > 0 && v->sel + 1 < v->doc.n)
        next = dv_seek(v, v->sel + 1, 1);
    else if (any && dir < 0 && v->sel > 0)
        next = dv_seek(v, v->sel - 1, -1);
    if (next != SIZE_MAX && (next > v->sel ? next - v->sel : v->sel - next) <= (size_t)page) {
        v->sel = next;
        dv_show(v, next, page);
        return;
    }
    /* Nothing selectable within a page that way: scroll by one line instead. */
    if (!dv_scroll_one(v, dir, page) && next != SIZE_MAX) {
        v->sel = next;
        dv_show(v, next, page);
    }
    dv_follow(v, page, dir);
}

static void dv_page(struct docview *v, int dir, int page)
{
    size_t p = page > 1 ? (size_t)page - 1 : 1;
    size_t old_top = v->top;
    if (dir > 0)
        v->top += p;
    else
        v->top = v->top > p ? v->top - p : 0;
    dv_clamp_top(v, page);
    size_t moved = v->top > old_top ? v->top - old_top : old_top - v->top;
    if (moved == 0) {
        /* Already at the end: move the selection to the first / last selectable line. */
        size_t i = dir > 0 ? dv_seek(v, v->doc.n ? v->doc.n - 1 : 0, -1) : dv_seek(v, 0, 1);
        if (i != SIZE_MAX)
            v->sel = i;
        return;
    }
    size_t target = dir > 0 ? v->sel + moved : (v->sel > moved ? v->sel - moved : 0);
    if (target >= v->doc.n)
        target = v->doc.n ? v->doc.n - 1 : 0;
    size_t i = dv_seek(v, target, dir);
    if (i == SIZE_MAX || !dv_visible(v, i, page))
        i = dv_seek(v, target, -dir);
    if (i != SIZE_MAX && dv_visible(v, i, page))
        v->sel = i;
    dv_follow(v, page, dir);
}

bool docview_action(struct docview *v, enum ui_action a, int page_rows)
{
    if (page_rows < 1)
        page_rows = 1;
    switch (a) {
    case ACT_UP: dv_step(v, -1, page_rows); return true;
    case ACT_DOWN: dv_step(v, 1, page_rows); return true;
    case ACT_PAGE_UP: dv_page(v, -1, page_rows); return true;
    case ACT_PAGE_DOWN: dv_page(v, 1, page_rows); return true;
    case ACT_HOME: {
        v->top = 0;
        size_t i = dv_seek(v, 0, 1);
        if (i != SIZE_MAX)
            v->sel = i;
        dv_follow(v, page_rows, 1);
        return true;
    }
    case ACT_END: {
        v->top = dv_max_top(v, page_rows);
        size_t i = v->doc.n ? dv_seek(v, v->doc.n - 1, -1) : SIZE_MAX;
        if (i != SIZE_MAX) {
            v->sel = i;
            dv_show(v, i, page_rows);
        }
        return true;
    }
    default: return false;
    }
}

static bool dv_line_matches(const struct doc_line *l, const char *needle)
{
    char *plain = doc_line_plain(l);
    bool hit = strcasestr(plain, needle) != NULL;
    free(plain);
    return hit;
}

bool docview_find(struct docview *v, const char *needle, bool forward)
{
    size_t n = v->doc.n;
    if (!needle || !*needle || n == 0)
        return false;
    size_t start = v->found ? v->found - 1 : dv_selectable(v, v->sel) ? v->sel : v->top;
    /* The person moved the selection since the last match: go on from there. */
    if (v->found && dv_selectable(v, start) && dv_selectable(v, v->sel) && v->sel != start)
        start = v->sel;
    if (start >= n)
        start = 0;
    for (size_t k = 1; k <= n; k++) {
        size_t i = forward ? (start + k) % n : (start + n - k % n) % n;
        if (!dv_line_matches(&v->doc.lines[i], needle))
            continue;
        v->found = i + 1;
        int page = v->page > 0 ? v->page : 1;
        if (!dv_visible(v, i, page)) {
            v->top = i > 2 ? i - 2 : 0;
            dv_clamp_top(v, page);
        }
        if (dv_selectable(v, i))
            v->sel = i;
        else
            dv_follow(v, page, 1);
        return true;
    }
    return false;
}

bool docview_click(struct docview *v, struct rect r, int y)
{
    if (y < r.y || y >= r.y + r.h)
        return false;
    size_t i = v->top + (size_t)(y - r.y);
    if (!dv_selectable(v, i))
        return false;
    v->sel = i;
    return true;
}

void docview_scroll(struct docview *v, int lines, int page_rows)
{
    if (lines < 0)
        v->top = (size_t)-lines > v->top ? 0 : v->top - (size_t)-lines;
    else
        v->top += (size_t)lines;
    dv_clamp_top(v, page_rows);
    dv_follow(v, page_rows, lines);
}

/* Draws one segment's text from x with search matches in TR_HIGHLIGHT; returns columns. */
static int dv_put_seg(struct docview *v, struct term *t, int y, int x, int maxw,
                      enum theme_role role, unsigned flags, const char *text)
{
    size_t nl = strlen(v->search);
    if (nl == 0)
        return term_put_ex(t, y, x, maxw, role, flags, text);
    int used = 0;
    const char *p = text;
    while (*p && used < maxw) {
        const char *m = strcasestr(p, v->search);
        size_t pre = m ? (size_t)(m - p) : strlen(p);
        if (pre) {
            char *part = xstrndup(p, pre);
            used += term_put_ex(t, y, x + used, maxw - used, role, flags, part);
            free(part);
        }
        if (!m || used >= maxw)
            break;
        char *hit = xstrndup(m, nl);
        used += term_put_ex(t, y, x + used, maxw - used, TR_HIGHLIGHT, 0, hit);
        free(hit);
        p = m + nl;
    }
    return used;
}

static void dv_draw_line(struct docview *v, struct term *t, struct rect r, int y, size_t i)
{
    const struct doc_line *l = &v->doc.lines[i];
    unsigned flags = 0;
    enum theme_role fill = TR_TEXT;
    if (v->focus && i == v->sel && l->id >= 0) {
        flags = TF_SEL;
        fill = TR_SELECTED;
    } else if (l->bg != TR_TEXT) {
        flags = TF_REVERSE;
        fill = l->bg;
    }
    if (flags)
        term_fill_ex(t, y, r.x, r.w, fill, flags & TF_REVERSE);
    int x = 0;
    for (size_t s = 0; s < l->n && x < r.w; s++) {
        const struct doc_seg *seg = &l->segs[s];
        enum theme_role role = (flags & TF_REVERSE) ? l->bg : seg->role;
        int w = dv_put_seg(v, t, y, r.x + x, r.w - x, role, flags, seg->text);
        x += w < seg->min_width ? seg->min_width : w;
    }
}

void docview_draw(struct docview *v, struct term *t, struct rect r)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    if (v->page != r.h) {
        v->page = r.h;
        if (dv_selectable(v, v->sel) && v->focus)
            dv_show(v, v->sel, r.h);
    }
    dv_clamp_top(v, r.h);
    for (int row = 0; row < r.h; row++) {
        size_t i = v->top + (size_t)row;
        if (i >= v->doc.n)
            break;
        dv_draw_line(v, t, r, r.y + row, i);
    }
    /* Marks in the last column when there is more above or below. */
    if (v->top > 0)
        term_put(t, r.y, r.x + r.w - 1, 1, TR_DIM, t->utf8 ? "▲" : "^");
    if (v->top + (size_t)r.h < v->doc.n)
        term_put(t, r.y + r.h - 1, r.x + r.w - 1, 1, TR_DIM, t->utf8 ? "▼" : "v");
}

void docview_free(struct docview *v)
{
    doc_free(&v->doc);
    memset(v, 0, sizeof *v);
}
