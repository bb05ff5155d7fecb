/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OpenFlow groups in the ovs-ofctl syntax: parsing "group_id=1,type=select,
 * bucket=actions=output:1,bucket=weight:20,actions=output:2" into a struct
 * wft_group, and printing one back as `ovs-ofctl dump-groups` (no -O)
 * prints it: "group_id=1,type=select,bucket=bucket_id:0,actions=output:1,
 * bucket=bucket_id:1,weight:20,actions=output:2".
 *
 * Types: all (every bucket runs, on its own copy of the packet), select
 * (one bucket, chosen by a hash of the packet's 5-tuple, in proportion to
 * the weights) and indirect (its one bucket). Buckets run like clone(): what
 * they change stays in them. Where groups live and how they run: pipeline.h
 * (wft_pipeline_group_mod) and xlate (group:N).
 *
 * Not supported (an error names them): fast_failover, watch_port and
 * watch_group, insert_bucket/remove_bucket. selection_method=hash with
 * fields(...) hashes those fields; any other method the 5-tuple.
 */
#ifndef WEFT_GROUP_H
#define WEFT_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/ofpact.h"
#include "weft/strbuf.h"

#define WFT_GROUP_MAX		0xffffff00u	/* OFPG_MAX */
#define WFT_GROUP_ALL		0xfffffffcu	/* del-groups: all */
#define WFT_GROUP_MAX_BUCKETS	1024

enum wft_group_type {
	WFT_GROUP_TYPE_ALL,
	WFT_GROUP_TYPE_SELECT,
	WFT_GROUP_TYPE_INDIRECT,
};

struct wft_bucket {
	uint32_t bucket_id;
	uint16_t weight;		/* select only; default 1 */
	struct wft_ofpacts actions;
};

struct wft_group {
	uint32_t group_id;		/* or WFT_GROUP_ALL (delete) */
	enum wft_group_type type;
	char *selection_method;		/* NULL, or as given ("hash") */
	char *fields;			/* NULL, or fields(...)'s text */
	struct wft_bucket *buckets;
	size_t n_buckets;
};

/* What a group string is for (ovs-ofctl add-group, mod-group,
 * del-groups): delete takes group_id alone (or none: every group). */
enum wft_group_command {
	WFT_GROUP_ADD,
	WFT_GROUP_MODIFY,
	WFT_GROUP_DELETE,
};

void wft_group_init(struct wft_group *g);
void wft_group_uninit(struct wft_group *g);
void wft_group_clone(struct wft_group *dst, const struct wft_group *src);

/* Parses @s for @cmd into @g (initialized here; uninit it even on
 * failure). Returns 0 or -EINVAL with the reason in @err. */
int wft_group_parse(const char *s, enum wft_group_command cmd,
		    struct wft_group *g, char *err, size_t errlen);

/* @g as one line of ovs-ofctl dump-groups, without the leading space. */
void wft_group_format(const struct wft_group *g, struct wft_strbuf *sb);

#endif /* WEFT_GROUP_H */
