/* OpenCL backend: the ceilings that bound one run, probed right before and
 * after its timed runs (ops->probe, see host/measure/fresh.h).
 *
 * The probe reuses the calibration's kernels (kernels/calibrate.cl) at the
 * run's own size and shape: the kernel's access pattern (sqrt's f64->f32
 * mix: calibrate_convert beside the run's own sqrt kernel in the run's
 * NDRange, so no kernel of ours beats its probe; a user's kernel: STREAM
 * triad over its bytes), its operation (float64 or float32 sqrt, FMA) and
 * the copies of the memory mode in use, moved as the run moves them. Every
 * kernel, buffer and NDRange is made and launched once untimed on the first
 * probe (PoCL compiles a kernel for each local size on first launch): that
 * time is reported apart as setup, never inside a rate or the budget. */

#include "opencl_internal.h"
#include "message.h"

#include "timing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { PROBE_PASSES = 3, PROBE_OPS_SETUP_ITERATIONS = 16, PROBE_COPY_MAX_BYTES = 64 << 20 };

/* The throughput kernels, by the operation each measures. */
enum probe_op { POP_SQRT_F64, POP_SQRT_F32, POP_FMA_F32, POP_FMA_F64, POP_COUNT };

static const struct {
    const char *kernel;
    size_t elem_bytes;
    double per_iteration; /* operations of one work-item's loop iteration */
} probe_ops[POP_COUNT] = {
    [POP_SQRT_F64] = {"calibrate_sqrt_f64", sizeof(cl_double), CALIB_SQRT_F64_PER_ITERATION},
    [POP_SQRT_F32] = {"calibrate_sqrt_f32", sizeof(cl_float), CALIB_SQRT_F32_PER_ITERATION},
    [POP_FMA_F32] = {"calibrate_fma_f32", sizeof(cl_float), CALIB_FMA_F32_FLOPS_PER_ITERATION},
    [POP_FMA_F64] = {"calibrate_fma_f64", sizeof(cl_double), CALIB_FMA_F64_FLOPS_PER_ITERATION},
};

struct opencl_probe {
    /* What the buffers were made for: a new kernel or size makes them again. */
    enum offload_kernel kernel;
    size_t elements; /* of the memory probe's arrays, 0 none */
    size_t in_bytes, out_bytes;
    cl_kernel convert, own, triad, fill;
    cl_mem in, out, third; /* in: doubles; out: floats (convert) or doubles (triad) */
    size_t own_global, own_local, convert_global, convert_local;
    int own_faster;      /* the run's own sqrt kernel beat calibrate_convert at setup */
    unsigned char *host; /* the host side of the copies, max(in, out) bytes */
    cl_kernel ops[POP_COUNT];
    cl_mem results[POP_COUNT];
    size_t ops_global[POP_COUNT], ops_local[POP_COUNT];
    double ops_iteration_s[POP_COUNT]; /* seconds per iteration of a launch, from setup */
};

static void release_kernel(cl_kernel *k)
{
    if (*k)
        CL_OK("clReleaseKernel", clReleaseKernel(*k));
    *k = NULL;
}

static void release_mem(cl_mem *m)
{
    if (*m)
        CL_OK("clReleaseMemObject", clReleaseMemObject(*m));
    *m = NULL;
}

/* The memory probe's and the copies' buffers (kept: the kernels stay). */
static void release_arrays(struct opencl_probe *p)
{
    release_mem(&p->in);
    release_mem(&p->out);
    release_mem(&p->third);
    free(p->host);
    p->host = NULL;
    p->elements = p->in_bytes = p->out_bytes = 0;
}

void opencl_probe_free(struct opencl_state *st)
{
    struct opencl_probe *p = st->probe;
    if (!p)
        return;
    release_arrays(p);
    release_kernel(&p->convert);
    release_kernel(&p->own);
    release_kernel(&p->triad);
    release_kernel(&p->fill);
    for (int i = 0; i < POP_COUNT; i++) {
        release_kernel(&p->ops[i]);
        release_mem(&p->results[i]);
    }
    free(p);
    st->probe = NULL;
}

static enum offload_status create_kernel(const struct opencl_state *st, const char *name,
                                         cl_kernel *out)
{
    cl_int err;
    *out = clCreateKernel(st->program, name, &err);
    if (!CL_OK("clCreateKernel", err)) {
        *out = NULL;
        offload_backend_error("opencl", "probe: kernel %s is missing from the program\n", name);
        return OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_OK;
}

/* One launch, finished, timed on the host clock. */
static enum offload_status launch(struct opencl_state *st, cl_kernel k, size_t global, size_t local,
                                  double *seconds)
{
    double t0 = offload_now();
    if (!CL_OK("clEnqueueNDRangeKernel",
               clEnqueueNDRangeKernel(st->queue, k, 1, NULL, &global, local ? &local : NULL, 0,
                                      NULL, NULL)) ||
        !CL_OK("clFinish", clFinish(st->queue)))
        return OFFLOAD_ERR_RUN;
    *seconds = offload_now() - t0;
    return OFFLOAD_OK;
}

static cl_mem new_buffer(struct opencl_state *st, cl_mem_flags flags, size_t bytes)
{
    cl_int err;
    cl_mem m = clCreateBuffer(st->context, flags, bytes ? bytes : 1, NULL, &err);
    return CL_OK("clCreateBuffer", err) ? m : NULL;
}

/* The buffers' flags: the memory mode's, so the copies and the kernel's
 * pattern are probed on the kind of memory the run uses. */
static cl_mem_flags mode_flags(const struct opencl_state *st)
{
    return st->memory == MEM_COPY ? CL_MEM_READ_WRITE : CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR;
}

/* a[0..n) = value with calibrate_fill (also commits the pages). */
static enum offload_status fill(struct opencl_state *st, cl_mem a, size_t n, double value)
{
    struct opencl_probe *p = st->probe;
    cl_ulong n64 = n, per_item = st->cpu_path ? 1024 : 1;
    cl_double v = value;
    size_t items = (size_t)((n64 + per_item - 1) / per_item), local = 0;
    double t;
    if (!SET_ARG(p->fill, 0, a) || !SET_ARG(p->fill, 1, v) || !SET_ARG(p->fill, 2, n64) ||
        !SET_ARG(p->fill, 3, per_item))
        return OFFLOAD_ERR_RUN;
    local = st->cpu_path ? 8 : 256;
    if (local > st->max_wg)
        local = st->max_wg;
    return launch(st, p->fill, round_up(items, local), local, &t);
}

/* The convert probe and the run's own sqrt kernel over in -> out, in the
 * run's NDRange, each launched once (PoCL compiles it then). */
static enum offload_status setup_convert(struct opencl_state *st, size_t n)
{
    struct opencl_probe *p = st->probe;
    cl_ulong n64 = n;
    cl_ulong per_item = st->cpu_path ? SQRT_CPU_ELEMENTS_PER_ITEM : 1;
    size_t items = (size_t)((n64 + per_item - 1) / per_item);
    p->convert_local = opencl_local_size(st, K_SQRT, items);
    p->convert_global = round_up(items, p->convert_local);
    if (!SET_ARG(p->convert, 0, p->in) || !SET_ARG(p->convert, 1, p->out) ||
        !SET_ARG(p->convert, 2, n64) || !SET_ARG(p->convert, 3, per_item) ||
        !SET_ARG(p->own, 0, p->in) || !SET_ARG(p->own, 1, p->out) || !SET_ARG(p->own, 2, n64))
        return OFFLOAD_ERR_RUN;
    if (st->cpu_path) {
        p->own_local = p->convert_local;
        p->own_global = p->convert_global;
        if (!SET_ARG(p->own, 3, per_item))
            return OFFLOAD_ERR_RUN;
    } else {
        size_t own_items = (n + SQRT_GPU_ELEMENTS_PER_ITEM - 1) / SQRT_GPU_ELEMENTS_PER_ITEM;
        p->own_local = opencl_local_size(st, K_SQRT_STRIDED, own_items);
        p->own_global = round_up(own_items, p->own_local);
    }
    /* Launched twice each: the first compiles, the second says which is
     * faster here, the one the timed passes then run. */
    double t, convert_s = 0, own_s = 0;
    if (fill(st, p->in, n, 1.0) != OFFLOAD_OK ||
        launch(st, p->convert, p->convert_global, p->convert_local, &t) != OFFLOAD_OK ||
        launch(st, p->own, p->own_global, p->own_local, &t) != OFFLOAD_OK ||
        launch(st, p->convert, p->convert_global, p->convert_local, &convert_s) != OFFLOAD_OK ||
        launch(st, p->own, p->own_global, p->own_local, &own_s) != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    p->own_faster = own_s < convert_s;
    return OFFLOAD_OK;
}

/* STREAM triad over three arrays of n doubles, launched once. */
static enum offload_status setup_triad(struct opencl_state *st, size_t n)
{
    struct opencl_probe *p = st->probe;
    cl_ulong n64 = n, per_item = st->cpu_path ? 1024 : 1;
    cl_double scalar = 3.0;
    size_t items = (size_t)((n64 + per_item - 1) / per_item);
    p->convert_local = st->cpu_path ? 8 : 256;
    if (p->convert_local > st->max_wg)
        p->convert_local = st->max_wg;
    p->convert_global = round_up(items, p->convert_local);
    double t;
    if (fill(st, p->in, n, 1.0) != OFFLOAD_OK || fill(st, p->third, n, 1.0) != OFFLOAD_OK ||
        !SET_ARG(p->triad, 0, p->in) || !SET_ARG(p->triad, 1, p->out) ||
        !SET_ARG(p->triad, 2, p->third) || !SET_ARG(p->triad, 3, scalar) ||
        !SET_ARG(p->triad, 4, n64) || !SET_ARG(p->triad, 5, per_item))
        return OFFLOAD_ERR_RUN;
    return launch(st, p->triad, p->convert_global, p->convert_local, &t);
}

static enum offload_status copy_once(struct opencl_state *st, cl_mem mem, size_t bytes,
                                     int to_device, double *seconds);

/* Buffers for kernel kin (its pattern over `elements`, its copies), made
 * when the last probe was of another kernel or size. */
static enum offload_status setup_arrays(struct opencl_state *st, const struct kernel_input *kin,
                                        size_t elements, size_t in_bytes, size_t out_bytes)
{
    struct opencl_probe *p = st->probe;
    if (p->kernel == kin->kernel && p->elements == elements && p->in_bytes == in_bytes &&
        p->out_bytes == out_bytes && (p->in || !elements))
        return OFFLOAD_OK;
    release_arrays(p);
    p->kernel = kin->kernel;
    const int triad = kernel_spec_of(kin->kernel)->memory_pattern == MEMORY_STREAM;
    size_t in_size = in_bytes > elements * 8 ? in_bytes : elements * 8;
    size_t out_size =
        out_bytes > elements * (triad ? 8 : 4) ? out_bytes : elements * (triad ? 8 : 4);
    /* Copies in come from the first in_bytes, copies out land after them,
     * so what comes back never goes in again. */
    size_t host_bytes = ((in_bytes / 64 + 1) * 64 + out_bytes + 63) / 64 * 64;
    p->in = new_buffer(st, mode_flags(st), in_size);
    p->out = p->in ? new_buffer(st, mode_flags(st), out_size) : NULL;
    p->third = p->out && triad && elements ? new_buffer(st, CL_MEM_READ_WRITE, elements * 8) : NULL;
    p->host = aligned_alloc(64, host_bytes);
    if (!p->in || !p->out || (triad && elements && !p->third) || !p->host) {
        offload_backend_error("opencl", "probe: out of memory for its buffers\n");
        release_arrays(p);
        return OFFLOAD_ERR_RUN;
    }
    /* The copies carry positive doubles, so a convert after them stays valid. */
    for (size_t i = 0; i < in_bytes / sizeof(double); i++)
        ((double *)p->host)[i] = 1.0;
    memset(p->host + in_bytes, 0, host_bytes - in_bytes);
    p->elements = elements;
    p->in_bytes = in_bytes;
    p->out_bytes = out_bytes;
    enum offload_status s = OFFLOAD_OK;
    if (elements)
        s = triad ? setup_triad(st, elements) : setup_convert(st, elements);
    /* One copy each way untimed: first touch and pinning stay out of the rates. */
    double t;
    if (s == OFFLOAD_OK && in_bytes)
        s = copy_once(st, p->in, in_bytes, 1, &t);
    if (s == OFFLOAD_OK && out_bytes)
        s = copy_once(st, p->out, out_bytes, 0, &t);
    if (s != OFFLOAD_OK)
        release_arrays(p);
    return s;
}

/* The throughput kernel of op, its results buffer and NDRange (as
 * calibrate.c's calib_throughput), launched twice: the first compiles, the
 * second gives the seconds per iteration that size later launches. */
static enum offload_status setup_ops(struct opencl_state *st, enum probe_op op)
{
    struct opencl_probe *p = st->probe;
    if (p->ops_iteration_s[op] > 0)
        return OFFLOAD_OK;
    if (!p->ops[op] && create_kernel(st, probe_ops[op].kernel, &p->ops[op]) != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    size_t local = st->cpu_path ? 8 : 256;
    if (local > st->max_wg)
        local = st->max_wg;
    p->ops_local[op] = local;
    p->ops_global[op] = (size_t)st->compute_units * (st->cpu_path ? 4 : 16) * local;
    if (!p->results[op])
        p->results[op] =
            new_buffer(st, CL_MEM_WRITE_ONLY, p->ops_global[op] * probe_ops[op].elem_bytes);
    cl_uint iterations = PROBE_OPS_SETUP_ITERATIONS;
    double t = 0;
    if (!p->results[op] || !SET_ARG(p->ops[op], 0, p->results[op]) ||
        !SET_ARG(p->ops[op], 1, iterations) ||
        launch(st, p->ops[op], p->ops_global[op], local, &t) != OFFLOAD_OK ||
        launch(st, p->ops[op], p->ops_global[op], local, &t) != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    p->ops_iteration_s[op] = fmax(t, 1e-7) / iterations;
    return OFFLOAD_OK;
}

/* Operations per second of op in about `share` seconds: passes of about a
 * third of it (PROBE_PASSES at most, one at least), the fastest kept. */
static double measure_ops(struct opencl_state *st, enum probe_op op, double share)
{
    struct opencl_probe *p = st->probe;
    double want = share / PROBE_PASSES / p->ops_iteration_s[op];
    cl_uint iterations = want < 4 ? 4 : want > (double)(1u << 28) ? (1u << 28) : (cl_uint)want;
    double best = INFINITY, t, t0 = offload_now();
    if (!SET_ARG(p->ops[op], 1, iterations))
        return 0;
    for (int r = 0; r < PROBE_PASSES && (r == 0 || offload_now() - t0 < share); r++) {
        if (launch(st, p->ops[op], p->ops_global[op], p->ops_local[op], &t) != OFFLOAD_OK)
            return 0;
        best = fmin(best, t);
    }
    /* Every sqrt is of a number >= 1 and FMA chains tend to 1: the first
     * work-item's sum is positive and finite. */
    double value = 0;
    if (probe_ops[op].elem_bytes == sizeof(cl_double)) {
        cl_double d = 0;
        if (!CL_OK("clEnqueueReadBuffer", clEnqueueReadBuffer(st->queue, p->results[op], CL_TRUE, 0,
                                                              sizeof d, &d, 0, NULL, NULL)))
            return 0;
        value = d;
    } else {
        cl_float f = 0;
        if (!CL_OK("clEnqueueReadBuffer", clEnqueueReadBuffer(st->queue, p->results[op], CL_TRUE, 0,
                                                              sizeof f, &f, 0, NULL, NULL)))
            return 0;
        value = f;
    }
    if (!(value > 0) || !isfinite(value) || !(best > 0) || !isfinite(best))
        return 0;
    return (double)p->ops_global[op] * iterations * probe_ops[op].per_iteration / best;
}

/* The kernel's access pattern in about `share` seconds: the best pass of
 * the faster at setup of calibrate_convert and the run's own sqrt kernel
 * (a triad for a user's kernel) over its arrays. */
static double measure_memory(struct opencl_state *st, int triad, double share)
{
    struct opencl_probe *p = st->probe;
    double best = INFINITY, t, t0 = offload_now();
    for (int r = 0; r < PROBE_PASSES && (r == 0 || offload_now() - t0 < share); r++) {
        if (triad) {
            if (launch(st, p->triad, p->convert_global, p->convert_local, &t) != OFFLOAD_OK)
                return 0;
            best = fmin(best, t);
            continue;
        }
        if ((p->own_faster
                 ? launch(st, p->own, p->own_global, p->own_local, &t)
                 : launch(st, p->convert, p->convert_global, p->convert_local, &t)) != OFFLOAD_OK)
            return 0;
        best = fmin(best, t);
    }
    if (!(best > 0) || !isfinite(best))
        return 0;
    return (triad ? 24.0 : 12.0) * (double)p->elements / best;
}

/* One copy of `bytes` between the host scratch and mem, as the run's memory
 * mode moves them (run.c: write/read, or map + memcpy + unmap). */
static enum offload_status copy_once(struct opencl_state *st, cl_mem mem, size_t bytes,
                                     int to_device, double *seconds)
{
    struct opencl_probe *p = st->probe;
    unsigned char *host = to_device ? p->host : p->host + (p->in_bytes / 64 + 1) * 64;
    double t0 = offload_now();
    if (st->memory == MEM_COPY) {
        if (to_device
                ? !CL_OK("clEnqueueWriteBuffer", clEnqueueWriteBuffer(st->queue, mem, CL_FALSE, 0,
                                                                      bytes, host, 0, NULL, NULL))
                : !CL_OK("clEnqueueReadBuffer", clEnqueueReadBuffer(st->queue, mem, CL_FALSE, 0,
                                                                    bytes, host, 0, NULL, NULL)))
            return OFFLOAD_ERR_RUN;
    } else {
        cl_int err;
        void *mapped = clEnqueueMapBuffer(st->queue, mem, CL_TRUE,
                                          to_device ? CL_MAP_WRITE_INVALIDATE_REGION : CL_MAP_READ,
                                          0, bytes, 0, NULL, NULL, &err);
        if (!CL_OK("clEnqueueMapBuffer", err))
            return OFFLOAD_ERR_RUN;
        if (to_device)
            memcpy(mapped, host, bytes);
        else
            memcpy(host, mapped, bytes);
        if (!CL_OK("clEnqueueUnmapMemObject",
                   clEnqueueUnmapMemObject(st->queue, mem, mapped, 0, NULL, NULL)))
            return OFFLOAD_ERR_RUN;
    }
    if (!CL_OK("clFinish", clFinish(st->queue)))
        return OFFLOAD_ERR_RUN;
    *seconds = offload_now() - t0;
    return OFFLOAD_OK;
}

/* The copies of the run's memory mode in about `share` seconds. */
static enum offload_status measure_copies(struct opencl_state *st, double share,
                                          struct ceilings *out)
{
    struct opencl_probe *p = st->probe;
    double best_in = INFINITY, best_out = INFINITY, t, t0 = offload_now();
    for (int r = 0; r < PROBE_PASSES && (r == 0 || offload_now() - t0 < share); r++) {
        if (p->in_bytes) {
            if (copy_once(st, p->in, p->in_bytes, 1, &t) != OFFLOAD_OK)
                return OFFLOAD_ERR_RUN;
            best_in = fmin(best_in, t);
        }
        if (p->out_bytes) {
            if (copy_once(st, p->out, p->out_bytes, 0, &t) != OFFLOAD_OK)
                return OFFLOAD_ERR_RUN;
            best_out = fmin(best_out, t);
        }
    }
    out->transfer[st->memory].to_device = p->in_bytes ? (double)p->in_bytes / best_in : 0;
    out->transfer[st->memory].from_device = p->out_bytes ? (double)p->out_bytes / best_out : 0;
    return OFFLOAD_OK;
}

/* The memory probe wrote what it should: (float)1 everywhere after the
 * convert or sqrt of ones, 1 + 3 * 1 after the triad. */
static int memory_output_right(struct opencl_state *st, int triad)
{
    struct opencl_probe *p = st->probe;
    size_t last = p->elements - 1;
    if (triad) {
        cl_double d = 0;
        return CL_OK("clEnqueueReadBuffer",
                     clEnqueueReadBuffer(st->queue, p->out, CL_TRUE, last * sizeof d, sizeof d, &d,
                                         0, NULL, NULL)) &&
               d == 4.0;
    }
    cl_float f = 0;
    return CL_OK("clEnqueueReadBuffer",
                 clEnqueueReadBuffer(st->queue, p->out, CL_TRUE, last * sizeof f, sizeof f, &f, 0,
                                     NULL, NULL)) &&
           f == 1.0f;
}

/* The operation kernel that bounds kin, or POP_COUNT for none. */
static enum probe_op probed_op(const struct kernel_input *kin)
{
    const struct kernel_spec *spec = kernel_spec_of(kin->kernel);
    switch (kin->alg == ALG_FAST ? spec->fast_op_ceiling : spec->op_ceiling) {
    case OPS_NONE:
    case OPS_COMPARE: /* no OpenCL calibration kernel: the cached rate stands */
        return POP_COUNT;
    case OPS_SQRT_F64:
        return POP_SQRT_F64;
    case OPS_SQRT_F32:
        return POP_SQRT_F32;
    case OPS_FMA_F32:
        return POP_FMA_F32;
    case OPS_FMA_F64:
        return POP_FMA_F64;
    }
    return POP_COUNT;
}

/* The memory probe's elements for kin: 0 when its bytes fit the device's
 * cache (not bounded by memory) or its pattern has no kernel here. */
static size_t memory_elements(const struct opencl_state *st, const struct kernel_input *kin,
                              double bytes)
{
    if (st->cache_bytes > 0 && bytes <= st->cache_bytes)
        return 0;
    switch (kernel_spec_of(kin->kernel)->memory_pattern) {
    case MEMORY_CONVERT:
        return kin->n;
    case MEMORY_STREAM: /* the triad moves the kernel's bytes, 24 per element */
        return (size_t)(bytes / 24) > 0 ? (size_t)(bytes / 24) : 1;
    case MEMORY_READ:
        return 0; /* no read-only kernel in calibrate.cl: the cached rate stands */
    }
    return 0;
}

enum offload_status opencl_probe(void *state, const struct kernel_input *kin, double budget_s,
                                 struct ceilings *out, double *setup_s)
{
    struct opencl_state *st = state;
    memset(out, 0, sizeof *out);
    const double t0 = offload_now();
    if (!st->probe) {
        st->probe = calloc(1, sizeof *st->probe);
        struct opencl_probe *p = st->probe;
        if (!p || create_kernel(st, "calibrate_convert", &p->convert) != OFFLOAD_OK ||
            create_kernel(st, st->cpu_path ? "sqrt_f64" : "sqrt_f64_strided", &p->own) !=
                OFFLOAD_OK ||
            create_kernel(st, "calibrate_triad", &p->triad) != OFFLOAD_OK ||
            create_kernel(st, "calibrate_fill", &p->fill) != OFFLOAD_OK) {
            opencl_probe_free(st);
            return OFFLOAD_ERR_RUN;
        }
    }
    const struct kernel_work w = kernel_work_of(kin);
    const size_t out_bytes = kernel_output_bytes(kin);
    const size_t in_bytes = w.bytes > (double)out_bytes ? (size_t)w.bytes - out_bytes : 0;
    const int copies = st->memory != MEM_ZERO_COPY && (in_bytes || out_bytes);
    /* Copies beyond the calibration's 64 MiB move at the same rate: the
     * probe copies at most that much each way. */
    const size_t copy_in = in_bytes < PROBE_COPY_MAX_BYTES ? in_bytes : PROBE_COPY_MAX_BYTES;
    const size_t copy_out = out_bytes < PROBE_COPY_MAX_BYTES ? out_bytes : PROBE_COPY_MAX_BYTES;
    const size_t elements = memory_elements(st, kin, w.bytes);
    const enum probe_op op = probed_op(kin);
    enum offload_status s =
        setup_arrays(st, kin, elements, copies ? copy_in : 0, copies ? copy_out : 0);
    if (s == OFFLOAD_OK && op != POP_COUNT)
        s = setup_ops(st, op);
    if (setup_s)
        *setup_s += offload_now() - t0;
    if (s != OFFLOAD_OK)
        return s;
    const int measures = (elements > 0) + copies + (op != POP_COUNT);
    const double share = budget_s / (measures ? measures : 1);
    const int triad = kernel_spec_of(kin->kernel)->memory_pattern == MEMORY_STREAM;
    if (copies && measure_copies(st, share, out) != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    if (elements) {
        double rate = measure_memory(st, triad, share);
        if (!(rate > 0) || !memory_output_right(st, triad)) {
            offload_backend_error("opencl", "probe: the bandwidth probe computed wrong values "
                                            "or took no measurable time\n");
            return OFFLOAD_ERR_RUN;
        }
        if (triad)
            out->stream_triad = rate;
        else
            out->convert_f64_f32 = rate;
    }
    if (op != POP_COUNT) {
        double rate = measure_ops(st, op, share);
        if (!(rate > 0)) {
            offload_backend_error("opencl",
                                  "probe: %s computed a wrong sum or took no "
                                  "measurable time\n",
                                  probe_ops[op].kernel);
            return OFFLOAD_ERR_RUN;
        }
        double *slot[POP_COUNT] = {&out->sqrt_f64, &out->sqrt_f32, &out->fma_f32, &out->fma_f64};
        *slot[op] = rate;
    }
    return OFFLOAD_OK;
}
