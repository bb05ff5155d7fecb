// SPDX-License-Identifier: GPL-2.0
/*
 * weft-nlfuzz: a generic netlink fuzzer for the "weft" family.
 *
 * It resolves the family, creates its own datapaths fz0..fz3, then sends
 * --count messages (default 100,000), each one of:
 *   random   a random command with a random attribute tree: random types,
 *            lengths 0, odd, huge, nested garbage, deep nesting;
 *   valid    a message built from uapi/linux/weft.h: datapath, vport, flow
 *            (key, mask, nested actions) and packet-execute commands on the
 *            fuzzer's own objects;
 *   mutated  a valid message with bit flips, truncation, corrupted length
 *            fields, swapped attribute types or commands, duplicated
 *            attributes and wrong nesting.
 * Every message asks for an ACK and its replies are read (dumps to the end)
 * with a poll timeout, so the socket never fills and the fuzzer cannot hang
 * on a lost reply. At the end it deletes its datapaths, checks that the
 * module still answers, and prints the replies counted by errno.
 *
 * --perm-check DP instead sends each command once against datapath DP and
 * reports whether it was refused with EPERM: run it without CAP_NET_ADMIN.
 *
 * Self-contained: it speaks netlink with its own small builder (so it can
 * write malformed attributes) and only uses uapi/linux/weft.h.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "uapi/linux/weft.h"
#include "fuzz_frames.h"
#include "nlfuzz_msg.h"
#include "nlfuzz_keys.h"
#include "nlfuzz_compact.h"

#define N_DP		4
#define N_UFID		48
#define REPLY_TIMEOUT_MS 5000

/* ---- the fuzzer's state ---------------------------------------------- */

enum cat { CAT_RANDOM, CAT_VALID, CAT_MUTATED, CAT_N };
static const char *const cat_names[CAT_N] = { "random", "valid", "mutated" };

#define R_NOREPLY	4096	/* slot in by_errno: no reply expected/seen */
#define R_TIMEOUT	4097

struct fz {
	int fd;
	uint32_t portid;
	uint16_t family;
	uint32_t seq;
	struct fz_rng rng;
	int dp_ifindex[N_DP];
	int ncpu;
	const char *netdevs[8];
	int n_netdevs;
	uint8_t ufids[N_UFID][WEFT_UFID_LEN];
	uint8_t rx[256 * 1024];

	/* results */
	unsigned long by_errno[4098];
	unsigned long cat_ok[CAT_N], cat_err[CAT_N];
	unsigned long cmd_ok[256], cmd_err[256];	/* valid messages */
	double cmd_time[256];		/* seconds spent, by genl command */
	unsigned long cmd_n[256];
	double flush_time;		/* the periodic flow flushes */
	double refresh_time;		/* looking up the datapaths' ifindex */
	unsigned long replies, upcalls, strays, enobufs, timeouts;
	unsigned long consecutive_timeouts;
	char extack[256];		/* message of the last error, or "" */
	struct {			/* why valid messages were refused */
		char msg[300];
		int cmd;
		unsigned long n;
	} why[64];
	int n_why;
};

static struct fz F;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- netlink I/O ----------------------------------------------------- */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	int one = 1, buf = 8 << 20;

	F.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (F.fd < 0)
		return -errno;
	if (setsockopt(F.fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(F.fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(F.fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	/* Exercise extack reporting; keep the default (uncapped) acks. */
	setsockopt(F.fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(F.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(F.fd, (struct sockaddr *)&sa, &sl))
		return -errno;
	F.portid = sa.nl_pid;
	return 0;
}

static int nl_send(const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	for (;;) {
		ssize_t n = sendto(F.fd, buf, len, 0, (struct sockaddr *)&sa,
				   sizeof(sa));

		if (n >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		return -errno;
	}
}

typedef void (*reply_cb)(const struct nlmsghdr *nlh, void *arg);

/* Keep the extack message (NLMSGERR_ATTR_MSG) of an error, if any. */
static void read_extack(const struct nlmsghdr *nlh, const struct nlmsgerr *e)
{
	const uint8_t *p = (const uint8_t *)(e + 1);
	const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;

	F.extack[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		p += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	while (p + NLA_HDRLEN <= end) {
		uint16_t len = get16(p), type = get16(p + 2) & NLA_TYPE_MASK;

		if (len < NLA_HDRLEN || p + len > end)
			break;
		if (type == NLMSGERR_ATTR_MSG) {
			size_t n = len - NLA_HDRLEN;

			if (n >= sizeof(F.extack))
				n = sizeof(F.extack) - 1;
			memcpy(F.extack, p + NLA_HDRLEN, n);
			F.extack[n] = 0;
		}
		p += NLA_ALIGN(len);
	}
}

/*
 * Read until the ACK, error or DONE of @seq. Returns the errno of that
 * reply (0 = success), R_TIMEOUT if nothing came within the timeout.
 */
static int nl_wait(uint32_t seq, reply_cb cb, void *arg, int timeout_ms)
{
	for (;;) {
		ssize_t n = recv(F.fd, F.rx, sizeof(F.rx), MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		size_t left;

		if (n <= 0) {
			struct pollfd p = { .fd = F.fd, .events = POLLIN };

			if (n == 0)
				errno = EAGAIN;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Our reply may be among the lost ones. */
				F.enobufs++;
				timeout_ms = timeout_ms > 500 ? 500 : timeout_ms;
				continue;
			}
			if (errno != EAGAIN)
				return errno;
			if (poll(&p, 1, timeout_ms) <= 0)
				return R_TIMEOUT;
			continue;
		}
		left = (size_t)n;
		for (nlh = (struct nlmsghdr *)F.rx; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_seq != seq) {
				if (nlh->nlmsg_seq == 0 &&
				    nlh->nlmsg_type == F.family)
					F.upcalls++;
				else
					F.strays++;
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return EBADMSG;
				read_extack(nlh, e);
				return -e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
				return -err;
			}
			F.replies++;
			if (cb)
				cb(nlh, arg);
		}
	}
}

/* Send one message and wait for its outcome (see nl_wait). */
static int nl_xfer(struct msg *m, reply_cb cb, void *arg)
{
	int err;

	msg_nlh(m)->nlmsg_seq = ++F.seq;
	err = nl_send(m->b, msg_nlh(m)->nlmsg_len);
	if (err)
		return -err;
	return nl_wait(F.seq, cb, arg, REPLY_TIMEOUT_MS);
}

/* ---- family resolution ----------------------------------------------- */

static void family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		uint16_t len = get16(p), type = get16(p + 2) & NLA_TYPE_MASK;

		if (len < NLA_HDRLEN || p + len > end)
			break;
		if (type == CTRL_ATTR_FAMILY_ID && len >= NLA_HDRLEN + 2)
			*(uint16_t *)arg = get16(p + NLA_HDRLEN);
		p += NLA_ALIGN(len);
	}
}

static int resolve_family(void)
{
	static struct msg m;
	uint16_t id = 0;
	int err;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	attr_str(&m, CTRL_ATTR_FAMILY_NAME, WEFT_GENL_NAME);
	msg_finish(&m);
	err = nl_xfer(&m, family_cb, &id);
	if (err)
		return -err;
	F.family = id;
	return id ? 0 : -ENOENT;
}

/* ---- valid messages from the ABI ------------------------------------- */

static const char *dp_name(int i)
{
	static const char *const names[N_DP] = { "fz0", "fz1", "fz2", "fz3" };

	return names[i];
}

static double now(void);

/*
 * One netlink dump of the links, not if_nametoindex() per datapath: its
 * SIOCGIFINDEX asks the kernel to load a module "netdev-NAME" for a name
 * that does not exist (a deleted datapath), and running modprobe took 90%
 * of a run's time in a TCG guest.
 */
static void refresh_dps(void)
{
	struct if_nameindex *all = if_nameindex(), *p;
	double t = now();
	int i;

	for (i = 0; i < N_DP; i++) {
		F.dp_ifindex[i] = 0;
		for (p = all; p && p->if_index; p++)
			if (!strcmp(p->if_name, dp_name(i)))
				F.dp_ifindex[i] = (int)p->if_index;
	}
	if (all)
		if_freenameindex(all);
	F.refresh_time += now() - t;
}

/* A dp ifindex: mostly ours, sometimes stale or absurd. */
static uint32_t pick_dp(struct fz_rng *r)
{
	uint32_t v = (uint32_t)F.dp_ifindex[fz_below(r, N_DP)];

	if (fz_chance(r, 3))
		v = fz_chance(r, 50) ? 0 : fz_rand32(r);
	return v;
}

static uint32_t pick_port(struct fz_rng *r)
{
	if (fz_chance(r, 90))
		return fz_below(r, 6);
	return fz_chance(r, 50) ? WEFT_VPORT_MAX + fz_below(r, 3) :
		fz_rand32(r);
}

static void put_actions(struct msg *m, struct fz_rng *r, uint16_t type,
			int depth, const struct keyspec *ks);

static void put_action(struct msg *m, struct fz_rng *r, int depth,
		       const struct keyspec *ks)
{
	int n, k = (int)fz_below(r, 16);

	if (depth > 7 && k >= 9)	/* stop nesting eventually */
		k = 0;
	switch (k) {
	case 0:
	case 1:
	case 2:
		attr_u32(m, WEFT_ACTION_A_OUTPUT, pick_port(r));
		break;
	case 3:
		n = nest_start(m, WEFT_ACTION_A_USERSPACE);
		if (fz_chance(r, 60))
			attr_u32(m, WEFT_USERSPACE_A_PID,
				 fz_chance(r, 80) ? F.portid : fz_rand32(r));
		if (fz_chance(r, 60))
			attr(m, WEFT_USERSPACE_A_USERDATA, NULL,
			     fz_below(r, 64), r);
		nest_end(m, n);
		break;
	case 4:
	case 5:
		put_set(m, r, ks);
		break;
	case 6:
		n = nest_start(m, WEFT_ACTION_A_PUSH_VLAN);
		attr_be16(m, WEFT_VLAN_A_TPID, fz_chance(r, 50) ? 0x8100 :
			  fz_chance(r, 80) ? 0x88a8 : (uint16_t)fz_rand32(r));
		attr_be16(m, WEFT_VLAN_A_TCI, (uint16_t)(fz_chance(r, 80) ?
			  0x1000 | fz_below(r, 0x1000) : fz_rand32(r)));
		nest_end(m, n);
		break;
	case 7:
		if (fz_chance(r, 50)) {
			attr_flag(m, WEFT_ACTION_A_POP_VLAN);
		} else if (fz_chance(r, 50)) {
			attr_u32(m, WEFT_ACTION_A_RECIRC, fz_below(r, 3));
		} else {
			n = nest_start(m, WEFT_ACTION_A_HASH);
			attr_u32(m, WEFT_HASH_A_ALG, fz_chance(r, 90) ?
				 WEFT_HASH_ALG_L4 : fz_rand32(r));
			attr_u32(m, WEFT_HASH_A_BASIS, fz_rand32(r));
			nest_end(m, n);
		}
		break;
	case 8:
		if (fz_chance(r, 70))
			attr_u32(m, WEFT_ACTION_A_TRUNC, fz_chance(r, 80) ?
				 14 + fz_below(r, 100) : fz_below(r, 14));
		else
			attr_u32(m, WEFT_ACTION_A_DROP, fz_below(r, 3));
		break;
	case 9:
	case 10:
		put_actions(m, r, WEFT_ACTION_A_CLONE, depth + 1, ks);
		break;
	case 11:
		n = nest_start(m, WEFT_ACTION_A_SAMPLE);
		attr_u32(m, WEFT_SAMPLE_A_PROBABILITY, fz_chance(r, 30) ?
			 0xffffffff : fz_chance(r, 30) ? 0 : fz_rand32(r));
		put_actions(m, r, WEFT_SAMPLE_A_ACTIONS, depth + 1, ks);
		nest_end(m, n);
		break;
	case 12:
		n = nest_start(m, WEFT_ACTION_A_CHECK_PKT_LEN);
		attr_u16(m, WEFT_CHECK_PKT_LEN_A_PKT_LEN,
			 (uint16_t)fz_below(r, 200));
		put_actions(m, r, WEFT_CHECK_PKT_LEN_A_IF_GREATER, depth + 1,
			    ks);
		put_actions(m, r, WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL,
			    depth + 1, ks);
		nest_end(m, n);
		break;
	case 13:
		n = nest_start(m, WEFT_ACTION_A_DEC_TTL);
		put_actions(m, r, WEFT_DEC_TTL_A_ACTIONS, depth + 1, ks);
		nest_end(m, n);
		break;
	default:
		attr_u32(m, WEFT_ACTION_A_OUTPUT, fz_below(r, 3));
		break;
	}
}

static void put_actions(struct msg *m, struct fz_rng *r, uint16_t type,
			int depth, const struct keyspec *ks)
{
	int n = nest_start(m, type);
	int i, count = (int)fz_below(r, depth ? 4 : 7);

	/* Now and then a clone chain far deeper than the module allows. */
	if (depth == 0 && fz_chance(r, 2)) {
		int deep = 20 + (int)fz_below(r, 400), d[420];

		for (i = 0; i < deep; i++)
			d[i] = nest_start(m, WEFT_ACTION_A_CLONE);
		attr_u32(m, WEFT_ACTION_A_OUTPUT, 1);
		for (i = deep - 1; i >= 0; i--)
			nest_end(m, d[i]);
	}
	for (i = 0; i < count && !m->overflow; i++)
		put_action(m, r, depth, ks);
	nest_end(m, n);
}

static void put_ufid(struct msg *m, struct fz_rng *r)
{
	attr(m, WEFT_FLOW_A_UFID, F.ufids[fz_below(r, N_UFID)], WEFT_UFID_LEN,
	     NULL);
}

static const char *pick_vport_name(struct fz_rng *r, uint32_t *type)
{
	static const char *const internal[] = {
		"fzi0", "fzi1", "fzi2", "fzi3", "fzi4", "fzi5", "fzi6", "fzi7",
	};
	static const char *const odd[] = {
		"lo", "fz0", "fz1", "", "a-name-of-15-ch", "a-name-of-16-chr",
		"fzi0", "../x", "fz 0",
	};

	*type = WEFT_VPORT_TYPE_INTERNAL;
	if (fz_chance(r, 5)) {
		*type = (uint32_t)fz_below(r, WEFT_VPORT_TYPE_MAX + 3);
		return odd[fz_below(r, sizeof(odd) / sizeof(odd[0]))];
	}
	if (F.n_netdevs && fz_chance(r, 50)) {
		*type = WEFT_VPORT_TYPE_NETDEV;
		return F.netdevs[fz_below(r, (uint32_t)F.n_netdevs)];
	}
	return internal[fz_below(r, 8)];
}

enum valid_kind {
	V_FEATURES, V_DP_NEW, V_DP_DEL, V_DP_GET, V_DP_DUMP, V_DP_SET,
	V_VPORT_NEW, V_VPORT_DEL, V_VPORT_GET, V_VPORT_DUMP, V_VPORT_SET,
	V_FLOW_NEW, V_FLOW_SET, V_FLOW_DEL, V_FLOW_FLUSH, V_FLOW_GET,
	V_FLOW_DUMP, V_EXECUTE, V_N
};

static const char *const valid_names[V_N] = {
	"features", "dp-new", "dp-del", "dp-get", "dp-dump", "dp-set",
	"vport-new", "vport-del", "vport-get", "vport-dump", "vport-set",
	"flow-new", "flow-set", "flow-del", "flow-flush", "flow-get",
	"flow-dump", "execute",
};

/* Relative weights of each kind of valid message. */
static const unsigned int valid_weights[V_N] = {
	2, 2, 1, 3, 2, 3,
	8, 3, 3, 2, 2,
	22, 6, 5, 0, 5,
	3, 18,
};

static void put_upcall_pids(struct msg *m, struct fz_rng *r)
{
	uint32_t pids[64];
	int i, n = F.ncpu < 64 ? F.ncpu : 64;

	if (fz_chance(r, 10))
		n = (int)fz_below(r, 64);
	for (i = 0; i < n; i++)
		pids[i] = fz_chance(r, 90) ? F.portid : fz_rand32(r);
	attr(m, WEFT_DP_A_UPCALL_PIDS, pids, (size_t)n * 4, NULL);
}

static void put_dp_ref(struct msg *m, struct fz_rng *r, int i)
{
	if (fz_chance(r, 50) || !F.dp_ifindex[i])
		attr_str(m, WEFT_DP_A_NAME, dp_name(i));
	else
		attr_u32(m, WEFT_DP_A_DP_IFINDEX, (uint32_t)F.dp_ifindex[i]);
}

static void put_flow_packet(struct msg *m, struct fz_rng *r)
{
	static const struct fz_macs macs = {
		.dst = { 0x02, 0, 0, 0, 0, 0x02 },
		.src = { 0x02, 0, 0, 0, 0, 0x01 },
	};
	struct fz_frame f;
	int n;

	if (fz_chance(r, 70))
		fz_template(&f, &macs, (int)fz_below(r, FZ_T_N));
	else
		fz_malformed(&f, &macs, r, (int)fz_below(r, FZ_M_N));
	if (fz_chance(r, 5))
		f.len = fz_below(r, 14);	/* shorter than Ethernet */
	if (fz_chance(r, 95))
		attr(m, WEFT_FLOW_A_PACKET, f.b, f.len, NULL);
	if (fz_chance(r, 95)) {
		n = nest_start(m, WEFT_FLOW_A_PACKET_KEY);
		attr_u32(m, WEFT_KEY_A_IN_PORT, pick_port(r));
		if (fz_chance(r, 30))
			attr_u32(m, WEFT_KEY_A_SKB_MARK, fz_rand32(r));
		if (fz_chance(r, 30))
			attr_u32(m, WEFT_KEY_A_RECIRC_ID, fz_below(r, 3));
		nest_end(m, n);
	}
}

static void build_flow(struct msg *m, struct fz_rng *r, uint8_t cmd,
		       uint16_t flags)
{
	struct keyspec ks;
	uint32_t in_port = fz_below(r, 4), recirc = fz_below(r, 3);

	random_keyspec(r, &ks);
	msg_init(m, F.family, cmd, flags);
	attr_u32(m, WEFT_FLOW_A_DP_IFINDEX, pick_dp(r));
	if (fz_chance(r, 90))
		put_ufid(m, r);
	/* The compact form (WEFT_F_KEY_COMPACT) now and then instead. */
	if (fz_chance(r, 25)) {
		put_compact(m, r, &ks, in_port);
	} else {
		if (cmd == WEFT_CMD_FLOW_NEW || cmd == WEFT_CMD_FLOW_SET ||
		    fz_chance(r, 30))
			put_key(m, r, WEFT_FLOW_A_KEY, &ks, 0, in_port,
				recirc);
		if ((cmd == WEFT_CMD_FLOW_NEW || cmd == WEFT_CMD_FLOW_SET) &&
		    fz_chance(r, 85))
			put_key(m, r, WEFT_FLOW_A_MASK, &ks, 1, 0, 0);
	}
	if (cmd == WEFT_CMD_FLOW_NEW ||
	    (cmd == WEFT_CMD_FLOW_SET && fz_chance(r, 70)))
		put_actions(m, r, WEFT_FLOW_A_ACTIONS, 0, &ks);
	if (fz_chance(r, 20))
		attr_u32(m, WEFT_FLOW_A_UFID_FLAGS, fz_chance(r, 90) ?
			 fz_below(r, __WEFT_UFID_F_ALL + 1) : fz_rand32(r));
	if (cmd == WEFT_CMD_FLOW_SET && fz_chance(r, 30))
		attr_flag(m, WEFT_FLOW_A_CLEAR);
	/* A miss's packet along with the flow (WEFT_F_FLOW_EXECUTE); now
	 * and then on another command, or without its key, to be refused. */
	if (fz_chance(r, cmd == WEFT_CMD_FLOW_NEW ? 40 : 5))
		put_flow_packet(m, r);
}

static void build_execute(struct msg *m, struct fz_rng *r)
{
	static const struct fz_macs macs = {
		.dst = { 0x02, 0, 0, 0, 0, 0x02 },
		.src = { 0x02, 0, 0, 0, 0, 0x01 },
	};
	struct fz_frame f;
	struct keyspec ks;
	int n;

	if (fz_chance(r, 50))
		fz_template(&f, &macs, (int)fz_below(r, FZ_T_N));
	else
		fz_malformed(&f, &macs, r, (int)fz_below(r, FZ_M_N));
	if (fz_chance(r, 5))
		f.len = fz_below(r, 14);	/* shorter than Ethernet */
	random_keyspec(r, &ks);
	msg_init(m, F.family, WEFT_CMD_PACKET_EXECUTE, 0);
	attr_u32(m, WEFT_PACKET_A_DP_IFINDEX, pick_dp(r));
	attr(m, WEFT_PACKET_A_PACKET, f.b, f.len, NULL);
	if (fz_chance(r, 80)) {
		n = nest_start(m, WEFT_PACKET_A_KEY);
		attr_u32(m, WEFT_KEY_A_IN_PORT, pick_port(r));
		if (fz_chance(r, 30))
			attr_u32(m, WEFT_KEY_A_SKB_MARK, fz_rand32(r));
		if (fz_chance(r, 30))
			attr_u32(m, WEFT_KEY_A_PRIORITY, fz_rand32(r));
		if (fz_chance(r, 30))
			attr_u32(m, WEFT_KEY_A_RECIRC_ID, fz_below(r, 3));
		if (fz_chance(r, 20))
			attr_u32(m, WEFT_KEY_A_DP_HASH, fz_rand32(r));
		nest_end(m, n);
	}
	if (fz_chance(r, 95))
		put_actions(m, r, WEFT_PACKET_A_ACTIONS, 0, &ks);
	if (fz_chance(r, 50))
		attr_flag(m, WEFT_PACKET_A_PROBE);
}

static int pick_valid(struct fz_rng *r)
{
	unsigned int total = 0, x;
	int i;

	for (i = 0; i < V_N; i++)
		total += valid_weights[i];
	x = fz_below(r, total);
	for (i = 0; i < V_N; i++) {
		if (x < valid_weights[i])
			return i;
		x -= valid_weights[i];
	}
	return V_FEATURES;
}

/* Build a valid message of kind @v into @m. Returns the kind built. */
static int build_valid(struct msg *m, struct fz_rng *r, int v)
{
	int d = (int)fz_below(r, N_DP), n;
	uint32_t type;
	const char *name;

	/* A missing datapath is re-created first. */
	if (v >= V_DP_DEL && v != V_DP_DUMP && !F.dp_ifindex[d] &&
	    fz_chance(r, 90))
		v = V_DP_NEW;
	switch (v) {
	case V_FEATURES:
		msg_init(m, F.family, WEFT_CMD_GET_FEATURES, 0);
		break;
	case V_DP_NEW:
		msg_init(m, F.family, WEFT_CMD_DP_NEW, 0);
		attr_str(m, WEFT_DP_A_NAME, dp_name(d));
		if (fz_chance(r, 70))
			put_upcall_pids(m, r);
		if (fz_chance(r, 30))
			attr_u32(m, WEFT_DP_A_USER_FEATURES,
				 fz_below(r, __WEFT_DP_F_ALL + 1));
		break;
	case V_DP_DEL:
	case V_DP_GET:
		msg_init(m, F.family, v == V_DP_DEL ? WEFT_CMD_DP_DEL :
			 WEFT_CMD_DP_GET, 0);
		put_dp_ref(m, r, d);
		break;
	case V_DP_DUMP:
		msg_init(m, F.family, WEFT_CMD_DP_GET, NLM_F_DUMP);
		break;
	case V_DP_SET:
		msg_init(m, F.family, WEFT_CMD_DP_SET, 0);
		put_dp_ref(m, r, d);
		if (fz_chance(r, 50))
			put_upcall_pids(m, r);
		if (fz_chance(r, 40))
			attr_u32(m, WEFT_DP_A_USER_FEATURES, fz_chance(r, 90) ?
				 fz_below(r, __WEFT_DP_F_ALL + 1) :
				 fz_rand32(r));
		/* Refused: the attribute slot that is never used. */
		if (fz_chance(r, 3))
			attr_u32(m, WEFT_DP_A_UNUSED, fz_rand32(r));
		break;
	case V_VPORT_NEW:
		name = pick_vport_name(r, &type);
		msg_init(m, F.family, WEFT_CMD_VPORT_NEW, 0);
		attr_u32(m, WEFT_VPORT_A_DP_IFINDEX, pick_dp(r));
		attr_u32(m, WEFT_VPORT_A_TYPE, type);
		attr_str(m, WEFT_VPORT_A_NAME, name);
		if (fz_chance(r, 40))
			attr_u32(m, WEFT_VPORT_A_PORT_NO, pick_port(r));
		if (fz_chance(r, 10)) {
			n = nest_start(m, WEFT_VPORT_A_OPTIONS);
			nest_end(m, n);
		}
		break;
	case V_VPORT_DEL:
	case V_VPORT_GET:
	case V_VPORT_SET:
		msg_init(m, F.family, v == V_VPORT_DEL ? WEFT_CMD_VPORT_DEL :
			 v == V_VPORT_GET ? WEFT_CMD_VPORT_GET :
			 WEFT_CMD_VPORT_SET, 0);
		attr_u32(m, WEFT_VPORT_A_DP_IFINDEX, pick_dp(r));
		if (fz_chance(r, 50)) {
			/* Deleting port 0 would take the datapath with it. */
			uint32_t p = pick_port(r);

			if (v == V_VPORT_DEL && p == 0 && fz_chance(r, 90))
				p = 1;
			attr_u32(m, WEFT_VPORT_A_PORT_NO, p);
		} else {
			attr_str(m, WEFT_VPORT_A_NAME,
				 pick_vport_name(r, &type));
		}
		if (v == V_VPORT_SET && fz_chance(r, 50)) {
			n = nest_start(m, WEFT_VPORT_A_OPTIONS);
			nest_end(m, n);
		}
		break;
	case V_VPORT_DUMP:
		msg_init(m, F.family, WEFT_CMD_VPORT_GET, NLM_F_DUMP);
		attr_u32(m, WEFT_VPORT_A_DP_IFINDEX, pick_dp(r));
		break;
	case V_FLOW_NEW:
		build_flow(m, r, WEFT_CMD_FLOW_NEW, (uint16_t)(NLM_F_CREATE |
			   (fz_chance(r, 30) ? NLM_F_EXCL : 0)));
		break;
	case V_FLOW_SET:
		build_flow(m, r, WEFT_CMD_FLOW_SET, 0);
		break;
	case V_FLOW_DEL:
		build_flow(m, r, WEFT_CMD_FLOW_DEL, 0);
		break;
	case V_FLOW_FLUSH:
		msg_init(m, F.family, WEFT_CMD_FLOW_DEL, 0);
		attr_u32(m, WEFT_FLOW_A_DP_IFINDEX, (uint32_t)F.dp_ifindex[d]);
		break;
	case V_FLOW_GET:
		build_flow(m, r, WEFT_CMD_FLOW_GET, 0);
		break;
	case V_FLOW_DUMP:
		msg_init(m, F.family, WEFT_CMD_FLOW_GET, NLM_F_DUMP);
		attr_u32(m, WEFT_FLOW_A_DP_IFINDEX, pick_dp(r));
		if (fz_chance(r, 50))
			attr_u32(m, WEFT_FLOW_A_UFID_FLAGS,
				 fz_below(r, __WEFT_UFID_F_ALL + 1));
		break;
	case V_EXECUTE:
	default:
		build_execute(m, r);
		v = V_EXECUTE;
		break;
	}
	msg_finish(m);
	return v;
}

/* ---- random messages --------------------------------------------------- */

static void random_attrs(struct msg *m, struct fz_rng *r, int depth)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 17 };
	int i, n = (int)fz_below(r, depth ? 6 : 10);

	for (i = 0; i < n && !m->overflow; i++) {
		uint16_t type;
		size_t len;

		if (fz_chance(r, 70))
			type = (uint16_t)fz_below(r, 20);
		else if (fz_chance(r, 50))
			type = (uint16_t)(fz_below(r, 20) | NLA_F_NESTED);
		else
			type = (uint16_t)fz_rand32(r);
		if (depth < 12 && fz_chance(r, 30)) {
			int k = nest_start(m, type);

			if (k >= 0 && fz_chance(r, 30))
				set16(m->b + m->recs[k].off + 2,
				      type & (uint16_t)~NLA_F_NESTED);
			random_attrs(m, r, depth + 1);
			nest_end(m, k);
			continue;
		}
		if (fz_chance(r, 70))
			len = lens[fz_below(r, sizeof(lens) / sizeof(lens[0]))];
		else if (fz_chance(r, 90))
			len = fz_below(r, 600);
		else
			len = fz_below(r, 20000);	/* huge */
		attr(m, type, NULL, len, r);
	}
}

static void build_random(struct msg *m, struct fz_rng *r)
{
	uint8_t cmd = fz_chance(r, 85) ? (uint8_t)fz_below(r, WEFT_CMD_MAX + 1) :
		(uint8_t)fz_rand32(r);
	uint16_t flags = 0;
	int i, d[256];

	if (fz_chance(r, 15))
		flags |= NLM_F_DUMP;
	if (fz_chance(r, 30))
		flags |= (uint16_t)(fz_rand32(r) & 0x0f00);
	msg_init(m, F.family, cmd, flags);
	if (fz_chance(r, 5))
		msg_genl(m)->version = (uint8_t)fz_rand32(r);
	if (fz_chance(r, 3))
		msg_genl(m)->reserved = (uint16_t)fz_rand32(r);
	if (fz_chance(r, 30)) {
		/* A plausible datapath so deeper code runs on garbage. */
		attr_u32(m, 1, pick_dp(r));
	}
	if (fz_chance(r, 3)) {
		/* Deep nesting: a chain of nests with garbage at the bottom. */
		int deep = 16 + (int)fz_below(r, 240);
		uint16_t t = (uint16_t)fz_below(r, 20);

		for (i = 0; i < deep; i++)
			d[i] = nest_start(m, fz_chance(r, 80) ? t :
					  (uint16_t)fz_below(r, 20));
		random_attrs(m, r, 12);
		for (i = deep - 1; i >= 0; i--)
			nest_end(m, d[i]);
	} else {
		random_attrs(m, r, 0);
	}
	msg_finish(m);
}

/* ---- the run --------------------------------------------------------- */

/* Whether @len bytes at @p are a well-formed attribute stream (nests too). */
static int well_formed(const uint8_t *p, size_t len, int depth)
{
	while (len >= NLA_HDRLEN) {
		uint16_t l = get16(p), t = get16(p + 2);
		size_t al = NLA_ALIGN((size_t)l);

		if (l < NLA_HDRLEN || l > len)
			return 0;
		if ((t & NLA_F_NESTED) && depth < 600 &&
		    !well_formed(p + NLA_HDRLEN, l - NLA_HDRLEN, depth + 1))
			return 0;
		if (al >= len)
			return al == len || l == len;
		p += al;
		len -= al;
	}
	return len == 0;
}

/* Build messages without a kernel: checks the builders (run under ASan). */
static int dry_run(unsigned long n)
{
	static struct msg m;
	unsigned long i, bad = 0, per[CAT_N] = { 0 };
	size_t maxlen = 0;

	for (i = 0; i < N_DP; i++)
		F.dp_ifindex[i] = 100 + (int)i;
	for (i = 0; i < n; i++) {
		unsigned int roll = fz_below(&F.rng, 100);
		int v;

		if (roll < 25) {
			build_random(&m, &F.rng);
			per[CAT_RANDOM]++;
		} else if (roll < 60) {
			v = build_valid(&m, &F.rng, pick_valid(&F.rng));
			per[CAT_VALID]++;
			if (m.overflow || !well_formed(m.b + NLMSG_HDRLEN +
					GENL_HDRLEN, m.len - NLMSG_HDRLEN -
					GENL_HDRLEN, 0)) {
				bad++;
				fprintf(stderr, "malformed valid %s, len %zu\n",
					valid_names[v], m.len);
			}
		} else {
			build_valid(&m, &F.rng, pick_valid(&F.rng));
			mutate(&m, &F.rng);
			per[CAT_MUTATED]++;
		}
		if (m.len > maxlen)
			maxlen = m.len;
	}
	printf("dry run: %lu random, %lu valid (%lu malformed), %lu mutated, "
	       "longest %zu bytes\n", per[0], per[1], bad, per[2], maxlen);
	return bad ? 1 : 0;
}

static int simple(uint8_t cmd, const char *dp, uint16_t flags)
{
	static struct msg m;

	msg_init(&m, F.family, cmd, flags);
	if (dp)
		attr_str(&m, WEFT_DP_A_NAME, dp);
	msg_finish(&m);
	return nl_xfer(&m, NULL, NULL);
}

static void tally(int cat, int err)
{
	F.by_errno[err < 0 || err > R_TIMEOUT ? 0 : err]++;
	if (err == R_TIMEOUT) {
		F.timeouts++;
		F.consecutive_timeouts++;
	} else {
		F.consecutive_timeouts = 0;
	}
	if (err)
		F.cat_err[cat]++;
	else
		F.cat_ok[cat]++;
}

/* Send a message whose length field lies, then resynchronise. */
static int send_unsure(struct msg *m)
{
	uint32_t seq = ++F.seq;
	static struct msg sync;

	msg_nlh(m)->nlmsg_seq = seq;
	nl_send(m->b, m->len);
	msg_init(&sync, F.family, WEFT_CMD_GET_FEATURES, 0);
	msg_finish(&sync);
	if (nl_xfer(&sync, NULL, NULL) == R_TIMEOUT)
		return R_TIMEOUT;
	return R_NOREPLY;
}

/* Count the reasons valid messages were refused, by extack message. */
static void note_why(int v, int err)
{
	char msg[300];
	int i;

	snprintf(msg, sizeof(msg), "%.200s (%.60s)", F.extack[0] ? F.extack : "-",
		 err == R_TIMEOUT ? "timeout" : strerror(err));
	for (i = 0; i < F.n_why; i++)
		if (F.why[i].cmd == v && !strcmp(F.why[i].msg, msg)) {
			F.why[i].n++;
			return;
		}
	if (F.n_why < (int)(sizeof(F.why) / sizeof(F.why[0]))) {
		memcpy(F.why[F.n_why].msg, msg, sizeof(msg));
		F.why[F.n_why].cmd = v;
		F.why[F.n_why++].n = 1;
	}
}

static void print_results(unsigned long n, double el)
{
	int i;

	printf("\nsent %lu messages in %.1f s (%.0f/s)\n", n, el,
	       el > 0 ? (double)n / el : 0.0);
	for (i = 0; i < CAT_N; i++)
		printf("  %-8s ok %-8lu error %lu\n", cat_names[i], F.cat_ok[i],
		       F.cat_err[i]);
	printf("valid messages by kind (ok / error):\n");
	for (i = 0; i < V_N; i++)
		printf("  %-11s %7lu / %lu\n", valid_names[i], F.cmd_ok[i],
		       F.cmd_err[i]);
	/* Where the run's time goes: the slow commands set its length. */
	printf("time by generic netlink command (messages, seconds):\n");
	{
		double sum = 0;

		for (i = 0; i < 256; i++) {
			sum += F.cmd_time[i];
			if (F.cmd_n[i] >= 100)
				printf("  cmd %3d %8lu %8.1f\n", i, F.cmd_n[i],
				       F.cmd_time[i]);
		}
		printf("  all commands: %.1f s of %.1f s; periodic flushes "
		       "%.1f s; ifindex lookups %.1f s\n", sum, el,
		       F.flush_time, F.refresh_time);
	}
	printf("why valid messages were refused (first %d reasons):\n",
	       F.n_why);
	for (i = 0; i < F.n_why; i++)
		printf("  %-11s %6lu  %s\n", valid_names[F.why[i].cmd],
		       F.why[i].n, F.why[i].msg);
	printf("final replies by errno:\n");
	for (i = 0; i < 4096; i++)
		if (F.by_errno[i])
			printf("  %4d %-28s %lu\n", i, i ? strerror(i) : "OK",
			       F.by_errno[i]);
	printf("  no reply (length field corrupted): %lu\n",
	       F.by_errno[R_NOREPLY]);
	printf("  timeouts: %lu\n", F.timeouts);
	printf("other: %lu reply messages, %lu upcalls, %lu stray, "
	       "%lu ENOBUFS\n", F.replies, F.upcalls, F.strays, F.enobufs);
}

static int cleanup_dps(void)
{
	int i, bad = 0;

	for (i = 0; i < N_DP; i++) {
		int err = simple(WEFT_CMD_DP_DEL, dp_name(i), 0);

		if (err && err != ENODEV && err != ENOENT) {
			fprintf(stderr, "cleanup: del %s: %s\n", dp_name(i),
				strerror(err));
			bad = 1;
		}
	}
	refresh_dps();
	for (i = 0; i < N_DP; i++)
		if (F.dp_ifindex[i]) {
			fprintf(stderr, "cleanup: %s still exists\n",
				dp_name(i));
			bad = 1;
		}
	return bad;
}

static int run_fuzz(unsigned long n, int verbose)
{
	static struct msg m;
	unsigned long i;
	double t0 = now(), last = t0;
	int err, ok = 1;

	cleanup_dps();
	for (i = 0; i < N_DP; i++) {
		err = simple(WEFT_CMD_DP_NEW, dp_name((int)i), 0);
		if (err) {
			fprintf(stderr, "setup: creating %s failed: %s\n",
				dp_name((int)i), strerror(err));
			ok = 0;
		}
	}
	refresh_dps();

	for (i = 0; i < n; i++) {
		unsigned int roll = fz_below(&F.rng, 100);
		int cat, v = -1, unsure = 0;

		if (i % 64 == 0)
			refresh_dps();
		if (i % 5000 == 4999) {
			/* Keep tables small so dumps stay cheap under TCG. */
			double t = now();
			int d;

			for (d = 0; d < N_DP; d++) {
				msg_init(&m, F.family, WEFT_CMD_FLOW_DEL, 0);
				attr_u32(&m, WEFT_FLOW_A_DP_IFINDEX,
					 (uint32_t)F.dp_ifindex[d]);
				msg_finish(&m);
				nl_xfer(&m, NULL, NULL);
			}
			F.flush_time += now() - t;
		}
		if (roll < 25) {
			cat = CAT_RANDOM;
			build_random(&m, &F.rng);
		} else if (roll < 60) {
			cat = CAT_VALID;
			v = build_valid(&m, &F.rng, pick_valid(&F.rng));
		} else {
			cat = CAT_MUTATED;
			build_valid(&m, &F.rng, pick_valid(&F.rng));
			unsure = mutate(&m, &F.rng);
		}
		if (verbose > 1)
			fprintf(stderr, "#%lu cat %s len %zu cmd %u\n", i,
				cat_names[cat], m.len, msg_genl(&m)->cmd);
		{
			uint8_t cmd = msg_genl(&m)->cmd;
			double t = now();

			if (unsure)
				err = send_unsure(&m);
			else
				err = nl_xfer(&m, NULL, NULL);
			F.cmd_time[cmd] += now() - t;
			F.cmd_n[cmd]++;
		}
		tally(cat, err);
		if (v >= 0) {
			if (err) {
				F.cmd_err[v]++;
				note_why(v, err);
			} else {
				F.cmd_ok[v]++;
			}
			if (v == V_DP_NEW || v == V_DP_DEL)
				refresh_dps();
		}
		if (F.consecutive_timeouts >= 10) {
			fprintf(stderr, "FAIL: 10 timeouts in a row at message "
				"%lu: the module stopped answering\n", i);
			ok = 0;
			break;
		}
		if (verbose && now() - last >= 10) {
			last = now();
			fprintf(stderr, "  %lu messages, %.0f/s\n", i + 1,
				(double)(i + 1) / (last - t0));
		}
	}
	print_results(i, now() - t0);

	if (cleanup_dps())
		ok = 0;
	/* The module must still answer, and still create and delete. */
	err = simple(WEFT_CMD_GET_FEATURES, NULL, 0);
	if (err) {
		fprintf(stderr, "FAIL: GET_FEATURES after the run: %s\n",
			strerror(err));
		ok = 0;
	}
	err = simple(WEFT_CMD_DP_NEW, "fz0", 0);
	if (!err)
		err = simple(WEFT_CMD_DP_DEL, "fz0", 0);
	if (err) {
		fprintf(stderr, "FAIL: datapath new/del after the run: %s\n",
			strerror(err));
		ok = 0;
	}
	if (F.timeouts)
		fprintf(stderr, "note: %lu replies timed out\n", F.timeouts);
	printf("%s\n", ok ? "weft-nlfuzz: PASS" : "weft-nlfuzz: FAIL");
	return ok ? 0 : 1;
}

/* ---- permission probe ------------------------------------------------ */

struct perm_case {
	const char *name;
	int mutating;
};

static void build_perm(struct msg *m, int c, uint32_t dp, const char *dpname)
{
	static const uint8_t ufid[WEFT_UFID_LEN] = { 0x70, 0x65, 0x72, 0x6d };
	struct fz_frame f;
	static const struct fz_macs macs = { { 2, 0, 0, 0, 0, 2 },
					     { 2, 0, 0, 0, 0, 1 } };
	int n;

	switch (c) {
	case 0:
		msg_init(m, F.family, WEFT_CMD_DP_NEW, 0);
		attr_str(m, WEFT_DP_A_NAME, "fzperm");
		break;
	case 1:
		msg_init(m, F.family, WEFT_CMD_DP_DEL, 0);
		attr_str(m, WEFT_DP_A_NAME, dpname);
		break;
	case 2:
		msg_init(m, F.family, WEFT_CMD_DP_SET, 0);
		attr_str(m, WEFT_DP_A_NAME, dpname);
		attr_u32(m, WEFT_DP_A_USER_FEATURES, 0);
		break;
	case 3:
		msg_init(m, F.family, WEFT_CMD_VPORT_NEW, 0);
		attr_u32(m, WEFT_VPORT_A_DP_IFINDEX, dp);
		attr_u32(m, WEFT_VPORT_A_TYPE, WEFT_VPORT_TYPE_INTERNAL);
		attr_str(m, WEFT_VPORT_A_NAME, "fzpermi");
		break;
	case 4:
		msg_init(m, F.family, WEFT_CMD_VPORT_DEL, 0);
		attr_u32(m, WEFT_VPORT_A_DP_IFINDEX, dp);
		attr_u32(m, WEFT_VPORT_A_PORT_NO, 1);
		break;
	case 5:
		msg_init(m, F.family, WEFT_CMD_VPORT_SET, 0);
		attr_u32(m, WEFT_VPORT_A_DP_IFINDEX, dp);
		attr_u32(m, WEFT_VPORT_A_PORT_NO, 1);
		break;
	case 6:
	case 7:
		msg_init(m, F.family, c == 6 ? WEFT_CMD_FLOW_NEW :
			 WEFT_CMD_FLOW_SET, c == 6 ? NLM_F_CREATE : 0);
		attr_u32(m, WEFT_FLOW_A_DP_IFINDEX, dp);
		attr(m, WEFT_FLOW_A_UFID, ufid, WEFT_UFID_LEN, NULL);
		n = nest_start(m, WEFT_FLOW_A_KEY);
		attr_u32(m, WEFT_KEY_A_IN_PORT, 1);
		nest_end(m, n);
		n = nest_start(m, WEFT_FLOW_A_ACTIONS);
		attr_u32(m, WEFT_ACTION_A_OUTPUT, 0);
		nest_end(m, n);
		break;
	case 8:
		msg_init(m, F.family, WEFT_CMD_FLOW_DEL, 0);
		attr_u32(m, WEFT_FLOW_A_DP_IFINDEX, dp);
		attr(m, WEFT_FLOW_A_UFID, ufid, WEFT_UFID_LEN, NULL);
		break;
	case 9:
		msg_init(m, F.family, WEFT_CMD_FLOW_DEL, 0);
		attr_u32(m, WEFT_FLOW_A_DP_IFINDEX, dp);
		break;
	case 10:
		fz_template(&f, &macs, FZ_T_IPV4_UDP);
		msg_init(m, F.family, WEFT_CMD_PACKET_EXECUTE, 0);
		attr_u32(m, WEFT_PACKET_A_DP_IFINDEX, dp);
		attr(m, WEFT_PACKET_A_PACKET, f.b, f.len, NULL);
		n = nest_start(m, WEFT_PACKET_A_KEY);
		attr_u32(m, WEFT_KEY_A_IN_PORT, 0);
		nest_end(m, n);
		n = nest_start(m, WEFT_PACKET_A_ACTIONS);
		attr_u32(m, WEFT_ACTION_A_OUTPUT, 0);
		nest_end(m, n);
		break;
	case 11:
		msg_init(m, F.family, WEFT_CMD_GET_FEATURES, 0);
		break;
	case 12:
		msg_init(m, F.family, WEFT_CMD_DP_GET, 0);
		attr_str(m, WEFT_DP_A_NAME, dpname);
		break;
	case 13:
		msg_init(m, F.family, WEFT_CMD_DP_GET, NLM_F_DUMP);
		break;
	case 14:
		msg_init(m, F.family, WEFT_CMD_VPORT_GET, 0);
		attr_u32(m, WEFT_VPORT_A_DP_IFINDEX, dp);
		attr_u32(m, WEFT_VPORT_A_PORT_NO, 0);
		break;
	case 15:
		msg_init(m, F.family, WEFT_CMD_VPORT_GET, NLM_F_DUMP);
		attr_u32(m, WEFT_VPORT_A_DP_IFINDEX, dp);
		break;
	default:
		msg_init(m, F.family, WEFT_CMD_FLOW_GET, NLM_F_DUMP);
		attr_u32(m, WEFT_FLOW_A_DP_IFINDEX, dp);
		break;
	}
	msg_finish(m);
}

static int run_perm_check(const char *dpname)
{
	static const struct perm_case cases[] = {
		{ "dp-new", 1 }, { "dp-del", 1 }, { "dp-set", 1 },
		{ "vport-new", 1 }, { "vport-del", 1 }, { "vport-set", 1 },
		{ "flow-new", 1 }, { "flow-set", 1 }, { "flow-del", 1 },
		{ "flow-flush", 1 }, { "execute", 1 },
		{ "features", 0 }, { "dp-get", 0 }, { "dp-dump", 0 },
		{ "vport-get", 0 }, { "vport-dump", 0 }, { "flow-dump", 0 },
	};
	static struct msg m;
	uint32_t dp = if_nametoindex(dpname);
	int i, failed = 0;

	if (!dp) {
		fprintf(stderr, "no datapath %s in this namespace\n", dpname);
		return 2;
	}
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		int err, good;

		build_perm(&m, i, dp, dpname);
		err = nl_xfer(&m, NULL, NULL);
		good = cases[i].mutating ? err == EPERM :
			err != EPERM && err != R_TIMEOUT;
		printf("%-4s %-10s %-9s errno %d (%s)\n", good ? "ok" : "FAIL",
		       cases[i].name, cases[i].mutating ? "refused?" :
		       "allowed?", err, err == R_TIMEOUT ? "timeout" :
		       err ? strerror(err) : "OK");
		failed |= !good;
	}
	return failed;
}

/* ---- main ------------------------------------------------------------ */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: weft-nlfuzz [--count N] [--seed N] [--netdev IFNAME]... [-v]\n"
		"       weft-nlfuzz --perm-check DP\n"
		"       weft-nlfuzz --dry-run [--count N] [--seed N]\n"
		"  Fuzzes the weft generic netlink family with N messages\n"
		"  (default 100000) on datapaths fz0..fz3 it creates and deletes.\n"
		"  --netdev names an existing interface vports may attach.\n"
		"  --perm-check sends each command once against DP and checks\n"
		"  that mutating ones fail with EPERM (run it unprivileged).\n"
		"  --dry-run only builds the messages (to check the builders).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "netdev", required_argument, NULL, 'n' },
		{ "perm-check", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n = 100000;
	uint64_t seed = 0;
	const char *perm_dp = NULL;
	int c, i, err, verbose = 0, dry = 0;

	while ((c = getopt_long(argc, argv, "c:s:n:p:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			n = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			if (F.n_netdevs < 8)
				F.netdevs[F.n_netdevs++] = optarg;
			break;
		case 'p':
			perm_dp = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'D':
			dry = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	err = dry ? 0 : nl_open();
	if (err) {
		fprintf(stderr, "netlink socket: %s\n", strerror(-err));
		return 1;
	}
	err = dry ? 0 : resolve_family();
	if (err) {
		fprintf(stderr, "generic netlink family \"%s\": %s\n",
			WEFT_GENL_NAME, strerror(-err));
		return 1;
	}
	if (perm_dp)
		return run_perm_check(perm_dp);

	if (!seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	fz_rng_seed(&F.rng, seed);
	F.ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (F.ncpu < 1)
		F.ncpu = 1;
	for (i = 0; i < N_UFID; i++) {
		memset(F.ufids[i], 0, WEFT_UFID_LEN);
		F.ufids[i][0] = 0xf2;
		F.ufids[i][15] = (uint8_t)i;
	}
	printf("weft-nlfuzz: family %u, count %lu, seed %llu\n", F.family, n,
	       (unsigned long long)seed);
	fflush(stdout);
	if (dry)
		return dry_run(n);
	return run_fuzz(n, verbose);
}
