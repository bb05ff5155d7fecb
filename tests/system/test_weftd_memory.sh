#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# weftd's memory per OpenFlow rule: one bridge, 20,000 rules of
# bench_agent's OVN-like mix (tests/bench/rule_mix.py: port
# classification, L2, prefix routes, ACLs; actions included) loaded with
# one add-flows.
#  - the daemon's RSS grows by less than MAX_BYTES_PER_RULE a rule: a rule
#    costs under 1 KB (a classifier rule keeps only the words its mask covers,
#    agent/lib/cls_rule.c; with whole flows and masks embedded it was
#    ~2.1 KB, ~42 MB here);
#  - del-flows gives the memory back: within 12 s (weftd trims its heap
#    every 5 s, agent/lib/heap.c) the RSS is under the baseline plus
#    MAX_LEFT_KIB.
# RSS is VmRSS of /proc/PID/status, read by bash.
#
# Run: scripts/vm-run tests/system/test_weftd_memory.sh [N_RULES]
. "$(dirname "$0")/weftd_lib.sh"

# An argument: another count (e.g. 100000, bench_agent's), for a
# measurement; the bound scales with it.
N_RULES=${1:-20000}
# Measured on 2026-11-27: 885 bytes a rule (17.3 MB for 20,000); the
# bound leaves a third of margin (23.4 MB for 20,000), and is half of
# what rules with whole flows and masks took (~2.1 KB).
MAX_BYTES_PER_RULE=1200
MAX_GROWTH_KIB=$((N_RULES * MAX_BYTES_PER_RULE / 1024))
MAX_LEFT_KIB=$((8 * 1024))
RULES=$WEFTD_DIR/rules.mix
RSS0=

# rss_kib: weftd's resident set in KiB.
rss_kib() {
	local k v _
	while read -r k v _; do
		[ "$k" = VmRSS: ] && { echo "$v"; return 0; }
	done <"/proc/$WEFTD_PID/status"
	return 1
}

# active_rules BR: the rules in BR's tables (dump-tables' active counts).
active_rules() {
	ofctl dump-tables "$1" | awk -F'active=' 'NF > 1 { split($2, a, ","); n += a[1] }
		END { print n + 0 }'
}

rss_below() { [ "$(rss_kib)" -lt "$1" ]; }

setup() {
	require "$WEFTD" "$VSCTL" "$OFCTL" "$PY"
	weft_load
	weftd_start || die "weftd did not start"
	vsctl add-br br0 || die "add-br br0"
	"$PY" "$WEFT_TOP/tests/bench/rule_mix.py" "$N_RULES" | sort -u >"$RULES"
	assert_eq "$N_RULES" "$(count_lines <"$RULES")" "distinct rules generated"
	ofctl del-flows br0 || die "del-flows br0"
	nap 1
	RSS0=$(rss_kib) || die "no VmRSS for weftd"
	log "baseline RSS ${RSS0} KiB"
}

case_rules_cost_little() {
	local rss1 n
	assert_ok ofctl add-flows br0 "$RULES" || return 1
	n=$(active_rules br0)
	assert_eq "$N_RULES" "$n" "rules in br0 after add-flows" || return 1
	nap 2
	rss1=$(rss_kib)
	log "RSS ${rss1} KiB with $N_RULES rules: $(((rss1 - RSS0) * 1024 / N_RULES)) bytes a rule"
	echo "rss0_kib=$RSS0 rss1_kib=$rss1 rules=$N_RULES" >"$WEFT_RESULTS/memory.txt"
	[ $((rss1 - RSS0)) -lt "$MAX_GROWTH_KIB" ] ||
		fail "RSS grew by $((rss1 - RSS0)) KiB for $N_RULES rules (bound $MAX_GROWTH_KIB KiB)"
}

case_del_flows_gives_back() {
	local left
	assert_ok ofctl del-flows br0 || return 1
	assert_eq 0 "$(active_rules br0)" "rules in br0 after del-flows" || return 1
	if ! wait_for 12 rss_below $((RSS0 + MAX_LEFT_KIB)); then
		left=$(($(rss_kib) - RSS0))
		fail "RSS still ${left} KiB above the baseline 12 s after del-flows (bound $MAX_LEFT_KIB KiB)"
		return 1
	fi
	log "RSS back to $(rss_kib) KiB (baseline ${RSS0} KiB)"
}

CASE=setup
setup
run_case rules_cost_little
run_case del_flows_gives_back
finish
