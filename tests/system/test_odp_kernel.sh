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

log() { echo "[$(date +%T)] $CASE: $*"; }
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

# first_flow FIELD: "match" or "actions" of the one flow in dp0. (Shell
# string operations: a process start costs up to a second in a loaded TCG
# guest, and the loops below run hundreds of times.)
first_flow() {
	local line

	line=$("$DPCTL" dump-flows dp0)
	line=${line%%$'\n'*}
	if [ "$1" = match ]; then
		printf '%s\n' "${line%%, packets:*}"
	else
		printf '%s\n' "${line##*, actions:}"
	fi
}

# try FLOW ACTIONS: installs it; echoes the module's refusal, if any.
try() {
	local out

	"$DPCTL" del-flows dp0 >/dev/null 2>&1
	out=$("$DPCTL" add-flow dp0 "$1" "$2" 2>&1) && return 0
	echo "$out"
	return 1
}

case_flows() {
	local f want got out n=0 refused=0 i=-1
	local -a corpus wants

	CASE=flows
	# The canonical texts of the whole corpus from one weft-odp: it
	# prints one line per line read.
	mapfile -t corpus < <("$ODP" corpus flows)
	mapfile -t wants < <(printf '%s\n' "${corpus[@]}" | "$ODP" flow)
	for f in "${corpus[@]}"; do
		i=$((i + 1))
		[ -n "$f" ] || continue
		n=$((n + 1))
		if ! out=$(try "$f" 2); then
			refused=$((refused + 1))
			log "refused: $f: $out"
			grep -qE -- "$MEANING" <<<"$out" ||
				fail "refused for its form: $f: $out"
			continue
		fi
		want=${wants[i]}
		got=$(first_flow match)
		# The module clears key bits outside a partial mask.
		case $f in */*) printf '%s\n' "$got" | "$ODP" flow >/dev/null ||
				fail "dump does not parse: $got"; continue ;; esac
		[ "$want" = "$got" ] || fail "'$f' dumps as '$got'"
	done
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
	local a want got out n=0 refused=0 i=-1
	local -a corpus wants

	CASE=actions
	mapfile -t corpus < <("$ODP" corpus actions)
	mapfile -t wants < <(printf '%s\n' "${corpus[@]}" | "$ODP" actions |
		masked_values)
	[ ${#wants[@]} = ${#corpus[@]} ] ||
		fail "weft-odp printed ${#wants[@]} lines for ${#corpus[@]}"
	for a in "${corpus[@]}"; do
		i=$((i + 1))
		n=$((n + 1))
		if ! out=$(try "$(flow_for "$a")" "$a"); then
			refused=$((refused + 1))
			log "refused: $a: $out"
			grep -qE -- "$MEANING" <<<"$out" ||
				fail "refused for its form: $a: $out"
			continue
		fi
		want=${wants[i]}
		got=$(first_flow actions)
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
