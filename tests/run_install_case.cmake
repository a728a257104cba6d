cmake_minimum_required(VERSION 3.20)
# The installed tool works from any directory: install into PREFIX, then run
# it from / so nothing is found through the source tree or the working dir.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${PREFIX}"
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${err}")
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
message(STATUS "installed offload runs from / with its bundled data and built-in kernels")
