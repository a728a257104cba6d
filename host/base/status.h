#ifndef OFFLOAD_STATUS_H
#define OFFLOAD_STATUS_H

/* Results of every fallible call, and the process exit codes they map to. */
enum offload_status {
    OFFLOAD_OK = 0,
    OFFLOAD_ERR_RUN = 1,    /* a run failed: device error, validation mismatch */
    OFFLOAD_ERR_USAGE = 2,  /* bad command line or bad input file */
    OFFLOAD_UNAVAILABLE = 3 /* backend cannot run here (e.g. no OpenCL platform) */
};

/* Exit code for a status: unavailable is a run failure for the user. */
static inline int offload_exit_code(enum offload_status s)
{
    return s == OFFLOAD_UNAVAILABLE ? 1 : (int)s;
}

#endif
