cmake_minimum_required(VERSION 3.20)
# Progress of long runs: on a terminal (script(1) gives offload a pty)
# compare (serial, openmp on 1 thread, openmp) shows "[k/n] KERNEL ALGORITHM
# on BACKEND" and, from the second run on, "~N s left" (or "<1 s left");
# through a pipe it shows nothing at all.
set(args compare sqrt --size 1k --backends serial,openmp --repeat 2)
execute_process(COMMAND "${EXE}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "offload ${args}: exit ${rc}\n${out}\n${err}")
endif()
if("${out}${err}" MATCHES "\\[[0-9]+/[0-9]+\\]|\\[K")
  message(FATAL_ERROR "progress shown on a pipe:\n${out}\n${err}")
endif()
find_program(SCRIPT script)
if(NOT SCRIPT)
  message(STATUS "progress-skip: no script(1) to give offload a terminal")
  return()
endif()
list(JOIN args " " joined)
execute_process(COMMAND "${SCRIPT}" -qec "'${EXE}' ${joined}" /dev/null
  RESULT_VARIABLE rc OUTPUT_VARIABLE tty ERROR_VARIABLE tty_err)
if(NOT rc EQUAL 0 OR NOT tty MATCHES "\\[1/3\\] sqrt naive on serial"
   OR NOT tty MATCHES "\\[3/3\\] sqrt naive on openmp, (~[0-9]+|<1) s left")
  message(FATAL_ERROR "on a terminal, exit ${rc}, no progress lines:\n${tty}\n${tty_err}")
endif()
message(STATUS "progress on a terminal, none on a pipe")

# markers: "markers: iteration N, M pairs left" on a terminal, never on a pipe.
set(args markers --backend serial)
execute_process(COMMAND "${EXE}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR "${out}${err}" MATCHES "pairs left")
  message(FATAL_ERROR "offload markers on a pipe: exit ${rc}, progress shown:\n${err}")
endif()
list(JOIN args " " joined)
execute_process(COMMAND "${SCRIPT}" -qec "'${EXE}' ${joined}" /dev/null
  RESULT_VARIABLE rc OUTPUT_VARIABLE tty ERROR_VARIABLE tty_err)
if(NOT rc EQUAL 0 OR NOT tty MATCHES "markers: iteration 2, 4164 pairs left"
   OR NOT tty MATCHES "markers: iteration 22, 1 pairs left")
  message(FATAL_ERROR "markers on a terminal, exit ${rc}, no progress lines:\n${tty}\n${tty_err}")
endif()
message(STATUS "markers progress on a terminal, none on a pipe")
