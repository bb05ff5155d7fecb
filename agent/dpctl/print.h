/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print path for text and JSON, in the manner of iproute2's print_*():
 * every value is printed with both a JSON key and a text format, and the
 * printer emits whichever the user asked for. In text mode the format is
 * printed at once; in JSON mode the values build a document (jansson) that
 * pr_finish() writes. Keys are snake_case.
 *
 * The value macros cast their argument so that the format attribute checks
 * the text format against the type JSON mode reads back.
 */
#ifndef WEFT_DPCTL_PRINT_H
#define WEFT_DPCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pr;

struct pr *pr_new(FILE *out, bool json);
/* JSON mode: writes the document and a newline. Returns 0 or -EIO. */
int pr_finish(struct pr *p);
void pr_free(struct pr *p);
bool pr_is_json(const struct pr *p);

/* Containers; @key is NULL inside arrays (and for the root). */
void pr_obj_open(struct pr *p, const char *key);
void pr_obj_close(struct pr *p);
void pr_arr_open(struct pr *p, const char *key);
void pr_arr_close(struct pr *p);

void pr_u64_(struct pr *p, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pr_str_(struct pr *p, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pr_double_(struct pr *p, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define pr_u64(p, key, fmt, v)	  pr_u64_(p, key, fmt, (uint64_t)(v))
#define pr_str(p, key, fmt, s)	  pr_str_(p, key, fmt, (const char *)(s))
#define pr_double(p, key, fmt, v) pr_double_(p, key, fmt, (double)(v))

/* JSON null for @key; @text in text mode. */
void pr_null(struct pr *p, const char *key, const char *text);
/* Text mode only. */
void pr_text(struct pr *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* JSON mode only. */
void pr_json_u64(struct pr *p, const char *key, uint64_t v);
void pr_json_str(struct pr *p, const char *key, const char *s);
void pr_json_bool(struct pr *p, const char *key, bool v);
/* A JSON value built elsewhere (taken over; dropped in text mode). */
struct json_t;
void pr_json_value(struct pr *p, const char *key, struct json_t *v);

#endif /* WEFT_DPCTL_PRINT_H */
