/* libFuzzer target for the profile loader: any input must parse or fail cleanly (no crash,
 * leak or undefined behaviour), and whatever parses must survive emit → parse unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "profile/profile.h"
#include "profile/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Load → save → load must give an equal profile (issue 3); a difference is a bug. */
static void check_round_trip(const struct profile *p)
{
    struct profile_error err;
    char buf[1200];
    char *doc = profile_emit(&p->cfg, p->set, p->description, p->extends, &err);
    if (!doc) {
        fprintf(stderr, "emit failed for a parsed profile: %s\n",
                profile_error_format(&err, buf, sizeof(buf)));
        abort();
    }
    struct profile q;
    if (profile_parse(doc, strlen(doc), "emitted.yaml", &q, &err) != 0) {
        fprintf(stderr, "emitted profile does not parse: %s\n--- emitted:\n%s",
                profile_error_format(&err, buf, sizeof(buf)), doc);
        abort();
    }
    if (!config_equal(&p->cfg, &q.cfg) || p->set != q.set ||
        !same_text(p->description, q.description) || !same_text(p->extends, q.extends)) {
        fprintf(stderr, "round trip changed the profile (set %#llx → %#llx)\n--- emitted:\n%s",
                (unsigned long long)p->set, (unsigned long long)q.set, doc);
        abort();
    }
    profile_free(&q);
    free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int registered;
    if (!registered++)
        engine_register_validators();
    struct profile p;
    struct profile_error err;
    if (profile_parse((const char *)data, size, "fuzz.yaml", &p, &err) != 0)
        return 0;
    check_round_trip(&p);
    profile_free(&p);
    return 0;
}
