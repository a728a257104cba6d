#ifndef OFFLOAD_OPTIONS_H
#define OFFLOAD_OPTIONS_H

/* The one table of commands and options. The parser (cli.c), --help
 * (help.c), the man page and the shell completions (docgen.c) all read it,
 * so they cannot drift apart. */

#include <stddef.h>

#include "commands.h"
#include "suggest.h"

/* What an option's value or a command's operands are, for completions. */
enum value_kind {
    VALUE_NONE,      /* a flag */
    VALUE_NUMBER,    /* a count, size, time or list of them */
    VALUE_BACKEND,   /* a backend, or a comma list of them */
    VALUE_FORMAT,    /* table, markdown, csv, json */
    VALUE_IMAGE,     /* png, svg, pdf */
    VALUE_CHOICE,    /* one of a backend's own option's choices (option_owned) */
    VALUE_MEMORY,    /* copy, pinned, zero-copy */
    VALUE_PAIRS,     /* copy, resident, both (markers --pairs) */
    VALUE_CEILINGS,  /* fresh, cached */
    VALUE_ALGORITHM, /* naive, fast (and both for compare) */
    VALUE_FILE,      /* a file name */
    VALUE_DIR,       /* a folder */
    VALUE_KERNEL,    /* kernel names (operands) */
    VALUE_COMMAND,   /* command names (operands of help) */
    VALUE_WORD       /* free text: a name or a spec */
};

struct command_spec {
    const char *name;
    unsigned bit;            /* enum command_bit; 0 for help and version */
    const char *operands;    /* after the name in the synopsis, e.g. "KERNEL [options]" */
    enum value_kind operand; /* what the operands are */
    const char *summary;     /* one line for the overview */
    /* What it does; "{kernels}" stands for the kernel list. */
    const char *description;
};

struct option_spec {
    enum option_id id;
    const char *name;    /* long name without "--" */
    const char *alias;   /* a second long name for the same option, or NULL */
    char short_name;     /* 0 when none */
    const char *metavar; /* NULL for a flag */
    enum value_kind value;
    unsigned commands; /* the commands this row (and its help) applies to */
    const char *help;  /* NULL: help_fn writes it from the kernel table */
    void (*help_fn)(char *buf, size_t len);
};

/* A backend's own option behind a row (id >= OPT_BACKEND_OWN_FIRST), with
 * the backend that declared it; NULL for the command line's own rows. */
const struct backend_option *option_owned(const struct option_spec *o,
                                          const struct backend_ops **owner);

/* Every command, in the order the overview lists them. */
const struct command_spec *command_table(size_t *count);
/* Every option row; one option may have a row per group of commands. The
 * backends' own options follow the command line's rows. */
const struct option_spec *option_table(size_t *count);

/* A command by name (help and version included); NULL when unknown. */
const struct command_spec *command_find(const char *name);

/* The row of option NAME (long name or alias, len characters) or short
 * letter for a command; NULL when the command has no such option. */
const struct option_spec *option_find_long(unsigned command, const char *name, size_t len);
const struct option_spec *option_find_short(unsigned command, char letter);
/* Some command's row of a long name, to say where an option belongs. */
const struct option_spec *option_find_any(const char *name, size_t len);

/* The options of ops's own, as backend_config.options takes them. */
void backend_options_from_cli(const struct cli *c, const struct backend_ops *ops,
                              const char *values[BACKEND_MAX_OPTIONS]);

/* Whether the space-separated list holds word exactly (a backend option's
 * choices, the completions' word lists). */
int word_in_list(const char *list, const char *word);

/* The help text of a row (help or help_fn). */
const char *option_help(const struct option_spec *o, char *buf, size_t len);
/* "{kernels}" in text replaced by the kernel list. */
const char *expand_kernels(const char *text, char *buf, size_t len);

/* The closest long option of a command to name[0..len), NULL if none. */
const char *suggest_option(unsigned command, const char *name, size_t len);
/* The closest command name, NULL if none. */
const char *suggest_command(const char *name);

#endif
