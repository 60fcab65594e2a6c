/* libFuzzer target for the theme loader: any input must parse or fail cleanly (no crash,
 * leak or undefined behaviour), and a failure must leave the built-in default in place. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "theme/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct theme t, def;
    struct theme_error err;
    if (theme_parse((const char *)data, size, "fuzz.yaml", &t, &err) != 0) {
        theme_builtin(&def);
        if (memcmp(&t, &def, sizeof(t)) != 0)
            abort(); /* the UI relies on falling back to the default */
    }
    return 0;
}
