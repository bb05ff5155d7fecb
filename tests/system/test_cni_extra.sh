#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 9, weft-cni with the rest of the world:
# - garp: the gratuitous ARP ADD sends for a new pod's IPv4 address is on
#   the wire (captured in a neighbour pod: it crossed br-int), broadcast
#   from the pod's MAC with sender IP = target IP = the pod's address;
# - bandwidth: the reference plugin chained after weft-cni finds the host
#   veth in weft-cni's result and shapes it: a tbf qdisc on the host veth
#   at ingressRate, an ifb device with a tbf at egressRate; DEL takes both
#   away;
# - dhcp: the reference dhcp IPAM plugin and its daemon (`dhcp daemon`)
#   lease an address from busybox's udhcpd running in a server pod on the
#   same bridge (so the pod's interface must be attached before IPAM
#   runs); DEL releases the lease (DHCPRELEASE seen by the server).
#
#   pod w (watcher) ── br-int ── pod g (garp), pod bw (bandwidth)
#   pod ds 10.60.0.1 udhcpd ──┘└── pod dc (dhcp client)
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_cni_extra.sh
. "$(dirname "$0")/cni_lib.sh"

setup() {
	cni_setup
	require /usr/lib/cni/bandwidth /usr/lib/cni/dhcp /usr/lib/cni/static \
		tcpdump tc busybox
	# The qdiscs, filter and action bandwidth asks for; the guest's
	# module autoloading does not reach the chroot's modprobe.
	modprobe -a ifb sch_tbf sch_ingress cls_u32 act_mirred ||
		die "tc modules"
}

case_garp() {
	local out ip mac n
	cni_net garp "$CNI_DIR/garp.json"
	pod_add w g
	out=$(cni ADD "$CNI_DIR/garp.json" w w eth0) || { fail "ADD w: $out"; return; }
	tcpdump_start w eth0 "$CNI_DIR/garp.pcap" arp
	out=$(cni ADD "$CNI_DIR/garp.json" g g eth0) || { fail "ADD g: $out"; return; }
	sleep 0.5
	tcpdump_stop
	save "$CNI_DIR/garp.pcap"
	ip=$(json_get "$out" 'r["ips"][0]["address"].split("/")[0]')
	mac=$(mac_of g eth0)
	# An ARP (request or reply) whose sender and target IPs are both
	# the pod's, from its MAC to the broadcast address.
	n=$(pcap_count "$CNI_DIR/garp.pcap" "arp and ether src $mac and \
ether dst ff:ff:ff:ff:ff:ff and arp[14:4] = arp[24:4] and \
arp[14:4] = $(printf '0x%02x%02x%02x%02x' ${ip//./ })")
	[ "$n" -ge 1 ] ||
		fail "no gratuitous ARP for $ip from $mac seen by the neighbour: $(tcpdump -enr "$CNI_DIR/garp.pcap" 2>/dev/null | head -5)"
	assert_ok cni DEL "$CNI_DIR/garp.json" g g eth0
	assert_ok cni DEL "$CNI_DIR/garp.json" w w eth0
	cni_clean_check garp
}

case_bandwidth() {
	local out host ifb
	cni_net bw "$CNI_DIR/bw.json" '{"_chain": [{"type": "bandwidth",
		"ingressRate": 1000000, "ingressBurst": 100000,
		"egressRate": 2000000, "egressBurst": 200000}]}'
	pod_add bw
	out=$(cni ADD "$CNI_DIR/bw.json" bw bw eth0) || { fail "ADD: $out"; return; }
	host=$(json_get "$out" 'r["interfaces"][0]["name"]')
	tc qdisc show dev "$host" | tee "$WEFT_RESULTS/bw-qdisc.txt"
	# Ingress to the pod: shaped on the host veth's egress.
	tc qdisc show dev "$host" | grep -q 'tbf .*rate 1Mbit' ||
		fail "no 1 Mbit/s tbf on $host: $(tc qdisc show dev "$host")"
	# Egress from the pod: redirected to an ifb shaped at 2 Mbit/s.
	ifb=$(ip -o link show type ifb | awk -F': ' '/bwp/ {print $2}' | cut -d@ -f1)
	[ -n "$ifb" ] || { fail "no ifb device: $(ip -o link show type ifb)"; return; }
	tc qdisc show dev "$ifb" | grep -q 'tbf .*rate 2Mbit' ||
		fail "no 2 Mbit/s tbf on $ifb: $(tc qdisc show dev "$ifb")"
	tc filter show dev "$host" parent ffff: | grep -q "mirred.*$ifb" ||
		fail "the host veth's ingress is not redirected to $ifb"
	assert_ok cni CHECK "$CNI_DIR/bw.json" bw bw eth0
	assert_ok cni DEL "$CNI_DIR/bw.json" bw bw eth0
	ip link show "$ifb" >/dev/null 2>&1 && fail "ifb $ifb outlived DEL"
	ip link show "$host" >/dev/null 2>&1 && fail "$host outlived DEL"
	cni_clean_check bandwidth
}

case_dhcp() {
	local out ip sock=$CNI_DIR/dhcp.sock srv
	# The server: a pod with a static address running udhcpd.
	cni_net dsrv "$CNI_DIR/ds.json" '{"ipam": {"type": "static",
		"addresses": [{"address": "10.60.0.1/24"}]}}'
	cat >"$CNI_DIR/udhcpd.conf" <<-EOF
	start 10.60.0.100
	end 10.60.0.150
	interface eth0
	lease_file $CNI_DIR/udhcpd.leases
	option subnet 255.255.255.0
	option router 10.60.0.1
	option lease 600
	EOF
	: >"$CNI_DIR/udhcpd.leases"
	pod_add ds dc
	out=$(cni ADD "$CNI_DIR/ds.json" ds ds eth0) || { fail "ADD server: $out"; return; }
	srv=$(json_get "$out" 'r["interfaces"][0]["name"]')
	ip netns exec ds busybox udhcpd -f "$CNI_DIR/udhcpd.conf" \
		>"$CNI_DIR/udhcpd.log" 2>&1 &
	on_exit kill $!
	/usr/lib/cni/dhcp daemon -socketpath "$sock" \
		>"$CNI_DIR/dhcpd.log" 2>&1 &
	on_exit kill $!
	wait_for 10 test -S "$sock" || { fail "the dhcp daemon did not start"; return; }
	tcpdump_start "" "$srv" "$CNI_DIR/dhcp.pcap" udp port 67
	cni_net dcl "$CNI_DIR/dc.json" "{\"ipam\": {\"type\": \"dhcp\",
		\"daemonSocketPath\": \"$sock\"}}"
	out=$(cni ADD "$CNI_DIR/dc.json" dc dc eth0) ||
		{ fail "ADD with dhcp: $out $(cat "$CNI_DIR/dhcpd.log")"; tcpdump_stop; return; }
	ip=$(json_get "$out" 'r["ips"][0]["address"]')
	assert_match "$ip" '^10\.60\.0\.1([0-4][0-9]|50)/24$' "leased address"
	assert_eq 10.60.0.1 "$(json_get "$out" 'r["ips"][0]["gateway"]')" "gateway from option router"
	in_ns dc ip -4 -br addr show eth0 | grep -q " ${ip%/*}/24" ||
		fail "the pod lacks its lease: $(in_ns dc ip -4 -br addr show eth0)"
	ping_ok dc 10.60.0.1 || fail "the dhcp pod cannot reach the server"
	assert_ok cni CHECK "$CNI_DIR/dc.json" dc dc eth0
	assert_ok cni DEL "$CNI_DIR/dc.json" dc dc eth0
	sleep 0.5
	tcpdump_stop
	save "$CNI_DIR/dhcp.pcap" "$CNI_DIR/dhcpd.log" "$CNI_DIR/udhcpd.log"
	tcpdump -vnr "$CNI_DIR/dhcp.pcap" 2>/dev/null >"$WEFT_RESULTS/dhcp.txt"
	grep -q 'DHCP-Message.*ACK' "$WEFT_RESULTS/dhcp.txt" ||
		fail "no DHCP ACK on the server's port"
	grep -q 'DHCP-Message.*Release' "$WEFT_RESULTS/dhcp.txt" ||
		fail "DEL sent no DHCPRELEASE"
	assert_ok cni DEL "$CNI_DIR/ds.json" ds ds eth0
	cni_clean_check dhcp
}

setup
run_case garp
run_case bandwidth
run_case dhcp
finish
