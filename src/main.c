/* tlscope entry point: parse the command line into a tls_config and a mode, run it. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/diffsrc.h"
#include "cli/doctor.h"
#include "compare/diff.h"
#include "compare/scan_diff.h"
#include "engine/engine.h"
#include "model/config.h"
#include "profile/profile.h"
#include "scan/scan.h"
#include "render/diff.h"
#include "render/json.h"
#include "render/scan.h"
#include "render/text.h"
#include "settings/settings.h"
#include "ui/ui.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/outgate.h"
#include "util/sanitize.h"
#include "util/timeutil.h"

#ifndef TLSCOPE_VERSION
#define TLSCOPE_VERSION "dev"
#endif

#define EXIT_USAGE 64

/* Options of tlscope itself; the connection settings' flags come from the settings table
 * (settings_flag_at), with ids OPT_SETTING + their index. */
enum opt_id {
    OPT_JSON = 1000,
    OPT_FORMAT,
    OPT_COMPACT,
    OPT_PROFILE,
    OPT_SAVE_PROFILE,
    OPT_FORCE,
    OPT_LIST_PROFILES,
    OPT_SHOW_PROFILE,
    OPT_DEMO,
    OPT_DIFF,
    OPT_SCAN,
    OPT_CHECK_CHAIN,
    OPT_NAME,
    OPT_FIX_CHAIN,
    OPT_VERSION,
    OPT_HELP,
    OPT_SETTING = 2000,
};

/* One table drives getopt_long and --help, with the settings table's flags in between. */
static const struct cli_option {
    const char *name;
    int has_arg;
    int id;
    int short_opt;
    const char *metavar;
    const char *help;
} cli_options[] = {
    {"json", no_argument, OPT_JSON, 0, NULL, "print one JSON document (see docs/json.md)"},
    {"format", required_argument, OPT_FORMAT, 0, "json|text", "output format (default: text)"},
    {"compact", no_argument, OPT_COMPACT, 0, NULL, "JSON on one line"},
    {"profile", required_argument, OPT_PROFILE, 'p', "NAME|PATH",
     "start from this profile; flags override its values"},
    {"save-profile", required_argument, OPT_SAVE_PROFILE, 0, "NAME",
     "save the effective settings (profile + flags + target) as a user profile"},
    {"force", no_argument, OPT_FORCE, 0, NULL, "let --save-profile replace an existing profile"},
    {"list-profiles", no_argument, OPT_LIST_PROFILES, 0, NULL, "list bundled and user profiles"},
    {"show-profile", required_argument, OPT_SHOW_PROFILE, 0, "NAME",
     "print a profile merged with what it extends, as YAML"},
    {"demo", no_argument, OPT_DEMO, 0, NULL,
     "start a lab of local TLS servers and explore them in the UI"},
    {"diff", no_argument, OPT_DIFF, 0, "A B",
     "compare two saved --json reports, chain files or live targets (exit 1 when they differ)"},
    {"check-chain", required_argument, OPT_CHECK_CHAIN, 0, "FILE",
     "lint a chain file (PEM, DER, PKCS#7, PKCS#12, Kubernetes secret, - for stdin) before "
     "deploying it; exit 0 when ready"},
    {"name", required_argument, OPT_NAME, 0, "HOST", "--check-chain: the name it must cover"},
    {"fix-chain", required_argument, OPT_FIX_CHAIN, 0, "OUT",
     "--check-chain: write the chain to serve (leaf, path intermediates) to OUT"},
    {"scan", no_argument, OPT_SCAN, 0, NULL,
     "scan the server: every version, suite, group, signature algorithm, certificate"},
    {"version", no_argument, OPT_VERSION, 'V', NULL, "print the version and exit"},
    {"help", no_argument, OPT_HELP, 'h', NULL, "print this help and exit"},
};
#define N_OPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))
/* How many options getopt sees: ours and the settings table's. */
#define N_ALL_OPTIONS (N_OPTIONS + settings_flag_count())

static void usage_line(FILE *f, const char *name, int short_opt, const char *metavar,
                       const char *help)
{
    char left[64];
    if (name && short_opt)
        snprintf(left, sizeof(left), "-%c, --%s", short_opt, name);
    else if (name)
        snprintf(left, sizeof(left), "    --%s%s%s", name, metavar && *metavar != '[' ? " " : "",
                 metavar ? metavar : "");
    else
        snprintf(left, sizeof(left), "-%c", short_opt);
    fprintf(f, "  %-30s %s\n", left, help);
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: tlscope [--json] [options] HOST[:PORT]\n"
               "       tlscope --scan [--json] [--parallel N] [--delay MS] [options] HOST[:PORT]\n"
               "       tlscope [--json] --diff A B   (saved reports, chain files or targets)\n"
               "       tlscope [--json] --check-chain FILE [--key KEY] [--name HOST] "
               "[--fix-chain OUT]\n"
               "Connects once, shows the handshake, negotiation, certificate chain and what is "
               "wrong.\nHOST is a name, an IPv4 address or [IPv6]; PORT defaults to 443.\n\n"
               "Options:\n");
    for (size_t i = 0; i < 3; i++) /* output */
        usage_line(f, cli_options[i].name, cli_options[i].short_opt, cli_options[i].metavar,
                   cli_options[i].help);
    for (size_t i = 0; i < settings_flag_count(); i++) {
        const struct setting_flag *sf = settings_flag_at(i);
        usage_line(f, sf->name, sf->short_opt, sf->metavar, sf->help);
    }
    for (size_t i = 3; i < N_OPTIONS; i++)
        usage_line(f, cli_options[i].name, cli_options[i].short_opt, cli_options[i].metavar,
                   cli_options[i].help);
    fprintf(f, "\nProfile keys (YAML, in profiles/ and ~/.config/tlscope/profiles/):\n");
    for (size_t i = 0; i < settings_count(); i++) {
        const struct setting *k = setting_at(i);
        fprintf(f, "  %-16s %s", k->name, k->help);
        if (k->values)
            fprintf(f, " Values: %s.", k->values);
        const char *flags = setting_flags_text(k);
        fprintf(f, " Default: %s.%s%s\n", k->default_text, flags ? " Flag: " : "",
                flags ? flags : "");
    }
    fprintf(f, "\nExit status: 0 verified (or --no-verify), 1 handshake done but not verified,\n"
               "2 no TLS session (DNS, TCP, handshake, timeout), 64 usage error.\n"
               "With --diff: 0 no fact changed, 1 some fact changed,\n"
               "64 a file is unreadable or not a tlscope report.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Every argument may hold what a user, a file or a peer wrote: out_vprintf sanitises them. */
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tlscope: ", stderr);
    out_vprintf(stderr, fmt, ap);
    fputs("\nTry 'tlscope --help'.\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

struct cli {
    struct tls_config cfg;
    bool json, compact;
    const char *profile, *save_profile, *show_profile;
    bool force, list_profiles, demo, format_set, diff, scan;
    const char *check_chain, *name, *fix_chain;
};

static int apply_option(struct cli *cli, int id, const char *arg)
{
    if (id >= OPT_SETTING && (size_t)(id - OPT_SETTING) < settings_flag_count()) {
        const struct setting_flag *f = settings_flag_at((size_t)(id - OPT_SETTING));
        struct setting_error se;
        char buf[700];
        if (setting_flag_apply(f, arg, &cli->cfg, &se) < 0)
            return usage_error("%s",
                               setting_error_format(&se, setting_flag_label(f), buf, sizeof buf));
        return 0;
    }
    switch (id) {
    case OPT_JSON: cli->json = cli->format_set = true; break;
    case OPT_FORMAT:
        cli->format_set = true;
        if (!strcmp(arg, "json"))
            cli->json = true;
        else if (!strcmp(arg, "text"))
            cli->json = false;
        else
            return usage_error("--format '%s': expected json or text", arg);
        break;
    case OPT_COMPACT: cli->compact = true; break;
    case OPT_PROFILE: cli->profile = arg; break;
    case OPT_SAVE_PROFILE: cli->save_profile = arg; break;
    case OPT_FORCE: cli->force = true; break;
    case OPT_LIST_PROFILES: cli->list_profiles = true; break;
    case OPT_SHOW_PROFILE: cli->show_profile = arg; break;
    case OPT_DEMO: cli->demo = true; break;
    case OPT_DIFF: cli->diff = true; break;
    case OPT_SCAN: cli->scan = true; break;
    case OPT_CHECK_CHAIN: cli->check_chain = arg; break;
    case OPT_NAME: cli->name = arg; break;
    case OPT_FIX_CHAIN: cli->fix_chain = arg; break;
    default: return EXIT_USAGE;
    }
    return 0;
}

/* Builds getopt_long's tables from cli_options and the settings table's flags. */
static void add_getopt(struct option *longopts, size_t *nl, char *shortopts, size_t *ns,
                       const char *name, int has_arg, int id, int short_opt)
{
    if (name)
        longopts[(*nl)++] = (struct option){name, has_arg, NULL, id};
    if (short_opt) {
        shortopts[(*ns)++] = (char)short_opt;
        if (has_arg)
            shortopts[(*ns)++] = ':';
    }
}

static void build_getopt(struct option *longopts, char *shortopts)
{
    size_t nl = 0, ns = 0;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct cli_option *o = &cli_options[i];
        add_getopt(longopts, &nl, shortopts, &ns, o->name, o->has_arg, o->id, o->short_opt);
    }
    for (size_t i = 0; i < settings_flag_count(); i++) {
        const struct setting_flag *f = settings_flag_at(i);
        add_getopt(longopts, &nl, shortopts, &ns, f->name,
                   f->fixed ? (f->metavar ? optional_argument : no_argument) : required_argument,
                   OPT_SETTING + (int)i, f->short_opt);
    }
    longopts[nl] = (struct option){0};
    shortopts[ns] = '\0';
}

static int short_to_id(int ch)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (cli_options[i].short_opt == ch)
            return cli_options[i].id;
    for (size_t i = 0; i < settings_flag_count(); i++)
        if (settings_flag_at(i)->short_opt == ch)
            return OPT_SETTING + (int)i;
    return -1;
}

static bool is_profile_option(int id)
{
    return id < OPT_SETTING;
}

static void list_profiles(void)
{
    struct profile_entry *e;
    size_t n;
    profile_list(&e, &n);
    /* Names, descriptions and directories come from files and the environment. */
    out_printf(stdout, "%-20s %-8s %s\n", "NAME", "ORIGIN", "DESCRIPTION");
    for (size_t i = 0; i < n; i++)
        out_printf(stdout, "%-20s %-8s %s%s\n", e[i].name, profile_origin_name(e[i].origin),
                   e[i].shadowed ? "(shadowed by a user profile) " : "", e[i].description);
    if (n == 0)
        out_printf(stdout, "(no profiles found)\n");
    char *user = profile_user_dir(), *bundled = profile_bundled_dir();
    out_printf(stdout, "\nbundled: %s\nuser:    %s\n", bundled, user ? user : "(HOME is not set)");
    free(user);
    free(bundled);
    profile_entries_free(e, n);
}

struct parsed_opt {
    int id;
    const char *arg;
};

/* Collects the options in order; returns 0, a usage status, or -1 when --help/--version ran. */
static int collect_loop(int argc, char **argv, const struct option *longopts, const char *shortopts,
                        struct parsed_opt *opts, size_t *n, struct cli *cli)
{
    int ch;
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (ch == '?') {
            if (optopt && optopt < 256)
                return usage_error("unknown option '-%c'", optopt);
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
        if (ch == ':')
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        int id = ch < 256 ? short_to_id(ch) : ch;
        if (id == OPT_HELP) {
            usage(stdout);
            return -1;
        }
        if (id == OPT_VERSION) {
            printf("tlscope %s (%s)\n", TLSCOPE_VERSION, engine_openssl_version());
            return -1;
        }
        if (is_profile_option(id)) {
            int st = apply_option(cli, id, optarg);
            if (st)
                return st;
        } else {
            opts[(*n)++] = (struct parsed_opt){id, optarg};
        }
    }
    return 0;
}

static int collect_options(int argc, char **argv, struct parsed_opt *opts, size_t *n,
                           struct cli *cli)
{
    struct option *longopts = xcalloc(N_ALL_OPTIONS + 1, sizeof(*longopts));
    char *shortopts = xcalloc(2 * N_ALL_OPTIONS + 2, 1);
    shortopts[0] = ':';
    build_getopt(longopts, shortopts + 1);
    opterr = 0;
    int rc = collect_loop(argc, argv, longopts, shortopts, opts, n, cli);
    free(longopts);
    free(shortopts);
    return rc;
}

/* Keys to write for --show-profile / --save-profile: what the profile chain set explicitly
 * (even to a default value) plus everything else that differs from the defaults. */
static uint64_t keys_to_write(const struct tls_config *cfg, uint64_t set)
{
    return set | profile_nondefault_keys(cfg);
}

/* The flags given on the command line, re-applied by the UI over any profile it loads. */
struct flag_set {
    const struct parsed_opt *opts;
    size_t n;
};

static void reapply_flags(struct tls_config *cfg, void *arg)
{
    const struct flag_set *fs = arg;
    struct cli tmp = {.cfg = *cfg};
    for (size_t i = 0; i < fs->n; i++) {
        const struct parsed_opt *o = &fs->opts[i];
        const struct setting_flag *f =
            o->id >= OPT_SETTING ? settings_flag_at((size_t)(o->id - OPT_SETTING)) : NULL;
        const struct setting *k = f ? setting_flag_setting(f) : NULL;
        /* Validated once already. A file checked then may be gone now: the UI's connect
         * reports that, and nothing may print to stderr under curses. */
        if (k && (k->check == CHECK_CA_FILE || k->check == CHECK_CA_DIR))
            set_str((char **)((char *)&tmp.cfg + k->offset), o->arg);
        else
            apply_option(&tmp, o->id, o->arg);
    }
    *cfg = tmp.cfg;
}

static int set_target(struct cli *cli, const char *target)
{
    char err[512];
    uint16_t profile_port = cli->cfg.port;
    if (target_parse(target, &cli->cfg, err, sizeof(err)) < 0)
        return usage_error("%s", err);
    if (!target_has_port(target) && profile_port != 443)
        cli->cfg.port = profile_port; /* "host" keeps the profile's port */
    return 0;
}

static int run_ui(struct cli *cli, const char *target, const struct flag_set *flags)
{
    int st;
    if (target && (st = set_target(cli, target)) != 0)
        return st;
    struct ui_options uo = {
        .cfg = &cli->cfg,
        .apply_flags = reapply_flags,
        .apply_flags_arg = (void *)flags,
        .profile = cli->profile,
        .connect_now = target != NULL,
        .demo = cli->demo,
        .theme = cli->cfg.theme,
    };
    return ui_run(&uo);
}

static int run(struct cli *cli, const char *target)
{
    char err[512];
    int st;
    if (target && (st = set_target(cli, target)) != 0)
        return st;
    if (!cli->cfg.host && !cli->save_profile && !cli->show_profile) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (cli->save_profile) {
        if (engine_check_config(&cli->cfg, err, sizeof(err)) < 0)
            return usage_error("%s", err);
        struct profile_error perr;
        char *desc = cli->profile ? xasprintf("Saved by tlscope from profile %s", cli->profile)
                                  : xstrdup("Saved by tlscope");
        char *path = profile_save(cli->save_profile, &cli->cfg, desc, NULL, cli->force, &perr);
        free(desc);
        if (!path) {
            char buf[1200];
            return usage_error("%s", profile_error_format(&perr, buf, sizeof(buf)));
        }
        out_printf(stderr, "tlscope: saved profile '%s' to %s\n", cli->save_profile, path);
        free(path);
        return 0;
    }
    struct report *r = engine_connect(&cli->cfg);
    if (r->error.stage == STAGE_INTERNAL) {
        /* A local problem found only at connect time: a key log that cannot be opened, or
         * that could not be written during the handshake (then ok may be true: the report
         * is still withheld, so no run looks complete while its key log is not). */
        st = usage_error("%s", r->error.message);
        report_free(r);
        return st;
    }
    char *doc = cli->json ? json_render_report(r, !cli->compact) : text_render_report(r, 80);
    /* JSON escapes every control itself; the text report passes the gate line by line. */
    cli->json ? fputs(doc, stdout) : out_fputs_text(doc, stdout);
    free(doc);
    int status = report_exit_status(r);
    report_free(r);
    return status;
}

/* --scan's progress bar on stderr (only when it is a terminal). */
static void scan_progress(const struct scan *s, void *arg)
{
    int64_t *last = arg;
    int64_t now = mono_us();
    if (now - *last < 50000)
        return; /* 20 redraws a second at most */
    *last = now;
    struct scan_progress pr;
    scan_get_progress(s, &pr);
    unsigned planned = pr.planned ? pr.planned : 1, done = pr.done > planned ? planned : pr.done;
    int width = 30, fill = (int)(done * (unsigned)width / planned);
    char bar[31];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(width - fill));
    bar[width] = '\0';
    fprintf(stderr, "\rscanning [%s] %u/%u probes, %u connections%s ", bar, done, planned,
            pr.connections, pr.throttled ? ", throttled" : "");
}

/* tlscope --scan: 0 scanned, 2 no connection at all, 64 usage. */
static int run_scan(struct cli *cli, const char *target)
{
    char err[512];
    int st;
    if (target && (st = set_target(cli, target)) != 0)
        return st;
    if (!cli->cfg.host)
        return usage_error("--scan needs a target: tlscope --scan HOST[:PORT]");
    if (cli->save_profile || cli->demo)
        return usage_error("--scan cannot be combined with --save-profile or --demo");
    if (engine_check_config(&cli->cfg, err, sizeof(err)) < 0)
        return usage_error("%s", err);
    struct engine *e = engine_new();
    struct scan_opts so = {.parallel = cli->cfg.scan_parallel, .delay_ms = cli->cfg.scan_delay_ms};
    struct scan *s;
    if (scan_new(e, &cli->cfg, &so, &s, err, sizeof(err)) < 0) {
        engine_free(e);
        return usage_error("%s", err);
    }
    int64_t last = 0;
    bool bar = isatty(STDERR_FILENO);
    struct scan_report *r = scan_run(s, bar ? scan_progress : NULL, &last);
    if (bar)
        fputs("\r\033[K", stderr);
    scan_free(s);
    engine_free(e);
    char *doc = cli->json ? scan_render_json(r, !cli->compact) : scan_render_text(r);
    cli->json ? fputs(doc, stdout) : out_fputs_text(doc, stdout);
    free(doc);
    bool any = false;
    for (int v = 0; v < SCAN_VERSIONS; v++)
        any |= r->protos[v].supported == TRI_YES;
    scan_report_free(r);
    return any ? 0 : 2;
}

/* tlscope --check-chain FILE [--key K] [--name HOST] [--fix-chain OUT [--force]]. */
static int run_check_chain(const struct cli *cli, const char *target)
{
    if (!cli->check_chain)
        return usage_error("%s needs --check-chain FILE",
                           cli->fix_chain ? "--fix-chain" : "--name");
    if (target)
        return usage_error("--check-chain checks a file; unexpected target '%s'", target);
    struct doctor_cli o = {
        .file = cli->check_chain,
        .name = cli->name,
        .fix_out = cli->fix_chain,
        .force = cli->force,
        .json = cli->json,
        .compact = cli->compact,
        .cfg = &cli->cfg,
    };
    return doctor_cli_run(&o);
}

/* tlscope [--json] --diff A B: each side a saved report, a chain file or a live target (issue
 * 13); 0 when no fact changed, 1 when one did, 64 when a side cannot be read or reached as
 * asked. */
static int run_diff(const struct cli *cli, int n_files, char **files, size_t n_conn_opts)
{
    if (n_files != 2)
        return usage_error("--diff needs two report files, chain files or targets: tlscope "
                           "--json --diff A.json B.json");
    char err[1200], *doc[2] = {NULL, NULL};
    enum diffsrc_kind kind[2];
    struct diff d;
    int status = EXIT_USAGE;
    for (int i = 0; i < 2; i++)
        if (!(doc[i] = diffsrc_json(files[i], &cli->cfg, &kind[i], err, sizeof err))) {
            usage_error("--diff: %s", err);
            goto out;
        }
    if (kind[0] == DIFFSRC_REPORT && kind[1] == DIFFSRC_REPORT &&
        (n_conn_opts || cli->profile || cli->save_profile || cli->show_profile || cli->demo)) {
        usage_error("--diff compares two saved reports; connection options do not apply");
        goto out;
    }
    if (scan_diff_is_scan(doc[0]) || scan_diff_is_scan(doc[1])) { /* two scan reports */
        struct scan_diff sd;
        if (scan_diff_json(doc[0], doc[1], &sd, err, sizeof(err)) < 0) {
            usage_error("--diff: %s: %s", err[0] == 'B' ? files[1] : files[0], err + 3);
            goto out;
        }
        char *text = scan_diff_render(&sd, cli->json, !cli->compact);
        cli->json ? fputs(text, stdout) : out_fputs_text(text, stdout);
        free(text);
        status = scan_diff_count(&sd) ? 1 : 0;
        scan_diff_free(&sd);
        goto out;
    }
    if (diff_json(doc[0], doc[1], &d, err, sizeof(err)) < 0) {
        /* err starts with "A: " or "B: "; name the file instead. */
        const char *which = err[0] == 'B' ? files[1] : files[0];
        usage_error("--diff: %s: %s", which, err[0] && err[1] == ':' ? err + 3 : err);
        goto out;
    }
    char *text = cli->json ? diff_render_json(&d, !cli->compact) : diff_render_text(&d, false, 80);
    cli->json ? fputs(text, stdout) : out_fputs_text(text, stdout);
    free(text);
    status = d.n_changed ? 1 : 0;
    diff_free(&d);
out:
    free(doc[0]);
    free(doc[1]);
    return status;
}

int main(int argc, char **argv)
{
    /* A peer that closes while we write gives EPIPE, never SIGPIPE (the engine also sends
     * with MSG_NOSIGNAL; this covers every other descriptor: pipes, a closed stdout). */
    signal(SIGPIPE, SIG_IGN);
    /* The settings table's OpenSSL checks, before any flag or profile value is read. */
    if (engine_register_validators() != 0) {
        fputs("tlscope: internal error: a setting has no validator\n", stderr);
        return EXIT_USAGE;
    }
    doctor_cli_init();
    struct cli cli = {0};
    config_init(&cli.cfg);
    struct parsed_opt *opts = xcalloc((size_t)argc + 1, sizeof(*opts));
    size_t n_opts = 0;
    uint64_t set = 0;
    int status = collect_options(argc, argv, opts, &n_opts, &cli);
    if (status != 0) {
        status = status < 0 ? 0 : status;
        goto out;
    }
    if (cli.list_profiles) {
        list_profiles();
        goto out;
    }
    if (!cli.diff && optind + 1 < argc) {
        status = usage_error("one target only; unexpected '%s'", argv[optind + 1]);
        goto out;
    }
    /* The profile first, then every flag on top of it, in the order given. */
    const char *profile = cli.show_profile ? cli.show_profile : cli.profile;
    if (profile) {
        struct profile_error perr;
        if (profile_apply(profile, &cli.cfg, &set, &perr) < 0) {
            char buf[1200];
            status = usage_error("%s", profile_error_format(&perr, buf, sizeof(buf)));
            goto out;
        }
    }
    for (size_t i = 0; i < n_opts; i++)
        if ((status = apply_option(&cli, opts[i].id, opts[i].arg)) != 0)
            goto out;
    if (cli.diff) { /* after the flags: a live or chain-file side uses them */
        status = run_diff(&cli, argc - optind, argv + optind, n_opts);
        goto out;
    }
    if (cli.show_profile) {
        struct profile_error perr;
        char *yaml = profile_emit(&cli.cfg, keys_to_write(&cli.cfg, set), NULL, NULL, &perr);
        if (!yaml) {
            char buf[1200];
            status = usage_error("%s", profile_error_format(&perr, buf, sizeof(buf)));
            goto out;
        }
        fputs(yaml, stdout);
        free(yaml);
        goto out;
    }
    const char *target = optind < argc ? argv[optind] : NULL;
    if (cli.check_chain || cli.fix_chain || cli.name) {
        status = run_check_chain(&cli, target);
        goto out;
    }
    /* The UI on a terminal; text or JSON when asked, or when output goes to a pipe or file. */
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (cli.demo && (!tty || cli.format_set || cli.save_profile)) {
        status = usage_error("--demo opens the terminal UI: run it in a terminal, without --json");
        goto out;
    }
    if (cli.scan) {
        status = run_scan(&cli, target);
        goto out;
    }
    if (tty && !cli.format_set && !cli.save_profile) {
        struct flag_set flags = {opts, n_opts};
        status = run_ui(&cli, target, &flags);
        goto out;
    }
    status = run(&cli, target);
out:
    free(opts);
    config_free(&cli.cfg);
    return status;
}
