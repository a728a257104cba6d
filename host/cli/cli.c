/* The command line: parsing and dispatch. The options and commands are a
 * table (options.c), from which help.c prints --help and docgen.c writes the
 * man page and completions; each command lives in cmd_*.c; the helpers they
 * share live in common.c. */
#include "cli.h"
#include "ranks.h"
#include "message.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "commands.h"
#include "fileio.h"
#include "help.h"
#include "kernel_file.h"
#include "options.h"
#include "parse.h"
#include "provenance.h"
#include "timing.h"

/* "unknown option '--thread' for 'run': did you mean --threads?", or which
 * commands take it. name[0..len) is the long name, NULL for a short flag. */
static enum offload_status unknown_option(const struct cli *c, const char *arg, const char *name,
                                          size_t len)
{
    const char *near = name ? suggest_option(c->command_bit, name, len) : NULL;
    if (near)
        return usage_error("unknown option '%s' for '%s': did you mean --%s?", arg, c->command,
                           near);
    unsigned owners = 0;
    size_t nopt, ncmd;
    const struct option_spec *opts = option_table(&nopt);
    for (size_t i = 0; name && i < nopt; i++)
        if (option_find_long(opts[i].commands, name, len) == &opts[i])
            owners |= opts[i].commands;
    if (!owners)
        return usage_error("unknown option '%s' for '%s'", arg, c->command);
    char list[128] = "";
    const struct command_spec *cmds = command_table(&ncmd);
    for (size_t i = 0; i < ncmd; i++)
        if (cmds[i].bit & owners)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *list ? ", " : "",
                     cmds[i].name);
    return usage_error("unknown option '%s' for '%s' (an option of %s)", arg, c->command, list);
}

/* Records one option; value is its "=VALUE" or "-t2" part, or NULL to take
 * the next argument if it needs one. */
static enum offload_status take_option(struct cli *c, const struct option_spec *spec,
                                       const char *spelled, const char *value, int *i)
{
    if (spec->id == OPT_ARG) {
        /* One --arg per kernel argument: kept in order, checked by name later. */
        if (!value && *i + 1 < c->argc)
            value = c->argv[++*i];
        if (!value)
            return usage_error("option '--arg' needs a value: NAME=SPEC");
        if (c->narg_values == MAX_FILE_ARGS)
            return usage_error("more than %d --arg options", MAX_FILE_ARGS);
        c->arg_values[c->narg_values++] = value;
        c->given[OPT_ARG] = 1;
        return OFFLOAD_OK;
    }
    if (c->given[spec->id])
        return usage_error("option '--%s' given twice", spec->name);
    c->given[spec->id] = 1;
    c->spelled[spec->id] = spelled;
    if (!spec->metavar) {
        if (value)
            return usage_error("option '--%s' takes no value", spec->name);
        return OFFLOAD_OK;
    }
    if (value)
        c->value[spec->id] = value;
    else if (*i + 1 < c->argc)
        c->value[spec->id] = c->argv[++*i];
    else
        return usage_error("option '--%s' needs a value", spec->name);
    return OFFLOAD_OK;
}

/* Splits argv into options and positionals; checks each option belongs to
 * the command. Long options take "--name VALUE" or "--name=VALUE", short
 * ones "-t 2" or "-t2". */
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
        const struct option_spec *spec;
        const char *value = NULL, *spelled;
        if (arg[1] != '-') {
            spec = option_find_short(c->command_bit, arg[1]);
            if (!spec || (arg[2] && !spec->metavar))
                return unknown_option(c, arg, NULL, 0);
            value = arg[2] ? arg + 2 : NULL;
            spelled = spec->name;
        } else {
            const char *name = arg + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            spec = option_find_long(c->command_bit, name, len);
            if (!spec)
                return unknown_option(c, arg, name, len);
            value = eq ? eq + 1 : NULL;
            spelled =
                spec->alias && strncmp(spec->alias, name, len) == 0 && strlen(spec->alias) == len
                    ? spec->alias
                    : spec->name;
        }
        enum offload_status st = take_option(c, spec, spelled, value, &i);
        if (st != OFFLOAD_OK)
            return st;
    }
    return OFFLOAD_OK;
}

static int ends_with(const char *s, const char *suffix);

/* Kernel files are small; refuse anything absurd. */
#define KERNEL_FILE_MAX_BYTES (16u << 20)

/* The arguments' name part of "NAME=SPEC", for matching. */
static int same_arg_name(const char *a, const char *b)
{
    size_t la = strcspn(a, "="), lb = strcspn(b, "=");
    return la == lb && strncmp(a, b, la) == 0;
}

/* One option of an "// offload:" line; the command line wins over it. */
static enum offload_status take_header_option(struct cli *c, const char *path, int *i,
                                              int *from_header)
{
    const char *w = c->header_words[*i];
    if (w[0] != '-' || w[1] != '-' || !w[2])
        return usage_error("%s: '// offload:' lines hold options such as --size 1M, not '%s'",
                           path, w);
    const char *name = w + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const char *value = eq ? eq + 1 : NULL;
    const struct option_spec *spec = option_find_long(c->command_bit, name, len);
    if (!spec) {
        const struct option_spec *other = option_find_any(name, len);
        if (!other)
            return usage_error("%s: unknown option '--%.*s' in an '// offload:' line", path,
                               (int)len, name);
        /* Another command's option (--size under sweep): not for this one. */
        if (other->metavar && !value)
            (*i)++;
        return OFFLOAD_OK;
    }
    if (spec->metavar && !value) {
        if (*i + 1 >= c->nheader_words)
            return usage_error("%s: option '--%s' needs a value in its '// offload:' line", path,
                               spec->name);
        value = c->header_words[++*i];
    }
    if (!spec->metavar && value)
        return usage_error("%s: option '--%s' takes no value", path, spec->name);
    if (spec->id == OPT_ARG) {
        for (size_t a = 0; a < c->narg_values; a++)
            if (same_arg_name(c->arg_values[a], value)) {
                if (a >= c->narg_from_command_line)
                    return usage_error("%s: --arg %.*s given twice in '// offload:' lines", path,
                                       (int)strcspn(value, "="), value);
                return OFFLOAD_OK; /* the command line's value wins */
            }
        if (c->narg_values == MAX_FILE_ARGS)
            return usage_error("more than %d --arg options", MAX_FILE_ARGS);
        c->arg_values[c->narg_values++] = value;
        c->given[OPT_ARG] = 1;
        return OFFLOAD_OK;
    }
    if (from_header[spec->id])
        return usage_error("%s: option '--%s' given twice in '// offload:' lines", path,
                           spec->name);
    from_header[spec->id] = 1;
    /* compare runs every memory mode: the file's choice is for run. */
    if (spec->id == OPT_MEMORY && c->command_bit == CMD_COMPARE)
        return OFFLOAD_OK;
    if (c->given[spec->id])
        return OFFLOAD_OK; /* the command line wins */
    c->given[spec->id] = 1;
    c->spelled[spec->id] = spec->name;
    c->value[spec->id] = value;
    return OFFLOAD_OK;
}

/* A .cl file in a kernel's place: its text, and the options of its
 * "// offload:" lines added where the command line gave none. */
static enum offload_status read_kernel_file(struct cli *c)
{
    if (!(c->command_bit & (CMD_RUN | CMD_COMPARE | CMD_SWEEP)) || c->npositional == 0 ||
        !ends_with(c->positional[0], ".cl"))
        return OFFLOAD_OK;
    const char *path = c->positional[0];
    c->file_text = read_whole_file(path, KERNEL_FILE_MAX_BYTES, &c->file_length);
    if (!c->file_text)
        return usage_error("cannot read kernel file %s: %s; give the path of a .cl file", path,
                           errno == EFBIG ? "larger than 16 MiB" : strerror(errno));
    c->file_src = (struct file_source){.path = path, .text = c->file_text, .length = c->file_length};
    char err[256];
    if (header_words(c->file_text, c->file_length, &c->header_words, &c->nheader_words, err,
                     sizeof err) != OFFLOAD_OK)
        return usage_error("%s: %s", path, err);
    c->narg_from_command_line = c->narg_values;
    int from_header[OPT_COUNT] = {0};
    for (int i = 0; i < c->nheader_words; i++) {
        enum offload_status st = take_header_option(c, path, &i, from_header);
        if (st != OFFLOAD_OK)
            return st;
    }
    return OFFLOAD_OK;
}

static enum offload_status option_error(const char *option, const char *message)
{
    return usage_error("--%s: %s", option, message);
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
    case CMD_MARKERS:
        return 0;
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
    /* Whole numbers in digits, as --repeat takes them: 1e1 or 4k threads
     * is a typo, not a thread count. */
    if (c->value[OPT_THREADS][strspn(c->value[OPT_THREADS], "0123456789,")] != '\0')
        return option_error("threads", "use whole numbers in digits, e.g. 4 or 1,2,4");
    if (parse_count_list(c->value[OPT_THREADS], 1, MAX_THREADS, values, MAX_LIST, &n, err,
                         sizeof err))
        return option_error("threads", err);
    for (size_t i = 0; i < n; i++)
        c->threads[i] = (int)values[i];
    c->nthreads = n;
    /* Allowed (oversubscription is worth seeing), never silently. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    for (size_t i = 0; i < n; i++)
        if (cores > 0 && c->threads[i] > cores) {
            offload_warning("--threads %d on %ld cores: the threads take turns on the cores, so "
                            "the times measure the scheduler as much as the kernel\n",
                            c->threads[i], cores);
            break;
        }
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
    if (parse_double_list(c->value[OPT_PERCENT], 0.0, 100.0, 1, c->percent, MAX_LIST, &c->npercent,
                          err, sizeof err))
        return option_error("percent", err);
    return OFFLOAD_OK;
}

/* A destination that cannot be written, or that is one of the files the
 * command reads, fails now, not after the run. The files read: scores' and
 * report's arguments, --data and --baseline. */
static enum offload_status check_output_path(const struct cli *c)
{
    char err[2 * PATH_MAX + 256];
    const char *path = c->value[OPT_OUTPUT];
    const char *inputs[MAX_POSITIONAL + 2];
    size_t ninputs = 0;
    if (c->command_bit == CMD_SCORES || c->command_bit == CMD_REPORT ||
        c->command_bit == CMD_MARKERS)
        for (size_t i = 0; i < c->npositional; i++)
            inputs[ninputs++] = c->positional[i];
    inputs[ninputs++] = c->value[OPT_DATA];
    inputs[ninputs++] = c->value[OPT_BASELINE];
    if (path && output_path_check(path, inputs, ninputs, err, sizeof err) != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return OFFLOAD_ERR_USAGE;
    }
    return OFFLOAD_OK;
}

/* Extensions in any case: out.JSON is JSON for every command. */
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcasecmp(s + n - m, suffix) == 0;
}

/* --format and --output. Everywhere: --format says the format, else the
 * name of --output (.csv, .json); an export on stdout sends the tables to
 * stderr. scores writes its per-marker table, which may also be an aligned
 * table and is csv for any other name (what --out always wrote). */
static enum offload_status parse_format(struct cli *c)
{
    const char *out = c->value[OPT_OUTPUT], *fmt = c->value[OPT_FORMAT];
    int scores = c->command_bit == CMD_SCORES;
    /* markers' --output is upstream's text format unless --format says otherwise. */
    int markers = c->command_bit == CMD_MARKERS;
    /* Markdown is for reports people paste: not the listings of devices or ceilings. */
    int markdown_ok = c->command_bit != CMD_DEVICES && c->command_bit != CMD_CALIBRATE;
    c->format = FORMAT_TABLE;
    c->human = stdout;
    if (fmt) {
        if (strcmp(fmt, "table") == 0)
            c->format = FORMAT_TABLE;
        else if (strcmp(fmt, "csv") == 0)
            c->format = FORMAT_CSV;
        else if (strcmp(fmt, "json") == 0)
            c->format = FORMAT_JSON;
        else if (strcmp(fmt, "markdown") == 0)
            c->format = FORMAT_MARKDOWN;
        else
            return option_error("format", "use table, markdown, csv or json");
    } else if (out && markers) {
        c->format = FORMAT_TABLE;
    } else if (out) {
        if (ends_with(out, ".json"))
            c->format = FORMAT_JSON;
        else if (ends_with(out, ".md") && markdown_ok)
            c->format = FORMAT_MARKDOWN;
        else if (ends_with(out, ".csv") || scores)
            c->format = FORMAT_CSV;
        else if (markdown_ok)
            return option_error("output", "name a .csv, .json or .md file, or give --format "
                                          "csv|json|markdown");
        else
            return option_error("output", "name a .csv or .json file, or give --format csv|json");
    }
    if (out && c->format == FORMAT_TABLE && !scores && !markers)
        return usage_error(markdown_ok ? "--output writes csv, json or markdown: add --format "
                                         "csv, json or markdown"
                                       : "--output writes csv or json: add --format csv or "
                                         "--format json");
    if (c->format == FORMAT_MARKDOWN && !markdown_ok)
        return option_error("format", "markdown is for run, compare, sweep, scores and report; "
                                      "use table, csv or json here");
    /* An export on stdout keeps stdout clean: tables go to stderr then
     * (for scores, any --format puts its per-marker table there). */
    int export_on_stdout = (c->format != FORMAT_TABLE || ((scores || markers) && fmt)) && !out;
    if (export_on_stdout || (out && output_is_stdout(out)))
        c->human = stderr;
    return check_output_path(c);
}

static enum offload_status parse_memory(struct cli *c)
{
    const char *m = c->value[OPT_MEMORY];
    c->memory = MEM_COPY;
    if (!m || strcmp(m, "copy") == 0)
        c->memory = MEM_COPY;
    else if (strcmp(m, "pinned") == 0)
        c->memory = MEM_PINNED;
    else if (strcmp(m, "zero-copy") == 0)
        c->memory = MEM_ZERO_COPY;
    else
        return option_error("memory", "use copy, pinned or zero-copy");
    return OFFLOAD_OK;
}

/* The backends' own options with choices (--opencl-path cpu|gpu), and
 * --no-calibrate against --recalibrate. */
static enum offload_status parse_backend_options(struct cli *c)
{
    size_t n;
    const struct option_spec *rows = option_table(&n);
    for (size_t i = 0; i < n; i++) {
        const struct backend_option *own = option_owned(&rows[i], NULL);
        const char *v = c->value[rows[i].id];
        if (!own || !own->choices || !v)
            continue;
        if (!word_in_list(own->choices, v)) {
            /* "cpu gpu" -> "use cpu or gpu", "a b c" -> "use a, b or c" */
            char hint[160] = "use ";
            size_t words = 1;
            for (const char *q = own->choices; *q; q++)
                words += *q == ' ';
            for (const char *q = own->choices; *q && strlen(hint) + 8 < sizeof hint;) {
                size_t len = strcspn(q, " ");
                strncat(hint, q, len);
                q += len + (q[len] == ' ');
                if (*q)
                    strcat(hint, --words == 1 ? " or " : ", ");
            }
            return option_error(rows[i].name, hint);
        }
    }
    if (c->given[OPT_NO_CALIBRATE] && c->given[OPT_RECALIBRATE])
        return usage_error("--no-calibrate and --recalibrate conflict: give one of them");
    return OFFLOAD_OK;
}

/* --ceilings fresh|cached. */
static enum offload_status parse_ceilings_mode(struct cli *c)
{
    const char *mode = c->value[OPT_CEILINGS];
    c->ceilings = CEILINGS_FRESH;
    if (!mode || strcmp(mode, "fresh") == 0)
        return OFFLOAD_OK;
    if (strcmp(mode, "cached") != 0)
        return option_error("ceilings", "use fresh or cached");
    c->ceilings = CEILINGS_CACHED;
    return OFFLOAD_OK;
}

static enum offload_status parse_backend_and_algorithm(struct cli *c)
{
    const char *b = c->value[OPT_BACKEND], *a = c->value[OPT_ALGORITHM];
    int one = c->command_bit == CMD_RUN || c->command_bit == CMD_SCORES ||
              c->command_bit == CMD_MARKERS;
    if (b && one && strchr(b, ',')) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "%s takes one backend, got the list '%s'; lists are for "
                 "compare, sweep and calibrate",
                 c->command, b);
        return option_error("backend", msg);
    }
    int both_ok = c->command_bit == CMD_COMPARE;
    if (a && strcmp(a, "naive") != 0 && strcmp(a, "fast") != 0 &&
        !(both_ok && strcmp(a, "both") == 0))
        return option_error("algorithm", both_ok ? "use naive, fast or both" : "use naive or fast");
    return OFFLOAD_OK;
}

/* Sizes, counts and times. */
static enum offload_status parse_numbers(struct cli *c)
{
    char err[256];
    long v;
    c->repeat = 0;
    c->warmup = -1;
    c->min_time = -1;
    c->seed = DEFAULT_SEED;
    if (c->value[OPT_SIZE] &&
        parse_count(c->value[OPT_SIZE], 1, UINT64_C(1) << 40, &c->size, err, sizeof err))
        return option_error("size", err);
    if (c->value[OPT_REPEAT]) {
        if (parse_int(c->value[OPT_REPEAT], 1, RUN_MAX_SAMPLES, &v, err, sizeof err))
            return option_error("repeat", err);
        c->repeat = (int)v;
    }
    if (c->value[OPT_WARMUP]) {
        if (parse_int(c->value[OPT_WARMUP], 0, MAX_WARMUP, &v, err, sizeof err))
            return option_error("warmup", err);
        c->warmup = (int)v;
    }
    if (c->value[OPT_MIN_TIME] &&
        parse_double(c->value[OPT_MIN_TIME], 0.0, 3600.0, 0, &c->min_time, err, sizeof err))
        return option_error("min-time", err);
    if (c->given[OPT_REPEAT] && c->given[OPT_MIN_TIME])
        return usage_error("--repeat and --min-time conflict: give one of them");
    if (c->value[OPT_SEED] &&
        parse_count(c->value[OPT_SEED], 0, UINT64_MAX, &c->seed, err, sizeof err))
        return option_error("seed", err);
    return OFFLOAD_OK;
}

/* Parses the option values shared by the commands into c. */
static enum offload_status parse_option_values(struct cli *c)
{
    enum offload_status rc = parse_numbers(c);
    if (!rc)
        rc = parse_threads(c);
    if (!rc)
        rc = parse_percents(c);
    if (!rc)
        rc = parse_memory(c);
    if (!rc)
        rc = parse_backend_options(c);
    if (!rc)
        rc = parse_ceilings_mode(c);
    if (!rc)
        rc = parse_backend_and_algorithm(c);
    if (!rc)
        rc = parse_format(c);
    return rc;
}

static int print_version(void)
{
    struct provenance prov;
    backend_provenance(&prov);
    provenance_print(stdout, &prov);
    printf("MIT licence (see LICENSE); bundled apple data MIT, Gary Barker, Christopher\n"
           "Woods, University of Bristol\n");
    return 0;
}

/* "unknown command 'comprae': did you mean 'compare'? ..." */
static enum offload_status unknown_command(const char *name)
{
    if (name[0] == '-') {
        /* Before a command only --help and --version are options. */
        struct suggestion s;
        suggest_init(&s, name, strlen(name));
        suggest_consider(&s, "--help");
        suggest_consider(&s, "--version");
        if (s.best)
            return usage_error("unknown option '%s': did you mean %s?", name, s.best);
        return usage_error("unknown option '%s': give a command first (compare, run, sweep, "
                           "scores, calibrate, report, plot, devices), or --help or --version",
                           name);
    }
    const char *near = suggest_command(name);
    if (near)
        return usage_error("unknown command '%s': did you mean '%s'?", name, near);
    return usage_error("unknown command '%s': use compare, run, sweep, scores, markers, calibrate, "
                       "report, plot, devices, help or version",
                       name);
}

/* offload help [COMMAND] */
static int help_command(int argc, char **argv)
{
    if (argc == 2) {
        print_main_usage(stdout);
        return 0;
    }
    const struct command_spec *cmd = command_find(argv[2]);
    if (!cmd)
        return unknown_command(argv[2]);
    print_command_help(stdout, cmd);
    return 0;
}

static int run_command(struct cli *c)
{
    switch ((enum command_bit)c->command_bit) {
    case CMD_DEVICES:
        return command_devices(c);
    case CMD_RUN:
        return command_run(c);
    case CMD_SCORES:
        return command_scores(c);
    case CMD_COMPARE:
        return command_compare(c);
    case CMD_SWEEP:
        return command_sweep(c);
    case CMD_CALIBRATE:
        return command_calibrate(c);
    case CMD_REPORT:
        return command_report(c);
    case CMD_PLOT:
        return command_plot(c);
    case CMD_MARKERS:
        return command_markers(c);
    case CMD_PREDICT:
        return command_predict(c);
    }
    return OFFLOAD_ERR_USAGE;
}

/* Across MPI ranks rank 0 prints and writes: the others print nothing,
 * write no file (no --output, no ceilings cache) and say only what fails.
 * Commands that do not split their work over ranks yet are refused rather
 * than run R times. */
static enum offload_status join_ranks(struct cli *c)
{
    if (ranks_count() == 1)
        return OFFLOAD_OK;
    int splits = c->command_bit == CMD_RUN || c->command_bit == CMD_COMPARE ||
                 c->command_bit == CMD_SWEEP || c->command_bit == CMD_CALIBRATE ||
                 c->command_bit == CMD_MARKERS;
    if (c->file_text) /* a kernel file's arguments have no share per rank yet */
        return ranks_me() != 0 ? OFFLOAD_ERR_USAGE
                               : usage_error("a kernel file (.cl) does not run across MPI ranks "
                                             "yet: start it without mpirun, or with mpirun -n 1");
    if (!splits)
        return ranks_me() != 0 ? OFFLOAD_ERR_USAGE
                               : usage_error("%s does not run across MPI ranks yet (run, compare, "
                                             "sweep, calibrate and markers do): start it without mpirun, or with "
                                             "mpirun -n 1",
                                             c->command);
    if (ranks_me() != 0) {
        if (!freopen("/dev/null", "w", stdout))
            return OFFLOAD_ERR_RUN;
        c->human = stdout; /* reports that go to stderr when stdout carries data */
        c->value[OPT_OUTPUT] = NULL;
        c->given[OPT_OUTPUT] = 0;
        c->value[OPT_WITH_HEADERS] = NULL;
        c->given[OPT_WITH_HEADERS] = 0;
        c->given[OPT_NO_CALIBRATE] = 1;
        c->given[OPT_RECALIBRATE] = 0;
    }
    return OFFLOAD_OK;
}

static int parse_and_run(int argc, char **argv, double process_start);

int offload_main(int argc, char **argv)
{
    double process_start = offload_now();
    enum offload_status st = ranks_start(&argc, &argv);
    if (st != OFFLOAD_OK)
        return offload_exit_code(st);
    int rc = parse_and_run(argc, argv, process_start);
    ranks_stop(rc);
    return rc;
}

static int parse_and_run(int argc, char **argv, double process_start)
{
    if (argc < 2) {
        print_main_usage(stderr);
        return OFFLOAD_ERR_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        print_main_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0)
        return print_version();
    if (strcmp(cmd, "help") == 0)
        return help_command(argc, argv);
    /* Hidden: the build writes the man page and completions with it. */
    if (strcmp(cmd, "--generate") == 0) {
        if (argc < 3 || argc > 4)
            return usage_error("--generate man|bash|zsh [FILE]");
        return offload_exit_code(generate_docs(argv[2], argc == 4 ? argv[3] : "-"));
    }
    const struct command_spec *spec = command_find(cmd);
    if (!spec || !spec->bit)
        return unknown_command(cmd);
    threads_cap_default(); /* before the first parallel region */
    struct cli c;
    memset(&c, 0, sizeof c);
    c.argc = argc;
    c.argv = argv;
    c.process_start = process_start;
    load_probe_start(&c.since_start);
    c.command = cmd;
    c.command_bit = spec->bit;
    usage_command(cmd);
    enum offload_status rc = split_arguments(&c);
    if (rc != OFFLOAD_OK)
        return rc;
    if (c.given[OPT_HELP]) {
        print_command_help(stdout, spec);
        return 0;
    }
    rc = read_kernel_file(&c);
    if (rc == OFFLOAD_OK)
        rc = parse_option_values(&c);
    /* Every rank parses the same line, so all of them agree on an error. */
    if (rc == OFFLOAD_OK)
        rc = join_ranks(&c);
    int code = rc != OFFLOAD_OK ? (int)rc : run_command(&c);
    free(c.file_text);
    free(c.header_words);
    return code;
}
