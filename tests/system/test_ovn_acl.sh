#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8 with traffic: ACLs, port security and the ARP/ND responder on
# two weft chassis (each its own weftd in a namespace) under the real OVN
# control plane. Every verdict is the pods' own: replies counted by
# ping, TCP handshakes by nc, echo requests received by the kernel's
# Icmp InEchos counter, neighbours learnt by the kernel.
#
#   pod1 10.0.1.11 fd00:1::11 ┐                ┌ pod2 10.0.1.12 fd00:1::12
#   pod3 10.0.1.13            ┤ br-int hv1 (nA) ══ br-int hv2 (nB)
#   ls1: lp1 pod1, lp3 pod3 (hv1); lp2 pod2 (hv2); lp5 10.0.1.15 fd00:1::15
#   bound nowhere
#
#   up            --wait=hv returns; lp1..3 up=true, lp5 not
#   acl_drop      while pod1 pings pod2 (5/s): a to-lport drop ACL on
#                 ip4.src == $as1 stops the replies; taking pod1's address
#                 out of as1 resumes them, putting it back stops them,
#                 acl-del resumes them; pod3 -> pod2 passes throughout;
#                 a from-lport drop on inport lp1 stops them too
#   acl_related   default drop (to-lport 1000 ip) + allow-related to @pg1
#                 port 80: pod1 -> pod2:80 connects (its replies pass),
#                 pod1 -> pod2:81 and pod2 -> pod1:80 do not; pg1 = {lp1}
#                 turns both around
#   port_security lsp-set-port-security lp1 "MAC IP": a spoofed source IP
#                 and a spoofed source MAC reached pod2 before and do not
#                 after; the true ones still do
#   acl_reject_sctp  pod1 connects to pod2's SCTP listener; a to-lport
#                 reject ACL on sctp makes hv2 answer the INIT with an ABORT
#                 (reject { } on SCTP): the connect is refused at once
#                 (the kernel checked the CRC32c and the tag), tcpdump on
#                 pod1's port sees the ABORT from pod2's address; acl-del
#                 lets it connect again
#   arp_nd        pod1's ARP request and IPv6 NS for lp5's addresses are
#                 answered (lp5 has no pod anywhere): the kernel learns
#                 lp5's MAC; an address of no port stays unresolved
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_acl.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M3=0a:00:00:00:01:13
M5=0a:00:00:00:01:15

setup() {
	ovn_two_chassis_up nc ping ss tcpdump
	modprobe sctp || die "modprobe sctp"
	nbctl ls-add ls1 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11 fd00:1::11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12 fd00:1::12" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" \
	   -- lsp-add ls1 lp5 -- lsp-set-addresses lp5 "$M5 10.0.1.15 fd00:1::15" ||
		die "lsp-add"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1
	ovn_pod nB pod2 p2 10.0.1.12/24 $M2 lp2
	ovn_pod nA pod3 p3 10.0.1.13/24 $M3 lp3
	in_ns pod1 sysctl -qw net.ipv6.conf.all.disable_ipv6=0
	ip -n pod1 addr add fd00:1::11/64 dev eth0 nodad || die "pod1 v6"
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
}

case_up() {
	nbctl_wait sync || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 ovn_ports_up lp1 lp2 lp3 || fail "not every bound port is up"
	[ "$(nbctl get Logical_Switch_Port lp5 up)" != true ] ||
		fail "lp5 is bound nowhere yet up"
	ping_ok pod1 10.0.1.12 3 || fail "ping pod1 -> pod2 (across)"
	ping_ok pod3 10.0.1.12 2 || fail "ping pod3 -> pod2 (across)"
	ovn_dump up
}

# replies_grow FILE SECS: the ping logging to FILE gets new replies
# within SECS.
replies_grow() {
	local f=$1 secs=$2 n
	n=$(ping_replies "$f")
	wait_for "$secs" eval '[ "$(ping_replies "$f")" -ge $((n + 3)) ]'
}

# replies_stopped FILE: no reply for 2 s (after 1 s for those in flight
# and for the revalidator, which re-translates the datapath flows after
# --wait=hv returned, as ovs-vswitchd does).
replies_stopped() {
	local f=$1 n
	nap 1
	n=$(ping_replies "$f")
	nap 2
	[ "$(ping_replies "$f")" = "$n" ]
}

case_acl_drop() {
	local f=$WEFTD_DIR/ping-acl.txt
	nbctl create Address_Set name=as1 addresses='"10.0.1.11","10.0.1.99"' \
		>/dev/null || fail "as1"
	ping_bg pod1 10.0.1.12 "$f"
	replies_grow "$f" 15 || fail "no replies before the ACL"
	nbctl_wait acl-add ls1 to-lport 1001 'ip4.src == $as1 && icmp4' drop ||
		fail "acl-add --wait=hv did not return"
	replies_stopped "$f" || fail "replies still come with the drop ACL"
	ping_ok pod3 10.0.1.12 2 || fail "pod3 -> pod2 dropped too"
	ovn_dump acl-drop
	nbctl_wait remove Address_Set as1 addresses '"10.0.1.11"' ||
		fail "as1 change --wait=hv"
	replies_grow "$f" 10 || fail "replies did not resume with pod1 out of as1"
	nbctl_wait add Address_Set as1 addresses '"10.0.1.11"' ||
		fail "as1 change --wait=hv"
	replies_stopped "$f" || fail "replies still come with pod1 back in as1"
	nbctl_wait acl-del ls1 || fail "acl-del --wait=hv"
	replies_grow "$f" 10 || fail "replies did not resume after acl-del"
	# from-lport: the source chassis' ingress pipeline drops.
	nbctl_wait acl-add ls1 from-lport 1001 'inport == "lp1" && icmp4' drop ||
		fail "from-lport acl-add --wait=hv"
	replies_stopped "$f" || fail "replies still come with a from-lport drop"
	nbctl_wait acl-del ls1 || fail "acl-del --wait=hv"
	replies_grow "$f" 10 || fail "replies did not resume after acl-del"
	ping_bg_stop
	save "$f"
}

# tcp_ok POD ADDR PORT: a TCP handshake from POD to ADDR:PORT completes.
tcp_ok() { ip netns exec "$1" nc -z -w 2 "$2" "$3" >/dev/null 2>&1; }

nc_listen() {
	ip netns exec "$1" nc -lk "$2" >/dev/null 2>&1 &
	on_exit kill -KILL "$!"
	wait_listen "$1" "$2" || fail "nc on $1:$2 does not listen"
}

case_acl_related() {
	nc_listen pod2 80
	nc_listen pod2 81
	nc_listen pod1 80
	tcp_ok pod1 10.0.1.12 80 || fail "pod1 -> pod2:80 without ACLs"
	tcp_ok pod1 10.0.1.12 81 || fail "pod1 -> pod2:81 without ACLs"
	tcp_ok pod2 10.0.1.11 80 || fail "pod2 -> pod1:80 without ACLs"
	nbctl pg-add pg1 lp2 || fail "pg-add"
	nbctl_wait acl-add ls1 to-lport 1000 ip drop \
		-- acl-add ls1 to-lport 1001 'outport == @pg1 && tcp.dst == 80' \
		allow-related || fail "acl-add --wait=hv did not return"
	ovn_dump acl-related
	tcp_ok pod1 10.0.1.12 80 || fail "pod1 -> pod2:80 (allow-related) failed"
	tcp_ok pod1 10.0.1.12 81 && fail "pod1 -> pod2:81 passed the default drop"
	tcp_ok pod2 10.0.1.11 80 && fail "pod2 -> pod1:80 passed the default drop"
	nbctl_wait pg-set-ports pg1 lp1 || fail "pg-set-ports --wait=hv"
	tcp_ok pod2 10.0.1.11 80 || fail "pod2 -> pod1:80 with lp1 in pg1 failed"
	tcp_ok pod1 10.0.1.12 80 && fail "pod1 -> pod2:80 passed with lp2 out of pg1"
	nbctl_wait acl-del ls1 -- pg-del pg1 || fail "acl-del --wait=hv"
	tcp_ok pod1 10.0.1.12 81 || fail "pod1 -> pod2:81 after acl-del"
}

# echo_reaches POD_FROM ARGS...: pod1's 2 pings (ARGS are ping's) put
# echo requests into pod2's kernel.
echo_reaches() {
	local e0 e1
	e0=$(icmp_in_echos pod2)
	ip netns exec pod1 ping -n -q -c 2 -i 0.3 -W 1 "$@" 10.0.1.12 >/dev/null 2>&1
	nap 0.5
	e1=$(icmp_in_echos pod2)
	[ "$e1" -gt "$e0" ]
}

spoof_ip() { echo_reaches -I 10.0.1.50; }

spoof_mac() {
	local rc
	ip -n pod1 link set eth0 address 0a:00:00:00:01:99
	echo_reaches
	rc=$?
	ip -n pod1 link set eth0 address $M1
	return $rc
}

case_port_security() {
	ip -n pod1 -batch - <<-EOF || fail "pod1: spoof address, neighbour"
	addr add 10.0.1.50/24 dev eth0
	neigh replace 10.0.1.12 lladdr $M2 dev eth0 nud permanent
	EOF
	echo_reaches || fail "pod1's echo requests do not reach pod2"
	spoof_ip || fail "a spoofed source IP did not pass without port security"
	spoof_mac || fail "a spoofed source MAC did not pass without port security"
	nbctl_wait lsp-set-port-security lp1 "$M1 10.0.1.11" ||
		fail "lsp-set-port-security --wait=hv"
	ovn_dump port-security
	spoof_ip && fail "a spoofed source IP passed port security"
	spoof_mac && fail "a spoofed source MAC passed port security"
	echo_reaches || fail "pod1's true MAC and IP dropped by port security"
	ping_ok pod1 10.0.1.12 2 || fail "ping pod1 -> pod2 with port security"
	nbctl_wait lsp-set-port-security lp1 || fail "port security off"
	ip -n pod1 addr del 10.0.1.50/24 dev eth0
}

case_acl_reject_sctp() {
	local cap=$WEFTD_DIR/sctp-reject.pcap out
	sctp_listen pod2 5000 || fail "no SCTP listener on pod2:5000"
	assert_eq connected "$(sctp_connect pod1 10.0.1.12 5000)" \
		"SCTP pod1 -> pod2:5000 without ACLs"
	nbctl_wait acl-add ls1 to-lport 1002 'outport == "lp2" && sctp' \
		reject || fail "acl-add reject --wait=hv did not return"
	ovn_dump acl-reject-sctp
	tcpdump_start nA p1 "$cap" sctp
	assert_eq refused "$(sctp_connect pod1 10.0.1.12 5000)" \
		"SCTP pod1 -> pod2:5000 with a reject ACL (an ABORT comes back)"
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -v -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/sctp-reject-decoded.txt"
	assert_match "$out" "10\.0\.1\.12\.5000 > 10\.0\.1\.11\.[0-9]+: sctp.*ABORT" \
		"pod1 receives an ABORT from pod2's address"
	nbctl_wait acl-del ls1 || fail "acl-del --wait=hv"
	assert_eq connected "$(sctp_connect pod1 10.0.1.12 5000)" \
		"SCTP pod1 -> pod2:5000 after acl-del"
}

# lladdr POD ADDR: the MAC POD's kernel resolved ADDR to, if any.
lladdr() {
	local out
	out=$(ip -n "$1" neigh show "$2")
	[[ $out =~ lladdr\ ([0-9a-f:]+) ]] && echo "${BASH_REMATCH[1]}"
}

case_arp_nd() {
	local a pids=()
	# The four resolutions at once: each waits out its ping's timeout.
	for a in 10.0.1.15 10.0.1.77 fd00:1::15 fd00:1::77; do
		ip netns exec pod1 ping -c 1 -W 2 "$a" >/dev/null 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	assert_eq $M5 "$(lladdr pod1 10.0.1.15)" "ARP for lp5 (unbound) answered"
	assert_eq "" "$(lladdr pod1 10.0.1.77)" "ARP for no port's address"
	assert_eq $M5 "$(lladdr pod1 fd00:1::15)" "NS for lp5's v6 answered"
	assert_eq "" "$(lladdr pod1 fd00:1::77)" "NS for no port's address"
	ovn_dump arp-nd
}

setup
run_case up
run_case acl_drop
run_case acl_related
run_case port_security
run_case acl_reject_sctp
run_case arp_nd
finish
