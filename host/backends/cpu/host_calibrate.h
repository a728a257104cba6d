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

#endif
