/* Writing a profile: yaml/yemit.h turns a tls_config into YAML, key by key in schema order,
 * quoting every string that YAML would otherwise read as something else. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"
#include "profile/schema.h"
#include "util/mem.h"
#include "yaml/yemit.h"

/* The emitter plus where its output goes and what went wrong. */
struct emit {
    struct yemit *y;
    struct profile_error *err;
};

static int emit_error(struct emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int emit_error(struct emit *e, const char *fmt, ...)
{
    va_list ap;
    if (e->err->message[0])
        return -1; /* keep the first problem */
    va_start(ap, fmt);
    vsnprintf(e->err->message, sizeof(e->err->message), fmt, ap);
    va_end(ap);
    return -1;
}

/* A scalar of key `key`: `raw` for text we made (keys, numbers, bools) and know to be
 * plain-safe; otherwise plain when YAML reads it back as the same string, else double-quoted. */
static int put_scalar(struct emit *e, const char *key, const char *s, bool raw)
{
    int rc = yemit_scalar(e->y, s, raw);
    if (rc == YEMIT_NOT_UTF8)
        return emit_error(e, "cannot write `%s`: the value is not valid UTF-8", key);
    return rc < 0 ? emit_error(e, "%s", yemit_problem(e->y)) : 0;
}

static int put_list(struct emit *e, const char *key, const struct strlist *l)
{
    if (yemit_list_begin(e->y, l->len == 0) < 0)
        return emit_error(e, "%s", yemit_problem(e->y));
    for (size_t i = 0; i < l->len; i++)
        if (put_scalar(e, key, l->items[i], false) < 0)
            return -1;
    return yemit_list_end(e->y) < 0 ? emit_error(e, "%s", yemit_problem(e->y)) : 0;
}

static int put_pair(struct emit *e, const char *key, const char *value, bool raw)
{
    if (put_scalar(e, key, key, true) < 0)
        return -1;
    return put_scalar(e, key, value, raw);
}

/* The shortest of %g and %.17g that reads back as the same double. */
static void format_seconds(double d, char *buf, size_t n)
{
    snprintf(buf, n, "%g", d);
    if (strtod(buf, NULL) != d)
        snprintf(buf, n, "%.17g", d);
}

static const char *proto_key_name(enum proto_version v)
{
    switch (v) {
    case PROTO_TLS1_0: return "tls1.0";
    case PROTO_TLS1_1: return "tls1.1";
    case PROTO_TLS1_2: return "tls1.2";
    case PROTO_TLS1_3: return "tls1.3";
    default: return NULL;
    }
}

static const void *cfield(const struct tls_config *c, const struct setting *k)
{
    return (const char *)c + k->offset;
}

/* Numbers and enums: refuses values the loader would refuse, so what is written loads. */
static int put_number_key(struct emit *e, const struct setting *k, const struct tls_config *c)
{
    char buf[64];
    long long v = 0;
    switch (k->type) {
    case SET_INT:
        v = *(const int *)cfield(c, k);
        if (v < k->min && setting_is_default(k, c))
            return 0; /* e.g. security_level -1, "the library's": nothing to write */
        break;
    case SET_PORT: v = *(const uint16_t *)cfield(c, k); break;
    case SET_SECONDS: {
        double d = *(const double *)cfield(c, k);
        if (!(d > 0) || d > k->max)
            return emit_error(e, "`%s` %g is out of range (more than 0, at most %d seconds)",
                              k->name, d, k->max);
        format_seconds(d, buf, sizeof(buf));
        return put_pair(e, k->name, buf, true);
    }
    default: return emit_error(e, "`%s`: not a number key", k->name);
    }
    if (v < k->min || v > k->max)
        return emit_error(e, "%s: %lld is out of range %d-%d", k->name, v, k->min, k->max);
    snprintf(buf, sizeof(buf), "%lld", v);
    return put_pair(e, k->name, buf, true);
}

static int put_enum_key(struct emit *e, const struct setting *k, const struct tls_config *c)
{
    if (k->type == SET_PROTO) {
        enum proto_version v = *(const enum proto_version *)cfield(c, k);
        if (v == PROTO_UNSET)
            return 0;
        if (!proto_key_name(v))
            return emit_error(e, "`%s`: %s cannot be written to a profile; expected one of %s",
                              k->name, proto_label(v), k->values);
        return put_pair(e, k->name, proto_key_name(v), true);
    }
    enum addr_family f = *(const enum addr_family *)cfield(c, k);
    const char *name = f == FAMILY_V4 ? "ipv4" : f == FAMILY_V6 ? "ipv6" : "any";
    return put_pair(e, k->name, name, true);
}

/* One connection key. Absent values (no string, an empty list, no sni) write nothing: the
 * loader would read their absence as the same default. */
static int put_key(struct emit *e, const struct setting *k, const struct tls_config *c)
{
    switch (k->type) {
    case SET_STRING:
    case SET_PATH:
    case SET_PASS_SOURCE: {
        const char *s = *(char *const *)cfield(c, k);
        return s ? put_pair(e, k->name, s, false) : 0;
    }
    case SET_BOOL:
        return put_pair(e, k->name, *(const bool *)cfield(c, k) ? "true" : "false", true);
    case SET_INT:
    case SET_PORT:
    case SET_SECONDS: return put_number_key(e, k, c);
    case SET_PROTO:
    case SET_FAMILY: return put_enum_key(e, k, c);
    case SET_LIST: {
        /* An empty list is written as [] when asked for: in a child profile it clears what
         * the parent offered. */
        const struct strlist *l = cfield(c, k);
        return put_scalar(e, k->name, k->name, true) < 0 ? -1 : put_list(e, k->name, l);
    }
    case SET_SNI:
        if (c->no_sni)
            return put_pair(e, k->name, "false", true);
        return c->sni ? put_pair(e, k->name, c->sni, false) : 0;
    case SET_META: return 0;
    }
    return 0;
}

static int put_document(struct emit *e, const struct tls_config *cfg, uint64_t which,
                        const char *description, const char *extends)
{
    if (description && put_pair(e, "description", description, false) < 0)
        return -1;
    if (extends && put_pair(e, "extends", extends, false) < 0)
        return -1;
    for (size_t i = 0; i < settings_count(); i++)
        if ((which & (UINT64_C(1) << i)) && put_key(e, setting_at(i), cfg) < 0)
            return -1;
    return 0;
}

char *profile_emit(const struct tls_config *cfg, uint64_t which, const char *description,
                   const char *extends, struct profile_error *err)
{
    struct profile_error scratch;
    struct emit e;
    char *doc = NULL;
    memset(&e, 0, sizeof(e));
    e.err = err ? err : &scratch;
    memset(e.err, 0, sizeof(*e.err));
    e.y = yemit_begin("# tlscope profile\n");
    if (!e.y) {
        emit_error(&e, "cannot write YAML: out of memory");
        return NULL;
    }
    if (put_document(&e, cfg, which, description, extends) < 0) {
        yemit_abort(e.y);
        return NULL;
    }
    char problem[sizeof(e.err->message)];
    doc = yemit_end(e.y, problem, sizeof(problem));
    if (!doc)
        emit_error(&e, "%s", problem);
    return doc;
}

uint64_t profile_nondefault_keys(const struct tls_config *cfg)
{
    uint64_t keys = 0;
    for (size_t i = 0; i < settings_count(); i++) {
        const struct setting *k = setting_at(i);
        if (k->type != SET_META && !setting_is_default(k, cfg))
            keys |= UINT64_C(1) << setting_index(k);
    }
    return keys;
}
