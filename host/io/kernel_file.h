#ifndef OFFLOAD_KERNEL_FILE_H
#define OFFLOAD_KERNEL_FILE_H

/* The little languages of a user's kernel file (offload run FILE.cl), as
 * pure functions: no OpenCL, no file I/O, so the tests and the fuzzers call
 * them directly.
 * - integer expressions in N: "8*N", "(N+255)/256*256";
 * - --arg SPECs: "in:float[N]:random(0,1)", "out:int[2*N]", "local:float[256]", "2.5";
 * - the "// offload: OPTIONS" lines a file describes itself with. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* ---- element types -------------------------------------------------------- */

enum elem_type {
    ELEM_NONE, /* not given: the kernel's declared type */
    ELEM_CHAR,
    ELEM_UCHAR,
    ELEM_SHORT,
    ELEM_USHORT,
    ELEM_INT,
    ELEM_UINT,
    ELEM_LONG,
    ELEM_ULONG,
    ELEM_FLOAT,
    ELEM_DOUBLE
};

/* OpenCL C's name ("uint"), "?" for ELEM_NONE. */
const char *elem_type_name(enum elem_type t);
/* Bytes of one element; 0 for ELEM_NONE. */
size_t elem_type_size(enum elem_type t);
int elem_type_is_float(enum elem_type t);
int elem_type_is_signed(enum elem_type t);
/* The type named by name[0..len) ("float", "uint", "unsigned int",
 * "uchar"...), ELEM_NONE when it is none of them (vectors, structs). */
enum elem_type elem_type_from_name(const char *name, size_t len);

/* ---- expressions ---------------------------------------------------------- */

#define EXPR_MAX 128

/* Integer expression: decimal integers, N, + - * / %, unary minus and
 * parentheses, nothing else. Overflow, division by zero and anything
 * unknown are OFFLOAD_ERR_USAGE with the reason in err. */
enum offload_status expr_eval(const char *text, int64_t n, int64_t *out, char *err, size_t errlen);

/* ---- --arg NAME=SPEC ------------------------------------------------------ */

enum arg_kind {
    ARG_IN,    /* global buffer, filled on the host, copied in */
    ARG_OUT,   /* global buffer, copied out and checked */
    ARG_INOUT, /* both */
    ARG_LOCAL, /* __local buffer of a size, no data */
    ARG_VALUE  /* a scalar: a number or an expression in N */
};

enum fill_kind {
    FILL_DEFAULT, /* random(0,1) for floats, random(0,100) for integers */
    FILL_RANDOM,  /* random(LO,HI): uniform, seeded by --seed */
    FILL_CONST,   /* fill(V) */
    FILL_RANGE,   /* range(START,STEP): START + i*STEP */
    FILL_FILE     /* file(PATH): raw little-endian values */
};

#define ARG_NAME_MAX 64
#define ARG_PATH_MAX 1024

struct arg_spec {
    enum arg_kind kind;
    enum elem_type type;  /* ELEM_NONE: the declared element type */
    char count[EXPR_MAX]; /* element count expression; "" means N */
    enum fill_kind fill;
    double a, b;             /* random(a,b), fill(a), range(a,b) */
    char path[ARG_PATH_MAX]; /* file(PATH) */
    char value[EXPR_MAX];    /* ARG_VALUE: the number or expression */
};

/* "arg_kind" for messages: "in", "out", "inout", "local", "value". */
const char *arg_kind_name(enum arg_kind k);

/* SPEC alone (what follows "NAME="). */
enum offload_status arg_spec_parse(const char *text, struct arg_spec *out, char *err,
                                   size_t errlen);

/* "NAME=SPEC": name into name[ARG_NAME_MAX] (a C identifier), SPEC parsed. */
enum offload_status arg_option_parse(const char *text, char *name, struct arg_spec *out, char *err,
                                     size_t errlen);

/* A scalar's value: a number (for float types any C number, "2.5", "1e-3")
 * or an integer expression in N; checked against the type's range. */
enum offload_status arg_value_eval(const char *text, enum elem_type type, int64_t n, double *as_f,
                                   int64_t *as_i, char *err, size_t errlen);

/* ---- "// offload: OPTIONS" lines ------------------------------------------ */

/* The options of every line of source[0..len) that starts (after blanks)
 * with "// offload:", split at blanks into NUL-terminated words in one
 * allocation. *words is NULL when there are none; free() it. A double quote
 * keeps blanks inside a word ("file(my data.bin)"). */
enum offload_status header_words(const char *source, size_t len, char ***words, int *count,
                                 char *err, size_t errlen);

#endif
