#ifndef OFFLOAD_PROVENANCE_H
#define OFFLOAD_PROVENANCE_H

/* Where a result came from: the tool and its build (version, git commit,
 * compiler, flags, ISA level, what each backend was built with) and the host it ran on (CPU,
 * cores, memory, OS). Exports carry it so two saved runs can be compared
 * knowing what differs; `offload --version` prints it. */

#include <stddef.h>
#include <stdio.h>

struct provenance {
    char tool_version[32];
    char git_commit[48];      /* short hash at configure time, or "unknown" */
    char compiler[128];       /* "gcc 12.2.0" */
    char build[128];          /* provenance_build_key() */
    char isa[32];             /* "x86-64-v3" */
    char build_type[32];      /* CMAKE_BUILD_TYPE */
    int native;               /* 1: -march=native, 0: portable */
    char backend_builds[192]; /* what backends say of their build ("opencl headers 3.0,
                               * target 1.2"), "" when none says anything */
    char cpu[256];
    int cores;           /* online logical CPUs */
    double memory_bytes; /* physical memory, 0 when unknown */
    char os[256];        /* "Linux 6.1.0-18-amd64 x86_64" */
};

/* Fills p but backend_builds, which the backends' layer adds
 * (backend_provenance); never fails (unknown fields read "unknown" or 0). */
void provenance_collect(struct provenance *p);

/* What the compiled code depends on: "native x86-64-v3 Release" (plus
 * "sanitized" in a sanitizer build). Keys the ceilings cache, so a
 * portable build never reuses ceilings a native build measured. */
const char *provenance_build_key(void);

/* The instruction-set level the compiler targeted: "x86-64-v4" (AVX-512),
 * "x86-64-v3" (AVX2, FMA), "x86-64-v2" (SSE4.2), "x86-64", "aarch64"... */
const char *provenance_isa(void);

/* Lines for `offload --version`. */
void provenance_print(FILE *f, const struct provenance *p);

#endif
