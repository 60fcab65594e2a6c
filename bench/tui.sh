#!/usr/bin/env bash
# UI figures, measured from outside the program through tmux:
#   - first frame: launch → title line visible (polled every 2 ms);
#   - with --demo: launch → home screen drawn, and launch → the demo lab's entries ready
#     (the home screen's title and no "starting" left on screen);
#   - keypress redraw: send-keys → screen changed, for pane switches and scrolling;
#   - memory: VmRSS / VmHWM of tlscope after showing a 30-certificate chain.
# Targets (issue 4): first frame < 50 ms, RSS < 16 MB, every keypress redrawn within a frame.
# Usage: bench/tui.sh [BUILD/tlscope]
set -euo pipefail
BIN=$(readlink -f "${1:-build/tlscope}")
dir=$(mktemp -d)
sock="tlscope-bench-$$"
pid=""
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# A 30-certificate chain: root → 28 intermediates → leaf (EC keys: fast to make).
cd "$dir"
openssl ecparam -name prime256v1 -genkey -noout -out ca0.key 2>/dev/null
openssl req -x509 -new -key ca0.key -subj "/CN=Bench Root CA" -days 30 -out ca0.crt \
    -addext basicConstraints=critical,CA:true -addext keyUsage=keyCertSign,cRLSign 2>/dev/null
: >chain.pem
for i in $(seq 1 28); do
    p=$((i - 1))
    openssl ecparam -name prime256v1 -genkey -noout -out "ca$i.key" 2>/dev/null
    openssl req -new -key "ca$i.key" -subj "/CN=Bench Intermediate $i" -out "ca$i.csr" 2>/dev/null
    printf 'basicConstraints=critical,CA:true\nkeyUsage=keyCertSign,cRLSign\n' >ext.cnf
    openssl x509 -req -in "ca$i.csr" -CA "ca$p.crt" -CAkey "ca$p.key" -CAcreateserial \
        -days 30 -extfile ext.cnf -out "ca$i.crt" 2>/dev/null
    cat "ca$i.crt" chain.pem >chain.tmp && mv chain.tmp chain.pem
done
openssl ecparam -name prime256v1 -genkey -noout -out leaf.key 2>/dev/null
openssl req -new -key leaf.key -subj "/CN=localhost" -out leaf.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >leaf.cnf
openssl x509 -req -in leaf.csr -CA ca28.crt -CAkey ca28.key -CAcreateserial -days 30 \
    -extfile leaf.cnf -out leaf.crt 2>/dev/null
cd - >/dev/null

port=$((20000 + RANDOM % 30000))
openssl s_server -accept "127.0.0.1:$port" -cert "$dir/leaf.crt" -key "$dir/leaf.key" \
    -cert_chain "$dir/chain.pem" -quiet -naccept 100 </dev/null >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

now_us() { echo $(( $(date +%s%N) / 1000 )); }
screen() { tmux -L "$sock" capture-pane -p -t 0 2>/dev/null || true; }
wait_for() { # needle timeout_ms → prints elapsed µs from $2 start, or -1
    local needle=$1 t0=$2 limit=$3
    while :; do
        if screen | grep -qF -- "$needle"; then echo $(( $(now_us) - t0 )); return; fi
        [ $(( $(now_us) - t0 )) -gt $(( limit * 1000 )) ] && { echo -1; return; }
        sleep 0.002
    done
}
wait_change() { # before-text t0 limit_ms
    local before=$1 t0=$2 limit=$3
    while :; do
        [ "$(screen)" != "$before" ] && { echo $(( $(now_us) - t0 )); return; }
        [ $(( $(now_us) - t0 )) -gt $(( limit * 1000 )) ] && { echo -1; return; }
        sleep 0.002
    done
}

envs="env -i PATH=$PATH TERM=xterm-256color LANG=C.UTF-8 TZ=UTC HOME=$dir"
# First frame: median of 5 launches of the home screen.
frames=()
for _ in 1 2 3 4 5; do
    tmux -L "$sock" kill-server 2>/dev/null || true
    t0=$(now_us)
    tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 "$envs $BIN; sleep 5"
    frames+=("$(wait_for "tlscope" "$t0" 2000)")
done
tmux -L "$sock" kill-server 2>/dev/null || true
first=$(printf '%s\n' "${frames[@]}" | sort -n | sed -n 3p)

# With --demo: the home screen, then the lab ready (median of 5 launches each).
demo_times() { # t0 limit_ms → "home_us ready_us" from one screen poll loop (-1: timeout)
    local t0=$1 limit=$2 s home=-1 now
    while :; do
        s=$(screen)
        now=$(now_us)
        if grep -qF "TLS connection explorer" <<<"$s"; then
            [ "$home" = -1 ] && home=$((now - t0))
            if ! grep -q "starting" <<<"$s"; then echo "$home $((now - t0))"; return; fi
        fi
        [ $((now - t0)) -gt $((limit * 1000)) ] && { echo "$home -1"; return; }
        sleep 0.002
    done
}
demo_home=(); demo_ready=()
for _ in 1 2 3 4 5; do
    tmux -L "$sock" kill-server 2>/dev/null || true
    t0=$(now_us)
    tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 "$envs $BIN --demo; sleep 5"
    read -r h r <<<"$(demo_times "$t0" 5000)"
    demo_home+=("$h"); demo_ready+=("$r")
done
tmux -L "$sock" kill-server 2>/dev/null || true
dhome=$(printf '%s\n' "${demo_home[@]}" | sort -n | sed -n 3p)
dready=$(printf '%s\n' "${demo_ready[@]}" | sort -n | sed -n 3p)

# Connect to the 30-certificate chain and walk the panes.
tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 40 \
    "$envs $BIN --cafile $dir/ca0.crt localhost:$port; sleep 5"
t0=$(now_us)
connect=$(wait_for "VERIFIED" "$t0" 10000)
keys=()
for k in 4 2 3 5 6 1 4 j j j k G g; do
    before=$(screen)
    t0=$(now_us)
    tmux -L "$sock" send-keys -t 0 "$k"
    keys+=("$(wait_change "$before" "$t0" 1000)")
done
tpid=$(pgrep -n -f "$BIN --cafile" || true)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$tpid/status" 2>/dev/null || echo 0)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$tpid/status" 2>/dev/null || echo 0)
certs=$(screen | grep -c "Bench Intermediate" || true)

ms() { awk -v u="$1" 'BEGIN { if (u < 0) print "timeout"; else printf "%.1f ms", u / 1000 }'; }
sorted=$(printf '%s\n' "${keys[@]}" | sort -n)
echo "first frame (median of 5):   $(ms "$first")   (target < 50 ms)"
echo "first frame --demo (median):  $(ms "$dhome")   (home screen; the lab starts behind it)"
echo "demo lab ready (median):      $(ms "$dready")"
echo "connect + first result:      $(ms "$connect")"
echo "keypress → redraw (${#keys[@]} keys): median $(ms "$(echo "$sorted" | sed -n 7p)"), max $(ms "$(echo "$sorted" | tail -1)")   (target: within one frame, 16.7 ms)"
echo "RSS after the 30-cert chain: $((rss / 1024)).$(( (rss % 1024) * 10 / 1024 )) MB (peak $((hwm / 1024)).$(( (hwm % 1024) * 10 / 1024 )) MB)   (target < 16 MB)"
echo "intermediates on screen:     $certs"
echo "note: times include tmux's own capture latency (a few ms); they are upper bounds."
