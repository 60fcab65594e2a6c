/* The YAML room, the only code that includes libyaml: the bounded tree that profiles and
 * themes are read into (libyaml's event parser builds it, refusing anchors, aliases, tags, a
 * second document and input past the caller's limits), and the error and message helpers
 * both loaders share ("file:line:col: message"). */
#ifndef TLSCOPE_YAML_YTREE_H
#define TLSCOPE_YAML_YTREE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };

/* The len of a scalar that held a NUL (an escape); the loaders refuse its text. */
#define YNODE_NUL_LEN ((size_t)-1)

/* One node of the document. A node owns its text and its children; a mapping's children
 * alternate key, value. */
struct ynode {
    enum ynode_kind kind;
    char *text;    /* scalar value, NUL-terminated (an escape may put a NUL before len) */
    size_t len;    /* bytes of text, or YNODE_NUL_LEN */
    bool plain;    /* unquoted scalar: may stand for a bool, a number or null */
    int line, col; /* 1-based */
    struct ynode **kids;
    size_t n, cap;
};

/* What one kind of document may be. The nouns go into messages: "a profile is one YAML
 * document ...", "tags are not supported in profiles", "profiles are at most 256 KiB". */
struct ytree_limits {
    size_t max_bytes; /* input size */
    size_t max_depth; /* open collections at once */
    size_t max_list;  /* items in one sequence */
    const char *one;  /* "a profile" */
    const char *many; /* "profiles" */
};

/* Where errors go: the fields of a caller's own error struct (struct profile_error, struct
 * theme_error: file[], line, col, message[]). A sink of NULLs discards the error. */
struct ytree_sink {
    char *file;
    size_t file_size;
    int *line, *col;
    char *message;
    size_t message_size;
};
/* The sink for such a struct; e may be NULL. */
#define YTREE_SINK(e)                                                                              \
    ((e) ? (struct ytree_sink){(e)->file, sizeof((e)->file), &(e)->line, &(e)->col, (e)->message,  \
                               sizeof((e)->message)}                                               \
         : (struct ytree_sink){NULL, 0, NULL, NULL, NULL, 0})

/* A parse in progress: the input (n bytes, need not be NUL-terminated; may be NULL with n 0
 * when there is no document), its name for messages, and where the first problem goes.
 * Borrows everything. */
struct ytree_ctx {
    const char *data;
    size_t n;
    const char *file;
    struct ytree_sink err;
};

/* Fill ctx->err (cleared first, file from ctx) and return -1. */
int ytree_vfail(struct ytree_ctx *ctx, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
int ytree_fail(struct ytree_ctx *ctx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same at a node's place. */
int ytree_fail_at(struct ytree_ctx *ctx, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses the whole input into *root (NULL for an empty stream), enforcing the bounds in lim:
 * size, one document, no anchors, aliases or tags, nesting and list lengths. Returns 0, or -1
 * with ctx->err filled. *root is the caller's to free with ynode_free, also on error. */
int ytree_read(struct ytree_ctx *ctx, const struct ytree_limits *lim, struct ynode **root);
/* Frees nd and everything under it; NULL is fine. */
void ynode_free(struct ynode *nd);

/* A plain empty scalar, ~ or null. */
bool ynode_is_null(const struct ynode *v);
/* "a mapping", "a sequence", "`word`", "the string \"word\"", "nothing": in buf or a
 * constant. */
const char *ynode_describe(const struct ynode *v, char *buf, size_t n);
/* s as it may appear in a message, in buf: at most 60 bytes (cut at a character boundary,
 * "…" added) with every control character escaped, so a message never carries terminal
 * controls. Returns buf. */
const char *ytree_show(const char *s, char *buf, size_t n);

/* An error not tied to a place in a document (line and column 0) into s; returns -1. */
int ytree_fail_file(struct ytree_sink s, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "file:line:col: message", "file: message" (no place) or "message" (no file) into buf. */
const char *ytree_error_format(const char *file, int line, int col, const char *message, char *buf,
                               size_t n);
/* A document's name from its file: "dir/legacy.yaml" → "legacy" (.yaml or .yml dropped).
 * Caller frees. */
char *ytree_file_stem(const char *path);

#endif
