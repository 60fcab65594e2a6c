#!/usr/bin/env bash
# Where the time of one explore goes, `tlscope --json` next to `openssl s_client` (the same
# command lines as bench/explore.sh), against the real-like server (RSA 2048 chain, two
# tickets, -www) by name. Each run is stamped by build/bench/stamps.so (LD_PRELOAD; see
# bench/stamps.c); the table shows the median of RUNS interleaved runs for each phase.
#
# Usage: bench/phases.sh [BUILD/tlscope] [RUNS]
set -eu
export LC_ALL=C
BIN=${1:-build/tlscope}
RUNS=${2:-30}
B=$(dirname "$BIN")
[ -x "$B/tests/tools/mkpki" ] || make -s "$B/tests/tools/mkpki" >/dev/null
[ -f "$B/bench/stamps.so" ] || make -s "$B/bench/stamps.so" >/dev/null
SHIM=$(readlink -f "$B/bench/stamps.so")
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
port=$((20000 + RANDOM % 30000))
start_server "$port" "$dir/leaf.crt" "$dir/leaf.key" "$dir/inter.crt" -www

stamp() { # out-file command...
    local out=$1
    shift
    STAMPS_T0=$EPOCHREALTIME LD_PRELOAD=$SHIM "$@" 2>&1 >/dev/null </dev/null |
        grep '^stamps:' >>"$out" || true
}
tl=("$BIN" --json --cafile "$dir/root.crt" "localhost:$port")
os=(openssl s_client -connect "localhost:$port" -servername localhost -CAfile "$dir/root.crt"
    -verify_return_error)
: >"$dir/tl"
: >"$dir/os"
stamp /dev/null "${tl[@]}" # warm-up
stamp /dev/null "${os[@]}"
for n in $(seq "$RUNS"); do
    if [ $((n % 2)) -eq 0 ]; then
        stamp "$dir/tl" "${tl[@]}"
        stamp "$dir/os" "${os[@]}"
    else
        stamp "$dir/os" "${os[@]}"
        stamp "$dir/tl" "${tl[@]}"
    fi
done

# Per run: the phases as intervals (µs); then the median of each over the runs.
phases() { # stamps-file → one line per phase: name median_us
    awk '
    function v(k) { return (k in f) ? f[k] : -1 }
    function put(name, x) { if (x >= 0) { vals[name, ++cnt[name]] = x }; order[name] = 1 }
    {
        delete f
        for (i = 2; i <= NF; i++) {
            split($i, kv, "=")
            split(kv[2], ab, "+")
            f[kv[1]] = ab[1]
            if (2 in ab) f[kv[1] "_d"] = ab[2]
            delete ab
        }
        put("1 exec, load and link the program", v("start"))
        put("2 start-up until the TLS context", v("ctx") - v("start"))
        put("3 SSL_CTX_new", v("ctx_d"))
        put("4 CA file load", v("ca_d"))
        put("5 DNS (getaddrinfo)", v("dns_d"))
        put("6 connect -> ClientHello sent", v("hello") - v("connect"))
        put("7 ClientHello -> our Finished", v("finished") - v("hello"))
        put("8 our Finished -> last byte read", v("last_rx") - v("finished"))
        put("9 last byte read -> close", v("close") - v("last_rx"))
        put("10 close -> exit (output, clean-up)", v("exit") - v("close"))
        put("11 total (exec -> exit)", v("exit"))
    }
    END {
        for (name in order) {
            n = cnt[name]
            for (i = 1; i <= n; i++) a[i] = vals[name, i]
            # insertion sort: n is small
            for (i = 2; i <= n; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j + 1] = a[j]; j-- }; a[j + 1] = x }
            m = n == 0 ? -1 : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
            print name "\t" m
        }
    }' "$1" | sort -t. -k1,1n
}
busy_check
echo "median of $RUNS interleaved runs per tool, µs; server: RSA 2048 chain, 2 tickets, -www; by name"
printf '%-40s %10s %10s\n' phase tlscope s_client
join -t "$(printf '\t')" <(phases "$dir/tl" | sort) <(phases "$dir/os" | sort) | sort -n |
    awk -F'\t' '{name = $1; sub(/^[0-9]+ /, "", name);
        t = $2 < 0 ? "-" : sprintf("%.0f", $2); o = $3 < 0 ? "-" : sprintf("%.0f", $3);
        printf "%-40s %10s %10s\n", name, t, o}'
echo "(a phase is the median of its own; they need not add up to the total)"
