#ifndef OFFLOAD_HOST_CALIBRATE_H
#define OFFLOAD_HOST_CALIBRATE_H

/* Host ceilings, measured for the serial and OpenMP backends. */

#include "backend.h"
#include "status.h"

/* Ceilings of the host CPU on `threads` OpenMP threads (>= 1): STREAM copy and
 * triad bandwidth on arrays far beyond the last-level cache, float64 and
 * float32 sqrt throughput on cache-resident data. Launch latency is 0 and
 * every memory mode is zero-copy (host memory needs no transfer). Best of
 * several short repeats; about a second. */
enum offload_status host_calibrate(int threads, struct ceilings *out);

/* Probe arrays kept between probes of one backend state (NULL until the
 * first memory probe); host_probe_free(NULL) does nothing. */
struct host_probe;
void host_probe_free(struct host_probe *p);

/* The ceilings that bound kernel `in` on `threads` threads, measured in
 * about budget_s seconds (split between its measurements, one timed pass
 * of each at least) so they can be taken right before and after a run:
 * its access pattern's bandwidth (unless its bytes fit cache_bytes) and its
 * operation's rate, with the same loops as host_calibrate (the kernel's own
 * among them). The other rates are left 0. *probe holds the arrays, made
 * (and touched) on first use: that time is added to *setup_s, not to the
 * budget. */
enum offload_status host_probe(struct host_probe **probe, int threads,
                               const struct kernel_input *in, double cache_bytes, double budget_s,
                               struct ceilings *out, double *setup_s);

#endif
