cmake_minimum_required(VERSION 3.20)
# `offload run sqrt --backend opencl --size N` with 8*N bytes just over the
# first OpenCL device's CL_DEVICE_MAX_MEM_ALLOC_SIZE must be refused before
# any device buffer is made, exit 2, naming the limit. N is taken from what
# `offload devices` reports, so the test holds for any device. Prints
# "robustness-skip:" (a ctest skip) when there is no device or too little memory.
# Args: EXE.
#
# PoCL derives its limits from the memory free when each process starts, so
# two processes can see different limits (1.00 and 2.00 GiB were seen). The
# test pins them with POCL_MEMORY_LIMIT (GB; PoCL 3.1 caps the global memory
# at it and derives max allocation from that: 1 GB gives 0.25 GiB), and
# checks the run's own message against the limit devices reported, so a
# limit that still moves fails with both numbers named, not as a mystery.
# The pin also keeps the host side of the test near 400 MB, not 3 GB.
set(ENV{POCL_MEMORY_LIMIT} 1)
execute_process(COMMAND "${EXE}" devices RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT "${out}" MATCHES "  0[.]0  [^\n]*\n[^\n]* ([0-9]+)[.]([0-9][0-9]) GiB max allocation")
  message(STATUS "robustness-skip: no OpenCL device 0.0 reported by `offload devices`:\n${out}${err}")
  return()
endif()
set(shown "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
# Reported with two decimals: take the largest value that rounds to it.
math(EXPR hundredths "${CMAKE_MATCH_1} * 100 + ${CMAKE_MATCH_2} + 1")
math(EXPR n "${hundredths} * 1073741824 / 100 / 8 + 1")
# The host holds the input (8 bytes) and output (4 bytes) per element and
# offload refuses sizes over 80 % of memory; stay well within.
cmake_host_system_information(RESULT mib QUERY TOTAL_PHYSICAL_MEMORY)
math(EXPR need_mib "${n} * 12 / 1048576")
math(EXPR usable_mib "${mib} * 6 / 10")
if(need_mib GREATER usable_mib)
  message(STATUS "robustness-skip: --size ${n} needs ${need_mib} MiB, this machine has ${mib} MiB")
  return()
endif()
execute_process(COMMAND "${EXE}" run sqrt --backend opencl --size ${n} --repeat 1
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 240)
if(NOT "${rc}" STREQUAL "2" OR NOT "${out}${err}" MATCHES
   "needs a ([0-9]+)-byte input buffer, more than the device's CL_DEVICE_MAX_MEM_ALLOC_SIZE of ([0-9]+) bytes")
  message(FATAL_ERROR "offload run sqrt --backend opencl --size ${n}: expected exit 2 and a "
                      "message naming CL_DEVICE_MAX_MEM_ALLOC_SIZE, got exit '${rc}'\n"
                      "--- stdout\n${out}\n--- stderr\n${err}")
endif()
set(need "${CMAKE_MATCH_1}")
set(limit "${CMAKE_MATCH_2}")
math(EXPR expect_need "${n} * 8")
# The limit the run applied must be the one devices reported (to the
# hundredth of a GiB shown), and the refused buffer the one asked for.
math(EXPR limit_hundredths "(${limit} * 100 + 536870912) / 1073741824")
math(EXPR shown_hundredths "${hundredths} - 1")
if(NOT need STREQUAL expect_need OR NOT limit_hundredths EQUAL shown_hundredths)
  message(FATAL_ERROR "offload run: refused a ${need}-byte buffer (asked ${expect_need}) against "
                      "a limit of ${limit} bytes, but `offload devices` reported ${shown} GiB "
                      "in another process with the same POCL_MEMORY_LIMIT")
endif()
message(STATUS "--size ${n}: exit 2, ${err}")
