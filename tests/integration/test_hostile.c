/* Hostile peers (tests/lib/hostile.h) against the engine, the CLI and the UI: a peer that
 * closes or resets at once must give an error report (exit 2), never a SIGPIPE; a peer that
 * floods or drips records after its ServerHello must lose to the deadline and to Esc/q/Ctrl-C,
 * because every engine step does bounded work. Also: a failed --reconnect says why. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "lib/hostile.h"
#include "lib/tmux.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *bin;

/* Runs tlscope --json with extra args against 127.0.0.1:port; returns the exit status (-1 when
 * killed by a signal or timed out) and the parsed JSON in *doc (NULL when not JSON). */
static int run_json(uint16_t port, const char *a1, const char *a2, double limit_s, json_t **doc)
{
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)port);
    const char *argv[6];
    size_t n = 0;
    argv[n++] = "--json";
    if (a1)
        argv[n++] = a1;
    if (a2)
        argv[n++] = a2;
    argv[n++] = target;
    argv[n] = NULL;
    char *out = NULL, *err = NULL;
    int st = run_tlscope(argv, limit_s, &out, &err);
    *doc = out ? json_loads(out, 0, NULL) : NULL;
    if (!*doc)
        print_message("stdout: %s\nstderr: %s\n", out ? out : "", err ? err : "");
    free(out);
    free(err);
    return st;
}

static const char *jerr(json_t *doc, const char *key)
{
    return json_string_value(json_object_get(json_object_get(doc, "error"), key));
}

/* 1: accept and close (FIN) — in most runs the old engine died of SIGPIPE (exit 141). */
static void test_fin_peer_is_an_error_report(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_hostile(&p, HOSTILE_FIN), 0);
    for (int i = 0; i < 10; i++) {
        json_t *doc;
        int st = run_json(p.port, NULL, NULL, 10, &doc);
        assert_int_equal(st, 2);
        assert_non_null(doc);
        assert_false(json_is_true(json_object_get(doc, "ok")));
        assert_string_equal(jerr(doc, "stage"), "tls");
        json_decref(doc);
    }
    peer_stop(&p);
}

static void test_reset_peer_is_an_error_report(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_hostile(&p, HOSTILE_RESET), 0);
    for (int i = 0; i < 5; i++) {
        json_t *doc;
        assert_int_equal(run_json(p.port, NULL, NULL, 10, &doc), 2);
        assert_non_null(doc);
        assert_non_null(jerr(doc, "message"));
        json_decref(doc);
    }
    peer_stop(&p);
}

/* The engine itself writes with MSG_NOSIGNAL: with SIGPIPE at its default action (as in any
 * program that embeds the engine), a closed peer must not kill this test process. */
static void test_engine_never_raises_sigpipe(void **state)
{
    (void)state;
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
    sigaction(SIGPIPE, &dfl, &old);
    struct peer p;
    assert_int_equal(peer_hostile(&p, HOSTILE_FIN), 0);
    for (int i = 0; i < 10; i++) {
        struct tls_config c;
        config_init(&c);
        c.host = xstrdup("127.0.0.1");
        c.port = p.port;
        c.timeout_s = 5;
        struct report *r = engine_connect(&c);
        assert_false(r->ok);
        assert_int_equal(r->error.stage, STAGE_TLS);
        report_free(r);
        config_free(&c);
    }
    peer_stop(&p);
    sigaction(SIGPIPE, &old, NULL);
}

/* 2: ServerHello, then HelloRequest records without end. --timeout 2 must win: before the fix
 * one SSL_connect call never returned (still running at 40 s, 100% CPU). */
static void check_deadline(enum hostile_kind kind)
{
    struct peer p;
    assert_int_equal(peer_hostile(&p, kind), 0);
    json_t *doc;
    int64_t t0 = mono_ms();
    int st = run_json(p.port, "--timeout", "2", 15, &doc);
    int64_t took = mono_ms() - t0;
    assert_int_equal(st, 2);
    assert_non_null(doc);
    assert_true(took < 6000);
    assert_string_equal(jerr(doc, "stage"), "timeout");
    assert_string_equal(jerr(doc, "during"), "tls");
    /* the hint says what the server did rather than "is this port TLS?" */
    assert_non_null(strstr(jerr(doc, "hint"), "HelloRequest messages"));
    json_decref(doc);
    peer_stop(&p);
}

static void test_flood_loses_to_the_deadline(void **state)
{
    (void)state;
    check_deadline(HOSTILE_FLOOD);
}

static void test_drip_loses_to_the_deadline(void **state)
{
    (void)state;
    check_deadline(HOSTILE_DRIP);
}

/* Each conn_step against a flood returns quickly, so a caller's cancel gets its turn. */
static void test_flood_steps_are_bounded(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_hostile(&p, HOSTILE_FLOOD), 0);
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 20;
    struct conn *c;
    char err[256];
    assert_int_equal(conn_new(NULL, &cfg, &c, err, sizeof err), 0);
    int64_t start = mono_us(), worst = 0;
    int steps = 0;
    struct conn_poll cp;
    bool running = true;
    while (running && mono_us() - start < 500000 && steps < 1000000) {
        int64_t t = mono_us();
        running = conn_step(c, steps ? &cp : NULL);
        int64_t d = mono_us() - t;
        worst = d > worst ? d : worst;
        steps++;
        conn_want(c, &cp);
        conn_poll_wait(&cp, 50000);
    }
    assert_true(running); /* still handshaking: the flood never ends on its own */
    assert_int_equal(conn_stage(c), STAGE_TLS);
    assert_true(steps > 10);
    conn_cancel(c);
    struct report *r = conn_take_report(c);
    assert_int_equal(r->error.stage, STAGE_CANCELLED);
    print_message("# flood: %d steps in 0.5 s, the longest %.2f ms\n", steps, worst / 1000.0);
    assert_true(worst < 100000); /* one step: at most ~32 records, far below 100 ms */
    report_free(r);
    conn_free(c);
    config_free(&cfg);
    peer_stop(&p);
}

/* 9: a failed second connection is an error of stage "reconnect", not a silent "not resumed".
 * s_server -naccept 2 serves the harness's start-up probe and our first connection, then exits,
 * so the reconnect finds no server. */
static void test_failed_reconnect_says_why(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false,
                                   ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain",
                                        "@inter.crt", "-naccept", "2")),
                     0);
    char *ca = harness_path("root.crt");
    json_t *doc;
    int st = run_json(p.port, "--reconnect", "--no-verify", 15, &doc);
    assert_int_equal(st, 0);
    assert_non_null(doc);
    assert_true(json_is_true(json_object_get(doc, "ok")));
    assert_string_equal(jerr(doc, "stage"), "reconnect");
    assert_non_null(strstr(jerr(doc, "message"), "second connection"));
    json_t *sess = json_object_get(doc, "session");
    assert_true(json_is_false(json_object_get(sess, "resumed_on_reconnect")));
    json_decref(doc);
    free(ca);
    peer_stop(&p);
}

/* ---- the UI ---------------------------------------------------------------------------- */

static void start_ui(struct tmux *t, uint16_t port)
{
    tmux_start_cmd(t, 80, 24, false, "%s --timeout 60 127.0.0.1:%u", bin, (unsigned)port);
}

/* Esc, q and Ctrl-C all answer while a flood keeps the handshake busy. */
static void test_ui_flood_esc_q_ctrl_c(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    assert_int_equal(peer_hostile(&p, HOSTILE_FLOOD), 0);
    start_ui(&t, p.port);
    tmux_expect(&t, "handshaking", 5);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "cancelled while handshaking", 3);
    tmux_keys(&t, "C-c", false); /* the host line has the focus again: q would be text */
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);

    start_ui(&t, p.port);
    tmux_expect(&t, "handshaking", 5);
    tmux_keys(&t, "q", true);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);

    start_ui(&t, p.port);
    tmux_expect(&t, "handshaking", 5);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
    peer_stop(&p);
}

/* The UI against a peer that closes at once: it stays up, shows the error, and quits cleanly
 * (before the fix it died of SIGPIPE and left the terminal in the alternate screen). */
static void test_ui_fin_peer(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    assert_int_equal(peer_hostile(&p, HOSTILE_FIN), 0);
    start_ui(&t, p.port);
    tmux_expect(&t, "without answering our ClientHello", 5);
    tmux_keys(&t, "q", true);
    tmux_expect(&t, "EXIT=", 3);
    char *s = tmux_capture(&t, false);
    assert_null(strstr(s, "ClientHello")); /* the normal screen is back */
    free(s);
    tmux_stop(&t);
    peer_stop(&p);
}

int main(void)
{
    bin = harness_tlscope_path();
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fin_peer_is_an_error_report),
        cmocka_unit_test(test_reset_peer_is_an_error_report),
        cmocka_unit_test(test_engine_never_raises_sigpipe),
        cmocka_unit_test(test_flood_loses_to_the_deadline),
        cmocka_unit_test(test_drip_loses_to_the_deadline),
        cmocka_unit_test(test_flood_steps_are_bounded),
        cmocka_unit_test(test_failed_reconnect_says_why),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (tmux_missing()) {
        free(bin);
        return failed;
    }
    const struct CMUnitTest ui_tests[] = {
        cmocka_unit_test_teardown(test_ui_flood_esc_q_ctrl_c, tmux_teardown),
        cmocka_unit_test_teardown(test_ui_fin_peer, tmux_teardown),
    };
    failed += cmocka_run_group_tests(ui_tests, NULL, NULL);
    free(bin);
    return failed;
}
