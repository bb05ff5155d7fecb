# SPDX-License-Identifier: GPL-2.0
#
# tests/system/ovn_dgp_lib.sh: checks for the distributed gateway port
# tests (test_ovn_dgp, test_ovn_dgp_interop): who holds a chassisredirect
# port, what a capture saw, what a weft chassis' tables hold.
#
#   pb_col LPORT COLUMN               a Port_Binding column (--bare)
#   chassis_uuid NAME                 the Chassis row's UUID
#   claimed_by NAME [LPORT]           LPORT (cr-lr1-ext) is bound to NAME
#   capture NODE IFACE NAME FILTER -- COMMAND...
#                                     COMMAND under a capture on NODE's
#                                     IFACE; prints the packets decoded,
#                                     one line each (also NAME.txt)
#   geneve_has DECODED VNI EGRESS SRC DST [FROM]
#                                     a GENEVE packet (from FROM) with VNI
#                                     and OVN's egress port key, an ICMP
#                                     SRC > DST inside
#   flow_has NODE TABLE DP PORT REGEX a weft rule of TABLE for datapath
#                                     key DP, outport key PORT

pb_col() {
	sbctl --bare --columns="$2" find Port_Binding logical_port="$1"
}

chassis_uuid() { sbctl --bare --columns=_uuid find Chassis name="$1"; }

claimed_by() {
	local lp=${2:-cr-lr1-ext}
	[ -n "$(pb_col "$lp" chassis)" ] &&
		[ "$(pb_col "$lp" chassis)" = "$(chassis_uuid "$1")" ]
}

# capture NODE IFACE NAME FILTER -- COMMAND...: COMMAND with a capture
# on NODE's IFACE; the packets decoded (one line each) into
# $WEFT_RESULTS/NAME.txt and printed.
capture() {
	local node=$1 ifc=$2 name=$3 filter=$4 cap=$WEFTD_DIR/$3.pcap
	shift 5
	tcpdump_start "$node" "$ifc" "$cap" $filter
	"$@" >/dev/null 2>&1
	tcpdump_stop
	save "$cap"
	tcpdump -n -vv -r "$cap" 2>/dev/null |
		awk '/^[^ \t]/ { if (r) print r; r = $0; next }
		     { r = r " " $0 } END { if (r) print r }' \
		>"$WEFT_RESULTS/$name.txt"
	cat "$WEFT_RESULTS/$name.txt"
}

# geneve_has DECODED VNI EGRESS SRC DST [FROM]: a GENEVE packet with VNI
# and OVN's option's egress port key, whose inner packet is SRC > DST
# ICMP (and whose outer source is FROM).
geneve_has() {
	local vni egress from=${6:-[0-9.]+}
	vni=$(printf '0x%x' "$2")
	egress=$(printf '%04x' "$3")
	grep -E "${from//./\\.}\.[0-9]+ > [0-9.]+\.6081: .*vni $vni,.* data [0-9a-f]{4}$egress[] ]" <<<"$1" |
		grep -qE "$4 > $5: ICMP"
}

# flow_has NODE TABLE DP PORT REGEX: a rule of NODE's br-int TABLE for
# logical datapath DP and outport PORT (keys) matching REGEX.
flow_has() {
	nofctl "$1" dump-flows br-int table="$2" |
		grep -E "reg15=$(printf 0x%x "$4")( |,|$)" |
		grep -E "metadata=$(printf 0x%x "$3")( |,|$)" | grep -qE "$5"
}
