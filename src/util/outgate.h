/* The one gate for text that reaches a terminal, stdout or stderr from the command line.
 *
 * Messages are printf-style: the format string is ours and trusted (its newlines and layout
 * are kept); every %s and %c argument may come from argv, a file or the network and is
 * written through sanitize_terminal, so no control byte, escape sequence or bidi override in
 * it reaches the terminal. Whole documents (the text report) go through out_fputs_text, which
 * keeps their line breaks and escapes everything else. */
#ifndef TLSCOPE_UTIL_OUTGATE_H
#define TLSCOPE_UTIL_OUTGATE_H

#include <stdarg.h>
#include <stdio.h>

/* Formats like vsnprintf, with every string (%s) and character (%c) argument sanitised; a
 * precision cuts the raw string at a character boundary first, a width pads by characters.
 * Supports the flags -+ #0, widths and precisions (also *), the length modifiers hh h l ll z
 * j t L and the conversions d i u o x X c s p f F e E g G a A %; %n is refused (written as
 * "%n"). Returns a new string (caller frees). */
char *out_vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
char *out_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* out_format written to f. Returns the number of bytes written, or -1 on a write error. */
int out_vprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int out_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes a multi-line document: each line sanitised on its own, the '\n' between them kept.
 * Returns 0, or -1 on a write error. */
int out_fputs_text(const char *text, FILE *f);

#endif
