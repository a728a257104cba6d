/* The stub backend: a device backend in shape (a device selector, its own
 * option, build facts) that runs every kernel on the serial backend's code.
 * tests/house/stub_backend.sh copies this folder into host/backends/stub/,
 * adds one line to the registry and builds, proving that a backend needs
 * nothing outside its folder. */
#include <string.h>

#include "backend.h"

extern const struct backend_ops backend_serial;

static enum offload_status stub_list_devices(FILE *out)
{
    fprintf(out, "stub     the serial code behind a device backend's interface\n");
    return OFFLOAD_OK;
}

static enum offload_status stub_init(const struct backend_config *cfg, void **state,
                                     struct backend_info *info)
{
    enum offload_status st = backend_serial.init(cfg, state, info);
    if (st == OFFLOAD_OK)
        snprintf(info->device, sizeof info->device, "stub device (%s)",
                 cfg->options[0] ? cfg->options[0] : "plain");
    return st;
}

/* Every kernel: the input says which, the serial code runs it. */
static enum offload_status stub_run(void *state, const struct kernel_input *in, void *out,
                                    struct phase_times *t)
{
    return backend_serial.run[in->kernel](state, in, out, t);
}

static enum offload_status stub_calibrate(void *state, struct ceilings *out)
{
    return backend_serial.calibrate(state, out);
}

static void stub_fini(void *state)
{
    backend_serial.fini(state);
}

static void stub_build_facts(char *buf, size_t len)
{
    snprintf(buf, len, "serial code behind the interface");
}

static const struct backend_option stub_options[] = {
    {"stub-flavour", "F", "plain fancy", 0, "stub: the device name's flavour (plain or fancy)"},
};

const struct backend_ops backend_stub = {
    .name = "stub",
    .summary = "the serial code behind a device backend's interface (a test of the layout)",
    .caps = {0},
    .list_devices = stub_list_devices,
    .init = stub_init,
    /* A range designator (GNU C, as gcc and clang take it): every kernel of
     * the table, so a new kernel needs no line here. */
    .run = {[0 ... KERNEL_COUNT - 1] = stub_run},
    .calibrate = stub_calibrate,
    .fini = stub_fini,
    .options = stub_options,
    .option_count = sizeof stub_options / sizeof stub_options[0],
    .build_facts = stub_build_facts,
};
