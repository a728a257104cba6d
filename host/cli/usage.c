/* Usage errors and exit codes the commands share: "offload: ..." with where
 * to find help, the partial exit, kernel names from the kernel table. */
#include <string.h>

#include "commands.h"
#include "options.h"
#include "message.h"

/* The command being parsed, for "Run 'offload help COMMAND'". */
static const char *usage_of;

void usage_command(const char *command)
{
    usage_of = command;
}

enum offload_status usage_error(const char *fmt, ...)
{
    /* One message, written at once (ranks share stderr). */
    char what[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (usage_of)
        offload_error("%s\nRun 'offload help %s' for its options.\n", what, usage_of);
    else
        offload_error("%s\nRun 'offload --help' for usage.\n", what);
    return OFFLOAD_ERR_USAGE;
}

int partial_exit(int worst, size_t unavailable, size_t ran)
{
    if (worst || !unavailable)
        return worst;
    return ran ? OFFLOAD_EXIT_PARTIAL : OFFLOAD_ERR_RUN;
}

/* Usage errors about kernels, with the list from the kernel table. */
enum offload_status unknown_kernel_error(const char *name)
{
    char names[KERNEL_NAME_LIST_MAX];
    struct suggestion s;
    suggest_init(&s, name, strlen(name));
    for (int k = 0; k < KERNEL_BUILTIN_COUNT; k++)
        suggest_consider(&s, offload_kernels[k]->name);
    if (s.best)
        return usage_error("unknown kernel '%s': did you mean '%s'? use %s", name, s.best,
                           kernel_name_list(names, sizeof names));
    return usage_error("unknown kernel '%s': use %s", name, kernel_name_list(names, sizeof names));
}

enum offload_status kernel_needed_error(const char *command)
{
    char names[KERNEL_NAME_LIST_MAX];
    return usage_error("%s needs one kernel: %s", command, kernel_name_list(names, sizeof names));
}
