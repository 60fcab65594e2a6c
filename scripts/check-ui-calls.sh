#!/bin/sh
# The calls between the files of src/ui/ may go one way, or between two files both ways, but
# never round a circle of three or more files (DESIGN.md "The terminal UI"): screens talk to
# ui.c and the connection service through the screen stack and callbacks, never to each other
# in a ring. The call graph is read from the objects: file A calls file B when A's object uses
# a symbol (function or data) B's object defines.
#
#   sh scripts/check-ui-calls.sh [OBJDIR]    check the objects in OBJDIR (build/obj/src/ui);
#                                            prints each circle found and exits 1
#   sh scripts/check-ui-calls.sh --edges F   check the edges "FROM TO" listed in F (- stdin)
#   sh scripts/check-ui-calls.sh --print [OBJDIR]   print the edges
#   sh scripts/check-ui-calls.sh --self-test       the check itself fails on a circle of 3
set -u

# Edges "FROM TO" on stdin; prints every simple circle of 3 or more files once and exits 1
# when there is one.
circles() {
    awk '
    NF == 2 && $1 != $2 {
        if (!(($1, $2) in e)) { e[$1, $2] = 1; out[$1] = out[$1] " " $2 }
        node[$1] = 1; node[$2] = 1
    }
    function walk(v, depth,    n, i, nb, w) {
        path[depth] = v
        on[v] = 1
        n = split(out[v], nb, " ")
        for (i = 1; i <= n; i++) {
            w = nb[i]
            if (w == start && depth >= 3) {
                line = ""
                for (k = 1; k <= depth; k++) line = line path[k] " -> "
                print "check-ui-calls: a circle of " depth " files: " line start > "/dev/stderr"
                found++
            } else if (!(w in on) && w > start) {
                walk(w, depth + 1)
            }
        }
        delete on[v]
    }
    END {
        for (v in node) { start = v; walk(v, 1) }
        exit found ? 1 : 0
    }'
}

# The edges between the objects in $1.
edges() {
    dir=$1
    set -- "$dir"/*.o
    if [ ! -e "$1" ]; then
        echo "check-ui-calls: no objects in $dir (build first: make)" >&2
        exit 2
    fi
    for o in "$@"; do
        f=$(basename "$o" .o)
        nm -g --defined-only "$o" | awk -v f="$f" 'NF == 3 { print "D", f, $3 }'
        nm -u "$o" | awk -v f="$f" 'NF == 2 { print "U", f, $2 }'
    done | awk '
        $1 == "D" { def[$3] = $2; next }
        { use[++n] = $2 SUBSEP $3 }
        END {
            for (i = 1; i <= n; i++) {
                split(use[i], p, SUBSEP)
                if ((p[2] in def) && def[p[2]] != p[1]) print p[1], def[p[2]]
            }
        }' | sort -u
}

case "${1:-}" in
--edges)
    if [ "${2:--}" = - ]; then circles; else circles <"$2"; fi
    exit $?
    ;;
--print)
    edges "${2:-build/obj/src/ui}"
    exit 0
    ;;
--self-test)
    # a ring of three must fail, two files calling each other must pass
    if printf 'a b\nb c\nc a\n' | circles 2>/dev/null; then
        echo "check-ui-calls: self-test: a circle of three was not found" >&2
        exit 1
    fi
    if ! printf 'a b\nb a\nb c\nc b\n' | circles; then
        echo "check-ui-calls: self-test: two files calling each other were refused" >&2
        exit 1
    fi
    exit 0
    ;;
esac
edges "${1:-build/obj/src/ui}" | circles
