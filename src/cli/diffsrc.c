/* issue 13: the sides of `tlscope --diff` (see diffsrc.h). */
#include "cli/diffsrc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/doctor.h"
#include "engine/engine.h"
#include "render/json.h"
#include "util/fsutil.h"
#include "util/mem.h"

/* A JSON document that is not a Kubernetes secret: a report (diff_json checks it properly). */
static bool looks_like_report(const char *data)
{
    while (*data == ' ' || *data == '\n' || *data == '\r' || *data == '\t')
        data++;
    return *data == '{' && !strstr(data, "\"tls.crt\"");
}

static char *chain_json(const char *arg, const char *data, size_t n, const struct tls_config *cfg,
                        char *err, size_t errlen)
{
    char perr[600], pass[1024] = "";
    if (cfg->key_pass &&
        doctor_pass_source("--pass", cfg->key_pass, pass, sizeof pass, perr, sizeof perr) < 0) {
        snprintf(err, errlen, "%s", perr);
        return NULL;
    }
    struct doctor_opts o = {
        .file = arg,
        .data = (const unsigned char *)data,
        .n = n,
        .pass = cfg->key_pass ? pass : NULL,
        .key_pass = cfg->key_pass ? pass : NULL,
        .ca_file = cfg->ca_file,
        .ca_path = cfg->ca_path,
        .aia = cfg->aia,
        .revocation = cfg->revocation,
        .ct_logs = cfg->ct_logs,
        .timeout_s = cfg->timeout_s,
    };
    struct report *r = NULL;
    int rc = doctor_check(&o, &r, perr, sizeof perr);
    explicit_bzero(pass, sizeof pass);
    if (rc != DOCTOR_OK) {
        snprintf(err, errlen, "%s", perr);
        return NULL;
    }
    char *doc = json_render_report(r, false);
    report_free(r);
    return doc;
}

char *diffsrc_json(const char *arg, const struct tls_config *cfg, enum diffsrc_kind *kind,
                   char *err, size_t errlen)
{
    struct stat st;
    *kind = DIFFSRC_REPORT;
    if (stat(arg, &st) == 0) {
        char *data = NULL, e[600];
        size_t n = 0;
        if (file_read_bounded(arg, DIFFSRC_FILE_MAX, &data, &n, e, sizeof e) < 0) {
            snprintf(err, errlen, "%s", e);
            return NULL;
        }
        if (looks_like_report(data))
            return data;
        *kind = DIFFSRC_CHAIN;
        char *doc = chain_json(arg, data, n, cfg, err, errlen);
        free(data);
        return doc;
    }
    if (errno != ENOENT) {
        snprintf(err, errlen, "%s: %s", arg, strerror(errno));
        return NULL;
    }
    struct tls_config c;
    config_copy(&c, cfg);
    free(c.host);
    c.host = NULL;
    c.port = 443;
    char e[512];
    if (target_parse(arg, &c, e, sizeof e) < 0) {
        snprintf(err, errlen, "%s: no such file, and not a HOST[:PORT] target (%s)", arg, e);
        config_free(&c);
        return NULL;
    }
    struct report *r = engine_connect(&c);
    config_free(&c);
    *kind = DIFFSRC_LIVE;
    char *doc = json_render_report(r, false);
    report_free(r);
    return doc;
}
