/* The man page and the completions the build wrote (DOC_DIR, argv[1]) hold
 * every option of every command of the option table, in that command's
 * part, and the man page documents kernels, verdicts, exit statuses and
 * environment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "help.h"
#include "options.h"

static const char *doc_dir;

static char *read_doc(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", doc_dir, name);
    char *text = read_whole_file(path, 1 << 20, NULL);
    if (!text)
        fail_msg("cannot read %s", path);
    return text;
}

/* The part of text from the line that starts with head to the next line
 * that starts with end (or the end), as a new string. */
static char *section(const char *text, const char *head, const char *end)
{
    const char *start = strstr(text, head);
    if (!start)
        fail_msg("no section '%s'", head);
    const char *stop = strstr(start + strlen(head), end);
    size_t len = stop ? (size_t)(stop - start) : strlen(start);
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, start, len);
    s[len] = '\0';
    return s;
}

/* "--name" as the man page writes it: every '-' as "\-". */
static void roff_dashes(const char *plain, char *out, size_t len)
{
    size_t n = 0;
    for (const char *p = plain; *p && n + 3 < len; p++) {
        if (*p == '-')
            out[n++] = '\\';
        out[n++] = *p;
    }
    out[n] = '\0';
}

static void expect_in(const char *where, const char *part, const char *command, const char *word)
{
    if (!strstr(part, word))
        fail_msg("%s: '%s' missing for command %s", where, word, command);
}

/* Every spelling of every row in the part of each file for each command. */
static void test_every_option_everywhere(void **state)
{
    (void)state;
    char *man = read_doc("offload.1"), *bash = read_doc("offload.bash"),
         *zsh = read_doc("_offload");
    size_t ncmd, nopt;
    const struct command_spec *cmds = command_table(&ncmd);
    const struct option_spec *opts = option_table(&nopt);
    size_t checked = 0;
    for (size_t c = 0; c < ncmd; c++) {
        if (!cmds[c].bit)
            continue;
        char head[64], word[64], roffed[128];
        snprintf(head, sizeof head, ".SS \"offload %s ", cmds[c].name);
        char *m = section(man, head, ".S");
        snprintf(head, sizeof head, "        %s) opts=", cmds[c].name);
        char *b = section(bash, head, "\n");
        snprintf(head, sizeof head, "    (%s)\n", cmds[c].name);
        char *z = section(zsh, head, ";;");
        for (size_t o = 0; o < nopt; o++) {
            if (!(opts[o].commands & cmds[c].bit))
                continue;
            const char *names[2] = {opts[o].name, opts[o].alias};
            for (int k = 0; k < 2 && names[k]; k++) {
                snprintf(word, sizeof word, "--%s", names[k]);
                roff_dashes(word, roffed, sizeof roffed);
                expect_in("offload.1", m, cmds[c].name, roffed);
                /* The first option of a command follows the opening quote. */
                snprintf(word, sizeof word, "\"--%s ", names[k]);
                if (!strstr(b, word)) {
                    snprintf(word, sizeof word, " --%s", names[k]);
                    expect_in("offload.bash", b, cmds[c].name, word);
                }
                snprintf(word, sizeof word, "--%s", names[k]);
                expect_in("_offload", z, cmds[c].name, word);
            }
            if (opts[o].short_name) {
                snprintf(word, sizeof word, "\\-%c", opts[o].short_name);
                expect_in("offload.1", m, cmds[c].name, word);
                snprintf(word, sizeof word, "\"-%c ", opts[o].short_name);
                if (!strstr(b, word)) {
                    snprintf(word, sizeof word, " -%c ", opts[o].short_name);
                    expect_in("offload.bash", b, cmds[c].name, word);
                }
                snprintf(word, sizeof word, "-%c", opts[o].short_name);
                expect_in("_offload", z, cmds[c].name, word);
            }
            checked++;
        }
        free(m);
        free(b);
        free(z);
    }
    assert_true(checked >= nopt);
    free(man);
    free(bash);
    free(zsh);
}

/* What the man page must say beyond the options. */
static void test_man_reference(void **state)
{
    (void)state;
    char *man = read_doc("offload.1");
    static const char *const words[] = {".SH KERNELS",
                                        ".SH VERDICTS",
                                        ".SH \"EXIT STATUS\"",
                                        ".SH ENVIRONMENT",
                                        "transfer\\-bound",
                                        "memory\\-bound",
                                        "compute\\-bound",
                                        "launch\\-bound",
                                        "OFFLOAD_DATA_DIR",
                                        "OFFLOAD_CACHE_DIR",
                                        "XDG_CACHE_HOME",
                                        "\\-\\-version",
                                        "\\-V"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        expect_in("offload.1", man, "-", words[i]);
    /* Each built-in backend's environment (OMP_*, the OpenCL loader's and
     * PoCL's variables where OpenCL is built). */
    char *environment = section(man, ".SH ENVIRONMENT", ".SH");
    for (size_t b = 0; b < offload_backend_count; b++)
        for (size_t i = 0; i < offload_backends[b]->environment_count; i++)
            expect_in("offload.1 ENVIRONMENT", environment, offload_backends[b]->name,
                      offload_backends[b]->environment[i].name);
    assert_non_null(backend_find("openmp"));
    assert_true(backend_find("openmp")->environment_count > 0);
    free(environment);
    char *status = section(man, ".SH \"EXIT STATUS\"", ".SH");
    for (const char *code = "0123"; *code; code++) {
        char tp[16];
        snprintf(tp, sizeof tp, ".TP\n\\fB%c\\fR", *code);
        expect_in("offload.1 EXIT STATUS", status, "-", tp);
    }
    for (int k = 0; k < KERNEL_BUILTIN_COUNT; k++)
        expect_in("offload.1", man, "-", offload_kernels[k]->name);
    free(status);
    free(man);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_docs DOC_DIR\n");
        return 2;
    }
    doc_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_option_everywhere),
        cmocka_unit_test(test_man_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
