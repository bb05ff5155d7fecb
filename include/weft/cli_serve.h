/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli_serve: a CLI as a long-lived server of its own command lines, for
 * the system tests (tests/system/lib.sh's srv_call).  In the TCG test VM
 * each process start costs up to a second; a test that runs hundreds of
 * weft-vsctl, weft-ofctl or weft-appctl commands pays for one exec and
 * a fork per command instead.
 */
#ifndef WEFT_CLI_SERVE_H
#define WEFT_CLI_SERVE_H

/* The option a CLI takes, followed by a directory, to serve. */
#define WFT_CLI_SERVE_OPTION	"--serve-tests"

/*
 * Reads requests from stdin until EOF and runs each through @cli_main
 * in a child process of its own (fork, no exec: the command starts from
 * the state this process had, as a fresh run of the CLI would).
 *
 * Request: NUL-terminated fields: an id (any text), an operation name
 * (ignored), the working directory, N, N environment entries
 * (NAME=VALUE: the child's whole environment), M, M arguments
 * (argv[1..M]), the standard input.
 *
 * Answer on stdout, once the command's standard output and error are in
 * the files @dir/out and @dir/err (created or truncated for each
 * command): the id, 0x1f, the exit status in decimal, 0x1e.  (Files,
 * not the pipe: bash reads a pipe a byte at a time, a file in blocks.)
 *
 * Returns 0 at EOF, 1 on a broken request or a system error.
 */
int wft_cli_serve(int (*cli_main)(int argc, char **argv),
		  const char *prog, const char *dir);

#endif
