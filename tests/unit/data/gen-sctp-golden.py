#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Writes the packet arrays of tests/unit/data/sctp_golden.h (see its header
# comment): python3 gen-sctp-golden.py, then paste between the guards.
import struct
# table-driven CRC32c, independent of weft's bitwise loop
T=[]
for i in range(256):
    c=i
    for _ in range(8):
        c = (c>>1) ^ 0x82F63B78 if c&1 else c>>1
    T.append(c)
def crc32c(b):
    c=0xffffffff
    for x in b: c = T[(c^x)&0xff] ^ (c>>8)
    return c ^ 0xffffffff
assert crc32c(b"123456789")==0xe3069283
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b))
    while s>>16: s=(s&0xffff)+(s>>16)
    return (~s)&0xffff
A=bytes.fromhex("505400000001"); B=bytes.fromhex("505400000002")
def ip4(src,dst,proto,ttl,payload,tos=0,flags=0,ident=0):
    h=struct.pack('!BBHHHBBH4s4s',0x45,tos,20+len(payload),ident,flags,ttl,proto,0,src,dst)
    h=h[:10]+struct.pack('!H',csum(h))+h[12:]
    return h+payload
def ip6(src,dst,nh,hlim,payload):
    return struct.pack('!IHBB',0x60000000,len(payload),nh,hlim)+src+dst+payload
s4=bytes([10,0,0,1]); d4=bytes([20,0,0,2])
import ipaddress
s6=ipaddress.IPv6Address("fd00::1").packed; d6=ipaddress.IPv6Address("fd01::2").packed
def sctp(sport,dport,vtag,chunks):
    h=struct.pack('!HHII',sport,dport,vtag,0)+chunks
    c=crc32c(h)
    return h[:8]+struct.pack('<I',c)+h[12:]
init=struct.pack('!BBHIIHHI',1,0,20,0x11223344,65536,10,10,0x01020304)
data=struct.pack('!BBHIHHI',0,3,20,7,0,0,0)+b"abcd"
abort_in=struct.pack('!BBH',6,0,4)
def eth(dst,src,t): return dst+src+struct.pack('!H',t)
trig_init4=eth(B,A,0x800)+ip4(s4,d4,132,64,sctp(5000,80,0,init),flags=0x4000)
trig_data4=eth(B,A,0x800)+ip4(s4,d4,132,64,sctp(5000,80,0xdeadbeef,data),flags=0x4000)
trig_abort4=eth(B,A,0x800)+ip4(s4,d4,132,64,sctp(5000,80,0xdeadbeef,abort_in),flags=0x4000)
trig_init6=eth(B,A,0x86dd)+ip6(s6,d6,132,64,sctp(5000,80,0,init))
ab=lambda vt,T: sctp(80,5000,vt,struct.pack('!BBH',6,T,4))
# OVN's pinctrl_compose_ipv4: tos CS6? weft's put_ipv4 writes tos 0xc0, DF, id 0
exp_abort4=eth(B,A,0x800)+ip4(s4,d4,132,63,ab(0x11223344,0),tos=0xc0,flags=0x4000)
exp_abort4_data_swap=eth(A,B,0x800)+ip4(d4,s4,132,63,ab(0xdeadbeef,1),tos=0xc0,flags=0x4000)
exp_abort6=eth(B,A,0x86dd)+ip6(s6,d6,132,63,ab(0x11223344,0))
def c(name,b):
    print("static const uint8_t %s[] = {"%name)
    for i in range(0,len(b),12):
        print("\t"+", ".join("0x%02x"%x for x in b[i:i+12])+",")
    print("};")
for n in ["trig_init4","trig_data4","trig_abort4","trig_init6","exp_abort4","exp_abort4_data_swap","exp_abort6"]:
    c(n,globals()[n])
