// SPDX-License-Identifier: GPL-2.0
/*
 * weft-compactkey: weft.ko's compact flow keys (WEFT_FLOW_A_KEY_COMPACT,
 * WEFT_FLOW_A_MASK_COMPACT; struct weft_key_compact) against hostile and
 * valid input, on a datapath it creates and deletes.
 *
 *   weft-compactkey DPNAME
 *
 * Hostile cases: each request must fail with EINVAL and an extack message
 * holding the case's words (the field or rule at fault). Valid cases: a
 * flow installed from its compact key and mask, and the same flow
 * installed from ovs-dpctl text (the attribute form) under another UFID,
 * must read back (as attributes: dumps never use the compact form) as the
 * same text. Prints "ok NAME" or "FAIL NAME: why" per case; exits 1 if
 * any case failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/dpif.h"
#include "weft/odp.h"
#include "weft/strbuf.h"

static struct wft_dpif *dpif;
static uint32_t dp_ifindex;
static int failures;

static const uint8_t src_mac[6] = { 0, 0, 0, 0, 0, 1 };
static const uint8_t dst_mac[6] = { 0, 0, 0, 0, 0, 2 };

/* in_port 1, eth 00:..:01 > 00:..:02, IPv4 10.0.0.1 > 10.0.0.2, UDP. */
static void udp4(struct weft_key_compact *k, struct weft_key_compact *m)
{
	memset(k, 0, sizeof(*k));
	memset(m, 0, sizeof(*m));
	k->version = m->version = WEFT_KEY_COMPACT_VERSION;
	k->in_port = 1;
	m->in_port = UINT32_MAX;
	memcpy(k->eth_src, src_mac, 6);
	memcpy(k->eth_dst, dst_mac, 6);
	memset(m->eth_src, 0xff, 6);
	memset(m->eth_dst, 0xff, 6);
	m->vlan_tci = 0xffff;
	k->eth_type = htons(0x0800);
	m->eth_type = 0xffff;
	k->ipv4_src = htonl(0x0a000001);
	k->ipv4_dst = htonl(0x0a000002);
	m->ipv4_dst = UINT32_MAX;
	k->ip_proto = 17;
	m->ip_proto = 0xff;
	m->ip_frag = 0xff;
	k->ip_ttl = 64;
	k->tp_src = htons(1000);
	k->tp_dst = htons(53);
	m->tp_dst = 0xffff;
}

static void ipv6(struct weft_key_compact *k, struct weft_key_compact *m,
		 uint8_t proto)
{
	udp4(k, m);
	k->eth_type = htons(0x86dd);
	k->ipv4_src = k->ipv4_dst = m->ipv4_dst = 0;
	k->ipv6_src[0] = 0x20;
	k->ipv6_src[1] = 0x01;
	k->ipv6_src[15] = 1;
	memcpy(k->ipv6_dst, k->ipv6_src, 16);
	k->ipv6_dst[15] = 2;
	memset(m->ipv6_dst, 0xff, 16);
	k->ip_proto = proto;
}

static void tcp6(struct weft_key_compact *k, struct weft_key_compact *m)
{
	ipv6(k, m, 6);
}

static void udp6(struct weft_key_compact *k, struct weft_key_compact *m)
{
	ipv6(k, m, 17);
}

static void icmp6(struct weft_key_compact *k, struct weft_key_compact *m)
{
	ipv6(k, m, 58);
	k->tp_src = htons(128);
	k->tp_dst = 0;
}

static void arp(struct weft_key_compact *k, struct weft_key_compact *m)
{
	udp4(k, m);
	k->eth_type = htons(0x0806);
	k->ip_proto = 1;	/* request */
	k->ip_ttl = 0;
	k->tp_src = k->tp_dst = m->tp_dst = 0;
	m->ip_frag = 0;
	memcpy(k->arp_sha, src_mac, 6);
	memset(m->arp_sha, 0xff, 6);
}

/* ICMPv6 neighbour solicitation for 2001::2 from 00:..:01. */
static void nd(struct weft_key_compact *k, struct weft_key_compact *m)
{
	ipv6(k, m, 58);
	k->ip_ttl = 255;
	k->tp_src = htons(135);
	k->tp_dst = 0;
	m->tp_src = htons(0xff);
	m->tp_dst = htons(0xff);
	memcpy(k->nd_target, k->ipv6_dst, 16);
	memset(m->nd_target, 0xff, 16);
	memcpy(k->nd_sll, src_mac, 6);
	memset(m->nd_sll, 0xff, 6);
}

static void vlan(struct weft_key_compact *k, struct weft_key_compact *m)
{
	udp4(k, m);
	k->vlan_tpid = htons(0x8100);
	k->vlan_tci = htons(0x1000 | 10);
	m->vlan_tpid = 0xffff;
	/* "No inner tag", as weftd's megaflows and the text form match it
	 * (the text of either mask reads the same). */
	m->cvlan_tci = 0xffff;
	m->ipv4_dst = htonl(0xffffff00);
	k->ipv4_dst &= m->ipv4_dst;
}

static void ct(struct weft_key_compact *k, struct weft_key_compact *m)
{
	udp4(k, m);
	k->recirc_id = 1;
	m->recirc_id = UINT32_MAX;
	k->ct_state = WEFT_CS_TRACKED | WEFT_CS_ESTABLISHED;
	m->ct_state = WEFT_CS_TRACKED | WEFT_CS_ESTABLISHED | WEFT_CS_NEW;
	k->ct_zone = 5;
	m->ct_zone = 0xffff;
	k->ct_mark = 0x10;
	m->ct_mark = 0xf0;
	k->ct_labels[0] = 1;
	m->ct_labels[0] = 1;
}

/* Sends FLOW_NEW (or @cmd) with the given attributes; 0 or -errno. */
static int send_flow(uint8_t cmd, const struct weft_key_compact *k,
		     size_t klen, const struct weft_key_compact *m,
		     size_t mlen, const struct wft_ufid *ufid)
{
	uint8_t kb[sizeof(*k) + 8] = { 0 }, mb[sizeof(*m) + 8] = { 0 };
	struct wft_dpif_flow_put put;

	if (k)
		memcpy(kb, k, sizeof(*k));
	if (m)
		memcpy(mb, m, sizeof(*m));
	memset(&put, 0, sizeof(put));
	put.dp_ifindex = dp_ifindex;
	put.ufid = ufid;
	put.actions = "";
	put.flags = cmd == WEFT_CMD_FLOW_NEW ? WFT_DPIF_FLOW_PUT_CREATE :
					       WFT_DPIF_FLOW_PUT_MODIFY;
	/* The dpif sends the struct's size; a raw length needs the raw API. */
	if (klen == sizeof(*k) && mlen == sizeof(*m)) {
		put.key_compact = (const void *)kb;
		put.mask_compact = (const void *)mb;
		return wft_dpif_flow_put(dpif, &put, NULL);
	}
	return wft_dpif_flow_put_compact_raw(dpif, &put, k ? kb : NULL, klen,
					     m ? mb : NULL, mlen);
}

static void expect_einval(const char *name, int ret, const char *words)
{
	const char *msg = wft_dpif_extack(dpif);

	if (ret != -EINVAL) {
		printf("FAIL %s: got %d (%s), not EINVAL\n", name, ret,
		       wft_dpif_error(dpif));
		failures++;
	} else if (words && !strstr(msg, words)) {
		printf("FAIL %s: extack \"%s\" does not say \"%s\"\n", name,
		       msg, words);
		failures++;
	} else {
		printf("ok %s: %s\n", name, msg);
	}
}

#define HOSTILE(name, base, change, words)				\
	do {								\
		base(&k, &m);						\
		change;							\
		expect_einval(name, send_flow(WEFT_CMD_FLOW_NEW, &k,	\
					      sizeof(k), &m, sizeof(m),	\
					      &ufid), words);		\
	} while (0)

static void hostile(void)
{
	struct wft_ufid ufid = { { 0xbad, 0, 0, 1 } };
	struct weft_key_compact k, m;

	udp4(&k, &m);
	expect_einval("short key", send_flow(WEFT_CMD_FLOW_NEW, &k,
					     sizeof(k) - 1, &m, sizeof(m),
					     &ufid),
		      "compact flow key must be exactly 168 bytes");
	expect_einval("long key", send_flow(WEFT_CMD_FLOW_NEW, &k,
					    sizeof(k) + 4, &m, sizeof(m),
					    &ufid),
		      "compact flow key must be exactly 168 bytes");
	expect_einval("short mask", send_flow(WEFT_CMD_FLOW_NEW, &k,
					      sizeof(k), &m, 8, &ufid),
		      "compact flow mask must be exactly 168 bytes");
	expect_einval("key without mask", send_flow(WEFT_CMD_FLOW_NEW, &k,
						    sizeof(k), NULL, 0,
						    &ufid),
		      "needs a compact flow mask");
	expect_einval("mask without key", send_flow(WEFT_CMD_FLOW_SET, NULL,
						    0, &m, sizeof(m), &ufid),
		      "a compact flow mask needs a compact flow key");
	HOSTILE("key version", udp4, k.version = 2,
		"compact flow key: unknown version");
	HOSTILE("mask version", udp4, m.version = 0,
		"compact flow mask: unknown version");
	HOSTILE("key reserved0", udp4, k.reserved0[1] = 1,
		"compact key: reserved0 must be zero");
	HOSTILE("mask reserved1", udp4, m.reserved1 = 0x100,
		"compact mask: reserved1 must be zero");
	HOSTILE("ipv6 field on ipv4", udp4, k.ipv6_src[3] = 1,
		"compact key: ipv6_src set where");
	HOSTILE("tcp flags on udp", udp4, k.tcp_flags = htons(2),
		"compact key: tcp_flags");
	HOSTILE("arp field on ipv4", udp4, k.arp_sha[0] = 2,
		"compact key: arp_sha");
	HOSTILE("nd mask on udp", udp4, m.nd_target[0] = 0xff,
		"compact mask: nd_target");
	HOSTILE("ipv4 mask on ipv6", tcp6, m.ipv4_src = 1,
		"compact mask: ipv4_src");
	HOSTILE("label wider than 20 bits", udp6,
		k.ipv6_label = htonl(0x100000), "compact key: ipv6_label");
	HOSTILE("label mask wider than 20 bits", udp6,
		m.ipv6_label = UINT32_MAX, "compact mask: ipv6_label");
	HOSTILE("icmp type above 255", icmp6,
		k.tp_src = htons(0x100), "compact key: tp_src");
	HOSTILE("ports of a later fragment", udp4, k.ip_frag = WEFT_FRAG_LATER,
		"compact key: tp_src");
	HOSTILE("frag kind", udp4, k.ip_frag = 3, "ip_frag must be");
	HOSTILE("ip fields without ip", udp4, k.eth_type = htons(0x1234),
		"compact key: ip_proto");
	HOSTILE("tci without cfi", udp4, k.vlan_tci = htons(10),
		"VLAN_CFI_MASK");
	HOSTILE("tag's tpid", udp4,
		(k.vlan_tci = htons(0x1000 | 10), k.vlan_tpid = htons(0x1234)),
		"tpid must be 0x8100 or 0x88a8");
	HOSTILE("tpid without tag", udp4, k.vlan_tpid = htons(0x8100),
		"tpid without a tag");
	HOSTILE("ct_state bits", udp4, k.ct_state = 0x100,
		"compact key: ct_state");
	HOSTILE("ct_state mask bits", udp4, m.ct_state = UINT32_MAX,
		"compact mask: ct_state");
	HOSTILE("ipv4 without eth_type", udp4, m.eth_type = 0,
		"ipv4 needs eth_type 0x0800 matched exactly");
	HOSTILE("udp without proto", udp4, m.ip_proto = 0,
		"udp needs ipv4/ipv6 proto 17 matched exactly");
	HOSTILE("cvlan without tag", udp4, m.cvlan_tci = 0xffff,
		"cvlan needs the outer vlan tag matched as present");
	HOSTILE("nd without icmpv6 type", nd, m.tp_src = 0,
		"nd needs icmpv6 type 135 or 136 matched exactly");
	HOSTILE("vlan mask without cfi", udp4, m.vlan_tci = htons(0x0fff),
		"matching tci bits needs the tag's presence");
	/* Both forms at once. */
	udp4(&k, &m);
	expect_einval("attributes and compact",
		      wft_dpif_flow_put_compact_raw(dpif, &(struct
			      wft_dpif_flow_put){ .dp_ifindex = dp_ifindex,
			      .ufid = &ufid, .key = "\x08\x00\x01\x00\x01\x00"
			      "\x00\x00", .key_len = 8, .actions = "",
			      .flags = WFT_DPIF_FLOW_PUT_CREATE },
			      (const void *)&k, sizeof(k), (const void *)&m,
			      sizeof(m)),
		      "either attributes or compact");
}

static int flow_text(const struct wft_ufid *ufid, struct wft_strbuf *sb)
{
	struct wft_dpif_flow f;
	int ret;

	wft_dpif_flow_init(&f);
	ret = wft_dpif_flow_get(dpif, dp_ifindex, ufid, NULL, 0, NULL, 0, &f);
	if (!ret)
		ret = wft_odp_flow_format(f.key.data, f.key.len, f.mask.data,
					  f.mask.len, sb, 0);
	wft_dpif_flow_uninit(&f);
	return ret;
}

/* The same flow from a compact key and from ovs-dpctl text. */
static void valid(const char *name,
		  void (*base)(struct weft_key_compact *,
			       struct weft_key_compact *),
		  const char *text, unsigned int n)
{
	struct wft_ufid uc = { { 0xc0, 0, 0, n } }, ua = { { 0xa0, 0, 0, n } };
	struct wft_strbuf tc = WFT_STRBUF_INIT, ta = WFT_STRBUF_INIT;
	struct wft_dpif_flow_put put;
	struct weft_key_compact k, m;
	struct wft_attrbuf ka, ma;
	struct wft_odp_error err;
	int ret;

	base(&k, &m);
	ret = send_flow(WEFT_CMD_FLOW_NEW, &k, sizeof(k), &m, sizeof(m), &uc);
	if (ret) {
		printf("FAIL %s: compact put: %s\n", name,
		       wft_dpif_error(dpif));
		failures++;
		return;
	}
	wft_attrbuf_init(&ka);
	wft_attrbuf_init(&ma);
	if (wft_odp_flow_from_string(text, &ka, &ma, &err)) {
		printf("FAIL %s: %s: %s\n", name, text, err.msg);
		failures++;
		goto out;
	}
	memset(&put, 0, sizeof(put));
	put.dp_ifindex = dp_ifindex;
	put.ufid = &ua;
	put.key = ka.data;
	put.key_len = ka.len;
	put.mask = ma.data;
	put.mask_len = ma.len;
	put.actions = "";
	put.flags = WFT_DPIF_FLOW_PUT_CREATE;
	/* Same masked key and mask, other UFID: the table refuses it. */
	ret = wft_dpif_flow_put(dpif, &put, NULL);
	if (ret != -EEXIST) {
		printf("FAIL %s: the attribute form's put gave %d (%s), not "
		       "EEXIST: not the compact flow\n", name, ret,
		       wft_dpif_error(dpif));
		if (!flow_text(&uc, &tc) && !flow_text(&ua, &ta))
			printf("  compact:    %s\n  attributes: %s\n",
			       wft_strbuf_cstr(&tc), wft_strbuf_cstr(&ta));
		failures++;
		goto out;
	}
	ret = flow_text(&uc, &tc);
	if (ret) {
		printf("FAIL %s: get: %s\n", name, wft_dpif_error(dpif));
		failures++;
	} else {
		printf("ok %s: %s\n", name, wft_strbuf_cstr(&tc));
	}
	/* Read back, the compact flow's text installs again as itself. */
	wft_attrbuf_reset(&ka);
	wft_attrbuf_reset(&ma);
	if (!ret && !wft_odp_flow_from_string(wft_strbuf_cstr(&tc), &ka, &ma,
					      &err)) {
		wft_dpif_flow_del_all(dpif, dp_ifindex);
		put.key = ka.data;
		put.key_len = ka.len;
		put.mask = ma.data;
		put.mask_len = ma.len;
		ret = wft_dpif_flow_put(dpif, &put, NULL);
		if (!ret)
			ret = flow_text(&ua, &ta);
		if (ret || strcmp(wft_strbuf_cstr(&ta), wft_strbuf_cstr(&tc))) {
			printf("FAIL %s: reinstalled as text: %s\n", name,
			       ret ? wft_dpif_error(dpif) :
				     wft_strbuf_cstr(&ta));
			failures++;
		}
	}
out:
	wft_dpif_flow_del_all(dpif, dp_ifindex);
	wft_attrbuf_free(&ka);
	wft_attrbuf_free(&ma);
	wft_strbuf_free(&tc);
	wft_strbuf_free(&ta);
}

static void ipv6_tcp(struct weft_key_compact *k, struct weft_key_compact *m)
{
	ipv6(k, m, 6);
	k->ipv6_label = htonl(0x12345);
	m->ipv6_label = htonl(0xf0000);
	k->ipv6_label &= m->ipv6_label;
	k->tcp_flags = htons(0x002);
	m->tcp_flags = htons(0x0ff);
}

static void valid_cases(void)
{
	valid("udp4", udp4, "in_port(1),eth(src=00:00:00:00:00:01,"
	      "dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(dst=10.0.0.2,"
	      "proto=17,frag=no),udp(dst=53)", 1);
	valid("tcp6", ipv6_tcp, "in_port(1),eth(src=00:00:00:00:00:01,"
	      "dst=00:00:00:00:00:02),eth_type(0x86dd),ipv6(dst=2001::2,"
	      "label=0x10000/0xf0000,proto=6,frag=no),tcp(dst=53),"
	      "tcp_flags(0x002/0x0ff)", 2);
	valid("arp", arp, "in_port(1),eth(src=00:00:00:00:00:01,"
	      "dst=00:00:00:00:00:02),eth_type(0x0806),arp(tip=10.0.0.2,"
	      "op=1,sha=00:00:00:00:00:01)", 3);
	valid("nd", nd, "in_port(1),eth(src=00:00:00:00:00:01,"
	      "dst=00:00:00:00:00:02),eth_type(0x86dd),ipv6(dst=2001::2,"
	      "proto=58,frag=no),icmpv6(type=135,code=0),nd(target=2001::2,"
	      "sll=00:00:00:00:00:01)", 4);
	valid("vlan", vlan, "in_port(1),eth(src=00:00:00:00:00:01,"
	      "dst=00:00:00:00:00:02),eth_type(0x8100),vlan(vid=10,pcp=0),"
	      "encap(eth_type(0x0800),ipv4(dst=10.0.0.0/255.255.255.0,"
	      "proto=17,frag=no),udp(dst=53))", 5);
	valid("ct", ct, "recirc_id(0x1),in_port(1),ct_state(-new+est+trk),"
	      "ct_zone(0x5),ct_mark(0x10/0xf0),ct_label(0x1/0x1),"
	      "eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),"
	      "eth_type(0x0800),ipv4(dst=10.0.0.2,proto=17,frag=no),"
	      "udp(dst=53)", 6);
}

int main(int argc, char **argv)
{
	char errbuf[256];
	struct wft_dp dp;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: weft-compactkey DPNAME\n");
		return 1;
	}
	if (wft_dpif_open(&dpif, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "weft-compactkey: %s\n", errbuf);
		return 1;
	}
	memset(&dp, 0, sizeof(dp));
	ret = wft_dp_new(dpif, argv[1], NULL, &dp);
	if (ret) {
		fprintf(stderr, "weft-compactkey: new datapath %s: %s\n",
			argv[1], wft_dpif_error(dpif));
		return 1;
	}
	dp_ifindex = dp.ifindex;
	wft_dp_uninit(&dp);
	hostile();
	valid_cases();
	wft_dp_del(dpif, NULL, dp_ifindex);
	wft_dpif_close(dpif);
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
