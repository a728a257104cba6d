/* The table of commands and options, their lookup, and did-you-mean. */
#include "options.h"

#include <stdio.h>
#include <string.h>

#define ALL_COMMANDS                                                                               \
    (CMD_DEVICES | CMD_RUN | CMD_SCORES | CMD_COMPARE | CMD_SWEEP | CMD_CALIBRATE | CMD_REPORT |    \
     CMD_MARKERS | CMD_PLOT | CMD_PREDICT)
#define TIMED_COMMANDS (CMD_RUN | CMD_COMPARE | CMD_SWEEP)
#define BENCH_COMMANDS (CMD_COMPARE | CMD_SWEEP | CMD_CALIBRATE)
/* The commands that start backends, which take the backends' own options. */
#define BACKEND_COMMANDS (TIMED_COMMANDS | CMD_SCORES | CMD_CALIBRATE | CMD_MARKERS)

static const struct command_spec commands[] = {
    {"compare", CMD_COMPARE, "[KERNEL...|FILE.cl] [options]", VALUE_KERNEL,
     "every backend side by side (default: all kernels)",
     "Runs each kernel (default: every one of {kernels}) on every backend, device and OpenCL "
     "memory mode on the same input, checks every result and prints the phases, speedups, "
     "share of the measured ceiling and a verdict side by side. A backend that cannot run "
     "here is reported and skipped (exit status 3 when the others ran). A kernel file "
     "(FILE.cl, see run) runs on every OpenCL device and memory mode, each checked against "
     "the first."},
    {"run", CMD_RUN, "KERNEL|FILE.cl [options]", VALUE_KERNEL, "one kernel on one backend",
     "Runs one kernel ({kernels}) on one backend, times each phase, checks the result "
     "against the serial reference and says what bounds it. A path ending in .cl runs your "
     "own OpenCL kernel instead, on an OpenCL device: its arguments are read from the kernel "
     "and take their values from --arg (and from '// offload: OPTIONS' lines in the file; "
     "the command line wins). Under mpirun -n R (a build with MPI) a built-in kernel's call "
     "is split over the R ranks, with distribute and collect phases."},
    {"sweep", CMD_SWEEP, "KERNEL|FILE.cl [options]", VALUE_KERNEL,
     "time against size per backend, scaling exponent",
     "Times one kernel over a range of sizes on each backend, fits the scaling exponent k "
     "(time ~ N^k) and says from which size OpenCL beats OpenMP end to end. A kernel file "
     "(FILE.cl, see run) sweeps --sizes, or with --local LIST the work-group sizes at one "
     "size."},
    {"scores", CMD_SCORES, "[FILE] [options]", VALUE_FILE,
     "the tutorial's genotype script: best-scoring marker",
     "The tutorial's script as one command: reads a genotype table FILE (markers x varieties; "
     "calls 0/1/2 or A/AB/B, anything else missing; default: the bundled AppleGenotypes.csv), "
     "scores every marker, checks the scores and prints the best one, with the time of each "
     "part of the run. With several percentages it also shows how the kernel scales and how "
     "much of the whole run it is."},
    {"markers", CMD_MARKERS, "[FILE] [options]", VALUE_FILE,
     "the fewest markers that tell every pair of varieties apart",
     "Upstream minimalmarkers' greedy selection (chryswoods/minimalmarkers, the same rules and "
     "ties): reads a genotype table FILE (default: the bundled AppleGenotypes.csv), drops "
     "patterns below the call rate and minor allele frequency or with one allele, merges "
     "duplicates, computes the best possible score, then picks, one at a time, the marker that "
     "resolves the most pairs of varieties still unresolved, until none is left or no marker "
     "adds anything. Prints upstream's iteration table and the pairs left unresolved, checks the "
     "backend's picks against the serial ones and shows the time of each phase."},
    {"calibrate", CMD_CALIBRATE, "[options]", VALUE_NONE,
     "measure each backend's ceilings (bandwidth, sqrt/s)",
     "Measures what each backend's device can do at best: memory bandwidth (STREAM copy and "
     "triad), float64 and float32 sqrt throughput, host<->device transfer bandwidth for each "
     "memory mode and kernel launch latency. Results are cached per device and used by run, "
     "compare and sweep for verdicts. Under mpirun -n R (a build with MPI) it measures the "
     "link between the ranks instead: latency and bandwidth both ways by message size."},
    {"report", CMD_REPORT, "FILE... [options]", VALUE_FILE,
     "saved runs (JSON exports) side by side, nothing run",
     "Shows saved runs side by side without running anything: each FILE is a JSON export "
     "(offload compare|run|sweep --format json --output FILE). Rows match on kernel, "
     "algorithm, size, backend (without its device selector) and memory mode, and for a "
     "device backend its role (CPU device, GPU, accelerator; the fastest of each; then "
     "devices left over across roles), each device named beside its numbers; each run gets "
     "a column group with its machine and build, and 'vs #1' is the end-to-end speedup over "
     "the first FILE. It ends with what each run gains over the first and where it is "
     "transfer-bound. Rows that are not in every file are listed apart, not compared."},
    {"plot", CMD_PLOT, "EXPORT... [options]", VALUE_FILE,
     "charts of saved runs (JSON exports) through gnuplot",
     "Draws charts from saved runs (each EXPORT a JSON export: offload compare|run|sweep "
     "--format json --output FILE) with gnuplot: roofline.FORMAT (each result's operations "
     "per second against its operations per byte, under each device's measured roof), "
     "sweep-KERNEL-ALGORITHM.FORMAT for each kernel measured at several sizes (time against "
     "size) and phases-KERNEL-ALGORITHM.FORMAT (copy-in, kernel and copy-out of each backend "
     "at the largest size). Several exports (a laptop's and a workstation's) share each "
     "chart, numbered #1, #2 as given."},
    {"predict", CMD_PREDICT, "KERNEL --profile NAME|FILE [options]", VALUE_KERNEL,
     "forecast for a device you do not have (a GPU profile)",
     "Predicts, from a device profile (data/devices/NAME.json: memory bandwidth, FP64 and FP32 "
     "rates, host link, launch latency, compute units and resident threads, each with the spec "
     "sheet it comes from), the phase times and the verdict of one kernel ({kernels}) on that "
     "device with the GPU path's launch, and sets them beside what this machine's measured "
     "ceilings say. Nothing is run; every figure of the profile's device is labelled "
     "predicted."},
    {"devices", CMD_DEVICES, "[options]", VALUE_NONE, "list backends and OpenCL devices",
     "Lists the backends and every OpenCL platform and device with the index (P.D) that "
     "--backend opencl:P.D takes; --format csv or json gives one row per device for "
     "scripts."},
    {"help", 0, "[COMMAND]", VALUE_COMMAND, "this text, or a command's options",
     "Prints the overview, or the options of COMMAND (the same as 'offload COMMAND --help')."},
    {"version", 0, "", VALUE_NONE, "version and licence (also --version, -V)",
     "Prints the version and the licence."},
};

/* "elements for sqrt (default 10M), sumsqrt (default 10k); ..." */
static void size_help(char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "elements for");
    int first = 1;
    for (int k = 0; k < KERNEL_BUILTIN_COUNT && used < len; k++) {
        const struct kernel_spec *spec = offload_kernels[k];
        if (spec->input != INPUT_VALUES)
            continue;
        uint64_t size = spec->default_size;
        const char *unit = size % 1000000 == 0 ? "M" : size % 1000 == 0 ? "k" : "";
        uint64_t scaled = *unit == 'M' ? size / 1000000 : *unit == 'k' ? size / 1000 : size;
        used += (size_t)snprintf(buf + used, len - used, "%s %s (default %llu%s)", first ? "" : ",",
                                 spec->name, (unsigned long long)scaled, unit);
        first = 0;
    }
    if (used < len)
        snprintf(buf + used, len - used, "; accepts 10000000, 1e7, 10M, 64k, 1Mi");
}

/* "sizes: FROM:TO:xF ...; default 1M:64M:x2 (sqrt), ..." */
static void sizes_help(char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len,
                                   "sizes: FROM:TO:xF (geometric), FROM:TO:+S or a "
                                   "list; default");
    for (int k = 0, first = 1; k < KERNEL_BUILTIN_COUNT && used < len; k++)
        if (offload_kernels[k]->sweep_sizes) {
            used += (size_t)snprintf(buf + used, len - used, "%s %s (%s)", first ? "" : ",",
                                     offload_kernels[k]->sweep_sizes, offload_kernels[k]->name);
            first = 0;
        }
}

/* "serial, openmp or opencl[:SEL]" from the registry, the default marked;
 * returns the characters written. */
static size_t backend_names(char *buf, size_t len, const char *last_joiner, int mark_default)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < offload_backend_count && used < len; i++) {
        const struct backend_ops *ops = offload_backends[i];
        const char *sep = i == 0 ? "" : i + 1 == offload_backend_count ? last_joiner : ", ";
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s%s", sep, ops->name,
                                 ops->caps.device_selectors ? "[:SEL]" : "",
                                 mark_default && ops == backend_default() ? " (default)" : "");
    }
    return used;
}

static int any_device_backend(void)
{
    for (size_t i = 0; i < offload_backend_count; i++)
        if (offload_backends[i]->caps.device_selectors)
            return 1;
    return 0;
}

static const char selector_help[] = "; SEL is P.D (platform.device, from 0, as 'offload "
                                    "devices' shows) or part of the device name";

static void backend_help(char *buf, size_t len)
{
    size_t used = backend_names(buf, len, " or ", 1);
    snprintf(buf + used, len - used, "%s. One backend: lists are for compare, sweep and calibrate",
             any_device_backend() ? selector_help : "");
}

static void backends_help(char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "comma list of ");
    used += backend_names(buf + used, len - used, " and ", 0);
    snprintf(buf + used, len - used,
             " (default, or 'all': every backend and every device of a backend with "
             "devices)%s",
             any_device_backend() ? selector_help : "");
}

/* markers takes one backend, as run does, and says what it does there. */
static void markers_backend_help(char *buf, size_t len)
{
    size_t used = backend_names(buf, len, " or ", 1);
    snprintf(buf + used, len - used,
             "%s: who scores the markers on the pairs left; the picks are checked against the "
             "serial selection",
             any_device_backend() ? selector_help : "");
}

static const struct option_spec options[] = {
    {OPT_BACKEND, "backend", "backends", 'b', "B", VALUE_BACKEND, CMD_RUN | CMD_SCORES, NULL,
     backend_help},
    {OPT_BACKEND, "backends", "backend", 'b', "LIST", VALUE_BACKEND, BENCH_COMMANDS, NULL,
     backends_help},
    {OPT_BACKEND, "backend", "backends", 'b', "B", VALUE_BACKEND, CMD_MARKERS, NULL,
     markers_backend_help},
    {OPT_PAIRS, "pairs", NULL, 0, "S", VALUE_PAIRS, CMD_MARKERS,
     "on a device: copy (the remaining pairs copied to it before each rescore), resident "
     "(kept there, compacted by a kernel after each pick) or both (default: side by side, with "
     "a verdict)",
     NULL},
    {OPT_MIN_CALL_RATE, "min-call-rate", NULL, 0, "R", VALUE_NUMBER, CMD_MARKERS,
     "drop markers called in fewer than this share of the varieties (default 0.9)", NULL},
    {OPT_MIN_MAF, "min-maf", NULL, 0, "F", VALUE_NUMBER, CMD_MARKERS,
     "drop markers whose minor allele frequency is below F (default 0.001)", NULL},
    {OPT_WITH_HEADERS, "with-headers", NULL, 0, "FILE", VALUE_FILE, CMD_MARKERS,
     "also write upstream's _selected_markers_with_headers.txt: ID and the varieties, one row "
     "per selected marker (x for a missing call)",
     NULL},
    {OPT_FORMAT, "format", NULL, 'f', "F", VALUE_FORMAT, CMD_MARKERS,
     "write the selected markers as csv, json (with the unresolved pairs) or markdown instead "
     "of upstream's text format; without --output to standard output (the report then goes to "
     "standard error)",
     NULL},
    {OPT_OUTPUT, "output", NULL, 'o', "FILE", VALUE_FILE, CMD_MARKERS,
     "write the selected markers to FILE (replaced atomically; - for standard output): "
     "upstream's _minimal_markers.txt byte for byte (CumulativeResolved, MarkerID, "
     "GenotypePattern, tab-separated), or as --format says",
     NULL},
    {OPT_SIZE, "size", NULL, 0, "N", VALUE_NUMBER, CMD_RUN | CMD_COMPARE | CMD_PREDICT, NULL,
     size_help},
    {OPT_SIZES, "sizes", NULL, 0, "SPEC", VALUE_NUMBER, CMD_SWEEP, NULL, sizes_help},
    {OPT_DATA, "data", NULL, 0, "FILE", VALUE_FILE, TIMED_COMMANDS | CMD_PREDICT,
     "scores: genotype table (default: the bundled apple data)", NULL},
    {OPT_PERCENT, "percent", NULL, 0, "P", VALUE_NUMBER, CMD_RUN | CMD_COMPARE | CMD_PREDICT,
     "scores: keep the first P% of the data lines (default 100)", NULL},
    {OPT_PERCENT, "percent", NULL, 0, "P[,P..]", VALUE_NUMBER, CMD_SCORES,
     "keep the first P% of the data lines (default 100); e.g. --percent 5,100 answers the "
     "tutorial's exercise",
     NULL},
    {OPT_PERCENT, "percent", NULL, 0, "LIST", VALUE_NUMBER, CMD_SWEEP,
     "scores: the percentages to sweep (default 5,25,50,100)", NULL},
    {OPT_THREADS, "threads", NULL, 't', "T", VALUE_NUMBER,
     CMD_RUN | CMD_SCORES | CMD_CALIBRATE | CMD_MARKERS | CMD_PREDICT,
     "host threads of the backends that run on them (default: OMP_NUM_THREADS or all "
     "cores)",
     NULL},
    {OPT_THREADS, "threads", NULL, 't', "T[,T..]", VALUE_NUMBER, CMD_COMPARE | CMD_SWEEP,
     "host threads of the backends that run on them (default: OMP_NUM_THREADS or all "
     "cores); a list such as 1,2,4 shows thread scaling",
     NULL},
    {OPT_REPEAT, "repeat", NULL, 'r', "R", VALUE_NUMBER, TIMED_COMMANDS,
     "exactly R timed runs after the warm-up", NULL},
    {OPT_REPEAT, "repeat", NULL, 'r', "R", VALUE_NUMBER, CMD_SCORES,
     "time the scoring R times (default once, as the script)", NULL},
    {OPT_MIN_TIME, "min-time", NULL, 0, "S", VALUE_NUMBER, TIMED_COMMANDS,
     "otherwise repeat until S seconds are spent (default 0.2)", NULL},
    {OPT_WARMUP, "warmup", NULL, 0, "N", VALUE_NUMBER, TIMED_COMMANDS,
     "untimed calls with the same sizes before the timed ones (default 1; 0 times the first "
     "call too)",
     NULL},
    {OPT_ALGORITHM, "algorithm", NULL, 0, "A", VALUE_ALGORITHM,
     CMD_RUN | CMD_SWEEP | CMD_SCORES | CMD_PREDICT,
     "naive (the tutorial's, default) or fast (algorithmic shortcut)", NULL},
    {OPT_ALGORITHM, "algorithm", NULL, 0, "A", VALUE_ALGORITHM, CMD_COMPARE,
     "naive (the tutorial's), fast (algorithmic shortcut) or both (default)", NULL},
    {OPT_MEMORY, "memory", NULL, 0, "M", VALUE_MEMORY, CMD_RUN | CMD_SWEEP | CMD_SCORES,
     "how a device backend reaches host memory: copy (default), pinned or zero-copy", NULL},
    {OPT_MEMORY, "memory", NULL, 0, "M", VALUE_MEMORY, CMD_COMPARE,
     "how a device backend reaches host memory: copy, pinned or zero-copy (default: every "
     "mode)",
     NULL},
    {OPT_SEED, "seed", NULL, 0, "S", VALUE_NUMBER, TIMED_COMMANDS,
     "input seed for sqrt and sumsqrt (default 42)", NULL},
    {OPT_FORMAT, "format", NULL, 'f', "F", VALUE_FORMAT, TIMED_COMMANDS | CMD_REPORT,
     "table (default), markdown, csv or json; markdown, csv and json go to --output, else to "
     "standard output (the table then goes to standard error)",
     NULL},
    {OPT_FORMAT, "format", NULL, 'f', "F", VALUE_FORMAT, CMD_DEVICES | CMD_CALIBRATE,
     "table (default), csv or json; csv and json go to --output, else to standard output", NULL},
    {OPT_FORMAT, "format", NULL, 'f', "F", VALUE_FORMAT, CMD_SCORES,
     "write the per-marker id,score table as table (aligned columns), markdown, csv or json; with "
     "several --percent values, each percentage's times and best score with the kernel's "
     "scaling and the Amdahl answer instead (markdown, csv or json). Without --output it goes to "
     "standard output and the report to standard error. Without --format and --output scores "
     "prints the report only",
     NULL},
    {OPT_OUTPUT, "output", NULL, 'o', "FILE", VALUE_FILE, TIMED_COMMANDS | CMD_REPORT,
     "write the export to FILE (replaced atomically; - for standard output); without "
     "--format the name says which: .csv, .json or .md (markdown)",
     NULL},
    {OPT_OUTPUT, "output", NULL, 'o', "FILE", VALUE_FILE, CMD_DEVICES | CMD_CALIBRATE,
     "write the export to FILE (replaced atomically; - for standard output); without "
     "--format the name says which: .csv or .json (these exports have no markdown form)",
     NULL},
    {OPT_BASELINE, "baseline", NULL, 0, "FILE", VALUE_FILE, CMD_COMPARE,
     "show each row beside the same row of a saved JSON export (offload compare --format "
     "json --output FILE), with the ratio and both verdicts",
     NULL},
    {OPT_OUTPUT, "output", "out", 'o', "FILE", VALUE_FILE, CMD_SCORES,
     "write the per-marker id,score table to FILE, in file order (replaced atomically; - for "
     "standard output): as --format says, else json for a .json name, else csv",
     NULL},
    {OPT_RECALIBRATE, "recalibrate", NULL, 0, NULL, VALUE_NONE, TIMED_COMMANDS | CMD_CALIBRATE,
     "measure the ceilings again instead of using the cache", NULL},
    {OPT_NO_CALIBRATE, "no-calibrate", NULL, 0, NULL, VALUE_NONE, TIMED_COMMANDS,
     "neither measure nor read the ceilings (slow devices): verdicts then say that no "
     "ceilings were measured",
     NULL},
    {OPT_NO_ONE_RANK, "no-one-rank", NULL, 0, NULL, VALUE_NONE, TIMED_COMMANDS,
     "under mpirun -n R: skip the baseline on rank 0 alone (the whole input on its own "
     "backend, timed between the distributed runs, at most about one more run's time), and "
     "with it the measured speedup over one rank",
     NULL},
    {OPT_PROFILE, "profile", NULL, 0, "NAME|FILE", VALUE_FILE, CMD_PREDICT,
     "the device to predict: a shipped profile (h200, h100, mi300x, rtx4090, arc-a770) or a "
     "profile FILE.json of the same form",
     NULL},
    {OPT_CEILINGS, "ceilings", NULL, 0, "C", VALUE_CEILINGS, TIMED_COMMANDS,
     "fresh (default): probe the ceilings that bound each run right before and after it "
     "(about 5% of its time, at least one pass over its data) and judge it against them when "
     "they differ from the cached ones by more than the noise; cached: the cached "
     "calibration only",
     NULL},
    {OPT_PLOT_FORMAT, "format", NULL, 'f', "F", VALUE_IMAGE, CMD_PLOT,
     "png (default), svg or pdf", NULL},
    {OPT_PLOT_DIR, "output", NULL, 'o', "DIR", VALUE_DIR, CMD_PLOT,
     "write the charts into the folder DIR (made if missing; default: the current folder)",
     NULL},
    {OPT_VERBOSE, "verbose", NULL, 'v', NULL, VALUE_NONE, CMD_COMPARE,
     "every phase, rate and note (the table's full width), not only the answers, the "
     "compact table and the reasons",
     NULL},
    {OPT_ENTRY, "entry", NULL, 0, "NAME", VALUE_WORD, TIMED_COMMANDS,
     "FILE.cl: the __kernel to run (default: the file's only one)", NULL},
    {OPT_ARG, "arg", NULL, 0, "NAME=SPEC", VALUE_WORD, TIMED_COMMANDS,
     "FILE.cl: a kernel argument's value, once per argument: in:TYPE[EXPR]:FILL, "
     "out:TYPE[EXPR], inout:TYPE[EXPR]:FILL (FILL random(LO,HI), fill(V), range(START,STEP) or "
     "file(PATH); TYPE defaults to the declared one, EXPR to N), local:TYPE[EXPR], or a number "
     "or expression in N for a scalar. Const global pointers default to in, others to out",
     NULL},
    {OPT_GLOBAL, "global", NULL, 0, "EXPR[,EXPR..]", VALUE_NUMBER, TIMED_COMMANDS,
     "FILE.cl: the NDRange, one to three expressions in N (default N)", NULL},
    {OPT_LOCAL, "local", NULL, 0, "EXPR[,EXPR..]", VALUE_NUMBER, CMD_RUN | CMD_COMPARE,
     "FILE.cl: the work-group size, as many dimensions as --global (default: the driver's "
     "choice)",
     NULL},
    {OPT_LOCAL, "local", NULL, 0, "LIST", VALUE_NUMBER, CMD_SWEEP,
     "FILE.cl: sweep these 1-D work-group sizes (e.g. 1,16,64,256) at one --sizes N instead of "
     "sizes",
     NULL},
    {OPT_BYTES, "bytes", NULL, 0, "EXPR", VALUE_NUMBER, TIMED_COMMANDS,
     "FILE.cl: bytes the kernel must move, an expression in N (default: every in buffer read "
     "once and every out buffer written once, said as an assumption)",
     NULL},
    {OPT_OPS, "ops", NULL, 0, "EXPR", VALUE_NUMBER, TIMED_COMMANDS,
     "FILE.cl: operations the kernel does, an expression in N, counted as --op says", NULL},
    {OPT_OP, "op", NULL, 0, "UNIT", VALUE_WORD, TIMED_COMMANDS,
     "FILE.cl: what --ops counts: f32 or f64 (flops, an FMA counts 2), sqrt32, sqrt64, int8cmp "
     "or none; picks the ceiling",
     NULL},
    {OPT_CHECK, "check", NULL, 0, "REF.cl[:ENTRY]", VALUE_FILE, TIMED_COMMANDS,
     "FILE.cl: run this reference kernel with the same arguments and compare every output "
     "buffer (default: every call must give the first call's output)",
     NULL},
    {OPT_RTOL, "rtol", NULL, 0, "R", VALUE_NUMBER, TIMED_COMMANDS,
     "FILE.cl: relative tolerance of --check (default: exact for integers, 1e-5 for float, "
     "1e-12 for double)",
     NULL},
    {OPT_ATOL, "atol", NULL, 0, "A", VALUE_NUMBER, TIMED_COMMANDS,
     "FILE.cl: absolute tolerance of --check (default 0)", NULL},
    {OPT_TIMEOUT, "timeout", NULL, 0, "S", VALUE_NUMBER, TIMED_COMMANDS,
     "FILE.cl: end with exit status 1 when one kernel call runs longer than S seconds "
     "(default: no limit)",
     NULL},
    {OPT_HELP, "help", NULL, 'h', NULL, VALUE_NONE, ALL_COMMANDS, "this text", NULL},
};

const struct command_spec *command_table(size_t *count)
{
    *count = sizeof commands / sizeof commands[0];
    return commands;
}

#define OWN_ROWS (OPT_COUNT - OPT_BACKEND_OWN_FIRST)
#define STATIC_ROWS (sizeof options / sizeof options[0])

/* The command line's rows, then a row for each backend's own option; built
 * once, on first use, from the registry. */
static struct option_spec all_rows[STATIC_ROWS + OWN_ROWS];
static size_t all_count;
static const struct backend_ops *own_owner[OWN_ROWS];
static const struct backend_option *own_option[OWN_ROWS];

static void add_backend_rows(void)
{
    size_t own = 0;
    for (size_t b = 0; b < offload_backend_count; b++) {
        const struct backend_ops *ops = offload_backends[b];
        for (size_t k = 0; k < ops->option_count && own < OWN_ROWS; k++, own++) {
            const struct backend_option *bo = &ops->options[k];
            own_owner[own] = ops;
            own_option[own] = bo;
            all_rows[all_count++] =
                (struct option_spec){.id = (enum option_id)(OPT_BACKEND_OWN_FIRST + own),
                                     .name = bo->name,
                                     .metavar = bo->metavar,
                                     .value = bo->choices  ? VALUE_CHOICE
                                              : bo->is_dir ? VALUE_DIR
                                                           : VALUE_FILE,
                                     .commands = BACKEND_COMMANDS,
                                     .help = bo->help};
        }
    }
}

const struct option_spec *option_table(size_t *count)
{
    if (!all_count) {
        /* The help row stays last, as --help lists it. */
        memcpy(all_rows, options, (STATIC_ROWS - 1) * sizeof options[0]);
        all_count = STATIC_ROWS - 1;
        add_backend_rows();
        all_rows[all_count++] = options[STATIC_ROWS - 1];
    }
    *count = all_count;
    return all_rows;
}

const struct backend_option *option_owned(const struct option_spec *o,
                                          const struct backend_ops **owner)
{
    size_t n;
    option_table(&n);
    if (o->id < OPT_BACKEND_OWN_FIRST || o->id >= OPT_COUNT ||
        !own_option[o->id - OPT_BACKEND_OWN_FIRST])
        return NULL;
    if (owner)
        *owner = own_owner[o->id - OPT_BACKEND_OWN_FIRST];
    return own_option[o->id - OPT_BACKEND_OWN_FIRST];
}

void backend_options_from_cli(const struct cli *c, const struct backend_ops *ops,
                              const char *values[BACKEND_MAX_OPTIONS])
{
    for (size_t k = 0; k < BACKEND_MAX_OPTIONS; k++)
        values[k] = NULL;
    option_table(&(size_t){0});
    for (size_t own = 0; own < OWN_ROWS && own_option[own]; own++)
        if (own_owner[own] == ops) {
            size_t k = (size_t)(own_option[own] - ops->options);
            if (k < BACKEND_MAX_OPTIONS)
                values[k] = c->value[OPT_BACKEND_OWN_FIRST + own];
        }
}

const struct command_spec *command_find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int same_name(const char *full, const char *name, size_t len)
{
    return full && strlen(full) == len && strncmp(full, name, len) == 0;
}

const struct option_spec *option_find_long(unsigned command, const char *name, size_t len)
{
    size_t n;
    const struct option_spec *rows = option_table(&n);
    for (size_t i = 0; i < n; i++)
        if ((rows[i].commands & command) &&
            (same_name(rows[i].name, name, len) || same_name(rows[i].alias, name, len)))
            return &rows[i];
    return NULL;
}

const struct option_spec *option_find_short(unsigned command, char letter)
{
    size_t n;
    const struct option_spec *rows = option_table(&n);
    for (size_t i = 0; i < n; i++)
        if ((rows[i].commands & command) && rows[i].short_name == letter)
            return &rows[i];
    return NULL;
}

const struct option_spec *option_find_any(const char *name, size_t len)
{
    return option_find_long(ALL_COMMANDS, name, len);
}

const char *option_help(const struct option_spec *o, char *buf, size_t len)
{
    if (o->help)
        return o->help;
    o->help_fn(buf, len);
    return buf;
}

const char *expand_kernels(const char *text, char *buf, size_t len)
{
    static const char key[] = "{kernels}";
    const char *at = strstr(text, key);
    if (!at)
        return text;
    char kernels[KERNEL_NAME_LIST_MAX];
    kernel_name_list(kernels, sizeof kernels);
    snprintf(buf, len, "%.*s%s%s", (int)(at - text), text, kernels, at + sizeof key - 1);
    return buf;
}

const char *suggest_option(unsigned command, const char *name, size_t len)
{
    struct suggestion s;
    suggest_init(&s, name, len);
    size_t n;
    const struct option_spec *rows = option_table(&n);
    for (size_t i = 0; i < n; i++)
        if (rows[i].commands & command) {
            suggest_consider(&s, rows[i].name);
            if (rows[i].alias)
                suggest_consider(&s, rows[i].alias);
        }
    return s.best;
}

const char *suggest_command(const char *name)
{
    struct suggestion s;
    suggest_init(&s, name, strlen(name));
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        suggest_consider(&s, commands[i].name);
    return s.best;
}

int word_in_list(const char *list, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return 1;
    return 0;
}
