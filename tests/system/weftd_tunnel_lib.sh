# SPDX-License-Identifier: GPL-2.0
#
# tests/system/weftd_tunnel_lib.sh: two-node helpers for the tunnel tests
# of weftd (issue 5), test_weftd_tunnel_*.sh. It sources weftd_lib.sh.
#
# A node is a network namespace with its own weftd (own socket, conf
# directory and log under /tmp/weftd-NODE), its own datapath, an underlay
# address, and one "VM" namespace behind a veth:
#
#   netns vmA 10.30.0.1 ══ pA ┐                        ┌ pB ══ 10.30.0.2 vmB
#                             br-int (weftd, netns nA)  br-int (netns nB)
#                             uA 192.168.70.1 ══════════ uB 192.168.70.2
#                                fd00:70::1               fd00:70::2
#
# The VMs' MTU leaves room for the tunnel headers over a 1500-byte
# underlay: 1422 (GENEVE over IPv6 with an option, the worst case).
#
#   node_up NODE ULADDR4 ULADDR6 VMNS PORT VMADDR MAC
#   nweftd_start NODE        weftd in NODE (its CLIs: nvsctl NODE ...)
#   nvsctl/nofctl/nappctl/ntrace NODE ARGS...   the CLIs, at NODE's weftd
#   ndpctl NODE ARGS...       weft-dpctl in NODE's namespace

. "$(dirname "${BASH_SOURCE[0]}")/weftd_lib.sh"

declare -A NODE_PID NODE_DIR

node_dir() { echo "/tmp/weftd-$1"; }

nvsctl() { local n=$1; shift; WEFT_SOCKET=$(node_dir "$n")/weftd.sock vsctl "$@"; }
nofctl() { local n=$1; shift; WEFT_SOCKET=$(node_dir "$n")/weftd.sock ofctl "$@"; }
nappctl() { local n=$1; shift; WEFT_SOCKET=$(node_dir "$n")/weftd.sock appctl "$@"; }
ntrace() { local n=$1; shift; WEFT_SOCKET=$(node_dir "$n")/weftd.sock wtrace "$@"; }
ndpctl() { local n=$1; shift; in_ns "$n" timeout "$CLI_TIMEOUT" "$DPCTL" "$@"; }

# node_up NODE ULIF ULADDR4/PLEN ULADDR6/PLEN: the node's namespace with its
# underlay interface (created by underlay_up), addresses, routes.
underlay_up() {
	netns_add nA nB
	ip link add uA type veth peer name uB || die "underlay veth"
	ip link set uA netns nA || die "uA to nA"
	ip link set uB netns nB || die "uB to nB"
	in_ns nA ip link set uA up
	in_ns nB ip link set uB up
	in_ns nA ip addr add 192.168.70.1/24 dev uA
	in_ns nB ip addr add 192.168.70.2/24 dev uB
	in_ns nA ip addr add fd00:70::1/64 dev uA nodad
	in_ns nB ip addr add fd00:70::2/64 dev uB nodad
	# Offloads off: the receiver checks every checksum in software.
	in_ns nA ethtool -K uA tx off rx off >/dev/null 2>&1
	in_ns nB ethtool -K uB tx off rx off >/dev/null 2>&1
}

# vm_up VMNS NODE PORT ADDR/PLEN MAC [MTU]: a VM namespace whose veth peer
# PORT is in NODE's namespace (not yet on a bridge).
vm_up() {
	local vm=$1 node=$2 port=$3 addr=$4 mac=$5 mtu=${6:-1422}
	netns_add "$vm"
	in_ns "$vm" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip link add "$port" type veth peer name eth0-"$vm" || die "veth $port"
	ip link set "$port" netns "$node" || die "$port to $node"
	ip link set eth0-"$vm" netns "$vm" || die "eth0 to $vm"
	in_ns "$vm" ip link set eth0-"$vm" name eth0
	in_ns "$vm" ip link set eth0 address "$mac"
	in_ns "$vm" ip link set eth0 mtu "$mtu"
	in_ns "$vm" ip link set eth0 up
	in_ns "$vm" ip addr add "$addr" dev eth0
	in_ns "$vm" ethtool -K eth0 tx off >/dev/null 2>&1
	in_ns "$node" ip link set "$port" mtu "$mtu"
	in_ns "$node" ip link set "$port" up
}

# nweftd_start NODE: weftd in NODE's namespace, answering within 60 s.
nweftd_start() {
	local node=$1 dir i
	dir=$(node_dir "$node")
	mkdir -p "$dir"
	NODE_DIR[$node]=$dir
	# Not through in_ns (a function: $! would be a subshell's pid);
	# ip netns exec execs weftd, so $! is weftd's.
	ip netns exec "$node" "$WEFTD" --socket="$dir/weftd.sock" \
		--conf="$dir/conf.json" --pidfile="$dir/weftd.pid" \
		>>"$dir/weftd.log" 2>&1 &
	NODE_PID[$node]=$!
	if [ "${_NODES_ON_EXIT:-0}" = 0 ]; then
		on_exit _nodes_exit
		_NODES_ON_EXIT=1
	fi
	for ((i = 0; i < 600; i++)); do
		kill -0 "${NODE_PID[$node]}" 2>/dev/null || {
			tail -n 20 "$dir/weftd.log" >&2
			return 1
		}
		WEFT_SOCKET=$dir/weftd.sock timeout 10 "$APPCTL" --timeout=5 \
			version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	tail -n 20 "$dir/weftd.log" >&2
	return 1
}

# nweftd_stop NODE: SIGTERM, bounded.
nweftd_stop() {
	local node=$1 pid=${NODE_PID[$1]:-} i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	NODE_PID[$node]=
}

_nodes_exit() {
	local n
	for n in "${!NODE_DIR[@]}"; do
		nweftd_stop "$n"
		cp "${NODE_DIR[$n]}/weftd.log" "$WEFT_RESULTS/weftd-$n.log" 2>/dev/null
		cp "${NODE_DIR[$n]}/conf.json" "$WEFT_RESULTS/conf-$n.json" 2>/dev/null
		# The datapath outlives weftd: delete it while its namespace
		# is still there.
		in_ns "$n" "$DPCTL" del-dp weft-system 2>/dev/null
		rm -rf "${NODE_DIR[$n]}"
	done
	return 0
}

# tunnel_pair TYPE NAME ULFAMILY KEY [OPTION...]: NAME on both nodes'
# br-int, each pointing at the other node (4: IPv4 underlay, 6: IPv6).
tunnel_pair() {
	local type=$1 name=$2 fam=$3 key=$4 ra rb
	shift 4
	if [ "$fam" = 6 ]; then ra=fd00:70::2 rb=fd00:70::1
	else ra=192.168.70.2 rb=192.168.70.1; fi
	nvsctl nA add-port br-int "$name" -- set Interface "$name" \
		type="$type" options:remote_ip=$ra options:key="$key" "$@" ||
		return 1
	nvsctl nB add-port br-int "$name" -- set Interface "$name" \
		type="$type" options:remote_ip=$rb options:key="$key" "$@"
}

tunnel_pair_del() {
	nvsctl nA del-port br-int "$1"
	nvsctl nB del-port br-int "$1"
}

# ndp_flows NODE: the node's datapath flows.
ndp_flows() { ndpctl "$1" dump-flows weft-system 2>/dev/null; }
