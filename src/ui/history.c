/* The host line's history file: load, move-to-front, bounded, atomic save. */
#include "ui/history.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define HISTORY_FILE_MAX (64 * 1024)

char *history_path(void)
{
    char *dir = xdg_dir("XDG_STATE_HOME", ".local/state");
    if (!dir)
        return NULL;
    char *path = xasprintf("%s/history", dir);
    free(dir);
    return path;
}

static bool history_entry_ok(const char *s, size_t n)
{
    if (n == 0 || n > HISTORY_ENTRY_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            return false;
    }
    return true;
}

int history_load(const char *path, struct strlist *out, char *err, size_t errlen)
{
    strlist_clear(out);
    char *data = NULL;
    size_t n = 0;
    if (file_read_bounded(path, HISTORY_FILE_MAX, &data, &n, err, errlen) < 0)
        return errno == ENOENT ? 0 : -1;
    const char *p = data;
    while (*p && out->len < HISTORY_MAX) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, len);
        if (history_entry_ok(line, len) && !strlist_contains(out, line))
            strlist_take(out, line);
        else
            free(line);
        if (!nl)
            break;
        p = nl + 1;
    }
    free(data);
    return 0;
}

static int history_save(const char *path, const struct strlist *h, char *err, size_t errlen)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir_p(dir, 0700, err, errlen) < 0) {
            free(dir);
            return -1;
        }
    }
    free(dir);
    struct strbuf sb = {0};
    for (size_t i = 0; i < h->len; i++) {
        sb_puts(&sb, h->items[i]);
        sb_putc(&sb, '\n');
    }
    int rc = file_write_atomic(path, sb.buf ? sb.buf : "", sb.len, 0600, true, err, errlen);
    sb_free(&sb);
    return rc;
}

int history_add(const char *path, struct strlist *h, const char *entry, char *err, size_t errlen)
{
    size_t n = strlen(entry);
    if (!history_entry_ok(entry, n)) {
        snprintf(err, errlen, "not kept in the history: empty, too long or not printable");
        return -1;
    }
    char *keep = xstrdup(entry);
    /* Remove an older copy, then shift everything down by one and put keep in front. */
    for (size_t i = 0; i < h->len; i++) {
        if (strcmp(h->items[i], entry) == 0) {
            free(h->items[i]);
            memmove(&h->items[i], &h->items[i + 1], (h->len - i - 1) * sizeof *h->items);
            h->len--;
            break;
        }
    }
    while (h->len >= HISTORY_MAX)
        free(h->items[--h->len]);
    strlist_take(h, keep);
    memmove(&h->items[1], &h->items[0], (h->len - 1) * sizeof *h->items);
    h->items[0] = keep;
    if (!path) {
        snprintf(err, errlen, "history not saved: neither XDG_STATE_HOME nor HOME is set");
        return -1;
    }
    return history_save(path, h, err, errlen);
}
