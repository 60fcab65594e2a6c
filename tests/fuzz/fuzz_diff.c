/* libFuzzer target for the --diff input: two report documents as `tlscope --json --diff A B`
 * reads them. The input is A, a NUL byte, then B; without a NUL it is A compared with itself.
 * Any input must compare or fail cleanly (no crash, leak or undefined behaviour), and:
 *   - a failure leaves a message naming the document ("A: ..." or "B: ...");
 *   - a document compared with itself changes nothing;
 *   - n_changed counts the changed items, and both renderers produce valid UTF-8;
 *   - B against A is A against B the other way round (timing aside).
 * Seeds (tests/fuzz/corpus/diff/) are real --json reports of connections to openssl s_server,
 * written by tests/tools/fuzz_seeds, alone and in pairs. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/diff.h"
#include "render/diff.h"
#include "util/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DIFF_MAX (1u << 20)

static void must(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_diff: broken promise: %s\n", what);
        abort();
    }
}

static void check_utf8(const char *s)
{
    char *fixed = utf8_repair(s, strlen(s));
    must(strcmp(fixed, s) == 0, "rendered diff is valid UTF-8");
    free(fixed);
}

static void check(const struct diff *d)
{
    size_t changed = 0;
    for (size_t i = 0; i < d->n; i++) {
        must(d->items[i].fact && d->items[i].label, "every item has a fact and a label");
        must(d->items[i].old_value && d->items[i].new_value, "every item has both values");
        changed += d->items[i].changed;
    }
    must(changed == d->n_changed, "n_changed counts the changed items");
    char *json = diff_render_json(d, true);
    char *text = diff_render_text(d, true, 80);
    check_utf8(json);
    check_utf8(text);
    free(json);
    free(text);
}

/* B against A says the same as A against B, the other way round: the same facts changed
 * (timing aside: its threshold is a share of the first report's value), what one added the
 * other removed. */
static void check_reverse(const struct diff *d, const char *a, const char *b)
{
    struct diff r;
    char err[512];
    must(diff_json(b, a, &r, err, sizeof err) == 0, "B against A parses when A against B did");
    must(r.n == d->n, "the same facts both ways");
    for (size_t i = 0; i < d->n; i++) {
        const struct diff_item *x = &d->items[i], *y = &r.items[i];
        must(strcmp(x->fact, y->fact) == 0, "facts in the same order both ways");
        if (strcmp(x->fact, "timing") == 0)
            continue;
        must(x->changed == y->changed, "a fact changed one way changed the other way");
        must(x->added.len == y->removed.len && x->removed.len == y->added.len,
             "what A→B added, B→A removed");
        must(strcmp(x->old_value, y->new_value) == 0 && strcmp(x->new_value, y->old_value) == 0,
             "values swap");
    }
    diff_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_DIFF_MAX)
        return 0;
    char *buf = malloc(size + 2);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    const char *a = buf, *b = buf;
    const char *nul = memchr(buf, '\0', size);
    if (nul)
        b = nul + 1;
    struct diff d;
    char err[512] = "";
    if (diff_json(a, b, &d, err, sizeof err) != 0) {
        must((err[0] == 'A' || err[0] == 'B') && err[1] == ':', "a failure names A or B");
    } else {
        check(&d);
        if (a == b)
            must(d.n_changed == 0, "a report compared with itself changes nothing");
        else
            check_reverse(&d, a, b);
        diff_free(&d);
    }
    free(buf);
    return 0;
}
