/* A growable byte/string buffer, always NUL-terminated. Owns its memory. */
#ifndef TLSCOPE_UTIL_STRBUF_H
#define TLSCOPE_UTIL_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
};

void sb_add(struct strbuf *sb, const char *data, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the string over to the caller (never NULL) and resets the buffer. */
char *sb_take(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
