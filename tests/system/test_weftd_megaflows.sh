#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
#
# Issue 4, megaflows: the same rules in weftd (weft.ko) and in the real
# ovs-vswitchd (openvswitch.ko), the same 1,000 UDP flows that differ in
# their source port only; weft may not install more datapath flows for
# them than OVS does (the issue aims at half as many). Each case purges
# both datapaths (revalidator/purge), loads its rules in both bridges with
# their own ofctl, sends the flows through each, checks that the sink got
# them, and counts the datapath flows the traffic made:
# `weft-dpctl dump-flows` against `ovs-appctl dpctl/dump-flows`.
#
#   OVS (ovs-vswitchd, openvswitch.ko)         weft (weftd, weft.ko)
#   netns oa: ea 10.3.0.1 ══ oa ─ 1 ┐          netns wa: ea 10.3.0.1 ══ wa ─ 1 ┐
#                                   ├ obr0                                     ├ br0
#   netns ob: eb 10.3.0.2 ══ ob ─ 2 ┘          netns wb: eb 10.3.0.2 ══ wb ─ 2 ┘
#
#   Same MACs and addresses on both sides, static neighbour entries (no ARP
#   in the counts), a UDP sink on 10.3.0.2:9000 (no ICMP errors back),
#   other_config:max-idle=60000 in both (nothing expires while counting).
#   Traffic: one datagram from each source port 10000..10999 to 9000.
#
#   l2:      in_port + dl_dst rules
#   l3:      nw_dst rules, and an nw_src /24 drop rule the traffic misses
#   normal:  priority=0,actions=NORMAL alone
#   l4_src:  a tp_src=10500 drop rule above a plain udp rule (the L4 case:
#            OVS un-wildcards a prefix of tp_src, not all of it)
#   l4_dst:  a tp_dst=9000 rule
#   dpif_dump_flows: weft-appctl dpif/dump-flows br0 shows what weft-dpctl does
#
# Run: scripts/vm-run tests/system/test_weftd_megaflows.sh; the dumps of
# both sides land in results/test_weftd_megaflows/.
. "$(dirname "$0")/weftd_lib.sh"

MA=02:00:00:00:03:01
MB=02:00:00:00:03:02
NFLOWS=${NFLOWS:-1000}
# The OVS half alone (to check the cases against OVS while weftd cannot).
OVS_ONLY=${MEGAFLOWS_OVS_ONLY:-0}
SUMMARY=()

setup() {
	modprobe veth
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" ovs-vswitchd ovsdb-server
	weft_load
	local x
	for x in o w; do
		host_add "${x}a" "${x}a" ea 10.3.0.1/24 $MA
		host_add "${x}b" "${x}b" eb 10.3.0.2/24 $MB
		in_ns "${x}a" ip neigh replace 10.3.0.2 lladdr $MB dev ea nud permanent
		in_ns "${x}b" ip neigh replace 10.3.0.1 lladdr $MA dev eb nud permanent
	done
	phase "namespaces made"
	weftd_start || die "weftd did not start"
	br_add_ports br0 wa:1 wb:2 || die "weft: add-br br0 failed"
	vsctl set Open_vSwitch . other_config:max-idle=60000 || die "weft: max-idle"
	phase "weft bridge made"
	ovs_start
	ovs_br_add_ports obr0 oa:1 ob:2 || die "ovs: add-br obr0 failed"
	ovs_vsctl set Open_vSwitch . other_config:max-idle=60000 || die "ovs: max-idle"
	assert_eq 1 "$(ofport_of wa)" "weft ofport of wa"
	assert_eq 2 "$(ofport_of wb)" "weft ofport of wb"
	assert_eq 1 "$(ovs_vsctl get Interface oa ofport)" "ovs ofport of oa"
	assert_eq 2 "$(ovs_vsctl get Interface ob ofport)" "ovs ofport of ob"
}

# load_rules: the same rules (stdin) into obr0 and br0.
load_rules() {
	local f=$WEFTD_DIR/rules.$CASE
	grep -v '^[[:space:]]*$' >"$f"
	ovs_ofctl del-flows obr0 && ovs_ofctl add-flows obr0 "$f" ||
		{ fail "ovs-ofctl add-flows obr0 $f failed (the case is wrong?)"; return 1; }
	[ "$OVS_ONLY" = 1 ] && return
	ofctl del-flows br0 || { fail "weft-ofctl del-flows br0 failed"; return 1; }
	ofctl add-flows br0 "$f" || { fail "weft-ofctl add-flows br0 $f failed"; return 1; }
	assert_eq "$(wc -l <"$f")" "$(rules_count br0)" "weft rules dumped"
}

# purge X: no datapath flows left on side X (o or w).
purge() {
	case "$1" in
	o) ovs_appctl revalidator/purge >/dev/null
	   until_deadline 10 ovs_dp_flows_none ;;
	w) appctl revalidator/purge >/dev/null ||
		{ echo "weft-appctl revalidator/purge failed" >&2; "$DPCTL" del-flows br0 >/dev/null 2>&1; }
	   until_deadline 10 dp_flows_none ;;
	esac
}

# run_flows X: the 1,000 flows through side X; prints the datagrams the
# sink got.
run_flows() {
	local x=$1
	sink_start "${x}b" 9000 3 120 || { echo 0; return; }
	udp_flows "${x}a" 10.3.0.2 9000 10000 "$NFLOWS"
	sink_wait
	echo "$SINK_GOT"
}

# measure EXPECTED: both sides; fails unless weft's count <= OVS's.
measure() {
	local want=$1 x got n_o n_w
	for x in o w; do
		[ "$x" = w ] && [ "$OVS_ONLY" = 1 ] && continue
		purge "$x" || fail "$x: datapath flows left after revalidator/purge"
		phase "$x: purged"
		got=$(run_flows "$x")
		phase "$x: flows sent and counted"
		[ "$got" -ge "$want" ] ||
			fail "$( [ $x = o ] && echo OVS || echo weft): the sink got $got of $want datagrams"
	done
	ovs_appctl dpctl/dump-flows >"$WEFT_RESULTS/ovs.$CASE.flows"
	dp_flows >"$WEFT_RESULTS/weft.$CASE.flows"
	n_o=$(grep -c 'eth_type(0x0800)' "$WEFT_RESULTS/ovs.$CASE.flows")
	n_w=$(grep -c 'eth_type(0x0800)' "$WEFT_RESULTS/weft.$CASE.flows")
	log "IPv4 datapath flows for $NFLOWS UDP flows: ovs $n_o, weft $n_w"
	SUMMARY+=("$CASE: ovs $n_o, weft $n_w")
	[ "$n_o" -gt 0 ] || fail "OVS installed no flow (the case is wrong?)"
	[ "$OVS_ONLY" = 1 ] && return
	[ "$n_w" -gt 0 ] || fail "weft installed no datapath flow for the traffic"
	[ "$n_w" -le "$n_o" ] ||
		fail "weft installed $n_w datapath flows, more than OVS's $n_o: $(head -n 3 "$WEFT_RESULTS/weft.$CASE.flows")"
}

case_l2() {
	load_rules <<-EOF || return
	priority=10,in_port=1,dl_dst=$MB,actions=output:2
	priority=10,in_port=2,dl_dst=$MA,actions=output:1
	EOF
	measure "$NFLOWS"
}

case_l3() {
	load_rules <<-EOF || return
	priority=20,ip,nw_src=10.3.9.0/24,actions=drop
	priority=10,ip,nw_dst=10.3.0.2,actions=output:2
	priority=10,ip,nw_dst=10.3.0.1,actions=output:1
	EOF
	measure "$NFLOWS"
}

case_normal() {
	load_rules <<-EOF || return
	priority=0,actions=NORMAL
	EOF
	measure "$NFLOWS"
}

case_l4_src() {
	load_rules <<-EOF || return
	priority=20,udp,tp_src=10500,actions=drop
	priority=10,udp,in_port=1,actions=output:2
	EOF
	measure $((NFLOWS - 1))
}

case_l4_dst() {
	load_rules <<-EOF || return
	priority=10,udp,tp_dst=9000,actions=output:2
	EOF
	measure "$NFLOWS"
}

case_dpif_dump_flows() {
	local out n_a n_d
	out=$(appctl dpif/dump-flows br0 2>&1) || { fail "weft-appctl dpif/dump-flows br0: $out"; return; }
	echo "$out" >"$WEFT_RESULTS/weft.dpif-dump-flows"
	n_a=$(grep -c 'eth_type(0x0800)' <<<"$out")
	n_d=$(dp_flow_count 'eth_type\(0x0800\)')
	assert_eq "$n_d" "$n_a" "IPv4 flows: dpif/dump-flows br0 against weft-dpctl"
	out=$(appctl dpif/show 2>&1) || fail "weft-appctl dpif/show: $out"
	echo "$out"
}

# In the VM, NAME=VALUE arguments set the knobs.
for a in "$@"; do
	case "$a" in NFLOWS=*|MEGAFLOWS_OVS_ONLY=*) eval "${a%%=*}=\${a#*=}" ;; esac
done
OVS_ONLY=${MEGAFLOWS_OVS_ONLY:-0}

setup
run_case l2
run_case l3
run_case normal
run_case l4_src
run_case l4_dst
[ "$OVS_ONLY" = 1 ] || run_case dpif_dump_flows
printf '%s\n' "${SUMMARY[@]}" | tee "$WEFT_RESULTS/summary.txt"
finish
