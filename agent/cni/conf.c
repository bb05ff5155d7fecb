// SPDX-License-Identifier: GPL-2.0
/*
 * The network configuration: the spec's keys (cniVersion, name, type,
 * ipam, prevResult, runtimeConfig, cni.dev/valid-attachments) and weft's
 * (bridge, vlan, trunk, mtu, mac, ovn, ovnPort, ovnTimeout, ovnSubnets,
 * socket).
 * Every mistake is named; nothing is silently ignored except keys that
 * belong to other plugins of a chain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "weft/cni_link.h"
#include "weft/daemon.h"

char *cni_arg(const char *args, const char *key)
{
	size_t klen = strlen(key);
	const char *p = args, *end;

	while (p && *p) {
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > klen && !strncmp(p, key, klen) &&
		    p[klen] == '=')
			return strndup(p + klen + 1, end - p - klen - 1);
		p = *end ? end + 1 : end;
	}
	return NULL;
}

void cni_host_name(const char *containerid, const char *ifname,
		   char name[16])
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a, 64 bits */
	const char *s;

	for (s = containerid; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	h = (h ^ 0) * 0x100000001b3ull;
	for (s = ifname; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	snprintf(name, 16, "weft%011llx",
		 (unsigned long long)(h & 0xfffffffffffull));
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char extra;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &extra) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	/* A unicast address: a multicast source would be dropped. */
	return mac[0] & 1 ? -EINVAL : 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return *(const uint16_t *)a - *(const uint16_t *)b;
}

static int add_trunk(struct cni_conf *c, long lo, long hi, struct cni_err *e)
{
	long v;

	if (lo < 1 || hi > 4094 || lo > hi)
		return cni_fail(e, CNI_ERR_CONFIG, "\"trunk\": VLAN %ld%s%.0ld "
				"is not within 1..4094", lo, lo == hi ? "" :
				"-", lo == hi ? 0 : hi);
	for (v = lo; v <= hi; v++) {
		if (c->n_trunks == CNI_MAX_TRUNKS)
			return cni_fail(e, CNI_ERR_CONFIG, "\"trunk\": too "
					"many VLANs");
		c->trunks[c->n_trunks++] = v;
	}
	return 0;
}

/* "trunk": [10, "20-30", {"minID": 40, "maxID": 50}, {"id": 60}] */
static int parse_trunk(struct cni_conf *c, json_t *t, struct cni_err *e)
{
	json_t *item;
	size_t i;
	int k;

	if (!json_is_array(t))
		return cni_fail(e, CNI_ERR_CONFIG, "\"trunk\" must be a list "
				"of VLAN ids and ranges");
	c->trunks = calloc(CNI_MAX_TRUNKS, sizeof(*c->trunks));
	json_array_foreach(t, i, item) {
		long lo, hi;
		char *end;

		if (json_is_integer(item)) {
			lo = hi = json_integer_value(item);
		} else if (json_is_string(item)) {
			lo = strtol(json_string_value(item), &end, 10);
			hi = lo;
			if (*end == '-')
				hi = strtol(end + 1, &end, 10);
			if (*end || end == json_string_value(item))
				return cni_fail(e, CNI_ERR_CONFIG, "\"trunk\":"
						" \"%s\" is not a VLAN id or "
						"range", json_string_value(item));
		} else if (json_is_object(item)) {
			json_t *id = json_object_get(item, "id");
			json_t *mn = json_object_get(item, "minID");
			json_t *mx = json_object_get(item, "maxID");

			if (json_is_integer(id)) {
				lo = hi = json_integer_value(id);
			} else if (json_is_integer(mn) && json_is_integer(mx)) {
				lo = json_integer_value(mn);
				hi = json_integer_value(mx);
			} else {
				return cni_fail(e, CNI_ERR_CONFIG, "\"trunk\":"
						" an object needs \"id\" or "
						"\"minID\" and \"maxID\"");
			}
		} else {
			return cni_fail(e, CNI_ERR_CONFIG, "\"trunk\": item "
					"%zu is not a VLAN id or range", i);
		}
		if (add_trunk(c, lo, hi, e))
			return -1;
	}
	qsort(c->trunks, c->n_trunks, sizeof(*c->trunks), cmp_u16);
	for (i = 1, k = 1; (int)i < c->n_trunks; i++)
		if (c->trunks[i] != c->trunks[k - 1])
			c->trunks[k++] = c->trunks[i];
	if (c->n_trunks)
		c->n_trunks = k;
	return 0;
}

static int parse_ovn(struct cni_conf *c, const struct cni_env *env,
		     struct cni_err *e)
{
	json_t *port = json_object_get(c->root, "ovnPort");
	json_t *tmo = json_object_get(c->root, "ovnTimeout"), *sub;
	struct wft_cni_addr a;
	char *ns, *pod;
	size_t i;

	c->ovn_timeout_ms = 30000;
	c->ovn_subnets = json_object_get(c->root, "ovnSubnets");
	json_array_foreach(c->ovn_subnets, i, sub)
		if (!json_is_string(sub) || wft_cni_addr_parse(
			json_string_value(sub), true, &a))
			return cni_fail(e, CNI_ERR_CONFIG, "\"ovnSubnets\" "
					"must be a list of CIDRs "
					"(\"10.1.0.0/24\")");
	if (c->ovn_subnets && !json_is_array(c->ovn_subnets))
		return cni_fail(e, CNI_ERR_CONFIG, "\"ovnSubnets\" must be "
				"a list of CIDRs");
	if (tmo) {
		if (!json_is_number(tmo) || json_number_value(tmo) <= 0)
			return cni_fail(e, CNI_ERR_CONFIG, "\"ovnTimeout\" "
					"must be a positive number of "
					"seconds");
		c->ovn_timeout_ms = json_number_value(tmo) * 1000;
	}
	if (port) {
		if (!json_is_string(port) || !*json_string_value(port))
			return cni_fail(e, CNI_ERR_CONFIG, "\"ovnPort\" must "
					"be a logical switch port name");
		c->ovn_port = strdup(json_string_value(port));
		return 0;
	}
	/* As ovn-kubernetes names a pod's logical switch port. */
	ns = cni_arg(env->args, "K8S_POD_NAMESPACE");
	pod = cni_arg(env->args, "K8S_POD_NAME");
	if (ns && pod && *ns && *pod &&
	    asprintf(&c->ovn_port, "%s_%s", ns, pod) < 0)
		c->ovn_port = NULL;
	free(ns);
	free(pod);
	if (!c->ovn_port && (!strcmp(env->command, "ADD") ||
			     !strcmp(env->command, "CHECK")))
		return cni_fail(e, CNI_ERR_CONFIG, "\"ovn\" mode needs "
				"\"ovnPort\" or K8S_POD_NAMESPACE and "
				"K8S_POD_NAME in CNI_ARGS");
	return 0;
}

static int parse_weft_keys(struct cni_conf *c, const struct cni_env *env,
			   struct cni_err *e)
{
	json_t *j, *rc = json_object_get(c->root, "runtimeConfig");
	const char *mac = NULL;
	char *argmac;

	j = json_object_get(c->root, "bridge");
	c->bridge = "br-int";
	if (j) {
		if (!json_is_string(j) || !*json_string_value(j) ||
		    strlen(json_string_value(j)) > 15)
			return cni_fail(e, CNI_ERR_CONFIG, "\"bridge\" must be "
					"a bridge name");
		c->bridge = json_string_value(j);
	}
	c->vlan = -1;
	j = json_object_get(c->root, "vlan");
	if (j && !json_is_null(j)) {
		if (!json_is_integer(j) || json_integer_value(j) < 0 ||
		    json_integer_value(j) > 4094)
			return cni_fail(e, CNI_ERR_CONFIG, "\"vlan\" must be a "
					"VLAN id within 0..4094");
		c->vlan = json_integer_value(j);
	}
	j = json_object_get(c->root, "trunk");
	if (j && parse_trunk(c, j, e))
		return -1;
	j = json_object_get(c->root, "mtu");
	if (j) {
		if (!json_is_integer(j) || json_integer_value(j) < 68 ||
		    json_integer_value(j) > 65535)
			return cni_fail(e, CNI_ERR_CONFIG, "\"mtu\" must be "
					"within 68..65535");
		c->mtu = json_integer_value(j);
	}
	/* The MAC: runtimeConfig's "mac" capability, then CNI_ARGS MAC=,
	 * then the configuration's "mac". */
	j = json_object_get(c->root, "mac");
	if (json_is_string(j))
		mac = json_string_value(j);
	else if (j)
		return cni_fail(e, CNI_ERR_CONFIG, "\"mac\" must be a string");
	argmac = cni_arg(env->args, "MAC");
	if (argmac)
		mac = argmac;
	j = json_object_get(rc, "mac");
	if (json_is_string(j))
		mac = json_string_value(j);
	if (mac) {
		c->has_mac = true;
		if (parse_mac(mac, c->mac)) {
			cni_fail(e, CNI_ERR_CONFIG, "MAC address \"%s\" is not "
				 "a unicast xx:xx:xx:xx:xx:xx", mac);
			free(argmac);
			return -1;
		}
	}
	free(argmac);
	j = json_object_get(c->root, "ovn");
	if (j && !json_is_boolean(j))
		return cni_fail(e, CNI_ERR_CONFIG, "\"ovn\" must be true or "
				"false");
	c->ovn = json_is_true(j);
	if (c->ovn && parse_ovn(c, env, e))
		return -1;
	j = json_object_get(c->root, "socket");
	c->socket = getenv("WEFT_SOCKET");
	if (json_is_string(j))
		c->socket = json_string_value(j);
	if (!c->socket)
		c->socket = WFT_DEFAULT_SOCKET;
	return 0;
}

int cni_conf_parse(const char *text, const struct cni_env *env,
		   struct cni_conf *c, struct cni_err *e)
{
	json_error_t jerr;
	json_t *j;
	int v;

	memset(c, 0, sizeof(*c));
	c->root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!c->root)
		return cni_fail(e, CNI_ERR_DECODE, "the network configuration "
				"is not valid JSON: line %d, column %d: %s",
				jerr.line, jerr.column, jerr.text);
	if (!json_is_object(c->root))
		return cni_fail(e, CNI_ERR_DECODE, "the network configuration "
				"is not a JSON object");
	j = json_object_get(c->root, "cniVersion");
	if (!json_is_string(j))
		return cni_fail(e, CNI_ERR_CONFIG, "\"cniVersion\" is missing");
	c->version_str = json_string_value(j);
	v = cni_version_parse(c->version_str);
	if (v < 0)
		return cni_fail(e, CNI_ERR_VERSION, "cniVersion \"%s\" is not "
				"supported (weft-cni speaks 0.3.0, 0.3.1, "
				"0.4.0, 1.0.0 and 1.1.0)", c->version_str);
	c->version = v;
	j = json_object_get(c->root, "name");
	if (!json_is_string(j) || !*json_string_value(j))
		return cni_fail(e, CNI_ERR_CONFIG, "\"name\" is missing");
	c->name = json_string_value(j);
	c->ipam = json_object_get(c->root, "ipam");
	if (c->ipam && json_object_size(c->ipam)) {
		j = json_object_get(c->ipam, "type");
		if (!json_is_string(j) || !*json_string_value(j) ||
		    strchr(json_string_value(j), '/'))
			return cni_fail(e, CNI_ERR_CONFIG, "\"ipam\" needs a "
					"\"type\": the IPAM plugin's name");
		c->ipam_type = json_string_value(j);
	} else {
		c->ipam = NULL;
	}
	c->prev_result = json_object_get(c->root, "prevResult");
	if (c->prev_result && !json_is_object(c->prev_result))
		return cni_fail(e, CNI_ERR_CONFIG, "\"prevResult\" is not an "
				"object");
	c->valid_attachments = json_object_get(c->root,
					       "cni.dev/valid-attachments");
	if (!strcmp(env->command, "GC") &&
	    !json_is_array(c->valid_attachments))
		return cni_fail(e, CNI_ERR_CONFIG, "GC needs "
				"\"cni.dev/valid-attachments\"");
	return parse_weft_keys(c, env, e);
}

void cni_conf_free(struct cni_conf *c)
{
	json_decref(c->root);
	free(c->trunks);
	free(c->ovn_port);
	memset(c, 0, sizeof(*c));
}
