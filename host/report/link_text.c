/* The link between MPI ranks, as offload calibrate measured it. */
#include "link_text.h"

#include "units.h"

void report_link(FILE *f, const struct link_point *points, size_t count, int ranks)
{
    char size[32], lat[32];
    fprintf(f,
            "link between rank 0 and rank %d (%d ranks): latency is half a ping-pong round "
            "trip, bandwidth a window of messages one way (as the OSU micro-benchmarks)\n",
            ranks - 1, ranks);
    fprintf(f, "  %-10s %10s %14s %14s\n", "message", "latency", "0 -> last", "last -> 0");
    for (size_t i = 0; i < count; i++)
        fprintf(f, "  %-10s %10s %9.3g GB/s %9.3g GB/s\n",
                format_bytes((double)points[i].bytes, size, sizeof size),
                format_seconds(points[i].latency_s, lat, sizeof lat),
                points[i].to_last_bps / 1e9, points[i].from_last_bps / 1e9);
}
