/* The Raw pane: the whole report as readable text (the renderer behind --format text), one
 * selectable line per text line so scrolling and search work as in every other pane. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "render/text.h"
#include "ui/pane.h"
#include "util/mem.h"

/* Section titles start in column 0; everything else is indented by the renderer. */
static enum theme_role raw_role(const char *line)
{
    if (*line && *line != ' ')
        return TR_TITLE;
    if (!strncmp(line, "  WEAKENED", 10))
        return TR_WARN;
    return TR_TEXT;
}

static void raw_build(void *state, const struct pane_ctx *ctx, struct doc *out)
{
    (void)state;
    /* text_render_report sanitises every value: the text holds no control character but '\n'. */
    char *text = text_render_report(ctx->r, ctx->width);
    int id = 0;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        doc_text(doc_line(out, id++), raw_role(p), "%s", p);
        if (!nl)
            break;
        p = nl + 1;
    }
    free(text);
}

static int raw_badge(const struct pane_ctx *ctx)
{
    (void)ctx;
    return -1;
}

const struct pane_ops pane_raw = {
    .name = "Raw",
    .state_size = 0,
    .build = raw_build,
    .detail = NULL,
    .key = NULL,
    .done = NULL,
    .badge = raw_badge,
};
