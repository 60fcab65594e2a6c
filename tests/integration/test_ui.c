/* The UI as a person uses it: the real binary in a real terminal (tmux), keys sent with
 * send-keys, the screen read with capture-pane, against real TLS servers on loopback.
 * TERM, LANG, TZ, HOME and the size are pinned by tests/lib/tmux.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/harness.h"
#include "lib/tmux.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define GOOD_CHAIN "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define ARGS(...)  ((const char *const[]){__VA_ARGS__, NULL})

static char *bin, *root_ca;

/* Starts tlscope with args (a shell-quoted string) in a cols x rows terminal. */
static void start_ui(struct tmux *t, int cols, int rows, bool no_color, const char *args)
{
    tmux_start_cmd(t, cols, rows, no_color, "%s %s", bin, args);
}

static char *server_args(struct peer *p, const char *extra)
{
    return xasprintf("--cafile '%s' %s localhost:%u", root_ca, extra ? extra : "",
                     (unsigned)p->port);
}

/* A good-chain server and the UI connected to it (cols x rows), its verdict on screen. */
static void start_good(struct peer *p, struct tmux *t, int cols, int rows)
{
    assert_int_equal(peer_s_server(p, false, ARGS(GOOD_CHAIN)), 0);
    char *args = server_args(p, NULL);
    start_ui(t, cols, rows, false, args);
    free(args);
    tmux_expect(t, "✔ VERIFIED", 5);
}

static void test_start_and_quit(void **state)
{
    (void)state;
    struct tmux t;
    start_ui(&t, 80, 24, false, "");
    tmux_expect(&t, "TLS connection explorer", 5);
    tmux_expect(&t, "Profiles", 2);
    tmux_expect(&t, "intermediate", 2);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 3);
    char *s = tmux_capture(&t, false);
    /* the terminal is restored: the UI's frame is gone from the normal screen */
    assert_null(strstr(s, "┌─ Connect"));
    free(s);
    tmux_stop(&t);
}

/* Past targets: Up in the host line brings them back, the Recent list connects with Enter,
 * and the history file keeps them newest first. */
static void test_history_and_recent(void **state)
{
    (void)state;
    struct tmux t;
    start_ui(&t, 80, 24, false, "");
    tmux_expect(&t, "TLS connection explorer", 5);
    tmux_keys(&t, "127.0.0.1:1", true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "TCP connect to 127.0.0.1:1 refused", 5);
    tmux_keys(&t, "h", true);
    tmux_expect(&t, "Recent", 2);
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, "127.0.0.1:2", true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "TCP connect to 127.0.0.1:2 refused", 5);
    tmux_keys(&t, "h", true);
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, "Up", false); /* newest first */
    tmux_expect(&t, "host › 127.0.0.1:2", 2);
    tmux_keys(&t, "Up", false);
    tmux_expect(&t, "host › 127.0.0.1:1", 2);
    /* Tab reaches the Recent list; Down, Enter connects to the older target */
    tmux_keys(&t, "Tab", false);
    tmux_keys(&t, "Tab", false);
    tmux_expect(&t, "Esc host line", 2);
    tmux_keys(&t, "Down", false);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "TCP connect to 127.0.0.1:1 refused", 5);
    tmux_keys(&t, "q", true);
    tmux_expect(&t, "EXIT=", 3);
    char *path = xasprintf("%s/.local/state/tlscope/history", t.home), *data = NULL, err[256];
    size_t n = 0;
    assert_int_equal(file_read_bounded(path, 1 << 20, &data, &n, err, sizeof err), 0);
    assert_string_equal(data, "127.0.0.1:1\n127.0.0.1:2\n");
    free(data);
    free(path);
    tmux_stop(&t);
}

static void test_connect_and_panes(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t, 80, 24);
    tmux_expect(&t, "TLSv1.3", 1);
    tmux_expect(&t, "TLS_AES_256_GCM_SHA384", 1);
    tmux_expect(&t, "[1 Summary]", 1);
    tmux_keys(&t, "2", false);
    tmux_expect(&t, "ClientHello", 2);
    tmux_expect(&t, "ServerHello", 1);
    tmux_expect(&t, "[2 Handshake]", 1);
    tmux_keys(&t, "3", false);
    tmux_expect(&t, "chosen", 2);
    tmux_keys(&t, "4", false);
    /* the chain: three certificates with the right names */
    tmux_expect(&t, "Sent by the server (2)", 2);
    tmux_expect(&t, "CN=localhost", 1);
    tmux_expect(&t, "CN=TLS Lab Intermediate CA", 1);
    tmux_expect(&t, "CN=TLS Lab Root CA", 1);
    tmux_keys(&t, "5", false);
    tmux_expect(&t, "[5 Findings", 2);
    tmux_keys(&t, "6", false);
    tmux_expect(&t, "[6 Raw]", 2);
    tmux_expect(&t, "Target", 1);
    tmux_keys(&t, "Tab", false); /* wraps to Summary */
    tmux_expect(&t, "[1 Summary]", 2);
    tmux_keys(&t, "q", false);
    tmux_expect(&t, "EXIT=0", 3);
    tmux_stop(&t);
    peer_stop(&p);
}

static void test_expired_verdict(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false,
                                   ARGS("-cert", "@expired.crt", "-key", "@expired.key",
                                        "-cert_chain", "@inter.crt")),
                     0);
    struct tmux t;
    char *args = server_args(&p, NULL);
    start_ui(&t, 80, 24, false, args);
    free(args);
    tmux_expect(&t, "NOT VERIFIED", 5);
    tmux_expect(&t, "expired", 1);
    tmux_stop(&t);
    peer_stop(&p);
}

static void test_escape_cancels_tarpit(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_tarpit(&p), 0);
    struct tmux t;
    char *args = xasprintf("--timeout 30 127.0.0.1:%u", (unsigned)p.port);
    start_ui(&t, 80, 24, false, args);
    free(args);
    tmux_expect(&t, "handshaking", 5);
    int64_t t0 = mono_ms();
    tmux_keys(&t, "Escape", false);
    if (!tmux_wait_for(&t, "cancelled", 1.0))
        fail_msg("Esc did not cancel within a second");
    assert_true(mono_ms() - t0 < 1000);
    tmux_expect(&t, "host ›", 1); /* back on the home screen it came from */
    char *scr = tmux_capture(&t, false);
    assert_null(strstr(scr, "EXIT=")); /* back where the person was, not quit */
    free(scr);
    tmux_stop(&t);
    peer_stop(&p);
}

/* Esc after the handshake completed (the HTTP probe waits for a server that never answers
 * HTTP): the connection's result opens, without the probe, instead of going back home. */
static void test_escape_after_handshake_keeps_result(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD_CHAIN)), 0);
    struct tmux t;
    char *args = server_args(&p, "--http --timeout 30");
    start_ui(&t, 80, 24, false, args);
    free(args);
    tmux_expect(&t, "· 1.", 5); /* a second in: the handshake is long done, the probe waits */
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "cancelled after the handshake", 2);
    tmux_expect(&t, "✔ VERIFIED", 2);
    tmux_stop(&t);
    peer_stop(&p);
}

static void test_help_overlay(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t, 100, 40);
    tmux_keys(&t, "?", false);
    tmux_expect(&t, "reconnect with the same settings", 2);
    tmux_expect(&t, "next theme", 1);
    tmux_expect(&t, "search in the pane", 1);
    tmux_keys(&t, "Escape", false);
    /* the tab bar may show around the overlay: what proves Escape is the overlay gone */
    if (!tmux_wait_gone(&t, "reconnect with the same settings", 2))
        fail_msg("Escape did not close the help overlay");
    tmux_expect(&t, "[1 Summary]", 2);
    tmux_stop(&t);
    peer_stop(&p);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The screen once it has rows lines and the key hints on the last one (the UI redrew for the
 * new size), or the last screen seen when timeout_s passes (the caller's assertions fail). */
static char *wait_relayout(struct tmux *t, int rows, double timeout_s)
{
    int64_t until = mono_ms() + (int64_t)(timeout_s * 1000);
    for (;;) {
        char *s = tmux_capture(t, false);
        size_t n = strlen(s);
        const char *last = s + (n >= 2 ? n - 2 : 0);
        while (last > s && last[-1] != '\n')
            last--;
        if ((count_lines(s) == rows && strstr(last, "q quit")) || mono_ms() > until)
            return s;
        free(s);
        usleep(50 * 1000);
    }
}

static void test_resize_relayouts(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t, 80, 24);
    tmux_resize(&t, 100, 40);
    char *s = wait_relayout(&t, 40, 3);
    assert_int_equal(count_lines(s), 40);
    /* the key hints moved to the new last line */
    const char *last = s + strlen(s) - 2;
    while (last > s && last[-1] != '\n')
        last--;
    if (!strstr(last, "q quit"))
        fail_msg("last line after resize: %s", last);
    free(s);
    tmux_resize(&t, 80, 24);
    s = wait_relayout(&t, 24, 3);
    assert_int_equal(count_lines(s), 24);
    assert_non_null(strstr(s, "[1 Summary]"));
    free(s);
    /* below 80x24 it says so instead of drawing garbage */
    tmux_resize(&t, 60, 20);
    tmux_expect(&t, "too small", 2);
    tmux_resize(&t, 80, 24);
    if (!tmux_wait_gone(&t, "too small", 2))
        fail_msg("still \"too small\" at 80x24");
    tmux_expect(&t, "[1 Summary]", 2);
    tmux_stop(&t);
    peer_stop(&p);
}

static void test_theme_switch(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t, 80, 24);
    char *before = tmux_capture(&t, true);
    tmux_keys(&t, "t", false);
    char *after = NULL;
    int64_t until = mono_ms() + 3000;
    do { /* until the new theme is drawn (bounded; the assertion below says if it never is) */
        free(after);
        after = tmux_capture(&t, true);
    } while (strcmp(before, after) == 0 && mono_ms() < until && usleep(50 * 1000) == 0);
    assert_string_not_equal(before, after); /* colours changed */
    char *plain = tmux_capture(&t, false);
    assert_non_null(strstr(plain, "✔ VERIFIED")); /* the content did not */
    free(before);
    free(after);
    free(plain);
    tmux_stop(&t);
    /* NO_COLOR: no colour sequences at all */
    char *args = server_args(&p, NULL);
    start_ui(&t, 80, 24, true, args);
    free(args);
    tmux_expect(&t, "✔ VERIFIED", 5);
    char *mono = tmux_capture(&t, true);
    assert_null(strstr(mono, "[38;5;"));
    assert_null(strstr(mono, "[38;2;"));
    free(mono);
    tmux_stop(&t);
    peer_stop(&p);
}

static void test_broken_theme_and_search(void **state)
{
    (void)state;
    char *bad = harness_path("broken-theme.yaml");
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("name: broken\nroles:\n  text: { fg: purple }\n", f);
    fclose(f);
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD_CHAIN)), 0);
    struct tmux t;
    char *extra = xasprintf("--theme '%s'", bad);
    char *args = server_args(&p, extra);
    start_ui(&t, 100, 40, false, args);
    free(args);
    free(extra);
    /* the error says where, and the UI carries on with the default theme */
    tmux_expect(&t, "broken-theme.yaml:3:", 5);
    tmux_expect(&t, "✔ VERIFIED", 5);
    /* search within a pane: / text Enter, then n */
    tmux_keys(&t, "2", false);
    tmux_expect(&t, "ClientHello", 2);
    tmux_keys(&t, "/", false);
    tmux_keys(&t, "Certificate", true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "─ Certificate ", 2); /* the detail follows the match */
    tmux_stop(&t);
    peer_stop(&p);
    free(bad);
}

static void test_escape_sequences_in_subject(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(
        peer_s_server(&p, false,
                      ARGS("-cert", "@evil.crt", "-key", "@evil.key", "-cert_chain", "@inter.crt")),
        0);
    struct tmux t;
    char *args = server_args(&p, NULL);
    start_ui(&t, 100, 40, false, args);
    free(args);
    tmux_expect(&t, "✔ VERIFIED", 5);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "\\x1B[31mRED", 2); /* shown escaped */
    char *raw = tmux_capture(&t, true);
    /* the certificate's own sequence never reached the terminal */
    assert_null(strstr(raw, "\x1b[31mRED"));
    assert_null(strchr(raw, '\x07'));
    free(raw);
    tmux_stop(&t);
    peer_stop(&p);
}

static void test_demo_lab(void **state)
{
    (void)state;
    static const struct {
        const char *name, *verdict;
    } targets[] = {
        {"good", "✔ VERIFIED"},
        {"expired", "NOT VERIFIED"},
        {"self-signed", "NOT VERIFIED"},
        {"wrong-host", "NOT VERIFIED"},
        {"missing-intermediate", "NOT VERIFIED"},
        {"legacy", "no shared protocol version"},
        {"client-cert", "requires a client certificate"}, /* home says "Wants a client cert…" */
    };
    struct tmux t;
    start_ui(&t, 100, 40, false, "--demo");
    tmux_expect(&t, "Demo lab", 5);
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
        tmux_expect(&t, targets[i].name, 1);
    tmux_keys(&t, "Tab", false); /* host → profiles */
    tmux_keys(&t, "Tab", false); /* profiles → demo lab; "h" comes back to it */
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        tmux_keys(&t, "Home", false);
        for (size_t k = 0; k < i; k++)
            tmux_keys(&t, "Down", false);
        tmux_keys(&t, "Enter", false);
        tmux_expect(&t, "[1 Summary]", 5); /* the result screen: home never shows it */
        tmux_expect(&t, targets[i].verdict, 5);
        tmux_keys(&t, "h", false);
        tmux_expect(&t, "Demo lab", 3);
        if (!tmux_wait_gone(&t, "[1 Summary]", 3))
            fail_msg("h did not go home from %s", targets[i].name);
    }
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
}

/* ---- the session: compare, write JSON, key log, client certificate ---- */

/* The screen line holding needle (a copy, "" when none); caller frees. */
static char *screen_line(struct tmux *t, const char *needle)
{
    char *s = tmux_capture(t, false);
    char *hit = strstr(s, needle);
    char *out;
    if (!hit) {
        out = xstrdup("");
    } else {
        char *start = hit;
        while (start > s && start[-1] != '\n')
            start--;
        out = xstrndup(start, strcspn(start, "\n"));
    }
    free(s);
    return out;
}

/* Writes a user profile into the tmux session's HOME. */
static void write_user_profile(struct tmux *t, const char *name, const char *yaml)
{
    char err[512];
    char *dir = xasprintf("%s/.config/tlscope/profiles", t->home);
    assert_int_equal(mkdir_p(dir, 0700, err, sizeof err), 0);
    char *path = xasprintf("%s/%s.yaml", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(yaml, f);
    fclose(f);
    free(path);
    free(dir);
}

/* Waits (up to timeout_s) until the file at path contains needle. */
static bool file_wait_for(const char *path, const char *needle, double timeout_s)
{
    int64_t end = mono_ms() + (int64_t)(timeout_s * 1000);
    do {
        char *data = NULL, err[256];
        size_t n = 0;
        if (file_read_bounded(path, 1 << 20, &data, &n, err, sizeof err) == 0) {
            bool found = strstr(data, needle) != NULL;
            free(data);
            if (found)
                return true;
        }
        usleep(100 * 1000);
    } while (mono_ms() < end);
    return false;
}

static void test_diff_after_profile_switch(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t, 100, 30);
    tmux_expect(&t, "TLSv1.3", 1);
    tmux_keys(&t, "d", false);
    tmux_expect(&t, "nothing to compare yet", 2);
    write_user_profile(&t, "tls12", "description: TLS 1.2 at most\nmax_protocol: tls1.2\n");
    tmux_keys(&t, "p", false);
    tmux_expect(&t, "tls12", 2);
    tmux_keys(&t, "End", false); /* profiles are sorted: tls12 is the last */
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "profile tls12", 5);
    tmux_expect(&t, "TLSv1.2", 2);
    tmux_keys(&t, "d", false);
    tmux_expect(&t, "facts changed", 2);
    tmux_expect(&t, "#1 command line", 1);
    tmux_expect(&t, "#2 tls12", 1);
    char *line = screen_line(&t, "  protocol ");
    char *v13 = strstr(line, "TLSv1.3"), *v12 = strstr(line, "TLSv1.2");
    if (!v13 || !v12 || v13 > v12 || !strstr(line, "→"))
        fail_msg("protocol line: \"%s\"", line);
    free(line);
    char *s = tmux_capture(&t, false);
    assert_null(strstr(s, "(same)")); /* unchanged facts are hidden */
    free(s);
    tmux_keys(&t, "a", false);
    tmux_expect(&t, "(same)", 2);
    tmux_keys(&t, "Enter", false); /* the list of earlier connections */
    tmux_expect(&t, "Compare with", 2);
    tmux_keys(&t, "Escape", false);
    tmux_wait_gone(&t, "Compare with", 2);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "[1 Summary]", 2);
    tmux_stop(&t);
    peer_stop(&p);
}

static void test_write_json(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t, 100, 30);
    tmux_keys(&t, "w", false);
    tmux_expect(&t, "Write report to: localhost.json", 2);
    char *path = xasprintf("%s/saved report.json", t.home);
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, path, true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "wrote report to", 2);
    char *data = NULL, err[256];
    size_t n = 0;
    assert_int_equal(file_read_bounded(path, 4 << 20, &data, &n, err, sizeof err), 0);
    json_error_t je;
    json_t *doc = json_loads(data, 0, &je);
    if (!doc)
        fail_msg("not JSON: %s (line %d)", je.text, je.line);
    assert_true(json_is_integer(json_object_get(doc, "version")));
    assert_non_null(json_object_get(doc, "tool"));
    json_decref(doc);
    free(data);
    /* a second time: it asks before replacing the file */
    tmux_keys(&t, "w", false);
    tmux_expect(&t, "Write report to:", 2);
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, path, true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "exists; overwrite? y/n", 2);
    tmux_keys(&t, "n", false);
    tmux_expect(&t, "not written", 2);
    free(path);
    tmux_stop(&t);
    peer_stop(&p);
}

static void test_keylog_toggle(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t, 160, 30);
    tmux_keys(&t, "K", false);
    tmux_expect(&t, "Key log file: ~/tlscope-keys.log", 2);
    tmux_keys(&t, "Enter", false);
    char *keys = xasprintf("%s/tlscope-keys.log", t.home);
    char *warning = xasprintf("session keys written to %s", keys);
    tmux_expect(&t, warning, 2);
    tmux_keys(&t, "r", false);
    if (!file_wait_for(keys, "CLIENT_TRAFFIC_SECRET_0 ", 5))
        fail_msg("%s holds no CLIENT_TRAFFIC_SECRET_0 line after a reconnect", keys);
    tmux_expect(&t, warning, 2);
    tmux_keys(&t, "h", false); /* the home screen says so too */
    tmux_expect(&t, "host ›", 2);
    tmux_expect(&t, warning, 1);
    tmux_keys(&t, "Tab", false); /* off the host line, where K is a letter */
    tmux_keys(&t, "K", false);
    if (!tmux_wait_gone(&t, "session keys written to", 2))
        fail_msg("K did not turn the key log off");
    tmux_expect(&t, "key log off", 1);
    free(warning);
    free(keys);
    tmux_stop(&t);
    peer_stop(&p);
}

static void client_cert_answer(struct tmux *t, const char *cert, const char *key)
{
    tmux_keys(t, "c", false);
    tmux_expect(t, "Client certificate (PEM):", 2);
    char *path = harness_path(cert);
    tmux_keys(t, "C-u", false);
    tmux_keys(t, path, true);
    tmux_keys(t, "Enter", false);
    free(path);
    tmux_expect(t, "Private key (PEM):", 2);
    path = harness_path(key);
    tmux_keys(t, "C-u", false);
    tmux_keys(t, path, true);
    tmux_keys(t, "Enter", false);
    free(path);
}

static void test_client_cert(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(
        peer_s_server(&p, false, ARGS(GOOD_CHAIN, "-Verify", "1", "-CAfile", "@client_ca.crt")), 0);
    struct tmux t;
    char *args = server_args(&p, NULL);
    start_ui(&t, 100, 40, false, args);
    tmux_expect(&t, "requires a client certificate", 5);
    tmux_keys(&t, "3", false);
    tmux_keys(&t, "End", false);
    tmux_expect(&t, "TLS Lab Client CA", 2);
    /* a file that is not there is named */
    tmux_keys(&t, "c", false);
    tmux_expect(&t, "Client certificate (PEM):", 2);
    tmux_keys(&t, "/nonexistent/client.crt", true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "client certificate /nonexistent/client.crt: No such file", 2);
    /* the encrypted key: the passphrase is asked with echo off */
    client_cert_answer(&t, "client.crt", "client.key.enc");
    tmux_expect(&t, "Passphrase for client.key.enc", 2);
    tmux_keys(&t, HARNESS_CLIENT_KEY_PASS, true);
    tmux_expect(&t, "******", 2);
    char *line = screen_line(&t, "Passphrase for");
    if (strstr(line, HARNESS_CLIENT_KEY_PASS) || !strstr(line, "******"))
        fail_msg("the passphrase prompt echoes: \"%s\"", line);
    free(line);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "✔ VERIFIED", 5);
    tmux_keys(&t, "End", false);
    tmux_expect(&t, "tlscope client", 2); /* the Negotiation pane: the certificate sent */
    tmux_stop(&t);
    /* the plain key */
    start_ui(&t, 100, 40, false, args);
    free(args);
    tmux_expect(&t, "requires a client certificate", 5);
    client_cert_answer(&t, "client.crt", "client.key");
    tmux_expect(&t, "✔ VERIFIED", 5);
    tmux_stop(&t);
    peer_stop(&p);
}

/* A profile naming an encrypted key and no passphrase source: the UI asks with echo off. */
static void test_profile_key_passphrase_prompt(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(
        peer_s_server(&p, false, ARGS(GOOD_CHAIN, "-Verify", "1", "-CAfile", "@client_ca.crt")), 0);
    struct tmux t;
    char *cert = harness_path("client.crt"), *key = harness_path("client.key.enc");
    char *args = xasprintf("--cert '%s' --key '%s' --cafile '%s' localhost:%u", cert, key, root_ca,
                           (unsigned)p.port);
    start_ui(&t, 100, 40, false, args);
    free(args);
    free(cert);
    free(key);
    tmux_expect(&t, "Passphrase for client.key.enc", 5);
    tmux_keys(&t, "secret", true);
    tmux_expect(&t, "******", 2);
    char *s = tmux_capture(&t, false);
    assert_null(strstr(s, "secret")); /* never echoed */
    free(s);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "✔ VERIFIED", 5);
    tmux_stop(&t);
    peer_stop(&p);
}

int main(void)
{
    harness_dir();
    if (tmux_missing())
        return 0;
    bin = harness_tlscope_path();
    root_ca = harness_path("root.crt");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_start_and_quit, tmux_teardown),
        cmocka_unit_test_teardown(test_history_and_recent, tmux_teardown),
        cmocka_unit_test_teardown(test_connect_and_panes, tmux_teardown),
        cmocka_unit_test_teardown(test_expired_verdict, tmux_teardown),
        cmocka_unit_test_teardown(test_escape_cancels_tarpit, tmux_teardown),
        cmocka_unit_test_teardown(test_escape_after_handshake_keeps_result, tmux_teardown),
        cmocka_unit_test_teardown(test_help_overlay, tmux_teardown),
        cmocka_unit_test_teardown(test_resize_relayouts, tmux_teardown),
        cmocka_unit_test_teardown(test_theme_switch, tmux_teardown),
        cmocka_unit_test_teardown(test_broken_theme_and_search, tmux_teardown),
        cmocka_unit_test_teardown(test_escape_sequences_in_subject, tmux_teardown),
        cmocka_unit_test_teardown(test_demo_lab, tmux_teardown),
        cmocka_unit_test_teardown(test_diff_after_profile_switch, tmux_teardown),
        cmocka_unit_test_teardown(test_write_json, tmux_teardown),
        cmocka_unit_test_teardown(test_keylog_toggle, tmux_teardown),
        cmocka_unit_test_teardown(test_client_cert, tmux_teardown),
        cmocka_unit_test_teardown(test_profile_key_passphrase_prompt, tmux_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    free(root_ca);
    return rc;
}
