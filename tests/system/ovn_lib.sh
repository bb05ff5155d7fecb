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
