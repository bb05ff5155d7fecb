#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 9, weft-cni: ADD/CHECK/DEL for every spec version a caller may
# speak (results in its layout), two pods on one node exchanging ping and
# TCP through br-int, CHECK catching what changed, DEL after the netns is
# gone, STATUS with weftd down (code 50), GC against
# cni.dev/valid-attachments, and bad input answered with the spec's error
# codes, leaving nothing behind (ports, veths, host-local leases).
#
#   pod a: eth0 10.22.0.x ══ weftXXXXXXXXXXX ┐ br-int (weftd)
#   pod b: eth0 10.22.0.y ══ weftYYYYYYYYYYY ┘
#
# The runtime is tests/tools/cni_run.py (libcni's order and prevResult);
# IPAM is Debian's host-local.
. "$(dirname "$0")/cni_lib.sh"

setup() { cni_setup; }

case_versions() {
	local v out n=0
	for v in 0.3.1 0.4.0 1.0.0 1.1.0; do
		CNI_VERSION=$v cni_net vnet "$CNI_DIR/v.json"
		pod_add pv$n
		out=$(cni ADD "$CNI_DIR/v.json" cv$n pv$n eth0) || { fail "$v: ADD: $out"; continue; }
		assert_eq "$v" "$(json_get "$out" 'r["cniVersion"]')" "$v: result version"
		assert_eq 2 "$(json_get "$out" 'len(r["interfaces"])')" "$v: interfaces"
		assert_eq "/run/netns/pv$n" "$(json_get "$out" 'r["interfaces"][1]["sandbox"]')" "$v: sandbox"
		assert_eq 1 "$(json_get "$out" 'r["ips"][0]["interface"]')" "$v: ips[0].interface"
		case $v in
		0.*) assert_eq 4 "$(json_get "$out" 'r["ips"][0]["version"]')" "$v: ips[0].version" ;;
		*) assert_eq False "$(json_get "$out" '"version" in r["ips"][0]')" "$v: no ips[0].version" ;;
		esac
		case $v in
		1.1.0) assert_eq True "$(json_get "$out" '"mtu" in r["interfaces"][1]')" "$v: mtu" ;;
		*) assert_eq False "$(json_get "$out" '"mtu" in r["interfaces"][1]')" "$v: no mtu" ;;
		esac
		in_ns pv$n ip -4 addr show eth0 | grep -q "$(json_get "$out" 'r["ips"][0]["address"]')" ||
			fail "$v: address not on eth0"
		if [ "$v" = 0.3.1 ]; then
			out=$(cni CHECK "$CNI_DIR/v.json" cv$n pv$n eth0)
			assert_eq 1 "$(cni_err_code "$out")" "$v: CHECK is not in 0.3.1"
		else
			assert_ok cni CHECK "$CNI_DIR/v.json" cv$n pv$n eth0
		fi
		assert_ok cni DEL "$CNI_DIR/v.json" cv$n pv$n eth0
		# DEL twice: still a success.
		assert_ok cni DEL "$CNI_DIR/v.json" cv$n pv$n eth0
		n=$((n + 1))
	done
	cni_clean_check versions
}

case_two_pods() {
	local a b ipa ipb host ids
	cni_net net1 "$CNI_DIR/n1.json"
	pod_add pa pb
	a=$(cni ADD "$CNI_DIR/n1.json" ida pa eth0) || { fail "ADD a: $a"; return; }
	b=$(cni ADD "$CNI_DIR/n1.json" idb pb eth0) || { fail "ADD b: $b"; return; }
	ipa=$(json_get "$a" 'r["ips"][0]["address"].split("/")[0]')
	ipb=$(json_get "$b" 'r["ips"][0]["address"].split("/")[0]')
	host=$(json_get "$a" 'r["interfaces"][0]["name"]')
	assert_match "$host" '^weft[0-9a-f]{11}$' "host veth name"
	assert_eq br-int "$(vsctl port-to-br "$host")" "port of pod a"
	ids=$(vsctl get Interface "$host" external_ids)
	assert_match "$ids" 'cni-containerid=ida' "external_ids containerid"
	assert_match "$ids" 'cni-ifname=eth0' "external_ids ifname"
	assert_match "$ids" 'cni-netns="/run/netns/pa"' "external_ids netns"
	assert_eq "$(json_get "$a" 'r["interfaces"][1]["mac"]')" "$(mac_of pa eth0)" "result MAC"
	in_ns pa ip route | grep -q '^default via 10.22.0.1 dev eth0' || fail "no default route in pod a"
	ping_ok pa "$ipb" || fail "pod a cannot ping pod b"
	ip netns exec pb socat -T 10 TCP-LISTEN:7000,reuseaddr OPEN:"$CNI_DIR/tcp.out",creat </dev/null >/dev/null 2>&1 &
	on_exit kill $!
	wait_for 10 in_ns pb ss -ltn 'sport = :7000' ||
		wait_for 10 sh -c "ip netns exec pb ss -ltn | grep -q :7000"
	echo hello-over-weft | in_ns pa socat -T 10 - TCP:"$ipb":7000 || fail "TCP connect a->b"
	wait_for 10 grep -q hello-over-weft "$CNI_DIR/tcp.out" || fail "TCP data did not arrive"
	# CHECK notices a missing address and a changed MAC.
	assert_ok cni CHECK "$CNI_DIR/n1.json" ida pa eth0
	in_ns pa ip addr flush dev eth0
	out=$(cni CHECK "$CNI_DIR/n1.json" ida pa eth0)
	assert_eq 104 "$(cni_err_code "$out")" "CHECK after flush"
	assert_match "$(cni_err_msg "$out")" "address $ipa/24 is missing" "CHECK message"
	in_ns pb ip link set eth0 address 02:11:22:33:44:55
	out=$(cni CHECK "$CNI_DIR/n1.json" idb pb eth0)
	assert_match "$(cni_err_msg "$out")" "has MAC 02:11:22:33:44:55" "CHECK MAC message"
	# The port's VLAN is checked too.
	vsctl set Port "$(json_get "$b" 'r["interfaces"][0]["name"]')" tag=7
	in_ns pb ip link set eth0 address "$(json_get "$b" 'r["interfaces"][1]["mac"]')"
	out=$(cni CHECK "$CNI_DIR/n1.json" idb pb eth0)
	assert_match "$(cni_err_msg "$out")" "VLAN tag 7" "CHECK VLAN message"
	assert_ok cni DEL "$CNI_DIR/n1.json" ida pa eth0
	assert_ok cni DEL "$CNI_DIR/n1.json" idb pb eth0
	cni_clean_check two_pods
}

case_del_netns_gone() {
	cni_net net1 "$CNI_DIR/n1.json"
	ip netns add pgone
	assert_ok cni ADD "$CNI_DIR/n1.json" idg pgone eth0
	ip netns del pgone
	out=$(cni DEL "$CNI_DIR/n1.json" idg pgone eth0) || fail "DEL with the netns gone: $out"
	# And with the port gone too (deleted by hand), and no netns at all.
	assert_ok cni DEL "$CNI_DIR/n1.json" idg "" eth0
	cni_clean_check del_netns_gone
}

case_status() {
	local out
	cni_net net1 "$CNI_DIR/n1.json"
	assert_ok cni STATUS "$CNI_DIR/n1.json"
	weftd_stop
	out=$(cni STATUS "$CNI_DIR/n1.json")
	assert_eq 50 "$(cni_err_code "$out")" "STATUS with weftd down"
	assert_match "$(cni_err_msg "$out")" "weftd is not answering" "STATUS message"
	pod_add ps
	out=$(cni ADD "$CNI_DIR/n1.json" ids ps eth0)
	assert_eq 11 "$(cni_err_code "$out")" "ADD with weftd down"
	weftd_start || die "weftd did not restart"
	out=$(cni_net bad "$CNI_DIR/b.json" '{"bridge": "br-nope"}'; cni STATUS "$CNI_DIR/b.json")
	assert_eq 50 "$(cni_err_code "$out")" "STATUS without the bridge"
	assert_ok cni STATUS "$CNI_DIR/n1.json"
	cni_clean_check status
}

case_gc() {
	cni_net net1 "$CNI_DIR/n1.json"
	cni_net net2 "$CNI_DIR/n2.json" '{"_noroute": true}' 10.23.0.0/24
	pod_add pg1 pg2 pg3
	assert_ok cni ADD "$CNI_DIR/n1.json" g1 pg1 eth0
	assert_ok cni ADD "$CNI_DIR/n1.json" g2 pg2 eth0
	assert_ok cni ADD "$CNI_DIR/n1.json" g3 pg3 eth0
	assert_ok cni ADD "$CNI_DIR/n2.json" g3 pg3 net1
	assert_eq 4 "$(weft_ports)" "ports before GC"
	assert_ok cni GC "$CNI_DIR/n1.json" "" "" "" --valid g2/eth0
	assert_eq 2 "$(weft_ports)" "ports after GC (g2 on net1, g3 on net2)"
	assert_eq 2 "$(leases)" "leases after GC"
	assert_eq 2 "$(weft_veths)" "veths after GC"
	in_ns pg2 ip link show eth0 >/dev/null || fail "GC removed a valid attachment"
	in_ns pg3 ip link show net1 >/dev/null || fail "GC removed another network's attachment"
	assert_ok cni GC "$CNI_DIR/n1.json"
	assert_ok cni GC "$CNI_DIR/n2.json"
	cni_clean_check gc
}

# plugin ENV... -- CONF: run weft-cni directly; prints its stdout.
plugin() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env -i PATH="$PATH" WEFT_SOCKET="$WEFT_SOCKET" CNI_PATH="$CNI_PATH" "${envs[@]}" "$CNI_BIN" <<<"$1"
}

case_bad_input() {
	local good out base
	pod_add pbad
	base='"cniVersion":"1.1.0","name":"bad","type":"weft-cni","ipam":{"type":"host-local","dataDir":"'$CNI_DATA'","ranges":[[{"subnet":"10.24.0.0/24"}]]}'
	ENV=(CNI_COMMAND=ADD CNI_CONTAINERID=bad1 CNI_NETNS=/run/netns/pbad CNI_IFNAME=eth0)
	expect() {	# CODE REGEX OUT
		assert_eq "$1" "$(cni_err_code "$3")" "error code for $4"
		assert_match "$(cni_err_msg "$3")" "$2" "error message for $4"
	}
	out=$(plugin "${ENV[@]}" -- "{$base") && fail "malformed JSON accepted"
	expect 6 'not valid JSON' "$out" "malformed JSON"
	out=$(plugin CNI_COMMAND=ADD CNI_NETNS=/run/netns/pbad CNI_IFNAME=eth0 -- "{$base}")
	expect 4 'CNI_CONTAINERID' "$out" "missing CNI_CONTAINERID"
	out=$(plugin CNI_CONTAINERID=x CNI_NETNS=/run/netns/pbad CNI_IFNAME=eth0 -- "{$base}")
	expect 4 'CNI_COMMAND' "$out" "missing CNI_COMMAND"
	out=$(plugin CNI_COMMAND=ADD CNI_CONTAINERID=bad1 CNI_IFNAME=eth0 -- "{$base}")
	expect 4 'CNI_NETNS' "$out" "missing CNI_NETNS"
	out=$(plugin "${ENV[@]}" -- "{${base/1.1.0/9.9.9}}")
	expect 1 'cniVersion "9.9.9" is not supported' "$out" "unknown cniVersion"
	out=$(plugin "${ENV[@]}" -- "{$base,\"vlan\":5000}")
	expect 7 '"vlan" must be a VLAN id' "$out" "bad VLAN"
	out=$(plugin "${ENV[@]}" -- "{$base,\"trunk\":[10,\"20-5000\"]}")
	expect 7 'trunk' "$out" "bad trunk"
	out=$(plugin "${ENV[@]}" -- "{$base,\"mac\":\"01:00:5e:00:00:01\"}")
	expect 7 'MAC address' "$out" "multicast MAC"
	out=$(plugin "${ENV[@]}" -- "{$base,\"bridge\":\"br-nope\"}")
	expect 101 'bridge "br-nope" does not exist' "$out" "missing bridge"
	out=$(plugin "${ENV[@]}" CNI_NETNS=/run/netns/nonexistent -- "{$base}")
	expect 105 'cannot open network namespace' "$out" "missing netns"
	out=$(plugin CNI_COMMAND=GC -- "{$base}")
	expect 7 'valid-attachments' "$out" "GC without valid-attachments"
	out=$(plugin CNI_COMMAND=GC -- "{${base/1.1.0/1.0.0},\"cni.dev/valid-attachments\":[]}")
	expect 1 'GC is not part of CNI 1.0.0' "$out" "GC in 1.0.0"
	out=$(plugin "${ENV[@]}" -- "{${base/host-local/no-such-ipam}}")
	expect 7 'IPAM plugin "no-such-ipam" is not in CNI_PATH' "$out" "missing IPAM plugin"
	# An interface name already taken in the pod: the IPAM lease is
	# given back.
	in_ns pbad ip link add eth0 type veth peer name eth0p
	out=$(plugin "${ENV[@]}" -- "{$base}")
	expect 102 'creating veth' "$out" "CNI_IFNAME taken"
	out=$(plugin CNI_COMMAND=VERSION -- "{$base}")
	assert_match "$out" '"supportedVersions": \["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"\]' "VERSION"
	cni_clean_check bad_input
}

setup
run_case versions
run_case two_pods
run_case del_netns_gone
run_case status
run_case gc
run_case bad_input
finish
