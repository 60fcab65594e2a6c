/* Saving user profiles: what profile_save writes reads back equal, with mode 0600 in a 0700
 * directory; an existing profile is replaced only with force; a writer killed between
 * writing and renaming (the real binary, stopped by TLSCOPE_TEST_HOOK) leaves the old file
 * byte for byte; what the loader would refuse is never written (the load-back check); file
 * names are saved absolute; --save-profile keeps --theme. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/harness.h"
#include "engine/engine.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strlist.h"

/* The group's temp dir; each test points XDG_CONFIG_HOME at its own subdirectory of it. */
static char topdir[64];

static int group_setup(void **state)
{
    (void)state;
    snprintf(topdir, sizeof(topdir), "/tmp/tlscope-save-XXXXXX");
    if (!mkdtemp(topdir))
        return -1;
    char *home = xasprintf("%s/home", topdir);
    setenv("HOME", home, 1);
    free(home);
    unsetenv("TLSCOPE_TEST_HOOK");
    return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    nftw(topdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* Points XDG_CONFIG_HOME at topdir/sub (not created) and returns the profile directory
 * that implies (caller frees). */
static char *use_config_home(const char *sub)
{
    char *xdg = xasprintf("%s/%s", topdir, sub);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    char *dir = xasprintf("%s/tlscope/profiles", xdg);
    free(xdg);
    return dir;
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        fail_msg("cannot stat %s", path);
    return (unsigned)(st.st_mode & 07777);
}

static char *slurp(const char *path, size_t *n)
{
    char *data, err[600];
    size_t len;
    if (file_read_bounded(path, PROFILE_MAX_BYTES, &data, &len, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    if (n)
        *n = len;
    return data;
}

/* Names of our temp files (".NAME.yaml.tmp-XXXXXX") in dir: how many, and the first one. */
static int find_temps(const char *dir, const char *name, char **first)
{
    char *prefix = xasprintf(".%s.yaml.tmp-", name);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
            continue;
        if (n++ == 0 && first)
            *first = xasprintf("%s/%s", dir, de->d_name);
    }
    closedir(d);
    free(prefix);
    return n;
}

static struct profile load_or_fail(const char *path)
{
    struct profile p;
    struct profile_error err;
    if (profile_load_file(path, PROFILE_USER, &p, &err) != 0) {
        char buf[1200];
        fail_msg("%s", profile_error_format(&err, buf, sizeof(buf)));
    }
    return p;
}

/* A config that sets many kinds of keys away from their defaults. */
static void rich_config(struct tls_config *c)
{
    config_init(c);
    c->host = xstrdup("example.test");
    c->port = 8443;
    c->min_proto = PROTO_TLS1_2;
    c->max_proto = PROTO_TLS1_3;
    c->ciphers = xstrdup("ECDHE+AESGCM:ECDHE+CHACHA20");
    c->groups = xstrdup("X25519:P-256");
    c->sec_level = 1;
    strlist_push(&c->alpn, "h2");
    strlist_push(&c->alpn, "http/1.1");
    c->hostname_check = false;
    strlist_push(&c->ignore_errors, "X509_V_ERR_CERT_HAS_EXPIRED");
    c->key_pass = xstrdup("env:TLSCOPE_TEST_PASS");
    c->ocsp = true;
    c->timeout_s = 5.5;
}

static void test_save_reads_back_equal(void **state)
{
    (void)state;
    char *dir = use_config_home("roundtrip");
    struct tls_config cfg;
    rich_config(&cfg);
    struct profile_error err;
    char *path = profile_save("mine", &cfg, "a profile: with \"quotes\" and #", NULL, false, &err);
    if (!path)
        fail_msg("profile_save: %s", err.message);
    char *want = xasprintf("%s/mine.yaml", dir);
    assert_string_equal(path, want);

    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(mode_of(dir), 0700);
    char *parent = xasprintf("%s/..", dir); /* .../tlscope, also created by the save */
    assert_int_equal(mode_of(parent), 0700);
    assert_int_equal(find_temps(dir, "mine", NULL), 0);

    struct profile p = load_or_fail(path);
    assert_true(config_equal(&cfg, &p.cfg));
    assert_int_equal(p.set, profile_nondefault_keys(&cfg));
    assert_non_null(p.description);
    assert_string_equal(p.description, "a profile: with \"quotes\" and #");
    assert_null(p.extends);
    profile_free(&p);

    free(parent);
    free(want);
    free(path);
    free(dir);
    config_free(&cfg);
}

static void write_profile(const char *dir, const char *name, const char *yaml)
{
    char msg[256];
    char *path = xasprintf("%s/%s.yaml", dir, name);
    if (mkdir_p(dir, 0700, msg, sizeof(msg)) < 0 ||
        file_write_atomic(path, yaml, strlen(yaml), 0600, true, msg, sizeof(msg)) < 0)
        fail_msg("%s: %s", path, msg);
    free(path);
}

/* With extends, the file keeps its parent and holds only what differs from it; loading it
 * gives the saved configuration. A parent that comes back to the child is refused. */
static void test_save_with_extends(void **state)
{
    (void)state;
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    setenv("TLSCOPE_DATADIR", cwd, 1); /* the bundled profiles of this tree */
    char *dir = use_config_home("extends");
    write_profile(dir, "base", "alpn: [h2]\nmax_protocol: tls1.3\ntimeout: 5\n");
    struct profile_error err;
    struct tls_config cfg;
    config_init(&cfg);
    assert_int_equal(profile_apply("base", &cfg, NULL, &err), 0);
    cfg.max_proto = PROTO_TLS1_2; /* the one edit */
    char *path = profile_save("child", &cfg, NULL, "base", false, &err);
    if (!path)
        fail_msg("profile_save: %s", err.message);
    char *text = slurp(path, NULL);
    assert_non_null(strstr(text, "extends: base\n"));
    assert_non_null(strstr(text, "max_protocol: tls1.2\n"));
    assert_null(strstr(text, "alpn"));    /* inherited, not copied */
    assert_null(strstr(text, "timeout")); /* inherited, not copied */
    free(text);
    struct tls_config back;
    config_init(&back);
    assert_int_equal(profile_apply("child", &back, NULL, &err), 0);
    assert_true(config_equal(&cfg, &back));
    config_free(&back);
    free(path);

    /* a user profile that shadows a bundled one extends the bundled one */
    struct tls_config modern;
    config_init(&modern);
    assert_int_equal(profile_apply("modern", &modern, NULL, &err), 0);
    strlist_free(&modern.alpn);
    strlist_push(&modern.alpn, "http/1.1");
    path = profile_save("modern", &modern, NULL, "modern", false, &err);
    if (!path)
        fail_msg("profile_save modern: %s", err.message);
    text = slurp(path, NULL);
    assert_non_null(strstr(text, "extends: modern\n"));
    assert_non_null(strstr(text, "http/1.1"));
    assert_null(strstr(text, "min_protocol")); /* the bundled modern's, inherited */
    free(text);
    config_init(&back);
    assert_int_equal(profile_apply("modern", &back, NULL, &err), 0);
    assert_true(config_equal(&modern, &back));
    config_free(&back);
    free(path);
    config_free(&modern);

    /* child extending loop while loop extends child: refused */
    write_profile(dir, "loop", "extends: child\n");
    path = profile_save("child", &cfg, NULL, "loop", true, &err);
    assert_null(path);
    assert_non_null(strstr(err.message, "extends cycle: child → loop → child"));
    path = profile_save("child", &cfg, NULL, "no-such-parent", true, &err);
    assert_null(path);
    assert_non_null(strstr(err.message, "no profile named 'no-such-parent'"));
    config_free(&cfg);
    free(dir);
    unsetenv("TLSCOPE_DATADIR");
}

static void test_existing_replaced_only_with_force(void **state)
{
    (void)state;
    char *dir = use_config_home("force");
    struct tls_config one, two;
    config_init(&one);
    one.min_proto = PROTO_TLS1_0;
    config_init(&two);
    two.ciphersuites = xstrdup("TLS_AES_128_GCM_SHA256");
    struct profile_error err;

    char *path = profile_save("keep", &one, NULL, NULL, false, &err);
    assert_non_null(path);
    size_t n_before, n_after;
    char *before = slurp(path, &n_before);

    char *again = profile_save("keep", &two, NULL, NULL, false, &err);
    assert_null(again);
    char *want = xasprintf("%s exists; use --force to replace it", path);
    assert_string_equal(err.message, want);
    char *after = slurp(path, &n_after);
    assert_int_equal(n_after, n_before);
    assert_memory_equal(after, before, n_before);
    assert_int_equal(find_temps(dir, "keep", NULL), 0);
    free(after);

    again = profile_save("keep", &two, NULL, NULL, true, &err);
    if (!again)
        fail_msg("profile_save with force: %s", err.message);
    struct profile p = load_or_fail(again);
    assert_true(config_equal(&two, &p.cfg));
    assert_int_equal(mode_of(again), 0600);
    profile_free(&p);

    free(again);
    free(want);
    free(before);
    free(path);
    free(dir);
    config_free(&one);
    config_free(&two);
}

static void test_bad_names_refused(void **state)
{
    (void)state;
    char *dir = use_config_home("names");
    static const struct {
        const char *name, *hint;
    } cases[] = {
        {"", "letters, digits"},              /* empty */
        {".hidden", "not starting with '.'"}, /* hidden, like our temp files */
        {"..", "not starting with '.'"},      /* the parent directory */
        {"a/b", "letters, digits"},           /* a path */
        {"../escape", "letters, digits"},     /* out of the profile directory */
        {"sp ace", "letters, digits"},        /* blanks */
        {"tab\there", "letters, digits"},     /* control characters */
        {"mine.yaml", "without .yaml"},       /* would be saved as mine.yaml.yaml */
    };
    struct tls_config cfg;
    config_init(&cfg);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct profile_error err;
        char *path = profile_save(cases[i].name, &cfg, NULL, NULL, true, &err);
        if (path)
            fail_msg("case %zu: '%s' was saved to %s", i, cases[i].name, path);
        assert_non_null(strstr(err.message, "is not a valid profile name"));
        assert_non_null(strstr(err.message, cases[i].hint));
    }
    /* nothing was created, not even the directory */
    assert_int_equal(access(dir, F_OK), -1);
    struct profile_error err;
    char *ok = profile_save("a-Z_0.9", &cfg, NULL, NULL, false, &err);
    assert_non_null(ok);
    free(ok);
    config_free(&cfg);
    free(dir);
}

static void test_no_home_refused(void **state)
{
    (void)state;
    char *home = xstrdup(getenv("HOME"));
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    struct tls_config cfg;
    config_init(&cfg);
    struct profile_error err;
    char *path = profile_save("x", &cfg, NULL, NULL, false, &err);
    setenv("HOME", home, 1);
    assert_null(path);
    assert_non_null(strstr(err.message, "neither XDG_CONFIG_HOME nor HOME"));
    config_free(&cfg);
    free(home);
}

/* Starts argv with TLSCOPE_TEST_HOOK=pause-before-rename; returns the pid once the child has
 * stopped itself (bounded 10 s), or fails the test (killing the child). */
static pid_t start_paused(const char *const *argv)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a stopped orphan must not outlive the test */
        setenv("TLSCOPE_TEST_HOOK", "pause-before-rename", 1);
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        if (!getenv("HARNESS_VERBOSE"))
            dup2(null, STDOUT_FILENO);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    pid_t w = 0;
    for (int i = 0; i < 1000 && w == 0; i++) {
        w = waitpid(pid, &st, WUNTRACED | WNOHANG);
        if (w == 0)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    if (w == pid && WIFSTOPPED(st))
        return pid;
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("%s did not stop before the rename within 10 s", argv[0]);
    }
    fail_msg("%s ended instead of stopping before the rename (status 0x%x)", argv[0], (unsigned)st);
    return -1;
}

/* The kill test: tlscope --save-profile is stopped after writing and fsyncing its temp file
 * and killed there; the profile it was replacing is byte-identical and still loads, and the
 * complete new document exists only as a hidden temp file. */
static void test_killed_before_rename_keeps_old(void **state)
{
    (void)state;
    char *dir = use_config_home("kill");
    struct tls_config old;
    config_init(&old);
    old.min_proto = PROTO_TLS1_0;
    old.ciphers = xstrdup("DEFAULT");
    struct profile_error err;
    char *path = profile_save("victim", &old, "old", NULL, false, &err);
    if (!path)
        fail_msg("profile_save: %s", err.message);
    size_t n_old, n_now;
    char *old_bytes = slurp(path, &n_old);

    char *bin = harness_tlscope_path();
    const char *const argv[] = {bin,         "--save-profile", "victim",    "--force",
                                "--ciphers", "ECDHE+AESGCM",   "127.0.0.1", NULL};
    pid_t pid = start_paused(argv);
    char *temp = NULL;
    int temps = find_temps(dir, "victim", &temp);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    /* The old profile, byte for byte, still loadable as the old config. */
    char *now = slurp(path, &n_now);
    assert_int_equal(n_now, n_old);
    assert_memory_equal(now, old_bytes, n_old);
    struct profile p = load_or_fail(path);
    assert_true(config_equal(&old, &p.cfg));
    profile_free(&p);

    /* The kill landed between write and rename: the whole new document was in the temp. */
    assert_int_equal(temps, 1);
    assert_int_equal(find_temps(dir, "victim", NULL), 1);
    p = load_or_fail(temp);
    assert_non_null(p.cfg.ciphers);
    assert_string_equal(p.cfg.ciphers, "ECDHE+AESGCM");
    profile_free(&p);
    assert_int_equal(mode_of(temp), 0600);

    /* Unhooked, the same command replaces it; without --force it refuses (exit 64). */
    char *out = NULL, *errout = NULL;
    int rc = run_tlscope(argv + 1, 20, &out, &errout);
    if (rc != 0)
        fail_msg("tlscope --save-profile exited %d: %s", rc, errout ? errout : "");
    p = load_or_fail(path);
    assert_string_equal(p.cfg.ciphers, "ECDHE+AESGCM");
    profile_free(&p);
    free(out);
    free(errout);
    const char *const no_force[] = {"--save-profile", "victim",    "--ciphers",
                                    "DEFAULT",        "127.0.0.1", NULL};
    rc = run_tlscope(no_force, 20, &out, &errout);
    assert_int_equal(rc, 64);
    assert_non_null(errout);
    assert_non_null(strstr(errout, "exists; use --force to replace it"));

    free(out);
    free(errout);
    free(temp);
    free(now);
    free(bin);
    free(old_bytes);
    free(path);
    free(dir);
    config_free(&old);
}

/* Values the loader refuses are never written: profile_save parses its own document back
 * first. Nothing is created, not even the directory, and the message names the key. */
static void test_save_refuses_what_would_not_load(void **state)
{
    (void)state;
    char *dir = use_config_home("noload");
    static const struct {
        const char *key, *value, *says;
    } cases[] = {
        {"sni", "127.0.0.1",
         "sni: '127.0.0.1' is an IP address; a server name must be a host name (RFC 6066 "
         "forbids addresses in SNI)"},
        {"sni", "a b", "sni: 'a b' contains a space"},
        {"host", "bad host", "host: not a host name or an IP address: 'bad host' contains a space"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct tls_config cfg;
        config_init(&cfg);
        if (!strcmp(cases[i].key, "sni"))
            cfg.sni = xstrdup(cases[i].value);
        else
            cfg.host = xstrdup(cases[i].value);
        struct profile_error err;
        char *path = profile_save("bad", &cfg, NULL, NULL, true, &err);
        if (path)
            fail_msg("case %zu: %s '%s' was saved to %s", i, cases[i].key, cases[i].value, path);
        char *want =
            xasprintf("profile 'bad' not saved: it would not load back: %s", cases[i].says);
        assert_string_equal(err.message, want);
        free(want);
        config_free(&cfg);
    }
    assert_int_equal(access(dir, F_OK), -1);
    free(dir);
}

/* File names are saved absolute, so the profile means the same files from any directory:
 * relative names joined to the directory of the save ("./" dropped), "~/" expanded, a
 * file: passphrase source too; absolute names as they are. Loaded from elsewhere, the same. */
static void test_save_paths_absolute(void **state)
{
    (void)state;
    char *dir = use_config_home("abs");
    char err_buf[512];
    char *work = xasprintf("%s/work", topdir);
    assert_int_equal(mkdir(work, 0700), 0);
    char old_cwd[4096];
    assert_non_null(getcwd(old_cwd, sizeof(old_cwd)));
    assert_int_equal(chdir(work), 0);
    /* a CA file must exist to be saved (the loader refuses a missing one) */
    char *ca = xasprintf("%s/ca.pem", work);
    assert_int_equal(file_write_atomic(ca, "x", 1, 0644, false, err_buf, sizeof err_buf), 0);
    free(ca);
    struct tls_config cfg;
    config_init(&cfg);
    cfg.ca_file = xstrdup("ca.pem");
    cfg.cert_file = xstrdup("./certs/client.pem");
    cfg.key_file = xstrdup("~/client.key");
    cfg.key_pass = xstrdup("file:pass.txt");
    cfg.ca_path = xstrdup("/etc/ssl/certs");
    cfg.keylog = xstrdup("../keys.log");
    struct profile_error err;
    char *path = profile_save("abs", &cfg, NULL, NULL, false, &err);
    assert_int_equal(chdir(old_cwd), 0);
    if (!path)
        fail_msg("profile_save: %s", err.message);
    struct profile p = load_or_fail(path);
    char *want_ca = xasprintf("%s/ca.pem", work),
         *want_cert = xasprintf("%s/certs/client.pem", work);
    char *want_key = xasprintf("%s/client.key", getenv("HOME"));
    char *want_pass = xasprintf("file:%s/pass.txt", work),
         *want_log = xasprintf("%s/../keys.log", work);
    assert_string_equal(p.cfg.ca_file, want_ca);
    assert_string_equal(p.cfg.cert_file, want_cert);
    assert_string_equal(p.cfg.key_file, want_key);
    assert_string_equal(p.cfg.key_pass, want_pass);
    assert_string_equal(p.cfg.ca_path, "/etc/ssl/certs");
    assert_string_equal(p.cfg.keylog, want_log);
    profile_free(&p);
    char *wants[] = {want_ca, want_cert, want_key, want_pass, want_log, work, path, dir};
    for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
        free(wants[i]);
    config_free(&cfg);
}

/* Runs tlscope ARGS... in directory cwd (through sh); returns the exit status. */
static int run_in(const char *cwd, const char *const *args, char **out, char **errout)
{
    char *rel = harness_tlscope_path(), *bin = realpath(rel, NULL); /* we cd away from here */
    free(rel);
    if (!bin)
        fail_msg("no tlscope binary");
    const char *argv[24] = {"sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", cwd, bin};
    size_t n = 6;
    for (size_t i = 0; args[i] && n < 23; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int st = harness_run(argv, NULL, 20, out, errout);
    free(bin);
    if (st < 0)
        fail_msg("could not run tlscope");
    return st;
}

/* The command line: --sni 127.0.0.1 and --sni "a b" never leave a profile that fails to load
 * (exit 64, the key named, no file); a relative --cafile is saved absolute; --theme is kept. */
static void test_cli_save_profile(void **state)
{
    (void)state;
    char *dir = use_config_home("cli");
    char *work = xasprintf("%s/cliwork", topdir);
    assert_int_equal(mkdir(work, 0700), 0);
    static const char *const bad_sni[] = {"127.0.0.1", "a b"};
    for (size_t i = 0; i < 2; i++) {
        const char *const args[] = {"--save-profile", "bad",       "--sni",
                                    bad_sni[i],       "localhost", NULL};
        char *out, *errout;
        int st = run_in(work, args, &out, &errout);
        if (st != 64 || !strstr(errout, "sni"))
            fail_msg("--sni '%s': exit %d, stderr: %s", bad_sni[i], st, errout);
        free(out);
        free(errout);
    }
    char *bad = xasprintf("%s/bad.yaml", dir);
    assert_int_equal(access(bad, F_OK), -1);
    free(bad);

    /* a real CA file in the working directory, named relatively */
    char *ca_src = harness_path("root.crt");
    char *ca_text = slurp(ca_src, NULL), *ca = xasprintf("%s/ca.pem", work), msg[600];
    if (file_write_atomic(ca, ca_text, strlen(ca_text), 0644, true, msg, sizeof(msg)) < 0)
        fail_msg("%s", msg);
    const char *const args[] = {"--save-profile", "web",    "--theme",   "mono",
                                "--cafile",       "ca.pem", "localhost", NULL};
    char *out, *errout;
    int st = run_in(work, args, &out, &errout);
    if (st != 0)
        fail_msg("exit %d: %s", st, errout);
    char *path = xasprintf("%s/web.yaml", dir);
    struct profile p = load_or_fail(path);
    assert_non_null(p.cfg.ca_file);
    assert_string_equal(p.cfg.ca_file, ca);
    assert_non_null(p.cfg.theme);
    assert_string_equal(p.cfg.theme, "mono");
    profile_free(&p);
    free(out);
    free(errout);
    free(path);
    free(ca);
    free(ca_text);
    free(ca_src);
    free(work);
    free(dir);
}

int main(void)
{
    if (engine_register_validators() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_reads_back_equal),
        cmocka_unit_test(test_existing_replaced_only_with_force),
        cmocka_unit_test(test_save_with_extends),
        cmocka_unit_test(test_bad_names_refused),
        cmocka_unit_test(test_no_home_refused),
        cmocka_unit_test(test_killed_before_rename_keeps_old),
        cmocka_unit_test(test_save_refuses_what_would_not_load),
        cmocka_unit_test(test_save_paths_absolute),
        cmocka_unit_test(test_cli_save_profile),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
