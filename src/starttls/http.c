/* The HTTP probe's request and the parser of the answer's head (see http.h). */
#include "starttls/http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/sanitize.h"

#define HTTP_VALUE_MAX 300

size_t http_build_request(char *buf, size_t n, const char *path, const char *host, uint16_t port)
{
    bool v6 = strchr(host, ':') != NULL;
    char authority[300];
    if (port == 443)
        snprintf(authority, sizeof authority, "%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "");
    else
        snprintf(authority, sizeof authority, "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "",
                 (unsigned)port);
    int k = snprintf(buf, n,
                     "HEAD %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlscope\r\nAccept: */*\r\n"
                     "Connection: close\r\n\r\n",
                     path && *path ? path : "/", authority);
    return k > 0 && (size_t)k < n ? (size_t)k : 0;
}

static void set_value(char **dst, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    free(*dst);
    *dst = utf8_repair(v, n < HTTP_VALUE_MAX ? n : HTTP_VALUE_MAX);
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

void http_parse_hsts(const char *value, struct http_report *out)
{
    out->hsts_max_age = -1;
    out->hsts_include_subdomains = out->hsts_preload = false;
    free(out->hsts_problem);
    out->hsts_problem = NULL;
    int seen_age = 0, seen_sub = 0, seen_pre = 0;
    const char *p = value;
    char problem[200] = "";
    while (*p) {
        const char *end = p + strcspn(p, ";");
        const char *eq = memchr(p, '=', (size_t)(end - p));
        const char *ns = p, *ne = eq ? eq : end;
        trim(&ns, &ne);
        const char *vs = eq ? eq + 1 : end, *ve = end;
        trim(&vs, &ve);
        if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"')
            vs++, ve--;
        size_t nl = (size_t)(ne - ns);
        if (nl == 7 && !strncasecmp(ns, "max-age", 7)) {
            seen_age++;
            long v = 0;
            bool ok = vs < ve;
            for (const char *c = vs; c < ve && ok; c++) {
                ok = isdigit((unsigned char)*c);
                if (ok && v < 100000000000L)
                    v = v * 10 + (*c - '0');
            }
            if (ok)
                out->hsts_max_age = v;
            else if (!problem[0])
                snprintf(problem, sizeof problem, "max-age is not a number of seconds");
        } else if (nl == 17 && !strncasecmp(ns, "includeSubDomains", 17)) {
            seen_sub++;
            out->hsts_include_subdomains = true;
        } else if (nl == 7 && !strncasecmp(ns, "preload", 7)) {
            seen_pre++;
            out->hsts_preload = true;
        } else if (nl == 0 && (eq || end > p + strspn(p, " \t"))) {
            if (!problem[0])
                snprintf(problem, sizeof problem, "a directive without a name");
        }
        p = *end ? end + 1 : end;
    }
    if (!problem[0] && seen_age == 0)
        snprintf(problem, sizeof problem, "no max-age directive (required)");
    if (!problem[0] && (seen_age > 1 || seen_sub > 1 || seen_pre > 1))
        snprintf(problem, sizeof problem, "a directive appears twice (the header is invalid)");
    if (problem[0]) {
        out->hsts_problem = xstrdup(problem);
        out->hsts_max_age = seen_age == 1 ? out->hsts_max_age : -1;
    }
}

int http_parse_head(const char *data, size_t n, struct http_report *out)
{
    const char *end = NULL;
    for (size_t i = 0; i + 1 < n && !end; i++) {
        if (data[i] == '\n' && data[i + 1] == '\n')
            end = data + i + 2;
        else if (i + 3 < n && !memcmp(data + i, "\r\n\r\n", 4))
            end = data + i + 4;
    }
    if (n >= 5 && memcmp(data, "HTTP/", 5)) {
        char *preview = sanitize_preview((const unsigned char *)data, n, 40);
        free(out->error);
        out->error = xasprintf("the answer is not HTTP: \"%s\"", preview);
        free(preview);
        return -1;
    }
    if (!end) {
        if (n >= HTTP_HEAD_MAX) {
            free(out->error);
            out->error = xasprintf("the answer's headers are longer than %d bytes", HTTP_HEAD_MAX);
            return -1;
        }
        return 0;
    }
    const char *p = data;
    bool first = true;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t len = (size_t)(le - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len == 0)
            break;
        if (first) {
            set_value(&out->status_line, p, len);
            int code = 0;
            if (len >= 12 && p[8] == ' ' && isdigit((unsigned char)p[9]) &&
                isdigit((unsigned char)p[10]) && isdigit((unsigned char)p[11]))
                code = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
            if (code < 100 || code > 599) {
                free(out->error);
                out->error = xstrdup("the status line has no status code");
                return -1;
            }
            out->status = code;
            first = false;
        } else {
            const char *colon = memchr(p, ':', len);
            if (colon) {
                size_t nl2 = (size_t)(colon - p);
                const char *v = colon + 1;
                size_t vl = len - nl2 - 1;
                if (nl2 == 6 && !strncasecmp(p, "Server", 6))
                    set_value(&out->server, v, vl);
                else if (nl2 == 7 && !strncasecmp(p, "Alt-Svc", 7))
                    set_value(&out->alt_svc, v, vl);
                else if (nl2 == 8 && !strncasecmp(p, "Location", 8))
                    set_value(&out->location, v, vl);
                else if (nl2 == 25 && !strncasecmp(p, "Strict-Transport-Security", 25)) {
                    if (out->hsts) { /* RFC 6797 §8.1: only the first counts */
                        p = nl ? nl + 1 : end;
                        continue;
                    }
                    set_value(&out->hsts, v, vl);
                }
            }
        }
        p = nl ? nl + 1 : end;
    }
    if (out->hsts)
        http_parse_hsts(out->hsts, out);
    return 1;
}
