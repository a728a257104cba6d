#include "wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int text_width(void)
{
    int width = 0;
    const char *cols = getenv("COLUMNS");
    if (cols && *cols) {
        char *end;
        long v = strtol(cols, &end, 10);
        if (*end == '\0' && v > 0 && v < 10000)
            width = (int)v;
    }
    struct winsize ws;
    if (!width && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0)
        width = ws.ws_col;
    if (!width)
        width = TEXT_DEFAULT_WIDTH;
    return width < TEXT_MIN_WIDTH ? TEXT_MIN_WIDTH : width;
}

void wrap_print(FILE *f, int width, const char *first, const char *rest, const char *text)
{
    const char *prefix = first;
    if ((int)strlen(first) > width - 16) {
        /* A label too long to leave room for text: the label wrapped on
         * lines of its own (keeping its indent), the text after it. */
        size_t lead = strspn(first, " ");
        char indent[64];
        snprintf(indent, sizeof indent, "%.*s", (int)(lead < 63 ? lead : 63), first);
        wrap_print(f, width, indent, rest, first + lead);
        prefix = rest;
    }
    const char *p = text;
    while (*p == ' ')
        p++;
    do {
        int room = width - (int)strlen(prefix);
        if (room < 16)
            room = 16; /* a prefix near the width still gets some text */
        size_t len = strlen(p), take = len;
        if (len > (size_t)room) {
            /* The last space within the room; none: cut the word. */
            take = (size_t)room;
            while (take > 0 && p[take] != ' ')
                take--;
            if (take == 0)
                take = (size_t)room;
        }
        size_t shown = take;
        while (shown > 0 && p[shown - 1] == ' ')
            shown--;
        fprintf(f, "%s%.*s\n", prefix, (int)shown, p);
        p += take;
        while (*p == ' ')
            p++;
        prefix = rest;
    } while (*p);
}
