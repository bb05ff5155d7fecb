#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 240
#
# Provenance (docs/provenance.md): one weft chassis (hv1, in nA) on the
# real OVN control plane, three pods on ls1 and an NB ACL that drops ICMP
# to pod3. The real ovn-nbctl/ovn-sbctl are the oracles for UUIDs.
#
#   trace      weft-trace of pod1 -> pod3 ICMP shows the ls_out_acl
#              Logical_Flow (UUID in `ovn-sbctl list Logical_Flow`, its
#              match in `ovn-sbctl lflow-list`) "from NB ACL" and the
#              first 8 hex digits of the ACL's UUID (`ovn-nbctl list
#              ACL`); the logical stages end in ls1 egress with
#              ls_out_acl; --format json carries the same; the ping
#              really is dropped; --no-provenance leaves the lines out
#   cookie     weft-appctl ovn/lflow-by-cookie COOKIE names that lflow
#   dump       after pod1 pings pod2, weft-dpctl dump-flows --provenance
#              shows, under the ICMP megaflow, rules and lflows that all
#              exist in the SB; with weftd unreachable it warns and
#              still dumps the flows
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_provenance.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M3=0a:00:00:00:01:13

pod() {
	local pod=$1 port=$2 addr=$3 mac=$4 lsp=$5
	vm_up "$pod" nA "$port" "$addr" "$mac" 1400
	nvsctl nA add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp"
}

ports_up() {
	local p
	for p in "$@"; do
		[ "$(nbctl get Logical_Switch_Port "$p" up)" = true ] || return 1
	done
}

setup() {
	modprobe veth
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$DPCTL" ovn-northd ovn-nbctl \
		ovn-sbctl ovsdb-server
	weft_load
	underlay_up
	ovn_start || die "OVN control plane"
	nweftd_start nA || die "weftd in nA did not start"
	nvsctl nA set Open_vSwitch . external_ids:system-id=hv1 \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.168.70.1 || die "chassis keys"
	wait_for 30 nvsctl nA br-exists br-int || die "nA: no br-int"
	# ls2 (no port here) makes northd put the flows the two switches
	# share on a datapath group: their datapath comes from the rule.
	nbctl ls-add ls1 -- ls-add ls2 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" ||
		die "lsp-add"
	nbctl acl-add ls1 to-lport 1002 'outport == "lp3" && icmp4' drop ||
		die "acl-add"
	pod pod1 p1 10.0.1.11/24 $M1 lp1
	pod pod2 p2 10.0.1.12/24 $M2 lp2
	pod pod3 p3 10.0.1.13/24 $M3 lp3
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 sync ||
		die "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 ports_up lp1 lp2 lp3 || die "not every port is up"
	sbctl lflow-list >"$WEFT_RESULTS/lflow-list.txt" 2>&1
	LFLOWS=$(sbctl --bare --columns=_uuid list Logical_Flow)
	grep . <<<"$LFLOWS" >"$WEFTD_DIR/lflows.txt"
	ACL=$(nbctl --bare --columns=_uuid list ACL)
	[ -n "$ACL" ] || die "no ACL in the NB"
}

# sb_has UUID: the SB has that Logical_Flow.
sb_has() { grep -qx "$1" <<<"$LFLOWS"; }
# not_in_sb TEXT: the UUIDs of the "lflow UUID" in TEXT the SB lacks (one
# grep for all: a process start costs up to a second under TCG).
not_in_sb() {
	grep -oE 'lflow [0-9a-f-]{36}' <<<"$1" | cut -d' ' -f2 | sort -u |
		grep -vxF -f "$WEFTD_DIR/lflows.txt"
}

ICMP13="icmp,dl_src=$M1,dl_dst=$M3,nw_src=10.0.1.11,nw_dst=10.0.1.13,nw_ttl=64,icmp_type=8"

case_trace() {
	local out line uuid json p1
	p1=$(nvsctl nA get Interface p1 ofport)
	out=$(ntrace nA br-int "in_port=$p1,$ICMP13" 2>&1)
	echo "$out" >"$WEFT_RESULTS/trace-acl.txt"
	line=$(grep -m1 'lflow .* ls_out_acl(' <<<"$out")
	[ -n "$line" ] || { fail "no ls_out_acl lflow in the trace"; return; }
	assert_match "$line" "from NB ACL ${ACL:0:8}" \
		"the ACL lflow names the NB ACL ${ACL:0:8}"
	uuid=$(sed -E 's/.*lflow ([0-9a-f-]{36}) .*/\1/' <<<"$line")
	sb_has "$uuid" || fail "lflow $uuid is not in the SB's Logical_Flow"
	assert_match "$(sbctl lflow-list | grep ls_out_acl)" \
		'outport == "lp3" && icmp4' "lflow-list has the ACL's flow"
	assert_match "$line" 'match=\(outport == "lp3" && icmp4\) actions=\(' \
		"the trace shows the lflow's match"
	# Every lflow the trace names exists in the SB.
	uuid=$(not_in_sb "$out")
	[ -z "$uuid" ] || fail "trace: lflows not in the SB: $uuid"
	assert_match "$out" '^Logical stages:' "the trace ends with the stages"
	assert_match "$out" '^  ls1 egress: .*ls_out_acl\([0-9]+\)' \
		"the stages reach ls1's egress ACL"
	grep -qE '^ *lflow [0-9a-f-]{36} (ls|lr)_|^  \? ' <<<"$out" &&
		fail "an lflow without its datapath (a datapath group's)"
	assert_match "$out" '^  ls1 ingress: ls_in_check_port_sec\(0\) .*ls_in_l2_lkup\(25\)$' \
		"one run of ls1's ingress stages, group flows included"
	assert_match "$out" '^Datapath actions: drop' "the ACL drops"
	json=$(ntrace nA --format json br-int "in_port=$p1,$ICMP13" 2>&1)
	echo "$json" >"$WEFT_RESULTS/trace-acl.json"
	assert_match "$(jq -r '[.steps[].provenance.lflows[]? |
		select(.stage == "ls_out_acl") | .nb.kind + " " + .nb.hint][0]' \
		<<<"$json")" "^ACL ${ACL:0:8}$" "json: the ACL lflow's nb"
	out=$(ntrace nA --no-provenance br-int "in_port=$p1,$ICMP13" 2>&1)
	[[ $out == *"lflow "* || $out == *"Logical stages"* ]] &&
		fail "--no-provenance still shows provenance"
	ping_ok pod1 10.0.1.13 2 && fail "the ACL did not drop pod1 -> pod3"
	ping_ok pod1 10.0.1.12 2 || fail "ping pod1 -> pod2"
	return 0
}

case_cookie() {
	local line uuid out
	line=$(grep -m1 'lflow .* ls_out_acl(' "$WEFT_RESULTS/trace-acl.txt")
	uuid=$(sed -E 's/.*lflow ([0-9a-f-]{36}) .*/\1/' <<<"$line")
	[ -n "$uuid" ] || { fail "no ACL lflow from the trace case"; return; }
	out=$(nappctl nA ovn/lflow-by-cookie "0x${uuid:0:8}" 2>&1)
	echo "$out" >"$WEFT_RESULTS/lflow-by-cookie.txt"
	assert_match "$out" "lflow $uuid ls1 ls_out_acl" \
		"ovn/lflow-by-cookie names the lflow"
	out=$(nappctl nA ovn/lflow-by-cookie "$uuid" 46 2>&1)
	assert_match "$out" "lflow $uuid ls1 ls_out_acl.* from NB ACL ${ACL:0:8}" \
		"a whole UUID and the table work too"
	out=$(nappctl nA ovn/lflow-by-cookie 0x0badf00d 2>&1)
	assert_match "$out" "no Logical_Flow" "an unknown cookie is said so"
}

# block OUT ERE: the flow line matching ERE (no backslashes: awk -v
# would eat them) and the lines under it.
block() {
	awk -v re="$2" '/^[^ ]/ { on = ($0 ~ re) } on' <<<"$1"
}

case_dump() {
	local out json nowd blk n sock
	sock=$(node_dir nA)/weftd.sock
	ping_ok pod1 10.0.1.12 3 || fail "ping pod1 -> pod2"
	ping_ok pod1 10.0.1.13 1 && fail "the ACL did not drop pod1 -> pod3"
	# The three dumps at once, before the flows idle out.
	out=$(WEFT_SOCKET=$sock in_ns nA timeout "$CLI_TIMEOUT" "$DPCTL" \
		dump-flows --provenance 2>&1)
	json=$(WEFT_SOCKET=$sock in_ns nA timeout "$CLI_TIMEOUT" "$DPCTL" \
		--format json dump-flows --provenance 2>&1)
	nowd=$(WEFT_SOCKET=/nonexistent/weftd.sock in_ns nA timeout \
		"$CLI_TIMEOUT" "$DPCTL" dump-flows --provenance 2>&1)
	echo "$out" >"$WEFT_RESULTS/dump-provenance.txt"
	echo "$json" >"$WEFT_RESULTS/dump-provenance.json"
	echo "$nowd" >"$WEFT_RESULTS/dump-provenance-noweftd.txt"
	blk=$(block "$out" "dst=$M2.,eth_type.0x0800.*actions:[0-9]")
	[ -n "$blk" ] || { fail "no pod1 -> pod2 IPv4 megaflow"; return; }
	assert_match "$blk" '^  rule table=[0-9]+ priority=[0-9]+ cookie=0x' \
		"the megaflow lists its rules"
	assert_match "$blk" '^    lflow [0-9a-f-]{36} ls1 ls_in_l2_lkup\(25\) .*outport = "lp2"' \
		"the megaflow names ls1's l2_lkup lflow to lp2"
	assert_match "$blk" '^  ls1 egress: .*ls_out_apply_port_sec' \
		"and its logical stages"
	blk=$(block "$out" "dst=$M3.,eth_type.0x0800.*actions:drop")
	assert_match "$blk" "^    lflow [0-9a-f-]{36} ls1 ls_out_acl\\(4\\) .* from NB ACL ${ACL:0:8}" \
		"the dropped megaflow names the ACL's lflow"
	n=$(grep -oE 'lflow [0-9a-f-]{36}' <<<"$out" | sort -u | wc -l)
	[ "$n" -gt 0 ] || fail "dump-flows --provenance named no lflow"
	blk=$(not_in_sb "$out")
	[ -z "$blk" ] || fail "dump: lflows not in the SB: $blk"
	log "dump-flows --provenance named $n distinct lflows, all in the SB"
	assert_match "$(jq -r '[.[] | .provenance[]?.provenance.lflows[]? |
		select(.stage == "ls_out_acl" and .priority == 2002) |
		.nb.hint][0]' <<<"$json")" "^${ACL:0:8}$" \
		"json: the ACL lflow under the dropped megaflow"
	assert_match "$nowd" 'warning: no provenance: weftd at /nonexistent' \
		"without weftd it says so"
	assert_match "$nowd" "dst=$M2.,eth_type.0x0800" \
		"and still dumps the flows"
}

setup
run_case trace
run_case cookie
run_case dump
finish
