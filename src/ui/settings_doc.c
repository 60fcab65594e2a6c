/* A config's effective settings as document lines (the home screen shows the selected
 * profile's beside the list), and wrapping text into lines. */
#include "ui/settings_doc.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strlist.h"

#define SD_LABEL_W 11 /* "protocols  " */

/* Length in bytes of the UTF-8 character at p (1 for a stray byte). */
static size_t sd_cp_len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

/* Appends text (sanitised) as lines of at most width columns, broken at blanks. */
void settings_doc_wrap(struct doc *d, enum theme_role role, const char *text, int width)
{
    char *safe = sanitize_terminal(text);
    const char *p = safe;
    while (*p) {
        const char *end = p, *brk = NULL;
        int w = 0;
        while (*end) {
            size_t n = sd_cp_len(end);
            char cp[5] = {0};
            memcpy(cp, end, n);
            int cw = doc_width(cp);
            if (w + cw > width)
                break;
            if (*end == ' ')
                brk = end;
            w += cw;
            end += n;
        }
        if (*end && brk && brk > p)
            end = brk;
        if (end == p)
            end = p + sd_cp_len(p);
        char *line = xstrndup(p, (size_t)(end - p));
        doc_text(doc_line(d, -1), role, "%s", line);
        free(line);
        p = end;
        while (*p == ' ')
            p++;
    }
    free(safe);
}

static char *sd_protocols(const struct tls_config *c)
{
    const char *lo = c->min_proto ? proto_label(c->min_proto) : "library lowest";
    const char *hi = c->max_proto ? proto_label(c->max_proto) : "library highest";
    if (c->min_proto && c->min_proto == c->max_proto)
        return xstrdup(lo);
    return xasprintf("%s – %s", lo, hi);
}

static char *sd_spaced(const char *list)
{
    char *s = xstrdup(list);
    for (char *p = s; *p; p++)
        if (*p == ':')
            *p = ' ';
    return s;
}

void settings_doc_fields(struct doc *d, const struct tls_config *c)
{
    char *protos = sd_protocols(c);
    doc_field(d, SD_LABEL_W, "protocols", TR_TEXT, "%s", protos);
    free(protos);
    doc_field_peer(d, SD_LABEL_W, "ciphers", TR_TEXT, c->ciphers ? c->ciphers : "OpenSSL default");
    if (c->ciphersuites)
        doc_field_peer(d, SD_LABEL_W, "suites", TR_TEXT, c->ciphersuites);
    char *groups = sd_spaced(c->groups ? c->groups : "OpenSSL default");
    doc_field_peer(d, SD_LABEL_W, "groups", TR_TEXT, groups);
    free(groups);
    if (c->sigalgs)
        doc_field_peer(d, SD_LABEL_W, "sigalgs", TR_TEXT, c->sigalgs);
    const char *trust = c->ca_file ? c->ca_file : c->ca_path ? c->ca_path : "system CAs";
    char *verify =
        c->verify ? xasprintf("on · %s · %s", c->hostname_check ? "hostname" : "no hostname", trust)
                  : xstrdup("off");
    doc_field_peer(d, SD_LABEL_W, "verify", c->verify ? TR_TEXT : TR_WARN, verify);
    free(verify);
    char *alpn = c->alpn.len ? strlist_join(&c->alpn, " ") : xstrdup("none");
    doc_field_peer(d, SD_LABEL_W, "alpn", TR_TEXT, alpn);
    free(alpn);
    doc_field_peer(d, SD_LABEL_W, "client", TR_TEXT, c->cert_file ? c->cert_file : "none");
    if (c->ocsp || c->ocsp_required)
        doc_field(d, SD_LABEL_W, "ocsp", TR_TEXT, "%s",
                  c->ocsp_required ? "required" : "requested");
    if (c->sec_level >= 0)
        doc_field(d, SD_LABEL_W, "sec level", c->sec_level == 0 ? TR_WARN : TR_TEXT, "%d",
                  c->sec_level);
    if (c->host)
        doc_field(d, SD_LABEL_W, "target", TR_TEXT, "%s:%u", c->host, (unsigned)c->port);
}
