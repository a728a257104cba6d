/* libFuzzer target: the ceilings cache reader on arbitrary bytes. A cache
 * file is input like any other: it may be truncated, edited by hand or
 * written by another version. Whatever it holds, ceilings_parse must not
 * crash, leak or read out of bounds, and what it accepts must be sane. The
 * key it expects is the one the seeds in corpus_ceilings/ were written with,
 * build "fuzz build" included, so the seeds reach the accepting path in any
 * build. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ceilings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rate_is_sane(double x)
{
    return isfinite(x) && x >= 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct backend_info info = {0};
    strcpy(info.device, "fuzz device, 2 threads");
    strcpy(info.driver, "fuzz driver");
    info.threads = 2;
    struct ceilings c;
    memset(&c, 0xAB, sizeof c);
    if (ceilings_parse_build(text, "openmp", &info, "fuzz build", &c) == OFFLOAD_OK) {
        if (!ceilings_plausible(&c)) /* accepted values lie within physical bounds */
            __builtin_trap();
        if (!rate_is_sane(c.stream_copy) || !rate_is_sane(c.stream_triad) ||
            !rate_is_sane(c.sqrt_f64) || !rate_is_sane(c.sqrt_f32) ||
            !rate_is_sane(c.launch_latency))
            __builtin_trap();
        for (int m = 0; m < 3; m++)
            if (!rate_is_sane(c.transfer[m].to_device) ||
                !rate_is_sane(c.transfer[m].from_device) ||
                (c.transfer[m].zero_copy != 0 && c.transfer[m].zero_copy != 1))
                __builtin_trap();
    }
    free(text);
    return 0;
}
