/* offload plot: gnuplot scripts and data written into a scratch folder
 * inside the output folder, gnuplot run on each, the chart renamed into
 * place once drawn (a failed chart never leaves half a file). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fork/exec, fileno */
#include "plot.h"
#include "message.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "units.h"

/* The figure and where the plot area sits in it (screen fractions): the
 * plot takes 88% of the width and 74% of the height, two thirds of the
 * figure; the legend and the note sit in the bottom margin. */
#define FIG_W 1280
#define FIG_H 960
#define AREA_LEFT 0.085
#define AREA_RIGHT 0.965
#define AREA_BOTTOM 0.205
#define AREA_TOP 0.945
/* Characters per line of the note under a chart (font 10 on 1280 pixels). */
#define NOTE_LINE 150
#define MAX_SERIES 64

static const char *const format_names[] = {"png", "svg", "pdf"};

int plot_format_from_name(const char *name, enum plot_format *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, format_names[i]) == 0) {
            *out = (enum plot_format)i;
            return 0;
        }
    return -1;
}

struct plot_ctx {
    const struct saved_run *runs;
    size_t n;
    const char *dir, *tmp;
    enum plot_format format;
    FILE *report;
    size_t *written, *warnings;
};

/* A gnuplot string literal: double quotes, with \ and " escaped; taken
 * literally since every terminal is set noenhanced. */
static void gp_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputc('"', f);
}

/* The note under a chart: a string literal wrapped at spaces into lines of
 * NOTE_LINE characters ("\n" inside the literal), so nothing is clipped. */
static void gp_note(FILE *f, const char *text)
{
    fputc('"', f);
    size_t col = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' && col > 0) {
            const char *next = strchr(p + 1, ' ');
            size_t word = next ? (size_t)(next - p - 1) : strlen(p + 1);
            if (col + 1 + word > NOTE_LINE) {
                fputs("\\n", f);
                col = 0;
                continue;
            }
        }
        if (*p == '"' || *p == '\\')
            fputc('\\', f);
        fputc(*p == '\n' ? ' ' : *p, f);
        col++;
    }
    fputc('"', f);
}

/* The colour of a series: one per backend and memory mode whatever the run,
 * so a backend keeps its colour from laptop to workstation; runs differ by
 * point shape (and dash in the sweeps). */
static size_t colour_of(const struct saved_row *x, const char (*seen)[96], size_t *nseen)
{
    char key[96];
    int has_memory = strcmp(x->memory, "-") != 0;
    snprintf(key, sizeof key, "%.60s%s%.15s", x->backend, has_memory ? " " : "",
             has_memory ? x->memory : "");
    for (size_t i = 0; i < *nseen; i++)
        if (strcmp(seen[i], key) == 0)
            return i + 1;
    if (*nseen < MAX_SERIES)
        snprintf((char *)seen[(*nseen)++], 96, "%s", key);
    return *nseen;
}

static const int run_points[] = {7, 9, 5, 11, 13, 15, 1, 2};

/* "#2 opencl zero-copy" (the run's number only with several runs). */
static void series_label(const struct plot_ctx *c, size_t run, const struct saved_row *x,
                         char *buf, size_t len)
{
    int has_memory = strcmp(x->memory, "-") != 0;
    char num[24] = "";
    if (c->n > 1)
        snprintf(num, sizeof num, "#%zu ", run + 1);
    snprintf(buf, len, "%s%s%s%s", num, x->backend, has_memory ? " " : "",
             has_memory ? x->memory : "");
}

/* "#1 laptop.json (AMD Ryzen 7 7840U), #2 ...": the note's list of runs,
 * and how many results their exports mark as timed on a busy machine. */
static void runs_note(const struct plot_ctx *c, char *buf, size_t len)
{
    size_t used = 0, busy = 0, all = 0;
    buf[0] = 0;
    for (size_t r = 0; r < c->n; r++)
        for (size_t i = 0; i < c->runs[r].count; i++) {
            busy += c->runs[r].rows[i].busy != 0;
            all++;
        }
    if (busy) {
        int w = snprintf(buf, len,
                         "%zu of the %zu results were timed on a busy machine (so marked in "
                         "their export): slower and more spread than on a quiet one. ",
                         busy, all);
        used = w > 0 ? (size_t)w : 0;
    }
    for (size_t r = 0; r < c->n && used < len; r++) {
        const char *slash = strrchr(c->runs[r].name, '/');
        int w = snprintf(buf + used, len - used, "%s#%zu %s (%s)", r ? "; " : "", r + 1,
                         slash ? slash + 1 : c->runs[r].name,
                         c->runs[r].cpu[0] ? c->runs[r].cpu : "unknown CPU");
        used += w > 0 ? (size_t)w : 0;
    }
}

/* Opens the script of chart name with the terminal, output and layout. */
static FILE *begin_script(const struct plot_ctx *c, const char *name, const char *title)
{
    char path[4096];
    snprintf(path, sizeof path, "%.3900s/%.100s.gp", c->tmp, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        offload_error("cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    switch (c->format) {
    case PLOT_PNG:
        fprintf(f, "set terminal pngcairo size %d,%d font 'Sans,12' noenhanced\n", FIG_W, FIG_H);
        break;
    case PLOT_SVG:
        fprintf(f, "set terminal svg size %d,%d dynamic font 'Sans,12' noenhanced\n", FIG_W,
                FIG_H);
        break;
    case PLOT_PDF:
        fprintf(f, "set terminal pdfcairo size 10in,7.5in font 'Sans,10' noenhanced\n");
        break;
    }
    fprintf(f, "set output ");
    snprintf(path, sizeof path, "%.3900s/%.100s.%s", c->tmp, name, format_names[c->format]);
    gp_string(f, path);
    fprintf(f, "\ncd ");
    gp_string(f, c->tmp);
    fprintf(f, "\nset termoption noenhanced\n");
    fprintf(f,
            "set lmargin at screen %.3f\nset rmargin at screen %.3f\n"
            "set bmargin at screen %.3f\nset tmargin at screen %.3f\n",
            AREA_LEFT, AREA_RIGHT, AREA_BOTTOM, AREA_TOP);
    fprintf(f, "set title ");
    gp_string(f, title);
    /* The legend below the plot, clear of the data; the note under it. */
    fprintf(f, "\nset key at screen 0.5, screen 0.135 center top horizontal maxcols 4 "
               "samplen 2 spacing 1.1 font ',11'\n"
               "set grid xtics ytics mxtics mytics lc rgb '#e0e0e0'\n"
               "set border 3\nset tics nomirror\n");
    /* Twelve colours told apart in print and by most colour-blind readers. */
    static const char *const palette[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                                          "#66a61e", "#e6ab02", "#a6761d", "#666666",
                                          "#1f78b4", "#b2df8a", "#fb9a99", "#000000"};
    for (int i = 0; i < 12; i++)
        fprintf(f, "set linetype %d lc rgb '%s' lw 2\n", i + 1, palette[i]);
    fprintf(f, "set linetype cycle 12\n");
    return f;
}

/* Runs gnuplot on chart name, passes its messages on as warnings, and
 * renames the chart into the output folder. */
static enum offload_status finish_chart(const struct plot_ctx *c, FILE *script, const char *name)
{
    if (fclose(script) != 0)
        return OFFLOAD_ERR_RUN;
    char gp[4096], err[4096], out[4096], final[4096];
    snprintf(gp, sizeof gp, "%.3900s/%.100s.gp", c->tmp, name);
    snprintf(err, sizeof err, "%.3900s/%.100s.err", c->tmp, name);
    snprintf(out, sizeof out, "%.3900s/%.100s.%s", c->tmp, name, format_names[c->format]);
    snprintf(final, sizeof final, "%.3900s/%.100s.%s", c->dir, name, format_names[c->format]);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        offload_error("cannot start gnuplot: %s\n", strerror(errno));
        return OFFLOAD_ERR_RUN;
    }
    if (pid == 0) {
        FILE *e = freopen(err, "w", stderr);
        FILE *o = freopen("/dev/null", "w", stdout);
        (void)e;
        (void)o;
        execlp("gnuplot", "gnuplot", gp, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        offload_error("gnuplot is not installed (Debian: apt-get install gnuplot-nox); "
                      "offload plot draws with it\n");
        return OFFLOAD_UNAVAILABLE;
    }
    FILE *ef = fopen(err, "r");
    char line[1024];
    while (ef && fgets(line, sizeof line, ef)) {
        if (line[0] == '\n')
            continue;
        offload_warning("gnuplot (%s): %s", name, line);
        (*c->warnings)++;
    }
    if (ef)
        fclose(ef);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        offload_error("gnuplot failed on %s (see its messages above)\n", name);
        return OFFLOAD_ERR_RUN;
    }
    if (rename(out, final) != 0) {
        offload_error("cannot write %s: %s\n", final, strerror(errno));
        return OFFLOAD_ERR_RUN;
    }
    fprintf(c->report, "wrote %s\n", final);
    (*c->written)++;
    return OFFLOAD_OK;
}

static FILE *open_data(const struct plot_ctx *c, const char *name, size_t k)
{
    char path[4096];
    snprintf(path, sizeof path, "%.3900s/%.100s-%zu.dat", c->tmp, name, k);
    FILE *f = fopen(path, "w");
    if (!f)
        offload_error("cannot write %s: %s\n", path, strerror(errno));
    return f;
}

/* A data file by its name in the scratch folder (the script cds there). */
static void data_ref(FILE *f, const char *name, size_t k)
{
    char file[160];
    snprintf(file, sizeof file, "%.100s-%zu.dat", name, k);
    gp_string(f, file);
}

/* ---- roofline ------------------------------------------------------------ */

/* One device of one run: its roof from its highest ceilings. */
struct roof {
    size_t run, colour;
    char device[256];
    double peak_gbps, peak_gops;
};

/* Filled shapes by kernel; a later run draws the same shape open (the
 * open shape's number is one less in gnuplot's cairo terminals). */
static const int kernel_points[] = {7, 5, 9, 11, 13};

static size_t kind_index(char (*kinds)[64], size_t *nkinds, const struct saved_row *x)
{
    char kind[64];
    snprintf(kind, sizeof kind, "%.40s %.15s", x->kernel, x->algorithm);
    for (size_t i = 0; i < *nkinds; i++)
        if (strcmp(kinds[i], kind) == 0)
            return i;
    if (*nkinds < 5)
        snprintf(kinds[(*nkinds)++], 64, "%s", kind);
    return *nkinds - 1;
}

static enum offload_status plot_roofline(const struct plot_ctx *c)
{
    char colours[MAX_SERIES][96], kinds[5][64];
    size_t ncolours = 0, nkinds = 0, nroofs = 0, points = 0;
    struct roof roofs[MAX_SERIES];
    double xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0;
    FILE *d = open_data(c, "roofline", 0);
    if (!d)
        return OFFLOAD_ERR_RUN;
    for (size_t r = 0; r < c->n; r++)
        for (size_t i = 0; i < c->runs[r].count; i++) {
            const struct saved_row *x = &c->runs[r].rows[i];
            if (!x->check_ok || x->ops_per_byte <= 0 || x->gops <= 0)
                continue;
            size_t colour = colour_of(x, colours, &ncolours);
            int pt = kernel_points[kind_index(kinds, &nkinds, x)] - (r > 0 ? 1 : 0);
            fprintf(d, "%.9g %.9g %zu %d\n", x->ops_per_byte, x->gops, colour, pt);
            points++;
            xmin = fmin(xmin, x->ops_per_byte);
            xmax = fmax(xmax, x->ops_per_byte);
            ymin = fmin(ymin, x->gops);
            ymax = fmax(ymax, fmax(x->gops, x->peak_gops));
            if (x->peak_gbps <= 0)
                continue;
            size_t k = 0;
            while (k < nroofs && !(roofs[k].run == r && strcmp(roofs[k].device, x->device) == 0))
                k++;
            if (k == nroofs && nroofs < MAX_SERIES) {
                roofs[nroofs] = (struct roof){.run = r, .colour = colour};
                snprintf(roofs[nroofs++].device, sizeof roofs[0].device, "%s", x->device);
            }
            if (k < nroofs) {
                roofs[k].peak_gbps = fmax(roofs[k].peak_gbps, x->peak_gbps);
                roofs[k].peak_gops = fmax(roofs[k].peak_gops, x->peak_gops);
            }
        }
    fclose(d);
    if (points == 0)
        return OFFLOAD_OK;
    /* Whole decades around the points, at least two, with room on the
     * right, so ticks read 0.01, 0.1, 1 and no point sits on the edge. */
    double x0 = pow(10, floor(log10(xmin)) - (xmin == xmax ? 1 : 0));
    double x1 = pow(10, ceil(log10(xmax)) + (xmin == xmax ? 1 : 0));
    if (xmax > x1 / 3)
        x1 *= 10;
    if (x1 / x0 < 100)
        x1 = x0 * 100;
    for (size_t k = 0; k < nroofs; k++) {
        FILE *roof = open_data(c, "roof", k);
        if (!roof)
            return OFFLOAD_ERR_RUN;
        for (int p = 0; p <= 60; p++) {
            double xv = x0 * pow(x1 / x0, p / 60.0), yv = roofs[k].peak_gbps * xv;
            if (roofs[k].peak_gops > 0 && yv > roofs[k].peak_gops)
                yv = roofs[k].peak_gops;
            fprintf(roof, "%.9g %.9g\n", xv, yv);
        }
        fclose(roof);
    }
    FILE *f = begin_script(c, "roofline",
                           "Roofline: operations per second against operations per byte");
    if (!f)
        return OFFLOAD_ERR_RUN;
    char runs[1024], note[1400];
    runs_note(c, runs, sizeof runs);
    fprintf(f, "set logscale xy\nset format x '%%g'\nset format y '%%g'\n"
               "set xlabel 'operations per byte moved (sqrt or compare per byte)'\n"
               "set ylabel 'G operations per second (best run)'\n");
    fprintf(f, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", x0, x1, ymin / 5, ymax * 3);
    snprintf(note, sizeof note,
             "Colour: the backend; shape: the kernel%s. Dashed: each device's roof, min(peak G "
             "op/s, peak GB/s x operations per byte), from its highest measured ceilings. "
             "Runs: %s",
             c->n > 1 ? " (filled for #1, open for the later runs)" : "", runs);
    fprintf(f, "set label 1 ");
    gp_note(f, note);
    fprintf(f, " at screen 0.5, screen 0.045 center font ',10'\nplot ");
    data_ref(f, "roofline", 0);
    fprintf(f, " using 1:2:4:3 with points pt variable lc variable ps 1.8 notitle");
    for (size_t k = 0; k < nroofs; k++) {
        fprintf(f, ", \\\n     ");
        data_ref(f, "roof", k);
        fprintf(f, " using 1:2 with lines dt %d lw 2 lc %zu notitle", 2 + (int)(roofs[k].run % 3),
                roofs[k].colour);
    }
    /* The legend: a colour per backend, a shape per kernel. */
    for (size_t i = 0; i < ncolours; i++) {
        fprintf(f, ", \\\n     NaN with points pt 7 ps 1.8 lc %zu title ", i + 1);
        gp_string(f, colours[i]);
    }
    for (size_t i = 0; i < nkinds; i++) {
        fprintf(f, ", \\\n     NaN with points pt %d ps 1.8 lc rgb 'black' title ",
                kernel_points[i]);
        gp_string(f, kinds[i]);
    }
    fputc('\n', f);
    return finish_chart(c, f, "roofline");
}

/* ---- sweeps and phases ------------------------------------------------- */

/* The groups (kernel, algorithm) of every run, each once. */
struct kernel_group {
    char kernel[128], algorithm[16];
};

static size_t kernel_groups(const struct plot_ctx *c, struct kernel_group *g, size_t cap)
{
    size_t n = 0;
    for (size_t r = 0; r < c->n; r++)
        for (size_t i = 0; i < c->runs[r].count; i++) {
            const struct saved_row *x = &c->runs[r].rows[i];
            size_t k = 0;
            while (k < n && !(strcmp(g[k].kernel, x->kernel) == 0 &&
                              strcmp(g[k].algorithm, x->algorithm) == 0))
                k++;
            if (k == n && n < cap) {
                snprintf(g[n].kernel, sizeof g[n].kernel, "%s", x->kernel);
                snprintf(g[n].algorithm, sizeof g[n].algorithm, "%s", x->algorithm);
                n++;
            }
        }
    return n;
}

static int in_group(const struct saved_row *x, const struct kernel_group *g)
{
    return x->check_ok && strcmp(x->kernel, g->kernel) == 0 &&
           strcmp(x->algorithm, g->algorithm) == 0;
}

/* A chart's file name from a kernel's name (a kernel file's may hold any
 * character): letters, digits, '.', '-' and '_' kept, the rest '_'. */
static void file_safe(char *name)
{
    for (char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == '_'))
            *p = '_';
}

/* The size of a row as the charts count it: N, or marker rows. */
static double row_size(const struct saved_row *x)
{
    return x->rows ? (double)x->rows : (double)x->size;
}

static enum offload_status plot_sweep(const struct plot_ctx *c, const struct kernel_group *g)
{
    char labels[MAX_SERIES][160], colours[MAX_SERIES][96];
    size_t runs_of[MAX_SERIES], colour[MAX_SERIES], ns = 0, points = 0, ncolours = 0;
    double sizes[2] = {0, 0};
    for (size_t r = 0; r < c->n; r++)
        for (size_t i = 0; i < c->runs[r].count; i++) {
            const struct saved_row *x = &c->runs[r].rows[i];
            if (!in_group(x, g))
                continue;
            if (sizes[0] == 0 || row_size(x) < sizes[0])
                sizes[0] = row_size(x);
            sizes[1] = fmax(sizes[1], row_size(x));
            char label[160];
            series_label(c, r, x, label, sizeof label);
            size_t k = 0;
            while (k < ns && !(runs_of[k] == r && strcmp(labels[k], label) == 0))
                k++;
            if (k == ns && ns < MAX_SERIES) {
                runs_of[ns] = r;
                colour[ns] = colour_of(x, colours, &ncolours);
                snprintf(labels[ns++], sizeof labels[0], "%s", label);
            }
            points++;
        }
    if (sizes[1] <= sizes[0] || ns == 0)
        return OFFLOAD_OK; /* one size: no sweep to draw */
    char name[96], title[160], runs[1024], note[1400];
    snprintf(name, sizeof name, "sweep-%.60s-%.15s", g->kernel, g->algorithm);
    file_safe(name);
    for (size_t k = 0; k < ns; k++) {
        FILE *d = open_data(c, name, k);
        if (!d)
            return OFFLOAD_ERR_RUN;
        for (size_t i = 0; i < c->runs[runs_of[k]].count; i++) {
            const struct saved_row *x = &c->runs[runs_of[k]].rows[i];
            char label[160];
            series_label(c, runs_of[k], x, label, sizeof label);
            if (in_group(x, g) && strcmp(label, labels[k]) == 0)
                fprintf(d, "%.9g %.9g\n", row_size(x), x->total_s);
        }
        fclose(d);
    }
    snprintf(title, sizeof title, "%.60s (%.15s): end-to-end time against size", g->kernel,
             g->algorithm);
    FILE *f = begin_script(c, name, title);
    if (!f)
        return OFFLOAD_ERR_RUN;
    runs_note(c, runs, sizeof runs);
    snprintf(note, sizeof note,
             "Best end-to-end time at each size (copies included): %zu results from size %g to "
             "%g; a backend keeps its colour, a run its line and point shape. Runs: %s",
             points, sizes[0], sizes[1], runs);
    fprintf(f, "set logscale xy\nset format x '%%g'\nset format y '%%g'\n"
               "set xlabel 'size (N elements, or markers for scores)'\n"
               "set ylabel 'seconds, end to end'\n"
               "set xrange [%.9g:%.9g]\nset label 1 ",
            sizes[0] / 1.5, sizes[1] * 1.5);
    gp_note(f, note);
    fprintf(f, " at screen 0.5, screen 0.045 center font ',10'\nplot ");
    for (size_t k = 0; k < ns; k++) {
        fprintf(f, "%s", k ? ", \\\n     " : "");
        data_ref(f, name, k);
        fprintf(f, " using 1:2 with linespoints lw 2 dt %d pt %d ps 1.5 lc %zu title ",
                1 + (int)(runs_of[k] % 4), run_points[runs_of[k] % 8], colour[k]);
        gp_string(f, labels[k]);
    }
    fputc('\n', f);
    return finish_chart(c, f, name);
}

static enum offload_status plot_phases(const struct plot_ctx *c, const struct kernel_group *g)
{
    double largest = 0;
    for (size_t r = 0; r < c->n; r++)
        for (size_t i = 0; i < c->runs[r].count; i++)
            if (in_group(&c->runs[r].rows[i], g))
                largest = fmax(largest, row_size(&c->runs[r].rows[i]));
    char name[96], title[200], runs[1024], note[1400];
    snprintf(name, sizeof name, "phases-%.60s-%.15s", g->kernel, g->algorithm);
    file_safe(name);
    FILE *d = open_data(c, name, 0);
    if (!d)
        return OFFLOAD_ERR_RUN;
    FILE *f = begin_script(c, name, "");
    if (!f) {
        fclose(d);
        return OFFLOAD_ERR_RUN;
    }
    fprintf(f, "set xtics (");
    size_t bars = 0;
    double tallest = 0;
    for (size_t r = 0; r < c->n; r++)
        for (size_t i = 0; i < c->runs[r].count; i++) {
            const struct saved_row *x = &c->runs[r].rows[i];
            if (!in_group(x, g) || row_size(x) != largest)
                continue;
            /* Backend, memory mode and run on lines of their own: short
             * labels that never run into their neighbours. */
            char label[160];
            int has_memory = strcmp(x->memory, "-") != 0;
            char num[24] = "";
            if (c->n > 1)
                snprintf(num, sizeof num, "\n#%zu", r + 1);
            snprintf(label, sizeof label, "%.60s%s%.15s%s", x->backend, has_memory ? "\n" : "",
                     has_memory ? x->memory : "", num);
            fprintf(d, "%zu %.9g %.9g %.9g\n", bars, x->copy_in_s > 0 ? 1e3 * x->copy_in_s : 0,
                    1e3 * x->kernel_s, x->copy_out_s > 0 ? 1e3 * x->copy_out_s : 0);
            tallest = fmax(tallest, 1e3 * x->total_s);
            fprintf(f, "%s\"", bars ? ", " : "");
            for (const char *p = label; *p; p++) {
                if (*p == '\n')
                    fputs("\\n", f);
                else {
                    if (*p == '"' || *p == '\\')
                        fputc('\\', f);
                    fputc(*p, f);
                }
            }
            fprintf(f, "\" %zu", bars);
            bars++;
        }
    fclose(d);
    fprintf(f, ")\n");
    char size[64] = "";
    snprintf(size, sizeof size, "%s = %.0f", strcmp(g->kernel, "scores") == 0 ? "markers" : "N",
             largest);
    snprintf(title, sizeof title, "%.60s (%.15s), %s: where the time goes", g->kernel, g->algorithm,
             size);
    fprintf(f, "set title ");
    gp_string(f, title);
    runs_note(c, runs, sizeof runs);
    snprintf(note, sizeof note,
             "Each bar: the best copy-in, kernel and copy-out of one backend (host backends "
             "have no copies). %s",
             runs);
    fprintf(f, "\nset ylabel 'milliseconds'\nset yrange [0:%.9g]\nset xrange [-0.6:%.1f]\n"
               "set style fill solid 0.85 border -1\nset boxwidth 0.6\nset label 1 ",
            tallest * 1.08 > 0 ? tallest * 1.08 : 1, (double)bars - 0.4);
    gp_note(f, note);
    fprintf(f, " at screen 0.5, screen 0.045 center font ',10'\nset key invert\n"
               "set xtics font ',11'\nplot ");
    /* Stacked by hand: copy-in at the bottom, then the kernel, then copy-out. */
    data_ref(f, name, 0);
    fprintf(f, " using 1:($2+$3+$4) with boxes lc rgb '#d95f02' title 'copy-out', \\\n     ");
    data_ref(f, name, 0);
    fprintf(f, " using 1:($2+$3) with boxes lc rgb '#1b9e77' title 'kernel', \\\n     ");
    data_ref(f, name, 0);
    fprintf(f, " using 1:2 with boxes lc rgb '#7570b3' title 'copy-in'\n");
    if (bars == 0) {
        fclose(f);
        return OFFLOAD_OK;
    }
    return finish_chart(c, f, name);
}

/* Removes the scratch folder and the files this module wrote in it. */
static void remove_scratch(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (d) {
        struct dirent *e;
        char path[4096];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%.3800s/%.255s", tmp, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(tmp);
}

enum offload_status plot_runs(const struct saved_run *runs, size_t n, const char *dir,
                              enum plot_format format, FILE *report, size_t *written,
                              size_t *warnings)
{
    *written = 0;
    *warnings = 0;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/.offload-plot.XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        offload_error("cannot write in %s: %s; pass a folder you can write to with -o\n", dir,
                      strerror(errno));
        return OFFLOAD_ERR_USAGE;
    }
    struct plot_ctx c = {runs, n, dir, tmp, format, report, written, warnings};
    enum offload_status st = plot_roofline(&c);
    struct kernel_group groups[32];
    size_t ng = kernel_groups(&c, groups, sizeof groups / sizeof groups[0]);
    for (size_t i = 0; i < ng && st == OFFLOAD_OK; i++)
        st = plot_sweep(&c, &groups[i]);
    for (size_t i = 0; i < ng && st == OFFLOAD_OK; i++)
        st = plot_phases(&c, &groups[i]);
    remove_scratch(tmp);
    if (st == OFFLOAD_OK && *written == 0) {
        offload_error("the exports hold no result to draw (no checked result with its times); "
                      "save a run with offload compare --format json --output FILE\n");
        return OFFLOAD_ERR_USAGE;
    }
    return st;
}
