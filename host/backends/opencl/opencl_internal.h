/* OpenCL backend internals, shared by the files of host/backends/opencl/ only.
 *
 * When you change this folder:
 * - calls point one way: backend_opencl.c (init/fini, ops table) -> devices.c, program.c,
 *   run.c, calibrate.c, probe.c -> helpers.c; never back up, never sideways between those,
 *   but probe.c launches the run's own sqrt kernel in the run's shape (run.c's
 *   opencl_local_size) and the calibration's kernels by name;
 * - only what two files use is declared here; everything else stays `static`;
 * - messages are checked by tests/robustness: change one only with its test. */

#ifndef OFFLOAD_OPENCL_INTERNAL_H
#define OFFLOAD_OPENCL_INTERNAL_H

#include "backend.h"

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- error reporting (helpers.c) ------------------------------------------ */

/* A predicate, not a status: true when the call succeeded; when not, the
 * failure is reported (call, CL name, function, file, line) before it
 * returns false. Callers turn false into OFFLOAD_ERR_RUN. */
bool cl_succeeded(cl_int err, const char *call, const char *func, const char *file, int line);

/* CL_OK("clFinish", clFinish(q)) or, for calls that report through &err,
 * CL_OK("clCreateBuffer", err). The expression is evaluated once. */
#define CL_OK(call, err) cl_succeeded((err), (call), __func__, __FILE__, __LINE__)

#define SET_ARG(kernel, index, value)                                                              \
    CL_OK("clSetKernelArg", clSetKernelArg((kernel), (index), sizeof(value), &(value)))
#define SET_LOCAL_ARG(kernel, index, bytes)                                                        \
    CL_OK("clSetKernelArg", clSetKernelArg((kernel), (index), (bytes), NULL))

/* ---- state ---------------------------------------------------------------- */

/* The OpenCL kernels the runs launch: id and __kernel name, one line each
 * (a new kernel adds its line here and its run function in run.c). */
#define OPENCL_KERNELS(X)                                                                          \
    X(K_SQRT, "sqrt_f64")                                                                          \
    X(K_SUMSQRT_NAIVE, "sumsqrt_naive")                                                            \
    X(K_SUMSQRT_PARTIAL, "sumsqrt_partial")                                                        \
    X(K_SUMSQRT_BROADCAST, "sumsqrt_broadcast")                                                    \
    X(K_SCORES_NAIVE, "scores_naive")                                                              \
    X(K_SCORES_FAST, "scores_fast")                                                                \
    X(K_MARKERS_SCORE_CPU, "markers_score_cpu")                                                    \
    X(K_MARKERS_SCORE_GPU, "markers_score_gpu")                                                    \
    X(K_MARKERS_REMOVE, "markers_remove_pairs") \
    X(K_SQRT_STRIDED, "sqrt_f64_strided")                                                          \
    X(K_SUMSQRT_NAIVE_2D, "sumsqrt_naive_2d")                                                      \
    X(K_SCORES_NAIVE_ROWS, "scores_naive_rows")

#define OPENCL_KERNEL_ID(id, name) id,
enum kernel_id { OPENCL_KERNELS(OPENCL_KERNEL_ID) K_COUNT };
#undef OPENCL_KERNEL_ID

/* What the calibration kernels (calibrate.cl) do per loop iteration, as
 * calibrate.c and probe.c count them. */
enum {
    CALIB_SQRT_F64_PER_ITERATION = 32,       /* 8 x double4 */
    CALIB_SQRT_F32_PER_ITERATION = 64,       /* 8 x float8 */
    CALIB_FMA_F32_FLOPS_PER_ITERATION = 256, /* 8 x float16 FMAs, 2 flops each */
    CALIB_FMA_F64_FLOPS_PER_ITERATION = 128  /* 8 x double8 */
};

struct opencl_probe; /* probe.c: kernels and buffers kept between probes */

/* Device buffers by role; each is kept until a call needs another size. */
enum buffer_slot { SLOT_IN, SLOT_OUT, SLOT_SCRATCH, SLOT_COUNT };

struct cached_buffer {
    cl_mem mem;
    size_t bytes;
    cl_mem_flags flags;
    const void *host_ptr; /* the caller's pointer for CL_MEM_USE_HOST_PTR */
};

/* Work-group strategy (run.c). Forcing one runs a device's kernels the other
 * way, e.g. the GPU path on a CPU driver. */
enum opencl_path {
    OPENCL_PATH_AUTO, /* from the device type: CPU path on CPU devices, else GPU path */
    OPENCL_PATH_CPU,  /* long runs of elements per work-item, large groups */
    OPENCL_PATH_GPU   /* one element per work-item, groups of 256, strided reductions */
};

/* The backend's own options (backend_opencl.c), as backend_config.options
 * indexes them. */
enum opencl_option { OPENCL_OPTION_PATH, OPENCL_OPTION_KERNEL_DIR, OPENCL_OPTION_COUNT };

struct opencl_state {
    cl_platform_id platform;
    cl_device_id device;
    cl_context context;
    cl_command_queue queue;
    cl_program program;
    cl_kernel kernels[K_COUNT];
    size_t kernel_max_wg[K_COUNT];   /* CL_KERNEL_WORK_GROUP_SIZE */
    size_t kernel_multiple[K_COUNT]; /* CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE */

    /* Device limits, read once. */
    cl_ulong max_alloc, global_mem, local_mem;
    size_t max_wg, max_item0;
    cl_uint compute_units;
    int cpu_path;      /* work-group strategy: 1 CPU path, 0 GPU path (enum opencl_path) */
    int device_is_cpu; /* CL_DEVICE_TYPE_CPU, whatever the path */

    enum offload_memory_mode memory;
    struct cached_buffer buffers[SLOT_COUNT];

    /* The NDRanges of the last kernel call, for 'run' to print. */
    size_t launch_global[2], launch_local[2];
    int launches;
    /* A user's kernel file (run FILE.cl), when init was given one. */
    cl_program file_program;
    cl_kernel file_kernel; /* the entry last run, made on its first call */
    char file_entry[FILE_KERNEL_NAME_MAX];
    struct cached_buffer file_buffers[FILE_MAX_ARGS]; /* by argument index */
    struct launch_shape launch; /* the last call's largest launch */
    double cache_bytes;         /* CL_DEVICE_GLOBAL_MEM_CACHE_SIZE; 0 unknown */
    struct opencl_probe *probe; /* NULL until the first probe */
};

/* ---- small helpers (helpers.c) -------------------------------------------- */

char *device_string_alloc(cl_device_id dev, cl_device_info what, const char *call);
int device_string(cl_device_id dev, cl_device_info what, char *buf, size_t len, const char *call);
int platform_string(cl_platform_id p, cl_platform_info what, char *buf, size_t len,
                    const char *call);
size_t round_up(size_t value, size_t multiple);

/* ---- devices --format (describe.c) ---------------------------------------- */

enum offload_status opencl_describe_devices(struct device_description *out, size_t cap, size_t *n);

/* ---- devices (devices.c) -------------------------------------------------- */

struct device_entry {
    cl_platform_id platform;
    cl_device_id device;
    cl_uint platform_index, device_index;
    char name[200];
};

struct device_list {
    struct device_entry *items;
    size_t count;
};

enum offload_status enumerate_devices(struct device_list *list, FILE *no_platform_out);
int device_has_fp64(cl_device_id dev);
enum offload_status select_device(const struct device_list *list, const char *selector,
                                  const struct device_entry **chosen);
enum offload_status opencl_list_devices(FILE *out);
size_t opencl_list_selectors(char (*selectors)[16], size_t cap);

/* ---- program (program.c) -------------------------------------------------- */

enum offload_status build_program(struct opencl_state *st, const char *kernel_dir, int *cached);
enum offload_status create_kernels(struct opencl_state *st);
/* Entries in PoCL's kernel cache, -1 when unknown (a build that adds none
 * came from the cache). */
long pocl_cache_entries(const struct opencl_state *st);
/* The build log on stderr; source_path (or NULL) replaces the driver's
 * temporary file name in it. */
void print_program_log(const struct opencl_state *st, cl_program program, const char *source_path);

/* ---- runs (run.c) --------------------------------------------------------- */

void release_buffers(struct opencl_state *st);
double event_span(cl_event first, cl_event last);
void release_event(cl_event *ev);
enum offload_status opencl_run_sqrt(void *state, const struct kernel_input *kin, void *out,
                                    struct phase_times *t);
enum offload_status opencl_run_sumsqrt(void *state, const struct kernel_input *kin, void *out,
                                       struct phase_times *t);
enum offload_status opencl_run_scores(void *state, const struct kernel_input *kin, void *scores,
                                      struct phase_times *t);
void opencl_describe_launch(void *state, char *buf, size_t cap);
/* The work-group size the runs give kernel k over `items` work-items. */
size_t opencl_local_size(const struct opencl_state *st, enum kernel_id k, size_t items);
/* Elements per work-item of the sqrt kernel on the CPU path (sqrt_f64) and
 * the GPU path (sqrt_f64_strided). */
enum { SQRT_CPU_ELEMENTS_PER_ITEM = 256, SQRT_GPU_ELEMENTS_PER_ITEM = 8 };

/* ---- a user's kernel file (run_file.c) ------------------------------------ */

enum offload_status build_file_program(struct opencl_state *st, const struct file_source *file,
                                       int *cached);
enum offload_status opencl_file_kernels(void *state, struct file_program_decl *out);
void release_file_buffers(struct opencl_state *st);
enum offload_status opencl_run_file(void *state, const struct kernel_input *kin, void *out,
                                    struct phase_times *t);
/* ---- markers (markers_cl.c) ----------------------------------------------- */

struct markers_engine;
enum offload_status opencl_markers_engine(void *state, enum markers_pairs_mode mode,
                                          struct markers_engine *out);

/* ---- calibrate (calibrate.c) ---------------------------------------------- */

enum offload_status opencl_calibrate(void *state, struct ceilings *out);

/* ---- probe: the ceilings around one run (probe.c) ------------------------- */

enum offload_status opencl_probe(void *state, const struct kernel_input *in, double budget_s,
                                 struct ceilings *out, double *setup_s);
void opencl_probe_free(struct opencl_state *st);

#endif
