cmake_minimum_required(VERSION 3.20)
# offload markers on a table writes upstream's two files byte for byte (the
# fixtures are upstream's own output), on the backend given, and a JSON export
# that parses and holds the same markers.
# opencl-gpu: the OpenCL backend on its GPU work-group path. LAUNCHER (a
# command line, "mpiexec -n 2") runs offload under it: across MPI ranks.
set(backend_args --backend ${BACKEND})
separate_arguments(launcher UNIX_COMMAND "${LAUNCHER}")
if(BACKEND STREQUAL "opencl-gpu")
  set(backend_args --backend opencl --opencl-path gpu)
endif()
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
execute_process(COMMAND ${launcher} "${EXE}" markers "${TABLE}" ${backend_args}
                        --output "${WORKDIR}/minimal.txt" --with-headers "${WORKDIR}/headers.txt"
  WORKING_DIRECTORY "${WORKDIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "markers ${TABLE} --backend ${BACKEND} failed (${rc}):\n${out}\n${err}")
endif()
foreach(pair "minimal.txt;${STEM}_minimal_markers.txt"
             "headers.txt;${STEM}_selected_markers_with_headers.txt")
  list(GET pair 0 ours)
  list(GET pair 1 theirs)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORKDIR}/${ours}"
                          "${FIXTURES}/markers/${theirs}" RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    file(READ "${WORKDIR}/${ours}" got)
    message(FATAL_ERROR "${ours} differs from upstream's ${theirs}:\n${got}")
  endif()
endforeach()
# The terminal table: upstream's rows, one per marker.
file(STRINGS "${FIXTURES}/markers/${STEM}_output.txt" upstream_rows REGEX "^[0-9]+\t[0-9]+\t")
foreach(row IN LISTS upstream_rows)
  string(FIND "${out}" "${row}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the table lacks upstream's row '${row}':\n${out}")
  endif()
endforeach()
execute_process(COMMAND ${launcher} "${EXE}" markers "${TABLE}" ${backend_args} --format json
  WORKING_DIRECTORY "${WORKDIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "markers --format json failed (${rc}):\n${err}")
endif()
file(STRINGS "${FIXTURES}/markers/${STEM}_minimal_markers.txt" rows)
list(LENGTH rows nrows)
math(EXPR nmarkers "${nrows} - 1")
string(JSON njson LENGTH "${json}" markers)
list(GET rows -1 last)
string(REPLACE "\t" ";" last "${last}")
list(GET last 0 last_cumulative)
list(GET last 1 last_id)
math(EXPR last_index "${njson} - 1")
string(JSON json_cumulative GET "${json}" markers ${last_index} cumulative_resolved)
string(JSON json_id GET "${json}" markers ${last_index} marker_id)
if(NOT njson EQUAL nmarkers OR NOT json_cumulative EQUAL last_cumulative
   OR NOT json_id STREQUAL last_id)
  message(FATAL_ERROR "json: ${njson} markers, last ${json_id} at ${json_cumulative}; upstream "
                      "${nmarkers}, last ${last_id} at ${last_cumulative}")
endif()
