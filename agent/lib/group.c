// SPDX-License-Identifier: GPL-2.0
/*
 * Groups in the ovs-ofctl syntax (include/weft/group.h).
 *
 * A group string is its properties, then each ",bucket=" at the top
 * level (outside parentheses) starts a bucket: bucket_id, weight and then
 * "actions=..." or the actions bare, to the next bucket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/group.h"
#include "weft/util.h"
#include "ofp_private.h"

void wft_group_init(struct wft_group *g)
{
	memset(g, 0, sizeof(*g));
}

void wft_group_uninit(struct wft_group *g)
{
	size_t i;

	for (i = 0; i < g->n_buckets; i++)
		wft_ofpacts_uninit(&g->buckets[i].actions);
	free(g->buckets);
	free(g->selection_method);
	free(g->fields);
	wft_group_init(g);
}

void wft_group_clone(struct wft_group *dst, const struct wft_group *src)
{
	size_t i;

	*dst = *src;
	dst->selection_method = src->selection_method ?
				wft_xstrdup(src->selection_method) : NULL;
	dst->fields = src->fields ? wft_xstrdup(src->fields) : NULL;
	dst->buckets = src->n_buckets ?
		       wft_xcalloc(src->n_buckets, sizeof(*dst->buckets)) :
		       NULL;
	for (i = 0; i < src->n_buckets; i++) {
		dst->buckets[i] = src->buckets[i];
		wft_ofpacts_clone(&dst->buckets[i].actions,
				  &src->buckets[i].actions);
	}
}

/* Where the next top-level "bucket=" (at the start or after a comma)
 * begins in @s, or NULL. */
static const char *next_bucket(const char *s, const char *start)
{
	int depth = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (!depth && (p == start || p[-1] == ',') &&
			 !strncmp(p, "bucket=", 7))
			return p;
	}
	return NULL;
}

static bool token_is(const struct ofp_token *t, const char *name)
{
	return t->key_len == strlen(name) && !strncmp(t->key, name, t->key_len);
}

static char *dup_value(const struct ofp_token *t)
{
	char *v = wft_xmemdup(t->value, t->value_len + 1);

	v[t->value_len] = '\0';
	return v;
}

static int parse_u32(const struct ofp_token *t, uint64_t max, uint64_t *v,
		     char *err, size_t errlen)
{
	if (!t->value_len || ofp_parse_uint(t->value, t->value_len, max, v))
		return ofp_err(err, errlen, "%.*s: \"%.*s\" is not a number "
			       "from 0 to %llu", (int)t->key_len, t->key,
			       (int)t->value_len, t->value,
			       (unsigned long long)max);
	return 0;
}

/* The properties before the first bucket. */
static int parse_props(const char *s, size_t len, enum wft_group_command cmd,
		       struct wft_group *g, bool *has_id, bool *has_type,
		       char *err, size_t errlen)
{
	char *text = wft_xmemdup(s, len + 1);
	const char *p = text;
	struct ofp_token t;
	uint64_t v;
	int ret;

	text[len] = '\0';
	while ((ret = ofp_next_token(&p, &t, err, errlen)) > 0) {
		if (token_is(&t, "group_id")) {
			if (t.value_len == 3 && !strncmp(t.value, "all", 3)) {
				v = WFT_GROUP_ALL;
			} else if (parse_u32(&t, WFT_GROUP_MAX, &v, err,
					     errlen)) {
				ret = -EINVAL;
				break;
			}
			g->group_id = (uint32_t)v;
			*has_id = true;
		} else if (cmd == WFT_GROUP_DELETE) {
			ret = ofp_err(err, errlen, "%.*s: del-groups takes "
				      "group_id only", (int)t.key_len, t.key);
			break;
		} else if (token_is(&t, "type")) {
			*has_type = true;
			if (t.value_len == 3 && !strncmp(t.value, "all", 3))
				g->type = WFT_GROUP_TYPE_ALL;
			else if (t.value_len == 6 &&
				 !strncmp(t.value, "select", 6))
				g->type = WFT_GROUP_TYPE_SELECT;
			else if (t.value_len == 8 &&
				 !strncmp(t.value, "indirect", 8))
				g->type = WFT_GROUP_TYPE_INDIRECT;
			else {
				ret = ofp_err(err, errlen, "type=%.*s: not "
					      "supported by weft (all, select "
					      "or indirect)",
					      (int)t.value_len, t.value);
				break;
			}
		} else if (token_is(&t, "selection_method")) {
			free(g->selection_method);
			g->selection_method = dup_value(&t);
		} else if (token_is(&t, "fields")) {
			free(g->fields);
			g->fields = dup_value(&t);
		} else {
			ret = ofp_err(err, errlen, "%.*s: unknown or "
				      "unsupported group keyword",
				      (int)t.key_len, t.key);
			break;
		}
	}
	free(text);
	return ret < 0 ? -EINVAL : 0;
}

/* One bucket's text (after "bucket="). */
static int parse_bucket(const char *s, size_t len, struct wft_group *g,
			char *err, size_t errlen)
{
	struct wft_bucket *b = &g->buckets[g->n_buckets];
	char *text = wft_xmemdup(s, len + 1);
	const char *p = text, *acts = NULL, *before;
	struct ofp_token t;
	bool has_id = false;
	uint64_t v;
	int ret = 0;

	text[len] = '\0';
	memset(b, 0, sizeof(*b));
	wft_ofpacts_init(&b->actions);
	b->weight = g->type == WFT_GROUP_TYPE_SELECT ? 1 : 0;
	for (;;) {
		before = p;
		ret = ofp_next_token(&p, &t, err, errlen);
		if (ret <= 0)
			break;
		if (token_is(&t, "bucket_id")) {
			if (parse_u32(&t, 0xffffff00u, &v, err, errlen))
				goto fail;
			b->bucket_id = (uint32_t)v;
			has_id = true;
		} else if (token_is(&t, "weight")) {
			if (parse_u32(&t, UINT16_MAX, &v, err, errlen))
				goto fail;
			b->weight = (uint16_t)v;
		} else if (token_is(&t, "watch_port") ||
			   token_is(&t, "watch_group")) {
			ret = ofp_err(err, errlen, "%.*s: not supported by "
				      "weft", (int)t.key_len, t.key);
			goto fail;
		} else if (token_is(&t, "actions")) {
			acts = t.value;
			break;
		} else {
			acts = before;	/* bare actions */
			while (*acts == ',' || *acts == ' ')
				acts++;
			break;
		}
	}
	if (ret < 0)
		goto fail;
	if (!has_id)
		b->bucket_id = (uint32_t)g->n_buckets;
	ret = wft_ofp_actions_parse_any(acts ? acts : "", &b->actions, err,
					errlen);
	if (ret) {
		wft_ofpacts_uninit(&b->actions);
		goto fail;
	}
	g->n_buckets++;
	free(text);
	return 0;
fail:
	free(text);
	return -EINVAL;
}

int wft_group_parse(const char *s, enum wft_group_command cmd,
		    struct wft_group *g, char *err, size_t errlen)
{
	const char *b = next_bucket(s, s), *next;
	bool has_id = false, has_type = false;
	size_t i, j;
	int ret;

	wft_group_init(g);
	ret = parse_props(s, b ? (size_t)(b - s) : strlen(s), cmd, g, &has_id,
			  &has_type, err, errlen);
	if (ret)
		return ret;
	if (cmd == WFT_GROUP_DELETE) {
		if (!has_id)
			g->group_id = WFT_GROUP_ALL;
		return 0;
	}
	if (!has_id || g->group_id == WFT_GROUP_ALL)
		return ofp_err(err, errlen, "must specify a group_id");
	if (!has_type)
		return ofp_err(err, errlen, "must specify a type");
	while (b) {
		b += 7;
		next = next_bucket(b, NULL);
		if (g->n_buckets == WFT_GROUP_MAX_BUCKETS)
			return ofp_err(err, errlen, "more than %d buckets",
				       WFT_GROUP_MAX_BUCKETS);
		g->buckets = wft_xrealloc(g->buckets, (g->n_buckets + 1) *
					  sizeof(*g->buckets));
		ret = parse_bucket(b, next ? (size_t)(next - b - 1) :
				   strlen(b), g, err, errlen);
		if (ret)
			return ret;
		b = next;
	}
	if (g->type == WFT_GROUP_TYPE_INDIRECT && g->n_buckets != 1)
		return ofp_err(err, errlen, "indirect groups must have exactly "
			       "one bucket");
	for (i = 0; i < g->n_buckets; i++)
		for (j = i + 1; j < g->n_buckets; j++)
			if (g->buckets[i].bucket_id == g->buckets[j].bucket_id)
				return ofp_err(err, errlen,
					       "duplicate bucket id %u",
					       g->buckets[i].bucket_id);
	return 0;
}

static const char *type_name(enum wft_group_type t)
{
	switch (t) {
	case WFT_GROUP_TYPE_ALL: return "all";
	case WFT_GROUP_TYPE_SELECT: return "select";
	case WFT_GROUP_TYPE_INDIRECT: return "indirect";
	}
	return "?";
}

void wft_group_format(const struct wft_group *g, struct wft_strbuf *sb)
{
	struct wft_flow_wc mask;
	struct wft_flow match;
	size_t i;

	memset(&match, 0, sizeof(match));
	wft_flow_wc_init_catchall(&mask);
	wft_strbuf_printf(sb, "group_id=%u,type=%s", g->group_id,
			  type_name(g->type));
	if (g->selection_method)
		wft_strbuf_printf(sb, ",selection_method=%s",
				  g->selection_method);
	if (g->fields)
		wft_strbuf_printf(sb, ",fields(%s)", g->fields);
	for (i = 0; i < g->n_buckets; i++) {
		const struct wft_bucket *b = &g->buckets[i];

		wft_strbuf_printf(sb, ",bucket=bucket_id:%u,", b->bucket_id);
		if (g->type == WFT_GROUP_TYPE_SELECT && b->weight != 1)
			wft_strbuf_printf(sb, "weight:%u,", b->weight);
		wft_strbuf_puts(sb, "actions=");
		wft_ofp_actions_format(&b->actions, &match, &mask, sb);
	}
}
