/* OpenCL backend: a user's kernel file (offload run FILE.cl). Its program
 * is built with -cl-kernel-arg-info so the arguments can be read back;
 * each buffer argument gets its own cached device buffer; copy-in, kernel
 * and copy-out are timed as for the built-in kernels, in the same three
 * memory modes. */

#include "opencl_internal.h"

#include "message.h"
#include "timing.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- build and describe ----------------------------------------------------- */

enum offload_status build_file_program(struct opencl_state *st, const struct file_source *file,
                                       int *cached)
{
    cl_int err;
    const char *text = file->text;
    size_t length = file->length;
    st->file_program = clCreateProgramWithSource(st->context, 1, &text, &length, &err);
    if (!CL_OK("clCreateProgramWithSource", err)) {
        st->file_program = NULL;
        return OFFLOAD_ERR_RUN;
    }
    long before = pocl_cache_entries(st);
    err = clBuildProgram(st->file_program, 1, &st->device, "-cl-kernel-arg-info", NULL, NULL);
    if (err == CL_BUILD_PROGRAM_FAILURE) {
        /* The user's code: a usage error (exit 2) with the compiler's log,
         * whose file:line the compiler gives. */
        offload_error("%s does not compile; the compiler says (with its lines):\n", file->path);
        print_program_log(st, st->file_program, file->path);
        return OFFLOAD_ERR_USAGE;
    }
    if (!CL_OK("clBuildProgram", err))
        return OFFLOAD_ERR_RUN;
    long after = pocl_cache_entries(st);
    *cached = before < 0 || after < 0 ? -1 : after == before;
    return OFFLOAD_OK;
}

static enum arg_space space_of(cl_kernel_arg_address_qualifier q)
{
    switch (q) {
    case CL_KERNEL_ARG_ADDRESS_GLOBAL:
        return SPACE_GLOBAL;
    case CL_KERNEL_ARG_ADDRESS_CONSTANT:
        return SPACE_CONSTANT;
    case CL_KERNEL_ARG_ADDRESS_LOCAL:
        return SPACE_LOCAL;
    default: /* a CL enum: private and anything newer */
        return SPACE_PRIVATE;
    }
}

/* "float*" -> float, pointer; "const float*" too; "float4*" -> ELEM_NONE. */
static void parse_type_name(struct file_arg_decl *d)
{
    const char *t = d->type_name;
    if (strncmp(t, "const ", 6) == 0)
        t += 6;
    size_t len = strlen(t);
    while (len && (t[len - 1] == ' '))
        len--;
    d->is_pointer = len && t[len - 1] == '*';
    if (d->is_pointer)
        len--;
    while (len && t[len - 1] == ' ')
        len--;
    d->elem = elem_type_from_name(t, len);
}

static enum offload_status describe_kernel(cl_kernel k, struct file_kernel_decl *out)
{
    cl_uint nargs = 0;
    if (!CL_OK("clGetKernelInfo(CL_KERNEL_FUNCTION_NAME)",
               clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof out->name, out->name, NULL)) ||
        !CL_OK("clGetKernelInfo(CL_KERNEL_NUM_ARGS)",
               clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof nargs, &nargs, NULL)))
        return OFFLOAD_ERR_RUN;
    if (nargs > FILE_MAX_ARGS) {
        offload_error("kernel %s has %u arguments; offload takes at most %d\n", out->name, nargs,
                      FILE_MAX_ARGS);
        return OFFLOAD_ERR_USAGE;
    }
    out->nargs = nargs;
    for (cl_uint i = 0; i < nargs; i++) {
        struct file_arg_decl *d = &out->args[i];
        cl_kernel_arg_address_qualifier space = 0;
        cl_kernel_arg_type_qualifier qual = 0;
        if (!CL_OK("clGetKernelArgInfo(CL_KERNEL_ARG_NAME)",
                   clGetKernelArgInfo(k, i, CL_KERNEL_ARG_NAME, sizeof d->name, d->name, NULL)) ||
            !CL_OK("clGetKernelArgInfo(CL_KERNEL_ARG_TYPE_NAME)",
                   clGetKernelArgInfo(k, i, CL_KERNEL_ARG_TYPE_NAME, sizeof d->type_name,
                                      d->type_name, NULL)) ||
            !CL_OK("clGetKernelArgInfo(CL_KERNEL_ARG_ADDRESS_QUALIFIER)",
                   clGetKernelArgInfo(k, i, CL_KERNEL_ARG_ADDRESS_QUALIFIER, sizeof space, &space,
                                      NULL)) ||
            !CL_OK(
                "clGetKernelArgInfo(CL_KERNEL_ARG_TYPE_QUALIFIER)",
                clGetKernelArgInfo(k, i, CL_KERNEL_ARG_TYPE_QUALIFIER, sizeof qual, &qual, NULL)))
            return OFFLOAD_ERR_RUN;
        d->space = space_of(space);
        d->is_const = (qual & CL_KERNEL_ARG_TYPE_CONST) != 0;
        parse_type_name(d);
    }
    return OFFLOAD_OK;
}

enum offload_status opencl_file_kernels(void *state, struct file_program_decl *out)
{
    struct opencl_state *st = state;
    out->nkernels = 0;
    cl_uint n = 0;
    if (!st->file_program)
        return OFFLOAD_ERR_RUN;
    if (!CL_OK("clCreateKernelsInProgram", clCreateKernelsInProgram(st->file_program, 0, NULL, &n)))
        return OFFLOAD_ERR_RUN;
    if (n == 0)
        return OFFLOAD_OK;
    if (n > FILE_MAX_KERNELS) {
        offload_error("the file has %u kernels; offload reads at most %d\n", n, FILE_MAX_KERNELS);
        return OFFLOAD_ERR_USAGE;
    }
    cl_kernel kernels[FILE_MAX_KERNELS];
    if (!CL_OK("clCreateKernelsInProgram",
               clCreateKernelsInProgram(st->file_program, n, kernels, NULL)))
        return OFFLOAD_ERR_RUN;
    enum offload_status status = OFFLOAD_OK;
    for (cl_uint i = 0; i < n; i++) {
        if (status == OFFLOAD_OK)
            status = describe_kernel(kernels[i], &out->kernels[i]);
        CL_OK("clReleaseKernel", clReleaseKernel(kernels[i]));
    }
    if (status == OFFLOAD_OK)
        out->nkernels = n;
    return status;
}

/* ---- buffers ---------------------------------------------------------------- */

void release_file_buffers(struct opencl_state *st)
{
    for (size_t i = 0; i < FILE_MAX_ARGS; i++) {
        if (st->file_buffers[i].mem)
            CL_OK("clReleaseMemObject", clReleaseMemObject(st->file_buffers[i].mem));
        st->file_buffers[i] = (struct cached_buffer){0};
    }
}

/* Where argument a's data lives on the host: the caller's output for
 * out and inout (zero-copy wraps it), the filled values for in. */
static void *host_place(const struct file_arg *a, void *out)
{
    return a->kind == ARG_IN ? a->host : (unsigned char *)out + a->out_offset;
}

static cl_mem file_buffer(struct opencl_state *st, size_t index, const struct file_arg *a,
                          void *out)
{
    cl_mem_flags flags = a->kind == ARG_IN    ? CL_MEM_READ_ONLY
                         : a->kind == ARG_OUT ? CL_MEM_WRITE_ONLY
                                              : CL_MEM_READ_WRITE;
    const void *host_ptr = NULL;
    switch (st->memory) {
    case MEM_COPY:
        break;
    case MEM_PINNED:
        flags |= CL_MEM_ALLOC_HOST_PTR;
        break;
    case MEM_ZERO_COPY:
        flags |= CL_MEM_USE_HOST_PTR;
        host_ptr = host_place(a, out);
        break;
    }
    struct cached_buffer *b = &st->file_buffers[index];
    if (b->mem && b->bytes == a->bytes && b->flags == flags && b->host_ptr == host_ptr)
        return b->mem;
    if (b->mem)
        CL_OK("clReleaseMemObject", clReleaseMemObject(b->mem));
    *b = (struct cached_buffer){0};
    cl_int err;
    cl_mem mem = clCreateBuffer(st->context, flags, a->bytes, (void *)(uintptr_t)host_ptr, &err);
    if (!CL_OK("clCreateBuffer", err))
        return NULL;
    *b = (struct cached_buffer){mem, a->bytes, flags, host_ptr};
    return mem;
}

/* Buffers the device cannot hold are refused before any is made. */
static enum offload_status check_file_memory(const struct opencl_state *st,
                                             const struct file_kernel *fk)
{
    cl_ulong total = 0;
    for (size_t i = 0; i < fk->nargs; i++) {
        const struct file_arg *a = &fk->args[i];
        if (a->kind == ARG_VALUE)
            continue;
        if (a->kind == ARG_LOCAL) {
            if ((cl_ulong)a->bytes > st->local_mem) {
                offload_error("--arg %s: %zu bytes of local memory, more than the device's "
                              "CL_DEVICE_LOCAL_MEM_SIZE of %" PRIu64 ": use a smaller count\n",
                              a->decl.name, a->bytes, (uint64_t)st->local_mem);
                return OFFLOAD_ERR_USAGE;
            }
            continue;
        }
        if ((cl_ulong)a->bytes > st->max_alloc) {
            offload_error("--arg %s: a %zu-byte buffer is more than the device's "
                          "CL_DEVICE_MAX_MEM_ALLOC_SIZE of %" PRIu64
                          " bytes: use a smaller --size or count\n",
                          a->decl.name, a->bytes, (uint64_t)st->max_alloc);
            return OFFLOAD_ERR_USAGE;
        }
        total += a->bytes;
    }
    if (total > st->global_mem) {
        offload_error("%s needs %" PRIu64 " bytes of buffers, more than the device's "
                      "CL_DEVICE_GLOBAL_MEM_SIZE of %" PRIu64 ": use a smaller --size\n",
                      fk->entry, (uint64_t)total, (uint64_t)st->global_mem);
        return OFFLOAD_ERR_USAGE;
    }
    return OFFLOAD_OK;
}

/* ---- one call ----------------------------------------------------------------- */

#define FILE_MAX_EVENTS (2 * FILE_MAX_ARGS)

struct event_list {
    cl_event ev[FILE_MAX_EVENTS];
    size_t n;
};

static cl_event *next_event(struct event_list *l)
{
    return &l->ev[l->n++];
}

/* Device seconds from the first command's start to the last one's end. */
static double list_span(struct event_list *l)
{
    if (l->n == 0)
        return -1;
    return event_span(l->ev[0], l->ev[l->n - 1]);
}

static void release_list(struct event_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        release_event(&l->ev[i]);
    l->n = 0;
}

/* Copy in and out of one argument's buffer: a write or read for
 * MEM_COPY, else map + memcpy + unmap. */
static enum offload_status copy_in_arg(struct opencl_state *st, cl_mem mem,
                                       const struct file_arg *a, struct event_list *l)
{
    cl_int err;
    if (st->memory == MEM_COPY)
        return CL_OK("clEnqueueWriteBuffer",
                     clEnqueueWriteBuffer(st->queue, mem, CL_FALSE, 0, a->bytes, a->host, 0, NULL,
                                          next_event(l)))
                   ? OFFLOAD_OK
                   : OFFLOAD_ERR_RUN;
    void *mapped = clEnqueueMapBuffer(st->queue, mem, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, 0,
                                      a->bytes, 0, NULL, next_event(l), &err);
    if (!CL_OK("clEnqueueMapBuffer", err))
        return OFFLOAD_ERR_RUN;
    /* An inout buffer's device copy starts from the filled values on
     * every call, whatever the last call wrote. */
    if (mapped != a->host)
        memcpy(mapped, a->host, a->bytes);
    return CL_OK("clEnqueueUnmapMemObject",
                 clEnqueueUnmapMemObject(st->queue, mem, mapped, 0, NULL, next_event(l)))
               ? OFFLOAD_OK
               : OFFLOAD_ERR_RUN;
}

static enum offload_status copy_out_arg(struct opencl_state *st, cl_mem mem,
                                        const struct file_arg *a, void *out, struct event_list *l)
{
    cl_int err;
    void *place = host_place(a, out);
    if (st->memory == MEM_COPY)
        return CL_OK("clEnqueueReadBuffer",
                     clEnqueueReadBuffer(st->queue, mem, CL_FALSE, 0, a->bytes, place, 0, NULL,
                                         next_event(l)))
                   ? OFFLOAD_OK
                   : OFFLOAD_ERR_RUN;
    void *mapped = clEnqueueMapBuffer(st->queue, mem, CL_TRUE, CL_MAP_READ, 0, a->bytes, 0, NULL,
                                      next_event(l), &err);
    if (!CL_OK("clEnqueueMapBuffer", err))
        return OFFLOAD_ERR_RUN;
    if (mapped != place)
        memcpy(place, mapped, a->bytes);
    return CL_OK("clEnqueueUnmapMemObject",
                 clEnqueueUnmapMemObject(st->queue, mem, mapped, 0, NULL, next_event(l)))
               ? OFFLOAD_OK
               : OFFLOAD_ERR_RUN;
}

/* The entry's cl_kernel, made on the first call. */
static cl_kernel entry_kernel(struct opencl_state *st, const char *entry)
{
    if (st->file_kernel && strcmp(st->file_entry, entry) == 0)
        return st->file_kernel;
    if (st->file_kernel)
        CL_OK("clReleaseKernel", clReleaseKernel(st->file_kernel));
    cl_int err;
    st->file_kernel = clCreateKernel(st->file_program, entry, &err);
    if (!CL_OK("clCreateKernel", err)) {
        st->file_kernel = NULL;
        return NULL;
    }
    snprintf(st->file_entry, sizeof st->file_entry, "%s", entry);
    return st->file_kernel;
}

static enum offload_status set_file_args(struct opencl_state *st, cl_kernel k,
                                         const struct file_kernel *fk, cl_mem *mems)
{
    for (size_t i = 0; i < fk->nargs; i++) {
        const struct file_arg *a = &fk->args[i];
        cl_uint index = (cl_uint)i;
        bool ok = true;
        switch (a->kind) {
        case ARG_IN:
        case ARG_OUT:
        case ARG_INOUT:
            ok = SET_ARG(k, index, mems[i]);
            break;
        case ARG_LOCAL:
            ok = SET_LOCAL_ARG(k, index, a->bytes);
            break;
        case ARG_VALUE:
            ok = CL_OK("clSetKernelArg", clSetKernelArg(k, index, a->bytes, a->value));
            break;
        }
        if (!ok) {
            offload_error("argument %s (%s) of %s was refused by the driver\n", a->decl.name,
                          a->decl.type_name, fk->entry);
            return OFFLOAD_ERR_USAGE;
        }
    }
    (void)st;
    return OFFLOAD_OK;
}

/* Waits for the kernel, giving up after timeout_s (0: never). */
static enum offload_status wait_kernel(struct opencl_state *st, cl_event ev, double timeout_s,
                                       const char *entry)
{
    if (timeout_s <= 0)
        return CL_OK("clFinish", clFinish(st->queue)) ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    if (!CL_OK("clFlush", clFlush(st->queue)))
        return OFFLOAD_ERR_RUN;
    double start = offload_now();
    for (;;) {
        cl_int status = CL_QUEUED;
        if (!CL_OK("clGetEventInfo(CL_EVENT_COMMAND_EXECUTION_STATUS)",
                   clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof status, &status,
                                  NULL)))
            return OFFLOAD_ERR_RUN;
        if (status < 0) {
            CL_OK("kernel execution", status);
            return OFFLOAD_ERR_RUN;
        }
        if (status == CL_COMPLETE)
            return OFFLOAD_OK;
        if (offload_now() - start > timeout_s) {
            /* OpenCL cannot stop a running kernel: end the process, having
             * written nothing (exports are written after the runs). */
            offload_error("%s ran past --timeout %g s: look for a loop that never ends or "
                          "give a longer --timeout\n",
                          entry, timeout_s);
            fflush(stderr);
            _Exit(1);
        }
        struct timespec pause = {0, 1000000}; /* 1 ms */
        nanosleep(&pause, NULL);
    }
}

static bool is_buffer(const struct file_arg *a)
{
    return a->kind == ARG_IN || a->kind == ARG_OUT || a->kind == ARG_INOUT;
}

/* One call's device buffers and events, and what failed. */
struct file_call {
    struct opencl_state *st;
    const struct file_kernel *fk;
    void *out;
    cl_mem mems[FILE_MAX_ARGS];
    struct event_list events;
};

/* Copies every in and inout buffer (copy-in) or every out and inout
 * buffer (copy-out), finished; *host and *event get the phase's times. */
static enum offload_status copy_phase(struct file_call *call, int in, double *host, double *event)
{
    double t0 = offload_now();
    for (size_t i = 0; i < call->fk->nargs; i++) {
        const struct file_arg *a = &call->fk->args[i];
        enum offload_status st = OFFLOAD_OK;
        if (in && (a->kind == ARG_IN || a->kind == ARG_INOUT))
            st = copy_in_arg(call->st, call->mems[i], a, &call->events);
        else if (!in && (a->kind == ARG_OUT || a->kind == ARG_INOUT))
            st = copy_out_arg(call->st, call->mems[i], a, call->out, &call->events);
        if (st != OFFLOAD_OK)
            return st;
    }
    if (!CL_OK("clFinish", clFinish(call->st->queue)))
        return OFFLOAD_ERR_RUN;
    *host = offload_now() - t0;
    *event = list_span(&call->events);
    release_list(&call->events);
    return OFFLOAD_OK;
}

/* Sets the arguments, launches the NDRange and waits for it (or for
 * --timeout). A work-group the driver refuses is the user's to fix. */
static enum offload_status kernel_phase(struct file_call *call, cl_kernel k, double *host,
                                        double *event)
{
    struct opencl_state *st = call->st;
    const struct file_kernel *fk = call->fk;
    enum offload_status status = set_file_args(st, k, fk, call->mems);
    if (status != OFFLOAD_OK)
        return status;
    double t0 = offload_now();
    cl_int err = clEnqueueNDRangeKernel(st->queue, k, fk->dims, NULL, fk->global,
                                        fk->has_local ? fk->local : NULL, 0, NULL,
                                        next_event(&call->events));
    if (err != CL_SUCCESS)
        call->events.n--; /* no event was made */
    if (err == CL_INVALID_WORK_GROUP_SIZE || err == CL_INVALID_WORK_ITEM_SIZE) {
        CL_OK("clEnqueueNDRangeKernel", err);
        offload_error("the driver refuses --local for %s: the work-group may hold at most "
                      "%zu work-items on this device (CL_DEVICE_MAX_WORK_GROUP_SIZE), each "
                      "dimension must divide --global; give a smaller --local or none\n",
                      fk->entry, st->max_wg);
        return OFFLOAD_ERR_USAGE;
    }
    if (!CL_OK("clEnqueueNDRangeKernel", err))
        return OFFLOAD_ERR_RUN;
    status = wait_kernel(st, call->events.ev[0], fk->timeout_s, fk->entry);
    if (status != OFFLOAD_OK)
        return status;
    if (!CL_OK("clFinish", clFinish(st->queue)))
        return OFFLOAD_ERR_RUN;
    *host = offload_now() - t0;
    *event = list_span(&call->events);
    release_list(&call->events);
    return OFFLOAD_OK;
}

enum offload_status opencl_run_file(void *state, const struct kernel_input *kin, void *out,
                                    struct phase_times *times)
{
    struct file_call call = {.st = state, .fk = kin->file, .out = out};
    struct opencl_state *st = call.st;
    struct phase_times t = phase_times_none();
    enum offload_status status = check_file_memory(st, call.fk);
    if (status != OFFLOAD_OK)
        return status;
    status = OFFLOAD_ERR_RUN;
    cl_kernel k = entry_kernel(st, call.fk->entry);
    for (size_t i = 0; k && i < call.fk->nargs; i++)
        if (is_buffer(&call.fk->args[i]) &&
            !(call.mems[i] = file_buffer(st, i, &call.fk->args[i], out)))
            k = NULL;
    if (k)
        status = copy_phase(&call, 1, &t.copy_in, &t.event_copy_in);
    if (k && status == OFFLOAD_OK)
        status = kernel_phase(&call, k, &t.kernel, &t.event_kernel);
    if (k && status == OFFLOAD_OK)
        status = copy_phase(&call, 0, &t.copy_out, &t.event_copy_out);
    if (status == OFFLOAD_OK) {
        /* Zero-copy buffers wrap the caller's output: never keep one past the call. */
        if (st->memory == MEM_ZERO_COPY)
            release_file_buffers(st);
    } else {
        /* Nothing may still use the caller's memory when we return. */
        CL_OK("clFinish", clFinish(st->queue));
        if (call.events.n)
            clWaitForEvents((cl_uint)call.events.n, call.events.ev);
        release_list(&call.events);
        release_file_buffers(st);
    }
    if (times)
        *times = t;
    return status;
}
