#ifndef OFFLOAD_SAVED_H
#define OFFLOAD_SAVED_H

/* Saved runs: JSON exports read back (`offload report`, `compare
 * --baseline`), and the rows of a run just made in the same shape, so the
 * two compare alike. Only what the side-by-side tables need is kept. */

#include <stddef.h>

#include "export.h"
#include "status.h"

struct saved_row {
    char kernel[128], algorithm[16];
    char source_hash[17]; /* a file kernel's (matched with its name); "" built-in */
    size_t size, rows, cols; /* rows and cols: genotype kernels only, else 0 */
    char backend[64];        /* the label as exported: opencl:0.1, openmp/2t */
    char kind[64];           /* the label without its device selector */
    char device[256];
    int on_device;                                   /* ran on a device (it has a platform) */
    char role[16]; /* "host", or the device's "CPU", "GPU", "accelerator", "device" */
    char memory[16];                                 /* "-" where memory modes do not apply */
    double copy_in_s, kernel_s, copy_out_s, total_s; /* best times; copies < 0: none */
    double gbps;
    double gops, ops_per_byte;  /* G op/s reached; the kernel's operations per byte */
    double peak_gbps, peak_gops; /* the ceilings it was judged against; 0 unknown */
    char op_unit[16];           /* "sqrt", "compare" */
    size_t repeats;
    int busy; /* the export marks it timed on a busy machine */
    char verdict[32];
    char reason[1024];
    int check_ok;
};

struct saved_run {
    char name[256]; /* the file, or "this run" */
    int schema;
    char command[16], created[32];
    char cpu[256], os[256];
    int cores; /* 0 when the export does not say (schema 1) */
    double memory_bytes;
    char build[128], compiler[128], git_commit[48];
    char calibrated[32]; /* latest calibration time of its rows, "" unknown */
    struct saved_row *rows;
    size_t count;
};

/* Reads a JSON export. On bad input (missing, not JSON, a CSV export, an
 * unknown schema version) prints "offload: FILE: problem: fix" and returns
 * OFFLOAD_ERR_USAGE. */
enum offload_status saved_run_load(const char *path, struct saved_run *out);

/* The same for the text of an export; name is used in messages. */
enum offload_status saved_run_parse(const char *text, const char *name, struct saved_run *out);

/* The rows of results just measured, with this machine's provenance. */
enum offload_status saved_run_from_results(const struct result_set *set, const char *name,
                                           struct saved_run *out);

void saved_run_free(struct saved_run *run);

/* "N = 10000" or "1286 markers x 260 varieties". */
const char *saved_row_size(const struct saved_row *r, char *buf, size_t len);

#endif
