/* Themes: every bundled file loads, the built-ins equal default.yaml and mono.yaml, every
 * error kind with its line:column, the 8-colour fallbacks, and finding themes on disk. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "theme/theme.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define D THEME_COLOR_DEFAULT

static const char *const bundled[] = {"default", "high-contrast", "light", "mono"};
#define N_BUNDLED (sizeof(bundled) / sizeof(bundled[0]))

static char *src_root; /* the source tree (holds themes/), found once in setup */
static char *tmp_dir;

/* ---- fixtures -------------------------------------------------------------------------- */

static bool has_themes(const char *dir)
{
    char *p = xasprintf("%s/themes/default.yaml", dir);
    struct stat st;
    bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return ok;
}

/* The tree this test was built from: the working directory (make test runs at the top), or
 * up from the binary (build/tests/unit/, build/asan/tests/unit/). */
static char *find_src_root(void)
{
    char exe[PATH_MAX], real[PATH_MAX];
    if (has_themes(".") && realpath(".", real))
        return xstrdup(real);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    for (int up = 0; up < 6; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        if (has_themes(exe) && realpath(exe, real))
            return xstrdup(real);
    }
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    src_root = find_src_root();
    if (!src_root) {
        fprintf(stderr, "test_theme: cannot find the source tree's themes/\n");
        return -1;
    }
    setenv("TLSCOPE_DATADIR", src_root, 1);
    char tmpl[] = "/tmp/tlscope-theme-XXXXXX";
    if (!mkdtemp(tmpl))
        return -1;
    tmp_dir = xstrdup(tmpl);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (tmp_dir) {
        char *cmd = xasprintf("rm -rf '%s'", tmp_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "test_theme: could not remove %s\n", tmp_dir);
        free(cmd);
    }
    free(tmp_dir);
    free(src_root);
    return 0;
}

static char *write_tmp(const char *name, const char *body, size_t n)
{
    char *path = xasprintf("%s/%s", tmp_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(body, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    struct strbuf sb = {0};
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
        sb_add(&sb, buf, got);
    fclose(f);
    return sb_take(&sb);
}

static bool style_equal(const struct theme_style *a, const struct theme_style *b)
{
    return a->fg == b->fg && a->bg == b->bg && a->fg8 == b->fg8 && a->bg8 == b->bg8 &&
           a->attrs == b->attrs && a->mono == b->mono;
}

/* Fails naming the first role that differs. */
static void assert_theme_equal(const struct theme *got, const struct theme *want, const char *what)
{
    if (strcmp(got->name, want->name))
        fail_msg("%s: name '%s', expected '%s'", what, got->name, want->name);
    for (int r = 0; r < TR_COUNT; r++) {
        const struct theme_style *g = &got->roles[r], *w = &want->roles[r];
        if (!style_equal(g, w))
            fail_msg("%s: role %s is {fg %d bg %d fg8 %d bg8 %d attrs %#x mono %#x}, expected "
                     "{fg %d bg %d fg8 %d bg8 %d attrs %#x mono %#x}",
                     what, theme_role_name((enum theme_role)r), g->fg, g->bg, g->fg8, g->bg8,
                     g->attrs, g->mono, w->fg, w->bg, w->fg8, w->bg8, w->attrs, w->mono);
    }
}

static bool is_builtin(const struct theme *t)
{
    struct theme b;
    theme_builtin(&b);
    return memcmp(t, &b, sizeof(b)) == 0;
}

/* ---- bundled themes and built-ins ------------------------------------------------------- */

static void test_bundled_load(void **state)
{
    (void)state;
    char *dir = theme_dir();
    for (size_t i = 0; i < N_BUNDLED; i++) {
        struct theme t;
        struct theme_error err;
        char buf[1200];
        if (theme_load(bundled[i], &t, &err) != 0)
            fail_msg("%s: %s", bundled[i], theme_error_format(&err, buf, sizeof(buf)));
        assert_string_equal(t.name, bundled[i]);
        assert_string_equal(err.message, "");
        /* Every role is spelled out, so no bundled theme silently inherits the default's
         * colours (which would put colour into mono). */
        char *path = xasprintf("%s/%s.yaml", dir, bundled[i]);
        char *text = read_text(path);
        for (int r = 0; r < TR_COUNT; r++) {
            char *needle = xasprintf("\n  %s:", theme_role_name((enum theme_role)r));
            if (!strstr(text, needle))
                fail_msg("%s does not define role %s", path, theme_role_name((enum theme_role)r));
            free(needle);
        }
        free(text);
        free(path);
    }
    free(dir);
}

static void test_builtin_equals_default_yaml(void **state)
{
    (void)state;
    struct theme file, builtin;
    struct theme_error err;
    char buf[1200];
    if (theme_load("default", &file, &err) != 0)
        fail_msg("%s", theme_error_format(&err, buf, sizeof(buf)));
    theme_builtin(&builtin);
    assert_theme_equal(&builtin, &file, "theme_builtin vs default.yaml");
    assert_memory_equal(&builtin, &file, sizeof(builtin));
}

static void test_builtin_mono_equals_mono_yaml(void **state)
{
    (void)state;
    struct theme file, mono;
    struct theme_error err;
    char buf[1200];
    if (theme_load("mono", &file, &err) != 0)
        fail_msg("%s", theme_error_format(&err, buf, sizeof(buf)));
    theme_builtin_mono(&mono);
    assert_theme_equal(&mono, &file, "theme_builtin_mono vs mono.yaml");
    assert_memory_equal(&mono, &file, sizeof(mono));
    for (int r = 0; r < TR_COUNT; r++) {
        const struct theme_style *s = &mono.roles[r];
        if (s->fg != D || s->bg != D || s->fg8 != D || s->bg8 != D || s->attrs != s->mono)
            fail_msg("mono role %s has a colour", theme_role_name((enum theme_role)r));
    }
}

/* Whatever the terminal, the roles that carry meaning look different from plain text. */
static void test_roles_distinct(void **state)
{
    (void)state;
    enum theme_role meaning[] = {TR_TITLE, TR_SELECTED, TR_OK, TR_WARN, TR_BAD, TR_HIGHLIGHT};
    for (size_t i = 0; i < N_BUNDLED; i++) {
        struct theme t;
        struct theme_error err;
        assert_int_equal(theme_load(bundled[i], &t, &err), 0);
        const struct theme_style *text = &t.roles[TR_TEXT];
        for (size_t k = 0; k < sizeof(meaning) / sizeof(meaning[0]); k++) {
            const struct theme_style *s = &t.roles[meaning[k]];
            if (s->mono == text->mono)
                fail_msg("%s: %s looks like text without colour", bundled[i],
                         theme_role_name(meaning[k]));
            if (!strcmp(bundled[i], "mono"))
                continue;
            if (s->fg8 == text->fg8 && s->bg8 == text->bg8 && s->attrs == text->attrs)
                fail_msg("%s: %s looks like text with 8 colours", bundled[i],
                         theme_role_name(meaning[k]));
            if (s->fg == text->fg && s->bg == text->bg && s->attrs == text->attrs)
                fail_msg("%s: %s looks like text with 256 colours", bundled[i],
                         theme_role_name(meaning[k]));
        }
    }
}

static void test_role_names(void **state)
{
    (void)state;
    static const char *const want[TR_COUNT] = {"text", "dim",  "title", "border", "selected",
                                               "ok",   "warn", "bad",   "key",    "highlight"};
    for (int r = 0; r < TR_COUNT; r++)
        assert_string_equal(theme_role_name((enum theme_role)r), want[r]);
    assert_string_equal(theme_role_name(TR_COUNT), "?");
}

/* ---- errors ---------------------------------------------------------------------------- */

struct bad_case {
    const char *what;
    const char *yaml;
    int line, col;
    const char *message;
};

#define COLOR_EXPECT "a colour: 0-255, black red green yellow blue magenta cyan white or default"

static const struct bad_case bad_cases[] = {
    /* keys */
    {"unknown top key, suggested", "name: x\nrole:\n  ok: {}\n", 2, 1,
     "unknown key `role`, did you mean `roles`?"},
    {"unknown top key", "colours: {}\n", 1, 1,
     "unknown key `colours` (expected one of: name description roles)"},
    {"unknown key escaped", "\"\\e[31m\": 1\n", 1, 1,
     "unknown key `\\x1B[31m` (expected one of: name description roles)"},
    {"duplicate top key", "name: a\ndescription: b\n\nname: c\n", 4, 1,
     "duplicate key `name` (first at line 1)"},
    {"unknown role, suggested", "roles:\n  ok: {}\n  selcted: {}\n", 3, 3,
     "unknown role `selcted`, did you mean `selected`?"},
    {"unknown role", "roles:\n  zzzzzz: {}\n", 2, 3,
     "unknown role `zzzzzz` (expected one of: text dim title border selected ok warn bad key "
     "highlight)"},
    {"duplicate role", "roles:\n  ok: {}\n  bad: {}\n  ok: {fg: 1}\n", 4, 3,
     "duplicate role `ok` (first at line 2)"},
    {"unknown role key, suggested", "roles:\n  ok: { atrs: [bold] }\n", 2, 9,
     "unknown key `atrs` in role `ok`, did you mean `attrs`?"},
    {"unknown role key", "roles:\n  warn: { colour: red }\n", 2, 11,
     "unknown key `colour` in role `warn` (expected one of: fg bg fg8 bg8 attrs mono)"},
    {"duplicate role key", "roles:\n  ok:\n    fg: 1\n    bg: 2\n    fg: 3\n", 5, 5,
     "duplicate key `fg` in role `ok` (first at line 3)"},
    {"key that is not a name", "? [a, b]\n: 1\n", 1, 3, "keys must be names, found a sequence"},
    /* values */
    {"unknown colour, suggested", "roles:\n  ok: { fg: gren }\n", 2, 13,
     "`ok.fg`: unknown colour `gren`, did you mean `green`?"},
    {"unknown colour", "roles:\n  ok: { bg: \"#ff0000\" }\n", 2, 13,
     "`ok.bg` expects " COLOR_EXPECT ", found `#ff0000`"},
    {"hex number", "roles:\n  ok: { fg: 0x10 }\n", 2, 13,
     "`ok.fg` expects " COLOR_EXPECT ", found `0x10`"},
    {"colour out of range", "roles:\n  bad: { fg: 256 }\n", 2, 14,
     "`bad.fg`: 256 is out of range 0-255"},
    {"negative colour", "roles:\n  bad: { bg: -1 }\n", 2, 14, "`bad.bg`: -1 is out of range 0-255"},
    {"8-colour out of range", "roles:\n  key: { fg: 12, fg8: 9 }\n", 2, 23,
     "`key.fg8`: 9 is out of range 0-7 (the 8 basic colours; or use a name)"},
    {"8-colour palette number", "roles:\n  key: { bg8: 244 }\n", 2, 15,
     "`key.bg8`: 244 is out of range 0-7 (the 8 basic colours; or use a name)"},
    {"colour is a list", "roles:\n  dim: { fg: [1] }\n", 2, 14,
     "`dim.fg` expects " COLOR_EXPECT ", found a sequence"},
    {"colour has no value", "roles:\n  dim: { fg: , bg: 1 }\n", 2, 10,
     "`dim.fg` has no value; remove the key for the default"},
    {"unknown attribute", "roles:\n  ok: { attrs: [bold, blink] }\n", 2, 23,
     "`ok.attrs`: unknown attribute `blink` (use bold underline reverse dim italic)"},
    {"unknown attribute, suggested", "roles:\n  ok: { mono: [udnerline] }\n", 2, 16,
     "`ok.mono`: unknown attribute `udnerline`, did you mean `underline`?"},
    {"attributes as a mapping", "roles:\n  ok: { attrs: {bold: true} }\n", 2, 16,
     "`ok.attrs` expects a list of attributes (bold underline reverse dim italic), found a "
     "mapping"},
    {"nested attribute list", "roles:\n  ok: { attrs: [[bold]] }\n", 2, 17,
     "`ok.attrs` items must be attribute names (bold underline reverse dim italic), found a "
     "sequence"},
    {"empty attribute", "roles:\n  ok: { attrs: [bold, ~] }\n", 2, 23,
     "`ok.attrs` has an empty item"},
    {"role is a word", "roles:\n  ok: green\n", 2, 7,
     "role `ok` expects a mapping such as { fg: 114, attrs: [bold] }, found `green`"},
    {"role has no value", "roles:\n  ok:\n  bad: {}\n", 2, 3,
     "role `ok` has no value; remove it to keep the built-in style"},
    {"roles is a list", "roles: [ok, bad]\n", 1, 8,
     "`roles` expects a mapping of role names, found a sequence"},
    {"roles has no value", "name: x\nroles:\n", 2, 1,
     "`roles` has no value; remove the key for the built-in styles"},
    {"bad name", "name: \"my theme\"\n", 1, 7,
     "`name`: `my theme` is not a theme name (letters, digits, - _ ., at most 63 characters)"},
    {"long name", "name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 1, 7,
     "`name`: `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…` is not a theme "
     "name (letters, digits, - _ ., at most 63 characters)"},
    {"name is a list", "name: [a]\n", 1, 7, "`name` expects a theme name, found a sequence"},
    {"NUL in a name", "name: \"a\\0b\"\n", 1, 7, "`name` contains a NUL character"},
    {"description is a mapping", "description: {a: b}\n", 1, 14,
     "`description` expects a string, found a mapping"},
    /* the document */
    {"tab indentation", "roles:\n\tok: {}\n", 2, 1,
     "tab character: YAML indentation must use spaces"},
    {"syntax error", "roles:\n  ok: { fg: 1\n  bad: {}\n", 3, 6,
     "did not find expected ',' or '}' (while parsing a flow mapping at line 2, column 7)"},
    {"a sequence", "- text\n- ok\n", 1, 1,
     "expected a mapping with name, description and roles, found a sequence"},
    {"a scalar", "dark\n", 1, 1,
     "expected a mapping with name, description and roles, found `dark`"},
    {"empty", "", 1, 1, "expected a mapping with name, description and roles, found an empty file"},
    {"only comments", "# nothing\n", 1, 1,
     "expected a mapping with name, description and roles, found an empty file"},
    {"alias", "name: *n\n", 1, 7, "aliases are not supported in themes"},
    {"anchor", "roles:\n  ok: &s { fg: 1 }\n  warn: *s\n", 2, 7,
     "anchors and aliases are not supported in themes"},
    {"tag", "name: !!str dark\n", 1, 7, "tags are not supported in themes"},
    {"too deep", "roles:\n  ok: { attrs: [[[[bold]]]] }\n", 2, 19, "nesting deeper than 6 levels"},
    {"two documents", "name: a\n---\nname: b\n", 2, 1,
     "a theme is one YAML document; a second one starts here"},
    {"invalid UTF-8", "description: caf\xff\n", 1, 17, "invalid leading UTF-8 octet (0xFF)"},
    {"control character", "description: a\x1b[31m\n", 1, 15,
     "control characters are not allowed (0x1B)"},
};

static void check_bad(const struct bad_case *c)
{
    struct theme t;
    struct theme_error err;
    memset(&t, 0x5a, sizeof(t));
    memset(&err, 0x5a, sizeof(err));
    if (theme_parse(c->yaml, strlen(c->yaml), "dir/bad.yaml", &t, &err) == 0)
        fail_msg("%s: accepted", c->what);
    if (err.line != c->line || err.col != c->col)
        fail_msg("%s: at %d:%d, expected %d:%d (%s)", c->what, err.line, err.col, c->line, c->col,
                 err.message);
    if (strcmp(err.message, c->message))
        fail_msg("%s:\n  got      '%s'\n  expected '%s'", c->what, err.message, c->message);
    assert_string_equal(err.file, "dir/bad.yaml");
    if (!is_builtin(&t))
        fail_msg("%s: the theme is not the built-in default after an error", c->what);
    /* The message never carries a raw control character. */
    for (const char *p = err.message; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            fail_msg("%s: control character in the message", c->what);
}

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
        check_bad(&bad_cases[i]);
}

static void test_too_large(void **state)
{
    (void)state;
    size_t n = 64 * 1024 + 1;
    char *big = xmalloc(n);
    memset(big, '#', n);
    struct theme t;
    struct theme_error err;
    assert_int_equal(theme_parse(big, n, "big.yaml", &t, &err), -1);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.message, "file is 65537 bytes; themes are at most 64 KiB");
    assert_true(is_builtin(&t));
    /* Exactly the limit is read (and found empty). */
    assert_int_equal(theme_parse(big, n - 1, "big.yaml", &t, &err), -1);
    assert_string_equal(err.message,
                        "expected a mapping with name, description and roles, found an empty file");
    /* A file over the limit is refused before it is read whole. */
    char *path = write_tmp("big.yaml", big, n);
    assert_int_equal(theme_load_file(path, &t, &err), -1);
    assert_string_equal(err.file, path);
    assert_string_equal(err.message, "cannot read theme: file is larger than 64 KiB");
    free(path);
    free(big);
}

static void test_long_list(void **state)
{
    (void)state;
    struct strbuf sb = {0};
    sb_puts(&sb, "roles:\n  ok:\n    attrs:\n");
    for (int i = 0; i < 17; i++)
        sb_puts(&sb, "      - bold\n");
    struct theme t;
    struct theme_error err;
    assert_int_equal(theme_parse(sb.buf, sb.len, "long.yaml", &t, &err), -1);
    assert_int_equal(err.line, 4 + 16);
    assert_int_equal(err.col, 9);
    assert_string_equal(err.message, "a list holds at most 16 items");
    sb_free(&sb);
}

/* ---- values and fallbacks -------------------------------------------------------------- */

struct style_case {
    const char *role_yaml; /* the value of role `ok` */
    struct theme_style want;
};

static const struct style_case style_cases[] = {
    /* absent keys: default colours, no attributes */
    {"{}", {D, D, D, D, 0, 0}},
    {"{ fg: default, bg: default }", {D, D, D, D, 0, 0}},
    /* names map directly */
    {"{ fg: red, bg: white }", {1, 7, 1, 7, 0, 0}},
    {"{ fg: magenta }", {5, D, 5, D, 0, 0}},
    /* 0-15 fold onto 0-7 */
    {"{ fg: 7, bg: 0 }", {7, 0, 7, 0, 0, 0}},
    {"{ fg: 9, bg: 12 }", {9, 12, 1, 4, 0, 0}},
    {"{ fg: 8, bg: 15 }", {8, 15, 0, 7, 0, 0}},
    /* 16-255: greys to black or white, colours by hue */
    {"{ fg: 16, bg: 231 }", {16, 231, 0, 7, 0, 0}},
    {"{ fg: 238, bg: 244 }", {238, 244, 0, 7, 0, 0}},
    {"{ fg: 232, bg: 255 }", {232, 255, 0, 7, 0, 0}},
    {"{ fg: 114 }", {114, D, 2, D, 0, 0}}, /* pastel green */
    {"{ fg: 46 }", {46, D, 2, D, 0, 0}},
    {"{ fg: 196 }", {196, D, 1, D, 0, 0}},
    {"{ fg: 203 }", {203, D, 1, D, 0, 0}}, /* salmon */
    {"{ fg: 214 }", {214, D, 3, D, 0, 0}}, /* orange */
    {"{ fg: 226 }", {226, D, 3, D, 0, 0}},
    {"{ fg: 21 }", {21, D, 4, D, 0, 0}},
    {"{ fg: 27 }", {27, D, 4, D, 0, 0}},
    {"{ fg: 24 }", {24, D, 6, D, 0, 0}},   /* deep sky blue: nearer cyan */
    {"{ fg: 117 }", {117, D, 6, D, 0, 0}}, /* sky blue */
    {"{ fg: 51 }", {51, D, 6, D, 0, 0}},
    {"{ fg: 201 }", {201, D, 5, D, 0, 0}},
    {"{ fg: 93 }", {93, D, 5, D, 0, 0}}, /* purple */
    /* explicit 8-colour values win */
    {"{ fg: 114, fg8: 3, bg: 24, bg8: default }", {114, 24, 3, D, 0, 0}},
    {"{ fg: 114, fg8: cyan }", {114, D, 6, D, 0, 0}},
    {"{ fg: \"200\" }", {200, D, 5, D, 0, 0}},
    /* attributes: mono follows attrs unless given */
    {"{ attrs: [bold, underline] }",
     {D, D, D, D, THEME_BOLD | THEME_UNDERLINE, THEME_BOLD | THEME_UNDERLINE}},
    {"{ attrs: [bold], mono: [] }", {D, D, D, D, THEME_BOLD, 0}},
    {"{ attrs: [], mono: [reverse, dim, italic] }",
     {D, D, D, D, 0, THEME_REVERSE | THEME_DIM | THEME_ITALIC}},
    {"{ attrs: bold }", {D, D, D, D, THEME_BOLD, THEME_BOLD}},
    {"{ attrs: [bold, bold] }", {D, D, D, D, THEME_BOLD, THEME_BOLD}},
    {"\n    fg: 2\n    attrs:\n      - \"reverse\"\n", {2, D, 2, D, THEME_REVERSE, THEME_REVERSE}},
};

static void test_styles(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(style_cases) / sizeof(style_cases[0]); i++) {
        const struct style_case *c = &style_cases[i];
        char *doc = xasprintf("roles:\n  ok: %s\n", c->role_yaml);
        struct theme t, builtin;
        struct theme_error err;
        char buf[1200];
        if (theme_parse(doc, strlen(doc), "s.yaml", &t, &err) != 0)
            fail_msg("ok: %s: %s", c->role_yaml, theme_error_format(&err, buf, sizeof(buf)));
        const struct theme_style *g = &t.roles[TR_OK], *w = &c->want;
        if (!style_equal(g, w))
            fail_msg("ok: %s gave {fg %d bg %d fg8 %d bg8 %d attrs %#x mono %#x}, expected "
                     "{fg %d bg %d fg8 %d bg8 %d attrs %#x mono %#x}",
                     c->role_yaml, g->fg, g->bg, g->fg8, g->bg8, g->attrs, g->mono, w->fg, w->bg,
                     w->fg8, w->bg8, w->attrs, w->mono);
        /* The other roles keep the built-in style. */
        theme_builtin(&builtin);
        for (int r = 0; r < TR_COUNT; r++)
            if (r != TR_OK && !style_equal(&t.roles[r], &builtin.roles[r]))
                fail_msg("ok: %s changed role %s", c->role_yaml,
                         theme_role_name((enum theme_role)r));
        free(doc);
    }
}

static void test_names(void **state)
{
    (void)state;
    struct theme t;
    struct theme_error err;
    const char *doc = "description: mine\nroles:\n  bad: { fg: 9 }\n";
    /* No name key: the file's name, or "custom" without one. */
    assert_int_equal(theme_parse(doc, strlen(doc), "/x/y/solarized-dark.yaml", &t, &err), 0);
    assert_string_equal(t.name, "solarized-dark");
    assert_int_equal(t.roles[TR_BAD].fg, 9);
    assert_int_equal(theme_parse(doc, strlen(doc), "dusk.yml", &t, &err), 0);
    assert_string_equal(t.name, "dusk");
    assert_int_equal(theme_parse(doc, strlen(doc), NULL, &t, &err), 0);
    assert_string_equal(t.name, "custom");
    /* A name key wins. */
    const char *named = "name: night_2.0\n";
    assert_int_equal(theme_parse(named, strlen(named), "dusk.yaml", &t, &err), 0);
    assert_string_equal(t.name, "night_2.0");
    assert_true(style_equal(&t.roles[TR_BAD], &(struct theme_style){203, D, 1, D, THEME_BOLD,
                                                                    THEME_BOLD | THEME_REVERSE}));
    /* No filename: errors name "<theme>". */
    assert_int_equal(theme_parse("roles: 1\n", 9, NULL, &t, &err), -1);
    assert_string_equal(err.file, "<theme>");
    /* A NULL err is allowed. */
    assert_int_equal(theme_parse("roles: 1\n", 9, NULL, &t, NULL), -1);
    assert_true(is_builtin(&t));
}

/* ---- files and the themes folder -------------------------------------------------------- */

static void test_load_file(void **state)
{
    (void)state;
    struct theme t;
    struct theme_error err;
    char buf[1200];
    const char *body = "name: mine\nroles:\n  ok: { fg: 40, attrs: [italic] }\n";
    char *path = write_tmp("mine.yaml", body, strlen(body));
    /* A path (has '/' or ends in .yaml) is loaded as is. */
    if (theme_load(path, &t, &err) != 0)
        fail_msg("%s", theme_error_format(&err, buf, sizeof(buf)));
    assert_string_equal(t.name, "mine");
    assert_int_equal(t.roles[TR_OK].fg, 40);
    assert_int_equal(t.roles[TR_OK].fg8, 2);
    assert_int_equal(t.roles[TR_OK].attrs, THEME_ITALIC);
    /* An error in a file names the file, line and column. */
    const char *broken = "roles:\n  ok: { fg: purple }\n";
    char *bpath = write_tmp("broken.yaml", broken, strlen(broken));
    assert_int_equal(theme_load(bpath, &t, &err), -1);
    assert_true(is_builtin(&t));
    char *want = xasprintf("%s:2:13: `ok.fg` expects " COLOR_EXPECT ", found `purple`", bpath);
    assert_string_equal(theme_error_format(&err, buf, sizeof(buf)), want);
    free(want);
    /* Missing file, a directory. */
    char *missing = xasprintf("%s/nope.yaml", tmp_dir);
    assert_int_equal(theme_load(missing, &t, &err), -1);
    assert_true(is_builtin(&t));
    want = xasprintf("%s: cannot read theme: No such file or directory", missing);
    assert_string_equal(theme_error_format(&err, buf, sizeof(buf)), want);
    free(want);
    assert_int_equal(theme_load_file(tmp_dir, &t, &err), -1);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.message, "cannot read theme: Is a directory");
    free(missing);
    free(bpath);
    free(path);
}

static void test_load_by_name(void **state)
{
    (void)state;
    struct theme t;
    struct theme_error err;
    char buf[1200];
    assert_int_equal(theme_load("defualt", &t, &err), -1);
    assert_true(is_builtin(&t));
    char *dir = theme_dir();
    char *want = xasprintf("no theme named 'defualt'; did you mean 'default'? (looked in %s)", dir);
    assert_string_equal(theme_error_format(&err, buf, sizeof(buf)), want);
    free(want);
    assert_int_equal(theme_load("zzzzzzzzzz", &t, &err), -1);
    want = xasprintf("no theme named 'zzzzzzzzzz' in %s (themes: default high-contrast light mono)",
                     dir);
    assert_string_equal(err.message, want);
    free(want);
    assert_int_equal(theme_load("my theme", &t, &err), -1);
    assert_string_equal(
        err.message, "'my theme' is not a theme name (letters, digits, '-', '_', '.') or a path");
    assert_int_equal(theme_load("\x1b[2J", &t, &err), -1);
    assert_null(strchr(err.message, '\x1b'));
    /* A bundled name from another data dir. */
    const char *body = "roles:\n  title: { fg: 1 }\n";
    char *sub = xasprintf("%s/data/themes", tmp_dir);
    char *cmd = xasprintf("mkdir -p '%s'", sub);
    assert_int_equal(system(cmd), 0);
    char *path = xasprintf("%s/sunset.yaml", sub);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(body, f);
    fclose(f);
    char *data = xasprintf("%s/data", tmp_dir);
    setenv("TLSCOPE_DATADIR", data, 1);
    if (theme_load("sunset", &t, &err) != 0)
        fail_msg("%s", theme_error_format(&err, buf, sizeof(buf)));
    assert_string_equal(t.name, "sunset");
    assert_int_equal(t.roles[TR_TITLE].fg, 1);
    setenv("TLSCOPE_DATADIR", src_root, 1);
    free(data);
    free(path);
    free(cmd);
    free(sub);
    free(dir);
}

static void test_dir_and_list(void **state)
{
    (void)state;
    char *dir = theme_dir();
    char *want = xasprintf("%s/themes", src_root);
    assert_string_equal(dir, want);
    free(want);
    free(dir);

    size_t n = 0;
    char **names = theme_list(&n);
    assert_non_null(names);
    for (size_t i = 0; i < N_BUNDLED; i++) {
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found = found || !strcmp(names[k], bundled[i]);
        if (!found)
            fail_msg("theme_list lacks %s", bundled[i]);
    }
    for (size_t k = 0; k + 1 < n; k++)
        assert_true(strcmp(names[k], names[k + 1]) < 0);
    for (size_t k = 0; k < n; k++)
        free(names[k]);
    free(names);

    /* An empty or missing folder lists nothing. */
    setenv("TLSCOPE_DATADIR", "/nonexistent-tlscope", 1);
    dir = theme_dir();
    assert_string_equal(dir, "/nonexistent-tlscope/themes");
    free(dir);
    names = theme_list(&n);
    assert_null(names);
    assert_int_equal(n, 0);
    /* Without the variable: next to the binary or the install prefix, always ".../themes". */
    unsetenv("TLSCOPE_DATADIR");
    dir = theme_dir();
    size_t len = strlen(dir);
    assert_true(len > 7 && !strcmp(dir + len - 7, "/themes"));
    free(dir);
    setenv("TLSCOPE_DATADIR", src_root, 1);
}

static void test_error_format(void **state)
{
    (void)state;
    char buf[1200];
    struct theme_error e = {"a.yaml", 3, 7, "bad"};
    assert_string_equal(theme_error_format(&e, buf, sizeof(buf)), "a.yaml:3:7: bad");
    e.line = e.col = 0;
    assert_string_equal(theme_error_format(&e, buf, sizeof(buf)), "a.yaml: bad");
    e.file[0] = '\0';
    assert_string_equal(theme_error_format(&e, buf, sizeof(buf)), "bad");
    char small[5];
    e.line = 1;
    snprintf(e.file, sizeof(e.file), "long.yaml");
    assert_string_equal(theme_error_format(&e, small, sizeof(small)), "long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_load),
        cmocka_unit_test(test_builtin_equals_default_yaml),
        cmocka_unit_test(test_builtin_mono_equals_mono_yaml),
        cmocka_unit_test(test_roles_distinct),
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_long_list),
        cmocka_unit_test(test_styles),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_by_name),
        cmocka_unit_test(test_dir_and_list),
        cmocka_unit_test(test_error_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
