#ifndef OFFLOAD_DEVICES_EXPORT_H
#define OFFLOAD_DEVICES_EXPORT_H

/* What `offload devices --format csv|json` writes: one row per device. */

#include <stddef.h>

#include "backend.h"
#include "export.h"
#include "fileio.h"

#define MAX_DEVICES 64

struct device_row {
    const char *backend;
    struct device_description d;
};

struct device_rows {
    struct device_row items[MAX_DEVICES];
    size_t count;
};

/* ctx: a struct device_rows. JSON for FORMAT_JSON, else CSV. */
file_writer_fn devices_writer(enum export_format format);

#endif
