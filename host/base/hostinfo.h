#ifndef OFFLOAD_HOSTINFO_H
#define OFFLOAD_HOSTINFO_H

/* Probes of the host machine: CPU model, caches, memory. */

#include <stddef.h>

/* The host CPU's model name from /proc/cpuinfo, "" where there is none.
 * Host backends put it in their device name, which also keys the ceilings
 * cache, so two machines sharing a home directory keep separate entries. */
void host_cpu_model(char *buf, size_t len);

/* Size of the largest cache in bytes, 0 when unknown. */
double host_last_level_cache_bytes(void);

/* Physical memory in bytes, 0 when unknown. */
double host_physical_memory(void);

#endif
