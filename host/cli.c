#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backend.h"
#include "genotype.h"
#include "parse.h"
#include "report.h"
#include "runner.h"
#include "timing.h"
#include "workload.h"

#define DEFAULT_SQRT_N 10000000u
#define DEFAULT_SUMSQRT_N 10000u
#define DEFAULT_SEED 42u
#define MAX_THREADS 4096
#define MAX_POSITIONAL 8
#define MAX_BACKENDS 8
#define DATA_FILE_NAME "AppleGenotypes.csv"

/* Which commands take an option: one bit per command. */
enum command_bit { CMD_DEVICES = 1, CMD_RUN = 2, CMD_SCORES = 4, CMD_COMPARE = 8 };

enum option_id {
    OPT_HELP, OPT_BACKEND, OPT_BACKENDS, OPT_SIZE, OPT_THREADS, OPT_DATA, OPT_PERCENT, OPT_REPEAT,
    OPT_MIN_TIME, OPT_SEED, OPT_ALGORITHM, OPT_MEMORY, OPT_KERNEL_DIR, OPT_OUT, OPT_COUNT
};

struct option_spec {
    enum option_id id;
    const char *name;
    int takes_value;
    unsigned commands;
};

static const struct option_spec option_specs[] = {
    {OPT_HELP, "help", 0, CMD_DEVICES | CMD_RUN | CMD_SCORES | CMD_COMPARE},
    {OPT_BACKEND, "backend", 1, CMD_RUN | CMD_SCORES},
    {OPT_BACKENDS, "backends", 1, CMD_COMPARE},
    {OPT_SIZE, "size", 1, CMD_RUN | CMD_COMPARE},
    {OPT_THREADS, "threads", 1, CMD_RUN | CMD_SCORES | CMD_COMPARE},
    {OPT_DATA, "data", 1, CMD_RUN | CMD_COMPARE},
    {OPT_PERCENT, "percent", 1, CMD_RUN | CMD_SCORES | CMD_COMPARE},
    {OPT_REPEAT, "repeat", 1, CMD_RUN | CMD_SCORES | CMD_COMPARE},
    {OPT_MIN_TIME, "min-time", 1, CMD_RUN | CMD_COMPARE},
    {OPT_SEED, "seed", 1, CMD_RUN | CMD_COMPARE},
    {OPT_ALGORITHM, "algorithm", 1, CMD_RUN | CMD_SCORES | CMD_COMPARE},
    {OPT_MEMORY, "memory", 1, CMD_RUN | CMD_SCORES | CMD_COMPARE},
    {OPT_KERNEL_DIR, "kernel-dir", 1, CMD_RUN | CMD_SCORES | CMD_COMPARE},
    {OPT_OUT, "out", 1, CMD_SCORES},
};

struct cli {
    const char *command;
    unsigned command_bit;
    const char *positional[MAX_POSITIONAL];
    size_t npositional;
    const char *value[OPT_COUNT]; /* raw option values, NULL when not given */
    int given[OPT_COUNT];
    /* Parsed values. */
    uint64_t size;
    int threads;
    double percent;
    int repeat;
    double min_time;
    uint64_t seed;
    enum offload_memory_mode memory;
};

static const char *const main_usage =
    "usage: offload COMMAND [options]\n"
    "\n"
    "Runs the same kernels on serial C, OpenMP threads and OpenCL devices, times\n"
    "every phase, checks every result against the serial reference and shows\n"
    "where parallel or offloaded compute pays off.\n"
    "\n"
    "commands:\n"
    "  compare [KERNEL...]  every backend side by side (default: all kernels)\n"
    "  run KERNEL           one kernel on one backend\n"
    "  scores [FILE]        the tutorial's genotype script: best-scoring marker\n"
    "  devices              list backends and OpenCL devices\n"
    "  help [COMMAND]       this text, or a command's options\n"
    "\n"
    "kernels:\n"
    "  sqrt     out[i] = sqrt(in[i]), float64 in, float32 out: memory-bound\n"
    "  sumsqrt  out[i] = sum_j sqrt(in[j]): O(N^2) work on O(N) data, compute-bound\n"
    "  scores   pairs of differing known genotype calls per marker row\n"
    "\n"
    "Run 'offload help COMMAND' or 'offload COMMAND --help' for its options.\n"
    "Exit status: 0 success, 1 run failed (device error or wrong result),\n"
    "2 usage or input error.\n";

static const char *const common_options_help =
    "  --threads T       OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  --repeat R        exactly R timed runs after the warm-up\n"
    "  --min-time S      otherwise repeat until S seconds are spent (default 0.2)\n"
    "  --algorithm A     naive (the tutorial's, default) or fast (algorithmic shortcut)\n"
    "  --memory M        OpenCL host memory: copy (default), pinned or zero-copy\n"
    "  --kernel-dir DIR  OpenCL: read DIR/KERNEL.cl instead of the built-in kernels\n"
    "  --help            this text\n";

static void print_command_help(FILE *f, unsigned command)
{
    switch (command) {
    case CMD_RUN:
        fprintf(f, "usage: offload run KERNEL [options]\n\n"
                   "Runs one kernel (sqrt, sumsqrt or scores) on one backend, times it and\n"
                   "checks the result against the serial reference.\n\n"
                   "options:\n"
                   "  --backend B       serial, openmp (default) or opencl[:SEL]; SEL is P.D\n"
                   "                    (platform.device, from 0) or part of the device name\n"
                   "  --size N          elements for sqrt (default 10M) and sumsqrt (default 10k);\n"
                   "                    accepts 10000000, 1e7, 10M, 64k, 1Mi\n"
                   "  --seed S          input seed (default 42)\n"
                   "  --data FILE       scores: genotype table (default: bundled apple data)\n"
                   "  --percent P       scores: keep the first P%% of the data lines (default 100)\n"
                   "%s",
                common_options_help);
        return;
    case CMD_SCORES:
        fprintf(f, "usage: offload scores [FILE] [options]\n\n"
                   "The tutorial's script as one command: reads a genotype table (markers x\n"
                   "varieties; calls 0/1/2 or A/AB/B, anything else missing), scores every\n"
                   "marker and prints the best one.\n\n"
                   "options:\n"
                   "  FILE              genotype table (default: the bundled AppleGenotypes.csv)\n"
                   "  --percent P       keep the first P%% of the data lines (default 100)\n"
                   "  --backend B       serial, openmp (default) or opencl[:SEL]\n"
                   "  --out FILE        write id,score per marker row, in file order\n"
                   "%s",
                common_options_help);
        return;
    case CMD_COMPARE:
        fprintf(f, "usage: offload compare [KERNEL...] [options]\n\n"
                   "Runs each kernel (default: sqrt sumsqrt scores) on every backend on the same\n"
                   "input, checks every result and prints times and speedups side by side.\n"
                   "A backend that cannot run here is reported and skipped.\n\n"
                   "options:\n"
                   "  --backends LIST   comma list (default serial,openmp,opencl), e.g.\n"
                   "                    serial,openmp,opencl:0.0,opencl:gpu\n"
                   "  --size N          elements for sqrt and sumsqrt (default 10M and 10k)\n"
                   "  --seed S          input seed (default 42)\n"
                   "  --data FILE       scores: genotype table (default: bundled apple data)\n"
                   "  --percent P       scores: keep the first P%% of the data lines\n"
                   "  --algorithm A     naive, fast or both (default both)\n"
                   "%s",
                common_options_help);
        return;
    case CMD_DEVICES:
        fprintf(f, "usage: offload devices\n\n"
                   "Lists the backends and every OpenCL platform and device with the index\n"
                   "(P.D) that --backend opencl:P.D takes.\n");
        return;
    }
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "offload: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nRun 'offload --help' for usage.\n");
    va_end(ap);
    return OFFLOAD_ERR_USAGE;
}

static unsigned command_from_name(const char *name)
{
    if (strcmp(name, "devices") == 0)
        return CMD_DEVICES;
    if (strcmp(name, "run") == 0)
        return CMD_RUN;
    if (strcmp(name, "scores") == 0)
        return CMD_SCORES;
    if (strcmp(name, "compare") == 0)
        return CMD_COMPARE;
    return 0;
}

/* Splits argv into options and positionals; checks each option belongs to
 * the command. Returns 0 or an exit code. */
static int split_arguments(struct cli *c, int argc, char **argv)
{
    int only_positional = 0;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            if (c->npositional == MAX_POSITIONAL)
                return usage_error("too many arguments to '%s'", c->command);
            c->positional[c->npositional++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (strcmp(arg, "-h") == 0) {
            c->given[OPT_HELP] = 1;
            continue;
        }
        if (arg[1] != '-')
            return usage_error("unknown option '%s' for '%s'", arg, c->command);
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        const struct option_spec *spec = NULL;
        for (size_t k = 0; k < sizeof option_specs / sizeof option_specs[0]; k++)
            if (strlen(option_specs[k].name) == name_len &&
                strncmp(option_specs[k].name, name, name_len) == 0)
                spec = &option_specs[k];
        if (!spec || !(spec->commands & c->command_bit))
            return usage_error("unknown option '%s' for '%s'", arg, c->command);
        if (c->given[spec->id])
            return usage_error("option '--%s' given twice", spec->name);
        c->given[spec->id] = 1;
        if (!spec->takes_value) {
            if (eq)
                return usage_error("option '--%s' takes no value", spec->name);
            continue;
        }
        if (eq)
            c->value[spec->id] = eq + 1;
        else if (i + 1 < argc)
            c->value[spec->id] = argv[++i];
        else
            return usage_error("option '--%s' needs a value", spec->name);
    }
    return 0;
}

static int option_error(const char *option, const char *message)
{
    fprintf(stderr, "offload: --%s: %s\n", option, message);
    return OFFLOAD_ERR_USAGE;
}

/* Parses the option values shared by the commands into c. */
static int parse_option_values(struct cli *c)
{
    char err[256];
    long v;
    c->threads = 0;
    c->percent = 100.0;
    c->repeat = 0;
    c->min_time = -1;
    c->seed = DEFAULT_SEED;
    c->memory = MEM_COPY;
    if (c->value[OPT_SIZE] &&
        parse_count(c->value[OPT_SIZE], 1, UINT64_C(1) << 40, &c->size, err, sizeof err))
        return option_error("size", err);
    if (c->value[OPT_THREADS]) {
        if (parse_int(c->value[OPT_THREADS], 1, MAX_THREADS, &v, err, sizeof err))
            return option_error("threads", err);
        c->threads = (int)v;
    }
    if (c->value[OPT_PERCENT] &&
        parse_double(c->value[OPT_PERCENT], 0.0, 100.0, 1, &c->percent, err, sizeof err))
        return option_error("percent", err);
    if (c->value[OPT_REPEAT]) {
        if (parse_int(c->value[OPT_REPEAT], 1, RUN_MAX_SAMPLES, &v, err, sizeof err))
            return option_error("repeat", err);
        c->repeat = (int)v;
    }
    if (c->value[OPT_MIN_TIME] &&
        parse_double(c->value[OPT_MIN_TIME], 0.0, 3600.0, 0, &c->min_time, err, sizeof err))
        return option_error("min-time", err);
    if (c->given[OPT_REPEAT] && c->given[OPT_MIN_TIME])
        return usage_error("--repeat and --min-time conflict: give one of them");
    if (c->value[OPT_SEED] &&
        parse_count(c->value[OPT_SEED], 0, UINT64_MAX, &c->seed, err, sizeof err))
        return option_error("seed", err);
    if (c->value[OPT_MEMORY]) {
        const char *m = c->value[OPT_MEMORY];
        if (strcmp(m, "copy") == 0)
            c->memory = MEM_COPY;
        else if (strcmp(m, "pinned") == 0)
            c->memory = MEM_PINNED;
        else if (strcmp(m, "zero-copy") == 0)
            c->memory = MEM_ZERO_COPY;
        else
            return option_error("memory", "use copy, pinned or zero-copy");
    }
    if (c->value[OPT_ALGORITHM]) {
        const char *a = c->value[OPT_ALGORITHM];
        int both_ok = c->command_bit == CMD_COMPARE;
        if (strcmp(a, "naive") != 0 && strcmp(a, "fast") != 0 &&
            !(both_ok && strcmp(a, "both") == 0))
            return option_error("algorithm", both_ok ? "use naive, fast or both"
                                                     : "use naive or fast");
    }
    return 0;
}

/* "opencl:0.1" -> backend opencl, selector "0.1". Returns NULL (after a
 * message) for an unknown backend. selector points into spec. */
static const struct backend_ops *parse_backend_spec(const char *spec, char *name_buf,
                                                    size_t name_len, const char **selector)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    *selector = NULL;
    if (len >= name_len)
        len = name_len - 1;
    memcpy(name_buf, spec, len);
    name_buf[len] = '\0';
    const struct backend_ops *ops = backend_find(name_buf);
    if (!ops) {
        fprintf(stderr, "offload: unknown backend '%s': use serial, openmp or opencl[:SEL]\n",
                spec);
        return NULL;
    }
    if (colon) {
        if (ops != &backend_opencl || colon[1] == '\0') {
            fprintf(stderr,
                    "offload: backend '%s': only opencl takes a device, as opencl:P.D or "
                    "opencl:NAME\n",
                    spec);
            return NULL;
        }
        *selector = colon + 1;
    }
    return ops;
}

static struct backend_config make_config(const struct cli *c, const char *selector)
{
    return (struct backend_config){.threads = c->threads,
                                   .device_selector = selector,
                                   .kernel_dir = c->value[OPT_KERNEL_DIR],
                                   .memory = c->memory,
                                   .quiet = 0};
}

static struct run_settings make_settings(const struct cli *c)
{
    struct run_settings set = run_settings_default();
    if (c->repeat > 0)
        set.repeat = c->repeat;
    if (c->min_time >= 0)
        set.min_time = c->min_time;
    return set;
}

static int file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* The bundled genotype file: $OFFLOAD_DATA_DIR, then next to an installed
 * binary (../share/offload), then the install prefix, then the source tree. */
static const char *default_data_path(char *buf, size_t len)
{
    const char *env = getenv("OFFLOAD_DATA_DIR");
    if (env && *env) {
        snprintf(buf, len, "%s/%s", env, DATA_FILE_NAME);
        return buf;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, len, "%s/../share/offload/%s", exe, DATA_FILE_NAME);
            if (file_exists(buf))
                return buf;
        }
    }
    snprintf(buf, len, "%s/%s", OFFLOAD_INSTALL_DATA_DIR, DATA_FILE_NAME);
    if (file_exists(buf))
        return buf;
    snprintf(buf, len, "%s/%s", OFFLOAD_SOURCE_DATA_DIR, DATA_FILE_NAME);
    return buf;
}

static int load_matrix(const char *path, double percent, struct genotype_matrix *m)
{
    char err[512];
    struct genotype_load_options opt = genotype_default_options();
    opt.percent = percent;
    enum offload_status st = genotype_load_file(path, &opt, m, err, sizeof err);
    if (st != OFFLOAD_OK) {
        fprintf(stderr, "offload: %s\n", err);
        return offload_exit_code(st);
    }
    return 0;
}

/* Physical memory in bytes, 0 when unknown. */
static double physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0;
}

/* Inputs of one kernel, owned here. */
struct prepared_input {
    struct kernel_input input;
    double *values;
    struct genotype_matrix matrix;
};

static void prepared_free(struct prepared_input *p)
{
    workload_free(p->values);
    genotype_free(&p->matrix);
    memset(p, 0, sizeof *p);
}

static int prepare_input(const struct cli *c, enum offload_kernel k, enum offload_algorithm alg,
                         struct prepared_input *p)
{
    memset(p, 0, sizeof *p);
    p->input.kernel = k;
    p->input.alg = alg;
    switch (k) {
    case KERNEL_SQRT:
    case KERNEL_SUMSQRT: {
        uint64_t n = c->given[OPT_SIZE] ? c->size
                                        : (k == KERNEL_SQRT ? DEFAULT_SQRT_N : DEFAULT_SUMSQRT_N);
        /* 8 bytes in + 4 bytes out per element, and the check needs nothing more. */
        double need = (double)n * 12.0, have = physical_memory();
        if (have > 0 && need > 0.8 * have) {
            char a[32], b[32];
            fprintf(stderr, "offload: --size %llu needs %s of memory and this machine has %s: "
                            "use a smaller --size\n",
                    (unsigned long long)n, format_bytes(need, a, sizeof a),
                    format_bytes(have, b, sizeof b));
            return OFFLOAD_ERR_USAGE;
        }
        p->values = workload_alloc((size_t)n * sizeof(double));
        if (!p->values) {
            fprintf(stderr, "offload: cannot allocate %llu input values: use a smaller --size\n",
                    (unsigned long long)n);
            return OFFLOAD_ERR_RUN;
        }
        workload_fill_uniform(p->values, (size_t)n, c->seed);
        p->input.n = (size_t)n;
        p->input.in = p->values;
        return 0;
    }
    case KERNEL_SCORES: {
        char path_buf[PATH_MAX + 64];
        const char *path = c->value[OPT_DATA] ? c->value[OPT_DATA]
                                              : default_data_path(path_buf, sizeof path_buf);
        int rc = load_matrix(path, c->percent, &p->matrix);
        p->input.matrix = &p->matrix;
        return rc;
    }
    }
    return OFFLOAD_ERR_RUN;
}

static enum offload_algorithm algorithm_option(const struct cli *c)
{
    const char *a = c->value[OPT_ALGORITHM];
    return a && strcmp(a, "fast") == 0 ? ALG_FAST : ALG_NAIVE;
}

static int command_devices(void)
{
    for (size_t i = 0; i < offload_backend_count; i++) {
        enum offload_status st = offload_backends[i]->list_devices(stdout);
        if (st != OFFLOAD_OK && st != OFFLOAD_UNAVAILABLE)
            return offload_exit_code(st);
    }
    return 0;
}

static int command_run(struct cli *c)
{
    if (c->npositional != 1)
        return usage_error("run needs one kernel: sqrt, sumsqrt or scores");
    enum offload_kernel k;
    if (kernel_from_name(c->positional[0], &k) != 0)
        return usage_error("unknown kernel '%s': use sqrt, sumsqrt or scores", c->positional[0]);
    if (k == KERNEL_SCORES && c->given[OPT_SIZE])
        return usage_error("--size does not apply to scores: use --percent or --data");
    if (k != KERNEL_SCORES && (c->given[OPT_DATA] || c->given[OPT_PERCENT]))
        return usage_error("--data and --percent apply to scores only, not %s",
                           c->positional[0]);
    if (k == KERNEL_SQRT && c->given[OPT_ALGORITHM] && algorithm_option(c) == ALG_FAST)
        return usage_error("sqrt has no fast algorithm: it is already O(N)");

    char name[32];
    const char *selector;
    const struct backend_ops *ops =
        parse_backend_spec(c->value[OPT_BACKEND] ? c->value[OPT_BACKEND] : "openmp", name,
                           sizeof name, &selector);
    if (!ops)
        return OFFLOAD_ERR_USAGE;

    struct prepared_input p;
    int rc = prepare_input(c, k, algorithm_option(c), &p);
    if (rc) {
        prepared_free(&p);
        return rc;
    }
    struct backend_config cfg = make_config(c, selector);
    struct backend_info info;
    void *state = NULL;
    enum offload_status st = ops->init(&cfg, &state, &info);
    if (st != OFFLOAD_OK) {
        prepared_free(&p);
        return offload_exit_code(st);
    }
    struct run_settings set = make_settings(c);
    struct run_result *res = malloc(sizeof *res);
    if (!res) {
        ops->fini(state);
        prepared_free(&p);
        fprintf(stderr, "offload: out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    st = run_kernel(ops, state, &p.input, &set, NULL, res);
    if (st == OFFLOAD_OK || res->samples > 0)
        report_run(stdout, ops->name, &info, &p.input, &set, res);
    free(res);
    ops->fini(state);
    prepared_free(&p);
    return offload_exit_code(st);
}

struct scores_output {
    const struct genotype_matrix *m;
    const int64_t *scores;
};

static int write_scores_csv(FILE *f, void *ctx)
{
    const struct scores_output *o = ctx;
    if (fprintf(f, "id,score\n") < 0)
        return -1;
    for (size_t r = 0; r < o->m->rows; r++)
        if (fprintf(f, "%s,%lld\n", o->m->row_ids[r], (long long)o->scores[r]) < 0)
            return -1;
    return 0;
}

static int command_scores(struct cli *c, double process_start)
{
    if (c->npositional > 1)
        return usage_error("scores takes at most one file, got '%s' and '%s'", c->positional[0],
                           c->positional[1]);
    if (c->npositional == 1)
        c->value[OPT_DATA] = c->positional[0];
    char name[32];
    const char *selector;
    const struct backend_ops *ops =
        parse_backend_spec(c->value[OPT_BACKEND] ? c->value[OPT_BACKEND] : "openmp", name,
                           sizeof name, &selector);
    if (!ops)
        return OFFLOAD_ERR_USAGE;

    double t_parse = offload_now();
    struct prepared_input p;
    int rc = prepare_input(c, KERNEL_SCORES, algorithm_option(c), &p);
    if (rc) {
        prepared_free(&p);
        return rc;
    }
    t_parse = offload_now() - t_parse;

    struct backend_config cfg = make_config(c, selector);
    struct backend_info info;
    void *state = NULL;
    enum offload_status st = ops->init(&cfg, &state, &info);
    if (st != OFFLOAD_OK) {
        prepared_free(&p);
        return offload_exit_code(st);
    }
    /* Like the tutorial's script: score once, unless --repeat asks for more. */
    struct run_settings set = make_settings(c);
    set.warmup = 0;
    set.repeat = c->repeat > 0 ? c->repeat : 1;
    int64_t *scores = workload_alloc(p.matrix.rows * sizeof *scores);
    struct run_result *res = malloc(sizeof *res);
    if (!scores || !res) {
        fprintf(stderr, "offload: out of memory\n");
        st = OFFLOAD_ERR_RUN;
    } else {
        st = run_kernel(ops, state, &p.input, &set, scores, res);
    }
    if (st == OFFLOAD_OK) {
        const struct genotype_matrix *m = &p.matrix;
        size_t best = 0;
        for (size_t r = 1; r < m->rows; r++)
            if (scores[r] > scores[best])
                best = r;
        char a[32], b[32], d[32];
        printf("Read %zu markers x %zu varieties from %s (%zu of %zu data lines kept by "
               "--percent %g; %zu rows skipped)\n",
               m->rows, m->cols, c->value[OPT_DATA] ? c->value[OPT_DATA] : "the bundled data",
               m->lines_kept, m->data_lines, c->percent, m->rows_skipped);
        printf("parse %s, score %s (%s: %s, %s algorithm), checked against the serial "
               "reference\n",
               format_seconds(t_parse, a, sizeof a),
               format_seconds(res->stats[PHASE_KERNEL].min, b, sizeof b), ops->name, info.device,
               algorithm_name(p.input.alg));
        if (c->value[OPT_OUT]) {
            char err[512];
            struct scores_output out = {m, scores};
            enum offload_status wst =
                write_file_atomic(c->value[OPT_OUT], write_scores_csv, &out, err, sizeof err);
            if (wst != OFFLOAD_OK) {
                fprintf(stderr, "offload: %s\n", err);
                st = wst;
            } else {
                printf("wrote %zu scores to %s\n", m->rows, c->value[OPT_OUT]);
            }
        }
        printf("whole run %s\n", format_seconds(offload_now() - process_start, d, sizeof d));
        printf("The best score %lld comes from pattern %s\n", (long long)scores[best],
               m->row_ids[best]);
    }
    free(res);
    workload_free(scores);
    ops->fini(state);
    prepared_free(&p);
    return offload_exit_code(st);
}

/* One backend in a comparison. */
struct compare_backend {
    const struct backend_ops *ops;
    char label[64];
    const char *selector;
    void *state;
    struct backend_info info;
    enum offload_status status;
};

static int command_compare(struct cli *c)
{
    enum offload_kernel kernels[KERNEL_COUNT];
    size_t nkernels = 0;
    if (c->npositional == 0) {
        for (int k = 0; k < KERNEL_COUNT; k++)
            kernels[nkernels++] = (enum offload_kernel)k;
    }
    for (size_t i = 0; i < c->npositional; i++) {
        if (nkernels == KERNEL_COUNT)
            return usage_error("too many kernels");
        if (kernel_from_name(c->positional[i], &kernels[nkernels]) != 0)
            return usage_error("unknown kernel '%s': use sqrt, sumsqrt or scores",
                               c->positional[i]);
        nkernels++;
    }

    /* Backends from --backends, each initialised once for all kernels. */
    struct compare_backend backends[MAX_BACKENDS];
    size_t nbackends = 0;
    char list_buf[512];
    snprintf(list_buf, sizeof list_buf, "%s",
             c->value[OPT_BACKENDS] ? c->value[OPT_BACKENDS] : "serial,openmp,opencl");
    for (char *save = NULL, *tok = strtok_r(list_buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (nbackends == MAX_BACKENDS)
            return usage_error("at most 8 backends in --backends");
        struct compare_backend *b = &backends[nbackends];
        memset(b, 0, sizeof *b);
        char name[32];
        b->ops = parse_backend_spec(tok, name, sizeof name, &b->selector);
        if (!b->ops)
            return OFFLOAD_ERR_USAGE;
        snprintf(b->label, sizeof b->label, "%s", tok);
        nbackends++;
    }
    if (nbackends == 0)
        return usage_error("--backends is empty");

    const char *alg = c->value[OPT_ALGORITHM] ? c->value[OPT_ALGORITHM] : "both";
    int run_naive = strcmp(alg, "fast") != 0, run_fast = strcmp(alg, "naive") != 0;

    int worst = 0;
    for (size_t i = 0; i < nbackends; i++) {
        struct compare_backend *b = &backends[i];
        struct backend_config cfg = make_config(c, b->selector);
        b->status = b->ops->init(&cfg, &b->state, &b->info);
        if (b->status == OFFLOAD_UNAVAILABLE)
            printf("%s: unavailable here (see the message above); the other backends still run\n",
                   b->label);
        else if (b->status != OFFLOAD_OK)
            worst = offload_exit_code(b->status) > worst ? offload_exit_code(b->status) : worst;
    }

    struct run_settings set = make_settings(c);
    struct run_result *res = malloc(sizeof *res);
    if (!res) {
        fprintf(stderr, "offload: out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    printf("%-8s %-6s %-14s %-34s %10s %10s %10s %9s %9s  %s\n", "kernel", "alg", "backend",
           "device", "kernel", "median", "end-to-end", "vs serial", "vs openmp", "check");
    for (size_t ki = 0; ki < nkernels && worst != OFFLOAD_ERR_USAGE; ki++) {
        for (int a = 0; a < 2; a++) {
            enum offload_algorithm algo = a == 0 ? ALG_NAIVE : ALG_FAST;
            if ((algo == ALG_NAIVE && !run_naive) || (algo == ALG_FAST && !run_fast))
                continue;
            if (algo == ALG_FAST && kernels[ki] == KERNEL_SQRT)
                continue; /* sqrt has one algorithm */
            struct prepared_input p;
            int rc = prepare_input(c, kernels[ki], algo, &p);
            if (rc) {
                prepared_free(&p);
                worst = rc > worst ? rc : worst;
                break;
            }
            double serial_min = -1, openmp_min = -1;
            for (size_t i = 0; i < nbackends; i++) {
                struct compare_backend *b = &backends[i];
                if (b->status != OFFLOAD_OK)
                    continue;
                enum offload_status st = run_kernel(b->ops, b->state, &p.input, &set, NULL, res);
                char t1[32], t2[32], t3[32], s1[16] = "-", s2[16] = "-";
                if (st != OFFLOAD_OK) {
                    printf("%-8s %-6s %-14s %-34.34s %10s %10s %10s %9s %9s  %s\n",
                           kernel_name(kernels[ki]), algorithm_name(algo), b->label,
                           b->info.device, "-", "-", "-", "-", "-",
                           res->samples ? "FAILED: wrong result" : "FAILED: run error");
                    worst = offload_exit_code(st) > worst ? offload_exit_code(st) : worst;
                    continue;
                }
                double kmin = res->stats[PHASE_KERNEL].min, total = res->stats[PHASE_TOTAL].min;
                if (b->ops == &backend_serial && serial_min < 0)
                    serial_min = total;
                if (b->ops == &backend_openmp && openmp_min < 0)
                    openmp_min = total;
                if (serial_min > 0)
                    snprintf(s1, sizeof s1, "%.2fx", serial_min / total);
                if (openmp_min > 0)
                    snprintf(s2, sizeof s2, "%.2fx", openmp_min / total);
                printf("%-8s %-6s %-14s %-34.34s %10s %10s %10s %9s %9s  %s\n",
                       kernel_name(kernels[ki]), algorithm_name(algo), b->label, b->info.device,
                       format_seconds(kmin, t1, sizeof t1),
                       format_seconds(res->stats[PHASE_KERNEL].median, t2, sizeof t2),
                       format_seconds(total, t3, sizeof t3), s1, s2, "OK");
                fflush(stdout);
            }
            prepared_free(&p);
        }
    }
    printf("\nkernel = best kernel time; end-to-end adds copies to and from the device;\n"
           "speedups compare end-to-end times on the same input. Every result was checked\n"
           "against the serial reference.\n");
    free(res);
    for (size_t i = 0; i < nbackends; i++)
        if (backends[i].status == OFFLOAD_OK)
            backends[i].ops->fini(backends[i].state);
    return worst;
}

int offload_main(int argc, char **argv)
{
    double process_start = offload_now();
    if (argc < 2) {
        fputs(main_usage, stderr);
        return OFFLOAD_ERR_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(main_usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("offload %s\n", OFFLOAD_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc == 2) {
            fputs(main_usage, stdout);
            return 0;
        }
        unsigned bit = command_from_name(argv[2]);
        if (!bit)
            return usage_error("unknown command '%s'", argv[2]);
        print_command_help(stdout, bit);
        return 0;
    }
    struct cli c;
    memset(&c, 0, sizeof c);
    c.command = cmd;
    c.command_bit = command_from_name(cmd);
    if (!c.command_bit)
        return usage_error("unknown command '%s': use compare, run, scores or devices", cmd);
    int rc = split_arguments(&c, argc, argv);
    if (rc)
        return rc;
    if (c.given[OPT_HELP]) {
        print_command_help(stdout, c.command_bit);
        return 0;
    }
    rc = parse_option_values(&c);
    if (rc)
        return rc;
    switch (c.command_bit) {
    case CMD_DEVICES:
        if (c.npositional)
            return usage_error("devices takes no arguments, got '%s'", c.positional[0]);
        return command_devices();
    case CMD_RUN:
        return command_run(&c);
    case CMD_SCORES:
        return command_scores(&c, process_start);
    case CMD_COMPARE:
        return command_compare(&c);
    }
    return OFFLOAD_ERR_USAGE;
}
