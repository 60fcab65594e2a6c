/* issue 13: the Kubernetes TLS secret reader (see ysecret.h). */
#include "yaml/ysecret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "yaml/ytree.h"

bool ysecret_sniff(const char *data, size_t n)
{
    static const char key[] = "tls.crt";
    size_t k = sizeof(key) - 1;
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(data + i, key, k))
            return true;
    return false;
}

static const struct ynode *map_get(const struct ynode *map, const char *key)
{
    if (!map || map->kind != YN_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->kids[i]->kind == YN_SCALAR && map->kids[i]->len != YNODE_NUL_LEN &&
            !strcmp(map->kids[i]->text, key))
            return map->kids[i + 1];
    return NULL;
}

/* A scalar value of the map under key, copied; NULL when absent. -1 when not a scalar. */
static int take(struct ytree_ctx *ctx, const struct ynode *map, const char *key, char **out)
{
    const struct ynode *v = map_get(map, key);
    if (!v || ynode_is_null(v))
        return 0;
    if (v->kind != YN_SCALAR || v->len == YNODE_NUL_LEN) {
        char buf[64];
        return ytree_fail_at(ctx, v, "`%s` must be a string, not %s", key,
                             ynode_describe(v, buf, sizeof buf));
    }
    *out = xstrdup(v->text);
    return 0;
}

int ysecret_read(const char *data, size_t n, struct ysecret *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    char file[8] = "", message[512] = "";
    int line = 0, col = 0;
    struct ytree_ctx ctx = {
        data, n, NULL, {file, sizeof file, &line, &col, message, sizeof message}};
    const struct ytree_limits lim = {YSECRET_MAX_BYTES, 32, 1000, "a Kubernetes secret",
                                     "Kubernetes secrets"};
    struct ynode *root = NULL;
    int rc = ytree_read(&ctx, &lim, &root);
    if (rc == 0 && (!root || root->kind != YN_MAP))
        rc = ytree_fail(&ctx, root ? root->line : 1, root ? root->col : 1,
                        "a Kubernetes secret is a mapping with `data`");
    const struct ynode *d = rc == 0 ? map_get(root, "data") : NULL;
    if (rc == 0 && !map_get(d, "tls.crt") && map_get(map_get(root, "stringData"), "tls.crt")) {
        d = map_get(root, "stringData");
        out->plain = true;
    }
    if (rc == 0 && !map_get(d, "tls.crt"))
        rc = ytree_fail(&ctx, root->line, root->col,
                        "no `data` with a `tls.crt` entry: not a Kubernetes TLS secret");
    if (rc == 0)
        rc = take(&ctx, d, "tls.crt", &out->crt);
    if (rc == 0)
        rc = take(&ctx, d, "tls.key", &out->key);
    if (rc == 0)
        rc = take(&ctx, d, "ca.crt", &out->ca);
    if (rc == 0 && !out->crt)
        rc = ytree_fail(&ctx, root->line, root->col, "`tls.crt` is empty");
    if (rc < 0) {
        if (line > 0)
            snprintf(err, errlen, "%d:%d: %s", line, col, message);
        else
            snprintf(err, errlen, "%s", message);
    }
    ynode_free(root);
    return rc;
}

void ysecret_free(struct ysecret *s)
{
    free(s->crt);
    if (s->key)
        memset(s->key, 0, strlen(s->key)); /* a private key */
    free(s->key);
    free(s->ca);
    memset(s, 0, sizeof(*s));
}
