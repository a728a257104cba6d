/* Notes on ceilings probed around a run (see fresh.h). */
#include "fresh_notes.h"

#include <stdio.h>
#include <string.h>

#include "units.h"

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

void print_ceilings_probe(FILE *f, const struct ceilings_refresh *r, double timed_s)
{
    if (!r->count)
        return;
    char text[CEILING_PROBES_MAX * 160 + 256], t1[32], t2[32], t3[32], t4[32];
    int n =
        snprintf(text, sizeof text,
                 "%s for two probes around the %s of timed runs (%.1f%%; each allowed %s; "
                 "one-time setup %s kept apart):",
                 format_seconds(r->seconds, t1, sizeof t1), format_seconds(timed_s, t2, sizeof t2),
                 timed_s > 0 ? 100 * r->seconds / timed_s : 0.0,
                 format_seconds(r->budget, t3, sizeof t3), format_seconds(r->setup, t4, sizeof t4));
    for (size_t i = 0; i < r->count && n > 0 && (size_t)n < sizeof text; i++) {
        const struct ceiling_probe *p = &r->probe[i];
        n += snprintf(text + n, sizeof text - (size_t)n,
                      "%s %s %.3g %s used (before %.3g, after %.3g, cached %.3g)", i ? ";" : "",
                      p->name, p->used / 1e9, p->unit, p->before / 1e9, p->after / 1e9,
                      p->cached / 1e9);
    }
    wrap_print(f, text_width(), "probes     ", "           ", text);
}
