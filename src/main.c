/* tlscope entry point: parse the command line into a tls_config and a mode, run it. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare/diff.h"
#include "engine/engine.h"
#include "model/config.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include "render/diff.h"
#include "render/json.h"
#include "render/text.h"
#include "ui/ui.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/outgate.h"
#include "util/sanitize.h"

#ifndef TLSCOPE_VERSION
#define TLSCOPE_VERSION "dev"
#endif

#define EXIT_USAGE    64
#define DIFF_FILE_MAX (16u << 20) /* --diff reads reports of at most 16 MiB */

enum opt_id {
    OPT_JSON = 1000,
    OPT_FORMAT,
    OPT_COMPACT,
    OPT_SNI,
    OPT_NO_SNI,
    OPT_ALPN,
    OPT_MIN_PROTO,
    OPT_MAX_PROTO,
    OPT_CIPHERS,
    OPT_CIPHERSUITES,
    OPT_GROUPS,
    OPT_SIGALGS,
    OPT_SEC_LEVEL,
    OPT_CAFILE,
    OPT_CAPATH,
    OPT_CERT,
    OPT_KEY,
    OPT_PASS,
    OPT_NO_VERIFY,
    OPT_NO_HOSTNAME_CHECK,
    OPT_IGNORE_ERROR,
    OPT_PIN,
    OPT_OCSP,
    OPT_OCSP_REQUIRED,
    OPT_RECONNECT,
    OPT_KEYLOG,
    OPT_TIMEOUT,
    OPT_PROFILE,
    OPT_SAVE_PROFILE,
    OPT_FORCE,
    OPT_LIST_PROFILES,
    OPT_SHOW_PROFILE,
    OPT_DEMO,
    OPT_THEME,
    OPT_DIFF,
    OPT_VERSION,
    OPT_HELP,
};

/* One table drives getopt_long and --help. */
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
    {"sni", required_argument, OPT_SNI, 0, "NAME", "server name to send (default: the host)"},
    {"no-sni", no_argument, OPT_NO_SNI, 0, NULL, "send no server_name extension"},
    {"alpn", required_argument, OPT_ALPN, 0, "LIST",
     "offer these ALPN protocols, e.g. h2,http/1.1"},
    {"min-proto", required_argument, OPT_MIN_PROTO, 0, "VER",
     "lowest version: tls1.0 tls1.1 tls1.2 tls1.3"},
    {"max-proto", required_argument, OPT_MAX_PROTO, 0, "VER", "highest version"},
    {"ciphers", required_argument, OPT_CIPHERS, 0, "STR", "TLS <= 1.2 cipher list, OpenSSL syntax"},
    {"ciphersuites", required_argument, OPT_CIPHERSUITES, 0, "STR", "TLS 1.3 cipher suites"},
    {"groups", required_argument, OPT_GROUPS, 0, "LIST", "key-exchange groups, e.g. X25519:P-256"},
    {"sigalgs", required_argument, OPT_SIGALGS, 0, "LIST",
     "signature algorithms, e.g. rsa_pss_rsae_sha256:ed25519"},
    {"sec-level", required_argument, OPT_SEC_LEVEL, 0, "N",
     "OpenSSL security level 0-5 (default: openssl.cnf)"},
    {"cafile", required_argument, OPT_CAFILE, 0, "FILE",
     "trust these CA certificates instead of the system store"},
    {"capath", required_argument, OPT_CAPATH, 0, "DIR", "trust a hashed CA directory"},
    {"cert", required_argument, OPT_CERT, 0, "FILE",
     "client certificate (PEM, may hold the chain)"},
    {"key", required_argument, OPT_KEY, 0, "FILE", "client private key (PEM)"},
    {"pass", required_argument, OPT_PASS, 0, "SRC", "key passphrase from env:VAR or file:PATH"},
    {"no-verify", no_argument, OPT_NO_VERIFY, 0, NULL,
     "do not fail on verification errors (still reported)"},
    {"no-hostname-check", no_argument, OPT_NO_HOSTNAME_CHECK, 0, NULL,
     "do not check the name against the certificate"},
    {"ignore-error", required_argument, OPT_IGNORE_ERROR, 0, "NAME",
     "accept this verification error (repeatable)"},
    {"pin", required_argument, OPT_PIN, 0, "sha256//B64",
     "require a certificate with this SPKI (repeatable)"},
    {"ocsp", no_argument, OPT_OCSP, 0, NULL, "ask for a stapled OCSP response"},
    {"ocsp-required", no_argument, OPT_OCSP_REQUIRED, 0, NULL,
     "fail verification without a good stapled OCSP response"},
    {"reconnect", no_argument, OPT_RECONNECT, 0, NULL,
     "connect again and report session resumption"},
    {"keylog", required_argument, OPT_KEYLOG, 0, "FILE",
     "append NSS key log lines (for Wireshark)"},
    {"timeout", required_argument, OPT_TIMEOUT, 0, "SECONDS", "limit for each stage (default 10)"},
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
    {"diff", no_argument, OPT_DIFF, 0, "A.json B.json",
     "compare two saved --json reports (exit 1 when they differ)"},
    {"theme", required_argument, OPT_THEME, 0, "NAME",
     "UI colours: default, light, high-contrast, mono (NO_COLOR: mono)"},
    {NULL, no_argument, '4', '4', NULL, "IPv4 only"},
    {NULL, no_argument, '6', '6', NULL, "IPv6 only"},
    {"version", no_argument, OPT_VERSION, 'V', NULL, "print the version and exit"},
    {"help", no_argument, OPT_HELP, 'h', NULL, "print this help and exit"},
};
#define N_OPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))

static void usage(FILE *f)
{
    fprintf(f, "Usage: tlscope [--json] [options] HOST[:PORT]\n"
               "       tlscope [--json] --diff A.json B.json\n"
               "Connects once, shows the handshake, negotiation, certificate chain and what is "
               "wrong.\nHOST is a name, an IPv4 address or [IPv6]; PORT defaults to 443.\n\n"
               "Options:\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct cli_option *o = &cli_options[i];
        char left[64];
        if (o->name && o->short_opt)
            snprintf(left, sizeof(left), "-%c, --%s", o->short_opt, o->name);
        else if (o->name)
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof(left), "-%c", o->short_opt);
        fprintf(f, "  %-30s %s\n", left, o->help);
    }
    fprintf(f, "\nProfile keys (YAML, in profiles/ and ~/.config/tlscope/profiles/):\n");
    for (size_t i = 0; i < pkey_count(); i++) {
        const struct pkey *k = pkey_at(i);
        fprintf(f, "  %-16s %s", k->name, k->help);
        if (k->values)
            fprintf(f, " Values: %s.", k->values);
        fprintf(f, " Default: %s.%s%s\n", k->default_text, k->flag ? " Flag: " : "",
                k->flag ? k->flag : "");
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

/* A value refused by one of config.h's validators: the flag, then the reason. */
static int value_error(const char *flag, const struct config_error *ce)
{
    return usage_error("%s: %s", flag, ce->reason);
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

static int parse_proto(const char *flag, const char *v, enum proto_version *out)
{
    enum proto_version p = proto_from_name(v);
    if (p == PROTO_UNSET || p == PROTO_SSL3)
        return usage_error("%s '%s': expected tls1.0, tls1.1, tls1.2 or tls1.3", flag, v);
    *out = p;
    return 0;
}

struct cli {
    struct tls_config cfg;
    bool json, compact;
    const char *profile, *save_profile, *show_profile, *theme;
    bool force, list_profiles, demo, format_set, diff;
};

static int apply_option(struct cli *cli, int id, const char *arg)
{
    struct tls_config *c = &cli->cfg;
    char *end;
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
    case OPT_SNI: {
        struct config_error ce;
        char name[256];
        if (config_sni_normalize(arg, name, sizeof name, &ce) < 0)
            return value_error("--sni", &ce);
        set_str(&c->sni, name);
        break;
    }
    case OPT_NO_SNI: c->no_sni = true; break;
    case OPT_ALPN:
        strlist_clear(&c->alpn);
        strlist_split(&c->alpn, arg, ",");
        break;
    case OPT_MIN_PROTO: return parse_proto("--min-proto", arg, &c->min_proto);
    case OPT_MAX_PROTO: return parse_proto("--max-proto", arg, &c->max_proto);
    case OPT_CIPHERS: set_str(&c->ciphers, arg); break;
    case OPT_CIPHERSUITES: set_str(&c->ciphersuites, arg); break;
    case OPT_GROUPS: set_str(&c->groups, arg); break;
    case OPT_SIGALGS: set_str(&c->sigalgs, arg); break;
    case OPT_SEC_LEVEL: {
        long v = strtol(arg, &end, 10);
        if (!*arg || *end || v < 0 || v > 5)
            return usage_error("--sec-level '%s': expected a number 0-5", arg);
        c->sec_level = (int)v;
        break;
    }
    case OPT_CAFILE:
    case OPT_CAPATH: {
        struct config_error ce;
        bool file = id == OPT_CAFILE;
        if ((file ? config_ca_file_check(arg, &ce) : config_ca_path_check(arg, &ce)) < 0)
            return value_error(file ? "--cafile" : "--capath", &ce);
        set_str(file ? &c->ca_file : &c->ca_path, arg);
        break;
    }
    case OPT_CERT: set_str(&c->cert_file, arg); break;
    case OPT_KEY: set_str(&c->key_file, arg); break;
    case OPT_PASS:
        if (strncmp(arg, "env:", 4) && strncmp(arg, "file:", 5))
            return usage_error("--pass: expected env:VAR or file:PATH; a literal passphrase "
                               "on the command line is visible to every user (ps, history)");
        set_str(&c->key_pass, arg);
        break;
    case OPT_NO_VERIFY: c->verify = false; break;
    case OPT_NO_HOSTNAME_CHECK: c->hostname_check = false; break;
    case OPT_IGNORE_ERROR: strlist_push(&c->ignore_errors, arg); break;
    case OPT_PIN: strlist_push(&c->pins, arg); break;
    case OPT_OCSP: c->ocsp = true; break;
    case OPT_OCSP_REQUIRED: c->ocsp = c->ocsp_required = true; break;
    case OPT_RECONNECT: c->reconnect = true; break;
    case OPT_KEYLOG: set_str(&c->keylog, arg); break;
    case OPT_TIMEOUT: {
        struct config_error ce;
        if (config_timeout_parse(arg, &c->timeout_s, &ce) < 0)
            return usage_error("--timeout '%s': %s", arg, ce.reason);
        break;
    }
    case OPT_PROFILE: cli->profile = arg; break;
    case OPT_SAVE_PROFILE: cli->save_profile = arg; break;
    case OPT_FORCE: cli->force = true; break;
    case OPT_LIST_PROFILES: cli->list_profiles = true; break;
    case OPT_SHOW_PROFILE: cli->show_profile = arg; break;
    case OPT_DEMO: cli->demo = true; break;
    case OPT_THEME: cli->theme = arg; break;
    case OPT_DIFF: cli->diff = true; break;
    case '4': c->family = FAMILY_V4; break;
    case '6': c->family = FAMILY_V6; break;
    default: return EXIT_USAGE;
    }
    return 0;
}

/* Builds getopt_long's tables from cli_options. */
static void build_getopt(struct option *longopts, char *shortopts)
{
    size_t nl = 0, ns = 0;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct cli_option *o = &cli_options[i];
        if (o->name)
            longopts[nl++] = (struct option){o->name, o->has_arg, NULL, o->id};
        if (o->short_opt) {
            shortopts[ns++] = (char)o->short_opt;
            if (o->has_arg)
                shortopts[ns++] = ':';
        }
    }
    longopts[nl] = (struct option){0};
    shortopts[ns] = '\0';
}

static int short_to_id(int ch)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (cli_options[i].short_opt == ch)
            return cli_options[i].id;
    return -1;
}

static bool is_profile_option(int id)
{
    return id == OPT_PROFILE || id == OPT_SAVE_PROFILE || id == OPT_FORCE ||
           id == OPT_LIST_PROFILES || id == OPT_SHOW_PROFILE || id == OPT_JSON ||
           id == OPT_FORMAT || id == OPT_COMPACT || id == OPT_DEMO || id == OPT_THEME ||
           id == OPT_DIFF;
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
static int collect_options(int argc, char **argv, struct parsed_opt *opts, size_t *n,
                           struct cli *cli)
{
    struct option longopts[N_OPTIONS + 1];
    char shortopts[2 * N_OPTIONS + 2];
    shortopts[0] = ':';
    build_getopt(longopts, shortopts + 1);
    opterr = 0;
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
        /* Validated once already. A file checked then may be gone now: the UI's connect
         * reports that, and nothing may print to stderr under curses. */
        if (o->id == OPT_CAFILE || o->id == OPT_CAPATH)
            set_str(o->id == OPT_CAFILE ? &tmp.cfg.ca_file : &tmp.cfg.ca_path, o->arg);
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
        .theme = cli->theme ? cli->theme : cli->cfg.theme,
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

/* Reads one --diff file; returns a new buffer, or NULL after printing why. */
static char *diff_read(const char *path)
{
    char err[512], *data;
    size_t n;
    if (file_read_bounded(path, DIFF_FILE_MAX, &data, &n, err, sizeof(err)) < 0) {
        usage_error("--diff: %s", err);
        return NULL;
    }
    return data;
}

/* tlscope [--json] --diff A B: 0 when no fact changed, 1 when one did, 64 when a file cannot
 * be read or is not a tlscope report. */
static int run_diff(const struct cli *cli, int n_files, char **files, size_t n_conn_opts)
{
    if (n_files != 2)
        return usage_error("--diff needs two report files: tlscope --json --diff A.json B.json");
    if (n_conn_opts || cli->profile || cli->save_profile || cli->show_profile || cli->demo ||
        cli->theme)
        return usage_error("--diff compares two saved reports; connection options do not apply");
    char *a = diff_read(files[0]), *b = a ? diff_read(files[1]) : NULL;
    struct diff d;
    char err[512];
    int status = EXIT_USAGE;
    if (!a || !b)
        goto out;
    if (diff_json(a, b, &d, err, sizeof(err)) < 0) {
        /* err starts with "A: " or "B: "; name the file instead. */
        const char *which = err[0] == 'B' ? files[1] : files[0];
        usage_error("--diff: %s: %s", which, err[0] && err[1] == ':' ? err + 3 : err);
        goto out;
    }
    char *doc = cli->json ? diff_render_json(&d, !cli->compact) : diff_render_text(&d, false, 80);
    cli->json ? fputs(doc, stdout) : out_fputs_text(doc, stdout);
    free(doc);
    status = d.n_changed ? 1 : 0;
    diff_free(&d);
out:
    free(a);
    free(b);
    return status;
}

int main(int argc, char **argv)
{
    /* A peer that closes while we write gives EPIPE, never SIGPIPE (the engine also sends
     * with MSG_NOSIGNAL; this covers every other descriptor: pipes, a closed stdout). */
    signal(SIGPIPE, SIG_IGN);
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
    if (cli.diff) {
        status = run_diff(&cli, argc - optind, argv + optind, n_opts);
        goto out;
    }
    if (optind + 1 < argc) {
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
    if (cli.theme) /* --theme is part of the setup: --show-profile and --save-profile keep it */
        set_str(&cli.cfg.theme, cli.theme);
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
    /* The UI on a terminal; text or JSON when asked, or when output goes to a pipe or file. */
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (cli.demo && (!tty || cli.format_set || cli.save_profile)) {
        status = usage_error("--demo opens the terminal UI: run it in a terminal, without --json");
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
