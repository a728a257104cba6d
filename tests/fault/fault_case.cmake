cmake_minimum_required(VERSION 3.20)
# One fault case: offload with OFFLOAD_FAULT=FAULT and the offload_clfault
# shim preloaded (see clfault.c and CMakeLists.txt here).
#   1. `offload CONTROL` without the fault must pass. It also caches every
#      backend's ceilings, so no calibration runs (and makes the faulted
#      call) later: the N-th call is the same call in every run. No OpenCL
#      device: "robustness-skip:" (a ctest skip).
#   2. `offload RUN --output FILE` (without --output when OUTPUT is OFF),
#      FILE existing: exit 1, EXPECT_REGEX, FILE byte-identical, no
#      temporary file left.
#   3. `offload COMPARE` (unless empty) with COMPARE_FAULT (default FAULT):
#      exit 1, EXPECT_REGEX, and the serial and openmp rows with times.
# Neither faulted run may print REJECT_REGEX (optional).
# Any run with a sanitizer report or an OpenCL object left unreleased (the
# shim says "offload_clfault: not released") fails the case.
# Args: EXE, SHIM, WORKDIR, CONTROL, FAULT, EXPECT_REGEX, RUN, OUTPUT,
# COMPARE, COMPARE_FAULT, REJECT_REGEX.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
separate_arguments(control_argv UNIX_COMMAND "${CONTROL}")
separate_arguments(run_argv UNIX_COMMAND "${RUN}")
separate_arguments(compare_argv UNIX_COMMAND "${COMPARE}")
if(NOT COMPARE_FAULT)
  set(COMPARE_FAULT "${FAULT}")
endif()
unset(ENV{OFFLOAD_FAULT})
unset(ENV{OFFLOAD_FAULT_TRACE})

# offload(WHAT args...): runs offload; sets rc, all (stdout + stderr) and
# shown (all of it, for a failure message).
macro(offload what)
  execute_process(COMMAND "${EXE}" ${ARGN} WORKING_DIRECTORY "${WORKDIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 100)
  set(all "${out}${err}")
  set(shown "${what}: OFFLOAD_FAULT=$ENV{OFFLOAD_FAULT} offload ${ARGN}\n")
  string(APPEND shown "exit '${rc}'\n--- stdout\n${out}\n--- stderr\n${err}")
  if(all MATCHES "ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|: runtime error: ")
    message(FATAL_ERROR "sanitizer report\n${shown}")
  endif()
  if(all MATCHES "offload_clfault: not released")
    message(FATAL_ERROR "OpenCL objects left unreleased\n${shown}")
  endif()
endmacro()

function(expect_failure)
  if(NOT rc STREQUAL "1")
    message(FATAL_ERROR "expected exit 1\n${shown}")
  endif()
  if(NOT all MATCHES "${EXPECT_REGEX}")
    message(FATAL_ERROR "output does not match '${EXPECT_REGEX}'\n${shown}")
  endif()
  if(REJECT_REGEX AND all MATCHES "${REJECT_REGEX}")
    message(FATAL_ERROR "output matches '${REJECT_REGEX}', which it must not\n${shown}")
  endif()
endfunction()

offload("control" ${control_argv})
if(all MATCHES "opencl: unavailable here")
  message(STATUS "robustness-skip: no OpenCL device here:\n${all}")
  return()
endif()
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "the control run without a fault failed\n${shown}")
endif()

# The shim goes first, even before libasan in the sanitizer build: it
# interposes aligned_alloc, which libasan would otherwise take. ASan is
# told that this order is intended.
if(NOT "$ENV{LD_PRELOAD}" STREQUAL "")
  set(ENV{LD_PRELOAD} "${SHIM}:$ENV{LD_PRELOAD}")
else()
  set(ENV{LD_PRELOAD} "${SHIM}")
endif()
if(DEFINED ENV{ASAN_OPTIONS})
  set(ENV{ASAN_OPTIONS} "$ENV{ASAN_OPTIONS}:verify_asan_link_order=0")
endif()

set(ENV{OFFLOAD_FAULT} "${FAULT}")
set(out_file "${WORKDIR}/previous.csv")
file(WRITE "${out_file}" "previous,42\n")
file(SHA256 "${out_file}" previous)
if(OUTPUT)
  offload("run" ${run_argv} --output "${out_file}")
else()
  offload("run" ${run_argv})
endif()
expect_failure()
file(SHA256 "${out_file}" now)
if(NOT now STREQUAL previous)
  file(READ "${out_file}" text)
  message(FATAL_ERROR "${out_file} changed:\n${text}\n${shown}")
endif()
file(GLOB left "${WORKDIR}/*.tmp.*")
if(left)
  message(FATAL_ERROR "temporary files left behind: ${left}\n${shown}")
endif()
message(STATUS "run: exit 1, '${EXPECT_REGEX}'")

if(compare_argv)
  set(ENV{OFFLOAD_FAULT} "${COMPARE_FAULT}")
  offload("compare" ${compare_argv})
  expect_failure()
  foreach(backend serial openmp)
    # A row with times (compare's compact table): "  serial   571 ns   632 ns ..."
    if(NOT all MATCHES "\n  ${backend} +[0-9.]+ [mun]?s +[0-9.]+ [mun]?s ")
      message(FATAL_ERROR "no ${backend} row with times in the compare table\n${shown}")
    endif()
  endforeach()
  message(STATUS "compare: exit 1, '${EXPECT_REGEX}', serial and openmp rows")
endif()
