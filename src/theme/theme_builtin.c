/* Themes: the built-in default and mono styles, role names, and the fallback from 256 colours
 * to the 8 basic ones. Plain tables and arithmetic; the YAML loader is in theme.c. */
#include <stdio.h>
#include <string.h>

#include "theme/theme.h"
#include "theme/theme_internal.h"

#define D THEME_COLOR_DEFAULT

/* ---- tables ---------------------------------------------------------------------------- */

const char *const theme_role_names[TR_COUNT] = {
    [TR_TEXT] = "text",           [TR_DIM] = "dim",           [TR_TITLE] = "title",
    [TR_BORDER] = "border",       [TR_SELECTED] = "selected", [TR_OK] = "ok",
    [TR_WARN] = "warn",           [TR_BAD] = "bad",           [TR_KEY] = "key",
    [TR_HIGHLIGHT] = "highlight",
};

/* What themes/default.yaml says (a unit test holds the two together). */
static const struct theme_style builtin_default[TR_COUNT] = {
    [TR_TEXT] = {D, D, D, D, 0, 0},
    [TR_DIM] = {244, D, 7, D, THEME_DIM, THEME_DIM},
    [TR_TITLE] = {255, 24, 7, 4, THEME_BOLD, THEME_BOLD | THEME_REVERSE},
    [TR_BORDER] = {240, D, 4, D, 0, 0},
    [TR_SELECTED] = {255, 238, 0, 7, 0, THEME_REVERSE},
    [TR_OK] = {114, D, 2, D, THEME_BOLD, THEME_BOLD},
    [TR_WARN] = {214, D, 3, D, THEME_BOLD, THEME_BOLD | THEME_UNDERLINE},
    [TR_BAD] = {203, D, 1, D, THEME_BOLD, THEME_BOLD | THEME_REVERSE},
    [TR_KEY] = {117, D, 6, D, THEME_BOLD, THEME_BOLD},
    [TR_HIGHLIGHT] = {16, 222, 0, 3, THEME_BOLD, THEME_UNDERLINE},
};

/* What themes/mono.yaml says: no colours, the same attributes with and without colour. */
static const struct theme_style builtin_mono[TR_COUNT] = {
    [TR_TEXT] = {D, D, D, D, 0, 0},
    [TR_DIM] = {D, D, D, D, THEME_DIM, THEME_DIM},
    [TR_TITLE] = {D, D, D, D, THEME_BOLD | THEME_REVERSE, THEME_BOLD | THEME_REVERSE},
    [TR_BORDER] = {D, D, D, D, 0, 0},
    [TR_SELECTED] = {D, D, D, D, THEME_REVERSE, THEME_REVERSE},
    [TR_OK] = {D, D, D, D, THEME_BOLD, THEME_BOLD},
    [TR_WARN] = {D, D, D, D, THEME_BOLD | THEME_UNDERLINE, THEME_BOLD | THEME_UNDERLINE},
    [TR_BAD] = {D, D, D, D, THEME_BOLD | THEME_REVERSE, THEME_BOLD | THEME_REVERSE},
    [TR_KEY] = {D, D, D, D, THEME_BOLD, THEME_BOLD},
    [TR_HIGHLIGHT] = {D, D, D, D, THEME_UNDERLINE, THEME_UNDERLINE},
};

void theme_set_name(struct theme *t, const char *name)
{
    memset(t->name, 0, sizeof(t->name));
    snprintf(t->name, sizeof(t->name), "%s", name);
}

const char *theme_role_name(enum theme_role r)
{
    return (unsigned)r < TR_COUNT ? theme_role_names[r] : "?";
}

void theme_builtin(struct theme *t)
{
    memset(t, 0, sizeof(*t));
    theme_set_name(t, "default");
    memcpy(t->roles, builtin_default, sizeof(t->roles));
}

void theme_builtin_mono(struct theme *t)
{
    memset(t, 0, sizeof(*t));
    theme_set_name(t, "mono");
    memcpy(t->roles, builtin_mono, sizeof(t->roles));
}

/* ---- 8-colour fallback ----------------------------------------------------------------- */

/* The xterm palette entry of a colour 16-255 (6×6×6 cube, then a 24-step grey ramp). */
static void xterm_rgb(int c, int rgb[3])
{
    static const int level[6] = {0, 95, 135, 175, 215, 255};
    if (c >= 232) {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
        return;
    }
    c -= 16;
    rgb[0] = level[c / 36];
    rgb[1] = level[(c / 6) % 6];
    rgb[2] = level[c % 6];
}

/* The nearest of the 8 basic colours. Numbers 0-15 fold onto 0-7. Above that, a plain RGB
 * distance to xterm's eight does badly (pastel green 114 comes out white, grey 244 yellow),
 * so: colours with little saturation become black or white by lightness, the others take
 * the basic colour of their hue sector (red 0°, yellow 60°, green 120°, cyan 180°, blue 240°,
 * magenta 300°, each ±30°). */
int theme_color_to_8(int c)
{
    if (c < 0)
        return D;
    if (c < 16)
        return c % 8;
    int rgb[3];
    xterm_rgb(c, rgb);
    int hi = rgb[0], lo = rgb[0];
    for (int i = 1; i < 3; i++) {
        hi = rgb[i] > hi ? rgb[i] : hi;
        lo = rgb[i] < lo ? rgb[i] : lo;
    }
    int range = hi - lo;
    if (hi == 0 || range * 4 < hi) /* saturation below 25% */
        return (hi + lo) / 2 >= 112 ? 7 : 0;
    int hue; /* degrees, 0-359 */
    if (hi == rgb[0])
        hue = (60 * (rgb[1] - rgb[2]) / range + 360) % 360;
    else if (hi == rgb[1])
        hue = 120 + 60 * (rgb[2] - rgb[0]) / range;
    else
        hue = 240 + 60 * (rgb[0] - rgb[1]) / range;
    /* Sectors from -30°: red, yellow, green, cyan, blue, magenta. */
    static const int by_sector[6] = {1, 3, 2, 6, 4, 5};
    return by_sector[((hue + 30) % 360) / 60];
}
