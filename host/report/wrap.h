#ifndef OFFLOAD_WRAP_H
#define OFFLOAD_WRAP_H

/* Text output that fits the terminal: the width to use and paragraphs
 * wrapped to it with a hanging indent. */

#include <stdio.h>

/* The narrowest width offload lays text out for (its compact tables). */
#define TEXT_MIN_WIDTH 72
/* Without COLUMNS and without a terminal to ask. */
#define TEXT_DEFAULT_WIDTH 100

/* COLUMNS when it is a number, else the terminal's own width (standard
 * output), else TEXT_DEFAULT_WIDTH; never below TEXT_MIN_WIDTH. */
int text_width(void);

/* Writes first then text, wrapped at spaces so no line is wider than
 * width; continuation lines start with rest. A word longer than a line is
 * cut (never a line over width). Ends with a newline. */
void wrap_print(FILE *f, int width, const char *first, const char *rest, const char *text);

#endif
