/* Serial backend: plain C loops, one thread. It is the baseline every
 * speedup is measured against, so it stays the straightforward code a
 * learner would write (compiled with -O3, sqrt without errno). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "markers.h"
#include "host_calibrate.h"
#include "timing.h"
#include "message.h"

struct serial_state {
    double cache_bytes;       /* the host's last-level cache */
    struct host_probe *probe; /* the probe's arrays, made on first use */
};

static enum offload_status serial_list_devices(FILE *out)
{
    fprintf(out, "serial   host CPU, 1 thread\n");
    return OFFLOAD_OK;
}

static enum offload_status serial_init(const struct backend_config *cfg, void **state,
                                       struct backend_info *info)
{
    (void)cfg;
    struct serial_state *s = calloc(1, sizeof *s);
    if (!s) {
        offload_backend_error("serial", "out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    host_backend_info(info, 1);
    s->cache_bytes = info->cache_bytes;
    *state = s;
    return OFFLOAD_OK;
}

static enum offload_status serial_run_sqrt(void *state, const struct kernel_input *kin,
                                           void *output, struct phase_times *t)
{
    (void)state;
    const double *in = kin->in;
    float *out = output;
    size_t n = kin->n;
    *t = phase_times_none();
    double t0 = offload_now();
    for (size_t i = 0; i < n; i++)
        out[i] = (float)sqrt(in[i]);
    t->kernel = offload_now() - t0;
    return OFFLOAD_OK;
}

static enum offload_status serial_run_sumsqrt(void *state, const struct kernel_input *kin,
                                              void *output, struct phase_times *t)
{
    (void)state;
    const double *in = kin->in;
    float *out = output;
    size_t n = kin->n, outputs = kernel_output_items(kin); /* a rank's share, or n */
    *t = phase_times_none();
    double t0 = offload_now();
    switch (kin->alg) {
    case ALG_NAIVE:
        for (size_t i = 0; i < outputs; i++) {
            double sum = 0;
            for (size_t j = 0; j < n; j++)
                sum += sqrt(in[j]);
            out[i] = (float)sum;
        }
        break;
    case ALG_FAST: {
        /* The inner sum does not depend on i: compute it once. */
        double sum = 0;
        for (size_t j = 0; j < n; j++)
            sum += sqrt(in[j]);
        for (size_t i = 0; i < outputs; i++)
            out[i] = (float)sum;
        break;
    }
    }
    t->kernel = offload_now() - t0;
    return OFFLOAD_OK;
}

static enum offload_status serial_run_scores(void *state, const struct kernel_input *kin,
                                             void *output, struct phase_times *t)
{
    (void)state;
    const struct genotype_matrix *m = kin->matrix;
    int64_t *scores = output;
    *t = phase_times_none();
    double t0 = offload_now();
    for (size_t r = 0; r < m->rows; r++) {
        const int8_t *row = m->calls + r * m->cols;
        int64_t score = 0;
        switch (kin->alg) {
        case ALG_NAIVE:
            for (size_t i = 0; i < m->cols; i++) {
                if (row[i] == GENOTYPE_MISSING)
                    continue;
                for (size_t j = i + 1; j < m->cols; j++)
                    score += row[j] != GENOTYPE_MISSING && row[j] != row[i];
            }
            break;
        case ALG_FAST: {
            /* Pairs of different known calls = n0*n1 + n0*n2 + n1*n2. */
            int64_t count[3] = {0, 0, 0};
            for (size_t i = 0; i < m->cols; i++)
                if (row[i] >= 0 && row[i] <= 2)
                    count[row[i]]++;
            score = count[0] * count[1] + count[0] * count[2] + count[1] * count[2];
            break;
        }
        }
        scores[r] = score;
    }
    t->kernel = offload_now() - t0;
    return OFFLOAD_OK;
}

/* One thread: the ceilings the serial kernels can reach. */
static enum offload_status serial_calibrate(void *state, struct ceilings *out)
{
    (void)state;
    return host_calibrate(1, out);
}

/* One thread, as the kernels run. */
static enum offload_status serial_probe(void *state, const struct kernel_input *in,
                                        double budget_s, struct ceilings *out, double *setup_s)
{
    struct serial_state *s = state;
    return host_probe(&s->probe, 1, in, s->cache_bytes, budget_s, out, setup_s);
}

static void serial_fini(void *state)
{
    struct serial_state *s = state;
    if (s)
        host_probe_free(s->probe);
    free(s);
}

static enum offload_status serial_markers_engine(void *state, enum markers_pairs_mode mode,
                                                 struct markers_engine *out)
{
    (void)state;
    (void)mode;
    *out = markers_engine_serial();
    return OFFLOAD_OK;
}

const struct backend_ops backend_serial = {
    .name = "serial",
    .summary = "plain C on one CPU thread (the reference)",
    .caps = {.reference = 1},
    .list_devices = serial_list_devices,
    .init = serial_init,
    .run = {[KERNEL_SQRT] = serial_run_sqrt,
            [KERNEL_SUMSQRT] = serial_run_sumsqrt,
            [KERNEL_SCORES] = serial_run_scores},
    .calibrate = serial_calibrate,
    .probe = serial_probe,
    .fini = serial_fini,
    .markers_engine = serial_markers_engine,
};
