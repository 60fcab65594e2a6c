/* issue 13: the certificate doctor in the UI — a chain file checked from the home screen
 * (`f`, or a path typed as the target) and, from a connection's Certificates pane, the chain
 * file that server should have (`f`). The check's report opens in a result screen like a
 * connection's, with its findings; `m` checks the file again with a private key. No network:
 * a file check runs no --aia or --revocation (the command line does). */
#ifndef TLSCOPE_UI_CHAINCHECK_H
#define TLSCOPE_UI_CHAINCHECK_H

#include <stdbool.h>

#include "model/report.h"

struct ui;

/* Whether the text typed as a target names a file to check rather than a host: a path
 * ("/", "./", "../", "~/") or an existing regular file. */
bool ui_check_is_file(const char *spec);
/* Checks the file at path (pass: a PKCS#12 password typed before, or NULL; a file that needs
 * one asks with echo off) and opens its report; problems go to the status line. */
void ui_check_file(struct ui *ui, const char *path, const char *pass);
/* `m` on a checked file's report: asks for a private key file's path, then checks path again
 * with it (does the key belong to the leaf?). */
void ui_check_key_prompt(struct ui *ui, const char *path);
/* `f`: asks for a chain file's path on the status line, then checks it. */
void ui_check_file_prompt(struct ui *ui);
/* Checks the chain r's server should serve (its leaf and path intermediates, as in `X`) for
 * the name r checked, and opens its report. */
void ui_check_serve(struct ui *ui, const struct report *r);

#endif
