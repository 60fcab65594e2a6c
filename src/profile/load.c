/* Loading one profile: ytree.h reads a small, bounded tree of the document, then every key is
 * checked against the schema table and stored in a tls_config. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile/profile.h"
#include "settings/settings.h"
#include "yaml/ytree.h"
#include "util/mem.h"
#include "util/sanitize.h"

/* ---- values ---------------------------------------------------------------------------- */

static const char *expects(const struct setting *k, char *buf, size_t n)
{
    switch (k->type) {
    case SET_BOOL: return "true or false";
    case SET_INT: snprintf(buf, n, "a whole number %d-%d", k->min, k->max); return buf;
    case SET_PORT: return "a port number 1-65535";
    case SET_SECONDS: snprintf(buf, n, "a number of seconds up to %d", k->max); return buf;
    case SET_PROTO: return "a protocol version (tls1.0 tls1.1 tls1.2 tls1.3)";
    case SET_LIST: return "a list of strings";
    case SET_SNI: return "a server name or false";
    case SET_FAMILY: return "one of any ipv4 ipv6";
    case SET_PASS_SOURCE: return "env:VAR or file:PATH";
    case SET_META: return strcmp(k->name, "extends") ? "a string" : "a profile name";
    default: return "a string";
    }
}

static int type_error(struct ytree_ctx *ld, const struct setting *k, const struct ynode *v)
{
    char e[96], d[320];
    return ytree_fail_at(ld, v, "`%s` expects %s, found %s", k->name, expects(k, e, sizeof(e)),
                         ynode_describe(v, d, sizeof(d)));
}

/* The text of a scalar value, or NULL with the error: a collection is a type error, an
 * embedded NUL is refused. */
static const char *scalar_text(struct ytree_ctx *ld, const struct setting *k, const struct ynode *v)
{
    if (v->kind != YN_SCALAR) {
        type_error(ld, k, v);
        return NULL;
    }
    if (v->len == YNODE_NUL_LEN) {
        ytree_fail_at(ld, v, "`%s` contains a NUL character", k->name);
        return NULL;
    }
    return v->text;
}

/* The settings table's parser on one scalar: a refusal is reported at `at` as
 * "key 'value': reason", the words a flag and the editor give for the same value. */
static int parse_at(struct ytree_ctx *ld, const struct setting *k, const char *text,
                    const struct ynode *at, struct tls_config *c)
{
    struct setting_error se;
    char buf[600];
    if (setting_parse(k, text, c, &se) == 0)
        return 0;
    return ytree_fail_at(ld, at, "%s", setting_error_format(&se, k->name, buf, sizeof buf));
}

/* Profile names as profile_locate accepts them: letters, digits, - _ . (no leading dot). */
static bool valid_profile_name(const char *s)
{
    if (!*s || s[0] == '.' || strlen(s) > 128)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

/* ---- one setter per type --------------------------------------------------------------- */

/* Strings, protocols, families, passphrase sources: any scalar, plain or quoted. */
static int set_text(struct ytree_ctx *ld, const struct setting *k, const struct ynode *v,
                    struct tls_config *c)
{
    const char *s = scalar_text(ld, k, v);
    return s ? parse_at(ld, k, s, v, c) : -1;
}

/* Bools and numbers: plain scalars only ("443" in quotes is a string, not a port). */
static int set_plain(struct ytree_ctx *ld, const struct setting *k, const struct ynode *v,
                     struct tls_config *c)
{
    if (v->kind != YN_SCALAR || !v->plain || v->len == YNODE_NUL_LEN)
        return type_error(ld, k, v);
    return parse_at(ld, k, v->text, v, c);
}

/* sni: false (plain) sends none; a quoted "false" is a host name like any other. */
static int set_sni(struct ytree_ctx *ld, const struct setting *k, const struct ynode *v,
                   struct tls_config *c)
{
    const char *s = scalar_text(ld, k, v);
    if (!s)
        return -1;
    if (v->plain)
        return parse_at(ld, k, s, v, c);
    struct config_error ce;
    char name[256], buf[600];
    if (config_sni_normalize(s, name, sizeof name, &ce) < 0) {
        struct setting_error se = {.key = k->name, .value_in_reason = true};
        snprintf(se.reason, sizeof se.reason, "%s", ce.reason);
        return ytree_fail_at(ld, v, "%s", setting_error_format(&se, k->name, buf, sizeof buf));
    }
    free(c->sni);
    c->sni = xstrdup(name);
    c->no_sni = false;
    return 0;
}

/* One list item: each goes through the table's parser (and its validator) alone, so an
 * error points at the item. */
static int push_item(struct ytree_ctx *ld, const struct setting *k, const struct ynode *item,
                     struct tls_config *c)
{
    char d[320];
    if (item->kind != YN_SCALAR)
        return ytree_fail_at(ld, item, "`%s` items must be strings, found %s", k->name,
                             ynode_describe(item, d, sizeof(d)));
    if (ynode_is_null(item))
        return ytree_fail_at(ld, item, "`%s` has an empty item", k->name);
    if (item->len == YNODE_NUL_LEN)
        return ytree_fail_at(ld, item, "`%s` contains a NUL character", k->name);
    return parse_at(ld, k, item->text, item, c);
}

static int set_list(struct ytree_ctx *ld, const struct setting *k, const struct ynode *v,
                    struct tls_config *c)
{
    strlist_clear((struct strlist *)((char *)c + k->offset));
    if (v->kind == YN_SCALAR)
        return push_item(ld, k, v, c);
    if (v->kind != YN_SEQ)
        return type_error(ld, k, v);
    for (size_t i = 0; i < v->n; i++)
        if (push_item(ld, k, v->kids[i], c) < 0)
            return -1;
    return 0;
}

static int set_meta(struct ytree_ctx *ld, const struct setting *k, const struct ynode *v,
                    struct profile *p)
{
    const char *s = scalar_text(ld, k, v);
    char b[256];
    if (!s)
        return -1;
    if (!strcmp(k->name, "description")) {
        free(p->description);
        p->description = xstrdup(s);
        return 0;
    }
    if (!valid_profile_name(s))
        return ytree_fail_at(ld, v, "`%s`: `%s` is not a profile name (letters, digits, - _ .)",
                             k->name, ytree_show(s, b, sizeof(b)));
    free(p->extends);
    p->extends = xstrdup(s);
    return 0;
}

static int set_value(struct ytree_ctx *ld, const struct setting *k, const struct ynode *v,
                     struct profile *p)
{
    switch (k->type) {
    case SET_STRING:
    case SET_PATH:
    case SET_PROTO:
    case SET_FAMILY:
    case SET_PASS_SOURCE: return set_text(ld, k, v, &p->cfg);
    case SET_BOOL:
    case SET_INT:
    case SET_PORT:
    case SET_SECONDS: return set_plain(ld, k, v, &p->cfg);
    case SET_LIST: return set_list(ld, k, v, &p->cfg);
    case SET_SNI: return set_sni(ld, k, v, &p->cfg);
    case SET_META: return set_meta(ld, k, v, p);
    }
    return ytree_fail_at(ld, v, "`%s`: unsupported key type", k->name);
}

/* The editor's entry to the setters above: items as plain scalars (a sequence when seq), at
 * no place in a file. Works on a copy, so cfg changes only when the value is good. */
int profile_set_items(const struct setting *k, const char *const *items, size_t n, bool seq,
                      struct tls_config *cfg, char *err, size_t errlen)
{
    struct profile_error e, *ep = &e;
    struct ytree_ctx ld = {NULL, 0, "", YTREE_SINK(ep)};
    struct ynode kids[PROFILE_MAX_LIST], *kp[PROFILE_MAX_LIST], list = {.kind = YN_SEQ};
    struct profile p = {0};
    if (n > PROFILE_MAX_LIST || (!seq && n != 1)) {
        snprintf(err, errlen, "%s: a list holds at most %d items", k->name, PROFILE_MAX_LIST);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        kids[i] = (struct ynode){.kind = YN_SCALAR, .text = (char *)items[i], .plain = true};
        kids[i].len = strlen(items[i]);
        kp[i] = &kids[i];
    }
    list.kids = kp;
    list.n = n;
    config_copy(&p.cfg, cfg);
    int rc = set_value(&ld, k, seq ? &list : &kids[0], &p);
    if (rc == 0 && k->type != SET_META)
        setting_copy(k, cfg, &p.cfg);
    else if (rc < 0)
        snprintf(err, errlen, "%s", e.message);
    profile_free(&p);
    return rc;
}

/* ---- the document ---------------------------------------------------------------------- */

static int unknown_key(struct ytree_ctx *ld, const struct ynode *key)
{
    char b[256];
    const char *name = key->len == YNODE_NUL_LEN ? "" : key->text;
    const char *s = setting_suggest(name);
    if (s)
        return ytree_fail_at(ld, key, "unknown key `%s`, did you mean `%s`?",
                             ytree_show(name, b, sizeof(b)), s);
    return ytree_fail_at(ld, key, "unknown key `%s`", ytree_show(name, b, sizeof(b)));
}

/* min_protocol above max_protocol can never connect: refuse it where the later key stands. */
static int check_proto_range(struct ytree_ctx *ld, const struct profile *p,
                             const struct ynode *min_at, const struct ynode *max_at)
{
    if (!min_at || !max_at || p->cfg.min_proto <= p->cfg.max_proto)
        return 0;
    const struct ynode *later = min_at->line > max_at->line ? min_at : max_at;
    const struct ynode *earlier = later == min_at ? max_at : min_at;
    return ytree_fail_at(ld, later,
                         "min_protocol %s is above max_protocol %s (line %d); no version "
                         "is left to offer",
                         proto_label(p->cfg.min_proto), proto_label(p->cfg.max_proto),
                         earlier->line);
}

/* Applies every key of the top-level mapping. `set` gets a bit for each connection key;
 * description and extends live in their own fields. */
static int apply_mapping(struct ytree_ctx *ld, const struct ynode *root, struct profile *p)
{
    int first_line[PROFILE_KEYS_MAX] = {0};
    const struct ynode *proto_val[2] = {NULL, NULL}; /* min_protocol, max_protocol */
    char d[320];
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const struct ynode *key = root->kids[i], *val = root->kids[i + 1];
        if (key->kind != YN_SCALAR)
            return ytree_fail_at(ld, key, "keys must be names, found %s",
                                 ynode_describe(key, d, sizeof(d)));
        const struct setting *k = key->len == YNODE_NUL_LEN ? NULL : setting_find(key->text);
        if (!k)
            return unknown_key(ld, key);
        size_t idx = setting_index(k);
        if (first_line[idx])
            return ytree_fail_at(ld, key, "duplicate key `%s` (first at line %d)", k->name,
                                 first_line[idx]);
        first_line[idx] = key->line;
        if (ynode_is_null(val))
            return ytree_fail_at(ld, key, "`%s` has no value; remove the key for the default (%s)",
                                 k->name, k->default_text);
        if (set_value(ld, k, val, p) < 0)
            return -1;
        if (k->type != SET_META)
            p->set |= UINT64_C(1) << idx;
        if (k->type == SET_PROTO)
            proto_val[k->offset == offsetof(struct tls_config, max_proto)] = val;
    }
    return check_proto_range(ld, p, proto_val[0], proto_val[1]);
}

static int check_root(struct ytree_ctx *ld, const struct ynode *root)
{
    char d[320];
    if (!root)
        return ytree_fail(ld, 1, 1, "expected a mapping of profile keys, found an empty file");
    if (root->kind != YN_MAP)
        return ytree_fail_at(ld, root, "expected a mapping of profile keys, found %s",
                             ynode_describe(root, d, sizeof(d)));
    return 0;
}

int profile_parse(const char *data, size_t n, const char *filename, struct profile *out,
                  struct profile_error *err)
{
    static const struct ytree_limits lim = {PROFILE_MAX_BYTES, PROFILE_MAX_DEPTH, PROFILE_MAX_LIST,
                                            "a profile", "profiles"};
    struct ytree_ctx ld = {data, n, filename ? filename : "<profile>", YTREE_SINK(err)};
    struct ynode *root = NULL;
    struct profile p;
    int rc = -1;
    memset(out, 0, sizeof(*out));
    if (err)
        memset(err, 0, sizeof(*err));
    memset(&p, 0, sizeof(p));
    config_init(&p.cfg);
    p.name = ytree_file_stem(ld.file);
    p.path = xstrdup(ld.file);
    p.origin = PROFILE_FILE;
    if (ytree_read(&ld, &lim, &root) < 0 || check_root(&ld, root) < 0 ||
        apply_mapping(&ld, root, &p) < 0)
        goto out;
    *out = p;
    rc = 0;
out:
    ynode_free(root);
    if (rc < 0)
        profile_free(&p);
    return rc;
}

/* Reads at most PROFILE_MAX_BYTES + 1 bytes of a regular file into *buf (caller frees). */
static int read_bounded(int fd, const char *path, char **buf, size_t *len,
                        struct profile_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ytree_fail_file(YTREE_SINK(err), path, "cannot read profile: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ytree_fail_file(YTREE_SINK(err), path, "cannot read profile: not a regular file");
    if (st.st_size > PROFILE_MAX_BYTES)
        return ytree_fail_file(YTREE_SINK(err), path,
                               "file is %lld bytes; profiles are at most %d KiB",
                               (long long)st.st_size, PROFILE_MAX_BYTES / 1024);
    char *b = xmalloc(PROFILE_MAX_BYTES + 1);
    size_t got = 0;
    while (got < PROFILE_MAX_BYTES + 1) {
        ssize_t r = read(fd, b + got, PROFILE_MAX_BYTES + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(b);
            return ytree_fail_file(YTREE_SINK(err), path, "cannot read profile: %s",
                                   strerror(errno));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got > PROFILE_MAX_BYTES) {
        free(b);
        return ytree_fail_file(YTREE_SINK(err), path,
                               "file is more than %d KiB; profiles are at most %d KiB",
                               PROFILE_MAX_BYTES / 1024, PROFILE_MAX_BYTES / 1024);
    }
    *buf = b;
    *len = got;
    return 0;
}

int profile_load_file(const char *path, enum profile_origin origin, struct profile *out,
                      struct profile_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    memset(out, 0, sizeof(*out));
    /* O_NONBLOCK: opening a FIFO must not hang; fstat refuses it right after. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return ytree_fail_file(YTREE_SINK(err), path, "cannot read profile: %s", strerror(errno));
    int rc = read_bounded(fd, path, &buf, &len, err);
    close(fd);
    if (rc == 0)
        rc = profile_parse(buf, len, path, out, err);
    free(buf);
    if (rc == 0)
        out->origin = origin;
    return rc;
}

void profile_free(struct profile *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->path);
    free(p->description);
    free(p->extends);
    config_free(&p->cfg);
    memset(p, 0, sizeof(*p));
}
