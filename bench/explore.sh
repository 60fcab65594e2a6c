#!/usr/bin/env bash
# Median wall time of one `tlscope --json` connection against `openssl s_client` on the same
# local server (TLS 1.3, RSA 2048 chain), and their ratio. Target: ratio <= 1.1.
# Usage: bench/explore.sh [BUILD/tlscope] [RUNS]
set -eu
BIN=${1:-build/tlscope}
RUNS=${2:-30}
B=$(dirname "$BIN")
[ -x "$B/tests/tools/mkpki" ] || make -s "$B/tests/tools/mkpki" >/dev/null
dir=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
"$B/tests/tools/mkpki" "$dir" >/dev/null
port=$(( 20000 + RANDOM % 30000 ))
openssl s_server -accept "127.0.0.1:$port" -cert "$dir/leaf.crt" -key "$dir/leaf.key" \
    -cert_chain "$dir/inter.crt" -quiet -naccept 100000 </dev/null >/dev/null 2>&1 &
pid=$!
i=0
while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "server did not start" >&2; exit 1; }; sleep 0.05
done

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
time_runs() { # command...
    n=0
    while [ $n -lt "$RUNS" ]; do
        t0=$(now_ns); "$@" >/dev/null 2>&1 </dev/null || true; t1=$(now_ns)
        echo $(( (t1 - t0) / 1000 ))
        n=$((n + 1))
    done | median
}
t_tlscope=$(time_runs "$BIN" --json --cafile "$dir/root.crt" "127.0.0.1:$port")
t_openssl=$(time_runs openssl s_client -connect "127.0.0.1:$port" -CAfile "$dir/root.crt" \
    -servername localhost -verify_return_error)
echo "runs:             $RUNS"
echo "tlscope --json:   median $(awk "BEGIN{printf \"%.2f\", $t_tlscope/1000}") ms"
echo "openssl s_client: median $(awk "BEGIN{printf \"%.2f\", $t_openssl/1000}") ms"
echo "ratio:            $(awk "BEGIN{printf \"%.3f\", $t_tlscope/$t_openssl}") (target <= 1.1)"
