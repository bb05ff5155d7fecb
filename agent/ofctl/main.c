// SPDX-License-Identifier: GPL-2.0
/*
 * weft-ofctl: weft's pipeline rules, with ovs-ofctl's grammar.
 *
 *   weft-ofctl [OPTIONS] COMMAND [ARG...]
 *
 * Exit status: 0 on success, 1 on any failure, usage errors included.
 */
#include "ofctl.h"

int main(int argc, char **argv)
{
	struct ofctl ctx;
	int status;

	ofctl_init(&ctx);
	status = ofctl_run(&ctx, argc, argv);
	ofctl_uninit(&ctx);
	return status;
}
