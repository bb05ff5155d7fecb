#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# FLOW_NEW with a packet along (WEFT_F_FLOW_EXECUTE: a miss's flow install
# and its packet in one request, what weftd's handlers send): the module
# installs the flow and runs the frame through its actions; a flow that
# exists (-EEXIST) still runs the frame; a request it refuses runs nothing
# and installs nothing. Then weftd end to end: with the feature its misses
# go as one request each (coverage upcall_put_execute), their keys come
# up and their megaflows go down compact (upcall_key_compact,
# upcall_put_compact: WEFT_F_KEY_COMPACT), with
# other_config:put-execute=false as a put and an execute; both deliver.
# Requests come from helpers/weftnl.py, a raw netlink client; the frames
# are counted by the receiving veth end.
#
#   fxb ══ fxa ─ port 1 [dp fx] port 0 (fx, internal)
#
#   weftd: netns pa: ea 10.5.0.1 ══ pa ─ 1 ┐
#                                          ├ br0 (weft-system)
#          netns pb: eb 10.5.0.2 ══ pb ─ 2 ┘
. "$(dirname "$0")/weftd_lib.sh"

NL="$PY $WEFT_TOP/tests/system/helpers/weftnl.py"
# A 60-byte UDP frame, 02:..:01 -> 02:..:02, 10.9.0.1 -> 10.9.0.2.
FRAME=0200000000020200000000010800450000280001000040115dc00a0900010a090002\
0009000900140000000000000000000000000000

rx() { cat "/sys/class/net/$1/statistics/rx_packets"; }
flows() { $NL dp-get fx | sed -n 's/.* flows:\([0-9]*\).*/\1/p'; }

setup_dp() {
	modprobe veth
	weft_load
	$NL dp-new fx >/dev/null || die "dp-new fx"
	veth_add fxa fxb
	ip link set fxa up
	ip link set fxb up
	$NL vport-new fx netdev fxa 1 >/dev/null || die "vport-new fxa"
}

case_features() {
	local bm
	bm=$($NL features | sed -n 's/bitmap=\(0x[0-9a-f]*\).*/\1/p')
	[ $((bm & (1 << 17))) != 0 ] ||
		fail "WEFT_F_FLOW_EXECUTE not in the feature bitmap $bm"
}

# The flow goes in and the frame out of port 1; then the same flow again:
# -EEXIST, and the frame still goes.
case_new_and_exists() {
	local r0 out
	r0=$(rx fxb)
	assert_ok $NL flow-exec fx 0 "$FRAME" 1 01000000000000000000000000000001
	assert_eq 1 "$(flows)" "flows after FLOW_NEW with a packet"
	assert_eq $((r0 + 1)) "$(rx fxb)" "frames out of port 1"
	out=$($NL flow-exec fx 0 "$FRAME" 1 01000000000000000000000000000001)
	assert_match "$out" "File exists" "the second FLOW_NEW"
	assert_eq 1 "$(flows)" "flows after the second FLOW_NEW"
	assert_eq $((r0 + 2)) "$(rx fxb)" "frames out of port 1 (EEXIST runs it)"
}

# Refused: the packet on FLOW_SET, a packet without its key, a frame
# shorter than Ethernet. Nothing installed, nothing sent.
case_refused() {
	local r0 out
	r0=$(rx fxb)
	out=$($NL flow-exec fx 0 "$FRAME" 1 01000000000000000000000000000001 set)
	assert_match "$out" "only FLOW_NEW executes a packet" "FLOW_SET"
	out=$($NL flow-exec fx 0 "$FRAME" 1 02000000000000000000000000000002 nokey)
	assert_match "$out" "go together" "no PACKET_KEY"
	out=$($NL flow-exec fx 0 020000000002 1 03000000000000000000000000000003)
	assert_match "$out" "out of range|Invalid argument" "a 6-byte frame"
	assert_eq 1 "$(flows)" "flows after refused requests"
	assert_eq "$r0" "$(rx fxb)" "frames out of port 1 after refused requests"
}

# weftd: 50 new flows (one datagram to each of 50 UDP ports) with the
# combined request, then 50 more without it; the sink gets all 100.
send_udp() {
	in_ns pa "$PY" - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
base = int(sys.argv[1])
for p in range(base, base + 50):
    s.sendto(b'x' * 8, ('10.5.0.2', p))
EOF
}

sink_rx() { in_ns pb cat /sys/class/net/eb/statistics/rx_packets; }
sink_has() { [ "$(sink_rx)" -ge "$1" ]; }

coverage() {
	appctl coverage/read-counter "${1:-upcall_put_execute}" 2>/dev/null ||
		echo 0
}

case_weftd() {
	local c0 c1 c2 r0 k0 k1 p0 m0 m1
	host_add pa pa ea 10.5.0.1/24 02:00:00:00:05:01
	host_add pb pb eb 10.5.0.2/24 02:00:00:00:05:02
	in_ns pa ip neigh replace 10.5.0.2 lladdr 02:00:00:00:05:02 dev ea nud permanent
	in_ns pb ip neigh replace 10.5.0.1 lladdr 02:00:00:00:05:01 dev eb nud permanent
	weftd_start || { fail "weftd did not start"; return 1; }
	br_add_ports br0 pa:1 pb:2 || { fail "add-br br0"; return 1; }
	# One rule per destination port: each datagram its own megaflow.
	local p
	for p in $(seq 20000 20049) $(seq 21000 21049); do
		echo "priority=10,udp,tp_dst=$p,actions=output:2"
	done >"$WEFT_RESULTS/rules"
	# Without the bridge's NORMAL rule: the port unreachables pb sends
	# back are dropped, not forwarded (and counted) too.
	ofctl del-flows br0 && ofctl add-flows br0 "$WEFT_RESULTS/rules" ||
		{ fail "add-flows"; return 1; }
	r0=$(sink_rx)
	c0=$(coverage)
	k0=$(coverage upcall_key_compact)
	p0=$(coverage upcall_put_compact)
	m0=$(coverage upcall_miss)
	send_udp 20000
	wait_for 10 sink_has $((r0 + 50))
	c1=$(coverage)
	assert_eq $((c0 + 50)) "$c1" "misses sent as one request each"
	# weft.ko has WEFT_F_KEY_COMPACT: the 50 misses' keys came up
	# compact and their megaflows went down compact (at least: pb's
	# port unreachables miss too, into drop flows, whenever they come).
	k1=$(coverage upcall_key_compact)
	m1=$(coverage upcall_miss)
	[ $((k1 - k0)) -ge 50 ] && [ $((k1 - k0)) -le $((m1 - m0)) ] ||
		fail "misses with a compact key: $((k1 - k0)) of $((m1 - m0))"
	[ $(($(coverage upcall_put_compact) - p0)) -ge 50 ] ||
		fail "fewer than 50 puts went compact"
	vsctl set Open_vSwitch . other_config:put-execute=false ||
		fail "put-execute=false"
	sleep 1
	send_udp 21000
	wait_for 10 sink_has $((r0 + 100))
	c2=$(coverage)
	assert_eq "$c1" "$c2" "combined requests with put-execute=false"
	assert_eq $((r0 + 100)) "$(sink_rx)" "datagrams at the sink"
	assert_eq 0 "$("$DPCTL" show weft-system | sed -n 's/.*lost:\([0-9]*\).*/\1/p')" \
		"upcalls lost"
}

setup_dp
run_case features
run_case new_and_exists
run_case refused
run_case weftd
finish
