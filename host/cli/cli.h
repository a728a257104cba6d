#ifndef OFFLOAD_CLI_H
#define OFFLOAD_CLI_H

/* The command line: parses arguments, runs a command, returns the exit
 * code (0 ok, 1 run failed, 2 usage or input error). */
int offload_main(int argc, char **argv);

#endif
