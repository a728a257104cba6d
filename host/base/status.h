#ifndef OFFLOAD_STATUS_H
#define OFFLOAD_STATUS_H

/* The process's exit statuses, one meaning each (README, "Exit status"). */
enum offload_exit {
    OFFLOAD_EXIT_OK = 0,
    OFFLOAD_EXIT_FAILED = 1, /* a run failed (device error, a result that does not match
                              * the reference), or no backend could run */
    OFFLOAD_EXIT_USAGE = 2,  /* bad command line or bad input */
    OFFLOAD_EXIT_PARTIAL = 3 /* some backends could not start here; the others ran and are
                              * reported (compare, sweep, calibrate). 1 and 2 win over it */
};

/* Results of every fallible call. OK, ERR_RUN and ERR_USAGE share their
 * numbers with the exit statuses they end in; UNAVAILABLE is no exit status
 * (offload_exit_code maps it), so 3 keeps one meaning. */
enum offload_status {
    OFFLOAD_OK = 0,
    OFFLOAD_ERR_RUN = 1,    /* a run failed: device error, validation mismatch */
    OFFLOAD_ERR_USAGE = 2,  /* bad command line or bad input file */
    OFFLOAD_UNAVAILABLE = 4 /* backend cannot run here (e.g. no OpenCL platform) */
};

/* Exit status for one call's status: a backend that cannot run is a failed
 * run for the user (a command that ran others ends in OFFLOAD_EXIT_PARTIAL). */
static inline int offload_exit_code(enum offload_status s)
{
    switch (s) {
    case OFFLOAD_OK:
        return OFFLOAD_EXIT_OK;
    case OFFLOAD_ERR_RUN:
    case OFFLOAD_UNAVAILABLE:
        return OFFLOAD_EXIT_FAILED;
    case OFFLOAD_ERR_USAGE:
        return OFFLOAD_EXIT_USAGE;
    }
    return OFFLOAD_EXIT_FAILED;
}

#endif
