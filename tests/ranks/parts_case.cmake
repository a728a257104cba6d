# Each rank reads its own rows (RANKS ranks): tables whose byte ranges cut
# lines in awkward places give the one process's markers, warnings and
# errors, said once, and the JSON says what each rank held.
#   CRLF line ends; no newline after the last line; a 2-line table (on 3
#   ranks a rank has no line of its own); a row with a wrong field count in
#   rank 1's part (warned once, with its line); a NUL byte in rank 1's part
#   (one message, its line, every rank exits non-zero, no hang).
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
separate_arguments(flags UNIX_COMMAND "${MPI_FLAGS}")
set(apple ${DATA}/AppleGenotypes.csv)
# Line 710 of 1287 lies in rank 1's bytes on 2 ranks and on 3.
execute_process(COMMAND sh -c "
  sed 's/$/\r/' '${apple}' > crlf.csv &&
  printf '%s' \"$(cat '${apple}')\" > nonl.csv &&
  printf 'code,A,B,C,D\\nm1,0,1,2,0\\nm2,0,0,1,2' > two.csv &&
  { head -n 709 '${apple}'; echo 'short_row,0,1'; tail -n +710 '${apple}'; } > badrow.csv &&
  { head -n 709 '${apple}'; printf 'nul_row,0\\0001\\n'; tail -n +710 '${apple}'; } > nul.csv"
  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "could not write the tables")
endif()

# markers on a table, one process (ranks 0) or RANKS: its minimal file,
# its JSON, its stderr.
function(markers_on table ranks)
  set(cmd ${EXE} markers ${table} --backend openmp)
  if(ranks GREATER 0)
    set(cmd ${MPIEXEC} ${flags} -n ${ranks} ${cmd})
  endif()
  execute_process(COMMAND ${cmd} --output ${table}.${ranks}.txt WORKING_DIRECTORY ${WORKDIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  execute_process(COMMAND ${cmd} --format json --output ${table}.${ranks}.json
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc2 OUTPUT_QUIET ERROR_QUIET
                  TIMEOUT 120)
  if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0)
    message(FATAL_ERROR "markers ${table} on ${ranks} ranks: exit ${rc} ${rc2}\n${out}\n${err}")
  endif()
  file(READ ${WORKDIR}/${table}.${ranks}.json json)
  set(json "${json}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

foreach(table crlf nonl two badrow)
  markers_on(${table}.csv 0)
  set(json0 "${json}")
  set(err0 "${err}")
  markers_on(${table}.csv ${RANKS})
  file(READ ${WORKDIR}/${table}.csv.0.txt want)
  file(READ ${WORKDIR}/${table}.csv.${RANKS}.txt got)
  string(JSON markers0 GET "${json0}" markers)
  string(JSON markers GET "${json}" markers)
  if(NOT got STREQUAL want OR NOT markers STREQUAL markers0)
    message(FATAL_ERROR "${table}: markers on ${RANKS} ranks differ from one process's\n${got}\n${want}")
  endif()
  # What each rank held: every row read once; on several ranks each part
  # also holds its rows' line numbers (8 bytes a row) until they are joined.
  string(JSON rows0 GET "${json0}" table rows)
  string(JSON bytes0 GET "${json0}" table total_bytes)
  string(JSON rows GET "${json}" table rows)
  string(JSON bytes GET "${json}" table total_bytes)
  string(JSON largest GET "${json}" table largest_share_rows)
  string(JSON largest_bytes GET "${json}" table largest_share_bytes)
  string(JSON nranks GET "${json}" table ranks)
  set(want_bytes ${bytes0})
  if(RANKS GREATER 1)
    math(EXPR want_bytes "${bytes0} + 8 * ${rows0}")
  endif()
  math(EXPR most "(${rows} + ${RANKS} - 1) / ${RANKS} + 1")
  if(NOT rows EQUAL rows0 OR NOT bytes EQUAL want_bytes OR NOT nranks EQUAL RANKS
     OR largest GREATER most OR largest_bytes GREATER bytes
     OR (RANKS GREATER 1 AND rows GREATER 100 AND NOT largest LESS rows))
    message(FATAL_ERROR "${table}: table on ${RANKS} ranks: ${rows} rows (one process ${rows0}), "
                        "${bytes} bytes (want ${want_bytes}), largest share ${largest} rows, "
                        "${largest_bytes} bytes")
  endif()
endforeach()

# run scores on the same tables, some with --percent: each rank scores the
# rows it read, and the checksum is the one process's (rank 0 checks it).
foreach(table crlf nonl two badrow)
  set(percents 100 37.5)
  if(table STREQUAL "two")
    set(percents 100 50)
  endif()
  foreach(percent ${percents})
    set(sums "")
    foreach(n 0 ${RANKS})
      set(cmd ${EXE} run scores --data ${table}.csv --percent ${percent} --backend openmp
              --repeat 1 --no-calibrate --format json --output ${table}.scores.${n}.json)
      if(n GREATER 0)
        set(cmd ${MPIEXEC} ${flags} -n ${n} ${cmd})
      endif()
      execute_process(COMMAND ${cmd} WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc
                      OUTPUT_VARIABLE out ERROR_VARIABLE scores_err TIMEOUT 120)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "run scores ${table} --percent ${percent} on ${n} ranks: exit ${rc}\n${scores_err}")
      endif()
      file(READ ${WORKDIR}/${table}.scores.${n}.json json)
      string(JSON sum GET "${json}" results 0 checksum)
      string(JSON rows GET "${json}" results 0 rows)
      string(JSON ok GET "${json}" results 0 check ok)
      if(NOT ok)
        message(FATAL_ERROR "run scores ${table} on ${n} ranks: the check failed")
      endif()
      list(APPEND sums "${sum}/${rows}")
    endforeach()
    list(GET sums 0 one)
    list(GET sums 1 ranked)
    if(NOT one STREQUAL ranked)
      message(FATAL_ERROR "run scores ${table} --percent ${percent}: checksum/rows ${ranked} on "
                          "${RANKS} ranks, ${one} in one process")
    endif()
  endforeach()
endforeach()

# The short row: warned once, at its line, as one process warns.
string(REGEX MATCHALL "badrow.csv:710: 3 fields, expected 261" warned "${err}")
list(LENGTH warned nwarned)
string(REGEX MATCHALL "badrow.csv:710: 3 fields, expected 261" warned0 "${err0}")
list(LENGTH warned0 nwarned0)
if(NOT nwarned EQUAL 1 OR NOT nwarned0 EQUAL 1)
  message(FATAL_ERROR "the short row on ${RANKS} ranks: warned ${nwarned} times\n${err}")
endif()

# The NUL byte in rank 1's part: one message naming line 710, every rank
# exits non-zero (each writes its exit status), and none waits for ever.
execute_process(COMMAND ${MPIEXEC} ${flags} -n ${RANKS} sh -c
    "\"${EXE}\" markers nul.csv; echo $? > exit.\${OMPI_COMM_WORLD_RANK:-\${PMI_RANK:-0}}"
    WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
    TIMEOUT 60)
string(REGEX MATCHALL "contains a NUL byte" said "${err}")
list(LENGTH said nsaid)
if(NOT nsaid EQUAL 1 OR NOT err MATCHES "nul.csv:710: contains a NUL byte")
  message(FATAL_ERROR "a NUL byte on ${RANKS} ranks (exit ${rc}): said ${nsaid} times\n${err}")
endif()
math(EXPR last "${RANKS} - 1")
foreach(r RANGE ${last})
  file(READ ${WORKDIR}/exit.${r} code)
  string(STRIP "${code}" code)
  if(NOT code EQUAL 2)
    message(FATAL_ERROR "a NUL byte: rank ${r} exited ${code}, not 2")
  endif()
endforeach()
