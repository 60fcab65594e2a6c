/* The profile editor in a real terminal (tmux) against a real server: edit max_protocol and
 * Connect, a bad cipher string refused inline, saving a bundled profile under a new name that
 * --show-profile and --profile then reproduce, and quitting with unsaved changes asks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/harness.h"
#include "lib/tmux.h"
#include "settings/settings.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define GOOD_CHAIN "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define ARGS(...)  ((const char *const[]){__VA_ARGS__, NULL})

static char *bin, *root_ca;

/* In the open editor: the timeout row (last before Connect) set to `value`. */
static void set_timeout(struct tmux *t, const char *value)
{
    /* End is the Connect row below the last setting; timeout is as many rows up as the
     * table has rows from it to its end (rows added after it move it) */
    size_t up = settings_count() - setting_index(setting_find("timeout"));
    tmux_keys(t, "End", false);
    tmux_keys_n(t, "Up", (int)up);
    tmux_keys(t, "Enter", false);
    tmux_keys(t, "C-u", false);
    tmux_keys(t, value, true);
    tmux_keys(t, "Enter", false);
}

/* Opens the editor on the result of `--profile intermediate` and moves to row `row`. */
static void open_editor_at(struct tmux *t, int row)
{
    tmux_keys(t, "e", true);
    tmux_expect(t, "edit profile intermediate", 3);
    tmux_keys(t, "Home", false);
    tmux_keys_n(t, "Down", row);
}

static void test_edit_connect_save(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD_CHAIN)), 0);
    struct tmux t;
    tmux_start_cmd(&t, 100, 40, false, "%s --profile intermediate --cafile '%s' localhost:%u", bin,
                   root_ca, (unsigned)p.port);
    tmux_expect(&t, "TLSv1.3", 5);

    /* max_protocol (row 7) tls1.3 → tls1.2, then Connect */
    open_editor_at(&t, 7);
    tmux_expect(&t, "Highest protocol version", 2);
    tmux_keys(&t, "Left", false);
    tmux_expect_line(&t, "max_protocol", "tls1.2", 2); /* min_protocol shows tls1.2 already */
    tmux_expect(&t, "changed", 2);
    tmux_keys(&t, "End", false);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "profile intermediate (edited)", 5);
    tmux_expect(&t, "TLSv1.2", 2);
    /* the diff against the first connection names the change */
    tmux_keys(&t, "d", true);
    tmux_expect(&t, "Compare", 3);
    const char *const change[] = {"protocol ", "TLSv1.3", "TLSv1.2", NULL};
    tmux_expect_seq(&t, change, 2);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "[1 Summary]", 2);

    /* a bad cipher string (row 8) is refused inline with OpenSSL's reason */
    open_editor_at(&t, 8);
    tmux_keys(&t, "Enter", false);
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, "NOPE-NOT-A-CIPHER", true);
    tmux_keys(&t, "Tab", false);
    tmux_expect(&t, "OpenSSL matched no cipher suite", 2);
    tmux_expect(&t, "no cipher", 2);
    tmux_keys(&t, "s", true);        /* refused while a value is bad */
    tmux_expect(&t, "not saved", 2); /* and the focus is back on ciphers */
    tmux_keys(&t, "Enter", false);
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, "ECDHE+AESGCM", true);
    tmux_keys(&t, "Tab", false);
    if (!tmux_wait_gone(&t, "no cipher", 2))
        fail_msg("the reason stayed after a good value");

    /* min_protocol (row 6) above the edited max tls1.2 is refused; back down, it clears */
    tmux_keys(&t, "Home", false);
    tmux_keys_n(&t, "Down", 6);
    tmux_keys(&t, "Right", false);
    tmux_expect(&t, "above max_protocol TLS 1.2: no version is left to offer", 2);
    tmux_keys(&t, "End", false);
    tmux_keys(&t, "Enter", false); /* Connect is refused while it stands */
    tmux_expect(&t, "fix min_protocol first", 2);
    tmux_keys(&t, "Left", false);
    if (!tmux_wait_gone(&t, "no version is left", 2))
        fail_msg("the range note stayed after min_protocol came back to tls1.2");

    /* s on a bundled profile asks for a name */
    tmux_keys(&t, "s", true);
    tmux_expect(&t, "save as", 2);
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, "tls12only", true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "saved", 3);
    tmux_expect(&t, "edit profile tls12only", 2);

    /* a change after saving: quitting asks; c stays, d quits */
    set_timeout(&t, "7");
    tmux_keys(&t, "q", true);
    tmux_expect(&t, "save, discard, cancel? s/d/c", 2);
    tmux_keys(&t, "c", true);
    if (!tmux_wait_gone(&t, "save, discard, cancel", 2))
        fail_msg("c did not cancel");
    tmux_keys(&t, "q", true);
    tmux_expect(&t, "save, discard, cancel? s/d/c", 2);
    tmux_keys(&t, "d", true);
    tmux_expect(&t, "EXIT=0", 3);

    char *path = xasprintf("%s/.config/tlscope/profiles/tls12only.yaml", t.home);
    assert_int_equal(access(path, R_OK), 0);
    free(path);
    char *shown = tmux_run_with_home(&t, bin, "--show-profile tls12only");
    if (!strstr(shown, "max_protocol: tls1.2"))
        fail_msg("--show-profile tls12only:\n%s", shown);
    assert_null(strstr(shown, "timeout: 7")); /* the discarded change */
    free(shown);
    char *args = xasprintf("--profile tls12only --json --cafile '%s' localhost:%u", root_ca,
                           (unsigned)p.port);
    char *json = tmux_run_with_home(&t, bin, args);
    free(args);
    if (!strstr(json, "\"TLSv1.2\""))
        fail_msg("--profile tls12only --json:\n%s", json);
    free(json);
    tmux_stop(&t);
    peer_stop(&p);
}

/* A user profile that extends another keeps its extends when the editor saves it, and the
 * file holds only what differs from the parent. */
static void test_save_keeps_extends(void **state)
{
    (void)state;
    struct tmux t;
    /* env(1) in the harness covers one command: sh -c keeps its environment for all three */
    tmux_start_cmd(&t, 100, 40, false,
                   "sh -c 'd=\"$XDG_CONFIG_HOME/tlscope/profiles\" && mkdir -p \"$d\" && "
                   "printf \"extends: intermediate\\nmax_protocol: tls1.2\\n\" > "
                   "\"$d/child.yaml\" && exec %s --profile child'",
                   bin);
    tmux_expect(&t, "child", 5);
    tmux_keys(&t, "Tab", false); /* the profile list, child selected */
    tmux_keys(&t, "e", true);
    tmux_expect(&t, "edit profile child", 3);
    set_timeout(&t, "7");
    tmux_keys(&t, "s", true);
    tmux_expect(&t, "replace child.yaml? y/n", 2);
    tmux_keys(&t, "y", true);
    tmux_expect(&t, "saved", 3);
    char *path = xasprintf("%s/.config/tlscope/profiles/child.yaml", t.home), *data = NULL;
    char err[256];
    size_t n = 0;
    assert_int_equal(file_read_bounded(path, 1 << 20, &data, &n, err, sizeof err), 0);
    if (!strstr(data, "extends: intermediate\n") || !strstr(data, "max_protocol: tls1.2\n") ||
        !strstr(data, "timeout: 7\n") || strstr(data, "ciphersuites") || strstr(data, "alpn"))
        fail_msg("saved child.yaml should extend intermediate with its two changes:\n%s", data);
    free(data);
    free(path);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
}

int main(void)
{
    harness_dir();
    if (tmux_missing())
        return 0;
    bin = harness_tlscope_path();
    root_ca = harness_path("root.crt");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_edit_connect_save, tmux_teardown),
        cmocka_unit_test_teardown(test_save_keeps_extends, tmux_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    free(root_ca);
    return rc;
}
