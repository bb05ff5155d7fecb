#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 4, bad input: malformed and unknown flow text, tables out of range,
# unknown bridges, bad vsctl commands, a corrupt conf.json, garbage on the
# control socket and clients that hang up mid-message. Each gets a clear
# error (naming what is wrong, and where), weftd stays up (it answers the
# next request) and nothing is lost: the rules, `weft-vsctl show` and
# conf.json are what they were before. Every bad flow used here is one
# that ovs-ofctl refuses too (checked in the case, with ovs-ofctl
# parse-flow, so that the case itself cannot be wrong).
#
#   netns ba: ea 10.7.0.1 ══ pa ─ ofport 1 ┐
#                                          ├ br0 (weftd), rules R (3 of them)
#   netns bb: eb 10.7.0.2 ══ pb ─ ofport 2 ┘
#
# Run: scripts/vm-run tests/system/test_weftd_badinput.sh
. "$(dirname "$0")/weftd_lib.sh"

RULES="priority=100,arp,actions=normal
priority=50,ip,in_port=1,actions=output:2
priority=50,ip,in_port=2,actions=output:1"
SHOW0=
DUMP0=

# rules_now: the rules without their counters and durations.
rules_now() {
	ofctl dump-flows br0 | sed -E 's/ *(cookie|duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*,//g' | sort
}

# unchanged WHAT: rules, vsctl show and conf.json as setup left them, and
# weftd still answering.
unchanged() {
	weftd_ready || { fail "$1: weftd does not answer any more"; return 1; }
	[ "$(rules_now)" = "$DUMP0" ] || fail "$1: the rules changed:
$(diff <(echo "$DUMP0") <(rules_now))"
	[ "$(vsctl show)" = "$SHOW0" ] || fail "$1: weft-vsctl show changed"
	cmp -s "$WEFTD_CONF" "$WEFTD_DIR/conf.good" || fail "$1: conf.json changed"
}

# refused REGEX CMD...: CMD exits 1 with an error matching REGEX.
# _matches_nocase TEXT ERE: some line of TEXT matches ERE, ignoring case
# (grep -qiE's verdict, by bash: no process start).
_matches_nocase() {
	local had line rc=1
	had=$(shopt -p nocasematch)
	shopt -s nocasematch
	while IFS= read -r line; do
		[[ $line =~ $2 ]] && { rc=0; break; }
	done <<<"$1"
	$had
	return $rc
}

refused() {
	local re=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = 0 ]; then
		fail "'$*' succeeded; expected an error matching /$re/"
	elif [ "$rc" -ge 124 ]; then
		fail "'$*' timed out or died (exit $rc): $out"
	elif ! _matches_nocase "$out" "$re"; then
		fail "'$*' (exit $rc) said '$out', which does not match /$re/"
	else
		log "refused: ${out%%$'\n'*}"
	fi
}

setup() {
	modprobe veth
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" ovs-ofctl
	weft_load
	host_add ba pa ea 10.7.0.1/24
	host_add bb pb eb 10.7.0.2/24
	weftd_start || die "weftd did not start"
	br_add_ports br0 pa:1 pb:2 || die "add-br br0 failed"
	echo "$RULES" >"$WEFTD_DIR/rules"
	ofctl del-flows br0 && ofctl add-flows br0 "$WEFTD_DIR/rules" ||
		die "loading the base rules failed"
	ping_ok ba 10.7.0.2 2 || fail "no ping before the test"
	DUMP0=$(rules_now)
	SHOW0=$(vsctl show)
	cp "$WEFTD_CONF" "$WEFTD_DIR/conf.good"
	echo "$DUMP0"
}

# FLOW|what the error must name
BAD_FLOWS='priority=10,foo=bar,actions=drop|foo
priority=10,actions=frobnicate|frobnicate
priority=10,in_port=1|action
priority=70000,actions=drop|70000|priority
priority=10,tcp,tp_dst=99999,actions=drop|99999
priority=10,dl_src=zz:00:00:00:00:01,actions=drop|zz:00:00:00:00:01
priority=10,actions=output:|output
priority=10,reg16=1,actions=drop|reg16
priority=10,ip,actions=set_field:1->nw_proto|nw_proto
priority=10,ip,actions=load:0x1->NXM_NX_REG0[40..41]|40
priority=10,actions=output:70000|70000
priority=10,actions=resubmit(,300)|300
table=5,actions=goto_table:3|table
priority=10,ip,nw_dst=10.7.0.2/33,actions=drop|33|mask|prefix'

case_bad_flow_text() {
	local line flow re
	while IFS= read -r line; do
		flow=${line%%|*}
		re=${line#*|}
		ovs-ofctl -O OpenFlow14 parse-flow "$flow" >/dev/null 2>&1 &&
			{ fail "ovs-ofctl accepts '$flow': the case is wrong"; continue; }
		refused "$re" ofctl add-flow br0 "$flow"
		refused "$re" ofctl parse-flow "$flow"
	done <<<"$BAD_FLOWS"
	# A file with one bad line: nothing from it is added, the error
	# names the file and the line, as ovs-ofctl's "FILE:3: ..." does.
	printf '%s\n' "priority=1,ip,actions=drop" "priority=2,ip,actions=drop" \
		"priority=3,foo=1,actions=drop" >"$WEFTD_DIR/bad.txt"
	refused "bad\.txt:3:.*foo" ofctl add-flows br0 "$WEFTD_DIR/bad.txt"
	refused "foo" ofctl mod-flows br0 "priority=50,ip,in_port=1,foo=1,actions=drop"
	refused "foo" ofctl del-flows br0 "ip,foo=1"
	refused "foo" ofctl del-flows --strict br0 "priority=50,ip,foo=1"
	unchanged "after bad flows"
}

case_bad_table() {
	local t
	for t in 256 1000 -1 x; do
		refused "table|$t" ofctl add-flow br0 "table=$t,priority=1,actions=drop"
	done
	refused "table|256" ofctl dump-flows br0 table=256
	unchanged "after bad tables"
	ofctl add-flow br0 "table=253,priority=1,actions=drop" ||
		fail "table=253 refused (weft has tables 0..254)"
	ofctl dump-flows br0 | grep -q 'table=253, .*priority=1 actions=drop' ||
		fail "the table 253 rule is not dumped"
	ofctl del-flows --strict br0 "table=253,priority=1" || fail "del-flows --strict table=253"
	unchanged "after table 253 came and went"
}

case_unknown_bridge() {
	refused "nosuchbr" ofctl add-flow nosuchbr "priority=1,actions=drop"
	refused "nosuchbr" ofctl dump-flows nosuchbr
	refused "nosuchbr" ofctl del-flows nosuchbr
	refused "nosuchbr" appctl dpif/dump-flows nosuchbr
	refused "no such bridge" appctl fdb/show nosuchbr
	refused "nosuchbr" appctl ofproto/trace nosuchbr "in_port=1"
	refused "not a valid command|nosuch/command" appctl nosuch/command
	unchanged "after unknown bridges"
}

case_bad_vsctl() {
	refused "no bridge named nosuchbr" vsctl add-port nosuchbr px
	refused "already exists" vsctl add-br br0
	refused "5000|tag" vsctl set Port pa tag=5000
	refused "nosuchcolumn" vsctl set Port pa nosuchcolumn=1
	refused "Nosuchtable|nosuchtable" vsctl list nosuchtable
	refused "unknown command|frob" vsctl frob
	# The transaction is atomic: the good command before the bad one
	# leaves no trace either.
	refused "no bridge named nosuchbr" vsctl add-br br7 -- add-port nosuchbr px
	vsctl br-exists br7 && fail "br7 exists: half a transaction was applied"
	unchanged "after bad vsctl commands"
}

# conf_refused NAME: weftd must refuse $WEFTD_CONF (a corrupt one), with a
# message naming the file and matching REGEX ($2), and leave it as it is.
conf_refused() {
	local name=$1 re=$2 mark msg
	cp "$WEFTD_CONF" "$WEFTD_DIR/conf.corrupt"
	mark=$(weftd_log_mark)
	if weftd_start; then
		fail "$name: weftd started with a corrupt conf.json"
		weftd_stop
		return
	fi
	msg=$(weftd_log_since "$mark" | grep -v '^---- weftd_start')
	log "$name: weftd said: $(echo "$msg" | tail -n 3 | tr '\n' ' ')"
	grep -qF "$WEFTD_CONF" <<<"$msg" || fail "$name: the error does not name $WEFTD_CONF: $msg"
	grep -qiE -- "$re" <<<"$msg" || fail "$name: the error does not say where (/$re/): $msg"
	cmp -s "$WEFTD_CONF" "$WEFTD_DIR/conf.corrupt" || fail "$name: weftd rewrote the corrupt conf.json"
}

case_corrupt_conf() {
	local size
	weftd_stop || fail "weftd did not stop on SIGTERM"
	cmp -s "$WEFTD_CONF" "$WEFTD_DIR/conf.good" || fail "conf.json changed at the stop"
	size=$(stat -c %s "$WEFTD_DIR/conf.good")
	head -c $((size / 2)) "$WEFTD_DIR/conf.good" >"$WEFTD_CONF"
	conf_refused truncated 'line [0-9]+, column [0-9]+'
	sed 's/"name": "pa"/"name": 17/' "$WEFTD_DIR/conf.good" >"$WEFTD_CONF"
	grep -q '"name": 17' "$WEFTD_CONF" || fail "could not make the bad-type conf"
	conf_refused wrong_type 'bridges|ports|interfaces|name'
	sed '0,/"tag": null/s//"tag": 5000/' "$WEFTD_DIR/conf.good" >"$WEFTD_CONF"
	conf_refused out_of_range 'tag|5000|bridges|ports'
	printf '\x00\xff\xfegarbage' >"$WEFTD_CONF"
	conf_refused binary 'line [0-9]+, column [0-9]+|invalid|utf-8'
	printf '{"weft_conf_version": 1, "bridges": [' >"$WEFTD_CONF"
	conf_refused unterminated 'line [0-9]+, column [0-9]+'
	cp "$WEFTD_DIR/conf.good" "$WEFTD_CONF"
	weftd_start || { fail "weftd did not start on the good conf.json again"; return; }
	[ "$(vsctl show)" = "$SHOW0" ] || fail "weft-vsctl show differs after the restart"
	# Rules are not persisted (as in ovs-vswitchd): load them again.
	ofctl del-flows br0 && ofctl add-flows br0 "$WEFTD_DIR/rules" ||
		fail "loading the rules again"
	unchanged "after the corrupt conf.json cases"
}

# RPC TEXT|REGEX of the answer (on the same connection; "<EOF>" = closed)
RPC_CASES='{not json}|-32700|
[1,2,3]|-32600|
{"jsonrpc":"2.0","method":"nosuch/method","params":[],"id":7}|-32601|
{"jsonrpc":"2.0","method":"version","params":"x","id":8}|-32600|
{"jsonrpc":"2.0","method":"vsctl/transact","params":{"commands":[["add-br"]]},"id":9}|"error"|
{"jsonrpc":"2.0","method":"vsctl/transact","params":{"commands":"add-br br9"},"id":10}|"error"|
{"jsonrpc":"2.0","method":"vsctl/transact","params":[1,2,3],"id":11}|"error"|
{"jsonrpc":"1.0","method":"version","params":[],"id":12}|"error"|
{"jsonrpc":"2.0","method":"version","params":[],"id":{"x":1}}|"error"'

case_socket_garbage() {
	local line text re out
	while IFS= read -r line; do
		text=${line%%|*}
		re=${line#*|}
		re=${re%|}
		# The bad text, then a good request on the same connection: a
		# parse error costs only its own bytes. (Answers come in
		# order: the one to id 99 is the last.)
		out=$(rpc_until '"id": *99[,}]' "$text" '{"jsonrpc":"2.0","method":"version","params":[],"id":99}')
		grep -qE -- "$re" <<<"$out" || fail "answer to $text: '$out' does not match /$re/"
		grep -q '"id": *99' <<<"$out" || fail "no answer to the request after $text: '$out'"
	done <<<"$RPC_CASES"
	# Bytes no JSON-RPC text starts with: the connection ends, weftd lives.
	out=$(rpc_raw '\x00\xff\xfe garbage')
	log "binary garbage: $out"
	weftd_ready || fail "weftd died after binary garbage"
	# A text larger than weftd's limit (64 MiB): cut off.
	timeout 120 "$PY" - "$WEFTD_SOCK" <<-'EOF' ||
	import socket, sys
	c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	c.connect(sys.argv[1])
	try:
	    c.sendall(b'{"jsonrpc":"2.0","method":"version","params":["' + b'x' * (65 << 20))
	except OSError:
	    pass
	c.settimeout(20)
	got = b''
	try:
	    while True:
	        b = c.recv(65536)
	        if not b:
	            break
	        got += b
	except socket.timeout:
	    print('still open 20 s after a 65 MiB text; got %r' % got[:200])
	    sys.exit(1)
	except OSError:
	    pass
	print('closed; got %r' % got[:200])
	EOF
		fail "weftd kept a client that sent a text over its 64 MiB limit"
	weftd_ready || fail "weftd died after a 65 MiB text"
	unchanged "after garbage on the socket"
}

case_hangups() {
	timeout 120 "$PY" - "$WEFTD_SOCK" <<-'EOF' || fail "the hang-up clients failed"
	import socket, sys, threading, time
	path = sys.argv[1]
	half = b'{"jsonrpc":"2.0","method":"vsctl/transact","params":{"commands":[["add-br","br9"]]'
	full = b'{"jsonrpc":"2.0","method":"version","params":[],"id":1}'
	def conn():
	    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	    c.connect(path)
	    return c
	# 50 clients send half a request and hang up; 50 send a whole one
	# and hang up before the answer; 20 open and close at once.
	for i in range(50):
	    c = conn(); c.sendall(half[:len(half) * (i + 1) // 51]); c.close()
	for i in range(50):
	    c = conn(); c.sendall(full * 3); c.close()
	for i in range(20):
	    conn().close()
	# Silent clients must not hold anybody up.
	idle = [conn() for i in range(20)]
	time.sleep(0.5)
	c = conn(); c.sendall(full); c.settimeout(10)
	ans = c.recv(65536)
	assert b'"result"' in ans, ans
	for s in idle:
	    s.close()
	EOF
	vsctl br-exists br9 && fail "br9 exists: a half-sent request was executed"
	# 50 CLIs at once, all answered.
	local i pids=() bad=0
	for ((i = 0; i < 50; i++)); do
		"$APPCTL" --timeout=30 version >/dev/null 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || bad=$((bad + 1))
	done
	assert_eq 0 "$bad" "concurrent weft-appctl version calls that failed"
	unchanged "after the hang-ups"
	ping_ok ba 10.7.0.2 2 || fail "no ping after the hang-ups"
}

setup
run_case bad_flow_text
run_case bad_table
run_case unknown_bridge
run_case bad_vsctl
run_case corrupt_conf
run_case socket_garbage
run_case hangups
finish
