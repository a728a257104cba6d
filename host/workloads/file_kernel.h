#ifndef OFFLOAD_FILE_KERNEL_H
#define OFFLOAD_FILE_KERNEL_H

/* A user's kernel from a .cl file (offload run FILE.cl): its arguments as
 * the device declares them, bound to the values --arg gives, its buffers
 * filled on the host, its work model and its check. kernel_table_open_file()
 * (kernels.h) turns it into an entry of the kernel table, so it runs
 * through the same runner, analysis, exports and report as the built-in
 * kernels; only the OpenCL backend can run it. */

#include <stddef.h>
#include <stdint.h>

#include "kernel_file.h"
#include "kernels.h"
#include "status.h"

#define FILE_MAX_ARGS 32
#define FILE_MAX_KERNELS 32
#define FILE_KERNEL_NAME_MAX 128
/* N without --size. */
#define FILE_DEFAULT_N (1u << 20)

/* Address space of an argument, from CL_KERNEL_ARG_ADDRESS_QUALIFIER. */
enum arg_space { SPACE_GLOBAL, SPACE_CONSTANT, SPACE_LOCAL, SPACE_PRIVATE };

/* One argument as the device declares it (clGetKernelArgInfo). */
struct file_arg_decl {
    char name[ARG_NAME_MAX];
    char type_name[64]; /* "float*", "uint" */
    enum arg_space space;
    int is_pointer;
    int is_const;
    enum elem_type elem; /* the scalar's or pointee's type; ELEM_NONE when unsupported */
};

struct file_kernel_decl {
    char name[FILE_KERNEL_NAME_MAX];
    size_t nargs;
    struct file_arg_decl args[FILE_MAX_ARGS];
};

/* Every __kernel of a built program. */
struct file_program_decl {
    size_t nkernels;
    struct file_kernel_decl kernels[FILE_MAX_KERNELS];
};

/* The source a backend builds instead of its own kernels. */
struct file_source {
    const char *path;
    const char *text;
    size_t length;
};

/* The operation a declared --ops counts (--op). */
enum file_op {
    FILE_OP_NONE,
    FILE_OP_F32,
    FILE_OP_F64,
    FILE_OP_SQRT32,
    FILE_OP_SQRT64,
    FILE_OP_INT8CMP
};

/* "f32"... from --op; OFFLOAD_ERR_USAGE for another word. */
enum offload_status file_op_from_name(const char *name, enum file_op *op);

/* An argument with its value. */
struct file_arg {
    struct file_arg_decl decl;
    enum arg_kind kind;
    enum elem_type type;    /* of the buffer's elements or of the scalar */
    size_t count;           /* buffers: elements */
    size_t bytes;           /* buffers: count * size; scalars: the value's size */
    void *host;             /* in/inout: the filled values (64-byte aligned) */
    size_t out_offset;      /* out/inout: where its values sit in the runner's output */
    unsigned char value[8]; /* scalars, in the device's (little-endian) layout */
};

/* What bind needs from the command line. */
struct file_bind_options {
    int64_t n;
    uint64_t seed;
    const char *const *arg_options; /* "NAME=SPEC" of every --arg */
    size_t narg_options;
    const char *global; /* --global EXPR[,EXPR[,EXPR]] or NULL: N */
    const char *local;  /* --local, NULL: the driver's choice */
    const char *bytes;  /* --bytes EXPR or NULL: buffers read + written once */
    const char *ops;    /* --ops EXPR or NULL: none */
    enum file_op op;
    double rtol, atol;  /* < 0: by type */
    double timeout_s;   /* --timeout; 0: none */
    uint64_t max_alloc; /* the device's largest buffer; 0: unknown */
};

struct file_kernel {
    char name[256]; /* the file's name, "saxpy.cl": what reports show */
    char path[1024];
    char entry[FILE_KERNEL_NAME_MAX];
    char source_hash[17]; /* FNV-1a 64 of the source, hex: matches saved runs */
    int64_t n;
    size_t nargs;
    struct file_arg args[FILE_MAX_ARGS];
    unsigned dims;
    size_t global[3], local[3];
    int has_local;
    size_t out_bytes; /* every out/inout buffer, one after the other */
    size_t out_items;
    double bytes, ops; /* the work model */
    int bytes_assumed; /* bytes not declared: in read once + out written once */
    enum file_op op;
    double rtol, atol;
    double timeout_s; /* a kernel call running longer ends the process; 0: never */
    /* The reference outputs (--check), or NULL: then every call must give
     * the same output as the first checked one (kept in first). */
    void *expected;          /* owned: freed by file_kernel_free */
    char expected_from[300]; /* "ref.cl:entry" */
    void *first;
    int have_first;
    char first_from[300]; /* whose output first is, "" for the first call's */
};

/* FNV-1a of the source, as 16 hex digits. */
void file_source_hash(const char *text, size_t len, char out[17]);

/* The kernel to run: entry, else the only one. OFFLOAD_ERR_USAGE (message
 * in err: the names there are, or the closest one) otherwise. */
enum offload_status file_pick_entry(const struct file_program_decl *prog, const char *entry,
                                    const char *path, const struct file_kernel_decl **out,
                                    char *err, size_t errlen);

/* Binds every argument of decl, fills the input buffers and evaluates the
 * work model and NDRange. fk->name, path and source_hash are the caller's.
 * OFFLOAD_ERR_USAGE (one line in err) for bad or missing values. */
enum offload_status file_kernel_bind(struct file_kernel *fk, const struct file_kernel_decl *decl,
                                     const struct file_bind_options *opt, char *err, size_t errlen);
void file_kernel_free(struct file_kernel *fk);

/* The kernel table's hooks (kernels.c). */
struct kernel_work file_kernel_work(const struct file_kernel *fk);
struct check_result file_kernel_check(const struct file_kernel *fk, const void *out);
double file_kernel_checksum(const struct file_kernel *fk, const void *out);

/* An output buffer's argument index list: the i-th out/inout argument, NULL past the last. */
const struct file_arg *file_output_arg(const struct file_kernel *fk, size_t i);

#endif
