/* Certificates for the certificate doctor's tests (see pkitest.h). */
#include "lib/pkitest.h"

#include <stdarg.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/harness.h"
#include "util/fsutil.h"
#include "util/mem.h"

struct pki *pkitest_make(const struct pki_spec *specs, size_t n)
{
    struct pki *p = NULL;
    char err[512];
    if (pki_generate(specs, n, &p, err, sizeof err) < 0)
        fail_msg("pki_generate: %s", err);
    return p;
}

static void write_one(const char *file, const char *data)
{
    char err[600], *path = harness_path(file);
    if (!data || file_write_atomic(path, data, strlen(data), 0600, true, err, sizeof err) < 0)
        fail_msg("%s: %s", file, data ? err : "no such certificate in the PKI");
    free(path);
}

void pkitest_write(const struct pki *pk, const char *prefix, const char *const *names, bool keys)
{
    for (size_t i = 0; names[i]; i++) {
        char file[256];
        snprintf(file, sizeof file, "%s%s.crt", prefix, names[i]);
        write_one(file, pki_cert_pem(pk, names[i]));
        if (keys) {
            snprintf(file, sizeof file, "%s%s.key", prefix, names[i]);
            write_one(file, pki_key_pem(pk, names[i]));
        }
    }
}
