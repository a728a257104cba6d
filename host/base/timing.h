#ifndef OFFLOAD_TIMING_H
#define OFFLOAD_TIMING_H

/* Seconds on CLOCK_MONOTONIC (never jumps with the wall clock). */
double offload_now(void);

/* Smallest observable step of offload_now(), measured as STREAM's checktick(). */
double offload_clock_tick(void);

#endif
