#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 5400
#
# bench_ovn.sh: issue 8's benchmark. weftd as an OVN chassis against the
# real ovn-controller + ovs-vswitchd (on openvswitch.ko), one after the
# other on the same SB, in one VM:
#
#   synthetic deployment  BENCH_SWITCHES logical switches holding
#                         BENCH_PORTS ports, BENCH_ROUTERS routers (router
#                         k joins switches 2k and 2k+1), BENCH_ACLS ACLs on
#                         port groups using address sets, BENCH_CHASSIS
#                         fake chassis (as ovn-sbctl chassis-add makes
#                         them) holding every port but BENCH_LOCAL, which
#                         are bound on the node under test
#                         (tests/bench/ovn_synth.py builds it)
#   start                 from the chassis keys being set (weftd) or
#                         ovn-controller being started (OVS) to all local
#                         flows installed: Chassis_Private.nb_cfg caught
#                         up with SB_Global.nb_cfg (both acknowledge only
#                         once their flows are in) and every local port's
#                         interface carries ovn-installed=true
#   RSS                   weftd's, against ovn-controller's plus
#                         ovs-vswitchd's (and plus OVS's ovsdb-server,
#                         whose job weftd also does), at the end of start
#   ACL change            `ovn-nbctl --wait=hv acl-add` of one drop ACL on
#                         a port group with local members, then its
#                         removal: northd's share is the same for both
#
# Rounds alternate which system goes first. Method (DESIGN.md,
# "Pitfalls"): `scripts/vm-run --bench`, TCG with -icount shift=0 on one
# vCPU: guest time counts instructions, not host load.
#
# Run:   tests/bench/bench_ovn.sh on the host (runs the VM and writes
#        docs/benchmarks-ovn.md), or scripts/vm-run --bench --mem 4096
#        tests/bench/bench_ovn.sh [BENCH_X=...]
# Knobs: BENCH_SWITCHES (100), BENCH_PORTS (5000), BENCH_ROUTERS (50),
#        BENCH_ACLS (500), BENCH_CHASSIS (100), BENCH_LOCAL (50),
#        BENCH_ROUNDS (2), BENCH_TIMEOUT (seconds for one start: 900),
#        BENCH_SYSTEMS ("ovs weft"), BENCH_DUMP (1: the SB as weftd
#        started from in results/bench_ovn/sb.json, after the start).
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KNOBS="BENCH_SWITCHES BENCH_PORTS BENCH_ROUTERS BENCH_ACLS BENCH_CHASSIS
BENCH_LOCAL BENCH_ROUNDS BENCH_TIMEOUT BENCH_SYSTEMS BENCH_DUMP"

if [ -z "${WEFT_VM:-}" ]; then
	cd "$TOP" || exit 1
	vars=()
	for v in $KNOBS; do
		[ -n "${!v:-}" ] && vars+=("$v=${!v}")
	done
	scripts/vm-run --bench --mem 4096 --timeout 5400 --name bench_ovn \
		tests/bench/bench_ovn.sh "${vars[@]}" || exit
	cp results/bench_ovn/benchmarks-ovn.md docs/benchmarks-ovn.md &&
		echo "bench_ovn: table written to docs/benchmarks-ovn.md"
	exit
fi
for a in "$@"; do
	case "$a" in BENCH_*=*) export "${a?}" ;; esac
done

. "$TOP/tests/system/weftd_lib.sh"

SWITCHES=${BENCH_SWITCHES:-100}
PORTS=${BENCH_PORTS:-5000}
ROUTERS=${BENCH_ROUTERS:-50}
ACLS=${BENCH_ACLS:-500}
CHASSIS=${BENCH_CHASSIS:-100}
LOCAL=${BENCH_LOCAL:-50}
ROUNDS=${BENCH_ROUNDS:-2}
LIMIT=${BENCH_TIMEOUT:-900}
SYSTEMS=${BENCH_SYSTEMS:-ovs weft}
OUT=$WEFT_RESULTS
HV=hv-bench
ENCAP_IP=192.0.2.10

OVN=$(mktemp -d /tmp/ovn.XXXXXX)
NB_SOCK=$OVN/nb.sock
SB_SOCK=$OVN/sb.sock
nbctl() { timeout 600 ovn-nbctl --db=unix:"$NB_SOCK" --timeout=600 "$@"; }
sbctl() { timeout 120 ovn-sbctl --db=unix:"$SB_SOCK" --timeout=120 "$@"; }

ovn_stop() {
	local d
	for d in northd nb sb; do
		ovs-appctl -t "$OVN/$d.ctl" exit 2>/dev/null
	done
	cp "$OVN"/*.log "$OUT"/ 2>/dev/null
}

ovn_start() {
	ovsdb-tool create "$OVN/nb.db" /usr/share/ovn/ovn-nb.ovsschema &&
	ovsdb-tool create "$OVN/sb.db" /usr/share/ovn/ovn-sb.ovsschema ||
		return 1
	on_exit ovn_stop
	local d
	for d in nb sb; do
		ovsdb-server --detach --no-chdir --pidfile="$OVN/$d.pid" \
			--log-file="$OVN/$d.log" --unixctl="$OVN/$d.ctl" \
			--remote=punix:"$OVN/$d.sock" "$OVN/$d.db" || return 1
	done
	ovn-northd --detach --no-chdir --pidfile="$OVN/northd.pid" \
		--log-file="$OVN/northd.log" --unixctl="$OVN/northd.ctl" \
		--ovnnb-db=unix:"$NB_SOCK" --ovnsb-db=unix:"$SB_SOCK"
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# started_ok LOCALCTL: nb_cfg acknowledged and every local port
# installed, as the chassis under test reports them (LOCALCTL is the
# vsctl of its local database).
nb_cfg_acked() {
	local n
	n=$(sbctl --bare --columns=nb_cfg find Chassis_Private name=$HV 2>/dev/null)
	[ -n "$n" ] && [ "$n" -ge "$NB_CFG" ]
}

installed_count() {
	"$@" --bare --columns=external_ids list Interface 2>/dev/null |
		grep -c 'ovn-installed="\?true'
}

# wait_started SYSTEM VSCTL...: seconds until the chassis is done, or
# "timeout".
wait_started() {
	local t0=$1 n
	shift
	while ! nb_cfg_acked; do
		elapsed_over "$t0" "$LIMIT" && { echo timeout; return 1; }
		sleep 0.2
	done
	while :; do
		n=$(installed_count "$@")
		[ "$n" -ge "$LOCAL" ] && break
		elapsed_over "$t0" "$LIMIT" && { echo timeout; return 1; }
		sleep 0.2
	done
	secs "$t0" "$(now)"
}

# cpu_ms PID...: the CPU time the processes' threads have used, in ms
# (schedstat's first field: ns on the CPU). Under -icount that is
# instructions, so it does not depend on the host's load; wall time
# does, whenever the guest is idle (waiting on another process counts
# at the host's pace).
cpu_ms() {
	local p
	for p in "$@"; do cat /proc/"$p"/task/*/schedstat 2>/dev/null; done |
		awk '{ s += $1 } END { printf "%.1f", s / 1e6 }'
}

# cpu_all: the CPU so far of the chassis under test ($CHASSIS_PIDS),
# ovn-northd and the two ovsdb-servers, "C N DB".
cpu_all() {
	echo "$(cpu_ms $CHASSIS_PIDS) $(cpu_ms "$(cat "$OVN/northd.pid")")" \
		"$(cpu_ms "$(cat "$OVN/nb.pid")" "$(cat "$OVN/sb.pid")")"
}

# northd_lflow_recomputes: how many times ovn-northd's engine recomputed
# its logical flows since the stats were last cleared (its most costly
# step: how often it happens depends on when the chassis' answers come
# in, so it is counted for each system).
northd_lflow_recomputes() {
	ovs-appctl -t "$OVN/northd.ctl" inc-engine/show-stats 2>/dev/null |
		awk '/^Node: / { node = $2 } node == "lflow" && /recompute:/ { print $3; exit }'
}

# acl_change: one ACL added, then removed, each with --wait=hv,
# ACL_REPS times. Prints the median seconds of the additions and of the
# removals, then the mean CPU ms one change cost the chassis, ovn-northd
# and the ovsdb-servers, and ovn-northd's logical flow recomputes per
# change; each change goes to $OUT/acl.txt.
ACL_MATCH='outport == @pg0 && ip4 && tcp.dst == 4242'
ACL_REPS=${BENCH_ACL_REPS:-5}
acl_one() {
	local what=$1 t0 c0 c1 dt
	shift
	c0=$(cpu_all)
	t0=$(now)
	nbctl --wait=hv "$@" >/dev/null || return 1
	dt=$(secs "$t0" "$(now)")
	c1=$(cpu_all)
	echo "$SYS $what $dt $c0 $c1" | awk '{ printf "%s %s %s %.1f %.1f %.1f\n",
		$1, $2, $3, $7 - $4, $8 - $5, $9 - $6 }' >>"$OUT/acl.txt"
}
acl_change() {
	local i n
	ovs-appctl -t "$OVN/northd.ctl" inc-engine/clear-stats >/dev/null 2>&1
	for ((i = 0; i < ACL_REPS; i++)); do
		acl_one add acl-add pg0 to-lport 1999 "$ACL_MATCH" drop &&
		acl_one del acl-del pg0 to-lport 1999 "$ACL_MATCH" ||
			{ echo "fail fail fail fail fail fail"; return; }
	done
	n=$(northd_lflow_recomputes)
	"$PY" - "$OUT/acl.txt" "$SYS" "$ACL_REPS" "${n:-nan}" <<'PYEOF'
import statistics, sys
path, sysname, reps, recomputes = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
rows = [l.split() for l in open(path) if l.split()[0] == sysname][-2 * reps:]
add = [float(r[2]) for r in rows if r[1] == "add"]
dele = [float(r[2]) for r in rows if r[1] == "del"]
mean = lambda i: sum(float(r[i]) for r in rows) / len(rows)
print("%.2f %.2f %.1f %.1f %.1f %.1f" % (statistics.median(add), statistics.median(dele),
                                        mean(3), mean(4), mean(5), recomputes / (2 * reps)))
PYEOF
}

# The ports of the node under test: internal ports with their iface-id.
port_args() {
	local i=0 lp args=()
	for lp in $LOCAL_PORTS; do
		args+=(-- add-port br-int vif$i -- set Interface vif$i type=internal
		       "external_ids:iface-id=$lp")
		i=$((i + 1))
	done
	echo "${args[@]:1}"
}

run_ovs() {
	local t0 res acl rss rss_all vs_pid oc_pid db_pid flows
	ovs_start
	# shellcheck disable=SC2046
	ovs_vsctl add-br br-int -- set Bridge br-int fail-mode=secure \
		other_config:disable-in-band=true -- $(port_args) ||
		die "ovs: br-int and its ports"
	ovs_vsctl set Open_vSwitch . external_ids:system-id=$HV \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=$ENCAP_IP || die "ovs: chassis keys"
	export OVN_RUNDIR=$OVS_DIR OVN_LOGDIR=$OVS_DIR
	t0=$(now)
	ovn-controller --detach --no-chdir --pidfile="$OVS_DIR/ovn-controller.pid" \
		--log-file="$OVS_DIR/ovn-controller.log" "$OVS_DB" ||
		die "ovn-controller did not start"
	res=$(wait_started "$t0" ovs_vsctl)
	vs_pid=$(cat "$OVS_DIR/ovs-vswitchd.pid")
	oc_pid=$(cat "$OVS_DIR/ovn-controller.pid")
	db_pid=$(cat "$OVS_DIR/ovsdb-server.pid")
	rss=$(( $(rss_kb "$oc_pid") + $(rss_kb "$vs_pid") ))
	rss_all=$(( rss + $(rss_kb "$db_pid") ))
	flows=$(ovs_ofctl dump-flows br-int --no-stats 2>/dev/null | grep -c table=)
	SYS=ovs CHASSIS_PIDS="$oc_pid $vs_pid $db_pid"
	acl=$(acl_change)
	echo "ovs $res $rss $rss_all $flows $acl" >>"$OUT/raw.txt"
	log "ovs: start $res s, RSS $rss KiB ($rss_all with ovsdb-server), $flows OpenFlow flows, ACL add/del $acl s"
	ovs-appctl -t "$OVS_DIR/ovn-controller.$oc_pid.ctl" exit 2>/dev/null
	wait_for 60 eval '! kill -0 '"$oc_pid"' 2>/dev/null'
	cp "$OVS_DIR/ovn-controller.log" "$OUT/ovn-controller.$ROUND.log" 2>/dev/null
	_ovs_exit
}

run_weft() {
	local t0 res acl rss rules
	weftd_start || die "weftd did not start"
	# shellcheck disable=SC2046
	vsctl add-br br-int -- set Bridge br-int fail_mode=secure -- \
		$(port_args) || die "weft: br-int and its ports"
	t0=$(now)
	vsctl set Open_vSwitch . external_ids:system-id=$HV \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=$ENCAP_IP || die "weft: chassis keys"
	res=$(wait_started "$t0" vsctl)
	rss=$(rss_kb "$WEFTD_PID")
	rules=$(ofctl dump-flows br-int --no-stats 2>/dev/null | grep -c table=)
	# The SB as this chassis started from, for host profiling with
	# build/tests/tools/ovn-flows-bench (beside the schema it needs).
	if [ "${BENCH_DUMP:-0}" = 1 ] && [ "$ROUND" = 1 ]; then
		"$TOP/build/tests/tools/weft-ovsdb-dump" unix:"$SB_SOCK" \
			>"$OUT/sb.json" 2>/dev/null
		cp /usr/share/ovn/ovn-sb.ovsschema "$OUT/"
	fi
	SYS=weft CHASSIS_PIDS=$WEFTD_PID
	acl=$(acl_change)
	echo "weft $res $rss $rss $rules $acl" >>"$OUT/raw.txt"
	log "weft: start $res s, RSS $rss KiB, $rules rules, ACL add/del $acl s"
	appctl ovn/status >"$OUT/weft-ovn-status.$ROUND.txt" 2>&1
	appctl lflow/stats >"$OUT/weft-lflow-stats.$ROUND.txt" 2>&1
	# As `ovn-appctl exit`: the chassis leaves (ports released, rows
	# deleted), then weftd exits; the next round starts from nothing.
	appctl exit >/dev/null 2>&1
	wait_for 60 eval '! kill -0 '"$WEFTD_PID"' 2>/dev/null'
	weftd_stop
	"$DPCTL" del-dp br-int >/dev/null 2>&1
	# The tunnel ports' datapath too: OVS's ovs-vswitchd, next, will
	# not start beside a genev_sys_6081 that is not its own.
	"$DPCTL" del-dp weft-system >/dev/null 2>&1
	rm -f "$WEFTD_CONF"
}

require ovsdb-server ovsdb-tool ovn-northd ovn-nbctl ovn-sbctl \
	ovn-controller ovs-vswitchd "$WEFTD" "$PY"
weft_load
ovn_start || die "the OVN control plane did not start"
wait_for 30 nbctl show >/dev/null || die "NB does not answer"
phase "OVN control plane"
"$PY" "$TOP/tests/bench/ovn_synth.py" nb "$NB_SOCK" "$SWITCHES" "$PORTS" \
	"$ROUTERS" "$ACLS" || die "the NB deployment"
nbctl --wait=sb sync || die "northd did not catch up"
phase "northd compiled the NB"
LOCAL_PORTS=$("$PY" "$TOP/tests/bench/ovn_synth.py" sb "$SB_SOCK" \
	"$SWITCHES" "$PORTS" "$CHASSIS" "$LOCAL") || die "the SB chassis"
nbctl --wait=sb sync || die "northd did not catch up"
NB_CFG=$(sbctl get SB_Global . nb_cfg)
N_LFLOWS=$(sbctl --bare --columns=_uuid list Logical_Flow | grep -c .)
phase "SB ready: $N_LFLOWS logical flows, nb_cfg $NB_CFG"
: >"$OUT/raw.txt"
: >"$OUT/acl.txt"

for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
	order=$SYSTEMS
	[ $((ROUND % 2)) = 0 ] && order=$(echo "$SYSTEMS" | tr ' ' '\n' | tac | tr '\n' ' ')
	for s in $order; do
		"run_$s"
		# Every local port released before the next system claims it.
		wait_for 60 eval '[ -z "$(sbctl --bare --columns=chassis find Port_Binding logical_port='"${LOCAL_PORTS%%$'\n'*}"')" ]' ||
			log "a local port was not released after $s"
		# And northd done with the leaving chassis (its ports' up,
		# its rows), so that the next system starts on a quiet SB,
		# as the first did: on one vCPU northd's work would count
		# in the next start.
		nbctl --wait=sb sync || log "northd did not catch up after $s"
		phase "round $ROUND: $s"
	done
done

"$PY" - "$OUT/raw.txt" "$OUT/benchmarks-ovn.md" <<EOF
import statistics, sys
raw, out = sys.argv[1:]
rows = {}
for line in open(raw):
    f = line.split()
    rows.setdefault(f[0], []).append(f[1:])
def med(sysname, i):
    v = [r[i] for r in rows.get(sysname, [])]
    num = [float(x) for x in v if x not in ("timeout", "fail")]
    return statistics.median(num) if num and len(num) == len(v) else None
def fmt(x, i):
    # seconds with two decimals; KiB and rule counts as integers
    if x is None:
        return "n/a"
    return "%.2f" % x if i in (0, 4, 5) else "%.1f" % x if i in (6, 7, 8, 9) else "%d" % x
def ratio(w, o):
    return "n/a" if w is None or o is None or o == 0 else "%.2f" % (w / o)
lines = ["# Benchmarks: weftd as an OVN chassis against ovn-controller + ovs-vswitchd", "",
         "Deployment: $SWITCHES switches, $PORTS ports, $ROUTERS routers, $ACLS ACLs, "
         "$CHASSIS remote chassis, $LOCAL ports bound on the node; $N_LFLOWS logical flows "
         "in the SB. $ROUNDS rounds, medians; the ACL change $ACL_REPS times a round "
         "(medians of its times, means of its CPU). Command: \`tests/bench/bench_ovn.sh\` "
         "(\`scripts/vm-run --bench\`: TCG, -icount shift=0, one vCPU).", "",
         "| measure | ovn-controller + ovs-vswitchd | weftd | weft/OVS | bar |",
         "|---|---:|---:|---:|---|"]
names = [("start to local flows installed (s)", 0, "<= 1.0"),
         ("RSS (KiB; OVS: ovn-controller + ovs-vswitchd)", 1, "<= 1.0"),
         ("RSS with OVS's ovsdb-server (KiB)", 2, ""),
         ("pipeline rules (OpenFlow flows)", 3, ""),
         ("ACL add, --wait=hv (s)", 4, "<= 1.0"),
         ("ACL removal, --wait=hv (s)", 5, "<= 1.0"),
         ("CPU of the chassis per ACL change (ms)", 6, ""),
         ("CPU of ovn-northd per ACL change (ms)", 7, ""),
         ("CPU of the NB and SB ovsdb-servers per ACL change (ms)", 8, ""),
         ("ovn-northd's logical flow recomputes per ACL change", 9, "")]
for name, i, bar in names:
    o, w = med("ovs", i), med("weft", i)
    lines.append("| %s | %s | %s | %s | %s |" % (name, fmt(o, i), fmt(w, i), ratio(w, o), bar))
lines += ["", "Per round (system start_s rss_kib rss_with_db_kib rules acl_add_s acl_del_s "
          "chassis_cpu_ms northd_cpu_ms ovsdb_cpu_ms northd_lflow_recomputes_per_change):", ""]
lines += ["    " + l.rstrip() for l in open(raw)]
lines += ["", "Each ACL change (system add/del s chassis_cpu_ms northd_cpu_ms ovsdb_cpu_ms):", ""]
lines += ["    " + l.rstrip() for l in open(raw.replace("raw.txt", "acl.txt"))]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
finish
