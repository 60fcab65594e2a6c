#!/usr/bin/env bash
# The scanner against sslscan and testssl.sh -E on the same local wide-legacy server (issue 11):
# an `openssl s_server` and, when nginx is installed, an nginx (2 workers) — both accepting
# TLS 1.0-1.3 with `ALL:@SECLEVEL=0` and an RSA + an ECDSA certificate. For each server:
#   - median wall time of RUNS interleaved runs of `tlscope --scan --json` and `sslscan`
#     (the order flips each run), and of TESTSSL_RUNS runs of `testssl -E` (slow: ~30 s each);
#   - TCP connections each tool made: tlscope's own count, checked by a counting relay
#     (build/tests/tools/relay) in front of the server; sslscan's and testssl's counted by the
#     relay (those counting runs are not the timed ones, except testssl's, where the relay's
#     cost is noise);
#   - the accepted (version, suite) sets of the three, which must be identical;
#   - the ratios, and two floors:
#     new (the honest one): the scan's OWN probes sent one at a time — a scan run with
#       TLSCOPE_SCAN_DUMP writes each probe's ClientHello, build/bench/replay sends them
#       sequentially and sums connect-to-first-record times (median of 3 rounds). TLS <= 1.2
#       probes the server accepts cost it a signature (plus a DHE key for DHE suites) each;
#       refused ones cost an alert; the replay prints the means per kind;
#     old: probes x the per-probe cost of a TLS 1.3 ECDSA probe (build/bench/conns: sequential
#       raw TLS 1.3 probes) — it undercounts the TLS <= 1.2 probes' signatures.
#   - when SSL_CERT_FILE is set, tlscope timed again without it (the system store's hashed
#     directory instead of the bundle; both are looked up lazily);
#   - the time outside the scan (wall time less the report's elapsed_ms: process start-up,
#     rendering, exit), and a CPU budget: tlscope's and the server's CPU per scan (10 scans,
#     from /proc), whose sum over the cores bounds any schedule on this machine from below.
# Targets: >= 10x faster than sslscan, >= 500x faster than testssl -E, within 2x of the floor.
# Every process it starts (servers, relays) is stopped by its PID on any exit; a relay that
# does not start, leaves no count or outlives SIGTERM for 5 s fails the run with a message.
# Nothing leaves loopback: testssl runs with --nodns none and NXCONNECT=127.0.0.1:0.
#
# Usage: bench/scan.sh [BUILD/tlscope] [RUNS] [TESTSSL_RUNS]      (defaults: 9 and 1; 0: no testssl)
set -eu
export LC_ALL=C
BIN=${1:-build/tlscope}
RUNS=${2:-9}
TRUNS=${3:-1}
B=$(dirname "$BIN")
for t in tests/tools/mkpki tests/tools/relay tests/tools/scanpairs bench/conns bench/replay; do
    [ -x "$B/$t" ] || make -s "$B/$t" >/dev/null
done
command -v sslscan >/dev/null || { echo "bench/scan.sh: sslscan is not installed" >&2; exit 1; }
TESTSSL=$(command -v testssl || command -v testssl.sh || true)
dir=$(mktemp -d)
pids=()
cleanup() { # every process this script started, by its PID; none may outlive it
    local p i
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
            i=$((i + 1))
            sleep 0.02
        done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
"$B/tests/tools/mkpki" "$dir" >/dev/null
ec_pki "$dir"

# microseconds now, without forking (a `date` per reading added ~1-2 ms to every timed run)
now_us() { now=${EPOCHREALTIME/./}; }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# a relay in front of PORT; sets relay_port and relay_pid. Each relay writes its port and its
# count ("accepted N", on SIGTERM) into files of its own: a new relay never reads an old one's.
relay_n=0
start_relay() {
    relay_n=$((relay_n + 1))
    relay_out="$dir/relay$relay_n.port" relay_err="$dir/relay$relay_n.err"
    "$B/tests/tools/relay" "$1" >"$relay_out" 2>"$relay_err" &
    relay_pid=$!
    pids+=("$relay_pid")
    local i=0
    relay_port=
    while ! [[ $relay_port =~ ^[0-9]+$ ]]; do
        i=$((i + 1))
        if [ $i -gt 250 ] || ! kill -0 "$relay_pid" 2>/dev/null; then
            echo "bench/scan.sh: the counting relay (pid $relay_pid) did not start:" \
                "$(cat "$relay_err")" >&2
            exit 1
        fi
        sleep 0.02
        relay_port=$(cat "$relay_out")
    done
}
# stops the relay (by its PID, waiting at most 5 s) and sets relay_count; not in a subshell:
# `wait` only waits for this shell's own children
stop_relay() {
    kill "$relay_pid" 2>/dev/null || true
    local i=0
    while kill -0 "$relay_pid" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 250 ]; then
            kill -KILL "$relay_pid" 2>/dev/null || true
            echo "bench/scan.sh: the counting relay (pid $relay_pid) ignored SIGTERM for 5 s" >&2
            exit 1
        fi
        sleep 0.02
    done
    wait "$relay_pid" 2>/dev/null || true
    relay_count=$(sed -n 's/^accepted //p' "$relay_err")
    if ! [[ $relay_count =~ ^[0-9]+$ ]]; then
        echo "bench/scan.sh: the counting relay (pid $relay_pid) left no count:" \
            "$(cat "$relay_err")" >&2
        exit 1
    fi
}

run_testssl() { # port jsonfile
    rm -f "$2"
    NXCONNECT=127.0.0.1:0 "$TESTSSL" --nodns none --quiet --color 0 --warnings off -E \
        --jsonfile "$2" "127.0.0.1:$1" >/dev/null 2>&1 || true
}

# clock ticks (user + system) the processes PIDS... have used so far
ticks_of() {
    local p t=0
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo "$t"
}

bench_server() { # name port server-pids
    local name=$1 port=$2 spids=$3 i t0 t1 now
    echo
    echo "== $name (127.0.0.1:$port)"
    local cost
    cost=$("$B/bench/conns" 127.0.0.1 "$port" 200 1 3 | awk '/^  wall time:/ {print $3 / 200}')
    : >"$dir/t_tl" && : >"$dir/t_ss" && : >"$dir/t_tu" && : >"$dir/o_tl" && : >"$dir/o_tu"
    # tu: tlscope again without SSL_CERT_FILE (when it is set): the system trust store is then
    # looked up lazily in its hashed directory instead of loaded from the whole bundle
    local tools="tl ss" rc
    [ -n "${SSL_CERT_FILE:-}" ] && tools="tl ss tu"
    for i in $(seq 1 "$RUNS"); do
        local order=$tools
        [ $((i % 2)) -eq 0 ] && order=$(echo "$tools" | awk '{for (k = NF; k > 0; k--) printf "%s ", $k}')
        for tool in $order; do
            now_us
            t0=$now
            rc=0
            case $tool in
            tl) "$BIN" --scan --json "127.0.0.1:$port" >"$dir/tl.json" || rc=$? ;;
            tu) env -u SSL_CERT_FILE "$BIN" --scan --json "127.0.0.1:$port" >"$dir/tu.json" || rc=$? ;;
            ss) sslscan --no-colour --xml="$dir/ss.xml" "127.0.0.1:$port" >/dev/null 2>&1 || rc=$? ;;
            esac
            now_us
            t1=$now
            [ $rc -eq 0 ] || { echo "bench/scan.sh: $tool run $i failed (exit $rc)" >&2; exit 1; }
            echo $(((t1 - t0 + 500) / 1000)) >>"$dir/t_$tool"
            if [ "$tool" != ss ]; then # the time outside the scan: start-up, rendering, exit
                awk -v w=$((t1 - t0)) '/"elapsed_ms":/ {gsub(/[^0-9.]/, "", $2); printf "%.1f\n", w / 1000 - $2; exit}' \
                    "$dir/$tool.json" >>"$dir/o_$tool"
            fi
        done
    done
    local m_tl m_ss m_tu=-
    m_tl=$(median <"$dir/t_tl")
    m_ss=$(median <"$dir/t_ss")
    [ -s "$dir/t_tu" ] && m_tu=$(median <"$dir/t_tu")
    # connections, counted at a relay
    start_relay "$port"
    "$BIN" --scan --json "127.0.0.1:$relay_port" >"$dir/tl_relay.json"
    local c_tl c_tl_own c_ss probes
    stop_relay
    c_tl=$relay_count
    c_tl_own=$(grep -o '"connections": [0-9]*' "$dir/tl_relay.json" | head -1 | grep -o '[0-9]*$')
    probes=$(grep -o '"probes": [0-9]*' "$dir/tl.json" | head -1 | grep -o '[0-9]*$')
    start_relay "$port"
    sslscan --no-colour --xml=- "127.0.0.1:$relay_port" >/dev/null 2>&1
    stop_relay
    c_ss=$relay_count
    # testssl -E, timed through the relay (its runs take seconds; the relay costs microseconds)
    local m_ts="-" c_ts="-"
    if [ -n "$TESTSSL" ] && [ "$TRUNS" -gt 0 ]; then
        : >"$dir/t_ts"
        for i in $(seq 1 "$TRUNS"); do
            start_relay "$port"
            now_us
            t0=$now
            run_testssl "$relay_port" "$dir/ts.json"
            now_us
            t1=$now
            echo $(((t1 - t0 + 500) / 1000)) >>"$dir/t_ts"
            stop_relay
            c_ts=$relay_count
        done
        m_ts=$(median <"$dir/t_ts")
    fi
    # identical accepted sets
    "$B/tests/tools/scanpairs" tlscope "$dir/tl.json" >"$dir/p_tl"
    "$B/tests/tools/scanpairs" sslscan "$dir/ss.xml" >"$dir/p_ss"
    local same_ss same_ts="-"
    same_ss=$(cmp -s "$dir/p_tl" "$dir/p_ss" && echo identical || echo DIFFERENT)
    if [ -n "$TESTSSL" ] && [ -s "$dir/ts.json" ]; then
        "$B/tests/tools/scanpairs" testssl "$dir/ts.json" >"$dir/p_ts" 2>/dev/null || true
        same_ts=$(cmp -s "$dir/p_tl" "$dir/p_ts" && echo identical || echo DIFFERENT)
    fi
    local floor nfloor
    floor=$(awk -v p="$probes" -v c="$cost" 'BEGIN {printf "%.1f", p * c}')
    rm -f "$dir/dump.txt"
    TLSCOPE_SCAN_DUMP="$dir/dump.txt" "$BIN" --scan --json "127.0.0.1:$port" >/dev/null
    : >"$dir/replay.txt"
    if [ -s "$dir/dump.txt" ]; then
        "$B/bench/replay" 127.0.0.1 "$port" "$dir/dump.txt" 3 >"$dir/replay.txt" || true
    fi
    nfloor=$(awk '/^sequential total:/ {print $3}' "$dir/replay.txt")
    printf '  %-22s %8s ms  %5s connections\n' "tlscope --scan" "$m_tl" "$c_tl (own count $c_tl_own)"
    [ "$m_tu" != - ] && printf '  %-22s %8s ms  (min %s, max %s)\n' "  no SSL_CERT_FILE" "$m_tu" \
        "$(sort -n "$dir/t_tu" | head -1)" "$(sort -n "$dir/t_tu" | tail -1)"
    printf '  %-22s %8s ms  %5s connections\n' "sslscan" "$m_ss" "$c_ss"
    printf '  %-22s %8s ms  %5s connections\n' "testssl.sh -E" "$m_ts" "$c_ts"
    echo "  accepted pairs: tlscope $(wc -l <"$dir/p_tl"), sslscan $(wc -l <"$dir/p_ss") ($same_ss)," \
        "testssl $([ -s "$dir/p_ts" ] 2>/dev/null && wc -l <"$dir/p_ts" || echo -) ($same_ts)"
    awk -v tl="$m_tl" -v ss="$m_ss" -v ts="$m_ts" -v fl="$floor" -v p="$probes" -v c="$cost" \
        -v nf="$nfloor" -v tu="$m_tu" 'BEGIN {
        printf "  sslscan / tlscope: %.1fx (target >= 10)\n", ss / tl
        if (tu != "-")
            printf "  without SSL_CERT_FILE: sslscan / tlscope %.1fx, tlscope / floor %.2f\n", ss / tu,
                (nf + 0 > 0) ? tu / nf : 0
        if (ts != "-") printf "  testssl -E / tlscope: %.0fx (target >= 500)\n", ts / tl
        printf "  old floor: %d probes x %.3f ms (a TLS 1.3 ECDSA probe) = %.1f ms; tlscope / old floor: %.2f\n",
            p, c, fl, tl / fl
        if (nf + 0 > 0)
            printf "  new floor: the scan'"'"'s own %d probes one at a time = %.1f ms; tlscope / floor: %.2f (target <= 2)\n",
                p, nf, tl / nf
        else
            print "  new floor: no probe dump (a tlscope without TLSCOPE_SCAN_DUMP)"
    }'
    # the CPU budget: what one scan costs the client and the server in CPU; both share this
    # machine's cores, so no schedule can finish a scan in less than their sum / cores
    local k=10 hz c0 c1 s0 s1 cpu_tl cpu_srv
    hz=$(getconf CLK_TCK)
    # shellcheck disable=SC2086 # a list of PIDs, split on purpose
    s0=$(ticks_of $spids)
    c0=$(awk '{print $16 + $17}' /proc/$$/stat)
    for i in $(seq 1 $k); do
        "$BIN" --scan --json "127.0.0.1:$port" >/dev/null || true
    done
    # shellcheck disable=SC2086
    s1=$(ticks_of $spids)
    c1=$(awk '{print $16 + $17}' /proc/$$/stat)
    cpu_tl=$(awk -v a="$c0" -v b="$c1" -v k=$k -v hz="$hz" 'BEGIN {printf "%.1f", (b - a) * 1000 / hz / k}')
    cpu_srv=$(awk -v a="$s0" -v b="$s1" -v k=$k -v hz="$hz" 'BEGIN {printf "%.1f", (b - a) * 1000 / hz / k}')
    awk -v tl="$m_tl" -v ss="$m_ss" -v c="$cpu_tl" -v sv="$cpu_srv" -v n="$(nproc)" \
        -v out="$(median <"$dir/o_tl")" 'BEGIN {
        printf "  outside the scan (start-up, trust store, rendering, exit): median %.1f ms of %d\n", out, tl
        printf "  CPU per scan (%d scans): tlscope %.1f ms, the server %.1f ms; on %d cores no schedule beats\n", 10, c, sv, n
        printf "    (tlscope + server) / cores = %.1f ms; sslscan / that = %.1fx (the most any client of this\n", (c + sv) / n, ss / ((c + sv) / n)
        printf "    CPU cost could reach here)\n"
    }'
    echo "  the replay (TLS <= 1.2 probes a server accepts cost it a signature, + a DHE key for DHE"
    echo "  suites, so they cost more than the TLS 1.3 ECDSA probe the old floor used):"
    sed 's/^/    /' "$dir/replay.txt"
}

busy_check
echo "runs: $RUNS interleaved (tlscope, sslscan), $TRUNS of testssl -E; medians"
port=$((20000 + RANDOM % 30000))
start_server "$port" "$dir/leaf.crt" "$dir/leaf.key" "$dir/inter.crt" -quiet \
    -cipher 'ALL:@SECLEVEL=0' -min_protocol TLSv1 -dcert "$dir/ec_leaf.crt" -dkey "$dir/ec_leaf.key"
bench_server "openssl s_server (one process)" "$port" "${pids[0]}"
if command -v nginx >/dev/null; then
    nport=$((port + 1))
    mkdir -p "$dir/nginx/logs"
    cat >"$dir/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$nport ssl;
        ssl_certificate $dir/leaf.crt;
        ssl_certificate_key $dir/leaf.key;
        ssl_certificate $dir/ec_leaf.crt;
        ssl_certificate_key $dir/ec_leaf.key;
        ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
        ssl_ciphers ALL:@SECLEVEL=0;
        ssl_conf_command MinProtocol TLSv1;
    }
}
NGINX
    nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g 'daemon off;' >/dev/null 2>&1 &
    pids+=($!)
    i=0
    while ! (exec 3<>"/dev/tcp/127.0.0.1/$nport") 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "bench/scan.sh: nginx did not start on port $nport:" \
            "$(tail -3 "$dir/nginx/logs/error.log" 2>/dev/null)" >&2; exit 1; }
        sleep 0.05
    done
    nginx_pid=${pids[${#pids[@]} - 1]}
    bench_server "nginx $(nginx -v 2>&1 | sed 's/.*\///') (2 workers)" "$nport" \
        "$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"
else
    echo
    echo "nginx is not installed (apt-get install nginx-light): only s_server was measured"
fi
