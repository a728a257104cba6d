#ifndef OFFLOAD_FRESH_NOTES_H
#define OFFLOAD_FRESH_NOTES_H

/* The notes of a run whose fresh ceilings differed from the cached ones. */

#include <stdio.h>

#include "fresh.h"

/* One "note: ..." paragraph per ceiling that differed beyond the noise,
 * each after `indent` and wrapped to text_width(); nothing when none did. */
void print_ceilings_notes(FILE *f, const char *indent, const struct ceilings_refresh *r);

#endif
