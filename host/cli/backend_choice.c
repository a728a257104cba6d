/* From the command line to backends: backend specs and lists (--backend,
 * --backends), each backend's configuration with its own options, and the
 * run settings (--repeat, --min-time, --warmup, --algorithm). */
#include <string.h>

#include "commands.h"
#include "options.h"
#include "message.h"
#include "ranks.h"
#include <stdio.h>

/* Which backends a list of names holds. */
enum backend_filter { ALL_BACKENDS, DEVICE_BACKENDS, MEMORY_MODE_BACKENDS };

static int backend_passes(const struct backend_ops *ops, enum backend_filter filter)
{
    switch (filter) {
    case ALL_BACKENDS:
        return 1;
    case DEVICE_BACKENDS:
        return ops->caps.device_selectors;
    case MEMORY_MODE_BACKENDS:
        return ops->caps.memory_modes;
    }
    return 0;
}

/* "serial, openmp or opencl[:SEL]" from the registry, or the backends that
 * pass the filter (without [:SEL]); "" when none does. */
static const char *backend_name_list(char *buf, size_t len, enum backend_filter filter)
{
    const struct backend_ops *names[16];
    size_t n = 0;
    for (size_t i = 0; i < offload_backend_count && n < 16; i++)
        if (backend_passes(offload_backends[i], filter))
            names[n++] = offload_backends[i];
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s%s",
                 i == 0       ? ""
                 : i + 1 == n ? " or "
                              : ", ",
                 names[i]->name,
                 filter == ALL_BACKENDS && names[i]->caps.device_selectors ? "[:SEL]" : "");
    }
    return buf;
}

const struct backend_ops *parse_backend_spec(const char *spec, const char **selector)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    char name[32], names[256];
    *selector = NULL;
    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, spec, len);
    name[len] = '\0';
    const struct backend_ops *ops = backend_find(name);
    const char *left_out = ops ? NULL : backend_left_out(name);
    if (left_out) {
        usage_error("backend '%s': %s", name, left_out);
        return NULL;
    }
    if (!ops) {
        struct suggestion s;
        suggest_init(&s, name, strlen(name));
        for (size_t i = 0; i < offload_backend_count; i++)
            suggest_consider(&s, offload_backends[i]->name);
        char near[64] = "";
        if (s.best)
            snprintf(near, sizeof near, "did you mean '%s'? ", s.best);
        usage_error("unknown backend '%s': %suse %s", spec, near,
                    backend_name_list(names, sizeof names, ALL_BACKENDS));
        return NULL;
    }
    if (colon) {
        if (!ops->caps.device_selectors || colon[1] == '\0') {
            if (!*backend_name_list(names, sizeof names, DEVICE_BACKENDS))
                usage_error("backend '%s': no backend in this build takes a device", spec);
            else
                usage_error("backend '%s': only %s takes a device, as NAME:P.D "
                            "(platform.device) or NAME:PART-OF-ITS-NAME",
                            spec, names);
            return NULL;
        }
        *selector = colon + 1;
    }
    return ops;
}

enum offload_status check_list_items(const char *option, const char *list)
{
    size_t len = strlen(list);
    if (len == 0 || list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,"))
        return usage_error("--%s '%s' has an empty item: list the items separated by single "
                           "commas",
                           option, list);
    return OFFLOAD_OK;
}

const struct backend_ops *backend_option(const struct cli *c, const char **spec,
                                         const char **selector)
{
    /* A kernel file runs where kernel files build (OpenCL C: on an
     * OpenCL device): the first such backend of the registry. */
    const struct backend_ops *file_default = NULL;
    for (size_t i = 0; i < offload_backend_count && !file_default; i++)
        if (offload_backends[i]->file_kernels)
            file_default = offload_backends[i];
    if (c->file_text && !c->value[OPT_BACKEND] && !file_default) {
        usage_error("%s runs on OpenCL devices only and this build has no OpenCL backend: "
                    "build with -DOFFLOAD_OPENCL=ON",
                    c->positional[0]);
        return NULL;
    }
    *spec = c->value[OPT_BACKEND] ? c->value[OPT_BACKEND]
            : c->file_text        ? file_default->name
                                  : backend_default()->name;
    const struct backend_ops *ops = parse_backend_spec(*spec, selector);
    if (ops && c->given[OPT_MEMORY] && !ops->caps.memory_modes) {
        char names[256];
        if (!*backend_name_list(names, sizeof names, MEMORY_MODE_BACKENDS))
            usage_error("--memory applies to no backend in this build");
        else
            usage_error("--memory applies to the %s backend, not %s", names, ops->name);
        return NULL;
    }
    return ops;
}

struct backend_config make_config(const struct cli *c, const struct backend_ops *ops, int threads,
                                  const char *selector, enum offload_memory_mode memory)
{
    struct backend_config cfg = {
        .threads = threads, .device_selector = selector, .memory = memory, .quiet = 0,
        .file = c->file_text ? &c->file_src : NULL};
    backend_options_from_cli(c, ops, cfg.options);
    return cfg;
}

struct run_settings make_settings(const struct cli *c)
{
    struct run_settings set = run_settings_default();
    if (c->repeat > 0)
        set.repeat = c->repeat;
    if (c->min_time >= 0)
        set.min_time = c->min_time;
    if (c->warmup >= 0)
        set.warmup = c->warmup;
    set.progress_label = c->progress_label;
    set.since_start = &c->since_start;
    return set;
}

enum offload_algorithm algorithm_option(const struct cli *c)
{
    const char *a = c->value[OPT_ALGORITHM];
    return a && strcmp(a, "fast") == 0 ? ALG_FAST : ALG_NAIVE;
}

/* The default --backends: every backend built in, and for a backend with
 * devices each of its devices when there are several (one device, or none,
 * keeps the plain name: init then says why none can start). */
void default_backend_list(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < offload_backend_count; i++) {
        const struct backend_ops *ops = offload_backends[i];
        char selectors[16][16];
        size_t ndev = ops->caps.device_selectors && ops->list_selectors
                          ? ops->list_selectors(selectors, 16)
                          : 0;
        for (size_t d = 0; d < (ndev > 1 ? ndev : 1); d++) {
            size_t used = strlen(buf);
            snprintf(buf + used, len - used, "%s%s%s%s", used ? "," : "", ops->name,
                     ndev > 1 ? ":" : "", ndev > 1 ? selectors[d] : "");
        }
    }
}

/* The reference backend, for "vs" columns; NULL when none is built in. */
const struct backend_ops *reference_backend(void)
{
    for (size_t i = 0; i < offload_backend_count; i++)
        if (offload_backends[i]->caps.reference)
            return offload_backends[i];
    return NULL;
}

enum offload_status rank_device(const struct backend_ops *ops, const char **selector)
{
    static char mine[16];
    if (*selector || !ops->caps.device_selectors || !ops->list_selectors || ranks_count() == 1)
        return OFFLOAD_OK;
    char selectors[64][16];
    size_t n = ops->list_selectors(selectors, 64);
    if ((size_t)ranks_local() >= n) {
        offload_backend_error(ops->name,
                              "this node's rank %d has no device of its own (%zu on this "
                              "node): start at most %zu ranks per node, or name one device "
                              "for every rank (--backend %s:0.0)\n",
                              ranks_local(), n, n, ops->name);
        return OFFLOAD_UNAVAILABLE;
    }
    snprintf(mine, sizeof mine, "%s", selectors[ranks_local()]);
    *selector = mine;
    return OFFLOAD_OK;
}
