#include "export.h"
#include "fileio.h"
#include "message.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "hostinfo.h"
#include "provenance.h"

enum offload_status result_set_add(struct result_set *set, const struct result_record *rec)
{
    if (set->count == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 16;
        struct result_record *items = realloc(set->items, cap * sizeof *items);
        if (!items) {
            offload_error("out of memory keeping results\n");
            return OFFLOAD_ERR_RUN;
        }
        set->items = items;
        set->cap = cap;
    }
    set->items[set->count++] = *rec;
    return OFFLOAD_OK;
}

void result_set_free(struct result_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        free(set->items[i].run);
    free(set->items);
    set->items = NULL;
    set->count = set->cap = 0;
}

/* Like export_csv_text, without the closing comma (for the last field). */
static void csv_word(FILE *f, const char *s)
{
    (void)csv_cell_guard(f, s); /* write errors show in ferror(f) */
    for (; s && *s; s++)
        fputc(*s == ',' ? ';' : (*s == '\n' || *s == '\r') ? ' ' : *s, f);
}

void export_csv_text(FILE *f, const char *s)
{
    csv_word(f, s);
    fputc(',', f);
}

/* A number, or an empty field when it does not apply. The C locale is in
 * force (the tool never calls setlocale), so the decimal mark is '.'. */
static void csv_number(FILE *f, double v, int applies)
{
    if (applies && isfinite(v))
        fprintf(f, "%.9g", v);
    fputc(',', f);
}

static const char *env_or_empty(const char *name)
{
    const char *v = getenv(name);
    return v ? v : "";
}

static const char *const csv_columns =
    "schema_version,tool_version,command,kernel,algorithm,backend,device,memory,threads,size,"
    "rows,cols,percent,repeats,setup_s,build_s,copy_in_min_s,kernel_min_s,kernel_median_s,"
    "kernel_mean_s,kernel_sd_s,copy_out_min_s,total_min_s,total_median_s,bytes,ops,op_unit,gbps,"
    "gops,ops_per_byte,peak_gbps,peak_gops,ceiling_fraction,verdict,reason,check,platform,"
    "driver,build_cached,omp_num_threads,omp_proc_bind,checksum,max_error,omp_places,"
    "git_commit,compiler,build,host_cpu,calibrated,scaling_exponent_total,"
    "scaling_exponent_kernel,break_even_versus,break_even_size,global_size,local_size,work_groups,"
    "machine_busy,others_cpu_share,baseline_one_rank_total_s,baseline_one_rank_kernel_s,"
    "speedup_over_one_rank,speedup_over_one_rank_kernel,link_gbps,link_source,kernel_source,"
    "source_hash,command_line\n";

/* "1024" or "256x10000": one number per dimension; "" when nothing ran. */
static const char *launch_sizes(const struct launch_shape *s, const size_t *sizes, char *buf,
                                size_t len)
{
    buf[0] = '\0';
    if (s->dims == 2)
        snprintf(buf, len, "%zux%zu", sizes[0], sizes[1]);
    else if (s->dims == 1)
        snprintf(buf, len, "%zu", sizes[0]);
    return buf;
}

/* The global_size, local_size and work_groups columns. */
static void csv_launch(FILE *f, const struct launch_shape *s)
{
    char buf[64];
    export_csv_text(f, launch_sizes(s, s->global, buf, sizeof buf));
    export_csv_text(f, launch_sizes(s, s->local, buf, sizeof buf));
    if (s->dims)
        fprintf(f, "%zu,", s->groups);
    else
        fputc(',', f);
}

/* The launch of a device kernel: sizes per dimension, work-groups, the
 * kernel's name and how many launches a call makes. */
static cJSON *json_launch(const struct launch_shape *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kernel", s->kernel);
    cJSON *global = cJSON_AddArrayToObject(o, "global_size");
    cJSON *local = cJSON_AddArrayToObject(o, "local_size");
    for (unsigned d = 0; d < s->dims && d < 2; d++) {
        cJSON_AddItemToArray(global, cJSON_CreateNumber((double)s->global[d]));
        cJSON_AddItemToArray(local, cJSON_CreateNumber((double)s->local[d]));
    }
    cJSON_AddNumberToObject(o, "work_groups", (double)s->groups);
    cJSON_AddNumberToObject(o, "work_items", (double)launch_work_items(s));
    cJSON_AddNumberToObject(o, "launches", s->launches);
    return o;
}

/* The sweep conclusion about a record's backend, NULL when none. */
static const struct sweep_conclusion *conclusion_of(const struct result_set *set,
                                                    const struct result_record *r)
{
    for (size_t i = 0; i < set->nconclusions; i++)
        if (strcmp(set->conclusions[i].backend, r->backend) == 0)
            return &set->conclusions[i];
    return NULL;
}

/* The four conclusion columns of a record (empty where none applies;
 * "never" when a compared backend never won in the range). */
static void csv_conclusion(FILE *f, const struct sweep_conclusion *k)
{
    csv_number(f, k ? k->exponent_total : 0, k && isfinite(k->exponent_total));
    csv_number(f, k ? k->exponent_kernel : 0, k && isfinite(k->exponent_kernel));
    export_csv_text(f, k ? k->versus : "");
    if (k && k->versus[0] && k->break_even > 0)
        csv_number(f, k->break_even, 1);
    else
        export_csv_text(f, k && k->versus[0] ? "never" : "");
}

/* Across ranks: rank 0 alone (best total and kernel), the speedups over
 * it, and the link rate the verdict states with where it came from; empty
 * on one rank. */
static void csv_ranks(FILE *f, const struct result_record *r)
{
    const struct analysis *a = &r->analysis;
    const int alone = r->run->alone.samples > 0;
    csv_number(f, a->one_rank_total_s, alone);
    csv_number(f, a->one_rank_kernel_s, alone);
    csv_number(f, a->speedup_total, alone && a->speedup_total > 0);
    csv_number(f, a->speedup_kernel, alone && a->speedup_kernel > 0);
    csv_number(f, a->link_gbps, a->link_source != NULL);
    export_csv_text(f, a->link_source ? a->link_source : "");
}

enum offload_status export_csv(FILE *f, const struct result_set *set)
{
    struct provenance prov;
    backend_provenance(&prov);
    fputs(csv_columns, f);
    for (size_t i = 0; i < set->count; i++) {
        const struct result_record *r = &set->items[i];
        const struct run_result *run = r->run;
        const struct analysis *a = &r->analysis;
        int scores = kernel_spec_of(r->kernel)->input == INPUT_GENOTYPES;
        fprintf(f, "%d,%s,%s,%s,%s,", EXPORT_SCHEMA_VERSION, OFFLOAD_VERSION, r->command,
                kernel_name(r->kernel), algorithm_name(r->alg));
        export_csv_text(f, r->backend);
        export_csv_text(f, r->info.device);
        export_csv_text(f, r->has_memory ? memory_mode_name(r->memory) : "-");
        fprintf(f, "%d,%zu,", r->info.threads, r->size);
        csv_number(f, (double)r->rows, scores);
        csv_number(f, (double)r->cols, scores);
        csv_number(f, r->percent, scores);
        fprintf(f, "%zu,", run->samples);
        csv_number(f, r->info.setup_s, 1);
        csv_number(f, r->info.build_s, 1);
        csv_number(f, run->stats[PHASE_COPY_IN].min, run->stats[PHASE_COPY_IN].n > 0);
        csv_number(f, run->stats[PHASE_KERNEL].min, 1);
        csv_number(f, run->stats[PHASE_KERNEL].median, 1);
        csv_number(f, run->stats[PHASE_KERNEL].mean, 1);
        csv_number(f, run->stats[PHASE_KERNEL].sd, 1);
        csv_number(f, run->stats[PHASE_COPY_OUT].min, run->stats[PHASE_COPY_OUT].n > 0);
        csv_number(f, run->stats[PHASE_TOTAL].min, 1);
        csv_number(f, run->stats[PHASE_TOTAL].median, 1);
        csv_number(f, a->work.bytes, 1);
        csv_number(f, a->work.ops, 1);
        export_csv_text(f, a->work.op_unit);
        csv_number(f, a->gbps, 1);
        csv_number(f, a->gops, 1);
        csv_number(f, a->ops_per_byte, 1);
        csv_number(f, a->peak_gbps, a->peak_gbps > 0);
        csv_number(f, a->peak_gops, a->peak_gops > 0);
        csv_number(f, a->ceiling_fraction, a->ceiling_fraction > 0);
        export_csv_text(f, verdict_name(a->verdict));
        export_csv_text(f, a->reason);
        export_csv_text(f, run->check.ok ? "OK" : "FAILED");
        export_csv_text(f, r->info.platform);
        export_csv_text(f, r->info.driver);
        fprintf(f, "%d,", r->info.build_cached);
        export_csv_text(f, env_or_empty("OMP_NUM_THREADS"));
        export_csv_text(f, env_or_empty("OMP_PROC_BIND"));
        csv_number(f, run->checksum, 1);
        fprintf(f, "%.9g,", run->check.max_error);
        export_csv_text(f, env_or_empty("OMP_PLACES"));
        export_csv_text(f, prov.git_commit);
        export_csv_text(f, prov.compiler);
        export_csv_text(f, prov.build);
        export_csv_text(f, prov.cpu);
        export_csv_text(f, r->has_ceilings ? r->ceilings.measured : "");
        csv_conclusion(f, conclusion_of(set, r));
        csv_launch(f, &r->launch);
        /* Marked so a busy run is never read as a quiet one. */
        export_csv_text(f, !run->load.known ? "" : run->load.busy ? "yes" : "no");
        csv_number(f, run->load.others_share, run->load.known);
        csv_ranks(f, r);
        /* A user's kernel: its file and the hash report matches it by. */
        const struct kernel_spec *spec = kernel_spec_of(r->kernel);
        export_csv_text(f, spec->source_hash ? spec->formula : "");
        export_csv_text(f, spec->source_hash ? spec->source_hash : "");
        for (int a = 0; a < set->argc; a++) {
            char word[256];
            snprintf(word, sizeof word, "%s%s", a ? " " : "", set->argv[a]);
            csv_word(f, word);
        }
        fputc('\n', f);
    }
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

static cJSON *json_stats(const struct sample_stats *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", (double)s->n);
    cJSON_AddNumberToObject(o, "min", s->min);
    cJSON_AddNumberToObject(o, "median", s->median);
    cJSON_AddNumberToObject(o, "mean", s->mean);
    cJSON_AddNumberToObject(o, "sd", s->sd);
    cJSON_AddNumberToObject(o, "max", s->max);
    cJSON_AddNumberToObject(o, "mad", s->mad);
    cJSON_AddNumberToObject(o, "outliers", (double)s->outliers);
    return o;
}

/* Raw samples of one phase; empty when the backend has no such phase. */
static cJSON *json_samples(const struct run_result *run, enum run_phase p)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < run->samples; i++) {
        const struct phase_times *t = &run->times[i];
        double v = p == PHASE_COPY_IN      ? t->copy_in
                   : p == PHASE_KERNEL     ? t->kernel
                   : p == PHASE_COPY_OUT   ? t->copy_out
                   : p == PHASE_DISTRIBUTE ? t->distribute
                   : p == PHASE_COLLECT    ? t->collect
                                           : run->total[i];
        if (v < 0)
            break;
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v));
    }
    return a;
}

/* The probes around a run: per rate, the cached, before, after and used
 * rates (per second) and whether fresh and cached differed beyond the
 * noise; the seconds both probes took. */
static cJSON *json_refresh(const struct ceilings_refresh *r, double timed_s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seconds", r->seconds);
    cJSON_AddNumberToObject(o, "budget_s", r->budget);
    cJSON_AddNumberToObject(o, "setup_s", r->setup);
    /* What the probes cost against the timed runs they surround. */
    cJSON_AddNumberToObject(o, "share_of_timed_runs", timed_s > 0 ? r->seconds / timed_s : 0);
    cJSON *rates = cJSON_AddArrayToObject(o, "rates");
    for (size_t i = 0; i < r->count; i++) {
        const struct ceiling_probe *p = &r->probe[i];
        cJSON *one = cJSON_CreateObject();
        cJSON_AddStringToObject(one, "name", p->name);
        cJSON_AddNumberToObject(one, "cached", p->cached);
        cJSON_AddNumberToObject(one, "before", p->before);
        cJSON_AddNumberToObject(one, "after", p->after);
        cJSON_AddNumberToObject(one, "noise", p->noise);
        cJSON_AddBoolToObject(one, "differs", p->differs);
        cJSON_AddNumberToObject(one, "used", p->used);
        cJSON_AddItemToArray(rates, one);
    }
    return o;
}

static cJSON *json_ceilings(const struct ceilings *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "measured", c->measured);
    cJSON_AddStringToObject(o, "build", provenance_build_key());
    cJSON_AddNumberToObject(o, "stream_copy_bytes_per_s", c->stream_copy);
    cJSON_AddNumberToObject(o, "stream_triad_bytes_per_s", c->stream_triad);
    cJSON_AddNumberToObject(o, "sqrt_f64_per_s", c->sqrt_f64);
    cJSON_AddNumberToObject(o, "sqrt_f32_per_s", c->sqrt_f32);
    cJSON_AddNumberToObject(o, "launch_latency_s", c->launch_latency);
    cJSON *modes = cJSON_AddObjectToObject(o, "transfer");
    for (int m = 0; m < 3; m++) {
        cJSON *t = cJSON_AddObjectToObject(modes, memory_mode_name((enum offload_memory_mode)m));
        cJSON_AddBoolToObject(t, "zero_copy", c->transfer[m].zero_copy);
        cJSON_AddNumberToObject(t, "to_device_bytes_per_s", c->transfer[m].to_device);
        cJSON_AddNumberToObject(t, "from_device_bytes_per_s", c->transfer[m].from_device);
    }
    return o;
}

/* Across ranks: the one-rank baseline measured side by side, the speedups
 * over it, and the link rate the verdict states (and its source). */
static void json_ranks(cJSON *o, const struct result_record *r)
{
    const struct one_rank_run *alone = &r->run->alone;
    const struct analysis *a = &r->analysis;
    if (alone->samples) {
        cJSON *b = cJSON_AddObjectToObject(o, "baseline_one_rank");
        cJSON_AddNumberToObject(b, "total_s", alone->total.min);
        cJSON_AddNumberToObject(b, "kernel_s", alone->kernel.min);
        cJSON_AddNumberToObject(b, "repeats", (double)alone->samples);
        cJSON_AddNumberToObject(b, "timed_s", alone->timed_s);
        cJSON *stats = cJSON_AddObjectToObject(b, "stats_s");
        cJSON_AddItemToObject(stats, "total", json_stats(&alone->total));
        cJSON_AddItemToObject(stats, "kernel", json_stats(&alone->kernel));
        cJSON_AddBoolToObject(b, "check_ok", alone->check.ok);
        cJSON *sp = cJSON_AddObjectToObject(o, "speedup_over_one_rank");
        cJSON_AddNumberToObject(sp, "total", a->speedup_total);
        cJSON_AddNumberToObject(sp, "kernel", a->speedup_kernel);
    }
    if (!a->link_source)
        return;
    cJSON *link = cJSON_AddObjectToObject(o, "link");
    cJSON_AddNumberToObject(link, "gbps", a->link_gbps);
    cJSON_AddStringToObject(link, "source", a->link_source);
    cJSON_AddNumberToObject(link, "measured_now_gbps", a->comm_gbps);
    cJSON_AddNumberToObject(link, "bytes_moved", a->comm_bytes);
    cJSON_AddNumberToObject(link, "share_of_time", a->comm_share);
    if (a->link_message_bytes)
        cJSON_AddNumberToObject(link, "calibrated_message_bytes", (double)a->link_message_bytes);
}

static cJSON *json_record(const struct result_record *r)
{
    const struct run_result *run = r->run;
    const struct analysis *a = &r->analysis;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "command", r->command);
    cJSON_AddStringToObject(o, "kernel", kernel_name(r->kernel));
    cJSON_AddStringToObject(o, "algorithm", algorithm_name(r->alg));
    if (kernel_spec_of(r->kernel)->source_hash) {
        cJSON_AddStringToObject(o, "kernel_source", kernel_spec_of(r->kernel)->formula);
        cJSON_AddStringToObject(o, "source_hash", kernel_spec_of(r->kernel)->source_hash);
    }
    cJSON_AddStringToObject(o, "backend", r->backend);
    cJSON_AddStringToObject(o, "device", r->info.device);
    cJSON_AddStringToObject(o, "platform", r->info.platform);
    cJSON_AddStringToObject(o, "driver", r->info.driver);
    if (r->has_memory)
        cJSON_AddStringToObject(o, "memory", memory_mode_name(r->memory));
    if (r->info.device_role[0])
        cJSON_AddStringToObject(o, "device_role", r->info.device_role);
    cJSON_AddBoolToObject(o, "unified_memory", r->info.unified_memory);
    cJSON_AddNumberToObject(o, "threads", r->info.threads);
    cJSON_AddNumberToObject(o, "ranks", run->ranks > 0 ? run->ranks : 1);
    json_ranks(o, r);
    cJSON_AddNumberToObject(o, "size", (double)r->size);
    if (kernel_spec_of(r->kernel)->input == INPUT_GENOTYPES) {
        cJSON_AddNumberToObject(o, "rows", (double)r->rows);
        cJSON_AddNumberToObject(o, "cols", (double)r->cols);
        cJSON_AddNumberToObject(o, "percent", r->percent);
    }
    cJSON_AddNumberToObject(o, "setup_s", r->info.setup_s);
    cJSON_AddNumberToObject(o, "build_s", r->info.build_s);
    cJSON_AddNumberToObject(o, "build_cached", r->info.build_cached);
    cJSON_AddNumberToObject(o, "warmup_s", run->warmup_total);
    cJSON_AddNumberToObject(o, "repeats", (double)run->samples);
    cJSON_AddStringToObject(o, "headline", "min");
    static const char *const phase_names[RUN_PHASE_COUNT] = {
        "copy_in", "kernel", "copy_out", "total", "distribute", "collect"};
    cJSON *stats = cJSON_AddObjectToObject(o, "stats_s");
    cJSON *samples = cJSON_AddObjectToObject(o, "samples_s");
    for (int p = 0; p < RUN_PHASE_COUNT; p++) {
        if (run->stats[p].n == 0)
            continue;
        cJSON_AddItemToObject(stats, phase_names[p], json_stats(&run->stats[p]));
        cJSON_AddItemToObject(samples, phase_names[p], json_samples(run, (enum run_phase)p));
    }
    cJSON_AddBoolToObject(o, "event_timers_disagree", run->events_disagree);
    if (run->load.known) {
        cJSON *machine = cJSON_AddObjectToObject(o, "machine");
        cJSON_AddBoolToObject(machine, "busy", run->load.busy);
        cJSON_AddNumberToObject(machine, "others_cpu_share", run->load.others_share);
        cJSON_AddNumberToObject(machine, "load_before", run->load.load_before);
        cJSON_AddNumberToObject(machine, "load_after", run->load.load_after);
        cJSON_AddNumberToObject(machine, "cores", run->load.cores);
        cJSON_AddBoolToObject(machine, "settled", run->settled);
    }
    cJSON *work = cJSON_AddObjectToObject(o, "work");
    cJSON_AddNumberToObject(work, "bytes", a->work.bytes);
    cJSON_AddNumberToObject(work, "ops", a->work.ops);
    cJSON_AddStringToObject(work, "op_unit", a->work.op_unit);
    cJSON_AddNumberToObject(work, "ops_per_byte", a->ops_per_byte);
    cJSON *an = cJSON_AddObjectToObject(o, "analysis");
    cJSON_AddNumberToObject(an, "gbps", a->gbps);
    cJSON_AddNumberToObject(an, "gops", a->gops);
    cJSON_AddNumberToObject(an, "peak_gbps", a->peak_gbps);
    cJSON_AddNumberToObject(an, "peak_gops", a->peak_gops);
    cJSON_AddNumberToObject(an, "ceiling_fraction", a->ceiling_fraction);
    cJSON_AddNumberToObject(an, "transfer_share", a->transfer_share);
    cJSON_AddStringToObject(an, "verdict", verdict_name(a->verdict));
    cJSON_AddStringToObject(an, "reason", a->reason);
    if (r->has_ceilings)
        cJSON_AddItemToObject(o, "ceilings", json_ceilings(&r->ceilings));
    if (r->refresh.count)
        cJSON_AddItemToObject(o, "ceilings_probe", json_refresh(&r->refresh, run->timed_s));
    if (r->launch.dims)
        cJSON_AddItemToObject(o, "launch", json_launch(&r->launch));
    cJSON *check = cJSON_AddObjectToObject(o, "check");
    cJSON_AddBoolToObject(check, "ok", run->check.ok);
    cJSON_AddNumberToObject(check, "mismatches", (double)run->check.mismatches);
    cJSON_AddNumberToObject(check, "tolerance", run->check.tolerance);
    cJSON_AddNumberToObject(check, "max_error", run->check.max_error);
    cJSON_AddNumberToObject(o, "checksum", run->checksum);
    return o;
}

/* A number, or null where it is not a number (too few sizes). */
static void json_number_or_null(cJSON *o, const char *name, double x)
{
    if (isfinite(x))
        cJSON_AddNumberToObject(o, name, x);
    else
        cJSON_AddNullToObject(o, name);
}

/* "conclusions": per backend, the scaling exponents and the break-even. */
static void json_conclusions(cJSON *root, const struct result_set *set)
{
    cJSON *list = cJSON_AddArrayToObject(root, "conclusions");
    for (size_t i = 0; i < set->nconclusions; i++) {
        const struct sweep_conclusion *k = &set->conclusions[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "backend", k->backend);
        cJSON *e = cJSON_AddObjectToObject(o, "scaling_exponent");
        json_number_or_null(e, "end_to_end", k->exponent_total);
        json_number_or_null(e, "kernel", k->exponent_kernel);
        /* The range the timing spread allows: where the exponent is null
         * (not measurable here, or a busy machine), it says how far off. */
        cJSON *range = cJSON_AddObjectToObject(o, "scaling_interval");
        const struct scaling_fit *fits[2] = {&k->fit_total, &k->fit_kernel};
        const char *names[2] = {"end_to_end", "kernel"};
        for (int p = 0; p < 2; p++) {
            if (!isfinite(fits[p]->low) || !isfinite(fits[p]->high)) {
                cJSON_AddNullToObject(range, names[p]);
                continue;
            }
            cJSON *pair = cJSON_AddArrayToObject(range, names[p]);
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(fits[p]->low));
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(fits[p]->high));
        }
        cJSON_AddBoolToObject(o, "machine_busy", k->busy);
        if (k->versus[0]) {
            cJSON *b = cJSON_AddObjectToObject(o, "break_even");
            cJSON_AddStringToObject(b, "versus", k->versus);
            if (k->break_even > 0)
                cJSON_AddNumberToObject(b, "size", k->break_even);
            else
                cJSON_AddNullToObject(b, "size");
            cJSON_AddStringToObject(b, "text",
                                    k->break_even > 0 ? "beats it from this size on"
                                                      : "never in this range");
        }
        cJSON_AddItemToArray(list, o);
    }
}

/* The build half of the provenance; the host half is in "host". */
static void json_provenance(cJSON *root, const struct provenance *p)
{
    cJSON *b = cJSON_AddObjectToObject(root, "build");
    cJSON_AddStringToObject(b, "tool_version", p->tool_version);
    cJSON_AddStringToObject(b, "git_commit", p->git_commit);
    cJSON_AddStringToObject(b, "compiler", p->compiler);
    cJSON_AddStringToObject(b, "flags", p->build);
    cJSON_AddBoolToObject(b, "native", p->native);
    cJSON_AddStringToObject(b, "isa", p->isa);
    cJSON_AddStringToObject(b, "build_type", p->build_type);
    if (p->backend_builds[0])
        cJSON_AddStringToObject(b, "backends", p->backend_builds);
    else
        cJSON_AddNullToObject(b, "backends");
}

enum offload_status export_json(FILE *f, const struct result_set *set)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", EXPORT_SCHEMA_VERSION);
    cJSON_AddStringToObject(root, "tool", "offload");
    cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION);
    cJSON *argv = cJSON_AddArrayToObject(root, "command_line");
    for (int i = 0; i < set->argc; i++)
        cJSON_AddItemToArray(argv, cJSON_CreateString(set->argv[i]));
    char when[32];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    cJSON_AddStringToObject(root, "created", when);
    cJSON *host = cJSON_AddObjectToObject(root, "host");
    struct utsname u;
    if (uname(&u) == 0) {
        cJSON_AddStringToObject(host, "system", u.sysname);
        cJSON_AddStringToObject(host, "release", u.release);
        cJSON_AddStringToObject(host, "machine", u.machine);
    }
    struct provenance prov;
    backend_provenance(&prov);
    cJSON_AddStringToObject(host, "cpu", prov.cpu);
    cJSON_AddNumberToObject(host, "cores", prov.cores);
    cJSON_AddNumberToObject(host, "memory_bytes", prov.memory_bytes);
    cJSON_AddStringToObject(host, "os", prov.os);
    json_provenance(root, &prov);
    cJSON *env = cJSON_AddObjectToObject(root, "environment");
    for (size_t b = 0; b < offload_backend_count; b++)
        for (size_t i = 0; i < offload_backends[b]->environment_count; i++) {
            const char *name = offload_backends[b]->environment[i].name;
            const char *v = getenv(name);
            if (v)
                cJSON_AddStringToObject(env, name, v);
            else
                cJSON_AddNullToObject(env, name);
        }
    cJSON *results = cJSON_AddArrayToObject(root, "results");
    for (size_t i = 0; i < set->count; i++)
        cJSON_AddItemToArray(results, json_record(&set->items[i]));
    if (set->nconclusions)
        json_conclusions(root, set);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return OFFLOAD_ERR_RUN;
    fputs(text, f);
    fputc('\n', f);
    cJSON_free(text);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}
