/* tmux sessions for UI tests. */
#include "lib/tmux.h"

#include <dirent.h>
#include <signal.h>
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

static int tmux_run_socket(const char *socket, const char *const *args, char **out)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = "tmux";
    argv[n++] = "-f";
    argv[n++] = "/dev/null";
    argv[n++] = "-L";
    argv[n++] = socket;
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

static int tmux_run(struct tmux *t, const char *const *args, char **out)
{
    return tmux_run_socket(t->socket, args, out);
}

/* ---- the registry of live servers ---------------------------------------------------------
 * Every server tmux_start made and tmux_stop has not ended yet. A failed expectation longjmps
 * out of the test past its tmux_stop, so the registry is swept at the next tmux_start, by
 * tmux_teardown, at exit and on a fatal signal (harness_on_cleanup). */

#define TMUX_MAX_LIVE 16
/* After the command the pane's shell waits, without a process of its own, for the end of its
 * terminal (kill-server closes it: EOF or SIGHUP), so the last screen ("...; echo EXIT=$?") stays
 * readable until tmux_stop or a sweep; keys typed meanwhile are read and dropped. */
#define TMUX_HOLD    "while read -r _; do :; done"
#define TMUX_GONE_MS 500 /* how long the pane's processes may take to die of SIGHUP */

struct tmux_live {
    char socket[64]; /* "": free slot */
    volatile pid_t server_pid, pane_pid;
};

static struct tmux_live live[TMUX_MAX_LIVE];
static pid_t live_owner; /* the test process: a forked child never sweeps */

/* True while a process with this process group (the pane's shell is a session leader, so its
 * pid is the group of everything it started) is alive and not a zombie. */
bool tmux_group_alive(pid_t pgid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return kill(-pgid, 0) == 0;
    bool alive = false;
    struct dirent *de;
    while (!alive && (de = readdir(d)) != NULL) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        const char *rp = strrchr(buf, ')'); /* comm may hold anything; fields follow the last ) */
        char state;
        int ppid, pgrp;
        if (rp && sscanf(rp + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == pgid &&
            state != 'Z' && state != 'X')
            alive = true;
    }
    closedir(d);
    return alive;
}

/* Async-signal-safe: kill(2) only. The server cleans up its socket on SIGTERM. */
static void live_kill_signal(const struct tmux_live *l)
{
    if (l->pane_pid > 0)
        kill(-l->pane_pid, SIGKILL);
    if (l->server_pid > 0)
        kill(l->server_pid, SIGTERM);
}

/* Ends one server: kill-server by its socket (its panes get SIGHUP), then SIGKILL for whatever
 * of the pane's process group survives, and the server itself if it still runs. */
static void live_kill(struct tmux_live *l)
{
    const char *args[] = {"kill-server", NULL};
    tmux_run_socket(l->socket, args, NULL);
    if (l->pane_pid > 0) {
        int64_t until = mono_ms() + TMUX_GONE_MS;
        while (tmux_group_alive(l->pane_pid) && mono_ms() < until)
            usleep(10 * 1000);
        if (tmux_group_alive(l->pane_pid))
            kill(-l->pane_pid, SIGKILL);
    }
    if (l->server_pid > 0 && kill(l->server_pid, 0) == 0)
        kill(l->server_pid, SIGKILL);
    l->socket[0] = '\0';
    l->server_pid = l->pane_pid = 0;
}

static void live_sweep(bool from_signal)
{
    if (getpid() != live_owner)
        return;
    for (size_t i = 0; i < TMUX_MAX_LIVE; i++) {
        if (!live[i].socket[0])
            continue;
        if (from_signal)
            live_kill_signal(&live[i]);
        else
            live_kill(&live[i]);
    }
}

int tmux_sweep(void)
{
    int n = 0;
    for (size_t i = 0; i < TMUX_MAX_LIVE; i++)
        n += live[i].socket[0] != '\0';
    live_sweep(false);
    return n;
}

int tmux_teardown(void **state)
{
    (void)state;
    tmux_sweep();
    return 0;
}

static struct tmux_live *live_add(const char *socket)
{
    if (live_owner != getpid()) { /* first use, or a forked child: start an empty registry */
        memset(live, 0, sizeof live);
        live_owner = getpid();
        harness_on_cleanup(live_sweep);
    }
    for (size_t i = 0; i < TMUX_MAX_LIVE; i++) {
        if (!live[i].socket[0]) {
            snprintf(live[i].socket, sizeof live[i].socket, "%s", socket);
            return &live[i];
        }
    }
    return NULL;
}

static struct tmux_live *live_find(const char *socket)
{
    for (size_t i = 0; i < TMUX_MAX_LIVE; i++)
        if (live[i].socket[0] && strcmp(live[i].socket, socket) == 0)
            return &live[i];
    return NULL;
}

int tmux_start(struct tmux *t, int cols, int rows, const char *lang, bool no_color, const char *cmd)
{
    static int seq;
    tmux_sweep(); /* servers a failed test left: its expectation jumped past tmux_stop */
    memset(t, 0, sizeof(*t));
    snprintf(t->socket, sizeof(t->socket), "tlscope-test-%d-%d", (int)getpid(), seq++);
    struct tmux_live *l = live_add(t->socket);
    if (!l) {
        t->socket[0] = '\0';
        return -1;
    }
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
                           " %s %s; " TMUX_HOLD,
                           lang ? lang : "C.UTF-8", lang ? lang : "C.UTF-8", t->home, t->home,
                           t->home, no_color ? "NO_COLOR=1" : "", cmd);
    /* -P -F prints the pids the sweep may need. */
    const char *args[] = {"new-session", "-d",   "-P", "-F", "#{pid} #{pane_pid}", "-x", cols_s,
                          "-y",          rows_s, full, NULL};
    char *out = NULL;
    rc = tmux_run(t, args, &out);
    free(full);
    int server = 0, pane = 0;
    if (rc == 0 && out && sscanf(out, "%d %d", &server, &pane) == 2 && server > 0 && pane > 0) {
        l->server_pid = server;
        l->pane_pid = pane;
        t->server_pid = server;
        t->pane_pid = pane;
    } else {
        rc = -1;
    }
    free(out);
    return rc == 0 ? 0 : -1;
}

void tmux_start_cmd(struct tmux *t, int cols, int rows, bool no_color, const char *fmt, ...)
{
    static const char tail[] = "; echo EXIT=$?";
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(again);
        fail_msg("tmux_start_cmd: cannot format \"%s\"", fmt);
    }
    char *cmd = xmalloc((size_t)n + sizeof tail);
    vsnprintf(cmd, (size_t)n + 1, fmt, again);
    va_end(again);
    memcpy(cmd + n, tail, sizeof tail);
    int rc = tmux_start(t, cols, rows, NULL, no_color, cmd);
    free(cmd);
    if (rc != 0)
        fail_msg("tmux did not start");
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

/* True when one line of screen holds a and, after it, b. */
/* True when one line of the screen holds parts[0], then parts[1] after it, and so on. */
static bool line_has(const char *screen, const char *const *parts)
{
    for (const char *l = screen; l && *l;) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        char *line = xstrndup(l, n);
        const char *at = line;
        for (size_t i = 0; parts[i] && at; i++) {
            at = strstr(at, parts[i]);
            if (at)
                at += strlen(parts[i]);
        }
        free(line);
        if (at)
            return true;
        l = end ? end + 1 : NULL;
    }
    return false;
}

void tmux_expect_seq(struct tmux *t, const char *const *parts, double timeout_s)
{
    int64_t until = mono_ms() + (int64_t)(timeout_s * 1000);
    for (;;) {
        char *screen = tmux_capture(t, false);
        if (line_has(screen, parts)) {
            free(screen);
            return;
        }
        if (mono_ms() > until) {
            char want[512] = "";
            for (size_t i = 0; parts[i]; i++)
                snprintf(want + strlen(want), sizeof want - strlen(want), "%s\"%s\"",
                         i ? " then " : "", parts[i]);
            fail_msg("no line of the screen has %s:\n%s", want, screen);
        }
        free(screen);
        usleep(50 * 1000);
    }
}

void tmux_expect_line(struct tmux *t, const char *a, const char *b, double timeout_s)
{
    const char *const parts[] = {a, b, NULL};
    tmux_expect_seq(t, parts, timeout_s);
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
    struct tmux_live *l = live_find(t->socket);
    if (l) {
        live_kill(l);
    } else {
        const char *args[] = {"kill-server", NULL};
        tmux_run(t, args, NULL);
    }
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

char *tmux_run_with_home(const struct tmux *t, const char *bin, const char *args)
{
    char *cmd =
        xasprintf("HOME='%s' XDG_CONFIG_HOME='%s/.config' %s %s 2>&1", t->home, t->home, bin, args);
    FILE *p = popen(cmd, "r");
    free(cmd);
    assert_non_null(p);
    char *out = xcalloc(1, 65536);
    size_t n = fread(out, 1, 65535, p);
    out[n] = '\0';
    pclose(p);
    return out;
}
