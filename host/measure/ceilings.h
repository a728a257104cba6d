#ifndef OFFLOAD_CALIBRATE_H
#define OFFLOAD_CALIBRATE_H

/* Measured hardware ceilings ("offload calibrate"): what a backend's device
 * can do at best (memory bandwidth, square roots per second, launch latency,
 * host<->device transfers), cached per backend and device so later runs can
 * compare their kernels with it without re-measuring. */

#include <stddef.h>
#include <stdio.h>

#include "backend.h"
#include "status.h"

/* Where ceilings came from: what ceilings_print says, never guessed from
 * the cache folder afterwards (an old entry may still be there). */
enum ceilings_source {
    CEILINGS_MEASURED_NOT_SAVED, /* measured; the cache could not be written */
    CEILINGS_FROM_CACHE,
    CEILINGS_MEASURED_SAVED
};

/* The ceilings of `ops` on the device described by `info`: from the cache
 * when a valid entry exists and `recalibrate` is 0, else measured with
 * ops->calibrate(state, ...) and written to the cache. *source says which
 * (may be NULL). A cache that cannot be written is warned about once per
 * process; the measured values are still returned. */
enum offload_status ceilings_get(const struct backend_ops *ops, void *state,
                                 const struct backend_info *info, int recalibrate,
                                 struct ceilings *out, enum ceilings_source *source);

/* A readable block for one backend. `label` is the backend's name (as
 * ops->name, which is also the cache key, so the cache path can be shown). */
void ceilings_print(FILE *f, const char *label, const struct backend_info *info,
                    const struct ceilings *c, enum ceilings_source source);

/* 1 when every value is within physical bounds (a bandwidth between 1 MB/s
 * and 100 TB/s, a rate above 0, a launch latency under 1 s; a zero-copy
 * transfer moves nothing, a copy transfer moves bytes): what the cache must
 * hold, else the entry is measured again. */
int ceilings_plausible(const struct ceilings *c);

/* The cache directory: $OFFLOAD_CACHE_DIR, else $XDG_CACHE_HOME/offload, else
 * $HOME/.cache/offload. Returns buf, or NULL when none is set or it does not
 * fit in len. Creates nothing. */
const char *ceilings_cache_dir(char *buf, size_t len);

/* mkdir -p of a cache directory, private to this user. 1 on success. */
int ceilings_make_dir(const char *path);

/* The cache file of (backend, info->device, info->threads, info->driver,
 * build): DIR/BACKEND-HASH.json. Returns buf, or NULL as ceilings_cache_dir.
 * The build is this binary's provenance_build_key(): a portable build never
 * reuses the ceilings a native build measured. */
const char *ceilings_cache_path(const char *backend, const struct backend_info *info, char *buf,
                                size_t len);
/* The same for another build's key (tests, and reading another build's cache). */
const char *ceilings_cache_path_build(const char *backend, const struct backend_info *info,
                                      const char *build, char *buf, size_t len);

/* Reads the cache entry: OFFLOAD_OK when it exists, parses, has this schema
 * and tool version, matches the key exactly and holds sane values, else
 * OFFLOAD_UNAVAILABLE (measure them). */
enum offload_status ceilings_load(const char *backend, const struct backend_info *info,
                                  struct ceilings *out);

/* The same for the text of an entry (a saved file is input too: fuzzed).
 * out->measured gets the entry's "measured" time. */
enum offload_status ceilings_parse(const char *text, const char *backend,
                                   const struct backend_info *info, struct ceilings *out);
/* The same with the build key given instead of this binary's own. */
enum offload_status ceilings_parse_build(const char *text, const char *backend,
                                         const struct backend_info *info, const char *build,
                                         struct ceilings *out);

/* Writes the cache entry atomically (temporary file, then rename), creating
 * the directory. OFFLOAD_OK, or OFFLOAD_ERR_RUN after a message on stderr. */
enum offload_status ceilings_store(const char *backend, const struct backend_info *info,
                                   const struct ceilings *c);

#endif
