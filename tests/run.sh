#!/bin/sh
# Runs every test binary under BUILD/tests (unit first, then integration) that has its source
# in tests/ (run from the top of the tree) with cmocka's TAP output, prints each result, and ends with one line "N passed, N failed[, N skipped]".
# Exits non-zero when any test failed or a test binary crashed.
set -u
B=${1:-build}
passed=0 failed=0 skipped=0 crashed=""
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# RSA keys for the test PKIs come from one pool per build (src/lab/pki.c): each test process
# would otherwise spend ~3 s making the same lab's thirteen RSA keys
export TLSCOPE_PKI_KEY_POOL="$(pwd)/$B/tests/keypool"
mkdir -p "$TLSCOPE_PKI_KEY_POOL" && chmod 700 "$TLSCOPE_PKI_KEY_POOL"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$B"/tests/unit/test_* "$B"/tests/integration/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.d | *.o) continue ;; esac
    name=$(basename "$t")
    kind=$(basename "$(dirname "$t")")
    # a binary left by a test that was renamed or removed is not a test any more
    [ -f "tests/$kind/$name.c" ] || { echo "stale  $kind/$name (no tests/$kind/$name.c): not run"; continue; }
    t0=$(date +%s)
    "$t" >"$log" 2>&1
    rc=$?
    secs=$(($(date +%s) - t0))
    # cmocka's TAP marks a skipped test "not ok N # SKIP": a skip, not a failure
    p=$(grep -cE '^ok [0-9]+' "$log")
    s=$(grep -cE '^(not )?ok [0-9]+ .*# SKIP' "$log")
    sp=$(grep -cE '^ok [0-9]+ .*# SKIP' "$log")
    f=$(grep -E '^not ok [0-9]+' "$log" | grep -cvE '# SKIP')
    p=$((p - sp))
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
        crashed="$crashed $name"
        failed=$((failed + 1))
    fi
    if [ "$f" -gt 0 ] || [ $rc -ne 0 ]; then
        printf 'FAIL  %-28s %3d passed, %d failed (exit %d, %d s)\n' "$name" "$p" "$f" "$rc" "$secs"
        grep -vE '^ok [0-9]+' "$log" | sed 's/^/      /' | head -60
    else
        printf 'ok    %-28s %3d passed%s  (%d s)\n' "$name" "$p" "$([ "$s" -gt 0 ] && echo ", $s skipped")" "$secs"
    fi
done
[ -n "$crashed" ] && echo "crashed or exited non-zero without a failed test:$crashed"
if [ $skipped -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ] && [ $passed -gt 0 ]
