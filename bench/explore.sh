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

# ---- is the machine quiet? --------------------------------------------------------------------
# A process that eats a core while we time skews the medians; say so before the figures.
busy_check() {
    local cores load
    cores=$(nproc)
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "machine: $cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    # top's second sample covers the last 0.5 s (the first one averages since start-up)
    local hogs
    hogs=$(top -b -n 2 -d 0.5 -w 200 2>/dev/null |
        awk '/^top -/ {n++} n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 >= 20 {printf "  pid %s %s%% %s\n", $1, $9, $12}')
    if [ -n "$hogs" ]; then
        echo "warning: processes using >= 20% of a core right now (figures will be noisy):"
        echo "$hogs"
    elif awk -v l="$load" -v c="$cores" 'BEGIN {exit !(l > c / 2)}'; then
        echo "warning: load average $load on $cores cores: figures will be noisy"
    else
        echo "no process is eating a core"
    fi
}

# ---- PKI: the lab's RSA chain, and an ECDSA chain made here -----------------------------------
"$B/tests/tools/mkpki" "$dir" >/dev/null
ec_pki() {
    local d=$1
    openssl ecparam -name prime256v1 -genkey -noout -out "$d/ec_root.key" 2>/dev/null
    openssl req -x509 -new -key "$d/ec_root.key" -subj "/CN=Bench EC Root" -days 30 \
        -addext basicConstraints=critical,CA:true -addext keyUsage=keyCertSign,cRLSign \
        -out "$d/ec_root.crt" 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -noout -out "$d/ec_inter.key" 2>/dev/null
    openssl req -new -key "$d/ec_inter.key" -subj "/CN=Bench EC Intermediate" \
        -out "$d/ec_inter.csr" 2>/dev/null
    printf 'basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=keyCertSign,cRLSign\n' \
        >"$d/ec_inter.cnf"
    openssl x509 -req -in "$d/ec_inter.csr" -CA "$d/ec_root.crt" -CAkey "$d/ec_root.key" \
        -CAcreateserial -days 30 -extfile "$d/ec_inter.cnf" -out "$d/ec_inter.crt" 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -noout -out "$d/ec_leaf.key" 2>/dev/null
    openssl req -new -key "$d/ec_leaf.key" -subj "/CN=localhost" -out "$d/ec_leaf.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
        >"$d/ec_leaf.cnf"
    openssl x509 -req -in "$d/ec_leaf.csr" -CA "$d/ec_inter.crt" -CAkey "$d/ec_inter.key" \
        -CAcreateserial -days 30 -extfile "$d/ec_leaf.cnf" -out "$d/ec_leaf.crt" 2>/dev/null
}
ec_pki "$dir"

# ---- servers ----------------------------------------------------------------------------------
start_server() { # port leaf key chain extra-args...
    local port=$1 crt=$2 key=$3 chain=$4
    shift 4
    openssl s_server -accept "127.0.0.1:$port" -cert "$crt" -key "$key" -cert_chain "$chain" \
        -naccept 1000000 "$@" </dev/null >/dev/null 2>&1 &
    pids+=($!)
    local i=0
    while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "server on port $port did not start" >&2; exit 1; }
        sleep 0.05
    done
}
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
    local flag=ok
    awk -v r="$ratio" 'BEGIN {exit !(r > 1.10)}' && flag=OVER
    [ "$fails" -gt 0 ] && flag="$flag, $fails runs failed"
    results+=("$(printf '%-10s %-10s %9.2f ms %9.2f ms   %s  %s' "$name" "$host" \
        "$(awk -v u="$mt" 'BEGIN {print u / 1000}')" "$(awk -v u="$mo" 'BEGIN {print u / 1000}')" \
        "$ratio" "$flag")")
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
printf '%-10s %-10s %12s %12s   %s\n' server target "tlscope" "s_client" "ratio (target <= 1.10)"
printf '%s\n' "${results[@]}"
echo "worst ratio: $worst"
