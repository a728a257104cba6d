# One case of tests/ranks. MODE:
#   equal           KERNEL on RANKS ranks gives the one-process checksum, with
#                   ranks in the JSON, distribute/collect phases past 1 rank,
#                   and the text printed once (rank 0 prints)
#   wrong_file      rank 1 reads a file that is not there: every rank ends,
#                   rank 1 says why, exit non-zero
#   missing_device  --backend opencl on 2 ranks of a one-device node
#   lineup          COMMAND_LINE (compare or sweep) on 2 ranks: the one process's checksums
#   writes          WRITE_COMMAND on 3 ranks, each in its own folder: rank 0 alone writes
#   no_measure      run on 2 ranks measures no ceilings and writes no cache
#   link            calibrate on 2 ranks measures the link by message size
#   refused         a command that does not split over ranks says so
#   speedup         KERNEL on RANKS ranks with the one-rank baseline: the speedup
#                   stated is the ratio of the exported times (speedup_check.py);
#                   LINK=calibrated calibrates the link first, LINK=none runs
#                   with --no-one-rank
#   partial         compare sumsqrt on 2 ranks with serial and opencl: opencl
#                   cannot split sumsqrt's outputs, its rows say "not run here",
#                   serial's run and are checked, and the command exits 3 (partial)
#   read_fault      rank 1's reads of its part of the table fail (SHIM, the fault
#                   shim, preloaded on rank 1 alone): rank 1 says why, every
#                   rank exits 2, none waits for ever
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
separate_arguments(flags UNIX_COMMAND "${MPI_FLAGS}")

function(offload_json out_var ranks)
  set(args run ${KERNEL} --backend ${BACKEND} --algorithm ${ALGORITHM} --repeat 2
           --no-calibrate --format json --output ${WORKDIR}/ranks${ranks}.json)
  if(ranks EQUAL 0)
    execute_process(COMMAND ${EXE} ${args} WORKING_DIRECTORY ${WORKDIR}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  else()
    execute_process(COMMAND ${MPIEXEC} ${flags} -n ${ranks} ${EXE} ${args}
                    WORKING_DIRECTORY ${WORKDIR}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  endif()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ranks ${ranks}: exit ${rc}\n${out}\n${err}")
  endif()
  file(READ ${WORKDIR}/ranks${ranks}.json json)
  set(${out_var} "${json}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "equal")
  offload_json(single 0)
  offload_json(ranked ${RANKS})
  string(JSON want GET "${single}" results 0 checksum)
  string(JSON got GET "${ranked}" results 0 checksum)
  string(JSON ok GET "${ranked}" results 0 check ok)
  string(JSON nranks GET "${ranked}" results 0 ranks)
  if(NOT got STREQUAL want OR NOT ok)
    message(FATAL_ERROR "${KERNEL} on ${RANKS} ranks: checksum ${got} (check ${ok}), one process ${want}")
  endif()
  if(NOT nranks EQUAL RANKS)
    message(FATAL_ERROR "the JSON says ranks ${nranks}, not ${RANKS}")
  endif()
  string(JSON has_distribute ERROR_VARIABLE no_distribute GET "${ranked}" results 0 stats_s distribute)
  if(RANKS GREATER 1 AND no_distribute)
    message(FATAL_ERROR "no distribute phase on ${RANKS} ranks")
  elseif(RANKS EQUAL 1 AND NOT no_distribute)
    message(FATAL_ERROR "a distribute phase on one rank")
  endif()
  # Text: printed once, by rank 0, naming the ranks.
  execute_process(COMMAND ${MPIEXEC} ${flags} -n ${RANKS} ${EXE} run ${KERNEL} --backend ${BACKEND}
                          --algorithm ${ALGORITHM} --repeat 1 --no-calibrate
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX MATCHALL "\ncheck +OK" checks "\n${out}")
  list(LENGTH checks nchecks)
  if(NOT rc EQUAL 0 OR NOT nchecks EQUAL 1)
    message(FATAL_ERROR "text on ${RANKS} ranks: exit ${rc}, ${nchecks} check lines\n${out}\n${err}")
  endif()
  if(RANKS GREATER 1 AND NOT out MATCHES "on ${RANKS} ranks")
    message(FATAL_ERROR "the text does not say 'on ${RANKS} ranks'\n${out}")
  endif()
elseif(MODE STREQUAL "wrong_file")
  # The same command line on both ranks, but rank 1 is given a missing table.
  execute_process(COMMAND ${MPIEXEC} ${flags} -n 2 sh -c
      "if [ \"\${OMPI_COMM_WORLD_RANK:-\${PMI_RANK:-0}}\" = 1 ]; then d=${WORKDIR}/missing.csv; else d=${DATA}/AppleGenotypes.csv; fi; exec \"${EXE}\" ${WRONG_COMMAND}"
      WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "offload: rank 1 of 2: [^\n]*missing.csv" OR err MATCHES "offload: rank 0")
    message(FATAL_ERROR "a missing file on rank 1: exit ${rc}\n${out}\n${err}")
  endif()
elseif(MODE STREQUAL "missing_device")
  # One rank more than this node has devices: the last rank has none.
  execute_process(COMMAND ${EXE} devices --format csv OUTPUT_VARIABLE devices)
  string(REGEX MATCHALL "\nopencl," lines "\n${devices}")
  list(LENGTH lines ndevices)
  math(EXPR n "${ndevices} + 1")
  execute_process(COMMAND ${MPIEXEC} ${flags} -n ${n} ${EXE} run sqrt --backend opencl --size 1k
                          --no-calibrate --repeat 1
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "offload: rank ${ndevices} of ${n}: opencl: this node's rank ${ndevices} has no device"
     OR err MATCHES "offload: rank 0 of")
    message(FATAL_ERROR "no device for rank ${ndevices} of ${n}: exit ${rc}\n${out}\n${err}")
  endif()
elseif(MODE STREQUAL "lineup")
  # compare (or sweep) on 2 ranks: every row's checksum is the one process's,
  # and every row says 2 ranks.
  separate_arguments(command_line UNIX_COMMAND "${COMMAND_LINE}")
  foreach(n 0 2)
    set(cmd ${EXE} ${command_line} --backends serial,openmp --repeat 1 --no-calibrate
            --format json --output ${WORKDIR}/lineup${n}.json)
    if(n GREATER 0)
      set(cmd ${MPIEXEC} ${flags} -n ${n} ${cmd})
    endif()
    execute_process(COMMAND ${cmd} WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc
                    OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${COMMAND_LINE} (${n} ranks): exit ${rc}\n${out}\n${err}")
    endif()
    file(READ ${WORKDIR}/lineup${n}.json json)
    string(JSON count LENGTH "${json}" results)
    math(EXPR last "${count} - 1")
    set(list_${n} "")
    foreach(i RANGE ${last})
      string(JSON sum GET "${json}" results ${i} checksum)
      string(JSON r GET "${json}" results ${i} ranks)
      if(n GREATER 0 AND NOT r EQUAL n)
        message(FATAL_ERROR "row ${i} says ranks ${r}")
      endif()
      list(APPEND list_${n} "${sum}")
    endforeach()
  endforeach()
  if(NOT list_0 STREQUAL list_2 OR NOT list_0)
    message(FATAL_ERROR "checksums on 2 ranks ${list_2}, one process ${list_0}")
  endif()
elseif(MODE STREQUAL "writes")
  # Each rank in a folder of its own: only rank 0's gets the --output file
  # (and markers' --with-headers), the other folders stay empty.
  foreach(r 0 1 2)
    file(MAKE_DIRECTORY ${WORKDIR}/rank${r})
  endforeach()
  execute_process(COMMAND ${MPIEXEC} ${flags} -n 3 sh -c
      "cd \"${WORKDIR}/rank\${OMPI_COMM_WORLD_RANK:-\${PMI_RANK:-0}}\" && exec \"${EXE}\" ${WRITE_COMMAND}"
      WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  file(GLOB rank0 ${WORKDIR}/rank0/*)
  file(GLOB others ${WORKDIR}/rank1/* ${WORKDIR}/rank2/*)
  if(NOT rc EQUAL 0 OR NOT rank0 OR others)
    message(FATAL_ERROR "${WRITE_COMMAND} on 3 ranks: exit ${rc}, rank 0 wrote '${rank0}', "
                        "the others '${others}'\n${out}\n${err}")
  endif()
elseif(MODE STREQUAL "no_measure")
  # Across ranks no rank measures ceilings (the others would be spinning in
  # MPI meanwhile) and none writes the cache: rank 0 says how to get them.
  set(ENV{OFFLOAD_CACHE_DIR} ${WORKDIR}/cache)
  execute_process(COMMAND ${MPIEXEC} ${flags} -n 2 ${EXE} run sqrt --size 10k --repeat 1
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT err MATCHES "rank 0 of 2: warning: no cached ceilings of openmp"
     OR EXISTS ${WORKDIR}/cache)
    message(FATAL_ERROR "ceilings across ranks: exit ${rc}\n${out}\n${err}")
  endif()
elseif(MODE STREQUAL "link")
  # calibrate on 2 ranks measures the link: six sizes, every figure measured.
  execute_process(COMMAND ${MPIEXEC} ${flags} -n 2 ${EXE} calibrate
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX MATCHALL "\n  [0-9.]+ [kMG]?B +[0-9.]+ [num]?s +[0-9.e+-]+ GB/s +[0-9.e+-]+ GB/s" rows "\n${out}")
  list(LENGTH rows nrows)
  if(NOT rc EQUAL 0 OR NOT nrows EQUAL 6 OR out MATCHES " 0 GB/s")
    message(FATAL_ERROR "link on 2 ranks: exit ${rc}, ${nrows} rows\n${out}\n${err}")
  endif()
elseif(MODE STREQUAL "refused")
  separate_arguments(refused UNIX_COMMAND "${REFUSED_COMMAND}")
  execute_process(COMMAND ${MPIEXEC} ${flags} -n 2 ${EXE} ${refused}
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "rank 0 of 2: ${REFUSED_MESSAGE}"
     OR err MATCHES "rank 1 of 2")
    message(FATAL_ERROR "${REFUSED_COMMAND} on 2 ranks: exit ${rc}\n${out}\n${err}")
  endif()
  file(GLOB written ${WORKDIR}/*)
  if(written)
    message(FATAL_ERROR "a refused command wrote ${written}")
  endif()
elseif(MODE STREQUAL "partial")
  execute_process(COMMAND ${MPIEXEC} ${flags} -n 2 ${EXE} compare sumsqrt --algorithm naive
                          --backends serial,opencl --size 2000 --repeat 1 --no-calibrate
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 3 OR NOT out MATCHES "opencl +copy +not run here"
     OR NOT err MATCHES "does not run on OpenCL yet" OR out MATCHES "FAILED"
     OR NOT out MATCHES "serial +[0-9.]+ [mu]?s")
    message(FATAL_ERROR "compare sumsqrt on 2 ranks with opencl: exit ${rc}\n${out}\n${err}")
  endif()
elseif(MODE STREQUAL "speedup")
  set(ENV{OFFLOAD_CACHE_DIR} ${WORKDIR}/cache)
  set(extra --no-calibrate)
  if(LINK STREQUAL "calibrated")
    execute_process(COMMAND ${MPIEXEC} ${flags} -n ${RANKS} ${EXE} calibrate
                    WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0 OR NOT out MATCHES "cached in [^\n]*link-")
      message(FATAL_ERROR "calibrate on ${RANKS} ranks: exit ${rc}\n${out}\n${err}")
    endif()
    set(extra "")
  elseif(LINK STREQUAL "none")
    set(extra --no-calibrate --no-one-rank)
  endif()
  execute_process(COMMAND ${MPIEXEC} ${flags} -n ${RANKS} ${EXE} run ${KERNEL} --backend openmp
                          --threads 1 --size ${SIZE} --repeat 3 ${extra} --format json
                          --output ${WORKDIR}/run.json
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${KERNEL} on ${RANKS} ranks: exit ${rc}\n${out}\n${err}")
  endif()
  file(WRITE ${WORKDIR}/run.txt "${out}")
  execute_process(COMMAND ${PYTHON} ${CHECKER} ${WORKDIR}/run.json ${WORKDIR}/run.txt ${RANKS}
                          ${KERNEL} ${LINK}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE check ERROR_VARIABLE check_err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${check}${check_err}\n--- text\n${out}\n${err}")
  endif()
elseif(MODE STREQUAL "read_fault")
  execute_process(COMMAND ${MPIEXEC} ${flags} -n 2 sh -c
      "r=\${OMPI_COMM_WORLD_RANK:-\${PMI_RANK:-0}}; if [ \"$r\" = 1 ]; then export LD_PRELOAD=${SHIM} OFFLOAD_FAULT=pread:1:EIO; fi; \"${EXE}\" ${FAULT_COMMAND}; echo $? > exit.$r"
      WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
      TIMEOUT 60)
  string(REGEX MATCHALL "read error" said "${err}")
  list(LENGTH said nsaid)
  if(NOT nsaid EQUAL 1 OR NOT err MATCHES "offload: rank 1 of 2: [^\n]*: read error: Input/output error")
    message(FATAL_ERROR "a read error on rank 1 (exit ${rc}): said ${nsaid} times\n${out}\n${err}")
  endif()
  foreach(r 0 1)
    file(READ ${WORKDIR}/exit.${r} code)
    string(STRIP "${code}" code)
    if(NOT code EQUAL 2)
      message(FATAL_ERROR "a read error on rank 1: rank ${r} exited ${code}, not 2\n${err}")
    endif()
  endforeach()
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
