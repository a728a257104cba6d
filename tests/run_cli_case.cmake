cmake_minimum_required(VERSION 3.20)
# Runs one command-line case: `offload ARGS` in a fresh WORKDIR must exit
# with EXPECT_RC and print (stdout or stderr) something matching EXPECT_REGEX.
# In ARGS, @DATA@, @FIXTURES@ and @WORK@ name the bundled data, the test
# fixtures and the working directory; words are separated by spaces.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
string(REPLACE "@DATA@" "${DATA}" ARGS "${ARGS}")
string(REPLACE "@FIXTURES@" "${FIXTURES}" ARGS "${ARGS}")
string(REPLACE "@WORK@" "${WORKDIR}" ARGS "${ARGS}")
separate_arguments(argv UNIX_COMMAND "${ARGS}")
execute_process(COMMAND "${EXE}" ${argv}
  WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
  TIMEOUT 300)
set(all "${out}${err}")
if(NOT "${rc}" STREQUAL "${EXPECT_RC}")
  message(FATAL_ERROR "offload ${ARGS}\nexpected exit ${EXPECT_RC}, got '${rc}'\n--- stdout\n${out}\n--- stderr\n${err}")
endif()
if(NOT "${all}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "offload ${ARGS}\noutput does not match '${EXPECT_REGEX}'\n--- stdout\n${out}\n--- stderr\n${err}")
endif()
message(STATUS "exit ${rc}, output matches '${EXPECT_REGEX}'")
