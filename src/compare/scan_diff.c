/* Two scan reports compared (see scan_diff.h), through their JSON form. */
#include "compare/scan_diff.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/strbuf.h"

static const char *const versions[] = {"SSLv2",   "SSLv3",   "TLSv1.0",
                                       "TLSv1.1", "TLSv1.2", "TLSv1.3"};

static json_t *load_scan(const char *doc)
{
    json_t *root = doc ? json_loads(doc, 0, NULL) : NULL;
    if (root && json_is_object(json_object_get(root, "scan")))
        return root;
    json_decref(root);
    return NULL;
}

bool scan_diff_is_scan(const char *doc)
{
    json_t *r = load_scan(doc);
    json_decref(r);
    return r != NULL;
}

/* Every fact a scan accepts, one string each. */
static void facts(json_t *scan, struct strlist *out)
{
    json_t *protos = json_object_get(scan, "protocols"),
           *ciphers = json_object_get(scan, "ciphers");
    for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
        json_t *p = json_object_get(protos, versions[v]);
        char buf[160];
        if (json_is_true(json_object_get(p, "supported"))) {
            snprintf(buf, sizeof buf, "protocol %s", versions[v]);
            strlist_push(out, buf);
        }
        json_t *list = json_object_get(ciphers, versions[v]), *e;
        size_t i;
        json_array_foreach(list, i, e)
        {
            const char *name = json_string_value(json_object_get(e, "iana"));
            snprintf(buf, sizeof buf, "%s %s", versions[v], name ? name : "?");
            strlist_push(out, buf);
        }
    }
    json_t *g, *arr = json_object_get(json_object_get(scan, "groups"), "accepted");
    size_t i;
    json_array_foreach(arr, i, g)
    {
        char buf[160];
        const char *name = json_string_value(json_object_get(g, "name"));
        snprintf(buf, sizeof buf, "group %s%s%s", name ? name : "?",
                 json_is_true(json_object_get(g, "tls13")) ? " (TLS 1.3)" : "",
                 json_is_true(json_object_get(g, "tls12")) ? " (TLS 1.2)" : "");
        strlist_push(out, buf);
    }
    json_array_foreach(json_object_get(scan, "sigalgs"), i, g)
    {
        char buf[160];
        const char *name = json_string_value(json_object_get(g, "name"));
        snprintf(buf, sizeof buf, "signature algorithm %s", name ? name : "?");
        strlist_push(out, buf);
    }
    json_array_foreach(json_object_get(scan, "certificates"), i, g)
    {
        json_t *sent = json_object_get(json_object_get(g, "chain"), "sent");
        json_t *leaf = json_array_get(sent, 0);
        const char *fp = json_string_value(json_object_get(leaf, "sha256"));
        const char *kind = json_string_value(json_object_get(g, "kind"));
        char buf[200];
        snprintf(buf, sizeof buf, "certificate %s %s", kind ? kind : "?", fp ? fp : "?");
        strlist_push(out, buf);
    }
    json_t *alpn = json_object_get(json_object_get(scan, "features"), "alpn");
    json_array_foreach(alpn, i, g)
    {
        char buf[160];
        snprintf(buf, sizeof buf, "ALPN %s", json_string_value(g) ? json_string_value(g) : "?");
        strlist_push(out, buf);
    }
}

static void only_in(const struct strlist *a, const struct strlist *b, struct strlist *out)
{
    for (size_t i = 0; i < a->len; i++)
        if (!strlist_contains(b, a->items[i]))
            strlist_push(out, a->items[i]);
}

static void finding_ids(json_t *scan, struct strlist *out)
{
    json_t *f;
    size_t i;
    json_array_foreach(json_object_get(scan, "findings"), i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));
        if (id)
            strlist_push(out, id);
    }
}

static char *value_text(json_t *v)
{
    if (!v || json_is_null(v))
        return xstrdup("not tested");
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    return s ? s : xstrdup("?");
}

int scan_diff_json(const char *a, const char *b, struct scan_diff *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_t *ra = load_scan(a), *rb = load_scan(b);
    if (!ra || !rb) {
        snprintf(err, errlen, "%s: not a tlscope scan report (tlscope --scan --json)",
                 ra ? "B" : "A");
        json_decref(ra);
        json_decref(rb);
        return -1;
    }
    json_t *sa = json_object_get(ra, "scan"), *sb = json_object_get(rb, "scan");
    struct strlist fa = {0}, fb = {0};
    facts(sa, &fa);
    facts(sb, &fb);
    only_in(&fb, &fa, &out->now);
    only_in(&fa, &fb, &out->before);
    strlist_free(&fa);
    strlist_free(&fb);
    json_t *feat_a = json_object_get(sa, "features"), *feat_b = json_object_get(sb, "features");
    const char *key;
    json_t *va;
    json_object_foreach(feat_a, key, va)
    {
        if (!strcmp(key, "alpn"))
            continue; /* compared as facts */
        json_t *vb = json_object_get(feat_b, key);
        if (vb && json_equal(va, vb))
            continue;
        char *x = value_text(va), *y = value_text(vb), line[256];
        snprintf(line, sizeof line, "%s: %s -> %s", key, x, y);
        strlist_push(&out->changed, line);
        free(x), free(y);
    }
    struct strlist ia = {0}, ib = {0};
    finding_ids(sa, &ia);
    finding_ids(sb, &ib);
    only_in(&ib, &ia, &out->findings_now);
    only_in(&ia, &ib, &out->findings_gone);
    strlist_free(&ia);
    strlist_free(&ib);
    json_decref(ra);
    json_decref(rb);
    return 0;
}

unsigned scan_diff_count(const struct scan_diff *d)
{
    return (unsigned)(d->now.len + d->before.len + d->changed.len + d->findings_now.len +
                      d->findings_gone.len);
}

static json_t *jlist(const struct strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->len; i++)
        json_array_append_new(a, json_string(l->items[i]));
    return a;
}

char *scan_diff_render(const struct scan_diff *d, bool json, bool pretty)
{
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "accepted_now", jlist(&d->now));
        json_object_set_new(o, "accepted_before", jlist(&d->before));
        json_object_set_new(o, "changed", jlist(&d->changed));
        json_object_set_new(o, "findings_now", jlist(&d->findings_now));
        json_object_set_new(o, "findings_gone", jlist(&d->findings_gone));
        char *s = json_dumps(o, JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(2) : JSON_COMPACT));
        json_decref(o);
        if (!s)
            abort();
        char *out = xasprintf("%s\n", s);
        free(s);
        return out;
    }
    struct strbuf sb = {0};
    if (!scan_diff_count(d))
        sb_puts(&sb, "The two scans found the same.\n");
    if (d->now.len)
        sb_puts(&sb, "Accepted now, not before:\n");
    for (size_t i = 0; i < d->now.len; i++)
        sb_printf(&sb, "  + %s\n", d->now.items[i]);
    if (d->before.len)
        sb_puts(&sb, "Accepted before, not now:\n");
    for (size_t i = 0; i < d->before.len; i++)
        sb_printf(&sb, "  - %s\n", d->before.items[i]);
    if (d->changed.len)
        sb_puts(&sb, "Features changed:\n");
    for (size_t i = 0; i < d->changed.len; i++)
        sb_printf(&sb, "  ~ %s\n", d->changed.items[i]);
    if (d->findings_now.len + d->findings_gone.len)
        sb_puts(&sb, "Findings:\n");
    for (size_t i = 0; i < d->findings_now.len; i++)
        sb_printf(&sb, "  + %s\n", d->findings_now.items[i]);
    for (size_t i = 0; i < d->findings_gone.len; i++)
        sb_printf(&sb, "  - %s\n", d->findings_gone.items[i]);
    return sb_take(&sb);
}

void scan_diff_free(struct scan_diff *d)
{
    strlist_free(&d->now);
    strlist_free(&d->before);
    strlist_free(&d->changed);
    strlist_free(&d->findings_now);
    strlist_free(&d->findings_gone);
}
