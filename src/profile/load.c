/* Loading one profile: libyaml's event parser builds a small, bounded tree of the document,
 * then every key is checked against the schema table and stored in a tls_config. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "engine/engine.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include "util/mem.h"
#include "util/sanitize.h"

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };

/* One node of the document. A node owns its text and its children; a mapping's children
 * alternate key, value. */
struct ynode {
    enum ynode_kind kind;
    char *text; /* scalar value, NUL-terminated (an escape may put a NUL before len) */
    size_t len;
    bool plain;    /* unquoted scalar: may stand for a bool, a number or null */
    int line, col; /* 1-based */
    struct ynode **kids;
    size_t n, cap;
};

/* What the parse is working on; err is where the first problem goes. */
struct loader {
    const char *data;
    size_t n;
    const char *file;
    struct profile_error *err;
};

/* The tree under construction: the open collections, innermost last. */
struct tree {
    struct ynode *root;
    struct ynode *open[PROFILE_MAX_DEPTH];
    size_t depth;
    int docs;
    bool ended;
};

/* ---- errors ---------------------------------------------------------------------------- */

static int vfail(struct loader *ld, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static int fail(struct loader *ld, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(struct loader *ld, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int vfail(struct loader *ld, int line, int col, const char *fmt, va_list ap)
{
    struct profile_error *e = ld->err;
    memset(e, 0, sizeof(*e));
    snprintf(e->file, sizeof(e->file), "%s", ld->file);
    e->line = line;
    e->col = col;
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    return -1;
}

static int fail(struct loader *ld, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ld, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

static int fail_at(struct loader *ld, const struct ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ld, at->line, at->col, fmt, ap);
    va_end(ap);
    return -1;
}

/* A value as it may appear in a message: at most 60 bytes (cut at a character boundary)
 * with every control character escaped, so a message never carries terminal controls. */
static const char *show(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s), cut = len;
    if (cut > 60) {
        cut = 60;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    char *safe = utf8_repair(s, cut);
    char *clean = sanitize_terminal(safe);
    snprintf(buf, n, "%s%s", clean, cut < len ? "…" : "");
    free(clean);
    free(safe);
    return buf;
}

/* 1-based line and column of a byte offset (columns count characters, as libyaml's do). */
static void offset_to_mark(const struct loader *ld, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < ld->n; i++) {
        unsigned char c = (unsigned char)ld->data[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= ld->n || ld->data[i + 1] != '\n'))) {
            (*line)++;
            *col = 1;
        } else if (c != '\r' && (c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* The byte at a libyaml mark (0-based line, column in characters), or 0 past its line. */
static char byte_at_mark(const struct loader *ld, size_t line, size_t col)
{
    size_t i = 0;
    for (size_t l = 0; l < line && i < ld->n; i++)
        if (ld->data[i] == '\n' ||
            (ld->data[i] == '\r' && (i + 1 >= ld->n || ld->data[i + 1] != '\n')))
            l++;
    for (size_t c = 0; i < ld->n && ld->data[i] != '\n' && ld->data[i] != '\r'; i++) {
        if (((unsigned char)ld->data[i] & 0xC0) == 0x80)
            continue;
        if (c++ == col)
            return ld->data[i];
    }
    return 0;
}

static int parser_error(struct loader *ld, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "syntax error";
    int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
    switch (p->error) {
    case YAML_MEMORY_ERROR: return fail(ld, 0, 0, "out of memory while parsing");
    case YAML_READER_ERROR:
        offset_to_mark(ld, p->problem_offset, &line, &col);
        if (p->problem_value != -1)
            return fail(ld, line, col, "%s (0x%02X)", problem, (unsigned)p->problem_value);
        return fail(ld, line, col, "%s", problem);
    default: break;
    }
    if (byte_at_mark(ld, p->problem_mark.line, p->problem_mark.column) == '\t' ||
        strstr(problem, "tab character"))
        return fail(ld, line, col, "tab character: YAML indentation must use spaces");
    if (p->context)
        return fail(ld, line, col, "%s (%s at line %d, column %d)", problem, p->context,
                    (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    return fail(ld, line, col, "%s", problem);
}

/* ---- the tree -------------------------------------------------------------------------- */

static struct ynode *node_new(enum ynode_kind kind, const yaml_mark_t *m)
{
    struct ynode *nd = xcalloc(1, sizeof(*nd));
    nd->kind = kind;
    nd->line = (int)m->line + 1;
    nd->col = (int)m->column + 1;
    return nd;
}

/* Recursion is bounded by PROFILE_MAX_DEPTH. */
static void node_free(struct ynode *nd)
{
    if (!nd)
        return;
    for (size_t i = 0; i < nd->n; i++)
        node_free(nd->kids[i]);
    free(nd->kids);
    free(nd->text);
    free(nd);
}

/* Adds nd under the innermost open collection (or as the root); takes nd either way. */
static int tree_attach(struct loader *ld, struct tree *t, struct ynode *nd)
{
    if (t->depth == 0) {
        t->root = nd;
        return 0;
    }
    struct ynode *parent = t->open[t->depth - 1];
    if (parent->kind == YN_SEQ && parent->n >= PROFILE_MAX_LIST) {
        fail_at(ld, nd, "a list holds at most %d items", PROFILE_MAX_LIST);
        node_free(nd);
        return -1;
    }
    xgrow((void **)&parent->kids, &parent->cap, parent->n + 1, sizeof(*parent->kids));
    parent->kids[parent->n++] = nd;
    return 0;
}

/* Anchors and aliases are refused (which also defeats "billion laughs"), and so are tags:
 * a profile's types come from the schema. */
static int check_props(struct loader *ld, const yaml_event_t *ev, const yaml_char_t *anchor,
                       const yaml_char_t *tag)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (anchor)
        return fail(ld, line, col, "anchors and aliases are not supported in profiles");
    if (tag)
        return fail(ld, line, col, "tags are not supported in profiles");
    return 0;
}

static int on_scalar(struct loader *ld, struct tree *t, const yaml_event_t *ev)
{
    if (check_props(ld, ev, ev->data.scalar.anchor, ev->data.scalar.tag) < 0)
        return -1;
    struct ynode *nd = node_new(YN_SCALAR, &ev->start_mark);
    nd->len = ev->data.scalar.length;
    nd->text = xstrndup((const char *)ev->data.scalar.value, nd->len);
    if (memchr(ev->data.scalar.value, '\0', nd->len))
        nd->len = (size_t)-1; /* marks an embedded NUL; refused where the text is used */
    nd->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return tree_attach(ld, t, nd);
}

static int on_open(struct loader *ld, struct tree *t, const yaml_event_t *ev, enum ynode_kind kind)
{
    const yaml_char_t *anchor =
        kind == YN_SEQ ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
    const yaml_char_t *tag =
        kind == YN_SEQ ? ev->data.sequence_start.tag : ev->data.mapping_start.tag;
    if (check_props(ld, ev, anchor, tag) < 0)
        return -1;
    if (t->depth == PROFILE_MAX_DEPTH)
        return fail(ld, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                    "nesting deeper than %d levels", PROFILE_MAX_DEPTH);
    struct ynode *nd = node_new(kind, &ev->start_mark);
    if (tree_attach(ld, t, nd) < 0)
        return -1;
    t->open[t->depth++] = nd;
    return 0;
}

static int on_event(struct loader *ld, struct tree *t, const yaml_event_t *ev)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (t->docs++ > 0)
            return fail(ld, line, col, "a profile is one YAML document; a second one starts here");
        return 0;
    case YAML_ALIAS_EVENT: return fail(ld, line, col, "aliases are not supported in profiles");
    case YAML_SCALAR_EVENT: return on_scalar(ld, t, ev);
    case YAML_SEQUENCE_START_EVENT: return on_open(ld, t, ev, YN_SEQ);
    case YAML_MAPPING_START_EVENT: return on_open(ld, t, ev, YN_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (t->depth > 0)
            t->depth--;
        return 0;
    case YAML_STREAM_END_EVENT: t->ended = true; return 0;
    default: return 0;
    }
}

/* Parses the whole input into *root (NULL for an empty stream), enforcing the bounds: one
 * document, no anchors, aliases or tags, nesting and list lengths within the limits. */
static int read_tree(struct loader *ld, struct ynode **root)
{
    yaml_parser_t parser;
    struct tree t;
    int rc = 0;
    memset(&t, 0, sizeof(t));
    if (!yaml_parser_initialize(&parser))
        return fail(ld, 0, 0, "out of memory while parsing");
    yaml_parser_set_input_string(&parser, (const unsigned char *)ld->data, ld->n);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    while (rc == 0 && !t.ended) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(ld, &parser);
            break;
        }
        rc = on_event(ld, &t, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    *root = t.root;
    return rc;
}

/* ---- values ---------------------------------------------------------------------------- */

static bool is_null(const struct ynode *v)
{
    return v->kind == YN_SCALAR && v->plain &&
           (v->len == 0 || !strcmp(v->text, "~") || !strcasecmp(v->text, "null"));
}

/* "a mapping", "`word`", "the string \"word\"", "nothing". */
static const char *describe(const struct ynode *v, char *buf, size_t n)
{
    char s[256];
    if (v->kind == YN_SEQ)
        return "a sequence";
    if (v->kind == YN_MAP)
        return "a mapping";
    if (is_null(v))
        return "nothing";
    if (v->plain)
        snprintf(buf, n, "`%s`", show(v->text, s, sizeof(s)));
    else
        snprintf(buf, n, "the string \"%s\"", show(v->text, s, sizeof(s)));
    return buf;
}

static const char *expects(const struct pkey *k, char *buf, size_t n)
{
    switch (k->type) {
    case PK_BOOL: return "true or false";
    case PK_INT: snprintf(buf, n, "a whole number %d-%d", k->min, k->max); return buf;
    case PK_PORT: return "a port number 1-65535";
    case PK_SECONDS: snprintf(buf, n, "a number of seconds up to %d", k->max); return buf;
    case PK_PROTO: return "a protocol version (tls1.0 tls1.1 tls1.2 tls1.3)";
    case PK_LIST: return "a list of strings";
    case PK_SNI: return "a server name or false";
    case PK_FAMILY: return "one of any ipv4 ipv6";
    case PK_PASS_SOURCE: return "env:VAR or file:PATH";
    case PK_META: return strcmp(k->name, "extends") ? "a string" : "a profile name";
    default: return "a string";
    }
}

static int type_error(struct loader *ld, const struct pkey *k, const struct ynode *v)
{
    char e[96], d[320];
    return fail_at(ld, v, "`%s` expects %s, found %s", k->name, expects(k, e, sizeof(e)),
                   describe(v, d, sizeof(d)));
}

/* The text of a scalar value, or NULL with the error: a collection is a type error, an
 * embedded NUL is refused. */
static const char *scalar_text(struct loader *ld, const struct pkey *k, const struct ynode *v)
{
    if (v->kind != YN_SCALAR) {
        type_error(ld, k, v);
        return NULL;
    }
    if (v->len == (size_t)-1) {
        fail_at(ld, v, "`%s` contains a NUL character", k->name);
        return NULL;
    }
    return v->text;
}

static void *field(struct tls_config *c, const struct pkey *k)
{
    return (char *)c + k->offset;
}

/* Rewrites the engine's "--flag ..." prefix to the key name, escaping controls. */
static int engine_failure(struct loader *ld, const struct pkey *k, const struct ynode *at,
                          const char *msg)
{
    size_t fl = k->flag ? strlen(k->flag) : 0;
    char *fixed = fl && !strncmp(msg, k->flag, fl) && (msg[fl] == ' ' || msg[fl] == ':')
                      ? xasprintf("%s%s", k->name, msg + fl)
                      : xstrdup(msg);
    char *valid = utf8_repair(fixed, strlen(fixed));
    char *clean = sanitize_terminal(valid);
    fail_at(ld, at, "%s", clean);
    free(clean);
    free(valid);
    free(fixed);
    return -1;
}

/* Runs the engine's own check on key k alone: a fresh config holding only src's value of k.
 * The check needs no trust store; ca_path "/" keeps OpenSSL from loading the system's
 * (about 17 ms a check), since OpenSSL reads a CA directory lazily, while verifying. */
static int engine_check_key(struct loader *ld, const struct pkey *k, const struct tls_config *src,
                            const struct ynode *at)
{
    struct tls_config c;
    char msg[400];
    config_init(&c);
    c.host = xstrdup("localhost");
    c.ca_path = xstrdup("/");
    pkey_copy(k, &c, src);
    int rc = engine_check_config(&c, msg, sizeof(msg));
    config_free(&c);
    return rc == 0 ? 0 : engine_failure(ld, k, at, msg);
}

static bool valid_host_name(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 253 || h[0] == '-' || h[0] == '.')
        return false;
    for (const char *p = h; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.' || *p == '_'))
            return false;
    return true;
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

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    for (size_t i = 0; i < 3; i++) {
        if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
            *out = !strcasecmp(s, yes[i]);
            return true;
        }
    }
    return false;
}

/* Decimal with an optional sign; values beyond ±10^10 saturate (they are out of range). */
static bool parse_whole(const char *s, long long *out)
{
    const char *p = s + (*s == '-' || *s == '+');
    long long v = 0;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (v < 10000000000LL)
            v = v * 10 + (*p - '0');
    }
    *out = *s == '-' ? -v : v;
    return true;
}

/* ---- one setter per type --------------------------------------------------------------- */

static int set_string(struct loader *ld, const struct pkey *k, const struct ynode *v,
                      struct tls_config *c)
{
    const char *s = scalar_text(ld, k, v);
    char b[256];
    if (!s)
        return -1;
    if (k->check == PKC_HOST && !host_is_ip_literal(s) && !valid_host_name(s))
        return fail_at(ld, v, "`%s`: `%s` is not a host name or an IP address", k->name,
                       show(s, b, sizeof(b)));
    char **f = field(c, k);
    free(*f);
    /* "~/x" in a file name means the home directory, as in a shell. */
    const char *home = getenv("HOME");
    if (k->type == PK_PATH && s[0] == '~' && s[1] == '/' && home && *home)
        *f = xasprintf("%s%s", home, s + 1);
    else
        *f = xstrdup(s);
    return k->check == PKC_ENGINE ? engine_check_key(ld, k, c, v) : 0;
}

static int set_bool(struct loader *ld, const struct pkey *k, const struct ynode *v,
                    struct tls_config *c)
{
    bool b;
    if (v->kind != YN_SCALAR || !v->plain || !parse_bool(v->text, &b))
        return type_error(ld, k, v);
    *(bool *)field(c, k) = b;
    return 0;
}

static int set_whole(struct loader *ld, const struct pkey *k, const struct ynode *v,
                     struct tls_config *c)
{
    long long n;
    char b[256];
    if (v->kind != YN_SCALAR || !v->plain || !parse_whole(v->text, &n))
        return type_error(ld, k, v);
    if (n < k->min || n > k->max)
        return fail_at(ld, v, "%s: %s is out of range %d-%d", k->name, show(v->text, b, sizeof(b)),
                       k->min, k->max);
    if (k->type == PK_PORT)
        *(uint16_t *)field(c, k) = (uint16_t)n;
    else
        *(int *)field(c, k) = (int)n;
    return 0;
}

static int set_seconds(struct loader *ld, const struct pkey *k, const struct ynode *v,
                       struct tls_config *c)
{
    char *end = NULL, b[256];
    if (v->kind != YN_SCALAR || !v->plain || !*v->text ||
        v->text[strspn(v->text, "0123456789.eE+-")] != '\0')
        return type_error(ld, k, v);
    errno = 0;
    double d = strtod(v->text, &end);
    if (*end || !isfinite(d))
        return type_error(ld, k, v);
    if (!(d > 0) || d > k->max)
        return fail_at(ld, v, "%s: %s is out of range (more than 0, at most %d seconds)", k->name,
                       show(v->text, b, sizeof(b)), k->max);
    *(double *)field(c, k) = d;
    return 0;
}

static int set_proto(struct loader *ld, const struct pkey *k, const struct ynode *v,
                     struct tls_config *c)
{
    const char *s = scalar_text(ld, k, v);
    char b[256];
    if (!s)
        return -1;
    enum proto_version p = proto_from_name(s);
    if (p == PROTO_UNSET)
        return fail_at(ld, v, "unknown protocol `%s`; expected one of %s", show(s, b, sizeof(b)),
                       k->values);
    if (p < PROTO_TLS1_0)
        return fail_at(ld, v, "%s is not supported; expected one of %s", proto_label(p), k->values);
    *(enum proto_version *)field(c, k) = p;
    return 0;
}

static int set_family(struct loader *ld, const struct pkey *k, const struct ynode *v,
                      struct tls_config *c)
{
    static const struct {
        const char *name;
        enum addr_family f;
    } fams[] = {{"any", FAMILY_ANY}, {"ipv4", FAMILY_V4}, {"ipv6", FAMILY_V6}};
    const char *s = scalar_text(ld, k, v);
    char b[256];
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
        if (!strcasecmp(s, fams[i].name)) {
            *(enum addr_family *)field(c, k) = fams[i].f;
            return 0;
        }
    }
    return fail_at(ld, v, "unknown address family `%s`; expected one of %s", show(s, b, sizeof(b)),
                   k->values);
}

static int set_sni(struct loader *ld, const struct pkey *k, const struct ynode *v,
                   struct tls_config *c)
{
    const char *s = scalar_text(ld, k, v);
    char b[256];
    bool flag;
    if (!s)
        return -1;
    if (v->plain && parse_bool(s, &flag)) {
        if (flag)
            return type_error(ld, k, v);
        free(c->sni);
        c->sni = NULL;
        c->no_sni = true;
        return 0;
    }
    if (host_is_ip_literal(s))
        return fail_at(ld, v, "`%s`: an IP address cannot be sent as a server name", k->name);
    if (!valid_host_name(s))
        return fail_at(ld, v, "`%s`: `%s` is not a host name", k->name, show(s, b, sizeof(b)));
    free(c->sni);
    c->sni = xstrdup(s);
    c->no_sni = false;
    return 0;
}

static int set_pass_source(struct loader *ld, const struct pkey *k, const struct ynode *v,
                           struct tls_config *c)
{
    const char *s = scalar_text(ld, k, v);
    if (!s)
        return -1;
    if (!((!strncmp(s, "env:", 4) && s[4]) || (!strncmp(s, "file:", 5) && s[5])))
        return fail_at(ld, v,
                       "`%s` must be env:VAR or file:PATH: a profile never stores a passphrase "
                       "itself",
                       k->name);
    char **f = field(c, k);
    free(*f);
    *f = xstrdup(s);
    return 0;
}

/* One list item: ignore_errors and pins items go through the engine one at a time, so an
 * error points at the item. */
static int push_item(struct loader *ld, const struct pkey *k, const struct ynode *item,
                     struct strlist *l)
{
    char d[320];
    if (item->kind != YN_SCALAR)
        return fail_at(ld, item, "`%s` items must be strings, found %s", k->name,
                       describe(item, d, sizeof(d)));
    if (is_null(item))
        return fail_at(ld, item, "`%s` has an empty item", k->name);
    if (item->len == (size_t)-1)
        return fail_at(ld, item, "`%s` contains a NUL character", k->name);
    if (k->check == PKC_ERROR || k->check == PKC_PIN) {
        struct tls_config one;
        config_init(&one);
        strlist_push(field(&one, k), item->text);
        int rc = engine_check_key(ld, k, &one, item);
        config_free(&one);
        if (rc < 0)
            return -1;
    }
    strlist_push(l, item->text);
    return 0;
}

static int set_list(struct loader *ld, const struct pkey *k, const struct ynode *v,
                    struct tls_config *c)
{
    struct strlist *l = field(c, k);
    strlist_clear(l);
    if (v->kind == YN_SCALAR)
        return push_item(ld, k, v, l);
    if (v->kind != YN_SEQ)
        return type_error(ld, k, v);
    for (size_t i = 0; i < v->n; i++)
        if (push_item(ld, k, v->kids[i], l) < 0)
            return -1;
    return 0;
}

static int set_meta(struct loader *ld, const struct pkey *k, const struct ynode *v,
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
        return fail_at(ld, v, "`%s`: `%s` is not a profile name (letters, digits, - _ .)", k->name,
                       show(s, b, sizeof(b)));
    free(p->extends);
    p->extends = xstrdup(s);
    return 0;
}

static int set_value(struct loader *ld, const struct pkey *k, const struct ynode *v,
                     struct profile *p)
{
    switch (k->type) {
    case PK_STRING:
    case PK_PATH: return set_string(ld, k, v, &p->cfg);
    case PK_BOOL: return set_bool(ld, k, v, &p->cfg);
    case PK_INT:
    case PK_PORT: return set_whole(ld, k, v, &p->cfg);
    case PK_SECONDS: return set_seconds(ld, k, v, &p->cfg);
    case PK_PROTO: return set_proto(ld, k, v, &p->cfg);
    case PK_LIST: return set_list(ld, k, v, &p->cfg);
    case PK_SNI: return set_sni(ld, k, v, &p->cfg);
    case PK_FAMILY: return set_family(ld, k, v, &p->cfg);
    case PK_PASS_SOURCE: return set_pass_source(ld, k, v, &p->cfg);
    case PK_META: return set_meta(ld, k, v, p);
    }
    return fail_at(ld, v, "`%s`: unsupported key type", k->name);
}

/* The editor's entry to the setters above: items as plain scalars (a sequence when seq), at
 * no place in a file. Works on a copy, so cfg changes only when the value is good. */
int profile_set_items(const struct pkey *k, const char *const *items, size_t n, bool seq,
                      struct tls_config *cfg, char *err, size_t errlen)
{
    struct profile_error e;
    struct loader ld = {NULL, 0, "", &e};
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
    if (rc == 0 && k->type != PK_META)
        pkey_copy(k, cfg, &p.cfg);
    else if (rc < 0)
        snprintf(err, errlen, "%s", e.message);
    profile_free(&p);
    return rc;
}

/* ---- the document ---------------------------------------------------------------------- */

static int unknown_key(struct loader *ld, const struct ynode *key)
{
    char b[256];
    const char *name = key->len == (size_t)-1 ? "" : key->text;
    const char *s = pkey_suggest(name);
    if (s)
        return fail_at(ld, key, "unknown key `%s`, did you mean `%s`?", show(name, b, sizeof(b)),
                       s);
    return fail_at(ld, key, "unknown key `%s`", show(name, b, sizeof(b)));
}

/* Applies every key of the top-level mapping. `set` gets a bit for each connection key;
 * description and extends live in their own fields. */
static int apply_mapping(struct loader *ld, const struct ynode *root, struct profile *p)
{
    int first_line[PROFILE_KEYS_MAX] = {0};
    char d[320];
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const struct ynode *key = root->kids[i], *val = root->kids[i + 1];
        if (key->kind != YN_SCALAR)
            return fail_at(ld, key, "keys must be names, found %s", describe(key, d, sizeof(d)));
        const struct pkey *k = key->len == (size_t)-1 ? NULL : pkey_find(key->text);
        if (!k)
            return unknown_key(ld, key);
        size_t idx = pkey_index(k);
        if (first_line[idx])
            return fail_at(ld, key, "duplicate key `%s` (first at line %d)", k->name,
                           first_line[idx]);
        first_line[idx] = key->line;
        if (is_null(val))
            return fail_at(ld, key, "`%s` has no value; remove the key for the default (%s)",
                           k->name, k->default_text);
        if (set_value(ld, k, val, p) < 0)
            return -1;
        if (k->type != PK_META)
            p->set |= UINT64_C(1) << idx;
    }
    return 0;
}

static int check_root(struct loader *ld, const struct ynode *root)
{
    char d[320];
    if (!root)
        return fail(ld, 1, 1, "expected a mapping of profile keys, found an empty file");
    if (root->kind != YN_MAP)
        return fail_at(ld, root, "expected a mapping of profile keys, found %s",
                       describe(root, d, sizeof(d)));
    return 0;
}

/* "dir/legacy.yaml" → "legacy". */
static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".yaml"))
        n -= 5;
    else if (n > 4 && !strcmp(base + n - 4, ".yml"))
        n -= 4;
    return xstrndup(base, n);
}

int profile_parse(const char *data, size_t n, const char *filename, struct profile *out,
                  struct profile_error *err)
{
    struct profile_error scratch;
    struct loader ld = {data, n, filename ? filename : "<profile>", err ? err : &scratch};
    struct ynode *root = NULL;
    struct profile p;
    int rc = -1;
    memset(out, 0, sizeof(*out));
    memset(ld.err, 0, sizeof(*ld.err));
    memset(&p, 0, sizeof(p));
    config_init(&p.cfg);
    p.name = file_stem(ld.file);
    p.path = xstrdup(ld.file);
    p.origin = PROFILE_FILE;
    if (n > PROFILE_MAX_BYTES) {
        fail(&ld, 0, 0, "file is %zu bytes; profiles are at most %d KiB", n,
             PROFILE_MAX_BYTES / 1024);
        goto out;
    }
    if (read_tree(&ld, &root) < 0 || check_root(&ld, root) < 0 || apply_mapping(&ld, root, &p) < 0)
        goto out;
    *out = p;
    rc = 0;
out:
    node_free(root);
    if (rc < 0)
        profile_free(&p);
    return rc;
}

static int file_error(struct profile_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int file_error(struct profile_error *err, const char *path, const char *fmt, ...)
{
    struct loader ld = {NULL, 0, path, err};
    struct profile_error scratch;
    va_list ap;
    if (!err)
        ld.err = &scratch;
    va_start(ap, fmt);
    vfail(&ld, 0, 0, fmt, ap);
    va_end(ap);
    return -1;
}

/* Reads at most PROFILE_MAX_BYTES + 1 bytes of a regular file into *buf (caller frees). */
static int read_bounded(int fd, const char *path, char **buf, size_t *len,
                        struct profile_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return file_error(err, path, "cannot read profile: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return file_error(err, path, "cannot read profile: not a regular file");
    if (st.st_size > PROFILE_MAX_BYTES)
        return file_error(err, path, "file is %lld bytes; profiles are at most %d KiB",
                          (long long)st.st_size, PROFILE_MAX_BYTES / 1024);
    char *b = xmalloc(PROFILE_MAX_BYTES + 1);
    size_t got = 0;
    while (got < PROFILE_MAX_BYTES + 1) {
        ssize_t r = read(fd, b + got, PROFILE_MAX_BYTES + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(b);
            return file_error(err, path, "cannot read profile: %s", strerror(errno));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got > PROFILE_MAX_BYTES) {
        free(b);
        return file_error(err, path, "file is more than %d KiB; profiles are at most %d KiB",
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
        return file_error(err, path, "cannot read profile: %s", strerror(errno));
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
