/* Helpers every command shares (the implementation of commands.h): usage
 * errors, backend specs and lists, run settings, inputs, ceilings and
 * exports. The dispatcher (cli.c) calls the commands; the commands call
 * these; nothing here calls back up. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "ceilings.h"
#include "commands.h"
#include "fileio.h"
#include "hostinfo.h"
#include "markdown.h"
#include "options.h"
#include "units.h"
#include "workload.h"
#include "message.h"

#define DATA_FILE_NAME "AppleGenotypes.csv"

/* The command being parsed, for "Run 'offload help COMMAND'". */
static const char *usage_of;

void usage_command(const char *command)
{
    usage_of = command;
}

enum offload_status usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    offload_verror(fmt, ap);
    if (usage_of)
        fprintf(stderr, "\nRun 'offload help %s' for its options.\n", usage_of);
    else
        fprintf(stderr, "\nRun 'offload --help' for usage.\n");
    va_end(ap);
    return OFFLOAD_ERR_USAGE;
}

int partial_exit(int worst, size_t unavailable, size_t ran)
{
    if (worst || !unavailable)
        return worst;
    return ran ? EXIT_PARTIAL : OFFLOAD_ERR_RUN;
}

/* Which backends a list of names holds. */
enum backend_filter { ALL_BACKENDS, DEVICE_BACKENDS, MEMORY_MODE_BACKENDS };

static int backend_passes(const struct backend_ops *ops, enum backend_filter filter)
{
    switch (filter) {
    case ALL_BACKENDS:
        return 1;
    case DEVICE_BACKENDS:
        return ops->caps.device_selectors;
    case MEMORY_MODE_BACKENDS:
        return ops->caps.memory_modes;
    }
    return 0;
}

/* "serial, openmp or opencl[:SEL]" from the registry, or the backends that
 * pass the filter (without [:SEL]); "" when none does. */
static const char *backend_name_list(char *buf, size_t len, enum backend_filter filter)
{
    const struct backend_ops *names[16];
    size_t n = 0;
    for (size_t i = 0; i < offload_backend_count && n < 16; i++)
        if (backend_passes(offload_backends[i], filter))
            names[n++] = offload_backends[i];
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s%s",
                 i == 0       ? ""
                 : i + 1 == n ? " or "
                              : ", ",
                 names[i]->name,
                 filter == ALL_BACKENDS && names[i]->caps.device_selectors ? "[:SEL]" : "");
    }
    return buf;
}

const struct backend_ops *parse_backend_spec(const char *spec, const char **selector)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    char name[32], names[256];
    *selector = NULL;
    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, spec, len);
    name[len] = '\0';
    const struct backend_ops *ops = backend_find(name);
    if (!ops) {
        struct suggestion s;
        suggest_init(&s, name, strlen(name));
        for (size_t i = 0; i < offload_backend_count; i++)
            suggest_consider(&s, offload_backends[i]->name);
        char near[64] = "";
        if (s.best)
            snprintf(near, sizeof near, "did you mean '%s'? ", s.best);
        usage_error("unknown backend '%s': %suse %s", spec, near,
                    backend_name_list(names, sizeof names, ALL_BACKENDS));
        return NULL;
    }
    if (colon) {
        if (!ops->caps.device_selectors || colon[1] == '\0') {
            if (!*backend_name_list(names, sizeof names, DEVICE_BACKENDS))
                usage_error("backend '%s': no backend in this build takes a device", spec);
            else
                usage_error("backend '%s': only %s takes a device, as NAME:P.D "
                            "(platform.device) or NAME:PART-OF-ITS-NAME",
                            spec, names);
            return NULL;
        }
        *selector = colon + 1;
    }
    return ops;
}

enum offload_status check_list_items(const char *option, const char *list)
{
    size_t len = strlen(list);
    if (len == 0 || list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,"))
        return usage_error("--%s '%s' has an empty item: list the items separated by single "
                           "commas",
                           option, list);
    return OFFLOAD_OK;
}

const struct backend_ops *backend_option(const struct cli *c, const char **spec,
                                         const char **selector)
{
    *spec = c->value[OPT_BACKEND] ? c->value[OPT_BACKEND] : "openmp";
    const struct backend_ops *ops = parse_backend_spec(*spec, selector);
    if (ops && c->given[OPT_MEMORY] && !ops->caps.memory_modes) {
        char names[256];
        if (!*backend_name_list(names, sizeof names, MEMORY_MODE_BACKENDS))
            usage_error("--memory applies to no backend in this build");
        else
            usage_error("--memory applies to the %s backend, not %s", names, ops->name);
        return NULL;
    }
    return ops;
}

struct backend_config make_config(const struct cli *c, const struct backend_ops *ops, int threads,
                                  const char *selector, enum offload_memory_mode memory)
{
    struct backend_config cfg = {
        .threads = threads, .device_selector = selector, .memory = memory, .quiet = 0};
    backend_options_from_cli(c, ops, cfg.options);
    return cfg;
}

struct run_settings make_settings(const struct cli *c)
{
    struct run_settings set = run_settings_default();
    if (c->repeat > 0)
        set.repeat = c->repeat;
    if (c->min_time >= 0)
        set.min_time = c->min_time;
    if (c->warmup >= 0)
        set.warmup = c->warmup;
    set.progress_label = c->progress_label;
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

/* Work beyond which one naive run takes minutes even at tens of G op/s. */
#define LONG_RUN_OPS 1e12

/* The O(N^2) kernels grow fast: say so before a run that will take long. */
static void warn_long_run(const struct kernel_input *in)
{
    struct kernel_work w = kernel_work_of(in);
    if (in->alg != ALG_NAIVE || !kernel_spec_of(in->kernel)->has_fast || w.ops < LONG_RUN_OPS)
        return;
    offload_warning(
        "naive %s here is %.3g %s operations, minutes or more per run "
        "at a few G op/s (and there is a warm-up and repeats); --algorithm fast gives the "
        "same result in %s\n",
        kernel_name(in->kernel), w.ops, w.op_unit, kernel_spec_of(in->kernel)->fast_order);
}

void prepared_free(struct prepared_input *p)
{
    workload_free(p->values);
    genotype_free(&p->matrix);
    memset(p, 0, sizeof *p);
}

/* INPUT_VALUES: n float64 values (0 = the kernel's default size). */
static enum offload_status prepare_values(const struct cli *c, uint64_t n, struct prepared_input *p)
{
    if (n == 0)
        n = kernel_spec_of(p->input.kernel)->default_size;
    /* 8 bytes in + 4 bytes out per element; the check needs nothing more. */
    double need = (double)n * 12.0, have = host_physical_memory();
    if (have > 0 && need > 0.8 * have) {
        char a[32], b[32];
        offload_error("size %llu needs %s of memory and this machine has %s: use a "
                      "smaller --size\n",
                      (unsigned long long)n, format_bytes(need, a, sizeof a),
                      format_bytes(have, b, sizeof b));
        return OFFLOAD_ERR_USAGE;
    }
    p->values = workload_alloc((size_t)n * sizeof(double));
    if (!p->values) {
        offload_error("cannot allocate %llu input values: use a smaller --size\n",
                      (unsigned long long)n);
        return OFFLOAD_ERR_RUN;
    }
    workload_fill_uniform(p->values, (size_t)n, c->seed);
    p->input.n = (size_t)n;
    p->input.in = p->values;
    return OFFLOAD_OK;
}

/* INPUT_GENOTYPES: the first percent of the genotype table's data lines. */
static enum offload_status prepare_genotypes(const struct cli *c, double percent,
                                             struct prepared_input *p)
{
    char path_buf[PATH_MAX + 64], err[512];
    const char *path = genotype_path(c, path_buf, sizeof path_buf);
    struct genotype_load_options opt = genotype_default_options();
    opt.percent = percent;
    p->input.matrix = &p->matrix;
    enum offload_status st = genotype_load_file(path, &opt, &p->matrix, err, sizeof err);
    if (st != OFFLOAD_OK)
        offload_error("%s\n", err);
    return st;
}

enum offload_status prepare_input(const struct cli *c, enum offload_kernel k,
                                  enum offload_algorithm alg, uint64_t n, double percent,
                                  struct prepared_input *p)
{
    memset(p, 0, sizeof *p);
    p->input.kernel = k;
    p->input.alg = alg;
    enum offload_status st = OFFLOAD_ERR_RUN;
    switch (kernel_spec_of(k)->input) {
    case INPUT_VALUES:
        st = prepare_values(c, n, p);
        break;
    case INPUT_GENOTYPES:
        st = prepare_genotypes(c, percent, p);
        break;
    }
    if (st == OFFLOAD_OK)
        warn_long_run(&p->input);
    return st;
}

size_t prepared_size(const struct prepared_input *p)
{
    return kernel_output_items(&p->input);
}

const char *describe_size(const struct prepared_input *p, char *buf, size_t len)
{
    switch (kernel_spec_of(p->input.kernel)->input) {
    case INPUT_VALUES:
        snprintf(buf, len, "N = %zu", p->input.n);
        break;
    case INPUT_GENOTYPES:
        snprintf(buf, len, "%zu markers x %zu varieties", p->matrix.rows, p->matrix.cols);
        break;
    }
    return buf;
}

/* The ceilings a backend measured on its own device, cached. */
static enum offload_status own_ceilings(const struct cli *c, const struct backend_ops *ops,
                                        void *state, const struct backend_info *info,
                                        struct ceilings *out)
{
    int from_cache = 0;
    char path[1024];
    int recalibrate = c->given[OPT_RECALIBRATE];
    /* --no-calibrate: no ceilings, and the cache is neither read nor written. */
    if (c->given[OPT_NO_CALIBRATE])
        return OFFLOAD_UNAVAILABLE;
    if (!recalibrate && ceilings_load(ops->name, info, out) != OFFLOAD_OK) {
        offload_error("measuring the ceilings of %s on %s (once; cached in %s)\n", ops->name,
                      info->device,
                      ceilings_cache_dir(path, sizeof path) ? path : "no cache directory");
    }
    return ceilings_get(ops, state, info, recalibrate, out, &from_cache);
}

/* The host CPU's ceilings on `threads` threads, as the threaded host
 * backend measures them (OpenMP, with and without streaming stores, each
 * kernel's access pattern). OFFLOAD_UNAVAILABLE when no such backend. */
static enum offload_status host_ceilings(const struct cli *c, int threads, struct ceilings *out)
{
    const struct backend_ops *host = NULL;
    for (size_t i = 0; i < offload_backend_count && !host; i++)
        if (offload_backends[i]->caps.threads)
            host = offload_backends[i];
    if (!host)
        return OFFLOAD_UNAVAILABLE;
    struct backend_config cfg = make_config(c, host, threads, NULL, MEM_COPY);
    cfg.quiet = 1;
    struct backend_info info = {0};
    void *state = NULL;
    enum offload_status st = host->init(&cfg, &state, &info);
    if (st != OFFLOAD_OK)
        return st;
    st = own_ceilings(c, host, state, &info, out);
    host->fini(state);
    return st;
}

static double larger(double a, double b)
{
    return a > b ? a : b;
}

enum offload_status backend_ceilings(const struct cli *c, const struct backend_ops *ops,
                                     void *state, const struct backend_info *info,
                                     struct ceilings *out)
{
    enum offload_status st = own_ceilings(c, ops, state, info, out);
    if (st != OFFLOAD_OK || info->host_threads <= 0 || !ops->caps.device_selectors)
        return st;
    /* A ceiling belongs to the hardware: a device that is the host CPU
     * (PoCL) is judged against the best either method measured on those
     * cores, so its share and the threaded backend's compare directly. */
    struct ceilings host;
    if (host_ceilings(c, info->host_threads, &host) != OFFLOAD_OK)
        return OFFLOAD_OK; /* its own ceilings still hold */
    out->stream_copy = larger(out->stream_copy, host.stream_copy);
    out->stream_triad = larger(out->stream_triad, host.stream_triad);
    out->stream_read = larger(out->stream_read, host.stream_read);
    out->convert_f64_f32 = larger(out->convert_f64_f32, host.convert_f64_f32);
    out->sqrt_f64 = larger(out->sqrt_f64, host.sqrt_f64);
    out->sqrt_f32 = larger(out->sqrt_f32, host.sqrt_f32);
    out->compare_i8 = larger(out->compare_i8, host.compare_i8);
    return OFFLOAD_OK;
}

struct export_job {
    const struct result_set *set;
    enum export_format format;
};

static int write_export(FILE *f, void *ctx)
{
    const struct export_job *job = ctx;
    enum offload_status st = job->format == FORMAT_JSON       ? export_json(f, job->set)
                             : job->format == FORMAT_MARKDOWN ? export_markdown(f, job->set)
                                                              : export_csv(f, job->set);
    return st == OFFLOAD_OK ? 0 : -1;
}

enum offload_status emit_results(const struct cli *c, const struct result_set *set)
{
    if (c->format == FORMAT_TABLE)
        return OFFLOAD_OK;
    struct export_job job = {set, c->format};
    const char *out = c->value[OPT_OUTPUT];
    char err[PATH_MAX + 256];
    enum offload_status st =
        write_file_atomic(out ? out : "-", write_export, &job, err, sizeof err);
    if (st != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return st;
    }
    if (out)
        fprintf(c->human, "wrote %zu result%s to %s\n", set->count, set->count == 1 ? "" : "s",
                output_is_stdout(out) ? "standard output" : out);
    return OFFLOAD_OK;
}

/* The default --backends: every backend built in, and for a backend with
 * devices each of its devices when there are several (one device, or none,
 * keeps the plain name: init then says why none can start). */
void default_backend_list(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < offload_backend_count; i++) {
        const struct backend_ops *ops = offload_backends[i];
        char selectors[16][16];
        size_t ndev = ops->caps.device_selectors ? ops->list_selectors(selectors, 16) : 0;
        for (size_t d = 0; d < (ndev > 1 ? ndev : 1); d++) {
            size_t used = strlen(buf);
            snprintf(buf + used, len - used, "%s%s%s%s", used ? "," : "", ops->name,
                     ndev > 1 ? ":" : "", ndev > 1 ? selectors[d] : "");
        }
    }
}

/* The reference backend, for "vs" columns; NULL when none is built in. */
const struct backend_ops *reference_backend(void)
{
    for (size_t i = 0; i < offload_backend_count; i++)
        if (offload_backends[i]->caps.reference)
            return offload_backends[i];
    return NULL;
}

/* Usage errors about kernels, with the list from the kernel table. */
enum offload_status unknown_kernel_error(const char *name)
{
    char names[KERNEL_NAME_LIST_MAX];
    struct suggestion s;
    suggest_init(&s, name, strlen(name));
    for (int k = 0; k < KERNEL_COUNT; k++)
        suggest_consider(&s, offload_kernels[k]->name);
    if (s.best)
        return usage_error("unknown kernel '%s': did you mean '%s'? use %s", name, s.best,
                           kernel_name_list(names, sizeof names));
    return usage_error("unknown kernel '%s': use %s", name, kernel_name_list(names, sizeof names));
}

enum offload_status kernel_needed_error(const char *command)
{
    char names[KERNEL_NAME_LIST_MAX];
    return usage_error("%s needs one kernel: %s", command, kernel_name_list(names, sizeof names));
}
