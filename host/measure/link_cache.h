#ifndef OFFLOAD_LINK_CACHE_H
#define OFFLOAD_LINK_CACHE_H

/* The link between MPI ranks as offload calibrate measured it under
 * mpirun, cached like the ceilings (the same cache directory) and keyed by
 * the job's layout (ranks and nodes, ranks_layout()) and this binary's
 * build: a run across the same ranks reads it for its verdict. */

#include <stddef.h>

#include "ranks.h"
#include "status.h"

struct link_calibration {
    struct link_point points[LINK_POINTS];
    size_t count;
    char measured[32]; /* UTC, ISO 8601 */
};

/* DIR/link-HASH.json for a layout; NULL when there is no cache directory. */
const char *link_cache_path(const char *layout, char *buf, size_t len);

/* Writes the entry atomically; OFFLOAD_ERR_RUN after a message. */
enum offload_status link_cache_store(const char *layout, const struct link_point *points,
                                     size_t count);

/* OFFLOAD_OK when an entry for this layout and build exists and holds
 * plausible figures (rates between 1 kB/s and 100 TB/s, latencies above 0
 * and under a second), else OFFLOAD_UNAVAILABLE. */
enum offload_status link_cache_load(const char *layout, struct link_calibration *out);
/* The same for an entry's text (a saved file is input too: fuzzed). */
enum offload_status link_cache_parse(const char *text, const char *layout,
                                     struct link_calibration *out);
/* The same with the build key given instead of this binary's own. */
enum offload_status link_cache_parse_build(const char *text, const char *layout,
                                           const char *build, struct link_calibration *out);

/* The calibrated rate for messages of `bytes`, bytes/s: the point of the
 * largest size not above it (the smallest point when all are above), the
 * better of its two directions; *at gets that point's size. 0 when none. */
double link_rate_for(const struct link_calibration *c, double bytes, size_t *at);

#endif
