/* A device run's occupancy verdict, from its launch and its device's
 * description (measure/occupancy.c), for run, compare and sweep. */
#include "commands.h"
#include "occupancy.h"

void judge_occupancy(struct result_record *rec)
{
    if (!rec->launch.dims)
        return;
    struct occupancy o = occupancy_of(&rec->info.limits, rec->info.device, &rec->launch);
    occupancy_judge(&rec->analysis, &o, occupancy_help(&rec->launch));
}
