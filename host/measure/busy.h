#ifndef OFFLOAD_BUSY_H
#define OFFLOAD_BUSY_H

/* Was the machine busy while we timed? Other processes' CPU time during a
 * run (the machine's busy time from /proc/stat less this process's own, from
 * getrusage) and the load average before and after. A busy machine makes
 * times slower and spread, and scaling exponents meaningless. */

#include <stddef.h>

/* Other processes used at least this share of all cores: busy. */
#define BUSY_OTHERS_SHARE 0.25
/* Shorter windows than this say nothing at 100 Hz accounting. */
#define BUSY_MIN_WINDOW_S 0.05

struct machine_load {
    int known;            /* 0: not measured (no /proc/stat, or too short a window) */
    double load_before;   /* 1-minute load average, -1 unknown */
    double load_after;
    double others_share;  /* other processes' CPU time / (wall * cores), 0..1 */
    int cores;            /* online CPUs */
    int busy;             /* others_share >= BUSY_OTHERS_SHARE */
    int whole_command;    /* measured over the command so far: the run alone was too short */
};

/* A window being measured. */
struct load_probe {
    double wall;              /* monotonic seconds at the start */
    double machine_busy_s;    /* all CPUs' non-idle seconds at the start */
    double self_cpu_s;        /* this process's user + system seconds at the start */
    double load;              /* load average at the start */
    int ok;
};

void load_probe_start(struct load_probe *p);
/* This process's CPU seconds since p started (0 when unknown). */
double load_probe_self_seconds(const struct load_probe *p);
/* The window from start until now; out->known 0 when it cannot be told.
 * peers_cpu_s: CPU seconds that the job's other processes on this machine
 * (the other MPI ranks) spent in the window, which are not other load. */
void load_probe_finish(const struct load_probe *p, double peers_cpu_s, struct machine_load *out);

/* Non-idle seconds of all CPUs from the first ("cpu ") line of /proc/stat
 * text at ticks per second; -1 when the line is not there. */
double busy_seconds_from_proc_stat(const char *text, double ticks_per_s);

/* When m is not known (its window was too short for 100 Hz accounting),
 * measures it over the wider window since started instead (the command so
 * far), so that a run of a few milliseconds on a busy machine is not taken
 * for a run on a quiet one. */
void machine_load_widen(struct machine_load *m, const struct load_probe *since,
                        double peers_cpu_s);

/* Merges b into a (several runs of one command): busy if either was. */
void machine_load_merge(struct machine_load *a, const struct machine_load *b);

/* "other processes used 85% of the 2 cores (load 1.9 before, 3.8 after)". */
const char *describe_machine_load(const struct machine_load *m, char *buf, size_t cap);

#endif
