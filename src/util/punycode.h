/* Punycode (RFC 3492) and the small part of IDNA that turns a typed international host name
 * ("bücher.example") into the ASCII form DNS and SNI carry ("xn--bcher-kva.example"), and
 * back for display.
 *
 * The IDNA part is deliberately small: labels are split on '.' (and the ideographic and
 * full-width dots), ASCII letters and the uppercase letters of Latin-1, Greek and Cyrillic
 * are lowercased, spaces, controls, format and bidi characters are refused, and each label
 * that holds a non-ASCII character becomes "xn--" + its Punycode. There is no Unicode
 * normalisation (NFC) or full UTS 46 mapping: names typed in composed form, as keyboards
 * produce them, come out as browsers send them. */
#ifndef TLSCOPE_UTIL_PUNYCODE_H
#define TLSCOPE_UTIL_PUNYCODE_H

#include <stddef.h>
#include <stdint.h>

/* Encodes n code points as Punycode (basic code points copied as they are, then '-', then
 * the deltas in lowercase). Writes a NUL-terminated string to out. Returns its length, or -1
 * when out (size outlen) is too small or a value overflows. */
int punycode_encode(const uint32_t *cps, size_t n, char *out, size_t outlen);

/* Decodes n bytes of Punycode (no "xn--" prefix) into at most cap code points. Returns the
 * number of code points, or -1 when the input is not valid Punycode or does not fit. */
int punycode_decode(const char *in, size_t n, uint32_t *cps, size_t cap);

/* A host name in UTF-8 → its ASCII form in out (size outlen). ASCII labels are copied,
 * lowercased only when some label needed conversion. Returns 1 when a label was converted, 0
 * when host was all ASCII (out is a copy), -1 with the reason in err (size errlen), which
 * names the offending character as U+XXXX. */
int idna_to_ascii(const char *host, char *out, size_t outlen, char *err, size_t errlen);

/* An ASCII host name → UTF-8 for display: every "xn--" label that decodes to a name
 * idna_to_ascii would give back is written in Unicode. Returns 1 when a label was decoded,
 * else 0 with out a copy of host (truncated to outlen). */
int idna_to_unicode(const char *host, char *out, size_t outlen);

#endif
