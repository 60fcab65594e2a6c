/* tlscope entry point: parse the command line into a tls_config and a mode, run it. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "model/config.h"
#include "out/json.h"
#include "out/text.h"
#include "util/mem.h"

#ifndef TLSCOPE_VERSION
#define TLSCOPE_VERSION "dev"
#endif

#define EXIT_USAGE 64

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
    OPT_RECONNECT,
    OPT_KEYLOG,
    OPT_TIMEOUT,
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
    {"reconnect", no_argument, OPT_RECONNECT, 0, NULL,
     "connect again and report session resumption"},
    {"keylog", required_argument, OPT_KEYLOG, 0, "FILE",
     "append NSS key log lines (for Wireshark)"},
    {"timeout", required_argument, OPT_TIMEOUT, 0, "SECONDS", "limit for each stage (default 10)"},
    {NULL, no_argument, '4', '4', NULL, "IPv4 only"},
    {NULL, no_argument, '6', '6', NULL, "IPv6 only"},
    {"version", no_argument, OPT_VERSION, 'V', NULL, "print the version and exit"},
    {"help", no_argument, OPT_HELP, 'h', NULL, "print this help and exit"},
};
#define N_OPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))

static void usage(FILE *f)
{
    fprintf(f, "Usage: tlscope [--json] [options] HOST[:PORT]\n"
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
    fprintf(f, "\nExit status: 0 verified (or --no-verify), 1 handshake done but not verified,\n"
               "2 no TLS session (DNS, TCP, handshake, timeout), 64 usage error.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tlscope: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'tlscope --help'.\n");
    va_end(ap);
    return EXIT_USAGE;
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
};

static int apply_option(struct cli *cli, int id, const char *arg)
{
    struct tls_config *c = &cli->cfg;
    char *end;
    switch (id) {
    case OPT_JSON: cli->json = true; break;
    case OPT_FORMAT:
        if (!strcmp(arg, "json"))
            cli->json = true;
        else if (!strcmp(arg, "text"))
            cli->json = false;
        else
            return usage_error("--format '%s': expected json or text", arg);
        break;
    case OPT_COMPACT: cli->compact = true; break;
    case OPT_SNI: set_str(&c->sni, arg); break;
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
    case OPT_CAFILE: set_str(&c->ca_file, arg); break;
    case OPT_CAPATH: set_str(&c->ca_path, arg); break;
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
    case OPT_RECONNECT: c->reconnect = true; break;
    case OPT_KEYLOG: set_str(&c->keylog, arg); break;
    case OPT_TIMEOUT: {
        errno = 0;
        double v = strtod(arg, &end);
        if (!*arg || *end || errno || v <= 0 || v > 3600)
            return usage_error("--timeout '%s': expected seconds, more than 0 and at most 3600",
                               arg);
        c->timeout_s = v;
        break;
    }
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

int main(int argc, char **argv)
{
    struct cli cli = {0};
    config_init(&cli.cfg);
    struct option longopts[N_OPTIONS + 1];
    char shortopts[2 * N_OPTIONS + 2];
    shortopts[0] = ':';
    build_getopt(longopts, shortopts + 1);
    opterr = 0;
    int status = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (ch == '?') {
            if (optopt)
                status = usage_error("unknown option '-%c'", optopt);
            else
                status = usage_error("unknown option '%s'", argv[optind - 1]);
            goto out;
        }
        if (ch == ':') {
            status = usage_error("option '%s' needs a value", argv[optind - 1]);
            goto out;
        }
        int id = ch < 256 ? short_to_id(ch) : ch;
        if (id == OPT_HELP) {
            usage(stdout);
            goto out;
        }
        if (id == OPT_VERSION) {
            printf("tlscope %s (%s)\n", TLSCOPE_VERSION, engine_openssl_version());
            goto out;
        }
        if ((status = apply_option(&cli, id, optarg)) != 0)
            goto out;
    }
    if (optind >= argc) {
        usage(stderr);
        status = EXIT_USAGE;
        goto out;
    }
    if (optind + 1 < argc) {
        status = usage_error("one target only; unexpected '%s'", argv[optind + 1]);
        goto out;
    }
    char err[512];
    if (target_parse(argv[optind], &cli.cfg, err, sizeof(err)) < 0) {
        status = usage_error("%s", err);
        goto out;
    }
    if (engine_check_config(&cli.cfg, err, sizeof(err)) < 0) {
        status = usage_error("%s", err);
        goto out;
    }
    struct report *r = engine_connect(&cli.cfg);
    if (r->error.stage == STAGE_INTERNAL && !r->ok) {
        /* A local problem found only at connect time (e.g. the key log file). */
        status = usage_error("%s", r->error.message);
        report_free(r);
        goto out;
    }
    char *doc = cli.json ? json_render_report(r, !cli.compact) : text_render_report(r, 80);
    fputs(doc, stdout);
    free(doc);
    status = report_exit_status(r);
    report_free(r);
out:
    config_free(&cli.cfg);
    return status;
}
