/* OpenCL backend: cached buffers, transfers in each memory mode, kernel
 * launches and the run_* entry points. Every call is blocking. */

#include "opencl_internal.h"
#include "message.h"

#include "parse.h"
#include "timing.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffers and transfers ---------------------------------------------- */

static void release_buffer(struct cached_buffer *b)
{
    if (b->mem)
        CL_OK("clReleaseMemObject", clReleaseMemObject(b->mem));
    *b = (struct cached_buffer){0};
}

void release_buffers(struct opencl_state *st)
{
    for (size_t i = 0; i < SLOT_COUNT; i++)
        release_buffer(&st->buffers[i]);
}

/* The buffer for a slot: the cached one when it matches, else a new one
 * (the old released first, so peak memory stays one set of buffers). */
static cl_mem slot_buffer(struct opencl_state *st, enum buffer_slot slot, cl_mem_flags flags,
                          size_t bytes, const void *host_ptr)
{
    struct cached_buffer *b = &st->buffers[slot];
    if (b->mem && b->bytes == bytes && b->flags == flags && b->host_ptr == host_ptr)
        return b->mem;
    release_buffer(b);
    cl_int err;
    /* USE_HOST_PTR takes a non-const pointer; the kernels never write an
     * input buffer, and maps for input use WRITE_INVALIDATE_REGION, which
     * copies nothing back into the caller's memory. */
    cl_mem mem = clCreateBuffer(st->context, flags, bytes, (void *)(uintptr_t)host_ptr, &err);
    if (!CL_OK("clCreateBuffer", err))
        return NULL;
    *b = (struct cached_buffer){mem, bytes, flags, host_ptr};
    return mem;
}

/* Device seconds from the start of first to the end of last; -1 when the
 * driver gives no profiling data (not an error: the host clock remains). */
double event_span(cl_event first, cl_event last)
{
    cl_ulong start = 0, end = 0;
    if (!first || !last ||
        clGetEventProfilingInfo(first, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL) !=
            CL_SUCCESS ||
        clGetEventProfilingInfo(last, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL) !=
            CL_SUCCESS ||
        end < start)
        return -1;
    return (double)(end - start) * 1e-9;
}

/* Sum of two commands' own device times (a map and its unmap), -1 if either
 * is unknown. */
static double event_pair_time(cl_event a, cl_event b)
{
    double ta = event_span(a, a), tb = event_span(b, b);
    return ta < 0 || tb < 0 ? -1 : ta + tb;
}

void release_event(cl_event *ev)
{
    if (*ev)
        CL_OK("clReleaseEvent", clReleaseEvent(*ev));
    *ev = NULL;
}

/* Kernel launches for one job: enqueues on st->queue and returns the events
 * of the first and last launch (last stays NULL for a single launch); the
 * caller releases them. */
struct job;
typedef enum offload_status (*enqueue_fn)(struct opencl_state *st, const struct job *job, cl_mem in,
                                          cl_mem out, cl_mem scratch, cl_event *first,
                                          cl_event *last);

struct job {
    const char *what; /* for messages: "sqrt", "sumsqrt (naive)", ... */
    const void *in;
    size_t in_bytes;
    void *out;
    size_t out_bytes;
    size_t scratch_bytes; /* device-only buffer, 0 for none */
    enqueue_fn enqueue;
    size_t n;    /* elements (sqrt, sumsqrt) or rows (scores) */
    size_t cols; /* scores only */
};

/* Refuses buffers the device cannot hold, before allocating any. */
static enum offload_status check_device_memory(const struct opencl_state *st, const struct job *job)
{
    const size_t sizes[3] = {job->in_bytes, job->out_bytes, job->scratch_bytes};
    const char *roles[3] = {"input", "output", "scratch"};
    cl_ulong total = 0;
    for (size_t i = 0; i < 3; i++) {
        if ((cl_ulong)sizes[i] > st->max_alloc) {
            offload_backend_error("opencl",
                                  "%s needs a %zu-byte %s buffer, more than the device's "
                                  "CL_DEVICE_MAX_MEM_ALLOC_SIZE of %" PRIu64
                                  " bytes; use a smaller input or another device\n",
                                  job->what, sizes[i], roles[i], (uint64_t)st->max_alloc);
            return OFFLOAD_ERR_USAGE;
        }
        total += sizes[i];
    }
    if (total > st->global_mem) {
        offload_backend_error("opencl",
                              "%s needs %" PRIu64 " bytes of buffers, more than the device's "
                              "CL_DEVICE_GLOBAL_MEM_SIZE of %" PRIu64
                              " bytes; use a smaller input or another device\n",
                              job->what, (uint64_t)total, (uint64_t)st->global_mem);
        return OFFLOAD_ERR_USAGE;
    }
    return OFFLOAD_OK;
}

/* The job's input and output buffers in st->memory's mode, and its scratch
 * buffer when it has one; OFFLOAD_ERR_RUN (after reporting) on failure. */
static enum offload_status job_buffers(struct opencl_state *st, const struct job *job, cl_mem *in,
                                       cl_mem *out, cl_mem *scratch)
{
    *in = *out = *scratch = NULL;
    switch (st->memory) {
    case MEM_COPY:
        *in = slot_buffer(st, SLOT_IN, CL_MEM_READ_ONLY, job->in_bytes, NULL);
        *out = *in ? slot_buffer(st, SLOT_OUT, CL_MEM_WRITE_ONLY, job->out_bytes, NULL) : NULL;
        break;
    case MEM_PINNED:
        *in =
            slot_buffer(st, SLOT_IN, CL_MEM_READ_ONLY | CL_MEM_ALLOC_HOST_PTR, job->in_bytes, NULL);
        *out = *in ? slot_buffer(st, SLOT_OUT, CL_MEM_WRITE_ONLY | CL_MEM_ALLOC_HOST_PTR,
                                 job->out_bytes, NULL)
                   : NULL;
        break;
    case MEM_ZERO_COPY:
        *in = slot_buffer(st, SLOT_IN, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, job->in_bytes,
                          job->in);
        *out = *in ? slot_buffer(st, SLOT_OUT, CL_MEM_WRITE_ONLY | CL_MEM_USE_HOST_PTR,
                                 job->out_bytes, job->out)
                   : NULL;
        break;
    }
    if (!*in || !*out)
        return OFFLOAD_ERR_RUN;
    if (job->scratch_bytes) {
        *scratch = slot_buffer(st, SLOT_SCRATCH, CL_MEM_READ_WRITE, job->scratch_bytes, NULL);
        if (!*scratch)
            return OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_OK;
}

/* Enqueues the copy in: a write for MEM_COPY, else map + memcpy + unmap, the
 * two commands' events in ev_a and ev_b. OFFLOAD_ERR_RUN (after reporting) on
 * failure, never leaving the buffer mapped. */
static enum offload_status enqueue_copy_in(struct opencl_state *st, const struct job *job,
                                           cl_mem in, cl_event *ev_a, cl_event *ev_b)
{
    cl_int err;
    void *mapped;
    switch (st->memory) {
    case MEM_COPY:
        return CL_OK("clEnqueueWriteBuffer",
                     clEnqueueWriteBuffer(st->queue, in, CL_FALSE, 0, job->in_bytes, job->in, 0,
                                          NULL, ev_a))
                   ? OFFLOAD_OK
                   : OFFLOAD_ERR_RUN;
    case MEM_PINNED:
    case MEM_ZERO_COPY:
        /* WRITE_INVALIDATE_REGION: the device's old contents are not wanted,
         * so no read-back happens (and none lands in the caller's buffer). */
        mapped = clEnqueueMapBuffer(st->queue, in, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, 0,
                                    job->in_bytes, 0, NULL, ev_a, &err);
        if (!CL_OK("clEnqueueMapBuffer", err))
            return OFFLOAD_ERR_RUN;
        /* With USE_HOST_PTR the map normally returns the caller's pointer. */
        if (mapped != job->in)
            memcpy(mapped, job->in, job->in_bytes);
        err = clEnqueueUnmapMemObject(st->queue, in, mapped, 0, NULL, ev_b);
        return CL_OK("clEnqueueUnmapMemObject", err) ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_ERR_RUN;
}

/* The copy out, as enqueue_copy_in does the copy in. */
static enum offload_status enqueue_copy_out(struct opencl_state *st, const struct job *job,
                                            cl_mem out, cl_event *ev_a, cl_event *ev_b)
{
    cl_int err;
    void *mapped;
    switch (st->memory) {
    case MEM_COPY:
        return CL_OK("clEnqueueReadBuffer",
                     clEnqueueReadBuffer(st->queue, out, CL_FALSE, 0, job->out_bytes, job->out, 0,
                                         NULL, ev_a))
                   ? OFFLOAD_OK
                   : OFFLOAD_ERR_RUN;
    case MEM_PINNED:
    case MEM_ZERO_COPY:
        mapped = clEnqueueMapBuffer(st->queue, out, CL_TRUE, CL_MAP_READ, 0, job->out_bytes, 0,
                                    NULL, ev_a, &err);
        if (!CL_OK("clEnqueueMapBuffer", err))
            return OFFLOAD_ERR_RUN;
        if (mapped != job->out)
            memcpy(job->out, mapped, job->out_bytes);
        err = clEnqueueUnmapMemObject(st->queue, out, mapped, 0, NULL, ev_b);
        return CL_OK("clEnqueueUnmapMemObject", err) ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_ERR_RUN;
}

/* Device time of a copy: one command, or a map and its unmap. */
static double copy_event_time(cl_event a, cl_event b)
{
    return b ? event_pair_time(a, b) : event_span(a, a);
}

/* Copy in, run, copy out, each phase finished before its clock stops. */
static enum offload_status run_job(struct opencl_state *st, const struct job *job,
                                   struct phase_times *times)
{
    struct phase_times t = phase_times_none();
    cl_event ev_a = NULL, ev_b = NULL;

    enum offload_status status = check_device_memory(st, job);
    if (status != OFFLOAD_OK)
        return status;
    status = OFFLOAD_ERR_RUN;

    cl_mem in, out, scratch;
    if (job_buffers(st, job, &in, &out, &scratch) != OFFLOAD_OK)
        goto fail;

    /* Copy in. */
    double t0 = offload_now();
    if (enqueue_copy_in(st, job, in, &ev_a, &ev_b) != OFFLOAD_OK ||
        !CL_OK("clFinish", clFinish(st->queue)))
        goto fail;
    t.copy_in = offload_now() - t0;
    t.event_copy_in = copy_event_time(ev_a, ev_b);
    release_event(&ev_a);
    release_event(&ev_b);

    /* Kernel(s). */
    st->launch = (struct launch_shape){0};
    st->launches = 0;
    t0 = offload_now();
    status = job->enqueue(st, job, in, out, scratch, &ev_a, &ev_b);
    if (status != OFFLOAD_OK)
        goto fail;
    status = OFFLOAD_ERR_RUN;
    if (!CL_OK("clFinish", clFinish(st->queue)))
        goto fail;
    t.kernel = offload_now() - t0;
    t.event_kernel = event_span(ev_a, ev_b ? ev_b : ev_a);
    release_event(&ev_a);
    release_event(&ev_b);

    /* Copy out. */
    t0 = offload_now();
    if (enqueue_copy_out(st, job, out, &ev_a, &ev_b) != OFFLOAD_OK ||
        !CL_OK("clFinish", clFinish(st->queue)))
        goto fail;
    t.copy_out = offload_now() - t0;
    t.event_copy_out = copy_event_time(ev_a, ev_b);
    release_event(&ev_a);
    release_event(&ev_b);
    /* A zero-copy buffer wraps the caller's memory, which must outlive it
     * and which the caller may free after this call: never keep one. */
    if (st->memory == MEM_ZERO_COPY) {
        release_buffer(&st->buffers[SLOT_IN]);
        release_buffer(&st->buffers[SLOT_OUT]);
    }

    if (times)
        *times = t;
    return OFFLOAD_OK;

fail:
    CL_OK("clFinish", clFinish(st->queue));
    /* A failed clFinish need not have waited: a transfer or kernel still
     * held may use the caller's memory, which is freed after we return.
     * Its own error, if any, repeats the one reported. */
    cl_event pending[2];
    cl_uint npending = 0;
    if (ev_a)
        pending[npending++] = ev_a;
    if (ev_b)
        pending[npending++] = ev_b;
    if (npending)
        clWaitForEvents(npending, pending);
    release_event(&ev_a);
    release_event(&ev_b);
    /* After a failure the cached buffers may be in any state: drop them. */
    release_buffers(st);
    if (times)
        *times = t;
    return status;
}

/* ---- kernel launches ---------------------------------------------------- */

/* Work-group size for kernel k over `items` work-items: a multiple of the
 * kernel's preferred multiple, 256 on GPUs (enough warps to hide latency)
 * and 64 to 4096 on CPUs (PoCL vectorises across the group), made smaller
 * until there are a few groups per compute unit so all units get work. */
static size_t local_size_for(const struct opencl_state *st, enum kernel_id k, size_t items,
                             size_t bytes_per_item_local)
{
    size_t multiple = st->kernel_multiple[k];
    size_t limit = st->kernel_max_wg[k];
    if (st->max_wg < limit)
        limit = st->max_wg;
    if (st->max_item0 < limit)
        limit = st->max_item0;
    if (bytes_per_item_local) {
        size_t fit = (size_t)(st->local_mem / 2 / bytes_per_item_local);
        if (fit < limit)
            limit = fit ? fit : 1;
    }
    size_t target = 256;
    if (st->cpu_path) {
        /* A CPU driver runs a group's work-items as one loop, and each group
         * costs a scheduling step: use large groups, 16 or more per unit. */
        size_t per_unit = items / (16 * (size_t)st->compute_units);
        target = 64;
        while (target < 4096 && target * 2 <= per_unit)
            target *= 2;
    }
    size_t local = target < limit ? target : limit;
    if (local >= multiple)
        local -= local % multiple;
    size_t want_groups = 4 * (size_t)st->compute_units;
    while (local > multiple && local % 2 == 0 && (items + local - 1) / local < want_groups)
        local /= 2;
    return local ? local : 1;
}

size_t opencl_local_size(const struct opencl_state *st, enum kernel_id k, size_t items)
{
    return local_size_for(st, k, items, 0);
}

/* Kernel names, for the launch shape. */
#define OPENCL_KERNEL_NAME(id, name) [id] = name,
static const char *const launch_names[K_COUNT] = {OPENCL_KERNELS(OPENCL_KERNEL_NAME)};
#undef OPENCL_KERNEL_NAME

/* Keeps the largest launch of the call in st->launch. */
static void record_launch(struct opencl_state *st, enum kernel_id k, cl_uint dims,
                          const size_t *global, const size_t *local, size_t local_bytes)
{
    struct launch_shape s = {
        .dims = dims, .launches = st->launch.launches + 1, .local_bytes = local_bytes};
    s.groups = 1;
    for (cl_uint d = 0; d < dims; d++) {
        s.global[d] = global[d];
        s.local[d] = local[d];
        s.groups *= local[d] ? global[d] / local[d] : 0;
    }
    snprintf(s.kernel, sizeof s.kernel, "%s", launch_names[k]);
    if (launch_work_items(&s) >= launch_work_items(&st->launch))
        st->launch = s;
    else
        st->launch.launches = s.launches;
}

static enum offload_status enqueue_ndrange_dims(struct opencl_state *st, enum kernel_id k,
                                                cl_uint dims, const size_t *global,
                                                const size_t *local, size_t local_bytes,
                                                cl_event *ev)
{
    if (!CL_OK("clEnqueueNDRangeKernel", clEnqueueNDRangeKernel(st->queue, st->kernels[k], dims,
                                                                NULL, global, local, 0, NULL, ev)))
        return OFFLOAD_ERR_RUN;
    record_launch(st, k, dims, global, local, local_bytes);
    return OFFLOAD_OK;
}

static enum offload_status enqueue_ndrange(struct opencl_state *st, enum kernel_id k, size_t global,
                                           size_t local, cl_event *ev)
{
    if (st->launches < 2) {
        st->launch_global[st->launches] = global;
        st->launch_local[st->launches] = local;
        st->launches++;
    }
    return enqueue_ndrange_dims(st, k, 1, &global, &local, 0, ev);
}

/* Work-items per group on the GPU path for a kernel that reduces in local
 * memory (bytes_per_lane each): 256, within the kernel's and the device's
 * limits, and no more than `useful` rounded up to the preferred multiple. */
static size_t gpu_lanes(const struct opencl_state *st, enum kernel_id k, size_t useful,
                        size_t bytes_per_lane)
{
    size_t lanes = local_size_for(st, k, 4 * (size_t)st->compute_units * 256, bytes_per_lane);
    size_t multiple = st->kernel_multiple[k] ? st->kernel_multiple[k] : 1;
    size_t enough = round_up(useful ? useful : 1, multiple);
    return enough < lanes ? enough : lanes;
}

/* Elements per work-item (opencl_internal.h): a CPU path work-item's run
 * (its loop vectorises); a GPU path work-item's strided share. */
static enum offload_status enqueue_sqrt(struct opencl_state *st, const struct job *job, cl_mem in,
                                        cl_mem out, cl_mem scratch, cl_event *first, cl_event *last)
{
    (void)scratch;
    cl_ulong n = job->n;
    if (!st->cpu_path) {
        /* GPUs: a grid-stride loop, several elements per work-item. */
        cl_kernel g = st->kernels[K_SQRT_STRIDED];
        size_t items = (size_t)((n + SQRT_GPU_ELEMENTS_PER_ITEM - 1) / SQRT_GPU_ELEMENTS_PER_ITEM);
        size_t local = local_size_for(st, K_SQRT_STRIDED, items, 0);
        if (!SET_ARG(g, 0, in) || !SET_ARG(g, 1, out) || !SET_ARG(g, 2, n))
            return OFFLOAD_ERR_RUN;
        (void)last;
        return enqueue_ndrange(st, K_SQRT_STRIDED, round_up(items, local), local, first);
    }
    cl_kernel k = st->kernels[K_SQRT];
    /* CPUs: runs of elements per work-item, so the loop vectorises (see
     * sqrt.cl); GPUs: one element each. */
    cl_ulong per_item = st->cpu_path ? SQRT_CPU_ELEMENTS_PER_ITEM : 1;
    size_t items = (size_t)((n + per_item - 1) / per_item);
    size_t local = local_size_for(st, K_SQRT, items, 0);
    if (!SET_ARG(k, 0, in) || !SET_ARG(k, 1, out) || !SET_ARG(k, 2, n) || !SET_ARG(k, 3, per_item))
        return OFFLOAD_ERR_RUN;
    enum offload_status s = enqueue_ndrange(st, K_SQRT, round_up(items, local), local, first);
    (void)last; /* one launch: run_job uses *first for both ends */
    return s;
}

static enum offload_status enqueue_sumsqrt_naive(struct opencl_state *st, const struct job *job,
                                                 cl_mem in, cl_mem out, cl_mem scratch,
                                                 cl_event *first, cl_event *last)
{
    (void)scratch;
    cl_ulong n = job->n;
    if (!st->cpu_path) {
        /* GPUs: 2-D, a group of lanes per output (see sumsqrt_naive_2d). */
        cl_kernel g = st->kernels[K_SUMSQRT_NAIVE_2D];
        size_t lanes = gpu_lanes(st, K_SUMSQRT_NAIVE_2D, job->n, sizeof(cl_double));
        size_t global[2] = {lanes, job->n}, local[2] = {lanes, 1};
        if (!SET_ARG(g, 0, in) || !SET_ARG(g, 1, out) || !SET_ARG(g, 2, n) ||
            !SET_LOCAL_ARG(g, 3, lanes * sizeof(cl_double)))
            return OFFLOAD_ERR_RUN;
        (void)last;
        return enqueue_ndrange_dims(st, K_SUMSQRT_NAIVE_2D, 2, global, local,
                                    lanes * sizeof(cl_double), first);
    }
    cl_kernel k = st->kernels[K_SUMSQRT_NAIVE];
    size_t local = local_size_for(st, K_SUMSQRT_NAIVE, job->n, 0);
    if (!SET_ARG(k, 0, in) || !SET_ARG(k, 1, out) || !SET_ARG(k, 2, n))
        return OFFLOAD_ERR_RUN;
    enum offload_status s =
        enqueue_ndrange(st, K_SUMSQRT_NAIVE, round_up(job->n, local), local, first);
    (void)last; /* one launch: run_job uses *first for both ends */
    return s;
}

/* Work-groups and their size for the two reduction kernels. */
static void reduction_shape(const struct opencl_state *st, size_t n, size_t *groups, size_t *local)
{
    size_t l1 = local_size_for(st, K_SUMSQRT_PARTIAL, n, sizeof(cl_double));
    size_t l2 = local_size_for(st, K_SUMSQRT_BROADCAST, n, sizeof(cl_double));
    *local = l1 < l2 ? l1 : l2;
    /* Enough groups to fill the device; few enough that every broadcast
     * group re-reducing all partials costs nothing. */
    size_t g = (n + *local - 1) / *local;
    size_t cap = 8 * (size_t)st->compute_units;
    if (cap > 1024)
        cap = 1024;
    *groups = g < cap ? g : cap;
    if (*groups == 0)
        *groups = 1;
}

static enum offload_status enqueue_sumsqrt_fast(struct opencl_state *st, const struct job *job,
                                                cl_mem in, cl_mem out, cl_mem scratch,
                                                cl_event *first, cl_event *last)
{
    size_t groups, local;
    reduction_shape(st, job->n, &groups, &local);
    cl_ulong n = job->n;
    cl_uint npartials = (cl_uint)groups;
    cl_uint contiguous = st->cpu_path ? 1u : 0u; /* see sumsqrt_partial */
    cl_kernel partial = st->kernels[K_SUMSQRT_PARTIAL];
    cl_kernel broadcast = st->kernels[K_SUMSQRT_BROADCAST];
    if (!SET_ARG(partial, 0, in) || !SET_ARG(partial, 1, n) || !SET_ARG(partial, 2, scratch) ||
        !SET_LOCAL_ARG(partial, 3, local * sizeof(cl_double)) || !SET_ARG(partial, 4, contiguous) ||
        !SET_ARG(broadcast, 0, scratch) || !SET_ARG(broadcast, 1, npartials) ||
        !SET_ARG(broadcast, 2, out) || !SET_ARG(broadcast, 3, n) ||
        !SET_LOCAL_ARG(broadcast, 4, local * sizeof(cl_double)) ||
        !SET_ARG(broadcast, 5, contiguous))
        return OFFLOAD_ERR_RUN;
    enum offload_status s = enqueue_ndrange(st, K_SUMSQRT_PARTIAL, groups * local, local, first);
    if (s == OFFLOAD_OK)
        s = enqueue_ndrange(st, K_SUMSQRT_BROADCAST, groups * local, local, last);
    return s;
}

static enum offload_status enqueue_scores(struct opencl_state *st, const struct job *job,
                                          enum kernel_id id, cl_mem in, cl_mem out, cl_event *first,
                                          cl_event *last)
{
    cl_kernel k = st->kernels[id];
    cl_ulong rows = job->n, cols = job->cols;
    size_t local = local_size_for(st, id, job->n, 0);
    if (!SET_ARG(k, 0, in) || !SET_ARG(k, 1, rows) || !SET_ARG(k, 2, cols) || !SET_ARG(k, 3, out))
        return OFFLOAD_ERR_RUN;
    enum offload_status s = enqueue_ndrange(st, id, round_up(job->n, local), local, first);
    (void)last; /* one launch: run_job uses *first for both ends */
    return s;
}

static enum offload_status enqueue_scores_naive(struct opencl_state *st, const struct job *job,
                                                cl_mem in, cl_mem out, cl_mem scratch,
                                                cl_event *first, cl_event *last)
{
    (void)scratch;
    if (!st->cpu_path) {
        /* GPUs: a work-group per row, lanes over its columns. */
        cl_kernel g = st->kernels[K_SCORES_NAIVE_ROWS];
        cl_ulong rows = job->n, cols = job->cols;
        size_t lanes = gpu_lanes(st, K_SCORES_NAIVE_ROWS, job->cols, sizeof(cl_long));
        if (!SET_ARG(g, 0, in) || !SET_ARG(g, 1, rows) || !SET_ARG(g, 2, cols) ||
            !SET_ARG(g, 3, out) || !SET_LOCAL_ARG(g, 4, lanes * sizeof(cl_long)))
            return OFFLOAD_ERR_RUN;
        (void)last;
        size_t global = job->n * lanes;
        return enqueue_ndrange_dims(st, K_SCORES_NAIVE_ROWS, 1, &global, &lanes,
                                    lanes * sizeof(cl_long), first);
    }
    return enqueue_scores(st, job, K_SCORES_NAIVE, in, out, first, last);
}

static enum offload_status enqueue_scores_fast(struct opencl_state *st, const struct job *job,
                                               cl_mem in, cl_mem out, cl_mem scratch,
                                               cl_event *first, cl_event *last)
{
    (void)scratch;
    return enqueue_scores(st, job, K_SCORES_FAST, in, out, first, last);
}

/* ---- run_* -------------------------------------------------------------- */

enum offload_status opencl_run_sqrt(void *state, const struct kernel_input *kin, void *out,
                                    struct phase_times *t)
{
    struct opencl_state *st = state;
    const double *in = kin->in;
    size_t n = kin->n;
    if (n == 0) {
        offload_backend_error("opencl", "sqrt needs at least one element\n");
        return OFFLOAD_ERR_USAGE;
    }
    struct job job = {.what = "sqrt", .in = in, .out = out, .enqueue = enqueue_sqrt, .n = n};
    if (!size_mul_fits(n, sizeof(double), &job.in_bytes) ||
        !size_mul_fits(n, sizeof(float), &job.out_bytes)) {
        offload_backend_error("opencl", "sqrt of %zu elements overflows the address space\n", n);
        return OFFLOAD_ERR_USAGE;
    }
    return run_job(st, &job, t);
}

enum offload_status opencl_run_sumsqrt(void *state, const struct kernel_input *kin, void *out,
                                       struct phase_times *t)
{
    struct opencl_state *st = state;
    const enum offload_algorithm alg = kin->alg;
    const double *in = kin->in;
    size_t n = kin->n;
    struct job job = {.in = in, .out = out, .n = n};
    switch (alg) {
    case ALG_NAIVE:
        job.what = "sumsqrt (naive)";
        job.enqueue = enqueue_sumsqrt_naive;
        break;
    case ALG_FAST:
        job.what = "sumsqrt (fast)";
        job.enqueue = enqueue_sumsqrt_fast;
        break;
    }
    if (!job.enqueue) {
        offload_backend_error("opencl", "unknown sumsqrt algorithm %d\n", (int)alg);
        return OFFLOAD_ERR_USAGE;
    }
    if (n == 0) {
        offload_backend_error("opencl", "%s needs at least one element\n", job.what);
        return OFFLOAD_ERR_USAGE;
    }
    /* Its kernels write all n outputs; a share of them (a rank's) is not
     * written yet. */
    if (kernel_output_items(kin) != n) {
        offload_backend_error("opencl",
                              "sumsqrt across ranks (a share of the outputs) does not run on "
                              "OpenCL yet: use --backend openmp or serial under mpirun\n");
        return OFFLOAD_UNAVAILABLE;
    }
    if (!size_mul_fits(n, sizeof(double), &job.in_bytes) ||
        !size_mul_fits(n, sizeof(float), &job.out_bytes)) {
        offload_backend_error("opencl", "%s of %zu elements overflows the address space\n",
                              job.what, n);
        return OFFLOAD_ERR_USAGE;
    }
    if (alg == ALG_FAST) {
        size_t groups, local;
        reduction_shape(st, n, &groups, &local);
        job.scratch_bytes = groups * sizeof(cl_double);
    }
    return run_job(st, &job, t);
}

enum offload_status opencl_run_scores(void *state, const struct kernel_input *kin, void *scores,
                                      struct phase_times *t)
{
    struct opencl_state *st = state;
    const enum offload_algorithm alg = kin->alg;
    const struct genotype_matrix *m = kin->matrix;
    struct job job = {.in = m->calls, .out = scores, .n = m->rows, .cols = m->cols};
    switch (alg) {
    case ALG_NAIVE:
        job.what = "scores (naive)";
        job.enqueue = enqueue_scores_naive;
        break;
    case ALG_FAST:
        job.what = "scores (fast)";
        job.enqueue = enqueue_scores_fast;
        break;
    }
    if (!job.enqueue) {
        offload_backend_error("opencl", "unknown scores algorithm %d\n", (int)alg);
        return OFFLOAD_ERR_USAGE;
    }
    if (m->rows == 0 || m->cols == 0 || !m->calls) {
        offload_backend_error("opencl", "%s needs a matrix with at least one row and one column\n",
                              job.what);
        return OFFLOAD_ERR_USAGE;
    }
    if (!size_mul_fits(m->rows, m->cols, &job.in_bytes) ||
        !size_mul_fits(m->rows, sizeof(cl_long), &job.out_bytes)) {
        offload_backend_error("opencl", "a %zu x %zu matrix overflows the address space\n", m->rows,
                              m->cols);
        return OFFLOAD_ERR_USAGE;
    }
    return run_job(st, &job, t);
}

/* "1 launch of 40960 work-items in groups of 256 (GPU path)": the NDRanges
 * of the last kernel call. */
void opencl_describe_launch(void *state, char *buf, size_t cap)
{
    const struct opencl_state *st = state;
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < st->launches && used < cap; i++) {
        int w = snprintf(buf + used, cap - used, "%s%zu work-items in %zu groups of %zu",
                         i ? " then " : "", st->launch_global[i],
                         st->launch_local[i] ? st->launch_global[i] / st->launch_local[i] : 0,
                         st->launch_local[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    if (used < cap)
        snprintf(buf + used, cap - used, " (%s path)", st->cpu_path ? "CPU" : "GPU");
}
