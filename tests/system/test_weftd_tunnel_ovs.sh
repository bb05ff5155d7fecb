#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1200
#
# Issue 5, weft <-> OVS: node A runs weftd on weft.ko, node B the real
# ovs-vswitchd on openvswitch.ko (in its own namespace, so that its
# genev_sys_6081 and weft's geneve vport do not share a UDP port). Both use
# OVN's tunnel layout: remote_ip=flow, key=flow, a TLV map mapping
# {class=0x0102,type=0x80,len=4} to tun_metadata0, rules that set the VNI,
# the remote and the option on the way out and match them on the way in.
#
#   netns vmA 10.30.0.1 ══ pA ┐                        ┌ pB ══ 10.30.0.2 vmB
#                             br-int (weftd, netns nA)  br-int (ovs-vswitchd,
#                             uA 192.168.70.1 ══════════ uB 192.168.70.2  nB)
#
#   ping, tcp     both directions
#   option        each side's receiving rule (tun_id=0x9 and the other
#                 side's option value) counts the packets: the option went
#                 across and was matched; the datapath flows show it
#   wrong_option  a packet whose option does not match the receiver's rule
#                 is not delivered (the option is really matched)
. "$(dirname "$0")/weftd_tunnel_lib.sh"

TLV='{class=0x0102,type=0x80,len=4}->tun_metadata0'

# ovs_start_in NS: ovsdb-server, and ovs-vswitchd in NS, private dirs.
ovs_start_in() {
	local ns=$1 up
	modprobe openvswitch || die "modprobe openvswitch"
	modprobe geneve || die "modprobe geneve"
	OVS_DIR=$(mktemp -d /tmp/ovs.XXXXXX)
	export OVS_RUNDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR \
		OVS_SYSCONFDIR=$OVS_DIR OVS_PKGDATADIR=/usr/share/openvswitch
	up=$(cut -d. -f1 /proc/uptime)
	[ "$up" -ge 12 ] || sleep $((12 - up))
	ovsdb-tool create "$OVS_DIR/conf.db" \
		/usr/share/openvswitch/vswitch.ovsschema || die "ovsdb-tool"
	ovsdb-server --detach --no-chdir --pidfile="$OVS_DIR/ovsdb-server.pid" \
		--log-file="$OVS_DIR/ovsdb-server.log" \
		--remote=punix:"$OVS_DIR/db.sock" "$OVS_DIR/conf.db" ||
		die "ovsdb-server did not start"
	on_exit _ovs_ns_exit "$ns"
	ovs-vsctl --db=unix:"$OVS_DIR/db.sock" --no-wait init || die "init"
	in_ns "$ns" ovs-vswitchd --detach --no-chdir \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" \
		--log-file="$OVS_DIR/ovs-vswitchd.log" \
		unix:"$OVS_DIR/db.sock" || die "ovs-vswitchd did not start"
	export OVS_DB=unix:$OVS_DIR/db.sock
	wait_for 60 ovs-appctl -t ovs-vswitchd version ||
		die "ovs-vswitchd does not answer"
}

_ovs_ns_exit() {
	local ns=$1
	[ -n "$OVS_DIR" ] || return 0
	ovs-vsctl --db="$OVS_DB" --timeout=5 -- --if-exists del-br br-int
	ovs_stop
	cp "$OVS_DIR"/*.log "$WEFT_RESULTS"/ 2>/dev/null
	in_ns "$ns" ovs-dpctl del-dp ovs-system 2>/dev/null
	rm -rf "$OVS_DIR"
	OVS_DIR=
}

setup() {
	modprobe veth
	# weft.ko's tunnel vports need the kernel's UDP tunnel helpers.
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$OFCTL" "$DPCTL" ovs-vswitchd ovs-ofctl \
		ethtool
	weft_load
	underlay_up
	vm_up vmA nA pA 10.30.0.1/24 02:00:00:00:30:01
	vm_up vmB nB pB 10.30.0.2/24 02:00:00:00:30:02
	ping_ok nA 192.168.70.2 3 || die "the underlay does not work"

	nweftd_start nA || die "weftd in nA did not start"
	nvsctl nA add-br br-int -- set bridge br-int fail_mode=secure -- \
		add-port br-int pA -- set Interface pA ofport_request=1 -- \
		add-port br-int gnv -- set Interface gnv type=geneve \
		options:remote_ip=flow options:key=flow options:csum=true \
		ofport_request=10 || die "nA: br-int"
	nofctl nA add-tlv-map br-int "$TLV" || die "nA: add-tlv-map"
	nofctl nA add-flows br-int - <<-EOF || die "nA: add-flows"
	table=0,priority=100,in_port=1,actions=set_field:0x9->tun_id,set_field:192.168.70.2->tun_dst,set_field:0x10002->tun_metadata0,output:10
	table=0,priority=100,in_port=10,tun_id=0x9,tun_metadata0=0x20001,actions=output:1
	EOF

	ovs_start_in nB
	ovs_vsctl add-br br-int -- set bridge br-int fail_mode=secure -- \
		add-port br-int pB -- set Interface pB ofport_request=1 -- \
		add-port br-int gnv -- set Interface gnv type=geneve \
		options:remote_ip=flow options:key=flow options:csum=true \
		ofport_request=10 || die "nB: OVS br-int"
	ovs_ofctl add-tlv-map br-int "$TLV" || die "nB: ovs-ofctl add-tlv-map"
	ovs_ofctl del-flows br-int
	ovs_ofctl add-flows br-int - <<-EOF || die "nB: ovs-ofctl add-flows"
	table=0,priority=100,in_port=1,actions=set_field:0x9->tun_id,set_field:192.168.70.1->tun_dst,set_field:0x20001->tun_metadata0,output:10
	table=0,priority=100,in_port=10,tun_id=0x9,tun_metadata0=0x10002,actions=output:1
	EOF
	ovs_ofctl dump-tlv-map br-int
	nofctl nA dump-tlv-map br-int
}

case_ping() {
	ping_ok vmA 10.30.0.2 5 || fail "ping weft -> OVS"
	ping_ok vmB 10.30.0.1 5 || fail "ping OVS -> weft"
}

case_tcp() {
	iperf_ok vmB vmA 10.30.0.2 1M 5201 || fail "TCP weft -> OVS"
	iperf_ok vmA vmB 10.30.0.1 1M 5202 || fail "TCP OVS -> weft"
}

case_option() {
	local a b out
	a=$(nofctl nA dump-flows br-int | grep 'tun_metadata0=0x20001' |
	    sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')
	b=$(ovs_ofctl dump-flows br-int | grep 'tun_metadata0=0x10002' |
	    sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')
	[ "${a:-0}" -ge 5 ] || fail "weft's rule for OVS's option counted ${a:-0}"
	[ "${b:-0}" -ge 5 ] || fail "OVS's rule for weft's option counted ${b:-0}"
	out=$(in_ns nB ovs-dpctl dump-flows 2>&1)
	echo "$out" >"$WEFT_RESULTS/ovs-dp-flows.txt"
	assert_match "$out" 'tunnel\(tun_id=0x9,src=192.168.70.1,dst=192.168.70.2,geneve\(\{class=0x102,type=0x80,len=4,0x10002' \
		"OVS's datapath sees weft's option"
	out=$(ndp_flows nA)
	echo "$out" >"$WEFT_RESULTS/weft-dp-flows.txt"
	assert_match "$out" 'tunnel\(tun_id=0x9,src=192.168.70.2,dst=192.168.70.1,.*geneve\(\{class=0x102,type=0x80,len=4,0x20001' \
		"weft's datapath sees OVS's option"
}

case_wrong_option() {
	# OVS now sends 0x20002: weft's rule wants 0x20001.
	ovs_ofctl mod-flows br-int "table=0,in_port=1,actions=set_field:0x9->tun_id,set_field:192.168.70.1->tun_dst,set_field:0x20002->tun_metadata0,output:10"
	sleep 1
	ping_fail vmB 10.30.0.1 || fail "a packet with the wrong option was delivered"
	ovs_ofctl mod-flows br-int "table=0,in_port=1,actions=set_field:0x9->tun_id,set_field:192.168.70.1->tun_dst,set_field:0x20001->tun_metadata0,output:10"
	ping_ok vmB 10.30.0.1 5 || fail "ping OVS -> weft after restoring the option"
}

setup
run_case ping
run_case tcp
run_case option
run_case wrong_option
finish
