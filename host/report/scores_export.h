#ifndef OFFLOAD_SCORES_EXPORT_H
#define OFFLOAD_SCORES_EXPORT_H

/* What `offload scores` writes for scripts: the per-marker id,score table
 * and, for several percentages, the steps with the kernel's scaling and the
 * Amdahl answer, each as CSV, JSON or Markdown (and the table as aligned
 * columns). Writers for write_file_atomic. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "busy.h"
#include "export.h"
#include "fileio.h"
#include "genotype.h"
#include "stats.h"

/* The per-marker table of one run. */
struct scores_table {
    const struct genotype_matrix *m;
    const int64_t *scores;
    const char *path; /* the genotype table */
    double percent;
};

/* The per-marker table through its writer, timed: what the script would
 * spend writing it, without the fsync and rename write_file_atomic adds. */
struct timed_table {
    const struct scores_table *table;
    file_writer_fn writer;
    double written_s; /* set by timed_table_writer */
};
/* ctx: a struct timed_table. */
enum offload_status timed_table_writer(FILE *f, void *ctx);

/* Timings of one percentage. */
struct scores_step {
    double percent;
    size_t rows, cols, lines_kept, data_lines, skipped;
    double parse_s, score_s, kernel_min_s, output_s;
    double kernel_median_s;   /* of the timed repeats: with the minimum, the spread */
    double durability_s;      /* fsync and rename of --output, left out of output_s */
    size_t repeats;
    struct machine_load load; /* other processes while timing */
    int64_t best_score;
    char best_id[256];
};

/* What several percentages conclude: each step, the kernel's scaling and
 * the split of the script's run (the last percentage) with Amdahl's bound. */
struct steps_output {
    const char *path;
    const struct scores_step *steps;
    size_t n;
    struct scaling_fit fit;            /* kernel time ~ markers^k; NaN with one step */
    int busy;                          /* the machine was busy during some step */
    double script_s, start_s, setup_s; /* the script's run and its parts */
};

/* The exponent when it is measurable here, else NaN: an export never states
 * a busy machine's or a spread fit's number as a fact. */
double steps_exponent_fact(const struct steps_output *o);

/* The share of the script's run that scoring took (the last step). */
double scoring_share(const struct steps_output *o);
/* If scoring took no time at all, the run would be at most this much faster. */
double amdahl_bound(const struct steps_output *o);

/* ctx: a struct scores_table. */
file_writer_fn scores_table_writer(enum export_format format);
/* ctx: a struct steps_output; table gives CSV (the text report is the table). */
file_writer_fn scores_steps_writer(enum export_format format);

#endif
