/* A user's kernel from a .cl file: binding, fills, work model and check
 * (see file_kernel.h). */
#include "file_kernel.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "suggest.h"
#include "workload.h"

__attribute__((format(printf, 3, 4))) static enum offload_status fail(char *err, size_t errlen,
                                                                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return OFFLOAD_ERR_USAGE;
}

enum offload_status file_op_from_name(const char *name, enum file_op *op)
{
    static const struct {
        const char *name;
        enum file_op op;
    } ops[] = {{"none", FILE_OP_NONE},     {"f32", FILE_OP_F32},
               {"f64", FILE_OP_F64},       {"sqrt32", FILE_OP_SQRT32},
               {"sqrt64", FILE_OP_SQRT64}, {"int8cmp", FILE_OP_INT8CMP}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(name, ops[i].name) == 0) {
            *op = ops[i].op;
            return OFFLOAD_OK;
        }
    return OFFLOAD_ERR_USAGE;
}

void file_source_hash(const char *text, size_t len, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3ull;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

enum offload_status file_pick_entry(const struct file_program_decl *prog, const char *entry,
                                    const char *path, const struct file_kernel_decl **out,
                                    char *err, size_t errlen)
{
    *out = NULL;
    if (prog->nkernels == 0)
        return fail(err, errlen,
                    "%s has no __kernel function: write one, e.g. __kernel void "
                    "f(__global float *x)",
                    path);
    char names[1024] = "";
    for (size_t i = 0; i < prog->nkernels; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                 prog->kernels[i].name);
    if (!entry) {
        if (prog->nkernels == 1) {
            *out = &prog->kernels[0];
            return OFFLOAD_OK;
        }
        return fail(err, errlen, "%s has %zu kernels (%s): pick one with --entry NAME", path,
                    prog->nkernels, names);
    }
    struct suggestion s;
    suggest_init(&s, entry, strlen(entry));
    for (size_t i = 0; i < prog->nkernels; i++) {
        if (strcmp(prog->kernels[i].name, entry) == 0) {
            *out = &prog->kernels[i];
            return OFFLOAD_OK;
        }
        suggest_consider(&s, prog->kernels[i].name);
    }
    if (s.best)
        return fail(err, errlen, "%s has no kernel '%s': did you mean --entry %s?", path, entry,
                    s.best);
    return fail(err, errlen, "%s has no kernel '%s': its kernels are %s", path, entry, names);
}

/* ---- binding -------------------------------------------------------------- */

/* An example --arg for an argument, for messages. */
static void example_arg(const struct file_arg_decl *d, char *buf, size_t len)
{
    const char *type = d->elem != ELEM_NONE ? elem_type_name(d->elem) : "float";
    if (!d->is_pointer)
        snprintf(buf, len, "--arg %s=%s", d->name, elem_type_is_float(d->elem) ? "2.5" : "N");
    else if (d->space == SPACE_LOCAL)
        snprintf(buf, len, "--arg %s=local:%s[256]", d->name, type);
    else
        snprintf(buf, len, "--arg %s=%s:%s[N]%s", d->name, d->is_const ? "in" : "out", type,
                 d->is_const ? ":random(0,1)" : "");
}

/* The i-th --arg's name and spec, parsed. */
static enum offload_status parse_arg_option(const struct file_bind_options *opt, size_t i,
                                            char *name, struct arg_spec *spec, char *err,
                                            size_t errlen)
{
    char why[ARG_PATH_MAX + 300];
    if (arg_option_parse(opt->arg_options[i], name, spec, why, sizeof why) != OFFLOAD_OK)
        return fail(err, errlen, "--arg %s", why);
    return OFFLOAD_OK;
}

/* The spec --arg gives the argument named name, or NULL; every --arg names
 * an argument of decl and none twice. */
static enum offload_status check_arg_names(const struct file_kernel_decl *decl,
                                           const struct file_bind_options *opt, char *err,
                                           size_t errlen)
{
    for (size_t i = 0; i < opt->narg_options; i++) {
        char name[ARG_NAME_MAX];
        struct arg_spec spec;
        enum offload_status st = parse_arg_option(opt, i, name, &spec, err, errlen);
        if (st != OFFLOAD_OK)
            return st;
        for (size_t j = 0; j < i; j++) {
            char other[ARG_NAME_MAX];
            struct arg_spec ignored;
            if (parse_arg_option(opt, j, other, &ignored, err, errlen) == OFFLOAD_OK &&
                strcmp(other, name) == 0)
                return fail(err, errlen, "--arg %s given twice: give each argument once", name);
        }
        int found = 0;
        struct suggestion s;
        suggest_init(&s, name, strlen(name));
        for (size_t a = 0; a < decl->nargs && !found; a++) {
            found = strcmp(decl->args[a].name, name) == 0;
            suggest_consider(&s, decl->args[a].name);
        }
        if (!found) {
            if (s.best)
                return fail(err, errlen, "--arg %s: %s has no argument '%s': did you mean %s?",
                            name, decl->name, name, s.best);
            return fail(err, errlen, "--arg %s: %s has no argument '%s'", name, decl->name, name);
        }
    }
    return OFFLOAD_OK;
}

static const struct arg_spec *find_spec(const struct file_bind_options *opt, const char *name,
                                        struct arg_spec *storage)
{
    char err[64];
    for (size_t i = 0; i < opt->narg_options; i++) {
        char other[ARG_NAME_MAX];
        if (parse_arg_option(opt, i, other, storage, err, sizeof err) == OFFLOAD_OK &&
            strcmp(other, name) == 0)
            return storage;
    }
    return NULL;
}

/* Stores v in the element i of a buffer of type t. */
static void store_elem(void *buf, enum elem_type t, size_t i, double v)
{
    switch (t) {
    case ELEM_NONE:
        break;
    case ELEM_CHAR:
        ((int8_t *)buf)[i] = (int8_t)v;
        break;
    case ELEM_UCHAR:
        ((uint8_t *)buf)[i] = (uint8_t)v;
        break;
    case ELEM_SHORT:
        ((int16_t *)buf)[i] = (int16_t)v;
        break;
    case ELEM_USHORT:
        ((uint16_t *)buf)[i] = (uint16_t)v;
        break;
    case ELEM_INT:
        ((int32_t *)buf)[i] = (int32_t)v;
        break;
    case ELEM_UINT:
        ((uint32_t *)buf)[i] = (uint32_t)v;
        break;
    case ELEM_LONG:
        ((int64_t *)buf)[i] = (int64_t)v;
        break;
    case ELEM_ULONG:
        ((uint64_t *)buf)[i] = (uint64_t)v;
        break;
    case ELEM_FLOAT:
        ((float *)buf)[i] = (float)v;
        break;
    case ELEM_DOUBLE:
        ((double *)buf)[i] = v;
        break;
    }
}

static double load_elem(const void *buf, enum elem_type t, size_t i)
{
    switch (t) {
    case ELEM_NONE:
        return 0;
    case ELEM_CHAR:
        return ((const int8_t *)buf)[i];
    case ELEM_UCHAR:
        return ((const uint8_t *)buf)[i];
    case ELEM_SHORT:
        return ((const int16_t *)buf)[i];
    case ELEM_USHORT:
        return ((const uint16_t *)buf)[i];
    case ELEM_INT:
        return ((const int32_t *)buf)[i];
    case ELEM_UINT:
        return ((const uint32_t *)buf)[i];
    case ELEM_LONG:
        return (double)((const int64_t *)buf)[i];
    case ELEM_ULONG:
        return (double)((const uint64_t *)buf)[i];
    case ELEM_FLOAT:
        return ((const float *)buf)[i];
    case ELEM_DOUBLE:
        return ((const double *)buf)[i];
    }
    return 0;
}

/* Values outside an integer type's range would be undefined to convert. */
static double clamp_to(enum elem_type t, double v)
{
    if (elem_type_is_float(t))
        return v;
    size_t bits = elem_type_size(t) * 8;
    double lo = elem_type_is_signed(t) ? -ldexp(1.0, (int)bits - 1) : 0;
    double hi = elem_type_is_signed(t) ? ldexp(1.0, (int)bits - 1) - 1 : ldexp(1.0, (int)bits) - 1;
    if (bits == 64)
        hi = elem_type_is_signed(t) ? 9.2233720368547748e18 : 1.8446744073709550e19;
    return v < lo ? lo : v > hi ? hi : v;
}

static enum offload_status fill_buffer(struct file_arg *a, const struct arg_spec *spec,
                                       uint64_t seed, size_t arg_index, char *err, size_t errlen)
{
    enum fill_kind fill = spec ? spec->fill : FILL_DEFAULT;
    double lo = 0, hi = elem_type_is_float(a->type) ? 1 : 100;
    if (fill == FILL_FILE) {
        size_t len = 0;
        char *data = read_whole_file(spec->path, (size_t)-2, &len);
        if (!data)
            return fail(err, errlen, "--arg %s: cannot read %s: %s", a->decl.name, spec->path,
                        strerror(errno));
        if (len != a->bytes) {
            free(data);
            return fail(err, errlen,
                        "--arg %s: %s holds %zu bytes, the buffer %zu (%zu %s): give a file of "
                        "that size or another count",
                        a->decl.name, spec->path, len, a->bytes, a->count, elem_type_name(a->type));
        }
        memcpy(a->host, data, len);
        free(data);
        return OFFLOAD_OK;
    }
    if (fill == FILL_RANDOM) {
        lo = spec->a;
        hi = spec->b;
    }
    /* Each argument draws from its own stream, so adding one changes no other. */
    uint64_t stream = seed * 1000003u + arg_index;
    for (size_t i = 0; i < a->count; i++) {
        double v = 0;
        switch (fill) {
        case FILL_DEFAULT:
        case FILL_RANDOM:
            v = lo + (hi - lo) * workload_uniform_at(stream, i);
            if (!elem_type_is_float(a->type))
                v = floor(v);
            break;
        case FILL_CONST:
            v = spec->a;
            break;
        case FILL_RANGE:
            v = spec->a + (double)i * spec->b;
            break;
        case FILL_FILE:
            break;
        }
        store_elem(a->host, a->type, i, clamp_to(a->type, v));
    }
    return OFFLOAD_OK;
}

/* A scalar in the device's layout. */
static enum offload_status bind_value(struct file_arg *a, const struct arg_spec *spec, int64_t n,
                                      char *err, size_t errlen)
{
    double f = 0;
    int64_t i = 0;
    char why[256];
    if (arg_value_eval(spec->value, a->type, n, &f, &i, why, sizeof why) != OFFLOAD_OK)
        return fail(err, errlen, "--arg %s: %s", a->decl.name, why);
    a->bytes = elem_type_size(a->type);
    if (a->type == ELEM_FLOAT) {
        float v = (float)f;
        memcpy(a->value, &v, sizeof v);
    } else if (a->type == ELEM_DOUBLE) {
        memcpy(a->value, &f, sizeof f);
    } else {
        /* Little-endian: the low bytes of the int64 are the narrower value. */
        uint64_t u = (uint64_t)i;
        for (size_t b = 0; b < a->bytes; b++)
            a->value[b] = (unsigned char)(u >> (8 * b));
    }
    return OFFLOAD_OK;
}

/* A buffer's element count and bytes: count expression (default N). */
static enum offload_status buffer_size(struct file_arg *a, const struct arg_spec *spec, int64_t n,
                                       char *err, size_t errlen)
{
    const char *expr = spec && spec->count[0] ? spec->count : "N";
    int64_t count;
    char why[256];
    if (expr_eval(expr, n, &count, why, sizeof why) != OFFLOAD_OK)
        return fail(err, errlen, "--arg %s: count '%s': %s", a->decl.name, expr, why);
    if (count <= 0)
        return fail(err, errlen, "--arg %s: count %s = %lld: a buffer needs at least one element",
                    a->decl.name, expr, (long long)count);
    size_t size = elem_type_size(a->type);
    if ((uint64_t)count > SIZE_MAX / size)
        return fail(err, errlen, "--arg %s: %s x %zu bytes overflows: use a smaller count",
                    a->decl.name, expr, size);
    a->count = (size_t)count;
    a->bytes = a->count * size;
    return OFFLOAD_OK;
}

/* Refused before any host memory is spent on it. */
static enum offload_status check_max_alloc(const struct file_arg *a, uint64_t max_alloc, char *err,
                                           size_t errlen)
{
    if (!max_alloc || a->kind == ARG_LOCAL || (uint64_t)a->bytes <= max_alloc)
        return OFFLOAD_OK;
    return fail(err, errlen,
                "--arg %s: a %zu-byte buffer is more than the device's largest "
                "(CL_DEVICE_MAX_MEM_ALLOC_SIZE, %llu bytes): use a smaller --size or count",
                a->decl.name, a->bytes, (unsigned long long)max_alloc);
}

static enum offload_status bind_arg(struct file_kernel *fk, size_t index,
                                    const struct file_arg_decl *d,
                                    const struct file_bind_options *opt, char *err, size_t errlen)
{
    struct file_arg *a = &fk->args[index];
    memset(a, 0, sizeof *a);
    a->decl = *d;
    struct arg_spec storage;
    const struct arg_spec *spec = find_spec(opt, d->name, &storage);
    char example[160];
    example_arg(d, example, sizeof example);
    if (d->elem == ELEM_NONE)
        return fail(err, errlen,
                    "argument %s of %s has type %s, which offload cannot fill (vectors, structs "
                    "and images are not supported): use scalar types and pointers to them",
                    d->name, fk->entry, d->type_name);
    if (!spec && (!d->is_pointer || d->space == SPACE_LOCAL))
        return fail(err, errlen, "argument %s (%s%s) of %s has no value: give one, e.g. %s",
                    d->name, d->space == SPACE_LOCAL ? "__local " : "", d->type_name, fk->entry,
                    example);
    a->kind = spec ? spec->kind : d->is_const || d->space == SPACE_CONSTANT ? ARG_IN : ARG_OUT;
    a->type = spec && spec->type != ELEM_NONE ? spec->type : d->elem;
    if (!d->is_pointer) {
        if (a->kind != ARG_VALUE)
            return fail(err, errlen, "argument %s is a %s, not a pointer: give it a value, e.g. %s",
                        d->name, d->type_name, example);
        if (spec->type != ELEM_NONE && spec->type != d->elem)
            return fail(err, errlen, "argument %s is a %s", d->name, d->type_name);
        return bind_value(a, spec, fk->n, err, errlen);
    }
    if (a->kind == ARG_VALUE)
        return fail(err, errlen, "argument %s is a pointer (%s): give it a buffer, e.g. %s",
                    d->name, d->type_name, example);
    if ((d->space == SPACE_LOCAL) != (a->kind == ARG_LOCAL))
        return fail(err, errlen, "argument %s is %s: give it %s, e.g. %s", d->name,
                    d->space == SPACE_LOCAL ? "__local" : "a global buffer",
                    d->space == SPACE_LOCAL ? "local:TYPE[EXPR]" : "in, out or inout", example);
    if (elem_type_size(a->type) != elem_type_size(d->elem) && a->kind != ARG_LOCAL)
        return fail(err, errlen,
                    "--arg %s: %s elements are %zu bytes, the kernel's %s %zu: use the "
                    "declared type",
                    d->name, elem_type_name(a->type), elem_type_size(a->type), d->type_name,
                    elem_type_size(d->elem));
    if ((d->is_const || d->space == SPACE_CONSTANT) && (a->kind == ARG_OUT || a->kind == ARG_INOUT))
        return fail(err, errlen, "argument %s is const: it can only be in", d->name);
    enum offload_status st = buffer_size(a, spec, fk->n, err, errlen);
    if (st == OFFLOAD_OK)
        st = check_max_alloc(a, opt->max_alloc, err, errlen);
    if (st != OFFLOAD_OK || a->kind == ARG_LOCAL || a->kind == ARG_OUT)
        return st;
    a->host = workload_alloc(a->bytes);
    if (!a->host)
        return fail(err, errlen, "--arg %s: cannot allocate %zu bytes: use a smaller count",
                    d->name, a->bytes);
    return fill_buffer(a, spec, opt->seed, index, err, errlen);
}

/* EXPR[,EXPR[,EXPR]] into sizes; the number of dimensions in *dims. */
static enum offload_status parse_ndrange(const char *what, const char *text, int64_t n,
                                         size_t sizes[3], unsigned *dims, char *err, size_t errlen)
{
    char buf[3 * EXPR_MAX];
    if (strlen(text) >= sizeof buf)
        return fail(err, errlen, "--%s: too long", what);
    snprintf(buf, sizeof buf, "%s", text);
    unsigned d = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (d == 3)
            return fail(err, errlen, "--%s: at most three dimensions", what);
        int64_t v;
        char why[256];
        if (expr_eval(tok, n, &v, why, sizeof why) != OFFLOAD_OK)
            return fail(err, errlen, "--%s '%s': %s", what, tok, why);
        if (v <= 0)
            return fail(err, errlen, "--%s: %s = %lld must be at least 1", what, tok, (long long)v);
        sizes[d++] = (size_t)v;
    }
    if (d == 0)
        return fail(err, errlen, "--%s needs a size, e.g. N or N,N", what);
    *dims = d;
    return OFFLOAD_OK;
}

/* NDRange and work-group from --global and --local. */
static enum offload_status bind_ndrange(struct file_kernel *fk, const struct file_bind_options *opt,
                                        char *err, size_t errlen)
{
    fk->global[0] = fk->global[1] = fk->global[2] = 1;
    fk->local[0] = fk->local[1] = fk->local[2] = 1;
    enum offload_status st = parse_ndrange("global", opt->global ? opt->global : "N", fk->n,
                                           fk->global, &fk->dims, err, errlen);
    if (st != OFFLOAD_OK || !opt->local)
        return st;
    unsigned ldims;
    st = parse_ndrange("local", opt->local, fk->n, fk->local, &ldims, err, errlen);
    if (st != OFFLOAD_OK)
        return st;
    if (ldims != fk->dims)
        return fail(err, errlen, "--local has %u dimensions and --global %u: give as many", ldims,
                    fk->dims);
    for (unsigned d = 0; d < fk->dims; d++)
        if (fk->global[d] % fk->local[d] != 0)
            return fail(err, errlen,
                        "global size %zu is not a multiple of --local %zu (dimension %u): "
                        "OpenCL 1.2 requires whole work-groups; round --global up, e.g. "
                        "--global '(N+%zu)/%zu*%zu', and guard the tail in the kernel",
                        fk->global[d], fk->local[d], d, fk->local[d] - 1, fk->local[d],
                        fk->local[d]);
    fk->has_local = 1;
    return OFFLOAD_OK;
}

/* --bytes and --ops, or the assumed bytes. */
static enum offload_status bind_work(struct file_kernel *fk, const struct file_bind_options *opt,
                                     char *err, size_t errlen)
{
    int64_t v;
    char why[256];
    fk->op = opt->op;
    fk->bytes = 0;
    fk->bytes_assumed = !opt->bytes;
    if (opt->bytes) {
        if (expr_eval(opt->bytes, fk->n, &v, why, sizeof why) != OFFLOAD_OK)
            return fail(err, errlen, "--bytes '%s': %s", opt->bytes, why);
        if (v < 0)
            return fail(err, errlen, "--bytes %s = %lld is negative", opt->bytes, (long long)v);
        fk->bytes = (double)v;
    } else {
        for (size_t i = 0; i < fk->nargs; i++) {
            const struct file_arg *a = &fk->args[i];
            if (a->kind == ARG_IN || a->kind == ARG_INOUT)
                fk->bytes += (double)a->bytes;
            if (a->kind == ARG_OUT || a->kind == ARG_INOUT)
                fk->bytes += (double)a->bytes;
        }
    }
    fk->ops = 0;
    if (opt->ops) {
        if (expr_eval(opt->ops, fk->n, &v, why, sizeof why) != OFFLOAD_OK)
            return fail(err, errlen, "--ops '%s': %s", opt->ops, why);
        if (v < 0)
            return fail(err, errlen, "--ops %s = %lld is negative", opt->ops, (long long)v);
        fk->ops = (double)v;
        if (fk->op == FILE_OP_NONE && v > 0)
            return fail(err, errlen,
                        "--ops needs --op f32|f64|sqrt32|sqrt64|int8cmp: what it "
                        "counts picks the ceiling");
    }
    return OFFLOAD_OK;
}

enum offload_status file_kernel_bind(struct file_kernel *fk, const struct file_kernel_decl *decl,
                                     const struct file_bind_options *opt, char *err, size_t errlen)
{
    snprintf(fk->entry, sizeof fk->entry, "%s", decl->name);
    fk->n = opt->n;
    fk->rtol = opt->rtol;
    fk->atol = opt->atol;
    fk->timeout_s = opt->timeout_s;
    enum offload_status st = check_arg_names(decl, opt, err, errlen);
    if (st != OFFLOAD_OK)
        return st;
    fk->out_bytes = fk->out_items = 0;
    for (size_t i = 0; i < decl->nargs; i++) {
        fk->nargs = i + 1; /* so free releases what bind_arg made */
        st = bind_arg(fk, i, &decl->args[i], opt, err, errlen);
        if (st != OFFLOAD_OK)
            return st;
        struct file_arg *a = &fk->args[i];
        if (a->kind == ARG_OUT || a->kind == ARG_INOUT) {
            /* Each output starts 64-byte aligned in the runner's buffer. */
            fk->out_bytes = (fk->out_bytes + 63) / 64 * 64;
            a->out_offset = fk->out_bytes;
            if (fk->out_bytes + a->bytes < fk->out_bytes)
                return fail(err, errlen, "the output buffers' sizes overflow");
            fk->out_bytes += a->bytes;
            fk->out_items += a->count;
        }
    }
    fk->nargs = decl->nargs;
    if (fk->out_bytes == 0)
        return fail(err, errlen,
                    "%s has no output buffer (a non-const __global pointer as out or inout): "
                    "offload checks and times what a kernel writes",
                    decl->name);
    st = bind_ndrange(fk, opt, err, errlen);
    if (st == OFFLOAD_OK)
        st = bind_work(fk, opt, err, errlen);
    if (st == OFFLOAD_OK) {
        fk->first = workload_alloc(fk->out_bytes);
        if (!fk->first)
            return fail(err, errlen, "cannot allocate %zu bytes for the check", fk->out_bytes);
    }
    return st;
}

void file_kernel_free(struct file_kernel *fk)
{
    for (size_t i = 0; i < fk->nargs; i++)
        workload_free(fk->args[i].host);
    workload_free(fk->first);
    workload_free(fk->expected);
    fk->nargs = 0;
    fk->first = fk->expected = NULL;
}

const struct file_arg *file_output_arg(const struct file_kernel *fk, size_t i)
{
    for (size_t a = 0; a < fk->nargs; a++)
        if (fk->args[a].kind == ARG_OUT || fk->args[a].kind == ARG_INOUT) {
            if (i == 0)
                return &fk->args[a];
            i--;
        }
    return NULL;
}

/* ---- the table's hooks ---------------------------------------------------- */

struct kernel_work file_kernel_work(const struct file_kernel *fk)
{
    static const char *const units[] = {
        [FILE_OP_NONE] = "op",       [FILE_OP_F32] = "f32 flop",  [FILE_OP_F64] = "f64 flop",
        [FILE_OP_SQRT32] = "sqrt32", [FILE_OP_SQRT64] = "sqrt64", [FILE_OP_INT8CMP] = "compare"};
    return (struct kernel_work){.bytes = fk->bytes, .ops = fk->ops, .op_unit = units[fk->op]};
}

/* Relative tolerance by type: exact for integers. */
static void tolerances(const struct file_kernel *fk, enum elem_type t, double *rtol, double *atol)
{
    *rtol = fk->rtol >= 0 ? fk->rtol : t == ELEM_FLOAT ? 1e-5 : t == ELEM_DOUBLE ? 1e-12 : 0;
    *atol = fk->atol >= 0 ? fk->atol : 0;
}

struct check_result file_kernel_check(const struct file_kernel *fk, const void *out)
{
    struct check_result r = {.ok = 1};
    struct file_kernel *mut = (struct file_kernel *)fk; /* the first output is kept */
    const unsigned char *want = fk->expected;
    if (!want) {
        if (!fk->have_first) {
            memcpy(mut->first, out, fk->out_bytes);
            mut->have_first = 1;
            snprintf(r.against, sizeof r.against, "the first call's output");
            return r;
        }
        want = fk->first;
    }
    snprintf(r.against, sizeof r.against, "%s",
             fk->expected        ? fk->expected_from
             : fk->first_from[0] ? fk->first_from
                                 : "the first call's output");
    const unsigned char *got = out;
    for (size_t k = 0;; k++) {
        const struct file_arg *a = file_output_arg(fk, k);
        if (!a)
            break;
        double rtol, atol;
        tolerances(fk, a->type, &rtol, &atol);
        if (rtol > r.tolerance)
            r.tolerance = rtol;
        for (size_t i = 0; i < a->count; i++) {
            double g = load_elem(got + a->out_offset, a->type, i);
            double w = load_elem(want + a->out_offset, a->type, i);
            double diff = fabs(g - w);
            double rel = w != 0 ? diff / fabs(w) : diff;
            int same =
                g == w || (isnan(g) && isnan(w) && fk->expected) || diff <= atol + rtol * fabs(w);
            if (rel > r.max_error && !isnan(rel))
                r.max_error = rel;
            if (same)
                continue;
            if (r.mismatches < CHECK_MAX_REPORTED) {
                if (r.mismatches == 0)
                    snprintf(r.buffer, sizeof r.buffer, "%s", a->decl.name);
                r.first_bad[r.mismatches] = i;
                r.got[r.mismatches] = g;
                r.want[r.mismatches] = w;
            }
            r.mismatches++;
            r.ok = 0;
        }
        if (!r.ok)
            break; /* the first buffer that differs is the one named */
    }
    return r;
}

double file_kernel_checksum(const struct file_kernel *fk, const void *out)
{
    double sum = 0;
    for (size_t k = 0;; k++) {
        const struct file_arg *a = file_output_arg(fk, k);
        if (!a)
            return sum;
        for (size_t i = 0; i < a->count; i++)
            sum += load_elem((const unsigned char *)out + a->out_offset, a->type, i);
    }
}
