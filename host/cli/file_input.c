/* A user's kernel file as a command's input: the options that only apply
 * to it, the backend that can run it, and, after the backend has built it,
 * its entry, arguments, reference check and table entry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "lineup.h"
#include "fileio.h"
#include "message.h"
#include "parse.h"
#include "workload.h"

/* Options that mean something for a .cl file only. */
static const enum option_id file_only_options[] = {OPT_ENTRY, OPT_ARG,  OPT_GLOBAL, OPT_LOCAL,
                                                   OPT_BYTES, OPT_OPS,  OPT_OP,     OPT_CHECK,
                                                   OPT_RTOL,  OPT_ATOL, OPT_TIMEOUT};

bool is_kernel_file(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".cl") == 0;
}

enum offload_status file_options_unused(const struct cli *c, const char *kernel)
{
    static const char *const names[] = {
        [OPT_ENTRY] = "entry", [OPT_ARG] = "arg",   [OPT_GLOBAL] = "global",  [OPT_LOCAL] = "local",
        [OPT_BYTES] = "bytes", [OPT_OPS] = "ops",   [OPT_OP] = "op",          [OPT_CHECK] = "check",
        [OPT_RTOL] = "rtol",   [OPT_ATOL] = "atol", [OPT_TIMEOUT] = "timeout"};
    for (size_t i = 0; i < sizeof file_only_options / sizeof file_only_options[0]; i++)
        if (c->given[file_only_options[i]])
            return usage_error("--%s applies to a kernel file (FILE.cl), not the built-in %s",
                               names[file_only_options[i]], kernel);
    return OFFLOAD_OK;
}

enum offload_status file_backend_check(const struct backend_ops *ops, const char *path)
{
    if (ops->file_kernels && ops->run[KERNEL_FILE])
        return OFFLOAD_OK;
    return usage_error("%s runs on OpenCL devices only, not on %s (serial and openmp run the "
                       "built-in kernels): use --backend opencl[:SEL]",
                       path, ops->name);
}

/* --rtol, --atol, --timeout, --op and the expressions' N into opt. */
static enum offload_status bind_options(const struct cli *c, uint64_t n, const char *local,
                                        struct file_bind_options *opt)
{
    char err[256];
    memset(opt, 0, sizeof *opt);
    if (n > INT64_MAX)
        return usage_error("--size %llu is too large", (unsigned long long)n);
    opt->n = (int64_t)n;
    opt->seed = c->seed;
    opt->arg_options = c->arg_values;
    opt->narg_options = c->narg_values;
    opt->global = c->value[OPT_GLOBAL];
    opt->local = local ? local : c->command_bit == CMD_SWEEP ? NULL : c->value[OPT_LOCAL];
    opt->bytes = c->value[OPT_BYTES];
    opt->ops = c->value[OPT_OPS];
    opt->rtol = opt->atol = -1;
    opt->op = FILE_OP_NONE;
    if (c->value[OPT_OP] && file_op_from_name(c->value[OPT_OP], &opt->op) != OFFLOAD_OK)
        return usage_error("--op: unknown unit '%s': use f32, f64, sqrt32, sqrt64, int8cmp or "
                           "none",
                           c->value[OPT_OP]);
    if (c->value[OPT_RTOL] &&
        parse_double(c->value[OPT_RTOL], 0, 1e300, 0, &opt->rtol, err, sizeof err))
        return usage_error("--rtol: %s", err);
    if (c->value[OPT_ATOL] &&
        parse_double(c->value[OPT_ATOL], 0, 1e300, 0, &opt->atol, err, sizeof err))
        return usage_error("--atol: %s", err);
    if (c->value[OPT_TIMEOUT] &&
        parse_double(c->value[OPT_TIMEOUT], 0, 1e6, 1, &opt->timeout_s, err, sizeof err))
        return usage_error("--timeout: %s", err);
    return OFFLOAD_OK;
}

/* Describes the built program, picks the entry and binds its arguments. */
static enum offload_status bind_file(const struct backend_ops *ops, void *state, const char *path,
                                     const char *entry, const struct file_bind_options *opt,
                                     struct file_kernel *fk)
{
    struct file_program_decl *prog = malloc(sizeof *prog);
    if (!prog) {
        offload_error("out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    enum offload_status st = ops->file_kernels(state, prog);
    const struct file_kernel_decl *decl = NULL;
    char err[ARG_PATH_MAX + 512];
    if (st == OFFLOAD_OK)
        st = file_pick_entry(prog, entry, path, &decl, err, sizeof err);
    if (st == OFFLOAD_OK)
        st = file_kernel_bind(fk, decl, opt, err, sizeof err);
    if (st == OFFLOAD_ERR_USAGE)
        offload_error("%s\n", err);
    free(prog);
    return st;
}

/* "REF.cl[:ENTRY]" split; entry NULL when not given. */
static enum offload_status split_check(const char *spec, char *path, size_t len, const char **entry)
{
    const char *colon = strrchr(spec, ':');
    *entry = NULL;
    if (colon && colon > spec && colon - spec >= 3 && strncmp(colon - 3, ".cl", 3) == 0) {
        *entry = colon + 1;
        if (!**entry)
            return usage_error("--check %s: an empty ENTRY after ':'", spec);
    } else {
        colon = NULL;
    }
    size_t plen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (plen >= len)
        return usage_error("--check: path too long");
    memcpy(path, spec, plen);
    path[plen] = '\0';
    if (!is_kernel_file(path))
        return usage_error("--check %s: give a reference kernel file, REF.cl[:ENTRY]", spec);
    return OFFLOAD_OK;
}

/* Runs the reference kernel once on its own instance of the backend, with
 * the same arguments: its outputs become fk's expected values. */
static enum offload_status run_reference(const struct cli *c, const struct backend_ops *ops,
                                         const struct backend_config *cfg,
                                         const struct file_bind_options *opt,
                                         struct file_kernel *fk)
{
    char path[1024];
    const char *entry;
    enum offload_status st = split_check(c->value[OPT_CHECK], path, sizeof path, &entry);
    if (st != OFFLOAD_OK)
        return st;
    /* A relative REF.cl that is not here is looked for beside the kernel
     * file, so "// offload: --check ref.cl" works from any folder. */
    const char *slash = strrchr(c->positional[0], '/');
    if (access(path, F_OK) != 0 && path[0] != '/' && slash) {
        char beside[1024];
        int n = snprintf(beside, sizeof beside, "%.*s/%s", (int)(slash - c->positional[0]),
                         c->positional[0], path);
        if (n > 0 && (size_t)n < sizeof beside && access(beside, F_OK) == 0)
            snprintf(path, sizeof path, "%s", beside);
    }
    size_t length = 0;
    char *text = read_whole_file(path, 16u << 20, &length);
    if (!text)
        return usage_error("--check: cannot read %s: %s", path, strerror(errno));
    struct file_source src = {.path = path, .text = text, .length = length};
    struct backend_config ref_cfg = *cfg;
    ref_cfg.file = &src;
    struct backend_info info;
    void *state = NULL;
    struct file_kernel *ref = calloc(1, sizeof *ref);
    if (!ref) {
        free(text);
        return OFFLOAD_ERR_RUN;
    }
    st = ops->init(&ref_cfg, &state, &info);
    if (st == OFFLOAD_OK) {
        snprintf(ref->path, sizeof ref->path, "%s", path);
        st = bind_file(ops, state, path, entry, opt, ref);
    }
    if (st == OFFLOAD_OK && ref->out_bytes != fk->out_bytes) {
        offload_error("--check %s: the reference writes %zu bytes of outputs and %s %zu: "
                      "give both kernels the same output buffers\n",
                      path, ref->out_bytes, fk->entry, fk->out_bytes);
        st = OFFLOAD_ERR_USAGE;
    }
    void *expected = NULL;
    if (st == OFFLOAD_OK) {
        expected = workload_alloc(fk->out_bytes);
        struct kernel_input in = {.kernel = KERNEL_FILE, .n = (size_t)fk->n, .file = ref};
        struct phase_times t;
        st = expected ? ops->run[KERNEL_FILE](state, &in, expected, &t) : OFFLOAD_ERR_RUN;
    }
    if (st == OFFLOAD_OK) {
        fk->expected = expected;
        snprintf(fk->expected_from, sizeof fk->expected_from, "the reference %.200s:%.80s", path,
                 ref->entry);
    } else {
        workload_free(expected);
    }
    if (state)
        ops->fini(state);
    file_kernel_free(ref);
    free(ref);
    free(text);
    return st;
}

enum offload_status file_prepare(const struct cli *c, const struct backend_ops *ops, void *state,
                                 const struct backend_config *cfg, const struct backend_info *info,
                                 uint64_t n, const char *local, struct file_kernel *fk,
                                 struct prepared_input *p)
{
    struct file_bind_options opt;
    enum offload_status st = bind_options(c, n, local, &opt);
    if (st != OFFLOAD_OK)
        return st;
    opt.max_alloc = info->max_alloc;
    const char *path = c->positional[0];
    const char *base = strrchr(path, '/');
    snprintf(fk->name, sizeof fk->name, "%s", base ? base + 1 : path);
    snprintf(fk->path, sizeof fk->path, "%s", path);
    file_source_hash(c->file_text, c->file_length, fk->source_hash);
    st = bind_file(ops, state, path, c->value[OPT_ENTRY], &opt, fk);
    if (st == OFFLOAD_OK && c->value[OPT_CHECK])
        st = run_reference(c, ops, cfg, &opt, fk);
    if (st != OFFLOAD_OK)
        return st;
    kernel_table_open_file(fk);
    memset(p, 0, sizeof *p);
    p->input.kernel = KERNEL_FILE;
    p->input.alg = ALG_NAIVE;
    p->input.n = (size_t)n;
    p->input.file = fk;
    return OFFLOAD_OK;
}

/* ---- compare and sweep: a file on every device that can build it ---------- */

enum offload_status file_lineup_filter(const struct cli *c, struct bench_backend *list, size_t *n)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if (!list[i].ops->file_kernels || !list[i].ops->run[KERNEL_FILE]) {
            /* Named on purpose: refused; in the default list: left out. */
            if (c->value[OPT_BACKEND] && strcmp(c->value[OPT_BACKEND], "all") != 0)
                return file_backend_check(list[i].ops, c->positional[0]);
            continue;
        }
        list[kept++] = list[i];
    }
    *n = kept;
    if (kept == 0)
        return usage_error("%s runs on OpenCL devices only and this build has none: build with "
                           "OpenCL",
                           c->positional[0]);
    return OFFLOAD_OK;
}

/* Without --check, the first CPU device's output (else the first
 * device's) is what every device must give: computed once, up front. */
static enum offload_status reference_from_device(struct bench_backend *b, struct file_kernel *fk,
                                                 const struct prepared_input *p)
{
    struct phase_times t;
    enum offload_status st = b->ops->run[KERNEL_FILE](b->state, &p->input, fk->first, &t);
    if (st != OFFLOAD_OK)
        return st;
    fk->have_first = 1;
    snprintf(fk->first_from, sizeof fk->first_from, "the output of %s (%.200s)", b->label,
             b->info.device);
    return OFFLOAD_OK;
}

enum offload_status file_prepare_lineup(const struct cli *c, struct bench_backend *list, size_t n,
                                        uint64_t size, const char *local, struct file_kernel *fk,
                                        struct prepared_input *p)
{
    struct bench_backend *first = NULL;
    for (size_t i = 0; i < n; i++)
        if (list[i].status == OFFLOAD_OK &&
            (!first || (!first->info.host_threads && list[i].info.host_threads)))
            first = &list[i];
    if (!first)
        return OFFLOAD_ERR_RUN;
    /* The first CPU device binds the arguments; every device then runs the
     * same inputs and is checked against it (or against --check's reference). */
    struct backend_config cfg = make_config(
        c, first->ops, first->threads, first->selector[0] ? first->selector : NULL, first->memory);
    memset(fk, 0, sizeof *fk);
    enum offload_status st =
        file_prepare(c, first->ops, first->state, &cfg, &first->info, size, local, fk, p);
    if (st == OFFLOAD_OK && !fk->expected)
        st = reference_from_device(first, fk, p);
    return st;
}
