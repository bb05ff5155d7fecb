// SPDX-License-Identifier: GPL-2.0
/*
 * weft-pktfuzz: send malformed Ethernet frames out of one interface with an
 * AF_PACKET raw socket, as fast as the socket takes them, so that whatever
 * sits behind the interface (a weft datapath port, usually through a veth
 * pair) has to extract flow keys from them.
 *
 * First a sweep: every valid template of fuzz_frames.h truncated at every
 * offset from 14 bytes up to its full length (and the full frame). Then
 * random malformed frames of every kind until --count frames were offered.
 * The seed is printed so that a run can be repeated exactly.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_frames.h"

#define BATCH	64

struct pf_stats {
	unsigned long offered;
	unsigned long sent;
	unsigned long refused;
	unsigned long by_errno[256];
	unsigned long by_kind[FZ_M_N + 1];	/* FZ_M_N counts the sweep */
};

struct pf_batch {
	struct fz_frame frames[BATCH];
	int kinds[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	unsigned int n;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: weft-pktfuzz --iface IFNAME [--count N] [--seed N]\n"
		"                    [--dst-mac XX:..] [--src-mac XX:..] [--no-sweep]\n"
		"       weft-pktfuzz --iface IFNAME --templates\n"
		"  Sends N (default 100000) malformed frames out of IFNAME, or\n"
		"  each valid template once.\n");
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Send the batch; a frame the socket refuses is counted and skipped. */
static void flush(int fd, struct pf_batch *b, struct pf_stats *st)
{
	unsigned int i = 0;

	while (i < b->n) {
		int r = sendmmsg(fd, b->msgs + i, b->n - i, 0);

		if (r > 0) {
			st->sent += (unsigned long)r;
			i += (unsigned int)r;
			continue;
		}
		if (r < 0 && (errno == EINTR || errno == EAGAIN ||
			      errno == ENOBUFS))
			continue;
		st->refused++;
		st->by_errno[r < 0 && errno < 256 ? errno : 0]++;
		i++;
	}
	b->n = 0;
}

static struct fz_frame *slot(int fd, struct pf_batch *b, struct pf_stats *st,
			     int kind)
{
	struct fz_frame *f;

	if (b->n == BATCH)
		flush(fd, b, st);
	f = &b->frames[b->n];
	b->kinds[b->n] = kind;
	st->offered++;
	st->by_kind[kind]++;
	return f;
}

static void commit(struct pf_batch *b)
{
	unsigned int i = b->n++;

	b->iov[i].iov_base = b->frames[i].b;
	b->iov[i].iov_len = b->frames[i].len;
	memset(&b->msgs[i], 0, sizeof(b->msgs[i]));
	b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
	b->msgs[i].msg_hdr.msg_iovlen = 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "dst-mac", required_argument, NULL, 'd' },
		{ "src-mac", required_argument, NULL, 'S' },
		{ "no-sweep", no_argument, NULL, 'n' },
		{ "templates", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fz_macs macs = {
		.dst = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
		.src = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
	};
	static struct pf_batch batch;
	struct pf_stats st = { 0 };
	const char *iface = NULL;
	unsigned long count = 100000;
	uint64_t seed = 0;
	int sweep = 1, templates = 0, one = 1, c, fd, t;
	struct sockaddr_ll sll = { 0 };
	struct fz_rng rng;
	double t0, el;
	size_t cut;

	while ((c = getopt_long(argc, argv, "i:c:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			iface = optarg;
			break;
		case 'c':
			count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'd':
		case 'S':
			if (parse_mac(optarg, c == 'd' ? macs.dst : macs.src)) {
				fprintf(stderr, "bad MAC %s\n", optarg);
				return 2;
			}
			break;
		case 'n':
			sweep = 0;
			break;
		case 'T':
			templates = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!iface) {
		usage(stderr);
		return 2;
	}
	if (!seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	fz_rng_seed(&rng, seed);
	printf("weft-pktfuzz: iface %s count %lu seed %llu\n", iface, count,
	       (unsigned long long)seed);
	fflush(stdout);

	fd = socket(AF_PACKET, SOCK_RAW, 0);	/* protocol 0: send only */
	if (fd < 0) {
		perror("socket(AF_PACKET)");
		return 1;
	}
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(iface);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "no interface %s\n", iface);
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("bind");
		return 1;
	}
	/* Skip the qdisc: we want the peer's receive path, not tc's. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));

	t0 = now();
	if (templates) {	/* each valid template once, whole */
		for (t = 0; t < FZ_T_N; t++) {
			fz_template(slot(fd, &batch, &st, FZ_M_N), &macs, t);
			commit(&batch);
		}
		sweep = 0;
		count = 0;
	}
	for (t = 0; sweep && t < FZ_T_N; t++) {
		struct fz_frame full;

		fz_template(&full, &macs, t);
		for (cut = 14; cut <= full.len; cut++) {
			struct fz_frame *f = slot(fd, &batch, &st, FZ_M_N);

			memcpy(f->b, full.b, cut);
			f->len = cut;
			commit(&batch);
		}
	}
	while (st.offered < count) {
		int kind = (int)fz_below(&rng, FZ_M_N);
		struct fz_frame *f = slot(fd, &batch, &st, kind);

		fz_malformed(f, &macs, &rng, kind);
		commit(&batch);
	}
	flush(fd, &batch, &st);
	el = now() - t0;

	printf("offered %lu sent %lu refused %lu in %.1f s (%.0f frames/s)\n",
	       st.offered, st.sent, st.refused, el,
	       el > 0 ? (double)st.offered / el : 0.0);
	printf("  %-16s %lu\n", "sweep", st.by_kind[FZ_M_N]);
	for (t = 0; t < FZ_M_N; t++)
		printf("  %-16s %lu\n", fz_malformed_name(t), st.by_kind[t]);
	for (t = 0; t < 256; t++)
		if (st.by_errno[t])
			printf("  refused errno %d (%s): %lu\n", t, strerror(t),
			       st.by_errno[t]);
	close(fd);
	return st.sent ? 0 : 1;
}
