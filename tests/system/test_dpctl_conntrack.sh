#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 400
#
# weft-dpctl's conntrack commands against ovs-dpctl's on the same kernel
# table: nf_conntrack entries made with Linux's own `conntrack -I` (TCP in
# several states, UDP, ICMP, IPv6, zones, marks, labels), read by both
# tools, line for line (sorted); flushes by zone and by tuple, checked with
# `conntrack -L`; the same through weftd (weft-appctl dpctl/...).
#
#   openvswitch.ko: datapath ovs0 (ovs-dpctl needs one to exist)
#   weft.ko:        datapath dp0  (weft-dpctl's DP argument names it)
#   weftd:          its own datapath weft-system, for weft-appctl
#
#   dump         plain, -m and -s (timeouts may tick between the two
#                reads: compared without them, checked apart), all zones
#                and one zone, with and without DP
#   json         --format json: one object per entry, the fields named
#   stats        ct-stats-show, verbose and -m, all zones and zone=1
#   flush_zone   zone=2 goes, the others stay
#   flush_tuple  a full 5-tuple (one request; again: an error, as in
#                ovs-dpctl), partial ones (addresses and zone, ports,
#                IPv6, ICMP), a reply tuple: the entries that go are the
#                ones ovs-dpctl deletes (ICMP aside: docs/weft-dpctl.md)
#   flush_all    the table is empty after flush-conntrack
#   bad_args     wrong zones, tuples, datapaths and words: exit 1 and a
#                message that names what is wrong
#   flows        ct_state/ct_zone/ct_mark/ct_label/ct_tuple4 matches and
#                ct(...) actions that both modules take, added with
#                weft-dpctl to weft.ko and with ovs-dpctl to
#                openvswitch.ko, dump as the same text
#   appctl       dpctl/dump-conntrack, dpctl/ct-stats-show and
#                dpctl/flush-conntrack through weftd: the same text as
#                weft-dpctl, errors for bad arguments
. "$(dirname "$0")/weftd_lib.sh"

LABELS=/etc/xtables/connlabel.conf
T=$WEFTD_DIR

# The table every case starts from: conntrack -R reads -I commands from a
# file (one process: fast), but stops at the first line after one with a
# label, so the two with labels are made on their own.
LABELLED=(
	"-s 10.0.0.1 -d 10.0.0.2 -p tcp --sport 33300 --dport 80 --state ESTABLISHED -u SEEN_REPLY,ASSURED -t 600 --zone 1 --mark 5 --label-add one"
	"-s 10.0.0.5 -d 10.0.0.6 -p udp --sport 5000 --dport 53 -t 600 --zone 1 --label-add top"
)
write_table() {
	cat >"$T/table" <<'EOF'
-I -s 10.0.0.3 -d 10.0.0.4 -p tcp --sport 40000 --dport 443 --state SYN_SENT -t 600
-I -s 10.0.0.3 -d 10.0.0.4 -p tcp --sport 40001 --dport 443 --state SYN_RECV -t 600 --zone 3
-I -s 10.0.0.3 -d 10.0.0.4 -p tcp --sport 40002 --dport 443 --state TIME_WAIT -t 600 --zone 3
-I -s 10.0.0.3 -d 10.0.0.4 -p tcp --sport 40003 --dport 443 --state CLOSE_WAIT -t 600 --mark 0x10000
-I -s 10.0.0.7 -d 10.0.0.8 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 99 -t 600 --zone 2
-I -s fd00::1 -d fd00::2 -p tcp --sport 1234 --dport 22 --state ESTABLISHED -u SEEN_REPLY -t 600 --zone 2 --mark 7
-I -s fd00::3 -d fd00::4 -p udp --sport 546 --dport 547 -t 600
-I -s fd00::5 -d fd00::6 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 7 -t 600 --zone 2
EOF
}

populate() {
	local out l
	conntrack -F >/dev/null 2>&1
	out=$(conntrack -R "$T/table" 2>&1) || fail "conntrack -R: $out"
	for l in "${LABELLED[@]}"; do
		# shellcheck disable=SC2086
		out=$(conntrack -I $l 2>&1) || fail "conntrack -I $l: $out"
	done
	[ "$(ct_count)" = 10 ] || fail "populate: $(ct_count) entries, not 10"
}

ct_count() { conntrack -C 2>/dev/null; }

# No timeout(1) around them: every process costs on a loaded TCG guest,
# and the VM's own timeout bounds the test.
weft() { "$DPCTL" "$@"; }
ovs() { ovs-dpctl "$@"; }

# same WHAT WEFT_CMD -- OVS_CMD: sorted outputs equal, both succeed.
same() {
	local what=$1 w o
	shift
	local -a wc=() oc=()
	while [ "$1" != -- ]; do wc+=("$1"); shift; done
	shift
	oc=("$@")
	w=$(weft "${wc[@]}" 2>&1) || { fail "$what: weft-dpctl ${wc[*]}: $w"; return 1; }
	o=$(ovs "${oc[@]}" 2>&1) || { fail "$what: ovs-dpctl ${oc[*]}: $o"; return 1; }
	# Both read the same table in the kernel's order; sorted, in case
	# it moved between the reads.
	[ "$w" = "$o" ] || { w=$(sort <<<"$w"); o=$(sort <<<"$o"); }
	if [ "$w" != "$o" ]; then
		fail "$what: weft-dpctl and ovs-dpctl differ:
$(diff <(echo "$o") <(echo "$w") | head -20)"
		return 1
	fi
	N_SAME=$((N_SAME + 1))
}

setup() {
	require "$DPCTL" "$WEFTD" "$APPCTL" conntrack ovs-dpctl python3
	modprobe -a nf_conntrack nf_conntrack_netlink || die "modprobe nf_conntrack"
	sysctl -qw net.netfilter.nf_conntrack_timestamp=1
	weft_load
	ovs_dp_add ovs0
	"$DPCTL" add-dp dp0 || die "weft-dpctl add-dp dp0"
	on_exit "$DPCTL" del-dp dp0
	# conntrack -I names labels through connlabel.conf.
	mkdir -p /etc/xtables
	[ -f "$LABELS" ] && cp "$LABELS" "$T/connlabel.saved"
	printf '0 zero\n1 one\n64 sixtyfour\n127 top\n' >"$LABELS"
	on_exit rm -f "$LABELS"
	on_exit conntrack -F
	N_SAME=0
	write_table
	populate
}

case_dump() {
	same "plain" dump-conntrack -- dump-conntrack
	same "-m" dump-conntrack -m -- dump-conntrack -m
	same "DP zone=1" dump-conntrack dp0 zone=1 -- dump-conntrack zone=1
	same "system@DP -m zone=2" dump-conntrack system@dp0 -m zone=2 -- \
		dump-conntrack -m zone=2
	same "zone=4 (empty)" dump-conntrack zone=4 -- dump-conntrack zone=4
	# -s: the timeouts tick on between the two reads.
	local w o
	w=$(weft dump-conntrack -s | sed 's/,timeout=[0-9]*//' | sort)
	o=$(ovs dump-conntrack -s | sed 's/,timeout=[0-9]*//' | sort)
	[ -n "$w" ] && [ "$w" = "$o" ] ||
		fail "-s differs: $(diff <(echo "$o") <(echo "$w") | head)"
	grep -q 'start=20[0-9-]*T[0-9:]*\.[0-9]\{3\}' <<<"$w" ||
		fail "-s: no start= timestamps: $w"
	weft dump-conntrack -s | grep -o 'timeout=[0-9]*' | cut -d= -f2 |
		while read -r t; do
			[ "$t" -gt 0 ] && [ "$t" -le 600 ] || echo "bad $t"
		done | grep -q bad && fail "-s: a timeout out of 1..600"
	# What the table holds, spelled out once.
	assert_match "$(weft dump-conntrack zone=1)" \
		'^tcp,orig=\(src=10\.0\.0\.1,dst=10\.0\.0\.2,sport=33300,dport=80\),reply=\(src=10\.0\.0\.2,dst=10\.0\.0\.1,sport=80,dport=33300\),zone=1,mark=5,labels=0x2,protoinfo=\(state=ESTABLISHED\)$' \
		"zone 1 TCP entry"
	assert_match "$(weft dump-conntrack zone=1)" \
		'labels=0x80000000000000000000000000000000' "label bit 127"
	log "$N_SAME comparisons with ovs-dpctl equal"
}

case_json() {
	local out
	out=$(weft -j dump-conntrack zone=1) || { fail "json: $out"; return; }
	python3 - "$out" <<'EOF' || fail "json: $out"
import json, sys
v = json.loads(sys.argv[1])
assert len(v) == 2, v
tcp = [e for e in v if e["proto"] == "tcp"][0]
assert tcp["orig"]["sport"] == 33300 and tcp["reply"]["dport"] == 33300
assert tcp["zone"] == 1 and tcp["mark"] == 5 and tcp["labels"] == "0x2"
assert tcp["protoinfo"]["state"] == "ESTABLISHED"
assert "ASSURED" in tcp["status"]
EOF
	out=$(weft -j ct-stats-show) || { fail "json stats: $out"; return; }
	# "kernel": the per-CPU counters (IPCTNL_MSG_CT_GET_STATS_CPU).
	python3 -c 'import json,sys; v=json.loads(sys.argv[1]); assert v["total"]==10 and v["tcp"]==6 and v["icmpv6"]==1 and v["kernel"]["n_cpus"]>=1 and v["kernel"]["insert"]>=0, v' "$out" ||
		fail "json stats: $out"
}

case_stats() {
	same "stats verbose" ct-stats-show verbose -- ct-stats-show verbose
	same "stats DP -m zone=3" ct-stats-show dp0 -m zone=3 -- \
		ct-stats-show -m zone=3
}

# flush_both WHAT ARGS...: the table after weft-dpctl flush-conntrack ARGS
# equals the table after ovs-dpctl's (each from a fresh populate).
flush_both() {
	local what=$1 w o out
	shift
	populate
	out=$(weft flush-conntrack "$@" 2>&1) || fail "$what: weft: $out"
	w=$(weft dump-conntrack | sort)
	populate
	out=$(ovs flush-conntrack "$@" 2>&1) || fail "$what: ovs: $out"
	o=$(weft dump-conntrack | sort)
	[ "$w" = "$o" ] ||
		fail "$what: weft and ovs-dpctl leave different tables:
$(diff <(echo "$o") <(echo "$w") | head)"
	FLUSH_LEFT=$(grep -c . <<<"$w")
}

case_flush_zone() {
	populate
	assert_ok weft flush-conntrack zone=2
	if conntrack -L 2>/dev/null | grep -q 'zone=2'; then
		fail "zone 2 entries left: $(conntrack -L 2>/dev/null)"
	fi
	assert_eq 7 "$(ct_count)" "entries left after zone=2"
	flush_both "zone=0" zone=0
	assert_eq 7 "$FLUSH_LEFT" "entries left after zone=0"
}

case_flush_tuple() {
	local t=ct_nw_src=10.0.0.1,ct_nw_dst=10.0.0.2,ct_nw_proto=6,ct_tp_src=33300,ct_tp_dst=80
	populate
	assert_ok weft flush-conntrack zone=1 "$t"
	if conntrack -L 2>/dev/null | grep -q 'sport=33300'; then
		fail "the 5-tuple is still there"
	fi
	assert_eq 9 "$(ct_count)" "entries left after the 5-tuple"
	# Not there any more (or in another zone): an error, as ovs-dpctl.
	assert_fail weft flush-conntrack zone=1 "$t"
	populate
	assert_ok weft flush-conntrack ct_nw_proto=6,ct_tp_dst=443
	assert_eq 6 "$(ct_count)" "entries left after ct_tp_dst=443"
	# ovs-dpctl compares a tuple's ICMP fields in both directions, given
	# or not (0): weft only those given, so an ICMP entry can go by its
	# original direction alone (docs/weft-dpctl.md).
	populate
	assert_ok weft flush-conntrack ct_nw_proto=1,icmp_type=8,icmp_id=99
	assert_eq 9 "$(ct_count)" "entries left after icmp_type=8,icmp_id=99"
	flush_both "5-tuple zone=1" zone=1 "$t"
	assert_eq 9 "$FLUSH_LEFT" "5-tuple zone=1"
	flush_both "partial, zone" zone=3 ct_nw_src=10.0.0.3,ct_nw_proto=6
	assert_eq 8 "$FLUSH_LEFT" "zone=3 ct_nw_src=10.0.0.3"
	flush_both "reply" "" ct_nw_src=10.0.0.6,ct_nw_proto=17,ct_tp_src=53
	assert_eq 9 "$FLUSH_LEFT" "reply tuple"
	populate
	assert_ok weft flush-conntrack ct_ipv6_dst=fd00::2
	assert_eq 9 "$(ct_count)" "entries left after ct_ipv6_dst=fd00::2"
	if conntrack -L 2>/dev/null | grep -q 'dst=fd00::2 '; then
		fail "ct_ipv6_dst=fd00::2 is still there"
	fi
}

case_flush_all() {
	populate
	assert_ok weft flush-conntrack
	assert_eq 0 "$(ct_count)" "entries left"
	assert_eq "" "$(weft dump-conntrack)" "dump of an empty table"
	assert_match "$(weft ct-stats-show)" 'Total: 0' "stats of an empty table"
	populate
	assert_ok weft flush-conntrack system@dp0
	assert_eq 0 "$(ct_count)" "entries left (DP given)"
}

case_flows() {
	local ip4='eth(),eth_type(0x0800),ipv4(frag=no)' f w o out i=0
	local -a flows=(
		"recirc_id(0),in_port(1),ct_state(-trk),$ip4"
		"recirc_id(0x1),in_port(1),ct_state(-new+est-rel-inv+trk),$ip4"
		"recirc_id(0x2),in_port(1),ct_state(+est+trk),ct_zone(0x5),ct_mark(0x1/0xff),ct_label(0x1234/0xffff),$ip4"
		"recirc_id(0x3),in_port(1),ct_state(+trk),ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=33300,tp_dst=80),$ip4"
	)
	local -a acts=(
		"ct(commit,zone=5,mark=0x1/0xff,label=0x2/0xf,nat(src=10.0.0.1-10.0.0.9:1024-2048,random)),recirc(1)"
		"ct_clear,ct(zone=65535,nat),recirc(2)"
		"ct(force_commit,nat(dst=10.0.0.5:80)),2"
		"ct(commit,label=0x102030405060708090a0b0c0d0e0f10),2"
	)
	for f in "${flows[@]}"; do
		out=$(weft add-flow dp0 "$f" "${acts[i]}" 2>&1) ||
			fail "weft-dpctl add-flow $f ${acts[i]}: $out"
		out=$(ovs add-flow ovs0 "$f" "${acts[i]}" 2>&1) ||
			fail "ovs-dpctl add-flow $f ${acts[i]}: $out"
		i=$((i + 1))
	done
	w=$(weft dump-flows dp0 | sed 's/, packets:[^a]*actions:/ actions:/' | sort)
	# OVS prints recirc() in hex, weft in decimal (OVS reads only that).
	o=$(ovs dump-flows ovs0 | sed 's/, packets:[^a]*actions:/ actions:/' |
		sed 's/recirc(0x\([0-9]\))/recirc(\1)/' | sort)
	[ "$(grep -c . <<<"$w")" = 4 ] && [ "$w" = "$o" ] ||
		fail "weft.ko and openvswitch.ko flows print differently:
$(diff <(echo "$o") <(echo "$w"))"
	weft del-flows dp0
	ovs del-flows ovs0
}

# bad MESSAGE ARGS...: weft-dpctl ARGS fails with MESSAGE on stderr.
bad() {
	local msg=$1 out
	shift
	if out=$(weft "$@" 2>&1); then
		fail "weft-dpctl $* succeeded: $out"
	else
		grep -qF -- "$msg" <<<"$out" ||
			fail "weft-dpctl $*: '$out' lacks '$msg'"
	fi
}

case_bad_args() {
	populate
	bad 'bad zone "x"' dump-conntrack zone=x
	bad 'bad zone "65536"' dump-conntrack zone=65536
	bad 'opening datapath nosuch' dump-conntrack nosuch
	bad 'unexpected argument "extra"' dump-conntrack dp0 extra
	bad 'unexpected argument "zone"' dump-conntrack dp0 zone
	bad 'zone given twice' ct-stats-show zone=1 zone=2
	bad 'invalid conntrack tuple field: ct_nw_sorc' flush-conntrack \
		ct_nw_sorc=10.0.0.1
	bad 'failed to parse field ct_nw_src' flush-conntrack ct_nw_src=10.0.0.300
	bad 'port is set without protocol' flush-conntrack ct_tp_src=80
	bad 'the L3 protocol does not match' flush-conntrack \
		ct_nw_src=10.0.0.1,ct_ipv6_dst=::1
	bad 'too many arguments' flush-conntrack ct_nw_src=10.0.0.1 \
		ct_nw_dst=10.0.0.1 ct_nw_proto=6
	bad 'zone= must come before the tuples' flush-conntrack \
		ct_nw_src=10.0.0.1 zone=1
	bad 'opening datapath nosuch' flush-conntrack nosuch zone=1
	bad 'unknown option' dump-conntrack --stats
	# Nothing was deleted by any of them.
	assert_eq 10 "$(ct_count)" "entries after the bad commands"
}

case_appctl() {
	local w a out
	populate
	weftd_start || { fail "weftd did not start"; return; }
	for args in "-m" "-s zone=3"; do
		# shellcheck disable=SC2086
		a=$(appctl dpctl/dump-conntrack $args 2>&1 | sed 's/,timeout=[0-9]*//' | sort)
		# shellcheck disable=SC2086
		w=$(weft dump-conntrack $args | sed 's/,timeout=[0-9]*//' | sort)
		[ -n "$w" ] && [ "$a" = "$w" ] ||
			fail "dpctl/dump-conntrack $args: '$a' vs '$w'"
	done
	a=$(appctl dpctl/dump-conntrack weft-system zone=1 | sort)
	w=$(weft dump-conntrack zone=1 | sort)
	assert_eq "$w" "$a" "dpctl/dump-conntrack weft-system zone=1"
	a=$(appctl dpctl/ct-stats-show verbose)
	w=$(weft ct-stats-show verbose)
	assert_eq "$w" "$a" "dpctl/ct-stats-show verbose"
	out=$(appctl -f json dpctl/dump-conntrack zone=2) &&
		python3 -c 'import json,sys; assert len(json.loads(sys.argv[1])) == 3' "$out" ||
		fail "dpctl/dump-conntrack json: $out"
	assert_ok appctl dpctl/flush-conntrack zone=2
	assert_eq 7 "$(ct_count)" "entries after dpctl/flush-conntrack zone=2"
	assert_ok appctl dpctl/flush-conntrack ct_nw_src=10.0.0.3,ct_nw_proto=6
	assert_eq 3 "$(ct_count)" "entries after a partial tuple"
	out=$(appctl dpctl/dump-conntrack zone=x 2>&1)
	[ $? = 2 ] && grep -q 'bad zone "x"' <<<"$out" ||
		fail "dpctl/dump-conntrack zone=x: $out"
	out=$(appctl dpctl/dump-conntrack dp0 2>&1)
	[ $? = 2 ] && grep -q "not weftd's datapath" <<<"$out" ||
		fail "dpctl/dump-conntrack dp0: $out"
	out=$(appctl dpctl/flush-conntrack ct_tp_src=1 2>&1)
	[ $? = 2 ] && grep -q 'port is set without protocol' <<<"$out" ||
		fail "dpctl/flush-conntrack ct_tp_src=1: $out"
	assert_eq 3 "$(ct_count)" "entries after the bad calls"
	assert_ok appctl dpctl/flush-conntrack
	assert_eq 0 "$(ct_count)" "entries after dpctl/flush-conntrack"
}

dmesg_mark
setup
run_case dump
run_case json
run_case stats
run_case flush_zone
run_case flush_tuple
run_case flush_all
run_case bad_args
run_case flows
run_case appctl
finish
