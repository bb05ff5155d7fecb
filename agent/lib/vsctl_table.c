// SPDX-License-Identifier: GPL-2.0
/*
 * Records as `list` and `find` print them: ovs-vsctl's list format
 * ("column  : value" blocks), table, csv and json, with --columns, --bare,
 * --no-headings and --data=json. One code path builds the cells; the
 * formats only lay them out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

#include "vsctl_priv.h"

#define UUID_COLUMN	VSCTL_UUID_COLUMN

struct columns {
	int *cols;		/* column indexes, or UUID_COLUMN */
	size_t n;
};

static const char *col_name(const struct wft_table *t, int col)
{
	return col == UUID_COLUMN ? "_uuid" : t->columns[col].name;
}

static void add_column(struct columns *cs, int col)
{
	cs->cols = wft_xrealloc(cs->cols, (cs->n + 1) * sizeof(*cs->cols));
	cs->cols[cs->n++] = col;
}

static int pick_columns(struct vsctl_ctx *ctx, const struct wft_table *t,
			struct columns *cs)
{
	const char *spec = ctx->cmd->columns ? ctx->cmd->columns
					     : ctx->style->columns;
	char *copy, *name, *save = NULL;
	unsigned int i;
	int col;

	cs->n = 0;
	cs->cols = NULL;
	if (!spec) {
		add_column(cs, UUID_COLUMN);
		for (i = 0; i < t->n_columns; i++)
			add_column(cs, i);
		return 0;
	}
	copy = wft_xstrdup(spec);
	for (name = strtok_r(copy, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		if (vsctl_column_match(ctx, t, name, strlen(name), &col)) {
			free(copy);
			free(cs->cols);
			return -EINVAL;
		}
		add_column(cs, col);
	}
	free(copy);
	return 0;
}

/* One cell as text: OVSDB notation, its JSON form, or bare. */
static void cell(struct vsctl_ctx *ctx, const struct wft_row *row, int col,
		 struct wft_strbuf *out)
{
	const struct wft_vsctl_table_style *st = ctx->style;
	char buf[WFT_UUID_STRLEN + 1];
	json_t *j;
	char *s;

	if (col == UUID_COLUMN) {
		wft_uuid_format(&row->uuid, buf);
		if (st->data_json && !st->bare)
			wft_strbuf_printf(out, "[\"uuid\",\"%s\"]", buf);
		else
			wft_strbuf_puts(out, buf);
		return;
	}
	if (st->bare) {
		wft_datum_format_bare(&row->cols[col], &row->table->columns[col],
				      out);
	} else if (st->data_json) {
		j = wft_datum_to_ovsdb_json(&row->cols[col],
					    &row->table->columns[col]);
		s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		wft_strbuf_puts(out, s ? s : "null");
		free(s);
		json_decref(j);
	} else {
		wft_datum_format(&row->cols[col], &row->table->columns[col],
				 out);
	}
}

static void print_list(struct vsctl_ctx *ctx, const struct wft_table *t,
		       struct wft_row **rows, size_t n,
		       const struct columns *cs)
{
	bool names = !ctx->style->bare && !ctx->style->no_headings;
	size_t r, i;

	for (r = 0; r < n; r++) {
		if (r)
			wft_strbuf_putc(ctx->out, '\n');
		for (i = 0; i < cs->n; i++) {
			if (names)
				wft_strbuf_printf(ctx->out, "%-20s: ",
						  col_name(t, cs->cols[i]));
			cell(ctx, rows[r], cs->cols[i], ctx->out);
			wft_strbuf_putc(ctx->out, '\n');
		}
	}
}

/* Every cell of every row as a string, row-major. */
static char **all_cells(struct vsctl_ctx *ctx, struct wft_row **rows,
			size_t n, const struct columns *cs)
{
	char **cells = wft_xcalloc(n * cs->n + 1, sizeof(*cells));
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	size_t r, i;

	for (r = 0; r < n; r++)
		for (i = 0; i < cs->n; i++) {
			wft_strbuf_reset(&sb);
			cell(ctx, rows[r], cs->cols[i], &sb);
			cells[r * cs->n + i] = wft_xstrdup(wft_strbuf_cstr(&sb));
		}
	wft_strbuf_free(&sb);
	return cells;
}

static void table_row(struct wft_strbuf *out, char *const *texts,
		      const size_t *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		wft_strbuf_puts(out, texts[i]);
		if (i + 1 < n)	/* the last column is not padded */
			wft_strbuf_printf(out, "%*s",
					  (int)(w[i] - strlen(texts[i]) + 1),
					  "");
	}
	wft_strbuf_putc(out, '\n');
}

static void print_table(struct vsctl_ctx *ctx, const struct wft_table *t,
			char **cells, size_t n, const struct columns *cs)
{
	size_t *w = wft_xcalloc(cs->n + 1, sizeof(*w)), r, i, len;
	char **heads = wft_xcalloc(cs->n + 1, sizeof(*heads));
	char **dashes = wft_xcalloc(cs->n + 1, sizeof(*dashes));

	for (i = 0; i < cs->n; i++) {
		heads[i] = (char *)col_name(t, cs->cols[i]);
		w[i] = ctx->style->no_headings ? 0 : strlen(heads[i]);
		for (r = 0; r < n; r++) {
			len = strlen(cells[r * cs->n + i]);
			w[i] = len > w[i] ? len : w[i];
		}
		dashes[i] = wft_xmalloc(w[i] + 1);
		memset(dashes[i], '-', w[i]);
		dashes[i][w[i]] = '\0';
	}
	if (!ctx->style->no_headings) {
		table_row(ctx->out, heads, w, cs->n);
		table_row(ctx->out, dashes, w, cs->n);
	}
	for (r = 0; r < n; r++)
		table_row(ctx->out, cells + r * cs->n, w, cs->n);
	for (i = 0; i < cs->n; i++)
		free(dashes[i]);
	free(dashes);
	free(heads);
	free(w);
}

static void csv_cell(const char *s, struct wft_strbuf *out)
{
	if (!strpbrk(s, ",\"\r\n")) {
		wft_strbuf_puts(out, s);
		return;
	}
	wft_strbuf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			wft_strbuf_putc(out, '"');
		wft_strbuf_putc(out, *s);
	}
	wft_strbuf_putc(out, '"');
}

static void print_csv(struct vsctl_ctx *ctx, const struct wft_table *t,
		      char **cells, size_t n, const struct columns *cs)
{
	size_t r, i;

	if (!ctx->style->no_headings) {
		for (i = 0; i < cs->n; i++)
			wft_strbuf_printf(ctx->out, "%s%s", i ? "," : "",
					  col_name(t, cs->cols[i]));
		wft_strbuf_putc(ctx->out, '\n');
	}
	for (r = 0; r < n; r++) {
		for (i = 0; i < cs->n; i++) {
			if (i)
				wft_strbuf_putc(ctx->out, ',');
			csv_cell(cells[r * cs->n + i], ctx->out);
		}
		wft_strbuf_putc(ctx->out, '\n');
	}
}

static void print_json(struct vsctl_ctx *ctx, const struct wft_table *t,
		       char **cells, size_t n, const struct columns *cs)
{
	json_t *data = json_array(), *heads = json_array(), *row, *top;
	size_t r, i;
	char *s;

	for (i = 0; i < cs->n; i++)
		json_array_append_new(heads,
				      json_string(col_name(t, cs->cols[i])));
	for (r = 0; r < n; r++) {
		row = json_array();
		for (i = 0; i < cs->n; i++) {
			s = cells[r * cs->n + i];
			json_array_append_new(row, ctx->style->data_json ?
				json_loads(s, JSON_DECODE_ANY, NULL) :
				json_string(s));
		}
		json_array_append_new(data, row);
	}
	top = json_pack("{s:o,s:o}", "data", data, "headings", heads);
	s = json_dumps(top, JSON_COMPACT);
	wft_strbuf_printf(ctx->out, "%s\n", s ? s : "");
	free(s);
	json_decref(top);
}

int vsctl_print_records(struct vsctl_ctx *ctx, const struct wft_table *t,
			struct wft_row **rows, size_t n)
{
	enum wft_vsctl_format f = ctx->style->format;
	struct columns cs;
	char **cells;
	size_t i;

	if (pick_columns(ctx, t, &cs))
		return -EINVAL;
	if (f == WFT_VSCTL_FMT_LIST || ctx->style->bare) {
		print_list(ctx, t, rows, n, &cs);
		free(cs.cols);
		return 0;
	}
	cells = all_cells(ctx, rows, n, &cs);
	if (f == WFT_VSCTL_FMT_TABLE)
		print_table(ctx, t, cells, n, &cs);
	else if (f == WFT_VSCTL_FMT_CSV)
		print_csv(ctx, t, cells, n, &cs);
	else
		print_json(ctx, t, cells, n, &cs);
	for (i = 0; i < n * cs.n; i++)
		free(cells[i]);
	free(cells);
	free(cs.cols);
	return 0;
}
