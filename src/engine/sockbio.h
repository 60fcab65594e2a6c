/* Private to the engine: the socket BIO every connection's SSL reads and writes through.
 *
 * Two promises OpenSSL's own socket BIO does not make:
 *   - writes use send(MSG_NOSIGNAL): a peer that closed is an error (EPIPE), never SIGPIPE;
 *   - reads have a budget per step: after SOCKBIO_STEP_READS reads or SOCKBIO_STEP_BYTES bytes
 *     the BIO says "retry" although the socket may hold more, so SSL_connect/SSL_read return
 *     WANT_READ to the poll loop. A peer that sends an endless stream of tiny records (each
 *     one ignored by OpenSSL, which would otherwise keep reading inside one call) can hold
 *     one step for a bounded time only, and the deadline and cancel always get their turn.
 * The caller refills the budget at the start of each step (sockbio_step). */
#ifndef TLSCOPE_ENGINE_SOCKBIO_H
#define TLSCOPE_ENGINE_SOCKBIO_H

#include <openssl/bio.h>
#include <stdbool.h>

#define SOCKBIO_STEP_READS 64           /* about 32 records: a record is a header and a body */
#define SOCKBIO_STEP_BYTES (256u << 10) /* a long certificate chain fits in a few steps */

/* A BIO on fd (not closed by the BIO). NULL when OpenSSL cannot allocate. */
BIO *sockbio_new(int fd);
/* Starts a step: a fresh read budget. */
void sockbio_step(BIO *b);
/* True when the last step ended because its budget ran out (data may still be waiting). */
bool sockbio_budget_spent(BIO *b);

#endif
