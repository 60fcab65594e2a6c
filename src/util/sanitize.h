/* Making peer-controlled bytes safe to keep and to show.
 *
 * The model stores peer text as valid UTF-8 (utf8_repair); control characters survive there
 * so that JSON can escape them faithfully. Anything printed to a terminal or a log goes
 * through sanitize_terminal first, which escapes every C0/C1 control and DEL as \xNN. */
#ifndef TLSCOPE_UTIL_SANITIZE_H
#define TLSCOPE_UTIL_SANITIZE_H

#include <stddef.h>

/* Returns a newly allocated copy of n bytes as valid UTF-8: each byte that is not part of a
 * well-formed sequence (overlong, surrogate, > U+10FFFF, truncated) becomes "\xNN".
 * NUL bytes become "\x00". */
char *utf8_repair(const char *data, size_t n);

/* Returns a newly allocated copy of a valid-UTF-8 string with every control character
 * (U+0000–U+001F, U+007F as \xNN; U+0080–U+009F as \u0080…) and every bidi override or
 * isolate written out, so nothing in it can move the cursor, change terminal state or reorder
 * what follows. Invalid bytes become \xNN. Backslashes are kept, so sanitising twice changes
 * nothing (and a literal "\x1B" in a name looks like an escaped ESC: both are harmless). */
char *sanitize_terminal(const char *s);

/* Writes bytes as printable ASCII for a one-line preview of unknown data ("HTTP/1.1 400 B…"):
 * printable ASCII as is, everything else \xNN; at most max_out characters plus "…". */
char *sanitize_preview(const unsigned char *data, size_t n, size_t max_out);

#endif
