/* Private to the engine: the run object (struct engine) that connections share — the TLS
 * contexts built so far, and the resolver hook tests use. */
#ifndef TLSCOPE_ENGINE_ENGINE_INTERNAL_H
#define TLSCOPE_ENGINE_ENGINE_INTERNAL_H

#include <openssl/ssl.h>
#include <stdbool.h>

#include "engine/engine.h"

#define ENGINE_CTX_MAX 8 /* distinct configurations kept; the oldest is dropped past it */

struct engine_ctx {
    char *key; /* what the context was built from (tlsctx_key) */
    SSL_CTX *ctx;
    struct effective eff; /* the settings in effect, copied into each report */
    uint64_t used;        /* for dropping the least recently used */
};

struct engine {
    struct engine_ctx ctx[ENGINE_CTX_MAX];
    size_t n_ctx;
    uint64_t clock;
    unsigned long built;       /* contexts built over the run's life */
    X509_STORE *default_store; /* the system's trust store, loaded once (tens of ms) and shared
                                  by every context that has no --cafile / --capath */
    engine_resolve_fn resolve_fn;
    void *resolve_arg;
};

#endif
