/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weft-trace: trace.c parses the command line (ovs-appctl's option
 * letters: -t is the target, -T the timeout), checks FLOW with the local
 * match parser, calls weftd's "ofproto/trace" and prints the answer. It
 * writes only to the streams it is given, so the unit tests run it
 * in-process.
 */
#ifndef WEFT_TRACE_H
#define WEFT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct trace_opts {
	const char *target;	/* NULL: $WEFT_SOCKET, or the default */
	int timeout_ms;		/* -1: wait for ever */
	bool json;
	bool no_provenance;	/* --no-provenance */
	bool help;
	bool version;
	const char *bridge;
	const char *flow;
};

/* argv[0] is the program. Returns 0, or -EINVAL with a message in @err. */
int trace_parse_args(int argc, char **argv, struct trace_opts *o, char *err,
		     size_t errlen);
/* The whole program; returns its exit status. */
int trace_run(FILE *out, FILE *err, int argc, char **argv);

#endif /* WEFT_TRACE_H */
