#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 9, weft-cni in OVN mode against the real OVN control plane (NB and
# SB ovsdb-servers and ovn-northd from the host's ovn-central, private
# sockets), weftd the chassis hv-a: a network with no "ipam" takes the
# pod's MAC and IP from its logical switch port's addresses in the SB
# (Port_Binding.mac, through weftd's ovn/port-info), its prefix and
# default route from the router port on the switch (lrp1's networks);
# ADD returns once the port is bound and ovn-installed (NB port up);
# CHECK passes; DEL releases the port. An LSP that does not exist: code 11
# after ovnTimeout, nothing left. Dynamic addresses (not in the SB in
# 23.03): code 7. STATUS: 0, then 50 naming the SB while the SB
# ovsdb-server is down, 0 again after its restart.
#
#   ovn-nbctl ─ NB ─ ovn-northd ─ SB ◄── weftd hv-a (br-int)
#   ls1 10.1.0.0/24 ── lr1 ── ls2 10.2.0.0/24
#    ├ pod-a 0a:00:00:00:01:0a 10.1.0.10   (pod pa)
#    └ pod-b 0a:00:00:00:01:0b 10.1.0.11   (pod pb)   pod-c 10.2.0.10 (pc)
#
# forwarding: pods reach each other through the switch and the router
# (the chassis's compiled flows).
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_cni_ovn.sh
. "$(dirname "$0")/cni_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

status_field() { appctl --format=json ovn/status | "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# ovn_net NAME FILE KEYS: a conflist of weft-cni in OVN mode, no IPAM,
# with KEYS ('"ovnPort": "p"', later keys win) added to weft-cni's.
ovn_net() { cni_net "$1" "$2" "{\"ovn\": true, \"ipam\": null, \"ovnTimeout\": 30, $3}"; }
# cni_err OUTPUT: "CODE MESSAGE" of an error object (one python start:
# each costs a second or more in a loaded guest).
cni_err() { json_get "$1" '"%s %s" % (r["code"], r["msg"])' 2>/dev/null; }

setup() {
	modprobe veth
	require "$WEFTD" "$VSCTL" "$APPCTL" "$CNI_BIN" ovsdb-server ovsdb-tool \
		ovn-northd ovn-nbctl ovn-sbctl "$PY"
	weft_load
	ovn_start || die "the OVN control plane did not start"
	wait_for 20 nbctl show || die "NB does not answer"
	wait_for 20 sbctl show || die "SB does not answer"
	weftd_start || die "weftd did not start"
	# ovn-monitor-all: the router's Port_Bindings (its networks, the
	# pods' gateway) are in the replica whatever the chassis's local
	# datapaths are.
	vsctl set Open_vSwitch . external_ids:system-id=hv-a \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.0.2.10 \
		external_ids:ovn-monitor-all=true || die "vsctl set"
	wait_for 30 eval '[ "$(status_field "d[\"registered\"]")" = True ]' ||
		die "chassis hv-a not registered: $(appctl ovn/status)"
	nbctl ls-add ls1 -- ls-add ls2 -- lr-add lr1 \
		-- lrp-add lr1 lrp1 00:00:00:00:ff:01 10.1.0.1/24 \
		-- lrp-add lr1 lrp2 00:00:00:00:ff:02 10.2.0.1/24 \
		-- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
		-- lsp-set-addresses ls1-lr1 router \
		-- lsp-set-options ls1-lr1 router-port=lrp1 \
		-- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
		-- lsp-set-addresses ls2-lr1 router \
		-- lsp-set-options ls2-lr1 router-port=lrp2 \
		-- lsp-add ls1 pod-a \
		-- lsp-set-addresses pod-a "0a:00:00:00:01:0a 10.1.0.10" \
		-- lsp-add ls1 pod-b \
		-- lsp-set-addresses pod-b "0a:00:00:00:01:0b 10.1.0.11" \
		-- lsp-add ls2 pod-c \
		-- lsp-set-addresses pod-c "0a:00:00:00:02:0a 10.2.0.10" \
		-- lsp-add ls1 pod-dyn -- lsp-set-addresses pod-dyn dynamic \
		-- set Logical_Switch ls1 other_config:subnet=10.1.0.0/24 ||
		die "the logical topology"
	nbctl --wait=sb sync || die "ovn-northd did not sync"
}

case_sb_addresses() {
	local out host
	ovn_net ovn "$CNI_DIR/ovn.json" '"ovnPort": "pod-a"'
	pod_add pa
	out=$(cni ADD "$CNI_DIR/ovn.json" pa pa eth0) || { fail "ADD: $out"; return; }
	echo "$out" >"$WEFT_RESULTS/add-pod-a.json"
	# One python start for the result's fields (each costs ~0.5 s here).
	read -r host rmac raddr rgw rroute < <(json_get "$out" \
		'" ".join([r["interfaces"][0]["name"], r["interfaces"][1]["mac"],
		 r["ips"][0]["address"], r["ips"][0].get("gateway", "-"),
		 "%s,%s" % (r["routes"][0]["dst"], r["routes"][0]["gw"])])')
	# What the SB says, end to end: MAC, address with the router
	# network's prefix, gateway, default route.
	assert_eq 0a:00:00:00:01:0a "$(mac_of pa eth0)" "pod MAC from Port_Binding.mac"
	assert_eq 0a:00:00:00:01:0a "$rmac" "result's MAC"
	assert_eq 10.1.0.10/24 "$raddr" "result's address"
	assert_eq 10.1.0.1 "$rgw" "result's gateway (lrp1)"
	assert_eq 0.0.0.0/0,10.1.0.1 "$rroute" "result's default route"
	in_ns pa ip -4 -br addr show eth0 | grep -q ' 10.1.0.10/24' ||
		fail "pod address: $(in_ns pa ip -4 -br addr show eth0)"
	in_ns pa ip route | grep -q '^default via 10.1.0.1 dev eth0' ||
		fail "pod default route: $(in_ns pa ip route)"
	# ADD returned: bound here and installed, the NB port up.
	assert_eq '"true"' "$(vsctl get Interface "$host" external_ids:ovn-installed)" "ovn-installed at ADD's return"
	assert_eq pod-a "$(vsctl get Interface "$host" external_ids:iface-id | tr -d \")" "iface-id"
	assert_eq "$(sbctl --bare --columns=_uuid find Chassis name=hv-a)" \
		"$(sbctl --bare --columns=chassis find Port_Binding logical_port=pod-a)" "Port_Binding pod-a chassis"
	wait_for 10 eval '[ "$(nbctl get Logical_Switch_Port pod-a up)" = true ]' ||
		fail "NB pod-a not up"
	appctl ovn/port-info pod-a >"$WEFT_RESULTS/port-info-pod-a.txt"
	grep -q 'bound to hv-a (this chassis), ovn-installed' "$WEFT_RESULTS/port-info-pod-a.txt" ||
		fail "ovn/port-info: $(cat "$WEFT_RESULTS/port-info-pod-a.txt")"
	assert_ok cni CHECK "$CNI_DIR/ovn.json" pa pa eth0
	# CHECK sees a difference made behind its back.
	in_ns pa ip addr del 10.1.0.10/24 dev eth0
	out=$(cni CHECK "$CNI_DIR/ovn.json" pa pa eth0)
	assert_match "$(cni_err "$out")" '^104 address 10.1.0.10/24 is missing' "CHECK after the address went"
	assert_ok cni DEL "$CNI_DIR/ovn.json" pa pa eth0
	wait_for 10 eval '[ -z "$(sbctl --bare --columns=chassis find Port_Binding logical_port=pod-a)" ]' ||
		fail "pod-a still bound after DEL"
	cni_clean_check sb_addresses
}

case_no_such_port() {
	local out t0 t1
	ovn_net ovn "$CNI_DIR/nope.json" '"ovnPort": "no-such-lsp", "ovnTimeout": 2'
	pod_add pn
	t0=$(date +%s)
	out=$(cni ADD "$CNI_DIR/nope.json" pn pn eth0)
	t1=$(date +%s)
	assert_match "$(cni_err "$out")" "^11 OVN port no-such-lsp is not in the chassis's SB" "ADD of a port the SB lacks"
	[ $((t1 - t0)) -ge 2 ] || fail "gave up before ovnTimeout"
	out=$(appctl ovn/port-info no-such-lsp 2>&1)
	assert_match "$out" 'no logical port no-such-lsp' "ovn/port-info of an unknown port"
	# Dynamic addresses live in the NB only (northd 23.03 writes
	# "dynamic" into Port_Binding.mac).
	ovn_net ovn "$CNI_DIR/dyn.json" '"ovnPort": "pod-dyn", "ovnTimeout": 10'
	out=$(cni ADD "$CNI_DIR/dyn.json" pn pn eth0)
	assert_match "$(cni_err "$out")" '^7 OVN port pod-dyn has dynamic addresses' "ADD of a dynamic port"
	cni_clean_check no_such_port
}

case_status() {
	local out
	ovn_net ovn "$CNI_DIR/st.json" '"ovnPort": "pod-a"'
	assert_ok cni STATUS "$CNI_DIR/st.json"
	sb_stop || { fail "the SB did not stop"; return; }
	wait_for 20 eval '[ "$(status_field "d[\"sb\"][\"state\"]")" != active ]' ||
		fail "weftd still thinks the SB session is active"
	out=$(cni STATUS "$CNI_DIR/st.json")
	assert_match "$(cni_err "$out")" "^50 chassis hv-a is not connected to the OVN Southbound database unix:$SB_SOCK" "STATUS with the SB down"
	sb_start || { fail "the SB did not restart"; return; }
	wait_for 30 cni STATUS "$CNI_DIR/st.json" >/dev/null ||
		fail "STATUS not 0 after the SB came back: $(cni STATUS "$CNI_DIR/st.json")"
	# Without the OVN keys weftd is no chassis: 50 says so.
	vsctl remove Open_vSwitch . external_ids ovn-remote
	out=$(cni STATUS "$CNI_DIR/st.json")
	assert_match "$(cni_err "$out")" '^50 weftd is not an OVN chassis' "STATUS of a weftd that is no chassis"
	vsctl set Open_vSwitch . external_ids:ovn-remote=unix:"$SB_SOCK"
	wait_for 30 cni STATUS "$CNI_DIR/st.json" >/dev/null ||
		fail "STATUS not 0 with ovn-remote back"
}

# Needs the chassis's physical and logical flows.
case_forwarding() {
	local out
	ovn_net ovna "$CNI_DIR/fa.json" '"ovnPort": "pod-a"'
	ovn_net ovnb "$CNI_DIR/fb.json" '"ovnPort": "pod-b"'
	ovn_net ovnc "$CNI_DIR/fc.json" '"ovnPort": "pod-c"'
	pod_add pa pb pc
	for p in a b c; do
		out=$(cni ADD "$CNI_DIR/f$p.json" p$p p$p eth0) || { fail "ADD pod-$p: $out"; return; }
	done
	ping_ok pa 10.1.0.11 || fail "pod-a cannot reach pod-b on ls1"
	ping_ok pa 10.2.0.10 || fail "pod-a cannot reach pod-c across lr1"
	appctl lflow/stats >"$WEFT_RESULTS/lflow-stats.txt" 2>&1
	ofctl dump-flows br-int >"$WEFT_RESULTS/flows.txt" 2>&1
	sbctl lflow-list >"$WEFT_RESULTS/lflows.txt" 2>&1
	sbctl show >"$WEFT_RESULTS/sb-show.txt" 2>&1
	for p in a b c; do
		assert_ok cni DEL "$CNI_DIR/f$p.json" p$p p$p eth0
	done
	cni_clean_check forwarding
}

setup
run_case sb_addresses
run_case no_such_port
run_case status
run_case forwarding
finish
