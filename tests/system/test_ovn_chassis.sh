#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8, the node side: weftd becomes an OVN chassis when the
# Open_vSwitch record carries the keys ovn-controller reads, against the
# real OVN control plane (NB and SB ovsdb-servers and ovn-northd, from the
# host's ovn-central, started here with private sockets). The oracles are
# OVN's own tools: ovn-sbctl (Chassis, Encap, Chassis_Private,
# Port_Binding) and ovn-nbctl (--wait=hv, Logical_Switch_Port.up).
#
#   ovn-nbctl ─ NB ─ ovn-northd ─ SB ◄── weftd (system-id hv-a, br-int)
#                                  ▲        └ vm1 (iface-id lp1)
#                        ovn-sbctl (a second, fake chassis hv-b)
#
# Run: scripts/vm-run tests/system/test_ovn_chassis.sh
. "$(dirname "$0")/weftd_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

# ---- helpers ------------------------------------------------------------------

chassis_uuid() { sbctl --bare --columns=_uuid find Chassis name="$1"; }
pb_chassis() { sbctl --bare --columns=chassis find Port_Binding logical_port="$1"; }
lsp_up() { nbctl get Logical_Switch_Port "$1" up; }
installed() { vsctl get Interface "$1" external_ids:ovn-installed 2>/dev/null; }
status_json() { appctl --format=json ovn/status; }
status_field() { status_json | "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
# encaps: "type ip csum;" per Encap row, sorted (one ovn-sbctl call:
# each costs a few hundred ms in the VM).
encaps() {
	sbctl --bare --format=csv --no-headings --columns=type,ip,options \
		list Encap | sort | tr '\n' ';'
}

# weftd_wait_exit: weftd (asked to exit) is gone within 15 s; reaped.
weftd_wait_exit() {
	local i
	for ((i = 0; i < 150; i++)); do
		[ "$(ps -o stat= -p "$WEFTD_PID" 2>/dev/null | cut -c1)" = Z ] && break
		kill -0 "$WEFTD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$WEFTD_PID" 2>/dev/null &&
		[ "$(ps -o stat= -p "$WEFTD_PID" | cut -c1)" != Z ] && return 1
	wait "$WEFTD_PID" 2>/dev/null
	WEFTD_PID=
}

setup() {
	require "$WEFTD" "$VSCTL" "$APPCTL" ovsdb-server ovsdb-tool \
		ovn-northd ovn-nbctl ovn-sbctl "$PY"
	weft_load
	ovn_start || die "the OVN control plane did not start"
	wait_for 20 nbctl show || die "NB does not answer"
	wait_for 20 sbctl show || die "SB does not answer"
	# A row of the same name left behind (by an earlier run, or by
	# ovn-controller): it must be taken over, not duplicated.
	sbctl chassis-add hv-a vxlan 192.0.2.99 || die "chassis-add"
	STALE_UUID=$(chassis_uuid hv-a)
	weftd_start || die "weftd did not start"
}

# ---- cases --------------------------------------------------------------------

case_register() {
	local u
	vsctl set Open_vSwitch . external_ids:system-id=hv-a \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.0.2.10 || { fail "vsctl set"; return; }
	wait_for 30 eval '[ "$(encaps)" = "geneve,192.0.2.10,csum=true;" ]' ||
		fail "Encaps of hv-a: $(encaps)"
	sbctl show | tee "$WEFT_RESULTS/sbctl-show.register"
	u=$(chassis_uuid hv-a)
	assert_eq "$STALE_UUID" "$u" "the stale Chassis row taken over (same UUID, one row)"
	assert_eq 1 "$(sbctl --bare --columns=_uuid list Chassis | grep -c .)" "Chassis rows"
	assert_eq '"true"' "$(sbctl get Chassis hv-a other_config:port-up-notif)" "port-up-notif advertised"
	assert_eq "$u" "$(sbctl --bare --columns=chassis find Chassis_Private name=hv-a)" "Chassis_Private"
	# ovn-bridge created as ovn-controller does.
	assert_eq secure "$(vsctl get Bridge br-int fail_mode)" "br-int fail_mode"
	# weftd learns of its rows from the SB's update, maybe after ovn-sbctl.
	wait_for 10 eval '[ "$(status_field "d[\"registered\"]")" = True ]' ||
		fail "ovn/status: not registered"
	assert_eq "$u" "$(status_field 'd["chassis_uuid"]')" "ovn/status chassis_uuid"
	appctl ovn/status
}

case_port_up() {
	nbctl ls-add ls1 -- lsp-add ls1 lp1 -- \
		lsp-set-addresses lp1 "0a:00:00:00:00:01 10.0.0.1" || { fail "nbctl"; return; }
	vsctl add-port br-int vm1 -- set Interface vm1 type=internal \
		external_ids:iface-id=lp1 || { fail "add-port"; return; }
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync ||
		{ fail "ovn-nbctl --wait=hv sync did not return"; return; }
	# --wait=hv returned: the port must already be up everywhere.
	assert_eq true "$(lsp_up lp1)" "NB Logical_Switch_Port lp1 up right after --wait=hv"
	assert_eq '"true"' "$(installed vm1)" "vm1 ovn-installed"
	assert_eq "$(chassis_uuid hv-a)" "$(pb_chassis lp1)" "Port_Binding lp1 chassis"
	assert_eq true "$(sbctl get Port_Binding lp1 up)" "Port_Binding lp1 up"
	assert_eq "$(nbctl get NB_Global . nb_cfg)" \
		"$(sbctl get Chassis_Private hv-a nb_cfg)" "Chassis_Private nb_cfg acknowledged"
	[ "$(sbctl get Chassis_Private hv-a nb_cfg_timestamp)" -gt 0 ] ||
		fail "nb_cfg_timestamp not set"
}

case_encap_change() {
	local u=$(chassis_uuid hv-a)
	vsctl set Open_vSwitch . external_ids:ovn-encap-ip=192.0.2.20 || { fail "vsctl"; return; }
	wait_for 20 eval '[ "$(encaps)" = "geneve,192.0.2.20,csum=true;" ]' ||
		fail "Encap after the ip change: $(encaps)"
	vsctl set Open_vSwitch . external_ids:ovn-encap-type=geneve,vxlan || { fail "vsctl"; return; }
	wait_for 20 eval '[ "$(encaps)" = "geneve,192.0.2.20,csum=true;vxlan,192.0.2.20,csum=true;" ]' ||
		fail "Encaps for geneve,vxlan: $(encaps)"
	vsctl set Open_vSwitch . external_ids:ovn-encap-type=geneve || { fail "vsctl"; return; }
	wait_for 20 eval '[ "$(encaps)" = "geneve,192.0.2.20,csum=true;" ]' ||
		fail "Encap back to geneve: $(encaps)"
	assert_eq "$u" "$(chassis_uuid hv-a)" "the Chassis row kept across key changes"
	assert_eq "$(chassis_uuid hv-a)" "$(pb_chassis lp1)" "lp1 still bound"
}

case_release() {
	vsctl del-port br-int vm1 || { fail "del-port"; return; }
	wait_for 20 eval '[ -z "$(pb_chassis lp1)" ]' || fail "lp1 not released: $(pb_chassis lp1)"
	wait_for 20 eval '[ "$(lsp_up lp1)" = false ]' || fail "NB lp1 up: $(lsp_up lp1)"
	# Back, for what follows.
	vsctl add-port br-int vm1 -- set Interface vm1 type=internal \
		external_ids:iface-id=lp1 || { fail "add-port"; return; }
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync || fail "--wait=hv"
	assert_eq true "$(lsp_up lp1)" "lp1 up again"
}

# Another chassis (a fake one, as ovn-sbctl makes it) claims lp1, as the
# destination of a migration does: weftd gives the port up and does not
# take it back (no flapping) until requested-chassis names it.
case_migration() {
	local b claims
	sbctl chassis-add hv-b geneve 192.0.2.11 || { fail "chassis-add hv-b"; return; }
	b=$(chassis_uuid hv-b)
	claims=$(status_field 'd["counters"]["claims"]')
	sbctl set Port_Binding lp1 chassis="$b" up=false || { fail "claim by hv-b"; return; }
	wait_for 20 eval '[ -z "$(installed vm1)" ]' || fail "vm1 still ovn-installed"
	sleep 2
	assert_eq "$b" "$(pb_chassis lp1)" "lp1 stays on hv-b"
	assert_eq "$claims" "$(status_field 'd["counters"]["claims"]')" "claims by weftd after the move"
	assert_eq True "$(status_field '[p["lost"] for p in d["ports"]][0]')" "ovn/status: lp1 lost"
	grep -q "lp1 claimed by chassis hv-b: giving it up" "$WEFTD_LOG" || fail "no log of the move"
	# Requested back here: claimed again.
	nbctl lsp-set-options lp1 requested-chassis=hv-a || { fail "requested-chassis"; return; }
	wait_for 20 eval '[ "$(pb_chassis lp1)" = "$(chassis_uuid hv-a)" ]' ||
		fail "lp1 not claimed back: $(pb_chassis lp1)"
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync || fail "--wait=hv"
	wait_for 20 eval '[ "$(installed vm1)" = "\"true\"" ]' || fail "vm1 not ovn-installed again"
	# Requested elsewhere: released, and not claimed.
	nbctl lsp-set-options lp1 requested-chassis=hv-b || { fail "requested-chassis"; return; }
	wait_for 20 eval '[ -z "$(pb_chassis lp1)" ]' || fail "lp1 not released for hv-b: $(pb_chassis lp1)"
	sleep 1
	assert_eq "" "$(pb_chassis lp1)" "lp1 left alone while requested by hv-b"
	nbctl remove Logical_Switch_Port lp1 options requested-chassis || fail "nbctl remove"
	sbctl chassis-del hv-b || fail "chassis-del hv-b"
	wait_for 20 eval '[ "$(pb_chassis lp1)" = "$(chassis_uuid hv-a)" ]' ||
		fail "lp1 not claimed once free: $(pb_chassis lp1)"
}

case_sb_restart() {
	local u=$(chassis_uuid hv-a)
	sb_stop || { fail "SB did not stop"; return; }
	wait_for 20 eval '[ "$(status_field "d[\"sb\"][\"state\"]")" != active ]' ||
		fail "weftd did not notice the SB going away"
	sb_start || { fail "SB did not start again"; return; }
	wait_for 30 eval '[ "$(status_field "d[\"sb\"][\"state\"]")" = active ]' ||
		fail "weftd did not reconnect: $(appctl ovn/status)"
	assert_eq 2 "$(status_field 'd["sb"]["connects"]')" "SB sessions"
	assert_eq "$u" "$(chassis_uuid hv-a)" "Chassis after the SB restart"
	assert_eq "$u" "$(pb_chassis lp1)" "lp1 after the SB restart"
	# Still working: a new port claimed and up.
	nbctl lsp-add ls1 lp2 || { fail "lsp-add lp2"; return; }
	vsctl add-port br-int vm2 -- set Interface vm2 type=internal \
		external_ids:iface-id=lp2 || { fail "add-port vm2"; return; }
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync || fail "--wait=hv"
	assert_eq true "$(lsp_up lp2)" "lp2 up after the SB restart"
}

# A new system-id: the old name's rows go (their Encap would collide on
# type+ip), the new name registers and binds the ports; and back.
case_rename() {
	local to from
	for to in hv-c hv-a; do
		from=$([ "$to" = hv-c ] && echo hv-a || echo hv-c)
		vsctl set Open_vSwitch . external_ids:system-id=$to || { fail "vsctl"; return; }
		wait_for 30 eval '[ -n "$(chassis_uuid $to)" ] && [ "$(pb_chassis lp1)" = "$(chassis_uuid $to)" ]' ||
			fail "$to does not hold lp1: $(sbctl show)"
		assert_eq "" "$(chassis_uuid $from)" "the Chassis of the old name $from"
		assert_eq "" "$(sbctl --bare --columns=_uuid find Chassis_Private name=$from)" "Chassis_Private $from"
		assert_eq "geneve,192.0.2.20,csum=true;" "$(encaps)" "Encaps after the rename to $to"
	done
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync || fail "--wait=hv"
	assert_eq true "$(lsp_up lp1)" "lp1 up after the renames"
}

case_exit_restart() {
	local u=$(chassis_uuid hv-a)
	appctl exit --restart || fail "exit --restart"
	weftd_wait_exit || fail "weftd did not exit"
	assert_eq "$u" "$(chassis_uuid hv-a)" "Chassis kept by exit --restart"
	assert_eq "$u" "$(sbctl --bare --columns=chassis find Chassis_Private name=hv-a)" "Chassis_Private kept"
	assert_eq "$u" "$(pb_chassis lp1)" "lp1 kept"
	weftd_start || { fail "weftd did not start again"; return; }
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync || fail "--wait=hv after the restart"
	assert_eq "$u" "$(chassis_uuid hv-a)" "the same Chassis after the restart"
	assert_eq true "$(lsp_up lp1)" "lp1 up after the restart"
}

case_exit() {
	appctl exit || fail "exit"
	weftd_wait_exit || fail "weftd did not exit"
	assert_eq "" "$(chassis_uuid hv-a)" "Chassis deleted by exit"
	assert_eq "" "$(sbctl --bare --columns=_uuid find Chassis_Private name=hv-a)" "Chassis_Private deleted"
	assert_eq "" "$(sbctl --bare --columns=_uuid list Encap)" "Encaps deleted"
	assert_eq "" "$(pb_chassis lp1)" "lp1 released"
	assert_eq "" "$(pb_chassis lp2)" "lp2 released"
	wait_for 20 eval '[ "$(lsp_up lp1)" = false ]' || fail "NB lp1 up: $(lsp_up lp1)"
}

setup
run_case register
run_case port_up
run_case encap_change
run_case release
run_case migration
run_case sb_restart
run_case rename
run_case exit_restart
run_case exit
cp "$WEFTD_LOG" "$WEFT_RESULTS/weftd.log" 2>/dev/null
finish
