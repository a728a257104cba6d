/* --help and 'offload help', printed from the option table. */
#include "help.h"

#include <string.h>

#include "options.h"

#define HELP_WIDTH 79
#define HELP_COLUMN 24 /* where an option's help starts */

const char *const exit_status_lines[4] = {
    "0  success",
    "1  a run failed (device error or wrong result)",
    "2  usage or input error",
    /* One line, kept whole: the parentheses say the concatenation is meant. */
    ("3  partial: some backends or devices could not start here; the others ran and are reported "
     "(compare, sweep, calibrate)"),
};

void print_wrapped(FILE *f, const char *text, int col, int indent, int width)
{
    const char *p = text;
    int line_start = 1;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t word = strcspn(p, " ");
        if (word == 0)
            break;
        /* A word longer than a line still goes on one. */
        if (!line_start && col + 1 + (int)word > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (!line_start) {
            fputc(' ', f);
            col++;
        }
        line_start = 0;
        fprintf(f, "%.*s", (int)word, p);
        col += (int)word;
        p += word;
    }
    fputc('\n', f);
}

void print_main_usage(FILE *f)
{
    size_t n;
    const struct command_spec *cmds = command_table(&n);
    fputs("usage: offload COMMAND [options]\n"
          "\n"
          "Runs the same kernels on serial C, OpenMP threads and OpenCL devices, times\n"
          "every phase, checks every result against the serial reference and says why\n"
          "one backend wins: transfer-bound, memory-bound, compute-bound or launch-bound.\n"
          "\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < n; i++) {
        /* "compare [KERNEL...]": the operands without "[options]". */
        const char *ops = cmds[i].operands, *opt = strstr(ops, "[options]");
        int len = opt ? (int)(opt - ops) : (int)strlen(ops);
        while (len > 0 && ops[len - 1] == ' ')
            len--;
        char left[64];
        snprintf(left, sizeof left, "%s%s%.*s", cmds[i].name, len ? " " : "", len, ops);
        fprintf(f, "  %-19s %s\n", left, cmds[i].summary);
    }
    fputs("\nkernels:\n", f);
    for (int k = 0; k < KERNEL_BUILTIN_COUNT; k++)
        fprintf(f, "  %-8s %s\n", offload_kernels[k]->name, offload_kernels[k]->help);
    fputs("\nRun 'offload help COMMAND' or 'offload COMMAND --help' for its options.\n"
          "Short flags: -b backend(s), -t threads, -r repeat, -o output, -f format,\n"
          "-h help, -V version.\n"
          "\nexit status:\n",
          f);
    for (size_t i = 0; i < 4; i++) {
        fprintf(f, "  %.1s  ", exit_status_lines[i]);
        print_wrapped(f, exit_status_lines[i] + 3, 5, 5, HELP_WIDTH);
    }
}

/* "-b, --backend B" or "    --size N": the left column of an option. */
static void option_left(const struct option_spec *o, char *buf, size_t len)
{
    char letter[8] = "    ";
    if (o->short_name)
        snprintf(letter, sizeof letter, "-%c, ", o->short_name);
    snprintf(buf, len, "%s--%s%s%s", letter, o->name, o->metavar ? " " : "",
             o->metavar ? o->metavar : "");
}

void print_command_help(FILE *f, const struct command_spec *cmd)
{
    size_t nopt;
    const struct option_spec *opts = option_table(&nopt);
    char text[1024], left[64];
    fprintf(f, "usage: offload %s%s%s\n\n", cmd->name, *cmd->operands ? " " : "", cmd->operands);
    print_wrapped(f, expand_kernels(cmd->description, text, sizeof text), 0, 0, HELP_WIDTH);
    if (!cmd->bit)
        return;
    fputs("\noptions:\n", f);
    for (size_t i = 0; i < nopt; i++) {
        const struct option_spec *o = &opts[i];
        if (!(o->commands & cmd->bit))
            continue;
        option_left(o, left, sizeof left);
        const char *help = option_help(o, text, sizeof text);
        char with_alias[1100];
        if (o->alias) {
            snprintf(with_alias, sizeof with_alias, "%s (also --%s)", help, o->alias);
            help = with_alias;
        }
        if ((int)strlen(left) + 2 >= HELP_COLUMN - 1)
            fprintf(f, "  %s\n%*s", left, HELP_COLUMN, "");
        else
            fprintf(f, "  %-*s", HELP_COLUMN - 2, left);
        print_wrapped(f, help, HELP_COLUMN, HELP_COLUMN, HELP_WIDTH);
    }
}
