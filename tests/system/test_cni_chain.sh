#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 9, weft-cni with others: VLAN access and trunk attachments seen
# tagged on the wire (tcpdump on the trunk pod's host veth); a conflist
# chaining weft-cni ahead of the reference plugins tuning and portmap (ADD
# in order with prevResult, DEL in reverse: the DNAT rules come and go); a
# Multus-style second attachment (net1 on a VLAN network) in a pod that
# already has eth0; the "ips" and "mac" capabilities (static IPAM); OVN
# mode's iface-id (K8S_POD_NAMESPACE_K8S_POD_NAME)
# and its wait for external_ids:ovn-installed (set here with weft-vsctl,
# as the chassis will), with code 11 and nothing left on timeout.
#
#   pod va  eth0 10.30.0.x  ── port tag=10 ──┐
#   pod vt  eth0 (trunk 10,20), eth0.10 10.30.0.200 ──┤ br-int
#   pod pm  eth0 10.22.0.x (net1) + net1 10.40.0.x (vlan 20) ──┤
#   pod pm2 eth0 10.40.0.y (vlan 20) ──┘
. "$(dirname "$0")/cni_lib.sh"

setup() {
	cni_setup
	require /usr/lib/cni/tuning /usr/lib/cni/portmap iptables tcpdump socat
}

case_vlan_wire() {
	local a t host out
	cni_net vacc "$CNI_DIR/acc.json" '{"vlan": 10}' 10.30.0.0/24
	cni_net vtrunk "$CNI_DIR/trunk.json" '{"trunk": [10, "20-21"], "ipam": null}'
	pod_add va vt
	a=$(cni ADD "$CNI_DIR/acc.json" va va eth0) || { fail "ADD access: $a"; return; }
	t=$(cni ADD "$CNI_DIR/trunk.json" vt vt eth0) || { fail "ADD trunk: $t"; return; }
	assert_eq 0 "$(json_get "$t" 'len(r.get("ips", []))')" "trunk pod has no IPAM"
	host=$(json_get "$t" 'r["interfaces"][0]["name"]')
	assert_eq "[10, 20, 21]" "$(vsctl get Port "$host" trunks)" "trunks of the trunk port"
	assert_eq 10 "$(vsctl get Port "$(json_get "$a" 'r["interfaces"][0]["name"]')" tag)" "tag of the access port"
	in_ns vt ip link add link eth0 name eth0.10 type vlan id 10
	in_ns vt ip link set eth0.10 up
	in_ns vt ip addr add 10.30.0.200/24 dev eth0.10
	tcpdump_start "" "$host" "$CNI_DIR/trunk.pcap"
	ping_ok va 10.30.0.200 || fail "access pod cannot reach the trunk pod on VLAN 10"
	tcpdump_stop
	save "$CNI_DIR/trunk.pcap"
	[ "$(pcap_count "$CNI_DIR/trunk.pcap" 'vlan 10 and icmp')" -ge 2 ] ||
		fail "no 802.1Q VLAN 10 ICMP on the trunk port: $(tcpdump -enr "$CNI_DIR/trunk.pcap" 2>/dev/null | head -5)"
	[ "$(pcap_count "$CNI_DIR/trunk.pcap" 'icmp')" = 0 ] ||
		fail "untagged ICMP on the trunk port"
	assert_ok cni CHECK "$CNI_DIR/trunk.json" vt vt eth0
	assert_ok cni DEL "$CNI_DIR/acc.json" va va eth0
	assert_ok cni DEL "$CNI_DIR/trunk.json" vt vt eth0
	cni_clean_check vlan_wire
}

case_chain_tuning_portmap() {
	local out
	cni_net chain "$CNI_DIR/chain.json" '{"_chain": [
		{"type": "tuning", "promisc": true,
		 "sysctl": {"net.ipv4.conf.eth0.arp_ignore": "1"}},
		{"type": "portmap", "capabilities": {"portMappings": true}}]}'
	ip addr add 10.22.0.1/24 dev br-int
	ip link set br-int up
	pod_add pc
	out=$(cni ADD "$CNI_DIR/chain.json" pc pc eth0 \
		--cap 'portMappings=[{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]') ||
		{ fail "chained ADD: $out"; return; }
	# The final result is portmap's, carrying weft-cni's interfaces.
	assert_eq 2 "$(json_get "$out" 'len(r["interfaces"])')" "interfaces through the chain"
	in_ns pc ip link show eth0 | grep -q PROMISC || fail "tuning did not set promisc"
	assert_eq 1 "$(in_ns pc sysctl -n net.ipv4.conf.eth0.arp_ignore)" "tuning's sysctl"
	iptables-save -t nat | grep -q 'dport 8080' || fail "portmap made no DNAT rule"
	ip netns exec pc socat -T 10 TCP-LISTEN:80,reuseaddr OPEN:"$CNI_DIR/pm.out",creat </dev/null >/dev/null 2>&1 &
	on_exit kill $!
	wait_for 10 sh -c "ip netns exec pc ss -ltn | grep -q ':80 '"
	echo through-portmap | socat -T 10 - TCP:10.22.0.1:8080 || fail "connect to hostPort 8080"
	wait_for 10 grep -q through-portmap "$CNI_DIR/pm.out" || fail "nothing reached the pod through portmap"
	assert_ok cni DEL "$CNI_DIR/chain.json" pc pc eth0 \
		--cap 'portMappings=[{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]'
	iptables-save -t nat | grep -q 'dport 8080' && fail "portmap's rule outlived DEL"
	ip addr del 10.22.0.1/24 dev br-int
	cni_clean_check chain
}

case_multus_second() {
	local a b c ipc
	cni_net net1 "$CNI_DIR/n1.json"
	cni_net vlan20 "$CNI_DIR/v20.json" '{"vlan": 20, "_noroute": true}' 10.40.0.0/24
	pod_add pm pm2
	a=$(cni ADD "$CNI_DIR/n1.json" pm pm eth0) || { fail "eth0: $a"; return; }
	b=$(cni ADD "$CNI_DIR/v20.json" pm pm net1) || { fail "net1: $b"; return; }
	c=$(cni ADD "$CNI_DIR/v20.json" pm2 pm2 eth0) || { fail "pm2: $c"; return; }
	in_ns pm ip -br addr show eth0 | grep -q 10.22.0. || fail "eth0 lost its address"
	in_ns pm ip -br addr show net1 | grep -q 10.40.0. || fail "net1 has no address"
	in_ns pm ip route | grep -q '^default via 10.22.0.1 dev eth0' || fail "default route not on eth0"
	ipc=$(json_get "$c" 'r["ips"][0]["address"].split("/")[0]')
	ping_ok pm "$ipc" || fail "pm net1 cannot reach pm2 on VLAN 20"
	assert_eq 20 "$(vsctl get Port "$(json_get "$b" 'r["interfaces"][0]["name"]')" tag)" "net1's tag"
	assert_ok cni CHECK "$CNI_DIR/n1.json" pm pm eth0
	assert_ok cni CHECK "$CNI_DIR/v20.json" pm pm net1
	assert_ok cni DEL "$CNI_DIR/v20.json" pm pm net1
	in_ns pm ip link show eth0 >/dev/null 2>&1 || fail "DEL of net1 took eth0"
	assert_ok cni DEL "$CNI_DIR/n1.json" pm pm eth0
	assert_ok cni DEL "$CNI_DIR/v20.json" pm2 pm2 eth0
	cni_clean_check multus
}

case_ovn_mode() {
	local out t0 t1 pid host
	cni_net ovn "$CNI_DIR/ovn.json" '{"ovn": true, "ovnTimeout": 2}'
	pod_add po
	t0=$(date +%s)
	out=$(cni ADD "$CNI_DIR/ovn.json" po po eth0 --args 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1')
	t1=$(date +%s)
	assert_eq 11 "$(cni_err_code "$out")" "ADD without ovn-installed"
	assert_match "$(cni_err_msg "$out")" 'OVN port default_web-1 was not installed' "timeout message"
	[ $((t1 - t0)) -ge 2 ] || fail "gave up before ovnTimeout"
	cni_clean_check ovn_timeout
	cni_net ovn "$CNI_DIR/ovn.json" '{"ovn": true, "ovnTimeout": 60}'
	cni ADD "$CNI_DIR/ovn.json" po po eth0 --args 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1' \
		>"$CNI_DIR/ovn.out" &
	pid=$!
	wait_for 30 sh -c "'$VSCTL' find Interface external_ids:iface-id=default_web-1 | grep -q name" ||
		fail "no interface with iface-id default_web-1"
	host=$(vsctl --bare --columns=name find Interface external_ids:iface-id=default_web-1)
	kill -0 $pid 2>/dev/null || fail "ADD returned before ovn-installed"
	vsctl set Interface "$host" external_ids:ovn-installed=true
	wait $pid || fail "ADD failed after ovn-installed: $(cat "$CNI_DIR/ovn.out")"
	assert_eq "$host" "$(json_get "$(cat "$CNI_DIR/ovn.out")" 'r["interfaces"][0]["name"]')" "result's host interface"
	assert_ok cni DEL "$CNI_DIR/ovn.json" po po eth0 --args 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1'
	# "ovnPort" names the logical switch port itself; without it nor
	# the pod's name ADD says what is missing.
	cni_net ovn2 "$CNI_DIR/ovn2.json" '{"ovn": true, "ovnTimeout": 1, "ovnPort": "lsp-a"}'
	out=$(cni ADD "$CNI_DIR/ovn2.json" po po eth0)
	assert_match "$(cni_err_msg "$out")" 'OVN port lsp-a was not installed' "ovnPort"
	out=$(cni ADD "$CNI_DIR/ovn.json" po po eth0)
	assert_eq 7 "$(cni_err_code "$out")" "ovn without a port name"
	cni_clean_check ovn
}

# The runtime's "ips" and "mac" capabilities: runtimeConfig reaches the
# static IPAM plugin unchanged, and the MAC is the sandbox interface's.
case_capabilities() {
	local out caps=(--cap 'ips=["10.80.0.5/24"]' --cap 'mac="02:00:00:aa:bb:cc"')
	cni_net caps "$CNI_DIR/caps.json" '{"capabilities": {"ips": true, "mac": true}, "ipam": {"type": "static"}}'
	pod_add pk
	out=$(cni ADD "$CNI_DIR/caps.json" pk pk eth0 "${caps[@]}") || { fail "ADD: $out"; return; }
	assert_eq 02:00:00:aa:bb:cc "$(mac_of pk eth0)" "MAC from runtimeConfig"
	in_ns pk ip -4 -br addr show eth0 | grep -q 10.80.0.5/24 || fail "address from runtimeConfig.ips"
	assert_ok cni CHECK "$CNI_DIR/caps.json" pk pk eth0 "${caps[@]}"
	assert_ok cni DEL "$CNI_DIR/caps.json" pk pk eth0 "${caps[@]}"
	cni_clean_check capabilities
}

setup
run_case capabilities
run_case vlan_wire
run_case chain_tuning_portmap
run_case multus_second
run_case ovn_mode
finish
