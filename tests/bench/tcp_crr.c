// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_crr: TCP connect/request/response/close, one connection after the
 * other, for tests/bench/bench_ct.sh (the conntrack benchmark's conn/s).
 * netperf's TCP_CRR does this, but netperf is not in Debian main; python
 * would spend most of the guest's instructions on itself.
 *
 *   tcp_crr server PORT        accept; read the 64-byte request; write a
 *                              64-byte response; close (the server closes
 *                              first, so TIME_WAIT stays on its side and
 *                              the client's ports do not run out). Forever.
 *   tcp_crr client ADDR PORT N N connections in a row; prints
 *                              "N SECONDS CONN_PER_S" (CLOCK_MONOTONIC,
 *                              the guest's clock: under -icount it counts
 *                              instructions). Exits 1 on any failure.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG 64

static int full_read(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int serve(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char buf[MSG];
	int s, c, one = 1;

	a.sin_port = htons((uint16_t)port);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 128)) {
		perror("tcp_crr server");
		return 1;
	}
	memset(buf, 'r', sizeof(buf));
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		if (!full_read(c, buf, MSG))
			(void)!write(c, buf, MSG);
		close(c);
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int client(const char *addr, int port, long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char req[MSG], resp[MSG];
	double t0, secs;
	long i;
	int s;

	a.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		fprintf(stderr, "tcp_crr: bad address %s\n", addr);
		return 1;
	}
	memset(req, 'q', sizeof(req));
	t0 = now();
	for (i = 0; i < n; i++) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) ||
		    write(s, req, MSG) != MSG || full_read(s, resp, MSG) ||
		    read(s, resp, 1) != 0) {	/* the server's FIN */
			fprintf(stderr, "tcp_crr: connection %ld of %ld: ", i + 1,
				n);
			perror(NULL);
			return 1;
		}
		close(s);
	}
	secs = now() - t0;
	printf("%ld %.6f %.1f\n", n, secs, secs > 0 ? (double)n / secs : 0.0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return serve(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: tcp_crr server PORT | "
		"tcp_crr client ADDR PORT N\n");
	return 2;
}
