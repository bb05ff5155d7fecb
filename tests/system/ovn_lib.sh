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
#
# The CLIs are bounded by their own --timeout (an alarm: the process ends
# by SIGALRM when it expires), not by timeout(1) around them: that was a
# second process start for each command.

OVN=$WEFTD_DIR/ovn
NB_SOCK=$OVN/nb.sock
SB_SOCK=$OVN/sb.sock
nbctl() { ovn-nbctl --db=unix:"$NB_SOCK" --timeout=30 "$@"; }
sbctl() { ovn-sbctl --db=unix:"$SB_SOCK" --timeout=30 "$@"; }
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

# (At the test's exit: SIGTERM from the pidfiles, which the daemons
# handle as a clean exit, instead of an ovs-appctl process each.)
ovn_stop() {
	local d pid
	for d in northd nb sb; do
		pid=
		read -r pid <"$OVN/$d.pid" 2>/dev/null
		[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null
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
# (test_ovn_acl.sh, test_ovn_lb*.sh; they need weftd_tunnel_lib.sh too)
#
#   ovn_chassis NODE NAME IP [TYPE]   NODE's weftd becomes chassis NAME
#   ovn_pod NODE POD PORT ADDR MAC LSP [GW]   a pod behind PORT on NODE's
#                                     br-int with iface-id LSP
#   ovn_two_chassis_up [PROGRAM...]   weft.ko, OVN and chassis hv1 (nA),
#                                     hv2 (nB) with their br-int
#   nbctl_wait ARGS...                ovn-nbctl --wait=hv, bounded: a hang
#                                     fails instead of hanging the test
#   ovn_ports_up LSP...               every LSP has up=true
#   ovn_dump TAG                      flows, stats and SB state to results
#   ping_bg POD ADDR FILE             a background ping (5/s) logging to
#                                     FILE; ping_replies FILE counts replies
#   icmp_in_echos POD                 the pod's Icmp InEchos counter
#   pings POD ADDR SIZE COUNT         how many of COUNT pings of SIZE
#                                     payload bytes from POD are answered
#   name_server POD                   answers every TCP connection on port
#                                     80 of POD with POD's name
#   vip_clients POD VIP N             N connections from POD to VIP:80,
#                                     one line each, numbered from 0:
#                                     "I ok NAME" (what the server
#                                     answered), else I and why (timeout,
#                                     refused, error:...)
#   ovn_mtu_nb [v6]                   test_ovn_mtu*'s NB: ls1 (lp1, $M1
#                                     10.0.1.11) - lr1 - ext (lpo, $MO
#                                     172.16.0.100), lr1-ext with
#                                     gateway_mtu=1000; v6: fd00:1::/64
#                                     and fd00:2::/64 beside
#   sctp_listen POD PORT              an SCTP listener on POD (needs sctp)
#   sctp_connect POD ADDR PORT        how an SCTP connect from POD ends:
#                                     connected, refused (an ABORT came
#                                     back) or timeout (nothing, in 5 s)

ovn_chassis() {
	nvsctl "$1" set Open_vSwitch . external_ids:system-id="$2" \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type="${4:-geneve}" \
		external_ids:ovn-encap-ip="$3"
}

# ovn_veth_ns NS PORT IFACE MAC: namespace NS with IFACE (MAC, up, no
# address yet) whose veth peer PORT (up, IPv6 off) stays in this namespace,
# for the caller to put on br-int.
ovn_veth_ns() {
	local ns=$1 port=$2 ifc=$3 mac=$4
	netns_add "$ns"
	ip link add "$port" type veth peer name "$ifc" netns "$ns" ||
		die "veth $port/$ifc"
	on_exit ip link del "$port"
	echo 1 >"/proc/sys/net/ipv6/conf/$port/disable_ipv6"
	ip link set "$port" up
	in_ns "$ns" ip link set "$ifc" address "$mac" up || die "$ifc up"
}

ovn_pod() {
	local node=$1 pod=$2 port=$3 addr=$4 mac=$5 lsp=$6 gw=${7:-}
	vm_up "$pod" "$node" "$port" "$addr" "$mac" 1400
	[ -z "$gw" ] || in_ns "$pod" ip route add default via "$gw"
	nvsctl "$node" add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp"
}

# ovn_two_chassis_up [PROGRAM...]: weft.ko, the underlay, the OVN control
# plane and weftd in nA and nB as chassis hv1 and hv2 (GENEVE), each with
# its br-int; PROGRAMs are required besides weft's and OVN's own.
ovn_two_chassis_up() {
	modprobe veth
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" "$DPCTL" ovn-northd \
		ovn-nbctl ovn-sbctl ovsdb-server "$@"
	weft_load
	underlay_up
	ovn_start || die "OVN control plane"
	nweftd_start nA || die "weftd in nA did not start"
	nweftd_start nB || die "weftd in nB did not start"
	ovn_chassis nA hv1 192.168.70.1 || die "nA: chassis keys"
	ovn_chassis nB hv2 192.168.70.2 || die "nB: chassis keys"
	wait_for 30 nvsctl nA br-exists br-int || die "nA: no br-int"
	wait_for 30 nvsctl nB br-exists br-int || die "nB: no br-int"
}

nbctl_wait() {
	ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 "$@"
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

pings() {
	in_ns "$1" ping -n -c "$4" -i 0.3 -W 2 -s "$3" "$2" 2>&1 |
		count_matching 'bytes from'
}

ovn_mtu_nb() {
	local a1= ao= r1= ro=
	if [ "${1:-}" = v6 ]; then
		a1=" fd00:1::11" ao=" fd00:2::100" r1=" fd00:1::1/64"
		ro=" fd00:2::1/64"
	fi
	# shellcheck disable=SC2086 # $r1 and $ro: none or one more network
	nbctl ls-add ls1 -- ls-add ext \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11$a1" \
	   -- lsp-add ext lpo -- lsp-set-addresses lpo "$MO 172.16.0.100$ao" \
	   -- lr-add lr1 \
	   -- lrp-add lr1 lr1-ls1 02:00:00:00:01:01 10.0.1.1/24 $r1 \
	   -- lrp-add lr1 lr1-ext 02:00:00:00:10:01 172.16.0.1/24 $ro \
	   -- set Logical_Router_Port lr1-ext options:gateway_mtu=1000 \
	   -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
	   -- lsp-set-addresses ls1-lr1 router \
	   -- lsp-set-options ls1-lr1 router-port=lr1-ls1 \
	   -- lsp-add ext ext-lr1 -- lsp-set-type ext-lr1 router \
	   -- lsp-set-addresses ext-lr1 router \
	   -- lsp-set-options ext-lr1 router-port=lr1-ext
}

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

name_server() {
	ip netns exec "$1" "$PY" -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", 80))
s.listen(64)
while True:
    c, _ = s.accept()
    c.sendall(sys.argv[1].encode())
    c.close()
' "$1" >/dev/null 2>&1 &
	on_exit kill -KILL "$!"
	wait_listen "$1" 80 || fail "no server in $1"
}

# (ct_traffic.py's client, every connection its own source port, which
# a load balancer without affinity spreads; it sends nothing and reads
# to the end.)
vip_clients() {
	local steps=() i
	for ((i = 0; i < $3; i++)); do
		steps+=("tcp $2 80 0 0 3")
	done
	ip netns exec "$1" "$PY" "$WEFT_TOP/tests/system/helpers/ct_traffic.py" \
		client "${steps[@]}" 2>&1
}

# ---- resilience (test_ovn_resilience, test_ovn_badinput) ----------------
#
#   sb_kill                    SIGKILL the standalone SB (no clean exit)
#   sb_cluster_start           the standalone SB's data into a three-member
#                              Raft cluster (sb1..sb3, tcp:127.0.0.1:664N
#                              between them, punix:$OVN/sbN.sock for
#                              clients); SB_CLUSTER holds the clients'
#                              remote list, sbctl and northd use it
#   sb_cluster_leader          prints the leader's member number (1..3)
#   northd_restart SBDB        ovn-northd at another SB remote list
#   ping_loss_start NS ADDR      a ping every 50 ms in the background;
#   ping_loss_stop               stops it, sets PING_SENT and PING_LOST

sb_kill() {
	local pid
	pid=$(cat "$OVN/sb.pid" 2>/dev/null) || return 1
	kill -KILL "$pid" || return 1
	wait_for 10 eval '! kill -0 '"$pid"
	rm -f "$SB_SOCK" "$OVN/sb.pid" "$OVN/sb.ctl"
}

_sb_member_start() {
	local i=$1
	ovsdb-server --detach --no-chdir --pidfile="$OVN/sb$i.pid" \
		--log-file="$OVN/sb$i.log" --unixctl="$OVN/sb$i.ctl" \
		--remote=punix:"$OVN/sb$i.sock" "$OVN/sb$i.db"
}

_sb_member_ok() {
	ovs-appctl -t "$OVN/sb$1.ctl" cluster/status OVN_Southbound 2>/dev/null |
		grep -q "^Status: cluster member"
}

sb_cluster_start() {
	local i
	ip link set lo up
	sb_stop
	ovsdb-tool create-cluster "$OVN/sb1.db" "$OVN/sb.db" \
		tcp:127.0.0.1:6641 || return 1
	for i in 2 3; do
		ovsdb-tool join-cluster "$OVN/sb$i.db" OVN_Southbound \
			tcp:127.0.0.1:664$i tcp:127.0.0.1:6641 || return 1
	done
	for i in 1 2 3; do
		_sb_member_start "$i" || return 1
	done
	for i in 1 2 3; do
		wait_for 30 _sb_member_ok "$i" || return 1
	done
	on_exit _sb_cluster_stop
	SB_CLUSTER="unix:$OVN/sb1.sock,unix:$OVN/sb2.sock,unix:$OVN/sb3.sock"
	sbctl() { ovn-sbctl --db="$SB_CLUSTER" --timeout=30 "$@"; }
}

_sb_cluster_stop() {
	local i
	for i in 1 2 3; do
		ovs-appctl -t "$OVN/sb$i.ctl" exit 2>/dev/null
	done
	cp "$OVN"/sb?.log "$WEFT_RESULTS"/ 2>/dev/null
	return 0
}

sb_cluster_leader() {
	local i
	for i in 1 2 3; do
		ovs-appctl -t "$OVN/sb$i.ctl" cluster/status OVN_Southbound \
			2>/dev/null | grep -q "^Role: leader" &&
			{ echo "$i"; return 0; }
	done
	return 1
}

northd_restart() {
	ovs-appctl -t "$OVN/northd.ctl" exit 2>/dev/null
	wait_for 10 eval '! [ -e "$OVN/northd.pid" ]'
	ovn-northd --detach --no-chdir --pidfile="$OVN/northd.pid" \
		--log-file="$OVN/northd.log" --unixctl="$OVN/northd.ctl" \
		--ovnnb-db=unix:"$NB_SOCK" --ovnsb-db="$1"
}

ping_loss_start() {
	PING_OUT=$OVN/ping-$1.txt
	ip netns exec "$1" ping -i 0.05 -W 1 "$2" >"$PING_OUT" 2>&1 &
	PING_PID=$!
}

ping_loss_stop() {
	kill -INT "$PING_PID" 2>/dev/null
	wait "$PING_PID" 2>/dev/null
	PING_SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$PING_OUT")
	PING_LOST=$((PING_SENT - $(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$PING_OUT")))
	tail -n 3 "$PING_OUT"
}

sctp_listen() {
	ip netns exec "$1" "$PY" - "$2" >/dev/null 2>&1 <<-'EOF' &
	import socket, sys
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
	s.bind(("0.0.0.0", int(sys.argv[1])))
	s.listen(8)
	while True:
	    c, _ = s.accept()
	    c.close()
	EOF
	on_exit kill -KILL "$!"
	wait_for 10 eval "ip netns exec $1 ss -Sln | grep -q ':$2 '"
}

sctp_connect() {
	in_ns "$1" "$PY" - "$2" "$3" <<-'EOF'
	import socket, sys
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
	s.settimeout(5)
	try:
	    s.connect((sys.argv[1], int(sys.argv[2])))
	    print("connected")
	except ConnectionRefusedError:
	    print("refused")
	except (socket.timeout, TimeoutError):
	    print("timeout")
	except OSError as e:
	    print("error: %s" % e)
	EOF
}
