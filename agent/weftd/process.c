// SPDX-License-Identifier: GPL-2.0
/* weftd as a process: --detach, --pidfile, sd_notify (see process.h). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"

static int ready_fd = -1;	/* the detaching parent waits on this */
static int pidfile_fd = -1;	/* held open: its lock says we run */

int process_detach(struct wft_strbuf *err)
{
	int fds[2], status;
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC)) {
		wft_strbuf_printf(err, "pipe: %s", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		wft_strbuf_printf(err, "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid > 0) {
		/* The parent exits once the child is ready, or dead. */
		close(fds[1]);
		if (read(fds[0], &c, 1) == 1)
			_exit(0);
		waitpid(pid, &status, 0);
		_exit(1);
	}
	close(fds[0]);
	ready_fd = fds[1];
	setsid();
	if (chdir("/")) {
		/* Only keeps us from pinning a mount: not worth failing. */
	}
	return 0;
}

/* One datagram to $NOTIFY_SOCKET, if systemd gave us one. */
static void notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	strcpy(sun.sun_path, path);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';		/* abstract namespace */
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
		   (struct sockaddr *)&sun, len) < 0) {
		/* systemd is gone or never listened: nothing to do. */
	}
	close(fd);
}

static void null_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

void process_ready(void)
{
	char c = 1;

	notify("READY=1");
	if (ready_fd < 0)
		return;
	null_stdio();
	if (write(ready_fd, &c, 1) != 1) {
		/* The parent died: we carry on detached anyway. */
	}
	close(ready_fd);
	ready_fd = -1;
}

void process_stopping(void)
{
	notify("STOPPING=1");
}

int process_pidfile_create(const char *path, struct wft_strbuf *err)
{
	struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char buf[32], *dir = strdup(path), *slash;
	int fd, n;

	/* /run/weft may not exist yet: create it as the socket would. */
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	free(dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		wft_strbuf_printf(err, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fcntl(fd, F_SETLK, &lock)) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		wft_strbuf_printf(err, "%s: locked by process %s (is weftd "
				  "already running?)", path, buf);
		close(fd);
		return -EBUSY;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || write(fd, buf, n) != n) {
		wft_strbuf_printf(err, "%s: %s", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	pidfile_fd = fd;
	return 0;
}

void process_pidfile_remove(const char *path)
{
	if (pidfile_fd < 0)
		return;
	unlink(path);
	close(pidfile_fd);
	pidfile_fd = -1;
}
