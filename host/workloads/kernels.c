/* The kernel table: one entry per kernel with its work model (bytes and
 * operations, written down as BabelStream's benchmark.h does), its check
 * against the serial reference and its checksum. */
#include "kernels.h"

#include "file_kernel.h"

#include <stdio.h>
#include <string.h>

/* ---- float64 values in, float32 out: sqrt and sumsqrt ------------------- */

static double float_checksum(const struct kernel_input *in, const void *out)
{
    const float *f = out;
    double sum = 0;
    for (size_t i = 0; i < in->n; i++)
        sum += f[i];
    return sum;
}

/* 8 bytes read + 4 written per element, one sqrt each. */
static struct kernel_work sqrt_work(const struct kernel_input *in)
{
    double n = (double)in->n;
    return (struct kernel_work){.bytes = 12.0 * n, .ops = n, .op_unit = "sqrt"};
}

static struct check_result sqrt_check(const struct kernel_input *in, const void *out)
{
    return check_sqrt(in->in, out, in->n);
}

/* Naive: the same 12 bytes per element (re-reads hit cache), N^2 sqrt;
 * fast: N sqrt. */
static struct kernel_work sumsqrt_work(const struct kernel_input *in)
{
    double n = (double)in->n;
    return (struct kernel_work){
        .bytes = 12.0 * n, .ops = in->alg == ALG_NAIVE ? n * n : n, .op_unit = "sqrt"};
}

static struct check_result sumsqrt_check(const struct kernel_input *in, const void *out)
{
    return check_sumsqrt(in->in, out, in->n);
}

/* ---- genotype matrix in, int64 score per row out: scores ----------------- */

/* rows*cols bytes read + 8 per score written; naive: rows*cols*(cols+1)/2
 * pair compares (the tutorial's j starts at i); fast: rows*cols counted
 * calls. */
static struct kernel_work scores_work(const struct kernel_input *in)
{
    double rows = (double)genotype_table_rows(in->matrix), cols = (double)in->matrix->cols;
    return (struct kernel_work){.bytes = rows * cols + 8.0 * rows,
                                .ops = in->alg == ALG_NAIVE ? rows * cols * (cols + 1) / 2
                                                            : rows * cols,
                                .op_unit = "compare"};
}

static struct check_result scores_check(const struct kernel_input *in, const void *out)
{
    return check_scores(in->matrix, out);
}

static double scores_checksum(const struct kernel_input *in, const void *out)
{
    const int64_t *s = out;
    double sum = 0;
    for (size_t i = 0; i < genotype_table_rows(in->matrix); i++)
        sum += (double)s[i];
    return sum;
}

static const struct kernel_spec kernel_sqrt = {
    .name = "sqrt",
    .help = "out[i] = sqrt(in[i]), float64 in, float32 out: memory-bound",
    .formula = "out[i] = sqrt(in[i])",
    .input = INPUT_VALUES,
    .default_size = 10000000,
    .size_name = "N",
    .sweep_sizes = "1M:32M:x2",
    .input_type = "float64",
    .output_type = "float32",
    .output_item_bytes = sizeof(float),
    .has_fast = 0,
    .naive_order = "O(N)",
    .fast_order = "it is already O(N)",
    .memory_pattern = MEMORY_CONVERT,
    .op_ceiling = OPS_SQRT_F64,
    .fast_op_ceiling = OPS_NONE,
    .work = sqrt_work,
    .check = sqrt_check,
    .checksum = float_checksum,
};

static const struct kernel_spec kernel_sumsqrt = {
    .name = "sumsqrt",
    .help = "out[i] = sum_j sqrt(in[j]): O(N^2) work on O(N) data, compute-bound",
    .formula = "out[i] = sum_j sqrt(in[j])",
    .input = INPUT_VALUES,
    .default_size = 10000,
    .size_name = "N",
    .sweep_sizes = "1k:16k:x2",
    .input_type = "float64",
    .output_type = "float32",
    .output_item_bytes = sizeof(float),
    .has_fast = 1,
    .reads_every_input = 1,
    .naive_order = "O(N^2)",
    .fast_order = "O(N)",
    .memory_pattern = MEMORY_CONVERT,
    .op_ceiling = OPS_SQRT_F64,
    .fast_op_ceiling = OPS_SQRT_F64,
    .work = sumsqrt_work,
    .check = sumsqrt_check,
    .checksum = float_checksum,
};

static const struct kernel_spec kernel_scores = {
    .name = "scores",
    .help = "pairs of differing known genotype calls per marker row",
    .formula = "score[r] = pairs i <= j of known, different calls in row r",
    .input = INPUT_GENOTYPES,
    .default_size = 0,
    .size_name = "markers",
    .sweep_sizes = NULL,
    .input_type = "int8 genotype calls",
    .output_type = "int64 scores",
    .output_item_bytes = sizeof(int64_t),
    .has_fast = 1,
    .naive_order = "O(cols^2) per row",
    .fast_order = "O(cols)",
    .memory_pattern = MEMORY_READ,
    .op_ceiling = OPS_COMPARE,
    /* Counting calls is no pair compare: the fast algorithm is judged
     * against memory. */
    .fast_op_ceiling = OPS_NONE,
    .work = scores_work,
    .check = scores_check,
    .checksum = scores_checksum,
};

/* ---- a user's .cl file: the table's open slot ---------------------------- */

static struct kernel_work file_work(const struct kernel_input *in)
{
    return file_kernel_work(in->file);
}

static struct check_result file_check(const struct kernel_input *in, const void *out)
{
    return file_kernel_check(in->file, out);
}

static double file_checksum(const struct kernel_input *in, const void *out)
{
    return file_kernel_checksum(in->file, out);
}

static enum op_ceiling file_op_ceiling(enum file_op op)
{
    switch (op) {
    case FILE_OP_NONE:
        return OPS_NONE;
    case FILE_OP_F32:
        return OPS_FMA_F32;
    case FILE_OP_F64:
        return OPS_FMA_F64;
    case FILE_OP_SQRT32:
        return OPS_SQRT_F32;
    case FILE_OP_SQRT64:
        return OPS_SQRT_F64;
    case FILE_OP_INT8CMP:
        return OPS_COMPARE;
    }
    return OPS_NONE;
}

static struct kernel_spec kernel_file;
static char kernel_file_formula[1200];
/* Copies: the entry outlives the bound kernel (records keep its name). */
static char kernel_file_name[256];
static char kernel_file_hash[17];

const struct kernel_spec *offload_kernels[KERNEL_COUNT] = {
    [KERNEL_SQRT] = &kernel_sqrt,
    [KERNEL_SUMSQRT] = &kernel_sumsqrt,
    [KERNEL_SCORES] = &kernel_scores,
    [KERNEL_FILE] = NULL,
};

void kernel_table_open_file(const struct file_kernel *fk)
{
    snprintf(kernel_file_formula, sizeof kernel_file_formula, "__kernel %s from %s", fk->entry,
             fk->path);
    snprintf(kernel_file_name, sizeof kernel_file_name, "%s", fk->name);
    snprintf(kernel_file_hash, sizeof kernel_file_hash, "%s", fk->source_hash);
    kernel_file = (struct kernel_spec){
        .name = kernel_file_name,
        .help = "a kernel from a .cl file",
        .formula = kernel_file_formula,
        .input = INPUT_FILE,
        .default_size = 1u << 20,
        .size_name = "N",
        .sweep_sizes = "64k:16M:x4",
        .input_type = "buffers from --arg",
        .output_type = "buffers from --arg",
        .output_item_bytes = 1,
        .has_fast = 0,
        .naive_order = "as declared",
        .fast_order = "a file kernel has one algorithm: its own",
        .memory_pattern = MEMORY_STREAM,
        .op_ceiling = file_op_ceiling(fk->op),
        .fast_op_ceiling = file_op_ceiling(fk->op),
        .work = file_work,
        .check = file_check,
        .checksum = file_checksum,
        .declared_work = 1,
        .source_hash = kernel_file_hash,
    };
    offload_kernels[KERNEL_FILE] = &kernel_file;
}

const char *kernel_name(enum offload_kernel k)
{
    return offload_kernels[k]->name;
}

enum offload_status kernel_from_name(const char *name, enum offload_kernel *k)
{
    for (int i = 0; i < KERNEL_BUILTIN_COUNT; i++)
        if (strcmp(name, offload_kernels[i]->name) == 0) {
            *k = (enum offload_kernel)i;
            return OFFLOAD_OK;
        }
    return OFFLOAD_ERR_USAGE;
}

/* Names of the kernels that pass `keep` (all when keep is NULL), joined
 * as "a, b or c". */
static const char *join_kernel_names(char *buf, size_t len,
                                     int (*keep)(const struct kernel_spec *, int), int arg)
{
    const struct kernel_spec *names[KERNEL_BUILTIN_COUNT];
    int n = 0;
    for (int i = 0; i < KERNEL_BUILTIN_COUNT; i++)
        if (!keep || keep(offload_kernels[i], arg))
            names[n++] = offload_kernels[i];
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s",
                 i == 0       ? ""
                 : i == n - 1 ? " or "
                              : ", ",
                 names[i]->name);
    }
    return buf;
}

static int reads_input(const struct kernel_spec *spec, int kind)
{
    return spec->input == (enum kernel_input_kind)kind;
}

const char *kernel_name_list(char *buf, size_t len)
{
    return join_kernel_names(buf, len, NULL, 0);
}

const char *kernel_names_reading(enum kernel_input_kind kind, char *buf, size_t len)
{
    return join_kernel_names(buf, len, reads_input, (int)kind);
}

const char *algorithm_name(enum offload_algorithm a)
{
    switch (a) {
    case ALG_NAIVE:
        return "naive";
    case ALG_FAST:
        return "fast";
    }
    return "?";
}

size_t kernel_output_items(const struct kernel_input *in)
{
    switch (offload_kernels[in->kernel]->input) {
    case INPUT_VALUES:
        return in->out_count ? in->out_count : in->n;
    case INPUT_GENOTYPES:
        return genotype_table_rows(in->matrix);
    case INPUT_FILE:
        return in->file->out_items;
    }
    return 0;
}

size_t kernel_output_bytes(const struct kernel_input *in)
{
    /* A file's outputs have types of their own, each 64-byte aligned. */
    if (offload_kernels[in->kernel]->input == INPUT_FILE)
        return in->file->out_bytes;
    return kernel_output_items(in) * offload_kernels[in->kernel]->output_item_bytes;
}

struct kernel_work kernel_work_of(const struct kernel_input *in)
{
    return offload_kernels[in->kernel]->work(in);
}
