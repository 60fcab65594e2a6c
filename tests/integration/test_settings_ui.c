/* Settings as the UI shows them (tmux): the home screen's profile list marks with ⚠ every
 * profile config_weakenings() finds something in — a minimum protocol below TLS 1.2 and a key
 * log included, which the list once missed — and leaves a profile that weakens nothing plain;
 * the editor's form has a row for every setting and its title carries the same warning. */
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

static char *bin;

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
    char *cmd = xasprintf(
        "sh -c 'd=\"$HOME/.config/tlscope/profiles\"; mkdir -p \"$d\" && "
        "printf \"min_protocol: tls1.0\\n\" > \"$d/aold10.yaml\" && "
        "printf \"keylog: /tmp/tlscope-test-keys\\n\" > \"$d/akeylog.yaml\" && "
        "printf \"max_protocol: tls1.3\\n\" > \"$d/aplain.yaml\" && exec %s'; echo EXIT=$?",
        bin);
    assert_int_equal(tmux_start(&t, 120, 50, NULL, false, cmd), 0);
    free(cmd);
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
    for (size_t i = 0; i < pkey_count(); i++) {
        char *row = xasprintf("   %s ", pkey_at(i)->name); /* marker column, name, padding */
        if (!strstr(screen, row))
            fail_msg("the editor form has no row %s:\n%s", pkey_at(i)->name, screen);
        free(row);
    }
    free(screen);
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_marks_weakening_profiles),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    return rc;
}
