# SPDX-License-Identifier: GPL-2.0
#
# tests/system/ovn_ovs_lib.sh: a real OVN chassis (ovsdb-server,
# ovs-vswitchd on openvswitch.ko, ovn-controller) inside a network
# namespace, as the peer of weft chassis in the OVN tests and benchmarks.
# Each chassis has its own directory (/tmp/ovs-NODE) for OVS_RUNDIR,
# OVS_DBDIR, logs and sockets, so that several run in one VM; the kernel
# keeps one ovs-system datapath per namespace.
#
#   ovs_chassis_start NODE NAME ENCAP_IP [ENCAP_TYPE]
#   ovs_chassis_port NODE PORT LSP       PORT (in NODE) on br-int, bound to LSP
#   ovs_chassis_stop NODE                `ovn-appctl exit`, then OVS stops
#   novs NODE CMD ARGS...                CMD (ovs-vsctl, ovs-ofctl,
#                                        ovs-appctl, ovs-dpctl) for NODE
#
# Needs SB_SOCK (ovn_lib.sh) and 12 s of guest uptime before ovs-vswitchd
# starts (see ovs_start in weftd_lib.sh: it waits the same).

declare -A OVS_CHASSIS_PIDS

ovs_chassis_dir() { echo "/tmp/ovs-$1"; }

novs() {
	local n=$1 d cmd
	shift
	d=$(ovs_chassis_dir "$n")
	cmd=("$1")
	shift
	[ "${cmd[0]}" = ovs-vsctl ] && cmd+=(--db=unix:"$d/db.sock" --timeout=30)
	in_ns "$n" env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" \
		OVN_RUNDIR="$d" OVN_LOGDIR="$d" OVS_SYSCONFDIR="$d" \
		OVS_PKGDATADIR=/usr/share/openvswitch \
		timeout "$CLI_TIMEOUT" "${cmd[@]}" "$@"
}

ovs_chassis_start() {
	local n=$1 name=$2 ip=$3 type=${4:-geneve} d up
	d=$(ovs_chassis_dir "$n")
	rm -rf "$d" && mkdir -p "$d" || return 1
	modprobe openvswitch || return 1
	uptime_cs
	up=$((UPTIME_CS / 100))
	[ "$up" -ge 12 ] || sleep $((12 - up))
	ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema ||
		return 1
	on_exit _ovs_chassis_exit "$n"
	novs "$n" ovsdb-server --detach --no-chdir --pidfile="$d/ovsdb-server.pid" \
		--log-file="$d/ovsdb-server.log" --remote=punix:"$d/db.sock" \
		"$d/conf.db" || return 1
	novs "$n" ovs-vsctl --no-wait init || return 1
	novs "$n" ovs-vswitchd --detach --no-chdir --pidfile="$d/ovs-vswitchd.pid" \
		--log-file="$d/ovs-vswitchd.log" unix:"$d/db.sock" || return 1
	novs "$n" ovs-vsctl add-br br-int -- set Bridge br-int fail-mode=secure \
		other-config:disable-in-band=true -- \
		set Open_vSwitch . external_ids:system-id="$name" \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type="$type" \
		external_ids:ovn-encap-ip="$ip" || return 1
	novs "$n" ovn-controller --detach --no-chdir \
		--pidfile="$d/ovn-controller.pid" \
		--log-file="$d/ovn-controller.log" unix:"$d/db.sock" || return 1
	OVS_CHASSIS_PIDS[$n]=$(cat "$d/ovn-controller.pid")
}

ovs_chassis_port() {
	novs "$1" ovs-vsctl add-port br-int "$2" -- \
		set Interface "$2" external_ids:iface-id="$3"
}

ovs_chassis_stop() {
	local n=$1 d p pid
	d=$(ovs_chassis_dir "$n")
	[ -d "$d" ] || return 0
	pid=${OVS_CHASSIS_PIDS[$n]:-}
	if [ -n "$pid" ]; then
		novs "$n" ovs-appctl -t "$d/ovn-controller.$pid.ctl" exit \
			>/dev/null 2>&1
		for ((p = 0; p < 100; p++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	for p in ovs-vswitchd ovsdb-server; do
		[ -f "$d/$p.pid" ] && kill -TERM "$(cat "$d/$p.pid")" 2>/dev/null
	done
	for ((p = 0; p < 50; p++)); do
		[ -f "$d/ovs-vswitchd.pid" ] || [ -f "$d/ovsdb-server.pid" ] || break
		sleep 0.1
	done
	for p in ovsdb-server ovs-vswitchd ovn-controller; do
		cp "$d/$p.log" "$WEFT_RESULTS/$p-$n.log" 2>/dev/null
	done
	unset "OVS_CHASSIS_PIDS[$n]"
}

_ovs_chassis_exit() {
	local d
	d=$(ovs_chassis_dir "$1")
	ovs_chassis_stop "$1"
	in_ns "$1" ovs-dpctl del-dp ovs-system >/dev/null 2>&1
	rm -rf "$d"
}
