// SPDX-License-Identifier: GPL-2.0
/*
 * weft-ofctl: weft's pipeline rules, with ovs-ofctl's grammar.
 *
 *   weft-ofctl [OPTIONS] COMMAND [ARG...]
 *
 * Exit status: 0 on success, 1 on any failure, usage errors included.
 */
#include <string.h>

#include "weft/cli_serve.h"
#include "ofctl.h"

static int ofctl_main(int argc, char **argv)
{
	struct ofctl ctx;
	int status;

	ofctl_init(&ctx);
	status = ofctl_run(&ctx, argc, argv);
	ofctl_uninit(&ctx);
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], WFT_CLI_SERVE_OPTION))
		return wft_cli_serve(ofctl_main, "weft-ofctl", argv[2]);
	return ofctl_main(argc, argv);
}
