#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Case f of issue 3: a caller without CAP_NET_ADMIN is refused every
# mutating command (EPERM) while read-only ones work; deleting a network
# namespace that holds datapaths, ports and flows cleans all of it up, and
# the module can be removed afterwards.
#
#   init netns                                  (unprivileged: uid 65534,
#   pm1 ---veth--- pm0 [port 1  dp perm0]        no capabilities, probes
#                        port 0: perm0           perm0 with weft-nlfuzz
#                        flow in_port(1) -> 0    --perm-check and weft-dpctl)
#
#   netns doomed                                           init netns
#   dv0 [port 1 dp dd0 port 2] ddi0 (internal)   dv0 ---veth--- dv1
#   dd1 (a second datapath, internal port ddi1, flows)
#   "ip netns del doomed" must take dd0, dd1, ddi0, ddi1, dv0 and dv1 with it.
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KO=${WEFT_KO:-$TOP/kmod/weft.ko}
[ -f "$KO" ] || [ ! -f "$TOP/weft.ko" ] || KO=$TOP/weft.ko
DPCTL=$TOP/build/weft-dpctl
NLFUZZ=$TOP/build/tests/tools/weft-nlfuzz
CASE=setup
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	--bounding-set=-all --)

fail() {
	echo "FAIL: case $CASE: $*" >&2
	exit 1
}

log() {
	echo "[$(date +%T)] $CASE: $*"
}

# weft-dpctl, bounded in time so that a hang fails the case that hit it.
dpctl() {
	timeout 30 "$DPCTL" "$@"
	local rc=$?
	[ "$rc" != 124 ] || echo "weft-dpctl $* timed out after 30 s" >&2
	return "$rc"
}

dmesg_mark() {
	DMESG_LINES=$(dmesg | wc -l)
}

dmesg_check() {
	local bad

	bad=$(dmesg | tail -n +"$((DMESG_LINES + 1))" |
		grep -E 'BUG|WARNING|Oops|refcount_t|corruption|unreferenced object|general protection|KASAN|UBSAN|stall|lockup|waiting for .* to become free')
	[ -z "$bad" ] || fail "kernel reports:
$bad"
}

cleanup() {
	ip netns del doomed 2>/dev/null
	ip link del pm1 2>/dev/null
}

# The flows of perm0, one per line, without statistics.
flows_of() {
	dpctl dump-flows "$1" | sed 's/packets:.*actions:/actions:/'
}

case_prepare() {
	CASE=prepare
	[ -f "$KO" ] || fail "no $KO (make module)"
	[ -x "$DPCTL" ] || fail "no $DPCTL (make)"
	[ -x "$NLFUZZ" ] || fail "no $NLFUZZ (make)"
	modprobe veth || fail "modprobe veth"
	lsmod | grep -q '^weft ' && rmmod weft
	dmesg_mark
	insmod "$KO" || fail "insmod"
	ip link add pm0 type veth peer name pm1 || fail "veth"
	ip link set pm0 up
	ip link set pm1 up
	dpctl add-dp perm0 || fail "add-dp"
	dpctl add-if perm0 pm0 || fail "add-if"
	dpctl add-flow perm0 "in_port(1),eth_type(0x0800),ipv4()" 0 ||
		fail "add-flow"
}

case_unprivileged_netlink() {
	CASE=unprivileged-netlink
	# Every command once, straight over netlink: mutating ones must be
	# refused with EPERM, read-only ones must not be.
	timeout 60 "${NOBODY[@]}" "$NLFUZZ" --perm-check perm0 ||
		fail "weft-nlfuzz --perm-check: see the FAIL lines above"
}

case_unprivileged_dpctl() {
	CASE=unprivileged-dpctl
	local before after out cmd

	before=$(flows_of perm0)
	# Mutating commands: each must fail and say why.
	while read -r cmd; do
		[ -n "$cmd" ] || continue
		# shellcheck disable=SC2086 # word splitting is intended
		if out=$(timeout 30 "${NOBODY[@]}" "$DPCTL" $cmd 2>&1); then
			fail "unprivileged 'weft-dpctl $cmd' succeeded: $out"
		fi
		echo "$out" | grep -qi 'not permitted\|EPERM\|permission' ||
			fail "'weft-dpctl $cmd' failed, but not with EPERM: $out"
		log "refused: weft-dpctl $cmd"
	done <<-'EOF'
		add-dp nobody0
		del-dp perm0
		add-if perm0 pm1
		del-if perm0 pm0
		add-flow perm0 in_port(1),eth_type(0x86dd) 0
		mod-flow perm0 in_port(1),eth_type(0x0800),ipv4() 1
		del-flow perm0 in_port(1),eth_type(0x0800),ipv4()
		del-flows perm0
	EOF
	# Read-only commands work for anyone.
	for cmd in "show" "show perm0" "dump-dps" "dump-flows perm0"; do
		# shellcheck disable=SC2086
		out=$(timeout 30 "${NOBODY[@]}" "$DPCTL" $cmd 2>&1) ||
			fail "unprivileged 'weft-dpctl $cmd' failed: $out"
		log "allowed: weft-dpctl $cmd"
	done
	# And nothing changed.
	after=$(flows_of perm0)
	[ "$before" = "$after" ] || fail "flows changed:
before: $before
after:  $after"
	dpctl show perm0 | grep -q pm0 || fail "port pm0 is gone"
	ip link show nobody0 >/dev/null 2>&1 && fail "datapath nobody0 exists"
	dpctl del-dp perm0 || fail "del-dp as root"
	ip link del pm1
	dmesg_check
}

case_netns_delete() {
	CASE=netns-delete
	local before after

	before=$(ip -o link show | awk -F': ' '{print $2}' | sort)
	ip netns add doomed || fail "netns add"
	ip -n doomed link set lo up
	ip link add dv1 type veth peer name dv0 netns doomed || fail "veth"
	ip link set dv1 up
	ip -n doomed link set dv0 up
	ip netns exec doomed timeout 30 "$DPCTL" add-dp dd0 || fail "add-dp dd0"
	ip netns exec doomed timeout 30 "$DPCTL" add-dp dd1 || fail "add-dp dd1"
	ip netns exec doomed timeout 30 "$DPCTL" add-if dd0 dv0 || fail "add-if dv0"
	ip netns exec doomed timeout 30 "$DPCTL" add-if dd0 ddi0,type=internal ||
		fail "add-if ddi0"
	ip netns exec doomed timeout 30 "$DPCTL" add-if dd1 ddi1,type=internal ||
		fail "add-if ddi1"
	ip -n doomed link set ddi0 up
	ip -n doomed addr add 10.7.0.2/24 dev ddi0
	ip addr add 10.7.0.1/24 dev dv1
	ip netns exec doomed timeout 30 "$DPCTL" add-flow dd0 "in_port(1)" 2 ||
		fail "add-flow"
	ip netns exec doomed timeout 30 "$DPCTL" add-flow dd0 "in_port(2)" 1 ||
		fail "add-flow"
	ip netns exec doomed timeout 30 "$DPCTL" add-flow dd1 \
		"in_port(1),eth_type(0x0800),ipv4(proto=17)" "userspace(pid=0)" ||
		fail "add-flow dd1"
	# Traffic, so flows and ports hold packets' references too.
	if command -v ping >/dev/null 2>&1; then
		ping -i 0.2 -c 2 -W 2 10.7.0.2 >/dev/null
	else
		busybox ping -c 2 -W 2 10.7.0.2 >/dev/null
	fi
	ip netns exec doomed timeout 30 "$DPCTL" show
	ip netns exec doomed timeout 30 "$DPCTL" dump-flows dd0

	ip netns del doomed || fail "netns del"
	# The veth pair goes when its netns half does.
	for _ in $(seq 60); do
		ip link show dv1 >/dev/null 2>&1 || break
		sleep 0.5
	done
	ip link show dv1 >/dev/null 2>&1 && fail "dv1 still exists after 30 s"
	# No device of the dead namespace may have been moved here.
	after=$(ip -o link show | awk -F': ' '{print $2}' | sort)
	[ "$before" = "$after" ] || fail "links differ after netns delete:
before: $(echo "$before" | tr '\n' ' ')
after:  $(echo "$after" | tr '\n' ' ')"
	# A leaked device reference shows up within ~10 s as "waiting for".
	sleep 12
	dmesg_check
	log "namespace and its datapaths gone"
}

case_rmmod() {
	CASE=rmmod
	rmmod weft || fail "rmmod weft: $(lsmod | grep '^weft ')"
	dmesg_check
	log "rmmod clean"
}

trap cleanup EXIT
case_prepare
case_unprivileged_netlink
case_unprivileged_dpctl
case_netns_delete
case_rmmod
echo "PASS: test_permissions"
