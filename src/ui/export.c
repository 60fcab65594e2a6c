/* Exporting the chain the server sent, or the one it should send, as a PEM file, written
 * atomically and never over an existing file unless asked. */
#include "ui/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define EXPORT_HOST_MAX 200 /* bytes of the host kept in the default file name */

size_t export_pick(const struct report *r, enum export_chain which, const struct cert_info **out,
                   size_t max)
{
    const struct cert_info *picked[2 * REPORT_CHAIN_MAX];
    size_t n = 0, kept = 0;
    if (which == EXPORT_TO_SERVE) {
        n = report_chain_to_serve(r, picked, sizeof picked / sizeof picked[0]);
    } else {
        for (size_t i = 0; i < r->n_sent && n < sizeof picked / sizeof picked[0]; i++)
            picked[n++] = &r->sent[i];
    }
    for (size_t i = 0; i < n && kept < max; i++)
        if (picked[i]->pem && *picked[i]->pem)
            out[kept++] = picked[i];
    return kept;
}

int export_chain_pem(const struct report *r, const char *path, bool overwrite, char *err,
                     size_t errlen)
{
    return export_chain_pem_of(r, EXPORT_SENT, path, overwrite, err, errlen);
}

int export_chain_pem_of(const struct report *r, enum export_chain which, const char *path,
                        bool overwrite, char *err, size_t errlen)
{
    struct strbuf sb = {0};
    const struct cert_info *certs[2 * REPORT_CHAIN_MAX];
    size_t n = export_pick(r, which, certs, sizeof certs / sizeof certs[0]);
    for (size_t i = 0; i < n; i++) {
        const char *pem = certs[i]->pem;
        sb_puts(&sb, pem);
        if (pem[strlen(pem) - 1] != '\n')
            sb_putc(&sb, '\n');
    }
    if (!sb.len) {
        snprintf(err, errlen, "the server sent no certificate to export");
        sb_free(&sb);
        errno = ENOENT;
        return -1;
    }
    int rc = file_write_atomic(path, sb.buf, sb.len, 0644, overwrite, err, errlen);
    int saved = errno;
    if (rc < 0 && saved == EEXIST && !overwrite)
        snprintf(err, errlen, "%s exists", path);
    sb_free(&sb);
    errno = saved;
    return rc < 0 ? -1 : 0;
}

char *export_default_name_for(const struct report *r, enum export_chain which)
{
    char *name = export_default_name(r);
    if (which != EXPORT_TO_SERVE)
        return name;
    size_t n = strlen(name) - strlen(".pem"); /* every default name ends in ".pem" */
    char *full = xasprintf("%.*s.fullchain.pem", (int)n, name);
    free(name);
    return full;
}

char *export_default_name(const struct report *r)
{
    const char *host = r->host;
    if (!host || !*host)
        return xstrdup("chain.pem");
    size_t n = strnlen(host, EXPORT_HOST_MAX);
    char *name = xmalloc(n + sizeof(".pem"));
    for (size_t i = 0; i < n; i++) {
        char c = host[i];
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || (c == '.' && i > 0);
        name[i] = keep ? c : '_';
    }
    memcpy(name + n, ".pem", sizeof(".pem"));
    return name;
}
