#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# weft-dpctl against the real module: every command, its output in
# ovs-dpctl's layout, --format json, the errors (kernel extack messages and
# bad flow strings), flows counting real packets, and case d of issue 3:
# misses reach a registered listener (weft-upcall-listen) with the right
# key, and execute re-injects them.
#
#   db1 ---veth--- db0 [port 1   dp dp0   port 2] dbi0 (internal)
#                        port 0: dp0 (internal)
#   dp dp1: a second datapath (system@dp1), for the "[DP] left out" rules
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KO=${WEFT_KO:-$TOP/weft.ko}
[ -f "$KO" ] || KO=$TOP/kmod/weft.ko
DPCTL=$TOP/build/weft-dpctl
LISTEN=$TOP/build/tests/tools/weft-upcall-listen
TMP=$(mktemp -d)
CASE=setup
FAILS=0

log() { echo "[$(date +%T)] $CASE: $*"; }
fail() { echo "FAIL: $CASE: $*" >&2; FAILS=$((FAILS + 1)); }
# ok CMD...: must succeed; prints its output.
ok() {
	local out
	out=$("$@" 2>&1) || { fail "'$*' failed: $out"; return 1; }
	[ -z "$out" ] || echo "$out"
}
# refused PATTERN CMD...: must exit 1 with output matching PATTERN.
refused() {
	local pat=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		fail "'$*' succeeded, expected /$pat/"
	elif [ $rc != 1 ]; then
		fail "'$*' exited $rc, expected 1: $out"
	elif ! grep -qE -- "$pat" <<<"$out"; then
		fail "'$*': '$out' does not match /$pat/"
	else
		log "refused as expected: $out"
	fi
}
# matches PATTERN TEXT
matches() {
	grep -qE -- "$1" <<<"$2" || fail "expected /$1/ in:
$2"
}
json_ok() {
	python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$1" ||
		fail "not JSON: $1"
}

# A frame out of $1 (AF_PACKET), $3 times: $2 is "udp" or "syn".
send_frames() {
	python3 - "$1" "$2" "${3:-1}" <<'EOF'
import socket, struct, sys

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

dev, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
src, dst = bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2])
if kind == 'syn':
    l4 = struct.pack('!HHIIBBHHH', 40000, 80, 1, 0, 5 << 4, 0x02, 8192, 0, 0)
    proto = 6
else:
    l4 = struct.pack('!HHHH', 5353, 53, 8 + 4, 0) + b'weft'
    proto = 17
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0,
                 src, dst)
ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
frame = (bytes.fromhex('020000000002' '020000000001' '0800') + ip + l4)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
for _ in range(n):
    s.send(frame)
EOF
}

wait_listening() {
	local i
	# The caller removed rx.ready before starting the counter: one left
	# from an earlier case would let frames go out before it listens.
	for ((i = 0; i < 300; i++)); do
		[ -e "$TMP/rx.ready" ] && return 0
		sleep 0.1
	done
	fail "the frame counter did not start"
}

# count_frames IFACE EXPECT: prints how many frames from 02:00:00:00:00:01
# IFACE receives: it listens until EXPECT have come and one more second
# (so that extra frames are counted too), or 30 s. Creates $TMP/rx.ready
# once it is listening (python takes seconds to start on a loaded TCG
# guest: wait_listening). A fixed window was too short on a loaded host.
count_frames() {
	python3 - "$1" "$2" "$TMP/rx.ready" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
open(sys.argv[3], 'w').close()
expect = int(sys.argv[2])
end = time.time() + 30
n = 0
while True:
    left = end - time.time()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        f = s.recv(4096)
    except socket.timeout:
        break
    if f[6:12] == bytes.fromhex('020000000001'):
        n += 1
        if n == expect:
            end = min(end, time.time() + 1)
print(n)
EOF
}

case_setup() {
	CASE=setup
	[ -x "$DPCTL" ] || { fail "no $DPCTL (make)"; exit 1; }
	modprobe veth
	lsmod | grep -q '^weft ' && rmmod weft
	refused 'weft.ko is not loaded' "$DPCTL" show
	insmod "$KO" || { fail "insmod $KO"; exit 1; }
	ip link add db0 type veth peer name db1
	ip link set db0 up
	ip link set db1 up
	sysctl -qw net.ipv6.conf.db1.disable_ipv6=1
	sysctl -qw net.ipv6.conf.db0.disable_ipv6=1
}

case_datapaths() {
	CASE=datapaths
	local out
	refused 'no datapaths exist' "$DPCTL" dump-flows
	ok "$DPCTL" add-dp dp0
	ok "$DPCTL" add-dp system@dp1
	refused 'dp0: .*File exists' "$DPCTL" add-dp dp0
	refused 'weft has only kernel datapaths' "$DPCTL" add-dp netdev@dp2
	refused 'too long' "$DPCTL" add-dp 0123456789abcdefg
	out=$("$DPCTL" dump-dps)
	[ "$out" = "system@dp0
system@dp1" ] || fail "dump-dps: $out"
	out=$("$DPCTL" dump-dps --format json)
	json_ok "$out"
	matches '"name": ?"dp0"' "$out"
	refused 'multiple datapaths, specify one' "$DPCTL" dump-flows
	refused 'opening datapath nosuch' "$DPCTL" show nosuch
	ok "$DPCTL" del-dp system@dp1
	refused 'dp1' "$DPCTL" del-dp dp1
}

case_ports() {
	CASE=ports
	local out
	ok "$DPCTL" add-if dp0 db0
	ok "$DPCTL" add-if dp0 dbi0,type=internal,port_no=2
	ip link set dbi0 up
	sysctl -qw net.ipv6.conf.dbi0.disable_ipv6=1 2>/dev/null
	refused 'nosuchdev' "$DPCTL" add-if dp0 nosuchdev
	refused 'option "remote_ip" is not supported' \
		"$DPCTL" add-if dp0 x0,remote_ip=1.2.3.4
	refused 'unknown port type' "$DPCTL" add-if dp0 x0,type=bogus
	ok "$DPCTL" set-if dp0 dbi0,type=internal
	refused "can't change type" "$DPCTL" set-if dp0 dbi0,type=netdev
	refused "can't change port number" "$DPCTL" set-if dp0 db0,port_no=9
	out=$("$DPCTL" show dp0)
	log "show:
$out"
	matches '^system@dp0:$' "$out"
	matches '^  lookups: hit:[0-9]+ missed:[0-9]+ lost:[0-9]+$' "$out"
	matches '^  flows: 0$' "$out"
	matches '^  masks: hit:[0-9]+ total:[0-9]+ hit/pkt:[0-9]+\.[0-9][0-9]$' "$out"
	matches '^  port 0: dp0 \(internal\)$' "$out"
	matches '^  port 1: db0$' "$out"
	matches '^  port 2: dbi0 \(internal\)$' "$out"
	out=$("$DPCTL" show -s)
	matches '^    RX packets:[0-9]+ errors:[0-9]+ dropped:[0-9]+ overruns:\? frame:\?$' "$out"
	matches '^    RX bytes:[0-9]+.*  TX bytes:[0-9]+' "$out"
	out=$("$DPCTL" -j show -s)
	json_ok "$out"
	python3 - "$out" <<'EOF' || fail "show JSON shape: $out"
import json, sys
d = json.loads(sys.argv[1])[0]
assert d['name'] == 'dp0'
assert set(d['lookups']) == {'hit', 'missed', 'lost'}
ports = {p['port_no']: p for p in d['ports']}
assert ports[0]['type'] == 'internal' and ports[1]['type'] == 'netdev'
assert ports[2]['name'] == 'dbi0'
assert 'rx_packets' in ports[1]['stats']
EOF
	refused 'option -m does not apply to show' "$DPCTL" show -m
	refused 'unknown command "dump-flow"' "$DPCTL" dump-flow
}

FLOW='in_port(1),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.9.0.1,dst=10.9.0.0/255.255.255.0,proto=17,frag=no)'

case_flows() {
	CASE=flows
	local out ufid
	ok "$DPCTL" add-flow "$FLOW" 2
	refused 'File exists' "$DPCTL" add-flow dp0 "$FLOW" 2
	refused 'add-flow: .*position' "$DPCTL" add-flow "in_port(1),ipv4(srcx=1)" 2
	refused 'add-flow: .*position' "$DPCTL" add-flow "in_port(1)" "2,bogus"
	out=$("$DPCTL" dump-flows)
	log "dump-flows: $out"
	matches '^in_port\(1\),.*eth_type\(0x0800\),ipv4\(.*\), packets:0, bytes:0, used:never, actions:2$' "$out"
	out=$("$DPCTL" dump-flows -m)
	log "dump-flows -m: $out"
	matches '^ufid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}, ' "$out"
	matches 'actions:dbi0$' "$out"
	ufid=$(sed -n 's/^\(ufid:[0-9a-f-]*\),.*/\1/p' <<<"$out")
	out=$("$DPCTL" get-flow "$ufid")
	matches 'packets:0, bytes:0, used:never, actions:2$' "$out"
	out=$("$DPCTL" --format json dump-flows)
	json_ok "$out"
	python3 - "$out" <<'EOF' || fail "dump-flows JSON shape: $out"
import json, sys
f = json.loads(sys.argv[1])[0]
assert f['packets'] == 0 and f['bytes'] == 0 and f['used'] is None
assert f['actions'] == '2' and f['match'].startswith('in_port(1)')
assert len(f['ufid']) == 36
EOF
	# Traffic: 3 UDP frames hit the flow and come out of dbi0.
	rm -f "$TMP/rx.ready"
	count_frames dbi0 3 >"$TMP/rx" &
	wait_listening
	send_frames db1 udp 3
	wait
	[ "$(cat "$TMP/rx")" = 3 ] || fail "dbi0 got $(cat "$TMP/rx") of 3"
	out=$("$DPCTL" dump-flows)
	matches 'packets:3, bytes:[0-9]+, used:[0-9]+\.[0-9]{3}s, actions:2$' "$out"
	out=$("$DPCTL" show)
	matches 'lookups: hit:3 ' "$out"
	# mod-flow: new actions, stats kept; --clear zeroes them.
	ok "$DPCTL" mod-flow "$FLOW" drop
	matches 'packets:3, .*actions:drop$' "$("$DPCTL" dump-flows)"
	ok "$DPCTL" mod-flow --clear dp0 "$FLOW" 2
	matches 'packets:0, bytes:0, used:never, actions:2$' "$("$DPCTL" dump-flows)"
	refused 'No such file|not found|ENOENT|No such' \
		"$DPCTL" mod-flow "in_port(2),eth_type(0x0806)" 1
	ok "$DPCTL" mod-flow --may-create "in_port(2),eth_type(0x0806)" 1
	# A TCP SYN: flags:S.
	ok "$DPCTL" add-flow "in_port(1),eth_type(0x0800),ipv4(proto=6,frag=no)" 2
	send_frames db1 syn 1
	sleep 0.5
	out=$("$DPCTL" dump-flows 'filter=ipv4(proto=6)')
	log "filtered: $out"
	[ "$(wc -l <<<"$out")" = 1 ] || fail "filter=ipv4(proto=6) gave: $out"
	matches 'packets:1, .*, flags:S, actions:2$' "$out"
	[ "$("$DPCTL" dump-flows | wc -l)" = 3 ] || fail "3 flows expected"
	# del-flow by text, by UFID, then del-flows.
	ok "$DPCTL" del-flow "$FLOW"
	refused 'No such' "$DPCTL" del-flow "$FLOW"
	ufid=$("$DPCTL" dump-flows -m 'filter=eth_type(0x0806)' |
		sed -n 's/^\(ufid:[0-9a-f-]*\),.*/\1/p')
	[ -n "$ufid" ] || fail "no ufid for the arp flow"
	out=$("$DPCTL" del-flow -s "$ufid")
	matches '^packets:0, bytes:0, used:never$' "$out"
	ok "$DPCTL" add-flow "ufid:00000000000000000000000000000042,in_port(2),eth_type(0x86dd)" 1
	matches 'ufid:00000000-0000-0000-0000-000000000042' \
		"$("$DPCTL" get-flow -m ufid:00000000-0000-0000-0000-000000000042)"
	ok "$DPCTL" del-flows
	[ -z "$("$DPCTL" dump-flows)" ] || fail "flows left after del-flows"
	[ "$("$DPCTL" -j dump-flows)" = "[]" ] || fail "empty JSON dump"
}

case_upcalls() {
	CASE=upcalls
	local out
	[ -x "$LISTEN" ] || { fail "no $LISTEN (make)"; return; }
	"$LISTEN" -n 2 -t 20 -x 2 dp0 >"$TMP/up" 2>&1 &
	local pid=$!
	for _ in $(seq 300); do
		grep -q ready "$TMP/up" && break
		sleep 0.1
	done
	rm -f "$TMP/rx.ready"
	count_frames dbi0 2 >"$TMP/rx" &
	wait_listening
	send_frames db1 udp 2
	wait $pid || fail "listener: $(cat "$TMP/up")"
	wait
	out=$(cat "$TMP/up")
	log "listener:
$out"
	[ "$(grep -c '^miss len=' <<<"$out")" = 2 ] || fail "2 misses expected"
	matches 'key=.*in_port\(1\).*eth\(src=02:00:00:00:00:01,dst=02:00:00:00:00:02\).*eth_type\(0x0800\).*ipv4\(src=10\.9\.0\.1,dst=10\.9\.0\.2,proto=17' "$out"
	matches 'udp\(src=5353,dst=53\)' "$out"
	[ "$(grep -c '^executed$' <<<"$out")" = 2 ] || fail "2 executes expected"
	[ "$(cat "$TMP/rx")" = 2 ] ||
		fail "dbi0 got $(cat "$TMP/rx") re-injected of 2; $(ip -s link show dbi0; "$DPCTL" show dp0)"
	matches 'missed:[2-9]' "$("$DPCTL" show dp0)"
}

case_teardown() {
	CASE=teardown
	ok "$DPCTL" del-if dp0 dbi0
	ok "$DPCTL" del-if dp0 1
	refused 'deleting port db0' "$DPCTL" del-if dp0 db0
	[ "$("$DPCTL" show dp0 | grep -c '  port ')" = 1 ] || fail "ports left"
	ok "$DPCTL" del-dp dp0
	[ -z "$("$DPCTL" dump-dps)" ] || fail "datapaths left"
	rmmod weft || fail "rmmod"
}

dmesg -C 2>/dev/null
case_setup
case_datapaths
case_ports
case_flows
case_upcalls
case_teardown
ip link del db0 2>/dev/null
rm -rf "$TMP"
if dmesg | grep -E 'BUG|WARNING|Oops|refcount_t|corruption|unreferenced object'; then
	fail "kernel log"
fi
[ "$FAILS" = 0 ] && echo "PASS: test_dpctl_basic" && exit 0
echo "FAIL: test_dpctl_basic: $FAILS failure(s)"
exit 1
