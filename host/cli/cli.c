/* The command line: options, help texts, dispatch, and helpers the commands
 * share. Each command lives in cmd_*.c. */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "ceilings.h"
#include "commands.h"
#include "parse.h"
#include "fileio.h"
#include "report.h"
#include "timing.h"
#include "workload.h"

#define DATA_FILE_NAME "AppleGenotypes.csv"

struct option_spec {
    enum option_id id;
    const char *name;
    int takes_value;
    unsigned commands;
};

#define ALL_COMMANDS (CMD_DEVICES | CMD_RUN | CMD_SCORES | CMD_COMPARE | CMD_SWEEP | CMD_CALIBRATE)
#define TIMED_COMMANDS (CMD_RUN | CMD_COMPARE | CMD_SWEEP)

static const struct option_spec option_specs[] = {
    {OPT_HELP, "help", 0, ALL_COMMANDS},
    {OPT_BACKEND, "backend", 1, CMD_RUN | CMD_SCORES},
    {OPT_BACKENDS, "backends", 1, CMD_COMPARE | CMD_SWEEP | CMD_CALIBRATE},
    {OPT_SIZE, "size", 1, CMD_RUN | CMD_COMPARE},
    {OPT_SIZES, "sizes", 1, CMD_SWEEP},
    {OPT_THREADS, "threads", 1, CMD_RUN | CMD_SCORES | CMD_COMPARE | CMD_SWEEP | CMD_CALIBRATE},
    {OPT_DATA, "data", 1, CMD_RUN | CMD_COMPARE | CMD_SWEEP},
    {OPT_PERCENT, "percent", 1, CMD_RUN | CMD_SCORES | CMD_COMPARE | CMD_SWEEP},
    {OPT_REPEAT, "repeat", 1, TIMED_COMMANDS | CMD_SCORES},
    {OPT_MIN_TIME, "min-time", 1, TIMED_COMMANDS},
    {OPT_SEED, "seed", 1, TIMED_COMMANDS},
    {OPT_ALGORITHM, "algorithm", 1, TIMED_COMMANDS | CMD_SCORES},
    {OPT_MEMORY, "memory", 1, TIMED_COMMANDS | CMD_SCORES},
    {OPT_KERNEL_DIR, "kernel-dir", 1, TIMED_COMMANDS | CMD_SCORES | CMD_CALIBRATE},
    {OPT_OUT, "out", 1, CMD_SCORES},
    {OPT_FORMAT, "format", 1, TIMED_COMMANDS},
    {OPT_OUTPUT, "output", 1, TIMED_COMMANDS},
    {OPT_RECALIBRATE, "recalibrate", 0, TIMED_COMMANDS | CMD_CALIBRATE},
};

static const char *const main_usage =
    "usage: offload COMMAND [options]\n"
    "\n"
    "Runs the same kernels on serial C, OpenMP threads and OpenCL devices, times\n"
    "every phase, checks every result against the serial reference and says why\n"
    "one backend wins: transfer-bound, memory-bound or compute-bound.\n"
    "\n"
    "commands:\n"
    "  compare [KERNEL...]  every backend side by side (default: all kernels)\n"
    "  run KERNEL           one kernel on one backend\n"
    "  sweep KERNEL         time against size per backend, scaling exponent\n"
    "  scores [FILE]        the tutorial's genotype script: best-scoring marker\n"
    "  calibrate            measure each backend's ceilings (bandwidth, sqrt/s)\n"
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

static const char *const timing_help =
    "  --threads T[,T..] OpenMP threads (default: OMP_NUM_THREADS or all cores);\n"
    "                    compare and sweep take a list to show thread scaling\n"
    "  --repeat R        exactly R timed runs after the warm-up\n"
    "  --min-time S      otherwise repeat until S seconds are spent (default 0.2)\n"
    "  --algorithm A     naive (the tutorial's, default) or fast (algorithmic shortcut)\n"
    "  --memory M        OpenCL host memory: copy (default), pinned or zero-copy\n"
    "  --kernel-dir DIR  OpenCL: read DIR/*.cl instead of the built-in kernels\n"
    "  --seed S          input seed for sqrt and sumsqrt (default 42)\n"
    "  --format F        table (default), csv or json\n"
    "  --output FILE     write the csv/json export to FILE (replaced atomically; - for\n"
    "                    standard output)\n"
    "  --recalibrate     measure the ceilings again instead of using the cache\n"
    "  --help            this text\n";

static void print_command_help(FILE *f, unsigned command)
{
    switch (command) {
    case CMD_RUN:
        fprintf(f, "usage: offload run KERNEL [options]\n\n"
                   "Runs one kernel (sqrt, sumsqrt or scores) on one backend, times each phase,\n"
                   "checks the result against the serial reference and says what bounds it.\n\n"
                   "options:\n"
                   "  --backend B       serial, openmp (default) or opencl[:SEL]; SEL is P.D\n"
                   "                    (platform.device, from 0) or part of the device name\n"
                   "  --size N          elements for sqrt (default 10M) and sumsqrt (default 10k);\n"
                   "                    accepts 10000000, 1e7, 10M, 64k, 1Mi\n"
                   "  --data FILE       scores: genotype table (default: bundled apple data)\n"
                   "  --percent P       scores: keep the first P%% of the data lines (default 100)\n"
                   "%s",
                timing_help);
        return;
    case CMD_SCORES:
        fprintf(f, "usage: offload scores [FILE] [options]\n\n"
                   "The tutorial's script as one command: reads a genotype table (markers x\n"
                   "varieties; calls 0/1/2 or A/AB/B, anything else missing), scores every\n"
                   "marker, checks the scores and prints the best one, with the time of each\n"
                   "part of the run. With several percentages it also shows how the kernel\n"
                   "scales and how much of the whole run it is.\n\n"
                   "options:\n"
                   "  FILE              genotype table (default: the bundled AppleGenotypes.csv)\n"
                   "  --percent P[,P..] keep the first P%% of the data lines (default 100);\n"
                   "                    e.g. --percent 5,100 answers the tutorial's exercise\n"
                   "  --backend B       serial, openmp (default) or opencl[:SEL]\n"
                   "  --threads T       OpenMP threads\n"
                   "  --algorithm A     naive (default) or fast\n"
                   "  --memory M        OpenCL host memory: copy, pinned or zero-copy\n"
                   "  --kernel-dir DIR  OpenCL: read DIR/*.cl instead of the built-in kernels\n"
                   "  --repeat R        time the scoring R times (default once, as the script)\n"
                   "  --out FILE        write id,score per marker row, in file order (- for\n"
                   "                    standard output)\n"
                   "  --help            this text\n");
        return;
    case CMD_COMPARE:
        fprintf(f, "usage: offload compare [KERNEL...] [options]\n\n"
                   "Runs each kernel (default: sqrt sumsqrt scores) on every backend, device and\n"
                   "OpenCL memory mode on the same input, checks every result and prints the\n"
                   "phases, speedups, share of the measured ceiling and a verdict side by side.\n"
                   "A backend that cannot run here is reported and skipped.\n\n"
                   "options:\n"
                   "  --backends LIST   comma list (default: serial, openmp and every OpenCL\n"
                   "                    device), e.g. serial,openmp,opencl:0.0,opencl:gpu\n"
                   "  --size N          elements for sqrt and sumsqrt (default 10M and 10k)\n"
                   "  --data FILE       scores: genotype table (default: bundled apple data)\n"
                   "  --percent P       scores: keep the first P%% of the data lines\n"
                   "  (--algorithm also takes 'both', the default here; --memory defaults to\n"
                   "  every mode)\n"
                   "%s",
                timing_help);
        return;
    case CMD_SWEEP:
        fprintf(f, "usage: offload sweep KERNEL [options]\n\n"
                   "Times one kernel over a range of sizes on each backend, fits the scaling\n"
                   "exponent k (time ~ N^k) and says from which size OpenCL beats OpenMP end\n"
                   "to end.\n\n"
                   "options:\n"
                   "  --sizes SPEC      sqrt/sumsqrt sizes: FROM:TO:xF (geometric), FROM:TO:+S\n"
                   "                    or a list; default 1M:32M:x2 (sqrt), 1k:16k:x2 (sumsqrt)\n"
                   "  --percent LIST    scores: percentages (default 5,25,50,100)\n"
                   "  --backends LIST   as for compare (default: serial, openmp and every\n"
                   "                    OpenCL device, copy memory mode)\n"
                   "  --data FILE       scores: genotype table\n"
                   "%s",
                timing_help);
        return;
    case CMD_CALIBRATE:
        fprintf(f, "usage: offload calibrate [options]\n\n"
                   "Measures what each backend's device can do at best: memory bandwidth\n"
                   "(STREAM copy and triad), float64 and float32 sqrt throughput, host<->device\n"
                   "transfer bandwidth for each memory mode and kernel launch latency. Results\n"
                   "are cached per device and used by run, compare and sweep for verdicts.\n\n"
                   "options:\n"
                   "  --backends LIST   default serial,openmp and every OpenCL device\n"
                   "  --threads T       OpenMP threads\n"
                   "  --recalibrate     measure again even when cached\n"
                   "  --kernel-dir DIR  OpenCL: read DIR/*.cl instead of the built-in kernels\n"
                   "  --help            this text\n");
        return;
    case CMD_DEVICES:
        fprintf(f, "usage: offload devices\n\n"
                   "Lists the backends and every OpenCL platform and device with the index\n"
                   "(P.D) that --backend opencl:P.D takes.\n");
        return;
    }
}

int usage_error(const char *fmt, ...)
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
    static const struct {
        const char *name;
        unsigned bit;
    } commands[] = {{"devices", CMD_DEVICES}, {"run", CMD_RUN},     {"scores", CMD_SCORES},
                    {"compare", CMD_COMPARE}, {"sweep", CMD_SWEEP}, {"calibrate", CMD_CALIBRATE}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].bit;
    return 0;
}

/* Splits argv into options and positionals; checks each option belongs to
 * the command. Returns 0 or an exit code. */
static int split_arguments(struct cli *c)
{
    int only_positional = 0;
    for (int i = 2; i < c->argc; i++) {
        const char *arg = c->argv[i];
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
        else if (i + 1 < c->argc)
            c->value[spec->id] = c->argv[++i];
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

/* Lists are for commands that run several configurations. */
static int list_allowed(const struct cli *c, enum option_id id)
{
    switch (c->command_bit) {
    case CMD_COMPARE:
    case CMD_SWEEP:
        return id == OPT_THREADS || (id == OPT_PERCENT && c->command_bit == CMD_SWEEP);
    case CMD_SCORES:
        return id == OPT_PERCENT;
    }
    return 0;
}

static int parse_threads(struct cli *c)
{
    char err[256];
    c->nthreads = 1;
    c->threads[0] = 0;
    if (!c->value[OPT_THREADS])
        return 0;
    uint64_t values[MAX_LIST];
    size_t n = 0;
    if (strchr(c->value[OPT_THREADS], ',') && !list_allowed(c, OPT_THREADS))
        return option_error("threads", "takes one number here; lists are for compare and sweep");
    for (const char *p = c->value[OPT_THREADS]; *p; p++)
        if (*p == '-')
            return option_error("threads", "must be at least 1 (negative given)");
    if (parse_count_list(c->value[OPT_THREADS], 1, MAX_THREADS, values, MAX_LIST, &n, err,
                         sizeof err))
        return option_error("threads", err);
    for (size_t i = 0; i < n; i++)
        c->threads[i] = (int)values[i];
    c->nthreads = n;
    return 0;
}

static int parse_percents(struct cli *c)
{
    char err[256];
    c->npercent = 1;
    c->percent[0] = 100.0;
    if (!c->value[OPT_PERCENT])
        return 0;
    if (strchr(c->value[OPT_PERCENT], ',') && !list_allowed(c, OPT_PERCENT))
        return option_error("percent", "takes one number here; lists are for scores and sweep");
    if (parse_double_list(c->value[OPT_PERCENT], 0.0, 100.0, 1, c->percent, MAX_LIST,
                          &c->npercent, err, sizeof err))
        return option_error("percent", err);
    return 0;
}

/* A destination that cannot be written fails now, not after the run. */
static int check_output_paths(const struct cli *c)
{
    static const enum option_id outputs[] = {OPT_OUTPUT, OPT_OUT};
    char err[PATH_MAX + 256];
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        const char *path = c->value[outputs[i]];
        if (path && output_path_check(path, err, sizeof err) != OFFLOAD_OK) {
            fprintf(stderr, "offload: %s\n", err);
            return OFFLOAD_ERR_USAGE;
        }
    }
    return 0;
}

/* Parses the option values shared by the commands into c. */
static int parse_option_values(struct cli *c)
{
    char err[256];
    long v;
    c->repeat = 0;
    c->min_time = -1;
    c->seed = DEFAULT_SEED;
    c->memory = MEM_COPY;
    c->format = FORMAT_TABLE;
    c->human = stdout;
    if (c->value[OPT_SIZE] &&
        parse_count(c->value[OPT_SIZE], 1, UINT64_C(1) << 40, &c->size, err, sizeof err))
        return option_error("size", err);
    int rc = parse_threads(c);
    if (!rc)
        rc = parse_percents(c);
    if (rc)
        return rc;
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
    const char *out = c->value[OPT_OUTPUT];
    if (c->value[OPT_FORMAT]) {
        const char *fmt = c->value[OPT_FORMAT];
        if (strcmp(fmt, "table") == 0)
            c->format = FORMAT_TABLE;
        else if (strcmp(fmt, "csv") == 0)
            c->format = FORMAT_CSV;
        else if (strcmp(fmt, "json") == 0)
            c->format = FORMAT_JSON;
        else
            return option_error("format", "use table, csv or json");
    } else if (out) {
        /* --output alone: the file name says the format. */
        size_t len = strlen(out);
        if (len > 4 && strcmp(out + len - 4, ".csv") == 0)
            c->format = FORMAT_CSV;
        else if (len > 5 && strcmp(out + len - 5, ".json") == 0)
            c->format = FORMAT_JSON;
        else
            return option_error("output", "name a .csv or .json file, or give --format csv|json");
    }
    if (out && c->format == FORMAT_TABLE)
        return usage_error("--output writes csv or json: add --format csv or --format json");
    /* An export on stdout keeps stdout clean: tables go to stderr then. */
    if ((c->format != FORMAT_TABLE && !out) || (out && output_is_stdout(out)))
        c->human = stderr;
    if (c->value[OPT_OUT] && output_is_stdout(c->value[OPT_OUT]))
        c->human = stderr;
    return check_output_paths(c);
}

const struct backend_ops *parse_backend_spec(const char *spec, const char **selector)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    char name[32];
    *selector = NULL;
    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, spec, len);
    name[len] = '\0';
    const struct backend_ops *ops = backend_find(name);
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

int list_has_no_empty_item(const char *option, const char *list)
{
    size_t len = strlen(list);
    if (len == 0 || list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,")) {
        usage_error("--%s '%s' has an empty item: list the items separated by single commas",
                    option, list);
        return 0;
    }
    return 1;
}

const struct backend_ops *backend_option(const struct cli *c, const char **spec,
                                         const char **selector)
{
    *spec = c->value[OPT_BACKEND] ? c->value[OPT_BACKEND] : "openmp";
    const struct backend_ops *ops = parse_backend_spec(*spec, selector);
    if (ops && c->given[OPT_MEMORY] && ops != &backend_opencl) {
        usage_error("--memory applies to the opencl backend, not %s", ops->name);
        return NULL;
    }
    return ops;
}

struct backend_config make_config(const struct cli *c, int threads, const char *selector,
                                  enum offload_memory_mode memory)
{
    return (struct backend_config){.threads = threads,
                                   .device_selector = selector,
                                   .kernel_dir = c->value[OPT_KERNEL_DIR],
                                   .memory = memory,
                                   .quiet = 0};
}

struct run_settings make_settings(const struct cli *c)
{
    struct run_settings set = run_settings_default();
    if (c->repeat > 0)
        set.repeat = c->repeat;
    if (c->min_time >= 0)
        set.min_time = c->min_time;
    return set;
}

enum offload_algorithm algorithm_option(const struct cli *c)
{
    const char *a = c->value[OPT_ALGORITHM];
    return a && strcmp(a, "fast") == 0 ? ALG_FAST : ALG_NAIVE;
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

const char *genotype_path(const struct cli *c, char *buf, size_t len)
{
    return c->value[OPT_DATA] ? c->value[OPT_DATA] : default_data_path(buf, len);
}

/* Physical memory in bytes, 0 when unknown. */
static double physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0;
}

/* Work beyond which one naive run takes minutes even at tens of G op/s. */
#define LONG_RUN_OPS 1e12

/* The O(N^2) kernels grow fast: say so before a run that will take long. */
static void warn_long_run(const struct kernel_input *in)
{
    struct kernel_work w = kernel_work_of(in);
    if (in->alg != ALG_NAIVE || w.ops < LONG_RUN_OPS)
        return;
    fprintf(stderr,
            "offload: warning: naive %s here is %.3g %s operations, minutes or more per run "
            "at a few G op/s (and there is a warm-up and repeats); --algorithm fast gives the "
            "same result in O(%s)\n",
            kernel_name(in->kernel), w.ops, w.op_unit, in->kernel == KERNEL_SCORES ? "cols" : "N");
}

void prepared_free(struct prepared_input *p)
{
    workload_free(p->values);
    genotype_free(&p->matrix);
    memset(p, 0, sizeof *p);
}

int prepare_input(const struct cli *c, enum offload_kernel k, enum offload_algorithm alg,
                  uint64_t n, double percent, struct prepared_input *p)
{
    memset(p, 0, sizeof *p);
    p->input.kernel = k;
    p->input.alg = alg;
    switch (k) {
    case KERNEL_SQRT:
    case KERNEL_SUMSQRT: {
        if (n == 0)
            n = k == KERNEL_SQRT ? DEFAULT_SQRT_N : DEFAULT_SUMSQRT_N;
        /* 8 bytes in + 4 bytes out per element; the check needs nothing more. */
        double need = (double)n * 12.0, have = physical_memory();
        if (have > 0 && need > 0.8 * have) {
            char a[32], b[32];
            fprintf(stderr,
                    "offload: size %llu needs %s of memory and this machine has %s: use a "
                    "smaller --size\n",
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
        warn_long_run(&p->input);
        return 0;
    }
    case KERNEL_SCORES: {
        char path_buf[PATH_MAX + 64], err[512];
        const char *path = genotype_path(c, path_buf, sizeof path_buf);
        struct genotype_load_options opt = genotype_default_options();
        opt.percent = percent;
        p->input.matrix = &p->matrix;
        enum offload_status st = genotype_load_file(path, &opt, &p->matrix, err, sizeof err);
        if (st != OFFLOAD_OK) {
            fprintf(stderr, "offload: %s\n", err);
            return offload_exit_code(st);
        }
        warn_long_run(&p->input);
        return 0;
    }
    }
    return OFFLOAD_ERR_RUN;
}

int backend_ceilings(const struct cli *c, const struct backend_ops *ops, void *state,
                     const struct backend_info *info, struct ceilings *out)
{
    int from_cache = 0;
    char path[1024];
    int recalibrate = c->given[OPT_RECALIBRATE];
    if (!recalibrate && !ceilings_load(ops->name, info, out)) {
        fprintf(stderr, "offload: measuring the ceilings of %s on %s (once; cached in %s)\n",
                ops->name, info->device,
                ceilings_cache_dir(path, sizeof path) ? path : "no cache directory");
    }
    enum offload_status st = ceilings_get(ops, state, info, recalibrate, out, &from_cache);
    return st == OFFLOAD_OK ? 0 : offload_exit_code(st);
}

struct export_job {
    const struct result_set *set;
    enum export_format format;
};

static int write_export(FILE *f, void *ctx)
{
    const struct export_job *job = ctx;
    return job->format == FORMAT_JSON ? export_json(f, job->set) : export_csv(f, job->set);
}

int emit_results(const struct cli *c, const struct result_set *set)
{
    if (c->format == FORMAT_TABLE)
        return 0;
    struct export_job job = {set, c->format};
    const char *out = c->value[OPT_OUTPUT];
    char err[PATH_MAX + 256];
    enum offload_status st =
        write_file_atomic(out ? out : "-", write_export, &job, err, sizeof err);
    if (st != OFFLOAD_OK) {
        fprintf(stderr, "offload: %s\n", err);
        return offload_exit_code(st);
    }
    if (out)
        fprintf(c->human, "wrote %zu results to %s\n", set->count,
                output_is_stdout(out) ? "standard output" : out);
    return 0;
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
    c.argc = argc;
    c.argv = argv;
    c.process_start = process_start;
    c.command = cmd;
    c.command_bit = command_from_name(cmd);
    if (!c.command_bit)
        return usage_error("unknown command '%s': use compare, run, sweep, scores, calibrate or "
                           "devices",
                           cmd);
    int rc = split_arguments(&c);
    if (rc)
        return rc;
    if (c.given[OPT_HELP]) {
        print_command_help(stdout, c.command_bit);
        return 0;
    }
    rc = parse_option_values(&c);
    if (rc)
        return rc;
    switch ((enum command_bit)c.command_bit) {
    case CMD_DEVICES:
        return command_devices(&c);
    case CMD_RUN:
        return command_run(&c);
    case CMD_SCORES:
        return command_scores(&c);
    case CMD_COMPARE:
        return command_compare(&c);
    case CMD_SWEEP:
        return command_sweep(&c);
    case CMD_CALIBRATE:
        return command_calibrate(&c);
    }
    return OFFLOAD_ERR_USAGE;
}
