#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Writes tests/unit/data/packet_build_golden.h: trigger packets and the
# packets ovn-controller 23.03 would build from them (pinctrl.c's layouts:
# ARP request, ND NS/NA, ICMPv4/v6 errors, TCP RST), composed with scapy
# independently of weft's builders, which check_packet_build.c compares
# byte for byte. Run once; the header is committed.
#   tests/unit/data/gen-packet-build.py > tests/unit/data/packet_build_golden.h
from scapy.all import (ARP, BOOTP, DHCP, Dot1Q, Ether, ICMP, ICMPv6DestUnreach,
                       ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_RS,
                       ICMPv6NDOptDstLLAddr, ICMPv6NDOptMTU,
                       ICMPv6NDOptPrefixInfo,
                       ICMPv6NDOptSrcLLAddr, ICMPv6PacketTooBig, IP, IPv6,
                       TCP, UDP, Raw, raw)

A = "50:54:00:00:00:01"
B = "50:54:00:00:00:02"

udp4 = Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="20.0.0.2", ttl=1,
                                 id=7) / UDP(sport=5000, dport=53) / Raw(b"x" * 11)
tcp4 = Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="20.0.0.2") / \
    TCP(sport=40000, dport=80, seq=1000, flags="S")
big4 = Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="20.0.0.2", flags="DF") / \
    UDP(sport=1, dport=2) / Raw(b"y" * 1400)
vlan4 = Ether(src=A, dst=B) / Dot1Q(vlan=10, prio=3) / \
    IP(src="10.0.0.1", dst="20.0.0.2") / UDP(sport=1, dport=2)
udp6 = Ether(src=A, dst=B) / IPv6(src="fd00::1", dst="fd01::2", hlim=1) / \
    UDP(sport=5000, dport=53) / Raw(b"z" * 9)
tcp6 = Ether(src=A, dst=B) / IPv6(src="fd00::1", dst="fd01::2") / \
    TCP(sport=40000, dport=22, seq=0xfffffff0, flags="S")
big6 = Ether(src=A, dst=B) / IPv6(src="fd00::1", dst="fd01::2") / \
    UDP(sport=1, dport=2) / Raw(b"w" * 1400)
ns = Ether(src=A, dst="33:33:ff:00:00:01") / \
    IPv6(src="fd00::5", dst="ff02::1:ff00:1", hlim=255) / \
    ICMPv6ND_NS(tgt="fd00::1") / ICMPv6NDOptSrcLLAddr(lladdr=A)


def ip4err(trig, typ, code, extra=b"\0\0\0\0", swap=False):
    e, ip = trig[Ether], trig[IP]
    q = raw(ip)[:576 - 14 - 20 - 8]
    icmp = ICMP(type=typ, code=code) / Raw(extra + q)
    # scapy's ICMP puts id/seq in the 4 "unused" bytes: build raw.
    icmp = raw(ICMP(type=typ, code=code, unused=0))[:4] + extra + q
    body = IP(src=ip.dst if swap else ip.src, dst=ip.src if swap else ip.dst,
              ttl=255, tos=0xc0, flags="DF", id=0, proto=1) / \
        ICMP(raw(icmp_fix(icmp)))
    return eth_like(trig, swap) / body


def icmp_fix(b):
    b = bytearray(b)
    b[2] = b[3] = 0
    s = 0
    for i in range(0, len(b) - 1, 2):
        s += b[i] << 8 | b[i + 1]
    if len(b) % 2:
        s += b[-1] << 8
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    s = ~s & 0xffff
    b[2], b[3] = s >> 8, s & 0xff
    return bytes(b)


def eth_like(trig, swap=False):
    e = trig[Ether]
    src, dst = (e.dst, e.src) if swap else (e.src, e.dst)
    if Dot1Q in trig:
        return Ether(src=src, dst=dst) / Dot1Q(vlan=trig[Dot1Q].vlan,
                                               prio=trig[Dot1Q].prio)
    return Ether(src=src, dst=dst)


def ip6err(trig, typ, code, mtu=None, swap=False):
    ip = trig[IPv6]
    q = raw(ip)[:1280 - 14 - 40 - 8]
    if mtu is not None:
        l4 = ICMPv6PacketTooBig(type=typ, code=code, mtu=mtu) / Raw(q)
    else:
        l4 = ICMPv6DestUnreach(type=typ, code=code) / Raw(q)
    return eth_like(trig, swap) / IPv6(src=ip.dst if swap else ip.src,
                                       dst=ip.src if swap else ip.dst,
                                       hlim=255) / l4


def rst(trig, swap=False):
    e = trig[Ether]
    if IPv6 in trig:
        ip = trig[IPv6]
        l3 = IPv6(src=ip.dst if swap else ip.src, dst=ip.src if swap else ip.dst,
                  hlim=63)
    else:
        ip = trig[IP]
        l3 = IP(src=ip.dst if swap else ip.src, dst=ip.src if swap else ip.dst,
                ttl=63, tos=0xc0, flags="DF", id=0)
    t = trig[TCP]
    return eth_like(trig, swap) / l3 / TCP(sport=t.dport, dport=t.sport, seq=0,
                                           ack=(t.seq + 1) & 0xffffffff,
                                           flags="RA", window=0)

C = "50:54:00:00:00:05"
CH = bytes.fromhex("505400000005") + b"\0" * 10


def dhcp_req(kind, req_ip=None, bcast=False):
    opts = [("message-type", kind)]
    if req_ip:
        opts.append(("requested_addr", req_ip))
    opts += [("param_req_list", [1, 3, 6]), "end"]
    return Ether(src=C, dst="ff:ff:ff:ff:ff:ff") / \
        IP(src="0.0.0.0", dst="255.255.255.255", ttl=64, id=0x1234) / \
        UDP(sport=68, dport=67) / \
        BOOTP(op=1, xid=0xabcd1234, chaddr=CH,
              flags=0x8000 if bcast else 0) / DHCP(options=opts)


# put_dhcp_opts(offerip = 10.0.0.5, lease_time = 3600,
#               netmask = 255.255.255.0, router = 10.0.0.1,
#               server_id = 10.0.0.1), as ovn-controller 23.03 answers.
DHCP_OPTS = [("lease_time", 3600), ("subnet_mask", "255.255.255.0"),
             ("router", "10.0.0.1"), ("server_id", "10.0.0.1")]


def dhcp_reply(kind, dst, opts=DHCP_OPTS, yi="10.0.0.5", bcast=False):
    return Ether(src=C, dst="ff:ff:ff:ff:ff:ff") / \
        IP(src="0.0.0.0", dst=dst, ttl=64, id=0x1234) / \
        UDP(sport=68, dport=67, chksum=0) / \
        BOOTP(op=2, xid=0xabcd1234, chaddr=CH, yiaddr=yi,
              flags=0x8000 if bcast else 0) / \
        DHCP(options=[("message-type", kind)] + opts +
             ["pad", "pad", "pad", "pad", "end"])


cases = [
    # name, trigger, expected, builder call
    ("arp", udp4, Ether(src=A, dst=B) / ARP(op=1, hwsrc=A, psrc="10.0.0.1",
                                            hwdst="00:00:00:00:00:00",
                                            pdst="20.0.0.2"),
     "wft_pkt_arp_request(&in, out)"),
    ("arp_vlan", vlan4, Ether(src=A, dst=B) / Dot1Q(vlan=10, prio=3) /
     ARP(op=1, hwsrc=A, psrc="10.0.0.1", hwdst="00:00:00:00:00:00",
         pdst="20.0.0.2"), "wft_pkt_arp_request(&in, out)"),
    ("nd_ns", udp6, Ether(src=A, dst="33:33:ff:00:00:02") /
     IPv6(src="fe80::5254:ff:fe00:1", dst="ff02::1:ff00:2", hlim=255) /
     ICMPv6ND_NS(tgt="fd01::2") / ICMPv6NDOptSrcLLAddr(lladdr=A),
     "wft_pkt_nd_ns(&in, out)"),
    ("nd_na", ns, Ether(src="33:33:ff:00:00:01", dst=A) /
     IPv6(src="fd00::1", dst="fd00::5", hlim=255) /
     ICMPv6ND_NA(tgt="fd00::1", R=0, S=1, O=1) /
     ICMPv6NDOptDstLLAddr(lladdr="33:33:ff:00:00:01"),
     "wft_pkt_nd_na(&in, false, out)"),
    ("nd_na_router", ns, Ether(src="33:33:ff:00:00:01", dst=A) /
     IPv6(src="fd00::1", dst="fd00::5", hlim=255) /
     ICMPv6ND_NA(tgt="fd00::1", R=1, S=1, O=1) /
     ICMPv6NDOptDstLLAddr(lladdr="33:33:ff:00:00:01"),
     "wft_pkt_nd_na(&in, true, out)"),
    ("icmp4_port", udp4, ip4err(udp4, 3, 3),
     "icmp(&in, -1, -1, true, -1, false, out)"),
    ("icmp4_error_ttl", udp4, ip4err(udp4, 11, 0),
     "icmp(&in, 11, 0, false, -1, false, out)"),
    ("icmp4_frag_mtu", big4, ip4err(big4, 3, 4, b"\0\0\x05\x78"),
     "icmp(&in, 3, 4, false, 1400, false, out)"),
    ("icmp4_reject", tcp4, ip4err(tcp4, 3, 1, swap=True),
     "icmp(&in, -1, -1, true, -1, true, out)"),
    ("icmp4_vlan", vlan4, ip4err(vlan4, 3, 3),
     "icmp(&in, -1, -1, true, -1, false, out)"),
    ("icmp6_port", udp6, ip6err(udp6, 1, 4),
     "icmp(&in, -1, -1, true, -1, false, out)"),
    ("icmp6_error_hlim", udp6, ip6err(udp6, 3, 0),
     "icmp(&in, 3, 0, false, -1, false, out)"),
    ("icmp6_too_big", big6, ip6err(big6, 2, 0, mtu=1280),
     "icmp(&in, 2, 0, false, 1280, false, out)"),
    ("tcp_reset4", tcp4, rst(tcp4), "wft_pkt_tcp_reset(&in, false, out)"),
    ("tcp_reset4_swap", tcp4, rst(tcp4, True),
     "wft_pkt_tcp_reset(&in, true, out)"),
    ("tcp_reset6", tcp6, rst(tcp6), "wft_pkt_tcp_reset(&in, false, out)"),
    ("dhcp_offer", dhcp_req("discover"), dhcp_reply("offer", "10.0.0.5"),
     "dhcp(&in, out)"),
    ("dhcp_offer_bcast", dhcp_req("discover", bcast=True),
     dhcp_reply("offer", "255.255.255.255", bcast=True), "dhcp(&in, out)"),
    ("dhcp_ack", dhcp_req("request", "10.0.0.5"),
     dhcp_reply("ack", "10.0.0.5"), "dhcp(&in, out)"),
    ("dhcp_nak", dhcp_req("request", "10.0.0.9"),
     dhcp_reply("nak", "10.0.0.5", opts=[], yi="0.0.0.0"), "dhcp(&in, out)"),
    ("dhcp_inform", dhcp_req("inform"),
     dhcp_reply("ack", "10.0.0.5", opts=DHCP_OPTS[2:], yi="0.0.0.0"),
     "dhcp(&in, out)"),
]


# put_nd_ra_opts (check_pinctrl compiles the action itself): a router
# solicitation and the advertisements ovn-controller 23.03 answers with.
R = "0a:58:0a:00:01:01"
rs = Ether(src=A, dst="33:33:00:00:00:02") / \
    IPv6(src="fe80::5054:ff:fe00:1", dst="ff02::2", hlim=255) / \
    ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=A)


def ra(managed, *opts):
    return Ether(src=A, dst="33:33:00:00:00:02") / \
        IPv6(src="fe80::5054:ff:fe00:1", dst="ff02::2", hlim=255) / \
        ICMPv6ND_RA(chlim=255, M=managed, O=0, prf=0,
                    routerlifetime=65535, reachabletime=0,
                    retranstimer=0) / ICMPv6NDOptSrcLLAddr(lladdr=R) / \
        opts[0] / ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=0 if managed else 1,
                                        validlifetime=0xffffffff,
                                        preferredlifetime=0xffffffff,
                                        prefix="fd01::")


# (slaac: slla, prefix; stateful: slla, mtu, prefix)
extras = [
    ("trig_ra", rs),
    ("exp_ra_slaac", ra(0, b"")),
    ("exp_ra_managed", ra(1, ICMPv6NDOptMTU(mtu=1442))),
]


def carr(name, b):
    out = ["static const uint8_t %s[%d] = {" % (name, len(b))]
    for i in range(0, len(b), 12):
        out.append("\t" + " ".join("0x%02x," % x for x in b[i:i + 12]))
    out.append("};")
    return "\n".join(out)


print("/* Generated by tests/unit/data/gen-packet-build.py (scapy): do not "
      "edit. */")
seen = {}
for name, trig, exp, call in cases:
    tb = raw(trig)
    key = tb
    if key not in seen:
        seen[key] = "trig_" + name
        print(carr(seen[key], tb))
    print(carr("exp_" + name, raw(exp)))
for name, pkt in extras:
    print(carr(name, raw(pkt)))
print("#define GOLDEN_CASES(X) \\")
for name, trig, exp, call in cases:
    print("\tX(%s, %s, exp_%s, %s) \\" % (name, seen[raw(trig)], name, call))
print("")
