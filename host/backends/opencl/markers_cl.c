/* offload markers on an OpenCL device: the patterns' bit planes stay on the
 * device; the remaining pairs are either copied there before each rescore
 * (PAIRS_COPY) or kept there and compacted by a kernel after each pick
 * (PAIRS_RESIDENT). Every call blocks and is timed on the host clock. */

#include "opencl_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "markers.h"
#include "message.h"
#include "timing.h"

struct markers_cl {
    struct opencl_state *st;
    enum markers_pairs_mode mode;
    cl_mem planes, pairs, scores, left;
    cl_uint words, npatterns, npairs; /* npairs: the pairs the device holds */
    cl_uint *host_scores;
};

static void release_mem(cl_mem *m)
{
    if (*m)
        CL_OK("clReleaseMemObject", clReleaseMemObject(*m));
    *m = NULL;
}

static void markers_cl_end(void *state)
{
    struct markers_cl *m = state;
    if (!m)
        return;
    release_mem(&m->planes);
    release_mem(&m->pairs);
    release_mem(&m->scores);
    release_mem(&m->left);
    free(m->host_scores);
    free(m);
}

static cl_mem device_buffer(struct markers_cl *m, size_t bytes, const char *what)
{
    if (bytes > m->st->max_alloc) {
        offload_backend_error("opencl",
                              "markers: the %s need %zu bytes, more than the device's largest "
                              "buffer (%llu bytes): use --backend openmp\n",
                              what, bytes, (unsigned long long)m->st->max_alloc);
        return NULL;
    }
    cl_int err;
    cl_mem mem = clCreateBuffer(m->st->context, CL_MEM_READ_WRITE, bytes ? bytes : 8, NULL, &err);
    return CL_OK("clCreateBuffer", err) ? mem : NULL;
}

static int write_blocking(struct markers_cl *m, cl_mem mem, size_t bytes, const void *src)
{
    return bytes == 0 || CL_OK("clEnqueueWriteBuffer",
                               clEnqueueWriteBuffer(m->st->queue, mem, CL_TRUE, 0, bytes, src, 0,
                                                    NULL, NULL));
}

static enum offload_status markers_cl_begin(void *state, const struct marker_patterns *pat,
                                            const struct marker_pairs *pairs,
                                            struct markers_times *t)
{
    struct markers_cl *m = state;
    if (pat->varieties > UINT32_MAX || pairs->count > UINT32_MAX / 2 ||
        pat->words * 64 > UINT32_MAX) {
        offload_backend_error("opencl", "markers: %zu varieties and %zu patterns are more than "
                                        "the kernels count in 32 bits: use --backend openmp\n",
                              pat->varieties, pat->count);
        return OFFLOAD_ERR_USAGE;
    }
    m->words = (cl_uint)pat->words;
    m->npatterns = (cl_uint)pat->count;
    m->npairs = (cl_uint)pairs->count;
    size_t plane_bytes = pat->varieties * 3 * pat->words * sizeof *pat->planes;
    size_t pair_bytes = pairs->count * 2 * sizeof *pairs->pair;
    m->host_scores = malloc((pat->count ? pat->count : 1) * sizeof *m->host_scores);
    if (!m->host_scores) {
        offload_backend_error("opencl", "markers: out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    if (!(m->planes = device_buffer(m, plane_bytes, "pattern planes")) ||
        !(m->pairs = device_buffer(m, pair_bytes, "pairs")) ||
        !(m->scores = device_buffer(m, pat->count * sizeof(cl_uint), "scores")) ||
        !(m->left = device_buffer(m, sizeof(cl_uint), "pair count")))
        return OFFLOAD_ERR_RUN;
    double t0 = offload_now();
    if (!write_blocking(m, m->planes, plane_bytes, pat->planes) ||
        !write_blocking(m, m->pairs, pair_bytes, pairs->pair))
        return OFFLOAD_ERR_RUN;
    t->device_in += offload_now() - t0;
    return OFFLOAD_OK;
}

/* Work-items the GPU path aims for: a few per lane of a large GPU. */
#define GPU_ITEMS 16384

static enum offload_status launch_score(struct markers_cl *m)
{
    struct opencl_state *st = m->st;
    enum kernel_id k = st->cpu_path ? K_MARKERS_SCORE_CPU : K_MARKERS_SCORE_GPU;
    cl_kernel kern = st->kernels[k];
    if (!SET_ARG(kern, 0, m->planes) || !SET_ARG(kern, 1, m->words) ||
        !SET_ARG(kern, 2, m->pairs) || !SET_ARG(kern, 3, m->npairs) ||
        !SET_ARG(kern, 4, m->scores) || !SET_ARG(kern, 5, m->npatterns))
        return OFFLOAD_ERR_RUN;
    if (st->cpu_path) {
        size_t global = m->words;
        return CL_OK("clEnqueueNDRangeKernel", clEnqueueNDRangeKernel(st->queue, kern, 1, NULL,
                                                                      &global, NULL, 0, NULL,
                                                                      NULL))
                   ? OFFLOAD_OK
                   : OFFLOAD_ERR_RUN;
    }
    size_t slices = GPU_ITEMS / m->words + 1;
    if (slices > m->npairs)
        slices = m->npairs ? m->npairs : 1;
    size_t global[2] = {m->words, slices};
    /* The partial counts are added to zeros, written from the host (a fill
     * would do, but checkers such as Oclgrind do not see it initialise). */
    memset(m->host_scores, 0, (size_t)m->npatterns * sizeof *m->host_scores);
    if (!write_blocking(m, m->scores, (size_t)m->npatterns * sizeof *m->host_scores,
                        m->host_scores) ||
        !CL_OK("clEnqueueNDRangeKernel",
               clEnqueueNDRangeKernel(st->queue, kern, 2, NULL, global, NULL, 0, NULL, NULL)))
        return OFFLOAD_ERR_RUN;
    return OFFLOAD_OK;
}

static enum offload_status markers_cl_score_all(void *state, const struct marker_patterns *pat,
                                                const struct marker_pairs *pairs, int64_t *out,
                                                struct markers_times *t)
{
    struct markers_cl *m = state;
    double t0 = offload_now();
    if (m->mode == PAIRS_COPY) {
        if (!write_blocking(m, m->pairs, pairs->count * 2 * sizeof *pairs->pair, pairs->pair))
            return OFFLOAD_ERR_RUN;
        m->npairs = (cl_uint)pairs->count;
        t->device_in += offload_now() - t0;
    } else if (m->npairs != pairs->count) {
        offload_backend_error("opencl", "markers: the device holds %u pairs, the host %zu\n",
                              m->npairs, pairs->count);
        return OFFLOAD_ERR_RUN;
    }
    t0 = offload_now();
    if (launch_score(m) != OFFLOAD_OK || !CL_OK("clFinish", clFinish(m->st->queue)))
        return OFFLOAD_ERR_RUN;
    t->device_kernel += offload_now() - t0;
    t->launches++;
    t0 = offload_now();
    if (!CL_OK("clEnqueueReadBuffer",
               clEnqueueReadBuffer(m->st->queue, m->scores, CL_TRUE, 0,
                                   pat->count * sizeof *m->host_scores, m->host_scores, 0, NULL,
                                   NULL)))
        return OFFLOAD_ERR_RUN;
    t->device_out += offload_now() - t0;
    for (size_t p = 0; p < pat->count; p++)
        out[p] = m->host_scores[p];
    return OFFLOAD_OK;
}

static enum offload_status markers_cl_picked(void *state, const struct marker_patterns *pat,
                                             const struct marker_pairs *pairs, size_t p,
                                             struct markers_times *t)
{
    struct markers_cl *m = state;
    (void)pat;
    if (m->mode == PAIRS_COPY)
        return OFFLOAD_OK;
    cl_kernel kern = m->st->kernels[K_MARKERS_REMOVE];
    cl_uint pattern = (cl_uint)p, left = 0;
    size_t one = 1;
    double t0 = offload_now();
    if (!SET_ARG(kern, 0, m->planes) || !SET_ARG(kern, 1, m->words) ||
        !SET_ARG(kern, 2, m->pairs) || !SET_ARG(kern, 3, m->npairs) ||
        !SET_ARG(kern, 4, pattern) || !SET_ARG(kern, 5, m->left) ||
        !CL_OK("clEnqueueNDRangeKernel", clEnqueueNDRangeKernel(m->st->queue, kern, 1, NULL, &one,
                                                                NULL, 0, NULL, NULL)) ||
        !CL_OK("clEnqueueReadBuffer", clEnqueueReadBuffer(m->st->queue, m->left, CL_TRUE, 0,
                                                          sizeof left, &left, 0, NULL, NULL)))
        return OFFLOAD_ERR_RUN;
    t->device_remove += offload_now() - t0;
    t->launches++;
    /* The device's list is the one the next rescore reads: it must be the host's. */
    if (left != pairs->count) {
        offload_backend_error("opencl",
                              "markers: after the pick the device kept %u pairs, the host %zu: "
                              "the device's compaction is wrong\n",
                              left, pairs->count);
        return OFFLOAD_ERR_RUN;
    }
    m->npairs = left;
    return OFFLOAD_OK;
}

enum offload_status opencl_markers_engine(void *state, enum markers_pairs_mode mode,
                                          struct markers_engine *out)
{
    struct markers_cl *m = calloc(1, sizeof *m);
    if (!m) {
        offload_backend_error("opencl", "markers: out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    m->st = state;
    m->mode = mode;
    struct markers_engine e = {mode == PAIRS_COPY ? "opencl copy" : "opencl resident",
                               m,
                               markers_cl_begin,
                               markers_cl_score_all,
                               markers_cl_picked,
                               markers_cl_end,
                               NULL};
    *out = e;
    return OFFLOAD_OK;
}
