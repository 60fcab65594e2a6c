/* Writing a certificate chain to a PEM file: the chain the server sent (the `x` key in the
 * Certificates pane) or the chain it should send (`X`), and the file name offered by default.
 * No curses here. */
#ifndef TLSCOPE_UI_EXPORT_H
#define TLSCOPE_UI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"

/* Which certificates an export writes. */
enum export_chain {
    EXPORT_SENT,     /* what the server sent, in its order (the `x` key) */
    EXPORT_TO_SERVE, /* what it should send: the leaf, then the path's intermediates in order,
                      * no root (report_chain_to_serve; the `X` key) */
};

/* The certificates `which` picks from r, with PEM text: stores at most max pointers in out and
 * returns how many. */
size_t export_pick(const struct report *r, enum export_chain which, const struct cert_info **out,
                   size_t max);

/* Writes the PEM of the certificates `which` picks (export_pick) to path atomically
 * (file_write_atomic, mode 0644): the file holds all of them or is left as it was. An existing
 * path is replaced only when overwrite is true; otherwise the call fails with errno EEXIST and
 * err "PATH exists". A report without sent certificates fails with a message too.
 * Certificates without PEM text are skipped. Returns 0, or -1 with err filled. */
int export_chain_pem_of(const struct report *r, enum export_chain which, const char *path,
                        bool overwrite, char *err, size_t errlen);
/* export_chain_pem_of(r, EXPORT_SENT, ...): the chain as the server sent it. */
int export_chain_pem(const struct report *r, const char *path, bool overwrite, char *err,
                     size_t errlen);

/* The file name offered by default: "HOST.pem" with every byte of the host outside
 * [A-Za-z0-9._-] replaced by '_' (so "::1" gives "__1.pem"), and a leading '.' too (no hidden
 * file); "chain.pem" without a host. Never contains a '/'. Caller frees. */
char *export_default_name(const struct report *r);
/* The same for an export of `which`: "HOST.fullchain.pem" for EXPORT_TO_SERVE. */
char *export_default_name_for(const struct report *r, enum export_chain which);

#endif
