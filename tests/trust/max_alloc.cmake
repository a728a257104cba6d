cmake_minimum_required(VERSION 3.20)
# `offload run sqrt --backend opencl --size N` with 8*N bytes just over the
# first OpenCL device's CL_DEVICE_MAX_MEM_ALLOC_SIZE must be refused before
# any device buffer is made, exit 2, naming the limit. N is taken from what
# `offload devices` reports, so the test holds for any device. Prints
# "trust-skip:" (a ctest skip) when there is no device or too little memory.
# Args: EXE.
execute_process(COMMAND "${EXE}" devices RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT "${out}" MATCHES "  0[.]0  [^\n]*\n[^\n]* ([0-9]+)[.]([0-9][0-9]) GiB max allocation")
  message(STATUS "trust-skip: no OpenCL device 0.0 reported by `offload devices`:\n${out}${err}")
  return()
endif()
# Reported with two decimals: take the largest value that rounds to it.
math(EXPR hundredths "${CMAKE_MATCH_1} * 100 + ${CMAKE_MATCH_2} + 1")
math(EXPR n "${hundredths} * 1073741824 / 100 / 8 + 1")
# The host holds the input (8 bytes) and output (4 bytes) per element and
# offload refuses sizes over 80 % of memory; stay well within.
cmake_host_system_information(RESULT mib QUERY TOTAL_PHYSICAL_MEMORY)
math(EXPR need_mib "${n} * 12 / 1048576")
math(EXPR usable_mib "${mib} * 6 / 10")
if(need_mib GREATER usable_mib)
  message(STATUS "trust-skip: --size ${n} needs ${need_mib} MiB, this machine has ${mib} MiB")
  return()
endif()
execute_process(COMMAND "${EXE}" run sqrt --backend opencl --size ${n} --repeat 1
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 240)
if(NOT "${rc}" STREQUAL "2" OR NOT "${out}${err}" MATCHES
   "needs a [0-9]+-byte input buffer, more than the device's CL_DEVICE_MAX_MEM_ALLOC_SIZE of [0-9]+ bytes")
  message(FATAL_ERROR "offload run sqrt --backend opencl --size ${n}: expected exit 2 and a "
                      "message naming CL_DEVICE_MAX_MEM_ALLOC_SIZE, got exit '${rc}'\n"
                      "--- stdout\n${out}\n--- stderr\n${err}")
endif()
message(STATUS "--size ${n}: exit 2, ${err}")
