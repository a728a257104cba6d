#include "hostinfo.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void host_cpu_model(char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            const char *colon = strchr(line, ':');
            if (colon) {
                snprintf(buf, len, "%s", colon + 2);
                buf[strcspn(buf, "\n")] = '\0';
            }
            break;
        }
    }
    fclose(f);
}

/* From sysfs as lscpu reads it (glibc's sysconf reports the whole socket's
 * L3 on some virtual machines). */
double host_last_level_cache_bytes(void)
{
    double largest = 0;
    for (int index = 0; index < 8; index++) {
        char path[96];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        unsigned long value = 0;
        char unit = 0;
        if (fscanf(f, "%lu%c", &value, &unit) >= 1) {
            double bytes = (double)value * (unit == 'K' ? 1024.0 : unit == 'M' ? 1048576.0 : 1.0);
            largest = bytes > largest ? bytes : largest;
        }
        fclose(f);
    }
    return largest;
}

double host_physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0;
}
