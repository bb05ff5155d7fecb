#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks of kernel code that needs no kernel, built against the
# small stand-ins in shim/ with ASan and UBSan:
#
# flow_key_test: kmod/flow_key.c is fed every template frame truncated at
# every length and split into linear and paged parts at every offset (with
# and without failing pulls), plus random mutations. Fails on any
# out-of-bounds or stale-pointer read, on a split skb keyed differently from
# a linear one, or on a template keyed otherwise than flow_key_expected.txt
# says.
#
# key_parse_test: kmod/key_parse.c, the flow key/mask validator, is fed the
# nests libweft's ovs-dpctl parser makes (agent/lib/odp_*.c), the
# same nests made wrong in each way the validator must catch, every
# truncation and type substitution of them, random byte mutations and random
# attribute trees, all checked against a model of the uapi. Alignment is
# checked here too: netlink payloads are 4-byte aligned and the parser loads
# them directly.
#
# Outputs are kept in build/tests/kmod_host/*.out.
#
# usage: tests/kmod_host/run.sh [MUTATIONS [SEED]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${BUILD:-$top/build}/tests/kmod_host
mutations=${1:-300000}
seed=${2:-1}
san="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all"
mkdir -p "$out"

# Shows a test's output when it failed.
run() {	# run NAME CMD...
	local name=$1 s=0
	shift
	"$@" >"$out/$name.out" 2>&1 || s=$?
	if [ "$s" != 0 ]; then
		tail -n 60 "$out/$name.out"
		echo "$name: FAILED (status $s), output in $out/$name.out"
		exit 1
	fi
}

gcc $san -fno-sanitize=alignment -Wall -Wno-unused-function \
	-I "$here/shim" -I "$top" -I "$top/kmod" \
	"$here/flow_key_test.c" -o "$out/flow_key_test"
run flow_key "$out/flow_key_test" "$mutations" "$seed"
grep -v extractions "$out/flow_key.out" | diff -u "$here/flow_key_expected.txt" -
grep extractions "$out/flow_key.out"

# The ovs-dpctl text parser the test takes its nests from, built here with
# the sanitizers (and without the shim: it is userspace code), so that the
# test does not depend on the rest of libweft building; build/libweft.a, if
# there, only provides what these sources may come to need beyond each other.
odp="attrbuf strbuf odp_key odp_text"
objs=
for f in $odp; do
	gcc $san -std=gnu11 -Wall -D_GNU_SOURCE -I "$top" -I "$top/include" \
		-c "$top/agent/lib/$f.c" -o "$out/$f.o"
	objs="$objs $out/$f.o"
done
lib=
[ ! -f "$top/build/libweft.a" ] || lib="$top/build/libweft.a"
libs=$(pkg-config --libs libmnl jansson 2>/dev/null || true)
gcc $san -Wall -Wno-unused-function \
	-I "$here/shim" -I "$top" -I "$top/kmod" -I "$top/include" \
	"$here/key_parse_test.c" $objs $lib $libs -o "$out/key_parse_test"
run key_parse "$out/key_parse_test" "$mutations" "$seed"
grep -E '^(truncations|types|byte mutations|random trees|key_parse):' \
	"$out/key_parse.out"
