#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 4, restart: weftd killed with SIGKILL in the middle of a TCP
# transfer. The transfer completes (the datapath keeps forwarding on the
# flows it has); the datapath flows are not flushed, neither by the crash
# nor by the next start; weftd started again on the same conf.json comes
# back with the same configuration (weft-vsctl show, ofports, conf.json
# untouched), adopts the datapath and revalidates its flows: a flow it
# would not have installed (added with weft-dpctl while weftd was down,
# with wrong actions) is deleted or corrected, and one that is still right
# stays (an ARP broadcast's flood flow: NORMAL floods it whatever the MAC
# table, which a restart empties, holds). other_config:max-idle=60000, so
# that no flow expires on its own during the test.
#
#   netns ra                                           netns rb
#   ea 10.5.0.1 02:00:00:00:05:01 ══ pa ─ ofport 1 ┐
#                                                  ├ br0 (weftd, NORMAL)
#   eb 10.5.0.2 02:00:00:00:05:02 ══ pb ─ ofport 2 ┘
#
# Run: scripts/vm-run tests/system/test_weftd_restart.sh
. "$(dirname "$0")/weftd_lib.sh"

MA=02:00:00:00:05:01
MB=02:00:00:00:05:02
IPERF_PID=
SHOW_BEFORE=
CONF_BEFORE=$WEFTD_DIR/conf.before
UFIDS_BEFORE=$WEFTD_DIR/ufids.before

# ufids: the UFIDs of every datapath flow, sorted.
ufids() {
	dp_flows | grep -oE 'ufid:[0-9a-f-]+' | sort
}

# bcast_ufid: the UFID of the flow of na's ARP broadcasts.
bcast_ufid() {
	dp_flows | grep -F "eth(src=$MA,dst=ff:ff:ff:ff:ff:ff)" |
		grep -F 'eth_type(0x0806)' | grep -oE 'ufid:[0-9a-f-]+' | head -n 1
}

dp_port_of() {
	"$DPCTL" show | sed -n "s/^ *port \([0-9]*\): $1\( .*\)\?$/\1/p" | head -n 1
}

setup() {
	modprobe veth
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" iperf3
	weft_load
	host_add ra pa ea 10.5.0.1/24 $MA
	host_add rb pb eb 10.5.0.2/24 $MB
	weftd_start || die "weftd did not start"
	br_add_ports br0 pa:1 pb:2 || die "add-br br0 failed"
	vsctl set Port pa other_config:note=kept -- \
		br-set-external-id br0 owner test_weftd_restart -- \
		set Open_vSwitch . other_config:max-idle=60000 || die "vsctl set"
	if ! wait_for 10 has_default_normal br0; then
		fail "no default NORMAL rule on br0 (weftd); adding it by hand"
		ofctl add-flow br0 "priority=0,actions=normal" || die "add-flow normal"
	fi
	ping_ok ra 10.5.0.2 3 || die "no ping through br0 before the test"
}

# SIGKILL early in a 15 s transfer; nothing restarts weftd until it ends.
case_kill_during_transfer() {
	local json=$WEFT_RESULTS/iperf3.kill.json t0 spid rc sent after
	SHOW_BEFORE=$(vsctl show)
	cp "$WEFTD_CONF" "$CONF_BEFORE"
	# An ARP broadcast from na (for an address nobody has): its flood
	# flow stays valid across the restart. Made before the transfer so
	# that the kill comes early in it however slow the guest is.
	in_ns ra ping -q -c 1 -W 1 10.5.0.9 >/dev/null 2>&1
	until_deadline 10 eval 'bcast_ufid | grep -q .' ||
		fail "no datapath flow for na's ARP broadcast"
	bcast_ufid >"$WEFTD_DIR/bcast.ufid"
	in_ns rb timeout 120 iperf3 -s -1 -p 5201 >"$WEFTD_DIR/srv.log" 2>&1 &
	spid=$!
	wait_listen rb 5201 || { fail "iperf3 server"; return; }
	in_ns ra timeout 90 iperf3 -c 10.5.0.2 -p 5201 -t 15 -J >"$json" 2>&1 &
	IPERF_PID=$!
	# Wait until the transfer's flows are in the datapath and counting.
	until_deadline 20 eval '[ "$(dp_flow_count "eth_type\(0x0800\)")" -ge 2 ]' ||
		fail "no IPv4 datapath flows during the transfer"
	sleep 1
	# The ARP flood flow may have idled out meanwhile on a slow guest:
	# refresh it (the same key, so the same UFID).
	in_ns ra ping -q -c 1 -W 1 10.5.0.9 >/dev/null 2>&1
	ufids >"$UFIDS_BEFORE"
	dp_flows >"$WEFT_RESULTS/flows.before-kill"
	t0=$(now)
	weftd_kill
	log "SIGKILL at $t0; $(wc -l <"$UFIDS_BEFORE") datapath flows"
	ufids >"$WEFTD_DIR/ufids.killed"
	dp_flows >"$WEFT_RESULTS/flows.after-kill"
	[ -s "$UFIDS_BEFORE" ] || fail "no datapath flows before the kill"
	cmp -s "$UFIDS_BEFORE" "$WEFTD_DIR/ufids.killed" ||
		fail "datapath flows changed at the kill: $(diff "$UFIDS_BEFORE" "$WEFTD_DIR/ufids.killed" | head -n 5)"
	wait "$IPERF_PID"
	rc=$?
	wait "$spid"
	sent=$("$PY" -c 'import json, sys
j = json.load(open(sys.argv[1]))["end"]
print(int(j["sum_received"]["bytes"]), "%.1f" % j["sum_received"]["seconds"])' "$json" 2>/dev/null)
	log "iperf3 exit $rc; received bytes, seconds: ${sent:-none}"
	[ "$rc" = 0 ] || fail "the TCP transfer did not complete after weftd's SIGKILL (iperf3 exit $rc)"
	after=$(ufids)
	comm -23 "$UFIDS_BEFORE" <(echo "$after") | grep -q . &&
		fail "datapath flows vanished while weftd was down"
	# The transfer kept moving: its flow's counters grew after the kill.
	"$PY" - "$WEFT_RESULTS/flows.after-kill" <(dp_flows) <<-'EOF' ||
	import re, sys
	def stats(path):
	    d = {}
	    for line in open(path):
	        m = re.search(r'ufid:([0-9a-f-]+).*packets:(\d+)', line)
	        if m and 'eth_type(0x0800)' in line:
	            d[m.group(1)] = int(m.group(2))
	    return d
	a, b = stats(sys.argv[1]), stats(sys.argv[2])
	sys.exit(0 if any(b.get(k, 0) > v for k, v in a.items()) else 1)
	EOF
		fail "no IPv4 datapath flow counted packets after the kill"
}

# While weftd is down: a flow weftd would never install (IPv4 from a MAC
# behind pa to nb, dropped; NORMAL would forward or flood it). Then weftd
# starts again on the same files.
STALE_MAC=02:00:00:00:05:09
case_restart_same_state() {
	local show bogus
	bogus="in_port($(dp_port_of pa)),eth(src=$STALE_MAC,dst=$MB),eth_type(0x0800),ipv4(frag=no)"
	"$DPCTL" add-flow br0 "$bogus" drop 2>/dev/null ||
		"$DPCTL" add-flow "$bogus" drop ||
		fail "weft-dpctl add-flow of the stale flow failed"
	# A broadcast now hits the flood flow in the datapath alone (no
	# weftd): its flow is fresh when weftd comes back, whatever max-idle.
	in_ns ra ping -q -c 1 -W 1 10.5.0.9 >/dev/null 2>&1
	dp_flows | grep -F "$(cat "$WEFTD_DIR/bcast.ufid")," >"$WEFT_RESULTS/bcast.prestart"
	grep -q 'used:[0-9.]*s' "$WEFT_RESULTS/bcast.prestart" ||
		fail "the flood flow is not in the datapath before the restart"
	ufids >"$WEFTD_DIR/ufids.prestart"
	weftd_start || { fail "weftd did not start again"; return; }
	cmp -s "$CONF_BEFORE" "$WEFTD_CONF" || fail "conf.json changed across the restart"
	show=$(vsctl show)
	[ "$show" = "$SHOW_BEFORE" ] || fail "weft-vsctl show differs after the restart:
$(diff <(echo "$SHOW_BEFORE") <(echo "$show"))"
	assert_eq 1 "$(ofport_of pa)" "ofport of pa after the restart"
	assert_eq 2 "$(ofport_of pb)" "ofport of pb after the restart"
	assert_eq kept "$(vsctl get Port pa other_config:note)" "Port pa other_config:note"
	assert_eq test_weftd_restart "$(vsctl br-get-external-id br0 owner)" "br0 external_ids:owner"
	wait_for 10 has_default_normal br0 || fail "no NORMAL rule after the restart"
	# Revalidation: the stale drop flow goes (or gets the right actions).
	if ! until_deadline 15 eval '! dp_flows | grep -F "eth(src=$STALE_MAC," | grep -q "actions:drop"'; then
		fail "the stale flow added while weftd was down is still there 15 s after the start: $(dp_flows | grep -F "$STALE_MAC")"
	fi
	ping_ok ra 10.5.0.2 3 || fail "ping after the restart"
	# The broadcast's flow is still right: it stays, same UFID, and
	# max-idle=60000 holds for it after the restart too (12 s > OVS's
	# default of 10 s).
	appctl revalidator/wait >/dev/null 2>&1 || fail "weft-appctl revalidator/wait failed"
	appctl upcall/show
	ufids | grep -qxF "$(cat "$WEFTD_DIR/bcast.ufid")" ||
		fail "the still-valid flood flow ($(cat "$WEFTD_DIR/bcast.ufid"), used <2 s before the start) was deleted at the restart: $(cat "$WEFT_RESULTS/bcast.prestart")"
	sleep 12
	ufids | grep -qxF "$(cat "$WEFTD_DIR/bcast.ufid")" ||
		fail "the flood flow expired within 12 s of the restart despite max-idle=60000"
	dp_flows >"$WEFT_RESULTS/flows.after-restart"
	iperf_ok rb ra 10.5.0.2 2M || fail "TCP after the restart"
}

# A second SIGKILL right after a configuration change: the change is in
# conf.json and comes back.
case_change_survives_kill() {
	vsctl set Bridge br0 other_config:mac-aging-time=100 || { fail "vsctl set"; return; }
	weftd_kill
	weftd_start || { fail "weftd did not start again"; return; }
	assert_eq '"100"' "$(vsctl get Bridge br0 other_config:mac-aging-time)" \
		"mac-aging-time after the kill"
	ping_ok ra 10.5.0.2 3 || fail "ping after the second restart"
}

setup
run_case kill_during_transfer
run_case restart_same_state
run_case change_survives_kill
finish
