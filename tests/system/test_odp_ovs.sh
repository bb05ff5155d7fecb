#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# weft's flow text against the real OVS 3.1 parser, with no kernel module:
# ovs-vswitchd runs a dummy (userspace) datapath, and `ovs-appctl
# dpctl/add-flow` and `dpctl/dump-flows` parse and print datapath flows with
# the same lib/odp-util.c code that ovs-dpctl runs against openvswitch.ko.
#
#   ovsdb-server <- ovs-vswitchd --enable-dummy, no bridge
#                    dpctl/add-dp dummy@weft: port 1 p1, port 2 p2 (dummy)
#
#   flows_accepted     every flow of weft's corpus parses in OVS (the dummy
#                      datapath may still refuse a flow it cannot run; only
#                      a parse error fails the case)
#   flow_dumps_read    OVS's dump of every installed flow, plain and -m, is
#                      accepted by weft
#   actions_accepted   every action list of the corpus parses in OVS, except
#                      what OVS 3.1 has no parser for (hash, dec_ttl, and
#                      the drop action inside a list; weft prints an empty
#                      list as clone() where OVS prints clone(drop) and
#                      cannot read it); OVS's dump of it reads back in
#                      weft as the same canonical text (userspace() aside:
#                      OVS adds its own cookie as userdata)
#   ct_flows           the conntrack keys of the corpus (ct_state, ct_zone,
#                      ct_mark, ct_label, ct_tuple4/6) parse in OVS; OVS's
#                      dumps (plain and -m) read in weft, and every ct item
#                      OVS prints is the one weft prints for the flow
#   ct_actions         ct(...) and ct_clear parse in OVS and OVS's dump
#                      reads back in weft as weft's own canonical text
#                      (except nat's persistent/hash/random without an
#                      address, which OVS drops: docs/weft-dpctl.md)
#
# Runs on the host as well: sudo tests/system/test_odp_ovs.sh
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
ODP=$TOP/build/tests/tools/weft-odp
TMP=$(mktemp -d)
CASE=setup
FAILS=0

log() { echo "[$(date +%T)] $CASE: $*"; }
fail() { echo "FAIL: $CASE: $*" >&2; FAILS=$((FAILS + 1)); }

cleanup() {
	local f

	# Each pipe process holds the others' fifos open: none sees EOF.
	[ -z "${PIPE_PIDS:-}" ] || kill $PIPE_PIDS 2>/dev/null
	for f in "$TMP"/vswitchd.pid "$TMP"/ovsdb.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	sleep 0.5
	rm -rf "$TMP"
}
trap cleanup EXIT

export OVS_RUNDIR=$TMP OVS_LOGDIR=$TMP OVS_DBDIR=$TMP OVS_SYSCONFDIR=$TMP
APPCTL="ovs-appctl -t $TMP/vswitchd.ctl"
DP=dummy@weft

start_ovs() {
	local up

	[ -x "$ODP" ] || { fail "$ODP missing: run make"; return 1; }
	command -v ovs-vswitchd >/dev/null || {
		fail "ovs-vswitchd missing: run scripts/deps"; return 1; }
	# ovs-vswitchd counts no CPU before 10 s of uptime (see ovs_start
	# in weftd_lib.sh).
	up=$(cut -d. -f1 /proc/uptime)
	[ "$up" -ge 12 ] || sleep $((12 - up))
	ovsdb-tool create "$TMP"/conf.db \
		/usr/share/openvswitch/vswitch.ovsschema || return 1
	ovsdb-server --remote=punix:"$TMP"/db.sock \
		--unixctl="$TMP"/ovsdb.ctl --pidfile="$TMP"/ovsdb.pid \
		--log-file="$TMP"/ovsdb.log -vconsole:off --detach \
		"$TMP"/conf.db 2>>"$TMP"/daemons.err || return 1
	ovs-vswitchd --enable-dummy --disable-system unix:"$TMP"/db.sock \
		--unixctl="$TMP"/vswitchd.ctl --pidfile="$TMP"/vswitchd.pid \
		--log-file="$TMP"/vswitchd.log -vconsole:off --detach \
		2>>"$TMP"/daemons.err || return 1
	# A datapath of its own, outside any bridge: a bridge's revalidators
	# would delete flows that OpenFlow did not ask for.
	$APPCTL dpctl/add-dp "$DP" &&
		$APPCTL dpctl/add-if "$DP" p1,type=dummy p2,type=dummy ||
		return 1
	$APPCTL dpctl/show "$DP" | grep -q 'port 2: p2' ||
		{ fail "dummy datapath not up"; return 1; }
}

# add FLOW ACTIONS: 0 installed, 1 refused by the datapath, 2 not parsed.
add() {
	local out

	$APPCTL dpctl/del-flows "$DP" >/dev/null 2>&1
	out=$($APPCTL dpctl/add-flow "$DP" "$1" "$2" 2>&1) && return 0
	grep -q 'parsing' <<<"$out" && { echo "$out"; return 2; }
	return 1
}

# The first dumped flow: its match (dump_match [-m]) or its actions.
# (Shell string operations, not grep and sed: see pipe_start.)
# Options go before the datapath: ovs-appctl ignores them after it.
dump_match() {
	local line

	while IFS= read -r line; do
		case $line in *", packets:"*) ;; *) continue ;; esac
		case $line in ufid:*) line=${line#* } ;; esac
		printf '%s\n' "${line%%, packets:*}"
		return 0
	done < <($APPCTL dpctl/dump-flows "$@" --no-names "$DP")
}
dump_actions() {
	local line

	while IFS= read -r line; do
		case $line in *", actions:"*) ;; *) continue ;; esac
		printf '%s\n' "${line##*, actions:}"
		return 0
	done < <($APPCTL dpctl/dump-flows "$DP")
}

case_flows() {
	local f m d out n=0 installed=0 rc skipped=0

	CASE=flows_accepted
	: >"$TMP"/installed
	while IFS= read -r f; do
		# weft's one extension of the flow syntax, the GENEVE C bit
		# as a tunnel flag (docs/weft-dpctl.md), is unknown to OVS:
		# OVS gets the rest of the flow.
		case $f in *+crit*) skipped=$((skipped + 1)); f=${f//+crit/} ;; esac
		n=$((n + 1))
		out=$(add "$f" 2)
		rc=$?
		case $rc in
		0) installed=$((installed + 1)); echo "$f" >>"$TMP"/installed ;;
		2) fail "OVS cannot parse weft's '$f': $out" ;;
		esac
	done < <("$ODP" corpus flows)
	log "$n flows parsed by OVS, $installed installed in its datapath ($skipped without weft's +crit)"

	CASE=flow_dumps_read
	n=0
	while IFS= read -r f; do
		# Without a mask OVS matches every field it has exactly, ct_*
		# among them, which weft has not.
		[ -n "$f" ] || continue
		add "$f" 2 >/dev/null || continue
		for m in "" -m; do
			d=$(dump_match $m)
			out=$(weft_reads flow "$d") ||
				{ fail "weft refuses OVS's '$d': $out"; continue 2; }
		done
		n=$((n + 1))
	done <"$TMP"/installed
	log "$n OVS dumps (plain and -m) read by weft"
}

case_actions() {
	local a d out want got rc n=0 skipped=0 refused=0

	CASE=actions_accepted
	while IFS= read -r a; do
		# OVS 3.1 reads "drop" only alone or as a check_pkt_len branch.
		case $a in
		*hash\(*|*dec_ttl\(*|*,drop*|*drop,*|*clone\(drop*|*actions\(drop*)
			skipped=$((skipped + 1)); continue ;;
		esac
		out=$(add "in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)" "$a")
		rc=$?
		[ $rc = 2 ] && { fail "OVS cannot parse weft's '$a': $out"; continue; }
		n=$((n + 1))
		# Refused by the dummy datapath (not the parser): no dump.
		[ $rc = 0 ] || { refused=$((refused + 1)); continue; }
		case $a in *userspace*) continue ;; esac
		want=$(weft_reads actions "$a")
		d=$(dump_actions)
		got=$(weft_reads actions "$d") ||
			{ fail "weft refuses OVS's '$d' (for '$a'): $got"; continue; }
		[ "$want" = "$got" ] ||
			fail "OVS prints '$a' as '$d', weft reads '$got'"
	done < <("$ODP" corpus actions)
	log "$n action lists parsed by OVS ($refused of them not run by its" \
	    "dummy datapath; $skipped OVS 3.1 has no parser for)"
}

# The ct_* items of a flow's text, one per line, sorted.
ct_items() {
	grep -o 'ct_[a-z0-9]*([^)]*)' <<<"$1" | sort
}

case_ct_flows() {
	local f d m want got out rc n=0 installed=0

	CASE=ct_flows
	while IFS= read -r f; do
		n=$((n + 1))
		out=$(add "$f" 2)
		rc=$?
		[ $rc = 2 ] && { fail "OVS cannot parse weft's '$f': $out"; continue; }
		# The dummy datapath refuses ct fields without an IP match.
		[ $rc = 0 ] || continue
		installed=$((installed + 1))
		want=$(ct_items "$(weft_reads flow "$f")")
		for m in "" -m; do
			# Options before the datapath: after it they are ignored.
			d=$(dump_match $m)
			out=$(weft_reads flow "$d") ||
				{ fail "weft refuses OVS's '$d': $out"; continue 2; }
			[ -n "$m" ] && continue
			# OVS's datapath may widen a match, never change it.
			got=$(ct_items "$out")
			[ -z "$(comm -13 <(echo "$want") <(echo "$got"))" ] ||
				fail "OVS prints '$f' as '$d', weft reads '$out'"
		done
	done < <("$ODP" corpus ct-flows)
	[ $n -gt 0 ] && [ $installed -ge 8 ] ||
		fail "only $installed of $n ct flows installed"
	log "$n ct flows parsed by OVS, $installed installed and read back"
}

case_ct_actions() {
	local a d out want got rc n=0

	CASE=ct_actions
	while IFS= read -r a; do
		out=$(add "in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)" "$a")
		rc=$?
		[ $rc = 2 ] && { fail "OVS cannot parse weft's '$a': $out"; continue; }
		[ $rc = 0 ] || { fail "OVS's datapath refuses '$a'"; continue; }
		n=$((n + 1))
		case $a in *nat\(src,*|*nat\(dst,*) continue ;; esac
		want=$(weft_reads actions "$a")
		d=$(dump_actions)
		got=$(weft_reads actions "$d") ||
			{ fail "weft refuses OVS's '$d' (for '$a'): $got"; continue; }
		[ "$want" = "$got" ] ||
			fail "OVS prints '$a' as '$d', weft reads '$got'"
	done < <("$ODP" corpus ct-actions)
	[ $n -gt 0 ] || fail "no ct action list"
	log "$n ct action lists parsed and run by OVS, read back by weft"
}

# Starting a process costs most of a second in a loaded TCG guest, and
# this test used to start ovs-appctl and weft-odp some two thousand times:
# one ovs-appctl-like connection (helpers/unixctl_pipe.py) and one weft-odp
# per kind now answer every request over pipes.
# pipe_start NAME CMD...: CMD reads $TMP/NAME.in and writes $TMP/NAME.out;
# sets PIPE_IN and PIPE_OUT to the shell's ends.
pipe_start() {
	local name=$1

	shift
	mkfifo "$TMP/$name.in" "$TMP/$name.out" || return 1
	"$@" <"$TMP/$name.in" >"$TMP/$name.out" &
	PIPE_PIDS+=" $!"
	exec {PIPE_IN}>"$TMP/$name.in" {PIPE_OUT}<"$TMP/$name.out"
}

# appctl CMD ARGS...: what ovs-appctl would print, and its exit status.
appctl() {
	local status line text=

	(IFS=$'\t'; printf '%s\n' "$*") >&"$APPCTL_IN"
	IFS= read -r status <&"$APPCTL_OUT" || return 3
	while IFS= read -r line <&"$APPCTL_OUT" && [ "$line" != $'\x1e' ]; do
		text+=$line$'\n'
	done
	# Like ovs-appctl: the reply on stdout, an error on stderr.
	if [ "$status" = 0 ]; then
		printf '%s' "$text"
	else
		printf '%s' "$text" >&2
	fi
	return "$status"
}

# weft_reads KIND TEXT: weft-odp's answer for the one line TEXT.
weft_reads() {
	local in out line

	case $1 in
	flow) in=$ODP_FLOW_IN out=$ODP_FLOW_OUT ;;
	*) in=$ODP_ACTS_IN out=$ODP_ACTS_OUT ;;
	esac
	printf '%s\n' "${2//$'\n'/ }" >&"$in"
	IFS= read -r line <&"$out" || { echo "weft-odp died"; return 1; }
	printf '%s\n' "$line"
	case $line in "error: "*) return 1 ;; esac
}

start_pipes() {
	pipe_start appctl python3 "$TOP"/tests/system/helpers/unixctl_pipe.py \
		"$TMP"/vswitchd.ctl || return 1
	APPCTL_IN=$PIPE_IN APPCTL_OUT=$PIPE_OUT
	APPCTL=appctl
	pipe_start odp_flow stdbuf -oL "$ODP" flow || return 1
	ODP_FLOW_IN=$PIPE_IN ODP_FLOW_OUT=$PIPE_OUT
	pipe_start odp_acts stdbuf -oL "$ODP" actions || return 1
	ODP_ACTS_IN=$PIPE_IN ODP_ACTS_OUT=$PIPE_OUT
	appctl version >/dev/null || { fail "unixctl pipe"; return 1; }
}

start_ovs && start_pipes || { echo "FAIL: setup" >&2; exit 1; }
case_flows
case_actions
case_ct_flows
case_ct_actions
[ $FAILS = 0 ] && { echo "PASS"; exit 0; }
echo "FAILED: $FAILS" >&2
exit 1
