#!/usr/bin/env bash
# make memcheck: valgrind over tlscope as a person and a script use it, against a local
# openssl s_server (lab PKI from build/tests/tools/mkpki), with no network beyond loopback:
#   1. headless: --json, --format text --reconnect, --json --diff of two saved reports,
#      --check-chain --aia (the fetch job against a refused caIssuers URL);
#   2. a UI session driven by tmux (the keys of tests/integration/test_ui*.c): the result,
#      every pane and its detail view, search, help, theme, export, the profile editor and a
#      reconnect with the edited profile, the diff screen, home, quit;
#   3. the --demo lab: start it, connect to its good target, quit.
# Passes when every valgrind log says "ERROR SUMMARY: 0 errors" (definite leaks count as
# errors: --errors-for-leak-kinds=definite) and every run exits as expected. Bounded: each
# wait has a timeout and the whole run stops after MEMCHECK_TIMEOUT seconds (default 900).
# Usage: scripts/memcheck.sh [BUILD_DIR]   (BUILD_DIR holds tlscope and tests/tools/mkpki)
set -euo pipefail
cd "$(dirname "$0")/.."
# In a network namespace of its own (loopback only) where we can: a mistyped key can never
# send a packet anywhere.
if [ -z "${MEMCHECK_NETNS:-}" ] && command -v unshare >/dev/null 2>&1 &&
    command -v ip >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
    exec env MEMCHECK_NETNS=1 unshare -n -- bash -c 'ip link set lo up && exec bash "$0" "$@"' \
        "$0" "$@"
fi
B=${1:-build}
BIN=$(pwd)/$B/tlscope
MKPKI=$B/tests/tools/mkpki
SUPP=$(pwd)/scripts/memcheck.supp
LIMIT=${MEMCHECK_TIMEOUT:-900}
for tool in valgrind tmux openssl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "memcheck: $tool is not installed" >&2; exit 2; }
done
[ -x "$BIN" ] && [ -x "$MKPKI" ] || { echo "memcheck: build $BIN and $MKPKI first" >&2; exit 2; }

start=$(date +%s)
work=$(mktemp -d /tmp/tlscope-memcheck-XXXXXX)
sock="tlscope-memcheck-$$"
server_pid=""
cleanup() {
    tmux -L "$sock" kill-server >/dev/null 2>&1 || true
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ -z "${MEMCHECK_KEEP:-}" ]; then rm -rf "$work"; else echo "memcheck: kept $work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
    echo "memcheck: FAIL: $*" >&2
    exit 1
}
elapsed() { echo $(($(date +%s) - start)); }
over_time() { [ "$(elapsed)" -ge "$LIMIT" ]; }

VG=(valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite
    --errors-for-leak-kinds=definite --track-origins=yes --num-callers=30
    --suppressions="$SUPP")

# ---- the PKI and a server -------------------------------------------------------------------
"$MKPKI" "$work/pki" || fail "mkpki"
port=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
    try=$((20000 + RANDOM % 30000))
    openssl s_server -accept "127.0.0.1:$try" -cert "$work/pki/leaf.crt" -key "$work/pki/leaf.key" \
        -cert_chain "$work/pki/inter.crt" -alpn h2,http/1.1 -quiet -ign_eof \
        </dev/null >/dev/null 2>&1 &
    server_pid=$!
    for _ in $(seq 50); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$try") 2>/dev/null; then port=$try; break; fi
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] && break
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
done
[ -n "$port" ] || fail "openssl s_server did not start"
target="localhost:$port"
ca="$work/pki/root.crt"
mkdir -p "$work/home/.config" "$work/home/.local/state" "$work/logs"
ENV=(env -i PATH="$PATH" HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
     XDG_STATE_HOME="$work/home/.local/state" LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC)

# ---- 1. headless ----------------------------------------------------------------------------
headless() { # expected-status name args...
    local want=$1 name=$2 st=0
    shift 2
    "${ENV[@]}" "${VG[@]}" --log-file="$work/logs/$name.%p.log" "$BIN" "$@" \
        >"$work/$name.out" 2>"$work/$name.err" </dev/null || st=$?
    [ "$st" = "$want" ] || { cat "$work/$name.err" "$work/logs/$name".*.log >&2; fail "$name exited $st, not $want"; }
    echo "memcheck: $name ok ($(elapsed) s)"
}
headless 0 json --json --cafile "$ca" "$target"
headless 0 text --format text --reconnect --alpn h2 --cafile "$ca" "$target"
headless 1 json-unverified --json "$target" # the system store does not know the lab's root
cp "$work/json.out" "$work/a.json"
cp "$work/json-unverified.out" "$work/b.json"
headless 1 diff --json --diff "$work/a.json" "$work/b.json"
# the certificate doctor's fetch job: the leaf alone, its caIssuers URL refused (port 9)
headless 1 check-aia --check-chain "$work/pki/leaf.crt" --aia --revocation --cafile "$ca"
grep -q "Connection refused" "$work/check-aia.out" || fail "check-aia: the refused fetch is not reported"

# ---- 2. the UI, driven by tmux --------------------------------------------------------------
screen() { tmux -L "$sock" capture-pane -p -t 0 2>/dev/null || true; }
keys() { tmux -L "$sock" send-keys -t 0 "$@"; sleep 0.3; }
text() { tmux -L "$sock" send-keys -t 0 -l "$1"; sleep 0.3; }
wait_for() { # needle timeout-seconds
    local end=$(($(date +%s) + $2))
    while [ "$(date +%s)" -lt "$end" ] && ! over_time; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.25
    done
    screen >&2
    fail "the screen never showed '$1' (after $(elapsed) s)"
}
ui_start() { # name cols rows args...
    local name=$1 cols=$2 rows=$3
    shift 3
    local cmd
    cmd="$(printf '%q ' "${ENV[@]}" TERM=tmux-256color "${VG[@]}" --log-file="$work/logs/$name.%p.log" "$BIN" "$@")"
    tmux -L "$sock" kill-server >/dev/null 2>&1 || true
    tmux -L "$sock" new-session -d -x "$cols" -y "$rows" "$cmd; echo \$? >'$work/$name.exit'; sleep 60"
}
ui_end() { # name: waits for the exit status file, checks 0
    local name=$1 end=$(($(date +%s) + 60))
    while [ ! -s "$work/$name.exit" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.25; done
    [ -s "$work/$name.exit" ] || { screen >&2; fail "$name did not exit"; }
    local st
    st=$(cat "$work/$name.exit")
    [ "$st" = 0 ] || { cat "$work/logs/$name".*.log >&2; fail "$name exited $st"; }
    tmux -L "$sock" kill-server >/dev/null 2>&1 || true
    echo "memcheck: $name ok ($(elapsed) s)"
}

wait_gone() { # needle timeout-seconds
    local end=$(($(date +%s) + $2))
    while [ "$(date +%s)" -lt "$end" ] && ! over_time; do
        screen | grep -qF -- "$1" || return 0
        sleep 0.25
    done
    screen >&2
    fail "the screen still showed '$1' (after $(elapsed) s)"
}

ui_start ui 100 32 --profile intermediate --cafile "$ca" "$target"
wait_for "VERIFIED" 90
# every pane; Enter opens the detail view of the selected row where there is one
keys 2
wait_for "[2 Handshake]" 20
keys Enter
wait_for "legacy_version" 20
keys Down
keys Escape # focus back to the list (the decode stays below it)
keys 3
wait_for "chosen" 20
keys 4
wait_for "Sent by the server" 20
keys Enter
wait_for "Extensions (" 20
keys PageDown
keys Escape
wait_for "Sent by the server" 20
keys 5
wait_for "[5 Findings" 20
keys 6
wait_for "[6 Raw]" 20
keys End
keys 4
wait_for "Sent by the server" 20
text "/"
text "Lab"
keys Enter
keys n
keys "?"
wait_for "Keys · Esc closes" 20
keys Escape
wait_gone "Keys · Esc closes" 20
keys t
wait_for "theme:" 20
keys x # export the chain as PEM
wait_for "Export sent chain to:" 20
keys C-u
text "$work/chain.pem"
keys Enter
wait_gone "Export sent chain to:" 20
# the editor: max_protocol (row 7) one step down, then connect with the edited profile
text e
wait_for "edit profile intermediate" 30
keys Home
for _ in 1 2 3 4 5 6 7; do keys Down; done
wait_for "Highest protocol version" 20
keys Left
wait_for "tls1.2" 20
keys End
keys Enter
wait_for "(edited)" 90
wait_for "TLSv1.2" 30
text d
wait_for "Compare" 30
text a
wait_for "(same)" 20
keys Escape
wait_for "[1 Summary]" 20
text r
wait_for "VERIFIED" 90
text h
wait_for "Profiles" 20
keys C-c
ui_end ui
[ -s "$work/chain.pem" ] || fail "the export wrote no $work/chain.pem"

# ---- 3. the demo lab ------------------------------------------------------------------------
ui_start demo 100 40 --demo
wait_for "Demo lab" 120
keys Tab
keys Tab
keys Home
keys Enter
# the connection waits for the lab, whose child makes an RSA key under valgrind
wait_for "VERIFIED" 200
keys 4
keys h
wait_for "Demo lab" 20
keys C-c
ui_end demo

# ---- the logs -------------------------------------------------------------------------------
# One log per process (%p): the demo lab's server child is a fork of tlscope, under valgrind
# too; lab_stop ends it with a signal, and its log still ends with a summary.
bad=0
n=0
for log in "$work"/logs/*.log; do
    n=$((n + 1))
    if ! grep -q "ERROR SUMMARY: 0 errors" "$log"; then
        echo "memcheck: $(basename "$log") does not say 0 errors:" >&2
        cat "$log" >&2
        bad=1
    fi
done
[ "$bad" = 0 ] || fail "valgrind found errors"
echo "memcheck: $n processes under valgrind, 0 errors, 0 definitely lost; $(elapsed) s"
