/* The ceilings a result is judged against: the backend's own, from the
 * cache or measured now, and for a device that is the host CPU the best of
 * its own and the host's at its thread count. */

#include "commands.h"
#include "ceilings.h"
#include "link_cache.h"
#include "options.h"
#include "message.h"
#include "ranks.h"

/* The ceilings a backend measured on its own device, cached. */
static enum offload_status own_ceilings(const struct cli *c, const struct backend_ops *ops,
                                        void *state, const struct backend_info *info,
                                        struct ceilings *out)
{
    char path[1024];
    int recalibrate = c->given[OPT_RECALIBRATE];
    /* --no-calibrate: no ceilings, and the cache is neither read nor written. */
    if (c->given[OPT_NO_CALIBRATE])
        return OFFLOAD_UNAVAILABLE;
    /* Across ranks the other ranks wait (spinning, in MPI) while rank 0
     * would measure: figures taken so would be wrong and then cached. Rank 0
     * uses the cache alone; calibrating is done without mpirun. */
    if (ranks_count() > 1) {
        if (ceilings_load(ops->name, info, out) == OFFLOAD_OK)
            return OFFLOAD_OK;
        /* The exact command, since each rank often runs fewer threads than
         * a plain calibrate measures. */
        char threads[32] = "";
        if (info->threads > 0 && ops->caps.threads)
            snprintf(threads, sizeof threads, " --threads %d", info->threads);
        offload_warning("no cached ceilings of %s on %s: run 'offload calibrate --backends %s%s' "
                        "without mpirun first; verdicts across ranks judge by work per byte\n",
                        ops->name, info->device, ops->name, threads);
        return OFFLOAD_UNAVAILABLE;
    }
    if (!recalibrate && ceilings_load(ops->name, info, out) != OFFLOAD_OK) {
        offload_error("measuring the ceilings of %s on %s (once; cached in %s)\n", ops->name,
                      info->device,
                      ceilings_cache_dir(path, sizeof path) ? path : "no cache directory");
    }
    return ceilings_get(ops, state, info, recalibrate, out, NULL);
}

/* The threaded host backend (OpenMP), NULL when none is built in. */
static const struct backend_ops *threaded_host(void)
{
    for (size_t i = 0; i < offload_backend_count; i++)
        if (offload_backends[i]->caps.threads)
            return offload_backends[i];
    return NULL;
}

/* The threaded host backend on the cores of a device that is the host CPU,
 * under --ceilings fresh; else none (ops NULL). */
static struct probe_partner probe_partner_start(const struct cli *c,
                                                const struct backend_ops *ops,
                                                const struct backend_info *info)
{
    struct probe_partner p = {0};
    const struct backend_ops *host = threaded_host();
    if (!host || !host->probe || info->host_threads <= 0 || !ops->caps.device_selectors ||
        c->ceilings != CEILINGS_FRESH || c->given[OPT_NO_CALIBRATE])
        return p;
    struct backend_config cfg = make_config(c, host, info->host_threads, NULL, MEM_COPY);
    cfg.quiet = 1;
    struct backend_info host_info = {0};
    if (host->init(&cfg, &p.state, &host_info) == OFFLOAD_OK)
        p.ops = host;
    return p;
}

static void probe_partner_end(struct probe_partner *p)
{
    if (p->ops)
        p->ops->fini(p->state);
    *p = (struct probe_partner){0};
}

enum offload_status run_with_fresh_ceilings(const struct cli *c, const struct backend_ops *ops,
                                            void *state, const struct kernel_input *in,
                                            const struct run_settings *set,
                                            struct result_record *rec)
{
    struct probe_partner partner = probe_partner_start(c, ops, &rec->info);
    enum offload_status st =
        run_kernel_fresh(ops, state, in, set, c->ceilings, rec->has_ceilings ? &rec->ceilings : NULL,
                         &partner, rec->run, &rec->refresh);
    probe_partner_end(&partner);
    return st;
}

/* The host CPU's ceilings on `threads` threads, as the threaded host
 * backend measures them (OpenMP, with and without streaming stores, each
 * kernel's access pattern). OFFLOAD_UNAVAILABLE when no such backend. */
static enum offload_status host_ceilings(const struct cli *c, int threads, struct ceilings *out)
{
    const struct backend_ops *host = threaded_host();
    if (!host)
        return OFFLOAD_UNAVAILABLE;
    struct backend_config cfg = make_config(c, host, threads, NULL, MEM_COPY);
    cfg.quiet = 1;
    struct backend_info info = {0};
    void *state = NULL;
    enum offload_status st = host->init(&cfg, &state, &info);
    if (st != OFFLOAD_OK)
        return st;
    st = own_ceilings(c, host, state, &info, out);
    host->fini(state);
    return st;
}

static double larger(double a, double b)
{
    return a > b ? a : b;
}

enum offload_status backend_ceilings(const struct cli *c, const struct backend_ops *ops,
                                     void *state, const struct backend_info *info,
                                     struct ceilings *out)
{
    enum offload_status st = own_ceilings(c, ops, state, info, out);
    if (st != OFFLOAD_OK || info->host_threads <= 0 || !ops->caps.device_selectors)
        return st;
    /* A ceiling belongs to the hardware: a device that is the host CPU
     * (PoCL) is judged against the best either method measured on those
     * cores, so its share and the threaded backend's compare directly. */
    struct ceilings host;
    if (host_ceilings(c, info->host_threads, &host) != OFFLOAD_OK)
        return OFFLOAD_OK; /* its own ceilings still hold */
    out->stream_copy = larger(out->stream_copy, host.stream_copy);
    out->stream_triad = larger(out->stream_triad, host.stream_triad);
    out->stream_read = larger(out->stream_read, host.stream_read);
    out->convert_f64_f32 = larger(out->convert_f64_f32, host.convert_f64_f32);
    out->sqrt_f64 = larger(out->sqrt_f64, host.sqrt_f64);
    out->sqrt_f32 = larger(out->sqrt_f32, host.sqrt_f32);
    out->compare_i8 = larger(out->compare_i8, host.compare_i8);
    return OFFLOAD_OK;
}

const struct link_calibration *ranks_link_calibration(const struct cli *c,
                                                      struct link_calibration *buf)
{
    if (ranks_count() <= 1 || ranks_me() != 0 || c->given[OPT_NO_CALIBRATE])
        return NULL;
    return link_cache_load(ranks_layout(), buf) == OFFLOAD_OK ? buf : NULL;
}
