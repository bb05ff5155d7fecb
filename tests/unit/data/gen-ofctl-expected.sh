#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# gen-ofctl-expected.sh: regenerates ofctl_flows.expected, the oracle for
# tests/unit/check_ofp.c, from the real ovs-ofctl (Debian 12: OVS 3.1).
# Run it by hand after changing ofctl_flows.txt and commit both files; the
# unit tests never run ovs-ofctl themselves.
#
# Why "-O OpenFlow14": without -O, ovs-ofctl picks one protocol for the
# whole file from the intersection of what every flow can use, so one flow
# changes how all the others print (mod_dl_src vs set_field, goto_table vs
# resubmit, "table:255" for no table). With OpenFlow 1.4 only, each flow
# prints the same whatever surrounds it, every action weft supports prints
# as itself (goto_table, set_field, load, mod_nw_ttl), and importance is
# kept (1.3 drops it). weft's formatter prints that form.
#
# The output is kept verbatim ("usable protocols"/"chosen protocol" header
# and "OFPT_FLOW_MOD (OF1.4) (xid=0xN): " prefixes included); check_ofp.c
# strips them. ovs-ofctl's warnings go to stderr and are dropped.
set -eu
cd "$(dirname "$0")"
command -v ovs-ofctl >/dev/null || { echo "$0: needs ovs-ofctl" >&2; exit 1; }
ovs-ofctl -O OpenFlow14 parse-flows ofctl_flows.txt 2>/dev/null \
	>ofctl_flows.expected.tmp
mv ofctl_flows.expected.tmp ofctl_flows.expected
echo "$0: $(grep -c '^OFPT_FLOW_MOD' ofctl_flows.expected) flows"
