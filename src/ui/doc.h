/* A document: what a pane shows, as lines of styled segments. Pane builders turn a report
 * into documents; one generic view (ui/docview.c) scrolls, selects, searches and draws any of
 * them, so every pane gets the same keys, mouse and search. No curses here: builders are plain
 * functions and can be tested without a terminal.
 *
 * Ownership: the doc owns its lines and their segment texts. Text added with doc_peer() comes
 * from the network and is sanitised (sanitize_terminal) on the way in; doc_text() is for our
 * own strings. */
#ifndef TLSCOPE_UI_DOC_H
#define TLSCOPE_UI_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "theme/theme.h"
#include "util/strlist.h"

struct doc_seg {
    enum theme_role role;
    char *text;    /* UTF-8, no control characters */
    int min_width; /* pad to this many columns (0: none) — for aligned label columns */
};

struct doc_line {
    struct doc_seg *segs;
    size_t n, cap;
    int id;             /* >= 0: selectable, passed to the pane's detail builder; -1: not */
    enum theme_role bg; /* TR_TEXT normally; e.g. TR_BAD for a verdict bar */
};

struct doc {
    struct doc_line *lines;
    size_t n, cap;
};

/* The one escaping every single-line field goes through: a copy of text (peer-controlled or
 * ours) with every control character written out (sanitize_terminal), CR, LF and TAB included,
 * so a name holding a line feed stays on its line as "\x0A" and can never print a line of its
 * own. Caller frees; NULL gives "". Text meant to span lines (PEM, OpenSSL's multi-line
 * extension values) is split by its builder first, each piece then passing through here. */
char *doc_one_line(const char *text);

/* Starts a new line (id -1 for a non-selectable line); returns it for doc_text/doc_peer. */
struct doc_line *doc_line(struct doc *d, int id);
/* Appends our own text (printf-style) to line l. */
void doc_text(struct doc_line *l, enum theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends peer-controlled text as one line (doc_one_line). NULL appends nothing. */
void doc_peer(struct doc_line *l, enum theme_role role, const char *text);
/* A "label  value" line: the label dim and padded to label_width columns. */
struct doc_line *doc_field(struct doc *d, int label_width, const char *label, enum theme_role role,
                           const char *value_fmt, ...) __attribute__((format(printf, 5, 6)));
/* Same with a peer-controlled value. */
struct doc_line *doc_field_peer(struct doc *d, int label_width, const char *label,
                                enum theme_role role, const char *value);
/* A blank line / a section heading (TR_TITLE). */
void doc_blank(struct doc *d);
void doc_heading(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One line of a help overlay's key table: the keys in an 18-column column, then what they do. */
void doc_key_line(struct doc *d, const char *keys, const char *what);
/* Appends every line of a multi-line string (our own text, or sanitised when peer). */
void doc_lines(struct doc *d, enum theme_role role, const char *text, bool peer);

/* ---- fitting text to a width --------------------------------------------------------------
 * For sanitised or our own one-line UTF-8 text (no control characters). Widths are
 * doc_width's; no function here ever splits a UTF-8 sequence. */

/* Where doc_cut may end a piece of text that does not fit. */
enum doc_break {
    DOC_BREAK_HARD,  /* after the last code point that fits */
    DOC_BREAK_BLANK, /* at the last blank that fits, else hard */
    DOC_BREAK_SOFT,  /* at the last blank that fits, else after the last ':' ',' ';' '/' (so
                      * fingerprints, paths and lists break between their parts), else hard */
};

/* Bytes of s to put on a line of room columns: all of s when it fits, else as far as brk
 * allows. Unless brk is HARD, a piece also ends where a blank follows what fits (the blanks
 * are left for the caller to skip). At least one code point is taken when s does not start
 * with a blank, even if it is wider than room, so a caller that advances by the result and
 * skips blanks always makes progress; 0 only for an empty s or a leading blank that does not
 * fit (not HARD). */
size_t doc_cut(const char *s, int room, enum doc_break brk);

/* Splits one line of text into pieces of at most room columns, broken as brk allows, and
 * appends them to out (which owns them). Blanks at the start and at each break are dropped;
 * an empty or all-blank s gives one empty piece. A piece is wider than room only when a single
 * code point is. */
void doc_wrap(const char *s, int room, enum doc_break brk, struct strlist *out);

/* Columns below which doc_wrap_into starts the text on a continuation line instead. */
#define DOC_WRAP_MIN_ROOM 12

/* Appends text (sanitised here, so peer text is fine) in role to l, a line of d that already
 * reaches column col, wrapping at blanks (DOC_BREAK_BLANK) to fit width. Each continuation
 * line is a new non-selectable line of d starting with cont blanks; the text starts on one
 * when fewer than DOC_WRAP_MIN_ROOM columns are left after col and col > cont. Adding lines
 * may move d's lines: l and other pointers into d are not valid afterwards. */
void doc_wrap_into(struct doc *d, struct doc_line *l, int col, int cont, int width,
                   enum theme_role role, const char *text);

/* A copy of s cut to at most max columns (whole code points), ending in ellipsis (e.g. "…")
 * when cut; the whole of s when it fits, "" when max <= 0. Caller frees. */
char *doc_fit(const char *s, int max, const char *ellipsis);

/* The line's text without styling (for search and tests); caller frees. */
char *doc_line_plain(const struct doc_line *l);
/* Display width of a UTF-8 string in terminal columns (wide characters count 2). */
int doc_width(const char *s);
void doc_clear(struct doc *d);
void doc_free(struct doc *d);

#endif
