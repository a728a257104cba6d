/* libFuzzer target: the link calibration's cache reader on arbitrary bytes
 * (a cache file may be truncated, edited by hand or written by another
 * version). link_cache_parse_build must not crash, leak or read out of
 * bounds; what it accepts holds 1 to LINK_POINTS points within physical
 * bounds, and link_rate_for picks one of them. The seeds in corpus_link/
 * carry the layout and build below, so they reach the accepting path. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct link_calibration c;
    memset(&c, 0xAB, sizeof c);
    if (link_cache_parse_build(text, "2 ranks on 1 node (fuzz)", "fuzz build", &c) ==
        OFFLOAD_OK) {
        if (c.count < 1 || c.count > LINK_POINTS || !memchr(c.measured, 0, sizeof c.measured))
            __builtin_trap();
        for (size_t i = 0; i < c.count; i++)
            if (c.points[i].bytes < 1 || !(c.points[i].latency_s > 0) ||
                !(c.points[i].to_last_bps > 0) || !(c.points[i].from_last_bps > 0) ||
                !isfinite(c.points[i].to_last_bps) || !isfinite(c.points[i].from_last_bps))
                __builtin_trap();
        size_t at = 0;
        double rate = link_rate_for(&c, 65536, &at);
        if (!(rate > 0) || at < 1)
            __builtin_trap();
    }
    free(text);
    return 0;
}
