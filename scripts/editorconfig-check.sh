#!/bin/sh
# Checks what .editorconfig promises: no tabs in C sources, no trailing blanks, final newline.
# Fuzzing seeds (tests/fuzz/corpus/) are data, exempt like in .editorconfig.
status=0
for f in $(git ls-files 'src/*' 'tests/*' 'scripts/*' 'bench/*' 'docs/*' '*.md' 2>/dev/null); do
    [ -f "$f" ] || continue
    case "$f" in tests/fuzz/corpus/*) continue ;; esac # seed inputs: bytes as captured
    case "$f" in *.c | *.h) if grep -nP '\t' "$f" >/dev/null; then echo "$f: tab" >&2; status=1; fi ;; esac
    if grep -nE '[[:blank:]]+$' "$f" >/dev/null; then echo "$f: trailing blank" >&2; status=1; fi
    if [ -s "$f" ] && [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
        echo "$f: no final newline" >&2; status=1
    fi
done
[ $status = 0 ] && echo "editorconfig: ok"
exit $status
