/* Settings as the UI shows them (tmux): the home screen's profile list marks with ⚠ every
 * profile config_weakenings() finds something in — a minimum protocol below TLS 1.2 and a key
 * log included, which the list once missed — and leaves a profile that weakens nothing plain;
 * the editor's form has a row for every setting and its title carries the same warning; and
 * `e` on a result made from flags edits those settings (test_edit_settings_from_flags), also
 * over a profile (test_edit_profile_plus_flags). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/harness.h"
#include "lib/tmux.h"
#include "settings/settings.h"
#include "util/mem.h"

#define GOOD_CHAIN "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define ARGS(...)  ((const char *const[]){__VA_ARGS__, NULL})

static char *bin, *root_ca;

/* `e` on a result made from flags alone: the form holds those settings (max_protocol tls1.2),
 * titled "from the command line"; a change and Connect reconnects with it; d shows the
 * difference; s saves the settings as a profile that --profile reproduces. */
static void test_edit_settings_from_flags(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD_CHAIN)), 0);
    struct tmux t;
    tmux_start_cmd(&t, 110, 45, false, "%s --max-proto tls1.2 --cafile '%s' localhost:%u", bin,
                   root_ca, (unsigned)p.port);
    tmux_expect(&t, "TLSv1.2", 5);
    tmux_keys(&t, "e", true);
    tmux_expect(&t, "edit settings from the command line", 3);
    tmux_expect(&t, "max_protocol    ◂ tls1.2 ▸", 2);
    /* max_protocol (row 7) tls1.2 → tls1.3, then Connect */
    tmux_keys(&t, "Home", false);
    tmux_keys_n(&t, "Down", 7);
    tmux_expect(&t, "Highest protocol version", 2);
    tmux_keys(&t, "Right", false);
    tmux_expect(&t, "max_protocol    ◂ tls1.3 ▸", 2);
    tmux_keys(&t, "End", false);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "command-line flags (edited)", 5);
    tmux_expect(&t, "TLSv1.3", 2);
    tmux_keys(&t, "d", true);
    tmux_expect(&t, "Compare", 3);
    const char *const change[] = {"protocol ", "TLSv1.2", "TLSv1.3", NULL};
    tmux_expect_seq(&t, change, 2);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "[1 Summary]", 2);
    /* back in the form, the edit is still there; s asks for a name and saves */
    tmux_keys(&t, "e", true);
    tmux_expect(&t, "edit settings from the command line · changed", 3);
    tmux_keys(&t, "s", true);
    tmux_expect(&t, "save as", 2);
    tmux_keys(&t, "fromflags", true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "fromflags.yaml", 3);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 3);

    char *shown = tmux_run_with_home(&t, bin, "--show-profile fromflags");
    if (!strstr(shown, "max_protocol: tls1.3") || !strstr(shown, "host: localhost"))
        fail_msg("the saved profile lacks the edited settings:\n%s", shown);
    free(shown);
    char *json = tmux_run_with_home(&t, bin, "--json --profile fromflags");
    if (!strstr(json, "\"protocol\": \"TLSv1.3\"") || !strstr(json, "\"exit_status\": 0"))
        fail_msg("--profile fromflags does not reproduce the connection:\n%.2000s", json);
    free(json);
    tmux_stop(&t);
    peer_stop(&p);
}

/* The profile-list entry of `name` on screen: from the name to the origin word after it
 * ("mine"), so a ⚠ elsewhere on the line (the settings column) cannot count. */
static char *list_entry(const char *screen, const char *name)
{
    char *needle = xasprintf("%s ", name);
    const char *at = strstr(screen, needle);
    free(needle);
    if (!at)
        return NULL;
    const char *end = strstr(at, "mine");
    const char *eol = strchr(at, '\n');
    if (!end || (eol && eol < end))
        return NULL;
    return xstrndup(at, (size_t)(end - at));
}

static void test_home_marks_weakening_profiles(void **state)
{
    (void)state;
    struct tmux t;
    tmux_start_cmd(&t, 120, 50, false,
                   "sh -c 'd=\"$HOME/.config/tlscope/profiles\"; mkdir -p \"$d\" && "
                   "printf \"min_protocol: tls1.0\\n\" > \"$d/aold10.yaml\" && "
                   "printf \"keylog: /tmp/tlscope-test-keys\\n\" > \"$d/akeylog.yaml\" && "
                   "printf \"max_protocol: tls1.3\\n\" > \"$d/aplain.yaml\" && exec %s'",
                   bin);
    tmux_expect(&t, "aplain", 5);
    char *screen = tmux_capture(&t, false);
    const char *names[] = {"aold10", "akeylog", "aplain"};
    const bool weak[] = {true, true, false};
    for (size_t i = 0; i < 3; i++) {
        char *entry = list_entry(screen, names[i]);
        if (!entry)
            fail_msg("no list entry for %s:\n%s", names[i], screen);
        if ((strstr(entry, "⚠") != NULL) != weak[i])
            fail_msg("%s should%s be marked ⚠: [%s]\n%s", names[i], weak[i] ? "" : " not", entry,
                     screen);
        free(entry);
    }
    free(screen);

    /* The first profile (akeylog) in the editor: every row of the settings table is in the
     * form, and the title says the settings weaken verification. */
    tmux_keys(&t, "Tab", false);
    tmux_keys(&t, "Home", false);
    tmux_keys(&t, "e", true);
    tmux_expect(&t, "edit profile akeylog", 3);
    tmux_expect(&t, "weakens verification", 2);
    screen = tmux_capture(&t, false);
    for (size_t i = 0; i < settings_count(); i++) {
        char *row = xasprintf("   %s ", setting_at(i)->name); /* marker column, name, padding */
        if (!strstr(screen, row))
            fail_msg("the editor form has no row %s:\n%s", setting_at(i)->name, screen);
        free(row);
    }
    free(screen);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
}

/* `e` on a result made with a profile and flags that changed something opens its effective
 * settings (the flag's max_protocol tls1.2, not the profile's), titled "profile intermediate +
 * flags"; a change and Connect reconnects with it; d shows the difference; s asks for a name
 * and saves them as a new profile that --profile reproduces. */
static void test_edit_profile_plus_flags(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD_CHAIN)), 0);
    struct tmux t;
    tmux_start_cmd(&t, 110, 45, false,
                   "%s --profile intermediate --max-proto tls1.2 --cafile '%s' "
                   "localhost:%u",
                   bin, root_ca, (unsigned)p.port);
    tmux_expect(&t, "TLSv1.2", 5);
    tmux_keys(&t, "e", true);
    tmux_expect(&t, "edit profile intermediate + flags", 3);
    tmux_expect(&t, "max_protocol    ◂ tls1.2 ▸", 2);
    /* max_protocol (row 7) tls1.2 → tls1.3, then Connect */
    tmux_keys(&t, "Home", false);
    tmux_keys_n(&t, "Down", 7);
    tmux_expect(&t, "Highest protocol version", 2);
    tmux_keys(&t, "Right", false);
    tmux_expect(&t, "max_protocol    ◂ tls1.3 ▸", 2);
    tmux_keys(&t, "End", false);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "profile intermediate (edited)", 5);
    tmux_expect(&t, "TLSv1.3", 2);
    tmux_keys(&t, "d", true);
    tmux_expect(&t, "Compare", 3);
    const char *const change[] = {"protocol ", "TLSv1.2", "TLSv1.3", NULL};
    tmux_expect_seq(&t, change, 2);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "[1 Summary]", 2);
    /* back in the form, the edit is still there; s asks for a new name (none offered) */
    tmux_keys(&t, "e", true);
    tmux_expect(&t, "edit profile intermediate + flags · effective settings · changed", 3);
    tmux_keys(&t, "s", true);
    tmux_expect(&t, "save as (a profile name, Esc cancels):", 2);
    char *screen = tmux_capture(&t, false);
    if (strstr(screen, "my-intermediate"))
        fail_msg("saving the effective settings offers the profile's file name:\n%s", screen);
    free(screen);
    tmux_keys(&t, "plusflags", true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "plusflags.yaml", 3);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 3);

    char *shown = tmux_run_with_home(&t, bin, "--show-profile plusflags");
    if (!strstr(shown, "max_protocol: tls1.3") || !strstr(shown, "host: localhost"))
        fail_msg("the saved profile lacks the edited settings:\n%s", shown);
    free(shown);
    char *json = tmux_run_with_home(&t, bin, "--json --profile plusflags");
    if (!strstr(json, "\"protocol\": \"TLSv1.3\"") || !strstr(json, "\"exit_status\": 0"))
        fail_msg("--profile plusflags does not reproduce the connection:\n%.2000s", json);
    free(json);
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
        cmocka_unit_test(test_home_marks_weakening_profiles),
        cmocka_unit_test(test_edit_settings_from_flags),
        cmocka_unit_test(test_edit_profile_plus_flags),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    free(root_ca);
    return rc;
}
