#ifndef OFFLOAD_UNITS_H
#define OFFLOAD_UNITS_H

/* Numbers with units for people, shared by the analysis and the reports. */

#include <stddef.h>

/* "12.3 ms", "1.20 s", "850 us": seconds with a unit that fits; "-" for a
 * negative or NaN value. */
const char *format_seconds(double s, char *buf, size_t len);

/* "80.0 MB" (powers of 1000). */
const char *format_bytes(double bytes, char *buf, size_t len);

#endif
