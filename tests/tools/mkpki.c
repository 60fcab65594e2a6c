/* mkpki DIR — writes the standard test PKI (see tests/lib/harness.h for the file list) into
 * DIR, creating it if needed. client.key.enc is encrypted with the passphrase "secret". The
 * certificates come from the one certificate factory, src/lab/pki.h, that the demo lab and
 * the tests use. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lab/pki.h"
#include "lib/harness.h"

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr,
                "usage: %s DIR\n"
                "Writes the tlscope lab PKI (certificates, keys, chains, OCSP "
                "responses) into DIR.\n",
                argc > 0 ? argv[0] : "mkpki");
        return 2;
    }
    const char *dir = argv[1];
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "mkpki: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char err[512];
    if (harness_make_lab(dir, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "mkpki: %s\n", err);
        return 1;
    }
    return 0;
}
