#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
# vm-smp: 2          (two vCPUs: cross-CPU races in the module are part of
#                     what it provokes; other tests run on one)
#
# Case g of issue 3: weft-nlfuzz sends at least 100,000 random, valid and
# mutated generic netlink messages; the module must not crash or report
# anything, and must still forward afterwards; then rmmod is clean.
#
#   netns nlfz:   fz0 fz1 fz2 fz3     datapaths weft-nlfuzz creates, changes
#                  |                  and deletes, with internal ports fzi*
#                 fzv0..fzv1 ~~ fzp0..fzp1   veth pairs its vports may attach
#
#   afterwards, the module still works:
#
#   netns nla                     init netns                      netns nlb
#   va 10.9.0.1/24 ---veth--- a1 [port 1  dp nfz0  port 2] b1 ---veth--- vb 10.9.0.2/24
#
# Arguments: [COUNT [SEED]], or WEFT_FUZZ_COUNT (default 100000) and
# WEFT_FUZZ_SEED (default: a fresh one, printed).
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KO=${WEFT_KO:-$TOP/kmod/weft.ko}
[ -f "$KO" ] || [ ! -f "$TOP/weft.ko" ] || KO=$TOP/weft.ko
DPCTL=$TOP/build/weft-dpctl
NLFUZZ=$TOP/build/tests/tools/weft-nlfuzz
COUNT=${1:-${WEFT_FUZZ_COUNT:-100000}}
SEED=${2:-${WEFT_FUZZ_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}}
CASE=setup

fail() {
	echo "FAIL: case $CASE: $*" >&2
	exit 1
}

log() {
	local u
	read -r u _ </proc/uptime
	printf '[%(%T)T %ss] %s: %s\n' -1 "$u" "$CASE" "$*"
}

# weft-dpctl, bounded in time so that a hang fails the case that hit it.
dpctl() {
	timeout 30 "$DPCTL" "$@"
	local rc=$?
	[ "$rc" != 124 ] || echo "weft-dpctl $* timed out after 30 s" >&2
	return "$rc"
}

if command -v ping >/dev/null 2>&1; then
	PING=(ping -i 0.2)	# not 1 s between echo requests
else
	PING=(busybox ping)
fi

dmesg_mark() {
	DMESG_LINES=$(dmesg | wc -l)
}

# The kernel log since dmesg_mark must hold no report of any kind.
dmesg_check() {
	local bad

	bad=$(dmesg | tail -n +"$((DMESG_LINES + 1))" |
		grep -E 'BUG|WARNING|Oops|refcount_t|corruption|unreferenced object|general protection|KASAN|UBSAN|stall|lockup|waiting for .* to become free')
	[ -z "$bad" ] || fail "kernel reports:
$bad"
}

cleanup() {
	ip netns del nlfz 2>/dev/null
	ip netns del nla 2>/dev/null
	ip netns del nlb 2>/dev/null
}

case_prepare() {
	CASE=prepare
	[ -f "$KO" ] || fail "no $KO (make module)"
	[ -x "$NLFUZZ" ] || fail "no $NLFUZZ (make)"
	modprobe veth || fail "modprobe veth"
	lsmod | grep -q '^weft ' && rmmod weft
	dmesg_mark
	insmod "$KO" || fail "insmod $KO"
	log "weft.ko loaded"
}

case_fuzz() {
	CASE=fuzz
	local t0 t1 rc i

	ip netns add nlfz || fail "netns add"
	ip -n nlfz link set lo up
	for i in 0 1; do
		ip -n nlfz link add fzv$i type veth peer name fzp$i ||
			fail "veth fzv$i"
		ip -n nlfz link set fzv$i up
		ip -n nlfz link set fzp$i up
	done
	log "weft-nlfuzz --count $COUNT --seed $SEED"
	t0=$(date +%s)
	ip netns exec nlfz timeout 600 "$NLFUZZ" --count "$COUNT" --seed "$SEED" \
		--netdev fzv0 --netdev fzv1 -v
	rc=$?
	t1=$(date +%s)
	log "weft-nlfuzz exited $rc after $((t1 - t0)) s"
	[ "$rc" = 0 ] || fail "weft-nlfuzz failed (seed $SEED)"
	dmesg_check
	log "kernel log checked"
	# Nothing the fuzzer made may outlive its datapaths. A mutated request
	# may have created a datapath under another name (fz0 -> fz4 is one bit
	# flip): delete every datapath that is left, then look.
	local left dp out
	# (One weft-dpctl --batch for them all: there can be dozens, and a
	# process start costs up to a second under TCG.)
	left=$(ip netns exec nlfz timeout 30 "$DPCTL" dump-dps 2>/dev/null)
	if [ -n "$left" ]; then
		out=$(for dp in $left; do printf 'del-dp\t%s\n' "$dp"; done |
			ip netns exec nlfz timeout 300 "$DPCTL" --batch 2>&1) ||
			fail "del-dp after the fuzz (of $(echo $left)): $out"
	fi
	log "datapaths left by the fuzzer deleted"
	left=$(ip -n nlfz -o link show | awk -F': ' '{print $2}' |
		grep -E '^(fz[0-9]|fzi)' || true)
	[ -z "$left" ] || fail "devices left behind: $left"
	ip netns del nlfz || fail "netns del"
	dmesg_check
}

case_still_works() {
	CASE=still-works
	local out

	[ -x "$DPCTL" ] || fail "no $DPCTL (make)"
	ip netns add nla || fail "netns add nla"
	ip netns add nlb || fail "netns add nlb"
	ip link add a1 type veth peer name va netns nla || fail "veth a"
	ip link add b1 type veth peer name vb netns nlb || fail "veth b"
	ip -n nla addr add 10.9.0.1/24 dev va
	ip -n nlb addr add 10.9.0.2/24 dev vb
	ip -n nla link set va up
	ip -n nlb link set vb up
	ip link set a1 up
	ip link set b1 up

	log "namespaces and veths made"
	dpctl add-dp nfz0 || fail "add-dp"
	dpctl add-if nfz0 a1 || fail "add-if a1"
	dpctl add-if nfz0 b1 || fail "add-if b1"
	dpctl add-flow nfz0 "in_port(1)" 2 || fail "add-flow 1->2"
	dpctl add-flow nfz0 "in_port(2)" 1 || fail "add-flow 2->1"
	ip netns exec nla "${PING[@]}" -c 3 -W 2 10.9.0.2 ||
		fail "no ping through the datapath after fuzzing"
	out=$(dpctl dump-flows nfz0) || fail "dump-flows"
	echo "$out"
	echo "$out" | grep -q 'packets:[1-9]' ||
		fail "flows counted no packets"
	dpctl del-dp nfz0 || fail "del-dp"
	ip link show a1 >/dev/null 2>&1 || fail "a1 vanished with the datapath"
	ip netns del nla
	ip netns del nlb
	ip link del a1 2>/dev/null
	ip link del b1 2>/dev/null
	dmesg_check
	log "ping through a fresh datapath works"
}

case_rmmod() {
	CASE=rmmod
	rmmod weft || fail "rmmod weft"
	lsmod | grep -q '^weft ' && fail "weft still loaded"
	dmesg_check
	log "rmmod clean"
}

trap cleanup EXIT
case_prepare
case_fuzz
case_still_works
case_rmmod
echo "PASS: test_nl_fuzz (seed $SEED, $COUNT messages)"
