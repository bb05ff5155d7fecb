#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 9, weft-cni at scale and across nodes: 50 ADDs at once (a node
# starting 50 pods), then 50 DELs at once, every one succeeding, with
# nothing leaked (ports, veths, host-local leases); and two pods on two
# weft nodes (namespaces, each with its own weftd) reaching each other
# across a GENEVE tunnel between the nodes' br-int, attached by weft-cni
# running in each node's namespace.
#
#   nA: pod xa eth0 10.50.0.10 ══ br-int ─ geneve ─ br-int ══ eth0 10.50.0.20 pod xb :nB
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/cni_lib.sh"

N=50

setup() { cni_setup; }

# plugin_run CMD ID NS: weft-cni as a runtime calls it, config in $CONF.
plugin_run() {
	CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_NETNS=/run/netns/$3 \
		CNI_IFNAME=eth0 "$CNI_BIN" <"$CONF" >"$CNI_DIR/out.$1.$2" 2>&1
}

case_burst() {
	local i pids=() bad=0
	CONF=$CNI_DIR/burst.json
	CNI_VERSION=1.1.0 cni_net burst "$CNI_DIR/burst.list" '{}' 10.60.0.0/24
	py_call -i 'import json,sys; l=json.load(open(sys.argv[1])); p=l["plugins"][0]; p.update(name=l["name"], cniVersion=l["cniVersion"]); json.dump(p, open(sys.argv[2], "w"))' \
		run_in - 30 - "$CNI_DIR/burst.list" "$CONF"
	for ((i = 0; i < N; i++)); do ip netns add burst$i; on_exit ip netns del burst$i; done
	for ((i = 0; i < N; i++)); do plugin_run ADD b$i burst$i & pids+=($!); done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || { bad=$((bad + 1)); cat "$CNI_DIR/out.ADD.b$i" >&2; }
	done
	assert_eq 0 "$bad" "failed ADDs of $N"
	assert_eq $N "$(weft_ports)" "ports after the burst"
	assert_eq $N "$(weft_veths)" "veths after the burst"
	assert_eq $N "$(leases)" "leases after the burst"
	# Every pod got its own address and a working link: ping two.
	ping_ok burst0 "$(json_get "$(<"$CNI_DIR/out.ADD.b$((N - 1))")" 'r["ips"][0]["address"].split("/")[0]')" ||
		fail "burst0 cannot reach burst$((N - 1))"
	pids=()
	bad=0
	for ((i = 0; i < N; i++)); do plugin_run DEL b$i burst$i & pids+=($!); done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || { bad=$((bad + 1)); cat "$CNI_DIR/out.DEL.b$i" >&2; }
	done
	assert_eq 0 "$bad" "failed DELs of $N"
	cni_clean_check burst
}

case_two_nodes() {
	local l a b code
	underlay_up
	nweftd_start nA || die "weftd in nA"
	nweftd_start nB || die "weftd in nB"
	nvsctl nA add-br br-int && nvsctl nB add-br br-int || die "add-br on the nodes"
	tunnel_pair geneve gnv 4 flow || die "geneve pair"
	for n in A B; do
		l=$CNI_DIR/node$n.json
		IFS= read -r -d '' code <<'EOF'
import json, sys
f, data, start, sock = sys.argv[1:]
json.dump({"cniVersion": "1.1.0", "name": "podnet", "plugins": [{
    "type": "weft-cni", "bridge": "br-int", "mtu": 1422, "socket": sock,
    "ipam": {"type": "host-local", "dataDir": data, "ranges": [[{
        "subnet": "10.50.0.0/24", "rangeStart": "10.50.0.%s" % start,
        "rangeEnd": "10.50.0.%s" % start}]]}}]}, open(f, "w"))
EOF
		py_call -i "$code" run_in - 30 - "$l" "$CNI_DATA/$n" \
			"$([ $n = A ] && echo 10 || echo 20)" "$(node_dir n$n)/weftd.sock" ||
			die "conflist for node $n"
	done
	pod_add xa xb
	a=$(ip netns exec nA $CNI_RUN --cache "$CNI_CACHE" ADD "$CNI_DIR/nodeA.json" xa /run/netns/xa eth0) ||
		{ fail "ADD on node A: $a"; return; }
	b=$(ip netns exec nB $CNI_RUN --cache "$CNI_CACHE" ADD "$CNI_DIR/nodeB.json" xb /run/netns/xb eth0) ||
		{ fail "ADD on node B: $b"; return; }
	assert_eq 1422 "$(in_ns xa cat /sys/class/net/eth0/mtu)" "pod MTU"
	in_ns nA ip link show "$(json_get "$a" 'r["interfaces"][0]["name"]')" >/dev/null ||
		fail "host veth not in node A"
	ping_ok xa 10.50.0.20 || fail "pod xa cannot reach xb across the tunnel"
	ip netns exec xb socat -T 10 TCP-LISTEN:7001,reuseaddr OPEN:"$CNI_DIR/x.out",creat </dev/null >/dev/null 2>&1 &
	on_exit kill $!
	wait_for 10 sh -c "ip netns exec xb ss -ltn | grep -q :7001"
	head -c 100000 /dev/urandom >"$CNI_DIR/x.in"
	in_ns xa socat -T 10 - TCP:10.50.0.20:7001 <"$CNI_DIR/x.in" || fail "TCP across the tunnel"
	wait_for 10 cmp -s "$CNI_DIR/x.in" "$CNI_DIR/x.out" || fail "TCP data differ across the tunnel"
	assert_ok ip netns exec nA $CNI_RUN --cache "$CNI_CACHE" DEL "$CNI_DIR/nodeA.json" xa /run/netns/xa eth0
	assert_ok ip netns exec nB $CNI_RUN --cache "$CNI_CACHE" DEL "$CNI_DIR/nodeB.json" xb /run/netns/xb eth0
	assert_eq 0 "$(leases)" "leases left on the nodes"
	assert_eq gnv "$(nvsctl nA list-ports br-int)" "ports left on node A"
}

setup
run_case burst
run_case two_nodes
finish
