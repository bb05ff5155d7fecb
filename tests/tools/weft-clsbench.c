// SPDX-License-Identifier: GPL-2.0
/*
 * weft-clsbench: classifier lookups per second at 1k, 10k and 100k rules
 * of an OVN-like mix, in one table (the hardest case: every mask in one
 * classifier):
 *   - port classification: in_port, metadata and two registers exact;
 *   - L2 forwarding: metadata and dl_dst exact;
 *   - routes: metadata, ip and nw_dst prefixes of lengths 8 to 32;
 *   - ACLs: metadata, reg15, tcp/udp, nw_src prefix, tp_dst exact.
 * Packets are drawn from the same pools, so that they meet rules of every
 * kind (the short routes catch nearly all of them in the end). Each size is timed with megaflow mask tracking (what
 * xlate does) and without, and reports the average number of mask bits a
 * lookup un-wildcards. Times are the thread's CPU time, so that a busy
 * machine skews them less (caches are still shared).
 *
 *   weft-clsbench [-n LOOKUPS] [SIZE...]
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft/cls.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void prefix(uint32_t *m, unsigned int len)
{
	*m = len ? htonl(0xffffffffu << (32 - len)) : 0;
}

/* The pools: datapaths, ports, MACs and addresses scale with the rules. */
struct pools {
	uint32_t n_dp, n_port, n_mac, n_net;
};

static void rule_port(struct wft_flow *f, struct wft_flow_wc *m,
		      const struct pools *p)
{
	f->in_port = htonl(1 + rnd() % p->n_port);
	m->masks.in_port = UINT32_MAX;
	f->metadata = htobe64(1 + rnd() % p->n_dp);
	m->masks.metadata = UINT64_MAX;
	f->regs[13] = htonl(rnd() % 64);
	m->masks.regs[13] = UINT32_MAX;
	f->regs[14] = htonl(rnd() % 256);
	m->masks.regs[14] = UINT32_MAX;
}

static void put_mac(uint8_t *mac, uint32_t i)
{
	mac[0] = 0x0a;
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static void rule_l2(struct wft_flow *f, struct wft_flow_wc *m,
		    const struct pools *p)
{
	f->metadata = htobe64(1 + rnd() % p->n_dp);
	m->masks.metadata = UINT64_MAX;
	put_mac(f->dl_dst, rnd() % p->n_mac);
	memset(m->masks.dl_dst, 0xff, 6);
}

static uint32_t net_addr(const struct pools *p)
{
	return 0x0a000000u | (rnd() % p->n_net) << 8 | (rnd() % 32);
}

static void rule_l3(struct wft_flow *f, struct wft_flow_wc *m,
		    const struct pools *p)
{
	static const unsigned int lens[] = { 8, 16, 20, 24, 24, 24, 28, 32 };

	f->metadata = htobe64(1 + rnd() % p->n_dp);
	m->masks.metadata = UINT64_MAX;
	f->dl_type = htons(0x0800);
	m->masks.dl_type = 0xffff;
	f->nw_dst = htonl(net_addr(p));
	prefix(&m->masks.nw_dst, lens[rnd() % 8]);
}

static void rule_l4(struct wft_flow *f, struct wft_flow_wc *m,
		    const struct pools *p)
{
	static const uint16_t ports[] = { 22, 53, 80, 443, 3306, 5432, 6443,
					  8080 };

	f->metadata = htobe64(1 + rnd() % p->n_dp);
	m->masks.metadata = UINT64_MAX;
	f->regs[15] = htonl(rnd() % 256);
	m->masks.regs[15] = UINT32_MAX;
	f->dl_type = htons(0x0800);
	m->masks.dl_type = 0xffff;
	f->nw_proto = rnd() % 2 ? 6 : 17;
	m->masks.nw_proto = 0xff;
	f->nw_src = htonl(net_addr(p));
	prefix(&m->masks.nw_src, rnd() % 2 ? 24 : 32);
	f->tp_dst = htons(ports[rnd() % 8]);
	m->masks.tp_dst = 0xffff;
}

static void random_packet(struct wft_flow *f, const struct pools *p)
{
	memset(f, 0, sizeof(*f));
	f->in_port = htonl(1 + rnd() % p->n_port);
	f->metadata = htobe64(1 + rnd() % p->n_dp);
	f->regs[13] = htonl(rnd() % 64);
	f->regs[14] = htonl(rnd() % 256);
	f->regs[15] = htonl(rnd() % 256);
	put_mac(f->dl_dst, rnd() % (p->n_mac * 2));
	put_mac(f->dl_src, rnd());
	f->dl_type = htons(0x0800);
	f->nw_src = htonl(net_addr(p));
	f->nw_dst = htonl(net_addr(p));
	f->nw_proto = rnd() % 2 ? 6 : 17;
	f->nw_ttl = 64;
	f->tp_src = htons((uint16_t)rnd());
	f->tp_dst = htons(rnd() % 4 ? 80 : (uint16_t)rnd());
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned int mask_bits(const struct wft_flow_wc *wc)
{
	const uint32_t *w = (const uint32_t *)&wc->masks;
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(wc->masks) / 4; i++)
		n += (unsigned int)__builtin_popcount(w[i]);
	return n;
}

static void bench(size_t n_rules, size_t n_lookups)
{
	struct pools p = {
		.n_dp = 1 + (uint32_t)n_rules / 500,
		.n_port = 1 + (uint32_t)n_rules / 4,
		.n_mac = 1 + (uint32_t)n_rules / 4,
		.n_net = 1 + (uint32_t)n_rules / 8,
	};
	struct wft_cls_rule *rules = calloc(n_rules, sizeof(*rules));
	struct wft_flow *pkts = calloc(4096, sizeof(*pkts));
	struct wft_cls *cls = wft_cls_create();
	size_t i, hits = 0, bits = 0;
	double t0, with, without;
	int prio;

	for (i = 0; i < n_rules; i++) {
		struct wft_flow f;
		struct wft_flow_wc m;

		/* Draw again when the rule is already there. */
		do {
			memset(&f, 0, sizeof(f));
			wft_flow_wc_init_catchall(&m);
			switch (i % 4) {
			case 0: rule_port(&f, &m, &p); break;
			case 1: rule_l2(&f, &m, &p); break;
			case 2: rule_l3(&f, &m, &p); break;
			default: rule_l4(&f, &m, &p); break;
			}
			/* Routes by prefix length, the rest above them. */
			prio = i % 4 == 2
			       ? 100 + __builtin_popcount(m.masks.nw_dst)
			       : 1000 - (int)(i % 4);
			wft_cls_rule_destroy(&rules[i]);
			wft_cls_rule_init(&rules[i], &f, &m, prio, NULL);
		} while (wft_cls_insert(cls, &rules[i]));
	}
	for (i = 0; i < 4096; i++)
		random_packet(&pkts[i], &p);

	t0 = now();
	for (i = 0; i < n_lookups; i++) {
		struct wft_flow_wc wc;

		wft_flow_wc_init_catchall(&wc);
		hits += wft_cls_lookup(cls, &pkts[i % 4096], &wc) != NULL;
		/* Sampled, to keep the counting out of the timing. */
		if (!(i % 64))
			bits += mask_bits(&wc);
	}
	with = (double)n_lookups / (now() - t0);
	t0 = now();
	for (i = 0; i < n_lookups; i++)
		hits += wft_cls_lookup(cls, &pkts[i % 4096], NULL) != NULL;
	without = (double)n_lookups / (now() - t0);

	printf("rules %6zu: %4zu subtables, %6.2f M lookups/s with mask, "
	       "%6.2f M without; %2.0f%% hit, %.0f mask bits per lookup\n",
	       wft_cls_count(cls), wft_cls_n_subtables(cls), with / 1e6,
	       without / 1e6, 50.0 * (double)hits / (double)n_lookups,
	       (double)bits / (double)((n_lookups + 63) / 64));
	for (i = 0; i < n_rules; i++) {
		wft_cls_remove(cls, &rules[i]);
		wft_cls_rule_destroy(&rules[i]);
	}
	wft_cls_destroy(cls);
	free(rules);
	free(pkts);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1000, 10000, 100000 };
	size_t n_lookups = 1000000;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		n_lookups = strtoul(argv[2], NULL, 0);
		i = 3;
	}
	if (i < argc) {
		for (; i < argc; i++)
			bench(strtoul(argv[i], NULL, 0), n_lookups);
		return 0;
	}
	for (i = 0; i < 3; i++)
		bench(sizes[i], n_lookups);
	return 0;
}
