# shellcheck shell=bash
# Shared by the bench scripts (sourced): the busy-machine check, the PKIs, s_server start-up.
# The caller sets $dir (a scratch directory) and an array pids=() that its cleanup kills.

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
