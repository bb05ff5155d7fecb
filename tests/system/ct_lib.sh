# SPDX-License-Identifier: GPL-2.0
#
# tests/system/ct_lib.sh: helpers of the weft.ko conntrack tests driven by
# weft-dpctl flows (test_ct_kernel.sh, test_ct_kernel_frag.sh). Sourced
# after lib.sh.
#
#   ns1: v1p 10.1.0.1 fd01::1 ---- v1 [port 1  dp0  port 2] v2 ---- v2p 10.1.0.2 fd01::2 :ns2
#
# The namespaces' MACs are fixed and their neighbours static, so the flows
# carry only IP and no process reads a MAC back.

PY=python3
W=$WEFT_RESULTS
TOOL=$WEFT_TOP/tests/system/helpers/ct_tool.py
M1=02:00:00:01:00:01 M2=02:00:00:01:00:02 M3=02:00:00:01:00:03

dpctl_serve_start
dpctl() { dpctl_served "$@"; }

# ct_host NS PORT IFACE MAC ADDR/PLEN... -- "NEIGH_ADDR NEIGH_MAC"...: NS
# behind a veth (PORT stays here, up; IFACE in NS with MAC), its
# addresses (IPv6 ones without DAD) and static neighbours, in three
# process starts.
ct_host() {
	local ns=$1 port=$2 ifc=$3 mac=$4 a
	shift 4
	ip link add "$port" up type veth peer name "$ifc" netns "$ns" \
		address "$mac" || die "veth $port/$ifc"
	on_exit ip link del "$port"
	{
		echo "link set $ifc up"
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			case $1 in
			*:*) echo "address add $1 dev $ifc nodad" ;;
			*) echo "address add $1 dev $ifc" ;;
			esac
			shift
		done
		[ $# = 0 ] || shift
		for a in "$@"; do
			echo "neigh replace ${a% *} lladdr ${a#* } dev $ifc nud permanent"
		done
	} | ip -n "$ns" -batch - || die "addresses in $ns"
}

# flows CMD DP "MATCH ACTIONS"...: replace DP's flows (CMD: dpctl or ovs-dpctl).
flows() {
	local cmd=$1 dp=$2 line
	shift 2
	$cmd del-flows "$dp" >/dev/null 2>&1
	for line in "$@"; do
		# "-": no actions (drop), which both dpctls take as "".
		if [ "${line##* }" = - ]; then
			$cmd add-flow "$dp" "${line% *}" "" ||
				fail "$cmd add-flow $line"
			continue
		fi
		# shellcheck disable=SC2086 # MATCH and ACTIONS are two words
		$cmd add-flow "$dp" $line || fail "$cmd add-flow $line"
	done
}

# packets CMD DP TEXT: packets of the first flow whose dump contains TEXT.
packets() {
	$1 dump-flows "$2" | grep -F -- "$3" | head -n 1 |
		sed -n 's/.*packets:\([0-9]*\).*/\1/p'
}

# ct_count ZONE: connections nf_conntrack has in the initial namespace, zone.
ct_count() {
	conntrack -L -w "$1" 2>/dev/null | grep -c .
}

# The synchronous helpers run as forks of one python3 (lib.sh's py_call
# run_in), not as a python3 start each.
py_serve_start

# ct_tool NS ARGS...: run the traffic helper in NS.  (bad-frags reads
# /sys/class/net, which only ip netns exec shows as NS's.)
ct_tool() {
	local ns=$1
	shift
	if [ "$1" = bad-frags ]; then
		in_ns "$ns" timeout 30 $PY "$TOOL" "$@"
	else
		py_call run_in "$ns" 30 "$TOOL" "$@"
	fi
}

# server NS ADDR PORT: the TCP answerer, in the background until exit.
server() {
	local ready=$W/srv.$1.$3.ready
	rm -f "$ready"
	# Not through in_ns: $! must be the server itself.
	ip netns exec "$1" $PY "$TOOL" serve "$2" "$3" "$ready" \
		>/dev/null 2>&1 </dev/null &
	on_exit kill $!
}

# servers_ready NS:PORT...: the servers started with server listen.
servers_ready() {
	local s
	for s in "$@"; do
		wait_for 30 test -e "$W/srv.${s%:*}.${s#*:}.ready" ||
			fail "server $s did not start"
	done
}

# udp_recv_start NS ADDR PORT SECS OUT: a one-datagram receiver in the
# background writing its verdict to OUT; returns once it listens.
udp_recv_start() {
	local ready=$5.ready
	rm -f "$ready" "$5"
	ip netns exec "$1" timeout 30 $PY "$TOOL" udp-recv "$2" "$3" "$4" \
		"$ready" >"$5" 2>&1 </dev/null &
	wait_for 20 test -e "$ready" || fail "udp receiver in $1 did not start"
}

# udp_recv_wait OUT: the receiver's verdict, once it has one.
udp_recv_wait() { wait_for 60 test -s "$1"; cat "$1"; }

# helpers_unloaded: unloads the loaded ftp/tftp helper modules; false while
# one is in use.
helpers_unloaded() {
	local m
	for m in nf_nat_ftp nf_nat_tftp nf_conntrack_ftp nf_conntrack_tftp; do
		grep -q "^$m " /proc/modules || continue
		rmmod "$m" 2>/dev/null || return 1
	done
}

# ct_rmmod_clean: dp0 and weft.ko go with connections present; afterwards
# nothing of weft's holds a connection or a helper module.
ct_rmmod_clean() {
	local n
	n=$(cat /proc/sys/net/netfilter/nf_conntrack_count)
	log "$n connections before rmmod"
	[ "$n" -ge 1 ] || fail "no connections to unload with"
	"$DPCTL" del-dp dp0 || fail "del-dp dp0"
	rmmod weft || { fail "rmmod weft"; return; }
	dmesg_check
	# Nothing of weft's holds a connection: a flush frees them all.
	ovs-dpctl del-dp ovs-ct >/dev/null 2>&1
	conntrack -F >/dev/null 2>&1
	wait_for 30 sh -c '[ "$(cat /proc/sys/net/netfilter/nf_conntrack_count)" = 0 ]' ||
		fail "nf_conntrack_count stays at $(cat /proc/sys/net/netfilter/nf_conntrack_count)"
	# ... nor a helper module: every helper module goes, the NAT halves
	# first (a ct(nat) action with a helper loads nf_nat_ftp, which uses
	# nf_conntrack_ftp; weft holds a reference on both). openvswitch.ko's
	# datapath drops its references after an RCU grace period, which a
	# loaded guest can make long: retry for 30 s.
	for ((n = 0; n < 30; n++)); do
		helpers_unloaded && return
		sleep 1
	done
	fail "helper modules still in use after 30 s: $(grep -E '^nf_(nat|conntrack)_t?ftp ' /proc/modules)"
}

# refused MATCH ACTIONS MESSAGE: add-flow must fail, saying MESSAGE.
refused() {
	local out
	out=$(dpctl add-flow dp0 "$1" "$2" 2>&1) &&
		{ fail "accepted: $1 $2"; return; }
	grep -qF -- "$3" <<<"$out" || fail "'$2' refused without '$3': $out"
}

# neigh NS ADDR MAC DEV: a permanent neighbour entry.
neigh() {
	in_ns "$1" ip neigh replace "$2" lladdr "$3" dev "$4" nud permanent
}

# ct_netns_add NS...: fresh namespaces (deleted at exit), in one process
# start (lib.sh's netns_add takes three each); their lo stays down.
ct_netns_add() {
	local ns
	printf 'netns add %s\n' "$@" | ip -batch - || die "ip netns add $*"
	for ns in "$@"; do
		on_exit ip netns del "$ns"
	done
}
