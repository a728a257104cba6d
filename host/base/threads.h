#ifndef OFFLOAD_THREADS_H
#define OFFLOAD_THREADS_H

/* The one limit on host threads, whatever asks for them: --threads, or
 * OpenMP's own default (OMP_NUM_THREADS, OMP_THREAD_LIMIT, the core count).
 * libgomp crashes creating 100000 threads and fails at 50000; no machine
 * offload runs on has a use for more than this. */
#define OFFLOAD_MAX_THREADS 4096

/* Caps OpenMP's default thread count at OFFLOAD_MAX_THREADS before any
 * parallel region runs, with a warning on stderr naming the variable when
 * it had to. Call once at startup; without OpenMP it does nothing. */
void threads_cap_default(void);

#endif
