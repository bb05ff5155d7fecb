#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 180
#
# OVN's native DNS (dns_lookup) answered by a weft chassis. The NB DNS
# row is made with ovn-nbctl and attached to the switch; the real
# ovn-northd copies it to the SB and writes ls_in_dns_lookup's
# `reg0[4] = dns_lookup(); next;` and ls_in_dns_response's address swap;
# weftd, registered as chassis hv-a, keeps the SB DNS records and answers
# the packet-ins. The pods ask with python3's socket and a query made by
# hand (the VM has no dig), and read the answers byte by byte:
#
#   ns p1: e1 0a:00:00:00:00:01 10.0.1.11 fd00::11 ── vp1 (lp1)
#   ns p2: e2 0a:00:00:00:00:02 10.0.1.12 fd00::12 ── vp2 (lp2), a real
#          name server on port 53 answering every name with 192.0.2.99
#          and logging the names it was asked
#
#   a        vm1.ovn.test A: 10.0.1.11 and 10.0.1.111, TTL 3600, from
#            weftd (the server in p2 never sees the query)
#   case     VM1.Ovn.TEST A: the same (names match without regard to
#            case), the question echoed as asked
#   aaaa     vm1.ovn.test AAAA: fd00::11
#   ptr      11.1.0.10.in-addr.arpa PTR: vm1.ovn.test
#   ipv6     the A query over IPv6 to fd00::12: answered (the kernel
#            checks the UDP checksum weftd wrote)
#   unknown  other.ovn.test: weftd lets it go on, p2's server answers
#            192.0.2.99 and logs the name
#   mx       vm1.ovn.test MX (a type OVN 23.03 does not answer): p2's
#            server answers
#   update   a record added to the NB row: answered once northd copied
#            it; the row detached from the switch: p2's server answers
#   counters pinctrl_error 0
#
# Run: scripts/vm-run tests/system/test_ovn_dns.sh
. "$(dirname "$0")/weftd_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

DNSQ=$WEFTD_DIR/dnsq.py

# pod NS PORT IFACE MAC LSP IP4 IP6: namespace NS with IFACE whose veth
# peer PORT is on br-int as LSP.
pod() {
	local ns=$1 port=$2 ifc=$3 mac=$4 lsp=$5 ip4=$6 ip6=$7
	ovn_veth_ns "$ns" "$port" "$ifc" "$mac"
	in_ns "$ns" ip addr add "$ip4/24" dev "$ifc" || die "$ip4 on $ifc"
	in_ns "$ns" ip addr add "$ip6/64" dev "$ifc" nodad || die "$ip6"
	vsctl add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp" || die "add-port $port"
}

# The client: dnsq.py SERVER NAME TYPE prints the answer's header
# ("flags F qd N an N ns N ar N"), the question as it came back, then
# each answer RR ("A 10.0.1.11 ttl 3600"), or "timeout".
write_client() {
	cat >"$DNSQ" <<-'EOF'
	import socket, struct, sys
	srv, name, qtype = sys.argv[1], sys.argv[2], sys.argv[3]
	types = {"A": 1, "PTR": 12, "MX": 15, "AAAA": 28}
	names = {v: k for k, v in types.items()}
	q = struct.pack("!HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
	for label in name.split("."):
	    q += bytes([len(label)]) + label.encode()
	q += b"\0" + struct.pack("!HH", types[qtype], 1)
	fam = socket.AF_INET6 if ":" in srv else socket.AF_INET
	s = socket.socket(fam, socket.SOCK_DGRAM)
	s.settimeout(3)
	s.connect((srv, 53))
	s.send(q)
	try:
	    r = s.recv(2048)
	except (socket.timeout, ConnectionRefusedError) as e:
	    print("timeout" if isinstance(e, socket.timeout) else "refused")
	    sys.exit(0)
	def rname(p):
	    out = []
	    while r[p]:
	        if r[p] >= 0xc0:
	            out.append("<ptr>")
	            return ".".join(out), p + 2
	        out.append(r[p + 1:p + 1 + r[p]].decode())
	        p += 1 + r[p]
	    return ".".join(out), p + 1
	ident, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", r[:12])
	assert ident == 0x4242, "id %x" % ident
	print("flags %04x qd %d an %d ns %d ar %d" % (flags, qd, an, ns, ar))
	qn, p = rname(12)
	print("question", qn, struct.unpack("!HH", r[p:p + 4]))
	p += 4
	for _ in range(an):
	    n, p = rname(p)
	    t, c, ttl, ln = struct.unpack("!HHIH", r[p:p + 10])
	    d = r[p + 10:p + 10 + ln]
	    p += 10 + ln
	    if t == 1:
	        v = socket.inet_ntop(socket.AF_INET, d)
	    elif t == 28:
	        v = socket.inet_ntop(socket.AF_INET6, d)
	    elif t == 12:
	        v, _ = rname(p - ln)
	    else:
	        v = d.hex()
	    print(names.get(t, t), n, v, "class", c, "ttl", ttl)
	print("end", len(r) - p)
	EOF
}

# The real server in p2: every question answered with 192.0.2.99, the
# names logged.
write_server() {
	cat >"$WEFTD_DIR/dnssrv.py" <<-'EOF'
	import socket, struct, sys
	s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
	s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
	s.bind(("::", 53))
	log = open(sys.argv[1], "a", buffering=1)
	while True:
	    q, peer = s.recvfrom(2048)
	    p, labels = 12, []
	    while q[p]:
	        labels.append(q[p + 1:p + 1 + q[p]].decode())
	        p += 1 + q[p]
	    p += 5
	    log.write(".".join(labels) + "\n")
	    r = q[:2] + struct.pack("!HHHHH", 0x8180, 1, 1, 0, 0) + q[12:p]
	    r += q[12:p - 4] + struct.pack("!HHIH", 1, 1, 60, 4)
	    r += socket.inet_aton("192.0.2.99")
	    s.sendto(r, peer)
	EOF
}

setup() {
	require "$WEFTD" "$VSCTL" "$APPCTL" ovsdb-server ovsdb-tool \
		ovn-northd ovn-nbctl ovn-sbctl "$PY"
	weft_load
	ovn_start || die "the OVN control plane did not start"
	weftd_start || die "weftd did not start"
	vsctl set Open_vSwitch . external_ids:system-id=hv-a \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.0.2.10 || die "vsctl set"
	nbctl ls-add ls1 -- \
		lsp-add ls1 lp1 -- lsp-set-addresses lp1 \
			"0a:00:00:00:00:01 10.0.1.11 fd00::11" -- \
		lsp-add ls1 lp2 -- lsp-set-addresses lp2 \
			"0a:00:00:00:00:02 10.0.1.12 fd00::12" ||
		die "nbctl ls1"
	DNS_ROW=$(nbctl create DNS records='{"vm1.ovn.test"="10.0.1.11 fd00::11 10.0.1.111", "11.1.0.10.in-addr.arpa"="vm1.ovn.test"}') ||
		die "nbctl create DNS"
	nbctl add Logical_Switch ls1 dns_records "$DNS_ROW" ||
		die "DNS row on ls1"
	pod p1 vp1 e1 0a:00:00:00:00:01 lp1 10.0.1.11 fd00::11
	pod p2 vp2 e2 0a:00:00:00:00:02 lp2 10.0.1.12 fd00::12
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync ||
		die "ovn-nbctl --wait=hv sync did not return"
	sbctl list DNS >"$WEFT_RESULTS/sb-dns.txt"
	sbctl lflow-list ls1 | grep -E 'dns' >"$WEFT_RESULTS/dns-lflows.txt"
	grep -q 'dns_lookup()' "$WEFT_RESULTS/dns-lflows.txt" ||
		die "northd wrote no dns_lookup flow"
	write_client
	write_server
	: >"$WEFTD_DIR/srv.log"
	in_ns p2 "$PY" "$WEFTD_DIR/dnssrv.py" "$WEFTD_DIR/srv.log" \
		>"$WEFTD_DIR/srv.out" 2>&1 &
	on_exit kill -KILL "$!"
	wait_listen p2 53 udp || die "no name server in p2"
}

# ask SERVER NAME TYPE: the client's report (also kept in the results).
ask() {
	local out
	out=$(in_ns p1 "$PY" "$DNSQ" "$@" 2>&1)
	printf '%s\n' "== $*" "$out" >>"$WEFT_RESULTS/answers.txt"
	printf '%s\n' "$out"
}

# asked_server NAME: whether p2's server saw NAME.
asked_server() { grep -qix "$1" "$WEFTD_DIR/srv.log"; }

case_a() {
	local out
	out=$(ask 10.0.1.12 vm1.ovn.test A)
	echo "$out"
	assert_eq "flags 8100 qd 1 an 2 ns 0 ar 0
question vm1.ovn.test (1, 1)
A vm1.ovn.test 10.0.1.11 class 1 ttl 3600
A vm1.ovn.test 10.0.1.111 class 1 ttl 3600
end 0" "$out" "weftd's answer"
	! asked_server vm1.ovn.test || fail "the query reached p2's server"
}

case_case() {
	local out
	out=$(ask 10.0.1.12 VM1.Ovn.TEST A)
	echo "$out"
	assert_eq "flags 8100 qd 1 an 2 ns 0 ar 0
question VM1.Ovn.TEST (1, 1)
A VM1.Ovn.TEST 10.0.1.11 class 1 ttl 3600
A VM1.Ovn.TEST 10.0.1.111 class 1 ttl 3600
end 0" "$out" "the answer to a name in mixed case"
	! asked_server VM1.Ovn.TEST || fail "the query reached p2's server"
}

case_aaaa() {
	local out
	out=$(ask 10.0.1.12 vm1.ovn.test AAAA)
	echo "$out"
	assert_eq "flags 8100 qd 1 an 1 ns 0 ar 0
question vm1.ovn.test (28, 1)
AAAA vm1.ovn.test fd00::11 class 1 ttl 3600
end 0" "$out" "the AAAA answer"
}

case_ptr() {
	local out
	out=$(ask 10.0.1.12 11.1.0.10.in-addr.arpa PTR)
	echo "$out"
	assert_eq "flags 8100 qd 1 an 1 ns 0 ar 0
question 11.1.0.10.in-addr.arpa (12, 1)
PTR 11.1.0.10.in-addr.arpa vm1.ovn.test class 1 ttl 3600
end 0" "$out" "the PTR answer"
}

case_ipv6() {
	local out
	out=$(ask fd00::12 vm1.ovn.test A)
	echo "$out"
	assert_match "$out" '^A vm1\.ovn\.test 10\.0\.1\.11 class 1 ttl 3600$' \
		"the answer over IPv6"
	assert_match "$out" '^flags 8100 qd 1 an 2 ' "its header"
}

case_unknown() {
	local out
	out=$(ask 10.0.1.12 other.ovn.test A)
	echo "$out"
	assert_match "$out" '^A other\.ovn\.test 192\.0\.2\.99 class 1 ttl 60$' \
		"p2's server's answer"
	asked_server other.ovn.test || fail "p2's server was not asked"
}

case_mx() {
	local out
	out=$(ask 10.0.1.12 vm1.ovn.test MX)
	echo "$out"
	assert_match "$out" '192\.0\.2\.99 class 1 ttl 60$' "p2's server's answer"
	asked_server vm1.ovn.test || fail "p2's server was not asked"
}

case_update() {
	local out
	nbctl_wait set DNS "$DNS_ROW" 'records:"vm3.ovn.test"="10.0.1.13"' ||
		fail "record vm3 not added"
	out=$(ask 10.0.1.12 vm3.ovn.test A)
	echo "$out"
	assert_match "$out" '^A vm3\.ovn\.test 10\.0\.1\.13 class 1 ttl 3600$' \
		"the added record's answer"
	asked_server vm3.ovn.test && fail "vm3 reached p2's server"
	nbctl_wait remove Logical_Switch ls1 dns_records "$DNS_ROW" ||
		fail "DNS row not detached"
	out=$(ask 10.0.1.12 vm3.ovn.test A)
	echo "$out"
	assert_match "$out" '192\.0\.2\.99 class 1 ttl 60$' \
		"p2's server's answer once the row is detached"
}

case_counters() {
	appctl coverage/show | grep pinctrl
	[ "$(appctl coverage/read-counter pinctrl_error)" = 0 ] ||
		fail "pinctrl errors: $(appctl coverage/read-counter pinctrl_error)"
}

setup
run_case a
run_case case
run_case aaaa
run_case ptr
run_case ipv6
run_case unknown
run_case mx
run_case update
run_case counters
save "$WEFTD_DIR/srv.log"
cp "$WEFTD_LOG" "$WEFT_RESULTS/weftd.log" 2>/dev/null
finish
