#ifndef OFFLOAD_BENCH_H
#define OFFLOAD_BENCH_H

/* Configured backend instances for compare and sweep (a backend, a device,
 * a thread count and a memory mode each), started together and run on the
 * same inputs. */

#include "commands.h"

#define MAX_BENCH_BACKENDS 32

/* One configured backend instance: a backend, a device, a thread count
 * and a memory mode. */
struct bench_backend {
    const struct backend_ops *ops;
    char label[64];
    char selector[64];
    int threads;
    int has_memory;
    enum offload_memory_mode memory;
    void *state;
    struct backend_info info;
    enum offload_status status;
    int has_ceilings;
    struct ceilings ceilings;
    size_t runs_not_here; /* runs it cannot do here (OFFLOAD_UNAVAILABLE), e.g. across ranks */
};

/* Expands --backends (default: every backend and device) with the --threads
 * list for threaded backends and, with every_memory_mode, every memory mode
 * for backends that have them. */
enum offload_status build_backend_list(const struct cli *c, int every_memory_mode,
                                       struct bench_backend *list, size_t *n);

/* Initialises every backend and gets its ceilings. A backend that cannot
 * run here is reported and skipped; the ones that started are listed.
 * Returns the worst exit code. */
int init_backends(const struct cli *c, struct bench_backend *list, size_t n);
int any_backend_ready(const struct bench_backend *list, size_t n);
/* How many started, and how many were unavailable here (for exit status 3). */
size_t backends_ready(const struct bench_backend *list, size_t n);
size_t backends_unavailable(const struct bench_backend *list, size_t n);
void fini_backends(struct bench_backend *list, size_t n);

/* Runs one prepared input on one backend and appends the record. Returns
 * the index of the record, or -1 when the run failed (after a message);
 * *worst keeps the worst exit code. */
long run_and_record(const struct cli *c, const char *command, struct bench_backend *b,
                    const struct prepared_input *p, double percent, struct result_set *results,
                    int *worst);

/* A kernel file (file_input.c): keeps the backends that can build it
 * (OFFLOAD_ERR_USAGE after a message when --backends names another), and
 * binds its arguments on the first started one for size N and, unless
 * NULL, that --local. */
enum offload_status file_lineup_filter(const struct cli *c, struct bench_backend *list,
                                       size_t *n);
enum offload_status file_prepare_lineup(const struct cli *c, struct bench_backend *list, size_t n,
                                        uint64_t size, const char *local, struct file_kernel *fk,
                                        struct prepared_input *p);

/* End-to-end time of a record. */
double record_total(const struct result_record *r);
/* Across ranks: what the one-rank baselines of a command's results cost
 * (calls and seconds), one paragraph; nothing when none was timed. */
void print_one_rank_cost(FILE *f, int width, const struct result_set *set);

#endif
