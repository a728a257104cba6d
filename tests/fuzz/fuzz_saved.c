/* libFuzzer target: the reader of saved exports (offload report, compare
 * --baseline) on arbitrary bytes. A saved export may be truncated, edited by
 * hand, from another version or not an export at all: saved_run_parse must
 * refuse it with a message or read it, never crash, leak or read out of
 * bounds, and what it reads must be usable (every row's strings end). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "saved.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* Bad input is reported on stderr: run with -close_fd_mask=2 (as
     * .ci/checkers does) to keep the log short; crash reports still print. */
    struct saved_run run;
    if (saved_run_parse(text, "fuzz.json", &run) == OFFLOAD_OK) {
        volatile size_t sink = strlen(run.cpu) + strlen(run.build);
        for (size_t i = 0; i < run.count; i++) {
            const struct saved_row *r = &run.rows[i];
            char size_text[64];
            sink += strlen(r->kernel) + strlen(r->backend) + strlen(r->kind) + strlen(r->memory) +
                    strlen(saved_row_size(r, size_text, sizeof size_text));
        }
        (void)sink;
        saved_run_free(&run);
    }
    free(text);
    return 0;
}
