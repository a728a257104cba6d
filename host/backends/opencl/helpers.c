/* OpenCL backend: error reporting and the device/platform string helpers
 * every other file of the folder uses. */

#include "opencl_internal.h"
#include "message.h"

#include "cl_errors.h"

#include <stdlib.h>

/* ---- error reporting ---------------------------------------------------- */

/* True when err is CL_SUCCESS; otherwise prints which call failed, with the
 * error's name and where, so a user's report pinpoints the failure. */
bool cl_succeeded(cl_int err, const char *call, const char *func, const char *file, int line)
{
    if (err == CL_SUCCESS)
        return true;
    offload_backend_error("opencl", "%s failed: %s (%d) in %s (%s:%d)\n", call, cl_error_name(err),
                          (int)err, func, file, line);
    return false;
}

/* ---- small helpers ------------------------------------------------------ */

/* A device string of any length; NULL (after reporting) on failure. */
char *device_string_alloc(cl_device_id dev, cl_device_info what, const char *call)
{
    size_t size = 0;
    if (!CL_OK(call, clGetDeviceInfo(dev, what, 0, NULL, &size)))
        return NULL;
    char *s = malloc(size + 1);
    if (!s) {
        offload_backend_error("opencl", "out of host memory reading %s\n", call);
        return NULL;
    }
    if (!CL_OK(call, clGetDeviceInfo(dev, what, size, s, NULL))) {
        free(s);
        return NULL;
    }
    s[size] = '\0';
    return s;
}

/* A device or platform string copied into buf, truncated if longer; "?" and
 * 0 (after reporting) on failure. */
int device_string(cl_device_id dev, cl_device_info what, char *buf, size_t len, const char *call)
{
    char *s = device_string_alloc(dev, what, call);
    snprintf(buf, len, "%s", s ? s : "?");
    free(s);
    return s != NULL;
}

int platform_string(cl_platform_id p, cl_platform_info what, char *buf, size_t len,
                    const char *call)
{
    size_t size = 0;
    char *s = NULL;
    if (CL_OK(call, clGetPlatformInfo(p, what, 0, NULL, &size)) && (s = malloc(size + 1)) &&
        CL_OK(call, clGetPlatformInfo(p, what, size, s, NULL))) {
        s[size] = '\0';
        snprintf(buf, len, "%s", s);
        free(s);
        return 1;
    }
    free(s);
    snprintf(buf, len, "?");
    return 0;
}

size_t round_up(size_t value, size_t multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}
