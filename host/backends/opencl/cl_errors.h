#ifndef OFFLOAD_CL_ERRORS_H
#define OFFLOAD_CL_ERRORS_H

#include <stdint.h>

/* Name of an OpenCL error code ("CL_OUT_OF_RESOURCES"), including the ICD
 * loader's -1001 (CL_PLATFORM_NOT_FOUND_KHR); "unknown OpenCL error" else. */
const char *cl_error_name(int32_t code);

#endif
