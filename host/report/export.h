#ifndef OFFLOAD_EXPORT_H
#define OFFLOAD_EXPORT_H

/* Results of a command kept for tables and exports (CSV, JSON). Exports are
 * locale-independent and carry a schema version, the tool version, the
 * command line, devices, drivers, thread counts and OpenMP settings. */

#include <stddef.h>
#include <stdio.h>

#include "analysis.h"
#include "backend.h"
#include "fresh.h"
#include "runner.h"

/* 2: provenance (the "build" object, host cores, memory and OS; in CSV the
 * git_commit, compiler, build, host_cpu and calibrated columns) and each
 * result's calibration time. `offload report` reads 1 and 2. */
#define EXPORT_SCHEMA_VERSION 2
#define EXPORT_SCHEMA_OLDEST 1

struct result_record {
    const char *command; /* "run", "compare", "sweep" */
    enum offload_kernel kernel;
    enum offload_algorithm alg;
    char backend[64]; /* label: serial, openmp, opencl:0.0 */
    struct backend_info info;
    int has_memory; /* OpenCL: memory is meaningful */
    enum offload_memory_mode memory;
    size_t size;            /* N, or marker rows for scores */
    size_t rows, cols;      /* scores only */
    double percent;         /* scores only */
    struct run_result *run; /* owned by the set */
    struct analysis analysis;
    int has_ceilings;
    struct ceilings ceilings;
    struct ceilings_refresh refresh; /* the probes around the run (count 0: none) */
    struct launch_shape launch;      /* a device kernel's launch (dims 0: none) */
};

/* What a sweep concluded for one backend: the scaling exponents and, for a
 * device backend, from which size it beats the threaded host end to end. */
struct sweep_conclusion {
    char backend[64];       /* the label its records carry */
    double exponent_total;  /* time ~ size^k end to end; NaN with fewer than 2 sizes */
    double exponent_kernel; /* the same for the kernel phase */
    /* The same fits with the range the timing spread allows; exponent_*
     * above are NaN unless measurable here and the machine was quiet. */
    struct scaling_fit fit_total, fit_kernel;
    int busy;               /* the machine was busy during some size */
    char versus[64];        /* the backend it was compared with; "" when none */
    double break_even;      /* smallest size from which it wins at every larger size;
                             * 0 = never in this range */
};

#define MAX_CONCLUSIONS 32

struct result_set {
    struct result_record *items;
    size_t count, cap;
    int argc;
    char **argv;
    /* Conclusions over the records (sweep); none for other commands. */
    struct sweep_conclusion conclusions[MAX_CONCLUSIONS];
    size_t nconclusions;
};

/* Appends a copy of rec; the set takes ownership of rec->run. */
enum offload_status result_set_add(struct result_set *set, const struct result_record *rec);
void result_set_free(struct result_set *set);

enum export_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON, FORMAT_MARKDOWN };

enum offload_status export_csv(FILE *f, const struct result_set *set);

/* A CSV text field and its comma: commas and line breaks become ';' and ' '
 * so a plain comma split (gnuplot, awk) reads every row. */
void export_csv_text(FILE *f, const char *s);
enum offload_status export_json(FILE *f, const struct result_set *set);

#endif
