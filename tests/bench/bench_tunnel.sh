#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 2400
#
# bench_tunnel.sh: 64-byte UDP across a GENEVE or VXLAN tunnel between two
# nodes, through four systems side by side in one VM (issue 5's benchmark):
#
#   kpktgend_0 (64-byte UDP, one 5-tuple, root netns)
#      │
#      ▼
#   pg0 ══ veth ══ pg1 ─► [A: system] ─► tunnel ─► ul-a ══ underlay veth ══ ul-b
#                         netns a<ID>                  192.168.50.1 -> .2
#   ul-b ─► tunnel ─► [B: system] ─► sk0 ══ veth ══ sk1 (netns snk<ID>)
#                     netns b<ID>                   counts rx_packets
#
#   ID = tunnel letter (g geneve, x vxlan) + system letter:
#   n  native:  a Linux geneve/vxlan device in each node (VNI 5, fixed
#               remote) and plain IPv4 forwarding: pg1 10.0.1.254/24, route
#               10.0.0.0/24 via the peer's tunnel address, static neighbours
#               (the native pair: the least Linux needs to carry the frames)
#   m  native, tc redirect: the same devices, and a tc matchall/mirred
#               redirect on ingress (pg1 -> tunnel in A, tunnel -> sk0 in B)
#               instead of routing: the least work Linux can do here
#   b  bridge:  in each node a Linux bridge of the veth and the same kind of
#               geneve/vxlan device (static fdb entry for the destination MAC)
#   o  ovs:     an openvswitch.ko datapath in each node, ports and flows put
#               in by ovs-dpctl (no ovs-vswitchd): the flow-based tunnel port
#               OVS makes (genev_sys_6081 / vxlan_sys_4789, collect_md)
#   w  weft:    a weft.ko datapath in each node, ports and flows put in by
#               weft-dpctl: its own geneve/vxlan vport
#   The o and w flows are the same text, given to ovs-dpctl and weft-dpctl:
#     A: in_port(1),eth(src,dst),eth_type(0x0800),ipv4(5-tuple),udp(9,9)
#          -> set(tunnel(tun_id=0x5,dst=192.168.50.2,ttl=64,tp_dst=PORT,
#             flags(key))),2
#     B: tunnel(tun_id=0x5,src=192.168.50.1,dst=192.168.50.2,ttl=64),in_port(1),
#          the same inner match -> 2
#   No outer UDP checksum and no DF anywhere (the Linux devices' defaults).
#
# The frames go to a MAC nobody owns (the native pair's node B resolves the
# destination to it with a static neighbour), so the sink's stack drops them
# at its first check; every system pays the same for that.
#
# Method (DESIGN.md, "Pitfalls"): run with `scripts/vm-run --bench`, i.e.
# TCG with -icount shift=0 on one vCPU, so guest time counts executed
# instructions. Every setup is warmed up (BENCH_WARMUP frames: neighbours,
# fdb, flows in place) before the rounds; each round measures every setup
# once, the order of the systems rotating from round to round. pps = frames
# counted at the sink / pktgen's elapsed guest time; a figure is the median
# over rounds, a ratio the median of the per-round ratios. Under -icount guest
# time counts instructions, not cache misses or memory stalls: the figures
# rank code paths by work done, they are not line rates.
#
# Run:   tests/bench/bench_tunnel.sh on the host (runs the VM, then copies the
#        table to docs/benchmarks-tunnel.md), or
#        scripts/vm-run --bench tests/bench/bench_tunnel.sh [BENCH_X=...]
# Knobs: BENCH_COUNT (frames per run, 100000), BENCH_ROUNDS (5),
#        BENCH_WARMUP (frames, 2000), BENCH_TUNNELS ("geneve vxlan"),
#        BENCH_SYSTEMS ("n m b o w").
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}

# On the host: run in the VM, then keep the table in docs/.
if [ -z "${WEFT_VM:-}" ]; then
	cd "$TOP" || exit 1
	vars=()
	for v in BENCH_COUNT BENCH_ROUNDS BENCH_WARMUP BENCH_TUNNELS BENCH_SYSTEMS; do
		[ -n "${!v:-}" ] && vars+=("$v=${!v}")
	done
	scripts/vm-run --bench --name bench_tunnel tests/bench/bench_tunnel.sh \
		"${vars[@]}" || exit
	cp results/bench_tunnel/benchmarks-tunnel.md docs/benchmarks-tunnel.md &&
		echo "bench_tunnel: table written to docs/benchmarks-tunnel.md"
	exit
fi
# In the VM, NAME=VALUE arguments carry the knobs.
for a in "$@"; do
	case "$a" in BENCH_*=*) export "${a?}" ;; esac
done

COUNT=${BENCH_COUNT:-100000}
ROUNDS=${BENCH_ROUNDS:-5}
WARMUP=${BENCH_WARMUP:-2000}
TUNNELS=${BENCH_TUNNELS:-geneve vxlan}
SYSTEMS=${BENCH_SYSTEMS:-n m b o w}
KO=${WEFT_KO:-$TOP/kmod/weft.ko}
WDPCTL=$TOP/build/weft-dpctl
OUT=${WEFT_RESULTS:-/tmp}
W=$(mktemp -d /tmp/bench.XXXXXX)
PG=/proc/net/pktgen

SRC_MAC=02:00:00:00:be:01
DST_MAC=02:00:00:00:be:02	# nobody's: the sink drops it as OTHERHOST
SINK_MAC=02:00:00:00:be:fe
RTR_MAC=02:00:00:00:be:10	# the native pair: pg1 in node A, the first hop
TUNB_MAC=02:00:00:00:be:20	# the native pair: node B's tunnel device
SRC_IP=10.0.1.1
DST_IP=10.0.0.2
UL_A=192.168.50.1
UL_B=192.168.50.2
VNI=5
INNER="eth(src=$SRC_MAC,dst=$DST_MAC),eth_type(0x0800),ipv4(src=$SRC_IP,dst=$DST_IP,proto=17,frag=no),udp(src=9,dst=9)"

declare -A SYSNAME=([n]=native [m]=native-tc [b]=bridge [o]=ovs [w]=weft)
declare -A TLETTER=([geneve]=g [vxlan]=x)
declare -A UDPPORT=([geneve]=6081 [vxlan]=4789)
HAVE_WEFT=0
NOTES=

log() {
	echo "[$(cut -d' ' -f1 /proc/uptime)s] $*"
}

die() {
	echo "bench_tunnel: $*" >&2
	exit 1
}

note() {
	NOTES="${NOTES:+$NOTES
}- $*"
	echo "bench_tunnel: $*" >&2
}

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# ovs-dpctl or weft-dpctl in namespace NS, by system letter.
ns_dpctl() {
	local sys=$1 ns=$2
	shift 2
	case "$sys" in
	o) in_ns "$ns" ovs-dpctl "$@" 2> >(grep -v 'Datapath dispatch mode' >&2) ;;
	w) in_ns "$ns" "$WDPCTL" "$@" ;;
	esac
}

# The number of port NAME in the dpctl show output on stdin.
port_no() {
	sed -n "s/^ *port \([0-9]*\): $1\( .*\)*\$/\1/p" | head -n 1
}

# Linux's own tunnel device NAME in namespace NS towards REMOTE.
linux_tunnel() {
	local t=$1 ns=$2 name=$3 remote=$4 local_ip=$5
	case "$t" in
	geneve) in_ns "$ns" ip link add "$name" type geneve id "$VNI" \
			remote "$remote" dstport 6081 ;;
	vxlan)  in_ns "$ns" ip link add "$name" type vxlan id "$VNI" \
			remote "$remote" local "$local_ip" dstport 4789 ;;
	esac
}

# setup T S: the two nodes and the sink of tunnel T, system S.
setup() {
	local t=$1 s=$2 id a b snk tnl port dp pa pb flow_a flow_b
	id=${TLETTER[$t]}$s
	a=a$id b=b$id snk=snk$id
	port=${UDPPORT[$t]}
	ip netns add "$a" && ip netns add "$b" && ip netns add "$snk" || return 1
	for ns in "$a" "$b" "$snk"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		in_ns "$ns" ip link set lo up
	done
	# Source: pg0 stays here for pktgen, pg1 goes to node A.
	ip link add "pg${id}0" type veth peer name "pg${id}1" || return 1
	sysctl -qw "net.ipv6.conf.pg${id}0.disable_ipv6=1"
	ip link set "pg${id}0" address "$SRC_MAC" up
	ip link set "pg${id}1" netns "$a" || return 1
	in_ns "$a" ip link set "pg${id}1" up
	# Sink: sk0 in node B, sk1 in the sink namespace.
	ip link add "sk${id}0" type veth peer name "sk${id}1" || return 1
	ip link set "sk${id}0" netns "$b" || return 1
	ip link set "sk${id}1" netns "$snk" || return 1
	in_ns "$b" ip link set "sk${id}0" up
	in_ns "$snk" ip link set "sk${id}1" address "$SINK_MAC" up
	# Underlay, with static neighbours (no ARP during the runs).
	ip link add "ul${id}a" type veth peer name "ul${id}b" || return 1
	ip link set "ul${id}a" netns "$a" && ip link set "ul${id}b" netns "$b" ||
		return 1
	in_ns "$a" ip addr add "$UL_A/24" dev "ul${id}a"
	in_ns "$b" ip addr add "$UL_B/24" dev "ul${id}b"
	in_ns "$a" ip link set "ul${id}a" up
	in_ns "$b" ip link set "ul${id}b" up
	in_ns "$a" ip neigh replace "$UL_B" dev "ul${id}a" nud permanent \
		lladdr "$(in_ns "$b" cat "/sys/class/net/ul${id}b/address")"
	in_ns "$b" ip neigh replace "$UL_A" dev "ul${id}b" nud permanent \
		lladdr "$(in_ns "$a" cat "/sys/class/net/ul${id}a/address")"

	case "$s" in
	n)
		linux_tunnel "$t" "$a" "tn${id}a" "$UL_B" "$UL_A" || return 1
		linux_tunnel "$t" "$b" "tn${id}b" "$UL_A" "$UL_B" || return 1
		in_ns "$b" ip link set "tn${id}b" address "$TUNB_MAC"
		in_ns "$a" ip link set "tn${id}a" up
		in_ns "$b" ip link set "tn${id}b" up
		in_ns "$a" ip link set "pg${id}1" address "$RTR_MAC"
		in_ns "$a" ip addr add 10.0.1.254/24 dev "pg${id}1"
		in_ns "$a" ip addr add 10.99.0.1/24 dev "tn${id}a"
		in_ns "$b" ip addr add 10.99.0.2/24 dev "tn${id}b"
		in_ns "$b" ip addr add 10.0.0.254/24 dev "sk${id}0"
		in_ns "$a" ip route add 10.0.0.0/24 via 10.99.0.2 || return 1
		in_ns "$b" ip route add 10.0.1.0/24 via 10.99.0.1 || return 1
		in_ns "$a" ip neigh replace 10.99.0.2 dev "tn${id}a" nud permanent \
			lladdr "$TUNB_MAC"
		in_ns "$b" ip neigh replace "$DST_IP" dev "sk${id}0" nud permanent \
			lladdr "$DST_MAC"
		in_ns "$a" sysctl -qw net.ipv4.ip_forward=1
		in_ns "$b" sysctl -qw net.ipv4.ip_forward=1
		;;
	m)
		linux_tunnel "$t" "$a" "tn${id}a" "$UL_B" "$UL_A" || return 1
		linux_tunnel "$t" "$b" "tn${id}b" "$UL_A" "$UL_B" || return 1
		in_ns "$a" ip link set "tn${id}a" up
		in_ns "$b" ip link set "tn${id}b" up
		in_ns "$a" tc qdisc add dev "pg${id}1" clsact || return 1
		in_ns "$a" tc filter add dev "pg${id}1" ingress matchall \
			action mirred egress redirect dev "tn${id}a" || return 1
		in_ns "$b" tc qdisc add dev "tn${id}b" clsact || return 1
		in_ns "$b" tc filter add dev "tn${id}b" ingress matchall \
			action mirred egress redirect dev "sk${id}0" || return 1
		;;
	b)
		linux_tunnel "$t" "$a" "tn${id}a" "$UL_B" "$UL_A" || return 1
		linux_tunnel "$t" "$b" "tn${id}b" "$UL_A" "$UL_B" || return 1
		in_ns "$a" ip link add br0 type bridge || return 1
		in_ns "$b" ip link add br0 type bridge || return 1
		in_ns "$a" ip link set "pg${id}1" master br0
		in_ns "$a" ip link set "tn${id}a" master br0
		in_ns "$b" ip link set "tn${id}b" master br0
		in_ns "$b" ip link set "sk${id}0" master br0
		in_ns "$a" ip link set "tn${id}a" up
		in_ns "$b" ip link set "tn${id}b" up
		in_ns "$a" ip link set br0 up
		in_ns "$b" ip link set br0 up
		in_ns "$a" bridge fdb add "$DST_MAC" dev "tn${id}a" master static
		in_ns "$b" bridge fdb add "$DST_MAC" dev "sk${id}0" master static
		;;
	o|w)
		dp=dp$id
		ns_dpctl "$s" "$a" add-dp "$dp" || return 1
		ns_dpctl "$s" "$b" add-dp "$dp" || return 1
		case "$s" in
		o) tnl="t$id,type=$t,remote_ip=flow,key=flow,dst_port=$port" ;;
		w) tnl="t$id,type=$t,dst_port=$port" ;;
		esac
		ns_dpctl "$s" "$a" add-if "$dp" "pg${id}1" || return 1
		ns_dpctl "$s" "$a" add-if "$dp" "$tnl" || return 1
		ns_dpctl "$s" "$b" add-if "$dp" "$tnl" || return 1
		ns_dpctl "$s" "$b" add-if "$dp" "sk${id}0" || return 1
		ns_dpctl "$s" "$a" show "$dp" | sed "s/^/  $id A: /"
		ns_dpctl "$s" "$b" show "$dp" | sed "s/^/  $id B: /"
		# Port numbers as the flows assume them: A pg1 1, tunnel 2;
		# B tunnel 1, sk0 2.
		pa=$(ns_dpctl "$s" "$a" show "$dp" | port_no "pg${id}1")
		pb=$(ns_dpctl "$s" "$b" show "$dp" | port_no "sk${id}0")
		[ "$pa" = 1 ] && [ "$pb" = 2 ] ||
			{ echo "bench_tunnel: $id: pg1 is port '$pa', sk0 port '$pb'" >&2; return 1; }
		# OVS's tunnel ports are devices of their own: up them.
		for d in genev_sys_6081 vxlan_sys_4789; do
			in_ns "$a" ip link set "$d" up 2>/dev/null
			in_ns "$b" ip link set "$d" up 2>/dev/null
		done
		flow_a="in_port(1),$INNER"
		flow_b="tunnel(tun_id=0x$VNI,src=$UL_A,dst=$UL_B,ttl=64),in_port(1),$INNER"
		ns_dpctl "$s" "$a" add-flow "$dp" "$flow_a" \
			"set(tunnel(tun_id=0x$VNI,dst=$UL_B,ttl=64,tp_dst=$port,flags(key))),2" ||
			return 1
		ns_dpctl "$s" "$b" add-flow "$dp" "$flow_b" 2 || return 1
		;;
	esac
	return 0
}

teardown() {
	local t=$1 s=$2 id
	id=${TLETTER[$t]}$s
	case "$s" in
	o|w)
		ns_dpctl "$s" "a$id" del-dp "dp$id" 2>/dev/null
		ns_dpctl "$s" "b$id" del-dp "dp$id" 2>/dev/null
		;;
	esac
	ip link del "pg${id}0" 2>/dev/null
	ip netns del "a$id" 2>/dev/null
	ip netns del "b$id" 2>/dev/null
	ip netns del "snk$id" 2>/dev/null
}

sink_rx() {
	in_ns "snk$1" cat "/sys/class/net/sk${1}1/statistics/rx_packets"
}

# One pktgen run through setup ID; prints "pps delivered usec".
run_pktgen() {
	local id=$1 count=$2 dev="pg${1}0" dmac=$DST_MAC rx0 rx1 usec c
	case "$id" in ?n) dmac=$RTR_MAC ;; esac
	rx0=$(sink_rx "$id")
	echo "rem_device_all" >"$PG/kpktgend_0"
	echo "add_device $dev" >"$PG/kpktgend_0"
	for c in "count $count" "clone_skb 0" "burst 1" "pkt_size 60" \
		 "delay 0" "src_mac $SRC_MAC" "dst_mac $dmac" \
		 "src_min $SRC_IP" "src_max $SRC_IP" "dst $DST_IP" \
		 "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" \
		 "udp_dst_max 9"; do
		echo "$c" >"$PG/$dev" || { echo "pktgen: '$c' refused" >&2; return 1; }
	done
	echo start >"$PG/pgctrl"
	usec=$(sed -n 's/.*Result: OK: \([0-9]*\)(.*/\1/p' "$PG/$dev")
	[ -n "$usec" ] || { grep Result "$PG/$dev" >&2; return 1; }
	# Whatever is still queued on the way (a backlog, a GRO cell) arrives.
	sleep 0.2
	rx1=$(sink_rx "$id")
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

cell() {
	[ -s "$1" ] && median <"$1" | awk '{ printf "%.0f", $1 }' || printf 'n/a'
}

# The setups that are up, "t:s" each.
ACTIVE=()

is_active() {
	case " ${ACTIVE[*]} " in *" $1:$2 "*) return 0 ;; esac
	return 1
}

table() {
	local t id
	echo "| tunnel | native pair pps | native tc pps | bridge pps | ovs pps | weft pps | weft/ovs | weft/native | weft/native tc | weft/bridge | ovs/native |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for t in $TUNNELS; do
		id=${TLETTER[$t]}
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" \
			"$(cell "$W/pps.${id}n")" "$(cell "$W/pps.${id}m")" \
			"$(cell "$W/pps.${id}b")" \
			"$(cell "$W/pps.${id}o")" "$(cell "$W/pps.${id}w")" \
			"$(ratio_median "$W/pps.${id}w" "$W/pps.${id}o")" \
			"$(ratio_median "$W/pps.${id}w" "$W/pps.${id}n")" \
			"$(ratio_median "$W/pps.${id}w" "$W/pps.${id}m")" \
			"$(ratio_median "$W/pps.${id}w" "$W/pps.${id}b")" \
			"$(ratio_median "$W/pps.${id}o" "$W/pps.${id}n")"
	done
}

# verdict TUNNEL: weft/OVS against the bar of 1.2.
verdict() {
	local r
	r=$(ratio_median "$W/pps.${TLETTER[$1]}w" "$W/pps.${TLETTER[$1]}o")
	case "$r" in n/a) echo "- $1: weft/OVS n/a"; return ;; esac
	awk -v r="$r" -v t="$1" 'BEGIN { printf "- %s: weft/OVS = %s (bar >= 1.2): %s\n",
		t, r, (r >= 1.2 ? "met" : "NOT met") }'
}

write_doc() {
	local t
	{
		echo "# Benchmarks: GENEVE and VXLAN tunnels"
		echo
		echo "Latest run: $(date -u +%Y-%m-%d) (guest clock), kernel $(uname -r)," \
			"$(ovs-dpctl --version | head -n 1 | sed 's/.*) /OVS /'), weft $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown);" \
			"$COUNT frames per run, $ROUNDS round(s)."
		echo
		echo "Reproduce: \`make bench-tunnel\`, or \`tests/bench/bench_tunnel.sh\` on the host"
		echo "(it runs \`scripts/vm-run --bench tests/bench/bench_tunnel.sh\` and rewrites"
		echo "this file). Knobs: BENCH_COUNT, BENCH_ROUNDS, BENCH_WARMUP, BENCH_TUNNELS,"
		echo "BENCH_SYSTEMS (see the script's header)."
		echo
		echo "## Method"
		echo
		echo "Two nodes are two network namespaces joined by an underlay veth pair"
		echo "(192.168.50.1 and .2, static neighbours). pktgen sends 64-byte frames (60 bytes"
		echo "+ FCS), one UDP 5-tuple, from a veth in the root namespace into node A; node A"
		echo "encapsulates them (VNI 5, no outer UDP checksum, no DF), node B decapsulates"
		echo "them and forwards them to a veth whose peer, in a third namespace, counts"
		echo "rx_packets (the frames go to a MAC nobody owns: the sink drops them at its"
		echo "first check). Each setup has its own three namespaces; all of them are built"
		echo "first, then warmed up with $WARMUP frames each (neighbours, fdb, flows in place),"
		echo "then each round measures every setup once, the order of the systems rotating"
		echo "from round to round. pps = frames counted at the sink / pktgen's elapsed guest"
		echo "time; a figure is the median over rounds, a ratio the median of the per-round"
		echo "ratios."
		echo
		echo "- **native pair**: Linux's own geneve/vxlan device in each node (fixed remote,"
		echo "  VNI 5) and plain IPv4 forwarding: node A routes the frames (addressed to"
		echo "  its veth) to the tunnel device, node B routes them out of the sink veth;"
		echo "  static neighbours on both sides."
		echo "- **native tc**: the same devices without routing: a tc matchall filter with"
		echo "  a mirred redirect on ingress moves the frames from the veth to the tunnel"
		echo "  device in node A and from the tunnel device to the sink veth in node B (the"
		echo "  least work Linux does to carry them; a reference beside the routed pair)."
		echo "- **bridge**: in each node a Linux bridge of the veth and the same kind of"
		echo "  geneve/vxlan device, a static fdb entry for the destination MAC."
		echo "- **ovs**: an openvswitch.ko datapath in each node; ports and flows put in"
		echo "  with \`ovs-dpctl\` (no ovs-vswitchd), so the tunnel port is the flow-based"
		echo "  device OVS creates (genev_sys_6081 / vxlan_sys_4789, collect_md mode)."
		echo "- **weft**: a weft.ko datapath in each node, its own geneve/vxlan vport;"
		echo "  ports and flows put in with \`weft-dpctl\`."
		echo
		echo "OVS and weft get the same flow text (datapath flows, not OpenFlow rules: what"
		echo "is measured is the two kernel datapaths with their tunnel ports, with no"
		echo "daemon sharing the one vCPU; \`docs/benchmarks-agent.md\` measures the daemons):"
		echo
		echo '```'
		echo "node A: in_port(1),$INNER"
		echo "        -> set(tunnel(tun_id=0x5,dst=$UL_B,ttl=64,tp_dst=PORT,flags(key))),2"
		echo "node B: tunnel(tun_id=0x5,src=$UL_A,dst=$UL_B,ttl=64),in_port(1),<the same inner match>"
		echo "        -> 2"
		echo '```'
		echo
		echo "## Results"
		echo
		table
		echo
		echo "Against the issue's bar (weft >= 1.2x OVS; aim for the native pair):"
		echo
		for t in $TUNNELS; do
			verdict "$t"
		done
		echo
		echo "**Under \`-icount shift=0\` guest time counts executed instructions, not cache"
		echo "misses or memory stalls**: these figures compare how much work each path does"
		echo "per packet on one vCPU under TCG (pktgen, both nodes and the sink share it);"
		echo "they are not line rates of real hardware."
		if [ -n "$NOTES" ]; then
			echo
			echo "Notes from this run:"
			echo
			echo "$NOTES"
		fi
	} >"$1"
}

main() {
	local t s id r i line systems
	log "bench_tunnel: count=$COUNT rounds=$ROUNDS warmup=$WARMUP tunnels='$TUNNELS' systems='$SYSTEMS'"
	modprobe veth || die "modprobe veth"
	modprobe pktgen || die "modprobe pktgen"
	modprobe bridge
	modprobe geneve || die "modprobe geneve"
	modprobe vxlan || die "modprobe vxlan"
	case " $SYSTEMS " in *" o "*) modprobe openvswitch || die "modprobe openvswitch" ;; esac
	case " $SYSTEMS " in *" w "*)
		if [ -f "$KO" ] && [ -x "$WDPCTL" ] && insmod "$KO"; then
			HAVE_WEFT=1
		else
			note "weft.ko or weft-dpctl missing, or insmod failed: no weft column"
		fi ;;
	esac
	for t in $TUNNELS; do
		[ -n "${TLETTER[$t]:-}" ] || die "unknown tunnel '$t' (geneve or vxlan)"
		for s in $SYSTEMS; do
			[ -n "${SYSNAME[$s]:-}" ] || die "unknown system '$s' (n m b o w)"
			[ "$s" = w ] && [ "$HAVE_WEFT" = 0 ] && continue
			log "setup $t ${SYSNAME[$s]}"
			if setup "$t" "$s"; then
				ACTIVE+=("$t:$s")
			else
				note "$t ${SYSNAME[$s]}: setting up failed (see output.log); left out"
				teardown "$t" "$s"
			fi
		done
	done
	# Warm-up, and a check that the path carries the frames at all.
	for t in $TUNNELS; do
		for s in $SYSTEMS; do
			is_active "$t" "$s" || continue
			id=${TLETTER[$t]}$s
			line=$(run_pktgen "$id" "$WARMUP") || die "pktgen through $id failed"
			log "warm-up $t ${SYSNAME[$s]}: pps delivered usec = $line"
			set -- $line
			if [ "$2" -lt $((WARMUP / 2)) ]; then
				note "$t ${SYSNAME[$s]}: only $2 of $WARMUP warm-up frames arrived; left out"
				case "$s" in o|w)
					ns_dpctl "$s" "a$id" show "dp$id"
					ns_dpctl "$s" "a$id" dump-flows "dp$id"
					ns_dpctl "$s" "b$id" show "dp$id"
					ns_dpctl "$s" "b$id" dump-flows "dp$id" ;;
				esac
				in_ns "a$id" ip -s link
				in_ns "b$id" ip -s link
				ACTIVE=("${ACTIVE[@]/$t:$s}")
			fi
		done
	done

	# shellcheck disable=SC2206
	systems=($SYSTEMS)
	for ((r = 0; r < ROUNDS; r++)); do
		for t in $TUNNELS; do
			for ((i = 0; i < ${#systems[@]}; i++)); do
				s=${systems[(i + r) % ${#systems[@]}]}
				is_active "$t" "$s" || continue
				id=${TLETTER[$t]}$s
				line=$(run_pktgen "$id" "$COUNT") ||
					die "pktgen through $t ${SYSNAME[$s]} failed"
				log "round $((r + 1)) $t ${SYSNAME[$s]}: pps delivered usec = $line"
				set -- $line
				[ "$2" -ge $((COUNT * 99 / 100)) ] ||
					echo "  $t ${SYSNAME[$s]} delivered only $2 of $COUNT" >&2
				echo "$1" >>"$W/pps.$id"
			done
		done
	done
	for t in $TUNNELS; do
		for s in o w; do
			is_active "$t" "$s" || continue
			id=${TLETTER[$t]}$s
			ns_dpctl "$s" "a$id" show "dp$id" | grep -E 'lookups|flows' |
				sed "s/^/  $t ${SYSNAME[$s]} A: /"
			ns_dpctl "$s" "b$id" show "dp$id" | grep -E 'lookups|flows' |
				sed "s/^/  $t ${SYSNAME[$s]} B: /"
		done
	done

	echo
	table | tee "$OUT/table.md"
	write_doc "$OUT/benchmarks-tunnel.md"
	cp -r "$W" "$OUT/raw" 2>/dev/null
	echo
	echo "Under -icount shift=0, guest time counts instructions, not cache misses."
	log "done"
}

# Namespaces and datapaths go, and the module leaves, whatever happened.
cleanup() {
	local t s
	for t in geneve vxlan; do
		for s in n m b o w; do
			teardown "$t" "$s"
		done
	done
	lsmod | grep -q '^weft ' || return 0
	rmmod weft || echo "bench_tunnel: rmmod weft failed" >&2
}
trap cleanup EXIT

main
