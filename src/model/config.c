/* Connection configuration: defaults, copying, protocol names and target parsing. */
#define _POSIX_C_SOURCE 200809L
#include "model/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"

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
}

void config_free(struct tls_config *c)
{
    if (c->key_pass_value) {
        explicit_bzero(c->key_pass_value, strlen(c->key_pass_value));
        free(c->key_pass_value);
        c->key_pass_value = NULL;
    }
    char **strs[] = {&c->host,     &c->sni,     &c->ciphers, &c->ciphersuites, &c->groups,
                     &c->sigalgs,  &c->ca_file, &c->ca_path, &c->cert_file,    &c->key_file,
                     &c->key_pass, &c->keylog,  &c->theme};
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
    memset(&dst->alpn, 0, sizeof(dst->alpn));
    memset(&dst->ignore_errors, 0, sizeof(dst->ignore_errors));
    memset(&dst->pins, 0, sizeof(dst->pins));
    strlist_copy(&dst->alpn, &src->alpn);
    strlist_copy(&dst->ignore_errors, &src->ignore_errors);
    strlist_copy(&dst->pins, &src->pins);
}

bool host_is_ip_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    if (!host)
        return false;
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
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

static bool valid_hostname(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 253)
        return false;
    for (const char *p = h; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (!(isalnum(ch) || ch == '-' || ch == '.' || ch == '_'))
            return false;
    }
    return true;
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
            if (!valid_hostname(host)) {
                snprintf(err, errlen, "target '%s': '%s' is not a valid host name or address", spec,
                         host);
                return -1;
            }
        }
    }
    free(c->host);
    c->host = xstrdup(host);
    c->port = port;
    return 0;
}
