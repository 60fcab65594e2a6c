/* Editing one profile key as text (the UI's editor form): parsing goes through the loader's
 * own per-type setters (profile_set_items in load.c), showing is the inverse. Also the small
 * names and messages the loader and the editor share. */
#include "profile/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings/settings.h"
#include "yaml/ytree.h"
#include "util/mem.h"
#include "util/strlist.h"

const char *profile_origin_name(enum profile_origin o)
{
    switch (o) {
    case PROFILE_BUNDLED: return "bundled";
    case PROFILE_USER: return "user";
    case PROFILE_FILE: return "file";
    }
    return "?";
}

const char *profile_error_format(const struct profile_error *e, char *buf, size_t n)
{
    return ytree_error_format(e->file, e->line, e->col, e->message, buf, n);
}

/* text without leading and trailing blanks; caller frees. */
static char *edit_trim(const char *text, size_t len)
{
    while (len > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    return xstrndup(text, len);
}

/* "h2, http/1.1" → items; an empty item stays, so the loader's "empty item" message shows. */
static int edit_set_list(const struct setting *k, const char *text, struct tls_config *cfg,
                         char *err, size_t errlen)
{
    struct strlist items = {0};
    for (const char *p = text;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *item = edit_trim(p, len);
        strlist_push(&items, item);
        free(item);
        if (!comma)
            break;
        p = comma + 1;
    }
    int rc =
        profile_set_items(k, (const char *const *)items.items, items.len, true, cfg, err, errlen);
    strlist_free(&items);
    return rc;
}

int profile_set_text(const struct setting *k, const char *text, struct tls_config *cfg, char *err,
                     size_t errlen)
{
    char *t = edit_trim(text ? text : "", text ? strlen(text) : 0);
    int rc = 0;
    if (!*t) {
        if (k->type != SET_META) { /* no value: the key's default, as when a file omits it */
            struct tls_config def;
            config_init(&def);
            setting_copy(k, cfg, &def);
            config_free(&def);
        }
    } else if (k->type == SET_LIST) {
        rc = edit_set_list(k, t, cfg, err, errlen);
    } else {
        const char *one[1] = {t};
        rc = profile_set_items(k, one, 1, false, cfg, err, errlen);
    }
    free(t);
    return rc;
}

char *profile_get_text(const struct setting *k, const struct tls_config *cfg)
{
    return setting_format(k, cfg);
}
