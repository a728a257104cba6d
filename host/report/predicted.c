/* Predicted beside measured (see predicted.h). */
#include "predicted.h"

#include <string.h>

#include "units.h"

static const struct device_profile *profile_for(const char *device,
                                                const struct device_profile *profiles, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (profile_matches(&profiles[i], device))
            return &profiles[i];
    return NULL;
}

/* The input a saved row ran, as predict_run needs it (sizes only). */
static int row_input(const struct saved_row *r, struct kernel_input *in,
                     struct genotype_matrix *m)
{
    enum offload_kernel k;
    if (kernel_from_name(r->kernel, &k) != OFFLOAD_OK)
        return 0;
    memset(in, 0, sizeof *in);
    memset(m, 0, sizeof *m);
    in->kernel = k;
    in->alg = strcmp(r->algorithm, "fast") == 0 ? ALG_FAST : ALG_NAIVE;
    switch (kernel_spec_of(k)->input) {
    case INPUT_VALUES:
        in->n = r->size;
        return r->size > 0;
    case INPUT_GENOTYPES:
        m->rows = r->rows;
        m->cols = r->cols;
        in->matrix = m;
        return r->rows > 0 && r->cols > 0;
    case INPUT_FILE:
        return 0; /* a kernel file's run: no profile forecast */
    }
    return 0;
}

size_t report_predictions(FILE *f, const struct saved_run *runs, size_t nruns,
                          const struct device_profile *profiles, size_t nprofiles)
{
    size_t shown = 0;
    for (size_t i = 0; i < nruns; i++)
        for (size_t j = 0; j < runs[i].count; j++) {
            const struct saved_row *r = &runs[i].rows[j];
            const struct device_profile *p =
                r->on_device ? profile_for(r->device, profiles, nprofiles) : NULL;
            struct kernel_input in;
            struct genotype_matrix m;
            if (!p || !row_input(r, &in, &m))
                continue;
            struct prediction pr = predict_run(p, &in);
            if (!pr.runnable)
                continue;
            if (shown++ == 0)
                fprintf(f, "\npredicted beside measured (device profiles in data/devices/;\n"
                           "a predicted figure is a forecast, not a run):\n");
            char t1[32], t2[32], t3[32], t4[32];
            fprintf(f, "  #%zu %s %s (%s, size %zu) on %s (profile %s):\n", i + 1, r->kernel,
                    r->algorithm, r->memory, r->size, r->device, p->short_name);
            fprintf(f, "      kernel measured %s, predicted %s; end to end measured %s, "
                       "predicted %s\n",
                    format_seconds(r->kernel_s, t1, sizeof t1),
                    format_seconds(pr.kernel_s, t2, sizeof t2),
                    format_seconds(r->total_s, t3, sizeof t3),
                    format_seconds(pr.total_s, t4, sizeof t4));
            fprintf(f, "      verdict measured %s, predicted %s\n", r->verdict,
                    verdict_name(pr.verdict));
        }
    return shown;
}
