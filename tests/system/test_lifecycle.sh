#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
# vm-smp: 2          (two vCPUs: cross-CPU races in the module are part of
#                     what it provokes; other tests run on one)
#
# Case a of issue 3: insmod; create datapaths, ports and flows; push traffic
# through them; rmmod with all of it still present — twenty times — with a
# clean kernel log (finish and the harness fail the run on any report).
#
#   netns lcns
#   lc1 10.7.0.1 ---veth--- lc0 [port 1  dp lcA  port 2] lci0 10.7.0.2 (internal)
#                                 port 0: lcA (internal)
#   lc3 ---veth--- lc2 [port 1  dp lcB]    (a second datapath, a VLAN flow)
. "$(dirname "$0")/lib.sh"

ROUNDS=${1:-20}

setup() {
	modprobe veth || die "modprobe veth"
	require "$DPCTL"
	[ -f "$WEFT_KO" ] || die "no $WEFT_KO (make module)"
	netns_add lcns
	veth_add lc0 lc1 lcns 10.7.0.1/24
	veth_add lc2 lc3
}

# One round builds everything from scratch; rmmod alone tears it down.
case_round() {
	local out
	insmod "$WEFT_KO" || { fail "insmod"; return; }
	# One weft-dpctl for the five commands (--batch: tab-separated
	# words, "--- STATUS" after each): process starts are what a round
	# costs under TCG.
	out=$(printf '%s\n' $'add-dp\tlcA\tlc0\tlci0,type=internal' \
		$'add-dp\tlcB\tlc2' \
		$'add-flow\tlcA\tin_port(1)\t2' \
		$'add-flow\tlcA\tin_port(2)\t1' \
		$'add-flow\tlcB\tin_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=53)\tpush_vlan(vid=5,pcp=0),1' |
		"$DPCTL" --batch 2>&1) ||
		fail "weft-dpctl --batch (add-dp lcA, lcB, three add-flow): $out"
	[ "$(grep -c '^--- 0$' <<<"$out")" = 5 ] ||
		fail "not five commands that succeeded: $out"
	ip link set lci0 up
	ip addr add 10.7.0.2/24 dev lci0
	# Each round's lci0 has a new MAC: forget the last round's.
	ip -n lcns neigh flush all
	ping_ok lcns 10.7.0.2 2 || fail "no ping through lcA"
	assert_match "$("$DPCTL" dump-flows lcA)" \
		'^in_port\(1\).*packets:[1-9]' "ping counted on in_port(1)"
	rmmod weft || { fail "rmmod with datapaths, ports and flows present"; return; }
	ip link show lci0 >/dev/null 2>&1 && fail "lci0 survived rmmod"
	ip link show lc0 >/dev/null 2>&1 || fail "rmmod destroyed lc0, not ours"
	dmesg_check
}

setup
for r in $(seq 1 "$ROUNDS"); do
	run_case round
done
finish
