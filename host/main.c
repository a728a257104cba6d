#include "cli.h"

int main(int argc, char **argv)
{
    return offload_main(argc, argv);
}
