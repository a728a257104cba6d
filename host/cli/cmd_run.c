/* offload run. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "occupancy.h"
#include "ceilings.h"
#include "link_cache.h"
#include "commands.h"
#include "fresh_notes.h"
#include "progress.h"
#include "file_kernel.h"
#include "ranks.h"
#include "message.h"
#include "run_text.h"

/* The checks of a built-in kernel's options; its table entry in *k. */
static enum offload_status builtin_kernel(const struct cli *c, enum offload_kernel *k)
{
    if (kernel_from_name(c->positional[0], k) != OFFLOAD_OK)
        return unknown_kernel_error(c->positional[0]);
    const struct kernel_spec *ks = kernel_spec_of(*k);
    if (ks->input == INPUT_GENOTYPES && c->given[OPT_SIZE])
        return usage_error("--size does not apply to %s: use --percent or --data", ks->name);
    char names[KERNEL_NAME_LIST_MAX];
    if (ks->input != INPUT_GENOTYPES && (c->given[OPT_DATA] || c->given[OPT_PERCENT]))
        return usage_error("--data and --percent apply to %s only, not %s",
                           kernel_names_reading(INPUT_GENOTYPES, names, sizeof names), ks->name);
    if (!ks->has_fast && c->given[OPT_ALGORITHM] && algorithm_option(c) == ALG_FAST)
        return usage_error("%s has no fast algorithm: %s", ks->name, ks->fast_order);
    return file_options_unused(c, ks->name);
}

/* A kernel file's options that only built-in kernels take. */
static enum offload_status file_kernel_options(const struct cli *c)
{
    if (c->given[OPT_DATA] || c->given[OPT_PERCENT] || c->given[OPT_ALGORITHM])
        return usage_error("--data, --percent and --algorithm apply to the built-in kernels, "
                           "not %s",
                           c->positional[0]);
    return OFFLOAD_OK;
}

/* Rank 0's part of a run that succeeded: the analysis (the ceilings were
 * looked up before the run, so the probes around it could be compared),
 * the text and the exports. rec->run is handed to the result set. */
static int report_and_emit(struct cli *c, const struct backend_ops *ops, void *state,
                           const struct prepared_input *p, const struct run_settings *set,
                           struct result_record *rec)
{
    if (ops->launch_shape)
        ops->launch_shape(state, &rec->launch);
    rec->analysis =
        analyse_run(&p->input, rec->run, &rec->info, rec->has_ceilings ? &rec->ceilings : NULL);
    struct link_calibration link;
    analyse_ranks(&rec->analysis, &p->input, rec->run, rec->info.threads,
                  ranks_link_calibration(c, &link));
    judge_occupancy(rec);
    rec->size = prepared_size(p);
    rec->rows = genotype_table_rows(&p->matrix);
    rec->cols = p->matrix.cols;
    rec->percent = c->percent[0];
    char launch[256] = "";
    if (ops->describe_launch)
        ops->describe_launch(state, launch, sizeof launch);
    report_run(c->human, ops->name, &rec->info, launch, &p->input, set, rec->run,
               &rec->analysis);
    print_ceilings_probe(c->human, &rec->refresh, rec->run->timed_s);
    print_ceilings_notes(c->human, "           ", &rec->refresh);
    struct result_set results = {.argc = c->argc, .argv = c->argv};
    int rc = 0;
    if (result_set_add(&results, rec) == OFFLOAD_OK) {
        rec->run = NULL; /* owned by the set now */
        rc = offload_exit_code(emit_results(c, &results));
    }
    result_set_free(&results);
    return rc;
}

int command_run(struct cli *c)
{
    if (c->npositional != 1)
        return kernel_needed_error("run");
    const int from_file = is_kernel_file(c->positional[0]);
    enum offload_kernel k = KERNEL_FILE;
    enum offload_status st = from_file ? file_kernel_options(c) : builtin_kernel(c, &k);
    if (st != OFFLOAD_OK)
        return st;

    const char *spec, *selector;
    const struct backend_ops *ops = backend_option(c, &spec, &selector);
    if (!ops)
        return OFFLOAD_ERR_USAGE;
    if (from_file && file_backend_check(ops, c->positional[0]) != OFFLOAD_OK)
        return OFFLOAD_ERR_USAGE;

    struct prepared_input p;
    memset(&p, 0, sizeof p);
    if (!from_file) {
        /* Every rank prepares the input (rank 0's is the one distributed)
         * and starts its backend; one that cannot has said why, and all stop. */
        st = ranks_agree(prepare_input(c, k, algorithm_option(c),
                                       c->given[OPT_SIZE] ? c->size : 0, c->percent[0], &p));
        if (st != OFFLOAD_OK) {
            prepared_free(&p);
            return offload_exit_code(st);
        }
    }
    struct backend_config cfg = make_config(c, ops, c->threads[0], selector, c->memory);
    struct result_record rec = {.command = "run", .kernel = k, .alg = p.input.alg};
    snprintf(rec.backend, sizeof rec.backend, "%s", spec);
    rec.has_memory = ops->caps.memory_modes;
    rec.memory = c->memory;
    void *state = NULL;
    st = rank_device(ops, &cfg.device_selector);
    if (st == OFFLOAD_OK)
        st = ops->init(&cfg, &state, &rec.info);
    enum offload_status all = ranks_agree(st);
    if (all != OFFLOAD_OK) {
        if (st == OFFLOAD_OK)
            ops->fini(state);
        prepared_free(&p);
        return offload_exit_code(all);
    }
    /* A file is bound once the backend has built it and can name its
     * arguments; from then on it is a table entry like the others. */
    struct file_kernel *fk = from_file ? calloc(1, sizeof *fk) : NULL;
    if (from_file) {
        st = fk ? file_prepare(c, ops, state, &cfg, &rec.info,
                               c->given[OPT_SIZE] ? c->size : FILE_DEFAULT_N, NULL, fk, &p)
                : OFFLOAD_ERR_RUN;
        if (st != OFFLOAD_OK) {
            ops->fini(state);
            if (fk)
                file_kernel_free(fk);
            free(fk);
            return offload_exit_code(st);
        }
        rec.alg = p.input.alg;
    }
    struct run_settings set = make_settings(c);
    int rc = 0;
    rec.run = malloc(sizeof *rec.run);
    if (!rec.run) {
        offload_error("out of memory\n");
        rc = OFFLOAD_ERR_RUN;
    } else {
        /* Without ceilings the verdict falls back to arithmetic intensity;
         * the run itself still succeeds. Measured (once) before the run, so
         * the probes around it can be compared with them. */
        rec.has_ceilings = backend_ceilings(c, ops, state, &rec.info, &rec.ceilings) == OFFLOAD_OK;
        st = run_with_fresh_ceilings(c, ops, state, &p.input, &set, &rec);
        rc = offload_exit_code(st);
    }
    /* Rank 0 reports; the others have done their share. */
    if (rec.run && st == OFFLOAD_OK && ranks_me() == 0) {
        int erc = report_and_emit(c, ops, state, &p, &set, &rec);
        rc = rc ? rc : erc;
    }
    /* A failed run has printed why (the first mismatches or the device
     * error); its times are never reported. */
    free(rec.run);
    ops->fini(state);
    prepared_free(&p);
    if (fk)
        file_kernel_free(fk);
    free(fk);
    return rc;
}
