// SPDX-License-Identifier: GPL-2.0
/*
 * weft-upcall-listen: become the upcall listener of a datapath, print each
 * upcall, and optionally send the packet back in with given actions.
 *
 *   weft-upcall-listen [-n COUNT] [-t SECONDS] [-x ACTIONS] DP
 *
 * Registers one netlink socket's port id for every CPU of DP, prints
 * "ready portid=N" once registered, then one line per upcall:
 *
 *   miss len=98 key=recirc_id(0),in_port(1),eth(...),eth_type(0x0800),...
 *   action len=98 orig_len=1514 userdata=0a0b key=...
 *
 * (the key in ovs-dpctl text, every field the module sent, as an exact
 * match). With -x, each packet is re-injected with WEFT_CMD_PACKET_EXECUTE,
 * the metadata of its upcall key (in_port, skb_mark, priority, recirc_id,
 * dp_hash: the module re-extracts the headers) and ACTIONS, then
 * "executed" or "execute failed: ..." is printed.
 *
 * Exits 0 after COUNT upcalls (or at the timeout when no -n was given), 2
 * at the timeout before COUNT upcalls, 1 on errors. On the way out the
 * datapath's upcall port ids are cleared.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "weft/dpif.h"
#include "weft/odp.h"
#include "weft/strbuf.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: weft-upcall-listen [-n COUNT] [-t SECONDS] "
		"[-x ACTIONS] DP\n");
	exit(1);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void print_upcall(const struct wft_upcall *up)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	size_t i;

	printf("%s len=%zu", up->cmd == WEFT_CMD_PACKET_MISS ? "miss" :
	       "action", up->packet_len);
	if (up->orig_len)
		printf(" orig_len=%u", up->orig_len);
	if (up->userdata) {
		printf(" userdata=");
		for (i = 0; i < up->userdata_len; i++)
			printf("%02x", ((const uint8_t *)up->userdata)[i]);
	}
	wft_odp_flow_format(up->key, up->key_len, NULL, 0, &sb, 0);
	printf(" key=%s\n", wft_strbuf_cstr(&sb));
	fflush(stdout);
	wft_strbuf_free(&sb);
}

/* The metadata attributes of an upcall key: what execute's key carries. */
static void metadata_key(const struct wft_upcall *up, struct wft_attrbuf *md)
{
	const uint8_t *p = up->key, *end = p + up->key_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		switch (type) {
		case WEFT_KEY_A_IN_PORT:
		case WEFT_KEY_A_SKB_MARK:
		case WEFT_KEY_A_PRIORITY:
		case WEFT_KEY_A_RECIRC_ID:
		case WEFT_KEY_A_DP_HASH:
			wft_attr_put(md, type, p + NLA_HDRLEN,
				     a->nla_len - NLA_HDRLEN);
			break;
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

static void execute(struct wft_dpif *dpif, const struct wft_upcall *up,
		    const struct wft_attrbuf *acts)
{
	struct wft_attrbuf md;
	struct wft_execute exe;

	wft_attrbuf_init(&md);
	metadata_key(up, &md);
	memset(&exe, 0, sizeof(exe));
	exe.dp_ifindex = up->dp_ifindex;
	exe.packet = up->packet;
	exe.packet_len = up->packet_len;
	exe.key = md.data ? (const void *)md.data : "";
	exe.key_len = md.len;
	exe.actions = acts->data ? (const void *)acts->data : "";
	exe.actions_len = acts->len;
	exe.mru = up->mru;	/* a reassembled packet keeps its fragment size */

	if (wft_packet_execute(dpif, &exe))
		printf("execute failed: %s\n", wft_dpif_error(dpif));
	else
		printf("executed\n");
	fflush(stdout);
	wft_attrbuf_free(&md);
}

struct opts {
	long count;		/* 0: until the timeout or a signal */
	long timeout_ms;	/* 0: none */
	const char *actions;
	const char *dp;
};

static void parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt(argc, argv, "n:t:x:h")) != -1) {
		switch (c) {
		case 'n':
			o->count = strtol(optarg, NULL, 10);
			break;
		case 't':
			o->timeout_ms = (long)(strtod(optarg, NULL) * 1000);
			break;
		case 'x':
			o->actions = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	o->dp = argv[optind];
}

/* Registers @portid for every CPU of @dp_ifindex. */
static int register_pid(struct wft_dpif *dpif, uint32_t dp_ifindex,
			uint32_t portid)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	uint32_t *pids;
	long i;
	int err;

	if (n < 1)
		n = 1;
	pids = calloc((size_t)n, sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pids[i] = portid;
	err = wft_dp_set_upcall_pids(dpif, dp_ifindex, pids, (size_t)n);
	free(pids);
	return err;
}

static int listen_loop(struct wft_dpif *dpif, struct wft_upcall_sock *sock,
		       const struct opts *o, const struct wft_attrbuf *acts)
{
	uint64_t deadline = o->timeout_ms ? now_ms() + (uint64_t)o->timeout_ms : 0;
	struct pollfd pfd = { wft_upcall_sock_fd(sock), POLLIN, 0 };
	struct wft_upcall up;
	long got = 0;
	int err;

	while (!stop && (!o->count || got < o->count)) {
		int wait = 200;

		if (deadline) {
			uint64_t now = now_ms();

			if (now >= deadline)
				return o->count ? 2 : 0;
			if (deadline - now < (uint64_t)wait)
				wait = (int)(deadline - now);
		}
		if (poll(&pfd, 1, wait) <= 0)
			continue;
		while ((err = wft_upcall_recv(sock, &up, false)) == 0) {
			print_upcall(&up);
			if (o->actions)
				execute(dpif, &up, acts);
			if (o->count && ++got >= o->count)
				break;
		}
		if (err == -ENOBUFS) {
			printf("overrun: upcalls lost\n");
			fflush(stdout);
		} else if (err && err != -EAGAIN) {
			fprintf(stderr, "weft-upcall-listen: receive: %s\n",
				strerror(-err));
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct wft_upcall_sock *sock = NULL;
	struct wft_dpif *dpif = NULL;
	struct wft_attrbuf acts;
	struct wft_odp_error oerr;
	char name[WEFT_DP_NAME_MAX], err[512];
	const char *msg;
	struct wft_dp dp;
	struct opts o;
	uint32_t zero = 0;
	int ret = 1;

	parse_args(argc, argv, &o);
	wft_attrbuf_init(&acts);
	memset(&dp, 0, sizeof(dp));
	if (o.actions &&
	    wft_odp_actions_from_string(o.actions, &acts, &oerr)) {
		fprintf(stderr, "weft-upcall-listen: %s\n", oerr.msg);
		goto out;
	}
	if (wft_dp_name_parse(o.dp, name, &msg)) {
		fprintf(stderr, "weft-upcall-listen: %s: %s\n", o.dp, msg);
		goto out;
	}
	if (wft_dpif_open(&dpif, err, sizeof(err))) {
		fprintf(stderr, "weft-upcall-listen: %s\n", err);
		goto out;
	}
	if (wft_dp_get(dpif, name, 0, &dp)) {
		fprintf(stderr, "weft-upcall-listen: %s: %s\n", name,
			wft_dpif_error(dpif));
		goto out;
	}
	if (wft_upcall_sock_open(&sock, err, sizeof(err))) {
		fprintf(stderr, "weft-upcall-listen: %s\n", err);
		goto out;
	}
	if (register_pid(dpif, dp.ifindex, wft_upcall_sock_portid(sock))) {
		fprintf(stderr, "weft-upcall-listen: registering: %s\n",
			wft_dpif_error(dpif));
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready portid=%u\n", wft_upcall_sock_portid(sock));
	fflush(stdout);

	ret = listen_loop(dpif, sock, &o, &acts);
	wft_dp_set_upcall_pids(dpif, dp.ifindex, &zero, 0);
out:
	wft_upcall_sock_close(sock);
	wft_dp_uninit(&dp);
	wft_dpif_close(dpif);
	wft_attrbuf_free(&acts);
	return ret;
}
