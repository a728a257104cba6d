#ifndef OFFLOAD_COMMANDS_H
#define OFFLOAD_COMMANDS_H

/* The commands (cmd_*.c), called by the dispatcher (cli.c), and the helpers
 * they share (common.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"
#include "export.h"
#include "fresh.h"
#include "genotype.h"
#include "runner.h"
#include "saved.h"
#include "threads.h"

#define DEFAULT_SEED 42u
#define MAX_THREADS OFFLOAD_MAX_THREADS
#define MAX_POSITIONAL 8
#define MAX_LIST 32
#define MAX_WARMUP 100
#define MAX_FILE_ARGS 64

enum command_bit {
    CMD_DEVICES = 1,
    CMD_RUN = 2,
    CMD_SCORES = 4,
    CMD_COMPARE = 8,
    CMD_SWEEP = 16,
    CMD_CALIBRATE = 32,
    CMD_REPORT = 64,
    CMD_MARKERS = 128,
    CMD_PLOT = 256,
    CMD_PREDICT = 512
};

/* --backend and --backends are one option (OPT_BACKEND), as are scores'
 * --out and --output (OPT_OUTPUT). */
enum option_id {
    OPT_HELP,
    OPT_BACKEND,
    OPT_SIZE,
    OPT_SIZES,
    OPT_THREADS,
    OPT_DATA,
    OPT_PERCENT,
    OPT_REPEAT,
    OPT_MIN_TIME,
    OPT_WARMUP,
    OPT_SEED,
    OPT_ALGORITHM,
    OPT_MEMORY,
    OPT_FORMAT,
    OPT_OUTPUT,
    OPT_RECALIBRATE,
    OPT_BASELINE,
    OPT_NO_CALIBRATE,
    OPT_VERBOSE,
    OPT_PLOT_FORMAT, /* plot's --format png|svg|pdf */
    OPT_PLOT_DIR,    /* plot's --output DIR */
    OPT_ENTRY,
    OPT_ARG, /* repeatable: one per kernel argument */
    OPT_GLOBAL,
    OPT_LOCAL,
    OPT_BYTES,
    OPT_OPS,
    OPT_OP,
    OPT_CHECK,
    OPT_RTOL,
    OPT_ATOL,
    OPT_TIMEOUT,
    OPT_MIN_CALL_RATE,
    OPT_MIN_MAF,
    OPT_WITH_HEADERS,
    OPT_PAIRS,
    OPT_CEILINGS,
    OPT_PROFILE,
    OPT_NO_ONE_RANK, /* across ranks: no baseline on rank 0 alone */
    /* The backends' own options (backend_ops.options) take the ids from
     * here on, in registry order (options.c). */
    OPT_BACKEND_OWN_FIRST,
    OPT_COUNT = OPT_BACKEND_OWN_FIRST + 16
};

struct cli {
    int argc;
    char **argv;
    double process_start;
    struct load_probe since_start; /* the machine's load since the command started */
    const char *command;
    unsigned command_bit;
    const char *positional[MAX_POSITIONAL];
    size_t npositional;
    const char *value[OPT_COUNT]; /* raw option values, NULL when not given */
    int given[OPT_COUNT];
    const char *spelled[OPT_COUNT]; /* the long name given ("out" for --out), for messages */
    /* Parsed values. */
    uint64_t size;
    int threads[MAX_LIST]; /* --threads list; threads[0] = 0 means default */
    size_t nthreads;
    double percent[MAX_LIST]; /* --percent list, 100 by default */
    size_t npercent;
    int repeat;
    int warmup; /* -1: the command's default */
    double min_time;
    uint64_t seed;
    enum offload_memory_mode memory;
    enum ceilings_mode ceilings;  /* --ceilings, CEILINGS_FRESH by default */
    enum export_format format;
    FILE *human;                /* where tables go: stdout, or stderr when an export takes stdout */
    const char *progress_label; /* the progress line of the run going on, or NULL */
    /* A user's kernel file (the positional ends in .cl): its text, and
     * the options its "// offload:" lines add (the command line wins). */
    const char *arg_values[MAX_FILE_ARGS]; /* every --arg NAME=SPEC */
    size_t narg_values;
    size_t narg_from_command_line; /* arg_values[0..this) came from the command line */
    char *file_text;
    size_t file_length;
    struct file_source file_src; /* what make_config hands the backends */
    char **header_words;
    int nheader_words;
};

/* Prints "offload: MESSAGE" and where to find usage ('offload help
 * COMMAND' once usage_command has named the command); OFFLOAD_ERR_USAGE. */
__attribute__((format(printf, 1, 2))) enum offload_status usage_error(const char *fmt, ...);
void usage_command(const char *command);

/* The exit code of a command that starts several backends: worst when
 * something failed, else OFFLOAD_EXIT_PARTIAL when some were unavailable and others
 * ran, 1 when none ran, 0 when all did. */
int partial_exit(int worst, size_t unavailable, size_t ran);

/* "unknown kernel 'x': use sqrt, sumsqrt or scores" and "COMMAND needs one
 * kernel: ..." from the kernel table; OFFLOAD_ERR_USAGE. */
enum offload_status unknown_kernel_error(const char *name);
enum offload_status kernel_needed_error(const char *command);

/* "opencl:0.1" -> backend opencl, selector "0.1" (points into spec). NULL
 * after a message for an unknown backend. */
const struct backend_ops *parse_backend_spec(const char *spec, const char **selector);

/* OFFLOAD_ERR_USAGE (after a message) when a comma list has an empty item. */
enum offload_status check_list_items(const char *option, const char *list);

/* --backend of run and scores (default openmp; a list is a usage error),
 * with --memory checked against it. NULL after a message on a usage error. */
const struct backend_ops *backend_option(const struct cli *c, const char **spec,
                                         const char **selector);

/* The default --backends list: every backend built in, each device of a
 * backend with several. */
void default_backend_list(char *buf, size_t len);

/* The backend with caps.reference (speedups are "vs" it); NULL if none. */
const struct backend_ops *reference_backend(void);

/* Across MPI ranks, a device backend without a selector runs each rank on
 * its node-local rank's device (one rank per GPU); *selector is set to it.
 * OFFLOAD_UNAVAILABLE, said, when this node has too few devices. */
enum offload_status rank_device(const struct backend_ops *ops, const char **selector);
struct backend_config make_config(const struct cli *c, const struct backend_ops *ops, int threads,
                                  const char *selector, enum offload_memory_mode memory);
struct run_settings make_settings(const struct cli *c);
enum offload_algorithm algorithm_option(const struct cli *c);

/* Inputs of one kernel, owned by the command. */
struct prepared_input {
    struct kernel_input input;
    double *values;
    struct genotype_matrix matrix;
};

/* n: elements for INPUT_VALUES kernels (0 = the kernel's default); percent:
 * for INPUT_GENOTYPES. Prints why on failure. */
/* Whether n values (an INPUT_VALUES kernel's --size) fit this machine's
 * memory; OFFLOAD_ERR_USAGE after a message naming both when not. */
enum offload_status values_fit(uint64_t n);

enum offload_status prepare_input(const struct cli *c, enum offload_kernel k,
                                  enum offload_algorithm alg, uint64_t n, double percent,
                                  struct prepared_input *p);
void prepared_free(struct prepared_input *p);

/* The size a record reports: N, or marker rows. */
size_t prepared_size(const struct prepared_input *p);
/* "N = 10000" or "1286 markers x 260 varieties"; returns buf. */
const char *describe_size(const struct prepared_input *p, char *buf, size_t len);

/* The genotype file to read: --data / FILE, else the bundled one. */
/* A bundled data file by its name under data/ ("devices/h200.json"):
 * $OFFLOAD_DATA_DIR, next to an installed binary, the install prefix, the
 * source tree. Returns buf. */
const char *data_file_path(const char *name, char *buf, size_t len);
const char *genotype_path(const struct cli *c, char *buf, size_t len);

/* ---- a user's kernel file (file_input.c) ---- */

/* A name ending in ".cl": a kernel file, not a built-in kernel. */
bool is_kernel_file(const char *name);
/* OFFLOAD_ERR_USAGE (after a message) when a FILE.cl option is given with
 * the built-in kernel named kernel. */
enum offload_status file_options_unused(const struct cli *c, const char *kernel);
/* OFFLOAD_ERR_USAGE (after a message) when ops cannot run kernel files. */
enum offload_status file_backend_check(const struct backend_ops *ops, const char *path);
/* After init built the file: picks the entry, binds the arguments for
 * size n (and --local, or local when not NULL), runs --check's reference,
 * opens the kernel table's file entry and sets p->input. fk (zeroed by the
 * caller) is freed with file_kernel_free. */
enum offload_status file_prepare(const struct cli *c, const struct backend_ops *ops, void *state,
                                 const struct backend_config *cfg,
                                 const struct backend_info *info, uint64_t n, const char *local,
                                 struct file_kernel *fk, struct prepared_input *p);

/* Writes a result set as --format asks (csv/json to --output or stdout). */
enum offload_status emit_results(const struct cli *c, const struct result_set *set);

/* Ceilings of an initialised backend, from the cache or measured now. */
/* A device run's verdict becomes occupancy-bound when its launch fills a
 * small share of a GPU and it is far below its roofline (occupancy.c). */
void judge_occupancy(struct result_record *rec);

struct link_calibration;
/* Across ranks, the link offload calibrate measured for this job's layout,
 * from the cache (rank 0 reads it; NULL when none, on one rank, or with
 * --no-calibrate). */
const struct link_calibration *ranks_link_calibration(const struct cli *c,
                                                      struct link_calibration *buf);

enum offload_status backend_ceilings(const struct cli *c, const struct backend_ops *ops,
                                     void *state, const struct backend_info *info,
                                     struct ceilings *out);

/* run_kernel_fresh of rec (its info, ceilings and run) under --ceilings:
 * for a device that is the host CPU (info.host_threads > 0) the threaded
 * host backend on its cores probes beside the device (see struct
 * probe_partner). */
enum offload_status run_with_fresh_ceilings(const struct cli *c, const struct backend_ops *ops,
                                            void *state, const struct kernel_input *in,
                                            const struct run_settings *set,
                                            struct result_record *rec);

/* Each returns the process exit code. */
int command_devices(struct cli *c);
int command_run(struct cli *c);
int command_calibrate(struct cli *c);
int command_scores(struct cli *c);
int command_compare(struct cli *c);
int command_sweep(struct cli *c);
int command_report(struct cli *c);
int command_plot(struct cli *c);
int command_markers(struct cli *c);
int command_predict(struct cli *c);
/* The profiles shipped in data/devices/ that parse, at most cap. */
struct device_profile;
size_t load_shipped_profiles(struct device_profile *out, size_t cap);

/* compare --baseline FILE: the saved run, read before anything runs
 * (an empty run without the option; OFFLOAD_ERR_USAGE after a message on
 * bad input), and the table of this run's rows beside it. */
enum offload_status baseline_load(const struct cli *c, struct saved_run *out);
enum offload_status baseline_show(const struct cli *c, const struct saved_run *base,
                                  const struct result_set *set);

#endif
