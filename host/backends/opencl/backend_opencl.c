/* OpenCL backend: one platform/device/context/queue/program per init, held in
 * struct opencl_state (no globals), kernels embedded at build time from
 * kernels/<name>.cl (or read from --kernel-dir), buffers cached between calls of
 * the same size so repeated timed runs measure transfers and kernels, not
 * allocation. Every call is blocking: results are in host memory on return. */

#include "opencl_internal.h"
#include "message.h"

#include "timing.h"

#include <stdlib.h>
#include <string.h>

/* ---- init / fini -------------------------------------------------------- */

/* Releases whatever init managed to build; NULL-safe. */
static void opencl_fini(void *state)
{
    struct opencl_state *st = state;
    if (!st)
        return;
    if (st->queue)
        CL_OK("clFinish", clFinish(st->queue));
    release_buffers(st);
    release_file_buffers(st);
    opencl_probe_free(st);
    if (st->file_kernel)
        CL_OK("clReleaseKernel", clReleaseKernel(st->file_kernel));
    if (st->file_program)
        CL_OK("clReleaseProgram", clReleaseProgram(st->file_program));
    for (size_t k = 0; k < K_COUNT; k++)
        if (st->kernels[k])
            CL_OK("clReleaseKernel", clReleaseKernel(st->kernels[k]));
    if (st->program)
        CL_OK("clReleaseProgram", clReleaseProgram(st->program));
    if (st->queue)
        CL_OK("clReleaseCommandQueue", clReleaseCommandQueue(st->queue));
    if (st->context)
        CL_OK("clReleaseContext", clReleaseContext(st->context));
    free(st);
}

/* cl_amd_device_attribute_query's CL_DEVICE_BOARD_NAME_AMD, which not
 * every cl_ext.h defines. */
#define CL_DEVICE_BOARD_NAME_AMD_QUERY 0x4038

/* Reads the limits into st, chooses the work-group path and records both
 * in info: a forced path is part of the device line, so reports show it and
 * its ceilings (measured the same way) get their own cache entry. */
static enum offload_status read_device_limits(struct opencl_state *st, enum opencl_path path,
                                              struct backend_info *info)
{
    cl_device_type type = 0;
    cl_bool host_unified = CL_FALSE;
    size_t item_sizes[3] = {0, 0, 0};
    cl_device_id dev = st->device;
    if (!CL_OK("clGetDeviceInfo(CL_DEVICE_TYPE)",
               clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof type, &type, NULL)) ||
        !CL_OK("clGetDeviceInfo(CL_DEVICE_MAX_MEM_ALLOC_SIZE)",
               clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof st->max_alloc,
                               &st->max_alloc, NULL)) ||
        !CL_OK("clGetDeviceInfo(CL_DEVICE_GLOBAL_MEM_SIZE)",
               clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof st->global_mem,
                               &st->global_mem, NULL)) ||
        !CL_OK("clGetDeviceInfo(CL_DEVICE_LOCAL_MEM_SIZE)",
               clGetDeviceInfo(dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof st->local_mem, &st->local_mem,
                               NULL)) ||
        !CL_OK("clGetDeviceInfo(CL_DEVICE_MAX_WORK_GROUP_SIZE)",
               clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof st->max_wg, &st->max_wg,
                               NULL)) ||
        !CL_OK("clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)",
               clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof item_sizes, item_sizes,
                               NULL)) ||
        !CL_OK("clGetDeviceInfo(CL_DEVICE_MAX_COMPUTE_UNITS)",
               clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof st->compute_units,
                               &st->compute_units, NULL)) ||
        !CL_OK("clGetDeviceInfo(CL_DEVICE_HOST_UNIFIED_MEMORY)",
               clGetDeviceInfo(dev, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof host_unified,
                               &host_unified, NULL)))
        return OFFLOAD_ERR_RUN;
    st->device_is_cpu = (type & CL_DEVICE_TYPE_CPU) != 0;
    /* The role reports match rows by: a laptop's CPU device against a
     * workstation's CPU device, GPU against GPU. */
    snprintf(info->device_role, sizeof info->device_role, "%s",
             (type & CL_DEVICE_TYPE_GPU)           ? "GPU"
             : (type & CL_DEVICE_TYPE_ACCELERATOR) ? "accelerator"
             : (type & CL_DEVICE_TYPE_CPU)         ? "CPU"
                                                   : "device");
    info->max_alloc = (uint64_t)st->max_alloc;
    st->cpu_path =
        path == OPENCL_PATH_AUTO ? (type & CL_DEVICE_TYPE_CPU) != 0 : path == OPENCL_PATH_CPU;
    st->max_item0 = item_sizes[0] ? item_sizes[0] : 1;
    if (st->compute_units == 0)
        st->compute_units = 1;
    info->unified_memory = host_unified == CL_TRUE;
    struct device_limits *lim = &info->limits;
    lim->gpu = (type & CL_DEVICE_TYPE_GPU) != 0;
    lim->compute_units = st->compute_units;
    lim->max_work_group = st->max_wg;
    lim->local_mem_bytes = (double)st->local_mem;
    device_string(dev, CL_DEVICE_VENDOR, lim->vendor, sizeof lim->vendor,
                  "clGetDeviceInfo(CL_DEVICE_VENDOR)");
    /* AMD names a device by its ISA (gfx942); its board name says which
     * product. Other drivers do not know the query: no message then. */
    size_t board_len = 0;
    if (clGetDeviceInfo(dev, CL_DEVICE_BOARD_NAME_AMD_QUERY, sizeof lim->board - 1, lim->board,
                        &board_len) != CL_SUCCESS)
        lim->board[0] = '\0';
    lim->board[sizeof lim->board - 1] = '\0';
    if (path != OPENCL_PATH_AUTO) {
        size_t used = strlen(info->device);
        snprintf(info->device + used, sizeof info->device - used, " (%s path)",
                 st->cpu_path ? "cpu" : "gpu");
    }
    return OFFLOAD_OK;
}

/* The names, platform and driver of the chosen device, for reports. */
static void describe_chosen(struct opencl_state *st, const struct device_entry *chosen,
                            struct backend_info *info)
{
    snprintf(info->device, sizeof info->device, "%u.%u %s", chosen->platform_index,
             chosen->device_index, chosen->name);
    char platform_name[128], platform_version[120];
    platform_string(st->platform, CL_PLATFORM_NAME, platform_name, sizeof platform_name,
                    "clGetPlatformInfo(CL_PLATFORM_NAME)");
    platform_string(st->platform, CL_PLATFORM_VERSION, platform_version, sizeof platform_version,
                    "clGetPlatformInfo(CL_PLATFORM_VERSION)");
    snprintf(info->platform, sizeof info->platform, "%s (%s)", platform_name, platform_version);
    device_string(st->device, CL_DRIVER_VERSION, info->driver, sizeof info->driver,
                  "clGetDeviceInfo(CL_DRIVER_VERSION)");
    info->threads = 0;
    info->build_s = 0;
    info->build_cached = -1;
}

/* The device's place relative to the host: a CPU device sharing host
 * memory is the host CPU on its compute units, judged against the host's
 * ceilings too (see backend_ceilings); the largest cache only serves the
 * "fits in cache" sentence, and a device that does not say keeps 0. */
static void describe_host_relation(struct opencl_state *st, struct backend_info *info)
{
    info->host_threads = st->device_is_cpu && info->unified_memory ? (int)st->compute_units : 0;
    cl_ulong cache = 0;
    info->cache_bytes = 0;
    if (clGetDeviceInfo(st->device, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, sizeof cache, &cache, NULL) ==
        CL_SUCCESS)
        info->cache_bytes = (double)cache;
    st->cache_bytes = info->cache_bytes;
}

/* The chosen device's context and its profiling queue. */
static enum offload_status create_context_and_queue(struct opencl_state *st)
{
    cl_int err;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)st->platform, 0};
    st->context = clCreateContext(props, 1, &st->device, NULL, NULL, &err);
    if (!CL_OK("clCreateContext", err)) {
        st->context = NULL;
        return OFFLOAD_ERR_RUN;
    }
    /* clCreateCommandQueue is deprecated in 2.0 but is the 1.2 call, which
     * every driver still has. */
    st->queue = clCreateCommandQueue(st->context, st->device, CL_QUEUE_PROFILING_ENABLE, &err);
    if (!CL_OK("clCreateCommandQueue", err)) {
        st->queue = NULL;
        return OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_OK;
}

static enum offload_status opencl_init(const struct backend_config *cfg, void **state,
                                       struct backend_info *info)
{
    *state = NULL;
    double t0 = offload_now();

    struct device_list list;
    enum offload_status status = enumerate_devices(&list, cfg->quiet ? NULL : stderr);
    if (status != OFFLOAD_OK)
        return status;

    if (list.count == 0) {
        if (!cfg->quiet)
            offload_backend_error("opencl", "the OpenCL platforms found have no devices\n");
        free(list.items);
        return OFFLOAD_UNAVAILABLE;
    }
    const struct device_entry *chosen = NULL;
    status = select_device(&list, cfg->device_selector, &chosen);
    if (status != OFFLOAD_OK) {
        free(list.items);
        return status;
    }

    struct opencl_state *st = calloc(1, sizeof *st);
    if (!st) {
        offload_backend_error("opencl", "out of host memory\n");
        free(list.items);
        return OFFLOAD_ERR_RUN;
    }
    st->platform = chosen->platform;
    st->device = chosen->device;
    st->memory = cfg->memory;

    describe_chosen(st, chosen, info);
    free(list.items);

    if (!device_has_fp64(st->device)) {
        if (!cfg->quiet)
            offload_backend_error("opencl",
                                  "device %s has no double precision (cl_khr_fp64), which the "
                                  "sqrt and sumsqrt kernels need; choose another device\n",
                                  info->device);
        opencl_fini(st);
        return OFFLOAD_UNAVAILABLE;
    }
    const char *path = cfg->options[OPENCL_OPTION_PATH];
    enum opencl_path forced = !path                      ? OPENCL_PATH_AUTO
                              : strcmp(path, "cpu") == 0 ? OPENCL_PATH_CPU
                                                         : OPENCL_PATH_GPU;
    if (read_device_limits(st, forced, info) != OFFLOAD_OK)
        goto fail;
    describe_host_relation(st, info);
    info->has_memory_mode = 1;
    info->memory_mode = cfg->memory;

    if (create_context_and_queue(st) != OFFLOAD_OK)
        goto fail;
    double t1 = offload_now();
    info->setup_s = t1 - t0;

    status = build_program(st, cfg->options[OPENCL_OPTION_KERNEL_DIR], &info->build_cached);
    if (status != OFFLOAD_OK) {
        opencl_fini(st);
        return status;
    }
    info->build_s = offload_now() - t1;

    if (create_kernels(st) != OFFLOAD_OK)
        goto fail;
    info->limits.preferred_multiple = st->kernel_multiple[K_SQRT];

    /* A user's file: its build is the one reported (the built-in program
     * stays, for calibrate). */
    if (cfg->file) {
        double t2 = offload_now();
        status = build_file_program(st, cfg->file, &info->build_cached);
        if (status != OFFLOAD_OK) {
            opencl_fini(st);
            return status;
        }
        info->build_s = offload_now() - t2;
    }

    *state = st;
    return OFFLOAD_OK;

fail:
    opencl_fini(st);
    return OFFLOAD_ERR_RUN;
}

static int opencl_launch_shape(void *state, struct launch_shape *out)
{
    const struct opencl_state *st = state;
    *out = st->launch;
    return st->launch.dims > 0;
}

/* The OpenCL headers this build saw and the version it targets. */
static void opencl_build_facts(char *buf, size_t len)
{
#ifndef OFFLOAD_OPENCL_HEADERS
#define OFFLOAD_OPENCL_HEADERS "unknown"
#endif
    snprintf(buf, len, "headers %s, target %d.%d", OFFLOAD_OPENCL_HEADERS,
             CL_TARGET_OPENCL_VERSION / 100, CL_TARGET_OPENCL_VERSION % 100 / 10);
}

static const struct backend_env opencl_environment[] = {
    {"OCL_ICD_VENDORS", "folder of .icd files the OpenCL ICD loader reads to find drivers "
                        "(default /etc/OpenCL/vendors)"},
    {"POCL_CACHE_DIR", "where PoCL caches compiled kernels; recorded in exports"},
    {"POCL_KERNEL_CACHE", "0 turns PoCL's kernel cache off"},
};

static const struct backend_option opencl_options[OPENCL_OPTION_COUNT] = {
    [OPENCL_OPTION_PATH] = {"opencl-path", "P", "cpu gpu", 0,
                            "OpenCL work-groups: cpu (long runs per work-item) or gpu (one "
                            "element each, groups of 256); default: from the device type"},
    [OPENCL_OPTION_KERNEL_DIR] = {"kernel-dir", "DIR", NULL, 1,
                                  "OpenCL: read DIR/*.cl instead of the built-in kernels"},
};

const struct backend_ops backend_opencl = {
    .name = "opencl",
    .summary = "OpenCL device (GPU or CPU driver such as PoCL), kernels from kernels/*.cl",
    .caps = {.device_selectors = 1, .memory_modes = 1, .copies = 1, .launch_latency = 1},
    .list_devices = opencl_list_devices,
    .list_selectors = opencl_list_selectors,
    .init = opencl_init,
    .run = {[KERNEL_SQRT] = opencl_run_sqrt,
            [KERNEL_SUMSQRT] = opencl_run_sumsqrt,
            [KERNEL_SCORES] = opencl_run_scores,
            [KERNEL_FILE] = opencl_run_file},
    .file_kernels = opencl_file_kernels,
    .calibrate = opencl_calibrate,
    .probe = opencl_probe,
    .launch_shape = opencl_launch_shape,
    .fini = opencl_fini,
    .describe_devices = opencl_describe_devices,
    .describe_launch = opencl_describe_launch,
    .markers_engine = opencl_markers_engine,
    .options = opencl_options,
    .option_count = OPENCL_OPTION_COUNT,
    .build_facts = opencl_build_facts,
    .environment = opencl_environment,
    .environment_count = sizeof opencl_environment / sizeof opencl_environment[0],
};
