/* Ceilings from the same minute as a run (see fresh.h). */
#include "fresh.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "message.h"
#include "timing.h"

/* The rates a probe can measure, with their names in notes. */
struct probed_rate {
    const char *name;
    const char *unit;
    size_t offset; /* of the double in struct ceilings */
};

static const struct probed_rate probed_rates[CEILING_PROBES_MAX] = {
    {"f64->f32 memory", "GB/s", offsetof(struct ceilings, convert_f64_f32)},
    {"read memory", "GB/s", offsetof(struct ceilings, stream_read)},
    {"float64 sqrt", "G sqrt/s", offsetof(struct ceilings, sqrt_f64)},
    {"int8 compare", "G compare/s", offsetof(struct ceilings, compare_i8)},
};

static double *rate_in(struct ceilings *c, const struct probed_rate *r)
{
    return (double *)((char *)c + r->offset);
}

static double rate_of(const struct ceilings *c, const struct probed_rate *r)
{
    return *(const double *)((const char *)c + r->offset);
}

static double positive(double x)
{
    return isfinite(x) && x > 0 ? x : 0;
}

struct ceilings_refresh ceilings_refresh(struct ceilings *c, const struct ceilings *before,
                                         const struct ceilings *after,
                                         const struct ceilings *achieved)
{
    struct ceilings_refresh out = {0};
    for (size_t i = 0; i < CEILING_PROBES_MAX; i++) {
        const struct probed_rate *r = &probed_rates[i];
        double b = positive(rate_of(before, r)), a = positive(rate_of(after, r));
        double fresh = fmax(b, a);
        if (!(fresh > 0))
            continue;
        struct ceiling_probe *p = &out.probe[out.count++];
        p->name = r->name;
        p->unit = r->unit;
        p->cached = positive(rate_of(c, r));
        p->before = b;
        p->after = a;
        p->fresh = fresh;
        /* Two probes a run apart show how much this minute moves. */
        p->noise = FRESH_NOISE_FLOOR;
        if (b > 0 && a > 0)
            p->noise = fmax(p->noise, fabs(b - a) / fresh);
        /* Faster now than cached: the calibration ran on a busy machine.
         * Slower now by more than the noise, with probes that agree: the
         * machine is slower this minute (a neighbour, a power state).
         * Slower but the probes disagree: a burst of load hit the probes,
         * which the run's many samples may have missed, so the better of
         * the two stays the ceiling. */
        /* A probe below what the kernel itself reached read a busy moment:
         * a ceiling under the run's own rate is no ceiling. */
        double reached = achieved ? positive(rate_of(achieved, r)) : 0;
        p->busy = p->noise > FRESH_BUSY_SPREAD || reached > fresh * (1 + p->noise);
        p->differs = !(p->cached > 0) || fresh > p->cached * (1 + p->noise) ||
                     (!p->busy && fresh < p->cached * (1 - p->noise));
        p->used = p->differs ? fresh : fmax(fresh, p->cached);
        *rate_in(c, r) = p->used;
    }
    return out;
}

enum offload_status run_kernel_fresh(const struct backend_ops *ops, void *state,
                                     const struct kernel_input *in, const struct run_settings *set,
                                     enum ceilings_mode mode, struct ceilings *c,
                                     struct run_result *res, struct ceilings_refresh *refresh)
{
    *refresh = (struct ceilings_refresh){0};
    const int wanted = c && ops->probe && mode == CEILINGS_FRESH;
    struct ceilings before = {0}, after = {0};
    double t0 = offload_now();
    const int probed = wanted && ops->probe(state, in, &before) == OFFLOAD_OK;
    double spent = offload_now() - t0;
    if (wanted && !probed)
        offload_warning("%s: the ceilings probe failed (see above); verdicts use the cached "
                        "ceilings\n",
                        ops->name);
    enum offload_status st = run_kernel(ops, state, in, set, NULL, res);
    if (st != OFFLOAD_OK || !probed)
        return st;
    t0 = offload_now();
    if (ops->probe(state, in, &after) != OFFLOAD_OK)
        after = (struct ceilings){0}; /* the first probe still holds */
    spent += offload_now() - t0;
    /* The rates the run reached, in each probed rate's unit. */
    struct ceilings achieved = {0};
    const double t = res->stats[PHASE_KERNEL].min;
    if (t > 0) {
        const struct kernel_work w = kernel_work_of(in);
        achieved.convert_f64_f32 = achieved.stream_read = w.bytes / t;
        const struct kernel_spec *spec = kernel_spec_of(in->kernel);
        switch (in->alg == ALG_FAST ? spec->fast_op_ceiling : spec->op_ceiling) {
        case OPS_NONE:
        case OPS_SQRT_F32:
        case OPS_FMA_F32:
        case OPS_FMA_F64:
            break; /* rates no probe measures */
        case OPS_SQRT_F64:
            achieved.sqrt_f64 = w.ops / t;
            break;
        case OPS_COMPARE:
            achieved.compare_i8 = w.ops / t;
            break;
        }
    }
    *refresh = ceilings_refresh(c, &before, &after, &achieved);
    refresh->seconds = spent;
    return st;
}

const char *ceilings_refresh_note(const struct ceilings_refresh *r, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < r->count && used < len; i++) {
        const struct ceiling_probe *p = &r->probe[i];
        if (!p->differs && !p->busy)
            continue;
        int n;
        if (!p->differs)
            n = snprintf(buf + used, len - used,
                         "%sthe %s probes around this run read %.3g %s (before and after %.0f%% "
                         "apart) against the cached %.3g %s: a busy machine, so its share uses "
                         "the better of the two",
                         used ? "\n" : "", p->name, p->fresh / 1e9, p->unit, 100 * p->noise,
                         p->cached / 1e9, p->unit);
        else if (p->cached > 0)
            n = snprintf(buf + used, len - used,
                         "%sthe %s ceiling measured around this run, %.3g %s, is %.0f%% %s the "
                         "cached %.3g %s (noise %.0f%%): verdicts use the fresh one",
                         used ? "\n" : "", p->name, p->fresh / 1e9, p->unit,
                         100 * fabs(p->fresh / p->cached - 1),
                         p->fresh > p->cached ? "above" : "below", p->cached / 1e9, p->unit,
                         100 * p->noise);
        else
            n = snprintf(buf + used, len - used,
                         "%sthe %s ceiling measured around this run is %.3g %s (none cached)",
                         used ? "\n" : "", p->name, p->fresh / 1e9, p->unit);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}
