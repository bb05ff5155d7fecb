#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 2400
#
# bench_ovn_pps.sh: issue 8's cross-chassis forwarding benchmark. Two weft
# chassis (weftd in namespaces nA and nB) and two real OVN chassis
# (ovn-controller + ovs-vswitchd on openvswitch.ko in nC and nD), all in
# one VM on one OVN control plane, one logical switch:
#
#   pktgen ─ pgA ─ br-int (weftd, nA) ══ GENEVE ══ br-int (weftd, nB) ─ skB ─ sink
#   pktgen ─ pgC ─ br-int (OVS, nC)   ══ GENEVE ══ br-int (OVS, nD)   ─ skD ─ sink
#
# kpktgend_0 sends 64-byte UDP frames (one 5-tuple, logical port to
# logical port) into the first chassis; the sink counts what the second
# delivers. pps = frames at the sink / pktgen's elapsed guest time. Each
# round measures both pairs, alternating which goes first; the figure is
# the median over rounds. Method (DESIGN.md, "Pitfalls"): `scripts/vm-run
# --bench`: TCG with -icount shift=0 on one vCPU, so a figure counts
# instructions (pktgen, both chassis and the sink share the vCPU).
#
# Run:   tests/bench/bench_ovn_pps.sh on the host (runs the VM and writes
#        docs/benchmarks-ovn-pps.md), or scripts/vm-run --bench
#        tests/bench/bench_ovn_pps.sh [BENCH_X=...]
# Knobs: BENCH_ROUNDS (5), BENCH_COUNT (frames per run, 200000),
#        BENCH_WARMUP (2000).
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}

if [ -z "${WEFT_VM:-}" ]; then
	cd "$TOP" || exit 1
	vars=()
	for v in BENCH_ROUNDS BENCH_COUNT BENCH_WARMUP; do
		[ -n "${!v:-}" ] && vars+=("$v=${!v}")
	done
	scripts/vm-run --bench --mem 4096 --timeout 2400 --name bench_ovn_pps \
		tests/bench/bench_ovn_pps.sh "${vars[@]}" || exit
	cp results/bench_ovn_pps/benchmarks-ovn-pps.md docs/benchmarks-ovn-pps.md &&
		echo "bench_ovn_pps: table written to docs/benchmarks-ovn-pps.md"
	exit
fi
for a in "$@"; do
	case "$a" in BENCH_*=*) export "${a?}" ;; esac
done

. "$TOP/tests/system/weftd_tunnel_lib.sh"
. "$TOP/tests/system/ovn_lib.sh"
. "$TOP/tests/system/ovn_ovs_lib.sh"

ROUNDS=${BENCH_ROUNDS:-5}
COUNT=${BENCH_COUNT:-200000}
WARMUP=${BENCH_WARMUP:-2000}
PG=/proc/net/pktgen
OUT=$WEFT_RESULTS

# Per pair: source port, sink port, their logical ports, MACs and IPs.
declare -A SRC_NODE=([weft]=nA [ovs]=nC) DST_NODE=([weft]=nB [ovs]=nD)
declare -A SRC_LSP=([weft]=lpa [ovs]=lpc) DST_LSP=([weft]=lpb [ovs]=lpd)
declare -A SRC_MAC=([weft]=0a:00:00:00:01:0a [ovs]=0a:00:00:00:01:0c)
declare -A DST_MAC=([weft]=0a:00:00:00:01:0b [ovs]=0a:00:00:00:01:0d)
declare -A SRC_IP=([weft]=10.0.1.10 [ovs]=10.0.1.12)
declare -A DST_IP=([weft]=10.0.1.11 [ovs]=10.0.1.13)
declare -A PGDEV=([weft]=pgA0 [ovs]=pgC0) SINK=([weft]=snkB [ovs]=snkD)

# src_port SYS: pktgen's veth (pg?0 here, pg?1 in the source chassis).
src_port() {
	local s=$1 n=${SRC_NODE[$1]} d=${PGDEV[$1]}
	ip link add "$d" type veth peer name "${d%0}1" || return 1
	sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
	ip link set "$d" address "${SRC_MAC[$s]}" up
	ip link set "${d%0}1" netns "$n" || return 1
	in_ns "$n" ip link set "${d%0}1" up
}

# sink_port SYS: the sink namespace behind sk?0 in the second chassis.
sink_port() {
	local s=$1 n=${DST_NODE[$1]} k=${SINK[$1]}
	netns_add "$k"
	ip link add "${k}0" type veth peer name "${k}1" || return 1
	ip link set "${k}0" netns "$n" && ip link set "${k}1" netns "$k" ||
		return 1
	in_ns "$n" ip link set "${k}0" up
	in_ns "$k" ip link set "${k}1" address "${DST_MAC[$s]}" up
}

sink_rx() { in_ns "${SINK[$1]}" cat "/sys/class/net/${SINK[$1]}1/statistics/rx_packets"; }

# run_pktgen SYS COUNT: "pps delivered usec".
run_pktgen() {
	local s=$1 count=$2 dev=${PGDEV[$1]} rx0 rx1 usec c
	rx0=$(sink_rx "$s")
	echo "rem_device_all" >"$PG/kpktgend_0"
	echo "add_device $dev" >"$PG/kpktgend_0"
	for c in "count $count" "clone_skb 0" "burst 1" "pkt_size 60" \
		 "delay 0" "src_mac ${SRC_MAC[$s]}" "dst_mac ${DST_MAC[$s]}" \
		 "src_min ${SRC_IP[$s]}" "src_max ${SRC_IP[$s]}" \
		 "dst ${DST_IP[$s]}" "udp_src_min 9" "udp_src_max 9" \
		 "udp_dst_min 9" "udp_dst_max 9"; do
		echo "$c" >"$PG/$dev" || { echo "pktgen: '$c' refused" >&2; return 1; }
	done
	echo start >"$PG/pgctrl"
	usec=$(sed -n 's/.*Result: OK: \([0-9]*\)(.*/\1/p' "$PG/$dev")
	[ -n "$usec" ] || { grep Result "$PG/$dev" >&2; return 1; }
	sleep 0.2
	rx1=$(sink_rx "$s")
	awk -v n=$((rx1 - rx0)) -v us="$usec" \
		'BEGIN { printf "%.0f %d %d\n", n * 1e6 / us, n, us }'
}

median() {
	sort -g | awk '{ a[NR] = $1 }
		END { if (!NR) { print "n/a"; exit }
		      if (NR % 2) print a[(NR + 1) / 2];
		      else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

setup() {
	local s
	modprobe veth
	modprobe pktgen || die "modprobe pktgen"
	modprobe udp_tunnel && modprobe ip6_udp_tunnel || die "udp_tunnel"
	require "$WEFTD" ovn-northd ovn-controller ovs-vswitchd ovsdb-server
	weft_load
	underlay_up				# nA 192.168.70.1 - nB .2
	netns_add nC nD
	ip link add uC type veth peer name uD || die "underlay C-D"
	ip link set uC netns nC && ip link set uD netns nD || die "uC/uD"
	in_ns nC ip addr add 192.168.71.1/24 dev uC
	in_ns nD ip addr add 192.168.71.2/24 dev uD
	in_ns nC ip link set uC up
	in_ns nD ip link set uD up
	ovn_start || die "OVN control plane"
	nbctl ls-add ls1 || die "ls-add"
	for s in weft ovs; do
		nbctl lsp-add ls1 "${SRC_LSP[$s]}" -- lsp-set-addresses \
			"${SRC_LSP[$s]}" "${SRC_MAC[$s]} ${SRC_IP[$s]}" \
		   -- lsp-add ls1 "${DST_LSP[$s]}" -- lsp-set-addresses \
			"${DST_LSP[$s]}" "${DST_MAC[$s]} ${DST_IP[$s]}" ||
			die "lsp-add ($s)"
	done
	nweftd_start nA && nweftd_start nB || die "weftd did not start"
	nvsctl nA set Open_vSwitch . external_ids:system-id=hv-wa \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.168.70.1 || die "hv-wa"
	nvsctl nB set Open_vSwitch . external_ids:system-id=hv-wb \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.168.70.2 || die "hv-wb"
	ovs_chassis_start nC hv-oc 192.168.71.1 geneve || die "hv-oc"
	ovs_chassis_start nD hv-od 192.168.71.2 geneve || die "hv-od"
	wait_for 30 nvsctl nA br-exists br-int && wait_for 30 nvsctl nB br-exists br-int ||
		die "no br-int in nA/nB"
	for s in weft ovs; do
		src_port "$s" && sink_port "$s" || die "ports ($s)"
	done
	nvsctl nA add-port br-int pgA1 -- set Interface pgA1 external_ids:iface-id=lpa &&
	nvsctl nB add-port br-int snkB0 -- set Interface snkB0 external_ids:iface-id=lpb &&
	ovs_chassis_port nC pgC1 lpc && ovs_chassis_port nD snkD0 lpd ||
		die "binding the ports"
	timeout 300 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=280 sync ||
		die "--wait=hv did not return"
	phase "both pairs bound"
}

setup
: >"$OUT/raw.txt"
for s in weft ovs; do
	line=$(run_pktgen "$s" "$WARMUP") || die "warm-up through $s failed"
	log "warm-up $s: $line"
	[ "$(echo "$line" | cut -d' ' -f2)" -gt 0 ] ||
		die "nothing crossed the $s pair (see the flow dumps)"
done
for ((r = 1; r <= ROUNDS; r++)); do
	order="weft ovs"
	[ $((r % 2)) = 0 ] && order="ovs weft"
	for s in $order; do
		line=$(run_pktgen "$s" "$COUNT") || die "pktgen through $s failed"
		echo "$r $s $line" >>"$OUT/raw.txt"
		log "round $r $s: $line"
	done
done
nofctl nA dump-flows br-int >"$OUT/flows-nA.txt" 2>&1
ndp_flows nA >"$OUT/dp-flows-nA.txt" 2>&1
novs nC ovs-dpctl dump-flows >"$OUT/dp-flows-nC.txt" 2>&1

w=$(awk '$2 == "weft" { print $3 }' "$OUT/raw.txt" | median)
o=$(awk '$2 == "ovs" { print $3 }' "$OUT/raw.txt" | median)
ratio=$(awk -v w="$w" -v o="$o" 'BEGIN { if (o > 0) printf "%.2f", w / o; else print "n/a" }')
{
	echo "# Benchmark: cross-chassis forwarding, weft <-> weft against OVN <-> OVN"
	echo
	echo "64-byte UDP frames (one 5-tuple) from a logical port on one chassis to one"
	echo "on another, over GENEVE (csum on, as OVN sets it), in one VM: two weftd"
	echo "chassis and two ovn-controller + ovs-vswitchd (openvswitch.ko) chassis on"
	echo "one OVN control plane. pps = frames at the sink / pktgen's guest time,"
	echo "median of $ROUNDS rounds of $COUNT frames. Command:"
	echo "\`tests/bench/bench_ovn_pps.sh\` (\`scripts/vm-run --bench\`: TCG,"
	echo "-icount shift=0, one vCPU shared by pktgen, both chassis and the sink)."
	echo
	echo "| pair | pps (median) |"
	echo "|---|---:|"
	echo "| OVN <-> OVN (ovn-controller + ovs-vswitchd) | $o |"
	echo "| weft <-> weft (weftd + weft.ko) | $w |"
	echo "| weft / OVN | **$ratio** |"
	echo
	echo "Per run (round pair pps delivered usec):"
	echo
	sed 's/^/    /' "$OUT/raw.txt"
} >"$OUT/benchmarks-ovn-pps.md"
cat "$OUT/benchmarks-ovn-pps.md"
finish
