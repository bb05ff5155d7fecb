/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weft-cni's own declarations: the environment and network configuration
 * the runtime hands over, the error every command may end with, and the
 * pieces (IPAM delegation, weftd calls, results) the commands share.
 */
#ifndef WEFT_CNI_H
#define WEFT_CNI_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

/* The CNI specification's error codes, and weft's own (100 and up). */
enum cni_code {
	CNI_ERR_VERSION = 1,		/* incompatible CNI version */
	CNI_ERR_UNSUPPORTED_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3,
	CNI_ERR_ENV = 4,		/* invalid environment variables */
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,		/* failed to decode content */
	CNI_ERR_CONFIG = 7,		/* invalid network config */
	CNI_ERR_TRY_AGAIN = 11,		/* try again later */
	CNI_ERR_NOT_AVAILABLE = 50,	/* plugin not available (STATUS) */
	CNI_ERR_WEFTD = 100,		/* weftd refused a change */
	CNI_ERR_NO_BRIDGE = 101,	/* the bridge does not exist */
	CNI_ERR_LINK = 102,		/* a netlink operation failed */
	CNI_ERR_IPAM = 103,		/* the IPAM plugin misbehaved */
	CNI_ERR_CHECK = 104,		/* CHECK found a difference */
	CNI_ERR_NETNS = 105,		/* CNI_NETNS cannot be opened */
};

struct cni_err {
	int code;			/* 0: no error */
	char msg[512];
	char details[512];
	json_t *raw;			/* a delegate's own error object */
};

int cni_fail(struct cni_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends ": DETAIL" to the message of @e. */
void cni_details(struct cni_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Spec versions, in order; results differ only for 0.3.x (ips' "version"). */
enum cni_version { CNI_V030, CNI_V031, CNI_V040, CNI_V100, CNI_V110 };
extern const char *const cni_versions[];
int cni_version_parse(const char *s);

struct cni_env {
	const char *command;
	const char *containerid;
	const char *netns;
	const char *ifname;
	const char *args;
	const char *path;
};

#define CNI_MAX_TRUNKS	4096

struct cni_conf {
	json_t *root;			/* the whole configuration, owned */
	const char *version_str;
	enum cni_version version;
	const char *name;
	const char *bridge;
	int vlan;			/* -1: no access tag */
	uint16_t *trunks;		/* expanded, sorted, owned */
	int n_trunks;
	unsigned int mtu;		/* 0: the kernel's default */
	bool has_mac;
	uint8_t mac[6];
	json_t *ipam;			/* borrowed; NULL: no IPAM */
	const char *ipam_type;
	bool ovn;
	char *ovn_port;			/* iface-id, owned; NULL unless ovn */
	int ovn_timeout_ms;
	json_t *ovn_subnets;		/* borrowed: CIDRs; NULL when absent */
	const char *socket;		/* weftd's control socket */
	json_t *prev_result;		/* borrowed; NULL when absent */
	json_t *valid_attachments;	/* GC: borrowed array */
};

/* Parses the configuration on stdin for @cmd (CNI_ERR_DECODE for bad
 * JSON, CNI_ERR_VERSION, CNI_ERR_CONFIG). */
int cni_conf_parse(const char *text, const struct cni_env *env,
		   struct cni_conf *c, struct cni_err *e);
void cni_conf_free(struct cni_conf *c);
/* The value of KEY in CNI_ARGS ("K1=V1;K2=V2"), malloc()ed, or NULL. */
char *cni_arg(const char *args, const char *key);

/* The host end's name: "weft" + 11 hex digits of a hash of the container
 * id and the interface name (15 characters, IFNAMSIZ - 1). */
void cni_host_name(const char *containerid, const char *ifname,
		   char name[16]);

/*
 * IPAM delegation: runs the plugin named by ipam.type from CNI_PATH with
 * the same environment (CNI_COMMAND = @command) and the configuration on
 * its stdin, as libcni's delegate calls do. For ADD, *@result gets its
 * result (a new reference); a failure passes its error object on.
 * @containerid/@ifname override the environment's (for GC).
 */
int cni_ipam_exec(const struct cni_conf *c, const struct cni_env *env,
		  const char *command, const char *containerid,
		  const char *ifname, json_t **result, struct cni_err *e);

/* weftd's control socket. */
struct wft_jsonrpc_client;
int cni_weftd_open(const struct cni_conf *c, int timeout_ms,
		   struct wft_jsonrpc_client **cl, struct cni_err *e);
/*
 * One vsctl transaction (a NULL-terminated list of commands, each a
 * NULL-terminated argv). Returns 0 with the outputs array in *@outputs
 * (may be NULL), 2 for a failed br-exists, or -1 with @e set.
 */
int cni_vsctl(struct wft_jsonrpc_client *cl, const char *const *const *cmds,
	      json_t **outputs, struct cni_err *e);

/* Rows of `find TABLE COND` (COLUMNS: "--columns=a,b") as OVSDB JSON
 * arrays; NULL with @e set on failure. */
json_t *cni_find_rows(struct wft_jsonrpc_client *cl, const char *table,
		      const char *cond, const char *columns,
		      struct cni_err *e);
/* The value of @key in an OVSDB map datum ["map", [[k, v]...]]. */
const char *cni_map_get(json_t *map, const char *key);
/* Removes one attachment made by weft-cni: port, veth and lease. */
int cni_gc_one(const struct cni_env *env, const struct cni_conf *c,
	       struct wft_jsonrpc_client *cl, const char *host,
	       const char *containerid, const char *ifname,
	       struct cni_err *e);

/* The commands. Each returns 0, or -1 with @e set; ADD and CHECK print
 * their result themselves. */
int cni_cmd_add(const struct cni_env *env, struct cni_conf *c,
		struct cni_err *e);
int cni_cmd_del(const struct cni_env *env, struct cni_conf *c,
		struct cni_err *e);
int cni_cmd_check(const struct cni_env *env, struct cni_conf *c,
		  struct cni_err *e);
int cni_cmd_status(const struct cni_env *env, struct cni_conf *c,
		   struct cni_err *e);
int cni_cmd_gc(const struct cni_env *env, struct cni_conf *c,
	       struct cni_err *e);

/* ovn.c: OVN mode. CLOCK_MONOTONIC in ms. */
long cni_now_ms(void);
/*
 * Without IPAM: the pod's addresses from its logical port in the SB,
 * once weftd's replica has it (polling until @deadline, else code 11),
 * as an IPAM result ({"ips", "routes"}), and its MAC in @mac.
 */
json_t *cni_ovn_addressing(struct wft_jsonrpc_client *cl,
			   const struct cni_conf *c, long deadline,
			   uint8_t mac[6], struct cni_err *e);
/* STATUS: the chassis is registered and its SB session active (else
 * code 50, naming the SB). */
int cni_ovn_status(struct wft_jsonrpc_client *cl, const struct cni_conf *c,
		   struct cni_err *e);

/* Rewrites a result in the layout of @v (0.3.x: ips carry "version"). */
void cni_result_convert(json_t *result, enum cni_version v);

#endif /* WEFT_CNI_H */
