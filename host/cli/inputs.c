/* The inputs of a kernel: random values of a size, or a genotype table
 * (--data or the bundled one), prepared once per run and described. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "hostinfo.h"
#include "options.h"
#include "ranks.h"
#include "units.h"
#include "workload.h"
#include "message.h"

#define DATA_FILE_NAME "AppleGenotypes.csv"

static int file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* A bundled data file: $OFFLOAD_DATA_DIR, then next to an installed binary
 * (../share/offload), then the install prefix, then the source tree. */
const char *data_file_path(const char *name, char *buf, size_t len)
{
    const char *env = getenv("OFFLOAD_DATA_DIR");
    if (env && *env) {
        snprintf(buf, len, "%s/%s", env, name);
        return buf;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, len, "%s/../share/offload/%s", exe, name);
            if (file_exists(buf))
                return buf;
        }
    }
    snprintf(buf, len, "%s/%s", OFFLOAD_INSTALL_DATA_DIR, name);
    if (file_exists(buf))
        return buf;
    snprintf(buf, len, "%s/%s", OFFLOAD_SOURCE_DATA_DIR, name);
    return buf;
}

static const char *default_data_path(char *buf, size_t len)
{
    return data_file_path(DATA_FILE_NAME, buf, len);
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

enum offload_status values_fit(uint64_t n)
{
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
    return OFFLOAD_OK;
}

/* INPUT_VALUES: n float64 values (0 = the kernel's default size). */
static enum offload_status prepare_values(const struct cli *c, uint64_t n, struct prepared_input *p)
{
    if (n == 0)
        n = kernel_spec_of(p->input.kernel)->default_size;
    if (values_fit(n) != OFFLOAD_OK)
        return OFFLOAD_ERR_USAGE;
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
    /* Across ranks each rank reads its own rows (the kernel runs on them). */
    enum offload_status st = ranks_load_genotype(path, &opt, &p->matrix, err, sizeof err);
    if (st != OFFLOAD_OK && err[0])
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
    case INPUT_FILE:
        /* Bound after the backend built the file: file_prepare(). */
        offload_error("internal error: a kernel file is prepared by file_prepare\n");
        break;
    }
    if (st == OFFLOAD_OK)
        warn_long_run(&p->input);
    return st;
}

size_t prepared_size(const struct prepared_input *p)
{
    if (kernel_spec_of(p->input.kernel)->input == INPUT_FILE)
        return p->input.n; /* N, what --size and sweep's --sizes set */
    return kernel_output_items(&p->input);
}

const char *describe_size(const struct prepared_input *p, char *buf, size_t len)
{
    switch (kernel_spec_of(p->input.kernel)->input) {
    case INPUT_VALUES:
        snprintf(buf, len, "N = %zu", p->input.n);
        break;
    case INPUT_GENOTYPES:
        snprintf(buf, len, "%zu markers x %zu varieties", genotype_table_rows(&p->matrix), p->matrix.cols);
        break;
    case INPUT_FILE:
        snprintf(buf, len, "N = %zu", p->input.n);
        break;
    }
    return buf;
}
