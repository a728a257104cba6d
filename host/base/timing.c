#include "timing.h"

#include <time.h>

double offload_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double offload_clock_tick(void)
{
    double best = 1.0;
    for (int i = 0; i < 20; i++) {
        double t0 = offload_now(), t1;
        while ((t1 = offload_now()) == t0) {
        }
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    return best;
}
