// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output for weft-dpctl (see print.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include <jansson.h>

#include "print.h"

#define PR_DEPTH	16

struct pr {
	FILE *out;
	bool json;
	json_t *root;
	json_t *stack[PR_DEPTH];
	int depth;		/* containers open; stack[depth - 1] is on top */
	int overflow;		/* containers opened beyond PR_DEPTH */
};

struct pr *pr_new(FILE *out, bool json)
{
	struct pr *p = calloc(1, sizeof(*p));

	if (p) {
		p->out = out;
		p->json = json;
	}
	return p;
}

void pr_free(struct pr *p)
{
	if (!p)
		return;
	json_decref(p->root);
	free(p);
}

bool pr_is_json(const struct pr *p)
{
	return p->json;
}

int pr_finish(struct pr *p)
{
	if (!p->json) {
		fflush(p->out);
		return ferror(p->out) ? -EIO : 0;
	}
	if (p->root) {
		if (json_dumpf(p->root, p->out, JSON_PRESERVE_ORDER))
			return -EIO;
		fputc('\n', p->out);
	}
	fflush(p->out);
	return ferror(p->out) ? -EIO : 0;
}

/* Adds @v (a new reference) under @key to the open container. */
static void add(struct pr *p, const char *key, json_t *v)
{
	json_t *top;

	if (!v)
		return;
	if (!p->depth || p->overflow) {
		if (!p->root && !p->depth) {
			p->root = v;
			return;
		}
		json_decref(v);
		return;
	}
	top = p->stack[p->depth - 1];
	if (json_is_array(top))
		json_array_append_new(top, v);
	else if (key)
		json_object_set_new(top, key, v);
	else
		json_decref(v);
}

static void open_container(struct pr *p, const char *key, json_t *c)
{
	if (!p->json)
		return;
	if (!c || p->depth == PR_DEPTH) {
		json_decref(c);
		p->overflow++;
		return;
	}
	json_incref(c);
	add(p, key, c);
	p->stack[p->depth++] = c;
	json_decref(c);
}

static void close_container(struct pr *p)
{
	if (!p->json)
		return;
	if (p->overflow)
		p->overflow--;
	else if (p->depth)
		p->depth--;
}

void pr_obj_open(struct pr *p, const char *key)
{
	open_container(p, key, p->json ? json_object() : NULL);
}

void pr_obj_close(struct pr *p)
{
	close_container(p);
}

void pr_arr_open(struct pr *p, const char *key)
{
	open_container(p, key, p->json ? json_array() : NULL);
}

void pr_arr_close(struct pr *p)
{
	close_container(p);
}

void pr_u64_(struct pr *p, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (p->json)
		add(p, key, json_integer((json_int_t)va_arg(ap, uint64_t)));
	else
		vfprintf(p->out, fmt, ap);
	va_end(ap);
}

void pr_str_(struct pr *p, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (p->json)
		add(p, key, json_string(va_arg(ap, const char *)));
	else
		vfprintf(p->out, fmt, ap);
	va_end(ap);
}

void pr_double_(struct pr *p, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (p->json)
		add(p, key, json_real(va_arg(ap, double)));
	else
		vfprintf(p->out, fmt, ap);
	va_end(ap);
}

void pr_null(struct pr *p, const char *key, const char *text)
{
	if (p->json)
		add(p, key, json_null());
	else
		fputs(text, p->out);
}

void pr_text(struct pr *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}

void pr_json_u64(struct pr *p, const char *key, uint64_t v)
{
	if (p->json)
		add(p, key, json_integer((json_int_t)v));
}

void pr_json_str(struct pr *p, const char *key, const char *s)
{
	if (p->json)
		add(p, key, json_string(s));
}

void pr_json_bool(struct pr *p, const char *key, bool v)
{
	if (p->json)
		add(p, key, json_boolean(v));
}

void pr_json_value(struct pr *p, const char *key, json_t *v)
{
	if (p->json)
		add(p, key, v);
	else
		json_decref(v);
}
