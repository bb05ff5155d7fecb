# SPDX-License-Identifier: GPL-2.0
#
# tests/system/cni_lib.sh: helpers for the weft-cni tests (issue 9),
# test_cni_*.sh. It sources weftd_lib.sh.
#
# Pods are network namespaces ("ip netns", /run/netns/NAME) attached by
# tests/tools/cni_run.py, a small runtime that runs conflists as libcni
# does, with weft-cni and Debian's reference plugins (containernetworking-
# plugins) on CNI_PATH. host-local keeps its leases in $CNI_DATA.
#
#   cni_net NAME FILE [EXTRA-JSON]   write a conflist: weft-cni on br-int
#                                    with host-local on 10.22.0.0/24,
#                                    EXTRA merged into weft-cni's config
#                                    ("_noroute": no default route,
#                                    "_chain": plugins after weft-cni)
#   cni ADD|CHECK|DEL|GC|STATUS FILE [ID NETNS-NAME IFNAME] [--opts...]
#   pod_add NAME                     a namespace for a pod
#   leases                           host-local leases held
#   weft_veths                       host veths named weft*
#   weft_ports                       ports on br-int

declare -F weftd_start >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/weftd_lib.sh"

CNI_RUN="$PY $WEFT_TOP/tests/tools/cni_run.py"
CNI_BIN=$WEFT_TOP/build/weft-cni
CNI_DIR=$(mktemp -d /tmp/cni.XXXXXX)
CNI_DATA=$CNI_DIR/ipam
CNI_CACHE=$CNI_DIR/cache
export CNI_PATH=$WEFT_TOP/build:/usr/lib/cni
on_exit rm -rf "$CNI_DIR"

# The runtime and the JSON checks run in one python3 for the whole test
# (pyserve.py, see py_call in lib.sh), not one python3 for each.
py_serve_start

# cni_net NAME FILE [EXTRA] [SUBNET]
cni_net() {
	local name=$1 file=$2 extra=${3:-"{}"} subnet=${4:-10.22.0.0/24}
	py_call cni_net "$name" "$file" "$extra" "$subnet" "$CNI_DATA" \
		"${CNI_VERSION:-1.1.0}"
}

# cni CMD FILE [ID NS IFNAME] [OPTIONS...]: the runtime (cni_run.py);
# NS is a name under /run/netns ("" for none).
cni() {
	local cmd=$1 file=$2 opts=()
	shift 2
	local id=${1:-} ns=${2:-} ifn=${3:-}
	[ $# -ge 3 ] && shift 3 || shift $#
	py_call cni_run --cache "$CNI_CACHE" "$@" "$cmd" "$file" \
		"$id" "${ns:+/run/netns/$ns}" "$ifn"
}

# cni_err_code OUTPUT: the "code" of an error object.
cni_err_code() { py_call -i "$1" json_get 'r["code"]' 2>/dev/null; }
cni_err_msg() { py_call -i "$1" json_get 'r["msg"]' 2>/dev/null; }

# json_get JSON PYEXPR: evaluate PYEXPR on the parsed JSON "r".
json_get() { py_call -i "$1" json_get "$2"; }

pod_add() {
	netns_add "$@"
}

# (Counted by bash, not by find, grep or wc: see count_matching.)
leases() {
	local f n=0 had
	had=$(shopt -p globstar)
	shopt -s globstar
	for f in "$CNI_DATA"/**; do
		[ -f "$f" ] || continue
		case ${f##*/} in last_reserved_ip* | lock) ;; *) n=$((n + 1)) ;; esac
	done
	$had
	echo "$n"
}
weft_veths() { ip -o link show | count_matching ': weft[0-9a-f]{11}[@:]' ; }
weft_ports() { vsctl list-ports br-int | count_matching '^weft' ; }

# cni_clean_check WHAT: no lease, no weft veth, no weft port remains.
cni_clean_check() {
	assert_eq 0 "$(leases)" "$1: leases left"
	assert_eq 0 "$(weft_veths)" "$1: weft veths left"
	assert_eq 0 "$(weft_ports)" "$1: weft ports left"
}

# cni_setup: veth, weft.ko, weftd with br-int.
cni_setup() {
	modprobe veth
	modprobe 8021q
	require "$WEFTD" "$VSCTL" "$CNI_BIN" /usr/lib/cni/host-local
	weft_load
	weftd_start || die "weftd did not start"
	vsctl add-br br-int || die "add-br br-int"
}
