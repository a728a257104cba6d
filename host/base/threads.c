#include "threads.h"

#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "message.h"

void threads_cap_default(void)
{
#ifdef _OPENMP
    int wanted = omp_get_max_threads();
    if (wanted <= OFFLOAD_MAX_THREADS)
        return;
    const char *env = getenv("OMP_NUM_THREADS");
    if (env)
        offload_warning("OMP_NUM_THREADS=%s is over the limit of %d threads; using %d\n", env,
                        OFFLOAD_MAX_THREADS, OFFLOAD_MAX_THREADS);
    else
        offload_warning(
            "OpenMP's default of %d threads is over the limit of %d threads; using %d\n", wanted,
            OFFLOAD_MAX_THREADS, OFFLOAD_MAX_THREADS);
    omp_set_num_threads(OFFLOAD_MAX_THREADS);
#endif
}
