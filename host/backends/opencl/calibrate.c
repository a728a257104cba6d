/* OpenCL backend: `offload calibrate`, the measured ceilings. */

#include "opencl_internal.h"
#include "message.h"

#include "timing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ==== calibrate: measured ceilings ========================================
 * Everything `offload calibrate` measures on an OpenCL device lives in this
 * section (kernels in kernels/calibrate.cl). Its kernels and buffers are
 * created here and released before returning; the run_* code (run.c) is not
 * involved, so tuning those kernels cannot change a ceiling. Every time is
 * the host clock around enqueue + clFinish, best of several repeats: on a
 * shared machine the fastest run is the one least disturbed. */

enum {
    CALIB_STREAM_MAX_ELEMENTS = 1 << 24, /* 128 MiB per array, as on the host */
    CALIB_STREAM_REPEATS = 5,
    CALIB_CPU_ELEMENTS_PER_ITEM = 1024, /* a vectorisable run per work-item (see sqrt.cl) */
    CALIB_SQRT_REPEATS = 4,
    CALIB_LAUNCH_WARMUPS = 5,
    CALIB_LAUNCHES = 50,
    CALIB_TRANSFER_BYTES = 64 << 20,
    CALIB_TRANSFER_REPEATS = 4,
    /* OFFLOAD_CALIBRATE_SMALL (calibrate_small()): every test runs, on
     * sizes a simulator such as Oclgrind finishes in seconds. */
    CALIB_SMALL_STREAM_ELEMENTS = 4096,
    CALIB_SMALL_LAUNCHES = 3,
    CALIB_SMALL_SQRT_ITERATIONS = 4,
    CALIB_SMALL_TRANSFER_BYTES = 64 << 10
};

/* Seconds a timed sqrt launch should last: long against launch overhead,
 * short against GPU watchdogs and the ~1-2 s budget of a calibration. */
static const double CALIB_SQRT_TARGET_S = 0.02;

/* calib_throughput's want_local for "let the driver choose". */
#define CALIB_DRIVER_LOCAL ((size_t)-1)

/* A transfer costing less than this fraction of a host memcpy of the same
 * bytes moves nothing (map/unmap of shared memory): it is reported as
 * zero-copy, never as an absurd bandwidth. */
static const double CALIB_NEGLIGIBLE_FRACTION = 0.01;

struct calib_kernels {
    cl_kernel empty, fill, copy, triad, sqrt_f64, sqrt_f32, fma_f32, fma_f64;
};

static void calib_release_kernel(cl_kernel *k)
{
    if (*k)
        CL_OK("clReleaseKernel", clReleaseKernel(*k));
    *k = NULL;
}

static void calib_release_kernels(struct calib_kernels *ck)
{
    calib_release_kernel(&ck->empty);
    calib_release_kernel(&ck->fill);
    calib_release_kernel(&ck->copy);
    calib_release_kernel(&ck->triad);
    calib_release_kernel(&ck->sqrt_f64);
    calib_release_kernel(&ck->sqrt_f32);
    calib_release_kernel(&ck->fma_f32);
    calib_release_kernel(&ck->fma_f64);
}

static void calib_release_mem(cl_mem *m)
{
    if (*m)
        CL_OK("clReleaseMemObject", clReleaseMemObject(*m));
    *m = NULL;
}

static enum offload_status calib_create_kernels(struct opencl_state *st, struct calib_kernels *ck)
{
    struct {
        cl_kernel *slot;
        const char *name;
    } wanted[] = {{&ck->empty, "calibrate_empty"},       {&ck->fill, "calibrate_fill"},
                  {&ck->copy, "calibrate_copy"},         {&ck->triad, "calibrate_triad"},
                  {&ck->sqrt_f64, "calibrate_sqrt_f64"}, {&ck->sqrt_f32, "calibrate_sqrt_f32"},
                  {&ck->fma_f32, "calibrate_fma_f32"},   {&ck->fma_f64, "calibrate_fma_f64"}};
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        cl_int err;
        *wanted[i].slot = clCreateKernel(st->program, wanted[i].name, &err);
        if (!CL_OK("clCreateKernel", err)) {
            *wanted[i].slot = NULL;
            offload_backend_error(
                "opencl", "kernel %s is missing from the program (calibrate.cl)\n", wanted[i].name);
            return OFFLOAD_ERR_RUN;
        }
    }
    return OFFLOAD_OK;
}

/* Work-group size: `want`, capped by what the device and kernel allow. */
static enum offload_status calib_local_size(const struct opencl_state *st, cl_kernel k, size_t want,
                                            size_t *local)
{
    size_t kernel_max = 0;
    if (!CL_OK("clGetKernelWorkGroupInfo(CL_KERNEL_WORK_GROUP_SIZE)",
               clGetKernelWorkGroupInfo(k, st->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_max,
                                        &kernel_max, NULL)))
        return OFFLOAD_ERR_RUN;
    size_t l = want;
    if (kernel_max && kernel_max < l)
        l = kernel_max;
    if (st->max_wg < l)
        l = st->max_wg;
    if (st->max_item0 < l)
        l = st->max_item0;
    *local = l ? l : 1;
    return OFFLOAD_OK;
}

/* One launch, finished, timed on the host clock. */
static enum offload_status calib_launch(struct opencl_state *st, cl_kernel k, size_t global,
                                        size_t local, double *seconds)
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

/* Reads element i of a double buffer back (blocking). */
static enum offload_status calib_read_element(struct opencl_state *st, cl_mem m, size_t i,
                                              double *value)
{
    return CL_OK("clEnqueueReadBuffer",
                 clEnqueueReadBuffer(st->queue, m, CL_TRUE, i * sizeof *value, sizeof *value, value,
                                     0, NULL, NULL))
               ? OFFLOAD_OK
               : OFFLOAD_ERR_RUN;
}

/* A device buffer of n doubles, every one set to value by a kernel (not
 * clEnqueueFillBuffer, whose writes Oclgrind's --uninitialized does not
 * see); writing it also makes the driver commit (touch) the memory. */
static enum offload_status calib_filled_buffer(struct opencl_state *st,
                                               const struct calib_kernels *ck, cl_ulong n,
                                               cl_ulong per_item, cl_double value, cl_mem *out)
{
    cl_int err;
    size_t local;
    size_t items = (size_t)((n + per_item - 1) / per_item);
    *out =
        clCreateBuffer(st->context, CL_MEM_READ_WRITE, (size_t)n * sizeof(cl_double), NULL, &err);
    if (!CL_OK("clCreateBuffer", err)) {
        *out = NULL;
        return OFFLOAD_ERR_RUN;
    }
    if (calib_local_size(st, ck->fill, st->cpu_path ? 64 : 256, &local) != OFFLOAD_OK ||
        !SET_ARG(ck->fill, 0, *out) || !SET_ARG(ck->fill, 1, value) || !SET_ARG(ck->fill, 2, n) ||
        !SET_ARG(ck->fill, 3, per_item))
        return OFFLOAD_ERR_RUN;
    size_t global = round_up(items, local);
    return CL_OK("clEnqueueNDRangeKernel", clEnqueueNDRangeKernel(st->queue, ck->fill, 1, NULL,
                                                                  &global, &local, 0, NULL, NULL))
               ? OFFLOAD_OK
               : OFFLOAD_ERR_RUN;
}

/* STREAM copy (c = a) and triad (b = a + 3c) on device buffers. */
static enum offload_status calib_stream(struct opencl_state *st, const struct calib_kernels *ck,
                                        struct ceilings *out)
{
    /* Three arrays within one allocation's limit and a quarter of the
     * device's memory (buffers of earlier runs may still be held). */
    const int small = calibrate_small();
    cl_ulong n64 = small ? CALIB_SMALL_STREAM_ELEMENTS : CALIB_STREAM_MAX_ELEMENTS;
    if (n64 > st->max_alloc / sizeof(cl_double))
        n64 = st->max_alloc / sizeof(cl_double);
    if (n64 > st->global_mem / (4 * 3 * sizeof(cl_double)))
        n64 = st->global_mem / (4 * 3 * sizeof(cl_double));
    if (n64 < 1024) {
        offload_backend_error("opencl", "calibrate: the device's memory is too small for the "
                                        "bandwidth test\n");
        return OFFLOAD_ERR_RUN;
    }
    const size_t n = (size_t)n64;
    cl_mem a = NULL, b = NULL, c = NULL;
    enum offload_status status = OFFLOAD_ERR_RUN;
    cl_ulong n_arg = n64;
    cl_ulong per_item = st->cpu_path ? CALIB_CPU_ELEMENTS_PER_ITEM : 1;
    cl_double scalar = 3.0;
    size_t items = (size_t)((n64 + per_item - 1) / per_item);
    size_t local_copy, local_triad;
    if (calib_local_size(st, ck->copy, st->cpu_path ? 64 : 256, &local_copy) != OFFLOAD_OK ||
        calib_local_size(st, ck->triad, st->cpu_path ? 64 : 256, &local_triad) != OFFLOAD_OK)
        goto done;
    if (calib_filled_buffer(st, ck, n64, per_item, 1.0, &a) != OFFLOAD_OK ||
        calib_filled_buffer(st, ck, n64, per_item, 0.0, &b) != OFFLOAD_OK ||
        calib_filled_buffer(st, ck, n64, per_item, 0.0, &c) != OFFLOAD_OK ||
        !CL_OK("clFinish", clFinish(st->queue)))
        goto done;
    if (!SET_ARG(ck->copy, 0, a) || !SET_ARG(ck->copy, 1, c) || !SET_ARG(ck->copy, 2, n_arg) ||
        !SET_ARG(ck->copy, 3, per_item) || !SET_ARG(ck->triad, 0, a) || !SET_ARG(ck->triad, 1, b) ||
        !SET_ARG(ck->triad, 2, c) || !SET_ARG(ck->triad, 3, scalar) ||
        !SET_ARG(ck->triad, 4, n_arg) || !SET_ARG(ck->triad, 5, per_item))
        goto done;

    /* Interleaved like STREAM; round 0 (the same NDRanges) only warms up,
     * which keeps PoCL's per-local-size compile out of the timing. */
    double best_copy = 1e300, best_triad = 1e300;
    for (int r = 0; r <= (small ? 1 : CALIB_STREAM_REPEATS); r++) {
        double tc, tt;
        if (calib_launch(st, ck->copy, round_up(items, local_copy), local_copy, &tc) !=
                OFFLOAD_OK ||
            calib_launch(st, ck->triad, round_up(items, local_triad), local_triad, &tt) !=
                OFFLOAD_OK)
            goto done;
        if (r == 0)
            continue;
        best_copy = tc < best_copy ? tc : best_copy;
        best_triad = tt < best_triad ? tt : best_triad;
    }

    /* Check the kernels did their work: b = 1 + 3 * 1 everywhere. */
    double first = 0, last = 0;
    if (calib_read_element(st, b, 0, &first) != OFFLOAD_OK ||
        calib_read_element(st, b, n - 1, &last) != OFFLOAD_OK)
        goto done;
    if (first != 4.0 || last != 4.0 || !(best_copy > 0) || !(best_triad > 0)) {
        offload_backend_error("opencl", "calibrate: the bandwidth kernels computed wrong values "
                                        "or took no measurable time\n");
        goto done;
    }
    out->stream_copy = 16.0 * (double)n / best_copy;
    out->stream_triad = 24.0 * (double)n / best_triad;
    status = OFFLOAD_OK;

done:
    calib_release_mem(&a);
    calib_release_mem(&b);
    calib_release_mem(&c);
    return status;
}

/* The iteration count for a launch of about CALIB_SQRT_TARGET_S, grown
 * from a warm-up launch (the same NDRange); a fixed few when small. */
static enum offload_status calib_sqrt_iterations(struct opencl_state *st, cl_kernel k,
                                                 size_t global, size_t local, cl_uint *out)
{
    cl_uint iterations = calibrate_small() ? CALIB_SMALL_SQRT_ITERATIONS : 16;
    double t = 0;
    if (!SET_ARG(k, 1, iterations) || calib_launch(st, k, global, local, &t) != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    if (calibrate_small()) {
        *out = iterations;
        return OFFLOAD_OK;
    }
    do {
        iterations *= 4;
        if (!SET_ARG(k, 1, iterations) || calib_launch(st, k, global, local, &t) != OFFLOAD_OK)
            return OFFLOAD_ERR_RUN;
    } while (t < CALIB_SQRT_TARGET_S / 4 && iterations < (1u << 28));
    if (t > 0 && t < CALIB_SQRT_TARGET_S) {
        double scaled = (double)iterations * CALIB_SQRT_TARGET_S / t;
        iterations = scaled < (double)(1u << 30) ? (cl_uint)scaled + 1 : (1u << 30);
    }
    *out = iterations;
    return OFFLOAD_OK;
}

/* Operations per second of one throughput kernel (sqrt or FMA): the
 * fastest of CALIB_SQRT_REPEATS launches of about CALIB_SQRT_TARGET_S each.
 * Its first result must be at least min_per_op per operation of a
 * work-item (each sqrt adds at least 1), and positive. */
static enum offload_status calib_throughput(struct opencl_state *st, cl_kernel k,
                                            size_t elem_bytes, double ops_per_iteration,
                                            double min_per_op, size_t want_local, double *rate)
{
    /* Work-items: enough groups for every compute unit (CPU drivers run a
     * group per thread; GPUs need many resident groups to hide latency). */
    size_t local = 0;
    if (want_local != CALIB_DRIVER_LOCAL &&
        calib_local_size(st, k, want_local ? want_local : st->cpu_path ? 8 : 256, &local) !=
            OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    const int small = calibrate_small();
    size_t groups = small ? 1 : (size_t)st->compute_units * (st->cpu_path ? 4 : 16);
    /* The driver's own choice of work-group (local 0: NULL) over 256
     * work-items per compute unit. */
    size_t global = local ? groups * local : small ? 1 : (size_t)st->compute_units * 256;

    enum offload_status status = OFFLOAD_ERR_RUN;
    cl_int err;
    cl_mem results =
        clCreateBuffer(st->context, CL_MEM_WRITE_ONLY, global * elem_bytes, NULL, &err);
    if (!CL_OK("clCreateBuffer", err))
        return OFFLOAD_ERR_RUN;

    cl_uint iterations = 0;
    double t = 0;
    if (!SET_ARG(k, 0, results) ||
        calib_sqrt_iterations(st, k, global, local, &iterations) != OFFLOAD_OK ||
        !SET_ARG(k, 1, iterations))
        goto done;
    double best = 1e300;
    for (int r = 0; r < (small ? 1 : CALIB_SQRT_REPEATS); r++) {
        if (calib_launch(st, k, global, local, &t) != OFFLOAD_OK)
            goto done;
        best = t < best ? t : best;
    }
    if (!(best > 0)) {
        offload_backend_error("opencl", "calibrate: the sqrt kernel took no measurable time\n");
        goto done;
    }
    /* The results are stored by every work-item, so no compiler can drop
     * the loop; reading one back confirms the kernel ran. */
    unsigned char first[8] = {0};
    if (!CL_OK("clEnqueueReadBuffer", clEnqueueReadBuffer(st->queue, results, CL_TRUE, 0,
                                                          elem_bytes, first, 0, NULL, NULL)))
        goto done;
    double value = 0;
    if (elem_bytes == sizeof(cl_double)) {
        cl_double d;
        memcpy(&d, first, sizeof d);
        value = d;
    } else {
        cl_float f;
        memcpy(&f, first, sizeof f);
        value = f;
    }
    /* Every sqrt is of a number >= 1, so the sum is at least their count;
     * FMA chains tend to 1, so theirs is positive. */
    if (!(value >= ops_per_iteration * iterations * min_per_op) || !(value > 0) ||
        !isfinite(value)) {
        offload_backend_error("opencl", "calibrate: a throughput kernel computed a wrong sum (%g)\n",
                              value);
        goto done;
    }
    *rate = (double)global * (double)iterations * ops_per_iteration / best;
    status = OFFLOAD_OK;

done:
    calib_release_mem(&results);
    return status;
}

static enum offload_status calib_sqrt(struct opencl_state *st, cl_kernel k, size_t elem_bytes,
                                      double sqrts_per_iteration, double *rate)
{
    return calib_throughput(st, k, elem_bytes, sqrts_per_iteration, 0.5, 0, rate);
}

/* Flops per second of an FMA kernel: the best over several work-group
 * sizes, since a CPU driver's vectoriser does best with some (PoCL on this
 * machine, a float16 FMA loop: 90 G f32 flop/s in groups of 16, 78 in
 * groups of 64, 115 with the driver's choice). A ceiling is the best the
 * device can do. */
static enum offload_status calib_fma(struct opencl_state *st, cl_kernel k, size_t elem_bytes,
                                     double flops_per_iteration, double *rate)
{
    static const size_t locals[] = {CALIB_DRIVER_LOCAL, 16, 64, 256};
    *rate = 0;
    for (size_t i = 0; i < (calibrate_small() ? 1 : sizeof locals / sizeof locals[0]); i++) {
        double r = 0;
        enum offload_status st_ =
            calib_throughput(st, k, elem_bytes, flops_per_iteration, 0, locals[i], &r);
        if (st_ != OFFLOAD_OK)
            return st_;
        *rate = r > *rate ? r : *rate;
    }
    return OFFLOAD_OK;
}

/* Seconds from enqueueing an empty kernel to clFinish returning, the
 * fixed cost of every launch: the minimum over CALIB_LAUNCHES. */
static enum offload_status calib_launch_latency(struct opencl_state *st, cl_kernel empty,
                                                double *latency)
{
    double best = 1e300, t;
    int warmups = calibrate_small() ? 1 : CALIB_LAUNCH_WARMUPS;
    int launches = calibrate_small() ? CALIB_SMALL_LAUNCHES : CALIB_LAUNCHES;
    for (int i = 0; i < warmups + launches; i++) {
        if (calib_launch(st, empty, 1, 1, &t) != OFFLOAD_OK)
            return OFFLOAD_ERR_RUN;
        if (i >= warmups && t < best)
            best = t;
    }
    /* A clock step is the least a measurement can honestly claim. */
    double tick = offload_clock_tick();
    *latency = best > tick ? best : tick;
    return OFFLOAD_OK;
}

enum calib_direction { CALIB_TO_DEVICE, CALIB_FROM_DEVICE };

/* One transfer of `bytes` between host and mem as the memory mode does it
 * in run_job: write/read for MEM_COPY, map + memcpy + unmap otherwise (the
 * memcpy skipped when the map returns the host pointer itself). */
static enum offload_status calib_transfer_once(struct opencl_state *st,
                                               enum offload_memory_mode mode,
                                               enum calib_direction dir, cl_mem mem,
                                               unsigned char *host, size_t bytes, double *seconds)
{
    cl_int err;
    double t0 = offload_now();
    switch (mode) {
    case MEM_COPY:
        if (dir == CALIB_TO_DEVICE
                ? !CL_OK("clEnqueueWriteBuffer", clEnqueueWriteBuffer(st->queue, mem, CL_TRUE, 0,
                                                                      bytes, host, 0, NULL, NULL))
                : !CL_OK("clEnqueueReadBuffer", clEnqueueReadBuffer(st->queue, mem, CL_TRUE, 0,
                                                                    bytes, host, 0, NULL, NULL)))
            return OFFLOAD_ERR_RUN;
        break;
    case MEM_PINNED:
    case MEM_ZERO_COPY: {
        cl_map_flags flags = dir == CALIB_TO_DEVICE ? CL_MAP_WRITE_INVALIDATE_REGION : CL_MAP_READ;
        void *mapped =
            clEnqueueMapBuffer(st->queue, mem, CL_TRUE, flags, 0, bytes, 0, NULL, NULL, &err);
        if (!CL_OK("clEnqueueMapBuffer", err))
            return OFFLOAD_ERR_RUN;
        if (mapped != host) {
            if (dir == CALIB_TO_DEVICE)
                memcpy(mapped, host, bytes);
            else
                memcpy(host, mapped, bytes);
        }
        if (!CL_OK("clEnqueueUnmapMemObject",
                   clEnqueueUnmapMemObject(st->queue, mem, mapped, 0, NULL, NULL)))
            return OFFLOAD_ERR_RUN;
        break;
    }
    }
    if (!CL_OK("clFinish", clFinish(st->queue)))
        return OFFLOAD_ERR_RUN;
    *seconds = offload_now() - t0;
    return OFFLOAD_OK;
}

/* Best host memcpy time of `bytes`: the yardstick for "negligible". */
static double calib_memcpy_time(unsigned char *dst, const unsigned char *src, size_t bytes)
{
    double best = 1e300;
    for (int r = 0; r < 3; r++) {
        double t0 = offload_now();
        memcpy(dst, src, bytes);
        double t = offload_now() - t0;
        best = t < best ? t : best;
    }
    /* The copy is read back, so it cannot be dropped as dead stores. */
    return dst[bytes / 2] == src[bytes / 2] ? best : -1;
}

/* Transfer rates of every memory mode, as run_job moves the bytes. */
static enum offload_status calib_transfers(struct opencl_state *st, struct ceilings *out)
{
    const int small = calibrate_small();
    size_t bytes = small ? CALIB_SMALL_TRANSFER_BYTES : CALIB_TRANSFER_BYTES;
    if ((cl_ulong)bytes > st->max_alloc)
        bytes = (size_t)st->max_alloc / 64 * 64;
    if (bytes < (small ? CALIB_SMALL_TRANSFER_BYTES : (1u << 20))) {
        offload_backend_error("opencl", "calibrate: the device's largest buffer is too small for "
                                        "the transfer test\n");
        return OFFLOAD_ERR_RUN;
    }
    /* 64-byte aligned and written before any timing (see DESIGN.md). */
    unsigned char *host = aligned_alloc(64, bytes);
    unsigned char *scratch = aligned_alloc(64, bytes);
    enum offload_status status = OFFLOAD_ERR_RUN;
    cl_mem mem = NULL;
    if (!host || !scratch) {
        offload_backend_error("opencl", "calibrate: out of host memory for the transfer test\n");
        goto done;
    }
    for (size_t i = 0; i < bytes; i++)
        host[i] = (unsigned char)(i * 131u);
    memset(scratch, 0, bytes);
    double memcpy_s = calib_memcpy_time(scratch, host, bytes);
    if (!(memcpy_s > 0)) {
        offload_backend_error("opencl", "calibrate: host memcpy took no measurable time\n");
        goto done;
    }

    static const cl_mem_flags mode_flags[3] = {
        [MEM_COPY] = CL_MEM_READ_WRITE,
        [MEM_PINNED] = CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR,
        [MEM_ZERO_COPY] = CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR,
    };
    for (int m = MEM_COPY; m <= MEM_ZERO_COPY; m++) {
        enum offload_memory_mode mode = (enum offload_memory_mode)m;
        cl_int err;
        mem = clCreateBuffer(st->context, mode_flags[mode], bytes,
                             mode == MEM_ZERO_COPY ? host : NULL, &err);
        if (!CL_OK("clCreateBuffer", err)) {
            mem = NULL;
            goto done;
        }
        double best[2] = {1e300, 1e300};
        for (int r = 0; r <= (small ? 1 : CALIB_TRANSFER_REPEATS); r++) {
            for (int d = CALIB_TO_DEVICE; d <= CALIB_FROM_DEVICE; d++) {
                double t;
                if (calib_transfer_once(st, mode, (enum calib_direction)d, mem, host, bytes, &t) !=
                    OFFLOAD_OK)
                    goto done;
                if (r > 0 && t < best[d]) /* round 0 warms up (first touch, pinning) */
                    best[d] = t;
            }
        }
        calib_release_mem(&mem);

        double rate[2];
        for (int d = 0; d < 2; d++)
            rate[d] = best[d] < CALIB_NEGLIGIBLE_FRACTION * memcpy_s ? 0 : (double)bytes / best[d];
        out->transfer[mode].to_device = rate[CALIB_TO_DEVICE];
        out->transfer[mode].from_device = rate[CALIB_FROM_DEVICE];
        out->transfer[mode].zero_copy = rate[0] == 0 && rate[1] == 0;
    }
    status = OFFLOAD_OK;

done:
    calib_release_mem(&mem);
    free(host);
    free(scratch);
    return status;
}

enum offload_status opencl_calibrate(void *state, struct ceilings *out)
{
    struct opencl_state *st = state;
    struct calib_kernels ck = {0};
    memset(out, 0, sizeof *out);

    /* Finish whatever a run left queued, so it is not timed here. */
    enum offload_status status =
        CL_OK("clFinish", clFinish(st->queue)) ? calib_create_kernels(st, &ck) : OFFLOAD_ERR_RUN;
    if (status == OFFLOAD_OK)
        status = calib_launch_latency(st, ck.empty, &out->launch_latency);
    if (status == OFFLOAD_OK)
        status = calib_stream(st, &ck, out);
    if (status == OFFLOAD_OK)
        status = calib_sqrt(st, ck.sqrt_f64, sizeof(cl_double), CALIB_SQRT_F64_PER_ITERATION,
                            &out->sqrt_f64);
    if (status == OFFLOAD_OK)
        status = calib_sqrt(st, ck.sqrt_f32, sizeof(cl_float), CALIB_SQRT_F32_PER_ITERATION,
                            &out->sqrt_f32);
    if (status == OFFLOAD_OK)
        status = calib_fma(st, ck.fma_f32, sizeof(cl_float), CALIB_FMA_F32_FLOPS_PER_ITERATION,
                           &out->fma_f32);
    if (status == OFFLOAD_OK)
        status = calib_fma(st, ck.fma_f64, sizeof(cl_double), CALIB_FMA_F64_FLOPS_PER_ITERATION,
                           &out->fma_f64);
    if (status == OFFLOAD_OK)
        status = calib_transfers(st, out);

    calib_release_kernels(&ck);
    return status;
}
