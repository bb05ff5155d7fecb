#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Case h of issue 3: weft-pktfuzz sends at least 100,000 malformed frames
# (every template truncated at every offset, bad IHL and lengths, broken IPv6
# extension chains, VLAN stacks, ND options of length 0, runts, random bytes)
# into a datapath port, first with no flow (every frame a miss: to an upcall
# listener when tests/tools/weft-upcall-listen exists, otherwise lost), then
# with flows whose actions rewrite, push, pop, truncate, clone, hash and
# recirculate those frames. Afterwards valid traffic still flows and rmmod
# is clean.
#
#   netns mpa                        init netns                        netns mpb
#   pa 10.8.0.1/24 ---veth--- a1 [port 1   dp mal0   port 2] b1 ---veth--- pb 10.8.0.2/24
#   ^ weft-pktfuzz sends here          |
#                                  port 0: mal0 (internal, local)
#
# Arguments: [COUNT [SEED]], or WEFT_FUZZ_COUNT (frames per phase,
# default 100000) and WEFT_FUZZ_SEED (default: fresh, printed).
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KO=${WEFT_KO:-$TOP/kmod/weft.ko}
[ -f "$KO" ] || [ ! -f "$TOP/weft.ko" ] || KO=$TOP/weft.ko
DPCTL=$TOP/build/weft-dpctl
PKTFUZZ=$TOP/build/tests/tools/weft-pktfuzz
LISTEN=$TOP/build/tests/tools/weft-upcall-listen
COUNT=${1:-${WEFT_FUZZ_COUNT:-100000}}
SEED=${2:-${WEFT_FUZZ_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}}
CASE=setup
LISTEN_PID=

if command -v ping >/dev/null 2>&1; then
	PING=(ping -i 0.2)	# not 1 s between echo requests
else
	PING=(busybox ping)
fi

fail() {
	echo "FAIL: case $CASE: $*" >&2
	exit 1
}

log() {
	echo "[$(date +%T)] $CASE: $*"
}

# weft-dpctl, bounded in time so that a hang fails the case that hit it.
dpctl() {
	timeout 30 "$DPCTL" "$@"
	local rc=$?
	[ "$rc" != 124 ] || echo "weft-dpctl $* timed out after 30 s" >&2
	return "$rc"
}

dmesg_mark() {
	DMESG_LINES=$(dmesg | wc -l)
}

dmesg_check() {
	local bad

	bad=$(dmesg | tail -n +"$((DMESG_LINES + 1))" |
		grep -E 'BUG|WARNING|Oops|refcount_t|corruption|unreferenced object|general protection|KASAN|UBSAN|stall|lockup|waiting for .* to become free')
	[ -z "$bad" ] || fail "kernel reports:
$bad"
}

cleanup() {
	[ -n "$LISTEN_PID" ] && kill "$LISTEN_PID" 2>/dev/null
	ip netns del mpa 2>/dev/null
	ip netns del mpb 2>/dev/null
	ip link del a1 2>/dev/null
	ip link del b1 2>/dev/null
}

rx_packets() {
	cat "/sys/class/net/$1/statistics/rx_packets"
}

# Send COUNT malformed frames from pa; the seed differs per phase.
fuzz() {
	local seed=$1 t0 t1 rx0 rx1

	rx0=$(rx_packets a1)
	t0=$(date +%s.%N)
	ip netns exec mpa timeout 300 "$PKTFUZZ" --iface pa --count "$COUNT" \
		--seed "$seed" || fail "weft-pktfuzz failed (seed $seed)"
	t1=$(date +%s.%N)
	rx1=$(rx_packets a1)
	log "a1 received $((rx1 - rx0)) frames in $(awk -v a="$t0" \
		-v b="$t1" 'BEGIN { printf "%.1f", b - a }') s (seed $seed)"
	[ $((rx1 - rx0)) -ge "$COUNT" ] ||
		fail "only $((rx1 - rx0)) of $COUNT frames reached port a1"
	dmesg_check
}

# Install a flow; the basic ones must succeed, the others are reported.
flow() {
	local must=$1 match=$2 actions=$3

	if ! dpctl add-flow mal0 "$match" "$actions"; then
		[ "$must" = must ] && fail "add-flow $match $actions"
		echo "NOTE: flow refused, its actions go untested: $match -> $actions"
	fi
}

case_prepare() {
	CASE=prepare
	[ -f "$KO" ] || fail "no $KO (make module)"
	[ -x "$PKTFUZZ" ] || fail "no $PKTFUZZ (make)"
	[ -x "$DPCTL" ] || fail "no $DPCTL (make)"
	modprobe veth || fail "modprobe veth"
	lsmod | grep -q '^weft ' && rmmod weft
	dmesg_mark
	insmod "$KO" || fail "insmod"
	ip netns add mpa || fail "netns add mpa"
	ip netns add mpb || fail "netns add mpb"
	ip link add a1 type veth peer name pa netns mpa || fail "veth a"
	ip link add b1 type veth peer name pb netns mpb || fail "veth b"
	ip -n mpa addr add 10.8.0.1/24 dev pa
	ip -n mpb addr add 10.8.0.2/24 dev pb
	ip -n mpa link set pa up
	ip -n mpb link set pb up
	ip -n mpa link set lo up
	ip -n mpb link set lo up
	ip link set a1 up
	ip link set b1 up
	dpctl add-dp mal0 || fail "add-dp"
	dpctl add-if mal0 a1 || fail "add-if a1"
	dpctl add-if mal0 b1 || fail "add-if b1"
	ip link set mal0 up
	dpctl show mal0
}

case_misses() {
	CASE=misses
	if [ -x "$LISTEN" ]; then
		"$LISTEN" -t 600 mal0 >"${WEFT_RESULTS:-/tmp}/upcalls.log" 2>&1 &
		LISTEN_PID=$!
		for _ in $(seq 40); do
			grep -q '^ready' "${WEFT_RESULTS:-/tmp}/upcalls.log" && break
			sleep 0.25
		done
		grep -q '^ready' "${WEFT_RESULTS:-/tmp}/upcalls.log" ||
			fail "weft-upcall-listen did not register on mal0"
		log "upcall listener $LISTEN_PID on mal0"
	else
		log "no weft-upcall-listen: misses are lost and counted"
	fi
	fuzz "$SEED"
	if [ -n "$LISTEN_PID" ]; then
		kill "$LISTEN_PID" 2>/dev/null
		wait "$LISTEN_PID" 2>/dev/null
		LISTEN_PID=
		tail -n 5 "${WEFT_RESULTS:-/tmp}/upcalls.log"
	fi
	dpctl show -s mal0 || fail "show -s"
}

case_flows() {
	CASE=flows
	# Forwarding, and actions that must cope with whatever arrives.
	flow must "in_port(1)" "2"
	flow may "in_port(1),eth_type(0x0800),ipv4(proto=6,frag=no),tcp()" \
		"set(ipv4(src=10.8.0.9,ttl=9)),set(tcp(src=1234)),2"
	flow may "in_port(1),eth_type(0x0800),ipv4(proto=17,frag=no),udp()" \
		"set(udp(dst=99)),trunc(60),2"
	flow may "in_port(1),eth_type(0x0800),ipv4(proto=132,frag=no),sctp()" \
		"set(sctp(dst=7)),2"
	flow may "in_port(1),eth_type(0x0800),ipv4(proto=1,frag=no)" \
		"hash(l4(0)),recirc(7)"
	flow may "recirc_id(7),in_port(1)" "clone(set(eth(src=02:00:00:00:00:99)),2),2"
	flow may "in_port(1),eth_type(0x0800),ipv4(frag=later)" \
		"check_pkt_len(size=64,gt(2),le(pop_vlan,2))"
	flow may "in_port(1),eth_type(0x86dd),ipv6(proto=6,frag=no)" \
		"set(ipv6(src=fd00::9,hlimit=9)),set(tcp(dst=80)),2"
	flow may "in_port(1),eth_type(0x86dd),ipv6(proto=17)" \
		"dec_ttl(le_1(drop)),2"
	flow may "in_port(1),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135)" \
		"set(ipv6(dst=fd00::8)),2"
	flow may "in_port(1),eth_type(0x0806)" \
		"push_vlan(vid=5,pcp=1),set(arp(sip=10.8.0.7)),2"
	flow may "in_port(1),eth_type(0x8100),vlan(vid=100),encap(eth_type(0x0800))" \
		"pop_vlan,2"
	flow may "in_port(1),eth_type(0x88a8),vlan(vid=200),encap(eth_type(0x8100),vlan(vid=100),encap(eth_type(0x0800)))" \
		"pop_vlan,pop_vlan,2"
	flow may "in_port(1),eth_type(0x8100),vlan()" "push_vlan(vid=9,pcp=0),pop_vlan,2"
	flow may "in_port(1),eth_type(0x86dd),ipv6(proto=44)" \
		"sample(sample=50.0%,actions(2)),userspace(pid=0)"
	dpctl dump-flows mal0 || fail "dump-flows"
	fuzz "$((SEED + 1))"
	dpctl dump-flows mal0 || fail "dump-flows after fuzzing"
	dpctl show -s mal0 || fail "show -s"
}

case_valid_traffic() {
	CASE=valid-traffic
	local out

	dpctl del-flows mal0 || fail "del-flows"
	dpctl add-flow mal0 "in_port(1)" 2 || fail "add-flow 1->2"
	dpctl add-flow mal0 "in_port(2)" 1 || fail "add-flow 2->1"
	ip netns exec mpa "${PING[@]}" -c 5 -W 2 10.8.0.2 ||
		fail "valid traffic does not flow after the malformed frames"
	out=$(dpctl dump-flows mal0) || fail "dump-flows"
	echo "$out"
	echo "$out" | grep -q 'packets:[1-9]' || fail "flows counted nothing"
	dmesg_check
}

case_rmmod() {
	CASE=rmmod
	# With the datapath, its ports and flows still in place.
	rmmod weft || fail "rmmod weft"
	ip link show mal0 >/dev/null 2>&1 && fail "mal0 survived rmmod"
	ip link show a1 >/dev/null 2>&1 || fail "a1 vanished with the module"
	dmesg_check
	log "rmmod clean"
}

trap cleanup EXIT
case_prepare
case_misses
case_flows
case_valid_traffic
case_rmmod
echo "PASS: test_malformed_packets (seed $SEED, $COUNT frames per phase)"
