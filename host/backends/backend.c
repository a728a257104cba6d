#include "backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostinfo.h"

/* The registry. host/backends/CMakeLists.txt names the backend folders, one
 * line each, in the order reports list them; each folder's CMakeLists.txt
 * registers the backends it builds (none when its option is off), and the
 * build writes their declarations and this list into backend_registry.inc. */
#include "backend_registry.inc"

const struct backend_ops *const offload_backends[] = {OFFLOAD_REGISTERED_BACKENDS};
const size_t offload_backend_count = sizeof offload_backends / sizeof offload_backends[0];

const struct backend_ops *backend_find(const char *name)
{
    for (size_t i = 0; i < offload_backend_count; i++)
        if (strcmp(offload_backends[i]->name, name) == 0)
            return offload_backends[i];
    return NULL;
}

/* Folders left out of this build (their option off): name and how to build them in. */
static const struct {
    const char *name, *how;
} left_out[] = {OFFLOAD_LEFT_OUT_BACKENDS};

const char *backend_left_out(const char *name)
{
    for (size_t i = 0; left_out[i].name; i++)
        if (strcmp(left_out[i].name, name) == 0)
            return left_out[i].how;
    return NULL;
}

const struct backend_ops *backend_default(void)
{
    for (size_t i = 0; i < offload_backend_count; i++)
        if (offload_backends[i]->caps.threads)
            return offload_backends[i];
    for (size_t i = 0; i < offload_backend_count; i++)
        if (offload_backends[i]->caps.reference)
            return offload_backends[i];
    return offload_backends[0];
}

int backend_option_index(const struct backend_ops *ops, const char *name)
{
    for (size_t i = 0; i < ops->option_count; i++)
        if (strcmp(ops->options[i].name, name) == 0)
            return (int)i;
    return -1;
}

void backend_build_facts(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < offload_backend_count && used < len; i++) {
        const struct backend_ops *ops = offload_backends[i];
        if (!ops->build_facts)
            continue;
        char facts[128];
        ops->build_facts(facts, sizeof facts);
        used +=
            (size_t)snprintf(buf + used, len - used, "%s%s %s", used ? "; " : "", ops->name, facts);
    }
}

void backend_provenance(struct provenance *p)
{
    provenance_collect(p);
    backend_build_facts(p->backend_builds, sizeof p->backend_builds);
}

int calibrate_small(void)
{
    const char *v = getenv("OFFLOAD_CALIBRATE_SMALL");
    return v && *v && strcmp(v, "0") != 0;
}

struct phase_times phase_times_none(void)
{
    return (struct phase_times){-1, -1, -1, -1, -1, -1, -1, -1};
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
