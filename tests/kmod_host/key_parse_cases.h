/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table-driven cases of key_parse_test.c: flows the parser must accept
 * (with the fields it must store) and edits it must refuse (with the
 * extack message and the attribute blamed). Included once, by that file.
 */
#ifndef KEY_PARSE_CASES_H
#define KEY_PARSE_CASES_H

/* ---- 1. acceptance -------------------------------------------------------- */

#define ETH_SD	"eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),"
#define V4(x)	"eth_type(0x0800),ipv4(" x ")"
#define V6(x)	"eth_type(0x86dd),ipv6(" x ")"

struct accept_case {
	const char *flow;	/* ovs-dpctl text */
	const char *edits;	/* see edit() */
	const char *checks;	/* see check_fields() */
};

static const struct accept_case accepts[] = {
	{ "in_port(1)," ETH_SD V4("src=10.0.0.1/255.255.255.0,proto=17,frag=no") ",udp(dst=53)", NULL,
	  "k.md.in_port=1 m.md.in_port=0xffffffff k.eth.src=02:00:00:00:00:01 k.eth.dst=02:00:00:00:00:02 "
	  "k.eth.type=0x0800 m.eth.type=0xffff k.ipv4.src=10.0.0.0 m.ipv4.src=255.255.255.0 m.ipv4.dst=0 "
	  "k.ip.proto=17 m.ip.proto=0xff m.ip.frag=0xff k.tp.dst=53 m.tp.dst=0xffff m.tp.src=0 "
	  "k.eth.vlan.tci=0 m.eth.vlan.tci=0xffff k.eth.vlan.tpid=0" },
	{ V4("src=192.168.1.1,dst=192.168.1.2,proto=6,tos=0x10,ttl=64,frag=no") ",tcp(src=1234,dst=80)", NULL,
	  "k.ipv4.dst=192.168.1.2 k.ip.tos=0x10 k.ip.ttl=64 k.tp.src=1234 k.tp.dst=80 m.tp.flags=0" },
	{ V4("proto=6,frag=no") ",tcp(dst=443),tcp_flags(syn|ack)", NULL,
	  "k.tp.dst=443 k.tp.flags=0x012 m.tp.flags=0x0fff" },
	{ V4("proto=6,frag=no") ",tcp_flags(+syn-ack)", NULL,
	  "k.tp.flags=0x002 m.tp.flags=0x012 m.tp.dst=0" },
	{ V4("proto=6") ",tcp(src=0x1234/0xf000)", NULL,
	  "k.tp.src=0x1000 m.tp.src=0xf000 k.ip.frag=0 m.ip.frag=0" },
	{ V6("src=2001:db8::1,dst=2001:db8::/32,label=0x12345,proto=6,tclass=0x20,hlimit=64,frag=no") ",tcp(dst=22)", NULL,
	  "k.eth.type=0x86dd k.ipv6.src=2001:db8::1 m.ipv6.src=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	  "k.ipv6.dst=2001:db8:: m.ipv6.dst=ffff:ffff:: k.ipv6.label=0x12345 m.ipv6.label=0xfffff "
	  "k.ip.proto=6 k.ip.tos=0x20 k.ip.ttl=64 k.tp.dst=22" },
	{ V6("label=0xabcde/0xff,proto=17") ",udp(src=547,dst=546)", NULL,
	  "k.ipv6.label=0xde m.ipv6.label=0xff k.tp.src=547 k.tp.dst=546" },
	{ V6("proto=58") ",icmpv6(type=128,code=0)", NULL,
	  "k.ip.proto=58 k.tp.src=128 m.tp.src=0xff k.tp.dst=0 m.tp.dst=0xff" },
	{ V6("proto=58") ",icmpv6(type=135),nd(target=fe80::2,sll=02:00:00:00:00:09)", NULL,
	  "k.tp.src=135 k.nd.target=fe80::2 k.nd.sll=02:00:00:00:00:09 m.nd.sll=ff:ff:ff:ff:ff:ff m.nd.tll=00:00:00:00:00:00" },
	{ V6("proto=58,frag=no") ",icmpv6(type=136,code=0),nd(target=fe80::1:2/ffff::,tll=02:00:00:00:00:0a)", NULL,
	  "k.tp.src=136 k.nd.target=fe80:: m.nd.target=ffff:: k.nd.tll=02:00:00:00:00:0a" },
	{ V4("proto=1") ",icmp(type=8,code=0)", NULL, "k.ip.proto=1 k.tp.src=8 m.tp.src=0xff" },
	{ V4("proto=1,frag=first") ",icmp(type=0x13/0xf0)", NULL,
	  "k.tp.src=0x10 m.tp.src=0xf0 m.tp.dst=0 k.ip.frag=1" },
	{ V4("proto=132") ",sctp(src=5000,dst=5001)", NULL, "k.ip.proto=132 k.tp.src=5000 k.tp.dst=5001" },
	{ V6("proto=132") ",sctp(dst=9/0xff)", NULL, "k.tp.dst=9 m.tp.dst=0xff" },
	{ "eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1,sha=02:00:00:00:00:01,tha=00:00:00:00:00:00)", NULL,
	  "k.eth.type=0x0806 k.ipv4.src=10.0.0.1 k.ipv4.dst=10.0.0.2 k.ip.proto=1 m.ip.proto=0xff "
	  "k.arp.sha=02:00:00:00:00:01 m.arp.tha=ff:ff:ff:ff:ff:ff" },
	{ "eth_type(0x8035),arp(op=3)", NULL, "k.eth.type=0x8035 k.ip.proto=3 m.ipv4.src=0" },
	{ "eth_type(0x0806),arp(tip=10.1.2.3/255.0.0.0,op=2)", NULL, "k.ipv4.dst=10.0.0.0 m.ipv4.dst=255.0.0.0 k.ip.proto=2" },
	{ ETH_SD "eth_type(0x8100),vlan(vid=10,pcp=3),encap(" V4("proto=17") ",udp(dst=4789))", NULL,
	  "k.eth.vlan.tpid=0x8100 m.eth.vlan.tpid=0xffff k.eth.vlan.tci=0x700a m.eth.vlan.tci=0xffff "
	  "k.eth.type=0x0800 k.eth.cvlan.tci=0 m.eth.cvlan.tci=0xffff k.tp.dst=4789" },
	{ "eth_type(0x8100),vlan(vid=100/0xff0),encap(eth_type(0x86dd))", NULL,
	  "k.eth.vlan.tci=0x1060 m.eth.vlan.tci=0x1ff0 k.eth.type=0x86dd" },
	{ "eth_type(0x88a8),vlan(vid=20),encap(eth_type(0x8100),vlan(vid=10),encap(" V4("proto=6") ",tcp(dst=22)))", NULL,
	  "k.eth.vlan.tpid=0x88a8 k.eth.vlan.tci=0x1014 k.eth.cvlan.tpid=0x8100 k.eth.cvlan.tci=0x100a "
	  "m.eth.cvlan.tci=0x1fff k.eth.type=0x0800 k.tp.dst=22" },
	{ "eth_type(0x88a8),vlan(vid=1,pcp=7),encap(eth_type(0x88a8),vlan(vid=2),encap(eth_type(0x0806),arp(op=1)))", NULL,
	  "k.eth.vlan.tci=0xf001 k.eth.cvlan.tpid=0x88a8 k.eth.cvlan.tci=0x1002 k.ip.proto=1" },
	/* A tag without TPID is 802.1Q. */
	{ "eth_type(0x8100),vlan(vid=10),encap(" V4("proto=17") ")", "k:vlan.tpid:del",
	  "k.eth.vlan.tpid=0x8100 k.eth.vlan.tci=0x100a" },
	{ "eth_type(0x88a8),vlan(vid=20),encap(eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800)))", "k:cvlan.tpid:del",
	  "k.eth.cvlan.tpid=0x8100 k.eth.cvlan.tci=0x100a" },
	{ "recirc_id(5),dp_hash(0x12345678/0xff),skb_priority(7),skb_mark(0x10/0xf0),in_port(3)", NULL,
	  "k.md.recirc_id=5 m.md.recirc_id=0xffffffff k.md.dp_hash=0x78 m.md.dp_hash=0xff k.md.priority=7 "
	  "k.md.skb_mark=0x10 m.md.skb_mark=0xf0 k.md.in_port=3" },
	{ "", NULL, "k.eth.type=0 m.eth.type=0 m.eth.vlan.tci=0xffff m.md.in_port=0" },
	{ "eth(src=02:00:00:00:00:00/ff:00:00:00:00:00,dst=ff:ff:ff:ff:ff:ff)", NULL,
	  "k.eth.src=02:00:00:00:00:00 m.eth.src=ff:00:00:00:00:00 k.eth.dst=ff:ff:ff:ff:ff:ff" },
	{ "eth_type(0x88cc)", NULL, "k.eth.type=0x88cc m.eth.type=0xffff" },
	{ V4("proto=17,frag=later"), NULL, "k.ip.frag=2 m.ip.frag=0xff k.ip.proto=17" },
	{ V4("proto=17,frag=first") ",udp(src=1)", NULL, "k.ip.frag=1 k.tp.src=1" },
	{ V6("proto=6,frag=later"), NULL, "k.ip.frag=2 k.ip.proto=6" },
	{ V4("proto=6") ",tcp_flags(syn)", NULL, "k.ip.frag=0 m.ip.frag=0 k.tp.flags=2" },
	{ V4("proto=6/0xf0,tos=0x03/0x03"), NULL, "k.ip.proto=0 m.ip.proto=0xf0 k.ip.tos=3 m.ip.tos=3" },
	{ V4("src=10.1.2.3/255.255.0.0,dst=10.9.9.9/0.0.0.255"), NULL,
	  "k.ipv4.src=10.1.0.0 m.ipv4.src=255.255.0.0 k.ipv4.dst=0.0.0.9" },
	{ V6("src=::1,proto=6,frag=first") ",tcp(src=80),tcp_flags(fin)", NULL,
	  "k.ipv6.src=::1 k.ip.frag=1 k.tp.src=80 k.tp.flags=1 m.tp.flags=0xfff" },
	{ "recirc_id(0x10),in_port(4),skb_mark(0)," V4("dst=1.2.3.4"), NULL,
	  "k.md.recirc_id=0x10 m.md.skb_mark=0xffffffff k.ipv4.dst=1.2.3.4" },
	/* No mask: every field of every header given is exact. */
	{ "in_port(2)," ETH_SD V4("src=10.0.0.1,dst=10.0.0.2,proto=6,frag=no") ",tcp(dst=80)", "nomask",
	  "m.md.in_port=0xffffffff m.md.skb_mark=0 m.eth.src=ff:ff:ff:ff:ff:ff m.eth.type=0xffff "
	  "m.ip.tos=0xff m.ip.ttl=0xff m.ip.frag=0xff m.ipv4.src=255.255.255.255 "
	  "m.tp.src=0xffff m.tp.flags=0x0fff m.eth.vlan.tci=0 k.tp.dst=80" },
	{ V6("src=fe80::1,proto=58") ",icmpv6(type=135),nd(target=fe80::2)", "nomask",
	  "m.ipv6.label=0xfffff m.ipv6.dst=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff m.tp.src=0xff m.tp.dst=0xff "
	  "m.tp.flags=0 m.nd.tll=ff:ff:ff:ff:ff:ff k.nd.target=fe80::2" },
	{ "eth_type(0x0806),arp(op=2)", "nomask",
	  "m.ip.proto=0xff m.ip.tos=0 m.ipv4.src=255.255.255.255 m.arp.tha=ff:ff:ff:ff:ff:ff k.ip.proto=2" },
	{ "eth_type(0x8100),vlan(vid=5),encap(" V4("proto=1") ",icmp(type=0))", "nomask",
	  "m.eth.vlan.tpid=0xffff m.eth.vlan.tci=0xffff m.eth.cvlan.tci=0 k.eth.vlan.tci=0x1005" },
	{ "recirc_id(1),dp_hash(2),skb_priority(3),skb_mark(4),in_port(5)", "nomask",
	  "m.md.recirc_id=0xffffffff m.md.dp_hash=0xffffffff m.md.priority=0xffffffff k.md.skb_mark=4 m.eth.type=0" },
	{ V4("proto=17") ",udp(src=68,dst=67)", "nomask", "m.tp.src=0xffff m.tp.flags=0 k.tp.dst=67" },
	{ V6("proto=132") ",sctp(src=1)", "nomask", "m.tp.dst=0xffff k.tp.src=1" },
	/* Masks: the bits beyond a field's width are dropped, values are not ranged. */
	{ V6("label=0x12345,proto=6") ",tcp(dst=22)", "m:ipv6.label:val=ffffffff",
	  "m.ipv6.label=0xfffff k.ipv6.label=0x12345" },
	{ V4("proto=6,frag=no") ",tcp(dst=443),tcp_flags(syn)", "m:tcp.flags:val=ffff", "m.tp.flags=0x0fff" },
	{ "eth_type(0x0806),arp(op=1)", "m:arp.op:val=ffff", "m.ip.proto=0xff k.ip.proto=1" },
	{ "eth_type(0x0806),arp(op=1)", "m:arp.op:val=ff00", "m.ip.proto=0 k.ip.proto=0" },
	{ V4("proto=6,frag=no") ",tcp(dst=80)", "m:ipv4.frag:val=03", "m.ip.frag=3 k.ip.frag=0" },
	{ V6("proto=17,frag=first") ",udp(dst=80)", "m:ipv6.frag:val=ff", "m.ip.frag=0xff k.ip.frag=1" },
	{ "eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800))", "m:vlan.tci:val=1fff;m:vlan.tpid:val=ffff;m:cvlan:del",
	  "m.eth.vlan.tpid=0xffff m.eth.vlan.tci=0x1fff k.eth.vlan.tci=0x100a k.eth.vlan.tpid=0x8100" },
	{ V4("proto=1") ",icmp(type=3)", "m:icmp.type:val=ff", "m.tp.src=0xff k.tp.src=3" },
	/* A header without fields matches nothing and needs nothing. */
	{ "eth_type(0x0800)", "k::addnest=10;m::addnest=12", "k.ip.proto=0 m.tp.src=0" },
	{ "eth_type(0x86dd)", "m::addnest=18;m:nd:add=2:000000000000", "m.nd.sll=00:00:00:00:00:00" },
	/* Field order within a nest does not matter. */
	{ V4("proto=6") ",tcp(dst=80)", "k:ipv4.proto:del;k:ipv4:add=3:06;k:eth_type:del;k::add=9:0800",
	  "k.ip.proto=6 k.eth.type=0x0800" },
};

/* ---- 2. rejection --------------------------------------------------------- */

#define UDP4	V4("src=10.0.0.1,proto=17,frag=no") ",udp(src=1,dst=53)"
#define TCP4	V4("proto=6,tos=4,frag=no") ",tcp(src=1,dst=80),tcp_flags(syn)"
#define TCP6	V6("src=::1,dst=::2,label=5,proto=6,frag=no") ",tcp(dst=80)"
#define ND6	V6("proto=58") ",icmpv6(type=135,code=0),nd(target=fe80::1,sll=02:00:00:00:00:01,tll=02:00:00:00:00:02)"
#define ARP	"eth_type(0x0806),arp(sip=1.1.1.1,tip=2.2.2.2,op=1,sha=02:00:00:00:00:01,tha=02:00:00:00:00:02)"
#define VLAN	"eth_type(0x8100),vlan(vid=10),encap(" UDP4 ")"
#define QINQ	"eth_type(0x88a8),vlan(vid=20),encap(eth_type(0x8100),vlan(vid=10),encap(" TCP4 "))"
#define ICMP4	V4("proto=1") ",icmp(type=8,code=0)"
#define SCTP4	V4("proto=132") ",sctp(src=1,dst=2)"
#define MD	"in_port(1),skb_mark(2),skb_priority(3),recirc_id(4),dp_hash(5)," ETH_SD UDP4

struct reject_case {
	const char *flow;
	const char *edits;
	const char *msg;	/* substring of the extack message */
	const char *blame;	/* "@": the node the last edit touched or made;
				 * "k", "m": the key or mask nest; or
				 * "k:PATH", "m:PATH" */
};

static const struct reject_case rejects[] = {
	/* Unknown types, at the top and in each header; UNSPEC. */
	{ UDP4, "k::add=31:00000000", "unknown attribute type in a flow key", "@" },
	{ UDP4, "k::add=40:0000", "unknown attribute", "@" },
	{ UDP4, "m::add=1000:00000000", "unknown attribute", "@" },
	{ UDP4, "k::add=0:00000000", "unknown attribute", "@" },
	{ UDP4, "m::add=0:", "unknown attribute", "@" },
	{ MD, "k:eth:add=3:000000000000", "unknown attribute", "@" },
	{ MD, "k:eth:add=0:000000000000", "unknown attribute", "@" },
	{ VLAN, "k:vlan:add=3:0000", "unknown attribute", "@" },
	{ VLAN, "m:vlan:add=0:ffff", "unknown attribute", "@" },
	{ QINQ, "k:cvlan:add=3:0000", "unknown attribute", "@" },
	{ UDP4, "k:ipv4:add=7:00", "unknown attribute", "@" },
	{ UDP4, "m:ipv4:add=0:ff", "unknown attribute", "@" },
	{ TCP6, "k:ipv6:add=8:00", "unknown attribute", "@" },
	{ TCP4, "k:tcp:add=4:0000", "unknown attribute", "@" },
	{ TCP4, "k:tcp:add=0:0000", "unknown attribute", "@" },
	{ UDP4, "k:udp:add=3:0000", "unknown attribute", "@" },	/* flags */
	{ SCTP4, "m:sctp:add=3:0fff", "unknown attribute", "@" },
	{ ICMP4, "k:icmp:add=3:00", "unknown attribute", "@" },
	{ ND6, "k:icmpv6:add=3:00", "unknown attribute", "@" },
	{ ARP, "k:arp:add=6:000000000000", "unknown attribute", "@" },
	{ ND6, "k:nd:add=4:000000000000", "unknown attribute", "@" },
	{ ND6, "m:nd:add=0:", "unknown attribute", "@" },
	/* Wrong lengths, short and long, of each kind of field. */
	{ MD, "k:in_port:len=2", "wrong length", "@" },
	{ MD, "k:dp_hash:len=8", "wrong length", "@" },
	{ MD, "m:skb_mark:len=0", "wrong length", "@" },
	{ UDP4, "k:eth_type:len=1", "wrong length", "@" },
	{ UDP4, "m:eth_type:len=4", "wrong length", "@" },
	{ MD, "k:eth.src:len=5", "wrong length", "@" },
	{ MD, "m:eth.dst:len=7", "wrong length", "@" },
	{ VLAN, "k:vlan.tci:len=4", "wrong length", "@" },
	{ VLAN, "k:vlan.tpid:len=1", "wrong length", "@" },
	{ UDP4, "k:ipv4.src:len=2", "wrong length", "@" },
	{ UDP4, "k:ipv4.proto:len=0", "wrong length", "@" },
	{ UDP4, "m:ipv4.proto:len=2", "wrong length", "@" },
	{ UDP4, "k:ipv4.frag:len=4", "wrong length", "@" },
	{ TCP6, "k:ipv6.src:len=15", "wrong length", "@" },
	{ TCP6, "m:ipv6.dst:len=17", "wrong length", "@" },
	{ TCP6, "k:ipv6.label:len=3", "wrong length", "@" },
	{ TCP6, "k:ipv6.label:len=5", "wrong length", "@" },
	{ TCP4, "k:tcp.flags:len=1", "wrong length", "@" },
	{ TCP4, "m:tcp.flags:len=4", "wrong length", "@" },
	{ UDP4, "k:udp.dst:len=4", "wrong length", "@" },
	{ ICMP4, "k:icmp.type:len=2", "wrong length", "@" },
	{ ARP, "k:arp.op:len=1", "wrong length", "@" },
	{ ARP, "k:arp.sha:len=8", "wrong length", "@" },
	{ ND6, "k:nd.target:len=4", "wrong length", "@" },
	{ ND6, "k:nd.sll:len=8", "wrong length", "@" },
	/* NLA_F_NESTED: on fields never, on headers always. */
	{ MD, "k:in_port:flip", "NLA_F_NESTED set on a flow key field", "@" },
	{ UDP4, "k:eth_type:flip", "NLA_F_NESTED set", "@" },
	{ UDP4, "k:ipv4.proto:flip", "NLA_F_NESTED set", "@" },
	{ MD, "m:eth.src:flip", "NLA_F_NESTED set", "@" },
	{ UDP4, "k:ipv4:flip", "header nest lacks NLA_F_NESTED", "@" },
	{ TCP4, "m:tcp:flip", "lacks NLA_F_NESTED", "@" },
	{ MD, "k:eth:flip", "lacks NLA_F_NESTED", "@" },
	{ VLAN, "m:vlan:flip", "lacks NLA_F_NESTED", "@" },
	/* Twice. */
	{ UDP4, "k:ipv4.proto:dup", "flow key field given twice", "@" },
	{ MD, "k:in_port:dup", "field given twice", "@" },
	{ MD, "m:eth.dst:dup", "field given twice", "@" },
	{ UDP4, "m:eth_type:dup", "field given twice", "@" },
	{ UDP4, "k:ipv4:dup", "flow key header given twice", "@" },
	{ VLAN, "m:vlan:dup", "header given twice", "@" },
	{ MD, "k:eth:dup", "header given twice", "@" },
	{ UDP4, "k:udp:dup", "header given twice", "@" },
	/* Leftovers: bytes too few for an attribute, or one longer than its nest. */
	{ UDP4, "k::trail=1", "bytes left over after the last attribute of a flow key", "k" },
	{ UDP4, "m::trail=3", "left over after the last attribute of a flow key", "m" },
	{ UDP4, "k:ipv4:trail=2", "bytes left over after the last attribute of a flow key header", "@" },
	{ TCP4, "m:tcp:trail=3", "of a flow key header", "@" },
	{ "", "k::trail=2", "left over after the last attribute of a flow key", "k" },
	{ UDP4, "k:eth_type:over=4", "wrong length", "@" },
	{ UDP4, "k:eth_type:over=200", "left over after the last attribute of a flow key", "k" },
	{ UDP4, "k:udp:over=1", "left over after the last attribute of a flow key", "k" },
	{ UDP4, "k:ipv4.src:over=100", "of a flow key header", "k:ipv4" },
	{ UDP4, "k:ipv4.proto:over=-3", "of a flow key header", "k:ipv4" },
	{ MD, "m:in_port:over=-4", "wrong length", "@" },
	{ MD, "m:in_port:over=-5", "left over after the last attribute of a flow key", "m" },
	{ MD, "k:in_port:over=-8", "left over after the last attribute of a flow key", "k" },
	{ UDP4, "k:ipv4.proto:over=-5", "of a flow key header", "k:ipv4" },
	/* Key values out of range. */
	{ UDP4, "k:ipv4.frag:val=03", "frag must be 0 (no), 1 (first) or 2 (later)", "@" },
	{ TCP6, "k:ipv6.frag:val=ff", "frag must be", "@" },
	{ TCP6, "k:ipv6.label:val=00100000", "ipv6 label is wider than 20 bits", "@" },
	{ TCP6, "k:ipv6.label:val=80000005", "label is wider", "@" },
	{ TCP4, "k:tcp.flags:val=1000", "tcp flags are wider than 12 bits", "@" },
	{ TCP4, "k:tcp.flags:val=f002", "flags are wider", "@" },
	{ ARP, "k:arp.op:val=0100", "arp op above 255 cannot be matched", "@" },
	{ ARP, "k:arp.op:val=ff01", "arp op above 255", "@" },
	{ VLAN, "k:vlan.tci:val=000a", "vlan tci needs VLAN_CFI_MASK", "k:vlan" },
	{ QINQ, "k:cvlan.tci:val=0fff", "needs VLAN_CFI_MASK", "k:cvlan" },
	{ VLAN, "k:vlan.tpid:val=0800", "vlan tpid must be 0x8100 or 0x88a8", "k:vlan" },
	{ QINQ, "k:cvlan.tpid:val=9100", "tpid must be", "k:cvlan" },
	{ VLAN, "k:vlan.tpid:val=0000", "tpid must be", "k:vlan" },
	{ VLAN, "k:vlan.tci:val=0000", "tpid must be 0x8100 or 0x88a8 on a tag and absent without one", "k:vlan" },
	/* Headers that share storage. */
	{ UDP4, "k::addnest=11", "ipv4, ipv6 and arp are exclusive", "k" },
	{ TCP6, "m::addnest=10", "ipv4, ipv6 and arp are exclusive", "m" },
	{ UDP4, "k::addnest=17", "ipv4, ipv6 and arp are exclusive", "k" },
	{ ARP, "m::addnest=11", "exclusive", "m" },
	{ TCP4, "k::addnest=13", "tcp, udp, sctp, icmp and icmpv6 are exclusive", "k" },
	{ UDP4, "m::addnest=14", "tcp, udp, sctp, icmp and icmpv6 are exclusive", "m" },
	{ ICMP4, "k::addnest=16", "tcp, udp, sctp, icmp and icmpv6 are exclusive", "k" },
	{ UDP4, "k::addnest=18", "nd goes with ipv6 only", "k" },
	{ ARP, "m::addnest=18", "nd goes with ipv6 only", "m" },
	/* Prerequisites. */
	{ V4("proto=17/0xf0") ",udp(dst=53)", NULL, "udp needs ipv4/ipv6 proto 17 matched exactly", "m" },
	{ V4("proto=6") ",udp(dst=53)", NULL, "udp needs ipv4/ipv6 proto 17", "m" },
	{ V4("proto=17,frag=later") ",udp(dst=53)", NULL, "udp needs ipv4/ipv6 proto 17", "m" },
	{ V4("proto=6,frag=later") ",tcp(dst=80)", NULL, "tcp needs ipv4/ipv6 proto 6", "m" },
	{ "eth_type(0x86dd),ipv6(proto=6),tcp(dst=80)", "m:ipv6.proto:val=7f", "tcp needs", "m" },
	{ V4("proto=17") ",sctp(dst=1)", NULL, "sctp needs ipv4/ipv6 proto 132", "m" },
	{ V6("proto=1") ",icmp(type=8)", NULL, "icmp needs ipv4 proto 1", "m" },
	{ V4("proto=58") ",icmpv6(type=128)", NULL, "icmpv6 needs ipv6 proto 58", "m" },
	{ V6("proto=58,frag=later") ",icmpv6(type=128)", NULL, "icmpv6 needs", "m" },
	{ "ipv4(src=1.2.3.4)", NULL, "ipv4 needs eth_type 0x0800 matched exactly", "m" },
	{ "eth_type(0x0800/0xff00),ipv4(src=1.2.3.4)", NULL, "ipv4 needs eth_type 0x0800", "m" },
	{ "eth_type(0x0800),ipv6(src=::1)", NULL, "ipv6 needs eth_type 0x86dd", "m" },
	{ "eth_type(0x0800),arp(op=1)", NULL, "arp needs eth_type 0x0806 (or 0x8035)", "m" },
	{ V6("proto=58") ",icmpv6(type=128),nd(target=::1)", NULL, "nd needs icmpv6 type 135 or 136", "m" },
	{ V6("proto=58") ",icmpv6(type=135/0xfe),nd(target=::1)", NULL, "nd needs icmpv6 type 135 or 136", "m" },
	{ V6("proto=58") ",icmpv6(type=135/0x87),nd(target=::1)", NULL, "nd needs icmpv6 type 135 or 136", "m" },
	{ V6("proto=17") ",udp(src=135),nd(target=::1)", NULL, "nd needs", "m" },
	{ QINQ, "m:vlan.tci:val=0000", "cvlan needs the outer vlan tag matched as present", "m" },
	/* A stored match must survive its own dump: tag bits need CFI, a tag its tpid. */
	{ QINQ, "m:vlan.tci:val=0fff", "vlan: matching tci bits needs the tag's presence", "m" },
	{ "eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800))", "m:vlan.tpid:val=0000",
	  "vlan: a tagged match needs its tpid matched exactly", "m" },
	{ "eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135,code=1),nd(target=fe80::1)", NULL,
	  "nd needs icmpv6 code 0", "m" },
	{ V4("proto=17") ",udp(dst=53)", "k:ipv4:del;k:eth_type:val=86dd;k::addnest=11",
	  "ipv4, ipv6 and arp are exclusive", "m" },
	{ QINQ, "k:vlan:del", "cvlan needs the outer vlan tag", "m" },
	{ V4("proto=6") ",udp(dst=53)", "nomask", "udp needs ipv4/ipv6 proto 17", "k" },
	{ "ipv4(src=1.2.3.4)", "nomask", "ipv4 needs eth_type", "k" },
	{ V4("proto=17"), "m::addnest=12;m:tcp:add=2:ffff", "tcp needs ipv4/ipv6 proto 6", "m" },
	{ V4("proto=6") ",tcp(dst=80)", "m:ipv4.proto:del", "tcp needs", "m" },
};

#endif /* KEY_PARSE_CASES_H */
