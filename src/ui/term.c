/* The terminal: curses set-up and tear-down, theme roles as colour pairs, width-aware text,
 * boxes and rules with ASCII fallbacks, and a terminal that is restored on every exit path.
 *
 * Process-wide state (curses is one per process): the SCREEN, whether it is active, and the
 * last signal asking us to quit. A first SIGINT/SIGTERM/SIGHUP only sets the flag, which
 * term_getkey() turns into Ctrl-C so the event loop unwinds normally (stopping the demo lab,
 * freeing everything); a second one restores the terminal and exits at once. */
#include "ui/term.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "ui/term_ext.h"
#include "ui/termtype.h"
#include "util/mem.h"
#include "util/sanitize.h"

#define TM_KEY_QUIT 3 /* Ctrl-C */

static SCREEN *tm_screen;
static bool tm_active;
static volatile sig_atomic_t tm_signal;

static void tm_restore(void)
{
    if (!tm_active)
        return;
    tm_active = false;
    curs_set(1);
    endwin();
}

static void tm_on_signal(int sig)
{
    if (tm_signal) {
        /* The loop did not answer the first signal: restore the terminal and leave. */
        tm_restore();
        _exit(128 + sig);
    }
    tm_signal = sig;
}

static void tm_atexit(void)
{
    tm_restore();
}

static void tm_signals(bool install)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = install ? tm_on_signal : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static attr_t tm_attrs(unsigned bits)
{
    attr_t a = A_NORMAL;
    if (bits & THEME_BOLD)
        a |= A_BOLD;
    if (bits & THEME_UNDERLINE)
        a |= A_UNDERLINE;
    if (bits & THEME_REVERSE)
        a |= A_REVERSE;
    if (bits & THEME_DIM)
        a |= A_DIM;
    if (bits & THEME_ITALIC)
        a |= A_ITALIC;
    return a;
}

/* A theme colour as a curses colour for this terminal. */
static short tm_color(const struct term *t, int c256, int c8, bool fg)
{
    int c = t->colors >= 256 ? c256 : c8;
    if (c >= t->colors)
        c = c8;
    if (c < 0 || c >= t->colors)
        return fg ? COLOR_WHITE : COLOR_BLACK;
    return (short)c;
}

static short tm_color_or_default(const struct term *t, int c256, int c8, bool fg, bool have_default)
{
    int c = t->colors >= 256 ? c256 : c8;
    if (c == THEME_COLOR_DEFAULT && have_default)
        return -1;
    return tm_color(t, c256, c8, fg);
}

/* Pairs 1..TR_COUNT: each role; TR_COUNT+1..2*TR_COUNT: each role on the selection's
 * background. */
static void tm_make_pairs(struct term *t, bool have_default)
{
    const struct theme_style *sel = &t->theme.roles[TR_SELECTED];
    const struct theme_style *text = &t->theme.roles[TR_TEXT];
    short text_fg = tm_color_or_default(t, text->fg, text->fg8, true, have_default);
    short text_bg = tm_color_or_default(t, text->bg, text->bg8, false, have_default);
    for (int r = 0; r < TR_COUNT; r++) {
        /* A role's default colours are the text role's (a theme with a black text background
         * keeps it behind every role). */
        const struct theme_style *s = &t->theme.roles[r];
        short fg = tm_color_or_default(t, s->fg, s->fg8, true, have_default);
        short bg = tm_color_or_default(t, s->bg, s->bg8, false, have_default);
        if (fg == -1 || (!have_default && (t->colors >= 256 ? s->fg : s->fg8) < 0))
            fg = text_fg;
        if (bg == -1 || (!have_default && (t->colors >= 256 ? s->bg : s->bg8) < 0))
            bg = text_bg;
        init_pair((short)(r + 1), fg, bg);
        bool own_fg = r != TR_TEXT && (t->colors >= 256 ? s->fg : s->fg8) >= 0;
        short sfg = own_fg ? fg : tm_color_or_default(t, sel->fg, sel->fg8, true, have_default);
        short sbg = tm_color_or_default(t, sel->bg, sel->bg8, false, have_default);
        sfg = sfg == -1 ? text_fg : sfg;
        sbg = sbg == -1 ? text_bg : sbg;
        init_pair((short)(TR_COUNT + r + 1), sfg, sbg);
    }
}

void term_set_theme(struct term *t, const struct theme *theme)
{
    t->theme = *theme;
    if (t->color && tm_active)
        tm_make_pairs(t, use_default_colors() == OK);
}

static void tm_colors(struct term *t)
{
    const char *no_color = getenv("NO_COLOR");
    t->color = has_colors() && !(no_color && *no_color);
    t->colors = 0;
    if (!t->color)
        return;
    if (start_color() != OK) {
        t->color = false;
        return;
    }
    t->colors = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;
    tm_make_pairs(t, use_default_colors() == OK);
}

/* The Home/End/Shift-Tab spellings of common terminals and multiplexers, whatever TERM's
 * terminfo entry says (tmux sends "\e[1~" for Home even when TERM names an xterm). */
static void tm_define_keys(void)
{
    static const struct {
        const char *seq;
        int key;
    } keys[] = {
        {"\033[1~", KEY_HOME}, {"\033[7~", KEY_HOME}, {"\033[H", KEY_HOME},
        {"\033OH", KEY_HOME},  {"\033[4~", KEY_END},  {"\033[8~", KEY_END},
        {"\033[F", KEY_END},   {"\033OF", KEY_END},   {"\033[Z", KEY_BTAB},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (key_defined(keys[i].seq) == 0)
            define_key(keys[i].seq, keys[i].key);
}

enum term_open_status term_open(struct term *t, const struct theme *theme, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->theme = *theme;
    if (errlen)
        err[0] = '\0';
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return TERM_OPEN_NO_TTY;
    if (!term_type_usable(err, errlen))
        return TERM_OPEN_BAD_TERM;
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    t->utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
    tm_screen = newterm(NULL, stdout, stdin);
    if (!tm_screen) {
        char *name = sanitize_terminal(getenv("TERM"));
        snprintf(err, errlen, "curses cannot start on TERM '%s'; use --format text or --json",
                 name);
        free(name);
        return TERM_OPEN_BAD_TERM;
    }
    set_term(tm_screen);
    tm_active = true;
    static bool registered;
    if (!registered && atexit(tm_atexit) == 0)
        registered = true;
    tm_signal = 0;
    tm_signals(true);
    set_escdelay(25);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    tm_define_keys();
    nodelay(stdscr, TRUE);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    curs_set(0);
    tm_colors(t);
    getmaxyx(stdscr, t->rows, t->cols);
    return TERM_OPEN_OK;
}

void term_close(struct term *t)
{
    (void)t;
    tm_restore();
    tm_signals(false);
    if (tm_screen) {
        delscreen(tm_screen);
        tm_screen = NULL;
    }
}

void term_abandon(struct term *t)
{
    t->gone = true;
    tm_active = false; /* nothing to restore: the atexit and signal paths skip endwin */
    tm_signals(false);
    if (tm_screen) {
        delscreen(tm_screen); /* frees; writes nothing */
        tm_screen = NULL;
    }
}

void term_resize(struct term *t)
{
    getmaxyx(stdscr, t->rows, t->cols);
}

int term_getkey(struct term *t)
{
    if (tm_signal)
        return TM_KEY_QUIT;
    if (t->gone)
        return -1;
    errno = 0;
    int c = getch();
    if (c == ERR && errno == EIO)
        t->gone = true; /* read() failed: the terminal is gone (its pty master closed) */
    return c == ERR ? -1 : c;
}

bool term_mouse(struct term *t, int *y, int *x, int *button)
{
    (void)t;
    MEVENT ev;
    *button = 0;
    if (getmouse(&ev) != OK)
        return false;
    *y = ev.y;
    *x = ev.x;
    if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
        *button = 1;
    else if (ev.bstate & BUTTON4_PRESSED)
        *button = 4;
#ifdef BUTTON5_PRESSED
    else if (ev.bstate & BUTTON5_PRESSED)
        *button = 5;
#endif
    return true;
}

static attr_t tm_role_attr(const struct term *t, enum theme_role role, unsigned flags);

void term_erase(struct term *t)
{
    attrset(A_NORMAL);
    bkgdset(' ' | tm_role_attr(t, TR_TEXT, 0));
    erase();
}

void term_refresh(struct term *t)
{
    (void)t;
    refresh();
}

/* issue 13: OSC 52 — "ESC ] 52 ; c ; BASE64 BEL" puts text on the terminal's clipboard (and
 * travels over SSH). Written straight to the terminal between frames; curses never sees it. */
bool term_osc52(struct term *t, const char *text, size_t n)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (t->gone || n > TERM_OSC52_MAX)
        return false;
    char *out = xmalloc(4 * ((n + 2) / 3) + 16), *o = out;
    o += sprintf(o, "\033]52;c;");
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? b64[v & 63] : '=';
    }
    *o++ = '\a';
    refresh();
    fflush(stdout);
    size_t len = (size_t)(o - out), done = 0;
    for (int tries = 0; done < len && tries < 1000; tries++) {
        ssize_t w = write(STDOUT_FILENO, out + done, len - done);
        if (w > 0)
            done += (size_t)w;
        else if (w < 0 && errno != EINTR && errno != EAGAIN)
            break;
    }
    free(out);
    return done == len;
}

static attr_t tm_role_attr(const struct term *t, enum theme_role role, unsigned flags)
{
    if ((int)role < 0 || role >= TR_COUNT)
        role = TR_TEXT;
    const struct theme_style *s = &t->theme.roles[role];
    const struct theme_style *sel = &t->theme.roles[TR_SELECTED];
    attr_t a;
    if (t->color) {
        int pair = (flags & TF_SEL) ? TR_COUNT + (int)role + 1 : (int)role + 1;
        a = COLOR_PAIR(pair) | tm_attrs(s->attrs);
        if (flags & TF_SEL)
            a |= tm_attrs(sel->attrs);
    } else {
        a = tm_attrs(s->mono);
        if (flags & TF_SEL)
            a |= tm_attrs(sel->mono);
    }
    if (flags & TF_REVERSE)
        a |= A_REVERSE;
    if (flags & TF_BOLD)
        a |= A_BOLD;
    return a;
}

/* Decodes UTF-8 into wide characters (mbstowcs, or by hand when the locale cannot); returns
 * a new array of *n characters. Anything undecodable becomes '?'. */
static wchar_t *tm_widen(const char *s, size_t *n)
{
    size_t len = strlen(s);
    wchar_t *w = xmalloc((len + 1) * sizeof *w);
    size_t got = mbstowcs(w, s, len + 1);
    if (got != (size_t)-1) {
        *n = got;
        return w;
    }
    size_t k = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (const char *p = s; *p;) {
        size_t r = mbrtowc(&w[k], p, strlen(p), &st);
        if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
            memset(&st, 0, sizeof st);
            w[k] = L'?';
            r = 1;
        }
        k++;
        p += r;
    }
    w[k] = 0;
    *n = k;
    return w;
}

static int tm_put_wide(int y, int x, int maxw, const char *text)
{
    size_t n;
    wchar_t *w = tm_widen(text, &n);
    int used = 0;
    size_t keep = 0;
    bool cut = false;
    for (size_t i = 0; i < n; i++) {
        int cw = wcwidth(w[i]);
        if (cw < 0) {
            w[i] = L'?';
            cw = 1;
        }
        if (used + cw > maxw) {
            cut = true;
            break;
        }
        used += cw;
        keep = i + 1;
    }
    if (cut) {
        /* Make room for the ellipsis. */
        while (keep > 0 && used > maxw - 1) {
            keep--;
            int cw = wcwidth(w[keep]);
            used -= cw > 0 ? cw : 0;
        }
        w[keep++] = L'…';
        used += 1;
    }
    mvaddnwstr(y, x, w, (int)keep);
    free(w);
    return used;
}

/* One-column ASCII stand-ins for the symbols the UI uses, for terminals without UTF-8. */
static char tm_ascii_for(uint32_t cp)
{
    static const struct {
        uint32_t cp;
        char c;
    } map[] = {
        {0x2014, '-'}, {0x2013, '-'}, {0x00B7, '-'}, {0x2192, '>'}, {0x2190, '<'}, {0x2026, '~'},
        {0x2714, '+'}, {0x26A0, '!'}, {0x2716, 'x'}, {0x25B8, '>'}, {0x25B2, '^'}, {0x25BC, 'v'},
        {0x2588, '#'}, {0x2500, '-'}, {0x2502, '|'}, {0x250C, '+'}, {0x2510, '+'}, {0x2514, '`'},
        {0x2518, '+'}, {0x251C, '|'}, {0x2524, '|'}, {0x252C, '+'}, {0x2534, '+'}, {0x203A, '>'},
        {0x00D7, 'x'}, {0x2191, '^'}, {0x2193, 'v'}, {0x25C0, '<'}, {0x25B6, '>'}, {0x2139, 'i'},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].cp == cp)
            return map[i].c;
    return '?';
}

/* Decodes the UTF-8 character at p into *cp; returns its length (1 for a stray byte). */
static size_t tm_utf8(const unsigned char *p, uint32_t *cp)
{
    size_t n = p[0] < 0x80             ? 1
               : (p[0] & 0xE0) == 0xC0 ? 2
               : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4
                                       : 1;
    uint32_t v = n == 1 ? p[0] : n == 2 ? (p[0] & 0x1Fu) : n == 3 ? (p[0] & 0x0Fu) : (p[0] & 0x07u);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    *cp = v;
    return n;
}

static int tm_put_ascii(int y, int x, int maxw, const char *text)
{
    move(y, x);
    int used = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        uint32_t cp;
        size_t n = tm_utf8(p, &cp);
        p += n;
        if (used + 1 > maxw || (used + 1 == maxw && *p)) {
            if (used < maxw) {
                addch('~');
                used++;
            }
            break;
        }
        addch(cp >= 0x20 && cp < 0x7F ? (chtype)cp : (chtype)(unsigned char)tm_ascii_for(cp));
        used++;
    }
    return used;
}

int term_put_ex(struct term *t, int y, int x, int maxw, enum theme_role role, unsigned flags,
                const char *text)
{
    if (!text || !*text || maxw <= 0 || y < 0 || y >= t->rows || x < 0 || x >= t->cols)
        return 0;
    if (x + maxw > t->cols)
        maxw = t->cols - x;
    attrset(tm_role_attr(t, role, flags));
    int used = t->utf8 ? tm_put_wide(y, x, maxw, text) : tm_put_ascii(y, x, maxw, text);
    attrset(A_NORMAL);
    return used;
}

int term_put(struct term *t, int y, int x, int maxw, enum theme_role role, const char *text)
{
    return term_put_ex(t, y, x, maxw, role, 0, text);
}

void term_fill_ex(struct term *t, int y, int x, int w, enum theme_role role, unsigned flags)
{
    if (y < 0 || y >= t->rows || x < 0 || x >= t->cols || w <= 0)
        return;
    if (x + w > t->cols)
        w = t->cols - x;
    attr_t a = tm_role_attr(t, role, flags);
    attrset(a);
    mvhline(y, x, ' ' | (chtype)a, w);
    attrset(A_NORMAL);
}

void term_fill(struct term *t, int y, int x, int w, enum theme_role role)
{
    term_fill_ex(t, y, x, w, role, 0);
}

/* Draws n copies of a one-column string (a line character) from y,x. */
static void tm_repeat(struct term *t, int y, int x, int n, enum theme_role role, unsigned flags,
                      const char *unit)
{
    if (n <= 0)
        return;
    size_t ul = strlen(unit);
    char *buf = xmalloc((size_t)n * ul + 1);
    for (int i = 0; i < n; i++)
        memcpy(buf + (size_t)i * ul, unit, ul);
    buf[(size_t)n * ul] = '\0';
    term_put_ex(t, y, x, n, role, flags, buf);
    free(buf);
}

enum term_line { TL_H, TL_V, TL_TL, TL_TR, TL_BL, TL_BR };

static const char *tm_line_char(const struct term *t, enum term_line c)
{
    static const char *const fancy[] = {"─", "│", "┌", "┐", "└", "┘"};
    static const char *const plain[] = {"-", "|", "+", "+", "+", "+"};
    return t->utf8 ? fancy[c] : plain[c];
}

/* " title " on a border row starting at x, at most w columns; returns columns used. */
static int tm_border_title(struct term *t, int y, int x, int w, const char *title,
                           enum theme_role role, unsigned flags)
{
    if (!title || !*title || w < 4)
        return 0;
    char *padded = xasprintf(" %s ", title);
    int used = term_put_ex(t, y, x, w, role, flags, padded);
    free(padded);
    return used;
}

void term_box(struct term *t, struct rect r, const char *title, bool focused)
{
    if (r.h < 2 || r.w < 2)
        return;
    unsigned bflags = focused ? TF_BOLD : 0;
    enum theme_role trole = focused ? TR_TITLE : TR_BORDER;
    int right = r.x + r.w - 1, bottom = r.y + r.h - 1;
    term_put_ex(t, r.y, r.x, 1, TR_BORDER, bflags, tm_line_char(t, TL_TL));
    term_put_ex(t, r.y, r.x + 1, 1, TR_BORDER, bflags, tm_line_char(t, TL_H));
    int tw = tm_border_title(t, r.y, r.x + 2, r.w - 4, title, trole, TF_BOLD);
    tm_repeat(t, r.y, r.x + 2 + tw, r.w - 3 - tw, TR_BORDER, bflags, tm_line_char(t, TL_H));
    term_put_ex(t, r.y, right, 1, TR_BORDER, bflags, tm_line_char(t, TL_TR));
    for (int y = r.y + 1; y < bottom; y++) {
        term_put_ex(t, y, r.x, 1, TR_BORDER, bflags, tm_line_char(t, TL_V));
        term_put_ex(t, y, right, 1, TR_BORDER, bflags, tm_line_char(t, TL_V));
    }
    term_put_ex(t, bottom, r.x, 1, TR_BORDER, bflags, tm_line_char(t, TL_BL));
    tm_repeat(t, bottom, r.x + 1, r.w - 2, TR_BORDER, bflags, tm_line_char(t, TL_H));
    term_put_ex(t, bottom, right, 1, TR_BORDER, bflags, tm_line_char(t, TL_BR));
}

void term_hline(struct term *t, int y, int x, int w, const char *title)
{
    const char *h = tm_line_char(t, TL_H);
    int used = 0;
    if (title && *title && w > 6) {
        term_put(t, y, x, 1, TR_BORDER, h);
        used = 1 + tm_border_title(t, y, x + 1, w - 3, title, TR_TEXT, TF_BOLD);
    }
    tm_repeat(t, y, x + used, w - used, TR_BORDER, 0, h);
}

void term_cursor(struct term *t, int y, int x)
{
    if (y < 0 || y >= t->rows || x < 0 || x >= t->cols) {
        curs_set(0);
        return;
    }
    move(y, x);
    curs_set(1);
}
