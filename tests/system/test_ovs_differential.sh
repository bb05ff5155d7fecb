#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Case e of issue 3: the same flows, installed in openvswitch.ko with ovs-dpctl
# and in weft.ko with weft-dpctl, forward the same packets the same way.
#
#   netns ns-a                     init netns                      netns ns-b
#   va ══════ veth ══════ pa ─ port 1 ┐                ┌ port 2 ─ pb ══════ veth ══════ vb
#                                     │ datapath dp0   │
#                                     │ (first OVS,    ├ port 3 ─ pc ══════ veth ══════ vc
#                                     │  then weft)    │                          netns ns-c
#                                     └ port 0: dp0    ┘
#
# The namespaces have no addresses and no IPv6, so their stacks add nothing to
# the wire. Each case below gives its flows once, as ovs-dpctl text; the
# same text goes to `ovs-dpctl add-flows dp0 FILE` in the OVS phase and to
# `weft-dpctl add-flow dp0 ...` in the weft phase (which also shows that
# weft-dpctl accepts ovs-dpctl's syntax). Each case then sends its crafted
# frames from va/vb/vc (tests/system/differential_pkt.py, raw AF_PACKET
# sockets) and records every frame that comes out of va, vb and vc. The
# records of the two phases must be identical byte for byte, frame by frame
# and port by port; the per-flow packet and byte counts of dump-flows must
# agree too. Each case also states what OVS must do (`expect`), so that a case
# that forwards nothing in both phases cannot pass by accident.
#
# Run: scripts/vm-run tests/system/test_ovs_differential.sh [CASE...]
# Records: results/test_ovs_differential/{ovs,weft}/CASE.{txt,flows}.
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KO=${WEFT_KO:-$TOP/kmod/weft.ko}
WEFT_DPCTL=$TOP/build/weft-dpctl
# differential_pkt.py and weft-dpctl run as forks of helper servers
# (srv_lib.sh: py_call run_in, dpctl_served), not a process start each.
WEFT_TOP=$TOP
. "$TOP/tests/system/srv_lib.sh"
PKT="py_call run_in - 120 $TOP/tests/system/differential_pkt.py"
OUT=${WEFT_RESULTS:-$(mktemp -d /tmp/differential.XXXXXX)}
# The OVS half alone (to check the cases against OVS while weft is missing).
OVS_ONLY=${DIFF_OVS_ONLY:-0}

DPCTL_ERR=/tmp/ovs-dpctl.$$.err
PHASE=
CASE=setup
FAILS=0
SENDS=()
EXPECTS=()

CASES="case_output case_multiple_outputs case_drop case_push_vlan
	case_pop_vlan case_set_eth_ipv4 case_set_l4 case_set_ipv6 case_masks
	case_action_order case_trunc_check_pkt_len"

log() {
	local u
	read -r u _ </proc/uptime
	echo "[${u}s] ${PHASE:+$PHASE: }$CASE: $*"
}

fail() {
	echo "FAIL: $CASE${PHASE:+ ($PHASE)}: $*" >&2
	FAILS=$((FAILS + 1))
}

die() {
	echo "FAIL: $CASE: $*" >&2
	exit 1
}

# (ovs-dpctl's stderr is filtered by bash, not by a grep per call: under
# TCG every process start costs up to a second.)
dpctl() {
	local rc=0 line
	case "$PHASE" in
	ovs) ovs-dpctl "$@" 2>"$DPCTL_ERR" || rc=$?
	     while IFS= read -r line; do
		[[ $line == *'Datapath dispatch mode'* ]] || echo "$line" >&2
	     done <"$DPCTL_ERR"
	     return $rc ;;
	weft) DPCTL=$WEFT_DPCTL dpctl_served "$@" ;;
	esac
}

# Reads "MATCH ACTIONS" lines (ovs-dpctl syntax) and installs each flow.
# The one translation: ovs-dpctl 3.1 turns the word "drop" into the explicit
# drop action (OVS_ACTION_ATTR_DROP), which openvswitch.ko in Linux 6.1
# predates and refuses, so OVS gets the empty action list that "drop" means
# to this kernel (and that ovs-dpctl dump-flows prints as "drop").
# OVS gets them all in one `ovs-dpctl add-flows` (one line "MATCH ACTIONS"
# each, as add-flow's two arguments; an empty ACTIONS drops): each
# ovs-dpctl start costs about a second under TCG.
flows() {
	local match actions a line f=/tmp/flows.$$
	: >"$f"
	while read -r match actions; do
		[ -n "$match" ] || continue
		a=$actions
		[ "$PHASE" = ovs ] && [ "$a" = drop ] && a=
		# (add-flows cannot read an empty action list)
		if [ "$PHASE" = ovs ] && [ -n "$a" ]; then
			echo "$match $a" >>"$f"
			continue
		fi
		dpctl add-flow dp0 "$match" "$a" ||
			fail "$PHASE-dpctl refused: add-flow dp0 \"$match\" \"$a\""
	done
	if [ -s "$f" ]; then
		# add-flows skips a line it cannot parse and still exits 0:
		# anything on stderr is a refusal.
		dpctl add-flows dp0 "$f" ||
			fail "ovs-dpctl refused: add-flows dp0 with $(cat "$f")"
		while IFS= read -r line; do
			[[ $line == *'Datapath dispatch mode'* ]] ||
				fail "ovs-dpctl add-flows dp0: $line (flows: $(cat "$f"))"
		done <"$DPCTL_ERR"
	fi
	rm -f "$f"
}

# send FROM SPEC: a frame (differential_pkt.py's SPEC) into port FROM (a, b, c).
send() {
	SENDS+=(send "ns-$1" "v$1" "$2")
}

# expect K WHERE: frame K comes out of exactly these namespaces (a b c,
# "a a" for two copies into ns-a), or nowhere ("-").
expect() {
	local k=$1
	shift
	EXPECTS+=("$k $*")
}

# The cases. Port 1 = ns-a, port 2 = ns-b, port 3 = ns-c. Frames default to
# 02:00:00:00:00:0a -> 02:00:00:00:00:0b, 10.0.0.1 -> 10.0.0.2, ports
# 1000 -> 2000 (differential_pkt.py).

case_output() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=53) 2
	in_port(2),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=53) 3
	EOF
	send a "udp4,dport=53";	expect 0 b
	send b "udp4,dport=53";	expect 1 c
	send a "tcp4,dport=53";	expect 2 -	# a miss: no listener, dropped
	send a "arp,op=1";	expect 3 -
}

case_multiple_outputs() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=53) 2,3
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=54) 3,1,2
	in_port(3),eth(),eth_type(0x0806),arp() 1,2
	EOF
	send a "udp4,dport=53";	expect 0 b c
	send a "udp4,dport=54";	expect 1 a b c	# back out of its own port too
	send c "arp,op=1,dmac=ff:ff:ff:ff:ff:ff,smac=02:00:00:00:00:0c"
	expect 2 a b
}

case_drop() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=7) drop
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=8) 2
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=10) set(ipv4(ttl=1))
	EOF
	send a "udp4,dport=7";	expect 0 -	# drop
	send a "udp4,dport=8";	expect 1 b
	send a "udp4,dport=9";	expect 2 -	# a miss
	send a "udp4,dport=10";	expect 3 -	# actions, but no output
}

case_push_vlan() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=100) push_vlan(vid=10,pcp=3),2
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=101) push_vlan(vid=20,pcp=0),push_vlan(tpid=0x88a8,vid=300,pcp=5),3
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=102) 2,push_vlan(vid=30,pcp=1),3
	in_port(1),eth(),eth_type(0x0806),arp() push_vlan(vid=4094,pcp=7),2
	EOF
	send a "udp4,dport=100";	expect 0 b
	send a "udp4,dport=101";	expect 1 c
	send a "udp4,dport=102";	expect 2 b c
	send a "arp,op=2";		expect 3 b
}

case_pop_vlan() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x8100),vlan(vid=10,pcp=3),encap(eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=200)) pop_vlan,2
	in_port(1),eth(),eth_type(0x88a8),vlan(vid=300,pcp=5),encap(eth_type(0x8100),vlan(vid=20,pcp=0),encap(eth_type(0x0800),ipv4(proto=6,frag=no),tcp(),tcp_flags(0/0))) pop_vlan,3,pop_vlan,2
	in_port(2),eth(),eth_type(0x8100),vlan(vid=11,pcp=0),encap(eth_type(0x0806),arp()) 3,pop_vlan,1
	EOF
	send a "udp4,dport=200,vlan=0x8100:10:3";			expect 0 b
	send a "udp4,dport=200,vlan=0x8100:11:3";			expect 1 -
	send a "udp4,dport=200";					expect 2 -
	send a "tcp4,vlan=0x88a8:300:5,vlan=0x8100:20:0";		expect 3 b c
	send b "arp,vlan=0x8100:11:0";					expect 4 a c
}

case_set_eth_ipv4() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=300) set(eth(src=02:00:00:00:11:11,dst=02:00:00:00:22:22)),set(ipv4(src=10.1.1.1,dst=10.2.2.2)),2
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=301) set(ipv4(tos=0x28,ttl=7)),3
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=302) set(ipv4(src=10.9.0.0/255.255.0.0)),2
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80),tcp_flags(0/0) set(ipv4(dst=10.3.3.3)),3
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=1,frag=no),icmp() set(ipv4(src=10.4.4.4,ttl=1)),2
	EOF
	send a "udp4,dport=300";		expect 0 b
	send a "udp4,dport=300,nocsum=1";	expect 1 b
	send a "udp4,dport=301,tos=0x03";	expect 2 c	# ECN bits kept
	send a "udp4,dport=302,sip=10.0.200.201";	expect 3 b
	send a "tcp4,dport=80";			expect 4 c
	send a "icmp4";				expect 5 b
}

case_set_l4() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=400) set(udp(src=5353,dst=5354)),2
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80),tcp_flags(0/0) set(tcp(src=4000,dst=8080)),3
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=401) set(udp(dst=0x1000/0xf000)),2
	EOF
	send a "udp4,dport=400";		expect 0 b
	send a "udp4,dport=400,nocsum=1";	expect 1 b
	send a "tcp4,dport=80,flags=0x18";	expect 2 c
	send a "udp4,dport=401";		expect 3 b
}

case_set_ipv6() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x86dd),ipv6(proto=17,frag=no),udp(dst=500) set(ipv6(src=fc00::99,dst=fc00::98)),2
	in_port(1),eth(),eth_type(0x86dd),ipv6(proto=17,frag=no),udp(dst=501) set(ipv6(tclass=0x20,hlimit=9,label=0x12345)),3
	in_port(1),eth(),eth_type(0x86dd),ipv6(dst=fc00::2,proto=17,frag=no),udp(dst=502) set(udp(src=7,dst=8)),2
	EOF
	send a "udp6,dport=500";		expect 0 b
	send a "udp6,dport=501,label=0xabcde";	expect 1 c
	send a "udp6,dport=502";		expect 2 b
	send a "udp6,dport=502,dip=fc00::3";	expect 3 -
}

case_masks() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.1.0/255.255.255.0,frag=no) 2
	in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.2.0/255.255.255.0,frag=no) 3
	in_port(1),eth(dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806),arp() 2,3
	in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.3.0/255.255.255.0,proto=17,frag=no),udp(dst=0x1000/0xf000) 2
	in_port(2),eth(src=02:00:00:00:00:00/ff:ff:ff:00:00:00),eth_type(0x0800),ipv4(frag=no) 3
	in_port(2),eth(),eth_type(0x0806),arp(tip=10.0.0.0/255.0.0.0,op=1) 1
	EOF
	send a "udp4,dip=10.0.1.7";				expect 0 b
	send a "tcp4,dip=10.0.2.200";				expect 1 c
	send a "arp,dmac=ff:ff:ff:ff:ff:ff";			expect 2 b c
	send a "arp";						expect 3 -
	send a "udp4,dip=10.0.3.1,dport=0x1234";		expect 4 b
	send a "udp4,dip=10.0.3.1,dport=0x2234";		expect 5 -
	send a "udp4,dip=10.0.4.1";				expect 6 -
	send b "udp4,smac=02:00:00:99:99:99";			expect 7 c
	send b "udp4,smac=04:00:00:00:00:0a";			expect 8 -
	send b "arp,dip=10.7.7.7,op=1";				expect 9 a
	send b "arp,dip=10.7.7.7,op=2";				expect 10 -
	send b "arp,dip=11.7.7.7,op=1";				expect 11 -
}

case_action_order() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=600) 2,set(ipv4(ttl=9)),3,set(eth(dst=02:00:00:00:00:33)),2
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=601) push_vlan(vid=5,pcp=0),2,pop_vlan,set(udp(dst=602)),2
	EOF
	send a "udp4,dport=600";	expect 0 b b c
	send a "udp4,dport=601";	expect 1 b b
}

case_trunc_check_pkt_len() {
	flows <<-'EOF'
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=700) trunc(64),2,3
	in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=701) check_pkt_len(size=200,gt(2),le(3))
	EOF
	send a "udp4,dport=700,len=300";	expect 0 b c
	send a "udp4,dport=701,len=300";	expect 1 b
	send a "udp4,dport=701,len=50";		expect 2 c
}

setup_topology() {
	local x
	modprobe veth || die "modprobe veth"
	# (Each veth made with its end in place, each end up by one ip: a
	# process start costs up to a second under TCG.)
	for x in a b c; do
		ip netns add "ns-$x" || die "netns ns-$x"
		ip netns exec "ns-$x" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip link add "p$x" type veth peer name "v$x" netns "ns-$x" ||
			die "veth p$x"
		echo 1 >"/proc/sys/net/ipv6/conf/p$x/disable_ipv6"
		ip -n "ns-$x" link set "v$x" up
		ip link set "p$x" up
	done
}

# Creates dp0 with pa, pb, pc as ports 1, 2, 3 in the current phase.
create_dp() {
	local x n=1
	dpctl add-dp dp0 || die "$PHASE: add-dp dp0"
	for x in a b c; do
		dpctl add-if dp0 "p$x" || die "$PHASE: add-if dp0 p$x"
		dpctl show dp0 | grep -q "port $n: p$x" ||
			die "$PHASE: p$x is not port $n: $(dpctl show dp0)"
		n=$((n + 1))
	done
}

# Runs one case function against dp0 of the current phase.
run_case() {
	CASE=$1
	SENDS=()
	EXPECTS=()
	rm -f "$OUT/$PHASE/$CASE".*
	dpctl del-flows dp0 || fail "del-flows"
	"$CASE"
	printf '%s\n' "${EXPECTS[@]}" >"$OUT/$PHASE/$CASE.expect"
	$PKT "$OUT/$PHASE/$CASE.txt" listen ns-a va listen ns-b vb \
		listen ns-c vc "${SENDS[@]}" || fail "differential_pkt.py failed"
	dpctl dump-flows dp0 >"$OUT/$PHASE/$CASE.flows" ||
		fail "dump-flows failed"
	log "$(count_kind "$OUT/$PHASE/$CASE.txt" sent) frames sent," \
		"$(count_kind "$OUT/$PHASE/$CASE.txt" got) received"
}

run_phase() {
	local c
	PHASE=$1
	mkdir -p "$OUT/$PHASE"
	create_dp
	for c in $CASES; do
		run_case "$c"
	done
	CASE=teardown
	dpctl del-dp dp0 || fail "del-dp dp0"
}

# The record and expectation readers below are bash only: awk, sort, grep
# and cmp for each of 11 cases in 2 phases cost twenty-odd seconds of
# process starts under TCG.

# count_kind FILE KIND: how many records of FILE are of KIND (sent, got).
count_kind() {
	local kind rest n=0
	while read -r kind rest; do
		[ "$kind" = "$2" ] && n=$((n + 1))
	done <"$1"
	echo "$n"
}

# Where each frame of a record went: "K ns-b ns-c" per sent frame (in
# order of arrival), "K -" for one that went nowhere; by K.
destinations() {
	local kind k ns rest max=-1
	local -A sent=() got=()
	while read -r kind k ns rest; do
		case $kind in
		sent) sent[$k]=1; [ "$k" -le "$max" ] || max=$k ;;
		got) got[$k]="${got[$k]-} $ns" ;;
		esac
	done <"$1"
	for ((k = 0; k <= max; k++)); do
		[ -z "${sent[$k]-}" ] || echo "$k${got[$k]:- -}"
	done
}

# The same from a case's expectations ("K a b" or "K -" per frame).
expected() {
	local k w rest s max=-1
	local -A want=()
	while read -r k rest; do
		s=
		for w in $rest; do
			[ "$w" = - ] || s+=" ns-$w"
		done
		want[$k]=${s:- -}
		[ "$k" -le "$max" ] || max=$k
	done <"$1"
	for ((k = 0; k <= max; k++)); do
		[ -z "${want[$k]-}" ] || echo "$k${want[$k]}"
	done
}

# Each case's expectations, checked on one phase's record.
check_expect() {
	local phase=$1 c=$2 want got
	want=$(expected "$OUT/$phase/$c.expect")
	got=$(destinations "$OUT/$phase/$c.txt")
	[ "$want" = "$got" ] || {
		echo "  expected:"; echo "$want" | sed 's/^/    /'
		echo "  got:"; echo "$got" | sed 's/^/    /'
		return 1
	}
}

# same_flow_counts DUMP1 DUMP2: the flows of the two dumps have the same
# packet and byte counts, in whatever order either tool prints its flows.
same_flow_counts() {
	local line k d=1 f
	local -A n=()
	for f in "$1" "$2"; do
		while IFS= read -r line; do
			[[ $line =~ packets:([0-9]*),\ bytes:([0-9]*) ]] || continue
			k=${BASH_REMATCH[1]}/${BASH_REMATCH[2]}
			n[$k]=$((${n[$k]:-0} + d))
		done <"$f"
		d=-1
	done
	for k in "${!n[@]}"; do
		[ "${n[$k]}" = 0 ] || return 1
	done
}

compare() {
	local c
	for c in $CASES; do
		CASE=$c
		PHASE=
		check_expect ovs "$c" ||
			fail "openvswitch.ko does not do what the case expects (the case is wrong?)"
		[ "$OVS_ONLY" = 1 ] && continue
		if [ "$(<"$OUT/ovs/$c.txt")" != "$(<"$OUT/weft/$c.txt")" ]; then
			fail "frames differ between openvswitch.ko and weft.ko:"
			diff "$OUT/ovs/$c.txt" "$OUT/weft/$c.txt" | head -n 20 >&2
			continue
		fi
		if ! same_flow_counts "$OUT/ovs/$c.flows" "$OUT/weft/$c.flows"; then
			fail "per-flow packet/byte counts differ:"
			diff "$OUT/ovs/$c.flows" "$OUT/weft/$c.flows" >&2
			continue
		fi
		log "same frames, same ports, same flow counts" \
			"($(count_kind "$OUT/ovs/$c.txt" got) frames out)"
	done
}

main() {
	local c
	[ $# -gt 0 ] && CASES="$*"
	for c in $CASES; do
		declare -F "$c" >/dev/null || die "no such case: $c"
	done
	py_serve_start
	DPCTL=$WEFT_DPCTL dpctl_serve_start
	setup_topology
	modprobe openvswitch || die "modprobe openvswitch"
	run_phase ovs
	if [ "$OVS_ONLY" != 1 ]; then
		[ -f "$KO" ] || die "$KO not built (make module)"
		[ -x "$WEFT_DPCTL" ] || die "$WEFT_DPCTL not built (make)"
		lsmod | grep -q '^weft ' || insmod "$KO" || die "insmod $KO"
		run_phase weft
	fi
	compare
	if [ "$OVS_ONLY" != 1 ]; then
		CASE=teardown
		rmmod weft || fail "rmmod weft"
	fi
	if [ "$FAILS" -gt 0 ]; then
		echo "test_ovs_differential: $FAILS failure(s)" >&2
		exit 1
	fi
	echo "test_ovs_differential: PASS ($(echo $CASES | wc -w) cases)"
}

main "$@"
