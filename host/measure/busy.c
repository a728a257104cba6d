#include "busy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "timing.h"

double busy_seconds_from_proc_stat(const char *text, double ticks_per_s)
{
    if (!text || strncmp(text, "cpu ", 4) != 0 || ticks_per_s <= 0)
        return -1;
    /* user nice system idle iowait irq softirq steal: all but idle and
     * iowait are someone's work. */
    unsigned long long v[8] = {0};
    int n = sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7]);
    if (n < 4)
        return -1;
    double busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
    return busy / ticks_per_s;
}

static double machine_busy_now(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return -1;
    char line[512];
    double s = -1;
    if (fgets(line, sizeof line, f))
        s = busy_seconds_from_proc_stat(line, (double)sysconf(_SC_CLK_TCK));
    fclose(f);
    return s;
}

static double self_cpu_now(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* The 1-minute load average from /proc/loadavg; -1 without it. */
static double load_now(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double l = -1;
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

void load_probe_start(struct load_probe *p)
{
    p->load = load_now();
    p->machine_busy_s = machine_busy_now();
    p->self_cpu_s = self_cpu_now();
    p->wall = offload_now();
    p->ok = p->machine_busy_s >= 0 && p->self_cpu_s >= 0;
}

double load_probe_self_seconds(const struct load_probe *p)
{
    double self = self_cpu_now();
    return p && p->ok && self >= 0 ? self - p->self_cpu_s : 0;
}

void load_probe_finish(const struct load_probe *p, double peers_cpu_s, struct machine_load *out)
{
    double wall = offload_now() - p->wall;
    double machine = machine_busy_now(), self = self_cpu_now();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    memset(out, 0, sizeof *out);
    out->load_before = p->load;
    out->load_after = load_now();
    out->cores = cores > 0 ? (int)cores : 1;
    if (!p->ok || machine < 0 || self < 0 || wall < BUSY_MIN_WINDOW_S)
        return;
    double others = (machine - p->machine_busy_s) - (self - p->self_cpu_s) - peers_cpu_s;
    double share = others / (wall * out->cores);
    out->others_share = share < 0 ? 0 : share > 1 ? 1 : share;
    out->known = 1;
    out->busy = out->others_share >= BUSY_OTHERS_SHARE;
}

void machine_load_widen(struct machine_load *m, const struct load_probe *since,
                        double peers_cpu_s)
{
    if (m->known || !since || !since->ok)
        return;
    load_probe_finish(since, peers_cpu_s, m);
    m->whole_command = m->known;
}

void machine_load_merge(struct machine_load *a, const struct machine_load *b)
{
    if (!b->known)
        return;
    if (!a->known) {
        *a = *b;
        return;
    }
    if (b->others_share > a->others_share)
        a->others_share = b->others_share;
    if (b->load_before > a->load_before)
        a->load_before = b->load_before;
    if (b->load_after > a->load_after)
        a->load_after = b->load_after;
    a->busy |= b->busy;
}

const char *describe_machine_load(const struct machine_load *m, char *buf, size_t cap)
{
    if (!m->known)
        snprintf(buf, cap, "how busy the machine was is not known (too short a run)");
    else
        snprintf(buf, cap, "other processes used %.0f%% of the %d cores (load %.2g before; %.2g after)%s",
                 100 * m->others_share, m->cores, m->load_before, m->load_after,
                 m->whole_command ? " while the command ran" : "");
    return buf;
}
