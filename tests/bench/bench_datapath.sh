#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1500
#
# bench_datapath.sh: weft.ko against openvswitch.ko, the Linux bridge and a
# bare veth, side by side in one VM, on the same traffic and the same flows.
#
#   kpktgend_0 (64-byte UDP, one 5-tuple)
#      │
#      ▼
#   pgX0 ══ veth ══ pgX1 ─► [ system X ] ─► skX0 ══ veth ══ skX1 (netns snkX)
#                                                             counts rx_packets
#   X = v  direct:  pgv1 itself is the sink, in netns snkv (no system)
#       b  bridge:  pgb1 and skb0 enslaved to br-bench (static fdb entry)
#       o  ovs:     openvswitch.ko datapath "obench": port 1 pgo1, port 2 sko0
#       w  weft:    weft.ko datapath "wbench":        port 1 pgw1, port 2 skw0
#
# The frames go to a MAC the sink does not own, so the sink's stack drops them
# at the first check; every system pays the same for that.
#
# Rows: "1 flow" has only the flow the traffic hits; "16 masks" and "64
# masks" first install 15 or 63 decoy flows, each with its own mask (an IPv4
# source or destination prefix of a different length, never matching the
# traffic), and the hit flow last, so that it sits behind them in mask order.
# The flow text is given once and fed to ovs-dpctl and weft-dpctl alike.
#
# Method (see DESIGN.md, "Pitfalls"): run with `scripts/vm-run --bench`, i.e.
# TCG with -icount shift=0 on one vCPU, so guest time counts executed
# instructions and repeated runs agree closely. Each round measures every
# system once (the order rotates from round to round); pps = packets counted at
# the sink / pktgen's elapsed guest time. A ratio is the median over rounds of
# the per-round ratios. Under -icount, guest time counts instructions, not
# cache misses or memory stalls: the figures rank code paths by work done, they
# are not line rates.
#
# Flow installs: weft-flowbench installs BENCH_FLOWS distinct exact-match
# flows over netlink with a window of outstanding requests, into an
# openvswitch.ko datapath and a weft.ko datapath in turn, every round.
#
# Run:   scripts/vm-run --bench tests/bench/bench_datapath.sh
#        (or this script on the host: it does that, then copies the table to
#        docs/benchmarks.md)
# Knobs: BENCH_COUNT (packets per run, 200000), BENCH_ROUNDS (5),
#        BENCH_ROWS ("1 16 64"), BENCH_FLOWS (10000), BENCH_SYSTEMS ("v b o w").
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}

# On the host: run in the VM, then keep the table in docs/.
if [ -z "${WEFT_VM:-}" ]; then
	cd "$TOP" || exit 1
	vars=()
	for v in BENCH_COUNT BENCH_ROUNDS BENCH_ROWS BENCH_FLOWS BENCH_SYSTEMS; do
		[ -n "${!v:-}" ] && vars+=("$v=${!v}")
	done
	scripts/vm-run --bench tests/bench/bench_datapath.sh "${vars[@]}" || exit
	cp results/bench_datapath/benchmarks.md docs/benchmarks.md &&
		echo "bench_datapath: table written to docs/benchmarks.md"
	exit
fi
# In the VM, NAME=VALUE arguments carry the knobs.
for a in "$@"; do
	case "$a" in BENCH_*=*) export "${a?}" ;; esac
done

COUNT=${BENCH_COUNT:-200000}
ROUNDS=${BENCH_ROUNDS:-5}
ROWS=${BENCH_ROWS:-1 16 64}
NFLOWS=${BENCH_FLOWS:-10000}
SYSTEMS=${BENCH_SYSTEMS:-v b o w}
KO=${WEFT_KO:-$TOP/kmod/weft.ko}
WDPCTL=$TOP/build/weft-dpctl
FLOWBENCH=$TOP/build/tests/tools/weft-flowbench
OUT=${WEFT_RESULTS:-/tmp}
W=$(mktemp -d /tmp/bench.XXXXXX)
PG=/proc/net/pktgen

SRC_MAC=02:00:00:00:be:01
DST_MAC=02:00:00:00:be:02	# nobody's: the sink drops it as OTHERHOST
SINK_MAC=02:00:00:00:be:fe
HIT_MATCH="in_port(1),eth(src=$SRC_MAC,dst=$DST_MAC),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,frag=no),udp(src=9,dst=9)"
HIT_ACTIONS=2

declare -A NAME=([v]=veth [b]=bridge [o]=ovs [w]=weft)
declare -A SINK_DEV=([v]=pgv1 [b]=skb1 [o]=sko1 [w]=skw1)
HAVE_WEFT=0
WEFT_FAILED=

log() {
	echo "[$(cut -d' ' -f1 /proc/uptime)s] $*"
}

die() {
	echo "bench_datapath: $*" >&2
	exit 1
}

# ovs-dpctl or weft-dpctl, by system letter.
dpctl() {
	local sys=$1
	shift
	case "$sys" in
	o) ovs-dpctl "$@" 2> >(grep -v 'Datapath dispatch mode' >&2) ;;
	w) "$WDPCTL" "$@" ;;
	esac
}

dp_name() {
	case "$1" in o) echo obench ;; w) echo wbench ;; esac
}

# 255.255.240.0 for 20, and so on.
prefix_mask() {
	local len=$1 m
	m=$(( len ? (0xffffffff << (32 - len)) & 0xffffffff : 0 ))
	echo "$((m >> 24 & 255)).$((m >> 16 & 255)).$((m >> 8 & 255)).$((m & 255))"
}

# Decoy number K (1..63): a mask of its own, never hit by the traffic, and
# no decoy's key matched by another decoy's flow (openvswitch.ko refuses a new
# flow whose key an installed flow already matches, with EEXIST). Decoys 1-31
# match an IPv4 source prefix of length 2..32, decoys 32-62 a destination
# prefix of length 2..32, whose value is LEN-1 one bits and then a zero: a
# top bit of 1 never matches 10.0.0.x, and no two such prefixes overlap.
# Decoy 63 matches a DSCP of 1 (tos=0x4/0xfc).
decoy_match() {
	local k=$1 field len
	if [ "$k" -le 31 ]; then
		field=src len=$((k + 1))
	elif [ "$k" -le 62 ]; then
		field=dst len=$((k - 30))
	else
		echo "in_port(1),eth(),eth_type(0x0800),ipv4(tos=0x4/0xfc,frag=no)"
		return
	fi
	echo "in_port(1),eth(),eth_type(0x0800),ipv4($field=$(prefix_mask $((len - 1)))/$(prefix_mask "$len"),frag=no)"
}

setup_system() {
	local s=$1
	ip link add "pg${s}0" type veth peer name "pg${s}1" || return 1
	ip netns add "snk$s" || return 1
	ip link set "pg${s}0" address "$SRC_MAC" up
	if [ "$s" = v ]; then
		ip link set pgv1 netns snkv
		ip -n snkv link set pgv1 address "$SINK_MAC" up
		return 0
	fi
	ip link add "sk${s}0" type veth peer name "sk${s}1" || return 1
	ip link set "sk${s}1" netns "snk$s"
	ip -n "snk$s" link set "sk${s}1" address "$SINK_MAC" up
	ip link set "pg${s}1" up
	ip link set "sk${s}0" up
	case "$s" in
	b)
		ip link add br-bench type bridge || return 1
		ip link set pgb1 master br-bench
		ip link set skb0 master br-bench
		ip link set br-bench up
		bridge fdb add "$DST_MAC" dev skb0 master static
		;;
	o|w)
		dpctl "$s" add-dp "$(dp_name "$s")" || return 1
		dpctl "$s" add-if "$(dp_name "$s")" "pg${s}1" || return 1
		dpctl "$s" add-if "$(dp_name "$s")" "sk${s}0" || return 1
		;;
	esac
}

# The flows of one row: NMASKS - 1 decoys, then the hit flow.
install_flows() {
	local s=$1 nmasks=$2 dp k
	dp=$(dp_name "$s")
	dpctl "$s" del-flows "$dp" || return 1
	for ((k = 1; k < nmasks; k++)); do
		dpctl "$s" add-flow "$dp" "$(decoy_match "$k")" 2 || return 1
	done
	dpctl "$s" add-flow "$dp" "$HIT_MATCH" "$HIT_ACTIONS"
}

sink_rx() {
	local s=$1
	ip -n "snk$s" -s link show dev "${SINK_DEV[$s]}" |
		awk '/RX:/ { getline; print $2; exit }'
}

# One pktgen run through system S; prints "pps delivered usec".
run_pktgen() {
	local s=$1 dev="pg${s}0" rx0 rx1 usec c
	rx0=$(sink_rx "$s")
	echo "rem_device_all" >"$PG/kpktgend_0"
	echo "add_device $dev" >"$PG/kpktgend_0"
	for c in "count $COUNT" "clone_skb 0" "burst 1" "pkt_size 60" \
		 "delay 0" "src_mac $SRC_MAC" "dst_mac $DST_MAC" \
		 "src_min 10.0.0.1" "src_max 10.0.0.1" "dst 10.0.0.2" \
		 "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" \
		 "udp_dst_max 9"; do
		echo "$c" >"$PG/$dev" || return 1
	done
	echo start >"$PG/pgctrl"
	rx1=$(sink_rx "$s")
	usec=$(sed -n 's/.*Result: OK: \([0-9]*\)(.*/\1/p' "$PG/$dev")
	[ -n "$usec" ] || { grep Result "$PG/$dev" >&2; return 1; }
	awk -v n=$((rx1 - rx0)) -v us="$usec" \
		'BEGIN { printf "%.0f %d %d\n", n * 1e6 / us, n, us }'
}

median() {
	sort -g | awk '{ a[NR] = $1 }
		END { if (!NR) { print "n/a"; exit }
		      if (NR % 2) print a[(NR + 1) / 2];
		      else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# Median over rounds of A's value divided by B's, from two files of one value
# a line, line N being round N.
ratio_median() {
	[ -s "$1" ] && [ -s "$2" ] || { echo "n/a"; return; }
	paste "$1" "$2" | awk '$1 > 0 && $2 > 0 { printf "%.4f\n", $1 / $2 }' |
		median | awk '$1 == "n/a" { print; next } { printf "%.3f\n", $1 }'
}

has_system() {
	case " $SYSTEMS " in *" $1 "*) return 0 ;; esac
	return 1
}

bench_row() {
	local nmasks=$1 r i s systems rot line
	for s in o w; do
		has_system "$s" || continue
		[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
		if ! install_flows "$s" "$nmasks"; then
			[ "$s" = w ] ||
				die "installing $nmasks masks into ${NAME[$s]} failed"
			# Measure the others rather than nothing.
			echo "bench_datapath: weft-dpctl could not install the flows;" \
				"weft columns are n/a from here on" >&2
			WEFT_FAILED="installing the $nmasks-mask flows with weft-dpctl failed"
			HAVE_WEFT=0
			continue
		fi
		dpctl "$s" show "$(dp_name "$s")" | sed "s/^/  ${NAME[$s]}: /"
	done
	# shellcheck disable=SC2206
	systems=($SYSTEMS)
	for ((r = 0; r < ROUNDS; r++)); do
		for ((i = 0; i < ${#systems[@]}; i++)); do
			s=${systems[(i + r) % ${#systems[@]}]}
			[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
			line=$(run_pktgen "$s") ||
				die "pktgen through ${NAME[$s]} failed"
			log "row $nmasks round $((r + 1)) ${NAME[$s]}: pps delivered usec = $line"
			set -- $line
			[ "$2" -ge $((COUNT * 99 / 100)) ] ||
				echo "  ${NAME[$s]} delivered only $2 of $COUNT" >&2
			echo "$1" >>"$W/pps.$nmasks.$s"
		done
	done
	for s in o w; do
		has_system "$s" || continue
		[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
		dpctl "$s" show "$(dp_name "$s")" | grep -E 'lookups|masks' |
			sed "s/^/  ${NAME[$s]} after row $nmasks: /"
	done
}

# Flow installs per second, alternating the two modules every round.
bench_installs() {
	local r s out rate
	for s in o w; do
		[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
		ip link add "fb${s}1" type dummy && ip link add "fb${s}2" type dummy
		ip link set "fb${s}1" up && ip link set "fb${s}2" up
		dpctl "$s" add-dp "fb$s" && dpctl "$s" add-if "fb$s" "fb${s}1" &&
			dpctl "$s" add-if "fb$s" "fb${s}2" ||
			die "flow-install datapath for ${NAME[$s]}"
	done
	for ((r = 0; r < ROUNDS; r++)); do
		for s in o w; do
			[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
			dpctl "$s" del-flows "fb$s"
			local fam=ovs
			[ "$s" = w ] && fam=weft
			out=$("$FLOWBENCH" "$fam" "fb$s" "$NFLOWS") ||
				die "weft-flowbench $fam: $out"
			log "installs round $((r + 1)) ${NAME[$s]}: $out"
			rate=$(echo "$out" | sed -n 's/.*flows_per_sec=\([0-9]*\).*/\1/p')
			echo "$rate" >>"$W/installs.$s"
		done
	done
	for s in o w; do
		[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
		dpctl "$s" show "fb$s" | grep -E 'flows' |
			sed "s/^/  ${NAME[$s]} after installs: /"
		dpctl "$s" del-flows "fb$s"
	done
}

cell() {
	local f=$1
	[ -s "$f" ] && median <"$f" | awk '{ printf "%.0f", $1 }' || printf 'n/a'
}

table() {
	local nmasks label
	echo "| row | veth pps | bridge pps | ovs pps | weft pps | weft/ovs | weft/bridge |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for nmasks in $ROWS; do
		if [ "$nmasks" = 1 ]; then label="1 flow"; else label="$nmasks masks"; fi
		printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
			"$(cell "$W/pps.$nmasks.v")" "$(cell "$W/pps.$nmasks.b")" \
			"$(cell "$W/pps.$nmasks.o")" "$(cell "$W/pps.$nmasks.w")" \
			"$(ratio_median "$W/pps.$nmasks.w" "$W/pps.$nmasks.o")" \
			"$(ratio_median "$W/pps.$nmasks.w" "$W/pps.$nmasks.b")"
	done
	echo
	echo "| flow installs over netlink ($NFLOWS exact-match flows) | ovs flows/s | weft flows/s | weft/ovs |"
	echo "|---|---:|---:|---:|"
	printf '| %s | %s | %s | %s |\n' "weft-flowbench, window 256" \
		"$(cell "$W/installs.o")" "$(cell "$W/installs.w")" \
		"$(ratio_median "$W/installs.w" "$W/installs.o")"
}

write_doc() {
	local doc=$1
	{
		echo "# Benchmarks"
		echo
		echo "Latest run: $(date -u +%Y-%m-%d) (guest clock), kernel $(uname -r)," \
			"$(ovs-dpctl --version | head -n 1 | sed 's/.*) //;s/^/OVS /'), weft $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)."
		echo
		echo "Reproduce: \`scripts/vm-run --bench tests/bench/bench_datapath.sh\`"
		echo "(\`tests/bench/bench_datapath.sh\` on the host does the same and rewrites this file)."
		echo
		echo "64-byte frames (60 bytes + FCS), one UDP 5-tuple, sent by pktgen from a"
		echo "veth into each system and counted at the receiving veth in another namespace;"
		echo "$COUNT packets per run, $ROUNDS rounds, systems alternated within each round."
		echo "pps is the median over rounds; a ratio is the median of the per-round ratios."
		echo "Rows \"16/64 masks\" have 15/63 decoy flows with distinct masks installed before"
		echo "the flow the traffic hits. Flow installs: $NFLOWS distinct exact-match flows"
		echo "installed by tests/tools/weft-flowbench over each module's own generic netlink"
		echo "family, 32 requests per send, at most 256 unacknowledged."
		echo
		table
		echo
		echo "**Under \`-icount shift=0\` guest time counts executed instructions, not cache"
		echo "misses or memory stalls**: these figures compare how much work each path does"
		echo "per packet on one vCPU under TCG; they are not line rates of real hardware."
		if [ -n "$WEFT_FAILED" ]; then
			echo
			echo "weft columns are n/a: $WEFT_FAILED."
		elif [ "$HAVE_WEFT" = 0 ]; then
			echo
			echo "weft.ko or weft-dpctl was not built for this run: its columns are n/a."
		fi
	} >"$doc"
}

main() {
	log "bench_datapath: count=$COUNT rounds=$ROUNDS rows='$ROWS' flows=$NFLOWS systems='$SYSTEMS'"
	modprobe veth || die "modprobe veth"
	modprobe pktgen || die "modprobe pktgen"
	modprobe openvswitch || die "modprobe openvswitch"
	modprobe bridge
	if has_system w && [ -f "$KO" ] && [ -x "$WDPCTL" ]; then
		if insmod "$KO"; then
			HAVE_WEFT=1
		else
			echo "bench_datapath: insmod $KO failed; weft columns are n/a" >&2
		fi
	else
		echo "bench_datapath: weft.ko or weft-dpctl not built; weft columns are n/a" >&2
	fi
	for s in $SYSTEMS; do
		[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
		setup_system "$s" || die "setting up ${NAME[$s]} failed"
	done
	for s in o w; do
		has_system "$s" || continue
		[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
		dpctl "$s" show "$(dp_name "$s")" | grep -q "port 1: pg${s}1" ||
			die "${NAME[$s]}: pg${s}1 is not port 1"
		dpctl "$s" show "$(dp_name "$s")" | grep -q "port 2: sk${s}0" ||
			die "${NAME[$s]}: sk${s}0 is not port 2"
	done

	for nmasks in $ROWS; do
		log "row: $nmasks mask(s)"
		bench_row "$nmasks"
	done
	if [ -x "$FLOWBENCH" ] && has_system o; then
		log "flow installs: $NFLOWS flows per round"
		bench_installs
	else
		echo "bench_datapath: $FLOWBENCH not built; no flow-install row" >&2
	fi

	echo
	table | tee "$OUT/table.md"
	write_doc "$OUT/benchmarks.md"
	echo
	echo "Under -icount shift=0, guest time counts instructions, not cache misses."

	log "done"
}

# The module leaves cleanly whatever happened (a later script in the same VM
# may load it again).
cleanup() {
	lsmod | grep -q '^weft ' || return 0
	"$WDPCTL" del-dp wbench 2>/dev/null
	"$WDPCTL" del-dp fbw 2>/dev/null
	rmmod weft || echo "bench_datapath: rmmod weft failed" >&2
}
trap cleanup EXIT

main
