#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks of kernel code that needs no kernel: kmod/flow_key.c is
# built against the small stand-ins in shim/ with ASan and UBSan, then fed
# every template frame truncated at every length and split into linear and
# paged parts at every offset (with and without failing pulls), plus random
# mutations. Fails on any out-of-bounds or stale-pointer read, on a split
# skb keyed differently from a linear one, or on a template keyed otherwise
# than flow_key_expected.txt says.
#
# usage: tests/kmod_host/run.sh [MUTATIONS [SEED]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${BUILD:-$top/build}/tests/kmod_host
mkdir -p "$out"
gcc -g -O1 -fsanitize=address,undefined -fno-sanitize=alignment \
	-fno-sanitize-recover=all -Wall -Wno-unused-function \
	-I "$here/shim" -I "$top" -I "$top/kmod" \
	"$here/flow_key_test.c" -o "$out/flow_key_test"
"$out/flow_key_test" "${1:-300000}" "${2:-1}" > "$out/flow_key.out"
grep -v extractions "$out/flow_key.out" | diff -u "$here/flow_key_expected.txt" -
grep extractions "$out/flow_key.out"
