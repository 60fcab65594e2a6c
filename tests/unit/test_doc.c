/* Unit tests for the document model (ui/doc.c) and the generic view's movement, search and
 * mouse logic (ui/docview.c) — no terminal needed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ui/doc.h"
#include "ui/docview.h"

static char *plain_at(const struct doc *d, size_t i)
{
    return doc_line_plain(&d->lines[i]);
}

static void test_field_pads_label(void **state)
{
    (void)state;
    struct doc d = {0};
    doc_field(&d, 10, "protocol", TR_TEXT, "%s", "TLSv1.3");
    doc_field(&d, 4, "verylonglabel", TR_TEXT, "%d", 7);
    char *a = plain_at(&d, 0), *b = plain_at(&d, 1);
    assert_string_equal(a, "protocol  TLSv1.3");
    assert_string_equal(b, "verylonglabel 7");
    assert_int_equal(d.lines[0].segs[0].role, TR_DIM);
    assert_int_equal(d.lines[0].id, -1);
    free(a), free(b);
    doc_free(&d);
}

static void test_peer_is_sanitised(void **state)
{
    (void)state;
    struct doc d = {0};
    struct doc_line *l = doc_line(&d, 3);
    doc_peer(l, TR_TEXT, "CN=\x1b[31mevil\x07");
    doc_peer(l, TR_TEXT, NULL);
    doc_field_peer(&d, 8, "subject", TR_TEXT,
                   "a\x1b"
                   "b");
    assert_int_equal(d.lines[0].n, 1);
    assert_int_equal(d.lines[0].id, 3);
    assert_string_equal(d.lines[0].segs[0].text, "CN=\\x1B[31mevil\\x07");
    assert_null(strchr(d.lines[1].segs[1].text, 0x1b));
    doc_free(&d);
}

static void test_own_text_has_no_controls(void **state)
{
    (void)state;
    struct doc d = {0};
    doc_text(doc_line(&d, -1), TR_TEXT, "a\tb\x1b%s", "c");
    assert_string_equal(d.lines[0].segs[0].text, "a    b c");
    doc_free(&d);
}

static void test_lines_split(void **state)
{
    (void)state;
    struct doc d = {0};
    doc_lines(&d, TR_TEXT, "one\r\ntwo\n\nfour\n", false);
    assert_int_equal(d.n, 4);
    const char *want[] = {"one", "two", "", "four"};
    for (size_t i = 0; i < 4; i++) {
        char *p = plain_at(&d, i);
        assert_string_equal(p, want[i]);
        free(p);
    }
    doc_lines(&d, TR_TEXT, "x\x1by", true);
    assert_string_equal(d.lines[4].segs[0].text, "x\\x1By");
    doc_heading(&d, "Head %d", 1);
    assert_int_equal(d.lines[5].segs[0].role, TR_TITLE);
    doc_clear(&d);
    assert_int_equal(d.n, 0);
    doc_free(&d);
}

static void test_width(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int w;
    } cases[] = {
        {"", 0},          {"abc", 3},  {"✔ ok", 4},     {"中文", 4},
        {"e\xcc\x81", 1}, {"\xff", 1}, {"\xe2\x9c", 2}, {"▸─…", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(doc_width(cases[i].s), cases[i].w);
    assert_int_equal(doc_width(NULL), 0);
}

static void test_cut(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int room;
        enum doc_break brk;
        size_t want;
    } cases[] = {
        {"hello world", 20, DOC_BREAK_BLANK, 11}, /* all of it fits */
        {"hello world", 8, DOC_BREAK_BLANK, 5},   /* at the last blank that fits */
        {"hello world", 5, DOC_BREAK_BLANK, 5},   /* a blank follows what fits */
        {"hello world", 8, DOC_BREAK_HARD, 8},    /* hard: wherever the room ends */
        {"AA:BB:CC", 4, DOC_BREAK_SOFT, 3},       /* after the last ':' */
        {"AA:BB:CC", 4, DOC_BREAK_BLANK, 4},      /* no blank: hard */
        {"/usr/local/lib", 7, DOC_BREAK_SOFT, 5}, /* after a '/', never before the first byte */
        {"a,bcd", 4, DOC_BREAK_SOFT, 2},          /* after ',' */
        {"ab;cd", 4, DOC_BREAK_SOFT, 3},          /* after ';' */
        {"a b:cc", 5, DOC_BREAK_SOFT, 1},         /* a blank beats a later soft break */
        {"abcdef", 0, DOC_BREAK_SOFT, 1},         /* at least one code point */
        {"中文字", 3, DOC_BREAK_HARD, 3},         /* never half a character */
        {"中文字", 1, DOC_BREAK_BLANK, 3},        /* a wide first character still goes */
        {"ééé", 2, DOC_BREAK_HARD, 4},
        {"", 5, DOC_BREAK_SOFT, 0},
        {" x", 0, DOC_BREAK_BLANK, 0}, /* a leading blank that does not fit: nothing */
        {" x", 0, DOC_BREAK_HARD, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(doc_cut(cases[i].s, cases[i].room, cases[i].brk), cases[i].want);
}

/* Wraps s and checks the pieces against want (NULL-terminated). */
static void check_wrap(const char *s, int room, enum doc_break brk, const char *const *want)
{
    struct strlist got = {0};
    doc_wrap(s, room, brk, &got);
    size_t n = 0;
    while (want[n])
        n++;
    assert_int_equal(got.len, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(got.items[i], want[i]);
    strlist_free(&got);
}

static void test_wrap(void **state)
{
    (void)state;
    check_wrap("  the quick  brown fox ", 10, DOC_BREAK_BLANK,
               (const char *const[]){"the quick", "brown fox", NULL});
    check_wrap("", 10, DOC_BREAK_BLANK, (const char *const[]){"", NULL});
    check_wrap("   ", 10, DOC_BREAK_SOFT, (const char *const[]){"", NULL});
    check_wrap("AA:BB:CC:DD", 5, DOC_BREAK_SOFT,
               (const char *const[]){"AA:", "BB:", "CC:DD", NULL});
    check_wrap("AA:BB:CC:DD", 5, DOC_BREAK_BLANK,
               (const char *const[]){"AA:BB", ":CC:D", "D", NULL});
    check_wrap("中文字中文", 5, DOC_BREAK_BLANK, (const char *const[]){"中文", "字中", "文", NULL});
    check_wrap("ab", 0, DOC_BREAK_HARD, (const char *const[]){"a", "b", NULL});
}

static void test_wrap_into(void **state)
{
    (void)state;
    struct doc d = {0};
    struct doc_line *l = doc_line(&d, 4);
    doc_text(l, TR_DIM, "label: ");
    doc_wrap_into(&d, l, 7, 7, 20, TR_WARN, "one two three four\x1b five");
    assert_int_equal(d.n, 2);
    const char *want[] = {"label: one two three", "       four\\x1B five"};
    for (size_t i = 0; i < 2; i++) {
        char *p = plain_at(&d, i);
        assert_string_equal(p, want[i]);
        free(p);
    }
    assert_int_equal(d.lines[0].id, 4);
    assert_int_equal(d.lines[1].id, -1);
    assert_int_equal(d.lines[0].segs[1].role, TR_WARN);
    assert_int_equal(d.lines[1].segs[1].role, TR_WARN);
    doc_clear(&d);

    /* Fewer than DOC_WRAP_MIN_ROOM columns left: the text starts on a continuation line. */
    l = doc_line(&d, -1);
    doc_text(l, TR_TEXT, "%*s", 20 - DOC_WRAP_MIN_ROOM + 1, "");
    doc_wrap_into(&d, l, 20 - DOC_WRAP_MIN_ROOM + 1, 2, 20, TR_TEXT, "short");
    assert_int_equal(d.n, 2);
    assert_int_equal(d.lines[0].n, 1);
    char *p = plain_at(&d, 1);
    assert_string_equal(p, "  short");
    free(p);
    doc_free(&d);
}

static void test_fit(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int max;
        const char *ell, *want;
    } cases[] = {
        {"hello world", 8, "…", "hello w…"},
        {"hello", 5, "…", "hello"},
        {"hello", 0, "…", ""},
        {"hello", -3, "...", ""},
        {"hello", 2, "...", "..."},
        {"中文字", 5, "…", "中文…"},
        {"中文字", 4, "...", "..."}, /* a wide character that does not fit is left out */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = doc_fit(cases[i].s, cases[i].max, cases[i].ell);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

/* 40 lines; selectable at 2 (id 20), 5 (id 50), 30 (id 300); line 12 says "needle". */
static void make_view(struct docview *v)
{
    memset(v, 0, sizeof *v);
    struct doc d = {0};
    for (int i = 0; i < 40; i++) {
        int id = i == 2 ? 20 : i == 5 ? 50 : i == 30 ? 300 : -1;
        doc_text(doc_line(&d, id), TR_TEXT, "line %d%s", i, i == 12 || i == 30 ? " Needle" : "");
    }
    docview_set(v, &d);
    assert_int_equal(d.n, 0);
    v->focus = true;
    v->page = 10;
}

static void test_view_selects_selectable(void **state)
{
    (void)state;
    struct docview v;
    make_view(&v);
    assert_int_equal(v.sel, 2);
    assert_int_equal(docview_selected_id(&v), 20);
    docview_action(&v, ACT_DOWN, 10);
    assert_int_equal(docview_selected_id(&v), 50);
    /* The next selectable line is more than a page away: scroll instead of jumping. */
    docview_action(&v, ACT_DOWN, 10);
    assert_int_equal(docview_selected_id(&v), 50);
    assert_int_equal(v.top, 1);
    docview_action(&v, ACT_END, 10);
    assert_int_equal(docview_selected_id(&v), 300);
    assert_int_equal(v.top, 30);
    docview_action(&v, ACT_HOME, 10);
    assert_int_equal(docview_selected_id(&v), 20);
    assert_int_equal(v.top, 0);
    docview_action(&v, ACT_PAGE_DOWN, 10);
    assert_int_equal(v.top, 9);
    docview_action(&v, ACT_UP, 10);
    assert_true(v.top <= 9);
    assert_false(docview_action(&v, ACT_QUIT, 10));
    docview_free(&v);
}

static void test_view_keeps_id_on_set(void **state)
{
    (void)state;
    struct docview v;
    make_view(&v);
    docview_action(&v, ACT_DOWN, 10);
    assert_int_equal(docview_selected_id(&v), 50);
    struct doc d = {0};
    doc_line(&d, 7);
    doc_line(&d, -1);
    doc_line(&d, 50);
    docview_set(&v, &d);
    assert_int_equal(v.sel, 2);
    struct doc e = {0};
    doc_line(&e, -1);
    docview_set(&v, &e);
    assert_int_equal(docview_selected_id(&v), -1);
    docview_action(&v, ACT_DOWN, 10);
    docview_action(&v, ACT_PAGE_DOWN, 10);
    assert_int_equal(v.top, 0);
    docview_free(&v);
}

static void test_view_find(void **state)
{
    (void)state;
    struct docview v;
    make_view(&v);
    assert_true(docview_find(&v, "needle", true));
    assert_int_equal(v.found, 13); /* line 12: not selectable, scrolled into view */
    assert_true(v.top <= 12 && 12 < v.top + 10);
    assert_true(docview_find(&v, "NEEDLE", true));
    assert_int_equal(docview_selected_id(&v), 300);
    assert_true(docview_find(&v, "needle", true)); /* wraps */
    assert_int_equal(v.found, 13);
    assert_true(docview_find(&v, "needle", false)); /* backwards wraps to 30 */
    assert_int_equal(v.found, 31);
    assert_false(docview_find(&v, "absent", true));
    assert_false(docview_find(&v, "", true));
    docview_free(&v);
}

static void test_view_mouse(void **state)
{
    (void)state;
    struct docview v;
    make_view(&v);
    struct rect r = {5, 0, 10, 80};
    assert_false(docview_click(&v, r, 5)); /* line 0: not selectable */
    assert_true(docview_click(&v, r, 10)); /* line 5 */
    assert_int_equal(docview_selected_id(&v), 50);
    assert_false(docview_click(&v, r, 40)); /* outside */
    docview_scroll(&v, 25, 10);
    assert_int_equal(v.top, 25);
    assert_int_equal(docview_selected_id(&v), 300); /* the selection follows into view */
    docview_scroll(&v, -100, 10);
    assert_int_equal(v.top, 0);
    docview_scroll(&v, 1000, 10);
    assert_int_equal(v.top, 30);
    docview_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_pads_label),
        cmocka_unit_test(test_peer_is_sanitised),
        cmocka_unit_test(test_own_text_has_no_controls),
        cmocka_unit_test(test_lines_split),
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_wrap_into),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_view_selects_selectable),
        cmocka_unit_test(test_view_keeps_id_on_set),
        cmocka_unit_test(test_view_find),
        cmocka_unit_test(test_view_mouse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
