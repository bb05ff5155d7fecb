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
# weft-dpctl in node N: through a server of its own in N's namespace
# once nweftd_start started one (srv_lib.sh), else a process each.
ndpctl() {
	local n=$1
	shift
	if srv_running "dpctl-$n"; then
		srv_call "dpctl-$n" run "$@"
	else
		in_ns "$n" timeout "$CLI_TIMEOUT" "$DPCTL" "$@"
	fi
}

# node_up NODE ULIF ULADDR4/PLEN ULADDR6/PLEN: the node's namespace with its
# underlay interface (created by underlay_up), addresses, routes.
underlay_up() {
	local n
	netns_add nA nB
	# One ip for the pair and one per side: a process start costs up to
	# a second under TCG.
	ip link add uA netns nA type veth peer name uB netns nB ||
		die "underlay veth"
	for n in A1 B2; do
		ip -n "n${n:0:1}" -batch - <<-EOF || die "underlay of n${n:0:1}"
		link set u${n:0:1} up
		addr add 192.168.70.${n:1}/24 dev u${n:0:1}
		addr add fd00:70::${n:1}/64 dev u${n:0:1} nodad
		EOF
	done
	# Offloads off: the receiver checks every checksum in software.
	in_ns nA ethtool -K uA tx off rx off >/dev/null 2>&1
	in_ns nB ethtool -K uB tx off rx off >/dev/null 2>&1
}

vm_up() {
	local vm=$1 node=$2 port=$3 addr=$4 mac=$5 mtu=${6:-1422}
	netns_add "$vm"
	in_ns "$vm" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	# Both ends made where they live, each side set up by one ip -batch
	# (a process start costs up to a second under TCG).
	ip link add "$port" netns "$node" mtu "$mtu" type veth peer name eth0 \
		netns "$vm" address "$mac" mtu "$mtu" || die "veth $port"
	ip -n "$vm" -batch - <<-EOF || die "eth0 of $vm"
	link set eth0 up
	addr add $addr dev eth0
	EOF
	in_ns "$vm" ethtool -K eth0 tx off >/dev/null 2>&1
	ip -n "$node" link set "$port" up || die "$port up in $node"
}

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
		if WEFT_SOCKET=$dir/weftd.sock timeout 10 "$APPCTL" \
			--timeout=5 version >/dev/null 2>&1; then
			cli_serve_start
			[ "$BASHPID" != "$$" ] ||
				srv_start "dpctl-$node" ip netns exec "$node" \
					"$DPCTL" --serve-tests
			return 0
		fi
		nap 0.1
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
		nap 0.1
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
