#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 240
#
# Issue 8: OVN's native DHCPv4 and DHCPv6 servers answered by a weft
# chassis. The logical network is made with ovn-nbctl (dhcp-options-create,
# lsp-set-dhcpv4-options, lsp-set-dhcpv6-options) and compiled by the real
# ovn-northd; weftd, registered as chassis hv-a, compiles the SB flows
# (ls_in_dhcp_options' put_dhcp_opts / put_dhcpv6_opts pause, the reply
# resumes at ls_in_dhcp_response) and answers the packet-ins. The clients
# are real ones and the oracles their own reports and tcpdump's decoding:
#
#   ns p1: e1 0a:00:00:00:00:01 ── vp1 (iface-id lp1: 10.0.0.5, fd00::5,
#          DHCPv4 and DHCPv6 options)
#   ns p2: e2 0a:00:00:00:00:02 ── vp2 (iface-id lp2: 10.0.0.6, no options)
#
#   dhcp4     busybox udhcpc: DISCOVER/OFFER/REQUEST/ACK on the wire, the
#             lease (address, router, DNS, MTU, lease time, server id)
#             in the script's environment and the address on e1
#   dhcp6     ISC dhclient -6: Solicit/Advertise/Request/Reply; the
#             address fd00::5 on e1, the DNS server in its environment,
#             the server id DUID-LL of server_id, IA_NA as the port's
#   dhcp6_stateless  dhclient -S: Information-request/Reply, the DNS
#             server, no IA_NA
#   no_opts   lp2 has no DHCP options: udhcpc gets no answer
#
# Run: scripts/vm-run tests/system/test_ovn_dhcp.sh
. "$(dirname "$0")/weftd_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

SRV_MAC=0a:00:00:00:00:fe

# pod NS PORT IFACE MAC LSP [LLA]: namespace NS with IFACE (MAC, no IPv4
# address; the link-local address LLA, which DHCPv6 needs and the VM's
# addr_gen_mode does not make) whose veth peer PORT is on br-int as LSP.
pod() {
	local ns=$1 port=$2 ifc=$3 mac=$4 lsp=$5 lla=${6:-}
	ovn_veth_ns "$ns" "$port" "$ifc" "$mac"
	[ -z "$lla" ] || in_ns "$ns" ip addr add "$lla/64" dev "$ifc" nodad ||
		die "$lla on $ifc"
	vsctl add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp" || die "add-port $port"
}

setup() {
	require "$WEFTD" "$VSCTL" "$APPCTL" ovsdb-server ovsdb-tool \
		ovn-northd ovn-nbctl ovn-sbctl busybox dhclient tcpdump
	weft_load
	ovn_start || die "the OVN control plane did not start"
	weftd_start || die "weftd did not start"
	vsctl set Open_vSwitch . external_ids:system-id=hv-a \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.0.2.10 || die "vsctl set"
	local v4 v6
	# Three ovn-nbctl runs, not eight: each costs up to a second here.
	nbctl ls-add ls1 -- \
		lsp-add ls1 lp1 -- lsp-set-addresses lp1 \
			"0a:00:00:00:00:01 10.0.0.5 fd00::5" -- \
		lsp-add ls1 lp2 -- lsp-set-addresses lp2 \
			"0a:00:00:00:00:02 10.0.0.6" -- \
		dhcp-options-create 10.0.0.0/24 -- \
		dhcp-options-create fd00::/64 || die "nbctl ls1, DHCP_Options"
	local u c
	while IFS=, read -r u c; do
		case $c in
		*10.0.0.0/24*) v4=$u ;;
		*fd00::/64*) v6=$u ;;
		esac
	done < <(nbctl --format=csv --no-headings --columns=_uuid,cidr \
		list DHCP_Options)
	[ -n "$v4" ] && [ -n "$v6" ] || die "DHCP_Options: '$v4' '$v6'"
	nbctl dhcp-options-set-options "$v4" server_id=10.0.0.1 \
		server_mac=$SRV_MAC lease_time=3600 router=10.0.0.1 \
		dns_server=10.0.0.53 mtu=1400 -- \
		dhcp-options-set-options "$v6" server_id=$SRV_MAC \
		dns_server=fd00::53 -- \
		lsp-set-dhcpv4-options lp1 "$v4" -- \
		lsp-set-dhcpv6-options lp1 "$v6" || die "DHCP options of lp1"
	pod p1 vp1 e1 0a:00:00:00:00:01 lp1 fe80::800:ff:fe00:1
	pod p2 vp2 e2 0a:00:00:00:00:02 lp2
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync ||
		die "ovn-nbctl --wait=hv sync did not return"
	sbctl lflow-list ls1 | grep -E 'dhcp' >"$WEFT_RESULTS/dhcp-lflows.txt"
	# The scripts the clients run: the environment they were given.
	cat >"$WEFTD_DIR/udhcpc.sh" <<-'EOF'
	#!/bin/sh
	env | sort >"$ENV_OUT.$1"
	[ "$1" = bound ] && ip addr add "$ip/$mask" dev "$interface"
	exit 0
	EOF
	# (dhclient gives its script an environment of its own: the path is
	# written in.)
	cat >"$WEFTD_DIR/dhclient.sh" <<-EOF
	#!/bin/sh
	env | sort >"$WEFTD_DIR/dhclient.\$reason"
	[ "\$reason" = BOUND6 ] && ip -6 addr add \\
		"\$new_ip6_address/\$new_ip6_prefixlen" dev "\$interface"
	exit 0
	EOF
	chmod +x "$WEFTD_DIR/udhcpc.sh" "$WEFTD_DIR/dhclient.sh"
}

# The DHCPv4 message types in a capture, in order ("Discover Offer ...").
dhcp4_types() {
	tcpdump -n -vv -r "$1" 2>/dev/null |
		sed -n 's/.*DHCP-Message (53), length 1: \([A-Za-z]*\).*/\1/p' |
		tr '\n' ' '
}

case_dhcp4() {
	local cap=$WEFTD_DIR/dhcp4.pcap out env
	tcpdump_start - vp1 "$cap" udp port 67 or udp port 68
	out=$(in_ns p1 env ENV_OUT="$WEFTD_DIR/udhcpc" timeout 30 \
		busybox udhcpc -i e1 -f -q -n -t 3 -T 2 \
		-s "$WEFTD_DIR/udhcpc.sh" 2>&1)
	tcpdump_stop
	save "$cap"
	echo "$out"
	assert_match "$out" 'lease of 10\.0\.0\.5 obtained from 10\.0\.0\.1, lease time 3600' \
		"udhcpc's lease"
	assert_eq "Discover Offer Request ACK " "$(dhcp4_types "$cap")" \
		"DHCP messages on vp1"
	env=$(cat "$WEFTD_DIR/udhcpc.bound" 2>/dev/null)
	save "$WEFTD_DIR/udhcpc.bound"
	assert_match "$env" '^router=10\.0\.0\.1$' "router"
	assert_match "$env" '^dns=10\.0\.0\.53' "dns_server"
	assert_match "$env" '^mtu=1400$' "mtu"
	assert_match "$env" '^serverid=10\.0\.0\.1$' "server_id"
	assert_match "$env" '^subnet=255\.255\.255\.0$' "netmask (from the cidr)"
	assert_match "$(in_ns p1 ip -4 addr show e1)" 'inet 10\.0\.0\.5/24' \
		"the address on e1"
	# The replies come from server_mac.
	assert_eq 2 "$(pcap_count "$cap" ether src $SRV_MAC and udp src port 67)" \
		"replies from server_mac"
}

case_dhcp6() {
	local cap=$WEFTD_DIR/dhcp6.pcap out env dec
	echo 'timeout 15; retry 1;' >"$WEFTD_DIR/dhclient.conf"
	tcpdump_start - vp1 "$cap" udp port 546 or udp port 547
	out=$(in_ns p1 timeout 40 dhclient -6 -1 -v -cf "$WEFTD_DIR/dhclient.conf" \
		-lf "$WEFTD_DIR/dhclient6.leases" \
		-pf "$WEFTD_DIR/dhclient6.pid" \
		-sf "$WEFTD_DIR/dhclient.sh" e1 2>&1)
	[ -s "$WEFTD_DIR/dhclient6.pid" ] &&
		kill "$(cat "$WEFTD_DIR/dhclient6.pid")" 2>/dev/null
	tcpdump_stop
	save "$cap" "$WEFTD_DIR/dhclient6.leases"
	echo "$out"
	dec=$(tcpdump -n -vv -r "$cap" 2>/dev/null)
	echo "$dec"
	env=$(cat "$WEFTD_DIR/dhclient.BOUND6" 2>/dev/null)
	save "$WEFTD_DIR/dhclient.BOUND6"
	assert_match "$env" '^new_ip6_address=fd00::5$' "dhclient's address"
	assert_match "$env" '^new_dhcp6_name_servers=fd00::53$' "DNS server"
	assert_match "$(in_ns p1 ip -6 addr show e1)" 'inet6 fd00::5/' \
		"the address on e1"
	assert_match "$dec" 'dhcp6 advertise .*server-ID hwaddr type 1 0a00000000fe' \
		"Advertise with server-ID DUID-LL of server_id"
	assert_match "$dec" 'dhcp6 reply .*IA_ADDR fd00::5 pltime:4294967295 vltime:4294967295' \
		"Reply with IA_NA fd00::5"
	assert_match "$dec" 'dhcp6 reply .*DNS-server fd00::53' "Reply's DNS server"
	# From the server's link-local address, the checksum right after the
	# datapath rewrote addresses and ports.
	assert_match "$dec" 'fe80::800:ff:fe00:fe\.547 > fe80::800:ff:fe00:1\.546: \[udp sum ok\] dhcp6 reply' \
		"Reply from server_mac's link-local address, UDP checksum ok"
	assert_eq 2 "$(pcap_count "$cap" ether src $SRV_MAC and udp src port 547)" \
		"replies from server_mac"
}

# Stateless DHCPv6 (RFC 8415 18.2.6): dhclient -S sends an
# Information-request; the reply carries the server id and the DNS
# server, and no IA_NA.
case_dhcp6_stateless() {
	local cap=$WEFTD_DIR/info.pcap out env dec
	rm -f "$WEFTD_DIR"/dhclient.[A-Z]*
	tcpdump_start - vp1 "$cap" udp port 546 or udp port 547
	out=$(in_ns p1 timeout 30 dhclient -S -1 -v -cf "$WEFTD_DIR/dhclient.conf" \
		-lf "$WEFTD_DIR/info.leases" -pf "$WEFTD_DIR/info.pid" \
		-sf "$WEFTD_DIR/dhclient.sh" e1 2>&1)
	[ -s "$WEFTD_DIR/info.pid" ] &&
		kill "$(cat "$WEFTD_DIR/info.pid")" 2>/dev/null
	tcpdump_stop
	save "$cap"
	echo "$out"
	dec=$(tcpdump -n -vv -r "$cap" 2>/dev/null)
	echo "$dec"
	env=$(cat "$WEFTD_DIR"/dhclient.[A-Z]* 2>/dev/null)
	assert_match "$env" '^new_dhcp6_name_servers=fd00::53$' "DNS server"
	assert_match "$dec" 'dhcp6 inf-req ' "an Information-request"
	assert_match "$dec" 'dhcp6 reply .*server-ID hwaddr type 1 0a00000000fe.*DNS-server fd00::53|dhcp6 reply .*DNS-server fd00::53.*server-ID hwaddr type 1 0a00000000fe' \
		"Reply with the server id and the DNS server"
	if [[ "$dec" == *"dhcp6 reply"*IA_NA* ]]; then
		fail "an IA_NA in the reply to an Information-request"
	fi
}

case_no_opts() {
	local cap=$WEFTD_DIR/none.pcap out
	tcpdump_start - vp2 "$cap" udp port 67 or udp port 68
	out=$(in_ns p2 timeout 20 busybox udhcpc -i e2 -f -q -n -t 2 -T 1 \
		-s /bin/true 2>&1)
	tcpdump_stop
	echo "$out"
	assert_match "$out" 'no lease, failing' "udhcpc on lp2 gets no lease"
	assert_eq 0 "$(pcap_count "$cap" udp src port 67)" "no DHCP reply on vp2"
}

case_counters() {
	local n
	appctl coverage/show | grep pinctrl
	# OFFER, ACK, Advertise, Reply and the stateless Reply at least.
	n=$(appctl coverage/read-counter pinctrl_sent)
	[ "${n:-0}" -ge 5 ] || fail "pinctrl sent ${n:-0} packets, not 5 or more"
	[ "$(appctl coverage/read-counter pinctrl_error)" = 0 ] ||
		fail "pinctrl errors: $(appctl coverage/read-counter pinctrl_error)"
}

setup
run_case dhcp4
run_case dhcp6
run_case dhcp6_stateless
run_case no_opts
run_case counters
cp "$WEFTD_LOG" "$WEFT_RESULTS/weftd.log" 2>/dev/null
finish
