#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 400
#
# Issue 8 on the wire with a peer nobody here wrote: a weft chassis
# (weftd in namespace nA) and a real OVN chassis (ovn-controller and
# ovs-vswitchd on openvswitch.ko in namespace nB, its own OVS_RUNDIR:
# tests/system/ovn_ovs_lib.sh), one real NB/SB/ovn-northd.
#
#   pod1 10.0.1.11 ─ br-int (weftd hv-weft, nA)
#                      uA 192.168.70.1 ═══ uB 192.168.70.2
#                                          br-int (ovn-controller hv-ovs, nB) ─ pod2 10.0.1.12
#                                                                              └ pod4 10.0.2.14 (ls2)
#   ls1: pod1, pod2; ls2: pod4; lr1 joins them
#
#   geneve   ping and TCP both ways across; tshark on the underlay: each
#            side's GENEVE frames carry VNI = ls1's key and OVN's option
#            (class 0x0102, type 0x80) with ingress/egress port keys, the
#            real ovn-controller's frames and weft's alike
#            tables 37/38 (large-packet detect/process) hold the same
#            rules on both chassis
#   router   lr1: pod1 -> pod4 routed on the weft chassis and tunnelled to
#            ls2 on the OVS one, and back (routed by ovn-controller)
#   vxlan    both chassis to vxlan: ping both ways; VNI = dp key | egress
#            port key << 12 in both directions
#   localnet ls1 gets a localnet port ln1 (physnet1, VLAN 100), both
#            chassis map physnet1 to a br-phys, and a veth eA - eB joins
#            the two br-phys: the localnet port's rules (tables 0, 40,
#            41, 65, and the ports elsewhere sent to it in 40) are
#            ovn-controller's, port numbers and zones aside; ping both
#            ways through it, tagged on eA, with no tunnel frame
#   localport ls1 gets a localport meta (10.0.1.254) with an interface
#            on both chassis: its rules (table 0 with flags.localport,
#            39's priority-150 rule, 40, 41, 65) are ovn-controller's,
#            port numbers and zones aside; neither chassis binds it;
#            pod1 reaches the weft chassis' copy, pod2 the OVS one's
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_interop.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"
. "$(dirname "$0")/ovn_ovs_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M4=0a:00:00:00:02:14

weft_chassis() {
	nvsctl nA set Open_vSwitch . external_ids:system-id=hv-weft \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type="$1" \
		external_ids:ovn-encap-ip=192.168.70.1
}

pkey() { sbctl --bare --columns=tunnel_key find Port_Binding logical_port="$1"; }
dkey() { sbctl --bare --columns=tunnel_key find Datapath_Binding external_ids:name="$1"; }

ports_up() {
	local p
	for p in "$@"; do
		[ "$(nbctl get Logical_Switch_Port "$p" up)" = true ] || return 1
	done
}

wait_hv() {
	timeout 90 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=80 sync
}

dump_state() {
	nofctl nA dump-flows br-int >"$WEFT_RESULTS/flows-weft-$1.txt" 2>&1
	nappctl nA lflow/stats >"$WEFT_RESULTS/lflow-stats-$1.txt" 2>&1
	novs nB ovs-ofctl dump-flows br-int >"$WEFT_RESULTS/flows-ovs-$1.txt" 2>&1
	novs nB ovs-vsctl show >"$WEFT_RESULTS/ovs-show-$1.txt" 2>&1
	sbctl show >"$WEFT_RESULTS/sb-show-$1.txt" 2>&1
}

setup() {
	modprobe veth
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" ovn-northd ovn-nbctl \
		ovn-sbctl ovn-controller ovs-vswitchd ovsdb-server tcpdump tshark
	weft_load
	underlay_up
	ovn_start || die "OVN control plane"
	nweftd_start nA || die "weftd in nA did not start"
	weft_chassis geneve || die "nA: chassis keys"
	ovs_chassis_start nB hv-ovs 192.168.70.2 geneve ||
		die "the OVS chassis did not start"
	wait_for 30 nvsctl nA br-exists br-int || die "nA: no br-int"
	nbctl ls-add ls1 -- ls-add ls2 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls2 lp4 -- lsp-set-addresses lp4 "$M4 10.0.2.14" ||
		die "lsp-add"
	vm_up pod1 nA p1 10.0.1.11/24 $M1 1400
	vm_up pod2 nB p2 10.0.1.12/24 $M2 1400
	vm_up pod4 nB p4 10.0.2.14/24 $M4 1400
	in_ns pod1 ip route add default via 10.0.1.1
	in_ns pod2 ip route add default via 10.0.1.1
	in_ns pod4 ip route add default via 10.0.2.1
	nvsctl nA add-port br-int p1 -- set Interface p1 \
		external_ids:iface-id=lp1 || die "nA: p1"
	ovs_chassis_port nB p2 lp2 || die "nB: p2"
	ovs_chassis_port nB p4 lp4 || die "nB: p4"
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
}

# geneve_fields PCAP: "outer-src outer-dst vni option" per GENEVE frame,
# as tshark decodes them (the option whole: class, type, length, data).
geneve_fields() {
	tshark -r "$1" -T fields -E occurrence=f -E separator=' ' \
		-e ip.src -e ip.dst -e geneve.vni -e geneve.option 2>/dev/null
}

# large_pkt_rules FILE: the rules of tables 37 and 38 in a dump-flows
# FILE, without counters, sorted.
large_pkt_rules() {
	sed -n 's/.* \(table=3[78]\), .* \(priority=[^ ]*\) \(actions=.*\)/\1,\2 \3/p' \
		"$1" | sort
}

case_geneve() {
	local cap=$WEFTD_DIR/geneve.pcap out key k1 k2
	wait_hv || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 30 ports_up lp1 lp2 lp4 || fail "not every port is up"
	wait_for 30 eval 'novs nB ovs-vsctl show | grep -q "remote_ip=\"192.168.70.1\""' ||
		fail "ovn-controller made no tunnel to the weft chassis"
	nvsctl nA show | grep -q "ovn-hv-ovs-0" ||
		fail "weftd made no tunnel port to hv-ovs"
	dump_state geneve
	out=$(large_pkt_rules "$WEFT_RESULTS/flows-ovs-geneve.txt")
	[ "$(echo "$out" | grep -c table=)" -ge 3 ] ||
		fail "ovn-controller's tables 37/38 are not in its dump: '$out'"
	assert_eq "$out" \
		"$(large_pkt_rules "$WEFT_RESULTS/flows-weft-geneve.txt")" \
		"tables 37/38: weft's rules are ovn-controller's"
	tcpdump_start nA uA "$cap" udp port 6081
	ping_ok pod1 10.0.1.12 5 || fail "ping pod1 (weft) -> pod2 (OVS)"
	ping_ok pod2 10.0.1.11 3 || fail "ping pod2 (OVS) -> pod1 (weft)"
	tcpdump_stop
	iperf_ok pod2 pod1 10.0.1.12 1M 5201 || fail "TCP pod1 -> pod2"
	iperf_ok pod1 pod2 10.0.1.11 1M 5202 || fail "TCP pod2 -> pod1"
	save "$cap"
	key=$(dkey ls1) k1=$(pkey lp1) k2=$(pkey lp2)
	out=$(geneve_fields "$cap")
	echo "$out" >"$WEFT_RESULTS/geneve-fields.txt"
	# OVN's option: class 0x0102, type 0x80 (critical), 4 bytes of
	# data (length 1 word): ingress port key << 16 | egress port key.
	assert_match "$out" "^192.168.70.1 192.168.70.2 $(printf 0x%06x "$key") 01028001$(printf %04x%04x "$k1" "$k2")$" \
		"weft's frames: VNI ls1 ($key), option lp1 ($k1) -> lp2 ($k2)"
	assert_match "$out" "^192.168.70.2 192.168.70.1 $(printf 0x%06x "$key") 01028001$(printf %04x%04x "$k2" "$k1")$" \
		"ovn-controller's frames: VNI ls1, option lp2 ($k2) -> lp1 ($k1)"
}

case_router() {
	nbctl lr-add lr1 \
	   -- lrp-add lr1 lr1-ls1 02:00:00:00:01:01 10.0.1.1/24 \
	   -- lrp-add lr1 lr1-ls2 02:00:00:00:02:01 10.0.2.1/24 \
	   -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
	   -- lsp-set-addresses ls1-lr1 router \
	   -- lsp-set-options ls1-lr1 router-port=lr1-ls1 \
	   -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
	   -- lsp-set-addresses ls2-lr1 router \
	   -- lsp-set-options ls2-lr1 router-port=lr1-ls2 || fail "lr-add"
	wait_hv || fail "ovn-nbctl --wait=hv sync did not return"
	dump_state router
	ping_ok pod1 10.0.2.14 5 || fail "ping pod1 (weft) -> pod4 (OVS), routed"
	ping_ok pod4 10.0.1.11 3 || fail "ping pod4 (OVS) -> pod1 (weft), routed"
}

case_vxlan() {
	local cap=$WEFTD_DIR/vxlan.pcap out key k1 k2
	weft_chassis vxlan || fail "nA: vxlan"
	novs nB ovs-vsctl set Open_vSwitch . external_ids:ovn-encap-type=vxlan ||
		fail "nB: vxlan"
	wait_for 30 eval 'nvsctl nA get Interface ovn-hv-ovs-0 type | grep -q vxlan' ||
		fail "nA: the tunnel port did not become vxlan"
	wait_hv || fail "ovn-nbctl --wait=hv sync did not return"
	dump_state vxlan
	tcpdump_start nA uA "$cap" udp port 4789
	ping_ok pod1 10.0.1.12 8 || fail "ping pod1 -> pod2 over vxlan"
	ping_ok pod2 10.0.1.11 3 || fail "ping pod2 -> pod1 over vxlan"
	tcpdump_stop
	save "$cap"
	key=$(dkey ls1) k1=$(pkey lp1) k2=$(pkey lp2)
	out=$(tshark -r "$cap" -T fields -E occurrence=f -E separator=' ' \
		-e ip.src -e vxlan.vni 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/vxlan-fields.txt"
	assert_match "$out" "^192.168.70.1 $((key | k2 << 12))$" "weft's VNI to lp2"
	assert_match "$out" "^192.168.70.2 $((key | k1 << 12))$" "ovn-controller's VNI to lp1"
}

# ln_rules FILE OFPORT LNKEY DPKEY: the rules of a dump-flows FILE that
# concern the localnet port (its patch port is OFPORT, its key LNKEY on
# datapath DPKEY), counters dropped, the patch port named LN, the ct
# zones Z, the chassis' one port elsewhere R; sorted. Left out: weft's
# loopback rule in 65 (priority 110; ovn-controller's is in 64, which
# is not compared), and ovn-controller's chassis-MAC rules (table 0,
# priority 180: a conjunction whose other clause comes from
# ovn-chassis-mac-mappings, not set here, and which weft does not
# implement). The actions as ovs-ofctl's OpenFlow 1.0 dump spells them
# (VLAN 100 only: mod_vlan_vid pushes a tag where there is none).
ln_rules() {
	local f=$1 of=$2 ln md lnx
	lnx=$(printf 0x%x "$3")
	md="reg15=$lnx,metadata=$(printf 0x%x "$4")"
	grep -E "table=0, .*in_port=$of[, ]|table=(40|41|65), .*$md |load:$lnx->NXM_NX_REG15\[\],resubmit\(,40\)" "$f" |
		grep -v -e "priority=110,in_port=$of," -e "table=0, .*priority=180," |
		sed -e 's/ *cookie=[^ ]* //' -e 's/duration=[^ ]* //' \
		    -e 's/n_packets=[^ ]* //' -e 's/n_bytes=[^ ]* //' \
		    -e 's/idle_age=[^ ]* //' -e 's/hard_age=[^ ]* //' \
		    -e "s/in_port=$of\([, ]\)/in_port=LN\1/" \
		    -e "s/output:$of\$/output:LN/" -e "s/output:$of,/output:LN,/" \
		    -e 's/load:0x[0-9a-f]*->NXM_NX_REG1\([123]\)\[\]/load:Z->NXM_NX_REG1\1[]/g' \
		    -e "s/reg15=0x[0-9a-f]*\(,metadata=[^ ]* actions=load:$lnx->\)/reg15=R\1/" \
		    -e 's/pop_vlan/strip_vlan/g' \
		    -e 's/push_vlan:0x8100,set_field:4196->vlan_vid/mod_vlan_vid:100/' |
		sort
}

case_localnet() {
	local cap=$WEFTD_DIR/ln.pcap tun=$WEFTD_DIR/ln-tun.pcap out key kln
	local ofa ofb
	ip link add eA netns nA type veth peer name eB netns nB || fail "eA-eB"
	ip -n nA link set eA up && ip -n nB link set eB up || fail "eA/eB up"
	nvsctl nA add-br br-phys -- add-port br-phys eA \
		-- set Open_vSwitch . external_ids:ovn-bridge-mappings=physnet1:br-phys ||
		fail "nA: br-phys"
	novs nB ovs-vsctl add-br br-phys -- add-port br-phys eB \
		-- set Open_vSwitch . external_ids:ovn-bridge-mappings=physnet1:br-phys ||
		fail "nB: br-phys"
	nbctl lsp-add ls1 ln1 -- lsp-set-type ln1 localnet \
	   -- lsp-set-addresses ln1 unknown \
	   -- lsp-set-options ln1 network_name=physnet1 \
	   -- set Logical_Switch_Port ln1 tag_request=100 || fail "ln1"
	wait_hv || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 30 eval 'nvsctl nA get Interface patch-br-int-to-ln1 ofport | grep -q "^[1-9]"' ||
		fail "nA: no patch port for ln1"
	wait_for 30 eval 'novs nB ovs-vsctl get Interface patch-br-int-to-ln1 ofport | grep -q "^[1-9]"' ||
		fail "nB: ovn-controller made no patch port for ln1"
	dump_state localnet
	key=$(dkey ls1) kln=$(pkey ln1)
	ofa=$(nvsctl nA get Interface patch-br-int-to-ln1 ofport)
	ofb=$(novs nB ovs-vsctl get Interface patch-br-int-to-ln1 ofport)
	ln_rules "$WEFT_RESULTS/flows-weft-localnet.txt" "$ofa" "$kln" "$key" \
		>"$WEFT_RESULTS/ln-rules-weft.txt"
	ln_rules "$WEFT_RESULTS/flows-ovs-localnet.txt" "$ofb" "$kln" "$key" \
		>"$WEFT_RESULTS/ln-rules-ovs.txt"
	out=$(cat "$WEFT_RESULTS/ln-rules-ovs.txt")
	[ "$(echo "$out" | grep -c table=)" -ge 5 ] ||
		fail "ovn-controller's localnet rules are not in its dump: '$out'"
	assert_eq "$(cat "$WEFT_RESULTS/ln-rules-weft.txt")" "$out" \
		"the localnet port's rules: weft's are ovn-controller's"
	tcpdump_start nA uA "$tun" udp
	tcpdump_start nA eA "$cap" -e icmp
	ping_ok pod1 10.0.1.12 5 || fail "ping pod1 (weft) -> pod2 (OVS) over physnet1"
	ping_ok pod2 10.0.1.11 3 || fail "ping pod2 (OVS) -> pod1 (weft) over physnet1"
	tcpdump_stop
	save "$cap" "$tun"
	out=$(tcpdump -n -e -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/ln-wire.txt"
	assert_match "$out" "vlan 100, .*10.0.1.11 > 10.0.1.12: ICMP echo request" \
		"weft's request on physnet1, VLAN 100"
	assert_match "$out" "vlan 100, .*10.0.1.12 > 10.0.1.11: ICMP echo request" \
		"ovn-controller's request on physnet1, VLAN 100"
	assert_eq "$(pcap_count "$tun" 'port 6081 or port 4789')" 0 \
		"no tunnel frame for ls1"
}

# lp_rules FILE OFPORT KEY DPKEY: the rules of a dump-flows FILE that
# concern localport meta (its interface is OFPORT, its key KEY on
# datapath DPKEY): table 0's from it, 39's for its packets, 40, 41 and
# 65's to it; counters dropped, the port named MP, the ct zones Z;
# sorted. Left out: weft's loopback rule in 65 (as in ln_rules), and the
# multicast groups' rules (both deliver to a localport in 39, but
# ovn-controller loads its zone in the group's 40 rule, weft with the
# delivery).
lp_rules() {
	local f=$1 of=$2 kx md
	kx=$(printf 0x%x "$3")
	md="reg15=$kx,metadata=$(printf 0x%x "$4")"
	grep -E "table=0, .*in_port=$of |table=39, .*priority=150,reg14=$kx,|table=(40|41|65), .*$md " "$f" |
		grep -v -e "priority=110,in_port=$of," |
		sed -e 's/ *cookie=[^ ]* //' -e 's/duration=[^ ]* //' \
		    -e 's/n_packets=[^ ]* //' -e 's/n_bytes=[^ ]* //' \
		    -e 's/idle_age=[^ ]* //' -e 's/hard_age=[^ ]* //' \
		    -e "s/in_port=$of /in_port=MP /" -e "s/output:$of\$/output:MP/" \
		    -e 's/load:0x[0-9a-f]*->NXM_NX_REG1\([123]\)\[\]/load:Z->NXM_NX_REG1\1[]/g' |
		sort
}

case_localport() {
	local key kmeta ofa ofb a0 b0 a1 b1 MM=0a:00:00:00:01:fe
	nbctl lsp-add ls1 meta -- lsp-set-type meta localport \
	   -- lsp-set-addresses meta "$MM 10.0.1.254" || fail "meta"
	vm_up metaA nA mA 10.0.1.254/24 $MM 1400
	vm_up metaB nB mB 10.0.1.254/24 $MM 1400
	nvsctl nA add-port br-int mA -- set Interface mA \
		external_ids:iface-id=meta || fail "nA: mA"
	ovs_chassis_port nB mB meta || fail "nB: mB"
	wait_hv || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 30 eval 'novs nB ovs-ofctl dump-flows br-int table=39 | grep -q "priority=150"' ||
		fail "nB: ovn-controller has no localport rule in 39"
	dump_state localport
	assert_eq "" "$(sbctl --bare --columns=chassis find Port_Binding logical_port=meta)" \
		"meta is bound to no chassis"
	key=$(dkey ls1) kmeta=$(pkey meta)
	ofa=$(nvsctl nA get Interface mA ofport)
	ofb=$(novs nB ovs-vsctl get Interface mB ofport)
	lp_rules "$WEFT_RESULTS/flows-weft-localport.txt" "$ofa" "$kmeta" "$key" \
		>"$WEFT_RESULTS/lp-rules-weft.txt"
	lp_rules "$WEFT_RESULTS/flows-ovs-localport.txt" "$ofb" "$kmeta" "$key" \
		>"$WEFT_RESULTS/lp-rules-ovs.txt"
	[ "$(grep -c table= "$WEFT_RESULTS/lp-rules-ovs.txt")" -ge 5 ] ||
		fail "ovn-controller's localport rules are not in its dump"
	assert_eq "$(cat "$WEFT_RESULTS/lp-rules-ovs.txt")" \
		"$(cat "$WEFT_RESULTS/lp-rules-weft.txt")" \
		"the localport's rules: weft's are ovn-controller's"
	a0=$(icmp_in_echos metaA) b0=$(icmp_in_echos metaB)
	ping_ok pod1 10.0.1.254 3 || fail "ping pod1 (weft) -> meta"
	a1=$(icmp_in_echos metaA) b1=$(icmp_in_echos metaB)
	log "pod1 -> meta: metaA $a0 -> $a1, metaB $b0 -> $b1"
	[ "$a1" -gt "$a0" ] && [ "$b1" = "$b0" ] ||
		fail "pod1's pings: metaA $a0 -> $a1, metaB $b0 -> $b1"
	ping_ok pod2 10.0.1.254 3 || fail "ping pod2 (OVS) -> meta"
	a0=$(icmp_in_echos metaA) b0=$(icmp_in_echos metaB)
	log "pod2 -> meta: metaA $a1 -> $a0, metaB $b1 -> $b0"
	[ "$b0" -gt "$b1" ] && [ "$a0" = "$a1" ] ||
		fail "pod2's pings: metaA $a1 -> $a0, metaB $b1 -> $b0"
}

setup
run_case geneve
run_case router
run_case vxlan
run_case localnet
run_case localport
finish
