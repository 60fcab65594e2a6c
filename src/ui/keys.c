/* The action help texts, the default key bindings (the table the help overlay reads) and the
 * symbols with their ASCII fallbacks. */
#include <curses.h>

#include "ui/actions.h"
#include "ui/pane.h"

#define CTRL(c) ((c)&0x1f)

const char *ui_action_help(enum ui_action a)
{
    static const char *const help[] = {
#define UI_ACTION_HELP(name, text) text,
        UI_ACTIONS(UI_ACTION_HELP)
#undef UI_ACTION_HELP
    };
    if ((int)a < 0 || a >= ACT_COUNT)
        return "";
    return help[a];
}

/* In the order the help overlay lists them; aliases follow the key they stand beside. */
static const struct ui_binding ui_default_bindings[] = {
    {KEY_UP, ACT_UP, "Up"},
    {'k', ACT_UP, "k"},
    {KEY_DOWN, ACT_DOWN, "Down"},
    {'j', ACT_DOWN, "j"},
    {KEY_PPAGE, ACT_PAGE_UP, "PgUp"},
    {KEY_NPAGE, ACT_PAGE_DOWN, "PgDn"},
    {' ', ACT_PAGE_DOWN, "Space"},
    {KEY_HOME, ACT_HOME, "Home"},
    {'g', ACT_HOME, "g"},
    {KEY_END, ACT_END, "End"},
    {'G', ACT_END, "G"},
    {'\n', ACT_ENTER, "Enter"},
    {'\r', ACT_ENTER, NULL},
    {KEY_ENTER, ACT_ENTER, NULL},
    {27, ACT_BACK, "Esc"},
    {KEY_BACKSPACE, ACT_BACK, "Backspace"},
    {127, ACT_BACK, NULL},
    {CTRL('h'), ACT_BACK, NULL},
    {'\t', ACT_NEXT_PANE, "Tab"},
    {KEY_BTAB, ACT_PREV_PANE, "Shift-Tab"},
    {'1', ACT_PANE_1, "1"},
    {'2', ACT_PANE_2, "2"},
    {'3', ACT_PANE_3, "3"},
    {'4', ACT_PANE_4, "4"},
    {'5', ACT_PANE_5, "5"},
    {'6', ACT_PANE_6, "6"},
    {'7', ACT_PANE_7, "7"},
    {'/', ACT_SEARCH, "/"},
    {'n', ACT_SEARCH_NEXT, "n"},
    {'N', ACT_SEARCH_PREV, "N"},
    {'r', ACT_RECONNECT, "r"},
    {'p', ACT_PICK_PROFILE, "p"},
    {'h', ACT_GO_HOME, "h"},
    {'t', ACT_NEXT_THEME, "t"},
    {'x', ACT_EXPORT_PEM, "x"},
    {'X', ACT_EXPORT_SERVE, "X"},
    {'d', ACT_DIFF, "d"},
    {'w', ACT_WRITE_JSON, "w"},
    {'K', ACT_KEYLOG, "K"},
    {'c', ACT_CLIENT_CERT, "c"},
    {'e', ACT_EDIT_PROFILE, "e"},
    {'s', ACT_SAVE, "s"},
    {'y', ACT_COPY_PEM, "y"},
    {'f', ACT_CHECK_FILE, "f"},
    {'a', ACT_FETCH_AIA, "a"},
    {'m', ACT_MATCH_KEY, "m"},
    {'?', ACT_HELP, "?"},
    {KEY_F(1), ACT_HELP, "F1"},
    {'q', ACT_QUIT, "q"},
    {CTRL('c'), ACT_QUIT, "Ctrl-C"},
    {0, ACT_NONE, NULL},
};

const struct ui_binding *ui_bindings(void)
{
    return ui_default_bindings;
}

enum ui_action ui_action_for_key(int key)
{
    for (const struct ui_binding *b = ui_default_bindings; b->key; b++)
        if (b->key == key)
            return b->action;
    return ACT_NONE;
}

const char *glyph(enum glyph g, bool utf8)
{
    static const char *const fancy[GL_COUNT] = {
        [GL_OK] = "✔",       [GL_WARN] = "⚠",        [GL_BAD] = "✖",        [GL_INFO] = "ℹ",
        [GL_POINTER] = "▸",  [GL_ARROW_RIGHT] = "▶", [GL_ARROW_LEFT] = "◀", [GL_HLINE] = "─",
        [GL_BAR_FULL] = "█", [GL_ELLIPSIS] = "…",
    };
    static const char *const plain[GL_COUNT] = {
        [GL_OK] = "OK",      [GL_WARN] = "!",        [GL_BAD] = "X",        [GL_INFO] = "i",
        [GL_POINTER] = ">",  [GL_ARROW_RIGHT] = ">", [GL_ARROW_LEFT] = "<", [GL_HLINE] = "-",
        [GL_BAR_FULL] = "#", [GL_ELLIPSIS] = "~",
    };
    if ((int)g < 0 || g >= GL_COUNT)
        return "";
    return utf8 ? fancy[g] : plain[g];
}
