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

# cni_net NAME FILE [EXTRA] [SUBNET]
cni_net() {
	local name=$1 file=$2 extra=${3:-"{}"} subnet=${4:-10.22.0.0/24}
	$PY - "$name" "$file" "$extra" "$subnet" "$CNI_DATA" "${CNI_VERSION:-1.1.0}" <<'EOF'
import json, sys
name, file, extra, subnet, data, ver = sys.argv[1:]
net = {"type": "weft-cni", "bridge": "br-int",
       "ipam": {"type": "host-local", "dataDir": data,
                "ranges": [[{"subnet": subnet}]],
                "routes": [{"dst": "0.0.0.0/0"}]}}
extra = json.loads(extra)
if extra.pop("_noroute", False):
    net["ipam"].pop("routes")
net.update(extra)
if net.get("ipam") is None:
    net.pop("ipam")
plugins = net.pop("_chain", [])
json.dump({"cniVersion": ver, "name": name, "plugins": [net] + plugins},
          open(file, "w"), indent=1)
EOF
}

# cni CMD FILE [ID NS IFNAME] [OPTIONS...]: the runtime; NS is a name
# under /run/netns ("" for none).
cni() {
	local cmd=$1 file=$2 opts=()
	shift 2
	local id=${1:-} ns=${2:-} ifn=${3:-}
	[ $# -ge 3 ] && shift 3 || shift $#
	timeout 120 $CNI_RUN --cache "$CNI_CACHE" "$@" "$cmd" "$file" \
		"$id" "${ns:+/run/netns/$ns}" "$ifn"
}

# cni_err_code OUTPUT: the "code" of an error object.
cni_err_code() { $PY -c 'import json,sys; print(json.loads(sys.stdin.read())["code"])' <<<"$1" 2>/dev/null; }
cni_err_msg() { $PY -c 'import json,sys; print(json.loads(sys.stdin.read())["msg"])' <<<"$1" 2>/dev/null; }

# json_get JSON PYEXPR: evaluate PYEXPR on the parsed JSON "r".
json_get() { $PY -c 'import json,sys; r=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$2" <<<"$1"; }

pod_add() {
	netns_add "$@"
}

leases() { find "$CNI_DATA" -type f ! -name 'last_reserved_ip*' ! -name lock 2>/dev/null | wc -l; }
weft_veths() { ip -o link show | grep -c ': weft[0-9a-f]\{11\}[@:]' ; }
weft_ports() { vsctl list-ports br-int | grep -c '^weft' ; }

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
