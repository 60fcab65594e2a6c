#!/bin/sh
# Checks the build dependencies with pkg-config and installs the missing ones with the
# system's package manager when it can (root or sudo); otherwise prints the exact command.
# Usage: scripts/deps.sh [--test]   (--test adds what `make test` needs: cmocka, tmux, openssl,
# and, best effort, the peer tools sslscan and testssl.sh)
set -u

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

missing_pc=""
for pc in openssl yaml-0.1 jansson; do
    pkg-config --exists "$pc" 2>/dev/null || missing_pc="$missing_pc $pc"
done
if ! pkg-config --exists ncursesw 2>/dev/null && ! pkg-config --exists ncurses 2>/dev/null; then
    missing_pc="$missing_pc ncursesw"
fi
[ $want_test = 1 ] && { pkg-config --exists cmocka 2>/dev/null || missing_pc="$missing_pc cmocka"; }

missing_cmd=""
command -v pkg-config >/dev/null 2>&1 || missing_cmd="$missing_cmd pkg-config"
command -v cc >/dev/null 2>&1 || missing_cmd="$missing_cmd cc"
if [ $want_test = 1 ]; then
    for c in openssl tmux; do command -v "$c" >/dev/null 2>&1 || missing_cmd="$missing_cmd $c"; done
fi

# Peer tools the scanner's tests compare with (sslscan, testssl.sh): installed when we can,
# best effort; a test that needs one skips with a message when it is missing.
peer_tools() {
    [ $want_test = 1 ] || return 0
    command -v sslscan >/dev/null 2>&1 && { command -v testssl >/dev/null 2>&1 ||
        command -v testssl.sh >/dev/null 2>&1; } && return 0
    if [ "$(id -u)" = 0 ]; then s=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        s="sudo"; else
        echo "tlscope: sslscan/testssl.sh missing (peer-tool tests will skip); run: sudo apt-get install sslscan testssl.sh" >&2
        return 0
    fi
    if command -v apt-get >/dev/null 2>&1; then
        { DEBIAN_FRONTEND=noninteractive $s apt-get install -y -q --no-install-recommends sslscan testssl.sh >&2 ||
            { DEBIAN_FRONTEND=noninteractive $s apt-get update -q >&2 &&
                DEBIAN_FRONTEND=noninteractive $s apt-get install -y -q --no-install-recommends sslscan testssl.sh >&2; }; } ||
            echo "tlscope: could not install sslscan/testssl.sh; the peer-tool tests will skip" >&2
    elif command -v dnf >/dev/null 2>&1; then
        $s dnf install -y sslscan testssl >&2 ||
            echo "tlscope: could not install sslscan/testssl; the peer-tool tests will skip" >&2
    elif command -v brew >/dev/null 2>&1; then
        brew install sslscan testssl >&2 ||
            echo "tlscope: could not install sslscan/testssl; the peer-tool tests will skip" >&2
    fi
    return 0
}

[ -z "$missing_pc$missing_cmd" ] && { peer_tools; exit 0; }
echo "tlscope: missing build dependencies:$missing_pc$missing_cmd" >&2

# Map what is missing to package names for each package manager.
pkgs_for() { # $1 = apt|dnf|brew
    out=""
    for m in $missing_pc $missing_cmd; do
        case "$1:$m" in
        apt:openssl) out="$out libssl-dev openssl" ;;
        apt:yaml-0.1) out="$out libyaml-dev" ;;
        apt:jansson) out="$out libjansson-dev" ;;
        apt:ncursesw) out="$out libncurses-dev" ;;
        apt:cmocka) out="$out libcmocka-dev" ;;
        apt:pkg-config) out="$out pkg-config" ;;
        apt:cc) out="$out build-essential" ;;
        apt:tmux) out="$out tmux" ;;
        dnf:openssl) out="$out openssl-devel openssl" ;;
        dnf:yaml-0.1) out="$out libyaml-devel" ;;
        dnf:jansson) out="$out jansson-devel" ;;
        dnf:ncursesw) out="$out ncurses-devel" ;;
        dnf:cmocka) out="$out libcmocka-devel" ;;
        dnf:pkg-config) out="$out pkgconf-pkg-config" ;;
        dnf:cc) out="$out gcc make" ;;
        dnf:tmux) out="$out tmux" ;;
        brew:openssl) out="$out openssl@3" ;;
        brew:yaml-0.1) out="$out libyaml" ;;
        brew:ncursesw) out="$out ncurses" ;;
        brew:cc) ;;
        brew:*) out="$out $m" ;;
        esac
    done
    echo "$out" | tr ' ' '\n' | sort -u | tr '\n' ' '
}

sudo=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
fi

if command -v apt-get >/dev/null 2>&1; then
    cmd="apt-get install -y --no-install-recommends $(pkgs_for apt)"
    if [ "$sudo" = none ]; then echo "Run: sudo apt-get update && sudo $cmd" >&2; exit 1; fi
    echo "tlscope: installing with: $sudo $cmd" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q >&2 &&
        DEBIAN_FRONTEND=noninteractive $sudo $cmd >&2 || {
        echo "tlscope: install failed; run: sudo apt-get update && sudo $cmd" >&2; exit 1; }
    peer_tools
elif command -v dnf >/dev/null 2>&1; then
    cmd="dnf install -y $(pkgs_for dnf)"
    if [ "$sudo" = none ]; then echo "Run: sudo $cmd" >&2; exit 1; fi
    $sudo $cmd >&2 || { echo "tlscope: install failed; run: sudo $cmd" >&2; exit 1; }
elif command -v brew >/dev/null 2>&1; then
    cmd="brew install $(pkgs_for brew)"
    echo "tlscope: installing with: $cmd" >&2
    $cmd >&2 || { echo "tlscope: install failed; run: $cmd" >&2; exit 1; }
else
    echo "tlscope: no known package manager; install:$missing_pc$missing_cmd (development packages)" >&2
    exit 1
fi
exit 0
