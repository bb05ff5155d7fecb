#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# The test bed itself, without weft: the VM boots, modprobe loads the guest
# kernel's modules, and the reference peer of the differential tests works:
# openvswitch.ko driven by ovs-dpctl alone (no ovsdb-server) forwards
# between two namespaces with explicit flows both ways, and tcpdump sees the
# packets on the far side.
#
#   ns1                          initial namespace                     ns2
#   s1p 10.0.0.1/24 ---veth--- s1 [port 1  ovs-system dp  port 2] s2 ---veth--- s2p 10.0.0.2/24
#                                        "smoke0"
#
#   flows: in_port(1) ARP and IPv4 -> 2, in_port(2) ARP and IPv4 -> 1
. "$(dirname "$0")/lib.sh"

DP=smoke0

case_environment() {
	assert_eq weft-vm "$(hostname)" "hostname"
	assert_ok test -e /dev/fd/1
	assert_eq "procsubst" "$(cat <(echo procsubst))" "process substitution"
	assert_eq 1 "$(sysctl -n net.ipv6.conf.default.addr_gen_mode)" \
		"IPv6 address generation off by default"
	assert_ok test -w "$WEFT_RESULTS"
	assert_ok modprobe veth
}

case_no_flows_no_forwarding() {
	ping_fail ns1 10.0.0.2 || fail "forwarded without flows"
}

case_forwarding() {
	local f
	for f in "in_port(1),eth(),eth_type(0x0806),arp() 2" \
		 "in_port(2),eth(),eth_type(0x0806),arp() 1" \
		 "in_port(1),eth(),eth_type(0x0800),ipv4() 2" \
		 "in_port(2),eth(),eth_type(0x0800),ipv4() 1"; do
		# shellcheck disable=SC2086 # the flow and its action
		assert_ok ovs-dpctl add-flow "$DP" ${f% *} ${f##* } || return
	done
	# The previous case's ARP for 10.0.0.2 may still be retrying; when
	# its probes run out it fails and drops the echo queued behind it.
	in_ns ns1 ip neigh flush dev s1p
	tcpdump_start ns2 s2p "$WEFT_RESULTS/smoke-ns2.pcap" icmp
	ping_ok ns1 10.0.0.2 5 || fail "no ping reply through openvswitch.ko"
	tcpdump_stop
	local n
	n=$(pcap_count "$WEFT_RESULTS/smoke-ns2.pcap" 'icmp[icmptype] == icmp-echo')
	assert_eq 5 "$n" "echo requests seen in ns2"
	ovs-dpctl dump-flows "$DP"
	local pk
	pk=$(ovs-dpctl dump-flows "$DP" | grep 'in_port(1).*0x0800' |
		sed -n 's/.*packets:\([0-9]*\).*/\1/p')
	assert_eq 5 "$pk" "packets counted on the IPv4 flow from port 1"
}

setup() {
	require ovs-dpctl tcpdump
	netns_add ns1 ns2
	veth_add s1 s1p ns1 10.0.0.1/24
	veth_add s2 s2p ns2 10.0.0.2/24
	ovs_dp_add "$DP"
	ovs-dpctl add-if "$DP" s1 || die "add-if s1"
	ovs-dpctl add-if "$DP" s2 || die "add-if s2"
	ovs-dpctl show "$DP"
}

run_case environment
CASE=setup
setup
run_case no_flows_no_forwarding
run_case forwarding
finish
