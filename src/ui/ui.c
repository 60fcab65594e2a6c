/* The terminal UI's event loop and screen stack: poll() on the keyboard and the connection's
 * socket, never blocking; screens called only through their ops; the theme; connecting with a
 * spinner and Esc to cancel; the help overlay, the status-line prompt and the too-small
 * screen. */
#include "ui/ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "theme/theme.h"
#include "ui/core.h"
#include "ui/term_ext.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define UI_TICK_MS 100  /* spinner and elapsed time while connecting */
#define UI_IDLE_MS 1000 /* bound on a poll() with nothing running */
#define UI_ESC_MS  40   /* after input: longer than curses' escape delay (25 ms) */
/* Wake-ups in a row with the keyboard readable but no key read: the terminal is at EOF (a
 * partial escape sequence resolves after one escape delay, so a live terminal never gets
 * near this). */
#define UI_EMPTY_READS_MAX 50
#define UI_CTRL(c)         ((c)&0x1f)

void ui_status(struct ui *ui, enum theme_role role, const char *fmt, ...)
{
    /* Messages can carry host names, file names and engine errors: sanitise them here, once,
     * for every caller. */
    char raw[sizeof ui->status];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    char *safe = sanitize_terminal(raw);
    size_t n = strlen(safe);
    if (n >= sizeof ui->status) {
        n = sizeof ui->status - 1;
        while (n > 0 && ((unsigned char)safe[n] & 0xC0) == 0x80)
            n--; /* do not cut a UTF-8 sequence */
    }
    memcpy(ui->status, safe, n);
    ui->status[n] = '\0';
    free(safe);
    ui->status_role = role;
}

/* ---- the stack ---- */

static struct screen *ui_top(const struct ui *ui)
{
    return ui->depth ? ui->stack[ui->depth - 1] : NULL;
}

bool ui_is_top(const struct ui *ui, const struct screen *s)
{
    return ui_top(ui) == s;
}

bool ui_idle(const struct ui *ui)
{
    return !dial_running(ui) && !ui->dial.pending && !ui->prompt.open && !ui->help;
}

void ui_push(struct ui *ui, struct screen *s)
{
    if (!s)
        return;
    if (ui->depth == UI_STACK_MAX) {
        s->ops->free(s);
        ui_status(ui, TR_BAD, "too many screens open: close one with Esc");
        return;
    }
    struct screen *below = ui_top(ui);
    if (below && below->ops->leave)
        below->ops->leave(below, ui);
    ui->stack[ui->depth++] = s;
}

void ui_pop(struct ui *ui, struct outcome *o)
{
    if (ui->depth < 2)
        return;
    struct screen *from = ui->stack[--ui->depth];
    ui->stack[ui->depth] = NULL;
    struct screen *below = ui_top(ui);
    o->from = from;
    bool kept = below->ops->resume && below->ops->resume(below, ui, o);
    if (!kept)
        from->ops->free(from);
    config_free(&o->conn.cfg);
}

const char *ui_keylog_file(const struct ui *ui)
{
    const char *fallback = ui->opt->cfg ? ui->opt->cfg->keylog : NULL;
    for (size_t i = ui->depth; i-- > 0;) {
        const struct screen *s = ui->stack[i];
        const struct tls_config *c = s->ops->config ? s->ops->config(s) : NULL;
        if (c) {
            fallback = c->keylog;
            break;
        }
    }
    return visits_keylog_file(&ui->visits, fallback);
}

void ui_profiles_changed(struct ui *ui)
{
    ui->profiles_gen++;
}

/* ---- theme ---- */

static void ui_theme_initial(struct ui *ui, struct theme *t, char *msg, size_t msglen)
{
    const struct ui_options *o = ui->opt;
    const char *name = o->theme ? o->theme : (o->cfg && o->cfg->theme) ? o->cfg->theme : NULL;
    const char *nc = getenv("NO_COLOR");
    struct theme_error err;
    msg[0] = '\0';
    if (!name && nc && *nc) {
        theme_builtin_mono(t);
        snprintf(ui->theme_name, sizeof ui->theme_name, "mono");
        return;
    }
    if (theme_load(name ? name : "default", t, &err) < 0) {
        theme_builtin(t); /* an absent default file is no news; a chosen broken one is */
        if (name) {
            char buf[1200];
            snprintf(msg, msglen, "theme: %s (using the built-in default)",
                     theme_error_format(&err, buf, sizeof buf));
        }
        snprintf(ui->theme_name, sizeof ui->theme_name, "default");
        return;
    }
    snprintf(ui->theme_name, sizeof ui->theme_name, "%s", name ? name : "default");
}

static void ui_theme_next(struct ui *ui)
{
    size_t n = 0;
    char **names = theme_list(&n);
    struct theme t;
    if (n == 0) {
        bool mono = strcmp(ui->theme_name, "mono") != 0;
        if (mono)
            theme_builtin_mono(&t);
        else
            theme_builtin(&t);
        snprintf(ui->theme_name, sizeof ui->theme_name, "%s", mono ? "mono" : "default");
        ui_status(ui, TR_DIM, "theme: %s (built in; no theme files found)", ui->theme_name);
    } else {
        size_t next = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(names[i], ui->theme_name) == 0)
                next = (i + 1) % n;
        struct theme_error err;
        snprintf(ui->theme_name, sizeof ui->theme_name, "%s", names[next]);
        if (theme_load(names[next], &t, &err) < 0) {
            char buf[1200];
            ui_status(ui, TR_WARN, "theme: %s (using the built-in default)",
                      theme_error_format(&err, buf, sizeof buf));
        } else {
            ui_status(ui, TR_DIM, "theme: %s", names[next]);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    term_set_theme(&ui->term, &t);
}

/* ---- drawing ---- */

void ui_draw_title(struct ui *ui, int y, const char *left, const char *right)
{
    struct term *t = &ui->term;
    term_fill(t, y, 0, t->cols, TR_TITLE);
    int rw = right ? doc_width(right) : 0;
    term_put(t, y, 1, t->cols - rw - 3, TR_TITLE, left);
    if (right)
        term_put(t, y, t->cols - rw - 1, rw, TR_TITLE, right);
}

static void ui_draw_connecting(struct ui *ui, int y)
{
    static const char *const fancy[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    static const char *const plain[] = {"|", "/", "-", "\\"};
    struct term *t = &ui->term;
    int64_t ms = 0;
    char *safe = dial_describe(ui, &ms);
    size_t frame = (size_t)(ms / UI_TICK_MS);
    const char *spin = t->utf8 ? fancy[frame % 10] : plain[frame % 4];
    term_put(t, y, 1, 2, TR_KEY, spin);
    int w = term_put(t, y, 3, t->cols - 18, TR_TEXT, safe);
    term_put(t, y, 3 + w + 3, 4, TR_KEY, "Esc");
    term_put(t, y, 3 + w + 7, 8, TR_DIM, "cancel");
    free(safe);
}

/* A passphrase as typed, shown: one '*' per character. */
static char *ui_stars(const char *buf, size_t len)
{
    char *out = xcalloc(len + 1, 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)buf[i] & 0xC0) != 0x80)
            out[n++] = '*';
    return out;
}

static void ui_draw_prompt(struct ui *ui, int y)
{
    struct term *t = &ui->term;
    struct ui_prompt *p = &ui->prompt;
    int lw = term_put(t, y, 1, t->cols - 12, TR_KEY, p->label);
    bool secret = p->flags & PROMPT_SECRET;
    char *safe = secret ? ui_stars(p->buf, p->len) : sanitize_terminal(p->buf);
    term_put(t, y, 1 + lw, t->cols - lw - 2, TR_TEXT, safe);
    free(safe);
    char *head = xstrndup(p->buf, p->cur);
    char *shead = secret ? ui_stars(head, p->cur) : sanitize_terminal(head);
    ui->cur_y = y;
    ui->cur_x = 1 + lw + doc_width(shead);
    free(shead);
    free(head);
}

/* Key hints: "key label" tokens separated by two spaces; "? help  q quit" sit at the right. */
static void ui_draw_hints(struct ui *ui, int y, const char *hints)
{
    struct term *t = &ui->term;
    /* While the host line takes letters, q is text: say how to quit instead. */
    const struct screen *top = ui_top(ui);
    bool typing = top && top->ops->typing && top->ops->typing(top);
    const char *quit = typing ? "Ctrl-C" : "q";
    char right[32];
    snprintf(right, sizeof right, "? help  %s quit", quit);
    int limit = t->cols - doc_width(right) - 3;
    int x = 1;
    char *copy = xstrdup(hints ? hints : "");
    for (char *tok = copy; tok && *tok;) {
        char *next = strstr(tok, "  ");
        if (next) {
            *next = '\0';
            next += 2;
        }
        char *sp = strchr(tok, ' ');
        const char *label = sp ? sp + 1 : "";
        if (sp)
            *sp = '\0';
        int need = doc_width(tok) + 1 + doc_width(label);
        if (x + need > limit)
            break;
        x += term_put(t, y, x, need, TR_KEY, tok) + 1;
        x += term_put(t, y, x, limit - x, TR_DIM, label) + 2;
        tok = next;
    }
    free(copy);
    x = t->cols - doc_width(right) - 1;
    x += term_put(t, y, x, 1, TR_KEY, "?") + 1;
    x += term_put(t, y, x, 4, TR_DIM, "help") + 2;
    x += term_put(t, y, x, 6, TR_KEY, quit) + 1;
    term_put(t, y, x, 4, TR_DIM, "quit");
}

void ui_draw_bottom(struct ui *ui, const char *hints)
{
    struct term *t = &ui->term;
    int y = t->rows - 2;
    if (ui->prompt.open)
        ui_draw_prompt(ui, y);
    else if (dial_running(ui))
        ui_draw_connecting(ui, y);
    else if (ui->status[0])
        term_put(t, y, 1, t->cols - 2, ui->status_role, ui->status);
    ui_draw_hints(ui, t->rows - 1, hints);
}

static void ui_draw_too_small(struct ui *ui)
{
    struct term *t = &ui->term;
    const char *times = t->utf8 ? "×" : "x";
    char *l1 = xasprintf("Terminal too small: %d%s%d", t->cols, times, t->rows);
    char *l2 = xasprintf("tlscope needs at least %d%s%d", UI_MIN_COLS, times, UI_MIN_ROWS);
    const char *lines[] = {l1, l2, "q quits"};
    int y0 = t->rows / 2 - 1;
    for (int i = 0; i < 3; i++) {
        int w = doc_width(lines[i]);
        int x = w < t->cols ? (t->cols - w) / 2 : 0;
        term_put(t, y0 + i, x, t->cols - x, i == 0 ? TR_WARN : TR_TEXT, lines[i]);
    }
    free(l1);
    free(l2);
}

struct rect ui_overlay_box(struct ui *ui, int want_w, int want_h, const char *title)
{
    struct term *t = &ui->term;
    int w = want_w < t->cols - 4 ? want_w : t->cols - 4;
    int h = want_h < t->rows - 2 ? want_h : t->rows - 2;
    struct rect box = {(t->rows - h) / 2, (t->cols - w) / 2, h, w};
    for (int y = box.y; y < box.y + box.h; y++)
        term_fill(t, y, box.x, box.w, TR_TEXT);
    term_box(t, box, title, true);
    return (struct rect){box.y + 1, box.x + 2, box.h - 2, box.w - 4};
}

static void ui_draw_overlays(struct ui *ui)
{
    if (ui->help) {
        struct rect in = ui_overlay_box(ui, 72, (int)ui->help_view.doc.n + 2, "Keys · Esc closes");
        ui->overlay_r = in;
        docview_draw(&ui->help_view, &ui->term, in);
    }
}

static void ui_draw(struct ui *ui)
{
    struct term *t = &ui->term;
    ui->cur_y = -1;
    term_erase(t);
    if (t->rows < UI_MIN_ROWS || t->cols < UI_MIN_COLS) {
        ui_draw_too_small(ui);
    } else {
        struct screen *top = ui_top(ui);
        top->ops->draw(top, ui);
        ui_draw_overlays(ui);
        if (ui->help)
            ui->cur_y = ui->prompt.open ? ui->cur_y : -1;
    }
    term_cursor(t, ui->cur_y, ui->cur_x);
    term_refresh(t);
}

/* ---- help overlay ---- */

static void ui_help_keys(struct doc *d, const struct ui_binding *b, size_t i)
{
    struct strbuf keys = {0};
    for (size_t j = i; b[j].key; j++) {
        if (b[j].action != b[i].action || !b[j].label)
            continue;
        if (keys.len)
            sb_puts(&keys, ", ");
        sb_puts(&keys, b[j].label);
    }
    doc_key_line(d, keys.buf ? keys.buf : "", ui_action_help(b[i].action));
    sb_free(&keys);
}

static void ui_help_open(struct ui *ui)
{
    struct doc d = {0};
    const struct ui_binding *b = ui_bindings();
    bool seen[ACT_COUNT] = {false};
    doc_heading(&d, "Everywhere");
    for (size_t i = 0; b[i].key; i++) {
        if (seen[b[i].action] || b[i].action == ACT_NONE)
            continue;
        seen[b[i].action] = true;
        ui_help_keys(&d, b, i);
    }
    doc_blank(&d);
    for (size_t i = 0; i < ui->depth; i++) /* each screen open adds its part */
        if (ui->stack[i]->ops->help)
            ui->stack[i]->ops->help(ui->stack[i], ui, &d);
    docview_free(&ui->help_view);
    docview_set(&ui->help_view, &d);
    ui->help = true;
}

static void ui_help_key(struct ui *ui, enum ui_action a)
{
    if (a == ACT_QUIT)
        ui->quit = true;
    else if (a == ACT_BACK || a == ACT_HELP || a == ACT_ENTER)
        ui->help = false;
    else
        docview_action(&ui->help_view, a, ui->help_view.page);
}

/* ---- text entry ---- */

static size_t ui_prev_char(const char *buf, size_t cur)
{
    while (cur > 0 && ((unsigned char)buf[--cur] & 0xC0) == 0x80)
        ;
    return cur;
}

static size_t ui_next_char(const char *buf, size_t len, size_t cur)
{
    if (cur < len)
        cur++;
    while (cur < len && ((unsigned char)buf[cur] & 0xC0) == 0x80)
        cur++;
    return cur;
}

static void ui_delete(char *buf, size_t *len, size_t from, size_t to)
{
    memmove(buf + from, buf + to, *len - to + 1);
    *len -= to - from;
}

bool ui_edit_key(char *buf, size_t cap, size_t *len, size_t *cur, int key)
{
    if ((key >= 0x20 && key < 0x7F) || (key >= 0x80 && key <= 0xFF)) {
        if (*len + 1 >= cap)
            return true;
        memmove(buf + *cur + 1, buf + *cur, *len - *cur + 1);
        buf[(*cur)++] = (char)key;
        (*len)++;
    } else if (key == KEY_BACKSPACE || key == 127 || key == UI_CTRL('h')) {
        size_t p = ui_prev_char(buf, *cur);
        ui_delete(buf, len, p, *cur);
        *cur = p;
    } else if (key == KEY_DC || key == UI_CTRL('d')) {
        ui_delete(buf, len, *cur, ui_next_char(buf, *len, *cur));
    } else if (key == KEY_LEFT || key == UI_CTRL('b')) {
        *cur = ui_prev_char(buf, *cur);
    } else if (key == KEY_RIGHT || key == UI_CTRL('f')) {
        *cur = ui_next_char(buf, *len, *cur);
    } else if (key == KEY_HOME || key == UI_CTRL('a')) {
        *cur = 0;
    } else if (key == KEY_END || key == UI_CTRL('e')) {
        *cur = *len;
    } else if (key == UI_CTRL('u')) {
        ui_delete(buf, len, 0, *cur);
        *cur = 0;
    } else if (key == UI_CTRL('k')) {
        buf[*cur] = '\0';
        *len = *cur;
    } else if (key == UI_CTRL('w')) {
        size_t p = *cur;
        while (p > 0 && buf[p - 1] == ' ')
            p--;
        while (p > 0 && buf[p - 1] != ' ')
            p--;
        ui_delete(buf, len, p, *cur);
        *cur = p;
    } else {
        return false;
    }
    return true;
}

void ui_prompt_open(struct ui *ui, const char *label, const char *text, int flags, prompt_fn done,
                    prompt_fn cancel, void *ctx)
{
    struct ui_prompt *p = &ui->prompt;
    p->open = true;
    p->flags = flags;
    p->done = done;
    p->cancel = cancel;
    p->ctx = ctx;
    snprintf(p->label, sizeof p->label, "%s", label);
    snprintf(p->buf, sizeof p->buf, "%s", text ? text : "");
    p->len = p->cur = strlen(p->buf);
}

static void ui_prompt_key(struct ui *ui, int key, enum ui_action a)
{
    struct ui_prompt *p = &ui->prompt;
    struct ui_prompt was = *p; /* the answer may open the next prompt */
    if (p->flags & PROMPT_YESNO) {
        p->open = false;
        p->done(ui, p->ctx, key == 'y' || key == 'Y' ? "y" : "");
        return;
    }
    bool empty_back = p->len == 0 && (key == KEY_BACKSPACE || key == 127);
    if (key == 27 || empty_back) {
        p->open = false;
        explicit_bzero(p->buf, sizeof p->buf); /* it may have held a passphrase */
        p->len = p->cur = 0;
        if (was.cancel)
            was.cancel(ui, was.ctx, "");
        explicit_bzero(&was, sizeof was);
        return;
    }
    if (a == ACT_ENTER) {
        p->open = false;
        explicit_bzero(p->buf, sizeof p->buf);
        was.done(ui, was.ctx, was.buf);
        explicit_bzero(&was, sizeof was);
        return;
    }
    explicit_bzero(&was, sizeof was);
    ui_edit_key(p->buf, sizeof p->buf, &p->len, &p->cur, key);
}

/* ---- input ---- */

static bool ui_too_small(const struct ui *ui)
{
    return ui->term.rows < UI_MIN_ROWS || ui->term.cols < UI_MIN_COLS;
}

static void ui_overlay_click(struct ui *ui, struct docview *v, int y, int button)
{
    if (button == 4 || button == 5) {
        docview_scroll(v, button == 4 ? -3 : 3, v->page);
        return;
    }
    docview_click(v, ui->overlay_r, y);
}

static void ui_mouse(struct ui *ui)
{
    int y, x, button;
    if (!term_mouse(&ui->term, &y, &x, &button) || button == 0 || ui_too_small(ui))
        return;
    if (ui->prompt.open)
        return;
    struct screen *top = ui_top(ui);
    if (ui->help)
        ui_overlay_click(ui, &ui->help_view, y, button);
    else if (top->ops->mouse)
        top->ops->mouse(top, ui, y, x, button);
}

/* While connecting only Esc, q, Ctrl-C and t act: nothing may start a second connection. */
static void ui_key_connecting(struct ui *ui, enum ui_action a)
{
    if (a == ACT_BACK)
        dial_cancel(ui);
    else if (a == ACT_QUIT)
        ui->quit = true;
    else if (a == ACT_NEXT_THEME)
        ui_theme_next(ui);
}

static void ui_key(struct ui *ui, int key)
{
    if (key == UI_CTRL('c')) {
        ui->quit = true; /* a signal: term.c keeps reporting it, so it cannot ask */
        return;
    }
    if (key == KEY_RESIZE) {
        term_resize(&ui->term);
        for (size_t i = 0; i < ui->depth; i++)
            if (ui->stack[i]->ops->resize)
                ui->stack[i]->ops->resize(ui->stack[i], ui);
        return;
    }
    if (key == KEY_MOUSE) {
        ui_mouse(ui);
        return;
    }
    enum ui_action a = ui_action_for_key(key);
    if (ui->prompt.open) {
        ui_prompt_key(ui, key, a);
        return;
    }
    if (ui_too_small(ui)) {
        ui->quit = a == ACT_QUIT;
        return;
    }
    if (dial_running(ui)) {
        ui_key_connecting(ui, a);
        return;
    }
    ui->status[0] = '\0';
    if (ui->help) {
        ui_help_key(ui, a);
        return;
    }
    struct screen *top = ui_top(ui);
    if (top->ops->key(top, ui, key, a))
        return;
    switch (a) {
    case ACT_QUIT: ui->quit = true; break;
    case ACT_HELP: ui_help_open(ui); break;
    case ACT_NEXT_THEME: ui_theme_next(ui); break;
    case ACT_KEYLOG: dial_keylog_toggle(ui); break;
    default: break;
    }
}

/* ---- the loop ---- */

/* The demo lab's start report: ready, or failed (then it goes away); each screen hears it. */
static void ui_lab_step(struct ui *ui)
{
    enum lab_state st = lab_step(ui->lab);
    if (st == LAB_STARTING)
        return;
    if (st == LAB_FAILED) {
        ui_status(ui, TR_BAD, "%s", lab_error(ui->lab));
        lab_stop(ui->lab);
        ui->lab = NULL;
    }
    for (size_t i = 0; i < ui->depth; i++)
        if (ui->stack[i]->ops->lab)
            ui->stack[i]->ops->lab(ui->stack[i], ui);
}

/* Waits for a key, the connection's socket or its deadline, or the demo lab's start report.
 * Right after input the wait is short: curses may hold a lone Esc until its escape delay has
 * passed. Returns the keyboard's poll events (0 when none). A hang-up or error there marks the
 * terminal gone. */
static short ui_poll(struct ui *ui, bool had_input)
{
    struct pollfd pfd[2 + CONN_FDS_MAX + UI_BG_FDS] = {{.fd = 0, .events = POLLIN}};
    size_t n = 1;
    bool running = dial_running(ui);
    bool bg = ui->bg.want != NULL;
    int timeout = had_input ? UI_ESC_MS : running || bg ? UI_TICK_MS : UI_IDLE_MS;
    struct conn_poll cp = {.n = 0};
    if (running && dial_want(ui, &cp)) {
        memcpy(pfd + 1, cp.fds, cp.n * sizeof cp.fds[0]);
        n += cp.n;
        int64_t wait = (cp.deadline_us - mono_us() + 999) / 1000;
        if (wait < timeout)
            timeout = wait < 0 ? 0 : (int)wait;
    }
    size_t bg_at = n, bg_n = 0;
    int64_t bg_dl = INT64_MAX;
    if (bg && (bg = ui->bg.want(ui->bg.arg, pfd + n, &bg_n, UI_BG_FDS, &bg_dl))) {
        n += bg_n; /* a scan's probes, after the connection's */
        int64_t wait = (bg_dl - mono_us() + 999) / 1000;
        if (wait < timeout)
            timeout = wait < 0 ? 0 : (int)wait;
    }
    if (lab_fd(ui->lab) >= 0) { /* last in the set: the connection's fds keep their places */
        pfd[n++] = (struct pollfd){.fd = lab_fd(ui->lab), .events = POLLIN};
        if (lab_timeout_ms(ui->lab) < timeout)
            timeout = lab_timeout_ms(ui->lab);
    }
    int rc = poll(pfd, (nfds_t)n, timeout);
    if (rc < 0 && errno != EINTR)
        ui_status(ui, TR_BAD, "poll: %s", strerror(errno));
    short kbd = n > 0 ? pfd[0].revents : 0;
    if (kbd & (POLLHUP | POLLERR | POLLNVAL))
        ui->term.gone = true; /* the loop ends; keys not yet read are dropped */
    if (lab_fd(ui->lab) >= 0)
        ui_lab_step(ui); /* non-blocking; also notices the start deadline */
    if (running) {
        bool ready = false;
        for (size_t i = 0; i < cp.n; i++) {
            cp.fds[i].revents = rc > 0 ? pfd[1 + i].revents : 0;
            ready |= cp.fds[i].revents != 0;
        }
        dial_step(ui, &cp, ready || mono_us() >= cp.deadline_us);
    }
    if (bg && ui->bg.step) {
        if (rc <= 0)
            for (size_t i = 0; i < bg_n; i++)
                pfd[bg_at + i].revents = 0;
        ui->bg.step(ui->bg.arg, ui, pfd + bg_at, bg_n);
    }
    return kbd;
}

/* Runs until quit, or until the terminal is gone (hang-up, EOF or an I/O error on it, with
 * or without a SIGHUP): then it ends at once, drawing nothing more. */
static void ui_loop(struct ui *ui)
{
    bool had_input = false;
    int empty_reads = 0;
    while (!ui->quit && !ui->term.gone) {
        ui_draw(ui);
        short kbd = ui_poll(ui, had_input);
        int key;
        had_input = false;
        while (!ui->quit && (key = term_getkey(&ui->term)) != -1) {
            ui_key(ui, key);
            had_input = true;
        }
        empty_reads = (kbd & POLLIN) && !had_input ? empty_reads + 1 : 0;
        if (empty_reads >= UI_EMPTY_READS_MAX)
            ui->term.gone = true;
    }
}

/* Forks the demo lab and returns at once: the home screen lists its targets as starting
 * until ui_poll sees the lab's report (ui_lab_step). */
static void ui_start_lab(struct ui *ui)
{
    char err[512] = "";
    if (lab_start(&ui->lab, err, sizeof err) < 0) {
        ui->lab = NULL;
        ui_status(ui, TR_BAD, "%s", err);
    }
}

static void ui_free(struct ui *ui)
{
    dial_free(ui);
    while (ui->depth > 0) { /* top first: a screen may borrow from the one below */
        struct screen *s = ui->stack[--ui->depth];
        s->ops->free(s);
    }
    docview_free(&ui->help_view);
    visits_free(&ui->visits); /* after the screens, which borrow its reports */
    free(ui->last_scan);
    engine_free(ui->engine); /* after the last connection */
    ui->engine = NULL;
}

int ui_main(const struct ui_options *opt, struct screen *(*root)(struct ui *ui))
{
    struct ui *ui = xcalloc(1, sizeof *ui);
    ui->opt = opt;
    ui->engine = engine_new();
    struct theme theme;
    char msg[1400], err[512];
    ui_theme_initial(ui, &theme, msg, sizeof msg);
    enum term_open_status st = term_open(&ui->term, &theme, err, sizeof err);
    if (st != TERM_OPEN_OK) {
        term_close(&ui->term);
        engine_free(ui->engine);
        if (st == TERM_OPEN_BAD_TERM)
            fprintf(stderr, "tlscope: %s\n", err); /* a usage error: the environment's */
        else
            fprintf(stderr, "tlscope: the terminal UI needs a terminal on stdin and stdout "
                            "(use --json or --format text otherwise)\n");
        free(ui);
        return st == TERM_OPEN_BAD_TERM ? 64 : 2;
    }
    if (opt->demo)
        ui_start_lab(ui);
    struct screen *bottom = root(ui);
    ui->stack[ui->depth++] = bottom;
    if (bottom->ops->resume) /* entering: it may connect at once (a target was given) */
        bottom->ops->resume(bottom, ui, NULL);
    if (msg[0]) /* after the first connect, which clears the status line */
        ui_status(ui, TR_WARN, "%s", msg);
    ui_loop(ui);
    bool gone = ui->term.gone; /* even if a key asked to quit in the same turn */
    if (gone)
        term_abandon(&ui->term);
    else
        term_close(&ui->term);
    ui_free(ui);
    lab_stop(ui->lab);
    free(ui);
    if (gone) /* stderr may be the dead terminal too: then this fails at once, harmlessly */
        fprintf(stderr, "tlscope: the terminal went away (end of input); quitting\n");
    return gone ? 2 : 0;
}
