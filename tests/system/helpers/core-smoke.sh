#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Smoke test of weft.ko's core (datapaths, vports, upcalls, execute, netns
# and module teardown) through raw generic netlink (weftnl.py), without
# weft-dpctl. Run with: scripts/vm-run tests/system/helpers/core-smoke.sh [KO]
#
#   sm1 ---veth--- sm0 [port 1   dp smoke0   port 2] smi0 (internal)
#                        port 0: smoke0 (internal)
#   dp smoke1: a second datapath in the same namespace
#   netns smns: dp smokens + veth smn0, deleted with everything in it
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
KO=${1:-$TOP/weft.ko}
NL="python3 $TOP/tests/system/helpers/weftnl.py"
CASE=setup
FAILS=0

log() { echo "[$(date +%T)] $CASE: $*"; }
fail() { echo "FAIL: $CASE: $*" >&2; FAILS=$((FAILS + 1)); }
# expect_ok CMD...: the command must succeed
expect_ok() { local out; out=$("$@" 2>&1) || fail "'$*' failed: $out"; echo "$out"; }
# expect_err PATTERN CMD...: the command must fail with output matching PATTERN
expect_err() {
	local pat=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "'$*' succeeded, expected $pat"
	elif ! echo "$out" | grep -qE "$pat"; then
		fail "'$*': '$out' does not match '$pat'"
	else
		log "refused as expected: $out"
	fi
}

# A broadcast frame out of $1 (an AF_PACKET socket), $2 times.
send_frames() {
	python3 - "$1" "$2" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = bytes.fromhex('ffffffffffff' '020000000001' '0800' '4500001c00010000401100000a0000010a000002' '00350035000800000000')
for _ in range(int(sys.argv[2])):
    s.send(frame)
EOF
}

case_basics() {
	CASE=basics
	modprobe veth
	dmesg -C
	expect_ok insmod "$KO" || exit 1
	expect_ok $NL features
	expect_ok $NL dp-new smoke0
	expect_ok $NL dp-new smoke1 4242
	expect_err 'File exists: a datapath with this name already exists' $NL dp-new smoke0
	expect_err 'File exists' $NL dp-new lo
	[ "$($NL dp-dump | wc -l)" = 2 ] || fail "dp-dump: $($NL dp-dump)"
	expect_ok $NL dp-set smoke1 pids= features=1
	expect_err 'Invalid argument' $NL dp-set smoke1 features=8
	ip link show smoke0 >/dev/null || fail "no local port netdevice"
	expect_err 'Operation not supported' ip link del smoke0
	expect_err 'Invalid argument' ip link set smoke0 netns 1
}

case_vports() {
	CASE=vports
	ip link add sm0 type veth peer name sm1
	ip link set sm0 up
	ip link set sm1 up
	expect_ok $NL vport-new smoke0 netdev sm0
	expect_ok $NL vport-new smoke0 internal smi0
	ip link set smi0 up
	ip link set smoke0 up
	expect_err 'loopback' $NL vport-new smoke0 netdev lo
	expect_err 'weft internal device' $NL vport-new smoke1 netdev smi0
	expect_err 'rx_handler' $NL vport-new smoke1 netdev sm0
	expect_err 'No such device' $NL vport-new smoke0 netdev nosuchdev
	expect_err 'tunnel vports are not supported yet' $NL vport-new smoke0 geneve gnv0
	expect_err 'port 0 is the datapath' $NL vport-del smoke0 0
	expect_err 'already has a port with this number' $NL vport-new smoke0 internal smi9 1
	expect_err 'not a valid interface name' $NL vport-new smoke0 internal 'bad%d'
	[ "$($NL vport-dump smoke0 | wc -l)" = 3 ] || fail "vport-dump: $($NL vport-dump smoke0)"
	ip -d link show sm0 | grep -q 'promiscuity 1' || fail "sm0 not promiscuous"
	expect_ok $NL vport-get smoke0 smi0
}

case_strict() {
	CASE=strict
	# DP_GET (4) with an attribute of type 30: unknown.
	expect_err 'Unknown attribute type|Invalid argument' $NL raw 4 08001e0001000000
	# DP_NEW (2) with STATS (4), which is reply-only.
	expect_err 'Invalid argument' $NL raw 2 0400040008000100736d0000
	# Unprivileged callers may read but not change.
	if command -v setpriv >/dev/null; then
		expect_err 'Operation not permitted' setpriv --reuid=65534 --regid=65534 \
			--clear-groups --inh-caps=-all --bounding-set=-all -- $NL dp-new nopriv
		expect_ok setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all --bounding-set=-all -- $NL dp-dump
	fi
}

case_upcalls() {
	CASE=upcalls
	local out
	$NL listen smoke0 4 > /tmp/upcalls.txt &
	sleep 1
	send_frames sm1 5
	send_frames smi0 3
	wait
	log "$(head -n 3 /tmp/upcalls.txt)"
	[ "$(grep -c 'cmd=14 in_port=1 len=44' /tmp/upcalls.txt)" -ge 5 ] ||
		fail "expected 5 misses from port 1: $(cat /tmp/upcalls.txt)"
	[ "$(grep -c 'cmd=14 in_port=2 len=44' /tmp/upcalls.txt)" -ge 3 ] ||
		fail "expected 3 misses from port 2: $(cat /tmp/upcalls.txt)"
	out=$($NL dp-get smoke0)
	log "$out"
	echo "$out" | grep -q 'missed:[1-9]' || fail "no misses counted"
	# Nobody listens on smoke0 now? The pid is stale: upcalls are lost.
	send_frames sm1 2
	sleep 0.5
	$NL dp-get smoke0 | grep -q 'lost:[1-9]' || fail "stale pid: no loss counted"
	# A listener that never reads: its socket buffer fills, the rest is lost.
	$NL hold smoke0 20 &
	sleep 2
	send_frames sm1 20000
	out=$($NL dp-get smoke0)
	log "storm: $out"
	echo "$out" | grep -qE 'lost:[0-9]{4,}' || fail "storm: expected thousands lost"
	grep -E 'Slab|MemAvailable' /proc/meminfo
	kill %1 2>/dev/null
	wait
}

case_execute() {
	CASE=execute
	local frame=ffffffffffff02000000000208004500001c00010000401100000a0000010a00000200350035000800000000
	python3 - <<'EOF' > /tmp/exec.txt &
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(('sm1', 0))
s.settimeout(3)
try:
    while True:
        f = s.recv(2048)
        if f[6:12] == bytes.fromhex('020000000002'):
            print('got', len(f))
except socket.timeout:
    pass
EOF
	sleep 1
	expect_ok $NL execute smoke0 0 "$frame" 1
	expect_ok $NL execute smoke0 2 "$frame" 1 1
	expect_err 'out of range' $NL execute smoke0 0 ffff 1
	wait
	[ "$(grep -c 'got' /tmp/exec.txt)" = 3 ] || fail "executed frames on sm1: $(cat /tmp/exec.txt)"
}

case_flows() {
	CASE=flows
	local dpctl=$TOP/build/weft-dpctl out

	[ -x "$dpctl" ] || { log "no weft-dpctl: skipped"; return; }
	# A flow that recirculates into itself: bounded, dropped, logged.
	expect_ok "$dpctl" add-flow smoke0 "in_port(1),eth_type(0x0800),ipv4()" "recirc(0)"
	out=$($NL dp-get smoke0)
	send_frames sm1 3
	sleep 1
	log "$($NL dp-get smoke0)"
	dmesg | grep -q 'recirculation deeper than 8' || fail "recirc loop not bounded/logged"
	"$dpctl" dump-flows smoke0
	"$dpctl" dump-flows smoke0 | grep -q 'packets:27' || fail "expected 3 x 9 passes"
	# Left in place: rmmod must also clean up flows.
	expect_ok "$dpctl" add-flow smoke0 "in_port(2),eth_type(0x0806)" 1
}

case_notifier() {
	CASE=notifier
	ip link del sm0
	$NL vport-dump smoke0 | grep -q sm0 && fail "sm0 still a port after ip link del"
	[ "$($NL vport-dump smoke0 | wc -l)" = 2 ] || fail "vport-dump: $($NL vport-dump smoke0)"
}

case_netns() {
	CASE=netns
	ip netns add smns
	ip -n smns link add smn0 type veth peer name smn1
	ip netns exec smns $NL dp-new smokens >/dev/null || fail "dp-new in netns"
	ip netns exec smns $NL dp-new smoke0 >/dev/null || fail "same name in another netns"
	ip netns exec smns $NL vport-new smokens netdev smn0 >/dev/null || fail "vport in netns"
	ip netns exec smns $NL vport-new smokens internal smni0 >/dev/null || fail "internal in netns"
	[ "$(ip netns exec smns $NL dp-dump | wc -l)" = 2 ] || fail "netns dp-dump"
	[ "$($NL dp-dump | wc -l)" = 2 ] || fail "init netns sees other datapaths"
	ip netns del smns
	sleep 2
}

case_teardown() {
	CASE=teardown
	local i
	expect_ok $NL dp-del smoke1
	expect_err 'No such device' $NL dp-get smoke1
	ip link add sm2 type veth peer name sm3
	expect_ok $NL vport-new smoke0 netdev sm2 >/dev/null
	expect_ok rmmod weft
	ip link show smoke0 2>/dev/null && fail "smoke0 survived rmmod"
	ip -d link show sm2 | grep -q 'promiscuity 0' || fail "sm2 still promiscuous"
	for i in 1 2 3 4 5; do
		insmod "$KO" || fail "insmod $i"
		$NL dp-new "loop$i" >/dev/null || fail "dp-new $i"
		$NL vport-new "loop$i" netdev sm2 >/dev/null || fail "vport-new $i"
		$NL vport-new "loop$i" internal "lint$i" >/dev/null || fail "internal $i"
		rmmod weft || fail "rmmod $i"
	done
}

case_basics
case_vports
case_strict
case_upcalls
case_execute
case_flows
case_notifier
case_netns
case_teardown
sleep 1
if dmesg | grep -E 'BUG|WARNING|Oops|refcount_t|corruption|unreferenced object|general protection|waiting for .* to become free'; then
	fail "kernel log"
fi
echo "core-smoke: $FAILS failure(s)"
[ "$FAILS" = 0 ]
