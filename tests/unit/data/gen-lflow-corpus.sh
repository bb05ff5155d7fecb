#!/bin/sh
# Regenerates lflow_corpus.txt: every distinct Logical_Flow match and action
# string ovn-northd 23.03 emits for a small topology (two switches, a router
# with a gateway port and NAT, ACLs with address sets and port groups, a
# load balancer, DHCPv4/v6 options). Needs ovn-central; run by hand, the
# unit test reads the committed output and needs no OVN.
#   tests/unit/data/gen-lflow-corpus.sh > tests/unit/data/lflow_corpus.txt
set -e
d=$(mktemp -d)
trap 'for p in northd nb sb; do [ -f $d/$p.pid ] && kill $(cat $d/$p.pid) 2>/dev/null; done; sleep 0.3; rm -rf $d' EXIT
ovsdb-tool create $d/nb.db /usr/share/ovn/ovn-nb.ovsschema
ovsdb-tool create $d/sb.db /usr/share/ovn/ovn-sb.ovsschema
for db in nb sb; do
	ovsdb-server --detach --no-chdir --pidfile=$d/$db.pid \
		--log-file=$d/$db.log --unixctl=$d/$db.ctl \
		--remote=punix:$d/$db.sock $d/$db.db >/dev/null 2>&1
done
ovn-northd --detach --no-chdir --pidfile=$d/northd.pid \
	--log-file=$d/northd.log --unixctl=$d/northd.ctl \
	--ovnnb-db=unix:$d/nb.sock --ovnsb-db=unix:$d/sb.sock >/dev/null 2>&1
nb="ovn-nbctl --db=unix:$d/nb.sock"
sb="ovn-sbctl --db=unix:$d/sb.sock"
$sb chassis-add hv1 geneve 192.0.2.1
$sb chassis-add hv2 geneve 192.0.2.2
$nb ls-add ls1 -- set logical_switch ls1 other_config:subnet=10.0.1.0/24
$nb ls-add ls2
for p in 1 2; do
	$nb lsp-add ls1 ls1-p$p -- lsp-set-addresses ls1-p$p \
		"0a:58:0a:00:01:0$((p+4)) 10.0.1.$((p+4)) fd01::$((p+4))" \
		-- lsp-set-port-security ls1-p$p \
		"0a:58:0a:00:01:0$((p+4)) 10.0.1.$((p+4)) fd01::$((p+4))"
done
$nb lsp-add ls2 ls2-p1 -- lsp-set-addresses ls2-p1 "0a:58:0a:00:02:05 10.0.2.5"
$nb lsp-add ls2 ls2-p2 -- lsp-set-addresses ls2-p2 unknown
$nb lr-add lr1
$nb lrp-add lr1 lr1-ls1 0a:58:0a:00:01:01 10.0.1.1/24 fd01::1/64
$nb lrp-add lr1 lr1-ls2 0a:58:0a:00:02:01 10.0.2.1/24
$nb lrp-add lr1 lr1-ext 0a:58:c0:a8:00:01 192.168.0.1/24
$nb lrp-set-gateway-chassis lr1-ext hv1 10
$nb set logical_router_port lr1-ls1 ipv6_ra_configs:address_mode=slaac
for s in 1 2; do
	$nb lsp-add ls$s ls$s-lr1 -- lsp-set-type ls$s-lr1 router \
		-- lsp-set-addresses ls$s-lr1 router \
		-- lsp-set-options ls$s-lr1 router-port=lr1-ls$s
done
$nb ls-add ext -- lsp-add ext ext-lr1 -- lsp-set-type ext-lr1 router \
	-- lsp-set-addresses ext-lr1 router \
	-- lsp-set-options ext-lr1 router-port=lr1-ext
$nb lsp-add ext ext-ln -- lsp-set-type ext-ln localnet \
	-- lsp-set-addresses ext-ln unknown -- lsp-set-options ext-ln network_name=phys
$nb create address_set name=as_web addresses='"10.0.1.5","10.0.1.6"' >/dev/null
$nb pg-add pg_web ls1-p1 ls1-p2
$nb acl-add ls2 to-lport 1002 'outport == "ls2-p1" && ip4 && tcp.dst == 5432' allow-related
$nb acl-add ls2 to-lport 1001 'outport == "ls2-p1" && ip4' drop
$nb acl-add pg_web from-lport 1003 'inport == @pg_web && ip4.dst == $as_web && tcp.dst >= 8000 && tcp.dst <= 8080' allow-related
$nb acl-add pg_web to-lport 1000 'outport == @pg_web && ip4.src == $pg_web_ip4 && udp' reject
$nb acl-add ls1 to-lport 1001 'outport == "ls1-p2" && tcp.dst == 22' drop
$nb lb-add lb1 172.16.0.10:80 10.0.1.5:8080,10.0.1.6:8080 tcp
$nb lb-add lb2 172.16.0.11 10.0.2.5
$nb ls-lb-add ls1 lb1
$nb lr-lb-add lr1 lb1
$nb lr-lb-add lr1 lb2
$nb lr-nat-add lr1 snat 192.168.0.1 10.0.1.0/24
$nb lr-nat-add lr1 dnat_and_snat 192.168.0.100 10.0.2.5
$nb lr-route-add lr1 0.0.0.0/0 192.168.0.254
dh=$($nb create dhcp_options cidr=10.0.1.0/24 \
	options='"lease_time"="3600" "router"="10.0.1.1" "server_id"="10.0.1.1" "server_mac"="0a:58:0a:00:01:01"')
$nb lsp-set-dhcpv4-options ls1-p1 $dh
dh6=$($nb create dhcp_options cidr='"fd01::/64"' \
	options='"server_id"="0a:58:0a:00:01:01"')
$nb lsp-set-dhcpv6-options ls1-p1 $dh6
$nb --wait=sb sync
# One line each: "match: M" for every distinct match, "actions: A" for every
# distinct action list; then every row as "flow: " and, tab-separated,
# ls|lr, pipeline, table, priority, match, actions.
for c in match actions; do
	$sb --bare --columns=$c list Logical_Flow | grep -v '^$' | sort -u |
		sed "s/^/$c: /"
done
$sb --bare --columns=external_ids,pipeline,table_id,priority,match,actions \
	list Logical_Flow |
	awk 'BEGIN { n = 0 }
	     /^$/ { next }
	     { f[n++] = $0 }
	     n == 6 { kind = (f[0] ~ /stage-name=ls_/) ? "ls" : "lr";
		      printf "flow: %s\t%s\t%s\t%s\t%s\t%s\n", kind, f[1],
			     f[2], f[3], f[4], f[5]; n = 0 }' | sort
