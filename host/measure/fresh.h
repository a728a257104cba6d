#ifndef OFFLOAD_FRESH_H
#define OFFLOAD_FRESH_H

/* Ceilings from the same minute as a run. A machine's bandwidth moves from
 * one minute to the next (a shared VM, a laptop's power state), so a share
 * of a ceiling measured at another time is not a fact. Around the timed
 * runs the backend probes the ceilings that bound the kernel (ops->probe,
 * sized to about 5% of the run, before and after); when the probe and the cached
 * ceiling differ by more than the noise, the run says so and is judged
 * against the fresh one. */

#include <stddef.h>

#include "backend.h"
#include "runner.h"

enum ceilings_mode {
    CEILINGS_FRESH, /* probe around the run and use what it measured (default) */
    CEILINGS_CACHED /* judge against the cached calibration only */
};

/* Differences below this share are noise on any machine we ran on: the
 * probe's own passes before and after a run differ by 1-3% on a quiet one. */
#define FRESH_NOISE_FLOOR 0.03
/* Probes before and after a run that differ by more than this share mean a
 * busy minute: a lower fresh rate is then not trusted over the cached one. */
#define FRESH_BUSY_SPREAD 0.10

/* How long the probes may take: FRESH_PROBE_SHARE of the run's expected
 * timed time (--min-time, or --repeat times one call), both probes
 * together, each at least FRESH_PROBE_FLOOR_S and both at most
 * FRESH_PROBE_CAP_S. The floor holds two timed passes of each of a host
 * sqrt probe's two loops at their shortest (0.5 ms each). Measured on the
 * 2-vCPU EPYC at a quiet moment (2026-12-05 00:00 UTC, load 1.2,
 * bench/RESULTS.md), ten host float64 sqrt probes per length read within
 * 0.4% of each other at 2 ms per probe (0.3-2.0% up to 82 ms), and the
 * OpenCL sqrt probe within 2.9% at 1 ms and 1.8% at 2.5 ms but 26% at
 * 0.5 ms (23:59 UTC): below the floor the spread outgrows the 3% noise. A
 * memory or copy pass is never shorter than one pass over the kernel's own
 * data, whatever the budget. */
#define FRESH_PROBE_SHARE 0.05
#define FRESH_PROBE_FLOOR_S 0.0025
#define FRESH_PROBE_CAP_S 0.2
/* Probes after a run that beat them (a busy moment): at most this many
 * more, within the cap. */
#define FRESH_RETRIES_MAX 6

/* Seconds one probe (before or after) may take, for a run of settings
 * set whose one call took call_s (0: unknown). */
double ceilings_probe_budget(const struct run_settings *set, double call_s);

/* One rate the probe measured. */
struct ceiling_probe {
    const char *name;   /* "f64->f32 memory", "float64 sqrt", ... */
    const char *unit;   /* "GB/s", "G sqrt/s", ... (rates shown / 1e9) */
    double cached;      /* the calibration's rate, per second (0: none) */
    double before;      /* the probe right before the timed runs (0: failed) */
    double after;       /* ... and right after */
    double fresh;       /* the better of before and after */
    double noise;       /* share: the floor or the spread of before and after */
    double used;        /* the rate the verdict uses */
    int differs;        /* fresh replaces cached (see ceilings_refresh) */
    int busy;           /* before and after differ by more than FRESH_BUSY_SPREAD */
};

#define CEILING_PROBES_MAX 12

struct ceilings_refresh {
    size_t count; /* rates probed */
    struct ceiling_probe probe[CEILING_PROBES_MAX];
    double seconds; /* time spent probing, both probes, one-time setup excluded */
    double budget;  /* seconds each probe was allowed (ceilings_probe_budget) */
    double setup;   /* one-time costs of the first probe (buffers, compiles), untimed */
};

/* Merges two probes into c. Each rate measured by before or after (> 0):
 * the fresh rate (the better of the two) replaces c's when it is higher by
 * more than the noise, or lower by more than the noise while the two probes
 * agree (a steadily slower machine); otherwise the higher of fresh and
 * cached is kept (both measured the same hardware). A fresh rate that the
 * run itself beat, even within the noise (achieved: the rates the kernel
 * reached, NULL or 0 where unknown) was read in a burst of load: it never
 * replaces a higher cached one. A rate c does not have takes the fresh one.
 * Returns what was compared. */
struct ceilings_refresh ceilings_refresh(struct ceilings *c, const struct ceilings *before,
                                         const struct ceilings *after,
                                         const struct ceilings *achieved);

/* A second probe of the same hardware: a device that is the host CPU
 * (PoCL) is judged against the best of its own and the host backend's
 * ceilings on its cores (see backend_ceilings), so its fresh rates are the
 * best of both probes, each given half the budget. */
struct probe_partner {
    const struct backend_ops *ops; /* NULL: none */
    void *state;
};

/* run_kernel with the backend's probe right before (after the warm-up)
 * and right after the timed runs, then ceilings_refresh of *c. Without a probe (ops->probe NULL), with
 * CEILINGS_CACHED, or when c is NULL, it is run_kernel alone and
 * refresh->count is 0. A failed probe is warned about and leaves *c. */
enum offload_status run_kernel_fresh(const struct backend_ops *ops, void *state,
                                     const struct kernel_input *in, const struct run_settings *set,
                                     enum ceilings_mode mode, struct ceilings *c,
                                     const struct probe_partner *partner, struct run_result *res,
                                     struct ceilings_refresh *refresh);

/* One line for each rate that differed ("" when none), e.g. "the f64->f32
 * memory ceiling measured around this run, 41.2 GB/s, is 58% above the
 * cached 26.1 GB/s (noise 3%): verdicts use the fresh one". Returns buf. */
const char *ceilings_refresh_note(const struct ceilings_refresh *r, char *buf, size_t len);

#endif
