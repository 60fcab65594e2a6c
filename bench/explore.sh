#!/usr/bin/env bash
# One explore, `tlscope --json`, against `openssl s_client` doing the same work on the same
# local server: median wall time of RUNS interleaved runs (tlscope, s_client, s_client,
# tlscope, ... — the order flips each run, so a slow spell hits both tools alike) and their
# ratio, for each case. Target: ratio <= 1.10 in every case.
#
# Servers (openssl s_server on 127.0.0.1, TLS 1.3):
#   rsa-www   like a real server: RSA 2048 leaf + intermediate, two session tickets
#             (s_server's default), -www (the server speaks HTTP after the handshake)
#   rsa-quiet the bench's original server: the same chain, no -www (-quiet)
#   ecdsa-www an all-ECDSA P-256 chain (root, intermediate, leaf), two tickets, -www
# each reached by name (localhost) and by literal (127.0.0.1).
#
# What s_client runs: `s_client -connect H:P -servername localhost -CAfile root
# -verify_return_error </dev/null`. With stdin at end of file, s_client completes one
# handshake, prints the session (by then the two NewSessionTickets have arrived on loopback;
# it reads them before it looks at stdin), sees EOF on stdin, sends close_notify and closes.
# That is tlscope's work: one verified handshake, read the tickets, close. `-ign_eof` would
# be wrong here: s_client would then wait for the server to close, and an -www server waits
# for an HTTP request first (the run would end only at the server's timeout); `-quiet`
# implies -ign_eof for the same reason. Both tools verify against the same root and check
# nothing else (no OCSP, no ALPN).
#
# Usage: bench/explore.sh [BUILD/tlscope] [RUNS]     (RUNS >= 30 for the issue's figures)
set -eu
export LC_ALL=C
BIN=${1:-build/tlscope}
RUNS=${2:-30}
B=$(dirname "$BIN")
[ -x "$B/tests/tools/mkpki" ] || make -s "$B/tests/tools/mkpki" >/dev/null
dir=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
"$B/tests/tools/mkpki" "$dir" >/dev/null
ec_pki "$dir"
base=$((20000 + RANDOM % 30000))
p_www=$base p_quiet=$((base + 1)) p_ec=$((base + 2))
start_server "$p_www" "$dir/leaf.crt" "$dir/leaf.key" "$dir/inter.crt" -www
start_server "$p_quiet" "$dir/leaf.crt" "$dir/leaf.key" "$dir/inter.crt" -quiet
start_server "$p_ec" "$dir/ec_leaf.crt" "$dir/ec_leaf.key" "$dir/ec_inter.crt" -www

# ---- timing -----------------------------------------------------------------------------------
median() { sort -n | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
fails=0
time_one() { # out-file command... : appends the µs one run took; counts failures
    local out=$1
    shift
    local t0=${EPOCHREALTIME/./}
    if ! "$@" >/dev/null 2>&1 </dev/null; then fails=$((fails + 1)); fi
    local t1=${EPOCHREALTIME/./}
    echo $((t1 - t0)) >>"$out"
}

worst=0
results=()
bench_case() { # name host port cafile
    local name=$1 host=$2 port=$3 ca=$4
    local ft="$dir/t.$name.$host" fo="$dir/o.$name.$host"
    : >"$ft"
    : >"$fo"
    fails=0
    local tl=("$BIN" --json --cafile "$ca" "$host:$port")
    local os=(openssl s_client -connect "$host:$port" -servername localhost -CAfile "$ca"
        -verify_return_error)
    # one warm-up of each (page cache, the server's first accept), not counted
    "${tl[@]}" >/dev/null 2>&1 </dev/null || true
    "${os[@]}" >/dev/null 2>&1 </dev/null || true
    local n=0
    while [ $n -lt "$RUNS" ]; do
        if [ $((n % 2)) -eq 0 ]; then
            time_one "$ft" "${tl[@]}"
            time_one "$fo" "${os[@]}"
        else
            time_one "$fo" "${os[@]}"
            time_one "$ft" "${tl[@]}"
        fi
        n=$((n + 1))
    done
    local mt mo ratio
    mt=$(median <"$ft")
    mo=$(median <"$fo")
    ratio=$(awk -v a="$mt" -v b="$mo" 'BEGIN {printf "%.3f", a / b}')
    # run i of one tool next to run i of the other: the median of their ratios follows a load
    # that drifts during the case less than the ratio of the two medians does
    paired=$(paste "$ft" "$fo" | awk '{print $1 / $2}' | median)
    paired=$(awk -v r="$paired" 'BEGIN {printf "%.3f", r}')
    local flag=ok
    awk -v r="$ratio" 'BEGIN {exit !(r > 1.10)}' && flag=OVER
    [ "$fails" -gt 0 ] && flag="$flag, $fails runs failed"
    results+=("$(printf '%-10s %-10s %9.2f ms %9.2f ms   %s   %s   %s' "$name" "$host" \
        "$(awk -v u="$mt" 'BEGIN {print u / 1000}')" "$(awk -v u="$mo" 'BEGIN {print u / 1000}')" \
        "$ratio" "$paired" "$flag")")
    worst=$(awk -v r="$ratio" -v w="$worst" 'BEGIN {print (r > w) ? r : w}')
}

busy_check
echo "runs per tool and case: $RUNS, interleaved; $(openssl version | cut -d' ' -f1-2)"
for host in localhost 127.0.0.1; do
    bench_case rsa-www "$host" "$p_www" "$dir/root.crt"
    bench_case rsa-quiet "$host" "$p_quiet" "$dir/root.crt"
    bench_case ecdsa-www "$host" "$p_ec" "$dir/ec_root.crt"
done
echo
printf '%-10s %-10s %12s %12s   %s  %s\n' server target "tlscope" "s_client" "ratio" "paired  (target <= 1.10)"
printf '%s\n' "${results[@]}"
echo "worst ratio: $worst"
