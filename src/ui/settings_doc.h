/* A config's effective settings as document lines, and wrapping text into lines. */
#ifndef TLSCOPE_UI_SETTINGS_DOC_H
#define TLSCOPE_UI_SETTINGS_DOC_H

#include "model/config.h"
#include "ui/doc.h"

/* Appends text (sanitised) as lines of at most width columns, broken at blanks. */
void settings_doc_wrap(struct doc *d, enum theme_role role, const char *text, int width);
/* protocols, ciphers, groups, verify, alpn, client, ... of c, one field a line. */
void settings_doc_fields(struct doc *d, const struct tls_config *c);

#endif
