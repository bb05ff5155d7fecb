#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# The compact flow key (WEFT_F_KEY_COMPACT, struct weft_key_compact) on the
# real module: weft-compactkey sends flow requests whose key and mask are
# compact, hostile (wrong sizes, unknown versions, reserved bits, fields the
# key's eth_type/ip_proto do not have, values and masks beyond a field's
# width, unmet prerequisites, both forms at once) and valid (IPv4/UDP,
# IPv6/TCP with label and flags masks, ARP, ND, a VLAN tag, ct fields after
# a recirculation). Each hostile request must fail with EINVAL and an extack
# message naming what is wrong; each valid flow must be the very flow its
# ovs-dpctl text installs (same masked key and mask: the attribute form's
# put of it is EEXIST) and read back the same. The kernel log stays clean.
#
#   dp cpk0 (no ports: flows only), created and deleted by weft-compactkey
. "$(dirname "$0")/lib.sh"

COMPACTKEY=$TOOLS/weft-compactkey

setup() {
	require "$COMPACTKEY"
	weft_load
}

case_checks() {
	local out rc n
	out=$("$COMPACTKEY" cpk0 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = 0 ] || fail "weft-compactkey exited $rc"
	# The tool ran every case: 31 hostile, 6 valid.
	n=$(grep -c '^ok ' <<<"$out")
	[ "$n" = 37 ] || fail "$n cases passed, 37 expected"
	grep -q '^PASSED$' <<<"$out" || fail "no PASSED line"
}

setup
run_case checks
finish
