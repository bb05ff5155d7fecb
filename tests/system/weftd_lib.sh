# SPDX-License-Identifier: GPL-2.0
#
# tests/system/weftd_lib.sh: helpers for the system tests of weftd (issue 4)
# and for tests/bench/bench_agent.sh. It sources lib.sh, so a test sources
# only this file:
#
#   . "$(dirname "$0")/weftd_lib.sh"
#   weft_load
#   weftd_start || die "weftd did not start"
#   vsctl add-br br0
#
# weftd runs in the foreground as a child of the test, with its control
# socket, conf.json, pidfile and log in a private directory under /tmp (a
# tmpfs in the VM; the root is read-only). WEFT_SOCKET points every CLI at
# that socket. weftd is stopped (SIGTERM, then SIGKILL) when the test exits
# and its log is saved to results/<test>/.
#
# The OVS side (ovs_start): ovsdb-server and ovs-vswitchd on openvswitch.ko
# with a private database and run directory (OVS_RUNDIR and friends), so
# that ovs-vsctl, ovs-ofctl and ovs-appctl find them and nothing under
# /var/run/openvswitch or /etc is used.
#
# Traffic helpers drive tests/system's embedded python (weftd_traffic.py,
# written into the private directory): UDP flows and streams through the
# namespaces' own stacks, counting sinks, and raw control-socket clients.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WEFTD=$WEFT_TOP/build/weftd
VSCTL=$WEFT_TOP/build/weft-vsctl
APPCTL=$WEFT_TOP/build/weft-appctl
OFCTL=$WEFT_TOP/build/weft-ofctl
TRACE=$WEFT_TOP/build/weft-trace
PY=/usr/bin/python3

WEFTD_DIR=$(mktemp -d /tmp/weftd.XXXXXX)
WEFTD_SOCK=$WEFTD_DIR/weftd.sock
WEFTD_CONF=$WEFTD_DIR/conf.json
WEFTD_PIDFILE=$WEFTD_DIR/weftd.pid
WEFTD_LOG=$WEFTD_DIR/weftd.log
WEFTD_PID=
export WEFT_SOCKET=$WEFTD_SOCK
on_exit rm -rf "$WEFTD_DIR"

# A CLI that hangs must not hang the test: every call is bounded.
CLI_TIMEOUT=${CLI_TIMEOUT:-60}

# Through the CLIs' own servers (srv_start in lib.sh: one fork per
# command instead of two process starts) once cli_serve_start has run in
# the test's shell (weftd_start does); by a process of their own before.
vsctl() { _cli vsctl "$VSCTL" --timeout=30 "$@"; }
appctl() { _cli appctl "$APPCTL" --timeout=30 "$@"; }
ofctl() { _cli ofctl "$OFCTL" "$@"; }

cli_serve_start() {
	[ "$BASHPID" = "$$" ] || return 0
	srv_start vsctl "$VSCTL" --serve-tests
	srv_start ofctl "$OFCTL" --serve-tests
	srv_start appctl "$APPCTL" --serve-tests
	dpctl_serve_start
}

# _cli NAME BINARY ARG...: stdin goes to the command when an argument is
# "-" (add-flows BR -), as it would to the process.
_cli() {
	local name=$1 bin=$2 a in=
	shift 2
	if ! srv_running "$name"; then
		timeout "$CLI_TIMEOUT" "$bin" "$@"
		return
	fi
	for a in "$@"; do
		if [ "$a" = - ]; then
			IFS= read -r -d '' in
			break
		fi
	done
	srv_call "$name" -i "$in" run "$@"
}
wtrace() { timeout "$CLI_TIMEOUT" "$TRACE" "$@"; }

# ---- weftd -------------------------------------------------------------------

# weftd_ready: the daemon answers on its socket.
weftd_ready() {
	timeout 10 "$APPCTL" --timeout=5 version >/dev/null 2>&1
}

weftd_alive() {
	[ -n "$WEFTD_PID" ] && kill -0 "$WEFTD_PID" 2>/dev/null
}

# weftd_start [ARG...]: start weftd (foreground, in the background of the
# test) on the private socket and conf, and wait until it answers (up to
# 60 s: a loaded TCG guest is slow). Returns 1, with the log's tail on
# stderr, if it exits or never answers.
weftd_start() {
	local i
	echo "---- weftd_start $* ($(date +%T.%N))" >>"$WEFTD_LOG"
	"$WEFTD" --socket="$WEFTD_SOCK" --conf="$WEFTD_CONF" \
		--pidfile="$WEFTD_PIDFILE" "$@" >>"$WEFTD_LOG" 2>&1 &
	WEFTD_PID=$!
	if [ "${_WEFTD_ON_EXIT:-0}" = 0 ]; then
		on_exit _weftd_exit
		_WEFTD_ON_EXIT=1
	fi
	for ((i = 0; i < 600; i++)); do
		if ! weftd_alive; then
			wait "$WEFTD_PID" 2>/dev/null
			echo "weftd exited with status $? before answering:" >&2
			tail -n 20 "$WEFTD_LOG" >&2
			WEFTD_PID=
			return 1
		fi
		weftd_ready && {
			phase "weftd answers"
			cli_serve_start
			return 0
		}
		nap 0.1
	done
	echo "weftd (pid $WEFTD_PID) did not answer within 60 s:" >&2
	tail -n 20 "$WEFTD_LOG" >&2
	return 1
}

# weftd_stop: SIGTERM and wait for the exit (weftd promises a bounded
# shutdown: 15 s here); SIGKILL and return 1 when it does not come.
weftd_stop() {
	local i pid=$WEFTD_PID
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		nap 0.1
	done
	WEFTD_PID=
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		echo "weftd did not exit within 15 s of SIGTERM" >&2
		return 1
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# weftd_kill: SIGKILL, as a crash would.
weftd_kill() {
	local pid=$WEFTD_PID
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	WEFTD_PID=
}

_weftd_exit() {
	weftd_stop
	cp "$WEFTD_LOG" "$WEFT_RESULTS/weftd.log" 2>/dev/null
	[ -f "$WEFTD_CONF" ] && cp "$WEFTD_CONF" "$WEFT_RESULTS/conf.json" 2>/dev/null
	return 0
}

# weftd_log_since MARK: the log lines written since weftd_log_mark.
weftd_log_mark() { wc -l <"$WEFTD_LOG" 2>/dev/null || echo 0; }
weftd_log_since() { tail -n +"$(($1 + 1))" "$WEFTD_LOG"; }

# ---- time ------------------------------------------------------------------

# (Bash's clock and arithmetic, no date or awk: under TCG each process
# start costs up to a second, and until_deadline asks ten times a second.)
now() { echo "${EPOCHREALTIME/,/.}"; }

# _usecs T: sets _USECS to T ("SECS[.FRACTION]") in microseconds.
_usecs() {
	local i=${1%%.*} f=
	[ "$i" = "$1" ] || f=${1#*.}
	f=${f}000000
	_USECS=$((10#${i:-0} * 1000000 + 10#${f:0:6}))
}

# elapsed_over T0 SECS: more than SECS seconds have passed since T0 (now).
elapsed_over() {
	local t0 secs
	_usecs "$1"; t0=$_USECS
	_usecs "$2"; secs=$_USECS
	_usecs "$(now)"
	[ $((_USECS - t0)) -gt "$secs" ]
}

# until_deadline SECS CMD...: run CMD every 0.1 s until it succeeds (0) or
# SECS seconds of wall clock have passed (1), however long CMD takes. CMD
# is run again each time: give a function (or eval 'TEXT'), not "$(...)"
# (expanded once, before the first try).
until_deadline() {
	local t0 secs=$1
	shift
	t0=$(now)
	until "$@" >/dev/null 2>&1; do
		elapsed_over "$t0" "$secs" && return 1
		nap 0.1
	done
}

# ---- bridges and rules -------------------------------------------------------

# br_add_ports BR NAME:OFPORT...: add-br (if needed) and each port with
# ofport_request=OFPORT, in one transaction.
br_add_ports() {
	local br=$1 p args=()
	shift
	vsctl br-exists "$br" 2>/dev/null || args+=(add-br "$br" --)
	for p in "$@"; do
		args+=(add-port "$br" "${p%%:*}" -- set Interface "${p%%:*}"
		       "ofport_request=${p#*:}" --)
	done
	unset 'args[${#args[@]}-1]'
	vsctl "${args[@]}"
}

# ofport_of IFACE: the OpenFlow port number the Interface got.
ofport_of() { vsctl get Interface "$1" ofport; }

# rules_count BR [TABLE]: rules that dump-flows prints.
rules_count() {
	ofctl dump-flows "$1" ${2:+"table=$2"} | count_matching 'actions='
}

# rule_stat BR REGEX FIELD: n_packets or n_bytes (FIELD) of the one rule of
# dump-flows whose line matches REGEX (extended); empty when none matches.
rule_stat() {
	ofctl dump-flows "$1" | grep -E -- "$2" | head -n 1 |
		sed -n "s/.*[ ,]$3=\([0-9]*\).*/\1/p"
}

# has_default_normal BR: the bridge has OVS's default rule for a new bridge.
has_default_normal() {
	ofctl dump-flows "$1" 2>/dev/null |
		grep -qiE '(^|[ ,])priority=0 actions=NORMAL$|^ *cookie=[^ ]*, duration=[^ ]*, table=0, n_packets=[0-9]+, n_bytes=[0-9]+, (priority=0 )?actions=NORMAL$'
}

# ---- datapath flows ----------------------------------------------------------

# dp_flows: every flow of every weft datapath, in weft-dpctl's text (one
# line each, "-m": with UFIDs).
dp_flows() {
	local dp
	for dp in $(dpctl_served dump-dps 2>/dev/null); do
		dpctl_served dump-flows -m "$dp" 2>/dev/null
	done
}

# dp_flow_count [EREGEX]: how many of them match EREGEX.
dp_flow_count() {
	dp_flows | count_matching "${1:-.}"
}

# dp_flows_none [EREGEX]: no weft datapath flow matches EREGEX.
dp_flows_none() { [ "$(dp_flow_count "$@")" = 0 ]; }

# ovs_dp_flow_count [EREGEX]: the same for openvswitch.ko's datapaths.
ovs_dp_flow_count() {
	ovs-appctl dpctl/dump-flows -m 2>/dev/null | count_matching "${1:-.}"
}

ovs_dp_flows_none() { [ "$(ovs_dp_flow_count "$@")" = 0 ]; }

# ---- OVS -------------------------------------------------------------------------

OVS_DIR=

# ovs_start: ovsdb-server + ovs-vswitchd (system datapath, openvswitch.ko)
# in a private directory, stopped at exit. Not before 12 s of guest
# uptime: OVS 3.1's count_cpu_cores() refreshes its count every 10 s of
# CLOCK_MONOTONIC, from 0, so before 10 s of uptime it says 0 CPUs; the
# per-CPU upcall dispatch is then set up with 0 handler threads, and the
# datapath may lose every upcall (ovs-dpctl show: missed == lost) until
# ovs-vswitchd restarts. Seen with the one-vCPU guests, whose tests reach
# this point at ~8 s.
ovs_start() {
	local up
	modprobe openvswitch || die "modprobe openvswitch"
	OVS_DIR=$(mktemp -d /tmp/ovs.XXXXXX)
	export OVS_RUNDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR \
		OVS_SYSCONFDIR=$OVS_DIR OVS_PKGDATADIR=/usr/share/openvswitch
	uptime_cs
	up=$((UPTIME_CS / 100))
	[ "$up" -ge 12 ] || { phase "ovs_start waits for 12 s of uptime"; sleep $((12 - up)); }
	ovsdb-tool create "$OVS_DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema ||
		die "ovsdb-tool create"
	ovsdb-server --detach --no-chdir --pidfile="$OVS_DIR/ovsdb-server.pid" \
		--log-file="$OVS_DIR/ovsdb-server.log" \
		--remote=punix:"$OVS_DIR/db.sock" "$OVS_DIR/conf.db" ||
		die "ovsdb-server did not start"
	on_exit _ovs_exit
	ovs-vsctl --db=unix:"$OVS_DIR/db.sock" --no-wait init || die "ovs-vsctl init"
	ovs-vswitchd --detach --no-chdir --pidfile="$OVS_DIR/ovs-vswitchd.pid" \
		--log-file="$OVS_DIR/ovs-vswitchd.log" unix:"$OVS_DIR/db.sock" ||
		die "ovs-vswitchd did not start"
	export OVS_DB=unix:$OVS_DIR/db.sock
	wait_for 60 ovs-appctl -t ovs-vswitchd version || die "ovs-vswitchd does not answer"
	phase "ovs-vswitchd answers"
}

ovs_vsctl() { timeout "$CLI_TIMEOUT" ovs-vsctl --db="$OVS_DB" --timeout=30 "$@"; }
ovs_ofctl() { timeout "$CLI_TIMEOUT" ovs-ofctl "$@"; }
ovs_appctl() { timeout "$CLI_TIMEOUT" ovs-appctl "$@"; }

# Differential tests run the same rules in two phases, PHASE=weft and
# PHASE=ovs: ofctl_phase is weft-ofctl or ovs-ofctl (OpenFlow 1.4) by phase.
ofctl_phase() {
	if [ "$PHASE" = ovs ]; then
		ovs_ofctl -O OpenFlow14 "$@"
	else
		ofctl "$@"
	fi
}

# rule_packets TABLE TEXT: n_packets of the rule of TABLE on br0 whose
# dump line contains TEXT (fixed string), 0 when none.
rule_packets() {
	local line n
	line=$(ofctl_phase dump-flows br0 "table=$1" | grep -F -- "$2")
	n=${line#*n_packets=}
	n=${n%%,*}
	[[ "$n" =~ ^[0-9]+$ ]] && echo "$n" || echo 0
}

# ovs_br_add_ports BR NAME:OFPORT...: as br_add_ports, in OVS.
ovs_br_add_ports() {
	local br=$1 p args=()
	shift
	ovs_vsctl br-exists "$br" 2>/dev/null || args+=(add-br "$br" --)
	for p in "$@"; do
		args+=(add-port "$br" "${p%%:*}" -- set Interface "${p%%:*}"
		       "ofport_request=${p#*:}" --)
	done
	unset 'args[${#args[@]}-1]'
	ovs_vsctl "${args[@]}"
}

ovs_stop() {
	local p
	[ -n "$OVS_DIR" ] || return 0
	for p in ovs-vswitchd ovsdb-server; do
		[ -f "$OVS_DIR/$p.pid" ] || continue
		kill -TERM "$(cat "$OVS_DIR/$p.pid")" 2>/dev/null
	done
	for _ in $(seq 50); do
		[ -f "$OVS_DIR/ovs-vswitchd.pid" ] || [ -f "$OVS_DIR/ovsdb-server.pid" ] || break
		nap 0.1
	done
}

_ovs_exit() {
	[ -n "$OVS_DIR" ] || return 0
	local br
	for br in $(ovs-vsctl --db="$OVS_DB" --timeout=5 list-br 2>/dev/null); do
		ovs-vsctl --db="$OVS_DB" --timeout=5 del-br "$br"
	done
	ovs_stop
	cp "$OVS_DIR"/*.log "$WEFT_RESULTS"/ 2>/dev/null
	ovs-dpctl del-dp ovs-system 2>/dev/null
	rm -rf "$OVS_DIR"
	OVS_DIR=
}

# ---- namespaces --------------------------------------------------------------

# host_add NS PORT IFACE ADDR/PLEN [MAC]: namespace NS with IFACE (ADDR,
# MAC) whose veth peer PORT stays in the initial namespace, up, IPv6 off.
# (Seven processes, not eleven: the peer is made in NS, and one ip -batch
# does NS's side; a process start costs up to a second under TCG.)
host_add() {
	local ns=$1 port=$2 ifc=$3 addr=$4 mac=${5:-}
	netns_add "$ns"
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip link add "$port" type veth peer name "$ifc" netns "$ns" ||
		die "veth $port/$ifc (in $ns)"
	on_exit ip link del "$port"
	echo 1 >"/proc/sys/net/ipv6/conf/$port/disable_ipv6"
	ip link set "$port" up
	{
		[ -z "$mac" ] || echo "link set $ifc address $mac"
		echo "link set $ifc up"
		echo "addr add $addr dev $ifc"
	} | ip -n "$ns" -batch - || die "MAC, up or address $addr on $ifc in $ns"
}

# wait_listen NS PORT [tcp|udp]: until something listens on PORT in NS.
wait_listen() {
	local ns=$1 port=$2 proto=${3:-tcp} i
	for ((i = 0; i < 300; i++)); do
		in_ns "$ns" ss -Hln"${proto:0:1}" "sport = :$port" 2>/dev/null |
			grep -q . && return 0
		nap 0.1
	done
	return 1
}

# iperf_ok SRV_NS CLI_NS ADDR BYTES [PORT [SRV_PORT]] : a TCP transfer of
# BYTES (a number, or with a K or M suffix) from CLI_NS to ADDR:PORT,
# served in SRV_NS on SRV_PORT (default PORT). Succeeds only when the
# server read every byte, in order (a byte pattern checks it), before the
# client's end of stream. (Not iperf3: its server stops counting when the
# client is done writing, so what was in flight made loaded runs fail.)
iperf_ok() {
	local srv=$1 cli=$2 addr=$3 bytes=$4 port=${5:-5201} sport=${6:-${5:-5201}}
	local spid out=$WEFTD_DIR/tcp-srv.$CASE got rc code
	case "$bytes" in
	*K) bytes=$((${bytes%K} * 1024)) ;;
	*M) bytes=$((${bytes%M} * 1048576)) ;;
	esac
	rm -f "$out"
	in_ns "$srv" timeout 120 "$PY" - "$sport" "$out" <<-'PYEOF' &
	import socket, sys
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(('', int(sys.argv[1])))
	s.listen(1)
	c, _ = s.accept()
	big = bytes(range(251)) * (65536 // 251 + 2)
	n, ok = 0, True
	while True:
	    b = c.recv(65536)
	    if not b:
	        break
	    ok = ok and b == big[n % 251:n % 251 + len(b)]
	    n += len(b)
	c.close()
	open(sys.argv[2], 'w').write('%d %d\n' % (n, ok))
	PYEOF
	spid=$!
	wait_listen "$srv" "$sport" || { echo "TCP server did not listen" >&2; kill "$spid"; return 1; }
	# The client: a fork of pyserve.py in CLI_NS (py_call run_in), not
	# a python3 start.
	IFS= read -r -d '' code <<-'PYEOF'
	import socket, sys
	n = int(sys.argv[3])
	data = (bytes(range(251)) * (n // 251 + 1))[:n]
	c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
	c.sendall(data)
	c.shutdown(socket.SHUT_WR)
	while c.recv(4096):
	    pass
	PYEOF
	py_call -i "$code" run_in "$cli" 90 - "$addr" "$port" "$bytes"
	rc=$?
	wait "$spid" 2>/dev/null
	[ "$rc" = 0 ] || { echo "TCP client exited $rc" >&2; return 1; }
	got=$(cat "$out" 2>/dev/null)
	[ "$got" = "$bytes 1" ] || {
		echo "TCP server read '${got:-nothing}' (bytes, in order) of $bytes bytes" >&2
		return 1
	}
}

# ---- python traffic --------------------------------------------------------------

TRAFFIC=$WEFTD_DIR/weftd_traffic.py
cat >"$TRAFFIC" <<'EOF'
# weftd_traffic.py, written by tests/system/weftd_lib.sh.
#   flows DST DPORT SPORT0 N [GAP_S]       one UDP datagram from each of the
#                                         source ports SPORT0..SPORT0+N-1
#   stream DST DPORT PPS SECS             a steady UDP stream, one socket
#   sink PORT READY OUT IDLE_S MAX_S      count UDP datagrams on PORT until
#                                         IDLE_S without one (or MAX_S); OUT
#                                         gets "count first_time last_time"
#   rawflows IFACE SMAC0 DMAC SRC DST N   N UDP frames out of IFACE (raw), the
#                                         i-th from source MAC SMAC0 + i
#   rpc SOCK TEXT...                      send each TEXT to the control socket,
#                                         print what comes back (2 s)
#   rpc_until SOCK EREGEX TEXT...         the same, but done as soon as what
#                                         came back matches EREGEX
#   hangup SOCK TEXT                      send TEXT and hang up at once
import os, re, socket, struct, sys, time

def flows(dst, dport, sport0, n, gap=0.0):
    for p in range(sport0, sport0 + n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('0.0.0.0', p))
        s.sendto(b'weft flow %d' % p, (dst, dport))
        s.close()
        if gap:
            time.sleep(gap)

def stream(dst, dport, pps, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    gap = 1.0 / pps
    end = time.time() + secs
    seq = 0
    nxt = time.time()
    while time.time() < end:
        s.sendto(struct.pack('!Id', seq, time.time()), (dst, dport))
        seq += 1
        nxt += gap
        d = nxt - time.time()
        if d > 0:
            time.sleep(d)
    print(seq)

def sink(port, ready, out, idle, maxs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(('0.0.0.0', port))
    open(ready, 'w').close()
    n, first, last = 0, 0.0, 0.0
    start = time.time()
    s.settimeout(0.2)
    while time.time() - start < maxs:
        try:
            s.recv(2048)
        except socket.timeout:
            if n and time.time() - last > idle:
                break
            continue
        last = time.time()
        if not n:
            first = last
        n += 1
    with open(out + '.tmp', 'w') as f:
        f.write('%d %.6f %.6f\n' % (n, first, last))
    os.rename(out + '.tmp', out)

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def rawflows(ifc, smac0, dmac, src, dst, n):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifc, 0))
    base = int(smac0.replace(':', ''), 16)
    d = bytes.fromhex(dmac.replace(':', ''))
    sip, dip = socket.inet_aton(src), socket.inet_aton(dst)
    for i in range(n):
        smac = (base + i).to_bytes(6, 'big')
        udp = struct.pack('!HHHH', 4000, 9, 8 + 4, 0) + b'weft'
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), i & 0xffff,
                         0, 64, 17, 0, sip, dip)
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        s.send(d + smac + b'\x08\x00' + ip + udp)

def rpc(path, texts, hang=False, until=None):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    for t in texts:
        c.sendall(t.encode('latin-1'))
    if hang:
        c.close()
        return
    c.settimeout(2.0)
    got = b''
    try:
        while True:
            b = c.recv(65536)
            if not b:
                got += b'<EOF>'
                break
            got += b
            if until and re.search(until, got.decode('utf-8', 'replace')):
                break
    except socket.timeout:
        pass
    c.close()
    sys.stdout.write(got.decode('utf-8', 'replace') + '\n')

a = sys.argv[1:]
if a[0] == 'flows':
    flows(a[1], int(a[2]), int(a[3]), int(a[4]), float(a[5]) if len(a) > 5 else 0)
elif a[0] == 'stream':
    stream(a[1], int(a[2]), float(a[3]), float(a[4]))
elif a[0] == 'sink':
    sink(int(a[1]), a[2], a[3], float(a[4]), float(a[5]))
elif a[0] == 'rawflows':
    rawflows(a[1], a[2], a[3], a[4], a[5], int(a[6]))
elif a[0] == 'rpc':
    rpc(a[1], [t.encode('latin-1').decode('unicode_escape') for t in a[2:]])
elif a[0] == 'rpc_until':
    rpc(a[1], [t.encode('latin-1').decode('unicode_escape') for t in a[3:]],
        until=a[2])
elif a[0] == 'hangup':
    rpc(a[1], [a[2]], hang=True)
EOF

# The synchronous python helpers (udp_flows, rpc_raw, rpc_until) run as
# forks of one python3 (lib.sh's py_call run_in), not a python3 start
# each.
py_serve_start

# udp_flows NS DST DPORT SPORT0 N [GAP_S]
udp_flows() {
	local ns=$1
	shift
	py_call run_in "$ns" 120 "$TRAFFIC" flows "$@"
}

# sink_start NS PORT IDLE_S MAX_S: a counting UDP sink in NS, in the
# background; sink_wait waits for it and sets SINK_GOT (datagrams) and
# SINK_RESULT ("count first_time last_time"). sink_wait must run in the
# shell that ran sink_start (not in a $(...) of its own: wait only knows
# its own children).
SINK_PID= SINK_OUT= SINK_GOT=0 SINK_RESULT=
sink_start() {
	local ns=$1 port=$2 idle=$3 maxs=$4 i
	SINK_OUT=$WEFTD_DIR/sink.$port.$RANDOM
	rm -f "$SINK_OUT" "$SINK_OUT.ready"
	# Not through in_ns: $! must be python itself, for sink_stop.
	ip netns exec "$ns" "$PY" "$TRAFFIC" sink "$port" "$SINK_OUT.ready" \
		"$SINK_OUT" "$idle" "$maxs" &
	SINK_PID=$!
	on_exit kill "$SINK_PID"
	for ((i = 0; i < 300; i++)); do
		[ -e "$SINK_OUT.ready" ] && return 0
		nap 0.1
	done
	echo "the UDP sink on $ns:$port did not start" >&2
	return 1
}

# sink_stop: end the sink now (its count is lost).
sink_stop() {
	[ -n "$SINK_PID" ] || return 0
	kill "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	SINK_PID=
}

sink_wait() {
	wait "$SINK_PID" 2>/dev/null
	SINK_RESULT=$(cat "$SINK_OUT" 2>/dev/null || echo "0 0 0")
	SINK_GOT=${SINK_RESULT%% *}
}

# rpc_raw TEXT...: send raw texts to weftd's socket, print the answer.
rpc_raw() { py_call run_in - 20 "$TRAFFIC" rpc "$WEFTD_SOCK" "$@"; }

# rpc_until EREGEX TEXT...: as rpc_raw, but returns as soon as the answer
# matches EREGEX (python's re) instead of after 2 s of silence.
rpc_until() { py_call run_in - 20 "$TRAFFIC" rpc_until "$WEFTD_SOCK" "$@"; }
