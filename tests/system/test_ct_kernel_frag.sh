#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Conntrack in weft.ko (issue 6), the hostile half (test_ct_kernel.sh has
# the stateful pipelines): IPv4 and IPv6 fragments reassembled for ct and
# refragmented at their original size, malformed fragment streams, ct
# actions the module must refuse (through weft-dpctl and as raw netlink),
# fuzzed ct actions in flows and executed packets, and rmmod with
# connections and a reassembly queue present.
#
#   ns1: v1p 10.1.0.1 fd01::1 ---- v1 [port 1  dp0  port 2] v2 ---- v2p 10.1.0.2 fd01::2 :ns2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct_lib.sh"

# ---- fragments -----------------------------------------------------------------

# frag_case FAMILY DST SIZE MTU: SIZE-byte datagrams from ns1 (whose link
# has MTU) through ct to ns2; they must arrive whole, as fragments no
# larger than MTU.
frag_case() {
	local fam=$1 dst=$2 size=$3 mtu=$4 pcap=$W/frag$1.pcap v big
	in_ns ns1 ip link set v1p mtu "$mtu"
	tcpdump_start ns2 v2p "$pcap" "$([ "$fam" = 4 ] && echo 'ip and udp' || echo 'ip6')"
	udp_recv_start ns2 "$dst" 9000 15 "$W/frag$fam.recv"
	ct_tool ns1 big-udp "$dst" 9000 "$size"
	v=$(udp_recv_wait "$W/frag$fam.recv")
	tcpdump_stop
	in_ns ns1 ip link set v1p mtu 1500
	assert_eq "got $size" "$v" "the datagram at ns2"
	# IP packet lengths on ns2's wire: several, none above the sender's MTU.
	if [ "$fam" = 4 ]; then
		big=$(tcpdump -nn -v -r "$pcap" 2>/dev/null | sed -n 's/.*, length \([0-9]*\))$/\1/p; s/.*, length \([0-9]*\))  *$/\1/p')
	else
		big=$(tcpdump -nn -v -r "$pcap" 2>/dev/null | sed -n 's/.*payload length: \([0-9]*\)).*/\1/p' | awk '{print $1 + 40}')
	fi
	echo "$big" >"$W/frag$fam.lengths"
	[ "$(grep -c . <<<"$big")" -ge 3 ] || fail "IPv$fam: fewer than 3 fragments on ns2's wire: $big"
	[ "$(sort -n <<<"$big" | tail -n 1)" -le "$mtu" ] ||
		fail "IPv$fam: a fragment above $mtu bytes on ns2's wire: $big"
	conntrack -L -w 3 -f "ipv$fam" 2>/dev/null | grep -q 'dport=9000' ||
		fail "IPv$fam: no ct entry for the reassembled datagram"
}

FRAG_FLOWS=(
	"recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4() ct(zone=3),recirc(3)"
	"recirc_id(0x3),in_port(1),ct_state(+trk),eth(),eth_type(0x0800),ipv4() ct(commit,zone=3),2"
	"recirc_id(0),in_port(1),eth(),eth_type(0x86dd),ipv6() ct(zone=3),recirc(4)"
	"recirc_id(0x4),in_port(1),ct_state(+trk),eth(),eth_type(0x86dd),ipv6() ct(commit,zone=3),2"
)

case_frag_ipv4() {
	flows dpctl dp0 "${FRAG_FLOWS[@]}"
	frag_case 4 10.1.0.2 3000 600
}

case_frag_ipv6() {
	flows dpctl dp0 "${FRAG_FLOWS[@]}"
	frag_case 6 fd01::2 4000 1280
}

# Without ct, the fragments of an IPv6 datagram are matched as they
# arrive: the first by its upper-layer protocol, the later ones (no UDP
# header in them) as protocol 44, the fragment header, as openvswitch.ko
# keys them. Were a later fragment keyed as UDP it would miss both flows,
# go up to nobody and the datagram would never be whole at ns2.
case_frag_ipv6_key() {
	local v out
	flows dpctl dp0 \
		"recirc_id(0),in_port(1),eth(),eth_type(0x86dd),ipv6(proto=17,frag=first) 2" \
		"recirc_id(0),in_port(1),eth(),eth_type(0x86dd),ipv6(proto=44,frag=later) 2"
	in_ns ns1 ip link set v1p mtu 1280
	udp_recv_start ns2 fd01::2 9000 15 "$W/fragkey.recv"
	ct_tool ns1 big-udp fd01::2 9000 4000
	v=$(udp_recv_wait "$W/fragkey.recv")
	in_ns ns1 ip link set v1p mtu 1500
	assert_eq "got 4000" "$v" "the datagram at ns2, forwarded fragment by fragment"
	out=$(dpctl dump-flows dp0)
	echo "$out" >"$W/fragkey.flows"
	grep -q 'proto=17,frag=first.*packets:1,' <<<"$out" ||
		fail "the first fragment did not hit the proto=17 flow: $out"
	grep -q 'proto=44,frag=later.*packets:3,' <<<"$out" ||
		fail "the three later fragments did not hit the proto=44 flow: $out"
}

case_bad_frags() {
	local out
	flows dpctl dp0 "${FRAG_FLOWS[@]}"
	sysctl -qw net.ipv4.ipfrag_time=3 net.netfilter.nf_conntrack_frag6_timeout=3
	out=$(ct_tool ns1 bad-frags v1p $M2 10.1.0.1 10.1.0.2 "${CT_SEED:-$RANDOM}" 4000)
	log "$out"
	# The pending queues expire and give their memory back.
	wait_for 30 sh -c 'grep -q "^FRAG: inuse 0 memory 0" /proc/net/sockstat' ||
		fail "IPv4 reassembly memory not released: $(grep FRAG /proc/net/sockstat)"
	# And the datapath still does its job.
	frag_case 4 10.1.0.2 3000 600
}

# ---- what the module refuses -----------------------------------------------------

case_bad_actions() {
	local out ip4="recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)"
	local tcp4="recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no)"
	local udp6="recirc_id(0),in_port(1),eth(),eth_type(0x86dd),ipv6(proto=17,frag=no)"

	dpctl del-flows dp0
	refused "recirc_id(0),in_port(1),eth()" "ct(zone=1)" "ct: needs eth_type 0x0800 or 0x86dd"
	refused "$ip4" "ct(mark=0x1/0x1)" "setting the mark needs COMMIT"
	refused "$ip4" "ct(label=0x1/0x1)" "setting the labels needs COMMIT"
	refused "$tcp4" "ct(commit,helper=nosuch)" "unknown conntrack helper"
	refused "$ip4" "ct(commit,helper=ftp)" "a helper needs the flow's ip proto"
	refused "$udp6" "ct(commit,timeout=nosuch)" "no such timeout policy"
	refused "$udp6" "ct(commit,nat(src=10.0.0.1))" "nat address must be"
	# What weft-dpctl cannot write, in raw netlink.
	out=$(ct_tool - bad-ct dp0)
	echo "$out" >"$W/bad_ct.out"
	local want
	while IFS='|' read -r name want; do
		grep -q "^$name: [A-Za-z ]*: ct: .*$want" <<<"$out" ||
			fail "$name: not refused with '$want': $(grep "^$name:" <<<"$out")"
	done <<'WANT'
nat-ip-range-reversed|IP_MAX is below IP_MIN
nat-port-range-reversed|PROTO_MAX is below PROTO_MIN
nat-src-and-dst|src or dst, not both
nat-range-without-kind|needs src or dst
nat-hash-and-random|exclusive
nat-ipv6-address-on-ipv4|nat address must be 4 bytes
mark-short|MARK 8
mark-mask-zero|mark mask is zero
labels-mask-zero|labels mask is zero
unknown-ct-attr|bad attribute
helper-unterminated|NUL-terminated
zone-too-long|ZONE u16
WANT
	assert_eq 0 "$(dpctl dump-flows dp0 | grep -c .)" "flows left after refusals"
	# A helper is a module reference, released with the flow.
	assert_ok dpctl add-flow dp0 "$tcp4" "ct(commit,helper=ftp),2"
	assert_ok grep -q '^nf_conntrack_ftp ' /proc/modules
	assert_eq "ct(commit,helper=ftp),2" \
		"$(dpctl dump-flows dp0 | sed 's/.*actions://')" "the helper flow's dump"
	dpctl del-flows dp0
}

# Random and mutated ct actions in flows and executed packets: refusals,
# installs, defragmentation in execute; nothing may crash, warn or leak.
case_fuzz_ct() {
	local out seed=${CT_SEED:-$RANDOM}
	log "seed $seed"
	out=$(timeout 300 $PY "$TOOL" fuzz-ct dp0 "$seed" "${CT_FUZZ:-3000}" 2>&1) || { fail "fuzz-ct: $out"; return; }
	log "$out"
	grep -q 'flow-ok:' <<<"$out" || fail "no fuzzed ct flow was accepted: $out"
	grep -q 'exec-ok:' <<<"$out" || fail "no fuzzed execute was accepted: $out"
	dmesg_check
}

case_rmmod_clean() {
	# A committed connection and a packet queued for reassembly.
	flows dpctl dp0 "${FRAG_FLOWS[@]}"
	frag_case 4 10.1.0.2 3000 600
	ct_tool ns1 bad-frags v1p $M2 10.1.0.1 10.1.0.2 1 8 >/dev/null
	ct_rmmod_clean
}

setup() {
	require conntrack tcpdump "$DPCTL"
	weft_load
	ct_netns_add ns1 ns2
	ct_host ns1 v1 v1p $M1 10.1.0.1/24 fd01::1/64 -- "10.1.0.2 $M2" \
		"fd01::2 $M2"
	ct_host ns2 v2 v2p $M2 10.1.0.2/24 fd01::2/64 -- "10.1.0.1 $M1" \
		"fd01::1 $M1"
	dpctl add-dp dp0 v1 v2 || die "add-dp dp0 v1 v2"
	on_exit "$DPCTL" del-dp dp0
	dpctl show dp0 | grep -q '^  port 2: v2' || die "dp0's ports are not v1, v2"
	conntrack -F >/dev/null 2>&1
}

setup
run_case frag_ipv6
run_case frag_ipv6_key
run_case frag_ipv4
run_case bad_frags
run_case bad_actions
run_case fuzz_ct
run_case rmmod_clean
finish
