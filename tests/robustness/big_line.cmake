cmake_minimum_required(VERSION 3.20)
# A 200 MB single line, as a data line and as the header: offload must read
# it in linear time and refuse it with a message (exit 2), never crash or
# hang. The files are generated in WORKDIR and removed afterwards.
# Args: EXE, WORKDIR.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")

# Writes PREFIX, 100 chunks of 2 MB (",0" or ",v" repeated), then SUFFIX.
function(write_big path prefix piece suffix)
  string(REPEAT "${piece}" 1000000 chunk)
  file(WRITE "${path}" "${prefix}")
  foreach(i RANGE 1 100)
    file(APPEND "${path}" "${chunk}")
  endforeach()
  file(APPEND "${path}" "${suffix}")
endfunction()

function(expect_refused path regex)
  string(TIMESTAMP t0 "%s")
  execute_process(COMMAND "${EXE}" scores "${path}" --backend serial
    WORKING_DIRECTORY "${WORKDIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
    TIMEOUT 120)
  string(TIMESTAMP t1 "%s")
  math(EXPR secs "${t1} - ${t0}")
  file(REMOVE "${path}")
  if(NOT "${rc}" STREQUAL "2" OR NOT "${out}${err}" MATCHES "${regex}")
    message(FATAL_ERROR "offload scores ${path}: expected exit 2 and '${regex}', got exit "
                        "'${rc}'\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  message(STATUS "${path}: exit 2 in ${secs} s: ${err}")
endfunction()

# 200 MB data line under a 2-variety header: one row of 100000001 fields.
write_big("${WORKDIR}/long_row.csv" "code,v1,v2\nm1" ",0" "\n")
expect_refused("${WORKDIR}/long_row.csv"
  "long_row.csv:2: 100000001 fields, expected 3.*no usable rows")

# 200 MB header (100 million varieties) over a short data line.
write_big("${WORKDIR}/long_header.csv" "code" ",v" "\nm1,0,1\n")
expect_refused("${WORKDIR}/long_header.csv"
  "long_header.csv:2: 3 fields, expected 100000001 .header has 100000000 varieties.*no usable rows")

# 200 MB with no line break and no delimiter: a header without varieties.
write_big("${WORKDIR}/no_newline.csv" "" "xy" "")
expect_refused("${WORKDIR}/no_newline.csv" "no_newline.csv:1: header has no variety columns")
