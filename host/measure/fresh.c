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

/* The copies of the memory modes that move bytes (zero-copy moves none). */
#define TRANSFER_RATE(mode, dir) offsetof(struct ceilings, transfer[mode].dir)

static const struct probed_rate probed_rates[CEILING_PROBES_MAX] = {
    {"f64->f32 memory", "GB/s", offsetof(struct ceilings, convert_f64_f32)},
    {"read memory", "GB/s", offsetof(struct ceilings, stream_read)},
    {"STREAM triad memory", "GB/s", offsetof(struct ceilings, stream_triad)},
    {"float64 sqrt", "G sqrt/s", offsetof(struct ceilings, sqrt_f64)},
    {"float32 sqrt", "G sqrt/s", offsetof(struct ceilings, sqrt_f32)},
    {"int8 compare", "G compare/s", offsetof(struct ceilings, compare_i8)},
    {"float32 FMA", "G flop/s", offsetof(struct ceilings, fma_f32)},
    {"float64 FMA", "G flop/s", offsetof(struct ceilings, fma_f64)},
    {"copy-mode to-device", "GB/s", TRANSFER_RATE(MEM_COPY, to_device)},
    {"copy-mode from-device", "GB/s", TRANSFER_RATE(MEM_COPY, from_device)},
    {"pinned to-device", "GB/s", TRANSFER_RATE(MEM_PINNED, to_device)},
    {"pinned from-device", "GB/s", TRANSFER_RATE(MEM_PINNED, from_device)},
};

double ceilings_probe_budget(const struct run_settings *set, double call_s)
{
    double expected =
        set->repeat > 0 ? set->repeat * call_s : fmax(set->min_time, set->min_repeat * call_s);
    double each = FRESH_PROBE_SHARE * expected / 2;
    return fmin(fmax(each, FRESH_PROBE_FLOOR_S), FRESH_PROBE_CAP_S / 2);
}

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
        /* Even within the noise: a lower fresh rate the run beat would put
         * the run above its ceiling, which the cached one does not. */
        p->busy = p->noise > FRESH_BUSY_SPREAD || reached > fresh;
        p->differs = !(p->cached > 0) || fresh > p->cached * (1 + p->noise) ||
                     (!p->busy && fresh < p->cached * (1 - p->noise));
        p->used = p->differs ? fresh : fmax(fresh, p->cached);
        *rate_in(c, r) = p->used;
    }
    return out;
}

/* The probe before the timed runs, called by run_kernel (before_timed). */
struct probe_before {
    const struct backend_ops *ops;
    void *state;
    const struct probe_partner *partner;
    const struct kernel_input *in;
    const struct run_settings *set;
    struct ceilings rates;
    double budget, spent, setup;
    int probed;
};

/* Each rate of `more` that is higher replaces the one in `best`. */
static void keep_higher(struct ceilings *best, const struct ceilings *more)
{
    for (size_t i = 0; i < CEILING_PROBES_MAX; i++)
        *rate_in(best, &probed_rates[i]) =
            fmax(rate_of(best, &probed_rates[i]), rate_of(more, &probed_rates[i]));
}

/* One probe of the backend (and its partner), into *out; the seconds it
 * took, one-time setup apart, in *spent and *setup. */
static enum offload_status probe_once(const struct probe_before *p, struct ceilings *out,
                                      double *spent, double *setup)
{
    const int two = p->partner && p->partner->ops && p->partner->ops->probe;
    const double each = two ? p->budget / 2 : p->budget;
    double t0 = offload_now();
    *setup = 0;
    enum offload_status st = p->ops->probe(p->state, p->in, each, out, setup);
    if (st == OFFLOAD_OK && two) {
        struct ceilings host;
        if (p->partner->ops->probe(p->partner->state, p->in, each, &host, setup) == OFFLOAD_OK)
            keep_higher(out, &host);
    }
    *spent = fmax(0, offload_now() - t0 - *setup);
    return st;
}

static void probe_before_timed(void *ctx, double call_s)
{
    struct probe_before *p = ctx;
    p->budget = ceilings_probe_budget(p->set, call_s);
    p->probed = probe_once(p, &p->rates, &p->spent, &p->setup) == OFFLOAD_OK;
    if (!p->probed)
        offload_warning("%s: the ceilings probe failed (see above); verdicts use the cached "
                        "ceilings\n",
                        p->ops->name);
}

/* Whether the run beat, by more than the noise floor, the better of the
 * two probes of any rate they measured. */
static int probes_beaten(const struct ceilings *before, const struct ceilings *after,
                         const struct ceilings *achieved)
{
    for (size_t i = 0; i < CEILING_PROBES_MAX; i++) {
        const struct probed_rate *r = &probed_rates[i];
        double fresh = fmax(positive(rate_of(before, r)), positive(rate_of(after, r)));
        if (fresh > 0 && positive(rate_of(achieved, r)) > fresh * (1 + FRESH_NOISE_FLOOR))
            return 1;
    }
    return 0;
}

/* The rates run res reached, in each probed rate's unit (0 where unknown). */
static struct ceilings rates_reached(const struct kernel_input *in, const struct run_result *res)
{
    struct ceilings achieved = {0};
    struct kernel_work w = kernel_work_of(in);
    /* Across R ranks the work is the job's and the probes are one rank's:
     * what one rank reached is compared (the kernel phase is the slowest
     * rank's, so this is at most a rank's own rate). */
    const double ranks = res->ranks > 1 ? res->ranks : 1;
    w.bytes /= ranks;
    w.ops /= ranks;
    const double t = res->stats[PHASE_KERNEL].min;
    if (t > 0) {
        achieved.convert_f64_f32 = achieved.stream_read = achieved.stream_triad = w.bytes / t;
        const struct kernel_spec *spec = kernel_spec_of(in->kernel);
        const double ops = w.ops / t;
        switch (in->alg == ALG_FAST ? spec->fast_op_ceiling : spec->op_ceiling) {
        case OPS_NONE:
            break;
        case OPS_SQRT_F32:
            achieved.sqrt_f32 = ops;
            break;
        case OPS_FMA_F32:
            achieved.fma_f32 = ops;
            break;
        case OPS_FMA_F64:
            achieved.fma_f64 = ops;
            break;
        case OPS_SQRT_F64:
            achieved.sqrt_f64 = ops;
            break;
        case OPS_COMPARE:
            achieved.compare_i8 = ops;
            break;
        }
    }
    /* Copies: the input in, the output out (as the verdict counts them);
     * only the memory mode the probe measured is compared. */
    const double out = (double)kernel_output_bytes(in) / ranks,
                 inb = fmax(w.bytes - out, 0);
    const double tin = res->stats[PHASE_COPY_IN].n ? res->stats[PHASE_COPY_IN].min : 0;
    const double tout = res->stats[PHASE_COPY_OUT].n ? res->stats[PHASE_COPY_OUT].min : 0;
    for (size_t m = 0; m < sizeof achieved.transfer / sizeof achieved.transfer[0]; m++) {
        achieved.transfer[m].to_device = tin > 0 ? inb / tin : 0;
        achieved.transfer[m].from_device = tout > 0 ? out / tout : 0;
    }
    return achieved;
}

enum offload_status run_kernel_fresh(const struct backend_ops *ops, void *state,
                                     const struct kernel_input *in, const struct run_settings *set,
                                     enum ceilings_mode mode, struct ceilings *c,
                                     const struct probe_partner *partner, struct run_result *res,
                                     struct ceilings_refresh *refresh)
{
    *refresh = (struct ceilings_refresh){0};
    const int wanted = c && ops->probe && mode == CEILINGS_FRESH;
    struct probe_before before = {
        .ops = ops, .state = state, .partner = partner, .in = in, .set = set};
    struct run_settings with_probe = *set;
    if (wanted) {
        with_probe.before_timed = probe_before_timed;
        with_probe.before_timed_ctx = &before;
    }
    enum offload_status st = run_kernel(ops, state, in, &with_probe, NULL, res);
    if (st != OFFLOAD_OK || !before.probed)
        return st;
    struct ceilings after = {0};
    double setup = 0, spent = 0;
    if (probe_once(&before, &after, &spent, &setup) != OFFLOAD_OK)
        after = (struct ceilings){0}; /* the first probe still holds */
    spent += before.spent;
    const struct ceilings achieved = rates_reached(in, res);
    /* A probe the run itself beat read a busy moment that the run's many
     * samples got past: probe again, while the cap allows, so the probe
     * gets as many chances at a quiet moment as the run had. */
    double last = spent - before.spent; /* what one probe costs now */
    for (int tries = 0;
         tries < FRESH_RETRIES_MAX && probes_beaten(&before.rates, &after, &achieved) &&
         spent + last <= FRESH_PROBE_CAP_S;
         tries++) {
        struct ceilings again = {0};
        double extra_setup = 0;
        if (probe_once(&before, &again, &last, &extra_setup) != OFFLOAD_OK)
            break;
        keep_higher(&after, &again);
        spent += last;
        setup += extra_setup;
    }
    *refresh = ceilings_refresh(c, &before.rates, &after, &achieved);
    refresh->seconds = spent;
    refresh->budget = before.budget;
    refresh->setup = before.setup + setup;
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
