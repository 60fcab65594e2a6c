/* Helpers the JSON renderers share (json.c for a connection, scan_json.c for a scan): jansson
 * values built with every allocation failure stopping the program (like xmalloc). */
#ifndef TLSCOPE_RENDER_JSON_INTERNAL_H
#define TLSCOPE_RENDER_JSON_INTERNAL_H

#include <jansson.h>

#include "model/report.h"

json_t *jcheck(json_t *v);
void jset(json_t *o, const char *key, json_t *v); /* takes v's reference */
void jpush(json_t *a, json_t *v);
json_t *jobj(void);
json_t *jarr(void);
json_t *jstr(const char *s); /* null for NULL; invalid UTF-8 repaired */
json_t *jint(long long v);
json_t *jint_or_null(long long v); /* null for negative values */
json_t *jms(double ms);
json_t *jtri(enum tristate t);
json_t *jhex16(unsigned v); /* "0x1302", null for 0 */
json_t *jlist(const struct strlist *l);
json_t *json_tool(void);
/* One finding: id, severity, title, detail, fix (a scan's adds its evidence). */
json_t *json_finding(const char *id, enum severity sev, const char *title, const char *detail,
                     const char *fix);
json_t *json_verify(const struct report *r);
json_t *json_chain(const struct report *r);
/* jansson's output with a final newline and terminal-unsafe code points escaped. */
char *json_escape_unsafe(const char *doc);

#endif
