// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis' start, step by step: when each step first happened, in
 * ms since the SB session was opened (the ovn-remote key set). Logged
 * as it happens and shown by ovn/status, so that a slow start says
 * where its time went (issue 8's benchmark compares the whole with
 * ovn-controller's) without a debugger in the guest.
 */
#include <time.h>

#include "weft/vlog.h"

#include "ovn_priv.h"

WFT_LOG_MODULE(ovn_timeline);

static const char *const step_names[WFT_OVN_T_N] = {
	[WFT_OVN_T_ACTIVE] = "sb_active",
	[WFT_OVN_T_REGISTERED] = "registered",
	[WFT_OVN_T_CLAIMS_SENT] = "claims_sent",
	[WFT_OVN_T_CLAIMS_DONE] = "claims_done",
	[WFT_OVN_T_LOCAL_FLOWS] = "local_flows_installed",
	[WFT_OVN_T_UP_SENT] = "up_sent",
	[WFT_OVN_T_OVN_INSTALLED] = "ovn_installed",
	[WFT_OVN_T_NB_CFG_ACKED] = "nb_cfg_acked",
};

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void wft_ovn_timeline_start(struct wft_ovn_timeline *tl)
{
	int i;

	tl->t0 = mono_ms();
	for (i = 0; i < WFT_OVN_T_N; i++)
		tl->at[i] = -1;
	tl->pass_ms = 0;
	tl->n_passes = 0;
}

void wft_ovn_timeline_mark(struct wft_ovn_timeline *tl,
			   enum wft_ovn_step step)
{
	if (!tl->t0 || tl->at[step] >= 0)
		return;
	tl->at[step] = mono_ms() - tl->t0;
	wft_info("start: %s at %.0f ms (%u passes, %.0f ms in them)",
		 step_names[step], tl->at[step], tl->n_passes, tl->pass_ms);
}

void wft_ovn_timeline_pass(struct wft_ovn_timeline *tl, double ms)
{
	/* Only the passes of the start: until nb_cfg is acknowledged. */
	if (!tl->t0 || tl->at[WFT_OVN_T_NB_CFG_ACKED] >= 0)
		return;
	tl->pass_ms += ms;
	tl->n_passes++;
}

void wft_ovn_timeline_update(struct wft_ovn_timeline *tl)
{
	tl->update_at = mono_ms();
}

void wft_ovn_timeline_ack_sent(struct wft_ovn_timeline *tl)
{
	tl->ack_sent_at = mono_ms();
}

void wft_ovn_timeline_ack_done(struct wft_ovn_timeline *tl, int64_t nb_cfg)
{
	double now = mono_ms();

	if (!tl->update_at || !tl->ack_sent_at)
		return;
	wft_info("nb_cfg %lld acknowledged %.1f ms after the last update "
		 "(sent at %.1f ms)", (long long)nb_cfg, now - tl->update_at,
		 tl->ack_sent_at - tl->update_at);
}

json_t *wft_ovn_timeline_json(const struct wft_ovn_timeline *tl)
{
	json_t *j = json_object();
	int i;

	for (i = 0; i < WFT_OVN_T_N; i++)
		json_object_set_new(j, step_names[i], tl->t0 && tl->at[i] >= 0 ?
				    json_real(tl->at[i]) : json_null());
	json_object_set_new(j, "passes", json_integer(tl->n_passes));
	json_object_set_new(j, "passes_ms", json_real(tl->pass_ms));
	return j;
}
