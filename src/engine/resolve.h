/* Name resolution that never blocks the caller.
 *
 * Literal addresses resolve at once. Names are resolved by getaddrinfo() on a detached helper
 * thread that signals a pipe when done; the caller polls resolver_fd(). The resolver is shared
 * by the caller and the thread and freed by whichever lets go last, so the caller may abandon
 * a lookup at any moment (Esc) without waiting for the system resolver. */
#ifndef TLSCOPE_ENGINE_RESOLVE_H
#define TLSCOPE_ENGINE_RESOLVE_H

#include <netdb.h>
#include <stddef.h>
#include <stdint.h>

struct resolver;

/* family: 0 any, 4 or 6. Returns 0 (lookup under way or done) or -1 with a message. */
int resolver_start(const char *host, uint16_t port, int family, struct resolver **out, char *err,
                   size_t errlen);
/* The fd that becomes readable when the lookup is done; -1 if it finished at once. */
int resolver_fd(const struct resolver *r);
/* Non-zero once the lookup finished. */
int resolver_done(struct resolver *r);
/* After resolver_done: the addresses (owned by the resolver, valid until resolver_release),
 * or NULL with a message in err. */
const struct addrinfo *resolver_result(struct resolver *r, char *err, size_t errlen);
/* Drops the caller's reference; the thread may still be running and frees it later. */
void resolver_release(struct resolver *r);

#endif
