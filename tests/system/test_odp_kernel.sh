#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# The flow text codec against weft.ko: the attributes the codec makes from
# each flow and action list of its corpus go through the module's strict
# policies, and what the module dumps back prints as the same text.
#
#   dp0 (no ports: flows need none to be installed and dumped)
#
#   flows     every corpus flow is installed, or refused by the module for a
#             reason of meaning (an unmet prerequisite: "... needs ..."),
#             never for its form (policy, length, unknown attribute); a flow
#             without partial masks dumps as its own canonical text
#   actions   every corpus action list, under a flow that meets its
#             prerequisites, is installed or refused for a reason of meaning
#             (a field a set cannot write, ...), and dumps as its canonical
#             text
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KO=${WEFT_KO:-$TOP/weft.ko}
[ -f "$KO" ] || KO=$TOP/kmod/weft.ko
DPCTL=$TOP/build/weft-dpctl
ODP=$TOP/build/tests/tools/weft-odp
CASE=setup
FAILS=0

log() { printf '[%(%T)T] %s: %s\n' -1 "$CASE" "$*"; }
fail() { echo "FAIL: $CASE: $*" >&2; FAILS=$((FAILS + 1)); }

# Refusals for what a flow means, not for its form; any other refusal says
# that the codec and the module disagree on the ABI (or on netlink).
MEANING='needs |cannot be set|cannot |must be|must have|exactly one header|not supported|range'

setup() {
	[ -x "$DPCTL" ] && [ -x "$ODP" ] || { fail "run make first"; return 1; }
	lsmod | grep -q '^weft ' && rmmod weft
	insmod "$KO" || { fail "insmod $KO"; return 1; }
	"$DPCTL" add-dp dp0 || { fail "add-dp dp0"; return 1; }
}

# batch FILE: runs the tab-separated weft-dpctl commands of FILE in one
# weft-dpctl --batch (a process start costs up to a second in a loaded TCG
# guest, and each corpus item takes three commands); SEC_TEXT[k] and
# SEC_RC[k] get the output (stderr included) and status of command k.
SEC_TEXT=() SEC_RC=()
batch() {
	local line text= k=0

	SEC_TEXT=() SEC_RC=()
	while IFS= read -r line; do
		if [[ $line =~ ^---\ ([0-9]+)$ ]]; then
			SEC_TEXT[k]=${text%$'\n'}
			SEC_RC[k]=${BASH_REMATCH[1]}
			k=$((k + 1))
			text=
		else
			text+=$line$'\n'
		fi
	done < <("$DPCTL" --batch <"$1" 2>&1)
	[ "$k" = "$(wc -l <"$1")" ] ||
		fail "weft-dpctl --batch answered $k of $(wc -l <"$1") commands"
}

# try_all FILE: each line of FILE is "FLOW<tab>ACTIONS"; installs each
# alone (del-flows, add-flow, dump-flows). Then for item j: TRY_RC[j] is
# add-flow's status, TRY_OUT[j] its refusal, DUMPED[j] the flow's dump line.
try_all() {
	local j=0 f a cmds=$1.cmds

	: >"$cmds"
	while IFS=$'\t' read -r f a; do
		printf 'del-flows\tdp0\nadd-flow\tdp0\t%s\t%s\ndump-flows\tdp0\n' \
			"$f" "$a" >>"$cmds"
	done <"$1"
	batch "$cmds"
	TRY_RC=() TRY_OUT=() DUMPED=()
	while [ $((3 * j + 2)) -lt ${#SEC_RC[@]} ]; do
		TRY_RC[j]=${SEC_RC[3 * j + 1]}
		TRY_OUT[j]=${SEC_TEXT[3 * j + 1]}
		DUMPED[j]=${SEC_TEXT[3 * j + 2]%%$'\n'*}
		j=$((j + 1))
	done
}

case_flows() {
	local f want got out n=0 refused=0 i=-1 j=-1 items=/tmp/odp_flows.$$
	local -a corpus wants masked=()

	CASE=flows
	# The canonical texts of the whole corpus from one weft-odp: it
	# prints one line per line read.
	mapfile -t corpus < <("$ODP" corpus flows)
	mapfile -t wants < <(printf '%s\n' "${corpus[@]}" | "$ODP" flow)
	for f in "${corpus[@]}"; do
		[ -z "$f" ] || printf '%s\t2\n' "$f"
	done >"$items"
	try_all "$items"
	for f in "${corpus[@]}"; do
		i=$((i + 1))
		[ -n "$f" ] || continue
		n=$((n + 1))
		j=$((j + 1))
		if [ "${TRY_RC[j]:-1}" != 0 ]; then
			out=${TRY_OUT[j]:-no answer from weft-dpctl --batch}
			refused=$((refused + 1))
			log "refused: $f: $out"
			grep -qE -- "$MEANING" <<<"$out" ||
				fail "refused for its form: $f: $out"
			continue
		fi
		want=${wants[i]}
		got=${DUMPED[j]%%, packets:*}
		# The module clears key bits outside a partial mask: those
		# dumps must parse (checked below, in one weft-odp).
		case $f in */*) masked+=("$got"); continue ;; esac
		[ "$want" = "$got" ] || fail "'$f' dumps as '$got'"
	done
	if [ ${#masked[@]} -gt 0 ]; then
		i=0
		while IFS= read -r out; do
			case $out in
			error:*) fail "dump does not parse: ${masked[i]}: $out" ;;
			esac
			i=$((i + 1))
		done < <(printf '%s\n' "${masked[@]}" | "$ODP" flow)
		[ "$i" = ${#masked[@]} ] ||
			fail "weft-odp printed $i lines for ${#masked[@]} dumps"
	fi
	log "$n flows, $refused refused by the module"
}

# A flow that meets the prerequisites of the headers action list $1 sets.
flow_for() {
	local ip4='in_port(1),eth(),eth_type(0x0800)'
	local ip6='in_port(1),eth(),eth_type(0x86dd)'

	case $1 in
	*nd\(*) echo "$ip6,ipv6(proto=58,frag=no),icmpv6(type=135,code=0),nd()" ;;
	*icmpv6\(*) echo "$ip6,ipv6(proto=58,frag=no),icmpv6()" ;;
	*ipv6\(*) echo "$ip6,ipv6(frag=no)" ;;
	*arp\(*) echo 'in_port(1),eth(),eth_type(0x0806),arp()' ;;
	*icmp\(*) echo "$ip4,ipv4(proto=1,frag=no),icmp()" ;;
	*udp\(*) echo "$ip4,ipv4(proto=17,frag=no),udp()" ;;
	*sctp\(*) echo "$ip4,ipv4(proto=132,frag=no),sctp()" ;;
	*) echo "$ip4,ipv4(proto=6,frag=no),tcp()" ;;
	esac
}

# masked_values: a masked set writes value & mask and nothing else, and the
# module keeps (and dumps) the value that way, as a canonical form: print
# each "field=VALUE/MASK" of stdin with VALUE replaced by VALUE & MASK.
masked_values() {
	python3 -c '
import ipaddress, re, sys

def band(v, m):
    if ":" in v and len(v.split(":")) == 6 and "." not in v:
        return ":".join("%02x" % (int(a, 16) & int(b, 16))
                        for a, b in zip(v.split(":"), m.split(":")))
    for cls in (ipaddress.IPv4Address, ipaddress.IPv6Address):
        try:
            return str(cls(int(cls(v)) & int(cls(m))))
        except ValueError:
            pass
    try:
        r = int(v, 0) & int(m, 0)
        return hex(r) if v.startswith("0x") else str(r)
    except ValueError:
        return v

def fix(mo):
    return "%s=%s/%s" % (mo.group(1), band(mo.group(2), mo.group(3)),
                         mo.group(3))

for line in sys.stdin:
    print(re.sub(r"(\w+)=([^,/()]+)/([^,()]+)", fix, line.rstrip("\n")))
'
}

case_actions() {
	local a want got out n=0 refused=0 i=-1 items=/tmp/odp_actions.$$
	local -a corpus wants

	CASE=actions
	mapfile -t corpus < <("$ODP" corpus actions)
	mapfile -t wants < <(printf '%s\n' "${corpus[@]}" | "$ODP" actions |
		masked_values)
	[ ${#wants[@]} = ${#corpus[@]} ] ||
		fail "weft-odp printed ${#wants[@]} lines for ${#corpus[@]}"
	for a in "${corpus[@]}"; do
		printf '%s\t%s\n' "$(flow_for "$a")" "$a"
	done >"$items"
	try_all "$items"
	for a in "${corpus[@]}"; do
		i=$((i + 1))
		n=$((n + 1))
		if [ "${TRY_RC[i]:-1}" != 0 ]; then
			out=${TRY_OUT[i]:-no answer from weft-dpctl --batch}
			refused=$((refused + 1))
			log "refused: $a: $out"
			grep -qE -- "$MEANING" <<<"$out" ||
				fail "refused for its form: $a: $out"
			continue
		fi
		want=${wants[i]}
		got=${DUMPED[i]##*, actions:}
		[ "$want" = "$got" ] || fail "'$a' dumps as '$got'"
	done
	log "$n action lists, $refused refused by the module"
}

setup || exit 1
case_flows
case_actions
"$DPCTL" del-dp dp0
rmmod weft || fail "rmmod"
[ $FAILS = 0 ] && { echo "PASS"; exit 0; }
echo "FAILED: $FAILS" >&2
exit 1
