/* The HTTP probe's protocol side (issue 12): the request line and headers we send, and the
 * parser of the answer's head (status line, Server, Strict-Transport-Security, Alt-Svc,
 * Location). Pure: no sockets; fuzzed with the STARTTLS parsers. */
#ifndef TLSCOPE_STARTTLS_HTTP_H
#define TLSCOPE_STARTTLS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "model/report.h"

#define HTTP_HEAD_MAX   16384     /* the answer's status line and headers */
#define HTTP_HSTS_SHORT 15552000L /* 180 days: a shorter max-age is a finding */

/* "HEAD /path HTTP/1.1" + Host (with the port unless 443; IPv6 in brackets), User-Agent,
 * Accept, Connection: close. Returns the length, or 0 when it does not fit. */
size_t http_build_request(char *buf, size_t n, const char *path, const char *host, uint16_t port);
/* Parses the head of an answer in data[0..n) into out (status, status_line, server, alt_svc,
 * location, hsts and its parts). Returns 1 when the head is complete (a blank line), 0 when
 * more is needed, -1 when it is not HTTP (out->error says why). Header values are kept as
 * valid UTF-8, cut to 300 bytes. */
int http_parse_head(const char *data, size_t n, struct http_report *out);
/* Parses a Strict-Transport-Security value (RFC 6797 §6.1) into out's hsts_* fields; a
 * problem (no max-age, a bad number, a directive twice) goes to hsts_problem. */
void http_parse_hsts(const char *value, struct http_report *out);

#endif
