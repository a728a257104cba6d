cmake_minimum_required(VERSION 3.20)
# A real sweep exported to CSV and JSON: the JSON parses and holds every
# result; the CSV has one row per result and gnuplot draws it.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
foreach(fmt csv json)
  execute_process(COMMAND "${EXE}" sweep sqrt --sizes 10k,20k,40k --backends serial,openmp
                          --repeat 2 --output "${WORKDIR}/sweep.${fmt}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sweep --output sweep.${fmt} failed (${rc}):\n${out}\n${err}")
  endif()
endforeach()
file(STRINGS "${WORKDIR}/sweep.csv" rows)
list(LENGTH rows nrows)
if(NOT nrows EQUAL 7)
  message(FATAL_ERROR "expected a header and 6 rows in sweep.csv, got ${nrows} lines")
endif()
file(READ "${WORKDIR}/sweep.json" json)
string(JSON nresults LENGTH "${json}" results)
string(JSON first_kernel GET "${json}" results 0 kernel)
string(JSON schema GET "${json}" schema_version)
if(NOT nresults EQUAL 6 OR NOT first_kernel STREQUAL "sqrt" OR NOT schema EQUAL 2)
  message(FATAL_ERROR "sweep.json: ${nresults} results, first kernel ${first_kernel}, schema ${schema}")
endif()
# The sweep's conclusions travel with it: an exponent per backend (both
# phases) in the JSON with the interval the spread allows, and the same
# numbers in the CSV columns. An exponent the spread or a busy machine
# makes unmeasurable is null (empty in the CSV), never a number.
string(JSON nconcl LENGTH "${json}" conclusions)
string(JSON concl_backend GET "${json}" conclusions 1 backend)
string(JSON k_total GET "${json}" conclusions 1 scaling_exponent end_to_end)
string(JSON k_kernel GET "${json}" conclusions 1 scaling_exponent kernel)
string(JSON k_low GET "${json}" conclusions 1 scaling_interval end_to_end 0)
string(JSON k_high GET "${json}" conclusions 1 scaling_interval end_to_end 1)
if(NOT nconcl EQUAL 2 OR NOT concl_backend STREQUAL "openmp"
   OR NOT k_total MATCHES "^(-?[0-9]|(null)?$)" OR NOT k_kernel MATCHES "^(-?[0-9]|(null)?$)"
   OR NOT k_low MATCHES "^-?[0-9]" OR NOT k_high MATCHES "^-?[0-9]")
  message(FATAL_ERROR "sweep.json conclusions: ${nconcl} entries, second ${concl_backend} "
                      "with k = ${k_total} / ${k_kernel}")
endif()
list(GET rows 0 csv_header)
list(GET rows 6 csv_last)
if(NOT csv_header MATCHES "scaling_exponent_total,scaling_exponent_kernel,break_even_versus,break_even_size"
   OR NOT csv_last MATCHES ",(-?[0-9.e+-]+)?,(-?[0-9.e+-]+)?,,,(yes|no)?,")
  message(FATAL_ERROR "sweep.csv lacks the scaling exponents:\n${csv_header}\n${csv_last}")
endif()
if(PYTHON)
  execute_process(COMMAND "${PYTHON}" -m json.tool "${WORKDIR}/sweep.json"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "python's json module rejects sweep.json: ${err}")
  endif()
endif()
find_program(GNUPLOT gnuplot)
if(GNUPLOT)
  execute_process(COMMAND bash "${CHARTS}" all "${WORKDIR}/sweep.csv" "${WORKDIR}/charts"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${WORKDIR}/charts/sweep-sqrt-naive.png"
     OR NOT EXISTS "${WORKDIR}/charts/roofline.png")
    message(FATAL_ERROR "charts.sh all failed (${rc}):\n${out}\n${err}")
  endif()
endif()
message(STATUS "sweep exports parse (${nresults} results) and draw")
