/* The command line: options, help texts and dispatch. Each command lives in
 * cmd_*.c; the helpers they share live in common.c. */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fileio.h"
#include "parse.h"
#include "timing.h"

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
    {OPT_OPENCL_PATH, "opencl-path", 1, TIMED_COMMANDS | CMD_SCORES | CMD_CALIBRATE},
    {OPT_NO_CALIBRATE, "no-calibrate", 0, TIMED_COMMANDS},
};

static const char *const main_usage_head =
    "usage: offload COMMAND [options]\n"
    "\n"
    "Runs the same kernels on serial C, OpenMP threads and OpenCL devices, times\n"
    "every phase, checks every result against the serial reference and says why\n"
    "one backend wins: transfer-bound, memory-bound, compute-bound or launch-bound.\n"
    "\n"
    "commands:\n"
    "  compare [KERNEL...]  every backend side by side (default: all kernels)\n"
    "  run KERNEL           one kernel on one backend\n"
    "  sweep KERNEL         time against size per backend, scaling exponent\n"
    "  scores [FILE]        the tutorial's genotype script: best-scoring marker\n"
    "  calibrate            measure each backend's ceilings (bandwidth, sqrt/s)\n"
    "  devices              list backends and OpenCL devices\n"
    "  help [COMMAND]       this text, or a command's options\n"
    "  version              version and licence (also --version, -V)\n"
    "\n"
    "kernels:\n";

static const char *const main_usage_tail =
    "\n"
    "Run 'offload help COMMAND' or 'offload COMMAND --help' for its options.\n"
    "Exit status: 0 success, 1 run failed (device error or wrong result),\n"
    "2 usage or input error.\n";

/* The main help, its kernel list from the kernel table. */
static void print_main_usage(FILE *f)
{
    fputs(main_usage_head, f);
    for (int k = 0; k < KERNEL_COUNT; k++)
        fprintf(f, "  %-8s %s\n", offload_kernels[k]->name, offload_kernels[k]->help);
    fputs(main_usage_tail, f);
}

/* "--size N  elements for sqrt (default 10M) and sumsqrt (default 10k)",
 * from the kernels that take a size. */
static void print_size_help(FILE *f)
{
    fprintf(f, "  --size N          elements for");
    int first = 1;
    for (int k = 0; k < KERNEL_COUNT; k++) {
        const struct kernel_spec *spec = offload_kernels[k];
        if (spec->input != INPUT_VALUES)
            continue;
        uint64_t size = spec->default_size;
        const char *unit = size % 1000000 == 0 ? "M" : size % 1000 == 0 ? "k" : "";
        uint64_t scaled = *unit == 'M' ? size / 1000000 : *unit == 'k' ? size / 1000 : size;
        fprintf(f, "%s %s (default %llu%s)", first ? "" : ",", spec->name,
                (unsigned long long)scaled, unit);
        first = 0;
    }
    fprintf(f, ";\n                    accepts 10000000, 1e7, 10M, 64k, 1Mi\n");
}

static const char *const timing_help =
    "  --threads T[,T..] OpenMP threads (default: OMP_NUM_THREADS or all cores);\n"
    "                    compare and sweep take a list to show thread scaling\n"
    "  --repeat R        exactly R timed runs after the warm-up\n"
    "  --min-time S      otherwise repeat until S seconds are spent (default 0.2)\n"
    "  --algorithm A     naive (the tutorial's, default) or fast (algorithmic shortcut)\n"
    "  --memory M        OpenCL host memory: copy (default), pinned or zero-copy\n"
    "  --kernel-dir DIR  OpenCL: read DIR/*.cl instead of the built-in kernels\n"
    "  --opencl-path P   OpenCL work-groups: cpu (long runs per work-item) or gpu (one\n"
    "                    element each, groups of 256); default: from the device type\n"
    "  --seed S          input seed for sqrt and sumsqrt (default 42)\n"
    "  --format F        table (default), csv or json\n"
    "  --output FILE     write the csv/json export to FILE (replaced atomically; - for\n"
    "                    standard output)\n"
    "  --recalibrate     measure the ceilings again instead of using the cache\n"
    "  --no-calibrate    neither measure nor read the ceilings (slow devices): verdicts\n"
    "                    then say that no ceilings were measured\n"
    "  --help            this text\n";

static void print_command_help(FILE *f, unsigned command)
{
    char kernels[KERNEL_NAME_LIST_MAX];
    kernel_name_list(kernels, sizeof kernels);
    switch (command) {
    case CMD_RUN:
        fprintf(f, "usage: offload run KERNEL [options]\n\n"
                   "Runs one kernel (%s) on one backend, times each phase,\n"
                   "checks the result against the serial reference and says what bounds it.\n\n"
                   "options:\n"
                   "  --backend B       serial, openmp (default) or opencl[:SEL]; SEL is P.D\n"
                   "                    (platform.device, from 0) or part of the device name\n",
                kernels);
        print_size_help(f);
        fprintf(f, "  --data FILE       scores: genotype table (default: bundled apple data)\n"
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
                   "  --opencl-path P   OpenCL work-groups: cpu or gpu (default: device type)\n"
                   "  --repeat R        time the scoring R times (default once, as the script)\n"
                   "  --out FILE        write id,score per marker row, in file order (- for\n"
                   "                    standard output)\n"
                   "  --help            this text\n");
        return;
    case CMD_COMPARE:
        fprintf(f, "usage: offload compare [KERNEL...] [options]\n\n"
                   "Runs each kernel (default: every one of %s) on every backend,\n"
                   "device and OpenCL memory mode on the same input, checks every result and\n"
                   "prints the phases, speedups, share of the measured ceiling and a verdict side\n"
                   "by side. A backend that cannot run here is reported and skipped.\n\n"
                   "options:\n"
                   "  --backends LIST   comma list (default: serial, openmp and every OpenCL\n"
                   "                    device), e.g. serial,openmp,opencl:0.0,opencl:gpu\n",
                kernels);
        print_size_help(f);
        fprintf(f, "  --data FILE       scores: genotype table (default: bundled apple data)\n"
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
                   "  --sizes SPEC      sizes: FROM:TO:xF (geometric), FROM:TO:+S or a list;\n"
                   "                    default");
        for (int k = 0, first = 1; k < KERNEL_COUNT; k++)
            if (offload_kernels[k]->sweep_sizes) {
                fprintf(f, "%s %s (%s)", first ? "" : ",", offload_kernels[k]->sweep_sizes,
                        offload_kernels[k]->name);
                first = 0;
            }
        fprintf(f, "\n"
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
                   "  --opencl-path P   OpenCL work-groups: cpu or gpu (default: device type)\n"
                   "  --help            this text\n");
        return;
    case CMD_DEVICES:
        fprintf(f, "usage: offload devices\n\n"
                   "Lists the backends and every OpenCL platform and device with the index\n"
                   "(P.D) that --backend opencl:P.D takes.\n");
        return;
    }
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
static enum offload_status split_arguments(struct cli *c)
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
    return OFFLOAD_OK;
}

static enum offload_status option_error(const char *option, const char *message)
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
    return OFFLOAD_OK;
}

static enum offload_status parse_threads(struct cli *c)
{
    char err[256];
    c->nthreads = 1;
    c->threads[0] = 0;
    if (!c->value[OPT_THREADS])
        return OFFLOAD_OK;
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
    return OFFLOAD_OK;
}

static enum offload_status parse_percents(struct cli *c)
{
    char err[256];
    c->npercent = 1;
    c->percent[0] = 100.0;
    if (!c->value[OPT_PERCENT])
        return OFFLOAD_OK;
    if (strchr(c->value[OPT_PERCENT], ',') && !list_allowed(c, OPT_PERCENT))
        return option_error("percent", "takes one number here; lists are for scores and sweep");
    if (parse_double_list(c->value[OPT_PERCENT], 0.0, 100.0, 1, c->percent, MAX_LIST,
                          &c->npercent, err, sizeof err))
        return option_error("percent", err);
    return OFFLOAD_OK;
}

/* A destination that cannot be written fails now, not after the run. */
static enum offload_status check_output_paths(const struct cli *c)
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
    return OFFLOAD_OK;
}

/* Parses the option values shared by the commands into c. */
static enum offload_status parse_option_values(struct cli *c)
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
    enum offload_status rc = parse_threads(c);
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
    if (c->value[OPT_OPENCL_PATH]) {
        const char *path = c->value[OPT_OPENCL_PATH];
        if (strcmp(path, "cpu") != 0 && strcmp(path, "gpu") != 0)
            return option_error("opencl-path", "use cpu or gpu");
        c->opencl_path = path[0] == 'c' ? OPENCL_PATH_CPU : OPENCL_PATH_GPU;
    }
    if (c->given[OPT_NO_CALIBRATE] && c->given[OPT_RECALIBRATE])
        return usage_error("--no-calibrate and --recalibrate conflict: give one of them");
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

int offload_main(int argc, char **argv)
{
    double process_start = offload_now();
    if (argc < 2) {
        print_main_usage(stderr);
        return OFFLOAD_ERR_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        print_main_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
        printf("offload %s\n"
               "MIT licence (see LICENSE); bundled apple data MIT, Gary Barker, Christopher\n"
               "Woods, University of Bristol\n",
               OFFLOAD_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc == 2) {
            print_main_usage(stdout);
            return 0;
        }
        if (strcmp(argv[2], "help") == 0) {
            printf("usage: offload help [COMMAND]\n\nPrints the overview, or the options of "
                   "COMMAND (the same as 'offload COMMAND --help').\n");
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
    enum offload_status rc = split_arguments(&c);
    if (rc != OFFLOAD_OK)
        return rc;
    if (c.given[OPT_HELP]) {
        print_command_help(stdout, c.command_bit);
        return 0;
    }
    rc = parse_option_values(&c);
    if (rc != OFFLOAD_OK)
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
