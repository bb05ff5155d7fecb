/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading tests/unit/data/lflow_corpus.txt (what ovn-northd 23.03 emitted,
 * see data/gen-lflow-corpus.sh): the lines starting with a prefix
 * ("match: " or "actions: "), the prefix cut off.
 */
#ifndef WEFT_TESTS_LFLOW_CORPUS_H
#define WEFT_TESTS_LFLOW_CORPUS_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct corpus {
	char **line;
	size_t n;
};

static void corpus_read(const char *prefix, struct corpus *c)
{
	const char *dir = getenv("WEFT_TEST_DATA");
	const char *slash = strrchr(__FILE__, '/');
	char path[4096], *buf = NULL;
	size_t cap = 0, plen = strlen(prefix);
	FILE *f;

	if (dir)
		snprintf(path, sizeof(path), "%s/lflow_corpus.txt", dir);
	else
		snprintf(path, sizeof(path), "%.*s/data/lflow_corpus.txt",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".");
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s", path);
	memset(c, 0, sizeof(*c));
	while (getline(&buf, &cap, f) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (strncmp(buf, prefix, plen))
			continue;
		c->line = realloc(c->line, (c->n + 1) * sizeof(*c->line));
		c->line[c->n++] = strdup(buf + plen);
	}
	free(buf);
	fclose(f);
}

static void corpus_free(struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->line[i]);
	free(c->line);
}

#endif /* WEFT_TESTS_LFLOW_CORPUS_H */
