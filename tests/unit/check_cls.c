// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the classifier (include/weft/cls.h):
 *  - random rules and packets against a linear reference: same winning
 *    priority, before and after removals and replacements;
 *  - soundness of the returned mask: a packet that agrees with the looked-up
 *    one on every bit of the mask gets the same answer;
 *  - minimality cases, table-driven: exactly which bits a lookup
 *    un-wildcards (staged lookup, prefix tries, port tries, priority order);
 *  - a datapath simulation: 1,000 UDP flows that differ only in their
 *    source port need one megaflow;
 *  - the trie on its own against brute force;
 *  - inserts, replacements, exact finds, loose collection;
 *  - a rule's compact match: expanded back exactly, compared exactly,
 *    overlaps.
 * Seeds are fixed (WEFT_TEST_SEED overrides) so failures reproduce.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/cls.h"
#include "agent/lib/cls_private.h"
#include "flow_text.h"

/* A deterministic generator. */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	const char *env = getenv("WEFT_TEST_SEED");

	rng_state = (env ? strtoull(env, NULL, 0) : 0x9e3779b97f4a7c15ULL) ^ s;
	if (!rng_state)
		rng_state = 1;
}

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint32_t rnd_n(uint32_t n)
{
	return rnd() % n;
}

/* Value pools shared by rules and packets, so that they meet. */
static uint32_t pool_ipv4(void)
{
	static const uint32_t bases[] = {
		0x0a000000, 0x0a010000, 0x0a010200, 0xc0a80000, 0xac100000,
	};

	return bases[rnd_n(5)] | rnd_n(4) << 8 | rnd_n(8) | rnd_n(2) << 20;
}

static void pool_ipv6(struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0x20;
	a->s6_addr[1] = 0x01;
	a->s6_addr[3] = (uint8_t)rnd_n(3);
	a->s6_addr[7] = (uint8_t)rnd_n(4);
	a->s6_addr[15] = (uint8_t)rnd_n(6);
}

static uint16_t pool_port(void)
{
	static const uint16_t ports[] = { 53, 80, 443, 8080, 8443, 1000 };

	return ports[rnd_n(6)];
}

static void prefix_mask(void *p, unsigned int n_bytes, unsigned int len)
{
	memset(p, 0, n_bytes);
	wft_cls_set_prefix_bits(p, len);
}

static void random_l3(struct wft_flow *f, struct wft_flow_wc *m)
{
	static const unsigned int v4_lens[] = { 8, 16, 20, 23, 24, 28, 32 };
	static const unsigned int v6_lens[] = { 16, 32, 48, 64, 120, 128 };

	if (rnd_n(4)) {
		f->dl_type = htons(WFT_ETH_TYPE_IP);
		if (rnd_n(3) == 0) {
			f->nw_src = htonl(pool_ipv4());
			prefix_mask(&m->masks.nw_src, 4, v4_lens[rnd_n(7)]);
		}
		if (rnd_n(2) == 0) {
			f->nw_dst = htonl(pool_ipv4());
			prefix_mask(&m->masks.nw_dst, 4, v4_lens[rnd_n(7)]);
		}
	} else {
		f->dl_type = htons(WFT_ETH_TYPE_IPV6);
		if (rnd_n(2) == 0) {
			pool_ipv6(&f->ipv6_dst);
			prefix_mask(&m->masks.ipv6_dst, 16, v6_lens[rnd_n(6)]);
		}
	}
	m->masks.dl_type = 0xffff;
	if (rnd_n(2) == 0) {
		f->nw_proto = rnd_n(2) ? 6 : 17;
		m->masks.nw_proto = 0xff;
		if (rnd_n(2) == 0) {
			f->tp_dst = htons(pool_port());
			m->masks.tp_dst = 0xffff;
		}
		if (rnd_n(5) == 0) {
			f->tp_src = htons(pool_port());
			m->masks.tp_src = htons(rnd_n(2) ? 0xffff : 0xff00);
		}
	}
}

static void random_rule(struct wft_flow *f, struct wft_flow_wc *m)
{
	memset(f, 0, sizeof(*f));
	wft_flow_wc_init_catchall(m);
	if (rnd_n(3) == 0) {
		f->in_port = htonl(1 + rnd_n(4));
		m->masks.in_port = 0xffffffff;
	}
	if (rnd_n(4) == 0) {
		f->metadata = htobe64(1 + rnd_n(3));
		m->masks.metadata = ~0ULL;
	}
	if (rnd_n(4) == 0) {
		f->regs[0] = htonl(rnd_n(4) * 0x01000100u);
		m->masks.regs[0] = htonl(rnd_n(2) ? 0xffffffff : 0xff00ff00);
	}
	if (rnd_n(3) == 0) {
		f->dl_dst[5] = (uint8_t)rnd_n(4);
		memset(m->masks.dl_dst, 0xff, 6);
	}
	if (rnd_n(8) == 0) {
		f->vlan_tci = htons(WFT_VLAN_CFI | rnd_n(3));
		m->masks.vlan_tci = htons(0x1fff);
	}
	if (rnd_n(4))
		random_l3(f, m);
	else if (!m->masks.in_port && !m->masks.metadata) {
		f->in_port = htonl(1 + rnd_n(4));
		m->masks.in_port = 0xffffffff;
	}
	wft_flow_zero_wildcards(f, m);
}

static void random_packet(struct wft_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->in_port = htonl(1 + rnd_n(4));
	f->metadata = htobe64(rnd_n(4));
	f->regs[0] = htonl(rnd_n(4) * 0x01000100u | rnd_n(2));
	f->dl_dst[5] = (uint8_t)rnd_n(5);
	f->dl_src[5] = (uint8_t)rnd();
	if (rnd_n(6) == 0)
		f->vlan_tci = htons(WFT_VLAN_CFI | rnd_n(3));
	if (rnd_n(3)) {
		f->dl_type = htons(WFT_ETH_TYPE_IP);
		f->nw_src = htonl(pool_ipv4());
		f->nw_dst = htonl(pool_ipv4());
	} else {
		f->dl_type = htons(WFT_ETH_TYPE_IPV6);
		pool_ipv6(&f->ipv6_src);
		pool_ipv6(&f->ipv6_dst);
	}
	f->nw_proto = rnd_n(2) ? 6 : 17;
	f->nw_ttl = 64;
	f->tp_src = htons(rnd_n(3) ? (uint16_t)rnd() : pool_port());
	f->tp_dst = htons(rnd_n(4) ? pool_port() : (uint16_t)rnd());
}

/* The reference: every rule, one by one. */
struct ref {
	struct wft_cls_rule *rules;
	bool *in;
	size_t n;
};

static int ref_best(const struct ref *ref, const struct wft_flow *flow)
{
	int best = -1;
	size_t i;

	for (i = 0; i < ref->n; i++)
		if (ref->in[i] && wft_cls_rule_matches(&ref->rules[i], flow) &&
		    ref->rules[i].priority > best)
			best = ref->rules[i].priority;
	return best;
}

static int prio_of(const struct wft_cls_rule *r)
{
	return r ? r->priority : -1;
}

/* Mixes @other into @flow wherever @wc has no bit. */
static void blend(struct wft_flow *flow, const struct wft_flow *other,
		  const struct wft_flow_wc *wc)
{
	uint32_t *f = (uint32_t *)flow;
	const uint32_t *o = (const uint32_t *)other;
	const uint32_t *m = (const uint32_t *)&wc->masks;
	size_t i;

	for (i = 0; i < sizeof(*flow) / 4; i++)
		f[i] = (f[i] & m[i]) | (o[i] & ~m[i]);
	flow->pad0 = flow->pad1 = flow->pad2 = flow->pad3 = 0;
}

/* Checks @n_packets random packets against the reference and the
 * soundness of each returned mask. */
static void check_packets(const struct wft_cls *cls, const struct ref *ref,
			  int n_packets)
{
	struct wft_flow p, q, other;
	struct wft_flow_wc wc;
	const struct wft_cls_rule *r;
	char buf[1024];
	int i, want, k;

	for (i = 0; i < n_packets; i++) {
		random_packet(&p);
		wft_flow_wc_init_catchall(&wc);
		r = wft_cls_lookup(cls, &p, &wc);
		want = ref_best(ref, &p);
		ck_assert_int_eq(prio_of(r), want);
		ck_assert(!r || wft_cls_rule_matches(r, &p));
		ck_assert_int_eq(prio_of(wft_cls_lookup(cls, &p, NULL)), want);
		for (k = 0; k < 3; k++) {
			random_packet(&other);
			q = p;
			blend(&q, &other, &wc);
			ck_assert_msg(prio_of(wft_cls_lookup(cls, &q, NULL)) ==
				      want, "mask too narrow: %s",
				      ft_words(&wc.masks, buf, sizeof(buf)));
		}
	}
}

static void ref_init(struct ref *ref, size_t n)
{
	size_t i;

	ref->rules = calloc(n, sizeof(*ref->rules));
	ref->in = calloc(n, sizeof(*ref->in));
	ref->n = n;
	for (i = 0; i < n; i++) {
		struct wft_flow f;
		struct wft_flow_wc m;
		const uint32_t *w = (const uint32_t *)&m.masks;
		int bits = 0, prio;
		size_t k;

		random_rule(&f, &m);
		for (k = 0; k < sizeof(m.masks) / 4; k++)
			bits += __builtin_popcount(w[k]);
		/* Mostly the more specific wins, as in real tables; some at
		 * random. Distinct, so the winner is well defined. */
		prio = rnd_n(10) < 7 ? bits : (int)rnd_n(100);
		wft_cls_rule_init(&ref->rules[i], &f, &m, prio * (int)n + (int)i,
				  NULL);
	}
}

static void ref_free(struct ref *ref)
{
	size_t i;

	for (i = 0; i < ref->n; i++)
		wft_cls_rule_destroy(&ref->rules[i]);
	free(ref->rules);
	free(ref->in);
}

START_TEST(test_random_vs_linear)
{
	struct wft_cls *cls = wft_cls_create();
	struct ref ref;
	size_t i, n = 2000;

	rng_seed((uint64_t)_i + 1);
	ref_init(&ref, n);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(wft_cls_insert(cls, &ref.rules[i]), 0);
		ref.in[i] = true;
	}
	ck_assert_uint_eq(wft_cls_count(cls), n);
	check_packets(cls, &ref, 1500);

	/* Remove a random half, check, then put them back. */
	for (i = 0; i < n; i++) {
		if (rnd_n(2)) {
			wft_cls_remove(cls, &ref.rules[i]);
			ref.in[i] = false;
		}
	}
	check_packets(cls, &ref, 800);
	for (i = 0; i < n; i++) {
		if (!ref.in[i]) {
			ck_assert_ptr_null(wft_cls_replace(cls, &ref.rules[i]));
			ref.in[i] = true;
		}
	}
	ck_assert_uint_eq(wft_cls_count(cls), n);
	check_packets(cls, &ref, 800);
	for (i = 0; i < n; i++)
		wft_cls_remove(cls, &ref.rules[i]);
	ck_assert(wft_cls_is_empty(cls));
	ck_assert_uint_eq(wft_cls_n_subtables(cls), 0);
	wft_cls_destroy(cls);
	ref_free(&ref);
}
END_TEST

/* Minimality: what exactly a lookup un-wildcards. */
struct wc_case {
	const char *name;
	const char *rules[6];	/* "priority=N,match" */
	const char *packet;
	int want_priority;	/* -1: no match */
	const char *want_wc;	/* the exact mask, as field=mask values */
};

static const struct wc_case wc_cases[] = {
	{ "prefix hit takes the prefix only",
	  { "priority=10,ip,nw_dst=10.0.0.0/24" },
	  "udp,nw_dst=10.0.0.5,nw_src=1.2.3.4,tp_src=1234,tp_dst=53", 10,
	  "dl_type=0xffff,nw_dst=255.255.255.0" },
	{ "staged: a miss in metadata leaves L3 alone",
	  { "priority=10,in_port=1,ip,nw_dst=10.0.0.1" },
	  "in_port=2,udp,nw_dst=10.0.0.1", -1, "in_port=0xffff" },
	{ "staged: a miss in L2 leaves L3 alone",
	  { "priority=10,dl_dst=00:00:00:00:00:01,ip,nw_src=10.0.0.1" },
	  "dl_dst=00:00:00:00:00:02,ip,nw_src=10.0.0.1", -1,
	  "dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0xffff" },
	{ "trie: a far address reads a few bits",
	  { "priority=10,ip,nw_dst=10.1.0.0/16",
	    "priority=20,ip,nw_dst=10.1.2.0/24" },
	  "ip,nw_dst=20.0.0.1", -1, "nw_dst=240.0.0.0" },
	{ "trie: the /16 matches, the /24 is ruled out in 17 bits",
	  { "priority=10,ip,nw_dst=10.1.0.0/16",
	    "priority=20,ip,nw_dst=10.1.2.0/24" },
	  "ip,nw_dst=10.1.128.1", 10,
	  "dl_type=0xffff,nw_dst=255.255.128.0" },
	{ "trie: the /24 wins",
	  { "priority=10,ip,nw_dst=10.1.0.0/16",
	    "priority=20,ip,nw_dst=10.1.2.0/24" },
	  "ip,nw_dst=10.1.2.9", 20, "dl_type=0xffff,nw_dst=255.255.255.0" },
	{ "trie: ipv6",
	  { "priority=10,ipv6,ipv6_dst=2001:db8::/32",
	    "priority=20,ipv6,ipv6_dst=2001:db8:1::/48" },
	  "ipv6,ipv6_dst=2001:db8:8000::1", 10,
	  "dl_type=0xffff,ipv6_dst=ffff:ffff:8000::" },
	{ "ports trie: tp_dst misses read only the distinguishing bits",
	  { "priority=10,tcp,tp_dst=80", "priority=10,tcp,tp_dst=443" },
	  "tcp,tp_src=999,tp_dst=12345", -1,
	  "dl_type=0xffff,nw_proto=0xff,tp_dst=0xe000" },
	{ "higher priority match skips lower subtables",
	  { "priority=100,in_port=1", "priority=10,ip,nw_src=10.0.0.0/8",
	    "priority=5,tcp,tp_src=80" },
	  "in_port=1,tcp,nw_src=10.0.0.1,tp_src=80", 100, "in_port=0xffff" },
	{ "no rule on ports: ports stay wildcarded",
	  { "priority=10,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2",
	    "priority=5,dl_dst=00:00:00:00:00:01" },
	  "udp,dl_dst=00:00:00:00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.6,tp_src=7",
	  5, "dl_dst=ff:ff:ff:ff:ff:ff,nw_dst=255.255.255.252" },
	{ "catchall matches without looking",
	  { "priority=0" }, "udp,tp_src=7", 0, "" },
	{ "ct_state +trk+est beats +trk",
	  { "priority=10,ct_state=0x20/0x20", "priority=20,ct_state=0x22/0x22" },
	  "ct_state=0x22,ip", 20, "ct_state=0x22" },
	{ "ct_state +trk+new falls to +trk, reading only the masked bits",
	  { "priority=10,ct_state=0x20/0x20", "priority=20,ct_state=0x22/0x22" },
	  "ct_state=0x21,ip", 10, "ct_state=0x22" },
	{ "ct_state -new+est+trk against +inv: no match",
	  { "priority=10,ct_state=0x22/0x23", "priority=5,ct_state=0x30/0x30" },
	  "ct_state=0x21", -1, "ct_state=0x33" },
	{ "ct_state is metadata: a miss on it leaves L2 and L3 alone",
	  { "priority=10,ct_state=0x22/0x22,ip,nw_dst=10.0.0.1" },
	  "ct_state=0x21,ip,nw_dst=10.0.0.1,dl_dst=00:00:00:00:00:01", -1,
	  "ct_state=0x22" },
	{ "ct_state and ct_zone and ct_mark together",
	  { "priority=10,ct_state=0x22/0x22,ct_zone=5,ct_mark=0x1/0x1",
	    "priority=5,ct_state=0x20/0x20" },
	  "ct_state=0x22,ct_zone=5,ct_mark=3", 10,
	  "ct_state=0x22,ct_zone=0xffff,ct_mark=0x1" },
	{ "ct_nw_src prefix: the trie is not used, the masked bits are",
	  { "priority=10,ct_state=0x22/0x22,ip,ct_nw_src=10.0.0.0/8" },
	  "ct_state=0x22,ip,ct_nw_src=10.1.2.3", 10,
	  "ct_state=0x22,dl_type=0xffff,ct_nw_src=255.0.0.0" },
	{ "same match, two priorities",
	  { "priority=5,ip,nw_dst=10.0.0.1", "priority=7,ip,nw_dst=10.0.0.1" },
	  "ip,nw_dst=10.0.0.1", 7, "dl_type=0xffff,nw_dst=255.255.255.255" },
};

START_TEST(test_wc_cases)
{
	const struct wc_case *c = &wc_cases[_i];
	struct wft_cls_rule rules[6];
	struct wft_cls *cls = wft_cls_create();
	struct wft_flow pkt, want, m;
	struct wft_flow_wc wc, unused;
	const struct wft_cls_rule *r;
	char got_s[512], want_s[512];
	int i, prio;

	for (i = 0; i < 6 && c->rules[i]; i++) {
		struct wft_flow f;
		struct wft_flow_wc fm;

		ft_match(c->rules[i], &f, &fm, &prio);
		wft_cls_rule_init(&rules[i], &f, &fm, prio, NULL);
		ck_assert_int_eq(wft_cls_insert(cls, &rules[i]), 0);
	}
	ft_packet(c->packet, &pkt);
	ft_match(c->want_wc, &want, &unused, NULL);
	wft_flow_wc_init_catchall(&wc);
	r = wft_cls_lookup(cls, &pkt, &wc);
	ck_assert_msg(prio_of(r) == c->want_priority, "%s: priority %d",
		      c->name, prio_of(r));
	m = wc.masks;
	ck_assert_msg(!memcmp(&m, &want, sizeof(m)), "%s: mask %s, want %s",
		      c->name, ft_words(&m, got_s, sizeof(got_s)),
		      ft_words(&want, want_s, sizeof(want_s)));
	for (i = 0; i < 6 && c->rules[i]; i++) {
		wft_cls_remove(cls, &rules[i]);
		wft_cls_rule_destroy(&rules[i]);
	}
	wft_cls_destroy(cls);
}
END_TEST

/*
 * A datapath in miniature: a packet that no installed megaflow covers is
 * looked up and its megaflow installed. Returns the number installed.
 */
static size_t simulate_megaflows(const struct wft_cls *cls,
				 const struct wft_flow *pkts, size_t n)
{
	struct wft_flow *keys = calloc(n, sizeof(*keys));
	struct wft_flow_wc *masks = calloc(n, sizeof(*masks));
	size_t i, j, n_mf = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n_mf; j++)
			if (wft_flow_equal_except(&keys[j], &pkts[i], &masks[j]))
				break;
		if (j < n_mf)
			continue;
		wft_flow_wc_init_catchall(&masks[n_mf]);
		/* What xlate always matches. */
		masks[n_mf].masks.in_port = 0xffffffff;
		masks[n_mf].masks.dl_type = 0xffff;
		wft_cls_lookup(cls, &pkts[i], &masks[n_mf]);
		keys[n_mf] = pkts[i];
		wft_flow_zero_wildcards(&keys[n_mf], &masks[n_mf]);
		n_mf++;
	}
	free(keys);
	free(masks);
	return n_mf;
}

static const char *const l23_rules[] = {
	"priority=100,in_port=1,dl_dst=00:00:00:00:00:01,ip,nw_dst=10.0.0.0/24",
	"priority=90,in_port=1,ip,nw_dst=10.0.1.0/24",
	"priority=80,ip,nw_src=192.168.0.0/16",
	"priority=70,dl_dst=00:00:00:00:00:02",
	"priority=60,ip,nw_dst=10.0.0.7",
	"priority=50,arp",
	"priority=0",
};

START_TEST(test_source_ports_one_megaflow)
{
	struct wft_cls_rule rules[7];
	struct wft_cls *cls = wft_cls_create();
	struct wft_flow pkts[1000];
	size_t i;
	int prio;

	for (i = 0; i < 7; i++) {
		struct wft_flow f;
		struct wft_flow_wc m;

		ft_match(l23_rules[i], &f, &m, &prio);
		wft_cls_rule_init(&rules[i], &f, &m, prio, NULL);
		wft_cls_insert(cls, &rules[i]);
	}
	for (i = 0; i < 1000; i++) {
		ft_packet("in_port=1,dl_dst=00:00:00:00:00:01,udp,"
			  "nw_src=10.0.0.1,nw_dst=10.0.0.9,tp_dst=53", &pkts[i]);
		pkts[i].tp_src = htons((uint16_t)(10000 + i));
		pkts[i].nw_ttl = 64;
	}
	ck_assert_uint_eq(simulate_megaflows(cls, pkts, 1000), 1);
	for (i = 0; i < 7; i++) {
		wft_cls_remove(cls, &rules[i]);
		wft_cls_rule_destroy(&rules[i]);
	}
	wft_cls_destroy(cls);
}
END_TEST

/* The trie alone: lookups against every prefix, one by one. */
START_TEST(test_trie_vs_brute)
{
	struct cls_trie t;
	uint32_t keys[300], pm;
	unsigned int lens[300];
	bool in[300];
	int i, k, round;

	rng_seed(77);
	wft_cls_trie_init(&t, 32);
	for (i = 0; i < 300; i++) {
		keys[i] = htonl(pool_ipv4() & (rnd_n(2) ? 0xffffffff : 0xfffff000));
		lens[i] = 1 + rnd_n(32);
		prefix_mask(&pm, 4, lens[i]);
		keys[i] &= pm;
		wft_cls_trie_insert(&t, (uint8_t *)&keys[i], lens[i]);
		in[i] = true;
	}
	for (round = 0; round < 2; round++) {
		for (k = 0; k < 2000; k++) {
			uint32_t key = htonl(pool_ipv4()), key2;
			struct cls_plens got, got2;
			unsigned int bits, l;

			bits = wft_cls_trie_lookup(&t, (uint8_t *)&key, &got);
			for (l = 1; l <= 32; l++) {
				bool want = false;

				for (i = 0; i < 300; i++) {
					uint32_t m;

					prefix_mask(&m, 4, lens[i]);
					if (in[i] && lens[i] == l &&
					    (key & m) == keys[i])
						want = true;
				}
				ck_assert_int_eq(cls_plens_has(&got, l), want);
			}
			/* Any key agreeing on the bits read gets the same. */
			prefix_mask(&pm, 4, bits);
			key2 = (key & pm) | (htonl(rnd()) & ~pm);
			wft_cls_trie_lookup(&t, (uint8_t *)&key2, &got2);
			ck_assert(!memcmp(&got, &got2, sizeof(got)));
		}
		for (i = 0; i < 300; i += 2) {
			wft_cls_trie_remove(&t, (uint8_t *)&keys[i], lens[i]);
			in[i] = false;
		}
	}
	for (i = 1; i < 300; i += 2)
		wft_cls_trie_remove(&t, (uint8_t *)&keys[i], lens[i]);
	ck_assert_ptr_null(t.root.child[0]);
	ck_assert_ptr_null(t.root.child[1]);
	wft_cls_trie_destroy(&t);
}
END_TEST

START_TEST(test_hset)
{
	struct cls_hset s;
	uint32_t i;

	wft_cls_hset_init(&s);
	ck_assert(!wft_cls_hset_contains(&s, 5));
	for (i = 0; i < 1000; i++) {
		wft_cls_hset_add(&s, i * 16);	/* clustered on purpose */
		wft_cls_hset_add(&s, i * 16);
	}
	for (i = 0; i < 1000; i += 2) {
		wft_cls_hset_remove(&s, i * 16);
		wft_cls_hset_remove(&s, i * 16);
	}
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(wft_cls_hset_contains(&s, i * 16), i % 2);
	ck_assert_uint_eq(s.n, 500);
	wft_cls_hset_destroy(&s);
}
END_TEST

/* Editing. */

static void rule_text(struct wft_cls_rule *r, const char *s)
{
	struct wft_flow f;
	struct wft_flow_wc m;
	int prio = 0;

	ft_match(s, &f, &m, &prio);
	wft_cls_rule_init(r, &f, &m, prio, (void *)s);
}

START_TEST(test_replace_and_exact)
{
	struct wft_cls *cls = wft_cls_create();
	struct wft_cls_rule a, b, c, d;
	struct wft_flow pkt, bm;
	struct wft_flow_wc bw;

	rule_text(&a, "priority=5,ip,nw_dst=10.0.0.1");
	rule_text(&b, "priority=5,ip,nw_dst=10.0.0.1");
	rule_text(&c, "priority=9,ip,nw_dst=10.0.0.1");
	rule_text(&d, "priority=1,ip,nw_dst=10.0.0.1");
	ck_assert_int_eq(wft_cls_insert(cls, &a), 0);
	ck_assert_int_eq(wft_cls_insert(cls, &b), -EEXIST);
	ck_assert_ptr_eq(wft_cls_replace(cls, &b), &a);
	ck_assert_uint_eq(wft_cls_count(cls), 1);
	ck_assert_ptr_null(wft_cls_replace(cls, &c));
	ck_assert_ptr_null(wft_cls_replace(cls, &d));
	ck_assert_uint_eq(wft_cls_count(cls), 3);
	wft_cls_rule_get_match(&b, &bm, &bw);
	ck_assert_ptr_eq(wft_cls_find_exact(cls, &bm, &bw, 5), &b);
	ck_assert_ptr_eq(wft_cls_find_exact(cls, &bm, &bw, 9), &c);
	ck_assert_ptr_null(wft_cls_find_exact(cls, &bm, &bw, 6));

	ft_packet("ip,nw_dst=10.0.0.1", &pkt);
	ck_assert_ptr_eq(wft_cls_lookup(cls, &pkt, NULL), &c);
	wft_cls_remove(cls, &c);	/* the head goes: b takes over */
	ck_assert_ptr_eq(wft_cls_lookup(cls, &pkt, NULL), &b);
	wft_cls_remove(cls, &d);	/* the tail goes */
	ck_assert_ptr_eq(wft_cls_lookup(cls, &pkt, NULL), &b);
	wft_cls_remove(cls, &b);
	ck_assert_ptr_null(wft_cls_lookup(cls, &pkt, NULL));
	ck_assert(wft_cls_is_empty(cls));
	wft_cls_destroy(cls);
	wft_cls_rule_destroy(&a);
	wft_cls_rule_destroy(&b);
	wft_cls_rule_destroy(&c);
	wft_cls_rule_destroy(&d);
}
END_TEST

/* Subtable order follows max priority as rules come and go. */
START_TEST(test_priority_order)
{
	struct wft_cls *cls = wft_cls_create();
	struct wft_cls_rule lo, hi, mid;
	struct wft_flow pkt;

	rule_text(&lo, "priority=1,ip");
	rule_text(&hi, "priority=50,ip,nw_src=10.0.0.1");
	rule_text(&mid, "priority=20,ip,nw_src=10.0.0.1");
	wft_cls_insert(cls, &lo);
	wft_cls_insert(cls, &hi);
	wft_cls_insert(cls, &mid);
	ft_packet("ip,nw_src=10.0.0.1", &pkt);
	ck_assert_ptr_eq(wft_cls_lookup(cls, &pkt, NULL), &hi);
	wft_cls_remove(cls, &hi);
	ck_assert_ptr_eq(wft_cls_lookup(cls, &pkt, NULL), &mid);
	wft_cls_remove(cls, &mid);
	ck_assert_ptr_eq(wft_cls_lookup(cls, &pkt, NULL), &lo);
	wft_cls_remove(cls, &lo);
	wft_cls_destroy(cls);
	wft_cls_rule_destroy(&lo);
	wft_cls_rule_destroy(&mid);
	wft_cls_rule_destroy(&hi);
}
END_TEST

static const struct {
	const char *filter;	/* NULL: all */
	int n;
} collect_cases[] = {
	{ NULL, 5 },
	{ "ip", 4 },
	{ "ip,nw_dst=10.0.0.0/8", 3 },
	{ "ip,nw_dst=10.0.0.0/24", 2 },
	{ "ip,nw_dst=10.0.0.1", 1 },
	{ "in_port=3", 0 },
};

START_TEST(test_collect_loose)
{
	static const char *const rules[] = {
		"priority=1,ip,nw_dst=10.0.0.1", "priority=2,ip,nw_dst=10.0.0.0/24",
		"priority=3,ip,nw_dst=10.1.0.0/16", "priority=4,ip",
		"priority=5,arp",
	};
	struct wft_cls *cls = wft_cls_create();
	struct wft_cls_rule r[5], **got;
	struct wft_flow f;
	struct wft_flow_wc m;
	size_t i, n;

	for (i = 0; i < 5; i++) {
		rule_text(&r[i], rules[i]);
		wft_cls_insert(cls, &r[i]);
	}
	if (collect_cases[_i].filter) {
		ft_match(collect_cases[_i].filter, &f, &m, NULL);
		got = wft_cls_collect(cls, &f, &m, &n);
	} else {
		got = wft_cls_collect(cls, NULL, NULL, &n);
	}
	ck_assert_uint_eq(n, (size_t)collect_cases[_i].n);
	/* A snapshot: removing what it lists is fine. */
	for (i = 0; i < n; i++)
		wft_cls_remove(cls, got[i]);
	ck_assert_uint_eq(wft_cls_count(cls), 5 - n);
	free(got);
	wft_cls_destroy(cls);
	for (i = 0; i < 5; i++)
		wft_cls_rule_destroy(&r[i]);
}
END_TEST

/* A rule's compact match. */

/* @f & @m, @m without the padding bits: what a rule holds. */
static void normalize(struct wft_flow *f, struct wft_flow_wc *m)
{
	m->masks.pad0 = m->masks.pad1 = m->masks.pad2 = m->masks.pad3 = 0;
	wft_flow_zero_wildcards(f, m);
}

START_TEST(test_compact_roundtrip)
{
	struct wft_cls_rule r, twin;
	struct wft_flow f, nf, got_f, other;
	struct wft_flow_wc m, nm, got_m;
	uint32_t *mw = (uint32_t *)&m.masks, *fw = (uint32_t *)&f;
	int i, w, bit;

	rng_seed(7);
	for (i = 0; i < 500; i++) {
		random_rule(&f, &m);
		/* Noise: padding in the mask, bits of the value outside it. */
		m.masks.pad1 = 0xffff;
		random_packet(&other);
		for (w = 0; w < (int)(sizeof(f) / 4); w++)
			fw[w] |= ((uint32_t *)&other)[w] & ~mw[w];
		wft_cls_rule_init(&r, &f, &m, i, NULL);
		nf = f;
		nm = m;
		normalize(&nf, &nm);
		wft_cls_rule_get_match(&r, &got_f, &got_m);
		ck_assert(!memcmp(&got_f, &nf, sizeof(nf)));
		ck_assert(!memcmp(&got_m, &nm, sizeof(nm)));
		ck_assert(wft_cls_rule_match_equal(&r, &f, &m));
		ck_assert(wft_cls_rule_match_equal(&r, &nf, &nm));
		ck_assert(wft_cls_rule_matches(&r, &f));

		wft_cls_rule_init(&twin, &nf, &nm, i + 1, NULL);
		ck_assert(wft_cls_rules_match_equal(&r, &twin));
		wft_cls_rule_destroy(&twin);

		/* One bit more or less in the mask, or another value under
		 * it: a different match. */
		w = (int)rnd_n(sizeof(f) / 4);
		bit = (int)rnd_n(32);
		nm = m;
		((uint32_t *)&nm.masks)[w] ^= 1u << bit;
		if (nm.masks.pad0 == m.masks.pad0 &&
		    nm.masks.pad1 == m.masks.pad1 &&
		    nm.masks.pad2 == m.masks.pad2 &&
		    nm.masks.pad3 == m.masks.pad3) {
			ck_assert(!wft_cls_rule_match_equal(&r, &f, &nm));
			wft_cls_rule_init(&twin, &f, &nm, i, NULL);
			ck_assert(!wft_cls_rules_match_equal(&r, &twin));
			wft_cls_rule_destroy(&twin);
		}
		for (w = 0; w < (int)(sizeof(f) / 4) && !mw[w]; w++)
			;
		if (w < (int)(sizeof(f) / 4)) {
			nf = f;
			bit = __builtin_ctz(mw[w]);
			((uint32_t *)&nf)[w] ^= 1u << bit;
			ck_assert(!wft_cls_rule_match_equal(&r, &nf, &m));
			ck_assert(!wft_cls_rule_matches(&r, &nf));
		}
		wft_cls_rule_destroy(&r);
	}
}
END_TEST

static const struct {
	const char *a, *b;
	bool overlap;
} overlap_cases[] = {
	{ "ip,nw_dst=10.0.0.0/8", "ip,nw_dst=10.1.0.0/16", true },
	{ "ip,nw_dst=10.0.0.0/8", "ip,nw_dst=11.0.0.0/8", false },
	{ "ip,nw_dst=10.0.0.0/8", "arp", false },
	{ "ip,nw_dst=10.0.0.0/8", "tcp,tp_dst=80", true },
	{ "in_port=1", "ip,nw_src=10.0.0.1", true },
	{ "in_port=1,ip", "in_port=2,ip", false },
	{ "", "in_port=2,tcp,tp_src=1", true },
};

START_TEST(test_overlap)
{
	struct wft_cls_rule a, b;

	rule_text(&a, overlap_cases[_i].a);
	rule_text(&b, overlap_cases[_i].b);
	ck_assert_int_eq(wft_cls_rules_overlap(&a, &b),
			 overlap_cases[_i].overlap);
	ck_assert_int_eq(wft_cls_rules_overlap(&b, &a),
			 overlap_cases[_i].overlap);
	wft_cls_rule_destroy(&a);
	wft_cls_rule_destroy(&b);
}
END_TEST

static Suite *cls_suite(void)
{
	Suite *s = suite_create("cls");
	TCase *tc;

	tc = tcase_create("random");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_random_vs_linear, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("wildcards");
	tcase_add_loop_test(tc, test_wc_cases, 0,
			    sizeof(wc_cases) / sizeof(wc_cases[0]));
	tcase_add_test(tc, test_source_ports_one_megaflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("structures");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_trie_vs_brute);
	tcase_add_test(tc, test_hset);
	suite_add_tcase(s, tc);

	tc = tcase_create("edit");
	tcase_add_test(tc, test_replace_and_exact);
	tcase_add_test(tc, test_priority_order);
	tcase_add_loop_test(tc, test_collect_loose, 0,
			    sizeof(collect_cases) / sizeof(collect_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("compact");
	tcase_add_test(tc, test_compact_roundtrip);
	tcase_add_loop_test(tc, test_overlap, 0,
			    sizeof(overlap_cases) / sizeof(overlap_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cls_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
