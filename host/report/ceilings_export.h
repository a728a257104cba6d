#ifndef OFFLOAD_CEILINGS_EXPORT_H
#define OFFLOAD_CEILINGS_EXPORT_H

/* What `offload calibrate --format csv|json` writes: each backend's
 * ceilings (every rate, when, and whether from the cache). */

#include <stddef.h>
#include <stdio.h>

#include "backend.h"
#include "ceilings.h"
#include "export.h"
#include "fileio.h"

/* One backend's ceilings, kept for the export. */
struct calibrated {
    char label[64]; /* as given in --backends: opencl:0.0 */
    const char *backend;
    struct backend_info info;
    struct ceilings ceil;
    enum ceilings_source source;
};

/* One entry per backend of the list, however long: every one calibrated
 * is exported. */
struct calibration_set {
    struct calibrated *items;
    size_t count, capacity;
};

/* The rates a row carries, in column order. */
#define RATE_FIELDS 12

/* A writer for write_file_atomic; ctx: a struct calibration_set. JSON for
 * FORMAT_JSON, else CSV. */
file_writer_fn calibration_writer(enum export_format format);

#endif
