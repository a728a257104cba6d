#ifndef OFFLOAD_BACKEND_H
#define OFFLOAD_BACKEND_H

/* One interface for every backend: a const table of function pointers whose
 * calls block until the result is in host memory (as BabelStream's Stream.h).
 * Each backend lives in a folder of its own (host/backends/NAME/) and keeps
 * its state behind a void *. Required in every backend_ops: name, summary,
 * init, fini, calibrate and a run[] entry per kernel (and list_selectors with
 * caps.device_selectors); test_registry checks them. The rest is optional. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "file_kernel.h"
#include "kernels.h"
#include "provenance.h"
#include "status.h"

/* How a device backend reaches the host's buffers. Every offload model has
 * the three (OpenCL: read/write buffers, CL_MEM_ALLOC_HOST_PTR + map,
 * CL_MEM_USE_HOST_PTR; CUDA: cudaMemcpy, pinned, mapped), so results, exports
 * and verdicts name them whatever the backend. */
enum offload_memory_mode {
    MEM_COPY,     /* device buffers, copied in and out */
    MEM_PINNED,   /* page-locked host staging, mapped */
    MEM_ZERO_COPY /* the device works on the caller's buffers */
};

/* An option of a backend's own (OpenCL's --opencl-path), declared in the
 * backend's folder. The command line's one option table lists these after
 * its own rows, so parsing, --help, the man page and the completions take
 * them without naming the backend. */
struct backend_option {
    const char *name;    /* long name without "--" */
    const char *metavar; /* "P", "DIR" */
    const char *choices; /* the accepted values, space separated; NULL: any text */
    int is_dir;          /* the value is a folder (for completions) */
    const char *help;
};
#define BACKEND_MAX_OPTIONS 4

/* Where offload markers keeps the remaining variety pairs on a device. */
enum markers_pairs_mode {
    PAIRS_COPY,    /* the host's list is copied to the device before each rescore */
    PAIRS_RESIDENT /* the list stays on the device and is compacted there after each pick */
};

struct markers_engine;

struct backend_config {
    int threads;                 /* host threads; 0 = runtime default */
    const char *device_selector; /* "P.D" or a name substring; NULL = first device */
    enum offload_memory_mode memory;
    int quiet; /* say nothing when the device is unavailable (tests) */
    /* This backend's own options, indexed as backend_ops.options lists
     * them; NULL when not given. Choices are checked by the command line. */
    const char *options[BACKEND_MAX_OPTIONS];
    /* A user's kernel file to build as well (run FILE.cl), with
     * -cl-kernel-arg-info; NULL for the built-in kernels only. */
    const struct file_source *file;
};

/* Seconds; a negative value means "not applicable to this backend". */
struct phase_times {
    double copy_in, kernel, copy_out;                   /* host monotonic clock */
    double event_copy_in, event_kernel, event_copy_out; /* device profiling events */
    double distribute, collect; /* across ranks: input to every rank, output back to rank 0 */
};

/* An environment variable a backend (or what it drives) reads: the man page
 * lists it, and exports record its value. */
struct backend_env {
    const char *name;
    const char *help;
};

/* What init found out, for reports. */
/* What a device says about itself that bounds how much of it a launch can
 * fill (the occupancy verdict); all 0 for the host backends. */
struct device_limits {
    int gpu;                   /* CL_DEVICE_TYPE_GPU */
    char vendor[64];           /* CL_DEVICE_VENDOR */
    char board[128];           /* the board's name where the device name is an ISA
                                * (AMD's gfx942 is an "AMD Instinct MI300X"), else "" */
    unsigned compute_units;    /* CL_DEVICE_MAX_COMPUTE_UNITS */
    size_t max_work_group;     /* CL_DEVICE_MAX_WORK_GROUP_SIZE */
    size_t preferred_multiple; /* CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE */
    double local_mem_bytes;    /* CL_DEVICE_LOCAL_MEM_SIZE, per work-group */
};

struct backend_info {
    char device[256];   /* e.g. "host CPU (2 threads)", "0.0 pthread-haswell-AMD EPYC" */
    char platform[256]; /* OpenCL platform name and version; empty for host */
    char driver[128];   /* driver version; empty for host */
    int threads;        /* host threads used; 0 for a device */
    int unified_memory; /* 1 when the device shares host memory */
    double cache_bytes; /* largest cache of the device (host: last level); 0 unknown */
    int host_threads;   /* the device is the host CPU on this many threads; 0 another */
    double setup_s;     /* platform/context/queue creation */
    double build_s;     /* program build; 0 for host backends */
    int build_cached;   /* 1 from a binary cache, 0 compiled, -1 unknown */
    char device_role[16]; /* "CPU", "GPU", "accelerator", "device"; "" host backends */
    int has_memory_mode; /* 1 when memory_mode applies (devices with copies) */
    enum offload_memory_mode memory_mode; /* how buffers reach the device */
    uint64_t max_alloc; /* bytes of the largest buffer the device takes; 0 unknown */
    struct device_limits limits; /* a device's own description; zero on the host */
};

/* Measured limits of one backend on one device, the ceilings each kernel
 * result is compared with (see calibrate.c). Rates per second; 0 = not
 * measured. */
struct ceilings {
    double stream_copy;     /* bytes/s moved by a[i] = b[i] (read + write counted) */
    double stream_triad;    /* bytes/s moved by a[i] = b[i] + s*c[i] */
    double stream_read;     /* bytes/s read by sum += a[i]; 0 = not measured */
    double convert_f64_f32; /* bytes/s of out_f32[i] = in_f64[i] (8 read + 4 written,
                             * the sqrt kernel's mix), best of plain and streaming
                             * stores; 0 = not measured */
    double sqrt_f64;        /* float64 square roots per second, whole device */
    double sqrt_f32;        /* float32 square roots per second, whole device */
    double compare_i8;      /* the tutorial's int8 pair compares per second (the naive
                             * scores loop on cache-resident rows); 0 = not measured */
    double fma_f32, fma_f64; /* flops per second of chains of FMAs (one FMA counts 2),
                              * whole device, as clpeak and mixbench; 0 = not measured */
    double launch_latency;  /* seconds for an empty kernel launch to complete; 0 on the host */
    struct {
        double to_device, from_device; /* bytes/s; 0 when the mode costs nothing */
        int zero_copy;                 /* 1 when no bytes move (shared memory) */
    } transfer[3];                     /* indexed by enum offload_memory_mode */
    char measured[32];                 /* UTC time of measurement (ISO 8601), "" unknown */
};

/* What a backend can do. Commands ask these, never which backend it is. */
struct backend_caps {
    int reference;        /* the plain reference backend: speedups are "vs" it */
    int threads;          /* runs on host threads: takes --threads, one run per count */
    int device_selectors; /* has devices, chosen as NAME:SEL; list_selectors lists them */
    int memory_modes;     /* host memory modes (--memory copy|pinned|zero-copy) apply */
    int copies;           /* has copy-in and copy-out phases */
    int launch_latency;   /* kernels are launched: calibration measures the latency */
};

/* One device of a backend, for 'offload devices --format csv|json'. Strings
 * are "" and numbers 0 where the backend cannot say. */
struct device_description {
    char selector[16];  /* what NAME:SEL takes, "P.D"; "" without devices */
    int platform_index; /* -1 without platforms */
    int device_index;   /* -1 without devices */
    char name[256];
    char type[32];      /* "CPU", "GPU", "accelerator", ... */
    char platform[256]; /* platform name */
    char driver[128];   /* driver version */
    uint64_t max_alloc; /* bytes, largest single buffer */
    uint64_t memory;    /* bytes of device (global) memory */
    unsigned compute_units;
};

/* A kernel call: input in host memory, output into out (a 64-byte aligned
 * buffer of kernel_output_bytes(in)), phases timed into *t. */
typedef enum offload_status (*backend_run_fn)(void *state, const struct kernel_input *in, void *out,
                                              struct phase_times *t);

/* How a device kernel was launched (its NDRange), for exports and the
 * occupancy verdict. dims 0: nothing launched. */
struct launch_shape {
    unsigned dims;             /* 1 or 2 */
    size_t global[2];          /* work-items per dimension */
    size_t local[2];           /* work-group size per dimension */
    size_t groups;             /* work-groups */
    unsigned launches;         /* kernel launches per call */
    size_t local_bytes;        /* local memory per work-group of that launch */
    char kernel[32];           /* the __kernel name of the largest launch */
};

/* Work-items of a launch (0 when none). */
size_t launch_work_items(const struct launch_shape *s);

struct backend_ops {
    const char *name;    /* "serial", "openmp", "opencl" */
    const char *summary; /* one line for --help and devices */
    struct backend_caps caps;
    /* Optional (NULL: `offload devices` prints the name and summary): print
     * the devices this backend can use; returns OFFLOAD_UNAVAILABLE (after
     * printing why and the fix) when it has none. */
    enum offload_status (*list_devices)(FILE *out);
    /* With caps.device_selectors: the selectors of every device (at most
     * cap), so compare and sweep can run each; 0 when there is none. */
    size_t (*list_selectors)(char (*selectors)[16], size_t cap);
    enum offload_status (*init)(const struct backend_config *cfg, void **state,
                                struct backend_info *info);
    /* One function per kernel, indexed by enum offload_kernel; NULL for a
     * kernel the backend cannot run (a .cl file on the host backends). */
    backend_run_fn run[KERNEL_COUNT];
    /* With cfg->file given to init: every __kernel of the file and its
     * arguments as the device declares them. NULL where files cannot run. */
    enum offload_status (*file_kernels)(void *state, struct file_program_decl *out);
    /* Measure this backend's ceilings on its device (a second or two). */
    enum offload_status (*calibrate)(void *state, struct ceilings *out);
    /* Optional (NULL: runs are judged against the cached ceilings): the
     * ceilings that bound kernel `in` (its access pattern, its operation,
     * and on a device the copies of its memory mode), measured with the
     * calibration's loops right before and after the timed runs in about
     * budget_s seconds (one timed pass of each at least); rates it does not
     * measure are left 0. One-time costs (buffers, a driver's compile on
     * first launch) are paid untimed on the first call and added to
     * *setup_s, never to the rates or the budget. */
    enum offload_status (*probe)(void *state, const struct kernel_input *in, double budget_s,
                                 struct ceilings *out, double *setup_s);
    /* Optional (NULL: nothing is launched): the shape of the last call's
     * largest kernel launch; 0 when there was none. */
    int (*launch_shape)(void *state, struct launch_shape *out);
    void (*fini)(void *state);
    /* Optional (NULL: the command describes the backend from init's
     * backend_info): every device, at most cap, into out; *n how many.
     * OFFLOAD_UNAVAILABLE (after a message on stderr) when it has none. */
    enum offload_status (*describe_devices)(struct device_description *out, size_t cap, size_t *n);
    /* Optional (NULL: host threads, described from backend_info): how the
     * last kernel call was launched, one line without a newline. */
    void (*describe_launch)(void *state, char *buf, size_t cap);
    /* offload markers: the engine that scores every pattern on the remaining
     * pairs on this backend (mode matters to devices only), valid until its
     * end() and fini. NULL: markers does not run on this backend. */
    enum offload_status (*markers_engine)(void *state, enum markers_pairs_mode mode,
                                          struct markers_engine *out);
    /* Its own options (at most BACKEND_MAX_OPTIONS), or NULL and 0. */
    const struct backend_option *options;
    size_t option_count;
    /* Optional: build facts for provenance, without the backend's name,
     * which the caller puts first ("headers 3.0, target 1.2" reads
     * "opencl headers 3.0, target 1.2"); NULL when it has none. */
    void (*build_facts)(char *buf, size_t len);
    /* The environment variables it reads, or NULL and 0. */
    const struct backend_env *environment;
    size_t environment_count;
};

/* All backends built in, in the order reports list them. */
/* Why a backend of this project is not in this build ("this build has no
 * OpenCL backend ...: reconfigure with ..."); NULL when name is built in or
 * is no backend of ours. */
const char *backend_left_out(const char *name);

extern const struct backend_ops *const offload_backends[];
extern const size_t offload_backend_count;

/* The backend run and scores use without --backend: the first that runs on
 * host threads, else the reference, else the first. */
const struct backend_ops *backend_default(void);

/* Backend by name, NULL if unknown. */
const struct backend_ops *backend_find(const char *name);

/* The index of option `name` in ops->options, or -1. */
int backend_option_index(const struct backend_ops *ops, const char *name);

/* What each backend says of its build ("opencl headers 3.0, target 1.2"),
 * "; " between backends, "" when none says anything. For provenance. */
void backend_build_facts(char *buf, size_t len);

/* provenance_collect with the backends' build facts. */
void backend_provenance(struct provenance *p);

/* What serial and OpenMP report about the host CPU on `threads` threads:
 * its model in the device name (which also keys the ceilings cache, so two
 * machines sharing a home keep separate entries), shared memory, its
 * largest cache. */
void host_backend_info(struct backend_info *info, int threads);

/* "copy", "pinned", "zero-copy". */
const char *memory_mode_name(enum offload_memory_mode m);

/* 1 when OFFLOAD_CALIBRATE_SMALL is set (and not "0"): calibrate with tiny
 * sizes and single repeats, for simulators such as Oclgrind and for quick
 * checks. The figures mean nothing, so they are never cached. */
int calibrate_small(void);

/* Phase times with every field "not applicable". */
struct phase_times phase_times_none(void);

#endif
