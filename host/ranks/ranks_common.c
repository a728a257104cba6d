/* What ranks move, the same with or without MPI (analysis and tests). */
#include "ranks.h"

double ranks_bytes_moved(const struct kernel_input *in, int ranks)
{
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    /* A kernel file never runs across ranks (the command line refuses it). */
    if (ranks <= 1 || (spec->input != INPUT_VALUES && spec->input != INPUT_GENOTYPES))
        return 0;
    double others = (double)(ranks - 1);
    /* A table read in parts (each rank its own rows) is not sent at all. */
    double input = spec->input == INPUT_VALUES ? (double)in->n * sizeof(double)
                   : in->matrix->part          ? 0.0
                                               : (double)in->matrix->rows * (double)in->matrix->cols;
    double output = (double)kernel_output_items(in) * (double)spec->output_item_bytes;
    /* Scattered inputs and gathered outputs: every rank but rank 0 sends or
     * receives its share; a broadcast input goes whole to every other rank. */
    double sent = spec->reads_every_input ? input * others : input * others / ranks;
    return sent + output * others / ranks;
}
