/* Connection configuration: defaults, copying, protocol names and target parsing. */
#define _POSIX_C_SOURCE 200809L
#include "model/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mem.h"
#include "util/punycode.h"
#include "util/sanitize.h"

static const struct {
    enum proto_version v;
    const char *name, *label, *alias1, *alias2;
} protos[] = {
    {PROTO_SSL3, "SSLv3", "SSL 3.0", "ssl3", "3.0"},
    {PROTO_TLS1_0, "TLSv1", "TLS 1.0", "tls1.0", "1.0"},
    {PROTO_TLS1_1, "TLSv1.1", "TLS 1.1", "tls1.1", "1.1"},
    {PROTO_TLS1_2, "TLSv1.2", "TLS 1.2", "tls1.2", "1.2"},
    {PROTO_TLS1_3, "TLSv1.3", "TLS 1.3", "tls1.3", "1.3"},
};

enum proto_version proto_from_name(const char *name)
{
    if (!name)
        return PROTO_UNSET;
    for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
        if (!strcasecmp(name, protos[i].name) || !strcasecmp(name, protos[i].alias1) ||
            !strcmp(name, protos[i].alias2) || !strcasecmp(name, protos[i].label))
            return protos[i].v;
    }
    if (!strcasecmp(name, "TLSv1.0") || !strcasecmp(name, "tls1"))
        return PROTO_TLS1_0;
    return PROTO_UNSET;
}

const char *proto_name(enum proto_version v)
{
    for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
        if (protos[i].v == v)
            return protos[i].name;
    return "";
}

const char *proto_label(enum proto_version v)
{
    for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
        if (protos[i].v == v)
            return protos[i].label;
    return "";
}

void config_init(struct tls_config *c)
{
    memset(c, 0, sizeof(*c));
    c->port = 443;
    c->sec_level = -1;
    c->verify = true;
    c->hostname_check = true;
    c->timeout_s = 10.0;
    c->scan_parallel = 6; /* issue 11: a browser opens six connections per host */
}

void config_free(struct tls_config *c)
{
    if (c->key_pass_value) {
        explicit_bzero(c->key_pass_value, strlen(c->key_pass_value));
        free(c->key_pass_value);
        c->key_pass_value = NULL;
    }
    char **strs[] = {&c->host,      &c->sni,     &c->ciphers, &c->ciphersuites, &c->groups,
                     &c->sigalgs,   &c->ca_file, &c->ca_path, &c->cert_file,    &c->key_file,
                     &c->key_pass,  &c->keylog,  &c->theme,   &c->starttls,     &c->xmpp_host,
                     &c->ehlo_name, &c->http,    &c->ct_logs};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    strlist_free(&c->alpn);
    strlist_free(&c->ignore_errors);
    strlist_free(&c->pins);
}

void config_copy(struct tls_config *dst, const struct tls_config *src)
{
    *dst = *src;
    dst->host = xstrdup(src->host);
    dst->sni = xstrdup(src->sni);
    dst->ciphers = xstrdup(src->ciphers);
    dst->ciphersuites = xstrdup(src->ciphersuites);
    dst->groups = xstrdup(src->groups);
    dst->sigalgs = xstrdup(src->sigalgs);
    dst->ca_file = xstrdup(src->ca_file);
    dst->ca_path = xstrdup(src->ca_path);
    dst->cert_file = xstrdup(src->cert_file);
    dst->key_file = xstrdup(src->key_file);
    dst->key_pass = xstrdup(src->key_pass);
    dst->key_pass_value = xstrdup(src->key_pass_value);
    dst->keylog = xstrdup(src->keylog);
    dst->theme = xstrdup(src->theme);
    dst->starttls = xstrdup(src->starttls);
    dst->xmpp_host = xstrdup(src->xmpp_host);
    dst->ehlo_name = xstrdup(src->ehlo_name);
    dst->http = xstrdup(src->http);
    dst->ct_logs = xstrdup(src->ct_logs);
    memset(&dst->alpn, 0, sizeof(dst->alpn));
    memset(&dst->ignore_errors, 0, sizeof(dst->ignore_errors));
    memset(&dst->pins, 0, sizeof(dst->pins));
    strlist_copy(&dst->alpn, &src->alpn);
    strlist_copy(&dst->ignore_errors, &src->ignore_errors);
    strlist_copy(&dst->pins, &src->pins);
}

bool host_is_ip_literal(const char *host)
{
    struct in_addr v4;
    unsigned char buf[sizeof(struct in6_addr)];
    if (!host)
        return false;
    return inet_aton(host, &v4) != 0 || inet_pton(AF_INET6, host, buf) == 1;
}

/* ---- validators ---- */

__attribute__((format(printf, 2, 3))) static int cfg_fail(struct config_error *err, const char *fmt,
                                                          ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
    va_end(ap);
    return -1;
}

/* s for a message: at most 60 bytes (cut at a character), controls escaped. */
static const char *cfg_show(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s), cut = len;
    if (cut > 60) {
        cut = 60;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    char *valid = utf8_repair(s, cut);
    char *clean = sanitize_terminal(valid);
    snprintf(buf, n, "%s%s", clean, cut < len ? "…" : "");
    free(clean);
    free(valid);
    return buf;
}

/* LDH labels (plus '_', which some internal names use): 1-63 each, no '-' at either end. */
static int check_host_syntax(const char *shown, const char *h, struct config_error *err)
{
    size_t n = strlen(h);
    if (n == 0)
        return cfg_fail(err, "empty host name");
    if (n > 253)
        return cfg_fail(err, "'%s' is longer than 253 characters", shown);
    for (const char *label = h; *label;) {
        size_t len = strcspn(label, ".");
        if (len == 0)
            return cfg_fail(err, "'%s' has an empty label (two dots, or a dot first)", shown);
        if (len > 63)
            return cfg_fail(err, "'%s' has a label longer than 63 characters", shown);
        if (label[0] == '-' || label[len - 1] == '-')
            return cfg_fail(err, "'%s': a label may not start or end with '-'", shown);
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)label[i];
            if (!(isalnum(ch) || ch == '-' || ch == '_')) {
                if (ch == ' ')
                    return cfg_fail(err, "'%s' contains a space", shown);
                if (ch < 0x20 || ch == 0x7F)
                    return cfg_fail(err, "'%s' contains a control character", shown);
                return cfg_fail(err,
                                "'%s' contains '%c'; a host name has letters, digits, '-' "
                                "and '.'",
                                shown, ch);
            }
        }
        label += len + (label[len] == '.');
    }
    return 0;
}

/* A host name (not an address): IDN → A-labels, a final dot dropped, syntax checked. */
static int name_normalize(const char *in, char *out, size_t outlen, struct config_error *err)
{
    char b[128], ascii[512], e[300];
    const char *shown = cfg_show(in, b, sizeof b);
    int rc = idna_to_ascii(in, ascii, sizeof ascii, e, sizeof e);
    if (rc < 0) {
        char *clean = sanitize_terminal(e); /* e quotes the name as typed */
        cfg_fail(err, "%s", clean);
        free(clean);
        return -1;
    }
    size_t n = strlen(ascii);
    if (n > 1 && ascii[n - 1] == '.' && ascii[n - 2] != '.')
        ascii[--n] = '\0';
    if (check_host_syntax(shown, ascii, err) < 0)
        return -1;
    if (n >= outlen)
        return cfg_fail(err, "'%s' is too long", shown);
    memcpy(out, ascii, n + 1);
    return 0;
}

int config_host_normalize(const char *in, char *out, size_t outlen, struct config_error *err)
{
    struct in_addr v4;
    unsigned char v6[sizeof(struct in6_addr)];
    char b[128];
    if (!in || !*in)
        return cfg_fail(err, "empty host name");
    if (inet_pton(AF_INET6, in, v6) == 1) {
        if (strlen(in) >= outlen)
            return cfg_fail(err, "'%s' is too long", cfg_show(in, b, sizeof b));
        memcpy(out, in, strlen(in) + 1);
        return 0;
    }
    /* getaddrinfo reads "0x7f.1", "127.1" and "6" as IPv4 (inet_aton); say so, in the one
     * form everyone reads, rather than send it as a server name. */
    if (inet_aton(in, &v4)) {
        if (!inet_ntop(AF_INET, &v4, out, (socklen_t)outlen))
            return cfg_fail(err, "'%s' is too long", cfg_show(in, b, sizeof b));
        return 0;
    }
    return name_normalize(in, out, outlen, err);
}

int config_sni_normalize(const char *in, char *out, size_t outlen, struct config_error *err)
{
    struct in_addr v4;
    unsigned char v6[sizeof(struct in6_addr)];
    char b[128];
    if (!in || !*in)
        return cfg_fail(err, "empty server name (to send none, use --no-sni or sni: false)");
    if (inet_pton(AF_INET6, in, v6) == 1 || inet_aton(in, &v4))
        return cfg_fail(err,
                        "'%s' is an IP address; a server name must be a host name (RFC 6066 "
                        "forbids addresses in SNI)",
                        cfg_show(in, b, sizeof b));
    return name_normalize(in, out, outlen, err);
}

int config_timeout_check(double v, struct config_error *err)
{
    if (!isfinite(v))
        return cfg_fail(err, "not a finite number of seconds");
    if (v < CONFIG_TIMEOUT_MIN || v > CONFIG_TIMEOUT_MAX)
        return cfg_fail(err, "out of range, expected at least %g and at most %d seconds",
                        CONFIG_TIMEOUT_MIN, CONFIG_TIMEOUT_MAX);
    return 0;
}

int config_timeout_parse(const char *text, double *out, struct config_error *err)
{
    char *end = NULL;
    if (!text || !*text || isspace((unsigned char)*text))
        return cfg_fail(err, "expected a number of seconds");
    errno = 0;
    double v = strtod(text, &end);
    if (*end)
        return cfg_fail(err, "expected a number of seconds");
    if (config_timeout_check(v, err) < 0)
        return -1;
    *out = v;
    return 0;
}

int config_ca_path_check(const char *path, struct config_error *err)
{
    struct stat st;
    char b[128];
    if (!path || !*path)
        return cfg_fail(err, "empty directory name");
    const char *shown = cfg_show(path, b, sizeof b);
    if (stat(path, &st) < 0)
        return cfg_fail(err, "%s: %s", shown, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cfg_fail(err, "%s is not a directory (a single PEM file goes in --cafile)", shown);
    if (access(path, X_OK) < 0)
        return cfg_fail(err, "%s: cannot look into it: %s", shown, strerror(errno));
    return 0;
}

int config_ca_file_check(const char *path, struct config_error *err)
{
    struct stat st;
    char b[128];
    if (!path || !*path)
        return cfg_fail(err, "empty file name");
    const char *shown = cfg_show(path, b, sizeof b);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return cfg_fail(err, "%s: %s", shown, strerror(errno));
    int rc = fstat(fd, &st);
    close(fd);
    if (rc < 0)
        return cfg_fail(err, "%s: %s", shown, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return cfg_fail(err, "%s is a directory (a hashed CA directory goes in --capath)", shown);
    if (!S_ISREG(st.st_mode))
        return cfg_fail(err, "%s is not a regular file", shown);
    return 0;
}

void config_weakenings(const struct tls_config *c, struct strlist *out)
{
    if (!c->verify)
        strlist_push(out, "verification off: any certificate is accepted");
    else if (!c->hostname_check)
        strlist_push(out, "hostname check off: a certificate for any name is accepted");
    for (size_t i = 0; i < c->ignore_errors.len; i++)
        strlist_take(out, xasprintf("ignoring verification error %s", c->ignore_errors.items[i]));
    if (c->sec_level == 0)
        strlist_push(out, CONFIG_WEAK_SECLEVEL0);
    if (c->min_proto && c->min_proto < PROTO_TLS1_2)
        strlist_take(out,
                     xasprintf("%s allowed (deprecated by RFC 8996)", proto_label(c->min_proto)));
    if (c->keylog)
        strlist_take(out, xasprintf("session keys written to %s", c->keylog));
}

const char *config_sni(const struct tls_config *c)
{
    if (c->no_sni)
        return NULL;
    if (c->sni && *c->sni)
        return c->sni;
    if (c->host && !host_is_ip_literal(c->host))
        return c->host;
    return NULL;
}

static int parse_port(const char *s, uint16_t *out)
{
    if (!*s)
        return -1;
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 65535)
            return -1;
    }
    if (v == 0)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

bool target_has_port(const char *spec)
{
    if (!spec)
        return false;
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        return close && close[1] == ':';
    }
    const char *colon = strchr(spec, ':');
    return colon && !strchr(colon + 1, ':');
}

int target_parse(const char *spec, struct tls_config *c, char *err, size_t errlen)
{
    char host[256];
    uint16_t port = 443;
    if (!spec || !*spec) {
        snprintf(err, errlen, "empty target: expected HOST[:PORT]");
        return -1;
    }
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close) {
            snprintf(err, errlen, "target '%s': missing ']' after the IPv6 address", spec);
            return -1;
        }
        size_t n = (size_t)(close - spec - 1);
        if (n == 0 || n >= sizeof(host)) {
            snprintf(err, errlen, "target '%s': empty or too long IPv6 address", spec);
            return -1;
        }
        memcpy(host, spec + 1, n);
        host[n] = '\0';
        unsigned char buf[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET6, host, buf) != 1) {
            snprintf(err, errlen, "target '%s': '%s' is not an IPv6 address", spec, host);
            return -1;
        }
        if (close[1] == ':') {
            if (parse_port(close + 2, &port) < 0) {
                snprintf(err, errlen, "target '%s': port must be 1-65535", spec);
                return -1;
            }
        } else if (close[1] != '\0') {
            snprintf(err, errlen, "target '%s': expected ':PORT' after ']'", spec);
            return -1;
        }
    } else {
        const char *colon = strchr(spec, ':');
        if (colon && strchr(colon + 1, ':')) {
            /* A bare IPv6 address without a port. */
            unsigned char buf[sizeof(struct in6_addr)];
            if (strlen(spec) < sizeof(host) && inet_pton(AF_INET6, spec, buf) == 1) {
                snprintf(host, sizeof(host), "%s", spec);
                colon = NULL;
            } else {
                snprintf(err, errlen,
                         "target '%s': write IPv6 addresses in brackets, e.g. [::1]:443", spec);
                return -1;
            }
        } else {
            size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
            if (n == 0 || n >= sizeof(host)) {
                snprintf(err, errlen, "target '%s': empty or too long host name", spec);
                return -1;
            }
            memcpy(host, spec, n);
            host[n] = '\0';
            if (colon && parse_port(colon + 1, &port) < 0) {
                snprintf(err, errlen, "target '%s': port must be 1-65535", spec);
                return -1;
            }
            struct config_error ce;
            char norm[256];
            if (config_host_normalize(host, norm, sizeof norm, &ce) < 0) {
                snprintf(err, errlen, "target %s", ce.reason); /* the reason quotes it */
                return -1;
            }
            snprintf(host, sizeof host, "%s", norm);
        }
    }
    free(c->host);
    c->host = xstrdup(host);
    c->port = port;
    return 0;
}
