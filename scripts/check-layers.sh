#!/bin/sh
# make check-layers: every #include in src/ checked against ONE table of the edges allowed
# between its folders (DESIGN.md "Layers"; the README's Development section shows the same
# table, and tests/integration/test_layers.c checks that the two agree), plus which folders
# may include which library.
#
#   sh scripts/check-layers.sh [SRC]    check SRC (default: src); prints every violation as
#                                       "FILE:LINE: includes HEADER: why" and exits 1
#   sh scripts/check-layers.sh --table  print the table of edges
set -u

# ---- the table --------------------------------------------------------------------------------
# FROM: what it may include besides itself. FROM is a folder of src/ or main.c; a row naming
# one file (folder/file.c) is a known exception: one edge its folder's row does not allow,
# with what removes it. Arrows point down only: a row names only rows above it (checked), so
# the table has no cycle; siblings do not include each other unless a row says so. A folder
# without a row, or an exception nobody needs any more, fails the check.
EDGES='
util:
yaml:           util
model:          util
wire:           util model
settings:       util model # the one table of settings (flags, profile keys, the editor)
starttls:       util model # plaintext dialogues before TLS, the HTTP parser
engine:         util model wire settings starttls
scan:           util model wire settings engine # the scanner: many raw-hello probes in one poll loop
lab:            util model wire
render:         util model wire scan
compare:        util model render
cli:            util model settings engine yaml render # command-line modes (--check-chain)
profile:        util model settings yaml
theme:          util yaml
ui:             util model wire settings engine scan lab render compare profile theme
main.c:         util model settings engine scan render compare profile theme ui cli
'

# Libraries: the header (a prefix of the name in <...>) and the only folders that include it.
LIBS='
openssl/: engine lab
curses.h: ui
ncurses.h: ui
ncursesw/: ui
term.h: ui
yaml.h: yaml
jansson.h: render compare
'
# wire/ is bytes to structs and back: no sockets, no poll, no threads (and no OpenSSL, above).
WIRE_BANNED='sys/socket.h netinet/ arpa/ poll.h sys/poll.h pthread.h'

if [ "${1:-}" = --table ]; then
    printf '%s\n' "$EDGES" | sed -e '/^$/d'
    exit 0
fi
SRC=${1:-src}
SRC=${SRC%/}
if [ ! -d "$SRC" ]; then
    echo "check-layers: $SRC: not a directory" >&2
    exit 2
fi

folders=$(find "$SRC" -mindepth 1 -maxdepth 1 -type d | sed "s|^$SRC/||" | sort | tr '\n' ' ')
files=$(find "$SRC" -type f \( -name '*.c' -o -name '*.h' \) | sort)

# shellcheck disable=SC2086 # $files: paths under src/ hold no blanks
awk -v src="$SRC" -v edges="$EDGES" -v libs="$LIBS" -v folders="$folders" \
    -v wire_banned="$WIRE_BANNED" '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function fail(msg) { print "check-layers: " msg > "/dev/stderr"; bad++ }
BEGIN {
    nf = split(folders, fl, " ")
    for (i = 1; i <= nf; i++) is_folder[fl[i]] = 1
    # the table: allow[FROM, TO]; rows in order for the messages
    n = split(edges, lines, "\n")
    for (i = 1; i <= n; i++) {
        line = lines[i]
        why = ""
        if (index(line, "#")) { why = trim(substr(line, index(line, "#") + 1)); line = substr(line, 1, index(line, "#") - 1) }
        line = trim(line)
        if (line == "") continue
        from = trim(substr(line, 1, index(line, ":") - 1))
        row[from] = trim(substr(line, index(line, ":") + 1))
        order[++nrows] = from
        exception[from] = (index(from, "/") > 0)
        reason[from] = why
        m = split(row[from], to, " ")
        for (j = 1; j <= m; j++) allow[from, to[j]] = 1
    }
    for (i = 1; i <= nf; i++)
        if (!(fl[i] in row))
            fail(src "/" fl[i] "/ has no row in the table of scripts/check-layers.sh: add one (what it may include)")
    # arrows point down only: a row names only rows above it (so the table has no cycle)
    for (i = 1; i <= nrows; i++) {
        f = order[i]
        m = split(row[f], to, " ")
        for (j = 1; j <= m; j++)
            if (!(to[j] in seen))
                fail("the table: " f " names " to[j] ", which is not a row above it (arrows point down only)")
        if (!exception[f]) seen[f] = 1
    }
    n = split(libs, lines, "\n")
    for (i = 1; i <= n; i++) {
        line = trim(lines[i])
        if (line == "") continue
        lib[++nlibs] = trim(substr(line, 1, index(line, ":") - 1))
        libok[nlibs] = " " trim(substr(line, index(line, ":") + 1)) " "
    }
    nwb = split(wire_banned, wb, " ")
}
FNR == 1 {
    rel = substr(FILENAME, length(src) + 2)
    from = index(rel, "/") ? substr(rel, 1, index(rel, "/") - 1) : rel
    if (from == rel && !(rel in row))
        fail(FILENAME " has no row in the table of scripts/check-layers.sh: add one (what it may include)")
}
/^[ \t]*#[ \t]*include[ \t]*["<]/ {
    s = $0
    sub(/^[ \t]*#[ \t]*include[ \t]*/, "", s)
    quoted = substr(s, 1, 1) == "\""
    s = substr(s, 2)
    hdr = substr(s, 1, index(s, quoted ? "\"" : ">") - 1)
    where = FILENAME ":" FNR ": includes " (quoted ? "\"" hdr "\"" : "<" hdr ">") ": "
    if (hdr ~ /(^|\/)\.\.(\/|$)/) { fail(where "a path with .. (name the folder: \"folder/file.h\")"); next }
    dst = index(hdr, "/") ? substr(hdr, 1, index(hdr, "/") - 1) : ""
    if (dst != "" && (dst in is_folder)) {
        if (dst == from) next
        if ((rel, dst) in allow) { used[rel] = 1; next }
        if ((from, dst) in allow) next
        if (!(from in row)) next # reported once above
        fail(where from " may not include " dst " (" from " may include: " (row[from] == "" ? "nothing else" : row[from]) ")")
        next
    }
    if (quoted) {
        if (dst == "" && from != rel) next # a header of its own folder
        fail(where "not a header of " src "/ (name it \"folder/file.h\")")
        next
    }
    for (i = 1; i <= nlibs; i++) {
        if (substr(hdr, 1, length(lib[i])) == lib[i] && index(libok[i], " " from " ") == 0)
            fail(where "only" libok[i] "may include <" lib[i] (lib[i] ~ /\/$/ ? "...>" : ">"))
    }
    if (from == "wire")
        for (i = 1; i <= nwb; i++)
            if (substr(hdr, 1, length(wb[i])) == wb[i])
                fail(where "wire/ uses no sockets, poll or threads")
}
END {
    for (i = 1; i <= nrows; i++) {
        f = order[i]
        if (exception[f] && !(f in used))
            fail("the exception for " src "/" f " (" row[f] ") is not needed any more: remove its row from the table (scripts/check-layers.sh and README)")
    }
    if (bad) { print "check-layers: " bad " violation" (bad == 1 ? "" : "s"); exit 1 }
    print "check-layers: ok (" nf " folders, every #include checked against the table)"
}' $files
