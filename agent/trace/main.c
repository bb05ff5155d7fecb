// SPDX-License-Identifier: GPL-2.0
/*
 * weft-trace: one flow through a bridge's pipeline, as weftd would
 * translate it (`ovs-appctl ofproto/trace BRIDGE FLOW`).
 *
 *   weft-trace [OPTIONS] [ofproto/trace] BRIDGE FLOW
 *
 * Exit status: 0; 1 for bad input or when weftd cannot be reached; 2 when
 * weftd answered with an error (as ovs-appctl).
 */
#include <stdio.h>

#include "trace.h"

int main(int argc, char **argv)
{
	return trace_run(stdout, stderr, argc, argv);
}
