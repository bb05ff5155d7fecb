// SPDX-License-Identifier: GPL-2.0
/*
 * weft-flowbench: how fast a datapath module takes new flows over netlink.
 *
 *   weft-flowbench {ovs|weft} DP N [WINDOW]
 *
 * Installs N distinct exact-match IPv4/UDP flows (each with a UFID, a full
 * mask and the action output:2) into the datapath DP, speaking either
 * openvswitch.ko's "ovs_flow" family or weft.ko's "weft" family directly, so
 * that neither side pays for a process per flow. Requests go out in batches of
 * several messages per send(), with at most WINDOW of them unacknowledged; each
 * carries NLM_F_ACK, so every request is answered by exactly one NLMSG_ERROR.
 * Every request is encoded before the clock starts: the figure is the
 * module's (and netlink's) work, not that of the encoder in this tool.
 * The flags are NLM_F_CREATE without NLM_F_EXCL (create, or replace the
 * actions of an identical flow; the same work for new flows): a generic
 * netlink family that validates its header flags strictly (Linux 6.1's
 * resv_start_op) refuses NLM_F_EXCL, whose bit is also NLM_F_MATCH.
 * The time from the first send to the last acknowledgement is measured with
 * CLOCK_MONOTONIC (guest time when qemu runs with -icount).
 *
 * Both families get the same key (in_port, eth, eth_type, ipv4, udp), the same
 * mask, the same action and the same batching; only the encoding differs: OVS
 * packs each header into a C struct after a struct ovs_header, weft nests one
 * attribute per field.
 *
 * Prints one line: "family=.. flows=.. errors=.. seconds=.. flows_per_sec=..".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include "uapi/linux/weft.h"

#define BATCH		32
#define MSG_SPACE	512

enum family { FAM_OVS, FAM_WEFT };

struct bench {
	enum family fam;
	struct mnl_socket *nl;
	uint16_t family_id;
	uint32_t dp_ifindex;
	uint32_t portid;
	unsigned int outstanding;
	unsigned long errors;
	int first_error;
	char first_errmsg[128];
};

/* The headers of flow number i: distinct source address and UDP port. */
struct flow_spec {
	uint8_t eth_src[6], eth_dst[6];
	uint32_t ip_src, ip_dst;	/* network order */
	uint16_t sport, dport;		/* network order */
};

static void flow_spec_init(struct flow_spec *f, unsigned int i)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0xbe, 0x01 };
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0xbe, 0x02 };

	memcpy(f->eth_src, src, 6);
	memcpy(f->eth_dst, dst, 6);
	f->ip_src = htonl(0x0a000000u | (1u + i));	/* 10.0.0.1 + i */
	f->ip_dst = htonl(0xc0a80001u);			/* 192.168.0.1 */
	f->sport = htons(1024 + (i % 60000));
	f->dport = htons(9);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* OVS: struct ovs_header, then KEY and MASK as nests of packed structs. */
static void put_ovs_match(struct nlmsghdr *nlh, uint16_t type,
			  const struct flow_spec *f, bool mask)
{
	struct ovs_key_ethernet eth;
	struct ovs_key_ipv4 ip;
	struct ovs_key_udp udp;
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	memset(&eth, mask ? 0xff : 0, sizeof(eth));
	memset(&ip, mask ? 0xff : 0, sizeof(ip));
	memset(&udp, mask ? 0xff : 0, sizeof(udp));
	if (!mask) {
		memcpy(eth.eth_src, f->eth_src, 6);
		memcpy(eth.eth_dst, f->eth_dst, 6);
		ip.ipv4_src = f->ip_src;
		ip.ipv4_dst = f->ip_dst;
		ip.ipv4_proto = 17;
		ip.ipv4_tos = 0;
		ip.ipv4_ttl = 64;
		ip.ipv4_frag = OVS_FRAG_TYPE_NONE;
		udp.udp_src = f->sport;
		udp.udp_dst = f->dport;
	}
	mnl_attr_put_u32(nlh, OVS_KEY_ATTR_IN_PORT, mask ? 0xffffffffu : 1);
	mnl_attr_put(nlh, OVS_KEY_ATTR_ETHERNET, sizeof(eth), &eth);
	mnl_attr_put_u16(nlh, OVS_KEY_ATTR_ETHERTYPE,
			 mask ? 0xffff : htons(0x0800));
	mnl_attr_put(nlh, OVS_KEY_ATTR_IPV4, sizeof(ip), &ip);
	mnl_attr_put(nlh, OVS_KEY_ATTR_UDP, sizeof(udp), &udp);
	mnl_attr_nest_end(nlh, nest);
}

static void put_ovs_flow(struct bench *b, struct nlmsghdr *nlh,
			 const struct flow_spec *f, const uint8_t *ufid)
{
	struct ovs_header *oh;
	struct nlattr *acts;

	oh = mnl_nlmsg_put_extra_header(nlh, sizeof(*oh));
	oh->dp_ifindex = (int)b->dp_ifindex;
	put_ovs_match(nlh, OVS_FLOW_ATTR_KEY, f, false);
	put_ovs_match(nlh, OVS_FLOW_ATTR_MASK, f, true);
	acts = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_ACTIONS);
	mnl_attr_put_u32(nlh, OVS_ACTION_ATTR_OUTPUT, 2);
	mnl_attr_nest_end(nlh, acts);
	mnl_attr_put(nlh, OVS_FLOW_ATTR_UFID, 16, ufid);
}

/* weft: no fixed header; one attribute per field, one nest per header. */
static void put_weft_match(struct nlmsghdr *nlh, uint16_t type,
			   const struct flow_spec *f, bool mask)
{
	static const uint8_t ones[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	struct nlattr *hdr;

	mnl_attr_put_u32(nlh, WEFT_KEY_A_IN_PORT, mask ? 0xffffffffu : 1);
	hdr = mnl_attr_nest_start(nlh, WEFT_KEY_A_ETHERNET);
	mnl_attr_put(nlh, WEFT_ETH_A_SRC, 6, mask ? ones : f->eth_src);
	mnl_attr_put(nlh, WEFT_ETH_A_DST, 6, mask ? ones : f->eth_dst);
	mnl_attr_nest_end(nlh, hdr);
	mnl_attr_put_u16(nlh, WEFT_KEY_A_ETHERTYPE,
			 mask ? 0xffff : htons(0x0800));
	hdr = mnl_attr_nest_start(nlh, WEFT_KEY_A_IPV4);
	mnl_attr_put_u32(nlh, WEFT_IPV4_A_SRC, mask ? 0xffffffffu : f->ip_src);
	mnl_attr_put_u32(nlh, WEFT_IPV4_A_DST, mask ? 0xffffffffu : f->ip_dst);
	mnl_attr_put_u8(nlh, WEFT_IPV4_A_PROTO, mask ? 0xff : 17);
	mnl_attr_put_u8(nlh, WEFT_IPV4_A_TOS, mask ? 0xff : 0);
	mnl_attr_put_u8(nlh, WEFT_IPV4_A_TTL, mask ? 0xff : 64);
	mnl_attr_put_u8(nlh, WEFT_IPV4_A_FRAG, mask ? 0xff : WEFT_FRAG_NONE);
	mnl_attr_nest_end(nlh, hdr);
	hdr = mnl_attr_nest_start(nlh, WEFT_KEY_A_UDP);
	mnl_attr_put_u16(nlh, WEFT_TP_A_SRC, mask ? 0xffff : f->sport);
	mnl_attr_put_u16(nlh, WEFT_TP_A_DST, mask ? 0xffff : f->dport);
	mnl_attr_nest_end(nlh, hdr);
	mnl_attr_nest_end(nlh, nest);
}

static void put_weft_flow(struct bench *b, struct nlmsghdr *nlh,
			  const struct flow_spec *f, const uint8_t *ufid)
{
	struct nlattr *acts;

	mnl_attr_put_u32(nlh, WEFT_FLOW_A_DP_IFINDEX, b->dp_ifindex);
	put_weft_match(nlh, WEFT_FLOW_A_KEY, f, false);
	put_weft_match(nlh, WEFT_FLOW_A_MASK, f, true);
	acts = mnl_attr_nest_start(nlh, WEFT_FLOW_A_ACTIONS);
	mnl_attr_put_u32(nlh, WEFT_ACTION_A_OUTPUT, 2);
	mnl_attr_nest_end(nlh, acts);
	mnl_attr_put(nlh, WEFT_FLOW_A_UFID, WEFT_UFID_LEN, ufid);
}

static struct nlmsghdr *put_genl_header(char *buf, uint16_t type,
					uint16_t flags, uint32_t seq,
					uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
		*(uint16_t *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return MNL_CB_OK;
}

static int resolve_family(struct bench *b, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int n, ret;

	nlh = put_genl_header(buf, GENL_ID_CTRL, NLM_F_ACK, 1,
			      CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnl_socket_sendto(b->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	b->family_id = 0;
	do {
		n = mnl_socket_recvfrom(b->nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, 1, b->portid, family_cb,
				 &b->family_id);
	} while (ret > 0);
	if (ret < 0)
		return -errno;
	return b->family_id ? 0 : -ENOENT;
}

/* Counts the acknowledgements in one received buffer. */
static int collect_acks(struct bench *b, const char *buf, int len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct nlmsgerr *err;
		const struct nlattr *attr;

		if (nlh->nlmsg_type != NLMSG_ERROR)
			continue;	/* a reply the family chose to send */
		err = mnl_nlmsg_get_payload(nlh);
		b->outstanding--;
		if (!err->error)
			continue;
		if (!b->errors++) {
			b->first_error = -err->error;
			if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
				continue;
			mnl_attr_for_each(attr, nlh, sizeof(*err)) {
				if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
					continue;
				snprintf(b->first_errmsg,
					 sizeof(b->first_errmsg), "%s",
					 mnl_attr_get_str(attr));
			}
		}
	}
	return 0;
}

static int wait_acks(struct bench *b, unsigned int limit)
{
	static char buf[1 << 16];
	int n;

	while (b->outstanding > limit) {
		n = mnl_socket_recvfrom(b->nl, buf, sizeof(buf));
		if (n < 0) {
			fprintf(stderr, "weft-flowbench: recv: %s\n",
				strerror(errno));
			return -errno;
		}
		collect_acks(b, buf, n);
	}
	return 0;
}

/* BATCH requests back to back, sent with one send(). */
struct batch {
	char buf[BATCH * MSG_SPACE];
	size_t len;
	unsigned int count;
};

/* Encodes the @n requests before the clock starts. */
static struct batch *build(struct bench *b, unsigned int n)
{
	unsigned int i, nbatches = (n + BATCH - 1) / BATCH, seq = 100;
	struct batch *batches = calloc(nbatches ? nbatches : 1,
				       sizeof(*batches));

	if (!batches)
		return NULL;
	for (i = 0; i < n; i++) {
		struct batch *bt = &batches[i / BATCH];
		struct nlmsghdr *nlh;
		struct flow_spec f;
		uint8_t ufid[16];

		flow_spec_init(&f, i);
		memset(ufid, 0, sizeof(ufid));
		memcpy(ufid, "wfbench", 7);
		memcpy(ufid + 12, &i, sizeof(i));
		if (b->fam == FAM_OVS) {
			nlh = put_genl_header(bt->buf + bt->len, b->family_id,
					      NLM_F_CREATE | NLM_F_ACK, seq++,
					      OVS_FLOW_CMD_NEW,
					      OVS_FLOW_VERSION);
			put_ovs_flow(b, nlh, &f, ufid);
		} else {
			nlh = put_genl_header(bt->buf + bt->len, b->family_id,
					      NLM_F_CREATE | NLM_F_ACK, seq++,
					      WEFT_CMD_FLOW_NEW,
					      WEFT_GENL_VERSION);
			put_weft_flow(b, nlh, &f, ufid);
		}
		bt->len += NLMSG_ALIGN(nlh->nlmsg_len);
		bt->count++;
	}
	return batches;
}

static int install(struct bench *b, const struct batch *batches,
		   unsigned int n, unsigned int window)
{
	unsigned int k, nbatches = (n + BATCH - 1) / BATCH;

	for (k = 0; k < nbatches; k++) {
		if (mnl_socket_sendto(b->nl, batches[k].buf,
				      batches[k].len) < 0) {
			fprintf(stderr, "weft-flowbench: send: %s\n",
				strerror(errno));
			return -errno;
		}
		b->outstanding += batches[k].count;
		if (wait_acks(b, window > BATCH ? window - BATCH : 0))
			return -1;
	}
	return wait_acks(b, 0);
}

static int usage(void)
{
	fprintf(stderr, "usage: weft-flowbench {ovs|weft} DP N [WINDOW]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct bench b = { 0 };
	struct batch *batches;
	unsigned int n, window = 256;
	int one = 1, bufsz = 4 << 20;
	double t0, t1;

	if (argc < 4 || argc > 5)
		return usage();
	if (!strcmp(argv[1], "ovs"))
		b.fam = FAM_OVS;
	else if (!strcmp(argv[1], "weft"))
		b.fam = FAM_WEFT;
	else
		return usage();
	b.dp_ifindex = if_nametoindex(argv[2]);
	if (!b.dp_ifindex) {
		fprintf(stderr, "weft-flowbench: no datapath device %s\n",
			argv[2]);
		return 1;
	}
	n = strtoul(argv[3], NULL, 0);
	if (argc == 5)
		window = strtoul(argv[4], NULL, 0);
	if (window < BATCH)
		window = BATCH;

	b.nl = mnl_socket_open(NETLINK_GENERIC);
	if (!b.nl || mnl_socket_bind(b.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("weft-flowbench: netlink socket");
		return 1;
	}
	b.portid = mnl_socket_get_portid(b.nl);
	mnl_socket_setsockopt(b.nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(b.nl, NETLINK_EXT_ACK, &one, sizeof(one));
	/* SO_RCVBUFFORCE needs CAP_NET_ADMIN, which installing flows does too. */
	setsockopt(mnl_socket_get_fd(b.nl), SOL_SOCKET, SO_RCVBUFFORCE,
		   &bufsz, sizeof(bufsz));
	setsockopt(mnl_socket_get_fd(b.nl), SOL_SOCKET, SO_SNDBUFFORCE,
		   &bufsz, sizeof(bufsz));

	if (resolve_family(&b, b.fam == FAM_OVS ? OVS_FLOW_FAMILY :
			   WEFT_GENL_NAME)) {
		fprintf(stderr, "weft-flowbench: generic netlink family %s "
			"not found (module loaded?)\n", argv[1]);
		return 1;
	}

	batches = build(&b, n);
	if (!batches) {
		perror("weft-flowbench: building the requests");
		return 1;
	}
	t0 = now();
	if (install(&b, batches, n, window))
		return 1;
	t1 = now();
	free(batches);

	printf("family=%s flows=%u errors=%lu seconds=%.6f flows_per_sec=%.0f\n",
	       argv[1], n, b.errors, t1 - t0, n / (t1 - t0));
	if (b.errors)
		fprintf(stderr, "weft-flowbench: first error: %s%s%s\n",
			strerror(b.first_error), *b.first_errmsg ? ": " : "",
			b.first_errmsg);
	mnl_socket_close(b.nl);
	return b.errors ? 1 : 0;
}
