#!/usr/bin/env bash
# 100 raw-hello connections (conn_new_hello: a TLS 1.3 ClientHello, stop at the ServerHello)
# through one poll loop with one struct engine, against a local openssl s_server: wall time,
# client CPU per connection (getrusage, user + sys), connections per second. Goal: <= 60 µs of
# client CPU per connection. Run with all 100 in flight at once, and with 32 and 16, each with
# one ppoll() over every descriptor per turn; then 100 in flight waiting with epoll. Each
# figure is the median of ROUNDS rounds in one process (getrusage's accounting is coarse).
#
# The server is a single s_server process: it answers one connection at a time, so the wall
# time is mostly its own (key share, signature); the client CPU is what the scanner pays.
#
# Usage: bench/conns.sh [BUILD/bench/conns] [ROUNDS]
set -eu
export LC_ALL=C
CONNS=${1:-build/bench/conns}
ROUNDS=${2:-9}
B=$(dirname "$(dirname "$CONNS")")
[ -x "$CONNS" ] || make -s "$CONNS" >/dev/null
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
port=$((20000 + RANDOM % 30000))
# an ECDSA leaf: the server's signature is cheap, so the rounds end sooner
start_server "$port" "$dir/leaf_ec.crt" "$dir/leaf_ec.key" "$dir/inter.crt" -quiet

busy_check
for inflight in 100 32 16; do
    echo
    "$CONNS" 127.0.0.1 "$port" 100 "$inflight" "$ROUNDS" ppoll | grep -v '^  round'
done
# the same loop waiting with epoll instead of one ppoll over every descriptor
echo
"$CONNS" 127.0.0.1 "$port" 100 100 "$ROUNDS" epoll | grep -v '^  round'
echo
echo "note: getrusage splits user and sys unreliably on some kernels (gVisor puts all in one);"
echo "the sum is the figure. Syscalls per connection: strace -c -f $CONNS 127.0.0.1 PORT"
