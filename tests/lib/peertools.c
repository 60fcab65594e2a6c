/* Peer tools for comparison: see peertools.h. */
#include "lib/peertools.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/harness.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define PEERTOOLS_MAX_ITEMS 4096 /* ciphers or groups one report may list */

void peertool_result_free(struct peertool_result *r)
{
    free(r->ciphers);
    free(r->groups);
    memset(r, 0, sizeof(*r));
}

const struct peertool_cipher *peertool_find(const struct peertool_result *r, const char *version,
                                            uint16_t code)
{
    for (size_t i = 0; i < r->n_ciphers; i++)
        if (r->ciphers[i].code == code && strcmp(r->ciphers[i].version, version) == 0)
            return &r->ciphers[i];
    return NULL;
}

/* The first of names found as an executable in PATH, or NULL. */
static const char *in_path(const char *const *names)
{
    const char *path = getenv("PATH");
    for (; *names; names++) {
        const char *p = path ? path : "/usr/bin:/bin";
        while (*p) {
            size_t len = strcspn(p, ":");
            char full[512];
            if (len > 0 && len < 400) {
                snprintf(full, sizeof full, "%.*s/%s", (int)len, p, *names);
                if (access(full, X_OK) == 0)
                    return *names;
            }
            p += len;
            if (*p == ':')
                p++;
        }
    }
    return NULL;
}

const char *peertools_sslscan(void)
{
    static const char *const names[] = {"sslscan", NULL};
    return in_path(names);
}

const char *peertools_testssl(void)
{
    static const char *const names[] = {"testssl", "testssl.sh", NULL};
    return in_path(names);
}

/* ---- sslscan's XML ---------------------------------------------------------------------- */

/* The value of attribute name in the tag [tag, end) into out; false when absent. */
static bool attr(const char *tag, const char *end, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = tag; p && p < end; p++) {
        p = strstr(p, name);
        if (!p || p >= end)
            return false;
        if (p[-1] == ' ' && strncmp(p + nl, "=\"", 2) == 0) {
            const char *v = p + nl + 2, *q = memchr(v, '"', (size_t)(end - v));
            if (!q)
                return false;
            size_t len = (size_t)(q - v) < n - 1 ? (size_t)(q - v) : n - 1;
            memcpy(out, v, len);
            out[len] = 0;
            return true;
        }
    }
    return false;
}

static bool parse_code(const char *s, uint16_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 16);
    if (end == s || *end || v > 0xffff)
        return false;
    *out = (uint16_t)v;
    return true;
}

int peertools_parse_sslscan(const char *xml, struct peertool_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!strstr(xml, "<ssltest")) {
        snprintf(err, errlen, "sslscan XML: no <ssltest> element (the scan did not run)");
        return -1;
    }
    size_t cap_c = 0, cap_g = 0;
    for (const char *p = strchr(xml, '<'); p; p = strchr(p + 1, '<')) {
        const char *end = strchr(p, '>');
        if (!end) {
            snprintf(err, errlen, "sslscan XML: a tag at offset %zu is not closed",
                     (size_t)(p - xml));
            peertool_result_free(out);
            return -1;
        }
        char ver[8], val[96];
        if (strncmp(p, "<protocol ", 10) == 0) {
            char type[8];
            if (attr(p, end, "enabled", val, sizeof val) && strcmp(val, "1") == 0 &&
                attr(p, end, "type", type, sizeof type) &&
                attr(p, end, "version", ver, sizeof ver) && out->n_protocols < 8)
                snprintf(out->protocols[out->n_protocols++], 16, "%s%s",
                         strcmp(type, "ssl") == 0 ? "SSLv" : "TLSv", ver);
        } else if (strncmp(p, "<cipher ", 8) == 0) {
            struct peertool_cipher c = {0};
            char code[16], bits[16], status[16];
            if (!attr(p, end, "sslversion", c.version, sizeof c.version) ||
                !attr(p, end, "cipher", c.name, sizeof c.name) ||
                !attr(p, end, "id", code, sizeof code) || !parse_code(code, &c.code)) {
                snprintf(err, errlen,
                         "sslscan XML: a <cipher> at offset %zu lacks its version, "
                         "name or id",
                         (size_t)(p - xml));
                peertool_result_free(out);
                return -1;
            }
            if (attr(p, end, "bits", bits, sizeof bits))
                c.bits = atoi(bits);
            c.preferred =
                attr(p, end, "status", status, sizeof status) && strcmp(status, "preferred") == 0;
            if (out->n_ciphers < PEERTOOLS_MAX_ITEMS) {
                xgrow((void **)&out->ciphers, &cap_c, out->n_ciphers + 1, sizeof c);
                out->ciphers[out->n_ciphers++] = c;
            }
        } else if (strncmp(p, "<group ", 7) == 0) {
            struct peertool_group g = {0};
            char code[16], bits[16];
            attr(p, end, "sslversion", g.version, sizeof g.version);
            attr(p, end, "name", g.name, sizeof g.name);
            if (attr(p, end, "id", code, sizeof code))
                parse_code(code, &g.code);
            if (attr(p, end, "bits", bits, sizeof bits))
                g.bits = atoi(bits);
            if (out->n_groups < PEERTOOLS_MAX_ITEMS) {
                xgrow((void **)&out->groups, &cap_g, out->n_groups + 1, sizeof g);
                out->groups[out->n_groups++] = g;
            }
        }
    }
    return 0;
}

int peertools_run_sslscan(uint16_t port, bool groups, double timeout_s, struct peertool_result *out,
                          char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    const char *tool = peertools_sslscan();
    if (!tool) {
        snprintf(err, errlen, "sslscan is not installed (make deps-test installs it)");
        return -1;
    }
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", port);
    const char *argv_g[] = {tool, "--no-colour", "--xml=-", target, NULL};
    const char *argv_ng[] = {tool, "--no-colour", "--no-groups", "--xml=-", target, NULL};
    char *so = NULL, *se = NULL;
    int64_t t0 = mono_us();
    int rc = harness_run(groups ? argv_g : argv_ng, NULL, timeout_s, &so, &se);
    double ms = (double)(mono_us() - t0) / 1000.0;
    int ret = -1;
    if (rc != 0)
        snprintf(err, errlen, "sslscan exited with %d (timeout %.0f s): %.200s", rc, timeout_s,
                 se ? se : "");
    else if (peertools_parse_sslscan(so ? so : "", out, err, errlen) == 0)
        ret = 0;
    out->elapsed_ms = ms;
    free(so);
    free(se);
    return ret;
}

/* ---- testssl.sh's JSON ------------------------------------------------------------------ */

/* "ssl2" → "SSLv2", "tls1" → "TLSv1.0", "tls1_2" → "TLSv1.2"; false for other ids. */
static bool testssl_version(const char *id, char *out, size_t n, const char **rest)
{
    static const struct {
        const char *id, *name;
    } map[] = {{"tls1_1_", "TLSv1.1"}, {"tls1_2_", "TLSv1.2"}, {"tls1_3_", "TLSv1.3"},
               {"tls1_", "TLSv1.0"},   {"ssl3_", "SSLv3"},     {"ssl2_", "SSLv2"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(id, map[i].id, strlen(map[i].id)) == 0) {
            snprintf(out, n, "%s", map[i].name);
            *rest = id + strlen(map[i].id);
            return true;
        }
    return false;
}

static void add_protocol(struct peertool_result *r, const char *v)
{
    for (size_t i = 0; i < r->n_protocols; i++)
        if (strcmp(r->protocols[i], v) == 0)
            return;
    if (r->n_protocols < 8)
        snprintf(r->protocols[r->n_protocols++], 16, "%s", v);
}

/* One "cipher-VERSION_xCODE" finding: "TLS 1.2   xc02f   OPENSSL-NAME   KX  ENC  BITS  IANA". */
static bool testssl_cipher(const char *id, const char *finding, struct peertool_cipher *c)
{
    const char *rest;
    memset(c, 0, sizeof(*c));
    if (!testssl_version(id, c->version, sizeof c->version, &rest) || rest[0] != 'x')
        return false;
    char *end;
    unsigned long code = strtoul(rest + 1, &end, 16);
    if (end == rest + 1 || *end || code > 0xffffff)
        return false;
    c->code = (uint16_t)code; /* SSLv2 specs (3 bytes) keep their low 16 bits */
    /* the last token is the IANA name, the one before it the bits */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", finding);
    char *tok[32];
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t && n < 32;
         t = strtok_r(NULL, " \t", &save))
        tok[n++] = t;
    if (n < 3)
        return false;
    snprintf(c->name, sizeof c->name, "%s", tok[n - 1]);
    c->bits = atoi(tok[n - 2]);
    return true;
}

int peertools_parse_testssl(const char *json, struct peertool_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    json_error_t je;
    json_t *root = json_loads(json, 0, &je);
    if (!root || !json_is_array(root)) {
        snprintf(err, errlen, "testssl JSON: %s at line %d:%d",
                 root ? "not an array of findings" : je.text, je.line, je.column);
        json_decref(root);
        return -1;
    }
    size_t i, cap = 0;
    json_t *e;
    json_array_foreach(root, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "id"));
        const char *finding = json_string_value(json_object_get(e, "finding"));
        if (!id || !finding || strncmp(id, "cipher-", 7) != 0)
            continue;
        struct peertool_cipher c;
        if (!testssl_cipher(id + 7, finding, &c))
            continue;
        if (out->n_ciphers < PEERTOOLS_MAX_ITEMS) {
            xgrow((void **)&out->ciphers, &cap, out->n_ciphers + 1, sizeof c);
            out->ciphers[out->n_ciphers++] = c;
            add_protocol(out, c.version);
        }
    }
    json_decref(root);
    return 0;
}

int peertools_run_testssl(uint16_t port, double timeout_s, struct peertool_result *out, char *err,
                          size_t errlen)
{
    memset(out, 0, sizeof(*out));
    const char *tool = peertools_testssl();
    if (!tool) {
        snprintf(err, errlen, "testssl.sh is not installed (make deps-test installs it)");
        return -1;
    }
    char dir[] = "/tmp/tlscope-testssl-XXXXXX";
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "mkdtemp: cannot make a directory for testssl's JSON");
        return -1;
    }
    char file[64], target[32];
    snprintf(file, sizeof file, "%s/out.json", dir);
    snprintf(target, sizeof target, "127.0.0.1:%u", port);
    /* env(1) sets NXCONNECT for testssl only: its DNS look-ups go nowhere */
    const char *argv[] = {"env",        "NXCONNECT=127.0.0.1:0",
                          tool,         "--nodns",
                          "none",       "-E",
                          "--warnings", "off",
                          "--quiet",    "--color",
                          "0",          "--jsonfile",
                          file,         target,
                          NULL};
    char *so = NULL, *se = NULL;
    int64_t t0 = mono_us();
    int rc = harness_run(argv, NULL, timeout_s, &so, &se);
    double ms = (double)(mono_us() - t0) / 1000.0;
    int ret = -1;
    FILE *f = fopen(file, "r");
    char *json = NULL;
    if (f) {
        size_t cap = 0, n = 0;
        for (int k = 0; k < 4096; k++) {
            xgrow((void **)&json, &cap, n + 65537, 1);
            size_t got = fread(json + n, 1, 65536, f);
            n += got;
            if (got == 0)
                break;
        }
        json[n] = 0;
        fclose(f);
    }
    if (rc < 0) /* testssl's exit status counts findings; only a kill or timeout is a failure */
        snprintf(err, errlen, "testssl did not finish within %.0f s (or was killed)", timeout_s);
    else if (!json)
        snprintf(err, errlen, "testssl wrote no JSON file %s (exit %d)", file, rc);
    else if (peertools_parse_testssl(json, out, err, errlen) == 0)
        ret = 0;
    out->elapsed_ms = ms;
    free(json);
    free(so);
    free(se);
    unlink(file);
    rmdir(dir);
    return ret;
}
