#!/usr/bin/env bash
# run-demo.sh - show what a connected UDP socket hears about ICMP errors.
#
# Run as root on a Debian machine:   sudo docs/demo/run-demo.sh
#
# Builds a private three-namespace topology
#
#     client 198.18.1.2 --veth-- 198.18.1.1 router 198.18.2.1 --veth-- 198.18.2.2 server
#
# (namespaces tcapdemo-<pid>-{client,router,server}; ip_forward=1 on the router
# only; every address is in the benchmarking range 198.18.0.0/15; the client and
# the server only have a route to each other's /24 through the router, there is
# no default route anywhere and no link to the root namespace), compiles
# docs/demo/connected_udp.c with gcc and runs, inside the client namespace:
#
#   (a) connected socket -> closed port on the server, TTL 64  => ECONNREFUSED
#   (b) connected socket, TTL 1: the router answers ICMP Time Exceeded (tcpdump
#       in the client namespace shows it) but the socket reports nothing
#   (c) as (b) with IP_RECVERR: the error queue holds EHOSTUNREACH whose
#       offender is the router's address
#   (d) as (a) but NOT connected (sendto): nothing is reported either
#   (j) (a) and (b) again from Java (docs/demo/ConnectedUdpDemo.java), if a JDK
#       is installed; Java cannot set a unicast TTL, so for (b) the client
#       namespace's net.ipv4.ip_default_ttl is set to 1 for that one run
#
# and prints a short transcript. Every namespace it made is deleted on exit,
# also on failure or Ctrl-C. Nothing runs in the root namespace except
# creating/deleting the namespaces and compiling the C file.
#
# Environment: PORT=N (default 33434) closed UDP port used on the server.

set -Eeuo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT=${PORT:-33434}
PFX="tcapdemo-$$-"
NS_C="${PFX}client"
NS_R="${PFX}router"
NS_S="${PFX}server"
C_ADDR=198.18.1.2
R_ADDR_C=198.18.1.1
R_ADDR_S=198.18.2.1
S_ADDR=198.18.2.2
TMP=""
TCPDUMP_PID=""

log() { printf '%s\n' "$*"; }
die() { printf 'run-demo: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces)"

# ---------------------------------------------------------------- tools ---
need_pkgs=()
need() { command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2"); }
need ip      iproute2
need tcpdump tcpdump
need gcc     gcc
need ping    iputils-ping
need sysctl  procps
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing: ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q "${need_pkgs[@]}" >/dev/null
fi

# ------------------------------------------------------------- cleanup ---
cleanup() {
    local ns
    if [ -n "$TCPDUMP_PID" ]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
        wait "$TCPDUMP_PID" 2>/dev/null || true
    fi
    for ns in "$NS_C" "$NS_R" "$NS_S"; do
        if ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$ns"; then
            ip netns delete "$ns" 2>/dev/null || true
        fi
    done
    [ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TMP=$(mktemp -d /tmp/tcapdemo.XXXXXX)

# ------------------------------------------------------------ topology ---
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

for ns in "$NS_C" "$NS_R" "$NS_S"; do
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
done
# veth pairs are created directly inside the namespaces (never in the root one)
ip link add c0 netns "$NS_C" type veth peer name rc netns "$NS_R"
ip link add s0 netns "$NS_S" type veth peer name rs netns "$NS_R"

in_ns "$NS_C" ip addr add "$C_ADDR/24" dev c0
in_ns "$NS_R" ip addr add "$R_ADDR_C/24" dev rc
in_ns "$NS_R" ip addr add "$R_ADDR_S/24" dev rs
in_ns "$NS_S" ip addr add "$S_ADDR/24" dev s0
in_ns "$NS_C" ip link set c0 up
in_ns "$NS_R" ip link set rc up
in_ns "$NS_R" ip link set rs up
in_ns "$NS_S" ip link set s0 up
in_ns "$NS_C" ip route add 198.18.2.0/24 via "$R_ADDR_C"
in_ns "$NS_S" ip route add 198.18.1.0/24 via "$R_ADDR_S"

in_ns "$NS_C" sysctl -qw net.ipv4.ip_forward=0
in_ns "$NS_S" sysctl -qw net.ipv4.ip_forward=0
in_ns "$NS_R" sysctl -qw net.ipv4.ip_forward=1
# no ICMP rate limiting on the two hosts that send the ICMP errors
in_ns "$NS_R" sysctl -qw net.ipv4.icmp_ratelimit=0
in_ns "$NS_S" sysctl -qw net.ipv4.icmp_ratelimit=0

# wait until the client can reach the server through the router (ARP, DAD...)
for _ in $(seq 1 50); do
    in_ns "$NS_C" ping -c1 -W1 -q "$S_ADDR" >/dev/null 2>&1 && break
    sleep 0.1
done

# ---------------------------------------------------------------- build ---
gcc -Wall -Wextra -O2 -o "$TMP/connected_udp" "$HERE/connected_udp.c"
PROG="$TMP/connected_udp"

run() {   # run ARGS...: the C demo inside the client namespace, echoed with its output
    printf '   $ connected_udp %s\n' "$*"
    printf '   %s\n' "$(in_ns "$NS_C" "$PROG" "$@")"
}

start_tcpdump() {
    : >"$TMP/tcpdump.out"
    : >"$TMP/tcpdump.err"
    ip netns exec "$NS_C" tcpdump -i c0 -n -l --immediate-mode icmp \
        >"$TMP/tcpdump.out" 2>"$TMP/tcpdump.err" &
    TCPDUMP_PID=$!
    for _ in $(seq 1 50); do
        grep -q 'listening on' "$TMP/tcpdump.err" && return 0
        sleep 0.1
    done
    die "tcpdump did not start: $(cat "$TMP/tcpdump.err")"
}

stop_tcpdump() {
    sleep 0.3
    kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    wait "$TCPDUMP_PID" 2>/dev/null || true
    TCPDUMP_PID=""
    sed -n 's/^[0-9:.]* /   tcpdump: /p' "$TMP/tcpdump.out"
}

# ------------------------------------------------------------ transcript ---
log "== kernel $(uname -r); topology: $NS_C $C_ADDR -> $NS_R $R_ADDR_C|$R_ADDR_S -> $NS_S $S_ADDR"
log "== nothing listens on UDP $S_ADDR:$PORT"
log ""
log "(a) connected UDP socket, closed port, TTL 64"
start_tcpdump
run "$S_ADDR" "$PORT" 64
stop_tcpdump
log ""
log "(b) connected UDP socket, TTL 1 (the router must answer Time Exceeded)"
start_tcpdump
run "$S_ADDR" "$PORT" 1
stop_tcpdump
log ""
log "(c) same as (b) with IP_RECVERR, reading the error queue (MSG_ERRQUEUE)"
start_tcpdump
run "$S_ADDR" "$PORT" 1 --recverr
stop_tcpdump
log ""
log "(d) UNconnected UDP socket (sendto), closed port, TTL 64, no IP_RECVERR"
start_tcpdump
run "$S_ADDR" "$PORT" 64 --unconnected
stop_tcpdump

if command -v java >/dev/null 2>&1; then
    JAVA_SRC="$HERE/ConnectedUdpDemo.java"
    log ""
    log "(j) the same from Java: DatagramChannel.connect(), write(), Selector, read()"
    log "    (Java cannot set a unicast TTL: the client namespace's net.ipv4.ip_default_ttl is set instead)"
    for ttl in 64 1; do
        in_ns "$NS_C" sysctl -qw net.ipv4.ip_default_ttl="$ttl"
        start_tcpdump
        printf '   $ java ConnectedUdpDemo.java %s %s %s    # ip_default_ttl=%s\n' "$S_ADDR" "$PORT" "$ttl" "$ttl"
        printf '   %s\n' "$(in_ns "$NS_C" java "$JAVA_SRC" "$S_ADDR" "$PORT" "$ttl")"
        stop_tcpdump
    done
    in_ns "$NS_C" sysctl -qw net.ipv4.ip_default_ttl=64
else
    log ""
    log "(j) skipped: no java on PATH"
fi
log ""
log "== done; namespaces ${PFX}* are deleted on exit"
