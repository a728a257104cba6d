/* Ranks over MPI (Open MPI, MPICH): built with OFFLOAD_MPI. */
#include "ranks.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "message.h"
#include "timing.h"
#include "workload.h"

static struct {
    int joined; /* MPI_Init was called by ranks_start */
    int count, me, local, on_node;
    MPI_Comm node; /* the ranks of this rank's node */
    char phrase[32];
    char layout[2 * MPI_MAX_PROCESSOR_NAME + 96];
} job = {0, 1, 0, 0, 1, MPI_COMM_NULL, "", ""};

/* "2 ranks on 1 node (HOST)": every rank's node name, gathered, counted
 * and hashed (FNV-1a) so the same ranks on other nodes are another key. */
static void describe_layout(void)
{
    char mine[MPI_MAX_PROCESSOR_NAME] = {0};
    int len = 0;
    MPI_Get_processor_name(mine, &len);
    char *all = calloc((size_t)job.count, MPI_MAX_PROCESSOR_NAME);
    if (!all) {
        snprintf(job.layout, sizeof job.layout, "%d ranks", job.count);
        return;
    }
    MPI_Allgather(mine, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all, MPI_MAX_PROCESSOR_NAME, MPI_CHAR,
                  MPI_COMM_WORLD);
    unsigned long long hash = 1469598103934665603ULL;
    int nodes = 0;
    for (int r = 0; r < job.count; r++) {
        const char *name = all + (size_t)r * MPI_MAX_PROCESSOR_NAME;
        int seen = 0;
        for (int q = 0; q < r && !seen; q++)
            seen = strcmp(name, all + (size_t)q * MPI_MAX_PROCESSOR_NAME) == 0;
        nodes += !seen;
        for (const char *c = name; *c; c++)
            hash = (hash ^ (unsigned char)*c) * 1099511628211ULL;
        hash = (hash ^ ',') * 1099511628211ULL;
    }
    const char *last = all + (size_t)(job.count - 1) * MPI_MAX_PROCESSOR_NAME;
    if (nodes == 1)
        snprintf(job.layout, sizeof job.layout, "%d ranks on 1 node (%s)", job.count, all);
    else
        snprintf(job.layout, sizeof job.layout, "%d ranks on %d nodes (%s .. %s, %016llx)",
                 job.count, nodes, all, last, hash);
    free(all);
}

/* Launchers set these in every process they start (Open MPI, PMI, PMIx):
 * without one the process is on its own and never touches MPI, so a plain
 * `offload run` stays as fast and as quiet as a build without MPI. */
static int launched_by_mpi(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                                       "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

enum offload_status ranks_start(int *argc, char ***argv)
{
    if (job.joined || !launched_by_mpi())
        return OFFLOAD_OK;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) {
        offload_error("MPI_Init failed: start offload with mpirun, or without it for one "
                      "process\n");
        return OFFLOAD_ERR_RUN;
    }
    job.joined = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &job.count);
    MPI_Comm_rank(MPI_COMM_WORLD, &job.me);
    /* The node-local rank picks this rank's device (one rank per GPU). */
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, job.me, MPI_INFO_NULL, &job.node);
    MPI_Comm_rank(job.node, &job.local);
    MPI_Comm_size(job.node, &job.on_node);
    describe_layout();
    if (job.count > 1)
        snprintf(job.phrase, sizeof job.phrase, "on %d ranks", job.count);
    offload_message_rank(job.me, job.count);
    return OFFLOAD_OK;
}

void ranks_stop(int status)
{
    (void)status;
    if (job.node != MPI_COMM_NULL)
        MPI_Comm_free(&job.node);
    if (job.joined)
        MPI_Finalize();
    job.joined = 0;
}

int ranks_count(void)
{
    return job.count;
}

int ranks_me(void)
{
    return job.me;
}

int ranks_local(void)
{
    return job.local;
}

int ranks_on_node(void)
{
    return job.on_node;
}

const char *ranks_layout(void)
{
    return job.layout;
}

const char *ranks_phrase(void)
{
    return job.phrase;
}

void ranks_node_sum(double *values, int n)
{
    if (job.joined && job.node != MPI_COMM_NULL)
        MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_DOUBLE, MPI_SUM, job.node);
}

/* Statuses ordered by how much they say: a usage error names the fix. */
static int severity(enum offload_status s)
{
    switch (s) {
    case OFFLOAD_OK:
        return 0;
    case OFFLOAD_UNAVAILABLE:
        return 1;
    case OFFLOAD_ERR_RUN:
        return 2;
    case OFFLOAD_ERR_USAGE:
        return 3;
    }
    return 2;
}

enum offload_status ranks_agree(enum offload_status mine)
{
    if (!job.joined)
        return mine;
    int mine_level = severity(mine), worst = 0;
    MPI_Allreduce(&mine_level, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    static const enum offload_status by_level[] = {OFFLOAD_OK, OFFLOAD_UNAVAILABLE,
                                                   OFFLOAD_ERR_RUN, OFFLOAD_ERR_USAGE};
    return by_level[worst];
}

int ranks_share_int(int value)
{
    if (job.joined)
        MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return value;
}

void ranks_share(size_t n, int r, size_t *first, size_t *count)
{
    size_t parts = (size_t)job.count, part = (size_t)r;
    *first = n / parts * part + (part < n % parts ? part : n % parts);
    *count = n / parts + (part < n % parts);
}

/* Byte counts and offsets of every rank's share of n items of item_bytes,
 * as MPI's v-collectives take them; OFFLOAD_ERR_USAGE past MPI's int counts. */
static enum offload_status share_bytes(size_t n, size_t item_bytes, int *counts, int *displs)
{
    for (int r = 0; r < job.count; r++) {
        size_t first, count;
        ranks_share(n, r, &first, &count);
        if ((first + count) * item_bytes > INT_MAX) {
            offload_error("%zu items of %zu bytes are more than one MPI message takes (2 GiB); "
                          "use a smaller size or more ranks\n",
                          n, item_bytes);
            return OFFLOAD_ERR_USAGE;
        }
        counts[r] = (int)(count * item_bytes);
        displs[r] = (int)(first * item_bytes);
    }
    return OFFLOAD_OK;
}

/* A table each rank read its own rows of (ranks_load_genotype): nothing
 * to distribute, and each rank's share is its rows. */
static int is_part(const struct kernel_input *in)
{
    return kernel_spec_of(in->kernel)->input == INPUT_GENOTYPES && in->matrix->part;
}

/* Byte counts and offsets of every rank's rows of a table read in parts,
 * item_bytes each; OFFLOAD_ERR_USAGE past MPI's int counts. */
static enum offload_status part_bytes(const struct genotype_matrix *m, size_t item_bytes,
                                      int *counts, int *displs)
{
    uint64_t mine = m->rows, *rows = malloc((size_t)job.count * sizeof *rows);
    int have = rows != NULL;
    MPI_Allreduce(MPI_IN_PLACE, &have, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!have) {
        free(rows);
        offload_error("out of memory for %d ranks' shares\n", job.count);
        return OFFLOAD_ERR_RUN;
    }
    MPI_Allgather(&mine, 1, MPI_UINT64_T, rows, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    size_t first = 0;
    enum offload_status st = OFFLOAD_OK;
    for (int r = 0; r < job.count; r++) {
        if ((first + rows[r]) * item_bytes > INT_MAX) {
            if (job.me == 0)
                offload_error("%zu rows of %zu bytes are more than one MPI message takes (2 GiB); "
                              "use --percent or more ranks\n",
                              (size_t)m->all_rows, item_bytes);
            st = OFFLOAD_ERR_USAGE;
            break;
        }
        counts[r] = (int)(rows[r] * item_bytes);
        displs[r] = (int)(first * item_bytes);
        first += rows[r];
    }
    free(rows);
    return st;
}

/* This rank's input: the share of the items (sqrt's values, scores' rows)
 * scattered from rank 0, or for a kernel whose every output reads every
 * input (sumsqrt) all of it, broadcast, with this rank's share of outputs. */
struct local_input {
    struct kernel_input in;
    struct genotype_matrix matrix;
    void *owned;
};

static enum offload_status distribute(const struct kernel_input *in, struct local_input *l,
                                      int *counts, int *displs)
{
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    l->in = *in;
    if (is_part(in)) { /* its own rows, read by this rank: nothing to send */
        l->matrix = *in->matrix;
        l->matrix.part = false; /* to the backend, the rows it has are the table */
        l->in.matrix = &l->matrix;
        return OFFLOAD_OK;
    }
    size_t items = kernel_output_items(in), first, count;
    ranks_share(items, job.me, &first, &count);
    if (spec->reads_every_input) {
        size_t bytes = in->n * sizeof(double);
        if (bytes > INT_MAX) {
            offload_error("%zu inputs are more than one MPI broadcast takes (2 GiB); use a "
                          "smaller size\n",
                          in->n);
            return OFFLOAD_ERR_USAGE;
        }
        l->owned = job.me == 0 ? NULL : workload_alloc(bytes ? bytes : 64);
        /* Every rank knows of a failed allocation before the collective. */
        enum offload_status st = ranks_agree(job.me != 0 && !l->owned ? OFFLOAD_ERR_RUN : OFFLOAD_OK);
        if (st != OFFLOAD_OK)
            return st;
        double *values = job.me == 0 ? (double *)in->in : l->owned;
        MPI_Bcast(values, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
        l->in.in = values;
        l->in.out_first = first;
        l->in.out_count = count;
        return OFFLOAD_OK;
    }
    size_t item_bytes = spec->input == INPUT_VALUES ? sizeof(double) : in->matrix->cols;
    enum offload_status st = share_bytes(items, item_bytes, counts, displs);
    if (st != OFFLOAD_OK)
        return st;
    l->owned = workload_alloc(count > 0 ? count * item_bytes : 64);
    st = ranks_agree(l->owned ? OFFLOAD_OK : OFFLOAD_ERR_RUN);
    if (st != OFFLOAD_OK)
        return st;
    const void *from = spec->input == INPUT_VALUES ? (const void *)in->in : in->matrix->calls;
    MPI_Scatterv(from, counts, displs, MPI_BYTE, l->owned, counts[job.me], MPI_BYTE, 0,
                 MPI_COMM_WORLD);
    if (spec->input == INPUT_VALUES) {
        l->in.n = count;
        l->in.in = l->owned;
    } else {
        l->matrix = *in->matrix;
        l->matrix.rows = count;
        l->matrix.calls = l->owned;
        l->matrix.row_ids = in->matrix->row_ids ? in->matrix->row_ids + first : NULL;
        l->in.matrix = &l->matrix;
    }
    return OFFLOAD_OK;
}

enum offload_status ranks_run(const struct backend_ops *ops, void *state,
                              const struct kernel_input *in, void *out, struct phase_times *t)
{
    if (!job.joined || job.count == 1) /* nothing to move: the run of one process */
        return ops->run[in->kernel](state, in, out, t);
    *t = phase_times_none();
    int *counts = calloc((size_t)job.count * 2, sizeof *counts);
    if (!counts) { /* the others learn it from their first agreement in distribute */
        offload_error("out of memory for %d ranks' shares\n", job.count);
        return ranks_agree(OFFLOAD_ERR_RUN);
    }
    int *displs = counts + job.count;
    struct local_input l;
    memset(&l, 0, sizeof l);
    double t0 = offload_now();
    enum offload_status st = distribute(in, &l, counts, displs); /* agreed inside */
    t->distribute = offload_now() - t0;
    if (st != OFFLOAD_OK) { /* every rank stops here, after the same collectives */
        workload_free(l.owned);
        free(counts);
        return st;
    }

    /* Each rank runs its share; the agreement after it waits for the
     * slowest, so rank 0's kernel phase is the slowest rank's. */
    size_t items = kernel_output_items(in), first, count;
    ranks_share(items, job.me, &first, &count);
    if (is_part(in))
        count = in->matrix->rows;
    size_t item_out = kernel_spec_of(in->kernel)->output_item_bytes;
    void *mine = st == OFFLOAD_OK ? workload_alloc(count > 0 ? count * item_out : 64) : NULL;
    struct phase_times local = phase_times_none();
    double t1 = offload_now();
    if (st == OFFLOAD_OK && count > 0)
        st = mine ? ops->run[in->kernel](state, &l.in, mine, &local) : OFFLOAD_ERR_RUN;
    st = ranks_agree(st);
    double ran = offload_now() - t1;
    t->copy_in = local.copy_in;
    t->copy_out = local.copy_out;
    t->event_copy_in = local.event_copy_in;
    t->event_kernel = local.event_kernel;
    t->event_copy_out = local.event_copy_out;
    t->kernel = ran - (local.copy_in > 0 ? local.copy_in : 0) -
                (local.copy_out > 0 ? local.copy_out : 0);

    if (st == OFFLOAD_OK) {
        double t2 = offload_now();
        st = is_part(in) ? part_bytes(in->matrix, item_out, counts, displs)
                         : share_bytes(items, item_out, counts, displs);
        if (st == OFFLOAD_OK)
            MPI_Gatherv(mine, counts[job.me], MPI_BYTE, out, counts, displs, MPI_BYTE, 0,
                        MPI_COMM_WORLD);
        t->collect = offload_now() - t2;
    }
    workload_free(mine);
    workload_free(l.owned);
    free(counts);
    return st;
}

enum offload_status ranks_run_alone(const struct backend_ops *ops, void *state,
                                    const struct kernel_input *in, void *out,
                                    struct phase_times *t, double *seconds)
{
    double t0 = offload_now();
    enum offload_status st = OFFLOAD_OK;
    if (!job.joined || job.count == 1 || job.me == 0)
        st = ops->run[in->kernel](state, in, out, t);
    *seconds = offload_now() - t0;
    if (!job.joined || job.count == 1)
        return st;
    /* The others wait asleep, not spinning in MPI, so that on a node they
     * share with rank 0 they take none of its cores while it runs alone. */
    MPI_Request done;
    MPI_Ibarrier(MPI_COMM_WORLD, &done);
    if (job.me == 0) {
        MPI_Wait(&done, MPI_STATUS_IGNORE);
    } else {
        int arrived = 0;
        const struct timespec nap = {0, 200 * 1000}; /* 0.2 ms */
        for (MPI_Test(&done, &arrived, MPI_STATUS_IGNORE); !arrived;
             MPI_Test(&done, &arrived, MPI_STATUS_IGNORE))
            nanosleep(&nap, NULL);
    }
    return ranks_agree(st); /* rank 0's status, known to all */
}

/* Rank 0's merge of every rank's check, in rank order: the first
 * mismatches are the table's first. */
static void merge_checks(const struct check_result *all, struct check_result *into)
{
    *into = all[0];
    for (int r = 1; r < job.count; r++) {
        const struct check_result *c = &all[r];
        if (!c->ok && into->ok) {
            memcpy(into->buffer, c->buffer, sizeof into->buffer);
            memcpy(into->against, c->against, sizeof into->against);
        }
        into->ok = into->ok && c->ok;
        into->max_error = c->max_error > into->max_error ? c->max_error : into->max_error;
        into->tolerance = c->tolerance > into->tolerance ? c->tolerance : into->tolerance;
        for (size_t k = 0; k < c->mismatches && k < CHECK_MAX_REPORTED; k++) {
            size_t at = into->mismatches + k;
            if (at < CHECK_MAX_REPORTED) {
                into->first_bad[at] = c->first_bad[k];
                into->got[at] = c->got[k];
                into->want[at] = c->want[k];
            }
        }
        into->mismatches += c->mismatches;
    }
}

struct check_result ranks_check(const struct kernel_input *in, const void *output)
{
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    struct check_result check;
    memset(&check, 0, sizeof check);
    check.ok = 1;
    if (!job.joined || job.count == 1 || !is_part(in)) {
        if (job.me == 0)
            check = spec->check(in, output);
        check.ok = ranks_share_int(check.ok);
        return check;
    }
    /* Rank 0's gathered output goes back in shares: each rank checks the
     * rows it read against the serial reference, and rank 0 merges. */
    const struct genotype_matrix *m = in->matrix;
    int *counts = calloc((size_t)job.count * 2, sizeof *counts);
    void *mine = workload_alloc(m->rows ? m->rows * spec->output_item_bytes : 64);
    struct check_result *all = job.me == 0 ? calloc((size_t)job.count, sizeof *all) : NULL;
    enum offload_status st = ranks_agree(counts && mine && (job.me != 0 || all) ? OFFLOAD_OK
                                                                                : OFFLOAD_ERR_RUN);
    if (st == OFFLOAD_OK)
        st = part_bytes(m, spec->output_item_bytes, counts, counts + job.count);
    if (st == OFFLOAD_OK) {
        MPI_Scatterv(output, counts, counts + job.count, MPI_BYTE, mine, counts[job.me], MPI_BYTE,
                     0, MPI_COMM_WORLD);
        check = spec->check(in, mine);
        for (size_t k = 0; k < check.mismatches && k < CHECK_MAX_REPORTED; k++)
            check.first_bad[k] += m->row0; /* the table's row */
        MPI_Gather(&check, (int)sizeof check, MPI_BYTE, all, (int)sizeof check, MPI_BYTE, 0,
                   MPI_COMM_WORLD);
        if (job.me == 0)
            merge_checks(all, &check);
    } else {
        check.ok = 0;
        snprintf(check.against, sizeof check.against, "nothing: out of memory for the check");
    }
    check.ok = ranks_share_int(check.ok);
    free(all);
    workload_free(mine);
    free(counts);
    return check;
}

/* Message sizes of the link measurement: latency at the small end,
 * bandwidth at the large (OSU's osu_latency and osu_bw). */
static const size_t link_sizes[LINK_POINTS] = {8, 1024, 65536, 1 << 20, 8 << 20, 32 << 20};
#define LINK_WINDOW 8  /* messages in flight per bandwidth round (osu_bw uses 64) */
#define LINK_REPEATS 5 /* rounds per size; the best is kept */

/* One way, from `from` to `to`: LINK_WINDOW messages of bytes in flight,
 * then a one-byte acknowledgement; bytes/s of the best round (rank from). */
static double one_way(int from, int to, char *buf, size_t bytes)
{
    MPI_Request req[LINK_WINDOW];
    double best = 0;
    char ack = 0;
    for (int round = 0; round < LINK_REPEATS; round++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        if (job.me == from) {
            for (int w = 0; w < LINK_WINDOW; w++)
                MPI_Isend(buf + (size_t)w * bytes, (int)bytes, MPI_BYTE, to, 1, MPI_COMM_WORLD,
                          &req[w]);
            MPI_Waitall(LINK_WINDOW, req, MPI_STATUSES_IGNORE);
            MPI_Recv(&ack, 1, MPI_BYTE, to, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            double s = MPI_Wtime() - t0;
            if (s > 0 && LINK_WINDOW * (double)bytes / s > best)
                best = LINK_WINDOW * (double)bytes / s;
        } else if (job.me == to) {
            for (int w = 0; w < LINK_WINDOW; w++)
                MPI_Irecv(buf + (size_t)w * bytes, (int)bytes, MPI_BYTE, from, 1, MPI_COMM_WORLD,
                          &req[w]);
            MPI_Waitall(LINK_WINDOW, req, MPI_STATUSES_IGNORE);
            MPI_Send(&ack, 1, MPI_BYTE, from, 2, MPI_COMM_WORLD);
        }
    }
    return best;
}

/* Half the best ping-pong round trip between rank 0 and `peer`. */
static double ping_pong(int peer, char *buf, size_t bytes)
{
    int iterations = bytes <= 65536 ? 100 : 10;
    double best = -1;
    for (int round = 0; round < LINK_REPEATS; round++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        for (int i = 0; i < iterations; i++) {
            if (job.me == 0) {
                MPI_Send(buf, (int)bytes, MPI_BYTE, peer, 3, MPI_COMM_WORLD);
                MPI_Recv(buf, (int)bytes, MPI_BYTE, peer, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else if (job.me == peer) {
                MPI_Recv(buf, (int)bytes, MPI_BYTE, 0, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                MPI_Send(buf, (int)bytes, MPI_BYTE, 0, 3, MPI_COMM_WORLD);
            }
        }
        double half = (MPI_Wtime() - t0) / iterations / 2;
        if (best < 0 || half < best)
            best = half;
    }
    return best;
}

enum offload_status ranks_measure_link(struct link_point points[LINK_POINTS])
{
    if (!job.joined || job.count < 2)
        return OFFLOAD_UNAVAILABLE;
    int last = job.count - 1;
    size_t largest = link_sizes[LINK_POINTS - 1];
    int involved = job.me == 0 || job.me == last;
    char *buf = involved ? workload_alloc(largest * LINK_WINDOW) : NULL;
    enum offload_status st = ranks_agree(involved && !buf ? OFFLOAD_ERR_RUN : OFFLOAD_OK);
    if (st != OFFLOAD_OK) {
        offload_error("cannot allocate %zu bytes to measure the link\n", largest * LINK_WINDOW);
        workload_free(buf);
        return st;
    }
    if (buf)
        memset(buf, 1, largest * LINK_WINDOW); /* touched: no page faults in the timing */
    for (size_t i = 0; i < LINK_POINTS; i++) {
        points[i].bytes = link_sizes[i];
        points[i].latency_s = ping_pong(last, buf, link_sizes[i]);
        points[i].to_last_bps = one_way(0, last, buf, link_sizes[i]);
        double back = one_way(last, 0, buf, link_sizes[i]);
        /* The sender measured it: rank R-1 tells rank 0. */
        if (job.me == last)
            MPI_Send(&back, 1, MPI_DOUBLE, 0, 4, MPI_COMM_WORLD);
        else if (job.me == 0)
            MPI_Recv(&points[i].from_last_bps, 1, MPI_DOUBLE, last, 4, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
    }
    workload_free(buf);
    return OFFLOAD_OK;
}
