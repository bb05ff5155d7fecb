# SPDX-License-Identifier: GPL-2.0
#
# tests/system/srv_lib.sh: helper servers for the system tests, sourced by
# lib.sh (and by tests that do not use lib.sh, such as test_actions.sh).
# It uses lib.sh's die and on_exit when they exist; the servers end by
# themselves anyway when the test's shell exits (their input FIFO closes).
#
# A process start costs up to a second in the loaded TCG guest; a test
# that runs hundreds of CLI commands or python helpers spends most of its
# time starting them.  A helper server is started once and answers
# requests over two FIFOs: tests/system/helpers/pyserve.py for the python
# helpers, and weft-vsctl, weft-ofctl and weft-appctl with
# --serve-tests (include/weft/cli_serve.h: one fork per command, no exec).
# The protocol, both ways: see pyserve.py.
#
#   srv_start NAME CMD...       start server NAME (once; from the test's
#                               own shell, not from a $(...): the FIFOs
#                               must stay open in the test)
#   srv_call NAME [-i TEXT] OP ARG...
#                               one request: prints its stdout and stderr
#                               and returns its status (125 when the
#                               server does not answer within 300 s)
#
# Requests are serialized by a token in a third FIFO, so that background
# jobs may call too (one at a time).
declare -A _SRV_PID=() _SRV_REQ=() _SRV_RESP=() _SRV_TOKEN=() _SRV_DIR=()
srv_start() {
	local name=$1 d req resp tok
	shift
	[ -z "${_SRV_PID[$name]:-}" ] || return 0
	d=$(mktemp -d "/tmp/srv-$name.XXXXXX") || return 1
	_srv_on_exit rm -rf "$d"
	mkfifo "$d/req" "$d/resp" "$d/token" || return 1
	# Read-write opens: neither side blocks waiting for the other.
	exec {req}<>"$d/req" {resp}<>"$d/resp" {tok}<>"$d/token"
	printf t >&"$tok"
	"$@" "$d" <"$d/req" >"$d/resp" {req}>&- {resp}>&- {tok}>&- &
	_SRV_PID[$name]=$!
	_SRV_REQ[$name]=$req
	_SRV_RESP[$name]=$resp
	_SRV_TOKEN[$name]=$tok
	_SRV_DIR[$name]=$d
	_srv_on_exit kill "$!"
}

# srv_running NAME: server NAME runs, and this shell may use it (not in
# a background job that sets _SRV_OFF=1: one that may be killed in the
# middle of a call, which would leave the server's token taken).
srv_running() {
	[ -n "${_SRV_PID[$1]:-}" ] && [ -z "${_SRV_OFF:-}" ] &&
		kill -0 "${_SRV_PID[$1]}" 2>/dev/null
}

# _srv_take NAME: take NAME's token (a byte in its token FIFO), which
# the caller puts back when done.  A holder that was killed before it
# did is noticed (its pid, in the holder file, is gone) and the token
# made anew; so is one that holds it for more than 300 s.
_srv_take() {
	local name=$1 t pid i
	for ((i = 0; i < 300; i++)); do
		if IFS= read -r -N 1 -t 1 t <&"${_SRV_TOKEN[$name]}"; then
			echo "$BASHPID" >"${_SRV_DIR[$name]}/holder"
			return 0
		fi
		pid=
		read -r pid <"${_SRV_DIR[$name]}/holder" 2>/dev/null
		[ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || break
	done
	echo "$BASHPID" >"${_SRV_DIR[$name]}/holder"
}

srv_call() {
	local name=$1 in= resp chunk id st out= err= n env=() t
	shift
	if [ "$1" = -i ]; then
		in=$2
		shift 2
	fi
	srv_running "$name" || {
		echo "srv_call $name $1 without srv_start" >&2
		return 125
	}
	_srv_take "$name"
	for n in $(compgen -e); do env+=("$n=${!n}"); done
	id=$BASHPID.$SRANDOM
	printf '%s\0' "$id" "$1" "$PWD" "${#env[@]}" "${env[@]}" "$(($# - 1))" \
		"${@:2}" "$in" >&"${_SRV_REQ[$name]}"
	# Answers carry the request's id: one left by a caller that was
	# killed while it waited is skipped.
	# A second at a time, so that a server that died is noticed (a read
	# that times out keeps what it read).
	resp=
	for ((t = 0; ; t++)); do
		if IFS= read -r -d $'\x1e' -t 1 chunk <&"${_SRV_RESP[$name]}"; then
			resp+=$chunk
			[ "${resp%%$'\x1f'*}" != "$id" ] || break
			resp=
			continue
		fi
		resp+=$chunk
		if [ "$t" -ge 300 ] || ! kill -0 "${_SRV_PID[$name]}" 2>/dev/null; then
			printf t >&"${_SRV_TOKEN[$name]}"
			echo "srv_call $name $1: no answer from the server" >&2
			return 125
		fi
	done
	# The output is in files (bash reads a file in blocks, a pipe a
	# byte at a time).
	IFS= read -r -d '' out <"${_SRV_DIR[$name]}/out"
	IFS= read -r -d '' err <"${_SRV_DIR[$name]}/err"
	printf t >&"${_SRV_TOKEN[$name]}"
	st=${resp#*$'\x1f'}
	printf '%s' "$out"
	[ -z "$err" ] || printf '%s' "$err" >&2
	return "$st"
}

# py_serve_start: the python helper server (pyserve.py); py_call OP ...
# is srv_call on it.
py_serve_start() {
	srv_start py /usr/bin/python3 "$WEFT_TOP/tests/system/helpers/pyserve.py"
}
py_call() { srv_call py "$@"; }

# dpctl_serve_start: weft-dpctl's server (--serve-tests); dpctl_served
# ARG... runs weft-dpctl ARG... through it, or as a process of its own
# (bounded to 30 s) when the server is not running.
dpctl_serve_start() {
	[ "$BASHPID" = "$$" ] || return 0
	srv_start dpctl "${DPCTL:-$WEFT_TOP/build/weft-dpctl}" --serve-tests
}
dpctl_served() {
	if srv_running dpctl; then
		srv_call dpctl run "$@"
	else
		timeout 30 "${DPCTL:-$WEFT_TOP/build/weft-dpctl}" "$@"
	fi
}

_srv_on_exit() {
	if declare -F on_exit >/dev/null; then
		on_exit "$@"
	fi
}
