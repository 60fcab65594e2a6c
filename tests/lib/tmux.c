/* tmux sessions for UI tests. */
#include "lib/tmux.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/harness.h"
#include "util/mem.h"
#include "util/timeutil.h"

static int tmux_run(struct tmux *t, const char *const *args, char **out)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = "tmux";
    argv[n++] = "-f";
    argv[n++] = "/dev/null";
    argv[n++] = "-L";
    argv[n++] = t->socket;
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char *o = NULL, *e = NULL;
    int st = harness_run(argv, NULL, 10, &o, &e);
    free(e);
    if (out)
        *out = o;
    else
        free(o);
    return st;
}

int tmux_start(struct tmux *t, int cols, int rows, const char *lang, bool no_color, const char *cmd)
{
    static int seq;
    memset(t, 0, sizeof(*t));
    snprintf(t->socket, sizeof(t->socket), "tlscope-test-%d-%d", (int)getpid(), seq++);
    char *home = harness_path(t->socket);
    snprintf(t->home, sizeof(t->home), "%s", home);
    free(home);
    char *mk = xasprintf("mkdir -p '%s/.config' '%s/.local/state'", t->home, t->home);
    int rc = system(mk);
    free(mk);
    if (rc != 0)
        return -1;
    char cols_s[16], rows_s[16];
    snprintf(cols_s, sizeof(cols_s), "%d", cols);
    snprintf(rows_s, sizeof(rows_s), "%d", rows);
    char *full = xasprintf("env -i PATH=\"$PATH\" TERM=tmux-256color LANG=%s LC_ALL=%s TZ=UTC "
                           "HOME='%s' XDG_CONFIG_HOME='%s/.config' XDG_STATE_HOME='%s/.local/state'"
                           " %s %s; sleep 30",
                           lang ? lang : "C.UTF-8", lang ? lang : "C.UTF-8", t->home, t->home,
                           t->home, no_color ? "NO_COLOR=1" : "", cmd);
    const char *args[] = {"new-session", "-d", "-x", cols_s, "-y", rows_s, full, NULL};
    rc = tmux_run(t, args, NULL);
    free(full);
    if (rc != 0)
        return -1;
    const char *opt[] = {"set-option", "-g", "remain-on-exit", "on", NULL};
    tmux_run(t, opt, NULL);
    return 0;
}

int tmux_keys(struct tmux *t, const char *keys, bool literal)
{
    const char *args[] = {"send-keys",           "-t", "0", literal ? "-l" : keys,
                          literal ? keys : NULL, NULL};
    return tmux_run(t, args, NULL);
}

char *tmux_capture(struct tmux *t, bool escapes)
{
    const char *args[] = {"capture-pane", "-p", "-t", "0", escapes ? "-e" : NULL, NULL};
    char *out = NULL;
    if (tmux_run(t, args, &out) != 0) {
        free(out);
        return xstrdup("");
    }
    return out ? out : xstrdup("");
}

static bool wait_cond(struct tmux *t, const char *needle, double timeout_s, bool present)
{
    int64_t until = mono_ms() + (int64_t)(timeout_s * 1000);
    for (;;) {
        char *screen = tmux_capture(t, false);
        bool has = strstr(screen, needle) != NULL;
        free(screen);
        if (has == present)
            return true;
        if (mono_ms() > until)
            return false;
        usleep(50 * 1000);
    }
}

bool tmux_wait_for(struct tmux *t, const char *needle, double timeout_s)
{
    return wait_cond(t, needle, timeout_s, true);
}

bool tmux_wait_gone(struct tmux *t, const char *needle, double timeout_s)
{
    return wait_cond(t, needle, timeout_s, false);
}

int tmux_resize(struct tmux *t, int cols, int rows)
{
    char c[16], r[16];
    snprintf(c, sizeof(c), "%d", cols);
    snprintf(r, sizeof(r), "%d", rows);
    const char *args[] = {"resize-window", "-t", "0", "-x", c, "-y", r, NULL};
    return tmux_run(t, args, NULL);
}

void tmux_stop(struct tmux *t)
{
    if (!t->socket[0])
        return;
    const char *args[] = {"kill-server", NULL};
    tmux_run(t, args, NULL);
    t->socket[0] = '\0';
}

void tmux_expect(struct tmux *t, const char *needle, double timeout_s)
{
    if (!tmux_wait_for(t, needle, timeout_s)) {
        char *s = tmux_capture(t, false);
        fail_msg("screen lacks \"%s\":\n%s", needle, s);
    }
}

void tmux_keys_n(struct tmux *t, const char *key, int times)
{
    for (int i = 0; i < times; i++)
        tmux_keys(t, key, false);
}

bool tmux_missing(void)
{
    if (system("command -v tmux >/dev/null 2>&1") == 0)
        return false;
    printf("1..0 # SKIP tmux is not installed\n");
    return true;
}
