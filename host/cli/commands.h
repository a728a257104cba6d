#ifndef OFFLOAD_COMMANDS_H
#define OFFLOAD_COMMANDS_H

/* Shared by the command-line parser (cli.c) and the commands
 * (cmd_run.c, cmd_scores.c, cmd_compare.c). */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"
#include "export.h"
#include "genotype.h"
#include "runner.h"

#define DEFAULT_SQRT_N 10000000u
#define DEFAULT_SUMSQRT_N 10000u
#define DEFAULT_SEED 42u
#define MAX_THREADS 4096
#define MAX_POSITIONAL 8
#define MAX_LIST 32

enum command_bit {
    CMD_DEVICES = 1,
    CMD_RUN = 2,
    CMD_SCORES = 4,
    CMD_COMPARE = 8,
    CMD_SWEEP = 16,
    CMD_CALIBRATE = 32
};

enum option_id {
    OPT_HELP, OPT_BACKEND, OPT_BACKENDS, OPT_SIZE, OPT_SIZES, OPT_THREADS, OPT_DATA, OPT_PERCENT,
    OPT_REPEAT, OPT_MIN_TIME, OPT_SEED, OPT_ALGORITHM, OPT_MEMORY, OPT_KERNEL_DIR, OPT_OUT,
    OPT_FORMAT, OPT_OUTPUT, OPT_RECALIBRATE, OPT_COUNT
};

struct cli {
    int argc;
    char **argv;
    double process_start;
    const char *command;
    unsigned command_bit;
    const char *positional[MAX_POSITIONAL];
    size_t npositional;
    const char *value[OPT_COUNT]; /* raw option values, NULL when not given */
    int given[OPT_COUNT];
    /* Parsed values. */
    uint64_t size;
    int threads[MAX_LIST]; /* --threads list; threads[0] = 0 means default */
    size_t nthreads;
    double percent[MAX_LIST]; /* --percent list, 100 by default */
    size_t npercent;
    int repeat;
    double min_time;
    uint64_t seed;
    enum offload_memory_mode memory;
    enum export_format format;
    FILE *human; /* where tables go: stdout, or stderr when an export takes stdout */
};

__attribute__((format(printf, 1, 2))) int usage_error(const char *fmt, ...);

/* "opencl:0.1" -> backend opencl, selector "0.1" (points into spec). NULL
 * after a message for an unknown backend. */
const struct backend_ops *parse_backend_spec(const char *spec, const char **selector);

/* 0 (after a usage message) when a comma list has an empty item. */
int list_has_no_empty_item(const char *option, const char *list);

/* --backend of run and scores (default openmp), with --memory checked
 * against it. NULL after a message on a usage error. */
const struct backend_ops *backend_option(const struct cli *c, const char **spec,
                                         const char **selector);

struct backend_config make_config(const struct cli *c, int threads, const char *selector,
                                  enum offload_memory_mode memory);
struct run_settings make_settings(const struct cli *c);
enum offload_algorithm algorithm_option(const struct cli *c);

/* Inputs of one kernel, owned by the command. */
struct prepared_input {
    struct kernel_input input;
    double *values;
    struct genotype_matrix matrix;
};

/* n: elements for sqrt/sumsqrt (0 = the kernel's default); percent: for
 * scores. Returns 0 or an exit code after a message. */
int prepare_input(const struct cli *c, enum offload_kernel k, enum offload_algorithm alg,
                  uint64_t n, double percent, struct prepared_input *p);
void prepared_free(struct prepared_input *p);

/* The genotype file to read: --data / FILE, else the bundled one. */
const char *genotype_path(const struct cli *c, char *buf, size_t len);

/* Writes a result set as --format asks (csv/json to --output or stdout).
 * Returns 0 or an exit code. */
int emit_results(const struct cli *c, const struct result_set *set);

/* Ceilings of an initialised backend, from the cache or measured now. */
int backend_ceilings(const struct cli *c, const struct backend_ops *ops, void *state,
                     const struct backend_info *info, struct ceilings *out);

int command_devices(struct cli *c);
int command_run(struct cli *c);
int command_calibrate(struct cli *c);
int command_scores(struct cli *c);
int command_compare(struct cli *c);
int command_sweep(struct cli *c);

#endif
