/* The OpenCL devices described for scripts ('offload devices --format
 * csv|json'): public OpenCL calls only, numbered as the backend numbers them
 * (platform index, then device index among CL_DEVICE_TYPE_ALL, from 0). */
#include "backend.h"
#include "cl_errors.h"
#include "message.h"

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include <stdlib.h>
#include <string.h>

#ifndef CL_PLATFORM_NOT_FOUND_KHR
#define CL_PLATFORM_NOT_FOUND_KHR -1001
#endif

static const char *type_name(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_GPU)
        return "GPU";
    if (type & CL_DEVICE_TYPE_ACCELERATOR)
        return "accelerator";
    if (type & CL_DEVICE_TYPE_CPU)
        return "CPU";
    return "other";
}

/* A failed query leaves "" or 0: a listing for scripts should not stop at
 * one odd driver. */
static void describe_one(cl_platform_id platform, cl_device_id dev, struct device_description *d)
{
    cl_device_type type = 0;
    cl_uint units = 0;
    cl_ulong global = 0, max_alloc = 0;
    clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof d->name - 1, d->name, NULL);
    clGetDeviceInfo(dev, CL_DRIVER_VERSION, sizeof d->driver - 1, d->driver, NULL);
    clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof d->platform - 1, d->platform, NULL);
    if (clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof type, &type, NULL) == CL_SUCCESS)
        snprintf(d->type, sizeof d->type, "%s", type_name(type));
    if (clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL) == CL_SUCCESS)
        d->compute_units = units;
    if (clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global, &global, NULL) == CL_SUCCESS)
        d->memory = global;
    if (clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL) ==
        CL_SUCCESS)
        d->max_alloc = max_alloc;
}

/* The devices of one platform, appended to out[*n..cap). */
static void describe_platform(cl_platform_id platform, int index, struct device_description *out,
                              size_t cap, size_t *n)
{
    cl_uint ndev = 0;
    if (clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, NULL, &ndev) != CL_SUCCESS || ndev == 0)
        return;
    cl_device_id *devs = calloc(ndev, sizeof *devs);
    if (!devs || clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ndev, devs, NULL) != CL_SUCCESS) {
        free(devs);
        return;
    }
    for (cl_uint d = 0; d < ndev && *n < cap; d++) {
        struct device_description *e = &out[(*n)++];
        memset(e, 0, sizeof *e);
        e->platform_index = index;
        e->device_index = (int)d;
        snprintf(e->selector, sizeof e->selector, "%d.%u", index, d);
        describe_one(platform, devs[d], e);
    }
    free(devs);
}

enum offload_status opencl_describe_devices(struct device_description *out, size_t cap, size_t *n)
{
    *n = 0;
    cl_uint nplat = 0;
    cl_int err = clGetPlatformIDs(0, NULL, &nplat);
    if (err == CL_PLATFORM_NOT_FOUND_KHR || (err == CL_SUCCESS && nplat == 0)) {
        offload_backend_error("opencl", "no OpenCL platform found (run 'offload devices' "
                                        "for the fix)\n");
        return OFFLOAD_UNAVAILABLE;
    }
    if (err != CL_SUCCESS) {
        offload_backend_error("opencl", "clGetPlatformIDs failed: %s (%d)\n", cl_error_name(err),
                              (int)err);
        return OFFLOAD_ERR_RUN;
    }
    cl_platform_id *plats = calloc(nplat, sizeof *plats);
    if (!plats || clGetPlatformIDs(nplat, plats, NULL) != CL_SUCCESS) {
        free(plats);
        offload_backend_error("opencl", "cannot list the OpenCL platforms\n");
        return OFFLOAD_ERR_RUN;
    }
    for (cl_uint p = 0; p < nplat; p++)
        describe_platform(plats[p], (int)p, out, cap, n);
    free(plats);
    if (*n == 0) {
        offload_backend_error("opencl", "the OpenCL platforms found have no devices\n");
        return OFFLOAD_UNAVAILABLE;
    }
    return OFFLOAD_OK;
}
