#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
#
# Case c of issue 3: every action checked on the wire. Flows between two
# namespaces rewrite, tag, truncate, branch and copy the traffic; tcpdump in
# the receiving namespace shows what arrived, and the receiving stacks
# accepting TCP and UDP (with transmit checksum offload off, so every
# checksum is a real one that the receiver verifies) show the checksums are
# right.
#
#   netns tsa                         init netns                        netns tsb
#   sa ---------------- veth ---- a1 [port 1   dp act0   port 2] b1 ---- veth ---------------- sb
#   10.9.0.1/24  fd09::1/64                   port 0: act0                10.9.0.2/24 fd09::2/64
#   10.9.10.1/24                                                          sb.10: 10.9.10.2/24
#   02:00:00:00:00:01                                                     02:00:00:00:00:02
#
#   10.9.0.100 / fd09::100 (MAC 02:00:00:00:00:64) is a virtual address:
#   the NAT cases' flows rewrite it to sb and back.
#
# Each case installs its own flows (port 1 = a1, port 2 = b1), runs traffic,
# and reads the capture on sb. Run: scripts/vm-run tests/system/test_actions.sh
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KO=${WEFT_KO:-$TOP/kmod/weft.ko}
DPCTL=$TOP/build/weft-dpctl
LISTEN=$TOP/build/tests/tools/weft-upcall-listen
WORK=$(mktemp -d /tmp/test_actions.XXXXXX)
CASE=setup
FAILS=0
CAP_PID=
CAP_FILE=

MAC_A=02:00:00:00:00:01
MAC_B=02:00:00:00:00:02
MAC_V=02:00:00:00:00:64

# iputils' ping: 0.2 s between echo requests, not 1 s (some forty pings).
if command -v ping >/dev/null 2>&1; then
	PING=(ping -i 0.2)
else
	PING=(busybox ping)
fi

log() {
	printf '[%(%T)T] %s: %s\n' -1 "$CASE" "$*"
}

# phase TEXT: the guest's uptime and the time since the last phase, to see
# where the test spends its time (builtins only).
PHASE_CS=0
phase() {
	local u
	read -r u _ </proc/uptime
	u=${u/./}
	u=$((10#$u))
	printf '[phase %d.%02ds +%d.%02ds] %s\n' $((u / 100)) $((u % 100)) \
		$(((u - PHASE_CS) / 100)) $(((u - PHASE_CS) % 100)) "$*"
	PHASE_CS=$u
}

# weft-dpctl, bounded in time: a hung request fails its case, not the
# run.  Through weft-dpctl's server (srv_lib.sh: a fork per command, not
# two process starts), started in case_prepare.
. "$TOP/tests/system/srv_lib.sh"
dpctl() {
	dpctl_served "$@"
}

# A failed check fails the case but lets the others run.
fail() {
	echo "FAIL: case $CASE: $*" >&2
	FAILS=$((FAILS + 1))
}

die() {
	echo "FAIL: case $CASE: $*" >&2
	exit 1
}

dmesg_mark() {
	DMESG_LINES=$(dmesg | wc -l)
}

dmesg_check() {
	local bad

	bad=$(dmesg | tail -n +"$((DMESG_LINES + 1))" |
		grep -E 'BUG|WARNING|Oops|refcount_t|corruption|unreferenced object|general protection|KASAN|UBSAN|stall|lockup')
	[ -z "$bad" ] || fail "kernel reports:
$bad"
}

cleanup() {
	[ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null
	ip netns del tsa 2>/dev/null
	ip netns del tsb 2>/dev/null
	ip link del a1 2>/dev/null
	ip link del b1 2>/dev/null
	if [ -n "${WEFT_RESULTS:-}" ]; then
		cp "$WORK"/*.pcap "$WEFT_RESULTS"/ 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# flows LINE...: replace act0's flows with these, "MATCH ACTIONS" each.
flows() {
	local line

	dpctl del-flows act0 || fail "del-flows"
	for line in "$@"; do
		# shellcheck disable=SC2086 # MATCH and ACTIONS are two words
		dpctl add-flow act0 $line || fail "add-flow $line"
	done
}

# The packets counted on the flow whose match starts with $1.
flow_packets() {
	dpctl dump-flows act0 | grep -F "$1" | head -n 1 |
		sed -n 's/.*packets:\([0-9]*\).*/\1/p'
}

# Capture on sb into $WORK/$1.pcap until cap_stop.
cap_start() {
	local i
	CAP_FILE=$WORK/$1.pcap
	ip netns exec tsb tcpdump -i sb -nn -U -s 0 -w "$CAP_FILE" \
		2>"$WORK/$1.err" &
	CAP_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -e $WORK/$1.err && $(<"$WORK/$1.err") == *"listening on"* ]] &&
			return 0
		sleep 0.1
	done
	fail "tcpdump did not start: $(cat "$WORK/$1.err")"
}

# Stops the capture and decodes it once, into $CAP_FILE.txt: the checks
# that follow all read that text (a tcpdump start costs seconds under TCG).
cap_stop() {
	sleep 1
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
	cap_decode >"$CAP_FILE.txt"
}

# The capture as text, with link headers and checksum verdicts, one packet
# per line (tcpdump -v continues a packet on indented lines).
cap_decode() {
	tcpdump -r "$CAP_FILE" -nn -e -vv 2>/dev/null |
		awk '/^[ \t]/ { line = line " " $0; next }
		     { if (line != "") print line; line = $0 }
		     END { if (line != "") print line }'
}

cap_text() {
	printf '%s\n' "$(<"$CAP_FILE.txt")"
}

# cap_count REGEX: how many captured packets match.
cap_count() {
	grep -cE "$1" "$CAP_FILE.txt"
}

# Checksums in the capture: none wrong, and $1 (a regex) shows the good ones.
cap_checksums_ok() {
	local text bad

	text=$(cap_text)
	bad=$(echo "$text" | grep -E 'incorrect|bad cksum|bad udp cksum|bad tcp cksum|wrong')
	[ -z "$bad" ] || fail "bad checksums on the wire:
$bad"
	echo "$text" | grep -qE "$1" ||
		fail "no packet with a verified checksum ($1) in the capture"
}

# The echo peers: TCP or UDP, a server in one namespace, a client in the
# other that sends random bytes and checks they come back unchanged.
cat >"$WORK/echo.py" <<'EOF'
import os, socket, sys, threading, time
mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
proto = 0
if mode.startswith('sctp'):
    mode, proto = 'tcp' + mode[4:], socket.IPPROTO_SCTP

def ready():
    if os.environ.get('ECHO_READY'):
        open(os.environ['ECHO_READY'], 'w').close()

if mode == 'tcp-server':
    s = socket.socket(fam, socket.SOCK_STREAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(1)
    ready()
    s.settimeout(60)
    c, _ = s.accept()
    c.settimeout(30)
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
elif mode == 'tcp-client':
    data = os.urandom(int(sys.argv[4]))
    deadline = time.time() + 20
    while True:
        try:
            s = socket.socket(fam, socket.SOCK_STREAM, proto)
            s.settimeout(10)
            s.connect((addr, port))
            break
        except (ConnectionRefusedError, socket.timeout):
            if time.time() > deadline:
                raise
            time.sleep(0.5)
    s.settimeout(30)
    def send():
        s.sendall(data)
        # SCTP has no half-close: the client closes once all came back.
        if not proto:
            s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=send)
    t.start()
    got = bytearray()
    while len(got) < len(data):
        d = s.recv(65536)
        if not d:
            break
        got += d
    t.join()
    if bytes(got) != data:
        sys.exit('echoed %d bytes of %d, equal=%s' %
                 (len(got), len(data), bytes(got) == data))
elif mode == 'udp-server':
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, port))
    ready()
    s.settimeout(30)
    for _ in range(int(sys.argv[4])):
        d, peer = s.recvfrom(65536)
        s.sendto(d, peer)
elif mode == 'udp-client':
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if len(sys.argv) > 5 and sys.argv[5] == 'nocsum':
        s.setsockopt(socket.SOL_SOCKET, 11, 1)   # SO_NO_CHECK
    s.settimeout(2)
    ok = 0
    for i in range(int(sys.argv[4])):
        msg = os.urandom(200)
        for _ in range(5):
            s.sendto(msg, (addr, port))
            try:
                if s.recvfrom(65536)[0] == msg:
                    ok += 1
                    break
            except socket.timeout:
                pass
    if ok != int(sys.argv[4]):
        sys.exit('%d of %s datagrams echoed' % (ok, sys.argv[4]))
EOF

# echo_test PROTO (tcp, udp or sctp) SERVER_ADDR PORT CLIENT_ADDR CLIENT_PORT COUNT [nocsum]
echo_test() {
	local proto=$1 saddr=$2 sport=$3 caddr=$4 cport=$5 count=$6 pid i

	rm -f "$WORK/echo.ready"
	ECHO_READY=$WORK/echo.ready ip netns exec tsb python3 "$WORK/echo.py" \
		"$proto-server" "$saddr" "$sport" "$count" &
	pid=$!
	# The server says when its socket is bound (python's start alone can
	# take a second or more).
	for ((i = 0; i < 200; i++)); do
		[ -e "$WORK/echo.ready" ] && break
		sleep 0.05
	done
	# The client: a fork of the python helper server in tsa, not a
	# python3 start (srv_lib.sh's py_call run_in).
	if ! py_call run_in tsa 120 "$WORK/echo.py" "$proto-client" \
		"$caddr" "$cport" "$count" ${7:+"$7"}; then
		fail "$proto echo through the flows failed"
		kill "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
}

# Transmit checksum offload on both ends: off means every packet carries a
# full checksum computed by the sender, which the receiver verifies.
csum_offload() {
	ip netns exec tsa ethtool -K sa tx "$1" >/dev/null 2>&1
	ip netns exec tsb ethtool -K sb tx "$1" >/dev/null 2>&1
}

case_prepare() {
	CASE=prepare
	[ -f "$KO" ] || die "no $KO (make module)"
	[ -x "$DPCTL" ] || die "no $DPCTL (make)"
	modprobe veth || die "modprobe veth"
	modprobe 8021q
	lsmod | grep -q '^weft ' && rmmod weft
	dmesg_mark
	insmod "$KO" || die "insmod"
	dpctl_serve_start
	WEFT_TOP=$TOP py_serve_start
	ip netns add tsa || die "netns tsa"
	ip netns add tsb || die "netns tsb"
	ip link add a1 type veth peer name sa netns tsa || die "veth a"
	ip link add b1 type veth peer name sb netns tsb || die "veth b"
	for ns in tsa tsb; do
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	# One ip per namespace (-batch: a process start costs up to a
	# second under TCG). Static neighbours: no ARP or ND in the captures
	# or the flows.
	ip -n tsa -force -batch - <<-EOF
	link set lo up
	link set sa address $MAC_A
	addr add 10.9.0.1/24 dev sa
	addr add 10.9.10.1/24 dev sa
	addr add fd09::1/64 dev sa nodad
	link set sa up
	neigh replace 10.9.0.2 lladdr $MAC_B dev sa nud permanent
	neigh replace 10.9.0.100 lladdr $MAC_V dev sa nud permanent
	neigh replace fd09::2 lladdr $MAC_B dev sa nud permanent
	neigh replace fd09::100 lladdr $MAC_V dev sa nud permanent
	EOF
	ip -n tsb -force -batch - <<-EOF
	link set lo up
	link set sb address $MAC_B
	addr add 10.9.0.2/24 dev sb
	addr add fd09::2/64 dev sb nodad
	link add link sb name sb.10 type vlan id 10
	addr add 10.9.10.2/24 dev sb.10
	link set sb up
	link set sb.10 up
	neigh replace 10.9.0.1 lladdr $MAC_A dev sb nud permanent
	neigh replace fd09::1 lladdr $MAC_A dev sb nud permanent
	EOF
	ip link set a1 up
	ip link set b1 up
	dpctl add-dp act0 a1 b1 || die "add-dp"
	ip link set act0 up
	dpctl show act0
}

case_output() {
	CASE=output
	flows "in_port(1) 2" "in_port(2) 1"
	ip netns exec tsa "${PING[@]}" -c 3 -W 2 10.9.0.2 >/dev/null ||
		fail "ping through plain outputs"
	[ "$(flow_packets 'in_port(1)')" -ge 3 ] 2>/dev/null ||
		fail "flow in_port(1) counted $(flow_packets 'in_port(1)') packets"
}

case_vlan() {
	CASE=vlan
	# As in OVS, a flow without vlan() matches untagged frames only.
	flows "in_port(1) push_vlan(vid=10,pcp=3),2" \
	      "in_port(2),eth_type(0x8100),vlan(vid=10) pop_vlan,1"
	cap_start vlan
	# sb.10 only answers tagged frames: the ping works only if the tag
	# goes on towards sb and comes off towards sa.
	ip netns exec tsa "${PING[@]}" -c 3 -W 2 10.9.10.2 >/dev/null ||
		fail "ping across push_vlan/pop_vlan"
	cap_stop
	[ "$(cap_count "$MAC_A > $MAC_B.*vlan 10, p 3, ethertype IPv4")" -ge 3 ] ||
		fail "no VLAN 10 pcp 3 requests on sb:
$(cap_text)"
	[ "$(cap_count "$MAC_B > $MAC_A.*vlan 10")" -ge 3 ] ||
		fail "sb.10's replies missing"
	log "tagged on the way in, untagged on the way back"
}

# NAT of 10.9.0.100:8080 to sb's 10.9.0.2:80 and back, in the header fields
# of every layer: Ethernet, IPv4 (masked address, TOS, TTL), TCP or UDP.
nat4_flows() {
	local p=$1 n=$2

	flows "in_port(1),eth(dst=$MAC_V),eth_type(0x0800),ipv4(dst=10.9.0.100,proto=$n),$p(dst=8080) set(eth(dst=$MAC_B)),set(ipv4(dst=10.9.0.2/0.0.0.255,tos=0x20,ttl=33)),set($p(dst=80)),2" \
		"in_port(2),eth_type(0x0800),ipv4(src=10.9.0.2,proto=$n),$p(src=80) set(eth(src=$MAC_V)),set(ipv4(src=10.9.0.100)),set($p(src=8080)),1"
}

case_set_ipv4_tcp() {
	CASE=set-ipv4-tcp
	nat4_flows tcp 6
	csum_offload off
	cap_start set4tcp
	echo_test tcp 10.9.0.2 80 10.9.0.100 8080 200000
	cap_stop
	cap_checksums_ok 'cksum 0x[0-9a-f]+ \(correct\)'
	[ "$(cap_count "$MAC_A > $MAC_B.*tos 0x20, ttl 33.*10\.9\.0\.1\.[0-9]+ > 10\.9\.0\.2\.80:")" -ge 1 ] ||
		fail "rewritten packets not seen on sb:
$(cap_text | head -n 20)"
	# With offload on, the stack leaves the checksum to the device
	# (CHECKSUM_PARTIAL) and sends TSO super-packets: both must survive.
	csum_offload on
	echo_test tcp 10.9.0.2 80 10.9.0.100 8080 1000000
	csum_offload off
}

case_set_ipv4_udp() {
	CASE=set-ipv4-udp
	nat4_flows udp 17
	csum_offload off
	cap_start set4udp
	echo_test udp 10.9.0.2 80 10.9.0.100 8080 5
	cap_stop
	cap_checksums_ok 'udp sum ok'
	# A UDP checksum of 0 means none: rewriting must leave it at 0.
	cap_start set4udp0
	echo_test udp 10.9.0.2 80 10.9.0.100 8080 3 nocsum
	cap_stop
	cap_checksums_ok 'udp sum ok'
	[ "$(cap_count '10\.9\.0\.1\.[0-9]+ > 10\.9\.0\.2\.80: \[no cksum\]')" -ge 3 ] ||
		fail "the zero UDP checksum did not stay zero:
$(cap_text | head -n 12)"
}

case_set_ipv6_tcp() {
	CASE=set-ipv6-tcp
	flows "in_port(1),eth(dst=$MAC_V),eth_type(0x86dd),ipv6(dst=fd09::100,proto=6),tcp(dst=8080) set(eth(dst=$MAC_B)),set(ipv6(dst=fd09::2,label=0x12345,tclass=0x40,hlimit=9)),set(tcp(dst=80)),2" \
		"in_port(2),eth_type(0x86dd),ipv6(src=fd09::2,proto=6),tcp(src=80) set(eth(src=$MAC_V)),set(ipv6(src=fd09::100)),set(tcp(src=8080)),1"
	csum_offload off
	cap_start set6tcp
	echo_test tcp fd09::2 80 fd09::100 8080 200000
	cap_stop
	cap_checksums_ok 'cksum 0x[0-9a-f]+ \(correct\)'
	[ "$(cap_count 'class 0x40, flowlabel 0x12345, hlim 9.*fd09::1\.[0-9]+ > fd09::2\.80:')" -ge 1 ] ||
		fail "rewritten IPv6 packets not seen on sb:
$(cap_text | head -n 20)"
}

case_set_ipv6_udp() {
	CASE=set-ipv6-udp
	flows "in_port(1),eth_type(0x86dd),ipv6(dst=fd09::100,proto=17),udp(dst=8080) set(eth(dst=$MAC_B)),set(ipv6(dst=fd09::2)),set(udp(dst=80)),2" \
		"in_port(2),eth_type(0x86dd),ipv6(src=fd09::2,proto=17),udp(src=80) set(eth(src=$MAC_V)),set(ipv6(src=fd09::100)),set(udp(src=8080)),1"
	csum_offload off
	cap_start set6udp
	echo_test udp fd09::2 80 fd09::100 8080 5
	cap_stop
	cap_checksums_ok 'udp sum ok'
}

case_set_sctp() {
	CASE=set-sctp
	# SCTP's CRC32c covers the ports: the receiver verifies it in software
	# once the sender's offload is off.
	modprobe sctp 2>/dev/null || { log "no sctp module: skipped"; return; }
	flows "in_port(1),eth_type(0x0800),ipv4(proto=132),sctp(dst=8080) set(sctp(dst=80)),2" \
		"in_port(2),eth_type(0x0800),ipv4(proto=132),sctp(src=80) set(sctp(src=8080)),1"
	csum_offload off
	ip netns exec tsa ethtool -K sa tx-checksum-sctp off >/dev/null 2>&1
	ip netns exec tsb ethtool -K sb tx-checksum-sctp off >/dev/null 2>&1
	cap_start setsctp
	echo_test sctp 10.9.0.2 80 10.9.0.2 8080 20000
	cap_stop
	[ "$(cap_count '10\.9\.0\.1\.[0-9]+ > 10\.9\.0\.2\.80: sctp')" -ge 1 ] ||
		fail "no rewritten SCTP packets on sb:
$(cap_text | head -n 12)"
}

case_set_arp() {
	CASE=set-arp
	flows "in_port(1),eth_type(0x0806),arp(op=1) set(arp(sip=10.9.0.77,sha=02:00:00:00:00:77)),2" \
		"in_port(2) 1"
	cap_start setarp
	ip netns exec tsa busybox arping -c 2 -w 3 -I sa 10.9.0.2 >/dev/null 2>&1
	cap_stop
	[ "$(cap_count 'Request who-has 10\.9\.0\.2 .*tell 10\.9\.0\.77')" -ge 1 ] ||
		fail "ARP sender IP not rewritten:
$(cap_text | head -n 12)"
	[ "$(cap_count 'Reply 10\.9\.0\.2 is-at 02:00:00:00:00:02.*> 02:00:00:00:00:77|02:00:00:00:00:02 > 02:00:00:00:00:77.*Reply')" -ge 1 ] ||
		log "note: sb did not answer the rewritten sender (not required)"
	ip netns exec tsb ip neigh show 10.9.0.77 | grep -q 02:00:00:00:00:77 ||
		fail "sb did not learn the rewritten sender from the ARP request"
}

case_set_nd() {
	CASE=set-nd
	# A neighbour solicitation for fd09::3 becomes one for sb's fd09::2:
	# sb answers only if the ICMPv6 checksum (pseudo-header destination,
	# target and option) is right.
	flows "in_port(1),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135) set(eth(dst=33:33:ff:00:00:02)),set(ipv6(dst=ff02::1:ff00:2)),set(nd(target=fd09::2,sll=02:00:00:00:00:55)),2" \
		"in_port(2) 1"
	cap_start setnd
	ip netns exec tsa "${PING[@]}" -6 -c 2 -W 2 fd09::3 >/dev/null 2>&1
	cap_stop
	cap_checksums_ok 'icmp6 sum ok'
	[ "$(cap_count 'neighbor solicitation, .*who has fd09::2.*source link-address option.*02:00:00:00:00:55')" -ge 1 ] ||
		fail "the solicitation was not rewritten:
$(cap_text | head -n 12)"
	[ "$(cap_count 'fd09::2 > fd09::1: .*neighbor advertisement, .*tgt is fd09::2')" -ge 1 ] ||
		fail "sb did not answer the rewritten solicitation"
}

case_set_icmp() {
	CASE=set-icmp
	# The datapath answers a ping to the virtual 10.9.0.100 / fd09::100
	# itself, as an OVN router does for its own address: addresses
	# swapped, echo request turned into a reply (icmp type 8 -> 0, icmpv6
	# 128 -> 129). The reply goes back to sa, whose ping counts it only
	# with right checksums, and a copy to sb, where tcpdump checks them.
	flows "in_port(1),eth_type(0x0800),ipv4(dst=10.9.0.100,proto=1),icmp(type=8) set(eth(src=$MAC_V,dst=$MAC_A)),set(ipv4(src=10.9.0.100,dst=10.9.0.1,ttl=255)),set(icmp(type=0)),2,1" \
		"in_port(1),eth_type(0x86dd),ipv6(dst=fd09::100,proto=58),icmpv6(type=128) set(eth(src=$MAC_V,dst=$MAC_A)),set(ipv6(src=fd09::100,dst=fd09::1,hlimit=255)),set(icmpv6(type=129,code=0)),2,1"
	cap_start seticmp
	ip netns exec tsa "${PING[@]}" -c 2 -W 2 10.9.0.100 >/dev/null ||
		fail "no echo reply from the datapath (icmp)"
	ip netns exec tsa "${PING[@]}" -6 -c 2 -W 2 fd09::100 >/dev/null ||
		fail "no echo reply from the datapath (icmpv6)"
	cap_stop
	cap_checksums_ok 'icmp6 sum ok'
	[ "$(cap_count '10\.9\.0\.100 > 10\.9\.0\.1: ICMP echo reply')" -ge 2 ] ||
		fail "no rewritten ICMP echo replies on sb:
$(cap_text | head -n 12)"
	[ "$(cap_count 'fd09::100 > fd09::1: \[icmp6 sum ok\] ICMP6, echo reply')" -ge 2 ] ||
		fail "no rewritten ICMPv6 echo replies with a good sum on sb:
$(cap_text | head -n 12)"
	ip netns exec tsa awk '/^Icmp:/ && $2 ~ /^[0-9]+$/ { print $4 }' \
		/proc/net/snmp | grep -qx 0 ||
		fail "sa counted ICMP checksum errors: $(ip netns exec tsa grep ^Icmp: /proc/net/snmp)"
}

case_set_meta() {
	CASE=set-meta
	# skb_mark and priority only show in the datapath: a second pass
	# matches on the mark the first one set.
	flows "recirc_id(0),in_port(1) set(skb_mark(0x2a)),set(skb_priority(0x7)),recirc(0x2)" \
		"recirc_id(0x2),in_port(1),skb_mark(0x2a),skb_priority(0x7) 2" \
		"recirc_id(0),in_port(2) 1"
	ip netns exec tsa "${PING[@]}" -c 3 -W 2 10.9.0.2 >/dev/null ||
		fail "ping through set(skb_mark),set(skb_priority),recirc"
	[ "$(flow_packets 'recirc_id(0x2)')" -ge 3 ] 2>/dev/null ||
		fail "the flow matching the new mark and priority counted $(flow_packets 'recirc_id(0x2)')"
}

case_trunc() {
	CASE=trunc
	# trunc shortens the next output only.
	flows "in_port(1) trunc(100),2,2" "in_port(2) 1"
	cap_start trunc
	ip netns exec tsa "${PING[@]}" -c 2 -W 2 -s 1000 10.9.0.2 >/dev/null ||
		fail "ping: the untruncated copy did not get through"
	cap_stop
	[ "$(cap_count "$MAC_A > $MAC_B, ethertype IPv4 \(0x0800\), length 100:")" -ge 2 ] ||
		fail "no 100-byte copies:
$(cap_text | head -n 12)"
	[ "$(cap_count "$MAC_A > $MAC_B, ethertype IPv4 \(0x0800\), length 1042:")" -ge 2 ] ||
		fail "no full-length copies"
}

case_check_pkt_len() {
	CASE=check-pkt-len
	flows "in_port(1),eth_type(0x0800) check_pkt_len(size=200,gt(push_vlan(vid=20,pcp=0),2),le(2))" \
		"in_port(2) 1"
	cap_start cpl
	ip netns exec tsa "${PING[@]}" -c 2 -W 2 -s 50 10.9.0.2 >/dev/null ||
		fail "small pings (le branch) did not get through"
	ip netns exec tsa "${PING[@]}" -c 2 -W 1 -s 500 10.9.0.2 >/dev/null
	cap_stop
	[ "$(cap_count 'vlan 20,.*length 528')" -ge 2 ] ||
		fail "large packets did not take the gt branch:
$(cap_text | head -n 12)"
	[ "$(cap_count "$MAC_A > $MAC_B, ethertype IPv4.*length 92:")" -ge 2 ] ||
		fail "small packets did not take the le branch"
	[ "$(cap_count 'length 96: vlan 20')" = 0 ] ||
		fail "small packets tagged"
}

case_dec_ttl() {
	CASE=dec-ttl
	flows "in_port(1),eth_type(0x0800) dec_ttl(le_1(drop)),2" \
		"in_port(1),eth_type(0x86dd) dec_ttl(le_1(drop)),2" "in_port(2) 1"
	cap_start dec_ttl
	ip netns exec tsa "${PING[@]}" -c 2 -W 2 -t 64 10.9.0.2 >/dev/null ||
		fail "ping through dec_ttl"
	ip netns exec tsa "${PING[@]}" -c 2 -W 1 -t 1 10.9.0.2 >/dev/null &&
		fail "a TTL 1 ping got an answer"
	ip netns exec tsa "${PING[@]}" -6 -c 2 -W 2 fd09::2 >/dev/null ||
		fail "ping6 through dec_ttl"
	cap_stop
	cap_checksums_ok 'ttl 63,'
	[ "$(cap_count 'ttl 63, .*proto ICMP')" -ge 2 ] ||
		fail "TTL not decremented to 63:
$(cap_text | head -n 12)"
	[ "$(cap_count 'ttl (0|1), .*proto ICMP')" = 0 ] ||
		fail "expired packets were forwarded"
	[ "$(cap_count 'hlim 63,.*ICMP6, echo request')" -ge 2 ] ||
		fail "hop limit not decremented to 63"
}

case_hash_recirc() {
	CASE=hash-recirc
	local p0 p1

	flows "recirc_id(0),in_port(1),eth_type(0x0800) hash(l4(0)),recirc(0x5)" \
		"recirc_id(0x5),dp_hash(0/0x1),in_port(1),eth_type(0x0800) 2" \
		"recirc_id(0x5),dp_hash(0x1/0x1),in_port(1),eth_type(0x0800) 2" \
		"recirc_id(0),in_port(2) 1"
	ip netns exec tsa "${PING[@]}" -c 4 -W 2 10.9.0.2 >/dev/null ||
		fail "ping through hash,recirc"
	csum_offload off
	echo_test tcp 10.9.0.2 80 10.9.0.2 80 20000
	dpctl dump-flows act0
	# Every packet from port 1 lands in one of the two dp_hash buckets.
	p0=$(dpctl dump-flows act0 | grep -F 'recirc_id(0x5)' |
		grep -vF 'dp_hash(0x1/0x1)' | sed -n 's/.*packets:\([0-9]*\).*/\1/p')
	p1=$(dpctl dump-flows act0 | grep -F 'dp_hash(0x1/0x1)' |
		sed -n 's/.*packets:\([0-9]*\).*/\1/p')
	log "dp_hash buckets: even ${p0:-none}, odd ${p1:-none}"
	[ $((${p0:-0} + ${p1:-0})) -ge 8 ] ||
		fail "recirculated packets not counted: ${p0:-none} + ${p1:-none}"
}

case_clone() {
	CASE=clone
	flows "in_port(1) clone(set(eth(dst=02:00:00:00:00:99)),push_vlan(vid=30,pcp=0),2),2" \
		"in_port(2) 1"
	cap_start clone
	ip netns exec tsa "${PING[@]}" -c 3 -W 2 10.9.0.2 >/dev/null ||
		fail "ping: the original did not get through unchanged"
	cap_stop
	[ "$(cap_count "$MAC_A > 02:00:00:00:00:99.*vlan 30")" -ge 3 ] ||
		fail "no rewritten, tagged copies:
$(cap_text | head -n 12)"
	[ "$(cap_count "$MAC_A > $MAC_B, ethertype IPv4")" -ge 3 ] ||
		fail "the clone's changes leaked into the original"
}

case_sample() {
	CASE=sample
	flows "in_port(1) sample(sample=0.0%,actions(push_vlan(vid=40,pcp=0),2)),2" \
		"in_port(2) 1"
	cap_start sample0
	ip netns exec tsa "${PING[@]}" -c 5 -W 2 10.9.0.2 >/dev/null ||
		fail "ping with a 0% sample"
	cap_stop
	[ "$(cap_count 'vlan 40')" = 0 ] || fail "a 0% sample sampled"
	flows "in_port(1) sample(sample=100.0%,actions(push_vlan(vid=40,pcp=0),2)),2" \
		"in_port(2) 1"
	cap_start sample100
	ip netns exec tsa "${PING[@]}" -c 5 -W 2 10.9.0.2 >/dev/null ||
		fail "ping with a 100% sample"
	cap_stop
	[ "$(cap_count 'vlan 40, .*echo request')" = 5 ] ||
		fail "a 100% sample missed packets: $(cap_count 'vlan 40')"
}

case_userspace() {
	CASE=userspace
	local pid

	[ -x "$LISTEN" ] || { log "no $LISTEN: skipped"; return; }
	# The upcall carries the truncated packet, its original length and the
	# user data; re-injected with execute (actions "set(ipv4(ttl=5)),2"),
	# it reaches sb a second time, short and rewritten.
	flows "in_port(1),eth_type(0x0800),ipv4(proto=1) trunc(60),userspace(pid=0,userdata(0a0b0c)),2" \
		"in_port(2) 1"
	"$LISTEN" -n 2 -t 30 -x "set(ipv4(ttl=5)),2" act0 >"$WORK/upcalls.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		grep -q ready "$WORK/upcalls.log" && break
		sleep 0.1
	done
	cap_start userspace
	ip netns exec tsa "${PING[@]}" -c 2 -W 2 -s 200 10.9.0.2 >/dev/null ||
		fail "ping with a userspace action on the way"
	wait "$pid" || fail "listener: $(cat "$WORK/upcalls.log")"
	cap_stop
	cat "$WORK/upcalls.log"
	[ "$(grep -c '^action len=60 orig_len=242 userdata=0a0b0c ' "$WORK/upcalls.log")" = 2 ] ||
		fail "upcalls are not the truncated packets with their user data"
	[ "$(grep -c '^executed' "$WORK/upcalls.log")" = 2 ] ||
		fail "execute of the upcalled packets failed"
	[ "$(cap_count 'length 60: .*ttl 5, ')" = 2 ] ||
		fail "the executed packets did not reach sb:
$(cap_text | head -n 12)"
}

# expect_refused PATTERN MATCH ACTIONS: the module refuses, saying why.
expect_refused() {
	local pat=$1 out

	if out=$(dpctl add-flow act0 "$2" "$3" 2>&1); then
		fail "accepted: $2 $3"
	elif ! echo "$out" | grep -qiE "$pat"; then
		fail "refused without saying '$pat': $out"
	else
		log "refused: $out"
	fi
}

case_refused() {
	CASE=refused
	dpctl del-flows act0
	expect_refused 'eth_type 0x0800' "in_port(1)" "set(ipv4(ttl=3)),2"
	expect_refused 'ip proto 6' "in_port(1),eth_type(0x0800),ipv4()" \
		"set(tcp(dst=1)),2"
	expect_refused 'trunc' "in_port(1)" "trunc(10),2"
	expect_refused 'nested deeper' "in_port(1)" \
		"clone(clone(clone(clone(clone(2)))))"
	expect_refused 'drop' "in_port(1)" "drop,2"
	expect_refused 'output|port' "in_port(1)" "70000"
}

# What dump-flows prints parses back to the same flow.
case_round_trip() {
	CASE=round-trip
	local acts a1 a2

	acts="set(ipv4(src=10.9.0.7/255.255.255.0,ttl=9)),push_vlan(vid=10,pcp=2),clone(pop_vlan,2),sample(sample=50.0%,actions(userspace(pid=7))),check_pkt_len(size=200,gt(trunc(100),2),le(dec_ttl(le_1(drop)),1)),hash(l4(7)),recirc(0x1)"
	flows "in_port(1),eth_type(0x0800),ipv4() $acts"
	a1=$(dpctl dump-flows act0 | sed -n 's/.*actions://p')
	log "dumped: $a1"
	flows "in_port(1),eth_type(0x0800),ipv4() $a1"
	a2=$(dpctl dump-flows act0 | sed -n 's/.*actions://p')
	[ -n "$a1" ] && [ "$a1" = "$a2" ] ||
		fail "dump does not round-trip: '$a1' then '$a2'"
	# The module keeps only the bits a masked set writes.
	echo "$a1" | grep -q 'src=10.9.0.0/255.255.255.0' ||
		fail "the masked set lost its mask: $a1"
}

case_rmmod() {
	CASE=rmmod
	dpctl del-dp act0 || fail "del-dp"
	rmmod weft || fail "rmmod"
	dmesg_check
}

case_prepare
phase "prepared"
for c in output vlan set_ipv4_tcp set_ipv4_udp set_ipv6_tcp set_ipv6_udp \
	set_sctp set_arp set_nd set_icmp set_meta trunc check_pkt_len dec_ttl hash_recirc \
	clone sample userspace refused round_trip; do
	phase "case $c: start"
	"case_$c"
	dmesg_check
	phase "case $c: end"
done
case_rmmod
if [ "$FAILS" != 0 ]; then
	echo "test_actions: $FAILS check(s) failed"
	exit 1
fi
echo "test_actions: every action checked on the wire"
