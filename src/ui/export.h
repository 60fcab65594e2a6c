/* Writing the certificate chain the server sent to a PEM file (the `x` key in the
 * Certificates pane), and the file name offered by default. No curses here. */
#ifndef TLSCOPE_UI_EXPORT_H
#define TLSCOPE_UI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"

/* Writes the PEM of every certificate in r->sent, in the order sent, to path atomically
 * (file_write_atomic, mode 0644): the file holds all of them or is left as it was. An existing
 * path is replaced only when overwrite is true; otherwise the call fails with errno EEXIST and
 * err "PATH exists". A report without sent certificates fails with a message too.
 * Certificates without PEM text are skipped. Returns 0, or -1 with err filled. */
int export_chain_pem(const struct report *r, const char *path, bool overwrite, char *err,
                     size_t errlen);

/* The file name offered by default: "HOST.pem" with every byte of the host outside
 * [A-Za-z0-9._-] replaced by '_' (so "::1" gives "__1.pem"), and a leading '.' too (no hidden
 * file); "chain.pem" without a host. Never contains a '/'. Caller frees. */
char *export_default_name(const struct report *r);

#endif
