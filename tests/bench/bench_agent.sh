#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 3000
#
# bench_agent.sh: weftd (on weft.ko) against ovs-vswitchd (on
# openvswitch.ko), side by side in one VM, with the same rules loaded by
# their own ofctl and the same pktgen traffic (issue 4's benchmark).
#
#   kpktgend_0 (64-byte UDP)
#      │
#      ▼
#   pgX0 ══ veth ══ pgX1 ─ ofport 1 ┐                ┌ ofport 2 ─ skX0 ══ veth ══ skX1 (netns snkX)
#                                   └ bridge X       ┘                         counts rx_packets
#   X = o: obench in ovs-vswitchd (datapath ovs-system in openvswitch.ko)
#   X = w: wbench in weftd        (datapath weft-system in weft.ko)
#   other_config:max-idle=60000 in both (nothing expires during a run)
#
# Rows:
#   setup rate   BENCH_DESTS (10000) frames to as many destination addresses,
#                against as many `ip,nw_dst=A/32` rules: each destination
#                needs its own megaflow, so each frame is an upcall and a
#                flow install. Each trial offers them at a rate of the ladder
#                (BENCH_LADDER pps), then as fast as pktgen goes, and times
#                from pktgen's first frame until the last flow is installed
#                (tests/bench/flowpoll.py reads the datapath's flow count over
#                generic netlink and the sender's frame count every 10 ms;
#                both datapaths are purged first): achieved = the flows
#                installed in that window / its length.
#                "lossless": the best achieved rate of a trial in which every
#                frame reached the sink, every destination got its flow and
#                the datapath counted no lost upcall. "upcalls/s": the
#                achieved rate at full speed, losses or not. (On one vCPU the
#                handler thread preempts pktgen when it wakes, so offered
#                rates are upper bounds; the achieved rate is what counts.)
#   pps          200,000 frames of one 5-tuple once its megaflow is in
#                place, with `in_port=1,actions=output:2`, then with NORMAL.
#   megaflows    datapath flows the same traffic leaves: the destinations
#                against a small routing table of prefixes; BENCH_DESTS source
#                ports against a `udp,tp_src=P` drop rule above `udp`.
#   RSS          of each daemon, idle and with 100,000 rules of an OVN-like
#                mix loaded (and how long add-flows took).
#   classifier   lookups/s at 1k/10k/100k rules: weft-clsbench for weft. OVS's
#                own benchmark (`ovstest test-classifier benchmark`) is not
#                packaged in Debian 12 (openvswitch-test ships only ovs-test
#                and ovs-l3ping), so that row has weft's figures alone.
#
# Method (DESIGN.md, "Pitfalls"): `scripts/vm-run --bench`, i.e. TCG with
# -icount shift=0 on one vCPU, so guest time counts executed instructions.
# Every round measures both systems, alternating which goes first; a figure
# is the median over rounds, a ratio the median of the per-round ratios
# (weft/OVS). Under -icount guest time counts instructions, not cache
# misses: these rank code paths by work done, they are not line rates.
#
# Run:   tests/bench/bench_agent.sh on the host (runs the VM, then copies the
#        table to docs/benchmarks-agent.md), or
#        scripts/vm-run --bench tests/bench/bench_agent.sh [BENCH_X=...]
# Knobs: BENCH_ROUNDS (3), BENCH_DESTS (2000), BENCH_COUNT (200000),
#        BENCH_RULES (100000),
#        BENCH_SYSTEMS ("o w"; "o" measures OVS alone, to check the method),
#        BENCH_LADDER (offered rates of the setup trials, pps),
#        BENCH_ROWS (rows to run, of "setup pps megaflows memory
#        classifier"; all by default: the doc is written only then),
#        BENCH_PERF (a perf record command line, e.g. "-a -g": the setup
#        trials at full speed of each system are recorded into
#        results/.../perf.X.data),
#        BENCH_DIAG (1: after each setup trial, where its frames went:
#        pktgen's count and errors, veth and backlog drops, the
#        datapath's lookups, the flows hit after their miss, the
#        daemon's upcall coverage),
#        BENCH_BACKLOG (net.core.netdev_max_backlog for the run; 30 makes
#        veth drops likelier, not certain: docs/benchmarks-agent.md).
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}

if [ -z "${WEFT_VM:-}" ]; then
	cd "$TOP" || exit 1
	vars=()
	for v in BENCH_ROUNDS BENCH_DESTS BENCH_COUNT BENCH_RULES BENCH_LADDER BENCH_SYSTEMS \
		 BENCH_ROWS BENCH_PERF BENCH_DIAG BENCH_BACKLOG; do
		[ -n "${!v:-}" ] && vars+=("$v=${!v}")
	done
	scripts/vm-run --bench tests/bench/bench_agent.sh "${vars[@]}" || exit
	[ -z "${BENCH_ROWS:-}" ] || exit 0
	cp results/bench_agent/benchmarks-agent.md docs/benchmarks-agent.md &&
		echo "bench_agent: table written to docs/benchmarks-agent.md"
	exit
fi
for a in "$@"; do
	case "$a" in BENCH_*=*) export "${a?}" ;; esac
done

. "$TOP/tests/system/weftd_lib.sh"

ROUNDS=${BENCH_ROUNDS:-3}
DESTS=${BENCH_DESTS:-10000}
# Steps of 4000 pps between 16000 and 32000: OVS starts losing upcalls
# there (at 32000 in most rounds, never at 16000), and with nothing in
# between its lossless rate was its 16000 trial's or, when its 32000 trial
# happened to lose nothing, 20% more: most of the round-to-round spread of
# the lossless ratio. Below 16000 neither system is ever at its best.
LADDER=${BENCH_LADDER:-8000 16000 20000 24000 28000 32000}
COUNT=${BENCH_COUNT:-200000}
NRULES=${BENCH_RULES:-100000}
CHUNK=20000
BENCH_NOTES=
SYS=${BENCH_SYSTEMS:-o w}
ROWS=${BENCH_ROWS:-setup pps megaflows memory classifier}
PERF=${BENCH_PERF:-}
CLSBENCH=$TOP/build/tests/tools/weft-clsbench
OUT=$WEFT_RESULTS
W=$(mktemp -d /tmp/bench.XXXXXX)
PG=/proc/net/pktgen
[ -z "${BENCH_BACKLOG:-}" ] ||
	sysctl -q -w net.core.netdev_max_backlog="$BENCH_BACKLOG" || exit 1

SRC_MAC=02:00:00:00:be:01
DST_MAC=02:00:00:00:be:02
SINK_MAC=02:00:00:00:be:fe

declare -A NAME=([o]=ovs [w]=weft)
declare -A BR=([o]=obench [w]=wbench)
declare -A DPNAME=([o]=ovs-system [w]=weft-system)

blog() { echo "[$(cut -d' ' -f1 /proc/uptime)s] $*"; }

# ---- the two systems ----------------------------------------------------------

of() {
	local s=$1
	shift
	case "$s" in
	o) ovs_ofctl "$@" ;;
	w) ofctl "$@" ;;
	esac
}

# dpstat X FIELD: hit, missed or lost (lookups) or flows of X's datapath.
dpstat() {
	local out
	case "$1" in
	o) out=$(ovs-dpctl show ovs-system 2>/dev/null) ;;
	w) out=$("$DPCTL" show weft-system 2>/dev/null || "$DPCTL" show 2>/dev/null) ;;
	esac
	case "$2" in
	flows) sed -n 's/^ *flows: *\([0-9]*\).*/\1/p' <<<"$out" | head -n 1 ;;
	*) sed -n "s/.*lookups:.*$2:\([0-9]*\).*/\1/p" <<<"$out" | head -n 1 ;;
	esac
}

dp_empty() { [ "$(dpstat "$1" flows)" = 0 ]; }

purge() {
	case "$1" in
	o) ovs_appctl revalidator/purge >/dev/null ;;
	w) appctl revalidator/purge >/dev/null ;;
	esac
	until_deadline 5 dp_empty "$1" || {
		echo "bench_agent: ${NAME[$1]} kept $(dpstat "$1" flows) flows after purge:" >&2
		case "$1" in
		o) ovs_appctl dpctl/dump-flows | head -n 3 >&2 ;;
		w) dp_flows | head -n 3 >&2 ;;
		esac
	}
}

load_rules() {
	local s=$1 f=$2
	of "$s" del-flows "${BR[$s]}" && of "$s" add-flows "${BR[$s]}" "$f"
}

daemon_pid() {
	case "$1" in
	o) cat "$OVS_DIR/ovs-vswitchd.pid" ;;
	w) echo "$WEFTD_PID" ;;
	esac
}

rss_kib() { ps -o rss= -p "$(daemon_pid "$1")" | tr -d ' '; }

# cpu_ns X: the CPU time all of X's daemon threads have had, in ns
# (schedstat's first field; under -icount, guest instructions): the system
# calls they make count, the module's miss path in kpktgend does not. Less
# noisy than a trial's time, which depends on how pktgen and the handler
# share the vCPU.
cpu_ns() {
	cat /proc/"$(daemon_pid "$1")"/task/*/schedstat 2>/dev/null |
		awk '{ n += $1 } END { printf "%.0f", n }'
}

setup_system() {
	local s=$1
	ip link add "pg${s}0" type veth peer name "pg${s}1" || return 1
	ip link add "sk${s}0" type veth peer name "sk${s}1" || return 1
	netns_add "snk$s"
	ip link set "sk${s}1" netns "snk$s"
	ip -n "snk$s" link set "sk${s}1" address "$SINK_MAC" up
	ip link set "pg${s}0" address "$SRC_MAC" up
	ip link set "pg${s}1" up
	ip link set "sk${s}0" up
	for d in "pg${s}0" "pg${s}1" "sk${s}0"; do
		sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
	done
	case "$s" in
	o) ovs_br_add_ports obench pgo1:1 sko0:2 &&
	   ovs_vsctl set Open_vSwitch . other_config:max-idle=60000 ;;
	w) br_add_ports wbench pgw1:1 skw0:2 &&
	   vsctl set Open_vSwitch . other_config:max-idle=60000 ;;
	esac
}

sink_rx() {
	ip -n "snk$1" -s link show dev "sk${1}1" | awk '/RX:/ { getline; print $2; exit }'
}

# pktgen X COUNT DELAY_NS [CMD...]: run pktgen out of pgX0 (blocking);
# prints its elapsed microseconds. Extra pktgen commands set the ranges.
pktgen() {
	local s=$1 count=$2 delay=$3 dev="pg${1}0" c usec
	shift 3
	echo "rem_device_all" >"$PG/kpktgend_0"
	echo "add_device $dev" >"$PG/kpktgend_0"
	for c in "count $count" "clone_skb 0" "burst 1" "pkt_size 60" \
		 "delay $delay" "src_mac $SRC_MAC" "dst_mac $DST_MAC" \
		 "src_min 10.0.0.1" "src_max 10.0.0.1" \
		 "dst_min 10.0.0.2" "dst_max 10.0.0.2" \
		 "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" \
		 "udp_dst_max 9" "$@"; do
		echo "$c" >"$PG/$dev" || { echo "pktgen: '$c' refused" >&2; return 1; }
	done
	echo start >"$PG/pgctrl"
	usec=$(sed -n 's/.*Result: OK: \([0-9]*\)(.*/\1/p' "$PG/$dev")
	[ -n "$usec" ] || { grep Result "$PG/$dev" >&2; return 1; }
	echo "$usec"
}

# Destination i (0-based) of the setup-rate traffic: 10.1.0.1 + i.
dest_ip() {
	local n=$((0x0a010001 + $1))
	echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
}

# ---- setup rate ----------------------------------------------------------------

# trial X RATE: the DESTS destinations offered at RATE pps (0: as fast as
# pktgen goes); prints "ok|loss delivered flows lost secs achieved
# dropped": secs from the start until the last flow was installed,
# achieved = flows / secs, dropped = frames the bridge port's veth refused
# (pktgen's errors). "ok" when every frame reached the sink, every
# destination has its flow, the datapath counted no lost upcall and the
# veth dropped nothing.
#
# A dropped frame is not sent again: pktgen goes on to the next address
# and counts only the frames that went, so it sends as many more as it
# had dropped, wrapping round to the first destinations. Those come a
# second time: each either hits the flow its first frame made or, when
# the handler has not got to that first miss yet, misses again and counts
# as a duplicate in upcall/show (most likely how one trial at full speed
# counted 1816 duplicates: docs/benchmarks-agent.md). The veth drops when
# the CPU's backlog (net.core.netdev_max_backlog) is full, presumably
# when softirq work was left to ksoftirqd and pktgen outran it.
#
# Before each trial both systems are purged: a daemon whose datapath keeps
# the 10000 flows of its own trials revalidates them every 500 ms, on the
# one vCPU the other system is being timed on (it cost the second system
# of a round a tenth of its time). The flow count is polled by one
# flowpoll.py process for the whole trial (20 ms steps, over generic
# netlink, the same for both): the shell loop that polled with ovs-dpctl
# or weft-dpctl every 50 ms competed with the daemon it timed, OVS's far
# more (ovs-dpctl made the kernel run modprobe on each call).
#
# The clock starts at the first poll that sees pktgen's veth send, and
# counts only the flows installed after it: pktgen's control files take
# 0.1-0.25 s from the shell's first write to the first frame (a 125 ms
# sleep in rem_device_all, then up to 100 ms until its thread sees
# "start"), idle time that timing from the shell's command added to
# both systems alike, which shrank the ratio towards 1 and made most of
# its round-to-round noise. Polls are 10 ms apart, so the window's end
# is late by 5 ms on average (under 2% of a trial).
trial() {
	local s=$1 rate=$2 delay=0 rx0 rx1 lost0 lost1 t0 tl last secs x pp drops
	local cpu0 cpu1 tf ff
	[ "$rate" = 0 ] || delay=$(awk -v r="$rate" 'BEGIN { printf "%d", 1e9 / r }')
	for x in $SYS; do
		purge "$x"
	done
	perf_start "$s" "$rate"
	rx0=$(sink_rx "$s")
	lost0=$(dpstat "$s" lost)
	cpu0=$(cpu_ns "$s")
	rm -f "$W/poll.done" "$W/poll.ready" "$W/poll.out"
	"$PY" "$TOP/tests/bench/flowpoll.py" "$s" "${DPNAME[$s]}" "$DESTS" \
		"$W/poll.done" "$W/poll.ready" "pg${s}0" >"$W/poll.out" &
	pp=$!
	until_deadline 30 test -e "$W/poll.ready" ||
		{ echo "bench_agent: flowpoll did not start" >&2; kill "$pp"; return 1; }
	t0=$(now)
	pktgen "$s" "$DESTS" "$delay" "dst_min $(dest_ip 0)" \
		"dst_max $(dest_ip $((DESTS - 1)))" >/dev/null || { kill "$pp"; return 1; }
	touch "$W/poll.done"
	wait "$pp" || { echo "bench_agent: flowpoll failed" >&2; return 1; }
	read -r last tl tf ff <"$W/poll.out"
	drops=$(sed -n 's/.*pkts-sofar: *[0-9]* *errors: *\([0-9]*\).*/\1/p' "$PG/pg${s}0")
	cpu1=$(cpu_ns "$s")
	rx1=$(sink_rx "$s")
	lost1=$(dpstat "$s" lost)
	perf_stop
	secs=$(awk -v a="$tf" -v b="$tl" 'BEGIN { printf "%.3f", b - a }')
	if [ $((rx1 - rx0)) -ge "$DESTS" ] && [ "$last" -ge "$DESTS" ] &&
	   [ $((lost1 - lost0)) = 0 ] && [ "${drops:-0}" = 0 ]; then
		printf ok
	else
		printf loss
	fi
	# The 7th field: the daemon's CPU time in the trial, microseconds a
	# flow installed. The 8th: how long after the shell began to set up
	# pktgen (t0) its first frame went out; the trials timed from t0
	# until 2026-11-27 counted that delay as setup time.
	awk -v d=$((rx1 - rx0)) -v f="$last" -v l=$((lost1 - lost0)) -v t="$secs" \
		-v e="${drops:-0}" -v c="$cpu0" -v c1="$cpu1" -v ff="$ff" \
		-v t0="$t0" -v tf="$tf" \
		'BEGIN { printf " %d %d %d %.3f %.0f %d %.1f %.3f\n", d, f, l, t, (t > 0 ? (f - ff) / t : 0), e, (f > 0 ? (c1 - c) / f / 1000 : 0), tf - t0 }'
}

# diag X: with BENCH_DIAG, where a trial's frames went (cumulative):
# pktgen's count, the bridge port's veth counters, the backlog drops,
# the datapath's lookups and the daemon's coverage of its upcall path.
diag() {
	local s=$1
	echo "  pktgen: $(grep -oE 'pkts-sofar: [0-9]+ +errors: [0-9]+' "$PG/pg${s}0")"
	local q=/sys/class/net/pg${s}1/statistics line p=0 d=0 z=0
	echo "  port rx packets/dropped: $(cat "$q/rx_packets" "$q/rx_dropped" | tr '\n' ' ')tx peer dropped: $(cat "/sys/class/net/pg${s}0/statistics/tx_dropped")"
	while read -r line; do
		set -- $line
		p=$((p + 0x$1)) d=$((d + 0x$2)) z=$((z + 0x$3))
	done </proc/net/softnet_stat
	echo "  softnet processed/dropped/squeezed: $p $d $z"
	case "$s" in
	w) echo "  dp: $("$DPCTL" show weft-system | grep -E 'lookups|flows' | tr -s ' ' | tr '\n' ' ')"
	   echo "  flows hit after their miss (count, first and last dst): $("$DPCTL" dump-flows weft-system | grep -v 'packets:0,' | grep -oE 'dst=10\.1\.[0-9]+\.[0-9]+' | sort -t. -k3,3n -k4,4n | awk 'NR == 1 { f = $0 } { l = $0; n++ } END { print n + 0, f, l }')"
	   echo "  coverage: $(appctl coverage/show | grep -E 'upcall_' | awk '{ printf "%s=%s ", $1, $NF }')" ;;
	o) echo "  dp: $(ovs-dpctl show ovs-system | grep -E 'lookups|flows' | tr -s ' ' | tr '\n' ' ')" ;;
	esac
}

# setup_rate X ROUND: trials on a ladder of offered rates, then one as fast
# as pktgen goes. Lossless = the best achieved install rate among the
# trials without loss; upcalls/s = the install rate of the last one. (On
# one vCPU the daemon's handler preempts pktgen when it wakes, so the
# offered rate is an upper bound and the achieved rate is what counts.)
setup_rate() {
	local s=$1 r=$2 rate res best=0 f c
	for rate in $LADDER 0; do
		res=$(trial "$s" "$rate") || return 1
		blog "setup ${NAME[$s]} round $r: offered ${rate/#0/max} pps -> $res"
		# Handler batches and torn dumps so far (counters only grow).
		[ "$s" = w ] && appctl upcall/show | grep -E 'handler 0|revalidator' |
			sed 's/^ */  /'
		[ -n "${BENCH_DIAG:-}" ] && diag "$s"
		[ "$s" = o ] && ovs_appctl coverage/show | grep -E '^(upcall_|handler_|revalidate|dumped_)' |
			awk '{ print "  " $1, $NF }' | tr '\n' ' ' && echo
		set -- $res
		if [ "$1" = ok ] && [ "$6" -gt "$best" ]; then
			best=$6
		fi
		f=$6 c=$7
	done
	echo "$best" >>"$W/lossless.$s"
	echo "$f" >>"$W/upcalls.$s"
	echo "$c" >>"$W/cpu.$s"
	blog "setup ${NAME[$s]} round $r: lossless $best flows/s, at full speed $f flows/s"
}

# perf_start X RATE: with BENCH_PERF, records the full-speed trial of X,
# from after its purge to its last poll (perf's own work shares the vCPU:
# no rates from such a run).
perf_start() {
	PERF_PID=
	[ -n "$PERF" ] && [ "$2" = 0 ] || return 0
	# perf finds a module's symbols under /lib/modules only (the guest's
	# overlay is writable): without this weft.ko's show as bare addresses.
	mkdir -p "/lib/modules/$(uname -r)/extra" &&
		cp "$TOP/kmod/weft.ko" "/lib/modules/$(uname -r)/extra/" 2>/dev/null
	# shellcheck disable=SC2086
	perf record $PERF -o "/tmp/perf.$1.data" >/dev/null 2>&1 &
	PERF_PID=$!
	PERF_SYS=$1
	# perf takes guest seconds to start under TCG: wait for its file.
	until_deadline 20 test -s "/tmp/perf.$1.data"
	sleep 2
}

perf_stop() {
	[ -n "$PERF_PID" ] || return 0
	kill -INT "$PERF_PID"
	wait "$PERF_PID"
	cp "/tmp/perf.$PERF_SYS.data" "$OUT/perf.$PERF_SYS.data"
	perf report -i "/tmp/perf.$PERF_SYS.data" --no-children -g none \
		--sort comm,dso,sym --stdio 2>/dev/null | head -n 300 \
		>"$OUT/perf.$PERF_SYS.txt"
	perf report -i "/tmp/perf.$PERF_SYS.data" --no-children -g none \
		--sort comm --stdio 2>/dev/null | head -n 60 \
		>"$OUT/perf.$PERF_SYS.comm.txt"
	perf report -i "/tmp/perf.$PERF_SYS.data" --children -g none \
		--sort sym --stdio 2>/dev/null | head -n 300 \
		>"$OUT/perf.$PERF_SYS.children.txt"
	# Inclusive time per thread: what each daemon thread's work costs,
	# kernel side included.
	perf report -i "/tmp/perf.$PERF_SYS.data" --children -g none \
		--sort comm,sym --stdio 2>/dev/null | head -n 600 \
		>"$OUT/perf.$PERF_SYS.comm-children.txt"
	PERF_PID=
}

bench_setup() {
	local s f=$W/rules.dests i r
	for ((i = 0; i < DESTS; i++)); do
		echo "priority=10,ip,nw_dst=$(dest_ip "$i"),actions=output:2"
	done >"$f"
	for s in $SYS; do
		load_rules "$s" "$f" || die "${NAME[$s]}: loading $DESTS /32 rules failed"
	done
	for ((r = 1; r <= ROUNDS; r++)); do
		for s in $(order "$r"); do
			setup_rate "$s" "$r" || die "setup rate of ${NAME[$s]} failed"
		done
	done
	# The megaflows of the destinations: one each, by construction.
	for s in $SYS; do
		trial "$s" 2000 | awk '{ print $3 }' >"$W/mf.dests32.$s"
	done
}

# Round R's order: OVS first on odd rounds.
order() {
	if [ $(($1 % 2)) = 1 ]; then echo $SYS; else echo $SYS | awk '{ for (i = NF; i; i--) printf "%s ", $i }'; fi
}

# ---- pps -------------------------------------------------------------------------

bench_pps() {
	local row=$1 rule=$2 s r usec rx0 rx1
	for s in $SYS; do
		echo "$rule" | sed 's/^ //' >"$W/rules.pps"
		load_rules "$s" "$W/rules.pps" || die "${NAME[$s]}: loading '$rule'"
		purge "$s"
		pktgen "$s" 1000 0 >/dev/null	# the megaflow is in place after this
		sleep 1
	done
	for ((r = 1; r <= ROUNDS; r++)); do
		for s in $(order "$r"); do
			rx0=$(sink_rx "$s")
			usec=$(pktgen "$s" "$COUNT" 0) || die "pktgen through ${NAME[$s]}"
			rx1=$(sink_rx "$s")
			blog "pps $row ${NAME[$s]} round $r: $((rx1 - rx0)) of $COUNT in $usec us"
			awk -v n=$((rx1 - rx0)) -v us="$usec" 'BEGIN { printf "%.0f\n", n * 1e6 / us }' \
				>>"$W/pps.$row.$s"
		done
	done
	for s in $SYS; do
		dpstat "$s" flows >"$W/mf.pps.$row.$s"
	done
}

# ---- megaflows ---------------------------------------------------------------------

bench_megaflows() {
	local s
	cat >"$W/rules.routes" <<-EOF
	priority=32,ip,nw_dst=10.1.3.7,actions=drop
	priority=25,ip,nw_dst=10.1.5.0/25,actions=drop
	priority=24,ip,nw_dst=10.1.6.0/24,actions=output:2
	priority=24,ip,nw_dst=10.9.9.0/24,actions=drop
	priority=20,ip,nw_dst=10.1.0.0/20,actions=output:2
	priority=16,ip,nw_dst=10.1.0.0/16,actions=output:2
	priority=16,ip,nw_dst=10.2.0.0/16,actions=drop
	priority=8,ip,nw_dst=10.0.0.0/8,actions=output:2
	priority=0,actions=drop
	EOF
	cat >"$W/rules.l4" <<-EOF
	priority=20,udp,tp_src=10500,actions=drop
	priority=10,udp,actions=output:2
	EOF
	for s in $SYS; do
		load_rules "$s" "$W/rules.routes" || die "${NAME[$s]}: routes"
		purge "$s"
		pktgen "$s" "$DESTS" 500000 "dst_min $(dest_ip 0)" \
			"dst_max $(dest_ip $((DESTS - 1)))" >/dev/null
		sleep 2
		dpstat "$s" flows >"$W/mf.routes.$s"
		load_rules "$s" "$W/rules.l4" || die "${NAME[$s]}: l4 rules"
		purge "$s"
		pktgen "$s" "$DESTS" 500000 "udp_src_min 10000" \
			"udp_src_max $((10000 + DESTS - 1))" >/dev/null
		sleep 2
		dpstat "$s" flows >"$W/mf.l4.$s"
		blog "megaflows ${NAME[$s]}: routes $(cat "$W/mf.routes.$s"), l4 $(cat "$W/mf.l4.$s")"
	done
}

# ---- memory ------------------------------------------------------------------------

# An OVN-like mix of NRULES rules: port classification (in_port + dl_src),
# L2 lookups (reg + dl_dst), routes (nw_dst prefixes), ACLs (nw_src +
# tp_dst), in tables 0, 1, 2 and 3 (tests/bench/rule_mix.py, which
# tests/system/test_weftd_memory.sh loads too).
gen_rules() {
	"$PY" "$TOP/tests/bench/rule_mix.py" "$NRULES"
}

bench_memory() {
	local s t0 t1
	gen_rules | sort -u >"$W/rules.big"
	blog "memory: $(wc -l <"$W/rules.big") rules"
	for s in $SYS; do
		of "$s" del-flows "${BR[$s]}"
		sleep 1
		rss_kib "$s" >"$W/rss0.$s"
		t0=$(now)
		if ! of "$s" add-flows "${BR[$s]}" "$W/rules.big" 2>"$W/load.err.$s"; then
			# Measure the memory anyway, loading in parts, and say so.
			cat "$W/load.err.$s" >&2
			BENCH_NOTES="${BENCH_NOTES:+$BENCH_NOTES
}${NAME[$s]} refused the $(wc -l <"$W/rules.big") rules in one add-flows (\`$(head -n 1 "$W/load.err.$s")\`); they were loaded in add-flows of $CHUNK rules each, and its add-flows time is theirs added up."
			split -l "$CHUNK" "$W/rules.big" "$W/rules.part."
			t0=$(now)
			for f in "$W"/rules.part.*; do
				of "$s" add-flows "${BR[$s]}" "$f" ||
					echo "bench_agent: ${NAME[$s]} refused $f too" >&2
			done
			rm -f "$W"/rules.part.*
		fi
		t1=$(now)
		sleep 2
		rss_kib "$s" >"$W/rss1.$s"
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' >"$W/load.$s"
		# The rules in place, from the table statistics (dump-flows of
		# them all is checked as well, and noted when it fails).
		# (ovs-ofctl prints "table N: ditto" for a table whose
		# statistics equal the previous one's, "tables N...M: ditto"
		# for a run of them.)
		of "$s" dump-tables "${BR[$s]}" | tee "$W/tables.$s" |
			awk -F'active=' 'NF > 1 { split($2, a, ","); last = a[1]; n += last }
				/table [0-9]+: *ditto/ { n += last }
				/tables [0-9]+\.\.\.[0-9]+: *ditto/ {
					split($0, r, /tables |\.\.\.|:/)
					n += last * (r[3] - r[2] + 1) }
				END { print n + 0 }' >"$W/nrules.$s"
		if ! of "$s" dump-flows "${BR[$s]}" >/dev/null 2>"$W/dump.err.$s"; then
			cat "$W/dump.err.$s" >&2
			BENCH_NOTES="${BENCH_NOTES:+$BENCH_NOTES
}${NAME[$s]} could not dump-flows the $(cat "$W/nrules.$s") rules: \`$(head -n 1 "$W/dump.err.$s")\`."
		fi
		blog "memory ${NAME[$s]}: rss $(cat "$W/rss0.$s") -> $(cat "$W/rss1.$s") KiB," \
			"$(cat "$W/nrules.$s") rules in $(cat "$W/load.$s") s"
		of "$s" del-flows "${BR[$s]}"
	done
}

bench_classifier() {
	if [ ! -x "$CLSBENCH" ]; then
		echo "bench_agent: no $CLSBENCH (make)" >&2
		return
	fi
	"$CLSBENCH" 1000 10000 100000 | tee "$W/cls.txt"
}

# ---- the table ---------------------------------------------------------------------

median() {
	sort -g | awk '{ a[NR] = $1 }
		END { if (!NR) { print "n/a"; exit }
		      if (NR % 2) print a[(NR + 1) / 2];
		      else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

ratio_median() {
	[ -s "$1" ] && [ -s "$2" ] || { echo "n/a"; return; }
	paste "$1" "$2" | awk '$1 > 0 && $2 > 0 { printf "%.4f\n", $1 / $2 }' |
		median | awk '$1 == "n/a" { print; next } { printf "%.2f\n", $1 }'
}

cell() {
	[ -s "$1" ] && median <"$1" | awk '$1 == "n/a" { print; next } { printf "%.0f", $1 }' || printf 'n/a'
}

# cell1 FILE: the median with one decimal.
cell1() {
	[ -s "$1" ] && median <"$1" | awk '$1 == "n/a" { print; next } { printf "%.1f", $1 }' || printf 'n/a'
}

one() { [ -s "$1" ] && cat "$1" || echo n/a; }

ratio1() {
	awk -v a="$(one "$1")" -v b="$(one "$2")" \
		'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'
}

cls_cell() {
	awk -v n="$1" '$1 == "rules" && $2 + 0 == n { for (i = 1; i <= NF; i++)
		if ($i == "M" && $(i + 1) == "lookups/s") { printf "%.2f M", $(i - 1); exit } }' \
		"$W/cls.txt" 2>/dev/null
}

table() {
	echo "| measure | ovs-vswitchd | weftd | weft/OVS | bar |"
	echo "|---|---:|---:|---:|---|"
	printf '| new-flow setup, lossless (flows/s, %s /32 destinations) | %s | %s | %s | >= 1.5 |\n' \
		"$DESTS" "$(cell "$W/lossless.o")" "$(cell "$W/lossless.w")" \
		"$(ratio_median "$W/lossless.w" "$W/lossless.o")"
	printf '| upcalls handled, pktgen at full speed (flows installed/s) | %s | %s | %s | >= 1.5 |\n' \
		"$(cell "$W/upcalls.o")" "$(cell "$W/upcalls.w")" \
		"$(ratio_median "$W/upcalls.w" "$W/upcalls.o")"
	printf '| daemon CPU a new flow at full speed (us, all its threads) | %s | %s | %s | |\n' \
		"$(cell1 "$W/cpu.o")" "$(cell1 "$W/cpu.w")" \
		"$(ratio_median "$W/cpu.w" "$W/cpu.o")"
	printf '| pps, 64 B, in_port=1,actions=output:2 | %s | %s | %s | |\n' \
		"$(cell "$W/pps.output.o")" "$(cell "$W/pps.output.w")" \
		"$(ratio_median "$W/pps.output.w" "$W/pps.output.o")"
	printf '| pps, 64 B, actions=NORMAL | %s | %s | %s | |\n' \
		"$(cell "$W/pps.normal.o")" "$(cell "$W/pps.normal.w")" \
		"$(ratio_median "$W/pps.normal.w" "$W/pps.normal.o")"
	printf '| megaflows: %s destinations, one /32 rule each | %s | %s | %s | = |\n' \
		"$DESTS" "$(one "$W/mf.dests32.o")" "$(one "$W/mf.dests32.w")" \
		"$(ratio1 "$W/mf.dests32.w" "$W/mf.dests32.o")"
	printf '| megaflows: %s destinations, 9 prefix routes | %s | %s | %s | <= 1 (aim 0.5) |\n' \
		"$DESTS" "$(one "$W/mf.routes.o")" "$(one "$W/mf.routes.w")" \
		"$(ratio1 "$W/mf.routes.w" "$W/mf.routes.o")"
	printf '| megaflows: %s source ports, tp_src drop rule | %s | %s | %s | <= 1 (aim 0.5) |\n' \
		"$DESTS" "$(one "$W/mf.l4.o")" "$(one "$W/mf.l4.w")" \
		"$(ratio1 "$W/mf.l4.w" "$W/mf.l4.o")"
	printf '| megaflows: the pps traffic (output rule / NORMAL) | %s / %s | %s / %s | | |\n' \
		"$(one "$W/mf.pps.output.o")" "$(one "$W/mf.pps.normal.o")" \
		"$(one "$W/mf.pps.output.w")" "$(one "$W/mf.pps.normal.w")"
	printf '| daemon RSS, fresh, one bridge (MiB) | %s | %s | %s | |\n' \
		"$(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss.idle.o" 2>/dev/null)" \
		"$(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss.idle.w" 2>/dev/null)" \
		"$(ratio1 "$W/rss.idle.w" "$W/rss.idle.o")"
	printf '| daemon RSS, after the rows above, rules deleted (MiB) | %s | %s | %s | |\n' \
		"$(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss0.o" 2>/dev/null)" \
		"$(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss0.w" 2>/dev/null)" \
		"$(ratio1 "$W/rss0.w" "$W/rss0.o")"
	printf '| daemon RSS, %s / %s rules loaded (MiB) | %s | %s | %s | |\n' \
		"$(one "$W/nrules.o")" "$(one "$W/nrules.w")" \
		"$(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss1.o" 2>/dev/null)" \
		"$(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss1.w" 2>/dev/null)" \
		"$(ratio1 "$W/rss1.w" "$W/rss1.o")"
	printf '| add-flows of those rules (s) | %s | %s | %s | |\n' \
		"$(one "$W/load.o")" "$(one "$W/load.w")" "$(ratio1 "$W/load.w" "$W/load.o")"
	printf '| classifier lookups/s, 1k / 10k / 100k rules | n/a (no ovstest in Debian 12) | %s / %s / %s | n/a | |\n' \
		"$(cls_cell 1000)" "$(cls_cell 10000)" "$(cls_cell 100000)"
}

# verdict WHAT RATIO ge|le BAR: one line saying whether RATIO meets BAR.
verdict() {
	local ok
	case "$2" in n/a) echo "- $1: n/a"; return ;; esac
	ok=$(awk -v r="$2" -v b="$4" -v op="$3" \
		'BEGIN { print ((op == "ge" ? r >= b : r <= b) ? "met" : "NOT met") }')
	echo "- $1: weft/OVS = $2 (bar: $( [ "$3" = ge ] && echo ">=" || echo "<=") $4): $ok"
}

write_doc() {
	{
		echo "# Benchmarks: weftd against ovs-vswitchd"
		echo
		echo "Latest run: $(date -u +%Y-%m-%d) (guest clock), kernel $(uname -r)," \
			"$(ovs-vswitchd --version | head -n 1 | sed 's/.*) /OVS /'), weft $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)."
		echo
		echo "Reproduce: \`tests/bench/bench_agent.sh\` on the host (it runs"
		echo "\`scripts/vm-run --bench tests/bench/bench_agent.sh\` and rewrites this file)."
		echo
		echo "Both daemons run in one VM, each on its own kernel module, with the same"
		echo "rules loaded by their own ofctl and the same pktgen traffic (64-byte UDP)"
		echo "from a veth into a two-port bridge; a veth in another namespace counts what"
		echo "comes out. $ROUNDS rounds, the two systems alternated within each; a figure is"
		echo "the median over rounds, a ratio the median of the per-round ratios (weft/OVS:"
		echo "above 1 is better for rates, below 1 for flows, memory and time)."
		echo
		echo "- New-flow setup: $DESTS frames to as many destinations, against as many"
		echo "  \`ip,nw_dst=A/32,actions=output:2\` rules, so that every frame is a miss, an"
		echo "  upcall and a flow install. Each trial offers them at one rate of a ladder"
		echo "  ($LADDER pps, then as fast as pktgen goes) and times how long"
		echo "  from pktgen's first frame until the last datapath flow is in"
		echo "  (tests/bench/flowpoll.py polls the datapath's flow count over generic"
		echo "  netlink and the sending veth's frame count every 10 ms, one process for"
		echo "  the trial, the same for both; both datapaths are purged before each"
		echo "  trial): *achieved* = flows installed in that window / its length. Not"
		echo "  from the shell's start of pktgen, which adds 0.1-0.25 s of pktgen's own"
		echo "  control-file sleeps to both systems (done so until 2026-11-27)."
		echo "  *Lossless* is the best achieved rate of a trial in which every frame"
		echo "  reached the sink, every destination got its flow and the datapath counted"
		echo "  no lost upcall; *upcalls handled* is the achieved rate at full speed. On one"
		echo "  vCPU a handler thread that wakes preempts pktgen, so offered rates are upper"
		echo "  bounds: the achieved rate is the measure."
		echo "- Daemon CPU a new flow: the CPU time of all the daemon's threads during"
		echo "  the full-speed trial (schedstat: their system calls count, the module's"
		echo "  miss path in pktgen's thread does not), over the flows installed. It"
		echo "  does not depend on how pktgen and the daemon share the vCPU."
		echo "- pps: $COUNT frames of one 5-tuple once its megaflow is installed."
		echo "- Megaflows: datapath flows left by the destinations against a 9-route"
		echo "  table, and by $DESTS source ports against a \`udp,tp_src=10500\` drop rule"
		echo "  above \`udp,actions=output:2\` (other_config:max-idle=60000, so none expire)."
		echo "- RSS: \`ps -o rss\` of ovs-vswitchd and weftd, idle, then with an OVN-like mix"
		echo "  of $NRULES rules in four tables (port classification, L2, prefix routes,"
		echo "  ACLs) loaded with add-flows."
		echo "- Classifier: build/tests/tools/weft-clsbench (one table of an OVN-like mix,"
		echo "  lookups with megaflow mask tracking). OVS's counterpart,"
		echo "  \`ovstest test-classifier benchmark\`, is not packaged in Debian 12"
		echo "  (openvswitch-test ships ovs-test and ovs-l3ping only), so weft's figures"
		echo "  stand alone there."
		echo
		table
		echo
		echo "**Under \`-icount shift=0\` guest time counts executed instructions, not cache"
		echo "misses or memory stalls**: these figures compare how much work each path does"
		echo "on one vCPU under TCG (pktgen, the kernel and the daemon share it); they are"
		echo "not line rates of real hardware."
		echo
		echo "Against the issue's bar (setup rate >= 1.5x ovs-vswitchd, megaflows <= OVS,"
		echo "aiming at half):"
		echo
		verdict "new-flow setup, lossless" "$(ratio_median "$W/lossless.w" "$W/lossless.o")" ge 1.5
		verdict "upcalls handled at full speed" "$(ratio_median "$W/upcalls.w" "$W/upcalls.o")" ge 1.5
		verdict "megaflows, prefix routes" "$(ratio1 "$W/mf.routes.w" "$W/mf.routes.o")" le 1
		verdict "megaflows, tp_src rule" "$(ratio1 "$W/mf.l4.w" "$W/mf.l4.o")" le 1
		if [ -n "${BENCH_NOTES:-}" ]; then
			echo
			echo "$BENCH_NOTES"
		fi
	} >"$1"
}

row() { case " $ROWS " in *" $1 "*) return 0 ;; esac; return 1; }

main() {
	blog "bench_agent: rounds=$ROUNDS dests=$DESTS count=$COUNT rules=$NRULES"
	modprobe veth || die "modprobe veth"
	modprobe pktgen || die "modprobe pktgen"
	case " $SYS " in *" w "*)
		weft_load
		weftd_start || die "weftd did not start" ;;
	esac
	ovs_start
	for s in $SYS; do
		setup_system "$s" || die "setting up ${NAME[$s]}"
	done
	ovs_vsctl show
	case " $SYS " in *" w "*) vsctl show ;; esac
	sleep 2
	for s in $SYS; do
		rss_kib "$s" >"$W/rss.idle.$s"
	done
	if row setup; then
		blog "setup rate"
		bench_setup
	fi
	if row pps; then
		blog "pps"
		bench_pps output "priority=10,in_port=1,actions=output:2"
		bench_pps normal "priority=0,actions=NORMAL"
	fi
	if row megaflows; then
		blog "megaflows"
		bench_megaflows
	fi
	if row memory; then
		blog "memory"
		bench_memory
	fi
	if row classifier; then
		blog "classifier"
		bench_classifier
	fi
	echo
	table | tee "$OUT/table.md"
	# The doc is written only when every row ran.
	[ -n "${BENCH_ROWS:-}" ] || write_doc "$OUT/benchmarks-agent.md"
	cp -r "$W" "$OUT/raw" 2>/dev/null
	blog "done"
}

main
