/* OpenCL backend: device enumeration, `offload devices`, device selection
 * by P.D index or name substring, and the selectors compare and sweep use. */

#include "opencl_internal.h"
#include "message.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef CL_PLATFORM_NOT_FOUND_KHR
#define CL_PLATFORM_NOT_FOUND_KHR -1001
#endif

/* ---- small helpers ------------------------------------------------------ */

/* Whether the space-separated list holds exactly this token. */
static int has_token(const char *list, const char *token)
{
    size_t len = strlen(token);
    for (const char *p = list; (p = strstr(p, token)) != NULL; p += len) {
        int starts = p == list || isspace((unsigned char)p[-1]);
        int ends = p[len] == '\0' || isspace((unsigned char)p[len]);
        if (starts && ends)
            return 1;
    }
    return 0;
}

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static int contains_ignoring_case(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *h = haystack; *h; h++) {
        size_t i = 0;
        while (i < n && h[i] && tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static const char *device_type_name(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_GPU)
        return "GPU";
    if (type & CL_DEVICE_TYPE_ACCELERATOR)
        return "ACCELERATOR";
    if (type & CL_DEVICE_TYPE_CPU)
        return "CPU";
    return "OTHER";
}

static double gib(cl_ulong bytes)
{
    return (double)bytes / (1024.0 * 1024.0 * 1024.0);
}

static void print_no_platform(FILE *f)
{
    fprintf(f, "opencl: no OpenCL platform found (the ICD loader knows no driver).\n"
               "  Fix: install a driver, e.g. `apt-get install pocl-opencl-icd` for the CPU,\n"
               "  or your GPU vendor's OpenCL ICD.\n");
}

/* ---- device enumeration ------------------------------------------------- */

/* Every device of every platform, numbered "P.D" from 0. OFFLOAD_UNAVAILABLE
 * when there is no platform (message to f unless f is NULL). A platform whose
 * device query fails is reported and skipped, as clinfo does. */
enum offload_status enumerate_devices(struct device_list *list, FILE *no_platform_out)
{
    list->items = NULL;
    list->count = 0;

    cl_uint nplatforms = 0;
    cl_int err = clGetPlatformIDs(0, NULL, &nplatforms);
    if (err == CL_PLATFORM_NOT_FOUND_KHR || (err == CL_SUCCESS && nplatforms == 0)) {
        if (no_platform_out)
            print_no_platform(no_platform_out);
        return OFFLOAD_UNAVAILABLE;
    }
    if (!CL_OK("clGetPlatformIDs", err))
        return OFFLOAD_ERR_RUN;

    cl_platform_id *platforms = calloc(nplatforms, sizeof *platforms);
    if (!platforms) {
        offload_backend_error("opencl", "out of host memory listing platforms\n");
        return OFFLOAD_ERR_RUN;
    }
    if (!CL_OK("clGetPlatformIDs", clGetPlatformIDs(nplatforms, platforms, NULL))) {
        free(platforms);
        return OFFLOAD_ERR_RUN;
    }

    for (cl_uint p = 0; p < nplatforms; p++) {
        cl_uint ndevices = 0;
        err = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &ndevices);
        if (err == CL_DEVICE_NOT_FOUND || (err == CL_SUCCESS && ndevices == 0))
            continue;
        if (!CL_OK("clGetDeviceIDs", err))
            continue;
        cl_device_id *devices = calloc(ndevices, sizeof *devices);
        struct device_entry *grown =
            realloc(list->items, (list->count + ndevices) * sizeof *list->items);
        if (!devices || !grown) {
            free(devices);
            if (grown)
                list->items = grown;
            offload_backend_error("opencl", "out of host memory listing devices\n");
            free(platforms);
            free(list->items);
            list->items = NULL;
            list->count = 0;
            return OFFLOAD_ERR_RUN;
        }
        list->items = grown;
        if (!CL_OK("clGetDeviceIDs",
                   clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, ndevices, devices, NULL))) {
            free(devices);
            continue;
        }
        for (cl_uint d = 0; d < ndevices; d++) {
            struct device_entry *e = &list->items[list->count++];
            e->platform = platforms[p];
            e->device = devices[d];
            e->platform_index = p;
            e->device_index = d;
            device_string(devices[d], CL_DEVICE_NAME, e->name, sizeof e->name,
                          "clGetDeviceInfo(CL_DEVICE_NAME)");
        }
        free(devices);
    }
    free(platforms);
    return OFFLOAD_OK;
}

/* A device's FP64 support: the extension, or (1.2+) a non-zero FP config. */
int device_has_fp64(cl_device_id dev)
{
    char *ext =
        device_string_alloc(dev, CL_DEVICE_EXTENSIONS, "clGetDeviceInfo(CL_DEVICE_EXTENSIONS)");
    int yes = ext && has_token(ext, "cl_khr_fp64");
    free(ext);
    if (!yes) {
        cl_device_fp_config fp = 0;
        if (clGetDeviceInfo(dev, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp, &fp, NULL) == CL_SUCCESS)
            yes = fp != 0;
    }
    return yes;
}

/* ---- list_devices ------------------------------------------------------- */

static void print_device(FILE *out, const struct device_entry *e)
{
    cl_device_id dev = e->device;
    cl_device_type type = 0;
    cl_uint units = 0;
    cl_ulong global = 0, max_alloc = 0;
    cl_bool unified = CL_FALSE;
    char platform_name[256], platform_version[256], driver[128];

    /* Each query is checked; a failure is reported and shown as 0/"?". */
    CL_OK("clGetDeviceInfo(CL_DEVICE_TYPE)",
          clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof type, &type, NULL));
    CL_OK("clGetDeviceInfo(CL_DEVICE_MAX_COMPUTE_UNITS)",
          clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL));
    CL_OK("clGetDeviceInfo(CL_DEVICE_GLOBAL_MEM_SIZE)",
          clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global, &global, NULL));
    CL_OK("clGetDeviceInfo(CL_DEVICE_MAX_MEM_ALLOC_SIZE)",
          clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL));
    CL_OK("clGetDeviceInfo(CL_DEVICE_HOST_UNIFIED_MEMORY)",
          clGetDeviceInfo(dev, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified, NULL));
    device_string(dev, CL_DRIVER_VERSION, driver, sizeof driver,
                  "clGetDeviceInfo(CL_DRIVER_VERSION)");
    platform_string(e->platform, CL_PLATFORM_NAME, platform_name, sizeof platform_name,
                    "clGetPlatformInfo(CL_PLATFORM_NAME)");
    platform_string(e->platform, CL_PLATFORM_VERSION, platform_version, sizeof platform_version,
                    "clGetPlatformInfo(CL_PLATFORM_VERSION)");

    fprintf(out, "  %u.%u  %s\n", e->platform_index, e->device_index, e->name);
    fprintf(out,
            "       %s, %u compute units, %.2f GiB global memory, %.2f GiB max allocation,\n"
            "       FP64 %s, unified host memory %s\n",
            device_type_name(type), units, gib(global), gib(max_alloc),
            device_has_fp64(dev) ? "yes" : "no", unified ? "yes" : "no");
    fprintf(out, "       platform %s (%s), driver %s\n", platform_name, platform_version, driver);
}

enum offload_status opencl_list_devices(FILE *out)
{
    struct device_list list;
    enum offload_status st = enumerate_devices(&list, out);
    if (st != OFFLOAD_OK)
        return st;
    if (list.count == 0) {
        fprintf(out, "opencl: the OpenCL platforms found have no devices.\n"
                     "  Fix: install a driver, e.g. `apt-get install pocl-opencl-icd` for the "
                     "CPU,\n  or your GPU vendor's OpenCL ICD.\n");
        free(list.items);
        return OFFLOAD_UNAVAILABLE;
    }
    fprintf(out, "OpenCL devices (select by platform.device index or name substring):\n");
    for (size_t i = 0; i < list.count; i++)
        print_device(out, &list.items[i]);
    free(list.items);
    return OFFLOAD_OK;
}

/* ---- device selection --------------------------------------------------- */

/* "P.D" with two decimal numbers? */
static int parse_index_selector(const char *s, unsigned long *p, unsigned long *d)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return 0;
    errno = 0;
    *p = strtoul(s, &end, 10);
    if (errno || *end != '.' || !isdigit((unsigned char)end[1]))
        return 0;
    *d = strtoul(end + 1, &end, 10);
    return errno == 0 && *end == '\0';
}

static void print_device_names(const struct device_list *list, int only_matches, const char *needle)
{
    for (size_t i = 0; i < list->count; i++) {
        const struct device_entry *e = &list->items[i];
        if (!only_matches || contains_ignoring_case(e->name, needle))
            fprintf(stderr, "  %u.%u  %s\n", e->platform_index, e->device_index, e->name);
    }
}

/* Picks the device named by selector (see backend_config); messages on
 * failure. */
enum offload_status select_device(const struct device_list *list, const char *selector,
                                  const struct device_entry **chosen)
{
    if (!selector || !*selector) {
        *chosen = &list->items[0];
        return OFFLOAD_OK;
    }
    unsigned long p, d;
    if (parse_index_selector(selector, &p, &d)) {
        for (size_t i = 0; i < list->count; i++)
            if (list->items[i].platform_index == p && list->items[i].device_index == d) {
                *chosen = &list->items[i];
                return OFFLOAD_OK;
            }
        offload_backend_error("opencl", "there is no device %s; the devices are:\n", selector);
        print_device_names(list, 0, NULL);
        /* A device that is not on this machine (opencl:nvidia on a laptop)
         * cannot run here: compare and sweep run the others (exit 3). */
        return OFFLOAD_UNAVAILABLE;
    }
    size_t matches = 0;
    for (size_t i = 0; i < list->count; i++)
        if (contains_ignoring_case(list->items[i].name, selector)) {
            if (matches++ == 0)
                *chosen = &list->items[i];
        }
    if (matches == 1)
        return OFFLOAD_OK;
    if (matches == 0) {
        offload_backend_error("opencl",
                              "no device name contains \"%s\"; pick one by P.D index or by a "
                              "name substring:\n",
                              selector);
        print_device_names(list, 0, NULL);
        return OFFLOAD_UNAVAILABLE;
    } else {
        offload_backend_error("opencl",
                              "%zu devices match \"%s\"; pick one by its P.D index or a longer "
                              "substring:\n",
                              matches, selector);
        print_device_names(list, 1, selector);
    }
    return OFFLOAD_ERR_USAGE;
}

/* ---- device selectors for compare and sweep ----------------------------- */

size_t opencl_list_selectors(char (*selectors)[16], size_t cap)
{
    struct device_list list;
    if (enumerate_devices(&list, NULL) != OFFLOAD_OK)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < list.count && n < cap; i++, n++)
        snprintf(selectors[n], sizeof selectors[n], "%u.%u", list.items[i].platform_index,
                 list.items[i].device_index);
    free(list.items);
    return n;
}
