#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 4, revalidation: once a rule change takes a packet's forwarding
# away, no packet gets through on a stale megaflow more than 500 ms after
# the CLI returned (del-flows, mod-flows, a higher-priority drop rule);
# idle megaflows expire (other_config:max-idle=1000: gone within ~2 s of
# the last packet); the flow limit holds (other_config:flow-limit=100 with
# 1,000 flows that each need a megaflow: at most 100 datapath flows, every
# packet still delivered by execute) and lifting it lets the flows in.
#
#   netns va                                            netns vb
#   ea 10.6.0.1 02:00:00:00:06:01 ══ pa ─ ofport 1 ┐
#                                                  ├ br0 (weftd)
#   eb 10.6.0.2 02:00:00:00:06:02 ══ pb ─ ofport 2 ┘
#   static neighbours (no ARP), a UDP sink on 10.6.0.2:9000; the wire
#   times come from tcpdump's kernel timestamps on eb.
#
# Run: scripts/vm-run tests/system/test_weftd_revalidate.sh
. "$(dirname "$0")/weftd_lib.sh"

MA=02:00:00:00:06:01
MB=02:00:00:00:06:02
STALE_MAX=0.5
STALE_WATCH=4

rules() {
	local f=$WEFTD_DIR/rules.$CASE
	grep -v '^[[:space:]]*$' >"$f"
	ofctl del-flows br0 || { fail "weft-ofctl del-flows br0 failed"; return 1; }
	ofctl add-flows br0 "$f" || { fail "weft-ofctl add-flows br0 $f failed"; return 1; }
	assert_eq "$(wc -l <"$f")" "$(rules_count br0)" "rules dumped after add-flows"
}

purge() {
	appctl revalidator/purge >/dev/null || fail "weft-appctl revalidator/purge failed"
	until_deadline 10 dp_flows_none ||
		fail "$(dp_flow_count) datapath flows left after revalidator/purge"
}

setup() {
	modprobe veth
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" tcpdump
	weft_load
	host_add va pa ea 10.6.0.1/24 $MA
	host_add vb pb eb 10.6.0.2/24 $MB
	in_ns va ip neigh replace 10.6.0.2 lladdr $MB dev ea nud permanent
	in_ns vb ip neigh replace 10.6.0.1 lladdr $MA dev eb nud permanent
	weftd_start || die "weftd did not start"
	br_add_ports br0 pa:1 pb:2 || die "add-br br0 failed"
}

# eb's received-packet counter.
eb_rx() { in_ns vb cat /sys/class/net/eb/statistics/rx_packets; }

# stops_within CMD...: a 200 pps stream va -> vb:9000 (for 16 s at most);
# CMD runs once 150 of its packets have reached eb (not after a fixed
# time: a loaded guest starts the stream late), and the stream goes on
# for $STALE_WATCH s after CMD returned (8 times $STALE_MAX: a stale
# megaflow under a steady stream never idles out, so it would show);
# no packet may reach eb more than $STALE_MAX s after CMD returned.
stops_within() {
	local cap=$WEFTD_DIR/stale.$CASE.pcap spid t_cmd0 t_cmd last before after late took rx0 i
	sink_start vb 9000 30 60 || { fail "UDP sink"; return; }
	tcpdump_start vb eb "$cap" udp dst port 9000
	rx0=$(eb_rx)
	# Not through in_ns: $! must be python itself, which the kill below
	# stops (ip netns exec execs it).
	ip netns exec va "$PY" "$TRAFFIC" stream 10.6.0.2 9000 200 16 >/dev/null &
	spid=$!
	for ((i = 0; i < 100; i++)); do
		[ $(($(eb_rx) - rx0)) -ge 150 ] && break
		nap 0.1
	done
	t_cmd0=$(now)
	"$@" || fail "'$*' failed"
	T_CMD=$(now)
	sleep "$STALE_WATCH"
	kill "$spid" 2>/dev/null
	wait "$spid"
	tcpdump_stop
	sink_stop
	save "$cap"
	# The wire times against the command's, in one awk (process starts
	# are what a case costs under TCG): packets before it, after it, more
	# than $STALE_MAX s after it, how long it took, the last one's time.
	read -r before after late took last < <(tcpdump -tt -n -r "$cap" 2>/dev/null |
		awk -v t0="$t_cmd0" -v t="$T_CMD" -v m="$STALE_MAX" '
		{ x = $1; if (x < t0) b++; if (x > t) a++; if (x > t + m) l++; last = x }
		END { printf "%d %d %d %.3f %+.3f\n", b, a, l, t - t0,
			last == "" ? 0 - t : last - t }')
	log "'$*' took ${took}s;" \
		"packets before it: $before, after it: $after," \
		"last one ${last}s after it returned"
	[ "$before" -ge 100 ] || fail "only $before packets reached vb before '$*' (the stream did not flow)"
	[ "$late" = 0 ] ||
		fail "$late packets reached vb more than ${STALE_MAX}s after '$*' returned (last ${last#+}s after): a stale megaflow"
}

case_del_flows() {
	rules <<-EOF || return
	priority=10,udp,in_port=1,actions=output:2
	EOF
	purge
	stops_within ofctl del-flows br0
	dp_flows >"$WEFT_RESULTS/flows.$CASE"
}

case_mod_flows() {
	rules <<-EOF || return
	priority=10,udp,in_port=1,actions=output:2
	EOF
	purge
	stops_within ofctl mod-flows br0 "udp,in_port=1,actions=drop"
	dp_flows >"$WEFT_RESULTS/flows.$CASE"
}

case_add_higher_priority() {
	rules <<-EOF || return
	priority=10,udp,in_port=1,actions=output:2
	EOF
	purge
	stops_within ofctl add-flow br0 "priority=20,udp,in_port=1,tp_dst=9000,actions=drop"
	dp_flows >"$WEFT_RESULTS/flows.$CASE"
}

# ipv4_flow_while PID: PID still runs and an IPv4 datapath flow exists.
ipv4_flow_while() {
	kill -0 "$1" 2>/dev/null && [ "$(dp_flow_count 'eth_type\(0x0800\)')" -ge 1 ]
}

# max-idle=1000: megaflows of a stream are gone within 3 s (1 s idle + a
# revalidation round, with slack for TCG) of its last packet.
case_idle_expiry() {
	local spid t_end t_gone=
	vsctl set Open_vSwitch . other_config:max-idle=1000 || { fail "set max-idle"; return; }
	rules <<-EOF || return
	priority=10,udp,in_port=1,actions=output:2
	EOF
	purge
	sink_start vb 9000 30 60 || { fail "UDP sink"; return; }
	in_ns va "$PY" "$TRAFFIC" stream 10.6.0.2 9000 50 4 >/dev/null &
	spid=$!
	# Not a fixed 2 s: a loaded guest starts python late (seen: no flow
	# yet at 2 s). The stream lasts 4 s once it runs.
	until_deadline 15 ipv4_flow_while "$spid" ||
		fail "no IPv4 datapath flow while the stream runs"
	wait "$spid"
	t_end=$(now)
	if until_deadline 10 dp_flows_none 'eth_type\(0x0800\)'; then
		t_gone=$(awk -v a="$t_end" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
		log "the stream's megaflows were gone ${t_gone}s after its last packet"
		# max-idle plus a 500 ms revalidator period is 1.5 s; the
		# polling weft-dpctl itself takes up to a second or two on a
		# loaded TCG guest (3.2 s seen). Far below the 10 s default.
		awk -v d="$t_gone" 'BEGIN { exit !(d <= 4.5) }' ||
			fail "megaflows idle for 1 s lived ${t_gone}s (max-idle=1000; expected within ~2 s)"
	else
		fail "megaflows still there 10 s after the last packet with max-idle=1000: $(dp_flows | head -n 3)"
	fi
	sink_stop
	vsctl remove Open_vSwitch . other_config max-idle || fail "remove max-idle"
}

# flows_run SECS_GAP: the 1,000 flows (source ports 10000..10999) while a
# sampler records the datapath flow count; prints "delivered max_flows".
flows_run() {
	local gap=$1 mx spid
	sink_start vb 9000 3 120 || { echo "0 0"; return; }
	: >"$WEFTD_DIR/samples"
	# nap, not sleep: a process start every 0.2 s on the guest's one vCPU
	# competes with the traffic being measured.
	( while :; do dp_flow_count 'eth_type\(0x0800\)' >>"$WEFTD_DIR/samples"; nap 0.2; done ) &
	spid=$!
	udp_flows va 10.6.0.2 9000 10000 1000 "$gap"
	sink_wait
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	dp_flow_count 'eth_type\(0x0800\)' >>"$WEFTD_DIR/samples"
	mx=$(sort -n "$WEFTD_DIR/samples" | tail -n 1)
	echo "$SINK_GOT ${mx:-0}"
}

case_flow_limit() {
	local p r res
	rules < <(for ((p = 10000; p < 11000; p++)); do
			echo "priority=10,udp,in_port=1,tp_src=$p,actions=output:2"
		done) || return
	vsctl set Open_vSwitch . other_config:flow-limit=100 || { fail "set flow-limit"; return; }
	purge
	for r in 1 2; do
		res=($(flows_run 0.002))
		log "round $r with flow-limit=100: ${res[0]} of 1000 delivered, at most ${res[1]} IPv4 datapath flows"
		assert_eq 1000 "${res[0]}" "datapath flows over the limit: packets delivered (by execute) in round $r"
		[ "${res[1]}" -le 100 ] ||
			fail "round $r: ${res[1]} datapath flows with flow-limit=100"
		[ "${res[1]}" -ge 1 ] || fail "round $r: no datapath flow at all"
	done
	appctl upcall/show || fail "weft-appctl upcall/show"
	vsctl remove Open_vSwitch . other_config flow-limit || { fail "remove flow-limit"; return; }
	res=($(flows_run 0.002))
	log "without the limit: ${res[0]} delivered, at most ${res[1]} IPv4 datapath flows"
	[ "${res[1]}" -gt 100 ] ||
		fail "without flow-limit only ${res[1]} datapath flows for 1,000 flows that need one each"
}

setup
run_case del_flows
run_case mod_flows
run_case add_higher_priority
run_case idle_expiry
run_case flow_limit
finish
