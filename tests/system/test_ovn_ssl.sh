#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 180
#
# Issue 8, ssl: remotes: weftd registers as an OVN chassis over mutual TLS
# with the real OVN control plane (NB and SB ovsdb-servers, the SB also on
# pssl:, and ovn-northd), the keys given as ovn-controller takes them:
# `weft-vsctl set-ssl PRIVKEY CERT CACERT`, or weftd's -p/-c/-C. Keys and
# two CAs are made here with openssl. Oracles: ovn-sbctl, ovn-nbctl
# --wait=hv and Logical_Switch_Port.up, ovsdb-server's own TLS checks.
#
#   ovn-nbctl ─ NB ─ ovn-northd ─ SB (punix + pssl:6642) ◄─ TLS ─ weftd
#                                                           └ vm1 (lp1)
#
# Run: scripts/vm-run tests/system/test_ovn_ssl.sh
. "$(dirname "$0")/weftd_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

PKI=$WEFTD_DIR/pki
SB_PORT=6642
# The SB also listens on pssl:, with a certificate of our CA.
SB_REMOTES=(--remote=pssl:$SB_PORT:127.0.0.1
	    --private-key="$PKI/sb-key.pem" --certificate="$PKI/sb-cert.pem"
	    --ca-cert="$PKI/ca-cert.pem")

# cert CA NAME: NAME-key.pem and NAME-cert.pem signed by CA (made once).
cert() {
	local ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	(
		cd "$PKI" || exit 1
		[ -f "$1-cert.pem" ] || openssl req -x509 $ec -keyout "$1-key.pem" \
			-out "$1-cert.pem" -days 2 -subj "/CN=$1" || exit 1
		openssl req $ec -keyout "$2-key.pem" -out "$2-req.pem" \
			-subj "/CN=$2" &&
		openssl x509 -req -in "$2-req.pem" -CA "$1-cert.pem" \
			-CAkey "$1-key.pem" -CAcreateserial -out "$2-cert.pem" \
			-days 2
	) >>"$WEFT_RESULTS/openssl.log" 2>&1
}

chassis_uuid() { sbctl --bare --columns=_uuid find Chassis name="$1"; }
pb_chassis() { sbctl --bare --columns=chassis find Port_Binding logical_port="$1"; }
status_json() { appctl --format=json ovn/status; }
status_field() { status_json | "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
sb_state() { status_field 'd["sb"]["state"]'; }

setup() {
	require "$WEFTD" "$VSCTL" "$APPCTL" ovsdb-server ovsdb-tool \
		ovn-northd ovn-nbctl ovn-sbctl openssl "$PY"
	mkdir -p "$PKI"
	# The rogue CA (its first certificate unused) signs nothing we trust.
	cert ca sb && cert ca hv && cert rogue stranger ||
		die "openssl could not make the keys (see openssl.log)"
	weft_load
	ovn_start || die "the OVN control plane did not start"
	wait_for 20 nbctl show || die "NB does not answer"
	wait_for 20 sbctl show || die "SB does not answer"
	weftd_start || die "weftd did not start"
}

# set-ssl, then ovn-remote=ssl:: registered, a port bound and up.
case_register_port_up() {
	vsctl set-ssl "$PKI/hv-key.pem" "$PKI/hv-cert.pem" "$PKI/ca-cert.pem" ||
		{ fail "set-ssl"; return; }
	assert_eq "Private key: $PKI/hv-key.pem
Certificate: $PKI/hv-cert.pem
CA Certificate: $PKI/ca-cert.pem
Bootstrap: false" "$(vsctl get-ssl)" "get-ssl"
	vsctl set Open_vSwitch . external_ids:system-id=hv-a \
		external_ids:ovn-remote=ssl:127.0.0.1:$SB_PORT \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.0.2.10 || { fail "vsctl set"; return; }
	wait_for 30 eval '[ -n "$(chassis_uuid hv-a)" ]' ||
		{ fail "hv-a not registered over ssl: $(appctl ovn/status)"; return; }
	nbctl ls-add ls1 -- lsp-add ls1 lp1 -- \
		lsp-set-addresses lp1 "0a:00:00:00:00:01 10.0.0.1" || { fail "nbctl"; return; }
	vsctl add-port br-int vm1 -- set Interface vm1 type=internal \
		external_ids:iface-id=lp1 || { fail "add-port"; return; }
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync ||
		{ fail "ovn-nbctl --wait=hv sync did not return"; return; }
	assert_eq true "$(nbctl get Logical_Switch_Port lp1 up)" "lp1 up"
	assert_eq "$(chassis_uuid hv-a)" "$(pb_chassis lp1)" "lp1 bound to hv-a"
	assert_eq "ssl:127.0.0.1:$SB_PORT" "$(status_field 'd["sb"]["remote"]')" "ovn/status remote"
	# The server saw a client certificate of our CA.
	grep -qi "ssl.*error\|certificate verify failed" "$OVN/sb.log" &&
		fail "the SB logged TLS errors: $(grep -i ssl "$OVN/sb.log" | tail -3)"
	true
}

# A CA that did not sign the SB's certificate: the session is refused
# with OpenSSL's reason; the right CA again: reconnects (files re-read).
case_untrusted() {
	vsctl set-ssl "$PKI/hv-key.pem" "$PKI/hv-cert.pem" "$PKI/rogue-cert.pem" ||
		{ fail "set-ssl"; return; }
	sb_stop && sb_start || { fail "SB restart"; return; }
	wait_for 20 eval 'status_field "d[\"sb\"][\"last_error\"]" | grep -q "not trusted"' ||
		fail "no refusal: $(appctl ovn/status)"
	status_field 'd["sb"]["last_error"]' | tee "$WEFT_RESULTS/untrusted.err"
	# ovsdb-server sends its CA's certificate along with its own: OpenSSL
	# finds a self-signed root that our (rogue) CA file does not hold.
	assert_eq 1 "$(grep -c "ssl:127.0.0.1:$SB_PORT: connect: TLS handshake: the server's certificate is not trusted: self-signed certificate in certificate chain" \
		"$WEFT_RESULTS/untrusted.err")" "the refusal names the remote and the reason"
	[ "$(sb_state)" = active ] && fail "active with an untrusted server"
	vsctl set-ssl "$PKI/hv-key.pem" "$PKI/hv-cert.pem" "$PKI/ca-cert.pem" ||
		{ fail "set-ssl"; return; }
	wait_for 30 eval '[ "$(sb_state)" = active ]' ||
		fail "not back with the right CA: $(appctl ovn/status)"
}

# No SSL row: weftd's -p/-c/-C (ovn-controller's options) are used.
case_cmdline() {
	vsctl del-ssl || { fail "del-ssl"; return; }
	assert_eq "" "$(vsctl get-ssl)" "get-ssl after del-ssl"
	appctl exit --restart || fail "exit --restart"
	wait_for 15 eval '! kill -0 $WEFTD_PID 2>/dev/null'
	wait "$WEFTD_PID" 2>/dev/null
	weftd_start -p "$PKI/hv-key.pem" -c "$PKI/hv-cert.pem" \
		-C "$PKI/ca-cert.pem" || { fail "weftd did not start again"; return; }
	wait_for 30 eval '[ "$(sb_state)" = active ]' ||
		{ fail "not connected with -p/-c/-C: $(appctl ovn/status)"; return; }
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv sync || fail "--wait=hv"
	assert_eq true "$(nbctl get Logical_Switch_Port lp1 up)" "lp1 up after the restart"
}

setup
run_case register_port_up
run_case untrusted
run_case cmdline
cp "$WEFTD_LOG" "$WEFT_RESULTS/weftd.log" 2>/dev/null
finish
