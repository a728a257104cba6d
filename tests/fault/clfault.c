/* offload_clfault: an LD_PRELOAD shim that makes one chosen OpenCL call (or
 * a host aligned_alloc, write, pread, fsync, rename or pthread_create) fail, so the
 * tests can check how offload reports and cleans up after errors a real
 * driver, disk or system gives only under pressure.
 *
 *   OFFLOAD_FAULT=CALL:WHICH[:ARG]
 *     CALL   one of the wrapped calls below, e.g. clCreateBuffer
 *     WHICH  N (fail only the N-th call, counting from 1) or * (every call)
 *     ARG    for an OpenCL call, the error to return: a CL_... name or a
 *            number (default: the call's usual resource error, see calls[]);
 *            for aligned_alloc, the smallest size in bytes that is counted
 *            and failed (default 1), so small allocations of libraries stay
 *            out of the count; for write, pread, fsync, rename and
 *            pthread_create, the errno: ENOSPC, EIO, EXDEV, EFBIG, EAGAIN,
 *            EPERM or a number (defaults ENOSPC, EIO, EIO, EXDEV, EAGAIN). Only writes to
 *            regular files are counted (not the terminal or a pipe).
 *   OFFLOAD_FAULT_TRACE=1   prints every counted call to stderr
 *
 * A failed call does not reach the driver, so it creates nothing. The shim
 * also counts OpenCL objects created and released through it and, at exit,
 * prints "offload_clfault: not released: ..." when any is left: PoCL's own
 * allocations are outside the LeakSanitizer's view (tests/lsan.supp), so
 * this is how a test sees a cl_mem or context leaked on an error path.
 *
 * Under ASan the shim must come before libasan (for aligned_alloc), with
 * ASAN_OPTIONS=verify_asan_link_order=0; it is built without sanitizers. */
#define _GNU_SOURCE
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include <dlfcn.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum call_id {
    C_CREATE_CONTEXT,
    C_CREATE_COMMAND_QUEUE,
    C_CREATE_PROGRAM_WITH_SOURCE,
    C_BUILD_PROGRAM,
    C_CREATE_KERNEL,
    C_CREATE_BUFFER,
    C_ENQUEUE_WRITE_BUFFER,
    C_ENQUEUE_READ_BUFFER,
    C_ENQUEUE_MAP_BUFFER,
    C_ENQUEUE_NDRANGE_KERNEL,
    C_FINISH,
    C_ALIGNED_ALLOC,
    C_WRITE,
    C_PREAD,
    C_FSYNC,
    C_RENAME,
    C_PTHREAD_CREATE,
    C_COUNT
};

static const struct {
    const char *name;
    cl_int error;
} calls[C_COUNT] = {
    [C_CREATE_CONTEXT] = {"clCreateContext", CL_OUT_OF_HOST_MEMORY},
    [C_CREATE_COMMAND_QUEUE] = {"clCreateCommandQueue", CL_OUT_OF_RESOURCES},
    [C_CREATE_PROGRAM_WITH_SOURCE] = {"clCreateProgramWithSource", CL_OUT_OF_HOST_MEMORY},
    [C_BUILD_PROGRAM] = {"clBuildProgram", CL_OUT_OF_HOST_MEMORY},
    [C_CREATE_KERNEL] = {"clCreateKernel", CL_OUT_OF_RESOURCES},
    [C_CREATE_BUFFER] = {"clCreateBuffer", CL_MEM_OBJECT_ALLOCATION_FAILURE},
    [C_ENQUEUE_WRITE_BUFFER] = {"clEnqueueWriteBuffer", CL_OUT_OF_RESOURCES},
    [C_ENQUEUE_READ_BUFFER] = {"clEnqueueReadBuffer", CL_OUT_OF_RESOURCES},
    [C_ENQUEUE_MAP_BUFFER] = {"clEnqueueMapBuffer", CL_MAP_FAILURE},
    [C_ENQUEUE_NDRANGE_KERNEL] = {"clEnqueueNDRangeKernel", CL_OUT_OF_RESOURCES},
    [C_FINISH] = {"clFinish", CL_OUT_OF_RESOURCES},
    [C_ALIGNED_ALLOC] = {"aligned_alloc", 0},
    [C_WRITE] = {"write", ENOSPC},
    [C_PREAD] = {"pread", EIO},
    [C_FSYNC] = {"fsync", EIO},
    [C_RENAME] = {"rename", EXDEV},
    [C_PTHREAD_CREATE] = {"pthread_create", EAGAIN},
};

/* The system calls' errors a test may name. */
static const struct {
    const char *name;
    int code;
} errno_names[] = {{"ENOSPC", ENOSPC}, {"EIO", EIO},       {"EXDEV", EXDEV},
                   {"EFBIG", EFBIG},   {"EAGAIN", EAGAIN}, {"EPERM", EPERM}};

static int is_system_call(int id)
{
    return id == C_WRITE || id == C_PREAD || id == C_FSYNC || id == C_RENAME || id == C_PTHREAD_CREATE;
}

/* The errors a test may name; anything else is given as a number. */
static const struct {
    const char *name;
    cl_int code;
} error_names[] = {
#define ERR(e)                                                                                     \
    {                                                                                              \
#e, e                                                                                      \
    }
    ERR(CL_DEVICE_NOT_AVAILABLE),
    ERR(CL_COMPILER_NOT_AVAILABLE),
    ERR(CL_MEM_OBJECT_ALLOCATION_FAILURE),
    ERR(CL_OUT_OF_RESOURCES),
    ERR(CL_OUT_OF_HOST_MEMORY),
    ERR(CL_BUILD_PROGRAM_FAILURE),
    ERR(CL_MAP_FAILURE),
    ERR(CL_INVALID_VALUE),
    ERR(CL_INVALID_OPERATION),
#undef ERR
};

/* The configured fault; target == C_COUNT when none. */
static enum call_id target = C_COUNT;
static long fail_nth; /* 0: every call */
static cl_int fail_error;
static size_t min_bytes = 1;
static int trace;
static atomic_long counted;

/* Live objects made through the shim, by kind. */
enum object_kind { O_CONTEXT, O_QUEUE, O_PROGRAM, O_KERNEL, O_MEM, O_EVENT, O_COUNT };
static const char *const object_names[O_COUNT] = {"cl_context", "cl_command_queue", "cl_program",
                                                  "cl_kernel",  "cl_mem",           "cl_event"};
static atomic_long live[O_COUNT];

static void bad_spec(const char *spec, const char *why)
{
    fprintf(stderr, "offload_clfault: OFFLOAD_FAULT=%s: %s\n", spec, why);
    abort();
}

static cl_int parse_error(const char *spec, const char *text)
{
    for (size_t i = 0; i < sizeof error_names / sizeof error_names[0]; i++)
        if (strcmp(text, error_names[i].name) == 0)
            return error_names[i].code;
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v >= 0)
        bad_spec(spec, "the error must be a negative number or a known CL_... name");
    return (cl_int)v;
}

__attribute__((constructor)) static void parse_fault(void)
{
    const char *t = getenv("OFFLOAD_FAULT_TRACE");
    trace = t && strcmp(t, "1") == 0;
    const char *spec = getenv("OFFLOAD_FAULT");
    if (!spec || !*spec)
        return;
    char buf[256];
    if (strlen(spec) >= sizeof buf)
        bad_spec(spec, "too long");
    strcpy(buf, spec);
    char *which = strchr(buf, ':');
    if (!which)
        bad_spec(spec, "use CALL:N or CALL:* with an optional :ERROR");
    *which++ = '\0';
    char *arg = strchr(which, ':');
    if (arg)
        *arg++ = '\0';
    for (int i = 0; i < C_COUNT; i++)
        if (strcmp(buf, calls[i].name) == 0)
            target = (enum call_id)i;
    if (target == C_COUNT)
        bad_spec(spec, "no such call in the shim (see tests/fault/clfault.c)");
    if (strcmp(which, "*") == 0) {
        fail_nth = 0;
    } else {
        char *end;
        fail_nth = strtol(which, &end, 10);
        if (*which == '\0' || *end != '\0' || fail_nth < 1)
            bad_spec(spec, "the call number must be 1 or more, or *");
    }
    fail_error = calls[target].error;
    if (arg && target == C_ALIGNED_ALLOC) {
        char *end;
        unsigned long long v = strtoull(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || v == 0)
            bad_spec(spec, "the minimum size must be a positive number of bytes");
        min_bytes = (size_t)v;
    } else if (arg && is_system_call(target)) {
        int code = 0;
        for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
            if (strcmp(arg, errno_names[i].name) == 0)
                code = errno_names[i].code;
        char *end;
        long v = code ? code : strtol(arg, &end, 10);
        if (!code && (*arg == '\0' || *end != '\0' || v <= 0))
            bad_spec(spec, "the error must be a positive errno or a known E... name");
        fail_error = (cl_int)v;
    } else if (arg) {
        fail_error = parse_error(spec, arg);
    }
}

__attribute__((destructor)) static void report_live(void)
{
    char msg[512];
    size_t len = 0;
    for (int i = 0; i < O_COUNT; i++) {
        long n = atomic_load(&live[i]);
        if (n != 0 && len < sizeof msg)
            len += (size_t)snprintf(msg + len, sizeof msg - len, " %ld %s", n, object_names[i]);
    }
    if (len)
        fprintf(stderr, "offload_clfault: not released:%s\n", msg);
}

/* True when this call of `id` must fail. Every call of the target is
 * counted, from any thread, so the N-th is the same in every run. */
static int should_fail(enum call_id id)
{
    if (id != target)
        return 0;
    long n = atomic_fetch_add(&counted, 1) + 1;
    int fail = fail_nth == 0 || n == fail_nth;
    if (trace)
        fprintf(stderr, "offload_clfault: %s call %ld%s\n", calls[id].name, n,
                fail ? " fails" : "");
    return fail;
}

/* The next definition of `name` after this library (the ICD loader's). */
static void *next(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "offload_clfault: %s not found after the shim: %s\n", name, dlerror());
        abort();
    }
    return f;
}

#define REAL(fn) ((__typeof__(&fn))next(#fn))

static void created(enum object_kind kind, const void *object)
{
    if (object)
        atomic_fetch_add(&live[kind], 1);
}

static void event_made(cl_int err, const cl_event *event)
{
    if (err == CL_SUCCESS && event)
        created(O_EVENT, *event);
}

static cl_int released(enum object_kind kind, cl_int err)
{
    if (err == CL_SUCCESS)
        atomic_fetch_sub(&live[kind], 1);
    return err;
}

static void *fail_object(cl_int *errcode_ret)
{
    if (errcode_ret)
        *errcode_ret = fail_error;
    return NULL;
}

/* ---- the wrapped calls -------------------------------------------------- */

CL_API_ENTRY cl_context CL_API_CALL clCreateContext(
    const cl_context_properties *properties, cl_uint num_devices, const cl_device_id *devices,
    void(CL_CALLBACK *pfn_notify)(const char *, const void *, size_t, void *), void *user_data,
    cl_int *errcode_ret)
{
    if (should_fail(C_CREATE_CONTEXT))
        return fail_object(errcode_ret);
    cl_context c =
        REAL(clCreateContext)(properties, num_devices, devices, pfn_notify, user_data, errcode_ret);
    created(O_CONTEXT, c);
    return c;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseContext(cl_context context)
{
    return released(O_CONTEXT, REAL(clReleaseContext)(context));
}

CL_API_ENTRY cl_command_queue CL_API_CALL clCreateCommandQueue(cl_context context,
                                                               cl_device_id device,
                                                               cl_command_queue_properties props,
                                                               cl_int *errcode_ret)
{
    if (should_fail(C_CREATE_COMMAND_QUEUE))
        return fail_object(errcode_ret);
    cl_command_queue q = REAL(clCreateCommandQueue)(context, device, props, errcode_ret);
    created(O_QUEUE, q);
    return q;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseCommandQueue(cl_command_queue queue)
{
    return released(O_QUEUE, REAL(clReleaseCommandQueue)(queue));
}

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithSource(cl_context context, cl_uint count,
                                                              const char **strings,
                                                              const size_t *lengths,
                                                              cl_int *errcode_ret)
{
    if (should_fail(C_CREATE_PROGRAM_WITH_SOURCE))
        return fail_object(errcode_ret);
    cl_program p = REAL(clCreateProgramWithSource)(context, count, strings, lengths, errcode_ret);
    created(O_PROGRAM, p);
    return p;
}

CL_API_ENTRY cl_int CL_API_CALL clBuildProgram(cl_program program, cl_uint num_devices,
                                               const cl_device_id *device_list, const char *options,
                                               void(CL_CALLBACK *pfn_notify)(cl_program, void *),
                                               void *user_data)
{
    if (should_fail(C_BUILD_PROGRAM))
        return fail_error;
    return REAL(clBuildProgram)(program, num_devices, device_list, options, pfn_notify, user_data);
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseProgram(cl_program program)
{
    return released(O_PROGRAM, REAL(clReleaseProgram)(program));
}

CL_API_ENTRY cl_kernel CL_API_CALL clCreateKernel(cl_program program, const char *kernel_name,
                                                  cl_int *errcode_ret)
{
    if (should_fail(C_CREATE_KERNEL))
        return fail_object(errcode_ret);
    cl_kernel k = REAL(clCreateKernel)(program, kernel_name, errcode_ret);
    created(O_KERNEL, k);
    return k;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseKernel(cl_kernel kernel)
{
    return released(O_KERNEL, REAL(clReleaseKernel)(kernel));
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateBuffer(cl_context context, cl_mem_flags flags, size_t size,
                                               void *host_ptr, cl_int *errcode_ret)
{
    if (should_fail(C_CREATE_BUFFER))
        return fail_object(errcode_ret);
    cl_mem m = REAL(clCreateBuffer)(context, flags, size, host_ptr, errcode_ret);
    created(O_MEM, m);
    return m;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseMemObject(cl_mem memobj)
{
    return released(O_MEM, REAL(clReleaseMemObject)(memobj));
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueWriteBuffer(cl_command_queue queue, cl_mem buffer,
                                                     cl_bool blocking, size_t offset, size_t size,
                                                     const void *ptr, cl_uint num_wait,
                                                     const cl_event *wait_list, cl_event *event)
{
    if (should_fail(C_ENQUEUE_WRITE_BUFFER))
        return fail_error;
    cl_int err = REAL(clEnqueueWriteBuffer)(queue, buffer, blocking, offset, size, ptr, num_wait,
                                            wait_list, event);
    event_made(err, event);
    return err;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReadBuffer(cl_command_queue queue, cl_mem buffer,
                                                    cl_bool blocking, size_t offset, size_t size,
                                                    void *ptr, cl_uint num_wait,
                                                    const cl_event *wait_list, cl_event *event)
{
    if (should_fail(C_ENQUEUE_READ_BUFFER))
        return fail_error;
    cl_int err = REAL(clEnqueueReadBuffer)(queue, buffer, blocking, offset, size, ptr, num_wait,
                                           wait_list, event);
    event_made(err, event);
    return err;
}

CL_API_ENTRY void *CL_API_CALL clEnqueueMapBuffer(cl_command_queue queue, cl_mem buffer,
                                                  cl_bool blocking, cl_map_flags flags,
                                                  size_t offset, size_t size, cl_uint num_wait,
                                                  const cl_event *wait_list, cl_event *event,
                                                  cl_int *errcode_ret)
{
    if (should_fail(C_ENQUEUE_MAP_BUFFER))
        return fail_object(errcode_ret);
    cl_int err = CL_SUCCESS;
    void *p = REAL(clEnqueueMapBuffer)(queue, buffer, blocking, flags, offset, size, num_wait,
                                       wait_list, event, &err);
    event_made(err, event);
    if (errcode_ret)
        *errcode_ret = err;
    return p;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueUnmapMemObject(cl_command_queue queue, cl_mem memobj,
                                                        void *mapped, cl_uint num_wait,
                                                        const cl_event *wait_list, cl_event *event)
{
    cl_int err = REAL(clEnqueueUnmapMemObject)(queue, memobj, mapped, num_wait, wait_list, event);
    event_made(err, event);
    return err;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueFillBuffer(cl_command_queue queue, cl_mem buffer,
                                                    const void *pattern, size_t pattern_size,
                                                    size_t offset, size_t size, cl_uint num_wait,
                                                    const cl_event *wait_list, cl_event *event)
{
    cl_int err = REAL(clEnqueueFillBuffer)(queue, buffer, pattern, pattern_size, offset, size,
                                           num_wait, wait_list, event);
    event_made(err, event);
    return err;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueNDRangeKernel(cl_command_queue queue, cl_kernel kernel,
                                                       cl_uint work_dim, const size_t *offset,
                                                       const size_t *global, const size_t *local,
                                                       cl_uint num_wait, const cl_event *wait_list,
                                                       cl_event *event)
{
    if (should_fail(C_ENQUEUE_NDRANGE_KERNEL))
        return fail_error;
    cl_int err = REAL(clEnqueueNDRangeKernel)(queue, kernel, work_dim, offset, global, local,
                                              num_wait, wait_list, event);
    event_made(err, event);
    return err;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseEvent(cl_event event)
{
    return released(O_EVENT, REAL(clReleaseEvent)(event));
}

CL_API_ENTRY cl_int CL_API_CALL clFinish(cl_command_queue queue)
{
    if (should_fail(C_FINISH))
        return fail_error;
    return REAL(clFinish)(queue);
}

/* ---- host memory -------------------------------------------------------- */

void *aligned_alloc(size_t alignment, size_t size)
{
    /* Only sizes from min_bytes on are counted: the count stays the same
     * whatever small blocks libgomp or the driver ask for. */
    if (size >= min_bytes && should_fail(C_ALIGNED_ALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return REAL(aligned_alloc)(alignment, size);
}

/* ---- files and threads -------------------------------------------------- */

ssize_t write(int fd, const void *buf, size_t count)
{
    /* Regular files only: messages to the terminal or a pipe stay out of
     * the count, so the N-th write is the N-th write of a file. */
    struct stat st;
    if (target == C_WRITE && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && should_fail(C_WRITE)) {
        errno = fail_error;
        return -1;
    }
    return REAL(write)(fd, buf, count);
}

/* Reads at an offset (a rank reading its part of a table); regular files
 * only, as for write. pread64 is the same call under large-file names. */
static int pread_fails(int fd)
{
    struct stat st;
    return target == C_PREAD && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && should_fail(C_PREAD);
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
    if (pread_fails(fd)) {
        errno = fail_error;
        return -1;
    }
    return REAL(pread)(fd, buf, count, offset);
}

ssize_t pread64(int fd, void *buf, size_t count, off64_t offset)
{
    if (pread_fails(fd)) {
        errno = fail_error;
        return -1;
    }
    return REAL(pread64)(fd, buf, count, offset);
}

int fsync(int fd)
{
    if (should_fail(C_FSYNC)) {
        errno = fail_error;
        return -1;
    }
    return REAL(fsync)(fd);
}

int rename(const char *from, const char *to)
{
    if (should_fail(C_RENAME)) {
        errno = fail_error;
        return -1;
    }
    return REAL(rename)(from, to);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    if (should_fail(C_PTHREAD_CREATE))
        return fail_error; /* pthread_create returns the error, errno untouched */
    return REAL(pthread_create)(thread, attr, start, arg);
}
