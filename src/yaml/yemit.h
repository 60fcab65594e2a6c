/* Writing a small YAML document with libyaml's emitter: one block mapping whose values are
 * scalars or lists of scalars, every string quoted when YAML would otherwise read it as
 * something else (a bool, a number, null). Profiles are written with it. */
#ifndef TLSCOPE_YAML_YEMIT_H
#define TLSCOPE_YAML_YEMIT_H

#include <stdbool.h>
#include <stddef.h>

struct yemit;

/* What went wrong with a scalar: the emitter's own problem, or a value that is not UTF-8. */
enum { YEMIT_FAILED = -1, YEMIT_NOT_UTF8 = -2 };

/* Starts the document: the output begins with header (one comment line with its '\n', or
 * NULL), then the stream, the document and its top-level block mapping. Returns NULL when out
 * of memory. */
struct yemit *yemit_begin(const char *header);
/* One scalar (a key or a value): plain when raw (text the caller made: keys, numbers, bools)
 * or when s reads back as the same string, double-quoted otherwise. Returns 0, YEMIT_FAILED
 * (yemit_problem says why) or YEMIT_NOT_UTF8. */
int yemit_scalar(struct yemit *y, const char *s, bool raw);
/* A list value: block style, or [] when it will stay empty. 0 or YEMIT_FAILED. */
int yemit_list_begin(struct yemit *y, bool empty);
int yemit_list_end(struct yemit *y);
/* Closes the mapping and the document and frees y. Returns the text (caller frees), or NULL
 * with the problem in err ("cannot write YAML: ..."; err may be NULL). */
char *yemit_end(struct yemit *y, char *err, size_t errlen);
/* Frees y without finishing the document; NULL is fine. */
void yemit_abort(struct yemit *y);
/* The emitter's problem after YEMIT_FAILED: "cannot write YAML: ...". */
const char *yemit_problem(const struct yemit *y);

#endif
