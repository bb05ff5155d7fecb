// SPDX-License-Identifier: GPL-2.0
/*
 * cli_serve: a CLI serving its own command lines to the system tests,
 * one forked child per command (see include/weft/cli_serve.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weft/cli_serve.h"

struct fields {
	char *buf;
	size_t len, cap, pos;
	bool eof;
};

/* The next NUL-terminated field of stdin, as an offset into f->buf
 * (which may move as it grows); -1 at EOF. */
static long next_field(struct fields *f)
{
	char *nul, *nbuf;
	ssize_t n;
	size_t start = f->pos;

	for (;;) {
		nul = memchr(f->buf + f->pos, '\0', f->len - f->pos);
		if (nul) {
			f->pos = nul - f->buf + 1;
			return (long)start;
		}
		if (f->eof)
			return -1;
		if (f->cap - f->len < 65536) {
			nbuf = realloc(f->buf, f->cap * 2 + 65536);
			if (!nbuf)
				return -1;
			f->buf = nbuf;
			f->cap = f->cap * 2 + 65536;
		}
		n = read(0, f->buf + f->len, f->cap - f->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			f->eof = true;
		else
			f->len += n;
	}
}

static bool read_count(struct fields *f, long *count)
{
	long off = next_field(f);
	char *end;

	if (off < 0)
		return false;
	*count = strtol(f->buf + off, &end, 10);
	return !*end && *count >= 0 && *count < 100000;
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int memfd(const char *name)
{
	return memfd_create(name, MFD_CLOEXEC);
}

/* DIR/NAME, created or truncated, for the child's stdout or stderr. */
static int out_file(const char *dir, const char *name)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -1;
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

/* The child: the request's directory, environment and stdin (a memfd),
 * the out and err files as stdout and stderr; then the CLI. */
static void run_child(int (*cli_main)(int, char **), char **argv, int argc,
		      char **env, const char *cwd, int in, int out, int err)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(125);
	if (cwd[0] && chdir(cwd))
		fprintf(stderr, "cli_serve: chdir %s: %s\n", cwd,
			strerror(errno));
	clearenv();
	for (; *env; env++)
		putenv(*env);
	exit(cli_main(argc, argv));
}

static int serve_one(int (*cli_main)(int, char **), const char *prog,
		     const char *dir, struct fields *f, long id)
{
	long op, cwd, n_env, n_arg, in_text, i, *env_off = NULL;
	long *arg_off = NULL;
	char **env = NULL, **argv = NULL, status[32];
	int in = -1, out = -1, err = -1, ret = 1, st;
	pid_t pid;

	op = next_field(f);
	cwd = op < 0 ? -1 : next_field(f);
	if (cwd < 0 || !read_count(f, &n_env))
		return 1;
	env_off = calloc(n_env + 1, sizeof(*env_off));
	for (i = 0; env_off && i < n_env; i++)
		if ((env_off[i] = next_field(f)) < 0)
			goto out;
	if (!env_off || !read_count(f, &n_arg))
		goto out;
	arg_off = calloc(n_arg + 1, sizeof(*arg_off));
	for (i = 0; arg_off && i < n_arg; i++)
		if ((arg_off[i] = next_field(f)) < 0)
			goto out;
	in_text = next_field(f);
	if (!arg_off || in_text < 0)
		goto out;
	/* f->buf is final now: the offsets become pointers. */
	env = calloc(n_env + 1, sizeof(*env));
	argv = calloc(n_arg + 2, sizeof(*argv));
	if (!env || !argv)
		goto out;
	for (i = 0; i < n_env; i++)
		env[i] = f->buf + env_off[i];
	argv[0] = (char *)prog;
	for (i = 0; i < n_arg; i++)
		argv[i + 1] = f->buf + arg_off[i];
	in = memfd("stdin");
	out = out_file(dir, "out");
	err = out_file(dir, "err");
	if (in < 0 || out < 0 || err < 0 ||
	    write_all(in, f->buf + in_text, strlen(f->buf + in_text)) ||
	    lseek(in, 0, SEEK_SET) < 0)
		goto out;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		goto out;
	if (!pid)
		run_child(cli_main, argv, (int)n_arg + 1, env,
			  f->buf + cwd, in, out, err);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			goto out;
	snprintf(status, sizeof(status), "%d",
		 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	ret = write_all(1, f->buf + id, strlen(f->buf + id)) ||
	      write_all(1, "\x1f", 1) ||
	      write_all(1, status, strlen(status)) ||
	      write_all(1, "\x1e", 1) ? 1 : 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	free(env_off);
	free(arg_off);
	free(env);
	free(argv);
	return ret;
}

int wft_cli_serve(int (*cli_main)(int argc, char **argv), const char *prog,
		  const char *dir)
{
	struct fields f = { NULL, 0, 0, 0, false };
	long id;
	int ret = 0;

	while (!ret && (id = next_field(&f)) >= 0) {
		ret = serve_one(cli_main, prog, dir, &f, id);
		/* Drop the request just served. */
		memmove(f.buf, f.buf + f.pos, f.len - f.pos);
		f.len -= f.pos;
		f.pos = 0;
	}
	free(f.buf);
	return ret;
}
