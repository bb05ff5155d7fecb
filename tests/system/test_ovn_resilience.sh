#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8, resilience: the SB goes away and comes back while two weft
# chassis forward. Forwarding lives in the datapath and in br-int's
# rules, which weftd keeps when it loses its SB session: a ping every
# 50 ms across the chassis loses nothing.
#
#   pod1 10.0.1.11 ── br-int (hv1, nA) ══ geneve ══ br-int (hv2, nB) ── pod2 10.0.1.12
#   pod3 10.0.1.13 (nA, added during the test), pod4 10.0.1.14 (nB, ditto)
#
#   restart    the standalone SB ovsdb-server killed (SIGKILL) and started
#              again on its file: no ping lost; weftd and ovn-northd
#              reconnect; a port added in NB afterwards (lp3) is bound
#              (--wait=hv) and pod3 reaches pod2
#   raft       the SB's data moved into a three-member Raft cluster;
#              northd and both chassis at all three members; the leader
#              killed: no ping lost, each chassis on a live member, and a
#              port added while the old leader is down (lp4) is bound
#              (--wait=hv returns) and forwards
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_resilience.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M3=0a:00:00:00:01:13
M4=0a:00:00:00:01:14

# chassis NODE NAME IP REMOTE
chassis() {
	nvsctl "$1" set Open_vSwitch . external_ids:system-id="$2" \
		external_ids:ovn-remote="\"$4\"" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip="$3"
}

pod() {
	local node=$1 pod=$2 port=$3 addr=$4 mac=$5 lsp=$6
	vm_up "$pod" "$node" "$port" "$addr" "$mac" 1400
	nvsctl "$node" add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp"
}

wait_hv() {
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 sync
}

# sb_state NODE: the SB session's state and remote, from ovn/status.
sb_state() {
	nappctl "$1" ovn/status | sed -n 's/^SB: \([a-z]*\) \([^ ]*\) .*/\1 \2/p'
}

dump_state() {
	local n
	for n in nA nB; do
		nappctl "$n" ovn/status >"$WEFT_RESULTS/status-$n-$1.txt" 2>&1
		nofctl "$n" dump-flows br-int >"$WEFT_RESULTS/flows-$n-$1.txt" 2>&1
	done
}

setup() {
	modprobe veth
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" ovn-northd ovn-nbctl \
		ovn-sbctl ovsdb-server ovsdb-tool ping
	weft_load
	underlay_up
	ovn_start || die "OVN control plane"
	nweftd_start nA || die "weftd in nA did not start"
	nweftd_start nB || die "weftd in nB did not start"
	chassis nA hv1 192.168.70.1 unix:"$SB_SOCK" || die "nA: chassis keys"
	chassis nB hv2 192.168.70.2 unix:"$SB_SOCK" || die "nB: chassis keys"
	wait_for 30 nvsctl nA br-exists br-int || die "nA: no br-int"
	wait_for 30 nvsctl nB br-exists br-int || die "nB: no br-int"
	nbctl ls-add ls1 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" ||
		die "lsp-add"
	pod nA pod1 p1 10.0.1.11/24 $M1 lp1
	pod nB pod2 p2 10.0.1.12/24 $M2 lp2
	wait_hv || die "--wait=hv sync did not return"
	wait_for 30 ping_ok pod1 10.0.1.12 1 || die "ping pod1 -> pod2"
}

# lost_ok WHAT: the background ping's losses, judged.
lost_ok() {
	log "$1: $PING_SENT pings, $PING_LOST lost"
	[ "${PING_SENT:-0}" -ge 20 ] || fail "$1: only ${PING_SENT:-0} pings sent"
	assert_eq "$PING_LOST" 0 "$1: no ping lost"
}

case_restart() {
	ping_loss_start pod1 10.0.1.12
	nap 1
	sb_kill || fail "kill -9 the SB"
	wait_for 10 eval '[[ $(sb_state nA) != active* ]]' ||
		fail "nA: the session did not notice the SB's death"
	nap 2			# forwarding goes on meanwhile
	sb_start || fail "the SB did not start again"
	wait_for 30 eval '[[ $(sb_state nA) == active* ]]' ||
		fail "nA: no new session"
	wait_for 30 eval '[[ $(sb_state nB) == active* ]]' ||
		fail "nB: no new session"
	nap 1
	ping_loss_stop
	lost_ok "SB killed and restarted"
	dump_state restart
	grep -q "connects 2" "$WEFT_RESULTS/status-nA-restart.txt" ||
		fail "nA: not a second connect"
	nbctl lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" ||
		fail "lsp-add lp3"
	pod nA pod3 p3 10.0.1.13/24 $M3 lp3
	wait_hv || fail "--wait=hv after the restart"
	ping_ok pod3 10.0.1.12 3 || fail "ping pod3 -> pod2 (after the restart)"
}

case_raft() {
	local leader s n
	sb_cluster_start || { fail "the SB cluster"; return; }
	northd_restart "$SB_CLUSTER" || fail "northd at the cluster"
	chassis nA hv1 192.168.70.1 "$SB_CLUSTER" || fail "nA: ovn-remote"
	chassis nB hv2 192.168.70.2 "$SB_CLUSTER" || fail "nB: ovn-remote"
	wait_for 30 eval '[[ $(sb_state nA) == active* ]]' || fail "nA: no session"
	wait_for 30 eval '[[ $(sb_state nB) == active* ]]' || fail "nB: no session"
	wait_hv || fail "--wait=hv with the cluster"
	ping_ok pod1 10.0.1.12 3 || fail "ping pod1 -> pod2 (cluster)"
	leader=$(sb_cluster_leader) || { fail "no leader"; return; }
	# The leader should be the member a chassis reads from, so that
	# killing it ends a session: move leadership until it is.
	for ((n = 0; n < 8; n++)); do
		s="$(sb_state nA) $(sb_state nB)"
		[[ $s == *"sb$leader.sock"* ]] && break
		ovs-appctl -t "$OVN/sb$leader.ctl" cluster/failure-test \
			transfer-leadership >/dev/null
		wait_for 10 eval '[ "$(sb_cluster_leader)" != '"$leader"' ]'
		leader=$(sb_cluster_leader) || { fail "no leader"; return; }
	done
	log "leader sb$leader; sessions: $s"
	[[ $s == *"sb$leader.sock"* ]] || log "no chassis reads from the leader"
	ping_loss_start pod1 10.0.1.12
	nap 1
	kill -KILL "$(cat "$OVN/sb$leader.pid")" || fail "kill the leader"
	wait_for 30 eval 'sb_cluster_leader >/dev/null' || fail "no new leader"
	log "new leader sb$(sb_cluster_leader)"
	for n in nA nB; do
		wait_for 30 eval '[[ $(sb_state $n) == active* && $(sb_state $n) != *sb$leader.sock ]]' ||
			fail "$n: not on a live member ($(sb_state $n))"
	done
	# A change while the old leader is down.
	nbctl lsp-add ls1 lp4 -- lsp-set-addresses lp4 "$M4 10.0.1.14" ||
		fail "lsp-add lp4"
	pod nB pod4 p4 10.0.1.14/24 $M4 lp4
	wait_hv || fail "--wait=hv with the leader down"
	ping_loss_stop
	lost_ok "SB leader killed"
	dump_state raft
	ping_ok pod1 10.0.1.14 3 || fail "ping pod1 -> pod4 (leader down)"
	ping_ok pod3 10.0.1.14 3 || fail "ping pod3 -> pod4 (leader down)"
}

setup
run_case restart
run_case raft
finish
