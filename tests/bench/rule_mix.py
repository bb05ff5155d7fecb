#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""rule_mix.py N: an OVN-like mix of N OpenFlow rules on stdout, a quarter
of each kind, in four tables: port classification (in_port + dl_src),
L2 forwarding (reg15 + dl_dst), prefix routes (/24, /28, /32) and ACLs
(tcp, nw_src, tp_dst). Used by bench_agent.sh's memory row and by
tests/system/test_weftd_memory.sh, so that both load the same mix.
Lines can repeat; pipe through sort -u."""
import sys


def main():
    n = int(sys.argv[1])
    q = max(n // 4, 1)
    out = sys.stdout
    for i in range(n):
        k, j = divmod(i, q)
        k = min(k, 3)
        a, b, c = (j >> 16) & 255, (j >> 8) & 255, j & 255
        mac = '02:%02x:%02x:%02x:%02x:%02x' % (k, (j >> 24) & 255, a, b, c)
        if k == 0:
            out.write('table=0,priority=100,in_port=1,dl_src=%s,'
                      'actions=load:%d->NXM_NX_REG14[],resubmit(,1)\n'
                      % (mac, j & 0x7fff))
        elif k == 1:
            out.write('table=1,priority=50,reg15=%d,dl_dst=%s,'
                      'actions=resubmit(,2)\n' % (j & 0x7fff, mac))
        elif k == 2:
            plen = (24, 28, 32)[j % 3]
            ip = (10 << 24) | (j << (32 - plen))
            out.write('table=2,priority=%d,ip,nw_dst=%d.%d.%d.%d/%d,'
                      'actions=output:2\n'
                      % (plen, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                         ip & 255, plen))
        else:
            out.write('table=3,priority=2000,tcp,nw_src=172.%d.%d.%d,'
                      'tp_dst=%d,actions=drop\n' % (a, b, c, 1 + j % 60000))


if __name__ == '__main__':
    main()
