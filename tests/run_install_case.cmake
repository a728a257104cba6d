cmake_minimum_required(VERSION 3.20)
# The installed tool works from any directory: install into PREFIX, then run
# it from / so nothing is found through the source tree or the working dir.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${PREFIX}"
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${err}")
endif()
# The man page and both completions are installed where man, bash-completion
# and zsh look for them.
foreach(doc share/man/man1/offload.1 share/bash-completion/completions/offload
            share/zsh/site-functions/_offload)
  if(NOT EXISTS "${PREFIX}/${doc}")
    message(FATAL_ERROR "cmake --install did not install ${doc}")
  endif()
endforeach()
file(READ "${PREFIX}/share/bash-completion/completions/offload" bash_completion)
if(NOT bash_completion MATCHES "complete -F _offload offload")
  message(FATAL_ERROR "the installed bash completion does not complete offload")
endif()
set(backends serial)
if(OPENCL)
  list(APPEND backends opencl)
endif()
foreach(backend IN LISTS backends)
  execute_process(COMMAND "${PREFIX}/bin/offload" scores --percent 5 --backend ${backend}
    WORKING_DIRECTORY / RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "The best score 21439 comes from pattern MDC053363.000_9241"
     OR NOT out MATCHES "share/offload/AppleGenotypes.csv")
    message(FATAL_ERROR "installed offload (${backend}) exit ${rc}:\n${out}\n${err}")
  endif()
endforeach()
# Charts come with the installed tool (gnuplot permitting): a saved export
# drawn from / into a folder of its own.
find_program(GNUPLOT gnuplot)
if(GNUPLOT)
  set(charts "${PREFIX}/charts-test")
  execute_process(COMMAND "${PREFIX}/bin/offload" run sqrt --backend serial --size 10k
                          --repeat 2 --no-calibrate --format json --output "${PREFIX}/run.json"
    WORKING_DIRECTORY / RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  execute_process(COMMAND "${PREFIX}/bin/offload" plot "${PREFIX}/run.json" -o "${charts}"
    WORKING_DIRECTORY / RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${charts}/roofline.png" OR NOT "${err}" STREQUAL "")
    message(FATAL_ERROR "installed offload plot: exit ${rc}:\n${out}\n${err}")
  endif()
endif()
message(STATUS "installed offload runs from / with its bundled data and built-in kernels, "
               "man page, completions and charts")
