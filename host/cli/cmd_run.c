/* offload run. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "ceilings.h"
#include "commands.h"
#include "progress.h"
#include "ranks.h"
#include "run_text.h"
#include "message.h"

int command_run(struct cli *c)
{
    if (c->npositional != 1)
        return kernel_needed_error("run");
    enum offload_kernel k;
    if (kernel_from_name(c->positional[0], &k) != OFFLOAD_OK)
        return unknown_kernel_error(c->positional[0]);
    const struct kernel_spec *ks = kernel_spec_of(k);
    if (ks->input == INPUT_GENOTYPES && c->given[OPT_SIZE])
        return usage_error("--size does not apply to %s: use --percent or --data", ks->name);
    char names[KERNEL_NAME_LIST_MAX];
    if (ks->input != INPUT_GENOTYPES && (c->given[OPT_DATA] || c->given[OPT_PERCENT]))
        return usage_error("--data and --percent apply to %s only, not %s",
                           kernel_names_reading(INPUT_GENOTYPES, names, sizeof names), ks->name);
    if (!ks->has_fast && c->given[OPT_ALGORITHM] && algorithm_option(c) == ALG_FAST)
        return usage_error("%s has no fast algorithm: %s", ks->name, ks->fast_order);

    const char *spec, *selector;
    const struct backend_ops *ops = backend_option(c, &spec, &selector);
    if (!ops)
        return OFFLOAD_ERR_USAGE;

    struct prepared_input p;
    /* Every rank prepares the input (rank 0's is the one distributed) and
     * starts its backend; one that cannot has said why, and all stop. */
    enum offload_status st = ranks_agree(prepare_input(
        c, k, algorithm_option(c), c->given[OPT_SIZE] ? c->size : 0, c->percent[0], &p));
    if (st != OFFLOAD_OK) {
        prepared_free(&p);
        return offload_exit_code(st);
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
    struct run_settings set = make_settings(c);
    int rc = 0;
    rec.run = malloc(sizeof *rec.run);
    if (!rec.run) {
        offload_error("out of memory\n");
        rc = OFFLOAD_ERR_RUN;
    } else {
        st = run_kernel(ops, state, &p.input, &set, NULL, rec.run);
        rc = offload_exit_code(st);
    }
    /* Rank 0 reports; the others have done their share. */
    if (rec.run && st == OFFLOAD_OK && ranks_me() == 0) {
        /* Without ceilings the verdict falls back to arithmetic intensity;
         * the run itself still succeeded. */
        rec.has_ceilings = backend_ceilings(c, ops, state, &rec.info, &rec.ceilings) == OFFLOAD_OK;
        rec.analysis =
            analyse_run(&p.input, rec.run, &rec.info, rec.has_ceilings ? &rec.ceilings : NULL);
        rec.size = prepared_size(&p);
        rec.rows = p.matrix.rows;
        rec.cols = p.matrix.cols;
        rec.percent = c->percent[0];
        report_run(c->human, ops->name, &rec.info, &p.input, &set, rec.run, &rec.analysis);
        struct result_set results = {.argc = c->argc, .argv = c->argv};
        if (result_set_add(&results, &rec) == OFFLOAD_OK) {
            rec.run = NULL; /* owned by the set now */
            int erc = offload_exit_code(emit_results(c, &results));
            rc = rc ? rc : erc;
        }
        result_set_free(&results);
    }
    /* A failed run has printed why (the first mismatches or the device
     * error); its times are never reported. */
    free(rec.run);
    ops->fini(state);
    prepared_free(&p);
    return rc;
}
