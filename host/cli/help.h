#ifndef OFFLOAD_HELP_H
#define OFFLOAD_HELP_H

/* Texts made from the option table (options.c): --help and 'offload help'
 * (help.c), the man page and the bash and zsh completions (docgen.c). */

#include <stdio.h>

#include "status.h"

/* The overview: commands, kernels, exit status. */
void print_main_usage(FILE *f);
struct command_spec;
/* One command's synopsis, description and options. */
void print_command_help(FILE *f, const struct command_spec *cmd);

/* text from column col on, wrapped at width; continuation lines start at
 * indent. */
void print_wrapped(FILE *f, const char *text, int col, int indent, int width);

/* The exit statuses, one line each, shared by --help and the man page. */
extern const char *const exit_status_lines[4];

/* 'offload --generate man|bash|zsh [FILE]': writes the man page or a
 * completion script to FILE (atomically) or standard output. */
enum offload_status generate_docs(const char *kind, const char *path);

#endif
