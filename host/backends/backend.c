#include "backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostinfo.h"

/* The registry: one line per backend (each defined in its own file). */
extern const struct backend_ops backend_serial, backend_openmp;
#ifdef OFFLOAD_HAVE_OPENCL
extern const struct backend_ops backend_opencl;
#endif

const struct backend_ops *const offload_backends[] = {
    &backend_serial,
    &backend_openmp,
#ifdef OFFLOAD_HAVE_OPENCL
    &backend_opencl,
#endif
};
const size_t offload_backend_count = sizeof offload_backends / sizeof offload_backends[0];

const struct backend_ops *backend_find(const char *name)
{
    for (size_t i = 0; i < offload_backend_count; i++)
        if (strcmp(offload_backends[i]->name, name) == 0)
            return offload_backends[i];
    return NULL;
}

int calibrate_small(void)
{
    const char *v = getenv("OFFLOAD_CALIBRATE_SMALL");
    return v && *v && strcmp(v, "0") != 0;
}

struct phase_times phase_times_none(void)
{
    return (struct phase_times){-1, -1, -1, -1, -1, -1};
}

const char *memory_mode_name(enum offload_memory_mode m)
{
    switch (m) {
    case MEM_COPY:
        return "copy";
    case MEM_PINNED:
        return "pinned";
    case MEM_ZERO_COPY:
        return "zero-copy";
    }
    return "?";
}

void host_backend_info(struct backend_info *info, int threads)
{
    memset(info, 0, sizeof *info);
    char cpu[160];
    host_cpu_model(cpu, sizeof cpu);
    snprintf(info->device, sizeof info->device, "%s, %d thread%s", cpu[0] ? cpu : "host CPU",
             threads, threads == 1 ? "" : "s");
    info->threads = threads;
    info->unified_memory = 1;
    info->cache_bytes = host_last_level_cache_bytes();
    info->host_threads = threads;
    info->build_cached = -1;
}

size_t launch_work_items(const struct launch_shape *s)
{
    size_t items = s->dims ? 1 : 0;
    for (unsigned d = 0; d < s->dims && d < 2; d++)
        items *= s->global[d];
    return items;
}
