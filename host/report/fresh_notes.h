#ifndef OFFLOAD_FRESH_NOTES_H
#define OFFLOAD_FRESH_NOTES_H

/* The notes of a run whose fresh ceilings differed from the cached ones. */

#include <stdio.h>

#include "fresh.h"

/* One "note: ..." paragraph per ceiling that differed beyond the noise,
 * each after `indent` and wrapped to text_width(); nothing when none did. */
void print_ceilings_notes(FILE *f, const char *indent, const struct ceilings_refresh *r);

/* "probes     ..." : what the probes around a run cost against its timed
 * seconds, their budget, the one-time setup kept apart, and each rate
 * (used, cached, before/after); nothing when nothing was probed. */
void print_ceilings_probe(FILE *f, const struct ceilings_refresh *r, double timed_s);

#endif
