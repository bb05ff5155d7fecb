// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side check of kmod/flow_key.c under ASan/UBSan: every template frame
 * truncated at every length, split into linear and paged parts at every
 * offset, and randomly mutated; a split skb must give the same key as a
 * linear one, no read may leave the linear part, no pointer may outlive a
 * pull.
 */
#include <stdio.h>
#include "flow_key.c"

static unsigned long n_runs, n_fail;

#define CHECK(c, ...) do { if (!(c)) { n_fail++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); if (n_fail > 20) exit(1); } } while (0)

static int extract(const u8 *frame, unsigned int len, unsigned int headlen,
		   bool vlan, int fail, struct weft_flow_key *key)
{
	u8 *whole = malloc(len ? len : 1);
	struct sk_buff skb;
	int ret;

	memcpy(whole, frame, len);
	memset(&skb, 0, sizeof(skb));
	skb.whole = whole;
	skb.len = len;
	skb.data_len = len - headlen;
	skb.head = skb.data = malloc(headlen ? headlen : 1);
	memcpy(skb.head, whole, headlen);
	skb.vlan_present = vlan;
	skb.vlan_tci = 0x2123;
	skb.vlan_proto = htons(ETH_P_8021AD);
	skb.fail_pulls = fail;
	memset(key, 0xa5, sizeof(*key));
	key->md.in_port = 7;
	ret = weft_flow_key_extract(&skb, key);
	n_runs++;
	CHECK(ret == 0 || (fail && ret == -ENOMEM), "ret %d", ret);
	CHECK(key->md.in_port == 7 && key->md.dp_hash == 0xa5a5a5a5, "md touched");
	CHECK(skb.network_header <= len && skb.transport_header <= len &&
	      skb.mac_len <= len && skb.network_header <= skb.transport_header,
	      "offsets nh %u th %u len %u", skb.network_header, skb.transport_header, len);
	free(skb.head);
	free(whole);
	return ret;
}

/* Split at every offset must give the linear result. */
static void check_all_splits(const u8 *f, unsigned int len, bool vlan)
{
	struct weft_flow_key lin, k;
	unsigned int h;

	extract(f, len, len, vlan, 0, &lin);
	for (h = 0; h < len; h++) {
		extract(f, len, h, vlan, 0, &k);
		CHECK(!memcmp(&lin, &k, sizeof(k)), "split %u of %u differs", h, len);
		extract(f, len, h, vlan, 1 + (h & 3), &k);
	}
}

/* ---- templates ---- */
static u8 buf[64][512];
static unsigned int blen[64];
static const char *bname[64];
static int nt;

static u8 *cur;
static unsigned int *curlen;
static void put(const void *p, unsigned int n) { memcpy(cur + *curlen, p, n); *curlen += n; }
static void put8(u8 v) { put(&v, 1); }
static void put16(u16 v) { __be16 b = htons(v); put(&b, 2); }
static void put32(u32 v) { __be32 b = htonl(v); put(&b, 4); }
static void begin(const char *name) { bname[nt] = name; cur = buf[nt]; curlen = &blen[nt]; nt++; }
static void eth(u16 type)
{
	static const u8 d[6] = {2, 0, 0, 0, 0, 2}, s[6] = {2, 0, 0, 0, 0, 1};
	put(d, 6); put(s, 6); put16(type);
}
static void ip4(u8 proto, u16 frag, u8 ihl, unsigned int payload)
{
	put8(0x40 | ihl); put8(0x10); put16(ihl * 4 + payload); put16(1); put16(frag);
	put8(64); put8(proto); put16(0); put32(0x0a090001); put32(0x0a090002);
	for (unsigned int i = 20; i < ihl * 4u; i++) put8(1);
}
static void ip6(u8 nh, unsigned int payload)
{
	static const u8 a[16] = {0xfe, 0x80, [15] = 1}, b[16] = {0xff, 2, [11] = 1, 0xff, [15] = 2};
	put32(0x60012345); put16(payload); put8(nh); put8(255); put(a, 16); put(b, 16);
}
static void tcp(void) { put16(1234); put16(80); put32(1); put32(0); put8(0x50); put8(0x12); put16(1000); put32(0); }
static void udp(void) { put16(53); put16(5353); put16(8); put16(0); }

static void templates(void)
{
	static const u8 tgt[16] = {0xfe, 0x80, [15] = 2}, mac[6] = {2, 0, 0, 0, 0, 9};

	begin("tcp"); eth(0x0800); ip4(6, 0, 5, 20); tcp();
	begin("udp opts"); eth(0x0800); ip4(17, 0, 7, 8); udp();
	begin("first frag"); eth(0x0800); ip4(17, 0x2000, 5, 8); udp();
	begin("later frag"); eth(0x0800); ip4(17, 0x0010, 5, 8); udp();
	begin("bad ihl"); eth(0x0800); ip4(17, 0, 3, 8); udp();
	begin("huge ihl"); eth(0x0800); ip4(17, 0, 15, 8); udp();
	begin("icmp"); eth(0x0800); ip4(1, 0, 5, 8); put32(0x08000000); put32(1);
	begin("sctp"); eth(0x0800); ip4(132, 0, 5, 12); put16(7); put16(9); put32(0); put32(0);
	begin("tcp bad doff"); eth(0x0800); ip4(6, 0, 5, 20); put16(1); put16(2); put32(0); put32(0); put8(0x20); put8(2); put16(0); put32(0);
	begin("tcp doff 15"); eth(0x0800); ip4(6, 0, 5, 24); put16(1); put16(2); put32(0); put32(0); put8(0xf0); put8(2); put16(0); put32(0); put32(0);
	begin("vlan udp"); eth(0x8100); put16(10); put16(0x0800); ip4(17, 0, 5, 8); udp();
	begin("qinq udp"); eth(0x88a8); put16(20); put16(0x8100); put16(10); put16(0x0800); ip4(17, 0, 5, 8); udp();
	begin("3 tags"); eth(0x88a8); put16(20); put16(0x8100); put16(10); put16(0x8100); put16(11); put16(0x0800); ip4(17, 0, 5, 8); udp();
	begin("arp"); eth(0x0806); put16(1); put16(0x0800); put8(6); put8(4); put16(1); put(mac, 6); put32(0x0a090001); put(mac, 6); put32(0x0a090002);
	begin("arp bad hln"); eth(0x0806); put16(1); put16(0x0800); put8(8); put8(4); put16(1); put(mac, 6); put32(1); put(mac, 6); put32(2);
	begin("ip6 ext udp"); eth(0x86dd); ip6(0, 32); put8(60); put8(0); put16(0x0104); put32(0); put8(44); put8(0); put16(0x0104); put32(0); put8(17); put8(0); put16(1); put32(7); udp();
	begin("ip6 ah tcp"); eth(0x86dd); ip6(51, 36); put8(6); put8(2); put16(0); put32(0); put32(0); put32(0); tcp();
	begin("ip6 later frag"); eth(0x86dd); ip6(44, 16); put8(17); put8(0); put16(8); put32(7); udp();
	begin("ip6 broken ext"); eth(0x86dd); ip6(0, 8); put8(6); put8(200); put16(0); put32(0);
	begin("ip6 ext loop"); eth(0x86dd); ip6(60, 80); for (int i = 0; i < 10; i++) { put8(60); put8(0); put16(0); put32(0); }
	begin("nd ns"); eth(0x86dd); ip6(58, 32); put8(135); put8(0); put16(0); put32(0); put(tgt, 16); put8(1); put8(1); put(mac, 6);
	begin("nd na"); eth(0x86dd); ip6(58, 40); put8(136); put8(0); put16(0); put32(0x60000000); put(tgt, 16); put8(2); put8(1); put(mac, 6); put8(9); put8(1); put(mac, 6);
	begin("nd dup sll"); eth(0x86dd); ip6(58, 40); put8(135); put8(0); put16(0); put32(0); put(tgt, 16); put8(1); put8(1); put(mac, 6); put8(1); put8(1); put(mac, 6);
	begin("nd zero opt"); eth(0x86dd); ip6(58, 32); put8(135); put8(0); put16(0); put32(0); put(tgt, 16); put8(1); put8(0); put(mac, 6);
	begin("icmpv6 echo"); eth(0x86dd); ip6(58, 8); put32(0x80000000); put32(1);
	begin("llc snap"); eth(36); put8(0xaa); put8(0xaa); put8(3); put8(0); put8(0); put8(0); put16(0x0800); ip4(17, 0, 5, 8); udp();
	begin("llc"); eth(36); put8(0x42); put8(0x42); put8(3); for (int i = 0; i < 20; i++) put8(0);
	begin("vlan ip6 nd"); eth(0x8100); put16(5); put16(0x86dd); ip6(58, 32); put8(135); put8(0); put16(0); put32(0); put(tgt, 16); put8(1); put8(1); put(mac, 6);
}

static void expect(void)
{
	struct weft_flow_key k;
	int i;

	for (i = 0; i < nt; i++) {
		extract(buf[i], blen[i], blen[i], false, 0, &k);
		printf("%-16s type=%04x vlan=%04x/%04x cvlan=%04x/%04x proto=%u frag=%u ttl=%u tp=%u/%u/%03x nd=%02x/%02x/%02x\n",
		       bname[i], ntohs(k.eth.type), ntohs(k.eth.vlan.tpid), ntohs(k.eth.vlan.tci),
		       ntohs(k.eth.cvlan.tpid), ntohs(k.eth.cvlan.tci), k.ip.proto, k.ip.frag, k.ip.ttl,
		       ntohs(k.tp.src), ntohs(k.tp.dst), ntohs(k.tp.flags),
		       k.ipv6.nd.target.s6_addr[15], k.ipv6.nd.sll[5], k.ipv6.nd.tll[5]);
	}
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000, it;
	struct weft_flow_key k;
	u8 f[512];
	int i;

	templates();
	expect();
	for (i = 0; i < nt; i++)
		for (unsigned int l = 0; l <= blen[i]; l++) {
			check_all_splits(buf[i], l, false);
			check_all_splits(buf[i], l, true);
		}
	printf("templates: %lu extractions\n", n_runs);

	srandom(argc > 2 ? atoi(argv[2]) : 1);
	for (it = 0; it < iters; it++) {
		unsigned int t = random() % nt, len = blen[t], n = 1 + random() % 4, h;

		memcpy(f, buf[t], len);
		while (n--)
			f[random() % (len < 70 ? len : 70)] = random();
		if (random() % 2)
			len = random() % (len + 1);
		h = random() % (len + 1);
		{
			struct weft_flow_key lin;

			extract(f, len, len, it & 1, 0, &lin);
			extract(f, len, h, it & 1, 0, &k);
			CHECK(!memcmp(&lin, &k, sizeof(k)), "fuzz split differs (t %u len %u h %u)", t, len, h);
		}
	}
	printf("total %lu extractions, %lu failures\n", n_runs, n_fail);
	return n_fail != 0;
}
