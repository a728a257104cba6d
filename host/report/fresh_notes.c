/* Notes on ceilings probed around a run (see fresh.h). */
#include "fresh_notes.h"

#include <string.h>

#include "wrap.h"

void print_ceilings_notes(FILE *f, const char *indent, const struct ceilings_refresh *r)
{
    char text[CEILING_PROBES_MAX * 200];
    ceilings_refresh_note(r, text, sizeof text);
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        /* Wrapped to the width the rest of the text output uses, under its
         * own indent (as run's fields). */
        char first[96];
        snprintf(first, sizeof first, "%snote: ", indent);
        wrap_print(f, text_width(), first, indent, line);
        if (!end)
            break;
        line = end + 1;
    }
}
