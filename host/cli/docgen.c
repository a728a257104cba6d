/* The man page and the bash and zsh completions, written from the option
 * table at build time ('offload --generate man|bash|zsh FILE'), so they
 * list exactly the options the parser takes and --help shows. */
#include <limits.h>
#include <string.h>

#include "backend.h"
#include "fileio.h"
#include "help.h"
#include "options.h"
#include "message.h"

/* ---- shared ----------------------------------------------------------- */

/* The words a value or operand kind completes to, space separated. */
static const char *kind_words(enum value_kind kind, char *buf, size_t len)
{
    size_t ncmd, used = 0;
    const struct command_spec *cmds = command_table(&ncmd);
    buf[0] = '\0';
    switch (kind) {
    case VALUE_BACKEND:
        for (size_t i = 0; i < offload_backend_count && used < len; i++)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "",
                                     offload_backends[i]->name);
        return buf;
    case VALUE_KERNEL:
        for (int k = 0; k < KERNEL_BUILTIN_COUNT && used < len; k++)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", k ? " " : "",
                                     offload_kernels[k]->name);
        return buf;
    case VALUE_COMMAND:
        for (size_t i = 0; i < ncmd && used < len; i++)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", cmds[i].name);
        return buf;
    case VALUE_FORMAT:
        return "table markdown csv json";
    case VALUE_IMAGE:
        return "png svg pdf";
    case VALUE_MEMORY:
        return "copy pinned zero-copy";
    case VALUE_PAIRS:
        return "copy resident both";
    case VALUE_CEILINGS:
        return "fresh cached";
    case VALUE_ALGORITHM:
        return "naive fast"; /* compare also takes "both", its default */
    case VALUE_NONE:
    case VALUE_NUMBER:
    case VALUE_WORD:
    case VALUE_FILE:
    case VALUE_DIR:
    case VALUE_CHOICE: /* each row has its own (option_spec.choices) */
        break;
    }
    return buf;
}

static void add_word(char *list, size_t len, const char *word)
{
    size_t used = strlen(list);
    if (!word_in_list(list, word))
        snprintf(list + used, len - used, "%s%s", used ? " " : "", word);
}

/* Every spelling (-x, --name, --alias) of the rows that match: of one
 * command (commands != 0) or of one value kind. */
static const char *spellings(unsigned commands, int kind, char *buf, size_t len)
{
    size_t n;
    const struct option_spec *opts = option_table(&n);
    char word[64];
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (commands ? !(opts[i].commands & commands) : (int)opts[i].value != kind)
            continue;
        if (opts[i].short_name) {
            snprintf(word, sizeof word, "-%c", opts[i].short_name);
            add_word(buf, len, word);
        }
        snprintf(word, sizeof word, "--%s", opts[i].name);
        add_word(buf, len, word);
        if (opts[i].alias) {
            snprintf(word, sizeof word, "--%s", opts[i].alias);
            add_word(buf, len, word);
        }
    }
    return buf;
}

/* ---- man page ----------------------------------------------------------- */

/* Text for roff: backslashes and minus signs escaped, and a line that
 * would start with a control character protected. */
static void roff(FILE *f, const char *text)
{
    if (*text == '.' || *text == '\'')
        fputs("\\&", f);
    for (const char *p = text; *p; p++) {
        if (*p == '\\')
            fputs("\\e", f);
        else if (*p == '-')
            fputs("\\-", f);
        else
            fputc(*p, f);
    }
}

static void man_option(FILE *f, const struct option_spec *o)
{
    char buf[1024];
    fputs(".TP\n", f);
    if (o->short_name)
        fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB", f);
    roff(f, "--");
    roff(f, o->name);
    fputs("\\fR", f);
    if (o->metavar) {
        fputs(" \\fI", f);
        roff(f, o->metavar);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    roff(f, option_help(o, buf, sizeof buf));
    if (o->alias) {
        fputs(". Also \\fB", f);
        roff(f, "--");
        roff(f, o->alias);
        fputs("\\fR", f);
    }
    fputs(".\n", f);
}

static void man_commands(FILE *f)
{
    size_t ncmd, nopt;
    const struct command_spec *cmds = command_table(&ncmd);
    const struct option_spec *opts = option_table(&nopt);
    char buf[1024];
    fputs(".SH COMMANDS\n", f);
    for (size_t i = 0; i < ncmd; i++) {
        fprintf(f, ".SS \"offload %s%s", cmds[i].name, *cmds[i].operands ? " " : "");
        roff(f, cmds[i].operands);
        fputs("\"\n", f);
        roff(f, expand_kernels(cmds[i].description, buf, sizeof buf));
        fputc('\n', f);
        for (size_t k = 0; k < nopt; k++)
            if (opts[k].commands & cmds[i].bit)
                man_option(f, &opts[k]);
    }
}

static void man_tp(FILE *f, const char *term, const char *text)
{
    fputs(".TP\n\\fB", f);
    roff(f, term);
    fputs("\\fR\n", f);
    roff(f, text);
    fputc('\n', f);
}

static const char *const verdicts[][2] = {
    {"transfer-bound", "at least half of the end-to-end time is copying to and from the device"},
    {"launch-bound", "the kernel takes less than ten empty-kernel launches (or, on the host, so "
                     "little time that starting threads costs as much as the work)"},
    {"memory-bound", "the run is closer to the measured memory bandwidth ceiling than to the "
                     "sqrt throughput ceiling"},
    {"occupancy-bound", "a GPU launch has too few work-items to fill the device (a small share "
                        "of the work-items its compute units keep in flight) and the kernel is "
                        "far below its roofline"},
    {"compute-bound", "the run is closer to the measured sqrt (or compare) throughput ceiling "
                      "than to the memory bandwidth ceiling"},
};

static const char *const environment[][2] = {
    {"OFFLOAD_DATA_DIR", "folder holding AppleGenotypes.csv, the default genotype table "
                         "(default: ../share/offload next to the binary)"},
    {"OFFLOAD_CACHE_DIR", "where measured ceilings are cached (default: "
                          "$XDG_CACHE_HOME/offload, else ~/.cache/offload)"},
    {"XDG_CACHE_HOME", "the cache base folder when OFFLOAD_CACHE_DIR is not set"},
};

static void man_reference(FILE *f)
{
    fputs(".SH KERNELS\n", f);
    for (int k = 0; k < KERNEL_BUILTIN_COUNT; k++)
        man_tp(f, offload_kernels[k]->name, offload_kernels[k]->help);
    fputs(".SH BACKENDS\n", f);
    for (size_t i = 0; i < offload_backend_count; i++)
        man_tp(f, offload_backends[i]->name, offload_backends[i]->summary);
    fputs(".PP\n", f);
    roff(f, "A backend with devices takes a selector, NAME:SEL, where SEL is P.D (platform.device,"
            " counted from 0, as offload devices shows) or a case-insensitive part of the device"
            " name, e.g. opencl:0.0 or opencl:gpu.");
    fputs("\n.SH VERDICTS\nEach result gets one verdict and a sentence saying why:\n", f);
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++)
        man_tp(f, verdicts[i][0], verdicts[i][1]);
    fputs(".SH \"EXIT STATUS\"\n", f);
    for (size_t i = 0; i < 4; i++) {
        char code[2] = {exit_status_lines[i][0], '\0'};
        man_tp(f, code, exit_status_lines[i] + 3);
    }
    fputs(".SH ENVIRONMENT\n", f);
    for (size_t i = 0; i < sizeof environment / sizeof environment[0]; i++)
        man_tp(f, environment[i][0], environment[i][1]);
    for (size_t b = 0; b < offload_backend_count; b++)
        for (size_t i = 0; i < offload_backends[b]->environment_count; i++)
            man_tp(f, offload_backends[b]->environment[i].name,
                   offload_backends[b]->environment[i].help);
}

static enum offload_status write_man(FILE *f, void *ctx)
{
    (void)ctx;
    fprintf(f,
            ".\\\" Generated by 'offload --generate man' from the option table; do not "
            "edit.\n.TH OFFLOAD 1 \"\" \"offload %s\" \"User Commands\"\n"
            ".SH NAME\noffload \\- where parallel and offloaded compute pays off\n"
            ".SH SYNOPSIS\n.B offload\n.I COMMAND\n.RI [ options ]\n.br\n.B offload\n"
            ".BR \\-h \" | \" \\-\\-help \" | \" \\-V \" | \" \\-\\-version\n"
            ".SH DESCRIPTION\n",
            OFFLOAD_VERSION);
    roff(f, "offload runs the same kernels on serial C, OpenMP threads and OpenCL devices, "
            "times every phase, checks every result against the serial reference and says why "
            "one backend wins: transfer-bound, memory-bound, compute-bound or launch-bound.");
    fputs("\n.PP\n", f);
    roff(f, "Options take their value as the next argument or after '=' (--size=1M); short "
            "flags also attached (-t2). --backend and --backends are the same option "
            "everywhere: run and scores take one backend, compare, sweep and calibrate a "
            "comma list. Usage errors name the nearest option, command, kernel or backend.");
    fputs("\n.SH \"GLOBAL OPTIONS\"\n", f);
    man_tp(f, "-h, --help", "the overview, or with a command its options");
    man_tp(f, "-V, --version", "version and licence");
    man_commands(f);
    man_reference(f);
    fputs(".SH FILES\n", f);
    man_tp(f, "share/offload/AppleGenotypes.csv", "the bundled genotype table (MIT licence)");
    man_tp(f, "~/.cache/offload", "measured ceilings, one file per backend and device");
    fputs(".SH EXAMPLES\n.nf\n", f);
    roff(f, "offload compare\noffload run sumsqrt -b opencl:gpu -r 5\n"
            "offload compare sqrt -b serial,openmp -t 1,2 -f json -o results.json\n"
            "offload sweep sqrt --sizes 1k:64k:x2\noffload scores --percent 5,100\n"
            "offload devices -f csv\n");
    fputs(".fi\n.SH \"SEE ALSO\"\n.BR clinfo (1),\n.BR hyperfine (1)\n", f);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

/* ---- bash --------------------------------------------------------------- */

/* "        -f|--format) COMPREPLY=(...); return ;;" for one value kind. */
static void bash_value_case(FILE *f, enum value_kind kind, const char *action)
{
    char list[512], pattern[512];
    spellings(0, (int)kind, list, sizeof list);
    if (!*list)
        return;
    snprintf(pattern, sizeof pattern, "%s", list);
    for (char *p = pattern; *p; p++)
        if (*p == ' ')
            *p = '|';
    fprintf(f, "        %s)\n            %s\n            return ;;\n", pattern, action);
}

static void bash_value_cases(FILE *f)
{
    static const enum value_kind word_kinds[] = {VALUE_FORMAT, VALUE_IMAGE, VALUE_MEMORY, VALUE_PAIRS,
                                                 VALUE_ALGORITHM, VALUE_CEILINGS};
    char words[512], action[700];
    fputs("    case $prev in\n", f);
    snprintf(action, sizeof action,
             "local head=\"\"; [[ $cur == *,* ]] && head=${cur%%,*},\n"
             "            COMPREPLY=($(compgen -P \"$head\" -W \"%s\" -- \"${cur##*,}\"))",
             kind_words(VALUE_BACKEND, words, sizeof words));
    bash_value_case(f, VALUE_BACKEND, action);
    for (size_t i = 0; i < sizeof word_kinds / sizeof word_kinds[0]; i++) {
        snprintf(action, sizeof action, "COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))",
                 kind_words(word_kinds[i], words, sizeof words));
        bash_value_case(f, word_kinds[i], action);
    }
    size_t nopt;
    const struct option_spec *opts = option_table(&nopt);
    for (size_t i = 0; i < nopt; i++)
        if (opts[i].value == VALUE_CHOICE)
            fprintf(f,
                    "        --%s)\n            COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n"
                    "            return ;;\n",
                    opts[i].name, option_owned(&opts[i], NULL)->choices);
    bash_value_case(f, VALUE_FILE,
                    "compopt -o filenames 2>/dev/null\n"
                    "            COMPREPLY=($(compgen -f -- \"$cur\"))");
    bash_value_case(f, VALUE_DIR,
                    "compopt -o filenames 2>/dev/null\n"
                    "            COMPREPLY=($(compgen -d -- \"$cur\"))");
    bash_value_case(f, VALUE_NUMBER, ":");
    bash_value_case(f, VALUE_WORD, ":");
    fputs("    esac\n", f);
}

static enum offload_status write_bash(FILE *f, void *ctx)
{
    (void)ctx;
    size_t ncmd;
    const struct command_spec *cmds = command_table(&ncmd);
    char opts[1024], words[512];
    fprintf(f,
            "# bash completion for offload(1)\n"
            "# Generated by 'offload --generate bash' from the option table; do not edit.\n"
            "_offload()\n{\n"
            "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
            "    if [[ $COMP_CWORD -eq 1 ]]; then\n"
            "        COMPREPLY=($(compgen -W \"%s -h --help -V --version\" -- \"$cur\"))\n"
            "        return\n    fi\n",
            kind_words(VALUE_COMMAND, words, sizeof words));
    bash_value_cases(f);
    fputs("    local opts=\"\" operands=\"\"\n    case ${COMP_WORDS[1]} in\n", f);
    for (size_t i = 0; i < ncmd; i++) {
        const char *operands = cmds[i].operand == VALUE_FILE
                                   ? "@FILE"
                                   : kind_words(cmds[i].operand, words, sizeof words);
        fprintf(f, "        %s) opts=\"%s\"; operands=\"%s\" ;;\n", cmds[i].name,
                cmds[i].bit ? spellings(cmds[i].bit, 0, opts, sizeof opts) : "", operands);
    }
    fputs("    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
          "    elif [[ $operands == @FILE ]]; then\n"
          "        compopt -o filenames 2>/dev/null\n"
          "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "    else\n"
          "        COMPREPLY=($(compgen -W \"$operands\" -- \"$cur\"))\n"
          "    fi\n"
          "}\n"
          "complete -F _offload offload\n",
          f);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

/* ---- zsh ---------------------------------------------------------------- */

/* The first clause of a help text, safe inside '...[...]' of _arguments:
 * quotes escaped, brackets and colons replaced, parentheses balanced. */
static void zsh_text(FILE *f, const char *text)
{
    int open = 0;
    for (const char *p = text; *p && *p != ';'; p++) {
        if (*p == '\'')
            fputs("'\\''", f);
        else if (*p == '[' || *p == ']')
            fputc(*p == '[' ? '<' : '>', f);
        else if (*p == ':')
            fputs(" -", f);
        else
            fputc(*p, f);
        open += (*p == '(') - (*p == ')');
    }
    for (; open > 0; open--)
        fputc(')', f);
}

/* ":backend:(serial openmp opencl)" and friends. */
static void zsh_action(FILE *f, const struct option_spec *o)
{
    char words[512];
    switch (o->value) {
    case VALUE_BACKEND:
        fprintf(f, ":backend:_sequence compadd - %s",
                kind_words(VALUE_BACKEND, words, sizeof words));
        return;
    case VALUE_FILE:
        fputs(":file:_files", f);
        return;
    case VALUE_DIR:
        fputs(":folder:_files -/", f);
        return;
    case VALUE_NONE:
        return;
    default:
        break;
    }
    const char *w = o->value == VALUE_CHOICE ? option_owned(o, NULL)->choices
                                             : kind_words(o->value, words, sizeof words);
    fputc(':', f);
    zsh_text(f, o->metavar);
    fputc(':', f);
    if (*w)
        fprintf(f, "(%s)", w);
    else
        fputs(" ", f);
}

static void zsh_option(FILE *f, const struct option_spec *o)
{
    char buf[1024], names[3][48];
    size_t n = 0;
    const char *value = o->metavar ? "=" : "";
    if (o->short_name)
        snprintf(names[n++], sizeof names[0], "-%c%s", o->short_name, o->metavar ? "+" : "");
    snprintf(names[n++], sizeof names[0], "--%s%s", o->name, value);
    if (o->alias)
        snprintf(names[n++], sizeof names[0], "--%s%s", o->alias, value);
    /* '(-b --backend --backends)'{-b+,--backend=,--backends=}'[...]...' */
    fputs("        '(", f);
    if (o->short_name)
        fprintf(f, "-%c ", o->short_name);
    fprintf(f, "--%s%s%s)", o->name, o->alias ? " --" : "", o->alias ? o->alias : "");
    if (n == 1) {
        fputs(names[0], f);
    } else {
        fputs("'{", f);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s%s", i ? "," : "", names[i]);
        fputs("}'", f);
    }
    fputc('[', f);
    zsh_text(f, option_help(o, buf, sizeof buf));
    fputc(']', f);
    zsh_action(f, o);
    fputs("' \\\n", f);
}

static void zsh_command(FILE *f, const struct command_spec *cmd)
{
    size_t nopt;
    const struct option_spec *opts = option_table(&nopt);
    char words[512];
    if (!cmd->bit && cmd->operand == VALUE_NONE) {
        fprintf(f, "    (%s)\n      _message 'no arguments'\n      ;;\n", cmd->name);
        return;
    }
    fprintf(f, "    (%s)\n      _arguments -s -S \\\n", cmd->name);
    for (size_t i = 0; i < nopt; i++)
        if (opts[i].commands & cmd->bit)
            zsh_option(f, &opts[i]);
    const char *many = cmd->bit == CMD_COMPARE ? "*" : "1";
    if (cmd->operand == VALUE_FILE)
        fprintf(f, "        '%s:file:_files'\n", many);
    else if (cmd->operand != VALUE_NONE)
        fprintf(f, "        '%s:%s:(%s)'\n", many,
                cmd->operand == VALUE_KERNEL ? "kernel" : "command",
                kind_words(cmd->operand, words, sizeof words));
    else
        fputs("        \n", f);
    fputs("      ;;\n", f);
}

static enum offload_status write_zsh(FILE *f, void *ctx)
{
    (void)ctx;
    size_t ncmd;
    const struct command_spec *cmds = command_table(&ncmd);
    fputs("#compdef offload\n"
          "# zsh completion for offload(1)\n"
          "# Generated by 'offload --generate zsh' from the option table; do not edit.\n\n"
          "_offload() {\n  local -a commands\n  commands=(\n",
          f);
    for (size_t i = 0; i < ncmd; i++) {
        fprintf(f, "    '%s:", cmds[i].name);
        zsh_text(f, cmds[i].summary);
        fputs("'\n", f);
    }
    fputs("  )\n"
          "  if (( CURRENT == 2 )); then\n"
          "    _describe -t commands 'offload command' commands\n"
          "    _arguments '(- *)'{-h,--help}'[the overview]' '(- *)'{-V,--version}'[version]'\n"
          "    return\n  fi\n"
          "  local cmd=${words[2]}\n  shift words\n  (( CURRENT-- ))\n"
          "  curcontext=\"${curcontext%:*:*}:offload-$cmd:\"\n"
          "  case $cmd in\n",
          f);
    for (size_t i = 0; i < ncmd; i++)
        zsh_command(f, &cmds[i]);
    fputs("  esac\n}\n\n_offload \"$@\"\n", f);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

enum offload_status generate_docs(const char *kind, const char *path)
{
    file_writer_fn writer = strcmp(kind, "man") == 0    ? write_man
                            : strcmp(kind, "bash") == 0 ? write_bash
                            : strcmp(kind, "zsh") == 0  ? write_zsh
                                                        : NULL;
    if (!writer)
        return usage_error("--generate: '%s' is not man, bash or zsh", kind);
    char err[PATH_MAX + 256];
    enum offload_status st = write_file_atomic(path, writer, NULL, err, sizeof err);
    if (st != OFFLOAD_OK)
        offload_error("%s\n", err);
    return st;
}
