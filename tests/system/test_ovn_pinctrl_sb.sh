#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8, pinctrl's learning: put_arp (lr_in_learn_neighbor's action, as
# ovn-northd 23.03 writes it) on a weftd bridge writes the MAC_Binding
# row into the real SB, through the chassis' own session. The control
# plane is the host's ovn-central (NB, SB, ovn-northd with private
# sockets, as in test_ovn_chassis); the oracle is ovn-sbctl.
#
#   netns vm1: e1 10.0.0.2/24 50:54:00:00:00:01 ══ p1 ─ br-pin (weftd, hv-a)
#   (br-pin, not br-int: the chassis owns br-int's rules and would replace
#   these hand-made ones with its own)
#   NB: router lr1, port lrp1 0a:58:0a:00:00:01 10.0.0.1/24
#   (ovn-monitor-all=true: no port of lr1 is bound here, and weft's
#   conditional monitoring would leave lr1's rows out of the replica,
#   where the writer looks up the datapath and the port)
#
#   learn   the kernel's ARP request for 10.0.0.1 (ping) is learned:
#           MAC_Binding lrp1 10.0.0.2 = vm1's MAC, with a timestamp
#   moved   vm1's MAC changes: the row is updated, not duplicated
#   repeat  more ARPs with the same MAC: no new write (coverage)
#
# Run: scripts/vm-run tests/system/test_ovn_pinctrl_sb.sh
. "$(dirname "$0")/weftd_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

LFLOW_COMPILE=$WEFT_TOP/build/tests/tools/lflow-compile
# mb_mac IP: the mac of lrp1's MAC_Binding for IP ("" when none).
mb_mac() {
	sbctl --bare --columns=mac find MAC_Binding logical_port=lrp1 ip="$1"
}

setup() {
	local dp pk f=$WEFTD_DIR/rules.txt
	modprobe veth
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" "$LFLOW_COMPILE" \
		ovsdb-server ovsdb-tool ovn-northd ovn-nbctl ovn-sbctl
	weft_load
	ovn_start || die "the OVN control plane did not start"
	wait_for 20 sbctl show || die "SB does not answer"
	nbctl lr-add lr1 -- lrp-add lr1 lrp1 0a:58:0a:00:00:01 10.0.0.1/24 ||
		die "nbctl"
	wait_for 20 eval '[ -n "$(sbctl --bare --columns=tunnel_key find Port_Binding logical_port=lrp1)" ]' ||
		die "northd made no Port_Binding for lrp1"
	dp=$(sbctl --bare --columns=tunnel_key find Datapath_Binding external_ids:name=lr1)
	pk=$(sbctl --bare --columns=tunnel_key find Port_Binding logical_port=lrp1)
	log "lr1 is datapath $dp, lrp1 its port $pk"
	host_add vm1 p1 e1 10.0.0.2/24 50:54:00:00:00:01
	weftd_start || die "weftd did not start"
	vsctl set Open_vSwitch . external_ids:system-id=hv-a \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.0.2.10 \
		external_ids:ovn-monitor-all=true || die "vsctl set"
	wait_for 30 eval '[ -n "$(sbctl --bare --columns=_uuid find Chassis name=hv-a)" ]' ||
		die "hv-a did not register"
	wait_for 30 vsctl br-exists br-int || die "no br-int"
	vsctl add-br br-pin -- set Bridge br-pin fail_mode=secure -- \
		add-port br-pin p1 -- set Interface p1 ofport_request=1 ||
		die "add-port p1"
	{
		echo "table=0,priority=100,in_port=1,actions=set_field:$dp->metadata,load:$pk->NXM_NX_REG14[],resubmit(,8)"
		echo "table=8,priority=0,actions=resubmit(,10)"
		printf 'ingress\t2\t90\tarp\tput_arp(inport, arp.spa, arp.sha); next;\n' |
			"$LFLOW_COMPILE" --dp "$dp" --port lrp1="$pk" ||
			die "lflow-compile failed"
	} >"$f"
	save "$f"
	ofctl add-flows br-pin "$f" || die "add-flows br-pin $f"
	ofctl dump-flows br-pin
}

# arp_from_vm1: one ARP request from vm1's kernel for 10.0.0.1 (the
# neighbour entry is flushed first, so the ping asks again).
arp_from_vm1() {
	in_ns vm1 ip neigh flush dev e1
	in_ns vm1 ping -n -c 1 -W 1 10.0.0.1 >/dev/null 2>&1
}

case_learn() {
	local ts
	arp_from_vm1
	wait_for 15 eval '[ "$(mb_mac 10.0.0.2)" = 50:54:00:00:00:01 ]' ||
		{ fail "MAC_Binding lrp1 10.0.0.2: '$(mb_mac 10.0.0.2)'"; return; }
	sbctl list MAC_Binding
	ts=$(sbctl --bare --columns=timestamp find MAC_Binding logical_port=lrp1)
	[ "${ts:-0}" -gt 1600000000000 ] || fail "timestamp '$ts'"
	assert_eq "$(sbctl --bare --columns=_uuid find Datapath_Binding external_ids:name=lr1)" \
		"$(sbctl --bare --columns=datapath find MAC_Binding logical_port=lrp1)" \
		"the MAC_Binding's datapath"
}

case_moved() {
	in_ns vm1 ip link set e1 address 50:54:00:00:00:09
	arp_from_vm1
	wait_for 15 eval '[ "$(mb_mac 10.0.0.2)" = 50:54:00:00:00:09 ]' ||
		fail "MAC_Binding after the move: '$(mb_mac 10.0.0.2)'"
	assert_eq 1 "$(sbctl --bare --columns=_uuid list MAC_Binding | grep -c .)" \
		"MAC_Binding rows"
}

case_repeat() {
	local before after dup
	before=$(appctl coverage/read-counter pinctrl_learn_written)
	arp_from_vm1
	arp_from_vm1
	sleep 1
	after=$(appctl coverage/read-counter pinctrl_learn_written)
	dup=$(appctl coverage/read-counter pinctrl_learn_dup)
	appctl coverage/show | grep pinctrl
	assert_eq "$before" "$after" "bindings written for repeated ARPs"
	[ "${dup:-0}" -ge 2 ] || fail "pinctrl_learn_dup is '${dup}', not 2 or more"
}

setup
run_case learn
run_case moved
run_case repeat
finish
