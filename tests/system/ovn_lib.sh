# SPDX-License-Identifier: GPL-2.0
#
# tests/system/ovn_lib.sh: the real OVN control plane for the chassis
# tests (NB and SB ovsdb-servers and ovn-northd, from the host's
# ovn-central, on private unix sockets under $OVN), and ovn-nbctl /
# ovn-sbctl at them. Source it after weftd_lib.sh.
#
#   ovn_start / ovn_stop      the three daemons (ovn_stop runs at exit)
#   sb_start / sb_stop        the SB ovsdb-server alone (restart tests);
#                             SB_REMOTES holds extra ovsdb-server options
#                             (an ssl remote and its keys, for instance)
#   nbctl ARGS / sbctl ARGS   the CLIs, bounded

OVN=$WEFTD_DIR/ovn
NB_SOCK=$OVN/nb.sock
SB_SOCK=$OVN/sb.sock
nbctl() { timeout "$CLI_TIMEOUT" ovn-nbctl --db=unix:"$NB_SOCK" --timeout=30 "$@"; }
sbctl() { timeout "$CLI_TIMEOUT" ovn-sbctl --db=unix:"$SB_SOCK" --timeout=30 "$@"; }
SB_REMOTES=()

sb_start() {
	ovsdb-server --detach --no-chdir --pidfile="$OVN/sb.pid" \
		--log-file="$OVN/sb.log" --unixctl="$OVN/sb.ctl" \
		--remote=punix:"$SB_SOCK" "${SB_REMOTES[@]}" "$OVN/sb.db"
}

sb_stop() {
	ovs-appctl -t "$OVN/sb.ctl" exit 2>/dev/null
	wait_for 10 eval '! [ -S "$SB_SOCK" ]'
}

ovn_stop() {
	local d
	for d in northd nb sb; do
		ovs-appctl -t "$OVN/$d.ctl" exit 2>/dev/null
	done
	cp "$OVN"/*.log "$WEFT_RESULTS"/ 2>/dev/null
}

ovn_start() {
	mkdir -p "$OVN"
	ovsdb-tool create "$OVN/nb.db" /usr/share/ovn/ovn-nb.ovsschema &&
	ovsdb-tool create "$OVN/sb.db" /usr/share/ovn/ovn-sb.ovsschema ||
		return 1
	on_exit ovn_stop
	ovsdb-server --detach --no-chdir --pidfile="$OVN/nb.pid" \
		--log-file="$OVN/nb.log" --unixctl="$OVN/nb.ctl" \
		--remote=punix:"$NB_SOCK" "$OVN/nb.db" || return 1
	sb_start || return 1
	ovn-northd --detach --no-chdir --pidfile="$OVN/northd.pid" \
		--log-file="$OVN/northd.log" --unixctl="$OVN/northd.ctl" \
		--ovnnb-db=unix:"$NB_SOCK" --ovnsb-db=unix:"$SB_SOCK"
}

# ---- chassis, pods and traffic for the issue 8 topology tests ----------------
# (test_ovn_acl.sh, test_ovn_lb.sh; they need weftd_tunnel_lib.sh too)
#
#   ovn_chassis NODE NAME IP [TYPE]   NODE's weftd becomes chassis NAME
#   ovn_pod NODE POD PORT ADDR MAC LSP [GW]   a pod behind PORT on NODE's
#                                     br-int with iface-id LSP
#   nbctl_wait ARGS...                ovn-nbctl --wait=hv, bounded: a hang
#                                     fails instead of hanging the test
#   ovn_ports_up LSP...               every LSP has up=true
#   ovn_dump TAG                      flows, stats and SB state to results
#   ping_bg POD ADDR FILE             a background ping (5/s) logging to
#                                     FILE; ping_replies FILE counts replies
#   icmp_in_echos POD                 the pod's Icmp InEchos counter

ovn_chassis() {
	nvsctl "$1" set Open_vSwitch . external_ids:system-id="$2" \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type="${4:-geneve}" \
		external_ids:ovn-encap-ip="$3"
}

ovn_pod() {
	local node=$1 pod=$2 port=$3 addr=$4 mac=$5 lsp=$6 gw=${7:-}
	vm_up "$pod" "$node" "$port" "$addr" "$mac" 1400
	[ -z "$gw" ] || in_ns "$pod" ip route add default via "$gw"
	nvsctl "$node" add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp"
}

nbctl_wait() {
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 "$@"
}

ovn_ports_up() {
	local p
	for p in "$@"; do
		[ "$(nbctl get Logical_Switch_Port "$p" up)" = true ] || return 1
	done
}

ovn_dump() {
	local n
	for n in nA nB; do
		nofctl "$n" dump-flows br-int >"$WEFT_RESULTS/flows-$n-$1.txt" 2>&1
		nappctl "$n" lflow/stats >"$WEFT_RESULTS/lflow-stats-$n-$1.txt" 2>&1
		ndp_flows "$n" >"$WEFT_RESULTS/dp-flows-$n-$1.txt" 2>&1
	done
	sbctl lflow-list >"$WEFT_RESULTS/lflows-$1.txt" 2>&1
}

PING_BG_PIDS=()
ping_bg() {
	ip netns exec "$1" ping -n -i 0.2 -W 1 "$2" >"$3" 2>&1 &
	PING_BG_PIDS+=($!)
	on_exit kill -KILL "$!"
}

ping_bg_stop() {
	local p
	for p in "${PING_BG_PIDS[@]}"; do
		kill -INT "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	PING_BG_PIDS=()
}

ping_replies() { count_matching 'bytes from' <"$1"; }

icmp_in_echos() {
	local line hdr=
	while IFS= read -r line; do
		if [[ $line == Icmp:\ InMsgs* ]]; then
			hdr=$line
		elif [[ $line == Icmp:* && -n $hdr ]]; then
			local -a h=($hdr) v=($line) i
			for i in "${!h[@]}"; do
				[ "${h[i]}" = InEchos ] && { echo "${v[i]}"; return; }
			done
		fi
	done < <(ip netns exec "$1" cat /proc/net/snmp)
	echo -1
}
