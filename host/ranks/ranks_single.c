/* Ranks in a build without MPI: one process, rank 0 of 1. */
#include "ranks.h"

#include <string.h>

#include "timing.h"

enum offload_status ranks_start(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return OFFLOAD_OK;
}

void ranks_stop(int status)
{
    (void)status;
}

int ranks_count(void)
{
    return 1;
}

int ranks_me(void)
{
    return 0;
}

int ranks_local(void)
{
    return 0;
}

int ranks_on_node(void)
{
    return 1;
}

const char *ranks_layout(void)
{
    return "";
}

const char *ranks_phrase(void)
{
    return "";
}

void ranks_node_sum(double *values, int n)
{
    (void)values;
    (void)n;
}

enum offload_status ranks_agree(enum offload_status mine)
{
    return mine;
}

int ranks_share_int(int value)
{
    return value;
}

void ranks_share(size_t n, int r, size_t *first, size_t *count)
{
    (void)r;
    *first = 0;
    *count = n;
}

enum offload_status ranks_measure_link(struct link_point points[LINK_POINTS])
{
    (void)points;
    return OFFLOAD_UNAVAILABLE;
}

/* One process: the command asks the backend for its engine; the serial
 * engine keeps this call total. */
struct markers_engine ranks_markers_engine(int *threads, struct ranks_markers *rm)
{
    (void)threads;
    (void)rm;
    return markers_engine_serial();
}

enum offload_status ranks_run(const struct backend_ops *ops, void *state,
                              const struct kernel_input *in, void *out, struct phase_times *t)
{
    return ops->run[in->kernel](state, in, out, t);
}

enum offload_status ranks_run_alone(const struct backend_ops *ops, void *state,
                                    const struct kernel_input *in, void *out,
                                    struct phase_times *t, double *seconds)
{
    double t0 = offload_now();
    enum offload_status st = ops->run[in->kernel](state, in, out, t);
    *seconds = offload_now() - t0;
    return st;
}

enum offload_status ranks_load_genotype(const char *path, const struct genotype_load_options *opt,
                                        struct genotype_matrix *m, char *err, size_t errlen)
{
    return genotype_load_file(path, opt, m, err, errlen);
}

void ranks_table_share(const struct genotype_matrix *m, struct table_share *share)
{
    size_t bytes = genotype_bytes(m);
    *share = (struct table_share){1, m->rows, m->rows, bytes, bytes, 0, 0, 0};
}

enum offload_status ranks_join_ids(const struct genotype_matrix *m, const char *name,
                                   FILE *warnings, char ***ids)
{
    (void)m;
    (void)name;
    (void)warnings; /* genotype_load_file checked the ids */
    *ids = NULL;
    return OFFLOAD_OK;
}

enum offload_status ranks_markers_prepare(struct genotype_matrix *m,
                                          const struct markers_options *o, char **ids,
                                          struct ranks_markers *rm, char *err, size_t errlen)
{
    (void)m;
    (void)o;
    (void)ids;
    (void)errlen;
    memset(rm, 0, sizeof *rm);
    err[0] = '\0';
    return OFFLOAD_UNAVAILABLE; /* one process: markers_prepare */
}

void ranks_markers_free(struct ranks_markers *rm)
{
    memset(rm, 0, sizeof *rm);
}

struct check_result ranks_check(const struct kernel_input *in, const void *output)
{
    return kernel_spec_of(in->kernel)->check(in, output);
}
