#ifndef OFFLOAD_LINK_TEXT_H
#define OFFLOAD_LINK_TEXT_H

#include <stdio.h>

#include "ranks.h"

/* A table of the link's latency and bandwidth both ways by message size. */
void report_link(FILE *f, const struct link_point *points, size_t count, int ranks);

#endif
