// SPDX-License-Identifier: GPL-2.0
/*
 * ovs-vsctl's generic database commands on weft's tables: get, set, add,
 * remove, clear, list and find. Values are parsed and printed in OVSDB
 * notation (conf_parse.c, conf_datum.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "weft/util.h"

#include "vsctl_priv.h"

#define UUID_COLUMN	VSCTL_UUID_COLUMN

/*
 * Every table of OVS's schema: names are matched as ovs-vsctl matches
 * them (case-insensitively, exactly or by a unique prefix) against this
 * fixed list, so that "open" means Open_vSwitch and "i" stays ambiguous
 * (IPFIX, Interface) as in OVS, whatever weft implements.
 */
static const char *const ovs_tables[] = {
	"AutoAttach", "Bridge", "CT_Timeout_Policy", "CT_Zone", "Controller",
	"Datapath", "Flow_Sample_Collector_Set", "Flow_Table", "IPFIX",
	"Interface", "Manager", "Mirror", "NetFlow", "Open_vSwitch", "Port",
	"QoS", "Queue", "SSL", "sFlow",
};

/* Exact (case-insensitive) match first, else the only prefix match;
 * -1 when none, -2 when several. */
static int match_name(const char *name, size_t len, const char *const *names,
		      size_t n)
{
	int found = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncasecmp(names[i], name, len))
			return i;
	for (i = 0; i < n; i++) {
		if (strncasecmp(names[i], name, len))
			continue;
		if (found >= 0)
			return -2;
		found = i;
	}
	return found;
}

static void list_matches(struct wft_strbuf *err, const char *name, size_t len,
			 const char *const *names, size_t n)
{
	bool first = true;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strncasecmp(names[i], name, len)) {
			wft_strbuf_printf(err, "%s%s", first ? "" : ", ",
					  names[i]);
			first = false;
		}
}

static const struct wft_table *need_table(struct vsctl_ctx *ctx,
					  const char *name)
{
	size_t n = WFT_ARRAY_SIZE(ovs_tables);
	int i = match_name(name, strlen(name), ovs_tables, n);
	const struct wft_table *t;

	if (i == -2) {
		vsctl_fail(ctx, "\"%s\" matches multiple table names: ", name);
		list_matches(ctx->err, name, strlen(name), ovs_tables, n);
		return NULL;
	}
	if (i < 0) {
		vsctl_fail(ctx, "unknown table \"%s\"", name);
		return NULL;
	}
	t = wft_table_find(ovs_tables[i]);
	if (!t)
		vsctl_fail(ctx, "table %s is not supported by weft",
			   ovs_tables[i]);
	return t;
}

int vsctl_column_match(struct vsctl_ctx *ctx, const struct wft_table *t,
		       const char *name, size_t len, int *col)
{
	const char *names[64];
	unsigned int k;
	int i;

	if (len == 5 && !strncmp(name, "_uuid", 5)) {
		*col = VSCTL_UUID_COLUMN;
		return 0;
	}
	for (k = 0; k < t->n_columns; k++)
		names[k] = t->columns[k].name;
	i = match_name(name, len, names, t->n_columns);
	if (i >= 0) {
		*col = i;
		return 0;
	}
	if (i == -2) {
		vsctl_fail(ctx, "%s contains more than one column whose name "
			   "matches \"%.*s\": ", t->name, (int)len, name);
		list_matches(ctx->err, name, len, names, t->n_columns);
	} else {
		vsctl_fail(ctx, "%s does not contain a column whose name "
			   "matches \"%.*s\"", t->name, (int)len, name);
	}
	return -EINVAL;
}

/* The record @name of @t; NULL with an error (or silently with
 * --if-exists, then *@skip is set). */
static struct wft_row *need_row(struct vsctl_ctx *ctx,
				const struct wft_table *t, const char *name,
				bool *skip)
{
	struct wft_row *row = wft_conf_find(ctx->conf, t->id, name);

	*skip = false;
	if (row)
		return row;
	if (vsctl_opt(ctx, WFT_VSCTL_IF_EXISTS))
		*skip = true;
	else
		vsctl_fail(ctx, "no row \"%s\" in table %s", name, t->name);
	return NULL;
}

/* A parsed "COLUMN[:KEY][=VALUE]" argument. */
struct col_arg {
	int col;			/* or UUID_COLUMN */
	bool has_key;
	union wft_atom key;
	const char *value;		/* after '=', or NULL */
};

static void col_arg_uninit(const struct wft_table *t, struct col_arg *a)
{
	if (a->has_key && a->col >= 0)
		wft_atom_destroy(&a->key, t->columns[a->col].key.type);
	a->has_key = false;
}

static int find_column(struct vsctl_ctx *ctx, const struct wft_table *t,
		       const char *name, size_t len, int *col)
{
	return vsctl_column_match(ctx, t, name, len, col);
}

/* @verb: "get", "set" (needs a value) or NULL (find: value optional). */
static int parse_col_arg(struct vsctl_ctx *ctx, const struct wft_table *t,
			 const char *arg, const char *verb, const char *ops,
			 struct col_arg *a)
{
	size_t len = strcspn(arg, ops);
	const char *p = arg + len;

	memset(a, 0, sizeof(*a));
	if (find_column(ctx, t, arg, len, &a->col))
		return -EINVAL;
	if (*p == ':') {
		if (a->col < 0 || !wft_column_is_map(&t->columns[a->col]))
			return vsctl_fail(ctx, "cannot specify key to %s for "
					  "non-map column %s", verb ? verb
					  : "check", a->col < 0 ? "_uuid" :
					  t->columns[a->col].name);
		p++;
		if (!*p || *p == '=')
			return vsctl_fail(ctx, "An empty string is not valid as "
					  "input; use \"\" to represent the "
					  "empty string");
		if (wft_atom_parse_token(&p, ops, &t->columns[a->col].key,
					 &a->key, ctx->err))
			return -EINVAL;
		a->has_key = true;
	}
	if (*p == '=' && p[1]) {
		a->value = p + 1;
	} else if (*p || (verb && !strcmp(verb, "set"))) {
		col_arg_uninit(t, a);
		return vsctl_fail(ctx, "%s: argument does not end in \"=\" "
				  "followed by a value.", arg);
	}
	return 0;
}

static int check_writable(struct vsctl_ctx *ctx, const struct wft_table *t,
			  int col)
{
	if (col >= 0 && !(t->columns[col].flags & WFT_COL_RO))
		return 0;
	return vsctl_fail(ctx, "cannot modify read-only column %s in table %s",
			  col >= 0 ? t->columns[col].name : "_uuid", t->name);
}

int vsctl_set_column(struct vsctl_ctx *ctx, struct wft_row *row,
		     const char *arg)
{
	const struct wft_table *t = row->table;
	const struct wft_column *c;
	struct wft_datum d;
	union wft_atom v;
	struct col_arg a;
	int ret = -EINVAL;

	if (parse_col_arg(ctx, t, arg, "set", ":=", &a))
		return -EINVAL;
	if (check_writable(ctx, t, a.col))
		goto out;
	c = &t->columns[a.col];
	if (!a.has_key) {
		if (wft_datum_parse(a.value, c, 0, &d, ctx->err))
			goto out;
		wft_row_set(row, a.col, &d);
		ret = 0;
		goto out;
	}
	if (wft_atom_parse_whole(a.value, &c->value, &v, ctx->err))
		goto out;
	wft_datum_init(&d);
	wft_datum_append(&d, &a.key, &v, c);
	wft_atom_destroy(&v, c->value.type);
	ret = wft_datum_check(&d, c, ctx->err);
	if (!ret)
		wft_datum_union(&row->cols[a.col], &d, c);
	wft_datum_destroy(&d, c);
out:
	col_arg_uninit(t, &a);
	return ret;
}

static void print_uuid(const struct wft_row *row, struct wft_strbuf *out)
{
	char buf[WFT_UUID_STRLEN + 1];

	wft_uuid_format(&row->uuid, buf);
	wft_strbuf_puts(out, buf);
}

static int get_one(struct vsctl_ctx *ctx, struct wft_row *row,
		   const char *arg)
{
	const struct wft_table *t = row->table;
	const struct wft_column *c;
	struct col_arg a;
	int i;

	if (parse_col_arg(ctx, t, arg, "get", ":", &a))
		return -EINVAL;
	if (a.col == UUID_COLUMN) {
		print_uuid(row, ctx->out);
	} else if (!a.has_key) {
		wft_datum_format(&row->cols[a.col], &t->columns[a.col],
				 ctx->out);
	} else {
		c = &t->columns[a.col];
		i = wft_datum_find(&row->cols[a.col], &a.key, c);
		if (i >= 0) {
			wft_atom_format(&row->cols[a.col].values[i],
					c->value.type, ctx->out);
		} else if (!vsctl_opt(ctx, WFT_VSCTL_IF_EXISTS)) {
			/* Every map of weft's tables has string keys. */
			vsctl_fail(ctx, "no key \"%s\" in %s record \"%s\" "
				   "column %s", a.key.s, t->name,
				   ctx->cmd->argv[1], c->name);
			col_arg_uninit(t, &a);
			return -EINVAL;
		}
	}
	wft_strbuf_putc(ctx->out, '\n');
	col_arg_uninit(t, &a);
	return 0;
}

int cmd_db_get(struct vsctl_ctx *ctx)
{
	const struct wft_table *t = need_table(ctx, ctx->cmd->argv[0]);
	struct wft_row *row;
	bool skip;
	int i;

	if (!t)
		return -EINVAL;
	row = need_row(ctx, t, ctx->cmd->argv[1], &skip);
	if (!row)
		return skip ? 0 : -EINVAL;
	for (i = 2; i < ctx->cmd->argc; i++)
		if (get_one(ctx, row, ctx->cmd->argv[i]))
			return -EINVAL;
	return 0;
}

int cmd_db_set(struct vsctl_ctx *ctx)
{
	const struct wft_table *t = need_table(ctx, ctx->cmd->argv[0]);
	struct wft_row *row;
	bool skip;
	int i;

	if (!t)
		return -EINVAL;
	row = need_row(ctx, t, ctx->cmd->argv[1], &skip);
	if (!row)
		return skip ? 0 : -EINVAL;
	for (i = 2; i < ctx->cmd->argc; i++)
		if (vsctl_set_column(ctx, row, ctx->cmd->argv[i]))
			return -EINVAL;
	return 0;
}

/* add/remove: the row and the column of "TABLE RECORD COLUMN". Returns
 * 0, 1 when --if-exists skips a missing record, or -EINVAL. */
static int mutation_target(struct vsctl_ctx *ctx, struct wft_row **row,
			   int *col)
{
	const struct wft_table *t = need_table(ctx, ctx->cmd->argv[0]);
	const char *name = ctx->cmd->argv[2];
	bool skip;

	if (!t)
		return -EINVAL;
	*row = need_row(ctx, t, ctx->cmd->argv[1], &skip);
	if (!*row)
		return skip ? 1 : -EINVAL;
	if (find_column(ctx, t, name, strlen(name), col) ||
	    check_writable(ctx, t, *col))
		return -EINVAL;
	return 0;
}

static int count_error(struct vsctl_ctx *ctx, const char *op,
		       const struct wft_row *row, const struct wft_column *c,
		       const struct wft_datum *d)
{
	if (d->n > c->n_max)
		return vsctl_fail(ctx, "\"%s\" operation would put %u values "
				  "in column %s of table %s but the maximum "
				  "number is %u", op, d->n, c->name,
				  row->table->name, c->n_max);
	if (d->n < c->n_min)
		return vsctl_fail(ctx, "\"%s\" operation would put %u values "
				  "in column %s of table %s but the minimum "
				  "number is %u", op, d->n, c->name,
				  row->table->name, c->n_min);
	return 0;
}

int cmd_db_add(struct vsctl_ctx *ctx)
{
	const struct wft_column *c;
	struct wft_datum d, add;
	struct wft_row *row;
	int col, i, ret;

	ret = mutation_target(ctx, &row, &col);
	if (ret)
		return ret < 0 ? ret : 0;
	c = &row->table->columns[col];
	wft_datum_clone(&d, &row->cols[col], c);
	for (i = 3; i < ctx->cmd->argc; i++) {
		if (wft_datum_parse(ctx->cmd->argv[i], c, UINT_MAX, &add,
				    ctx->err)) {
			wft_datum_destroy(&d, c);
			return -EINVAL;
		}
		wft_datum_union(&d, &add, c);
		wft_datum_destroy(&add, c);
	}
	ret = count_error(ctx, "add", row, c, &d);
	if (!ret)
		wft_row_set(row, col, &d);
	wft_datum_destroy(&d, c);
	return ret;
}

/* One "remove" argument: for maps KEY=VALUE pairs, else bare KEYs. */
static int remove_arg(struct vsctl_ctx *ctx, const struct wft_column *c,
		      const char *arg, struct wft_datum *d)
{
	struct wft_column keys = *c;
	struct wft_datum del;
	size_t mark = ctx->err->len;

	if (!wft_datum_parse(arg, c, UINT_MAX, &del, ctx->err)) {
		wft_datum_subtract(d, &del, false, c);
		wft_datum_destroy(&del, c);
		return 0;
	}
	if (!wft_column_is_map(c))
		return -EINVAL;
	wft_strbuf_truncate(ctx->err, mark);
	if (wft_datum_parse_keys(arg, c, &del, ctx->err))
		return -EINVAL;
	wft_datum_subtract(d, &del, true, c);
	keys.value.type = WFT_AT_VOID;	/* @del is a set of keys */
	wft_datum_destroy(&del, &keys);
	return 0;
}

int cmd_db_remove(struct vsctl_ctx *ctx)
{
	const struct wft_column *c;
	struct wft_row *row;
	struct wft_datum d;
	int col, i, ret;

	ret = mutation_target(ctx, &row, &col);
	if (ret)
		return ret < 0 ? ret : 0;
	c = &row->table->columns[col];
	wft_datum_clone(&d, &row->cols[col], c);
	for (i = 3; i < ctx->cmd->argc; i++)
		if (remove_arg(ctx, c, ctx->cmd->argv[i], &d)) {
			wft_datum_destroy(&d, c);
			return -EINVAL;
		}
	ret = count_error(ctx, "remove", row, c, &d);
	if (!ret)
		wft_row_set(row, col, &d);
	wft_datum_destroy(&d, c);
	return ret;
}

int cmd_db_clear(struct vsctl_ctx *ctx)
{
	const struct wft_table *t = need_table(ctx, ctx->cmd->argv[0]);
	const char *name;
	struct wft_row *row;
	struct wft_datum d;
	bool skip;
	int i, col;

	if (!t)
		return -EINVAL;
	row = need_row(ctx, t, ctx->cmd->argv[1], &skip);
	if (!row)
		return skip ? 0 : -EINVAL;
	for (i = 2; i < ctx->cmd->argc; i++) {
		name = ctx->cmd->argv[i];
		if (find_column(ctx, t, name, strlen(name), &col) ||
		    check_writable(ctx, t, col))
			return -EINVAL;
		if (t->columns[col].n_min)
			return vsctl_fail(ctx, "\"clear\" operation cannot be "
					  "applied to column %s of table %s, "
					  "which is not allowed to be empty",
					  name, t->name);
		wft_datum_init(&d);
		wft_row_set(row, col, &d);
	}
	return 0;
}

int cmd_db_list(struct vsctl_ctx *ctx)
{
	const struct wft_table *t = need_table(ctx, ctx->cmd->argv[0]);
	struct wft_row **rows, *row;
	size_t n = 0;
	bool skip;
	int i, ret;

	if (!t)
		return -EINVAL;
	if (ctx->cmd->argc == 1) {
		rows = wft_conf_sorted(ctx->conf, t->id, &n);
	} else {
		rows = wft_xmalloc(ctx->cmd->argc * sizeof(*rows));
		for (i = 1; i < ctx->cmd->argc; i++) {
			row = need_row(ctx, t, ctx->cmd->argv[i], &skip);
			if (!row && !skip) {
				free(rows);
				return -EINVAL;
			}
			if (row)
				rows[n++] = row;
		}
	}
	ret = vsctl_print_records(ctx, t, rows, n);
	free(rows);
	return ret;
}

/* One find condition: "COLUMN[:KEY]=VALUE" or "...!=VALUE". */
struct cond {
	struct col_arg a;
	bool negate;
	struct wft_datum value;		/* without a key */
	union wft_atom atom;		/* with a key */
};

static int parse_cond(struct vsctl_ctx *ctx, const struct wft_table *t,
		      const char *arg, struct cond *cd)
{
	size_t len = strcspn(arg, ":=!<>{");
	const struct wft_column *c;
	const char *p = arg + len, *v;

	memset(cd, 0, sizeof(*cd));
	if (find_column(ctx, t, arg, len, &cd->a.col))
		return -EINVAL;
	if (*p == ':' && cd->a.col >= 0 &&
	    wft_column_is_map(&t->columns[cd->a.col])) {
		p++;
		if (wft_atom_parse_token(&p, "=!<>{", &t->columns[cd->a.col].key,
					 &cd->a.key, ctx->err))
			return -EINVAL;
		cd->a.has_key = true;
	}
	cd->negate = !strncmp(p, "!=", 2);
	v = p + (cd->negate ? 2 : 1);
	if (*p != '=' && !cd->negate)
		return vsctl_fail(ctx, "%s: only the = and != conditions are "
				  "supported by weft", arg);
	if (cd->a.col == UUID_COLUMN) {
		if (!wft_uuid_parse(v, &cd->atom.u))
			return vsctl_fail(ctx, "\"%s\" is not a valid UUID", v);
		return 0;
	}
	c = &t->columns[cd->a.col];
	if (cd->a.has_key)
		return wft_atom_parse_whole(v, &c->value, &cd->atom, ctx->err);
	return wft_datum_parse(v, c, UINT_MAX, &cd->value, ctx->err);
}

static void cond_uninit(const struct wft_table *t, struct cond *cd)
{
	if (cd->a.col >= 0) {
		if (cd->a.has_key)
			wft_atom_destroy(&cd->atom, t->columns[cd->a.col].value.type);
		wft_datum_destroy(&cd->value, &t->columns[cd->a.col]);
	}
	col_arg_uninit(t, &cd->a);
}

static bool cond_match(const struct wft_row *row, const struct cond *cd)
{
	const struct wft_column *c;
	bool eq;
	int i;

	if (cd->a.col == UUID_COLUMN) {
		eq = !wft_uuid_cmp(&row->uuid, &cd->atom.u);
	} else if (cd->a.has_key) {
		c = &row->table->columns[cd->a.col];
		i = wft_datum_find(&row->cols[cd->a.col], &cd->a.key, c);
		eq = i >= 0 && !wft_atom_cmp(&row->cols[cd->a.col].values[i],
					     &cd->atom, c->value.type);
	} else {
		eq = wft_datum_equal(&row->cols[cd->a.col], &cd->value,
				     &row->table->columns[cd->a.col]);
	}
	return eq != cd->negate;
}

int cmd_db_find(struct vsctl_ctx *ctx)
{
	const struct wft_table *t = need_table(ctx, ctx->cmd->argv[0]);
	int n_conds = ctx->cmd->argc - 1, i, ret = -EINVAL;
	struct wft_row **rows;
	struct cond *conds;
	size_t n, k, m = 0;

	if (!t)
		return -EINVAL;
	conds = wft_xcalloc(n_conds + 1, sizeof(*conds));
	for (i = 0; i < n_conds; i++)
		if (parse_cond(ctx, t, ctx->cmd->argv[i + 1], &conds[i]))
			goto out;
	rows = wft_conf_sorted(ctx->conf, t->id, &n);
	for (k = 0; k < n; k++) {
		for (i = 0; i < n_conds && cond_match(rows[k], &conds[i]); i++)
			;
		if (i == n_conds)
			rows[m++] = rows[k];
	}
	ret = vsctl_print_records(ctx, t, rows, m);
	free(rows);
out:
	for (i = 0; i < n_conds; i++)
		cond_uninit(t, &conds[i]);
	free(conds);
	return ret;
}
