// SPDX-License-Identifier: GPL-2.0
/*
 * weft-trace: `ovs-appctl ofproto/trace BRIDGE FLOW` for weft.
 *
 *   ofproto/trace {"bridge": "br0", "flow": "in_port=1,tcp",
 *		    "format": "text"} -> {"text": "...", "trace": {...}}
 *
 * The text is weftd's, printed as it comes (it reads like ovs-vswitchd's:
 * see docs/weft-trace.md); --format json prints the "trace" object.
 * On the OVN chassis' bridge, weftd adds to each rule the Logical_Flow
 * (or SB lookup row) it came from and ends with the chain of logical
 * stages (docs/provenance.md); --no-provenance leaves them out.
 * Options are matched whole ("--time" is not --timeout) and may go
 * anywhere before "--"; "ofproto/trace" may precede BRIDGE, so that an
 * ovs-appctl command line works with its program name replaced.
 * ofproto/trace's PACKET, -generate and its other options are refused by
 * name: weft traces flows, not packets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/daemon.h"
#include "weft/jsonrpc.h"
#include "weft/ofp_flow.h"
#include "trace.h"

#define TRACE_SYNOPSIS	"weft-trace [OPTIONS] [ofproto/trace] BRIDGE FLOW"

struct trace_opt {
	char letter;
	const char *name;	/* long name */
	bool has_arg;
};

static const struct trace_opt trace_opt_table[] = {
	{ 't', "target", true },
	{ 'T', "timeout", true },
	{ 'f', "format", true },
	{ 'j', "json", false },
	{ '\1', "no-provenance", false },	/* long only */
	{ 'h', "help", false },
	{ 'V', "version", false },
};

static void trace_usage(FILE *f)
{
	fprintf(f, "usage: " TRACE_SYNOPSIS "\n"
		"\n"
		"Runs FLOW through BRIDGE's tables as weftd would translate a\n"
		"packet of it, and prints each rule it meets, the final flow,\n"
		"the megaflow and the datapath actions.\n"
		"\n"
		"  FLOW := ovs-ofctl's match syntax, e.g.\n"
		"          in_port=1,tcp,nw_dst=10.0.0.2,tp_dst=80\n"
		"\n"
		"Options:\n"
		"  -t, --target=SOCKET   weftd's socket (default:\n"
		"                        $WEFT_SOCKET, or %s)\n"
		"  -T, --timeout=SECS    give up after SECS (0: never)\n"
		"  -f, --format=FORMAT   text (default) or json; -j is json\n"
		"      --no-provenance   on the OVN chassis' bridge, do not\n"
		"                        name the Logical_Flow behind each\n"
		"                        rule (docs/provenance.md)\n"
		"  -h, --help            this help\n"
		"  -V, --version         print the version\n",
		WFT_DEFAULT_SOCKET);
}

/* The option @word names, and its value (from "=", the word's tail or
 * the next word); NULL when @word is no option of ours. */
static const struct trace_opt *trace_opt_find(char **argv, int *i,
					      const char **val)
{
	const char *word = argv[*i], *eq;
	size_t k, len;

	*val = NULL;
	for (k = 0; k < sizeof(trace_opt_table) / sizeof(*trace_opt_table);
	     k++) {
		const struct trace_opt *o = &trace_opt_table[k];

		if (word[1] == '-' && o->name) {
			eq = strchr(word, '=');
			len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
			if (len != strlen(o->name) ||
			    strncmp(word + 2, o->name, len) ||
			    (eq && !o->has_arg))
				continue;
			*val = eq ? eq + 1 : NULL;
		} else if (word[1] == o->letter && word[1] != '-') {
			if (word[2] && !o->has_arg)
				continue;
			*val = word[2] ? word + 2 : NULL;
		} else {
			continue;
		}
		if (o->has_arg && !*val)
			*val = argv[*i + 1] ? argv[++*i] : NULL;
		return o;
	}
	return NULL;
}

static int trace_set(struct trace_opts *o, char letter, const char *val,
		     char *err, size_t errlen)
{
	char *end;
	long n;

	switch (letter) {
	case 't':
		o->target = val;
		break;
	case 'T':
		errno = 0;
		n = strtol(val, &end, 10);
		if (!*val || *end || errno || n < 0 || n > 86400) {
			snprintf(err, errlen, "bad timeout \"%s\" (whole "
				 "seconds, 0 to 86400)", val);
			return -EINVAL;
		}
		o->timeout_ms = n ? (int)n * 1000 : -1;
		break;
	case 'f':
		if (strcmp(val, "json") && strcmp(val, "text")) {
			snprintf(err, errlen, "unknown output format \"%s\" "
				 "(text or json)", val);
			return -EINVAL;
		}
		o->json = !strcmp(val, "json");
		break;
	case 'j':
		o->json = true;
		break;
	case '\1':
		o->no_provenance = true;
		break;
	case 'h':
		o->help = true;
		break;
	case 'V':
		o->version = true;
		break;
	}
	return 0;
}

/* The words left once options are out: [ofproto/trace] BRIDGE FLOW. */
static int trace_words(struct trace_opts *o, char **words, int n, char *err,
		       size_t errlen)
{
	if (n && !strcmp(words[0], "ofproto/trace")) {
		words++;
		n--;
	}
	if (n < 2) {
		snprintf(err, errlen, "missing %s (usage: %s)",
			 n ? "FLOW" : "BRIDGE", TRACE_SYNOPSIS);
		return -EINVAL;
	}
	if (n > 2) {
		snprintf(err, errlen, "unexpected argument \"%s\": weft-trace "
			 "traces a flow, not a packet", words[2]);
		return -EINVAL;
	}
	o->bridge = words[0];
	o->flow = words[1];
	return 0;
}

int trace_parse_args(int argc, char **argv, struct trace_opts *o, char *err,
		     size_t errlen)
{
	const struct trace_opt *opt;
	char **words = calloc(argc + 1, sizeof(*words));
	const char *val;
	bool dashdash = false;
	int i, n = 0, ret = 0;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = -1;
	for (i = 1; i < argc && !ret; i++) {
		if (dashdash || argv[i][0] != '-' || !argv[i][1]) {
			words[n++] = argv[i];
		} else if (!strcmp(argv[i], "--")) {
			dashdash = true;
		} else if (!(opt = trace_opt_find(argv, &i, &val))) {
			snprintf(err, errlen, "unknown option \"%s\" (try "
				 "--help)", argv[i]);
			ret = -EINVAL;
		} else if (opt->has_arg && !val) {
			snprintf(err, errlen, "option \"%s\" needs a value",
				 argv[i]);
			ret = -EINVAL;
		} else {
			ret = trace_set(o, opt->letter, val, err, errlen);
		}
	}
	if (!ret && !o->help && !o->version)
		ret = trace_words(o, words, n, err, errlen);
	free(words);
	return ret;
}

/* Port names are the bridge's, which only weftd knows: any passes here. */
static int trace_any_port(void *aux, const char *name, size_t len,
			  uint32_t *port)
{
	*port = 1;
	return 0;
}

/* FLOW in ovs-ofctl's match syntax is checked here; a datapath flow
 * ("in_port(1),eth(...)") is left to weftd, and so is a flow naming
 * recirc_id (a pass after ct(table=N), which only ofproto/trace takes). */
static int trace_check_flow(const char *flow, char *err, size_t errlen)
{
	static const struct wft_ofp_port_names any_names = {
		.number = trace_any_port,
	};
	const struct wft_ofp_port_names *old;
	struct wft_flow_wc mask;
	struct wft_flow match;
	int ret;

	if (strchr(flow, '(') || strstr(flow, "recirc_id="))
		return 0;
	old = wft_ofp_port_names_set(&any_names);
	ret = wft_ofp_match_parse(flow, &match, &mask, err, errlen);
	wft_ofp_port_names_set(old);
	return ret;
}

static int trace_print(FILE *out, FILE *errf, const json_t *result,
		       bool json)
{
	const json_t *trace = json_object_get(result, "trace");
	const char *text = json_string_value(json_object_get(result, "text"));
	size_t len;

	if (json ? !trace : !text) {
		fprintf(errf, "weft-trace: weftd's answer has no \"%s\"\n",
			json ? "trace" : "text");
		return 1;
	}
	if (json) {
		json_dumpf(trace, out, JSON_COMPACT | JSON_ENCODE_ANY);
		fputc('\n', out);
	} else {
		len = strlen(text);
		fputs(text, out);
		if (len && text[len - 1] != '\n')
			fputc('\n', out);
	}
	return fflush(out) ? 1 : 0;
}

/* Calls weftd; returns 0 with *@result, or the exit status after saying
 * why (2 for weftd's own errors, as ovs-appctl). */
static int trace_call(FILE *errf, const struct trace_opts *o,
		      json_t *params, json_t **result)
{
	const char *path = o->target ? o->target : getenv("WEFT_SOCKET");
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;
	int ret, status = 0;

	if (!path || !*path)
		path = WFT_DEFAULT_SOCKET;
	wft_jsonrpc_error_init(&e);
	ret = wft_jsonrpc_client_open(path, o->timeout_ms, &c, &e);
	if (ret) {
		fprintf(errf, "weft-trace: cannot connect to weftd at %s: %s "
			"(is weftd running?)\n", path, strerror(-ret));
		json_decref(params);
		wft_jsonrpc_error_clear(&e);
		return 1;
	}
	ret = wft_jsonrpc_call(c, "ofproto/trace", params, o->timeout_ms,
			       result, &e);
	wft_jsonrpc_client_close(c);
	if (ret == -EREMOTEIO && e.code == WFT_RPC_METHOD_NOT_FOUND) {
		fprintf(errf, "weft-trace: weftd at %s does not know "
			"\"ofproto/trace\" (is it older than weft-trace?)\n",
			path);
		status = 2;
	} else if (ret == -EREMOTEIO) {
		fprintf(errf, "weft-trace: %s%s", e.message ? e.message :
			"weftd failed", e.message && *e.message &&
			e.message[strlen(e.message) - 1] == '\n' ? "" : "\n");
		status = 2;
	} else if (ret == -ETIMEDOUT) {
		fprintf(errf, "weft-trace: timed out waiting for weftd at %s\n",
			path);
		status = 1;
	} else if (ret) {
		fprintf(errf, "weft-trace: weftd at %s: %s\n", path,
			e.message ? e.message : strerror(-ret));
		status = 1;
	}
	wft_jsonrpc_error_clear(&e);
	return status;
}

int trace_run(FILE *out, FILE *errf, int argc, char **argv)
{
	struct trace_opts o;
	json_t *params, *result;
	char err[512];
	int status;

	if (trace_parse_args(argc, argv, &o, err, sizeof(err))) {
		fprintf(errf, "weft-trace: %s\n", err);
		return 1;
	}
	if (o.help || o.version) {
		if (o.help)
			trace_usage(out);
		else
			fprintf(out, "weft-trace (weft) 0.1\n");
		return 0;
	}
	if (trace_check_flow(o.flow, err, sizeof(err))) {
		fprintf(errf, "weft-trace: %s\n", err);
		return 1;
	}
	params = json_pack("{s:s, s:s, s:s}", "bridge", o.bridge, "flow",
			   o.flow, "format", o.json ? "json" : "text");
	/* Left out by default: weftd's default is on. */
	if (params && o.no_provenance)
		json_object_set_new(params, "provenance", json_false());
	if (!params) {
		fprintf(errf, "weft-trace: BRIDGE and FLOW must be UTF-8 "
			"text\n");
		return 1;
	}
	status = trace_call(errf, &o, params, &result);
	if (status)
		return status;
	status = trace_print(out, errf, result, o.json);
	json_decref(result);
	return status;
}
