#ifndef OFFLOAD_KERNELS_H
#define OFFLOAD_KERNELS_H

/* The table of kernels (BabelStream's benchmark.h idea): everything the
 * layers above need to know about a kernel, in one const entry per kernel.
 * Commands, the runner, the analysis and the reports read this table and
 * never switch over kernels; only the backends hold one function per kernel
 * (backend_ops.run[]). Adding a kernel: see "Adding a kernel" in README.md. */

#include <stddef.h>
#include <stdint.h>

#include "genotype.h"
#include "reference.h"
#include "status.h"

enum offload_algorithm {
    ALG_NAIVE, /* the tutorial's algorithm: same work as numba */
    ALG_FAST   /* algorithmic shortcut: O(N) sumsqrt, O(cols) scores */
};

/* Indexes offload_kernels[] and backend_ops.run[]. KERNEL_FILE is the
 * table's open slot: a user's .cl file, filled in at run time by
 * kernel_table_open_file() (empty, NULL, until then). */
enum offload_kernel { KERNEL_SQRT, KERNEL_SUMSQRT, KERNEL_SCORES, KERNEL_FILE, KERNEL_COUNT };
/* The kernels built in, listed by --help and the docs. */
#define KERNEL_BUILTIN_COUNT KERNEL_FILE

struct file_kernel;

/* What a kernel reads, which says how its input is made and sized. */
enum kernel_input_kind {
    INPUT_VALUES,   /* n float64 values, 500 x uniform random; sized by --size */
    INPUT_GENOTYPES, /* a genotype matrix read from a table; sized by --percent */
    INPUT_FILE       /* a user's kernel file: buffers its --arg values describe; sized by N */
};

/* How a kernel moves its bytes, which picks the memory ceiling it is judged
 * against (each measured with that access pattern). */
enum memory_pattern {
    MEMORY_CONVERT, /* read float64, write float32: 8 + 4 bytes per element */
    MEMORY_READ,    /* read only (the few bytes written are counted, not timed apart) */
    MEMORY_STREAM   /* reads and writes of a user's kernel: STREAM triad's ceiling */
};

/* The ceiling that bounds a kernel's operations (memory always bounds its
 * bytes). */
enum op_ceiling {
    OPS_NONE,     /* no operation ceiling applies: judged against memory */
    OPS_SQRT_F64, /* float64 square roots per second */
    OPS_COMPARE,  /* int8 pair compares per second */
    OPS_SQRT_F32, /* float32 square roots per second */
    OPS_FMA_F32,  /* float32 flops per second (an FMA counts 2) */
    OPS_FMA_F64   /* float64 flops per second */
};

struct kernel_input {
    enum offload_kernel kernel;
    enum offload_algorithm alg;
    size_t n;                             /* INPUT_VALUES: element count */
    const double *in;                     /* INPUT_VALUES: n float64 inputs */
    const struct genotype_matrix *matrix; /* INPUT_GENOTYPES */
    /* A kernel whose every output reads every input (reads_every_input):
     * compute only outputs out_first .. out_first + out_count - 1 into out[0..],
     * a rank's share; out_count 0 means all n. */
    size_t out_first, out_count;
    const struct file_kernel *file;       /* INPUT_FILE */
};

/* The work a kernel does, whatever an implementation does (rates stay
 * comparable between backends). */
struct kernel_work {
    double bytes;        /* bytes the kernel must move at least once */
    double ops;          /* the tutorial's operations of op_unit */
    const char *op_unit; /* "sqrt" or "compare" */
};

struct kernel_spec {
    const char *name;    /* command-line name */
    const char *help;    /* one line for --help */
    const char *formula; /* what it computes, for reports */
    enum kernel_input_kind input;
    uint64_t default_size;    /* INPUT_VALUES: default N */
    const char *size_name;    /* what the size counts: "N" or "markers" */
    const char *sweep_sizes;  /* INPUT_VALUES: default --sizes of sweep */
    const char *input_type;   /* "float64", "int8 genotype calls" */
    const char *output_type;  /* "float32", "int64 scores" */
    size_t output_item_bytes; /* bytes per output item (element or row) */
    int has_fast;             /* a fast algorithm exists */
    int reads_every_input;    /* each output reads every input (sumsqrt): ranks get all
                               * of the input and a share of the outputs (out_count) */
    const char *naive_order;  /* "O(N^2)": how the naive work grows */
    const char *fast_order;   /* "O(N)": how the fast one grows; else why there is none */
    enum memory_pattern memory_pattern;
    enum op_ceiling op_ceiling;      /* bounds the naive algorithm's operations */
    enum op_ceiling fast_op_ceiling; /* bounds the fast one's */
    /* Bytes and operations of an input (written down in kernels.c). */
    struct kernel_work (*work)(const struct kernel_input *in);
    /* Compares an output with the serial reference, in O(data). */
    struct check_result (*check)(const struct kernel_input *in, const void *out);
    /* float64 sum of the output, for reports. */
    double (*checksum)(const struct kernel_input *in, const void *out);
    /* 1 when the work is the user's declaration (a file's --bytes/--ops):
     * a rate above its ceiling then says the declaration is wrong. */
    int declared_work;
    /* A file kernel's source hash (file_source_hash), which with its name
     * matches saved runs of the same kernel; NULL for the built-in ones. */
    const char *source_hash;
};

/* [KERNEL_FILE] is NULL until kernel_table_open_file(). */
extern const struct kernel_spec *offload_kernels[KERNEL_COUNT];

/* Fills the table's KERNEL_FILE entry from a bound file kernel: its name
 * (the file's), formula (the entry), work model and ceilings. */
void kernel_table_open_file(const struct file_kernel *fk);

static inline const struct kernel_spec *kernel_spec_of(enum offload_kernel k)
{
    return offload_kernels[k];
}

const char *kernel_name(enum offload_kernel k);

/* OFFLOAD_OK, or OFFLOAD_ERR_USAGE for an unknown name. */
enum offload_status kernel_from_name(const char *name, enum offload_kernel *k);

/* "sqrt, sumsqrt or scores" from the table, for messages; returns buf. */
#define KERNEL_NAME_LIST_MAX 256
const char *kernel_name_list(char *buf, size_t len);
/* The same for the kernels that read this kind of input ("scores"). */
const char *kernel_names_reading(enum kernel_input_kind kind, char *buf, size_t len);

const char *algorithm_name(enum offload_algorithm a);

/* Output items (elements or rows) and bytes of an input. */
size_t kernel_output_items(const struct kernel_input *in);
size_t kernel_output_bytes(const struct kernel_input *in);

/* The kernel's work for this input (its table entry's work model). */
struct kernel_work kernel_work_of(const struct kernel_input *in);

#endif
