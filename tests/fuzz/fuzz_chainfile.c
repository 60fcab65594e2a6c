/* issue 13: libFuzzer target for the chain-file reader: any input (PEM, DER, PKCS#7, PKCS#12,
 * a Kubernetes secret in YAML or JSON, or garbage) must be read or refused cleanly — no crash,
 * leak or undefined behaviour — and a success always holds at least one certificate, never
 * more than the report keeps. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli/doctor.h"
#include "engine/chainfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        doctor_cli_init(); /* the Kubernetes secret reader */
        init = 1;
    }
    char err[512];
    for (int pass = 0; pass < 2; pass++) {
        struct chainfile cf;
        int rc = chainfile_read(data, size, pass ? "secret" : NULL, &cf, err, sizeof err);
        if (rc == CHAINFILE_OK &&
            (cf.n_total == 0 || sk_X509_num(cf.certs) < 1 || sk_X509_num(cf.certs) > 64))
            abort();
        if (rc != CHAINFILE_OK && !err[0])
            abort(); /* every refusal says why */
        chainfile_free(&cf);
    }
    return 0;
}
