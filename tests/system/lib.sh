# SPDX-License-Identifier: GPL-2.0
#
# tests/system/lib.sh: helpers shared by weft's system tests.  Source it
# from a test; the test runs as root inside the VM (scripts/vm-run), where
# the tree is at the same path as on the host.
#
# The conventions a test follows:
#
#   #!/bin/bash
#   # SPDX-License-Identifier: GPL-2.0
#   # vm-timeout: 120            (optional: seconds before the VM is killed)
#   # vm-smp: 2                  (optional: vCPUs, default 1; only for a test
#                                whose point needs several CPUs at once)
#   #
#   # What the test proves, in a sentence or two, then its topology:
#   #
#   #   ns1: v1p 10.0.0.1 --- v1 [port 1  dp0  port 2] v2 --- v2p 10.0.0.2 :ns2
#   #
#   . "$(dirname "$0")/lib.sh"
#   case_ping() { ping_ok ns1 10.0.0.2 || fail "no reply"; }
#   setup
#   run_case ping
#   finish
#
# One function per named case (case_NAME), run with run_case NAME; fail
# records the failure and lets the test go on; finish prints a summary,
# checks the kernel log since the test started and sets the exit status.
# Everything made with netns_add, veth_add, weft_load, ovs_dp_add or
# on_exit is undone, last first, when the test exits however it exits.

set -u

WEFT_TOP=${WEFT_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
WEFT_RESULTS=${WEFT_RESULTS:-/tmp}
if [ -z "${WEFT_KO:-}" ]; then
	WEFT_KO=$WEFT_TOP/kmod/weft.ko
	[ -f "$WEFT_KO" ] || [ ! -f "$WEFT_TOP/weft.ko" ] || WEFT_KO=$WEFT_TOP/weft.ko
fi
DPCTL=$WEFT_TOP/build/weft-dpctl
TOOLS=$WEFT_TOP/build/tests/tools

CASE=setup
CASES_RUN=0
CASES_FAILED=0
FAILED_CASES=
_CASE_FAILED=0

# ---- messages and verdicts ----------------------------------------------

# (Builtins only: under TCG every process start costs up to a second.)
log() { printf '[%(%T)T] %s: %s\n' -1 "$CASE" "$*"; }

# ---- timing ----------------------------------------------------------------

# uptime_cs: sets UPTIME_CS to the guest's uptime in hundredths of a second
# (read from /proc/uptime, no process started).
UPTIME_CS=0
uptime_cs() {
	local u
	read -r u _ </proc/uptime
	u=${u/./}
	UPTIME_CS=$((10#$u))
}

# _cs_text CS: "12.34" for 1234 (in CS_TEXT with -v: no subshell).
_cs_text() {
	if [ "$1" = -v ]; then
		printf -v CS_TEXT '%d.%02d' $(($2 / 100)) $(($2 % 100))
	else
		printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
	fi
}

# forks: sets FORKS to the processes (and threads) the whole guest has
# started since its boot (/proc/stat): unlike times, a count that hardly
# depends on the load of the host.
FORKS=0
forks() {
	local k v
	while read -r k v _; do
		[ "$k" = processes ] && { FORKS=$v; return; }
	done </proc/stat
}

# phase TEXT: one line in the output with the guest's uptime, the time and
# the process starts since the previous phase (or since the test's start),
# to find where a test spends its time:
# "[phase 41.20s +3.05s +12p] TEXT".  run_case marks a phase at each
# case's start and end by itself.
uptime_cs
forks
_PHASE_CS=$UPTIME_CS
_PHASE_FORKS=$FORKS
_TEST_START_CS=$UPTIME_CS
_TEST_START_FORKS=$FORKS
phase() {
	local at
	uptime_cs
	forks
	_cs_text -v "$UPTIME_CS"
	at=$CS_TEXT
	_cs_text -v $((UPTIME_CS - _PHASE_CS))
	echo "[phase ${at}s +${CS_TEXT}s +$((FORKS - _PHASE_FORKS))p] $*"
	_PHASE_CS=$UPTIME_CS
	_PHASE_FORKS=$FORKS
}

# fail MESSAGE: the current case fails; the test continues.
fail() {
	echo "FAIL: $CASE: $*" >&2
	_CASE_FAILED=1
	[ "$CASE" != setup ] || _SETUP_FAILED=1
}

# die MESSAGE: stop the whole test now (for broken set-up).
die() {
	echo "FATAL: $CASE: $*" >&2
	exit 1
}

# skip MESSAGE: the whole test cannot run here; counts as success.
skip() {
	echo "SKIP: $*"
	exit 0
}

# require CMD...: die unless every command exists.
require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] ||
			die "missing $c (run scripts/deps / make)"
	done
}

# ---- cleanup ---------------------------------------------------------------

_CLEANUP=()

# on_exit CMD...: run CMD when the test exits (last registered, first run).
on_exit() {
	local q
	printf -v q '%q ' "$@"
	_CLEANUP+=("$q")
}

# Runs of "ip netns del NAME" and "ip link del NAME" (what netns_add,
# veth_add and host_add register) go to one "ip -batch" each, in the
# same order: a test with fifty pods spent half a minute starting ip.
# Likewise runs of "rm -rf DIR" (each helper server's directory, the
# daemons' private ones) go to one rm.
_run_cleanup() {
	local i e batch= rms=()
	for ((i = ${#_CLEANUP[@]} - 1; i >= 0; i--)); do
		e=${_CLEANUP[i]}
		if [[ $e =~ ^ip\ (netns\ del|link\ del)\ ([A-Za-z0-9_.-]+)\ $ ]]; then
			batch+="${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"$'\n'
			continue
		fi
		if [[ $e =~ ^rm\ -rf\ (/[A-Za-z0-9_./-]+)\ $ ]]; then
			rms+=("${BASH_REMATCH[1]}")
			continue
		fi
		_cleanup_batches
		eval "$e" >/dev/null 2>&1 || true
	done
	_cleanup_batches
	_CLEANUP=()
}
_cleanup_batches() {
	[ -z "$batch" ] || ip -force -batch - <<<"$batch" >/dev/null 2>&1
	batch=
	[ ${#rms[@]} = 0 ] || rm -rf -- "${rms[@]}" 2>/dev/null
	rms=()
}
trap _run_cleanup EXIT
trap 'exit 130' INT TERM

# ---- assertions ------------------------------------------------------------

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	[ "$1" = "$2" ] || { fail "$3: expected '$1', got '$2'"; return 1; }
}

# assert_match TEXT REGEX WHAT (extended regex): some line of TEXT
# matches (grep -qE's verdict, by bash: no process start).
assert_match() {
	local line
	while IFS= read -r line; do
		[[ $line =~ $2 ]] && return 0
	done <<<"$1"
	fail "$3: '$1' does not match /$2/"
	return 1
}

# assert_ok CMD...: CMD must succeed; its output is shown when it does not.
assert_ok() {
	local out
	out=$("$@" 2>&1) || { fail "'$*' failed: $out"; return 1; }
}

# assert_fail CMD...: CMD must fail.
assert_fail() {
	"$@" >/dev/null 2>&1 && { fail "'$*' succeeded, expected failure"; return 1; }
	return 0
}

# count_matching ERE: how many lines of stdin match ERE (bash's =~, no
# grep -c or wc -l process: each costs up to a second under TCG).
count_matching() {
	local line n=0
	while IFS= read -r line || [ -n "$line" ]; do
		[[ $line =~ $1 ]] && n=$((n + 1))
	done
	echo "$n"
}

# nap SECS: sleep without a process start (read's timeout on a pipe that
# this shell holds both ends of and never writes): polling loops sleep
# 0.1 s at a time, and a sleep process costs more than that under TCG.
exec {_NAP_FD}<> <(:)
nap() {
	read -r -t "$1" -u "$_NAP_FD" _ 2>/dev/null
	return 0
}

# count_lines: how many lines stdin has (wc -l, by bash).
count_lines() {
	local n=0
	while IFS= read -r _; do
		n=$((n + 1))
	done
	echo "$n"
}

# wait_for SECS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		nap 0.1
	done
	return 1
}

# file_has FILE TEXT: FILE has a line containing TEXT (bash's read, no
# grep: for polling loops, where a process start each 0.1 s would cost
# more than the wait).
file_has() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		[[ $line == *"$2"* ]] && return 0
	done <"$1"
	return 1
}

# ---- exec profile ------------------------------------------------------------

# With a file build/exec-profile in the tree (touch it on the host), the
# guest's kernel traces every exec of the test and results/NAME/execs.txt
# counts them by program, busiest first: where a test's process starts
# (up to a second each under TCG) go.
_exec_profile_save() {
	local t=/sys/kernel/tracing
	echo 0 >"$t/tracing_on"
	grep -o 'filename=[^ ]*' "$t/trace" | sort | uniq -c | sort -rn \
		>"$WEFT_RESULTS/execs.txt"
}
if [ -e "$WEFT_TOP/build/exec-profile" ] &&
   [ -w /sys/kernel/tracing/events/sched/sched_process_exec/enable ]; then
	echo 16384 >/sys/kernel/tracing/buffer_size_kb
	echo 1 >/sys/kernel/tracing/events/sched/sched_process_exec/enable
	echo 1 >/sys/kernel/tracing/tracing_on
	on_exit _exec_profile_save
fi

# ---- helper servers ----------------------------------------------------------

# srv_start, srv_call, py_call, dpctl_serve_start...: see srv_lib.sh.
. "$WEFT_TOP/tests/system/srv_lib.sh"

# ---- kernel log --------------------------------------------------------------

KERNEL_REPORTS='BUG:|WARNING:|Oops|kernel BUG|refcount_t|list_add corruption|list_del corruption|unreferenced object|general protection fault|KASAN|UBSAN|soft lockup|blocked for more than|RCU stall|rcu_sched detected stalls|unregister_netdevice: waiting for'
_DMESG_MARK=0

# dmesg_mark: remember where the kernel log is now.  (One dmesg and
# bash, no wc, tail or grep: process starts are what a check costs.)
dmesg_mark() {
	local lines
	mapfile -t lines < <(dmesg)
	_DMESG_MARK=${#lines[@]}
}

# dmesg_check: fail if the kernel reported a problem since dmesg_mark.
dmesg_check() {
	local lines i bad=
	mapfile -t lines < <(dmesg)
	for ((i = _DMESG_MARK; i < ${#lines[@]}; i++)); do
		[[ ${lines[i]} =~ $KERNEL_REPORTS ]] && bad+=${lines[i]}$'\n'
	done
	[ -z "$bad" ] || { fail "kernel reports:
${bad%$'\n'}"; return 1; }
}

# ---- cases -------------------------------------------------------------------

# run_case NAME: run case_NAME and record its verdict.
run_case() {
	CASE=$1
	_CASE_FAILED=0
	CASES_RUN=$((CASES_RUN + 1))
	log "start"
	phase "case $1: start"
	"case_$1" || [ "$_CASE_FAILED" = 1 ] || fail "returned $?"
	phase "case $1: end"
	if [ "$_CASE_FAILED" = 1 ]; then
		CASES_FAILED=$((CASES_FAILED + 1))
		FAILED_CASES="$FAILED_CASES $1"
		log "FAILED"
	else
		log "ok"
	fi
	CASE=done
}

# finish: summary, a last kernel-log check, exit status.
finish() {
	CASE=finish
	dmesg_check || CASES_FAILED=$((CASES_FAILED + 1))
	uptime_cs
	forks
	phase "finish ($(_cs_text $((UPTIME_CS - _TEST_START_CS)))s and $((FORKS - _TEST_START_FORKS)) process starts since the test's start)"
	echo "$((CASES_RUN - CASES_FAILED < 0 ? 0 : CASES_RUN - CASES_FAILED))/$CASES_RUN cases passed${FAILED_CASES:+; failed:$FAILED_CASES}"
	[ "$CASES_FAILED" = 0 ] && [ -z "${_SETUP_FAILED:-}" ]
	exit
}

# ---- modules and datapaths ---------------------------------------------------

# weft_load [PARAM=VALUE...]: insmod the tree's weft.ko (rmmod'ing an old
# one first); it is removed when the test exits.
weft_load() {
	[ -f "$WEFT_KO" ] || die "no $WEFT_KO: run 'make module' first"
	if module_loaded weft; then
		rmmod weft || die "rmmod of an already loaded weft failed"
	fi
	# insmod resolves no dependencies: the tunnel vports use the
	# kernel's UDP tunnel helpers, and conntrack nf_conntrack, nf_nat
	# and nf_defrag_ipv6.  (vm-run's job loads them before the test:
	# one modprobe only for what is missing.)
	local m missing=()
	for m in udp_tunnel ip6_udp_tunnel nf_conntrack nf_nat nf_defrag_ipv6; do
		module_loaded "$m" || missing+=("$m")
	done
	[ ${#missing[@]} = 0 ] || modprobe -q -a "${missing[@]}" 2>/dev/null
	insmod "$WEFT_KO" "$@" || die "insmod $WEFT_KO failed"
	phase "weft.ko loaded"
	on_exit weft_unload
}

weft_unload() {
	module_loaded weft || return 0
	rmmod weft
}

# module_loaded NAME: /proc/modules lists NAME (read by bash).
module_loaded() {
	local name _
	while read -r name _; do
		[ "$name" = "$1" ] && return 0
	done 2>/dev/null </proc/modules
	return 1
}

# ovs_dp_add NAME: load openvswitch.ko and create a datapath with ovs-dpctl
# (no ovsdb-server needed); it is deleted when the test exits.
ovs_dp_add() {
	modprobe openvswitch || die "modprobe openvswitch failed"
	ovs-dpctl add-dp "$1" || die "ovs-dpctl add-dp $1 failed"
	on_exit ovs-dpctl del-dp "$1"
}

# ---- namespaces and links ----------------------------------------------------

# netns_add NAME...: fresh namespaces with lo up, deleted at exit.
netns_add() {
	local ns
	for ns in "$@"; do
		[ ! -e "/run/netns/$ns" ] || ip netns del "$ns" 2>/dev/null
		ip netns add "$ns" || die "ip netns add $ns failed"
		on_exit ip netns del "$ns"
		ip -n "$ns" link set lo up
	done
}

# in_ns NS CMD...: run CMD in NS ("" or "-" for the initial namespace).
# (ip itself as "ip -n NS": one process start, not two.)
in_ns() {
	local ns=$1
	shift
	if [ -z "$ns" ] || [ "$ns" = - ]; then
		"$@"
	elif [ "$1" = ip ]; then
		shift
		ip -n "$ns" "$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

# veth_add A B [NS_B [ADDR_B/PLEN]]: a veth pair A (initial namespace, up)
# and B (moved to NS_B when given, up, with ADDR_B when given).
veth_add() {
	local a=$1 b=$2 ns=${3:-} addr=${4:-}
	ip link add "$a" type veth peer name "$b" || die "veth $a/$b failed"
	on_exit ip link del "$a"
	[ -z "$ns" ] || ip link set "$b" netns "$ns" || die "moving $b to $ns failed"
	ip link set "$a" up
	in_ns "$ns" ip link set "$b" up
	[ -z "$addr" ] || in_ns "$ns" ip addr add "$addr" dev "$b" ||
		die "address $addr on $b failed"
}

# mac_of NS IFACE
mac_of() { in_ns "$1" cat "/sys/class/net/$2/address"; }

# ---- traffic ---------------------------------------------------------------------

# ping_ok NS ADDR [COUNT]: ping from NS; succeeds if a reply comes back.
# Uses iputils' ping, or busybox's when iputils-ping is not installed.
ping_ok() {
	local ns=$1 addr=$2 count=${3:-3}
	if command -v ping >/dev/null 2>&1; then
		in_ns "$ns" ping -q -c "$count" -i 0.2 -W 2 "$addr" >/dev/null
	else
		in_ns "$ns" busybox ping -q -c "$count" -W 2 "$addr" >/dev/null
	fi
}

# ping_fail NS ADDR: one ping gets no reply.
ping_fail() { ! ping_ok "$1" "$2" 1; }

# tcpdump_start NS IFACE FILE [FILTER...]: capture to FILE (pcap) and return
# once tcpdump is really listening; its pid is in TCPDUMP_PID.  Stop it with
# tcpdump_stop.  (Under TCG tcpdump needs a second or more to start.)
TCPDUMP_PID=
tcpdump_start() {
	local ns=$1 ifc=$2 file=$3 err
	shift 3
	err=$file.stderr
	# Not through in_ns: $! must be tcpdump itself (ip netns exec execs
	# it), not a subshell that would ignore signals.
	if [ -z "$ns" ] || [ "$ns" = - ]; then
		tcpdump -n -U -s 0 -i "$ifc" -w "$file" "$@" 2>"$err" &
	else
		ip netns exec "$ns" tcpdump -n -U -s 0 -i "$ifc" -w "$file" "$@" 2>"$err" &
	fi
	TCPDUMP_PID=$!
	TCPDUMP_FILE=$file
	on_exit kill -KILL "$TCPDUMP_PID"
	if ! wait_for 20 file_has "$err" 'listening on'; then
		cat "$err" >&2
		die "tcpdump on $ns/$ifc did not start"
	fi
}

# tcpdump_stop: stop the capture and wait until the file is complete.
# tcpdump drops what it has not read yet when it is told to stop, so it
# gets a second to drain first, and then until its file (written a
# packet at a time, -U) stops growing, for up to 5 s more: on a loaded
# host the VM's tcpdump may not have run within that second (a smoke
# run saw 4 of 5 echo requests the datapath had counted).  (SIGTERM:
# background processes of a script ignore SIGINT.)
tcpdump_stop() {
	local i size last=-1
	[ -n "$TCPDUMP_PID" ] || return 0
	nap 1
	for ((i = 0; i < 10; i++)); do
		size=$(stat -c %s "$TCPDUMP_FILE" 2>/dev/null)
		[ "$size" = "$last" ] && break
		last=$size
		nap 0.5
	done
	kill -TERM "$TCPDUMP_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$TCPDUMP_PID" 2>/dev/null || break
		nap 0.1
	done
	kill -KILL "$TCPDUMP_PID" 2>/dev/null
	wait "$TCPDUMP_PID" 2>/dev/null
	TCPDUMP_PID=
}

# pcap_count FILE [FILTER]: number of packets in FILE matching FILTER.
pcap_count() {
	local file=$1
	shift
	tcpdump -n -r "$file" "$@" 2>/dev/null | count_lines
}

# save FILE...: copy artefacts (captures, dumps) to results/<test>/ on the host.
save() { cp -- "$@" "$WEFT_RESULTS"/ 2>/dev/null || true; }

dmesg_mark
