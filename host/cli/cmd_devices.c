/* offload devices: the backends and their devices, as text for people or as
 * csv or json, one row per device, for scripts. */
#include <limits.h>
#include <string.h>

#include "commands.h"
#include "devices_export.h"
#include "fileio.h"
#include "hostinfo.h"
#include "message.h"

/* A backend without describe_devices: what init says about its one device
 * (the host: its memory is the machine's). */
static enum offload_status describe_from_init(const struct cli *c, const struct backend_ops *ops,
                                              struct device_description *d)
{
    struct backend_config cfg = make_config(c, ops, c->threads[0], NULL, MEM_COPY);
    cfg.quiet = 1;
    struct backend_info info;
    void *state = NULL;
    enum offload_status st = ops->init(&cfg, &state, &info);
    if (st != OFFLOAD_OK)
        return st;
    ops->fini(state);
    memset(d, 0, sizeof *d);
    d->platform_index = d->device_index = -1;
    snprintf(d->name, sizeof d->name, "%s", info.device);
    snprintf(d->platform, sizeof d->platform, "%s", info.platform);
    snprintf(d->driver, sizeof d->driver, "%s", info.driver);
    if (info.threads > 0) {
        /* The host: the CPU model, its threads are the compute units. */
        host_cpu_model(d->name, sizeof d->name);
        snprintf(d->type, sizeof d->type, "CPU");
        d->compute_units = (unsigned)info.threads;
        d->memory = (uint64_t)host_physical_memory();
    }
    return OFFLOAD_OK;
}

/* Every device of every backend; a backend with none is left out (it has
 * said why on stderr). Returns the worst status of a real failure. */
static enum offload_status collect_devices(const struct cli *c, struct device_rows *rows)
{
    enum offload_status worst = OFFLOAD_OK;
    for (size_t i = 0; i < offload_backend_count && rows->count < MAX_DEVICES; i++) {
        const struct backend_ops *ops = offload_backends[i];
        struct device_description found[MAX_DEVICES];
        size_t n = 0;
        enum offload_status st;
        if (ops->describe_devices) {
            st = ops->describe_devices(found, MAX_DEVICES - rows->count, &n);
        } else {
            st = describe_from_init(c, ops, &found[0]);
            n = st == OFFLOAD_OK;
        }
        if (st != OFFLOAD_OK && st != OFFLOAD_UNAVAILABLE)
            worst = st;
        for (size_t k = 0; k < n && rows->count < MAX_DEVICES; k++)
            rows->items[rows->count++] = (struct device_row){ops->name, found[k]};
    }
    return worst;
}

int command_devices(struct cli *c)
{
    if (c->npositional)
        return usage_error("devices takes no arguments, got '%s'", c->positional[0]);
    if (c->format == FORMAT_TABLE) {
        for (size_t i = 0; i < offload_backend_count; i++) {
            const struct backend_ops *ops = offload_backends[i];
            if (!ops->list_devices) { /* optional: a backend without devices to list */
                printf("%-8s %s\n", ops->name, ops->summary);
                continue;
            }
            enum offload_status st = ops->list_devices(stdout);
            if (st != OFFLOAD_OK && st != OFFLOAD_UNAVAILABLE)
                return offload_exit_code(st);
        }
        return 0;
    }
    static struct device_rows rows; /* large: kept off the stack */
    rows.count = 0;
    enum offload_status st = collect_devices(c, &rows);
    const char *out = c->value[OPT_OUTPUT] ? c->value[OPT_OUTPUT] : "-";
    char err[PATH_MAX + 256];
    enum offload_status wst =
        write_file_atomic(out, devices_writer(c->format), &rows, err, sizeof err);
    if (wst != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return offload_exit_code(wst);
    }
    if (!output_is_stdout(out))
        fprintf(c->human, "wrote %zu devices to %s\n", rows.count, out);
    return offload_exit_code(st);
}
