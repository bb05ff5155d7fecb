#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 6: FTP through the conntrack helper. A real FTP server (Debian's
# vsftpd) and client (Debian's python3 ftplib) on either side of a bridge
# whose stateful pipeline lets through only what a firewall for FTP
# would: new TCP connections from the client to the server's port 21
# (committed with alg=ftp), +est both ways, +rel both ways (the data
# connections the helper expects; committed when +new), ARP. Everything
# else meets table 1's counted drop rule.
#
#   ftpc 10.9.0.1 ─ pc:1 ──── br0 ──── ps:2 ─ ftps 10.9.0.2 (vsftpd :21,
#        fd09::1                                   fd09::2  PASV ports
#                                                           30000-30009)
#
# - download: a passive (PASV: client -> server high port) and an active
#   (PORT: server:20 -> client) download of a 512 KiB random file, each
#   intact (SHA-256) and each data connection passed as +rel;
# - conntrack: weft-dpctl dump-conntrack -m shows both control
#   connections with helper=ftp and both data connections as EXPECTED,
#   with the control connection as their parent, and with its label
#   (set by the control connection's commit; the data connections'
#   commits set none: inherited, as openvswitch.ko does);
# - ipv6: the same two downloads over IPv6 (fd09::1 -> fd09::2; EPSV and
#   EPRT, which the helper reads too), checked the same way;
# - control: the same pipeline without alg=ftp: the control connection
#   still works (login, SIZE, NOOP after the failure) but both data
#   connections fail, and the drop rule counts their SYNs: the helper is
#   what lets data through.
#
# The same flows run first in ovs-vswitchd (openvswitch.ko, the oracle),
# then in weftd (weft.ko). About 120 s in the VM.
#
#   scripts/vm-run tests/system/test_weftd_ct_ftp.sh [ovs-only|weft-only]
. "$(dirname "$0")/weftd_lib.sh"

ONLY=${1:-}
PHASE=
CLI=10.9.0.1 SRV=10.9.0.2 CLI6=fd09::1 SRV6=fd09::2
MAC_C=02:00:00:00:09:01 MAC_S=02:00:00:00:09:02
FTP_ROOT=$WEFTD_DIR/ftp-root
FILE=weft.bin
FILE_BYTES=524288
FILE_SHA=

# flows ALG: the pipeline; ALG is ",alg=ftp" or empty (the control).
flows() {
	cat <<EOF
table=0,priority=100,arp,in_port=1,actions=output:2
table=0,priority=100,arp,in_port=2,actions=output:1
table=0,priority=10,ip,ct_state=-trk,actions=ct(table=1)
table=0,priority=10,ipv6,ipv6_dst=fd09::/64,ct_state=-trk,actions=ct(table=1)
table=0,priority=1,actions=drop
table=1,priority=100,tcp,in_port=1,ct_state=+new+trk,nw_src=$CLI,nw_dst=$SRV,tp_dst=21,actions=ct(commit$1,exec(set_field:0x5a->ct_label)),output:2
table=1,priority=90,ip,ct_state=+new+rel+trk,actions=ct(commit),resubmit(,2)
table=1,priority=80,ip,ct_state=+est+trk,actions=resubmit(,2)
table=1,priority=70,ip,ct_state=+rel-new+trk,actions=resubmit(,2)
table=1,priority=101,tcp6,in_port=1,ct_state=+new+trk,ipv6_src=$CLI6,ipv6_dst=$SRV6,tp_dst=21,actions=ct(commit$1,exec(set_field:0x5a->ct_label)),output:2
table=1,priority=91,ipv6,ct_state=+new+rel+trk,actions=ct(commit),resubmit(,2)
table=1,priority=81,ipv6,ct_state=+est+trk,actions=resubmit(,2)
table=1,priority=71,ipv6,ct_state=+rel-new+trk,actions=resubmit(,2)
table=1,priority=1,actions=drop
table=2,priority=10,in_port=1,actions=output:2
table=2,priority=10,in_port=2,actions=output:1
EOF
}

# ---- the FTP client ----------------------------------------------------------

FTPC=$WEFTD_DIR/ftp_client.py
cat >"$FTPC" <<'EOF'
# ftp_client.py SERVER FILE STEP...: one FTP session per STEP, "pasv T" or
# "port T" (T: the data connection's timeout, s); one line per step:
#   N ok ctl=PORT data=SRC:SPORT>DST:DPORT n=BYTES sha=HEX noop=CODE
#   N fail ctl=PORT size=BYTES data=timeout|CODE noop=CODE
#   N error:...
# (data= is the data connection as the client sees it: its local end
# first for passive, the server's end first for active.)
import ftplib, hashlib, socket, sys

def step(server, name, mode, dt):
    f = ftplib.FTP()
    try:
        f.connect(server, 21, timeout=30)
        f.login()
        ctl = f.sock.getsockname()[1]
        f.voidcmd('TYPE I')
        size = f.size(name)
        f.set_pasv(mode == 'pasv')
        f.timeout = dt
        try:
            conn, _ = f.ntransfercmd('RETR ' + name)
        except socket.timeout:
            data = 'timeout'
        except ftplib.error_temp as e:
            data = str(e)[:3]
        else:
            me, peer = conn.getsockname(), conn.getpeername()
            ends = (me, peer) if mode == 'pasv' else (peer, me)
            conn.settimeout(30)
            h, n = hashlib.sha256(), 0
            while True:
                b = conn.recv(65536)
                if not b:
                    break
                h.update(b)
                n += len(b)
            conn.close()
            f.voidresp()
            noop = f.voidcmd('NOOP')[:3]
            f.quit()
            return 'ok ctl=%d data=%s:%d>%s:%d n=%d sha=%s noop=%s' % (
                ctl, ends[0][0], ends[0][1], ends[1][0], ends[1][1], n,
                h.hexdigest(), noop)
        noop = f.voidcmd('NOOP')[:3]
        f.quit()
        return 'fail ctl=%d size=%s data=%s noop=%s' % (ctl, size, data, noop)
    except Exception as e:
        return 'error:%s:%s' % (type(e).__name__, str(e).replace(' ', '_'))
    finally:
        f.close()

for i, s in enumerate(sys.argv[3:]):
    mode, dt = s.split()
    print(i, step(sys.argv[1], sys.argv[2], mode, float(dt)), flush=True)
EOF

# ftp_run STEP...: the client's steps in ftpc; RES[i] gets the i-th result.
RES=() DL=()
ftp_run() {
	local line
	RES=()
	while IFS= read -r line; do
		RES[${line%% *}]=${line#* }
	done < <(in_ns ftpc timeout 150 "$PY" "$FTPC" "${FTP_SRV:-$SRV}" "$FILE" "$@")
	log "$(printf '%s | ' "$@")-> $(printf '%s | ' "${RES[@]}")"
}

# field I NAME: NAME's value in RES[I] ("" when absent).
field() {
	[[ " ${RES[$1]:-} " =~ \ $2=([^ ]*)\  ]] && echo "${BASH_REMATCH[1]}"
}

# ---- rules and conntrack -------------------------------------------------------

load_flows() {
	flows "$1" >"$WEFTD_DIR/flows.txt"
	ofctl_phase del-flows br0 &&
		ofctl_phase add-flows br0 "$WEFTD_DIR/flows.txt"
}

drops() { rule_packets 1 'priority=1 actions=drop'; }
drops_at_least() { [ "$(drops)" -ge "$1" ]; }
rel_new_at_least() { [ "$(rule_packets 1 "priority=${2:-90},")" -ge "$1" ]; }

# dp_has_helper: a datapath flow of this phase's daemon commits with a
# helper (the megaflows of the alg=ftp rules, until revalidated away).
dp_has_helper() {
	if [ "$PHASE" = ovs ]; then
		ovs_appctl dpctl/dump-flows 2>/dev/null | grep -q 'helper='
	else
		dp_flows | grep -q 'helper='
	fi
}
dp_no_helper() { ! dp_has_helper; }

snapshot() {
	if [ "$PHASE" = ovs ]; then
		ovs_appctl dpctl/dump-flows
	else
		"$DPCTL" dump-flows
	fi >>"$WEFT_RESULTS/dp_flows.$PHASE.txt" 2>&1
}

CT=
conntrack_dump() {
	CT=$(timeout 30 "$DPCTL" dump-conntrack -m 2>&1)
	printf '%s\n' "$CT" >>"$WEFT_RESULTS/conntrack.$PHASE.txt"
}

# ct_line SRC SPORT DST DPORT: the dump's line of that original tuple.
ct_line() {
	grep -E "^tcp,orig=\(src=${1//./\\.},dst=${3//./\\.},sport=$2,dport=$4\)," <<<"$CT"
}

# ---- cases -------------------------------------------------------------------

# check_download I MODE [CLIENT SERVER]: RES[I] is an intact download
# whose data connection went the way MODE says.
check_download() {
	local i=$1 mode=$2 c=${3:-$CLI} s=${4:-$SRV} d
	[[ "${RES[$i]:-}" =~ ^ok\  ]] ||
		{ fail "$PHASE: $mode download: ${RES[$i]:-no result}"; return; }
	assert_eq "$FILE_BYTES" "$(field "$i" n)" "$PHASE: $mode download, bytes"
	assert_eq "$FILE_SHA" "$(field "$i" sha)" "$PHASE: $mode download, SHA-256"
	assert_eq 200 "$(field "$i" noop)" "$PHASE: $mode: NOOP after the transfer"
	d=$(field "$i" data)
	if [ "$mode" = passive ]; then
		[[ "$d" =~ ^${c//./\\.}:[0-9]+\>${s//./\\.}:3000[0-9]$ ]] ||
			fail "$PHASE: passive data connection $d: not client -> server:30000-30009"
	else
		[[ "$d" =~ ^${s//./\\.}:20\>${c//./\\.}:[0-9]+$ ]] ||
			fail "$PHASE: active data connection $d: not server:20 -> client"
	fi
}

case_download() {
	local rel0
	rel0=$(rule_packets 1 'priority=90,')
	ftp_run "pasv 30" "port 30"
	snapshot
	check_download 0 passive
	check_download 1 active
	# Each data connection's first packet was +new+rel (and committed).
	until_deadline 20 rel_new_at_least $((rel0 + 2)) ||
		fail "$PHASE: the +new+rel rule counted $(rule_packets 1 'priority=90,') packets, expected $((rel0 + 2)) or more"
	DL=("${RES[@]}")
}

# ct_check_data I [CLIENT SERVER]: DL[I]'s control connection has
# helper=ftp and its data connection is EXPECTED, with the control
# connection as its parent.
ct_check_data() {
	local i=$1 c=${2:-$CLI} sv=${3:-$SRV} ctl data line s sp d dp parent
	RES=("${DL[@]}")
	ctl=$(field "$i" ctl) data=$(field "$i" data)
	[ -n "$ctl" ] && [ -n "$data" ] || { fail "$PHASE: step $i has no ports"; return; }
	line=$(ct_line "$c" "$ctl" "$sv" 21)
	[ -n "$line" ] || { fail "$PHASE: no conntrack entry for the control connection :$ctl -> :21"; return; }
	assert_match "$line" ',helper=ftp(,|$)' "$PHASE: the control connection's helper"
	[[ "$data" =~ ^([0-9a-f.:]+):([0-9]+)\>([0-9a-f.:]+):([0-9]+)$ ]] || return
	s=${BASH_REMATCH[1]} sp=${BASH_REMATCH[2]} d=${BASH_REMATCH[3]} dp=${BASH_REMATCH[4]}
	line=$(ct_line "$s" "$sp" "$d" "$dp")
	[ -n "$line" ] || { fail "$PHASE: no conntrack entry for the data connection $data"; return; }
	assert_match "$line" ',status=([A-Z_]+\|)*EXPECTED[|,]' "$PHASE: data connection $data, status"
	parent="parent=\\(src=${c//./\\.},dst=${sv//./\\.},sport=$ctl,dport=21\\)"
	assert_match "$line" "$parent" "$PHASE: data connection $data, parent"
	[[ "$line" =~ helper= ]] && fail "$PHASE: data connection $data has a helper: $line"
	# Committed without labels of its own, it has its master's.
	assert_match "$line" ',labels=0x5a(,|$)' \
		"$PHASE: data connection $data, the label inherited from the control connection"
	return 0
}

case_conntrack() {
	conntrack_dump
	ct_check_data 0
	ct_check_data 1
}

# The same over IPv6: EPSV and EPRT instead of PASV and PORT.
case_ipv6() {
	local rel0
	rel0=$(rule_packets 1 'priority=91,')
	FTP_SRV=$SRV6 ftp_run "pasv 30" "port 30"
	snapshot
	check_download 0 passive $CLI6 $SRV6
	check_download 1 active $CLI6 $SRV6
	until_deadline 20 rel_new_at_least $((rel0 + 2)) 91 ||
		fail "$PHASE: the IPv6 +new+rel rule counted $(rule_packets 1 'priority=91,') packets, expected $((rel0 + 2)) or more"
	DL=("${RES[@]}")
	conntrack_dump
	ct_check_data 0 $CLI6 $SRV6
	ct_check_data 1 $CLI6 $SRV6
}

case_control() {
	local d0 line ctl
	load_flows "" || { fail "$PHASE: loading the flows without alg=ftp"; return; }
	# No datapath flow of the alg=ftp rules may commit this phase's
	# control connection: wait for the revalidators to remove them.
	until_deadline 30 dp_no_helper ||
		fail "$PHASE: datapath flows with a helper 30 s after the flows changed"
	conntrack -F >/dev/null 2>&1
	d0=$(drops)
	ftp_run "pasv 8" "port 8"
	snapshot
	[[ "${RES[0]:-}" =~ ^fail\  ]] && [ "$(field 0 data)" = timeout ] ||
		fail "$PHASE: passive without alg=ftp: '${RES[0]:-}', expected fail with data=timeout"
	[[ "${RES[1]:-}" =~ ^fail\  ]] && [[ "$(field 1 data)" =~ ^(425|timeout)$ ]] ||
		fail "$PHASE: active without alg=ftp: '${RES[1]:-}', expected fail with data=425"
	# ... while the control connection works: SIZE and NOOP answered.
	assert_eq "$FILE_BYTES $FILE_BYTES" "$(field 0 size) $(field 1 size)" \
		"$PHASE: SIZE over the control connections"
	assert_eq "200 200" "$(field 0 noop) $(field 1 noop)" \
		"$PHASE: NOOP after the failed data connections"
	# Both data connections' SYNs (each at least once) met the drop rule.
	until_deadline 20 drops_at_least $((d0 + 2)) ||
		fail "$PHASE: the drop rule counted $(($(drops) - d0)) packets, expected 2 or more"
	log "drop rule: $d0 -> $(drops) packets"
	# The control connection: committed, without a helper.
	conntrack_dump
	ctl=$(field 0 ctl)
	line=$(ct_line "$CLI" "$ctl" "$SRV" 21)
	[ -n "$line" ] || fail "$PHASE: no conntrack entry for the control connection :$ctl -> :21"
	[[ "$line" =~ helper= ]] && fail "$PHASE: control connection with a helper: $line"
	return 0
}

run_phase() {
	PHASE=$1
	conntrack -F >/dev/null 2>&1
	load_flows ",alg=ftp" || { fail "$PHASE: loading the flows"; return; }
	run_case download
	run_case conntrack
	run_case ipv6
	run_case control
	ofctl_phase dump-flows br0 >"$WEFT_RESULTS/rules.$PHASE.txt"
}

# ftp_host NS PORT IFACE MAC ADDR ADDR6 PEER6 PEER_MAC: a namespace behind
# a veth (PORT stays here), with an IPv4 and an IPv6 address (no DAD) and
# its peer's IPv6 neighbour entry static.
ftp_host() {
	local ns=$1 port=$2 ifc=$3
	netns_add "$ns"
	ip link add "$port" up type veth peer name "$ifc" netns "$ns" \
		address "$4" || die "veth $port/$ifc"
	on_exit ip link del "$port"
	ip -n "$ns" -batch - <<-EOF || die "addresses in $ns"
		link set $ifc up
		address add $5/24 dev $ifc
		address add $6/64 dev $ifc nodad
		neigh replace $7 lladdr $8 dev $ifc nud permanent
	EOF
}

# vsftpd in ftps with its own configuration: anonymous, read-only, in the
# foreground, no namespaces or seccomp of its own (a VM's test bed).
vsftpd_start() {
	mkdir -p "$FTP_ROOT" "$WEFTD_DIR/ftp-empty"
	chmod 755 "$FTP_ROOT" "$WEFTD_DIR/ftp-empty"
	head -c "$FILE_BYTES" /dev/urandom >"$FTP_ROOT/$FILE" || die "the file"
	chmod 644 "$FTP_ROOT/$FILE"
	FILE_SHA=$(sha256sum "$FTP_ROOT/$FILE") || die "sha256sum"
	FILE_SHA=${FILE_SHA%% *}
	cat >"$WEFTD_DIR/vsftpd.conf" <<-EOF
	listen=NO
	listen_ipv6=YES
	background=NO
	anonymous_enable=YES
	local_enable=NO
	write_enable=NO
	no_anon_password=YES
	anon_root=$FTP_ROOT
	secure_chroot_dir=$WEFTD_DIR/ftp-empty
	pasv_enable=YES
	pasv_min_port=30000
	pasv_max_port=30009
	port_enable=YES
	connect_from_port_20=YES
	connect_timeout=10
	accept_timeout=30
	data_connection_timeout=60
	idle_session_timeout=120
	isolate=NO
	isolate_network=NO
	seccomp_sandbox=NO
	tcp_wrappers=NO
	dirmessage_enable=NO
	xferlog_enable=YES
	xferlog_std_format=NO
	log_ftp_protocol=YES
	vsftpd_log_file=$WEFTD_DIR/vsftpd.log
	EOF
	ip netns exec ftps vsftpd "$WEFTD_DIR/vsftpd.conf" \
		>"$WEFTD_DIR/vsftpd.out" 2>&1 &
	on_exit kill $!
	on_exit cp "$WEFTD_DIR/vsftpd.log" "$WEFTD_DIR/vsftpd.out" "$WEFT_RESULTS/"
	wait_listen ftps 21 || {
		cat "$WEFTD_DIR/vsftpd.out" >&2
		die "vsftpd does not listen"
	}
}

setup() {
	modprobe veth
	modprobe -a nf_conntrack nf_nat nf_conntrack_ftp
	require "$WEFTD" "$VSCTL" "$OFCTL" "$DPCTL" ovs-vswitchd ovs-ofctl \
		conntrack vsftpd
	# The module as it is now: a rebuild in the tree while the test runs
	# must not change it under insmod.
	cp "$WEFT_KO" "$WEFTD_DIR/weft.ko" || die "copying $WEFT_KO"
	WEFT_KO=$WEFTD_DIR/weft.ko
	ftp_host ftpc pc ec $MAC_C $CLI $CLI6 $SRV6 $MAC_S
	ftp_host ftps ps es $MAC_S $SRV $SRV6 $CLI6 $MAC_C
	sysctl -qw net.ipv6.conf.pc.disable_ipv6=1 net.ipv6.conf.ps.disable_ipv6=1
	vsftpd_start
}

PORTS="pc:1 ps:2"
setup
if [ "$ONLY" != weft-only ]; then
	ovs_start
	ovs_br_add_ports br0 $PORTS || die "OVS: br0 with its ports"
	ovs_vsctl set bridge br0 fail_mode=secure
	run_phase ovs
	ovs_vsctl del-br br0
	ovs_stop
fi
if [ "$ONLY" != ovs-only ]; then
	weft_load
	weftd_start || die "weftd did not start"
	br_add_ports br0 $PORTS || die "weftd: br0 with its ports"
	vsctl set bridge br0 fail_mode=secure
	run_phase weft
fi
finish
