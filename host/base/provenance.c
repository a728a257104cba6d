/* Build and host provenance. The build half is fixed at compile time: the
 * macros below come from CMake (commit, build type, native or portable,
 * OpenCL headers) and from the compiler itself (__VERSION__, __AVX2__...). */
#include "provenance.h"

#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hostinfo.h"

#ifndef OFFLOAD_VERSION
#define OFFLOAD_VERSION "unknown"
#endif
#include "git_commit.h" /* written at build time: OFFLOAD_GIT_COMMIT */
#ifndef OFFLOAD_BUILD_TYPE
#define OFFLOAD_BUILD_TYPE "unknown"
#endif
#ifndef OFFLOAD_NATIVE_BUILD
#define OFFLOAD_NATIVE_BUILD 0
#endif

const char *provenance_isa(void)
{
#if defined(__x86_64__)
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
    return "x86-64-v4";
#elif defined(__AVX2__) && defined(__FMA__)
    return "x86-64-v3";
#elif defined(__SSE4_2__) && defined(__POPCNT__)
    return "x86-64-v2";
#else
    return "x86-64";
#endif
#elif defined(__aarch64__)
#if defined(__ARM_FEATURE_SVE)
    return "aarch64+sve";
#else
    return "aarch64";
#endif
#else
    return "generic";
#endif
}

/* Sanitizers slow every kernel down: their ceilings are not the build's. */
static int sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#else
    return 0;
#endif
#else
    return 0;
#endif
}

const char *provenance_build_key(void)
{
    static char key[128];
    if (!key[0])
        snprintf(key, sizeof key, "%s %s %s%s", OFFLOAD_NATIVE_BUILD ? "native" : "portable",
                 provenance_isa(), OFFLOAD_BUILD_TYPE[0] ? OFFLOAD_BUILD_TYPE : "no-build-type",
                 sanitized() ? " sanitized" : "");
    return key;
}

static void compiler_name(char *buf, size_t len)
{
#if defined(__clang__)
    snprintf(buf, len, "clang %d.%d.%d (%s)", __clang_major__, __clang_minor__,
             __clang_patchlevel__, __VERSION__);
#elif defined(__GNUC__)
    snprintf(buf, len, "gcc %s", __VERSION__);
#elif defined(__VERSION__)
    snprintf(buf, len, "%s", __VERSION__);
#else
    snprintf(buf, len, "unknown");
#endif
}

void provenance_collect(struct provenance *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->tool_version, sizeof p->tool_version, "%s", OFFLOAD_VERSION);
    snprintf(p->git_commit, sizeof p->git_commit, "%s",
             OFFLOAD_GIT_COMMIT[0] ? OFFLOAD_GIT_COMMIT : "unknown");
    compiler_name(p->compiler, sizeof p->compiler);
    snprintf(p->build, sizeof p->build, "%s", provenance_build_key());
    snprintf(p->isa, sizeof p->isa, "%s", provenance_isa());
    snprintf(p->build_type, sizeof p->build_type, "%s", OFFLOAD_BUILD_TYPE);
    p->native = OFFLOAD_NATIVE_BUILD;
    host_cpu_model(p->cpu, sizeof p->cpu);
    if (!p->cpu[0])
        snprintf(p->cpu, sizeof p->cpu, "unknown");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    p->cores = cores > 0 ? (int)cores : 0;
    p->memory_bytes = host_physical_memory();
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(p->os, sizeof p->os, "%s %s %s", u.sysname, u.release, u.machine);
    else
        snprintf(p->os, sizeof p->os, "unknown");
}

void provenance_print(FILE *f, const struct provenance *p)
{
    fprintf(f, "offload %s (commit %s)\n", p->tool_version, p->git_commit);
    fprintf(f, "build     %s (%s)\n", p->build,
            p->native ? "compiled for this machine's CPU, -march=native"
                      : "portable: no -march=native; the ISA level is what the compiler "
                        "flags allow");
    fprintf(f, "compiler  %s\n", p->compiler);
    fprintf(f, "backends  %s\n", p->backend_builds[0] ? p->backend_builds : "host CPU only");
    fprintf(f, "host      %s, %d cores, %.1f GB, %s\n", p->cpu, p->cores, p->memory_bytes / 1e9,
            p->os);
}
