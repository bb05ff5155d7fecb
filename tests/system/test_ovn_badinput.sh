#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8, bad input: one weft chassis (hv1, netns nA) with two pods on
# ls1, a real OVN control plane, and things that should not be there.
#
#   pod1 10.0.1.11 ┐ br-int (weftd hv1, nA)
#   pod3 10.0.1.13 ┘
#
#   lflows     Logical_Flow rows written into the SB by hand (ovn-northd
#              paused, so that it does not delete them): a match that does
#              not parse, an unknown action, an unknown field, an unknown
#              address set. weftd logs each once, with its UUID and the
#              reason, however many recomputes follow; lflow/stats counts
#              and lists them; pod1 still reaches pod3. northd resumed
#              deletes them and the count goes back to 0.
#   server     ovn-remote at a fake server (helpers/fake_ovsdb.py) that
#              answers garbage, half a message then closes, a 4 MB
#              string (twice), another database's schema, a schema then
#              nonsense: weftd logs each with the remote and the reason,
#              backs off, stays alive with a bounded RSS, forwarding goes
#              on; given the fake server and the
#              real SB, it ends up on the real one and a new port is bound.
#   zones      the ct zones in br-int's external_ids (ct-zone-lp1,
#              ct-zone-<ls1 uuid>_dnat/_snat) are the ones the flows load
#              into reg13; an ACL makes pod1 -> pod3 connection-tracked
#              (allow-related, the other way dropped); weftd exits
#              (exit --restart) and starts again: the same zones, and the
#              ping tracked before the restart goes on without a loss (the
#              datapath's flows are kept until the chassis has installed
#              its rules again)
#   plain      a NORMAL bridge beside br-int on the same weftd (br-plain:
#              hosts pl1, pl2, pl3), and a host with no logical port on
#              br-int (stray); the SB stopped, weftd exits (exit
#              --restart) and starts again: a new flow on br-plain (pl3,
#              silent until then, pings pl1) is forwarded at once (within
#              10 s; the hold is 30 s), while br-int's new flows still
#              wait (stray's pings get no datapath flow); the SB back,
#              stray's flows are installed
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_badinput.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M3=0a:00:00:00:01:13
M5=0a:00:00:00:01:15
MP1=02:00:00:00:09:01
MP2=02:00:00:00:09:02
MP3=02:00:00:00:09:03
MS=02:00:00:00:09:99
FAKE=$OVN/fake.sock

chassis() {
	nvsctl nA set Open_vSwitch . external_ids:system-id=hv1 \
		external_ids:ovn-remote="$1" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.168.70.1
}

pod() {
	local pod=$1 port=$2 addr=$3 mac=$4 lsp=$5
	vm_up "$pod" nA "$port" "$addr" "$mac" 1400
	nvsctl nA add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp"
}

wait_hv() {
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 sync
}

sb_state() {
	nappctl nA ovn/status | sed -n 's/^SB: \([a-z]*\) .*/\1/p'
}

weftd_log() { cat "$(node_dir nA)/weftd.log"; }

setup() {
	modprobe veth
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" ovn-northd ovn-nbctl \
		ovn-sbctl ovsdb-server ping python3
	weft_load
	underlay_up
	ovn_start || die "OVN control plane"
	nweftd_start nA || die "weftd in nA did not start"
	chassis unix:"$SB_SOCK" || die "chassis keys"
	wait_for 30 nvsctl nA br-exists br-int || die "no br-int"
	nbctl ls-add ls1 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" ||
		die "lsp-add"
	pod pod1 p1 10.0.1.11/24 $M1 lp1
	pod pod3 p3 10.0.1.13/24 $M3 lp3
	wait_hv || die "--wait=hv sync did not return"
	wait_for 30 ping_ok pod1 10.0.1.13 1 || die "ping pod1 -> pod3"
}

skipped() { nappctl nA lflow/stats | sed -n 's/.*compiled, \([0-9]*\) skipped.*/\1/p'; }
northd_active() {
	[[ $(ovs-appctl -t "$OVN/northd.ctl" status 2>/dev/null) == *active* ]]
}

case_lflows() {
	local dp u stats n bad=() reasons=() i
	dp=$(sbctl --bare --columns=_uuid find Datapath_Binding external_ids:name=ls1)
	[ -n "$dp" ] || { fail "no datapath for ls1"; return; }
	ovs-appctl -t "$OVN/northd.ctl" pause || fail "pause northd"
	# match, actions, what the log must say
	local rows=(
		'ip4.src ==|next;|expected'
		'ip4|frobnicate;|frobnicate'
		'nosuchfield == 1|next;|nosuchfield'
		'ip4.src == $nosuchset|next;|nosuchset'
	)
	for i in "${!rows[@]}"; do
		IFS='|' read -r m a why <<<"${rows[$i]}"
		u=$(sbctl create Logical_Flow logical_datapath="$dp" \
			pipeline=ingress table_id=9 priority=$((3000 + i)) \
			match="\"$m\"" actions="\"$a\"" \
			external_ids:stage-name=ls_in_bad) ||
			{ fail "create Logical_Flow ($m / $a)"; continue; }
		bad+=("$u")
		reasons+=("$why")
	done
	wait_for 30 eval '[ "$(skipped)" -ge 4 ]' ||
		fail "lflow/stats: $(skipped) skipped, expected 4"
	# More recomputes: a harmless row added and deleted.
	u=$(sbctl create Logical_Flow logical_datapath="$dp" pipeline=ingress \
		table_id=9 priority=1 match='"0"' actions='"next;"')
	sbctl destroy Logical_Flow "$u"
	nap 1
	stats=$(nappctl nA lflow/stats)
	echo "$stats" >"$WEFT_RESULTS/lflow-stats-bad.txt"
	weftd_log >"$WEFT_RESULTS/weftd-lflows.log"
	for i in "${!bad[@]}"; do
		n=$(grep -c "Logical_Flow ${bad[$i]} skipped" "$WEFT_RESULTS/weftd-lflows.log")
		assert_eq "$n" 1 "${bad[$i]} (${rows[$i]}) logged once"
		assert_match "$(grep "Logical_Flow ${bad[$i]} skipped" "$WEFT_RESULTS/weftd-lflows.log")" \
			"${reasons[$i]}" "the log of ${bad[$i]} says why"
		assert_match "$stats" "${bad[$i]}" "lflow/stats lists ${bad[$i]}"
	done
	ping_ok pod1 10.0.1.13 3 || fail "ping pod1 -> pod3 with bad rows"
	ovs-appctl -t "$OVN/northd.ctl" resume || fail "resume northd"
	# ovn-northd 23.03 only flags itself resumed: it asks the SB for its
	# lock when something next wakes its loop (with one vCPU, nothing
	# did for two minutes, until --wait=hv below wrote to the NB).  Its
	# status, asked until it says active, is such a wakeup.
	wait_for 30 northd_active || fail "ovn-northd not active after resume"
	wait_for 30 eval '[ "$(skipped)" = 0 ]' ||
		fail "northd resumed: still $(skipped) skipped"
	wait_hv || fail "--wait=hv after resume"
}

rss_kb() { sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/${NODE_PID[nA]}/status"; }
fake_conns() { wc -l <"$OVN/fake.log" 2>/dev/null || echo 0; }

case_server() {
	local fake_pid rss0 rss1 rss2 log
	: >"$OVN/fake.log"
	rss0=$(rss_kb)
	python3 "$(dirname "$0")/helpers/fake_ovsdb.py" "$FAKE" \
		/usr/share/ovn/ovn-sb.ovsschema "$OVN/fake.log" \
		huge,garbage,huge,half,wrongdb,nonsense &
	fake_pid=$!
	on_exit kill "$fake_pid"
	wait_for 10 test -S "$FAKE" || fail "the fake server did not start"
	ping_loss_start pod1 10.0.1.13
	chassis unix:"$FAKE" || fail "ovn-remote at the fake server"
	# Backoff 1, 2, 4, 8 s. RSS is read when a connection that sends
	# little comes: the second (after the first 4 MB message) and the
	# sixth (after the second and three more).
	wait_for 30 eval '[ "$(fake_conns)" -ge 2 ]' || fail "no second connection"
	rss1=$(rss_kb)
	wait_for 60 eval '[ "$(fake_conns)" -ge 6 ]' ||
		fail "only $(fake_conns) connections to the fake server"
	rss2=$(rss_kb)
	log "RSS before: $rss0 kB; after the first 4 MB message: $rss1 kB; after the second and three more: $rss2 kB"
	kill -0 "${NODE_PID[nA]}" || fail "weftd died"
	# Not exact: glibc keeps some of the freed heap (on the host the
	# same sequence ends back at the start's RSS a few seconds later).
	# A 4 MB text kept per message, or buffers that double without
	# bound, go past this.
	[ $((rss2 - rss0)) -lt 20480 ] || fail "RSS grew by $((rss2 - rss0)) kB"
	assert_match "$(sb_state)" "backoff|connecting|schema|server|monitor" \
		"not active on the fake server"
	weftd_log >"$WEFT_RESULTS/weftd-server.log"
	cp "$OVN/fake.log" "$WEFT_RESULTS/"
	log=$(grep "$FAKE" "$WEFT_RESULTS/weftd-server.log")
	assert_match "$log" "$FAKE: (malformed JSON|bad message)" "garbage: named and said"
	assert_match "$log" "$FAKE: the server closed the connection" "half: named and said"
	assert_match "$log" "$FAKE: bad schema" "huge: named and said"
	assert_match "$log" "$FAKE: get_schema OVN_Southbound: the server sent the schema of OVN_Northbound" \
		"wrongdb: named and said"
	ping_loss_stop
	log "during the fake server: $PING_SENT pings, $PING_LOST lost"
	assert_eq "$PING_LOST" 0 "forwarding went on"
	# The fake server first, then the real SB: weftd moves on to the
	# next remote and stays there.
	chassis "\"unix:$FAKE,unix:$SB_SOCK\"" || fail "ovn-remote at both"
	wait_for 40 eval '[ "$(sb_state)" = active ]' || fail "not active again"
	assert_match "$(nappctl nA ovn/status)" "^SB: active unix:$SB_SOCK" \
		"on the real SB"
	kill "$fake_pid"
	nbctl lsp-add ls1 lp5 -- lsp-set-addresses lp5 "$M5 10.0.1.15" ||
		fail "lsp-add lp5"
	pod pod5 p5 10.0.1.15/24 $M5 lp5
	wait_hv || fail "--wait=hv back on the SB"
	ping_ok pod5 10.0.1.11 3 || fail "ping pod5 -> pod1"
}

# zone_key NAME: br-int's external_ids:ct-zone-NAME.
zone_key() { nvsctl nA get Bridge br-int external_ids:ct-zone-"$1" 2>/dev/null | tr -d '"'; }

zones_now() {
	nvsctl nA get Bridge br-int external_ids | tr ',' '\n' |
		grep -o 'ct-zone-[^=]*="\?[0-9]*' | tr -d '"' | sort
}

case_zones() {
	local dp z1 z3 before after ofp
	dp=$(sbctl --bare --columns=_uuid find Datapath_Binding external_ids:name=ls1)
	nbctl acl-add ls1 to-lport 1000 'ip4.src == 10.0.1.11' allow-related \
	   -- acl-add ls1 to-lport 900 'ip4' drop || fail "acl-add"
	wait_hv || fail "--wait=hv after the ACLs"
	ping_ok pod1 10.0.1.13 3 || fail "ping pod1 -> pod3 (allowed)"
	ping_fail pod3 10.0.1.11 || fail "ping pod3 -> pod1 (dropped)"
	z1=$(zone_key lp1) z3=$(zone_key lp3)
	[ -n "$z1" ] && [ -n "$z3" ] || fail "no ct-zone-lp1/lp3 in br-int"
	[ -n "$(zone_key "${dp}_dnat")" ] || fail "no ct-zone-${dp}_dnat"
	[ -n "$(zone_key "${dp}_snat")" ] || fail "no ct-zone-${dp}_snat"
	ofp=$(nvsctl nA get Interface p1 ofport)
	nofctl nA dump-flows br-int "table=0,in_port=$ofp" >"$WEFT_RESULTS/table0-before.txt"
	assert_match "$(cat "$WEFT_RESULTS/table0-before.txt")" \
		"load:0x$(printf %x "$z1")->NXM_NX_REG13|set_field:0x$(printf %x "$z1")->reg13|reg13=0x$(printf %x "$z1")" \
		"lp1's table 0 flow loads its zone $z1"
	before=$(zones_now)
	echo "$before" >"$WEFT_RESULTS/zones-before.txt"
	ping_loss_start pod1 10.0.1.13
	nap 1
	nappctl nA exit --restart || fail "exit --restart"
	wait_for 30 eval '! kill -0 '"${NODE_PID[nA]}" || fail "weftd did not exit"
	nweftd_start nA || { fail "weftd did not start again"; return; }
	wait_hv || fail "--wait=hv after the restart"
	nap 1
	ping_loss_stop
	after=$(zones_now)
	echo "$after" >"$WEFT_RESULTS/zones-after.txt"
	assert_eq "$after" "$before" "the zones after the restart"
	grep -q "conntrack zones restored" "$(node_dir nA)/weftd.log" ||
		fail "weftd did not say it restored the zones"
	log "across the restart: $PING_SENT pings, $PING_LOST lost"
	assert_eq "$PING_LOST" 0 "the tracked ping went on"
	ping_fail pod3 10.0.1.11 || fail "ping pod3 -> pod1 (still dropped)"
}

# dp_port NAME: NAME's datapath port number in nA.
dp_port() { ndpctl nA show | sed -n "s/^ *port \([0-9]*\): $1\( .*\)\?$/\1/p"; }

# in_port_flows N: nA's datapath flows whose in_port is N.
in_port_flows() { ndp_flows nA | grep -F "in_port($1)," || true; }

released() { grep -c "revalidated again" "$(node_dir nA)/weftd.log"; }

case_plain() {
	local stray t0 n0
	vm_up pl1 nA q1 10.9.0.1/24 $MP1
	vm_up pl2 nA q2 10.9.0.2/24 $MP2
	vm_up pl3 nA q3 10.9.0.3/24 $MP3
	vm_up stray nA q9 10.0.1.99/24 $MS
	nvsctl nA add-br br-plain -- add-port br-plain q1 \
		-- add-port br-plain q2 -- add-port br-plain q3 \
		-- add-port br-int q9 || { fail "br-plain, q9"; return; }
	wait_for 10 eval 'nofctl nA dump-flows br-plain | grep -q "actions=NORMAL"' ||
		fail "no NORMAL rule on br-plain"
	until_deadline 10 ping_ok pl1 10.9.0.2 1 || fail "br-plain before the restart"
	stray=$(dp_port q9)
	[ -n "$stray" ] || { fail "q9 has no datapath port"; return; }
	sb_stop || fail "the SB did not stop"
	n0=$(released)
	nappctl nA exit --restart || fail "exit --restart"
	wait_for 30 eval '! kill -0 '"${NODE_PID[nA]}" || fail "weftd did not exit"
	nweftd_start nA || { fail "weftd did not start again"; return; }
	t0=$(now)
	# pl3 has sent nothing yet: its flows are new ones.
	until_deadline 10 ping_ok pl3 10.9.0.1 1 ||
		fail "br-plain: a new flow waited for br-int's rules"
	_usecs "$t0"; t0=$_USECS; _usecs "$(now)"
	log "br-plain forwarded a new flow $(((_USECS - t0) / 1000)) ms after weftd answered"
	in_ns stray ping -q -c 2 -i 0.5 -W 1 10.0.1.11 >/dev/null 2>&1
	in_port_flows "$stray" >"$WEFT_RESULTS/stray-held.txt"
	assert_eq "$(released)" "$n0" "the hold was still on when br-int was checked"
	assert_eq "$(count_lines <"$WEFT_RESULTS/stray-held.txt")" 0 \
		"br-int's new flows (from q9) installed while the SB was away"
	sb_start || fail "the SB did not start again"
	wait_hv || fail "--wait=hv with the SB back"
	until_deadline 20 eval '[ "$(released)" -gt "$n0" ]' ||
		fail "br-int's hold did not end"
	in_ns stray ping -q -c 2 -i 0.5 -W 1 10.0.1.11 >/dev/null 2>&1
	until_deadline 10 eval 'in_port_flows "$stray" | grep -q .' ||
		fail "no datapath flow from q9 after the hold"
	in_port_flows "$stray" >"$WEFT_RESULTS/stray-after.txt"
}

setup
run_case lflows
run_case server
run_case zones
run_case plain
finish
