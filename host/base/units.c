#include "units.h"

#include <stdio.h>

const char *format_seconds(double s, char *buf, size_t len)
{
    if (!(s >= 0))
        snprintf(buf, len, "-");
    else if (s >= 1.0)
        snprintf(buf, len, "%.3g s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.3g ms", s * 1e3);
    else if (s >= 1e-6)
        snprintf(buf, len, "%.3g us", s * 1e6);
    else
        snprintf(buf, len, "%.3g ns", s * 1e9);
    return buf;
}

const char *format_bytes(double bytes, char *buf, size_t len)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4) {
        bytes /= 1000;
        u++;
    }
    snprintf(buf, len, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
    return buf;
}
