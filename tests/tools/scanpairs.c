/* scanpairs tlscope|sslscan|testssl FILE: prints the accepted (version, suite) pairs of a
 * `tlscope --scan --json` report, an sslscan --xml file or a testssl.sh --jsonfile, one
 * "VERSION 0xCODE" line each, sorted, so bench/scan.sh can check the three agree. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/peertools.h"
#include "util/fsutil.h"
#include "util/mem.h"

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: scanpairs tlscope|sslscan|testssl FILE\n");
        return 64;
    }
    char *doc = NULL, err[512];
    size_t n;
    if (file_read_bounded(argv[2], 64u << 20, &doc, &n, err, sizeof err) < 0) {
        fprintf(stderr, "scanpairs: %s\n", err);
        return 1;
    }
    char **lines = NULL;
    size_t k = 0;
    if (!strcmp(argv[1], "tlscope")) {
        json_t *root = json_loads(doc, 0, NULL);
        json_t *ciphers = json_object_get(json_object_get(root, "scan"), "ciphers"), *list;
        const char *ver;
        json_object_foreach(ciphers, ver, list)
        {
            size_t i;
            json_t *e;
            json_array_foreach(list, i, e)
            {
                lines = xrealloc(lines, (k + 1) * sizeof *lines);
                lines[k++] = xasprintf("%s %s", ver, json_string_value(json_object_get(e, "code")));
            }
        }
        json_decref(root);
    } else {
        struct peertool_result r;
        int rc = !strcmp(argv[1], "sslscan") ? peertools_parse_sslscan(doc, &r, err, sizeof err)
                                             : peertools_parse_testssl(doc, &r, err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "scanpairs: %s: %s\n", argv[2], err);
            return 1;
        }
        for (size_t i = 0; i < r.n_ciphers; i++) {
            lines = xrealloc(lines, (k + 1) * sizeof *lines);
            lines[k++] = xasprintf("%s 0x%04X", r.ciphers[i].version, r.ciphers[i].code);
        }
        peertool_result_free(&r);
    }
    qsort(lines, k, sizeof *lines, cmp);
    for (size_t i = 0; i < k; i++) {
        printf("%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    free(doc);
    return 0;
}
